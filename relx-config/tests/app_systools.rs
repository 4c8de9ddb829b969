//! `AppResource::parse_for_release` against OTP: every case of
//! `app_systools/cases.txt` read as `systools_make:read_application/4`
//! reads it (OTP 25, recorded in `app_systools/otp.txt` by
//! `escript app_systools/oracle.escript app_systools/cases.txt`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use relx_config::app_resource::{AppResource, AppVsn, Limit, SystoolsAppError};

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/app_systools")
}

/// `(name, text)` of every case.
fn cases() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir().join("cases.txt")).unwrap();
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    for line in text.lines() {
        match line.strip_prefix("== ") {
            Some(name) => out.push((name.to_string(), Vec::new())),
            None => out.last_mut().unwrap().1.push(line),
        }
    }
    out.into_iter().map(|(n, l)| (n, l.join("\n"))).collect()
}

/// What the oracle prints for our result (OTP's `not_found` is a file
/// without a term: systools reads it as not found and searches on).
fn show(r: &Result<AppResource, relx_config::app_resource::SpannedAppError>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => match &e.error {
            SystoolsAppError::MissingParam(k) => format!("missing_param {k}"),
            SystoolsAppError::BadParam(k) => format!("bad_param {k}"),
            SystoolsAppError::Crash { .. } => "exit".into(),
            SystoolsAppError::BadlyFormatted(_) => "badly_formatted_application".into(),
            SystoolsAppError::Parse(m) if m == "no term in file" => "not_found".into(),
            SystoolsAppError::Parse(_) => "parse_error".into(),
            other => format!("{other:?}"),
        },
    }
}

#[test]
fn every_case_as_otp_reads_it() {
    let otp = std::fs::read_to_string(dir().join("otp.txt")).unwrap();
    let cases = cases();
    assert_eq!(cases.len(), otp.lines().count(), "re-record otp.txt");
    assert!(cases.len() > 40);
    let mut wrong = Vec::new();
    for ((name, text), line) in cases.iter().zip(otp.lines()) {
        let (otp_name, otp_result) = line.split_once(' ').unwrap();
        assert_eq!(name, otp_name);
        let got = show(&AppResource::parse_for_release(text));
        if got != otp_result {
            wrong.push(format!("{name}: OTP {otp_result}, we {got}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn values_and_defaults() {
    let text = cases()
        .into_iter()
        .find(|(n, _)| n == "valid_all_keys")
        .unwrap()
        .1;
    let a = AppResource::parse_for_release(&text).unwrap();
    assert_eq!(a.name, "a");
    assert_eq!(a.vsn, Some(AppVsn::String("1".into())));
    assert_eq!(a.id.as_deref(), Some("x"));
    assert_eq!(a.included_applications, [erlterm::Atom::new("b")]);
    assert_eq!(a.mod_.as_ref().map(|m| m.0.as_str()), Some("a_app"));
    assert_eq!(a.env.len(), 1);
    assert_eq!(a.max_t, Limit::Value(10));
    assert_eq!(a.max_p, Limit::Infinity);
    assert_eq!(a.runtime_dependencies, ["kernel-8.0"]);
    assert_eq!(a.extra.len(), 1);
    assert_eq!(a.extra[0].0, "licenses");
    assert!(a.warnings.is_empty());
    // keysearch: the first `vsn` wins, the later `{vsn, bad}` is not read.
    let first = cases()
        .into_iter()
        .find(|(n, _)| n == "first_key_wins")
        .unwrap()
        .1;
    let a = AppResource::parse_for_release(&first).unwrap();
    assert_eq!(a.vsn_string(), Some("1"));
    assert!(a.env.is_empty());
    // OTP's defaults for the optional keys.
    let minimal = "{application, a, [{description, \"\"}, {vsn, \"1\"}, {modules, []}, {registered, []}, {applications, []}]}.";
    let a = AppResource::parse_for_release(minimal).unwrap();
    assert_eq!((a.max_t, a.max_p), (Limit::Infinity, Limit::Infinity));
    assert!(a.mod_.is_none() && a.start_phases.is_none() && a.id.is_none());
}

#[test]
fn errors_point_at_the_value() {
    let text = "{application, a,\n  [{description, \"d\"}, {vsn, \"1\"}, {modules, [m]},\n   {registered, none}, {applications, []}]}.";
    let e = AppResource::parse_for_release(text).unwrap_err();
    assert_eq!(e.error, SystoolsAppError::BadParam("registered".into()));
    let span = e.span.unwrap();
    assert_eq!(&text[span.range()], "none");
    assert_eq!(span.line, 3);
    let e = AppResource::parse_for_release("{application, a, [{vsn, \"1\"}]}.").unwrap_err();
    assert_eq!(e.error.otp_tag(), "missing_param");
    assert_eq!(e.to_string(), "missing key description");
}
