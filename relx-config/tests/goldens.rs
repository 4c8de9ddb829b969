//! Golden tests: expected outputs recorded from OTP 25.2.3 (`erl
//! -args_file`, the VM loading `-config`) and from relx's own awk
//! substitution program, by `scripts/config/record-goldens.sh`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use relx_config::substitute::Template;
use relx_config::sys_config;
use relx_config::vm_args::{self, VmArgs};

fn dir(kind: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(kind)
}

fn sorted_entries(path: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn expected(kind: &str, name: &str) -> String {
    fs::read_to_string(dir(kind).join("expected").join(format!("{name}.out"))).unwrap()
}

/// The oracle prints a VM crash as the crash term; we print `<crash>`.
fn normalise(out: &str) -> String {
    if out.starts_with("error {") {
        "error <crash>\n".to_string()
    } else {
        out.to_string()
    }
}

#[test]
fn vm_args_agree_with_erl() {
    let cases = dir("vm_args").join("cases");
    let mut n = 0;
    for path in sorted_entries(&cases) {
        if path.extension().and_then(|e| e.to_str()) != Some("args") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let args = VmArgs::parse(&text).expand_from_dir(&cases).unwrap();
        let got: String = vm_args::oracle_lines(&args)
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(got, expected("vm_args", name), "case {name}");
        n += 1;
    }
    assert!(n >= 9, "only {n} cases");
}

#[test]
fn sys_config_agrees_with_the_vm() {
    let mut n = 0;
    for case in sorted_entries(&dir("sys_config").join("cases")) {
        if !case.is_dir() {
            continue;
        }
        let name = case.file_name().unwrap().to_str().unwrap();
        let got: String = sys_config::oracle_report(&case)
            .iter()
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(got, normalise(&expected("sys_config", name)), "case {name}");
        n += 1;
    }
    assert!(n >= 15, "only {n} cases");
}

fn read_env(path: &Path) -> HashMap<String, String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn substitution_agrees_with_relx_awk() {
    let cases = dir("substitute").join("cases");
    let mut n = 0;
    for path in sorted_entries(&cases) {
        if path.extension().and_then(|e| e.to_str()) != Some("src") {
            continue;
        }
        let name = path.file_stem().unwrap().to_str().unwrap();
        let env = read_env(&path.with_extension("env"));
        let got = Template::parse(&fs::read_to_string(&path).unwrap())
            .render(&env)
            .unwrap();
        assert_eq!(got, expected("substitute", name), "case {name}");
        n += 1;
    }
    assert!(n >= 5, "only {n} cases");
}
