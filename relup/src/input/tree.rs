//! A read-only file tree: a folder on disk or a tarball held in memory.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;
use std::path::Path;

/// Where release files are read from. Paths are `/`-separated strings.
#[derive(Debug)]
#[non_exhaustive]
pub enum Tree {
    /// The local file system; paths are used as given.
    Disk,
    /// A tarball read into memory; paths are relative to its root.
    Memory {
        /// The tarball file, for messages.
        origin: String,
        /// Regular files by normalised path.
        files: BTreeMap<String, Vec<u8>>,
        /// Every directory that holds something.
        dirs: BTreeSet<String>,
    },
}

impl Tree {
    /// Reads a whole file; `None` if absent or unreadable.
    pub fn read(&self, path: &str) -> Option<Vec<u8>> {
        self.read_file(path).ok()
    }

    /// Reads a whole file, saying why it cannot be read. On disk only
    /// regular files (or links to one) of at most [`MAX_DISK_FILE_BYTES`]
    /// are read: a FIFO or a device never blocks or fills memory.
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        match self {
            Tree::Disk => read_regular_file(Path::new(path), MAX_DISK_FILE_BYTES),
            Tree::Memory { files, dirs, .. } => {
                let p = normalise(path);
                match files.get(p.as_str()) {
                    Some(bytes) => Ok(bytes.clone()),
                    None if dirs.contains(&p) => Err("is a folder".into()),
                    None => Err("no such file in the tarball".into()),
                }
            }
        }
    }

    /// Whether the tree is the local file system (a read failure there is
    /// an I/O failure; in a tarball held in memory, a missing entry).
    pub fn is_disk(&self) -> bool {
        matches!(self, Tree::Disk)
    }

    /// Whether `path` is a regular file (or a link to one).
    pub fn is_file(&self, path: &str) -> bool {
        match self {
            Tree::Disk => Path::new(path).is_file(),
            Tree::Memory { files, .. } => files.contains_key(normalise(path).as_str()),
        }
    }

    /// Names of the entries of a directory, sorted; empty if not a directory.
    pub fn list_dir(&self, path: &str) -> Vec<String> {
        match self {
            Tree::Disk => {
                let mut names: Vec<String> = std::fs::read_dir(path)
                    .map(|rd| {
                        rd.filter_map(|e| e.ok())
                            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default();
                names.sort();
                names
            }
            Tree::Memory { files, dirs, .. } => {
                let dir = normalise(path);
                let prefix = if dir.is_empty() {
                    String::new()
                } else {
                    format!("{dir}/")
                };
                let mut names = BTreeSet::new();
                let first_file = |from: &str| {
                    let mut after = files.range::<str, _>(at_or_after(from));
                    after.next().map(|(path, _)| path.as_str())
                };
                let first_dir = |from: &str| {
                    let mut after = dirs.range::<str, _>(at_or_after(from));
                    after.next().map(String::as_str)
                };
                children(&prefix, first_file, &mut names);
                children(&prefix, first_dir, &mut names);
                names.into_iter().collect()
            }
        }
    }

    /// Whether `path` is a directory.
    pub fn is_dir(&self, path: &str) -> bool {
        match self {
            Tree::Disk => Path::new(path).is_dir(),
            Tree::Memory { dirs, .. } => {
                let p = normalise(path);
                p.is_empty() || dirs.contains(&p)
            }
        }
    }

    /// How to name `path` in messages.
    pub fn display(&self, path: &str) -> String {
        match self {
            Tree::Disk => path.to_owned(),
            Tree::Memory { origin, .. } => format!("{origin}:{}", normalise(path)),
        }
    }
}

/// Largest file read from a folder (release files and `.beam` files).
pub const MAX_DISK_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads a regular file of at most `max` bytes with erlterm's checked
/// reader (a FIFO is never opened for a blocking read, a device never read,
/// the size checked before and while reading). The message leaves out the
/// path: callers name it once.
pub fn read_regular_file(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    erlterm::read_file_with_limit(path, max).map_err(|e| strip_path(path, &e))
}

/// The message of erlterm's error about `path`, without the leading
/// `PATH: ` (callers name the path once).
pub(crate) fn strip_path(path: &Path, e: &erlterm::Error) -> String {
    let message = match &e.kind {
        erlterm::ErrorKind::Io { message, .. } => message.clone(),
        _ => e.to_string(),
    };
    let shown = format!("{}: ", erlterm::diagnostic::escape_path(path));
    message
        .strip_prefix(&shown)
        .map_or_else(|| message.clone(), str::to_owned)
}

/// The paths from `from` on.
fn at_or_after(from: &str) -> (Bound<&str>, Bound<&str>) {
    (Bound::Included(from), Bound::Unbounded)
}

/// Adds to `names` the entries directly under `prefix` among sorted paths,
/// `first_from(p)` being the first path at or after `p`. A tarball holds
/// its whole tree in one map: each child's subtree is skipped with one
/// seek, so listing a folder does not read the paths under it.
fn children<'a>(
    prefix: &str,
    first_from: impl Fn(&str) -> Option<&'a str>,
    names: &mut BTreeSet<String>,
) {
    let mut from = prefix.to_owned();
    while let Some(path) = first_from(&from) {
        let Some(rest) = path.strip_prefix(prefix) else {
            break;
        };
        match rest.split_once('/') {
            // every path from `prefix/child/` to `prefix/child0` is under `child`
            Some((child, _)) if !child.is_empty() => {
                names.insert(child.to_owned());
                from = format!("{prefix}{child}0");
            }
            _ => {
                if !rest.is_empty() && !rest.contains('/') {
                    names.insert(rest.to_owned());
                }
                from = format!("{path}\0");
            }
        }
    }
}

/// `a/./b//c/` → `a/b/c`.
pub(crate) fn normalise(path: &str) -> String {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Joins two `/`-separated paths (`""` joined with `b` is `b`).
///
/// ```
/// assert_eq!(relup::input::tree::join("lib", "a-1"), "lib/a-1");
/// assert_eq!(relup::input::tree::join("", "releases"), "releases");
/// ```
pub fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct children only, past names that sort between a folder and
    /// its contents (`a-1`, `a.app` come between `a` and `a/b`).
    #[test]
    fn memory_folders_list_their_children() {
        let paths = ["a", "a-1", "a.app", "a/b", "a/c/d", "a0", "ab/c", "b/a/x"];
        let files = paths.iter().map(|p| (p.to_string(), Vec::new())).collect();
        let dirs = ["a", "a/c", "ab", "b", "b/a", "e"]
            .iter()
            .map(|d| d.to_string())
            .collect();
        let tree = Tree::Memory {
            origin: "t.tar".into(),
            files,
            dirs,
        };
        let list = |d: &str| tree.list_dir(d).join(" ");
        assert_eq!(list(""), "a a-1 a.app a0 ab b e");
        assert_eq!(list("a"), "b c");
        assert_eq!(list("a/c"), "d");
        assert_eq!(list("b"), "a");
        assert_eq!(list("e"), "");
        assert_eq!(list("x"), "");
    }
}
