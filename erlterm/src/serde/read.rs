//! A serde `Deserializer` that reads the text itself, token by token, as
//! `serde_json::Deserializer<StrRead>` does: no [`Term`] or [`Node`] tree
//! of the whole text, so peak memory is about the target value's own size.
//!
//! The semantics are those of the tree deserializer ([`super::de`]) over
//! [`crate::parse_nodes`], value for value and error for error:
//!
//! - Lists and tuples are read element by element; proplists (and the
//!   terms of a whole file, for [`super::from_str_all`]) key by key, the
//!   first occurrence of a key winning (later ones are skipped without
//!   being read), a bare atom meaning `{Key, true}`.
//! - Leaves (atoms, numbers, strings) become one small [`Node`] each and
//!   are read by the tree deserializer itself, so every scalar rule
//!   (ranges, `undefined`, char lists, atoms as strings...) is its rule.
//!   So are the rare constructs that need the full grammar (maps, binaries,
//!   funs, parentheses, `- 1`): their own text is parsed into a [`Node`].
//! - Shape errors that the tree deserializer finds before reading any
//!   element (a proplist element that is not `{Key, Value}`, a tuple of the
//!   wrong size) are found after the fact here: when reading fails or the
//!   shape turns out wrong, the container's text is scanned again (or
//!   parsed, for the error message) and the shape error wins, as it does
//!   on the tree. Error positions of containers are found the same way, so
//!   only failing reads pay for them.
//! - The caller validates the whole text first ([`crate::validate`]), so
//!   syntax errors are reported exactly as before; anything this reader
//!   did not expect is an internal error, on which the caller falls back
//!   to the tree.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;

use ::serde::de::{self, DeserializeSeed, Visitor};

use super::de::{describe, AtomKey, Deserializer, TrueDe, DEFAULT_MAX_DEPTH};
use super::error::{Error, ErrorKind, PathSegment};
use super::{write, MAGIC_ATOM, MAGIC_TERM};
use crate::lexer::{Lexer, Tok, Token};
use crate::node::{Node, NodeKind};
use crate::print::AtomText;
use crate::span::Span;
use crate::term::{Atom, Integer, Term, Text};

type Result<T> = std::result::Result<T, Error>;

/// An error this reader does not expect on validated text: the caller
/// then reads the text through the tree instead (see [`is_internal`]).
fn internal(what: &str) -> Error {
    Error::from(crate::Error {
        kind: crate::ErrorKind::Syntax {
            before: format!("(reader: {what})"),
        },
        span: Span::default(),
        expected: None,
        help: None,
    })
}

/// Whether an error of this reader asks for the tree instead. Only parse
/// errors do: the tree deserializer never produces them.
pub(crate) fn is_internal(e: &Error) -> bool {
    matches!(e.kind(), ErrorKind::Parse(_))
}

/// Reads the only term of a validated text (exactly one term).
pub(crate) fn from_text<T: de::DeserializeOwned>(text: &str) -> Result<T> {
    let mut r = Reader::new(text);
    let v = T::deserialize(StreamDe {
        r: &mut r,
        depth: 0,
        top: false,
    })?;
    r.eat_dot()?;
    if r.peek()?.is_some() {
        return Err(internal("text after the term"));
    }
    Ok(v)
}

/// Reads every term of a validated text as one list.
pub(crate) fn from_text_all<T: de::DeserializeOwned>(text: &str) -> Result<T> {
    let mut r = Reader::new(text);
    let v = T::deserialize(StreamDe {
        r: &mut r,
        depth: 0,
        top: true,
    })?;
    if r.peek()?.is_some() {
        return Err(internal("text after the terms"));
    }
    Ok(v)
}

// ----- tokens ---------------------------------------------------------------

/// Where a token starts: enough to start a lexer there again.
#[derive(Clone, Copy, Debug)]
struct Mark {
    pos: usize,
    line: u32,
    column: u32,
}

impl Mark {
    fn of(sp: Span) -> Mark {
        Mark {
            pos: sp.start as usize,
            line: sp.line,
            column: sp.column,
        }
    }
}

/// The lexer over the text, with up to two tokens of look-ahead.
struct Reader<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    /// The next token, and the one after it (filled in order).
    next: Option<Token<'a>>,
    after: Option<Token<'a>>,
    max_digits: usize,
    max_depth: usize,
}

impl<'a> Reader<'a> {
    fn new(src: &'a str) -> Self {
        Reader::at(
            src,
            Mark {
                pos: 0,
                line: 1,
                column: 1,
            },
        )
    }

    /// A reader starting at `m` (to scan a value again).
    fn at(src: &'a str, m: Mark) -> Self {
        let max_digits = crate::ParseOptions::default().max_integer_digits;
        Reader {
            src,
            lexer: Lexer::at(src, m.pos, m.line, m.column, max_digits),
            next: None,
            after: None,
            max_digits,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }

    fn rewind(&mut self, m: Mark) {
        self.lexer = Lexer::at(self.src, m.pos, m.line, m.column, self.max_digits);
        self.next = None;
        self.after = None;
    }

    fn lex(&mut self) -> Result<Option<Token<'a>>> {
        self.lexer.next_token().map_err(Error::from)
    }

    fn peek(&mut self) -> Result<Option<&Token<'a>>> {
        if self.next.is_none() {
            self.next = self.lex()?;
        }
        Ok(self.next.as_ref())
    }

    fn peek_tok(&mut self) -> Result<Option<&Tok<'a>>> {
        Ok(self.peek()?.map(|t| &t.tok))
    }

    fn second_tok(&mut self) -> Result<Option<&Tok<'a>>> {
        if self.peek()?.is_some() && self.after.is_none() {
            self.after = self.lex()?;
        }
        Ok(self.after.as_ref().map(|t| &t.tok))
    }

    fn bump(&mut self) -> Result<Token<'a>> {
        let t = match self.next.take() {
            Some(t) => t,
            None => self
                .lex()?
                .ok_or_else(|| internal("unexpected end of input"))?,
        };
        self.next = self.after.take();
        Ok(t)
    }

    fn at_punct(&mut self, p: &str) -> Result<bool> {
        Ok(matches!(self.peek_tok()?, Some(Tok::Punct(q)) if *q == p))
    }

    fn eat(&mut self, p: &str) -> Result<Span> {
        let t = self.bump()?;
        match t.tok {
            Tok::Punct(q) if q == p => Ok(t.span),
            _ => Err(internal(p)),
        }
    }

    fn eat_dot(&mut self) -> Result<()> {
        match self.bump()?.tok {
            Tok::Dot => Ok(()),
            _ => Err(internal("end-of-term dot")),
        }
    }

    /// Where the next token starts.
    fn mark(&mut self) -> Result<Mark> {
        match self.peek()? {
            Some(t) => Ok(Mark::of(t.span)),
            None => Err(internal("a value")),
        }
    }

    /// Consumes every token left.
    fn drain(&mut self) -> Result<()> {
        while self.peek()?.is_some() {
            self.bump()?;
        }
        Ok(())
    }

    /// Consumes one value: its tokens up to what ends an element at its own
    /// level. Returns the spans of its first and last tokens.
    fn skip_value(&mut self) -> Result<(Span, Span)> {
        let mut depth = 0usize;
        let mut bounds: Option<(Span, Span)> = None;
        while let Some(t) = self.peek()? {
            match &t.tok {
                Tok::Dot => break,
                Tok::Punct("(" | "[" | "{" | "<<") => depth += 1,
                Tok::Punct(")" | "]" | "}" | ">>") => {
                    if depth == 0 {
                        break;
                    }
                    depth -= 1;
                }
                Tok::Punct("," | "|" | "||" | "=>" | ":=") if depth == 0 => break,
                _ => {}
            }
            let sp = t.span;
            bounds = Some(match bounds {
                None => (sp, sp),
                Some((first, _)) => (first, sp),
            });
            self.bump()?;
        }
        bounds.ok_or_else(|| internal("an empty value"))
    }

    /// Consumes one value and gives its span as the tree has it (for a
    /// parenthesised value, the inside).
    fn take_span(&mut self) -> Result<Span> {
        match self.peek_tok()? {
            Some(Tok::Punct("[" | "{")) => {
                let (first, last) = self.skip_value()?;
                Ok(first.to(last))
            }
            _ => Ok(self.value_node()?.span),
        }
    }

    /// Consumes one value and gives it as a [`Node`]: leaves straight from
    /// their tokens, anything else parsed from its text.
    fn value_node(&mut self) -> Result<Node> {
        let simple = match self.peek_tok()? {
            Some(
                Tok::Atom(_)
                | Tok::Int(_)
                | Tok::BigInt(_)
                | Tok::Float(_)
                | Tok::Char(_)
                | Tok::Str(_),
            ) => true,
            Some(Tok::Punct("-" | "+")) => matches!(
                self.second_tok()?,
                Some(Tok::Int(_) | Tok::BigInt(_) | Tok::Float(_) | Tok::Char(_))
            ),
            _ => false,
        };
        if !simple {
            return self.parsed_node();
        }
        let t = self.bump()?;
        let sp = t.span;
        let kind = match t.tok {
            Tok::Atom(a) => NodeKind::Atom(Atom::new(&a)),
            Tok::Int(v) => NodeKind::Integer(Integer::from(v)),
            Tok::BigInt(b) => NodeKind::Integer(Integer::from(*b)),
            Tok::Float(f) => NodeKind::Float(f),
            Tok::Char(c) => NodeKind::Integer(Integer::from(i64::from(c))),
            Tok::Str(s) => {
                let mut text = s;
                let mut end = sp;
                while matches!(self.peek_tok()?, Some(Tok::Str(_))) {
                    let more = self.bump()?;
                    end = more.span;
                    if let Tok::Str(m) = more.tok {
                        text.to_mut().push_str(&m);
                    }
                }
                return Ok(Node {
                    span: sp.to(end),
                    kind: NodeKind::String(Text::from(text)),
                });
            }
            Tok::Punct(op) => {
                // A sign on a number literal, as the parser's `Num::negate`.
                let num = self.bump()?;
                let negate = op == "-";
                let span = sp.to(num.span);
                let value = match num.tok {
                    Tok::Int(v) => signed_int(i128::from(v), negate),
                    Tok::Char(c) => signed_int(i128::from(c), negate),
                    Tok::BigInt(b) => {
                        let b = *b;
                        NodeKind::Integer(Integer::from(if negate { -b } else { b }))
                    }
                    Tok::Float(f) => NodeKind::Float(if negate { -f } else { f }),
                    _ => return Err(internal("a number after a sign")),
                };
                return Ok(Node { span, kind: value });
            }
            _ => return Err(internal("a leaf")),
        };
        Ok(Node { span: sp, kind })
    }

    /// A value the full grammar reads: its text parsed on its own, the
    /// spans moved to where the text is.
    fn parsed_node(&mut self) -> Result<Node> {
        let (first, last) = self.skip_value()?;
        let sub = self
            .src
            .get(first.start as usize..last.end as usize)
            .ok_or_else(|| internal("value text"))?;
        let mut nodes = crate::parse_nodes(&format!("{sub}\n.")).map_err(Error::from)?;
        let mut node = match (nodes.pop(), nodes.is_empty()) {
            (Some(n), true) => n,
            _ => return Err(internal("one value")),
        };
        shift(&mut node, first);
        Ok(node)
    }
}

/// `-v` or `v` as the parser builds it (`i64` when it fits).
fn signed_int(v: i128, negate: bool) -> NodeKind {
    let v = if negate { -v } else { v };
    NodeKind::Integer(match i64::try_from(v) {
        Ok(small) => Integer::from(small),
        Err(_) => Integer::from(num_bigint::BigInt::from(v)),
    })
}

/// Moves the spans of a node parsed from a slice starting at `origin`.
fn shift(node: &mut Node, origin: Span) {
    let sp = &mut node.span;
    if sp.line == 1 {
        sp.column += origin.column.saturating_sub(1);
    }
    sp.line += origin.line.saturating_sub(1);
    sp.start += origin.start;
    sp.end += origin.start;
    match &mut node.kind {
        NodeKind::List(items, tail) => {
            for n in items {
                shift(n, origin);
            }
            if let Some(t) = tail {
                shift(t, origin);
            }
        }
        NodeKind::Tuple(items) => {
            for n in items {
                shift(n, origin);
            }
        }
        NodeKind::Map(entries) => {
            for (k, v) in entries {
                shift(k, origin);
                shift(v, origin);
            }
        }
        _ => {}
    }
}

// ----- where a list is -------------------------------------------------------

/// A list being read: one written in brackets, or the terms of the whole
/// text ([`super::from_str_all`]).
#[derive(Clone, Copy)]
enum ListAt {
    Top,
    At(Mark),
}

impl ListAt {
    fn span(self, src: &str) -> Result<Span> {
        match self {
            ListAt::Top => Ok(top_span(src)),
            ListAt::At(m) => span_at(src, m),
        }
    }

    fn node(self, src: &str) -> Result<Node> {
        match self {
            ListAt::Top => top_node(src),
            ListAt::At(m) => Reader::at(src, m).value_node(),
        }
    }

    /// A reader at its first element, and whether it is the top level.
    fn reader(self, src: &str) -> Result<(Reader<'_>, bool)> {
        match self {
            ListAt::Top => Ok((Reader::new(src), true)),
            ListAt::At(m) => {
                let mut r = Reader::at(src, m);
                r.eat("[")?;
                Ok((r, false))
            }
        }
    }
}

fn top_span(src: &str) -> Span {
    Span {
        start: 0,
        end: u32::try_from(src.len()).unwrap_or(u32::MAX),
        line: 1,
        column: 1,
    }
}

/// The terms of the whole text as one list node, as `from_str_all` had it.
fn top_node(src: &str) -> Result<Node> {
    let nodes = crate::parse_nodes(src).map_err(Error::from)?;
    Ok(Node {
        span: top_span(src),
        kind: NodeKind::List(nodes, None),
    })
}

/// The span of the value at `m`.
fn span_at(src: &str, m: Mark) -> Result<Span> {
    Reader::at(src, m).take_span()
}

/// Gives `e` the span `f` computes, unless it has one.
fn with_span(e: Error, f: impl FnOnce() -> Result<Span>) -> Error {
    if e.span().is_some() || is_internal(&e) {
        return e;
    }
    match f() {
        Ok(sp) => e.at(Some(sp)),
        Err(ie) => ie,
    }
}

/// The elements of the tuple at `m`.
fn count_elements(src: &str, m: Mark) -> Result<usize> {
    let mut r = Reader::at(src, m);
    r.eat("{")?;
    if r.at_punct("}")? {
        return Ok(0);
    }
    let mut n = 0;
    loop {
        r.skip_value()?;
        n += 1;
        if r.at_punct(",")? {
            r.bump()?;
        } else {
            return Ok(n);
        }
    }
}

/// The tree deserializer's error for a value of the wrong shape at `m`.
fn shape_error(src: &str, m: Mark, expected: &str) -> Result<Error> {
    let node = Reader::at(src, m).value_node()?;
    Ok(Error::new(ErrorKind::InvalidType {
        expected: expected.into(),
        found: describe(&node),
    })
    .at(Some(node.span)))
}

/// What `deserialize_any` makes of a list.
enum Shape {
    /// A non-empty proper list of `{atom, V}` pairs: a map.
    Proplist,
    /// Anything else: a sequence.
    Seq,
    /// A parenthesised element or key: the tree decides.
    Unsure,
}

fn any_shape(src: &str, at: ListAt) -> Result<Shape> {
    let (mut r, top) = at.reader(src)?;
    let mut n = 0usize;
    loop {
        if if top {
            r.peek()?.is_none()
        } else {
            r.at_punct("]")?
        } {
            break;
        }
        n += 1;
        match r.peek_tok()? {
            Some(Tok::Punct("{")) => {
                r.bump()?;
                match r.peek_tok()? {
                    Some(Tok::Atom(_)) => {
                        r.bump()?;
                    }
                    Some(Tok::Punct("(")) => return Ok(Shape::Unsure),
                    _ => return Ok(Shape::Seq),
                }
                if !r.at_punct(",")? {
                    return Ok(Shape::Seq);
                }
                r.bump()?;
                r.skip_value()?;
                if !r.at_punct("}")? {
                    return Ok(Shape::Seq);
                }
                r.bump()?;
            }
            Some(Tok::Punct("(")) => return Ok(Shape::Unsure),
            _ => return Ok(Shape::Seq),
        }
        if top {
            r.eat_dot()?;
        } else if r.at_punct(",")? {
            r.bump()?;
        } else if !r.at_punct("]")? {
            // A tail: not a proper list as written.
            return Ok(Shape::Seq);
        }
    }
    Ok(if n > 0 { Shape::Proplist } else { Shape::Seq })
}

/// Whether every element of the list at `at` is certainly `{K, V}` or an
/// atom, through list tails (`false`: maybe not).
fn plainly_pairs(src: &str, at: ListAt) -> Result<bool> {
    let (mut r, top) = at.reader(src)?;
    loop {
        if if top {
            r.peek()?.is_none()
        } else {
            r.at_punct("]")?
        } {
            return Ok(true);
        }
        match r.peek_tok()? {
            Some(Tok::Atom(_)) => {
                r.bump()?;
            }
            Some(Tok::Punct("{")) => {
                r.bump()?;
                if r.at_punct("}")? {
                    return Ok(false);
                }
                r.skip_value()?;
                if !r.at_punct(",")? {
                    return Ok(false);
                }
                r.bump()?;
                r.skip_value()?;
                if !r.at_punct("}")? {
                    return Ok(false);
                }
                r.bump()?;
            }
            _ => return Ok(false),
        }
        if top {
            r.eat_dot()?;
        } else if r.at_punct(",")? {
            r.bump()?;
        } else if r.at_punct("|")? {
            r.bump()?;
            if !r.at_punct("[")? {
                return Ok(false);
            }
            r.bump()?;
        }
    }
}

/// Takes nothing, accepts any map: lets the tree deserializer check a
/// proplist's elements and nothing more.
struct Probe;

impl<'de> Visitor<'de> for Probe {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("anything")
    }
    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> std::result::Result<(), A::Error> {
        Ok(())
    }
}

/// The error the tree deserializer gives for the elements of the proplist
/// at `at` before reading any of them, if any.
fn proplist_error(src: &str, at: ListAt, expected: &str) -> Result<Option<Error>> {
    if plainly_pairs(src, at)? {
        return Ok(None);
    }
    let node = at.node(src)?;
    let tree = Deserializer::from_node(&node);
    let r = if expected == STRUCT_EXPECTED {
        de::Deserializer::deserialize_struct(tree, "", &[], Probe)
    } else {
        de::Deserializer::deserialize_map(tree, Probe)
    };
    Ok(r.err())
}

const STRUCT_EXPECTED: &str = "proplist [{Key, Value}] or map";
const MAP_EXPECTED: &str = "map or proplist";

// ----- children ---------------------------------------------------------------

/// Reads the element at `m` one level deeper; on failure the reader is
/// moved past it and the error gets its span.
fn stream_child<'a, T: DeserializeSeed<'a>>(
    r: &mut Reader<'a>,
    depth: usize,
    m: Mark,
    seed: T,
) -> Result<T::Value> {
    let d = depth + 1;
    if d > r.max_depth {
        r.rewind(m);
        let sp = r.take_span()?;
        return Err(Error::new(ErrorKind::Depth(r.max_depth)).at(Some(sp)));
    }
    match seed.deserialize(StreamDe {
        r: &mut *r,
        depth: d,
        top: false,
    }) {
        Ok(v) => Ok(v),
        Err(e) if is_internal(&e) => Err(e),
        Err(e) => {
            r.rewind(m);
            let sp = r.take_span()?;
            Err(e.at(Some(sp)))
        }
    }
}

/// Reads a node one level deeper.
fn node_child<'a, T: DeserializeSeed<'a>>(
    n: Node,
    depth: usize,
    max: usize,
    seed: T,
) -> Result<T::Value> {
    let d = depth + 1;
    let span = n.span;
    if d > max {
        return Err(Error::new(ErrorKind::Depth(max)).at(Some(span)));
    }
    seed.deserialize(NodeDe {
        node: n,
        budget: max - d,
        max,
    })
    .map_err(|e| e.at(Some(span)))
}

// ----- the deserializer ---------------------------------------------------------

/// What the next value is, as far as this reader cares.
enum Kind {
    List(ListAt),
    Tuple(Mark),
    /// Read as a node: leaves, and what needs the full grammar.
    Leaf,
}

/// Reads the value at the reader's position (or, `top`, every term of
/// the text as one list), at nesting `depth`.
struct StreamDe<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
    top: bool,
}

macro_rules! via_node {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'a>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value> {
            de::Deserializer::$method(self.into_node()?, $($arg,)* visitor)
        }
    )*};
}

impl<'r, 'a> StreamDe<'r, 'a> {
    fn kind(&mut self) -> Result<Kind> {
        if self.top {
            return Ok(Kind::List(ListAt::Top));
        }
        let t = self.r.peek()?.ok_or_else(|| internal("a value"))?;
        Ok(match t.tok {
            Tok::Punct("[") => Kind::List(ListAt::At(Mark::of(t.span))),
            Tok::Punct("{") => Kind::Tuple(Mark::of(t.span)),
            _ => Kind::Leaf,
        })
    }

    /// Consumes the value as a node, read by the tree deserializer.
    fn into_node(self) -> Result<NodeDe> {
        let node = if self.top {
            self.r.drain()?;
            top_node(self.r.src)?
        } else {
            self.r.value_node()?
        };
        let max = self.r.max_depth;
        Ok(NodeDe {
            node,
            budget: max.saturating_sub(self.depth),
            max,
        })
    }

    /// Opens the list at `at` for reading its elements.
    fn open_list(&mut self, at: ListAt) -> Result<Walk> {
        match at {
            ListAt::Top => Ok(Walk::new(true)),
            ListAt::At(_) => {
                self.r.eat("[")?;
                Ok(Walk::new(false))
            }
        }
    }

    /// The elements of a list as a sequence.
    fn visit_list<V: Visitor<'a>>(mut self, at: ListAt, visitor: V) -> Result<V::Value> {
        let walk = self.open_list(at)?;
        let src = self.r.src;
        let mut seq = ListSeq {
            r: self.r,
            depth: self.depth,
            walk,
            index: 0,
        };
        match visitor.visit_seq(&mut seq) {
            Ok(v) => {
                seq.finish(at)?;
                Ok(v)
            }
            Err(e) => Err(with_span(e, || at.span(src))),
        }
    }

    /// A list read as a tuple of `len`.
    fn list_as_tuple<V: Visitor<'a>>(
        mut self,
        at: ListAt,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        let walk = self.open_list(at)?;
        let src = self.r.src;
        let mut seq = ListSeq {
            r: self.r,
            depth: self.depth,
            walk,
            index: 0,
        };
        let v = visitor
            .visit_seq(&mut seq)
            .map_err(|e| with_span(e, || at.span(src)))?;
        match seq.walk.next(seq.r)? {
            None => Ok(v),
            Some(_) => Err(Error::new(ErrorKind::InvalidLength {
                len: seq.index + 1,
                expected: format!("list of {len}"),
            })
            .at(Some(at.span(src)?))),
        }
    }

    /// The elements of a tuple as a sequence (`len`: checked against it).
    fn visit_tuple<V: Visitor<'a>>(
        self,
        m: Mark,
        len: Option<usize>,
        visitor: V,
    ) -> Result<V::Value> {
        let src = self.r.src;
        self.r.eat("{")?;
        let mut seq = TupleSeq::new(self.r, self.depth, false);
        match visitor.visit_seq(&mut seq) {
            Ok(v) => {
                let n = seq.finish(m)?;
                match len {
                    Some(len) if n != len => Err(shape_error(src, m, &format!("tuple of {len}"))?),
                    _ => Ok(v),
                }
            }
            Err(e) if is_internal(&e) => Err(e),
            Err(e) => {
                if let Some(len) = len {
                    if count_elements(src, m)? != len {
                        return Err(shape_error(src, m, &format!("tuple of {len}"))?);
                    }
                }
                Err(with_span(e, || span_at(src, m)))
            }
        }
    }

    /// A proplist (or the terms of the text) as a map.
    fn visit_proplist<V: Visitor<'a>>(
        mut self,
        at: ListAt,
        expected: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        let walk = self.open_list(at)?;
        let src = self.r.src;
        let mut acc = PropAcc {
            r: self.r,
            depth: self.depth,
            walk,
            index: 0,
            seen: BTreeSet::new(),
            pending: None,
        };
        match visitor.visit_map(&mut acc) {
            Ok(v) => {
                if !acc.walk.is_done() || acc.pending.is_some() {
                    // Stopped early: the rest is checked, then skipped.
                    if let Some(e) = proplist_error(src, at, expected)? {
                        return Err(e);
                    }
                    acc.skip_list(at)?;
                }
                Ok(v)
            }
            Err(e) => {
                if let Some(shape) = proplist_error(src, at, expected)? {
                    return Err(shape);
                }
                Err(with_span(e, || at.span(src)))
            }
        }
    }

    /// A tuple `{tag, ...}` as an enum.
    fn visit_tagged<V: Visitor<'a>>(self, m: Mark, visitor: V) -> Result<V::Value> {
        if !matches!(self.r.second_tok()?, Some(Tok::Atom(_))) {
            return de::Deserializer::deserialize_enum(self.into_node()?, "", &[], visitor);
        }
        let src = self.r.src;
        self.r.eat("{")?;
        let tag = self.r.value_node()?;
        let acc = TupleEnum {
            r: self.r,
            depth: self.depth,
            tag: Some(tag),
            m,
        };
        visitor
            .visit_enum(acc)
            .map_err(|e| with_span(e, || span_at(src, m)))
    }

    /// A `Term` field: the value's text parsed on its own, handed over as
    /// the tree deserializer hands it.
    fn capture<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let (first, last) = self.r.skip_value()?;
        let span = first.to(last);
        let sub = self
            .r
            .src
            .get(span.range())
            .ok_or_else(|| internal("value text"))?;
        let term = super::ser::parse_one(sub).map_err(|_| internal("a term"))?;
        if write::compact_depth_exceeded(&term) {
            return Err(Error::new(ErrorKind::Depth(write::MAX_WRITE_DEPTH)).at(Some(span)));
        }
        super::visit_stashed(visitor, term).map_err(|e: Error| e.at(Some(span)))
    }
}

impl<'r, 'a> de::Deserializer<'a> for StreamDe<'r, 'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        match self.kind()? {
            Kind::List(at) => match any_shape(self.r.src, at)? {
                Shape::Proplist => self.visit_proplist(at, "proplist", visitor),
                Shape::Seq => self.visit_list(at, visitor),
                Shape::Unsure => de::Deserializer::deserialize_any(self.into_node()?, visitor),
            },
            Kind::Tuple(m) => self.visit_tuple(m, None, visitor),
            Kind::Leaf => de::Deserializer::deserialize_any(self.into_node()?, visitor),
        }
    }

    via_node! {
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_identifier();
    }

    fn deserialize_option<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        match self.kind()? {
            Kind::List(_) | Kind::Tuple(_) => visitor.visit_some(self),
            Kind::Leaf => de::Deserializer::deserialize_option(self.into_node()?, visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        mut self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        match self.kind()? {
            Kind::List(ListAt::At(_)) | Kind::Tuple(_) if name == MAGIC_TERM => {
                self.capture(visitor)
            }
            Kind::List(_) | Kind::Tuple(_) if name != MAGIC_TERM && name != MAGIC_ATOM => {
                visitor.visit_newtype_struct(self)
            }
            _ => de::Deserializer::deserialize_newtype_struct(self.into_node()?, name, visitor),
        }
    }

    fn deserialize_seq<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        match self.kind()? {
            Kind::List(at) => self.visit_list(at, visitor),
            _ => de::Deserializer::deserialize_seq(self.into_node()?, visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'a>>(mut self, len: usize, visitor: V) -> Result<V::Value> {
        match self.kind()? {
            Kind::List(at) => self.list_as_tuple(at, len, visitor),
            Kind::Tuple(m) => self.visit_tuple(m, Some(len), visitor),
            Kind::Leaf => de::Deserializer::deserialize_tuple(self.into_node()?, len, visitor),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        match self.kind()? {
            Kind::List(at) => self.visit_proplist(at, MAP_EXPECTED, visitor),
            _ => de::Deserializer::deserialize_map(self.into_node()?, visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'a>>(
        mut self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.kind()? {
            Kind::List(at) => self.visit_proplist(at, STRUCT_EXPECTED, visitor),
            _ => de::Deserializer::deserialize_struct(self.into_node()?, name, fields, visitor),
        }
    }

    fn deserialize_enum<V: Visitor<'a>>(
        mut self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.kind()? {
            Kind::Tuple(m) => self.visit_tagged(m, visitor),
            _ => de::Deserializer::deserialize_enum(self.into_node()?, name, variants, visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if self.top {
            self.r.drain()?;
        } else {
            self.r.skip_value()?;
        }
        visitor.visit_unit()
    }
}

// ----- lists ----------------------------------------------------------------------

/// Where a list walk is.
enum WState {
    /// Before the first element of a list (or tail list).
    Start,
    /// After an element read from the text.
    After,
    /// In a string literal tail: its text, the next byte, its span.
    Chars(String, usize, Span),
    /// In a tail read as a node: its elements, then its own tail.
    Nodes(std::vec::IntoIter<Node>, Option<Box<Node>>),
    Done,
}

/// One element of a list.
enum Item {
    /// In the text, starting at the mark.
    Stream(Mark),
    /// Of a tail read as a node.
    Node(Node),
    /// A code point of a string literal tail.
    Char(char, Span),
    /// A tail that is not a list.
    Improper(Node),
}

/// Walks the elements of a list through its tails, as the tree's list
/// iterator does.
struct Walk {
    top: bool,
    /// `]` still to read at the end (one per tail list opened).
    closers: usize,
    state: WState,
}

impl Walk {
    fn new(top: bool) -> Self {
        Walk {
            top,
            closers: usize::from(!top),
            state: WState::Start,
        }
    }

    fn is_done(&self) -> bool {
        matches!(self.state, WState::Done)
    }

    fn close(&mut self, r: &mut Reader<'_>) -> Result<Option<Item>> {
        for _ in 0..self.closers {
            r.eat("]")?;
        }
        self.closers = 0;
        self.state = WState::Done;
        Ok(None)
    }

    /// The next element; the caller reads (or skips) a `Stream` one.
    fn next(&mut self, r: &mut Reader<'_>) -> Result<Option<Item>> {
        loop {
            match std::mem::replace(&mut self.state, WState::Done) {
                WState::Done => return Ok(None),
                WState::Start => {
                    let end = if self.top {
                        r.peek()?.is_none()
                    } else {
                        r.at_punct("]")?
                    };
                    if end {
                        return self.close(r);
                    }
                    self.state = WState::After;
                    return Ok(Some(Item::Stream(r.mark()?)));
                }
                WState::After if self.top => {
                    r.eat_dot()?;
                    if r.peek()?.is_none() {
                        return Ok(None);
                    }
                    self.state = WState::After;
                    return Ok(Some(Item::Stream(r.mark()?)));
                }
                WState::After => {
                    let t = r.bump()?;
                    match t.tok {
                        Tok::Punct(",") => {
                            self.state = WState::After;
                            return Ok(Some(Item::Stream(r.mark()?)));
                        }
                        Tok::Punct("]") => {
                            self.closers = self.closers.saturating_sub(1);
                            return self.close(r);
                        }
                        Tok::Punct("|") => {
                            if r.at_punct("[")? {
                                r.bump()?;
                                self.closers += 1;
                                self.state = WState::Start;
                            } else {
                                let tail = r.value_node()?;
                                self.state =
                                    WState::Nodes(Vec::new().into_iter(), Some(Box::new(tail)));
                            }
                        }
                        _ => return Err(internal("a list separator")),
                    }
                }
                WState::Chars(s, i, sp) => match s.get(i..).and_then(|rest| rest.chars().next()) {
                    Some(c) => {
                        self.state = WState::Chars(s, i + c.len_utf8(), sp);
                        return Ok(Some(Item::Char(c, sp)));
                    }
                    None => return self.close(r),
                },
                WState::Nodes(mut items, tail) => {
                    if let Some(n) = items.next() {
                        self.state = WState::Nodes(items, tail);
                        return Ok(Some(Item::Node(n)));
                    }
                    let Some(t) = tail else {
                        return self.close(r);
                    };
                    let t = *t;
                    match t.kind {
                        NodeKind::String(s) => {
                            self.state = WState::Chars(s.as_str().to_owned(), 0, t.span);
                        }
                        NodeKind::List(items, tail) => {
                            self.state = WState::Nodes(items.into_iter(), tail);
                        }
                        kind => {
                            return Ok(Some(Item::Improper(Node { span: t.span, kind })));
                        }
                    }
                }
            }
        }
    }
}

/// The elements of a list.
struct ListSeq<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
    walk: Walk,
    index: usize,
}

impl ListSeq<'_, '_> {
    /// Moves past the list if the visitor stopped early.
    fn finish(&mut self, at: ListAt) -> Result<()> {
        if self.walk.is_done() {
            return Ok(());
        }
        skip_list(self.r, at)
    }
}

/// Moves the reader past the list at `at`, wherever inside it it is.
fn skip_list(r: &mut Reader<'_>, at: ListAt) -> Result<()> {
    match at {
        ListAt::Top => r.drain(),
        ListAt::At(m) => {
            r.rewind(m);
            r.skip_value().map(drop)
        }
    }
}

impl<'a> de::SeqAccess<'a> for ListSeq<'_, 'a> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let i = self.index;
        self.index += 1;
        let Some(item) = self.walk.next(self.r)? else {
            return Ok(None);
        };
        let r = match item {
            Item::Stream(m) => stream_child(self.r, self.depth, m, seed),
            Item::Node(n) => node_child(n, self.depth, self.r.max_depth, seed),
            Item::Char(c, sp) => seed.deserialize(CharDe(c)).map_err(|e| e.at(Some(sp))),
            Item::Improper(t) => Err(Error::new(ErrorKind::InvalidType {
                expected: "proper list".into(),
                found: format!("improper list with tail {}", describe(&t)),
            })
            .at(Some(t.span))),
        };
        r.map(Some).map_err(|e| e.under(PathSegment::Index(i)))
    }
}

/// The elements of a tuple (after its tag, for a tuple variant).
struct TupleSeq<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
    /// Whether an element was read (a `,` or `}` comes next).
    started: bool,
    index: usize,
    /// Elements read, the tag included.
    count: usize,
    done: bool,
}

impl<'r, 'a> TupleSeq<'r, 'a> {
    /// After `{`, or (`after_tag`) after the tag of a tagged tuple.
    fn new(r: &'r mut Reader<'a>, depth: usize, after_tag: bool) -> Self {
        let n = usize::from(after_tag);
        TupleSeq {
            r,
            depth,
            started: after_tag,
            index: n,
            count: n,
            done: false,
        }
    }

    /// Moves past the tuple; returns how many elements it has.
    fn finish(&mut self, m: Mark) -> Result<usize> {
        if !self.done && self.r.at_punct("}")? {
            // The visitor took every element (a Rust tuple does).
            self.r.bump()?;
            self.done = true;
        }
        if self.done {
            return Ok(self.count);
        }
        let n = count_elements(self.r.src, m)?;
        self.r.rewind(m);
        self.r.skip_value()?;
        Ok(n)
    }
}

impl<'a> de::SeqAccess<'a> for TupleSeq<'_, 'a> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.done {
            return Ok(None);
        }
        if self.r.at_punct("}")? {
            self.r.bump()?;
            self.done = true;
            return Ok(None);
        }
        if self.started {
            self.r.eat(",")?;
        }
        self.started = true;
        let m = self.r.mark()?;
        let i = self.index;
        self.index += 1;
        self.count += 1;
        stream_child(self.r, self.depth, m, seed)
            .map(Some)
            .map_err(|e| e.under(PathSegment::Index(i)))
    }
}

// ----- enums ------------------------------------------------------------------------

/// A tagged tuple `{tag, ...}` read as an enum; the tag is read.
struct TupleEnum<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
    tag: Option<Node>,
    /// The tuple.
    m: Mark,
}

impl<'r, 'a> de::EnumAccess<'a> for TupleEnum<'r, 'a> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(mut self, seed: V) -> Result<(V::Value, Self)> {
        let tag = self.tag.take().ok_or_else(|| internal("a tag"))?;
        let span = tag.span;
        let max = self.r.max_depth;
        let v = seed
            .deserialize(NodeDe {
                node: tag,
                budget: max.saturating_sub(self.depth),
                max,
            })
            .map_err(|e| e.at(Some(span)))?;
        Ok((v, self))
    }
}

impl<'r, 'a> TupleEnum<'r, 'a> {
    /// The one value after the tag, read by `f` one level deeper.
    fn one_value<R>(
        self,
        expected: &str,
        f: impl FnOnce(StreamDe<'_, 'a>) -> Result<R>,
    ) -> Result<R> {
        let src = self.r.src;
        let m = self.m;
        if self.r.at_punct("}")? {
            return Err(shape_error(src, m, expected)?);
        }
        self.r.eat(",")?;
        let vm = self.r.mark()?;
        let d = self.depth + 1;
        if d > self.r.max_depth {
            if count_elements(src, m)? != 2 {
                return Err(shape_error(src, m, expected)?);
            }
            return Err(Error::new(ErrorKind::Depth(self.r.max_depth)).at(Some(span_at(src, vm)?)));
        }
        match f(StreamDe {
            r: &mut *self.r,
            depth: d,
            top: false,
        }) {
            Ok(v) => {
                if self.r.at_punct("}")? {
                    self.r.bump()?;
                    Ok(v)
                } else {
                    Err(shape_error(src, m, expected)?)
                }
            }
            Err(e) if is_internal(&e) => Err(e),
            Err(e) => {
                if count_elements(src, m)? != 2 {
                    return Err(shape_error(src, m, expected)?);
                }
                Err(with_span(e, || span_at(src, vm)).under(PathSegment::Index(1)))
            }
        }
    }
}

impl<'r, 'a> de::VariantAccess<'a> for TupleEnum<'r, 'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        if self.r.at_punct("}")? {
            self.r.bump()?;
            return Ok(());
        }
        Err(shape_error(self.r.src, self.m, "atom (a unit variant)")?)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value> {
        self.one_value("tagged tuple {Tag, Value}", |d| seed.deserialize(d))
    }

    fn tuple_variant<V: Visitor<'a>>(self, len: usize, visitor: V) -> Result<V::Value> {
        let src = self.r.src;
        let m = self.m;
        let expected = || format!("tagged tuple of {}", len + 1);
        let mut seq = TupleSeq::new(self.r, self.depth, true);
        match visitor.visit_seq(&mut seq) {
            Ok(v) => {
                if seq.finish(m)? != len + 1 {
                    return Err(shape_error(src, m, &expected())?);
                }
                Ok(v)
            }
            Err(e) if is_internal(&e) => Err(e),
            Err(e) => {
                if count_elements(src, m)? != len + 1 {
                    return Err(shape_error(src, m, &expected())?);
                }
                Err(e)
            }
        }
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.one_value("tagged tuple {Tag, [{Key, Value}, ...]}", |d| {
            de::Deserializer::deserialize_struct(d, "", fields, visitor)
        })
    }
}

// ----- proplists ---------------------------------------------------------------------

/// The key of a proplist entry.
enum Key<'a> {
    Node(Node),
    /// A bare atom (`debug` = `{debug, true}`) and its span.
    Flag(Cow<'a, str>, Span),
}

/// The value of a proplist entry.
enum Val {
    /// In the text, at the mark, inside `{K, V}`.
    Stream(Mark),
    Node(Node),
    /// The implicit `true` of a bare atom, whose span it takes.
    True(Span),
}

/// The entries of a proplist.
struct PropAcc<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
    walk: Walk,
    /// Position of the next element in the list.
    index: usize,
    /// Keys read: proplists take the first occurrence of a key.
    seen: BTreeSet<Term>,
    /// The value of the key just read, and the key (for the path of an
    /// error in the value).
    pending: Option<(Val, Term)>,
}

impl<'r, 'a> PropAcc<'r, 'a> {
    /// Moves past the list, wherever inside it the reader is.
    fn skip_list(&mut self, at: ListAt) -> Result<()> {
        self.pending = None;
        skip_list(self.r, at)
    }

    /// The key and value of one element, or `None` if it is neither a
    /// pair nor an atom.
    fn entry(&mut self, item: Item) -> Result<Option<(Key<'a>, Val)>> {
        let node = match item {
            Item::Char(..) | Item::Improper(_) => return Ok(None),
            Item::Node(n) => n,
            Item::Stream(_) => match self.r.peek_tok()? {
                Some(Tok::Atom(_)) => {
                    let t = self.r.bump()?;
                    return Ok(match t.tok {
                        Tok::Atom(a) => Some((Key::Flag(a, t.span), Val::True(t.span))),
                        _ => None,
                    });
                }
                Some(Tok::Punct("{")) => {
                    self.r.bump()?;
                    if self.r.at_punct("}")? {
                        return Ok(None);
                    }
                    let k = self.r.value_node()?;
                    if !self.r.at_punct(",")? {
                        return Ok(None);
                    }
                    self.r.bump()?;
                    let vm = self.r.mark()?;
                    return Ok(Some((Key::Node(k), Val::Stream(vm))));
                }
                _ => self.r.value_node()?,
            },
        };
        Ok(match node.kind {
            NodeKind::Tuple(items) if items.len() == 2 => {
                let mut it = items.into_iter();
                match (it.next(), it.next()) {
                    (Some(k), Some(v)) => Some((Key::Node(k), Val::Node(v))),
                    _ => None,
                }
            }
            NodeKind::Atom(a) => Some((
                Key::Flag(Cow::Owned(a.as_str().to_owned()), node.span),
                Val::True(node.span),
            )),
            _ => None,
        })
    }

    /// After the value of a `{K, V}` in the text: its `}`.
    fn close_pair(&mut self) -> Result<()> {
        if self.r.at_punct("}")? {
            self.r.bump()?;
            Ok(())
        } else {
            // A tuple of more than two: the caller reports the shape.
            Err(internal("proplist element shape"))
        }
    }
}

/// The path segment of a key, as the tree deserializer writes it.
fn key_segment(t: &Term) -> PathSegment {
    match t {
        Term::Atom(a) => PathSegment::Key(AtomText(a.as_str()).to_string()),
        _ => PathSegment::Term(write::compact(t).unwrap_or_else(|| "...".into())),
    }
}

impl<'a> de::MapAccess<'a> for PropAcc<'_, 'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        loop {
            let Some(item) = self.walk.next(self.r)? else {
                return Ok(None);
            };
            let i = self.index;
            self.index += 1;
            let Some((key, val)) = self.entry(item)? else {
                // The caller reports the shape error of the whole list.
                return Err(internal("proplist element shape"));
            };
            let term = match &key {
                Key::Node(k) => k.to_term(),
                Key::Flag(a, _) => Term::atom(a),
            };
            if self.seen.contains(&term) {
                // A later occurrence: skipped unread.
                if let Val::Stream(_) = val {
                    self.r.skip_value()?;
                    self.close_pair()?;
                }
                continue;
            }
            let r = match key {
                Key::Node(k) => node_child(k, self.depth, self.r.max_depth, seed),
                Key::Flag(a, sp) => seed.deserialize(AtomKey(a)).map_err(|e| e.at(Some(sp))),
            };
            self.seen.insert(term.clone());
            self.pending = Some((val, term));
            return r.map(Some).map_err(|e| e.under(PathSegment::Index(i)));
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        let Some((val, key)) = self.pending.take() else {
            return Err(Error::new(ErrorKind::Custom(
                "value requested before key".into(),
            )));
        };
        let r = match val {
            Val::Stream(m) => match stream_child(self.r, self.depth, m, seed) {
                Ok(v) => {
                    self.close_pair()?;
                    Ok(v)
                }
                Err(e) => {
                    if !is_internal(&e) {
                        // Past any further elements of the pair (a shape
                        // error the caller reports) and its `}`.
                        while self.r.at_punct(",")? {
                            self.r.bump()?;
                            self.r.skip_value()?;
                        }
                        self.r.eat("}")?;
                    }
                    Err(e)
                }
            },
            Val::Node(n) => node_child(n, self.depth, self.r.max_depth, seed),
            Val::True(sp) => seed.deserialize(TrueDe).map_err(|e| e.at(Some(sp))),
        };
        r.map_err(|e| e.under(key_segment(&key)))
    }
}

// ----- small deserializers, as the tree deserializer has them ----------------------

/// A code point of a string literal, read as an integer (or a `char`).
struct CharDe(char);

impl<'de> de::Deserializer<'de> for CharDe {
    type Error = Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_u32(u32::from(self.0))
    }
    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_char(self.0)
    }
    ::serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

// ----- a node read by the tree deserializer -------------------------------------------

/// A node this reader owns, read by the tree deserializer with the nesting
/// left (`budget`) at its depth.
struct NodeDe {
    node: Node,
    budget: usize,
    max: usize,
}

/// The tree deserializer reports its own bound; at depth `d` that is
/// `max - d`, where the reader reports `max`.
fn fix_depth(e: Error, budget: usize, max: usize) -> Error {
    match e.kind() {
        ErrorKind::Depth(n) if *n == budget && budget != max => {
            let mut fixed = Error::new(ErrorKind::Depth(max)).at(e.span());
            for seg in e.path_segments().iter().rev() {
                fixed = fixed.under(seg.clone());
            }
            fixed
        }
        _ => e,
    }
}

macro_rules! node_methods {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'a>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value> {
            let (budget, max) = (self.budget, self.max);
            let tree = Deserializer::from_node(&self.node).max_depth(budget);
            de::Deserializer::$method(tree, $($arg,)* Erase::new(visitor))
                .map_err(|e| fix_depth(e, budget, max))
        }
    )*};
}

impl<'a> de::Deserializer<'a> for NodeDe {
    type Error = Error;
    node_methods! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }
}

// The tree deserializer borrows from the node (lifetime `'n`), the visitor
// wants the text's lifetime (`'de`): these wrappers hand every value over
// as owned or short-lived, which every visitor of `'de` accepts.

/// A visitor of `'de` used as a visitor of any `'n` (also by
/// [`super::bytes`], for the values it reads as a [`Term`]).
pub(super) struct Erase<'de, V> {
    v: V,
    _de: PhantomData<fn() -> &'de ()>,
}

impl<V> Erase<'_, V> {
    pub(super) fn new(v: V) -> Self {
        Erase {
            v,
            _de: PhantomData,
        }
    }
}

/// A deserializer of `'n` used as one of any `'de`.
struct EraseDe<'n, D> {
    d: D,
    _n: PhantomData<fn() -> &'n ()>,
}

impl<D> EraseDe<'_, D> {
    fn new(d: D) -> Self {
        EraseDe { d, _n: PhantomData }
    }
}

/// A seed of `'de` used as a seed of any `'n`.
struct EraseSeed<'de, T> {
    t: T,
    _de: PhantomData<fn() -> &'de ()>,
}

impl<T> EraseSeed<'_, T> {
    fn new(t: T) -> Self {
        EraseSeed {
            t,
            _de: PhantomData,
        }
    }
}

/// An access (sequence, map, enum, variant) of `'n` used as one of `'de`.
struct EraseAcc<'n, A> {
    a: A,
    _n: PhantomData<fn() -> &'n ()>,
}

impl<A> EraseAcc<'_, A> {
    fn new(a: A) -> Self {
        EraseAcc { a, _n: PhantomData }
    }
}

macro_rules! erase_visit {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> std::result::Result<Self::Value, E> {
            self.v.$method(v)
        }
    )*};
}

impl<'n, 'de, V: Visitor<'de>> Visitor<'n> for Erase<'de, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.v.expecting(f)
    }

    erase_visit! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'n str) -> std::result::Result<V::Value, E> {
        self.v.visit_str(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'n [u8]) -> std::result::Result<V::Value, E> {
        self.v.visit_bytes(v)
    }

    fn visit_none<E: de::Error>(self) -> std::result::Result<V::Value, E> {
        self.v.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<V::Value, E> {
        self.v.visit_unit()
    }

    fn visit_some<D: de::Deserializer<'n>>(self, d: D) -> std::result::Result<V::Value, D::Error> {
        self.v.visit_some(EraseDe::new(d))
    }

    fn visit_newtype_struct<D: de::Deserializer<'n>>(
        self,
        d: D,
    ) -> std::result::Result<V::Value, D::Error> {
        self.v.visit_newtype_struct(EraseDe::new(d))
    }

    fn visit_seq<A: de::SeqAccess<'n>>(self, a: A) -> std::result::Result<V::Value, A::Error> {
        self.v.visit_seq(EraseAcc::new(a))
    }

    fn visit_map<A: de::MapAccess<'n>>(self, a: A) -> std::result::Result<V::Value, A::Error> {
        self.v.visit_map(EraseAcc::new(a))
    }

    fn visit_enum<A: de::EnumAccess<'n>>(self, a: A) -> std::result::Result<V::Value, A::Error> {
        self.v.visit_enum(EraseAcc::new(a))
    }
}

macro_rules! erase_de {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(
            self,
            $($arg: $ty,)*
            visitor: V,
        ) -> std::result::Result<V::Value, D::Error> {
            self.d.$method($($arg,)* Erase::new(visitor))
        }
    )*};
}

impl<'n, 'de, D: de::Deserializer<'n>> de::Deserializer<'de> for EraseDe<'n, D> {
    type Error = D::Error;

    erase_de! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.d.is_human_readable()
    }
}

impl<'n, 'de, T: DeserializeSeed<'de>> DeserializeSeed<'n> for EraseSeed<'de, T> {
    type Value = T::Value;
    fn deserialize<D: de::Deserializer<'n>>(self, d: D) -> std::result::Result<T::Value, D::Error> {
        self.t.deserialize(EraseDe::new(d))
    }
}

impl<'n, 'de, A: de::SeqAccess<'n>> de::SeqAccess<'de> for EraseAcc<'n, A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> std::result::Result<Option<T::Value>, A::Error> {
        self.a.next_element_seed(EraseSeed::new(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.a.size_hint()
    }
}

impl<'n, 'de, A: de::MapAccess<'n>> de::MapAccess<'de> for EraseAcc<'n, A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> std::result::Result<Option<K::Value>, A::Error> {
        self.a.next_key_seed(EraseSeed::new(seed))
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> std::result::Result<V::Value, A::Error> {
        self.a.next_value_seed(EraseSeed::new(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.a.size_hint()
    }
}

impl<'n, 'de, A: de::EnumAccess<'n>> de::EnumAccess<'de> for EraseAcc<'n, A> {
    type Error = A::Error;
    type Variant = EraseAcc<'n, A::Variant>;
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> std::result::Result<(V::Value, Self::Variant), A::Error> {
        let (v, variant) = self.a.variant_seed(EraseSeed::new(seed))?;
        Ok((v, EraseAcc::new(variant)))
    }
}

impl<'n, 'de, A: de::VariantAccess<'n>> de::VariantAccess<'de> for EraseAcc<'n, A> {
    type Error = A::Error;
    fn unit_variant(self) -> std::result::Result<(), A::Error> {
        self.a.unit_variant()
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> std::result::Result<T::Value, A::Error> {
        self.a.newtype_variant_seed(EraseSeed::new(seed))
    }
    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> std::result::Result<V::Value, A::Error> {
        self.a.tuple_variant(len, Erase::new(visitor))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> std::result::Result<V::Value, A::Error> {
        self.a.struct_variant(fields, Erase::new(visitor))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::collections::BTreeMap;
    use std::fmt::Debug;

    use ::serde::de::DeserializeOwned;
    use ::serde::Deserialize;

    use super::*;
    use crate::Atom;

    /// Every call `deserialize_any` makes on its visitor, as a tree.
    #[derive(Debug, PartialEq)]
    enum Rec {
        Bool(bool),
        I64(i64),
        U64(u64),
        I128(i128),
        U128(u128),
        F64(u64),
        Char(char),
        Str(String),
        Bytes(Vec<u8>),
        Unit,
        None,
        Some(Box<Rec>),
        Newtype(Box<Rec>),
        Seq(Vec<Rec>),
        Map(Vec<(Rec, Rec)>),
    }

    struct RecVisitor;

    impl<'de> Visitor<'de> for RecVisitor {
        type Value = Rec;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("anything")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<Rec, E> {
            Ok(Rec::Bool(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Rec, E> {
            Ok(Rec::I64(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Rec, E> {
            Ok(Rec::U64(v))
        }
        fn visit_i128<E: de::Error>(self, v: i128) -> std::result::Result<Rec, E> {
            Ok(Rec::I128(v))
        }
        fn visit_u128<E: de::Error>(self, v: u128) -> std::result::Result<Rec, E> {
            Ok(Rec::U128(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Rec, E> {
            Ok(Rec::F64(v.to_bits()))
        }
        fn visit_char<E: de::Error>(self, v: char) -> std::result::Result<Rec, E> {
            Ok(Rec::Char(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Rec, E> {
            Ok(Rec::Str(v.into()))
        }
        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> std::result::Result<Rec, E> {
            Ok(Rec::Bytes(v.into()))
        }
        fn visit_unit<E: de::Error>(self) -> std::result::Result<Rec, E> {
            Ok(Rec::Unit)
        }
        fn visit_none<E: de::Error>(self) -> std::result::Result<Rec, E> {
            Ok(Rec::None)
        }
        fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<Rec, D::Error> {
            Ok(Rec::Some(Box::new(Rec::deserialize(d)?)))
        }
        fn visit_newtype_struct<D: de::Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<Rec, D::Error> {
            Ok(Rec::Newtype(Box::new(Rec::deserialize(d)?)))
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut a: A) -> std::result::Result<Rec, A::Error> {
            let mut v = Vec::new();
            while let Some(x) = a.next_element()? {
                v.push(x);
            }
            Ok(Rec::Seq(v))
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut a: A) -> std::result::Result<Rec, A::Error> {
            let mut v = Vec::new();
            while let Some(kv) = a.next_entry()? {
                v.push(kv);
            }
            Ok(Rec::Map(v))
        }
    }

    impl<'de> Deserialize<'de> for Rec {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<Rec, D::Error> {
            d.deserialize_any(RecVisitor)
        }
    }

    /// Reads only the first element of a sequence, and the first entry
    /// of a map: the reader must skip the rest as the tree ignores it.
    #[derive(Debug, PartialEq)]
    struct First(Option<Box<Rec>>);

    impl<'de> Deserialize<'de> for First {
        fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<First, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = First;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a list")
                }
                fn visit_seq<A: de::SeqAccess<'de>>(
                    self,
                    mut a: A,
                ) -> std::result::Result<First, A::Error> {
                    Ok(First(a.next_element::<Rec>()?.map(Box::new)))
                }
                fn visit_map<A: de::MapAccess<'de>>(
                    self,
                    mut a: A,
                ) -> std::result::Result<First, A::Error> {
                    Ok(First(a.next_key::<Rec>()?.map(Box::new)))
                }
            }
            d.deserialize_any(V)
        }
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Pool {
        name: String,
        size: u32,
        #[serde(default)]
        ratio: f64,
        hosts: Option<Vec<String>>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Level {
        Debug,
        Info,
        Limit(u8),
        Range(u8, u8),
        Named { a: u8 },
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct App {
        #[serde(default)]
        pools: Vec<Pool>,
        #[serde(default)]
        level: Option<Level>,
        #[serde(default)]
        limits: BTreeMap<String, i64>,
        #[serde(default)]
        flags: Vec<Atom>,
        #[serde(default)]
        extra: Option<Term>,
        #[serde(default)]
        verbose: bool,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Cfg {
        my_app: App,
        kernel: Option<Term>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        a: u8,
        b: Option<String>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Flat {
        #[serde(default)]
        a: Option<Rec>,
        #[serde(flatten)]
        rest: BTreeMap<String, Rec>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(untagged)]
    enum Untagged {
        N(i64),
        S(String),
        L(Vec<Untagged>),
        M(BTreeMap<String, Untagged>),
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct TupleS(u8, String);

    #[derive(Deserialize, Debug, PartialEq)]
    struct UnitS;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Newtype(Vec<i64>);

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(tag = "type")]
    enum Internal {
        A { x: u8 },
        B,
    }

    /// The reader and the tree agree on `text` read as a `T` (value, or
    /// error and its message), and the reader did not give up.
    fn same<T: DeserializeOwned + PartialEq + Debug>(text: &str) {
        let Ok(nodes) = crate::parse_nodes(text) else {
            // Syntax errors are the caller's (it validates first).
            return;
        };
        let tree: Result<T> = match nodes.as_slice() {
            [n] => super::super::from_node(n),
            _ => return,
        };
        let read: Result<T> = from_text(text);
        if let Err(e) = &read {
            assert!(
                !is_internal(e),
                "{text:?} as {}: {e}",
                std::any::type_name::<T>()
            );
        }
        assert_eq!(read, tree, "{text:?} as {}", std::any::type_name::<T>());
        if let (Err(a), Err(b)) = (&read, &tree) {
            assert_eq!(a.to_string(), b.to_string());
        }
    }

    /// The same for every term of `text` read as one list.
    fn same_all<T: DeserializeOwned + PartialEq + Debug>(text: &str) {
        let nodes = crate::parse_nodes(text).unwrap();
        let list = Node {
            span: top_span(text),
            kind: NodeKind::List(nodes, None),
        };
        let tree: Result<T> = super::super::from_node(&list);
        let read: Result<T> = from_text_all(text);
        if let Err(e) = &read {
            assert!(
                !is_internal(e),
                "{text:?} as {}: {e}",
                std::any::type_name::<T>()
            );
        }
        assert_eq!(
            read,
            tree,
            "all of {text:?} as {}",
            std::any::type_name::<T>()
        );
    }

    macro_rules! every_type {
        ($f:ident, $text:expr) => {{
            let t: &str = $text;
            $f::<Rec>(t);
            $f::<First>(t);
            $f::<Term>(t);
            $f::<Option<Term>>(t);
            $f::<Vec<Rec>>(t);
            $f::<Vec<Term>>(t);
            $f::<Vec<(Atom, Term)>>(t);
            $f::<(Atom, Term)>(t);
            $f::<(u8, u8)>(t);
            $f::<(Rec, Rec, Rec)>(t);
            $f::<[i64; 3]>(t);
            $f::<Vec<u8>>(t);
            $f::<Vec<char>>(t);
            $f::<Vec<Vec<i64>>>(t);
            $f::<String>(t);
            $f::<Option<String>>(t);
            $f::<Atom>(t);
            $f::<Option<Atom>>(t);
            $f::<BTreeMap<String, Rec>>(t);
            $f::<BTreeMap<Term, Term>>(t);
            $f::<BTreeMap<String, Vec<i64>>>(t);
            $f::<Vec<(String, Term)>>(t);
            $f::<Level>(t);
            $f::<Vec<Level>>(t);
            $f::<Option<Level>>(t);
            $f::<char>(t);
            $f::<f64>(t);
            $f::<f32>(t);
            $f::<i128>(t);
            $f::<u128>(t);
            $f::<u64>(t);
            $f::<i8>(t);
            $f::<bool>(t);
            $f::<()>(t);
            $f::<UnitS>(t);
            $f::<Newtype>(t);
            $f::<TupleS>(t);
            $f::<Cfg>(t);
            $f::<App>(t);
            $f::<Vec<Pool>>(t);
            $f::<Pool>(t);
            $f::<Strict>(t);
            $f::<Flat>(t);
            $f::<Untagged>(t);
            $f::<Internal>(t);
            $f::<de::IgnoredAny>(t);
        }};
    }

    /// Texts with every construct, well- and ill-shaped for the types.
    const CASES: &[&str] = &[
        "1.",
        "-1.",
        "- 1.",
        "+2.",
        "+ 2.5.",
        "-16#ff.",
        "2#101.",
        "16#FF_FF.",
        "1_000.",
        "300.",
        "99999999999999999999.",
        "-99999999999999999999.",
        "-9223372036854775808.",
        "-9223372036854775809.",
        "18446744073709551615.",
        "340282366920938463463374607431768211455.",
        "340282366920938463463374607431768211456.",
        "1.5.",
        "-0.0.",
        "1.0e10.",
        "1.0e300.",
        "$a.",
        "$\\n.",
        "-$a.",
        "$é.",
        "atom.",
        "'Quoted atom'.",
        "'a\\'b'.",
        "é.",
        "true.",
        "false.",
        "undefined.",
        "info.",
        "'Info'.",
        "\"str\".",
        "\"a\" \"b\".",
        "\"a\"\n %% between\n \"b\".",
        "\"\".",
        "\"x\".",
        "\"\\x{1F600}\\101\\^a\".",
        "[].",
        "[1,2,3].",
        "[1, 2, 3, 4].",
        "[1 | [2, 3]].",
        "[1 | [2 | [3]]].",
        "[1 | \"ab\"].",
        "[1 | x].",
        "[1, 2 | 3].",
        "[a | []].",
        "[{a, 1} | []].",
        "[{a, 1} | [{b, 2}]].",
        "[{a, 1} | \"b\"].",
        "[{a, 1} | ([{b, 2}])].",
        "[1 | ([2, 3])].",
        "[1 | (\"ab\")].",
        "[104, 105].",
        "[104, -1].",
        "[$h, $i | \"!\"].",
        "{}.",
        "{a}.",
        "{a, 1}.",
        "{a, 1, 2}.",
        "{1, \"s\"}.",
        "{300, 1}.",
        "{limit, 5}.",
        "{limit, x}.",
        "{limit, 5, 6}.",
        "{limit}.",
        "{range, 1, 2}.",
        "{range, 1}.",
        "{range, 1, 2, 3}.",
        "{range, x, 2, 3}.",
        "{named, [{a, 1}]}.",
        "{named, #{a => 1}}.",
        "{named, [{a, 1}], x}.",
        "{named, [{b, 1}]}.",
        "{debug}.",
        "{debug, 1}.",
        "{verbose, 1}.",
        "{'Info', x}.",
        "{\"limit\", 5}.",
        "{(limit), 5}.",
        "{[a], 5}.",
        "#{}.",
        "#{a => 1, b => [x]}.",
        "#{a => 1, a => 2}.",
        "#{\"k\" => 1}.",
        "#{1 => 2, 1.0 => 3}.",
        "#{type => a, x => 1}.",
        "#{my_app => #{pools => []}}.",
        "<<>>.",
        "<<\"abc\">>.",
        "<<1,2,3>>.",
        "<<1:4>>.",
        "<<\"é\"/utf8>>.",
        "<<255>>.",
        "fun m:f/1.",
        "[fun m:f/1].",
        "(1).",
        "([a, b]).",
        "({a, 1}).",
        "[(a), ({b, 2}), c].",
        "[{a, 1}, {a, 2}, b, b].",
        "[{a, 1}, {b, x, y}].",
        "[{a, bad}, {b, 1, 2}].",
        "[{a, bad}, 7].",
        "[{a, 1}, {a, 2, 3}].",
        "[{\"a\", 1}, {<<\"b\">>, 2}, {[99], 3}].",
        "[{1, 2}].",
        "[{1, 2}, {1, 3}].",
        "[verbose, {level, info}].",
        "[{type, 'A'}, {x, 1}].",
        "[{type, 'B'}].",
        "[{a, 1}, {b, \"x\"}].",
        "[{a, 1}, {b, \"x\"}, {c, 2}].",
        "[{a, 300}].",
        "[{b, 1}].",
        "[{a, [1, 2]}, {x, y}].",
        "[{name, \"db\"}, {size, 10}, {hosts, [\"h1\", <<\"h2\">>, 'h3']}].",
        "[{name, \"db\"}, {size, 10}, {ratio, 2}, {hosts, undefined}].",
        "[{name, \"db\"}, {size, -1}].",
        "[[{name, \"a\"}, {size, 1}], [{name, \"b\"}, {size, ten}]].",
        "[{my_app, [{pools, [[{name, \"a\"}, {size, 1}]]}, {level, {limit, 3}}, verbose, {limits, #{\"max\" => 9}}, {flags, [x, 'Y']}, {extra, {any, [thing]}}]}, {kernel, [{logger_level, info}]}].",
        "[{my_app, [{pools, []}, {level, verbose}]}].",
        "[{my_app, [{pools, []}, {level, {range, 1}}]}].",
        "[{my_app, [{pools, []}, {level, \"info\"}]}].",
        "[{my_app, [{pools, []}, {a, b, c}]}].",
        "[{my_app, [{limits, [{k, 1}, {k, 2}]}]}].",
        "[{my_app, [{limits, [{\"k\", 1}, {'k', 2}]}]}].",
        "[{my_app, []}, {my_app, [{verbose, false}]}].",
        "[{kernel, []}].",
        "[{my_app, [{pools, [\n  [{name, \"a\"}]]}]}].",
        "%% comment\n[{a, 1}, %% more\n {b, [\n  2]}].\n",
        "[a, b, c].",
        "[\"a\", \"b\"].",
        "[[1, 2], [3], []].",
        "[{a, 1}, 2].",
        "[x, {a, 1}].",
        "{{a, 1}, [b]}.",
        "[{a}].",
        "[{}].",
        "[{a, 1, 2}].",
        "[[]].",
        "{x, [1, 2 | y]}.",
        "[<<\"é\"/utf8>>, <<1:4>>].",
        "[{a, <<1, 2>>}, {b, <<\"t\">>}].",
        "[{'true', 1}].",
        "['true', {b, 2}].",
        "[{undefined, undefined}].",
    ];

    #[test]
    fn reader_agrees_with_the_tree_on_every_construct() {
        for text in CASES {
            every_type!(same, text);
        }
    }

    #[test]
    fn all_terms_agree_with_the_tree() {
        for text in [
            "",
            "1.",
            "1. 2. 3.",
            "{a, 1}.\n{b, [x]}.\n",
            "{a, 1}. {a, 2}.",
            "{a, 1}. b.",
            "{a, 1}. 7.",
            "{a, 1}. {b, 1, 2}.",
            "{erl_opts, [debug_info]}.\n{deps, []}.\n",
            "\"a\". \"b\".",
            "97. 98.",
            "{my_app, [{pools, []}]}. {kernel, []}.",
        ] {
            every_type!(same_all, text);
        }
    }

    #[test]
    fn depth_limits_agree_with_the_tree() {
        for n in [126, 127, 128, 129, 130, 200] {
            for (open, close) in [
                ("[", "]"),
                ("{", "}"),
                ("[{a, ", "}]"),
                ("#{a => ", "}"),
                ("{limit, ", "}"),
                ("[[{a, ", "}]]"),
            ] {
                let text = format!("{}1{}.", open.repeat(n), close.repeat(n));
                same::<Rec>(&text);
                same::<Term>(&text);
                same::<Level>(&text);
                same::<de::IgnoredAny>(&text);
            }
        }
    }

    /// Pseudo-random texts (fixed seeds): every construct at any depth,
    /// with comments and odd spacing.
    #[test]
    fn random_texts_agree_with_the_tree() {
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        fn term(next: &mut dyn FnMut(u64) -> u64, depth: u32, out: &mut String) {
            let ws = [" ", "", "\n  ", " %% c\n"];
            let leaves = [
                "a",
                "b",
                "info",
                "debug",
                "true",
                "undefined",
                "'Q q'",
                "1",
                "-1",
                "300",
                "2.5",
                "16#1F",
                "$x",
                "\"s\"",
                "\"a\" \"b\"",
                "\"\"",
                "<<\"bin\">>",
                "<<1:4>>",
                "(x)",
                "- 2",
                "99999999999999999999",
                "fun m:f/2",
                "#{}",
                "[]",
                "{}",
                "'é'",
                "limit",
                "range",
                "name",
                "size",
            ];
            let k = if depth >= 4 { 0 } else { next(9) };
            match k {
                0..=2 => out.push_str(leaves[next(leaves.len() as u64) as usize]),
                3 | 4 => {
                    out.push('[');
                    let n = next(5);
                    for i in 0..n {
                        if i > 0 {
                            out.push(',');
                        }
                        out.push_str(ws[next(4) as usize]);
                        term(next, depth + 1, out);
                    }
                    if n > 0 && next(6) == 0 {
                        out.push_str(" | ");
                        term(next, depth + 1, out);
                    }
                    out.push(']');
                }
                5 | 6 => {
                    // A pair (proplist element) or tagged tuple.
                    out.push('{');
                    let n = next(4);
                    for i in 0..n {
                        if i > 0 {
                            out.push(',');
                            out.push_str(ws[next(4) as usize]);
                        }
                        if i == 0 && next(2) == 0 {
                            out.push_str(
                                ["a", "b", "limit", "range", "name", "size"][next(6) as usize],
                            );
                        } else {
                            term(next, depth + 1, out);
                        }
                    }
                    out.push('}');
                }
                7 => {
                    out.push('[');
                    let n = next(5);
                    for i in 0..n {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        if next(5) == 0 {
                            out.push_str(["a", "b", "verbose"][next(3) as usize]);
                        } else {
                            out.push('{');
                            out.push_str(
                                ["a", "b", "name", "size", "\"a\"", "1"][next(6) as usize],
                            );
                            out.push_str(", ");
                            term(next, depth + 1, out);
                            out.push('}');
                        }
                    }
                    out.push(']');
                }
                _ => {
                    out.push_str("#{");
                    let n = next(3);
                    for i in 0..n {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        out.push_str(["a", "b", "\"a\"", "1"][next(4) as usize]);
                        out.push_str(" => ");
                        term(next, depth + 1, out);
                    }
                    out.push('}');
                }
            }
        }
        for _ in 0..3000 {
            let mut text = String::new();
            term(&mut next, 0, &mut text);
            text.push_str(".\n");
            every_type!(same, &text);
        }
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct AppProps {
        description: Option<String>,
        vsn: Option<String>,
        #[serde(default)]
        modules: Vec<Atom>,
        #[serde(default)]
        applications: Vec<Atom>,
        #[serde(rename = "mod")]
        start: Option<(Atom, Term)>,
        #[serde(default)]
        env: Vec<(Atom, Term)>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum AppFile {
        Application(Atom, AppProps),
    }

    type Appup = (String, Vec<(Term, Vec<Term>)>, Vec<(Term, Vec<Term>)>);

    /// Every file of the shared corpus and of the conformance cases: the
    /// reader agrees with the tree on its only term (when it has one) and
    /// on all its terms as one list.
    #[test]
    fn corpus_agrees_with_the_tree() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![
            here.join("../../shared/corpus"),
            here.join("tests/consult/cases"),
        ];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        let mut read = 0;
        for path in files {
            let bytes = std::fs::read(&path).unwrap();
            let (text, poisoned) = crate::encoding::decode(&bytes);
            if poisoned {
                continue;
            }
            let Ok(n) = crate::validate(&text) else {
                continue;
            };
            read += 1;
            if n == 1 {
                same::<Rec>(&text);
                same::<Term>(&text);
                same::<de::IgnoredAny>(&text);
                same::<AppFile>(&text);
                same::<Appup>(&text);
                same::<Vec<(Atom, Rec)>>(&text);
                same::<BTreeMap<String, BTreeMap<String, Rec>>>(&text);
            }
            same_all::<Rec>(&text);
            same_all::<Vec<Term>>(&text);
            same_all::<BTreeMap<String, Rec>>(&text);
        }
        assert!(read > 300, "only {read} files read");
    }
}
