//! Helpers shared by the CLI's integration tests (each test file is its own
//! crate and uses some of them).
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// The example release `examples/shop` (1.2.0, with 1.0.0 and 1.1.0 in
/// `releases/`).
pub fn shop() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop")
}

/// Copies a folder tree (regular files and folders only).
pub fn copy_dir(src: &Path, dst: &Path) {
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
