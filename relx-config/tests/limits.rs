//! relx-config limits (LIMITS.md): each at its boundary, ok at the limit and
//! a typed `Limit` error one past it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use relx_config::rebar_config::RebarConfig;
use relx_config::substitute::{self, MAX_LINE_BYTES, MAX_REPLACEMENTS_PER_LINE};
use relx_config::vm_args::{VmArgs, MAX_ARGS, MAX_ARGS_FILES, MAX_ARGS_FILE_DEPTH};
use relx_config::ErrorKind;

fn is_limit<T: std::fmt::Debug>(r: relx_config::Result<T>) -> bool {
    matches!(r, Err(e) if matches!(e.kind, ErrorKind::Limit(_)))
}

/// `f1` includes `f2` ... up to `f{files}`, which holds `-x`.
fn chain(files: usize) -> relx_config::Result<Vec<String>> {
    let read = move |name: &str| {
        let n: usize = name[1..].parse().unwrap();
        Ok(if n >= files {
            "-x".to_owned()
        } else {
            format!("-args_file f{}", n + 1)
        })
    };
    VmArgs::parse("-args_file f1").expand(&read)
}

#[test]
fn args_file_nesting() {
    assert_eq!(chain(MAX_ARGS_FILE_DEPTH).unwrap(), ["-x"]);
    assert!(is_limit(chain(MAX_ARGS_FILE_DEPTH + 1)));
}

#[test]
fn args_files_read_in_total() {
    let read = |_: &str| Ok(String::new());
    let text = "-args_file e\n".repeat(MAX_ARGS_FILES);
    assert_eq!(VmArgs::parse(&text).expand(&read).unwrap().len(), 0);
    let text = "-args_file e\n".repeat(MAX_ARGS_FILES + 1);
    assert!(is_limit(VmArgs::parse(&text).expand(&read)));
    // A file that includes itself three times is read at most
    // MAX_ARGS_FILES times, not 3^16: quick, and an error.
    let start = std::time::Instant::now();
    let read = |_: &str| Ok("-args_file a -args_file a -args_file a".to_owned());
    assert!(is_limit(VmArgs::parse("-args_file a").expand(&read)));
    assert!(start.elapsed().as_secs() < 20);
}

#[test]
fn arguments_after_expansion() {
    let read = |_: &str| Ok("-a\n".repeat(MAX_ARGS - 1));
    assert_eq!(
        VmArgs::parse("-b -args_file x")
            .expand(&read)
            .unwrap()
            .len(),
        MAX_ARGS
    );
    assert!(is_limit(VmArgs::parse("-b -c -args_file x").expand(&read)));
}

#[test]
fn replacements_per_line() {
    let line = |n: usize| (0..n).map(|i| format!("${{V{i}}}")).collect::<String>();
    let none = |_: &str| None;
    assert_eq!(
        substitute::render(&line(MAX_REPLACEMENTS_PER_LINE), none).unwrap(),
        "\n"
    );
    assert!(is_limit(substitute::render(
        &line(MAX_REPLACEMENTS_PER_LINE + 1),
        none
    )));
}

#[test]
fn substituted_line_size() {
    let env: HashMap<&str, &str> = [("A", "")].into();
    let lookup = |k: &str| env.get(k).map(|v| v.to_string());
    let at = format!("${{A}}{}", "x".repeat(MAX_LINE_BYTES - 4));
    assert_eq!(at.len(), MAX_LINE_BYTES);
    assert!(substitute::render(&at, lookup).is_ok());
    let over = format!("${{A}}{}", "x".repeat(MAX_LINE_BYTES - 3));
    assert!(is_limit(substitute::render(&over, lookup)));
    // A value that doubles itself stops at the limit.
    let lookup = |_: &str| Some("${S}${S}".to_owned());
    assert!(is_limit(substitute::render("${S}", lookup)));
}

fn profiles(depth: usize) -> String {
    let mut s = "{deps, []}".to_owned();
    for _ in 0..depth {
        s = format!("{{profiles, [{{p, [{s}]}}]}}");
    }
    format!("{s}.")
}

#[test]
fn profile_nesting() {
    // Profiles inside profiles: 8 levels are read, a 9th is refused.
    assert!(RebarConfig::parse(&profiles(8)).is_ok());
    assert!(is_limit(RebarConfig::parse(&profiles(9))));
}
