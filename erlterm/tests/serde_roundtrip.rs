//! Values of nested serde types survive `to_string`/`to_string_pretty`
//! then `from_str`; terms survive as `Term` fields.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use erlterm::serde::{SerOptions, StringStyle, StructStyle};
use erlterm::{Atom, Term};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Unit,
    Other,
    Newtype(i32),
    Pair(u8, String),
    Wrapped((i64, bool)),
    Record { a: Option<i64>, b: Vec<bool> },
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Point(i16, i16);

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Leaf {
    name: String,
    big: i128,
    ubig: u128,
    x: f64,
    small: f32,
    opt: Option<String>,
    kind: Kind,
    tup: (u8, i16, String),
    point: Point,
    c: char,
    flag: bool,
    unit: (),
    atom: Atom,
    raw: Term,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Clone)]
struct Tree {
    leaves: Vec<Leaf>,
    by_name: BTreeMap<String, Vec<u32>>,
    by_int: BTreeMap<i64, Option<Kind>>,
    bytes: Vec<u8>,
    child: Option<Box<Tree>>,
    kids: Vec<Tree>,
}

fn finite_f64() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |f| f.is_finite()),
        Just(0.0),
        Just(-0.0),
        -1e6f64..1e6,
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z_ ]{0,12}",
        Just("undefined".to_string()),
        Just("\u{FFFE}\u{FFFF}\u{0}\\\"'\n".to_string()),
        "\\PC{0,8}",
    ]
}

/// Terms of every kind the parser produces (no funs: OTP prints them).
fn term() -> impl Strategy<Value = Term> {
    let leaf = prop_oneof![
        "[a-zA-Z_@ 0-9é]{0,8}".prop_map(|s| Term::atom(&s)),
        any::<i64>().prop_map(Term::int),
        any::<i128>().prop_map(|v| Term::Integer(v.into())),
        finite_f64().prop_map(Term::Float),
        text().prop_map(|s| Term::string(&s)),
        prop::collection::vec(any::<u8>(), 0..6).prop_map(Term::binary),
        text().prop_map(|s| Term::binary(s.into_bytes())),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Term::list),
            prop::collection::vec(inner.clone(), 0..5).prop_map(Term::tuple),
            (prop::collection::vec(inner.clone(), 1..3), inner.clone())
                .prop_map(|(items, tail)| Term::improper_list(items, tail)),
            prop::collection::vec((inner.clone(), inner), 0..4).prop_map(Term::map),
        ]
    })
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        Just(Kind::Unit),
        Just(Kind::Other),
        any::<i32>().prop_map(Kind::Newtype),
        (any::<u8>(), text()).prop_map(|(a, b)| Kind::Pair(a, b)),
        (any::<i64>(), any::<bool>()).prop_map(Kind::Wrapped),
        (
            proptest::option::of(any::<i64>()),
            prop::collection::vec(any::<bool>(), 0..4)
        )
            .prop_map(|(a, b)| Kind::Record { a, b }),
    ]
}

fn leaf() -> impl Strategy<Value = Leaf> {
    (
        (text(), any::<i128>(), any::<u128>(), finite_f64()),
        (
            any::<f32>().prop_filter("finite", |f| f.is_finite()),
            proptest::option::of(text()),
            kind(),
            (any::<u8>(), any::<i16>(), text()),
        ),
        (
            any::<(i16, i16)>(),
            any::<char>(),
            any::<bool>(),
            "\\PC{0,10}",
            term(),
        ),
    )
        .prop_map(
            |((name, big, ubig, x), (small, opt, kind, tup), ((px, py), c, flag, atom, raw))| {
                Leaf {
                    name,
                    big,
                    ubig,
                    x,
                    small,
                    opt,
                    kind,
                    tup,
                    point: Point(px, py),
                    c,
                    flag,
                    unit: (),
                    atom: Atom::new(&atom),
                    raw,
                }
            },
        )
}

fn tree() -> impl Strategy<Value = Tree> {
    let base = (
        prop::collection::vec(leaf(), 0..3),
        prop::collection::btree_map(text(), prop::collection::vec(any::<u32>(), 0..4), 0..3),
        prop::collection::btree_map(any::<i64>(), proptest::option::of(kind()), 0..3),
        prop::collection::vec(any::<u8>(), 0..5),
    )
        .prop_map(|(leaves, by_name, by_int, bytes)| Tree {
            leaves,
            by_name,
            by_int,
            bytes,
            child: None,
            kids: Vec::new(),
        });
    base.prop_recursive(3, 8, 3, |inner| {
        (
            inner.clone(),
            proptest::option::of(inner.clone()),
            prop::collection::vec(inner, 0..3),
        )
            .prop_map(|(mut t, child, kids)| {
                t.child = child.map(Box::new);
                t.kids = kids;
                t
            })
    })
}

fn all_options() -> Vec<SerOptions> {
    vec![
        SerOptions::new(),
        SerOptions::new()
            .structs(StructStyle::Map)
            .strings(StringStyle::Binary)
            .none_as_undefined(true),
        SerOptions::new().width(20),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn typed_values_round_trip(t in tree()) {
        for opts in all_options() {
            let one_line = erlterm::serde::to_string_with(&t, &opts).unwrap();
            let back: Tree = erlterm::from_str(&format!("{one_line}.")).unwrap();
            prop_assert_eq!(&back, &t);

            let pretty = erlterm::serde::to_string_pretty_with(&t, &opts).unwrap();
            let back: Tree = erlterm::from_str(&format!("{pretty}.\n")).unwrap();
            prop_assert_eq!(&back, &t);

            let term = erlterm::serde::to_term_with(&t, &opts).unwrap();
            let back: Tree = erlterm::from_term(&term).unwrap();
            prop_assert_eq!(&back, &t);
            // The text is the term.
            prop_assert_eq!(&erlterm::parse_str(&format!("{one_line}.")).unwrap()[0], &term);
        }
    }

    #[test]
    fn terms_round_trip(t in term()) {
        let text = erlterm::to_string(&t).unwrap();
        prop_assert_eq!(&erlterm::parse_str(&format!("{text}.")).unwrap()[0], &t);
        let back: Term = erlterm::from_str(&format!("{text}.")).unwrap();
        prop_assert_eq!(&back, &t);
        let pretty = erlterm::serde::to_file_string(&t).unwrap();
        let back: Term = erlterm::from_str(&pretty).unwrap();
        prop_assert_eq!(&back, &t);
        prop_assert_eq!(&erlterm::to_term(&t).unwrap(), &t);
        let back: Term = erlterm::from_term(&t).unwrap();
        prop_assert_eq!(&back, &t);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,40}") {
        let _ = erlterm::from_str::<Tree>(&s);
        let _ = erlterm::from_str::<Term>(&s);
        let _ = erlterm::from_str::<BTreeMap<String, Kind>>(&s);
    }

    #[test]
    fn arbitrary_terms_into_types_never_panic(t in term()) {
        let text = format!("{}.", erlterm::to_string(&t).unwrap());
        let _ = erlterm::from_str::<Tree>(&text);
        let _ = erlterm::from_str::<Leaf>(&text);
        let _ = erlterm::from_str::<Vec<Kind>>(&text);
        let _ = erlterm::from_str::<BTreeMap<String, Option<u8>>>(&text);
        let _ = erlterm::from_str::<(String, Vec<u8>, char)>(&text);
    }
}

/// The output reads back the same with OTP's `file:consult/1` (skipped
/// when `erl` is not installed).
#[test]
fn otp_file_consult_reads_the_output() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    if std::process::Command::new("erl")
        .arg("-version")
        .output()
        .is_err()
    {
        eprintln!("erl not found: skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("erlterm-serde-otp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut runner = TestRunner::deterministic();
    let mut expected = Vec::new();
    let mut write = |name: String, text: String, canonical: String| {
        std::fs::write(dir.join(&name), text).unwrap();
        expected.push((name, canonical));
    };
    for i in 0..40 {
        let t = tree().new_tree(&mut runner).unwrap().current();
        let term = erlterm::to_term(&t).unwrap();
        let canonical = format!("{{ok,[{term}]}}");
        write(
            format!("t{i}.config"),
            erlterm::serde::to_file_string(&t).unwrap(),
            canonical.clone(),
        );
        write(
            format!("c{i}.config"),
            format!("{}.\n", erlterm::to_string(&t).unwrap()),
            canonical,
        );
    }
    for i in 0..100 {
        let t = term().new_tree(&mut runner).unwrap().current();
        write(
            format!("r{i}.config"),
            erlterm::serde::to_file_string(&t).unwrap(),
            format!("{{ok,[{t}]}}"),
        );
    }
    let script = format!(
        "[io:format(\"~s ~w~n\", [F, file:consult(filename:join(\"{}\", F))]) || F <- [{}]], halt().",
        dir.display(),
        expected
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let out = std::process::Command::new("erl")
        .args(["-noshell", "-eval", &script])
        .output()
        .unwrap();
    // The shell's device is latin-1: one byte per character.
    let stdout: String = out.stdout.iter().map(|&b| char::from(b)).collect();
    let got: BTreeMap<&str, &str> = stdout.lines().filter_map(|l| l.split_once(' ')).collect();
    for (name, canonical) in &expected {
        assert_eq!(got.get(name.as_str()), Some(&canonical.as_str()), "{name}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
