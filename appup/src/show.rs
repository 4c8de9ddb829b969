//! Terms quoted in messages: one line, strings as strings, bounded.
//!
//! A version is a list of character codes to Erlang; `~w` (the canonical
//! `Display` of [`Term`]) prints `"1.0"` as `[49,46,48]`. Messages quote
//! terms with [`show`] instead: as `~tp` would on one line, control
//! characters escaped, at most about 200 characters whatever the input.

use erlterm::Term;

/// Most characters [`show`] writes before cutting a term short.
const SHOW_MAX: usize = 200;

/// A term for a message: like `~tp` on one line (a list of printable
/// characters as a quoted string, so versions read `"1.0"`, never
/// `[49,46,48]`), control characters escaped, and cut short with `...`
/// after 200 characters so a message stays small whatever the input.
///
/// ```
/// use erlterm::Term;
/// let t = Term::tuple(vec![Term::atom("erts"), Term::string("13.1\n")]);
/// assert_eq!(appup::show::show(&t), r#"{erts,"13.1\n"}"#);
/// assert_eq!(appup::show::show(&Term::string("")), "[]");
/// ```
pub fn show(t: &Term) -> String {
    let mut out = String::new();
    show_into(&mut out, t, 0);
    if out.len() > SHOW_MAX {
        let mut cut = SHOW_MAX;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str("...");
    }
    out
}

fn show_into(out: &mut String, t: &Term, depth: usize) {
    use std::fmt::Write;
    if out.len() > SHOW_MAX {
        return;
    }
    let printable = |c: char| !c.is_control() || matches!(c, '\n' | '\t' | '\r');
    match t {
        Term::String(s) if s.is_empty() => out.push_str("[]"),
        Term::List(items) if items.is_empty() => out.push_str("[]"),
        Term::String(_) | Term::List(_) if depth < 64 => {
            match t.as_string().filter(|s| s.chars().all(printable)) {
                Some(s) => {
                    out.push('"');
                    for c in s.chars() {
                        match c {
                            '"' => out.push_str("\\\""),
                            '\\' => out.push_str("\\\\"),
                            '\n' => out.push_str("\\n"),
                            '\r' => out.push_str("\\r"),
                            '\t' => out.push_str("\\t"),
                            c => out.push(c),
                        }
                        if out.len() > SHOW_MAX {
                            return;
                        }
                    }
                    out.push('"');
                }
                None => {
                    out.push('[');
                    for (i, x) in t.to_list().unwrap_or_default().iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        show_into(out, x, depth + 1);
                        if out.len() > SHOW_MAX {
                            return;
                        }
                    }
                    out.push(']');
                }
            }
        }
        Term::ImproperList(l) if depth < 64 => {
            out.push('[');
            for (i, x) in l.items().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                show_into(out, x, depth + 1);
                if out.len() > SHOW_MAX {
                    return;
                }
            }
            out.push('|');
            show_into(out, l.tail(), depth + 1);
            out.push(']');
        }
        Term::Bitstring(b)
            if !b.bytes().is_empty() && b.as_utf8().is_some_and(|s| s.chars().all(printable)) =>
        {
            let text = b.as_utf8().unwrap_or_default();
            out.push_str("<<");
            show_into(out, &Term::string(text), depth + 1);
            out.push_str(">>");
        }
        Term::Tuple(items) if depth < 64 => {
            out.push('{');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                show_into(out, x, depth + 1);
                if out.len() > SHOW_MAX {
                    return;
                }
            }
            out.push('}');
        }
        _ => {
            let printed = t.to_string();
            let end = printed
                .char_indices()
                .nth(SHOW_MAX)
                .map_or(printed.len(), |(i, _)| i);
            for c in printed.get(..end).unwrap_or_default().chars() {
                if c.is_control() {
                    let _ = write!(out, "{}", c.escape_debug());
                } else {
                    out.push(c);
                }
            }
        }
    }
}
