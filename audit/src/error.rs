//! Errors of the audit.

use std::path::PathBuf;

/// Why an audit could not be carried out (as opposed to a check that failed,
/// which is part of the [`crate::AuditReport`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A file or folder of the release could not be read.
    #[error("{}", erlterm::file_error(path, source))]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The release tarball is not a readable gzip-compressed tar archive.
    #[error("cannot read tarball {path}: {message}")]
    Tarball {
        /// The tarball.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A tarball entry has an absolute path or a `..` component.
    #[error("refusing tarball entry with unsafe path {entry:?}")]
    UnsafePath {
        /// The entry's path as stored in the archive.
        entry: String,
    },
    /// A limit that protects against hostile inputs was exceeded.
    #[error("{what} exceeds the limit of {limit}")]
    LimitExceeded {
        /// What was too large or too many.
        what: String,
        /// The limit.
        limit: u64,
    },
    /// The path is neither a folder nor a `.tar.gz`/`.tgz` file.
    #[error(
        "{}: is neither a release folder nor a .tar.gz release tarball",
        erlterm::diagnostic::escape_path(path)
    )]
    NotARelease {
        /// The path given.
        path: PathBuf,
    },
    /// The path is not a regular file or folder (a FIFO, a device, a
    /// socket): nothing is read from it.
    #[error("{}", erlterm::file_kind_error(path, file_type, "a release folder or a .tar.gz release tarball").map_or_else(|| erlterm::diagnostic::escape_path(path), |e| e.to_string()))]
    NotAFile {
        /// The path given.
        path: PathBuf,
        /// What it is.
        file_type: std::fs::FileType,
    },
    /// The folder or tarball was read but holds no release: none of the
    /// files every release has (`releases/VSN/NAME.rel`,
    /// `releases/RELEASES`, `releases/start_erl.data`, an `erts-VSN`
    /// folder) is there.
    #[error(
        "{}: is not a release: {missing}",
        erlterm::diagnostic::escape_path(path)
    )]
    MissingReleaseFiles {
        /// The folder or tarball.
        path: PathBuf,
        /// What was looked for and not found.
        missing: String,
    },
}

/// Why one ELF file could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed ELF file: {0}")]
pub struct ElfError(pub String);

impl AuditError {
    /// Whether the release was read and is rejected
    /// ([`AuditError::MissingReleaseFiles`], a tarball that is not one, an
    /// unsafe tarball entry, a limit exceeded), as opposed to an input that
    /// could not be read at all (missing, unreadable, not a file or folder,
    /// an I/O failure). `erlrel audit` exits 1 for the first, 2 for the
    /// second.
    pub fn is_rejected_input(&self) -> bool {
        matches!(
            self,
            AuditError::MissingReleaseFiles { .. }
                | AuditError::Tarball { .. }
                | AuditError::UnsafePath { .. }
                | AuditError::LimitExceeded { .. }
        )
    }
}

impl AuditError {
    /// The file or folder the error is about (for an unsafe tarball entry,
    /// the entry), when it names one.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            AuditError::Io { path, .. }
            | AuditError::Tarball { path, .. }
            | AuditError::NotARelease { path }
            | AuditError::NotAFile { path, .. }
            | AuditError::MissingReleaseFiles { path, .. } => Some(path),
            AuditError::UnsafePath { entry } => Some(std::path::Path::new(entry)),
            AuditError::LimitExceeded { .. } => None,
        }
    }
}

impl From<object::read::Error> for ElfError {
    fn from(e: object::read::Error) -> Self {
        ElfError(e.to_string())
    }
}
