//! The `Term` model: the values `file:consult/1` can return.
//!
//! Equality is Erlang's exact equality (`=:=`), and `Ord` is Erlang's term
//! order made total and consistent with it (see [`Term::cmp`]). A string
//! literal is kept as [`Term::String`] to save memory, but it *is* a list of
//! integers: `"ab"` equals `[97, 98]` and prints as `[97,98]`.

use std::cmp::Ordering;
use std::fmt;

use compact_str::CompactString;
use num_bigint::BigInt;
use num_traits::ToPrimitive;

/// An Erlang atom: at most 255 Unicode characters.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Atom(CompactString);

impl Atom {
    /// Creates an atom from its text (no length check: the parser enforces
    /// the 255-character limit on input).
    #[inline]
    pub fn new(name: &str) -> Self {
        Atom(CompactString::new(name))
    }

    /// The atom's characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", crate::print::AtomText(self.as_str()))
    }
}

impl fmt::Display for Atom {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", crate::print::AtomText(self.as_str()))
    }
}

impl From<&str> for Atom {
    fn from(s: &str) -> Self {
        Atom::new(s)
    }
}

impl AsRef<str> for Atom {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

/// The characters of a string literal ([`Term::String`]).
///
/// Texts of up to 24 bytes are stored inline, without an allocation: most
/// strings in config files are short paths and names, and storing them
/// inline made building a config file's terms about 10% faster. A `Text`
/// reads as a `str` (through `Deref`) and converts from and to `String`.
///
/// ```
/// use erlterm::{Term, Text};
/// let t = &erlterm::parse_str(r#""/var/log"."#).unwrap()[0];
/// let Term::String(text) = t else { panic!("a string") };
/// assert_eq!(text, "/var/log");
/// assert!(text.starts_with('/'));
/// assert_eq!(Term::String(Text::from("ab")), Term::string("ab"));
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Text(CompactString);

impl Text {
    /// A text holding `s`.
    #[inline]
    pub fn new(s: &str) -> Self {
        Text(CompactString::new(s))
    }

    /// The characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Appends `s` (adjacent string literals are one string).
    #[inline]
    pub fn push_str(&mut self, s: &str) {
        self.0.push_str(s);
    }

    /// Appends one character.
    #[inline]
    pub fn push(&mut self, c: char) {
        self.0.push(c);
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::new(s)
    }
}

/// Keeps `s`'s buffer when it is too long to be stored inline.
impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(CompactString::from(s))
    }
}

impl From<std::borrow::Cow<'_, str>> for Text {
    fn from(s: std::borrow::Cow<'_, str>) -> Self {
        match s {
            std::borrow::Cow::Borrowed(s) => Text::new(s),
            std::borrow::Cow::Owned(s) => Text::from(s),
        }
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.0.into_string()
    }
}

impl FromIterator<char> for Text {
    fn from_iter<I: IntoIterator<Item = char>>(iter: I) -> Self {
        Text(iter.into_iter().collect())
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

/// Like `str`'s: the text in double quotes, with Rust's escapes.
impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

/// The characters as they are (not as an Erlang literal).
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An integer of any size. Values that fit in `i64` are stored inline.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Integer(IntRepr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum IntRepr {
    Small(i64),
    // Invariant: never fits in i64.
    Big(Box<BigInt>),
}

impl Integer {
    /// The value as `i64`, if it fits.
    pub fn to_i64(&self) -> Option<i64> {
        match &self.0 {
            IntRepr::Small(v) => Some(*v),
            IntRepr::Big(_) => None,
        }
    }

    /// The value as `i128`, if it fits.
    pub fn to_i128(&self) -> Option<i128> {
        match &self.0 {
            IntRepr::Small(v) => Some(i128::from(*v)),
            IntRepr::Big(b) => b.to_i128(),
        }
    }

    /// The value as a [`BigInt`].
    pub fn to_bigint(&self) -> BigInt {
        match &self.0 {
            IntRepr::Small(v) => BigInt::from(*v),
            IntRepr::Big(b) => (**b).clone(),
        }
    }

    /// The value as the nearest `f64` (used to compare with floats).
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            IntRepr::Small(v) => *v as f64,
            IntRepr::Big(b) => b.to_f64().unwrap_or(f64::NAN),
        }
    }

    /// Whether the value is negative.
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            IntRepr::Small(v) => *v < 0,
            IntRepr::Big(b) => b.sign() == num_bigint::Sign::Minus,
        }
    }

    fn cmp_int(&self, other: &Integer) -> Ordering {
        match (&self.0, &other.0) {
            (IntRepr::Small(a), IntRepr::Small(b)) => a.cmp(b),
            _ => self.to_bigint().cmp(&other.to_bigint()),
        }
    }
}

impl From<i64> for Integer {
    fn from(v: i64) -> Self {
        Integer(IntRepr::Small(v))
    }
}

impl From<i32> for Integer {
    fn from(v: i32) -> Self {
        Integer(IntRepr::Small(i64::from(v)))
    }
}

impl From<u32> for Integer {
    fn from(v: u32) -> Self {
        Integer(IntRepr::Small(i64::from(v)))
    }
}

impl From<BigInt> for Integer {
    fn from(v: BigInt) -> Self {
        match v.to_i64() {
            Some(s) => Integer(IntRepr::Small(s)),
            None => Integer(IntRepr::Big(Box::new(v))),
        }
    }
}

impl From<i128> for Integer {
    fn from(v: i128) -> Self {
        match i64::try_from(v) {
            Ok(s) => Integer(IntRepr::Small(s)),
            Err(_) => Integer::from(BigInt::from(v)),
        }
    }
}

impl From<u64> for Integer {
    fn from(v: u64) -> Self {
        Integer::from(i128::from(v))
    }
}

impl fmt::Display for Integer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            IntRepr::Small(v) => write!(f, "{v}"),
            IntRepr::Big(b) => write!(f, "{b}"),
        }
    }
}

impl fmt::Debug for Integer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A bitstring: whole bytes followed by 0..=7 trailing bits.
///
/// A binary is a bitstring whose bit length is a multiple of 8.
#[derive(Clone, Default)]
pub struct Bitstring {
    bytes: Storage,
}

/// Bytes this short are stored inside the term: most binaries in config
/// files are short names, and a heap allocation each was a tenth of the
/// time spent building terms. 21 keeps `Bitstring` at 24 bytes (with the
/// length, the trailing-bit count and the variant tag) and so `Term` at 32.
const INLINE_BYTES: usize = 21;

/// The bytes, and the number of meaningful bits in the last one (0 = all 8
/// bits, i.e. a binary), kept in each variant so that they share the tag's
/// word.
#[derive(Clone)]
enum Storage {
    Inline {
        len: u8,
        trailing_bits: u8,
        buf: [u8; INLINE_BYTES],
    },
    // A boxed slice, not a `Vec`: it keeps `Term` at 32 bytes.
    Heap {
        trailing_bits: u8,
        bytes: Box<[u8]>,
    },
}

impl Default for Storage {
    fn default() -> Self {
        Storage::from_slice(&[], 0)
    }
}

impl Storage {
    fn new(bytes: Vec<u8>, trailing_bits: u8) -> Self {
        if bytes.len() <= INLINE_BYTES {
            Storage::from_slice(&bytes, trailing_bits)
        } else {
            Storage::Heap {
                trailing_bits,
                bytes: bytes.into_boxed_slice(),
            }
        }
    }

    fn from_slice(bytes: &[u8], trailing_bits: u8) -> Self {
        if bytes.len() <= INLINE_BYTES {
            let mut buf = [0; INLINE_BYTES];
            buf.iter_mut().zip(bytes).for_each(|(d, s)| *d = *s);
            Storage::Inline {
                len: bytes.len() as u8,
                trailing_bits,
                buf,
            }
        } else {
            Storage::Heap {
                trailing_bits,
                bytes: bytes.into(),
            }
        }
    }

    fn trailing_bits(&self) -> u8 {
        match self {
            Storage::Inline { trailing_bits, .. } | Storage::Heap { trailing_bits, .. } => {
                *trailing_bits
            }
        }
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            Storage::Inline { len, buf, .. } => buf.get(..usize::from(*len)).unwrap_or(buf),
            Storage::Heap { bytes, .. } => bytes,
        }
    }
}

impl std::ops::Deref for Storage {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl PartialEq for Bitstring {
    fn eq(&self, other: &Self) -> bool {
        self.bytes.trailing_bits() == other.bytes.trailing_bits() && self.bytes() == other.bytes()
    }
}

impl Eq for Bitstring {}

impl std::hash::Hash for Bitstring {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes().hash(state);
        self.bytes.trailing_bits().hash(state);
    }
}

impl Bitstring {
    /// A binary holding a copy of `bytes` (short ones need no allocation).
    ///
    /// ```
    /// let b = erlterm::Bitstring::from_slice(b"abc");
    /// assert_eq!((b.bytes(), b.bit_len()), (&b"abc"[..], 24));
    /// ```
    #[inline]
    pub fn from_slice(bytes: &[u8]) -> Self {
        Bitstring {
            bytes: Storage::from_slice(bytes, 0),
        }
    }

    /// A binary made of whole bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Bitstring {
            bytes: Storage::new(bytes, 0),
        }
    }

    /// A bitstring of `bit_len` bits taken from the front of `bytes`
    /// (big-endian bit order, as Erlang stores them). Unused low bits of the
    /// last byte are cleared. Returns `None` if `bytes` is too short.
    pub fn from_bits(mut bytes: Vec<u8>, bit_len: u64) -> Option<Self> {
        let whole = usize::try_from(bit_len / 8).ok()?;
        let rest = (bit_len % 8) as u8;
        let needed = whole + usize::from(rest > 0);
        if bytes.len() < needed {
            return None;
        }
        bytes.truncate(needed);
        if rest > 0 {
            if let Some(last) = bytes.last_mut() {
                *last &= 0xFFu8 << (8 - rest);
            }
        }
        Some(Bitstring {
            bytes: Storage::new(bytes, rest),
        })
    }

    /// The storage bytes; when [`Bitstring::is_binary`] is false the last byte
    /// holds the trailing bits in its high-order positions.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Total length in bits.
    pub fn bit_len(&self) -> u64 {
        let trailing_bits = self.bytes.trailing_bits();
        if trailing_bits == 0 {
            self.bytes.len() as u64 * 8
        } else {
            (self.bytes.len() as u64 - 1) * 8 + u64::from(trailing_bits)
        }
    }

    /// Whether the bit length is a multiple of 8.
    pub fn is_binary(&self) -> bool {
        self.bytes.trailing_bits() == 0
    }

    /// The bytes as UTF-8 text, if this is a binary holding valid UTF-8.
    pub fn as_utf8(&self) -> Option<&str> {
        if self.is_binary() {
            std::str::from_utf8(&self.bytes).ok()
        } else {
            None
        }
    }

    fn bit(&self, i: u64) -> u8 {
        // `i < bit_len()`, so the byte exists.
        let byte = self.bytes.get((i / 8) as usize).copied().unwrap_or(0);
        (byte >> (7 - (i % 8))) & 1
    }

    fn cmp_bits(&self, other: &Bitstring) -> Ordering {
        let (a, b) = (self.bit_len(), other.bit_len());
        let whole = (a.min(b) / 8) as usize;
        // Both have at least `whole` bytes, so both sides are `Some`.
        match self.bytes.get(..whole).cmp(&other.bytes.get(..whole)) {
            Ordering::Equal => {}
            o => return o,
        }
        for i in (whole as u64 * 8)..a.min(b) {
            match self.bit(i).cmp(&other.bit(i)) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        a.cmp(&b)
    }
}

impl fmt::Debug for Bitstring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Term::Bitstring(self.clone()))
    }
}

/// An external fun `fun Module:Function/Arity`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExternalFun {
    /// The module.
    pub module: Atom,
    /// The function name.
    pub function: Atom,
    /// The arity.
    pub arity: u32,
}

/// An improper list `[A, B | Tail]`: at least one element, and a tail that
/// is not a list. Built by [`Term::improper_list`], which splices list tails.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImproperList(
    // The elements, then the tail as the last entry: one allocation, and a
    // `Term` no larger than a `Vec`'s three words plus its tag.
    Vec<Term>,
);

impl ImproperList {
    /// The elements before the `|`.
    pub fn items(&self) -> &[Term] {
        self.0.split_last().map_or(&[], |(_, items)| items)
    }

    /// The tail after the `|` (never a list).
    pub fn tail(&self) -> &Term {
        // The constructor guarantees a last entry: `NIL` is never returned.
        self.0.last().unwrap_or(&NIL)
    }

    /// The elements and the tail, by value.
    pub fn into_parts(mut self) -> (Vec<Term>, Term) {
        let tail = self.0.pop().unwrap_or_else(Term::nil);
        (self.0, tail)
    }
}

static NIL: Term = Term::List(Vec::new());

/// An Erlang term as `file:consult/1` returns it.
///
/// ```
/// use erlterm::Term;
/// let t: Vec<Term> = erlterm::parse_str("{app, [\"ab\", 1.5]}.").unwrap();
/// assert_eq!(t[0].to_string(), "{app,[[97,98],1.5]}");
/// // A string is a list of integers.
/// assert_eq!(Term::string("ab"), Term::list(vec![Term::int(97), Term::int(98)]));
/// ```
#[derive(Clone)]
pub enum Term {
    /// An atom such as `ok` or `'hello world'`.
    Atom(Atom),
    /// An integer of any size.
    Integer(Integer),
    /// A float (never NaN or infinite when produced by the parser).
    Float(f64),
    /// A list written as a string literal. It equals the list of its code points.
    String(Text),
    /// A proper list `[A, B, ...]`; the empty list `[]` is `List(vec![])`.
    List(Vec<Term>),
    /// A list whose tail is not a list, `[A, B | Tail]` (build one with
    /// [`Term::improper_list`]).
    ImproperList(ImproperList),
    /// A tuple `{A, B, ...}`.
    Tuple(Vec<Term>),
    /// A map, entries sorted by map-key order without duplicate keys.
    Map(Vec<(Term, Term)>),
    /// A binary or bitstring.
    Bitstring(Bitstring),
    /// An external fun.
    Fun(Box<ExternalFun>),
}

impl Term {
    /// An atom.
    pub fn atom(name: &str) -> Term {
        Term::Atom(Atom::new(name))
    }

    /// An integer.
    pub fn int(v: i64) -> Term {
        Term::Integer(Integer::from(v))
    }

    /// A string (a list of code points).
    pub fn string(s: &str) -> Term {
        Term::String(Text::new(s))
    }

    /// A proper list.
    pub fn list(items: Vec<Term>) -> Term {
        Term::List(items)
    }

    /// The empty list `[]`.
    pub fn nil() -> Term {
        Term::List(Vec::new())
    }

    /// A tuple.
    pub fn tuple(items: Vec<Term>) -> Term {
        Term::Tuple(items)
    }

    /// A binary from bytes.
    pub fn binary(bytes: impl Into<Vec<u8>>) -> Term {
        Term::Bitstring(Bitstring::from_bytes(bytes.into()))
    }

    /// A list with a tail. A proper-list tail is spliced in, so the result
    /// never has a list as its tail (`[1 | [2]]` is `[1, 2]`).
    pub fn improper_list(mut items: Vec<Term>, tail: Term) -> Term {
        match tail {
            Term::List(more) => {
                items.extend(more);
                Term::List(items)
            }
            Term::ImproperList(more) => {
                items.extend(more.0);
                Term::ImproperList(ImproperList(items))
            }
            Term::String(s) if !items.is_empty() => {
                items.extend(s.chars().map(|c| Term::int(i64::from(u32::from(c)))));
                Term::List(items)
            }
            Term::String(s) => Term::String(s),
            other if items.is_empty() => other,
            other => {
                items.push(other);
                Term::ImproperList(ImproperList(items))
            }
        }
    }

    /// A map from entries in any order; for duplicate keys the last one wins.
    pub fn map(entries: Vec<(Term, Term)>) -> Term {
        Term::Map(normalize_map(entries))
    }

    /// The atom's name, if this is an atom.
    pub fn as_atom(&self) -> Option<&str> {
        match self {
            Term::Atom(a) => Some(a.as_str()),
            _ => None,
        }
    }

    /// The elements, if this is a tuple.
    pub fn as_tuple(&self) -> Option<&[Term]> {
        match self {
            Term::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The value as `i64`, if this is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Term::Integer(i) => i.to_i64(),
            _ => None,
        }
    }

    /// Whether this is the empty list.
    pub fn is_nil(&self) -> bool {
        match self {
            Term::List(items) => items.is_empty(),
            Term::String(s) => s.is_empty(),
            _ => false,
        }
    }

    /// The elements of a proper list, materialising a string as integers.
    /// Returns `None` for anything that is not a proper list.
    pub fn to_list(&self) -> Option<Vec<Term>> {
        match self {
            Term::String(s) => Some(
                s.chars()
                    .map(|c| Term::int(i64::from(u32::from(c))))
                    .collect(),
            ),
            Term::List(items) => Some(items.clone()),
            _ => None,
        }
    }

    /// The elements of a proper list, borrowed when the list is written
    /// with `[...]` (the common case) and materialised for a string literal.
    pub fn list_items(&self) -> Option<std::borrow::Cow<'_, [Term]>> {
        match self {
            Term::List(items) => Some(std::borrow::Cow::Borrowed(items)),
            _ => self.to_list().map(std::borrow::Cow::Owned),
        }
    }

    /// Whether this is a proper list (a string literal included), without
    /// copying anything.
    pub fn is_proper_list(&self) -> bool {
        matches!(self, Term::String(_) | Term::List(_))
    }

    /// The elements and the tail of a list written with `[...]`: the tail
    /// is `None` for a proper list. `None` for anything else (a string
    /// literal included).
    ///
    /// ```
    /// use erlterm::Term;
    /// let t = &erlterm::parse_str("[a, b | c].").unwrap()[0];
    /// let (items, tail) = t.list_parts().unwrap();
    /// assert_eq!((items.len(), tail), (2, Some(&Term::atom("c"))));
    /// ```
    pub fn list_parts(&self) -> Option<(&[Term], Option<&Term>)> {
        match self {
            Term::List(items) => Some((items, None)),
            Term::ImproperList(l) => Some((l.items(), Some(l.tail()))),
            _ => None,
        }
    }

    /// The elements of a proper list written with `[...]` (not a string
    /// literal), borrowed. Use [`Term::to_list`] to accept both.
    pub fn as_list(&self) -> Option<&[Term]> {
        match self {
            Term::List(items) => Some(items),
            Term::String(s) if s.is_empty() => Some(&[]),
            _ => None,
        }
    }

    /// The text of a string: a string literal, or a proper list of integers
    /// that are all Unicode scalar values (as `io_lib:printable_unicode_list`
    /// would allow). Returns `None` otherwise.
    pub fn as_string(&self) -> Option<String> {
        match self {
            Term::String(s) => Some(s.to_string()),
            Term::List(items) => items
                .iter()
                .map(|it| {
                    let c = it.as_i64().and_then(|v| u32::try_from(v).ok())?;
                    char::from_u32(c)
                })
                .collect(),
            _ => None,
        }
    }

    /// Looks up `key` in a proplist `[{key, Value}, ...]` (first match wins,
    /// as `proplists:get_value/2`). Returns `None` if absent or not a list.
    pub fn proplist_get(&self, key: &str) -> Option<&Term> {
        let items = self.as_list()?;
        items.iter().find_map(|it| match it.as_tuple() {
            Some([k, v]) if k.as_atom() == Some(key) => Some(v),
            _ => None,
        })
    }

    /// Compares two terms in Erlang's map-key order: the term order, except
    /// that every integer sorts before every float (`2 < 1.5`). This is the
    /// order in which maps are stored and printed.
    pub fn cmp_map_key(&self, other: &Term) -> Ordering {
        compare(self, other, NumberOrder::IntegersFirst)
    }

    /// Erlang's arithmetic equality `==` (`1 == 1.0` is true).
    pub fn eq_numeric(&self, other: &Term) -> bool {
        compare(self, other, NumberOrder::Arithmetic) == Ordering::Equal
    }

    fn rank(&self) -> u8 {
        match self {
            Term::Integer(_) | Term::Float(_) => 1,
            Term::Atom(_) => 3,
            Term::Fun(_) => 5,
            Term::Tuple(_) => 8,
            Term::Map(_) => 9,
            Term::List(_) | Term::ImproperList(_) | Term::String(_) => {
                if self.is_nil() {
                    10
                } else {
                    11
                }
            }
            Term::Bitstring(_) => 12,
        }
    }
}

/// Sorts entries by map-key order; for equal keys the last one wins.
pub(crate) fn normalize_map(mut entries: Vec<(Term, Term)>) -> Vec<(Term, Term)> {
    // Most maps are written in order without duplicates: keep them as they are.
    if entries
        .windows(2)
        .all(|w| matches!(w, [a, b] if a.0.cmp_map_key(&b.0) == Ordering::Less))
    {
        return entries;
    }
    // A stable sort keeps equal keys in source order, so the last of each
    // run of equal keys is the one that wins; sorted in place, no new vector.
    entries.sort_by(|(a, _), (b, _)| a.cmp_map_key(b));
    entries.dedup_by(|later, kept| {
        let duplicate = later.0.cmp_map_key(&kept.0) == Ordering::Equal;
        if duplicate {
            std::mem::swap(later, kept);
        }
        duplicate
    });
    entries
}

#[derive(Clone, Copy, PartialEq)]
enum NumberOrder {
    /// `==`: 1 and 1.0 are equal.
    Arithmetic,
    /// Term order, but an integer never equals a float: when numerically
    /// equal, the integer sorts first (consistent with `=:=`).
    Exact,
    /// Map-key order: all integers before all floats.
    IntegersFirst,
}

fn compare_numbers(a: &Term, b: &Term, mode: NumberOrder) -> Ordering {
    match (a, b) {
        (Term::Integer(x), Term::Integer(y)) => x.cmp_int(y),
        (Term::Float(x), Term::Float(y)) => cmp_f64(*x, *y),
        (Term::Integer(x), Term::Float(y)) => match mode {
            NumberOrder::IntegersFirst => Ordering::Less,
            NumberOrder::Arithmetic => cmp_int_float(x, *y),
            NumberOrder::Exact => cmp_int_float(x, *y).then(Ordering::Less),
        },
        (Term::Float(_), Term::Integer(_)) => compare_numbers(b, a, mode).reverse(),
        _ => Ordering::Equal,
    }
}

fn cmp_f64(x: f64, y: f64) -> Ordering {
    // -0.0 and 0.0 are equal (OTP 25); NaN cannot occur.
    x.partial_cmp(&y).unwrap_or(Ordering::Equal)
}

fn cmp_int_float(i: &Integer, f: f64) -> Ordering {
    // Compare exactly: a float is an integer when it has no fraction.
    if f.is_nan() {
        return Ordering::Equal;
    }
    if f.is_infinite() {
        return if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    let floor = f.floor();
    let fi = num_bigint::BigInt::from(FloatInt(floor));
    match i.to_bigint().cmp(&fi) {
        Ordering::Equal if f > floor => Ordering::Less,
        o => o,
    }
}

/// Converts an integral finite f64 to a BigInt exactly.
struct FloatInt(f64);

impl From<FloatInt> for BigInt {
    fn from(f: FloatInt) -> BigInt {
        use num_traits::FromPrimitive;
        BigInt::from_f64(f.0).unwrap_or_default()
    }
}

/// One step of a list walk: the head element or the end (with tail).
enum ListStep<'a> {
    Elem(ElemRef<'a>),
    End(Option<&'a Term>),
}

enum ElemRef<'a> {
    Term(&'a Term),
    Char(char),
}

/// Walks a list that may be a string, a `List` or a mix through tails.
struct ListCursor<'a> {
    items: &'a [Term],
    chars: Option<std::str::Chars<'a>>,
    tail: Option<&'a Term>,
}

impl<'a> ListCursor<'a> {
    fn new(t: &'a Term) -> Self {
        let mut c = ListCursor {
            items: &[],
            chars: None,
            tail: None,
        };
        c.enter(t);
        c
    }

    fn enter(&mut self, t: &'a Term) {
        match t {
            Term::String(s) => {
                self.items = &[];
                self.chars = Some(s.chars());
                self.tail = None;
            }
            Term::List(items) => {
                self.items = items;
                self.chars = None;
                self.tail = None;
            }
            Term::ImproperList(l) => {
                self.items = l.items();
                self.chars = None;
                self.tail = Some(l.tail());
            }
            _ => {
                self.items = &[];
                self.chars = None;
                self.tail = None;
            }
        }
    }

    fn next(&mut self) -> ListStep<'a> {
        loop {
            if let Some(chars) = &mut self.chars {
                if let Some(c) = chars.next() {
                    return ListStep::Elem(ElemRef::Char(c));
                }
                self.chars = None;
                return ListStep::End(None);
            }
            if let Some((first, rest)) = self.items.split_first() {
                self.items = rest;
                return ListStep::Elem(ElemRef::Term(first));
            }
            match self.tail {
                Some(t @ (Term::List(_) | Term::ImproperList(_) | Term::String(_)))
                    if !t.is_nil() =>
                {
                    self.enter(t)
                }
                Some(t) if t.is_nil() => return ListStep::End(None),
                other => return ListStep::End(other),
            }
        }
    }
}

fn compare_elem(a: &ElemRef<'_>, b: &ElemRef<'_>, mode: NumberOrder) -> Ordering {
    match (a, b) {
        (ElemRef::Char(x), ElemRef::Char(y)) => x.cmp(y),
        (ElemRef::Term(x), ElemRef::Term(y)) => compare(x, y, mode),
        (ElemRef::Char(x), ElemRef::Term(y)) => compare(&char_term(*x), y, mode),
        (ElemRef::Term(x), ElemRef::Char(y)) => compare(x, &char_term(*y), mode),
    }
}

fn char_term(c: char) -> Term {
    Term::int(i64::from(u32::from(c)))
}

fn compare_lists(a: &Term, b: &Term, mode: NumberOrder) -> Ordering {
    let (mut ca, mut cb) = (ListCursor::new(a), ListCursor::new(b));
    loop {
        match (ca.next(), cb.next()) {
            (ListStep::Elem(x), ListStep::Elem(y)) => match compare_elem(&x, &y, mode) {
                Ordering::Equal => {}
                o => return o,
            },
            // A tail compares with the rest of the other list as a whole.
            (ListStep::End(ta), ListStep::End(tb)) => {
                let nil = Term::nil();
                return compare(ta.unwrap_or(&nil), tb.unwrap_or(&nil), mode);
            }
            (ListStep::End(ta), ListStep::Elem(_)) => {
                // `a` ended: its tail (or []) against a non-empty list.
                return match ta {
                    None => Ordering::Less,
                    Some(t) => rank_vs_nonempty_list(t),
                };
            }
            (ListStep::Elem(_), ListStep::End(tb)) => {
                return match tb {
                    None => Ordering::Greater,
                    Some(t) => rank_vs_nonempty_list(t).reverse(),
                };
            }
        }
    }
}

/// Order of a non-list tail against a non-empty list (rank 11).
fn rank_vs_nonempty_list(t: &Term) -> Ordering {
    t.rank().cmp(&11)
}

fn compare(a: &Term, b: &Term, mode: NumberOrder) -> Ordering {
    let (ra, rb) = (a.rank(), b.rank());
    if ra != rb {
        return ra.cmp(&rb);
    }
    match (a, b) {
        (Term::Integer(_) | Term::Float(_), _) => compare_numbers(a, b, mode),
        // UTF-8 byte order is code point order.
        (Term::Atom(x), Term::Atom(y)) => x.as_str().as_bytes().cmp(y.as_str().as_bytes()),
        (Term::Fun(x), Term::Fun(y)) => compare(
            &Term::Atom(x.module.clone()),
            &Term::Atom(y.module.clone()),
            mode,
        )
        .then_with(|| x.function.as_str().chars().cmp(y.function.as_str().chars()))
        .then(x.arity.cmp(&y.arity)),
        (Term::Tuple(x), Term::Tuple(y)) => {
            x.len().cmp(&y.len()).then_with(|| compare_seq(x, y, mode))
        }
        (Term::Map(x), Term::Map(y)) => x
            .len()
            .cmp(&y.len())
            .then_with(|| {
                for ((ka, _), (kb, _)) in x.iter().zip(y) {
                    match compare(ka, kb, mode) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                Ordering::Equal
            })
            .then_with(|| {
                for ((_, va), (_, vb)) in x.iter().zip(y) {
                    match compare(va, vb, mode) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                Ordering::Equal
            }),
        (Term::Bitstring(x), Term::Bitstring(y)) => x.cmp_bits(y),
        _ if ra == 10 => Ordering::Equal,
        _ => compare_lists(a, b, mode),
    }
}

fn compare_seq(x: &[Term], y: &[Term], mode: NumberOrder) -> Ordering {
    for (a, b) in x.iter().zip(y) {
        match compare(a, b, mode) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    x.len().cmp(&y.len())
}

impl PartialEq for Term {
    /// Exact equality `=:=`.
    fn eq(&self, other: &Term) -> bool {
        compare(self, other, NumberOrder::Exact) == Ordering::Equal
    }
}

impl Eq for Term {}

impl PartialOrd for Term {
    fn partial_cmp(&self, other: &Term) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Term {
    /// Erlang's term order: number < atom < reference < fun < port < pid <
    /// tuple < map < nil < list < bitstring. A number equal to a float sorts
    /// before it (`1 < 1.0`), so the order is total and agrees with `=:=`.
    fn cmp(&self, other: &Term) -> Ordering {
        compare(self, other, NumberOrder::Exact)
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl From<Atom> for Term {
    fn from(a: Atom) -> Self {
        Term::Atom(a)
    }
}

impl From<i64> for Term {
    fn from(v: i64) -> Self {
        Term::int(v)
    }
}

impl From<f64> for Term {
    fn from(v: f64) -> Self {
        Term::Float(v)
    }
}

impl From<Integer> for Term {
    fn from(v: Integer) -> Self {
        Term::Integer(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_the_same_inline_or_on_the_heap() {
        let short = "/var/lib/db/129.conf";
        let long = "/var/lib/max_connections/149.conf";
        for s in [short, long, "", "\u{10FFFF}é"] {
            let t = Text::from(s.to_string());
            assert_eq!((t.as_str(), t.len()), (s, s.len()));
            assert_eq!(Text::new(s), t);
            assert_eq!(String::from(t.clone()), s);
            assert_eq!(t, s.chars().collect::<Text>());
            assert_eq!(format!("{t:?}"), format!("{s:?}"));
        }
        // Adjacent literals grow a text past the inline size.
        let terms = crate::parse_str(&format!("\"{short}\" \"{long}\".")).unwrap();
        let Some(Term::String(joined)) = terms.first() else {
            panic!("{terms:?}")
        };
        assert_eq!(*joined, format!("{short}{long}"));
    }

    #[test]
    fn term_stays_small() {
        assert!(
            std::mem::size_of::<Term>() <= 32 && std::mem::size_of::<Bitstring>() <= 24,
            "{}",
            std::mem::size_of::<Term>()
        );
    }

    #[test]
    fn strings_are_lists_of_code_points() {
        let s = Term::string("ab");
        let l = Term::list(vec![Term::int(97), Term::int(98)]);
        assert_eq!(s, l);
        assert_eq!(s.cmp(&l), Ordering::Equal);
        let spliced = Term::improper_list(vec![Term::int(97)], Term::string("b"));
        assert_eq!(spliced, s);
        let improper = Term::improper_list(vec![Term::int(97)], Term::atom("b"));
        assert_ne!(improper, s);
        // Tails compare as terms: the atom `b` sorts before the list `[98]`.
        assert!(improper < s);
        assert!(Term::string("a") < Term::string("ab"));
        assert!(Term::nil() < Term::string("a"));
    }

    #[test]
    fn term_order_across_types() {
        let order = [
            Term::int(1),
            Term::Float(1.0),
            Term::int(2),
            Term::atom("a"),
            Term::tuple(vec![]),
            Term::map(vec![]),
            Term::nil(),
            Term::list(vec![Term::int(1)]),
            Term::binary(vec![]),
        ];
        for w in order.windows(2) {
            assert!(w[0] < w[1], "{} < {}", w[0], w[1]);
        }
        assert_ne!(Term::int(1), Term::Float(1.0));
        assert!(Term::int(1).eq_numeric(&Term::Float(1.0)));
        assert_eq!(Term::Float(0.0), Term::Float(-0.0));
        // Map-key order puts every integer before every float.
        assert_eq!(Term::int(2).cmp_map_key(&Term::Float(1.5)), Ordering::Less);
        assert!(Term::int(2) > Term::Float(1.5));
    }

    #[test]
    fn maps_keep_the_last_duplicate_and_sort_keys() {
        let m = Term::map(vec![
            (Term::atom("b"), Term::int(1)),
            (Term::atom("a"), Term::int(2)),
            (Term::atom("b"), Term::int(3)),
        ]);
        assert_eq!(m.to_string(), "#{a => 2,b => 3}");
    }

    #[test]
    fn bitstrings_compare_bit_by_bit() {
        let a = Bitstring::from_bits(vec![0x80], 1).unwrap();
        let b = Bitstring::from_bits(vec![0x80], 2).unwrap();
        assert!(Term::Bitstring(a.clone()) < Term::Bitstring(b));
        assert_eq!(Term::Bitstring(a).to_string(), "<<1:1>>");
    }
}
