//! Release tarballs (`rebar3 tar`, `systools:make_tar`) read in memory.
//!
//! What release checks need is kept — everything under `releases/` and
//! `lib/*/ebin/` (`.rel`, `relup`, `sys.config`, `vm.args`, boot files,
//! `.app`, `.appup`, `.beam`) — and the folder names of the rest (`erts-*`,
//! `lib/*/priv`); runtime binaries and native code are skipped. Hostile
//! archives are refused: bounded entry count and sizes, no absolute paths,
//! no `..`, no links.

#![warn(clippy::indexing_slicing)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use super::tree::{normalise, Tree};

/// Most entries read from one tarball.
pub const MAX_ENTRIES: usize = 200_000;
/// Most bytes kept from one tarball (release files and compiled code).
pub const MAX_KEPT_BYTES: u64 = 256 * 1024 * 1024;
/// Largest single kept file.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Most bytes decompressed in total (beams and other skipped files included).
pub const MAX_UNPACKED_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// Largest tarball file read (compressed).
pub const MAX_TARBALL_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Bounds on what [`read_tarball_with`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TarLimits {
    /// Most entries.
    pub max_entries: usize,
    /// Most bytes kept (release files and `ebin` contents).
    pub max_kept_bytes: u64,
    /// Largest single kept file.
    pub max_file_bytes: u64,
    /// Most bytes decompressed in total (skipped files included).
    pub max_unpacked_bytes: u64,
}

impl Default for TarLimits {
    fn default() -> Self {
        TarLimits {
            max_entries: MAX_ENTRIES,
            max_kept_bytes: MAX_KEPT_BYTES,
            max_file_bytes: MAX_FILE_BYTES,
            max_unpacked_bytes: MAX_UNPACKED_BYTES,
        }
    }
}

/// Reads a gzip-compressed (or plain) tar file into a [`Tree`].
///
/// Refused, with a message naming the entry: absolute paths, `..`
/// components, symbolic and hard links, two entries for the same file,
/// and archives over the [`TarLimits`] defaults. Nothing is written to
/// disk.
pub fn read_tarball(origin: &str, bytes: &[u8]) -> Result<Tree, String> {
    read_tarball_with(origin, bytes, &TarLimits::default())
}

/// [`read_tarball`] with explicit limits.
pub fn read_tarball_with(origin: &str, bytes: &[u8], limits: &TarLimits) -> Result<Tree, String> {
    let gz = bytes.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read + '_> = if gz {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    };
    let mut archive = tar::Archive::new(Capped {
        inner: reader,
        left: limits.max_unpacked_bytes,
    });
    let mut files = BTreeMap::new();
    let mut dirs = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut kept: u64 = 0;
    let entries = archive
        .entries()
        .map_err(|e| format!("not a tar archive: {e}"))?;
    for (count, entry) in entries.enumerate() {
        if count >= limits.max_entries {
            return Err(format!("more than {} entries", limits.max_entries));
        }
        let mut entry = entry.map_err(|e| format!("corrupt tar archive: {e}"))?;
        let raw = entry.path_bytes().into_owned();
        let name = String::from_utf8(raw).map_err(|_| "entry name is not UTF-8".to_owned())?;
        let path = safe_path(&name)?;
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(format!("{name}: links are not accepted"));
        }
        add_parents(&mut dirs, &path);
        if kind.is_dir() {
            dirs.insert(path);
            continue;
        }
        if !seen.insert(path.clone()) {
            return Err(format!("{name}: the archive holds this file twice"));
        }
        if !kind.is_file() || !wanted(&path) {
            continue;
        }
        let size = entry.header().size().map_err(|e| format!("{name}: {e}"))?;
        if size > limits.max_file_bytes {
            return Err(format!(
                "{name}: file larger than {} bytes",
                limits.max_file_bytes
            ));
        }
        kept = kept.saturating_add(size);
        if kept > limits.max_kept_bytes {
            return Err(format!(
                "more than {} bytes of release files",
                limits.max_kept_bytes
            ));
        }
        // The header's size is a claim: grow with what is really read.
        let mut data = Vec::new();
        (&mut entry)
            .take(limits.max_file_bytes)
            .read_to_end(&mut data)
            .map_err(|e| format!("{name}: {e}"))?;
        files.insert(path, data);
    }
    Ok(Tree::Memory {
        origin: origin.to_owned(),
        files,
        dirs,
    })
}

/// A reader that fails once more than `left` bytes have been read.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self.left.checked_sub(n as u64).ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "decompressed archive larger than the limit",
            )
        })?;
        Ok(n)
    }
}

/// The files release checks read: release files anywhere under
/// `releases/` and `ebin` contents (`.rel`, `.app` and `.appup` files are
/// kept wherever they are, as before).
fn wanted(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    let in_ebin = parts.len() >= 2 && parts.get(parts.len() - 2) == Some(&"ebin");
    path.ends_with(".rel")
        || path.ends_with(".app")
        || path.ends_with(".appup")
        || in_ebin
        || (parts.contains(&"releases") && !path.ends_with(".tar.gz") && !path.ends_with(".tar"))
}

fn safe_path(name: &str) -> Result<String, String> {
    if name.starts_with('/') || name.starts_with('\\') || name.as_bytes().get(1) == Some(&b':') {
        return Err(format!("{name}: absolute paths are not accepted"));
    }
    if name.split(['/', '\\']).any(|c| c == "..") {
        return Err(format!("{name}: '..' in paths is not accepted"));
    }
    Ok(normalise(name))
}

fn add_parents(dirs: &mut BTreeSet<String>, path: &str) {
    let mut cur = path;
    while let Some(i) = cur.rfind('/') {
        cur = &cur[..i];
        if !dirs.insert(cur.to_owned()) {
            break;
        }
    }
}
