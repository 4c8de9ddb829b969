//! Parse errors: what OTP would say, where, and a better explanation.

use crate::span::Span;

/// What went wrong. Each kind maps to the error term `file:consult/1`
/// returns for the same input (see [`Error::otp_reason`]).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Invalid UTF-8 in a file read as UTF-8 (`file_io_server, invalid_unicode`).
    #[error("invalid UTF-8")]
    InvalidUnicode,
    /// A character that cannot start a token, or an invalid escape.
    #[error("illegal character")]
    IllegalCharacter,
    /// An atom longer than 255 characters.
    #[error("atom longer than 255 characters")]
    IllegalAtom,
    /// A based integer without digits (`16#`).
    #[error("illegal integer")]
    IllegalInteger,
    /// A malformed float exponent, or a float that overflows.
    #[error("illegal float")]
    IllegalFloat,
    /// An integer base outside 2..36.
    #[error("illegal base {0}")]
    Base(u64),
    /// `$` at end of file.
    #[error("unterminated character literal")]
    Char,
    /// A string (`quote == '"'`) or quoted atom (`'\''`) without its closing quote.
    #[error("unterminated {}", if *quote == '"' { "string" } else { "quoted atom" })]
    UnterminatedString {
        /// The opening quote.
        quote: char,
        /// The first 16 characters of the content.
        prefix: String,
    },
    /// A token where the grammar does not allow it; `before` is the token as
    /// OTP prints it (`'}'`, `b`, `"d"`), empty at end of input.
    #[error("syntax error before: {before}")]
    Syntax {
        /// The token text as `erl_parse` prints it.
        before: String,
    },
    /// Valid Erlang syntax that is not a term (a variable, an operator, a call).
    #[error("not a term: {0}")]
    BadTerm(String),
    /// A documented limit was exceeded.
    #[error("limit exceeded: {0}")]
    Limit(String),
}

/// A parse error with its position and, where one helps, a hint.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}:{}: {kind}", span.line, span.column)]
pub struct Error {
    /// What went wrong.
    pub kind: ErrorKind,
    /// Where; `span.line` equals the line OTP reports.
    pub span: Span,
    /// What the parser expected instead, if known.
    pub expected: Option<String>,
    /// A suggestion for fixing it.
    pub help: Option<String>,
}

impl Error {
    /// The line OTP reports.
    pub fn line(&self) -> u32 {
        self.span.line
    }
}
