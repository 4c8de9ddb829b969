//! Peak memory of the version commands on the densest input (issue #22):
//! an `.app.src` whose `modules` list holds one-letter atoms, 2 bytes per
//! element. A spanned tree of the file costs 48 bytes per element (24
//! times the file), so a command that kept one — as `vsn set` did, at 75
//! times the file — fails here. Measured with `/usr/bin/time -f %M`
//! (maximum resident set size), against the same command on a tiny file
//! (the program's own footprint). `/usr/bin/time` is required: without it
//! the test fails, it does not pass unmeasured.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The dense file's size.
const DENSE_BYTES: usize = 1_000_000;

fn project(name: &str, modules: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("erlrel-vsn-memory-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let list = vec!["a"; modules].join(",");
    std::fs::write(
        dir.join("src/x.app.src"),
        format!("{{application, x, [{{vsn, \"1.0.0\"}}, {{modules, [{list}]}}]}}.\n"),
    )
    .unwrap();
    dir
}

/// The peak resident memory in bytes of `erlrel ARGS DIR`, which must
/// succeed.
fn peak(args: &[&str], dir: &Path) -> u64 {
    let time = Path::new("/usr/bin/time");
    assert!(
        time.is_file(),
        "/usr/bin/time is missing: install it (Debian: apt-get install time) to measure peak memory"
    );
    let out = Command::new(time)
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_erlrel"))
        .args(args)
        .arg(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "erlrel {args:?} failed: {stderr}");
    let kb: u64 = stderr
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in /usr/bin/time's output: {stderr}"));
    kb * 1024
}

/// Each version command's peak on the dense file stays within `factor`
/// times the file above its peak on a tiny file (and the edits are made).
#[test]
fn version_commands_stay_within_a_small_multiple_of_the_file() {
    let modules = DENSE_BYTES / 2;
    let cases: [(&[&str], u64); 5] = [
        (&["vsn", "show"], 4),
        (&["vsn", "show", "--check"], 4),
        (&["vsn", "set", "9.9.9"], 8),
        (&["vsn", "set", "--dry-run", "9.9.9"], 8),
        (&["vsn", "bump", "minor"], 8),
    ];
    let mut failures = Vec::new();
    for (args, factor) in cases {
        let tiny = project("tiny", 1);
        let dense = project("dense", modules);
        let size = std::fs::metadata(dense.join("src/x.app.src"))
            .unwrap()
            .len();
        assert!(size >= DENSE_BYTES as u64, "{size}");
        let base = peak(args, &tiny);
        let used = peak(args, &dense);
        let extra = used.saturating_sub(base);
        eprintln!(
            "erlrel {}: {} KiB over {} KiB for a {} KiB file ({:.1} times)",
            args.join(" "),
            extra / 1024,
            base / 1024,
            size / 1024,
            extra as f64 / size as f64
        );
        if extra > factor * size {
            failures.push(format!(
                "erlrel {}: {extra} bytes over the tiny file's peak, more than {factor} times the {size}-byte file",
                args.join(" ")
            ));
        }
        let text = std::fs::read_to_string(dense.join("src/x.app.src")).unwrap();
        let edited = !args.contains(&"show") && !args.contains(&"--dry-run");
        let want = match args.get(1) {
            Some(&"bump") => "{vsn, \"1.1.0\"}",
            _ if edited => "{vsn, \"9.9.9\"}",
            _ => "{vsn, \"1.0.0\"}",
        };
        assert!(text.starts_with(&format!("{{application, x, [{want}, {{modules, [a,a,")));
        assert_eq!(text.len() as u64, size, "only the version changed");
        for d in [tiny, dense] {
            std::fs::remove_dir_all(d).unwrap();
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
