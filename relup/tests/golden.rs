//! Recorded answers of OTP 25's `systools:make_relup/4` (`otp.txt`,
//! `expected/*.relup`), compared with this crate. Cases were produced by
//! `examples/gen_cases.rs` (seed 99) and `shared/oracle/gen_fake_releases.sh`;
//! `scripts/live-relup.sh` re-checks many more against a live OTP.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code: failing loudly is the point

use std::io::Write;
use std::path::{Path, PathBuf};

use erlterm::Term;
use relup::{make_relup_from_paths, Options};

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn run_args(dir: &Path) -> Term {
    let args = std::fs::read_to_string(dir.join("args.txt")).expect("args.txt");
    let mut top = PathBuf::new();
    let (mut up, mut down) = (Vec::new(), Vec::new());
    let mut opts = Options::default();
    for line in args.lines() {
        let (k, v) = line.split_once(' ').expect("key value");
        match k {
            "top" => top = dir.join(v),
            "up" => up.push((dir.join(v), Term::nil())),
            "down" => down.push((dir.join(v), Term::nil())),
            "opt" if v == "restart_emulator" => opts.restart_emulator = true,
            "opt" if v == "warnings_as_errors" => opts.warnings_as_errors = true,
            other => panic!("unknown key {other}"),
        }
    }
    match make_relup_from_paths(&top, &up, &down, &[dir.join("lib")], opts) {
        Ok(g) => Term::tuple(vec![
            Term::atom("ok"),
            g.relup.to_term(),
            Term::list(g.warnings.iter().map(|w| w.to_term()).collect()),
        ]),
        Err(e) => Term::tuple(vec![Term::atom("error"), Term::atom(e.otp_tag())]),
    }
}

#[test]
fn generated_cases_equal_otp() {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(tests_dir().join("cases"))
        .expect("cases folder")
        .map(|e| e.expect("entry").path())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 40, "recorded cases are missing");
    let mut failures = Vec::new();
    for dir in &dirs {
        let want_text = std::fs::read_to_string(dir.join("otp.txt")).expect("otp.txt");
        let want = erlterm::parse_str(&want_text)
            .expect("otp.txt parses")
            .remove(0);
        let got = run_args(dir);
        if got != want {
            failures.push(format!("{}\n  otp:  {want}\n  rust: {got}", dir.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

fn fake(rel: &str) -> PathBuf {
    tests_dir().join("fake/releases").join(rel).join("demo.rel")
}

fn fake_relup(to: &str, from: &str, restart_emulator: bool) -> relup::Generated {
    fake_relup_dirs(to, from, restart_emulator, true)
}

fn fake_relup_dirs(to: &str, from: &str, restart_emulator: bool, down: bool) -> relup::Generated {
    let up = vec![(fake(from), Term::nil())];
    let base = if down { up.clone() } else { vec![] };
    let base_up = up;
    let opts = Options {
        restart_emulator,
        ..Options::default()
    };
    make_relup_from_paths(
        &fake(to),
        &base_up,
        &base,
        &[tests_dir().join("fake/lib")],
        opts,
    )
    .expect("relup")
}

/// The file text, byte for byte, as systools writes it.
#[test]
fn fake_releases_file_text_equals_systools() {
    for (to, from) in [("2.0.0", "1.0.0"), ("3.0.0", "2.0.0")] {
        for restart in [false, true] {
            let name = format!(
                "{to}-from-{from}{}.relup",
                if restart { "-restart" } else { "" }
            );
            let want = std::fs::read_to_string(tests_dir().join("expected").join(&name))
                .expect("expected file");
            let got = fake_relup(to, from, restart).relup.to_file_text();
            assert_eq!(got, want, "{name}");
        }
    }
}

#[test]
fn erts_change_warns_once_per_base_and_direction() {
    let g = fake_relup("3.0.0", "2.0.0", true);
    assert_eq!(g.warnings.len(), 2);
    assert!(
        matches!(&g.warnings[0], relup::Warning::ErtsVsnChanged { top, base }
        if top.1 == "13.2" && base.1 == "13.1.5")
    );
    let base = vec![(fake("2.0.0"), Term::nil())];
    let strict = Options {
        warnings_as_errors: true,
        ..Options::default()
    };
    let err = make_relup_from_paths(
        &fake("3.0.0"),
        &base,
        &base,
        &[tests_dir().join("fake/lib")],
        strict,
    )
    .expect_err("warnings are errors");
    assert_eq!(err.otp_tag(), "warnings_treated_as_errors");
}

/// The diamond of release 4.0.0: OTP's order depends on its atom table;
/// ours must be one of the two orders OTP produces. (Its downgrade fails in
/// OTP too: the old beta does not list beta_a.)
#[test]
fn diamond_gives_one_of_otps_orders() {
    let base = vec![(fake("2.0.0"), Term::nil())];
    let err = make_relup_from_paths(
        &fake("4.0.0"),
        &[],
        &base,
        &[tests_dir().join("fake/lib")],
        Options::default(),
    )
    .expect_err("no_such_module");
    assert_eq!(err.otp_tag(), "no_such_module");
    let g = fake_relup_dirs("4.0.0", "2.0.0", false, false);
    let up = g.relup.up[0]
        .instructions
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let variant_a = "{suspend,[beta_a,beta_b]},{load,{beta_lib,brutal_purge,brutal_purge}},{load,{beta_b,brutal_purge,brutal_purge}},{load,{beta_a,brutal_purge,brutal_purge}},{resume,[beta_b,beta_a]}";
    let variant_b = "{suspend,[beta_b,beta_a]},{load,{beta_lib,brutal_purge,brutal_purge}},{load,{beta_a,brutal_purge,brutal_purge}},{load,{beta_b,brutal_purge,brutal_purge}},{resume,[beta_a,beta_b]}";
    assert!(up.contains(variant_a) || up.contains(variant_b), "{up}");
}

/// Adds `root/rel` to a tar archive under `prefix`.
fn add_tree(builder: &mut tar::Builder<Vec<u8>>, root: &Path, rel: &Path) {
    for entry in std::fs::read_dir(root.join(rel)).expect("dir") {
        let entry = entry.expect("entry");
        let sub = rel.join(entry.file_name());
        if entry.path().is_dir() {
            add_tree(builder, root, &sub);
        } else {
            builder
                .append_path_with_name(entry.path(), &sub)
                .expect("append");
        }
    }
}

/// A release root packed as `rebar3 tar` does gives the same relup as the folder.
#[test]
fn tarball_equals_folder() {
    let root = tests_dir().join("fake");
    let tmp = std::env::temp_dir().join(format!("relup-tar-test-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("tmp");
    let mut tarballs = Vec::new();
    for vsn in ["1.0.0", "2.0.0"] {
        let mut builder = tar::Builder::new(Vec::new());
        add_tree(&mut builder, &root, Path::new("lib"));
        builder
            .append_path_with_name(
                root.join("releases").join(vsn).join("demo.rel"),
                format!("releases/{vsn}/demo.rel"),
            )
            .expect("rel");
        let tar_bytes = builder.into_inner().expect("tar");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&tar_bytes).expect("gzip");
        let path = tmp.join(format!("demo-{vsn}.tar.gz"));
        std::fs::write(&path, gz.finish().expect("gzip")).expect("write");
        tarballs.push(path);
    }
    let base = vec![(tarballs[0].clone(), Term::nil())];
    let from_tar = make_relup_from_paths(&tarballs[1], &base, &base, &[], Options::default())
        .expect("tarball relup");
    let from_dir = fake_relup("2.0.0", "1.0.0", false);
    assert_eq!(from_tar.relup, from_dir.relup);
    std::fs::remove_dir_all(&tmp).ok();
}

#[test]
fn hostile_tarballs_are_refused() {
    let mut header = tar::Header::new_gnu();
    header.set_size(3);
    header.set_cksum();
    let mut builder = tar::Builder::new(Vec::new());
    let mut data: &[u8] = b"abc";
    // `append_data` refuses "..", so write the raw name
    let mut h = header.clone();
    h.as_old_mut().name[..13].copy_from_slice(b"../evil.rel\0\0");
    h.set_cksum();
    builder.append(&h, &mut data).expect("append");
    let bytes = builder.into_inner().expect("tar");
    let err = relup::input::tarball::read_tarball("evil.tar", &bytes).expect_err("refused");
    assert!(err.contains(".."), "{err}");
    let garbage = relup::input::tarball::read_tarball("x.tar.gz", &[0x1f, 0x8b, 1, 2, 3]);
    assert!(garbage.is_err());
}
