//! Errors of document edits.

use crate::span::Span;

/// Why an edit was refused. The document is unchanged after any error.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// Nothing at the path; `span` is the deepest value that was found.
    #[error("no value at {path}")]
    NotFound {
        /// The path as written by `Path`'s `Display`.
        path: String,
        /// The deepest value found on the way.
        span: Option<Span>,
    },
    /// The edit needs a bracketed proper list (or a map) at the path.
    #[error("{path} is {found}, not a proper list")]
    NotAList {
        /// The path.
        path: String,
        /// What is there instead.
        found: String,
        /// Where it is.
        span: Span,
    },
    /// An insertion index past the end of the list.
    #[error("index {index} is past the end of {path} ({len} items)")]
    OutOfRange {
        /// The path of the list.
        path: String,
        /// The index asked for.
        index: usize,
        /// The number of items.
        len: usize,
        /// Where the list is.
        span: Span,
    },
    /// Removing a tuple element or a whole term would change its shape.
    #[error("{path} cannot be removed (only list items and map entries can)")]
    NotRemovable {
        /// The path.
        path: String,
        /// Where the value is.
        span: Span,
    },
    /// The edited text does not parse (raw text that is not a term, or
    /// text that merges with its neighbours).
    #[error("the edited text does not parse: {0}")]
    Reparse(crate::Error),
    /// The edited text parses, but not to the intended value.
    #[error("the edited value at {path} reads back as {found}")]
    Mismatch {
        /// The path.
        path: String,
        /// What it reads back as (canonical form).
        found: String,
    },
    /// A term nested deeper than the parser would read back.
    #[error("term nested deeper than {0} levels")]
    TooDeep(usize),
}
