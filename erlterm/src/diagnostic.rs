//! rustc-style rendering of a message that points into a source text.

use std::borrow::Cow;
#[cfg(feature = "diagnostics")]
use std::ops::Range;
use std::path::Path;

#[cfg(feature = "diagnostics")]
use annotate_snippets::{Level, Renderer, Snippet};

#[cfg(feature = "diagnostics")]
use crate::span::Span;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Informational note.
    Note,
    /// Probably a mistake; does not stop OTP.
    Warning,
    /// OTP would reject it, or it cannot work.
    Error,
}

#[cfg(feature = "diagnostics")]
impl Severity {
    fn level(self) -> Level {
        match self {
            Severity::Note => Level::Note,
            Severity::Warning => Level::Warning,
            Severity::Error => Level::Error,
        }
    }
}

#[cfg(feature = "diagnostics")]
/// Renders `message` as rustc does: `severity[code]: message`, then
/// `--> origin:line:col`, the source line(s) and a caret under `span`,
/// then `help:` if given. Plain text, no colours.
///
/// ```
/// use erlterm::{diagnostic::{render, Severity}, Span};
/// let src = "{a, b c}.\n";
/// let span = Span { start: 6, end: 7, line: 1, column: 7 };
/// let text = render(src, "x.config", span, Severity::Error, None, "syntax error before: c", Some("add a comma"));
/// assert!(text.contains("x.config:1:7"));
/// assert!(text.contains("^"));
/// ```
pub fn render(
    source: &str,
    origin: &str,
    span: Span,
    severity: Severity,
    code: Option<&str>,
    message: &str,
    help: Option<&str>,
) -> String {
    let mut range = span.range();
    range.start = floor_char_boundary(source, range.start.min(source.len()));
    range.end = floor_char_boundary(source, range.end.clamp(range.start, source.len()));
    if range.end == range.start && range.end < source.len() {
        range.end = next_char_boundary(source, range.start);
    }
    // Only the lines of the span are shown: cut them out (a huge file is
    // not copied) and make their control characters visible.
    let first = source
        .get(..range.start)
        .and_then(|s| s.rfind('\n'))
        .map_or(0, |i| i + 1);
    let last = source
        .get(range.end..)
        .and_then(|s| s.find('\n'))
        .map_or(source.len(), |i| range.end + i);
    let line_start = source
        .get(..first)
        .map_or(0, |s| memchr::memchr_iter(b'\n', s.as_bytes()).count())
        + 1;
    let lines = source.get(first..last).unwrap_or_default();
    let (shown, range) = visible_source(lines, (range.start - first)..(range.end - first));
    let origin = escape_control(origin);
    let message = escape_control(message);
    let help = help.map(escape_control);
    let mut msg = severity.level().title(&message);
    if let Some(code) = code {
        msg = msg.id(code);
    }
    msg = msg.snippet(
        Snippet::source(&shown)
            .line_start(line_start)
            .origin(&origin)
            .fold(true)
            .annotation(severity.level().span(range)),
    );
    if let Some(help) = &help {
        msg = msg.footer(Level::Help.title(help));
    }
    let text = Renderer::plain().render(msg).to_string();
    text
}

#[cfg(feature = "diagnostics")]
/// The character shown in place of `c` in a source snippet, if `c` must
/// not reach the terminal as it is: C0 controls and DEL become their
/// Control Pictures (`\u{1b}` is shown as `␛`), C1 controls and
/// bidirectional overrides U+FFFD; all are one column wide, so carets stay
/// under their characters. Tab and line feed are kept; so is a carriage
/// return before a line feed (`next`).
fn visible_char(c: char, next: Option<char>) -> Option<char> {
    match c {
        '\t' | '\n' => None,
        '\r' if next == Some('\n') => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)),
        '\u{7f}' => Some('\u{2421}'),
        _ if is_hidden_control(c) => Some('\u{fffd}'),
        _ => None,
    }
}

/// C1 controls and the invisible characters that reorder or hide text
/// (bidirectional embeddings, overrides and isolates).
fn is_hidden_control(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(feature = "diagnostics")]
/// `text` with the characters of [`visible_char`] replaced, and `range`
/// moved to match.
fn visible_source(text: &str, range: Range<usize>) -> (Cow<'_, str>, Range<usize>) {
    let mut chars = text.char_indices().peekable();
    let mut out: Option<String> = None;
    let (mut start, mut end) = (range.start, range.end);
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if let Some(shown) = visible_char(c, next) {
            let buf = out.get_or_insert_with(|| text.get(..i).unwrap_or_default().to_owned());
            let grow = shown.len_utf8() - c.len_utf8().min(shown.len_utf8());
            if i < range.start {
                start += grow;
            }
            if i < range.end {
                end += grow;
            }
            buf.push(shown);
        } else if let Some(buf) = out.as_mut() {
            buf.push(c);
        }
    }
    match out {
        Some(s) => (Cow::Owned(s), start..end),
        None => (Cow::Borrowed(text), range),
    }
}

/// `text` with control characters written as escapes, for messages that
/// quote input (file names, OS messages): `\n`, `\t`, `\r`, `\e` and
/// `\xNN` for the other C0 controls and DEL, `\u{NN}` for C1 controls
/// and bidirectional overrides; everything else as it is.
///
/// ```
/// use erlterm::diagnostic::escape_control;
/// assert_eq!(escape_control("a\u{1b}[31mb\n"), "a\\e[31mb\\n");
/// assert_eq!(escape_control("plain é"), "plain é");
/// ```
pub fn escape_control(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() || is_hidden_control(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{0}'..='\u{1f}' | '\u{7f}' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            _ if is_hidden_control(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A path as messages show it: [`Path::display`] (invalid UTF-8 as U+FFFD)
/// with control characters escaped by [`escape_control`].
///
/// ```
/// use std::path::Path;
/// assert_eq!(erlterm::diagnostic::escape_path(Path::new("a\nb.config")), "a\\nb.config");
/// ```
pub fn escape_path(path: &Path) -> String {
    let shown = path.display().to_string();
    escape_control(&shown).into_owned()
}

#[cfg(feature = "diagnostics")]
fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(feature = "diagnostics")]
fn next_char_boundary(s: &str, mut i: usize) -> usize {
    i += 1;
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caret_column(text: &str) -> (usize, usize) {
        // The source line and the caret line under it.
        let lines: Vec<&str> = text.lines().collect();
        let caret = lines.iter().position(|l| l.contains('^')).unwrap();
        let src = lines[caret - 1];
        let col = lines[caret].find('^').unwrap();
        (src.chars().count(), src.chars().take(col).count())
    }

    #[test]
    fn control_characters_are_shown_and_carets_stay_aligned() {
        let src = "{a, \"x\u{1}\u{1b}[31m\" b}.\n";
        let e = crate::parse_str(src).unwrap_err();
        let text = e.render(src, "c\u{1b}.config");
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{1}'),
            "{text:?}"
        );
        assert!(text.contains("\"x\u{2401}\u{241b}[31m\" b}."), "{text}");
        assert!(text.contains("c\\e.config:1:15"), "{text}");
        let (_, col) = caret_column(&text);
        let line = text.lines().find(|l| l.contains("[31m")).unwrap();
        assert_eq!(line.chars().nth(col), Some('b'), "{text}");
    }

    #[test]
    fn only_the_lines_of_the_span_are_shown_with_their_numbers() {
        let src = "a.\nb.\n{c,\n d e}.\nf.\n";
        let e = crate::parse_str(src).unwrap_err();
        let text = e.render(src, "x");
        assert!(text.contains("x:4:4"), "{text}");
        assert!(text.contains("4 |  d e}."), "{text}");
        assert!(!text.contains("f."), "{text}");
    }

    #[test]
    fn crlf_and_tabs_are_kept() {
        let (s, r) = visible_source("a\tb\r\nc\rd", 0..9);
        assert_eq!(s, "a\tb\r\nc\u{240d}d");
        assert_eq!(r, 0..11);
        let (s, r) = visible_source("\u{202e}x", 3..4);
        assert_eq!(s, "\u{fffd}x");
        assert_eq!(r, 3..4);
        let (s, r) = visible_source("\u{85}x", 2..3);
        assert_eq!(s, "\u{fffd}x");
        assert_eq!(r, 3..4);
    }

    #[test]
    fn escapes() {
        assert_eq!(
            escape_control("a\u{0}b\u{7f}\u{9b}\u{202e}"),
            "a\\x00b\\x7f\\u{9b}\\u{202e}"
        );
        assert!(matches!(escape_control("ok"), Cow::Borrowed(_)));
    }
}
