//! The `erlrel` command-line tool.
fn main() {}
