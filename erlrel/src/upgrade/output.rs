//! The tarball `upgrade pack` writes, streamed: the compressed bytes go to
//! a temporary file beside the target as they are made (never held in
//! memory, never diffed), and the file is put in place only when the
//! upgrade check passes. The rules are `filetx`'s, for one new file: every
//! check on the target before anything is written, an existing file
//! replaced only with `--force` (through a symbolic link, keeping the link,
//! its owner and mode), the folder locked (the advisory lock `filetx`
//! takes, so the two exclude each other), temporary file + fsync +
//! rename, nothing left behind on failure, and `--dry-run` writing
//! nothing.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long to wait for another process's lock on the folder.
const LOCK_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the output cannot be written (the message names the path once).
pub struct OutputError(pub String);

/// The owner and mode of the file replaced.
#[derive(Clone, Copy)]
struct Meta {
    uid: u32,
    gid: u32,
    mode: u32,
}

/// The output file being written.
pub struct Output {
    /// As given on the command line.
    path: PathBuf,
    /// The file written (symbolic links resolved).
    real: PathBuf,
    /// The file replaced, if there is one.
    old: Option<Meta>,
    /// The lock on the folder (held until the end).
    _lock: Option<File>,
    /// The temporary file and its writer; `None` on a dry run.
    tmp: Option<(PathBuf, BufWriter<File>)>,
    /// The first write failure, to tell it from a read failure.
    failure: Option<io::Error>,
    committed: bool,
}

fn shown(path: &Path) -> String {
    erlterm::diagnostic::escape_path(path)
}

fn io_error(path: &Path, what: &str, e: &io::Error) -> OutputError {
    let reason = erlterm::file_error(path, e).to_string();
    let prefix = format!("{}: ", shown(path));
    let reason = reason.strip_prefix(&prefix).unwrap_or(&reason).to_owned();
    OutputError(format!("{}: {what}: {reason}", shown(path)))
}

/// The folder of `path` (`.` for a bare name).
fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

impl Output {
    /// Checks the target and, unless this is a dry run, locks its folder
    /// and opens the temporary file the tarball is streamed to.
    pub fn prepare(path: &Path, force: bool, dry_run: bool) -> Result<Output, OutputError> {
        let exists = match fs::symlink_metadata(path) {
            Ok(_) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(io_error(path, "reading metadata", &e)),
        };
        // A dangling link: the file it leads to is created, the link kept
        // (as filetx creates through one); nothing existing is replaced.
        let dangling = if exists {
            filetx::dangling_end(path)
                .map_err(|e| io_error(path, "resolving symbolic links", &e))?
        } else {
            None
        };
        let exists = exists && dangling.is_none();
        let new_file = dangling.as_deref().unwrap_or(path);
        if exists && !force {
            return Err(OutputError(format!(
                "{}: already exists (pass --force to replace it)",
                shown(path)
            )));
        }
        let (real, old) = if exists {
            // Written through a symbolic link: the link stays.
            let real = fs::canonicalize(path).map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => OutputError(format!(
                    "{}: is a symbolic link to a missing file",
                    shown(path)
                )),
                _ => io_error(path, "resolving symbolic links", &e),
            })?;
            let meta = fs::metadata(&real).map_err(|e| io_error(path, "reading metadata", &e))?;
            if !meta.is_file() {
                let kind = erlterm::file_kind(&meta.file_type()).unwrap_or("not a regular file");
                return Err(OutputError(format!(
                    "{}: is {kind}, not a regular file",
                    shown(path)
                )));
            }
            let old = Meta {
                uid: meta.uid(),
                gid: meta.gid(),
                mode: meta.permissions().mode(),
            };
            (real, Some(old))
        } else {
            let name = new_file
                .file_name()
                .ok_or_else(|| OutputError(format!("{}: not a file name", shown(path))))?;
            let dir = parent_of(new_file);
            let real_dir = fs::canonicalize(&dir)
                .map_err(|e| io_error(&dir, "resolving the folder of a new file", &e))?;
            if !real_dir.is_dir() {
                return Err(OutputError(format!("{}: not a folder", shown(&dir))));
            }
            (real_dir.join(name), None)
        };
        let mut out = Output {
            path: path.to_path_buf(),
            real,
            old,
            _lock: None,
            tmp: None,
            failure: None,
            committed: false,
        };
        if dry_run {
            return Ok(out);
        }
        let dir = parent_of(&out.real);
        out._lock = Some(lock(&dir)?);
        let (tmp, file) = temp_beside(&out.real)
            .map_err(|e| io_error(&out.path, "creating a temporary file in its folder", &e))?;
        out.tmp = Some((tmp, BufWriter::with_capacity(1 << 16, file)));
        Ok(out)
    }

    /// The first failure to write the temporary file, if there was one.
    pub fn write_failure(&self) -> Option<OutputError> {
        self.failure
            .as_ref()
            .map(|e| io_error(&self.path, "writing a temporary file", e))
    }

    /// Puts the file in place: synced, with the replaced file's owner and
    /// mode, by a rename (or a hard link for a new file, so a file that
    /// appeared meanwhile is not replaced).
    pub fn commit(mut self) -> Result<(), OutputError> {
        let Some((tmp, writer)) = self.tmp.take() else {
            self.committed = true;
            return Ok(());
        };
        let result = self.finish(&tmp, writer);
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        self.committed = result.is_ok();
        result
    }

    fn finish(&self, tmp: &Path, writer: BufWriter<File>) -> Result<(), OutputError> {
        let path = &self.path;
        let file = writer
            .into_inner()
            .map_err(|e| io_error(path, "writing a temporary file", e.error()))?;
        if let Some(m) = self.old {
            // chown first: it clears set-user-ID bits that chmod then sets.
            let _ = std::os::unix::fs::fchown(&file, Some(m.uid), Some(m.gid));
            file.set_permissions(fs::Permissions::from_mode(m.mode & 0o7777))
                .map_err(|e| io_error(path, "setting the mode of a temporary file", &e))?;
        }
        file.sync_all()
            .map_err(|e| io_error(path, "syncing a temporary file", &e))?;
        drop(file);
        if self.old.is_some() {
            fs::rename(tmp, &self.real)
                .map_err(|e| io_error(path, "renaming the temporary file", &e))?;
        } else {
            match fs::hard_link(tmp, &self.real) {
                Ok(()) => {
                    let _ = fs::remove_file(tmp);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(io_error(path, "creating (the file appeared meanwhile)", &e));
                }
                Err(_) => fs::rename(tmp, &self.real)
                    .map_err(|e| io_error(path, "renaming the new file", &e))?,
            }
        }
        if let Ok(dir) = File::open(parent_of(&self.real)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// Says what was (or on a dry run would be) written.
pub fn report_written(path: &Path, dry_run: bool, bytes: u64) {
    if dry_run {
        eprintln!("dry run: nothing written");
        eprintln!(
            "would write {} ({bytes} bytes; a binary file, no diff)",
            shown(path)
        );
    } else {
        eprintln!("wrote {} ({bytes} bytes)", shown(path));
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some((_, w)) = self.tmp.as_mut() else {
            // A dry run: the bytes are made (and counted), not kept.
            return Ok(buf.len());
        };
        w.write(buf).inspect_err(|e| {
            if self.failure.is_none() {
                self.failure = Some(io::Error::new(e.kind(), e.to_string()));
            }
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        match self.tmp.as_mut() {
            Some((_, w)) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Output {
    /// Nothing is left behind when the file is not put in place.
    fn drop(&mut self) {
        if !self.committed {
            if let Some((tmp, _)) = self.tmp.take() {
                let _ = fs::remove_file(tmp);
            }
        }
    }
}

/// A new temporary file beside `real`: `.NAME.erlrel-PID-N.tmp`.
fn temp_beside(real: &Path) -> io::Result<(PathBuf, File)> {
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = parent_of(real);
    let mut n = 0u32;
    loop {
        let tmp = dir.join(format!(".{name}.erlrel-{}-{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    }
}

/// The advisory lock on `dir` (as `filetx` takes it), waiting up to
/// [`LOCK_TIMEOUT`].
fn lock(dir: &Path) -> Result<File, OutputError> {
    let file = File::open(dir).map_err(|e| io_error(dir, "opening the folder to lock it", &e))?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) => {
                let waited = start.elapsed();
                if waited >= LOCK_TIMEOUT {
                    return Err(OutputError(format!(
                        "{}: locked by another process (waited {} s)",
                        shown(dir),
                        waited.as_secs()
                    )));
                }
                std::thread::sleep(Duration::from_millis(20).min(LOCK_TIMEOUT - waited));
            }
            Err(TryLockError::Error(e)) => return Err(io_error(dir, "locking the folder", &e)),
        }
    }
}
