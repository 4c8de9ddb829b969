//! Hermetic conformance: every `consult/cases/*.txt` must give exactly the
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! output OTP's `file:consult/1` gave (recorded in `consult/expected/` by
//! `consult/record.sh`), byte for byte: the terms, or the error reason.

use std::path::Path;

fn oracle_format(bytes: &[u8]) -> String {
    match erlterm::parse_bytes(bytes) {
        Ok(terms) => terms.iter().map(|t| format!("{t}\n")).collect(),
        Err(e) => format!("error {}\n", e.otp_reason()),
    }
}

#[test]
fn every_case_matches_otp() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/consult");
    let mut cases: Vec<_> = std::fs::read_dir(dir.join("cases"))
        .expect("cases dir")
        .map(|e| e.expect("entry").path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 150, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let input = std::fs::read(case).expect("case");
        let expected = std::fs::read_to_string(dir.join("expected").join(format!("{name}.out")))
            .expect("expected output recorded");
        let got = oracle_format(&input);
        if got != expected {
            failures.push(format!("{name}:\n  expected {expected}  got      {got}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn missing_file_is_enoent() {
    let e = erlterm::consult("/nonexistent/x.config").unwrap_err();
    assert_eq!(e.otp_reason().to_string(), "enoent");
}
