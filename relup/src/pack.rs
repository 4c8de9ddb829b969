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
use crate::input::tree::join;
use crate::input::{Library, LoadedRelease, ReleaseFiles};
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
    let tarball = if new.is_tarball() {
        let bytes = crate::input::tree::read_regular_file(
            new_path,
            crate::input::tarball::MAX_TARBALL_BYTES,
        )
        .map_err(input_err)?;
        repack_tarball(&bytes, &replaced).map_err(input_err)?
    } else {
        tar_folder(new, Path::new(&root), &replaced).map_err(input_err)?
    };
    let packed = ReleaseFiles::from_tarball("the packed tarball", &tarball, &Library::new())?;
    let report = check_upgrade(olds, &packed)?;
    Ok(Packed {
        tarball,
        appups,
        relup,
        report,
    })
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

/// The release folder as a gzip-compressed tarball, with `replaced`
/// files added or put in place of the folder's.
fn tar_folder(
    new: &ReleaseFiles,
    root: &Path,
    replaced: &BTreeMap<String, Vec<u8>>,
) -> Result<Vec<u8>, String> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    let mut written = BTreeSet::new();
    for (disk, name) in tar_roots(new, root) {
        if disk.exists() {
            add_path(&mut tar, &disk, &name, replaced, &mut written, 0)?;
        }
    }
    add_replaced(&mut tar, replaced, &written)?;
    let gz = tar.into_inner().map_err(|e| e.to_string())?;
    gz.finish().map_err(|e| e.to_string())
}

/// Deepest folder nesting followed in a release folder.
const MAX_DEPTH: usize = 32;

fn add_path<W: Write>(
    tar: &mut tar::Builder<W>,
    disk: &Path,
    name: &str,
    replaced: &BTreeMap<String, Vec<u8>>,
    written: &mut BTreeSet<String>,
    depth: usize,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "{}: folders nested deeper than {MAX_DEPTH}",
            disk.display()
        ));
    }
    // Links are followed: the tarball holds what they point to.
    let meta = std::fs::metadata(disk).map_err(|e| format!("{}: {e}", disk.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(disk)
            .map_err(|e| format!("{}: {e}", disk.display()))?
            .filter_map(Result::ok)
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let Some(file) = e.file_name().to_str().map(str::to_owned) else {
                return Err(format!("{}: a file name is not UTF-8", disk.display()));
            };
            add_path(
                tar,
                &e.path(),
                &join(name, &file),
                replaced,
                written,
                depth + 1,
            )?;
        }
        return Ok(());
    }
    if !meta.is_file() || replaced.contains_key(name) || !written.insert(name.to_owned()) {
        return Ok(());
    }
    let mut file = std::fs::File::open(disk).map_err(|e| format!("{}: {e}", disk.display()))?;
    tar.append_file(name, &mut file)
        .map_err(|e| format!("{}: {e}", disk.display()))
}

fn add_replaced<W: Write>(
    tar: &mut tar::Builder<W>,
    replaced: &BTreeMap<String, Vec<u8>>,
    written: &BTreeSet<String>,
) -> Result<(), String> {
    for (name, bytes) in replaced {
        if written.contains(name) {
            continue;
        }
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        );
        header.set_cksum();
        tar.append_data(&mut header, name, bytes.as_slice())
            .map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(())
}

/// A release tarball copied entry by entry, `replaced` files put in place
/// of its own (or added).
fn repack_tarball(bytes: &[u8], replaced: &BTreeMap<String, Vec<u8>>) -> Result<Vec<u8>, String> {
    let reader: Box<dyn Read + '_> = if bytes.starts_with(&[0x1f, 0x8b]) {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    };
    let mut archive = tar::Archive::new(reader);
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut out = tar::Builder::new(gz);
    let written = BTreeSet::new();
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let path = entry
            .path()
            .map_err(|e| e.to_string())?
            .to_string_lossy()
            .into_owned();
        let name = crate::input::tree::normalise(&path);
        if replaced.contains_key(&name) {
            continue;
        }
        let mut header = entry.header().clone();
        out.append_data(&mut header, &name, &mut entry)
            .map_err(|e| format!("{name}: {e}"))?;
    }
    add_replaced(&mut out, replaced, &written)?;
    let gz = out.into_inner().map_err(|e| e.to_string())?;
    gz.finish().map_err(|e| e.to_string())
}
