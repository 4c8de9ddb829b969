//! `erlrel check` for `.appup` and `.appup.src` files: read errors, the
//! instructions systools would refuse, and the appup lints.
//!
//! When an `.app` file with the same stem sits next to the appup (the
//! `ebin` layout systools uses), its `modules` and `vsn` feed the
//! `module-not-in-app` and `vsn-mismatch` lints.

use std::path::Path;

use appup::lint::{lint, LintOptions};
use appup::{Appup, AppupError};
use erlterm::diagnostic::Severity;

use crate::check::{Finding, Kind};

/// Placeholder version for templates and `VSN` variables in `.appup.src`.
const SRC_VSN: &str = "0.0.0";

/// Parse errors, model errors and lints of an appup file.
pub fn check(kind: Kind, path: &Path, text: &str) -> Vec<Finding> {
    let templated = kind == Kind::AppupSrc;
    let parsed = if templated {
        Appup::parse(text).or_else(|_| Appup::parse_src(text, SRC_VSN))
    } else {
        Appup::parse(text)
    };
    let mut appup = match parsed {
        Ok(a) => a,
        Err(e) => return vec![error_finding(&e)],
    };
    let uses_placeholder = templated && appup.vsn.as_deref() == Some(SRC_VSN);
    let mut opts = sibling_app(path).unwrap_or_default();
    if uses_placeholder {
        // The real version is only known at build time.
        appup.vsn = Some(SRC_VSN.into());
        opts.app_vsn = None;
    }
    lint(&appup, &opts)
        .into_iter()
        .filter(|l| !(uses_placeholder && l.code == "appup::matches-own-version"))
        .map(|l| Finding {
            severity: l.severity,
            code: l.code.to_string(),
            message: l.message,
            span: Some(l.span),
            help: l.help,
        })
        .collect()
}

fn error_finding(e: &AppupError) -> Finding {
    let (code, help) = match e {
        AppupError::Parse(p) => return Finding::from_parse_error(p),
        AppupError::Empty => (
            "appup::empty",
            "an appup holds one term {Vsn, UpFrom, DownTo}",
        ),
        AppupError::NotAnAppup { .. } => (
            "appup::not-an-appup",
            "systools:make_relup reports file_problem for this file",
        ),
        AppupError::NotAList { .. } => (
            "appup::not-a-list",
            "systools:make_relup crashes (function_clause) on this file",
        ),
        AppupError::Instruction(i) => {
            return Finding {
                severity: Severity::Error,
                code: format!("appup::{}", i.reason.atom()),
                message: e.to_string(),
                span: Some(i.span),
                help: Some(format!(
                    "systools:make_relup returns {{error,systools_rc,{}}} when this entry is used",
                    appup::show::show(&i.otp_reason())
                )),
            }
        }
        AppupError::Template(_) => (
            "appup::template",
            "only {{vsn}}, {{{vsn}}} and {{&vsn}} tags are rendered",
        ),
        _ => ("appup::invalid", ""),
    };
    Finding {
        severity: Severity::Error,
        code: code.into(),
        message: e.to_string(),
        span: Some(e.span()),
        help: (!help.is_empty()).then(|| help.to_string()),
    }
}

/// The largest sibling `.app` read for the appup lints (a real one is a
/// few kilobytes).
const SIBLING_APP_MAX_BYTES: u64 = 16 << 20;

/// `modules` and `vsn` of `<stem>.app` next to `<stem>.appup`, if readable.
fn sibling_app(path: &Path) -> Option<LintOptions> {
    let name = path.file_name()?.to_str()?;
    let stem = name.strip_suffix(".appup")?;
    // Only a regular file, opened without blocking and bounded: a FIFO or
    // a device named like the .app is no .app (it hung `check`).
    let app = path.with_file_name(format!("{stem}.app"));
    let bytes = erlterm::read_file_with_limit(&app, SIBLING_APP_MAX_BYTES).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let terms = erlterm::parse_str(&text).ok()?;
    let [_, _, props] = terms.first()?.as_tuple()? else {
        return None;
    };
    let modules = props.proplist_get("modules").and_then(|m| {
        m.as_list()?
            .iter()
            .map(|x| x.as_atom().map(String::from))
            .collect::<Option<Vec<_>>>()
    });
    Some(LintOptions {
        app_modules: modules,
        app_vsn: props.proplist_get("vsn").and_then(|v| v.as_string()),
    })
}
