//! Reading the files of a release that the audit needs, from a release
//! folder or from a `.tar.gz` tarball streamed in memory.
//!
//! Only the runtime (`erts-*/bin/*`), native code (`lib/*/priv/**`) and
//! version files are read; one file at a time is held in memory. Every
//! size and count is bounded, and tarball entries with absolute paths or
//! `..` components are refused.

#![warn(clippy::indexing_slicing)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use relup::input::tarball::{walk_entries, TarError};

use crate::error::AuditError;
use crate::otp_version::is_version_file;

/// Bounds on what is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest ELF file read, in bytes.
    pub max_elf_bytes: u64,
    /// Largest version file read, in bytes.
    pub max_text_bytes: u64,
    /// Most folder entries walked or tarball entries read.
    pub max_entries: u64,
    /// Most bytes decompressed from a tarball.
    pub max_unpacked_bytes: u64,
    /// Deepest folder level walked below `lib/*/priv`.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_elf_bytes: 512 << 20,
            max_text_bytes: 1 << 20,
            max_entries: 200_000,
            max_unpacked_bytes: 16 << 30,
            max_depth: 16,
        }
    }
}

/// Where a file sits in the release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Location {
    /// In the bundled runtime, `erts-*/bin`.
    Runtime,
    /// Native code of an application, `lib/*/priv`.
    Priv,
}

/// What the walk hands to its visitor.
pub trait Visitor {
    /// An `erts-*` folder at the release root.
    fn erts_folder(&mut self, name: &str);
    /// A candidate native file (an ELF file, or a file too large to read).
    fn native_file(&mut self, path: &str, location: Location, data: Result<Vec<u8>, AuditError>);
    /// A version file.
    fn version_file(&mut self, path: &str, text: &str);
}

fn location_of(components: &[&str]) -> Option<Location> {
    match components {
        [erts, "bin", _] if erts.starts_with("erts-") => Some(Location::Runtime),
        ["lib", _, "priv", _, ..] => Some(Location::Priv),
        _ => None,
    }
}

fn limit(what: impl Into<String>, limit: u64) -> AuditError {
    AuditError::LimitExceeded {
        what: what.into(),
        limit,
    }
}

/// Reads at most `max` bytes; a longer input is an error.
fn read_bounded(
    mut reader: impl Read,
    max: u64,
    what: &str,
    path: &Path,
) -> Result<Vec<u8>, AuditError> {
    let mut data = Vec::new();
    reader
        .by_ref()
        .take(max.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|source| AuditError::Io {
            path: path.to_owned(),
            source,
        })?;
    if data.len() as u64 > max {
        return Err(limit(format!("{what} {}", path.display()), max));
    }
    Ok(data)
}

/// Walks a release folder.
pub fn walk_folder(
    root: &Path,
    limits: &Limits,
    visitor: &mut dyn Visitor,
) -> Result<(), AuditError> {
    let mut entries = 0u64;
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| AuditError::Io { path, source }
    };
    let list = |dir: &Path, entries: &mut u64| -> Result<Vec<(String, fs::Metadata)>, AuditError> {
        let mut out = Vec::new();
        for entry in fs::read_dir(dir).map_err(io(dir))? {
            let entry = entry.map_err(io(dir))?;
            *entries += 1;
            if *entries > limits.max_entries {
                return Err(limit("number of folder entries", limits.max_entries));
            }
            let meta = entry.metadata().map_err(io(&entry.path()))?;
            if let Some(name) = entry.file_name().to_str() {
                out.push((name.to_owned(), meta));
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    };

    let top = list(root, &mut entries)?;
    let mut native: Vec<(Vec<String>, Location)> = Vec::new();
    let mut texts: Vec<Vec<String>> = Vec::new();
    for (name, meta) in &top {
        if name.starts_with("erts-") && meta.is_dir() {
            visitor.erts_folder(name);
            let bin = root.join(name).join("bin");
            if bin.is_dir() {
                for (file, meta) in list(&bin, &mut entries)? {
                    if meta.is_file() {
                        native.push((vec![name.clone(), "bin".into(), file], Location::Runtime));
                    }
                }
            }
        } else if name == "OTP_VERSION" && meta.is_file() {
            texts.push(vec![name.clone()]);
        }
    }
    let releases = root.join("releases");
    if releases.is_dir() {
        for (name, meta) in list(&releases, &mut entries)? {
            if meta.is_file() {
                texts.push(vec!["releases".into(), name]);
            } else if meta.is_dir() {
                for (file, meta) in list(&releases.join(&name), &mut entries)? {
                    if meta.is_file() {
                        texts.push(vec!["releases".into(), name.clone(), file]);
                    }
                }
            }
        }
    }
    let lib = root.join("lib");
    if lib.is_dir() {
        for (app, meta) in list(&lib, &mut entries)? {
            if !meta.is_dir() {
                continue;
            }
            // Depth-first over priv, bounded in depth; symlinks are not followed.
            let mut stack = vec![vec!["lib".to_owned(), app.clone(), "priv".to_owned()]];
            while let Some(components) = stack.pop() {
                let dir = components.iter().fold(root.to_owned(), |p, c| p.join(c));
                if !dir.is_dir() || dir.symlink_metadata().map_err(io(&dir))?.is_symlink() {
                    continue;
                }
                for (name, meta) in list(&dir, &mut entries)? {
                    let mut child = components.clone();
                    child.push(name);
                    if meta.is_dir() {
                        if child.len() - 3 < limits.max_depth {
                            stack.push(child);
                        }
                    } else if meta.is_file() {
                        native.push((child, Location::Priv));
                    }
                }
            }
        }
    }

    for components in texts {
        let refs: Vec<&str> = components.iter().map(String::as_str).collect();
        if !is_version_file(&refs) {
            continue;
        }
        let path: PathBuf = components.iter().collect();
        let full = root.join(&path);
        let file = fs::File::open(&full).map_err(io(&full))?;
        let data = read_bounded(file, limits.max_text_bytes, "version file", &full)?;
        visitor.version_file(&components.join("/"), &String::from_utf8_lossy(&data));
    }
    native.sort();
    for (components, location) in native {
        let full = components.iter().fold(root.to_owned(), |p, c| p.join(c));
        let rel = components.join("/");
        let mut file = match fs::File::open(&full) {
            Ok(f) => f,
            Err(source) => {
                visitor.native_file(&rel, location, Err(AuditError::Io { path: full, source }));
                continue;
            }
        };
        let mut magic = [0u8; 4];
        if file.read_exact(&mut magic).is_err() || magic != crate::elf_file::ELF_MAGIC {
            continue;
        }
        let data = fs::File::open(&full)
            .map_err(io(&full))
            .and_then(|f| read_bounded(f, limits.max_elf_bytes, "ELF file", &full));
        visitor.native_file(&rel, location, data);
    }
    Ok(())
}

/// What stops the tarball walk: the archive (refused by relup's walker)
/// or the audit's own limits.
enum Walk {
    Tar(TarError),
    Audit(AuditError),
}

impl From<TarError> for Walk {
    fn from(e: TarError) -> Walk {
        Walk::Tar(e)
    }
}

/// One retained tarball file, before the release root is known.
struct TarFile {
    components: Vec<String>,
    data: Result<Vec<u8>, AuditError>,
}

/// Reads a `.tar.gz` release tarball. The release root is the archive root,
/// or its single top folder when the root holds no `erts-*`, `lib` or
/// `releases`.
///
/// Files are matched against both possible roots while streaming, so the
/// candidates are retained until the end of the archive; their total is
/// bounded by `max_unpacked_bytes`.
///
/// Refused with an error naming the entry: absolute paths and `..`
/// components ([`AuditError::UnsafePath`]), symbolic and hard links, two
/// entries for the same file ([`AuditError::Tarball`]), and archives over
/// the [`Limits`]. Nothing is written to disk.
pub fn walk_tarball(
    path: &Path,
    limits: &Limits,
    visitor: &mut dyn Visitor,
) -> Result<(), AuditError> {
    let file = fs::File::open(path).map_err(|source| AuditError::Io {
        path: path.to_owned(),
        source,
    })?;
    walk_tarball_reader(path, std::io::BufReader::new(file), limits, visitor)
}

/// [`walk_tarball`] on the bytes of a `.tar.gz` read from `reader`; `path`
/// is only used in messages.
pub fn walk_tarball_reader(
    path: &Path,
    reader: impl Read,
    limits: &Limits,
    visitor: &mut dyn Visitor,
) -> Result<(), AuditError> {
    let tar_error = |message: String| AuditError::Tarball {
        path: path.to_owned(),
        message,
    };
    let mut files: Vec<TarFile> = Vec::new();
    let mut folders: Vec<Vec<String>> = Vec::new();
    let mut retained = 0u64;
    let max_entries = usize::try_from(limits.max_entries).unwrap_or(usize::MAX);
    // relup's tarball walker checks paths, links, duplicates and sizes.
    let walked = walk_entries(reader, max_entries, limits.max_unpacked_bytes, |entry| {
        let components: Vec<String> = entry.path.split('/').map(str::to_owned).collect();
        if entry.is_dir {
            folders.push(components);
            return Ok(());
        }
        // Folders are often implied by file paths only.
        for depth in 1..components.len().min(3) {
            folders.extend(components.get(..depth).map(<[String]>::to_vec));
        }
        if !entry.is_file {
            return Ok(()); // devices, FIFOs and the like hold nothing to audit
        }
        let wanted = [0usize, 1].iter().any(|&skip| {
            components.len() > skip && {
                let refs: Vec<&str> = components
                    .get(skip..)
                    .unwrap_or_default()
                    .iter()
                    .map(String::as_str)
                    .collect();
                location_of(&refs).is_some() || is_version_file(&refs)
            }
        });
        if !wanted {
            return Ok(());
        }
        let raw = entry.raw;
        let is_text = components.last().is_some_and(|n| {
            n == "OTP_VERSION" || n == "RELEASES" || n == "start_erl.data" || n.ends_with(".rel")
        });
        let max = if is_text {
            limits.max_text_bytes
        } else {
            limits.max_elf_bytes
        };
        let reader = entry.data;
        let mut head = Vec::with_capacity(4);
        if !is_text {
            reader
                .take(4)
                .read_to_end(&mut head)
                .map_err(|e| Walk::Audit(tar_error(e.to_string())))?;
            if head != crate::elf_file::ELF_MAGIC {
                return Ok(());
            }
        }
        let data = if entry.size > max {
            Err(limit(
                format!(
                    "{} {raw}",
                    if is_text { "version file" } else { "ELF file" }
                ),
                max,
            ))
        } else {
            read_bounded(reader, max, "tarball entry", Path::new(raw)).map(|rest| {
                let mut all = head;
                all.extend(rest);
                all
            })
        };
        if let Ok(d) = &data {
            retained += d.len() as u64;
            if retained > limits.max_unpacked_bytes {
                return Err(Walk::Audit(limit(
                    "bytes retained from the tarball",
                    limits.max_unpacked_bytes,
                )));
            }
        }
        files.push(TarFile { components, data });
        Ok(())
    });
    match walked {
        Ok(()) => {}
        Err(Walk::Audit(e)) => return Err(e),
        Err(Walk::Tar(TarError::UnsafePath { entry, .. })) => {
            return Err(AuditError::UnsafePath { entry })
        }
        Err(Walk::Tar(TarError::TooManyEntries(_))) => {
            return Err(limit("number of tarball entries", limits.max_entries))
        }
        Err(Walk::Tar(e)) => return Err(tar_error(e.to_string())),
    }

    let has_marker = |folder: &[String]| {
        folder.len() == 1
            && folder
                .first()
                .is_some_and(|f| f == "lib" || f == "releases" || f.starts_with("erts-"))
    };
    let skip =
        if folders.iter().any(|f| has_marker(f)) || files.iter().any(|f| f.components.len() == 1) {
            0
        } else {
            let tops: std::collections::BTreeSet<&String> = folders
                .iter()
                .filter_map(|f| f.first())
                .chain(files.iter().filter_map(|f| f.components.first()))
                .collect();
            usize::from(tops.len() == 1)
        };
    let mut erts: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for folder in &folders {
        if let Some(top) = folder.get(skip).filter(|f| f.starts_with("erts-")) {
            erts.insert(top.clone());
        }
    }
    for name in &erts {
        visitor.erts_folder(name);
    }
    files.sort_by(|a, b| a.components.cmp(&b.components));
    for file in files {
        if file.components.len() <= skip {
            continue;
        }
        let refs: Vec<&str> = file
            .components
            .get(skip..)
            .unwrap_or_default()
            .iter()
            .map(String::as_str)
            .collect();
        let rel = refs.join("/");
        if is_version_file(&refs) {
            match file.data {
                Ok(data) => visitor.version_file(&rel, &String::from_utf8_lossy(&data)),
                Err(e) => return Err(e),
            }
        } else if let Some(location) = location_of(&refs) {
            visitor.native_file(&rel, location, file.data);
        }
    }
    Ok(())
}

/// Reads a release folder or tarball, by what the path is.
pub fn walk_release(
    path: &Path,
    limits: &Limits,
    visitor: &mut dyn Visitor,
) -> Result<(), AuditError> {
    let meta = fs::metadata(path).map_err(|source| AuditError::Io {
        path: path.to_owned(),
        source,
    })?;
    if meta.is_dir() {
        return walk_folder(path, limits, visitor);
    }
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if meta.is_file() && (name.ends_with(".tar.gz") || name.ends_with(".tgz")) {
        return walk_tarball(path, limits, visitor);
    }
    if !meta.is_file() {
        return Err(AuditError::NotAFile {
            path: path.to_owned(),
            file_type: meta.file_type(),
        });
    }
    Err(AuditError::NotARelease {
        path: path.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations() {
        assert_eq!(
            location_of(&["erts-13.0", "bin", "beam.smp"]),
            Some(Location::Runtime)
        );
        assert_eq!(
            location_of(&["lib", "crypto-5.1", "priv", "lib", "crypto.so"]),
            Some(Location::Priv)
        );
        assert_eq!(
            location_of(&["lib", "crypto-5.1", "ebin", "crypto.beam"]),
            None
        );
        assert_eq!(location_of(&["bin", "erl"]), None);
    }
}
