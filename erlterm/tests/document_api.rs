//! Top-level lookup, insertion and removal in a `Document` (issue #23):
//! every comment survives, untouched text keeps its layout, and the result
//! reads back with `parse_str` as the intended terms.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use erlterm::document::{Document, EditError, Path, Tokens};
use erlterm::{term, Term};

const REBAR: &str = "%% rebar.config of shop
{erl_opts, [debug_info, % for the debugger
            warnings_as_errors]}.

%% what we depend on
{deps, [
    %% the web server
    {cowboy, \"2.10.0\"}, % pinned for 1.x
    {jsx, \"3.1.0\"}
]}.

{relx, [{release, {shop, \"1.0.0\"}, [shop]}]}. % release
%% end of file
";

fn comments(text: &str) -> Vec<String> {
    Tokens::parse(text)
        .unwrap()
        .comments()
        .map(|c| c.text.to_owned())
        .collect()
}

fn parsed(src: &str) -> Vec<Term> {
    erlterm::parse_str(src).unwrap()
}

#[test]
fn add_a_dep_to_rebar_config_keeping_comments() {
    let mut doc = Document::parse(REBAR).unwrap();
    let deps = doc.find("deps").unwrap();
    doc.push(&deps, &term!({mydep, "1.0"})).unwrap();
    let out = doc.to_string();
    assert_eq!(
        out,
        REBAR.replace(
            "    {jsx, \"3.1.0\"}\n",
            "    {jsx, \"3.1.0\"},\n    {mydep, \"1.0\"}\n"
        )
    );
    assert_eq!(comments(&out), comments(REBAR));
    let mut want = parsed(REBAR);
    want[1] = term!({deps, [{cowboy, "2.10.0"}, {jsx, "3.1.0"}, {mydep, "1.0"}]});
    assert_eq!(parsed(&out), want);
    assert_eq!(doc.terms(), want);

    // Inline and empty dependency lists.
    for (src, want) in [
        (
            "{deps, [jsx]}. % d\n",
            "{deps, [jsx, {mydep, \"1.0\"}]}. % d\n",
        ),
        ("{deps, []}. % d\n", "{deps, [{mydep, \"1.0\"}]}. % d\n"),
        (
            "{deps, [ % none yet\n]}.\n",
            "{deps, [{mydep, \"1.0\"} % none yet\n]}.\n",
        ),
    ] {
        let mut doc = Document::parse(src).unwrap();
        let deps = doc.find("deps").unwrap();
        doc.push(&deps, &term!({mydep, "1.0"})).unwrap();
        assert_eq!(doc.to_string(), want);
        assert_eq!(comments(want), comments(src));
    }
}

#[test]
fn find_position_and_get_term() {
    let doc = Document::parse(REBAR).unwrap();
    assert_eq!(doc.len(), 3);
    assert_eq!(doc.position("erl_opts"), Some(0));
    assert_eq!(doc.position("relx"), Some(2));
    assert_eq!(doc.position("profiles"), None);
    let relx = doc.find("relx").unwrap();
    assert_eq!(relx, Path::term(2).index(1));
    assert_eq!(
        doc.get_term(&relx.clone().entry("release").index(1)),
        Some(term!({shop, "1.0.0"}))
    );
    assert_eq!(
        doc.get_term(&doc.find("erl_opts").unwrap()),
        Some(term!([debug_info, warnings_as_errors]))
    );
    // `find` wants `{key, Value}`; `position` takes any `{key, ...}` or `key`.
    let doc = Document::parse("{a, 1, 2}. b. {b, 3}.").unwrap();
    assert_eq!(doc.find("a"), None);
    assert_eq!(doc.position("a"), Some(0));
    assert_eq!(doc.position("b"), Some(1));
    assert_eq!(doc.find("b"), Some(Path::term(2).index(1)));
}

#[test]
fn insert_term_keeps_comment_blocks_with_their_terms() {
    let mut doc = Document::parse(REBAR).unwrap();
    doc.insert_term(1, &term!({minimum_otp_vsn, "25"})).unwrap();
    doc.insert_term(0, &term!({cover_enabled, true})).unwrap();
    doc.insert_term(doc.len(), &term!({dialyzer, []})).unwrap();
    let out = doc.to_string();
    // A term goes above the comment lines directly above its successor.
    let want = REBAR
        .replace(
            "%% rebar.config of shop\n",
            "{cover_enabled, true}.\n%% rebar.config of shop\n",
        )
        .replace(
            "\n%% what we depend on\n",
            "\n{minimum_otp_vsn, \"25\"}.\n%% what we depend on\n",
        )
        + "{dialyzer, []}.\n";
    assert_eq!(out, want);
    assert_eq!(comments(&out), comments(REBAR));
    let mut terms = parsed(REBAR);
    terms.insert(1, term!({minimum_otp_vsn, "25"}));
    terms.insert(0, term!({cover_enabled, true}));
    terms.push(term!({dialyzer, []}));
    assert_eq!(parsed(&out), terms);

    // Terms sharing a line: inserted just before.
    let mut doc = Document::parse("a. b. % ab").unwrap();
    doc.insert_term(1, &term!("x")).unwrap();
    assert_eq!(doc.to_string(), "a. \"x\". b. % ab");
    // Into an empty document, and after a comment without a newline.
    let mut doc = Document::parse("").unwrap();
    doc.push_term(&term!(a)).unwrap();
    assert_eq!(doc.to_string(), "a.\n");
    let mut doc = Document::parse("%% only").unwrap();
    doc.insert_term(0, &term!({b, <<"c">>})).unwrap();
    assert_eq!(doc.to_string(), "%% only\n{b, <<\"c\">>}.\n");
    // A comment line inside a string is not a comment above the term.
    let src = "{a, \"\n% not a comment\n% x\"}.\n{b, 1}.\n";
    let mut doc = Document::parse(src).unwrap();
    doc.insert_term(1, &term!(x)).unwrap();
    assert_eq!(
        doc.to_string(),
        "{a, \"\n% not a comment\n% x\"}.\nx.\n{b, 1}.\n"
    );
}

#[test]
fn remove_term_keeps_other_comments() {
    let mut doc = Document::parse(REBAR).unwrap();
    doc.remove_term(2).unwrap();
    let out = doc.to_string();
    assert_eq!(
        out,
        REBAR.replace(
            "{relx, [{release, {shop, \"1.0.0\"}, [shop]}]}. % release\n",
            ""
        )
    );
    assert_eq!(parsed(&out), parsed(REBAR)[..2].to_vec());
    // Comment lines above it stay, only its own trailing comment goes.
    let mut kept = comments(REBAR);
    kept.retain(|c| c != "% release");
    assert_eq!(comments(&out), kept);

    // A term spread over lines, with a comment inside it: removed whole.
    let mut doc = Document::parse(REBAR).unwrap();
    doc.remove_term(0).unwrap();
    assert!(doc
        .to_string()
        .starts_with("%% rebar.config of shop\n\n%% what we depend on\n"));
    assert_eq!(doc.terms(), parsed(REBAR)[1..].to_vec());

    // Terms sharing a line.
    let mut doc = Document::parse("a. b.  c. % abc\n").unwrap();
    doc.remove_term(1).unwrap();
    assert_eq!(doc.to_string(), "a. c. % abc\n");
    doc.remove_term(1).unwrap();
    assert_eq!(doc.to_string(), "a. % abc\n");
    doc.remove_term(0).unwrap();
    assert_eq!(doc.to_string(), "");
    assert!(doc.is_empty());
}

#[test]
fn proplist_keys_inside_a_term() {
    let src = "[{kernel, [\n    {logger_level, info}, % quiet\n    {inet_dist_use_interface, {127,0,0,1}}\n  ]}].\n";
    let mut doc = Document::parse(src).unwrap();
    let kernel = Path::term(0).key("kernel");
    doc.set_key(&kernel, "logger_level", &term!(debug)).unwrap();
    doc.set_key(&kernel, "start_pg", &term!(true)).unwrap();
    doc.remove_key(&kernel, "inet_dist_use_interface").unwrap();
    assert_eq!(
        doc.to_string(),
        "[{kernel, [\n    {logger_level, debug}, % quiet\n    {start_pg, true}\n  ]}].\n"
    );
    assert_eq!(
        doc.terms(),
        parsed("[{kernel, [{logger_level, debug}, {start_pg, true}]}].")
    );
    assert!(matches!(
        doc.remove_key(&kernel, "nope"),
        Err(EditError::NotFound { .. })
    ));
}

#[test]
fn refused_edits_leave_the_document_unchanged() {
    let mut doc = Document::parse(REBAR).unwrap();
    assert!(matches!(
        doc.insert_term(4, &term!(x)),
        Err(EditError::OutOfRange {
            index: 4,
            len: 3,
            ..
        })
    ));
    assert!(matches!(
        doc.remove_term(3),
        Err(EditError::NotFound { .. })
    ));
    // A hand-built NaN is written as the atom `nan`, which reads back as
    // something else: refused.
    let nan = Term::tuple(vec![Term::atom("ratio"), Term::Float(f64::NAN)]);
    assert!(matches!(
        doc.push_term(&nan),
        Err(EditError::Mismatch { .. })
    ));
    assert!(matches!(
        doc.insert_term(1, &nan),
        Err(EditError::Mismatch { .. })
    ));
    assert_eq!(doc.to_string(), REBAR);
    assert_eq!(doc.terms(), parsed(REBAR));
}
