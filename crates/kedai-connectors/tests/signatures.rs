//! Every vector of `vectors/signatures.json` (written by `vectors/gen_vectors.py`, Python
//! standard library only) must match the Rust signing and verification code.

use kedai_connectors::sign;
use serde_json::Value;

fn vectors() -> Value {
    let text = include_str!("vectors/signatures.json");
    serde_json::from_str(text).expect("signatures.json is JSON")
}

fn pairs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap_or_else(|| panic!("{k} in {v}"))
}

#[test]
fn tiktok_request_signatures_match_the_independent_vectors() {
    let all = vectors();
    let cases = all["tiktok"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for c in cases {
        let got = sign::tiktok(
            s(c, "app_secret"),
            s(c, "path"),
            &pairs(&c["query"]),
            s(c, "body").as_bytes(),
        );
        assert_eq!(got, s(c, "sign"), "{c}");
    }
}

#[test]
fn shopee_request_signatures_match_the_independent_vectors() {
    let all = vectors();
    let cases = all["shopee"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for c in cases {
        let shop = c["access_token"]
            .as_str()
            .map(|t| (t, s(c, "shop_id").parse::<u64>().unwrap()));
        let got = sign::shopee(
            s(c, "partner_key"),
            c["partner_id"].as_u64().unwrap(),
            s(c, "path"),
            c["timestamp"].as_i64().unwrap(),
            shop,
        );
        assert_eq!(got, s(c, "sign"), "{c}");
    }
}

#[test]
fn lazada_request_signatures_match_the_independent_vectors() {
    let all = vectors();
    let cases = all["lazada"].as_array().unwrap();
    assert!(cases.len() >= 5);
    for c in cases {
        let got = sign::lazada(
            s(c, "app_secret"),
            s(c, "api_path"),
            &pairs(&c["params"]),
            s(c, "body").as_bytes(),
        );
        assert_eq!(got, s(c, "sign"), "{c}");
    }
}

#[test]
fn webhook_vectors_verify_and_tampered_bodies_do_not() {
    let all = vectors();
    let cases = all["webhooks"].as_array().unwrap();
    assert!(cases.len() >= 9);
    for c in cases {
        let body = s(c, "body").as_bytes();
        let sig = s(c, "signature");
        let tampered = [body, b" "].concat();
        let check = |b: &[u8], sig: &str| match s(c, "platform") {
            "tiktok" => sign::verify_tiktok_webhook(s(c, "app_key"), s(c, "secret"), b, sig),
            "shopee" => sign::verify_shopee_push(s(c, "secret"), s(c, "url"), b, sig),
            "lazada" => sign::verify_lazada_push(s(c, "app_key"), s(c, "secret"), b, sig),
            other => panic!("unknown platform {other}"),
        };
        assert!(check(body, sig), "{c}");
        assert!(check(body, &sig.to_uppercase()), "{c}");
        assert!(!check(&tampered, sig), "tampered body accepted: {c}");
        let mut wrong = sig.to_owned();
        wrong.replace_range(0..1, if sig.starts_with('a') { "b" } else { "a" });
        assert!(!check(body, &wrong), "wrong signature accepted: {c}");
    }
}
