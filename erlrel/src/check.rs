//! `erlrel check PATH...`: parse errors, model errors and lints, for every
//! kind of release file, and for every release file inside a release
//! folder or tarball. Each kind has its own module that returns findings.
//!
//! Exit codes: 0 when no finding is an error, 1 when a file was read and
//! has error findings (or is rejected), 2 when a path could not be checked
//! at all (missing, unreadable, not a regular file or folder, bad usage).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use erlterm::diagnostic::Severity;
use erlterm::encoding::{detect, Encoding};
use erlterm::Span;

// Declared here rather than in main.rs: the module belongs to `check`.
#[path = "check_release.rs"]
pub mod check_release;

/// Arguments of `erlrel check`.
#[derive(clap::Args)]
pub struct Args {
    /// Files to check, release folders (with `releases/` and `lib/`), or
    /// release tarballs (`.tar.gz`, `.tgz`, `.tar`).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The kind of file, instead of deciding it from the name.
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// A variable for rendering `.src` templates, over the environment
    /// (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE", value_parser = parse_env)]
    env: Vec<(String, String)>,
    /// Refuse files larger than this many bytes (default 2147483648, 2 GiB),
    /// before reading them.
    #[arg(long, value_name = "N", default_value_t = erlterm::DEFAULT_MAX_FILE_BYTES)]
    max_bytes: u64,
}

fn parse_env(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

/// The kinds of file `erlrel check` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A `.appup` file.
    Appup,
    /// An `.appup.src` file (template or script-like).
    AppupSrc,
    /// `rebar.config`.
    RebarConfig,
    /// An `.app` file.
    App,
    /// An `.app.src` file.
    AppSrc,
    /// `sys.config`.
    SysConfig,
    /// `sys.config.src`.
    SysConfigSrc,
    /// `vm.args`.
    VmArgs,
    /// `vm.args.src`.
    VmArgsSrc,
    /// A `.rel` file.
    Rel,
    /// A relup file.
    Relup,
    /// Any other term file: only parsed, as `file:consult/1` reads it.
    Terms,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics.
    Human,
    /// A JSON object: `findings` (file, severity, code, message, line, column, help).
    Json,
}

/// One problem found in a file.
#[derive(Clone, Debug)]
pub struct Finding {
    /// How serious.
    pub severity: Severity,
    /// A stable code such as `parse` or `appup::unescaped-dot`.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// Where, if known.
    pub span: Option<Span>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Finding {
    /// A finding for a parse error.
    pub fn from_parse_error(e: &erlterm::Error) -> Finding {
        Finding {
            severity: Severity::Error,
            code: "parse".into(),
            message: e.kind.to_string(),
            span: Some(e.span),
            help: e.help.clone(),
        }
    }

    /// An error finding.
    pub fn error(code: &str, message: String, span: Option<Span>) -> Finding {
        Finding {
            severity: Severity::Error,
            code: code.into(),
            message,
            span,
            help: None,
        }
    }

    /// The same finding with a help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }
}

/// What the checks of one run share: the variables `.src` templates are
/// rendered with.
pub struct Context {
    /// The environment, with `--env` values over it.
    pub env: HashMap<String, String>,
    /// The largest file read (`--max-bytes`).
    pub max_bytes: u64,
}

/// Decides the kind of a file from its name, as rebar3 and relx name
/// release files: only `sys.config` and `sys.config.src` are sys configs
/// (relx's `{sys_config, File}` may name any file, which cannot be known
/// from the name); every other `*.config` (relx.config, reltool.config,
/// vars.config, elvis.config, CT configs...) is a plain term file.
pub fn detect_kind(path: &Path) -> Kind {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    kind_of_name(name)
}

/// [`detect_kind`] for a bare file name.
pub fn kind_of_name(name: &str) -> Kind {
    match name {
        "rebar.config" => return Kind::RebarConfig,
        "sys.config" => return Kind::SysConfig,
        "sys.config.src" => return Kind::SysConfigSrc,
        "vm.args" => return Kind::VmArgs,
        "vm.args.src" => return Kind::VmArgsSrc,
        "relup" => return Kind::Relup,
        _ => {}
    }
    let suffixes: [(&str, Kind); 5] = [
        (".appup.src", Kind::AppupSrc),
        (".appup", Kind::Appup),
        (".app.src", Kind::AppSrc),
        (".app", Kind::App),
        (".rel", Kind::Rel),
    ];
    suffixes
        .iter()
        .find(|(suffix, _)| name.ends_with(suffix))
        .map(|(_, k)| *k)
        .unwrap_or(Kind::Terms)
}

/// The text of a file as OTP decodes it (`coding:` comment, latin-1 or
/// UTF-8), and, for invalid UTF-8, the byte offset of the first bad byte.
/// Spans of the checks index this text.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, Option<usize>) {
    if detect(bytes) == Encoding::Latin1 {
        return (
            Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
            None,
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), None),
        Err(e) => (String::from_utf8_lossy(bytes), Some(e.valid_up_to())),
    }
}

/// Checks the bytes of one file of `kind`; returns the text the spans
/// index and the findings.
pub fn check_bytes<'a>(
    kind: Kind,
    path: &Path,
    bytes: &'a [u8],
    ctx: &Context,
) -> (Cow<'a, str>, Vec<Finding>) {
    let (text, bad_utf8) = decode(bytes);
    if let Some(at) = bad_utf8 {
        let findings = invalid_utf8(kind, path, bytes, &text, at, ctx);
        return (text, findings);
    }
    let findings = check_text(kind, path, bytes, &text, ctx);
    (text, findings)
}

fn check_text(kind: Kind, path: &Path, bytes: &[u8], text: &str, ctx: &Context) -> Vec<Finding> {
    match kind {
        Kind::Appup | Kind::AppupSrc => crate::check_appup::check(kind, path, text),
        Kind::RebarConfig
        | Kind::App
        | Kind::AppSrc
        | Kind::SysConfig
        | Kind::SysConfigSrc
        | Kind::VmArgs
        | Kind::VmArgsSrc => crate::check_config::check(kind, path, text, &ctx.env),
        Kind::Rel => check_release::rel(bytes).1,
        Kind::Relup => check_release::relup(bytes).1,
        Kind::Terms => match erlterm::parse_bytes(bytes) {
            Ok(_) => Vec::new(),
            Err(e) => vec![Finding::from_parse_error(&e)],
        },
    }
}

/// A file that is not valid UTF-8 and has no `coding: latin-1` comment.
/// `file:consult/1` and the VM refuse it; systools reads `.rel` and
/// `.appup` files only up to the first term's full stop, so bytes after it
/// do not matter there; erlexec reads vm.args as bytes.
fn invalid_utf8(
    kind: Kind,
    path: &Path,
    bytes: &[u8],
    text: &str,
    at: usize,
    ctx: &Context,
) -> Vec<Finding> {
    let valid = std::str::from_utf8(bytes.get(..at).unwrap_or_default()).unwrap_or_default();
    let span = span_at(text, valid.len());
    let help = "add `%% coding: latin-1` on the first line if the file is latin-1";
    match kind {
        Kind::Rel => check_release::rel(bytes).1,
        Kind::Appup | Kind::AppupSrc if erlterm::first_term_end(valid).is_some() => {
            let mut out = crate::check_appup::check(kind, path, valid);
            out.push(Finding {
                severity: Severity::Warning,
                code: "encoding".into(),
                message: "invalid UTF-8 after the first term (systools ignores it)".into(),
                span: Some(span),
                help: Some(help.into()),
            });
            out
        }
        Kind::VmArgs | Kind::VmArgsSrc => {
            let mut out = crate::check_config::check(kind, path, text, &ctx.env);
            out.push(Finding {
                severity: Severity::Warning,
                code: "encoding".into(),
                message: "invalid UTF-8 (erlexec passes the bytes on as they are)".into(),
                span: Some(span),
                help: None,
            });
            out
        }
        _ => vec![Finding::error("encoding", "invalid UTF-8".into(), Some(span)).with_help(help)],
    }
}

/// A one-character span at byte `offset` of `text`.
pub fn span_at(text: &str, offset: usize) -> Span {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let end = text
        .get(offset..)
        .and_then(|r| r.chars().next())
        .map_or(offset, |c| offset + c.len_utf8());
    let u = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span {
        start: u(offset),
        end: u(end),
        line: u(before.matches('\n').count() + 1),
        column: u(before.get(line_start..).unwrap_or_default().chars().count() + 1),
    }
}

/// How many characters of the offending line are shown on each side of a
/// span, and at most under it: a diagnostic stays small whatever the
/// length of the line.
const SNIPPET_CONTEXT: usize = 60;

/// `s` with control characters escaped (`\u{1b}`), so input cannot drive
/// the terminal.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c.is_control() && c != '\n' {
                    c.escape_default().collect()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

fn escape_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().collect()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Renders a finding rustc-style, showing at most
/// [`SNIPPET_CONTEXT`] characters of its line on each side of the span:
/// the output is bounded whatever the size of the file or line.
#[cfg(test)]
pub fn render_finding(source: &str, origin: &str, f: &Finding) -> String {
    render_finding_with(source, &LineIndex::new(source), origin, f)
}

/// The offsets of the newlines of a text, so that many findings on one
/// long line do not each scan the line (quadratic on one-line files).
pub struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    /// Indexes the newlines of `source`.
    pub fn new(source: &str) -> LineIndex {
        LineIndex {
            newlines: source.match_indices('\n').map(|(i, _)| i).collect(),
        }
    }

    /// The start and end (exclusive, without the newline) of the line
    /// holding byte `at`.
    fn line_bounds(&self, at: usize, len: usize) -> (usize, usize) {
        let k = self.newlines.partition_point(|&n| n < at);
        let start = match k.checked_sub(1) {
            Some(prev) => self.newlines.get(prev).map_or(0, |p| p + 1),
            None => 0,
        };
        (start, self.newlines.get(k).copied().unwrap_or(len))
    }
}

/// Renders a finding rustc-style, showing at most [`SNIPPET_CONTEXT`]
/// characters of its line on each side of the span, with the newlines of
/// `source` already indexed: the output is bounded whatever the size of
/// the file or line.
pub fn render_finding_with(source: &str, lines: &LineIndex, origin: &str, f: &Finding) -> String {
    // A path is one line: its newlines are escaped too.
    let origin = erlterm::diagnostic::escape_control(origin);
    let message = escape_control(&f.message);
    let mut out = format!("{}[{}]: {message}\n", severity_name(f.severity), f.code);
    if let Some(span) = f.span {
        let start = floor_boundary(source, (span.start as usize).min(source.len()));
        let (line_start, line_end) = lines.line_bounds(start, source.len());
        let end = floor_boundary(source, (span.end as usize).clamp(start, line_end));
        let line = span.line.max(1);
        let gutter = line.to_string().len();
        let pad = " ".repeat(gutter);
        out.push_str(&format!("{pad}--> {origin}:{line}:{}\n", span.column));
        let before: Vec<char> = source
            .get(line_start..start)
            .unwrap_or_default()
            .chars()
            .rev()
            .take(SNIPPET_CONTEXT + 1)
            .collect();
        let cut_before = before.len() > SNIPPET_CONTEXT;
        let before: String = before.into_iter().take(SNIPPET_CONTEXT).rev().collect();
        let under: String = source
            .get(start..end)
            .unwrap_or_default()
            .chars()
            .take(SNIPPET_CONTEXT)
            .collect();
        let after_all = source
            .get(start + under.len()..line_end)
            .unwrap_or_default();
        let after: String = after_all.chars().take(SNIPPET_CONTEXT).collect();
        let cut_after = after.len() < after_all.len();
        let before = format!(
            "{}{}",
            if cut_before { "..." } else { "" },
            escape_line(&before)
        );
        let under = escape_line(&under);
        let after = format!(
            "{}{}",
            escape_line(&after),
            if cut_after { "..." } else { "" }
        );
        out.push_str(&format!("{pad} |\n{line} | {before}{under}{after}\n"));
        let carets = under.chars().count().max(1);
        out.push_str(&format!(
            "{pad} | {}{}\n",
            " ".repeat(before.chars().count()),
            "^".repeat(carets)
        ));
    } else {
        out.push_str(&format!("  --> {origin}\n"));
    }
    if let Some(help) = &f.help {
        out.push_str(&format!("  = help: {}\n", escape_control(help)));
    }
    out
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One finding as `--format json` prints it.
#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    file: &'a str,
    severity: &'static str,
    code: &'a str,
    message: &'a str,
    line: u32,
    column: u32,
    help: Option<&'a str>,
}

/// A finding's JSON object, its fields in the order above.
fn json_finding(origin: &str, f: &Finding) -> String {
    let (line, column) = f.span.map_or((0, 0), |s| (s.line, s.column));
    let finding = JsonFinding {
        file: origin,
        severity: severity_name(f.severity),
        code: &f.code,
        message: &f.message,
        line,
        column,
        help: f.help.as_deref(),
    };
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_string(&finding).unwrap_or_default()
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Note => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// Collects findings and prints them in the chosen format.
pub struct Report {
    format: Format,
    json: Vec<String>,
    /// Error findings so far.
    pub errors: usize,
    /// Paths that could not be checked.
    pub unusable: usize,
    /// Why, as `--format json` prints them: (message, path).
    unusable_json: Vec<(String, String)>,
}

impl Report {
    fn new(format: Format) -> Report {
        Report {
            format,
            json: Vec::new(),
            errors: 0,
            unusable: 0,
            unusable_json: Vec::new(),
        }
    }

    /// Reports the findings of one file whose spans index `text`.
    pub fn findings(&mut self, origin: &str, text: &str, findings: &[Finding]) {
        let lines = match self.format {
            Format::Human if !findings.is_empty() => LineIndex::new(text),
            _ => LineIndex {
                newlines: Vec::new(),
            },
        };
        for f in findings {
            if f.severity == Severity::Error {
                self.errors += 1;
            }
            match self.format {
                Format::Human => eprint!("{}", render_finding_with(text, &lines, origin, f)),
                Format::Json => self.json.push(json_finding(origin, f)),
            }
        }
    }

    /// A path that could not be checked (exit code 2).
    pub fn unusable(&mut self, origin: &str, why: &str) {
        let message = format!(
            "{}: {}",
            erlterm::diagnostic::escape_control(origin),
            escape_control(why)
        );
        self.unusable_message(origin, message);
    }

    /// A path that could not be checked, with a message that names the
    /// path already (as erlterm's I/O errors do).
    pub fn unusable_error(&mut self, origin: &str, e: &erlterm::Error) {
        let message = escape_control(&e.to_string()).into_owned();
        self.unusable_message(origin, message);
    }

    /// A path that could not be checked, with a message that names the
    /// path already.
    pub fn unusable_message_named(&mut self, origin: &str, message: String) {
        let message = escape_control(&message).into_owned();
        self.unusable_message(origin, message);
    }

    fn unusable_message(&mut self, origin: &str, message: String) {
        self.unusable += 1;
        eprintln!("error: {message}");
        if self.format == Format::Json {
            self.unusable_json.push((message, origin.to_owned()));
        }
    }
}

/// Runs `erlrel check`.
pub fn run(args: &Args) -> ExitCode {
    let mut env: HashMap<String, String> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect();
    env.extend(args.env.iter().cloned());
    let ctx = Context {
        env,
        max_bytes: args.max_bytes,
    };
    let mut report = Report::new(args.format);
    for path in &args.files {
        check_path(path, args.kind, &ctx, &mut report);
    }
    if args.format == Format::Json {
        print_json(&report);
    }
    if report.unusable > 0 {
        ExitCode::from(2)
    } else if report.errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The `--format json` output, one object as every subcommand prints:
/// `{"findings": [...]}`, and when a path could not be checked (exit 2)
/// also the error object of `upgrade check` (`"ok": false, "error":
/// {"kind", "message", "path"}`) with every such error in `errors`.
fn print_json(report: &Report) {
    let findings: serde_json::Value = serde_json::from_str(&format!("[{}]", report.json.join(",")))
        .unwrap_or(serde_json::Value::Null);
    let Some((message, path)) = report.unusable_json.first() else {
        println!("{}", serde_json::json!({ "findings": findings }));
        return;
    };
    let error = |message: &str, path: &str| serde_json::json!({"kind": "could-not-run", "message": message, "path": path});
    let doc = serde_json::json!({
        "ok": false,
        "error": error(message, path),
        "errors": report
            .unusable_json
            .iter()
            .map(|(m, p)| error(m, p))
            .collect::<Vec<_>>(),
        "findings": findings,
    });
    println!("{doc}");
}

fn is_tarball(name: &str) -> bool {
    [".tar.gz", ".tgz", ".tar"]
        .iter()
        .any(|s| name.ends_with(s))
}

fn check_path(path: &Path, kind: Option<Kind>, ctx: &Context, report: &mut Report) {
    let origin = path.display().to_string();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return report.unusable(&origin, "no such file or folder")
        }
        // A link loop, a permission... named as erlterm names them.
        Err(e) => return report.unusable_error(&origin, &erlterm::file_error(path, &e)),
    };
    if meta.is_dir() {
        return check_release::check_folder(path, ctx, report);
    }
    if let Some(e) = erlterm::file_kind_error(path, &meta.file_type(), "a regular file or folder") {
        return report.unusable_error(&origin, &e);
    }
    // The size is checked before a byte is read.
    let bytes = match erlterm::read_file_with_limit(path, ctx.max_bytes) {
        Ok(b) => b,
        Err(e) => return report.unusable_error(&origin, &e),
    };
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if kind.is_none() && is_tarball(name) {
        return check_release::check_tarball(&origin, &bytes, ctx, report);
    }
    let kind = kind.unwrap_or_else(|| detect_kind(path));
    let (text, findings) = check_bytes(kind, path, &bytes, ctx);
    report.findings(&origin, &text, &findings);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_rebar3_and_relx_names() {
        for (name, kind) in [
            ("sys.config", Kind::SysConfig),
            ("sys.config.src", Kind::SysConfigSrc),
            ("relx.config", Kind::Terms),
            ("reltool.config", Kind::Terms),
            ("vars.config", Kind::Terms),
            ("elvis.config", Kind::Terms),
            ("dev_sys.config", Kind::Terms),
            ("rebar.config", Kind::RebarConfig),
            ("vm.args", Kind::VmArgs),
            ("vm.args.src", Kind::VmArgsSrc),
            ("relup", Kind::Relup),
            ("x.relup", Kind::Terms),
            ("shop.rel", Kind::Rel),
            ("web.app", Kind::App),
            ("web.app.src", Kind::AppSrc),
            ("web.appup", Kind::Appup),
            ("web.appup.src", Kind::AppupSrc),
        ] {
            assert_eq!(kind_of_name(name), kind, "{name}");
        }
    }

    #[test]
    fn render_is_bounded_on_long_lines() {
        let long = format!("[{}1 2]. ", "1,".repeat(1_000_000));
        let span = span_at(&long, long.find(" 2").unwrap_or(0) + 1);
        let f = Finding::error("parse", "syntax error before: 2".into(), Some(span));
        let out = render_finding(&long, "big.config", &f);
        assert!(out.len() < 600, "{}", out.len());
        assert!(
            out.contains("1 | ...1,1,") && out.contains("1,1,1 2]."),
            "{out}"
        );
        assert!(out.contains("big.config:1:2000004"), "{out}");
    }

    #[test]
    fn render_escapes_control_characters() {
        let src = "{a,\u{1b}[31m b}.";
        let f = Finding::error("parse", "bad \u{1b}".into(), Some(span_at(src, 10)));
        let out = render_finding(src, "x\u{7}.config", &f);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out}");
        assert!(out.contains("\\u{1b}"), "{out}");
    }
}
