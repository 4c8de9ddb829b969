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
//! # Features
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `serde` | on | [`from_str`], [`to_string`] and the [`serde`] module; `Serialize`/`Deserialize` for [`Term`] |
//! | `diagnostics` | on | [`Error::render`] and [`diagnostic::render`]: rustc-style messages (annotate-snippets) |
//!
//! `default-features = false` leaves both out (no serde, no
//! annotate-snippets); parsing, terms, spans, errors and their
//! `Display` stay.
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
//! | file read by [`read_file`] / [`consult`] | 2^31 bytes, regular files only ([`read_file_with_limit`]) |
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
pub mod macros;
pub mod node;
mod options;
mod parser;
pub mod print;
#[cfg(feature = "serde")]
pub mod serde;
pub mod span;
pub mod stream;
pub mod term;

/// The examples of the crate's README, run as doc tests.
#[cfg(all(doctest, feature = "serde", feature = "diagnostics"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

use std::ops::ControlFlow;
use std::path::Path;

#[cfg(feature = "serde")]
pub use crate::serde::{from_slice, from_str, from_term, to_string, to_string_pretty, to_term};
pub use document::{Document, Tokens};
pub use error::{Error, ErrorKind};
pub use node::{Node, NodeKind};
pub use options::ParseOptions;
pub use span::Span;
pub use stream::TermReader;
pub use term::{
    Atom, Bitstring, ExternalFun, Integer, NonFiniteFloat, Term, TermIndex, TermMap, Text,
};

use parser::build::{NoBuild, NodeBuild, TermBuild};

/// Parses every term of a UTF-8 text, exactly as `file:consult/1` would.
///
/// ```
/// let terms = erlterm::parse_str("%% a sys.config\n[{kernel, [{logger_level, info}]}].").unwrap();
/// assert_eq!(terms.len(), 1);
/// assert_eq!(terms[0]["kernel"]["logger_level"], erlterm::Term::atom("info"));
/// let e = erlterm::parse_str("{a, b c}.").unwrap_err();
/// assert_eq!(format!("{:#}", e.otp_reason()), "{1,erl_parse,[\"syntax error before: \",\"c\"]}");
/// ```
pub fn parse_str(src: &str) -> Result<Vec<Term>, Error> {
    parse_with(src, &ParseOptions::default())
}

/// Parses every term of a text with explicit limits and variable bindings.
///
/// ```
/// let opts = erlterm::ParseOptions { max_depth: 3, ..Default::default() };
/// assert!(erlterm::parse_with("[[a]].", &opts).is_ok());
/// let e = erlterm::parse_with("[[[[a]]]].", &opts).unwrap_err();
/// assert!(matches!(e.kind, erlterm::ErrorKind::Limit(_)));
/// ```
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
    parse_full_text(src, poisoned, opts, || TermBuild, |t| out.push(t))?;
    Ok(out)
}

/// The reader runs on every decodable input within the size limit; what it
/// does not accept (an error) the full parser then explains.
fn fast_path_applies(src: &str, poisoned: bool, opts: &ParseOptions) -> bool {
    !poisoned && src.len() <= opts.max_input_bytes
}

/// The full parser, for what the reader did not accept: first over the
/// term the reader stopped in, passing over what it already checked there,
/// to find the error with memory bounded by what is left; over the whole
/// text only if there is no error after all (the reader gave up on a
/// valid construct it does not take, such as very deep parentheses).
fn parse_full_text<B: parser::build::Build + Send>(
    src: &str,
    poisoned: bool,
    opts: &ParseOptions,
    make: impl FnMut() -> B,
    sink: impl FnMut(B::V),
) -> Result<parser::Parsed, Error>
where
    B::V: Send,
{
    if fast_path_applies(src, poisoned, opts) {
        if let Some((start, skips)) = fast::stop_point(src, opts) {
            parser::check_text_from(src, start, skips, opts)?;
        }
    }
    parser::parse_text(src, poisoned, opts, make, sink)
}

/// The token parser alone over the whole text, without the byte-level
/// reader: what tests and the `oracle` feature compare the reader with.
#[cfg(any(test, feature = "oracle"))]
fn parse_tokens_only<B: parser::build::Build + Send>(
    src: &str,
    make: impl FnMut() -> B,
) -> Result<Vec<B::V>, Error>
where
    B::V: Send,
{
    let mut out = Vec::new();
    parser::parse_text(src, false, &ParseOptions::default(), make, |v| out.push(v))?;
    Ok(out)
}

/// The full OTP-exact parser alone, without the fast path (for tests that
/// check the two agree).
#[cfg(test)]
pub(crate) fn parse_full(src: &str) -> Result<Vec<Term>, Error> {
    parse_tokens_only(src, || TermBuild)
}

/// The token parser alone, reading the whole text (no byte-level reader,
/// no explanation from where it stops): what differential tests and fuzz
/// targets compare [`parse_str`] and [`parse_nodes`] with. Only with the
/// non-default `oracle` feature.
#[cfg(feature = "oracle")]
pub mod oracle {
    use super::*;

    /// [`parse_str`](crate::parse_str) by the token parser alone.
    ///
    /// ```
    /// assert_eq!(erlterm::oracle::parse_str("16#ff."), erlterm::parse_str("16#ff."));
    /// ```
    pub fn parse_str(src: &str) -> Result<Vec<Term>, Error> {
        parse_tokens_only(src, || TermBuild)
    }

    /// [`parse_nodes`](crate::parse_nodes) by the token parser alone.
    ///
    /// ```
    /// let a = erlterm::oracle::parse_nodes("{a,\n b}.").unwrap();
    /// let b = erlterm::parse_nodes("{a,\n b}.").unwrap();
    /// assert_eq!(format!("{a:?}"), format!("{b:?}"));
    /// ```
    pub fn parse_nodes(src: &str) -> Result<Vec<Node>, Error> {
        parse_tokens_only(src, || NodeBuild)
    }
}

/// Parses every term of a text, keeping spans.
///
/// ```
/// let nodes = erlterm::parse_nodes("{vsn,\n  \"1.0\"}.").unwrap();
/// let vsn = &nodes[0].as_tuple().unwrap()[1];
/// assert_eq!((vsn.span.line, vsn.span.column), (2, 3));
/// assert_eq!(vsn.as_string().as_deref(), Some("1.0"));
/// ```
pub fn parse_nodes(src: &str) -> Result<Vec<Node>, Error> {
    parse_nodes_with(src, &ParseOptions::default())
}

/// [`parse_nodes`] with explicit options.
///
/// ```
/// let opts = erlterm::ParseOptions::default().bind("V", erlterm::Term::string("2.0"));
/// let nodes = erlterm::parse_nodes_with("{vsn, V}.", &opts).unwrap();
/// assert_eq!(nodes[0].as_tuple().unwrap()[1].as_string().as_deref(), Some("2.0"));
/// ```
pub fn parse_nodes_with(src: &str, opts: &ParseOptions) -> Result<Vec<Node>, Error> {
    if fast_path_applies(src, false, opts) {
        if let Some(nodes) = fast::parse::<Node>(src, opts) {
            return Ok(nodes);
        }
    }
    let mut out = Vec::new();
    parse_full_text(src, false, opts, || NodeBuild, |n| out.push(n))?;
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
///
/// ```
/// let opts = erlterm::ParseOptions { max_input_bytes: 8, ..Default::default() };
/// assert!(erlterm::parse_bytes_with(b"ok.", &opts).is_ok());
/// assert!(erlterm::parse_bytes_with(b"{a, long}.", &opts).is_err());
/// ```
pub fn parse_bytes_with(bytes: &[u8], opts: &ParseOptions) -> Result<Vec<Term>, Error> {
    let (text, poisoned) = encoding::decode(bytes);
    parse_text_with(&text, poisoned, opts)
}

/// [`parse_bytes_with`] handing each term to `each`, in order, instead of
/// collecting them: memory is the input and one term, where collecting
/// holds every term at once (about 32 bytes per value: 15 times the text of
/// a typical `.config`).
///
/// `each` sees terms only once the whole input is known to be valid; on an
/// error it is not called. It returns [`ControlFlow::Break`] to stop early
/// (the count returned then includes the term it stopped at). The terms are
/// those of [`parse_bytes_with`], and the errors too.
///
/// ```
/// use std::ops::ControlFlow;
/// let opts = erlterm::ParseOptions::default();
/// let mut seen = Vec::new();
/// let n = erlterm::parse_bytes_each(b"a. {b, \"c. d\"}.\n%% end\n", &opts, |t| {
///     seen.push(t.to_string());
///     ControlFlow::Continue(())
/// });
/// assert_eq!(n, Ok(2));
/// assert_eq!(seen, ["a", "{b,[99,46,32,100]}"]);
/// let e = erlterm::parse_bytes_each(b"a.\n{b c}.", &opts, |_| panic!("not called"));
/// assert_eq!(e.unwrap_err().line(), 2);
/// ```
pub fn parse_bytes_each(
    bytes: &[u8],
    opts: &ParseOptions,
    mut each: impl FnMut(Term) -> ControlFlow<()>,
) -> Result<usize, Error> {
    let (text, poisoned) = encoding::decode(bytes);
    let text: &str = &text;
    let ends = if fast_path_applies(text, poisoned, opts) {
        term_ends(text, opts)
    } else {
        None
    };
    let Some(ends) = ends else {
        // Not splittable: parse the whole text (errors with their lines).
        let terms = parse_text_with(text, poisoned, opts)?;
        let mut n = 0;
        for t in terms {
            n += 1;
            if each(t).is_break() {
                break;
            }
        }
        return Ok(n);
    };
    let mut start = 0;
    let mut n = 0;
    for end in ends {
        let slice = text.get(start..end).unwrap_or_default();
        start = end;
        for t in parse_text_with(slice, false, opts)? {
            n += 1;
            if each(t).is_break() {
                return Ok(n);
            }
        }
    }
    Ok(n)
}

/// Where each term of `text` ends, if `text` splits there into slices that
/// each hold exactly one valid term (and a tail with none): then the terms
/// of the slices are the terms of the text. `None` when any slice does not
/// (an error, or a `.` that [`first_term_end`] takes for an end but the
/// scanner does not), and the text must be parsed whole. Builds no term.
fn term_ends(text: &str, opts: &ParseOptions) -> Option<Vec<usize>> {
    let count = |src: &str| -> Option<usize> {
        if let Some(n) = fast::validate(src, opts) {
            return Some(n);
        }
        let mut n = 0usize;
        parse_full_text(src, false, opts, || NoBuild, |()| n += 1).ok()?;
        Some(n)
    };
    let mut ends = Vec::new();
    let mut start = 0;
    while let Some(len) = text.get(start..).and_then(first_term_end) {
        let end = start + len;
        if count(text.get(start..end)?)? != 1 {
            return None;
        }
        ends.push(end);
        start = end;
    }
    if count(text.get(start..)?)? != 0 {
        return None;
    }
    Some(ends)
}

/// [`parse_bytes`] keeping spans. Spans index the decoded text
/// ([`encoding::decode_for_display`]), which differs from the bytes for
/// latin-1 files.
///
/// ```
/// let nodes = erlterm::parse_bytes_nodes(b"%% coding: latin-1\n'caf\xE9'.").unwrap();
/// assert_eq!(nodes[0].as_atom(), Some("café"));
/// assert_eq!(nodes[0].span.line, 2);
/// ```
pub fn parse_bytes_nodes(bytes: &[u8]) -> Result<Vec<Node>, Error> {
    let (text, poisoned) = encoding::decode(bytes);
    if fast_path_applies(&text, poisoned, &ParseOptions::default()) {
        if let Some(nodes) = fast::parse::<Node>(&text, &ParseOptions::default()) {
            return Ok(nodes);
        }
    }
    let mut out = Vec::new();
    parse_full_text(
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
    parse_full_text(
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
                if b.get(i + 1).is_none_or(|&c| c <= b' ' || c == b'%') {
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
/// (`enoent`, `eacces`, `eisdir`, ...); only regular files are read, up to
/// [`DEFAULT_MAX_FILE_BYTES`] (see [`read_file`]).
///
/// ```
/// let path = std::env::temp_dir().join(format!("erlterm-consult-{}.config", std::process::id()));
/// std::fs::write(&path, "{a, 1}.\n{b, 2}.\n").unwrap();
/// let terms = erlterm::consult(&path).unwrap();
/// assert_eq!(terms.len(), 2);
/// std::fs::remove_file(&path).unwrap();
/// let e = erlterm::consult("/no/such/file.config").unwrap_err();
/// assert!(e.otp_reason().to_string().contains("enoent"));
/// ```
pub fn consult(path: impl AsRef<Path>) -> Result<Vec<Term>, Error> {
    let bytes = read_file(path.as_ref())?;
    parse_bytes(&bytes)
}

/// The largest file [`read_file`] reads: 2^31 bytes, the default of
/// [`ParseOptions::max_input_bytes`].
pub const DEFAULT_MAX_FILE_BYTES: u64 = 1 << 31;

/// Reads a regular file's bytes, at most [`DEFAULT_MAX_FILE_BYTES`]; see
/// [`read_file_with_limit`].
///
/// ```
/// let dir = std::env::temp_dir().join(format!("erlterm-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let e = erlterm::read_file(&dir).unwrap_err();
/// assert!(matches!(e.kind, erlterm::ErrorKind::Io { ref posix, .. } if posix == "eisdir"));
/// assert!(e.to_string().ends_with(": is a directory, not a regular file"), "{e}");
/// # std::fs::remove_dir(&dir).unwrap();
/// ```
pub fn read_file(path: &Path) -> Result<Vec<u8>, Error> {
    read_file_with_limit(path, DEFAULT_MAX_FILE_BYTES)
}

/// Reads a regular file's bytes, refusing anything else before reading a
/// byte, and files larger than `max_bytes`.
///
/// The path is followed through symbolic links and must lead to a regular
/// file: a directory is `eisdir`; a FIFO, a character or block device or a
/// socket is `eftype` (they could block forever or never end, as
/// `/dev/zero`); a symbolic link loop is `eloop`; a missing file `enoent`,
/// one that may not be read `eacces`. A file larger than `max_bytes` is
/// `efbig`, checked on the size the file system reports before reading and
/// again while reading (at most `max_bytes + 1` bytes are read, so a file
/// that grows meanwhile stays bounded). The file is opened without
/// blocking and the opened handle is checked again, so a FIFO swapped in
/// after the check cannot block the reader.
///
/// Every failure is [`ErrorKind::Io`] with OTP's POSIX name in `posix` and
/// a message that names the path once, control characters escaped.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("erlterm-doc-limit-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("app.config");
/// std::fs::write(&path, "[{kernel, []}].\n").unwrap();
/// assert_eq!(erlterm::read_file_with_limit(&path, 16).unwrap().len(), 16);
/// let e = erlterm::read_file_with_limit(&path, 15).unwrap_err();
/// assert!(matches!(e.kind, erlterm::ErrorKind::Io { ref posix, .. } if posix == "efbig"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn read_file_with_limit(path: &Path, max_bytes: u64) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let shown = diagnostic::escape_path(path);
    let (file, len) = open_file(path, max_bytes)?;
    let expected = usize::try_from(len).unwrap_or(usize::MAX);
    let mut bytes = Vec::new();
    // The size is a hint: one byte more shows whether the file grew past it.
    bytes
        .try_reserve_exact(expected.saturating_add(1))
        .map_err(|_| {
            io_error(
                "enomem",
                format!("{shown}: not enough memory for {len} bytes"),
            )
        })?;
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_failure(&shown, &e))?;
    if bytes.len() as u64 > max_bytes {
        return Err(io_error(
            "efbig",
            format!("{shown}: grew past the limit of {max_bytes} bytes while being read"),
        ));
    }
    Ok(bytes)
}

/// Opens a regular file for reading, with the checks of
/// [`read_file_with_limit`] (regular file, at most `max_bytes` by its size,
/// no blocking on a FIFO swapped in, the handle checked again), and returns
/// it with its size, for readers that stream it (a tarball). The caller
/// still bounds what it reads: the file may grow.
///
/// ```
/// let e = erlterm::open_file(std::path::Path::new("/dev/zero"), 1 << 20).unwrap_err();
/// assert!(matches!(e.kind, erlterm::ErrorKind::Io { ref posix, .. } if posix == "eftype"));
/// assert_eq!(e.to_string(), "/dev/zero: is a character device, not a regular file");
/// ```
pub fn open_file(path: &Path, max_bytes: u64) -> Result<(std::fs::File, u64), Error> {
    let shown = diagnostic::escape_path(path);
    let meta = std::fs::metadata(path).map_err(|e| io_failure(&shown, &e))?;
    check_regular(&shown, &meta, max_bytes)?;
    let file = open_nonblocking(path).map_err(|e| io_failure(&shown, &e))?;
    // The path may have been swapped since the check: the handle decides.
    let meta = file.metadata().map_err(|e| io_failure(&shown, &e))?;
    check_regular(&shown, &meta, max_bytes)?;
    Ok((file, meta.len()))
}

/// The [`ErrorKind::Io`] error for an I/O failure on `path`, as
/// [`read_file`] reports it: OTP's POSIX name, and a message naming the
/// path once (control characters escaped).
///
/// ```
/// let e = std::io::Error::from_raw_os_error(2);
/// let e = erlterm::file_error(std::path::Path::new("rel/x.rel"), &e);
/// assert_eq!(e.to_string(), "rel/x.rel: no such file or directory");
/// assert_eq!(e.otp_reason().to_string(), "enoent");
/// ```
pub fn file_error(path: &Path, e: &std::io::Error) -> Error {
    io_failure(&diagnostic::escape_path(path), e)
}

/// What an I/O failure is, in the words of [`file_error`]'s messages, for
/// a message that names the path itself.
///
/// ```
/// let e = std::io::Error::from_raw_os_error(40);
/// assert_eq!(erlterm::io_failure_text(&e), "too many levels of symbolic links (a link loop?)");
/// ```
pub fn io_failure_text(e: &std::io::Error) -> String {
    posix_of(e).1
}

/// The [`ErrorKind::Io`] error for a path that exists but is not a regular
/// file (`eisdir` for a directory, `eftype` otherwise), or `None` for a
/// regular file; `what` names what was wanted ("a regular file or a
/// folder").
///
/// ```
/// let meta = std::fs::metadata("/dev/null").unwrap();
/// let e = erlterm::file_kind_error(std::path::Path::new("/dev/null"), &meta.file_type(), "a .rel file or a folder").unwrap();
/// assert_eq!(e.to_string(), "/dev/null: is a character device, not a .rel file or a folder");
/// ```
pub fn file_kind_error(path: &Path, file_type: &std::fs::FileType, what: &str) -> Option<Error> {
    let kind = file_kind(file_type)?;
    let posix = if file_type.is_dir() {
        "eisdir"
    } else {
        "eftype"
    };
    let shown = diagnostic::escape_path(path);
    let text = match kind.strip_prefix("not ") {
        Some(_) => format!("{shown}: not {what}"),
        None => format!("{shown}: is {kind}, not {what}"),
    };
    Some(io_error(posix, text))
}

/// What a path that is not a regular file is, in words (`"a FIFO (named
/// pipe)"`, `"a directory"`, ...); `None` for a regular file.
///
/// ```
/// let meta = std::fs::metadata(std::env::temp_dir()).unwrap();
/// assert_eq!(erlterm::file_kind(&meta.file_type()), Some("a directory"));
/// ```
pub fn file_kind(file_type: &std::fs::FileType) -> Option<&'static str> {
    if file_type.is_file() {
        return None;
    }
    if file_type.is_dir() {
        return Some("a directory");
    }
    if file_type.is_symlink() {
        return Some("a symbolic link");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("a FIFO (named pipe)");
        }
        if file_type.is_char_device() {
            return Some("a character device");
        }
        if file_type.is_block_device() {
            return Some("a block device");
        }
        if file_type.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

fn check_regular(shown: &str, meta: &std::fs::Metadata, max_bytes: u64) -> Result<(), Error> {
    if let Some(kind) = file_kind(&meta.file_type()) {
        let posix = if meta.is_dir() { "eisdir" } else { "eftype" };
        let what = if kind.starts_with("not ") {
            kind.to_owned()
        } else {
            format!("is {kind}, not a regular file")
        };
        return Err(io_error(posix, format!("{shown}: {what}")));
    }
    if meta.len() > max_bytes {
        return Err(too_large(shown, meta.len(), max_bytes));
    }
    Ok(())
}

fn too_large(shown: &str, len: u64, max_bytes: u64) -> Error {
    io_error(
        "efbig",
        format!("{shown}: is {len} bytes, larger than the limit of {max_bytes} bytes"),
    )
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// OTP's POSIX name and a message for an I/O failure on `shown`.
fn io_failure(shown: &str, e: &std::io::Error) -> Error {
    let (posix, text) = posix_of(e);
    io_error(posix, format!("{shown}: {text}"))
}

fn posix_of(e: &std::io::Error) -> (&'static str, String) {
    #[cfg(unix)]
    if let Some(code) = e.raw_os_error() {
        let known = match code {
            libc::ENOENT => Some(("enoent", "no such file or directory")),
            libc::EACCES => Some(("eacces", "permission denied")),
            libc::EPERM => Some(("eperm", "operation not permitted")),
            libc::EISDIR => Some(("eisdir", "is a directory, not a regular file")),
            libc::ENOTDIR => Some(("enotdir", "a component of the path is not a directory")),
            libc::ELOOP => Some(("eloop", "too many levels of symbolic links (a link loop?)")),
            libc::ENAMETOOLONG => Some(("enametoolong", "file name too long")),
            libc::ENXIO => Some(("enxio", "no such device or address")),
            libc::ENODEV => Some(("enodev", "no such device")),
            libc::EMFILE => Some(("emfile", "too many open files")),
            libc::ENFILE => Some(("enfile", "too many open files in the system")),
            libc::ENOMEM => Some(("enomem", "out of memory")),
            libc::EOVERFLOW => Some(("eoverflow", "file too large for this system")),
            libc::EFBIG => Some(("efbig", "file too large")),
            libc::EAGAIN => Some(("eagain", "resource temporarily unavailable")),
            libc::EINVAL => Some(("einval", "invalid argument")),
            libc::EIO => Some(("eio", "input/output error")),
            _ => None,
        };
        if let Some((posix, text)) = known {
            return (posix, text.to_owned());
        }
    }
    let posix = match e.kind() {
        std::io::ErrorKind::NotFound => "enoent",
        std::io::ErrorKind::PermissionDenied => "eacces",
        std::io::ErrorKind::IsADirectory => "eisdir",
        std::io::ErrorKind::NotADirectory => "enotdir",
        std::io::ErrorKind::OutOfMemory => "enomem",
        _ => "eio",
    };
    // The OS text without Rust's " (os error N)" suffix.
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_owned(),
        None => text,
    };
    (posix, diagnostic::escape_control(&text).into_owned())
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
