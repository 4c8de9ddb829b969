//! The models built by moving out of the span tree (issue #22) read what
//! the copying versions read, with the same first error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use erlterm::Node;
use relx_config::app_resource::{AppFileKind, AppResource};
use relx_config::rebar_config::RebarConfig;
use relx_config::sys_config::{Entry, SysConfig};

/// The parameter check as the VM's loop was ported before: parameters in
/// order, each refused if malformed or if its name came before. The
/// reference for the sorted duplicate search.
fn reference_params_error(params: &[Node]) -> Option<(String, u32)> {
    let mut seen: Vec<&str> = Vec::new();
    for p in params {
        let Some([k, _]) = p.as_tuple() else {
            return Some(("invalid parameter".into(), p.span.start));
        };
        let Some(name) = k.as_atom() else {
            return Some(("invalid parameter name".into(), k.span.start));
        };
        if seen.contains(&name) {
            return Some((format!("duplicate parameter: {name}"), k.span.start));
        }
        seen.push(name);
    }
    None
}

/// A small deterministic generator (xorshift), so the cases are the same
/// on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn duplicate_and_malformed_parameters_as_the_reference_finds_them() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut errors = 0;
    for _ in 0..2000 {
        let len = rng.next(8) as usize;
        let params: Vec<String> = (0..len)
            .map(|_| match rng.next(12) {
                0 => "x".to_string(),
                1 => "{\"s\", 1}".to_string(),
                _ => format!(
                    "{{{}, {}}}",
                    ["a", "b", "c", "d", "e"][rng.next(5) as usize],
                    rng.next(3)
                ),
            })
            .collect();
        let text = format!("[{{myapp, [{}]}}].", params.join(", "));
        let nodes = erlterm::parse_nodes(&text).unwrap();
        let list = nodes[0].as_list().unwrap()[0].as_tuple().unwrap()[1]
            .as_list()
            .unwrap();
        let want = reference_params_error(list);
        let got = SysConfig::validate(&text);
        assert_eq!(got.clone().err(), SysConfig::parse(&text).err(), "{text}");
        match (want, got) {
            (None, Ok(())) => {}
            (Some((what, at)), Err(e)) => {
                errors += 1;
                assert!(e.to_string().contains(&what), "{text}: {e} (want {what})");
                assert_eq!(e.span.map(|s| s.start), Some(at), "{text}: {e}");
            }
            (want, got) => panic!("{text}: want {want:?}, got {got:?}"),
        }
    }
    assert!(errors > 500, "the cases must exercise the errors: {errors}");
}

#[test]
fn many_parameters_are_checked_without_comparing_every_pair() {
    // 200 000 distinct names: the pairwise loop made 2e10 comparisons.
    let n = 200_000;
    let params: Vec<String> = (0..n).map(|i| format!("{{p{i}, {i}}}")).collect();
    let text = format!("[{{myapp, [{}]}}].", params.join(","));
    let started = std::time::Instant::now();
    let c = SysConfig::parse(&text).unwrap();
    let Entry::App(app) = &c.entries[0] else {
        panic!("an application entry")
    };
    assert_eq!(app.params.len(), n);
    assert_eq!(app.params[n - 1].name, format!("p{}", n - 1));
    assert_eq!(app.params[7].value.as_i64(), Some(7));
    let dup = format!("[{{myapp, [{}, {{p5, 0}}]}}].", params.join(","));
    let e = SysConfig::validate(&dup).unwrap_err();
    assert_eq!(e.to_string(), "application: myapp; duplicate parameter: p5");
    assert_eq!(e.span.map(|s| s.start as usize), dup.rfind("p5"));
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
}

#[test]
fn the_model_keeps_what_the_tree_held() {
    let text = r#"[{kernel, [{logger_level, info}, {distributed, [{a, 5000, [n@h]}]}]},
        "other.config", {shop, [{port, 80}, {names, [a, b | c]}]}]."#;
    let c = SysConfig::parse(text).unwrap();
    let nodes = erlterm::parse_nodes(text).unwrap();
    let want = nodes[0].as_list().unwrap();
    assert_eq!(c.entries.len(), want.len());
    for (entry, node) in c.entries.iter().zip(want) {
        match entry {
            Entry::App(app) => {
                let [name, params] = node.as_tuple().unwrap() else {
                    panic!("a pair")
                };
                assert_eq!(Some(app.app.as_str()), name.as_atom());
                assert_eq!(app.span, node.span);
                for (p, n) in app.params.iter().zip(params.as_list().unwrap()) {
                    let [k, v] = n.as_tuple().unwrap() else {
                        panic!("a pair")
                    };
                    assert_eq!(Some(p.name.as_str()), k.as_atom());
                    assert_eq!(p.name_span, k.span);
                    assert_eq!(p.value.span, v.span);
                    assert_eq!(p.value.to_term(), v.to_term());
                }
            }
            Entry::Include { path, span } => {
                assert_eq!(path, "other.config");
                assert_eq!(*span, node.span);
            }
        }
    }
}

#[test]
fn atom_lists_are_read_whole_and_refused_at_the_element() {
    let names: Vec<String> = (0..50_000).map(|i| format!("m{}", i % 97)).collect();
    let text = format!(
        "{{application, x, [{{description, \"x\"}}, {{vsn, \"1\"}}, {{applications, [kernel, stdlib]}},\n {{modules, [{}]}}, {{registered, ['a b', c]}}]}}.",
        names.join(",")
    );
    let app = AppResource::parse(&text, AppFileKind::AppSrc, None).unwrap();
    let modules: Vec<&str> = app.modules.iter().flatten().map(|a| a.as_str()).collect();
    assert_eq!(modules, names);
    let registered: Vec<&str> = app
        .registered
        .iter()
        .flatten()
        .map(|a| a.as_str())
        .collect();
    assert_eq!(registered, ["a b", "c"]);
    assert!(app.warnings.is_empty(), "{:?}", app.warnings);

    let bad = "{application, x, [{registered, [a, b, \"c\", d]}]}.";
    let e = AppResource::parse(bad, AppFileKind::App, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "element of registered: expected an atom, found string"
    );
    assert_eq!(e.span.map(|s| s.start as usize), bad.find("\"c\""));
    // An .app.src's modules are replaced by rebar3: a warning there.
    let src = "{application, x, [{modules, [a, 1]}, {applications, [kernel, stdlib]}, {description, \"d\"}]}.";
    let app = AppResource::parse(src, AppFileKind::AppSrc, None).unwrap();
    assert!(app.modules.is_none());
    assert_eq!(app.warnings.len(), 1);
    assert_eq!(
        app.warnings[0].span.map(|s| s.start as usize),
        src.find("1]")
    );
}

#[test]
fn rebar_entries_hold_the_values_written() {
    let text = "{erl_opts, [debug_info, {d, 'X'}]}.\n{deps, [jsx, {cowboy, \"2.9.0\"}]}.\n{erl_opts, [a]}.";
    let c = RebarConfig::parse(text).unwrap();
    let nodes = erlterm::parse_nodes(text).unwrap();
    assert_eq!(c.entries.len(), nodes.len());
    for (e, n) in c.entries.iter().zip(&nodes) {
        let [k, v] = n.as_tuple().unwrap() else {
            panic!("a pair")
        };
        assert_eq!(Some(e.key.as_str()), k.as_atom());
        assert_eq!(e.value.to_term(), v.to_term());
        assert_eq!((e.span, e.value.span), (n.span, v.span));
    }
    assert_eq!(
        c.get("erl_opts").map(|v| v.to_term().to_string()),
        Some("[a]".into())
    );
    assert_eq!(c.deps.len(), 2);
    let e = RebarConfig::parse("{deps, []}.\nnot_a_pair.").unwrap_err();
    assert_eq!(
        e.to_string(),
        "Unable to parse config. Term is not in {Key, Value} format: not_a_pair"
    );
    assert_eq!(e.span.map(|s| s.line), Some(2));
}
