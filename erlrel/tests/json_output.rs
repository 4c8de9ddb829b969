//! Every `--format json` output parses with serde_json and has the fields
//! (names and types) scripts rely on.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{copy_dir, shop};

fn erlrel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_erlrel"))
        .args(args)
        .output()
        .unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

fn is_str_or_null(v: &Value) -> bool {
    v.is_string() || v.is_null()
}

#[test]
fn upgrade_check_json() {
    let to = shop();
    let to = to.to_str().unwrap();
    let o = erlrel(&[
        "upgrade", "check", "--from", "1.1.0", "--from", "1.0.0", "--to", to, "--format", "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o);
    assert_eq!(keys(&v), ["findings", "notes"]);
    assert!(v["notes"].as_array().unwrap().iter().all(Value::is_string));
    // A broken appup gives findings: check every field of one.
    let root = std::env::temp_dir().join(format!("erlrel-json-upgrade-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&shop(), &root);
    std::fs::write(
        root.join("lib/web-1.2.0/ebin/web.appup"),
        "{\"1.2.0\", [], []}.\n",
    )
    .unwrap();
    let o = erlrel(&[
        "upgrade",
        "check",
        "--from",
        "1.1.0",
        "--to",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(
            keys(f),
            ["app", "code", "from", "hint", "message", "module", "severity"]
        );
        assert!(f["code"].is_string() && f["message"].is_string());
        assert!(["error", "warning"].contains(&f["severity"].as_str().unwrap()));
        for k in ["from", "app", "module", "hint"] {
            assert!(is_str_or_null(&f[k]), "{k}: {f}");
        }
    }
    let first = &findings[0];
    assert_eq!(
        (first["code"].as_str(), first["app"].as_str()),
        (Some("no-matching-entry"), Some("web"))
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn audit_json() {
    let o = erlrel(&["audit", shop().to_str().unwrap(), "--format", "json"]);
    let v = json(&o);
    assert_eq!(
        keys(&v),
        [
            "erts_folders",
            "files",
            "findings",
            "notes",
            "passed",
            "release",
            "runtime_bundled",
            "versions"
        ]
    );
    // The exit status follows `passed`.
    let passed = v["passed"].as_bool().unwrap();
    assert_eq!(o.status.code(), Some(if passed { 0 } else { 1 }));
    assert_eq!(v["runtime_bundled"], Value::Bool(false));
    assert_eq!(v["versions"]["erts"], "13.1.5");
    assert_eq!(v["versions"]["otp_major"], 25);
    let evidence = v["versions"]["erts_evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 3, "{evidence:?}");
    assert!(evidence
        .iter()
        .all(|e| e["source"].is_string() && e["version"] == "13.1.5"));
    assert!(v["files"].as_array().unwrap().is_empty());
}

#[test]
fn check_json() {
    let dir = std::env::temp_dir().join(format!("erlrel-json-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("x.config");
    std::fs::write(&bad, "{a, b c}.\n").unwrap();
    let o = erlrel(&["check", "--format", "json", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(keys(&v), ["findings"]);
    let all = v["findings"].as_array().unwrap();
    assert_eq!(all.len(), 1, "{v}");
    let f = &all[0];
    assert_eq!(
        keys(f),
        ["code", "column", "file", "help", "line", "message", "severity"]
    );
    assert_eq!(f["file"], bad.to_str().unwrap());
    assert_eq!(
        (f["severity"].as_str(), f["code"].as_str()),
        (Some("error"), Some("parse"))
    );
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(7))
    );
    assert_eq!(f["message"], "syntax error before: c");
    assert!(is_str_or_null(&f["help"]));
    // A clean file: no findings.
    let good = dir.join("y.config");
    std::fs::write(&good, "{a, b}.\n").unwrap();
    let o = erlrel(&["check", "--format", "json", good.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json(&o), serde_json::json!({ "findings": [] }));
    std::fs::remove_dir_all(&dir).unwrap();
}
