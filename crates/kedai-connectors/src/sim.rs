//! Connecting to a shop of the marketplace simulator: `GET /_sim/shops` lists every shop
//! with the credentials its platform signs with (WIRE.md, "Simulator admin API"). Tests,
//! benchmarks and demo mode connect the same way.

use std::sync::Arc;

use kedai_core::Platform;
use serde_json::Value;

use crate::{
    ClientOptions, Connector, Error, LazadaConfig, LazadaConnector, Result, ShopeeConfig,
    ShopeeConnector, TiktokConfig, TiktokConnector, Tokens,
};

/// A credential as text: strings as they are, numbers (Shopee's ids) in decimal.
pub fn credential(credentials: &Value, key: &str) -> Result<String> {
    match &credentials[key] {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(Error::Config(format!("simulator credentials: no `{key}`"))),
    }
}

fn number(credentials: &Value, key: &str) -> Result<u64> {
    credential(credentials, key)?
        .parse()
        .map_err(|_| Error::Config(format!("simulator credentials: `{key}` is not a number")))
}

/// The shop's access and refresh tokens as the simulator issued them.
pub fn tokens(credentials: &Value) -> Result<Tokens> {
    Ok(Tokens::new(
        credential(credentials, "access_token")?,
        credential(credentials, "refresh_token")?,
    ))
}

/// A client for the simulator shop whose `credentials` (one entry of `/_sim/shops`) are
/// given, talking to `base` with `tokens`.
pub fn connector(
    base: &str,
    platform: Platform,
    credentials: &Value,
    tokens: Tokens,
    options: ClientOptions,
) -> Result<Arc<dyn Connector>> {
    let c = |key| credential(credentials, key);
    Ok(match platform {
        Platform::Tiktok => Arc::new(TiktokConnector::new(
            TiktokConfig::at(
                base,
                &c("app_key")?,
                &c("app_secret")?,
                &c("shop_id")?,
                &c("shop_cipher")?,
            ),
            tokens,
            options,
        )?),
        Platform::Shopee => Arc::new(ShopeeConnector::new(
            ShopeeConfig {
                base_url: base.to_owned(),
                partner_id: number(credentials, "partner_id")?,
                partner_key: c("partner_key")?.into(),
                shop_id: number(credentials, "shop_id")?,
            },
            tokens,
            options,
        )?),
        Platform::Lazada => Arc::new(LazadaConnector::new(
            LazadaConfig::at(base, &c("app_key")?, &c("app_secret")?, &c("seller_id")?),
            tokens,
            options,
        )?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_read_strings_and_ids_and_name_what_is_missing() {
        let c = serde_json::json!({"app_key": "k", "partner_id": 1642548, "shop_id": "12"});
        assert_eq!(credential(&c, "app_key").unwrap(), "k");
        assert_eq!(number(&c, "partner_id").unwrap(), 1_642_548);
        assert_eq!(number(&c, "shop_id").unwrap(), 12);
        let missing = credential(&c, "app_secret").unwrap_err();
        assert!(missing.to_string().contains("app_secret"), "{missing}");
        assert!(matches!(number(&c, "app_key"), Err(Error::Config(_))));
    }
}
