//! `erlrel relup`: generate a relup equal to `systools:make_relup/4`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use erlterm::Term;

/// Arguments of `erlrel relup`.
#[derive(clap::Args)]
pub struct Args {
    /// The new release: a .rel file, a folder with one .rel file, a release
    /// root (releases/ and lib/), or a release tarball (.tar.gz).
    #[arg(long, value_name = "REL")]
    to: PathBuf,
    /// A release to upgrade from (repeatable; same forms as --to, or a
    /// version of the --to root).
    #[arg(long = "from", value_name = "REL")]
    from: Vec<PathBuf>,
    /// A release to downgrade to (repeatable); defaults to the --from list.
    #[arg(long = "down", value_name = "REL")]
    down: Vec<PathBuf>,
    /// A library folder holding APP-VSN/ebin folders (repeatable); searched
    /// after each release's own lib/ folder.
    #[arg(long = "lib", value_name = "DIR")]
    lib: Vec<PathBuf>,
    /// Write the relup here instead of to standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Write the relup into the --to release folder, as
    /// `releases/VSN/relup` (replacing the one there).
    #[arg(long, conflicts_with = "output")]
    install: bool,
    /// Replace the --output file if it exists.
    #[arg(long)]
    force: bool,
    /// Generate and check, but write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Add restart_emulator at the end of every script.
    #[arg(long)]
    restart_emulator: bool,
    /// Fail if there are warnings.
    #[arg(long)]
    warnings_as_errors: bool,
}

/// Exit status when an input could not be read or the output not written.
const COULD_NOT_RUN: u8 = 2;

/// Runs `erlrel relup`: the relup on stdout or in `--output` (exit 0); exit
/// 1 when the releases were read and are rejected (a bad `.rel`, `.app` or
/// appup, a missing application, warnings with `--warnings-as-errors`);
/// exit 2 when an input is missing, unreadable or not a file or folder, or
/// the output cannot be written.
pub fn run(args: &Args) -> ExitCode {
    let from: Vec<PathBuf> = args.from.iter().map(|p| version_of_to(args, p)).collect();
    let down: Vec<PathBuf> = args.down.iter().map(|p| version_of_to(args, p)).collect();
    let releases = std::iter::once(&args.to).chain(&from).chain(&down);
    for path in releases {
        if let Err(e) = check_input(path, false) {
            eprintln!("error: {e}");
            return ExitCode::from(COULD_NOT_RUN);
        }
    }
    for path in &args.lib {
        if let Err(e) = check_input(path, true) {
            eprintln!("error: {e}");
            return ExitCode::from(COULD_NOT_RUN);
        }
    }
    let with_desc = |v: &[PathBuf]| -> Vec<(PathBuf, Term)> {
        v.iter().map(|p| (p.clone(), Term::nil())).collect()
    };
    let up = with_desc(&from);
    let down = if down.is_empty() {
        up.clone()
    } else {
        with_desc(&down)
    };
    let opts = relup::Options {
        restart_emulator: args.restart_emulator,
        warnings_as_errors: args.warnings_as_errors,
    };
    let generated = match relup::make_relup_from_paths(&args.to, &up, &down, &args.lib, opts) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("error: {}", escape(&e.to_string()));
            return crate::upgrade::failure_status(e.is_rejected_input());
        }
    };
    for w in generated.warnings.iter().rev() {
        eprintln!("warning: {}", escape(&warning_text(w)));
    }
    let text = generated.relup.to_file_text();
    if args.install {
        return install(args, &generated.relup.top_vsn, text);
    }
    let written = match &args.output {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| (Path::new("standard output"), e))
        }
        Some(path) => {
            let opts = crate::write::WriteOptions {
                force: args.force,
                dry_run: args.dry_run,
                show_diff: true,
            };
            return match crate::write::write_new_files(
                vec![(path.clone(), text.into_bytes())],
                opts,
            ) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(COULD_NOT_RUN)
                }
            };
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err((_, e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(COULD_NOT_RUN),
        Err((path, e)) => {
            eprintln!("error: cannot write {}", erlterm::file_error(path, &e));
            ExitCode::from(COULD_NOT_RUN)
        }
    }
}

/// A release input must be a readable file or folder; a `--lib` input a
/// readable folder. FIFOs, devices and sockets are refused before anything
/// reads them (a FIFO would block the reader).
fn check_input(path: &Path, folder_only: bool) -> Result<(), erlterm::Error> {
    let meta = std::fs::metadata(path).map_err(|e| erlterm::file_error(path, &e))?;
    if meta.is_dir() {
        std::fs::read_dir(path).map_err(|e| erlterm::file_error(path, &e))?;
        return Ok(());
    }
    let wanted = if folder_only {
        "a folder"
    } else {
        "a .rel file, a release folder or a tarball"
    };
    if let Some(e) = erlterm::file_kind_error(path, &meta.file_type(), wanted) {
        return Err(e);
    }
    if folder_only {
        let shown = erlterm::diagnostic::escape_path(path);
        return Err(erlterm::Error {
            kind: erlterm::ErrorKind::Io {
                posix: "enotdir".into(),
                message: format!("{shown}: is a regular file, not {wanted}"),
            },
            span: erlterm::Span::default(),
            expected: None,
            help: None,
        });
    }
    // Opened (without blocking) to see that it can be read.
    erlterm::open_file(path, u64::MAX).map(|_| ())
}

/// A warning, with versions written as strings (`"1.0"`, not `[49,46,48]`).
fn warning_text(w: &relup::Warning) -> String {
    match w {
        relup::Warning::BadVsn { appup_vsn, app_vsn } => match appup_vsn.as_string() {
            Some(vsn) => {
                format!("{vsn:?} does not match application version {app_vsn:?} in .appup file")
            }
            None => w.to_string(),
        },
        _ => w.to_string(),
    }
}

fn escape(text: &str) -> String {
    erlterm::diagnostic::escape_control(text).into_owned()
}

/// `--from VSN` / `--down VSN`: the `.rel` file of release VSN of the
/// `--to` root, when no file of that name exists.
fn version_of_to(args: &Args, given: &Path) -> PathBuf {
    if given.exists() || !args.to.is_dir() {
        return given.to_path_buf();
    }
    given
        .to_str()
        .and_then(|v| relup::ReleaseInput::open_version(&args.to, Some(v)).ok())
        .filter(|i| matches!(*i.tree, relup::input::Tree::Disk))
        .map_or_else(|| given.to_path_buf(), |i| PathBuf::from(i.rel_file))
}

/// `relup --install`: the relup written to `releases/VSN/relup` of the
/// `--to` release root, an edit of the one there if there is one.
fn install(args: &Args, vsn: &str, text: String) -> ExitCode {
    let root = relup::ReleaseInput::open(&args.to)
        .ok()
        .filter(|i| matches!(*i.tree, relup::input::Tree::Disk))
        .and_then(|i| i.root());
    let Some(root) = root else {
        eprintln!(
            "error: {}: --install needs a release folder (releases/VSN/NAME.rel), not a tarball or a lone .rel",
            erlterm::diagnostic::escape_path(&args.to)
        );
        return ExitCode::from(COULD_NOT_RUN);
    };
    let path = Path::new(&root).join("releases").join(vsn).join("relup");
    let opts = crate::write::WriteOptions {
        force: args.force,
        dry_run: args.dry_run,
        show_diff: true,
    };
    // The relup there is edited; only a regular file is read, without
    // blocking (a FIFO or a link to a device there is refused, not read).
    let exists =
        !matches!(std::fs::metadata(&path), Err(e) if e.kind() == std::io::ErrorKind::NotFound);
    let written = if exists {
        match erlterm::read_file_with_limit(&path, erlterm::DEFAULT_MAX_FILE_BYTES) {
            Ok(old) => {
                crate::write::write_files(Vec::new(), vec![(path, old, text.into_bytes())], opts)
            }
            Err(e) => Err(escape(&e.to_string())),
        }
    } else {
        crate::write::write_new_files(vec![(path, text.into_bytes())], opts)
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(COULD_NOT_RUN)
        }
    }
}
