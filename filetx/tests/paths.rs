//! Folders made by a plan, dangling symbolic links, paths naming folders,
//! the lock of plans writing in many folders, and the review's other
//! findings, on a real file system.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use filetx::{Error, Method, Options, Plan};

fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("filetx-p-{name}-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn dry() -> Options {
    Options {
        dry_run: true,
        ..Options::default()
    }
}

fn euid() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(2).unwrap().parse().unwrap()
}

/// Review defect 1: a dry run of a plan writing into a folder that does
/// not exist yet succeeded only for real. Planned folders are checked,
/// listed by the dry run, and made by the real run.
#[test]
fn dry_run_lists_the_folders_a_plan_makes() {
    let dir = scratch("mkdir");
    let file = dir.join("apps/shop/ebin/shop.appup");
    let mut plan = Plan::new();
    plan.create_dir_all(dir.join("apps/shop/ebin"))
        .create(&file, "up\n");
    let report = plan.apply(&dry()).unwrap();
    assert_eq!(
        report.dirs,
        [
            dir.join("apps"),
            dir.join("apps/shop"),
            dir.join("apps/shop/ebin")
        ]
    );
    let text = report.to_string();
    assert!(
        text.starts_with(&format!(
            "dry run: nothing written; 1 file would change\nwould create folder {}\n",
            dir.join("apps").display()
        )),
        "{text}"
    );
    assert!(
        text.ends_with(&format!(
            "--- /dev/null\n+++ b/{}\n@@ -0,0 +1 @@\n+up\n",
            file.display()
        )),
        "{text}"
    );
    assert!(names(&dir).is_empty(), "a dry run makes no folder");
    let report = plan.apply(&Options::default()).unwrap();
    assert_eq!(report.dirs.len(), 3);
    assert_eq!(read(&file), "up\n");
    assert!(report
        .to_string()
        .starts_with(&format!("created folder {}\n", dir.join("apps").display())));
    // Again: the folders exist, nothing to make; the file exists now.
    let err = plan.apply(&dry()).unwrap_err();
    assert!(matches!(err, Error::Exists { .. }), "{err}");
    // Without create_dir_all a missing folder is refused, in a dry run too.
    let mut bare = Plan::new();
    bare.create(dir.join("nope/f"), "x");
    for opts in [dry(), Options::default()] {
        let err = bare.apply(&opts).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert!(err.to_string().contains("nope"), "{err}");
    }
    // A relative folder is listed as named.
    fs::remove_dir_all(&dir).unwrap();
}

/// Folders made by a plan that then fails are removed again, and a folder
/// cannot be made where a file is.
#[test]
fn a_failed_plan_removes_the_folders_it_made() {
    for fail_at in 0..2 {
        let dir = scratch("mkdir-rollback");
        write(&dir.join("a"), "a0\n");
        let mut plan = Plan::new();
        plan.edit(dir.join("a"), "a1\n")
            .create_dir_all(dir.join("new/sub"))
            .create(dir.join("new/sub/f"), "f\n");
        let opts = Options {
            fail_before_commit: Some(fail_at),
            ..Options::default()
        };
        let err = plan.apply(&opts).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert_eq!(names(&dir), ["a"], "fail at {fail_at}");
        assert_eq!(read(&dir.join("a")), "a0\n");
        fs::remove_dir_all(&dir).unwrap();
    }
    let dir = scratch("mkdir-file");
    write(&dir.join("file"), "x");
    let mut plan = Plan::new();
    plan.create_dir_all(dir.join("file/sub"))
        .create(dir.join("file/sub/f"), "f\n");
    let err = plan.apply(&dry()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(&dir.join("file").display().to_string()),
        "{err}"
    );
    let mut plan = Plan::new();
    plan.create_dir_all(dir.join("file"));
    let err = plan.apply(&Options::default()).unwrap_err();
    assert!(matches!(err, Error::NotAFolder { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!("{}: not a folder", dir.join("file").display())
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// Review defect 2: creating through a dangling symbolic link was refused
/// as "already exists" without force and as "does not exist" with it. The
/// link's target (relative to the link's folder) is created, the link kept,
/// with or without force.
#[test]
fn a_dangling_link_gets_its_target_created() {
    for force in [false, true] {
        let dir = scratch("dangling");
        fs::create_dir_all(dir.join("links")).unwrap();
        fs::create_dir_all(dir.join("out")).unwrap();
        // links/dang -> ../out/hop -> target.relup (relative to out/).
        symlink("../out/hop", dir.join("links/dang")).unwrap();
        symlink("target.relup", dir.join("out/hop")).unwrap();
        let mut plan = Plan::new();
        plan.create(dir.join("links/dang"), "relup\n");
        let opts = Options {
            force,
            ..Options::default()
        };
        let report = plan
            .apply(&Options {
                dry_run: true,
                ..opts.clone()
            })
            .unwrap();
        assert_eq!(report.files[0].method, Method::Created);
        assert!(report.diff.contains("+relup\n"));
        assert_eq!(names(&dir.join("out")), ["hop"], "dry run");
        let report = plan.apply(&opts).unwrap();
        assert_eq!(
            report.files[0].target,
            fs::canonicalize(dir.join("out"))
                .unwrap()
                .join("target.relup")
        );
        assert_eq!(read(&dir.join("out/target.relup")), "relup\n");
        assert_eq!(
            fs::read_link(dir.join("links/dang")).unwrap(),
            Path::new("../out/hop")
        );
        assert_eq!(names(&dir.join("links")), ["dang"]);
        assert_eq!(names(&dir.join("out")), ["hop", "target.relup"]);
        // Now the link leads to a file: replaced only with force.
        let again = plan.apply(&opts);
        assert_eq!(again.is_ok(), force, "{again:?}");
        fs::remove_dir_all(&dir).unwrap();
    }
}

/// A dangling link whose target's folder does not exist: refused, naming
/// the link and its target; an edit through a dangling link is of a
/// missing file.
#[test]
fn a_dangling_link_into_a_missing_folder_is_refused() {
    let dir = scratch("dangling-nofolder");
    symlink("no/such/target", dir.join("dang")).unwrap();
    for force in [false, true] {
        let mut plan = Plan::new();
        plan.create(dir.join("dang"), "x");
        let err = plan
            .apply(&Options {
                force,
                ..Options::default()
            })
            .unwrap_err();
        assert!(matches!(err, Error::LinkFolderMissing { .. }), "{err}");
        let msg = err.to_string();
        assert_eq!(
            msg,
            format!(
                "{}: symbolic link to {}, whose folder does not exist",
                dir.join("dang").display(),
                dir.join("no/such/target").display()
            )
        );
    }
    let mut edit = Plan::new();
    edit.edit(dir.join("dang"), "x");
    let err = edit.apply(&Options::default()).unwrap_err();
    assert!(matches!(err, Error::Missing { .. }), "{err}");
    // A loop of links is an error, not a hang.
    symlink("loop2", dir.join("loop1")).unwrap();
    symlink("loop1", dir.join("loop2")).unwrap();
    let mut plan = Plan::new();
    plan.create(dir.join("loop1"), "x");
    let err = plan.apply(&Options::default()).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert_eq!(names(&dir), ["dang", "loop1", "loop2"]);
    fs::remove_dir_all(&dir).unwrap();
}

/// Review defect 3: `sub/` made a file `sub`. A path ending in `/`, `/.`
/// or `/..` names a folder: refused, in a dry run too.
#[test]
fn a_path_naming_a_folder_is_refused() {
    let dir = scratch("slash");
    write(&dir.join("a"), "a\n");
    for name in ["sub/", "sub/.", "a/", "a/.."] {
        let path = PathBuf::from(format!("{}/{name}", dir.display()));
        for create in [true, false] {
            let mut plan = Plan::new();
            if create {
                plan.create(&path, "x");
            } else {
                plan.edit(&path, "x");
            }
            for opts in [dry(), Options::default()] {
                let err = plan.apply(&opts).unwrap_err();
                assert!(matches!(err, Error::NamesFolder { .. }), "{name}: {err}");
                assert_eq!(
                    err.to_string(),
                    format!("{}: names a folder, not a file", path.display())
                );
            }
        }
    }
    assert_eq!(names(&dir), ["a"]);
    assert_eq!(read(&dir.join("a")), "a\n");
    fs::remove_dir_all(&dir).unwrap();
}

/// A plan editing one file in each of `n` folders below `dir`.
fn wide_plan(dir: &Path, n: usize, text: &str) -> Plan {
    let mut plan = Plan::new();
    for i in 0..n {
        plan.edit(dir.join(format!("d{i}/f")), text.to_string());
    }
    plan
}

/// Run by `many_folders_need_few_descriptors` under `ulimit -n`.
#[test]
#[ignore = "run by many_folders_need_few_descriptors under a descriptor limit"]
fn limited_descriptors_scenario() {
    let Ok(dir) = std::env::var("FILETX_FD_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    wide_plan(&dir, 300, "new\n")
        .apply(&Options::default())
        .unwrap();
    fs::write(dir.join("ok"), "passed").unwrap();
}

/// Review defect 4: the lock held one open folder per folder written, so
/// a plan writing in 1000+ folders failed under `ulimit -n 1024`. 300
/// folders are written under a limit of 64 descriptors.
#[test]
fn many_folders_need_few_descriptors() {
    let dir = scratch("fds");
    for i in 0..300 {
        write(&dir.join(format!("d{i}/f")), "old\n");
    }
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("sh")
        .args([
            "-c",
            "ulimit -n 64 && exec \"$0\" --exact limited_descriptors_scenario --ignored --test-threads=1",
        ])
        .arg(&exe)
        .env("FILETX_FD_DIR", &dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read(&dir.join("ok")), "passed");
    for i in [0, 150, 299] {
        assert_eq!(read(&dir.join(format!("d{i}/f"))), "new\n");
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// A plan writing in many folders locks their common folder; it still
/// waits for a run writing in one of them, and the other way round.
#[test]
fn a_wide_plan_and_a_narrow_one_wait_for_each_other() {
    let dir = scratch("widelock");
    for i in 0..40 {
        write(&dir.join(format!("d{i}/f")), "0\n");
    }
    let quick = Options {
        lock_timeout: Some(Duration::from_millis(300)),
        ..Options::default()
    };
    // A narrow run in progress: its folder exclusively, the folders
    // above it shared (as filetx locks them).
    let root = fs::File::open(&dir).unwrap();
    root.lock_shared().unwrap();
    let d7 = fs::File::open(dir.join("d7")).unwrap();
    d7.lock().unwrap();
    let err = wide_plan(&dir, 40, "1\n").apply(&quick).unwrap_err();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err}");
    assert_eq!(read(&dir.join("d0/f")), "0\n");
    drop((root, d7));
    // A wide run in progress: the common folder exclusively.
    let root = fs::File::open(&dir).unwrap();
    root.lock().unwrap();
    let mut narrow = Plan::new();
    narrow.edit(dir.join("d7/f"), "2\n");
    let err = narrow.apply(&quick).unwrap_err();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err}");
    // A run elsewhere does not wait for it.
    let other = scratch("widelock-other");
    write(&other.join("f"), "0\n");
    let mut elsewhere = Plan::new();
    elsewhere.edit(other.join("f"), "1\n");
    elsewhere.apply(&quick).unwrap();
    drop(root);
    narrow.apply(&quick).unwrap();
    wide_plan(&dir, 40, "1\n").apply(&quick).unwrap();
    assert_eq!(read(&dir.join("d7/f")), "1\n");
    fs::remove_dir_all(&dir).unwrap();
    fs::remove_dir_all(&other).unwrap();
}

/// Concurrent runs writing in every one of 20 folders (one lock on their
/// common folder) and runs writing in two of them never see each other's
/// half-applied plans.
#[test]
fn wide_and_narrow_runs_do_not_interleave() {
    let dir = scratch("widenarrow");
    let all: Vec<PathBuf> = (0..20).map(|i| dir.join(format!("d{i}/f"))).collect();
    for f in &all {
        write(f, "start\n");
    }
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let all = all.clone();
            std::thread::spawn(move || {
                // Even threads write everything; odd ones d0 and d1.
                let mine: Vec<PathBuf> = if t % 2 == 0 {
                    all.clone()
                } else {
                    all[..2].to_vec()
                };
                let mut done = 0;
                while done < 15 {
                    let olds: Vec<String> = mine.iter().map(|f| read(f)).collect();
                    let mut plan = Plan::new();
                    for (f, old) in mine.iter().zip(&olds) {
                        plan.edit_expecting(f, old.as_bytes(), format!("run {t} #{done}\n"));
                    }
                    match plan.apply(&Options::default()) {
                        Ok(_) => {
                            // d0 and d1 are written by every run; d2.. by
                            // the wide ones only.
                            assert_eq!(olds[0], olds[1], "mixed: {olds:?}");
                            assert!(olds[2..].iter().all(|o| *o == olds[2]), "mixed: {olds:?}");
                            done += 1;
                        }
                        Err(Error::Changed { .. }) => {}
                        Err(e) => panic!("{e}"),
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    fs::remove_dir_all(&dir).unwrap();
}

/// One file planned twice through two hard links was written twice, the
/// second write silently replacing the first: refused as a duplicate.
#[test]
fn one_file_through_two_hard_links_is_planned_twice() {
    let dir = scratch("hl-dup");
    write(&dir.join("a"), "old\n");
    fs::hard_link(dir.join("a"), dir.join("b")).unwrap();
    let mut plan = Plan::new();
    plan.edit(dir.join("a"), "one\n")
        .edit(dir.join("b"), "two\n");
    let err = plan.apply(&Options::default()).unwrap_err();
    assert!(
        matches!(&err, Error::Duplicate { path } if path.ends_with("b")),
        "{err}"
    );
    assert_eq!(read(&dir.join("a")), "old\n");
    fs::remove_dir_all(&dir).unwrap();
}

/// Control characters in a file name are escaped in messages and reports.
#[test]
fn control_characters_in_paths_are_escaped() {
    let dir = scratch("ctl");
    let evil = dir.join("a\nb\u{1b}[31m");
    let mut plan = Plan::new();
    plan.edit(&evil, "x");
    let err = plan.apply(&Options::default()).unwrap_err();
    let msg = err.to_string();
    assert!(!msg.contains('\n') && !msg.contains('\u{1b}'), "{msg:?}");
    assert!(msg.contains("a\\nb\\e[31m"), "{msg}");
    let mut plan = Plan::new();
    plan.create(&evil, "x");
    let report = plan.apply(&Options::default()).unwrap();
    let text = report.to_string();
    assert_eq!(text.matches('\n').count(), 1, "{text:?}");
    assert!(text.contains("a\\nb\\e[31m"), "{text}");
    fs::remove_dir_all(&dir).unwrap();
}

/// Run as an unprivileged user by `folders_in_a_read_only_folder`.
#[test]
#[ignore = "run by folders_in_a_read_only_folder as an unprivileged user"]
fn unprivileged_folder_scenario() {
    let Ok(dir) = std::env::var("FILETX_UNPRIVILEGED_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    assert_ne!(euid(), 0, "must run unprivileged");
    let mut plan = Plan::new();
    plan.edit(dir.join("open/a"), "a1\n")
        .create_dir_all(dir.join("open/new"))
        .create(dir.join("open/new/f"), "f\n")
        .create_dir_all(dir.join("locked/new"))
        .create(dir.join("locked/new/f"), "f\n");
    // The dry run cannot see that mkdir will be refused; the real run is.
    let err = plan.apply(&Options::default()).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with(&dir.join("locked/new").display().to_string()),
        "{err}"
    );
    assert_eq!(read(&dir.join("open/a")), "a0\n");
    assert_eq!(names(&dir.join("open")), ["a"]);
    assert!(names(&dir.join("locked")).is_empty());
    fs::write(dir.join("ok"), "passed").unwrap();
}

/// A plan making a folder where it may not fails and removes the folders
/// it already made (run as `nobody` when this is root).
#[test]
fn folders_in_a_read_only_folder() {
    let dir = scratch("mkdir-ro");
    write(&dir.join("open/a"), "a0\n");
    fs::create_dir_all(dir.join("locked")).unwrap();
    fs::set_permissions(dir.join("locked"), fs::Permissions::from_mode(0o555)).unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut cmd = if euid() == 0 {
        for p in [
            &dir,
            &dir.join("open"),
            &dir.join("open/a"),
            &dir.join("locked"),
        ] {
            std::os::unix::fs::chown(p, Some(65534), Some(65534)).unwrap();
        }
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&exe);
        c
    } else {
        Command::new(&exe)
    };
    let out = cmd
        .args([
            "--exact",
            "unprivileged_folder_scenario",
            "--ignored",
            "--test-threads=1",
        ])
        .env("FILETX_UNPRIVILEGED_DIR", &dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 passed"), "{text}");
    assert_eq!(read(&dir.join("ok")), "passed");
    fs::set_permissions(dir.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::remove_dir_all(dir).unwrap();
}

/// Run by `a_long_diff_needs_bounded_memory` under `ulimit -v`.
#[test]
#[ignore = "run by a_long_diff_needs_bounded_memory under a memory limit"]
fn limited_memory_scenario() {
    let Ok(dir) = std::env::var("FILETX_MEM_DIR") else {
        return;
    };
    let file = PathBuf::from(dir).join("big");
    let new: String = (0..8000).map(|i| format!("new line {i}\n")).collect();
    let mut plan = Plan::new();
    plan.edit(&file, new.clone());
    let report = plan.apply(&dry()).unwrap();
    assert!(report.diff.contains("+new line 7999\n"));
    plan.apply(&Options::default()).unwrap();
    assert_eq!(read(&file), new);
}

/// The diff of every plan (computed for real runs too) kept a full copy
/// of Myers' row per edit, up to 4000 of them: a file of 8000 changed
/// lines cost about 1 GB. Bounded now: it runs in 300 MB of address space.
#[test]
fn a_long_diff_needs_bounded_memory() {
    let dir = scratch("bigdiff");
    let old: String = (0..8000).map(|i| format!("old line {i}\n")).collect();
    write(&dir.join("big"), &old);
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("sh")
        .args([
            "-c",
            "ulimit -v 300000 && exec \"$0\" --exact limited_memory_scenario --ignored --test-threads=1",
        ])
        .arg(&exe)
        .env("FILETX_MEM_DIR", &dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 passed"), "{text}");
    assert!(read(&dir.join("big")).starts_with("new line 0\n"));
    fs::remove_dir_all(&dir).unwrap();
}

/// A binary file (a tarball written by `upgrade pack --force`) got a
/// line diff of its bytes; now one line, as `git diff` says it.
#[test]
fn binary_files_get_no_line_diff() {
    let dir = scratch("binary");
    fs::write(dir.join("old.tar.gz"), b"\x1f\x8b\x00\nold\n").unwrap();
    let mut plan = Plan::new();
    plan.create(dir.join("new.tar.gz"), b"\x1f\x8b\x00\nnew\n".to_vec())
        .edit(dir.join("old.tar.gz"), b"\x1f\x8b\x00\nchanged\n".to_vec())
        .create(dir.join("text"), "a\n");
    let report = plan.apply(&dry()).unwrap();
    let new = dir.join("new.tar.gz").display().to_string();
    let old = dir.join("old.tar.gz").display().to_string();
    let text = dir.join("text").display().to_string();
    assert_eq!(
        report.diff,
        format!(
            "Binary files /dev/null and b/{new} differ\nBinary files a/{old} and b/{old} differ\n--- /dev/null\n+++ b/{text}\n@@ -0,0 +1 @@\n+a\n"
        )
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// `create` of a path that is a folder (or a link to one) said "already
/// exists (force replaces it)", and force then said "not a regular file":
/// not a regular file either way.
#[test]
fn a_folder_is_not_replaced_by_a_new_file() {
    let dir = scratch("ontofolder");
    fs::create_dir(dir.join("d")).unwrap();
    symlink("d", dir.join("l")).unwrap();
    for name in ["d", "l"] {
        for force in [false, true] {
            let mut plan = Plan::new();
            plan.create(dir.join(name), "x");
            let err = plan
                .apply(&Options {
                    force,
                    ..Options::default()
                })
                .unwrap_err();
            assert!(
                matches!(err, Error::NotRegular { .. }),
                "{name} {force}: {err}"
            );
        }
    }
    assert!(names(&dir.join("d")).is_empty());
    fs::remove_dir_all(&dir).unwrap();
}

/// Run by `a_replacement_is_never_more_readable_than_its_file` under
/// `ulimit -f`: killed (SIGXFSZ) while writing the temporary file.
#[test]
#[ignore = "run by a_replacement_is_never_more_readable_than_its_file"]
fn killed_while_writing_scenario() {
    let Ok(dir) = std::env::var("FILETX_KILL_DIR") else {
        return;
    };
    let mut plan = Plan::new();
    plan.edit(
        PathBuf::from(dir).join("sys.config"),
        "secret ".repeat(20_000),
    );
    let _ = plan.apply(&Options::default());
}

/// The temporary file replacing a file was made with the default mode
/// (0644 under the usual umask) and given the file's mode only after the
/// new contents were written: a private file's new contents (a cookie in
/// sys.config) were readable by everyone meanwhile, and stayed so in the
/// temporary file left by a crash. It is private (0600) from the start.
#[test]
fn a_replacement_is_never_more_readable_than_its_file() {
    let dir = scratch("private");
    write(&dir.join("sys.config"), "old\n");
    fs::set_permissions(dir.join("sys.config"), fs::Permissions::from_mode(0o600)).unwrap();
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("sh")
        .args([
            "-c",
            "umask 022; ulimit -f 40 && exec \"$0\" --exact killed_while_writing_scenario --ignored --test-threads=1",
        ])
        .arg(&exe)
        .env("FILETX_KILL_DIR", &dir)
        .output()
        .unwrap();
    assert!(!out.status.success(), "the write was cut off");
    assert_eq!(read(&dir.join("sys.config")), "old\n");
    let leftovers: Vec<String> = names(&dir)
        .into_iter()
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert_eq!(leftovers.len(), 1, "{:?}", names(&dir));
    let mode = fs::metadata(dir.join(&leftovers[0]))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the partial new contents are private");
    fs::remove_dir_all(&dir).unwrap();
}

/// A plan making `x` a folder and a file at once passed its checks (and
/// its dry run) and failed only when writing: refused as planned twice.
#[test]
fn a_path_planned_as_a_file_and_a_folder_is_refused() {
    let dir = scratch("file-and-folder");
    for folder in ["x", "x/y"] {
        let mut plan = Plan::new();
        plan.create_dir_all(dir.join(folder))
            .create(dir.join("x"), "f\n");
        for opts in [dry(), Options::default()] {
            let err = plan.apply(&opts).unwrap_err();
            assert!(matches!(err, Error::Duplicate { .. }), "{folder}: {err}");
        }
    }
    assert!(names(&dir).is_empty());
    fs::remove_dir_all(&dir).unwrap();
}

/// Run as `nobody` by `files_of_another_user`.
#[test]
#[ignore = "run by files_of_another_user as an unprivileged user"]
fn unprivileged_other_owner_scenario() {
    let Ok(dir) = std::env::var("FILETX_UNPRIVILEGED_DIR") else {
        return;
    };
    let dir = PathBuf::from(dir);
    assert_ne!(euid(), 0, "must run unprivileged");
    // root's file, readable by all, in nobody's folder.
    let mut plan = Plan::new();
    plan.edit(dir.join("roots"), "new\n");
    let err = plan.apply(&dry()).unwrap_err();
    assert!(matches!(err, Error::NotWritable { .. }), "{err}");
    let err = plan.apply(&Options::default()).unwrap_err();
    assert!(matches!(err, Error::NotWritable { .. }), "{err}");
    assert_eq!(read(&dir.join("roots")), "old\n");
    // force replaces it (the folder allows it): the file is nobody's now.
    plan.apply(&Options {
        force: true,
        ..Options::default()
    })
    .unwrap();
    assert_eq!(read(&dir.join("roots")), "new\n");
    // nobody's file of group root (which nobody is not in): written in
    // place, so the group stays.
    let mut plan = Plan::new();
    plan.edit(dir.join("group"), "new\n");
    let report = plan.apply(&Options::default()).unwrap();
    assert_eq!(report.files[0].method, Method::InPlace);
    // A read-only file of nobody's: refused without force, mode kept with.
    let mut plan = Plan::new();
    plan.edit(dir.join("ro"), "new\n");
    let err = plan.apply(&Options::default()).unwrap_err();
    assert!(matches!(err, Error::ReadOnly { .. }), "{err}");
    plan.apply(&Options {
        force: true,
        ..Options::default()
    })
    .unwrap();
    fs::write(dir.join("ok"), "passed").unwrap();
}

/// Files of another user and read-only files, as an unprivileged user
/// (`nobody` under setpriv when this is root).
#[test]
fn files_of_another_user() {
    use std::os::unix::fs::MetadataExt;
    if euid() != 0 {
        println!("not root: cannot make files of another user; checked by root runs");
        return;
    }
    let dir = scratch("other-owner");
    write(&dir.join("roots"), "old\n");
    fs::set_permissions(dir.join("roots"), fs::Permissions::from_mode(0o644)).unwrap();
    write(&dir.join("group"), "old\n");
    fs::set_permissions(dir.join("group"), fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::chown(dir.join("group"), Some(65534), Some(0)).unwrap();
    write(&dir.join("ro"), "old\n");
    fs::set_permissions(dir.join("ro"), fs::Permissions::from_mode(0o444)).unwrap();
    std::os::unix::fs::chown(dir.join("ro"), Some(65534), Some(65534)).unwrap();
    std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "unprivileged_other_owner_scenario",
            "--ignored",
            "--test-threads=1",
        ])
        .env("FILETX_UNPRIVILEGED_DIR", &dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("1 passed"), "{text}");
    assert_eq!(read(&dir.join("ok")), "passed");
    let group = fs::metadata(dir.join("group")).unwrap();
    assert_eq!(
        (group.uid(), group.gid(), group.mode() & 0o777),
        (65534, 0, 0o640)
    );
    assert_eq!(read(&dir.join("group")), "new\n");
    let ro = fs::metadata(dir.join("ro")).unwrap();
    assert_eq!(ro.mode() & 0o777, 0o444);
    assert_eq!(read(&dir.join("ro")), "new\n");
    fs::remove_dir_all(&dir).unwrap();
}
