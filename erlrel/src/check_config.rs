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

/// A `.src` template: rendered with `env` as the start script would.
///
/// Variables without a value and without a `:-default` are named in a
/// warning (the start script renders them empty). A `sys.config.src` is
/// then checked twice:
///
/// * rendered with a neutral placeholder for each unset variable
///   ([`Template::render_placeholders`]): what is wrong there is the
///   file's own error (an error) if it is found at the same place with
///   the other placeholders ([`Template::render_other_placeholders`]);
///   otherwise the placeholder may be the cause (a warning naming the
///   variables near it);
/// * rendered as the start script renders it (unset = empty): what is
///   wrong only there is caused by the empty values (a warning naming the
///   variables), reported unless it is the same problem as above.
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
            severity: Severity::Warning,
            code: "substitute::unset".into(),
            message: format!(
                "variables without a value, rendered empty by the start script: {}",
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
    let problems = |r: &str| one(SysConfig::validate(r).map(|()| Vec::new()), "sys_config");
    let as_script = problems(&rendered);
    if unset.is_empty() {
        out.extend(as_script.into_iter().map(|mut f| {
            f.span = map_span(text, &rendered, f.span);
            f
        }));
        return out;
    }
    // Names the unset variables that may cause a problem at `span`.
    let blame = |mut f: Finding, r: &str, how: &str| -> Finding {
        let line = f.span.map_or(0, |s| s.line as usize);
        let near = template.unset_variables_near(env, line);
        f.span = map_span(text, r, f.span);
        if !near.is_empty() {
            f.severity = Severity::Warning;
            f.message = format!("{} ({how} {})", f.message, near.join(", "));
            f.help = Some(format!(
                "set {} (or pass --env {}=VALUE) to check this part of the file",
                near.join(", "),
                near.first().copied().unwrap_or("VAR")
            ));
        }
        f
    };
    let filled = template.render_placeholders(env).ok();
    let other = template
        .render_other_placeholders(env)
        .ok()
        .map(|r| problems(&r))
        .unwrap_or_default();
    let key = |f: &Finding| (f.message.clone(), f.span.map(|s| s.start));
    let own: Vec<Finding> = filled
        .as_deref()
        .map(|r| {
            problems(r)
                .into_iter()
                .map(|f| {
                    if other.iter().any(|o| key(o) == key(&f)) {
                        Finding {
                            span: map_span(text, r, f.span),
                            ..f
                        }
                    } else {
                        blame(f, r, "perhaps only because of the placeholder for")
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    for f in as_script {
        let mut f = blame(f, &rendered, "rendered empty:");
        if f.severity == Severity::Error {
            // Not near an unset variable: the file's own problem, already
            // reported from the placeholder rendering if it is found there.
            if own.iter().any(|o| o.severity == Severity::Error) {
                continue;
            }
            f.severity = Severity::Warning;
            f.help = Some(format!(
                "the start script renders {} empty",
                unset.join(", ")
            ));
        }
        if own
            .iter()
            .any(|o| o.span == f.span && o.severity == Severity::Error)
        {
            continue;
        }
        out.push(f);
    }
    out.extend(own);
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
