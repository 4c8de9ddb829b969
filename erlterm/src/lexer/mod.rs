//! The scanner: characters to tokens, one term (up to its dot) at a time,
//! with `erl_scan`'s token rules, values and error lines (spec §3).
//!
//! The main loop walks bytes by hand for speed; numbers and escapes are
//! recognised with nom (see [`number`]). Tokens borrow from the input
//! whenever their value is a plain slice of it.

pub(crate) mod number;

use std::borrow::Cow;

use num_bigint::BigInt;

use crate::error::{Error, ErrorKind};
use crate::span::Span;
use number::{scan_number, Number, NumberError};

/// One token's category and value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok<'a> {
    /// An atom (bare or quoted) with its value.
    Atom(Cow<'a, str>),
    /// A variable name.
    Var(&'a str),
    /// An integer that fits `i64`.
    Int(i64),
    /// A larger integer.
    BigInt(Box<BigInt>),
    /// A float.
    Float(f64),
    /// A character literal's code point.
    Char(u32),
    /// A string literal's value.
    Str(Cow<'a, str>),
    /// A reserved word.
    Kw(&'static str),
    /// An ASCII punctuation or operator token.
    Punct(&'static str),
    /// A non-ASCII (or DEL) single-character punctuation token.
    PunctChar(char),
    /// The end-of-term dot.
    Dot,
    /// End of input without a dot (`'$end'`).
    End,
}

/// A token and where it is.
#[derive(Clone, Debug)]
pub(crate) struct Token<'a> {
    pub tok: Tok<'a>,
    pub span: Span,
}

const RESERVED: &[&str] = &[
    "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor", "case",
    "catch", "cond", "div", "end", "fun", "if", "let", "not", "of", "or", "orelse", "receive",
    "rem", "try", "when", "xor",
];

fn reserved(name: &str) -> Option<&'static str> {
    RESERVED.iter().copied().find(|&r| r == name)
}

/// Maximum characters in an atom or variable name.
const MAX_ATOM_CHARS: usize = 255;

/// How a term's token run ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum TermEnd {
    /// A dot token ends the term.
    Dot,
    /// End of input: the tokens (possibly none) end with `Tok::End`.
    Eof,
}

/// The scanner state over one decoded text.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: u32,
    line_start: usize,
    /// UTF-8 continuation bytes in `line_start..pos` (for columns).
    cont: u32,
    /// The text stops before invalid UTF-8: reaching its end is `invalid_unicode`.
    poisoned: bool,
    max_digits: usize,
    /// Byte ranges to pass over like whitespace, in order, each starting
    /// where a token would (see [`Lexer::skipping`]).
    skips: Vec<(usize, usize)>,
}

fn is_ws_byte(b: u8) -> bool {
    b <= b' '
}

fn is_name_ascii(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'@'
}

/// Whether U+00C0+`off` (second UTF-8 byte 0x80+off of lead 0xC3) is a name char.
fn is_latin1_letter(second: u8) -> bool {
    (0x80..=0xBF).contains(&second) && second != 0x97 && second != 0xB7
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str, poisoned: bool, max_digits: usize) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            pos: 0,
            line: 1,
            line_start: 0,
            cont: 0,
            poisoned,
            max_digits,
            skips: Vec::new(),
        }
    }

    /// A lexer starting at byte `pos` of `src`, which is at `line` and
    /// `column` (for reading one value in the middle of a text).
    pub(crate) fn at(src: &'a str, pos: usize, line: u32, column: u32, max_digits: usize) -> Self {
        let mut lexer = Lexer::new(src, false, max_digits);
        lexer.pos = pos;
        lexer.line = line;
        lexer.line_start = pos.saturating_sub(column.saturating_sub(1) as usize);
        lexer
    }

    /// Passes over `skips` (ordered byte ranges of already checked text,
    /// each starting at a token) as if they were whitespace, keeping lines
    /// and columns: how the full parser explains an error without reading
    /// again what the fast reader checked.
    pub(crate) fn skipping(mut self, mut skips: Vec<(usize, usize)>) -> Self {
        skips.reverse();
        self.skips = skips;
        self
    }

    /// Jumps over the range `start..end` (no token inside).
    pub(crate) fn jump(&mut self, end: usize) {
        let seg = self.bytes.get(self.pos..end).unwrap_or_default();
        let cont = |b: &[u8]| b.iter().filter(|&&c| c & 0xC0 == 0x80).count() as u32;
        match memchr::memrchr(b'\n', seg) {
            None => self.cont += cont(seg),
            Some(i) => {
                self.line += memchr::memchr_iter(b'\n', seg).count() as u32;
                self.line_start = self.pos + i + 1;
                self.cont = cont(seg.get(i + 1..).unwrap_or_default());
            }
        }
        self.pos = end;
    }

    /// Where the lexer is.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    fn col_at(&self, pos: usize) -> u32 {
        (pos - self.line_start) as u32 - self.cont + 1
    }

    fn span_from(&self, start: usize, line: u32, col: u32) -> Span {
        Span {
            start: start as u32,
            end: self.pos as u32,
            line,
            column: col,
        }
    }

    fn err(&self, kind: ErrorKind, start: usize, line: u32, col: u32) -> Error {
        Error {
            kind,
            span: Span {
                start: start as u32,
                end: (self.pos.max(start + 1)).min(self.bytes.len()) as u32,
                line,
                column: col,
            },
            expected: None,
            help: None,
        }
    }

    /// An illegal character at `pos`, on the current line.
    fn illegal_at(&self, pos: usize) -> Error {
        let mut e = self.err(
            ErrorKind::IllegalCharacter,
            pos,
            self.line,
            self.col_at(pos),
        );
        e.span.end = (pos + 3).min(self.bytes.len()) as u32;
        e
    }

    /// The `invalid_unicode` error, raised when the scanner needs a character
    /// at the end of a poisoned text.
    fn poison(&self) -> Error {
        let line = self.src.matches('\n').count() as u32 + 1;
        let last_nl = self.src.rfind('\n').map_or(0, |i| i + 1);
        Error {
            kind: ErrorKind::InvalidUnicode,
            span: Span {
                start: self.bytes.len() as u32,
                end: self.bytes.len() as u32,
                line,
                column: self.src[last_nl..].chars().count() as u32 + 1,
            },
            expected: None,
            help: Some("the file is read as UTF-8; add `%% coding: latin-1` on its first line if it is Latin-1".into()),
        }
    }

    fn check_eof(&self) -> Result<(), Error> {
        if self.poisoned && self.pos >= self.bytes.len() {
            Err(self.poison())
        } else {
            Ok(())
        }
    }

    fn newline(&mut self, at: usize) {
        self.line += 1;
        self.line_start = at + 1;
        self.cont = 0;
    }

    /// Advances over one character starting at `self.pos`, keeping line and
    /// column bookkeeping; returns it.
    fn bump_char(&mut self) -> Option<char> {
        let c = self.src[self.pos..].chars().next()?;
        let len = c.len_utf8();
        if c == '\n' {
            self.newline(self.pos);
        } else {
            self.cont += len as u32 - 1;
        }
        self.pos += len;
        Some(c)
    }

    /// Skips whitespace and comments. Returns an error for a character that
    /// is not allowed outside literals.
    fn skip_ws(&mut self) -> Result<(), Error> {
        let bytes = self.bytes;
        loop {
            let Some(&b) = bytes.get(self.pos) else {
                return self.check_eof();
            };
            if b == b'\n' {
                self.newline(self.pos);
                self.pos += 1;
            } else if is_ws_byte(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(&c) = bytes.get(self.pos) {
                    if c == b'\n' {
                        break;
                    }
                    if c & 0xC0 == 0x80 {
                        self.cont += 1;
                    } else if noncharacter_at(bytes, self.pos) {
                        return Err(self.illegal_at(self.pos));
                    }
                    self.pos += 1;
                }
            } else if b == 0xC2 && bytes.get(self.pos + 1).is_some_and(|&c| c <= 0xA0) {
                // U+0080..U+00A0 are whitespace.
                self.pos += 2;
                self.cont += 1;
            } else if let Some(&(start, end)) = self.skips.last().filter(|s| s.0 <= self.pos) {
                self.skips.pop();
                if start == self.pos {
                    self.jump(end);
                }
            } else {
                return Ok(());
            }
        }
    }

    /// Scans the tokens of the next term into `out` (cleared first), ending
    /// with a `Dot` or `End` token. Returns `None` at end of input when no
    /// token is pending.
    pub(crate) fn next_term(&mut self, out: &mut Vec<Token<'a>>) -> Result<Option<TermEnd>, Error> {
        out.clear();
        loop {
            self.skip_ws()?;
            let Some(&first) = self.bytes.get(self.pos) else {
                if out.is_empty() {
                    return Ok(None);
                }
                let last = out.last().map(|t| t.span).unwrap_or_default();
                out.push(Token {
                    tok: Tok::End,
                    span: Span {
                        start: last.end,
                        end: last.end,
                        line: last.line,
                        column: last.column,
                    },
                });
                return Ok(Some(TermEnd::Eof));
            };
            let tok = self.token(first)?;
            let is_dot = tok.tok == Tok::Dot;
            out.push(tok);
            if is_dot {
                return Ok(Some(TermEnd::Dot));
            }
        }
    }

    /// Scans the next token alone, skipping the whitespace and comments
    /// before it (they lie between the previous token's end and this one's
    /// start). `Ok(None)` at end of input. Repeated calls see exactly the
    /// tokens that [`Lexer::next_term`] groups into terms (without `End`).
    pub(crate) fn next_token(&mut self) -> Result<Option<Token<'a>>, Error> {
        self.skip_ws()?;
        match self.bytes.get(self.pos) {
            None => Ok(None),
            Some(&b) => self.token(b).map(Some),
        }
    }

    /// Scans one token at `self.pos`, whose first byte is `b` (not
    /// whitespace).
    fn token(&mut self, b: u8) -> Result<Token<'a>, Error> {
        let start = self.pos;
        let line = self.line;
        let col = self.col_at(start);
        let tok = match b {
            b'a'..=b'z' => self.name(start, line, col, true)?,
            b'A'..=b'Z' | b'_' => self.name(start, line, col, false)?,
            b'0'..=b'9' => self.number(start, line, col)?,
            b'"' => Tok::Str(self.quoted(b'"', start, line, col)?),
            b'\'' => {
                let s = self.quoted(b'\'', start, line, col)?;
                if s.chars().count() > MAX_ATOM_CHARS {
                    return Err(self.err(ErrorKind::IllegalAtom, start, line, col));
                }
                Tok::Atom(s)
            }
            b'$' => self.char_literal(start, line, col)?,
            b'.' => self.dot()?,
            0x80.. => self.non_ascii(b, start, line, col)?,
            _ => self.punct(b)?,
        };
        Ok(Token {
            tok,
            span: self.span_from(start, line, col),
        })
    }

    /// `b` is the byte at `start`.
    fn non_ascii(&mut self, b: u8, start: usize, line: u32, col: u32) -> Result<Tok<'a>, Error> {
        if b == 0xC3 {
            let second = self.bytes.get(start + 1).copied().unwrap_or(0);
            // U+00DF..U+00FF except U+00F7 start atoms; U+00C0..U+00DE except U+00D7 variables.
            if is_latin1_letter(second) {
                return self.name(start, line, col, second >= 0x9F);
            }
        }
        let Some(c) = self.bump_char() else {
            return Err(self.err(ErrorKind::IllegalCharacter, start, line, col));
        };
        if u32::from(c) > 0xFF {
            return Err(self.err(ErrorKind::IllegalCharacter, start, line, col));
        }
        Ok(Tok::PunctChar(c))
    }

    fn name(&mut self, start: usize, line: u32, col: u32, atom: bool) -> Result<Tok<'a>, Error> {
        let bytes = self.bytes;
        let mut i = start;
        let mut chars = 0usize;
        let mut cont = 0u32;
        loop {
            match bytes.get(i) {
                Some(&c) if is_name_ascii(c) => i += 1,
                Some(0xC3) if bytes.get(i + 1).is_some_and(|&c| is_latin1_letter(c)) => {
                    i += 2;
                    cont += 1;
                }
                _ => break,
            }
            chars += 1;
        }
        self.pos = i;
        self.cont += cont;
        self.check_eof()?;
        let text = &self.src[start..i];
        if chars > MAX_ATOM_CHARS {
            let kind = if atom {
                ErrorKind::IllegalAtom
            } else {
                ErrorKind::IllegalVar
            };
            return Err(self.err(kind, start, line, col));
        }
        if !atom {
            return Ok(Tok::Var(text));
        }
        Ok(match reserved(text) {
            Some(kw) => Tok::Kw(kw),
            None => Tok::Atom(Cow::Borrowed(text)),
        })
    }

    fn number(&mut self, start: usize, line: u32, col: u32) -> Result<Tok<'a>, Error> {
        let Some(input) = self.bytes.get(start..) else {
            return Err(self.err(ErrorKind::IllegalInteger, start, line, col));
        };
        match scan_number(input, self.max_digits) {
            Ok((n, len)) => {
                self.pos = start + len;
                self.check_eof()?;
                Ok(match n {
                    Number::Small(v) => Tok::Int(v),
                    Number::Big(b) => Tok::BigInt(Box::new(b)),
                    Number::Float(f) => Tok::Float(f),
                })
            }
            Err((e, len)) => {
                self.pos = start + len;
                let kind = match e {
                    NumberError::Integer => ErrorKind::IllegalInteger,
                    NumberError::Float => ErrorKind::IllegalFloat,
                    NumberError::Base(b) => match u64::try_from(&b) {
                        Ok(v) => ErrorKind::Base(v),
                        Err(_) => ErrorKind::HugeBase(b.to_string()),
                    },
                    NumberError::TooLong => ErrorKind::Limit(format!(
                        "integer literal with more than {} digits (ParseOptions::max_integer_digits)",
                        self.max_digits
                    )),
                };
                Err(self.err(kind, start, line, col))
            }
        }
    }

    fn dot(&mut self) -> Result<Tok<'a>, Error> {
        let bytes = self.bytes;
        let next = bytes.get(self.pos + 1).copied();
        match next {
            None => {
                self.pos += 1;
                self.check_eof()?;
                Ok(Tok::Dot)
            }
            Some(c) if is_ws_byte(c) || c == b'%' => {
                self.pos += 1;
                Ok(Tok::Dot)
            }
            Some(0xC2) if bytes.get(self.pos + 2).is_some_and(|&c| c <= 0xA0) => {
                self.pos += 1;
                Ok(Tok::Dot)
            }
            Some(b'.') => {
                if bytes.get(self.pos + 2) == Some(&b'.') {
                    self.pos += 3;
                    Ok(Tok::Punct("..."))
                } else {
                    self.pos += 2;
                    self.check_eof()?;
                    Ok(Tok::Punct(".."))
                }
            }
            Some(_) => {
                self.pos += 1;
                Ok(Tok::Punct("."))
            }
        }
    }

    fn punct(&mut self, b: u8) -> Result<Tok<'a>, Error> {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let at = |i: usize| rest.get(i).copied();
        let (sym, len): (&'static str, usize) = match (b, at(1), at(2)) {
            (b'=', Some(b':'), Some(b'=')) => ("=:=", 3),
            (b'=', Some(b'/'), Some(b'=')) => ("=/=", 3),
            (b'=', Some(b'<'), _) => ("=<", 2),
            (b'=', Some(b'>'), _) => ("=>", 2),
            (b'=', Some(b'='), _) => ("==", 2),
            (b'<', Some(b'<'), _) => ("<<", 2),
            (b'<', Some(b'-'), _) => ("<-", 2),
            (b'<', Some(b'='), _) => ("<=", 2),
            (b'>', Some(b'>'), _) => (">>", 2),
            (b'>', Some(b'='), _) => (">=", 2),
            (b'-', Some(b'>'), _) => ("->", 2),
            (b'-', Some(b'-'), _) => ("--", 2),
            (b'+', Some(b'+'), _) => ("++", 2),
            (b'/', Some(b'='), _) => ("/=", 2),
            (b'|', Some(b'|'), _) => ("||", 2),
            (b':', Some(b'='), _) => (":=", 2),
            (b':', Some(b':'), _) => ("::", 2),
            (b'?', Some(b'='), _) => ("?=", 2),
            _ => match single_punct(b) {
                Some(s) => (s, 1),
                None => {
                    self.pos += 1;
                    return Ok(Tok::PunctChar(char::from(b)));
                }
            },
        };
        self.pos += len;
        // Operators that could continue need one character of look-ahead.
        if matches!(
            b,
            b'=' | b'<' | b'>' | b'-' | b'+' | b'/' | b'|' | b':' | b'?'
        ) {
            self.check_eof()?;
        }
        Ok(Tok::Punct(sym))
    }

    /// Reads one escape sequence after a `\` at `self.pos` (already past the
    /// backslash). `Ok(None)` means end of input.
    pub(crate) fn escape(&mut self) -> Result<Option<u32>, Error> {
        let start = self.pos;
        let line = self.line;
        let col = self.col_at(start);
        let rest = &self.src[self.pos..];
        let Some(c) = rest.chars().next() else {
            self.check_eof()?;
            return Ok(None);
        };
        let illegal = |lx: &Self| lx.err(ErrorKind::IllegalCharacter, start, line, col);
        let (value, len) = match c {
            '0'..='7' => {
                let (_, digits) = number::octal_digits(rest).map_err(|_| illegal(self))?;
                let v = u32::from_str_radix(digits, 8).map_err(|_| illegal(self))?;
                // An octal run ending the text needs look-ahead.
                self.pos += digits.len();
                if digits.len() < 3 {
                    self.check_eof()?;
                }
                return Ok(Some(v));
            }
            'x' => {
                let after = &rest[1..];
                if let Some(body) = after.strip_prefix('{') {
                    let end = body
                        .find(|ch: char| !ch.is_ascii_hexdigit())
                        .unwrap_or(body.len());
                    if end == 0 || !body[end..].starts_with('}') {
                        self.pos += 2 + end;
                        self.check_eof()?;
                        return Err(illegal(self));
                    }
                    let v = u32::from_str_radix(&body[..end], 16).unwrap_or(u32::MAX);
                    let ok = v < 0xD800
                        || (0xE000..0xFFFE).contains(&v)
                        || (0x10000..=0x10FFFF).contains(&v);
                    self.pos += 3 + end;
                    if !ok {
                        return Err(illegal(self));
                    }
                    (v, 0)
                } else {
                    match number::two_hex(after) {
                        Ok((_, hex)) => (u32::from_str_radix(hex, 16).unwrap_or(0), 3),
                        Err(_) => {
                            self.pos += 1 + after.len().min(1);
                            self.check_eof()?;
                            return Err(illegal(self));
                        }
                    }
                }
            }
            '^' => match rest[1..].chars().next() {
                Some(ch) => {
                    self.pos += 1;
                    self.bump_char();
                    return Ok(Some(u32::from(ch) & 31));
                }
                None => {
                    self.pos += 1;
                    self.check_eof()?;
                    return Ok(None);
                }
            },
            'b' => (8, 1),
            'd' => (127, 1),
            'e' => (27, 1),
            'f' => (12, 1),
            'n' => (10, 1),
            'r' => (13, 1),
            's' => (32, 1),
            't' => (9, 1),
            'v' => (11, 1),
            _ if noncharacter_at(self.bytes, self.pos) => return Err(illegal(self)),
            _ => {
                self.bump_char();
                return Ok(Some(u32::from(c)));
            }
        };
        self.pos += len;
        Ok(Some(value))
    }

    /// Scans a string or quoted atom body; `self.pos` is at the opening quote.
    fn quoted(
        &mut self,
        quote: u8,
        start: usize,
        line: u32,
        col: u32,
    ) -> Result<Cow<'a, str>, Error> {
        let bytes = self.bytes;
        self.pos += 1;
        let body_start = self.pos;
        // Fast path: no escapes.
        let mut i = self.pos;
        while let Some(&c) = bytes.get(i) {
            if c == quote {
                let s = &self.src[body_start..i];
                self.pos = i + 1;
                return Ok(Cow::Borrowed(s));
            }
            if c == b'\\' {
                break;
            }
            if c == b'\n' {
                self.newline(i);
            } else if c & 0xC0 == 0x80 {
                self.cont += 1;
            } else if noncharacter_at(bytes, i) {
                self.pos = i;
                return Err(self.illegal_at(i));
            }
            i += 1;
        }
        let mut out = String::from(&self.src[body_start..i]);
        self.pos = i;
        loop {
            let Some(&c) = bytes.get(self.pos) else {
                self.check_eof()?;
                let prefix: String = out.chars().take(16).collect();
                return Err(self.err(
                    ErrorKind::UnterminatedString {
                        quote: char::from(quote),
                        prefix,
                    },
                    start,
                    line,
                    col,
                ));
            };
            if c == quote {
                self.pos += 1;
                return Ok(Cow::Owned(out));
            }
            if c == b'\\' {
                self.pos += 1;
                match self.escape()? {
                    Some(v) => out.push(char::from_u32(v).unwrap_or('\u{FFFD}')),
                    None => continue,
                }
            } else if noncharacter_at(bytes, self.pos) {
                return Err(self.illegal_at(self.pos));
            } else if let Some(ch) = self.bump_char() {
                out.push(ch);
            }
        }
    }

    fn char_literal(&mut self, start: usize, line: u32, col: u32) -> Result<Tok<'a>, Error> {
        self.pos += 1;
        let Some(&b) = self.bytes.get(self.pos) else {
            self.check_eof()?;
            return Err(self.err(ErrorKind::Char, start, line, col));
        };
        if b == b'\\' {
            self.pos += 1;
            return match self.escape()? {
                Some(v) => Ok(Tok::Char(v)),
                None => Err(self.err(ErrorKind::Char, start, line, col)),
            };
        }
        if noncharacter_at(self.bytes, self.pos) {
            return Err(self.illegal_at(self.pos));
        }
        let c = self
            .bump_char()
            .ok_or_else(|| self.err(ErrorKind::Char, start, line, col))?;
        Ok(Tok::Char(u32::from(c)))
    }
}

/// Whether the UTF-8 bytes at `i` encode U+FFFE or U+FFFF: valid UTF-8,
/// but OTP's scanner (its `?UNICODE` guard) does not take them for
/// characters, and rejects them anywhere, comments included.
pub(crate) fn noncharacter_at(bytes: &[u8], i: usize) -> bool {
    matches!(bytes.get(i..i + 3), Some([0xEF, 0xBF, 0xBE | 0xBF]))
}

fn single_punct(b: u8) -> Option<&'static str> {
    Some(match b {
        b',' => ",",
        b'(' => "(",
        b')' => ")",
        b'{' => "{",
        b'}' => "}",
        b'[' => "[",
        b']' => "]",
        b';' => ";",
        b'=' => "=",
        b':' => ":",
        b'|' => "|",
        b'#' => "#",
        b'/' => "/",
        b'?' => "?",
        b'-' => "-",
        b'+' => "+",
        b'*' => "*",
        b'<' => "<",
        b'>' => ">",
        b'!' => "!",
        b'@' => "@",
        b'\\' => "\\",
        b'^' => "^",
        b'`' => "`",
        b'~' => "~",
        b'&' => "&",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]
    use super::*;

    fn toks(s: &str) -> Vec<Tok<'_>> {
        let mut lx = Lexer::new(s, false, 10_000);
        let mut out = Vec::new();
        let mut all = Vec::new();
        while lx.next_term(&mut out).expect("scan").is_some() {
            all.extend(out.drain(..).map(|t| t.tok));
        }
        all
    }

    #[test]
    fn basic_tokens() {
        assert_eq!(
            toks("{a, 'B', X, 1, $a, \"s\"}."),
            vec![
                Tok::Punct("{"),
                Tok::Atom("a".into()),
                Tok::Punct(","),
                Tok::Atom("B".into()),
                Tok::Punct(","),
                Tok::Var("X"),
                Tok::Punct(","),
                Tok::Int(1),
                Tok::Punct(","),
                Tok::Char(97),
                Tok::Punct(","),
                Tok::Str("s".into()),
                Tok::Punct("}"),
                Tok::Dot
            ]
        );
        assert_eq!(
            toks("a.b."),
            vec![
                Tok::Atom("a".into()),
                Tok::Punct("."),
                Tok::Atom("b".into()),
                Tok::Dot
            ]
        );
        assert_eq!(toks("--1"), vec![Tok::Punct("--"), Tok::Int(1), Tok::End]);
        assert_eq!(toks("end"), vec![Tok::Kw("end"), Tok::End]);
        assert_eq!(
            toks("été÷"),
            vec![Tok::Atom("été".into()), Tok::PunctChar('÷'), Tok::End]
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            toks(r#""\0\7\10\101\1011\777\8\9\x41\x{1F600}\^a\s""#)[0],
            Tok::Str("\0\u{7}\u{8}AA1\u{1FF}89A\u{1F600}\u{1} ".into())
        );
    }
}
