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

/// An integer of any size. Values that fit in `i128` are stored inline.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Integer(IntRepr);

/// One representation per value (so the derived comparisons hold): the
/// smallest that fits.
#[derive(Clone, PartialEq, Eq, Hash)]
enum IntRepr {
    Small(i64),
    // Invariant: fits in i128, not in i64. Two halves rather than an
    // `i128`, whose alignment would make every `Term` 48 bytes instead of
    // 32; inline rather than a `BigInt`, which cost two allocations.
    Wide { hi: i64, lo: u64 },
    // Invariant: never fits in i128.
    Big(Box<BigInt>),
}

impl IntRepr {
    /// `v`, which does not fit in `i64`, as `Wide`.
    fn wide(v: i128) -> IntRepr {
        IntRepr::Wide {
            hi: (v >> 64) as i64,
            lo: v as u64,
        }
    }
}

/// The value of a `Wide` representation.
fn wide_value(hi: i64, lo: u64) -> i128 {
    (i128::from(hi) << 64) | i128::from(lo)
}

impl Integer {
    /// The value as `i64`, if it fits.
    ///
    /// ```
    /// use erlterm::Integer;
    /// assert_eq!(Integer::from(-5i64).to_i64(), Some(-5));
    /// let big = match erlterm::parse_str("16#10000000000000000.").unwrap().remove(0) {
    ///     erlterm::Term::Integer(i) => i,
    ///     _ => unreachable!(),
    /// };
    /// assert_eq!(big.to_i64(), None);
    /// assert_eq!(big.to_i128(), Some(1 << 64));
    /// ```
    pub fn to_i64(&self) -> Option<i64> {
        match &self.0 {
            IntRepr::Small(v) => Some(*v),
            IntRepr::Wide { .. } | IntRepr::Big(_) => None,
        }
    }

    /// The value as `i128`, if it fits.
    pub fn to_i128(&self) -> Option<i128> {
        match &self.0 {
            IntRepr::Small(v) => Some(i128::from(*v)),
            IntRepr::Wide { hi, lo } => Some(wide_value(*hi, *lo)),
            IntRepr::Big(_) => None,
        }
    }

    /// The value as a [`BigInt`].
    pub fn to_bigint(&self) -> BigInt {
        match &self.0 {
            IntRepr::Small(v) => BigInt::from(*v),
            IntRepr::Wide { hi, lo } => BigInt::from(wide_value(*hi, *lo)),
            IntRepr::Big(b) => (**b).clone(),
        }
    }

    /// The value as the nearest `f64` (used to compare with floats).
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            IntRepr::Small(v) => *v as f64,
            // Rounded to nearest, ties to even, as `BigInt::to_f64`.
            IntRepr::Wide { hi, lo } => wide_value(*hi, *lo) as f64,
            IntRepr::Big(b) => b.to_f64().unwrap_or(f64::NAN),
        }
    }

    /// Whether the value is negative.
    ///
    /// ```
    /// assert!(erlterm::Integer::from(-1i64).is_negative());
    /// assert!(!erlterm::Integer::from(0i64).is_negative());
    /// ```
    pub fn is_negative(&self) -> bool {
        match &self.0 {
            IntRepr::Small(v) => *v < 0,
            IntRepr::Wide { hi, .. } => *hi < 0,
            IntRepr::Big(b) => b.sign() == num_bigint::Sign::Minus,
        }
    }

    fn cmp_int(&self, other: &Integer) -> Ordering {
        match (&self.0, &other.0) {
            (IntRepr::Small(a), IntRepr::Small(b)) => a.cmp(b),
            _ => match (self.to_i128(), other.to_i128()) {
                (Some(a), Some(b)) => a.cmp(&b),
                _ => self.to_bigint().cmp(&other.to_bigint()),
            },
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
        match v.to_i128() {
            Some(w) => Integer::from(w),
            None => Integer(IntRepr::Big(Box::new(v))),
        }
    }
}

impl From<i128> for Integer {
    fn from(v: i128) -> Self {
        match i64::try_from(v) {
            Ok(s) => Integer(IntRepr::Small(s)),
            Err(_) => Integer(IntRepr::wide(v)),
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
            IntRepr::Wide { hi, lo } => write!(f, "{}", wide_value(*hi, *lo)),
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
    ///
    /// ```
    /// let b = erlterm::Bitstring::from_bytes(b"ok".to_vec());
    /// assert_eq!(erlterm::Term::Bitstring(b).to_string(), "<<111,107>>");
    /// ```
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Bitstring {
            bytes: Storage::new(bytes, 0),
        }
    }

    /// A bitstring of `bit_len` bits taken from the front of `bytes`
    /// (big-endian bit order, as Erlang stores them). Unused low bits of the
    /// last byte are cleared. Returns `None` if `bytes` is too short.
    ///
    /// ```
    /// use erlterm::{Bitstring, Term};
    /// let b = Bitstring::from_bits(vec![0xFF], 4).unwrap();
    /// assert_eq!((b.bit_len(), b.is_binary(), b.bytes()), (4, false, &[0xF0][..]));
    /// assert_eq!(Term::Bitstring(b).to_string(), "<<15:4>>");
    /// assert!(Bitstring::from_bits(vec![], 1).is_none());
    /// ```
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
    ///
    /// ```
    /// let t = erlterm::parse_str("<<\"héllo\"/utf8>>. <<255>>.").unwrap();
    /// let text = |i: usize| match &t[i] { erlterm::Term::Bitstring(b) => b.as_utf8(), _ => None };
    /// assert_eq!(text(0), Some("héllo"));
    /// assert_eq!(text(1), None);
    /// ```
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
    /// A float. Erlang has no NaN or infinity: build floats with
    /// [`Term::float`] or `Term::try_from(f64)`, which refuse them. A
    /// non-finite `Float` built by hand compares equal to itself (NaN after
    /// every other float) and prints as the atom `nan`, `infinity` or
    /// `'-infinity'`, so the printers never write text that does not read
    /// back.
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
    /// A map: a [`TermMap`], whose entries are always sorted by map-key
    /// order without duplicate keys.
    Map(TermMap),
    /// A binary or bitstring.
    Bitstring(Bitstring),
    /// An external fun.
    Fun(Box<ExternalFun>),
}

impl Term {
    /// An atom.
    ///
    /// ```
    /// use erlterm::Term;
    /// assert_eq!(Term::atom("ok").to_string(), "ok");
    /// assert_eq!(Term::atom("Hello world").to_string(), "'Hello world'");
    /// ```
    pub fn atom(name: &str) -> Term {
        Term::Atom(Atom::new(name))
    }

    /// An integer.
    ///
    /// ```
    /// assert_eq!(erlterm::Term::int(-7).to_string(), "-7");
    /// ```
    pub fn int(v: i64) -> Term {
        Term::Integer(Integer::from(v))
    }

    /// A string (a list of code points).
    ///
    /// ```
    /// use erlterm::Term;
    /// assert_eq!(Term::string("hé").to_string(), "[104,233]");
    /// assert_eq!(format!("{:#}", Term::string("hé")), "\"hé\"");
    /// ```
    pub fn string(s: &str) -> Term {
        Term::String(Text::new(s))
    }

    /// A proper list.
    ///
    /// ```
    /// use erlterm::Term;
    /// assert_eq!(Term::list(vec![Term::atom("a"), Term::int(1)]).to_string(), "[a,1]");
    /// ```
    pub fn list(items: Vec<Term>) -> Term {
        Term::List(items)
    }

    /// The empty list `[]`.
    ///
    /// ```
    /// use erlterm::Term;
    /// assert!(Term::nil().is_nil());
    /// assert_eq!(Term::nil(), Term::string(""));
    /// ```
    pub fn nil() -> Term {
        Term::List(Vec::new())
    }

    /// A tuple.
    ///
    /// ```
    /// use erlterm::Term;
    /// assert_eq!(Term::tuple(vec![Term::atom("ok"), Term::int(1)]).to_string(), "{ok,1}");
    /// ```
    pub fn tuple(items: Vec<Term>) -> Term {
        Term::Tuple(items)
    }

    /// A binary from bytes.
    ///
    /// ```
    /// use erlterm::Term;
    /// assert_eq!(Term::binary(&b"ab"[..]).to_string(), "<<97,98>>");
    /// assert_eq!(format!("{:#}", Term::binary("ab")), "<<\"ab\">>");
    /// ```
    pub fn binary(bytes: impl Into<Vec<u8>>) -> Term {
        Term::Bitstring(Bitstring::from_bytes(bytes.into()))
    }

    /// A list with a tail. A proper-list tail is spliced in, so the result
    /// never has a list as its tail (`[1 | [2]]` is `[1, 2]`).
    ///
    /// ```
    /// use erlterm::Term;
    /// let t = Term::improper_list(vec![Term::int(1)], Term::atom("x"));
    /// assert_eq!(t.to_string(), "[1|x]");
    /// let spliced = Term::improper_list(vec![Term::int(1)], Term::list(vec![Term::int(2)]));
    /// assert_eq!(spliced, Term::list(vec![Term::int(1), Term::int(2)]));
    /// ```
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

    /// A map from entries in any order; for duplicate keys the last one
    /// wins (as in `#{a => 1, a => 2}`).
    ///
    /// ```
    /// use erlterm::Term;
    /// let m = Term::map(vec![
    ///     (Term::atom("b"), Term::int(1)),
    ///     (Term::atom("a"), Term::int(2)),
    ///     (Term::atom("b"), Term::int(3)),
    /// ]);
    /// assert_eq!(m.to_string(), "#{a => 2,b => 3}");
    /// ```
    pub fn map(entries: Vec<(Term, Term)>) -> Term {
        Term::Map(normalize_map(entries))
    }

    /// A float, or `None` for NaN and the infinities, which Erlang does not
    /// have. `-0.0` is kept (it prints as `-0.0`) but equals `0.0`, as in
    /// OTP 25.
    ///
    /// ```
    /// use erlterm::Term;
    /// assert_eq!(Term::float(1.5).unwrap().to_string(), "1.5");
    /// assert_eq!(Term::float(f64::NAN), None);
    /// assert_eq!(Term::float(f64::NEG_INFINITY), None);
    /// assert_eq!(Term::float(-0.0), Term::float(0.0));
    /// ```
    pub fn float(v: f64) -> Option<Term> {
        v.is_finite().then_some(Term::Float(v))
    }

    /// The value, if this is a float.
    ///
    /// ```
    /// use erlterm::Term;
    /// assert_eq!(Term::float(2.5).unwrap().as_f64(), Some(2.5));
    /// assert_eq!(Term::int(2).as_f64(), None);
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Term::Float(v) => Some(*v),
            _ => None,
        }
    }

    /// The map, if this is a map.
    ///
    /// ```
    /// use erlterm::Term;
    /// let t = &erlterm::parse_str("#{port => 80}.").unwrap()[0];
    /// assert_eq!(t.as_map().unwrap().get(&Term::atom("port")), Some(&Term::int(80)));
    /// ```
    pub fn as_map(&self) -> Option<&TermMap> {
        match self {
            Term::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The map, mutably, if this is a map.
    ///
    /// ```
    /// use erlterm::Term;
    /// let mut t = erlterm::parse_str("#{port => 80}.").unwrap().remove(0);
    /// t.as_map_mut().unwrap().insert(Term::atom("host"), Term::string("h"));
    /// assert_eq!(t.to_string(), "#{host => [104],port => 80}");
    /// ```
    pub fn as_map_mut(&mut self) -> Option<&mut TermMap> {
        match self {
            Term::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The child at `index`, like `serde_json::Value::get`: `None` when
    /// there is none. The index is
    ///
    /// - a position (`usize`): element `n` of a tuple, item `n` of a list
    ///   written with `[...]` (of an improper list, the items before the
    ///   `|`);
    /// - an atom name (`&str`, `String`): the value of key `name` in a map,
    ///   or of the first `{name, V}` pair of a proplist (as
    ///   [`Term::proplist_get`]);
    /// - a [`Term`]: the value of that key in a map, or of the first
    ///   `{Key, V}` pair of a proplist.
    ///
    /// A string literal ([`Term::String`]) holds characters, not element
    /// terms, so it has no child to borrow: use [`Term::to_list`].
    ///
    /// `term[i]` ([`Index`](std::ops::Index)) is the same lookup for code
    /// that knows the shape, and panics on a missing child, as slices do:
    /// Erlang has no `null` to return instead (an `undefined` sentinel
    /// would look like a real `undefined`). For terms read from files,
    /// chain `get` with `and_then`.
    ///
    /// ```
    /// use erlterm::Term;
    /// let t = &erlterm::parse_str("{app, [{vsn, \"1.0\"}, {env, #{port => 80}}]}.").unwrap()[0];
    /// assert_eq!(t.get(0), Some(&Term::atom("app")));
    /// assert_eq!(t.get(1).and_then(|p| p.get("vsn")), Some(&Term::string("1.0")));
    /// let port = t.get(1).and_then(|p| p.get("env")).and_then(|e| e.get("port"));
    /// assert_eq!(port, Some(&Term::int(80)));
    /// assert_eq!(t.get(7), None);
    /// assert_eq!(t.get(1).and_then(|p| p.get(&Term::atom("env"))).map(|e| e.to_string()).as_deref(), Some("#{port => 80}"));
    /// ```
    pub fn get<I: TermIndex>(&self, index: I) -> Option<&Term> {
        index.index_into(self)
    }

    /// The child at `index`, mutably (see [`Term::get`]).
    ///
    /// ```
    /// use erlterm::Term;
    /// let mut t = erlterm::parse_str("{app, [{vsn, \"1.0\"}]}.").unwrap().remove(0);
    /// if let Some(v) = t.get_mut(1).and_then(|p| p.get_mut("vsn")) {
    ///     *v = Term::string("1.1");
    /// }
    /// assert_eq!(erlterm::parse_str("{app, [{vsn, \"1.1\"}]}.").unwrap()[0], t);
    /// assert!(t.get_mut(2).is_none());
    /// ```
    pub fn get_mut<I: TermIndex>(&mut self, index: I) -> Option<&mut Term> {
        index.index_into_mut(self)
    }

    /// The atom's name, if this is an atom.
    ///
    /// ```
    /// use erlterm::Term;
    /// assert_eq!(Term::atom("ok").as_atom(), Some("ok"));
    /// assert_eq!(Term::string("ok").as_atom(), None);
    /// ```
    pub fn as_atom(&self) -> Option<&str> {
        match self {
            Term::Atom(a) => Some(a.as_str()),
            _ => None,
        }
    }

    /// The elements, if this is a tuple.
    ///
    /// ```
    /// let t = &erlterm::parse_str("{a, 1}.").unwrap()[0];
    /// assert_eq!(t.as_tuple().map(|e| e.len()), Some(2));
    /// ```
    pub fn as_tuple(&self) -> Option<&[Term]> {
        match self {
            Term::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The value as `i64`, if this is an integer that fits.
    ///
    /// ```
    /// let t = erlterm::parse_str("[42, 100000000000000000000, 1.0].").unwrap();
    /// let items = t[0].as_list().unwrap();
    /// assert_eq!(items.iter().map(|i| i.as_i64()).collect::<Vec<_>>(), [Some(42), None, None]);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Term::Integer(i) => i.to_i64(),
            _ => None,
        }
    }

    /// Whether this is the empty list.
    ///
    /// ```
    /// let t = erlterm::parse_str("[]. \"\". {}.").unwrap();
    /// assert_eq!(t.iter().map(|t| t.is_nil()).collect::<Vec<_>>(), [true, true, false]);
    /// ```
    pub fn is_nil(&self) -> bool {
        match self {
            Term::List(items) => items.is_empty(),
            Term::String(s) => s.is_empty(),
            _ => false,
        }
    }

    /// The elements of a proper list, materialising a string as integers.
    /// Returns `None` for anything that is not a proper list.
    ///
    /// ```
    /// use erlterm::Term;
    /// assert_eq!(Term::string("ab").to_list(), Some(vec![Term::int(97), Term::int(98)]));
    /// assert_eq!(Term::atom("ab").to_list(), None);
    /// ```
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
    ///
    /// ```
    /// use erlterm::Term;
    /// assert_eq!(Term::string("a").list_items().unwrap()[0], Term::int(97));
    /// assert!(erlterm::parse_str("[a | b].").unwrap()[0].list_items().is_none());
    /// ```
    pub fn list_items(&self) -> Option<std::borrow::Cow<'_, [Term]>> {
        match self {
            Term::List(items) => Some(std::borrow::Cow::Borrowed(items)),
            _ => self.to_list().map(std::borrow::Cow::Owned),
        }
    }

    /// Whether this is a proper list (a string literal included), without
    /// copying anything.
    ///
    /// ```
    /// let t = erlterm::parse_str("\"ab\". [a]. [a | b].").unwrap();
    /// assert_eq!(t.iter().map(|t| t.is_proper_list()).collect::<Vec<_>>(), [true, true, false]);
    /// ```
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
    ///
    /// ```
    /// let t = erlterm::parse_str("[a, b]. \"ab\".").unwrap();
    /// assert_eq!(t[0].as_list().map(|l| l.len()), Some(2));
    /// assert_eq!(t[1].as_list(), None);
    /// ```
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
    ///
    /// ```
    /// let t = erlterm::parse_str("\"ab\". [104, 105]. [a].").unwrap();
    /// assert_eq!(t.iter().map(|t| t.as_string()).collect::<Vec<_>>(), [Some("ab".into()), Some("hi".into()), None]);
    /// ```
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
    ///
    /// ```
    /// use erlterm::Term;
    /// let t = &erlterm::parse_str("[{a, 1}, {a, 2}, b].").unwrap()[0];
    /// assert_eq!(t.proplist_get("a"), Some(&Term::int(1)));
    /// assert_eq!(t.proplist_get("b"), None);
    /// ```
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
    ///
    /// ```
    /// use std::cmp::Ordering;
    /// use erlterm::Term;
    /// let (two, one_and_half) = (Term::int(2), Term::float(1.5).unwrap());
    /// assert_eq!(two.cmp_map_key(&one_and_half), Ordering::Less);
    /// assert_eq!(two.cmp(&one_and_half), Ordering::Greater);
    /// ```
    pub fn cmp_map_key(&self, other: &Term) -> Ordering {
        compare(self, other, NumberOrder::IntegersFirst)
    }

    /// Erlang's arithmetic equality `==` (`1 == 1.0` is true).
    ///
    /// ```
    /// use erlterm::Term;
    /// assert!(Term::int(1).eq_numeric(&Term::float(1.0).unwrap()));
    /// assert_ne!(Term::int(1), Term::float(1.0).unwrap());
    /// ```
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
pub(crate) fn normalize_map(entries: Vec<(Term, Term)>) -> TermMap {
    TermMap(normalize_entries(entries))
}

fn normalize_entries(mut entries: Vec<(Term, Term)>) -> Vec<(Term, Term)> {
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
    // -0.0 and 0.0 are equal (OTP 25). NaN is not an Erlang float; one
    // built by hand sorts after every other float and equals itself, so
    // that the order stays total.
    x.partial_cmp(&y)
        .unwrap_or_else(|| x.is_nan().cmp(&y.is_nan()))
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
                for ((ka, _), (kb, _)) in x.iter().zip(y.iter()) {
                    match compare(ka, kb, mode) {
                        Ordering::Equal => {}
                        o => return o,
                    }
                }
                Ordering::Equal
            })
            .then_with(|| {
                for ((_, va), (_, vb)) in x.iter().zip(y.iter()) {
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

/// Consistent with `==`, which is Erlang's `=:=`: a string literal hashes
/// as the list of its code points (`"ab"` and `[97, 98]` hash alike), `1`
/// and `1.0` differ, `0.0` and `-0.0` are equal and hash alike (as in OTP
/// 25), and maps hash by their (sorted) entries.
///
/// ```
/// use std::collections::HashSet;
/// use erlterm::Term;
/// let set: HashSet<Term> = erlterm::parse_str("\"ab\". [97, 98]. 1. 1.0. 0.0. -0.0.").unwrap().into_iter().collect();
/// assert_eq!(set.len(), 4); // "ab" (= [97, 98]), 1, 1.0, 0.0 (= -0.0)
/// assert!(set.contains(&Term::list(vec![Term::int(97), Term::int(98)])));
/// assert!(!set.contains(&Term::float(2.0).unwrap()));
/// ```
impl std::hash::Hash for Term {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        hash_term(self, state);
    }
}

fn hash_term<H: std::hash::Hasher>(t: &Term, state: &mut H) {
    use std::hash::Hash;
    match t {
        Term::Integer(i) => {
            state.write_u8(1);
            i.hash(state);
        }
        Term::Float(x) => {
            state.write_u8(2);
            float_key(*x).hash(state);
        }
        Term::Atom(a) => {
            state.write_u8(3);
            a.as_str().hash(state);
        }
        Term::Fun(f) => {
            state.write_u8(5);
            f.hash(state);
        }
        Term::Tuple(items) => {
            state.write_u8(8);
            state.write_usize(items.len());
            items.iter().for_each(|it| hash_term(it, state));
        }
        Term::Map(m) => {
            state.write_u8(9);
            state.write_usize(m.len());
            for (k, v) in m.iter() {
                hash_term(k, state);
                hash_term(v, state);
            }
        }
        Term::Bitstring(b) => {
            state.write_u8(12);
            b.hash(state);
        }
        Term::List(_) | Term::String(_) | Term::ImproperList(_) => {
            // Walked element by element, so that every spelling of the same
            // list (string literal, items, spliced tails) hashes alike.
            state.write_u8(10);
            let mut cursor = ListCursor::new(t);
            loop {
                match cursor.next() {
                    ListStep::Elem(ElemRef::Term(x)) => {
                        state.write_u8(0);
                        hash_term(x, state);
                    }
                    ListStep::Elem(ElemRef::Char(c)) => {
                        state.write_u8(0);
                        hash_term(&char_term(c), state);
                    }
                    ListStep::End(None) => {
                        state.write_u8(1);
                        break;
                    }
                    ListStep::End(Some(tail)) => {
                        state.write_u8(2);
                        hash_term(tail, state);
                        break;
                    }
                }
            }
        }
    }
}

/// The bits a float hashes by: `-0.0` as `0.0` (they are equal), every NaN
/// alike.
fn float_key(x: f64) -> u64 {
    if x == 0.0 {
        0
    } else if x.is_nan() {
        f64::NAN.to_bits()
    } else {
        x.to_bits()
    }
}

/// The Rust structure, like `serde_json::Value`'s `Debug`: variant names,
/// atoms and strings as quoted text, maps as Rust maps. `Display` (`{}`)
/// is the canonical Erlang form, `{:#}` the readable one.
///
/// ```
/// let t = &erlterm::parse_str("{a, 1, \"bc\", [1.5 | x], #{k => <<1>>}}.").unwrap()[0];
/// assert_eq!(
///     format!("{t:?}"),
///     "Tuple([Atom(\"a\"), Integer(1), String(\"bc\"), \
///      ImproperList { items: [Float(1.5)], tail: Atom(\"x\") }, \
///      Map({Atom(\"k\"): Bitstring(<<1>>)})])"
/// );
/// ```
impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Term::Atom(a) => f.debug_tuple("Atom").field(&a.as_str()).finish(),
            Term::Integer(i) => f.debug_tuple("Integer").field(i).finish(),
            Term::Float(x) => f.debug_tuple("Float").field(x).finish(),
            Term::String(s) => f.debug_tuple("String").field(&s.as_str()).finish(),
            Term::List(items) => f.debug_tuple("List").field(items).finish(),
            Term::ImproperList(l) => f
                .debug_struct("ImproperList")
                .field("items", &l.items())
                .field("tail", l.tail())
                .finish(),
            Term::Tuple(items) => f.debug_tuple("Tuple").field(items).finish(),
            Term::Map(m) => f.debug_tuple("Map").field(m).finish(),
            Term::Bitstring(b) => f.debug_tuple("Bitstring").field(b).finish(),
            Term::Fun(fun) => f.debug_tuple("Fun").field(fun).finish(),
        }
    }
}

impl From<Atom> for Term {
    fn from(a: Atom) -> Self {
        Term::Atom(a)
    }
}

impl From<Integer> for Term {
    fn from(v: Integer) -> Self {
        Term::Integer(v)
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        /// An integer.
        impl From<$t> for Term {
            fn from(v: $t) -> Self {
                Term::Integer(Integer::from(v))
            }
        }
    )*};
}
from_integer!(i64, i32, u32, u64, i128, BigInt);

impl From<u8> for Term {
    fn from(v: u8) -> Self {
        Term::int(i64::from(v))
    }
}

impl From<i8> for Term {
    fn from(v: i8) -> Self {
        Term::int(i64::from(v))
    }
}

impl From<i16> for Term {
    fn from(v: i16) -> Self {
        Term::int(i64::from(v))
    }
}

impl From<u16> for Term {
    fn from(v: u16) -> Self {
        Term::int(i64::from(v))
    }
}

impl From<usize> for Term {
    fn from(v: usize) -> Self {
        Term::Integer(Integer::from(v as u64))
    }
}

/// The atom `true` or `false`.
impl From<bool> for Term {
    fn from(v: bool) -> Self {
        Term::atom(if v { "true" } else { "false" })
    }
}

/// A string (a list of code points), as `"..."` in Erlang; use
/// [`Atom::from`] for an atom.
///
/// ```
/// use erlterm::{Atom, Term};
/// assert_eq!(Term::from("ab").to_string(), "[97,98]");
/// assert_eq!(Term::from(Atom::from("ab")).to_string(), "ab");
/// ```
impl From<&str> for Term {
    fn from(s: &str) -> Self {
        Term::string(s)
    }
}

/// A string (a list of code points).
impl From<String> for Term {
    fn from(s: String) -> Self {
        Term::String(Text::from(s))
    }
}

/// A string (a list of code points).
impl From<Text> for Term {
    fn from(s: Text) -> Self {
        Term::String(s)
    }
}

/// A binary or bitstring.
impl From<Bitstring> for Term {
    fn from(b: Bitstring) -> Self {
        Term::Bitstring(b)
    }
}

/// A map.
impl From<TermMap> for Term {
    fn from(m: TermMap) -> Self {
        Term::Map(m)
    }
}

/// A proper list of the converted items.
///
/// ```
/// use erlterm::Term;
/// assert_eq!(Term::from(vec![1, 2]).to_string(), "[1,2]");
/// ```
impl<T: Into<Term>> From<Vec<T>> for Term {
    fn from(items: Vec<T>) -> Self {
        Term::List(items.into_iter().map(Into::into).collect())
    }
}

/// A proper list of the converted items.
impl<T: Into<Term>> FromIterator<T> for Term {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Term::List(iter.into_iter().map(Into::into).collect())
    }
}

/// A float that is NaN or infinite: Erlang has neither.
#[derive(Clone, Copy, Debug, PartialEq, thiserror::Error)]
#[error("{0} is not an Erlang float (Erlang has no NaN or infinity)")]
pub struct NonFiniteFloat(pub f64);

/// A float, refusing NaN and the infinities (see [`Term::float`]).
/// There is no `From<f64>`: no Erlang term stands for NaN.
///
/// ```
/// use erlterm::{NonFiniteFloat, Term};
/// assert_eq!(Term::try_from(0.5).unwrap().to_string(), "0.5");
/// assert!(matches!(Term::try_from(f64::INFINITY), Err(NonFiniteFloat(_))));
/// ```
impl TryFrom<f64> for Term {
    type Error = NonFiniteFloat;
    fn try_from(v: f64) -> Result<Self, NonFiniteFloat> {
        Term::float(v).ok_or(NonFiniteFloat(v))
    }
}

/// The entries of a map, sorted by map-key order ([`Term::cmp_map_key`]:
/// the term order with every integer before every float) with each key
/// once: the order in which Erlang stores and prints small maps.
///
/// Every way of building one keeps that invariant: [`TermMap::from_iter`]
/// and `From<Vec<_>>` sort and keep the last of duplicate keys (as
/// `maps:from_list/1`), [`TermMap::insert`] replaces an existing key's
/// value. It reads as a slice of `(key, value)` pairs (`Deref`).
///
/// ```
/// use erlterm::{Term, TermMap};
/// let mut m: TermMap = [(Term::atom("b"), Term::int(1)), (Term::int(2), Term::atom("x")), (Term::atom("b"), Term::int(3))]
///     .into_iter()
///     .collect();
/// assert_eq!(m.len(), 2);
/// assert_eq!(m.get(&Term::atom("b")), Some(&Term::int(3)));
/// assert_eq!(m.insert(Term::float(1.5).unwrap(), Term::nil()), None);
/// assert_eq!(m.remove(&Term::int(2)), Some(Term::atom("x")));
/// assert_eq!(m.keys().map(|k| k.to_string()).collect::<Vec<_>>(), ["1.5", "b"]);
/// assert_eq!(Term::Map(m).to_string(), "#{1.5 => [],b => 3}");
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct TermMap(Vec<(Term, Term)>);

impl TermMap {
    /// An empty map.
    ///
    /// ```
    /// assert!(erlterm::TermMap::new().is_empty());
    /// ```
    pub fn new() -> Self {
        TermMap(Vec::new())
    }

    /// The number of entries.
    ///
    /// ```
    /// let t = &erlterm::parse_str("#{a => 1, a => 2}.").unwrap()[0];
    /// assert_eq!(t.as_map().unwrap().len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no entry.
    ///
    /// ```
    /// assert!(erlterm::parse_str("#{}.").unwrap()[0].as_map().unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, key: &Term) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.cmp_map_key(key))
    }

    /// The value of `key` (keys compare with `=:=`: `1` and `1.0` are
    /// different keys).
    ///
    /// ```
    /// use erlterm::Term;
    /// let t = &erlterm::parse_str("#{1 => int, 1.0 => float}.").unwrap()[0];
    /// let m = t.as_map().unwrap();
    /// assert_eq!(m.get(&Term::float(1.0).unwrap()), Some(&Term::atom("float")));
    /// assert_eq!(m.get(&Term::int(2)), None);
    /// ```
    pub fn get(&self, key: &Term) -> Option<&Term> {
        let i = self.find(key).ok()?;
        self.0.get(i).map(|(_, v)| v)
    }

    /// The value of `key`, mutably.
    ///
    /// ```
    /// use erlterm::{Term, TermMap};
    /// let mut m = TermMap::from(vec![(Term::atom("n"), Term::int(1))]);
    /// *m.get_mut(&Term::atom("n")).unwrap() = Term::int(2);
    /// assert_eq!(m.get(&Term::atom("n")), Some(&Term::int(2)));
    /// ```
    pub fn get_mut(&mut self, key: &Term) -> Option<&mut Term> {
        let i = self.find(key).ok()?;
        self.0.get_mut(i).map(|(_, v)| v)
    }

    /// Whether `key` has an entry.
    ///
    /// ```
    /// use erlterm::Term;
    /// let t = &erlterm::parse_str("#{a => 1}.").unwrap()[0];
    /// assert!(t.as_map().unwrap().contains_key(&Term::atom("a")));
    /// ```
    pub fn contains_key(&self, key: &Term) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value` in its sorted place and returns the previous
    /// value; an existing key is kept (as `maps:put/3`: putting `-0.0`
    /// into `#{0.0 => a}` keeps the key `0.0`).
    ///
    /// ```
    /// use erlterm::{Term, TermMap};
    /// let mut m = TermMap::new();
    /// assert_eq!(m.insert(Term::atom("b"), Term::int(1)), None);
    /// assert_eq!(m.insert(Term::atom("a"), Term::int(2)), None);
    /// assert_eq!(m.insert(Term::atom("b"), Term::int(3)), Some(Term::int(1)));
    /// assert_eq!(Term::Map(m).to_string(), "#{a => 2,b => 3}");
    /// ```
    pub fn insert(&mut self, key: Term, value: Term) -> Option<Term> {
        match self.find(&key) {
            Ok(i) => self.0.get_mut(i).map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`'s entry and returns its value.
    ///
    /// ```
    /// use erlterm::Term;
    /// let mut t = erlterm::parse_str("#{a => 1, b => 2}.").unwrap().remove(0);
    /// let m = t.as_map_mut().unwrap();
    /// assert_eq!(m.remove(&Term::atom("a")), Some(Term::int(1)));
    /// assert_eq!(m.remove(&Term::atom("a")), None);
    /// assert_eq!(t.to_string(), "#{b => 2}");
    /// ```
    pub fn remove(&mut self, key: &Term) -> Option<Term> {
        let i = self.find(key).ok()?;
        Some(self.0.remove(i).1)
    }

    /// The entries in key order.
    ///
    /// ```
    /// let t = &erlterm::parse_str("#{b => 1, a => 2}.").unwrap()[0];
    /// let firsts: Vec<String> = t.as_map().unwrap().iter().map(|(k, _)| k.to_string()).collect();
    /// assert_eq!(firsts, ["a", "b"]);
    /// ```
    pub fn iter(&self) -> std::slice::Iter<'_, (Term, Term)> {
        self.0.iter()
    }

    /// The keys in order.
    ///
    /// ```
    /// let t = &erlterm::parse_str("#{2.0 => x, 10 => y}.").unwrap()[0];
    /// let keys: Vec<String> = t.as_map().unwrap().keys().map(|k| k.to_string()).collect();
    /// assert_eq!(keys, ["10", "2.0"]); // integers before floats
    /// ```
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &Term> + '_ {
        self.0.iter().map(|(k, _)| k)
    }

    /// The values in key order.
    ///
    /// ```
    /// let t = &erlterm::parse_str("#{b => 1, a => 2}.").unwrap()[0];
    /// let values: Vec<String> = t.as_map().unwrap().values().map(|v| v.to_string()).collect();
    /// assert_eq!(values, ["2", "1"]);
    /// ```
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Term> + '_ {
        self.0.iter().map(|(_, v)| v)
    }

    /// The values in key order, mutably (keys cannot change in place:
    /// that could break the order).
    ///
    /// ```
    /// use erlterm::Term;
    /// let mut t = erlterm::parse_str("#{a => 1, b => 2}.").unwrap().remove(0);
    /// t.as_map_mut().unwrap().values_mut().for_each(|v| *v = Term::int(0));
    /// assert_eq!(t.to_string(), "#{a => 0,b => 0}");
    /// ```
    pub fn values_mut(&mut self) -> impl ExactSizeIterator<Item = &mut Term> + '_ {
        self.0.iter_mut().map(|(_, v)| v)
    }

    /// The entries as a slice (also available through `Deref`).
    ///
    /// ```
    /// let t = &erlterm::parse_str("#{a => 1}.").unwrap()[0];
    /// assert_eq!(t.as_map().unwrap().as_slice().len(), 1);
    /// ```
    pub fn as_slice(&self) -> &[(Term, Term)] {
        &self.0
    }

    /// The entries, by value, in key order.
    ///
    /// ```
    /// let t = erlterm::parse_str("#{a => 1}.").unwrap().remove(0);
    /// let erlterm::Term::Map(m) = t else { unreachable!() };
    /// assert_eq!(m.into_vec().len(), 1);
    /// ```
    pub fn into_vec(self) -> Vec<(Term, Term)> {
        self.0
    }
}

impl std::ops::Deref for TermMap {
    type Target = [(Term, Term)];
    fn deref(&self) -> &[(Term, Term)] {
        &self.0
    }
}

/// Sorts the entries and keeps the last of duplicate keys.
impl From<Vec<(Term, Term)>> for TermMap {
    fn from(entries: Vec<(Term, Term)>) -> Self {
        normalize_map(entries)
    }
}

/// Sorts the entries and keeps the last of duplicate keys.
impl FromIterator<(Term, Term)> for TermMap {
    fn from_iter<I: IntoIterator<Item = (Term, Term)>>(iter: I) -> Self {
        normalize_map(iter.into_iter().collect())
    }
}

/// Inserts each entry (later ones win).
impl Extend<(Term, Term)> for TermMap {
    fn extend<I: IntoIterator<Item = (Term, Term)>>(&mut self, iter: I) {
        let mut all = std::mem::take(&mut self.0);
        all.extend(iter);
        self.0 = normalize_entries(all);
    }
}

impl IntoIterator for TermMap {
    type Item = (Term, Term);
    type IntoIter = std::vec::IntoIter<(Term, Term)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a TermMap {
    type Item = &'a (Term, Term);
    type IntoIter = std::slice::Iter<'a, (Term, Term)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Like a `BTreeMap`'s: `{key: value, ...}`.
impl fmt::Debug for TermMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for usize {}
    impl Sealed for str {}
    impl Sealed for String {}
    impl Sealed for super::Term {}
    impl<T: ?Sized + Sealed> Sealed for &T {}
}

/// What [`Term::get`] and [`Term::get_mut`] accept: a position (`usize`),
/// an atom key (`&str`, `String`) or any key ([`Term`]). Sealed: it cannot
/// be implemented outside this crate.
///
/// ```
/// use erlterm::Term;
/// let t = &erlterm::parse_str("[{a, 1}, {\"b\", 2}].").unwrap()[0];
/// assert_eq!(t.get("a"), Some(&Term::int(1)));
/// assert_eq!(t.get(&Term::string("b")), Some(&Term::int(2)));
/// assert_eq!(t.get(1).and_then(|p| p.get(1)), Some(&Term::int(2)));
/// ```
pub trait TermIndex: sealed::Sealed {
    /// The child of `term` at this index.
    fn index_into<'t>(&self, term: &'t Term) -> Option<&'t Term>;
    /// The child of `term` at this index, mutably.
    fn index_into_mut<'t>(&self, term: &'t mut Term) -> Option<&'t mut Term>;
}

impl TermIndex for usize {
    fn index_into<'t>(&self, term: &'t Term) -> Option<&'t Term> {
        match term {
            Term::Tuple(items) | Term::List(items) => items.get(*self),
            Term::ImproperList(l) => l.items().get(*self),
            _ => None,
        }
    }

    fn index_into_mut<'t>(&self, term: &'t mut Term) -> Option<&'t mut Term> {
        match term {
            Term::Tuple(items) | Term::List(items) => items.get_mut(*self),
            // The last entry is the tail.
            Term::ImproperList(l) if *self + 1 < l.0.len() => l.0.get_mut(*self),
            _ => None,
        }
    }
}

fn proplist_value(items: &[Term], is_key: impl Fn(&Term) -> bool) -> Option<&Term> {
    items.iter().find_map(|it| match it {
        Term::Tuple(kv) => match kv.as_slice() {
            [k, v] if is_key(k) => Some(v),
            _ => None,
        },
        _ => None,
    })
}

fn proplist_value_mut(items: &mut [Term], is_key: impl Fn(&Term) -> bool) -> Option<&mut Term> {
    items.iter_mut().find_map(|it| match it {
        Term::Tuple(kv) => match kv.as_mut_slice() {
            [k, v] if is_key(k) => Some(v),
            _ => None,
        },
        _ => None,
    })
}

impl TermIndex for str {
    fn index_into<'t>(&self, term: &'t Term) -> Option<&'t Term> {
        match term {
            Term::Map(m) => m.get(&Term::atom(self)),
            Term::List(items) => proplist_value(items, |k| k.as_atom() == Some(self)),
            _ => None,
        }
    }

    fn index_into_mut<'t>(&self, term: &'t mut Term) -> Option<&'t mut Term> {
        match term {
            Term::Map(m) => m.get_mut(&Term::atom(self)),
            Term::List(items) => proplist_value_mut(items, |k| k.as_atom() == Some(self)),
            _ => None,
        }
    }
}

impl TermIndex for String {
    fn index_into<'t>(&self, term: &'t Term) -> Option<&'t Term> {
        self.as_str().index_into(term)
    }

    fn index_into_mut<'t>(&self, term: &'t mut Term) -> Option<&'t mut Term> {
        self.as_str().index_into_mut(term)
    }
}

impl TermIndex for Term {
    fn index_into<'t>(&self, term: &'t Term) -> Option<&'t Term> {
        match term {
            Term::Map(m) => m.get(self),
            Term::List(items) => proplist_value(items, |k| k == self),
            _ => None,
        }
    }

    fn index_into_mut<'t>(&self, term: &'t mut Term) -> Option<&'t mut Term> {
        match term {
            Term::Map(m) => m.get_mut(self),
            Term::List(items) => proplist_value_mut(items, |k| k == self),
            _ => None,
        }
    }
}

impl<T: ?Sized + TermIndex> TermIndex for &T {
    fn index_into<'t>(&self, term: &'t Term) -> Option<&'t Term> {
        (**self).index_into(term)
    }

    fn index_into_mut<'t>(&self, term: &'t mut Term) -> Option<&'t mut Term> {
        (**self).index_into_mut(term)
    }
}

/// `term[i]`: [`Term::get`] for code that knows the shape, as slices,
/// `HashMap` and toml_edit's tables index. It panics when the index is
/// missing (Erlang has no null to hand back instead): use [`Term::get`]
/// for terms read from files, whose shape is not known.
///
/// ```
/// let t = &erlterm::parse_str("{app, [{vsn, \"1.0\"}, {env, #{port => 80}}]}.").unwrap()[0];
/// assert_eq!(t[1]["vsn"].as_string().as_deref(), Some("1.0"));
/// assert_eq!(t[1]["env"]["port"].as_i64(), Some(80));
/// assert!(std::panic::catch_unwind(|| &t[1]["nope"]).is_err());
/// ```
impl<I: TermIndex> std::ops::Index<I> for Term {
    type Output = Term;

    #[allow(clippy::panic)] // The contract of `Index`, as with slices.
    fn index(&self, index: I) -> &Term {
        match index.index_into(self) {
            Some(t) => t,
            None => panic!("no such position or key in this term (use Term::get)"),
        }
    }
}

/// `term[i] = ...`: [`Term::get_mut`] that panics when the index is
/// missing, as [`Index`](std::ops::Index) does.
///
/// ```
/// let mut t = erlterm::parse_str("[{port, 80}].").unwrap().remove(0);
/// t["port"] = erlterm::Term::int(8080);
/// assert_eq!(t.to_string(), "[{port,8080}]");
/// ```
impl<I: TermIndex> std::ops::IndexMut<I> for Term {
    #[allow(clippy::panic)] // The contract of `IndexMut`, as with slices.
    fn index_mut(&mut self, index: I) -> &mut Term {
        match index.index_into_mut(self) {
            Some(t) => t,
            None => panic!("no such position or key in this term (use Term::get_mut)"),
        }
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
    fn wide_integers_agree_with_big_ones() {
        use std::hash::{BuildHasher, RandomState};
        let hasher = RandomState::new();
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut values = vec![
            i128::MAX,
            i128::MIN,
            i128::from(i64::MAX) + 1,
            i128::from(i64::MIN) - 1,
            0,
            -1,
            1 << 64,
            -(1 << 64),
            (1 << 53) + 1,
        ];
        for _ in 0..20_000 {
            let v = (i128::from(next()) << 64 | i128::from(next())) >> (next() % 128);
            values.push(v);
            values.push(-v);
        }
        let big_max = Integer::from(BigInt::from(i128::MAX) + 1i32);
        let big_min = Integer::from(BigInt::from(i128::MIN) - 1i32);
        for w in values.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (x, y) = (Integer::from(a), Integer::from(b));
            assert_eq!(x, Integer::from(BigInt::from(a)), "{a}");
            assert_eq!(x.to_i128(), Some(a));
            assert_eq!(x.to_i64(), i64::try_from(a).ok());
            assert_eq!(x.to_bigint(), BigInt::from(a));
            assert_eq!(x.to_string(), a.to_string());
            assert_eq!(x.is_negative(), a < 0);
            let f = BigInt::from(a).to_f64().unwrap_or(f64::NAN);
            assert_eq!(x.to_f64().to_bits(), f.to_bits(), "{a}");
            assert_eq!(x.cmp_int(&y), a.cmp(&b), "{a} {b}");
            assert_eq!(x.cmp_int(&big_max), std::cmp::Ordering::Less);
            assert_eq!(x.cmp_int(&big_min), std::cmp::Ordering::Greater);
            assert_eq!(
                hasher.hash_one(&x),
                hasher.hash_one(Integer::from(BigInt::from(a)))
            );
        }
        assert_eq!(big_max.to_i128(), None);
        assert_eq!(
            big_min.to_string(),
            (BigInt::from(i128::MIN) - 1i32).to_string()
        );
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
