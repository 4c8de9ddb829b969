//! `erlrel consult FILE`.

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `erlrel consult`.
#[derive(clap::Args)]
pub struct Args {
    /// The term file to read.
    file: PathBuf,
}

pub fn run(args: &Args) -> ExitCode {
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}: {e}", args.file.display());
            return ExitCode::FAILURE;
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    match erlterm::parse_str(&text) {
        Ok(terms) => {
            let mut out = String::new();
            for t in &terms {
                out.push_str(&t.to_string());
                out.push('\n');
            }
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.file.display());
            ExitCode::FAILURE
        }
    }
}
