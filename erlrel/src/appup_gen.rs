//! `erlrel appup generate` and `erlrel appup check`: appups written from
//! compiled releases, and the appup part of `erlrel upgrade check`.
//!
//! Which appups, where they go and how they merge into existing ones is
//! `relup::appup_gen`; the findings are `relup::upgrade`. This module
//! parses arguments, writes (all or nothing) and prints.

use std::path::PathBuf;
use std::process::ExitCode;

use relup::appup_gen::{changed_apps, plan_writes, AppupGenError, AppupLayout, GeneratedAppup};
use relup::upgrade::{check_appups, Report};
use relup::ReleaseFiles;

/// Arguments of `erlrel appup generate`.
#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// An old release (repeatable: one up and one down entry per old
    /// version): a release tarball, a release folder, a `.rel` file, or a
    /// version of the --to root.
    #[arg(long, value_name = "OLD", required = true)]
    from: Vec<String>,
    /// The new release.
    #[arg(long, value_name = "NEW")]
    to: PathBuf,
    /// The release of --to when its root holds several (default: the newest).
    #[arg(long, value_name = "VSN")]
    vsn: Option<String>,
    /// Only these applications (repeatable); default: every application
    /// whose version changed.
    #[arg(long = "app", value_name = "APP")]
    apps: Vec<String>,
    /// Write `DIR/APP.appup` files instead of printing to stdout (an
    /// existing appup gets the missing entries added, its own kept).
    #[arg(
        short = 'o',
        long = "out",
        value_name = "DIR",
        conflicts_with = "layout"
    )]
    out: Option<PathBuf>,
    /// Write each appup where rebar3 picks it up, below --project:
    /// `apps/APP/ebin/APP.appup` (umbrella), `ebin/APP.appup` (single
    /// app), `_build/PROFILE/lib/DEP/ebin/APP.appup` (dependencies); into
    /// `src/APP.appup.src` instead when that file exists.
    #[arg(long, value_enum)]
    layout: Option<Layout>,
    /// The rebar3 project for --layout.
    #[arg(long, value_name = "DIR", default_value = ".")]
    project: PathBuf,
    /// The rebar3 profile whose _build holds dependencies, for --layout.
    #[arg(long, default_value = "default")]
    profile: String,
    /// Replace existing appup files in DIR.
    #[arg(long)]
    force: bool,
    /// Generate and show what would be written, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Extra library folders searched for applications (`DIR/*/ebin`).
    #[arg(long = "lib", value_name = "DIR")]
    libs: Vec<PathBuf>,
}

/// Where `appup generate` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Layout {
    /// Where rebar3 copies appups from.
    Rebar3,
}

/// Arguments of `erlrel appup check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The old release: a release tarball, a release folder, a `.rel` file,
    /// or a version of the --to root.
    #[arg(long, value_name = "OLD")]
    from: String,
    /// The new release, whose `ebin` folders hold the appups checked.
    #[arg(long, value_name = "NEW")]
    to: PathBuf,
    /// Extra library folders searched for applications (`DIR/*/ebin`).
    #[arg(long = "lib", value_name = "DIR")]
    libs: Vec<PathBuf>,
}

/// Why `appup generate` or `appup check` stopped, and its exit status: 1
/// when a release was read and is rejected, 2 when something could not be
/// read or written (the scheme of `upgrade check` and `erlrel relup`).
#[derive(Debug)]
struct Failure {
    message: String,
    rejected: bool,
}

impl Failure {
    /// Something that could not be read or written (exit 2).
    fn could_not_run(message: String) -> Failure {
        Failure {
            message,
            rejected: false,
        }
    }

    /// Prints the message and gives the exit status.
    fn report(self) -> ExitCode {
        eprintln!("error: {}", crate::upgrade::escape(&self.message));
        crate::upgrade::failure_status(self.rejected)
    }
}

impl From<relup::Error> for Failure {
    fn from(e: relup::Error) -> Failure {
        Failure {
            rejected: e.is_rejected_input(),
            message: e.to_string(),
        }
    }
}

impl From<AppupGenError> for Failure {
    fn from(e: AppupGenError) -> Failure {
        Failure {
            rejected: e.is_rejected_input(),
            message: match e {
                AppupGenError::CannotMerge(_) => format!("{e}; pass --force to replace it"),
                e => e.to_string(),
            },
        }
    }
}

/// The appups to write ([`relup::appup_gen::changed_apps`]).
fn generate(args: &GenerateArgs) -> Result<Vec<GeneratedAppup>, Failure> {
    // A --lib or --project folder that cannot be read stops the command
    // (exit 2), as in `upgrade check` and `erlrel relup`.
    let libs = relup::input::checked_library_from_dirs(&args.libs)?;
    if args.layout.is_some() && args.out.is_none() {
        check_project(&args.project).map_err(Failure::could_not_run)?;
    }
    let new = ReleaseFiles::open_version(&args.to, args.vsn.as_deref(), &libs)?;
    if let Some(name) = args.apps.iter().find(|n| new.app(n).is_none()) {
        return Err(AppupGenError::NotInRelease(name.clone()).into());
    }
    let olds = args
        .from
        .iter()
        .map(|from| crate::upgrade::open_old(from, &args.to, &libs))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(changed_apps(&olds, &new, &args.apps)?)
}

/// The `--project` folder of `--layout` must be a folder that can be read.
fn check_project(project: &std::path::Path) -> Result<(), String> {
    let meta = std::fs::metadata(project)
        .map_err(|e| format!("--project {}", erlterm::file_error(project, &e)))?;
    if meta.is_dir() {
        return Ok(());
    }
    let kind = erlterm::file_kind(&meta.file_type()).unwrap_or("a regular file");
    Err(format!(
        "--project {}: is {kind}, not a folder",
        erlterm::diagnostic::escape_path(project)
    ))
}

/// Where the appups go: `-o DIR`, `--layout rebar3`, or stdout (`None`).
fn layout(args: &GenerateArgs) -> Option<AppupLayout> {
    match (&args.out, args.layout) {
        (Some(dir), _) => Some(AppupLayout::Folder(dir.clone())),
        (None, Some(Layout::Rebar3)) => Some(AppupLayout::Rebar3 {
            project: args.project.clone(),
            profile: args.profile.clone(),
        }),
        (None, None) => None,
    }
}

/// Runs `erlrel appup generate`.
pub fn run_generate(args: &GenerateArgs) -> ExitCode {
    let appups = match generate(args) {
        Ok(a) => a,
        Err(e) => return e.report(),
    };
    if appups.is_empty() {
        eprintln!("no application changed version");
        return ExitCode::SUCCESS;
    }
    let Some(layout) = layout(args) else {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        for (i, appup) in appups.iter().enumerate() {
            let sep = if i > 0 { "\n" } else { "" };
            if write!(out, "{sep}{}", appup.text()).is_err() {
                return ExitCode::SUCCESS;
            }
        }
        return ExitCode::SUCCESS;
    };
    match write_appups(args, &appups, &layout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => e.report(),
    }
}

/// Writes the appups as [`relup::appup_gen::plan_writes`] plans them, all
/// of them or none.
fn write_appups(
    args: &GenerateArgs,
    appups: &[GeneratedAppup],
    layout: &AppupLayout,
) -> Result<(), Failure> {
    let opts = crate::write::WriteOptions {
        force: args.force,
        dry_run: args.dry_run,
        show_diff: true,
    };
    let plan = plan_writes(appups, layout, args.force)?;
    for (app, path) in &plan.complete {
        eprintln!(
            "{}: {}'s appup has every entry already",
            erlterm::diagnostic::escape_path(path),
            erlterm::diagnostic::escape_control(app)
        );
    }
    let edits = plan
        .edits
        .into_iter()
        .map(|e| (e.path, e.old, e.new))
        .collect();
    // The folders of new appups (`apps/APP/ebin` of a fresh umbrella, a
    // new -o DIR) are made with them: listed by a dry run, removed again
    // if the write fails.
    crate::write::write_files_making_folders(plan.creates, edits, opts)
        .map_err(Failure::could_not_run)
}

/// The appup findings of `erlrel appup check`.
fn check(args: &CheckArgs) -> Result<Report, Failure> {
    let libs = relup::input::checked_library_from_dirs(&args.libs)?;
    let new = ReleaseFiles::open(&args.to, &libs)?;
    let old = crate::upgrade::open_old(&args.from, &args.to, &libs)?;
    Ok(check_appups(&old, &new)?)
}

/// Runs `erlrel appup check`: exit 0 when every application whose version
/// or code changed has a complete appup (warnings allowed), 1 with the
/// findings or a release that is rejected, 2 when one cannot be read.
pub fn run_check(args: &CheckArgs) -> ExitCode {
    match check(args) {
        Ok(report) => {
            crate::upgrade::print_findings(&report);
            if report.has_errors() {
                let n = report.findings.len();
                println!("{n} finding(s)");
                ExitCode::from(1)
            } else {
                println!("appups complete");
                ExitCode::SUCCESS
            }
        }
        Err(e) => e.report(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use std::path::Path;

    fn fixtures() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures")
    }

    /// A fresh copy of `src` in the system temp folder.
    fn copy_tree(src: &Path, tag: &str) -> PathBuf {
        fn copy(src: &Path, dst: &Path) {
            std::fs::create_dir_all(dst).unwrap();
            for e in std::fs::read_dir(src).unwrap() {
                let e = e.unwrap();
                let to = dst.join(e.file_name());
                if e.file_type().unwrap().is_dir() {
                    copy(&e.path(), &to);
                } else {
                    std::fs::copy(e.path(), &to).unwrap();
                }
            }
        }
        let dst = std::env::temp_dir().join(format!("erlrel-appup-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dst);
        copy(src, &dst);
        dst
    }

    fn check_args(to: PathBuf) -> CheckArgs {
        CheckArgs {
            from: fixtures().join("r1").display().to_string(),
            to,
            libs: vec![],
        }
    }

    fn codes(report: &Report) -> Vec<String> {
        report
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}",
                    f.code,
                    f.app.as_deref().unwrap_or("-"),
                    f.module.as_deref().unwrap_or("-")
                )
            })
            .collect()
    }

    #[test]
    fn generated_appups_equal_the_committed_ones() {
        let args = GenerateArgs {
            from: vec![fixtures().join("r1").display().to_string()],
            to: fixtures().join("r2"),
            vsn: None,
            apps: vec![],
            out: None,
            force: false,
            dry_run: false,
            layout: None,
            project: PathBuf::from("."),
            profile: "default".into(),
            libs: vec![],
        };
        let out: Vec<(String, String)> = generate(&args)
            .unwrap()
            .into_iter()
            .map(|a| (a.app.clone(), a.text()))
            .collect();
        let names: Vec<&str> = out.iter().map(|(n, _)| n.as_str()).collect();
        // fz is new in r2 (left to the relup); kernel/stdlib/sasl did not change.
        assert_eq!(names, ["fx", "fy"]);
        for (app, text) in &out {
            let vsn = if app == "fx" { "1.1.0" } else { "1.0.1" };
            let committed = fixtures().join(format!("r2/lib/{app}-{vsn}/ebin/{app}.appup"));
            assert_eq!(text, &std::fs::read_to_string(committed).unwrap(), "{app}");
        }
    }

    #[test]
    fn generate_refuses_to_replace_an_appup_without_force() {
        let dir = std::env::temp_dir().join(format!("erlrel-appup-out-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mine = dir.join("fx.appup");
        std::fs::write(&mine, "%% hand-written\n").unwrap();
        let mut args = GenerateArgs {
            from: vec![fixtures().join("r1").display().to_string()],
            to: fixtures().join("r2"),
            vsn: None,
            apps: vec![],
            out: Some(dir.clone()),
            force: false,
            dry_run: false,
            layout: None,
            project: PathBuf::from("."),
            profile: "default".into(),
            libs: vec![],
        };
        assert_eq!(run_generate(&args), ExitCode::from(2));
        assert_eq!(std::fs::read_to_string(&mine).unwrap(), "%% hand-written\n");
        assert!(
            !dir.join("fy.appup").exists(),
            "nothing written when one is refused"
        );
        args.force = true;
        assert_eq!(run_generate(&args), ExitCode::SUCCESS);
        assert!(std::fs::read_to_string(&mine)
            .unwrap()
            .starts_with("%% fx.appup"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn generate_adds_missing_entries_to_an_appup_keeping_it() {
        let project =
            std::env::temp_dir().join(format!("erlrel-appup-merge-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&project);
        let ebin = project.join("apps/fx/ebin");
        std::fs::create_dir_all(&ebin).unwrap();
        std::fs::create_dir_all(project.join("apps/fy/src")).unwrap();
        let mine =
            "%% kept\n{\"1.1.0\",\n [{\"0.9.0\", [restart_new_emulator]}],\n [{\"0.9.0\", []}]}.\n";
        std::fs::write(ebin.join("fx.appup"), mine).unwrap();
        let args = GenerateArgs {
            from: vec![fixtures().join("r1").display().to_string()],
            to: fixtures().join("r2"),
            vsn: None,
            apps: vec![],
            out: None,
            force: false,
            dry_run: false,
            layout: Some(Layout::Rebar3),
            project: project.clone(),
            profile: "default".into(),
            libs: vec![],
        };
        assert_eq!(run_generate(&args), ExitCode::SUCCESS);
        let merged = std::fs::read_to_string(ebin.join("fx.appup")).unwrap();
        assert!(
            merged.starts_with("%% kept\n{\"1.1.0\",\n [{\"0.9.0\", [restart_new_emulator]},"),
            "{merged}"
        );
        let term = &erlterm::parse_str(&merged).unwrap()[0];
        let up = term.as_tuple().unwrap()[1].to_list().unwrap();
        assert_eq!(up.len(), 2, "the hand-written entry first, 1.0.0's added");
        // fy has no appup: written where rebar3 picks it up.
        assert!(project.join("apps/fy/ebin/fy.appup").is_file());
        // Again: nothing is missing, nothing changes.
        assert_eq!(run_generate(&args), ExitCode::SUCCESS);
        assert_eq!(
            std::fs::read_to_string(ebin.join("fx.appup")).unwrap(),
            merged
        );
        std::fs::remove_dir_all(&project).unwrap();
    }

    #[test]
    fn check_passes_on_the_fixture_releases() {
        let report = check(&check_args(fixtures().join("r2"))).unwrap();
        assert!(!report.has_errors(), "{:?}", codes(&report));
        // fx_sup is updated as a supervisor with no restart_child.
        assert_eq!(codes(&report), ["supervisor-changed fx fx_sup"]);
    }

    #[test]
    fn check_names_the_module_whose_instruction_was_removed() {
        let r2 = copy_tree(&fixtures().join("r2"), "drop");
        let appup = r2.join("lib/fx-1.1.0/ebin/fx.appup");
        let text = std::fs::read_to_string(&appup).unwrap();
        // Drop the first {load_module,fx_lib,[]} (the upgrade's; another
        // instruction follows it, so the comma goes with it).
        let line = "    {load_module,fx_lib,[]},\n";
        let cut = text.replacen(line, "", 1);
        assert_eq!(cut.len() + line.len(), text.len());
        std::fs::write(&appup, &cut).unwrap();
        let report = check(&check_args(r2.clone())).unwrap();
        assert!(report.has_errors());
        assert!(codes(&report).contains(&"module-not-covered fx fx_lib".to_string()));
        // A missing appup and a missing entry are reported too.
        std::fs::write(
            &appup,
            "{\"1.1.0\", [{\"0.9\", []}], [{\"1.0.0\", [restart_emulator]}]}.",
        )
        .unwrap();
        std::fs::remove_file(r2.join("lib/fy-1.0.1/ebin/fy.appup")).unwrap();
        let report = check(&check_args(r2.clone())).unwrap();
        assert_eq!(
            codes(&report),
            ["no-matching-entry fx -", "missing-appup fy -"],
            "{:?}",
            report.findings
        );
        std::fs::remove_dir_all(&r2).unwrap();
    }
}
