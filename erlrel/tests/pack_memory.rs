//! `erlrel upgrade pack` streams the release into the tarball: its peak
//! memory is a small multiple of the largest file, not of the release (it
//! used to grow with the square of the release: 1.9 GB for a 22 MB
//! release, 4.4 GB for 32 MB, 9.3 GB for 51 MB, dry run or not).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

mod common;
use common::{copy_dir, shop};

/// `n` bytes that do not compress (xorshift), with newlines as often as
/// in random data (what made the old dry-run diff explode).
fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(n);
    out
}

/// Runs erlrel under `/usr/bin/time -f %M`: its exit code, stderr and peak
/// resident memory in KiB.
fn measured(args: &[&str]) -> (Option<i32>, String, u64) {
    let time = Path::new("/usr/bin/time");
    assert!(
        time.is_file(),
        "/usr/bin/time is needed to measure peak memory (apt-get install time)"
    );
    let o = Command::new(time)
        .arg("-f")
        .arg("peak-kib %M")
        .arg(env!("CARGO_BIN_EXE_erlrel"))
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let peak = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("peak-kib "))
        .next_back()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in: {stderr}"));
    (o.status.code(), stderr, peak)
}

#[test]
fn pack_peak_memory_is_bounded_by_the_largest_file() {
    const BLOB: usize = 24 * 1024 * 1024;
    let dir = std::env::temp_dir().join(format!("erlrel-pack-memory-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let root = dir.join("shop");
    copy_dir(&shop(), &root);
    let priv_dir = root.join("lib/web-1.2.0/priv");
    std::fs::create_dir_all(&priv_dir).unwrap();
    std::fs::write(priv_dir.join("blob"), noise(BLOB)).unwrap();
    let out = dir.join("shop-1.2.0.tar.gz");
    let (to, out_s) = (root.to_str().unwrap(), out.to_str().unwrap());
    let pack = |extra: &[&str]| {
        let mut args = vec![
            "upgrade", "pack", "--from", "1.1.0", "--from", "1.0.0", "--to", to, "-o", out_s,
        ];
        args.extend_from_slice(extra);
        measured(&args)
    };
    let bound_kib = (4 * BLOB as u64 + 64 * 1024 * 1024) / 1024;
    for extra in [&["--dry-run"][..], &[]] {
        let (code, stderr, peak) = pack(extra);
        assert_eq!(code, Some(0), "{extra:?}: {stderr}");
        assert!(
            peak < bound_kib,
            "upgrade pack {extra:?} peaked at {peak} KiB for a {BLOB}-byte file (bound {bound_kib} KiB)"
        );
    }
    // What was streamed is the whole release: the blob is in the tarball.
    let listing = Command::new("tar").args(["tzvf", out_s]).output().unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    let line = listing
        .lines()
        .find(|l| l.ends_with("lib/web-1.2.0/priv/blob"))
        .unwrap_or_else(|| panic!("no blob in:\n{listing}"));
    assert!(line.contains(&BLOB.to_string()), "{line}");
    // Packed again from the tarball it wrote (a tarball --to): bounded too.
    let again = dir.join("again.tar.gz");
    let (code, stderr, peak) = measured(&[
        "upgrade",
        "pack",
        "--from",
        root.join("releases/1.1.0/shop.rel").to_str().unwrap(),
        "--lib",
        root.join("lib").to_str().unwrap(),
        "--to",
        out_s,
        "-o",
        again.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(peak < bound_kib, "from a tarball: {peak} KiB");
    std::fs::remove_dir_all(&dir).unwrap();
}
