//! Prints what the conformance oracles print, computed by this crate:
//!
//! - `config_oracle vm-args FILE`: like `oracle/vm_args.sh FILE`
//!   (nested `-args_file` names relative to the current directory);
//! - `config_oracle sys-config DIR`: like `oracle/sys_config.sh DIR`
//!   (a VM crash prints as `error <crash>`).
//!
//! Used by `scripts/live-config.sh`.
#![forbid(unsafe_code)]

use std::path::Path;
use std::process::ExitCode;

use relx_config::sys_config;
use relx_config::vm_args::{self, VmArgs};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lines = match args.as_slice() {
        [mode, path] if mode == "vm-args" => vm_args_lines(Path::new(path)),
        [mode, dir] if mode == "sys-config" => sys_config::oracle_report(Path::new(dir)),
        _ => {
            eprintln!("usage: config_oracle vm-args FILE | sys-config DIR");
            return ExitCode::from(2);
        }
    };
    for l in lines {
        println!("{l}");
    }
    ExitCode::SUCCESS
}

fn vm_args_lines(path: &Path) -> Vec<String> {
    let text = match std::fs::read(path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => return vec![format!("error {e}")],
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    match VmArgs::parse(&text).expand_from_dir(&cwd) {
        Ok(args) => vm_args::oracle_lines(&args),
        Err(e) => vec![format!("error {e}")],
    }
}
