//! `erlrel consult` streams: terms are printed as they are read, memory is
//! one term and a chunk, not the file (checked under an address-space
//! limit that the file itself would not fit in), errors come after the
//! terms before them with the file's own line numbers, and `--otp` still
//! prints exactly what OTP's oracle prints.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn erlrel(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_erlrel"))
        .args(args)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("erlrel-stream-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const TERM: &str = "{sasl, [{sasl_error_logger, false}, {\"dots. in text\", $., 1.5}]}.\n";
const PRINTED: &str = "{sasl,[{sasl_error_logger,false},{[100,111,116,115,46,32,105,110,32,116,101,120,116],46,1.5}]}";

/// Runs `erlrel consult FILE > /dev/null` under `ulimit -v KIB`; whether
/// it succeeded.
fn fits_in(kib: u64, file: &Path) -> bool {
    let script = format!("ulimit -v {kib} && exec \"$0\" consult \"$1\" > /dev/null 2>&1");
    Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_erlrel"), s(file)])
        .status()
        .map(|st| st.success())
        .unwrap_or(false)
}

/// The file is 16 MiB; erlrel consult reads it within 6 MiB more address
/// space than it needs for a one-term file (the chunk, the term, the
/// output buffer). Reading the file whole would need 16 MiB more.
#[test]
fn memory_is_one_term_not_the_file() {
    let ok = Command::new("sh")
        .args(["-c", "ulimit -v 1000000"])
        .status();
    if !ok.map(|st| st.success()).unwrap_or(false) {
        eprintln!("skipped: no ulimit -v");
        return;
    }
    let dir = scratch("memory");
    let small = dir.join("small.config");
    std::fs::write(&small, TERM).unwrap();
    // The least address space (in 1 MiB steps) a one-term file needs.
    let (mut lo, mut hi) = (1024u64, 1 << 20);
    assert!(
        fits_in(hi, &small),
        "erlrel does not run under ulimit -v {hi}"
    );
    while hi - lo > 1024 {
        let mid = (lo + hi) / 2;
        if fits_in(mid, &small) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    let big = dir.join("big.config");
    let count = (16 << 20) / TERM.len();
    std::fs::write(&big, TERM.repeat(count)).unwrap();
    assert!(
        fits_in(hi + 6 * 1024, &big),
        "16 MiB file does not fit in {} KiB",
        hi + 6 * 1024
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_error_comes_after_the_terms_before_it_with_its_own_line() {
    let dir = scratch("error");
    let file = dir.join("late.config");
    let mut text = TERM.repeat(5000);
    text.push_str("{a,\n b c}.\nnever.\n");
    std::fs::write(&file, &text).unwrap();
    let run = erlrel(&["consult", s(&file)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, format!("{PRINTED}\n").repeat(5000));
    // The same diagnostic as for the whole text: file line 5002.
    let e = erlterm::parse_str(&text).unwrap_err();
    assert_eq!(e.line(), 5002);
    let shown = file.display().to_string();
    let mut want = e.render(&text, &shown);
    if !want.ends_with('\n') {
        want.push('\n');
    }
    assert_eq!(run.stderr, want);
    assert!(
        run.stderr.contains(&format!("--> {shown}:5002:4")),
        "{}",
        run.stderr
    );

    // --otp prints what the oracle prints: no term, the error.
    let run = erlrel(&["consult", "--otp", s(&file)]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, format!("error {}\n", e.otp_reason()));
    assert!(run.stdout.starts_with("error {5002,erl_parse,"));

    // A good file: the same terms with and without --otp.
    let good = dir.join("good.config");
    std::fs::write(&good, TERM.repeat(3000)).unwrap();
    let plain = erlrel(&["consult", s(&good)]);
    let otp = erlrel(&["consult", "--otp", s(&good)]);
    assert_eq!((plain.code, otp.code), (0, 0));
    assert_eq!(plain.stdout, format!("{PRINTED}\n").repeat(3000));
    assert_eq!(otp.stdout, plain.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Invalid UTF-8 far into the file: the terms before it, then OTP's
/// `{Line, file_io_server, invalid_unicode}`.
#[test]
fn invalid_utf8_after_terms() {
    let dir = scratch("utf8");
    let file = dir.join("bad.config");
    let mut bytes = TERM.repeat(2000).into_bytes();
    bytes.extend_from_slice(b"\"caf\xE9\".\n");
    std::fs::write(&file, &bytes).unwrap();
    let run = erlrel(&["consult", "--otp", s(&file)]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (1, "error {2001,file_io_server,invalid_unicode}\n")
    );
    let run = erlrel(&["consult", s(&file)]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.lines().count(), 2000);
    assert!(run.stderr.contains("invalid UTF-8"), "{}", run.stderr);
    assert!(run.stderr.contains(":2001:"), "{}", run.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}
