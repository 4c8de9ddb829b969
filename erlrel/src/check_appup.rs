//! `erlrel check` for `.appup` and `.appup.src` files.

use std::path::Path;

use crate::check::{Finding, Kind};

/// Parse errors and lints of an appup file.
pub fn check(_kind: Kind, _path: &Path, text: &str) -> Vec<Finding> {
    match erlterm::parse_str(text) {
        Ok(_) => Vec::new(),
        Err(e) => vec![Finding::from_parse_error(&e)],
    }
}
