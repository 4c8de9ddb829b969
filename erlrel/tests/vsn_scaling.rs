//! `vsn set` and `vsn bump` take time linear in the number of versions: a
//! rebar.config with 20000 relx releases took 244 s (the check of each
//! edited value counted the lines from the start of the file, and each
//! site searched the list of edits). Timed on N and 4N releases: linear
//! time is 4 times as long, quadratic 16 times; the bound is 9.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn project(n: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("erlrel-vsn-scaling-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let releases: Vec<String> = (0..n)
        .map(|i| format!("  {{release, {{r{i}, \"1.0.0\"}}, [kernel]}}"))
        .collect();
    std::fs::write(
        dir.join("rebar.config"),
        format!("{{relx, [\n{}\n]}}.\n", releases.join(",\n")),
    )
    .unwrap();
    let top: Vec<String> = (0..n)
        .map(|i| format!("{{release, {{t{i}, \"1.0.0\"}}, [kernel]}}.\n"))
        .collect();
    std::fs::write(dir.join("relx.config"), top.concat()).unwrap();
    dir
}

/// The shortest of three runs of `erlrel ARGS DIR` (which must succeed).
fn time(args: &[&str], n: usize) -> Duration {
    (0..3)
        .map(|_| {
            let dir = project(n);
            let start = Instant::now();
            let out = Command::new(env!("CARGO_BIN_EXE_erlrel"))
                .args(args)
                .arg(&dir)
                .output()
                .unwrap();
            let took = start.elapsed();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = std::fs::read_to_string(dir.join("relx.config")).unwrap();
            assert!(!text.contains("\"1.0.0\""), "{args:?} left a version");
            let _ = std::fs::remove_dir_all(&dir);
            took
        })
        .min()
        .unwrap()
}

#[test]
fn set_and_bump_are_linear_in_the_number_of_releases() {
    for args in [&["vsn", "set", "1.0.1"][..], &["vsn", "bump", "patch"][..]] {
        let small = time(args, 3000);
        let large = time(args, 12000);
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(0.001);
        assert!(
            ratio < 9.0,
            "{args:?}: {small:?} for 3000 releases, {large:?} for 12000 ({ratio:.1} times)"
        );
    }
}
