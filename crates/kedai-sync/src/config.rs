//! The shops to sync, in a TOML file. Only public identifiers go in it; each shop's secrets
//! (app secret or partner key, access and refresh tokens) are in the keyring (`secrets.rs`).
//!
//! ```toml
//! [sync]
//! poll_interval_secs = 15
//! backfill_days = 30
//!
//! [[shop]]
//! id = "tt-my"                 # Kedai's own id for the shop
//! platform = "tiktok"          # tiktok | shopee | lazada
//! region = "MY"
//! tz = "Asia/Kuala_Lumpur"
//! name = "Kedai Kita"
//! base_url = "https://open-api.tiktokglobalshop.com"
//! credentials = { app_key = "...", shop_id = "...", shop_cipher = "..." }
//! ```

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use kedai_core::{Platform, Region, Shop};
use serde::Deserialize;

use crate::secrets::Secrets;
use crate::{ShopLink, SyncError, SyncOptions};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub sync: SyncSection,
    #[serde(default, rename = "shop")]
    pub shops: Vec<ShopConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncSection {
    pub poll_interval_secs: Option<u64>,
    pub backfill_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShopConfig {
    pub id: String,
    pub platform: Platform,
    pub region: Region,
    pub tz: String,
    pub name: Option<String>,
    pub base_url: String,
    /// Public identifiers: `app_key`, `shop_id`, `shop_cipher`, `partner_id`, `seller_id`.
    #[serde(default)]
    pub credentials: BTreeMap<String, toml::Value>,
}

/// Names that are secrets: they belong in the keyring, never in the config file.
const SECRET_NAMES: [&str; 4] = ["app_secret", "partner_key", "access_token", "refresh_token"];

impl Config {
    pub fn load(path: &Path) -> Result<Config, SyncError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| SyncError::Config(format!("{}: {e}", path.display())))?;
        Config::parse(&text).map_err(|e| SyncError::Config(format!("{}: {e}", path.display())))
    }

    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut ids = std::collections::BTreeSet::new();
        for s in &config.shops {
            if !ids.insert(&s.id) {
                return Err(format!("shop `{}` is listed twice", s.id));
            }
            if s.tz.parse::<chrono_tz::Tz>().is_err() {
                return Err(format!(
                    "shop `{}`: `{}` is not an IANA time zone",
                    s.id, s.tz
                ));
            }
            if let Some(k) = SECRET_NAMES
                .iter()
                .find(|k| s.credentials.contains_key(**k))
            {
                return Err(format!(
                    "shop `{}`: `{k}` is a secret; keep it in the keyring (`kedai secret set`), not in the config file",
                    s.id
                ));
            }
        }
        Ok(config)
    }

    pub fn options(&self) -> SyncOptions {
        let mut o = SyncOptions::default();
        if let Some(s) = self.sync.poll_interval_secs {
            o.poll_interval = Duration::from_secs(s.max(1));
        }
        if let Some(d) = self.sync.backfill_days {
            o.backfill = Duration::from_secs(u64::from(d) * 86_400);
        }
        o
    }

    /// A connected client per shop, with its secrets from `secrets`.
    pub fn links(
        &self,
        secrets: &Secrets,
        options: &SyncOptions,
    ) -> Result<Vec<ShopLink>, SyncError> {
        let mut links = Vec::new();
        for s in &self.shops {
            let stored = secrets.get(&s.id)?.ok_or_else(|| {
                SyncError::Secrets(format!(
                    "no secrets for shop `{}` in {}: run `kedai secret set {}`",
                    s.id,
                    secrets.describe(),
                    s.id
                ))
            })?;
            let mut credentials = serde_json::Map::new();
            for (k, v) in &s.credentials {
                let v = match v {
                    toml::Value::String(x) => serde_json::Value::String(x.clone()),
                    toml::Value::Integer(i) => serde_json::Value::from(*i),
                    other => {
                        return Err(SyncError::Config(format!(
                            "shop `{}`: credential `{k}` must be a string or an integer, not {}",
                            s.id,
                            other.type_str()
                        )))
                    }
                };
                credentials.insert(k.clone(), v);
            }
            for (k, v) in &stored {
                credentials.insert(k.clone(), serde_json::Value::String(v.clone()));
            }
            let credentials = serde_json::Value::Object(credentials);
            let tokens = kedai_connectors::sim::tokens(&credentials)?;
            let connector = kedai_connectors::sim::connector(
                &s.base_url,
                s.platform,
                &credentials,
                tokens,
                options.client_options(s.platform),
            )?;
            links.push(ShopLink {
                shop: Shop {
                    shop: s.id.clone(),
                    platform: s.platform,
                    region: s.region,
                    tz: s.tz.parse().expect("checked in parse"),
                    name: s.name.clone(),
                    mall: None,
                },
                connector,
                secrets: Some((secrets.clone(), stored)),
            });
        }
        Ok(links)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_names_its_problem() {
        let ok = r#"
            [sync]
            poll_interval_secs = 5
            [[shop]]
            id = "tt-my"
            platform = "tiktok"
            region = "MY"
            tz = "Asia/Kuala_Lumpur"
            base_url = "http://127.0.0.1:1"
            credentials = { app_key = "k", shop_id = "1", shop_cipher = "c" }
        "#;
        let c = Config::parse(ok).unwrap();
        assert_eq!(c.shops.len(), 1);
        assert_eq!(c.options().poll_interval, Duration::from_secs(5));
        let secret = ok.replace("app_key = \"k\"", "app_key = \"k\", app_secret = \"s\"");
        assert!(Config::parse(&secret)
            .unwrap_err()
            .contains("`app_secret` is a secret"));
        let zone = ok.replace("Asia/Kuala_Lumpur", "Mars/Olympus");
        assert!(Config::parse(&zone)
            .unwrap_err()
            .contains("not an IANA time zone"));
        let typo = ok.replace("poll_interval_secs", "poll_interval");
        assert!(Config::parse(&typo).unwrap_err().contains("poll_interval"));
        let twice = format!("{ok}\n{}", &ok[ok.find("[[shop]]").unwrap()..]);
        assert!(Config::parse(&twice).unwrap_err().contains("listed twice"));
    }

    #[test]
    fn a_shop_without_secrets_says_how_to_add_them() {
        let c = Config::parse(
            r#"
            [[shop]]
            id = "lz-my"
            platform = "lazada"
            region = "MY"
            tz = "Asia/Kuala_Lumpur"
            base_url = "http://127.0.0.1:1"
            credentials = { app_key = "k", seller_id = "1" }
        "#,
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let secrets = Secrets::File(dir.path().join("s.json"));
        let e = match c.links(&secrets, &SyncOptions::default()) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("no secrets stored"),
        };
        assert!(e.contains("kedai secret set lz-my"), "{e}");
        secrets
            .set(
                "lz-my",
                &[
                    ("app_secret", "s"),
                    ("access_token", "a"),
                    ("refresh_token", "r"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            )
            .unwrap();
        let links = c.links(&secrets, &SyncOptions::default()).unwrap();
        assert_eq!(links[0].connector.tokens().access.expose(), "a");
    }
}
