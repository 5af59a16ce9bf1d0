//! The native "Save as" dialog for backups and exports. The path field stays editable: the
//! dialog only fills it, and the command that writes still refuses to overwrite a file.

use std::path::Path;

use tauri::AppHandle;
use tauri_plugin_dialog::DialogExt;

use crate::dto::AppError;

/// Asks where to save, starting from `suggested` (a full path: its folder and file name);
/// `None` when the seller cancels. `extension` (without the dot) filters the listing.
#[tauri::command]
pub async fn choose_save_path(
    app: AppHandle,
    title: String,
    suggested: String,
    extension: String,
) -> Result<Option<String>, AppError> {
    let mut dialog = app.dialog().file().set_title(title);
    let suggested = Path::new(&suggested);
    if let Some(dir) = suggested.parent().filter(|d| d.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    if let Some(name) = suggested.file_name().and_then(|n| n.to_str()) {
        dialog = dialog.set_file_name(name);
    }
    if !extension.is_empty() {
        dialog = dialog.add_filter(extension.to_uppercase(), &[extension.as_str()]);
    }
    // The dialog runs on the main thread; this command waits for it on the runtime's.
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog.save_file(move |picked| {
        let _ = tx.send(picked);
    });
    let picked = rx
        .await
        .map_err(|_| AppError::new("io", "the file dialog closed without an answer"))?;
    picked
        .map(|p| {
            p.into_path()
                .map(|p| p.to_string_lossy().into_owned())
                .map_err(|e| AppError::new("invalid", format!("not a local file: {e}")))
        })
        .transpose()
}
