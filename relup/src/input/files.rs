//! One release and every file a check reads from it, from a tarball held in
//! memory, a release root folder, or a `.rel` file plus library folders.

use std::path::Path;
use std::sync::Arc;

use beamfile::Beam;
use erlterm::Term;

use super::tree::{self, join};
use super::{first_term, Library, LoadedRelease, ReleaseInput, Tree};
use crate::app::Application;
use crate::error::Error;

/// A release opened for reading: its `.rel` file and applications
/// ([`LoadedRelease`]), and lazy access to the rest — `relup`,
/// `sys.config`, `vm.args`, boot files, `.appup` and `.beam` files. Files
/// are read from the tree the release came from (a tarball in memory or a
/// folder), never from the current folder.
///
/// ```
/// let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
/// let rel = relup::ReleaseFiles::open_version(&base, Some("1.1.0"), &relup::Library::new()).unwrap();
/// assert_eq!((rel.name(), rel.vsn()), ("shop", "1.1.0"));
/// assert!(rel.app("web").is_some());
/// assert!(rel.relup().is_none()); // the example holds no relup
/// ```
#[derive(Debug, Clone)]
pub struct ReleaseFiles {
    /// Where the `.rel` file is.
    pub input: ReleaseInput,
    /// The `.rel` file and the applications, checked as systools does.
    pub loaded: LoadedRelease,
}

impl ReleaseFiles {
    /// Opens a release (a tarball, a root folder, a folder with one `.rel`
    /// file, or a `.rel` file); applications not in the release's own
    /// `lib/` are searched in `libs`. A root with several releases gives
    /// the newest.
    ///
    /// ```
    /// let shop = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shop");
    /// let rel = relup::ReleaseFiles::open(&shop, &relup::Library::new()).unwrap();
    /// assert_eq!(rel.vsn(), "1.2.0"); // the newest release of the root
    /// ```
    pub fn open(path: &Path, libs: &Library) -> Result<ReleaseFiles, Error> {
        ReleaseFiles::open_version(path, None, libs)
    }

    /// [`ReleaseFiles::open`] choosing release `vsn` of a root or tarball
    /// that holds several.
    pub fn open_version(
        path: &Path,
        vsn: Option<&str>,
        libs: &Library,
    ) -> Result<ReleaseFiles, Error> {
        let input = ReleaseInput::open_version(path, vsn)?;
        let loaded = LoadedRelease::load(&input, libs)?;
        Ok(ReleaseFiles { input, loaded })
    }

    /// A release tarball already in memory (`origin` names it in messages).
    #[cfg(feature = "tarball")]
    pub fn from_tarball(origin: &str, bytes: &[u8], libs: &Library) -> Result<ReleaseFiles, Error> {
        let input = ReleaseInput::from_tarball(origin, bytes, None)?;
        let loaded = LoadedRelease::load(&input, libs)?;
        Ok(ReleaseFiles { input, loaded })
    }

    /// The release at the root of `tree` (its newest), applications
    /// searched in its own `lib/` only.
    pub(crate) fn from_tree(tree: Tree) -> Result<ReleaseFiles, Error> {
        let origin = tree.display("");
        let input = super::from_root(Arc::new(tree), "", None).map_err(|message| Error::Input {
            path: origin,
            message,
        })?;
        let loaded = LoadedRelease::load(&input, &Library::new())?;
        Ok(ReleaseFiles { input, loaded })
    }

    /// The release name.
    pub fn name(&self) -> &str {
        &self.loaded.release.name
    }

    /// The release version.
    pub fn vsn(&self) -> &str {
        &self.loaded.release.vsn
    }

    /// The ERTS version the `.rel` file names.
    pub fn erts_vsn(&self) -> &str {
        &self.loaded.release.erts_vsn
    }

    /// How to name the release in messages (its `.rel` file).
    pub fn display(&self) -> String {
        self.input.display()
    }

    /// Whether the release was read from a tarball.
    pub fn is_tarball(&self) -> bool {
        matches!(*self.input.tree, Tree::Memory { .. })
    }

    /// The tree the release's own files are read from.
    pub fn tree(&self) -> &Arc<Tree> {
        &self.input.tree
    }

    /// The release root (holding `releases/` and `lib/`), if the release
    /// is laid out as one.
    pub fn root(&self) -> Option<String> {
        self.input.root()
    }

    /// `ROOT/releases/VSN/NAME` in the tree, when laid out as a root.
    pub fn release_file_path(&self, name: &str) -> Option<String> {
        let root = self.root()?;
        Some(join(&join(&join(&root, "releases"), self.vsn()), name))
    }

    /// Reads `releases/VSN/NAME` of the root; `None` when there is no such
    /// file (or no root).
    pub fn release_file(&self, name: &str) -> Option<Result<Vec<u8>, Error>> {
        let path = self.release_file_path(name)?;
        if !self.input.tree.is_file(&path) {
            return None;
        }
        let tree = &self.input.tree;
        Some(tree.read_file(&path).map_err(|message| {
            let path = tree.display(&path);
            if tree.is_disk() {
                Error::Unreadable { path, message }
            } else {
                Error::Input { path, message }
            }
        }))
    }

    /// The `releases/VSN/relup` term, if the release has one (the first
    /// term, as `file:consult` and release_handler read it).
    pub fn relup(&self) -> Option<Result<Term, Error>> {
        let bytes = match self.release_file("relup")? {
            Ok(b) => b,
            Err(e) => return Some(Err(e)),
        };
        let shown = self
            .release_file_path("relup")
            .map(|p| self.input.tree.display(&p))
            .unwrap_or_default();
        let term = super::decode(bytes)
            .and_then(|text| first_term(&text))
            .map_err(|message| Error::Input {
                path: shown,
                message,
            });
        Some(term)
    }

    /// `app` of this release, by name.
    pub fn app(&self, name: &str) -> Option<&Application> {
        self.loaded.apps.iter().find(|a| a.name == name)
    }

    /// Whether `app` has an `.appup` file next to its `.app` file.
    pub fn has_appup(&self, app: &Application) -> bool {
        self.loaded
            .app_files(app)
            .iter()
            .any(|f| *f == format!("{}.appup", app.name))
    }

    /// The modules whose `.beam` file is in `app`'s `ebin` folder.
    pub fn beam_modules(&self, app: &Application) -> Vec<String> {
        self.loaded
            .app_files(app)
            .into_iter()
            .filter_map(|f| f.strip_suffix(".beam").map(str::to_owned))
            .collect()
    }

    /// [`ReleaseFiles::beam_modules`], each `.beam` entry checked to be a
    /// file that can be read: a dangling symbolic link, a folder or a FIFO
    /// named `x.beam` is [`Error::Unreadable`], naming it, rather than a
    /// module `x` that has no code.
    pub fn readable_beam_modules(&self, app: &Application) -> Result<Vec<String>, Error> {
        let tree = self.loaded.app_tree(app);
        let mut out = Vec::new();
        for f in self.loaded.app_files(app) {
            let Some(module) = f.strip_suffix(".beam") else {
                continue;
            };
            let path = join(&app.dir, &f);
            if let Some(tree) = tree.filter(|t| !t.is_file(&path)) {
                let shown = self.app_file_display(app, &f);
                if !tree.is_disk() {
                    return Err(Error::Input {
                        path: shown,
                        message: "is not a regular file".to_owned(),
                    });
                }
                let on_disk = Path::new(&path);
                let dangling =
                    std::fs::symlink_metadata(on_disk).is_ok_and(|m| m.file_type().is_symlink());
                let message = match std::fs::metadata(on_disk) {
                    Err(e) if dangling && e.kind() == std::io::ErrorKind::NotFound => {
                        "is a symbolic link to a missing file".to_owned()
                    }
                    Err(e) => tree::strip_path(on_disk, &erlterm::file_error(on_disk, &e)),
                    Ok(m) => format!(
                        "is {}, not a .beam file",
                        erlterm::file_kind(&m.file_type()).unwrap_or("not a regular file")
                    ),
                };
                return Err(Error::Unreadable {
                    path: shown,
                    message,
                });
            }
            out.push(module.to_owned());
        }
        Ok(out)
    }

    /// Reads and parses `ebin/MODULE.beam` of `app` (plain or
    /// gzip-compressed, stripped or not, as `beam_lib` reads them).
    pub fn beam(&self, app: &Application, module: &str) -> Result<Beam, Error> {
        let file = format!("{module}.beam");
        let bytes = self.loaded.read_app_file(app, &file)?;
        Beam::parse(&bytes).map_err(|e| Error::Input {
            path: self.app_file_display(app, &file),
            message: e.to_string(),
        })
    }

    /// How to name file `name` of `app`'s `ebin` folder in messages.
    pub fn app_file_display(&self, app: &Application, name: &str) -> String {
        let path = join(&app.dir, name);
        match self.loaded.app_tree(app) {
            Some(tree) => tree.display(&path),
            None => path,
        }
    }

    /// The `erts-VSN` folders at the release root (bundled runtimes).
    pub fn erts_folders(&self) -> Vec<String> {
        let Some(root) = self.root() else {
            return Vec::new();
        };
        let dir = if root.is_empty() { String::new() } else { root };
        self.input
            .tree
            .list_dir(if dir.is_empty() { "." } else { &dir })
            .into_iter()
            .filter(|f| f.starts_with("erts-"))
            .collect()
    }
}
