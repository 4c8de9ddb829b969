//! Reading the first term of a file, as `systools_lib:read_term/1` does.

use erlterm::{Node, ParseOptions, Span};

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
    fn span_of_trailing() {
        let s = span_at("ab\ncd", 4);
        assert_eq!((s.line, s.column), (2, 2));
        assert!(blank("  % c\n\n"));
        assert!(!blank(" x"));
    }
}
