//! `erlrel consult FILE`: print each term as `file:consult/1` reads it.

use std::fs::File;
use std::io::{Read, Seek, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `erlrel consult`.
#[derive(clap::Args)]
pub struct Args {
    /// The term file to read (a regular file; FIFOs and devices are refused).
    file: PathBuf,
    /// Print exactly what the OTP oracle (`consult.escript`) prints: the
    /// terms, or `error <reason>` on stdout (and no term) if the file is
    /// rejected. The file is then read twice: checked, then printed.
    #[arg(long)]
    otp: bool,
    /// Refuse files larger than this many bytes, and terms longer than
    /// this (default 2147483648, 2 GiB).
    #[arg(long, value_name = "N", default_value_t = erlterm::DEFAULT_MAX_FILE_BYTES)]
    max_bytes: u64,
}

/// Exit status when the file could not be read (missing, unreadable, not a
/// regular file, too large) or the output could not be written.
const COULD_NOT_RUN: u8 = 2;

/// Runs the subcommand: terms one per line in canonical form (exit 0),
/// printed as they are read, so memory is one term and not the file; a
/// diagnostic on stderr for a file that was read and rejected, after the
/// terms before the error (exit 1), or that could not be read (exit 2).
pub fn run(args: &Args) -> ExitCode {
    let name = erlterm::diagnostic::escape_path(&args.file);
    let file = match erlterm::open_file(&args.file, args.max_bytes) {
        Ok((file, _len)) => file,
        Err(e) => {
            fail(args, &e, "");
            return ExitCode::from(COULD_NOT_RUN);
        }
    };
    if args.otp {
        // The oracle prints the terms only once they all are read: check
        // the whole file first, then rewind and print.
        if let Some(code) = check(args, &file, &name) {
            return code;
        }
        if let Err(e) = (&file).rewind() {
            fail(args, &erlterm::file_error(&args.file, &e), "");
            return ExitCode::from(COULD_NOT_RUN);
        }
    }
    let mut terms = reader(args, &file, &name);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut written = Ok(());
    let mut failed = None;
    for item in terms.by_ref() {
        match item {
            Ok(t) => {
                written = writeln!(out, "{t}");
                if written.is_err() {
                    break;
                }
            }
            Err(e) => failed = Some(e),
        }
    }
    if written.is_ok() {
        written = out.flush();
    }
    drop(out);
    match written {
        Ok(()) => {}
        // `erlrel consult ... | head`: the reader left, nothing to report.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            return ExitCode::from(COULD_NOT_RUN)
        }
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            return ExitCode::from(COULD_NOT_RUN);
        }
    }
    match failed {
        None => ExitCode::SUCCESS,
        Some(e) => report(args, &terms, e),
    }
}

type Terms<'f> = erlterm::TermReader<Capped<&'f File>>;

fn reader<'f>(args: &Args, file: &'f File, name: &str) -> Terms<'f> {
    let opts = erlterm::ParseOptions {
        max_input_bytes: usize::try_from(args.max_bytes).unwrap_or(usize::MAX),
        ..erlterm::ParseOptions::default()
    };
    let capped = Capped {
        inner: file,
        read: 0,
        max: args.max_bytes,
        grew: false,
    };
    erlterm::TermReader::with_options(capped, opts).name(name)
}

/// Reads every term of the file, printing nothing; the exit status if the
/// file is rejected or unreadable.
fn check(args: &Args, file: &File, name: &str) -> Option<ExitCode> {
    let mut terms = reader(args, file, name);
    let e = terms.by_ref().find_map(Result::err)?;
    Some(report(args, &terms, e))
}

/// Reports the error that ended `terms`: exit 2 if the file could not be
/// read, 1 if it is rejected.
fn report(args: &Args, terms: &Terms<'_>, e: erlterm::Error) -> ExitCode {
    let io = matches!(e.kind, erlterm::ErrorKind::Io { .. });
    let e = if terms.get_ref().grew {
        grew_error(args)
    } else {
        e
    };
    if args.otp {
        println!("error {}", e.otp_reason());
    } else {
        let mut message = terms.render_error(&e, &erlterm::diagnostic::escape_path(&args.file));
        if !message.ends_with('\n') {
            message.push('\n');
        }
        eprint!("{message}");
    }
    if io {
        ExitCode::from(COULD_NOT_RUN)
    } else {
        ExitCode::FAILURE
    }
}

/// The error of a file that grew past `--max-bytes` while being read, as
/// [`erlterm::read_file_with_limit`] words it.
fn grew_error(args: &Args) -> erlterm::Error {
    let shown = erlterm::diagnostic::escape_path(&args.file);
    erlterm::Error {
        kind: erlterm::ErrorKind::Io {
            posix: "efbig".into(),
            message: format!(
                "{shown}: grew past the limit of {} bytes while being read",
                args.max_bytes
            ),
        },
        span: erlterm::Span::default(),
        expected: None,
        help: None,
    }
}

/// A reader that fails once it has read more than `max` bytes (the file
/// grew after its size was checked).
struct Capped<R> {
    inner: R,
    read: u64,
    max: u64,
    grew: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // One byte past the limit is enough to know.
        let room = self.max.saturating_add(1).saturating_sub(self.read);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(buf.get_mut(..want).unwrap_or_default())?;
        self.read = self.read.saturating_add(n as u64);
        if self.read > self.max {
            self.grew = true;
            return Err(std::io::Error::other("grew past the limit"));
        }
        Ok(n)
    }
}

fn fail(args: &Args, e: &erlterm::Error, text: &str) {
    if args.otp {
        println!("error {}", e.otp_reason());
    } else {
        let name = erlterm::diagnostic::escape_path(&args.file);
        let mut message = e.render(text, &name);
        if !message.ends_with('\n') {
            message.push('\n');
        }
        eprint!("{message}");
    }
}
