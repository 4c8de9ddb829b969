//! File transactions on a real file system: symbolic links, modes, owners,
//! hard links, rollback, the lock, dry runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use filetx::{Error, Kind, Method, Options, Plan};

/// A fresh empty folder for one test.
fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("filetx-{name}-{}-{n}", std::process::id()));
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

/// The names in `dir`, sorted (to see leftover temporary files).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn euid() -> u32 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("Uid:")).unwrap();
    line.split_whitespace().nth(2).unwrap().parse().unwrap()
}

#[test]
fn edit_and_create() {
    let dir = scratch("basic");
    write(&dir.join("a"), "one\n");
    let mut plan = Plan::new();
    plan.edit(dir.join("a"), "two\n")
        .create(dir.join("b"), "new\n");
    let report = plan.apply(&Options::default()).unwrap();
    assert!(!report.dry_run);
    assert_eq!(read(&dir.join("a")), "two\n");
    assert_eq!(read(&dir.join("b")), "new\n");
    let methods: Vec<Method> = report.files.iter().map(|f| f.method).collect();
    assert_eq!(methods, [Method::Replaced, Method::Created]);
    assert_eq!(names(&dir), ["a", "b"]);
    assert_eq!(
        report.to_string(),
        format!(
            "wrote {}\nwrote {}\n",
            dir.join("a").display(),
            dir.join("b").display()
        )
    );
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn unchanged_files_are_not_written() {
    let dir = scratch("same");
    write(&dir.join("a"), "same\n");
    let ino = fs::metadata(dir.join("a")).unwrap().ino();
    let mut plan = Plan::new();
    plan.edit(dir.join("a"), "same\n");
    let report = plan.apply(&Options::default()).unwrap();
    assert_eq!(report.files[0].method, Method::Unchanged);
    assert_eq!(report.changed().count(), 0);
    assert_eq!(report.diff, "");
    assert_eq!(fs::metadata(dir.join("a")).unwrap().ino(), ino);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn dry_run_says_so_and_writes_nothing() {
    let dir = scratch("dry");
    write(&dir.join("a"), "x\ny\n");
    let mut plan = Plan::new();
    plan.edit(dir.join("a"), "x\nz\n")
        .create(dir.join("b"), "b\n");
    let report = plan
        .apply(&Options {
            dry_run: true,
            ..Options::default()
        })
        .unwrap();
    assert!(report.dry_run);
    let a = dir.join("a").display().to_string();
    let b = dir.join("b").display().to_string();
    assert_eq!(
        report.to_string(),
        format!(
            "dry run: nothing written; 2 files would change\n--- a/{a}\n+++ b/{a}\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n--- /dev/null\n+++ b/{b}\n@@ -0,0 +1 @@\n+b\n"
        )
    );
    assert_eq!(read(&dir.join("a")), "x\ny\n");
    assert_eq!(names(&dir), ["a"]);
    // The checks run in a dry run too.
    fs::set_permissions(dir.join("a"), fs::Permissions::from_mode(0o444)).unwrap();
    let err = plan
        .apply(&Options {
            dry_run: true,
            ..Options::default()
        })
        .unwrap_err();
    assert!(matches!(err, Error::ReadOnly { .. }), "{err}");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn symlink_kept_and_target_updated() {
    let dir = scratch("link");
    write(&dir.join("real/app.src"), "old\n");
    fs::create_dir_all(dir.join("apps")).unwrap();
    std::os::unix::fs::symlink("../real/app.src", dir.join("apps/app.src")).unwrap();
    // A chain of two links.
    std::os::unix::fs::symlink("apps/app.src", dir.join("top")).unwrap();
    let mut plan = Plan::new();
    plan.edit(dir.join("top"), "new\n");
    let report = plan.apply(&Options::default()).unwrap();
    assert_eq!(
        report.files[0].target,
        fs::canonicalize(dir.join("real/app.src")).unwrap()
    );
    for link in ["top", "apps/app.src"] {
        let meta = fs::symlink_metadata(dir.join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is still a link");
    }
    assert_eq!(
        fs::read_link(dir.join("apps/app.src")).unwrap(),
        Path::new("../real/app.src")
    );
    assert_eq!(read(&dir.join("real/app.src")), "new\n");
    assert_eq!(names(&dir.join("real")), ["app.src"]);
    assert_eq!(names(&dir.join("apps")), ["app.src"]);

    // The same file twice through a link is refused.
    let mut twice = Plan::new();
    twice
        .edit(dir.join("top"), "a\n")
        .edit(dir.join("real/app.src"), "b\n");
    let err = twice.apply(&Options::default()).unwrap_err();
    assert!(matches!(err, Error::Duplicate { .. }), "{err}");

    // A dangling link is a missing file.
    std::os::unix::fs::symlink("nowhere", dir.join("dangling")).unwrap();
    let mut dangling = Plan::new();
    dangling.edit(dir.join("dangling"), "x");
    let err = dangling.apply(&Options::default()).unwrap_err();
    assert!(matches!(err, Error::Missing { .. }), "{err}");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn read_only_file_refused_without_force() {
    let dir = scratch("ro");
    write(&dir.join("a"), "old\n");
    fs::set_permissions(dir.join("a"), fs::Permissions::from_mode(0o444)).unwrap();
    let mut plan = Plan::new();
    plan.edit(dir.join("a"), "new\n");
    let err = plan.apply(&Options::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: read-only (force writes it anyway)",
            dir.join("a").display()
        )
    );
    assert_eq!(read(&dir.join("a")), "old\n");
    let forced = Options {
        force: true,
        ..Options::default()
    };
    plan.apply(&forced).unwrap();
    assert_eq!(read(&dir.join("a")), "new\n");
    let mode = fs::metadata(dir.join("a")).unwrap().permissions().mode();
    assert_eq!(mode & 0o7777, 0o444);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn targets_must_be_as_planned() {
    let dir = scratch("checks");
    write(&dir.join("exists"), "x");
    fs::create_dir(dir.join("folder")).unwrap();
    let cases: Vec<(Plan, &str)> = vec![
        (
            {
                let mut p = Plan::new();
                p.edit(dir.join("missing"), "x");
                p
            },
            "missing",
        ),
        (
            {
                let mut p = Plan::new();
                p.create(dir.join("exists"), "y");
                p
            },
            "exists",
        ),
        (
            {
                let mut p = Plan::new();
                p.edit(dir.join("folder"), "y");
                p
            },
            "folder",
        ),
        (
            {
                let mut p = Plan::new();
                p.create(dir.join("no/such/dir/f"), "y");
                p
            },
            "no/such/dir",
        ),
    ];
    for (plan, what) in cases {
        let err = plan.apply(&Options::default()).unwrap_err();
        let msg = err.to_string();
        assert_eq!(msg.matches(dir.to_str().unwrap()).count(), 1, "{msg}");
        assert!(msg.contains(what), "{msg}");
        match what {
            "missing" => assert!(matches!(err, Error::Missing { .. })),
            "exists" => assert!(matches!(err, Error::Exists { .. })),
            "folder" => assert!(matches!(err, Error::NotRegular { .. })),
            _ => assert!(matches!(err, Error::Io { .. })),
        }
    }
    assert_eq!(read(&dir.join("exists")), "x");
    // force replaces a file the plan creates.
    let mut p = Plan::new();
    p.create(dir.join("exists"), "y");
    let r = p
        .apply(&Options {
            force: true,
            ..Options::default()
        })
        .unwrap();
    assert_eq!(r.files[0].kind, Kind::Create);
    assert_eq!(read(&dir.join("exists")), "y");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn stale_contents_refused() {
    let dir = scratch("stale");
    write(&dir.join("a"), "v1\n");
    write(&dir.join("b"), "v1\n");
    let mut plan = Plan::new();
    plan.edit_expecting(dir.join("a"), "v1\n", "v2\n")
        .edit_expecting(dir.join("b"), "v0\n", "v2\n");
    let err = plan.apply(&Options::default()).unwrap_err();
    assert!(
        matches!(&err, Error::Changed { path } if path.ends_with("b")),
        "{err}"
    );
    assert_eq!(read(&dir.join("a")), "v1\n");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn failure_midway_rolls_back_everything() {
    for fail_at in 0..5 {
        let dir = scratch("rollback");
        write(&dir.join("x/a"), "a0\n");
        write(&dir.join("y/b"), "b0\n");
        write(&dir.join("y/c"), "c0\n");
        fs::hard_link(dir.join("y/c"), dir.join("y/c2")).unwrap();
        fs::set_permissions(dir.join("y/b"), fs::Permissions::from_mode(0o600)).unwrap();
        let inodes: Vec<u64> = ["x/a", "y/b", "y/c"]
            .iter()
            .map(|p| fs::metadata(dir.join(p)).unwrap().ino())
            .collect();
        let mut plan = Plan::new();
        plan.edit(dir.join("x/a"), "a1\n")
            .create(dir.join("x/new"), "n\n")
            .edit(dir.join("y/b"), "b1\n")
            .edit(dir.join("y/c"), "c1\n")
            .create(dir.join("y/new"), "n\n");
        let opts = Options {
            fail_before_commit: Some(fail_at),
            ..Options::default()
        };
        let err = plan.apply(&opts).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert!(!err.left_changes());
        assert_eq!(read(&dir.join("x/a")), "a0\n");
        assert_eq!(read(&dir.join("y/b")), "b0\n");
        assert_eq!(read(&dir.join("y/c")), "c0\n");
        assert_eq!(read(&dir.join("y/c2")), "c0\n");
        assert_eq!(names(&dir.join("x")), ["a"], "fail at {fail_at}");
        assert_eq!(names(&dir.join("y")), ["b", "c", "c2"], "fail at {fail_at}");
        let after: Vec<u64> = ["x/a", "y/b", "y/c"]
            .iter()
            .map(|p| fs::metadata(dir.join(p)).unwrap().ino())
            .collect();
        assert_eq!(after, inodes, "the original files are back");
        let mode = fs::metadata(dir.join("y/b")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        fs::remove_dir_all(dir).unwrap();
    }
}

#[test]
fn hard_links_keep_seeing_the_file() {
    let dir = scratch("hardlink");
    write(&dir.join("a"), "old\n");
    fs::hard_link(dir.join("a"), dir.join("b")).unwrap();
    let ino = fs::metadata(dir.join("a")).unwrap().ino();
    let mut plan = Plan::new();
    plan.edit(dir.join("a"), "new\n");
    let report = plan.apply(&Options::default()).unwrap();
    assert_eq!(report.files[0].method, Method::InPlace);
    assert_eq!(read(&dir.join("b")), "new\n");
    assert_eq!(fs::metadata(dir.join("a")).unwrap().ino(), ino);
    assert_eq!(fs::metadata(dir.join("a")).unwrap().nlink(), 2);
    assert_eq!(names(&dir), ["a", "b"]);
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn owner_group_and_mode_kept() {
    let dir = scratch("owner");
    write(&dir.join("a"), "old\n");
    fs::set_permissions(dir.join("a"), fs::Permissions::from_mode(0o640)).unwrap();
    let root = euid() == 0;
    if root {
        std::os::unix::fs::chown(dir.join("a"), Some(65534), Some(65534)).unwrap();
    } else {
        println!("not root: the owner is this user's; only the mode is checked to be kept");
    }
    let before = fs::metadata(dir.join("a")).unwrap();
    let mut plan = Plan::new();
    plan.edit(dir.join("a"), "new\n");
    plan.apply(&Options::default()).unwrap();
    let after = fs::metadata(dir.join("a")).unwrap();
    assert_eq!(read(&dir.join("a")), "new\n");
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    assert_eq!(after.mode() & 0o7777, 0o640);
    if root {
        assert_eq!((after.uid(), after.gid()), (65534, 65534));
    }
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn lock_makes_a_second_run_wait_or_fail() {
    let dir = scratch("lock");
    write(&dir.join("a"), "0\n");
    // Another run holds the folder's lock.
    let holder = fs::File::open(&dir).unwrap();
    holder.lock().unwrap();
    let mut plan = Plan::new();
    plan.edit(dir.join("a"), "1\n");
    let quick = Options {
        lock_timeout: Some(Duration::from_millis(200)),
        ..Options::default()
    };
    let err = plan.apply(&quick).unwrap_err();
    assert!(matches!(err, Error::LockTimeout { .. }), "{err}");
    assert!(
        err.to_string().contains("another process is writing"),
        "{err}"
    );
    assert_eq!(read(&dir.join("a")), "0\n");
    // Released after 300 ms: the run waits, then writes.
    let start = Instant::now();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        drop(holder);
    });
    plan.apply(&Options::default()).unwrap();
    assert!(start.elapsed() >= Duration::from_millis(290));
    release.join().unwrap();
    assert_eq!(read(&dir.join("a")), "1\n");
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn concurrent_runs_do_not_interleave() {
    let dir = scratch("concurrent");
    let files: Vec<PathBuf> = (0..12)
        .map(|i| dir.join(format!("d{}/f{i}", i % 3)))
        .collect();
    for f in &files {
        write(f, "start\n");
    }
    // Each run reads every file, checks they agree (a run never sees
    // another's half-applied plan), then writes its own mark everywhere.
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let files = files.clone();
            std::thread::spawn(move || {
                let mut done = 0;
                while done < 15 {
                    let olds: Vec<String> = files.iter().map(|f| read(f)).collect();
                    let mut plan = Plan::new();
                    for (f, old) in files.iter().zip(&olds) {
                        plan.edit_expecting(f, old.as_bytes(), format!("run {t} #{done}\n"));
                    }
                    match plan.apply(&Options::default()) {
                        Ok(_) => {
                            assert!(olds.iter().all(|o| *o == olds[0]), "mixed: {olds:?}");
                            done += 1;
                        }
                        // Another run wrote between our read and our lock.
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
    let last: Vec<String> = files.iter().map(|f| read(f)).collect();
    assert!(last.iter().all(|l| *l == last[0]), "{last:?}");
    fs::remove_dir_all(dir).unwrap();
}

/// The `failure_in_a_read_only_folder` scenario, run by an unprivileged
/// user (see below); does nothing unless FILETX_UNPRIVILEGED_DIR is set.
#[test]
#[ignore = "run by failure_in_a_read_only_folder as an unprivileged user"]
fn unprivileged_read_only_folder() {
    let Ok(dir) = std::env::var("FILETX_UNPRIVILEGED_DIR") else {
        return;
    };
    read_only_folder_scenario(&PathBuf::from(dir));
}

/// A plan writing in a writable folder and a read-only one fails at the
/// read-only one and leaves both as they were.
fn read_only_folder_scenario(dir: &Path) {
    assert_ne!(euid(), 0, "must run unprivileged");
    let mut plan = Plan::new();
    plan.edit(dir.join("open/a"), "a1\n")
        .create(dir.join("open/new"), "n\n")
        .edit(dir.join("locked/b"), "b1\n");
    let err = plan.apply(&Options::default()).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err}");
    assert!(err
        .to_string()
        .starts_with(&dir.join("locked/b").display().to_string()));
    assert_eq!(read(&dir.join("open/a")), "a0\n");
    assert_eq!(read(&dir.join("locked/b")), "b0\n");
    assert_eq!(names(&dir.join("open")), ["a"]);
    assert_eq!(names(&dir.join("locked")), ["b"]);
    std::fs::write(dir.join("ok"), "passed").unwrap();
}

/// A folder made read-only: permissions only bind a user other than root,
/// so as root the scenario runs under `setpriv` as `nobody`.
#[test]
fn failure_in_a_read_only_folder() {
    let dir = scratch("rofolder");
    write(&dir.join("open/a"), "a0\n");
    write(&dir.join("locked/b"), "b0\n");
    fs::set_permissions(dir.join("locked"), fs::Permissions::from_mode(0o555)).unwrap();
    if euid() != 0 {
        // Unprivileged already: run the scenario here.
        read_only_folder_scenario(&dir);
        assert_eq!(read(&dir.join("ok")), "passed");
        fs::set_permissions(dir.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
        fs::remove_dir_all(dir).unwrap();
        return;
    }
    let have_setpriv = Command::new("setpriv").arg("--version").output().is_ok();
    if !have_setpriv {
        println!("SKIPPED: running as root and setpriv is missing; the read-only folder check did not run");
        return;
    }
    // Everything owned by nobody; the file in `locked` stays writable.
    for p in [
        dir.clone(),
        dir.join("open"),
        dir.join("open/a"),
        dir.join("locked"),
        dir.join("locked/b"),
    ] {
        std::os::unix::fs::chown(&p, Some(65534), Some(65534)).unwrap();
    }
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(&exe)
        .args([
            "--exact",
            "unprivileged_read_only_folder",
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
    assert_eq!(
        read(&dir.join("ok")),
        "passed",
        "the scenario ran to its end"
    );
    fs::set_permissions(dir.join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::remove_dir_all(dir).unwrap();
}
