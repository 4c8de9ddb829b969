//! `check`, `appup match`, `upgrade check` and `vsn` on inputs that are not
//! what they should be (the red-team review of release 12): files over the
//! size limit refused before they are read (exit 2), FIFOs, link loops and
//! folders named for what they are, errors without a position shown
//! without one, positions shown once and as OTP gives them, versions shown
//! as strings, control bytes escaped, JSON errors on stdout.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::shop;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs erlrel, killing it (and failing) if it runs for more than 60 s.
fn erlrel(args: &[&str]) -> Run {
    erlrel_os(&args.iter().map(std::ffi::OsStr::new).collect::<Vec<_>>())
}

fn erlrel_os(args: &[&std::ffi::OsStr]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_erlrel"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("erlrel {args:?} blocked");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = start.elapsed();
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        elapsed,
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("erlrel-inputs12-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A sparse file of 3 GiB: larger than the default limit of 2 GiB.
fn huge(path: &Path) {
    let f = std::fs::File::create(path).unwrap();
    f.set_len(3 << 30).unwrap();
}

#[test]
fn huge_files_are_refused_before_reading() {
    let dir = scratch("huge");
    let config = dir.join("big.config");
    huge(&config);
    let appup = dir.join("big.appup");
    huge(&appup);
    let project = dir.join("v");
    std::fs::create_dir(&project).unwrap();
    let rebar = project.join("rebar.config");
    huge(&rebar);
    let limit = "larger than the limit of 2147483648 bytes";
    for (args, path) in [
        (vec!["check", s(&config)], &config),
        (vec!["appup", "match", s(&appup), "1.0"], &appup),
        (vec!["vsn", "show", s(&project)], &rebar),
        (vec!["vsn", "bump", "patch", s(&project)], &rebar),
    ] {
        let run = erlrel(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(limit) && run.stderr.contains(s(path)),
            "{args:?}: {}",
            run.stderr
        );
        assert!(!run.stderr.contains("0:0"), "{}", run.stderr);
        // Refused on its size: reading 3 GiB takes seconds.
        assert!(
            run.elapsed < Duration::from_secs(3),
            "{args:?} {:?}",
            run.elapsed
        );
    }
    // --max-bytes, as consult has it.
    let small = dir.join("a.appup");
    std::fs::write(&small, "{\"1.0\", [{\"0.9\", []}], [{\"0.9\", []}]}.\n").unwrap();
    for args in [
        vec!["check", "--max-bytes", "10", s(&small)],
        vec!["appup", "match", "--max-bytes", "10", s(&small), "0.9"],
    ] {
        let run = erlrel(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .contains("is 39 bytes, larger than the limit of 10 bytes"),
            "{}",
            run.stderr
        );
    }
    let run = erlrel(&["appup", "match", "--max-bytes", "100", s(&small), "0.9"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fifo_link_loop_and_folder_are_named() {
    let dir = scratch("kinds");
    let fifo = dir.join("fifo.config");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let a = dir.join("loop-a");
    std::os::unix::fs::symlink(dir.join("loop-b"), &a).unwrap();
    std::os::unix::fs::symlink(&a, dir.join("loop-b")).unwrap();
    let folder = dir.join("d.appup");
    std::fs::create_dir(&folder).unwrap();
    let cases: Vec<(Vec<&str>, &Path, &str)> = vec![
        (vec!["check", s(&fifo)], &fifo, "is a FIFO (named pipe)"),
        (
            vec!["check", s(&a)],
            &a,
            "too many levels of symbolic links",
        ),
        (
            vec!["appup", "match", s(&fifo), "1.0"],
            &fifo,
            "is a FIFO (named pipe)",
        ),
        (
            vec!["appup", "match", s(&a), "1.0"],
            &a,
            "too many levels of symbolic links",
        ),
        (
            vec!["appup", "match", s(&folder), "1.0"],
            &folder,
            "is a directory",
        ),
        (
            vec!["upgrade", "check", "--to", s(&fifo), "--from", "1.0"],
            &fifo,
            "is a FIFO (named pipe)",
        ),
        (
            vec!["upgrade", "check", "--to", s(&a), "--from", "1.0"],
            &a,
            "too many levels of symbolic links",
        ),
    ];
    for (args, path, what) in cases {
        let run = erlrel(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr
                .starts_with(&format!("error: {}: {what}", s(path))),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.matches(s(path)).count(), 1, "{}", run.stderr);
        assert!(!run.stderr.contains("os error"), "{}", run.stderr);
    }
    // A folder is a release input of `upgrade check`: one that holds no
    // release is read and rejected (exit 1, as `relup` has it), named as
    // a directory.
    let run = erlrel(&["upgrade", "check", "--to", s(&folder), "--from", "1.0"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "error: {}: is a directory but not a release: no releases/ folder and no .rel file\n",
            s(&folder)
        )
    );
    // So does `check` (a folder is a release input there too).
    let run = erlrel(&["check", s(&folder)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "error[release::not-a-release]: a directory but not a release (no releases/ or lib/ folder)"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches(s(&folder)).count(), 1, "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_json_reports_a_missing_file_on_stdout() {
    let dir = scratch("json");
    let missing = dir.join("nofile.config");
    let run = erlrel(&["check", "--format", "json", s(&missing)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["ok"], false, "{doc}");
    assert_eq!(doc["error"]["kind"], "could-not-run", "{doc}");
    assert_eq!(doc["error"]["path"], s(&missing), "{doc}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no such file"),
        "{doc}"
    );
    // The findings of the other files are kept.
    let bad = dir.join("bad.config");
    std::fs::write(&bad, "{a, b} c.\n").unwrap();
    let run = erlrel(&["check", "--format", "json", s(&missing), s(&bad)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["findings"][0]["code"], "parse", "{doc}");
    // Without an unusable path, the same object without the error.
    let run = erlrel(&["check", "--format", "json", s(&bad)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["findings"][0]["code"], "parse", "{doc}");
    assert!(
        doc.get("error").is_none() && doc.get("ok").is_none(),
        "{doc}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// OTP (`erl_scan:string(S, {1,1})` then `erl_parse:parse_term/1`) reports a
/// term with no final dot at its last token: `{release, ...}` without a
/// dot is `{error, {{1,35}, erl_parse, ["syntax error before: ", []]}}`.
#[test]
fn positions_follow_otp_and_are_shown_once() {
    let dir = scratch("pos");
    let line = "{relx, [{release, {app, \"1.0.0\"}, [kernel]}]}";
    let project = dir.join("p");
    std::fs::create_dir(&project).unwrap();
    let rebar = project.join("rebar.config");
    std::fs::write(&rebar, line).unwrap();
    let column = line.len(); // the closing `}`, 1-based
    let run = erlrel(&["check", s(&rebar)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("rebar.config:1:{column}\n")),
        "{}",
        run.stderr
    );
    // The caret is under the column given: under the last `}`.
    let caret_line = run
        .stderr
        .lines()
        .find(|l| l.trim_start().starts_with("| ") && l.contains('^'))
        .unwrap();
    let source_line = run.stderr.lines().find(|l| l.starts_with("1 | ")).unwrap();
    let caret = caret_line.find('^').unwrap();
    assert_eq!(source_line.get(caret..=caret), Some("}"), "{}", run.stderr);
    assert_eq!(caret - "1 | ".len() + 1, column, "{}", run.stderr);
    // vsn: `PATH:LINE:COLUMN: message`, the position once.
    let run = erlrel(&["vsn", "show", s(&project)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!("error: {}:1:{column}: syntax error before: \n", s(&rebar)),
        "{}",
        run.stderr
    );
    // appup match: an error without a position has no `0:0`.
    let appup = dir.join("a.appup");
    std::fs::write(&appup, "").unwrap();
    let run = erlrel(&["appup", "match", s(&appup), "1.0"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stderr.contains("0:0"), "{}", run.stderr);
    assert_eq!(run.stderr.matches(s(&appup)).count(), 1, "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn versions_are_strings_and_control_bytes_escaped() {
    let dir = scratch("ctl");
    let appup = dir.join("a.appup");
    std::fs::write(&appup, "{\"1.0.0\", [{\"0.9\", []}], [{\"0.9\", []}]}.\n").unwrap();
    let run = erlrel(&["appup", "match", s(&appup), "1\u{1b}[31m.0"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.ends_with("matches version \"1\\e[31m.0\"\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
    assert!(!run.stderr.contains("[49,"), "{}", run.stderr);

    // A version written as a list of integers, one with a control byte.
    let src = dir.join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(
        src.join("a.app.src"),
        "{application, a, [{vsn, [49,46,48]}]}.\n",
    )
    .unwrap();
    std::fs::write(
        src.join("b.app.src"),
        "{application, b, [{vsn, \"1.0\\e[2J\"}]}.\n",
    )
    .unwrap();
    let run = erlrel(&["vsn", "show", s(&src)]);
    assert!(run.stdout.contains("\ta\t1.0\n"), "{}", run.stdout);
    assert!(run.stdout.contains("\tb\t1.0\\e[2J\n"), "{}", run.stdout);
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    let run = erlrel(&["vsn", "set", "2.0.0", "--dry-run", s(&src)]);
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);

    // check: a path with a newline and an escape, in both messages.
    let odd = dir.join("x\n\u{1b}[1m.config");
    std::fs::write(&odd, "{a, b} c.\n").unwrap();
    let run = erlrel(&["check", s(&odd)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("x\\n\\e[1m.config:1:8"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
    let missing = dir.join("y\n\u{1b}.config");
    let run = erlrel(&["check", s(&missing)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every path-valued option names a missing path and stops (exit 2);
/// `appup check` and `appup generate` used to ignore a missing `--lib`.
#[test]
fn missing_option_paths_stop_the_command() {
    let shop = shop();
    let dir = scratch("opts");
    let missing = dir.join("nonexistent");
    let file = dir.join("file");
    std::fs::write(&file, "").unwrap();
    let base = |cmd: &[&'static str]| -> Vec<String> {
        let mut v: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        v.extend(["--from", "1.1.0", "--to", s(&shop)].map(String::from));
        v
    };
    let cases: Vec<(Vec<String>, &Path, &str)> = vec![
        (
            [
                base(&["appup", "check"]),
                vec!["--lib".into(), s(&missing).into()],
            ]
            .concat(),
            &missing,
            "no such file or directory",
        ),
        (
            [
                base(&["appup", "generate"]),
                vec!["--lib".into(), s(&missing).into()],
            ]
            .concat(),
            &missing,
            "no such file or directory",
        ),
        (
            [
                base(&["appup", "generate"]),
                vec!["--lib".into(), s(&file).into()],
            ]
            .concat(),
            &file,
            "is a regular file, not a library folder",
        ),
        (
            [
                base(&["appup", "generate"]),
                vec![
                    "--layout".into(),
                    "rebar3".into(),
                    "--dry-run".into(),
                    "--project".into(),
                    s(&missing).into(),
                ],
            ]
            .concat(),
            &missing,
            "no such file or directory",
        ),
        (
            [
                base(&["upgrade", "check"]),
                vec!["--lib".into(), s(&missing).into()],
            ]
            .concat(),
            &missing,
            "no such file or directory",
        ),
        (
            [base(&["relup"]), vec!["--lib".into(), s(&missing).into()]].concat(),
            &missing,
            "no such file or directory",
        ),
    ];
    for (args, path, what) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = erlrel(&args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("{}: {what}", s(path))),
            "{args:?}: {}",
            run.stderr
        );
        assert_eq!(run.stderr.matches(s(path)).count(), 1, "{}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Numbers beyond 64 bits are refused with a clear message (exit 1 for a
/// file's version, 2 for a VERSION argument), never a panic; `.script`
/// files and names that are not UTF-8 are left alone with a note.
#[test]
fn vsn_huge_numbers_scripts_and_odd_names() {
    use std::os::unix::ffi::OsStrExt;
    let dir = scratch("vsn7");
    let src = dir.join("src");
    std::fs::create_dir(&src).unwrap();
    let app = src.join("a.app.src");
    for (vsn, part) in [
        ("1.2.99999999999999999999", "patch"),
        ("1.18446744073709551615.3", "minor"),
        ("25.99999999999999999999.3.1", "minor"),
    ] {
        std::fs::write(&app, format!("{{application, a, [{{vsn, \"{vsn}\"}}]}}.\n")).unwrap();
        let run = erlrel(&["vsn", "bump", part, "--dry-run", s(&dir)]);
        assert_eq!(run.code, 1, "{vsn}: {}", run.stderr);
        assert!(
            run.stderr.contains("has a number too large to bump"),
            "{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    let run = erlrel(&["vsn", "set", "1.2.99999999999999999999", s(&dir)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("its numbers must be below"),
        "{}",
        run.stderr
    );

    std::fs::write(&app, "{application, a, [{vsn, \"1.0.0\"}]}.\n").unwrap();
    let script = src.join("a.app.src.script");
    std::fs::write(&script, "CONFIG.\n").unwrap();
    std::fs::write(dir.join("rebar.config.script"), "CONFIG.\n").unwrap();
    let run = erlrel(&["vsn", "bump", "patch", "--dry-run", s(&dir)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "note: {}: a .script file, which erlrel does not edit",
            s(&script)
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("rebar.config.script: a .script file"),
        "{}",
        run.stderr
    );
    let run = erlrel(&["vsn", "show", s(&script)]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("does not edit"), "{}", run.stderr);

    // A folder and a file whose names are not UTF-8 (and hold an escape).
    let odd = dir.join(std::ffi::OsStr::from_bytes(b"x\xff\x1b"));
    std::fs::create_dir(&odd).unwrap();
    std::fs::write(
        odd.join(std::ffi::OsStr::from_bytes(b"b\xff.app.src")),
        "{application, b, [{vsn, \"1.0.0\"}]}.\n",
    )
    .unwrap();
    let run = erlrel(&["vsn", "bump", "patch", s(&dir)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("x\u{fffd}\\e/b\u{fffd}.app.src: the file name is not UTF-8"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A link in the tree to a file that is gone is skipped with a note that
/// says so (not a bare "No such file or directory").
#[cfg(unix)]
#[test]
fn vsn_names_a_dangling_link_and_a_link_loop_in_the_tree() {
    let dir = std::env::temp_dir().join(format!("erlrel-dangling-{}", std::process::id()));
    let src = dir.join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(
        src.join("a.app.src"),
        "{application, a, [{vsn, \"1.0.0\"}]}.\n",
    )
    .unwrap();
    std::os::unix::fs::symlink("../gone/b.app.src", src.join("b.app.src")).unwrap();
    std::os::unix::fs::symlink("c.app.src", src.join("c.app.src")).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_erlrel"))
        .args(["vsn", "show"])
        .arg(&dir)
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{e}");
    assert!(
        e.contains("b.app.src: skipped: a symbolic link to a file that does not exist"),
        "{e}"
    );
    // A link loop is named as one, without Rust's "(os error 40)".
    assert!(
        e.contains("c.app.src: skipped: too many levels of symbolic links (a link loop?)"),
        "{e}"
    );
    assert!(!e.contains("os error"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
