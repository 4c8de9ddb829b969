//! Resource limits: typed errors, never a crash, on a 2 MiB stack.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erlterm::{ErrorKind, ParseOptions, Term};

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic or overflow")
}

fn is_limit(r: Result<Vec<Term>, erlterm::Error>) -> bool {
    matches!(r, Err(e) if matches!(e.kind, ErrorKind::Limit(_)))
}

#[test]
fn a_million_brackets_is_a_limit_error() {
    for (i, unit) in ["[", "{", "- ", "a = ", "<<", "#{a => ", "(", "[a|"]
        .iter()
        .enumerate()
    {
        eprintln!("unit {unit}");
        let src = unit.repeat(1_000_000);
        let r = on_small_stack(move || match i % 3 {
            0 => is_limit(erlterm::parse_str(&src)),
            1 => erlterm::validate(&src).is_err(),
            _ => erlterm::parse_nodes(&src).is_err(),
        });
        assert!(r, "{unit}");
    }
}

/// The same in clause heads, which are parsed as patterns.
#[test]
fn a_million_brackets_in_a_clause_head_is_a_limit_error() {
    for (i, (head, unit)) in [
        ("fun(", "("),
        ("fun(", "- "),
        ("fun(", "a = "),
        ("try a catch ", "("),
        ("a ; f(", "("),
    ]
    .iter()
    .enumerate()
    {
        let src = format!("{head}{}", unit.repeat(1_000_000));
        let r = on_small_stack(move || match i % 3 {
            0 => is_limit(erlterm::parse_str(&src)),
            1 => erlterm::validate(&src).is_err(),
            _ => erlterm::parse_nodes(&src).is_err(),
        });
        assert!(r, "{head}{unit}");
    }
}

#[test]
fn terms_at_the_depth_limit_parse_print_and_drop() {
    let depth = ParseOptions::default().max_depth;
    let len = on_small_stack(move || {
        let src = format!("{}{}.", "[{".repeat(depth / 2), "}]".repeat(depth / 2));
        let t = erlterm::parse_str(&src).expect("at the limit");
        let printed = t[0].to_string();
        let nodes = erlterm::parse_nodes(&src).expect("nodes");
        drop(nodes);
        drop(t);
        printed.len()
    });
    assert_eq!(len, depth * 2);
    let over = format!("{}{}.", "[".repeat(depth + 1), "]".repeat(depth + 1));
    assert!(is_limit(erlterm::parse_str(&over)));
}

#[test]
fn huge_binaries_do_not_allocate() {
    assert!(is_limit(erlterm::parse_str("<<0:4294967295>>.")));
    assert!(is_limit(erlterm::parse_str(
        "<<0:100000000000000000000000>>."
    )));
    assert!(is_limit(erlterm::parse_str("<<0:4294967295/unit:256>>.")));
    let small = ParseOptions {
        max_binary_bits: 64,
        ..ParseOptions::default()
    };
    assert!(is_limit(erlterm::parse_with(
        "<<1,2,3,4,5,6,7,8,9>>.",
        &small
    )));
    assert!(erlterm::parse_with("<<1,2,3,4,5,6,7,8>>.", &small).is_ok());
}

#[test]
fn integer_digits_and_input_size() {
    let opts = ParseOptions {
        max_integer_digits: 10,
        ..ParseOptions::default()
    };
    assert!(is_limit(erlterm::parse_with("12345678901.", &opts)));
    assert!(erlterm::parse_with("1234567890.", &opts).is_ok());
    let opts = ParseOptions {
        max_input_bytes: 4,
        ..ParseOptions::default()
    };
    assert!(is_limit(erlterm::parse_with("abcde.", &opts)));
}

#[test]
fn atoms_longer_than_255_chars_are_illegal() {
    let ok = format!("{}.", "a".repeat(255));
    assert!(erlterm::parse_str(&ok).is_ok());
    let e = erlterm::parse_str(&format!("{}.", "a".repeat(256))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalAtom);
    let e = erlterm::parse_str(&format!("'{}'.", "\u{1F600}".repeat(256))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IllegalAtom);
}
