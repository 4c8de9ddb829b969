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

fn main() -> ExitCode {
    let cli = match Cli::from_arg_matches(&command().get_matches()) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
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
