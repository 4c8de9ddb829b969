//! `consult`, `relup` and `audit` on inputs that are not what they should
//! be: exit 0 for success, 1 for an input read and rejected, 2 for an input
//! that could not be read (missing, unreadable, not a regular file, too
//! large); never a hang on a FIFO or `/dev/zero`; messages naming the path
//! once, without a `0:0` position, control bytes escaped.

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
}

/// Runs erlrel, killing it (and failing) if it runs for more than 20 s.
fn erlrel(args: &[&str]) -> Run {
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
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("erlrel {args:?} blocked");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("erlrel-inputs-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn loop_links(dir: &Path) -> PathBuf {
    let a = dir.join("loop-a");
    std::os::unix::fs::symlink(dir.join("loop-b"), &a).unwrap();
    std::os::unix::fs::symlink(&a, dir.join("loop-b")).unwrap();
    a
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// One line on stderr: `error: PATH: what`, the path once, no position.
fn assert_one_message(run: &Run, path: &Path, what: &str) {
    let shown = path.display().to_string();
    assert_eq!(run.stderr.matches(&shown).count(), 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!("error: {shown}: {what}\n"),
        "{}",
        run.stderr
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn consult_exit_codes() {
    let dir = scratch("consult");
    let good = dir.join("good.config");
    std::fs::write(&good, "{a, \"b\"}.\n[1 | 2].\n").unwrap();
    let run = erlrel(&["consult", s(&good)]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "{a,[98]}\n[1|2]\n"));

    let bad = dir.join("bad.config");
    std::fs::write(&bad, "{a,\n b c}.\n").unwrap();
    let run = erlrel(&["consult", s(&bad)]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains(&format!("--> {}:2:4", bad.display())));
    assert!(run.stderr.ends_with('\n'));
    assert_eq!(run.stdout, "");

    let missing = dir.join("missing.config");
    let run = erlrel(&["consult", s(&missing)]);
    assert_eq!(run.code, 2);
    assert_one_message(&run, &missing, "no such file or directory");
    let run = erlrel(&["consult", "--otp", s(&missing)]);
    assert_eq!((run.code, run.stdout.as_str()), (2, "error enoent\n"));

    let run = erlrel(&["consult", s(&dir)]);
    assert_eq!(run.code, 2);
    assert_one_message(&run, &dir, "is a directory, not a regular file");

    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let run = erlrel(&["consult", s(&fifo)]);
    assert_eq!(run.code, 2);
    assert_one_message(&run, &fifo, "is a FIFO (named pipe), not a regular file");

    let run = erlrel(&["consult", "/dev/zero"]);
    assert_eq!(run.code, 2);
    assert_one_message(
        &run,
        Path::new("/dev/zero"),
        "is a character device, not a regular file",
    );

    let looped = loop_links(&dir);
    let run = erlrel(&["consult", s(&looped)]);
    assert_eq!(run.code, 2);
    assert_one_message(
        &run,
        &looped,
        "too many levels of symbolic links (a link loop?)",
    );
}

#[test]
fn consult_size_limit() {
    let dir = scratch("limit");
    let file = dir.join("sized.config");
    std::fs::write(&file, "[1,2,3].\n").unwrap(); // 9 bytes
    let run = erlrel(&["consult", "--max-bytes", "9", s(&file)]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "[1,2,3]\n"));
    let run = erlrel(&["consult", "--max-bytes", "8", s(&file)]);
    assert_eq!(run.code, 2);
    assert_one_message(&run, &file, "is 9 bytes, larger than the limit of 8 bytes");
    let run = erlrel(&["consult", "--max-bytes", "8", "--otp", s(&file)]);
    assert_eq!((run.code, run.stdout.as_str()), (2, "error efbig\n"));
}

/// Permissions are not enforced for root: this runs only as another user.
#[test]
fn consult_unreadable_file() {
    if is_root() {
        eprintln!("skipped: running as root, which may read any file");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("unreadable");
    let file = dir.join("secret.config");
    std::fs::write(&file, "a.").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o200)).unwrap();
    let run = erlrel(&["consult", s(&file)]);
    assert_eq!(run.code, 2);
    assert_one_message(&run, &file, "permission denied");
}

#[test]
fn consult_escapes_control_bytes() {
    let dir = scratch("ctrl");
    let file = dir.join("ctrl.config");
    std::fs::write(&file, "{a, \"x\u{1}\u{1b}[31m\" b}.\n").unwrap();
    let run = erlrel(&["consult", s(&file)]);
    assert_eq!(run.code, 1);
    assert!(!run.stderr.contains('\u{1b}') && !run.stderr.contains('\u{1}'));
    assert!(
        run.stderr.contains("\u{2401}\u{241b}[31m"),
        "{}",
        run.stderr
    );
    let odd = dir.join("odd\u{1b}name.config");
    let run = erlrel(&["consult", s(&odd)]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("odd\\ename.config: no such file"),
        "{}",
        run.stderr
    );
}

#[test]
fn relup_exit_codes() {
    let dir = scratch("relup");
    let shop = shop();
    let to = shop.join("releases/1.2.0/shop.rel");
    let from = shop.join("releases/1.1.0/shop.rel");
    let lib = shop.join("lib");
    let run = erlrel(&[
        "relup",
        "--to",
        s(&to),
        "--from",
        s(&from),
        "--lib",
        s(&lib),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("%% coding: utf-8\n{\"1.2.0\","));

    let missing = dir.join("missing.rel");
    let run = erlrel(&[
        "relup",
        "--to",
        s(&missing),
        "--from",
        s(&from),
        "--lib",
        s(&lib),
    ]);
    assert_eq!(run.code, 2);
    assert_one_message(&run, &missing, "no such file or directory");

    let fifo = dir.join("fifo.rel");
    mkfifo(&fifo);
    let run = erlrel(&[
        "relup",
        "--to",
        s(&to),
        "--from",
        s(&fifo),
        "--lib",
        s(&lib),
    ]);
    assert_eq!(run.code, 2);
    assert_one_message(
        &run,
        &fifo,
        "is a FIFO (named pipe), not a .rel file, a release folder or a tarball",
    );
    let run = erlrel(&[
        "relup",
        "--to",
        s(&to),
        "--from",
        s(&from),
        "--lib",
        s(&fifo),
    ]);
    assert_eq!(run.code, 2);
    assert_one_message(&run, &fifo, "is a FIFO (named pipe), not a folder");

    let looped = loop_links(&dir);
    let run = erlrel(&["relup", "--to", s(&looped), "--from", s(&from)]);
    assert_eq!(run.code, 2);

    let run = erlrel(&["relup", "--to", "/dev/zero", "--from", s(&from)]);
    assert_eq!(run.code, 2);

    // Read and rejected: a syntax error, versions that do not match.
    let bad = dir.join("bad.rel");
    std::fs::write(&bad, "{release, {\"shop\",\"9\"} {erts,\"13.0\"}, []}.\n").unwrap();
    let run = erlrel(&[
        "relup",
        "--to",
        s(&bad),
        "--from",
        s(&from),
        "--lib",
        s(&lib),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    let wrong = dir.join("wrong.rel");
    std::fs::write(
        &wrong,
        "{release, {\"shop\",\"9\"}, {erts,\"13.0\"}, [{kernel,\"8.0\"},{stdlib,\"4.0\"}]}.\n",
    )
    .unwrap();
    let run = erlrel(&[
        "relup",
        "--to",
        s(&wrong),
        "--from",
        s(&from),
        "--lib",
        s(&lib),
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("has version \"9.0\""), "{}", run.stderr);
    assert!(!run.stderr.contains("[57,46,48]"), "{}", run.stderr);

    // An empty folder is read and holds no release.
    let empty = scratch("relup-empty");
    let run = erlrel(&["relup", "--to", s(&empty), "--from", s(&from)]);
    assert_eq!(run.code, 1, "{}", run.stderr);

    // Output that cannot be written.
    let out = dir.join("no/such/folder/relup");
    let run = erlrel(&[
        "relup",
        "--to",
        s(&to),
        "--from",
        s(&from),
        "--lib",
        s(&lib),
        "-o",
        s(&out),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn audit_exit_codes() {
    let dir = scratch("audit");
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let run = erlrel(&["audit", s(&empty)]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_one_message(
        &run,
        &empty,
        "is not a release: found no releases/VSN/NAME.rel, releases/RELEASES, releases/start_erl.data or erts-VSN folder",
    );

    let missing = dir.join("missing");
    let run = erlrel(&["audit", s(&missing)]);
    assert_eq!(run.code, 2);
    assert_one_message(&run, &missing, "no such file or directory");

    let fifo = dir.join("rel.tar.gz");
    mkfifo(&fifo);
    let run = erlrel(&["audit", s(&fifo)]);
    assert_eq!(run.code, 2);
    assert_one_message(
        &run,
        &fifo,
        "is a FIFO (named pipe), not a release folder or a .tar.gz release tarball",
    );

    let run = erlrel(&["audit", "/dev/zero"]);
    assert_eq!(run.code, 2);

    let looped = loop_links(&dir);
    let run = erlrel(&["audit", s(&looped)]);
    assert_eq!(run.code, 2);

    // The ERTS version is the .rel's term, not a commented-out line.
    let rel = dir.join("rel");
    std::fs::create_dir_all(rel.join("releases/1.0.0")).unwrap();
    std::fs::write(
        rel.join("releases/1.0.0/shop.rel"),
        "{release, {\"shop\", \"1.0.0\"},\n %% {erts, \"11.0\"},\n {erts, \"13.1.5\"},\n [{kernel, \"8.5\"}, {stdlib, \"4.2\"}]}.\n",
    )
    .unwrap();
    let run = erlrel(&["audit", s(&rel), "--min-otp", "24"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("ERTS:    13.1.5"), "{}", run.stdout);
    let run = erlrel(&["audit", s(&rel), "--min-otp", "26"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
}
