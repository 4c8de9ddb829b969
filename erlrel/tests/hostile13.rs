//! Hostile inputs of the session-13 red-team review: control bytes in
//! file names of audited releases, versions in appup and rebar.config
//! messages, tarballs that hold no release.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;
use common::{copy_dir, shop};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn erlrel(args: &[&std::ffi::OsStr]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_erlrel"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str]) -> Run {
    erlrel(&args.iter().map(std::ffi::OsStr::new).collect::<Vec<_>>())
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("erlrel-hostile13-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs `cmd` (stdin closed) and gives its exit code and stderr; a run
/// that blocks for 30 s (reading a FIFO, say) is killed and fails the test.
fn exit_and_stderr_within_30s(mut cmd: Command, what: &str) -> (i32, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("{what} blocked");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// No byte below 0x20 but the newline, and no DEL, reaches the terminal.
fn assert_no_control(text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "raw control character in {text:?}"
    );
}

#[test]
fn audit_escapes_control_bytes_in_file_names() {
    let dir = scratch("audit-names");
    // A release folder whose version folder is named with ESC and a
    // newline, holding an unreadable .rel: its path is in a note.
    write(
        &dir,
        "releases/v\u{1b}[31m\nFAKE/x.rel",
        "{release, {x, \"1\"}, {erts, \"13.1\"}, [}.\n",
    );
    let root = dir.to_str().unwrap();
    let o = run(&["audit", root]);
    assert_no_control(&o.stdout);
    assert!(o.stdout.contains("v\\e[31m\\nFAKE/x.rel"), "{}", o.stdout);
    assert!(
        !o.stdout.lines().any(|l| l.starts_with("FAKE")),
        "{}",
        o.stdout
    );
    // JSON keeps the name as it is (JSON escapes it).
    let o = run(&["audit", "--format", "json", root]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
    assert!(
        v["notes"].to_string().contains("\\u001b[31m\\nFAKE"),
        "{}",
        o.stdout
    );
}

#[test]
fn appup_and_rebar_messages_show_strings_as_strings() {
    let dir = scratch("strings");
    // Entries of three elements (a relup's shape) are skipped by systools:
    // the warning quotes the entry, its version as "1.1.0".
    let appup = write(
        &dir,
        "x.appup",
        "{\"1.2.0\", [{\"1.1.0\", [], [{load_module, m}]}], [{\"1.1.0\", [], []}]}.\n",
    );
    let o = run(&["check", appup.to_str().unwrap()]);
    assert!(o.stderr.contains("appup::skipped-entry"), "{}", o.stderr);
    assert!(
        o.stderr.contains("{\"1.1.0\",[],[{load_module,m}]}"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("[49,"), "{}", o.stderr);
    // An invalid instruction quoting a string.
    let appup = write(
        &dir,
        "y.appup",
        "{\"1.0\", [{\"0.9\", [{bogus, \"why\"}]}], []}.\n",
    );
    let o = run(&["check", appup.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("{bogus,\"why\"}"), "{}", o.stderr);
    assert!(!o.stderr.contains("[119,"), "{}", o.stderr);
    // A rebar.config dependency that is a string.
    let rebar = write(&dir, "rebar.config", "{deps, [cowboy, \"bad\"]}.\n");
    let o = run(&["check", rebar.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("{parse_dep,\"bad\"}"), "{}", o.stderr);
    assert!(!o.stderr.contains("[98,"), "{}", o.stderr);
    // A huge entry is cut short in the message.
    let long = format!(
        "{{\"1.0\", [{{\"0.9\", [], [{}]}}], []}}.\n",
        vec!["{load_module, m}"; 10_000].join(",")
    );
    let appup = write(&dir, "z.appup", &long);
    let o = run(&["check", appup.to_str().unwrap()]);
    assert!(o.stderr.contains("appup::skipped-entry"), "{}", o.stderr);
    assert!(o.stderr.len() < 4_000, "{} bytes", o.stderr.len());
}

#[test]
fn check_of_a_tarball_without_a_release_is_rejected_as_a_tarball() {
    let dir = scratch("tarball");
    // An empty file named .tar.gz, and a tarball of one unrelated file.
    let empty = write(&dir, "empty.tar.gz", "");
    let o = run(&["check", empty.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(!o.stderr.contains("directory"), "{}", o.stderr);
    assert!(o.stderr.contains("tarball"), "{}", o.stderr);
    write(&dir, "notes.txt", "hi\n");
    let other = dir.join("other.tar");
    let made = Command::new("tar")
        .current_dir(&dir)
        .args(["cf", "other.tar", "notes.txt"])
        .status()
        .unwrap();
    assert!(made.success());
    let o = run(&["check", other.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(!o.stderr.contains("directory"), "{}", o.stderr);
    // A tarball with a folder where the .rel file belongs.
    std::fs::create_dir_all(dir.join("releases/1.0/x.rel")).unwrap();
    let made = Command::new("tar")
        .current_dir(&dir)
        .args(["czf", "dir.tar.gz", "releases"])
        .status()
        .unwrap();
    assert!(made.success());
    let o = run(&["check", dir.join("dir.tar.gz").to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("releases/1.0/x.rel"), "{}", o.stderr);
    // relup and upgrade check reject that tarball as well (it was read).
    let tarball = dir.join("dir.tar.gz");
    let tarball = tarball.to_str().unwrap();
    for args in [
        &["relup", "--to", tarball, "--from", tarball][..],
        &["upgrade", "check", "--to", tarball, "--from", tarball],
    ] {
        let o = run(args);
        assert_eq!(o.code, 1, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains("is a folder"), "{args:?}: {}", o.stderr);
    }
    let o = run(&["check", "--format", "json", other.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    let _: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
}

/// A usage error (exit 2) with `--format json` still prints the JSON error
/// object on stdout, for every command that has `--format`.
#[test]
fn usage_errors_with_format_json_print_json() {
    for args in [
        &["check", "--format", "json", "--max-bytes", "x", "f"][..],
        &["check", "--format=json", "--kind", "bogus", "f"],
        &["check", "--format", "json", "--env", "NOEQUALS", "f"],
        &["check", "--format", "json"],
        &["upgrade", "check", "--format", "json", "--to"],
        &[
            "upgrade", "check", "--format", "json", "--from", "a", "--to", "b", "--bogus",
        ],
        &["audit", "--format", "json"],
        &["audit", "--format", "json", "--min-otp", "x", "."],
        &["audit", "--format", "json", ".", "--format", "json"],
    ] {
        let o = run(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        let v: serde_json::Value = serde_json::from_str(&o.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {:?}", o.stdout));
        assert_eq!(v["ok"], false, "{args:?}");
        assert_eq!(v["error"]["kind"], "could-not-run", "{args:?}");
        assert!(
            !o.stderr.is_empty(),
            "{args:?}: the usage error is on stderr too"
        );
    }
    // Help is not an error: no JSON.
    let o = run(&["check", "--format", "json", "--help"]);
    assert_eq!(o.code, 0);
    assert!(o.stdout.contains("Usage"), "{}", o.stdout);
}

/// `--dry-run` prints the diff it would apply: control characters of the
/// files (ESC, BEL, CR) are escaped in it, as in every message.
#[test]
fn dry_run_diff_escapes_control_characters() {
    let dir = scratch("dry-diff");
    write(
        &dir,
        "src/a.app.src",
        "{application, a, [{vsn, \"1.0.0\"}, {description, \"\u{1b}]0;pwned\u{7}\"}]}.\r\n",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_erlrel"))
        .current_dir(&dir)
        .args(["vsn", "set", "2.0.0", "--dry-run"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_no_control(&stdout);
    assert!(stdout.contains("\\e]0;pwned\\x07"), "{stdout}");
    assert!(
        stdout.contains("+{application, a, [{vsn, \"2.0.0\"}"),
        "{stdout}"
    );
    // Nothing was written.
    let text = std::fs::read_to_string(dir.join("src/a.app.src")).unwrap();
    assert!(text.contains("1.0.0"));
    // appup generate's diff (on stderr) too, for an appup with ESC in a comment.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures");
    let out = dir.join("out");
    write(
        &out,
        "fx.appup",
        "%% \u{1b}[2J hand-written\n{\"1.1.0\", [], []}.\n",
    );
    let o = run(&[
        "appup",
        "generate",
        "--from",
        fixtures.join("r1").to_str().unwrap(),
        "--to",
        fixtures.join("r2").to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--dry-run",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("\\e[2J"), "{}", o.stderr);
    assert_no_control(&o.stderr);
}

/// `upgrade pack -o LINK` through a dangling symbolic link creates the file
/// the link leads to and keeps the link, as `relup -o` and every filetx
/// write do (it said "already exists", and with `--force` "a symbolic link
/// to a missing file").
#[test]
fn pack_through_a_dangling_link_creates_its_target() {
    let dir = scratch("pack-dangling");
    let shop = shop();
    std::os::unix::fs::symlink("made/new.tar.gz", dir.join("link")).unwrap();
    std::fs::create_dir(dir.join("made")).unwrap();
    let link = dir.join("link");
    let args = |extra: &[&str]| {
        let mut a = vec![
            "upgrade".to_owned(),
            "pack".to_owned(),
            "--from".to_owned(),
            "1.1.0".to_owned(),
            "--to".to_owned(),
            shop.to_str().unwrap().to_owned(),
            "-o".to_owned(),
            link.to_str().unwrap().to_owned(),
        ];
        a.extend(extra.iter().map(|s| (*s).to_owned()));
        a
    };
    let dry = args(&["--dry-run"]);
    let o = run(&dry.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!dir.join("made/new.tar.gz").exists());
    let real = args(&[]);
    let o = run(&real.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(
        std::fs::metadata(dir.join("made/new.tar.gz"))
            .unwrap()
            .len()
            > 0
    );
    // Now it exists: replaced only with --force.
    let o = run(&real.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("already exists"), "{}", o.stderr);
    // A dangling link into a missing folder: exit 2, nothing made.
    std::os::unix::fs::symlink("nowhere/x.tar.gz", dir.join("link2")).unwrap();
    let mut bad = args(&[]);
    *bad.last_mut().unwrap() = dir.join("link2").to_str().unwrap().to_owned();
    let o = run(&bad.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(!dir.join("nowhere").exists());
}

/// `appup generate -o DIR` merging into an existing appup: a latin-1 appup
/// keeps its bytes (they were rewritten as U+FFFD), and a FIFO, a device
/// link or a folder where the appup belongs is refused (exit 2) instead of
/// blocking or being read forever.
#[test]
fn appup_generate_merges_safely_into_what_is_there() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures");
    let (r1, r2) = (fixtures.join("r1"), fixtures.join("r2"));
    let generate = |out: &Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_erlrel"));
        cmd.args(["appup", "generate", "--from"])
            .arg(&r1)
            .arg("--to")
            .arg(&r2)
            .arg("-o")
            .arg(out);
        exit_and_stderr_within_30s(cmd, "appup generate")
    };
    let dir = scratch("merge");
    let latin1: &[u8] = b"%% coding: latin-1\n%% caf\xe9 by Ren\xe9\n{\"1.1.0\", [], []}.\n";
    std::fs::write(dir.join("fx.appup"), latin1).unwrap();
    let (code, err) = generate(&dir);
    assert_eq!(code, 0, "{err}");
    let merged = std::fs::read(dir.join("fx.appup")).unwrap();
    assert!(
        merged.starts_with(b"%% coding: latin-1\n%% caf\xe9 by Ren\xe9\n"),
        "{merged:?}"
    );
    assert!(String::from_utf8_lossy(&merged).contains("fx_new"));
    // The appup of another version: not merged into (systools would warn
    // `bad_vsn` and its entries describe another upgrade); --force
    // replaces it.
    let stale: &[u8] = b"%% mine\n{\"9.9.9\", [{\"9.9.8\", []}], [{\"9.9.8\", []}]}.\n";
    std::fs::write(dir.join("fx.appup"), stale).unwrap();
    let (code, err) = generate(&dir);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("\"9.9.9\"") && err.contains("\"1.1.0\"") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read(dir.join("fx.appup")).unwrap(), stale);
    let forced = Command::new(env!("CARGO_BIN_EXE_erlrel"))
        .args(["appup", "generate", "--force", "--from"])
        .arg(&r1)
        .arg("--to")
        .arg(&r2)
        .arg("-o")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(forced.status.code(), Some(0), "{forced:?}");
    let replaced = std::fs::read_to_string(dir.join("fx.appup")).unwrap();
    assert!(
        replaced.contains("\"1.1.0\"") && !replaced.contains("9.9.9"),
        "{replaced}"
    );
    std::fs::write(dir.join("fx.appup"), latin1).unwrap();
    // Not valid UTF-8 and no coding comment: OTP refuses it, so no merge.
    let bad: &[u8] = b"%% caf\xe9\n{\"1.1.0\", [], []}.\n";
    std::fs::write(dir.join("fx.appup"), bad).unwrap();
    let (code, err) = generate(&dir);
    assert_eq!(code, 2, "{err}");
    assert_eq!(std::fs::read(dir.join("fx.appup")).unwrap(), bad);
    // A FIFO where the appup belongs.
    std::fs::remove_file(dir.join("fx.appup")).unwrap();
    let made = Command::new("mkfifo")
        .arg(dir.join("fx.appup"))
        .status()
        .unwrap();
    assert!(made.success());
    let (code, err) = generate(&dir);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("FIFO"), "{err}");
    // A link to /dev/zero.
    std::fs::remove_file(dir.join("fx.appup")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("fx.appup")).unwrap();
    let (code, err) = generate(&dir);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("character device"), "{err}");
}

/// `relup --install` edits `releases/VSN/relup`: a FIFO or a link to
/// `/dev/zero` there is refused (exit 2) instead of blocking or being read
/// forever.
#[test]
fn relup_install_does_not_read_a_fifo_or_a_device() {
    let dir = scratch("install");
    let shop = dir.join("shop");
    copy_dir(&common::shop(), &shop);
    let relup = shop.join("releases/1.2.0/relup");
    let install = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_erlrel"));
        cmd.args(["relup", "--from", "1.1.0", "--install", "--to"])
            .arg(&shop);
        exit_and_stderr_within_30s(cmd, "relup --install")
    };
    std::fs::remove_file(&relup).unwrap();
    assert!(Command::new("mkfifo")
        .arg(&relup)
        .status()
        .unwrap()
        .success());
    let (code, err) = install();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("FIFO"), "{err}");
    std::fs::remove_file(&relup).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &relup).unwrap();
    let (code, err) = install();
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("character device"), "{err}");
    // A regular relup is edited as before.
    std::fs::remove_file(&relup).unwrap();
    std::fs::write(&relup, "{\"1.2.0\", [], []}.\n").unwrap();
    let (code, err) = install();
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&relup)
        .unwrap()
        .contains("\"1.1.0\""));
}

/// `check X.appup` reads the `X.app` beside it for its lints: a FIFO or a
/// link to `/dev/zero` of that name is not read (it hung the check).
#[test]
fn check_appup_ignores_a_sibling_app_that_is_not_a_file() {
    let dir = scratch("sibling");
    let appup = write(&dir, "fx.appup", "{\"1.0\", [], []}.\n");
    let check = || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_erlrel"));
        cmd.arg("check").arg(&appup);
        exit_and_stderr_within_30s(cmd, "check").0
    };
    assert!(Command::new("mkfifo")
        .arg(dir.join("fx.app"))
        .status()
        .unwrap()
        .success());
    assert_eq!(check(), 0);
    std::fs::remove_file(dir.join("fx.app")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.join("fx.app")).unwrap();
    assert_eq!(check(), 0);
}

/// `vsn` given a FIFO or a device names what it is (exit 2), as every
/// other command does.
#[test]
fn vsn_names_what_a_path_is() {
    let dir = scratch("vsn-kind");
    let fifo = dir.join("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    for args in [
        &["vsn", "show", fifo.to_str().unwrap()][..],
        &["vsn", "bump", "major", fifo.to_str().unwrap()],
    ] {
        let o = run(args);
        assert_eq!(o.code, 2, "{}", o.stderr);
        assert!(o.stderr.contains("is a FIFO (named pipe)"), "{}", o.stderr);
    }
    let o = run(&["vsn", "show", "/dev/null"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("is a character device"), "{}", o.stderr);
}

/// `check FOLDER` reads each release file as a file named on the command
/// line is read: `--max-bytes` applies (it was ignored in folders), and a
/// FIFO is named for what it is (it was "cannot be read").
#[test]
fn check_of_a_folder_applies_max_bytes_and_names_fifos() {
    let dir = scratch("folder-limits");
    let shop = dir.join("shop");
    copy_dir(&common::shop(), &shop);
    let root = shop.to_str().unwrap();
    let o = run(&["check", root]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = run(&["check", "--max-bytes", "10", root]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("larger than the limit of 10 bytes"),
        "{}",
        o.stderr
    );
    let relup = shop.join("releases/1.2.0/relup");
    std::fs::remove_file(&relup).unwrap();
    assert!(Command::new("mkfifo")
        .arg(&relup)
        .status()
        .unwrap()
        .success());
    let o = run(&["check", root]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("relup: is a FIFO"), "{}", o.stderr);
    let o = run(&["check", "--format", "json", root]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let _: serde_json::Value = serde_json::from_str(&o.stdout).unwrap();
}

/// A syntax error in a `.rel` given to `relup` or `upgrade check` says
/// where it is, once, and says "syntax error" once (it said
/// "syntax error: syntax error before: 5" with no position).
#[test]
fn rel_syntax_errors_have_one_position() {
    let dir = scratch("rel-syntax");
    let shop = shop();
    let rel = write(
        &dir,
        "bad.rel",
        "{release, {\"shop\", \"1.3.0\"}, {erts, \"13.1.5\"}, [{kernel, \"9.0\"},\n{stdlib, \"5.0\"}, {sasl 5}]}.\n",
    );
    let from = shop.join("releases/1.1.0/shop.rel");
    for args in [
        vec![
            "relup",
            "--to",
            rel.to_str().unwrap(),
            "--from",
            from.to_str().unwrap(),
        ],
        vec![
            "upgrade",
            "check",
            "--to",
            rel.to_str().unwrap(),
            "--from",
            from.to_str().unwrap(),
        ],
        vec!["check", rel.to_str().unwrap()],
    ] {
        let o = run(&args);
        assert_eq!(o.code, 1, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains("2:24"), "{args:?}: {}", o.stderr);
        assert_eq!(
            o.stderr.matches("syntax error").count(),
            1,
            "{args:?}: {}",
            o.stderr
        );
    }
}

/// `upgrade pack -o` inside the release folder it packs (`lib/APP/priv`)
/// is refused (exit 2, nothing written): the tarball held its own
/// temporary file. Beside the release, in its root, is fine.
#[test]
fn pack_refuses_an_output_inside_the_packed_release() {
    let dir = scratch("pack-inside");
    let shop = dir.join("shop");
    copy_dir(&common::shop(), &shop);
    std::fs::create_dir_all(shop.join("lib/web-1.2.0/priv")).unwrap();
    let pack = |out: &Path| {
        run(&[
            "upgrade",
            "pack",
            "--from",
            "1.1.0",
            "--to",
            shop.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ])
    };
    let inside = shop.join("lib/web-1.2.0/priv/self.tar.gz");
    let o = pack(&inside);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("inside the release"), "{}", o.stderr);
    assert!(!inside.exists());
    let listing = std::fs::read_dir(shop.join("lib/web-1.2.0/priv"))
        .unwrap()
        .count();
    assert_eq!(listing, 0, "nothing left behind");
    let beside = shop.join("shop-1.2.0.tar.gz");
    let o = pack(&beside);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(beside.exists());
}
