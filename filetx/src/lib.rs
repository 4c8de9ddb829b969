#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod diff;
mod error;
mod lock;
mod resolve;

pub use error::{shown, Error};
pub use resolve::dangling_end;

use resolve::{parent_of, NewDir};

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a change does to its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Replace the contents of an existing file.
    Edit,
    /// Make a new file.
    Create,
}

/// One planned file write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The file as named by the caller (may be a symbolic link).
    pub path: PathBuf,
    /// Edit or create.
    pub kind: Kind,
    /// The new contents.
    pub bytes: Vec<u8>,
    /// The contents the new ones were computed from: the write is refused
    /// with [`Error::Changed`] if the file holds anything else.
    pub expected: Option<Vec<u8>>,
}

/// A list of file writes applied all together or not at all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    changes: Vec<Change>,
    /// Folders to create (with their missing parents).
    dirs: Vec<PathBuf>,
}

/// How to apply a plan.
#[derive(Clone, Debug)]
pub struct Options {
    /// Check and compute the diff, write nothing.
    pub dry_run: bool,
    /// Also write read-only files and files this process may not open
    /// for writing (replacing them when the folder allows), and replace
    /// existing files the plan creates.
    pub force: bool,
    /// How long to wait for another process's lock; `None` waits for as
    /// long as it takes.
    pub lock_timeout: Option<Duration>,
    /// For tests of the rollback: fail with an I/O error just before
    /// committing the change with this index (in plan order).
    #[doc(hidden)]
    pub fail_before_commit: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            dry_run: false,
            force: false,
            lock_timeout: Some(Duration::from_secs(30)),
            fail_before_commit: None,
        }
    }
}

/// How a file was (or would be) written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// The contents were already the new ones: not written.
    Unchanged,
    /// Replaced by a temporary file renamed over it.
    Replaced,
    /// Rewritten in place (it has other hard links, or its owner could
    /// not be given to a new file).
    InPlace,
    /// A new file.
    Created,
}

/// One file of a [`Report`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// The file as named in the plan.
    pub path: PathBuf,
    /// The file written (the target of a symbolic link, resolved).
    pub target: PathBuf,
    /// Edit or create.
    pub kind: Kind,
    /// How it was written (in a dry run: how it would be).
    pub method: Method,
}

/// What [`Plan::apply`] did, or in a dry run would do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Whether this was a dry run (nothing written).
    pub dry_run: bool,
    /// One entry per change, in plan order.
    pub files: Vec<FileReport>,
    /// The folders created (in a dry run: that would be), as the plan
    /// names them, each before the folders in it
    /// ([`Plan::create_dir_all`]).
    pub dirs: Vec<PathBuf>,
    /// The unified diff of every changed file (`a/PATH` → `b/PATH`,
    /// `/dev/null` for a created file), for people: control characters of
    /// the contents other than newlines and tabs are escaped (`\e`, `\r`,
    /// `\x07`...) so that printing it cannot drive a terminal.
    pub diff: String,
}

impl Report {
    /// The files whose contents change.
    pub fn changed(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter(|f| f.method != Method::Unchanged)
    }
}

impl std::fmt::Display for Report {
    /// A dry run: `dry run: nothing written; N file(s) would change`, a
    /// `would create folder DIR` line per folder, and the diff. Otherwise
    /// a `created folder DIR` line per folder and a `wrote PATH` line per
    /// changed file. Control characters in paths are escaped ([`shown`]).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.changed().count();
        if self.dry_run {
            writeln!(
                f,
                "dry run: nothing written; {n} file{} would change",
                if n == 1 { "" } else { "s" }
            )?;
            for dir in &self.dirs {
                writeln!(f, "would create folder {}", shown(dir))?;
            }
            f.write_str(&self.diff)
        } else {
            for dir in &self.dirs {
                writeln!(f, "created folder {}", shown(dir))?;
            }
            for file in self.changed() {
                writeln!(f, "wrote {}", shown(&file.path))?;
            }
            Ok(())
        }
    }
}

impl Plan {
    /// An empty plan.
    ///
    /// ```
    /// let mut plan = filetx::Plan::new();
    /// assert!(plan.is_empty());
    /// plan.edit("src/shop.app.src", "{application, shop, []}.\n")
    ///     .create("src/shop.appup", "{\"1.1.0\", [], []}.\n");
    /// assert_eq!(plan.changes().len(), 2);
    /// ```
    pub fn new() -> Plan {
        Plan::default()
    }

    /// Plans to replace the contents of the existing file `path`.
    pub fn edit(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> &mut Plan {
        self.push(path.into(), Kind::Edit, bytes.into(), None)
    }

    /// Plans to replace the contents of `path`, computed from `old`: if the
    /// file no longer holds `old` when the plan is applied (under the
    /// lock), nothing is written and the error is [`Error::Changed`].
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = std::env::temp_dir().join(format!("filetx-expect-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("vm.args");
    /// std::fs::write(&path, "-sname shop\n")?;
    /// let old = std::fs::read(&path)?;
    /// let mut plan = filetx::Plan::new();
    /// plan.edit_expecting(&path, old, "-sname shop\n+K true\n");
    /// plan.apply(&filetx::Options::default())?; // the file still held `old`
    /// assert_eq!(std::fs::read_to_string(&path)?, "-sname shop\n+K true\n");
    /// // Applied again, the file no longer holds `old`: refused.
    /// assert!(matches!(plan.apply(&filetx::Options::default()), Err(filetx::Error::Changed { .. })));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(()) }
    /// ```
    pub fn edit_expecting(
        &mut self,
        path: impl Into<PathBuf>,
        old: impl Into<Vec<u8>>,
        bytes: impl Into<Vec<u8>>,
    ) -> &mut Plan {
        self.push(path.into(), Kind::Edit, bytes.into(), Some(old.into()))
    }

    /// Plans to create the new file `path`. Its folder must exist, or be
    /// planned with [`Plan::create_dir_all`]. If `path` is a dangling
    /// symbolic link, the file it leads to is created (the link kept);
    /// that file's folder must exist.
    pub fn create(&mut self, path: impl Into<PathBuf>, bytes: impl Into<Vec<u8>>) -> &mut Plan {
        self.push(path.into(), Kind::Create, bytes.into(), None)
    }

    /// Plans to create the folder `dir` and the missing folders above it,
    /// as `mkdir -p` does (nothing for those that exist), before any file
    /// is written; a failed plan removes them again. A dry run lists them
    /// ([`Report::dirs`]).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = std::env::temp_dir().join(format!("filetx-mkdir-doc-{}", std::process::id()));
    /// # let _ = std::fs::remove_dir_all(&dir);
    /// let mut plan = filetx::Plan::new();
    /// plan.create_dir_all(dir.join("apps/shop/ebin"))
    ///     .create(dir.join("apps/shop/ebin/shop.appup"), "{\"1.1.0\", [], []}.\n");
    /// let dry = plan.apply(&filetx::Options { dry_run: true, ..Default::default() })?;
    /// assert_eq!(dry.dirs.len(), 4); // dir, apps, apps/shop, apps/shop/ebin
    /// assert!(!dir.exists());
    /// plan.apply(&filetx::Options::default())?;
    /// assert!(dir.join("apps/shop/ebin/shop.appup").is_file());
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(()) }
    /// ```
    pub fn create_dir_all(&mut self, dir: impl Into<PathBuf>) -> &mut Plan {
        self.dirs.push(dir.into());
        self
    }

    /// The folders planned with [`Plan::create_dir_all`].
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    fn push(
        &mut self,
        path: PathBuf,
        kind: Kind,
        bytes: Vec<u8>,
        expected: Option<Vec<u8>>,
    ) -> &mut Plan {
        self.changes.push(Change {
            path,
            kind,
            bytes,
            expected,
        });
        self
    }

    /// The planned changes, in order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Whether the plan has no change (no file, no folder).
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.dirs.is_empty()
    }

    /// Applies the plan (see the crate documentation): every file is
    /// written, or none is.
    ///
    /// # Errors
    /// A check refusing a target, a lock not obtained in time, an I/O
    /// error (after the rollback). Only [`Error::RollbackFailed`] leaves
    /// files changed.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let dir = std::env::temp_dir().join(format!("filetx-apply-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// std::fs::write(dir.join("a.txt"), "one\n")?;
    /// let mut plan = filetx::Plan::new();
    /// plan.edit(dir.join("a.txt"), "two\n").create(dir.join("b.txt"), "new\n");
    ///
    /// let dry = plan.apply(&filetx::Options { dry_run: true, ..Default::default() })?;
    /// assert!(dry.dry_run && dry.diff.contains("-one\n+two\n"));
    /// assert_eq!(std::fs::read_to_string(dir.join("a.txt"))?, "one\n");
    ///
    /// let report = plan.apply(&filetx::Options::default())?;
    /// assert_eq!(report.changed().count(), 2);
    /// assert_eq!(std::fs::read_to_string(dir.join("b.txt"))?, "new\n");
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok(()) }
    /// ```
    pub fn apply(&self, opts: &Options) -> Result<Report, Error> {
        if let Some(c) = self.changes.iter().find(|c| resolve::names_folder(&c.path)) {
            return Err(Error::NamesFolder {
                path: c.path.clone(),
            });
        }
        let _locks = if opts.dry_run {
            Vec::new()
        } else {
            let mut folders = Vec::with_capacity(self.changes.len() + self.dirs.len());
            for change in &self.changes {
                folders.push(resolve::lock_folder(&change.path)?);
            }
            for dir in &self.dirs {
                folders.push(resolve::existing_ancestor(dir)?);
            }
            lock::lock_tree(folders, opts.lock_timeout)?
        };
        let new_dirs = resolve::new_dirs(&self.dirs)?;
        let targets = self.inspect(opts, &new_dirs)?;
        let diff = targets.iter().map(Target::diff).collect::<String>();
        let files = targets.iter().map(Target::report).collect();
        if !opts.dry_run {
            commit(&new_dirs, &targets, opts)?;
        }
        Ok(Report {
            dry_run: opts.dry_run,
            files,
            dirs: new_dirs.into_iter().map(|d| d.named).collect(),
            diff,
        })
    }

    /// Checks every target; refuses duplicates (one file named twice,
    /// through a symbolic link or a hard link, or also planned as a
    /// folder).
    fn inspect(&self, opts: &Options, new_dirs: &[NewDir]) -> Result<Vec<Target<'_>>, Error> {
        let mut targets: Vec<Target<'_>> = Vec::with_capacity(self.changes.len());
        for change in &self.changes {
            let t = Target::inspect(change, opts, new_dirs)?;
            let same_inode = |o: &Target<'_>| match (&o.old, &t.old) {
                (Some((a, _)), Some((b, _))) => (a.dev, a.ino) == (b.dev, b.ino),
                _ => false,
            };
            // A file the plan also makes a folder of.
            let made_folder = new_dirs.iter().any(|d| d.real == t.real);
            if made_folder || targets.iter().any(|o| o.real == t.real || same_inode(o)) {
                return Err(Error::Duplicate {
                    path: change.path.clone(),
                });
            }
            targets.push(t);
        }
        Ok(targets)
    }
}

/// The owner, group and mode of an existing file.
#[derive(Clone, Copy, Debug)]
struct Meta {
    uid: u32,
    gid: u32,
    mode: u32,
    nlink: u64,
    dev: u64,
    ino: u64,
}

/// A change with its checked target.
struct Target<'a> {
    change: &'a Change,
    /// The file written: symbolic links resolved.
    real: PathBuf,
    /// The existing file's metadata and contents (`None`: created).
    old: Option<(Meta, Vec<u8>)>,
    method: Method,
}

impl<'a> Target<'a> {
    fn inspect(
        change: &'a Change,
        opts: &Options,
        new_dirs: &[NewDir],
    ) -> Result<Target<'a>, Error> {
        let path = &change.path;
        let (exists, dangling) = match fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => {
                let end = resolve::dangling_end(path)
                    .map_err(|e| Error::io(path, "resolving symbolic links", e))?;
                (true, end)
            }
            Ok(_) => (true, None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => (false, None),
            Err(e) => return Err(Error::io(path, "reading metadata", e)),
        };
        match (change.kind, exists, dangling) {
            (Kind::Edit, false, _) | (Kind::Edit, true, Some(_)) => {
                return Err(Error::Missing { path: path.clone() });
            }
            // A dangling link: its target is created, the link kept;
            // nothing existing is replaced.
            (Kind::Create, true, Some(end)) => return Target::new_file(change, &end, true, &[]),
            // A folder (or a link to one) is not replaced, even by force.
            (Kind::Create, true, None) if fs::metadata(path).is_ok_and(|m| m.is_dir()) => {
                return Err(Error::NotRegular { path: path.clone() });
            }
            (Kind::Create, true, None) if !opts.force => {
                return Err(Error::Exists { path: path.clone() });
            }
            (Kind::Create, false, _) => return Target::new_file(change, path, false, new_dirs),
            _ => {}
        }
        // An existing file: follow symbolic links to a regular file.
        let real = fs::canonicalize(path).map_err(|e| match e.kind() {
            // A dangling link.
            io::ErrorKind::NotFound => Error::Missing { path: path.clone() },
            _ => Error::io(path, "resolving symbolic links", e),
        })?;
        let meta = fs::metadata(&real).map_err(|e| Error::io(path, "reading metadata", e))?;
        if !meta.is_file() {
            return Err(Error::NotRegular { path: path.clone() });
        }
        let mode = meta.permissions().mode();
        if mode & 0o222 == 0 && !opts.force {
            return Err(Error::ReadOnly { path: path.clone() });
        }
        let writable = OpenOptions::new().write(true).open(&real);
        if let Err(e) = &writable {
            if !opts.force {
                return Err(Error::NotWritable {
                    path: path.clone(),
                    source: io::Error::new(e.kind(), e.to_string()),
                });
            }
        }
        let old = fs::read(&real).map_err(|e| Error::io(path, "reading", e))?;
        if change.expected.as_ref().is_some_and(|x| *x != old) {
            return Err(Error::Changed { path: path.clone() });
        }
        let meta = Meta {
            uid: meta.uid(),
            gid: meta.gid(),
            mode,
            nlink: meta.nlink(),
            dev: meta.dev(),
            ino: meta.ino(),
        };
        let method = if old == change.bytes {
            Method::Unchanged
        } else if meta.nlink > 1 || (needs_chown(&meta) && writable.is_ok()) {
            Method::InPlace
        } else {
            Method::Replaced
        };
        Ok(Target {
            change,
            real,
            old: Some((meta, old)),
            method,
        })
    }

    /// A change creating `file`: the path of the change, or where the
    /// dangling link it names leads (`via_link`).
    fn new_file(
        change: &'a Change,
        file: &Path,
        via_link: bool,
        new_dirs: &[NewDir],
    ) -> Result<Target<'a>, Error> {
        let path = &change.path;
        let name = file
            .file_name()
            .filter(|_| !resolve::names_folder(file))
            .ok_or_else(|| Error::NotRegular { path: path.clone() })?;
        let dir = parent_of(file);
        let (real_dir, planned) = match fs::canonicalize(&dir) {
            Ok(real) => (real, false),
            Err(_) if via_link => {
                return Err(Error::LinkFolderMissing {
                    path: path.clone(),
                    target: file.to_path_buf(),
                })
            }
            Err(e) => match resolve::planned_real(&dir, new_dirs) {
                Some(real) => (real, true),
                None => return Err(Error::io(&dir, "finding the folder of a new file", e)),
            },
        };
        if !planned && !real_dir.is_dir() {
            return Err(Error::NotAFolder { path: dir });
        }
        Ok(Target {
            change,
            real: real_dir.join(name),
            old: None,
            method: Method::Created,
        })
    }

    fn report(&self) -> FileReport {
        FileReport {
            path: self.change.path.clone(),
            target: self.real.clone(),
            kind: self.change.kind,
            method: self.method,
        }
    }

    /// The unified diff of this change; for a binary file (a NUL byte in
    /// the old or new contents: a tarball) only `Binary files A and B
    /// differ`, as `git diff` says it.
    fn diff(&self) -> String {
        // `a/src/x` rather than `a/./src/x`; control characters escaped.
        let path = self
            .change
            .path
            .strip_prefix(".")
            .unwrap_or(&self.change.path);
        let shown = shown(path);
        let old_name = match &self.old {
            Some(_) => format!("a/{shown}"),
            None => "/dev/null".to_string(),
        };
        let new_name = format!("b/{shown}");
        let old: &[u8] = self.old.as_ref().map_or(&[], |(_, o)| o.as_slice());
        let new = &self.change.bytes;
        if old == new.as_slice() {
            return String::new();
        }
        if old.contains(&0) || new.contains(&0) {
            return format!("Binary files {old_name} and {new_name} differ\n");
        }
        // Shown on a terminal: the file's control characters are escaped
        // (`\e`, `\r`...), as in messages, so they cannot drive it.
        let old = String::from_utf8_lossy(old);
        let new = String::from_utf8_lossy(new);
        diff::unified(
            &error::escaped(&old, true),
            &error::escaped(&new, true),
            &old_name,
            &new_name,
        )
    }
}

/// Whether a new file made by this process would have another owner or
/// group than `meta` says (so it must be given away with chown).
fn needs_chown(meta: &Meta) -> bool {
    match process_ids() {
        Some((uid, gid)) => uid != 0 && (uid != meta.uid || gid != meta.gid),
        None => false,
    }
}

/// This process's effective user and group, from `/proc/self/status`.
fn process_ids() -> Option<(u32, u32)> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u32> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        line.split_whitespace().nth(2)?.parse().ok()
    };
    Some((field("Uid:")?, field("Gid:")?))
}

/// A change staged on disk, ready to commit.
struct Staged<'t, 'a> {
    target: &'t Target<'a>,
    /// The temporary file holding the new contents (replace, create).
    tmp: Option<PathBuf>,
}

/// How to undo a committed change.
enum Undo {
    /// Rename the hard-link backup back over the target.
    Backup(PathBuf, PathBuf),
    /// Write these bytes back (in place, or through a temporary file with
    /// the metadata).
    Rewrite(PathBuf, Vec<u8>, Meta, bool),
    /// Remove the created file.
    Remove(PathBuf),
    /// Remove the created (empty) folder.
    RemoveDir(PathBuf),
}

/// Undoes `undo` and makes the error of a failed `action` on `path`.
fn failed(path: &Path, Failure(action, source): Failure, undo: Vec<Undo>) -> Error {
    let not_restored = rollback(undo);
    let path = path.to_path_buf();
    if not_restored.is_empty() {
        Error::Io {
            path,
            action,
            source,
        }
    } else {
        Error::RollbackFailed {
            path,
            action,
            source,
            not_restored,
        }
    }
}

fn commit(new_dirs: &[NewDir], targets: &[Target<'_>], opts: &Options) -> Result<(), Error> {
    let mut undo: Vec<Undo> = Vec::new();
    // Folders first (a folder before the folders in it): the temporary
    // files go in them.
    for d in new_dirs {
        match fs::create_dir(&d.real) {
            Ok(()) => {
                undo.push(Undo::RemoveDir(d.real.clone()));
                sync_dir(&parent_of(&d.real));
            }
            // Made meanwhile by a program that does not take the lock.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.real.is_dir() => {}
            Err(e) => return Err(failed(&d.named, Failure("creating a folder", e), undo)),
        }
    }
    // Stage: temporary files, nothing replaced yet.
    let mut staged: Vec<Staged<'_, '_>> = Vec::new();
    for t in targets {
        let tmp = match t.method {
            Method::Unchanged | Method::InPlace => None,
            Method::Replaced | Method::Created => {
                match write_temp(&t.real, &t.change.bytes, t.old.as_ref().map(|o| &o.0)) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        remove_temps(&staged);
                        return Err(failed(&t.change.path, e, undo));
                    }
                }
            }
        };
        staged.push(Staged { target: t, tmp });
    }
    // Commit, one file after the other; undo on the first failure.
    for (i, s) in staged.iter().enumerate() {
        let result = if opts.fail_before_commit == Some(i) {
            Err(Failure(
                "committing",
                io::Error::other("simulated failure (Options::fail_before_commit)"),
            ))
        } else {
            commit_one(s, &mut undo)
        };
        if let Err(failure) = result {
            remove_temps(staged.get(i..).unwrap_or_default());
            return Err(failed(&s.target.change.path, failure, undo));
        }
    }
    // Done: drop the backups, sync the folders.
    let mut dirs: Vec<PathBuf> = Vec::new();
    for u in undo {
        match u {
            Undo::Backup(backup, real) => {
                let _ = fs::remove_file(&backup);
                dirs.push(parent_of(&real));
            }
            Undo::Remove(real) | Undo::Rewrite(real, ..) => dirs.push(parent_of(&real)),
            // Synced when it was made.
            Undo::RemoveDir(_) => {}
        }
    }
    dirs.sort();
    dirs.dedup();
    for d in dirs {
        sync_dir(&d);
    }
    Ok(())
}

/// An I/O failure and what was being done.
struct Failure(&'static str, io::Error);

fn at(action: &'static str) -> impl FnOnce(io::Error) -> Failure {
    move |e| Failure(action, e)
}

fn commit_one(s: &Staged<'_, '_>, undo: &mut Vec<Undo>) -> Result<(), Failure> {
    let t = s.target;
    let real = &t.real;
    match (t.method, &s.tmp, &t.old) {
        (Method::Unchanged, ..) => Ok(()),
        (Method::InPlace, _, Some((meta, old))) => {
            // Registered first: a partial write is undone too.
            undo.push(Undo::Rewrite(real.clone(), old.clone(), *meta, true));
            write_in_place(real, &t.change.bytes).map_err(at("rewriting in place"))
        }
        (Method::Replaced, Some(tmp), Some((meta, old))) => {
            let backup = sibling(real, "bak");
            match fs::hard_link(real, &backup) {
                Ok(()) => undo.push(Undo::Backup(backup, real.clone())),
                Err(_) => undo.push(Undo::Rewrite(real.clone(), old.clone(), *meta, false)),
            }
            if let Err(e) = fs::rename(tmp, real) {
                // Nothing replaced: forget the undo entry, drop the backup.
                if let Some(Undo::Backup(b, _)) = undo.pop() {
                    let _ = fs::remove_file(b);
                }
                return Err(Failure("renaming the temporary file", e));
            }
            // The folder is synced once all files are in place.
            Ok(())
        }
        (Method::Created, Some(tmp), _) => {
            // A hard link does not replace a file that appeared meanwhile.
            match fs::hard_link(tmp, real) {
                Ok(()) => {
                    let _ = fs::remove_file(tmp);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    let _ = fs::remove_file(tmp);
                    return Err(Failure("creating (the file appeared meanwhile)", e));
                }
                Err(_) => fs::rename(tmp, real).map_err(at("renaming the new file"))?,
            }
            undo.push(Undo::Remove(real.clone()));
            Ok(())
        }
        _ => Err(Failure(
            "committing",
            io::Error::other("inconsistent plan state"),
        )),
    }
}

/// Undoes committed changes, last first; the files it could not restore.
fn rollback(undo: Vec<Undo>) -> Vec<PathBuf> {
    let mut failed = Vec::new();
    for u in undo.into_iter().rev() {
        let (real, result) = match u {
            Undo::Backup(backup, real) => {
                let r = fs::rename(&backup, &real);
                (real, r)
            }
            Undo::Remove(real) => {
                let r = fs::remove_file(&real);
                (real, r)
            }
            Undo::RemoveDir(real) => {
                let r = fs::remove_dir(&real);
                (real, r)
            }
            Undo::Rewrite(real, bytes, _, true) => {
                let r = write_in_place(&real, &bytes);
                (real, r)
            }
            Undo::Rewrite(real, bytes, meta, false) => {
                let r = write_temp(&real, &bytes, Some(&meta))
                    .map_err(|f| f.1)
                    .and_then(|tmp| {
                        fs::rename(&tmp, &real).inspect_err(|_| {
                            let _ = fs::remove_file(&tmp);
                        })
                    });
                (real, r)
            }
        };
        sync_dir(&parent_of(&real));
        if result.is_err() {
            failed.push(real);
        }
    }
    failed
}

fn remove_temps(staged: &[Staged<'_, '_>]) {
    for s in staged {
        if let Some(tmp) = &s.tmp {
            let _ = fs::remove_file(tmp);
        }
    }
}

/// A fresh name beside `real`: `.NAME.filetx-PID-N.EXT`.
fn sibling(real: &Path, ext: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    parent_of(real).join(format!(".{name}.filetx-{}-{n}.{ext}", std::process::id()))
}

/// Writes `bytes` to a new temporary file beside `real`, with `meta`'s
/// owner, group and mode, synced; returns its path.
fn write_temp(real: &Path, bytes: &[u8], meta: Option<&Meta>) -> Result<PathBuf, Failure> {
    let mut tries = 0;
    let (tmp, mut file) = loop {
        let tmp = sibling(real, "tmp");
        // A replacement starts private (0600): the file it replaces may be
        // (a sys.config holding secrets), and the new contents must not be
        // readable by others before the mode is set. A new file gets the
        // usual 0666 less the umask.
        let mode = if meta.is_some() { 0o600 } else { 0o666 };
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 100 => tries += 1,
            Err(e) => return Err(Failure("creating a temporary file in its folder", e)),
        }
    };
    let result = (|| {
        file.write_all(bytes)
            .map_err(at("writing a temporary file"))?;
        if let Some(m) = meta {
            // chown first: it clears set-user-ID bits that chmod then sets.
            // A process that may not give the file away keeps its own
            // ownership (the target was found writable: `force`).
            let _ = std::os::unix::fs::fchown(&file, Some(m.uid), Some(m.gid));
            file.set_permissions(fs::Permissions::from_mode(m.mode & 0o7777))
                .map_err(at("setting the mode of a temporary file"))?;
        }
        file.sync_all().map_err(at("syncing a temporary file"))
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Truncates and rewrites `real` (same inode), synced.
fn write_in_place(real: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).truncate(true).open(real)?;
    f.write_all(bytes)?;
    f.sync_all()
}

/// Syncs a folder so that renames in it last (best effort).
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}
