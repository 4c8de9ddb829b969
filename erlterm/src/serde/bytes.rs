//! A single-pass serde `Deserializer` over the bytes of the text, in the
//! style of `serde_json::Deserializer<StrRead>`: the value is read straight
//! into the visitor, with the byte-level readers of [`crate::fast`] for
//! atoms, strings and numbers, and containers walked here.
//!
//! It only has to be right when it succeeds. On anything it meets that is
//! not plainly valid and of the expected type — a syntax error, a type or
//! shape error, a limit, a construct it does not read (a list tail,
//! parentheses, a map where the tree's order of entries matters...) — it
//! gives up, and the caller reads the whole text again from the start on
//! the exact path ([`super::read`] after [`crate::validate`], and the tree
//! deserializer), which gives today's value or today's error. As it
//! succeeds only on text it has checked whole, "a syntax error anywhere
//! wins over a type error" holds as on the exact path.
//!
//! The values are those of the tree deserializer ([`super::de`]) on
//! [`crate::parse_nodes`]:
//!
//! - atoms, string literals, lists, tuples, proplists, maps read as maps
//!   or structs, enums, options, `Term` and `Atom` fields are read here by
//!   the tree's rules: in a proplist the first occurrence of a key wins
//!   (later ones are checked, then skipped), a bare atom `key` is
//!   `{key, true}`; in a written map the last occurrence wins; nesting is
//!   bounded by [`DEFAULT_MAX_DEPTH`] serde levels;
//! - any other value (numbers, binaries, funs, char lists...) is built as
//!   a [`Term`] by the byte-level reader and read by the tree deserializer
//!   itself ([`Deserializer::from_term`]), whose rules are those of a node
//!   for every term without a map (a term's maps lose their order and
//!   duplicates: a value holding one makes this reader give up).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

use ::serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};

use super::de::{AtomKey, Deserializer, TrueDe, DEFAULT_MAX_DEPTH};
use super::error::{Error, ErrorKind};
use super::read::Erase;
use super::{write, MAGIC_ATOM, MAGIC_TERM};
use crate::fast::{digit_value, escape_char, Scanner, LONG_ESCAPE};
use crate::term::{Term, Text};

type Result<T> = std::result::Result<T, Error>;

/// The longest text binary read here (the full parser's bound on a
/// binary, 2^27 bits, in bytes).
const MAX_TEXT_BINARY: usize = 1 << 24;

/// Exact powers of ten as doubles, up to `10^22` (the largest exact one).
const EXACT_POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `10^n` for `n` up to 19 (all that `u64` holds).
const POW10: [u64; 20] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
    10_000_000_000_000,
    100_000_000_000_000,
    1_000_000_000_000_000,
    10_000_000_000_000_000,
    100_000_000_000_000_000,
    1_000_000_000_000_000_000,
    10_000_000_000_000_000_000,
];

/// `b` repeated in every byte of a word.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The eight bytes at `at` as a word, the first in its low byte.
#[inline]
fn word_at(s: &[u8], at: usize) -> Option<u64> {
    let chunk: [u8; 8] = s.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(chunk))
}

/// How many of the bytes of `word` (first in the low byte) are decimal
/// digits before the first one that is not, and their value: integers
/// beyond `u64` are read eight bytes at a time, without a checked `u128`
/// step per digit. (Shorter numbers stay with the byte loop, which
/// measured faster on them.)
#[inline]
fn digit_prefix(word: u64) -> (usize, u64) {
    // Per byte, with no carry between bytes: ASCII, at or above `0`, below
    // `9` + 1 (as `fast`'s name test).
    let ascii = !word & splat(0x80);
    let w = word & splat(0x7F);
    let at_least = |n: u8| w.wrapping_add(splat(0x80 - n));
    let digit = at_least(b'0') & !at_least(b'9' + 1) & ascii & splat(0x80);
    let n = ((!digit & splat(0x80)).trailing_zeros() / 8) as usize;
    if n == 0 {
        return (0, 0);
    }
    // The digits moved to the high bytes, zeros (leading zeros) below.
    let v = (word & splat(0x0F)) << (8 * (8 - n));
    // Pairs, then fours, then all eight (simdjson's
    // `parse_eight_digits_unrolled`).
    let v = v.wrapping_mul(10).wrapping_add(v >> 8);
    let mask = 0x0000_00FF_0000_00FF;
    let v = (v & mask)
        .wrapping_mul(100 + (1_000_000 << 32))
        .wrapping_add(((v >> 16) & mask).wrapping_mul(1 + (10_000 << 32)))
        >> 32;
    (n, v)
}

/// A number read in place ([`Reader::number`]).
#[derive(Clone, Copy)]
enum Num {
    /// An integer within `i64`.
    Int(i64),
    /// An integer beyond `i64`, within `i128`.
    Wide(i128),
    Float(f64),
}

impl Num {
    /// The integer `-v` if `negative`, else `v`.
    #[inline]
    fn int(v: u64, negative: bool) -> Num {
        match i64::try_from(v) {
            Ok(v) => Num::Int(if negative { -v } else { v }),
            Err(_) => {
                let v = i128::from(v);
                Num::Wide(if negative { -v } else { v })
            }
        }
    }
}

/// This reader gives up: the caller takes the exact path. (Its message is
/// never shown.)
#[cold]
fn bail() -> Error {
    Error::new(ErrorKind::Custom(String::new()))
}

trait OrBail<T> {
    fn or_bail(self) -> Result<T>;
}

impl<T> OrBail<T> for Option<T> {
    #[inline]
    fn or_bail(self) -> Result<T> {
        self.ok_or_else(bail)
    }
}

/// Reads the only term of `text` (its final dot may be left out, as
/// [`super::from_str`] allows), or `None` where the exact path decides.
pub(crate) fn from_text<T: DeserializeOwned>(text: &str) -> Option<T> {
    let mut r = Reader::new(text)?;
    r.ws().ok()?;
    if r.at_end() {
        return None;
    }
    let v = T::deserialize(ValDe {
        r: &mut r,
        depth: 0,
        top: false,
    })
    .ok()?;
    r.ws().ok()?;
    if !r.at_end() {
        r.pos = r.scan.end_dot(r.pos)?;
        r.ws().ok()?;
        if !r.at_end() {
            return None;
        }
    }
    Some(v)
}

/// Reads every term of `text` as one list, or `None` where the exact path
/// decides.
pub(crate) fn from_text_all<T: DeserializeOwned>(text: &str) -> Option<T> {
    let mut r = Reader::new(text)?;
    let v = T::deserialize(ValDe {
        r: &mut r,
        depth: 0,
        top: true,
    })
    .ok()?;
    // Every top-level reader reads to the end; make sure.
    r.ws().ok()?;
    r.at_end().then_some(v)
}

// ----- the text ---------------------------------------------------------------

/// The text and where the reader is in it.
struct Reader<'a> {
    src: &'a str,
    s: &'a [u8],
    pos: usize,
    scan: Scanner<'a>,
    /// Containers open around the position (the full parser's nesting).
    levels: usize,
    max_levels: usize,
    /// The text of the last string literal read with escapes.
    scratch: String,
    /// Key lists of [`Seen`], kept for the next proplist.
    seen_pool: Vec<Vec<(u64, Cow<'a, str>)>>,
    /// Entry and key lists of written maps, kept for the next map.
    entries_pool: Vec<Vec<(usize, usize)>>,
    keys_pool: Vec<Vec<MapKey<'a>>>,
}

impl<'a> Reader<'a> {
    fn new(src: &'a str) -> Option<Self> {
        let scan = Scanner::new(src)?;
        let max_levels = scan.max_depth();
        Some(Reader {
            src,
            s: src.as_bytes(),
            pos: 0,
            scan,
            levels: 0,
            max_levels,
            scratch: String::new(),
            seen_pool: Vec::new(),
            entries_pool: Vec::new(),
            keys_pool: Vec::new(),
        })
    }

    #[inline]
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    #[inline]
    fn peek_at(&self, off: usize) -> Option<u8> {
        self.s.get(self.pos + off).copied()
    }

    #[inline]
    fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    /// Past whitespace and comments.
    #[inline]
    fn ws(&mut self) -> Result<()> {
        // Spaces, newlines and indents here; comments and non-ASCII
        // whitespace by the byte-level reader.
        let mut i = self.pos;
        loop {
            match self.s.get(i) {
                Some(&b) if b <= b' ' => i += 1,
                Some(b'%' | 0xC2) => {
                    self.pos = self.scan.skip_ws(i).or_bail()?;
                    return Ok(());
                }
                _ => break,
            }
        }
        self.pos = i;
        Ok(())
    }

    /// Opens the container whose opener (`n` bytes) is here: `true` if it
    /// has elements (the position is then at the first), `false` if it is
    /// empty (its closer is read).
    #[inline]
    fn open(&mut self, n: usize, close: u8) -> Result<bool> {
        self.pos += n;
        self.ws()?;
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(false);
        }
        // Where the byte-level reader would give up on the nesting.
        if self.levels + 1 >= self.max_levels {
            return Err(bail());
        }
        self.levels += 1;
        Ok(true)
    }

    /// After an element of a container: `true` past a `,` (at the next
    /// element), `false` past the `close` that ends the container.
    #[inline(always)]
    fn next_sep(&mut self, close: u8) -> Result<bool> {
        self.ws()?;
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                self.ws()?;
                Ok(true)
            }
            Some(c) if c == close => {
                self.pos += 1;
                self.levels = self.levels.saturating_sub(1);
                Ok(false)
            }
            _ => Err(bail()),
        }
    }

    /// After the top-level term: its dot, then `true` if another follows.
    fn next_term(&mut self) -> Result<bool> {
        self.ws()?;
        self.pos = self.scan.end_dot(self.pos).or_bail()?;
        self.ws()?;
        Ok(!self.at_end())
    }

    /// The atom here, if it is one this reader reads (`None`: the position
    /// is unchanged).
    #[inline]
    fn atom(&mut self) -> Result<Option<Cow<'a, str>>> {
        match self.peek() {
            Some(b'a'..=b'z') => {
                let Some(end) = self.scan.bare_atom(self.pos) else {
                    return Ok(None);
                };
                let name = self.src.get(self.pos..end).or_bail()?;
                self.pos = end;
                Ok(Some(Cow::Borrowed(name)))
            }
            Some(b'\'') => self.quoted_atom(),
            _ => Ok(None),
        }
    }

    /// [`Reader::atom`] for a quoted atom.
    fn quoted_atom(&mut self) -> Result<Option<Cow<'a, str>>> {
        if let Some(end) = self.scan.plain_quoted(self.pos, b'\'') {
            let body = self.src.get(self.pos + 1..end - 1).or_bail()?;
            if body.len() > 255 && body.chars().count() > 255 {
                return Ok(None);
            }
            self.pos = end;
            return Ok(Some(Cow::Borrowed(body)));
        }
        let mut name = Text::default();
        let Some(end) = self.scan.quoted(self.pos, b'\'', &mut name) else {
            return Ok(None);
        };
        if name.chars().count() > 255 {
            return Ok(None);
        }
        self.pos = end;
        Ok(Some(Cow::Owned(name.as_str().to_owned())))
    }

    /// The string literal here (and those adjacent to it): its text, or
    /// `None` when it is in `scratch` (escapes, adjacent literals).
    #[inline]
    fn string(&mut self) -> Result<Option<&'a str>> {
        let start = self.pos;
        let run = self.scan.run_end(start + 1, b'"').or_bail()?;
        let body = self.src.get(start + 1..run).or_bail()?;
        let mut pos = if self.s.get(run) == Some(&b'"') {
            let after = self.scan.skip_ws(run + 1).or_bail()?;
            if self.s.get(after) != Some(&b'"') {
                self.pos = after;
                return Ok(Some(body));
            }
            self.scratch.clear();
            self.scratch.push_str(body);
            after
        } else {
            // An escape: the text so far, then the rest decoded.
            self.scratch.clear();
            self.scratch.push_str(body);
            let end = self
                .scan
                .quoted_into(run, b'"', &mut self.scratch)
                .or_bail()?;
            self.scan.skip_ws(end).or_bail()?
        };
        // Adjacent literals.
        while self.s.get(pos) == Some(&b'"') {
            let end = self
                .scan
                .quoted_into(pos + 1, b'"', &mut self.scratch)
                .or_bail()?;
            pos = self.scan.skip_ws(end).or_bail()?;
        }
        self.pos = pos;
        Ok(None)
    }

    /// The string literal here, to a visitor.
    #[inline]
    fn visit_string<V: Visitor<'a>>(&mut self, visitor: V) -> Result<V::Value> {
        match self.string()? {
            Some(s) => visitor.visit_borrowed_str(s),
            None => visitor.visit_str(self.scratch.as_str()),
        }
    }

    /// The text of the binary here if it is written `<<"text">>` (ASCII)
    /// or `<<"text"/utf8>>`: a binary of UTF-8 text (`None`: the position
    /// is unchanged; it may still be a binary, read as a term).
    fn text_binary(&mut self) -> Option<&'a str> {
        let open = self.scan.skip_ws(self.pos + 2)?;
        if self.s.get(open) != Some(&b'"') {
            return None;
        }
        let end = self.scan.plain_quoted(open, b'"')?;
        let body = self.src.get(open + 1..end - 1)?;
        let mut at = self.scan.skip_ws(end)?;
        let utf8 = self.s.get(at..at + 5) == Some(b"/utf8")
            && !self
                .s
                .get(at + 5)
                .is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'@' || b >= 0x80);
        if utf8 {
            at = self.scan.skip_ws(at + 5)?;
        } else if !body.is_ascii() {
            return None;
        }
        if self.s.get(at..at + 2) != Some(b">>") || body.len() > MAX_TEXT_BINARY {
            return None;
        }
        self.pos = at + 2;
        Some(body)
    }

    /// The decimal number here when it is plainly one, read in place
    /// (no [`Term`]): `-` right before its digits, digits with single `_`
    /// between digits, then an integer within `i128`, or a float
    /// `D.D[eE][+-]D` (separators nowhere in it, finite). `None`, with
    /// the position unchanged, for anything else (based integers,
    /// characters, `- 1`, larger integers...: [`Reader::leaf`] reads them).
    /// The values are the byte-level reader's: integers exact, floats
    /// correctly rounded.
    #[inline]
    fn number(&mut self) -> Option<Num> {
        let s = self.s;
        let (negative, start) = match s.get(self.pos) {
            Some(b'-') => match s.get(self.pos + 1) {
                Some(d) if d.is_ascii_digit() => (true, self.pos + 1),
                // `- 1`: two tokens, maybe with a comment between.
                Some(&b) if b <= b' ' || b == b'%' => (true, self.scan.skip_ws(self.pos + 1)?),
                _ => return None,
            },
            // A character: `$` and an ASCII character, or `$\\` and an
            // escape of one letter (`$\\n`; the longer ones are the
            // leaf's).
            Some(b'$') => {
                let (c, len) = match *s.get(self.pos + 1)? {
                    b'\\' => match escape_char(*s.get(self.pos + 2)?) {
                        LONG_ESCAPE => return None,
                        c => (c, 3),
                    },
                    c if c < 0x80 => (c, 2),
                    _ => return None,
                };
                self.pos += len;
                return Some(Num::Int(i64::from(c)));
            }
            _ => (false, self.pos),
        };
        let mut i = start;
        let mut v = match s.get(i) {
            Some(&d) if d.is_ascii_digit() => u64::from(d - b'0'),
            _ => return None,
        };
        i += 1;
        let mut seps = false;
        // Nineteen digits fit `u64`: no overflow check before.
        let mut digits = 1;
        loop {
            match s.get(i).copied() {
                Some(d) if d.is_ascii_digit() => {
                    if digits == 19 {
                        return self.wide_integer(v, i, negative);
                    }
                    v = v * 10 + u64::from(d - b'0');
                    digits += 1;
                    i += 1;
                }
                Some(b'_') if s.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                    seps = true;
                    i += 1;
                }
                _ => break,
            }
        }
        match s.get(i) {
            Some(b'#') if !seps && i - start <= 2 => return self.based(v, i, negative),
            // Based integers otherwise; a `_` not between two digits.
            Some(b'#' | b'_') => return None,
            Some(b'.') if s.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                if seps {
                    return None;
                }
                return self.float(start, i, v, negative);
            }
            _ => {}
        }
        self.pos = i;
        Some(Num::int(v, negative))
    }

    /// [`Reader::number`] for `Base#Digits`, the `#` at `hash`: a base of
    /// 2 to 36, digits of the base (either case) with single `_` between
    /// two of them, a value within `u64`; `None` otherwise.
    #[inline]
    fn based(&mut self, base: u64, hash: usize, negative: bool) -> Option<Num> {
        if !(2..=36).contains(&base) {
            return None;
        }
        let s = self.s;
        let digit = |i: usize| -> Option<u64> {
            let d = u64::from(digit_value(*s.get(i)?));
            (d < base).then_some(d)
        };
        let mut i = hash + 1;
        let mut v = digit(i)?;
        i += 1;
        loop {
            if let Some(d) = digit(i) {
                v = v.checked_mul(base)?.checked_add(d)?;
                i += 1;
            } else if s.get(i) == Some(&b'_') && digit(i + 1).is_some() {
                i += 1;
            } else {
                break;
            }
        }
        self.pos = i;
        Some(Num::int(v, negative))
    }

    /// [`Reader::number`] for an integer beyond `u64`: the value of its
    /// digits before `at` is `high`; within `i128`, or `None`.
    #[cold]
    fn wide_integer(&mut self, high: u64, at: usize, negative: bool) -> Option<Num> {
        let s = self.s;
        let mut i = at;
        let mut v = u128::from(high);
        loop {
            if let Some(word) = word_at(s, i) {
                let (n, d) = digit_prefix(word);
                let scale = u128::from(*POW10.get(n)?);
                v = v.checked_mul(scale)?.checked_add(u128::from(d))?;
                i += n;
                if n == 8 {
                    continue;
                }
            }
            match s.get(i).copied() {
                Some(d) if d.is_ascii_digit() => {
                    v = v.checked_mul(10)?.checked_add(u128::from(d - b'0'))?;
                    i += 1;
                }
                Some(b'_') if s.get(i + 1).is_some_and(u8::is_ascii_digit) => i += 1,
                _ => break,
            }
        }
        if matches!(s.get(i), Some(b'#' | b'_' | b'.')) {
            return None;
        }
        let v = i128::try_from(v).ok()?;
        self.pos = i;
        Some(Num::Wide(if negative { -v } else { v }))
    }

    /// [`Reader::number`] for a float: its integer part `int` runs from
    /// `start` to the `.` at `dot`.
    #[inline]
    fn float(&mut self, start: usize, dot: usize, int: u64, negative: bool) -> Option<Num> {
        let s = self.s;
        let frac_start = dot + 1;
        let mut i = frac_start;
        let mut frac = 0u64;

        while let Some(&d) = s.get(i).filter(|d| d.is_ascii_digit()) {
            frac = frac.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
            i += 1;
        }
        let frac_digits = i - frac_start;
        let mut exponent = 0i64;
        if matches!(s.get(i), Some(b'e' | b'E')) {
            i += 1;
            let negative_exponent = match s.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            if !s.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            while let Some(&d) = s.get(i).filter(|d| d.is_ascii_digit()) {
                // Saturated: any larger exponent reads the same below.
                exponent = (exponent * 10 + i64::from(d - b'0')).min(1 << 40);
                i += 1;
            }
            if negative_exponent {
                exponent = -exponent;
            }
        }
        if s.get(i) == Some(&b'_') {
            return None;
        }
        let int_digits = dot - start;
        // Clinger's fast path: the digits and the power of ten both exact
        // doubles, one correctly rounded operation.
        let fast = if int_digits + frac_digits <= 19 {
            let scale = *POW10.get(frac_digits)?;
            int.checked_mul(scale)
                .and_then(|m| m.checked_add(frac))
                .filter(|&m| m <= 1 << 53)
                .and_then(|m| {
                    let e = exponent - frac_digits as i64;
                    let power = *EXACT_POW10.get(usize::try_from(e.unsigned_abs()).ok()?)?;
                    let m = m as f64;
                    Some(if e < 0 { m / power } else { m * power })
                })
        } else {
            None
        };
        let v = match fast {
            Some(v) => v,
            None => {
                let v: f64 = self.src.get(start..i)?.parse().ok()?;
                if !v.is_finite() {
                    return None;
                }
                v
            }
        };
        self.pos = i;
        Some(Num::Float(if negative { -v } else { v }))
    }

    /// The number, character or other leaf here, built.
    #[inline]
    fn leaf(&mut self) -> Result<Term> {
        if let Some((t, end)) = self.scan.leaf(self.pos) {
            self.pos = end;
            return Ok(t);
        }
        self.term()
    }

    /// The term here, built.
    fn term(&mut self) -> Result<Term> {
        let (t, end) = self.scan.term(self.pos, self.levels).or_bail()?;
        self.pos = end;
        Ok(t)
    }

    /// Past the term here, checked.
    fn skip(&mut self) -> Result<()> {
        self.pos = self.scan.check(self.pos, self.levels).or_bail()?;
        Ok(())
    }

    /// Every term of the text, from here, as one list.
    fn all_terms(&mut self) -> Result<Term> {
        let mut terms = Vec::new();
        self.ws()?;
        if !self.at_end() {
            loop {
                terms.push(self.term()?);
                if !self.next_term()? {
                    break;
                }
            }
        }
        Ok(Term::List(terms))
    }

    /// Past every term of the text, from here, checked.
    fn skip_all(&mut self) -> Result<()> {
        self.ws()?;
        if !self.at_end() {
            loop {
                self.skip()?;
                if !self.next_term()? {
                    break;
                }
            }
        }
        Ok(())
    }
}

/// Whether a term holds a map.
fn has_map(t: &Term) -> bool {
    match t {
        Term::Map(_) => true,
        Term::List(items) | Term::Tuple(items) => items.iter().any(has_map),
        Term::ImproperList(l) => l.items().iter().any(has_map) || has_map(l.tail()),
        _ => false,
    }
}

#[inline]
fn visit_cow<'a, V: Visitor<'a>>(visitor: V, s: Cow<'a, str>) -> Result<V::Value> {
    match s {
        Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
        Cow::Owned(s) => visitor.visit_str(&s),
    }
}

/// The depth of a child of a value at `depth`.
#[inline]
fn child_depth(depth: usize) -> Result<usize> {
    let d = depth + 1;
    if d > DEFAULT_MAX_DEPTH {
        return Err(bail());
    }
    Ok(d)
}

// ----- the deserializer ---------------------------------------------------------

/// Reads the value at the reader's position (`top`: every term of the
/// text as one list) at serde nesting `depth`.
struct ValDe<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
    top: bool,
}

/// The value as a [`Term`], read by the tree deserializer.
macro_rules! via_term {
    ($self:ident, $method:ident($($arg:expr),*), $visitor:ident) => {{
        let term = $self.take_term()?;
        via_term!(@ $self, term, $method($($arg),*), $visitor)
    }};
    (@ $self:ident, $term:ident, $method:ident($($arg:expr),*), $visitor:ident) => {{
        if has_map(&$term) {
            return Err(bail());
        }
        let d = Deserializer::from_term(&$term).max_depth(DEFAULT_MAX_DEPTH - $self.depth);
        de::Deserializer::$method(d, $($arg,)* Erase::new($visitor))
    }};
}

macro_rules! ints {
    ($($method:ident $visit:ident $ty:ident)*) => {$(
        fn $method<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
            if !self.top {
                match self.r.number() {
                    Some(Num::Int(v)) => return visitor.$visit($ty::try_from(v).ok().or_bail()?),
                    Some(Num::Wide(v)) => return visitor.$visit($ty::try_from(v).ok().or_bail()?),
                    Some(Num::Float(_)) => return Err(bail()),
                    None => {}
                }
            }
            let term = self.take_term()?;
            if let Term::Integer(i) = &term {
                let v = i.to_i128().and_then(|v| $ty::try_from(v).ok()).or_bail()?;
                return visitor.$visit(v);
            }
            via_term!(@ self, term, $method(), visitor)
        }
    )*};
}

impl<'a> ValDe<'_, 'a> {
    /// The value, built.
    fn take_term(&mut self) -> Result<Term> {
        if self.top {
            return self.r.all_terms();
        }
        match self.r.peek() {
            Some(b'0'..=b'9' | b'-' | b'$') => self.r.leaf(),
            _ => self.r.term(),
        }
    }

    /// The list here as a sequence; `exact`: every element must be read
    /// (a list read as a tuple).
    fn list<V: Visitor<'a>>(self, visitor: V, exact: bool) -> Result<V::Value> {
        let walk = if self.top {
            Walk::top(self.r)?
        } else {
            Walk::open(self.r, 1, b']')?
        };
        let mut seq = Seq {
            r: self.r,
            depth: self.depth,
            walk,
            count: 0,
        };
        let v = visitor.visit_seq(&mut seq)?;
        if exact {
            if seq.walk.advance(seq.r)? {
                return Err(bail());
            }
        } else {
            seq.skip_rest()?;
        }
        Ok(v)
    }

    /// The tuple here as a sequence of `len` elements if given.
    fn tuple<V: Visitor<'a>>(self, len: Option<usize>, visitor: V) -> Result<V::Value> {
        let walk = Walk::open(self.r, 1, b'}')?;
        let mut seq = Seq {
            r: self.r,
            depth: self.depth,
            walk,
            count: 0,
        };
        let v = visitor.visit_seq(&mut seq)?;
        seq.skip_rest()?;
        match len {
            Some(len) if len != seq.count => Err(bail()),
            _ => Ok(v),
        }
    }

    /// The proplist here (or the terms of the text) as a map.
    fn proplist<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let walk = if self.top {
            Walk::top(self.r)?
        } else {
            Walk::open(self.r, 1, b']')?
        };
        let few = self.r.seen_pool.pop().unwrap_or_default();
        let mut acc = PropAcc {
            r: self.r,
            depth: self.depth,
            walk,
            seen: Seen {
                few,
                bits: 0,
                many: None,
                terms: BTreeSet::new(),
            },
            pending: Pending::None,
        };
        let v = visitor.visit_map(&mut acc)?;
        acc.skip_rest()?;
        let mut few = std::mem::take(&mut acc.seen.few);
        few.clear();
        acc.r.seen_pool.push(few);
        Ok(v)
    }

    /// The written map here (`#{`) as a map: the last occurrence of a key
    /// wins, in the order written.
    fn map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let r = self.r;
        let mut entries = r.entries_pool.pop().unwrap_or_default();
        let mut keys = r.keys_pool.pop().unwrap_or_default();
        let inside = r.levels + 1;
        if r.open(2, b'}')? {
            loop {
                let key_at = r.pos;
                let text = if r.peek() == Some(b'<') && r.peek_at(1) == Some(b'<') {
                    r.text_binary()
                } else {
                    None
                };
                keys.push(match text {
                    Some(t) => MapKey::Binary(t),
                    None => match r.atom()? {
                        Some(a) => MapKey::Atom(a),
                        None => MapKey::Term(r.term()?),
                    },
                });
                r.ws()?;
                if r.peek() != Some(b'=') || r.peek_at(1) != Some(b'>') {
                    return Err(bail());
                }
                r.pos += 2;
                r.ws()?;
                let value_at = r.pos;
                r.skip()?;
                entries.push((key_at, value_at));
                if !r.next_sep(b'}')? {
                    break;
                }
            }
        }
        let (end, outside) = (r.pos, r.levels);
        let distinct = keys.len() <= 16
            && keys.iter().enumerate().all(|(i, k)| {
                let later = keys.get(i + 1..).unwrap_or_default();
                match k {
                    MapKey::Atom(a) => later.iter().all(|other| match other {
                        MapKey::Atom(b) => a != b,
                        MapKey::Binary(_) => true,
                        MapKey::Term(_) => false,
                    }),
                    MapKey::Binary(a) => later.iter().all(|other| match other {
                        MapKey::Binary(b) => a != b,
                        MapKey::Atom(_) => true,
                        MapKey::Term(_) => false,
                    }),
                    MapKey::Term(_) => false,
                }
            });
        if !distinct {
            let terms: Vec<Term> = keys
                .drain(..)
                .map(|k| match k {
                    MapKey::Atom(a) => Term::atom(&a),
                    MapKey::Binary(t) => Term::binary(t.as_bytes()),
                    MapKey::Term(t) => t,
                })
                .collect();
            let keep = super::de::last_of_each_term(&terms);
            entries = entries
                .drain(..)
                .zip(keep)
                .filter(|(_, k)| *k)
                .map(|(e, _)| e)
                .collect();
        }
        keys.clear();
        r.keys_pool.push(keys);
        r.levels = inside;
        let mut acc = MapAcc {
            r: &mut *r,
            depth: self.depth,
            entries,
            next: 0,
            value_at: None,
        };
        let v = visitor.visit_map(&mut acc)?;
        let mut entries = std::mem::take(&mut acc.entries);
        entries.clear();
        r.entries_pool.push(entries);
        r.pos = end;
        r.levels = outside;
        Ok(v)
    }
}

/// A key of a written map.
enum MapKey<'a> {
    Atom(Cow<'a, str>),
    /// A binary of text.
    Binary(&'a str),
    Term(Term),
}

impl<'a> de::Deserializer<'a> for ValDe<'_, 'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if !self.top {
            match self.r.peek() {
                Some(b'a'..=b'z' | b'\'') => {
                    if let Some(a) = self.r.atom()? {
                        return match &*a {
                            "true" => visitor.visit_bool(true),
                            "false" => visitor.visit_bool(false),
                            _ => visit_cow(visitor, a),
                        };
                    }
                }
                Some(b'"') => return self.r.visit_string(visitor),
                Some(b'{') => return self.tuple(None, visitor),
                Some(b'#') if self.r.peek_at(1) == Some(b'{') => return self.map(visitor),
                _ => {}
            }
        }
        let mut this = self;
        via_term!(this, deserialize_any(), visitor)
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if !self.top {
            if let Some(a) = self.r.atom()? {
                return match &*a {
                    "true" => visitor.visit_bool(true),
                    "false" => visitor.visit_bool(false),
                    _ => Err(bail()),
                };
            }
        }
        let mut this = self;
        via_term!(this, deserialize_bool(), visitor)
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

    fn deserialize_u128<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let mut this = self;
        via_term!(this, deserialize_u128(), visitor)
    }

    fn deserialize_f32<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let mut this = self;
        via_term!(this, deserialize_f32(), visitor)
    }

    fn deserialize_f64<V: Visitor<'a>>(mut self, visitor: V) -> Result<V::Value> {
        if !self.top {
            match self.r.number() {
                // `as` rounds to the nearest double, as `Integer::to_f64`.
                Some(Num::Int(v)) => return visitor.visit_f64(v as f64),
                Some(Num::Wide(v)) => return visitor.visit_f64(v as f64),
                Some(Num::Float(f)) => return visitor.visit_f64(f),
                None => {}
            }
        }
        let term = self.take_term()?;
        match &term {
            Term::Float(f) => visitor.visit_f64(*f),
            Term::Integer(i) => visitor.visit_f64(i.to_f64()),
            _ => via_term!(@ self, term, deserialize_f64(), visitor),
        }
    }

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let mut this = self;
        via_term!(this, deserialize_char(), visitor)
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if !self.top {
            match self.r.peek() {
                Some(b'"') => return self.r.visit_string(visitor),
                Some(b'a'..=b'z' | b'\'') => {
                    if let Some(a) = self.r.atom()? {
                        return visit_cow(visitor, a);
                    }
                }
                Some(b'<') if self.r.peek_at(1) == Some(b'<') => {
                    if let Some(text) = self.r.text_binary() {
                        return visitor.visit_borrowed_str(text);
                    }
                }
                _ => {}
            }
        }
        let mut this = self;
        via_term!(this, deserialize_str(), visitor)
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        let mut this = self;
        via_term!(this, deserialize_bytes(), visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if !self.top {
            if let Some(a) = self.r.atom()? {
                if a == "undefined" {
                    return visitor.visit_none();
                }
                return visitor.visit_some(AtomDe(a));
            }
        }
        visitor.visit_some(self)
    }

    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if !self.top && self.r.peek() == Some(b'{') {
            if self.r.open(1, b'}')? {
                return Err(bail());
            }
            return visitor.visit_unit();
        }
        let mut this = self;
        via_term!(this, deserialize_unit(), visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        mut self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == MAGIC_TERM {
            let term = self.take_term()?;
            if write::compact_depth_exceeded(&term) {
                return Err(bail());
            }
            return super::visit_stashed(visitor, term);
        }
        if name == MAGIC_ATOM {
            if !self.top {
                if let Some(a) = self.r.atom()? {
                    return visit_cow(visitor, a);
                }
            }
            return via_term!(self, deserialize_newtype_struct(name), visitor);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if self.top || self.r.peek() == Some(b'[') {
            return self.list(visitor, false);
        }
        let mut this = self;
        via_term!(this, deserialize_seq(), visitor)
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, len: usize, visitor: V) -> Result<V::Value> {
        if self.top || self.r.peek() == Some(b'[') {
            return self.list(visitor, true);
        }
        if self.r.peek() == Some(b'{') {
            return self.tuple(Some(len), visitor);
        }
        let mut this = self;
        via_term!(this, deserialize_tuple(len), visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if self.top || self.r.peek() == Some(b'[') {
            return self.proplist(visitor);
        }
        if self.r.peek() == Some(b'#') && self.r.peek_at(1) == Some(b'{') {
            return self.map(visitor);
        }
        let mut this = self;
        via_term!(this, deserialize_map(), visitor)
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        if self.top || self.r.peek() == Some(b'[') {
            return self.proplist(visitor);
        }
        if self.r.peek() == Some(b'#') && self.r.peek_at(1) == Some(b'{') {
            return self.map(visitor);
        }
        let mut this = self;
        via_term!(this, deserialize_struct(name, fields), visitor)
    }

    // An arm whose `if let` fails falls through to the tree's reading.
    #[allow(clippy::collapsible_match)]
    fn deserialize_enum<V: Visitor<'a>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        if !self.top {
            match self.r.peek() {
                Some(b'a'..=b'z' | b'\'') => {
                    if let Some(a) = self.r.atom()? {
                        return visitor.visit_enum(AtomDe(a));
                    }
                }
                Some(b'{') => {
                    let outside = self.r.levels;
                    if !self.r.open(1, b'}')? {
                        return Err(bail());
                    }
                    let Some(tag) = self.r.atom()? else {
                        return Err(bail());
                    };
                    let v = visitor.visit_enum(TupleEnum {
                        r: &mut *self.r,
                        depth: self.depth,
                        tag,
                    })?;
                    // A visitor that left the tuple unread: give up.
                    if self.r.levels != outside {
                        return Err(bail());
                    }
                    return Ok(v);
                }
                _ => {}
            }
        }
        let mut this = self;
        via_term!(this, deserialize_enum(name, variants), visitor)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        // An atom, a string literal: as `deserialize_str`; the rest too
        // (the tree's rules for both are the same).
        self.deserialize_str(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if self.top {
            self.r.skip_all()?;
        } else {
            self.r.skip()?;
        }
        visitor.visit_unit()
    }
}

// ----- containers ----------------------------------------------------------------

/// Where a walk over the elements of a container is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the first element.
    First,
    /// After an element.
    After,
    /// Past the end.
    Done,
}

/// The elements of a list or tuple written in the text (`close` ends it),
/// or the terms of the whole text (`top`).
struct Walk {
    top: bool,
    close: u8,
    state: State,
}

impl Walk {
    /// Opens the container here (its opener `n` bytes long).
    #[inline]
    fn open(r: &mut Reader<'_>, n: usize, close: u8) -> Result<Walk> {
        let state = if r.open(n, close)? {
            State::First
        } else {
            State::Done
        };
        Ok(Walk {
            top: false,
            close,
            state,
        })
    }

    /// The terms of the text from here.
    fn top(r: &mut Reader<'_>) -> Result<Walk> {
        r.ws()?;
        let state = if r.at_end() {
            State::Done
        } else {
            State::First
        };
        Ok(Walk {
            top: true,
            close: 0,
            state,
        })
    }

    /// Moves to the next element: `true` at it, `false` past the end.
    #[inline(always)]
    fn advance(&mut self, r: &mut Reader<'_>) -> Result<bool> {
        match self.state {
            State::Done => Ok(false),
            State::First => {
                self.state = State::After;
                Ok(true)
            }
            State::After => {
                let more = if self.top {
                    r.next_term()?
                } else {
                    r.next_sep(self.close)?
                };
                if !more {
                    self.state = State::Done;
                }
                Ok(more)
            }
        }
    }
}

/// The elements of a list or a tuple (or the terms of the text).
struct Seq<'r, 'a> {
    r: &'r mut Reader<'a>,
    /// The container's depth.
    depth: usize,
    walk: Walk,
    /// Elements moved to.
    count: usize,
}

impl Seq<'_, '_> {
    /// Checks the elements the visitor did not take.
    fn skip_rest(&mut self) -> Result<()> {
        while self.walk.advance(self.r)? {
            self.count += 1;
            self.r.skip()?;
        }
        Ok(())
    }
}

impl<'a> de::SeqAccess<'a> for Seq<'_, 'a> {
    type Error = Error;

    #[inline]
    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.walk.advance(self.r)? {
            return Ok(None);
        }
        self.count += 1;
        let depth = child_depth(self.depth)?;
        seed.deserialize(ValDe {
            r: &mut *self.r,
            depth,
            top: false,
        })
        .map(Some)
    }
}

/// Atom keys a proplist keeps in a list (checked one by one, by their
/// [`key_tag`] first) before it moves them to a hash set.
const FEW_KEYS: usize = 48;

/// A number that tells most names apart: their length, first and last
/// eight bytes (equal names have equal tags).
#[inline]
fn key_tag(name: &str) -> u64 {
    let b = name.as_bytes();
    let word = |at: usize| {
        b.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_le_bytes)
    };
    match (word(0), b.len().checked_sub(8).and_then(word)) {
        (Some(head), Some(tail)) => head ^ tail.rotate_left(29) ^ ((b.len() as u64) << 56),
        _ => b
            .iter()
            .fold(b.len() as u64, |w, &c| (w << 8) | u64::from(c)),
    }
}

/// One of 128 bits for a [`key_tag`] (its top bits, mixed).
#[inline]
fn tag_bit(tag: u64) -> u128 {
    1u128 << (tag.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 57)
}

/// Keys of a proplist seen so far: proplists take the first occurrence.
struct Seen<'a> {
    /// Atom keys, with their tags, while few.
    few: Vec<(u64, Cow<'a, str>)>,
    /// A bit per tag in `few` ([`tag_bit`]): a key whose bit is clear is
    /// new without a look at `few` (most keys of a struct).
    bits: u128,
    /// Atom keys, once many.
    many: Option<HashSet<Cow<'a, str>>>,
    /// Other keys.
    terms: BTreeSet<Term>,
}

impl<'a> Seen<'a> {
    /// Adds an atom key; `false` if it was there.
    #[inline]
    fn atom(&mut self, name: Cow<'a, str>) -> bool {
        let many = match &mut self.many {
            Some(many) => many,
            None => {
                let tag = key_tag(&name);
                let bit = tag_bit(tag);
                if self.bits & bit != 0 && self.few.iter().any(|(t, n)| *t == tag && *n == name) {
                    return false;
                }
                if self.few.len() < FEW_KEYS {
                    self.few.push((tag, name));
                    self.bits |= bit;
                    return true;
                }
                self.many
                    .insert(self.few.drain(..).map(|(_, n)| n).collect())
            }
        };
        many.insert(name)
    }

    /// Adds a key; `false` if it was there.
    fn term(&mut self, key: Term) -> bool {
        match key {
            Term::Atom(a) => self.atom(Cow::Owned(a.as_str().to_owned())),
            t => self.terms.insert(t),
        }
    }
}

/// What the value of the key just read is.
enum Pending {
    None,
    /// In the text, here, inside `{K, V}`.
    Value,
    /// The `true` of a bare atom.
    True,
}

/// The entries of a proplist (or of the terms of the text).
struct PropAcc<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
    walk: Walk,
    seen: Seen<'a>,
    pending: Pending,
}

impl<'a> PropAcc<'_, 'a> {
    /// After the key of a `{K, V}`: its comma.
    #[inline]
    fn after_key(&mut self) -> Result<()> {
        if self.r.next_sep(b'}')? {
            Ok(())
        } else {
            Err(bail())
        }
    }

    /// After the value of a `{K, V}`: its `}`.
    #[inline]
    fn close_pair(&mut self) -> Result<()> {
        if self.r.next_sep(b'}')? {
            Err(bail())
        } else {
            Ok(())
        }
    }

    /// Past a value the visitor did not take.
    fn settle(&mut self) -> Result<()> {
        if let Pending::Value = std::mem::replace(&mut self.pending, Pending::None) {
            self.r.skip()?;
            self.close_pair()?;
        }
        Ok(())
    }

    /// The bare atom here, as a key (`None`: not an atom).
    fn flag(&mut self) -> Result<Option<Cow<'a, str>>> {
        if let Some(a) = self.r.atom()? {
            return Ok(Some(a));
        }
        Ok(match self.r.term()? {
            Term::Atom(a) => Some(Cow::Owned(a.as_str().to_owned())),
            _ => None,
        })
    }

    /// Checks the elements the visitor did not take: pairs and atoms.
    fn skip_rest(&mut self) -> Result<()> {
        self.settle()?;
        while self.walk.advance(self.r)? {
            if self.r.peek() == Some(b'{') {
                if !self.r.open(1, b'}')? {
                    return Err(bail());
                }
                self.r.skip()?;
                self.after_key()?;
                self.r.skip()?;
                self.close_pair()?;
            } else if self.flag()?.is_none() {
                return Err(bail());
            }
        }
        Ok(())
    }
}

impl<'a> de::MapAccess<'a> for PropAcc<'_, 'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        self.settle()?;
        loop {
            if !self.walk.advance(self.r)? {
                return Ok(None);
            }
            if self.r.peek() == Some(b'{') {
                if !self.r.open(1, b'}')? {
                    return Err(bail());
                }
                let key_at = self.r.pos;
                let (fresh, atom) = match self.r.atom()? {
                    Some(a) => (self.seen.atom(a.clone()), Some(a)),
                    None => {
                        let t = self.r.term()?;
                        (self.seen.term(t), None)
                    }
                };
                if !fresh {
                    // A later occurrence: checked, not read.
                    self.after_key()?;
                    self.r.skip()?;
                    self.close_pair()?;
                    continue;
                }
                let depth = child_depth(self.depth)?;
                let k = match atom {
                    Some(a) => seed.deserialize(AtomDe(a))?,
                    None => {
                        self.r.pos = key_at;
                        seed.deserialize(ValDe {
                            r: &mut *self.r,
                            depth,
                            top: false,
                        })?
                    }
                };
                self.after_key()?;
                self.pending = Pending::Value;
                return Ok(Some(k));
            }
            let Some(name) = self.flag()? else {
                return Err(bail());
            };
            if !self.seen.atom(name.clone()) {
                continue;
            }
            self.pending = Pending::True;
            return seed.deserialize(AtomKey(name)).map(Some);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        match std::mem::replace(&mut self.pending, Pending::None) {
            Pending::Value => {
                let depth = child_depth(self.depth)?;
                let v = seed.deserialize(ValDe {
                    r: &mut *self.r,
                    depth,
                    top: false,
                })?;
                self.close_pair()?;
                Ok(v)
            }
            Pending::True => seed.deserialize(TrueDe),
            Pending::None => Err(bail()),
        }
    }
}

/// The entries of a written map to read: where each key and value is.
struct MapAcc<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
    entries: Vec<(usize, usize)>,
    /// The entry to read next.
    next: usize,
    value_at: Option<usize>,
}

impl<'a> de::MapAccess<'a> for MapAcc<'_, 'a> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        let Some(&(key_at, value_at)) = self.entries.get(self.next) else {
            return Ok(None);
        };
        self.next += 1;
        self.r.pos = key_at;
        self.value_at = Some(value_at);
        let depth = child_depth(self.depth)?;
        seed.deserialize(ValDe {
            r: &mut *self.r,
            depth,
            top: false,
        })
        .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value> {
        self.r.pos = self.value_at.take().or_bail()?;
        let depth = child_depth(self.depth)?;
        seed.deserialize(ValDe {
            r: &mut *self.r,
            depth,
            top: false,
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len() - self.next)
    }
}

// ----- enums ---------------------------------------------------------------------

/// An atom already read, read as the tree reads an atom node (which is
/// what [`ValDe`] does with it); also an enum written as an atom (a unit
/// variant). Whatever the tree refuses of an atom, this refuses too.
struct AtomDe<'a>(Cow<'a, str>);

impl<'a> de::Deserializer<'a> for AtomDe<'a> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match &*self.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => visit_cow(visitor, self.0),
        }
    }

    fn deserialize_bool<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        match &*self.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(bail()),
        }
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        visit_cow(visitor, self.0)
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        visit_cow(visitor, self.0)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        visit_cow(visitor, self.0)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        if self.0 == "undefined" {
            return visitor.visit_none();
        }
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value> {
        if name == MAGIC_TERM {
            return super::visit_stashed(visitor, Term::atom(&self.0));
        }
        if name == MAGIC_ATOM {
            return visit_cow(visitor, self.0);
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(self)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }

    // Numbers, characters, binaries, `{}`, lists, tuples, maps and
    // structs: the tree refuses an atom for each.
    fn deserialize_i8<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_i16<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_i32<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_i64<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_i128<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_u8<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_u16<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_u32<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_u64<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_u128<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_f32<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_f64<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_char<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_bytes<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_byte_buf<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_unit<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_unit_struct<V: Visitor<'a>>(self, _: &'static str, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_seq<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_tuple<V: Visitor<'a>>(self, _: usize, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: usize,
        _: V,
    ) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_map<V: Visitor<'a>>(self, _: V) -> Result<V::Value> {
        Err(bail())
    }
    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        _: V,
    ) -> Result<V::Value> {
        Err(bail())
    }
}

impl<'a> de::EnumAccess<'a> for AtomDe<'a> {
    type Error = Error;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self)> {
        let v = seed.deserialize(AtomDe(self.0.clone()))?;
        Ok((v, self))
    }
}

impl<'a> de::VariantAccess<'a> for AtomDe<'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, _seed: T) -> Result<T::Value> {
        Err(bail())
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(bail())
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(bail())
    }
}

/// An enum written as a tagged tuple `{tag, ...}` (open, past its tag,
/// an atom, read once: [`AtomDe`] reads it as [`ValDe`] would).
struct TupleEnum<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
    tag: Cow<'a, str>,
}

impl<'r, 'a> de::EnumAccess<'a> for TupleEnum<'r, 'a> {
    type Error = Error;
    type Variant = TupleVariant<'r, 'a>;

    fn variant_seed<V: DeserializeSeed<'a>>(self, seed: V) -> Result<(V::Value, Self::Variant)> {
        let v = seed.deserialize(AtomDe(self.tag))?;
        Ok((
            v,
            TupleVariant {
                r: self.r,
                depth: self.depth,
            },
        ))
    }
}

/// The rest of a tagged tuple, past its tag.
struct TupleVariant<'r, 'a> {
    r: &'r mut Reader<'a>,
    depth: usize,
}

impl<'a> TupleVariant<'_, 'a> {
    /// The one value after the tag, read by `f` one level deeper.
    fn one_value<R>(self, f: impl FnOnce(ValDe<'_, 'a>) -> Result<R>) -> Result<R> {
        if !self.r.next_sep(b'}')? {
            return Err(bail());
        }
        let depth = child_depth(self.depth)?;
        let v = f(ValDe {
            r: &mut *self.r,
            depth,
            top: false,
        })?;
        if self.r.next_sep(b'}')? {
            return Err(bail());
        }
        Ok(v)
    }
}

impl<'a> de::VariantAccess<'a> for TupleVariant<'_, 'a> {
    type Error = Error;

    fn unit_variant(self) -> Result<()> {
        if self.r.next_sep(b'}')? {
            return Err(bail());
        }
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value> {
        self.one_value(|d| seed.deserialize(d))
    }

    fn tuple_variant<V: Visitor<'a>>(self, len: usize, visitor: V) -> Result<V::Value> {
        let mut seq = Seq {
            r: self.r,
            depth: self.depth,
            walk: Walk {
                top: false,
                close: b'}',
                state: State::After,
            },
            count: 0,
        };
        let v = visitor.visit_seq(&mut seq)?;
        seq.skip_rest()?;
        if seq.count != len {
            return Err(bail());
        }
        Ok(v)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.one_value(|d| de::Deserializer::deserialize_struct(d, "", fields, visitor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `digit_prefix` the slow way: a byte at a time.
    fn digits_one_by_one(bytes: [u8; 8]) -> (usize, u64) {
        let n = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let v = bytes[..n]
            .iter()
            .fold(0u64, |v, &b| v * 10 + u64::from(b - b'0'));
        (n, v)
    }

    #[test]
    fn digit_prefix_reads_as_a_byte_at_a_time() {
        // Digits, the bytes either side of the digit range, separators,
        // non-ASCII bytes (whose low seven bits are digits, too).
        let pool = [
            b'0', b'1', b'5', b'9', b'/', b':', b'_', b'.', b'e', b',', b' ', 0xB0, 0xB9, 0xFF,
            0x80, 0x00, b'#',
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for round in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut bytes = [0u8; 8];
            for (k, b) in bytes.iter_mut().enumerate() {
                let pick = (state >> (k * 7)) as usize;
                // Mostly digits, so that long prefixes come up.
                *b = if round % 3 != 0 && pick % 4 != 0 {
                    b'0' + (pick % 10) as u8
                } else {
                    pool[pick % pool.len()]
                };
            }
            assert_eq!(
                digit_prefix(u64::from_le_bytes(bytes)),
                digits_one_by_one(bytes),
                "{bytes:?}"
            );
        }
        assert_eq!(
            digit_prefix(u64::from_le_bytes(*b"99999999")),
            (8, 99_999_999)
        );
        assert_eq!(digit_prefix(u64::from_le_bytes(*b"00000001")), (8, 1));
        assert_eq!(digit_prefix(u64::from_le_bytes(*b"x0000000")), (0, 0));
    }

    #[test]
    fn digit36_is_to_digit() {
        for b in 0..=255u8 {
            let want = char::from(b).to_digit(36).map_or(255, |d| d as u8);
            assert_eq!(digit_value(b), want, "{b}");
        }
    }

    #[test]
    fn tag_bits_spread() {
        // Keys alike but for a byte land on many bits.
        let bits: u128 = (0..64)
            .map(|i| tag_bit(key_tag(&format!("key_{i}"))))
            .fold(0, |a, b| a | b);
        assert!(bits.count_ones() > 30, "{}", bits.count_ones());
    }
}
