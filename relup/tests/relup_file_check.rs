//! `Relup::check` against OTP 25's `release_handler_1`: each script of
//! `relup_file_cases.txt` wrapped in a relup, compared with what
//! `check_script/2` (run by `check_install_release`) and `eval_script/5`
//! (run by `install_release`) answered, recorded in `relup_file_otp.txt`
//! by `escript relup_file_oracle.escript relup_file_cases.txt`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code

use std::path::Path;

use erlterm::Term;
use relup::relup::RelupProblem;
use relup::Relup;

fn tests_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

#[test]
fn scripts_are_judged_as_release_handler_does() {
    let cases = std::fs::read_to_string(tests_dir().join("relup_file_cases.txt")).unwrap();
    let golden = std::fs::read_to_string(tests_dir().join("relup_file_otp.txt")).unwrap();
    let mut failures = Vec::new();
    let scripts: Vec<&str> = cases.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(scripts.len(), golden.lines().count());
    for (script, line) in scripts.iter().zip(golden.lines()) {
        let [_, check, eval] = line.split('\t').collect::<Vec<_>>()[..] else {
            panic!("bad golden line {line}");
        };
        let term = |s: &str| erlterm::parse_str(&format!("{s}.")).unwrap().remove(0);
        let text = format!(
            "{{\"2\", [{{\"1\", [], {}}}], []}}.",
            script.trim_end_matches('.')
        );
        let result = Relup::check(text.as_bytes());
        assert!(result.relup.is_some(), "{script}");
        let problems: Vec<&RelupProblem> = result.problems.iter().map(|p| &p.problem).collect();
        let our_check = problems
            .iter()
            .map(|p| p.check_script_answer())
            .find(|a| *a != Term::atom("ok"))
            .unwrap_or_else(|| Term::atom("ok"));
        if our_check != term(check) {
            failures.push(format!(
                "{script}\n  check_script: otp {check}, ours {our_check} ({problems:?})"
            ));
        }
        let starts_new_emulator = script.starts_with("[restart_new_emulator");
        let otp_installs = matches!(eval, "ok" | "restart_emulator")
            || (starts_new_emulator && eval == "{error,restart_new_emulator}");
        let we_install = !problems.iter().any(|p| p.is_error());
        if otp_installs != we_install {
            failures.push(format!(
                "{script}\n  install: otp {eval}, ours {problems:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn codes(text: &str) -> Vec<&'static str> {
    Relup::check(text.as_bytes())
        .problems
        .iter()
        .map(|p| p.problem.code())
        .collect()
}

#[test]
fn file_shape() {
    assert_eq!(codes("nonsense."), ["not-a-relup"]);
    assert_eq!(codes(r#"{"1", [], []}. {"2", [], []}."#), ["term-count"]);
    assert_eq!(codes(""), ["term-count"]);
    assert_eq!(codes("{\"1\", [], [] "), ["unreadable"]);
    assert_eq!(codes(r#"{'1', [], []}."#), ["top-vsn"]);
    assert_eq!(codes(r#"{"1", x, []}."#), ["entries-not-a-list"]);
    assert_eq!(codes(r#"{"1", [{"0", []}], []}."#), ["bad-entry"]);
    assert_eq!(codes(r#"{"1", [{'0', [], []}], []}."#), ["entry-vsn"]);
    assert_eq!(
        codes(r#"{"1", [{"0", [], x}], []}."#),
        ["script-not-a-list"]
    );
    assert_eq!(
        codes(r#"{"1", [{"0", [], []}, {"0", [], []}], []}."#),
        ["duplicate-entry"]
    );
    let r = Relup::check(b"{\"1\", [{\"0\", [], []}, {\"0\", [], []}], []}.");
    assert!(!r.problems[0].problem.is_error());
    // invalid UTF-8 is refused as file:consult/1 refuses it
    assert_eq!(
        codes("{\"1\", [], [{\"\u{e9}\", [], []}]}."),
        Vec::<&str>::new()
    );
    assert_eq!(
        Relup::check(b"{\"1\", [], [{\"\xE9\", [], []}]}.").problems[0]
            .problem
            .code(),
        "unreadable"
    );
    assert!(
        Relup::check(b"%% coding: latin-1\n{\"1\", [], [{\"\xE9\", [], []}]}.")
            .problems
            .is_empty()
    );
}

#[test]
fn spans_point_at_the_instruction() {
    let text = "{\"2\",\n [{\"1\", [], [point_of_no_return,\n   nonsense]}],\n []}.";
    let r = Relup::check(text.as_bytes());
    let span = r.problems[0].span.unwrap();
    assert_eq!(&text[span.range()], "nonsense");
    assert_eq!((span.line, span.column), (3, 4));
    let msg = r.problems[0].problem.to_string();
    assert_eq!(msg, "nonsense is not allowed after point_of_no_return");
}

#[test]
fn otp_relups_of_the_corpus_pass() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/relup");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return; // the shared corpus is not checked out
    };
    let mut n = 0;
    for e in entries {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("generated__otp-systools") {
            continue;
        }
        let r = Relup::check(&std::fs::read(&path).unwrap());
        assert!(r.problems.is_empty(), "{name}: {:?}", r.problems);
        assert!(r.relup.is_some());
        n += 1;
    }
    assert!(n >= 3, "the corpus has 3 relups made by systools");
}
