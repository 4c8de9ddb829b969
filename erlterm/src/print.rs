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
pub fn format_float(x: f64) -> String {
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
            out.extend(std::iter::repeat('0').take(e as usize));
            out.push_str(".0");
        } else if n + e > 0 {
            let split = (n + e) as usize;
            out.push_str(&digits[..split]);
            out.push('.');
            out.push_str(&digits[split..]);
        } else {
            out.push_str("0.");
            out.extend(std::iter::repeat('0').take((-(n + e)) as usize));
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

impl fmt::Display for Term {
    /// The canonical one-line form. Deep terms are printed iteratively only
    /// up to the parser's nesting limit, so recursion depth stays bounded.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_term(f, self)
    }
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
