//! Finding and editing the versions of a project without touching anything
//! else in its files: each application's own version (`.app.src`, `.app`),
//! each relx release version (`{release, {Name, Vsn}, ...}` in
//! `rebar.config`, in its profiles, and in `relx.config`), and the top
//! version of each application's `.appup`/`.appup.src` (kept equal to the
//! application's version).
//!
//! Edits are lossless: each version is spliced into the file's bytes by
//! its span, so comments, layout and literal spellings stay as written;
//! only the version strings change. Files are checked and walked with an
//! [`erlterm::document::Cursor`], which builds nothing but the names and
//! versions it finds: a scan keeps only those (not the files), and its
//! memory is about the largest file read, not a tree of its values.
//! [`Scan::plan`] reads each file to change again (it must still hold what
//! was scanned), splices, checks that the result reads back with the new
//! versions, and returns the new contents together with the bytes they
//! were computed from (two copies of each file that changes); apply them with
//! the `filetx` crate (`Plan::edit_expecting(path, old, new)`), which
//! writes all of them or none.
//!
//! ```
//! use relx_config::vsn_edit::{scan_paths, Change, Part};
//! let dir = std::env::temp_dir().join(format!("vsn-edit-doc-{}", std::process::id()));
//! std::fs::create_dir_all(dir.join("src")).unwrap();
//! std::fs::write(dir.join("src/a.app.src"),
//!     "{application, a, [{vsn, \"1.2.3\"} % keep me\n]}.\n").unwrap();
//! let scan = scan_paths(&[dir.clone()]).unwrap();
//! assert_eq!(scan.sites().count(), 1);
//! let plan = scan.plan(&Change::Bump(Part::Minor), false).unwrap();
//! assert_eq!(plan.files[0].new, b"{application, a, [{vsn, \"1.3.0\"} % keep me\n]}.\n");
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use std::ops::ControlFlow;

use erlterm::document::{Cursor, Shape, Value};
use erlterm::{Node, Span, Term};

use crate::version::Version;

/// Why versions could not be read or edited. Each error names its file
/// once.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VsnError {
    /// A path could not be read (missing, unreadable, not a file or
    /// folder).
    #[error("{}", erlterm::file_error(.path, .source))]
    Io {
        /// The path.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// A file could not be read (erlterm's message, which names it).
    #[error("{message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The message.
        message: String,
    },
    /// Several files failed (each error on its own line).
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Several(Vec<VsnError>),
    /// A file does not parse: `PATH:LINE:COLUMN: message`, or
    /// `PATH: message` when the error has no position (line 0).
    #[error("{}", parse_text(.path, *.line, *.column, .message))]
    Parse {
        /// The file.
        path: PathBuf,
        /// The line of the error (0: none).
        line: u32,
        /// The column of the error.
        column: u32,
        /// The parser's message, without the position.
        message: String,
    },
    /// The requested version is not a version.
    #[error("{value:?} is not a version (semver such as 1.2.3, or dotted numbers such as 25.2.3.1){hint}")]
    NotAVersion {
        /// The value given.
        value: String,
        /// A hint (`; to bump the patch number: erlrel vsn bump patch`).
        hint: String,
    },
    /// A version to bump is not made of numbers.
    #[error("{path}:{line}: {what} {name} has version {value:?}, which {why}", path = erlterm::diagnostic::escape_path(.path), why = not_bumpable_why(.value))]
    NotBumpable {
        /// The file.
        path: PathBuf,
        /// The line of the version.
        line: u32,
        /// `app` or `release`.
        what: &'static str,
        /// The application or release name.
        name: String,
        /// The version.
        value: String,
    },
    /// Git could not give a version.
    #[error("{path}: {message}", path = erlterm::diagnostic::escape_path(.path))]
    Git {
        /// The folder git was asked in.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// A file changed between the scan and the plan (another process
    /// wrote it): scan again.
    #[error("{}: changed since it was scanned", erlterm::diagnostic::escape_path(.path))]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// The edit was refused: the edited file would not read back with the
    /// new versions (a bug, or a file changed under the scan).
    #[error("{path}:{line}: {message}", path = erlterm::diagnostic::escape_path(.path))]
    Edit {
        /// The file.
        path: PathBuf,
        /// The line of the version.
        line: u32,
        /// The editor's message.
        message: String,
    },
}

/// Whether `value` has a number too large to bump: one that does not fit
/// in 64 bits, or does but has no successor there.
fn has_huge_number(value: &str) -> bool {
    value
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .any(|run| run.parse::<u64>().map_or(true, |n| n == u64::MAX))
}

/// Why [`VsnError::NotBumpable`] refuses a version.
fn not_bumpable_why(value: &str) -> &'static str {
    if has_huge_number(value) {
        "has a number too large to bump (at most 18446744073709551614)"
    } else {
        "has no numbers to bump"
    }
}

/// The text of [`VsnError::Parse`]: the position shown once.
fn parse_text(path: &Path, line: u32, column: u32, message: &str) -> String {
    let shown = erlterm::diagnostic::escape_path(path);
    let message = erlterm::diagnostic::escape_control(message);
    if line == 0 {
        format!("{shown}: {message}")
    } else {
        format!("{shown}:{line}:{column}: {message}")
    }
}

/// Which kind of file holds versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum FileKind {
    /// `NAME.app.src`: `{application, Name, [{vsn, V} | _]}`.
    AppSrc,
    /// `NAME.app` (compiled application resource file, same form).
    App,
    /// `rebar.config` (its `relx` section and its profiles' ones).
    RebarConfig,
    /// `relx.config`.
    RelxConfig,
    /// `NAME.appup` / `NAME.appup.src`: `{Vsn, UpFrom, DownTo}`.
    Appup,
}

impl FileKind {
    /// The kind of a file, from its name (`None`: holds no version).
    pub fn of(path: &Path) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".app.src") {
            Some(FileKind::AppSrc)
        } else if name.ends_with(".app") && name.len() > 4 {
            Some(FileKind::App)
        } else if name.ends_with("rebar.config") {
            Some(FileKind::RebarConfig)
        } else if name.ends_with("relx.config") {
            Some(FileKind::RelxConfig)
        } else if name.ends_with(".appup") || name.ends_with(".appup.src") {
            Some(FileKind::Appup)
        } else {
            None
        }
    }
}

/// What a version belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum SiteKind {
    /// An application's own version.
    App,
    /// A relx release's version.
    Release,
    /// The top version of an application's appup.
    Appup,
}

impl SiteKind {
    /// `app`, `release` or `appup`.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::App => "app",
            SiteKind::Release => "release",
            SiteKind::Appup => "appup",
        }
    }
}

/// A version as written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VsnValue {
    /// A literal version string.
    Literal(String),
    /// A form computed at build time (`git`, `semver`, `{cmd, ...}`, a
    /// binary...): its source text, whitespace collapsed.
    Dynamic(String),
}

impl VsnValue {
    /// The literal version, if any.
    pub fn literal(&self) -> Option<&str> {
        match self {
            VsnValue::Literal(s) => Some(s),
            VsnValue::Dynamic(_) => None,
        }
    }
}

impl VsnError {
    /// Whether the error is about the files read (exit status 1 in the
    /// CLI's scheme) rather than about running at all (status 2: a path
    /// or git that cannot be used, a bad requested version).
    pub fn is_rejection(&self) -> bool {
        match self {
            VsnError::Parse { .. } | VsnError::NotBumpable { .. } | VsnError::Edit { .. } => true,
            VsnError::Several(all) => all.iter().all(VsnError::is_rejection),
            _ => false,
        }
    }
}

impl std::fmt::Display for VsnValue {
    /// The version, or `RAW (computed at build time)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VsnValue::Literal(s) => f.write_str(s),
            VsnValue::Dynamic(raw) => write!(f, "{raw} (computed at build time)"),
        }
    }
}

/// A version written in a file.
#[derive(Clone, Debug)]
pub struct Site {
    /// App, release or appup.
    pub kind: SiteKind,
    /// The application or release name, as Erlang prints it.
    pub name: String,
    /// The line of the version.
    pub line: u32,
    /// The version.
    pub value: VsnValue,
    /// Where the version is written (in the file's decoded text).
    span: Span,
}

/// A parsed file with versions.
#[derive(Debug)]
pub struct VsnFile {
    /// The file as found (through symbolic links: the link's path).
    pub path: PathBuf,
    /// Its kind.
    pub kind: FileKind,
    /// Its versions, in file order.
    pub sites: Vec<Site>,
    /// What the file held when scanned ([`Scan::plan`] reads it again).
    fingerprint: Fingerprint,
}

/// A file the scan did not use, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The file.
    pub path: PathBuf,
    /// Why it is left alone.
    pub message: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            erlterm::diagnostic::escape_path(&self.path),
            erlterm::diagnostic::escape_control(&self.message)
        )
    }
}

/// The versions found under some paths.
#[derive(Debug, Default)]
pub struct Scan {
    /// Every file holding versions, sorted by path.
    pub files: Vec<VsnFile>,
    /// Files left out (appups that are not a plain appup term, symbolic
    /// link loops...).
    pub notes: Vec<Note>,
}

/// Which part of a version to bump.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The first number.
    Major,
    /// The second number.
    Minor,
    /// The third number.
    Patch,
}

/// The change to make to every version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Write this version (already validated with [`validate`]).
    Set(String),
    /// Write what rebar3 computes for `{vsn, git}` into applications and
    /// what relx computes for `{release, {Name, git}, _}` into releases.
    /// Git is asked in each file's folder (as rebar3 runs it in each
    /// application's folder and relx in the project's), or in the given
    /// repository.
    Git(Option<PathBuf>),
    /// Bump each version's part (see [`bump`]).
    Bump(Part),
}

/// One version changed by a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteEdit {
    /// App, release or appup.
    pub kind: SiteKind,
    /// The application or release name.
    pub name: String,
    /// The line of the version.
    pub line: u32,
    /// The old version.
    pub from: VsnValue,
    /// The new version.
    pub to: String,
}

/// The new contents of one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    /// The file.
    pub path: PathBuf,
    /// Its contents when scanned.
    pub old: Vec<u8>,
    /// Its new contents.
    pub new: Vec<u8>,
    /// The versions changed.
    pub edits: Vec<SiteEdit>,
}

/// A version left alone by a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The file.
    pub path: PathBuf,
    /// The line of the version.
    pub line: u32,
    /// App, release or appup.
    pub kind: SiteKind,
    /// The application or release name.
    pub name: String,
    /// The version, as written.
    pub value: VsnValue,
}

impl std::fmt::Display for Skipped {
    /// `PATH:LINE: app a has version git, left alone`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let raw = match &self.value {
            VsnValue::Literal(s) => format!("{s:?}"),
            VsnValue::Dynamic(raw) => raw.clone(),
        };
        write!(
            f,
            "{}:{}: {} {} has version {}, left alone",
            erlterm::diagnostic::escape_path(&self.path),
            self.line,
            self.kind.as_str(),
            erlterm::diagnostic::escape_control(&self.name),
            erlterm::diagnostic::escape_control(&raw)
        )
    }
}

/// The edits of a [`Change`]: the files that change, and the versions
/// left alone (computed at build time, without `force`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VsnPlan {
    /// The files whose contents change, sorted by path.
    pub files: Vec<FileEdit>,
    /// Versions left alone.
    pub skipped: Vec<Skipped>,
}

/// Strings that rebar3 and relx read as a version source, not a version.
const DYNAMIC_STRINGS: &[&str] = &["git", "semver", "hg", "pkg", "git_subdir"];

/// Folders skipped while walking: build output, VCS data, fetched deps.
pub const SKIPPED_DIRS: &[&str] = &["_build", ".git", "deps"];

/// Checks that `value` is a version that `vsn set` may write: semver
/// (`1.2.3`, `1.2.3-rc.1+build.5`) or dotted decimal numbers (`4.2`,
/// `25.2.3.1`).
///
/// ```
/// use relx_config::vsn_edit::validate;
/// assert!(validate("1.2.3-rc.1").is_ok() && validate("25.2.3.1").is_ok());
/// assert!(validate("patch").is_err() && validate("git").is_err() && validate("").is_err());
/// ```
///
/// # Errors
/// [`VsnError::NotAVersion`], with a hint when the value names a part to
/// bump or a version computed at build time.
pub fn validate(value: &str) -> Result<(), VsnError> {
    match Version::parse(value) {
        Version::Semver(_) | Version::Dotted(..) => Ok(()),
        Version::Other(_) => {
            let hint = match value {
                "major" | "minor" | "patch" => {
                    format!("; to bump it: erlrel vsn bump {value}")
                }
                _ if DYNAMIC_STRINGS.contains(&value) => {
                    "; to set the version git gives: --git".to_string()
                }
                _ if has_huge_number(value) => {
                    "; its numbers must be below 18446744073709551615".to_string()
                }
                _ => String::new(),
            };
            Err(VsnError::NotAVersion {
                value: value.to_string(),
                hint,
            })
        }
    }
}

/// `version` with `part` bumped.
///
/// - semver, as `npm version`/`semver.inc` do: `1.2.3` → major `2.0.0`,
///   minor `1.3.0`, patch `1.2.4`; build metadata is dropped, and a
///   pre-release is released first (`1.3.0-rc.1` → minor `1.3.0`,
///   `1.2.3-rc.1` → patch `1.2.3`, minor `1.3.0`);
/// - dotted numbers keep their number of parts and zero the parts after
///   the bumped one, adding parts only up to the bumped one:
///   `1.2` → minor `1.3`, patch `1.2.1`, major `2.0`; `25.2.3.1` → minor
///   `25.3.0.0`; `7` → minor `7.1`; numbers are written without leading
///   zeros (`1.02` → minor `1.3`).
///
/// ```
/// use relx_config::vsn_edit::{bump, Part};
/// assert_eq!(bump("1.2.3", Part::Minor).as_deref(), Some("1.3.0"));
/// assert_eq!(bump("1.2", Part::Minor).as_deref(), Some("1.3"));
/// assert_eq!(bump("1.0-beta", Part::Patch), None);
/// ```
///
/// `None` when the version has no numbers to bump (or a number would
/// overflow).
pub fn bump(version: &str, part: Part) -> Option<String> {
    match Version::parse(version) {
        Version::Semver(v) => {
            let pre = !v.pre.is_empty();
            let (x, y, z) = (v.major, v.minor, v.patch);
            let (x, y, z) = match part {
                Part::Major if pre && y == 0 && z == 0 => (x, 0, 0),
                Part::Major => (x.checked_add(1)?, 0, 0),
                Part::Minor if pre && z == 0 => (x, y, 0),
                Part::Minor => (x, y.checked_add(1)?, 0),
                Part::Patch if pre => (x, y, z),
                Part::Patch => (x, y, z.checked_add(1)?),
            };
            Some(format!("{x}.{y}.{z}"))
        }
        Version::Dotted(mut parts, _) => {
            let index = match part {
                Part::Major => 0,
                Part::Minor => 1,
                Part::Patch => 2,
            };
            while parts.len() <= index {
                parts.push(0);
            }
            for (i, n) in parts.iter_mut().enumerate() {
                if i == index {
                    *n = n.checked_add(1)?;
                } else if i > index {
                    *n = 0;
                }
            }
            Some(
                parts
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join("."),
            )
        }
        Version::Other(_) => None,
    }
}

/// Scans files and folders (default: none; pass `.` for the current
/// folder). Folders are walked recursively, skipping [`SKIPPED_DIRS`];
/// symbolic links to files and folders are followed (a file written
/// through a link keeps the link), except a link to a folder above it (a
/// loop, reported in [`Scan::notes`]); a folder reached twice is walked
/// once, and a file reached through two
/// paths is read once (under the first path in sorted order). A file named
/// explicitly must have one of the names [`FileKind::of`] knows. Each application's `.appup`/`.appup.src` in its
/// `ebin/`, `src/` or `priv/` folder is read too.
///
/// # Errors
/// [`VsnError::Io`] for a path that cannot be walked, [`VsnError::Read`]
/// and [`VsnError::Parse`] for a version file that cannot be read or
/// parsed ([`VsnError::Several`] when more than one fails).
///
/// ```
/// let dir = std::env::temp_dir().join(format!("scan-paths-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("rebar.config"), "{relx, [{release, {shop, \"1.0.0\"}, [shop]}]}.\n").unwrap();
/// let scan = relx_config::vsn_edit::scan_paths(&[dir.clone()]).unwrap();
/// let (_, site) = scan.sites().next().unwrap();
/// assert_eq!(site.value.literal(), Some("1.0.0"));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn scan_paths(paths: &[PathBuf]) -> Result<Scan, VsnError> {
    let mut walk = Walk::default();
    for root in paths {
        walk.visit(root, true)?;
    }
    let mut scan = Scan::default();
    let mut errors: Vec<VsnError> = Vec::new();
    let mut seen_real: BTreeSet<PathBuf> = BTreeSet::new();
    for (path, kind) in &walk.files {
        let real = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
        if !seen_real.insert(real) {
            continue;
        }
        match load(path, *kind) {
            Ok(f) => scan.files.push(f),
            Err(e) => errors.push(e),
        }
    }
    // The appups of the applications found.
    let mut appups: BTreeMap<PathBuf, ()> = BTreeMap::new();
    for f in &scan.files {
        if !matches!(f.kind, FileKind::AppSrc | FileKind::App) {
            continue;
        }
        for s in &f.sites {
            for p in appup_files(&f.path, &s.name) {
                appups.insert(p, ());
            }
        }
    }
    for path in appups.into_keys() {
        let real = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if !seen_real.insert(real) {
            continue;
        }
        match load(&path, FileKind::Appup) {
            Ok(f) if !f.sites.is_empty() => scan.files.push(f),
            Ok(_) => scan.notes.push(Note {
                path,
                message: "not a plain {Vsn, UpFrom, DownTo} term with a string version; left alone"
                    .into(),
            }),
            Err(e) => scan.notes.push(Note {
                path,
                message: format!("does not parse ({e}); left alone"),
            }),
        }
    }
    match errors.len() {
        0 => {}
        1 => return Err(errors.swap_remove(0)),
        _ => return Err(VsnError::Several(errors)),
    }
    scan.files.sort_by(|a, b| a.path.cmp(&b.path));
    scan.notes.extend(walk.notes);
    Ok(scan)
}

/// The `.appup`/`.appup.src` files of application `name` whose resource
/// file is `resource` (`APP/src/NAME.app.src`, `APP/ebin/NAME.app`).
fn appup_files(resource: &Path, name: &str) -> Vec<PathBuf> {
    let Some(app_dir) = resource.parent().and_then(Path::parent) else {
        return Vec::new();
    };
    let app_dir = if app_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        app_dir
    };
    let mut out = Vec::new();
    for sub in ["ebin", "src", "priv"] {
        for ext in ["appup", "appup.src"] {
            let p = app_dir.join(sub).join(format!("{name}.{ext}"));
            if p.is_file() {
                out.push(p);
            }
        }
    }
    out
}

/// Why a file that holds versions (or may) is left alone: a `.script`
/// (rebar3 evaluates it and uses what it returns), or a name that is not
/// UTF-8 (whose application name cannot be known).
fn unread_reason(path: &Path) -> Option<&'static str> {
    let name = path.file_name()?;
    let Some(name) = name.to_str() else {
        let lossy = name.to_string_lossy();
        return FileKind::of(Path::new(lossy.as_ref()))
            .map(|_| "the file name is not UTF-8; left alone");
    };
    let script = name
        .strip_suffix(".script")
        .is_some_and(|base| FileKind::of(Path::new(base)).is_some());
    script.then_some(
        "a .script file, which erlrel does not edit (rebar3 evaluates it); \
         change its version by hand",
    )
}

/// The files found by a walk.
#[derive(Default)]
struct Walk {
    files: BTreeMap<PathBuf, FileKind>,
    dirs: BTreeSet<PathBuf>,
    notes: Vec<Note>,
}

impl Walk {
    fn visit(&mut self, path: &Path, explicit: bool) -> Result<(), VsnError> {
        let io = |source| VsnError::Io {
            path: path.to_path_buf(),
            source,
        };
        // Follows symbolic links (files and folders alike).
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) if !explicit => {
                let dangling = e.kind() == std::io::ErrorKind::NotFound
                    && fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
                let message = if dangling {
                    "skipped: a symbolic link to a file that does not exist".to_owned()
                } else {
                    format!("skipped: {}", erlterm::io_failure_text(&e))
                };
                self.notes.push(Note {
                    path: path.to_path_buf(),
                    message,
                });
                return Ok(());
            }
            Err(e) => return Err(io(e)),
        };
        if meta.is_file() {
            if let Some(why) = unread_reason(path) {
                if explicit {
                    return Err(io(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        why,
                    )));
                }
                self.notes.push(Note {
                    path: path.to_path_buf(),
                    message: why.into(),
                });
                return Ok(());
            }
            match FileKind::of(path) {
                Some(FileKind::Appup) if !explicit => {}
                Some(kind) => {
                    self.files.insert(path.to_path_buf(), kind);
                }
                None if explicit => {
                    return Err(io(std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        "not an .app.src, .app, rebar.config, relx.config or .appup file",
                    )));
                }
                None => {}
            }
            return Ok(());
        }
        if !meta.is_dir() {
            if explicit {
                // Named as erlterm names it: "is a FIFO (named pipe), not ...".
                let why = match erlterm::file_kind(&meta.file_type()) {
                    Some(kind) => format!("is {kind}, not a regular file or a folder"),
                    None => "not a regular file or a folder".to_owned(),
                };
                return Err(io(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    why,
                )));
            }
            return Ok(());
        }
        let real = fs::canonicalize(path).map_err(io)?;
        // A link to a folder above it is a loop (as `find -L` says).
        let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            let location = path
                .parent()
                .map(|p| {
                    if p.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        p
                    }
                })
                .and_then(|p| fs::canonicalize(p).ok());
            if location.is_some_and(|l| l.starts_with(&real)) {
                self.notes.push(Note {
                    path: path.to_path_buf(),
                    message: "symbolic link to a folder above it (a loop); not followed".into(),
                });
                return Ok(());
            }
        }
        if !self.dirs.insert(real) {
            if is_link {
                self.notes.push(Note {
                    path: path.to_path_buf(),
                    message: "symbolic link to a folder already walked; not walked again".into(),
                });
            }
            return Ok(());
        }
        let mut entries = fs::read_dir(path)
            .map_err(io)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(io)?;
        entries.sort();
        for entry in entries {
            let skip = entry
                .file_name()
                .is_some_and(|n| SKIPPED_DIRS.iter().any(|d| n == *d));
            if !skip {
                self.visit(&entry, false)?;
            }
        }
        Ok(())
    }
}

/// Reads one file and finds its versions. Only the sites are kept: the
/// file is checked and walked by an [`erlterm::document::Cursor`], which
/// builds a node for nothing but the names and versions it finds.
fn load(path: &Path, kind: FileKind) -> Result<VsnFile, VsnError> {
    let bytes = erlterm::read_file(path).map_err(|e| VsnError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let sites = find_sites(&bytes, kind, path).map_err(|e| VsnError::Parse {
        path: path.to_path_buf(),
        line: e.span.line,
        column: e.span.column,
        message: e.kind.to_string(),
    })?;
    Ok(VsnFile {
        path: path.to_path_buf(),
        kind,
        sites,
        fingerprint: Fingerprint::of(&bytes),
    })
}

/// The versions of a file's bytes (the file at `path` is named for
/// appups, whose name is the file's).
fn find_sites(bytes: &[u8], kind: FileKind, path: &Path) -> Result<Vec<Site>, erlterm::Error> {
    let (text, _) = erlterm::document::decode(bytes)?;
    let mut cur = Cursor::new(&text)?;
    let mut sites = Vec::new();
    let mut first = true;
    while let Some(term) = cur.next_term() {
        match kind {
            FileKind::AppSrc | FileKind::App => app_site(&text, term, &mut sites)?,
            FileKind::RelxConfig => release_site(&text, term, &mut sites)?,
            FileKind::RebarConfig => rebar_sites(&text, term, &mut sites)?,
            // Only the first term of an appup counts.
            FileKind::Appup if first => appup_site(&text, term, path, &mut sites)?,
            FileKind::Appup => break,
        }
        first = false;
    }
    Ok(sites)
}

/// A file's length and hash: whether it still holds what was scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fingerprint {
    len: usize,
    hash: u64,
}

impl Fingerprint {
    fn of(bytes: &[u8]) -> Fingerprint {
        use std::hash::Hasher;
        let mut h = std::hash::DefaultHasher::new();
        h.write(bytes);
        Fingerprint {
            len: bytes.len(),
            hash: h.finish(),
        }
    }
}

fn classify(node: &Node, raw: &str) -> VsnValue {
    match node.as_string() {
        Some(s) if !DYNAMIC_STRINGS.contains(&s.as_str()) => VsnValue::Literal(s),
        _ => VsnValue::Dynamic(raw.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

/// A site for the version `node` (read from `text`).
fn site(text: &str, node: &Node, kind: SiteKind, name: String) -> Site {
    let raw = text.get(node.span.range()).unwrap_or_default();
    Site {
        value: classify(node, raw),
        line: node.span.line,
        name,
        kind,
        span: node.span,
    }
}

/// Walks the elements of a value of shape `shape` (`Ok(None)` for a value
/// of another shape), stopping at the first error.
fn walk<'t>(
    mut value: Value<'_, 't>,
    shape: Shape,
    mut each: impl FnMut(usize, Value<'_, 't>) -> Result<ControlFlow<()>, erlterm::Error>,
) -> Result<Option<usize>, erlterm::Error> {
    if value.shape() != shape {
        return Ok(None);
    }
    let mut error = None;
    let n = value.items(|i, v| match each(i, v) {
        Ok(flow) => flow,
        Err(e) => {
            error = Some(e);
            ControlFlow::Break(())
        }
    });
    match error {
        Some(e) => Err(e),
        None => Ok(n),
    }
}

const GO_ON: Result<ControlFlow<()>, erlterm::Error> = Ok(ControlFlow::Continue(()));
const STOP: Result<ControlFlow<()>, erlterm::Error> = Ok(ControlFlow::Break(()));

/// Goes on walking if `more`.
fn go_on_if(more: bool) -> Result<ControlFlow<()>, erlterm::Error> {
    if more {
        GO_ON
    } else {
        STOP
    }
}

/// `{application, Name, [{vsn, V} | _]}`.
fn app_site(text: &str, term: Value<'_, '_>, out: &mut Vec<Site>) -> Result<(), erlterm::Error> {
    let mut name = None;
    let mut vsn = None;
    let n = walk(term, Shape::Tuple, |i, mut v| match i {
        0 if v.atom().as_deref() == Some("application") => GO_ON,
        0 => STOP,
        1 => {
            name = Some(v.node()?.to_term().to_string());
            GO_ON
        }
        2 => {
            vsn = key_value(v, "vsn")?;
            GO_ON
        }
        _ => STOP,
    })?;
    if let (Some(3), Some(name), Some(vsn)) = (n, name, vsn) {
        out.push(site(text, &vsn, SiteKind::App, name));
    }
    Ok(())
}

/// The value of the first `{key, V}` pair of a list (its items, not its
/// tail), as `Path::key` finds it.
fn key_value(list: Value<'_, '_>, key: &str) -> Result<Option<Node>, erlterm::Error> {
    let mut found = None;
    walk(list, Shape::List, |_, item| {
        let mut value = None;
        let mut is_key = false;
        let n = walk(item, Shape::Tuple, |k, mut el| match k {
            0 => {
                is_key = el.atom().as_deref() == Some(key);
                go_on_if(is_key)
            }
            1 => {
                value = Some(el.node()?);
                GO_ON
            }
            _ => STOP,
        })?;
        // A tuple of exactly two elements (a third one stops the walk:
        // it counts 3).
        if is_key && n == Some(2) && value.is_some() && found.is_none() {
            found = value;
            return STOP;
        }
        GO_ON
    })?;
    Ok(found)
}

/// `{Vsn, UpFrom, DownTo}` with a string `Vsn` (the name is the file's).
fn appup_site(
    text: &str,
    term: Value<'_, '_>,
    path: &Path,
    out: &mut Vec<Site>,
) -> Result<(), erlterm::Error> {
    let mut vsn = None;
    let n = walk(term, Shape::Tuple, |i, v| {
        if i == 0 {
            vsn = Some(v.node()?);
            return GO_ON;
        }
        if i > 2 {
            return STOP;
        }
        GO_ON
    })?;
    match (n, vsn) {
        (Some(3), Some(vsn)) if vsn.as_string().is_some() => {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split('.').next())
                .unwrap_or_default()
                .to_string();
            out.push(site(text, &vsn, SiteKind::Appup, name));
        }
        _ => {}
    }
    Ok(())
}

/// `{release, {Name, Vsn, ...}, ...}`.
fn release_site(
    text: &str,
    term: Value<'_, '_>,
    out: &mut Vec<Site>,
) -> Result<(), erlterm::Error> {
    let mut found = None;
    let n = walk(term, Shape::Tuple, |i, mut v| match i {
        0 if v.atom().as_deref() == Some("release") => GO_ON,
        0 => STOP,
        1 => {
            let mut name = None;
            let mut vsn = None;
            let m = walk(v, Shape::Tuple, |k, el| match k {
                0 => {
                    name = Some(el.node()?.to_term().to_string());
                    GO_ON
                }
                1 => {
                    vsn = Some(el.node()?);
                    STOP
                }
                _ => STOP,
            })?;
            if let (Some(2..), Some(name), Some(vsn)) = (m, name, vsn) {
                found = Some((name, vsn));
            }
            GO_ON
        }
        // Three elements at least: the rest is not looked at.
        _ => STOP,
    })?;
    if let (Some(3..), Some((name, vsn))) = (n, found) {
        out.push(site(text, &vsn, SiteKind::Release, name));
    }
    Ok(())
}

/// The releases of a relx list.
fn relx_sites(text: &str, relx: Value<'_, '_>, out: &mut Vec<Site>) -> Result<(), erlterm::Error> {
    walk(relx, Shape::List, |_, item| {
        release_site(text, item, out)?;
        GO_ON
    })?;
    Ok(())
}

/// `{relx, [...]}` and `{profiles, [{P, [{relx, [...]}]}]}`.
fn rebar_sites(text: &str, term: Value<'_, '_>, out: &mut Vec<Site>) -> Result<(), erlterm::Error> {
    let mut key = None;
    let mut found = Vec::new();
    let n = walk(term, Shape::Tuple, |i, mut v| match i {
        0 => {
            key = v.atom();
            match key.as_deref() {
                Some("relx" | "profiles") => GO_ON,
                _ => STOP,
            }
        }
        1 if key.as_deref() == Some("relx") => {
            relx_sites(text, v, &mut found)?;
            GO_ON
        }
        1 => {
            profiles_sites(text, v, &mut found)?;
            GO_ON
        }
        _ => STOP,
    })?;
    // `{Key, Value}` exactly.
    if n == Some(2) {
        out.append(&mut found);
    }
    Ok(())
}

/// The relx releases of a profile list `[{P, [{relx, [...]}]}]`.
fn profiles_sites(
    text: &str,
    profiles: Value<'_, '_>,
    out: &mut Vec<Site>,
) -> Result<(), erlterm::Error> {
    walk(profiles, Shape::List, |_, profile| {
        let mut found = Vec::new();
        let n = walk(profile, Shape::Tuple, |i, entries| match i {
            0 => GO_ON,
            1 => {
                profile_sites(text, entries, &mut found)?;
                GO_ON
            }
            _ => STOP,
        })?;
        // `{Profile, Entries}` exactly.
        if n == Some(2) {
            out.append(&mut found);
        }
        GO_ON
    })?;
    Ok(())
}

/// The releases of each `{relx, [...]}` pair of a profile's entries.
fn profile_sites(
    text: &str,
    entries: Value<'_, '_>,
    out: &mut Vec<Site>,
) -> Result<(), erlterm::Error> {
    walk(entries, Shape::List, |_, entry| {
        let mut relx = false;
        let mut found = Vec::new();
        let n = walk(entry, Shape::Tuple, |k, mut el| match k {
            0 => {
                relx = el.atom().as_deref() == Some("relx");
                go_on_if(relx)
            }
            1 => {
                relx_sites(text, el, &mut found)?;
                GO_ON
            }
            _ => STOP,
        })?;
        if relx && n == Some(2) {
            out.append(&mut found);
        }
        GO_ON
    })?;
    Ok(())
}

impl VsnFile {
    /// The new contents of the file with `edits` made. The file is read
    /// again (it must still hold what was scanned: [`VsnError::Changed`]
    /// otherwise), each version is spliced in by its span (every other
    /// byte kept), and the result is checked: it reads as terms
    /// ([`erlterm::document::replace_values`]) and a scan of it finds the
    /// same versions on the same lines, the edited ones with their new
    /// value.
    fn edit(&self, edits: Vec<(&Site, String)>) -> Result<FileEdit, VsnError> {
        let old = erlterm::read_file(&self.path).map_err(|e| VsnError::Read {
            path: self.path.clone(),
            message: e.to_string(),
        })?;
        if Fingerprint::of(&old) != self.fingerprint {
            return Err(VsnError::Changed {
                path: self.path.clone(),
            });
        }
        let line = edits.first().map_or(0, |(s, _)| s.line);
        let fail = |message: String| VsnError::Edit {
            path: self.path.clone(),
            line,
            message,
        };
        let splices: Vec<(Span, Term)> = edits
            .iter()
            .map(|(s, v)| (s.span, Term::string(v)))
            .collect();
        let new =
            erlterm::document::replace_values(&old, &splices).map_err(|e| fail(e.to_string()))?;
        let found = find_sites(&new, self.kind, &self.path).map_err(|e| fail(e.to_string()))?;
        // The new value of each edited site, by its address: one look-up
        // per site (a search of the edits for each would be quadratic).
        let new_values: HashMap<*const Site, &String> = edits
            .iter()
            .map(|(e, v)| (std::ptr::from_ref::<Site>(e), v))
            .collect();
        let reads_back = found.len() == self.sites.len()
            && found.iter().zip(&self.sites).all(|(now, was)| {
                let same_place = (now.kind, &now.name, now.line) == (was.kind, &was.name, was.line);
                let value = match new_values.get(&std::ptr::from_ref(was)) {
                    Some(&v) => match &now.value {
                        VsnValue::Literal(l) => l == v,
                        VsnValue::Dynamic(_) => DYNAMIC_STRINGS.contains(&v.as_str()),
                    },
                    None => now.value == was.value,
                };
                same_place && value
            });
        if !reads_back {
            return Err(fail(
                "the edited file does not read back with the new versions".into(),
            ));
        }
        let edits = edits
            .into_iter()
            .map(|(s, to)| SiteEdit {
                kind: s.kind,
                name: s.name.clone(),
                line: s.line,
                from: s.value.clone(),
                to,
            })
            .collect();
        Ok(FileEdit {
            path: self.path.clone(),
            old,
            new,
            edits,
        })
    }
}

impl Scan {
    /// Every version found: `(file, site)` in file order.
    pub fn sites(&self) -> impl Iterator<Item = (&VsnFile, &Site)> {
        self.files
            .iter()
            .flat_map(|f| f.sites.iter().map(move |s| (f, s)))
    }

    /// The edits that make `change`. Applications and releases with a
    /// version computed at build time are left alone (listed in
    /// [`VsnPlan::skipped`]) unless `force` (which [`Change::Bump`]
    /// ignores: there is no number to bump). Each appup's top version is
    /// set to its application's new version.
    ///
    /// # Errors
    /// [`VsnError::NotBumpable`] (a literal version without numbers),
    /// [`VsnError::Git`] (not a git work tree, no commit, git missing),
    /// [`VsnError::Read`] and [`VsnError::Changed`] (a file to edit is read
    /// again: it must still hold what was scanned), [`VsnError::Edit`].
    pub fn plan(&self, change: &Change, force: bool) -> Result<VsnPlan, VsnError> {
        let mut git = GitCache::default();
        let mut plan = VsnPlan::default();
        // New versions of applications, by resource file and name, for
        // their appups.
        let mut app_versions: HashMap<(PathBuf, String), String> = HashMap::new();
        let mut appup_owner: HashMap<PathBuf, (PathBuf, String)> = HashMap::new();
        for f in &self.files {
            if matches!(f.kind, FileKind::AppSrc | FileKind::App) {
                for s in &f.sites {
                    for p in appup_files(&f.path, &s.name) {
                        appup_owner
                            .entry(p)
                            .or_insert((f.path.clone(), s.name.clone()));
                    }
                }
            }
        }
        // Applications and releases first, then appups.
        let mut order: Vec<&VsnFile> = self.files.iter().collect();
        order.sort_by_key(|f| (f.kind == FileKind::Appup, f.path.clone()));
        for f in order {
            let mut edits: Vec<(&Site, String)> = Vec::new();
            for s in &f.sites {
                let new = if s.kind == SiteKind::Appup {
                    let owner = appup_owner.get(&f.path);
                    match owner.and_then(|o| app_versions.get(o)) {
                        Some(v) => v.clone(),
                        None => continue,
                    }
                } else {
                    match self.new_version(f, s, change, force, &mut git, &mut plan)? {
                        Some(v) => v,
                        None => continue,
                    }
                };
                if s.kind == SiteKind::App {
                    app_versions.insert((f.path.clone(), s.name.clone()), new.clone());
                }
                if s.value.literal() == Some(new.as_str()) {
                    continue;
                }
                edits.push((s, new));
            }
            if !edits.is_empty() {
                plan.files.push(f.edit(edits)?);
            }
        }
        plan.files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(plan)
    }

    /// The new version of an application or release site (`None`: left
    /// alone).
    fn new_version(
        &self,
        f: &VsnFile,
        s: &Site,
        change: &Change,
        force: bool,
        git: &mut GitCache,
        plan: &mut VsnPlan,
    ) -> Result<Option<String>, VsnError> {
        let skip = |plan: &mut VsnPlan| {
            plan.skipped.push(Skipped {
                path: f.path.clone(),
                line: s.line,
                kind: s.kind,
                name: s.name.clone(),
                value: s.value.clone(),
            });
        };
        if matches!(s.value, VsnValue::Dynamic(_)) && (!force || matches!(change, Change::Bump(_)))
        {
            skip(plan);
            return Ok(None);
        }
        Ok(Some(match change {
            Change::Set(v) => v.clone(),
            Change::Bump(part) => {
                let current = s.value.literal().unwrap_or_default();
                bump(current, *part).ok_or_else(|| VsnError::NotBumpable {
                    path: f.path.clone(),
                    line: s.line,
                    what: s.kind.as_str(),
                    name: s.name.clone(),
                    value: current.to_string(),
                })?
            }
            Change::Git(repo) => {
                let dir = match repo {
                    Some(r) => r.clone(),
                    None => folder_of(&f.path),
                };
                let versions = git.get(&dir)?;
                match s.kind {
                    SiteKind::Release => versions.release.clone(),
                    _ => versions.app.clone(),
                }
            }
        }))
    }
}

/// The folder of a file (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The versions git gives a repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitVersions {
    /// What rebar3 3.19 computes for an application's `{vsn, git}`
    /// (`rebar_git_resource:make_vsn`): the tag on HEAD, one leading `v`
    /// removed and only its last `/`-separated part kept (`release/0.4.0`
    /// → `0.4.0`); otherwise the latest tag (`git describe --tags
    /// --abbrev=0`, one leading `v` removed, the prefix kept) or `0.0.0`,
    /// plus `+build.N.refHASH` with N the number of commits reachable from
    /// HEAD.
    pub app: String,
    /// What relx computes for a release's `git` or `semver` version
    /// (`rlx_config:parse_vsn`): the latest tag (`git describe --abbrev=0
    /// --tags`, every leading `v` removed, the prefix kept), plus
    /// `+build.N.refHASH` with N the number of commits since the tag when
    /// that is not 0; `0.0.0` when there is no tag.
    pub release: String,
}

/// Runs git in `dir`: `Ok(stdout)` on success, `Err(stderr)` otherwise.
fn git_run(dir: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("running git: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).trim().to_string())
    }
}

/// The versions rebar3 and relx compute from the git repository holding
/// `dir`.
///
/// # Errors
/// [`VsnError::Git`] when `dir` is not in a git work tree or HEAD has no
/// commit (where rebar3 and relx would silently use `0.0.0`), or git
/// cannot run.
pub fn git_versions(dir: &Path) -> Result<GitVersions, VsnError> {
    let fail = |message: String| VsnError::Git {
        path: dir.to_path_buf(),
        message,
    };
    match git_run(dir, &["rev-parse", "--is-inside-work-tree"]) {
        Ok(s) if s.trim() == "true" => {}
        Ok(_) => return Err(fail("not inside a git work tree".into())),
        Err(e) => return Err(fail(format!("not inside a git work tree ({e})"))),
    }
    let hash = git_run(dir, &["log", "-n", "1", "--pretty=format:%h"])
        .map_err(|e| fail(format!("no commit to take a version from ({e})")))?;
    let hash: String = hash.chars().filter(|c| !c.is_whitespace()).collect();
    if hash.is_empty() {
        return Err(fail("no commit to take a version from".into()));
    }
    Ok(GitVersions {
        app: rebar3_app_vsn(dir, &hash),
        release: relx_release_vsn(dir, &hash),
    })
}

/// The number in `git rev-list --count RANGE`, digits only.
fn rev_count(dir: &Path, range: &str) -> Option<u64> {
    let out = git_run(dir, &["rev-list", "--count", range]).ok()?;
    out.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .ok()
}

/// `rebar_git_resource:make_vsn/2` for `git` (rebar3 3.19).
fn rebar3_app_vsn(dir: &Path, hash: &str) -> String {
    let (tag, vsn) = rebar3_parse_tags(dir);
    let count = match &tag {
        None => rev_count(dir, "HEAD"),
        Some(t) => {
            let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            rev_count(dir, &format!("{t}..HEAD"))
        }
    }
    .unwrap_or(0);
    if count == 0 {
        vsn
    } else {
        format!("{vsn}+build.{count}.ref{hash}")
    }
}

/// `rebar_git_resource:parse_tags/1`: the tag on HEAD (as the regular
/// expression below finds it in `git log --oneline --no-walk --tags
/// --decorate`) and its version, or no tag and the latest tag's version.
fn rebar3_parse_tags(dir: &Path) -> (Option<String>, String) {
    let Ok(log) = git_run(
        dir,
        &[
            "-c",
            "color.ui=false",
            "log",
            "--oneline",
            "--no-walk",
            "--tags",
            "--decorate",
        ],
    ) else {
        return (None, "0.0.0".into());
    };
    let head_tag = regex::Regex::new(r"(\(|\s)(HEAD[^,]*,\s)tag:\s(v?([^,\)]+))")
        .ok()
        .and_then(|re| re.captures(&log))
        .and_then(|c| Some((c.get(3)?.as_str().to_string(), c.get(4)?.as_str())));
    if let Some((tag, vsn)) = head_tag {
        // `lists:last(rebar_string:lexemes(Vsn, "/"))`.
        let last = vsn.split('/').rfind(|p| !p.is_empty()).unwrap_or_default();
        return (Some(tag), last.to_string());
    }
    match git_run(dir, &["describe", "--tags", "--abbrev=0"]) {
        Err(_) => (None, "0.0.0".into()),
        Ok(out) => {
            let out = out.strip_prefix('v').unwrap_or(&out);
            (None, out.trim_matches('\n').to_string())
        }
    }
}

/// `rlx_config:parse_vsn/1` for `git`/`semver` (relx 4).
fn relx_release_vsn(dir: &Path, hash: &str) -> String {
    let Ok(tag) = git_run(dir, &["describe", "--abbrev=0", "--tags"]) else {
        return "0.0.0".into();
    };
    let vsn = tag
        .trim_start_matches('v')
        .trim_end_matches('\n')
        .to_string();
    let tag: String = tag.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(count) = rev_count(dir, &format!("{tag}..HEAD")) else {
        return "0.0.0".into();
    };
    if count == 0 {
        vsn
    } else {
        format!("{vsn}+build.{count}.ref{hash}")
    }
}

/// Git versions by folder, computed once each.
#[derive(Default)]
struct GitCache {
    by_dir: HashMap<PathBuf, GitVersions>,
}

impl GitCache {
    fn get(&mut self, dir: &Path) -> Result<&GitVersions, VsnError> {
        if !self.by_dir.contains_key(dir) {
            let v = git_versions(dir)?;
            self.by_dir.insert(dir.to_path_buf(), v);
        }
        self.by_dir.get(dir).ok_or_else(|| VsnError::Git {
            path: dir.to_path_buf(),
            message: "lost".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bump_rules() {
        let cases = [
            ("1.2.3", Part::Major, "2.0.0"),
            ("1.2.3", Part::Minor, "1.3.0"),
            ("1.2.3", Part::Patch, "1.2.4"),
            ("1.2.3+build.7", Part::Patch, "1.2.4"),
            ("1.2.3-rc.1", Part::Patch, "1.2.3"),
            ("1.2.3-rc.1", Part::Minor, "1.3.0"),
            ("1.3.0-rc.1", Part::Minor, "1.3.0"),
            ("2.0.0-rc.1", Part::Major, "2.0.0"),
            ("2.1.0-rc.1", Part::Major, "3.0.0"),
            ("1.2", Part::Minor, "1.3"),
            ("1.2", Part::Patch, "1.2.1"),
            ("1.2", Part::Major, "2.0"),
            ("7", Part::Minor, "7.1"),
            ("25.2.3.1", Part::Minor, "25.3.0.0"),
            ("25.2.3.1", Part::Patch, "25.2.4.0"),
            ("1.02", Part::Minor, "1.3"),
        ];
        for (from, part, to) in cases {
            assert_eq!(bump(from, part).as_deref(), Some(to), "{from} {part:?}");
        }
        assert_eq!(bump("1.0-beta", Part::Patch), None);
        assert_eq!(bump("18446744073709551615.0.0", Part::Major), None);
    }

    /// The sites as the previous implementation found them, on the
    /// spanned tree of the whole file: the reference for [`find_sites`].
    mod reference {
        use super::super::*;
        use erlterm::NodeKind;

        type Found = (SiteKind, String, u32, VsnValue, Span);

        fn push(
            text: &str,
            node: Option<&Node>,
            kind: SiteKind,
            name: String,
            out: &mut Vec<Found>,
        ) {
            if let Some(node) = node {
                let raw = text.get(node.span.range()).unwrap_or_default();
                out.push((kind, name, node.span.line, classify(node, raw), node.span));
            }
        }

        fn key<'n>(list: &'n Node, key: &str) -> Option<&'n Node> {
            match &list.kind {
                NodeKind::List(items, _) => items.iter().find_map(|it| match it.as_tuple() {
                    Some([k, v]) if k.to_term() == Term::atom(key) => Some(v),
                    _ => None,
                }),
                _ => None,
            }
        }

        fn release(text: &str, node: &Node, out: &mut Vec<Found>) {
            if let Some([tag, id, _, ..]) = node.as_tuple() {
                if let (Some("release"), Some([name, vsn, ..])) = (tag.as_atom(), id.as_tuple()) {
                    push(
                        text,
                        Some(vsn),
                        SiteKind::Release,
                        name.to_term().to_string(),
                        out,
                    );
                }
            }
        }

        fn relx(text: &str, node: &Node, out: &mut Vec<Found>) {
            if let NodeKind::List(items, _) = &node.kind {
                for item in items {
                    release(text, item, out);
                }
            }
        }

        pub fn sites(
            bytes: &[u8],
            kind: FileKind,
            path: &Path,
        ) -> Result<Vec<Found>, erlterm::Error> {
            let nodes = erlterm::parse_bytes_nodes(bytes)?;
            let text = erlterm::encoding::decode_for_display(bytes);
            let mut out = Vec::new();
            for (i, node) in nodes.iter().enumerate() {
                match kind {
                    FileKind::AppSrc | FileKind::App => {
                        if let Some([tag, name, list]) = node.as_tuple() {
                            if tag.as_atom() == Some("application") {
                                let name = name.to_term().to_string();
                                push(&text, key(list, "vsn"), SiteKind::App, name, &mut out);
                            }
                        }
                    }
                    FileKind::RelxConfig => release(&text, node, &mut out),
                    FileKind::RebarConfig => match node.as_tuple() {
                        Some([k, v]) if k.as_atom() == Some("relx") => relx(&text, v, &mut out),
                        Some([k, v]) if k.as_atom() == Some("profiles") => {
                            let NodeKind::List(profiles, _) = &v.kind else {
                                continue;
                            };
                            for profile in profiles {
                                let Some([_, entries]) = profile.as_tuple() else {
                                    continue;
                                };
                                let NodeKind::List(entries, _) = &entries.kind else {
                                    continue;
                                };
                                for entry in entries {
                                    if let Some([k, r]) = entry.as_tuple() {
                                        if k.as_atom() == Some("relx") {
                                            relx(&text, r, &mut out);
                                        }
                                    }
                                }
                            }
                        }
                        _ => {}
                    },
                    FileKind::Appup if i == 0 => {
                        if let Some([vsn, _, _]) = node.as_tuple() {
                            if vsn.as_string().is_some() {
                                let name = path
                                    .file_name()
                                    .and_then(|n| n.to_str())
                                    .and_then(|n| n.split('.').next())
                                    .unwrap_or_default()
                                    .to_string();
                                push(&text, Some(vsn), SiteKind::Appup, name, &mut out);
                            }
                        }
                    }
                    FileKind::Appup => {}
                }
            }
            Ok(out)
        }
    }

    /// Every combination of the given parts, each part's alternatives in turn.
    fn combos(parts: &[&[&str]]) -> Vec<String> {
        let mut out = vec![String::new()];
        for alts in parts {
            out = out
                .iter()
                .flat_map(|head| alts.iter().map(move |a| format!("{head}{a}")))
                .collect();
        }
        out
    }

    #[test]
    fn sites_are_found_as_on_the_whole_tree() {
        let vsns: &[&str] = &[
            "\"1.0\"",
            "(\"1.0\")",
            "\"1.\" \"0\"",
            "[49,46,48]",
            "git",
            "\"git\"",
            "{cmd, \"x\"}",
            "<<\"1\">>",
            "\"\"",
            "[]",
            "- 1",
        ];
        let mut cases: Vec<(FileKind, String)> = Vec::new();
        for v in vsns {
            let app = combos(&[
                &["", "%% c\n", "a.\n"],
                &[
                    "{application",
                    "{'application'",
                    "{(application)",
                    "{app",
                    "[application",
                ],
                &[", x", ", 'X y'", ", {x}", ", \"x\""],
                &[
                    &format!(", [{{vsn, {v}}}]"),
                    &format!(",\n [{{vsn, {v}, x}}, {{vsn, {v}}}]"),
                    &format!(", [({{vsn, {v}}}) | []]"),
                    &format!(", ([{{d, 1}}, {{'vsn',\n {v}}}])"),
                    &format!(", {{vsn, {v}}}"),
                    ", \"abc\"",
                    ", []",
                ],
                &["", ", x"],
                &["}.\n", "]. b.\n"],
            ]);
            cases.extend(app.into_iter().map(|s| (FileKind::AppSrc, s)));
            let release = [
                format!("{{release, {{r, {v}}}, [a]}}"),
                format!("{{release, ({{'r', {v}, x}}), [a], x}}"),
                format!("{{release, {{r, {v}}}}}"),
                "{release, {r}, [a]}".to_string(),
                format!("{{'release', {{r, {v}}}, [a]}}"),
                format!("[release, {{r, {v}}}, [a]]"),
            ];
            for r in &release {
                cases.push((FileKind::RelxConfig, format!("{r}.\n{r}.\n")));
                for rebar in [
                    format!("{{relx, [{r}, {{dev_mode, true}}, {r}]}}.\n"),
                    format!("{{relx, [{r} | []]}}.\n{{relx, {r}}}.\n{{relx, [{r}], x}}.\n"),
                    format!("{{profiles, [{{prod, [{{relx, [{r}]}}, {{relx, [{r}], x}}]}}, {{p, [], x}}, {{q, {{relx, [{r}]}}}}]}}.\n"),
                    format!("{{profiles, [{{prod, [{{relx, [{r}]}}]}}], x}}.\n{{profiles, {{prod, []}}}}.\n"),
                    format!("{{(relx), ([{r}])}}.\n{{deps, [{{relx, [{r}]}}]}}.\n"),
                ] {
                    cases.push((FileKind::RebarConfig, rebar));
                }
            }
            for a in [
                format!("{{{v}, [], []}}.\n"),
                format!("{{{v}, [], [], x}}.\n"),
                format!("{{{v}, []}}.\n"),
                format!("%% c\n{{{v},\n [{{\"0.9\", []}}], []}}.\n{{\"2\", [], []}}.\n"),
            ] {
                cases.push((FileKind::Appup, a));
            }
        }
        let path = Path::new("/p/my_app.appup");
        let mut failures = Vec::new();
        for (kind, src) in &cases {
            let want = reference::sites(src.as_bytes(), *kind, path);
            let got = find_sites(src.as_bytes(), *kind, path).map(|v| {
                v.into_iter()
                    .map(|s| (s.kind, s.name, s.line, s.value, s.span))
                    .collect::<Vec<_>>()
            });
            if format!("{want:?}") != format!("{got:?}") {
                failures.push(format!(
                    "{kind:?} {src:?}:\n  whole tree {want:?}\n  cursor     {got:?}"
                ));
            }
        }
        assert!(cases.len() > 3000, "{}", cases.len());
        let found = cases
            .iter()
            .filter(|(k, s)| reference::sites(s.as_bytes(), *k, path).is_ok_and(|v| !v.is_empty()))
            .count();
        assert!(found > 1500, "{found} of {} cases have sites", cases.len());
        assert!(
            failures.is_empty(),
            "{} of {} differ:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn validation() {
        for ok in [
            "1.2.3",
            "0.0.1-alpha+b.1",
            "4.2",
            "25.2.3.1",
            "9.8.7-live+build.1",
        ] {
            assert!(validate(ok).is_ok(), "{ok}");
        }
        for bad in ["patch", "git", "", "1.0-beta", "v1.2.3", "1..2"] {
            assert!(validate(bad).is_err(), "{bad}");
        }
        let e = validate("patch").unwrap_err().to_string();
        assert!(e.contains("erlrel vsn bump patch"), "{e}");
    }
}
