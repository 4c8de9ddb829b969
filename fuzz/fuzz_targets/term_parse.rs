//! erlterm: raw bytes (with `coding:` detection), then the canonical
//! printed form of every term parses back to an equal term.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(terms) = erlterm::parse_bytes(data) else {
        let _ = erlterm::parse_bytes_nodes(data);
        return;
    };
    let nodes = erlterm::parse_bytes_nodes(data).expect("nodes agree with terms on ok");
    assert_eq!(nodes.len(), terms.len());
    for t in &terms {
        let printed = format!("{t}.");
        let back = erlterm::parse_str(&printed)
            .unwrap_or_else(|e| panic!("canonical form does not parse: {printed:?}: {e}"));
        assert_eq!(back.len(), 1, "{printed:?}");
        assert_eq!(&back[0], t, "{printed:?}");
        // And the canonical form is stable.
        assert_eq!(format!("{}.", back[0]), printed);
    }
});
