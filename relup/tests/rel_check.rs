//! The `.rel` checks of `Release::read` against OTP 25's answers
//! (`rel_otp.txt`, recorded by `escript rel_oracle.escript rel_cases`:
//! what `systools_make:read_release/2` returns or throws for each file of
//! `rel_cases/`), and the spans of the offending terms.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code

use std::path::Path;

use erlterm::Term;
use relup::Release;

fn ours(bytes: &[u8]) -> (String, String) {
    match Release::read(bytes) {
        Ok(rel) => {
            let ws = if rel.missing_sasl() {
                "[{warning,missing_sasl}]"
            } else {
                "[]"
            };
            ("ok".into(), ws.into())
        }
        Err(e) => ("error".into(), e.error.otp_reason().to_string()),
    }
}

#[test]
fn rel_checks_equal_otp() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let golden = std::fs::read_to_string(dir.join("rel_otp.txt")).expect("rel_otp.txt");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in golden.lines() {
        let [name, status, reason] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("bad golden line {line}");
        };
        let bytes = std::fs::read(dir.join("rel_cases").join(format!("{name}.rel"))).unwrap();
        // OTP prints with ~w: compare as terms.
        let want = erlterm::parse_str(&format!("{reason}."))
            .expect("golden parses")
            .remove(0);
        let (s, r) = ours(&bytes);
        let got: Term = erlterm::parse_str(&format!("{r}.")).unwrap().remove(0);
        if s != status || got != want {
            failures.push(format!("{name}: otp {status} {reason}, ours {s} {r}"));
        }
        n += 1;
    }
    assert!(n >= 35, "recorded cases are missing");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn span_text(src: &str) -> String {
    let e = Release::parse_spanned(src).unwrap_err();
    src[e.error_span().range()].to_string()
}

trait SpanOf {
    fn error_span(&self) -> erlterm::Span;
}
impl SpanOf for relup::release::SpannedReleaseError {
    fn error_span(&self) -> erlterm::Span {
        self.span.expect("a span")
    }
}

#[test]
fn spans_point_at_the_offending_term() {
    let apps = r#"[{kernel, "9"}, {stdlib, "5"}]"#;
    assert_eq!(span_text("{release, demo}."), "{release, demo}");
    assert_eq!(
        span_text(&format!(
            r#"{{release, {{"d", "1"}}, {{erts, 13}}, {apps}}}."#
        )),
        "13"
    );
    assert_eq!(
        span_text(&format!(
            r#"{{release, {{"d", "1"}}, {{ertz, "13"}}, {apps}}}."#
        )),
        "ertz"
    );
    assert_eq!(
        span_text(&format!(
            r#"{{release, {{"d", <<"1">>}}, {{erts, "13"}}, {apps}}}."#
        )),
        r#"<<"1">>"#
    );
    assert_eq!(
        span_text(r#"{release, {"d", "1"}, {erts, "13"}, [{kernel, "9"}, {stdlib, "5", load}]}."#),
        r#"{stdlib, "5", load}"#
    );
    assert_eq!(
        span_text(
            r#"{release, {"d", "1"}, {erts, "13"}, [{kernel, "9"}, {x, "1", bogus}, {stdlib, "5"}, y]}."#
        ),
        r#"{x, "1", bogus}"#
    );
    assert_eq!(
        span_text(r#"{release, {"d", "1"}, {erts, "13"}, [{stdlib, "5"}]}."#),
        r#"[{stdlib, "5"}]"#
    );
    // The second line: spans carry OTP's line numbers.
    let e = Release::parse_spanned("{release, {\"d\", \"1\"},\n {erts, x}, []}.").unwrap_err();
    assert_eq!(e.span.unwrap().line, 2);
}

#[test]
fn messages_show_versions_as_strings() {
    let e = Release::parse(r#"{release, {"d", "1"}, {erts, "13"}, [{kernel, "9"}, {stdlib, "5"}, {x, "1.0", bogus}]}."#)
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains(r#"{x,"1.0",bogus}"#), "{msg}");
    assert!(!msg.contains("[49"), "{msg}");
    let e = Release::parse(r#"{release, {"d", <<"1">>}, {erts, "13"}, []}."#).unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"the release version <<"1">> is not a string"#
    );
}

#[test]
fn from_term_agrees_with_the_spanned_check() {
    for src in [
        r#"{release, {"d", "1"}, {erts, 13}, []}."#,
        r#"{release, {"d", "1"}, {erts, "13"}, [{kernel, "9"}, {stdlib, "5"}]}."#,
        r#"{release, {"d", "1"}, {erts, "13"}, [{kernel, "9"} | x]}."#,
    ] {
        let term = erlterm::parse_str(src).unwrap().remove(0);
        assert_eq!(
            Release::from_term(&term),
            Release::parse_spanned(src).map_err(|e| e.error),
            "{src}"
        );
    }
}
