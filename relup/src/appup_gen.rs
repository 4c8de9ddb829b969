//! Appups generated from compiled releases, and where they are written:
//! which applications need one ([`changed_apps`]), where each goes
//! ([`AppupLayout`]: a folder, or where rebar3 picks it up), and what
//! writing it means for the file already there ([`plan_writes`]: a new
//! file, the missing entries added to the existing appup — its own entries
//! and comments kept — or nothing to do).
//!
//! The comparison and the appup text are [`crate::diff`]. Nothing here
//! writes: [`AppupWrites`] lists new files and edits (with the bytes they
//! were computed from) for an all-or-nothing writer such as the `filetx`
//! crate.
//!
//! ```
//! use relup::appup_gen::{changed_apps, plan_writes, AppupLayout};
//! let fx = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures");
//! let lib = relup::Library::new();
//! let old = relup::ReleaseFiles::open(&fx.join("r1"), &lib).unwrap();
//! let new = relup::ReleaseFiles::open(&fx.join("r2"), &lib).unwrap();
//! let appups = changed_apps(&[old], &new, &[]).unwrap();
//! let names: Vec<&str> = appups.iter().map(|a| a.app.as_str()).collect();
//! assert_eq!(names, ["fx", "fy"]);
//! assert!(appups[0].text().contains("{\"1.0.0\","));
//!
//! let out = std::env::temp_dir().join(format!("appup-gen-doc-{}", std::process::id()));
//! let writes = plan_writes(&appups, &AppupLayout::Folder(out.clone()), false).unwrap();
//! assert_eq!(writes.creates.len(), 2);
//! assert_eq!(writes.creates[0].0, out.join("fx.appup"));
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::diff::{appup_text, diff_releases, lacking_entries, merge_appup, AppDiff};
use crate::error::Error;
use crate::input::{Library, ReleaseFiles};

/// Why appups cannot be generated or placed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppupGenError {
    /// A release could not be read or compared.
    #[error(transparent)]
    Release(#[from] Error),
    /// An application asked for is not in the new release.
    #[error("application {0} is not in the new release")]
    NotInRelease(String),
    /// An old release named neither an existing path nor a version of the
    /// new release's root.
    #[error("{0}: no such file or folder")]
    NoSuchRelease(String),
    /// [`AppupLayout::Rebar3`]: the application is not in the project.
    #[error("{app}: not in {} (looked for apps/{app}, src/{app}.app.src, _build/{profile}/lib/{app})", project.display())]
    NotInProject {
        /// The application.
        app: String,
        /// The rebar3 project.
        project: PathBuf,
        /// The profile whose `_build` was searched.
        profile: String,
    },
    /// An existing appup is not one `{Vsn, UpFrom, DownTo}` term, so
    /// entries cannot be added to it (replace it with `force`).
    #[error("{}: cannot add entries to it (not one {{Vsn, UpFrom, DownTo}} term)", .0.display())]
    CannotMerge(PathBuf),
    /// An existing appup is for another version of the application than
    /// the new release's: entries added to it would make an appup that
    /// `systools:make_relup` warns about (`bad_vsn`) and whose own entries
    /// describe another upgrade (update it by hand, or replace it with
    /// `force`).
    #[error(
        "{}: is the appup of version {found:?}, not of {wanted:?} (the new release's): \
         update its version and entries, or replace it with --force",
        path.display()
    )]
    StaleVersion {
        /// The appup file.
        path: PathBuf,
        /// The version it is written for.
        found: String,
        /// The application's version in the new release.
        wanted: String,
    },
}

impl AppupGenError {
    /// Whether the releases were read and are rejected (exit 1), as
    /// opposed to an input that could not be read, a bad argument or a
    /// file that would be replaced without `force` (exit 2):
    /// [`Error::is_rejected_input`] for a release error.
    pub fn is_rejected_input(&self) -> bool {
        match self {
            AppupGenError::Release(e) => e.is_rejected_input(),
            AppupGenError::CannotMerge(_)
            | AppupGenError::StaleVersion { .. }
            | AppupGenError::NotInRelease(_)
            | AppupGenError::NoSuchRelease(_)
            | AppupGenError::NotInProject { .. } => false,
        }
    }
}

/// The appup of one application: its diffs, one per old version.
#[derive(Clone, Debug)]
pub struct GeneratedAppup {
    /// The application.
    pub app: String,
    /// One diff per old version (in the order of the old releases).
    pub diffs: Vec<AppDiff>,
}

impl GeneratedAppup {
    /// The appup text ([`appup_text`]).
    pub fn text(&self) -> String {
        appup_text(&self.diff_refs()).unwrap_or_default()
    }

    /// The old versions it has entries for.
    pub fn from_vsns(&self) -> Vec<&str> {
        self.diffs.iter().map(|d| d.old_vsn.as_str()).collect()
    }

    fn diff_refs(&self) -> Vec<&AppDiff> {
        self.diffs.iter().collect()
    }
}

/// The version an appup term `{Vsn, UpFrom, DownTo}` is written for.
fn appup_version(term: &erlterm::Term) -> Option<String> {
    match term.as_tuple()? {
        [vsn, _, _] => vsn.as_string(),
        _ => None,
    }
}

/// An old release given as a path (tarball, release folder, `.rel` file),
/// or as a version of the release root `to` (`"1.0.0"`).
///
/// ```
/// let fx = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures");
/// let lib = relup::Library::new();
/// let old = relup::appup_gen::open_old(&fx.join("r1").display().to_string(), &fx.join("r2"), &lib).unwrap();
/// assert_eq!(old.vsn(), "1.0");
/// assert!(relup::appup_gen::open_old("9.9.9", &fx.join("r1/no-such.rel"), &lib).is_err());
/// ```
pub fn open_old(from: &str, to: &Path, libs: &Library) -> Result<ReleaseFiles, AppupGenError> {
    let path = Path::new(from);
    if path.exists() {
        return Ok(ReleaseFiles::open(path, libs)?);
    }
    let looks_like_version = from
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'));
    if looks_like_version && to.is_dir() {
        return Ok(ReleaseFiles::open_version(to, Some(from), libs)?);
    }
    Err(AppupGenError::NoSuchRelease(from.to_owned()))
}

/// The appups to write: each application of `new` whose version changed
/// from at least one of `olds` (restricted to `only` unless it is empty),
/// in `new`'s order, with one diff per distinct old version. Applications
/// new in `new` get none (the relup adds them).
pub fn changed_apps(
    olds: &[ReleaseFiles],
    new: &ReleaseFiles,
    only: &[String],
) -> Result<Vec<GeneratedAppup>, AppupGenError> {
    if let Some(name) = only.iter().find(|n| new.app(n).is_none()) {
        return Err(AppupGenError::NotInRelease(name.clone()));
    }
    let mut diffs: Vec<AppDiff> = Vec::new();
    for old in olds {
        let diff = diff_releases(old, new)?;
        diffs.extend(
            diff.apps
                .into_iter()
                .filter(|d| d.version_changed() && (only.is_empty() || only.contains(&d.name))),
        );
    }
    let mut out = Vec::new();
    for app in &new.loaded.apps {
        let mut seen = BTreeSet::new();
        let mine: Vec<AppDiff> = diffs
            .iter()
            .filter(|d| d.name == app.name && seen.insert(d.old_vsn.clone()))
            .cloned()
            .collect();
        if !mine.is_empty() {
            out.push(GeneratedAppup {
                app: app.name.clone(),
                diffs: mine,
            });
        }
    }
    Ok(out)
}

/// Where generated appups are written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppupLayout {
    /// `DIR/APP.appup`.
    Folder(PathBuf),
    /// Where rebar3 picks each appup up ([`rebar3_appup_path`]).
    Rebar3 {
        /// The rebar3 project folder.
        project: PathBuf,
        /// The profile whose `_build/PROFILE/lib` holds dependencies.
        profile: String,
    },
}

impl AppupLayout {
    /// Where `app`'s appup goes.
    pub fn path(&self, app: &str) -> Result<PathBuf, AppupGenError> {
        match self {
            AppupLayout::Folder(dir) => Ok(dir.join(format!("{app}.appup"))),
            AppupLayout::Rebar3 { project, profile } => rebar3_appup_path(project, profile, app),
        }
    }
}

/// Where rebar3 picks up `app`'s appup in `project`: below
/// `apps/APP/` (umbrella), the project itself (single application: a
/// `src/APP.app.src`), or `_build/PROFILE/lib/APP/` (dependency); in that
/// folder `src/APP.appup.src` when it exists, else `ebin/APP.appup`.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("rebar3-appup-doc-{}", std::process::id()));
/// std::fs::create_dir_all(dir.join("apps/web/src")).unwrap();
/// let at = relup::appup_gen::rebar3_appup_path(&dir, "default", "web").unwrap();
/// assert_eq!(at, dir.join("apps/web/ebin/web.appup"));
/// assert!(relup::appup_gen::rebar3_appup_path(&dir, "default", "other").is_err());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn rebar3_appup_path(
    project: &Path,
    profile: &str,
    app: &str,
) -> Result<PathBuf, AppupGenError> {
    let umbrella = project.join("apps").join(app);
    let single = project.join("src").join(format!("{app}.app.src"));
    let dep = project.join("_build").join(profile).join("lib").join(app);
    let dir = if umbrella.is_dir() {
        umbrella
    } else if single.is_file() {
        project.to_path_buf()
    } else if dep.is_dir() {
        dep
    } else {
        return Err(AppupGenError::NotInProject {
            app: app.to_owned(),
            project: project.to_path_buf(),
            profile: profile.to_owned(),
        });
    };
    let src = dir.join("src").join(format!("{app}.appup.src"));
    Ok(if src.is_file() {
        src
    } else {
        dir.join("ebin").join(format!("{app}.appup"))
    })
}

/// One existing appup file and what becomes of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppupEdit {
    /// The application.
    pub app: String,
    /// The file.
    pub path: PathBuf,
    /// Its bytes when read (write only if it still holds them).
    pub old: Vec<u8>,
    /// Its new bytes.
    pub new: Vec<u8>,
    /// `true`: the generated appup replaces it (it could not be merged
    /// and `force` was given); `false`: the missing entries were added.
    pub replaced: bool,
}

/// What writing generated appups means, file by file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppupWrites {
    /// New files `(path, bytes)`; their folders may not exist yet.
    pub creates: Vec<(PathBuf, Vec<u8>)>,
    /// Existing appups edited.
    pub edits: Vec<AppupEdit>,
    /// Existing appups that have an entry for every old version already
    /// `(app, path)`: left as they are.
    pub complete: Vec<(String, PathBuf)>,
}

/// Plans the writing of `appups` in `layout`: a new file where there is
/// none (none can be read); where an appup exists, the entries it lacks
/// for an old version (by OTP's matching rules) added after its own,
/// nothing when it lacks none; an appup that is not one
/// `{Vsn, UpFrom, DownTo}` term ([`AppupGenError::CannotMerge`]) or is the
/// appup of another version ([`AppupGenError::StaleVersion`]) is an error
/// unless `force`, which replaces it with the generated one.
pub fn plan_writes(
    appups: &[GeneratedAppup],
    layout: &AppupLayout,
    force: bool,
) -> Result<AppupWrites, AppupGenError> {
    let mut out = AppupWrites::default();
    for appup in appups {
        let path = layout.path(&appup.app)?;
        let generated = appup.text();
        let Some(old) = read_existing(&path)? else {
            out.creates.push((path, generated.into_bytes()));
            continue;
        };
        let diffs = appup.diff_refs();
        let decoded = decode(&old);
        let term = decoded
            .as_ref()
            .and_then(|(text, _)| erlterm::parse_str(text).ok()?.into_iter().next());
        // An appup of another version is not merged into: `force`
        // replaces it, as one that cannot be merged.
        let stale = match (
            term.as_ref().and_then(appup_version),
            appup.diffs.first().map(|d| &d.new_vsn),
        ) {
            (Some(found), Some(wanted)) if &found != wanted => Some((found, wanted.clone())),
            _ => None,
        };
        if let (Some((found, wanted)), false) = (&stale, force) {
            let (found, wanted) = (found.clone(), wanted.clone());
            return Err(AppupGenError::StaleVersion {
                path,
                found,
                wanted,
            });
        }
        let merged = decoded.zip(term).filter(|_| stale.is_none());
        let merged = merged.and_then(|((text, latin1), term)| {
            let lacking = lacking_entries(&term, &diffs);
            if lacking.is_empty() {
                return Some(None);
            }
            encode(&merge_appup(&text, &lacking)?, latin1).map(Some)
        });
        let (new, replaced) = match merged {
            Some(None) => {
                out.complete.push((appup.app.clone(), path));
                continue;
            }
            Some(Some(new)) => (new, false),
            None if force => (generated.into_bytes(), true),
            None => return Err(AppupGenError::CannotMerge(path)),
        };
        out.edits.push(AppupEdit {
            app: appup.app.clone(),
            path,
            old,
            new,
            replaced,
        });
    }
    Ok(out)
}

/// The most bytes of an existing appup read to merge into it.
const MAX_EXISTING_APPUP_BYTES: u64 = 16 << 20;

/// The bytes of the appup at `path`, `None` if there is none (nothing
/// there, or a dangling link: the new appup is created). Only a regular
/// file is read, without blocking (a FIFO, a device, a folder there is an
/// error, not a hang or an endless read).
fn read_existing(path: &Path) -> Result<Option<Vec<u8>>, AppupGenError> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        _ => {}
    }
    erlterm::read_file_with_limit(path, MAX_EXISTING_APPUP_BYTES)
        .map(Some)
        .map_err(|e| {
            AppupGenError::Release(Error::Unreadable {
                path: erlterm::diagnostic::escape_path(path),
                message: crate::input::tree::strip_path(path, &e),
            })
        })
}

/// An appup's text as `file:consult/1` decodes it (a `coding: latin-1`
/// comment, else UTF-8) and whether it is latin-1; `None` for invalid
/// UTF-8 (OTP refuses the file: nothing to merge into).
fn decode(bytes: &[u8]) -> Option<(String, bool)> {
    match erlterm::encoding::detect(bytes) {
        erlterm::encoding::Encoding::Latin1 => {
            Some((bytes.iter().map(|&b| char::from(b)).collect(), true))
        }
        erlterm::encoding::Encoding::Utf8 => {
            Some((std::str::from_utf8(bytes).ok()?.to_owned(), false))
        }
    }
}

/// The merged text in the file's own encoding, so that the bytes of the
/// hand-written part are written back unchanged.
fn encode(text: &str, latin1: bool) -> Option<Vec<u8>> {
    if !latin1 {
        return Some(text.as_bytes().to_vec());
    }
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    fn fixtures() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures")
    }

    fn fixture_appups(only: &[String]) -> Result<Vec<GeneratedAppup>, AppupGenError> {
        let lib = Library::new();
        let old = ReleaseFiles::open(&fixtures().join("r1"), &lib).unwrap();
        let new = ReleaseFiles::open(&fixtures().join("r2"), &lib).unwrap();
        changed_apps(&[old], &new, only)
    }

    #[test]
    fn generated_appups_equal_the_committed_ones() {
        let appups = fixture_appups(&[]).unwrap();
        let names: Vec<&str> = appups.iter().map(|a| a.app.as_str()).collect();
        // fz is new in r2 (left to the relup); kernel/stdlib/sasl did not change.
        assert_eq!(names, ["fx", "fy"]);
        for a in &appups {
            let vsn = if a.app == "fx" { "1.1.0" } else { "1.0.1" };
            let committed = fixtures().join(format!("r2/lib/{}-{vsn}/ebin/{}.appup", a.app, a.app));
            assert_eq!(a.text(), std::fs::read_to_string(committed).unwrap());
        }
    }

    #[test]
    fn only_restricts_and_unknown_apps_are_refused() {
        let appups = fixture_appups(&["fy".into()]).unwrap();
        assert_eq!(appups.len(), 1);
        assert_eq!(appups[0].app, "fy");
        let e = fixture_appups(&["nope".into()]).unwrap_err();
        assert_eq!(e.to_string(), "application nope is not in the new release");
    }

    #[test]
    fn the_same_old_version_twice_gives_one_entry() {
        let lib = Library::new();
        let old = || ReleaseFiles::open(&fixtures().join("r1"), &lib).unwrap();
        let new = ReleaseFiles::open(&fixtures().join("r2"), &lib).unwrap();
        let appups = changed_apps(&[old(), old()], &new, &[]).unwrap();
        assert_eq!(appups[0].from_vsns(), ["1.0.0"]);
    }

    #[test]
    fn plan_merges_creates_refuses_and_replaces() {
        let dir = std::env::temp_dir().join(format!("relup-appup-plan-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let appups = fixture_appups(&[]).unwrap();
        let layout = AppupLayout::Folder(dir.clone());
        // fx: hand-written entries for another version; fy: not there.
        let mine =
            "%% kept\n{\"1.1.0\",\n [{\"0.9.0\", [restart_new_emulator]}],\n [{\"0.9.0\", []}]}.\n";
        std::fs::write(dir.join("fx.appup"), mine).unwrap();
        let plan = plan_writes(&appups, &layout, false).unwrap();
        assert_eq!(plan.creates.len(), 1);
        assert_eq!(plan.creates[0].0, dir.join("fy.appup"));
        assert_eq!(plan.edits.len(), 1);
        let edit = &plan.edits[0];
        assert!(!edit.replaced);
        assert_eq!(edit.old, mine.as_bytes());
        let merged = String::from_utf8(edit.new.clone()).unwrap();
        assert!(merged.starts_with("%% kept\n"), "{merged}");
        // Once merged, nothing is missing.
        std::fs::write(dir.join("fx.appup"), &merged).unwrap();
        let plan = plan_writes(&appups, &layout, false).unwrap();
        assert_eq!(plan.complete, [("fx".to_string(), dir.join("fx.appup"))]);
        assert!(plan.edits.is_empty());
        // Not an appup term: refused, replaced with force.
        std::fs::write(dir.join("fx.appup"), "%% hand-written\n").unwrap();
        let e = plan_writes(&appups, &layout, false).unwrap_err();
        assert!(matches!(e, AppupGenError::CannotMerge(ref p) if p == &dir.join("fx.appup")));
        let plan = plan_writes(&appups, &layout, true).unwrap();
        assert!(plan.edits[0].replaced);
        assert_eq!(plan.edits[0].new, appups[0].text().into_bytes());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rebar3_paths_follow_the_project_layout() {
        let p = std::env::temp_dir().join(format!("relup-rebar3-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(p.join("apps/a/src")).unwrap();
        std::fs::create_dir_all(p.join("src")).unwrap();
        std::fs::write(p.join("src/s.app.src"), "").unwrap();
        std::fs::create_dir_all(p.join("_build/prod/lib/d")).unwrap();
        std::fs::write(p.join("apps/a/src/a.appup.src"), "").unwrap();
        let at = |app: &str| rebar3_appup_path(&p, "prod", app);
        assert_eq!(at("a").unwrap(), p.join("apps/a/src/a.appup.src"));
        assert_eq!(at("s").unwrap(), p.join("ebin/s.appup"));
        assert_eq!(at("d").unwrap(), p.join("_build/prod/lib/d/ebin/d.appup"));
        let e = at("x").unwrap_err().to_string();
        assert!(
            e.ends_with("(looked for apps/x, src/x.app.src, _build/prod/lib/x)"),
            "{e}"
        );
        std::fs::remove_dir_all(&p).unwrap();
    }
}
