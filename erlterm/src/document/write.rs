//! Terms to source text for edits: readable (strings as `"..."`, atoms
//! quoted only when needed) and restricted to what the file's encoding can
//! hold, so that the edited file reads back as the intended term.

use std::fmt::Write;

use crate::encoding::Encoding;
use crate::print::{atom_needs_quotes, format_float};
use crate::term::{Bitstring, Term};

/// Deepest term written; deeper terms are refused, as the parser's default
/// depth limit would refuse to read them back.
pub(crate) const MAX_WRITE_DEPTH: usize = 500;

/// Writes `t`; `None` if it is nested deeper than [`MAX_WRITE_DEPTH`].
pub(crate) fn term_text(t: &Term, enc: Encoding) -> Option<String> {
    let mut out = String::new();
    write_term(&mut out, t, enc, 0)?;
    Some(out)
}

/// A string literal for `s`.
pub(crate) fn string_literal(s: &str, enc: Encoding) -> String {
    quoted(s, '"', enc)
}

fn quoted(s: &str, quote: char, enc: Encoding) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            _ if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' => {
                let _ = write!(out, "\\{:03o}", u32::from(c));
            }
            _ if enc == Encoding::Latin1 && u32::from(c) > 0xFF => {
                let _ = write!(out, "\\x{{{:X}}}", u32::from(c));
            }
            _ => out.push(c),
        }
    }
    out.push(quote);
    out
}

fn atom_text(name: &str, enc: Encoding) -> String {
    if atom_needs_quotes(name) {
        quoted(name, '\'', enc)
    } else {
        name.to_owned()
    }
}

fn write_term(out: &mut String, t: &Term, enc: Encoding, depth: usize) -> Option<()> {
    if depth > MAX_WRITE_DEPTH {
        return None;
    }
    match t {
        Term::Atom(a) => out.push_str(&atom_text(a.as_str(), enc)),
        Term::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Term::Float(x) => out.push_str(&format_float(*x)),
        Term::String(s) => out.push_str(&string_literal(s, enc)),
        Term::List(_) | Term::ImproperList(_) => {
            let (items, tail) = t.list_parts()?;
            out.push('[');
            write_seq(out, items, enc, depth)?;
            if let Some(tail) = tail {
                out.push_str(" | ");
                write_term(out, tail, enc, depth + 1)?;
            }
            out.push(']');
        }
        Term::Tuple(items) => {
            out.push('{');
            write_seq(out, items, enc, depth)?;
            out.push('}');
        }
        Term::Map(entries) => {
            out.push_str("#{");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_term(out, k, enc, depth + 1)?;
                out.push_str(" => ");
                write_term(out, v, enc, depth + 1)?;
            }
            out.push('}');
        }
        Term::Bitstring(b) => write_bitstring(out, b),
        Term::Fun(f) => {
            let _ = write!(
                out,
                "fun {}:{}/{}",
                atom_text(f.module.as_str(), enc),
                atom_text(f.function.as_str(), enc),
                f.arity
            );
        }
    }
    Some(())
}

fn write_seq(out: &mut String, items: &[Term], enc: Encoding, depth: usize) -> Option<()> {
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_term(out, it, enc, depth + 1)?;
    }
    Some(())
}

/// Binaries that are printable UTF-8 are written `<<"...">>` (the `/utf8`
/// suffix keeps code points above 255 exact); others as byte lists.
fn write_bitstring(out: &mut String, b: &Bitstring) {
    if let Some(s) = b.as_utf8().filter(|s| b.is_binary() && !s.is_empty()) {
        if s.is_ascii() {
            let _ = write!(out, "<<{}>>", string_literal(s, Encoding::Utf8));
        } else {
            let _ = write!(out, "<<{}/utf8>>", string_literal(s, Encoding::Latin1));
        }
        return;
    }
    // The canonical form (`<<1,2,3:4>>`) reads back exactly.
    let _ = write!(out, "{}", Term::Bitstring(b.clone()));
}
