//! Release tarballs (`rebar3 tar`, `systools:make_tar`) read in memory.
//!
//! Only what relup generation needs is kept (`.rel`, `.app`, `.appup`
//! files), and hostile archives are refused: bounded entry count and sizes,
//! no absolute paths, no `..`, no links.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use super::tree::{normalise, Tree};

/// Most entries read from one tarball.
pub const MAX_ENTRIES: usize = 200_000;
/// Most bytes kept from one tarball (only small text files are kept).
pub const MAX_KEPT_BYTES: u64 = 256 * 1024 * 1024;
/// Largest single kept file.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Most bytes decompressed in total (beams and other skipped files included).
pub const MAX_UNPACKED_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// Reads a gzip-compressed (or plain) tar file into a [`Tree`].
pub fn read_tarball(origin: &str, bytes: &[u8]) -> Result<Tree, String> {
    let gz = bytes.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read + '_> = if gz {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    };
    let limited = reader.take(MAX_UNPACKED_BYTES);
    let mut archive = tar::Archive::new(limited);
    let mut files = BTreeMap::new();
    let mut dirs = BTreeSet::new();
    let mut kept: u64 = 0;
    let entries = archive
        .entries()
        .map_err(|e| format!("not a tar archive: {e}"))?;
    for (count, entry) in entries.enumerate() {
        if count >= MAX_ENTRIES {
            return Err(format!("more than {MAX_ENTRIES} entries"));
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
        if !kind.is_file() || !wanted(&path) {
            continue;
        }
        let size = entry.header().size().map_err(|e| format!("{name}: {e}"))?;
        if size > MAX_FILE_BYTES {
            return Err(format!("{name}: file larger than {MAX_FILE_BYTES} bytes"));
        }
        kept = kept.saturating_add(size);
        if kept > MAX_KEPT_BYTES {
            return Err(format!("more than {MAX_KEPT_BYTES} bytes of release files"));
        }
        let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        (&mut entry)
            .take(MAX_FILE_BYTES)
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

/// Only the files relup generation reads are kept.
fn wanted(path: &str) -> bool {
    path.ends_with(".rel") || path.ends_with(".app") || path.ends_with(".appup")
}

fn safe_path(name: &str) -> Result<String, String> {
    if name.starts_with('/')
        || name.starts_with('\\')
        || name.contains(':') && name.len() > 1 && name.as_bytes()[1] == b':'
    {
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
