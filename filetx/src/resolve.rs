//! Where a planned path leads: symbolic links followed (dangling ones
//! too), missing folders found, the folder to lock.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::Error;

/// Symbolic links followed before giving up (Linux's `MAXSYMLINKS`).
const MAX_HOPS: usize = 40;

/// The folder of `path` (`.` for a bare name).
pub(crate) fn parent_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether `path` names a folder rather than a file: it ends with `/`,
/// `/.` or `/..`, or is `.` or `..` (`Path` would drop the trailing `/`
/// and `.`, and make `sub/` the file `sub`).
pub(crate) fn names_folder(path: &Path) -> bool {
    let b = path.as_os_str().as_encoded_bytes();
    b.ends_with(b"/") || b.ends_with(b"/.") || b.ends_with(b"/..") || b == b"." || b == b".."
}

/// Where the symbolic link (or chain of links) `path` leads when it is
/// dangling: the missing file, each relative target taken from its link's
/// folder. `None` when `path` is not a link or leads to something that
/// exists. [`Plan::create`](crate::Plan::create) creates that file,
/// keeping the link.
///
/// # Errors
/// Reading a link fails, or there are more than 40 links in a row.
///
/// ```
/// # fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("filetx-dangling-doc-{}", std::process::id()));
/// # let _ = std::fs::remove_dir_all(&dir);
/// std::fs::create_dir_all(&dir)?;
/// std::os::unix::fs::symlink("new.tar.gz", dir.join("link"))?;
/// assert_eq!(filetx::dangling_end(&dir.join("link"))?, Some(dir.join("new.tar.gz")));
/// assert_eq!(filetx::dangling_end(&dir)?, None);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok(()) }
/// ```
pub fn dangling_end(path: &Path) -> io::Result<Option<PathBuf>> {
    let mut cur = path.to_path_buf();
    for hops in 0..=MAX_HOPS {
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                if hops == MAX_HOPS {
                    break;
                }
                let target = fs::read_link(&cur)?;
                cur = match cur.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            Ok(_) => return Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok((hops > 0).then_some(cur));
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// The real folder nearest to `path` that exists: `path` itself, or the
/// first of its parents that exists (a file's folder when it is a file).
pub(crate) fn existing_ancestor(path: &Path) -> Result<PathBuf, Error> {
    let mut cur = path.to_path_buf();
    loop {
        match fs::canonicalize(&cur) {
            Ok(real) if real.is_dir() => return Ok(real),
            Ok(real) => return Ok(parent_of(&real)),
            Err(e) => {
                let up = parent_of(&cur);
                if up == cur {
                    return Err(Error::io(&cur, "resolving a folder", e));
                }
                cur = up;
            }
        }
    }
}

/// The folder to lock for a write of `path`: the real folder of the file
/// (through symbolic links, dangling ones too), or the nearest folder
/// above it that exists.
pub(crate) fn lock_folder(path: &Path) -> Result<PathBuf, Error> {
    if let Ok(real) = fs::canonicalize(path) {
        return Ok(parent_of(&real));
    }
    let end = dangling_end(path).ok().flatten();
    existing_ancestor(&parent_of(end.as_deref().unwrap_or(path)))
}

/// A folder that does not exist yet: the real folder that does, and the
/// names to create in it, outermost first. A folder that exists has no
/// name to create.
pub(crate) fn split_missing(dir: &Path) -> Result<(PathBuf, Vec<OsString>), Error> {
    let mut cur = dir.to_path_buf();
    let mut missing = Vec::new();
    loop {
        match fs::symlink_metadata(&cur) {
            Ok(_) => {
                let real =
                    fs::canonicalize(&cur).map_err(|e| Error::io(&cur, "resolving a folder", e))?;
                if !real.is_dir() {
                    return Err(Error::NotAFolder { path: cur });
                }
                missing.reverse();
                return Ok((real, missing));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => match cur.components().next_back() {
                Some(Component::Normal(name)) => {
                    missing.push(name.to_os_string());
                    cur = parent_of(&cur);
                }
                // `..` after a missing folder, or nothing left.
                _ => return Err(Error::io(&cur, "finding where to create a folder", e)),
            },
            Err(e) => return Err(Error::io(&cur, "reading metadata", e)),
        }
    }
}

/// A folder the plan creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NewDir {
    /// Where it is made: an existing real folder and the missing names.
    pub(crate) real: PathBuf,
    /// As the plan names it.
    pub(crate) named: PathBuf,
}

/// The folders to create for the planned `dirs`, each once, a folder
/// before the folders in it.
pub(crate) fn new_dirs(dirs: &[PathBuf]) -> Result<Vec<NewDir>, Error> {
    let mut out: Vec<NewDir> = Vec::new();
    for dir in dirs {
        let (mut real, missing) = split_missing(dir)?;
        let n = missing.len();
        for (k, name) in missing.iter().enumerate() {
            real.push(name);
            let mut named = dir.clone();
            for _ in k + 1..n {
                named.pop();
            }
            if !out.iter().any(|d| d.real == real) {
                out.push(NewDir {
                    real: real.clone(),
                    named,
                });
            }
        }
    }
    out.sort_by(|a, b| a.real.cmp(&b.real));
    Ok(out)
}

/// The real path of the folder `dir` if the plan creates it.
pub(crate) fn planned_real(dir: &Path, planned: &[NewDir]) -> Option<PathBuf> {
    if planned.is_empty() {
        return None;
    }
    let (mut real, missing) = split_missing(dir).ok()?;
    if missing.is_empty() {
        return None;
    }
    real.extend(missing);
    planned.iter().any(|d| d.real == real).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_naming_folders() {
        for p in ["sub/", "a/b/", "sub/.", "sub/..", ".", "..", "/"] {
            assert!(names_folder(Path::new(p)), "{p}");
        }
        for p in ["sub", "a/b", "a.", "a..", "..a", ""] {
            assert!(!names_folder(Path::new(p)), "{p}");
        }
    }
}
