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

/// Why a tarball is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TarError {
    /// An entry with an absolute path (`/x`, `\\x`, `C:/x`) or a `..`
    /// component: it would be written outside the folder it unpacks into.
    #[error("{entry}: {}", if *.absolute { "absolute paths are not accepted" } else { "'..' in paths is not accepted" })]
    UnsafePath {
        /// The entry's name as written.
        entry: String,
        /// Absolute (`true`) or climbing with `..` (`false`).
        absolute: bool,
    },
    /// A symbolic or hard link (release tarballs are made with links
    /// dereferenced; a link is a crafted archive).
    #[error("{0}: links are not accepted")]
    Link(String),
    /// Two entries for one file.
    #[error("{0}: the archive holds this file twice")]
    Duplicate(String),
    /// More entries than the limit.
    #[error("more than {0} entries")]
    TooManyEntries(usize),
    /// More bytes decompressed than the limit (a decompression bomb).
    #[error("decompressed archive larger than the limit (the size limit is {0} bytes)")]
    TooLarge(u64),
    /// Not a (gzip-compressed) tar archive, or a corrupt one.
    #[error("{0}")]
    Corrupt(String),
}

/// One entry of a tarball, its path checked and normalised (`a/./b` →
/// `a/b`), handed to the visitor of [`walk_entries`].
pub struct TarEntry<'a> {
    /// The normalised path.
    pub path: &'a str,
    /// The path as written in the archive.
    pub raw: &'a str,
    /// A regular file (`false`: a folder, device, FIFO... — nothing to read).
    pub is_file: bool,
    /// A folder.
    pub is_dir: bool,
    /// The size the header claims (a claim: read with a bound).
    pub size: u64,
    /// The permission bits the header gives.
    pub mode: u32,
    /// The modification time the header gives (seconds since the epoch).
    pub mtime: u64,
    /// The entry's contents.
    pub data: &'a mut dyn Read,
}

/// Reads a gzip-compressed (or plain) tar archive entry by entry, refusing
/// what no release tarball holds — absolute paths, `..`, links, two entries
/// for one file, more than `max_entries` entries, more than `max_unpacked`
/// bytes decompressed — and hands each other entry to `visit`. This is the
/// one tarball reader: [`read_tarball_with`] keeps release files with it,
/// `release-audit` the runtime's binaries.
pub fn walk_entries<E: From<TarError>>(
    reader: impl Read,
    max_entries: usize,
    max_unpacked: u64,
    mut visit: impl FnMut(TarEntry<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let mut head = std::io::BufReader::new(reader);
    let gz = std::io::BufRead::fill_buf(&mut head)
        .map_err(|e| TarError::Corrupt(format!("not a tar archive: {e}")))?
        .starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read + '_> = if gz {
        Box::new(flate2::read::GzDecoder::new(head))
    } else {
        Box::new(head)
    };
    let mut archive = tar::Archive::new(Capped {
        inner: reader,
        left: max_unpacked,
    });
    let mut seen = BTreeSet::new();
    let entries = archive
        .entries()
        .map_err(|e| TarError::Corrupt(format!("not a tar archive: {e}")))?;
    for (count, entry) in entries.enumerate() {
        if count >= max_entries {
            return Err(TarError::TooManyEntries(max_entries).into());
        }
        let mut entry = entry.map_err(|e| corrupt(&e, max_unpacked))?;
        let raw = entry.path_bytes().into_owned();
        let raw = String::from_utf8(raw)
            .map_err(|_| TarError::Corrupt("entry name is not UTF-8".to_owned()))?;
        let path = safe_path(&raw)?;
        let kind = entry.header().entry_type();
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(TarError::Link(raw).into());
        }
        if !kind.is_dir() && !seen.insert(path.clone()) {
            return Err(TarError::Duplicate(raw).into());
        }
        let size = entry.header().size().unwrap_or(u64::MAX);
        let mode = entry.header().mode().unwrap_or(0o644) & 0o7777;
        let mtime = entry.header().mtime().unwrap_or(0);
        visit(TarEntry {
            path: &path,
            raw: &raw,
            // A contiguous file (`7`) is a regular file to GNU tar and
            // erl_tar (so to release_handler).
            is_file: kind.is_file() || kind.is_contiguous(),
            is_dir: kind.is_dir(),
            size,
            mode,
            mtime,
            data: &mut entry,
        })?;
    }
    Ok(())
}

/// A read error while walking: the size limit, or a corrupt archive.
fn corrupt(e: &std::io::Error, max_unpacked: u64) -> TarError {
    if e.kind() == std::io::ErrorKind::InvalidData && e.to_string().contains(CAPPED) {
        TarError::TooLarge(max_unpacked)
    } else {
        TarError::Corrupt(format!("corrupt tar archive: {e}"))
    }
}

/// [`read_tarball`] with explicit limits.
pub fn read_tarball_with(origin: &str, bytes: &[u8], limits: &TarLimits) -> Result<Tree, String> {
    read_tarball_from(origin, bytes, limits)
}

/// [`read_tarball_with`] from a reader (a file): the archive is streamed,
/// only the kept files are held in memory.
pub fn read_tarball_from(
    origin: &str,
    reader: impl Read,
    limits: &TarLimits,
) -> Result<Tree, String> {
    let mut kept = Kept::new(limits);
    walk_entries(
        reader,
        limits.max_entries,
        limits.max_unpacked_bytes,
        |e| -> Result<(), String> {
            if e.is_dir {
                kept.add_dir(e.path);
                return Ok(());
            }
            kept.add_parents(e.path);
            if !e.is_file || !wanted(e.path) {
                return Ok(());
            }
            let data = kept.read(e.raw, e.size, e.data)?;
            kept.insert(e.path, data);
            Ok(())
        },
    )?;
    Ok(kept.into_tree(origin))
}

/// The release files kept from a tarball as it is read (or written, by
/// [`crate::pack`]), within the [`TarLimits`].
pub(crate) struct Kept {
    files: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
    kept: u64,
    limits: TarLimits,
}

impl Kept {
    pub(crate) fn new(limits: &TarLimits) -> Kept {
        Kept {
            files: BTreeMap::new(),
            dirs: BTreeSet::new(),
            kept: 0,
            limits: *limits,
        }
    }

    /// Records a folder (and its parents).
    pub(crate) fn add_dir(&mut self, path: &str) {
        add_parents(&mut self.dirs, path);
        self.dirs.insert(path.to_owned());
    }

    /// Records the folders holding `path`.
    pub(crate) fn add_parents(&mut self, path: &str) {
        add_parents(&mut self.dirs, path);
    }

    /// Whether the file at `path` is one release checks read.
    pub(crate) fn wants(path: &str) -> bool {
        wanted(path)
    }

    /// Reads the contents of the kept file `name` (the header claims
    /// `size` bytes: a claim, the buffer grows with what is really read),
    /// counting them against the limits.
    pub(crate) fn read(
        &mut self,
        name: &str,
        size: u64,
        data: &mut dyn Read,
    ) -> Result<Vec<u8>, String> {
        let limits = self.limits;
        if size > limits.max_file_bytes {
            return Err(format!(
                "{name}: file larger than {} bytes",
                limits.max_file_bytes
            ));
        }
        self.kept = self.kept.saturating_add(size);
        if self.kept > limits.max_kept_bytes {
            return Err(format!(
                "more than {} bytes of release files",
                limits.max_kept_bytes
            ));
        }
        let mut bytes = Vec::new();
        data.take(limits.max_file_bytes)
            .read_to_end(&mut bytes)
            .map_err(|err| match corrupt(&err, limits.max_unpacked_bytes) {
                TarError::TooLarge(n) => TarError::TooLarge(n).to_string(),
                _ => format!("{name}: {err}"),
            })?;
        Ok(bytes)
    }

    /// Keeps a file read with [`Kept::read`].
    pub(crate) fn insert(&mut self, path: &str, bytes: Vec<u8>) {
        add_parents(&mut self.dirs, path);
        self.files.insert(path.to_owned(), bytes);
    }

    /// The kept files as a tree (`origin` names it in messages).
    pub(crate) fn into_tree(self, origin: &str) -> Tree {
        Tree::Memory {
            origin: origin.to_owned(),
            files: self.files,
            dirs: self.dirs,
        }
    }
}

impl From<TarError> for String {
    fn from(e: TarError) -> String {
        e.to_string()
    }
}

/// The message of [`Capped`]'s error, to tell it from other read errors.
const CAPPED: &str = "decompressed archive larger than the limit";

/// A reader that fails once more than `left` bytes have been read.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.left = self
            .left
            .checked_sub(n as u64)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, CAPPED))?;
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

fn safe_path(name: &str) -> Result<String, TarError> {
    let unsafe_path = |absolute| TarError::UnsafePath {
        entry: name.to_owned(),
        absolute,
    };
    if name.starts_with('/') || name.starts_with('\\') || name.as_bytes().get(1) == Some(&b':') {
        return Err(unsafe_path(true));
    }
    if name.split(['/', '\\']).any(|c| c == "..") {
        return Err(unsafe_path(false));
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
