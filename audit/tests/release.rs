//! Auditing whole releases: folders and tarballs laid out like relx builds
//! them, with fixture binaries compiled by `cc`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use release_audit::release_files::{Limits, Location};
use release_audit::{audit_release, AuditError, AuditReport, Check, Policy};

fn fixture(name: &str) -> &'static [u8] {
    &common::fixtures()
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
        .bytes
}

/// The files of a release: (relative path, contents).
fn release_files(runtime: &str, nif: &str) -> Vec<(String, Vec<u8>)> {
    vec![
        ("erts-14.2.1/bin/beam.smp".into(), fixture(runtime).to_vec()),
        ("erts-14.2.1/bin/erlexec".into(), fixture(runtime).to_vec()),
        ("erts-14.2.1/bin/epmd".into(), fixture(runtime).to_vec()),
        ("erts-14.2.1/bin/erl".into(), b"#!/bin/sh\nexec erlexec \"$@\"\n".to_vec()),
        ("lib/my_nif-1.0.0/priv/my_nif.so".into(), fixture(nif).to_vec()),
        ("lib/my_nif-1.0.0/ebin/my_nif.app".into(), b"{application,my_nif,[]}.".to_vec()),
        ("releases/0.1.0/start_erl.data".into(), b"14.2.1 0.1.0\n".to_vec()),
        (
            "releases/0.1.0/my.rel".into(),
            b"{release,{\"my\",\"0.1.0\"},{erts,\"14.2.1\"},[{kernel,\"9.2\"},{my_nif,\"1.0.0\"}]}.".to_vec(),
        ),
        (
            "releases/RELEASES".into(),
            b"[{release,\"my\",\"0.1.0\",\"14.2.1\",[{kernel,\"9.2\",\"/r/lib/kernel-9.2\"}],permanent}].".to_vec(),
        ),
    ]
}

fn write_folder(root: &Path, files: &[(String, Vec<u8>)]) {
    for (path, data) in files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, data).unwrap();
    }
}

fn write_tarball(path: &Path, prefix: &str, files: &[(String, Vec<u8>)]) {
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(path).unwrap(),
        flate2::Compression::fast(),
    );
    let mut builder = tar::Builder::new(gz);
    for (name, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o755);
        header.set_cksum();
        builder
            .append_data(&mut header, format!("{prefix}{name}"), data.as_slice())
            .unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap();
}

fn failing_checks(report: &AuditReport, path: &str) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.path.as_deref() == Some(path))
        .map(|f| f.check.clone())
        .collect()
}

#[test]
fn hardened_release_folder_passes() {
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path(), &release_files("hardened", "nif-hardened"));
    let report = audit_release(dir.path(), &Policy::default()).unwrap();
    assert!(report.passed, "{:#?}", report.findings);
    assert!(report.runtime_bundled);
    assert_eq!(report.erts_folders, ["erts-14.2.1"]);
    assert_eq!(report.versions.erts.as_deref(), Some("14.2.1"));
    assert_eq!(report.versions.otp_major, Some(26));
    assert!(!report.versions.erts_mismatch);
    let paths: Vec<&str> = report.files.iter().map(|f| f.path.as_str()).collect();
    // The shell script erts-*/bin/erl and the .app file are not ELF files.
    assert_eq!(
        paths,
        [
            "erts-14.2.1/bin/beam.smp",
            "erts-14.2.1/bin/epmd",
            "erts-14.2.1/bin/erlexec",
            "lib/my_nif-1.0.0/priv/my_nif.so",
        ]
    );
    assert_eq!(report.files[3].location, Location::Priv);
    // Control flow integrity is reported but advisory by default.
    let cfi = report.files[0].verdict(Check::CfProtection).unwrap();
    assert_eq!(cfi.message, "no, not found!");
    let mut strict = Policy::default();
    strict.enforced.insert(Check::CfProtection);
    let report = audit_release(dir.path(), &strict).unwrap();
    assert!(!report.passed);
    assert_eq!(report.findings.len(), 4);
}

#[test]
fn weak_binaries_fail_with_each_missing_protection() {
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path(), &release_files("weak", "nif-weak"));
    let report = audit_release(dir.path(), &Policy::default()).unwrap();
    assert!(!report.passed);
    assert_eq!(
        failing_checks(&report, "erts-14.2.1/bin/beam.smp"),
        [
            "pie",
            "stack-protector",
            "fortify",
            "relro",
            "bind-now",
            "nx-stack"
        ]
    );
    // A shared library is not an executable: PIE does not apply.
    assert_eq!(
        failing_checks(&report, "lib/my_nif-1.0.0/priv/my_nif.so"),
        [
            "stack-protector",
            "fortify",
            "relro",
            "bind-now",
            "nx-stack"
        ]
    );
    let mut lenient = Policy::default();
    lenient.enforced.clear();
    assert!(audit_release(dir.path(), &lenient).unwrap().passed);
    let table = report.render_table();
    assert!(table.contains(
        "FAIL erts-14.2.1/bin/epmd: Position Independent Executable: no, normal executable!"
    ));
    assert!(table.contains("audit failed"));
}

#[test]
fn target_glibc_and_minimum_otp() {
    let dir = tempfile::tempdir().unwrap();
    write_folder(dir.path(), &release_files("hardened", "nif-hardened"));
    let old = Policy {
        target_glibc: Some(vec![2, 0]),
        min_otp: Some(27),
        ..Policy::default()
    };
    let report = audit_release(dir.path(), &old).unwrap();
    assert!(!report.passed);
    let glibc = report
        .findings
        .iter()
        .filter(|f| f.check == "glibc")
        .count();
    assert_eq!(glibc, 4, "every file needs some GLIBC_2.x");
    let otp: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.check == "otp")
        .collect();
    assert_eq!(otp.len(), 1);
    assert!(otp[0]
        .message
        .contains("OTP 26 is older than the minimum OTP 27"));
    let newest = report.files[0].newest_glibc.clone().unwrap();
    let version = newest.trim_start_matches("GLIBC_");
    let exact = Policy {
        target_glibc: release_audit::symbol_versions::parse_dotted(version),
        min_otp: Some(26),
        ..Policy::default()
    };
    assert!(audit_release(dir.path(), &exact).unwrap().passed);
}

#[test]
fn release_without_runtime_or_versions() {
    let dir = tempfile::tempdir().unwrap();
    write_folder(
        dir.path(),
        &[(
            "lib/my_nif-1.0.0/priv/my_nif.so".into(),
            fixture("nif-hardened").to_vec(),
        )],
    );
    // Applications alone are not a release.
    assert!(matches!(
        audit_release(dir.path(), &Policy::default()),
        Err(AuditError::MissingReleaseFiles { .. })
    ));
    write_folder(dir.path(), &[("releases/RELEASES".into(), b"[].".to_vec())]);
    let report = audit_release(dir.path(), &Policy::default()).unwrap();
    assert!(!report.runtime_bundled);
    assert!(report.passed);
    assert!(report
        .notes
        .iter()
        .any(|n| n.contains("no runtime is bundled")));
    let with_min = Policy {
        min_otp: Some(24),
        ..Policy::default()
    };
    let report = audit_release(dir.path(), &with_min).unwrap();
    assert!(
        !report.passed,
        "an unknown OTP release does not meet a minimum"
    );
}

#[test]
fn tarball_gives_the_same_report_as_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    let files = release_files("pie-lazy", "nif-weak");
    let folder = dir.path().join("my");
    write_folder(&folder, &files);
    let from_folder = audit_release(&folder, &Policy::default()).unwrap();
    for prefix in ["", "my/", "./"] {
        let tarball = dir.path().join("my-0.1.0.tar.gz");
        write_tarball(&tarball, prefix, &files);
        let from_tar = audit_release(&tarball, &Policy::default()).unwrap();
        assert_eq!(from_tar.files, from_folder.files, "prefix {prefix:?}");
        assert_eq!(from_tar.findings, from_folder.findings);
        assert_eq!(from_tar.versions, from_folder.versions);
        assert!(from_tar.runtime_bundled);
    }
    let json = from_folder.to_json().unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["passed"], false);
    assert_eq!(value["files"][0]["verdicts"][4]["check"], "bind-now");
    assert_eq!(value["files"][0]["verdicts"][4]["outcome"], "fail");
}

#[test]
fn tarball_with_parent_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let tarball = dir.path().join("evil.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&tarball).unwrap(),
        flate2::Compression::fast(),
    );
    let mut builder = tar::Builder::new(gz);
    let mut header = tar::Header::new_gnu();
    let name = b"erts-1.0/bin/../../../etc/passwd";
    header.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
    header.set_size(4);
    header.set_mode(0o644);
    header.set_cksum();
    builder.append(&header, &b"root"[..]).unwrap();
    builder.into_inner().unwrap().finish().unwrap();
    match audit_release(&tarball, &Policy::default()) {
        Err(AuditError::UnsafePath { entry }) => assert!(entry.contains("..")),
        other => panic!("expected an unsafe path error, got {other:?}"),
    }
}

#[test]
fn limits_bound_what_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let files = release_files("hardened", "nif-hardened");
    write_folder(&dir.path().join("rel"), &files);
    let small = Policy {
        limits: Limits {
            max_elf_bytes: 1024,
            ..Limits::default()
        },
        ..Policy::default()
    };
    let report = audit_release(&dir.path().join("rel"), &small).unwrap();
    assert!(!report.passed);
    assert!(report.files.iter().all(|f| f.error.is_some()));
    assert!(report.findings.iter().all(|f| f.check == "elf"));

    let tarball = dir.path().join("rel.tar.gz");
    write_tarball(&tarball, "", &files);
    let few = Policy {
        limits: Limits {
            max_entries: 3,
            ..Limits::default()
        },
        ..Policy::default()
    };
    assert!(matches!(
        audit_release(&tarball, &few),
        Err(AuditError::LimitExceeded { .. })
    ));
    let bomb = Policy {
        limits: Limits {
            max_unpacked_bytes: 10_000,
            ..Limits::default()
        },
        ..Policy::default()
    };
    assert!(audit_release(&tarball, &bomb).is_err());
    let not_gz = dir.path().join("junk.tar.gz");
    std::fs::write(&not_gz, b"not a gzip stream").unwrap();
    assert!(matches!(
        audit_release(&not_gz, &Policy::default()),
        Err(AuditError::Tarball { .. })
    ));
    assert!(matches!(
        audit_release(
            &dir.path().join("rel/releases/RELEASES"),
            &Policy::default()
        ),
        Err(AuditError::NotARelease { .. })
    ));
}
