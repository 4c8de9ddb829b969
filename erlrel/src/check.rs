//! `erlrel check FILE...`.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `erlrel check`.
#[derive(clap::Args)]
pub struct Args {
    /// Files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(args: &Args) -> ExitCode {
    let mut failed = false;
    for file in &args.files {
        match std::fs::read_to_string(file) {
            Ok(text) => {
                if let Err(e) = erlterm::parse_str(&text) {
                    eprintln!("error: {}: {e}", file.display());
                    failed = true;
                }
            }
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
