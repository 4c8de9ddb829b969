//! Writing new files for the commands that make them (`relup -o`,
//! `appup generate -o`, `upgrade pack -o`): all of them or none, each via a
//! temporary file and a rename (`filetx`), never replacing an existing file
//! without `--force`, and `--dry-run` writing nothing.

use std::path::PathBuf;

use erlterm::diagnostic::escape_path;

/// How the files are written.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOptions {
    /// Replace files that exist.
    pub force: bool,
    /// Check and show, write nothing.
    pub dry_run: bool,
    /// On a dry run, print the diff (text files only).
    pub show_diff: bool,
}

/// Writes each `(path, bytes)` as a new file (replacing an existing one
/// only with `force`; their folders must exist; a dangling symbolic link
/// gets its target created), and says on stderr what was (or would be)
/// written. The error names the file once.
pub fn write_new_files(files: Vec<(PathBuf, Vec<u8>)>, opts: WriteOptions) -> Result<(), String> {
    write_plan(files, Vec::new(), false, opts)
}

/// [`write_new_files`] for `creates`, and edits of existing files: each
/// `(path, old, new)` replaces `old` with `new`, refused if the file no
/// longer holds `old`. All of them are written, or none.
pub fn write_files(
    creates: Vec<(PathBuf, Vec<u8>)>,
    edits: Vec<(PathBuf, Vec<u8>, Vec<u8>)>,
    opts: WriteOptions,
) -> Result<(), String> {
    write_plan(creates, edits, false, opts)
}

/// [`write_files`], creating the missing folders of the new files too
/// (removed again if the plan fails; listed by a dry run).
pub fn write_files_making_folders(
    creates: Vec<(PathBuf, Vec<u8>)>,
    edits: Vec<(PathBuf, Vec<u8>, Vec<u8>)>,
    opts: WriteOptions,
) -> Result<(), String> {
    write_plan(creates, edits, true, opts)
}

fn write_plan(
    creates: Vec<(PathBuf, Vec<u8>)>,
    edits: Vec<(PathBuf, Vec<u8>, Vec<u8>)>,
    make_folders: bool,
    opts: WriteOptions,
) -> Result<(), String> {
    let mut plan = filetx::Plan::new();
    for (path, bytes) in creates {
        if make_folders {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                plan.create_dir_all(dir);
            }
        }
        plan.create(path, bytes);
    }
    for (path, old, new) in edits {
        plan.edit_expecting(path, old, new);
    }
    let tx = filetx::Options {
        dry_run: opts.dry_run,
        force: opts.force,
        ..filetx::Options::default()
    };
    let report = plan.apply(&tx).map_err(|e| match e {
        filetx::Error::Exists { path } => {
            format!(
                "{}: already exists (pass --force to replace it)",
                escape_path(&path)
            )
        }
        filetx::Error::ReadOnly { path } => {
            format!(
                "{}: read-only (pass --force to write it)",
                escape_path(&path)
            )
        }
        e => e.to_string(),
    })?;
    if report.dry_run {
        eprintln!("dry run: nothing written");
        for dir in &report.dirs {
            eprintln!("would create folder {}", escape_path(dir));
        }
        for f in &report.files {
            eprintln!("would write {}", escape_path(&f.path));
        }
        if opts.show_diff && !report.diff.is_empty() {
            eprint!("{}", report.diff);
        }
    } else {
        for dir in &report.dirs {
            eprintln!("created folder {}", escape_path(dir));
        }
        for f in &report.files {
            eprintln!("wrote {}", escape_path(&f.path));
        }
    }
    Ok(())
}
