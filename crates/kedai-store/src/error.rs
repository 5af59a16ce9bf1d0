use kedai_core::history::LineError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Lines of an event log that do not fit, each with its line number.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Log(Vec<LineError>),
    #[error("{0}")]
    Invalid(String),
    #[error("the file holds a value the store cannot read back: {0}")]
    Corrupt(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}
