//! `erlrel audit RELEASE`: check a release's runtime and native code for
//! build hardening, the shared library versions it needs, and its OTP
//! version, before deploying it. The work is done by the `release-audit`
//! crate; this module is the command line.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use release_audit::symbol_versions::parse_dotted;
use release_audit::{audit_release, Check, Policy};

/// Arguments of `erlrel audit`.
#[derive(clap::Args)]
pub struct Args {
    /// A release folder (with erts-*/bin, lib/*/priv, releases/) or a .tar.gz release tarball.
    release: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Fail when an ELF file needs a GLIBC symbol version newer than this (e.g. 2.31).
    #[arg(long, value_name = "VERSION")]
    target_glibc: Option<String>,
    /// Fail when the release's OTP major release is below this (e.g. 26).
    #[arg(long, value_name = "MAJOR")]
    min_otp: Option<u32>,
    /// Report a hardening check but do not fail on it (repeatable).
    #[arg(long, value_enum, value_name = "CHECK")]
    ignore: Vec<CheckArg>,
    /// Also fail on a check that is advisory by default, such as cf-protection (repeatable).
    #[arg(long, value_enum, value_name = "CHECK")]
    require: Vec<CheckArg>,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people.
    Human,
    /// One JSON object, for CI.
    Json,
}

/// Hardening checks, by their option names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckArg {
    /// Position independent executable.
    Pie,
    /// Stack protector.
    StackProtector,
    /// Fortify source functions.
    Fortify,
    /// Read-only relocations.
    Relro,
    /// Immediate binding.
    BindNow,
    /// Non-executable stack.
    NxStack,
    /// Control flow integrity (IBT, SHSTK).
    CfProtection,
}

impl From<CheckArg> for Check {
    fn from(c: CheckArg) -> Check {
        match c {
            CheckArg::Pie => Check::Pie,
            CheckArg::StackProtector => Check::StackProtector,
            CheckArg::Fortify => Check::Fortify,
            CheckArg::Relro => Check::Relro,
            CheckArg::BindNow => Check::BindNow,
            CheckArg::NxStack => Check::NxStack,
            CheckArg::CfProtection => Check::CfProtection,
        }
    }
}

/// Runs the audit; exits 0 when it passes, 1 when a check fails or the
/// folder or tarball is not a release, 2 when the release cannot be read
/// (missing, unreadable, not a folder or regular file) or the arguments are
/// invalid.
pub fn run(args: &Args) -> ExitCode {
    let mut policy = Policy {
        min_otp: args.min_otp,
        ..Policy::default()
    };
    if let Some(text) = &args.target_glibc {
        match parse_dotted(text) {
            Some(v) => policy.target_glibc = Some(v),
            None => {
                let message = format!("--target-glibc {text:?} is not a version such as 2.31");
                eprintln!("error: {message}");
                if args.format == Format::Json {
                    crate::upgrade::print_error_json(false, &message, None);
                }
                return crate::upgrade::failure_status(false);
            }
        }
    }
    for c in &args.require {
        policy.enforced.insert((*c).into());
    }
    for c in &args.ignore {
        policy.enforced.remove(&(*c).into());
    }
    let report = match audit_release(&args.release, &policy) {
        Ok(r) => r,
        Err(e) => {
            let message = crate::upgrade::escape(&e.to_string());
            eprintln!("error: {message}");
            // A folder or tarball read and found not to be a release is
            // rejected (1); one that could not be read, could not run (2).
            let rejected = e.is_rejected_input();
            if args.format == Format::Json {
                let path = e.path().map(erlterm::diagnostic::escape_path);
                crate::upgrade::print_error_json(rejected, &message, path.as_deref());
            }
            return crate::upgrade::failure_status(rejected);
        }
    };
    let text = match args.format {
        Format::Human => report.render_table(),
        Format::Json => match report.to_json() {
            Ok(json) => json + "\n",
            Err(e) => {
                eprintln!("error: cannot write JSON: {e}");
                return ExitCode::from(2);
            }
        },
    };
    // A closed pipe (`erlrel audit ... | head`) is not worth a panic.
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
