//! The library examples of the workspace README, kept compiling and true.

#[test]
fn read_look_up_print() {
    let terms = erlterm::parse_str("{app, [{vsn, \"1.0.0\"}]}.").unwrap();
    let vsn = terms[0].get(1).and_then(|props| props.get("vsn")).unwrap();
    assert_eq!(vsn.as_string().as_deref(), Some("1.0.0"));
    assert_eq!(terms[0].to_string(), "{app,[{vsn,[49,46,48,46,48]}]}");
    assert_eq!(format!("{:#}", terms[0]), "{app,[{vsn,\"1.0.0\"}]}");
}

#[test]
fn sys_config_into_types_and_back() {
    #[derive(serde::Deserialize, serde::Serialize)]
    struct MyApp {
        port: u16,
        pools: Vec<String>,
    }
    #[derive(serde::Deserialize, serde::Serialize)]
    struct SysConfig {
        my_app: MyApp,
    }
    let cfg: SysConfig = erlterm::from_str("[{my_app, [{port, 80}, {pools, [\"db\"]}]}].").unwrap();
    assert_eq!(cfg.my_app.port, 80);
    let text = erlterm::serde::to_file_string(&cfg).unwrap();
    assert_eq!(
        erlterm::from_str::<SysConfig>(&text).unwrap().my_app.pools,
        ["db"]
    );
}

#[test]
fn add_a_dependency_keeping_comments() {
    use erlterm::{document::Document, term};
    let mut doc = Document::parse("%% deps\n{deps, [cowboy]}. % pinned\n").unwrap();
    let deps = doc.find("deps").unwrap();
    doc.push(&deps, &term!({jsx, "3.1.0"})).unwrap();
    assert_eq!(
        doc.to_string(),
        "%% deps\n{deps, [cowboy, {jsx, \"3.1.0\"}]}. % pinned\n"
    );
}

#[test]
fn read_term_by_term() {
    let file = std::io::Cursor::new(b"a. {b, 1}.\n".to_vec()); // any std::io::Read
    for term in erlterm::TermReader::new(file) {
        println!("{}", term.unwrap());
    }
}
