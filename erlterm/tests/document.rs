//! Lossless documents: byte-exact round trips on tricky inputs, and every
//! edit operation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erlterm::document::{Document, EditError, Path};
use erlterm::Term;

fn roundtrip(src: &str) {
    let doc = Document::parse(src).expect("parses");
    assert_eq!(doc.to_string(), src);
    assert_eq!(doc.terms(), erlterm::parse_str(src).unwrap());
}

#[test]
fn round_trips_tricky_inputs() {
    let cases = [
        "",
        "% only a comment",
        "%% lead\n{a, % after a\n  b} % after tuple\n. % after dot\n%% trailing",
        "{a,\r\n  [1, 2]}.\r\n% crlf comment\r\n",
        "[16#ff, 2#1010, $a, $\\n, 'quoted atom', \"adj\" \"acent\" \"strings\", 1.5e3, -7].",
        "{app, [{env, [{k, [{nested, [{deep, \"v\"}]}]}]}]}.",
        "#{a => 1, <<\"b\">> => [x | y]}. <<1:4, \"s\"/utf8>>. fun m:f/2.",
        "\t{tab}\t.\t\n\n\n",
        "{a, ((1))}.",
    ];
    for src in cases {
        roundtrip(src);
    }
}

#[test]
fn latin1_files_keep_their_bytes() {
    let bytes = b"%% coding: latin-1\n{name, \"Jos\xE9\"}. % caf\xE9\n";
    let mut doc = Document::parse_bytes(bytes).unwrap();
    assert_eq!(doc.to_bytes(), bytes);
    assert_eq!(doc.terms(), erlterm::parse_bytes(bytes).unwrap());
    doc.set_string(&Path::term(0).index(1), "\u{e9}\u{263A}")
        .unwrap();
    let out = doc.to_bytes();
    assert_eq!(
        out,
        b"%% coding: latin-1\n{name, \"\xE9\\x{263A}\"}. % caf\xE9\n".to_vec()
    );
    assert_eq!(erlterm::parse_bytes(&out).unwrap(), doc.terms());
}

#[test]
fn rejects_exactly_what_the_parser_rejects() {
    for src in ["{a b}.", "[1, X].", "\"open", "{a}", "a. b"] {
        assert_eq!(
            Document::parse(src).err(),
            erlterm::parse_str(src).err(),
            "{src}"
        );
    }
    let deep = "[".repeat(10_000);
    assert!(Document::parse(&deep).is_err());
    assert!(Document::parse_bytes(b"a.\n\"\xE9\".").is_err());
}

#[test]
fn reads_by_path() {
    let doc =
        Document::parse_str_ok("{application, x, [{vsn, \"1.0\"}, debug, {env, #{port => 80}}]}.");
    let props = Path::term(0).index(2);
    assert_eq!(doc.raw(&props.clone().key("vsn")), Some("\"1.0\""));
    assert_eq!(doc.raw(&props.clone().entry("debug")), Some("debug"));
    let port = props.clone().key("env").map_key(Term::atom("port"));
    assert_eq!(doc.raw(&port), Some("80"));
    assert!(doc.get(&props.clone().key("nope")).is_none());
    assert!(doc.get(&Path::term(3)).is_none());
}

trait ParseOk {
    fn parse_str_ok(src: &str) -> Document;
}
impl ParseOk for Document {
    fn parse_str_ok(src: &str) -> Document {
        Document::parse(src).unwrap()
    }
}

#[test]
fn set_string_keeps_trivia_and_spelling() {
    let src = "{application, x,\n [ {vsn, \"1.0\" \"-rc\"} % two strings\n , {id, 'X'} ]}.";
    let mut doc = Document::parse(src).unwrap();
    let vsn = Path::term(0).index(2).key("vsn");
    doc.set_string(&vsn, "2.0 \"q\"\n").unwrap();
    assert_eq!(
        doc.to_string(),
        "{application, x,\n [ {vsn, \"2.0 \\\"q\\\"\\n\"} % two strings\n , {id, 'X'} ]}."
    );
    assert_eq!(doc.get_str(&vsn).as_deref(), Some("2.0 \"q\"\n"));
}

#[test]
fn replace_with_term_and_raw() {
    let mut doc = Document::parse("{a, 1}. % keep\n{b, 2}.").unwrap();
    let t = Term::tuple(vec![
        Term::atom("Up"),
        Term::string("s"),
        Term::binary(*b"bin"),
    ]);
    doc.replace_with_term(&Path::term(1).index(1), &t).unwrap();
    assert_eq!(
        doc.to_string(),
        "{a, 1}. % keep\n{b, {'Up', \"s\", <<\"bin\">>}}."
    );
    doc.replace_raw(&Path::term(0).index(1), "16#10").unwrap();
    assert_eq!(
        doc.to_string(),
        "{a, 16#10}. % keep\n{b, {'Up', \"s\", <<\"bin\">>}}."
    );
    // Raw text that does not read as one value is refused; nothing changes.
    let before = doc.to_string();
    assert!(matches!(
        doc.replace_raw(&Path::term(0).index(1), "1}. {c"),
        Err(EditError::Mismatch { .. } | EditError::Reparse(_))
    ));
    assert!(matches!(
        doc.replace_raw(&Path::term(0).index(1), "{"),
        Err(EditError::Reparse(_))
    ));
    assert_eq!(doc.to_string(), before);
}

#[test]
fn insert_multiline_uses_sibling_indentation() {
    let src = "{deps, [\n    {cowboy, \"2.9\"}, % web\n    {jsx, \"3.1\"} % json\n]}.\n";
    let mut doc = Document::parse(src).unwrap();
    let deps = Path::term(0).index(1);
    let dep = |n: &str| Term::tuple(vec![Term::atom(n), Term::string("1")]);
    doc.insert(&deps, 0, &dep("a")).unwrap();
    doc.push(&deps, &dep("z")).unwrap();
    doc.insert(&deps, 2, &dep("m")).unwrap();
    assert_eq!(
        doc.to_string(),
        "{deps, [\n    {a, \"1\"},\n    {cowboy, \"2.9\"}, % web\n    {m, \"1\"},\n    {jsx, \"3.1\"}, % json\n    {z, \"1\"}\n]}.\n"
    );
}

#[test]
fn insert_inline_and_empty() {
    let mut doc = Document::parse("{a, [x,y]}. {b, []}. {c, [ ]}.").unwrap();
    doc.push(&Path::term(0).index(1), &Term::atom("z")).unwrap();
    doc.push(&Path::term(1).index(1), &Term::int(1)).unwrap();
    doc.insert(&Path::term(2).index(1), 0, &Term::int(2))
        .unwrap();
    assert_eq!(doc.to_string(), "{a, [x,y,z]}. {b, [1]}. {c, [2]}.");
    assert!(matches!(
        doc.insert(&Path::term(0).index(1), 9, &Term::int(0)),
        Err(EditError::OutOfRange { len: 3, .. })
    ));
    assert!(matches!(
        doc.push(&Path::term(0).index(0), &Term::int(0)),
        Err(EditError::NotAList { .. })
    ));
}

#[test]
fn remove_entries() {
    let src = "[\n  {a, 1}, % one\n  {b, 2}, % two\n  {c, 3} % three\n].";
    let mut doc = Document::parse(src).unwrap();
    doc.remove(&Path::term(0).key("c")).unwrap();
    assert_eq!(doc.to_string(), "[\n  {a, 1}, % one\n  {b, 2} % two\n].");
    doc.remove(&Path::term(0).index(0)).unwrap();
    assert_eq!(doc.to_string(), "[\n  {b, 2} % two\n].");
    doc.remove(&Path::term(0).entry("b")).unwrap();
    // A comment on the last item stays (it may describe the list).
    assert_eq!(doc.to_string(), "[\n   % two\n].");

    let mut inline = Document::parse("{x, [a, b, c]}. #{k => 1, j => 2}.").unwrap();
    inline.remove(&Path::term(0).index(1).index(1)).unwrap();
    inline.remove(&Path::term(0).index(1).index(1)).unwrap();
    inline
        .remove(&Path::term(1).map_key(Term::atom("k")))
        .unwrap();
    assert_eq!(inline.to_string(), "{x, [a]}. #{j => 2}.");
    inline.remove(&Path::term(0).index(1).index(0)).unwrap();
    assert_eq!(inline.to_string(), "{x, []}. #{j => 2}.");
    assert!(matches!(
        inline.remove(&Path::term(0).index(0)),
        Err(EditError::NotRemovable { .. })
    ));
}

#[test]
fn set_key_replaces_or_appends() {
    let mut doc = Document::parse("{relx, [{dev_mode, true}]}.").unwrap();
    let relx = Path::term(0).index(1);
    doc.set_key(&relx, "dev_mode", &Term::atom("false"))
        .unwrap();
    doc.set_key(&relx, "include_erts", &Term::atom("true"))
        .unwrap();
    assert_eq!(
        doc.to_string(),
        "{relx, [{dev_mode, false}, {include_erts, true}]}."
    );
}

#[test]
fn too_deep_terms_are_refused() {
    let mut t = Term::nil();
    for _ in 0..1000 {
        t = Term::list(vec![t]);
    }
    let mut doc = Document::parse("a.").unwrap();
    assert_eq!(
        doc.replace_with_term(&Path::term(0), &t),
        Err(EditError::TooDeep(500))
    );
}
