//! `erlrel check` and `erlrel appup match` from the command line: what
//! they report, and their exit codes (0 fine, 1 read and rejected or
//! error findings, 2 could not run).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // test code

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{copy_dir, shop};

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

fn erlrel(args: &[&str], envs: &[(&str, &str)]) -> Out {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_erlrel"));
    cmd.args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("run erlrel");
    Out {
        code: o.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("erlrel-check-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

fn check(path: &str) -> Out {
    erlrel(&["check", path], &[])
}

#[test]
fn rel_files_are_checked_as_systools_does() {
    let d = tmp("rel");
    // OTP: systools_make:read_release/2 throws badly_formatted_release.
    let o = check(&write(&d, "demo.rel", b"{release, demo}.\n"));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("error[rel::badly_formatted_release]"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("demo.rel:1:1"), "{}", o.stderr);
    // OTP: crashes with badarg in string_p/1.
    let o = check(&write(
        &d,
        "erts.rel",
        b"{release, {\"d\", \"1\"},\n {erts, 13}, [{kernel, \"9\"}, {stdlib, \"5\"}]}.\n",
    ));
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("erts.rel:2:9"), "{}", o.stderr);
    assert!(o.stderr.contains("the erts version 13"), "{}", o.stderr);
    // OTP: {illegal_applications, [{x,"1.0",bogus}]}: shown as a string.
    let o = check(&write(
        &d,
        "apps.rel",
        b"{release, {\"d\", \"1\"}, {erts, \"13\"}, [{kernel, \"9\"}, {stdlib, \"5\"}, {x, \"1.0\", bogus}]}.\n",
    ));
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains(r#"{x,"1.0",bogus}"#), "{}", o.stderr);
    assert!(!o.stderr.contains("[49,"), "{}", o.stderr);
    // OTP: ok, with [{warning, missing_sasl}].
    let o = check(&write(
        &d,
        "ok.rel",
        b"{release, {\"d\", \"1\"}, {erts, \"13\"}, [{kernel, \"9\"}, {stdlib, \"5\"}]}.\n",
    ));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("warning[rel::missing-sasl]"),
        "{}",
        o.stderr
    );
}

#[test]
fn relup_files_are_checked_as_release_handler_does() {
    let d = tmp("relup");
    let o = check(&write(&d, "relup", b"nonsense.\n"));
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("relup::not-a-relup"), "{}", o.stderr);
    let o = check(&write(
        &d,
        "r2/relup",
        b"{\"2\", [{\"1\", [], [point_of_no_return, nonsense]}], []}.\n",
    ));
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .contains("{error,{illegal_instruction_after_point_of_no_return,nonsense}}"),
        "{}",
        o.stderr
    );
    let good = b"{\"2\", [{\"1\", [], [{load_object_code, {a, \"2\", [m]}}, point_of_no_return, {load, {m, brutal_purge, brutal_purge}}]}], [{\"1\", [], []}]}.\n";
    let o = check(&write(&d, "r3/relup", good));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.is_empty(), "{}", o.stderr);
}

#[test]
fn exit_code_two_when_a_path_cannot_be_checked() {
    let d = tmp("missing");
    let missing = d.join("nope.config");
    let o = check(missing.to_str().unwrap());
    assert_eq!(o.code, 2);
    assert_eq!(o.stderr.matches("nope.config").count(), 1, "{}", o.stderr);
    assert_eq!(check("/dev/null").code, 2);
    // A folder that is not a release is read and rejected (1), as
    // `relup`, `upgrade check` and `audit` reject it.
    let not_release = check(d.to_str().unwrap());
    assert_eq!(not_release.code, 1, "{}", not_release.stderr);
    assert!(
        not_release.stderr.contains("release::not-a-release"),
        "{}",
        not_release.stderr
    );
    // Bad usage.
    assert_eq!(erlrel(&["check", "x", "--env", "NOEQUALS"], &[]).code, 2);
    // 2 wins over 1 when both happen.
    let bad = write(&d, "bad.config", b"{a b}.\n");
    assert_eq!(
        erlrel(&["check", &bad, missing.to_str().unwrap()], &[]).code,
        2
    );
    assert_eq!(check(&bad).code, 1);
}

#[test]
fn invalid_utf8_is_rejected_as_otp_does() {
    let d = tmp("utf8");
    // OTP 25: file:consult/1 -> {error,{1,file_io_server,invalid_unicode}}.
    let o = check(&write(&d, "a.config", b"[{a, \"\xE9\"}].\n"));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("invalid UTF-8"), "{}", o.stderr);
    // With the coding comment it is latin-1: [{a,[233]}].
    let o = check(&write(
        &d,
        "b.config",
        b"%% coding: latin-1\n[{a, \"\xE9\"}].\n",
    ));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = check(&write(&d, "sys.config", b"[{kernel, [{a, \"\xE9\"}]}].\n"));
    assert_eq!(o.code, 1, "{}", o.stderr);
    // systools reads a .rel up to its first full stop: bytes after it are ignored.
    let o = check(&write(
        &d,
        "x.rel",
        b"{release, {\"d\", \"1\"}, {erts, \"13\"}, [{kernel, \"9\"}, {stdlib, \"5\"}, {sasl, \"4\"}]}.\n%% \xE9\n",
    ));
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = check(&write(
        &d,
        "y.rel",
        b"{release, {\"d\xE9\", \"1\"}, {erts, \"13\"}, [{kernel, \"9\"}, {stdlib, \"5\"}, {sasl, \"4\"}]}.\n",
    ));
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("rel::read"), "{}", o.stderr);
}

#[test]
fn only_sys_config_names_are_sys_configs() {
    let d = tmp("kinds");
    // A relx.config is a list of terms, not one list of applications.
    let relx = b"{release, {demo, \"1\"}, [demo]}.\n{include_erts, false}.\n";
    for name in [
        "relx.config",
        "reltool.config",
        "vars.config",
        "elvis.config",
        "dev.sys.config",
    ] {
        let o = check(&write(&d, name, relx));
        assert_eq!(o.code, 0, "{name}: {}", o.stderr);
        assert!(o.stderr.is_empty(), "{name}: {}", o.stderr);
    }
    let o = check(&write(&d, "sys.config", relx));
    assert_eq!(o.code, 1, "{}", o.stderr);
    // --kind still forces one.
    let p = write(&d, "app.config", relx);
    assert_eq!(erlrel(&["check", "--kind", "sys-config", &p], &[]).code, 1);
}

#[test]
fn sys_config_src_renders_with_the_environment() {
    let d = tmp("src");
    let p = write(
        &d,
        "sys.config.src",
        b"[{kernel, [{port, ${CK_PORT}}]},\n {web, [{name, \"${CK_NAME}\"}]}].\n",
    );
    // Unset: listed, and the parse problem they cause is only a warning.
    let o = erlrel(&["check", &p], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("CK_PORT, CK_NAME"), "{}", o.stderr);
    assert!(o.stderr.contains("warning[sys_config]"), "{}", o.stderr);
    // Set from the environment and --env: nothing to say.
    let o = erlrel(
        &["check", &p, "--env", "CK_NAME=web"],
        &[("CK_PORT", "8080")],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.is_empty(), "{}", o.stderr);
    // A value that breaks the syntax is an error.
    let o = erlrel(
        &["check", &p, "--env", "CK_NAME=web", "--env", "CK_PORT=}"],
        &[],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    // A real syntax error stays an error, whatever is unset.
    let p = write(
        &d,
        "b/sys.config.src",
        b"[{kernel, [{port, ${CK_PORT}}]} {web, []}].\n",
    );
    let o = erlrel(&["check", &p], &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("error[sys_config]"), "{}", o.stderr);
}

#[test]
fn unset_variables_do_not_hide_real_syntax_errors() {
    let d = tmp("unset");
    // Valid once the variables are set: exit 0, a warning naming them.
    let p = write(
        &d,
        "a/sys.config.src",
        b"[{kernel, [{port, ${UV_PORT}},\n           {node, '${UV_NODE}@host'},\n           {min, ${UV_MIN}}]}].\n",
    );
    let o = erlrel(&["check", &p], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("warning[substitute::unset]: variables without a value, rendered empty by the start script: UV_PORT, UV_NODE, UV_MIN"),
        "{}",
        o.stderr
    );
    // The empty rendering's own syntax error: a warning naming the variable.
    assert!(o.stderr.contains("warning[sys_config]"), "{}", o.stderr);
    assert!(
        o.stderr.contains("rendered empty: UV_PORT)"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("error["), "{}", o.stderr);
    // An unset variable on line 1 and a real syntax error on line 4: the
    // real error is reported, at line 4, as an error.
    let p = write(
        &d,
        "b/sys.config.src",
        b"[{kernel, [{port, ${UV_PORT}}]},\n {web, [{name, \"w\"}]},\n {db, [{pool, 4}]},\n {x, [{a, 1} {b, 2}]}].\n",
    );
    let o = erlrel(&["check", &p], &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("UV_PORT"), "{}", o.stderr);
    let error = o.stderr.split("error[").nth(1).unwrap_or_default();
    assert!(error.contains("sys.config.src:4:"), "{}", o.stderr);
    assert_eq!(o.stderr.matches("error[").count(), 1, "{}", o.stderr);
    // With the variable set, the same single error.
    let o = erlrel(&["check", &p, "--env", "UV_PORT=80"], &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("sys.config.src:4:"), "{}", o.stderr);
}

#[test]
fn diagnostics_are_bounded_on_one_long_line() {
    let d = tmp("long");
    let mut text = b"[".to_vec();
    for _ in 0..2_000_000 {
        text.extend_from_slice(b"1,");
    }
    text.extend_from_slice(b"1 2].\n"); // syntax error at the very end of a 4 MB line
    let o = check(&write(&d, "big.config", &text));
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.len() < 1_000,
        "{} bytes of diagnostics",
        o.stderr.len()
    );
    assert!(o.stderr.contains("big.config:1:4000004"), "{}", o.stderr);
}

#[test]
fn control_bytes_of_the_input_are_escaped() {
    let d = tmp("ctl");
    let o = check(&write(&d, "c.config", b"{a, '\x1b[31m' '\x1b[0m'}.\n"));
    assert_eq!(o.code, 1);
    assert!(!o.stderr.contains('\u{1b}'), "{:?}", o.stderr);
    let o = erlrel(
        &[
            "check",
            "--format",
            "json",
            &write(&d, "d.config", b"{a, '\x1b' b}.\n"),
        ],
        &[],
    );
    assert!(!o.stdout.contains('\u{1b}'), "{:?}", o.stdout);
    assert!(o.stdout.contains("\"severity\":\"error\""), "{}", o.stdout);
}

#[test]
fn appup_match_refuses_relups() {
    let d = tmp("match");
    let relup = write(
        &d,
        "relup",
        b"{\"2\", [{\"1\", [], [point_of_no_return]}], [{\"1\", [], []}]}.\n",
    );
    let o = erlrel(&["appup", "match", &relup, "1"], &[]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("is a relup"), "{}", o.stderr);
    let appup = write(
        &d,
        "a.appup",
        b"{\"2\", [{\"1\", [{load_module, m}]}], []}.\n",
    );
    let o = erlrel(&["appup", "match", &appup, "1"], &[]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout.trim(), "[{load_module,m}]");
    let o = erlrel(&["appup", "match", &appup, "9"], &[]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("\"9\""), "{}", o.stderr);
    let o = erlrel(
        &[
            "appup",
            "match",
            d.join("none.appup").to_str().unwrap(),
            "1",
        ],
        &[],
    );
    assert_eq!(o.code, 2);
    assert_eq!(
        erlrel(&["appup", "match", d.to_str().unwrap(), "1"], &[]).code,
        2
    );
    let bad = write(&d, "b.appup", b"{\"2\" [}.\n");
    assert_eq!(erlrel(&["appup", "match", &bad, "1"], &[]).code, 1);
}

#[test]
fn release_folders_and_tarballs_have_every_file_checked() {
    let shop = shop();
    let o = check(shop.to_str().unwrap());
    assert_eq!(o.code, 0, "{}", o.stderr);
    let d = tmp("folder");
    let root = d.join("shop");
    copy_dir(&shop, &root);
    write(&root, "releases/1.2.0/relup", b"{\"1.1.0\", [], []}.\n");
    write(
        &root,
        "releases/1.2.0/sys.config",
        b"[{kernel, [{a, 1}, {a, 2}]}].\n",
    );
    write(&root, "releases/1.2.0/vm.args", b"-name a@h\n-sname b\n");
    write(
        &root,
        "lib/web-1.2.0/ebin/web.appup",
        b"{\"1.2.0\", [{\"1.1.0\", [nonsense]}], []}.\n",
    );
    write(&root, "releases/1.1.0/shop.rel", b"{release, {\"shop\", \"1.0.9\"}, {erts, \"13.1\"}, [{kernel, \"9.0\"}, {stdlib, \"5.0\"}, {sasl, \"5.0\"}]}.\n");
    let o = check(root.to_str().unwrap());
    assert_eq!(o.code, 1, "{}", o.stderr);
    for want in [
        "releases/1.2.0/relup",
        "relup::vsn-folder",
        "releases/1.2.0/sys.config",
        "duplicate parameter",
        "releases/1.2.0/vm.args",
        "lib/web-1.2.0/ebin/web.appup",
        "release::vsn-folder",
    ] {
        assert!(o.stderr.contains(want), "{want}: {}", o.stderr);
    }
    // The same release as a tarball (made by tar, as rebar3 tar does).
    write(&root, "releases/1.0.0/shop.rel", b"{release, demo}.\n");
    let tarball = d.join("shop.tar.gz");
    let status = Command::new("tar")
        .arg("czf")
        .arg(&tarball)
        .arg("-C")
        .arg(&root)
        .arg("releases")
        .arg("lib")
        .status();
    if !status.is_ok_and(|s| s.success()) {
        return; // no tar on this machine
    }
    let o = check(tarball.to_str().unwrap());
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("shop.tar.gz:releases/1.0.0/shop.rel"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("rel::badly_formatted_release"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("shop.tar.gz:lib/web-1.2.0/ebin/web.appup"),
        "{}",
        o.stderr
    );
}
