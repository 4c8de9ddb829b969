//! Term text for files: like the canonical form, but strings are written as
//! string literals and UTF-8 binaries as `<<"..."/utf8>>`, on one line or
//! indented the way people write `sys.config`.

use std::fmt::{self, Write};

use crate::print::{format_float, write_quoted_char, AtomText};
use crate::term::{Bitstring, Term};

/// Deepest term the writers print: what the parser reads back by default.
pub(crate) const MAX_WRITE_DEPTH: usize = 500;

/// Why writing failed.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// The term is nested deeper than [`MAX_WRITE_DEPTH`].
    Depth,
    /// The (capped) output buffer is full.
    Full,
}

impl From<fmt::Error> for WriteError {
    fn from(_: fmt::Error) -> Self {
        WriteError::Full
    }
}

type WResult = Result<(), WriteError>;

/// A string buffer that refuses to grow past `cap` bytes.
struct Capped {
    buf: String,
    cap: usize,
}

impl Write for Capped {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.buf.len() + s.len() > self.cap {
            return Err(fmt::Error);
        }
        self.buf.push_str(s);
        Ok(())
    }
}

/// Code points a `\x{...}` escape cannot express (OTP rejects them).
fn unescapable(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

fn write_string_lit<W: Write>(out: &mut W, s: &str) -> WResult {
    if s.chars().any(unescapable) {
        // Still the same list: write its code points.
        out.write_char('[')?;
        for (i, c) in s.chars().enumerate() {
            if i > 0 {
                out.write_char(',')?;
            }
            write!(out, "{}", u32::from(c))?;
        }
        out.write_char(']')?;
        return Ok(());
    }
    out.write_char('"')?;
    for c in s.chars() {
        write_quoted_char(out, c, '"')?;
    }
    out.write_char('"')?;
    Ok(())
}

fn printable_text(b: &Bitstring) -> Option<&str> {
    let s = b.as_utf8()?;
    let ok = !s.is_empty()
        && s.chars().all(|c| {
            (c >= ' ' || c == '\n' || c == '\t')
                && c != '\u{7F}'
                && !('\u{80}'..='\u{9F}').contains(&c)
                && !unescapable(c)
        });
    ok.then_some(s)
}

fn write_bitstring<W: Write>(out: &mut W, b: &Bitstring) -> WResult {
    if let Some(s) = printable_text(b) {
        out.write_str("<<")?;
        write_string_lit(out, s)?;
        if !s.is_ascii() {
            out.write_str("/utf8")?;
        }
        out.write_str(">>")?;
        return Ok(());
    }
    // The canonical form is exact for every bitstring.
    write!(out, "{}", Term::Bitstring(b.clone()))?;
    Ok(())
}

/// Writes `t` on one line; `spaced` puts a space after each comma.
fn write_flat<W: Write>(out: &mut W, t: &Term, spaced: bool, depth: usize) -> WResult {
    if depth > MAX_WRITE_DEPTH {
        return Err(WriteError::Depth);
    }
    let sep = if spaced { ", " } else { "," };
    match t {
        Term::Atom(a) => write!(out, "{}", AtomText(a.as_str()))?,
        Term::Integer(i) => write!(out, "{i}")?,
        Term::Float(x) => out.write_str(&format_float(*x))?,
        Term::String(s) => write_string_lit(out, s)?,
        Term::List(_) | Term::ImproperList(_) => {
            let (items, tail) = t.list_parts().unwrap_or_default();
            out.write_char('[')?;
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.write_str(sep)?;
                }
                write_flat(out, it, spaced, depth + 1)?;
            }
            if let Some(tail) = tail {
                out.write_str(if spaced { " | " } else { "|" })?;
                write_flat(out, tail, spaced, depth + 1)?;
            }
            out.write_char(']')?;
        }
        Term::Tuple(items) => {
            out.write_char('{')?;
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.write_str(sep)?;
                }
                write_flat(out, it, spaced, depth + 1)?;
            }
            out.write_char('}')?;
        }
        Term::Map(entries) => {
            out.write_str("#{")?;
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.write_str(sep)?;
                }
                write_flat(out, k, spaced, depth + 1)?;
                out.write_str(" => ")?;
                write_flat(out, v, spaced, depth + 1)?;
            }
            out.write_char('}')?;
        }
        Term::Bitstring(b) => write_bitstring(out, b)?,
        Term::Fun(_) => write!(out, "{t}")?,
    }
    Ok(())
}

/// The one-line text of a term (no final dot), or `None` if it is nested
/// deeper than [`MAX_WRITE_DEPTH`].
pub(crate) fn compact(t: &Term) -> Option<String> {
    let mut s = String::new();
    write_flat(&mut s, t, false, 1).ok()?;
    Some(s)
}

/// Whether [`compact`] would refuse `t` for its depth, without writing it.
pub(crate) fn compact_depth_exceeded(t: &Term) -> bool {
    fn deeper(t: &Term, depth: usize) -> bool {
        if depth > MAX_WRITE_DEPTH {
            return true;
        }
        match t {
            Term::List(_) | Term::ImproperList(_) => {
                let (items, tail) = t.list_parts().unwrap_or_default();
                items.iter().any(|it| deeper(it, depth + 1))
                    || tail.is_some_and(|tail| deeper(tail, depth + 1))
            }
            Term::Tuple(items) => items.iter().any(|it| deeper(it, depth + 1)),
            Term::Map(entries) => entries
                .iter()
                .any(|(k, v)| deeper(k, depth + 1) || deeper(v, depth + 1)),
            _ => false,
        }
    }
    deeper(t, 1)
}

/// The indented text of a term (no final dot), lines at most `width`
/// columns where possible.
pub(crate) fn pretty(t: &Term, width: usize) -> Option<String> {
    let mut s = String::new();
    write_pretty(&mut s, t, 0, width, 1).ok()?;
    Some(s)
}

fn newline(out: &mut String, col: usize) {
    out.push('\n');
    out.extend(std::iter::repeat_n(' ', col));
}

fn write_pretty(out: &mut String, t: &Term, col: usize, width: usize, depth: usize) -> WResult {
    if depth > MAX_WRITE_DEPTH {
        return Err(WriteError::Depth);
    }
    let mut flat = Capped {
        buf: String::new(),
        cap: width.saturating_sub(col).max(8),
    };
    match write_flat(&mut flat, t, true, depth) {
        Ok(()) => {
            out.push_str(&flat.buf);
            return Ok(());
        }
        Err(WriteError::Depth) => return Err(WriteError::Depth),
        Err(WriteError::Full) => {}
    }
    match t {
        Term::List(_) | Term::ImproperList(_) if !t.is_nil() => {
            let (items, tail) = t.list_parts().unwrap_or_default();
            out.push('[');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                    newline(out, col + 1);
                }
                write_pretty(out, it, col + 1, width, depth + 1)?;
            }
            if let Some(tail) = tail {
                newline(out, col);
                out.push_str("| ");
                write_pretty(out, tail, col + 2, width, depth + 1)?;
            }
            out.push(']');
        }
        Term::Tuple(items) if !items.is_empty() => {
            out.push('{');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                    newline(out, col + 1);
                }
                write_pretty(out, it, col + 1, width, depth + 1)?;
            }
            out.push('}');
        }
        Term::Map(entries) if !entries.is_empty() => {
            out.push_str("#{");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                    newline(out, col + 2);
                }
                write_pretty(out, k, col + 2, width, depth + 1)?;
                out.push_str(" => ");
                let line_start = out.rfind('\n').map_or(0, |p| p + 1);
                let key_col = out[line_start..].chars().count();
                write_pretty(out, v, key_col, width, depth + 1)?;
            }
            out.push('}');
        }
        _ => write_flat(out, t, true, depth)?,
    }
    Ok(())
}
