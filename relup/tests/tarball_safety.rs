//! Release tarballs from untrusted places: unsafe paths, links, duplicate
//! entries and decompression bombs are refused with an error naming the
//! problem; every limit of `TarLimits` holds at its boundary. The reader
//! works in memory: nothing is ever written to disk.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;

use relup::input::tarball::{read_tarball, read_tarball_with, TarLimits};
use relup::input::Tree;

enum Kind {
    File(Vec<u8>),
    Dir,
    Symlink(&'static str),
    HardLink(&'static str),
}

/// A tar archive; names are written raw into the header (the `tar` crate's
/// builder refuses `..`, which is the point here).
fn tar(entries: &[(&str, Kind)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, kind) in entries {
        let mut h = tar::Header::new_gnu();
        let raw = name.as_bytes();
        h.as_gnu_mut().unwrap().name[..raw.len()].copy_from_slice(raw);
        h.set_mode(0o644);
        match kind {
            Kind::File(data) => {
                h.set_size(data.len() as u64);
                h.set_cksum();
                b.append(&h, data.as_slice()).unwrap();
            }
            Kind::Dir => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_size(0);
                h.set_cksum();
                b.append(&h, &[][..]).unwrap();
            }
            Kind::Symlink(target) | Kind::HardLink(target) => {
                h.set_entry_type(if matches!(kind, Kind::Symlink(_)) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                });
                h.set_link_name(target).unwrap();
                h.set_size(0);
                h.set_cksum();
                b.append(&h, &[][..]).unwrap();
            }
        }
    }
    b.into_inner().unwrap()
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn file(data: &str) -> Kind {
    Kind::File(data.as_bytes().to_vec())
}

fn err(bytes: &[u8]) -> String {
    match read_tarball("t.tar.gz", bytes) {
        Ok(_) => panic!("accepted"),
        Err(e) => e,
    }
}

#[test]
fn a_release_is_read_in_memory() {
    let bytes = gz(&tar(&[
        ("releases", Kind::Dir),
        (
            "./releases/1/r.rel",
            file("{release, {\"r\", \"1\"}, {erts, \"13\"}, []}."),
        ),
        ("lib/a-1/ebin/a.app", file("{application, a, []}.")),
        ("lib/a-1/ebin/a.beam", file("BEAM")),
        ("lib/a-1/priv/a.so", file("ELF")),
        ("erts-13/bin/beam.smp", file("ELF")),
        ("releases/1/start.boot", file("boot")),
        ("releases/r-1.tar.gz", file("nested")),
    ]));
    let tree = read_tarball("t.tar.gz", &bytes).unwrap();
    assert!(matches!(tree, Tree::Memory { .. }));
    assert!(tree.read("releases/1/r.rel").is_some());
    assert!(tree.read("releases/1/start.boot").is_some());
    assert_eq!(
        tree.read("lib/a-1/ebin/a.beam").as_deref(),
        Some(&b"BEAM"[..])
    );
    assert!(
        tree.read("lib/a-1/priv/a.so").is_none(),
        "native code is skipped"
    );
    assert!(
        tree.read("erts-13/bin/beam.smp").is_none(),
        "the runtime is skipped"
    );
    assert!(
        tree.read("releases/r-1.tar.gz").is_none(),
        "tarballs are skipped"
    );
    assert_eq!(tree.list_dir(""), ["erts-13", "lib", "releases"]);
    assert_eq!(tree.list_dir("lib/a-1/ebin"), ["a.app", "a.beam"]);
}

#[test]
fn unsafe_paths_are_refused() {
    for name in [
        "/etc/passwd.rel",
        "../x.rel",
        "releases/../../x.rel",
        "a/..",
        "\\abs.app",
        "C:/x.app",
    ] {
        let e = err(&tar(&[(name, file("x"))]));
        assert!(
            e.contains("absolute paths") || e.contains("'..'"),
            "{name}: {e}"
        );
    }
    // Directories too.
    assert!(err(&tar(&[("../lib", Kind::Dir)])).contains("'..'"));
}

#[test]
fn links_are_refused() {
    let e = err(&gz(&tar(&[("lib/a.app", Kind::Symlink("/etc/passwd"))])));
    assert!(e.contains("links are not accepted"), "{e}");
    let e = err(&tar(&[
        ("r.rel", file("x")),
        ("lib/a.app", Kind::HardLink("r.rel")),
    ]));
    assert!(e.contains("links are not accepted"), "{e}");
    // Even a link to a harmless target inside the archive.
    let e = err(&tar(&[("lib/a.beam", Kind::Symlink("b.beam"))]));
    assert!(e.contains("links are not accepted"), "{e}");
}

#[test]
fn duplicate_entries_are_refused() {
    let e = err(&tar(&[
        ("releases/1/r.rel", file("first")),
        ("releases/1/r.rel", file("second")),
    ]));
    assert!(e.contains("twice"), "{e}");
    // The same file spelled differently.
    let e = err(&tar(&[
        ("lib/a.app", file("1")),
        ("./lib//a.app", file("2")),
    ]));
    assert!(e.contains("twice"), "{e}");
    // Files that are not kept count too: which one would be meant is unclear.
    let e = err(&tar(&[
        ("lib/a.beam", file("1")),
        ("lib/a.beam", file("2")),
    ]));
    assert!(e.contains("twice"), "{e}");
    // A folder may be listed again.
    assert!(read_tarball("t", &tar(&[("lib", Kind::Dir), ("lib/", Kind::Dir)])).is_ok());
}

#[test]
fn decompression_bomb_is_cut_off() {
    // 64 MiB of zeros in one skipped file compresses to about 64 KiB.
    let bomb = gz(&tar(&[("lib/a.beam", Kind::File(vec![0; 64 << 20]))]));
    assert!(bomb.len() < 1 << 20);
    let limits = TarLimits {
        max_unpacked_bytes: 16 << 20,
        ..TarLimits::default()
    };
    let e = read_tarball_with("t", &bomb, &limits).err().unwrap();
    assert!(e.contains("larger than the limit"), "{e}");
    // At the limit: the whole archive (data, headers, end blocks) fits.
    let small = tar(&[("lib/a.beam", Kind::File(vec![0; 4096]))]);
    let exact = TarLimits {
        max_unpacked_bytes: small.len() as u64,
        ..TarLimits::default()
    };
    assert!(read_tarball_with("t", &gz(&small), &exact).is_ok());
}

#[test]
fn entry_count_limit() {
    let entries: Vec<(String, Kind)> = (0..10).map(|i| (format!("f{i}"), file("x"))).collect();
    let refs: Vec<(&str, Kind)> = entries
        .iter()
        .map(|(n, _)| (n.as_str(), file("x")))
        .collect();
    let bytes = tar(&refs);
    let at = TarLimits {
        max_entries: 10,
        ..TarLimits::default()
    };
    assert!(read_tarball_with("t", &bytes, &at).is_ok());
    let under = TarLimits {
        max_entries: 9,
        ..TarLimits::default()
    };
    let e = read_tarball_with("t", &bytes, &under).err().unwrap();
    assert!(e.contains("more than 9 entries"), "{e}");
}

#[test]
fn file_size_limits() {
    let bytes = tar(&[
        ("a.rel", Kind::File(vec![b'x'; 100])),
        ("b.app", Kind::File(vec![b'y'; 50])),
    ]);
    let limits = |file: u64, kept: u64| TarLimits {
        max_file_bytes: file,
        max_kept_bytes: kept,
        ..TarLimits::default()
    };
    assert!(read_tarball_with("t", &bytes, &limits(100, 150)).is_ok());
    let e = read_tarball_with("t", &bytes, &limits(99, 150))
        .err()
        .unwrap();
    assert!(e.contains("a.rel: file larger than 99 bytes"), "{e}");
    let e = read_tarball_with("t", &bytes, &limits(100, 149))
        .err()
        .unwrap();
    assert!(e.contains("more than 149 bytes"), "{e}");
}

#[test]
fn garbage_is_an_error() {
    assert!(read_tarball("t", b"\x1f\x8bnot gzip").is_err());
    assert!(read_tarball("t", &[0xff; 1024]).is_err());
    // A header claiming a huge size with no data behind it.
    let mut h = tar::Header::new_gnu();
    h.set_path("a.rel").unwrap();
    h.set_size(10 << 20);
    h.set_cksum();
    let e = err(h.as_bytes());
    assert!(!e.is_empty());
}

/// A contiguous-file entry (typeflag `7`) is a regular file to GNU tar and
/// to `erl_tar` (so to release_handler): the reader keeps it too. It was
/// skipped, so `erlrel check` passed such a tarball without reading its
/// `.rel` and `upgrade check` found "no .rel file".
#[test]
fn contiguous_entries_are_regular_files() {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in [
        (
            "releases/1/r.rel",
            &b"{release, {\"r\", \"1\"}, {erts, \"13\"}, []}."[..],
        ),
        ("lib/a-1/ebin/a.app", &b"{application, a, []}."[..]),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_path(name).unwrap();
        h.set_entry_type(tar::EntryType::Continuous);
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        h.set_cksum();
        b.append(&h, data).unwrap();
    }
    let bytes = gz(&b.into_inner().unwrap());
    let tree = read_tarball("t.tar.gz", &bytes).unwrap();
    assert!(tree.read("releases/1/r.rel").is_some());
    assert_eq!(
        tree.read("lib/a-1/ebin/a.app").as_deref(),
        Some(&b"{application, a, []}."[..])
    );
}
