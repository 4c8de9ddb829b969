//! erlterm: the byte-level reader (`parse_str`, `parse_nodes`, `validate`,
//! and errors explained from where it stops) against the token parser
//! alone (`erlterm::oracle`): the same terms, the same spans, the same
//! errors (kind, line, column, span, hint).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let reader = erlterm::parse_str(src);
    let tokens = erlterm::oracle::parse_str(src);
    assert_eq!(reader, tokens, "parse_str disagrees on {src:?}");
    let nodes = erlterm::parse_nodes(src);
    let token_nodes = erlterm::oracle::parse_nodes(src);
    assert_eq!(
        format!("{nodes:?}"),
        format!("{token_nodes:?}"),
        "parse_nodes disagrees on {src:?}"
    );
    let v = erlterm::validate(src);
    assert_eq!(v.is_ok(), reader.is_ok(), "validate disagrees on {src:?}");
    if let (Ok(n), Ok(t)) = (v, &reader) {
        assert_eq!(n, t.len());
    }
});
