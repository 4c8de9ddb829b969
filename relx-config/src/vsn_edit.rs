//! Finding and editing the versions of a project without touching anything
//! else in its files: each application's own version (`.app.src`, `.app`),
//! each relx release version (`{release, {Name, Vsn}, ...}` in
//! `rebar.config`, in its profiles, and in `relx.config`), and the top
//! version of each application's `.appup`/`.appup.src` (kept equal to the
//! application's version).
//!
//! Edits are lossless: files are read as [`erlterm::document::Document`]s,
//! so comments, layout and literal spellings stay as written; only the
//! version strings change. [`Scan::plan`] returns the new contents of each
//! file together with the bytes they were computed from; apply them with
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

use erlterm::document::{Document, Path as DocPath};
use erlterm::{Node, NodeKind};

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
    /// A file does not parse.
    #[error("{path}:{line}: {message}", path = .path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// The line of the error.
        line: u32,
        /// The parser's message.
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
    #[error("{path}:{line}: {what} {name} has version {value:?}, which has no numbers to bump", path = .path.display())]
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
    #[error("{path}: {message}", path = .path.display())]
    Git {
        /// The folder git was asked in.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// The document editor refused an edit (a bug, or a file changed
    /// under the scan).
    #[error("{path}:{line}: {message}", path = .path.display())]
    Edit {
        /// The file.
        path: PathBuf,
        /// The line of the version.
        line: u32,
        /// The editor's message.
        message: String,
    },
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
    at: DocPath,
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
    bytes: Vec<u8>,
    doc: Document,
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
        write!(f, "{}: {}", self.path.display(), self.message)
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
            "{}:{}: {} {} has version {raw}, left alone",
            self.path.display(),
            self.line,
            self.kind.as_str(),
            self.name
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
                self.notes.push(Note {
                    path: path.to_path_buf(),
                    message: format!("skipped: {e}"),
                });
                return Ok(());
            }
            Err(e) => return Err(io(e)),
        };
        if meta.is_file() {
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
                return Err(io(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    "not a regular file or a folder",
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

/// Reads and parses one file and finds its versions.
fn load(path: &Path, kind: FileKind) -> Result<VsnFile, VsnError> {
    let bytes = erlterm::read_file(path).map_err(|e| VsnError::Read {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let doc = Document::parse_bytes(&bytes).map_err(|e| VsnError::Parse {
        path: path.to_path_buf(),
        line: e.line(),
        message: e.to_string(),
    })?;
    let mut sites = Vec::new();
    for (i, node) in doc.nodes().iter().enumerate() {
        let top = DocPath::term(i);
        match kind {
            FileKind::AppSrc | FileKind::App => app_site(&doc, node, top, &mut sites),
            FileKind::RelxConfig => release_site(&doc, node, top, &mut sites),
            FileKind::RebarConfig => rebar_sites(&doc, node, top, &mut sites),
            FileKind::Appup if i == 0 => appup_site(&doc, node, top, path, &mut sites),
            FileKind::Appup => {}
        }
    }
    Ok(VsnFile {
        path: path.to_path_buf(),
        kind,
        sites,
        bytes,
        doc,
    })
}

fn classify(node: &Node, raw: &str) -> VsnValue {
    match node.as_string() {
        Some(s) if !DYNAMIC_STRINGS.contains(&s.as_str()) => VsnValue::Literal(s),
        _ => VsnValue::Dynamic(raw.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

fn push_site(doc: &Document, out: &mut Vec<Site>, at: DocPath, kind: SiteKind, name: String) {
    if let (Some(node), Some(raw)) = (doc.get(&at), doc.raw(&at)) {
        out.push(Site {
            value: classify(node, raw),
            line: node.span.line,
            name,
            kind,
            at,
        });
    }
}

/// `{application, Name, [{vsn, V} | _]}`.
fn app_site(doc: &Document, node: &Node, top: DocPath, out: &mut Vec<Site>) {
    if let Some([tag, name, _]) = node.as_tuple() {
        if tag.as_atom() == Some("application") {
            let name = name.to_term().to_string();
            push_site(doc, out, top.index(2).key("vsn"), SiteKind::App, name);
        }
    }
}

/// `{Vsn, UpFrom, DownTo}` with a string `Vsn` (the name is the file's).
fn appup_site(doc: &Document, node: &Node, top: DocPath, path: &Path, out: &mut Vec<Site>) {
    if let Some([vsn, _, _]) = node.as_tuple() {
        if vsn.as_string().is_some() {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.split('.').next())
                .unwrap_or_default()
                .to_string();
            push_site(doc, out, top.index(0), SiteKind::Appup, name);
        }
    }
}

/// `{release, {Name, Vsn, ...}, ...}`.
fn release_site(doc: &Document, node: &Node, at: DocPath, out: &mut Vec<Site>) {
    let Some([tag, id, _, ..]) = node.as_tuple() else {
        return;
    };
    if tag.as_atom() != Some("release") {
        return;
    }
    if let Some([name, _, ..]) = id.as_tuple() {
        let name = name.to_term().to_string();
        push_site(doc, out, at.index(1).index(1), SiteKind::Release, name);
    }
}

/// The releases of a relx list.
fn relx_sites(doc: &Document, relx: &Node, at: &DocPath, out: &mut Vec<Site>) {
    if let NodeKind::List(items, _) = &relx.kind {
        for (k, item) in items.iter().enumerate() {
            release_site(doc, item, at.clone().index(k), out);
        }
    }
}

/// `{relx, [...]}` and `{profiles, [{P, [{relx, [...]}]}]}`.
fn rebar_sites(doc: &Document, node: &Node, top: DocPath, out: &mut Vec<Site>) {
    let Some([key, value]) = node.as_tuple() else {
        return;
    };
    match key.as_atom() {
        Some("relx") => relx_sites(doc, value, &top.index(1), out),
        Some("profiles") => {
            let NodeKind::List(profiles, _) = &value.kind else {
                return;
            };
            for (p, profile) in profiles.iter().enumerate() {
                for (e, entry) in entries_of(profile).iter().enumerate() {
                    if let Some([k, relx]) = entry.as_tuple() {
                        if k.as_atom() == Some("relx") {
                            let at = top.clone().index(1).index(p).index(1).index(e).index(1);
                            relx_sites(doc, relx, &at, out);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// The entries of a profile `{Name, [Entries]}`.
fn entries_of(profile: &Node) -> &[Node] {
    match profile.as_tuple() {
        Some([_, entries]) => match &entries.kind {
            NodeKind::List(items, _) => items,
            _ => &[],
        },
        _ => &[],
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
    /// [`VsnError::Edit`].
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
            let mut doc = f.doc.clone();
            let mut edits = Vec::new();
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
                doc.set_string(&s.at, &new).map_err(|e| VsnError::Edit {
                    path: f.path.clone(),
                    line: s.line,
                    message: e.to_string(),
                })?;
                edits.push(SiteEdit {
                    kind: s.kind,
                    name: s.name.clone(),
                    line: s.line,
                    from: s.value.clone(),
                    to: new,
                });
            }
            if !edits.is_empty() {
                plan.files.push(FileEdit {
                    path: f.path.clone(),
                    old: f.bytes.clone(),
                    new: doc.to_bytes(),
                    edits,
                });
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
