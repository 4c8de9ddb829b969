//! The errors of a file transaction. Each names the file once.

use std::io;
use std::path::PathBuf;

/// Why a plan was not applied.
///
/// Every error except [`Error::RollbackFailed`] means that no file was
/// changed: either nothing had been written yet, or every file already
/// replaced was put back.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The plan edits a file that does not exist.
    #[error("{path}: does not exist (the plan edits it)", path = .path.display())]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The plan creates a file that already exists (use `force` to replace it).
    #[error("{path}: already exists (the plan creates it; force replaces it)", path = .path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// The target is not a regular file (nor a symbolic link to one), or
    /// the folder of a new file is not a folder.
    #[error("{path}: not a regular file", path = .path.display())]
    NotRegular {
        /// The file.
        path: PathBuf,
    },
    /// The file has no write permission for anyone (mode `0444` and the
    /// like); `force` writes it anyway and keeps its mode.
    #[error("{path}: read-only (force writes it anyway)", path = .path.display())]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// This process may not write the file.
    #[error("{path}: not writable: {source}", path = .path.display())]
    NotWritable {
        /// The file.
        path: PathBuf,
        /// What opening it for writing said.
        source: io::Error,
    },
    /// The file is not what the plan was computed from: another process
    /// changed it after it was read.
    #[error("{path}: changed since it was read (another process wrote it); nothing was written", path = .path.display())]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// Two changes of the plan write the same file (possibly through a
    /// symbolic link).
    #[error("{path}: planned twice", path = .path.display())]
    Duplicate {
        /// The file.
        path: PathBuf,
    },
    /// Another process held the lock of the folder for longer than
    /// [`Options::lock_timeout`](crate::Options::lock_timeout).
    #[error("{path}: another process is writing in this folder; gave up waiting after {secs:.1}s", path = .path.display(), secs = .waited.as_secs_f64())]
    LockTimeout {
        /// The locked folder.
        path: PathBuf,
        /// How long this process waited.
        waited: std::time::Duration,
    },
    /// An I/O operation failed. Files already replaced were restored.
    #[error("{path}: {action}: {source}; no file was changed", path = .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was being done (`"writing a temporary file"`, `"renaming"`...).
        action: &'static str,
        /// The operating system's error.
        source: io::Error,
    },
    /// A write failed and putting back the files already replaced failed
    /// too: the files in `not_restored` hold the new contents.
    #[error("{path}: {action}: {source}; restoring the files already written failed for: {}", .not_restored.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "), path = .path.display())]
    RollbackFailed {
        /// The file whose write failed.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The operating system's error.
        source: io::Error,
        /// The files left with their new contents.
        not_restored: Vec<PathBuf>,
    },
}

impl Error {
    /// The file or folder the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Error::Missing { path }
            | Error::Exists { path }
            | Error::NotRegular { path }
            | Error::ReadOnly { path }
            | Error::NotWritable { path, .. }
            | Error::Changed { path }
            | Error::Duplicate { path }
            | Error::LockTimeout { path, .. }
            | Error::Io { path, .. }
            | Error::RollbackFailed { path, .. } => path,
        }
    }

    /// Whether some file may have been left changed (only
    /// [`Error::RollbackFailed`]).
    pub fn left_changes(&self) -> bool {
        matches!(self, Error::RollbackFailed { .. })
    }

    pub(crate) fn io(path: impl Into<PathBuf>, action: &'static str, source: io::Error) -> Error {
        Error::Io {
            path: path.into(),
            action,
            source,
        }
    }
}
