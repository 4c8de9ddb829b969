//! Error messages: the path to the culprit and its position.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use erlterm::serde::{Error, ErrorKind};
use erlterm::Term;
use serde::Deserialize;

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Pool {
    name: String,
    size: u32,
    #[serde(default)]
    ratio: f64,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
enum Level {
    Debug,
    Info,
    Limit(u8),
    Range(u8, u8),
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct MyApp {
    pools: Vec<Pool>,
    #[serde(default)]
    level: Option<Level>,
    #[serde(default)]
    limits: BTreeMap<String, u8>,
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Config {
    my_app: MyApp,
}

fn err<T: for<'de> Deserialize<'de> + std::fmt::Debug>(text: &str) -> Error {
    erlterm::from_str::<T>(text).unwrap_err()
}

const HEAD: &str = "[{kernel, []},\n {my_app, [\n";

#[test]
fn wrong_type_deep_inside() {
    let text = format!(
        "{HEAD}   {{pools, [[{{name, \"a\"}}, {{size, 1}}],\n             [{{name, \"b\"}}, {{size, 2}}],\n             [{{name, \"c\"}}, {{size, ten}}]]}}]}}]."
    );
    let e = err::<Config>(&text);
    assert_eq!(
        e.to_string(),
        "my_app.pools[2].size: expected u32, found atom ten at 5:35"
    );
    assert_eq!(e.line(), Some(5));
}

#[test]
fn missing_field_points_at_the_struct() {
    let e = err::<Config>("[{my_app, [{pools, [\n  [{name, \"a\"}]]}]}].");
    assert_eq!(e.to_string(), "my_app.pools[0]: missing field size at 2:3");
    assert_eq!(e.kind(), &ErrorKind::MissingField("size".into()));
}

#[test]
fn missing_top_level_key() {
    let e = err::<Config>("[{kernel, []}].");
    assert_eq!(e.to_string(), "missing field my_app at 1:1");
}

#[test]
fn integer_out_of_range() {
    let e = err::<Config>("[{my_app, [{pools, []}, {limits, #{\"max\" => 300}}]}].");
    assert_eq!(
        e.to_string(),
        "my_app.limits[\"max\"]: integer 300 out of range for u8 at 1:45"
    );
    let e = err::<u128>("-1.");
    assert_eq!(e.to_string(), "integer -1 out of range for u128 at 1:1");
    let e = err::<i128>(&format!("{}.", "9".repeat(40)));
    assert!(e.to_string().contains("out of range for i128"), "{e}");
}

#[test]
fn float_is_not_an_integer_but_integer_is_a_float() {
    let e = err::<u32>("1.5.");
    assert_eq!(e.to_string(), "expected u32, found float 1.5 at 1:1");
    assert_eq!(erlterm::from_str::<f64>("3.").unwrap(), 3.0);
}

#[test]
fn unknown_variant_and_bad_shapes() {
    let e = err::<Config>("[{my_app, [{pools, []}, {level, verbose}]}].");
    assert_eq!(
        e.to_string(),
        "my_app.level: unknown variant verbose, expected one of debug, info, limit, range at 1:33"
    );
    let e = err::<Config>("[{my_app, [{pools, []}, {level, {range, 1}}]}].");
    assert_eq!(
        e.to_string(),
        "my_app.level: expected tagged tuple of 3, found tuple {range, ...} of 2 at 1:33"
    );
    let e = err::<Config>("[{my_app, [{pools, []}, {level, {limit, x}}]}].");
    assert_eq!(
        e.to_string(),
        "my_app.level[1]: expected u8, found atom x at 1:41"
    );
    let e = err::<Config>("[{my_app, [{pools, []}, {level, \"info\"}]}].");
    assert_eq!(
        e.to_string(),
        "my_app.level: expected atom or tagged tuple {Tag, ...}, found string \"info\" at 1:33"
    );
}

#[test]
fn proplist_element_of_wrong_shape() {
    let e = err::<Config>("[{my_app, [{pools, []}, {a, b, c}]}].");
    assert_eq!(
        e.to_string(),
        "my_app[1]: expected {Key, Value} or atom in a proplist, found tuple {a, ...} of 3 at 1:25"
    );
}

#[test]
fn improper_list() {
    let e = err::<Vec<u8>>("[1, 2 | x].");
    assert_eq!(
        e.to_string(),
        "[2]: expected proper list, found improper list with tail atom x at 1:9"
    );
}

#[test]
fn string_shapes() {
    assert_eq!(erlterm::from_str::<String>("[104, 105].").unwrap(), "hi");
    assert_eq!(
        erlterm::from_str::<String>("<<\"hé\"/utf8>>.").unwrap(),
        "hé"
    );
    assert_eq!(erlterm::from_str::<String>("'hé'.").unwrap(), "hé");
    assert_eq!(erlterm::from_str::<String>("[].").unwrap(), "");
    let e = err::<String>("[104, -1].");
    assert_eq!(e.to_string(), "expected string, found list at 1:1");
    let e = err::<String>("<<255>>.");
    assert_eq!(
        e.to_string(),
        "expected string (a binary of UTF-8 text), found binary at 1:1"
    );
}

#[test]
fn term_count() {
    assert_eq!(
        err::<u8>("").to_string(),
        "expected exactly one term, found 0"
    );
    assert_eq!(
        err::<u8>("1.\n\n  2.").to_string(),
        "expected exactly one term, found 2 at 3:3"
    );
}

#[test]
fn parse_errors_keep_the_parser_message() {
    let e = err::<Term>("{a,\n b c}.");
    assert!(matches!(e.kind(), ErrorKind::Parse(_)));
    assert_eq!(e.line(), Some(2));
    assert!(e.to_string().starts_with("2:"), "{e}");
}

#[test]
fn errors_from_terms_have_paths_but_no_positions() {
    let t = erlterm::parse_str("[{my_app, [{pools, [[{name, 1}, {size, 2}]]}]}].").unwrap();
    let e = erlterm::from_term::<Config>(&t[0]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "my_app.pools[0].name: expected string, found integer 1"
    );
    assert_eq!(e.span(), None);
}

#[test]
fn deny_unknown_fields_names_the_key() {
    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Strict {
        a: u8,
    }
    let e = err::<Strict>("[{a, 1}, {'B', 2}].");
    assert_eq!(
        e.to_string(),
        "[1]: unknown field 'B', expected one of a at 1:11"
    );
}

#[test]
fn duplicate_keys_follow_erlang() {
    #[derive(Deserialize, Debug)]
    struct S {
        a: u8,
    }
    // proplists: first wins; maps: last wins.
    assert_eq!(erlterm::from_str::<S>("[{a, 1}, {a, 2}].").unwrap().a, 1);
    assert_eq!(erlterm::from_str::<S>("#{a => 1, a => 2}.").unwrap().a, 2);
    // A bare atom is {Key, true}.
    #[derive(Deserialize, Debug)]
    struct Flags {
        verbose: bool,
        #[serde(default)]
        quiet: bool,
    }
    let f = erlterm::from_str::<Flags>("[verbose].").unwrap();
    assert!(f.verbose && !f.quiet);
}

#[test]
fn depth_limit_is_an_error_not_a_crash() {
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    enum Deep {
        Leaf,
        Node(Box<Deep>),
    }
    // Within the parser's limit but beyond the serde limit.
    let text = format!("{}'Leaf'{}.", "{'Node',".repeat(400), "}".repeat(400));
    let e = err::<Deep>(&text);
    assert!(matches!(e.kind(), ErrorKind::Depth(_)), "{e}");
    // Up to the bound, in a test thread's 2 MiB stack (debug build).
    let ok = format!("{}'Leaf'{}.", "{'Node',".repeat(127), "}".repeat(127));
    // Measured margin: the full bound also fits in a 1 MiB stack.
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || erlterm::from_str::<Deep>(&ok).map(|_| ()))
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    // A Term field takes any depth the parser accepts.
    let t: Term = erlterm::from_str(&text).unwrap();
    assert_eq!(t.as_tuple().map(|t| t.len()), Some(2));
}

#[test]
fn serializer_errors() {
    assert!(matches!(
        erlterm::to_string(&f64::INFINITY).unwrap_err().kind(),
        ErrorKind::Unrepresentable(_)
    ));
    let long = erlterm::Atom::new(&"a".repeat(256));
    assert!(matches!(
        erlterm::to_string(&long).unwrap_err().kind(),
        ErrorKind::Unrepresentable(_)
    ));
    // Deep Rust values stop at the bound instead of overflowing.
    #[derive(serde::Serialize)]
    enum Deep {
        Leaf,
        Node(Box<Deep>),
    }
    let mut d = Deep::Leaf;
    for _ in 0..1000 {
        d = Deep::Node(Box::new(d));
    }
    assert!(matches!(
        erlterm::to_string(&d).unwrap_err().kind(),
        ErrorKind::Depth(_)
    ));
    // Iterative drop for the test value itself.
    let mut cur = d;
    while let Deep::Node(next) = cur {
        cur = *next;
    }
}
