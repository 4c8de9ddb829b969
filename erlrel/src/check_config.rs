//! `erlrel check` for rebar.config, .app(.src), sys.config(.src), vm.args(.src).

use std::collections::HashMap;
use std::path::Path;

use erlterm::diagnostic::Severity;
use relx_config::app_resource::{AppFileKind, AppResource};
use relx_config::rebar_config::RebarConfig;
use relx_config::substitute::Template;
use relx_config::sys_config::SysConfig;
use relx_config::vm_args::VmArgs;

use crate::check::{Finding, Kind};

/// Parse and model errors of a configuration file.
///
/// `.src` templates are rendered with an empty environment (every
/// `${VAR:-default}` takes its default, `${VAR}` becomes empty), as the
/// start script would on a machine where none is set; problems found in
/// the rendered text are warnings, since another environment may fix them.
pub fn check(kind: Kind, path: &Path, text: &str) -> Vec<Finding> {
    match kind {
        Kind::RebarConfig => one(RebarConfig::parse(text).map(|c| c.warnings), "rebar_config"),
        Kind::App | Kind::AppSrc => app(kind, path, text),
        Kind::SysConfig => one(SysConfig::parse(text).map(|_| Vec::new()), "sys_config"),
        Kind::VmArgs => vm_args(text, Severity::Warning),
        Kind::SysConfigSrc | Kind::VmArgsSrc => src(kind, text),
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

fn src(kind: Kind, text: &str) -> Vec<Finding> {
    let rendered = match Template::parse(text).render(&HashMap::new()) {
        Ok(r) => r,
        Err(e) => return vec![finding(&e, Severity::Error, "substitute")],
    };
    let mut out = if kind == Kind::VmArgsSrc {
        vm_args(&rendered, Severity::Warning)
    } else {
        one(
            SysConfig::parse(&rendered).map(|_| Vec::new()),
            "sys_config",
        )
        .into_iter()
        .map(|mut f| {
            f.severity = Severity::Warning;
            f.help = Some(format!(
                "{}the text was rendered with no environment variables set",
                f.help.map(|h| format!("{h}; ")).unwrap_or_default()
            ));
            f
        })
        .collect()
    };
    // Spans of the rendered text match the template's lines only.
    for f in &mut out {
        f.span = None;
    }
    out
}
