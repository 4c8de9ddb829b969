//! rustc-style rendering of a message that points into a source text.

use annotate_snippets::{Level, Renderer, Snippet};

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

impl Severity {
    fn level(self) -> Level {
        match self {
            Severity::Note => Level::Note,
            Severity::Warning => Level::Warning,
            Severity::Error => Level::Error,
        }
    }
}

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
    let mut msg = severity.level().title(message);
    if let Some(code) = code {
        msg = msg.id(code);
    }
    msg = msg.snippet(
        Snippet::source(source)
            .line_start(1)
            .origin(origin)
            .fold(true)
            .annotation(severity.level().span(range)),
    );
    if let Some(help) = help {
        msg = msg.footer(Level::Help.title(help));
    }
    Renderer::plain().render(msg).to_string()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn next_char_boundary(s: &str, mut i: usize) -> usize {
    i += 1;
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}
