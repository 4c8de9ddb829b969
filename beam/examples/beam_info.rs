//! Prints, for each `.beam` file, the line `tests/beam_info.escript` prints
//! with `beam_lib`: `FILE MODULE MD5 BEHAVIOURS EXPORTS IMPORTS ATTRIBUTES
//! COMPILE_INFO`, tab-separated (`FILE error` when the file is refused).
//! File names come from the arguments, or from stdin with `-`.
//!
//! `cargo run -p beamfile --example beam_info -- FILE...`

use std::io::{BufRead, Write};

#[path = "../tests/common/mod.rs"]
mod common;

fn main() {
    let mut files: Vec<String> = std::env::args().skip(1).collect();
    if files == ["-"] {
        files = std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .collect();
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for f in &files {
        let text = match common::info_line(f, f) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("{f}: {e}");
                format!("{f}\terror")
            }
        };
        if writeln!(out, "{text}").is_err() {
            return;
        }
    }
}
