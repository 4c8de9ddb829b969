//! `${VAR}` / `${VAR:-default}` substitution as relx's extended start
//! script does it (`replace_os_vars`, an awk loop) for `sys.config.src` and
//! `vm.args.src`.
//!
//! Per line, while the line contains `${` followed later by `}`: take the
//! text between them (`var`), split it at the first `:-` into a name and a
//! default; the value is the environment value of the name; if `var`
//! contains `:-` and the value is empty, the default is used; then **every**
//! occurrence of that exact `${var}` on the line is replaced, and the line
//! is scanned again from the start (so a value that contains `${...}` is
//! substituted too). `$NAME` without braces is left alone, unset variables
//! become empty.
//!
//! awk uses `var` as a regular expression when replacing. For plain names
//! and defaults that is the same as a literal match; when `var` holds a
//! regex metacharacter (`$ ( ) [ ] * + ? | ^ \ {`) the script hangs or
//! replaces other text (`${A:-${B}}` loops forever), so such a reference
//! is an [`ErrorKind::Rejected`] error here. A value that keeps
//! reintroducing itself also makes awk loop forever; here it is an
//! [`ErrorKind::Limit`] error.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, Result};

/// Replacements allowed per line before giving up (awk would loop forever).
pub const MAX_REPLACEMENTS_PER_LINE: usize = 10_000;
/// Largest line the substitution may produce.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Characters that make awk's `gsub("[$]{" var "}", ...)` misbehave.
const REGEX_META: &str = "$()[]*+?|^\\{";

/// One piece of a template line, for inspecting which variables a
/// template uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Literal text.
    Text(String),
    /// `${name}` or `${name:-default}`.
    Var {
        /// The variable name (not validated: `${A B}` names `"A B"`).
        name: String,
        /// The text after the first `:-`, if present.
        default: Option<String>,
    },
}

/// A parsed `.src` template.
///
/// ```
/// use relx_config::substitute::Template;
/// use std::collections::HashMap;
/// let t = Template::parse("-sname ${NODE:-myrel}\n-setcookie ${COOKIE}\n");
/// let env = HashMap::from([("COOKIE".to_string(), "s3cret".to_string())]);
/// assert_eq!(t.render(&env).unwrap(), "-sname myrel\n-setcookie s3cret\n");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    source: String,
    segments: Vec<Segment>,
}

impl Template {
    /// Splits `source` into text and variable references.
    pub fn parse(source: &str) -> Template {
        Template {
            source: source.to_string(),
            segments: segments(source),
        }
    }

    /// The pieces, in order (a first-level view: a value that contains
    /// `${...}` would be substituted again at render time).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The names of the variables referenced, in order of first use.
    pub fn variables(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.segments {
            if let Segment::Var { name, .. } = s {
                if !out.contains(&name.as_str()) {
                    out.push(name);
                }
            }
        }
        out
    }

    /// The variables the template needs that `env` does not give, in order
    /// of first use: referenced without a `:-default` and unset or empty
    /// in `env` (the start script renders them empty).
    ///
    /// ```
    /// use relx_config::substitute::Template;
    /// use std::collections::HashMap;
    /// let t = Template::parse("${A} ${B:-b} ${C} ${A}");
    /// let env = HashMap::from([("C".to_string(), "c".to_string())]);
    /// assert_eq!(t.unset_variables(&env), vec!["A"]);
    /// ```
    pub fn unset_variables(&self, env: &HashMap<String, String>) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.segments {
            if let Segment::Var {
                name,
                default: None,
            } = s
            {
                if env.get(name).is_none_or(String::is_empty) && !out.contains(&name.as_str()) {
                    out.push(name);
                }
            }
        }
        out
    }

    /// Renders the template with `env` exactly as the start script would.
    pub fn render(&self, env: &HashMap<String, String>) -> Result<String> {
        render(&self.source, |name| env.get(name).cloned())
    }

    /// Renders like [`Template::render`], except that a reference the start
    /// script would render empty (no value, no `:-default`) becomes a
    /// neutral placeholder chosen by where it stands, so that a syntax
    /// check of the result finds the file's own errors, not the holes:
    ///
    /// * inside a string, quoted atom or comment: `x`;
    /// * bare, next to a letter, `_` or `@` (`${NODE}@host`, `n_${ID}`)
    ///   and not next to a digit: `x` (part of the atom);
    /// * bare otherwise (`{port, ${PORT}}`, `1.${MINOR}`, `-${N}`): `0`.
    ///
    /// ```
    /// use relx_config::substitute::Template;
    /// let t = Template::parse("{${A}, \"${A}\", ${A}@h, 1.${A}, ${A:-d}}");
    /// let out = t.render_placeholders(&Default::default()).unwrap();
    /// assert_eq!(out, "{0, \"x\", x@h, 1.0, d}\n");
    /// ```
    pub fn render_placeholders(&self, env: &HashMap<String, String>) -> Result<String> {
        self.render_holes(env, false)
    }

    /// [`Template::render_placeholders`] with the bare placeholders
    /// swapped (`x` where it writes `0`, `0` where it writes `x`; the
    /// same length): a problem found at the same place in both
    /// renderings does not come from the placeholders.
    ///
    /// ```
    /// use relx_config::substitute::Template;
    /// let t = Template::parse("{${A}, \"${A}\", ${A}@h}");
    /// let out = t.render_other_placeholders(&Default::default()).unwrap();
    /// assert_eq!(out, "{x, \"x\", 0@h}\n");
    /// ```
    pub fn render_other_placeholders(&self, env: &HashMap<String, String>) -> Result<String> {
        self.render_holes(env, true)
    }

    fn render_holes(&self, env: &HashMap<String, String>, swap: bool) -> Result<String> {
        if self.source.contains(HOLE) {
            // Cannot tell the holes from the text: one placeholder for all.
            return render_impl(&self.source, |name| env.get(name).cloned(), "x");
        }
        let rendered = render_impl(&self.source, |name| env.get(name).cloned(), HOLE_STR)?;
        Ok(fill_holes(&rendered, swap))
    }

    /// The variables of [`Template::unset_variables`] referenced on 1-based
    /// line `line` of the template or on the line before it (a syntax
    /// error caused by an empty value is found at the next token, which
    /// may be on the next line).
    ///
    /// ```
    /// use relx_config::substitute::Template;
    /// let t = Template::parse("[{a, ${A}\n}, {b, ${B}}].\n");
    /// assert_eq!(t.unset_variables_near(&Default::default(), 2), vec!["A", "B"]);
    /// assert_eq!(t.unset_variables_near(&Default::default(), 1), vec!["A"]);
    /// ```
    pub fn unset_variables_near(&self, env: &HashMap<String, String>, line: usize) -> Vec<&str> {
        let first = line.saturating_sub(2);
        let near: String = self
            .source
            .split('\n')
            .skip(first)
            .take(line - first)
            .collect::<Vec<_>>()
            .join("\n");
        let near = Template::parse(&near);
        let names = near.unset_variables(env);
        self.unset_variables(env)
            .into_iter()
            .filter(|n| names.contains(n))
            .collect()
    }
}

/// Marks, in a rendering, where an unset variable was.
const HOLE: char = '\u{1a}';
const HOLE_STR: &str = "\u{1a}";

/// Replaces each [`HOLE`] by the placeholder its context takes (see
/// [`Template::render_placeholders`]), tracking Erlang's strings, quoted
/// atoms, character literals and comments.
fn fill_holes(rendered: &str, swap: bool) -> String {
    #[derive(PartialEq)]
    enum At {
        Bare,
        Quoted(char),
        Comment,
    }
    let chars: Vec<char> = rendered.chars().collect();
    let mut out = String::with_capacity(rendered.len());
    let mut at = At::Bare;
    let mut i = 0;
    let is_atom_char =
        |c: Option<&char>| c.is_some_and(|c| c.is_alphabetic() || *c == '_' || *c == '@');
    let is_num_char =
        |c: Option<&char>| c.is_some_and(|c| c.is_ascii_digit() || matches!(c, '.' | '#'));
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c == HOLE {
            let placeholder = if at != At::Bare {
                'x'
            } else {
                // The neighbours, skipping adjacent holes.
                let prev = out.chars().last();
                let next = chars.get(i..).and_then(|r| r.iter().find(|&&n| n != HOLE));
                let numeric = is_num_char(prev.as_ref())
                    || matches!(prev, Some('-' | '+'))
                    || is_num_char(next);
                let atom = !numeric && (is_atom_char(prev.as_ref()) || is_atom_char(next));
                if atom != swap {
                    'x'
                } else {
                    '0'
                }
            };
            out.push(placeholder);
            continue;
        }
        out.push(c);
        match at {
            At::Bare => match c {
                '"' | '\'' => at = At::Quoted(c),
                '%' => at = At::Comment,
                // A character literal: `$"` is not a string.
                '$' => {
                    if let Some(&n) = chars.get(i) {
                        if n != HOLE {
                            out.push(n);
                            i += 1;
                            if n == '\\' {
                                if let Some(&m) = chars.get(i).filter(|&&m| m != HOLE) {
                                    out.push(m);
                                    i += 1;
                                }
                            }
                        }
                    }
                }
                _ => {}
            },
            At::Quoted(q) => {
                if c == '\\' {
                    if let Some(&n) = chars.get(i).filter(|&&n| n != HOLE) {
                        out.push(n);
                        i += 1;
                    }
                } else if c == q {
                    at = At::Bare;
                }
            }
            At::Comment => {
                if c == '\n' {
                    at = At::Bare;
                }
            }
        }
    }
    out
}

/// Splits one text into [`Segment`]s (first `${`, up to the first `}`).
fn segments(source: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut text = String::new();
    for (i, line) in source.split_inclusive('\n').enumerate() {
        let _ = i;
        let mut rest = line;
        while let Some((before, var, after)) = find_var(rest) {
            text.push_str(before);
            if !text.is_empty() {
                out.push(Segment::Text(std::mem::take(&mut text)));
            }
            let (name, default) = split_var(var);
            out.push(Segment::Var {
                name: name.to_string(),
                default: default.map(str::to_string),
            });
            rest = after;
        }
        text.push_str(rest);
    }
    if !text.is_empty() {
        out.push(Segment::Text(text));
    }
    out
}

/// The first `${...}` of `line`: (text before, inside, text after).
fn find_var(line: &str) -> Option<(&str, &str, &str)> {
    let start = line.find("${")?;
    let close = line[start + 2..].find('}')? + start + 2;
    Some((&line[..start], &line[start + 2..close], &line[close + 1..]))
}

/// `NAME:-default` → (`NAME`, Some(`default`)); `NAME` → (`NAME`, None).
fn split_var(var: &str) -> (&str, Option<&str>) {
    match var.split_once(":-") {
        Some((name, default)) => (name, Some(default)),
        None => (var, None),
    }
}

/// Renders `source` with `lookup` giving environment values.
///
/// Like awk, every line (including a last line without a newline) is
/// written followed by `\n`.
///
/// ```
/// let out = relx_config::substitute::render("-sname ${NODE:-shop}\n-setcookie ${COOKIE}", |name| {
///     (name == "COOKIE").then(|| "s3cret".to_string())
/// }).unwrap();
/// assert_eq!(out, "-sname shop\n-setcookie s3cret\n");
/// ```
pub fn render(source: &str, lookup: impl Fn(&str) -> Option<String>) -> Result<String> {
    render_impl(source, lookup, "")
}

/// [`render`], with `unset` standing for a reference without a value and
/// without a default (the start script writes nothing).
fn render_impl(
    source: &str,
    lookup: impl Fn(&str) -> Option<String>,
    unset: &str,
) -> Result<String> {
    let mut out = String::with_capacity(source.len());
    if source.is_empty() {
        return Ok(out);
    }
    let body = source.strip_suffix('\n').unwrap_or(source);
    for (index, line) in body.split('\n').enumerate() {
        out.push_str(&render_line(line, index + 1, &lookup, unset)?);
        out.push('\n');
    }
    Ok(out)
}

fn render_line(
    line: &str,
    number: usize,
    lookup: &impl Fn(&str) -> Option<String>,
    unset: &str,
) -> Result<String> {
    let mut line = line.to_string();
    let mut rounds = 0;
    while let Some((_, var, _)) = find_var(&line) {
        rounds += 1;
        if rounds > MAX_REPLACEMENTS_PER_LINE || line.len() > MAX_LINE_BYTES {
            return Err(Error::new(
                ErrorKind::Limit(format!(
                    "line {number}: substitution does not terminate (a value keeps reintroducing `${{...}}`)"
                )),
                None,
            ));
        }
        if let Some(c) = var.chars().find(|c| REGEX_META.contains(*c)) {
            return Err(Error::rejected(
                format!("line {number}: `${{{var}}}` contains `{c}`, which the start script's awk reads as a regular expression (it would hang or replace the wrong text)"),
                None,
            )
            .with_help("keep variable names and defaults to letters, digits, `_`, `-`, `.`, `:`, `/` and spaces"));
        }
        let (name, default) = split_var(var);
        let value = lookup(name).unwrap_or_default();
        let replacement = match default {
            Some(d) if value.is_empty() => d.to_string(),
            None if value.is_empty() => unset.to_string(),
            _ => value,
        };
        let pattern = format!("${{{var}}}");
        line = line.replace(&pattern, &replacement);
    }
    Ok(line)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_context() {
        let env = HashMap::from([("SET".to_string(), "v".to_string())]);
        let cases = [
            // Bare whole terms, numbers, signs: 0; atoms: x.
            ("{p, ${U}}", "{p, 0}"),
            ("{p, -${U}}", "{p, -0}"),
            ("{v, ${U}.${U}}", "{v, 0.0}"),
            ("{n, ${U}@h, n_${U}}", "{n, x@h, n_x}"),
            // Quoted: x, also after an escaped quote.
            ("{s, \"a\\\"${U}\", 'q${U}'}", "{s, \"a\\\"x\", 'qx'}"),
            // `$"` is a character, not a string; a comment is text.
            ("{c, $\", ${U}} % ${U}", "{c, $\", 0} % x"),
            // Set values and defaults as the start script renders them.
            ("{a, ${SET}, ${D:-d}, ${U}}", "{a, v, d, 0}"),
        ];
        for (src, want) in cases {
            let got = Template::parse(src).render_placeholders(&env).unwrap();
            assert_eq!(got, format!("{want}\n"), "{src}");
            // Same length in the other rendering, other bare choice.
            let other = Template::parse(src)
                .render_other_placeholders(&env)
                .unwrap();
            assert_eq!(other.len(), got.len(), "{src}");
        }
        assert_eq!(
            Template::parse("{p, ${U}}")
                .render_other_placeholders(&env)
                .unwrap(),
            "{p, x}\n"
        );
        // The start script's own rendering is unchanged.
        assert_eq!(
            Template::parse("{p, ${U}}").render(&env).unwrap(),
            "{p, }\n"
        );
    }

    /// The environment of the table in spec §5.2.
    fn env() -> HashMap<String, String> {
        [
            ("FOO", "foo"),
            ("AMP", "a&b"),
            ("BS", "a\\b"),
            ("NUM", "42"),
            ("EMPTY", ""),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn r(s: &str) -> String {
        Template::parse(s).render(&env()).unwrap()
    }

    #[test]
    fn spec_table() {
        assert_eq!(r("${FOO} ${FOO:-dflt}"), "foo foo\n");
        assert_eq!(r("${UNSET:-dflt}|${UNSET}|${UNSET:-}"), "dflt||\n");
        assert_eq!(r("$FOO"), "$FOO\n");
        assert_eq!(r("${UNSET:-a:-b}"), "a:-b\n");
        assert_eq!(r("${AMP} ${BS}"), "a&b a\\b\n");
        assert_eq!(r("${FOO}${FOO}"), "foofoo\n");
        assert_eq!(r("${EMPTY:-d}"), "d\n");
        assert_eq!(r("{\"${FOO}\", ${NUM}}"), "{\"foo\", 42}\n");
    }

    #[test]
    fn regex_metacharacters_are_rejected() {
        // awk loops forever on `${A:-${B}}` (the `$` of the pattern is an anchor).
        for t in ["${A:-${B}}", "${A:-(}", "${A:-a|b}", "${A:-x*}"] {
            let e = Template::parse(t).render(&env()).unwrap_err();
            assert!(matches!(e.kind, ErrorKind::Rejected(_)), "{t}");
        }
        assert_eq!(r("${A:-x.y/z w}"), "x.y/z w\n");
    }

    #[test]
    fn value_is_substituted_again() {
        let env = HashMap::from([
            ("A".to_string(), "${B}".to_string()),
            ("B".to_string(), "b".to_string()),
        ]);
        assert_eq!(Template::parse("x${A}y").render(&env).unwrap(), "xby\n");
    }

    #[test]
    fn self_referencing_value_is_an_error_not_a_hang() {
        let env = HashMap::from([("A".to_string(), "${A}".to_string())]);
        let err = Template::parse("${A}").render(&env).unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Limit(_)));
        let env = HashMap::from([("A".to_string(), "${A}${A}".to_string())]);
        assert!(Template::parse("${A}").render(&env).is_err());
    }

    #[test]
    fn lines_are_independent_and_newline_terminated() {
        assert_eq!(r("${UNSET:-x\n}"), "${UNSET:-x\n}\n");
        assert_eq!(r(""), "");
        assert_eq!(r("a\n\nb"), "a\n\nb\n");
    }

    #[test]
    fn segments_and_variables() {
        let t = Template::parse("a ${X:-1} ${Y} ${X}");
        assert_eq!(t.variables(), vec!["X", "Y"]);
        assert_eq!(
            t.segments()[1],
            Segment::Var {
                name: "X".into(),
                default: Some("1".into())
            }
        );
        assert_eq!(t.segments()[0], Segment::Text("a ".into()));
    }
}
