//! Request and webhook signatures of the three platforms, as `marketplace-apis.md` and
//! `WIRE.md` fix them. Public because the load generator and the tests sign with them too.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &str) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    match HmacSha256::new_from_slice(key.as_bytes()) {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

fn sorted<'a>(params: &[(&'a str, &'a str)], skip: &[&str]) -> Vec<(&'a str, &'a str)> {
    let mut kept: Vec<_> = params
        .iter()
        .copied()
        .filter(|(k, _)| !skip.contains(k))
        .collect();
    kept.sort_unstable();
    kept
}

/// TikTok Shop: `hex(HMAC-SHA256(app_secret, app_secret + path + sorted(k+v) + body +
/// app_secret))`, every query parameter but `sign` and `access_token`; `body` is empty for
/// multipart uploads.
pub fn sign_tiktok(app_secret: &str, path: &str, params: &[(&str, &str)], body: &[u8]) -> String {
    let mut m = mac(app_secret);
    m.update(app_secret.as_bytes());
    m.update(path.as_bytes());
    for (k, v) in sorted(params, &["sign", "access_token"]) {
        m.update(k.as_bytes());
        m.update(v.as_bytes());
    }
    m.update(body);
    m.update(app_secret.as_bytes());
    hex::encode(m.finalize().into_bytes())
}

/// Shopee: `hex(HMAC-SHA256(partner_key, partner_id + path + timestamp + access_token +
/// shop_id))`; the auth endpoints sign without token and shop (`""`, `None`).
pub fn sign_shopee(
    partner_key: &str,
    partner_id: u64,
    path: &str,
    timestamp: i64,
    access_token: &str,
    shop_id: Option<u64>,
) -> String {
    let mut m = mac(partner_key);
    m.update(partner_id.to_string().as_bytes());
    m.update(path.as_bytes());
    m.update(timestamp.to_string().as_bytes());
    m.update(access_token.as_bytes());
    if let Some(shop) = shop_id {
        m.update(shop.to_string().as_bytes());
    }
    hex::encode(m.finalize().into_bytes())
}

/// Lazada: `UPPER(hex(HMAC-SHA256(app_secret, api_path + sorted(k+v) + body)))`, every
/// parameter but `sign`; `api_path` without the `/rest` prefix (`/im/message/list`).
pub fn sign_lazada(
    app_secret: &str,
    api_path: &str,
    params: &[(&str, &str)],
    body: &[u8],
) -> String {
    let mut m = mac(app_secret);
    m.update(api_path.as_bytes());
    for (k, v) in sorted(params, &["sign"]) {
        m.update(k.as_bytes());
        m.update(v.as_bytes());
    }
    m.update(body);
    hex::encode_upper(m.finalize().into_bytes())
}

/// TikTok webhook `Authorization`: `hex(HMAC-SHA256(app_secret, app_key + raw_body))`.
pub fn webhook_tiktok(app_key: &str, app_secret: &str, body: &[u8]) -> String {
    let mut m = mac(app_secret);
    m.update(app_key.as_bytes());
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

/// Shopee push `Authorization`: `hex(HMAC-SHA256(partner_key, url + "|" + body))`.
pub fn webhook_shopee(partner_key: &str, url: &str, body: &[u8]) -> String {
    let mut m = mac(partner_key);
    m.update(url.as_bytes());
    m.update(b"|");
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

/// Lazada push `Authorization`: `hex(HMAC-SHA256(app_secret, app_key + body))`.
pub fn webhook_lazada(app_key: &str, app_secret: &str, body: &[u8]) -> String {
    let mut m = mac(app_secret);
    m.update(app_key.as_bytes());
    m.update(body);
    hex::encode(m.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected values computed independently with python3's hmac module (see each test).

    #[test]
    fn tiktok_signature_matches_an_independent_hmac() {
        // python3 -c 'import hmac,hashlib; s="sec"; m=s+"/customer_service/202309/conversations"+"app_keyk1page_size20shop_cipherCIPHtimestamp1700000000"+"{}"+s; print(hmac.new(s.encode(),m.encode(),hashlib.sha256).hexdigest())'
        let params = [
            ("timestamp", "1700000000"),
            ("app_key", "k1"),
            ("sign", "ignored"),
            ("access_token", "ignored"),
            ("shop_cipher", "CIPH"),
            ("page_size", "20"),
        ];
        let got = sign_tiktok(
            "sec",
            "/customer_service/202309/conversations",
            &params,
            b"{}",
        );
        assert_eq!(got, TIKTOK_EXPECTED);
    }

    #[test]
    fn shopee_signature_matches_an_independent_hmac() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"pkey", b"2001/api/v2/sellerchat/get_message1700000000tok123456", hashlib.sha256).hexdigest())'
        let got = sign_shopee(
            "pkey",
            2001,
            "/api/v2/sellerchat/get_message",
            1_700_000_000,
            "tok",
            Some(123456),
        );
        assert_eq!(got, SHOPEE_EXPECTED);
    }

    #[test]
    fn lazada_signature_matches_an_independent_hmac() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"lsec", b"/im/message/listaccess_tokentokapp_keylk1page_size20session_id42sign_methodsha256timestamp1700000000000", hashlib.sha256).hexdigest().upper())'
        let params = [
            ("timestamp", "1700000000000"),
            ("session_id", "42"),
            ("page_size", "20"),
            ("app_key", "lk1"),
            ("sign_method", "sha256"),
            ("access_token", "tok"),
            ("sign", "ignored"),
        ];
        let got = sign_lazada("lsec", "/im/message/list", &params, b"");
        assert_eq!(got, LAZADA_EXPECTED);
    }

    #[test]
    fn webhook_signatures_match_an_independent_hmac() {
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"sec", b"k1{\"type\":14}", hashlib.sha256).hexdigest())'
        assert_eq!(
            webhook_tiktok("k1", "sec", br#"{"type":14}"#),
            WEBHOOK_TIKTOK_EXPECTED
        );
        // python3 -c 'import hmac,hashlib; print(hmac.new(b"pkey", b"https://x.test/push|{}", hashlib.sha256).hexdigest())'
        assert_eq!(
            webhook_shopee("pkey", "https://x.test/push", b"{}"),
            WEBHOOK_SHOPEE_EXPECTED
        );
    }

    const TIKTOK_EXPECTED: &str =
        "3a7d09bb2ea582bbd7d955f1efbf4e6b750aeaabb6fafe6673d71bc23c028cca";
    const SHOPEE_EXPECTED: &str =
        "6a63d7cb080b6b603e7cb1044a6d4999d28e8dc7160d3b3420b9f91734a1387c";
    const LAZADA_EXPECTED: &str =
        "220671B89E2EA46756A9C111EA8E1121ED9C392A0C9A49C62726B822537B2D84";
    const WEBHOOK_TIKTOK_EXPECTED: &str =
        "9281edd0ad63511ff40fab27cfbca16c9c4a0077e68e0cfa64f2d5256758f27e";
    const WEBHOOK_SHOPEE_EXPECTED: &str =
        "97234b3ff3ae7535d8467576c06a48bfec58e1b22b6f900eff5fe7c262310f21";
}
