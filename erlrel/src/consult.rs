//! `erlrel consult FILE`: print each term as `file:consult/1` reads it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `erlrel consult`.
#[derive(clap::Args)]
pub struct Args {
    /// The term file to read.
    file: PathBuf,
    /// Print exactly what the OTP oracle (`consult.escript`) prints: the
    /// terms, or `error <reason>` on stdout (exit status 1).
    #[arg(long)]
    otp: bool,
}

/// Runs the subcommand: terms one per line in canonical form (exit 0), or a
/// diagnostic on stderr (exit 1).
pub fn run(args: &Args) -> ExitCode {
    let name = args.file.display().to_string();
    let bytes = match erlterm::read_file(&args.file) {
        Ok(b) => b,
        Err(e) => return fail(args, &e, "", &name),
    };
    match erlterm::parse_bytes(&bytes) {
        Ok(terms) => {
            let mut out = String::new();
            for t in &terms {
                out.push_str(&t.to_string());
                out.push('\n');
            }
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            let text = erlterm::encoding::decode_for_display(&bytes);
            fail(args, &e, &text, &name)
        }
    }
}

fn fail(args: &Args, e: &erlterm::Error, text: &str, name: &str) -> ExitCode {
    if args.otp {
        println!("error {}", e.otp_reason());
    } else {
        eprint!("{}", e.render(text, name));
    }
    ExitCode::FAILURE
}
