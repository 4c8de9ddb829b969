//! The canonical one-line form (CTF) of a term: what `io_lib:format("~w")`
//! prints on OTP 25, with map keys sorted, `maybe`/`else` quoted and fun
//! names quoted like atoms (see shared/spec/canonical-print.md).

use std::fmt::{self, Write};

use crate::term::{Bitstring, Term};

/// An atom name, displayed bare or quoted as `~w` writes it.
pub(crate) struct AtomText<'a>(pub &'a str);

const RESERVED: &[&str] = &[
    "after", "and", "andalso", "band", "begin", "bnot", "bor", "bsl", "bsr", "bxor", "case",
    "catch", "cond", "div", "else", "end", "fun", "if", "let", "maybe", "not", "of", "or",
    "orelse", "receive", "rem", "try", "when", "xor",
];

fn is_lower(c: char) -> bool {
    c.is_ascii_lowercase() || (('\u{DF}'..='\u{FF}').contains(&c) && c != '\u{F7}')
}

fn is_upper(c: char) -> bool {
    c.is_ascii_uppercase() || (('\u{C0}'..='\u{DE}').contains(&c) && c != '\u{D7}')
}

/// Whether an atom can be written without quotes.
pub fn atom_needs_quotes(name: &str) -> bool {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return true;
    };
    if !is_lower(first) {
        return true;
    }
    if !chars.all(|c| is_lower(c) || is_upper(c) || c.is_ascii_digit() || c == '_' || c == '@') {
        return true;
    }
    RESERVED.contains(&name)
}

impl fmt::Display for AtomText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !atom_needs_quotes(self.0) {
            return f.write_str(self.0);
        }
        f.write_char('\'')?;
        for c in self.0.chars() {
            write_quoted_char(f, c, '\'')?;
        }
        f.write_char('\'')
    }
}

/// Writes one character of a quoted atom or string the way `~w`/`~p` do.
pub(crate) fn write_quoted_char(f: &mut impl Write, c: char, quote: char) -> fmt::Result {
    match c {
        _ if c == quote => {
            f.write_char('\\')?;
            f.write_char(c)
        }
        '\\' => f.write_str("\\\\"),
        '\n' => f.write_str("\\n"),
        '\r' => f.write_str("\\r"),
        '\t' => f.write_str("\\t"),
        '\u{B}' => f.write_str("\\v"),
        '\u{8}' => f.write_str("\\b"),
        '\u{C}' => f.write_str("\\f"),
        '\u{1B}' => f.write_str("\\e"),
        '\u{7F}' => f.write_str("\\d"),
        ' '..='~' | '\u{A0}'..='\u{FF}' => f.write_char(c),
        '\u{0}'..='\u{1F}' | '\u{80}'..='\u{9F}' => write!(f, "\\{:03o}", u32::from(c)),
        _ => write!(f, "\\x{{{:X}}}", u32::from(c)),
    }
}

/// Formats a float as `float_to_list(F, [short])` does.
///
/// Erlang has no NaN or infinity, and the parser never makes one; a
/// non-finite `f64` (only a hand-built [`Term::Float`]) is written as the
/// atom `nan`, `infinity` or `'-infinity'`, so that printed text always
/// reads back.
///
/// ```
/// use erlterm::print::format_float;
/// assert_eq!(format_float(1000.0), "1.0e3");
/// assert_eq!(format_float(0.1), "0.1");
/// assert_eq!(format_float(f64::NAN), "nan");
/// assert_eq!(format_float(f64::NEG_INFINITY), "'-infinity'");
/// ```
pub fn format_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "infinity" } else { "'-infinity'" }.to_owned();
    }
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    }
    let x = x.abs();
    if x == 0.0 {
        out.push_str("0.0");
        return out;
    }
    // Shortest round-trip digits from Rust's `{:e}`: "d.ddde±x".
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    let n = digits.len() as i32;
    // |x| = D * 10^e, D the integer formed by `digits`.
    let e = exp - (n - 1);
    let s = exp;
    let (lo, hi) = if n == 1 {
        (-4, 2)
    } else if s >= 10 {
        (-(n + 2), 2)
    } else {
        (-(n + 2), 1)
    };
    let d: u64 = digits.parse().unwrap_or(0);
    let force_sci = (d >= (1u64 << 53) && e == 0)
        || (d > (1u64 << 52) / 5 && e == 1)
        || (d > (1u64 << 51) / 25 && e == 2);
    if lo <= e && e <= hi && !force_sci {
        if e >= 0 {
            out.push_str(&digits);
            out.extend(std::iter::repeat_n('0', e as usize));
            out.push_str(".0");
        } else if n + e > 0 {
            let split = (n + e) as usize;
            out.push_str(&digits[..split]);
            out.push('.');
            out.push_str(&digits[split..]);
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', (-(n + e)) as usize));
            out.push_str(&digits);
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        if n == 1 {
            out.push('0');
        } else {
            out.push_str(&digits[1..]);
        }
        write!(out, "e{s}").ok();
    }
    out
}

fn write_bitstring(f: &mut fmt::Formatter<'_>, b: &Bitstring) -> fmt::Result {
    f.write_str("<<")?;
    let bytes = b.bytes();
    // A bitstring that is not a binary ends with a partial byte.
    let (whole, partial) = match bytes.split_last() {
        Some((&last, init)) if !b.is_binary() => (init, Some(last)),
        _ => (bytes, None),
    };
    for (i, byte) in whole.iter().enumerate() {
        if i > 0 {
            f.write_char(',')?;
        }
        write!(f, "{byte}")?;
    }
    if let Some(partial) = partial {
        let bits = (b.bit_len() % 8) as u32;
        let last = partial >> (8 - bits);
        if !whole.is_empty() {
            f.write_char(',')?;
        }
        write!(f, "{last}:{bits}")?;
    }
    f.write_str(">>")
}

fn write_list(f: &mut fmt::Formatter<'_>, t: &Term) -> fmt::Result {
    f.write_char('[')?;
    let mut first = true;
    let mut cur = t;
    loop {
        match cur {
            Term::String(s) => {
                for c in s.chars() {
                    if !first {
                        f.write_char(',')?;
                    }
                    first = false;
                    write!(f, "{}", u32::from(c))?;
                }
                break;
            }
            Term::List(_) | Term::ImproperList(_) => {
                let (items, tail) = cur.list_parts().unwrap_or_default();
                for it in items {
                    if !first {
                        f.write_char(',')?;
                    }
                    first = false;
                    write_term(f, it)?;
                }
                match tail {
                    None => break,
                    Some(t) if t.is_proper_list() || t.list_parts().is_some() => cur = t,
                    Some(t) => {
                        f.write_char('|')?;
                        write_term(f, t)?;
                        break;
                    }
                }
            }
            other => {
                write_term(f, other)?;
                break;
            }
        }
    }
    f.write_char(']')
}

fn write_term(f: &mut fmt::Formatter<'_>, t: &Term) -> fmt::Result {
    match t {
        Term::Atom(a) => write!(f, "{}", AtomText(a.as_str())),
        Term::Integer(i) => write!(f, "{i}"),
        Term::Float(x) => f.write_str(&format_float(*x)),
        Term::String(_) | Term::List(_) | Term::ImproperList(_) => write_list(f, t),
        Term::Tuple(items) => {
            f.write_char('{')?;
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    f.write_char(',')?;
                }
                write_term(f, it)?;
            }
            f.write_char('}')
        }
        Term::Map(entries) => {
            f.write_str("#{")?;
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    f.write_char(',')?;
                }
                write_term(f, k)?;
                f.write_str(" => ")?;
                write_term(f, v)?;
            }
            f.write_char('}')
        }
        Term::Bitstring(b) => write_bitstring(f, b),
        Term::Fun(fun) => write!(
            f,
            "fun {}:{}/{}",
            AtomText(fun.module.as_str()),
            AtomText(fun.function.as_str()),
            fun.arity
        ),
    }
}

/// `{}` is the canonical one-line form, `io_lib:format("~w", [T])` with
/// map keys sorted; `{:#}` the readable form, `io_lib:format("~p", [T])`:
/// strings of printable latin-1 characters as `"..."` (also lists of such
/// integers, as Erlang cannot tell them apart), printable binaries as
/// `<<"...">>`, and terms longer than a line broken and indented as OTP
/// 25 breaks them (line length 80). Maps of more than 32 keys are printed
/// with sorted keys, where OTP prints them in hash order.
///
/// ```
/// let t = &erlterm::parse_str("{app, [{vsn, \"1.0\"}, {env, #{port => 80}}]}.").unwrap()[0];
/// assert_eq!(format!("{t}"), "{app,[{vsn,[49,46,48]},{env,#{port => 80}}]}");
/// assert_eq!(format!("{t:#}"), "{app,[{vsn,\"1.0\"},{env,#{port => 80}}]}");
///
/// let long = &erlterm::parse_str(
///     "{application, my_app, [{description, \"An application with a long description\"},
///       {vsn, \"1.0.0\"}, {applications, [kernel, stdlib]}]}.",
/// ).unwrap()[0];
/// assert_eq!(
///     format!("{long:#}"),
///     "{application,my_app,
///              [{description,\"An application with a long description\"},
///               {vsn,\"1.0.0\"},
///               {applications,[kernel,stdlib]}]}"
/// );
/// ```
impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            return f.write_str(&pretty(self));
        }
        write_term(f, self)
    }
}

// ---------------------------------------------------------------------------
// The readable form, `{:#}`: `io_lib:format("~p", [Term])` of OTP 25.
//
// A port of `io_lib_pretty:print/2` with its defaults for `~p` (column 1,
// line length 80, no depth or character limit, latin1 encoding, strings
// detected): `Pretty::of` is its `print_length/6` (the intermediate form:
// what each value writes on one line and how long that is), `pp` its layout
// and `cind` its choice of indentation for tagged tuples.
// ---------------------------------------------------------------------------

/// Line length of `~p`.
const LINE: i64 = 80;

/// A value laid out: its one-line text (for atomic values) or its parts,
/// and the length of its one-line form in characters.
struct Pretty {
    shape: Shape,
    len: i64,
}

enum Shape {
    /// Written as is: atoms, numbers, funs, strings, `[]`, `{}`, `#{}`,
    /// printable binaries.
    Atomic(String),
    /// A binary written byte by byte (`<<1,2,3:4>>`), the segments between
    /// the commas.
    Bin(Vec<String>),
    /// A list, with the tail after `|` for an improper one.
    List(Vec<Pretty>, Option<Box<Pretty>>),
    /// A tuple; `true` when it is tagged (an atom first, more than one
    /// element).
    Tuple(bool, Vec<Pretty>),
    /// A map's `K => V` pairs.
    Map(Vec<Pretty>),
    /// One `K => V`.
    Pair(Box<Pretty>, Box<Pretty>),
}

fn chars_len(s: &str) -> i64 {
    s.chars().count() as i64
}

/// `io_lib:printable_latin1_list/1` for one code point.
fn printable_latin1(c: u32) -> bool {
    matches!(c, 32..=126 | 160..=255 | 8..=13 | 27)
}

fn string_text(chars: impl Iterator<Item = char>) -> String {
    let mut s = String::from('"');
    for c in chars {
        let _ = write_quoted_char(&mut s, c, '"');
    }
    s.push('"');
    s
}

fn atomic(s: String) -> Pretty {
    Pretty {
        len: chars_len(&s),
        shape: Shape::Atomic(s),
    }
}

/// `list_length/3`: the opening, the items, a comma between each, and a
/// `|` and the tail.
fn seq_len(open_close: i64, items: &[Pretty], tail: Option<&Pretty>) -> i64 {
    let commas = items.len().saturating_sub(1) as i64;
    let tail = tail.map_or(0, |t| 1 + t.len);
    open_close + items.iter().map(|p| p.len).sum::<i64>() + commas + tail
}

impl Pretty {
    fn of(t: &Term) -> Pretty {
        match t {
            Term::Atom(_) | Term::Integer(_) | Term::Float(_) | Term::Fun(_) => {
                atomic(t.to_string())
            }
            Term::String(_) | Term::List(_) | Term::ImproperList(_) => Pretty::list(t),
            Term::Tuple(items) if items.is_empty() => atomic("{}".into()),
            Term::Tuple(items) => {
                let parts: Vec<Pretty> = items.iter().map(Pretty::of).collect();
                let tagged = items.len() > 1 && matches!(items.first(), Some(Term::Atom(_)));
                Pretty {
                    len: seq_len(2, &parts, None),
                    shape: Shape::Tuple(tagged, parts),
                }
            }
            Term::Map(m) if m.is_empty() => atomic("#{}".into()),
            Term::Map(m) => {
                let pairs: Vec<Pretty> = m
                    .iter()
                    .map(|(k, v)| {
                        let (k, v) = (Pretty::of(k), Pretty::of(v));
                        Pretty {
                            len: k.len + 4 + v.len,
                            shape: Shape::Pair(Box::new(k), Box::new(v)),
                        }
                    })
                    .collect();
                Pretty {
                    len: seq_len(3, &pairs, None),
                    shape: Shape::Map(pairs),
                }
            }
            Term::Bitstring(b) => Pretty::bitstring(b),
        }
    }

    fn list(t: &Term) -> Pretty {
        if t.is_nil() {
            return atomic("[]".into());
        }
        // Only a proper list of printable latin-1 characters is a string.
        if let Some(chars) = printable_chars(t) {
            return atomic(string_text(chars.into_iter()));
        }
        let (items, tail): (Vec<Pretty>, Option<Box<Pretty>>) = match t {
            Term::String(s) => (
                s.chars()
                    .map(|c| atomic(u32::from(c).to_string()))
                    .collect(),
                None,
            ),
            _ => {
                let (items, tail) = t.list_parts().unwrap_or_default();
                (
                    items.iter().map(Pretty::of).collect(),
                    tail.map(|t| Box::new(Pretty::of(t))),
                )
            }
        };
        Pretty {
            len: seq_len(2, &items, tail.as_deref()),
            shape: Shape::List(items, tail),
        }
    }

    fn bitstring(b: &Bitstring) -> Pretty {
        let bytes = b.bytes();
        if bytes.is_empty() {
            return atomic("<<>>".into());
        }
        if b.is_binary() && bytes.iter().all(|&c| printable_latin1(u32::from(c))) {
            let text = string_text(bytes.iter().map(|&c| char::from(c)));
            return atomic(format!("<<{text}>>"));
        }
        let (whole, partial) = match bytes.split_last() {
            Some((&last, init)) if !b.is_binary() => (init, Some(last)),
            _ => (bytes, None),
        };
        let mut segs: Vec<String> = whole.iter().map(|x| x.to_string()).collect();
        if let Some(last) = partial {
            let bits = (b.bit_len() % 8) as u32;
            segs.push(format!("{}:{bits}", last >> (8 - bits)));
        }
        let len = 4 + segs.iter().map(|s| chars_len(s)).sum::<i64>() + segs.len() as i64 - 1;
        Pretty {
            shape: Shape::Bin(segs),
            len,
        }
    }

    /// `?ATM`: written as one piece (never broken over lines).
    fn atomic(&self) -> bool {
        matches!(self.shape, Shape::Atomic(_))
    }

    /// `?ATM_PAIR`.
    fn atomic_pair(&self) -> bool {
        match &self.shape {
            Shape::Pair(k, v) => k.atomic() && v.atomic(),
            _ => false,
        }
    }

    /// The one-line form (`write/1`).
    fn write(&self, out: &mut String) {
        match &self.shape {
            Shape::Atomic(s) => out.push_str(s),
            Shape::Bin(segs) => {
                out.push_str("<<");
                out.push_str(&segs.join(","));
                out.push_str(">>");
            }
            Shape::List(items, tail) => {
                out.push('[');
                write_seq(out, items);
                if let Some(t) = tail {
                    out.push('|');
                    t.write(out);
                }
                out.push(']');
            }
            Shape::Tuple(_, items) => {
                out.push('{');
                write_seq(out, items);
                out.push('}');
            }
            Shape::Map(pairs) => {
                out.push_str("#{");
                write_seq(out, pairs);
                out.push('}');
            }
            Shape::Pair(k, v) => {
                k.write(out);
                out.push_str(" => ");
                v.write(out);
            }
        }
    }
}

/// The code points of a non-empty proper list if all are printable
/// latin-1 characters (`io_lib:printable_latin1_list/1`).
fn printable_chars(t: &Term) -> Option<Vec<char>> {
    match t {
        Term::String(s) => s
            .chars()
            .all(|c| printable_latin1(u32::from(c)))
            .then(|| s.chars().collect()),
        Term::List(items) => items
            .iter()
            .map(|it| {
                let c = u32::try_from(it.as_i64()?).ok()?;
                printable_latin1(c).then(|| char::from_u32(c))?
            })
            .collect(),
        _ => None,
    }
}

fn write_seq(out: &mut String, items: &[Pretty]) {
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        it.write(out);
    }
}

fn spaces(out: &mut String, n: i64) {
    out.extend(std::iter::repeat_n(' ', n.max(0) as usize));
}

/// The rest of a list after an element: more elements, or the tail alone
/// (or nothing).
#[derive(Clone, Copy)]
struct Rest<'a> {
    items: &'a [Pretty],
    tail: Option<&'a Pretty>,
}

impl<'a> Rest<'a> {
    /// `last_depth/2`: 0 while more elements follow.
    fn last_depth(&self, ld: i64) -> i64 {
        if self.items.is_empty() {
            ld + 1
        } else {
            0
        }
    }
}

/// The layout parameters that do not change: line length and the
/// largest width (`M`, the one-line length of the whole term).
#[derive(Clone, Copy)]
struct Page {
    ll: i64,
    m: i64,
}

/// Whether `len` more characters fit (the test `pp_tail/10` and friends
/// make before writing an element on the current line).
fn fits_after(p: Page, elen: i64, col: i64, w: i64, ld1: i64) -> bool {
    if ld1 == 0 {
        elen + 1 < p.ll - col && w + elen < p.m
    } else {
        elen < p.ll - col - ld1 && w + elen + ld1 <= p.m
    }
}

/// The readable form of `t`, as `io_lib:format("~p", [T])` writes it.
pub(crate) fn pretty(t: &Term) -> String {
    let top = Pretty::of(t);
    let p = Page {
        ll: LINE,
        m: top.len,
    };
    let col = 1;
    let mut out = String::new();
    if top.len < p.ll - col {
        top.write(&mut out);
        return out;
    }
    let tind = [-1, 4]
        .into_iter()
        .find(|&i| cind(&top, col, p, i, 0, 0).is_some())
        .unwrap_or(1);
    pp(&mut out, &top, col, p, tind, col - 1, 0, 0);
    out
}

#[allow(clippy::too_many_arguments)]
fn pp(out: &mut String, e: &Pretty, col: i64, p: Page, tind: i64, ind: i64, ld: i64, w: i64) {
    if e.len < p.ll - col - ld && e.len + w + ld <= p.m {
        e.write(out);
        return;
    }
    match &e.shape {
        Shape::List(items, tail) => {
            out.push('[');
            let rest = Rest {
                items,
                tail: tail.as_deref(),
            };
            pp_list(out, rest, col + 1, p, tind, ind + 1, ld, '|', w + 1);
            out.push(']');
        }
        Shape::Tuple(true, items) => {
            out.push('{');
            pp_tag_tuple(out, items, col, p, tind, ind, ld, w + 1);
            out.push('}');
        }
        Shape::Tuple(false, items) => {
            out.push('{');
            let rest = Rest { items, tail: None };
            pp_list(out, rest, col + 1, p, tind, ind + 1, ld, ',', w + 1);
            out.push('}');
        }
        Shape::Map(pairs) => {
            out.push_str("#{");
            pp_map(out, pairs, col + 2, p, tind, ind + 2, ld, w + 1);
            out.push('}');
        }
        Shape::Bin(segs) => pp_binary(out, segs, col + 2, p, ind + 2, ld, w),
        Shape::Atomic(_) | Shape::Pair(..) => e.write(out),
    }
}

#[allow(clippy::too_many_arguments)]
fn pp_tag_tuple(
    out: &mut String,
    items: &[Pretty],
    col: i64,
    p: Page,
    tind: i64,
    ind: i64,
    ld: i64,
    w: i64,
) {
    let Some((tag, rest)) = items.split_first() else {
        return;
    };
    let rest = Rest {
        items: rest,
        tail: None,
    };
    let tag_ind = tag.len + 2;
    let tcol = col + tag_ind;
    tag.write(out);
    if tind > 0 && tag_ind > tind {
        pp_tail(
            out,
            rest,
            col + tind,
            tcol,
            p,
            tind,
            ind + tind,
            ld,
            ',',
            w + tag.len,
        );
    } else {
        out.push(',');
        pp_list(
            out,
            rest,
            tcol,
            p,
            tind,
            ind + tag_ind,
            ld,
            ',',
            w + tag.len + 1,
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn pp_list(
    out: &mut String,
    list: Rest<'_>,
    col0: i64,
    p: Page,
    tind: i64,
    ind: i64,
    ld: i64,
    sep: char,
    w: i64,
) {
    let Some((first, items)) = list.items.split_first() else {
        return;
    };
    let rest = Rest {
        items,
        tail: list.tail,
    };
    let we = pp_element(out, first, col0, p, tind, ind, rest.last_depth(ld), w);
    pp_tail(out, rest, col0, col0 + we, p, tind, ind, ld, sep, w + we);
}

#[allow(clippy::too_many_arguments)]
fn pp_tail(
    out: &mut String,
    mut list: Rest<'_>,
    col0: i64,
    mut col: i64,
    p: Page,
    tind: i64,
    ind: i64,
    ld: i64,
    sep: char,
    mut w: i64,
) {
    while let Some((e, items)) = list.items.split_first() {
        list.items = items;
        let ld1 = list.last_depth(ld);
        let elen = 1 + e.len;
        out.push(',');
        if e.atomic() && fits_after(p, elen, col, w, ld1) {
            e.write(out);
            col += elen;
            w += elen;
        } else {
            out.push('\n');
            spaces(out, ind);
            let we = pp_element(out, e, col0, p, tind, ind, ld1, 0);
            col = col0 + we;
            w = we;
        }
    }
    if let Some(e) = list.tail {
        out.push(sep);
        if e.len + 1 < p.ll - col - (ld + 1) && e.len + 1 + w + (ld + 1) <= p.m && e.atomic() {
            e.write(out);
        } else {
            out.push('\n');
            spaces(out, ind);
            pp(out, e, col0, p, tind, ind, ld + 1, 0);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn pp_element(
    out: &mut String,
    e: &Pretty,
    col: i64,
    p: Page,
    tind: i64,
    ind: i64,
    ld: i64,
    w: i64,
) -> i64 {
    if e.len < p.ll - col - ld && e.len + w + ld <= p.m && e.atomic() {
        e.write(out);
        e.len
    } else {
        pp(out, e, col, p, tind, ind, ld, w);
        p.ll // forces a new line
    }
}

#[allow(clippy::too_many_arguments)]
fn pp_map(
    out: &mut String,
    pairs: &[Pretty],
    col: i64,
    p: Page,
    tind: i64,
    ind: i64,
    ld: i64,
    w: i64,
) {
    let Some((first, rest)) = pairs.split_first() else {
        return;
    };
    let last = Rest {
        items: rest,
        tail: None,
    };
    let pw = pp_pair(out, first, col, p, tind, ind, last.last_depth(ld), w);
    let (col0, mut col, mut w) = (col, col + pw, pw);
    let mut list = last;
    while let Some((e, items)) = list.items.split_first() {
        list.items = items;
        let ld1 = list.last_depth(ld);
        let elen = 1 + e.len;
        out.push(',');
        if e.atomic_pair() && fits_after(p, elen, col, w, ld1) {
            e.write(out);
            col += elen;
            w += elen;
        } else {
            out.push('\n');
            spaces(out, ind);
            let pw = pp_pair(out, e, col0, p, tind, ind, ld1, 0);
            col = col0 + pw;
            w = pw;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn pp_pair(
    out: &mut String,
    e: &Pretty,
    col: i64,
    p: Page,
    tind: i64,
    ind: i64,
    ld: i64,
    w: i64,
) -> i64 {
    if e.len < p.ll - col - ld && e.len + w + ld <= p.m {
        e.write(out);
        return if e.atomic_pair() { e.len } else { p.ll };
    }
    let Shape::Pair(k, v) = &e.shape else {
        e.write(out);
        return p.ll;
    };
    let i = map_value_indent(tind);
    pp(out, k, col, p, tind, ind, ld, w);
    out.push_str(" =>\n");
    spaces(out, ind + i);
    pp(out, v, col + i, p, tind, ind + i, ld, 0);
    p.ll
}

fn map_value_indent(tind: i64) -> i64 {
    if tind > 0 {
        tind
    } else {
        4
    }
}

fn pp_binary(out: &mut String, segs: &[String], col: i64, p: Page, ind: i64, ld: i64, w: i64) {
    let n0 = 8.max((p.ll - col).min(p.m - 4 - w) - ld);
    let mut n = n0;
    out.push_str("<<");
    if let Some((last, init)) = segs.split_last() {
        for seg in init {
            let len = chars_len(seg) + 1;
            if n - len < 0 {
                out.push('\n');
                spaces(out, ind);
                n = n0 - len;
            } else {
                n -= len;
            }
            out.push_str(seg);
            out.push(',');
        }
        if chars_len(last) > n {
            out.push('\n');
            spaces(out, ind);
        }
        out.push_str(last);
    }
    out.push_str(">>");
}

/// `cind/7`: `None` when the indentation `ind` for tagged tuples would
/// push something past the line (`throw(no_good)`).
fn cind(e: &Pretty, col: i64, p: Page, ind: i64, ld: i64, w: i64) -> Option<()> {
    if e.len < p.ll - col - ld && e.len + w + ld <= p.m {
        return Some(());
    }
    match &e.shape {
        Shape::List(items, tail) => {
            let rest = Rest {
                items,
                tail: tail.as_deref(),
            };
            cind_list(rest, col + 1, p, ind, ld, w + 1)
        }
        Shape::Tuple(true, items) => {
            let (tag, rest) = items.split_first()?;
            let rest = Rest {
                items: rest,
                tail: None,
            };
            let tag_ind = tag.len + 2;
            let tcol = col + tag_ind;
            let w = w + 1;
            if ind > 0 && tag_ind > ind {
                let col1 = col + ind;
                if p.m + col1 <= p.ll || col1 <= p.ll / 2 {
                    cind_tail(rest, col1, tcol, p, ind, ld, w + tag.len)
                } else {
                    None
                }
            } else if p.m + tcol < p.ll || tcol < p.ll / 2 {
                cind_list(rest, tcol, p, ind, ld, w + tag.len + 1)
            } else {
                None
            }
        }
        Shape::Tuple(false, items) => {
            let rest = Rest { items, tail: None };
            cind_list(rest, col + 1, p, ind, ld, w + 1)
        }
        Shape::Map(pairs) => {
            let col = col + 2;
            let w = w + 2;
            let Some((first, items)) = pairs.split_first() else {
                return Some(());
            };
            let mut list = Rest { items, tail: None };
            let pw = cind_pair(first, col, p, ind, list.last_depth(ld), w)?;
            let (col0, mut c, mut w) = (col, col + pw, w + pw);
            while let Some((e, items)) = list.items.split_first() {
                list.items = items;
                let ld1 = list.last_depth(ld);
                let elen = 1 + e.len;
                if e.atomic_pair() && fits_after(p, elen, c, w, ld1) {
                    c += elen;
                    w += elen;
                } else {
                    let pw = cind_pair(e, col0, p, ind, ld1, 0)?;
                    c = col0 + pw;
                    w = pw;
                }
            }
            Some(())
        }
        Shape::Bin(_) | Shape::Atomic(_) | Shape::Pair(..) => Some(()),
    }
}

fn cind_pair(e: &Pretty, col: i64, p: Page, ind: i64, ld: i64, w: i64) -> Option<i64> {
    if e.len < p.ll - col - ld && e.len + w + ld <= p.m {
        return Some(if e.atomic_pair() { e.len } else { p.ll });
    }
    if let Shape::Pair(k, v) = &e.shape {
        cind(k, col, p, ind, ld, w)?;
        cind(v, col + map_value_indent(ind), p, ind, ld, 0)?;
    }
    Some(p.ll)
}

fn cind_list(list: Rest<'_>, col0: i64, p: Page, ind: i64, ld: i64, w: i64) -> Option<()> {
    let Some((first, items)) = list.items.split_first() else {
        return Some(());
    };
    let rest = Rest {
        items,
        tail: list.tail,
    };
    let we = cind_element(first, col0, p, ind, rest.last_depth(ld), w)?;
    cind_tail(rest, col0, col0 + we, p, ind, ld, w + we)
}

#[allow(clippy::too_many_arguments)]
fn cind_tail(
    mut list: Rest<'_>,
    col0: i64,
    mut col: i64,
    p: Page,
    ind: i64,
    ld: i64,
    mut w: i64,
) -> Option<()> {
    while let Some((e, items)) = list.items.split_first() {
        list.items = items;
        let ld1 = list.last_depth(ld);
        let elen = 1 + e.len;
        if e.atomic() && fits_after(p, elen, col, w, ld1) {
            col += elen;
            w += elen;
        } else {
            let we = cind_element(e, col0, p, ind, ld1, 0)?;
            col = col0 + we;
            w = we;
        }
    }
    match list.tail {
        Some(e)
            if !(e.len + 1 < p.ll - col - (ld + 1)
                && e.len + 1 + w + (ld + 1) <= p.m
                && e.atomic()) =>
        {
            cind(e, col, p, ind, ld + 1, 0)
        }
        _ => Some(()),
    }
}

fn cind_element(e: &Pretty, col: i64, p: Page, ind: i64, ld: i64, w: i64) -> Option<i64> {
    if e.len < p.ll - col - ld && e.len + w + ld <= p.m && e.atomic() {
        return Some(e.len);
    }
    cind(e, col, p, ind, ld, w)?;
    Some(p.ll)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_follow_short_format() {
        let cases = [
            (100.0, "100.0"),
            (1000.0, "1.0e3"),
            (1200.0, "1.2e3"),
            (12345.0, "12345.0"),
            (123456.0, "123456.0"),
            (1.0e15, "1.0e15"),
            (12345678900.0, "12345678900.0"),
            (0.0001, "0.0001"),
            (1.0e-5, "1.0e-5"),
            (0.001234, "0.001234"),
            (1.234e-4, "1.234e-4"),
            (9007199254740992.0, "9.007199254740992e15"),
            (123456789012345680000.0, "1.2345678901234568e20"),
            (0.3333333333333333, "0.3333333333333333"),
            (-0.0, "-0.0"),
            (5.0e-324, "5.0e-324"),
            (1.7976931348623157e308, "1.7976931348623157e308"),
        ];
        for (x, want) in cases {
            assert_eq!(format_float(x), want, "{x:e}");
        }
    }

    #[test]
    fn atoms_quote_when_needed() {
        let cases = [
            ("abc", "abc"),
            ("a_B1@x", "a_B1@x"),
            ("été", "été"),
            ("Abc", "'Abc'"),
            ("a b", "'a b'"),
            ("a÷", "'a÷'"),
            ("_x", "'_x'"),
            ("1a", "'1a'"),
            ("it's\\", "'it\\'s\\\\'"),
            ("\u{9F}\u{7F}\u{1B}\u{0}", "'\\237\\d\\e\\000'"),
            ("", "''"),
            ("maybe", "'maybe'"),
            ("\u{1F600}", "'\\x{1F600}'"),
        ];
        for (a, want) in cases {
            assert_eq!(AtomText(a).to_string(), want);
        }
    }
}
