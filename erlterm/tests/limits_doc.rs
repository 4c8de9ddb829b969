//! Every erlterm limit of LIMITS.md at its boundary: accepted at the limit,
//! a typed error one past it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use erlterm::{ErrorKind, ParseOptions, Term};
use serde::{Deserialize, Serialize};

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn limit_err(r: Result<Vec<Term>, erlterm::Error>) -> bool {
    matches!(r, Err(e) if matches!(e.kind, ErrorKind::Limit(_)))
}

#[test]
fn nesting_depth_500() {
    let depth = ParseOptions::default().max_depth;
    assert_eq!(depth, 500);
    on_small_stack(move || {
        let at = format!("{}{}.", "[".repeat(depth), "]".repeat(depth));
        assert!(erlterm::parse_str(&at).is_ok());
        assert!(erlterm::parse_nodes(&at).is_ok());
        let over = format!("{}{}.", "[".repeat(depth + 1), "]".repeat(depth + 1));
        assert!(limit_err(erlterm::parse_str(&over)));
        assert!(erlterm::parse_nodes(&over).is_err());
        assert!(erlterm::validate(&over).is_err());
    });
}

#[test]
fn integer_digits_100_000() {
    let n = ParseOptions::default().max_integer_digits;
    assert_eq!(n, 100_000);
    assert!(erlterm::parse_str(&format!("{}.", "7".repeat(n))).is_ok());
    assert!(limit_err(erlterm::parse_str(&format!(
        "{}.",
        "7".repeat(n + 1)
    ))));
    // Based integers count their digits too.
    assert!(limit_err(erlterm::parse_str(&format!(
        "16#{}.",
        "f".repeat(n + 1)
    ))));
}

#[test]
fn binary_bits() {
    let bits = ParseOptions::default().max_binary_bits;
    assert_eq!(bits, 1 << 27);
    // One past the default is refused without allocating 16 MiB.
    assert!(limit_err(erlterm::parse_str(&format!(
        "<<0:{}>>.",
        bits + 1
    ))));
    let small = ParseOptions {
        max_binary_bits: 64,
        ..ParseOptions::default()
    };
    assert!(erlterm::parse_with("<<0:64>>.", &small).is_ok());
    assert!(limit_err(erlterm::parse_with("<<0:65>>.", &small)));
    assert!(erlterm::parse_with("<<0:32, 0:32>>.", &small).is_ok());
    assert!(limit_err(erlterm::parse_with("<<0:32, 0:33>>.", &small)));
    assert!(limit_err(erlterm::parse_with("<<\"123456789\">>.", &small)));
}

#[test]
fn input_size() {
    let at = ParseOptions {
        max_input_bytes: 6,
        ..ParseOptions::default()
    };
    assert!(erlterm::parse_with("abcde.", &at).is_ok());
    assert!(limit_err(erlterm::parse_with("abcdef.", &at)));
}

#[test]
fn atom_and_variable_length_255() {
    assert!(erlterm::parse_str(&format!("'{}'.", "é".repeat(255))).is_ok());
    let e = erlterm::parse_str(&format!("'{}'.", "é".repeat(256))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalAtom);
    let opts = ParseOptions::default().bind(&"V".repeat(255), Term::nil());
    assert!(erlterm::parse_with(&format!("{}.", "V".repeat(255)), &opts).is_ok());
    let e = erlterm::parse_str(&format!("{}.", "V".repeat(256))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalVar);
}

#[derive(Deserialize, Serialize, Debug)]
enum Deep {
    Leaf,
    Node(Box<Deep>),
}

fn deep_text(n: usize) -> String {
    format!("{}'Leaf'{}.", "{'Node',".repeat(n), "}".repeat(n))
}

#[test]
fn serde_depth_128() {
    assert_eq!(erlterm::serde::DEFAULT_MAX_DEPTH, 128);
    on_small_stack(|| {
        let at = deep_text(erlterm::serde::DEFAULT_MAX_DEPTH);
        assert!(erlterm::from_str::<Deep>(&at).is_ok());
        let over = deep_text(erlterm::serde::DEFAULT_MAX_DEPTH + 1);
        let e = erlterm::from_str::<Deep>(&over).unwrap_err();
        assert!(
            matches!(e.kind(), erlterm::serde::ErrorKind::Depth(_)),
            "{e}"
        );
    });
}

#[test]
fn serializer_depth_128() {
    fn deep(n: usize) -> Deep {
        let mut d = Deep::Leaf;
        for _ in 0..n {
            d = Deep::Node(Box::new(d));
        }
        d
    }
    on_small_stack(|| {
        let max = erlterm::serde::DEFAULT_MAX_DEPTH;
        assert!(erlterm::to_string(&deep(max)).is_ok());
        let e = erlterm::to_string(&deep(max + 1)).unwrap_err();
        assert!(
            matches!(e.kind(), erlterm::serde::ErrorKind::Depth(_)),
            "{e}"
        );
    });
}

/// Found by the `fast_vs_full` fuzz target: a bitstring used as a segment
/// size once built ~100 MB before being refused. It is now over the limit
/// as soon as its size is known.
#[test]
fn bitstring_as_segment_size_is_refused_early() {
    assert!(limit_err(erlterm::parse_str("<<1:<<1:800000062>>>>.")));
}
