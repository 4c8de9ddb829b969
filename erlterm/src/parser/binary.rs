//! Binaries `<<...>>`: the segment grammar and the bit-syntax evaluation of
//! `eval_bits`/`erl_bits` (spec §4.3). Every evaluation failure is a "bad
//! term"; sizes beyond `ParseOptions::max_binary_bits` are a limit error
//! (OTP would try to allocate them).

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use super::build::TermBuild;
use super::{Ex, PResult, Parser};
use crate::error::{Error, ErrorKind};
use crate::lexer::Tok;
use crate::span::Span;
use crate::term::{Bitstring, Term};

type Bad = (Span, &'static str);

enum SegValue<'a> {
    Str(std::borrow::Cow<'a, str>),
    Term(Term),
}

struct Segment<'a> {
    value: SegValue<'a>,
    size: Option<Term>,
    types: Vec<(String, Option<BigInt>)>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Integer,
    Float,
    Binary,
    Utf8,
    Utf16,
    Utf32,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Endian {
    Big,
    Little,
}

#[derive(Default)]
struct BitType {
    kind: Option<Kind>,
    unit: Option<u32>,
    signed: Option<bool>,
    endian: Option<Endian>,
}

fn merge<T: PartialEq + Copy>(slot: &mut Option<T>, v: T) -> Result<(), ()> {
    match *slot {
        Some(old) if old != v => Err(()),
        _ => {
            *slot = Some(v);
            Ok(())
        }
    }
}

/// `erl_bits:set_bit/1`: merges the type specifiers; `Err` on an unknown
/// or conflicting one.
fn bit_type(types: &[(String, Option<BigInt>)]) -> Result<BitType, ()> {
    let mut t = BitType::default();
    let native = if cfg!(target_endian = "little") {
        Endian::Little
    } else {
        Endian::Big
    };
    for (name, arg) in types {
        match (name.as_str(), arg) {
            ("integer", None) => merge(&mut t.kind, Kind::Integer)?,
            ("float", None) => merge(&mut t.kind, Kind::Float)?,
            ("binary", None) => merge(&mut t.kind, Kind::Binary)?,
            ("bytes", None) => {
                merge(&mut t.kind, Kind::Binary)?;
                merge(&mut t.unit, 8)?;
            }
            ("bitstring" | "bits", None) => {
                merge(&mut t.kind, Kind::Binary)?;
                merge(&mut t.unit, 1)?;
            }
            ("utf8", None) => merge(&mut t.kind, Kind::Utf8)?,
            ("utf16", None) => merge(&mut t.kind, Kind::Utf16)?,
            ("utf32", None) => merge(&mut t.kind, Kind::Utf32)?,
            ("signed", None) => merge(&mut t.signed, true)?,
            ("unsigned", None) => merge(&mut t.signed, false)?,
            ("big", None) => merge(&mut t.endian, Endian::Big)?,
            ("little", None) => merge(&mut t.endian, Endian::Little)?,
            ("native", None) => merge(&mut t.endian, native)?,
            ("unit", Some(n)) => match n.to_u32() {
                Some(u @ 1..=256) => merge(&mut t.unit, u)?,
                _ => return Err(()),
            },
            _ => return Err(()),
        }
    }
    Ok(t)
}

/// Accumulates bits, most significant first.
struct BitWriter {
    bytes: Vec<u8>,
    bits: u64,
}

impl BitWriter {
    fn push_byte(&mut self, b: u8) {
        let off = (self.bits % 8) as u32;
        if off == 0 {
            self.bytes.push(b);
        } else if let Some(last) = self.bytes.last_mut() {
            *last |= b >> off;
            self.bytes.push(b << (8 - off));
        }
        self.bits += 8;
    }

    /// Pushes the first `n` bits of `src` (MSB first).
    fn push_bits(&mut self, src: &[u8], n: u64) {
        let whole = (n / 8) as usize;
        // Callers pass at least `ceil(n / 8)` bytes; missing ones count as 0.
        let head = src.get(..whole).unwrap_or(src);
        if self.bits % 8 == 0 {
            self.bytes.extend_from_slice(head);
            self.bits += whole as u64 * 8;
        } else {
            for &b in head {
                self.push_byte(b);
            }
        }
        let rest = (n % 8) as u32;
        if rest > 0 {
            let b = src.get(whole).copied().unwrap_or(0) & (0xFFu8 << (8 - rest));
            let off = (self.bits % 8) as u32;
            if off == 0 {
                self.bytes.push(b);
            } else if let Some(last) = self.bytes.last_mut() {
                *last |= b >> off;
                if off + rest > 8 {
                    self.bytes.push(b << (8 - off));
                }
            }
            self.bits += u64::from(rest);
        }
    }
}

/// Little-endian bytes of `v mod 2^(8*len)` (two's complement).
fn int_le_bytes(v: &BigInt, len: usize) -> Vec<u8> {
    let mut b = v.to_signed_bytes_le();
    let fill = if v.is_negative() { 0xFF } else { 0 };
    b.resize(len, fill);
    b
}

fn encode_int(w: &mut BitWriter, v: &BigInt, n: u64, endian: Endian) {
    if n == 0 {
        return;
    }
    let len = n.div_ceil(8) as usize;
    let le = int_le_bytes(v, len);
    let rest = (n % 8) as u32;
    match endian {
        Endian::Big => {
            let mut be: Vec<u8> = le.into_iter().rev().collect();
            if rest > 0 {
                // Left-align the n meaningful bits.
                let shift = 8 - rest;
                for i in 0..be.len() {
                    let next = be.get(i + 1).copied().unwrap_or(0);
                    if let Some(b) = be.get_mut(i) {
                        *b = (*b << shift) | (next >> rest);
                    }
                }
            }
            w.push_bits(&be, n);
        }
        Endian::Little => {
            let full = (n / 8) as usize;
            // `le` has `ceil(n / 8)` bytes: `full` whole ones, then the partial one.
            w.push_bits(le.get(..full).unwrap_or(&le), full as u64 * 8);
            if rest > 0 {
                let partial = le.get(full).copied().unwrap_or(0);
                w.push_bits(&[partial << (8 - rest)], u64::from(rest));
            }
        }
    }
}

/// IEEE half precision, round to nearest even; `None` on overflow.
fn f16_bits(x: f64) -> Option<u16> {
    let bits = x.to_bits();
    let sign = ((bits >> 48) & 0x8000) as u16;
    let exp = ((bits >> 52) & 0x7FF) as i32 - 1023;
    if x == 0.0 || exp == -1023 {
        return Some(sign);
    }
    let mant = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
    let round = |m: u64, shift: u32| -> u64 {
        if shift >= 64 {
            return 0;
        }
        let q = m >> shift;
        let r = m & ((1u64 << shift) - 1);
        let half = 1u64 << (shift - 1);
        if r > half || (r == half && q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    if exp >= -14 {
        let mut m = round(mant, 42);
        let mut e = exp + 15;
        if m == 1 << 11 {
            m >>= 1;
            e += 1;
        }
        if e >= 31 {
            return None;
        }
        Some(sign | ((e as u16) << 10) | (m as u16 & 0x3FF))
    } else {
        let shift = (28 - exp) as u32;
        let m = round(mant, shift);
        Some(sign | m as u16)
    }
}

fn to_endian(mut be: Vec<u8>, endian: Endian) -> Vec<u8> {
    if endian == Endian::Little {
        be.reverse();
    }
    be
}

fn utf_bytes(cp: u32, kind: Kind, endian: Endian) -> Option<Vec<u8>> {
    let c = char::from_u32(cp)?;
    Some(match kind {
        Kind::Utf8 => {
            let mut buf = [0u8; 4];
            c.encode_utf8(&mut buf).as_bytes().to_vec()
        }
        Kind::Utf16 => {
            let mut units = [0u16; 2];
            let mut out = Vec::new();
            for u in c.encode_utf16(&mut units).iter() {
                out.extend(to_endian(u.to_be_bytes().to_vec(), endian));
            }
            out
        }
        _ => to_endian(cp.to_be_bytes().to_vec(), endian),
    })
}

/// A segment's size after defaults: a number of units, or the whole value.
enum Size {
    All,
    Units(BigInt),
    Undefined,
}

/// Evaluation outcome for one segment: not a term, or over the limit.
enum EvalErr {
    Bad,
    Limit,
}

struct Eval<'o> {
    w: BitWriter,
    max_bits: u64,
    _o: std::marker::PhantomData<&'o ()>,
}

impl Eval<'_> {
    fn bits_of(&self, size: &BigInt, unit: u32) -> Result<u64, EvalErr> {
        if size.is_negative() {
            return Err(EvalErr::Bad);
        }
        let n = size.to_u64().and_then(|s| s.checked_mul(u64::from(unit)));
        match n {
            Some(n) if n <= self.max_bits && self.w.bits + n <= self.max_bits => Ok(n),
            _ => Err(EvalErr::Limit),
        }
    }

    fn value(
        &mut self,
        v: &Term,
        size: &Size,
        unit: u32,
        kind: Kind,
        endian: Endian,
    ) -> Result<(), EvalErr> {
        match kind {
            Kind::Integer => {
                let Term::Integer(i) = v else {
                    return Err(EvalErr::Bad);
                };
                let Size::Units(s) = size else {
                    return Err(EvalErr::Bad);
                };
                let n = self.bits_of(s, unit)?;
                encode_int(&mut self.w, &i.to_bigint(), n, endian);
            }
            Kind::Float => {
                let x = match v {
                    Term::Float(f) => *f,
                    Term::Integer(i) => i.to_f64(),
                    _ => return Err(EvalErr::Bad),
                };
                let Size::Units(s) = size else {
                    return Err(EvalErr::Bad);
                };
                let n = self.bits_of(s, unit)?;
                let be = match n {
                    64 if x.is_finite() => x.to_be_bytes().to_vec(),
                    32 => {
                        let y = x as f32;
                        if !y.is_finite() {
                            return Err(EvalErr::Bad);
                        }
                        y.to_be_bytes().to_vec()
                    }
                    16 => f16_bits(x).ok_or(EvalErr::Bad)?.to_be_bytes().to_vec(),
                    _ => return Err(EvalErr::Bad),
                };
                let b = to_endian(be, endian);
                self.w.push_bits(&b, n);
            }
            Kind::Binary => {
                let Term::Bitstring(b) = v else {
                    return Err(EvalErr::Bad);
                };
                let n = match size {
                    Size::All => {
                        if b.bit_len() % u64::from(unit) != 0 {
                            return Err(EvalErr::Bad);
                        }
                        b.bit_len()
                    }
                    Size::Units(s) => {
                        let n = self.bits_of(s, unit)?;
                        if n > b.bit_len() {
                            return Err(EvalErr::Bad);
                        }
                        n
                    }
                    Size::Undefined => return Err(EvalErr::Bad),
                };
                if self.w.bits + n > self.max_bits {
                    return Err(EvalErr::Limit);
                }
                self.w.push_bits(b.bytes(), n);
            }
            Kind::Utf8 | Kind::Utf16 | Kind::Utf32 => {
                let cp = match v {
                    Term::Integer(i) => i.to_i64().and_then(|c| u32::try_from(c).ok()),
                    _ => None,
                };
                let bytes = cp
                    .and_then(|c| utf_bytes(c, kind, endian))
                    .ok_or(EvalErr::Bad)?;
                self.w.push_bits(&bytes, bytes.len() as u64 * 8);
            }
        }
        Ok(())
    }

    fn segment(&mut self, seg: &Segment<'_>) -> Result<(), EvalErr> {
        if let (SegValue::Str(s), None, true) = (&seg.value, &seg.size, seg.types.is_empty()) {
            for c in s.chars() {
                self.w.push_byte((u32::from(c) & 0xFF) as u8);
            }
            return if self.w.bits > self.max_bits {
                Err(EvalErr::Limit)
            } else {
                Ok(())
            };
        }
        let t = bit_type(&seg.types).map_err(|_| EvalErr::Bad)?;
        let kind = t.kind.unwrap_or(Kind::Integer);
        let endian = t.endian.unwrap_or(Endian::Big);
        let (size, unit) = match (&seg.size, kind) {
            (None, Kind::Binary) => (Size::All, t.unit.unwrap_or(8)),
            (None, Kind::Integer) if t.unit.is_none() => (Size::Units(BigInt::from(8)), 1),
            (None, Kind::Float) if t.unit.is_none() => (Size::Units(BigInt::from(64)), 1),
            (None, Kind::Integer | Kind::Float) => return Err(EvalErr::Bad),
            (None, _) if t.unit.is_none() => (Size::Undefined, 1),
            (None, _) => return Err(EvalErr::Bad),
            (Some(Term::Atom(a)), Kind::Utf8 | Kind::Utf16 | Kind::Utf32)
                if a.as_str() == "undefined" && t.unit.is_none() =>
            {
                (Size::Undefined, 1)
            }
            (Some(_), Kind::Utf8 | Kind::Utf16 | Kind::Utf32) => return Err(EvalErr::Bad),
            (Some(sz), _) => {
                let unit = t.unit.unwrap_or(if kind == Kind::Binary { 8 } else { 1 });
                match sz {
                    Term::Integer(i) => (Size::Units(i.to_bigint()), unit),
                    Term::Atom(a) if a.as_str() == "all" => (Size::All, unit),
                    _ => return Err(EvalErr::Bad),
                }
            }
        };
        match &seg.value {
            SegValue::Term(v) => self.value(v, &size, unit, kind, endian),
            SegValue::Str(s) => {
                if s.is_empty() {
                    // OTP evaluates one dummy segment to find errors.
                    let mut scratch = Eval {
                        w: BitWriter {
                            bytes: Vec::new(),
                            bits: 0,
                        },
                        max_bits: self.max_bits,
                        _o: std::marker::PhantomData,
                    };
                    scratch.value(&Term::int(0), &size, unit, kind, endian)?;
                }
                for c in s.chars() {
                    self.value(
                        &Term::int(i64::from(u32::from(c))),
                        &size,
                        unit,
                        kind,
                        endian,
                    )?;
                }
                Ok(())
            }
        }
    }
}

impl<'t, 'a, 'o> Parser<'t, 'a, 'o, TermBuild> {
    /// Parses `<<...>>` at the current token and evaluates it. The outer
    /// `Err` is a syntax or limit error; the inner one means "bad term".
    /// With `comprehension`, `<<Expr || ...>>` is taken too.
    pub(super) fn binary_value(
        &mut self,
        comprehension: bool,
    ) -> PResult<Result<(Bitstring, Span), Bad>> {
        self.depth += 1;
        if self.depth > self.opts.max_depth {
            return Err(self.limit(format!(
                "term nested deeper than {} levels (ParseOptions::max_depth)",
                self.opts.max_depth
            )));
        }
        let r = self.binary_inner(comprehension);
        self.depth -= 1;
        r
    }

    fn limit(&self, msg: String) -> Box<Error> {
        Box::new(Error {
            kind: ErrorKind::Limit(msg),
            span: self.span(),
            expected: None,
            help: None,
        })
    }

    fn binary_inner(&mut self, comprehension: bool) -> PResult<Result<(Bitstring, Span), Bad>> {
        let start = self.span();
        self.advance();
        // Segments are evaluated as they are read, not kept: a binary of
        // millions of segments needs no second copy of them. The first
        // syntax error still wins over a bad segment, and a bad segment
        // over an evaluation error, as when evaluating after parsing.
        let mut ev = Eval {
            w: BitWriter {
                bytes: Vec::new(),
                bits: 0,
            },
            max_bits: self.opts.max_binary_bits,
            _o: std::marker::PhantomData,
        };
        let mut failed: Option<(EvalErr, Span)> = None;
        let mut first = true;
        let mut bad: Option<Bad> = None;
        if !self.is(">>") {
            loop {
                let seg_start = self.span();
                let prefix = match self.peek() {
                    Tok::Punct(p @ ("+" | "-")) => Some(*p),
                    Tok::Kw(k @ ("bnot" | "not")) => Some(*k),
                    _ => None,
                };
                if prefix.is_some() {
                    self.advance();
                }
                let v = self.max()?;
                if comprehension && first && prefix.is_none() && self.is("||") {
                    self.advance();
                    self.lc_exprs()?;
                    self.expect(">>")?;
                    return Ok(Err((start.to(self.prev_span()), "a binary comprehension")));
                }
                let value = match (prefix, v) {
                    (None, Ex::Str(s, _)) => Ok(SegValue::Str(s)),
                    (None, e) => self.val(e).map(SegValue::Term),
                    (Some("-"), Ex::Num(n, sp)) => {
                        Ok(SegValue::Term(n.negate().build(&mut self.b, sp)))
                    }
                    (Some("+"), Ex::Num(n, sp)) => Ok(SegValue::Term(n.build(&mut self.b, sp))),
                    (Some(_), e) => Err((
                        seg_start.to(e.span()),
                        "a unary operator on something other than a number literal",
                    )),
                };
                let size = if self.is(":") {
                    self.advance();
                    let e = self.max()?;
                    match self.val(e) {
                        Ok(t) => Some(Ok(t)),
                        Err(b) => Some(Err(b)),
                    }
                } else {
                    None
                };
                let mut types = Vec::new();
                if self.is("/") {
                    self.advance();
                    loop {
                        let Tok::Atom(name) = self.peek() else {
                            return Err(self.unexpected());
                        };
                        self.advance();
                        let mut arg = None;
                        if self.is(":") {
                            self.advance();
                            match self.peek() {
                                Tok::Int(i) => arg = Some(BigInt::from(*i)),
                                Tok::BigInt(b) => arg = Some((**b).clone()),
                                _ => return Err(self.unexpected()),
                            }
                            self.advance();
                        }
                        types.push((name.to_string(), arg));
                        if self.is("-") {
                            self.advance();
                        } else {
                            break;
                        }
                    }
                }
                first = false;
                let span = seg_start.to(self.prev_span());
                let size = match size {
                    None => Ok(None),
                    Some(Ok(sz)) => Ok(Some(sz)),
                    Some(Err(b)) => Err(b),
                };
                match (value, size) {
                    (Ok(value), Ok(size)) => {
                        if bad.is_none() && failed.is_none() {
                            let seg = Segment { value, size, types };
                            if let Err(e) = ev.segment(&seg) {
                                failed = Some((e, span));
                            }
                        }
                    }
                    (Err(b), _) | (_, Err(b)) => {
                        bad.get_or_insert(b);
                    }
                }
                if self.is(",") {
                    self.advance();
                } else {
                    break;
                }
            }
        }
        self.expect(">>")?;
        let sp = start.to(self.prev_span());
        if let Some(b) = bad {
            return Ok(Err(b));
        }
        match failed {
            None => {}
            Some((EvalErr::Bad, span)) => {
                return Ok(Err((span, "a binary segment that cannot be built")))
            }
            Some((EvalErr::Limit, span)) => {
                return Err(Box::new(Error {
                    kind: ErrorKind::Limit(format!(
                        "binary larger than {} bits (ParseOptions::max_binary_bits)",
                        self.opts.max_binary_bits
                    )),
                    span,
                    expected: None,
                    help: None,
                }))
            }
        }
        let bits = ev.w.bits;
        let bs = Bitstring::from_bits(ev.w.bytes, bits).unwrap_or_default();
        Ok(Ok((bs, sp)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats() {
        assert_eq!(f16_bits(1.5), Some(0x3E00));
        assert_eq!(f16_bits(65504.0), Some(0x7BFF));
        assert_eq!(f16_bits(65520.0), None);
        assert_eq!(f16_bits(5.960464477539063e-8), Some(1));
        assert_eq!(f16_bits(-2.0), Some(0xC000));
    }
}
