//! How `upgrade check`, `upgrade pack`, `relup` and `audit` end on inputs
//! they cannot use: one exit-code scheme for all (1 the input was read and
//! is rejected, 2 it could not be read), the JSON error document of
//! `--format json`, versions written as strings and control characters
//! escaped in messages, unreadable `.beam` entries and `--lib` folders
//! named, and the streamed `upgrade pack` output written as every write
//! is (through links, mode kept, nothing left behind).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{copy_dir, shop};

fn erlrel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_erlrel"))
        .args(args)
        .output()
        .unwrap()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures")
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "erlrel-upgrade-errors-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// One ustar header block (names written raw: `..` and `/` included).
fn tar_header(name: &str, typeflag: u8, size: usize, link: &str) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..107].copy_from_slice(b"0000644");
    h[108..115].copy_from_slice(b"0000000");
    h[116..123].copy_from_slice(b"0000000");
    h[124..135].copy_from_slice(format!("{size:011o}").as_bytes());
    h[136..147].copy_from_slice(b"00000000000");
    h[156] = typeflag;
    h[157..157 + link.len()].copy_from_slice(link.as_bytes());
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    h
}

/// `base` (a plain tar archive) with one more entry appended.
fn with_entry(base: &[u8], name: &str, typeflag: u8, data: &[u8], link: &str) -> Vec<u8> {
    // Drop the end-of-archive blocks, append, end again.
    let mut end = base.len();
    while end >= 512 && base[end - 512..end].iter().all(|&b| b == 0) {
        end -= 512;
    }
    let mut out = base[..end].to_vec();
    out.extend_from_slice(&tar_header(name, typeflag, data.len(), link));
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out.resize(out.len() + 1024, 0);
    out
}

/// The example shop release 1.2.0 as a plain tar archive (made by
/// `upgrade pack`, decompressed by gzip); the gzip file is `DIR/shop.tar.gz`.
fn shop_tar(dir: &Path) -> Vec<u8> {
    let gz = dir.join("shop.tar.gz");
    let o = erlrel(&[
        "upgrade",
        "pack",
        "--from",
        "1.1.0",
        "--to",
        s(&shop()),
        "-o",
        s(&gz),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = Command::new("gzip").arg("-dc").arg(&gz).output().unwrap();
    assert!(o.status.success());
    o.stdout
}

/// Exit codes of the six commands with `bad` as the new release.
fn codes_for(bad: &Path, dir: &Path) -> [Option<i32>; 6] {
    let old = shop().join("releases/1.1.0/shop.rel");
    let lib = shop().join("lib");
    let out = dir.join("never.tar.gz");
    let common = ["--from", s(&old), "--lib", s(&lib), "--to", s(bad)];
    let with = |head: &[&str], tail: &[&str]| {
        let mut v: Vec<&str> = head.to_vec();
        v.extend_from_slice(&common);
        v.extend_from_slice(tail);
        erlrel(&v)
    };
    [
        with(&["upgrade", "check"], &[]),
        with(&["upgrade", "pack"], &["-o", s(&out)]),
        with(&["relup"], &[]),
        erlrel(&["audit", s(bad)]),
        with(&["appup", "check"], &[]),
        with(&["appup", "generate"], &[]),
    ]
    .map(|o| o.status.code())
}

#[test]
fn a_rejected_tarball_exits_1_in_every_command() {
    let dir = scratch("tarballs");
    let base = shop_tar(&dir);
    let good = dir.join("good.tar");
    std::fs::write(&good, &base).unwrap();
    assert_eq!(
        codes_for(&good, &dir)[..3],
        [Some(0); 3],
        "the unmodified archive is accepted"
    );
    std::fs::remove_file(dir.join("never.tar.gz")).unwrap();
    let rel = b"{release, {\"shop\", \"1.2.0\"}, {erts, \"13.1.5\"}, []}.".as_slice();
    let mut cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "dotdot",
            with_entry(&base, "lib/../../evil", b'0', b"x", ""),
        ),
        ("absolute", with_entry(&base, "/tmp/evil", b'0', b"x", "")),
        (
            "symlink",
            with_entry(&base, "lib/evil", b'2', b"", "/etc/passwd"),
        ),
        (
            "hardlink",
            with_entry(&base, "lib/evil", b'1', b"", "releases/1.1.0/shop.rel"),
        ),
        (
            "duplicate",
            with_entry(&base, "releases/1.2.0/shop.rel", b'0', rel, ""),
        ),
    ];
    let gz = std::fs::read(dir.join("shop.tar.gz")).unwrap();
    cases.push(("truncated-gzip", gz[..gz.len() / 2].to_vec()));
    let mut corrupt = gz.clone();
    for b in &mut corrupt[200..400] {
        *b ^= 0xff;
    }
    cases.push(("corrupt-gzip", corrupt));
    for (name, bytes) in cases {
        let bad = dir.join(format!("{name}.tar.gz"));
        std::fs::write(&bad, bytes).unwrap();
        assert_eq!(
            codes_for(&bad, &dir),
            [Some(1); 6],
            "{name}: upgrade check, upgrade pack, relup, audit, appup check, appup generate"
        );
        assert!(!dir.join("never.tar.gz").exists());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn rel_and_app_versions_disagreeing_exit_1_with_versions_as_strings() {
    let dir = scratch("vsn");
    for (tag, vsn) in [("plain", "9.9.9"), ("esc", "\u{1b}[31m")] {
        let root = dir.join(tag);
        copy_dir(&shop(), &root);
        let rel = root.join("releases/1.2.0/shop.rel");
        let text = std::fs::read_to_string(&rel).unwrap();
        std::fs::write(
            &rel,
            text.replace("{web, \"1.2.0\"}", &format!("{{web, \"{vsn}\"}}")),
        )
        .unwrap();
        let out = dir.join(format!("{tag}.tar.gz"));
        let to = s(&root);
        for o in [
            erlrel(&["upgrade", "check", "--from", "1.1.0", "--to", to]),
            erlrel(&[
                "upgrade",
                "pack",
                "--from",
                "1.1.0",
                "--to",
                to,
                "-o",
                s(&out),
            ]),
            erlrel(&["relup", "--to", to, "--from", "1.1.0"]),
            erlrel(&["appup", "check", "--from", "1.1.0", "--to", to]),
            erlrel(&["appup", "generate", "--from", "1.1.0", "--to", to]),
        ] {
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{e}");
            let shown = vsn.replace('\u{1b}', "\\u{1b}");
            assert!(e.contains(&format!("version \"{shown}\" wanted")), "{e}");
            assert!(e.contains("has version \"1."), "{e}");
            assert!(!e.contains("[49,"), "a version as a list of integers: {e}");
            assert!(!o.stderr.contains(&0x1b), "a raw ESC byte: {e}");
        }
        assert!(!out.exists());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_corrupt_beam_exits_1() {
    let dir = scratch("beam");
    let r2 = dir.join("r2");
    copy_dir(&fixtures().join("r2"), &r2);
    let beam = std::fs::read_dir(r2.join("lib/fx-1.1.0/ebin"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "beam"))
        .unwrap();
    std::fs::write(&beam, b"garbage").unwrap();
    let r1 = fixtures().join("r1");
    let out = dir.join("out.tar.gz");
    for o in [
        erlrel(&["upgrade", "check", "--from", s(&r1), "--to", s(&r2)]),
        erlrel(&[
            "upgrade",
            "pack",
            "--from",
            s(&r1),
            "--to",
            s(&r2),
            "-o",
            s(&out),
        ]),
    ] {
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("{}:", beam.display())),
            "{}",
            stderr(&o)
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn inputs_that_cannot_be_read_exit_2_naming_them_once() {
    let dir = scratch("missing");
    let to = shop();
    let out = dir.join("out.tar.gz");
    let missing = "/nonexistent/old.tar.gz";
    for o in [
        erlrel(&["upgrade", "check", "--from", missing, "--to", s(&to)]),
        erlrel(&[
            "upgrade",
            "pack",
            "--from",
            missing,
            "--to",
            s(&to),
            "-o",
            s(&out),
        ]),
    ] {
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert_eq!(stderr(&o).matches(missing).count(), 1, "{}", stderr(&o));
    }
    // A --lib folder that does not exist stops every command alike.
    let lib = "/nonexistent-lib";
    for o in [
        erlrel(&[
            "upgrade",
            "check",
            "--from",
            "1.1.0",
            "--to",
            s(&to),
            "--lib",
            lib,
        ]),
        erlrel(&[
            "upgrade",
            "pack",
            "--from",
            "1.1.0",
            "--to",
            s(&to),
            "--lib",
            lib,
            "-o",
            s(&out),
        ]),
        erlrel(&["relup", "--to", s(&to), "--from", "1.1.0", "--lib", lib]),
    ] {
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert_eq!(stderr(&o).matches(lib).count(), 1, "{}", stderr(&o));
    }
    assert!(!out.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_huge_rel_file_says_why_it_cannot_be_read() {
    let dir = scratch("huge");
    let rel = dir.join("x.rel");
    let f = std::fs::File::create(&rel).unwrap();
    f.set_len(3 << 30).unwrap(); // sparse: no disk used
    let o = erlrel(&[
        "relup",
        "--to",
        s(&rel),
        "--from",
        s(&shop().join("releases/1.1.0/shop.rel")),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{e}");
    assert!(
        e.contains("larger than the limit of 268435456 bytes"),
        "{e}"
    );
    assert!(e.contains(&(3u64 << 30).to_string()), "{e}");
    assert_eq!(e.matches("x.rel").count(), 1, "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_dangling_beam_link_exits_2_naming_it() {
    let dir = scratch("dangling");
    let r2 = dir.join("r2");
    copy_dir(&fixtures().join("r2"), &r2);
    let link = r2.join("lib/fx-1.1.0/ebin/x.beam");
    std::os::unix::fs::symlink("nowhere", &link).unwrap();
    let r1 = fixtures().join("r1");
    let out = dir.join("out.tar.gz");
    for o in [
        erlrel(&["appup", "generate", "--from", s(&r1), "--to", s(&r2)]),
        erlrel(&[
            "upgrade",
            "pack",
            "--from",
            s(&r1),
            "--to",
            s(&r2),
            "--generate-appups",
            "-o",
            s(&out),
        ]),
        erlrel(&["upgrade", "check", "--from", s(&r1), "--to", s(&r2)]),
    ] {
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(
            e.contains(&format!(
                "{}: is a symbolic link to a missing file",
                link.display()
            )),
            "{e}"
        );
        assert!(!String::from_utf8_lossy(&o.stdout).contains("add_module"));
    }
    assert!(!out.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn json_errors_are_a_document_on_stdout() {
    let dir = scratch("json");
    let root = dir.join("shop");
    copy_dir(&shop(), &root);
    let rel = root.join("releases/1.2.0/shop.rel");
    let text = std::fs::read_to_string(&rel).unwrap();
    std::fs::write(&rel, text.replace("{web, \"1.2.0\"}", "{web, \"9.9.9\"}")).unwrap();
    let json = |o: &Output| -> serde_json::Value {
        serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stdout)))
    };
    // Read and rejected: 1.
    let o = erlrel(&[
        "upgrade",
        "check",
        "--from",
        "1.1.0",
        "--to",
        s(&root),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["kind"], "rejected");
    assert_eq!(v["error"]["path"], s(&rel));
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("\"9.9.9\" wanted"));
    // Could not run: 2.
    let o = erlrel(&[
        "upgrade",
        "check",
        "--from",
        "/nonexistent",
        "--to",
        s(&shop()),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let v = json(&o);
    assert_eq!(v["error"]["kind"], "could-not-run");
    assert_eq!(v["error"]["path"], "/nonexistent");
    // audit on a folder that holds no release: 1, and its document.
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = erlrel(&["audit", s(&empty), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(
        (v["ok"].clone(), v["error"]["kind"].clone()),
        (false.into(), "rejected".into())
    );
    assert_eq!(v["error"]["path"], s(&empty));
    let o = erlrel(&["audit", "/nonexistent", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["error"]["kind"], "could-not-run");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn euid() -> u32 {
    let o = Command::new("id").arg("-u").output().unwrap();
    String::from_utf8_lossy(&o.stdout).trim().parse().unwrap()
}

/// `erlrel ARGS` as `nobody` when running as root (permissions bind only
/// other users), as this user otherwise.
fn erlrel_unprivileged(args: &[&str]) -> Output {
    if euid() != 0 {
        return erlrel(args);
    }
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_erlrel"))
        .args(args)
        .output()
        .expect("setpriv (util-linux) runs the command as nobody")
}

#[test]
fn unreadable_tarball_exits_2_and_read_only_folder_leaves_nothing() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("perms");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let base = shop_tar(&dir);
    let secret = dir.join("secret.tar");
    std::fs::write(&secret, &base).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let to = shop();
    let o = erlrel_unprivileged(&["upgrade", "check", "--from", s(&secret), "--to", s(&to)]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("permission denied"), "{}", stderr(&o));
    // A folder the user may not write to: exit 2, nothing written.
    let locked = dir.join("locked");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = locked.join("out.tar.gz");
    let o = erlrel_unprivileged(&[
        "upgrade",
        "pack",
        "--from",
        "1.1.0",
        "--to",
        s(&to),
        "-o",
        s(&out),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(s(&out)), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_dir(&locked).unwrap().count(),
        0,
        "nothing left behind"
    );
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pack_writes_through_a_link_keeping_it_and_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("link");
    let real = dir.join("real.tar.gz");
    std::fs::write(&real, b"old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.join("link.tar.gz");
    std::os::unix::fs::symlink("real.tar.gz", &link).unwrap();
    let to = shop();
    let args = [
        "upgrade",
        "pack",
        "--from",
        "1.1.0",
        "--to",
        s(&to),
        "-o",
        s(&link),
    ];
    let o = erlrel(&args);
    assert_eq!(
        o.status.code(),
        Some(2),
        "exists, no --force: {}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&real).unwrap(), b"old");
    let mut dry = args.to_vec();
    dry.extend(["--force", "--dry-run"]);
    let o = erlrel(&dry);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("dry run: nothing written"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read(&real).unwrap(), b"old");
    let mut force = args.to_vec();
    force.push("--force");
    let o = erlrel(&force);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    let bytes = std::fs::read(&real).unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip file");
    let mode = std::fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // Only the two names: no temporary file left.
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    // The written tarball is the packed release.
    let o = erlrel(&["check", s(&real)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}
