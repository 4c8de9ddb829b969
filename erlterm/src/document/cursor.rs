//! Reading a few values of a large term file without building the rest:
//! a forward-only [`Cursor`] over the values of a checked text, which
//! walks tuples and lists token by token and builds a [`Node`] only for
//! the values asked for; and [`replace_values`], which splices new values
//! into the file's bytes by their spans and checks the result.
//!
//! A [`Document`](super::Document) keeps the spanned tree of the whole
//! file (48 bytes per value: 24 times the text of a list of one-letter
//! atoms). Finding the `vsn` of an `.app.src` whose `modules` list holds
//! a million names needs none of it: the cursor keeps only the tokens it
//! looks ahead at, and the text is checked first, as
//! [`crate::parse_str`] checks it, without building anything.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::ops::ControlFlow;

use crate::encoding::{self, Encoding};
use crate::error::{Error, ErrorKind};
use crate::lexer::{Lexer, Tok, Token};
use crate::node::Node;
use crate::options::ParseOptions;
use crate::parser::build::{NoBuild, NodeBuild};
use crate::span::Span;
use crate::term::Term;

use super::error::EditError;
use super::write;

/// What a value is, as far as a [`Cursor`] walks into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Shape {
    /// A tuple `{...}` (possibly in parentheses).
    Tuple,
    /// A list written with brackets `[...]` (possibly in parentheses); a
    /// string literal is [`Shape::Other`], as [`Node::as_list`] sees it.
    List,
    /// Anything else: an atom, a number, a string, a map, a binary, a fun.
    Other,
}

/// A forward-only walk over the top-level values of a text that
/// [`crate::parse_str`] accepts, building nothing but what is asked for
/// ([`Value::node`]). Memory is the tokens looked ahead at (a few) and the
/// nodes built.
///
/// Finding the `vsn` of an `.app.src` and replacing it, keeping the
/// comments:
///
/// ```
/// use std::ops::ControlFlow;
/// use erlterm::document::{replace_values, Cursor, Shape};
/// let src = "%% app\n{application, a,\n [{modules, [a, b, c]}, {vsn, \"1.0\"} % v\n]}.\n";
/// let mut cur = Cursor::new(src).unwrap();
/// let mut vsn = None;
/// let term = cur.next_term().unwrap();
/// term.items(|i, item| {
///     if i < 2 {
///         return ControlFlow::Continue(()); // the tag and the name: skipped
///     }
///     item.items(|_, pair| {
///         let mut key = None;
///         pair.items(|k, el| {
///             match k {
///                 0 => key = el.node().ok().and_then(|n| n.as_atom().map(str::to_owned)),
///                 1 if key.as_deref() == Some("vsn") => vsn = el.node().ok(),
///                 _ => {}
///             }
///             ControlFlow::Continue(())
///         });
///         if vsn.is_some() { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
///     });
///     ControlFlow::Break(())
/// });
/// let vsn = vsn.unwrap();
/// assert_eq!((vsn.as_string().as_deref(), vsn.span.line), (Some("1.0"), 3));
/// let new = replace_values(src.as_bytes(), &[(vsn.span, erlterm::Term::string("1.1"))]).unwrap();
/// assert_eq!(new, src.replace("1.0", "1.1").as_bytes());
/// ```
pub struct Cursor<'t> {
    text: &'t str,
    lexer: Lexer<'t>,
    ahead: VecDeque<Token<'t>>,
    opts: ParseOptions,
    /// The lexer failed (never on a checked text): every token is `End`.
    failed: bool,
    /// Where the last token read ends (the span of an `End`).
    last: Span,
}

/// One value under a [`Cursor`]: look at its [`Value::shape`], then build
/// it ([`Value::node`]), walk its elements ([`Value::items`]) or skip it.
/// A value dropped without being read is skipped.
pub struct Value<'c, 't> {
    cur: &'c mut Cursor<'t>,
    done: bool,
}

/// Checks `text` as [`crate::parse_with`] does, building nothing; the
/// number of terms.
fn check_text(text: &str, poisoned: bool, opts: &ParseOptions) -> Result<usize, Error> {
    if crate::fast_path_applies(text, poisoned, opts) {
        if let Some(n) = crate::fast::validate(text, opts) {
            return Ok(n);
        }
    }
    let mut n = 0usize;
    crate::parse_full_text(text, poisoned, opts, || NoBuild, |()| n += 1)?;
    Ok(n)
}

/// The text of a term file's bytes (`%% coding: latin-1` detected as
/// [`crate::parse_bytes`] does; borrowed when the file is UTF-8), with its
/// encoding. Invalid UTF-8 is the error [`crate::parse_bytes`] reports
/// (a syntax error before it, or `invalid_unicode`).
///
/// ```
/// use erlterm::{document::decode, encoding::Encoding};
/// let (text, enc) = decode(b"%% coding: latin-1\n\"\xE9\".").unwrap();
/// assert_eq!((text.as_ref(), enc), ("%% coding: latin-1\n\"\u{e9}\".", Encoding::Latin1));
/// assert!(decode(b"a.\n\"\xE9\".").is_err());
/// ```
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Encoding), Error> {
    let (text, poisoned) = encoding::decode(bytes);
    if poisoned {
        let opts = ParseOptions::default();
        return Err(check_text(&text, true, &opts)
            .err()
            .unwrap_or_else(|| token_error(ErrorKind::InvalidUnicode, Span::default())));
    }
    Ok((text, encoding::detect(bytes)))
}

fn token_error(kind: ErrorKind, span: Span) -> Error {
    Error {
        kind,
        span,
        expected: None,
        help: None,
    }
}

fn is_punct(t: &Tok<'_>, p: &str) -> bool {
    matches!(t, Tok::Punct(q) if *q == p)
}

/// What a token does to the nesting of values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// `(`, `[`, `{`, `<<`.
    Open,
    /// `)`, `]`, `}`, `>>`.
    Close,
    /// Ends a value at its own level: `,`, `|`, `=>`, `:=`, the dot.
    Ends,
    /// Anything else.
    Inside,
}

/// The token's [`Role`] (matched on bytes: this runs once per token).
fn role(t: &Tok<'_>) -> Role {
    match t {
        Tok::Punct(p) => match p.as_bytes() {
            [b'(' | b'[' | b'{'] | [b'<', b'<'] => Role::Open,
            [b')' | b']' | b'}'] | [b'>', b'>'] => Role::Close,
            [b',' | b'|'] | [b'=', b'>'] | [b':', b'='] => Role::Ends,
            _ => Role::Inside,
        },
        Tok::Dot | Tok::End => Role::Ends,
        _ => Role::Inside,
    }
}

/// Tokens that end a value at its own nesting level.
fn ends_value(t: &Tok<'_>) -> bool {
    matches!(role(t), Role::Close | Role::Ends)
}

impl<'t> Cursor<'t> {
    /// A cursor before the first term of `text`, which is checked first
    /// (the error is the one [`crate::parse_str`] gives).
    ///
    /// ```
    /// use erlterm::document::Cursor;
    /// assert!(Cursor::new("{a, [b]}. c.").is_ok());
    /// assert_eq!(Cursor::new("{a b}.").err(), erlterm::parse_str("{a b}.").err());
    /// ```
    pub fn new(text: &'t str) -> Result<Cursor<'t>, Error> {
        Cursor::with_options(text, &ParseOptions::default())
    }

    /// [`Cursor::new`] with explicit limits (and bindings).
    pub fn with_options(text: &'t str, opts: &ParseOptions) -> Result<Cursor<'t>, Error> {
        check_text(text, false, opts)?;
        Ok(Cursor {
            text,
            lexer: Lexer::new(text, false, opts.max_integer_digits),
            ahead: VecDeque::new(),
            opts: opts.clone(),
            failed: false,
            last: Span::default(),
        })
    }

    /// The next top-level term (the rest of the previous one is skipped),
    /// or `None` after the last.
    ///
    /// ```
    /// use erlterm::document::Cursor;
    /// let mut cur = Cursor::new("a. %% c\n{b}.\n").unwrap();
    /// assert_eq!(cur.next_term().unwrap().node().unwrap().as_atom(), Some("a"));
    /// assert_eq!(cur.next_term().unwrap().node().unwrap().span.line, 2);
    /// assert!(cur.next_term().is_none());
    /// ```
    pub fn next_term(&mut self) -> Option<Value<'_, 't>> {
        // After a term: its dot.
        if matches!(self.peek(0), Tok::Dot) {
            self.bump();
        }
        if matches!(self.peek(0), Tok::End) {
            return None;
        }
        Some(Value {
            cur: self,
            done: false,
        })
    }

    /// Token `k` ahead (`End` past the end of the text).
    fn peek(&mut self, k: usize) -> &Tok<'t> {
        while self.ahead.len() <= k && !self.failed {
            match self.lexer.next_token() {
                Ok(Some(t)) => {
                    self.last = t.span;
                    self.ahead.push_back(t);
                }
                Ok(None) => break,
                Err(_) => self.failed = true,
            }
        }
        match self.ahead.get(k) {
            Some(t) => &t.tok,
            None => &Tok::End,
        }
    }

    /// Takes the next token (`End` at the end).
    fn bump(&mut self) -> Token<'t> {
        self.peek(0);
        self.ahead.pop_front().unwrap_or(Token {
            tok: Tok::End,
            span: Span {
                start: self.last.end,
                end: self.last.end,
                line: self.last.line,
                column: self.last.column,
            },
        })
    }

    /// Consumes one value without looking at its tokens: the tokens
    /// already looked ahead at, then the bytes of the text up to the token
    /// that ends the value ([`value_end`]), where the lexer goes on.
    fn skip_value(&mut self) {
        let mut depth = 0usize;
        while let Some(t) = self.ahead.pop_front() {
            match role(&t.tok) {
                Role::Open => depth += 1,
                Role::Close | Role::Ends if depth == 0 || matches!(t.tok, Tok::End | Tok::Dot) => {
                    self.ahead.push_front(t);
                    return;
                }
                Role::Close => depth -= 1,
                Role::Ends | Role::Inside => {}
            }
        }
        if self.failed {
            return;
        }
        let end = value_end(self.text.as_bytes(), self.lexer.pos(), depth);
        self.lexer.jump(end);
    }

    /// Consumes one value, handing its tokens to `keep`.
    fn take_value(&mut self, mut keep: impl FnMut(Token<'t>)) {
        let mut depth = 0usize;
        loop {
            // The look-ahead first, then straight from the lexer.
            let t = match self.ahead.pop_front() {
                Some(t) => t,
                None if self.failed => return,
                None => match self.lexer.next_token() {
                    Ok(Some(t)) => {
                        self.last = t.span;
                        t
                    }
                    Ok(None) => return,
                    Err(_) => {
                        self.failed = true;
                        return;
                    }
                },
            };
            match role(&t.tok) {
                Role::Open => depth += 1,
                Role::Close | Role::Ends if depth == 0 || matches!(t.tok, Tok::End | Tok::Dot) => {
                    self.ahead.push_front(t);
                    return;
                }
                Role::Close => depth -= 1,
                Role::Ends | Role::Inside => {}
            }
            keep(t);
        }
    }
}

impl<'t> Value<'_, 't> {
    /// Whether the value is a tuple, a list or something else (looking
    /// past opening parentheses).
    ///
    /// ```
    /// use erlterm::document::{Cursor, Shape};
    /// let mut cur = Cursor::new("({a}). [b]. \"c\". #{}.").unwrap();
    /// let shapes: Vec<Shape> = std::iter::from_fn(|| cur.next_term().map(|mut v| v.shape())).collect();
    /// assert_eq!(shapes, [Shape::Tuple, Shape::List, Shape::Other, Shape::Other]);
    /// ```
    pub fn shape(&mut self) -> Shape {
        if self.done {
            return Shape::Other;
        }
        let mut k = 0;
        while is_punct(self.cur.peek(k), "(") {
            k += 1;
        }
        match self.cur.peek(k) {
            Tok::Punct("{") => Shape::Tuple,
            Tok::Punct("[") => Shape::List,
            _ => Shape::Other,
        }
    }

    /// The name of the atom the value is (bare, quoted or in parentheses),
    /// looking ahead without reading it: `None` for anything else (a
    /// variable is not an atom here, even if the options bind it to one).
    ///
    /// ```
    /// use erlterm::document::Cursor;
    /// let mut cur = Cursor::new("('vsn'). vsn2. {vsn}. \"vsn\".").unwrap();
    /// let atoms: Vec<Option<String>> = std::iter::from_fn(|| cur.next_term().map(|mut v| v.atom())).collect();
    /// assert_eq!(atoms, [Some("vsn".into()), Some("vsn2".into()), None, None]);
    /// ```
    pub fn atom(&mut self) -> Option<String> {
        if self.done {
            return None;
        }
        let mut k = 0;
        while is_punct(self.cur.peek(k), "(") {
            k += 1;
        }
        let Tok::Atom(name) = self.cur.peek(k) else {
            return None;
        };
        let name = name.to_string();
        for j in 1..=k {
            if !is_punct(self.cur.peek(k + j), ")") {
                return None;
            }
        }
        ends_value(self.cur.peek(2 * k + 1)).then_some(name)
    }

    /// Builds the value, exactly as [`crate::parse_nodes`] would build it
    /// in its place (spans index the whole text). Memory is the value's
    /// tokens and its nodes.
    ///
    /// ```
    /// use erlterm::document::Cursor;
    /// let mut cur = Cursor::new("{a,\n  (\"1.\" \"0\")}.").unwrap();
    /// let mut found = None;
    /// cur.next_term().unwrap().items(|i, v| {
    ///     if i == 1 { found = v.node().ok(); }
    ///     std::ops::ControlFlow::Continue(())
    /// });
    /// let n = found.unwrap();
    /// assert_eq!((n.as_string().as_deref(), n.span.line, n.span.column), (Some("1.0"), 2, 4));
    /// ```
    ///
    /// # Errors
    /// None on a text the cursor checked, but for the depth limit when the
    /// value is read alone (the error [`crate::parse_nodes`] gives).
    pub fn node(mut self) -> Result<Node, Error> {
        self.done = true;
        let mut toks: Vec<Token<'t>> = Vec::new();
        self.cur.take_value(|t| toks.push(t));
        let end = toks.last().map(|t| t.span).unwrap_or(self.cur.last);
        toks.push(Token {
            tok: Tok::Dot,
            span: Span {
                start: end.end,
                end: end.end,
                line: end.line,
                column: end.column,
            },
        });
        crate::parser::parse_term_tokens(&toks, NodeBuild, &self.cur.opts)
    }

    /// Skips the value.
    pub fn skip(mut self) {
        self.done = true;
        self.cur.skip_value();
    }

    /// Walks the elements of a tuple or the items of a list (not its tail),
    /// in order, handing each to `each` with its position; `each` returns
    /// [`ControlFlow::Break`] to skip the rest. `None` (and the value
    /// skipped) when the value is neither; otherwise the number of
    /// elements handed to `each`.
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use erlterm::document::Cursor;
    /// let mut cur = Cursor::new("[a, {b, c} | d]. x.").unwrap();
    /// let mut seen = Vec::new();
    /// let n = cur.next_term().unwrap().items(|i, v| {
    ///     seen.push((i, v.node().unwrap().to_term().to_string()));
    ///     ControlFlow::Continue(())
    /// });
    /// assert_eq!(n, Some(2));
    /// assert_eq!(seen, [(0, "a".to_string()), (1, "{b,c}".to_string())]);
    /// assert_eq!(cur.next_term().unwrap().items(|_, _| ControlFlow::Continue(())), None);
    /// ```
    pub fn items(
        mut self,
        mut each: impl FnMut(usize, Value<'_, 't>) -> ControlFlow<()>,
    ) -> Option<usize> {
        let shape = self.shape();
        if shape == Shape::Other {
            return None;
        }
        self.done = true;
        let cur = &mut *self.cur;
        let mut parens = 0usize;
        while is_punct(cur.peek(0), "(") {
            cur.bump();
            parens += 1;
        }
        let close = if shape == Shape::Tuple { "}" } else { "]" };
        cur.bump(); // the opening bracket
        let mut n = 0usize;
        let mut stopped = false;
        loop {
            if is_punct(cur.peek(0), close) || matches!(cur.peek(0), Tok::End) {
                break;
            }
            let v = Value {
                cur: &mut *cur,
                done: false,
            };
            if stopped {
                v.skip();
            } else {
                n += 1;
                stopped = each(n - 1, v).is_break();
            }
            match cur.peek(0) {
                Tok::Punct(",") => {
                    cur.bump();
                }
                Tok::Punct("|") => {
                    cur.bump();
                    cur.skip_value();
                }
                _ => break,
            }
        }
        cur.bump(); // the closing bracket
                    // The closing parentheses (with anything the checked text cannot
                    // hold between them, skipped alike).
        while parens > 0 {
            cur.skip_value();
            if matches!(cur.peek(0), Tok::End) {
                break;
            }
            if is_punct(cur.peek(0), ")") {
                parens -= 1;
            }
            cur.bump();
        }
        Some(n)
    }
}

impl Drop for Value<'_, '_> {
    fn drop(&mut self) {
        if !self.done {
            self.done = true;
            self.cur.skip_value();
        }
    }
}

/// Where the value starting at or after byte `i` of a checked text ends:
/// the start of the token that ends it (`,`, `|`, `=>`, `:=`, a closing
/// bracket or the dot, at nesting `depth` 0) or the end of the text.
/// Reads bytes as the scanner does only as far as nesting and those
/// tokens go: strings, quoted atoms, character literals and comments are
/// passed over whole, multi-character operators taken as one.
fn value_end(b: &[u8], mut i: usize, mut depth: usize) -> usize {
    let at = |k: usize| b.get(k).copied();
    while let Some(c) = at(i) {
        let ends = depth == 0;
        match c {
            b'%' => {
                i = memchr::memchr(b'\n', b.get(i..).unwrap_or_default())
                    .map_or(b.len(), |k| i + k);
            }
            b'"' | b'\'' => {
                i += 1;
                while let Some(d) = at(i) {
                    i += match d {
                        b'\\' => 2,
                        _ if d == c => break,
                        _ => 1,
                    };
                }
                i += 1;
            }
            b'$' => {
                i += 1;
                if at(i) == Some(b'\\') {
                    i += 1;
                    match at(i) {
                        // `$\^X`: one more character.
                        Some(b'^') => i += 1,
                        // `$\x{...}`.
                        Some(b'x') if at(i + 1) == Some(b'{') => {
                            i = memchr::memchr(b'}', b.get(i..).unwrap_or_default())
                                .map_or(b.len(), |k| i + k);
                        }
                        _ => {}
                    }
                }
                // One character (digits or letters after it are harmless).
                i += match at(i) {
                    Some(0xF0..) => 4,
                    Some(0xE0..) => 3,
                    Some(0xC0..) => 2,
                    _ => 1,
                };
            }
            b'.' => match at(i + 1) {
                None | Some(b'%' | 0..=b' ') if ends => return i,
                Some(0xC2) if ends && at(i + 2).is_some_and(|d| d <= 0xA0) => return i,
                Some(b'.') => i += if at(i + 2) == Some(b'.') { 3 } else { 2 },
                _ => i += 1,
            },
            b'(' | b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b')' | b']' | b'}' if ends => return i,
            b')' | b']' | b'}' => {
                depth -= 1;
                i += 1;
            }
            b',' if ends => return i,
            _ => {
                // The scanner's multi-character operators, as one token.
                let (len, role) = match (c, at(i + 1), at(i + 2)) {
                    (b'=', Some(b':'), Some(b'=')) | (b'=', Some(b'/'), Some(b'=')) => {
                        (3, Role::Inside)
                    }
                    (b'=', Some(b'>'), _) | (b':', Some(b'='), _) => (2, Role::Ends),
                    (b'<', Some(b'<'), _) => (2, Role::Open),
                    (b'>', Some(b'>'), _) => (2, Role::Close),
                    (b'=', Some(b'<' | b'='), _)
                    | (b'<', Some(b'-' | b'='), _)
                    | (b'>', Some(b'='), _)
                    | (b'-', Some(b'>' | b'-'), _)
                    | (b'+', Some(b'+'), _)
                    | (b'/', Some(b'='), _)
                    | (b'|', Some(b'|'), _)
                    | (b':', Some(b':'), _)
                    | (b'?', Some(b'='), _) => (2, Role::Inside),
                    (b'|', ..) => (1, Role::Ends),
                    _ => (1, Role::Inside),
                };
                match role {
                    Role::Ends | Role::Close if ends => return i,
                    Role::Open => depth += 1,
                    Role::Close => depth -= 1,
                    Role::Ends | Role::Inside => {}
                }
                i += len;
            }
        }
    }
    b.len()
}

/// Replaces values of a term file: each `(span, term)` puts `term`,
/// written readably (strings as `"..."`) in the file's encoding, where
/// the value at `span` (a span of the decoded text, as [`Cursor`] and
/// [`crate::parse_bytes_nodes`] give it) was; every other byte is kept.
/// The result is checked: it reads as as many terms as the input, and
/// each new value, read where it was put, is its term.
///
/// ```
/// use erlterm::{Term, document::replace_values};
/// let src = b"%% coding: latin-1\n{name, \"Jos\xE9\", \"1.0\"}. % v\n";
/// let nodes = erlterm::parse_bytes_nodes(src).unwrap();
/// let vsn = nodes[0].as_tuple().unwrap()[2].span;
/// let new = replace_values(src, &[(vsn, Term::string("1.1"))]).unwrap();
/// assert_eq!(new, b"%% coding: latin-1\n{name, \"Jos\xE9\", \"1.1\"}. % v\n");
/// ```
///
/// # Errors
/// [`EditError::Reparse`] when `bytes` do not read as terms,
/// [`EditError::NotFound`] for a span outside the text or overlapping
/// another, [`EditError::Mismatch`] when the result does not read back
/// as intended, [`EditError::TooDeep`] for a term too deep to write.
pub fn replace_values(bytes: &[u8], edits: &[(Span, Term)]) -> Result<Vec<u8>, EditError> {
    let (text, enc) = decode(bytes).map_err(EditError::Reparse)?;
    let opts = ParseOptions::default();
    let before = check_text(&text, false, &opts).map_err(EditError::Reparse)?;
    let mut order: Vec<&(Span, Term)> = edits.iter().collect();
    order.sort_by_key(|(s, _)| s.start);
    let not_found = |s: &Span| EditError::NotFound {
        path: format!("{}..{}", s.start, s.end),
        span: Some(*s),
    };
    // Byte offsets in `bytes` of decoded offsets (the same for UTF-8; one
    // byte per character for latin-1). The offsets asked for only grow:
    // the characters are counted from the previous one, once in all.
    let (mut counted_to, mut chars) = (0usize, 0usize);
    let mut byte_at = |pos: usize| -> Option<usize> {
        text.get(..pos)?;
        Some(match enc {
            Encoding::Utf8 => pos,
            Encoding::Latin1 => {
                if pos < counted_to {
                    (counted_to, chars) = (0, 0);
                }
                chars += text.get(counted_to..pos)?.chars().count();
                counted_to = pos;
                chars
            }
        })
    };
    // Each replacement: where it goes in `bytes`, its bytes, and where it
    // lands in the new decoded text.
    let mut pieces: Vec<(usize, usize, Vec<u8>)> = Vec::with_capacity(order.len());
    let mut placed: Vec<(usize, usize, &Term)> = Vec::with_capacity(order.len());
    let (mut shift, mut prev_end) = (0isize, 0usize);
    for (span, term) in order {
        let range = span.range();
        if range.start < prev_end || range.end < range.start {
            return Err(not_found(span));
        }
        let (Some(from), Some(to)) = (byte_at(range.start), byte_at(range.end)) else {
            return Err(not_found(span));
        };
        prev_end = range.end;
        let new = write::term_text(term, enc).ok_or(EditError::TooDeep(write::MAX_WRITE_DEPTH))?;
        let start = range.start as isize + shift;
        shift += new.len() as isize - (range.end - range.start) as isize;
        placed.push((start as usize, start as usize + new.len(), term));
        pieces.push((from, to, encoding::encode(&new, enc)));
    }
    // Allocated once, at its final size: no copy while it grows.
    let size = pieces
        .iter()
        .fold(bytes.len() as isize, |n, (from, to, new)| {
            n + new.len() as isize - (to - from) as isize
        });
    let mut out = Vec::with_capacity(size.max(0) as usize);
    let mut copied = 0usize;
    for (from, to, new) in &pieces {
        out.extend_from_slice(bytes.get(copied..*from).unwrap_or_default());
        out.extend_from_slice(new);
        copied = *to;
    }
    out.extend_from_slice(bytes.get(copied..).unwrap_or_default());
    drop(text);
    let (new_text, _) = decode(&out).map_err(EditError::Reparse)?;
    let after = check_text(&new_text, false, &opts).map_err(EditError::Reparse)?;
    if after != before {
        return Err(EditError::Mismatch {
            path: "the document".into(),
            found: format!("{after} terms instead of {before}"),
        });
    }
    // The edits are in text order: their lines and columns are counted
    // from the previous one, once in all.
    let mut at = TextPosition::default();
    for (start, end, term) in placed {
        at.advance(&new_text, start);
        let found = read_at(&new_text, start, end, at.line, at.column, &opts)?;
        if found != *term {
            return Err(EditError::Mismatch {
                path: format!("{start}..{end}"),
                found: found.to_string(),
            });
        }
    }
    drop(new_text);
    Ok(out)
}

/// A line and column (1-based, in characters) of a text, moved forward
/// over the text between the previous offset and the next.
struct TextPosition {
    offset: usize,
    line: u32,
    column: u32,
}

impl Default for TextPosition {
    fn default() -> TextPosition {
        TextPosition {
            offset: 0,
            line: 1,
            column: 1,
        }
    }
}

impl TextPosition {
    /// Moves to byte `to` of `text` (back to the start first if `to` is
    /// behind).
    fn advance(&mut self, text: &str, to: usize) {
        if to < self.offset {
            *self = TextPosition::default();
        }
        let seg = text.get(self.offset..to).unwrap_or_default();
        let count = |s: &str| u32::try_from(s.chars().count()).unwrap_or(u32::MAX);
        match memchr::memrchr(b'\n', seg.as_bytes()) {
            Some(last) => {
                let newlines = memchr::memchr_iter(b'\n', seg.as_bytes()).count();
                self.line = self
                    .line
                    .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
                self.column = 1 + count(seg.get(last + 1..).unwrap_or_default());
            }
            None => self.column = self.column.saturating_add(count(seg)),
        }
        self.offset = to;
    }
}

/// The value written at `start..end` of a checked text, read alone;
/// `start` is at `line` and `column`.
fn read_at(
    text: &str,
    start: usize,
    end: usize,
    line: u32,
    column: u32,
    opts: &ParseOptions,
) -> Result<Term, EditError> {
    let mut lexer = Lexer::at(text, start, line, column, opts.max_integer_digits);
    let mut toks = Vec::new();
    while lexer.pos() < end {
        match lexer.next_token() {
            Ok(Some(t)) if (t.span.end as usize) <= end => toks.push(t),
            Ok(_) => break,
            Err(e) => return Err(EditError::Reparse(e)),
        }
    }
    let last = toks.last().map(|t| t.span).unwrap_or_default();
    toks.push(Token {
        tok: Tok::Dot,
        span: Span {
            start: last.end,
            end: last.end,
            line: last.line,
            column: last.column,
        },
    });
    crate::parser::parse_term_tokens(&toks, NodeBuild, opts)
        .map(|n| n.to_term())
        .map_err(EditError::Reparse)
}
