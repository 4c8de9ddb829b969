//! `erlrel vsn show|set|bump` on scratch project trees: lossless edits,
//! appups kept in step, validation, dry runs, symbolic links, hard links,
//! owners and modes, read-only files, all-or-nothing, concurrent runs and
//! the exit statuses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_erlrel");

/// A project tree in a fresh temporary folder.
fn project(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let root = std::env::temp_dir().join(format!("erlrel-vsn-{name}-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    let files: &[(&str, &str)] = &[
        (
            "apps/a/src/a.app.src",
            "%% app a\n{application, a,\n [{vsn, \"0.1.0\"}, % bump\n  {applications, [kernel]}]}.\n",
        ),
        ("apps/a/ebin/a.appup", "%% up\n{\"0.1.0\",\n [{\"0.0.9\", []}],\n [{\"0.0.9\", []}]}.\n"),
        ("apps/a/priv/a.appup.src", "{\"0.1.0\", [], []}. % tmpl\n"),
        ("apps/b/src/b.app.src", "{application, b, [{vsn, git}]}.\n"),
        ("_build/default/lib/c/src/c.app.src", "{application, c, [{vsn, \"9\"}]}.\n"),
        (
            "rebar.config",
            "{relx, [{release, {r, \"0.1.0\"}, % main\n         [a, b]}]}.\n{profiles, [{prod, [{relx, [{release, {r, \"0.1.0\"}, [a]}]}]}]}.\n",
        ),
    ];
    for (path, text) in files {
        write(&root.join(path), text);
    }
    root
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

/// Every file under `root` with its contents (to check nothing changed).
fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let meta = fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                out.push((p.clone(), fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn erlrel(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .env("GIT_CEILING_DIRECTORIES", std::env::temp_dir())
        .output()
        .unwrap()
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn euid() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(2).unwrap().parse().unwrap()
}

#[test]
fn show_lists_apps_releases_and_appups() {
    let root = project("show");
    let out = erlrel(&root, &["vsn", "show"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "./apps/a/ebin/a.appup:2\tappup\ta\t0.1.0\n\
         ./apps/a/priv/a.appup.src:1\tappup\ta\t0.1.0\n\
         ./apps/a/src/a.app.src:3\tapp\ta\t0.1.0\n\
         ./apps/b/src/b.app.src:1\tapp\tb\tgit (computed at build time)\n\
         ./rebar.config:1\trelease\tr\t0.1.0\n\
         ./rebar.config:3\trelease\tr\t0.1.0\n"
    );
    let check = erlrel(&root, &["vsn", "show", "--check"]);
    assert_eq!(code(&check), 1, "git and 0.1.0 disagree");
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn set_changes_only_literal_versions() {
    let root = project("set");
    let before_b = read(&root.join("apps/b/src/b.app.src"));
    let out = erlrel(&root, &["vsn", "set", "1.2.3"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        read(&root.join("apps/a/src/a.app.src")),
        "%% app a\n{application, a,\n [{vsn, \"1.2.3\"}, % bump\n  {applications, [kernel]}]}.\n"
    );
    assert_eq!(
        read(&root.join("apps/a/ebin/a.appup")),
        "%% up\n{\"1.2.3\",\n [{\"0.0.9\", []}],\n [{\"0.0.9\", []}]}.\n"
    );
    assert_eq!(
        read(&root.join("apps/a/priv/a.appup.src")),
        "{\"1.2.3\", [], []}. % tmpl\n"
    );
    let rebar = read(&root.join("rebar.config"));
    assert_eq!(rebar.matches("\"1.2.3\"").count(), 2);
    assert!(rebar.contains("% main\n"));
    assert_eq!(read(&root.join("apps/b/src/b.app.src")), before_b);
    assert!(read(&root.join("_build/default/lib/c/src/c.app.src")).contains("\"9\""));
    assert!(stderr(&out).contains("app b has version git, left alone (use --force to overwrite)"));
    assert!(
        stdout(&out).contains("./apps/a/src/a.app.src:3: set to 1.2.3 (app a, was 0.1.0)\n"),
        "{}",
        stdout(&out)
    );
    // No temporary file left behind.
    assert_eq!(fs::read_dir(root.join("apps/a/src")).unwrap().count(), 1);

    let forced = erlrel(&root, &["vsn", "set", "1.2.3", "--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert_eq!(
        read(&root.join("apps/b/src/b.app.src")),
        "{application, b, [{vsn, \"1.2.3\"}]}.\n"
    );
    let check = erlrel(&root, &["vsn", "show", "--check"]);
    assert_eq!(code(&check), 0, "{}", stdout(&check));
    // Setting the same version again changes nothing.
    let again = erlrel(&root, &["vsn", "set", "1.2.3"]);
    assert_eq!(stdout(&again), "nothing to change\n");
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn set_refuses_what_is_not_a_version() {
    let root = project("notvsn");
    let before = snapshot(&root);
    for bad in ["patch", "git", "1.0-beta", "v1.2.3", ""] {
        let out = erlrel(&root, &["vsn", "set", bad]);
        assert_eq!(code(&out), 2, "{bad}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is not a version"),
            "{}",
            stderr(&out)
        );
        assert_eq!(snapshot(&root), before, "{bad}: nothing written");
    }
    let out = erlrel(&root, &["vsn", "set", "patch"]);
    assert!(stderr(&out).contains("erlrel vsn bump patch"));
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn bump_each_part() {
    let root = project("bump");
    write(
        &root.join("relx.config"),
        "{release, {short, \"1.2\"}, [a]}.\n{release, {otp, \"25.2.3.1\"}, [a]}.\n",
    );
    let out = erlrel(&root, &["vsn", "bump", "minor"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(read(&root.join("apps/a/src/a.app.src")).contains("{vsn, \"0.2.0\"}, % bump"));
    assert!(read(&root.join("apps/a/ebin/a.appup")).starts_with("%% up\n{\"0.2.0\",\n"));
    assert_eq!(
        read(&root.join("relx.config")),
        "{release, {short, \"1.3\"}, [a]}.\n{release, {otp, \"25.3.0.0\"}, [a]}.\n"
    );
    assert!(stderr(&out).contains("app b has version git, left alone (computed at build time)"));
    let out = erlrel(&root, &["vsn", "bump", "patch"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(read(&root.join("rebar.config")).contains("{r, \"0.2.1\"}, % main"));
    assert!(read(&root.join("relx.config")).contains("{short, \"1.3.1\"}"));
    let out = erlrel(&root, &["vsn", "bump", "major"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(read(&root.join("apps/a/priv/a.appup.src")).starts_with("{\"1.0.0\""));
    assert!(read(&root.join("relx.config")).contains("{otp, \"26.0.0.0\"}"));
    // A literal version without numbers cannot be bumped: rejected, nothing written.
    write(
        &root.join("apps/d/src/d.app.src"),
        "{application, d, [{vsn, \"beta\"}]}.\n",
    );
    let before = snapshot(&root);
    let out = erlrel(&root, &["vsn", "bump", "minor"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("d.app.src:1: app d has version \"beta\""),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&root), before);
    let bad = erlrel(&root, &["vsn", "bump", "micro"]);
    assert_eq!(code(&bad), 2);
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let root = project("dry");
    let before = snapshot(&root);
    let out = erlrel(&root, &["vsn", "bump", "minor", "--dry-run", "apps/a"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "dry run: nothing written; 3 files would change\n\
         --- a/apps/a/ebin/a.appup\n+++ b/apps/a/ebin/a.appup\n@@ -1,4 +1,4 @@\n %% up\n-{\"0.1.0\",\n+{\"0.2.0\",\n  [{\"0.0.9\", []}],\n  [{\"0.0.9\", []}]}.\n\
         --- a/apps/a/priv/a.appup.src\n+++ b/apps/a/priv/a.appup.src\n@@ -1 +1 @@\n-{\"0.1.0\", [], []}. % tmpl\n+{\"0.2.0\", [], []}. % tmpl\n\
         --- a/apps/a/src/a.app.src\n+++ b/apps/a/src/a.app.src\n@@ -1,4 +1,4 @@\n %% app a\n {application, a,\n- [{vsn, \"0.1.0\"}, % bump\n+ [{vsn, \"0.2.0\"}, % bump\n   {applications, [kernel]}]}.\n"
    );
    assert_eq!(snapshot(&root), before);
    let set = erlrel(&root, &["vsn", "set", "3.0.0", "--dry-run"]);
    assert!(stdout(&set).starts_with("dry run: nothing written; 4 files would change\n"));
    assert_eq!(snapshot(&root), before);
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn symlinks_are_written_through_and_followed() {
    let root = project("links");
    // An .app.src kept elsewhere and linked into the tree.
    write(
        &root.join("shared/e.app.src"),
        "{application, e, [{vsn, \"0.1.0\"}]}.\n",
    );
    fs::create_dir_all(root.join("apps/e/src")).unwrap();
    std::os::unix::fs::symlink(
        "../../../shared/e.app.src",
        root.join("apps/e/src/e.app.src"),
    )
    .unwrap();
    // A loop: a link to the tree's root.
    std::os::unix::fs::symlink("../..", root.join("apps/e/loop")).unwrap();
    // Named on the command line.
    let out = erlrel(&root, &["vsn", "set", "0.5.0", "apps/e/src/e.app.src"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let meta = fs::symlink_metadata(root.join("apps/e/src/e.app.src")).unwrap();
    assert!(meta.file_type().is_symlink(), "the link is kept");
    assert!(read(&root.join("shared/e.app.src")).contains("\"0.5.0\""));
    // In a walk: followed (the loop walked once), so --check sees it.
    let out = erlrel(&root, &["vsn", "set", "2.0.0", "--force", "apps"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(read(&root.join("shared/e.app.src")).contains("\"2.0.0\""));
    assert!(fs::symlink_metadata(root.join("apps/e/src/e.app.src"))
        .unwrap()
        .file_type()
        .is_symlink());
    let show = erlrel(&root, &["vsn", "show", "apps"]);
    assert!(
        stderr(&show).contains(
            "note: apps/e/loop: symbolic link to a folder above it (a loop); not followed"
        ),
        "{}",
        stderr(&show)
    );
    assert!(
        !stdout(&show).contains("rebar.config"),
        "the loop is not walked"
    );
    assert!(
        stdout(&show).contains("apps/e/src/e.app.src:1\tapp\te\t2.0.0"),
        "{}",
        stdout(&show)
    );
    assert_eq!(code(&erlrel(&root, &["vsn", "show", "--check", "apps"])), 0);
    write(
        &root.join("shared/e.app.src"),
        "{application, e, [{vsn, \"0.0.1\"}]}.\n",
    );
    assert_eq!(code(&erlrel(&root, &["vsn", "show", "--check", "apps"])), 1);
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn read_only_file_refused_and_nothing_written() {
    let root = project("ro");
    let ro = root.join("apps/a/src/a.app.src");
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o444)).unwrap();
    let before = snapshot(&root);
    let out = erlrel(&root, &["vsn", "set", "1.0.0"]);
    assert_eq!(code(&out), 2);
    assert_eq!(
        stderr(&out).lines().last().unwrap(),
        "error: ./apps/a/src/a.app.src: read-only (force writes it anyway)"
    );
    assert_eq!(snapshot(&root), before, "all or nothing");
    let out = erlrel(&root, &["vsn", "set", "1.0.0", "--force"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(read(&ro).contains("\"1.0.0\""));
    assert_eq!(fs::metadata(&ro).unwrap().mode() & 0o7777, 0o444);
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn hard_links_owner_and_mode_kept() {
    let root = project("meta");
    let app = root.join("apps/a/src/a.app.src");
    fs::hard_link(&app, root.join("a.app.src.link")).unwrap();
    let rebar = root.join("rebar.config");
    fs::set_permissions(&rebar, fs::Permissions::from_mode(0o640)).unwrap();
    let root_user = euid() == 0;
    if root_user {
        std::os::unix::fs::chown(&rebar, Some(65534), Some(65534)).unwrap();
    } else {
        println!("not root: owner change not tested (only the mode)");
    }
    let ino = fs::metadata(&app).unwrap().ino();
    let before = fs::metadata(&rebar).unwrap();
    let out = erlrel(&root, &["vsn", "set", "4.5.6", "apps", "rebar.config"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        read(&root.join("a.app.src.link")).contains("\"4.5.6\""),
        "the other link sees it"
    );
    assert_eq!(fs::metadata(&app).unwrap().ino(), ino);
    let after = fs::metadata(&rebar).unwrap();
    assert!(read(&rebar).contains("\"4.5.6\""));
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    assert_eq!(after.mode() & 0o7777, 0o640);
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn concurrent_bumps_are_serialised() {
    let root = project("concurrent");
    let runs: Vec<_> = (0..4)
        .map(|_| {
            Command::new(BIN)
                .current_dir(&root)
                .args(["vsn", "bump", "patch"])
                .spawn()
                .unwrap()
        })
        .collect();
    for mut r in runs {
        assert!(r.wait().unwrap().success());
    }
    // Four bumps, none lost, every file in step.
    let show = erlrel(&root, &["vsn", "show"]);
    let text = stdout(&show);
    let versions: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("git"))
        .map(|l| l.rsplit('\t').next().unwrap())
        .collect();
    assert_eq!(versions, ["0.1.4"; 5], "{}", stdout(&show));
    fs::remove_dir_all(root).unwrap();
}

#[test]
fn exit_statuses() {
    let root = project("codes");
    // A missing path: could not run.
    assert_eq!(code(&erlrel(&root, &["vsn", "show", "nowhere"])), 2);
    assert_eq!(code(&erlrel(&root, &["vsn", "set", "1.0.0", "nowhere"])), 2);
    // An explicit file that holds no version.
    write(&root.join("notes.txt"), "x");
    assert_eq!(code(&erlrel(&root, &["vsn", "show", "notes.txt"])), 2);
    // Nothing to set: rejected.
    fs::create_dir_all(root.join("empty")).unwrap();
    let out = erlrel(&root, &["vsn", "set", "1.0.0", "empty"]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("no application or release version found under empty"));
    // A file that does not parse: rejected, nothing written.
    write(
        &root.join("apps/z/src/z.app.src"),
        "{application, z, [{vsn, \"1\"}\n",
    );
    let before = snapshot(&root);
    let out = erlrel(&root, &["vsn", "set", "1.0.0"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("z.app.src:"), "{}", stderr(&out));
    assert_eq!(snapshot(&root), before);
    assert_eq!(code(&erlrel(&root, &["vsn", "show"])), 1);
    // Bad usage.
    assert_eq!(code(&erlrel(&root, &["vsn", "set"])), 2);
    fs::remove_dir_all(root).unwrap();
}
