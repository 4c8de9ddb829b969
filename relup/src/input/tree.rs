//! A read-only file tree: a folder on disk or a tarball held in memory.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Where release files are read from. Paths are `/`-separated strings.
#[derive(Debug)]
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
        match self {
            Tree::Disk => std::fs::read(path).ok(),
            Tree::Memory { files, .. } => files.get(normalise(path).as_str()).cloned(),
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
                let children = files.keys().chain(dirs.iter()).filter_map(|p| {
                    let rest = p.strip_prefix(prefix.as_str())?;
                    (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_owned())
                });
                let set: BTreeSet<String> = children.collect();
                set.into_iter().collect()
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

/// `a/./b//c/` → `a/b/c`.
pub(crate) fn normalise(path: &str) -> String {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Joins two `/`-separated paths.
pub(crate) fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}
