//! relx-config: rebar.config (with relx section and profiles), .app and
//! .app.src, sys.config, vm.args (tokenizer, `-args_file` expansion where
//! every file holds the same text, relx's checks) and `${VAR}`
//! substitution, on the same input text.
#![no_main]
use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use relx_config::app_resource::{AppFileKind, AppResource};
use relx_config::rebar_config::RebarConfig;
use relx_config::relx::RelxConfig;
use relx_config::substitute::{self, Template};
use relx_config::sys_config::{self, SysConfig};
use relx_config::version::Version;
use relx_config::vm_args::{InitView, VmArgs};

fuzz_target!(|data: &[u8]| {
    let _ = sys_config::decode(data);
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rc) = RebarConfig::parse(text) {
        for p in ["prod", "test", "default"] {
            let _ = rc.with_profile(p);
        }
        if let Some(relx) = rc.get("relx") {
            let _ = RelxConfig::from_node(relx);
        }
    }
    if let Ok(nodes) = erlterm::parse_nodes(text) {
        let _ = RelxConfig::from_entries(&nodes);
    }
    for kind in [AppFileKind::App, AppFileKind::AppSrc] {
        if let Ok(app) = AppResource::parse(text, kind, Some("web")) {
            let _ = app.release_problems();
            let _ = app.span_of("vsn");
        }
        let _ = AppResource::parse(text, kind, None);
    }
    if let Ok(sc) = SysConfig::parse(text) {
        let _ = sc.app_env("kernel");
    }
    if let Ok(terms) = erlterm::parse_str(text) {
        for t in terms.iter().take(2) {
            let _ = sys_config::p_format(t);
        }
    }
    let args = VmArgs::parse(text);
    let _ = args.args();
    let _ = args.node_name();
    let _ = args.cookie();
    let _ = args.flag_value("-setcookie");
    let _ = VmArgs::relx_checks(text);
    let same = text.to_owned();
    if let Ok(expanded) = args.expand(&move |_| Ok(same.clone())) {
        let _ = InitView::from_args(&expanded);
        let _ = relx_config::vm_args::oracle_lines(&expanded);
    }
    let env: HashMap<String, String> = [
        ("A".to_owned(), "${B}".to_owned()),
        ("B".to_owned(), "x".to_owned()),
        ("SELF".to_owned(), "${SELF}${SELF}".to_owned()),
        ("NODE".to_owned(), "n@h".to_owned()),
    ]
    .into();
    let _ = substitute::render(text, |k| env.get(k).cloned());
    let t = Template::parse(text);
    let _ = t.variables();
    let _ = t.render(&env);
    let _ = Version::parse(text).numbers();
});
