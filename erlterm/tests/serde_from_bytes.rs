//! `from_str`, `from_slice` and `from_str_all` read straight from the text
//! (#21): for typed models and texts with every construct, they give
//! exactly what the tree deserializer gives on `parse_nodes` (values, and
//! errors with their messages and positions).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Debug;

use erlterm::serde::{Error, ErrorKind};
use erlterm::{Atom, Node, NodeKind, Span, Term};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// What the tree deserializer gives for the only term of `text`.
fn tree<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let nodes = erlterm::parse_nodes(text).unwrap();
    assert_eq!(nodes.len(), 1, "{text:?}");
    erlterm::serde::from_node(&nodes[0])
}

/// `from_str` agrees with the tree on `text` as a `T`, and with
/// `from_slice` on its bytes; returns the result.
fn same<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> Result<T, Error> {
    let got = erlterm::from_str::<T>(text);
    let want = tree::<T>(text);
    assert_eq!(got, want, "{text:?} as {}", std::any::type_name::<T>());
    if let (Err(a), Err(b)) = (&got, &want) {
        assert_eq!(a.to_string(), b.to_string());
    }
    assert_eq!(erlterm::from_slice::<T>(text.as_bytes()), got, "{text:?}");
    got
}

#[derive(Deserialize, Debug, PartialEq)]
struct Pool {
    name: String,
    size: u32,
    #[serde(default)]
    overflow: Option<u32>,
    #[serde(default)]
    hosts: Vec<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Level {
    Debug,
    Info,
    Limit(u8),
    Range(u8, u8),
    Custom { name: String },
}

#[derive(Deserialize, Debug, PartialEq)]
struct MyApp {
    pools: Vec<Pool>,
    level: Level,
    port: u16,
    #[serde(default)]
    verbose: bool,
    #[serde(default)]
    ratio: f64,
    #[serde(default)]
    tags: BTreeMap<String, i64>,
    #[serde(default)]
    peer: Option<(Atom, String, u16)>,
    #[serde(default)]
    raw: Option<Term>,
    #[serde(default)]
    key: Vec<u8>,
    #[serde(default)]
    sep: Option<char>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct SysConfig {
    my_app: MyApp,
    kernel: Option<Term>,
}

const CONFIG: &str = r#"%% sys.config
[{kernel, [{logger_level, info}, {inet_dist_listen_min, 16#2000}]},
 {my_app,
  [{port, 8_080},
   {level, {range, 1, 2}},
   verbose,
   {ratio, 2},
   {ratio, 3.5},                       % a later duplicate: ignored
   {pools, [[{name, "db"}, {size, 10}, {hosts, ["a", <<"b">>, 'c']}],
            [{name, <<"cache"/utf8>>}, {size, 2}, {overflow, 5}],
            [{size, $\n}, {name, "x" "y"}]]},
   {tags, #{"a" => -1, "b" => 2#101, "a" => 3}},
   {peer, {node, [104, 105], 4369}},
   {raw, {fun lists:map/2, [1 | 2], <<1:4>>, #{k => v}}},
   {key, <<1, 2, 255>>},
   {sep, $;}]}].
"#;

#[test]
fn a_config_with_every_construct() {
    let cfg: SysConfig = same(CONFIG).unwrap();
    let app = &cfg.my_app;
    assert_eq!(app.port, 8080);
    assert_eq!(app.level, Level::Range(1, 2));
    assert!(app.verbose);
    assert_eq!(app.ratio, 2.0, "the first occurrence of a key wins");
    assert_eq!(app.pools.len(), 3);
    assert_eq!(app.pools[0].hosts, ["a", "b", "c"]);
    assert_eq!(app.pools[1].name, "cache");
    assert_eq!(app.pools[1].overflow, Some(5));
    assert_eq!((app.pools[2].size, app.pools[2].name.as_str()), (10, "xy"));
    assert_eq!(app.tags["a"], 3, "in a written map the last key wins");
    assert_eq!(app.tags["b"], 5);
    assert_eq!(app.peer, Some((Atom::new("node"), "hi".to_string(), 4369)));
    assert_eq!(
        app.raw.as_ref().unwrap().to_string(),
        "{fun lists:map/2,[1|2],<<1:4>>,#{k => v}}"
    );
    assert_eq!(app.key, [1, 2, 255]);
    assert_eq!(app.sep, Some(';'));
    assert_eq!(
        cfg.kernel.unwrap().to_string(),
        "[{logger_level,info},{inet_dist_listen_min,8192}]"
    );
}

#[test]
fn errors_have_the_same_path_message_and_position() {
    let cases: &[(&str, &str)] = &[
        (
            "[{my_app, [{pools, [[{name, \"a\"}, {size, 1}],\n    [{name, \"c\"}, {size, ten}]]}]}].",
            "my_app.pools[1].size: expected u32, found atom ten at 2:26",
        ),
        (
            "[{my_app, [{pools, [\n  [{name, \"a\"}]]}]}].",
            "my_app.pools[0]: missing field size at 2:3",
        ),
        ("[{kernel, []}].", "missing field my_app at 1:1"),
        (
            "[{my_app, [{port, 70000}]}].",
            "my_app.port: integer 70000 out of range for u16 at 1:19",
        ),
        (
            "[{my_app, [{level, verbose}]}].",
            "my_app.level: unknown variant verbose, expected one of debug, info, limit, range, custom at 1:20",
        ),
        (
            "[{my_app, [{level, {range, 1}}]}].",
            "my_app.level: expected tagged tuple of 3, found tuple {range, ...} of 2 at 1:20",
        ),
        (
            "[{my_app, [{level, {limit, 1, 2}}]}].",
            "my_app.level: expected tagged tuple {Tag, Value}, found tuple {limit, ...} of 3 at 1:20",
        ),
        (
            "[{my_app, [{level, {limit,\n  x}}]}].",
            "my_app.level[1]: expected u8, found atom x at 2:3",
        ),
        (
            "[{my_app, [{level, {custom, [{name, 1}]}}]}].",
            "my_app.level[1].name: expected string, found integer 1 at 1:37",
        ),
        (
            "[{my_app, [{level, \"info\"}]}].",
            "my_app.level: expected atom or tagged tuple {Tag, ...}, found string \"info\" at 1:20",
        ),
        // The shape of the proplist is checked before any value in it.
        (
            "[{my_app, [{port, x}, {a, b, c}]}].",
            "my_app[1]: expected {Key, Value} or atom in a proplist, found tuple {a, ...} of 3 at 1:23",
        ),
        (
            "[{my_app, [{port, x} | y]}].",
            "my_app: expected proplist [{Key, Value}] or map, found improper list at 1:11",
        ),
        (
            "[{my_app, [{peer, {n, \"h\", 1, 2}}]}].",
            "my_app.peer: expected tuple of 3, found tuple {n, ...} of 4 at 1:19",
        ),
        (
            "[{my_app, [{peer, [n, \"h\", 1, 2]}]}].",
            "my_app.peer: expected list of 3, found 4 elements at 1:19",
        ),
        (
            "[{my_app, [{tags, #{\"a\" => x}}]}].",
            "my_app.tags[\"a\"]: expected i64, found atom x at 1:28",
        ),
        (
            "[{my_app, [{key, [1, 256]}]}].",
            "my_app.key[1]: integer 256 out of range for u8 at 1:22",
        ),
        (
            "[{my_app, [{pools, [1, 2 | x]}]}].",
            "my_app.pools[0]: expected proplist [{Key, Value}] or map, found integer 1 at 1:21",
        ),
    ];
    for (text, message) in cases {
        let e = same::<SysConfig>(text).unwrap_err();
        assert_eq!(e.to_string(), *message, "{text:?}");
    }
}

#[test]
fn a_syntax_error_wins_over_an_earlier_type_error() {
    // The value of `port` is wrong, but the text is not even a term.
    let text = "[{my_app, [{port, x}]},\n {b c}].";
    let e = erlterm::from_str::<SysConfig>(text).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Parse(_)), "{e}");
    assert_eq!(e.line(), Some(2));
    assert_eq!(e, erlterm::from_str::<Term>(text).unwrap_err());
}

#[test]
fn exactly_one_term() {
    let e = erlterm::from_str::<u8>("1.\n  2.").unwrap_err();
    assert_eq!(e.to_string(), "expected exactly one term, found 2 at 2:3");
    assert_eq!(e.kind(), &ErrorKind::TermCount(2));
    let e = erlterm::from_str::<u8>("%% nothing\n").unwrap_err();
    assert_eq!(e.kind(), &ErrorKind::TermCount(0));
    // One term may leave out its final dot (as `to_string` writes it)...
    assert_eq!(erlterm::from_str::<u8>("1"), Ok(1));
    assert_eq!(erlterm::from_str::<u8>("1 % one\n"), Ok(1));
    // ...but a term cut short stays an error, worded as before.
    let e = erlterm::from_str::<Vec<u8>>("[1").unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Parse(_)), "{e}");
    let e = erlterm::from_str::<u8>("1. 2").unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Parse(_)), "{e}");
}

#[test]
fn every_term_of_a_file_as_one_list() {
    #[derive(Deserialize, Debug, PartialEq)]
    struct Rebar {
        erl_opts: Vec<Term>,
        #[serde(default)]
        deps: Vec<(Atom, Term)>,
        #[serde(default)]
        cover_enabled: bool,
    }
    let text = "{erl_opts, [debug_info]}.\n{deps, [{cowboy, \"2.9.0\"}]}.\ncover_enabled.\n{erl_opts, []}.\n";
    let got: Rebar = erlterm::serde::from_str_all(text).unwrap();
    assert_eq!(got.erl_opts.len(), 1, "the first occurrence wins");
    assert_eq!(got.deps[0].0.as_str(), "cowboy");
    assert!(got.cover_enabled);
    let nodes = erlterm::parse_nodes(text).unwrap();
    let list = Node {
        span: Span {
            start: 0,
            end: text.len() as u32,
            line: 1,
            column: 1,
        },
        kind: NodeKind::List(nodes, None),
    };
    assert_eq!(erlterm::serde::from_node::<Rebar>(&list).unwrap(), got);
    let e = erlterm::serde::from_str_all::<Rebar>("{deps, []}.\n{erl_opts, x}.").unwrap_err();
    assert_eq!(
        e.to_string(),
        "erl_opts: expected list, found atom x at 2:12"
    );
    let all: Vec<u8> = erlterm::serde::from_str_all("1. 2.\n3.").unwrap();
    assert_eq!(all, [1, 2, 3]);
    let none: Vec<u8> = erlterm::serde::from_str_all("").unwrap();
    assert!(none.is_empty());
}

#[test]
fn latin1_and_invalid_bytes() {
    let s: String = erlterm::from_slice(b"%% coding: latin-1\n\"caf\xE9\".").unwrap();
    assert_eq!(s, "café");
    let e = erlterm::from_slice::<Term>(b"[a,\n \"\xE9\"].").unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Parse(_)), "{e}");
    assert_eq!(
        e,
        erlterm::serde::Error::from(erlterm::parse_bytes(b"[a,\n \"\xE9\"].").unwrap_err())
    );
}

#[test]
fn scalars_and_odd_writings() {
    same::<i64>("-16#1F.").unwrap();
    same::<i64>("- 1.").unwrap();
    same::<i64>("(7).").unwrap();
    same::<u128>("340282366920938463463374607431768211455.").unwrap();
    same::<i128>("-99999999999999999999.").unwrap();
    same::<char>("$\\x{1F600}.").unwrap();
    // Chars of every writing, as numbers: one-letter escapes are read in
    // place, the others by the leaf reader.
    let chars = "[$a, $\\n, $\\s, $\\\\, $\\', $\\\", $\\e, $\\d, $\\q, $\\101, $\\x{41}, $\\x41, $\\^A, $é, $\\é, $ , $\\\n].";
    assert_eq!(same::<Vec<i64>>(chars).unwrap().len(), 17);
    assert_eq!(
        same::<Vec<f64>>(chars).unwrap()[..4],
        [97.0, 10.0, 32.0, 92.0]
    );
    same::<String>("\"a\\tb\" \"\\101\".").unwrap();
    same::<String>("'quoted atom'.").unwrap();
    same::<String>("[$h, $i | \"!\"].").unwrap();
    same::<Vec<u32>>("\"hé\".").unwrap();
    same::<Vec<u8>>("<<\"é\"/utf8>>.").unwrap();
    same::<(Atom, (i64, f64), Vec<Atom>)>("{a, {1, 2}, [b | [c]]}.").unwrap();
    same::<Option<u8>>("undefined.").unwrap();
    same::<BTreeMap<Term, Term>>("#{1 => a, 1.0 => b, [x] => {}}.").unwrap();
    same::<BTreeMap<String, u8>>("[{a, 1}, {\"a\", 2}, {<<\"b\">>, 3}].").unwrap();
    assert!(same::<u8>("<<1:4>>.").is_err());
    assert!(same::<Vec<u8>>("[1 | 2].").is_err());
    assert!(same::<String>("[104, -1].").is_err());
}

#[test]
fn deep_values_stop_at_the_serde_bound() {
    #[derive(Deserialize, Debug, PartialEq)]
    enum Deep {
        Leaf,
        Node(Box<Deep>),
    }
    let text = format!("{}'Leaf'{}.", "{'Node',".repeat(300), "}".repeat(300));
    let e = same::<Deep>(&text).unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::Depth(erlterm::serde::DEFAULT_MAX_DEPTH)
    );
    let ok = format!("{}'Leaf'{}.", "{'Node',".repeat(127), "}".repeat(127));
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || erlterm::from_str::<Deep>(&ok).map(|_| ()))
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    // Inside a map, read by the tree: the same bound is reported.
    let text = format!("{}1{}.", "#{a => ".repeat(140), "}".repeat(140));
    let e = same::<Term>(&text).map(|_| ()).err();
    assert!(e.is_none());
    #[derive(Deserialize, Debug, PartialEq)]
    struct M {
        a: Box<Option<M>>,
    }
    let e = erlterm::from_str::<M>(&text).unwrap_err();
    assert_eq!(
        e.kind(),
        &ErrorKind::Depth(erlterm::serde::DEFAULT_MAX_DEPTH)
    );
    assert_eq!(Err(e), tree::<M>(&text));
}
