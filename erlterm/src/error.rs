//! Parse errors: what OTP would say, where, and a better explanation.

use crate::lexer::Tok;
use crate::span::Span;
use crate::term::{Integer, Term};

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
    /// A variable name longer than 255 characters (`{illegal,var}`).
    #[error("variable name longer than 255 characters")]
    IllegalVar,
    /// An integer base outside 2..36 too large for `u64` (decimal text).
    #[error("illegal base {0}")]
    HugeBase(String),
    /// Extra `; name() -> ...` clauses whose head is not `f()` (`erl_parse`
    /// parses a term as the body of `f() ->`).
    #[error("head mismatch")]
    HeadMismatch,
    /// The file could not be read; `posix` is the code OTP returns
    /// (`enoent`, `eacces`, `eisdir`, `eloop`, ...), or, for what OTP would
    /// read but [`crate::read_file`] refuses, `eftype` (not a regular file:
    /// a FIFO, a device, a socket) and `efbig` (larger than the limit).
    #[error("{message}")]
    Io {
        /// The POSIX error name, as `file:consult/1` returns it.
        posix: String,
        /// A human-readable message that names the path once
        /// (`PATH: is a FIFO (named pipe), not a regular file`).
        message: String,
    },
}

/// A parse error with its position and, where one helps, a hint.
///
/// `Display` writes `line:column: what`, or for [`ErrorKind::Io`] (which has
/// no position) the message alone, which names the path.
#[derive(Clone, Debug, PartialEq)]
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

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            ErrorKind::Io { message, .. } => f.write_str(message),
            kind => write!(f, "{}:{}: {kind}", self.span.line, self.span.column),
        }
    }
}

impl std::error::Error for Error {}

/// The hint of a term that ends without its final dot.
pub(crate) const MISSING_FINAL_DOT_HELP: &str = "add a `.` to end the term";

impl Error {
    /// Whether the text ended where a term wanted only its final dot.
    #[cfg(feature = "serde")]
    pub(crate) fn is_missing_final_dot(&self) -> bool {
        matches!(self.kind, ErrorKind::Syntax { .. })
            && self.help.as_deref() == Some(MISSING_FINAL_DOT_HELP)
    }
}

impl Error {
    /// The line OTP reports.
    pub fn line(&self) -> u32 {
        self.span.line
    }
}

impl Error {
    /// The reason term `file:consult/1` returns for this error: usually
    /// `{Line, Module, Description}`, a bare POSIX atom for file errors.
    ///
    /// ```
    /// let e = erlterm::parse_str("{a b}.").unwrap_err();
    /// assert_eq!(
    ///     e.otp_reason().to_string(),
    ///     "{1,erl_parse,[[115,121,110,116,97,120,32,101,114,114,111,114,32,98,101,102,111,114,101,58,32],[98]]}"
    /// );
    /// ```
    pub fn otp_reason(&self) -> Term {
        let line = Term::int(i64::from(self.span.line));
        let scan = |desc: Term| Term::tuple(vec![line.clone(), Term::atom("erl_scan"), desc]);
        let illegal = |what: &str| scan(Term::tuple(vec![Term::atom("illegal"), Term::atom(what)]));
        match &self.kind {
            ErrorKind::InvalidUnicode => Term::tuple(vec![
                line.clone(),
                Term::atom("file_io_server"),
                Term::atom("invalid_unicode"),
            ]),
            ErrorKind::IllegalCharacter => illegal("character"),
            ErrorKind::IllegalAtom => illegal("atom"),
            ErrorKind::IllegalInteger => illegal("integer"),
            ErrorKind::IllegalFloat => illegal("float"),
            ErrorKind::IllegalVar => illegal("var"),
            ErrorKind::Base(b) => scan(Term::tuple(vec![
                Term::atom("base"),
                Term::Integer(Integer::from(*b)),
            ])),
            ErrorKind::HugeBase(b) => {
                let v = b.parse::<num_bigint::BigInt>().unwrap_or_default();
                scan(Term::tuple(vec![
                    Term::atom("base"),
                    Term::Integer(Integer::from(v)),
                ]))
            }
            ErrorKind::Char => scan(Term::atom("char")),
            ErrorKind::UnterminatedString { quote, prefix } => scan(Term::tuple(vec![
                Term::atom("string"),
                Term::int(i64::from(u32::from(*quote))),
                Term::string(prefix),
            ])),
            ErrorKind::Syntax { before } => Term::tuple(vec![
                line,
                Term::atom("erl_parse"),
                Term::list(vec![
                    Term::string("syntax error before: "),
                    Term::string(before),
                ]),
            ]),
            ErrorKind::BadTerm(_) => Term::tuple(vec![
                line,
                Term::atom("erl_parse"),
                Term::string("bad term"),
            ]),
            ErrorKind::HeadMismatch => Term::tuple(vec![
                line,
                Term::atom("erl_parse"),
                Term::string("head mismatch"),
            ]),
            ErrorKind::Limit(msg) => {
                Term::tuple(vec![line, Term::atom("erlterm"), Term::string(msg)])
            }
            ErrorKind::Io { posix, .. } => Term::atom(posix),
        }
    }

    #[cfg(feature = "diagnostics")]
    /// A rustc-style diagnostic for this error in `source` (the decoded text
    /// the spans refer to), naming the file `origin`. Control characters of
    /// the source and of `origin` are shown escaped. An
    /// [`ErrorKind::Io`] error is one line, `error: MESSAGE`: its message
    /// already names the path.
    ///
    /// ```
    /// let src = "{a, b c}.\n";
    /// let e = erlterm::parse_str(src).unwrap_err();
    /// let text = e.render(src, "x.config");
    /// assert!(text.contains("x.config:1:7"), "{text}");
    /// assert!(text.contains("syntax error before: c"));
    /// ```
    pub fn render(&self, source: &str, origin: &str) -> String {
        let mut msg = self.kind.to_string();
        if let Some(exp) = &self.expected {
            msg.push_str(&format!(" (expected {exp})"));
        }
        if let ErrorKind::Io { message, .. } = &self.kind {
            return format!("error: {}\n", crate::diagnostic::escape_control(message));
        }
        crate::diagnostic::render(
            source,
            origin,
            self.span,
            crate::diagnostic::Severity::Error,
            None,
            &msg,
            self.help.as_deref(),
        )
    }
}

/// The text `erl_parse` prints for a token in "syntax error before: ...".
pub(crate) fn token_text(tok: &Tok<'_>) -> String {
    match tok {
        Tok::Atom(a) => write_atom(a, false),
        Tok::Kw(k) | Tok::Punct(k) => write_atom(k, true),
        Tok::PunctChar(c) => write_atom(c.encode_utf8(&mut [0u8; 4]), true),
        Tok::Var(v) => (*v).to_string(),
        Tok::Int(i) => i.to_string(),
        Tok::BigInt(b) => b.to_string(),
        Tok::Float(f) => crate::print::format_float(*f),
        Tok::Char(c) => {
            let mut s = String::from("$");
            match *c {
                32 => s.push_str("\\s"),
                c => push_escaped(&mut s, c, None),
            }
            s
        }
        Tok::Str(st) => {
            let mut s = String::from("\"");
            for c in st.chars() {
                push_escaped(&mut s, u32::from(c), Some('"'));
            }
            s.push('"');
            s
        }
        Tok::Dot => "'.'".into(),
        Tok::End => String::new(),
    }
}

/// `io_lib:write_atom/1` (Unicode flavour: characters >= 160 stay raw).
fn write_atom(name: &str, force_quotes: bool) -> String {
    let reserved = ["maybe", "else"].contains(&name);
    if !force_quotes && (!crate::print::atom_needs_quotes(name) || reserved) {
        return name.to_string();
    }
    let mut s = String::from("'");
    for c in name.chars() {
        push_escaped(&mut s, u32::from(c), Some('\''));
    }
    s.push('\'');
    s
}

/// One character as `io_lib` writes it inside quotes (Unicode mode).
fn push_escaped(s: &mut String, c: u32, quote: Option<char>) {
    let ch = char::from_u32(c).unwrap_or('\u{FFFD}');
    match c {
        _ if Some(ch) == quote => {
            s.push('\\');
            s.push(ch);
        }
        92 => s.push_str("\\\\"),
        10 => s.push_str("\\n"),
        13 => s.push_str("\\r"),
        9 => s.push_str("\\t"),
        11 => s.push_str("\\v"),
        8 => s.push_str("\\b"),
        12 => s.push_str("\\f"),
        27 => s.push_str("\\e"),
        127 => s.push_str("\\d"),
        32..=126 | 160.. => s.push(ch),
        _ => s.push_str(&format!("\\{c:03o}")),
    }
}
