//! `.appup.src` templates as rebar3_appup_plugin renders them
//! (spec/config-files.md §7.2): bbmustache with the single key `vsn`.

/// A template construct this renderer does not implement.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unsupported mustache tag `{{{{{tag}}}}}` at byte {offset}")]
pub struct TemplateError {
    /// The tag text between the braces.
    pub tag: String,
    /// Byte offset of the tag.
    pub offset: usize,
}

/// bbmustache's HTML escaping of `{{name}}` values (`'` is kept).
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders `{{vsn}}` (HTML-escaped), `{{{vsn}}}` and `{{&vsn}}` (raw);
/// other keys render empty, comments `{{! ...}}` vanish; sections,
/// partials and delimiter changes are refused.
///
/// ```
/// let out = appup::template::render(r#"{"{{vsn}}", [], []}."#, "1.2.0").unwrap();
/// assert_eq!(out, r#"{"1.2.0", [], []}."#);
/// assert_eq!(appup::template::render("{{vsn}}", "a&b").unwrap(), "a&amp;b");
/// ```
pub fn render(text: &str, vsn: &str) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut offset = 0;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let triple = after.starts_with('{');
        let (inner, close_len) = if triple { (&after[1..], 3) } else { (after, 2) };
        let closer = if triple { "}}}" } else { "}}" };
        let Some(close) = inner.find(closer) else {
            // bbmustache leaves an unclosed tag as text.
            out.push_str(&rest[open..]);
            return Ok(out);
        };
        let tag = inner[..close].trim();
        let at = offset + open;
        let (raw, name) = match tag.strip_prefix('&') {
            Some(n) => (true, n.trim()),
            None => (triple, tag),
        };
        match name.chars().next() {
            Some('!') => {}
            Some('#' | '^' | '/' | '>' | '=') => {
                return Err(TemplateError {
                    tag: tag.into(),
                    offset: at,
                })
            }
            _ if name == "vsn" => out.push_str(&if raw {
                vsn.to_string()
            } else {
                html_escape(vsn)
            }),
            _ => {}
        }
        let consumed = open + 2 + usize::from(triple) + close + close_len;
        offset += consumed;
        rest = &rest[consumed..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        assert_eq!(
            render("{{{vsn}}}-{{ vsn }}", "<1>").unwrap(),
            "<1>-&lt;1&gt;"
        );
        assert_eq!(render("{{other}}x{{!c}}", "1").unwrap(), "x");
        assert_eq!(render("{{&vsn}}", "'\"").unwrap(), "'\"");
        assert!(render("{{#vsn}}{{/vsn}}", "1").is_err());
        assert_eq!(render("a {{ b", "1").unwrap(), "a {{ b");
    }
}
