//! appup: the model, the lints, `.appup.src` templates and version
//! matching (PCRE patterns translated to `regex`) with a fuzzed version.
//!
//! Input: the version to look up, a newline, then the appup text.
#![no_main]
use libfuzzer_sys::fuzz_target;

use appup::{Appup, Direction};

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        // Raw bytes still make a pattern.
        if let Ok(re) = appup::VsnRegex::compile(data) {
            let _ = re.whole_match("1.0.0");
        }
        return;
    };
    let (vsn, text) = src.split_once('\n').unwrap_or(("1.0", src));
    // Every line is also a pattern matched against the version.
    for line in text.lines().take(4) {
        if let Ok(re) = appup::VsnRegex::compile(line.as_bytes()) {
            let _ = re.whole_match(vsn);
            let _ = re.first_match(vsn);
            let _ = re.translated();
        }
    }
    if let Ok(appup) = Appup::parse(text) {
        for dir in [Direction::Up, Direction::Down] {
            let _ = appup.find(vsn, dir);
        }
        let term = appup.to_term();
        for dir in [Direction::Up, Direction::Down] {
            let _ = appup::find_instructions(&term, vsn, dir);
        }
        let opts = appup::lint::LintOptions {
            app_modules: Some(vec!["m".into(), vsn.into()]),
            app_vsn: Some(vsn.into()),
        };
        let _ = appup::lint::lint(&appup, &opts);
        let _ = appup::lint::lint(&appup, &Default::default());
    }
    if let Ok(terms) = erlterm::parse_str(text) {
        for t in terms.iter().take(2) {
            for dir in [Direction::Up, Direction::Down] {
                let _ = appup::find_instructions(t, vsn, dir);
            }
            let _ = appup::version_matches(t, vsn);
        }
    }
    if let Ok(nodes) = erlterm::parse_nodes(text) {
        for n in nodes.iter().take(2) {
            if let Some(items) = n.as_list() {
                let _ = appup::instruction::parse_script(items);
                let _ = appup::instruction::expand_script(items);
            }
        }
    }
    let _ = appup::template::render(text, vsn);
    let _ = Appup::parse_src(text, vsn);
});
