//! `from_str`, `from_slice` and `from_str_all` read in one pass over the
//! bytes (#21), and take the exact path (the text validated, read token
//! by token, the tree deserializer) wherever that pass gives up. Checked
//! here against the exact path, kept as `from_str_exact`: for every input
//! the single pass accepts, the same value (compared by `Debug`, which
//! tells `1` from `1.0`); for every input, the same result from
//! `from_str` (values, and errors with their messages); over the
//! conformance cases, the corpus, every cut of them, generated texts and
//! random ones, into many target types.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::path::Path;

use erlterm::serde::{
    from_str_all_exact, from_str_all_single_pass, from_str_exact, from_str_single_pass,
};
use erlterm::{Atom, Term};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// Runs both paths on `text` as a `T`; returns whether the single pass
/// accepted it.
fn agree<T: DeserializeOwned + Debug>(text: &str) -> bool {
    let exact = from_str_exact::<T>(text);
    let got = erlterm::from_str::<T>(text);
    same_result(&got, &exact, text);
    let fast = from_str_single_pass::<T>(text);
    if let Some(v) = &fast {
        assert_eq!(
            format!("{:?}", Ok::<_, ()>(v)),
            format!("{:?}", exact.as_ref().map_err(|_| ())),
            "single pass against exact path on {text:?} as {}",
            std::any::type_name::<T>()
        );
    }
    if erlterm::encoding::detect(text.as_bytes()) == erlterm::encoding::Encoding::Utf8 {
        let bytes = erlterm::from_slice::<T>(text.as_bytes());
        same_result(&bytes, &exact, text);
    }

    let exact_all = from_str_all_exact::<T>(text);
    let got_all = erlterm::serde::from_str_all::<T>(text);
    same_result(&got_all, &exact_all, text);
    if let Some(v) = from_str_all_single_pass::<T>(text) {
        assert_eq!(
            format!("{:?}", Ok::<_, ()>(&v)),
            format!("{:?}", exact_all.as_ref().map_err(|_| ())),
            "single pass (all) against exact path on {text:?} as {}",
            std::any::type_name::<T>()
        );
    }
    fast.is_some()
}

fn same_result<T: Debug>(
    got: &Result<T, erlterm::serde::Error>,
    want: &Result<T, erlterm::serde::Error>,
    text: &str,
) {
    let show = |r: &Result<T, erlterm::serde::Error>| match r {
        Ok(v) => format!("Ok({v:?})"),
        Err(e) => format!("Err({e:?} / {e})"),
    };
    assert_eq!(
        show(got),
        show(want),
        "{text:?} as {}",
        std::any::type_name::<T>()
    );
}

/// A `HashMap`, printed in key order (its own order changes from one map
/// to the next).
#[derive(Deserialize)]
#[serde(transparent)]
struct HMap<V>(HashMap<String, V>);

impl<V: Debug> Debug for HMap<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sorted: BTreeMap<&String, &V> = self.0.iter().collect();
        sorted.fmt(f)
    }
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

#[derive(Deserialize, Debug)]
struct Loose {
    name: Option<String>,
    level: Option<Level>,
    size: Option<u8>,
    n: Option<i64>,
    x: Option<f64>,
    tags: Option<Vec<String>>,
    env: Option<Term>,
    atom: Option<Atom>,
    c: Option<char>,
    pair: Option<(String, i32)>,
    flag: Option<bool>,
    #[serde(default)]
    unit: Option<()>,
    map: Option<BTreeMap<String, Term>>,
}

#[derive(Deserialize, Debug)]
struct Pool {
    name: String,
    size: u32,
    #[serde(default)]
    overflow: Option<u32>,
    #[serde(default)]
    hosts: Vec<String>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Strict {
    a: u8,
    #[serde(default)]
    b: Option<String>,
}

#[derive(Deserialize, Debug)]
struct App {
    pools: Vec<Pool>,
    level: Level,
    port: u16,
}

#[derive(Deserialize, Debug)]
struct Sys {
    my_app: Option<App>,
    kernel: Option<Term>,
}

/// A tagged tuple as an enum, as `.app` files are read.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
enum AppFile {
    Application(Atom, HMap<Term>),
}

#[derive(Deserialize, Debug)]
#[serde(untagged)]
enum Any {
    B(bool),
    I(i64),
    S(String),
    L(Vec<Any>),
    M(BTreeMap<String, Term>),
}

/// Every target type, on one text; the number of types the single pass
/// took it for.
fn all_types(text: &str) -> usize {
    let mut n = 0;
    n += usize::from(agree::<Term>(text));
    n += usize::from(agree::<Vec<Term>>(text));
    n += usize::from(agree::<Loose>(text));
    n += usize::from(agree::<Vec<Loose>>(text));
    n += usize::from(agree::<Sys>(text));
    n += usize::from(agree::<Strict>(text));
    n += usize::from(agree::<HMap<Term>>(text));
    n += usize::from(agree::<BTreeMap<String, Term>>(text));
    n += usize::from(agree::<Vec<(String, Term)>>(text));
    n += usize::from(agree::<Vec<(Atom, Vec<(String, Term)>)>>(text));
    n += usize::from(agree::<Vec<Level>>(text));
    n += usize::from(agree::<Level>(text));
    n += usize::from(agree::<AppFile>(text));
    n += usize::from(agree::<Vec<Any>>(text));
    n += usize::from(agree::<Any>(text));
    n += usize::from(agree::<Vec<f64>>(text));
    n += usize::from(agree::<Vec<Vec<f64>>>(text));
    n += usize::from(agree::<Vec<i64>>(text));
    n += usize::from(agree::<Vec<u8>>(text));
    n += usize::from(agree::<Vec<String>>(text));
    n += usize::from(agree::<String>(text));
    n += usize::from(agree::<Option<String>>(text));
    n += usize::from(agree::<(String, i64, Vec<Term>)>(text));
    n += usize::from(agree::<Vec<(String, Vec<(String, Term)>)>>(text));
    n
}

#[test]
fn typed_models_read_in_one_pass() {
    let cases = [
        r#"[{my_app, [{port, 8080}, {level, info},
             {pools, [[{name, "db"}, {size, 10}], [{name, <<"cache">>}, {size, 2}, {overflow, 5}]]}]},
            {kernel, [{logger_level, info}]}]."#,
        r#"[{my_app, #{port => 80, level => {limit, 3}, pools => []}}]."#,
        r#"[{my_app, [{port, 1}, {level, {range, 1, 2}}, {pools, []}, {port, 2}]}]."#,
        r#"[{my_app, [{port, 1}, {level, {custom, [{name, "x"}]}}, {pools, ""}]}]."#,
        "[{name, \"a\" \"b\"}, {size, $a}, debug, {n, -5}, {x, - 1.5e3}, {tags, [a, 'B c', \"d\\n\"]}].",
        "[{n, 16#ff}, {n, 1}, {x, 2#101}, {size, 1_0}, {c, $\\n}, {flag, true}, {unit, {}}].",
        "[{atom, 'Elixir.Foo'}, {env, [{a, #{b => 1, b => 2}}]}, {map, #{\"k\" => 1, k => 2}}].",
        "[{pair, {\"a\", 1}}, {pair, [\"b\", 2]}, {level, 'debug'}, {level, {info}}].",
        "{application, test, [{vsn, \"1\"}, {mod, {test_app, []}}, {env, [{k, fun m:f/1}]}]}.",
        "[{a, 1}, {b, [1.0, 2, $c]}, c, {d, <<1,2,3>>}, {e, \"héllo\"}].",
        "%% comment\n[ {a , 1 } , b ] % trailing\n.\n",
        "[{a, 1}]",
        "[1, 2.5, 100000000000000000000000000, -3, 1.0e10].",
        "[[1, 2], [3.25, -4], []].",
        "[\"a\", <<\"b\">>, c, 'd', [101], \"\\x{1F600}\", \"\\101\"].",
        "{\"name\", 1, [x, y]}.",
        "[{a, [{b, [{c, 1}]}]}, {a, 2}].",
        "#{a => 1, \"b\" => [x]}.",
        "#{<<\"a\">> => 1, <<\"a\"/utf8>> => 2, a => <<\"é\"/utf8>>, <<\"b\">> => <<\"é\">>}.",
        "[{map, #{<<\"k\">> => 1, <<\"k\">> => 2}}, {name, <<\"x\"/utf8>>}].",
        "[{'a', 1}, {a, 2}, a, {\"a\", 3}].",
    ];
    let mut took = 0;
    for text in cases {
        took += all_types(text);
    }
    assert!(took > 60, "the single pass took only {took}");
}

#[test]
fn plain_texts_are_taken_by_the_single_pass() {
    // What each of these reads into is exactly what the exact path gives,
    // and the single pass does not give up on them.
    let take = |ok: bool, text: &str| assert!(ok, "gave up on {text:?}");
    let t = r#"[{my_app, [{port, 8080}, {level, info}, {pools, [[{name, "db"}, {size, 10}]]}]}]."#;
    take(agree::<Sys>(t), t);
    take(agree::<Term>(t), t);
    take(agree::<Vec<(String, Vec<(String, Term)>)>>(t), t);
    let t = "[[1, 2.5, -3, 16#ff, $a, 1_000], []].";
    take(agree::<Vec<Vec<f64>>>(t), t);
    let t = "[\"a\", \"b\\n\" \"c\", 'd', e, <<\"f\">>].";
    take(agree::<Vec<String>>(t), t);
    let t = "{\"1.0\", [{\"0.9\", [{load_module, m}, {update, m, {advanced, []}}, {apply, {m, f, []}}]}], []}.";
    take(agree::<(String, Vec<(String, Vec<Term>)>, Vec<Term>)>(t), t);
    let t = "[{a, 1}, {a, 2}, b, {c, #{x => 1, x => 2}}].";
    take(agree::<HMap<Term>>(t), t);
    take(
        agree::<Loose>("[{name, \"n\"}, {n, 1}, {n, oops}, {map, #{\"k\" => 1, k => 2}}]."),
        t,
    );
    take(agree::<Level>("{range, 1, 2}."), "range");
    take(agree::<Level>("{custom, #{name => \"x\"}}."), "custom");
    take(agree::<Option<u8>>("undefined."), "undefined");
    take(agree::<Option<u8>>("'undefined'"), "undefined");
    let t = "a. {b, [c]}. \"d\".";
    agree::<Vec<Term>>(t);
    take(from_str_all_single_pass::<Vec<Term>>(t).is_some(), t);
    let t = "{erl_opts, [debug_info]}.\n{deps, []}.\n{erl_opts, []}.";
    agree::<Loose>(t);
    agree::<HMap<Term>>(t);
    take(from_str_all_single_pass::<HMap<Term>>(t).is_some(), t);
    // And gives up on errors, the exact path reporting them.
    assert!(!agree::<Sys>("[{my_app, [{port, x}]}]."));
    assert!(!agree::<u8>("300."));
    assert!(!agree::<Vec<u8>>("[1, 2 3]."));
    assert!(!agree::<Loose>("[{n, 1}, {n, 1 2}]."));
}

#[test]
fn errors_are_the_exact_paths() {
    let cases = [
        ("[{my_app, [{port, x}]}].", "port"),
        (
            "[{my_app, [{port, 1}, {level, {limit, 300}}, {pools, []}]}].",
            "limit",
        ),
        ("[{my_app, [{port, 1}]}, {my_app, x y}].", "syntax"),
        ("[{n, 1}, {n, [}].", "syntax after a duplicate"),
        ("[{a, 1}, {a, 2, 3}].", "shape after"),
        ("[{a, 1}, 5].", "element"),
        ("[{a, 1}|b].", "tail"),
        ("1. 2.", "count"),
        ("", "empty"),
        ("[{a, 1}", "unfinished"),
    ];
    for (text, _) in cases {
        all_types(text);
    }
}

fn case_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/consult/cases");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
    }
    out.sort();
    out
}

fn corpus_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let Ok(kinds) = std::fs::read_dir(&root) else {
        return out;
    };
    for kind in kinds {
        let kind = kind.unwrap().path();
        if !kind.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&kind).unwrap() {
            let path = entry.unwrap().path();
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn conformance_cases_agree() {
    let mut took = 0;
    for (_, bytes) in case_files() {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            took += all_types(text);
        }
        // Bytes (latin-1 too): from_slice against the exact path.
        slice_agrees::<Term>(&bytes);
        slice_agrees::<Vec<(String, Term)>>(&bytes);
    }
    assert!(took > 100, "the single pass took only {took}");
}

/// `from_slice` gives what the exact path gives on the decoded text.
fn slice_agrees<T: DeserializeOwned + Debug>(bytes: &[u8]) {
    let got = erlterm::from_slice::<T>(bytes);
    let text: String = match erlterm::encoding::detect(bytes) {
        erlterm::encoding::Encoding::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
        _ => match std::str::from_utf8(bytes) {
            Ok(t) => t.to_owned(),
            Err(_) => return,
        },
    };
    let want = from_str_exact::<T>(&text);
    same_result(&got, &want, &text);
}

#[test]
fn corpus_files_agree() {
    let files = corpus_files();
    if files.is_empty() {
        eprintln!("no corpus at ../shared/corpus: skipped");
        return;
    }
    let mut took = 0;
    for (_, bytes) in &files {
        slice_agrees::<Term>(bytes);
        slice_agrees::<Vec<Term>>(bytes);
        if let Ok(text) = std::str::from_utf8(bytes) {
            took += usize::from(agree::<Term>(text));
            took += usize::from(agree::<Vec<Term>>(text));
            took += usize::from(agree::<Vec<(String, Term)>>(text));
            took += usize::from(agree::<HMap<Term>>(text));
            took += usize::from(agree::<Loose>(text));
            took += usize::from(agree::<Vec<Any>>(text));
            took += usize::from(agree::<AppFile>(text));
            took += usize::from(agree::<Vec<(Atom, Vec<(String, Term)>)>>(text));
        }
    }
    assert!(took > 1000, "the single pass took only {took}");
}

/// Every cut of `text` (at most `limit` of them, spread over it).
fn cuts(text: &str, limit: usize) -> Vec<&str> {
    let bounds: Vec<usize> = (0..=text.len())
        .filter(|i| text.is_char_boundary(*i))
        .collect();
    let step = bounds.len().div_ceil(limit).max(1);
    bounds
        .iter()
        .step_by(step)
        .filter_map(|&i| text.get(..i))
        .collect()
}

#[test]
fn every_cut_agrees() {
    let texts = [
        r#"[{my_app, [{port, 8080}, {level, {range, 1, 2}}, %% c
             {pools, [[{name, "db" "x"}, {size, 10}], [{name, <<"cache">>}, {size, 2}, {overflow, 5}]]}]},
            {kernel, [{logger_level, info}, debug]}].
"#,
        "[{n, -16#ff}, {x, 1.5e-3}, {c, $\\s}, {map, #{\"k\" => <<\"v\">>, k => 'w'}}, {env, [a|b]}].",
        "{application, t, [{vsn, \"1\"}, {env, [{k, fun m:f/1}, {l, #{}}]}]}.\n",
    ];
    for text in texts {
        for cut in cuts(text, 400) {
            all_types(cut);
        }
    }
    for (_, bytes) in case_files().iter().take(120) {
        if let Ok(text) = std::str::from_utf8(bytes) {
            for cut in cuts(text, 40) {
                agree::<Term>(cut);
                agree::<Loose>(cut);
                agree::<Vec<(String, Term)>>(cut);
            }
        }
    }
}

/// A small generator of texts with every construct, some broken.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn ws(&mut self, out: &mut String) {
        out.push_str(self.pick(&["", "", " ", "\n  ", " %% c\n", "\t"]));
    }

    fn leaf(&mut self, out: &mut String) {
        let keys = [
            "name", "level", "size", "n", "x", "tags", "env", "atom", "c", "pair", "flag", "unit",
            "map",
        ];
        let s = match self.below(14) {
            0 => self.pick(&keys).to_string(),
            1 => self
                .pick(&["true", "false", "undefined", "'undefined'", "info", "debug"])
                .into(),
            2 => self
                .pick(&["'Elixir.Foo'", "'a\\'b'", "'\\x{41}'", "'é'", "''", "café"])
                .into(),
            3 => self
                .pick(&[
                    "\"s\"",
                    "\"\"",
                    "\"a\\nb\"",
                    "\"x\" \"y\"",
                    "\"héllo\"",
                    "\"\\101\"",
                ])
                .into(),
            4 => self
                .pick(&[
                    "0", "1", "-5", "- 5", "255", "256", "300", "16#ff", "2#101", "1_000",
                ])
                .into(),
            5 => self
                .pick(&["99999999999999999999", "-9223372036854775808", "36#zz"])
                .into(),
            6 => self
                .pick(&["1.5", "-0.0", "1.0e10", "2.5E-3", "- 3.5", "1.0e400"])
                .into(),
            7 => self
                .pick(&["$a", "$\\n", "$\\s", "$\\x{1F600}", "$é"])
                .into(),
            8 => self
                .pick(&[
                    "<<>>",
                    "<<\"b\">>",
                    "<<1,2,3>>",
                    "<<\"é\"/utf8>>",
                    "<<\"é\">>",
                    "<< \"a\" / utf8 >>",
                    "<<\"a\"/utf8x>>",
                    "<<\"a\" \"b\">>",
                    "<<\"\">>",
                    "<<\"x\\ny\">>",
                    "<<\"a\"/utf16>>",
                    "<<1:4>>",
                ])
                .into(),
            9 => self
                .pick(&["fun m:f/1", "{}", "[]", "#{}", "X", "(a)"])
                .into(),
            10 => self
                .pick(&["[104,105]", "[a|b]", "\"ab\" ++ \"c\"", "a b", ",", "]"])
                .into(),
            _ => self.pick(&keys).to_string(),
        };
        out.push_str(&s);
    }

    fn value(&mut self, out: &mut String, depth: u32) {
        if depth > 4 {
            self.leaf(out);
            return;
        }
        match self.below(9) {
            0..=2 => self.leaf(out),
            3 | 4 => {
                // A proplist.
                out.push('[');
                let n = self.below(5);
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    self.ws(out);
                    if self.below(5) == 0 {
                        self.leaf(out);
                    } else {
                        out.push('{');
                        self.leaf(out);
                        out.push_str(", ");
                        self.value(out, depth + 1);
                        out.push('}');
                    }
                }
                out.push(']');
            }
            5 => {
                out.push('{');
                let n = self.below(4);
                for i in 0..n {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.value(out, depth + 1);
                }
                out.push('}');
            }
            6 => {
                out.push_str("#{");
                let n = self.below(3);
                for i in 0..n {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.leaf(out);
                    out.push_str(" => ");
                    self.value(out, depth + 1);
                }
                out.push('}');
            }
            _ => {
                out.push('[');
                let n = self.below(4);
                for i in 0..n {
                    if i > 0 {
                        out.push(',');
                    }
                    self.ws(out);
                    self.value(out, depth + 1);
                }
                out.push(']');
            }
        }
    }

    fn text(&mut self) -> String {
        let mut out = String::new();
        self.ws(&mut out);
        self.value(&mut out, 0);
        self.ws(&mut out);
        out.push_str(self.pick(&[".", ".\n", "", ". a.", " .%c"]));
        out
    }
}

#[test]
fn generated_texts_agree() {
    let mut g = Gen(0x5eed_b17e);
    let mut took = 0;
    for _ in 0..1500 {
        let text = g.text();
        took += all_types(&text);
    }
    assert!(took > 500, "the single pass took only {took}");
}

/// A random decimal number: a sign (sometimes spaced), digits (up to 45,
/// sometimes with separators, well placed or not), maybe a fraction and
/// an exponent, maybe followed by something that is not a separator.
fn random_number(g: &mut Gen) -> String {
    let mut out = String::new();
    match g.below(8) {
        0 | 1 => out.push('-'),
        2 => out.push_str(g.pick(&["- ", "-\n  ", "- %% c\n", "-\u{a0}"])),
        _ => {}
    }
    match g.below(10) {
        // A character.
        0 => {
            out.push_str(g.pick(&[
                "$a",
                "$Z",
                "$ ",
                "$\n",
                "$\\n",
                "$\\x{263A}",
                "$é",
                "$\\",
                "$\u{7f}",
                "$\t",
            ]));
            return out;
        }
        // A based integer.
        1 | 2 => {
            out.push_str(&(g.below(40)).to_string());
            out.push('#');
            let digits = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
            for k in 0..g.below(20) {
                let at = g.below(digits.len() as u64) as usize;
                if k > 0 || at < digits.len() - 1 {
                    out.push_str(&digits[at..at + 1]);
                }
            }
            return out;
        }
        _ => {}
    }
    let digits = |g: &mut Gen, out: &mut String, n: u64| {
        for k in 0..n {
            if k > 0 && g.below(8) == 0 {
                out.push('_');
                if g.below(20) == 0 {
                    out.push('_');
                }
            }
            out.push(char::from(b'0' + g.below(10) as u8));
        }
    };
    let len = match g.below(4) {
        0 => 1 + g.below(3),
        1 => 1 + g.below(12),
        2 => 15 + g.below(8),
        _ => 1 + g.below(45),
    };
    digits(g, &mut out, len);
    if g.below(2) == 0 {
        out.push('.');
        let len = if g.below(3) == 0 {
            g.below(25)
        } else {
            1 + g.below(6)
        };
        digits(g, &mut out, len);
        if g.below(2) == 0 {
            out.push_str(g.pick(&["e", "E", "e-", "e+", "E-"]));
            let len = if g.below(8) == 0 {
                g.below(5)
            } else {
                1 + g.below(2)
            };
            digits(g, &mut out, len);
        }
    }
    if g.below(12) == 0 {
        out.push_str(g.pick(&["_", "#", "#1", "e5", ".", "x", "_1", "."]));
    }
    out
}

#[test]
fn random_numbers_agree() {
    let mut g = Gen(0x5eed_0123);
    let mut took = 0;
    for _ in 0..3000 {
        let mut text = String::from("[");
        for k in 0..1 + g.below(4) {
            if k > 0 {
                text.push_str(", ");
            }
            text.push_str(&random_number(&mut g));
        }
        text.push_str("].");
        took += usize::from(agree::<Vec<f64>>(&text));
        took += usize::from(agree::<Vec<i64>>(&text));
        agree::<Vec<u64>>(&text);
        agree::<Vec<i128>>(&text);
        agree::<Vec<u8>>(&text);
        agree::<Vec<i32>>(&text);
        agree::<Vec<Term>>(&text);
        let one = random_number(&mut g);
        agree::<f64>(&one);
        agree::<i64>(&one);
        agree::<u64>(&one);
        agree::<i128>(&one);
    }
    assert!(took > 1500, "the single pass took only {took}");
    for text in [
        "[9223372036854775807, 9223372036854775808, -9223372036854775808, -9223372036854775809].",
        "[18446744073709551615, 18446744073709551616, 170141183460469231731687303715884105727].",
        "[170141183460469231731687303715884105728, -170141183460469231731687303715884105728].",
        "[-170141183460469231731687303715884105729, 9007199254740993, 9007199254740993.0].",
        "[1.7976931348623157e308, 1.7976931348623159e308, 4.9e-324, 2.0e-324, 0.1, 1.0e23].",
        "[1_0.5, 1.0_5, 1.5e1_0, 1.5e, 1.5e+, 00.5, -0.0, -0, 1_000_000, 12345678901234567890.5].",
        "[16#ffffffffffffffff, 16#1_0000_0000_0000_0000, -16#8000000000000000, 36#zz, 2#1_0, 16#Ff].",
        "[1_6#ff, 016#ff, 37#1, 1#0, 16#, 16#_1, 16#1_, 16#1__2, $, - $a, -$a, $\\x{41}].",
    ] {
        agree::<Vec<f64>>(text);
        agree::<Vec<i64>>(text);
        agree::<Vec<u64>>(text);
        agree::<Vec<i128>>(text);
        agree::<Vec<Term>>(text);
    }
}

/// Long runs of digits (read eight bytes at a time), in every base, at
/// every distance from the end of the text (the last seven bytes are read
/// one at a time), with separators anywhere.
#[test]
fn long_digit_runs_agree() {
    let mut g = Gen(0x5eed_d161);
    let mut took = 0;
    for _ in 0..4000 {
        let mut digits = String::new();
        let len = 1 + g.below(45);
        let base = match g.below(4) {
            0 => 2 + g.below(35),
            _ => 10,
        };
        for k in 0..len {
            if k > 0 && g.below(10) == 0 {
                digits.push('_');
            }
            let d = g.below(base) as u32;
            let c = char::from_digit(d, 36).unwrap();
            digits.push(if g.below(2) == 0 {
                c.to_ascii_uppercase()
            } else {
                c
            });
        }
        let mut text = String::new();
        if g.below(4) == 0 {
            text.push('-');
        }
        if base != 10 {
            text.push_str(&format!("{base}#"));
        }
        text.push_str(&digits);
        if base == 10 && g.below(3) == 0 {
            text.push('.');
            for _ in 0..g.below(30) {
                text.push(char::from(b'0' + g.below(10) as u8));
            }
            if g.below(2) == 0 {
                text.push_str(&format!("e-{}", g.below(30)));
            }
        }
        took += usize::from(agree::<f64>(&text));
        agree::<i64>(&text);
        agree::<u64>(&text);
        agree::<i128>(&text);
        let list = format!("[{text}, {text}]{}", g.pick(&[".", "", ".\n", " .%c"]));
        took += usize::from(agree::<Vec<f64>>(&list));
        agree::<Vec<i64>>(&list);
        agree::<Vec<u128>>(&list);
        agree::<Vec<Term>>(&list);
    }
    assert!(took > 3000, "the single pass took only {took}");
}

/// Tagged tuples read as enums: the tag is read once, whatever its
/// spelling, and the rest of the tuple after it.
#[test]
fn tagged_tuples_agree() {
    for text in [
        "[{limit, 3}, {range, 1, 2}, {custom, [{name, \"x\"}]}, debug, {info}].",
        "[{'limit', 3}, {'ra\\nge', 1, 2}, {'custom', #{name => <<\"x\">>}}].",
        "[{limit}, {limit, 3, 4}, {range, 1}, {debug, 1}, {other, 1}, {\"limit\", 3}].",
        "[{ limit , 3 } , { range , 1 , 2 } , {custom , [] }].",
        "[{limit, 300}, {range, -1, 2}, {custom, [{name, 1}]}].",
        "[{'r\\x61nge', 1, 2}, {'\\x{6C}imit', 3}, {'debug'}, 'info'].",
        "[{limit, 3}|x].",
        "{application, test, [{vsn, \"1\"}, {modules, []}]}.",
        "{application, 'test', [{vsn, \"1\"}]}.",
        "{application, \"test\", []}.",
    ] {
        agree::<Vec<Level>>(text);
        agree::<Level>(text);
        agree::<AppFile>(text);
        agree::<Vec<Term>>(text);
    }
    for text in [
        "[{limit, 3}, {range, 1, 2}, {custom, [{name, \"x\"}]}, debug, {info}].",
        "[{'r\\x61nge', 1, 2}, {'\\x{6C}imit', 3}, {'debug'}, 'info'].",
    ] {
        assert!(agree::<Vec<Level>>(text), "{text}");
    }
}

/// Proplists of many keys (past the short list of keys seen, into the
/// hash set), with repeats, names alike but for a byte, quoted and bare
/// spellings of one atom, flags: the first occurrence wins on both paths.
#[test]
fn long_proplists_with_repeated_keys_agree() {
    let mut g = Gen(0x5eed_4e45);
    let names: Vec<String> = (0..120)
        .map(|i| match i % 6 {
            0 => format!("k{i}"),
            1 => format!("a_long_key_name_{i}_with_a_tail"),
            2 => format!("a_long_key_name_{}_with_a_tail", i + 1000),
            3 => format!("prefix_{i:03}"),
            4 => "'Quoted key'".to_string(),
            _ => format!("'x{i}'"),
        })
        .collect();
    for _ in 0..300 {
        let n = 1 + g.below(110) as usize;
        let mut text = String::from("[");
        for k in 0..n {
            if k > 0 {
                text.push_str(", ");
            }
            let name = &names[g.below(names.len() as u64) as usize];
            // The same atom, quoted.
            let name = if g.below(10) == 0 && !name.starts_with('\'') {
                format!("'{name}'")
            } else {
                name.clone()
            };
            if g.below(8) == 0 {
                text.push_str(&name);
            } else {
                text.push_str(&format!("{{{name}, {k}}}"));
            }
        }
        text.push_str("].");
        assert!(agree::<HMap<Term>>(&text), "{text}");
        assert!(agree::<BTreeMap<String, Term>>(&text), "{text}");
        agree::<Loose>(&text);
        agree::<Term>(&text);
    }
}

#[test]
fn deep_values_agree() {
    for depth in [
        1usize, 100, 126, 127, 128, 129, 130, 200, 498, 499, 500, 501, 600,
    ] {
        let list = format!("{}{}.", "[".repeat(depth), "]".repeat(depth));
        agree::<Term>(&list);
        agree::<Vec<Term>>(&list);
        agree::<Any>(&list);
        let prop = format!("{}1{}.", "[{a, ".repeat(depth), "}]".repeat(depth));
        agree::<Term>(&prop);
        agree::<Loose>(&prop);
        agree::<HMap<Term>>(&prop);
        agree::<Vec<(String, Term)>>(&prop);
        agree::<Any>(&prop);
        let tuple = format!("{}x{}.", "{t, ".repeat(depth), "}".repeat(depth));
        agree::<Term>(&tuple);
        agree::<Level>(&tuple);
        agree::<(String, Term)>(&tuple);
    }
}

mod random {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Random texts over the bytes terms are made of.
        #[test]
        fn random_texts_agree(text in "[\\[\\]{}#=>,.a-z0-9'\"$\\\\_ \n%|<>:/-]{0,40}") {
            all_types(&text);
        }

        /// Generated texts with one byte changed, inserted or removed.
        #[test]
        fn mutated_texts_agree(seed in 1u64.., at in 0usize..200, byte in 0u8..128, how in 0u8..3) {
            let mut text = Gen(seed).text().into_bytes();
            let at = at % (text.len() + 1);
            match how {
                0 if at < text.len() => text[at] = byte,
                1 => text.insert(at, byte),
                _ if at < text.len() => { text.remove(at); }
                _ => {}
            }
            if let Ok(text) = String::from_utf8(text) {
                all_types(&text);
            }
        }
    }
}
