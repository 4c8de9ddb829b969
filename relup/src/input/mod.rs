//! Where releases come from: a `.rel` file plus library folders, the root of
//! an unpacked release (`releases/VSN/NAME.rel` and `lib/APP-VSN/ebin`), or
//! a release tarball read in memory.

#![warn(clippy::indexing_slicing)]

mod files;
#[cfg(feature = "tarball")]
pub mod tarball;
pub mod tree;

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use erlterm::Term;

use crate::app::Application;
use crate::error::{AppError, Error, ReleaseError};
use crate::fxhash::FxHashMap;
use crate::release::Release;
use crate::start_order;
pub use files::ReleaseFiles;
use tree::join;
pub use tree::Tree;

/// The first term of an Erlang term file (systools reads only that one).
pub(crate) fn first_term(text: &str) -> Result<Term, String> {
    match erlterm::parse_str(text) {
        Ok(terms) => terms
            .into_iter()
            .next()
            .ok_or_else(|| "no term in file".to_owned()),
        Err(full_err) => {
            // Retry on prefixes ending at a full stop: text after the first
            // term is ignored by systools even when it is not valid Erlang.
            let bytes = text.as_bytes();
            let stops = (0..bytes.len())
                .filter(|&i| {
                    bytes.get(i) == Some(&b'.')
                        && bytes
                            .get(i + 1)
                            .is_none_or(|c| c.is_ascii_whitespace() || *c == b'%')
                })
                .take(64);
            for end in stops {
                if let Ok(terms) = erlterm::parse_str(&text[..=end]) {
                    if let Some(t) = terms.into_iter().next() {
                        return Ok(t);
                    }
                }
            }
            Err(full_err.to_string())
        }
    }
}

/// Decodes a term file as OTP reads it: UTF-8, or Latin-1 when epp's
/// `coding: latin-1` comment says so (erlterm's detection).
pub(crate) fn decode(bytes: Vec<u8>) -> Result<String, String> {
    match erlterm::encoding::detect(&bytes) {
        erlterm::encoding::Encoding::Latin1 => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        _ => String::from_utf8(bytes).map_err(|_| "invalid UTF-8".to_string()),
    }
}

/// Library directories searched for `App.app` files, in order (systools'
/// search path). Each directory is indexed once, so lookups are cheap.
#[derive(Debug, Default, Clone)]
pub struct Library {
    dirs: Vec<(Arc<Tree>, String)>,
    index: HashMap<String, Vec<usize>>,
}

impl Library {
    /// An empty search path.
    pub fn new() -> Library {
        Library::default()
    }

    /// Adds `root/*/ebin` (entries in name order), as `{path, ["ROOT/*/ebin"]}`.
    pub fn add_lib_root(&mut self, tree: &Arc<Tree>, root: &str) {
        for entry in tree.list_dir(root) {
            let ebin = join(&join(root, &entry), "ebin");
            if tree.is_dir(&ebin) {
                self.add_dir(tree, &ebin);
            }
        }
    }

    /// Adds one directory holding `.app` files.
    pub fn add_dir(&mut self, tree: &Arc<Tree>, dir: &str) {
        let pos = self.dirs.len();
        for file in tree.list_dir(dir) {
            if let Some(app) = file.strip_suffix(".app") {
                self.index.entry(app.to_owned()).or_default().push(pos);
            }
        }
        self.dirs.push((Arc::clone(tree), dir.to_owned()));
    }

    fn candidates(&self, app: &str) -> impl Iterator<Item = &(Arc<Tree>, String)> {
        self.index
            .get(app)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.dirs.get(i))
    }
}

/// A release to read: a `.rel` file in a tree, plus its own library roots.
#[derive(Debug, Clone)]
pub struct ReleaseInput {
    /// The tree holding the files.
    pub tree: Arc<Tree>,
    /// Path of the `.rel` file in the tree.
    pub rel_file: String,
    /// Library roots (`lib/`) that belong to this input, searched first.
    pub lib_roots: Vec<String>,
}

impl ReleaseInput {
    /// Opens a `.rel` file, a folder holding one `.rel` file, a release root
    /// (with `releases/` and `lib/`), or a release tarball (`.tar.gz`). A
    /// root holding several releases gives the newest.
    ///
    /// ```
    /// let shop = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
    /// let input = relup::ReleaseInput::open(&shop.join("releases/1.0.0/shop.rel")).unwrap();
    /// assert!(input.rel_file.ends_with("shop.rel"));
    /// assert!(relup::ReleaseInput::open(&shop.join("no-such.rel")).is_err());
    /// ```
    pub fn open(path: &Path) -> Result<ReleaseInput, Error> {
        ReleaseInput::open_version(path, None)
    }

    /// [`ReleaseInput::open`], choosing release `vsn` when the root or
    /// tarball holds several (`None`: the newest, by version order).
    pub fn open_version(path: &Path, vsn: Option<&str>) -> Result<ReleaseInput, Error> {
        let shown = erlterm::diagnostic::escape_path(path);
        let input_err = |message: String| Error::Input {
            path: shown.clone(),
            message,
        };
        let unreadable = |message: String| Error::Unreadable {
            path: shown.clone(),
            message,
        };
        let text = path
            .to_str()
            .ok_or_else(|| unreadable("path is not UTF-8".into()))?;
        let meta = std::fs::metadata(path).map_err(|e| {
            unreadable(match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or folder".into(),
                _ => io_reason(path, &e),
            })
        })?;
        let tree = Arc::new(Tree::Disk);
        if meta.is_file() {
            if text.ends_with(".rel") {
                let lib = release_root_lib(&tree, text);
                return Ok(ReleaseInput {
                    tree,
                    rel_file: text.to_owned(),
                    lib_roots: lib,
                });
            }
            #[cfg(feature = "tarball")]
            {
                // Streamed from the file: the tarball is never held whole.
                let (file, _) = erlterm::open_file(path, tarball::MAX_TARBALL_BYTES)
                    .map_err(|e| unreadable(tree::strip_path(path, &e)))?;
                let read = tarball::read_tarball_from(
                    &shown,
                    std::io::BufReader::new(file),
                    &tarball::TarLimits::default(),
                );
                let tree = Arc::new(read.map_err(input_err)?);
                return from_root(tree, "", vsn).map_err(input_err);
            }
            #[cfg(not(feature = "tarball"))]
            return Err(input_err(
                "is not a .rel file (release tarballs need relup's `tarball` feature)".into(),
            ));
        }
        if !meta.is_dir() {
            let kind = erlterm::file_kind(&meta.file_type()).unwrap_or("not a regular file");
            return Err(unreadable(format!(
                "is {kind}, not a release tarball, a .rel file or a folder"
            )));
        }
        if let Err(e) = std::fs::read_dir(path) {
            return Err(unreadable(io_reason(path, &e)));
        }
        let rels: Vec<String> = tree
            .list_dir(text)
            .into_iter()
            .filter(|f| f.ends_with(".rel"))
            .collect();
        match rels.as_slice() {
            [one] if !tree.is_dir(&join(text, "releases")) => {
                let rel_file = join(text, one);
                let lib = release_root_lib(&tree, &rel_file);
                Ok(ReleaseInput {
                    tree,
                    rel_file,
                    lib_roots: lib,
                })
            }
            // A folder with neither a .rel file nor releases/: read, and
            // holds no release (rejected, as `erlrel relup` has it).
            [] if !tree.is_dir(&join(text, "releases")) => Err(input_err(
                "is a directory but not a release: no releases/ folder and no .rel file".into(),
            )),
            [] | [_] => from_root(tree, text, vsn).map_err(input_err),
            many => Err(input_err(format!(
                "several .rel files: {}",
                many.join(", ")
            ))),
        }
    }

    /// A release tarball already in memory (`origin` names it in
    /// messages), choosing release `vsn` when it holds several.
    #[cfg(feature = "tarball")]
    pub fn from_tarball(
        origin: &str,
        bytes: &[u8],
        vsn: Option<&str>,
    ) -> Result<ReleaseInput, Error> {
        let input_err = |message: String| Error::Input {
            path: origin.to_owned(),
            message,
        };
        let tree = Arc::new(tarball::read_tarball(origin, bytes).map_err(input_err)?);
        from_root(tree, "", vsn).map_err(input_err)
    }

    /// Shows the `.rel` file in messages.
    pub fn display(&self) -> String {
        self.tree.display(&self.rel_file)
    }

    /// The release root (the folder holding `releases/` and `lib/`), when
    /// the `.rel` file is `ROOT/releases/VSN/NAME.rel` or `ROOT/releases/NAME.rel`.
    pub fn root(&self) -> Option<String> {
        let parts: Vec<&str> = self.rel_file.split('/').collect();
        let n = parts.len();
        let at = |i: usize| parts.get(i).copied();
        let releases_at = if n >= 3 && at(n - 3) == Some("releases") {
            n - 3
        } else if n >= 2 && at(n - 2) == Some("releases") {
            n - 2
        } else {
            return None;
        };
        Some(parts.get(..releases_at).unwrap_or_default().join("/"))
    }
}

/// Why `path` cannot be read, without the path (callers name it once).
fn io_reason(path: &Path, e: &std::io::Error) -> String {
    tree::strip_path(path, &erlterm::file_error(path, e))
}

/// Orders version strings as people expect: numeric parts as numbers
/// (`1.10.0` after `1.9.0`), other parts as text.
pub fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(v: &str) -> Vec<(u64, String)> {
        v.split(['.', '-', '+'])
            .map(|p| match p.parse::<u64>() {
                Ok(n) => (n, String::new()),
                Err(_) => (u64::MAX, p.to_owned()),
            })
            .collect()
    }
    parts(a).cmp(&parts(b)).then_with(|| a.cmp(b))
}

/// `ROOT/releases/VSN/NAME.rel` (or `ROOT/releases/NAME.rel`) in a release
/// root: release `vsn`, or the newest when `vsn` is `None`.
pub(crate) fn from_root(
    tree: Arc<Tree>,
    root: &str,
    vsn: Option<&str>,
) -> Result<ReleaseInput, String> {
    let releases = join(root, "releases");
    let mut found: Vec<(String, String)> = Vec::new();
    for v in tree.list_dir(&releases) {
        let dir = join(&releases, &v);
        let rels: Vec<String> = tree
            .list_dir(&dir)
            .into_iter()
            .filter(|f| f.ends_with(".rel"))
            .collect();
        match rels.as_slice() {
            [] => {}
            [one] => found.push((v.clone(), join(&dir, one))),
            many => {
                return Err(format!(
                    "several .rel files in {}: {}",
                    tree.display(&dir),
                    many.join(", ")
                ))
            }
        }
    }
    if found.is_empty() {
        // systools' own layout: ROOT/releases/NAME.rel only.
        let top: Vec<String> = tree
            .list_dir(&releases)
            .into_iter()
            .filter(|f| f.ends_with(".rel"))
            .collect();
        if let [one] = top.as_slice() {
            found.push((String::new(), join(&releases, one)));
        }
    }
    let lib_roots = vec![join(root, "lib")];
    let pick = match vsn {
        Some(v) => found.iter().find(|(fv, _)| fv == v).ok_or_else(|| {
            let have: Vec<&str> = found.iter().map(|(fv, _)| fv.as_str()).collect();
            format!(
                "no release {v} (looked for releases/{v}/NAME.rel; found: {})",
                if have.is_empty() {
                    "none".to_owned()
                } else {
                    have.join(", ")
                }
            )
        })?,
        None => found
            .iter()
            .max_by(|a, b| version_order(&a.0, &b.0))
            .ok_or_else(|| "no .rel file (looked for releases/VSN/NAME.rel)".to_owned())?,
    };
    Ok(ReleaseInput {
        tree,
        rel_file: pick.1.clone(),
        lib_roots,
    })
}

/// `X/lib` when `rel` is `X/releases/VSN/NAME.rel` and `X/lib` exists.
fn release_root_lib(_tree: &Tree, rel: &str) -> Vec<String> {
    let p = Path::new(rel);
    let root = p
        .parent()
        .and_then(Path::parent)
        .filter(|r| r.file_name().is_some_and(|n| n == "releases"));
    match root.and_then(Path::parent).map(|r| r.join("lib")) {
        Some(lib) if lib.is_dir() => lib.to_str().map(|s| vec![s.to_owned()]).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Where an application's files are, to read its appup later.
#[derive(Debug, Clone)]
enum AppupSource {
    /// Next to each application's `.app` file.
    Trees,
    /// Texts given in memory.
    Memory(HashMap<String, String>),
}

/// A release with its applications read and checked, in start order.
#[derive(Debug, Clone)]
pub struct LoadedRelease {
    /// The `.rel` file, for messages.
    pub file: String,
    /// The `.rel` contents.
    pub release: Release,
    /// Applications in start order (the order systools merges appups in).
    pub apps: Vec<Application>,
    appups: AppupSource,
    trees: HashMap<String, Arc<Tree>>,
    /// Appups already read, one slot per application of `apps`: each file
    /// is read and parsed at most once, when it is first needed, and
    /// shared by every direction and base release.
    appups_read: AppupSlots,
}

/// The outcome of reading one appup: its term, or the problem reported.
type AppupRead = Result<Arc<Term>, String>;

/// Memoized appup reads, by position in `LoadedRelease::apps`.
#[derive(Clone, Default)]
struct AppupSlots {
    slots: Vec<OnceLock<AppupRead>>,
    /// Application name → position (the first of that name).
    by_name: FxHashMap<String, usize>,
}

impl AppupSlots {
    fn new(apps: &[Application]) -> AppupSlots {
        let mut by_name = FxHashMap::default();
        for (i, a) in apps.iter().enumerate().rev() {
            by_name.insert(a.name.clone(), i);
        }
        AppupSlots {
            slots: apps.iter().map(|_| OnceLock::new()).collect(),
            by_name,
        }
    }
}

impl std::fmt::Debug for AppupSlots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let read = self.slots.iter().filter(|s| s.get().is_some()).count();
        write!(f, "AppupSlots({read} read)")
    }
}

impl LoadedRelease {
    /// Reads the `.rel` file of `input` and its applications' `.app` files,
    /// searching the input's own library first, then `extra`.
    ///
    /// ```
    /// let shop = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
    /// let input = relup::ReleaseInput::open(&shop.join("releases/1.1.0/shop.rel")).unwrap();
    /// let loaded = relup::LoadedRelease::load(&input, &relup::Library::new()).unwrap();
    /// assert_eq!(loaded.release.vsn, "1.1.0");
    /// assert!(loaded.apps.iter().any(|a| a.name == "web" && a.vsn == "1.1.0"));
    /// ```
    pub fn load(input: &ReleaseInput, extra: &Library) -> Result<LoadedRelease, Error> {
        let file = input.display();
        let rel_err = |source: ReleaseError| Error::Release {
            file: file.clone(),
            source: Box::new(source),
        };
        let bytes = input.tree.read_file(&input.rel_file).map_err(|why| {
            if input.tree.is_disk() {
                rel_err(ReleaseError::NotFound(why))
            } else {
                // The tarball was read: a missing `.rel` entry, or a
                // folder in its place, is the tarball's fault (rejected).
                Error::Input {
                    path: file.clone(),
                    message: why,
                }
            }
        })?;
        let text = decode(bytes).map_err(|e| rel_err(ReleaseError::Parse(e)))?;
        // A syntax error says where it is (line:column), once.
        let release = Release::parse_spanned(&text).map_err(|e| {
            rel_err(match (e.error, e.span) {
                (ReleaseError::Parse(m), Some(at)) => {
                    ReleaseError::Parse(format!("{}:{}: {m}", at.line, at.column))
                }
                (ReleaseError::Read(m), Some(at)) => {
                    ReleaseError::Read(format!("{}:{}: {m}", at.line, at.column))
                }
                (other, _) => other,
            })
        })?;
        let mut own = Library::new();
        for root in &input.lib_roots {
            own.add_lib_root(&input.tree, root);
        }
        let mut apps = Vec::with_capacity(release.apps.len());
        let mut errors = Vec::new();
        let mut trees = HashMap::new();
        for rel_app in &release.apps {
            match read_application(rel_app, &[&own, extra]) {
                Ok((app, tree)) => {
                    trees.insert(app.name.clone(), tree);
                    apps.push(app);
                }
                Err(e) => errors.push((rel_app.name.clone(), e)),
            }
        }
        if !errors.is_empty() {
            errors.reverse();
            return Err(rel_err(ReleaseError::Applications(errors)));
        }
        let apps = start_order::check_and_sort(&release, apps).map_err(rel_err)?;
        Ok(LoadedRelease {
            file,
            release,
            appups_read: AppupSlots::new(&apps),
            apps,
            appups: AppupSource::Trees,
            trees,
        })
    }

    /// A release built in memory: `apps` in `.rel` order (their `start_type`
    /// is taken from `release`), appup texts by application name.
    ///
    /// ```
    /// use relup::{Application, LoadedRelease, Release, StartType};
    /// let rel = Release::parse(r#"{release, {"r", "1"}, {erts, "13"},
    ///     [{kernel, "9"}, {stdlib, "5"}, {sasl, "5"}]}."#).unwrap();
    /// let app = |name: &str, vsn: &str, uses: &[&str]| Application {
    ///     name: name.into(), vsn: vsn.into(), start_type: StartType::Permanent,
    ///     modules: vec![], uses: uses.iter().map(|s| s.to_string()).collect(),
    ///     optional: vec![], includes: vec![], registered: vec![], dir: String::new() };
    /// let loaded = LoadedRelease::in_memory("r.rel", rel,
    ///     vec![app("kernel", "9", &[]), app("stdlib", "5", &["kernel"]), app("sasl", "5", &["kernel"])],
    ///     Default::default()).unwrap();
    /// assert_eq!(loaded.apps[2].name, "sasl");
    /// ```
    pub fn in_memory(
        file: &str,
        release: Release,
        mut apps: Vec<Application>,
        appups: HashMap<String, String>,
    ) -> Result<LoadedRelease, Error> {
        for (app, rel_app) in apps.iter_mut().zip(&release.apps) {
            app.start_type = rel_app.start_type;
        }
        let apps =
            start_order::check_and_sort(&release, apps).map_err(|source| Error::Release {
                file: file.to_owned(),
                source: Box::new(source),
            })?;
        Ok(LoadedRelease {
            file: file.to_owned(),
            release,
            appups_read: AppupSlots::new(&apps),
            apps,
            appups: AppupSource::Memory(appups),
            trees: HashMap::new(),
        })
    }

    /// The tree `app`'s files are read from (its release's own tree, or
    /// the disk for an application found in a `--lib` folder).
    pub fn app_tree(&self, app: &Application) -> Option<&Arc<Tree>> {
        self.trees.get(&app.name)
    }

    /// Reads file `name` of `app`'s `ebin` folder (where its `.app` file
    /// is), from the tree the application was found in — never from
    /// another folder.
    pub fn read_app_file(&self, app: &Application, name: &str) -> Result<Vec<u8>, Error> {
        let path = join(&app.dir, name);
        let tree = self.trees.get(&app.name).ok_or_else(|| Error::Input {
            path: path.clone(),
            message: "not an application of this release".into(),
        })?;
        tree.read_file(&path).map_err(|message| {
            let path = tree.display(&path);
            if tree.is_disk() {
                Error::Unreadable { path, message }
            } else {
                Error::Input { path, message }
            }
        })
    }

    /// The names of the files in `app`'s `ebin` folder, sorted.
    pub fn app_files(&self, app: &Application) -> Vec<String> {
        match self.trees.get(&app.name) {
            Some(tree) => tree.list_dir(&app.dir),
            None => Vec::new(),
        }
    }

    /// Path of `app`'s appup file (next to its `.app` file).
    pub fn appup_path(&self, app: &Application) -> String {
        let path = join(&app.dir, &format!("{}.appup", app.name));
        match self.trees.get(&app.name) {
            Some(tree) => tree.display(&path),
            None => path,
        }
    }

    /// Reads `app`'s appup term (`{Vsn, Up, Down}`).
    pub fn read_appup(&self, app: &Application) -> Result<Term, Error> {
        self.appup(app).map(|t| (*t).clone())
    }

    /// `app`'s appup term, shared: read and parsed the first time it is
    /// asked for, then remembered (errors included).
    pub fn appup(&self, app: &Application) -> Result<Arc<Term>, Error> {
        let remembered = self
            .appups_read
            .by_name
            .get(&app.name)
            .filter(|&&i| self.apps.get(i).is_some_and(|a| a.dir == app.dir))
            .and_then(|&i| self.appup_read(i));
        let result = match remembered {
            Some(read) => read.clone(),
            // not one of this release's applications: read, not remembered
            None => self.read_appup_uncached(app),
        };
        result.map_err(|problem| Error::AppupFile {
            path: self.appup_path(app),
            problem,
        })
    }

    /// The appup of `apps[i]`, borrowed from the release (read the first
    /// time it is asked for).
    pub(crate) fn appup_at(&self, i: usize) -> Result<&Term, Error> {
        match (self.appup_read(i), self.apps.get(i)) {
            (Some(Ok(term)), _) => Ok(term),
            (Some(Err(problem)), Some(app)) => Err(Error::AppupFile {
                path: self.appup_path(app),
                problem: problem.clone(),
            }),
            _ => Err(Error::Input {
                path: self.file.clone(),
                message: format!("no application number {i}"),
            }),
        }
    }

    fn appup_read(&self, i: usize) -> Option<&AppupRead> {
        let slot = self.appups_read.slots.get(i)?;
        let app = self.apps.get(i)?;
        Some(slot.get_or_init(|| self.read_appup_uncached(app)))
    }

    fn read_appup_uncached(&self, app: &Application) -> AppupRead {
        let text = match &self.appups {
            AppupSource::Memory(texts) => texts
                .get(&app.name)
                .cloned()
                .ok_or_else(|| "no such file".to_owned())?,
            AppupSource::Trees => {
                let tree = self
                    .trees
                    .get(&app.name)
                    .ok_or_else(|| "no such file".to_owned())?;
                let bytes = tree
                    .read(&join(&app.dir, &format!("{}.appup", app.name)))
                    .ok_or_else(|| "cannot open file".to_owned())?;
                decode(bytes)?
            }
        };
        let term = first_term(&text)?;
        match term.as_tuple() {
            Some([_, _, _]) => Ok(Arc::new(term)),
            _ => Err(format!("not {{Vsn, UpFrom, DownTo}}: {term}")),
        }
    }
}

/// `systools_make:read_application/4`: the first `.app` with the wanted
/// version wins; other versions and unparsable files are skipped.
fn read_application(
    rel_app: &crate::release::RelApp,
    libs: &[&Library],
) -> Result<(Application, Arc<Tree>), AppError> {
    let mut first_error: Option<AppError> = None;
    let file_name = format!("{}.app", rel_app.name);
    for (tree, dir) in libs.iter().flat_map(|l| l.candidates(&rel_app.name)) {
        let path = join(dir, &file_name);
        let Some(bytes) = tree.read(&path) else {
            continue;
        };
        let parsed = decode(bytes).map_err(|message| AppError::Parse {
            file: tree.display(&path),
            message,
        });
        let parsed = parsed.and_then(|text| {
            let app = Application::parse(
                &text,
                dir,
                &rel_app.name,
                &rel_app.vsn,
                rel_app.start_type,
                rel_app.incls.as_deref(),
            );
            match app {
                Ok(None) => Err(AppError::NoValidVersion {
                    expected: rel_app.vsn.clone(),
                    file: tree.display(&path),
                    found: Application::vsn_of(&text).unwrap_or_else(Term::nil),
                }),
                Ok(Some(a)) => Ok((a, Arc::clone(tree))),
                Err(e) => Err(e),
            }
        });
        match parsed {
            Ok(found) => return Ok(found),
            Err(e @ (AppError::NoValidVersion { .. } | AppError::Parse { .. })) => {
                first_error.get_or_insert(e);
            }
            Err(other) => return Err(other),
        }
    }
    Err(first_error.unwrap_or(AppError::NotFound(file_name)))
}

/// The search path of `--lib` folders: each `DIR/*/ebin`, and `DIR` itself
/// when it holds `.app` files.
pub fn library_from_dirs(dirs: &[std::path::PathBuf]) -> Library {
    let tree = Arc::new(Tree::Disk);
    let mut lib = Library::new();
    for d in dirs {
        let Some(d) = d.to_str() else { continue };
        lib.add_lib_root(&tree, d);
        if tree.list_dir(d).iter().any(|f| f.ends_with(".app")) {
            lib.add_dir(&tree, d);
        }
    }
    lib
}

/// [`library_from_dirs`], each folder checked first: a `--lib` folder that
/// is missing, not a folder or unreadable is [`Error::Unreadable`] naming
/// it (the command could not run), rather than an empty search path.
///
/// ```
/// let e = relup::input::checked_library_from_dirs(&["/nonexistent".into()]).unwrap_err();
/// assert!(!e.is_rejected_input() && e.to_string().starts_with("/nonexistent: "));
/// ```
pub fn checked_library_from_dirs(dirs: &[std::path::PathBuf]) -> Result<Library, Error> {
    for d in dirs {
        let unreadable = |message: String| Error::Unreadable {
            path: erlterm::diagnostic::escape_path(d),
            message,
        };
        let meta = std::fs::metadata(d).map_err(|e| unreadable(io_reason(d, &e)))?;
        if !meta.is_dir() {
            let kind = erlterm::file_kind(&meta.file_type()).unwrap_or("a regular file");
            return Err(unreadable(format!("is {kind}, not a library folder")));
        }
        std::fs::read_dir(d).map_err(|e| unreadable(io_reason(d, &e)))?;
        if d.to_str().is_none() {
            return Err(unreadable("path is not UTF-8".into()));
        }
    }
    Ok(library_from_dirs(dirs))
}

/// Generates the relup of the release at `to` from the base releases `up`
/// and to the base releases `down` (each a path and a description), reading
/// each input as [`ReleaseInput::open`] does and searching `libs` after each
/// input's own `lib/` folder.
///
/// ```
/// use erlterm::Term;
/// let shop = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
/// let base = vec![(shop.join("releases/1.0.0/shop.rel"), Term::nil())];
/// let out = relup::make_relup_from_paths(
///     &shop.join("releases/1.1.0/shop.rel"), &base, &base,
///     &[shop.join("lib")], relup::Options::default()).unwrap();
/// assert_eq!(out.relup.up[0].vsn, "1.0.0");
/// print!("{}", out.relup.to_file_text());
/// ```
pub fn make_relup_from_paths(
    to: &Path,
    up: &[(std::path::PathBuf, Term)],
    down: &[(std::path::PathBuf, Term)],
    libs: &[std::path::PathBuf],
    opts: crate::generate::Options,
) -> Result<crate::generate::Generated, Error> {
    let library = library_from_dirs(libs);
    let top = LoadedRelease::load(&ReleaseInput::open(to)?, &library)?;
    let mut cache: HashMap<std::path::PathBuf, Arc<LoadedRelease>> = HashMap::new();
    let load = |(path, description): &(std::path::PathBuf, Term)| {
        let release = match cache.get(path) {
            Some(r) => Arc::clone(r),
            None => {
                let r = Arc::new(LoadedRelease::load(&ReleaseInput::open(path)?, &library)?);
                cache.insert(path.clone(), Arc::clone(&r));
                r
            }
        };
        Ok(crate::generate::BaseRelease {
            release,
            description: description.clone(),
        })
    };
    crate::generate::make_relup_lazy(&top, up, down, load, opts)
}
