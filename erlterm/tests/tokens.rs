//! `erlterm::document::Tokens`: every text that scans round-trips byte for
//! byte, tokens tile the text, and scan errors are the parser's.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use erlterm::document::{Document, TokenKind, Tokens};
use erlterm::ErrorKind;
use proptest::prelude::*;

/// Scans `src`, checks the lossless invariants, returns the tokens.
fn check(src: &str) -> Tokens {
    let t = Tokens::parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
    assert_eq!(t.to_string(), src);
    assert_eq!(t.as_str(), src);
    assert_eq!(t.to_bytes(), src.as_bytes());
    // leading + text of every token, then the trailing trivia, is the input.
    let mut rebuilt = String::new();
    let mut at = 0usize;
    for tok in &t {
        assert_eq!(tok.span.start as usize, at + tok.leading.len(), "{src:?}");
        assert_eq!(&src[tok.span.range()], tok.text);
        assert!(!tok.text.is_empty());
        rebuilt.push_str(tok.leading);
        rebuilt.push_str(tok.text);
        at = tok.span.end as usize;
    }
    rebuilt.push_str(t.trailing());
    assert_eq!(rebuilt, src);
    // Trivia hold only whitespace and comments, and comments are found.
    for c in t.comments() {
        assert!(c.text.starts_with('%'));
        assert!(!c.text.contains('\n'));
        assert_eq!(&src[c.span.range()], c.text);
        let line = src[..c.span.start as usize].matches('\n').count() as u32 + 1;
        assert_eq!(c.span.line, line);
    }
    // Anything the parser accepts scans, and anything that fails to scan
    // fails to parse.
    t
}

fn kinds(src: &str) -> Vec<(TokenKind, String)> {
    check(src)
        .iter()
        .map(|t| (t.kind, t.text.to_owned()))
        .collect()
}

use TokenKind::{Atom, Char, Dot, Float, Integer, Keyword, Punct, Var};

fn k(kind: TokenKind, text: &str) -> (TokenKind, String) {
    (kind, text.to_owned())
}

#[test]
fn variables_and_calls() {
    let src = "%% appup.src\n{Vsn, Up} = {\"1.1\", [{\"1.0\", [{load_module, M} || M <- Mods]}]},\n{Vsn, Up, []}.\n";
    assert!(erlterm::parse_str(src).is_err());
    assert!(Document::parse(src).is_err());
    let t = check(src);
    assert_eq!(t.get(0).unwrap().leading, "%% appup.src\n");
    assert_eq!(t.iter().filter(|t| t.kind == Var).count(), 7);
    assert_eq!(t.iter().filter(|t| t.kind == Dot).count(), 1);
    assert_eq!(t.trailing(), "\n");
}

#[test]
fn funs_records_maps() {
    assert_eq!(
        kinds("fun() -> ok end"),
        [
            k(Keyword, "fun"),
            k(Punct, "("),
            k(Punct, ")"),
            k(Punct, "->"),
            k(Atom, "ok"),
            k(Keyword, "end")
        ]
    );
    assert_eq!(
        kinds("#r{a = 1}#{k => V}"),
        [
            k(Punct, "#"),
            k(Atom, "r"),
            k(Punct, "{"),
            k(Atom, "a"),
            k(Punct, "="),
            k(Integer, "1"),
            k(Punct, "}"),
            k(Punct, "#"),
            k(Punct, "{"),
            k(Atom, "k"),
            k(Punct, "=>"),
            k(Var, "V"),
            k(Punct, "}")
        ]
    );
    check(
        "case os:getenv(\"X\") of false -> CONFIG; V when V =/= \"\" -> [{v, V} | CONFIG] end.\n",
    );
    check("-module(m).\n-export([f/0]).\nf() -> receive X -> X after 0 -> ok end.\n");
    check("{{name}} {{#deps}}{{.}}{{/deps}}\n");
}

#[test]
fn syntax_errors_that_scan() {
    for src in ["{a b}.", "[1, X].", ")", "a.b.c", "{", ",,,", "end.", "..."] {
        assert!(erlterm::parse_str(src).is_err(), "{src}");
        check(src);
    }
}

#[test]
fn comments_everywhere() {
    let src = "% 1\n{ % 2\n a % 3\n , %4\n b}% 5\n.% 6\n%7";
    let t = check(src);
    let c: Vec<_> = t
        .comments()
        .map(|c| (c.text, c.span.line, c.span.column))
        .collect();
    assert_eq!(
        c,
        [
            ("% 1", 1, 1),
            ("% 2", 2, 3),
            ("% 3", 3, 4),
            ("%4", 4, 4),
            ("% 5", 5, 4),
            ("% 6", 6, 2),
            ("%7", 7, 1)
        ]
    );
    assert_eq!(t.get(5).unwrap().leading, "% 5\n");
    assert_eq!(t.get(5).unwrap().kind, Dot);
    assert_eq!(t.trailing(), "% 6\n%7");
    // Only trivia.
    let t = check("  % nothing\n\t\n");
    assert!(t.is_empty());
    assert_eq!(t.trailing(), "  % nothing\n\t\n");
    assert_eq!(t.comments().count(), 1);
    assert!(check("").is_empty());
}

#[test]
fn crlf() {
    let src = "%% c\r\n{a,\r\n 1}.\r\n% end\r\n";
    let t = check(src);
    let c: Vec<_> = t.comments().map(|c| c.text).collect();
    assert_eq!(c, ["%% c\r", "% end\r"]);
    assert_eq!(t.get(3).unwrap().leading, "\r\n ");
    assert_eq!(t.get(3).unwrap().span.line, 3);
}

#[test]
fn latin1_bytes() {
    let bytes = b"%% -*- coding: latin-1 -*-\n% caf\xE9\nName = \"Jos\xE9\", '\xE9t\xE9', \xE9t\xE9, $\xE9.\n";
    assert!(erlterm::parse_bytes(bytes).is_err());
    let t = Tokens::parse_bytes(bytes).unwrap();
    assert_eq!(t.to_bytes(), bytes);
    assert_eq!(t.encoding(), erlterm::encoding::Encoding::Latin1);
    let texts: Vec<_> = t.iter().map(|t| t.text).collect();
    assert_eq!(
        texts,
        [
            "Name",
            "=",
            "\"Jos\u{e9}\"",
            ",",
            "'\u{e9}t\u{e9}'",
            ",",
            "\u{e9}t\u{e9}",
            ",",
            "$\u{e9}",
            "."
        ]
    );
    assert_eq!(t.comments().nth(1).unwrap().text, "% caf\u{e9}");
    // The same bytes without the coding comment are invalid UTF-8, as for
    // the parser.
    let plain = &bytes[27..];
    let e = Tokens::parse_bytes(plain).unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidUnicode);
    assert_eq!(e, erlterm::parse_bytes(plain).unwrap_err());
    // A UTF-8 file round-trips as bytes too.
    let utf8 = "X = \"Jos\u{e9} \u{1F600}\".\n".as_bytes();
    assert_eq!(Tokens::parse_bytes(utf8).unwrap().to_bytes(), utf8);
}

#[test]
fn dots() {
    assert_eq!(
        kinds("1.5.\nX.Y. a.b.\n{1.0e3,2.}."),
        [
            k(Float, "1.5"),
            k(Dot, "."),
            k(Var, "X"),
            k(Punct, "."),
            k(Var, "Y"),
            k(Dot, "."),
            k(Atom, "a"),
            k(Punct, "."),
            k(Atom, "b"),
            k(Dot, "."),
            k(Punct, "{"),
            k(Float, "1.0e3"),
            k(Punct, ","),
            k(Integer, "2"),
            k(Punct, "."),
            k(Punct, "}"),
            k(Dot, ".")
        ]
    );
    assert_eq!(
        kinds("1..2"),
        [k(Integer, "1"), k(Punct, ".."), k(Integer, "2")]
    );
    assert_eq!(kinds("a.%c"), [k(Atom, "a"), k(Dot, ".")]);
    assert_eq!(kinds("a."), [k(Atom, "a"), k(Dot, ".")]);
}

#[test]
fn numbers() {
    assert_eq!(
        kinds("16#fF 2#1010 1_000 123456789012345678901234567890 -1 2.5e-3 36#Zz"),
        [
            k(Integer, "16#fF"),
            k(Integer, "2#1010"),
            k(Integer, "1_000"),
            k(Integer, "123456789012345678901234567890"),
            k(Punct, "-"),
            k(Integer, "1"),
            k(Float, "2.5e-3"),
            k(Integer, "36#Zz")
        ]
    );
}

#[test]
fn adjacent_strings_and_escapes() {
    assert_eq!(
        kinds("\"a\" \"b\"\n%x\n\"c\""),
        [
            k(TokenKind::String, "\"a\""),
            k(TokenKind::String, "\"b\""),
            k(TokenKind::String, "\"c\"")
        ]
    );
    let esc = r#""\b\d\e\f\n\r\s\t\v\\\"\'\0\7\101\1011\x41\x{1F600}\^a\^Z\q\%""#;
    assert_eq!(kinds(esc), [k(TokenKind::String, esc)]);
    let atom = r#"'a\'b\x{e9}\n'"#;
    assert_eq!(kinds(atom), [k(Atom, atom)]);
    check("\"multi\nline\" x\n");
    let t = check("\"multi\nline\" x\n");
    assert_eq!(t.get(1).unwrap().span.line, 2);
}

#[test]
fn char_literals() {
    let src = r"$a $\n $\\ $\101 $\x{41} $\^a $  $$ $% $. $é";
    let t = check(src);
    assert!(t.iter().all(|t| t.kind == Char));
    assert_eq!(
        t.iter().map(|t| t.text).collect::<Vec<_>>(),
        ["$a", r"$\n", r"$\\", r"$\101", r"$\x{41}", r"$\^a", "$ ", "$$", "$%", "$.", "$é"]
    );
    // `$%` is a character, not a comment.
    assert_eq!(t.comments().count(), 0);
}

#[test]
fn keywords_and_punct() {
    assert_eq!(
        kinds("a andalso b orelse not c div 2 =:= X =/= Y =< 1 >= 2 <<>> :: := ?M ! '|'"),
        [
            k(Atom, "a"),
            k(Keyword, "andalso"),
            k(Atom, "b"),
            k(Keyword, "orelse"),
            k(Keyword, "not"),
            k(Atom, "c"),
            k(Keyword, "div"),
            k(Integer, "2"),
            k(Punct, "=:="),
            k(Var, "X"),
            k(Punct, "=/="),
            k(Var, "Y"),
            k(Punct, "=<"),
            k(Integer, "1"),
            k(Punct, ">="),
            k(Integer, "2"),
            k(Punct, "<<"),
            k(Punct, ">>"),
            k(Punct, "::"),
            k(Punct, ":="),
            k(Punct, "?"),
            k(Var, "M"),
            k(Punct, "!"),
            k(Atom, "'|'")
        ]
    );
}

#[test]
fn scan_errors_are_the_parsers() {
    let cases = [
        "{a, \"open}.",
        "'open",
        "{1, 2#3}.",
        "{1, 37#1}.",
        "1.5e",
        "$",
        "\"\\x{D800}\"",
        "a \u{1F600} b",
        "X = 1, {\"ok\", \"\\x{zz}\"}.",
    ];
    for src in cases {
        let e = Tokens::parse(src).expect_err(src);
        assert_eq!(e, erlterm::parse_str(src).expect_err(src), "{src:?}");
    }
    // Over-long atoms are the scanner's too.
    let long = format!("{} x", "a".repeat(256));
    assert_eq!(
        Tokens::parse(&long).unwrap_err().kind,
        ErrorKind::IllegalAtom
    );
    // A syntax error before a scan error: the parser stops first, but the
    // token stream reports the scan error.
    let src = "{a b}. \"open";
    assert!(matches!(
        Tokens::parse(src).unwrap_err().kind,
        ErrorKind::UnterminatedString { .. }
    ));
    assert!(matches!(
        erlterm::parse_str(src).unwrap_err().kind,
        ErrorKind::Syntax { .. }
    ));
}

#[test]
fn document_tokens() {
    let src = "%% my app\n{application, my_app,\n [{vsn, \"1.0.0\"}, % bump me\n  {applications, [kernel]}]}.\n";
    let mut doc = Document::parse(src).unwrap();
    let t = doc.tokens().unwrap();
    assert_eq!(t.to_string(), src);
    assert_eq!(t.comments().count(), 2);
    let vsn = erlterm::document::Path::term(0).index(2).key("vsn");
    doc.set_string(&vsn, "2.0").unwrap();
    let t = doc.tokens().unwrap();
    assert_eq!(t.to_string(), doc.to_string());
    assert!(t.iter().any(|t| t.text == "\"2.0\""));
    let bytes = b"%% coding: latin-1\n{n, \"Jos\xE9\"}.\n";
    let doc = Document::parse_bytes(bytes).unwrap();
    assert_eq!(doc.tokens().unwrap().to_bytes(), bytes);
}

/// Every file the parser accepts scans, and its tokens print it back.
#[test]
fn consult_fixtures_scan() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/consult");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        match Tokens::parse_bytes(&bytes) {
            Ok(t) => assert_eq!(t.to_bytes(), bytes, "{}", path.display()),
            Err(e) => assert!(
                erlterm::parse_bytes(&bytes).is_err(),
                "{}: scan error {e} but the parser accepts",
                path.display()
            ),
        }
    }
}

fn erlangish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("X".to_owned()),
        Just("fun".to_owned()),
        Just("end".to_owned()),
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("%".to_owned()),
        Just(".".to_owned()),
        Just("$".to_owned()),
        Just("\\".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("#".to_owned()),
        Just("1".to_owned()),
        Just("e".to_owned()),
        Just("16#".to_owned()),
        Just("x{".to_owned()),
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("->".to_owned()),
        Just("=".to_owned()),
        Just("é".to_owned()),
        "[a-zA-Z0-9_ .,%$\"'\\\\\n{}()#=<>-]{1,4}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any string either fails to scan (and then fails to parse) or
    /// round-trips, with tokens tiling the text.
    #[test]
    fn lexes_or_round_trips(src in erlangish()) {
        match Tokens::parse(&src) {
            Ok(_) => { check(&src); }
            Err(_) => prop_assert!(erlterm::parse_str(&src).is_err()),
        }
        if erlterm::parse_str(&src).is_ok() {
            prop_assert!(Tokens::parse(&src).is_ok());
        }
    }

    #[test]
    fn arbitrary_strings(src in any::<String>()) {
        match Tokens::parse(&src) {
            Ok(_) => { check(&src); }
            Err(_) => prop_assert!(erlterm::parse_str(&src).is_err()),
        }
    }

    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        match Tokens::parse_bytes(&bytes) {
            Ok(t) => prop_assert_eq!(t.to_bytes(), bytes),
            Err(_) => prop_assert!(erlterm::parse_bytes(&bytes).is_err()),
        }
    }
}
