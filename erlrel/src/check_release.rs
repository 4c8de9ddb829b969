//! `erlrel check` for `.rel` and relup files, and for whole releases: a
//! release folder or tarball has every release file inside it checked
//! (`releases/*/*.rel`, `releases/*/relup`, `releases/*/sys.config`,
//! `releases/*/vm.args`, `lib/*/ebin/*.app`, `lib/*/ebin/*.appup`), plus
//! what ties them together: the folder a `.rel` or relup sits in names
//! its version, and the applications of a `.rel` are under `lib/`.

use std::borrow::Cow;
use std::path::Path;

use erlterm::diagnostic::Severity;
use relup::error::show;
use relup::input::tree::join;
use relup::input::Tree;
use relup::relup::Relup;
use relup::Release;

use crate::check::{check_bytes, kind_of_name, Context, Finding, Kind, Report};

/// Findings of a `.rel` file: systools_make's checks with OTP's reasons,
/// and its `missing_sasl` warning.
pub fn rel(bytes: &[u8]) -> (Cow<'_, str>, Vec<Finding>) {
    let text = erlterm::encoding::decode_for_display(bytes);
    let findings = match Release::read(bytes) {
        Ok(rel) if rel.missing_sasl() => vec![Finding {
            severity: Severity::Warning,
            code: "rel::missing-sasl".into(),
            message: "the release does not include sasl, so it cannot be upgraded".into(),
            span: None,
            help: Some("systools warns {warning, missing_sasl}".into()),
        }],
        Ok(_) => Vec::new(),
        Err(e) => {
            let help = match e.error.otp_tag() {
                "exception" => {
                    "systools crashes on this file ({'EXIT', {badarg, ...}})".to_string()
                }
                _ => format!(
                    "systools:make_script and make_relup return {{error, systools_make, {}}}",
                    show(&e.error.otp_reason())
                ),
            };
            vec![Finding::error(
                &format!("rel::{}", e.error.otp_tag()),
                e.error.to_string(),
                e.span,
            )
            .with_help(help)]
        }
    };
    (text, findings)
}

/// Findings of a relup file: its shape and each instruction, as
/// `release_handler` reads and runs them.
pub fn relup(bytes: &[u8]) -> (Cow<'_, str>, Vec<Finding>) {
    let text = erlterm::encoding::decode_for_display(bytes);
    let findings = Relup::check(bytes)
        .problems
        .into_iter()
        .map(|p| {
            let answer = p.problem.check_script_answer();
            let help = if answer.as_atom() == Some("ok") {
                None
            } else {
                Some(format!(
                    "release_handler:check_install_release returns {}",
                    show(&answer)
                ))
            };
            Finding {
                severity: if p.problem.is_error() {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                code: format!("relup::{}", p.problem.code()),
                message: p.problem.to_string(),
                span: p.span,
                help,
            }
        })
        .collect();
    (text, findings)
}

/// Checks a release folder on disk.
pub fn check_folder(path: &Path, ctx: &Context, report: &mut Report) {
    let shown = path.display().to_string();
    let Some(root) = path.to_str() else {
        return report.unusable(&shown, "the path is not UTF-8");
    };
    check_tree(&Tree::Disk, root, &shown, ctx, report);
}

/// Checks a release tarball held in memory.
pub fn check_tarball(origin: &str, bytes: &[u8], ctx: &Context, report: &mut Report) {
    let tree = match relup::input::tarball::read_tarball(origin, bytes) {
        Ok(t) => t,
        Err(e) => {
            report.findings(origin, "", &[Finding::error("release::tarball", e, None)]);
            return;
        }
    };
    // A tarball may hold the release under one top folder.
    let mut root = String::new();
    if !tree.is_dir("releases") {
        if let [only] = tree.list_dir("").as_slice() {
            if tree.is_dir(&join(only, "releases")) {
                root = only.clone();
            }
        }
    }
    check_tree(&tree, &root, origin, ctx, report);
}

fn check_tree(tree: &Tree, root: &str, shown: &str, ctx: &Context, report: &mut Report) {
    let releases = join(root, "releases");
    let lib = join(root, "lib");
    let has_lib = tree.is_dir(&lib);
    if !tree.is_dir(&releases) && !has_lib {
        // Read and found not to be a release: rejected (exit 1), as
        // `relup`, `upgrade check` and `audit` reject it.
        let what = match tree {
            Tree::Disk => "a directory",
            _ => "a tarball",
        };
        let why = format!(
            "{what} but not a release (no releases/ or lib/ folder); name the files to check"
        );
        return report.findings(
            shown,
            "",
            &[Finding::error("release::not-a-release", why, None)],
        );
    }
    let mut checked = 0usize;
    for vsn in tree.list_dir(&releases) {
        let dir = join(&releases, &vsn);
        if !tree.is_dir(&dir) {
            continue;
        }
        for name in tree.list_dir(&dir) {
            let wanted = name.ends_with(".rel")
                || matches!(name.as_str(), "relup" | "sys.config" | "vm.args");
            if !wanted {
                continue;
            }
            let file = join(&dir, &name);
            checked += 1;
            check_one(tree, &file, &name, ctx, report, |kind, bytes, out| {
                release_ties(tree, kind, bytes, &vsn, &lib, has_lib, out)
            });
        }
    }
    for app in tree.list_dir(&lib) {
        let ebin = join(&join(&lib, &app), "ebin");
        for name in tree.list_dir(&ebin) {
            if !(name.ends_with(".app") || name.ends_with(".appup")) {
                continue;
            }
            checked += 1;
            check_one(tree, &join(&ebin, &name), &name, ctx, report, |_, _, _| {});
        }
    }
    if checked == 0 {
        report.findings(
            shown,
            "",
            &[Finding {
                severity: Severity::Warning,
                code: "release::empty".into(),
                message: "no release file found (releases/*/*.rel, lib/*/ebin/*.app...)".into(),
                span: None,
                help: None,
            }],
        );
    }
}

fn check_one(
    tree: &Tree,
    file: &str,
    name: &str,
    ctx: &Context,
    report: &mut Report,
    ties: impl FnOnce(Kind, &[u8], &mut Vec<Finding>),
) {
    let shown = tree.display(file);
    if tree.is_dir(file) {
        let why = "a folder where a release file belongs";
        if matches!(tree, Tree::Disk) {
            return report.unusable(&shown, why);
        }
        // In a tarball, a wrong entry is the tarball's fault (exit 1).
        let finding = Finding::error("release::not-a-file", why.into(), None);
        return report.findings(&shown, "", &[finding]);
    }
    // On disk, as a file named on the command line is read: regular files
    // only, without blocking, at most --max-bytes (checked before reading);
    // the error says why.
    let read = if tree.is_disk() {
        erlterm::read_file_with_limit(Path::new(file), ctx.max_bytes).map_err(|e| e.to_string())
    } else {
        tree.read_file(file)
            .map_err(|why| format!("{shown}: {why}"))
    };
    let bytes = match read {
        Ok(bytes) => bytes,
        Err(message) => return report.unusable_message_named(&shown, message),
    };
    let kind = kind_of_name(name);
    let (text, mut findings) = check_bytes(kind, Path::new(file), &bytes, ctx);
    ties(kind, &bytes, &mut findings);
    report.findings(&shown, &text, &findings);
}

/// What ties a release's files together: `releases/VSN/NAME.rel` has
/// version VSN and its applications are in `lib/APP-VSN`;
/// `releases/VSN/relup` is the relup of version VSN (release_handler reads
/// `releases/ToVsn/relup` and wants `{ToVsn, _, _}` in it).
fn release_ties(
    tree: &Tree,
    kind: Kind,
    bytes: &[u8],
    folder_vsn: &str,
    lib: &str,
    has_lib: bool,
    out: &mut Vec<Finding>,
) {
    match kind {
        Kind::Rel => {
            let Ok(rel) = Release::read(bytes) else {
                return;
            };
            if rel.vsn != folder_vsn {
                out.push(
                    Finding::error(
                        "release::vsn-folder",
                        format!(
                            "the release version {} differs from its folder releases/{}",
                            show(&erlterm::Term::string(&rel.vsn)),
                            folder_vsn.escape_debug()
                        ),
                        None,
                    )
                    .with_help(
                        "release_handler finds a release by the folder named after its version",
                    ),
                );
            }
            if !has_lib {
                return;
            }
            for app in &rel.apps {
                let dir = join(lib, &format!("{}-{}", app.name, app.vsn));
                let app_file = join(&join(&dir, "ebin"), &format!("{}.app", app.name));
                if tree.read(&app_file).is_none() {
                    out.push(Finding {
                        severity: Severity::Warning,
                        code: "release::missing-app".into(),
                        message: format!(
                            "{} {} is not in the release: no {}",
                            app.name,
                            show(&erlterm::Term::string(&app.vsn)),
                            tree.display(&app_file)
                        ),
                        span: None,
                        help: Some(
                            "release_handler needs lib/APP-VSN/ebin of every application (unless the target system provides it)"
                                .into(),
                        ),
                    });
                }
            }
        }
        Kind::Relup => {
            let checked = Relup::check(bytes);
            let Some(relup) = checked.relup else {
                return;
            };
            if relup.top_vsn != folder_vsn {
                out.push(
                    Finding::error(
                        "relup::vsn-folder",
                        format!(
                            "the relup is for version {}, but sits in releases/{}",
                            show(&erlterm::Term::string(&relup.top_vsn)),
                            folder_vsn.escape_debug()
                        ),
                        None,
                    )
                    .with_help("release_handler reads releases/ToVsn/relup and refuses it ({bad_relup_file, File}) unless it is {ToVsn, _, _}"),
                );
            }
        }
        _ => {}
    }
}
