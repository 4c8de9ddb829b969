//! Each lint fires on the mistake it documents, and stays quiet on
//! OTP-style appups.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use appup::lint::{lint, LintOptions};
use appup::Appup;

fn codes(text: &str, opts: &LintOptions) -> Vec<&'static str> {
    let appup = Appup::parse(text).unwrap();
    let mut c: Vec<_> = lint(&appup, opts).into_iter().map(|l| l.code).collect();
    c.sort();
    c.dedup();
    c
}

fn has(text: &str, code: &str) -> bool {
    codes(text, &LintOptions::default()).contains(&code.strip_prefix("").unwrap_or(code))
}

#[test]
fn otp_style_appups_are_clean() {
    let kernel_like = r#"{"8.5.3",
 [{<<"^8\\.0$">>,[restart_new_emulator]},
  {<<"^8\\.0\\.0(?:\\.[0-9]+)+$">>,[restart_new_emulator]},
  {<<"^8\\.1\\.1(?:\\.[0-9]+)*$">>,[restart_new_emulator]}],
 [{<<"^8\\.0$">>,[restart_new_emulator]},
  {<<"^8\\.0\\.0(?:\\.[0-9]+)+$">>,[restart_new_emulator]},
  {<<"^8\\.1\\.1(?:\\.[0-9]+)*$">>,[restart_new_emulator]}]}.
"#;
    assert_eq!(
        codes(kernel_like, &LintOptions::default()),
        Vec::<&str>::new()
    );
    let catch_all = r#"{"8.2.3",[{<<".*">>,[{restart_application, compiler}]}],
                      [{<<".*">>,[{restart_application, compiler}]}]}."#;
    assert_eq!(
        codes(catch_all, &LintOptions::default()),
        Vec::<&str>::new()
    );
}

#[test]
fn each_lint_fires() {
    assert!(has(
        r#"{"2", [{<<"1.0">>, []}], [{<<"1.0">>, []}]}."#,
        "appup::unescaped-dot"
    ));
    assert!(has(
        r#"{"5", [{<<"4\\.3\\.[0-4]">>, []}], [{<<"4\\.3\\.[0-4]">>, []}]}."#,
        "appup::partial-pattern"
    ));
    // The `$` says the short versions are meant.
    assert!(!has(
        r#"{"5", [{<<"4\\.3\\.[0-4]$">>, []}], [{<<"4\\.3\\.[0-4]$">>, []}]}."#,
        "appup::partial-pattern"
    ));
    assert!(has(
        r#"{"2", [{<<"|1\\.0">>, []}], []}."#,
        "appup::regex-never-matches"
    ));
    assert!(has(
        r#"{"2", [{<<".*">>, []}, {"1.0", []}], [{<<".*">>, []}]}."#,
        "appup::shadowed-entry"
    ));
    assert!(has(
        r#"{"1.1", [{<<"1\\.[0-9]">>, []}], [{<<"1\\.[0-9]">>, []}]}."#,
        "appup::matches-own-version"
    ));
    assert!(has(
        r#"{"2", [{"1", []}], []}."#,
        "appup::missing-downgrade"
    ));
    assert!(!has(
        r#"{"2", [{"1", []}], [{"1", []}]}."#,
        "appup::missing-downgrade"
    ));
    assert!(has(
        r#"{"2", [], []}. {"3", [], []}."#,
        "appup::extra-terms"
    ));
    assert!(has(r#"{"2", [{'1', []}, x], []}."#, "appup::skipped-entry"));
    assert!(has(r#"{<<"2">>, [], []}."#, "appup::vsn-not-string"));
    assert!(has(
        r#"{"2", [{<<"(">>, []}], []}."#,
        "appup::invalid-regex"
    ));
    assert!(has(
        r#"{"2", [{<<"(?=1)1">>, []}], []}."#,
        "appup::unsupported-regex"
    ));
}

#[test]
fn app_file_lints() {
    let text = r#"{"2", [{"1", [{load_module, a}, {update, typo}, {delete_module, gone}]}],
                       [{"1", [{add_module, gone}]}]}."#;
    let opts = LintOptions {
        app_modules: Some(vec!["a".into()]),
        app_vsn: Some("3".into()),
    };
    let appup = Appup::parse(text).unwrap();
    let lints = lint(&appup, &opts);
    let missing: Vec<_> = lints
        .iter()
        .filter(|l| l.code == "appup::module-not-in-app")
        .map(|l| l.message.clone())
        .collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert!(missing[0].contains("typo"));
    assert!(lints.iter().any(|l| l.code == "appup::vsn-mismatch"));
}
