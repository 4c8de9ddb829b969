//! Version-pattern limits (LIMITS.md): each at its boundary.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use appup::{PatternError, VsnRegex};

fn nested(depth: usize) -> String {
    format!("{}1{}", "(".repeat(depth), ")".repeat(depth))
}

#[test]
fn group_nesting_200_ok_201_refused() {
    let re = VsnRegex::compile(nested(200).as_bytes()).expect("200 nested groups");
    assert!(re.whole_match("1").unwrap());
    let e = VsnRegex::compile(nested(201).as_bytes()).unwrap_err();
    assert!(
        matches!(
            e,
            PatternError::Invalid { .. } | PatternError::Unsupported { .. }
        ),
        "{e:?}"
    );
}

#[test]
fn repetition_count_65535_ok_65536_refused() {
    // PCRE's largest count is accepted as syntax; the program it makes is
    // then bounded by the compiled size limit.
    let r = VsnRegex::compile(b"1{0,65535}");
    assert!(matches!(r, Ok(_) | Err(PatternError::TooLarge)), "{r:?}");
    assert!(VsnRegex::compile(b"1{3,1000}").is_ok());
    let e = VsnRegex::compile(b"1{0,65536}").unwrap_err();
    assert!(matches!(e, PatternError::Invalid { .. }), "{e:?}");
    let e = VsnRegex::compile(b"1{65536}").unwrap_err();
    assert!(matches!(e, PatternError::Invalid { .. }), "{e:?}");
}

#[test]
fn compiled_size_is_bounded() {
    // Small enough: compiles.
    assert!(VsnRegex::compile(b"[0-9]{100}").is_ok());
    // Each count is legal, the product is not: a typed error, quickly.
    let start = std::time::Instant::now();
    let e = VsnRegex::compile(b"((((\\w{1000}){1000}){1000}){1000})").unwrap_err();
    assert_eq!(e, PatternError::TooLarge);
    assert!(start.elapsed().as_secs() < 10);
}
