//! Erlang terms exactly as `file:consult/1` reads them.
//!
//! `erlterm` reads the term files of Erlang/OTP (`sys.config`, `.app`,
//! `.appup`, `.rel`, `rebar.config`, ...) with OTP 25's semantics: the same
//! encoding detection, tokens, numbers, escapes, binaries, the same
//! accept/reject decisions and the same error lines. It also holds the
//! [`Term`] model (Erlang equality and order) and the canonical printer.
//!
//! # Parsing
//!
//! ```
//! use erlterm::Term;
//! let terms = erlterm::parse_str("{app, [{vsn, \"1.0\"}]}.\n[1 | 2].").unwrap();
//! assert_eq!(terms.len(), 2);
//! assert_eq!(terms[0].as_tuple().unwrap()[0], Term::atom("app"));
//! // A string is a list of code points.
//! assert_eq!(terms[0].to_string(), "{app,[{vsn,[49,46,48]}]}");
//! assert_eq!(terms[1].to_string(), "[1|2]");
//! ```
//!
//! Files are bytes: [`parse_bytes`] applies the `%% coding: latin-1`
//! detection and reports invalid UTF-8 as OTP does; [`consult`] reads a path.
//! [`parse_nodes`] keeps a [`Span`] on every value, for tools that report
//! positions; [`validate`] only checks and counts, building nothing.
//!
//! # Equality and printing
//!
//! `==` on [`Term`] is Erlang's `=:=` (`1` and `1.0` differ, `"ab"` equals
//! `[97,98]`); `Ord` is the term order. `Display` prints the canonical
//! one-line form that the OTP oracle prints:
//!
//! ```
//! let t = erlterm::parse_str("#{b => 1, a => <<1:4>>, 1.0 => x}.").unwrap();
//! assert_eq!(t[0].to_string(), "#{1.0 => x,a => <<1:4>>,b => 1}");
//! ```
//!
//! # Errors
//!
//! An [`Error`] carries the OTP line, a span for diagnostics and often a
//! hint. [`Error::otp_reason`] is the exact term `file:consult/1` returns,
//! [`Error::render`] a rustc-style message:
//!
//! ```
//! let src = "{a,\n b c}.";
//! let e = erlterm::parse_str(src).unwrap_err();
//! assert_eq!(e.line(), 2);
//! assert!(matches!(e.kind, erlterm::ErrorKind::Syntax { ref before } if before == "c"));
//! println!("{}", e.render(src, "demo.config"));
//!
//! let e = erlterm::parse_str("[1, X].").unwrap_err();
//! assert!(matches!(e.kind, erlterm::ErrorKind::BadTerm(_)));
//! ```
//!
//! # Limits
//!
//! Untrusted input cannot exhaust the stack or memory: [`ParseOptions`]
//! bounds it (defaults below) and exceeding a bound is
//! [`ErrorKind::Limit`].
//!
//! | limit | default |
//! |---|---|
//! | nesting depth | 500 |
//! | digits in one integer | 100 000 |
//! | bits in one binary | 2^27 |
//! | input size | 2^31 bytes |
//! | atom length | 255 characters (OTP) |
//!
//! ```
//! let deep = "[".repeat(100_000);
//! let e = erlterm::parse_str(&deep).unwrap_err();
//! assert!(matches!(e.kind, erlterm::ErrorKind::Limit(_)));
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod diagnostic;
pub mod document;
pub mod encoding;
pub mod error;
mod fast;
mod lexer;
pub mod node;
mod options;
mod parser;
pub mod print;
pub mod serde;
pub mod span;
pub mod term;

use std::path::Path;

pub use crate::serde::{from_slice, from_str, from_term, to_string, to_string_pretty, to_term};
pub use document::{Document, Tokens};
pub use error::{Error, ErrorKind};
pub use node::{Node, NodeKind};
pub use options::ParseOptions;
pub use span::Span;
pub use term::{Atom, Bitstring, ExternalFun, Integer, Term, Text};

use parser::build::{NoBuild, NodeBuild, TermBuild};

/// Parses every term of a UTF-8 text, exactly as `file:consult/1` would.
pub fn parse_str(src: &str) -> Result<Vec<Term>, Error> {
    parse_with(src, &ParseOptions::default())
}

/// Parses every term of a text with explicit limits and variable bindings.
pub fn parse_with(src: &str, opts: &ParseOptions) -> Result<Vec<Term>, Error> {
    parse_text_with(src, false, opts)
}

fn parse_text_with(src: &str, poisoned: bool, opts: &ParseOptions) -> Result<Vec<Term>, Error> {
    if fast_path_applies(src, poisoned, opts) {
        if let Some(terms) = fast::parse::<Term>(src, opts) {
            return Ok(terms);
        }
    }
    let mut out = Vec::new();
    parser::parse_text(src, poisoned, opts, || TermBuild, |t| out.push(t))?;
    Ok(out)
}

/// The fast path reads plain literal files without tokens or spans; it
/// never sees bindings or undecodable input.
fn fast_path_applies(src: &str, poisoned: bool, opts: &ParseOptions) -> bool {
    !poisoned && opts.bindings.is_empty() && src.len() <= opts.max_input_bytes
}

/// The full OTP-exact parser alone, without the fast path (for tests that
/// check the two agree).
#[cfg(test)]
pub(crate) fn parse_full(src: &str) -> Result<Vec<Term>, Error> {
    let mut out = Vec::new();
    parser::parse_text(
        src,
        false,
        &ParseOptions::default(),
        || TermBuild,
        |t| out.push(t),
    )?;
    Ok(out)
}

/// Parses every term of a text, keeping spans.
pub fn parse_nodes(src: &str) -> Result<Vec<Node>, Error> {
    parse_nodes_with(src, &ParseOptions::default())
}

/// [`parse_nodes`] with explicit options.
pub fn parse_nodes_with(src: &str, opts: &ParseOptions) -> Result<Vec<Node>, Error> {
    let mut out = Vec::new();
    parser::parse_text(src, false, opts, || NodeBuild, |n| out.push(n))?;
    Ok(out)
}

/// Parses the raw bytes of a term file: `coding:` detection (latin-1 or
/// UTF-8, default UTF-8) and `invalid_unicode` errors as in OTP.
///
/// ```
/// let t = erlterm::parse_bytes(b"%% coding: latin-1\n\"\xE9\".").unwrap();
/// assert_eq!(t[0].to_string(), "[233]");
/// let e = erlterm::parse_bytes(b"a.\n\"\xE9\".").unwrap_err();
/// assert_eq!(e.otp_reason().to_string(), "{2,file_io_server,invalid_unicode}");
/// ```
pub fn parse_bytes(bytes: &[u8]) -> Result<Vec<Term>, Error> {
    parse_bytes_with(bytes, &ParseOptions::default())
}

/// [`parse_bytes`] with explicit options.
pub fn parse_bytes_with(bytes: &[u8], opts: &ParseOptions) -> Result<Vec<Term>, Error> {
    let (text, poisoned) = encoding::decode(bytes);
    parse_text_with(&text, poisoned, opts)
}

/// [`parse_bytes`] keeping spans. Spans index the decoded text
/// ([`encoding::decode_for_display`]), which differs from the bytes for
/// latin-1 files.
pub fn parse_bytes_nodes(bytes: &[u8]) -> Result<Vec<Node>, Error> {
    let (text, poisoned) = encoding::decode(bytes);
    let mut out = Vec::new();
    parser::parse_text(
        &text,
        poisoned,
        &ParseOptions::default(),
        || NodeBuild,
        |n| out.push(n),
    )?;
    Ok(out)
}

/// Checks a text without building terms; returns the number of terms.
///
/// ```
/// assert_eq!(erlterm::validate("a. {b, [c]}. "), Ok(2));
/// assert!(erlterm::validate("{a b}.").is_err());
/// ```
pub fn validate(src: &str) -> Result<usize, Error> {
    if fast_path_applies(src, false, &ParseOptions::default()) {
        if let Some(n) = fast::validate(src, &ParseOptions::default()) {
            return Ok(n);
        }
    }
    let mut n = 0usize;
    parser::parse_text(
        src,
        false,
        &ParseOptions::default(),
        || NoBuild,
        |()| n += 1,
    )?;
    Ok(n)
}

/// Byte offset just past the first end-of-term dot of `text` (a `.`
/// followed by whitespace, `%` or the end), skipping strings, quoted atoms,
/// character literals and comments; `None` if there is none, also when a
/// string or quoted atom is left open.
///
/// This is how readers that take only the first term find it without
/// scanning the rest, which may not even be valid: `systools_lib:read_term/1`
/// for appups, and the VM reading `sys.config`.
///
/// ```
/// assert_eq!(erlterm::first_term_end("{a}. junk \"open"), Some(4));
/// assert_eq!(erlterm::first_term_end("{\"1. 0\", $., '. ', 1.5}. x"), Some(24));
/// assert_eq!(erlterm::first_term_end("{a}"), None);
/// assert_eq!(erlterm::first_term_end("{\"a}. "), None);
/// ```
pub fn first_term_end(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'%' => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while let Some(&c) = b.get(i).filter(|&&c| c != q) {
                    i += if c == b'\\' { 2 } else { 1 };
                }
                if i >= b.len() {
                    return None;
                }
                i += 1;
            }
            b'$' => {
                i += 1;
                if b.get(i) == Some(&b'\\') {
                    i += 1;
                }
                i += 1;
            }
            b'.' => {
                // OTP's whitespace is every byte up to the space.
                if b.get(i + 1).map_or(true, |&c| c <= b' ' || c == b'%') {
                    return Some(i + 1);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    None
}

/// Reads a file as `file:consult/1` does.
///
/// File-system failures are [`ErrorKind::Io`] with OTP's POSIX name
/// (`enoent`, `eacces`, `eisdir`).
pub fn consult(path: impl AsRef<Path>) -> Result<Vec<Term>, Error> {
    let bytes = read_file(path.as_ref())?;
    parse_bytes(&bytes)
}

/// Reads a file's bytes, mapping failures to [`ErrorKind::Io`].
pub fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    if path.is_dir() {
        return Err(io_error(
            "eisdir",
            format!("{}: is a directory", path.display()),
        ));
    }
    std::fs::read(path).map_err(|e| {
        let posix = match e.kind() {
            std::io::ErrorKind::NotFound => "enoent",
            std::io::ErrorKind::PermissionDenied => "eacces",
            _ => "eio",
        };
        io_error(posix, format!("{}: {e}", path.display()))
    })
}

fn io_error(posix: &str, message: String) -> Error {
    Error {
        kind: ErrorKind::Io {
            posix: posix.into(),
            message,
        },
        span: Span::default(),
        expected: None,
        help: None,
    }
}
