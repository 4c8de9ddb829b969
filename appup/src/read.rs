//! Reading the first term of a file, as `systools_lib:read_term/1` does.

use erlterm::{Node, ParseOptions, Span, Term};

use crate::model::AppupError;

/// Byte offset just past the first dot token (`.` followed by whitespace,
/// `%` or the end), skipping strings, quoted atoms, character literals and
/// comments. `None` if there is none.
pub fn first_dot_end(text: &str) -> Option<usize> {
    erlterm::first_term_end(text)
}

/// Where `offset` is, as a span of one byte.
fn span_at(text: &str, offset: usize) -> Span {
    let before = &text[..offset];
    let line = before.matches('\n').count() as u32 + 1;
    let col_start = before.rfind('\n').map_or(0, |p| p + 1);
    Span {
        start: offset as u32,
        end: (offset + 1).min(text.len()) as u32,
        line,
        column: before[col_start..].chars().count() as u32 + 1,
    }
}

/// Whether `text` holds only whitespace and comments.
fn blank(text: &str) -> bool {
    text.lines()
        .all(|l| l.trim_start().is_empty() || l.trim_start().starts_with('%'))
}

/// The first term of `text`, and the span where non-blank trailing text
/// starts (which systools ignores).
pub fn first_term(text: &str) -> Result<(Node, Option<Span>), AppupError> {
    first_term_with(text, &ParseOptions::default())
}

/// [`first_term`] with parse options (variable bindings such as `VSN`).
pub fn first_term_with(
    text: &str,
    opts: &ParseOptions,
) -> Result<(Node, Option<Span>), AppupError> {
    let end = first_dot_end(text).unwrap_or(text.len());
    let mut nodes = erlterm::parse_nodes_with(&text[..end], opts).map_err(AppupError::Parse)?;
    if nodes.is_empty() {
        return Err(AppupError::Empty);
    }
    let rest = &text[end..];
    let trailing = (!blank(rest)).then(|| {
        let skip = rest.len() - rest.trim_start().len();
        span_at(text, end + skip)
    });
    Ok((nodes.swap_remove(0), trailing))
}

/// [`first_term_with`] without spans: the first term as a plain [`Term`]
/// (32 bytes a value rather than a spanned node's 48), read directly, for
/// callers that only look the term up (`erlrel appup match`). The same
/// errors as [`first_term_with`].
///
/// ```
/// let opts = erlterm::ParseOptions::default();
/// let (t, rest) = appup::read::first_value_with("{\"1\", [], []}. x", &opts).unwrap();
/// assert_eq!(t.to_string(), "{[49],[],[]}");
/// assert_eq!(rest.map(|s| s.start), Some(15));
/// ```
pub fn first_value_with(
    text: &str,
    opts: &ParseOptions,
) -> Result<(Term, Option<Span>), AppupError> {
    let end = first_dot_end(text).unwrap_or(text.len());
    let mut terms =
        erlterm::parse_with(text.get(..end).unwrap_or(text), opts).map_err(AppupError::Parse)?;
    if terms.is_empty() {
        return Err(AppupError::Empty);
    }
    let rest = text.get(end..).unwrap_or_default();
    let trailing = (!blank(rest)).then(|| {
        let skip = rest.len() - rest.trim_start().len();
        span_at(text, end + skip)
    });
    Ok((terms.swap_remove(0), trailing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_detection() {
        assert_eq!(first_dot_end("{a}. junk"), Some(4));
        assert_eq!(
            first_dot_end("{\"1. 0\", $., '. ', 1.5} % x. y\n."),
            Some(32)
        );
        assert_eq!(first_dot_end("{a}"), None);
        assert_eq!(first_dot_end("{a}.%c"), Some(4));
    }

    #[test]
    fn value_and_node_readers_agree() {
        let opts = ParseOptions::default();
        for text in [
            "{\"1\", [{\"0\", [{load_module, m}]}], []}.\n% c\n x.",
            "{a, b c}.",
            "  % nothing\n",
            "{\"1\", [], []}",
            "{<<\"1\\\\..*\">>, [], []}. ",
        ] {
            let value = first_value_with(text, &opts).map(|(t, s)| (t.to_string(), s));
            let node = first_term_with(text, &opts).map(|(n, s)| (n.to_term().to_string(), s));
            assert_eq!(value, node, "{text}");
        }
    }

    #[test]
    fn span_of_trailing() {
        let s = span_at("ab\ncd", 4);
        assert_eq!((s.line, s.column), (2, 2));
        assert!(blank("  % c\n\n"));
        assert!(!blank(" x"));
    }
}
