//! `erlrel check` for rebar.config, .app(.src), sys.config(.src), vm.args(.src).

use std::collections::HashMap;
use std::path::Path;

use erlterm::diagnostic::Severity;
use erlterm::Span;
use relx_config::app_resource::{AppFileKind, AppResource};
use relx_config::rebar_config::RebarConfig;
use relx_config::substitute::Template;
use relx_config::sys_config::SysConfig;
use relx_config::vm_args::VmArgs;

use crate::check::{Finding, Kind};

/// Parse and model errors of a configuration file.
///
/// `.src` templates are rendered as the start script renders them, with
/// `env` (the environment and `--env` values): see [`src`].
pub fn check(kind: Kind, path: &Path, text: &str, env: &HashMap<String, String>) -> Vec<Finding> {
    match kind {
        Kind::RebarConfig => one(RebarConfig::parse(text).map(|c| c.warnings), "rebar_config"),
        Kind::App | Kind::AppSrc => app(kind, path, text),
        Kind::SysConfig => one(SysConfig::validate(text).map(|()| Vec::new()), "sys_config"),
        Kind::VmArgs => vm_args(text, Severity::Warning),
        Kind::SysConfigSrc | Kind::VmArgsSrc => src(kind, text, env),
        _ => match erlterm::parse_str(text) {
            Ok(_) => Vec::new(),
            Err(e) => vec![Finding::from_parse_error(&e)],
        },
    }
}

fn finding(e: &relx_config::Error, severity: Severity, code: &str) -> Finding {
    Finding {
        severity,
        code: code.to_string(),
        message: e.kind.to_string(),
        span: e.span,
        help: e.help.clone(),
    }
}

fn one(r: relx_config::Result<Vec<relx_config::Error>>, code: &str) -> Vec<Finding> {
    match r {
        Ok(warnings) => warnings
            .iter()
            .map(|w| finding(w, Severity::Warning, code))
            .collect(),
        Err(e) => vec![finding(&e, Severity::Error, code)],
    }
}

fn app(kind: Kind, path: &Path, text: &str) -> Vec<Finding> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let (file_kind, stem) = if kind == Kind::App {
        (AppFileKind::App, name.strip_suffix(".app"))
    } else {
        (AppFileKind::AppSrc, None)
    };
    one(
        AppResource::parse(text, file_kind, stem).map(|a| a.warnings),
        "app_resource",
    )
}

fn vm_args(text: &str, severity: Severity) -> Vec<Finding> {
    // erlexec accepts any text; relx's start-script check only matters for
    // a release's own vm.args (fragments pulled in by -args_file need no name).
    VmArgs::relx_checks(text)
        .iter()
        .map(|e| finding(e, severity, "vm_args"))
        .collect()
}

/// A placeholder for unset variables that fits wherever a variable can
/// stand in a term file: a whole term (an atom), inside a string or a
/// quoted atom, or part of an atom (`${NODE}@host`).
const PLACEHOLDER: &str = "x";

/// A `.src` template: rendered with `env` as the start script would.
///
/// Variables without a value and without a `:-default` are listed (a
/// note: the start script renders them empty). When the text rendered
/// that way does not parse but parses with every unset variable replaced
/// by a placeholder, the problem is the unset variables (a warning);
/// when it does not parse either way, it is a real syntax error (an
/// error).
fn src(kind: Kind, text: &str, env: &HashMap<String, String>) -> Vec<Finding> {
    let template = Template::parse(text);
    let unset = template.unset_variables(env);
    let rendered = match template.render(env) {
        Ok(r) => r,
        Err(e) => return vec![finding(&e, Severity::Error, "substitute")],
    };
    let mut out = Vec::new();
    if !unset.is_empty() {
        out.push(Finding {
            severity: Severity::Note,
            code: "substitute::unset".into(),
            message: format!(
                "variables without a value, rendered empty: {}",
                unset.join(", ")
            ),
            span: None,
            help: Some(format!(
                "set them in the environment or pass --env {}=VALUE",
                unset.first().copied().unwrap_or("VAR")
            )),
        });
    }
    if kind == Kind::VmArgsSrc {
        out.extend(
            vm_args(&rendered, Severity::Warning)
                .into_iter()
                .map(|mut f| {
                    f.span = map_span(text, &rendered, f.span);
                    f
                }),
        );
        return out;
    }
    let problems = one(
        SysConfig::validate(&rendered).map(|()| Vec::new()),
        "sys_config",
    );
    if problems.is_empty() {
        return out;
    }
    let with_placeholders = if unset.is_empty() {
        None
    } else {
        let mut filled = env.clone();
        for name in &unset {
            filled.insert((*name).to_string(), PLACEHOLDER.to_string());
        }
        template.render(&filled).ok()
    };
    let unset_cause = with_placeholders
        .as_deref()
        .is_some_and(|r| SysConfig::validate(r).is_ok());
    out.extend(problems.into_iter().map(|mut f| {
        f.span = map_span(text, &rendered, f.span);
        if unset_cause {
            f.severity = Severity::Warning;
            f.help = Some(format!(
                "the file is valid once {} {} set",
                unset.join(", "),
                if unset.len() == 1 { "is" } else { "are" }
            ));
        }
        f
    }));
    out
}

/// A span of the rendered text as a span of the template: the same bytes
/// when the line is unchanged by substitution (and no earlier line
/// changed length in lines), otherwise the whole template line.
fn map_span(template: &str, rendered: &str, span: Option<Span>) -> Option<Span> {
    let span = span?;
    let line = span.line.max(1) as usize;
    let t_line = template.split('\n').nth(line - 1)?;
    let r_line = rendered.split('\n').nth(line - 1)?;
    let t_start: usize = template
        .split('\n')
        .take(line - 1)
        .map(|l| l.len() + 1)
        .sum();
    if t_line == r_line {
        let r_start: usize = rendered
            .split('\n')
            .take(line - 1)
            .map(|l| l.len() + 1)
            .sum();
        let delta = i64::from(span.start) - r_start as i64;
        let start = u32::try_from(t_start as i64 + delta).ok()?;
        let len = span.end.saturating_sub(span.start);
        return Some(Span {
            start,
            end: start + len,
            ..span
        });
    }
    let u = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Some(Span {
        start: u(t_start),
        end: u(t_start + t_line.len()),
        line: span.line,
        column: 1,
    })
}
