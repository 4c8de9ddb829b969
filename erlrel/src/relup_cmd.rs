//! `erlrel relup`: generate a relup equal to `systools:make_relup/4`.

use std::path::PathBuf;
use std::process::ExitCode;

use erlterm::Term;

/// Arguments of `erlrel relup`.
#[derive(clap::Args)]
pub struct Args {
    /// The new release: a .rel file, a folder with one .rel file, a release
    /// root (releases/ and lib/), or a release tarball (.tar.gz).
    #[arg(long, value_name = "REL")]
    to: PathBuf,
    /// A release to upgrade from (repeatable; same forms as --to).
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
    /// Add restart_emulator at the end of every script.
    #[arg(long)]
    restart_emulator: bool,
    /// Fail if there are warnings.
    #[arg(long)]
    warnings_as_errors: bool,
}

/// Runs `erlrel relup`.
pub fn run(args: &Args) -> ExitCode {
    let with_desc = |v: &[PathBuf]| -> Vec<(PathBuf, Term)> {
        v.iter().map(|p| (p.clone(), Term::nil())).collect()
    };
    let up = with_desc(&args.from);
    let down = if args.down.is_empty() {
        up.clone()
    } else {
        with_desc(&args.down)
    };
    let opts = relup::Options {
        restart_emulator: args.restart_emulator,
        warnings_as_errors: args.warnings_as_errors,
    };
    let generated = match relup::make_relup_from_paths(&args.to, &up, &down, &args.lib, opts) {
        Ok(g) => g,
        Err(e) => {
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    for w in generated.warnings.iter().rev() {
        eprintln!("warning: {w}");
    }
    let text = generated.relup.to_file_text();
    match &args.output {
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", path.display());
                ExitCode::FAILURE
            }
        },
    }
}

fn report(e: &relup::Error) {
    eprintln!("error: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        eprintln!("  caused by: {s}");
        source = s.source();
    }
}
