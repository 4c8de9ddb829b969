//! The reader: bytes straight to [`Term`]s, spanned [`Node`]s, or nothing
//! (validation), in one pass with an explicit stack, for the whole
//! `file:consult` grammar. Each construct has a byte-level path: atoms,
//! strings and quoted atoms with every escape, integers (short, long,
//! based, with separators, beyond `i64`), floats, chars, binaries with
//! segments, maps, funs (`fun M:F/A`). A value the byte-level paths leave
//! aside (a rare form: parentheses, bound variables, a typed segment they
//! do not read) is read by [`Fast::slow_leaf`] from its own tokens, at the
//! cost of its own length, never the file's.
//!
//! It gives up (`None`) only where the input is not a well-formed term
//! file or passes a limit: the caller then runs the full OTP-exact parser
//! from the term the reader stopped in ([`stop_point`]), which finds and
//! explains the error. So results and error messages never depend on which
//! path ran: whatever this module accepts, the full parser accepts with the
//! same terms and spans (checked by the tests below, the `fast_vs_full`
//! fuzz target and the conformance scripts).

use num_bigint::BigInt;
use std::cell::Cell;

use crate::lexer::number::{scan_number, Number};
use crate::lexer::{Lexer, Tok, Token};
use crate::node::{Node, NodeKind};
use crate::options::ParseOptions;
use crate::parser::build::{Build, NoBuild, NodeBuild, TermBuild};
use crate::parser::Parser;
use crate::span::Span;
use crate::term::{normalize_map, Atom, Bitstring, ExternalFun, Integer, Term, Text};

/// What the reader produces: terms, spanned nodes, or nothing (validation
/// only). Each constructor gets the value's span, computed only when
/// [`Output::SPANS`] asks for it.
pub(crate) trait Output: Sized {
    /// The full parser's builder of the same values, for the constructs
    /// read through [`Fast::slow_leaf`].
    type Builder: Build<V = Self> + Default;
    fn atom(name: &str, sp: Span) -> Self;
    fn int(v: i64, sp: Span) -> Self;
    fn integer(v: Integer, sp: Span) -> Self;
    fn fun(f: ExternalFun, sp: Span) -> Self;
    fn float(v: f64, sp: Span) -> Self;
    fn string(s: Text, sp: Span) -> Self;
    fn list(items: Vec<Self>, tail: Option<Self>, sp: Span) -> Self;
    fn tuple(items: Vec<Self>, sp: Span) -> Self;
    fn map(entries: Vec<(Self, Self)>, sp: Span) -> Self;
    fn binary(bytes: &[u8], sp: Span) -> Self;
    /// A bitstring of `bit_len` bits, the last byte partial.
    fn bits(bytes: Vec<u8>, bit_len: u64, sp: Span) -> Option<Self>;
    /// Whether strings need their text (false: only checked).
    const BUILD: bool;
    /// Whether values need their spans.
    const SPANS: bool;
}

impl Output for Term {
    type Builder = TermBuild;
    #[inline]
    fn atom(name: &str, _: Span) -> Self {
        Term::Atom(Atom::new(name))
    }
    #[inline]
    fn int(v: i64, _: Span) -> Self {
        Term::Integer(Integer::from(v))
    }
    fn integer(v: Integer, _: Span) -> Self {
        Term::Integer(v)
    }
    fn fun(f: ExternalFun, _: Span) -> Self {
        Term::Fun(Box::new(f))
    }
    #[inline]
    fn float(v: f64, _: Span) -> Self {
        Term::Float(v)
    }
    #[inline]
    fn string(s: Text, _: Span) -> Self {
        Term::String(s)
    }
    #[inline]
    fn list(items: Vec<Self>, tail: Option<Self>, _: Span) -> Self {
        match tail {
            None => Term::List(items),
            Some(t) => Term::improper_list(items, t),
        }
    }
    #[inline]
    fn tuple(items: Vec<Self>, _: Span) -> Self {
        Term::Tuple(items)
    }
    #[inline]
    fn map(entries: Vec<(Self, Self)>, _: Span) -> Self {
        Term::Map(normalize_map(entries))
    }
    #[inline]
    fn binary(bytes: &[u8], _: Span) -> Self {
        Term::Bitstring(Bitstring::from_slice(bytes))
    }
    #[inline]
    fn bits(bytes: Vec<u8>, bit_len: u64, _: Span) -> Option<Self> {
        Bitstring::from_bits(bytes, bit_len).map(Term::Bitstring)
    }
    const BUILD: bool = true;
    const SPANS: bool = false;
}

impl Output for Node {
    type Builder = NodeBuild;
    #[inline]
    fn atom(name: &str, span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::Atom(Atom::new(name)),
        }
    }
    #[inline]
    fn int(v: i64, span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::Integer(Integer::from(v)),
        }
    }
    fn integer(v: Integer, span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::Integer(v),
        }
    }
    fn fun(f: ExternalFun, span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::Fun(Box::new(f)),
        }
    }
    #[inline]
    fn float(v: f64, span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::Float(v),
        }
    }
    #[inline]
    fn string(s: Text, span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::String(s),
        }
    }
    #[inline]
    fn list(items: Vec<Self>, tail: Option<Self>, span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::List(items, tail.map(Box::new)),
        }
    }
    #[inline]
    fn tuple(items: Vec<Self>, span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::Tuple(items),
        }
    }
    #[inline]
    fn map(entries: Vec<(Self, Self)>, span: Span) -> Self {
        // Nodes keep the entries as written, duplicates included.
        Node {
            span,
            kind: NodeKind::Map(entries),
        }
    }
    #[inline]
    fn binary(bytes: &[u8], span: Span) -> Self {
        Node {
            span,
            kind: NodeKind::Bitstring(Bitstring::from_slice(bytes)),
        }
    }
    #[inline]
    fn bits(bytes: Vec<u8>, bit_len: u64, span: Span) -> Option<Self> {
        let b = Bitstring::from_bits(bytes, bit_len)?;
        Some(Node {
            span,
            kind: NodeKind::Bitstring(b),
        })
    }
    const BUILD: bool = true;
    const SPANS: bool = true;
}

impl Output for () {
    type Builder = NoBuild;
    fn atom(_: &str, _: Span) -> Self {}
    fn int(_: i64, _: Span) -> Self {}
    fn integer(_: Integer, _: Span) -> Self {}
    fn fun(_: ExternalFun, _: Span) -> Self {}
    fn float(_: f64, _: Span) -> Self {}
    fn string(_: Text, _: Span) -> Self {}
    fn list(_: Vec<Self>, _: Option<Self>, _: Span) -> Self {}
    fn tuple(_: Vec<Self>, _: Span) -> Self {}
    fn map(_: Vec<(Self, Self)>, _: Span) -> Self {}
    fn binary(_: &[u8], _: Span) -> Self {}
    fn bits(_: Vec<u8>, _: u64, _: Span) -> Option<Self> {
        Some(())
    }
    const BUILD: bool = false;
    const SPANS: bool = false;
}

/// Parses every term of `src`, or returns `None` to ask for the full parser.
pub(crate) fn parse<O: Output>(src: &str, opts: &ParseOptions) -> Option<Vec<O>> {
    let mut p = Fast::<O, false>::new(src, opts);
    // Allocated before the terms, and small: most files hold one term, and
    // a vector first allocated after the whole tree (at the top of the
    // heap) made its free trigger glibc's heap trim, re-faulting ~80 MB per
    // parse of a 16 MB file.
    let mut out = Vec::with_capacity(1);
    loop {
        p.skip_ws()?;
        if p.pos >= p.s.len() {
            return Some(out);
        }
        out.push(p.term()?);
        p.skip_ws()?;
        p.end_dot()?;
    }
}

/// Where the reader stops on `src`, for the full parser to explain why:
/// the start of the term it stops in, and the ranges of that term it has
/// already checked and the explanation does not need (in each container
/// it was reading, the elements before the last two: well-formed, complete
/// values whose only effect on the grammar is that the container is not
/// empty, which the two kept elements still show). `None` if the reader
/// reads all of `src`.
pub(crate) fn stop_point(src: &str, opts: &ParseOptions) -> Option<(usize, Vec<(usize, usize)>)> {
    let mut p = Fast::<(), true>::new(src, opts);
    loop {
        let start = p.pos;
        let read = (|| {
            p.skip_ws()?;
            if p.pos >= p.s.len() {
                return Some(false);
            }
            p.term()?;
            p.skip_ws()?;
            p.end_dot()?;
            Some(true)
        })();
        match read {
            Some(true) => continue,
            Some(false) => return None,
            None => {
                let skips = p
                    .marks
                    .iter()
                    .filter(|m| m[1] > m[0])
                    .map(|m| (m[0], m[1]))
                    .collect();
                return Some((start, skips));
            }
        }
    }
}

impl<'a, O: Output, const MARKS: bool> Fast<'a, O, MARKS> {
    fn new(src: &'a str, opts: &ParseOptions) -> Self {
        Fast {
            stack: Vec::new(),
            opens: Vec::new(),
            bases: Vec::new(),
            spills: Vec::new(),
            starts: Vec::new(),
            s: src.as_bytes(),
            src,
            pos: 0,
            leaf_start: 0,
            located: (0, 1, 1),
            sub_opts: opts.clone(),
            toks: Vec::new(),
            scratch: String::new(),
            max_depth: opts.max_depth,
            max_integer_digits: opts.max_integer_digits,
            max_binary_bytes: usize::try_from(opts.max_binary_bits / 8).unwrap_or(usize::MAX),
            marks: Vec::new(),
            free: Cell::new((0, 0)),
        }
    }
}

/// Counts the terms of `src`, or `None` to ask for the full parser.
pub(crate) fn validate(src: &str, opts: &ParseOptions) -> Option<usize> {
    parse::<()>(src, opts).map(|v| v.len())
}

/// Reserved words of OTP 25 (`maybe` and `else` are plain atoms there),
/// packed as little-endian integers so that checking an atom costs one
/// integer comparison chain instead of string compares.
const RESERVED: [&str; 27] = [
    "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor", "case",
    "catch", "cond", "div", "end", "fun", "if", "let", "not", "of", "or", "orelse", "receive",
    "rem", "try", "when", "xor",
];

// `i < word.len()` is checked right before `word[i]`.
#[allow(clippy::indexing_slicing)]
const fn pack(word: &[u8]) -> u64 {
    let mut v = 0u64;
    let mut i = 0;
    while i < word.len() && i < 8 {
        v |= (word[i] as u64) << (8 * i);
        i += 1;
    }
    v
}

/// Multiplier of a perfect hash of the packed reserved words into 64 slots
/// (found by a search; `RESERVED_TABLE` fails the build on a collision).
const RESERVED_HASH: u64 = 0x1abe_e312_6719_3211;

const fn reserved_slot(packed: u64) -> usize {
    (packed.wrapping_mul(RESERVED_HASH) >> 58) as usize
}

/// Each reserved word at its slot; `u64::MAX` (never a packed name) elsewhere.
// Evaluated at compile time: a bad index or a collision fails the build, it
// cannot panic at run time.
#[allow(clippy::indexing_slicing)]
const RESERVED_TABLE: [u64; 64] = {
    let mut t = [u64::MAX; 64];
    let mut i = 0;
    while i < RESERVED.len() {
        let packed = pack(RESERVED[i].as_bytes());
        let slot = reserved_slot(packed);
        assert!(t[slot] == u64::MAX, "reserved-word hash collision");
        t[slot] = packed;
        i += 1;
    }
    t
};

/// Whether the packed name (see [`pack`]) of an atom of at most 7 bytes is
/// a reserved word: one multiplication and one load, no branch on the
/// name, since a mispredicted branch per atom is what validation paid.
// `reserved_slot` is below 64 by construction (a 6-bit shift result).
#[allow(clippy::indexing_slicing)]
#[inline]
fn is_reserved_packed(packed: u64) -> bool {
    RESERVED_TABLE[reserved_slot(packed)] == packed
}

/// Whether a name is a reserved word.
#[inline]
fn is_reserved(name: &[u8]) -> bool {
    name.len() <= 7 && is_reserved_packed(pack(name))
}

/// Bytes that may follow the first character of a bare atom.
// Evaluated at compile time (see `RESERVED_TABLE`).
#[allow(clippy::indexing_slicing)]
const NAME_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'@';
        b += 1;
    }
    t
};

/// Whether `b` may follow the first character of a bare atom.
// A 256-entry table indexed by a `u8`.
#[allow(clippy::indexing_slicing)]
#[inline]
fn is_name_byte(b: u8) -> bool {
    NAME_BYTE[usize::from(b)]
}

/// `splat(b)` repeats byte `b` in every byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// High bit of each byte of `word` set where that byte is `>= n`, for words
/// of ASCII bytes and `1 <= n <= 0x80` (then `byte + 0x80 - n <= 0xFE`: no
/// carry crosses into the next byte).
#[inline]
const fn bytes_at_least(word: u64, n: u8) -> u64 {
    word.wrapping_add(splat(0x80 - n)) & splat(0x80)
}

/// High bit of each byte of an ASCII `word` set where the byte is in `lo..=hi`.
#[inline]
const fn bytes_in(word: u64, lo: u8, hi: u8) -> u64 {
    bytes_at_least(word, lo) & !bytes_at_least(word, hi + 1)
}

/// The eight bytes at `pos` as a little-endian word, if there are eight.
#[inline]
fn word_at(s: &[u8], pos: usize) -> Option<u64> {
    let chunk: [u8; 8] = s.get(pos..pos + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

/// The end of a run of name bytes (`[A-Za-z0-9_@]`) starting at `pos`:
/// eight bytes at a time, since atoms are most of what config and appup
/// files hold. A non-ASCII byte ends the run too (the caller checks it).
#[inline]
fn name_end(s: &[u8], mut pos: usize) -> usize {
    while let Some(word) = word_at(s, pos) {
        let stop = non_name_bytes(word);
        if stop != 0 {
            return pos + (stop.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while s.get(pos).is_some_and(|&b| is_name_byte(b)) {
        pos += 1;
    }
    pos
}

/// High bit of each byte of `word` set where the byte is not a name byte
/// (`[A-Za-z0-9_@]`); non-ASCII bytes count as not name bytes.
#[inline]
fn non_name_bytes(word: u64) -> u64 {
    let ascii = !word & splat(0x80);
    // Keep non-ASCII bytes out of the range tests.
    let w = word & splat(0x7F);
    // The name ranges `0x30..0x3A`, `0x40..0x5B`, `0x5F..0x60` and
    // `0x61..0x7B` are disjoint, so a byte is in one of them exactly when an
    // odd number of their bounds are at or below it: one sum per bound and
    // a parity, where a test per range took twice the operations.
    let above = |n: u8| w.wrapping_add(splat(0x80 - n));
    let parity = above(b'0')
        ^ above(b'9' + 1)
        ^ above(b'@')
        ^ above(b'Z' + 1)
        ^ above(b'_')
        ^ above(b'_' + 1)
        ^ above(b'a')
        ^ above(b'z' + 1);
    !(parity & ascii) & splat(0x80)
}

/// High bit of each byte of `word` set at its zero bytes; exact for the
/// lowest one (a borrow can only mark bytes above a zero byte).
#[inline]
const fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(splat(1)) & !word & splat(0x80)
}

/// The position of the first `quote` or `\` at or after `pos`, and whether
/// all bytes before it are ASCII. Quoted texts are mostly short: their
/// first 32 bytes are searched a word at a time, which also spots non-ASCII
/// bytes, and longer ones with `memchr2`.
#[inline]
fn quote_or_escape(s: &[u8], pos: usize, quote: u8) -> Option<(usize, bool)> {
    let mut at = pos;
    while at - pos < 32 {
        let Some(word) = word_at(s, at) else {
            break;
        };
        let stops = zero_bytes(word ^ splat(quote)) | zero_bytes(word ^ splat(b'\\'));
        let high = word & splat(0x80);
        if stops != 0 && (high == 0 || stops.trailing_zeros() < high.trailing_zeros()) {
            return Some((at + (stops.trailing_zeros() / 8) as usize, true));
        }
        if high != 0 {
            break;
        }
        at += 8;
    }
    let end = at + memchr::memchr2(quote, b'\\', s.get(at..)?)?;
    Some((end, s.get(at..end)?.is_ascii()))
}

/// The position of the first `quote` or `\\` at or after `pos`. Most
/// runs of text between two of them are short: the first 32 bytes are
/// searched a word at a time (two tests a word), the rest with `memchr2`,
/// whose call costs more than a short run takes (64 bytes a word at a time
/// measured no better). Noncharacters are checked
/// apart, once per stretch of input (see [`Fast::text_run_end`]).
#[inline(always)]
fn quote_or_backslash(s: &[u8], pos: usize, quote: u8) -> Option<usize> {
    let mut at = pos;
    while at - pos < 32 {
        let Some(word) = word_at(s, at) else {
            break;
        };
        let stops = zero_bytes(word ^ splat(quote)) | zero_bytes(word ^ splat(b'\\'));
        if stops != 0 {
            return Some(at + (stops.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    Some(at + memchr::memchr2(quote, b'\\', s.get(at..)?)?)
}

/// In [`ESCAPE`], an escape that is more than its letter.
pub(crate) const LONG_ESCAPE: u8 = 0xFF;

/// The character (ASCII) that `\\` and byte `b` stand for, at `b`:
/// `LONG_ESCAPE` for the escapes [`Fast::escape_at`] reads (octal, `\\x`,
/// `\\^`, a non-ASCII character). One load, where a `match` on the letter
/// compiled to a jump table whose indirect jump mispredicted at almost
/// every escape of escape-heavy text.
// Evaluated at compile time (see `RESERVED_TABLE`).
#[allow(clippy::indexing_slicing)]
const ESCAPE: [u8; 256] = {
    let mut t = [LONG_ESCAPE; 256];
    let mut b = 0;
    while b < 0x80 {
        t[b] = match b as u8 {
            b'0'..=b'7' | b'x' | b'^' => LONG_ESCAPE,
            b'n' => b'\n',
            b't' => b'\t',
            b'r' => b'\r',
            b's' => b' ',
            b'b' => 0x08,
            b'd' => 0x7F,
            b'e' => 0x1B,
            b'f' => 0x0C,
            b'v' => 0x0B,
            // Any other character stands for itself (`\\"`, `\\\\`, `\\.`,
            // a newline).
            c => c,
        };
        b += 1;
    }
    t
};

/// [`ESCAPE`] at `b`.
// A 256-entry table indexed by a `u8`.
#[allow(clippy::indexing_slicing)]
#[inline(always)]
pub(crate) fn escape_char(b: u8) -> u8 {
    ESCAPE[usize::from(b)]
}

/// The position of the first `\n` at or after `pos`, or the end of `s`.
/// Comments are mostly short: their first 64 bytes are searched a word at
/// a time, the rest with `memchr`, whose call costs more than a short
/// comment takes.
#[inline]
fn line_end(s: &[u8], pos: usize) -> usize {
    let mut at = pos;
    while at - pos < 64 {
        let Some(word) = word_at(s, at) else {
            break;
        };
        let newlines = zero_bytes(word ^ splat(b'\n'));
        if newlines != 0 {
            return at + (newlines.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let rest = s.get(at..).unwrap_or_default();
    at + memchr::memchr(b'\n', rest).unwrap_or(rest.len())
}

/// Where the first U+FFFE or U+FFFF (which OTP rejects in texts and
/// comments) starts in `from..to`, if one does.
fn first_noncharacter(s: &[u8], from: usize, to: usize) -> Option<usize> {
    let mut at = from;
    loop {
        // `0xEF` starts both (and other characters, rare in text).
        let i = at + memchr::memchr(0xEF, s.get(at..to)?)?;
        if crate::lexer::noncharacter_at(s, i) {
            return Some(i);
        }
        at = i + 1;
    }
}

/// How far past a text [`Fast::free_to`] checks the input for
/// noncharacters at once: far enough that the check is a small part of
/// reading, near enough that input read only in part (a failing parse, a
/// partial typed read) is not checked all through, and the bytes checked
/// are still cached when read.
const CHECK_AHEAD: usize = 16 * 1024;

/// Where [`Fast::quoted`] appends the text it decodes.
pub(crate) trait TextSink {
    /// Appends `s`.
    fn push_str(&mut self, s: &str);
    /// Appends `c`.
    fn push(&mut self, c: char);
    /// Appends the ASCII character `b` (below 0x80).
    #[inline]
    fn push_ascii(&mut self, b: u8) {
        self.push(char::from(b & 0x7F));
    }
}

impl TextSink for Text {
    #[inline]
    fn push_str(&mut self, s: &str) {
        Text::push_str(self, s);
    }
    #[inline]
    fn push(&mut self, c: char) {
        Text::push(self, c);
    }
}

impl TextSink for String {
    #[inline]
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }
    #[inline]
    fn push(&mut self, c: char) {
        String::push(self, c);
    }
}

/// High bit of each byte of `word` set where the byte is not an ASCII digit.
#[inline]
const fn non_digit_bytes(word: u64) -> u64 {
    let digits = bytes_in(word & splat(0x7F), b'0', b'9') & !word;
    !digits & splat(0x80)
}

/// The end of a run of ASCII digits starting at `pos`, eight bytes at a time.
#[inline]
fn digit_end(s: &[u8], mut pos: usize) -> usize {
    while let Some(word) = word_at(s, pos) {
        let stop = non_digit_bytes(word);
        if stop != 0 {
            return pos + (stop.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while s.get(pos).is_some_and(u8::is_ascii_digit) {
        pos += 1;
    }
    pos
}

/// The value of the eight decimal digits, one per byte (0 to 9, not
/// ASCII), of a little-endian word whose lowest byte is the most
/// significant digit: three multiplications instead of eight dependent
/// multiply-adds.
#[inline]
const fn eight_digit_values(v: u64) -> u64 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    // Pairs of digits: byte 2i holds the value of digits 2i and 2i + 1.
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    (v & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((v >> 16) & MASK).wrapping_mul(MUL2))
        >> 32
}

/// The value of the `n` (at most eight) ASCII digits at the start of the
/// little-endian `word`; zero if `n` is zero.
#[inline]
const fn digits_in_word(word: u64, n: usize) -> u64 {
    if n == 0 || n > 8 {
        return 0;
    }
    // The digits' values moved to the top bytes, below them zeros, which
    // read as leading zeros.
    eight_digit_values((word ^ splat(b'0')) << (8 * (8 - n)))
}

/// `10^n` for `n` up to 19, from a table (`checked_pow` is a loop).
#[inline]
fn pow10(n: usize) -> Option<u64> {
    POW10.get(n).copied()
}

/// `10^n` for `n` up to 19.
const POW10: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        // `i` is below 20, checked just above.
        #[allow(clippy::indexing_slicing)]
        {
            t[i] = t[i - 1] * 10;
        }
        i += 1;
    }
    t
};

/// The value of the decimal digits, with `_` separators, of `s[start..end]`
/// (only digits and separators), up to eight digits at a time (a run
/// between separators in one word), in a `u64` while the value has at most
/// 19 digits; `None` beyond `u128`.
#[inline]
fn decimal_value(s: &[u8], start: usize, end: usize) -> Option<u128> {
    let mut small = 0u64;
    let mut digits = 0usize;
    let mut at = start;
    while at < end {
        let Some(word) = word_at(s, at) else {
            break;
        };
        let run = ((non_digit_bytes(word).trailing_zeros() / 8) as usize).min(end - at);
        if run == 0 {
            // A separator.
            at += 1;
            continue;
        }
        if digits + run > 19 {
            return wide_decimal_value(s, at, end, u128::from(small));
        }
        small = small * pow10(run)? + digits_in_word(word, run);
        digits += run;
        at += run;
    }
    wide_decimal_value(s, at, end, u128::from(small))
}

/// A decimal integer's digits from `start` (a digit), with single `_`
/// separators between digits: its end, whether it has separators, its
/// number of digits, and, if `value_too`, its value while it has at most
/// 38 digits (`None` beyond, or without `value_too`): integers beyond
/// `i64` are read in the same pass, not again by [`decimal_value`].
///
/// With the value, run by run between separators, each from one word, in
/// one pass (a scan then a second pass for the value took 1.5x the time).
/// Without it, eight bytes at a time ([`separated_run`]): the run by run
/// scan waits for each run's end before it can load the next, and cost
/// validation 1.5x the time on `1_052_488_127_450`. Measured the other way
/// round, each was the slower (squeezing the separators out of words to
/// read the value took longer than the runs).
#[inline]
fn separated_decimal(
    s: &[u8],
    start: usize,
    value_too: bool,
) -> (usize, bool, usize, Option<u128>) {
    if !value_too {
        if let Some((end, seps)) = separated_run(s, start) {
            return (end, seps > 0, end - start - seps, None);
        }
    }
    separated_decimal_by_runs(s, start, value_too)
}

/// The end of the digits and separators from `start` (a digit) and the
/// number of separators, when every `_` in the run is followed by a digit
/// and the run ends eight bytes or more before the input does; `None`
/// otherwise ([`separated_decimal_by_runs`] then reads it).
#[inline]
fn separated_run(s: &[u8], start: usize) -> Option<(usize, usize)> {
    const LAST_BYTE: u64 = 0x80 << 56;
    let (mut at, mut seps, mut sep_last) = (start, 0usize, false);
    loop {
        let word = word_at(s, at)?;
        let non_digits = non_digit_bytes(word);
        if non_digits == 0 {
            // Eight digits (long integers): nothing else to look at.
            sep_last = false;
            at += 8;
            continue;
        }
        let digits = !non_digits & HIGH_BITS;
        let under = bytes_equal(word, b'_');
        if sep_last && digits & 0x80 == 0 {
            return None;
        }
        let stop = !(digits | under) & HIGH_BITS;
        // The bytes before the first stop (all of them if there is none).
        let run = if stop == 0 {
            u64::MAX
        } else {
            (stop & stop.wrapping_neg()) - 1
        };
        let under = under & run;
        // A separator must be followed by a digit; the last byte's
        // follower is the next word's first.
        if under & !(digits >> 8) & !LAST_BYTE != 0 {
            return None;
        }
        seps += marks(under) as usize;
        if stop != 0 {
            return Some((at + (stop.trailing_zeros() / 8) as usize, seps));
        }
        sep_last = under & LAST_BYTE != 0;
        at += 8;
    }
}

/// [`separated_decimal`] run by run.
#[inline]
fn separated_decimal_by_runs(
    s: &[u8],
    start: usize,
    value_too: bool,
) -> (usize, bool, usize, Option<u128>) {
    let (mut pos, mut digits, mut seps) = (start, 0usize, false);
    let mut value = value_too.then_some(0u128);
    loop {
        let Some(word) = word_at(s, pos) else {
            // The last bytes of the input, one at a time.
            let end = digit_end(s, pos);
            let run = end - pos;
            value = match value {
                Some(v) if digits + run <= 38 => s
                    .get(pos..end)
                    .map(|ds| ds.iter().fold(v, |v, &d| v * 10 + u128::from(d - b'0'))),
                _ => None,
            };
            digits += run;
            pos = end;
            if s.get(pos) == Some(&b'_') && s.get(pos + 1).is_some_and(u8::is_ascii_digit) {
                seps = true;
                pos += 1;
                continue;
            }
            return (pos, seps, digits, value);
        };
        let run = (non_digit_bytes(word).trailing_zeros() / 8) as usize;
        value = match (value, pow10(run)) {
            _ if !value_too => None,
            // At most 19 digits in a `u64`, which a `u128` multiplication
            // slowed by a tenth; at most 38 below `10^38`, in a `u128`.
            (Some(v), Some(scale)) if digits + run <= 19 => {
                let v = v as u64;
                Some(u128::from(v * scale + digits_in_word(word, run)))
            }
            (Some(v), Some(scale)) if digits + run <= 38 => {
                Some(v * u128::from(scale) + u128::from(digits_in_word(word, run)))
            }
            _ => None,
        };
        digits += run;
        pos += run;
        if run == 8 {
            continue;
        }
        if (word >> (8 * run)) as u8 == b'_' && s.get(pos + 1).is_some_and(u8::is_ascii_digit) {
            seps = true;
            pos += 1;
            continue;
        }
        return (pos, seps, digits, value);
    }
}

/// [`decimal_value`] from `at` on, the digits before it worth `v`: in a
/// `u128`, byte by byte at the end of the input.
#[inline(never)]
fn wide_decimal_value(s: &[u8], mut at: usize, end: usize, mut v: u128) -> Option<u128> {
    while at < end {
        let run = match word_at(s, at) {
            Some(word) => ((non_digit_bytes(word).trailing_zeros() / 8) as usize).min(end - at),
            None => {
                for &b in s.get(at..end)? {
                    if b != b'_' {
                        v = v.checked_mul(10)?.checked_add(u128::from(b - b'0'))?;
                    }
                }
                return Some(v);
            }
        };
        if run == 0 {
            at += 1;
            continue;
        }
        let word = word_at(s, at)?;
        v = v
            .checked_mul(u128::from(pow10(run)?))?
            .checked_add(u128::from(digits_in_word(word, run)))?;
        at += run;
    }
    Some(v)
}

/// Exact powers of ten as doubles, up to `10^22` (the largest exact one).
const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `mantissa * 10^scale`, correctly rounded, when one exact operation gives
/// it: the mantissa an exact double (at most 2^53) and the power of ten
/// one too (Clinger's fast path); `None` otherwise.
#[inline]
fn exact_float(mantissa: u64, scale: i64) -> Option<f64> {
    if mantissa > 1 << 53 {
        return None;
    }
    let m = mantissa as f64;
    let power = *EXACT_POW10.get(usize::try_from(scale.unsigned_abs()).ok()?)?;
    Some(if scale < 0 { m / power } else { m * power })
}

/// The value of `b` as a digit of any base up to 36 (`0-9`, `a-z`, `A-Z`),
/// or 255.
// Evaluated at compile time (see `RESERVED_TABLE`).
#[allow(clippy::indexing_slicing)]
const DIGIT_VALUE: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'z' => c - b'a' + 10,
            b'A'..=b'Z' => c - b'A' + 10,
            _ => 255,
        };
        b += 1;
    }
    t
};

/// High bit of each byte of `word` set where the byte is not a digit of
/// `base` (2 to 36).
#[inline]
const fn non_based_bytes(word: u64, base: u8) -> u64 {
    let ascii = !word & splat(0x80);
    let x = word & splat(0x7F);
    let decimal = if base < 10 { base } else { 10 };
    let mut digits = bytes_in(x, b'0', b'0' + decimal - 1);
    if base > 10 {
        digits |= bytes_in(x, b'a', b'a' + base - 11) | bytes_in(x, b'A', b'A' + base - 11);
    }
    !(digits & ascii) & splat(0x80)
}

/// The end of a run of digits of `base` (2 to 36) starting at `pos`,
/// eight bytes at a time.
#[inline]
fn based_digit_end(s: &[u8], mut pos: usize, base: u8) -> usize {
    while let Some(word) = word_at(s, pos) {
        let stop = non_based_bytes(word, base);
        if stop != 0 {
            return pos + (stop.trailing_zeros() / 8) as usize;
        }
        pos += 8;
    }
    while s.get(pos).is_some_and(|&b| digit_value(b) < base) {
        pos += 1;
    }
    pos
}

/// The value of `b` as a digit of bases up to 36, or 255.
// A 256-entry table indexed by a `u8`.
#[allow(clippy::indexing_slicing)]
#[inline]
pub(crate) fn digit_value(b: u8) -> u8 {
    DIGIT_VALUE[usize::from(b)]
}

/// Elements (or map entries) a container keeps on the shared stack before
/// it moves to its own, growing vector. This bounds the stack by the nesting depth rather
/// than by the longest list: a large stack buffer, freed and grown again on
/// every parse, led glibc to hand the whole heap back to the kernel and
/// fault it in again each time (measured: 1,300 page faults per parse of a
/// 1 MB file, and none with this bound).
const SPILL_AFTER: usize = 32;

/// What an open container reads next, after its current element.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    /// An element of a list (then `,`, `|` or `]`).
    List,
    /// The tail of an improper list (then `]`).
    Tail,
    /// An element of a tuple (then `,` or `}`).
    Tuple,
    /// A map key (then `=>`).
    Key,
    /// A map value (then `,` or `}`).
    Value,
}

/// Marks the base of an open container whose elements moved to their own
/// vector (the last of `Fast::spills`).
const SPILLED: usize = 1 << (usize::BITS - 1);

/// Keys and values, alternating, as pairs.
fn pair_up<O>(mut flat: impl ExactSizeIterator<Item = O>) -> Vec<(O, O)> {
    let mut pairs = Vec::with_capacity(flat.len() / 2);
    while let (Some(k), Some(v)) = (flat.next(), flat.next()) {
        pairs.push((k, v));
    }
    pairs
}

struct Fast<'a, O, const MARKS: bool> {
    /// Finished elements of the containers being read, innermost last:
    /// each container takes its own elements off the top, so every
    /// element vector is allocated once, at its exact size.
    stack: Vec<O>,
    /// What each container being read expects next, innermost last.
    opens: Vec<Open>,
    /// Where the elements of each container being read start on `stack`
    /// (kept when building), `SPILLED` set once they moved to `spills`.
    /// One word per container: a frame holding its spill vector was
    /// written as words and copied as 16-byte halves, and that copy waited
    /// on store-to-load forwarding at every container.
    bases: Vec<usize>,
    /// The elements of the open containers that outgrew the stack.
    spills: Vec<Vec<O>>,
    /// The spans (their starts) of the containers being read, innermost
    /// last, when [`Output::SPANS`].
    starts: Vec<Span>,
    s: &'a [u8],
    src: &'a str,
    pos: usize,
    /// Where the leaf being read starts (for its span).
    leaf_start: usize,
    /// The last position located, with its line and column: positions are
    /// located in increasing order, so locating costs one pass in all.
    located: (usize, u32, u32),
    /// The options the full grammar reads unusual constructs with.
    sub_opts: ParseOptions,
    /// The tokens of the unusual construct being read.
    toks: Vec<Token<'a>>,
    /// A buffer for decoding quoted texts, reused.
    scratch: String,
    /// When `MARKS`: for each container being read, where its first, its
    /// previous and its current element start (a map's entries, not keys
    /// and values).
    marks: Vec<[usize; 3]>,
    /// A range of the input known to hold no U+FFFE or U+FFFF (its end is
    /// the input's end, the start of one, or where the last check stopped):
    /// checking stretches of input once, apart from the search for quotes
    /// and backslashes, spares that search a third test in every word.
    /// A `Cell` so that the `&self` readers (also used by `Scanner`)
    /// update it.
    free: Cell<(usize, usize)>,
    max_depth: usize,
    max_integer_digits: usize,
    max_binary_bytes: usize,
}

impl<'a, O: Output, const MARKS: bool> Fast<'a, O, MARKS> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    #[inline]
    fn peek_at(&self, off: usize) -> Option<u8> {
        self.s.get(self.pos + off).copied()
    }

    /// The line and column of byte `at`, counted from the last position
    /// located (OTP's rule: only `\n` starts a line; a column counts
    /// characters).
    #[inline(always)]
    fn locate(&mut self, at: usize) -> (u32, u32) {
        let (from, line, column) = self.located;
        // The common gap, from the end of an ASCII leaf (see
        // `Fast::ascii_leaf_span`) to the next one, `,\n    `: one word,
        // the one that ends at `at`, without a call.
        let n = at.wrapping_sub(from);
        if (1..=8).contains(&n) {
            if let Some(word) = at.checked_sub(8).and_then(|w| word_at(self.s, w)) {
                let (line, column) = step(
                    word >> (8 * (8 - n)),
                    HIGH_BITS >> (8 * (8 - n)),
                    line,
                    column,
                );
                self.located = (at, line, column);
                return (line, column);
            }
        }
        self.locate_far(at)
    }

    /// [`Fast::locate`] beyond one word from the last position located.
    #[inline(never)]
    fn locate_far(&mut self, at: usize) -> (u32, u32) {
        let (mut from, mut line, mut column) = self.located;
        if at < from {
            (from, line, column) = (0, 1, 1);
        }
        let seg = self.s.get(from..at).unwrap_or_default();
        if seg.len() <= 256 {
            // Between two leaves: a separator, a newline and an indent, or
            // a leaf. Eight bytes at a time without branching on their
            // contents: a byte loop mispredicted at every newline, and the
            // searches below cost more to set up than short gaps take.
            (line, column) = advance(self.s, from, at, line, column);
            self.located = (at, line, column);
            return (line, column);
        }
        match memchr::memrchr(b'\n', seg) {
            None => column += chars_in(seg),
            Some(i) => {
                line += memchr::memchr_iter(b'\n', seg).count() as u32;
                column = 1 + chars_in(seg.get(i + 1..).unwrap_or_default());
            }
        }
        self.located = (at, line, column);
        (line, column)
    }

    /// The span from `start` to `end`, if spans are wanted.
    #[inline(always)]
    fn span_to(&mut self, start: usize, end: usize) -> Span {
        if !O::SPANS {
            return Span::default();
        }
        let (line, column) = self.locate(start);
        Span {
            start: start as u32,
            end: end as u32,
            line,
            column,
        }
    }

    /// The span of the leaf being read, ending here.
    #[inline(always)]
    fn leaf_span(&mut self) -> Span {
        self.span_to(self.leaf_start, self.pos)
    }

    /// [`Fast::leaf_span`] for a leaf of ASCII bytes without a newline (a
    /// number, a bare atom): the position after it is located too, by
    /// adding its length, so the next leaf is located from there and
    /// the leaf's bytes are never counted.
    #[inline(always)]
    fn ascii_leaf_span(&mut self) -> Span {
        let sp = self.leaf_span();
        if O::SPANS {
            self.located = (
                self.pos,
                sp.line,
                sp.column + (self.pos - self.leaf_start) as u32,
            );
        }
        sp
    }

    /// Skips whitespace and comments. Gives up on non-ASCII outside
    /// comments (OTP treats U+0080..U+00A0 as whitespace and the rest as
    /// tokens; the full parser handles both).
    #[inline]
    fn skip_ws(&mut self) -> Option<()> {
        // Runs between tokens are short (a space, a newline and an indent):
        // one byte at a time beats searching, and beat measuring the run
        // in a word without a branch per byte (validation 30% slower).
        while let Some(b) = self.peek() {
            match b {
                0..=b' ' => self.pos += 1,
                b'%' => self.skip_comment()?,
                // U+0080..U+00A0 are whitespace too; other non-ASCII
                // characters start tokens.
                0xC2 if self.peek_at(1).is_some_and(|c| c <= 0xA0) => self.pos += 2,
                _ => break,
            }
        }
        Some(())
    }

    /// Skips a comment up to its newline. Kept out of line: comments are
    /// rare in large files, and inlined into `skip_ws` this made it too big
    /// to be inlined itself.
    #[inline(never)]
    fn skip_comment(&mut self) -> Option<()> {
        // U+FFFE and U+FFFF, which OTP rejects in comments too, are
        // checked apart (see `Fast::free`).
        let end = line_end(self.s, self.pos);
        self.free_to(self.pos, end)?;
        self.pos = (end + 1).min(self.s.len());
        Some(())
    }

    /// The end-of-term dot: `.` then whitespace, `%` or end of input.
    #[inline]
    fn end_dot(&mut self) -> Option<()> {
        if self.peek() != Some(b'.') {
            return None;
        }
        match self.peek_at(1) {
            None | Some(0..=b' ' | b'%') => {
                self.pos += 1;
                Some(())
            }
            _ => None,
        }
    }

    #[inline]
    fn expect(&mut self, b: u8) -> Option<()> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }

    /// One term. Open containers are entries of `self.opens`, not calls: a
    /// leaf costs no call and nesting no machine stack.
    fn term(&mut self) -> Option<O> {
        if self.max_depth == 0 {
            return None;
        }
        'element: loop {
            let start = self.pos;
            self.leaf_start = start;
            let mut done = match self.peek()? {
                b'a'..=b'z' => match self.bare_atom() {
                    Some(v) => v,
                    None => match self.fun_ref(start) {
                        Some(v) => v,
                        None => self.slow_leaf(start)?,
                    },
                },
                b'[' => {
                    if self.open(1, b']', Open::List)? {
                        continue 'element;
                    }
                    let sp = self.leaf_span();
                    O::list(Vec::new(), None, sp)
                }
                b'{' => {
                    if self.open(1, b'}', Open::Tuple)? {
                        continue 'element;
                    }
                    let sp = self.leaf_span();
                    O::tuple(Vec::new(), sp)
                }
                b'#' if self.peek_at(1) == Some(b'{') => {
                    if self.open(2, b'}', Open::Key)? {
                        continue 'element;
                    }
                    let sp = self.leaf_span();
                    O::map(Vec::new(), sp)
                }
                _ => match self.leaf() {
                    Some(v) => v,
                    None => self.slow_leaf(start)?,
                },
            };
            // Hand the finished term to the innermost open container, and
            // close as many containers as the input closes.
            loop {
                let Some(&open) = self.opens.last() else {
                    return Some(done);
                };
                if open == Open::Tail {
                    self.skip_ws()?;
                    self.expect(b']')?;
                    let (items, sp) = self.close()?;
                    done = O::list(items, Some(done), sp);
                    continue;
                }
                if O::BUILD {
                    self.push_element(done);
                }
                self.skip_ws()?;
                let next = match self.peek()? {
                    b',' if open != Open::Key => {
                        if open == Open::Value {
                            Open::Key
                        } else {
                            open
                        }
                    }
                    b']' if open == Open::List => {
                        self.pos += 1;
                        let (items, sp) = self.close()?;
                        done = O::list(items, None, sp);
                        continue;
                    }
                    b'}' if open == Open::Tuple => {
                        self.pos += 1;
                        let (items, sp) = self.close()?;
                        done = O::tuple(items, sp);
                        continue;
                    }
                    b'}' if open == Open::Value => {
                        self.pos += 1;
                        let (entries, sp) = self.close_map()?;
                        done = O::map(entries, sp);
                        continue;
                    }
                    b'=' if open == Open::Key && self.peek_at(1) == Some(b'>') => {
                        self.pos += 1;
                        Open::Value
                    }
                    b'|' if open == Open::List && self.peek_at(1) != Some(b'|') => Open::Tail,
                    _ => return None,
                };
                self.pos += 1;
                self.skip_ws()?;
                if next != open {
                    if let Some(top) = self.opens.last_mut() {
                        *top = next;
                    }
                }
                if MARKS && next != Open::Value {
                    if let Some(m) = self.marks.last_mut() {
                        *m = [m[0], m[2], self.pos];
                    }
                }
                continue 'element;
            }
        }
    }

    /// Consumes the opener (`opener_len` bytes) of a container closed by
    /// `close`. If the container is empty, consumes the closer too and
    /// gives `false`; otherwise opens a frame for its elements and gives
    /// `true`. `None` when its elements would reach the depth limit (the
    /// full parser then reports it).
    #[inline]
    fn open(&mut self, opener_len: usize, close: u8, open: Open) -> Option<bool> {
        let start = self.pos;
        self.pos += opener_len;
        self.skip_ws()?;
        if self.peek() == Some(close) {
            self.pos += 1;
            return Some(false);
        }
        if self.opens.len() + 1 >= self.max_depth {
            return None;
        }
        self.opens.push(open);
        if MARKS {
            self.marks.push([self.pos; 3]);
        }
        if O::BUILD {
            self.bases.push(self.stack.len());
        }
        if O::SPANS {
            let sp = self.span_to(start, start);
            self.starts.push(sp);
        }
        Some(true)
    }

    /// Adds an element to the innermost container (a key and a value count
    /// as two).
    #[inline]
    fn push_element(&mut self, item: O) {
        let Some(&base) = self.bases.last() else {
            return;
        };
        if base & SPILLED == 0 {
            if self.stack.len() - base < SPILL_AFTER {
                self.stack.push(item);
                return;
            }
            self.spill_innermost();
        }
        if let Some(spill) = self.spills.last_mut() {
            spill.push(item);
        }
    }

    /// Moves the innermost container's elements to a vector of their own.
    #[inline(never)]
    fn spill_innermost(&mut self) {
        if let Some(base) = self.bases.last_mut() {
            let mut spill = Vec::with_capacity(SPILL_AFTER * 2);
            spill.extend(self.stack.drain(*base..));
            self.spills.push(spill);
            *base |= SPILLED;
        }
    }

    /// Closes the innermost container, a list or a tuple, and gives its
    /// elements, in an exactly sized vector unless they spilled (an empty
    /// one when validating, which keeps no elements).
    #[inline]
    fn close(&mut self) -> Option<(Vec<O>, Span)> {
        self.opens.pop();
        if MARKS {
            self.marks.pop();
        }
        if !O::BUILD {
            return Some((Vec::new(), Span::default()));
        }
        let sp = self.closed_span()?;
        let base = self.bases.pop()?;
        if base & SPILLED != 0 {
            // Exactly sized, as the unspilled are: the spare room of the
            // grown vectors made a file of lists of 10 to 60 numbers take
            // 13% more memory than serde_json's `Value` (and time to touch
            // it). The span tree leaves a long list with less than 1 MiB
            // of room as it is: shrinking it cost 15% of the time on a
            // 1 MB file of strings (at 16 MB, shrinking is the faster).
            let mut items = self.spills.pop()?;
            let room = (items.capacity() - items.len()) * std::mem::size_of::<O>();
            if !O::SPANS || items.capacity() <= 1024 || room >= 1 << 20 {
                items.shrink_to_fit();
            }
            return Some((items, sp));
        }
        if base == 0 || base > self.stack.len() {
            // `split_off(0)` would hand over the whole stack buffer (and a
            // base above the top cannot happen: `split_off` would panic).
            let items = self.stack.drain(base.min(self.stack.len())..).collect();
            return Some((items, sp));
        }
        // One exact allocation and a `memcpy`.
        Some((self.stack.split_off(base), sp))
    }

    /// The span of the innermost container, just closed.
    #[inline(always)]
    fn closed_span(&mut self) -> Option<Span> {
        if !O::SPANS {
            return Some(Span::default());
        }
        let mut sp = self.starts.pop()?;
        sp.end = self.pos as u32;
        Some(sp)
    }

    /// Closes the innermost container, a map, and gives its entries.
    #[inline]
    fn close_map(&mut self) -> Option<(Vec<(O, O)>, Span)> {
        self.opens.pop();
        if MARKS {
            self.marks.pop();
        }
        if !O::BUILD {
            return Some((Vec::new(), Span::default()));
        }
        let sp = self.closed_span()?;
        let base = self.bases.pop()?;
        if base & SPILLED != 0 {
            return Some((pair_up(self.spills.pop()?.into_iter()), sp));
        }
        Some((pair_up(self.stack.drain(base.min(self.stack.len())..)), sp))
    }

    /// A term that is not a container and not a bare atom. (A separate
    /// dispatch: merged into the one of `term`, validation ran 3% slower.)
    #[inline]
    fn leaf(&mut self) -> Option<O> {
        match self.peek()? {
            b'\'' if O::BUILD => {
                let mut name = std::mem::take(&mut self.scratch);
                name.clear();
                self.quoted(b'\'', &mut name)?;
                if name.len() > 255 && name.chars().count() > 255 {
                    return None;
                }
                let sp = self.leaf_span();
                let atom = O::atom(&name, sp);
                self.scratch = name;
                Some(atom)
            }
            b'\'' => {
                let start = self.pos + 1;
                self.skip_quoted(b'\'')?;
                let body = self.src.get(start..self.pos - 1)?;
                // Escapes only shorten the text, so this bound is safe.
                (body.len() <= 255 || body.chars().count() <= 255)
                    .then(|| O::atom("", Span::default()))
            }
            b'0'..=b'9' => self.number(false),
            b'-' if self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) => {
                self.pos += 1;
                self.number(true)
            }
            // `- 1`: a minus and a number are two tokens.
            b'-' => {
                // The number's span starts at the minus, and a newline may
                // come before its digits: locate the minus first, and
                // go on from there, not from the number's end.
                if O::SPANS {
                    self.locate(self.pos);
                }
                let located = self.located;
                self.pos += 1;
                self.skip_ws()?;
                if !self.peek()?.is_ascii_digit() {
                    return None;
                }
                let v = self.number(true);
                self.located = located;
                v
            }
            b'"' => self.strings(),
            b'<' if self.peek_at(1) == Some(b'<') => self.binary(),
            b'$' => self.char_literal(),
            _ => None,
        }
    }

    #[inline]
    fn bare_atom(&mut self) -> Option<O> {
        let start = self.pos;
        let (end, reserved) = match word_at(self.s, start) {
            // A name shorter than eight bytes ends inside its first word,
            // which also gives its packed form: no per-byte loop.
            Some(word) if non_name_bytes(word) != 0 => {
                let len = (non_name_bytes(word).trailing_zeros() / 8) as usize;
                let packed = word & ((1u64 << (8 * len)) - 1);
                (start + len, is_reserved_packed(packed))
            }
            // Reserved words are shorter than eight bytes.
            Some(_) => (name_end(self.s, start + 8), false),
            None => {
                let end = name_end(self.s, start + 1);
                (end, is_reserved(self.s.get(start..end)?))
            }
        };
        self.pos = end;
        if self.peek().is_some_and(|b| b >= 0x80) {
            return None;
        }
        let len = end - start;
        if len > 255 || reserved {
            return None;
        }
        if O::BUILD {
            let sp = self.ascii_leaf_span();
            // Name bytes are ASCII, so these are character boundaries.
            Some(O::atom(self.src.get(start..self.pos)?, sp))
        } else {
            Some(O::atom("", Span::default()))
        }
    }

    /// `fun M:F/A` with bare atoms and a decimal arity, at `start` (where
    /// `fun` is); `None` (position unchanged) for any other `fun`.
    fn fun_ref(&mut self, start: usize) -> Option<O> {
        if self.s.get(start..start + 3)? != b"fun" {
            return None;
        }
        self.pos = start + 3;
        let read = self.fun_parts();
        if read.is_none() {
            self.pos = start;
        }
        read
    }

    fn fun_parts(&mut self) -> Option<O> {
        let name = |p: &mut Self| -> Option<&'a str> {
            p.skip_ws()?;
            let at = p.pos;
            if !p.peek()?.is_ascii_lowercase() {
                return None;
            }
            let end = name_end(p.s, at + 1);
            let word = p.s.get(at..end)?;
            if word.len() > 255 || is_reserved(word) || p.s.get(end).is_some_and(|&b| b >= 0x80) {
                return None;
            }
            p.pos = end;
            p.src.get(at..end)
        };
        let module = name(self)?;
        self.skip_ws()?;
        self.expect(b':')?;
        let function = name(self)?;
        self.skip_ws()?;
        self.expect(b'/')?;
        self.skip_ws()?;
        let start = self.pos;
        let end = digit_end(self.s, start);
        let digits = self.s.get(start..end)?;
        if digits.is_empty()
            || digits.len() > 3
            || matches!(self.s.get(end), Some(b'#' | b'_' | b'.'))
        {
            return None;
        }
        let arity = digits
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
        if arity > 255 {
            return None;
        }
        self.pos = end;
        let f = ExternalFun {
            module: Atom::new(module),
            function: Atom::new(function),
            arity,
        };
        Some(O::fun(f, self.leaf_span()))
    }

    /// The length of `d.d` (at most seven bytes) at the start of `word`,
    /// whose integer part has `int_digits` digits and is followed by `.`:
    /// `None` if its fraction has no digit, does not end inside the word,
    /// or is followed by an exponent or a separator (the longer paths read
    /// those).
    #[inline(always)]
    fn short_float_len(word: u64, int_digits: usize) -> Option<usize> {
        // The `.` and a digit after the integer part, inside the word.
        if int_digits >= 6 {
            return None;
        }
        // The fraction's digits, then anything but an exponent or a
        // separator, all inside the word (the shift fills the top with
        // zero bytes, which are not digits).
        let fraction = word >> (8 * (int_digits + 1));
        let digits = (non_digit_bytes(fraction).trailing_zeros() / 8) as usize;
        let len = int_digits + 1 + digits;
        if digits == 0 || len >= 8 {
            return None;
        }
        if matches!((word >> (8 * len)) as u8, b'e' | b'E' | b'_' | b'#') {
            return None;
        }
        Some(len)
    }

    /// Digits with single `_` separators between digits.
    fn digits(&mut self) -> Option<(usize, bool)> {
        let start = self.pos;
        let mut seps = false;
        if !self.peek()?.is_ascii_digit() {
            return None;
        }
        loop {
            self.pos = digit_end(self.s, self.pos);
            match self.peek() {
                Some(b'_') if self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) => {
                    seps = true;
                    self.pos += 1;
                }
                _ => return Some((start, seps)),
            }
        }
    }

    /// A number (its first digit here; `negative` if a `-` came before).
    /// One word of input says which kind it is, by the byte after its
    /// first digits: the common short ones (`123`, `1.25`) are read from
    /// that word, `16#ff` goes straight to its digits, and the others to
    /// [`Fast::word_float`], [`Fast::long_decimal`] or
    /// [`Fast::long_number`]. (Trying the kinds one after the other read
    /// the word up to four times.)
    #[inline(always)]
    fn number(&mut self, negative: bool) -> Option<O> {
        let start = self.pos;
        let Some(word) = word_at(self.s, start) else {
            return self.long_number(negative);
        };
        let int_digits = (non_digit_bytes(word).trailing_zeros() / 8) as usize;
        // Eight digits: no byte after them in the word (a digit stands in).
        let next = if int_digits < 8 {
            (word >> (8 * int_digits)) as u8
        } else {
            b'0'
        };
        match next {
            b'.' => {
                if let Some(len) = Self::short_float_len(word, int_digits) {
                    self.pos = start + len;
                    return self.short_float(word, int_digits, len, negative);
                }
                if let Some((end, v)) = self.word_float() {
                    self.pos = end;
                    if !O::BUILD {
                        return Some(O::float(0.0, Span::default()));
                    }
                    return Some(O::float(
                        if negative { -v } else { v },
                        self.ascii_leaf_span(),
                    ));
                }
                self.long_number(negative)
            }
            b'#' if int_digits <= 2 => {
                self.pos = start + int_digits;
                self.based(start, negative)
            }
            b'_' | b'#' => self.long_number(negative),
            _ if int_digits < 7 => {
                self.pos = start + int_digits;
                if int_digits > self.max_integer_digits {
                    return None;
                }
                if !O::BUILD {
                    return Some(O::int(0, Span::default()));
                }
                // At most six digits: no overflow.
                let v = digits_in_word(word, int_digits) as i64;
                Some(O::int(
                    if negative { -v } else { v },
                    self.ascii_leaf_span(),
                ))
            }
            _ => {
                // (Validation needs no value: its digit scan is cheaper.)
                if O::BUILD {
                    if let Some((end, v)) = self.long_decimal() {
                        return self.decimal_integer(end, v, negative);
                    }
                }
                self.long_number(negative)
            }
        }
    }

    /// The float `d.d` of `len` bytes (at most seven) at the start of
    /// `word`, just read.
    #[inline(always)]
    fn short_float(
        &mut self,
        word: u64,
        int_digits: usize,
        len: usize,
        negative: bool,
    ) -> Option<O> {
        if !O::BUILD {
            return Some(O::float(0.0, Span::default()));
        }
        // Its digits as an integer and the power of ten it is divided by
        // are both exact doubles, so one division, correctly rounded, gives
        // the correctly rounded value, as `str::parse` does (Clinger's fast
        // path).
        let frac_digits = len - int_digits - 1;
        let int = digits_in_word(word, int_digits);
        let frac = digits_in_word(word >> (8 * (int_digits + 1)), frac_digits);
        let scale = pow10(frac_digits)?;
        let v = (int * scale + frac) as f64 / scale as f64;
        Some(O::float(
            if negative { -v } else { v },
            self.ascii_leaf_span(),
        ))
    }

    /// The end and value of a decimal integer of 7 to 19 digits here
    /// (then not followed by `.`, `_` or `#`), read from the words that
    /// hold its digits as they are found: no second pass over the digits
    /// and no loop. `None` for anything else.
    #[inline]
    fn long_decimal(&self) -> Option<(usize, u64)> {
        let (s, start) = (self.s, self.pos);
        let digits = |word: u64| (non_digit_bytes(word).trailing_zeros() / 8) as usize;
        let w0 = word_at(s, start)?;
        let n0 = digits(w0);
        let (end, v) = if n0 < 8 {
            (start + n0, digits_in_word(w0, n0))
        } else {
            let w1 = word_at(s, start + 8)?;
            let n1 = digits(w1);
            let high = digits_in_word(w0, 8);
            if n1 < 8 {
                (start + 8 + n1, high * pow10(n1)? + digits_in_word(w1, n1))
            } else {
                let w2 = word_at(s, start + 16)?;
                let n2 = digits(w2);
                if n2 > 3 {
                    return None;
                }
                // At most 19 digits: below 10^19, within `u64`.
                let high = high * 100_000_000 + digits_in_word(w1, 8);
                (start + 16 + n2, high * pow10(n2)? + digits_in_word(w2, n2))
            }
        };
        if matches!(s.get(end), Some(b'.' | b'_' | b'#')) {
            return None;
        }
        Some((end, v))
    }

    /// The end and value of a float here of up to seven integer digits,
    /// one to seven fraction digits and maybe an exponent of up to three
    /// digits (`2.298E-3`, `12.3456789`), without separators, read from
    /// the words that hold its parts; its value one exact operation on
    /// exact doubles (Clinger's fast path, as in [`Fast::float_number`]).
    /// When validating, the value is 0.0, the exponent only checked as
    /// `float_number` checks it. `None` for anything else.
    #[inline]
    fn word_float(&self) -> Option<(usize, f64)> {
        let (s, start) = (self.s, self.pos);
        let digits = |word: u64| (non_digit_bytes(word).trailing_zeros() / 8) as usize;
        let w0 = word_at(s, start)?;
        let n0 = digits(w0);
        if n0 == 8 || (w0 >> (8 * n0)) as u8 != b'.' {
            return None;
        }
        let frac_start = start + n0 + 1;
        let w1 = word_at(s, frac_start)?;
        let nf = digits(w1);
        if nf == 0 || nf == 8 {
            return None;
        }
        let mut end = frac_start + nf;
        let mut exponent = 0i64;
        if matches!(s.get(end), Some(b'e' | b'E')) {
            let (negative, exp_start) = match s.get(end + 1) {
                Some(b'-') => (true, end + 2),
                Some(b'+') => (false, end + 2),
                _ => (false, end + 1),
            };
            let w2 = word_at(s, exp_start)?;
            let ne = digits(w2);
            if ne == 0 || ne > 3 {
                return None;
            }
            let e = digits_in_word(w2, ne) as i64;
            exponent = if negative { -e } else { e };
            end = exp_start + ne;
        }
        if s.get(end) == Some(&b'_') {
            return None;
        }
        if !O::BUILD {
            return (n0 as i64 + exponent < 300).then_some((end, 0.0));
        }
        let mantissa = digits_in_word(w0, n0) * pow10(nf)? + digits_in_word(w1, nf);
        Some((end, exact_float(mantissa, exponent - nf as i64)?))
    }

    /// The integer [`Fast::long_decimal`] found: its magnitude `v`, its end.
    #[inline]
    fn decimal_integer(&mut self, end: usize, v: u64, negative: bool) -> Option<O> {
        if end - self.pos > self.max_integer_digits {
            return None;
        }
        self.pos = end;
        if !O::BUILD {
            return Some(O::int(0, Span::default()));
        }
        Some(match i64::try_from(v) {
            Ok(v) => O::int(if negative { -v } else { v }, self.ascii_leaf_span()),
            Err(_) => {
                let v = i128::from(v);
                let v = Integer::from(if negative { -v } else { v });
                O::integer(v, self.ascii_leaf_span())
            }
        })
    }

    /// A number [`Fast::number`] does not read from one word: integers of
    /// seven digits or more, with separators, based or beyond `i64`,
    /// longer floats. Integers are accumulated from the digits once
    /// scanned, eight at a time; only integers beyond `i128`, based ones
    /// with separators in the base and malformed ones go to OTP's number
    /// grammar ([`Fast::scanned_number`]).
    fn long_number(&mut self, negative: bool) -> Option<O> {
        let s = self.s;
        let start = self.pos;
        if !s.get(start)?.is_ascii_digit() {
            return None;
        }
        let (end, seps, digits, small) = separated_decimal(s, start, O::BUILD);
        self.pos = end;
        match s.get(end) {
            Some(b'.') if s.get(end + 1).is_some_and(u8::is_ascii_digit) => {
                return self.float_number(start, seps, negative);
            }
            Some(b'#') if !seps => return self.based(start, negative),
            Some(b'#' | b'_') => return self.scanned_number(start, negative),
            _ => {}
        }
        if digits > self.max_integer_digits {
            return None;
        }
        if !O::BUILD {
            // Any run of digits is an integer.
            return Some(O::int(0, Span::default()));
        }
        let v = match small {
            Some(v) => v,
            None => match decimal_value(s, start, end) {
                Some(v) => v,
                None => return self.scanned_number(start, negative),
            },
        };
        if let Ok(v) = i64::try_from(v) {
            return Some(O::int(
                if negative { -v } else { v },
                self.ascii_leaf_span(),
            ));
        }
        let Ok(v) = i128::try_from(v) else {
            return self.scanned_number(start, negative);
        };
        let v = Integer::from(if negative { -v } else { v });
        Some(O::integer(v, self.ascii_leaf_span()))
    }

    /// The float whose integer part (with separators if `seps`) runs from
    /// `start` to the `.` here. The syntax is OTP's, checked here: digits,
    /// `.`, digits, then maybe `e` or `E`, a sign and digits, with `_`
    /// separators between digits (those are left to OTP's grammar, as is
    /// a `_` after the number). The value: one exact multiplication or
    /// division when the digits and the power of ten are both exact
    /// doubles (Clinger's fast path), `str::parse` on the text otherwise;
    /// validation converts only what might overflow.
    fn float_number(&mut self, start: usize, mut seps: bool, negative: bool) -> Option<O> {
        let int_end = self.pos;
        self.pos += 1;
        let (frac_start, frac_seps) = self.digits()?;
        let frac_end = self.pos;
        seps |= frac_seps;
        let mut exponent = 0i64;
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            let negative_exponent = match self.peek() {
                Some(b'-') => {
                    self.pos += 1;
                    true
                }
                Some(b'+') => {
                    self.pos += 1;
                    false
                }
                _ => false,
            };
            let (exp_start, exp_seps) = self.digits()?;
            seps |= exp_seps;
            // Saturated: any larger exponent gives the same answers below.
            exponent = self
                .s
                .get(exp_start..self.pos)?
                .iter()
                .filter(|&&b| b != b'_')
                .fold(0i64, |e, d| (e * 10 + i64::from(d - b'0')).min(1 << 40));
            if negative_exponent {
                exponent = -exponent;
            }
        }
        if self.peek() == Some(b'_') || seps {
            return self.scanned_number(start, negative);
        }
        let int_digits = int_end - start;
        if !O::BUILD && (int_digits as i64).saturating_add(exponent) < 300 {
            // Below 10^(int_digits + exponent) <= 10^299: finite (an
            // underflow gives zero, which is finite too).
            return Some(O::float(0.0, Span::default()));
        }
        let frac_digits = frac_end - frac_start;
        let fast = if int_digits + frac_digits <= 19 {
            let int = decimal_value(self.s, start, int_end)?;
            let frac = decimal_value(self.s, frac_start, frac_end)?;
            let mantissa = u64::try_from(int * u128::from(pow10(frac_digits)?) + frac).ok()?;
            let scale = exponent - frac_digits as i64;
            exact_float(mantissa, scale)
        } else {
            None
        };
        let v = match fast {
            Some(v) => v,
            None => {
                let v: f64 = self.src.get(start..self.pos)?.parse().ok()?;
                if !v.is_finite() {
                    return None;
                }
                v
            }
        };
        Some(O::float(
            if negative { -v } else { v },
            self.ascii_leaf_span(),
        ))
    }

    /// `Base#Digits` whose base runs from `start` to the `#` here: read in
    /// place when the base is 2 to 36 and the value fits `i64`, otherwise
    /// by OTP's number grammar (which also reports the errors).
    fn based(&mut self, start: usize, negative: bool) -> Option<O> {
        if !O::BUILD {
            return self.skip_based(start);
        }
        let Some((v, end)) = self.based_value(start) else {
            return self.scanned_number(start, negative);
        };
        self.pos = end;
        let v = if negative { -v } else { v };
        Some(O::int(v, self.ascii_leaf_span()))
    }

    /// The value and end of `Base#Digits` whose base runs from `start` to
    /// the `#` here, when the base is 2 to 36, the digits well-formed and
    /// the value fits `i64`; `None` otherwise (OTP's number grammar then
    /// reads it, or reports the error).
    fn based_value(&self, start: usize) -> Option<(i64, usize)> {
        let base_digits = self.s.get(start..self.pos)?;
        let base = if base_digits.len() <= 2 {
            base_digits
                .iter()
                .fold(0u64, |v, d| v * 10 + u64::from(d - b'0'))
        } else {
            0
        };
        if !(2..=36).contains(&base) {
            return None;
        }
        let digit = |b: u8| -> Option<u64> {
            let d = u64::from(digit_value(b));
            (d < base).then_some(d)
        };
        let mut i = self.pos + 1;
        let (mut v, mut n) = (0u64, 0usize);
        // Powers of two by shifts: a multiplication per digit made a chain
        // of dependent multiplications, and base-2 literals are long.
        let shift = if base.is_power_of_two() {
            base.trailing_zeros()
        } else {
            0
        };
        loop {
            match self.s.get(i).copied().map(digit) {
                Some(Some(d)) => {
                    v = if shift != 0 {
                        if v >> (64 - shift) != 0 {
                            return None;
                        }
                        (v << shift) | d
                    } else {
                        v.checked_mul(base)?.checked_add(d)?
                    };
                    n += 1;
                    i += 1;
                }
                // A separator only between two digits of the base.
                Some(None)
                    if n > 0
                        && self.s.get(i) == Some(&b'_')
                        && self.s.get(i + 1).copied().and_then(digit).is_some() =>
                {
                    i += 1;
                }
                _ => break,
            }
        }
        let v = i64::try_from(v).ok()?;
        if n == 0 || n > self.max_integer_digits {
            return None;
        }
        Some((v, i))
    }

    /// [`Fast::based`] when validating: the digits are checked, not added
    /// up (any value is an integer).
    fn skip_based(&mut self, start: usize) -> Option<O> {
        let base_digits = self.s.get(start..self.pos)?;
        let base = match *base_digits {
            [d] => d - b'0',
            [d, e] => (d - b'0') * 10 + (e - b'0'),
            _ => 0,
        };
        if !(2..=36).contains(&base) {
            return self.scanned_number(start, false);
        }
        let is_digit = |i: usize| self.s.get(i).is_some_and(|&b| digit_value(b) < base);
        let mut i = self.pos + 1;
        let mut n = 0usize;
        loop {
            // Runs of digits eight bytes at a time: base-2 literals are
            // long, and a byte loop mispredicted its exit.
            let end = based_digit_end(self.s, i, base);
            n += end - i;
            i = end;
            if n > 0 && self.s.get(i) == Some(&b'_') && is_digit(i + 1) {
                i += 1;
            } else {
                break;
            }
        }
        if n == 0 || n > self.max_integer_digits {
            return self.scanned_number(start, false);
        }
        self.pos = i;
        Some(O::int(0, Span::default()))
    }

    /// The number written from `start` read by OTP's number grammar: based
    /// integers, `_` separators, integers beyond `i64`.
    #[inline(never)]
    fn scanned_number(&mut self, start: usize, negative: bool) -> Option<O> {
        let input = self.s.get(start..)?;
        let (n, len) = scan_number(input, self.max_integer_digits).ok()?;
        self.pos = start + len;
        let sp = self.ascii_leaf_span();
        Some(match n {
            Number::Small(v) if !negative => O::int(v, sp),
            Number::Small(v) => match v.checked_neg() {
                Some(v) => O::int(v, sp),
                None => O::integer(Integer::from(-BigInt::from(v)), sp),
            },
            Number::Big(b) if O::BUILD => {
                O::integer(Integer::from(if negative { -b } else { b }), sp)
            }
            Number::Big(_) => O::int(0, sp),
            Number::Float(f) => O::float(if negative { -f } else { f }, sp),
        })
    }

    /// Where the run of quoted text from `pos` ends: at the next `quote`
    /// or `\`. `None` if there is neither, or if the run holds U+FFFE or
    /// U+FFFF (the full parser reports them).
    #[inline(always)]
    fn text_run_end(&self, pos: usize, quote: u8) -> Option<usize> {
        let stop = quote_or_backslash(self.s, pos, quote)?;
        self.free_to(pos, stop)
    }

    /// `end` if no U+FFFE or U+FFFF starts in `pos..end`: almost always
    /// known from [`Fast::free`] without looking at the input.
    #[inline(always)]
    fn free_to(&self, pos: usize, end: usize) -> Option<usize> {
        let (from, to) = self.free.get();
        if from <= pos && end <= to {
            return Some(end);
        }
        self.check_free(pos, end)
    }

    /// [`Fast::free_to`] when `pos..end` is not inside the range known
    /// free: checks up to [`CHECK_AHEAD`] bytes past it (past its end, the
    /// range's end if it starts inside the range) and moves the range on.
    #[cold]
    #[inline(never)]
    fn check_free(&self, pos: usize, end: usize) -> Option<usize> {
        let (from, to) = self.free.get();
        if pos < from {
            // Back before the range (a term read again): this run only,
            // so that going back and forth costs no more than the runs.
            return first_noncharacter(self.s, pos, end)
                .is_none()
                .then_some(end);
        }
        let (from, scan) = if pos <= to { (from, to) } else { (pos, pos) };
        let limit = end.max(scan + CHECK_AHEAD).min(self.s.len());
        let to = first_noncharacter(self.s, scan, limit).unwrap_or(limit);
        self.free.set((from, to));
        (end <= to).then_some(end)
    }

    /// A quoted atom or string body, with the common escapes, appended to
    /// `out`; `None` on escapes left to the full parser (octal, `\x`, `\^`).
    fn quoted<T: TextSink>(&mut self, quote: u8, out: &mut T) -> Option<()> {
        self.pos += 1;
        let stop = self.text_run_end(self.pos, quote)?;
        self.quoted_from(stop, quote, out)
    }

    /// The rest of a quoted body from `self.pos` (inside it), whose first
    /// `quote` or `\` is at `stop`, appended to `out` as [`Fast::quoted`]
    /// appends it.
    fn quoted_from<T: TextSink>(&mut self, mut stop: usize, quote: u8, out: &mut T) -> Option<()> {
        let mut run = self.pos;
        loop {
            self.pos = stop;
            out.push_str(self.src.get(run..self.pos)?);
            if self.peek()? == quote {
                self.pos += 1;
                return Some(());
            }
            let c = escape_char(self.peek_at(1)?);
            if c == LONG_ESCAPE {
                let (v, end) = self.escape_at(self.pos + 1)?;
                out.push(char::from_u32(v)?);
                self.pos = end;
            } else {
                out.push_ascii(c);
                self.pos += 2;
            }
            run = self.pos;
            // Jump to the closing quote or the next escape.
            stop = self.text_run_end(self.pos, quote)?;
        }
    }

    /// Scans a string body without building it.
    fn skip_string(&mut self) -> Option<()> {
        self.skip_quoted(b'"')
    }

    /// Scans a quoted body without building it, accepting the escapes
    /// [`Fast::quoted`] accepts.
    fn skip_quoted(&mut self, quote: u8) -> Option<()> {
        self.pos += 1;
        loop {
            self.pos = self.text_run_end(self.pos, quote)?;
            if self.peek()? == quote {
                self.pos += 1;
                return Some(());
            }
            if escape_char(self.peek_at(1)?) == LONG_ESCAPE {
                self.pos = self.escape_at(self.pos + 1)?.1;
            } else {
                self.pos += 2;
            }
        }
    }

    /// One or more adjacent string literals.
    fn strings(&mut self) -> Option<O> {
        if !O::BUILD {
            loop {
                self.skip_string()?;
                let end = self.pos;
                self.skip_ws()?;
                if self.peek() != Some(b'"') {
                    let sp = self.span_to(self.leaf_start, end);
                    return Some(O::string(Text::default(), sp));
                }
            }
        }
        // The common literal without escapes, alone: its text is copied
        // from the input once, to its exact size.
        let body = self.pos + 1;
        let stop = self.text_run_end(body, b'"')?;
        let mut buf = std::mem::take(&mut self.scratch);
        buf.clear();
        if self.s.get(stop) == Some(&b'"') {
            self.pos = stop + 1;
            let end = self.pos;
            self.skip_ws()?;
            if self.peek() != Some(b'"') {
                self.scratch = buf;
                let text = Text::new(self.src.get(body..stop)?);
                let sp = self.span_to(self.leaf_start, end);
                return Some(O::string(text, sp));
            }
            buf.push_str(self.src.get(body..stop)?);
        }
        // Escapes or adjacent literals: decoded into a reused buffer, then
        // copied once. A first literal with escapes goes on from its first
        // run, already searched.
        let mut searched = (self.s.get(stop) != Some(&b'"')).then_some(stop);
        loop {
            match searched.take() {
                Some(stop) => {
                    self.pos = body;
                    self.quoted_from(stop, b'"', &mut buf)?;
                }
                None => self.quoted(b'"', &mut buf)?,
            }
            let end = self.pos;
            self.skip_ws()?;
            if self.peek() != Some(b'"') {
                let text = Text::new(&buf);
                self.scratch = buf;
                let sp = self.span_to(self.leaf_start, end);
                return Some(O::string(text, sp));
            }
        }
    }

    /// `<<>>`, and binaries and bitstrings of string segments (maybe
    /// `/utf8`) and integer segments of up to 64 bits (sizes of whole bytes
    /// little-endian too, `utf8` code points), at any bit position.
    #[inline(never)]
    fn binary(&mut self) -> Option<O> {
        self.pos += 2;
        self.skip_ws()?;
        if self.peek() == Some(b'>') && self.peek_at(1) == Some(b'>') {
            self.pos += 2;
            return Some(O::binary(&[], self.leaf_span()));
        }
        if let Some(text) = self.plain_binary_text() {
            return Some(O::binary(text, self.leaf_span()));
        }
        let mut bytes = Vec::new();
        // The length in bits, counted separately so that validation needs
        // no buffer (there an upper bound: a string's text length).
        let mut bits = 0u64;
        loop {
            match self.peek()? {
                b'"' => {
                    let seg_start = bytes.len();
                    let aligned = bits % 8 == 0;
                    let mut text = Text::default();
                    loop {
                        if O::BUILD {
                            let mut part = Text::default();
                            self.quoted(b'"', &mut part)?;
                            bytes.extend(part.chars().map(|c| (u32::from(c) & 0xFF) as u8));
                            text.push_str(&part);
                        } else {
                            let start = self.pos;
                            self.skip_quoted(b'"')?;
                            // Escapes only shorten the text, and its UTF-8
                            // is no longer than it: an upper bound is enough.
                            bits = bits.saturating_add(8 * (self.pos - start) as u64);
                        }
                        let end = self.pos;
                        self.skip_ws()?;
                        if self.peek() != Some(b'"') {
                            self.pos = end;
                            break;
                        }
                    }
                    // `"text"/utf8`: the text's UTF-8 bytes.
                    if self.peek() == Some(b'/') {
                        if self.segment_types()? != (SegmentType::Utf8, false) {
                            return None;
                        }
                        if O::BUILD {
                            bytes.truncate(seg_start);
                            bytes.extend_from_slice(text.as_bytes());
                        }
                    }
                    if O::BUILD {
                        let added = bytes.len() - seg_start;
                        if !aligned {
                            // After a partial byte: the bytes shifted in.
                            let seg = bytes.split_off(seg_start);
                            for &b in &seg {
                                push_bits(&mut bytes, &mut bits, u64::from(b), 8);
                            }
                        } else {
                            bits += 8 * added as u64;
                        }
                    }
                    self.skip_ws()?;
                }
                b'0'..=b'9' | b'-' => {
                    let v = self.segment_integer()?;
                    let size = if self.peek() == Some(b':') {
                        self.pos += 1;
                        let (start, seps) = self.digits()?;
                        let digits = self.s.get(start..self.pos)?;
                        if seps || digits.len() > 2 {
                            return None;
                        }
                        Some(
                            digits
                                .iter()
                                .fold(0u32, |n, d| n * 10 + u32::from(d - b'0')),
                        )
                    } else {
                        None
                    };
                    let (kind, little) = if self.peek() == Some(b'/') {
                        self.segment_types()?
                    } else {
                        (SegmentType::Integer, false)
                    };
                    match (kind, size) {
                        // Whole bytes at a byte boundary.
                        (
                            SegmentType::Integer,
                            None | Some(8 | 16 | 24 | 32 | 40 | 48 | 56 | 64),
                        ) if bits % 8 == 0 => {
                            let n = size.unwrap_or(8) / 8;
                            if O::BUILD {
                                // The low `8 n` bits, two's complement.
                                let le = (v as u64).to_le_bytes();
                                let low = le.get(..n as usize)?;
                                if little {
                                    bytes.extend_from_slice(low);
                                } else {
                                    bytes.extend(low.iter().rev());
                                }
                            }
                            bits = bits.saturating_add(8 * u64::from(n));
                        }
                        // Any size up to 64 bits, big-endian; little-endian
                        // in whole bytes. The low bits, two's complement.
                        (SegmentType::Integer, None | Some(1..=64)) => {
                            let n = size.unwrap_or(8);
                            if little && n % 8 != 0 {
                                return None;
                            }
                            if !O::BUILD {
                                bits = bits.saturating_add(u64::from(n));
                            } else if little {
                                let le = (v as u64).to_le_bytes();
                                for &b in le.get(..(n / 8) as usize)? {
                                    push_bits(&mut bytes, &mut bits, u64::from(b), 8);
                                }
                            } else {
                                push_bits(&mut bytes, &mut bits, v as u64, n);
                            }
                        }
                        (SegmentType::Utf8, None) if !little => {
                            let c = char::from_u32(u32::try_from(v).ok()?)?;
                            if O::BUILD {
                                let mut buf = [0u8; 4];
                                for &b in c.encode_utf8(&mut buf).as_bytes() {
                                    push_bits(&mut bytes, &mut bits, u64::from(b), 8);
                                }
                            } else {
                                bits = bits.saturating_add(8 * c.len_utf8() as u64);
                            }
                        }
                        _ => return None,
                    }
                    self.skip_ws()?;
                }
                _ => return None,
            }
            if bits.div_ceil(8) > self.max_binary_bytes as u64 {
                return None;
            }
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    self.skip_ws()?;
                }
                b'>' if self.peek_at(1) == Some(b'>') => {
                    self.pos += 2;
                    if bits % 8 == 0 {
                        return Some(O::binary(&bytes, self.leaf_span()));
                    }
                    return O::bits(bytes, bits, self.leaf_span());
                }
                _ => return None,
            }
        }
    }

    /// The value of an integer segment: a decimal or based integer that
    /// fits `i64`, maybe negative (`None` for others, left to the full
    /// grammar).
    fn segment_integer(&mut self) -> Option<i64> {
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let (start, seps) = self.digits()?;
        let v = match self.peek() {
            Some(b'#') if !seps => {
                let (v, end) = self.based_value(start)?;
                self.pos = end;
                v
            }
            Some(b'.' | b'#' | b'_') => return None,
            _ if self.pos - start > 18 => return None,
            _ => self
                .s
                .get(start..self.pos)?
                .iter()
                .filter(|&&d| d != b'_')
                .fold(0i64, |v, d| v * 10 + i64::from(d - b'0')),
        };
        Some(if negative { -v } else { v })
    }

    /// A segment's `/Type-...` list, at the `/`: the type, and whether it is
    /// little-endian. `None` for what is left to the full grammar (sizes in
    /// units, `native`, floats, binaries, repeated or clashing specifiers).
    fn segment_types(&mut self) -> Option<(SegmentType, bool)> {
        let (mut kind, mut endian, mut sign) = (None, None, None);
        loop {
            self.pos += 1;
            let start = self.pos;
            while self
                .peek()
                .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            {
                self.pos += 1;
            }
            let slot = match self.s.get(start..self.pos)? {
                b"integer" => kind.replace(SegmentType::Integer).is_none(),
                b"utf8" => kind.replace(SegmentType::Utf8).is_none(),
                b"big" => endian.replace(false).is_none(),
                b"little" => endian.replace(true).is_none(),
                b"signed" | b"unsigned" => sign.replace(()).is_none(),
                _ => false,
            };
            if !slot {
                return None;
            }
            if self.peek() != Some(b'-') {
                break;
            }
        }
        let kind = kind.unwrap_or(SegmentType::Integer);
        if kind == SegmentType::Utf8 && (endian.is_some() || sign.is_some()) {
            return None;
        }
        Some((kind, endian.unwrap_or(false)))
    }

    /// The common `<<"text">>` (one ASCII string without escapes) and
    /// `<<"text"/utf8>>` (any text without escapes) read in place, their
    /// bytes borrowed from the input: no buffer at all. `None` (position
    /// unchanged) for any other binary.
    fn plain_binary_text(&mut self) -> Option<&'a [u8]> {
        let s: &'a [u8] = self.s;
        let start = self
            .pos
            .checked_add(1)
            .filter(|_| self.peek() == Some(b'"'))?;
        let (end, ascii) = quote_or_escape(s, start, b'"')?;
        let text = s.get(start..end)?;
        if s.get(end) != Some(&b'"') || text.len() > self.max_binary_bytes {
            return None;
        }
        // `"text"/utf8`: the text's UTF-8 bytes, whatever it holds. Without
        // it, only ASCII text is its own bytes (others are cut to 8 bits).
        let utf8 = s.get(end + 1..end + 6) == Some(b"/utf8");
        if !(ascii || utf8 && self.free_to(start, end).is_some()) {
            return None;
        }
        let before = self.pos;
        self.pos = end + if utf8 { 6 } else { 1 };
        if self.skip_ws().is_some() && self.peek() == Some(b'>') && self.peek_at(1) == Some(b'>') {
            self.pos += 2;
            return Some(text);
        }
        self.pos = before;
        None
    }

    /// `$c`: a character, or an escape sequence.
    fn char_literal(&mut self) -> Option<O> {
        let c = self.peek_at(1)?;
        let v = match c {
            b'\\' => {
                let v = escape_char(self.peek_at(2)?);
                if v == LONG_ESCAPE {
                    let (v, end) = self.escape_at(self.pos + 2)?;
                    self.pos = end;
                    return Some(O::int(i64::from(v), self.leaf_span()));
                }
                self.pos += 3;
                return Some(O::int(i64::from(v), self.leaf_span()));
            }
            0..=0x7F => i64::from(c),
            _ => {
                if crate::lexer::noncharacter_at(self.s, self.pos + 1) {
                    return None;
                }
                let ch = self.src.get(self.pos + 1..)?.chars().next()?;
                self.pos += 1 + ch.len_utf8();
                return Some(O::int(i64::from(u32::from(ch)), self.leaf_span()));
            }
        };
        self.pos += 2;
        Some(O::int(v, self.leaf_span()))
    }

    /// The escape sequence whose body (after the `\\`) starts at `pos`,
    /// read as OTP's scanner reads it: its code point and where it ends.
    /// The ASCII ones (octal, `\xHH`, `\x{H...}`, `\^c`, the letters and
    /// any other character) are read here; the rest, and anything
    /// malformed or cut by the end of input, by the lexer's reader.
    #[inline]
    fn escape_at(&self, pos: usize) -> Option<(u32, usize)> {
        let s = self.s;
        let hex = |i: usize| -> Option<u32> {
            let d = digit_value(*s.get(i)?);
            (d < 16).then_some(u32::from(d))
        };
        let read = match *s.get(pos)? {
            c @ b'0'..=b'7' => {
                let mut v = u32::from(c - b'0');
                let mut end = pos + 1;
                while end < pos + 3 {
                    match s.get(end) {
                        Some(&d @ b'0'..=b'7') => v = v * 8 + u32::from(d - b'0'),
                        _ => break,
                    }
                    end += 1;
                }
                // A shorter run ending the text: left to the lexer.
                (end == pos + 3 || end < s.len()).then_some((v, end))
            }
            b'x' if s.get(pos + 1) == Some(&b'{') => {
                let mut v = 0u32;
                let mut end = pos + 2;
                while let Some(d) = hex(end) {
                    // Eight digits fit; longer runs are left to the lexer.
                    if end - pos - 2 == 8 {
                        return self.lexer_escape_at(pos);
                    }
                    v = v * 16 + d;
                    end += 1;
                }
                let valid = v < 0xD800
                    || (0xE000..0xFFFE).contains(&v)
                    || (0x1_0000..=0x10_FFFF).contains(&v);
                (end > pos + 2 && s.get(end) == Some(&b'}') && valid).then_some((v, end + 1))
            }
            b'x' => match (hex(pos + 1), hex(pos + 2)) {
                (Some(a), Some(b)) => Some((a * 16 + b, pos + 3)),
                _ => None,
            },
            b'^' => match s.get(pos + 1) {
                Some(&c) if c.is_ascii() => Some((u32::from(c) & 31, pos + 2)),
                _ => None,
            },
            b'b' => Some((8, pos + 1)),
            b'd' => Some((127, pos + 1)),
            b'e' => Some((27, pos + 1)),
            b'f' => Some((12, pos + 1)),
            b'n' => Some((10, pos + 1)),
            b'r' => Some((13, pos + 1)),
            b's' => Some((32, pos + 1)),
            b't' => Some((9, pos + 1)),
            b'v' => Some((11, pos + 1)),
            c if c.is_ascii() => Some((u32::from(c), pos + 1)),
            _ => None,
        };
        match read {
            Some(r) => Some(r),
            None => self.lexer_escape_at(pos),
        }
    }

    /// [`Fast::escape_at`] by the lexer's reader.
    #[cold]
    #[inline(never)]
    fn lexer_escape_at(&self, pos: usize) -> Option<(u32, usize)> {
        let mut lexer = Lexer::at(self.src, pos, 1, 1, self.max_integer_digits);
        let v = lexer.escape().ok()??;
        Some((v, lexer.pos()))
    }

    /// Reads the value at `start` with the full grammar: the constructs the
    /// byte-level readers above leave aside (based and big integers, every
    /// escape, non-ASCII atoms, typed binary segments, funs, `- 1`,
    /// parentheses, bound variables). Only that value's tokens are scanned
    /// and parsed, so an unusual construct costs its own length, never the
    /// whole file's. `None` on anything that is not one valid value (the
    /// caller then reports the error with the full parser).
    #[cold]
    #[inline(never)]
    fn slow_leaf(&mut self, start: usize) -> Option<O> {
        self.pos = start;
        let (line, column) = if O::SPANS { self.locate(start) } else { (1, 1) };
        let mut lexer = Lexer::at(self.src, start, line, column, self.max_integer_digits);
        // One buffer for every slow value of the input.
        let mut toks = std::mem::take(&mut self.toks);
        toks.clear();
        let value = self.slow_value(&mut lexer, &mut toks);
        self.toks = toks;
        value
    }

    /// [`Fast::slow_leaf`] with its lexer and token buffer.
    fn slow_value(&mut self, lexer: &mut Lexer<'a>, toks: &mut Vec<Token<'a>>) -> Option<O> {
        let mut depth = 0usize;
        // The value's tokens: up to what ends an element at its own level.
        while let Some(tok) = lexer.next_token().ok()? {
            match &tok.tok {
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
            toks.push(tok);
        }
        let last = toks.last()?.span;
        let end = last.end as usize;
        toks.push(Token {
            tok: Tok::End,
            span: Span {
                start: last.end,
                ..last
            },
        });
        // The estimate never exceeds the number of tokens.
        if toks.len() > crate::parser::INLINE_DEPTH
            && crate::parser::nesting_estimate(toks) > crate::parser::INLINE_DEPTH
        {
            return None;
        }
        // Nesting inside the value counts from the containers around it.
        self.sub_opts.max_depth = self.max_depth.checked_sub(self.opens.len() + 1)?;
        let value = {
            let mut parser = Parser::new(toks, O::Builder::default(), &self.sub_opts);
            let e = parser.expr().ok()?;
            if !matches!(parser.peek(), Tok::End) {
                return None;
            }
            parser.val(e).ok()?
        };
        self.pos = end;
        Some(value)
    }
}

/// Appends the low `n` (at most 64) bits of `v`, most significant first,
/// to the bitstring of `*bits` bits whose bytes are `bytes` (the last one
/// partial, its unused low bits zero, when `*bits` is not a multiple of 8).
fn push_bits(bytes: &mut Vec<u8>, bits: &mut u64, v: u64, n: u32) {
    let mut n = n.min(64);
    while n > 0 {
        let used = (*bits % 8) as u32;
        if used == 0 {
            bytes.push(0);
        }
        let free = 8 - used;
        let take = free.min(n);
        let chunk = ((v >> (n - take)) & ((1u64 << take) - 1)) as u8;
        if let Some(last) = bytes.last_mut() {
            *last |= chunk << (free - take);
        }
        n -= take;
        *bits += u64::from(take);
    }
}

/// The type of a binary segment the reader builds itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SegmentType {
    Integer,
    Utf8,
}

/// The characters in `bytes` (UTF-8): every byte but continuation bytes.
/// High bit of each byte of `word` set exactly where the byte is `b`.
#[inline]
const fn bytes_equal(word: u64, b: u8) -> u64 {
    let x = word ^ splat(b);
    !((x & splat(0x7F)).wrapping_add(splat(0x7F)) | x) & splat(0x80)
}

/// How many bytes of `mask` have their high bit set (the only bit set):
/// one multiplication, where `count_ones` without the `popcnt` instruction
/// takes a dozen operations.
#[inline]
const fn marks(mask: u64) -> u32 {
    ((mask >> 7).wrapping_mul(splat(1)) >> 56) as u32
}

/// The high bit of every byte.
const HIGH_BITS: u64 = splat(0x80);

/// The line and column after the bytes of `word` whose high bit is set in
/// `valid`, from `line` and `column` before them. Branch-free: whether a
/// word holds a newline is as hard to predict as where the next one is.
#[inline(always)]
fn step(word: u64, valid: u64, line: u32, column: u32) -> (u32, u32) {
    let newlines = bytes_equal(word, b'\n') & valid;
    // Continuation bytes: `10xxxxxx`.
    let chars = !(word & !(word << 1)) & valid;
    // The bytes after the last newline (all of them without one).
    let after = u64::MAX
        .checked_shl(64 - newlines.leading_zeros())
        .unwrap_or(0);
    let base = if newlines == 0 { column } else { 1 };
    (line + marks(newlines), base + marks(chars & after))
}

/// The line and column at `to` in `s`, from `line` and `column` at `from`
/// (OTP's rule, as [`Fast::locate`]: `\n` starts a line, a column counts
/// characters, that is, bytes other than UTF-8 continuation bytes).
#[inline]
fn advance(s: &[u8], from: usize, to: usize, mut line: u32, mut column: u32) -> (u32, u32) {
    let mut eat = |word: u64, valid: u64| {
        (line, column) = step(word, valid, line, column);
    };
    let mut at = from;
    while at + 8 <= to {
        if let Some(word) = word_at(s, at) {
            eat(word, HIGH_BITS);
        }
        at += 8;
    }
    let n = to.saturating_sub(at);
    if n > 0 {
        // The last bytes, read as one word that ends with them (or starts
        // with them, at the start of the input): bytes gathered one at a
        // time cost more than the rest of the pass.
        let word = match to.checked_sub(8).and_then(|w| word_at(s, w)) {
            Some(word) => word >> (8 * (8 - n)),
            None => match word_at(s, at) {
                Some(word) => word,
                None => s
                    .get(at..to)
                    .unwrap_or_default()
                    .iter()
                    .rev()
                    .fold(0u64, |w, &b| (w << 8) | u64::from(b)),
            },
        };
        eat(word, HIGH_BITS & (u64::MAX >> (8 * (8 - n))));
    }
    (line, column)
}

fn chars_in(bytes: &[u8]) -> u32 {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full parser's spanned nodes.
    fn full_nodes(src: &str) -> Option<Vec<Node>> {
        crate::parse_tokens_only(src, || NodeBuild).ok()
    }

    fn fast(src: &str) -> Option<Vec<Term>> {
        parse::<Term>(src, &ParseOptions::default())
    }

    #[test]
    fn accepts_plain_config() {
        let src = "%% c\n[{kernel, [{level, info}, {port, 8_080}, {f, -1.5e3}]},\n {x, #{a => \"b\\n\", 'Q' => <<\"xy\", 1, 300>>}}, [1 | 2], $a, \"a\" \"b\"].\n";
        let fast = fast(src).unwrap();
        let full = crate::parse_full(src).unwrap();
        assert_eq!(fast, full);
        assert_eq!(
            fast[0].to_string(),
            full[0].to_string(),
            "printing agrees too"
        );
    }

    /// Containers longer than `SPILL_AFTER`, nested in each other and in
    /// short ones, at several depths: every element lands in its own
    /// container, in order.
    #[test]
    fn long_containers_at_any_depth_agree_with_the_full_parser() {
        let seq =
            |n: usize, f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>().join(", ");
        let long_list = |n: usize| format!("[{}]", seq(n, &|i| i.to_string()));
        let long_map = |n: usize| format!("#{{{}}}", seq(n, &|i| format!("k{i} => {i}")));
        for src in [
            long_list(SPILL_AFTER),
            long_list(SPILL_AFTER + 1),
            format!("{{{}}}", seq(70, &|i| format!("a{i}"))),
            long_map(SPILL_AFTER),
            long_map(40),
            format!("[{} | {}]", seq(50, &|i| i.to_string()), long_list(40)),
            format!("[{}]", seq(40, &|i| long_list(i))),
            format!(
                "[{{a, {}}}, {}, {{b, [x, {{{}}}]}}]",
                long_list(33),
                long_map(35),
                seq(34, &|i| long_list(i % 3))
            ),
        ] {
            let src = format!("{src}.");
            let fast = fast(&src);
            assert!(fast.is_some(), "{src}");
            assert_eq!(fast, crate::parse_full(&src).ok(), "{src}");
        }
    }

    #[test]
    fn binaries_read_in_place_or_built_agree_with_the_full_parser() {
        for src in [
            "<<\"abc\">>.",
            "<< \"abc\" >>.",
            "<<\"\">>.",
            "<<\"a\" \"b\">>.",
            "<<\"a\", 1, \"b\">>.",
            "<<\"a\\nb\">>.",
            "<<\"é\">>.",
            "<<\"0123456789012345678901234\">>.",
            "[<<\"x\">>, <<\"y\"\n>>].",
            "<<1, 2, 300>>.",
            // Canonical prints of bitstrings end with a partial byte.
            "<<1:6>>.",
            "<<1,2,3:4>>.",
            "<<255,300:7 >>.",
            "<<\"ab\",5:3>>.",
            // `/utf8` on a text without escapes: its bytes, in place.
            "<<\"é\"/utf8>>.",
            "<<\"日本語\"/utf8 >>.",
            "<<\"ascii\"/utf8>>.",
            "<<\"\"/utf8>>.",
            "<<\"é\"/utf8, 1>>.",
            "<<\"é\"/utf8-little>>.",
            "<<\"é\"/utf8x>>.",
            "<<\"é\\n\"/utf8>>.",
            "<<\"ab\"/utf8:8>>.",
        ] {
            let fast = fast(src);
            let full = crate::parse_full(src).ok();
            assert_eq!(fast, full, "{src}");
            if full.is_some() {
                assert!(fast.is_some(), "{src}");
            }
        }
        // A noncharacter in a `/utf8` text: the full parser's error.
        let src = "<<\"a\u{FFFE}\"/utf8>>.";
        assert_eq!(fast(src), None);
        assert!(crate::parse_full(src).is_err());
        // Not plain binaries: read by the full grammar, value by value,
        // with the same results; or errors, left to the full parser.
        for src in [
            "<<\"a\":8>>.",
            "<<\"a\"/utf8>>.",
            "<<1:8>>.",
            "<<1:0>>.",
            "<<1:6, 2>>.",
            "<<1:6/integer>>.",
            "[x, <<16#ff:16/big, \"é\"/utf8>>, y].",
            "<<300:16, -1:8, -2:32/little, 16#ABCD:16/little-unsigned, 7:64/signed-big>>.",
            "<<$a/utf8, 16#1F600/utf8, \"x\\x{1F600}\" \"y\"/utf8, 1:4>>.",
            "<<1:3, 2:5>>.",
            "<<1:8/unit:1>>.",
            "<<1:16/native>>.",
            "<<1:12>>.",
            "<<1.5/float>>.",
            "<<-16#ff:16>>.",
            "<<99999999999999999999:72>>.",
            "<<\"a\" /utf8>>.",
            "[fun m:f/1, fun  'M':f/2, fun m : f / 255, fun m:f/16#1, fun m:'f'/0].",
            "[- 1, -  16#f, - %c\n 2.5, - $a].",
        ] {
            let fast = fast(src);
            assert!(fast.is_some(), "{src}");
            assert_eq!(fast, crate::parse_full(src).ok(), "{src}");
        }
        assert!(fast("<<\"a\".").is_none());
        for src in [
            "<<16#110000/utf8>>.",
            "<<16#D800/utf8>>.",
            "<<1:8/utf8>>.",
            "<<1/big-little>>.",
            "<<\"a\"/utf8-little>>.",
            "<<1/foo>>.",
            "<<\"ab\"/binary>>.",
            "[fun m:f/256].",
            "[fun m:f/x].",
            "[fun m:f].",
            "[fun f/1].",
        ] {
            assert_eq!(fast(src), crate::parse_full(src).ok(), "{src}");
            assert_eq!(
                parse::<()>(src, &ParseOptions::default()).is_some(),
                crate::parse_full(src).is_ok(),
                "{src}"
            );
        }
    }

    /// Constructs the byte-level readers leave to the full grammar are read
    /// value by value, with the full parser's results; errors give `None`.
    #[test]
    fn reads_every_construct_and_gives_up_only_on_errors() {
        for src in [
            "16#ff.",
            "fun m:f/1.",
            "'\\x41'.",
            "é.",
            "$\\x{41}.",
            "99999999999999999999.",
            "[a, - 1, +2, (3), 2#101, 16#FF_FF, 1_000, $\\n, \"\\101\\^a\" \"b\"].",
            "{'é', café, \"x\\x{1F600}y\", 'a\\'b', <<\"é\"/utf8>>}.",
            "#{16#1 => [-16#1], {a} => 'B'}.",
            "[1.5e-3, 2.0E10, -0.0, 1_0.2_5].",
            "\u{a0}[\u{85}a].",
        ] {
            let fast = fast(src);
            assert!(fast.is_some(), "{src}");
            assert_eq!(fast, crate::parse_full(src).ok(), "{src}");
            let nodes = parse::<Node>(src, &ParseOptions::default());
            assert_eq!(
                format!("{nodes:?}"),
                format!("{:?}", full_nodes(src)),
                "{src}"
            );
        }
        let bound = ParseOptions::default().bind("X", Term::atom("x"));
        assert_eq!(
            parse::<Term>("[X, {X}].", &bound),
            crate::parse_with("[X, {X}].", &bound).ok()
        );
        for src in [
            "X.",
            "{a b}.",
            "a.b.",
            "1.e5.",
            "1_.",
            "if.",
            "[a,].",
            "<<1:4/bits>>.",
            "{a",
            "-a.",
            "1e5.",
            "{1 (2)}.",
            "1.0e400.",
            "a",
            "[a||b].",
            "[1 + 2].",
            "[a, - - 1].",
            "{fun m:f/1 x}.",
            "[(1, 2)].",
        ] {
            assert!(fast(src).is_none(), "{src}");
            assert!(crate::parse_full(src).is_err(), "{src}");
        }
    }

    /// 20,000 pseudo-random byte strings shorter than `max_len` (xorshift
    /// from `seed`), each byte chosen by `pick` from a fresh random word.
    fn random_inputs(seed: u64, max_len: u64, pick: impl Fn(u64) -> u8) -> Vec<Vec<u8>> {
        let mut rng = seed;
        (0..20_000)
            .map(|_| {
                // The length from a fresh draw (a length of zero used to
                // leave the state, and so every later length, unchanged).
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                let len = (rng % max_len) as usize;
                (0..len)
                    .map(|_| {
                        rng ^= rng << 13;
                        rng ^= rng >> 7;
                        rng ^= rng << 17;
                        pick(rng)
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn locating_by_words_agrees_with_a_byte_loop() {
        let inputs = random_inputs(0x9E37_79B9_7F4A_7C15, 80, |r| match r % 6 {
            0 => b'\n',
            1 => 0x80 | (r >> 8) as u8 & 0x3F,
            2 => 0xC0 | (r >> 8) as u8 & 0x3F,
            3 => (r >> 8) as u8,
            _ => b'a',
        });
        for bytes in inputs {
            for start in 0..=bytes.len() {
                let seg = &bytes[start..];
                let (mut line, mut column) = (3, 7);
                for &b in seg {
                    if b == b'\n' {
                        line += 1;
                        column = 1;
                    } else {
                        column += u32::from(b & 0xC0 != 0x80);
                    }
                }
                let got = advance(&bytes, start, bytes.len(), 3, 7);
                assert_eq!(got, (line, column), "{seg:?}");
                if let Some(end) = bytes.len().checked_sub(5).filter(|&e| e >= start) {
                    let want = advance(&bytes[..end], start, end, 3, 7);
                    assert_eq!(advance(&bytes, start, end, 3, 7), want, "{seg:?}");
                }
            }
        }
        for b in 0..=255u8 {
            let want = if b == b'\n' {
                (18, 1)
            } else {
                (1, 1 + 17 * u32::from(b & 0xC0 != 0x80))
            };
            assert_eq!(advance(&[b; 17], 0, 17, 1, 1), want, "byte {b:#x}");
        }
    }

    #[test]
    fn spans_agree_with_the_full_parser_around_numbers_and_newlines() {
        // Leaves located from the end of the previous one (numbers, bare
        // atoms) next to leaves that are not (strings, chars, quoted
        // atoms), gaps of every length with newlines and non-ASCII text.
        const LEAVES: [&str; 22] = [
            "7",
            "-12",
            "- 3",
            "-\n 4",
            "1234567",
            "12345678901",
            "1_000",
            "16#ff",
            "2#1_0",
            "1.5",
            "-2.5e-3",
            "99999999999999999999",
            "ok",
            "h\u{e9}",
            "$a",
            "$\u{e9}",
            "$\n",
            "\"a\nb\"",
            "'c\u{e9}\nd'",
            "<<\"x\ny\">>",
            "fun m:f/1",
            "{}",
        ];
        const GAPS: [&str; 9] = [
            "",
            " ",
            "\n",
            "\n    ",
            "\n\n\t",
            " % caf\u{e9}\n",
            "           \n  ",
            "\u{a0}",
            "\n                                  ",
        ];
        let mut rng = 0x853C_49E6_748F_EA9Bu64;
        let mut next = |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n as u64) as usize
        };
        let mut accepted = 0;
        for _ in 0..3000 {
            let mut src = String::from("[");
            for i in 0..1 + next(12) {
                if i > 0 {
                    src.push_str(GAPS[next(GAPS.len())]);
                    src.push(',');
                }
                src.push_str(GAPS[next(GAPS.len())]);
                src.push_str(LEAVES[next(LEAVES.len())]);
            }
            src.push_str(GAPS[next(GAPS.len())]);
            src.push_str("].\n");
            let Some(nodes) = parse::<Node>(&src, &ParseOptions::default()) else {
                continue;
            };
            accepted += 1;
            assert_eq!(
                format!("{nodes:?}"),
                format!("{:?}", full_nodes(&src).unwrap()),
                "{src:?}"
            );
        }
        assert!(accepted > 1000, "the fast path took only {accepted} inputs");
    }

    #[test]
    fn decimal_values_agree_with_a_byte_loop() {
        // Digits and separators, long enough to cross `u64` and `u128`.
        let inputs = random_inputs(0xD1B5_4A32_D192_ED03, 48, |r| match r % 5 {
            0 => b'_',
            _ => b'0' + (r >> 8) as u8 % 10,
        });
        for bytes in inputs.into_iter().take(4000) {
            for start in 0..=bytes.len() {
                for end in start..=bytes.len() {
                    let mut want = Some(0u128);
                    for &b in &bytes[start..end] {
                        if b != b'_' {
                            want = want
                                .and_then(|v| v.checked_mul(10))
                                .and_then(|v| v.checked_add(u128::from(b - b'0')));
                        }
                    }
                    let got = decimal_value(&bytes, start, end);
                    assert_eq!(got, want, "{:?}", std::str::from_utf8(&bytes[start..end]));
                }
            }
        }
    }

    #[test]
    fn word_scans_agree_with_byte_loops() {
        // Mostly name bytes, sometimes anything.
        let inputs = random_inputs(0x2545_F491_4F6C_DD1D, 40, |r| match r % 8 {
            0 => (r >> 8) as u8,
            _ => b"aZ09_@x5"[(r >> 8) as usize % 8],
        });
        for bytes in inputs {
            for start in 0..=bytes.len() {
                let want = start
                    + bytes[start..]
                        .iter()
                        .position(|&b| !is_name_byte(b))
                        .unwrap_or(bytes.len() - start);
                assert_eq!(name_end(&bytes, start), want, "{bytes:?} from {start}");
                let digits = bytes[start..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .unwrap_or(bytes.len() - start);
                assert_eq!(digit_end(&bytes, start), start + digits, "{bytes:?}");
            }
        }
        for b in 0..=255u8 {
            let word = [b; 17];
            let want = if is_name_byte(b) { 17 } else { 0 };
            assert_eq!(name_end(&word, 0), want, "byte {b:#x}");
            let want = if b.is_ascii_digit() { 17 } else { 0 };
            assert_eq!(digit_end(&word, 0), want, "byte {b:#x}");
        }
    }

    #[test]
    fn decimal_integers_of_every_length_agree_with_the_full_parser() {
        let mut rng = 0x6A09_E667_F3BC_C909u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let enders = [
            "]", ",1]", " ]", "\n]", ".5]", "_1]", "#1]", "a]", "e5]", ".]",
        ];
        let mut accepted = 0;
        for len in 1..=26 {
            for _ in 0..60 {
                let mut n: String = (0..len)
                    .map(|_| char::from(b'0' + (next() % 10) as u8))
                    .collect();
                if next() % 8 == 0 {
                    n = "9".repeat(len);
                }
                let sign = ["", "-", "- "][(next() % 3) as usize];
                let end = enders[(next() % enders.len() as u64) as usize];
                // Words are read past the number: with text after the
                // term, and at the end of the input.
                let pad = "\n% .........................";
                let forms = [
                    format!("[{sign}{n}{end}.{pad}"),
                    format!("[{sign}{n}{end}."),
                    format!("{sign}{n}.{pad}"),
                ];
                for src in forms {
                    let full = crate::parse_full(&src).ok();
                    let got = fast(&src);
                    if got.is_some() {
                        accepted += 1;
                        assert_eq!(got, full, "{src}");
                    }
                    let valid = parse::<()>(&src, &ParseOptions::default()).is_some();
                    assert!(!valid || full.is_some(), "{src}");
                    if let Some(nodes) = parse::<Node>(&src, &ParseOptions::default()) {
                        assert_eq!(
                            format!("{:?}", Some(nodes)),
                            format!("{:?}", full_nodes(&src)),
                            "{src}"
                        );
                    }
                    // A digit limit below the length gives up.
                    let opts = ParseOptions {
                        max_integer_digits: len - 1,
                        ..ParseOptions::default()
                    };
                    if end == "]" {
                        assert!(parse::<Term>(&src, &opts).is_none(), "{src}");
                    }
                }
            }
        }
        assert!(accepted > 1500, "only {accepted} accepted");
        // The boundaries of `i64`, with either sign.
        for n in [
            "9223372036854775807",
            "9223372036854775808",
            "9999999999999999999",
        ] {
            for sign in ["", "-"] {
                let src = format!("[{sign}{n}].");
                assert_eq!(fast(&src), crate::parse_full(&src).ok(), "{src}");
                assert!(fast(&src).is_some(), "{src}");
            }
        }
    }

    #[test]
    fn element_vectors_are_exactly_sized() {
        for n in [1, SPILL_AFTER, SPILL_AFTER + 1, 3 * SPILL_AFTER + 5, 5000] {
            let items: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            let src = format!("[{}].", items.join(", "));
            let Some(Term::List(v)) = fast(&src).unwrap().pop() else {
                panic!("{src}");
            };
            assert_eq!((v.len(), v.capacity()), (n, n), "{n} elements");
            if n > 1024 {
                // Long lists of nodes keep their room (see `Fast::close`).
                continue;
            }
            let nodes = parse::<Node>(&src, &ParseOptions::default()).unwrap();
            let Some(NodeKind::List(v, None)) = nodes.into_iter().next().map(|n| n.kind) else {
                panic!("{src}");
            };
            assert_eq!((v.len(), v.capacity()), (n, n), "{n} nodes");
        }
    }

    /// A decimal integer with separators by bytes: its end, separators,
    /// digits and value (at most 38 digits).
    fn separated_by_bytes(s: &[u8], start: usize) -> (usize, bool, usize, Option<u128>) {
        let (mut at, mut seps, mut digits, mut v) = (start, false, 0usize, Some(0u128));
        loop {
            match s.get(at) {
                Some(d) if d.is_ascii_digit() => {
                    digits += 1;
                    v = v
                        .filter(|_| digits <= 38)
                        .map(|v| v * 10 + u128::from(d - b'0'));
                    at += 1;
                }
                Some(b'_') if digits > 0 && s.get(at + 1).is_some_and(u8::is_ascii_digit) => {
                    seps = true;
                    at += 1;
                }
                _ => return (at, seps, digits, v),
            }
        }
    }

    #[test]
    fn separated_decimals_agree_with_a_byte_loop() {
        let inputs = random_inputs(0x6A09_E667_F3BC_C908, 60, |r| match r % 8 {
            0 => b'_',
            1 => b"._#xe \n"[(r >> 8) as usize % 7],
            _ => b'0' + (r >> 8) as u8 % 10,
        });
        for bytes in inputs {
            for start in 0..bytes.len() {
                if !bytes[start].is_ascii_digit() {
                    continue;
                }
                let want = separated_by_bytes(&bytes, start);
                let got = separated_decimal(&bytes, start, true);
                assert_eq!(got, want, "{bytes:?} from {start}");
                let (end, seps, digits, value) = separated_decimal(&bytes, start, false);
                assert_eq!((end, seps, digits, value), (want.0, want.1, want.2, None));
            }
        }
    }

    #[test]
    fn based_digit_scans_agree_with_a_byte_loop() {
        let inputs = random_inputs(0x3C6E_F372_FE94_F82B, 30, |r| match r % 4 {
            0 => (r >> 8) as u8,
            _ => b"09afzAFZ_1b"[(r >> 8) as usize % 11],
        });
        for bytes in inputs {
            for base in 2..=36u8 {
                for start in 0..=bytes.len() {
                    let run = bytes[start..]
                        .iter()
                        .position(|&b| digit_value(b) >= base)
                        .unwrap_or(bytes.len() - start);
                    let got = based_digit_end(&bytes, start, base);
                    assert_eq!(got, start + run, "{bytes:?} from {start} in base {base}");
                }
            }
        }
    }

    #[test]
    fn numbers_agree_with_the_full_parser() {
        for n in [
            "0",
            "7",
            "007",
            "-1",
            "1234567",
            "12345678",
            "123456789012",
            "1.5",
            "-0.25",
            "12.345",
            "1.234567",
            "123.4567",
            "1.5e3",
            "1.5E-3",
            "12.5_0",
            "1_000",
            "2#101",
            "16#ff",
            "1.",
            "1.x",
            "3.14159265358979",
        ] {
            for src in [
                format!("{n}."),
                format!("{n}.\n"),
                format!("[{n}, x]."),
                format!("{{a, {n}}}.\n"),
                format!("[{n},\n {n}].\n"),
            ] {
                let full = crate::parse_full(&src).ok();
                if let Some(fast) = fast(&src) {
                    assert_eq!(Some(fast), full, "{src}");
                }
                let v = validate(&src, &ParseOptions::default());
                assert!(v.is_none() || full.is_some(), "{src}");
            }
        }
        // The common shapes stay on the fast path.
        assert!(fast("[12, -3, 4.5, 123456, 0.001].").is_some());
    }

    /// Every shape of short float (`d.d`, seven bytes at most), with random
    /// digits and leading and trailing zeros: the one-division value is
    /// bit for bit the correctly rounded one `str::parse` gives.
    #[test]
    fn short_floats_are_correctly_rounded() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut digit = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            char::from(b'0' + (seed % 10) as u8)
        };
        let mut checked = 0;
        for int_len in 1..=5 {
            for frac_len in 1..=(6 - int_len) {
                for _ in 0..4000 {
                    let int: String = (0..int_len).map(|_| digit()).collect();
                    let frac: String = (0..frac_len).map(|_| digit()).collect();
                    let text = format!("{int}.{frac}");
                    let want: f64 = text.parse().unwrap();
                    for (src, value) in [(&text, want), (&format!("-{text}"), -want)] {
                        let got = fast(&format!("{src}.")).unwrap();
                        let Some(Term::Float(got)) = got.first() else {
                            panic!("{src} is not a float: {got:?}");
                        };
                        assert_eq!(got.to_bits(), value.to_bits(), "{src}");
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 15 * 4000 * 2);
    }

    #[test]
    fn floats_with_long_integer_parts_are_read_whole() {
        // Six to nine integer digits leave no room for `.d` in the first
        // word: the short path must pass them on (a shift by 64 once
        // panicked in a debug build, found by the `fast_vs_full` fuzzer).
        for text in [
            "3323646.5",
            "123456.7",
            "1234567.25",
            "12345678.125",
            "123456789.5e-3",
            "3323646.\n",
            "1234567.",
            "12345678.e",
        ] {
            let src = format!("{text}.");
            let full = crate::parse_full(&src).ok();
            assert_eq!(fast(&src), full, "{text}");
        }
    }

    #[test]
    fn quote_search_agrees_with_a_byte_loop() {
        // Mostly plain text, sometimes a quote, a backslash or a non-ASCII byte.
        let inputs = random_inputs(0x9E37_79B9_7F4A_7C15, 80, |r| match r % 16 {
            0 => b'"',
            1 => b'\\',
            2 => 0x80 | (r >> 8) as u8,
            _ => b"ab/-.0 9_"[(r >> 8) as usize % 9],
        });
        for bytes in inputs {
            for start in 0..=bytes.len() {
                let want = bytes[start..]
                    .iter()
                    .position(|&b| b == b'"' || b == b'\\')
                    .map(|n| (start + n, bytes[start..start + n].is_ascii()));
                assert_eq!(
                    quote_or_escape(&bytes, start, b'"'),
                    want,
                    "{bytes:?} from {start}"
                );
            }
        }
    }

    /// Comments end at their newline; U+FFFE and U+FFFF in one (not
    /// other characters whose UTF-8 starts with `0xEF`) are left to the
    /// full parser, which rejects them.
    #[test]
    fn comments_with_noncharacters_go_to_the_full_parser() {
        for body in [
            "",
            "x",
            "\u{F000}",
            "\u{FFFD}\u{FFFD}",
            "ab\u{EFFF}",
            "\u{FFFE}",
            "a\u{FFFF}b",
        ] {
            for src in [
                format!("[1, % {body}\n 2]."),
                format!("[1,\n %{body}\n%{body}\n2]. % {body}"),
                format!("a. %{body}"),
            ] {
                let full = crate::parse_full(&src).ok();
                assert_eq!(fast(&src), full, "{src:?}");
                let nodes = parse::<Node>(&src, &ParseOptions::default());
                assert_eq!(
                    format!("{nodes:?}"),
                    format!("{:?}", full_nodes(&src)),
                    "{src:?}"
                );
                assert_eq!(
                    full.is_some(),
                    !body.contains(['\u{FFFE}', '\u{FFFF}']),
                    "{src:?}"
                );
            }
        }
    }

    /// The first quote or backslash at or after `start`, if no U+FFFE or
    /// U+FFFF comes before it: a byte loop.
    fn text_stop_by_bytes(bytes: &[u8], start: usize) -> Option<usize> {
        let end = start
            + bytes[start..]
                .iter()
                .position(|&b| b == b'"' || b == b'\\')?;
        let nonchar = (start..end).any(|i| crate::lexer::noncharacter_at(&bytes[..end], i));
        (!nonchar).then_some(end)
    }

    #[test]
    fn text_stop_agrees_with_a_byte_loop() {
        // Texts of ASCII (quotes, backslashes and newlines among it) and
        // characters of two to four bytes, those whose UTF-8 starts with
        // `0xEF` (U+FFFE and U+FFFF among them) often, so that each comes
        // at every position within a word.
        const PIECES: [&str; 16] = [
            "\"",
            "\\",
            "\n",
            "a",
            "b",
            " ",
            "_",
            "\u{e9}",
            "\u{65e5}",
            "\u{FFFE}",
            "\u{FFFF}",
            "\u{FFFD}",
            "\u{F000}",
            "\u{EFFF}",
            "\u{1F680}",
            "\u{BFBF}",
        ];
        let inputs = random_inputs(0x9E37_79B9_7F4A_7C15, 70, |r| (r % 16) as u8);
        let mut stops = 0;
        let mut refused = 0;
        let opts = ParseOptions::default();
        for (n, picks) in inputs.iter().enumerate() {
            let text: String = picks.iter().map(|&i| PIECES[usize::from(i)]).collect();
            let bytes = text.as_bytes();
            // Character boundaries, in order, then backwards (as a term read
            // again goes back), with one reader: its range of input known
            // free of noncharacters carries over from one search to the next.
            let mut starts: Vec<usize> = (0..=bytes.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            if n % 2 == 1 {
                starts.reverse();
            }
            let p = Fast::<(), false>::new(&text, &opts);
            for start in starts {
                let want = text_stop_by_bytes(bytes, start);
                stops += usize::from(want.is_some());
                refused += usize::from(want.is_none() && bytes[start..].contains(&b'"'));
                assert_eq!(p.text_run_end(start, b'"'), want, "{text:?} from {start}");
                // The search alone finds the quote or backslash.
                let first = bytes[start..]
                    .iter()
                    .position(|&b| b == b'"' || b == b'\\')
                    .map(|i| start + i);
                assert_eq!(quote_or_backslash(bytes, start, b'"'), first);
            }
        }
        assert!(stops > 100_000 && refused > 10_000, "{stops} {refused}");
    }

    /// Where skipping whitespace and comments from `i` ends, a byte at a
    /// time; `None` at U+FFFE or U+FFFF in a comment.
    fn ws_end_by_bytes(b: &[u8], mut i: usize) -> Option<usize> {
        loop {
            match b.get(i) {
                Some(0..=b' ') => i += 1,
                Some(b'%') => {
                    while b.get(i).is_some_and(|&c| c != b'\n') {
                        if crate::lexer::noncharacter_at(b, i) {
                            return None;
                        }
                        i += 1;
                    }
                    i = (i + 1).min(b.len());
                }
                Some(0xC2) if b.get(i + 1).is_some_and(|&c| c <= 0xA0) => i += 2,
                _ => return Some(i),
            }
        }
    }

    #[test]
    fn skipping_whitespace_agrees_with_a_byte_loop() {
        // Whitespace (ASCII, and U+0080..U+00A0), comments, tokens, at
        // every position within a word.
        const PIECES: [&str; 17] = [
            " ", "\n", "\t", "\r", "\u{0}", "\u{1F}", "!", "a", "%", "\u{85}", "\u{A0}", "\u{A1}",
            "\u{e9}", "\u{FFFF}", "\u{FFFE}", "\u{FFFD}", "\u{7F}",
        ];
        let inputs = random_inputs(0x2545_F491_4F6C_DD1D, 40, |r| (r % 17) as u8);
        let opts = ParseOptions::default();
        let (mut moved, mut refused) = (0, 0);
        for (n, picks) in inputs.iter().enumerate() {
            let text: String = picks.iter().map(|&i| PIECES[usize::from(i)]).collect();
            let mut starts: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            if n % 2 == 1 {
                starts.reverse();
            }
            let mut p = Fast::<(), false>::new(&text, &opts);
            for start in starts {
                let want = ws_end_by_bytes(text.as_bytes(), start);
                moved += usize::from(want.is_some_and(|end| end > start + 8));
                refused += usize::from(want.is_none());
                p.pos = start;
                let got = p.skip_ws().map(|()| p.pos);
                assert_eq!(got, want, "{text:?} from {start}");
            }
        }
        assert!(moved > 5_000 && refused > 10_000, "{moved} {refused}");
    }

    #[test]
    fn line_end_agrees_with_a_byte_loop() {
        // Newlines now and then, other bytes (non-ASCII among them) most.
        let inputs = random_inputs(0xD1B5_4A32_D192_ED03, 200, |r| match r % 24 {
            0 => b'\n',
            1 => 0x80 | (r >> 8) as u8,
            2 => b'%',
            _ => b"ab \t.0\r"[(r >> 8) as usize % 7],
        });
        for bytes in inputs {
            for start in 0..=bytes.len() {
                let want = bytes[start..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |i| start + i);
                assert_eq!(line_end(&bytes, start), want, "{bytes:?} from {start}");
            }
        }
    }

    /// The escapes read by table stand for what `escape_at` reads them as;
    /// the others are left to `escape_at`.
    #[test]
    fn escape_table_agrees_with_escape_at() {
        let opts = ParseOptions::default();
        for b in 0..=u8::MAX {
            let e = escape_char(b);
            if e == LONG_ESCAPE {
                assert!(matches!(b, b'0'..=b'7' | b'x' | b'^' | 0x80..), "{b}");
                continue;
            }
            let src = format!("{}x", char::from(b));
            let p = Fast::<(), false>::new(&src, &opts);
            assert_eq!(p.escape_at(0), Some((u32::from(e), 1)), "{b}");
        }
    }

    /// Texts and comments that hold U+FFFE or U+FFFF, far from where
    /// reading starts or after long clean stretches (past the range the
    /// reader checks at once), are refused as the full parser refuses them.
    #[test]
    fn noncharacters_anywhere_go_to_the_full_parser() {
        let filler = "\"x\u{F000}y\", % c\u{FFFD}\n".repeat(CHECK_AHEAD / 8);
        for bad in ["\u{FFFE}", "\u{FFFF}", "\u{FFFD}"] {
            for src in [
                format!("[{filler} \"{bad}\"]."),
                format!("[{filler} \"a\\n{bad}\"]."),
                format!("[{filler} 'a{bad}']."),
                format!("[{filler} 1 % {bad}\n]."),
                format!("[\"{bad}\", {filler} 1]."),
                format!("[{filler} 1]. \"{bad}\"."),
                format!("[{filler}{filler} \"{bad}\"]."),
            ] {
                let full = crate::parse_full(&src).ok();
                assert_eq!(full.is_some(), bad == "\u{FFFD}", "{bad:?}");
                assert_eq!(fast(&src), full, "{bad:?}");
                let opts = ParseOptions::default();
                assert_eq!(validate(&src, &opts).is_some(), full.is_some(), "{bad:?}");
            }
        }
    }

    #[test]
    fn reserved_words_go_to_the_full_parser() {
        for w in RESERVED {
            assert!(fast(&format!("{w}.")).is_none(), "{w}");
            assert!(fast(&format!("{{a, {w}}}.")).is_none(), "{w}");
            // Followed by eight bytes or more: read from one word of input.
            assert!(fast(&format!("[{w}, padding].")).is_none(), "{w}");
        }
        for w in [
            "maybe",
            "else",
            "andalsox",
            "ifx",
            "a",
            "afterward",
            "receiver",
        ] {
            assert_eq!(fast(&format!("{w}.")), Some(vec![Term::atom(w)]), "{w}");
            let padded = Term::list(vec![Term::atom(w), Term::atom("padding")]);
            assert_eq!(fast(&format!("[{w}, padding].")), Some(vec![padded]), "{w}");
        }
    }

    #[test]
    fn depth_limit_never_accepts_what_the_full_parser_refuses() {
        for n in 490..510 {
            for (open, close) in [("[", "]"), ("{", "}"), ("#{a => ", "}")] {
                let deep = format!("{}{}.", open.repeat(n), close.repeat(n));
                if fast(&deep).is_some() {
                    assert!(crate::parse_full(&deep).is_ok(), "depth {n} {open}");
                }
            }
        }
    }

    /// Based integers, separators, big and negative ones, read in place or
    /// by OTP's number grammar, agree with the full parser, and so do the
    /// errors; validation agrees on what is valid.
    #[test]
    fn based_and_separated_integers_agree_with_the_full_parser() {
        let digits = "0123456789abcdefghijklmnopqrstuvwxyzABCZ_#";
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let mut srcs: Vec<String> = [
            "16#ff",
            "16#FF_FF",
            "2#1010",
            "36#zz",
            "36#ZZ",
            "-16#ff",
            "1#0",
            "37#1",
            "16#",
            "16#_f",
            "16#f_",
            "16#f__f",
            "2#102",
            "16#7fffffffffffffff",
            "16#8000000000000000",
            "-16#8000000000000000",
            "16#ffffffffffffffffff",
            "10#123",
            "016#f",
            "1_6#f",
            "1_000_000",
            "99999999999999999999",
            "-9223372036854775808",
            "1_2_3",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..3000 {
            let base = 1 + next() % 40;
            let len = next() % 20;
            let body: String = (0..len)
                .map(|_| digits.as_bytes()[(next() % digits.len() as u64) as usize] as char)
                .collect();
            let sign = if next() % 4 == 0 { "-" } else { "" };
            srcs.push(format!("{sign}{base}#{body}"));
        }
        for src in srcs {
            let src = format!("[{src}].");
            let full = crate::parse_full(&src).ok();
            assert_eq!(fast(&src), full, "{src}");
            let valid = parse::<()>(&src, &ParseOptions::default()).is_some();
            assert_eq!(valid, full.is_some(), "{src}");
        }
    }

    /// Random binaries of integer and string segments with sizes and type
    /// lists: whatever the reader builds itself, or leaves to the full
    /// grammar, agrees with the full parser; validation too.
    /// Random decimal integers (1 to 45 digits, with and without `_`
    /// separators, signs, leading zeros) and floats (long and short
    /// digits, exponents from tiny to overflowing, separators anywhere):
    /// terms bit for bit, spans and validation as the full parser's, and
    /// every well-formed one read without giving up.
    #[test]
    fn random_decimal_numbers_agree_with_the_full_parser() {
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng
        };
        let digits = |n: u64, next: &mut dyn FnMut() -> u64| -> String {
            let mut s = String::new();
            for i in 0..n {
                if i > 0 && next() % 9 == 0 {
                    s.push('_');
                }
                s.push(char::from(b'0' + (next() % 10) as u8));
            }
            s
        };
        let mut srcs: Vec<String> = [
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "18446744073709551616",
            "170141183460469231731687303715884105727",
            "170141183460469231731687303715884105728",
            "-170141183460469231731687303715884105728",
            "340282366920938463463374607431768211455",
            "340282366920938463463374607431768211456",
            "1.7976931348623157e308",
            "1.7976931348623159e308",
            "9007199254740993.0",
            "9007199254740992.0e1",
            "1.0e22",
            "1.0e23",
            "1.0e-22",
            "1.0e-23",
            "123456789.123456789e-5",
            "0.0",
            "-0.0",
            "0.0e-400",
            "1.0e400",
            "1.0e-400",
            "1.5e+3",
            "1.5E-0",
            "1.0e299",
            "10.0e298",
            "1.0e1_0",
            "1.0e_1",
            "1.0e",
            "1.0e+",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..6000 {
            let sign = match next() % 4 {
                0 => "-",
                1 => "- ",
                _ => "",
            };
            let int = digits(1 + next() % 45, &mut next);
            let text = match next() % 3 {
                0 => int,
                _ => {
                    let int = digits(1 + next() % 22, &mut next);
                    let frac = digits(1 + next() % 22, &mut next);
                    let exp = match next() % 4 {
                        0 => String::new(),
                        n => {
                            let e = ["e", "E"][(next() % 2) as usize];
                            let s = ["", "+", "-"][(next() % 3) as usize];
                            format!("{e}{s}{}", digits(n, &mut next))
                        }
                    };
                    format!("{int}.{frac}{exp}")
                }
            };
            srcs.push(format!("{sign}{text}"));
        }
        let mut accepted = 0;
        for n in srcs {
            let pad = "\n% .......................";
            for src in [
                format!("[{n}]."),
                format!("{{x, {n}}}.\n"),
                format!("{n}."),
                format!("[{n}, 1].{pad}"),
                format!("{n}.{pad}"),
            ] {
                let full = crate::parse_full(&src).ok();
                let got = fast(&src);
                assert_eq!(format!("{got:?}"), format!("{full:?}"), "{src}");
                let valid = parse::<()>(&src, &ParseOptions::default()).is_some();
                assert_eq!(valid, full.is_some(), "{src}");
                let nodes = parse::<Node>(&src, &ParseOptions::default());
                assert_eq!(
                    format!("{nodes:?}"),
                    format!("{:?}", full_nodes(&src)),
                    "{src}"
                );
                accepted += usize::from(got.is_some());
            }
        }
        assert!(accepted > 10_000, "only {accepted} accepted");
    }

    /// The escapes read in place give the lexer's code point and end on
    /// random escape bodies (octal runs, `\x` forms, `\^`, letters,
    /// non-ASCII, cut by the end of input).
    #[test]
    fn escapes_read_in_place_agree_with_the_lexer() {
        let alphabet: Vec<char> = "01234567789xX{}^abcdefnrstvAF \\\"'\né€𝄞".chars().collect();
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut checked = 0;
        for _ in 0..40_000 {
            let len = 1 + (rng % 12) as usize;
            let body: String = (0..len)
                .map(|_| {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    alphabet[(rng % alphabet.len() as u64) as usize]
                })
                .collect();
            for src in [body.clone(), format!("{body}\"")] {
                let p = Fast::<Term, false>::new(&src, &ParseOptions::default());
                let want = p.lexer_escape_at(0);
                assert_eq!(p.escape_at(0), want, "{src:?}");
                checked += usize::from(want.is_some());
            }
        }
        for src in [
            "x{10FFFF}",
            "x{110000}",
            "x{D800}",
            "x{FFFE}",
            "x{0000000041}",
            "x{}",
            "x{FFFFFFFFF}",
            "101",
            "7",
            "^",
            "x4",
        ] {
            let p = Fast::<Term, false>::new(src, &ParseOptions::default());
            assert_eq!(p.escape_at(0), p.lexer_escape_at(0), "{src:?}");
        }
        assert!(checked > 40_000, "only {checked} escapes read");
    }

    #[test]
    fn random_binary_segments_agree_with_the_full_parser() {
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        let values = [
            "0",
            "1",
            "255",
            "256",
            "-1",
            "-129",
            "16#ff",
            "16#1F600",
            "$a",
            "$é",
            "\"ab\"",
            "\"é\\x{1F600}\"",
            "\"a\" \"b\"",
            "70000",
            "9223372036854775807",
            "1.5",
        ];
        let types = [
            "integer", "utf8", "big", "little", "signed", "unsigned", "native", "float", "binary",
            "utf16", "unit:8",
        ];
        let sizes = [
            "", ":1", ":3", ":4", ":7", ":8", ":12", ":13", ":16", ":24", ":32", ":33", ":63",
            ":64", ":65", ":72", ":0",
        ];
        for _ in 0..20_000 {
            let segs: Vec<String> = (0..1 + next(4))
                .map(|_| {
                    let mut seg = values[next(values.len() as u64) as usize].to_string();
                    seg.push_str(sizes[next(sizes.len() as u64) as usize]);
                    if next(2) == 0 {
                        let n = 1 + next(2);
                        let ts: Vec<&str> = (0..n)
                            .map(|_| types[next(types.len() as u64) as usize])
                            .collect();
                        seg.push('/');
                        seg.push_str(&ts.join("-"));
                    }
                    seg
                })
                .collect();
            let src = format!("[<<{}>>].", segs.join(", "));
            let full = crate::parse_full(&src).ok();
            assert_eq!(fast(&src), full, "{src}");
            let valid = parse::<()>(&src, &ParseOptions::default()).is_some();
            assert_eq!(valid, full.is_some(), "{src}");
        }
    }

    /// The error the full parser finds from the reader's stop point,
    /// passing over what the reader checked, is the error it finds reading
    /// everything: on every conformance case cut at every byte, and on
    /// cases with many elements before the error.
    #[test]
    fn errors_found_from_the_stop_point_are_the_full_parsers() {
        let opts = ParseOptions::default();
        let whole = |src: &str| {
            crate::parser::parse_text(src, false, &opts, || NoBuild, |()| ())
                .err()
                .map(|e| format!("{e:?}"))
        };
        let from_stop = |src: &str| {
            let (start, skips) = stop_point(src, &opts)?;
            crate::parser::check_text_from(src, start, skips, &opts)
                .err()
                .map(|e| format!("{e:?}"))
        };
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/consult/cases");
        let mut errors = 0;
        let mut check = |src: &str| {
            if parse::<()>(src, &opts).is_none() {
                let want = whole(src);
                errors += usize::from(want.is_some());
                assert_eq!(from_stop(src), want, "{src:?}");
            }
        };
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            let cuts = (0..=text.len()).filter(|i| text.is_char_boundary(*i));
            for cut in cuts.take(300) {
                check(&text[..cut]);
            }
        }
        for src in [
            "a.\n{b, [1, 2, 3,\n 4, 'é', \"x\", 5 6]}.",
            "[1, 2, 3, {a, b, c}, [x, y | z], #{k => v, k2 => v2, k3 => {X}}].",
            "{a, b, }.",
            "[1, 2, 3, ].",
            "#{a => 1, b => 2, c => 3 d => 4}.",
            "[1,\n2,\n3 | 4, 5].",
            "[x, y, <<1:4/bits>>].",
            "{1, 2, 3, 4 + 5}.",
            "[\"é\", 'ü', 1, 2, 3 4].",
            "{a, b, c, \"unterminated}.",
            "[1, 2, 3, $",
            "[1, 2, 3, 4\n",
        ] {
            check(src);
        }
        assert!(errors > 100, "only {errors} errors checked");
    }

    /// Whatever the fast path accepts, the full parser accepts with the
    /// same terms: checked on every recorded conformance case, and on each
    /// case with its first term's text cut at every byte.
    #[test]
    fn agrees_with_full_parser_on_conformance_cases() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/consult/cases");
        let mut accepted = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let Ok(text) = String::from_utf8(bytes) else {
                continue;
            };
            let cuts = (0..=text.len()).filter(|i| text.is_char_boundary(*i));
            for cut in cuts.take(200) {
                let src = &text[..cut];
                if let Some(terms) = fast(src) {
                    accepted += 1;
                    let full = crate::parse_full(src);
                    assert_eq!(full.as_ref().ok(), Some(&terms), "{src:?}");
                    let printed: Vec<String> = terms.iter().map(Term::to_string).collect();
                    let want: Vec<String> = full.unwrap().iter().map(Term::to_string).collect();
                    assert_eq!(printed, want, "{src:?}");
                    // Spanned nodes too, span for span.
                    let nodes = parse::<Node>(src, &ParseOptions::default());
                    assert_eq!(
                        format!("{nodes:?}"),
                        format!("{:?}", full_nodes(src)),
                        "{src:?}"
                    );
                }
            }
        }
        assert!(accepted > 100, "the fast path took only {accepted} inputs");
    }
}

/// The byte-level readers of this module, one construct at a time, for the
/// serde reader (`serde::bytes`), which does its own containers: each reads
/// the construct at a byte position and gives where it ends, or `None`
/// where this module would give up (the caller then takes the full path).
#[cfg(feature = "serde")]
pub(crate) struct Scanner<'a> {
    /// Builds terms.
    build: Fast<'a, Term, false>,
    /// Only checks.
    check: Fast<'a, (), false>,
    max_depth: usize,
}

#[cfg(feature = "serde")]
#[allow(clippy::items_after_test_module)]
impl<'a> Scanner<'a> {
    /// Readers of `src` with the default limits; `None` if `src` is beyond
    /// the input size limit.
    pub(crate) fn new(src: &'a str) -> Option<Self> {
        let opts = ParseOptions::default();
        if src.len() > opts.max_input_bytes {
            return None;
        }
        Some(Scanner {
            build: Fast::new(src, &opts),
            check: Fast::new(src, &opts),
            max_depth: opts.max_depth,
        })
    }

    /// The nesting bound of the full parser.
    pub(crate) fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// Past the whitespace and comments at `pos`.
    #[inline]
    pub(crate) fn skip_ws(&mut self, pos: usize) -> Option<usize> {
        self.check.pos = pos;
        self.check.skip_ws()?;
        Some(self.check.pos)
    }

    /// Past the end-of-term dot at `pos`.
    #[inline]
    pub(crate) fn end_dot(&mut self, pos: usize) -> Option<usize> {
        self.check.pos = pos;
        self.check.end_dot()?;
        Some(self.check.pos)
    }

    /// The end of the bare atom (`[a-z]` first) at `pos`.
    #[inline]
    pub(crate) fn bare_atom(&mut self, pos: usize) -> Option<usize> {
        self.check.pos = pos;
        self.check.bare_atom()?;
        Some(self.check.pos)
    }

    /// Past the closing quote of the quoted atom or string at `pos` (its
    /// opening `quote`) if its body has no escape.
    #[inline]
    pub(crate) fn plain_quoted(&self, pos: usize, quote: u8) -> Option<usize> {
        let end = self.check.text_run_end(pos + 1, quote)?;
        (self.check.s.get(end) == Some(&quote)).then_some(end + 1)
    }

    /// The body of the quoted atom or string at `pos` (its opening `quote`)
    /// appended to `out`; where it ends.
    pub(crate) fn quoted(&mut self, pos: usize, quote: u8, out: &mut Text) -> Option<usize> {
        self.check.pos = pos;
        self.check.quoted(quote, out)?;
        Some(self.check.pos)
    }

    /// Where the run of quoted text from `pos` ends (at the next `quote`
    /// or `\\`), as [`Fast::quoted`] finds it.
    #[inline]
    pub(crate) fn run_end(&self, pos: usize, quote: u8) -> Option<usize> {
        self.check.text_run_end(pos, quote)
    }

    /// The rest of a quoted atom or string body from `at` (inside it)
    /// appended to `out`, with the escapes of [`Fast::quoted`], through
    /// its scanners (`text_run_end`, `escape_at`); where it ends (past the
    /// closing `quote`).
    pub(crate) fn quoted_into(&self, mut at: usize, quote: u8, out: &mut String) -> Option<usize> {
        let p = &self.check;
        loop {
            let end = p.text_run_end(at, quote)?;
            out.push_str(p.src.get(at..end)?);
            if p.s.get(end) == Some(&quote) {
                return Some(end + 1);
            }
            let c = match p.s.get(end + 1).copied()? {
                b'0'..=b'7' | b'x' | b'^' | 0x80.. => {
                    let (v, next) = p.escape_at(end + 1)?;
                    out.push(char::from_u32(v)?);
                    at = next;
                    continue;
                }
                b'n' => '\n',
                b't' => '\t',
                b'r' => '\r',
                b's' => ' ',
                b'b' => '\u{8}',
                b'd' => '\u{7F}',
                b'e' => '\u{1B}',
                b'f' => '\u{C}',
                b'v' => '\u{B}',
                c => char::from(c),
            };
            out.push(c);
            at = end + 2;
        }
    }

    /// The term at `pos`, inside `levels` containers.
    pub(crate) fn term(&mut self, pos: usize, levels: usize) -> Option<(Term, usize)> {
        let p = &mut self.build;
        p.max_depth = self.max_depth.checked_sub(levels)?;
        p.pos = pos;
        p.opens.clear();
        p.bases.clear();
        p.stack.clear();
        p.spills.clear();
        let t = p.term()?;
        Some((t, p.pos))
    }

    /// The number, character or quoted atom at `pos` (not a bare atom,
    /// not a container); `None` also where the full grammar is needed
    /// (then [`Scanner::term`] reads it).
    #[inline]
    pub(crate) fn leaf(&mut self, pos: usize) -> Option<(Term, usize)> {
        let p = &mut self.build;
        p.pos = pos;
        p.leaf_start = pos;
        let t = p.leaf()?;
        Some((t, p.pos))
    }

    /// Checks the term at `pos`, inside `levels` containers; where it ends.
    pub(crate) fn check(&mut self, pos: usize, levels: usize) -> Option<usize> {
        let p = &mut self.check;
        p.max_depth = self.max_depth.checked_sub(levels)?;
        p.pos = pos;
        p.opens.clear();
        p.term()?;
        Some(p.pos)
    }
}
