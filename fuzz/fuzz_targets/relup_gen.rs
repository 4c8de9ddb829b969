//! relup: release loading (`.rel`, `.app`, `.appup` read from an in-memory
//! tree) and relup generation, up and down.
//!
//! Input: NUL-separated files: the new `.rel`, the old `.rel`, then pairs
//! of an `.app` file and its `.appup` (may be empty). Each `.app` goes to
//! `lib/NAME-I/ebin/NAME.app`, NAME being the atom it names.
#![no_main]
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use relup::input::Tree;
use relup::{BaseRelease, Library, LoadedRelease, Options, ReleaseInput};

fn app_name(text: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(text).ok()?;
    let head = text.split_once('.').map_or(text, |(h, _)| h);
    let t = erlterm::parse_str(&format!("{head}.")).ok()?;
    let name = t.first()?.as_tuple()?.get(1)?.as_atom()?.to_owned();
    (!name.is_empty() && !name.contains(['/', '\\']) && name != "..").then_some(name)
}

fuzz_target!(|data: &[u8]| {
    let mut parts = data.split(|&b| b == 0);
    let (Some(new_rel), Some(old_rel)) = (parts.next(), parts.next()) else {
        return;
    };
    let mut files = BTreeMap::new();
    let mut dirs = BTreeSet::new();
    files.insert("releases/2/r.rel".to_owned(), new_rel.to_vec());
    files.insert("releases/1/r.rel".to_owned(), old_rel.to_vec());
    let rest: Vec<&[u8]> = parts.collect();
    for (i, pair) in rest.chunks(2).enumerate().take(32) {
        let Some(name) = pair.first().and_then(|a| app_name(a)) else {
            continue;
        };
        let dir = format!("lib/{name}-{i}/ebin");
        files.insert(format!("{dir}/{name}.app"), pair[0].to_vec());
        if let Some(appup) = pair.get(1).filter(|a| !a.is_empty()) {
            files.insert(format!("{dir}/{name}.appup"), appup.to_vec());
        }
        dirs.insert("lib".to_owned());
        dirs.insert(format!("lib/{name}-{i}"));
        dirs.insert(dir);
    }
    dirs.insert("releases".to_owned());
    dirs.insert("releases/1".to_owned());
    dirs.insert("releases/2".to_owned());
    let tree = Arc::new(Tree::Memory {
        origin: "fuzz.tar.gz".into(),
        files,
        dirs,
    });
    let input = |rel: &str| ReleaseInput {
        tree: Arc::clone(&tree),
        rel_file: rel.to_owned(),
        lib_roots: vec!["lib".to_owned()],
    };
    let extra = Library::new();
    let Ok(new) = LoadedRelease::load(&input("releases/2/r.rel"), &extra) else {
        return;
    };
    for app in &new.apps {
        let _ = new.read_appup(app);
    }
    let Ok(old) = LoadedRelease::load(&input("releases/1/r.rel"), &extra) else {
        return;
    };
    let base = [BaseRelease::new(Arc::new(old))];
    for restart_emulator in [false, true] {
        let opts = Options {
            restart_emulator,
            warnings_as_errors: false,
        };
        if let Ok(out) = relup::make_relup(&new, &base, &base, opts) {
            let text = out.relup.to_file_text();
            let term = out.relup.to_term();
            assert_eq!(relup::Relup::from_term(&term).as_ref(), Some(&out.relup));
            let back = erlterm::parse_str(&text).expect("relup file text parses");
            assert_eq!(back.first(), Some(&term));
        }
    }
});
