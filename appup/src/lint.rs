//! Lints: mistakes systools accepts silently. See the crate documentation
//! for the list of codes.
//!
//! Pattern lints compare patterns on a finite universe of version-like
//! strings (numbers taken from the file itself and a few usual ones, in
//! 1 to 4 dotted components, plus pre-release suffixes). A finding that
//! depends on the universe always quotes a concrete example version.
//!
//! Cost: each distinct pattern is compiled once and run only on the
//! strings that start with one of its literal prefixes (all of them when
//! it has none); the entries are then compared through, for each string,
//! the first entry selecting it. The pattern runs are capped at
//! [`MAX_PATTERN_EVALUATIONS`]: past it, the remaining patterns are not
//! compared and `appup::lint-limit` says which entries were not checked.

use erlterm::diagnostic::Severity;
use erlterm::Span;

use std::collections::{HashMap, HashSet};

use crate::model::{Appup, Entry, VsnSpec};
use crate::pattern::{PatternError, VsnRegex};

/// One lint finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Lint {
    /// Stable code, e.g. `appup::unescaped-dot`.
    pub code: &'static str,
    /// How serious.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: Span,
    /// How to fix it.
    pub help: Option<String>,
}

/// What is known about the application, for the lints that need it.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// The `modules` list of the application's `.app` file.
    pub app_modules: Option<Vec<String>>,
    /// The `vsn` of the application's `.app` file.
    pub app_vsn: Option<String>,
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

/// Most runs of version patterns on version-like strings that the lints
/// of one appup spend (about a second). Files that need more, e.g. tens of
/// thousands of distinct patterns without a literal prefix, get
/// `appup::lint-limit` and the patterns past the limit are not compared.
pub const MAX_PATTERN_EVALUATIONS: u64 = 10_000_000;

/// The work [`lint_counted`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LintWork {
    /// Version-like strings the patterns were compared on.
    pub candidates: usize,
    /// Distinct binary patterns compiled (each once).
    pub patterns_compiled: usize,
    /// Runs of a pattern on a version string.
    pub regex_evaluations: u64,
    /// Distinct patterns not compared because of the limit.
    pub patterns_skipped: usize,
}

/// Runs every lint on a parsed appup.
///
/// ```
/// let appup = appup::Appup::parse(r#"{"2", [{<<"1.0">>, []}], [{<<"1\\.0">>, []}]}."#).unwrap();
/// let lints = appup::lint::lint(&appup, &Default::default());
/// assert!(lints.iter().any(|l| l.code == "appup::unescaped-dot"));
/// ```
pub fn lint(appup: &Appup, opts: &LintOptions) -> Vec<Lint> {
    lint_counted(appup, opts).0
}

/// Like [`lint`], and says how much work it took.
///
/// ```
/// let appup = appup::Appup::parse(r#"{"2", [{<<"1\\.0">>, []}, {<<"1\\.0">>, []}], []}."#).unwrap();
/// let (_, work) = appup::lint::lint_counted(&appup, &Default::default());
/// assert_eq!(work.patterns_compiled, 1);
/// ```
pub fn lint_counted(appup: &Appup, opts: &LintOptions) -> (Vec<Lint>, LintWork) {
    lint_with_limit(appup, opts, MAX_PATTERN_EVALUATIONS)
}

/// Like [`lint_counted`], with another limit on pattern runs than
/// [`MAX_PATTERN_EVALUATIONS`].
///
/// ```
/// let text = r#"{"2", [{<<"1\\..*">>, []}], [{<<"1\\..*">>, []}]}."#;
/// let appup = appup::Appup::parse(text).unwrap();
/// let (lints, work) = appup::lint::lint_with_limit(&appup, &Default::default(), 0);
/// assert_eq!(lints[0].code, "appup::lint-limit");
/// assert_eq!(work.patterns_skipped, 1);
/// ```
pub fn lint_with_limit(appup: &Appup, opts: &LintOptions, limit: u64) -> (Vec<Lint>, LintWork) {
    let universe = Universe::new(appup);
    let mut out = Vec::new();
    file_lints(appup, opts, &mut out);
    let mut table = Patterns::new(&universe, limit, appup.vsn.as_deref());
    let up = table.select_all(&appup.up_from, &mut out);
    let down = table.select_all(&appup.down_to, &mut out);
    table.limit_lint(appup, &up, &down, &mut out);
    let up_index = DirIndex::new(&up, &table, universe.cands.len());
    let down_index = DirIndex::new(&down, &table, universe.cands.len());
    for (entries, sels, index) in [
        (&appup.up_from, &up, &up_index),
        (&appup.down_to, &down, &down_index),
    ] {
        for (j, (e, sel)) in entries.iter().zip(sels).enumerate() {
            pattern_lints(e, *sel, &table, &mut out);
            shadowed(entries, j, *sel, index, &mut out);
        }
        own_version(appup, entries, sels, &table, &mut out);
    }
    missing_downgrade(appup, &up, &down, &down_index, &mut table, &mut out);
    if let Some(mods) = &opts.app_modules {
        module_lints(appup, mods, &mut out);
    }
    let work = LintWork {
        candidates: universe.cands.len(),
        patterns_compiled: table.pats.len(),
        regex_evaluations: table.used,
        patterns_skipped: table.pats.iter().filter(|p| p.unevaluated()).count(),
    };
    (out, work)
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

    /// The index of `s`, which is a candidate (every exact version is).
    fn index(&self, s: &str) -> u32 {
        self.cands
            .binary_search_by(|c| c.as_str().cmp(s))
            .map_or(NONE, |k| k as u32)
    }

    /// The candidates starting with one of `prefixes` (all of them when
    /// `None`), as merged ranges of indices. Candidates are sorted, so
    /// those with a given prefix are contiguous.
    fn ranges(&self, prefixes: Option<&[Vec<u8>]>) -> Vec<std::ops::Range<usize>> {
        let Some(prefixes) = prefixes else {
            let all = 0..self.cands.len();
            return std::iter::once(all).collect();
        };
        let mut ranges: Vec<std::ops::Range<usize>> = prefixes
            .iter()
            .map(|p| {
                let p = p.as_slice();
                let lo = self.cands.partition_point(|c| c.as_bytes() < p);
                let hi = self
                    .cands
                    .partition_point(|c| c.as_bytes() < p || c.as_bytes().starts_with(p));
                lo..hi.max(lo)
            })
            .filter(|r| !r.is_empty())
            .collect();
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<std::ops::Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
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

/// What an entry's spec is in the pattern table.
#[derive(Clone, Copy, Debug)]
enum Sel {
    /// A string: the candidate it is (every exact version is one).
    Exact(u32),
    /// A binary: an index into [`Patterns::pats`].
    Pat(usize),
}

/// One distinct binary pattern.
struct Pat {
    /// The pattern text (lossy), for messages and the `$` test.
    text: String,
    /// The compiled pattern, or why it does not compile. Dropped once
    /// evaluated (a compiled pattern takes kilobytes) unless some versions
    /// make it fail ([`VsnRegex::unsupported_for`]).
    regex: Result<Option<VsnRegex>, PatternError>,
    /// The candidates it selects, ascending; `None`: not evaluated (limit).
    matched: Option<Vec<u32>>,
    /// A `partial-pattern` example, for evaluated patterns.
    trap: Option<(String, String)>,
    /// Whether it selects the appup's own version (computed once).
    own: Option<bool>,
    /// Its `missing-downgrade` example, if computed.
    missing: Option<Option<String>>,
}

impl Pat {
    fn unevaluated(&self) -> bool {
        self.regex.is_ok() && self.matched.is_none()
    }
}

/// The distinct patterns of the file and the candidates each selects.
struct Patterns<'u> {
    u: &'u Universe,
    pats: Vec<Pat>,
    by_bytes: HashMap<Vec<u8>, usize>,
    used: u64,
    limit: u64,
    stopped: bool,
    /// The appup's own version, for `matches-own-version`.
    vsn: Option<&'u str>,
}

impl<'u> Patterns<'u> {
    fn new(u: &'u Universe, limit: u64, vsn: Option<&'u str>) -> Self {
        Patterns {
            vsn,
            u,
            pats: Vec::new(),
            by_bytes: HashMap::new(),
            used: 0,
            limit,
            stopped: false,
        }
    }

    /// Each entry's selection; compiles and evaluates each distinct
    /// pattern once, in the order they first appear, and reports the ones
    /// that do not compile (at every entry using them).
    fn select_all(&mut self, entries: &[Entry], out: &mut Vec<Lint>) -> Vec<Sel> {
        entries
            .iter()
            .map(|e| match &e.spec {
                VsnSpec::Exact(s) => Sel::Exact(self.u.index(s)),
                VsnSpec::Regex(b) => {
                    let id = match self.by_bytes.get(b.as_slice()) {
                        Some(&id) => id,
                        None => {
                            let id = self.pats.len();
                            self.pats.push(Pat {
                                text: String::from_utf8_lossy(b).into_owned(),
                                regex: VsnRegex::compile(b).map(Some),
                                matched: None,
                                trap: None,
                                own: None,
                                missing: None,
                            });
                            self.by_bytes.insert(b.clone(), id);
                            self.evaluate(id);
                            id
                        }
                    };
                    if let Some(Pat {
                        regex: Err(err), ..
                    }) = self.pats.get(id)
                    {
                        out.push(pattern_error_lint(e, err));
                    }
                    Sel::Pat(id)
                }
            })
            .collect()
    }

    fn evaluate(&mut self, id: usize) {
        let u = self.u;
        let Some(p) = self.pats.get_mut(id) else {
            return;
        };
        let re = match &mut p.regex {
            Err(_) => {
                p.matched = Some(Vec::new());
                return;
            }
            Ok(re) if self.stopped => {
                *re = None;
                return;
            }
            Ok(re) => match re.take() {
                Some(re) => re,
                None => return,
            },
        };
        let ranges = u.ranges(re.prefixes());
        let size: u64 = ranges.iter().map(|r| r.len() as u64).sum();
        let anchored_end = anchored_end(&p.text);
        // Each candidate run once, and up to four runs for the
        // partial-pattern test of each selected one.
        let reserve = size * if anchored_end { 1 } else { 5 };
        if self.used.saturating_add(reserve) > self.limit {
            self.stopped = true;
            return;
        }
        if let Some(vsn) = self.vsn {
            self.used += 1;
            p.own = Some(re.whole_match(vsn).unwrap_or(false));
        }
        let mut matched = Vec::new();
        for k in ranges.into_iter().flatten() {
            self.used += 1;
            if u.cands
                .get(k)
                .is_some_and(|c| re.whole_match(c).unwrap_or(false))
            {
                matched.push(k as u32);
            }
        }
        if !anchored_end {
            p.trap = partial_trap(&re, &matched, u, &mut self.used);
        }
        p.matched = Some(matched);
        if re.version_sensitive() != (false, false) {
            p.regex = Ok(Some(re));
        }
    }

    fn get(&self, id: usize) -> Option<&Pat> {
        self.pats.get(id)
    }

    /// The candidates `sel` selects; `None` if not evaluated.
    fn matched<'a>(&'a self, sel: &'a Sel) -> Option<&'a [u32]> {
        match sel {
            Sel::Exact(k) => Some(std::slice::from_ref(k)),
            Sel::Pat(id) => self.get(*id)?.matched.as_deref(),
        }
    }

    /// One warning at the first entry whose pattern was not compared.
    fn limit_lint(&self, appup: &Appup, up: &[Sel], down: &[Sel], out: &mut Vec<Lint>) {
        if !self.stopped {
            return;
        }
        let entries = appup
            .up_from
            .iter()
            .zip(up)
            .chain(appup.down_to.iter().zip(down));
        let first = entries
            .clone()
            .position(|(_, sel)| self.is_unevaluated(*sel));
        let Some((i, (e, _))) = first.and_then(|i| Some((i, entries.clone().nth(i)?))) else {
            return;
        };
        let skipped = entries
            .skip(i)
            .filter(|(_, s)| self.is_unevaluated(**s))
            .count();
        out.push(warn(
            "appup::lint-limit",
            e.spec_span,
            format!(
                "{skipped} entries from here on were not compared with the others: the version patterns of this file take more than {} pattern runs on {} version-like strings; shadowed-entry, missing-downgrade, regex-never-matches, partial-pattern and matches-own-version are not checked past this entry",
                self.limit,
                self.u.cands.len()
            ),
            "the file itself is not wrong; split the appup's patterns or give them a literal prefix (e.g. `1\\.0\\.`) so that fewer version strings are tried",
        ));
    }

    fn is_unevaluated(&self, sel: Sel) -> bool {
        matches!(sel, Sel::Pat(id) if self.get(id).is_some_and(Pat::unevaluated))
    }
}

/// Whether `text` ends with an end anchor (`partial-pattern` is then not
/// checked).
fn anchored_end(text: &str) -> bool {
    text.ends_with('$') || text.ends_with("\\z") || text.ends_with("\\Z")
}

/// For one direction: for each candidate, the first entry selecting it;
/// entries from the first one not evaluated on are left out.
struct DirIndex {
    first_by: Vec<u32>,
    /// The first entry whose pattern was not evaluated (or the length).
    cut: usize,
    /// For each pattern (by id), the least and greatest `first_by` of the
    /// candidates it selects, computed at its first use.
    span_by_pat: HashMap<usize, (u32, u32)>,
    /// Compile errors among the entries, and a pattern that fails on
    /// versions with a newline, and one that fails on Latin-1 letters.
    any_compile_error: bool,
    nl: Option<usize>,
    wb: Option<usize>,
}

const NONE: u32 = u32::MAX;

impl DirIndex {
    fn new(sels: &[Sel], table: &Patterns<'_>, n_cands: usize) -> DirIndex {
        let cut = sels
            .iter()
            .position(|s| table.is_unevaluated(*s))
            .unwrap_or(sels.len());
        let mut first_by = vec![NONE; n_cands];
        let mut seen = HashSet::new();
        let (mut any_compile_error, mut nl, mut wb) = (false, None, None);
        for (i, sel) in sels.iter().enumerate() {
            if let Sel::Pat(id) = sel {
                match table.get(*id).map(|p| &p.regex) {
                    Some(Ok(Some(re))) => {
                        let (n, w) = re.version_sensitive();
                        if n && nl.is_none() {
                            nl = Some(*id);
                        }
                        if w && wb.is_none() {
                            wb = Some(*id);
                        }
                    }
                    Some(Err(_)) => any_compile_error = true,
                    _ => {}
                }
                // A later use of the same pattern is never the first.
                if !seen.insert(*id) {
                    continue;
                }
            }
            if i >= cut {
                continue;
            }
            for &k in table.matched(sel).unwrap_or(&[]) {
                if let Some(f) = first_by.get_mut(k as usize) {
                    if *f == NONE {
                        *f = i as u32;
                    }
                }
            }
        }
        let mut span_by_pat = HashMap::new();
        for sel in sels.iter().take(cut) {
            if let Sel::Pat(id) = sel {
                if span_by_pat.contains_key(id) {
                    continue;
                }
                let (mut lo, mut hi) = (NONE, 0);
                for &k in table.matched(sel).unwrap_or(&[]) {
                    let f = first_by.get(k as usize).copied().unwrap_or(NONE);
                    lo = lo.min(f);
                    hi = hi.max(f);
                }
                span_by_pat.insert(*id, (lo, hi));
            }
        }
        DirIndex {
            first_by,
            cut,
            span_by_pat,
            any_compile_error,
            nl,
            wb,
        }
    }

    fn first(&self, k: u32) -> u32 {
        self.first_by.get(k as usize).copied().unwrap_or(NONE)
    }
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

fn pattern_lints(e: &Entry, sel: Sel, table: &Patterns<'_>, out: &mut Vec<Lint>) {
    let Sel::Pat(id) = sel else {
        return;
    };
    let Some(Pat {
        text,
        regex: Ok(_),
        matched,
        trap,
        ..
    }) = table.get(id)
    else {
        return;
    };
    if matched.as_ref().is_some_and(|m| m.is_empty()) {
        out.push(warn(
            "appup::regex-never-matches",
            e.spec_span,
            format!("<<\"{text}\">> matches none of {} version-like strings", table.u.cands.len()),
            "OTP requires the first match to be the whole version: check lazy quantifiers, empty alternatives and escapes",
        ));
    }
    if has_unescaped_dot(text) {
        out.push(warn(
            "appup::unescaped-dot",
            e.spec_span,
            format!("`.` in <<\"{text}\">> matches any character, not only a dot"),
            "escape it: `\\\\.` in the Erlang source",
        ));
    }
    if let Some((short, long)) = trap {
        out.push(warn(
            "appup::partial-pattern",
            e.spec_span,
            format!("<<\"{text}\">> matches {short:?} but not {long:?}: OTP takes the first match ({short:?}), which is not the whole version"),
            "if the longer versions are meant, widen the pattern (e.g. `[0-9]+`); if not, end it with `$` to say so",
        ));
    }
}

/// A matched candidate `v` and `v` + digit whose first match is `v`.
fn partial_trap(
    re: &VsnRegex,
    matched: &[u32],
    u: &Universe,
    used: &mut u64,
) -> Option<(String, String)> {
    for v in matched.iter().filter_map(|&k| u.cands.get(k as usize)) {
        for d in ['0', '5'] {
            let long = format!("{v}{d}");
            *used += 2;
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

fn shadowed(entries: &[Entry], j: usize, sel: Sel, index: &DirIndex, out: &mut Vec<Lint>) {
    let Some(e) = entries.get(j) else {
        return;
    };
    if j >= index.cut {
        return;
    }
    let j32 = j as u32;
    let by = match sel {
        // The first entry selecting the version, if it comes before.
        Sel::Exact(k) => Some(index.first(k)).filter(|&f| f < j32),
        // Every selected version is selected by an earlier entry: the
        // first entry sharing one is the least of their first entries.
        Sel::Pat(id) => match index.span_by_pat.get(&id) {
            Some(&(lo, hi)) if lo != NONE && hi < j32 => Some(lo),
            _ => None,
        },
    };
    if let Some((i, by_entry)) = by.and_then(|i| Some((i, entries.get(i as usize)?))) {
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
    sels: &[Sel],
    table: &Patterns<'_>,
    out: &mut Vec<Lint>,
) {
    let Some(vsn) = &appup.vsn else {
        return;
    };
    let n_cands = table.u.cands.len();
    for (e, sel) in entries.iter().zip(sels) {
        let selects = match *sel {
            Sel::Exact(k) => {
                // A catch-all (`.*`) is deliberate; it is not reported.
                if n_cands == 1 {
                    continue;
                }
                table.u.cands.get(k as usize).is_some_and(|c| c == vsn)
            }
            Sel::Pat(id) => {
                let Some(p) = table.get(id) else {
                    continue;
                };
                // Not evaluated (limit): whether it is a catch-all is not known.
                let Some(matched) = &p.matched else {
                    continue;
                };
                if matched.len() == n_cands {
                    continue;
                }
                // Computed when the pattern was evaluated; a pattern that
                // does not compile selects nothing.
                p.own.unwrap_or(false)
            }
        };
        if selects {
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
    up: &[Sel],
    down: &[Sel],
    down_index: &DirIndex,
    table: &mut Patterns<'_>,
    out: &mut Vec<Lint>,
) {
    let down_complete = down_index.cut == down.len();
    let down_bytes: HashSet<&[u8]> = appup
        .down_to
        .iter()
        .filter_map(|d| match &d.spec {
            VsnSpec::Regex(b) => Some(b.as_slice()),
            VsnSpec::Exact(_) => None,
        })
        .collect();
    // Whether some DownTo pattern fails (rather than says no) on `v`:
    // `Appup::find` then gives an error, not "no entry".
    let fails_on = |table: &Patterns<'_>, v: &str| {
        down_index.any_compile_error
            || [down_index.nl, down_index.wb].iter().flatten().any(|&id| {
                matches!(table.get(id), Some(Pat { regex: Ok(Some(re)), .. }) if re.unsupported_for(v).is_some())
            })
    };
    for (e, sel) in appup.up_from.iter().zip(up) {
        let missing = match (&e.spec, *sel) {
            (VsnSpec::Exact(s), Sel::Exact(k)) => {
                if down_index.first(k) != NONE || fails_on(table, s) || !down_complete {
                    None
                } else {
                    Some(s.clone())
                }
            }
            (VsnSpec::Regex(b), Sel::Pat(id)) => {
                if down_bytes.contains(b.as_slice()) || !down_complete {
                    None
                } else {
                    match table.pats.get(id).map(|p| (&p.matched, &p.missing)) {
                        Some((_, Some(m))) => m.clone(),
                        Some((Some(matched), None)) => {
                            let m = matched
                                .iter()
                                .find(|&&k| down_index.first(k) == NONE)
                                .and_then(|&k| table.u.cands.get(k as usize))
                                .cloned();
                            if let Some(p) = table.pats.get_mut(id) {
                                p.missing = Some(m.clone());
                            }
                            m
                        }
                        _ => None,
                    }
                }
            }
            _ => None,
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
    let mods: HashSet<&str> = mods.iter().map(String::as_str).collect();
    // Only UpFrom: downgrades may name modules that exist only in the old version.
    for e in &appup.up_from {
        for ins in &e.instructions {
            let m = match &ins.op {
                I::Update { module, .. }
                | I::LoadModule { module, .. }
                | I::AddModule { module, .. } => module,
                _ => continue,
            };
            if !mods.contains(m.as_str()) {
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
#[cfg(test)]
mod tests {
    use super::*;

    /// Patterns (as written in Erlang) of the differential test: plain,
    /// anchored, partial, catch-all, never-matching, invalid, unsupported,
    /// newline- and Latin-1-sensitive.
    const PATTERNS: &[&str] = &[
        r"1\\.0",
        r"1\\.0\\..*",
        r"1\\..*",
        r".*",
        r"^1\\.[0-9]+$",
        r"1.0",
        r"|1\\.0",
        r"(",
        r"1\\.0\\.[0-4]",
        r"[0-9]+\\.0",
        r"(?i)V1",
        r"1\\.0$",
        r"\\b1\\.0",
        r"1\\.(0|1)",
        r"(?<=x)1",
        r"2\\.0",
        r"1\\.0(\\.[0-9]+)*",
        r"\\d+",
        r"x*",
        r"(\\d?|\\D+a)*",
        r".*x1",
        r".*0",
        r"[a-z]*1\\.0",
        r"(?:1|2)\\.[0-9]",
    ];
    const EXACT: &[&str] = &[
        "1.0",
        "1.0.1",
        "2.0",
        "1.1",
        r"1.0\n",
        "é1.0",
        "1.0.0-rc1",
        "10",
        "ax1",
    ];
    const VSNS: &[&str] = &[r#""2.0""#, r#""1.0""#, r#""1.0.1""#, "v"];

    /// A small deterministic generator (xorshift).
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
        fn entries(&mut self) -> String {
            let n = self.below(7);
            let items: Vec<String> = (0..n)
                .map(|i| {
                    let spec = if self.below(2) == 0 {
                        format!("<<\"{}\">>", PATTERNS[self.below(PATTERNS.len())])
                    } else {
                        format!("\"{}\"", EXACT[self.below(EXACT.len())])
                    };
                    format!("{{{spec}, [{{load_module, m{i}}}]}}")
                })
                .collect();
            format!("[{}]", items.join(", "))
        }
    }

    #[test]
    fn same_findings_as_the_pairwise_lints() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut nonempty = 0;
        for _ in 0..400 {
            let text = format!(
                "{{{}, {}, {}}}.",
                VSNS[rng.below(VSNS.len())],
                rng.entries(),
                rng.entries()
            );
            let appup = Appup::parse(&text).unwrap();
            let opts = LintOptions {
                app_modules: Some(vec!["m0".into(), "m2".into()]),
                app_vsn: Some("2.0".into()),
            };
            let new = lint(&appup, &opts);
            let old = crate::lint_naive::lint(&appup, &opts);
            assert_eq!(new, old, "{text}");
            nonempty += usize::from(!new.is_empty());
        }
        assert!(nonempty > 300);
    }

    #[test]
    fn the_limit_skips_patterns_and_says_so() {
        let text = r#"{"2.0", [{"1.0", []}, {<<"1\\..*">>, []}, {<<"3\\..*">>, []}],
                       [{<<"1\\..*">>, []}]}."#;
        let appup = Appup::parse(text).unwrap();
        let (all, work) = lint_counted(&appup, &LintOptions::default());
        assert_eq!(
            all,
            crate::lint_naive::lint(&appup, &LintOptions::default())
        );
        assert_eq!(work.patterns_skipped, 0);
        // The largest limit that skips something leaves room for the
        // first pattern only.
        let skips = |limit| {
            lint_with_limit(&appup, &LintOptions::default(), limit)
                .1
                .patterns_skipped
        };
        let (mut lo, mut hi) = (0, work.regex_evaluations * 5);
        assert_eq!((skips(lo), skips(hi)), (2, 0));
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if skips(mid) > 0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let (some, work2) = lint_with_limit(&appup, &LintOptions::default(), lo);
        assert_eq!(work2.patterns_skipped, 1);
        let limit = some.iter().find(|l| l.code == "appup::lint-limit").unwrap();
        assert!(
            limit.message.starts_with("1 entries from here on"),
            "{}",
            limit.message
        );
        assert_eq!(
            &text[limit.span.start as usize..limit.span.end as usize],
            r#"<<"3\\..*">>"#
        );
        // Nothing reported about the skipped pattern but its syntax.
        assert!(!some
            .iter()
            .any(|l| l.span == limit.span && l.code != "appup::lint-limit"));
    }

    #[test]
    fn unescaped_dot_rule() {
        assert!(has_unescaped_dot("1.0"));
        assert!(!has_unescaped_dot("1\\.0.*"));
        assert!(!has_unescaped_dot("[.]x.+"));
    }
}
