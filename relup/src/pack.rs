//! An installable upgrade in one step: the new release as a tarball in the
//! layout `rebar3 tar` writes, with the appups it needs and the relup from
//! every old release, checked by [`crate::upgrade::check_upgrade`] before
//! anyone writes it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::diff::{appup_text, diff_releases, AppDiff};
use crate::error::Error;
use crate::generate::{make_relup, BaseRelease, Options};
use crate::input::tarball::{walk_entries, Kept, TarLimits};
use crate::input::tree::join;
use crate::input::{LoadedRelease, ReleaseFiles};
use crate::relup::Relup;
use crate::upgrade::{check_upgrade, Report};

/// What [`pack`] does beyond the relup.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PackOptions {
    /// Write the appups that are missing, and add entries for old versions
    /// an existing appup lacks (hand-written entries are kept, and come
    /// first, so they win).
    pub generate_appups: bool,
}

/// One appup placed in the packed release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackedAppup {
    /// The application.
    pub app: String,
    /// Its path in the tarball (`lib/APP-VSN/ebin/APP.appup`).
    pub path: String,
    /// `"generated"` (there was none) or `"merged"` (entries added to the
    /// release's own appup).
    pub how: &'static str,
    /// The old versions whose entries were written.
    pub from: Vec<String>,
}

/// The packed upgrade.
#[derive(Debug, Clone)]
pub struct Packed {
    /// The gzip-compressed tarball.
    pub tarball: Vec<u8>,
    /// Appups written or completed.
    pub appups: Vec<PackedAppup>,
    /// The relup placed in `releases/VSN/relup`.
    pub relup: Relup,
    /// The upgrade check of the packed release against every old one.
    pub report: Report,
}

/// Packs `new` (a release root folder on disk, or a tarball read from
/// `new_path`) with the relup from and to each of `olds`, and with
/// generated appups if asked. The result is checked, not written: the
/// caller writes [`Packed::tarball`] when [`Report::has_errors`] is false.
/// [`pack_into`] streams the tarball to a writer instead of holding it.
///
/// ```no_run
/// use std::path::Path;
/// use relup::{Library, ReleaseFiles};
/// let lib = Library::new();
/// let old = ReleaseFiles::open(Path::new("shop-1.0.0.tar.gz"), &lib).unwrap();
/// let to = Path::new("_build/prod/rel/shop");
/// let new = ReleaseFiles::open(to, &lib).unwrap();
/// let opts = relup::pack::PackOptions { generate_appups: true };
/// let packed = relup::pack::pack(&[old], &new, to, opts).unwrap();
/// if !packed.report.has_errors() {
///     std::fs::write("shop-1.1.0.tar.gz", &packed.tarball).unwrap();
/// }
/// ```
pub fn pack(
    olds: &[ReleaseFiles],
    new: &ReleaseFiles,
    new_path: &Path,
    opts: PackOptions,
) -> Result<Packed, Error> {
    let mut tarball = Vec::new();
    let p = pack_into(olds, new, new_path, opts, &mut tarball)?;
    Ok(Packed {
        tarball,
        appups: p.appups,
        relup: p.relup,
        report: p.report,
    })
}

/// What [`pack_into`] made: everything of [`Packed`] but the tarball,
/// which went to the writer.
#[derive(Debug, Clone)]
pub struct PackedInto {
    /// Appups written or completed.
    pub appups: Vec<PackedAppup>,
    /// The relup placed in `releases/VSN/relup`.
    pub relup: Relup,
    /// The upgrade check of the packed release against every old one.
    pub report: Report,
    /// Bytes written to the writer (the compressed tarball).
    pub bytes: u64,
}

/// [`pack`], the gzip-compressed tarball streamed to `out` as it is made:
/// each file goes from the release folder or tarball through the
/// compressor to `out` without being held, so memory stays a small
/// multiple of the largest release file (`.rel`, `.app`, `.appup` and
/// `ebin` files are kept, within [`TarLimits`], for the check). Nothing is
/// read twice: the check is run on what was written.
///
/// A failure to write to `out` is returned as [`Error::Unreadable`] naming
/// `the packed tarball`; callers that know where `out` goes can tell it
/// from a read failure by their writer.
pub fn pack_into(
    olds: &[ReleaseFiles],
    new: &ReleaseFiles,
    new_path: &Path,
    opts: PackOptions,
    out: &mut dyn Write,
) -> Result<PackedInto, Error> {
    let input_err = |message: String| Error::Input {
        path: new.display(),
        message,
    };
    let root = new
        .root()
        .ok_or_else(|| input_err("not a release root (releases/VSN/NAME.rel and lib/)".into()))?;
    let (texts, appups) = appups_for(olds, new, opts)?;
    let with_appups = in_memory(new, &texts)?;
    let bases: Vec<BaseRelease> = olds
        .iter()
        .map(|o| BaseRelease::new(Arc::new(o.loaded.clone())))
        .collect();
    let relup = make_relup(&with_appups, &bases, &bases, Options::default())?.relup;
    let mut replaced: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for a in &appups {
        if let Some(text) = texts.get(&a.app) {
            replaced.insert(a.path.clone(), text.clone().into_bytes());
        }
    }
    let rel_dir = format!("releases/{}", new.vsn());
    replaced.insert(
        format!("{rel_dir}/relup"),
        relup.to_file_text().into_bytes(),
    );
    let rel_name = format!("{}.rel", new.name());
    let rel_bytes = new
        .release_file(&rel_name)
        .ok_or_else(|| input_err(format!("no {rel_dir}/{rel_name}")))??;
    // release_handler:unpack_release extracts releases/NAME.rel first.
    replaced.insert(format!("releases/{rel_name}"), rel_bytes);
    let counted = Counted {
        inner: out,
        bytes: 0,
    };
    let mut packer = Packer {
        tar: tar::Builder::new(flate2::write::GzEncoder::new(
            counted,
            flate2::Compression::default(),
        )),
        kept: Kept::new(&TarLimits::default()),
        written: BTreeSet::new(),
        replaced: &replaced,
    };
    if new.is_tarball() {
        packer.copy_tarball(new_path)?;
    } else {
        packer.copy_folder(new, Path::new(&root))?;
    }
    packer.add_replaced().map_err(|e| write_failed(&e))?;
    let Packer { tar, kept, .. } = packer;
    let counted = tar
        .into_inner()
        .and_then(flate2::write::GzEncoder::finish)
        .map_err(|e| write_failed(&e))?;
    let bytes = counted.bytes;
    let packed = ReleaseFiles::from_tree(kept.into_tree("the packed tarball"))?;
    let report = check_upgrade(olds, &packed)?;
    Ok(PackedInto {
        appups,
        relup,
        report,
        bytes,
    })
}

/// The error for a failure to write the packed tarball.
fn write_failed(e: &std::io::Error) -> Error {
    Error::Unreadable {
        path: "the packed tarball".to_owned(),
        message: format!("cannot write: {e}"),
    }
}

/// A writer that counts what goes through it.
struct Counted<'a> {
    inner: &'a mut dyn Write,
    bytes: u64,
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes = self.bytes.saturating_add(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The appup text of every application of `new` (the release's own, or
/// generated / completed), and what was generated.
fn appups_for(
    olds: &[ReleaseFiles],
    new: &ReleaseFiles,
    opts: PackOptions,
) -> Result<(HashMap<String, String>, Vec<PackedAppup>), Error> {
    let mut diffs: Vec<AppDiff> = Vec::new();
    for old in olds {
        let d = diff_releases(old, new)?;
        diffs.extend(d.apps.into_iter().filter(AppDiff::version_changed));
    }
    let mut texts = HashMap::new();
    let mut packed = Vec::new();
    for app in &new.loaded.apps {
        let file = format!("{}.appup", app.name);
        let own = if new.has_appup(app) {
            let bytes = new.loaded.read_app_file(app, &file)?;
            Some(String::from_utf8(bytes).map_err(|_| Error::Input {
                path: new.app_file_display(app, &file),
                message: "invalid UTF-8".into(),
            })?)
        } else {
            None
        };
        let mut seen = BTreeSet::new();
        let mine: Vec<&AppDiff> = diffs
            .iter()
            .filter(|d| d.name == app.name && seen.insert(d.old_vsn.clone()))
            .collect();
        let path = format!("lib/{}-{}/ebin/{file}", app.name, app.vsn);
        let from = |ds: &[&AppDiff]| ds.iter().map(|d| d.old_vsn.clone()).collect();
        match own {
            Some(text) if opts.generate_appups && !mine.is_empty() => {
                let term = new.loaded.appup(app)?;
                let missing = crate::diff::lacking_entries(&term, &mine);
                if missing.is_empty() {
                    texts.insert(app.name.clone(), text);
                    continue;
                }
                let merged =
                    crate::diff::merge_appup(&text, &missing).ok_or_else(|| Error::Input {
                        path: new.app_file_display(app, &file),
                        message: "cannot add entries: not {Vsn, UpFrom, DownTo}".into(),
                    })?;
                texts.insert(app.name.clone(), merged);
                packed.push(PackedAppup {
                    app: app.name.clone(),
                    path,
                    how: "merged",
                    from: from(&missing),
                });
            }
            Some(text) => {
                texts.insert(app.name.clone(), text);
            }
            None if opts.generate_appups && !mine.is_empty() => {
                if let Some(text) = appup_text(&mine) {
                    texts.insert(app.name.clone(), text);
                    packed.push(PackedAppup {
                        app: app.name.clone(),
                        path,
                        how: "generated",
                        from: from(&mine),
                    });
                }
            }
            None => {}
        }
    }
    Ok((texts, packed))
}

/// `new` with the appup texts given (for relup generation).
fn in_memory(new: &ReleaseFiles, texts: &HashMap<String, String>) -> Result<LoadedRelease, Error> {
    let by_name: HashMap<&str, &crate::app::Application> = new
        .loaded
        .apps
        .iter()
        .map(|a| (a.name.as_str(), a))
        .collect();
    // `in_memory` takes the applications in .rel order.
    let apps = new
        .loaded
        .release
        .apps
        .iter()
        .filter_map(|r| by_name.get(r.name.as_str()).map(|a| (*a).clone()))
        .collect();
    LoadedRelease::in_memory(
        &new.display(),
        new.loaded.release.clone(),
        apps,
        texts.clone(),
    )
}

/// The folders and files of the root that go into the tarball, with their
/// names in it: what `rebar3 tar` takes — `bin/`, `erts-*/`, each application's
/// `lib/APP-VSN/`, this release's `releases/VSN/`, `releases/RELEASES` and
/// `releases/start_erl.data`.
fn tar_roots(new: &ReleaseFiles, root: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let at = |p: &str| root.join(p);
    out.push((at("bin"), "bin".to_owned()));
    for erts in new.erts_folders() {
        out.push((at(&erts), erts));
    }
    for app in &new.loaded.apps {
        // The application folder is the parent of its ebin folder.
        let ebin = Path::new(&app.dir);
        if let Some(dir) = ebin.parent() {
            out.push((dir.to_path_buf(), format!("lib/{}-{}", app.name, app.vsn)));
        }
    }
    let rel = format!("releases/{}", new.vsn());
    out.push((at(&rel), rel));
    for f in ["releases/RELEASES", "releases/start_erl.data"] {
        out.push((at(f), f.to_owned()));
    }
    out
}

/// Deepest folder nesting followed in a release folder.
const MAX_DEPTH: usize = 32;

/// The tarball being written, and the release files kept for the check.
struct Packer<'r, W: Write> {
    tar: tar::Builder<W>,
    kept: Kept,
    /// Files written so far (a file is written once).
    written: BTreeSet<String>,
    /// Files put in place of the release's own (or added).
    replaced: &'r BTreeMap<String, Vec<u8>>,
}

/// A header for a file or folder of the packed tarball.
fn header(kind: tar::EntryType, size: u64, mode: u32, mtime: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(mode);
    h.set_mtime(mtime);
    h.set_cksum();
    h
}

impl<W: Write> Packer<'_, W> {
    /// One file: a release file is kept (read once, bounded) and written
    /// from memory; any other is streamed from `data` to the tarball.
    fn add_file(
        &mut self,
        name: &str,
        size: u64,
        mode: u32,
        mtime: u64,
        data: &mut dyn Read,
    ) -> Result<(), FileFailure> {
        if self.replaced.contains_key(name) || !self.written.insert(name.to_owned()) {
            return Ok(());
        }
        if Kept::wants(name) {
            let bytes = self
                .kept
                .read(name, size, data)
                .map_err(FileFailure::Read)?;
            let mut h = header(tar::EntryType::Regular, bytes.len() as u64, mode, mtime);
            self.tar
                .append_data(&mut h, name, bytes.as_slice())
                .map_err(FileFailure::Write)?;
            self.kept.insert(name, bytes);
            return Ok(());
        }
        self.kept.add_parents(name);
        // Exactly `size` bytes, as the header says, or a failure.
        let mut exact = Exact {
            inner: data,
            left: size,
            failure: None,
        };
        let mut h = header(tar::EntryType::Regular, size, mode, mtime);
        self.tar
            .append_data(&mut h, name, &mut exact)
            .map_err(|e| match exact.failure.take() {
                Some(read) => FileFailure::Read(read.to_string()),
                None => FileFailure::Write(e),
            })?;
        if exact.left > 0 {
            return Err(FileFailure::Read(format!(
                "{} bytes fewer than its size (it changed while being read)",
                exact.left
            )));
        }
        Ok(())
    }

    /// A folder entry.
    fn add_dir(&mut self, name: &str, mode: u32, mtime: u64) -> std::io::Result<()> {
        self.kept.add_dir(name);
        let mut h = header(tar::EntryType::Directory, 0, mode, mtime);
        self.tar.append_data(&mut h, name, std::io::empty())
    }

    /// Copies the release tarball `path` entry by entry (its own checks:
    /// no links, no `..`, no duplicates), leaving out the replaced files.
    fn copy_tarball(&mut self, path: &Path) -> Result<(), Error> {
        let shown = erlterm::diagnostic::escape_path(path);
        let (file, _) = erlterm::open_file(path, crate::input::tarball::MAX_TARBALL_BYTES)
            .map_err(|e| Error::Unreadable {
                path: shown.clone(),
                message: crate::input::tree::strip_path(path, &e),
            })?;
        let limits = TarLimits::default();
        let mut failure: Option<Error> = None;
        let walked = walk_entries(
            std::io::BufReader::new(file),
            limits.max_entries,
            limits.max_unpacked_bytes,
            |e| -> Result<(), String> {
                if e.is_dir {
                    return self.add_dir(e.path, e.mode, e.mtime).map_err(|err| {
                        failure = Some(write_failed(&err));
                        String::new()
                    });
                }
                if !e.is_file {
                    return Ok(());
                }
                match self.add_file(e.path, e.size, e.mode, e.mtime, e.data) {
                    Ok(()) => Ok(()),
                    Err(FileFailure::Read(m)) => Err(format!("{}: {m}", e.raw)),
                    Err(FileFailure::Write(err)) => {
                        failure = Some(write_failed(&err));
                        Err(String::new())
                    }
                }
            },
        );
        match (walked, failure) {
            (_, Some(e)) => Err(e),
            (Err(message), None) => Err(Error::Input {
                path: shown,
                message,
            }),
            (Ok(()), None) => Ok(()),
        }
    }

    /// Copies what `rebar3 tar` takes from the release folder.
    fn copy_folder(&mut self, new: &ReleaseFiles, root: &Path) -> Result<(), Error> {
        for (disk, name) in tar_roots(new, root) {
            if std::fs::symlink_metadata(&disk).is_ok() {
                self.add_path(&disk, &name, 0)?;
            }
        }
        Ok(())
    }

    fn add_path(&mut self, disk: &Path, name: &str, depth: usize) -> Result<(), Error> {
        let unreadable = |message: String| Error::Unreadable {
            path: erlterm::diagnostic::escape_path(disk),
            message,
        };
        let io = |e: &std::io::Error| {
            unreadable(crate::input::tree::strip_path(
                disk,
                &erlterm::file_error(disk, e),
            ))
        };
        if depth > MAX_DEPTH {
            return Err(Error::Input {
                path: erlterm::diagnostic::escape_path(disk),
                message: format!("folders nested deeper than {MAX_DEPTH}"),
            });
        }
        // Links are followed: the tarball holds what they point to.
        let meta = std::fs::metadata(disk).map_err(|e| io(&e))?;
        if meta.is_dir() {
            let mut entries = Vec::new();
            for e in std::fs::read_dir(disk).map_err(|e| io(&e))? {
                let e = e.map_err(|e| io(&e))?;
                entries.push(e);
            }
            entries.sort_by_key(|e| e.file_name());
            for e in entries {
                let Some(file) = e.file_name().to_str().map(str::to_owned) else {
                    return Err(Error::Input {
                        path: erlterm::diagnostic::escape_path(disk),
                        message: "a file name is not UTF-8".into(),
                    });
                };
                self.add_path(&e.path(), &join(name, &file), depth + 1)?;
            }
            return Ok(());
        }
        if !meta.is_file() {
            let kind = erlterm::file_kind(&meta.file_type()).unwrap_or("not a regular file");
            return Err(unreadable(format!("is {kind}, not a regular file")));
        }
        if self.replaced.contains_key(name) || self.written.contains(name) {
            return Ok(());
        }
        let (mut file, len) = erlterm::open_file(disk, u64::MAX)
            .map_err(|e| unreadable(crate::input::tree::strip_path(disk, &e)))?;
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            meta.permissions().mode() & 0o7777
        };
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        match self.add_file(name, len, mode, mtime, &mut file) {
            Ok(()) => Ok(()),
            Err(FileFailure::Read(m)) => Err(unreadable(m)),
            Err(FileFailure::Write(e)) => Err(write_failed(&e)),
        }
    }

    /// The replaced files not written yet (new ones).
    fn add_replaced(&mut self) -> std::io::Result<()> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        for (name, bytes) in self.replaced {
            if !self.written.insert(name.clone()) {
                continue;
            }
            let mut h = header(tar::EntryType::Regular, bytes.len() as u64, 0o644, now);
            self.tar.append_data(&mut h, name, bytes.as_slice())?;
            self.kept.insert(name, bytes.clone());
        }
        Ok(())
    }
}

/// Why a file could not be added: reading it, or writing the tarball.
enum FileFailure {
    Read(String),
    Write(std::io::Error),
}

/// A reader giving at most `left` bytes of `inner`, remembering a read
/// failure (to tell it from a write failure of the tarball).
struct Exact<'a> {
    inner: &'a mut dyn Read,
    left: u64,
    failure: Option<std::io::Error>,
}

impl Read for Exact<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let max = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let Some(buf) = buf.get_mut(..max) else {
            return Ok(0);
        };
        match self.inner.read(buf) {
            Ok(n) => {
                self.left -= n as u64;
                Ok(n)
            }
            Err(e) => {
                let copy = std::io::Error::new(e.kind(), e.to_string());
                self.failure = Some(e);
                Err(copy)
            }
        }
    }
}
