//! `erlrel relup ...` (owned by the relup crate's work).

use std::process::ExitCode;

/// Arguments of `erlrel relup`.
#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: &Args) -> ExitCode {
    ExitCode::FAILURE
}
