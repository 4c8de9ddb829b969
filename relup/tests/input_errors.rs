//! Inputs that cannot be used, classified: read and rejected
//! (`is_rejected_input`, exit 1 in erlrel) or not readable at all
//! (`Error::Unreadable` / a `.rel` that cannot be read, exit 2); and
//! `pack::pack_into`, which streams the packed tarball to a writer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use relup::{Error, Library, ReleaseFiles};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures")
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("relup-input-errors-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

#[test]
fn a_dangling_beam_link_is_unreadable_not_a_new_module() {
    let dir = scratch("dangling");
    let r2 = dir.join("r2");
    copy_dir(&fixtures().join("r2"), &r2);
    let link = r2.join("lib/fx-1.1.0/ebin/x.beam");
    std::os::unix::fs::symlink("nowhere", &link).unwrap();
    let lib = Library::new();
    let old = ReleaseFiles::open(&fixtures().join("r1"), &lib).unwrap();
    let new = ReleaseFiles::open(&r2, &lib).unwrap();
    let fx = new.app("fx").unwrap();
    let e = new.readable_beam_modules(fx).unwrap_err();
    assert!(!e.is_rejected_input(), "{e}");
    assert_eq!(
        e.to_string(),
        format!("{}: is a symbolic link to a missing file", link.display())
    );
    // The comparison appup generate and upgrade pack make stops there.
    let e = relup::diff::diff_releases(&old, &new).unwrap_err();
    assert!(matches!(e, Error::Unreadable { .. }), "{e}");
    // A folder named like a module is no module either.
    std::fs::remove_file(&link).unwrap();
    std::fs::create_dir(&link).unwrap();
    let e = new.readable_beam_modules(fx).unwrap_err();
    assert!(
        e.to_string()
            .ends_with("x.beam: is a directory, not a .beam file"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_rel_file_over_the_limit_says_so_naming_it_once() {
    let dir = scratch("huge");
    let rel = dir.join("x.rel");
    std::fs::File::create(&rel)
        .unwrap()
        .set_len(3 << 30)
        .unwrap();
    let input = relup::ReleaseInput::open(&rel).unwrap();
    let e = relup::LoadedRelease::load(&input, &Library::new()).unwrap_err();
    assert!(!e.is_rejected_input());
    let text = e.to_string();
    assert_eq!(
        text,
        format!(
            "release {}: cannot read the release file: is {} bytes, larger than the limit of {} bytes",
            rel.display(),
            3u64 << 30,
            relup::input::tree::MAX_DISK_FILE_BYTES
        )
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn missing_inputs_could_not_run_corrupt_ones_are_rejected() {
    let dir = scratch("classes");
    let missing = ReleaseFiles::open(&dir.join("nope.tar.gz"), &Library::new()).unwrap_err();
    assert!(matches!(missing, Error::Unreadable { .. }), "{missing}");
    assert!(!missing.is_rejected_input());
    let corrupt = dir.join("corrupt.tar.gz");
    std::fs::write(&corrupt, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6]).unwrap();
    let e = ReleaseFiles::open(&corrupt, &Library::new()).unwrap_err();
    assert!(e.is_rejected_input(), "{e}");
    let e = relup::input::checked_library_from_dirs(&[dir.join("no-lib")]).unwrap_err();
    assert!(!e.is_rejected_input());
    assert_eq!(e.path(), Some(dir.join("no-lib").to_str().unwrap()));
    let file_as_lib = relup::input::checked_library_from_dirs(std::slice::from_ref(&corrupt));
    assert!(file_as_lib
        .unwrap_err()
        .to_string()
        .contains("not a library folder"));
    assert!(relup::input::checked_library_from_dirs(std::slice::from_ref(&dir)).is_ok());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A writer that fails after `left` bytes.
struct Full {
    left: usize,
}

impl std::io::Write for Full {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other("disk full"));
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn pack_into_streams_what_pack_returns_and_reports_write_failures() {
    let lib = Library::new();
    let old = ReleaseFiles::open(&fixtures().join("r1"), &lib).unwrap();
    let to = fixtures().join("r2");
    let new = ReleaseFiles::open(&to, &lib).unwrap();
    let opts = relup::pack::PackOptions::default();
    let mut out = Vec::new();
    let streamed =
        relup::pack::pack_into(std::slice::from_ref(&old), &new, &to, opts, &mut out).unwrap();
    assert_eq!(streamed.bytes, out.len() as u64);
    let whole = relup::pack::pack(std::slice::from_ref(&old), &new, &to, opts).unwrap();
    assert_eq!(streamed.relup, whole.relup);
    assert_eq!(streamed.report.findings.len(), whole.report.findings.len());
    // The streamed tarball holds the release and its relup.
    let tree = relup::input::tarball::read_tarball("streamed", &out).unwrap();
    assert!(tree.is_file(&format!("releases/{}/relup", new.vsn())));
    let packed = ReleaseFiles::from_tarball("streamed", &out, &lib).unwrap();
    assert_eq!(packed.vsn(), new.vsn());
    assert!(packed.relup().is_some());
    // A writer that fails: an I/O failure, not a rejected input.
    let e = relup::pack::pack_into(&[old], &new, &to, opts, &mut Full { left: 1000 }).unwrap_err();
    assert!(!e.is_rejected_input(), "{e}");
    assert!(e.to_string().contains("disk full"), "{e}");
}
