//! Advisory locks on folders (`flock` through std's `File::lock`).

use std::fs::{File, TryLockError};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::Error;

/// How often a waiting process tries again.
const POLL: Duration = Duration::from_millis(20);

/// Locks every folder, in sorted order (so two processes locking
/// overlapping sets cannot deadlock); the locks last as long as the files.
pub(crate) fn lock_all(
    mut dirs: Vec<PathBuf>,
    timeout: Option<Duration>,
) -> Result<Vec<File>, Error> {
    dirs.sort();
    dirs.dedup();
    let start = Instant::now();
    let mut held = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let file =
            File::open(&dir).map_err(|e| Error::io(&dir, "opening the folder to lock it", e))?;
        match timeout {
            None => file
                .lock()
                .map_err(|e| Error::io(&dir, "locking the folder", e))?,
            Some(limit) => loop {
                match file.try_lock() {
                    Ok(()) => break,
                    Err(TryLockError::WouldBlock) => {
                        let waited = start.elapsed();
                        if waited >= limit {
                            return Err(Error::LockTimeout { path: dir, waited });
                        }
                        std::thread::sleep(POLL.min(limit - waited));
                    }
                    Err(TryLockError::Error(e)) => {
                        return Err(Error::io(&dir, "locking the folder", e))
                    }
                }
            },
        }
        held.push(file);
    }
    Ok(held)
}
