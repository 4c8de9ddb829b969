//! The `Term` API of issue #23: `Hash` consistent with `=:=`, `get` and
//! `get_mut`, `TermMap`'s invariant, floats without NaN, `Debug`, the `{:#}`
//! form against strings recorded from OTP 25, and the `term!` macro.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use erlterm::{term, Atom, NonFiniteFloat, Term, TermMap};

fn one(src: &str) -> Term {
    let mut terms = erlterm::parse_str(src).unwrap();
    assert_eq!(terms.len(), 1, "{src}");
    terms.remove(0)
}

fn hash_of(t: &Term) -> u64 {
    let mut h = DefaultHasher::new();
    t.hash(&mut h);
    h.finish()
}

#[test]
fn equal_terms_hash_alike() {
    // Recorded from OTP 25: each pair is =:= (0.0 =:= -0.0 is true in 25).
    let equal = [
        ("\"ab\".", "[97, 98]."),
        ("\"\".", "[]."),
        ("[$a | \"bc\"].", "\"abc\"."),
        ("[1, 2 | [3]].", "[1, 2, 3]."),
        ("0.0.", "-0.0."),
        ("#{b => 1, a => 2}.", "#{a => 2, b => 1}."),
        ("#{a => 1, a => 2}.", "#{a => 2}."),
        ("{\"x\", [\"y\" | z]}.", "{[120], [[121] | z]}."),
        ("<<\"ab\">>.", "<<97, 98>>."),
        ("<<1:4>>.", "<<1:4/integer>>."),
        ("fun m:f/1.", "fun m:f/1."),
    ];
    for (a, b) in equal {
        let (a, b) = (one(a), one(b));
        assert_eq!(a, b);
        assert_eq!(hash_of(&a), hash_of(&b), "{a} / {b}");
    }
    let spliced = Term::improper_list(vec![Term::int(97)], Term::string("b"));
    assert_eq!(hash_of(&spliced), hash_of(&Term::string("ab")));

    // Not =:= (OTP 25): 1 =/= 1.0, [a|b] =/= [a,b], <<1:4>> =/= <<1>>.
    let distinct = [
        "1.",
        "1.0.",
        "2.",
        "a.",
        "\"a\".",
        "[a | b].",
        "[a, b].",
        "{a, b}.",
        "#{a => b}.",
        "<<1:4>>.",
        "<<1>>.",
        "[].",
        "{}.",
        "#{}.",
        "<<>>.",
        "fun m:f/1.",
        "fun m:f/2.",
    ];
    let set: HashSet<Term> = distinct.iter().map(|s| one(s)).collect();
    assert_eq!(set.len(), distinct.len());
    for s in distinct {
        assert!(set.contains(&one(s)), "{s}");
    }
    // Every equal pair among a mixed bag hashes alike.
    let bag: Vec<Term> = erlterm::parse_str(
        "\"ab\". [97,98]. [97|\"b\"]. 0.0. -0.0. 0. 1.0. 1. #{1 => a, 1.0 => b}. \
         #{1.0 => b, 1 => a}. {[]}. {\"\"}. [[]|x]. [\"\"|x].",
    )
    .unwrap();
    for a in &bag {
        for b in &bag {
            if a == b {
                assert_eq!(hash_of(a), hash_of(b), "{a} / {b}");
            }
        }
    }
}

#[test]
fn non_finite_floats_are_refused_and_never_printed_as_floats() {
    assert_eq!(Term::float(f64::NAN), None);
    assert_eq!(Term::float(f64::INFINITY), None);
    assert_eq!(Term::float(f64::NEG_INFINITY), None);
    assert_eq!(
        Term::try_from(f64::NAN).unwrap_err().to_string(),
        "NaN is not an Erlang float (Erlang has no NaN or infinity)"
    );
    assert!(matches!(Term::try_from(f64::INFINITY), Err(NonFiniteFloat(x)) if x.is_infinite()));
    assert_eq!(Term::try_from(-0.0).unwrap().to_string(), "-0.0");
    assert_eq!(Term::float(1e300).unwrap().to_string(), "1.0e300");

    // Hand-built non-finite floats (the variant is public) still print as
    // text that reads back, in every printer.
    let nan = Term::Float(f64::NAN);
    let t = Term::tuple(vec![
        nan.clone(),
        Term::Float(f64::INFINITY),
        Term::list(vec![Term::Float(f64::NEG_INFINITY)]),
    ]);
    assert_eq!(t.to_string(), "{nan,infinity,['-infinity']}");
    assert_eq!(format!("{t:#}"), "{nan,infinity,['-infinity']}");
    for text in [t.to_string(), format!("{t:#}")] {
        assert!(erlterm::parse_str(&format!("{text}.")).is_ok(), "{text}");
    }
    // Equality and order stay total: NaN equals itself and sorts last.
    assert_eq!(nan, Term::Float(f64::NAN));
    assert_eq!(hash_of(&nan), hash_of(&Term::Float(-f64::NAN)));
    assert!(nan > Term::Float(f64::MAX));
    assert!(nan > Term::int(i64::MAX));
    assert!(nan < Term::atom("a"));
}

#[test]
fn get_by_position_atom_and_term() {
    let t = one(
        "{app, [{vsn, \"1.0\"}, debug, {env, #{port => 80, \"k\" => v}}, {vsn, \"2\"}], [a | b]}.",
    );
    assert_eq!(t.get(0), Some(&Term::atom("app")));
    assert_eq!(t.get(3), None);
    let props = t.get(1).unwrap();
    // First match wins, as proplists:get_value/2.
    assert_eq!(props.get("vsn"), Some(&Term::string("1.0")));
    assert_eq!(props.get(String::from("vsn")), Some(&Term::string("1.0")));
    assert_eq!(props.get(Term::atom("vsn")), Some(&Term::string("1.0")));
    // A bare atom is not a {key, V} pair.
    assert_eq!(props.get("debug"), None);
    assert_eq!(props.get(1), Some(&Term::atom("debug")));
    let env = props.get("env").unwrap();
    assert_eq!(env.get("port"), Some(&Term::int(80)));
    assert_eq!(env.get(Term::string("k")), Some(&Term::atom("v")));
    assert_eq!(env.get("k"), None);
    assert_eq!(env.get(0), None);
    // Improper list: the items before `|`, never the tail.
    let improper = t.get(2).unwrap();
    assert_eq!(improper.get(0), Some(&Term::atom("a")));
    assert_eq!(improper.get(1), None);
    // A string literal holds no element terms.
    assert_eq!(Term::string("ab").get(0), None);
    assert_eq!(Term::int(1).get(0), None);
    assert_eq!(Term::atom("x").get("x"), None);
}

#[test]
fn get_mut_edits_in_place() {
    let mut t = one("{app, [{vsn, \"1.0\"}], [a | b], #{port => 80}}.");
    *t.get_mut(1).and_then(|p| p.get_mut("vsn")).unwrap() = Term::string("1.1");
    *t.get_mut(2).and_then(|l| l.get_mut(0)).unwrap() = Term::atom("z");
    assert!(t.get_mut(2).and_then(|l| l.get_mut(1)).is_none());
    *t.get_mut(3).and_then(|m| m.get_mut("port")).unwrap() = Term::int(81);
    assert!(t.get_mut(3).and_then(|m| m.get_mut("host")).is_none());
    assert_eq!(t, one("{app, [{vsn, \"1.1\"}], [z | b], #{port => 81}}."));
}

#[test]
fn maps_stay_sorted_and_unique() {
    // OTP 25: io_lib:format("~w", [#{...}]) of this map (keys in map order:
    // integers before floats, then atoms, tuples, lists).
    let written = "#{x => 1, 2.0 => a, 10 => b, {t} => c, \"s\" => d, 1 => e, 1.0 => f, x => g}.";
    let otp = "#{1 => e,10 => b,1.0 => f,2.0 => a,x => g,{t} => c,[115] => d}";
    let parsed = one(written);
    assert_eq!(parsed.to_string(), otp);

    let Term::Map(m) = &parsed else {
        panic!("a map")
    };
    // The same map built by hand, by every constructor.
    let entries: Vec<(Term, Term)> = vec![
        (term!(x), term!(1)),
        (term!(2.0), term!(a)),
        (term!(10), term!(b)),
        (term!({ t }), term!(c)),
        (term!("s"), term!(d)),
        (term!(1), term!(e)),
        (term!(1.0), term!(f)),
        (term!(x), term!(g)),
    ];
    assert_eq!(&TermMap::from(entries.clone()), m);
    assert_eq!(&entries.iter().cloned().collect::<TermMap>(), m);
    assert_eq!(Term::map(entries.clone()), parsed);
    let mut inserted = TermMap::new();
    for (k, v) in entries.clone() {
        inserted.insert(k, v);
    }
    assert_eq!(&inserted, m);
    let mut extended = TermMap::new();
    extended.extend(entries);
    assert_eq!(&extended, m);

    // Many random inserts and removes keep the invariant.
    let mut m = TermMap::new();
    let mut seed = 7u64;
    for i in 0..2000 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let k = (seed >> 33) % 50;
        let key = match k % 3 {
            0 => Term::int(k as i64),
            1 => Term::float(k as f64).unwrap(),
            _ => Term::atom(&format!("k{k}")),
        };
        if i % 4 == 3 {
            m.remove(&key);
            assert!(!m.contains_key(&key));
        } else {
            m.insert(key.clone(), Term::int(i));
            assert_eq!(m.get(&key), Some(&Term::int(i)));
        }
        assert!(m
            .windows(2)
            .all(|w| w[0].0.cmp_map_key(&w[1].0) == std::cmp::Ordering::Less));
    }
    // Reading back the printed map gives the same map.
    let t = Term::Map(m);
    assert_eq!(one(&format!("{t}.")), t);
}

#[test]
fn debug_shows_the_rust_structure() {
    let t = one("{ok, -7, 2.5, \"s\\n\", [x | y], #{1 => []}, <<1, 2:3>>, fun m:f/0, 'A b'}.");
    assert_eq!(
        format!("{t:?}"),
        "Tuple([Atom(\"ok\"), Integer(-7), Float(2.5), String(\"s\\n\"), \
         ImproperList { items: [Atom(\"x\")], tail: Atom(\"y\") }, Map({Integer(1): List([])}), \
         Bitstring(<<1,2:3>>), Fun(ExternalFun { module: m, function: f, arity: 0 }), Atom(\"A b\")])"
    );
    assert_eq!(
        format!("{:?}", one("[1, 2].")),
        "List([Integer(1), Integer(2)])"
    );
    assert_eq!(
        format!("{:#?}", Term::tuple(vec![Term::atom("a")])),
        "Tuple(\n    [\n        Atom(\n            \"a\",\n        ),\n    ],\n)"
    );
}

/// `io_lib:format("~p", [T])` and `io_lib:format("~w", [T])` of OTP 25.
#[test]
fn alternate_display_is_otp_pretty_print() {
    let cases: [(&str, &str); 6] = [
        (
            "{application,my_app,[{description,\"My application for testing the pretty printer\"},{vsn,\"1.0.0\"},{registered,[]},{applications,[kernel,stdlib,sasl,crypto,ssl]},{env,[{port,8080},{host,\"localhost\"}]}]}.",
            "{application,my_app,\n             [{description,\"My application for testing the pretty printer\"},\n              {vsn,\"1.0.0\"},\n              {registered,[]},\n              {applications,[kernel,stdlib,sasl,crypto,ssl]},\n              {env,[{port,8080},{host,\"localhost\"}]}]}",
        ),
        (
            "#{name => <<\"a fairly long binary value here\">>, ports => [8080,8081,8082,8083], nested => #{deep => {ok, \"value\"}, other => [1.5, -2.0e-10, 'Quoted Atom']}}.",
            "#{name => <<\"a fairly long binary value here\">>,\n  nested => #{deep => {ok,\"value\"},other => [1.5,-2.0e-10,'Quoted Atom']},\n  ports => [8080,8081,8082,8083]}",
        ),
        (
            "<<0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,200,201,202,203,5:3>>.",
            "<<0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,\n  29,30,31,32,200,201,202,203,5:3>>",
        ),
        (
            "[{very_long_key_name_number_one, \"string one\"}, {very_long_key_name_number_two, \"string two\"} | improper_tail_atom].",
            "[{very_long_key_name_number_one,\"string one\"},\n {very_long_key_name_number_two,\"string two\"}|\n improper_tail_atom]",
        ),
        (
            "[\"tab\\there\", \"quote\\\"and\\\\backslash\", \"caf\\x{e9}\", [9731, 9731], [104,105], <<\"bin\">>, <<\"caf\\x{e9}\"/utf8>>, [], {}, #{}].",
            "[\"tab\\there\",\"quote\\\"and\\\\backslash\",\"caf\u{e9}\",\n [9731,9731],\n \"hi\",<<\"bin\">>,<<\"caf\u{c3}\u{a9}\">>,[],{},#{}]",
        ),
        (
            "{an_extremely_long_atom_name_that_is_used_as_a_tag_to_force_indentation_four_x, [alpha, beta, gamma], {nested, tuple, with, many, elements, in, it}}.",
            "{an_extremely_long_atom_name_that_is_used_as_a_tag_to_force_indentation_four_x,\n    [alpha,beta,gamma],\n    {nested,tuple,with,many,elements,in,it}}",
        ),
    ];
    for (src, want) in cases {
        let t = one(src);
        assert_eq!(format!("{t:#}"), want, "{src}");
        // The readable form reads back as the same term.
        assert_eq!(one(&format!("{t:#}.")), t);
    }
    // `{}` stays `~w`.
    assert_eq!(
        one("[{very_long_key_name_number_one, \"string one\"} | improper_tail_atom].").to_string(),
        "[{very_long_key_name_number_one,[115,116,114,105,110,103,32,111,110,101]}|improper_tail_atom]"
    );
}

#[test]
fn term_macro_matches_the_parser() {
    let port: u16 = 8080;
    let name = "shop";
    let cases: Vec<(Term, &str)> = vec![
        (term!(ok), "ok"),
        (term!(true), "true"),
        (term!("1.0"), "\"1.0\""),
        (term!(42), "42"),
        (term!(-42), "-42"),
        (term!(5_000_000_000i64), "5000000000"),
        (term!(1.5), "1.5"),
        (term!(-2.5e-3), "-2.5e-3"),
        (term!('a'), "$a"),
        (term!({}), "{}"),
        (term!([]), "[]"),
        (term!(#{}), "#{}"),
        (term!(<<>>), "<<>>"),
        (term!(<<"héllo">>), "<<\"héllo\"/utf8>>"),
        (term!(<<1, 2, 255>>), "<<1, 2, 255>>"),
        (term!({a, -1, [b | c]}), "{a, -1, [b | c]}"),
        (term!([1, 2 | [3]]), "[1, 2, 3]"),
        (term!([-1 | -2.0]), "[-1 | -2.0]"),
        (
            term!({app, [{vsn, "1.0"}, {env, #{port => 80}}]}),
            "{app, [{vsn, \"1.0\"}, {env, #{port => 80}}]}",
        ),
        (
            term!(#{{a, b} => [1], <<1, 2>> => <<3>>, "k" => -1, 1.0 => #{}}),
            "#{{a, b} => [1], <<1, 2>> => <<3>>, \"k\" => -1, 1.0 => #{}}",
        ),
        (term!([<<1, 2>>, <<3>>]), "[<<1, 2>>, <<3>>]"),
        (term!({<<1, 2>>, x}), "{<<1, 2>>, x}"),
        (
            term!({port, (port), (name), (Atom::new("n@h")), (vec![1, 2]), (true)}),
            "{port, 8080, \"shop\", 'n@h', [1, 2], true}",
        ),
        (
            term!([(Term::float(0.5).unwrap()), (Term::nil())]),
            "[0.5, []]",
        ),
    ];
    for (built, src) in cases {
        assert_eq!(built, one(&format!("{src}.")), "{src}");
    }
    // A long list: each simple element is one macro step.
    let long = term!([
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
        25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
        48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59
    ]);
    assert_eq!(long, (0..60).map(Term::from).collect::<Term>());
}

#[test]
fn conversions() {
    assert_eq!(Term::from(true), Term::atom("true"));
    assert_eq!(Term::from("ab"), Term::string("ab"));
    assert_eq!(Term::from(String::from("ab")), Term::string("ab"));
    assert_eq!(Term::from(u64::MAX).to_string(), "18446744073709551615");
    assert_eq!(Term::from(-3i8), Term::int(-3));
    assert_eq!(Term::from(vec!["a", "b"]).to_string(), "[[97],[98]]");
    assert_eq!(Term::from(TermMap::new()).to_string(), "#{}");
    assert_eq!(Term::float(2.0).unwrap().as_f64(), Some(2.0));
}
