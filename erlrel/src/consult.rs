//! `erlrel consult FILE`: print each term as `file:consult/1` reads it.

use std::io::Write;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `erlrel consult`.
#[derive(clap::Args)]
pub struct Args {
    /// The term file to read (a regular file; FIFOs and devices are refused).
    file: PathBuf,
    /// Print exactly what the OTP oracle (`consult.escript`) prints: the
    /// terms, or `error <reason>` on stdout.
    #[arg(long)]
    otp: bool,
    /// Refuse files larger than this many bytes (default 2147483648, 2 GiB).
    #[arg(long, value_name = "N", default_value_t = erlterm::DEFAULT_MAX_FILE_BYTES)]
    max_bytes: u64,
}

/// Exit status when the file could not be read (missing, unreadable, not a
/// regular file, too large) or the output could not be written.
const COULD_NOT_RUN: u8 = 2;

/// Runs the subcommand: terms one per line in canonical form (exit 0); a
/// diagnostic on stderr for a file that was read and rejected (exit 1) or
/// that could not be read (exit 2).
pub fn run(args: &Args) -> ExitCode {
    let name = erlterm::diagnostic::escape_path(&args.file);
    let bytes = match erlterm::read_file_with_limit(&args.file, args.max_bytes) {
        Ok(b) => b,
        Err(e) => {
            fail(args, &e, "", &name);
            return ExitCode::from(COULD_NOT_RUN);
        }
    };
    let opts = erlterm::ParseOptions {
        max_input_bytes: usize::try_from(args.max_bytes).unwrap_or(usize::MAX),
        ..erlterm::ParseOptions::default()
    };
    // Each term is printed as soon as it is parsed and then dropped: memory
    // is the file and one term, not every term and the whole output.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut write_error = None;
    let parsed = erlterm::parse_bytes_each(&bytes, &opts, |t| match writeln!(out, "{t}") {
        Ok(()) => ControlFlow::Continue(()),
        Err(e) => {
            write_error = Some(e);
            ControlFlow::Break(())
        }
    });
    if let Err(e) = parsed {
        let text = erlterm::encoding::decode_for_display(&bytes);
        fail(args, &e, &text, &name);
        return ExitCode::FAILURE;
    }
    let written = match write_error {
        Some(e) => Err(e),
        None => out.flush(),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        // `erlrel consult ... | head`: the reader left, nothing to report.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(COULD_NOT_RUN),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(COULD_NOT_RUN)
        }
    }
}

fn fail(args: &Args, e: &erlterm::Error, text: &str, name: &str) {
    if args.otp {
        println!("error {}", e.otp_reason());
    } else {
        let mut message = e.render(text, name);
        if !message.ends_with('\n') {
            message.push('\n');
        }
        eprint!("{message}");
    }
}
