//! Test helpers: compile the fixture binaries of `fixtures/fixtures.txt`
//! with `cc`, and read the golden files recorded from hardening-check.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// One fixture of `fixtures.txt`.
pub struct Fixture {
    pub name: String,
    pub shared: bool,
    pub bytes: Vec<u8>,
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Every fixture, compiled once per test binary.
pub fn fixtures() -> &'static [Fixture] {
    static FIXTURES: std::sync::OnceLock<Vec<Fixture>> = std::sync::OnceLock::new();
    FIXTURES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build_fixtures(dir.path())
    })
}

/// Compiles every fixture into `out` and returns them.
pub fn build_fixtures(out: &Path) -> Vec<Fixture> {
    let spec = std::fs::read_to_string(fixtures_dir().join("fixtures.txt")).unwrap();
    let mut fixtures = Vec::new();
    for line in spec.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '|');
        let (name, src, flags) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let target = out.join(name);
        let status = Command::new("cc")
            .args(flags.split_whitespace())
            .arg("-o")
            .arg(&target)
            .arg(fixtures_dir().join(src))
            .status()
            .expect("cc runs");
        assert!(status.success(), "cc failed for fixture {name}");
        fixtures.push(Fixture {
            name: name.to_owned(),
            shared: flags.split_whitespace().any(|f| f == "-shared"),
            bytes: std::fs::read(&target).unwrap(),
        });
    }
    assert!(fixtures.len() >= 8, "fixtures.txt lists the fixtures");
    fixtures
}

/// `golden/hardening-check.txt`: fixture name -> [(label, message)].
pub fn golden_hardening_check() -> BTreeMap<String, Vec<(String, String)>> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/hardening-check.txt"),
    )
    .unwrap();
    let mut out: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix(' ') {
            let (label, message) = rest.split_once(": ").unwrap();
            out.get_mut(current.as_ref().unwrap())
                .unwrap()
                .push((label.to_owned(), message.to_owned()));
        } else if let Some(name) = line.strip_suffix(':') {
            current = Some(name.to_owned());
            out.insert(name.to_owned(), Vec::new());
        }
    }
    out
}

/// `golden/gnu-stack.txt`: fixture name -> readelf's GNU_STACK flags.
pub fn golden_gnu_stack() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/gnu-stack.txt"),
    )
    .unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(": "))
        .map(|(n, f)| (n.to_owned(), f.to_owned()))
        .collect()
}
