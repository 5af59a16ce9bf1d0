//! The native "Save as" dialog for backups and exports. The path field stays editable: the
//! dialog only fills it, and the command that writes still refuses to overwrite a file.
//!
//! The dialog runs in a child process (this binary with `--save-dialog`), never in the app's
//! own, and never opens in the database's folder. Listing a folder, GTK reads the start of
//! each file to guess its type; opening and closing `kedai.db` that way inside the app's
//! process drops every POSIX lock SQLite holds on it (such locks are per process and go with
//! the first `close` of any descriptor of the file). Another process (`kedai metrics --db`,
//! a second app) then takes itself for the database's only user, checkpoints and deletes
//! the write-ahead log under the app, and the app's later writes are lost. The e2e test
//! that drives this dialog found it.

use std::path::{Path, PathBuf};

use tauri::{AppHandle, Manager, State};

use crate::dto::AppError;
use crate::state::AppState;

/// The flag that turns this binary into the dialog.
const SAVE_DIALOG: &str = "--save-dialog";

/// Asks where to save, starting from `suggested` (a full path: its folder and file name);
/// `None` when the seller cancels. `extension` (without the dot) filters the listing.
#[tauri::command]
pub async fn choose_save_path(
    app: AppHandle,
    state: State<'_, AppState>,
    title: String,
    suggested: String,
    extension: String,
) -> Result<Option<String>, AppError> {
    let db_file = state
        .db
        .call(|s| s.file_path())
        .await
        .map_err(|e| AppError::new("io", e.to_string()))?
        .map(PathBuf::from);
    let suggested = Path::new(&suggested);
    let fallback = app
        .path()
        .document_dir()
        .ok()
        .filter(|d| d.is_dir())
        .or_else(|| app.path().home_dir().ok());
    let dir = start_folder(suggested, db_file.as_deref(), fallback).unwrap_or_default();
    let name = suggested
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let exe = std::env::current_exe()
        .map_err(|e| AppError::new("io", format!("the file dialog: {e}")))?;
    let out = tokio::process::Command::new(exe)
        .arg(SAVE_DIALOG)
        .arg(&title)
        .arg(&dir)
        .arg(name)
        .arg(&extension)
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| AppError::new("io", format!("the file dialog did not start: {e}")))?;
    if !out.status.success() {
        return Err(AppError::new(
            "io",
            format!(
                "the file dialog failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    let picked = String::from_utf8_lossy(&out.stdout)
        .trim_end_matches('\n')
        .to_owned();
    Ok((!picked.is_empty()).then_some(picked))
}

/// `kedai-desktop --save-dialog TITLE DIR NAME EXT`: shows the system's Save dialog and
/// prints the chosen path (nothing when cancelled). Returns false for any other command line.
pub fn save_dialog_process() -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [flag, title, dir, name, ext] = args.as_slice() else {
        return false;
    };
    if flag != SAVE_DIALOG {
        return false;
    }
    let mut dialog = rfd::FileDialog::new().set_title(title);
    if !dir.is_empty() {
        dialog = dialog.set_directory(dir);
    }
    if !name.is_empty() {
        dialog = dialog.set_file_name(name);
    }
    if !ext.is_empty() {
        dialog = dialog.add_filter(ext.to_uppercase(), &[ext.as_str()]);
    }
    if let Some(path) = dialog.save_file() {
        println!("{}", path.display());
    }
    true
}

/// Where the dialog opens: the suggested file's folder, unless it is the database's own
/// (see the module's note), then `fallback`.
fn start_folder(
    suggested: &Path,
    db_file: Option<&Path>,
    fallback: Option<PathBuf>,
) -> Option<PathBuf> {
    let db_dir = db_file
        .and_then(Path::parent)
        .and_then(|d| d.canonicalize().ok());
    match suggested.parent().filter(|d| d.is_dir()) {
        Some(dir) if dir.canonicalize().ok() != db_dir => Some(dir.to_path_buf()),
        _ => fallback.filter(|d| d.canonicalize().ok() != db_dir),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dialog_never_opens_in_the_databases_folder() {
        let data = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let db = data.path().join("kedai.db");
        let home = Some(other.path().to_path_buf());
        assert_eq!(
            start_folder(&data.path().join("backup.db"), Some(&db), home.clone()),
            home,
            "the database's folder: the fallback instead"
        );
        assert_eq!(
            start_folder(
                &data.path().join("backup.db"),
                Some(&db),
                Some(data.path().into())
            ),
            None,
            "nor as the fallback"
        );
        assert_eq!(
            start_folder(&other.path().join("x.csv"), Some(&db), None),
            Some(other.path().to_path_buf())
        );
        assert_eq!(
            start_folder(Path::new("/no/such/dir/x.csv"), Some(&db), home.clone()),
            home
        );
    }
}
