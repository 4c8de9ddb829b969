//! A lossless token stream: every file the scanner accepts, kept byte for
//! byte.
//!
//! [`Document`](super::Document) needs a file of terms. Many Erlang files
//! next to them only *scan*: `.appup.src` and `*.config.script` files are
//! Erlang expressions with variables and calls, rebar templates hold
//! `{{placeholders}}`, and some files are simply syntax errors. [`Tokens`]
//! reads all of them with the same scanner as [`crate::parse_str`] (OTP's
//! `erl_scan` rules), so it fails only where `file:consult/1` would fail
//! while *scanning*: an illegal character, an unterminated string or quoted
//! atom, a bad escape or `$` literal, an illegal integer, float or base, an
//! over-long atom, or (for [`Tokens::parse_bytes`]) invalid UTF-8.
//!
//! Each [`Token`] has its [`TokenKind`], its exact source text, its
//! [`Span`] and the whitespace and comments before it (`leading`); what
//! follows the last token is [`Tokens::trailing`]. Printing the stream
//! (`Display`, [`Tokens::as_str`], [`Tokens::to_bytes`]) gives the input
//! back byte for byte.
//!
//! ```
//! use erlterm::document::{TokenKind, Tokens};
//! let src = "%% appup\n{\"1.1\", [{\"1.0\", [{load_module, M}]}], % up\n [] }.\n";
//! let toks = Tokens::parse(src).unwrap();
//! assert_eq!(toks.to_string(), src);
//!
//! let first = toks.get(0).unwrap();
//! assert_eq!((first.kind, first.text, first.leading), (TokenKind::Punct, "{", "%% appup\n"));
//! let var = toks.iter().find(|t| t.kind == TokenKind::Var).unwrap();
//! assert_eq!((var.text, var.span.line, var.span.column), ("M", 2, 33));
//! assert_eq!(toks.iter().last().unwrap().kind, TokenKind::Dot);
//! assert_eq!(toks.trailing(), "\n");
//!
//! let comments: Vec<&str> = toks.comments().map(|c| c.text).collect();
//! assert_eq!(comments, ["%% appup", "% up"]);
//!
//! // Not a term (a variable), but it scans:
//! assert!(erlterm::parse_str(src).is_err());
//! // Scan errors are the parser's own:
//! let e = Tokens::parse("{a, \"open}.").unwrap_err();
//! assert_eq!(e, erlterm::parse_str("{a, \"open}.").unwrap_err());
//! ```

use std::fmt;

use crate::encoding::{self, Encoding};
use crate::error::{Error, ErrorKind};
use crate::lexer::{Lexer, Tok};
use crate::options::ParseOptions;
use crate::span::Span;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenKind {
    /// An atom, bare (`ok`) or quoted (`'Ok'`).
    Atom,
    /// A variable (`Vsn`, `_`, `_Ignored`).
    Var,
    /// An integer (`42`, `16#ff`, `1_000`).
    Integer,
    /// A float (`1.5`, `2.0e-3`).
    Float,
    /// A character literal (`$a`, `$\n`).
    Char,
    /// A string literal (one of possibly several adjacent ones).
    String,
    /// A reserved word (`fun`, `end`, `case`, `when`, `div`...).
    Keyword,
    /// Punctuation or an operator (`{`, `->`, `=:=`, `#`, `.` before a
    /// non-blank, ...).
    Punct,
    /// The dot that ends a form: `.` followed by whitespace, `%` or the end.
    Dot,
}

/// One token, borrowed from its [`Tokens`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'t> {
    /// What the token is.
    pub kind: TokenKind,
    /// Its source text, exactly as written (`'a b'`, `16#FF`, `"\x41"`).
    pub text: &'t str,
    /// The whitespace and comments between the previous token (or the
    /// start of the text) and this one.
    pub leading: &'t str,
    /// Where [`Token::text`] is.
    pub span: Span,
}

/// A `%` comment, up to (not including) its newline; in a CRLF file the
/// `\r` belongs to the comment, as for the scanner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment<'t> {
    /// The comment's text, starting with `%`.
    pub text: &'t str,
    /// Where it is.
    pub span: Span,
}

#[derive(Clone, Debug)]
struct Lexeme {
    kind: TokenKind,
    span: Span,
    /// Byte offset where the leading trivia start.
    lead: u32,
}

/// Every token of a text that scans, with the whitespace and comments
/// between them, for lossless reading of files that are not (all) terms.
///
/// ```
/// use erlterm::document::{TokenKind, Tokens};
/// let src = "%% appup\n{\"1.1\", [{\"1.0\", [{load_module, M}]}], % up\n [] }.\n";
/// let toks = Tokens::parse(src).unwrap();
/// assert_eq!(toks.to_string(), src);
///
/// let first = toks.get(0).unwrap();
/// assert_eq!((first.kind, first.text, first.leading), (TokenKind::Punct, "{", "%% appup\n"));
/// let var = toks.iter().find(|t| t.kind == TokenKind::Var).unwrap();
/// assert_eq!((var.text, var.span.line, var.span.column), ("M", 2, 33));
/// assert_eq!(toks.iter().last().unwrap().kind, TokenKind::Dot);
/// assert_eq!(toks.trailing(), "\n");
///
/// let comments: Vec<&str> = toks.comments().map(|c| c.text).collect();
/// assert_eq!(comments, ["%% appup", "% up"]);
///
/// // Not a term (a variable), but it scans:
/// assert!(erlterm::parse_str(src).is_err());
/// // Scan errors are the parser's own:
/// let e = Tokens::parse("{a, \"open}.").unwrap_err();
/// assert_eq!(e, erlterm::parse_str("{a, \"open}.").unwrap_err());
/// ```
#[derive(Clone, Debug)]
pub struct Tokens {
    text: String,
    encoding: Encoding,
    toks: Vec<Lexeme>,
    comments: Vec<Span>,
}

impl Tokens {
    /// Scans a UTF-8 text. Fails only with a scan error, the same error
    /// [`crate::parse_str`] reports when it reaches that place.
    pub fn parse(src: &str) -> Result<Tokens, Error> {
        Tokens::parse_with(src, &ParseOptions::default())
    }

    /// [`Tokens::parse`] with explicit limits (input size and integer
    /// digits apply; nesting does not, tokens are flat).
    pub fn parse_with(src: &str, opts: &ParseOptions) -> Result<Tokens, Error> {
        Tokens::scan(src, false, opts, Encoding::Utf8)
    }

    /// Scans the raw bytes of a file with `%% coding: latin-1` detection, as
    /// [`crate::parse_bytes`]; invalid UTF-8 is the `invalid_unicode` error
    /// at the same place. Spans index the decoded text ([`Tokens::as_str`]);
    /// [`Tokens::to_bytes`] gives the input bytes back.
    ///
    /// ```
    /// use erlterm::document::{TokenKind, Tokens};
    /// let bytes = b"%% coding: latin-1\nName = \"Jos\xE9\".\n";
    /// let toks = Tokens::parse_bytes(bytes).unwrap();
    /// assert_eq!(toks.to_bytes(), bytes);
    /// assert_eq!(toks.get(2).unwrap().text, "\"Jos\u{e9}\"");
    /// assert!(Tokens::parse_bytes(b"a.\n\"\xE9\".").is_err());
    /// ```
    pub fn parse_bytes(bytes: &[u8]) -> Result<Tokens, Error> {
        Tokens::parse_bytes_with(bytes, &ParseOptions::default())
    }

    /// [`Tokens::parse_bytes`] with explicit limits.
    pub fn parse_bytes_with(bytes: &[u8], opts: &ParseOptions) -> Result<Tokens, Error> {
        let (text, poisoned) = encoding::decode(bytes);
        Tokens::scan(&text, poisoned, opts, encoding::detect(bytes))
    }

    /// The tokens of a document's (already parsed) text.
    pub(super) fn from_document(
        text: &str,
        opts: &ParseOptions,
        encoding: Encoding,
    ) -> Result<Tokens, Error> {
        Tokens::scan(text, false, opts, encoding)
    }

    fn scan(
        src: &str,
        poisoned: bool,
        opts: &ParseOptions,
        encoding: Encoding,
    ) -> Result<Tokens, Error> {
        if src.len() > opts.max_input_bytes {
            return Err(error(
                ErrorKind::Limit(format!(
                    "input of {} bytes exceeds {} bytes (ParseOptions::max_input_bytes)",
                    src.len(),
                    opts.max_input_bytes
                )),
                Span::default(),
            ));
        }
        let mut lexer = Lexer::new(src, poisoned, opts.max_integer_digits);
        let mut toks = Vec::new();
        let mut lead = 0u32;
        while let Some(t) = lexer.next_token()? {
            let kind = match t.tok {
                Tok::Atom(_) => TokenKind::Atom,
                Tok::Var(_) => TokenKind::Var,
                Tok::Int(_) | Tok::BigInt(_) => TokenKind::Integer,
                Tok::Float(_) => TokenKind::Float,
                Tok::Char(_) => TokenKind::Char,
                Tok::Str(_) => TokenKind::String,
                Tok::Kw(_) => TokenKind::Keyword,
                Tok::Punct(_) | Tok::PunctChar(_) => TokenKind::Punct,
                Tok::Dot | Tok::End => TokenKind::Dot,
            };
            toks.push(Lexeme {
                kind,
                span: t.span,
                lead,
            });
            lead = t.span.end;
        }
        if poisoned {
            // The scanner always reports a text that stops early; keep the
            // promise even if it did not.
            return Err(error(ErrorKind::InvalidUnicode, Span::default()));
        }
        let comments = find_comments(src, &toks);
        Ok(Tokens {
            text: src.to_owned(),
            encoding,
            toks,
            comments,
        })
    }

    /// The text (decoded: for a latin-1 file each byte is one character).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The file's bytes, in its encoding: the input of
    /// [`Tokens::parse_bytes`] exactly.
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::encode(&self.text, self.encoding)
    }

    /// The encoding the text was read with.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// Whether there are no tokens (only whitespace and comments).
    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// The token at `index`.
    pub fn get(&self, index: usize) -> Option<Token<'_>> {
        self.toks.get(index).map(|l| self.view(l))
    }

    /// The tokens in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Token<'_>> + '_ {
        self.toks.iter().map(|l| self.view(l))
    }

    /// The whitespace and comments after the last token (the whole text
    /// when there are no tokens).
    pub fn trailing(&self) -> &str {
        let from = self.toks.last().map_or(0, |l| l.span.end as usize);
        self.text.get(from..).unwrap_or_default()
    }

    /// Every `%` comment, in order.
    pub fn comments(&self) -> impl ExactSizeIterator<Item = Comment<'_>> + '_ {
        self.comments.iter().map(|&span| Comment {
            text: self.text.get(span.range()).unwrap_or_default(),
            span,
        })
    }

    fn view(&self, l: &Lexeme) -> Token<'_> {
        Token {
            kind: l.kind,
            text: self.text.get(l.span.range()).unwrap_or_default(),
            leading: self
                .text
                .get(l.lead as usize..l.span.start as usize)
                .unwrap_or_default(),
            span: l.span,
        }
    }
}

impl fmt::Display for Tokens {
    /// The input text, byte for byte.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl<'t> IntoIterator for &'t Tokens {
    type Item = Token<'t>;
    type IntoIter = Box<dyn ExactSizeIterator<Item = Token<'t>> + 't>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

fn error(kind: ErrorKind, span: Span) -> Error {
    Error {
        kind,
        span,
        expected: None,
        help: None,
    }
}

/// The comments in the gaps between tokens (the gaps hold only whitespace
/// and comments, so every `%` there starts one), with lines and columns.
fn find_comments(src: &str, toks: &[Lexeme]) -> Vec<Span> {
    let bytes = src.as_bytes();
    let gaps = toks
        .iter()
        .map(|l| (l.lead as usize, l.span.start as usize))
        .chain(std::iter::once((
            toks.last().map_or(0, |l| l.span.end as usize),
            src.len(),
        )));
    let mut out = Vec::new();
    // Line bookkeeping: `line` is the line at byte `at`, starting at `line_start`.
    let (mut at, mut line, mut line_start) = (0usize, 1u32, 0usize);
    for (from, to) in gaps {
        let mut i = from;
        while i < to {
            let Some(rel) = bytes
                .get(i..to)
                .and_then(|g| g.iter().position(|&b| b == b'%'))
            else {
                break;
            };
            let start = i + rel;
            let end = bytes
                .get(start..to)
                .and_then(|g| g.iter().position(|&b| b == b'\n'))
                .map_or(to, |n| start + n);
            for (k, &b) in bytes.get(at..start).unwrap_or_default().iter().enumerate() {
                if b == b'\n' {
                    line += 1;
                    line_start = at + k + 1;
                }
            }
            at = start;
            let column = src.get(line_start..start).map_or(0, |s| s.chars().count()) as u32 + 1;
            out.push(Span {
                start: start as u32,
                end: end as u32,
                line,
                column,
            });
            i = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_trivia() {
        let src = "X = fun() -> 1.5 end. % c\n";
        let t = Tokens::parse(src).unwrap();
        let kinds: Vec<_> = t.iter().map(|t| t.kind).collect();
        use TokenKind::*;
        assert_eq!(
            kinds,
            [Var, Punct, Keyword, Punct, Punct, Punct, Float, Keyword, Dot]
        );
        assert_eq!(t.trailing(), " % c\n");
        let c: Vec<_> = t.comments().collect();
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].text, c[0].span.line, c[0].span.column),
            ("% c", 1, 23)
        );
    }
}
