//! Request signatures and webhook / push verification, exactly as each platform specifies.
//! The test vectors in `tests/vectors/signatures.json` are computed by an independent
//! Python script (`gen_vectors.py`) and checked in `tests/signatures.rs`.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length; `new_from_slice` cannot fail for it.
    match HmacSha256::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC-SHA256 takes keys of any length"),
    }
}

/// `HMAC-SHA256(key, parts concatenated)`, not yet finalized.
fn hmac(key: &[u8], parts: &[&[u8]]) -> HmacSha256 {
    let mut m = mac(key);
    for p in parts {
        m.update(p);
    }
    m
}

fn hmac_hex(key: &[u8], parts: &[&[u8]]) -> String {
    hex::encode(hmac(key, parts).finalize().into_bytes())
}

/// `sorted(k+v)` over `params` but the `skipped` keys, keys ordered by their bytes: the
/// parameter part of TikTok's and Lazada's request signatures.
fn push_sorted_params(s: &mut Vec<u8>, params: &[(String, String)], skipped: &[&str]) {
    let mut sorted: Vec<&(String, String)> = params
        .iter()
        .filter(|(k, _)| !skipped.contains(&k.as_str()))
        .collect();
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    for (k, v) in sorted {
        s.extend_from_slice(k.as_bytes());
        s.extend_from_slice(v.as_bytes());
    }
}

/// TikTok Shop: `hex(HMAC-SHA256(app_secret, app_secret + path + sorted(k+v) + body + app_secret))`
/// over every query parameter except `sign` and `access_token`.
pub fn tiktok(app_secret: &str, path: &str, query: &[(String, String)], body: &[u8]) -> String {
    let mut s = Vec::with_capacity(256 + body.len());
    s.extend_from_slice(app_secret.as_bytes());
    s.extend_from_slice(path.as_bytes());
    push_sorted_params(&mut s, query, &["sign", "access_token"]);
    s.extend_from_slice(body);
    s.extend_from_slice(app_secret.as_bytes());
    hmac_hex(app_secret.as_bytes(), &[&s])
}

/// Shopee: `hex(HMAC-SHA256(partner_key, partner_id + path + timestamp + access_token + shop_id))`;
/// for the auth endpoints (`shop` = `None`) only `partner_id + path + timestamp`.
pub fn shopee(
    partner_key: &str,
    partner_id: u64,
    path: &str,
    timestamp: i64,
    shop: Option<(&str, u64)>,
) -> String {
    let mut s = format!("{partner_id}{path}{timestamp}");
    if let Some((access_token, shop_id)) = shop {
        s.push_str(access_token);
        s.push_str(&shop_id.to_string());
    }
    hmac_hex(partner_key.as_bytes(), &[s.as_bytes()])
}

/// Lazada: `UPPER(hex(HMAC-SHA256(app_secret, api_path + sorted(k+v) + body)))` over every
/// parameter except `sign`; `api_path` has no `/rest` prefix.
pub fn lazada(
    app_secret: &str,
    api_path: &str,
    params: &[(String, String)],
    body: &[u8],
) -> String {
    let mut s = Vec::with_capacity(256 + body.len());
    s.extend_from_slice(api_path.as_bytes());
    push_sorted_params(&mut s, params, &["sign"]);
    s.extend_from_slice(body);
    hmac_hex(app_secret.as_bytes(), &[&s]).to_ascii_uppercase()
}

/// Compares `HMAC(key, parts)` with a hex signature in constant time (hex of either case).
fn verify(key: &[u8], parts: &[&[u8]], signature_hex: &str) -> bool {
    let Ok(given) = hex::decode(signature_hex.trim()) else {
        return false;
    };
    hmac(key, parts).verify_slice(&given).is_ok()
}

/// `Authorization == hex(HMAC-SHA256(secret, prefix + raw_body))`: TikTok's webhooks and
/// Lazada's pushes (prefix = app key), the check of `webhook_signature`.
fn verify_prefixed(prefix: &str, secret: &str, body: &[u8], authorization: &str) -> bool {
    verify(secret.as_bytes(), &[prefix.as_bytes(), body], authorization)
}

/// TikTok webhook: `Authorization == hex(HMAC-SHA256(app_secret, app_key + raw_body))`.
pub fn verify_tiktok_webhook(
    app_key: &str,
    app_secret: &str,
    body: &[u8],
    authorization: &str,
) -> bool {
    verify_prefixed(app_key, app_secret, body, authorization)
}

/// Shopee push: `Authorization == hex(HMAC-SHA256(partner_key, url + "|" + body))`, `url` being
/// the full callback URL the push was sent to.
pub fn verify_shopee_push(partner_key: &str, url: &str, body: &[u8], authorization: &str) -> bool {
    verify(
        partner_key.as_bytes(),
        &[url.as_bytes(), b"|", body],
        authorization,
    )
}

/// Lazada push: `Authorization == hex(HMAC-SHA256(app_secret, app_key + body))`.
pub fn verify_lazada_push(
    app_key: &str,
    app_secret: &str,
    body: &[u8],
    authorization: &str,
) -> bool {
    verify_prefixed(app_key, app_secret, body, authorization)
}

/// Signature helpers for tests and for signing outgoing webhooks in a simulator.
pub fn webhook_signature(secret: &str, prefix: &str, body: &[u8]) -> String {
    hmac_hex(secret.as_bytes(), &[prefix.as_bytes(), body])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_with_a_wrong_signature_is_rejected() {
        let body = br#"{"type":14,"shop_id":"7000","data":{}}"#;
        let good = webhook_signature("secret", "key", body);
        assert!(verify_tiktok_webhook("key", "secret", body, &good));
        assert!(verify_tiktok_webhook(
            "key",
            "secret",
            body,
            &good.to_uppercase()
        ));
        let mut bad = good.clone().into_bytes();
        bad[0] = if bad[0] == b'0' { b'1' } else { b'0' };
        assert!(!verify_tiktok_webhook(
            "key",
            "secret",
            body,
            std::str::from_utf8(&bad).unwrap()
        ));
        assert!(!verify_tiktok_webhook("key", "secret", b"{}", &good));
        assert!(!verify_tiktok_webhook("key", "secret", body, "not hex"));
        assert!(!verify_tiktok_webhook("key", "secret", body, ""));
        assert!(!verify_tiktok_webhook("key", "other", body, &good));
    }

    #[test]
    fn lazada_signature_is_upper_case_hex() {
        let s = lazada("s", "/im/message/list", &[], b"");
        assert_eq!(s, s.to_ascii_uppercase());
        assert_eq!(s.len(), 64);
    }
}
