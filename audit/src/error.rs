//! Errors of the audit.

use std::path::PathBuf;

/// Why an audit could not be carried out (as opposed to a check that failed,
/// which is part of the [`crate::AuditReport`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// A file or folder of the release could not be read.
    #[error("cannot read {path}: {source}")]
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
    #[error("{path} is neither a release folder nor a .tar.gz release tarball")]
    NotARelease {
        /// The path given.
        path: PathBuf,
    },
}

/// Why one ELF file could not be analysed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed ELF file: {0}")]
pub struct ElfError(pub String);

impl From<object::read::Error> for ElfError {
    fn from(e: object::read::Error) -> Self {
        ElfError(e.to_string())
    }
}
