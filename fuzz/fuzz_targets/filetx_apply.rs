//! filetx: random plans (edits, creations, symbolic links, hard links,
//! read-only files, duplicates) applied in a scratch folder, with a failure
//! injected before a random commit; checks all or nothing: on success every
//! file holds its new contents (links kept), on any error the folder is
//! byte for byte as before, with no temporary file left behind.
#![no_main]
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use filetx::{Options, Plan};
use libfuzzer_sys::fuzz_target;

/// Reads the input a byte at a time (zeros once it is used up).
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }

    fn text(&mut self) -> Vec<u8> {
        let n = usize::from(self.byte() % 24);
        (0..n)
            .map(|_| b"ab\n"[usize::from(self.byte() % 3)])
            .collect()
    }
}

/// Every entry under `dir`: files with contents, links with targets.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (String, Vec<u8>, u32)> {
    let mut out = BTreeMap::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let meta = fs::symlink_metadata(&p).unwrap();
        let entry = if meta.file_type().is_symlink() {
            (
                "link".to_string(),
                fs::read_link(&p)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes(),
                0,
            )
        } else {
            (
                "file".to_string(),
                fs::read(&p).unwrap(),
                meta.permissions().mode() & 0o7777,
            )
        };
        out.insert(p, entry);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let mut input = Bytes(data);
    let dir = std::env::temp_dir().join(format!("filetx-fuzz-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let files = 1 + usize::from(input.byte() % 5);
    // Existing files: plain, read-only, hard-linked (`fN.hl`), or reached
    // through a symbolic link (`lN` -> `fN`).
    for i in 0..files {
        let path = dir.join(format!("f{i}"));
        match input.byte() % 6 {
            0 => continue, // does not exist
            shape => {
                fs::write(&path, input.text()).unwrap();
                match shape {
                    2 => fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap(),
                    3 => fs::hard_link(&path, dir.join(format!("f{i}.hl"))).unwrap(),
                    4 => std::os::unix::fs::symlink(format!("f{i}"), dir.join(format!("l{i}")))
                        .unwrap(),
                    _ => {}
                }
            }
        }
    }
    let before = snapshot(&dir);
    let mut plan = Plan::new();
    let mut wanted: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    for _ in 0..1 + input.byte() % 6 {
        let i = usize::from(input.byte()) % files;
        let via_link = dir.join(format!("l{i}")).exists() && input.byte() % 2 == 1;
        let name = if via_link {
            format!("l{i}")
        } else {
            format!("f{i}")
        };
        let bytes = input.text();
        if input.byte() % 2 == 0 {
            plan.edit(dir.join(&name), bytes.clone());
        } else {
            plan.create(dir.join(&name), bytes.clone());
        }
        wanted.insert(dir.join(format!("f{i}")), bytes);
    }
    let opts = Options {
        force: input.byte() % 4 == 0,
        fail_before_commit: match input.byte() % 8 {
            k @ 0..=5 => Some(usize::from(k)),
            _ => None,
        },
        ..Options::default()
    };
    match plan.apply(&opts) {
        Ok(report) => {
            assert!(!report.dry_run);
            for (path, bytes) in &wanted {
                assert_eq!(&fs::read(path).unwrap(), bytes, "{}", path.display());
            }
            // Links stay links; hard links see the new contents.
            for (path, (kind, old, _)) in &before {
                let now = fs::symlink_metadata(path).unwrap();
                if kind == "link" {
                    assert!(now.file_type().is_symlink());
                    assert_eq!(
                        fs::read_link(path)
                            .unwrap()
                            .into_os_string()
                            .into_encoded_bytes(),
                        *old
                    );
                }
                if let Some(orig) = path.to_str().and_then(|p| p.strip_suffix(".hl")) {
                    assert_eq!(fs::read(path).unwrap(), fs::read(orig).unwrap());
                }
            }
            let names: Vec<String> = fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            assert!(
                names.iter().all(|n| !n.starts_with('.')),
                "leftovers: {names:?}"
            );
        }
        Err(e) => {
            assert!(!e.left_changes(), "{e}");
            assert_eq!(snapshot(&dir), before, "{e}");
        }
    }
    let _ = fs::remove_dir_all(&dir);
});
