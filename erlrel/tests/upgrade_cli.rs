//! `erlrel upgrade check` as a user runs it: on the example releases, with
//! a mistake injected, as JSON, and on inputs it cannot read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Output};

mod common;
use common::{copy_dir, shop};

fn erlrel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_erlrel"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_example_upgrade_passes() {
    let to = shop();
    let o = erlrel(&[
        "upgrade",
        "check",
        "--from",
        "1.1.0",
        "--from",
        "1.0.0",
        "--to",
        to.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("upgrade check passed"));
    // An OLD named twice is checked once: the same report.
    let twice = erlrel(&[
        "upgrade",
        "check",
        "--from",
        "1.1.0",
        "--from",
        "1.0.0",
        "--from",
        "1.1.0",
        "--to",
        to.to_str().unwrap(),
    ]);
    assert_eq!(twice.status.code(), Some(0), "{}", stdout(&twice));
    assert_eq!(stdout(&twice), stdout(&o));
}

#[test]
fn an_injected_mistake_is_reported_with_its_code() {
    let root = std::env::temp_dir().join(format!("erlrel-upgrade-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&shop(), &root);
    // web 1.2.0's appup loses its entry for 1.1.0 (only 1.0.0's regex stays).
    let appup = root.join("lib/web-1.2.0/ebin/web.appup");
    std::fs::write(&appup, "{\"1.2.0\", [], []}.\n").unwrap();
    let to = root.to_str().unwrap();
    let o = erlrel(&["upgrade", "check", "--from", "1.1.0", "--to", to]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("error[no-matching-entry]: web: "),
        "{}",
        stdout(&o)
    );
    let o = erlrel(&[
        "upgrade", "check", "--from", "1.1.0", "--to", to, "--format", "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let first = &v["findings"][0];
    assert_eq!(first["code"], "no-matching-entry");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["app"], "web");
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn unreadable_inputs_exit_2_and_help_explains_every_code() {
    let o = erlrel(&[
        "upgrade",
        "check",
        "--from",
        "/nonexistent/old.tar.gz",
        "--to",
        shop().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = erlrel(&[
        "upgrade",
        "check",
        "--from",
        "1.1.0",
        "--to",
        "/nonexistent",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = erlrel(&["upgrade", "check", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    for code in [
        "unbumped-version",
        "module-not-covered",
        "process-without-code-change",
        "stale-relup",
        "release-layout",
    ] {
        assert!(stdout(&o).contains(code), "{code} not in --help");
    }
}

#[test]
fn pack_writes_a_checked_tarball_and_never_replaces_one_without_force() {
    let dir = std::env::temp_dir().join(format!("erlrel-pack-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("shop-1.2.0.tar.gz");
    let to = shop();
    let pack = |extra: &[&str]| {
        let mut args = vec![
            "upgrade",
            "pack",
            "--from",
            "1.1.0",
            "--from",
            "1.0.0",
            "--to",
            to.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        erlrel(&args)
    };
    let o = pack(&["--dry-run"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.exists(), "a dry run writes nothing");
    let o = pack(&[]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The packed tarball is a release the check accepts.
    let old = to.join("releases/1.1.0/shop.rel");
    let lib = to.join("lib");
    let o = erlrel(&[
        "upgrade",
        "check",
        "--from",
        old.to_str().unwrap(),
        "--lib",
        lib.to_str().unwrap(),
        "--to",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = erlrel(&["check", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // An existing OUT is left alone without --force.
    std::fs::write(&out, b"mine").unwrap();
    let o = pack(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert_eq!(std::fs::read(&out).unwrap(), b"mine");
    let o = pack(&["--force"]);
    assert_eq!(o.status.code(), Some(0));
    assert_ne!(std::fs::read(&out).unwrap(), b"mine");
    // An upgrade with an error finding is not written.
    let root = dir.join("shop");
    copy_dir(&shop(), &root);
    std::fs::write(
        root.join("lib/web-1.2.0/ebin/web.appup"),
        "{\"1.2.0\", [], []}.\n",
    )
    .unwrap();
    let bad = dir.join("bad.tar.gz");
    let o = erlrel(&[
        "upgrade",
        "pack",
        "--from",
        "1.1.0",
        "--to",
        root.to_str().unwrap(),
        "-o",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!bad.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn relup_install_writes_releases_vsn_relup_of_the_root() {
    let root = std::env::temp_dir().join(format!("erlrel-relup-install-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&shop(), &root);
    let relup = root.join("releases/1.2.0/relup");
    std::fs::remove_file(&relup).unwrap();
    let to = root.to_str().unwrap();
    let o = erlrel(&[
        "relup",
        "--to",
        to,
        "--from",
        "1.1.0",
        "--from",
        "1.0.0",
        "--install",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The same relup as the committed one (the main job's, equal to systools').
    let want = std::fs::read(shop().join("releases/1.2.0/relup")).unwrap();
    assert_eq!(std::fs::read(&relup).unwrap(), want);
    // Installing again replaces it (the one there is what --install edits).
    let o = erlrel(&["relup", "--to", to, "--from", "1.1.0", "--install"]);
    assert_eq!(o.status.code(), Some(0));
    assert_ne!(std::fs::read(&relup).unwrap(), want);
    std::fs::remove_dir_all(&root).unwrap();
}
