//! What `audit_release` refuses before auditing: folders that hold no
//! release, paths that are not folders or regular files; and the ERTS
//! version read from the `.rel` term, not from a comment.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use release_audit::{audit_release, AuditError, Policy};

fn write(root: &Path, path: &str, data: &str) {
    let full = root.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, data).unwrap();
}

#[test]
fn empty_folder_is_not_a_release() {
    let dir = tempfile::tempdir().unwrap();
    let e = audit_release(dir.path(), &Policy::default()).unwrap_err();
    assert!(matches!(e, AuditError::MissingReleaseFiles { .. }), "{e:?}");
    assert!(e.is_rejected_input());
    let text = e.to_string();
    let shown = dir.path().display().to_string();
    assert_eq!(text.matches(&shown).count(), 1, "{text}");
    assert!(
        text.ends_with("is not a release: found no releases/VSN/NAME.rel, releases/RELEASES, releases/start_erl.data or erts-VSN folder"),
        "{text}"
    );
}

#[test]
fn folder_of_other_files_is_not_a_release() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/main.rs", "fn main() {}");
    write(dir.path(), "releases/notes.txt", "not a release file");
    write(dir.path(), "OTP_VERSION", "25.3\n");
    let e = audit_release(dir.path(), &Policy::default()).unwrap_err();
    assert!(matches!(e, AuditError::MissingReleaseFiles { .. }), "{e:?}");
}

#[test]
fn tarball_without_a_release_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&path).unwrap(),
        flate2::Compression::fast(),
    );
    let mut builder = tar::Builder::new(gz);
    let mut header = tar::Header::new_gnu();
    header.set_size(2);
    header.set_mode(0o644);
    header.set_cksum();
    builder
        .append_data(&mut header, "README", b"hi".as_slice())
        .unwrap();
    builder.into_inner().unwrap().finish().unwrap();
    let e = audit_release(&path, &Policy::default()).unwrap_err();
    assert!(matches!(e, AuditError::MissingReleaseFiles { .. }), "{e:?}");
}

#[test]
fn commented_out_erts_is_not_the_version() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "releases/1.0.0/shop.rel",
        "%% {release, {\"shop\", \"0.9.0\"}, {erts, \"11.0\"}, []}.\n\
         {release, {\"shop\", \"1.0.0\"},\n\
         \x20%% {erts, \"11.0\"},\n\
         \x20{erts, \"13.1.5\"},\n\
         \x20[{kernel, \"8.5\"}, {stdlib, \"4.2\"}]}.\n",
    );
    let policy = Policy {
        min_otp: Some(24),
        ..Policy::default()
    };
    let report = audit_release(dir.path(), &policy).unwrap();
    assert_eq!(report.versions.erts.as_deref(), Some("13.1.5"));
    assert_eq!(report.versions.otp_major, Some(25));
    assert!(report.passed, "{:?}", report.findings);
    let too_new = Policy {
        min_otp: Some(26),
        ..Policy::default()
    };
    assert!(!audit_release(dir.path(), &too_new).unwrap().passed);
}

#[test]
fn erts_folder_gives_the_version() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("erts-14.2.1/bin")).unwrap();
    let report = audit_release(dir.path(), &Policy::default()).unwrap();
    assert_eq!(report.versions.erts.as_deref(), Some("14.2.1"));
    assert_eq!(report.versions.otp_major, Some(26));
}

#[test]
fn unparsable_rel_is_a_note_not_a_version() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "releases/1.0.0/shop.rel",
        "{release, {\"shop\", \"1.0.0\"} {erts, \"13.1.5\"}, []}.\n",
    );
    let report = audit_release(dir.path(), &Policy::default()).unwrap();
    assert_eq!(report.versions.erts, None);
    assert!(
        report.notes.iter().any(|n| n
            == "the version could not be read from releases/1.0.0/shop.rel: 1:29: syntax error before: '{'"),
        "{:?}",
        report.notes
    );
}

#[test]
fn fifo_and_devices_are_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("rel.tar.gz");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let e = audit_release(&fifo, &Policy::default()).unwrap_err();
    assert!(matches!(e, AuditError::NotAFile { .. }), "{e:?}");
    assert!(!e.is_rejected_input());
    assert_eq!(
        e.to_string(),
        format!(
            "{}: is a FIFO (named pipe), not a release folder or a .tar.gz release tarball",
            fifo.display()
        )
    );
    let e = audit_release(Path::new("/dev/null"), &Policy::default()).unwrap_err();
    assert!(matches!(e, AuditError::NotAFile { .. }), "{e:?}");
}

#[test]
fn missing_path_names_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope");
    let e = audit_release(&path, &Policy::default()).unwrap_err();
    assert!(!e.is_rejected_input());
    assert_eq!(
        e.to_string(),
        format!("{}: no such file or directory", path.display())
    );
}
