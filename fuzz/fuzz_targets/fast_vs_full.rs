//! erlterm: the fast path (`parse_str`, `validate`) and the full parser
//! (`parse_nodes`) agree on ok/err and on the terms.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let fast = erlterm::parse_str(src);
    let full = erlterm::parse_nodes(src);
    match (&fast, &full) {
        (Ok(terms), Ok(nodes)) => {
            let full_terms: Vec<erlterm::Term> = nodes.iter().map(|n| n.to_term()).collect();
            assert_eq!(terms, &full_terms, "{src:?}");
        }
        (Err(a), Err(b)) => {
            assert_eq!(
                a.line(),
                b.line(),
                "error lines differ on {src:?}: {a} / {b}"
            );
        }
        _ => panic!(
            "fast path and full parser disagree on {src:?}: {:?} vs {:?}",
            fast.as_ref().map(|t| t.len()),
            full.as_ref().map(|n| n.len())
        ),
    }
    let v = erlterm::validate(src);
    assert_eq!(v.is_ok(), fast.is_ok(), "validate disagrees on {src:?}");
    if let (Ok(n), Ok(t)) = (v, &fast) {
        assert_eq!(n, t.len());
    }
});
