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

/// A shop written into the config file (Settings → Shops → "Connect a shop"): public
/// identifiers only, its secrets go to `Secrets`.
impl ShopConfig {
    /// The `[[shop]]` block, every value quoted by the TOML serializer.
    fn block(&self) -> String {
        let q = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let mut out = String::from("\n[[shop]]\n");
        out.push_str(&format!("id = {}\n", q(&self.id)));
        out.push_str(&format!("platform = {}\n", q(self.platform.as_str())));
        out.push_str(&format!("region = {}\n", q(self.region.as_str())));
        out.push_str(&format!("tz = {}\n", q(&self.tz)));
        if let Some(n) = &self.name {
            out.push_str(&format!("name = {}\n", q(n)));
        }
        out.push_str(&format!("base_url = {}\n", q(&self.base_url)));
        let creds: Vec<String> = self
            .credentials
            .iter()
            .map(|(k, v)| format!("{} = {v}", q(k)))
            .collect();
        out.push_str(&format!("credentials = {{ {} }}\n", creds.join(", ")));
        out
    }
}

/// What a new config file starts with.
const NEW_FILE_HEAD: &str =
    "# Kedai: the shops to sync (README, \"Configuration\"). Public identifiers only;\n\
# each shop's secrets are in the OS keyring (or kedai-secrets.json, mode 0600).\n";

/// Reads the config text at `path` for an edit: `None` when there is no file yet; an
/// existing file that does not parse is refused, naming the file (nothing is written).
fn read_for_edit(path: &Path) -> Result<Option<(String, Config)>, SyncError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let config = Config::parse(&text).map_err(|e| {
                SyncError::Config(format!(
                    "{}: {e} (the file was left as it is; fix it, then connect again)",
                    path.display()
                ))
            })?;
            Ok(Some((text, config)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(SyncError::Config(format!("{}: {e}", path.display()))),
    }
}

/// Writes `text` to `path` through a temporary file in the same directory and a rename, so
/// a failed write leaves the old file whole.
fn replace_file(path: &Path, text: &str) -> Result<(), SyncError> {
    use std::io::Write;
    let err =
        |e: std::io::Error| SyncError::Config(format!("{}: not writable: {e}", path.display()));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = path.with_extension(format!("toml.tmp.{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

impl Config {
    /// Appends `shop` to the config file at `path` (created when missing), keeping every
    /// shop, setting and comment already there. Refused, with nothing written, when the
    /// existing file does not parse or already lists the id.
    pub fn append_shop(path: &Path, shop: &ShopConfig) -> Result<(), SyncError> {
        let mut text = match read_for_edit(path)? {
            Some((text, config)) => {
                if config.shops.iter().any(|s| s.id == shop.id) {
                    return Err(SyncError::Config(format!(
                        "{}: shop `{}` is already listed",
                        path.display(),
                        shop.id
                    )));
                }
                text
            }
            None => NEW_FILE_HEAD.to_owned(),
        };
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&shop.block());
        Config::parse(&text).map_err(|e| {
            SyncError::Config(format!(
                "{}: the new shop does not fit: {e}",
                path.display()
            ))
        })?;
        replace_file(path, &text)
    }

    /// Takes shop `id` out of the config file at `path` (its `[[shop]]` block, up to the
    /// next table), keeping the rest as written. `false` when it was not listed.
    pub fn remove_shop(path: &Path, id: &str) -> Result<bool, SyncError> {
        let Some((text, config)) = read_for_edit(path)? else {
            return Ok(false);
        };
        if !config.shops.iter().any(|s| s.id == id) {
            return Ok(false);
        }
        // Split into blocks at table headers; a block is dropped when it is the shop's.
        let mut blocks: Vec<String> = vec![String::new()];
        for line in text.split_inclusive('\n') {
            if line.trim_start().starts_with('[') {
                blocks.push(String::new());
            }
            blocks.last_mut().expect("one block").push_str(line);
        }
        let kept: String = blocks
            .into_iter()
            .filter(|b| {
                let is_shop = b.trim_start().starts_with("[[shop]]");
                !(is_shop
                    && Config::parse(b)
                        .map(|c| c.shops.iter().any(|s| s.id == id))
                        .unwrap_or(false))
            })
            .collect();
        let after = Config::parse(&kept).map_err(|e| {
            SyncError::Config(format!(
                "{}: could not take `{id}` out cleanly ({e}); the file was left as it is",
                path.display()
            ))
        })?;
        if after.shops.len() + 1 != config.shops.len() || after.shops.iter().any(|s| s.id == id) {
            return Err(SyncError::Config(format!(
                "{}: could not take `{id}` out cleanly; the file was left as it is",
                path.display()
            )));
        }
        replace_file(path, &kept)?;
        Ok(true)
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

    fn new_shop(id: &str) -> ShopConfig {
        ShopConfig {
            id: id.into(),
            platform: Platform::Lazada,
            region: "MY".parse().unwrap(),
            tz: "Asia/Kuala_Lumpur".into(),
            name: Some("Kedai \"Kita\"".into()),
            base_url: "http://127.0.0.1:1".into(),
            credentials: [
                ("app_key".to_owned(), toml::Value::String("k1".into())),
                ("seller_id".to_owned(), toml::Value::String("99".into())),
            ]
            .into_iter()
            .collect(),
        }
    }

    /// Appending keeps every shop, setting and comment already in the file, and the shop
    /// can be taken out again leaving the rest as written.
    #[test]
    fn appending_a_shop_keeps_what_the_file_had() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kedai.toml");
        let before = "# my shops, hand written\n[sync]\npoll_interval_secs = 7 # fast\n\n# the TikTok one\n[[shop]]\nid = \"tt-my\"\nplatform = \"tiktok\"\nregion = \"MY\"\ntz = \"Asia/Kuala_Lumpur\"\nbase_url = \"http://127.0.0.1:1\"\ncredentials = { app_key = \"k\", shop_id = \"1\", shop_cipher = \"c\" }\n";
        std::fs::write(&path, before).unwrap();
        Config::append_shop(&path, &new_shop("lz-my")).unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(after.starts_with(before), "{after}");
        let c = Config::load(&path).unwrap();
        let ids: Vec<&str> = c.shops.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["tt-my", "lz-my"]);
        assert_eq!(c.shops[1].name.as_deref(), Some("Kedai \"Kita\""));
        assert_eq!(c.shops[1].credentials["seller_id"].as_str(), Some("99"));
        assert_eq!(c.options().poll_interval, Duration::from_secs(7));
        // listed twice: refused, the file unchanged
        let e = Config::append_shop(&path, &new_shop("lz-my")).unwrap_err();
        assert!(e.to_string().contains("already listed"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), after);
        // disconnect: the shop's block goes, the rest stays as written
        assert!(Config::remove_shop(&path, "lz-my").unwrap());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap().trim_end(),
            before.trim_end()
        );
        assert!(!Config::remove_shop(&path, "lz-my").unwrap());
        assert!(Config::remove_shop(&path, "tt-my").unwrap());
        let left = std::fs::read_to_string(&path).unwrap();
        assert!(
            left.contains("# my shops, hand written") && left.contains("poll_interval_secs = 7")
        );
        assert!(Config::load(&path).unwrap().shops.is_empty());
    }

    #[test]
    fn a_missing_file_is_created_with_the_shop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("kedai.toml");
        Config::append_shop(&path, &new_shop("lz-my")).unwrap();
        let c = Config::load(&path).unwrap();
        assert_eq!(c.shops.len(), 1);
        assert_eq!(c.shops[0].platform, Platform::Lazada);
        assert!(std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .all(|e| !e.unwrap().file_name().to_string_lossy().contains(".tmp.")));
    }

    /// A file that does not parse is not overwritten: the error names the file.
    #[test]
    fn a_bad_existing_file_is_named_and_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kedai.toml");
        let bad = "[[shop]]\nid = \"tt-my\"\nplatform = \"tiktok\n# half edited\n";
        std::fs::write(&path, bad).unwrap();
        let e = Config::append_shop(&path, &new_shop("lz-my"))
            .unwrap_err()
            .to_string();
        assert!(e.contains(&path.display().to_string()), "{e}");
        assert!(e.contains("left as it is"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
        let e = Config::remove_shop(&path, "tt-my").unwrap_err().to_string();
        assert!(e.contains(&path.display().to_string()), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), bad);
    }

    /// A directory that cannot be written: the old file stays whole.
    #[cfg(unix)]
    #[test]
    fn an_unwritable_directory_leaves_the_old_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kedai.toml");
        std::fs::write(&path, "[sync]\n").unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o500)).unwrap();
        let r = Config::append_shop(&path, &new_shop("lz-my"));
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        if std::fs::File::create(dir.path().join("probe")).is_ok() && r.is_ok() {
            return; // running as root: permissions do not bind
        }
        let e = r.unwrap_err().to_string();
        assert!(e.contains("not writable"), "{e}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "[sync]\n");
    }
}
