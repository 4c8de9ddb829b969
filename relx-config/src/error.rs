//! The error type shared by every model of this crate.

use erlterm::Span;

/// What is wrong with a configuration file.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not valid Erlang term syntax (what `file:consult/1` says).
    #[error("{0}")]
    Parse(erlterm::ErrorKind),
    /// A term has the wrong shape, e.g. a `{Key, Value}` entry that is a
    /// 3-tuple.
    #[error("{what}: expected {expected}, found {found}")]
    Shape {
        /// Which part of the file (`"deps entry"`, `"vsn"`).
        what: String,
        /// What OTP/rebar3/relx accept there.
        expected: String,
        /// A short description of what was written.
        found: String,
    },
    /// The tool that owns the file rejects it; the message is the tool's
    /// own where it has one (the VM's for sys.config, relx's for releases).
    #[error("{0}")]
    Rejected(String),
    /// A file could not be read.
    #[error("{0}")]
    Io(String),
    /// A safety limit (nesting, size, iterations) was exceeded.
    #[error("limit exceeded: {0}")]
    Limit(String),
}

/// An [`ErrorKind`] with the position it refers to and an optional hint.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{kind}")]
pub struct Error {
    /// What is wrong.
    pub kind: ErrorKind,
    /// Where, when the error points into the file being read.
    pub span: Option<Span>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Error {
    /// An error of `kind` at `span`.
    pub fn new(kind: ErrorKind, span: Option<Span>) -> Error {
        Error {
            kind,
            span,
            help: None,
        }
    }

    /// A shape error: `what` should have been `expected` but is `found`.
    pub fn shape(what: &str, expected: &str, node: &erlterm::Node) -> Error {
        Error::new(
            ErrorKind::Shape {
                what: what.to_string(),
                expected: expected.to_string(),
                found: node.describe(),
            },
            Some(node.span),
        )
    }

    /// A rejection with the owning tool's message.
    pub fn rejected(message: impl Into<String>, span: Option<Span>) -> Error {
        Error::new(ErrorKind::Rejected(message.into()), span)
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }
}

impl From<erlterm::Error> for Error {
    fn from(e: erlterm::Error) -> Error {
        Error {
            kind: ErrorKind::Parse(e.kind),
            span: Some(e.span),
            help: e.help,
        }
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, Error>;
