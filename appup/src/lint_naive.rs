//! The first implementation of the lints, quadratic (every entry against
//! every version-like string, every entry against every earlier one), kept
//! for tests only: `lint` must give exactly its findings.
#![allow(missing_docs, dead_code)]
//!
//! Pattern lints compare patterns on a finite universe of version-like
//! strings (numbers taken from the file itself and a few usual ones, in
//! 1 to 4 dotted components, plus pre-release suffixes). A finding that
//! depends on the universe always quotes a concrete example version.

use erlterm::diagnostic::Severity;
use erlterm::Span;

pub use crate::lint::{Lint, LintOptions};

use crate::model::{Appup, Entry, VsnSpec};
use crate::pattern::{PatternError, VsnRegex};
use crate::Direction;

/// Runs every lint on a parsed appup.
///
/// ```
/// let appup = appup::Appup::parse(r#"{"2", [{<<"1.0">>, []}], [{<<"1\\.0">>, []}]}."#).unwrap();
/// let lints = appup::lint::lint(&appup, &Default::default());
/// assert!(lints.iter().any(|l| l.code == "appup::unescaped-dot"));
/// ```
pub fn lint(appup: &Appup, opts: &LintOptions) -> Vec<Lint> {
    let universe = Universe::new(appup);
    let mut out = Vec::new();
    file_lints(appup, opts, &mut out);
    let up = compile_all(&appup.up_from, &universe, &mut out);
    let down = compile_all(&appup.down_to, &universe, &mut out);
    for (entries, compiled) in [(&appup.up_from, &up), (&appup.down_to, &down)] {
        for ((i, e), c) in entries.iter().enumerate().zip(compiled) {
            pattern_lints(e, c, &universe, &mut out);
            shadowed(entries, compiled, i, &universe, &mut out);
        }
        own_version(appup, entries, compiled, &universe, &mut out);
    }
    missing_downgrade(appup, &up, &down, &universe, &mut out);
    if let Some(mods) = &opts.app_modules {
        module_lints(appup, mods, &mut out);
    }
    out
}

fn warn(code: &'static str, span: Span, message: String, help: &str) -> Lint {
    Lint {
        code,
        severity: Severity::Warning,
        message,
        span,
        help: (!help.is_empty()).then(|| help.to_string()),
    }
}

fn file_lints(appup: &Appup, opts: &LintOptions, out: &mut Vec<Lint>) {
    if let Some(span) = appup.trailing {
        out.push(warn(
            "appup::extra-terms",
            span,
            "text after the first term: systools reads only the first term, file:consult (release_handler at run time) rejects the file".into(),
            "keep exactly one term in an .appup file",
        ));
    }
    for s in appup.up_skipped.iter().chain(&appup.down_skipped) {
        out.push(warn(
            "appup::skipped-entry",
            s.span,
            format!("systools silently skips {}: an entry is {{VsnString, Instructions}} or {{<<\"regex\">>, Instructions}}", crate::show::show(&s.term)),
            "write the version as a string (\"1.0\") or a binary regex (<<\"1\\\\.0\\\\..*\">>)",
        ));
    }
    match (&appup.vsn, &opts.app_vsn) {
        (None, _) => out.push(warn(
            "appup::vsn-not-string",
            appup.vsn_span,
            format!("the appup version {} is not a string; systools warns bad_vsn", crate::show::show(&appup.vsn_term)),
            "write the version as a string",
        )),
        (Some(v), Some(a)) if v != a => out.push(warn(
            "appup::vsn-mismatch",
            appup.vsn_span,
            format!("the appup is for version {v:?} but the .app file says {a:?}; systools warns bad_vsn"),
            "update the first element of the appup",
        )),
        _ => {}
    }
}

/// Version-like strings the patterns are compared on.
struct Universe {
    cands: Vec<String>,
}

impl Universe {
    fn new(appup: &Appup) -> Universe {
        let mut nums: Vec<String> = ["0", "1", "2", "9", "10", "11", "99"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut exact: Vec<String> = appup.vsn.iter().cloned().collect();
        for e in appup.up_from.iter().chain(&appup.down_to) {
            let text = match &e.spec {
                VsnSpec::Exact(s) => {
                    exact.push(s.clone());
                    s.clone()
                }
                VsnSpec::Regex(b) => String::from_utf8_lossy(b).into_owned(),
            };
            for n in text.split(|c: char| !c.is_ascii_digit()) {
                if !n.is_empty() && n.len() < 6 && !nums.iter().any(|x| x == n) && nums.len() < 14 {
                    nums.push(n.to_string());
                }
            }
        }
        let mut cands: Vec<String> = Vec::new();
        let mut level: Vec<String> = nums.clone();
        for depth in 1..=4 {
            cands.extend(level.iter().cloned());
            if depth == 4 {
                break;
            }
            let tails: &[String] = match nums.get(..3) {
                Some(first3) if depth == 3 => first3,
                _ => &nums,
            };
            level = level
                .iter()
                .flat_map(|p| tails.iter().map(move |n| format!("{p}.{n}")))
                .collect();
        }
        let three: Vec<String> = cands
            .iter()
            .filter(|c| c.matches('.').count() == 2)
            .take(200)
            .cloned()
            .collect();
        for c in three {
            for suffix in ["-rc1", "-beta", "+build.1"] {
                cands.push(format!("{c}{suffix}"));
            }
        }
        for e in appup.up_from.iter().chain(&appup.down_to) {
            if let VsnSpec::Regex(b) = &e.spec {
                exact.extend(samples(&String::from_utf8_lossy(b)));
            }
        }
        for x in &exact {
            cands.push(x.clone());
            cands.push(format!("{x}0"));
            cands.push(format!("{x}.1"));
        }
        cands.sort();
        cands.dedup();
        Universe { cands }
    }
}

/// Strings a pattern plausibly selects: each class replaced by its first
/// or its last character, escapes and repetition operators dropped.
fn samples(p: &str) -> Vec<String> {
    let mut out = vec![String::new(), String::new()];
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(n) = chars.next() {
                    let s = if n == 'd' { '7' } else { n };
                    out.iter_mut().for_each(|o| o.push(s));
                }
            }
            '[' => {
                let mut class = Vec::new();
                for n in chars.by_ref() {
                    if n == ']' && !class.is_empty() {
                        break;
                    }
                    class.push(n);
                }
                let pick: Vec<char> = class
                    .into_iter()
                    .filter(|c| !matches!(c, '-' | '^' | '\\'))
                    .collect();
                if let ([lo, hi], Some(a), Some(z)) =
                    (out.as_mut_slice(), pick.first(), pick.last())
                {
                    lo.push(*a);
                    hi.push(*z);
                }
            }
            '.' if matches!(chars.peek(), Some('*')) => {}
            '.' => out.iter_mut().for_each(|o| o.push('1')),
            '^' | '$' | '(' | ')' | '*' | '+' | '?' | '|' | ':' => {}
            c => out.iter_mut().for_each(|o| o.push(c)),
        }
    }
    out
}

/// A spec and the candidates it selects.
struct Compiled {
    regex: Option<VsnRegex>,
    matched: Vec<bool>,
}

impl Compiled {
    fn any(&self) -> bool {
        self.matched.iter().any(|m| *m)
    }
    /// Whether candidate `k` of the universe matched.
    fn matches(&self, k: usize) -> bool {
        self.matched.get(k).copied().unwrap_or(false)
    }
    fn all(&self) -> bool {
        self.matched.iter().all(|m| *m)
    }
}

fn compile_all(entries: &[Entry], u: &Universe, out: &mut Vec<Lint>) -> Vec<Compiled> {
    entries
        .iter()
        .map(|e| match &e.spec {
            VsnSpec::Exact(s) => Compiled {
                regex: None,
                matched: u.cands.iter().map(|c| c == s).collect(),
            },
            VsnSpec::Regex(b) => match VsnRegex::compile(b) {
                Ok(re) => Compiled {
                    matched: u
                        .cands
                        .iter()
                        .map(|c| re.whole_match(c).unwrap_or(false))
                        .collect(),
                    regex: Some(re),
                },
                Err(err) => {
                    out.push(pattern_error_lint(e, &err));
                    Compiled {
                        regex: None,
                        matched: vec![false; u.cands.len()],
                    }
                }
            },
        })
        .collect()
}

fn pattern_error_lint(e: &Entry, err: &PatternError) -> Lint {
    let crash = matches!(
        err,
        PatternError::Invalid { .. } | PatternError::InvalidUtf8 { .. }
    );
    Lint {
        code: if crash {
            "appup::invalid-regex"
        } else {
            "appup::unsupported-regex"
        },
        severity: if crash {
            Severity::Error
        } else {
            Severity::Warning
        },
        message: err.to_string(),
        span: e.spec_span,
        help: Some(if crash {
            "systools:make_relup raises badarg as soon as a lookup reaches this entry".into()
        } else {
            "OTP accepts this pattern but erlrel cannot evaluate it; prefer plain classes, alternations and quantifiers".into()
        }),
    }
}

fn example(u: &Universe, pick: impl Fn(usize) -> bool) -> Option<&str> {
    u.cands
        .iter()
        .enumerate()
        .find(|&(i, _)| pick(i))
        .map(|(_, c)| c.as_str())
}

fn pattern_lints(e: &Entry, c: &Compiled, u: &Universe, out: &mut Vec<Lint>) {
    let (VsnSpec::Regex(bytes), Some(re)) = (&e.spec, &c.regex) else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    if !c.any() {
        out.push(warn(
            "appup::regex-never-matches",
            e.spec_span,
            format!("<<\"{text}\">> matches none of {} version-like strings", u.cands.len()),
            "OTP requires the first match to be the whole version: check lazy quantifiers, empty alternatives and escapes",
        ));
    }
    if has_unescaped_dot(&text) {
        out.push(warn(
            "appup::unescaped-dot",
            e.spec_span,
            format!("`.` in <<\"{text}\">> matches any character, not only a dot"),
            "escape it: `\\\\.` in the Erlang source",
        ));
    }
    let anchored_end = text.ends_with('$') || text.ends_with("\\z") || text.ends_with("\\Z");
    if !anchored_end {
        if let Some((short, long)) = partial_trap(re, c, u) {
            out.push(warn(
                "appup::partial-pattern",
                e.spec_span,
                format!("<<\"{text}\">> matches {short:?} but not {long:?}: OTP takes the first match ({short:?}), which is not the whole version"),
                "if the longer versions are meant, widen the pattern (e.g. `[0-9]+`); if not, end it with `$` to say so",
            ));
        }
    }
}

/// A matched candidate `v` and `v` + digit whose first match is `v`.
fn partial_trap(re: &VsnRegex, c: &Compiled, u: &Universe) -> Option<(String, String)> {
    for (i, v) in u.cands.iter().enumerate() {
        if !c.matches(i) {
            continue;
        }
        for d in ['0', '5'] {
            let long = format!("{v}{d}");
            if !re.whole_match(&long).unwrap_or(true) && re.first_match(&long) == Some((0, v.len()))
            {
                return Some((v.clone(), long));
            }
        }
    }
    None
}

/// A `.` outside a class, not escaped, not followed by a quantifier.
fn has_unescaped_dot(p: &str) -> bool {
    let b = p.as_bytes();
    let (mut i, mut in_class) = (0, false);
    while let Some(&c) = b.get(i) {
        match c {
            b'\\' => i += 1,
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'.' if !in_class && !matches!(b.get(i + 1), Some(b'*' | b'+' | b'?' | b'{')) => {
                return true;
            }
            _ => {}
        }
        i += 1;
    }
    false
}

fn shadowed(entries: &[Entry], compiled: &[Compiled], j: usize, u: &Universe, out: &mut Vec<Lint>) {
    // `compiled` has one item per entry.
    let (Some(e), Some(cj)) = (entries.get(j), compiled.get(j)) else {
        return;
    };
    let before = compiled.iter().take(j);
    let by = match &e.spec {
        VsnSpec::Exact(s) => entries
            .iter()
            .take(j)
            .position(|x| x.spec.matches(s).unwrap_or(false)),
        VsnSpec::Regex(_) if cj.any() => {
            let covered = (0..u.cands.len())
                .filter(|&k| cj.matches(k))
                .all(|k| before.clone().any(|ci| ci.matches(k)));
            if covered {
                before
                    .clone()
                    .position(|ci| (0..u.cands.len()).any(|k| cj.matches(k) && ci.matches(k)))
            } else {
                None
            }
        }
        _ => None,
    };
    if let Some((i, by_entry)) = by.and_then(|i| Some((i, entries.get(i)?))) {
        out.push(warn(
            "appup::shadowed-entry",
            e.spec_span,
            format!(
                "entry {} is never used: every version it selects is selected first by entry {} ({})",
                e.spec,
                i + 1,
                by_entry.spec
            ),
            "systools takes the first matching entry in list order: move the specific entry first or remove it",
        ));
    }
}

fn own_version(
    appup: &Appup,
    entries: &[Entry],
    compiled: &[Compiled],
    _u: &Universe,
    out: &mut Vec<Lint>,
) {
    let Some(vsn) = &appup.vsn else {
        return;
    };
    for (e, c) in entries.iter().zip(compiled) {
        // A catch-all (`.*`) is deliberate; it is not reported.
        if c.all() {
            continue;
        }
        if e.spec.matches(vsn).unwrap_or(false) {
            out.push(warn(
                "appup::matches-own-version",
                e.spec_span,
                format!("{} selects the appup's own version {vsn:?}", e.spec),
                "an entry is for other versions; the pattern is probably broader than meant",
            ));
        }
    }
}

fn missing_downgrade(
    appup: &Appup,
    up: &[Compiled],
    down: &[Compiled],
    u: &Universe,
    out: &mut Vec<Lint>,
) {
    for (e, c) in appup.up_from.iter().zip(up) {
        let missing = match &e.spec {
            VsnSpec::Exact(s) => match appup.find(s, Direction::Down) {
                Ok(None) => Some(s.clone()),
                _ => None,
            },
            VsnSpec::Regex(b) => {
                let same = appup
                    .down_to
                    .iter()
                    .any(|d| d.spec == VsnSpec::Regex(b.clone()));
                if same {
                    None
                } else {
                    example(u, |k| c.matches(k) && !down.iter().any(|d| d.matches(k)))
                        .map(String::from)
                }
            }
        };
        if let Some(v) = missing {
            out.push(warn(
                "appup::missing-downgrade",
                e.spec_span,
                format!("upgrading from {v:?} is possible but no DownTo entry selects {v:?}"),
                "add a matching DownTo entry, or systools:make_relup fails for the downgrade (no_relup)",
            ));
        }
    }
}

fn module_lints(appup: &Appup, mods: &[String], out: &mut Vec<Lint>) {
    use crate::instruction::Instruction as I;
    // Only UpFrom: downgrades may name modules that exist only in the old version.
    for e in &appup.up_from {
        for ins in &e.instructions {
            let m = match &ins.op {
                I::Update { module, .. }
                | I::LoadModule { module, .. }
                | I::AddModule { module, .. } => module,
                _ => continue,
            };
            if !mods.iter().any(|x| x == m.as_str()) {
                out.push(warn(
                    "appup::module-not-in-app",
                    ins.span,
                    format!("module {m} is not in the modules list of the .app file"),
                    "systools loads the module from the new version's ebin: add it to `modules` or fix the name",
                ));
            }
        }
    }
}
