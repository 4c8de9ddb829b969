//! `erlrel audit RELEASE` (owned by the audit work).

use std::process::ExitCode;

/// Arguments of `erlrel audit`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: &Args) -> ExitCode {
    ExitCode::FAILURE
}
