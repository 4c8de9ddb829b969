//! Every command's `--help` states the exit-status scheme (0 success, 1
//! rejected input or error findings, 2 could not run). Subcommands are
//! discovered from the help itself, so a new one cannot be missed.

#![allow(clippy::expect_used, clippy::panic)] // test code

use std::process::Command;

fn help(path: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_erlrel"))
        .args(path)
        .arg("--help")
        .output()
        .expect("run erlrel");
    assert!(out.status.success(), "{path:?} --help failed");
    String::from_utf8(out.stdout).expect("UTF-8 help")
}

/// The subcommand names listed under `Commands:` (clap's own `help` left out).
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_command_help_states_the_exit_status() {
    let mut todo = vec![Vec::<String>::new()];
    let mut seen = 0;
    while let Some(path) = todo.pop() {
        let text = help(&path);
        let status = text
            .lines()
            .find(|l| l.starts_with("Exit status:"))
            .unwrap_or_else(|| {
                panic!(
                    "`erlrel {}` --help has no exit status:\n{text}",
                    path.join(" ")
                )
            });
        for code in ["0 ", "1 ", "2 could not run"] {
            assert!(status.contains(code), "{path:?}: {status}");
        }
        for name in subcommands(&text) {
            let mut sub = path.clone();
            sub.push(name);
            todo.push(sub);
        }
        seen += 1;
    }
    // erlrel, its 7 commands and the appup, upgrade and vsn subcommands.
    assert!(seen >= 15, "only {seen} commands found");
}
