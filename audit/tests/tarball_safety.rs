//! Release tarballs from untrusted places, as the audit reads them:
//! unsafe paths, links, duplicate entries and decompression bombs are
//! refused with an error naming the problem; nothing is written to disk
//! (the walker streams the archive in memory).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::Path;

use release_audit::release_files::{walk_tarball_reader, Limits, Location, Visitor};
use release_audit::AuditError;

#[derive(Default)]
struct Seen(Vec<String>);

impl Visitor for Seen {
    fn erts_folder(&mut self, name: &str) {
        self.0.push(format!("erts {name}"));
    }
    fn native_file(&mut self, path: &str, _: Location, data: Result<Vec<u8>, AuditError>) {
        self.0.push(format!("native {path} {}", data.is_ok()));
    }
    fn version_file(&mut self, path: &str, _: &str) {
        self.0.push(format!("version {path}"));
    }
}

enum Kind {
    File(Vec<u8>),
    Symlink(&'static str),
    HardLink(&'static str),
}

fn targz(entries: &[(&str, Kind)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, kind) in entries {
        let mut h = tar::Header::new_gnu();
        let raw = name.as_bytes();
        h.as_gnu_mut().unwrap().name[..raw.len()].copy_from_slice(raw);
        h.set_mode(0o755);
        match kind {
            Kind::File(data) => {
                h.set_size(data.len() as u64);
                h.set_cksum();
                b.append(&h, data.as_slice()).unwrap();
            }
            Kind::Symlink(t) | Kind::HardLink(t) => {
                h.set_entry_type(if matches!(kind, Kind::Symlink(_)) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                });
                h.set_link_name(t).unwrap();
                h.set_size(0);
                h.set_cksum();
                b.append(&h, &[][..]).unwrap();
            }
        }
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&b.into_inner().unwrap()).unwrap();
    e.finish().unwrap()
}

fn walk(bytes: &[u8], limits: &Limits) -> Result<Vec<String>, AuditError> {
    let mut seen = Seen::default();
    walk_tarball_reader(Path::new("t.tar.gz"), bytes, limits, &mut seen)?;
    Ok(seen.0)
}

fn elf() -> Kind {
    Kind::File(b"\x7fELF not really".to_vec())
}

#[test]
fn a_release_is_walked() {
    let bytes = targz(&[
        ("erts-13.0/bin/beam.smp", elf()),
        ("releases/start_erl.data", Kind::File(b"13.0 1\n".to_vec())),
    ]);
    let seen = walk(&bytes, &Limits::default()).unwrap();
    assert!(
        seen.contains(&"native erts-13.0/bin/beam.smp true".to_owned()),
        "{seen:?}"
    );
}

#[test]
fn unsafe_paths_are_refused() {
    for name in [
        "/erts-1/bin/x",
        "erts-1/bin/../../../etc/passwd",
        "lib/a/priv/..",
        "C:/x",
    ] {
        let r = walk(&targz(&[(name, elf())]), &Limits::default());
        assert!(
            matches!(r, Err(AuditError::UnsafePath { .. })),
            "{name}: {r:?}"
        );
    }
}

#[test]
fn links_are_refused() {
    for kind in [
        Kind::Symlink("/etc/passwd"),
        Kind::HardLink("erts-1/bin/a"),
        Kind::Symlink("a"),
    ] {
        let r = walk(
            &targz(&[("erts-1/bin/a", elf()), ("erts-1/bin/b", kind)]),
            &Limits::default(),
        );
        match r {
            Err(e @ AuditError::Tarball { .. }) => {
                assert!(
                    e.to_string()
                        .contains("erts-1/bin/b: links are not accepted"),
                    "{e}"
                )
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn duplicate_entries_are_refused() {
    let r = walk(
        &targz(&[
            ("erts-1/bin/a", elf()),
            ("./erts-1/bin/a", Kind::File(b"\x7fELF second".to_vec())),
        ]),
        &Limits::default(),
    );
    match r {
        Err(e @ AuditError::Tarball { .. }) => assert!(e.to_string().contains("twice"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn decompression_bomb_is_cut_off() {
    let bomb = targz(&[("lib/a/ebin/a.beam", Kind::File(vec![0; 64 << 20]))]);
    assert!(bomb.len() < 1 << 20);
    let limits = Limits {
        max_unpacked_bytes: 16 << 20,
        ..Limits::default()
    };
    let start = std::time::Instant::now();
    let e = walk(&bomb, &limits).unwrap_err();
    assert!(e.to_string().contains("size limit"), "{e}");
    assert!(start.elapsed().as_secs() < 30);
}

#[test]
fn entry_count_at_the_limit() {
    let entries: Vec<(String, Kind)> = (0..5)
        .map(|i| (format!("f{i}"), Kind::File(vec![])))
        .collect();
    let refs: Vec<(&str, Kind)> = entries
        .iter()
        .map(|(n, _)| (n.as_str(), Kind::File(vec![])))
        .collect();
    let bytes = targz(&refs);
    let limits = |n| Limits {
        max_entries: n,
        ..Limits::default()
    };
    assert!(walk(&bytes, &limits(5)).is_ok());
    assert!(matches!(
        walk(&bytes, &limits(4)),
        Err(AuditError::LimitExceeded { limit: 4, .. })
    ));
}

#[test]
fn file_size_at_the_limit() {
    let bytes = targz(&[(
        "erts-1/bin/a",
        Kind::File([&b"\x7fELF"[..], &[0; 96]].concat()),
    )]);
    let limits = |n| Limits {
        max_elf_bytes: n,
        ..Limits::default()
    };
    assert_eq!(
        walk(&bytes, &limits(100)).unwrap(),
        ["erts erts-1", "native erts-1/bin/a true"]
    );
    assert_eq!(
        walk(&bytes, &limits(99)).unwrap(),
        ["erts erts-1", "native erts-1/bin/a false"]
    );
}

#[test]
fn version_file_size_at_the_limit() {
    let bytes = targz(&[("releases/start_erl.data", Kind::File(b"13.0 1\n".to_vec()))]);
    let limits = |n| Limits {
        max_text_bytes: n,
        ..Limits::default()
    };
    assert!(walk(&bytes, &limits(7)).is_ok());
    assert!(matches!(
        walk(&bytes, &limits(6)),
        Err(AuditError::LimitExceeded { limit: 6, .. })
    ));
}
