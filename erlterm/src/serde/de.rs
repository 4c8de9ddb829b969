//! [`Node`]s and [`Term`]s to Rust values.

use std::collections::BTreeSet;

use ::serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use std::borrow::Cow;

use num_traits::ToPrimitive;

use super::error::{Error, ErrorKind, PathSegment};
use super::{write, MAGIC_ATOM, MAGIC_TERM};
use crate::node::{Node, NodeKind};
use crate::print::AtomText;
use crate::span::Span;
use crate::term::{Bitstring, Integer, Term};

type Result<T> = std::result::Result<T, Error>;

/// Default bound on the nesting of the values [`Deserializer`] descends into.
///
/// Each level costs several stack frames of serde-generated code; 128 keeps
/// debug builds well inside a 2 MiB thread stack (serde_json uses the same
/// bound). `Term` fields do not count: they are captured without recursion
/// through serde.
pub const DEFAULT_MAX_DEPTH: usize = 128;

mod private {
    use super::*;

    /// A borrowed view of a [`Node`] or a [`Term`].
    pub enum View<'a, N> {
        Atom(&'a str),
        Integer(&'a Integer),
        Float(f64),
        String(&'a str),
        List(&'a [N], Option<&'a N>),
        Tuple(&'a [N]),
        Map(&'a [(N, N)]),
        Bitstring(&'a Bitstring),
        Fun,
    }

    pub trait Sealed: Sized {
        fn src_view(&self) -> View<'_, Self>;
        fn src_span(&self) -> Option<Span>;
        fn src_term(&self) -> Term;
        /// Whether map entries may repeat a key (written maps do).
        const MAP_DUPLICATES: bool;
    }

    impl Sealed for Node {
        fn src_view(&self) -> View<'_, Self> {
            match &self.kind {
                NodeKind::Atom(a) => View::Atom(a.as_str()),
                NodeKind::Integer(i) => View::Integer(i),
                NodeKind::Float(f) => View::Float(*f),
                NodeKind::String(s) => View::String(s),
                NodeKind::List(items, tail) => View::List(items, tail.as_deref()),
                NodeKind::Tuple(items) => View::Tuple(items),
                NodeKind::Map(entries) => View::Map(entries),
                NodeKind::Bitstring(b) => View::Bitstring(b),
                NodeKind::Fun(_) => View::Fun,
            }
        }
        fn src_span(&self) -> Option<Span> {
            Some(self.span)
        }
        fn src_term(&self) -> Term {
            self.to_term()
        }
        const MAP_DUPLICATES: bool = true;
    }

    impl Sealed for Term {
        fn src_view(&self) -> View<'_, Self> {
            match self {
                Term::Atom(a) => View::Atom(a.as_str()),
                Term::Integer(i) => View::Integer(i),
                Term::Float(f) => View::Float(*f),
                Term::String(s) => View::String(s),
                Term::List(items) => View::List(items, None),
                Term::ImproperList(l) => View::List(l.items(), Some(l.tail())),
                Term::Tuple(items) => View::Tuple(items),
                Term::Map(entries) => View::Map(entries),
                Term::Bitstring(b) => View::Bitstring(b),
                Term::Fun(_) => View::Fun,
            }
        }
        fn src_span(&self) -> Option<Span> {
            None
        }
        fn src_term(&self) -> Term {
            self.clone()
        }
        const MAP_DUPLICATES: bool = false;
    }
}

use private::{Sealed, View};

/// What a [`Deserializer`] reads: [`Node`] (errors get positions) or
/// [`Term`]. Sealed: implemented by these two types only.
pub trait Source: Sealed {}
impl Source for Node {}
impl Source for Term {}

/// A serde `Deserializer` over a parsed [`Node`] or [`Term`].
///
/// Most programs call [`from_str`](crate::serde::from_str) or
/// [`from_term`](crate::serde::from_term); use this type directly to
/// borrow strings from the tree or to change the nesting limit.
///
/// ```
/// use serde::Deserialize;
/// let nodes = erlterm::parse_nodes("{'my app', \"1.0\"}.").unwrap();
/// let de = erlterm::serde::Deserializer::from_node(&nodes[0]);
/// let (name, vsn): (&str, &str) = Deserialize::deserialize(de).unwrap();
/// assert_eq!((name, vsn), ("my app", "1.0"));
/// ```
pub struct Deserializer<'a, N: Source = Node> {
    node: &'a N,
    depth: usize,
    max_depth: usize,
}

impl<'a> Deserializer<'a, Node> {
    /// Reads a node; errors carry its positions.
    pub fn from_node(node: &'a Node) -> Self {
        Deserializer {
            node,
            depth: 0,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

impl<'a> Deserializer<'a, Term> {
    /// Reads a term; errors carry paths but no positions.
    pub fn from_term(term: &'a Term) -> Self {
        Deserializer {
            node: term,
            depth: 0,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

impl<'a, N: Source> Deserializer<'a, N> {
    /// Sets the nesting bound (default [`DEFAULT_MAX_DEPTH`]); deeper values
    /// fail with [`ErrorKind::Depth`].
    ///
    /// ```
    /// let t = erlterm::parse_str("[[[1]]].").unwrap();
    /// let de = erlterm::serde::Deserializer::from_term(&t[0]).max_depth(2);
    /// let e = <Vec<Vec<Vec<u8>>> as serde::Deserialize>::deserialize(de).unwrap_err();
    /// assert_eq!(e.kind(), &erlterm::serde::ErrorKind::Depth(2));
    /// ```
    pub fn max_depth(mut self, max_depth: usize) -> Self {
        self.max_depth = max_depth;
        self
    }

    fn child(&self, node: &'a N) -> Result<Deserializer<'a, N>> {
        let depth = self.depth + 1;
        if depth > self.max_depth {
            return Err(Error::new(ErrorKind::Depth(self.max_depth)).at(node.src_span()));
        }
        Ok(Deserializer {
            node,
            depth,
            max_depth: self.max_depth,
        })
    }

    fn span(&self) -> Option<Span> {
        self.node.src_span()
    }

    fn invalid(&self, expected: &str) -> Error {
        Error::new(ErrorKind::InvalidType {
            expected: expected.into(),
            found: describe(self.node),
        })
        .at(self.span())
    }

    fn integer(&self, expected: &'static str) -> Result<&'a Integer> {
        match self.node.src_view() {
            View::Integer(i) => Ok(i),
            _ => Err(self.invalid(expected)),
        }
    }

    fn int<T: TryFrom<i128>>(&self, target: &'static str) -> Result<T> {
        let i = self.integer(target)?;
        i.to_i128()
            .and_then(|v| T::try_from(v).ok())
            .ok_or_else(|| {
                Error::new(ErrorKind::OutOfRange {
                    value: i.to_string(),
                    target,
                })
                .at(self.span())
            })
    }

    fn float(&self) -> Result<f64> {
        match self.node.src_view() {
            View::Float(f) => Ok(f),
            View::Integer(i) => Ok(i.to_f64()),
            _ => Err(self.invalid("float")),
        }
    }

    /// The text of a string literal, char list, UTF-8 binary or atom.
    fn text(&self) -> Result<Text<'a>> {
        match self.node.src_view() {
            View::String(s) | View::Atom(s) => Ok(Text::Borrowed(s)),
            View::Bitstring(b) => match b.as_utf8() {
                Some(s) => Ok(Text::Borrowed(s)),
                None => Err(self.invalid("string (a binary of UTF-8 text)")),
            },
            View::List(..) => {
                let mut s = String::new();
                let mut it = ListIter::new(self.node);
                loop {
                    match it.next() {
                        Ok(Some(Elem::Char(c, _))) => s.push(c),
                        Ok(Some(Elem::Node(n))) => match n.src_view() {
                            View::Integer(i) => {
                                match i.to_i64().and_then(|v| u32::try_from(v).ok()) {
                                    Some(c) if char::from_u32(c).is_some() => {
                                        s.extend(char::from_u32(c));
                                    }
                                    _ => return Err(self.invalid("string")),
                                }
                            }
                            _ => return Err(self.invalid("string")),
                        },
                        Ok(None) => return Ok(Text::Owned(s)),
                        Err(_) => return Err(self.invalid("string")),
                    }
                }
            }
            _ => Err(self.invalid("string")),
        }
    }

    fn bytes(&self) -> Result<Bytes<'a>> {
        match self.node.src_view() {
            View::Bitstring(b) if b.is_binary() => Ok(Bytes::Borrowed(b.bytes())),
            View::String(_) | View::List(..) => {
                let mut out = Vec::new();
                let mut it = ListIter::new(self.node);
                loop {
                    let b = match it.next() {
                        Ok(Some(Elem::Char(c, _))) => u8::try_from(u32::from(c)).ok(),
                        Ok(Some(Elem::Node(n))) => n.src_view_int_u8(),
                        Ok(None) => return Ok(Bytes::Owned(out)),
                        Err(_) => None,
                    };
                    match b {
                        Some(b) => out.push(b),
                        None => return Err(self.invalid("binary")),
                    }
                }
            }
            _ => Err(self.invalid("binary")),
        }
    }

    fn seq_of(&self, items: &'a [N], first: usize) -> NodeSeq<'a, N> {
        NodeSeq {
            items: items.iter(),
            index: first,
            parent: Deserializer {
                node: self.node,
                depth: self.depth,
                max_depth: self.max_depth,
            },
        }
    }

    fn list_seq(&self) -> ListSeq<'a, N> {
        ListSeq {
            iter: ListIter::new(self.node),
            index: 0,
            parent: Deserializer {
                node: self.node,
                depth: self.depth,
                max_depth: self.max_depth,
            },
        }
    }

    /// Entries of a map or proplist, for `deserialize_map`/`_struct`.
    fn entries(&self, expected: &str) -> Result<Entries<'a, N>> {
        match self.node.src_view() {
            View::Map(entries) => {
                let keep = if N::MAP_DUPLICATES {
                    last_of_each_key(entries)
                } else {
                    vec![true; entries.len()]
                };
                let list = entries
                    .iter()
                    .zip(keep)
                    .filter(|(_, k)| *k)
                    .map(|((k, v), _)| Entry {
                        key: EntryKey::Node(k),
                        value: EntryValue::Node(v),
                        index: None,
                    })
                    .collect();
                Ok(Entries { list })
            }
            View::String("") => Ok(Entries { list: Vec::new() }),
            View::List(..) => {
                let mut list = Vec::new();
                let mut seen = BTreeSet::new();
                let mut it = ListIter::new(self.node);
                let mut index = 0usize;
                loop {
                    let elem = match it.next() {
                        Ok(Some(Elem::Node(n))) => n,
                        Ok(Some(Elem::Char(..))) | Err(_) => return Err(self.invalid(expected)),
                        Ok(None) => break,
                    };
                    let (key, value) = match elem.src_view() {
                        View::Tuple([k, v]) => (EntryKey::Node(k), EntryValue::Node(v)),
                        View::Atom(a) => (EntryKey::Atom(a, elem.src_span()), EntryValue::True),
                        _ => {
                            return Err(Error::new(ErrorKind::InvalidType {
                                expected: "{Key, Value} or atom in a proplist".into(),
                                found: describe(elem),
                            })
                            .at(elem.src_span())
                            .under(PathSegment::Index(index)))
                        }
                    };
                    // proplists: the first occurrence of a key wins.
                    if seen.insert(key.term()) {
                        list.push(Entry {
                            key,
                            value,
                            index: Some(index),
                        });
                    }
                    index += 1;
                }
                Ok(Entries { list })
            }
            _ => Err(self.invalid(expected)),
        }
    }
}

trait IntView {
    fn src_view_int_u8(&self) -> Option<u8>;
}

impl<N: Source> IntView for N {
    fn src_view_int_u8(&self) -> Option<u8> {
        match self.src_view() {
            View::Integer(i) => i.to_i64().and_then(|v| u8::try_from(v).ok()),
            _ => None,
        }
    }
}

enum Text<'a> {
    Borrowed(&'a str),
    Owned(String),
}

enum Bytes<'a> {
    Borrowed(&'a [u8]),
    Owned(Vec<u8>),
}

/// For written maps: keeps only the last entry of each key (OTP semantics).
fn last_of_each_key<N: Source>(entries: &[(N, N)]) -> Vec<bool> {
    let keys: Vec<Term> = entries.iter().map(|(k, _)| k.src_term()).collect();
    last_of_each_term(&keys)
}

/// Which of `keys` is the last of its value (`true`), the others being
/// overridden by a later equal key, as in a written map.
pub(crate) fn last_of_each_term(keys: &[Term]) -> Vec<bool> {
    let mut order: Vec<(usize, &Term)> = keys.iter().enumerate().collect();
    order.sort_by(|(a, ka), (b, kb)| ka.cmp(kb).then(a.cmp(b)));
    let mut keep = vec![true; keys.len()];
    for w in order.windows(2) {
        if let [(i, ka), (_, kb)] = w {
            if ka == kb {
                if let Some(k) = keep.get_mut(*i) {
                    *k = false;
                }
            }
        }
    }
    keep
}

/// A short description of a value for "found ..." messages.
pub(crate) fn describe<N: Source>(n: &N) -> String {
    match n.src_view() {
        View::Atom(a) => format!("atom {}", AtomText(a)),
        View::Integer(i) => {
            let s = i.to_string();
            if s.len() > 24 {
                format!("integer of {} digits", s.len())
            } else {
                format!("integer {s}")
            }
        }
        View::Float(f) => format!("float {}", crate::print::format_float(f)),
        View::String("") => "empty list".into(),
        View::String(s) => {
            let short: String = s.chars().take(24).collect();
            let more = if short.len() < s.len() { "..." } else { "" };
            format!("string {short:?}{more}")
        }
        View::List([], None) => "empty list".into(),
        View::List(_, Some(_)) => "improper list".into(),
        View::List(..) => "list".into(),
        View::Tuple(items) => match items.first().map(|t| t.src_view()) {
            Some(View::Atom(a)) => format!("tuple {{{}, ...}} of {}", AtomText(a), items.len()),
            _ => format!("tuple of {}", items.len()),
        },
        View::Map(_) => "map".into(),
        View::Bitstring(b) if b.is_binary() => "binary".into(),
        View::Bitstring(_) => "bitstring".into(),
        View::Fun => "fun".into(),
    }
}

fn key_segment<N: Source>(k: &N) -> PathSegment {
    match k.src_view() {
        View::Atom(a) => PathSegment::Key(AtomText(a).to_string()),
        _ => PathSegment::Term(write::compact(&k.src_term()).unwrap_or_else(|| "...".into())),
    }
}

/// One element of a list: a node, or a code point of a string literal.
enum Elem<'a, N> {
    Node(&'a N),
    Char(char, Option<Span>),
}

/// Walks a list through string literals and list tails.
struct ListIter<'a, N> {
    items: std::slice::Iter<'a, N>,
    chars: Option<(std::str::Chars<'a>, Option<Span>)>,
    tail: Option<&'a N>,
}

impl<'a, N: Source> ListIter<'a, N> {
    fn new(n: &'a N) -> Self {
        let mut it = ListIter {
            items: [].iter(),
            chars: None,
            tail: None,
        };
        it.enter(n);
        it
    }

    /// Returns `false` if `n` is not a list.
    fn enter(&mut self, n: &'a N) -> bool {
        match n.src_view() {
            View::String(s) => {
                self.items = [].iter();
                self.chars = Some((s.chars(), n.src_span()));
                self.tail = None;
                true
            }
            View::List(items, tail) => {
                self.items = items.iter();
                self.chars = None;
                self.tail = tail;
                true
            }
            _ => false,
        }
    }

    /// The next element; `Err(tail)` for an improper list.
    fn next(&mut self) -> std::result::Result<Option<Elem<'a, N>>, &'a N> {
        loop {
            if let Some((chars, span)) = &mut self.chars {
                return Ok(chars.next().map(|c| Elem::Char(c, *span)));
            }
            if let Some(n) = self.items.next() {
                return Ok(Some(Elem::Node(n)));
            }
            match self.tail.take() {
                None => return Ok(None),
                Some(t) => {
                    if !self.enter(t) {
                        return Err(t);
                    }
                }
            }
        }
    }

    fn size_hint(&self) -> Option<usize> {
        match (&self.chars, self.tail) {
            (None, None) => Some(self.items.len()),
            _ => None,
        }
    }
}

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

/// Elements of a tuple (or of a tagged tuple after the tag).
struct NodeSeq<'a, N: Source> {
    items: std::slice::Iter<'a, N>,
    index: usize,
    parent: Deserializer<'a, N>,
}

impl<'de, N: Source> de::SeqAccess<'de> for NodeSeq<'de, N> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let Some(n) = self.items.next() else {
            return Ok(None);
        };
        let i = self.index;
        self.index += 1;
        let r = self
            .parent
            .child(n)
            .and_then(|d| seed.deserialize(d).map_err(|e: Error| e.at(n.src_span())));
        r.map(Some)
            .map_err(|e: Error| e.under(PathSegment::Index(i)))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// Elements of a list.
struct ListSeq<'a, N: Source> {
    iter: ListIter<'a, N>,
    index: usize,
    parent: Deserializer<'a, N>,
}

impl<'de, N: Source> de::SeqAccess<'de> for ListSeq<'de, N> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        let i = self.index;
        self.index += 1;
        let r = match self.iter.next() {
            Ok(None) => return Ok(None),
            Ok(Some(Elem::Node(n))) => self
                .parent
                .child(n)
                .and_then(|d| seed.deserialize(d).map_err(|e: Error| e.at(n.src_span()))),
            Ok(Some(Elem::Char(c, span))) => {
                seed.deserialize(CharDe(c)).map_err(|e: Error| e.at(span))
            }
            Err(tail) => Err(Error::new(ErrorKind::InvalidType {
                expected: "proper list".into(),
                found: format!("improper list with tail {}", describe(tail)),
            })
            .at(tail.src_span())),
        };
        r.map(Some)
            .map_err(|e: Error| e.under(PathSegment::Index(i)))
    }
    fn size_hint(&self) -> Option<usize> {
        self.iter.size_hint()
    }
}

enum EntryKey<'a, N> {
    Node(&'a N),
    /// A bare atom in a proplist (`debug` = `{debug, true}`).
    Atom(&'a str, Option<Span>),
}

impl<N: Source> EntryKey<'_, N> {
    fn term(&self) -> Term {
        match self {
            EntryKey::Node(n) => n.src_term(),
            EntryKey::Atom(a, _) => Term::atom(a),
        }
    }
}

enum EntryValue<'a, N> {
    Node(&'a N),
    True,
}

struct Entry<'a, N> {
    key: EntryKey<'a, N>,
    value: EntryValue<'a, N>,
    /// Position in a proplist.
    index: Option<usize>,
}

struct Entries<'a, N> {
    list: Vec<Entry<'a, N>>,
}

/// Entries of a map or proplist.
struct MapAcc<'a, N: Source> {
    entries: std::vec::IntoIter<Entry<'a, N>>,
    current: Option<Entry<'a, N>>,
    parent: Deserializer<'a, N>,
}

impl<'de, N: Source> de::MapAccess<'de> for MapAcc<'de, N> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        let r = match &entry.key {
            EntryKey::Node(k) => {
                let span = k.src_span();
                self.parent
                    .child(k)
                    .and_then(|d| seed.deserialize(d).map_err(|e: Error| e.at(span)))
            }
            EntryKey::Atom(a, span) => seed
                .deserialize(AtomKey(Cow::Borrowed(a)))
                .map_err(|e: Error| e.at(*span)),
        };
        let r = match entry.index {
            Some(i) => r.map_err(|e: Error| e.under(PathSegment::Index(i))),
            None => r,
        };
        self.current = Some(entry);
        r.map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let Some(entry) = self.current.take() else {
            return Err(Error::new(ErrorKind::Custom(
                "value requested before key".into(),
            )));
        };
        let seg = match &entry.key {
            EntryKey::Node(k) => key_segment(*k),
            EntryKey::Atom(a, _) => PathSegment::Key(AtomText(a).to_string()),
        };
        let r = match entry.value {
            EntryValue::Node(v) => self
                .parent
                .child(v)
                .and_then(|d| seed.deserialize(d).map_err(|e: Error| e.at(v.src_span()))),
            EntryValue::True => {
                let span = match entry.key {
                    EntryKey::Atom(_, s) => s,
                    EntryKey::Node(k) => k.src_span(),
                };
                seed.deserialize(TrueDe).map_err(|e: Error| e.at(span))
            }
        };
        r.map_err(|e: Error| e.under(seg))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The key of a bare proplist atom (borrowed from the tree, or read from
/// the text by `serde::read`).
pub(super) struct AtomKey<'a>(pub(super) Cow<'a, str>);

impl<'de> de::Deserializer<'de> for AtomKey<'de> {
    type Error = Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_str(&s),
        }
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == MAGIC_TERM {
            return visitor.visit_string(AtomText(&self.0).to_string());
        }
        if name == MAGIC_ATOM {
            return self.deserialize_any(visitor);
        }
        visitor.visit_newtype_struct(self)
    }
    ::serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The implicit `true` of a bare proplist atom.
pub(super) struct TrueDe;

impl<'de> de::Deserializer<'de> for TrueDe {
    type Error = Error;
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_bool(true)
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_some(self)
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == MAGIC_TERM || name == MAGIC_ATOM {
            return visitor.visit_str("true");
        }
        visitor.visit_newtype_struct(self)
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum("true".into_deserializer())
    }
    ::serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

/// An enum written as an atom (unit variant) or a tagged tuple.
struct EnumAcc<'a, N: Source> {
    tag: &'a N,
    rest: Option<&'a [N]>,
    parent: Deserializer<'a, N>,
}

impl<'de, N: Source> de::EnumAccess<'de> for EnumAcc<'de, N> {
    type Error = Error;
    type Variant = Self;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let d = Deserializer {
            node: self.tag,
            depth: self.parent.depth,
            max_depth: self.parent.max_depth,
        };
        let v = seed
            .deserialize(d)
            .map_err(|e: Error| e.at(self.tag.src_span()))?;
        Ok((v, self))
    }
}

impl<'de, N: Source> EnumAcc<'de, N> {
    fn shape_error(&self, expected: &str) -> Error {
        self.parent.invalid(expected)
    }
}

impl<'de, N: Source> de::VariantAccess<'de> for EnumAcc<'de, N> {
    type Error = Error;
    fn unit_variant(self) -> Result<()> {
        match self.rest {
            None | Some([]) => Ok(()),
            Some(_) => Err(self.shape_error("atom (a unit variant)")),
        }
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        match self.rest {
            Some([v]) => {
                let d = self.parent.child(v)?;
                seed.deserialize(d)
                    .map_err(|e: Error| e.at(v.src_span()).under(PathSegment::Index(1)))
            }
            _ => Err(self.shape_error("tagged tuple {Tag, Value}")),
        }
    }
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        match self.rest {
            Some(items) if items.len() == len => {
                let mut seq = self.parent.seq_of(items, 1);
                let v = visitor.visit_seq(&mut seq)?;
                Ok(v)
            }
            _ => Err(self.shape_error(&format!("tagged tuple of {}", len + 1))),
        }
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.rest {
            Some([v]) => {
                let d = self.parent.child(v)?;
                de::Deserializer::deserialize_struct(d, "", fields, visitor)
                    .map_err(|e: Error| e.at(v.src_span()).under(PathSegment::Index(1)))
            }
            _ => Err(self.shape_error("tagged tuple {Tag, [{Key, Value}, ...]}")),
        }
    }
}

impl<'de, N: Source> Deserializer<'de, N> {
    fn copy(&self) -> Deserializer<'de, N> {
        Deserializer {
            node: self.node,
            depth: self.depth,
            max_depth: self.max_depth,
        }
    }

    fn visit_entries<V: Visitor<'de>>(
        self,
        entries: Entries<'de, N>,
        visitor: V,
    ) -> Result<V::Value> {
        let span = self.span();
        let mut acc = MapAcc {
            entries: entries.list.into_iter(),
            current: None,
            parent: self,
        };
        visitor.visit_map(&mut acc).map_err(|e: Error| e.at(span))
    }

    fn visit_list<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let span = self.span();
        let mut seq = self.list_seq();
        visitor.visit_seq(&mut seq).map_err(|e: Error| e.at(span))
    }

    /// Whether the node is a non-empty proper list of `{atom, _}` pairs.
    fn is_proplist(&self) -> bool {
        let View::List(items, None) = self.node.src_view() else {
            return false;
        };
        !items.is_empty()
            && items.iter().all(|it| {
                matches!(it.src_view(), View::Tuple([k, _]) if matches!(k.src_view(), View::Atom(_)))
            })
    }

    fn tuple_like<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        let span = self.span();
        match self.node.src_view() {
            View::Tuple(items) if items.len() == len => {
                let mut seq = self.seq_of(items, 0);
                visitor.visit_seq(&mut seq).map_err(|e: Error| e.at(span))
            }
            View::List(..) | View::String(_) => {
                let mut seq = self.list_seq();
                let v = visitor.visit_seq(&mut seq).map_err(|e: Error| e.at(span))?;
                match seq.iter.next() {
                    Ok(None) => Ok(v),
                    _ => Err(Error::new(ErrorKind::InvalidLength {
                        len: seq.index + 1,
                        expected: format!("list of {len}"),
                    })
                    .at(span)),
                }
            }
            _ => Err(self.invalid(&format!("tuple of {len}"))),
        }
    }
}

macro_rules! ints {
    ($($method:ident $visit:ident $ty:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let v: $ty = self.int(stringify!($ty))?;
            visitor.$visit(v).map_err(|e: Error| e.at(self.span()))
        }
    )*};
}

impl<'de, N: Source> de::Deserializer<'de> for Deserializer<'de, N> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let span = self.span();
        let r = match self.node.src_view() {
            View::Atom("true") => visitor.visit_bool(true),
            View::Atom("false") => visitor.visit_bool(false),
            View::Atom(a) => visitor.visit_borrowed_str(a),
            View::Integer(i) => {
                if let Some(v) = i.to_i64() {
                    visitor.visit_i64(v)
                } else if let Some(v) = i.to_bigint().to_u64() {
                    visitor.visit_u64(v)
                } else if let Some(v) = i.to_i128() {
                    visitor.visit_i128(v)
                } else if let Some(v) = i.to_bigint().to_u128() {
                    visitor.visit_u128(v)
                } else {
                    return Err(Error::new(ErrorKind::OutOfRange {
                        value: i.to_string(),
                        target: "i128/u128",
                    })
                    .at(span));
                }
            }
            View::Float(f) => visitor.visit_f64(f),
            View::String(s) => visitor.visit_borrowed_str(s),
            View::List(..) if self.is_proplist() => {
                let entries = self.entries("proplist")?;
                return self.visit_entries(entries, visitor);
            }
            View::List(..) => return self.visit_list(visitor),
            View::Tuple(items) => {
                let mut seq = self.seq_of(items, 0);
                visitor.visit_seq(&mut seq)
            }
            View::Map(_) => {
                let entries = self.entries("map")?;
                return self.visit_entries(entries, visitor);
            }
            View::Bitstring(b) if b.is_binary() => visitor.visit_borrowed_bytes(b.bytes()),
            View::Bitstring(_) | View::Fun => return Err(self.invalid("a serde value")),
        };
        r.map_err(|e: Error| e.at(span))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.node.src_view() {
            View::Atom("true") => visitor.visit_bool(true),
            View::Atom("false") => visitor.visit_bool(false),
            _ => Err(self.invalid("true or false")),
        }
        .map_err(|e: Error| e.at(self.span()))
    }

    ints! {
        deserialize_i8 visit_i8 i8
        deserialize_i16 visit_i16 i16
        deserialize_i32 visit_i32 i32
        deserialize_i64 visit_i64 i64
        deserialize_i128 visit_i128 i128
        deserialize_u8 visit_u8 u8
        deserialize_u16 visit_u16 u16
        deserialize_u32 visit_u32 u32
        deserialize_u64 visit_u64 u64
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let i = self.integer("u128")?;
        let v = i.to_bigint().to_u128().ok_or_else(|| {
            Error::new(ErrorKind::OutOfRange {
                value: i.to_string(),
                target: "u128",
            })
            .at(self.span())
        })?;
        visitor.visit_u128(v).map_err(|e: Error| e.at(self.span()))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let f = self.float()?;
        let v = f as f32;
        if v.is_infinite() {
            return Err(Error::new(ErrorKind::OutOfRange {
                value: crate::print::format_float(f),
                target: "f32",
            })
            .at(self.span()));
        }
        visitor.visit_f32(v).map_err(|e: Error| e.at(self.span()))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let f = self.float()?;
        visitor.visit_f64(f).map_err(|e: Error| e.at(self.span()))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let c = match self.node.src_view() {
            View::Integer(i) => i
                .to_i64()
                .and_then(|v| u32::try_from(v).ok())
                .and_then(char::from_u32),
            View::String(s) => {
                let mut it = s.chars();
                match (it.next(), it.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            }
            _ => None,
        };
        match c {
            Some(c) => visitor.visit_char(c).map_err(|e: Error| e.at(self.span())),
            None => Err(self.invalid("character (a code point)")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.text()? {
            Text::Borrowed(s) => visitor.visit_borrowed_str(s),
            Text::Owned(s) => visitor.visit_string(s),
        }
        .map_err(|e: Error| e.at(self.span()))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.bytes()? {
            Bytes::Borrowed(b) => visitor.visit_borrowed_bytes(b),
            Bytes::Owned(b) => visitor.visit_byte_buf(b),
        }
        .map_err(|e: Error| e.at(self.span()))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.node.src_view() {
            View::Atom("undefined") => visitor.visit_none().map_err(|e: Error| e.at(self.span())),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.node.src_view() {
            View::Tuple([]) => visitor.visit_unit().map_err(|e: Error| e.at(self.span())),
            _ => Err(self.invalid("{}")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        let span = self.span();
        if name == MAGIC_TERM {
            let term = self.node.src_term();
            if write::compact_depth_exceeded(&term) {
                return Err(Error::new(ErrorKind::Depth(write::MAX_WRITE_DEPTH)).at(span));
            }
            return super::visit_stashed(visitor, term).map_err(|e: Error| e.at(span));
        }
        if name == MAGIC_ATOM {
            return match self.node.src_view() {
                View::Atom(a) => visitor.visit_borrowed_str(a).map_err(|e: Error| e.at(span)),
                _ => Err(self.invalid("atom")),
            };
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let span = self.span();
        match self.node.src_view() {
            View::List(..) | View::String(_) => self.visit_list(visitor),
            View::Bitstring(b) if b.is_binary() => {
                let seq = de::value::SeqDeserializer::<_, Error>::new(b.bytes().iter().copied());
                de::Deserializer::deserialize_seq(seq, visitor).map_err(|e: Error| e.at(span))
            }
            _ => Err(self.invalid("list")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value> {
        self.tuple_like(len, visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.tuple_like(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        let entries = self.entries("map or proplist")?;
        self.visit_entries(entries, visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let entries = self.entries("proplist [{Key, Value}] or map")?;
        self.visit_entries(entries, visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let span = self.span();
        let (tag, rest) = match self.node.src_view() {
            View::Atom(_) => (self.node, None),
            View::Tuple([tag, rest @ ..]) if matches!(tag.src_view(), View::Atom(_)) => {
                (tag, Some(rest))
            }
            _ => return Err(self.invalid("atom or tagged tuple {Tag, ...}")),
        };
        let acc = EnumAcc {
            tag,
            rest,
            parent: self.copy(),
        };
        visitor.visit_enum(acc).map_err(|e: Error| e.at(span))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.node.src_view() {
            View::Atom(a) => visitor.visit_borrowed_str(a),
            View::String(_) | View::List(..) | View::Bitstring(_) => match self.text()? {
                Text::Borrowed(s) => visitor.visit_borrowed_str(s),
                Text::Owned(s) => visitor.visit_string(s),
            },
            _ => Err(self.invalid("atom")),
        }
        .map_err(|e: Error| e.at(self.span()))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }
}
