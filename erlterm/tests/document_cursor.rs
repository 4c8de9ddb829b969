//! `document::Cursor` and `document::replace_values` against the reference
//! implementations: a cursor walk of every value equals the spanned tree
//! of `parse_bytes_nodes` (shapes, item counts, each leaf's node with its
//! span), its errors are `parse_bytes`'s, and a value replaced by span
//! gives the bytes `Document::replace_with_term` gives — over handmade
//! inputs and every file of the shared corpus.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::ops::ControlFlow;
use std::path::{Path as FsPath, PathBuf};

use erlterm::document::{decode, replace_values, Cursor, Document, Path, Shape, Value};
use erlterm::{Node, NodeKind, Term};

/// Walks `v` alongside `node`; appends a message per difference. With
/// `skipping` `Some(p)`, the items at positions of parity `p` are skipped
/// (whole, however large) and the next ones must still be where the tree
/// has them.
fn compare(
    v: Value<'_, '_>,
    node: &Node,
    at: &str,
    skipping: Option<usize>,
    out: &mut Vec<String>,
) {
    let mut v = v;
    let shape = v.shape();
    let items = match &node.kind {
        NodeKind::Tuple(items) => Some((Shape::Tuple, items)),
        NodeKind::List(items, _) => Some((Shape::List, items)),
        _ => None,
    };
    match items {
        Some((want, items)) => {
            if shape != want {
                out.push(format!("{at}: shape {shape:?}, node {want:?}"));
                return;
            }
            let mut i = 0;
            let n = v.items(|k, item| {
                i = k;
                match items.get(k) {
                    Some(_) if skipping == Some(k % 2) => item.skip(),
                    Some(child) => compare(item, child, &format!("{at}/{k}"), skipping, out),
                    None => out.push(format!("{at}: item {k} past the node's {}", items.len())),
                }
                ControlFlow::Continue(())
            });
            if n != Some(items.len()) {
                out.push(format!("{at}: {n:?} items, node {}", items.len()));
            }
        }
        None => {
            if shape != Shape::Other {
                out.push(format!("{at}: shape {shape:?} for {}", node.describe()));
                return;
            }
            let want_atom = node.as_atom().map(str::to_owned);
            if v.atom() != want_atom {
                out.push(format!("{at}: atom differs from {want_atom:?}"));
            }
            match v.node() {
                Ok(got) if format!("{got:?}") == format!("{node:?}") => {}
                Ok(got) => out.push(format!("{at}: {got:?} != {node:?}")),
                Err(e) => out.push(format!("{at}: {e}")),
            }
        }
    }
}

/// Differences between a cursor walk of `bytes` and `parse_bytes_nodes`
/// (the same error when the file is rejected).
fn walk_differences(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let nodes = erlterm::parse_bytes_nodes(bytes);
    let text = decode(bytes);
    let (text, nodes) = match (text, nodes) {
        (Ok((text, _)), Ok(nodes)) => (text, nodes),
        (Err(a), Err(b)) => {
            if a != b {
                out.push(format!("decode error {a:?} != {b:?}"));
            }
            return out;
        }
        (Ok((text, _)), Err(b)) => {
            match Cursor::new(&text) {
                Err(a) if a == b => {}
                Err(a) => out.push(format!("error {a:?} != {b:?}")),
                Ok(_) => out.push(format!("cursor accepts what the parser rejects: {b}")),
            }
            return out;
        }
        (Err(a), Ok(_)) => {
            out.push(format!("decode rejects what the parser accepts: {a}"));
            return out;
        }
    };
    let mut cur = match Cursor::new(&text) {
        Ok(c) => c,
        Err(e) => {
            out.push(format!("cursor rejects: {e}"));
            return out;
        }
    };
    // Every value walked, then with every other item skipped, then every
    // other term skipped and the others built whole.
    for skipping in [None, Some(0), Some(1)] {
        let mut cur = Cursor::new(&text).unwrap();
        for (i, node) in nodes.iter().enumerate() {
            match cur.next_term() {
                Some(v) => compare(v, node, &format!("#{i}"), skipping, &mut out),
                None => out.push(format!("#{i}: missing")),
            }
        }
        if cur.next_term().is_some() {
            out.push("more terms than the parser".into());
        }
    }
    for (i, node) in nodes.iter().enumerate() {
        match cur.next_term() {
            Some(v) if i % 2 == 0 => v.skip(),
            Some(v) => match v.node() {
                Ok(got) if format!("{got:?}") == format!("{node:?}") => {}
                other => out.push(format!("#{i} after a skipped term: {other:?}")),
            },
            None => out.push(format!("#{i}: missing after a skipped term")),
        }
    }
    let mut cur = Cursor::new(&text).unwrap();
    for (i, node) in nodes.iter().enumerate() {
        let got = cur.next_term().map(|v| v.node());
        match got {
            Some(Ok(got)) if format!("{got:?}") == format!("{node:?}") => {}
            other => out.push(format!("#{i} built whole: {other:?}")),
        }
    }
    out
}

/// The paths of every string value of a node (under tuples and lists).
fn string_paths(node: &Node, at: Path, out: &mut Vec<(Path, Node)>) {
    match &node.kind {
        NodeKind::Tuple(items) | NodeKind::List(items, _) => {
            for (k, item) in items.iter().enumerate() {
                string_paths(item, at.clone().index(k), out);
            }
        }
        NodeKind::String(_) => out.push((at, node.clone())),
        _ => {}
    }
}

/// Differences between `replace_values` and `Document::replace_with_term`
/// for every string value of `bytes` (at most `limit`), each replaced alone.
fn replace_differences(bytes: &[u8], limit: usize) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(doc) = Document::parse_bytes(bytes) else {
        return out;
    };
    let mut strings = Vec::new();
    for (i, node) in doc.nodes().iter().enumerate() {
        string_paths(node, Path::term(i), &mut strings);
    }
    let new = Term::string("9.8.7-\u{e9}\"\\\n+b");
    for (path, node) in strings.into_iter().take(limit) {
        let mut d = doc.clone();
        let want = d.replace_with_term(&path, &new).map(|()| d.to_bytes());
        let got = replace_values(bytes, &[(node.span, new.clone())]);
        match (want, got) {
            (Ok(a), Ok(b)) if a == b => {}
            (Err(_), Err(_)) => {}
            (a, b) => out.push(format!("{path}: document {a:?}, replace_values {b:?}")),
        }
    }
    out
}

const HANDMADE: &[&str] = &[
    "{application, a, [{vsn, \"1.0\"}, {modules, [a, b | c]}]}.\n",
    "%% c\n{a, ({b, (\"1\" \"2\")}), [({c}), (d)], #{k => [v]}, <<1:8, \"x\"/utf8>>, fun m:f/1}. x.\n",
    "[(((a))), -1, - 2.5, $, , $\\\", '\\'', \"a,b\", {}, [], \"\", [[]|[]]].\n",
    "{relx, [{release, {r, \"1\"}, [a]}, {release, {r, git}, [a]}]}.\n{profiles, [{p, [{relx, []}]}]}.\n",
    "%% coding: latin-1\n{name, \"Jos\u{e9}\", 'caf\u{e9}'}.\n",
    "{\"1.0\", [{\"0.9\", []}], [{\"0.9\", []}]}.\n%% trailing\n",
    "a.\n{b,\n  c}.  % end",
    "{a b}.",
    "{a, \"open}.",
    "[1, 2 | 3",
    // Skipped items are read by bytes after their first token: the
    // tricky tokens come second.
    "{0, [0, $\\x{7B}, $\\^{, ${, $}, $\\}, $\\\\, $%, $\", $', $., \"}%\\\"\", '}\\'', {x}, 1.5, 2#1010, 16#FF], {0, $\\^}}, [0, $\\^]], {0, $\\x{5D}}, a}.\n",
    "{#{a => <<1,2>>, {b} => [c]}, <<<<\"x\">>/binary, 3:8>>, [a|[b]], fun m:f/2, 1.0e+5, - 1}. %% }\n[x]. ",
    "{a, % } ] ) , |\n b,\n \"\\x{41}\\\"\"}.\n{'a\\'b', $\u{e9}, \"\u{e9}\"}.\u{a0}{c}.",
];

#[test]
fn handmade_inputs_walk_as_parse_nodes() {
    let mut failures = Vec::new();
    for src in HANDMADE {
        let bytes = if src.contains("latin-1") {
            src.chars().map(|c| c as u8).collect()
        } else {
            src.as_bytes().to_vec()
        };
        for d in walk_differences(&bytes) {
            failures.push(format!("{src:?}: {d}"));
        }
        for d in replace_differences(&bytes, usize::MAX) {
            failures.push(format!("{src:?}: {d}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn deep_values_are_walked_and_built_within_the_limit() {
    let deep = format!("{}a{}.", "[".repeat(500), "]".repeat(500));
    assert!(walk_differences(deep.as_bytes()).is_empty());
    let parens = format!("{{x, {}\"1\"{}}}.", "(".repeat(200), ")".repeat(200));
    assert!(walk_differences(parens.as_bytes()).is_empty());
    let too_deep = format!("{}a{}.", "[".repeat(501), "]".repeat(501));
    assert_eq!(
        Cursor::new(&too_deep).err(),
        erlterm::parse_str(&too_deep).err()
    );
}

#[test]
fn replace_values_refuses_bad_spans_and_keeps_everything_else() {
    let src = b"{a, \"1\", \"2\"}. % c\n";
    let nodes = erlterm::parse_bytes_nodes(src).unwrap();
    let items = nodes[0].as_tuple().unwrap();
    let (one, two) = (items[1].span, items[2].span);
    let both =
        replace_values(src, &[(two, Term::string("22")), (one, Term::string("11"))]).unwrap();
    assert_eq!(both, b"{a, \"11\", \"22\"}. % c\n");
    // Overlapping spans, a span past the end.
    assert!(replace_values(src, &[(one, Term::atom("x")), (one, Term::atom("y"))]).is_err());
    let mut past = two;
    past.start = 100;
    past.end = 101;
    assert!(replace_values(src, &[(past, Term::atom("x"))]).is_err());
    // A span that cuts a token: the result does not read as terms.
    let mut half = one;
    half.start += 1;
    assert!(replace_values(src, &[(half, Term::atom("x"))]).is_err());
    // Not terms.
    assert!(replace_values(b"{a b}.", &[]).is_err());
}

fn shared() -> Option<PathBuf> {
    let dir = FsPath::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    dir.join("corpus/MANIFEST.tsv").is_file().then_some(dir)
}

#[test]
fn corpus_files_walk_as_parse_nodes_and_replace_as_documents() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is not checked out");
        return;
    };
    let manifest = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut files = 0;
    for row in manifest.lines().skip(1) {
        let file = row.split('\t').next().unwrap();
        let bytes = std::fs::read(shared.join("corpus").join(file)).unwrap();
        files += 1;
        for d in walk_differences(&bytes) {
            failures.push(format!("{file}: {d}"));
        }
        for d in replace_differences(&bytes, 20) {
            failures.push(format!("{file}: {d}"));
        }
    }
    assert!(files > 1000, "{files} corpus files");
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
