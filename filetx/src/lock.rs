//! Advisory locks on folders (`flock` through std's `File::lock`).
//!
//! A plan locks the folders it writes in exclusively, and every folder
//! above them shared. Two plans writing in one folder `F` each lock `F`
//! or a folder above it exclusively, and lock every folder above that
//! one at least shared: so one of them waits for the other, whichever
//! folders each locked. A plan writing in more than [`MAX_FOLDERS`]
//! folders locks their common ancestor instead, so that the open handles
//! are bounded by the depth of the folders, not by their number.

use std::collections::BTreeMap;
use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::Error;

/// How often a waiting process tries again.
const POLL: Duration = Duration::from_millis(20);

/// A plan writing in more folders than this locks their common ancestor.
pub(crate) const MAX_FOLDERS: usize = 16;

/// Locks the (real, absolute) folders `dirs` exclusively and the folders
/// above them shared, in path order (a folder before the folders in it),
/// so that two processes locking overlapping sets cannot deadlock; the
/// locks last as long as the returned handles.
pub(crate) fn lock_tree(
    mut dirs: Vec<PathBuf>,
    timeout: Option<Duration>,
) -> Result<Vec<File>, Error> {
    dirs.sort();
    dirs.dedup();
    if dirs.len() > MAX_FOLDERS {
        dirs = common_ancestor(&dirs).into_iter().collect();
    }
    let mut locks: BTreeMap<PathBuf, bool> = BTreeMap::new();
    for dir in &dirs {
        for above in dir.ancestors().skip(1) {
            if !above.as_os_str().is_empty() {
                locks.entry(above.to_path_buf()).or_insert(false);
            }
        }
    }
    for dir in dirs {
        locks.insert(dir, true);
    }
    let start = Instant::now();
    let mut held = Vec::with_capacity(locks.len());
    for (dir, exclusive) in locks {
        let file = match File::open(&dir) {
            Ok(f) => f,
            Err(e) if exclusive => {
                return Err(Error::io(&dir, "opening the folder to lock it", e));
            }
            // A folder above that this user may not read: a plan locking
            // it exclusively runs as another user.
            Err(_) => continue,
        };
        lock_one(&file, &dir, exclusive, start, timeout)?;
        held.push(file);
    }
    Ok(held)
}

fn lock_one(
    file: &File,
    dir: &Path,
    exclusive: bool,
    start: Instant,
    timeout: Option<Duration>,
) -> Result<(), Error> {
    let Some(limit) = timeout else {
        let locked = if exclusive {
            file.lock()
        } else {
            file.lock_shared()
        };
        return locked.map_err(|e| Error::io(dir, "locking the folder", e));
    };
    loop {
        let attempt = if exclusive {
            file.try_lock()
        } else {
            file.try_lock_shared()
        };
        match attempt {
            Ok(()) => return Ok(()),
            Err(TryLockError::WouldBlock) => {
                let waited = start.elapsed();
                if waited >= limit {
                    return Err(Error::LockTimeout {
                        path: dir.to_path_buf(),
                        waited,
                    });
                }
                std::thread::sleep(POLL.min(limit - waited));
            }
            Err(TryLockError::Error(e)) => return Err(Error::io(dir, "locking the folder", e)),
        }
    }
}

/// The deepest folder holding every one of `dirs` (absolute paths).
fn common_ancestor(dirs: &[PathBuf]) -> Option<PathBuf> {
    let mut iter = dirs.iter();
    let mut common = iter.next()?.clone();
    for dir in iter {
        while !dir.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    Some(common)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn common_ancestor_of_folders() {
        let dirs: Vec<PathBuf> = ["/p/apps/a/src", "/p/apps/b/src", "/p/apps-x"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(common_ancestor(&dirs).unwrap(), Path::new("/p"));
        let dirs: Vec<PathBuf> = ["/p/a", "/q/a"].iter().map(PathBuf::from).collect();
        assert_eq!(common_ancestor(&dirs).unwrap(), Path::new("/"));
        assert_eq!(common_ancestor(&[]), None);
    }
}
