//! erlterm::document: an unedited document prints its input byte for byte,
//! its terms are `parse_str`'s, and edits keep a file that parses to the
//! document's own terms; whatever scans round-trips as `Tokens`.
#![no_main]
use erlterm::document::{Document, Path};
use erlterm::{Node, Term};
use libfuzzer_sys::fuzz_target;

/// A few paths into the first term: each index down the first children.
fn paths(nodes: &[Node]) -> Vec<Path> {
    let mut out = Vec::new();
    let Some(first) = nodes.first() else {
        return out;
    };
    let mut path = Path::term(0);
    let mut cur = first;
    out.push(path.clone());
    for _ in 0..6 {
        let kids = cur.as_tuple().or_else(|| cur.as_list()).unwrap_or(&[]);
        let Some(last) = kids.len().checked_sub(1) else {
            break;
        };
        out.push(path.clone().index(last));
        path = path.index(0);
        out.push(path.clone());
        cur = &kids[0];
    }
    out
}

fn check(doc: &Document) {
    let text = doc.to_string();
    let reparsed = erlterm::parse_str(&text).expect("an edited document parses");
    assert_eq!(reparsed, doc.terms(), "{text:?}");
}

fuzz_target!(|data: &[u8]| {
    match erlterm::document::Tokens::parse_bytes(data) {
        Ok(t) => assert_eq!(t.to_bytes(), data, "tokens round trip"),
        Err(e) => assert!(
            erlterm::parse_bytes(data).is_err(),
            "scan error {e} but the parser accepts"
        ),
    }
    if let Ok(doc) = Document::parse_bytes(data) {
        assert_eq!(doc.to_bytes(), data, "bytes round trip");
        assert_eq!(
            doc.terms(),
            erlterm::parse_bytes(data).expect("same acceptance")
        );
    } else {
        assert!(
            erlterm::parse_bytes(data).is_err(),
            "same acceptance (bytes)"
        );
    }
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = Document::parse(src) else {
        assert!(erlterm::parse_str(src).is_err(), "same acceptance");
        return;
    };
    assert_eq!(doc.to_string(), src, "text round trip");
    assert_eq!(
        doc.terms(),
        erlterm::parse_str(src).expect("same acceptance")
    );
    for (i, path) in paths(doc.nodes()).into_iter().enumerate() {
        let _ = doc.get(&path);
        let _ = doc.raw(&path);
        let _ = doc.get_str(&path);
        let mut d = doc.clone();
        let r = match i % 6 {
            0 => d.set_string(&path, "1.0\"\\\n\u{e9}"),
            1 => d.replace_with_term(&path, &Term::tuple(vec![Term::atom("a b"), Term::nil()])),
            2 => d.remove(&path),
            3 => d.push(&path, &Term::atom("x")),
            4 => d.insert(&path, 0, &Term::string("s")),
            _ => d.set_key(&path, "vsn", &Term::string("2")),
        };
        if r.is_ok() {
            check(&d);
        }
        let mut d = doc.clone();
        if d.replace_raw(&path, "{k, \"v\"} % c\n").is_ok() {
            check(&d);
        }
    }
});
