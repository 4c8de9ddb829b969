//! `erlrel appup ...` (owned by the appup crate's work).

use std::process::ExitCode;

/// Appup subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Print the instructions of the entry that matches a version.
    Match(MatchArgs),
}

/// Arguments of `erlrel appup match`.
#[derive(clap::Args)]
pub struct MatchArgs {
    /// The .appup file.
    file: std::path::PathBuf,
    /// The version to upgrade from (or downgrade to, with --down).
    vsn: String,
    /// Search the downgrade entries.
    #[arg(long)]
    down: bool,
}

pub fn run(cmd: &Command) -> ExitCode {
    match cmd {
        Command::Match(_) => ExitCode::FAILURE,
    }
}
