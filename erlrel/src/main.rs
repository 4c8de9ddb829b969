//! `erlrel`: Erlang/OTP release files from the command line.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

mod appup_cmd;
mod appup_gen;
mod audit;
mod check;
mod check_appup;
mod check_config;
mod consult;
mod relup_cmd;
mod upgrade;
mod vsn;
mod write;

/// Read, check and generate Erlang/OTP release files without an Erlang VM.
#[derive(Parser)]
#[command(name = "erlrel", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print each term of a file in canonical form, as file:consult/1 reads it.
    Consult(consult::Args),
    /// Report parse errors, model errors and lints in release files.
    Check(check::Args),
    /// Appup files: match a version, generate appups from two releases, check completeness.
    #[command(subcommand)]
    Appup(appup_cmd::Command),
    /// Generate a relup equal to systools:make_relup.
    Relup(relup_cmd::Args),
    /// Upgrades as a whole: check before deploying that a release can be hot-upgraded.
    #[command(subcommand)]
    Upgrade(upgrade::Command),
    /// Check a release's runtime for build hardening, libraries and OTP version.
    Audit(audit::Args),
    /// Show, set or bump application, release and appup versions without losing a comment.
    #[command(subcommand)]
    Vsn(vsn::Command),
}

/// The exit-status scheme, shared by every subcommand and printed at the end
/// of each one's `--help`.
const EXIT_STATUS: &str = "Exit status: 0 success; 1 the input was read and is rejected or has \
error findings; 2 could not run (bad usage, a missing, unreadable or not-regular input, an I/O \
failure).";

/// The command line, with [`EXIT_STATUS`] at the end of every command's help
/// (after what a command already prints there, such as `upgrade check`'s
/// list of findings).
fn command() -> clap::Command {
    fn with_status(cmd: clap::Command) -> clap::Command {
        // A command that states its own exit status keeps its wording.
        let add = |own: Option<&clap::builder::StyledStr>| match own.map(ToString::to_string) {
            Some(own) if own.contains("Exit status") => own,
            Some(own) => format!("{own}\n\n{EXIT_STATUS}"),
            None => EXIT_STATUS.to_string(),
        };
        let short = add(cmd.get_after_help());
        let long = add(cmd.get_after_long_help());
        cmd.after_help(short)
            .after_long_help(long)
            .mut_subcommands(with_status)
    }
    with_status(Cli::command())
}

/// Whether the command line asks for `--format json` (so that a usage
/// error is also reported as JSON on stdout).
fn wants_json(args: &[std::ffi::OsString]) -> bool {
    args.iter()
        .zip(args.iter().skip(1))
        .any(|(a, b)| a == "--format" && b == "json")
        || args.iter().any(|a| a == "--format=json")
}

/// Exits on a usage error (2), after printing it as the JSON error object
/// of `--format json` on stdout when that was asked for: a script reading
/// stdout gets valid JSON on every error path.
fn usage_error(e: clap::Error, args: &[std::ffi::OsString]) -> ! {
    use clap::error::ErrorKind;
    let shown = matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
        || matches!(
            e.kind(),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
    if !shown && wants_json(args) {
        let text = e.render().to_string();
        let message = text.lines().next().unwrap_or_default();
        let message = message.strip_prefix("error: ").unwrap_or(message);
        upgrade::print_error_json(false, message, None);
    }
    e.exit()
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let matches = command()
        .try_get_matches_from(&args)
        .unwrap_or_else(|e| usage_error(e, &args));
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => usage_error(e, &args),
    };
    match cli.command {
        Command::Consult(args) => consult::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Appup(cmd) => appup_cmd::run(&cmd),
        Command::Relup(args) => relup_cmd::run(&args),
        Command::Upgrade(cmd) => upgrade::run(&cmd),
        Command::Audit(args) => audit::run(&args),
        Command::Vsn(cmd) => vsn::run(&cmd),
    }
}
