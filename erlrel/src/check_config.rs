//! `erlrel check` for rebar.config, .app(.src), sys.config(.src), vm.args(.src).

use std::path::Path;

use crate::check::{Finding, Kind};

/// Parse and model errors of a configuration file.
pub fn check(_kind: Kind, _path: &Path, text: &str) -> Vec<Finding> {
    match erlterm::parse_str(text) {
        Ok(_) => Vec::new(),
        Err(e) => vec![Finding::from_parse_error(&e)],
    }
}
