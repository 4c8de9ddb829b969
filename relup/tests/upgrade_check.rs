//! `relup::upgrade::check_upgrade` on real releases compiled here with
//! erlc: a correct upgrade passes, each injected mistake is reported with
//! its code, and the verdict is the same whether the new release is a
//! folder or a tarball, with debug information or stripped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use relup::upgrade::{check_upgrade, Code, Report};
use relup::{Library, ReleaseFiles};

const APP: &str = r#"{application, demo, [{description, "demo"}, {vsn, "VSN"},
  {modules, [MODS]}, {registered, [demo_srv]}, {mod, {demo_app, []}},
  {applications, [kernel, stdlib, sasl]}]}."#;

const SRV_V1: &str = "-module(demo_srv).\n-behaviour(gen_server).\n\
-export([start_link/0, init/1, handle_call/3, handle_cast/2]).\n\
start_link() -> gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).\n\
init([]) -> {ok, {state, []}}.\n\
handle_call(get, _From, S) -> {reply, S, S}.\n\
handle_cast(_, S) -> {noreply, S}.\n";

const SRV_V2: &str = "-module(demo_srv).\n-behaviour(gen_server).\n\
-export([start_link/0, init/1, handle_call/3, handle_cast/2, code_change/3]).\n\
start_link() -> gen_server:start_link({local, ?MODULE}, ?MODULE, [], []).\n\
init([]) -> {ok, {state, [], 0}}.\n\
handle_call(get, _From, S) -> {reply, demo_lib:show(S), S}.\n\
handle_cast(_, S) -> {noreply, S}.\n\
code_change(_, {state, P}, _) -> {ok, {state, P, 0}}.\n";

const SUP: &str = "-module(demo_sup).\n-behaviour(supervisor).\n\
-export([start_link/0, init/1]).\n\
start_link() -> supervisor:start_link({local, ?MODULE}, ?MODULE, []).\n\
init([]) -> {ok, {#{}, [#{id => demo_srv, start => {demo_srv, start_link, []}}]}}.\n";

const APP_MOD: &str = "-module(demo_app).\n-behaviour(application).\n\
-export([start/2, stop/1]).\nstart(_, _) -> demo_sup:start_link().\nstop(_) -> ok.\n";

/// Writes the release root `root` at release version `rel_vsn` with app
/// `demo` at `app_vsn`, its modules compiled from `sources`.
fn build(root: &Path, rel_vsn: &str, app_vsn: &str, sources: &[(&str, &str)]) {
    let otp = otp_apps();
    let ebin = root.join(format!("lib/demo-{app_vsn}/ebin"));
    let src = root.join(format!("lib/demo-{app_vsn}/src"));
    std::fs::create_dir_all(&ebin).unwrap();
    std::fs::create_dir_all(&src).unwrap();
    for (name, text) in sources {
        std::fs::write(src.join(format!("{name}.erl")), text).unwrap();
    }
    let status = Command::new("erlc")
        .arg("+debug_info")
        .arg("-o")
        .arg(&ebin)
        .args(sources.iter().map(|(n, _)| src.join(format!("{n}.erl"))))
        .status()
        .expect("erlc (apt-get install erlang-base)");
    assert!(status.success());
    let mods: Vec<&str> = sources.iter().map(|(n, _)| *n).collect();
    let app = APP
        .replace("VSN", app_vsn)
        .replace("MODS", &mods.join(", "));
    std::fs::write(ebin.join("demo.app"), app).unwrap();
    let mut rel_apps = String::new();
    for (name, vsn) in &otp {
        let dir = root.join(format!("lib/{name}-{vsn}/ebin"));
        std::fs::create_dir_all(&dir).unwrap();
        let from = format!("/usr/lib/erlang/lib/{name}-{vsn}/ebin/{name}.app");
        std::fs::copy(from, dir.join(format!("{name}.app"))).unwrap();
        rel_apps.push_str(&format!("{{{name}, \"{vsn}\"}}, "));
    }
    let rel_dir = root.join(format!("releases/{rel_vsn}"));
    std::fs::create_dir_all(&rel_dir).unwrap();
    std::fs::write(
        rel_dir.join("demo.rel"),
        format!(
            "{{release, {{\"demo\", \"{rel_vsn}\"}}, {{erts, \"{}\"}}, [{rel_apps}{{demo, \"{app_vsn}\"}}]}}.\n",
            erts_vsn()
        ),
    )
    .unwrap();
    std::fs::write(rel_dir.join("start.boot"), b"boot").unwrap();
}

fn otp_apps() -> Vec<(String, String)> {
    ["kernel", "stdlib", "sasl"]
        .iter()
        .map(|name| {
            let dir = std::fs::read_dir("/usr/lib/erlang/lib")
                .unwrap()
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .find(|d| d.starts_with(&format!("{name}-")))
                .unwrap();
            (name.to_string(), dir[name.len() + 1..].to_string())
        })
        .collect()
}

fn erts_vsn() -> String {
    std::fs::read_dir("/usr/lib/erlang")
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find_map(|d| d.strip_prefix("erts-").map(str::to_owned))
        .unwrap()
}

/// The releases: 1.0.0 (demo 1.0.0) and a correct upgrade to 2.0.0
/// (demo 1.1.0: demo_srv changed, demo_lib added, demo_old removed) with
/// its generated appup and relup.
fn fixtures() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("relup-upgrade-check-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let old_mod = "-module(demo_old).\n-export([x/0]).\nx() -> 1.\n";
        let lib = "-module(demo_lib).\n-export([show/1]).\nshow(S) -> S.\n";
        build(
            &dir.join("old"),
            "1.0.0",
            "1.0.0",
            &[
                ("demo_app", APP_MOD),
                ("demo_sup", SUP),
                ("demo_srv", SRV_V1),
                ("demo_old", old_mod),
            ],
        );
        let new = dir.join("new");
        build(
            &new,
            "2.0.0",
            "1.1.0",
            &[
                ("demo_app", APP_MOD),
                ("demo_sup", SUP),
                ("demo_srv", SRV_V2),
                ("demo_lib", lib),
            ],
        );
        let lib_set = Library::new();
        let old_rel = ReleaseFiles::open(&dir.join("old"), &lib_set).unwrap();
        let new_rel = ReleaseFiles::open(&new, &lib_set).unwrap();
        let diff = relup::diff::diff_releases(&old_rel, &new_rel).unwrap();
        let appup = relup::diff::appup_text(&[diff.app("demo").unwrap()]).unwrap();
        std::fs::write(new.join("lib/demo-1.1.0/ebin/demo.appup"), appup).unwrap();
        write_relup(&dir.join("old"), &new);
        dir
    })
}

fn write_relup(old: &Path, new: &Path) {
    let out = relup::make_relup_from_paths(
        new,
        &[(old.to_path_buf(), erlterm::Term::nil())],
        &[(old.to_path_buf(), erlterm::Term::nil())],
        &[],
        relup::Options::default(),
    )
    .unwrap();
    let vsn = ReleaseFiles::open(new, &Library::new())
        .unwrap()
        .vsn()
        .to_owned();
    std::fs::write(
        new.join(format!("releases/{vsn}/relup")),
        out.relup.to_file_text(),
    )
    .unwrap();
}

fn copy_tree(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        let to = dst.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to);
        } else {
            std::fs::copy(e.path(), &to).unwrap();
        }
    }
}

/// A fresh copy of the new release, for one scenario.
fn scenario(name: &str) -> PathBuf {
    let dst = fixtures().join(format!("case-{name}"));
    let _ = std::fs::remove_dir_all(&dst);
    copy_tree(&fixtures().join("new"), &dst);
    dst
}

/// The new release as a tarball (`rebar3 tar` layout: releases/NAME.rel
/// too), with or without its appups (systools:make_tar leaves them out).
fn tarball(root: &Path, with_appups: bool) -> PathBuf {
    let out = root.with_extension(if with_appups { "a.tar.gz" } else { "tar.gz" });
    let file = std::fs::File::create(&out).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap();
            if p.is_dir() {
                stack.push(p);
            } else if with_appups || p.extension().is_none_or(|x| x != "appup") {
                tar.append_path_with_name(&p, rel).unwrap();
            }
        }
    }
    // unpack_release extracts releases/NAME.rel first.
    let rel = std::fs::read_dir(root.join("releases"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("demo.rel"))
        .find(|p| p.is_file())
        .unwrap();
    tar.append_path_with_name(&rel, "releases/demo.rel")
        .unwrap();
    tar.into_inner().unwrap().finish().unwrap();
    out
}

fn check(new: &Path) -> Report {
    let lib = Library::new();
    let old = ReleaseFiles::open(&fixtures().join("old"), &lib).unwrap();
    let new = ReleaseFiles::open(new, &lib).unwrap();
    check_upgrade(&[old], &new).unwrap()
}

fn codes(report: &Report) -> Vec<String> {
    report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}{}{}",
                f.code,
                f.app
                    .as_deref()
                    .map(|a| format!(" {a}"))
                    .unwrap_or_default(),
                f.module
                    .as_deref()
                    .map(|m| format!(" {m}"))
                    .unwrap_or_default()
            )
        })
        .collect()
}

/// The codes for the new release as a folder, a tarball with appups and a
/// tarball without them; all three must agree (`tar_without` may differ
/// where appups are needed, and is then checked on its own).
fn verdict(new: &Path) -> Vec<String> {
    let folder = codes(&check(new));
    let tar = codes(&check(&tarball(new, true)));
    assert_eq!(folder, tar, "folder and tarball disagree");
    folder
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn appup_of(new: &Path) -> PathBuf {
    new.join("lib/demo-1.1.0/ebin/demo.appup")
}

#[test]
fn a_correct_upgrade_passes_as_folder_and_tarball() {
    let new = fixtures().join("new");
    assert_eq!(verdict(&new), Vec::<String>::new());
    let report = check(&tarball(&new, false));
    assert_eq!(codes(&report), Vec::<String>::new());
    assert!(report
        .notes
        .iter()
        .any(|n| n.contains("stale-relup not checked")));
    assert!(!report.has_errors());
}

#[test]
fn stripped_beams_give_the_same_verdict() {
    let new = scenario("stripped");
    let ebin = new.join("lib/demo-1.1.0/ebin");
    let status = Command::new("erl")
        .args(["-noshell", "-eval"])
        .arg(format!(
            "{{ok, _}} = beam_lib:strip_files(filelib:wildcard(\"{}/*.beam\")), halt().",
            ebin.display()
        ))
        .status()
        .unwrap();
    assert!(status.success());
    let beam = std::fs::read(ebin.join("demo_srv.beam")).unwrap();
    assert!(!beam.windows(4).any(|w| w == b"Attr"), "stripped");
    assert_eq!(verdict(&new), Vec::<String>::new());
}

#[test]
fn unbumped_version_when_code_changes_but_not_the_version() {
    // The old release's demo, with demo_srv recompiled from new code.
    let new = scenario("unbumped");
    let _ = std::fs::remove_dir_all(new.join("lib/demo-1.1.0"));
    build(
        &new,
        "2.0.0",
        "1.0.0",
        &[
            ("demo_app", APP_MOD),
            ("demo_sup", SUP),
            ("demo_srv", SRV_V2),
            (
                "demo_old",
                "-module(demo_old).\n-export([x/0]).\nx() -> 1.\n",
            ),
        ],
    );
    let report = check(&new);
    assert_eq!(codes(&report)[0], "unbumped-version demo");
    assert!(report.findings[0].message.contains("demo_srv"));
}

#[test]
fn missing_appup() {
    let new = scenario("no-appup");
    std::fs::remove_file(appup_of(&new)).unwrap();
    assert!(codes(&check(&new)).contains(&"missing-appup demo".to_string()));
}

#[test]
fn no_matching_entry() {
    let new = scenario("no-entry");
    edit(&appup_of(&new), "[{\"1.0.0\",", "[{\"0.9.0\",");
    let c = codes(&check(&new));
    assert_eq!(
        c.first().map(String::as_str),
        Some("no-matching-entry demo")
    );
}

#[test]
fn module_not_covered() {
    let new = scenario("not-covered");
    edit(&appup_of(&new), "{add_module,demo_lib},", "");
    let c = verdict(&new);
    assert!(
        c.contains(&"module-not-covered demo demo_lib".to_string()),
        "{c:?}"
    );
}

#[test]
fn unknown_module() {
    let new = scenario("unknown");
    edit(
        &appup_of(&new),
        "{add_module,demo_lib},",
        "{add_module,demo_lib},\n {load_module,demo_typo},",
    );
    let c = verdict(&new);
    assert!(
        c.contains(&"unknown-module demo demo_typo".to_string()),
        "{c:?}"
    );
}

#[test]
fn unchanged_module_loaded() {
    let new = scenario("unchanged");
    edit(
        &appup_of(&new),
        "{add_module,demo_lib},",
        "{add_module,demo_lib},\n {load_module,demo_app},",
    );
    let c = verdict(&new);
    assert!(
        c.contains(&"unchanged-module demo demo_app".to_string()),
        "{c:?}"
    );
}

#[test]
fn process_without_code_change() {
    let new = scenario("load-gen-server");
    let text = std::fs::read_to_string(appup_of(&new)).unwrap();
    std::fs::write(
        appup_of(&new),
        text.replace(
            "{update,demo_srv,{advanced,[]},[]}",
            "{load_module,demo_srv}",
        ),
    )
    .unwrap();
    write_relup(&fixtures().join("old"), &new);
    let c = verdict(&new);
    assert!(
        c.contains(&"process-without-code-change demo demo_srv".to_string()),
        "{c:?}"
    );
    // The same, found in the relup alone (tarball without appups).
    let c = codes(&check(&tarball(&new, false)));
    assert!(
        c.contains(&"process-without-code-change demo demo_srv".to_string()),
        "{c:?}"
    );
}

#[test]
fn supervisor_changed() {
    let new = scenario("sup");
    let _ = std::fs::remove_dir_all(new.join("lib/demo-1.1.0"));
    let sup2 = SUP.replace(
        "}]}}.",
        "}, #{id => demo_lib, start => {demo_lib, start_link, []}}]}}.",
    );
    build(
        &new,
        "2.0.0",
        "1.1.0",
        &[
            ("demo_app", APP_MOD),
            ("demo_sup", &sup2),
            ("demo_srv", SRV_V2),
            (
                "demo_lib",
                "-module(demo_lib).\n-export([show/1]).\nshow(S) -> S.\n",
            ),
        ],
    );
    let lib = Library::new();
    let old = ReleaseFiles::open(&fixtures().join("old"), &lib).unwrap();
    let new_rel = ReleaseFiles::open(&new, &lib).unwrap();
    let diff = relup::diff::diff_releases(&old, &new_rel).unwrap();
    let appup = relup::diff::appup_text(&[diff.app("demo").unwrap()]).unwrap();
    assert!(appup.contains("{update,demo_sup,supervisor}"), "{appup}");
    std::fs::write(appup_of(&new), &appup).unwrap();
    write_relup(&fixtures().join("old"), &new);
    assert_eq!(verdict(&new), ["supervisor-changed demo demo_sup"]);
    // A restart_child after the update answers it.
    std::fs::write(
        appup_of(&new),
        appup.replacen(
            "{update,demo_sup,supervisor}",
            "{update,demo_sup,supervisor},\n {apply,{supervisor,restart_child,[demo_sup,demo_lib]}}",
            1,
        ),
    )
    .unwrap();
    write_relup(&fixtures().join("old"), &new);
    assert_eq!(verdict(&new), Vec::<String>::new());
}

#[test]
fn stale_appup_version() {
    let new = scenario("appup-vsn");
    edit(&appup_of(&new), "{\"1.1.0\",", "{\"1.0.9\",");
    assert!(codes(&check(&new)).contains(&"stale-appup-version demo".to_string()));
}

#[test]
fn missing_relup() {
    let new = scenario("no-relup");
    std::fs::remove_file(new.join("releases/2.0.0/relup")).unwrap();
    assert!(verdict(&new).contains(&"missing-relup".to_string()));
    // A relup without the entry for the old release.
    let new = scenario("relup-entry");
    edit(
        &new.join("releases/2.0.0/relup"),
        "[{\"1.0.0\",",
        "[{\"0.1.0\",",
    );
    assert!(verdict(&new).contains(&"missing-relup".to_string()));
}

#[test]
fn stale_relup_names_the_instruction() {
    let new = scenario("stale-relup");
    // Drop demo_srv's code_change from the relup.
    let path = new.join("releases/2.0.0/relup");
    let text = std::fs::read_to_string(&path).unwrap();
    let relup = erlterm::parse_str(&text).unwrap().remove(0);
    let mut r = relup::Relup::from_term(&relup).unwrap();
    let before = r.up[0].instructions.len();
    r.up[0]
        .instructions
        .retain(|i| !i.to_string().starts_with("{code_change"));
    assert_eq!(r.up[0].instructions.len() + 1, before);
    std::fs::write(&path, r.to_file_text()).unwrap();
    let report = check(&new);
    assert_eq!(codes(&report), ["stale-relup"]);
    let stale = &report.findings[0];
    assert!(
        stale.message.contains("upgrade from 1.0.0"),
        "{}",
        stale.message
    );
    assert!(stale.message.contains("code_change"), "{}", stale.message);
}

#[test]
fn emulator_restart_when_erts_changes() {
    let new = scenario("erts");
    edit(
        &new.join("releases/2.0.0/demo.rel"),
        &format!("{{erts, \"{}\"}}", erts_vsn()),
        "{erts, \"99.0\"}",
    );
    let c = codes(&check(&new));
    assert!(c.contains(&"emulator-restart".to_string()), "{c:?}");
}

#[test]
fn release_layout() {
    let new = scenario("layout");
    std::fs::remove_file(new.join("releases/2.0.0/start.boot")).unwrap();
    assert!(verdict(&new).contains(&"release-layout".to_string()));
}

#[test]
fn every_code_is_explained() {
    for code in Code::ALL {
        assert!(!code.explain().is_empty());
        assert!(code
            .as_str()
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-'));
    }
}

/// Files of a gzip-compressed tarball, by path.
fn tar_files(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut out = std::collections::BTreeMap::new();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        assert!(out.insert(path.clone(), data).is_none(), "{path} twice");
    }
    out
}

fn pack(new: &Path, generate: bool) -> relup::pack::Packed {
    let lib = Library::new();
    let old = ReleaseFiles::open(&fixtures().join("old"), &lib).unwrap();
    let new_rel = ReleaseFiles::open(new, &lib).unwrap();
    let opts = relup::pack::PackOptions {
        generate_appups: generate,
    };
    relup::pack::pack(&[old], &new_rel, new, opts).unwrap()
}

#[test]
fn pack_generates_the_missing_appup_and_the_relup() {
    let new = scenario("pack");
    std::fs::remove_file(appup_of(&new)).unwrap();
    std::fs::remove_file(new.join("releases/2.0.0/relup")).unwrap();
    let packed = pack(&new, true);
    assert!(!packed.report.has_errors(), "{:?}", packed.report);
    assert_eq!(packed.appups.len(), 1);
    assert_eq!(packed.appups[0].how, "generated");
    let files = tar_files(&packed.tarball);
    let appup = String::from_utf8(files["lib/demo-1.1.0/ebin/demo.appup"].clone()).unwrap();
    assert!(
        appup.contains("{update,demo_srv,{advanced,[]},[]}"),
        "{appup}"
    );
    assert!(files.contains_key("releases/2.0.0/relup"));
    assert!(
        files.contains_key("releases/demo.rel"),
        "unpack_release reads it"
    );
    assert!(files.contains_key("lib/demo-1.1.0/ebin/demo_srv.beam"));
    assert!(!files
        .keys()
        .any(|k| k.contains("/src/") && k.starts_with("releases")));
    // The folder itself is left as it was.
    assert!(!appup_of(&new).exists());
    assert!(!new.join("releases/2.0.0/relup").exists());
    // Packing the packed tarball again keeps its files, replaced once each.
    let out = fixtures().join("packed.tar.gz");
    std::fs::write(&out, &packed.tarball).unwrap();
    let again = pack(&out, false);
    assert!(!again.report.has_errors(), "{:?}", again.report);
    let again_files = tar_files(&again.tarball);
    assert_eq!(again_files.len(), files.len());
    assert_eq!(
        again_files["releases/2.0.0/relup"],
        files["releases/2.0.0/relup"]
    );
}

#[test]
fn pack_adds_entries_after_the_hand_written_ones() {
    let new = scenario("pack-merge");
    // A hand-written appup for another old version only.
    std::fs::write(
        appup_of(&new),
        "%% mine\n{\"1.1.0\", [{\"0.9.0\", [restart_new_emulator]}], [{\"0.9.0\", [restart_new_emulator]}]}.\n",
    )
    .unwrap();
    let packed = pack(&new, true);
    assert!(!packed.report.has_errors(), "{:?}", packed.report);
    assert_eq!(packed.appups[0].how, "merged");
    let appup =
        String::from_utf8(tar_files(&packed.tarball)["lib/demo-1.1.0/ebin/demo.appup"].clone())
            .unwrap();
    let term = erlterm::parse_str(&appup).unwrap().remove(0);
    let up = term.as_tuple().unwrap()[1].to_list().unwrap();
    assert_eq!(up.len(), 2);
    assert_eq!(
        up[0].as_tuple().unwrap()[0].as_string().as_deref(),
        Some("0.9.0"),
        "hand-written first"
    );
    assert_eq!(
        up[1].as_tuple().unwrap()[0].as_string().as_deref(),
        Some("1.0.0")
    );
    // The user's file is not touched.
    assert!(std::fs::read_to_string(appup_of(&new))
        .unwrap()
        .starts_with("%% mine"));
}

#[test]
fn pack_reports_what_the_check_finds() {
    let new = scenario("pack-no-appup");
    std::fs::remove_file(appup_of(&new)).unwrap();
    // Without --generate-appups the relup cannot be made: systools' error.
    let lib = Library::new();
    let old = ReleaseFiles::open(&fixtures().join("old"), &lib).unwrap();
    let new_rel = ReleaseFiles::open(&new, &lib).unwrap();
    let e = relup::pack::pack(&[old], &new_rel, &new, Default::default()).unwrap_err();
    assert!(e.to_string().contains("demo.appup"), "{e}");
    // A module the appup does not cover: packed, but the check says so.
    let new = scenario("pack-uncovered");
    edit(&appup_of(&new), "{add_module,demo_lib},", "");
    let packed = pack(&new, true);
    assert!(packed.report.has_errors());
    assert!(codes(&packed.report).contains(&"module-not-covered demo demo_lib".to_string()));
}
