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
    #[error("{path}: does not exist (the plan edits it)", path = shown(.path))]
    Missing {
        /// The file.
        path: PathBuf,
    },
    /// The plan creates a file that already exists (use `force` to replace it).
    #[error("{path}: already exists (the plan creates it; force replaces it)", path = shown(.path))]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// The target is not a regular file (nor a symbolic link to one).
    #[error("{path}: not a regular file", path = shown(.path))]
    NotRegular {
        /// The file.
        path: PathBuf,
    },
    /// The file has no write permission for anyone (mode `0444` and the
    /// like); `force` writes it anyway and keeps its mode.
    #[error("{path}: read-only (force writes it anyway)", path = shown(.path))]
    ReadOnly {
        /// The file.
        path: PathBuf,
    },
    /// This process may not write the file.
    #[error("{path}: not writable: {source}", path = shown(.path))]
    NotWritable {
        /// The file.
        path: PathBuf,
        /// What opening it for writing said.
        source: io::Error,
    },
    /// The file is not what the plan was computed from: another process
    /// changed it after it was read.
    #[error("{path}: changed since it was read (another process wrote it); nothing was written", path = shown(.path))]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// The folder of a new file, or a folder the plan creates, exists and
    /// is not a folder.
    #[error("{path}: not a folder", path = shown(.path))]
    NotAFolder {
        /// The path.
        path: PathBuf,
    },
    /// The path names a folder (it ends with `/`, `/.` or `/..`), not a file.
    #[error("{path}: names a folder, not a file", path = shown(.path))]
    NamesFolder {
        /// The path as given.
        path: PathBuf,
    },
    /// The plan creates a file through a dangling symbolic link whose
    /// target's folder does not exist.
    #[error("{path}: symbolic link to {target}, whose folder does not exist", path = shown(.path), target = shown(.target))]
    LinkFolderMissing {
        /// The link.
        path: PathBuf,
        /// Where the link (chain) leads: the file that would be created.
        target: PathBuf,
    },
    /// Two changes of the plan write the same file (possibly through a
    /// symbolic link).
    #[error("{path}: planned twice", path = shown(.path))]
    Duplicate {
        /// The file.
        path: PathBuf,
    },
    /// Another process held the lock of the folder for longer than
    /// [`Options::lock_timeout`](crate::Options::lock_timeout).
    #[error("{path}: another process is writing in this folder; gave up waiting after {secs:.1}s", path = shown(.path), secs = .waited.as_secs_f64())]
    LockTimeout {
        /// The locked folder.
        path: PathBuf,
        /// How long this process waited.
        waited: std::time::Duration,
    },
    /// An I/O operation failed. Files already replaced were restored.
    #[error("{path}: {action}: {source}; no file was changed", path = shown(.path))]
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
    #[error("{path}: {action}: {source}; restoring the files already written failed for: {}", .not_restored.iter().map(|p| shown(p)).collect::<Vec<_>>().join(", "), path = shown(.path))]
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
            | Error::NamesFolder { path }
            | Error::NotAFolder { path }
            | Error::LinkFolderMissing { path, .. }
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

/// A path as messages show it: [`Path::display`](std::path::Path::display)
/// with control characters escaped (`\n`, `\t`, `\r`, `\e`, `\xNN`,
/// `\u{NN}` for C1 controls and bidirectional overrides), as erlterm's
/// `diagnostic::escape_path` shows them.
pub fn shown(path: &std::path::Path) -> String {
    escaped(&path.display().to_string(), false).into_owned()
}

/// `text` with control characters and bidirectional overrides escaped as
/// [`shown`] escapes them; with `lines`, newlines and tabs are kept (the
/// text of a diff).
pub(crate) fn escaped(text: &str, lines: bool) -> std::borrow::Cow<'_, str> {
    let hidden = |c: char| matches!(c, '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let kept = |c: char| lines && matches!(c, '\n' | '\t');
    if !text
        .chars()
        .any(|c| (c.is_control() || hidden(c)) && !kept(c))
    {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            _ if kept(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{0}'..='\u{1f}' | '\u{7f}' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            _ if c.is_control() || hidden(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            _ => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}
