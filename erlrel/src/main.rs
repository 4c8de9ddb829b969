//! `erlrel`: Erlang/OTP release files from the command line.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

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

fn main() -> ExitCode {
    let cli = Cli::parse();
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
