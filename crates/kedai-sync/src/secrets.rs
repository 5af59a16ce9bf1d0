//! Shop secrets (app secret or partner key, access and refresh tokens) live in the OS
//! keyring (Secret Service on Linux, Keychain, Credential Manager) under service `kedai`,
//! one entry per shop id. Where no keyring service runs (a headless server, CI), they live
//! in a JSON file readable only by its owner (mode 0600) beside the database, and Kedai says
//! so once in its log. Secrets never enter SQLite or logs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::SyncError;

/// A shop's secrets by name (`app_secret`, `partner_key`, `access_token`, `refresh_token`).
pub type ShopSecrets = BTreeMap<String, String>;

const SERVICE: &str = "kedai";

/// Every read-modify-write of the fallback file, one at a time (each shop's task writes its
/// refreshed tokens into the one file; Settings adds and removes shops).
static FILE_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secrets {
    Keyring,
    File(PathBuf),
}

impl Secrets {
    /// The keyring when a keyring service answers, else the file at `fallback`.
    pub fn detect(fallback: &Path) -> Secrets {
        let probe = off_runtime(|| {
            keyring::Entry::new(SERVICE, "__kedai_probe__").and_then(|e| e.get_password())
        });
        match probe {
            Ok(_) | Err(keyring::Error::NoEntry) => Secrets::Keyring,
            Err(e) => {
                tracing::warn!(
                    error = %e,
                    file = %fallback.display(),
                    "no OS keyring service answers: shop secrets are kept in a file only this user can read"
                );
                Secrets::File(fallback.to_owned())
            }
        }
    }

    /// The secrets of the shops synced into the database at `db`: the keyring, else
    /// `kedai-secrets.json` beside the database.
    pub fn for_db(db: &Path) -> Secrets {
        Secrets::detect(&db.with_file_name("kedai-secrets.json"))
    }

    /// Where the secrets are kept, for status reports.
    pub fn describe(&self) -> String {
        match self {
            Secrets::Keyring => "the OS keyring (service `kedai`)".into(),
            Secrets::File(p) => format!("{} (mode 0600; no keyring service)", p.display()),
        }
    }

    pub fn get(&self, shop: &str) -> Result<Option<ShopSecrets>, SyncError> {
        match self {
            Secrets::Keyring => {
                match off_runtime(|| {
                    keyring::Entry::new(SERVICE, shop).and_then(|e| e.get_password())
                }) {
                    Ok(json) => serde_json::from_str(&json).map(Some).map_err(|e| {
                        SyncError::Secrets(format!(
                            "the keyring entry of `{shop}` is not JSON: {e}"
                        ))
                    }),
                    Err(keyring::Error::NoEntry) => Ok(None),
                    Err(e) => Err(SyncError::Secrets(format!("keyring, shop `{shop}`: {e}"))),
                }
            }
            Secrets::File(path) => Ok(read_file(path)?.remove(shop)),
        }
    }

    pub fn set(&self, shop: &str, secrets: &ShopSecrets) -> Result<(), SyncError> {
        match self {
            Secrets::Keyring => {
                let json = serde_json::to_string(secrets).expect("a map of strings serializes");
                off_runtime(|| {
                    keyring::Entry::new(SERVICE, shop).and_then(|e| e.set_password(&json))
                })
                .map_err(|e| SyncError::Secrets(format!("keyring, shop `{shop}`: {e}")))
            }
            Secrets::File(path) => {
                // every shop's task writes its refreshed tokens into the one file: one
                // read-modify-write at a time, or one shop's update would undo another's
                let _one = FILE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
                let mut all = read_file(path)?;
                all.insert(shop.to_owned(), secrets.clone());
                write_file(path, &all)
            }
        }
    }
}

impl Secrets {
    /// Forgets every secret of `shop` (a disconnected shop). Nothing stored is not an error.
    pub fn remove(&self, shop: &str) -> Result<(), SyncError> {
        match self {
            Secrets::Keyring => {
                match off_runtime(|| {
                    keyring::Entry::new(SERVICE, shop).and_then(|e| e.delete_credential())
                }) {
                    Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                    Err(e) => Err(SyncError::Secrets(format!("keyring, shop `{shop}`: {e}"))),
                }
            }
            Secrets::File(path) => {
                let _one = FILE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
                let mut all = read_file(path)?;
                if all.remove(shop).is_some() {
                    write_file(path, &all)?;
                }
                Ok(())
            }
        }
    }
}

/// Runs a keyring call on a thread of its own. The Secret Service client blocks on a runtime
/// it starts itself, which panics on a thread that already drives one (the sync's tasks, the
/// app's commands).
fn off_runtime<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

fn read_file(path: &Path) -> Result<BTreeMap<String, ShopSecrets>, SyncError> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            SyncError::Secrets(format!("{}: not a secrets file: {e}", path.display()))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(SyncError::Secrets(format!("{}: {e}", path.display()))),
    }
}

/// Writes the whole file anew (a temporary file made 0600 from the start, then renamed).
fn write_file(path: &Path, all: &BTreeMap<String, ShopSecrets>) -> Result<(), SyncError> {
    use std::io::Write;
    let err = |e: std::io::Error| SyncError::Secrets(format!("{}: {e}", path.display()));
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp).map_err(err)?;
    f.write_all(
        serde_json::to_string_pretty(all)
            .expect("serializes")
            .as_bytes(),
    )
    .map_err(err)?;
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_fallback_keeps_each_shop_apart_and_only_its_owner_can_read_it() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::File(dir.path().join("secrets.json"));
        assert_eq!(s.get("tt-my").unwrap(), None);
        let a = ShopSecrets::from([("access_token".into(), "A1".into())]);
        let b = ShopSecrets::from([("partner_key".into(), "K".into())]);
        s.set("tt-my", &a).unwrap();
        s.set("sp-ph", &b).unwrap();
        assert_eq!(s.get("tt-my").unwrap(), Some(a));
        assert_eq!(s.get("sp-ph").unwrap(), Some(b.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("secrets.json"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        s.remove("tt-my").unwrap();
        assert_eq!(s.get("tt-my").unwrap(), None);
        assert_eq!(s.get("sp-ph").unwrap(), Some(b), "other shops kept");
        s.remove("tt-my").unwrap();
        std::fs::write(dir.path().join("secrets.json"), "not json").unwrap();
        let e = s.get("tt-my").unwrap_err().to_string();
        assert!(e.contains("not a secrets file"), "{e}");
    }

    #[test]
    fn shops_writing_their_tokens_at_once_keep_every_update() {
        let dir = tempfile::tempdir().unwrap();
        let s = Secrets::File(dir.path().join("secrets.json"));
        std::thread::scope(|scope| {
            for shop in 0..6 {
                let s = &s;
                scope.spawn(move || {
                    for gen in 0..25 {
                        let t = ShopSecrets::from([("access_token".into(), format!("{gen}"))]);
                        s.set(&format!("shop-{shop}"), &t).unwrap();
                    }
                });
            }
        });
        for shop in 0..6 {
            let got = s.get(&format!("shop-{shop}")).unwrap().unwrap();
            assert_eq!(got["access_token"], "24", "shop-{shop}");
        }
    }
}
