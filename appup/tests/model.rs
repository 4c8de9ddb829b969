//! The typed model: round trip, expansion, errors with spans.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use appup::instruction::{Instruction, Reason};
use appup::{Appup, AppupError, Direction, VsnSpec};

const SAMPLE: &str = r#"%% worked example of spec/appup.md §6
{"1.1.0",
 [{"1.0.0", [{add_module, alpha_new},
             {update, alpha_server, {advanced, extra_up}, [alpha_lib]},
             {load_module, alpha_lib},
             {update, alpha_sup, supervisor}]},
  {<<"1\\.0\\.[0-9]+">>, [{restart_application, alpha}]}],
 [{"1.0.0", [{delete_module, alpha_new}, point_of_no_return]}]}.
this is ignored by systools (.
"#;

#[test]
fn parses_first_term_only_and_prints_back() {
    let err = Appup::parse(SAMPLE).unwrap_err();
    // The DownTo entry puts delete_module before point_of_no_return.
    let AppupError::Instruction(e) = err else {
        panic!("{err:?}")
    };
    assert_eq!(e.reason, Reason::BadOpBeforePointOfNoReturn);
    assert_eq!(
        e.otp_reason().to_string(),
        "{bad_op_before_point_of_no_return,{delete_module,alpha_new}}"
    );
    assert_eq!(e.span.line, 8);

    let fixed = SAMPLE.replace(", point_of_no_return]", "]");
    let appup = Appup::parse(&fixed).unwrap();
    assert!(appup.trailing.is_some());
    let first = erlterm::parse_str(&fixed[..fixed.find("this").unwrap()]).unwrap();
    assert_eq!(appup.to_term(), first[0]);
    let up = &appup.up_from[0].instructions;
    assert_eq!(
        up[1].to_string(),
        "{update,alpha_server,{advanced,extra_up},[alpha_lib]}"
    );
    assert_eq!(
        up[3].op.to_term().to_string(),
        "{update,alpha_sup,static,default,{advanced,[]},brutal_purge,brutal_purge,[]}"
    );
    assert!(matches!(up[0].op, Instruction::AddModule { .. }));
    assert_eq!(
        appup.up_from[1].spec,
        VsnSpec::Regex(br"1\.0\.[0-9]+".to_vec())
    );
    let found = appup.find("1.0.7", Direction::Up).unwrap().unwrap();
    assert_eq!(
        found.instructions[0].to_string(),
        "{restart_application,alpha}"
    );
    assert!(appup.find("1.0.10.1", Direction::Up).unwrap().is_none());
}

#[test]
fn culprit_spans() {
    let text = "{\"2\", [{\"1\", [{load_module, m, soft_purge, bogus, []}]}], []}.";
    let Err(AppupError::Instruction(e)) = Appup::parse(text) else {
        panic!()
    };
    assert_eq!(e.otp_reason().to_string(), "{bad_purge_method,bogus}");
    assert_eq!(&text[e.span.range()], "bogus");
    let text = "{\"2\", [{\"1\", [{update, m, 0, soft, brutal_purge, brutal_purge, []}]}], []}.";
    let Err(AppupError::Instruction(e)) = Appup::parse(text) else {
        panic!()
    };
    assert_eq!(e.otp_reason().to_string(), "{bad_timeout,0}");
    assert_eq!(&text[e.span.range()], "0");
}

#[test]
fn shapes_systools_refuses() {
    assert!(matches!(
        Appup::parse(r#"{"2", []}."#),
        Err(AppupError::NotAnAppup { .. })
    ));
    assert!(matches!(
        Appup::parse(r#"{"2", foo, []}."#),
        Err(AppupError::NotAList { .. })
    ));
    assert!(matches!(
        Appup::parse("%% nothing\n"),
        Err(AppupError::Empty)
    ));
    // Skipped entries may hold anything; unused but valid-shaped ones are checked.
    let a = Appup::parse(r#"{"2", [{'1', [junk]}, {"1", []}], []}."#).unwrap();
    assert_eq!(a.up_skipped.len(), 1);
    assert_eq!(a.up_from.len(), 1);
}

#[test]
fn appup_src_templates_and_vsn_binding() {
    let src = r#"{VSN, [{"{{vsn}}", []}], [{<<"{{{vsn}}}\\..*">>, []}]}."#;
    let a = Appup::parse_src(src, "1.2").unwrap();
    assert_eq!(a.vsn.as_deref(), Some("1.2"));
    assert_eq!(a.up_from[0].spec, VsnSpec::Exact("1.2".into()));
    assert!(a.find("1.2.9", Direction::Down).unwrap().is_some());
}
