//! Property tests: printing then parsing is the identity; no input panics.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erlterm::{Bitstring, ExternalFun, Term};
use proptest::prelude::*;

fn leaf() -> impl Strategy<Value = Term> {
    prop_oneof![
        any::<i64>().prop_map(Term::int),
        any::<i128>().prop_map(|v| Term::Integer(v.into())),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Term::Float),
        "[a-z][a-zA-Z0-9_@]{0,8}".prop_map(|s| Term::atom(&s)),
        any::<String>()
            .prop_filter("<=255 chars", |s| s.chars().count() <= 255)
            .prop_map(|s| Term::atom(&s)),
        any::<String>().prop_map(|s| Term::string(&s)),
        (proptest::collection::vec(any::<u8>(), 0..6), 0u64..8).prop_map(|(b, extra)| {
            let bits = (b.len() as u64 * 8).saturating_sub(extra);
            Term::Bitstring(Bitstring::from_bits(b, bits).unwrap_or_default())
        }),
        ("[a-z]{1,4}", "[a-z ]{1,4}", 0u32..256).prop_map(|(m, f, a)| Term::Fun(Box::new(
            ExternalFun {
                module: m.as_str().into(),
                function: f.as_str().into(),
                arity: a,
            }
        ))),
    ]
}

fn term() -> impl Strategy<Value = Term> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Term::list),
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Term::tuple),
            (
                proptest::collection::vec(inner.clone(), 1..4),
                inner.clone()
            )
                .prop_map(|(items, tail)| Term::improper_list(items, tail)),
            proptest::collection::vec((inner.clone(), inner), 0..4).prop_map(Term::map),
        ]
    })
}

proptest! {
    #[test]
    fn canonical_print_parses_back(t in term()) {
        let text = format!("{t}.");
        let back = erlterm::parse_str(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(back.len(), 1);
        prop_assert_eq!(&back[0], &t, "{}", text);
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = erlterm::parse_bytes(&b);
        let _ = erlterm::parse_bytes_nodes(&b);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in "[-\\[\\]{}()<>#:=|.,;'\"$\\\\ a-zA-Z0-9_\n%+*/!?]{0,80}") {
        let _ = erlterm::parse_str(&s);
        let _ = erlterm::validate(&s);
        if let Err(e) = erlterm::parse_nodes(&s) {
            let _ = e.render(&s, "x");
            let _ = e.otp_reason().to_string();
        }
    }
}
