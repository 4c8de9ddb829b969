//! The file-writing path shared by `relup -o`, `upgrade pack -o`,
//! `appup generate -o DIR` / `--layout rebar3` and `vsn`: dry runs into
//! folders that do not exist yet, dangling symbolic links, paths naming
//! folders, and projects with more folders than open descriptors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_erlrel");

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("erlrel-write-{name}-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn erlrel(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures")
}

fn shop() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop")
}

/// `appup generate` from the r1 to the r2 fixture release, then `extra`.
fn appup_generate(dir: &Path, extra: &[&str]) -> Output {
    let r1 = fixtures().join("r1");
    let r2 = fixtures().join("r2");
    let mut args = vec![
        "appup",
        "generate",
        "--from",
        r1.to_str().unwrap(),
        "--to",
        r2.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    erlrel(dir, &args)
}

/// `relup` of the example shop, 1.1.0 to 1.2.0, then `extra`.
fn relup(dir: &Path, extra: &[&str]) -> Output {
    let s = shop();
    let to = s.join("releases/1.2.0/shop.rel");
    let from = s.join("releases/1.1.0/shop.rel");
    let lib = s.join("lib");
    let mut args = vec![
        "relup",
        "--to",
        to.to_str().unwrap(),
        "--from",
        from.to_str().unwrap(),
        "--lib",
        lib.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    erlrel(dir, &args)
}

/// Review defect 1: `appup generate -o newdir --dry-run` failed with
/// "newdir: resolving: No such file or directory" (exit 2) where the real
/// run made newdir. The dry run says what it would make.
#[test]
fn dry_run_into_a_folder_that_does_not_exist() {
    let dir = scratch("dry-newdir");
    let o = appup_generate(&dir, &["-o", "newdir/sub", "--dry-run"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.starts_with(
            "dry run: nothing written\nwould create folder newdir\nwould create folder newdir/sub\nwould write newdir/sub/fx.appup\nwould write newdir/sub/fy.appup\n--- /dev/null\n+++ b/newdir/sub/fx.appup\n"
        ),
        "{err}"
    );
    assert!(!dir.join("newdir").exists(), "a dry run makes no folder");
    let o = appup_generate(&dir, &["-o", "newdir/sub"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).starts_with(
        "created folder newdir\ncreated folder newdir/sub\nwrote newdir/sub/fx.appup\n"
    ));
    assert!(dir.join("newdir/sub/fy.appup").is_file());
    fs::remove_dir_all(&dir).unwrap();
}

/// The same with `--layout rebar3` in a fresh umbrella: no `apps/APP/ebin`.
#[test]
fn dry_run_into_a_fresh_umbrella() {
    let dir = scratch("dry-umbrella");
    for app in ["fx", "fy"] {
        fs::create_dir_all(dir.join(format!("apps/{app}/src"))).unwrap();
    }
    let o = appup_generate(&dir, &["--layout", "rebar3", "--dry-run"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("would create folder ./apps/fx/ebin\n"),
        "{err}"
    );
    assert!(err.contains("+++ b/apps/fy/ebin/fy.appup\n"), "{err}");
    assert!(!dir.join("apps/fx/ebin").exists());
    let o = appup_generate(&dir, &["--layout", "rebar3"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(dir.join("apps/fx/ebin/fx.appup").is_file());
    assert!(dir.join("apps/fy/ebin/fy.appup").is_file());
    fs::remove_dir_all(&dir).unwrap();
}

/// A refused write leaves no folder behind: `appup generate` made the
/// folders of new appups before the write was checked.
#[test]
fn a_refused_write_makes_no_folder() {
    let dir = scratch("refused");
    fs::create_dir_all(dir.join("apps/fx/src")).unwrap();
    fs::create_dir_all(dir.join("apps/fy/ebin")).unwrap();
    // fy's appup is a dangling link into a folder that does not exist:
    // refused, after fx's folder would have been made.
    symlink("../new/fy.appup", dir.join("apps/fy/ebin/fy.appup")).unwrap();
    let o = appup_generate(&dir, &["--layout", "rebar3"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "apps/fy/ebin/fy.appup: symbolic link to ./apps/fy/ebin/../new/fy.appup, whose folder does not exist"
        ),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("apps/fx/ebin").exists(), "no folder made");
    fs::remove_dir_all(&dir).unwrap();
}

/// Review defect 2: `relup -o dang` (a dangling link) said "already exists
/// (pass --force)", and with --force "does not exist". The link's target is
/// created, relative to the link's folder, and the link kept.
#[test]
fn relup_through_a_dangling_link() {
    let dir = scratch("dangling");
    fs::create_dir_all(dir.join("links")).unwrap();
    symlink("target.relup", dir.join("links/dang")).unwrap();
    let o = relup(&dir, &["-o", "links/dang"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stderr(&o), "wrote links/dang\n");
    assert!(fs::read_to_string(dir.join("links/target.relup"))
        .unwrap()
        .starts_with("%% coding: utf-8\n{\"1.2.0\","));
    assert_eq!(
        fs::read_link(dir.join("links/dang")).unwrap(),
        Path::new("target.relup")
    );
    // The target exists now: replaced only with --force.
    let o = relup(&dir, &["-o", "links/dang"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("links/dang: already exists (pass --force"));
    let o = relup(&dir, &["-o", "links/dang", "--force"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // A link into a folder that does not exist: exit 2, saying so.
    symlink("nodir/x.relup", dir.join("dang2")).unwrap();
    for force in [&[][..], &["--force"][..]] {
        let o = relup(&dir, &[&["-o", "dang2"][..], force].concat());
        assert_eq!(code(&o), 2);
        assert_eq!(
            stderr(&o),
            "error: dang2: symbolic link to nodir/x.relup, whose folder does not exist\n"
        );
    }
    assert!(!dir.join("nodir").exists());
    fs::remove_dir_all(&dir).unwrap();
}

/// Review defect 3: `relup -o sub/` wrote a file named `sub`. A path
/// ending in `/` names a folder: exit 2; `appup generate -o DIR/` is DIR.
#[test]
fn a_trailing_slash_names_a_folder() {
    let dir = scratch("slash");
    fs::create_dir(dir.join("d")).unwrap();
    for out in ["sub/", "d/", "sub/."] {
        for dry in [&[][..], &["--dry-run"][..]] {
            let o = relup(&dir, &[&["-o", out][..], dry].concat());
            assert_eq!(code(&o), 2, "{out}");
            assert_eq!(
                stderr(&o),
                format!("error: {out}: names a folder, not a file\n")
            );
        }
    }
    // An existing folder without the slash is not a file either.
    let o = relup(&dir, &["-o", "d", "--force"]);
    assert_eq!(code(&o), 2);
    assert_eq!(stderr(&o), "error: d: not a regular file\n");
    let mut entries: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    entries.sort();
    assert_eq!(entries, ["d"]);
    let o = appup_generate(&dir, &["-o", "out/"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(dir.join("out/fx.appup").is_file());
    fs::remove_dir_all(&dir).unwrap();
}

/// Review defect 4: `vsn bump` held one open folder per application for
/// its lock and failed with "Too many open files" past `ulimit -n`.
#[test]
fn bump_in_more_folders_than_descriptors() {
    let dir = scratch("fds");
    for i in 0..400 {
        let src = dir.join(format!("fd/apps/a{i}/src"));
        fs::create_dir_all(&src).unwrap();
        fs::write(
            src.join(format!("a{i}.app.src")),
            format!("{{application, a{i}, [{{vsn, \"1.0.0\"}}]}}.\n"),
        )
        .unwrap();
    }
    let o = Command::new("sh")
        .current_dir(&dir)
        .args(["-c", "ulimit -n 128 && exec \"$0\" vsn bump patch fd"])
        .arg(BIN)
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for i in [0, 399] {
        let text = fs::read_to_string(dir.join(format!("fd/apps/a{i}/src/a{i}.app.src"))).unwrap();
        assert!(text.contains("\"1.0.1\""), "{text}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// Runs bumping every one of 30 applications (locking their common
/// folder) and runs bumping one of them (locking its folder) at the same
/// time: every bump applied once, none lost.
#[test]
fn wide_and_narrow_bumps_are_serialised() {
    let dir = scratch("wide-narrow");
    for i in 0..30 {
        let src = dir.join(format!("p/apps/a{i}/src"));
        fs::create_dir_all(&src).unwrap();
        fs::write(
            src.join(format!("a{i}.app.src")),
            format!("{{application, a{i}, [{{vsn, \"1.0.0\"}}]}}.\n"),
        )
        .unwrap();
    }
    let runs: Vec<_> = ["p", "p/apps/a0", "p", "p/apps/a0", "p", "p/apps/a0"]
        .iter()
        .map(|path| {
            Command::new(BIN)
                .current_dir(&dir)
                .args(["vsn", "bump", "patch", path])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for r in runs {
        let o = r.wait_with_output().unwrap();
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let vsn =
        |i: usize| fs::read_to_string(dir.join(format!("p/apps/a{i}/src/a{i}.app.src"))).unwrap();
    assert!(vsn(0).contains("\"1.0.6\""), "{}", vsn(0));
    for i in 1..30 {
        assert!(vsn(i).contains("\"1.0.3\""), "{}", vsn(i));
    }
    fs::remove_dir_all(&dir).unwrap();
}
