//! `erlrel appup generate` and `erlrel appup check`: appups written from two
//! releases, and a completeness gate for CI.
//!
//! Both compare an old and a new release (folders or tarballs, read by
//! `relup::input`). For every application whose version changed, modules
//! are classified from the `.app` module lists and the compiled code:
//! added, removed, or changed, where "changed" means a different
//! `beam_lib:md5/1` (the code, not the file's date or compile options).
//! Applications added to or removed from the release are left to the relup
//! (`add_application`/`remove_application`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use appup::Direction;
use beamfile::Beam;
use erlterm::Term;
use relup::input::{library_from_dirs, Tree};
use relup::{Application, LoadedRelease, ReleaseInput};

/// Behaviours whose processes keep state across a code change: their
/// modules are updated with `{advanced, []}` (suspend, `code_change`, resume).
const STATEFUL: [&str; 5] = [
    "gen_server",
    "gen_statem",
    "gen_fsm",
    "gen_event",
    "supervisor_bridge",
];

/// Arguments of `erlrel appup generate`.
#[derive(clap::Args, Debug)]
pub struct GenerateArgs {
    /// The old release: a release folder, a `.rel` file or a tarball.
    #[arg(long, value_name = "OLD")]
    from: PathBuf,
    /// The new release.
    #[arg(long, value_name = "NEW")]
    to: PathBuf,
    /// Only these applications (repeatable); default: every application
    /// whose version changed.
    #[arg(long = "app", value_name = "APP")]
    apps: Vec<String>,
    /// Write `DIR/APP.appup` files instead of printing to stdout.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    out: Option<PathBuf>,
    /// Extra library folders searched for applications (`DIR/*/ebin`).
    #[arg(long = "lib", value_name = "DIR")]
    libs: Vec<PathBuf>,
}

/// Arguments of `erlrel appup check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// The old release: a release folder, a `.rel` file or a tarball.
    #[arg(long, value_name = "OLD")]
    from: PathBuf,
    /// The new release, whose `ebin` folders hold the appups checked.
    #[arg(long, value_name = "NEW")]
    to: PathBuf,
    /// Extra library folders searched for applications (`DIR/*/ebin`).
    #[arg(long = "lib", value_name = "DIR")]
    libs: Vec<PathBuf>,
}

/// How one module differs between the two versions of an application.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Change {
    Added,
    Removed,
    /// Different code; `how` is the instruction chosen, `why` says why.
    Changed {
        kind: UpdateKind,
        why: String,
        deps: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum UpdateKind {
    Supervisor,
    Advanced,
    LoadModule,
}

/// The differences of one application between the releases.
#[derive(Clone, Debug)]
struct AppDiff {
    name: String,
    old_vsn: String,
    new_vsn: String,
    /// Modules in instruction order, with their change.
    modules: Vec<(String, Change)>,
}

/// A release, loaded, with the tree its own files are read from.
struct Side {
    loaded: LoadedRelease,
    tree: Arc<Tree>,
}

impl Side {
    fn open(path: &Path, libs: &[PathBuf]) -> Result<Side, String> {
        let input = ReleaseInput::open(path).map_err(|e| e.to_string())?;
        let loaded =
            LoadedRelease::load(&input, &library_from_dirs(libs)).map_err(|e| e.to_string())?;
        Ok(Side {
            loaded,
            tree: Arc::clone(&input.tree),
        })
    }

    fn app(&self, name: &str) -> Option<&Application> {
        self.loaded.apps.iter().find(|a| a.name == name)
    }

    /// Reads `ebin/M.beam` of `app`: from the release's own tree, or from
    /// disk when the application came from a `--lib` folder.
    fn beam(&self, app: &Application, module: &str) -> Result<Beam, String> {
        let path = if app.dir.ends_with('/') {
            format!("{}{module}.beam", app.dir)
        } else {
            format!("{}/{module}.beam", app.dir)
        };
        let bytes = self
            .tree
            .read(&path)
            .or_else(|| std::fs::read(&path).ok())
            .ok_or_else(|| format!("{}: cannot read", self.tree.display(&path)))?;
        Beam::parse(&bytes).map_err(|e| format!("{}: {e}", self.tree.display(&path)))
    }
}

/// Compares every application present in both releases with a new version.
fn diff_releases(old: &Side, new: &Side, only: &[String]) -> Result<Vec<AppDiff>, String> {
    for name in only {
        if new.app(name).is_none() {
            return Err(format!("application {name} is not in the new release"));
        }
    }
    let mut diffs = Vec::new();
    for app in &new.loaded.apps {
        if !only.is_empty() && !only.contains(&app.name) {
            continue;
        }
        let Some(old_app) = old.app(&app.name) else {
            continue; // added to the release: the relup adds it
        };
        if old_app.vsn == app.vsn {
            continue;
        }
        diffs.push(diff_app(old, old_app, new, app)?);
    }
    Ok(diffs)
}

fn diff_app(
    old: &Side,
    old_app: &Application,
    new: &Side,
    app: &Application,
) -> Result<AppDiff, String> {
    let old_mods: BTreeSet<&str> = old_app.modules.iter().map(String::as_str).collect();
    let new_mods: BTreeSet<&str> = app.modules.iter().map(String::as_str).collect();
    // Changed modules first (their dependencies are among them).
    let mut changed: Vec<(String, Beam)> = Vec::new();
    for m in &app.modules {
        if !old_mods.contains(m.as_str()) {
            continue;
        }
        let new_beam = new.beam(app, m)?;
        let old_beam = old.beam(old_app, m)?;
        let (a, b) = (new_beam.md5(), old_beam.md5());
        let differs = match (a, b) {
            (Ok(a), Ok(b)) => a != b,
            (Err(e), _) | (_, Err(e)) => return Err(format!("{}: {m}: {e}", app.name)),
        };
        if differs {
            changed.push((m.clone(), new_beam));
        }
    }
    let changed_names: BTreeSet<&str> = changed.iter().map(|(m, _)| m.as_str()).collect();
    let mut modules = Vec::new();
    for m in &app.modules {
        if !old_mods.contains(m.as_str()) {
            modules.push((m.clone(), Change::Added));
        }
    }
    for (m, beam) in &changed {
        let behaviours = beam
            .behaviours()
            .map_err(|e| format!("{}: {m}: {e}", app.name))?;
        let deps: Vec<String> = beam
            .imported_modules()
            .map_err(|e| format!("{}: {m}: {e}", app.name))?
            .into_iter()
            .filter(|d| d != m && changed_names.contains(d.as_str()))
            .collect();
        let (kind, why) = if behaviours.iter().any(|b| b == "supervisor") {
            (
                UpdateKind::Supervisor,
                "supervisor -> update as supervisor".into(),
            )
        } else if let Some(b) = behaviours.iter().find(|b| STATEFUL.contains(&b.as_str())) {
            (UpdateKind::Advanced, format!("{b} -> update with advanced"))
        } else if behaviours.is_empty() {
            (
                UpdateKind::LoadModule,
                "no process behaviour -> load_module".into(),
            )
        } else {
            (
                UpdateKind::LoadModule,
                format!(
                    "{} -> load_module (no process state)",
                    behaviours.join(", ")
                ),
            )
        };
        modules.push((m.clone(), Change::Changed { kind, why, deps }));
    }
    for m in &old_app.modules {
        if !new_mods.contains(m.as_str()) {
            modules.push((m.clone(), Change::Removed));
        }
    }
    Ok(AppDiff {
        name: app.name.clone(),
        old_vsn: old_app.vsn.clone(),
        new_vsn: app.vsn.clone(),
        modules,
    })
}

fn atom(name: &str) -> String {
    Term::atom(name).to_string()
}

fn string_lit(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The instruction for `module` in one direction, and its comment.
fn instruction(module: &str, change: &Change, dir: Direction) -> (String, String) {
    let m = atom(module);
    match (change, dir) {
        (Change::Added, Direction::Up) | (Change::Removed, Direction::Down) => (
            format!("{{add_module,{m}}}"),
            format!(
                "{module}: {} -> add_module",
                if dir == Direction::Up {
                    "added"
                } else {
                    "removed in the new version"
                }
            ),
        ),
        (Change::Added, Direction::Down) | (Change::Removed, Direction::Up) => (
            format!("{{delete_module,{m}}}"),
            format!(
                "{module}: {} -> delete_module",
                if dir == Direction::Up {
                    "removed"
                } else {
                    "added in the new version"
                }
            ),
        ),
        (Change::Changed { kind, why, deps }, _) => {
            let deps_text = format!(
                "[{}]",
                deps.iter().map(|d| atom(d)).collect::<Vec<_>>().join(",")
            );
            let instr = match kind {
                // `{update, M, supervisor, Deps}` is not a valid form: with
                // dependencies, the full form `supervisor` expands to.
                UpdateKind::Supervisor if deps.is_empty() => format!("{{update,{m},supervisor}}"),
                UpdateKind::Supervisor => format!(
                    "{{update,{m},static,default,{{advanced,[]}},brutal_purge,brutal_purge,{deps_text}}}"
                ),
                UpdateKind::Advanced => format!("{{update,{m},{{advanced,[]}},{deps_text}}}"),
                UpdateKind::LoadModule => format!("{{load_module,{m},{deps_text}}}"),
            };
            let dep_note = if deps.is_empty() {
                String::new()
            } else {
                format!("; calls changed {}", deps.join(", "))
            };
            (instr, format!("{module}: {why}{dep_note}"))
        }
    }
}

fn instruction_list(diff: &AppDiff, dir: Direction, indent: &str) -> String {
    let mut ordered: Vec<&(String, Change)> = diff.modules.iter().collect();
    if dir == Direction::Down {
        // Removed modules come back first; added ones go last.
        ordered.sort_by_key(|(_, c)| match c {
            Change::Removed => 0,
            Change::Changed { .. } => 1,
            Change::Added => 2,
        });
    }
    if ordered.is_empty() {
        return "[]".into();
    }
    let mut out = String::from("[\n");
    for (i, (m, c)) in ordered.iter().enumerate() {
        let (instr, comment) = instruction(m, c, dir);
        let sep = if i + 1 < ordered.len() { "," } else { "" };
        out.push_str(&format!("{indent} %% {comment}\n{indent} {instr}{sep}\n"));
    }
    out.push_str(indent);
    out.push(']');
    out
}

/// The text of the appup file for one application.
fn appup_text(diff: &AppDiff) -> String {
    let old = string_lit(&diff.old_vsn);
    let indent = "   ";
    format!(
        "%% {app}.appup: {from} -> {to}, written by erlrel appup generate.\n\
         %% Modules compared by beam_lib:md5/1; update kinds from -behaviour.\n\
         {{{new},\n [{{{old},\n   {up}}}],\n [{{{old},\n   {down}}}]}}.\n",
        app = diff.name,
        from = diff.old_vsn,
        to = diff.new_vsn,
        new = string_lit(&diff.new_vsn),
        up = instruction_list(diff, Direction::Up, indent),
        down = instruction_list(diff, Direction::Down, indent),
    )
}

fn generate(args: &GenerateArgs) -> Result<Vec<(String, String)>, String> {
    let old = Side::open(&args.from, &args.libs)?;
    let new = Side::open(&args.to, &args.libs)?;
    let diffs = diff_releases(&old, &new, &args.apps)?;
    Ok(diffs
        .iter()
        .map(|d| (d.name.clone(), appup_text(d)))
        .collect())
}

/// Runs `erlrel appup generate`.
pub fn run_generate(args: &GenerateArgs) -> ExitCode {
    let appups = match generate(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match &args.out {
        Some(dir) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("error: {}: {e}", dir.display());
                return ExitCode::from(2);
            }
            for (app, text) in &appups {
                let path = dir.join(format!("{app}.appup"));
                if let Err(e) = std::fs::write(&path, text) {
                    eprintln!("error: {}: {e}", path.display());
                    return ExitCode::from(2);
                }
                eprintln!("wrote {}", path.display());
            }
        }
        None => {
            use std::io::Write;
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            for (i, (_, text)) in appups.iter().enumerate() {
                let sep = if i > 0 { "\n" } else { "" };
                if write!(out, "{sep}{text}").is_err() {
                    return ExitCode::SUCCESS;
                }
            }
        }
    }
    if appups.is_empty() {
        eprintln!("no application changed version");
    }
    ExitCode::SUCCESS
}

/// Modules an instruction loads or removes; `None` means every module of
/// `app` (application restart, emulator restart).
fn covered(instr: &Term, app: &str) -> Option<Vec<String>> {
    if let Some(a) = instr.as_atom() {
        return match a {
            "restart_new_emulator" | "restart_emulator" => None,
            _ => Some(Vec::new()),
        };
    }
    let Some(items) = instr.as_tuple() else {
        return Some(Vec::new());
    };
    let atom_at = |i: usize| items.get(i).and_then(Term::as_atom).map(str::to_owned);
    match items.first().and_then(Term::as_atom) {
        Some("add_module" | "delete_module" | "load_module" | "update") => {
            Some(atom_at(1).into_iter().collect())
        }
        Some("restart_application" | "add_application" | "remove_application")
            if atom_at(1).as_deref() == Some(app) =>
        {
            None
        }
        Some("load" | "remove") => Some(
            items
                .get(1)
                .and_then(Term::as_tuple)
                .and_then(|t| t.first())
                .and_then(Term::as_atom)
                .map(str::to_owned)
                .into_iter()
                .collect(),
        ),
        Some("purge") => Some(
            items
                .get(1)
                .and_then(Term::to_list)
                .unwrap_or_default()
                .iter()
                .filter_map(|t| t.as_atom().map(str::to_owned))
                .collect(),
        ),
        _ => Some(Vec::new()),
    }
}

/// The problems `erlrel appup check` reports, one line each.
fn check(args: &CheckArgs) -> Result<Vec<String>, String> {
    let old = Side::open(&args.from, &args.libs)?;
    let new = Side::open(&args.to, &args.libs)?;
    let diffs = diff_releases(&old, &new, &[])?;
    let mut problems = Vec::new();
    for diff in &diffs {
        let Some(app) = new.app(&diff.name) else {
            continue;
        };
        let path = new.loaded.appup_path(app);
        let term = match new.loaded.read_appup(app) {
            Ok(t) => t,
            Err(e) => {
                problems.push(format!(
                    "{}: {} -> {}: no usable appup: {e}",
                    diff.name, diff.old_vsn, diff.new_vsn
                ));
                continue;
            }
        };
        for dir in [Direction::Up, Direction::Down] {
            let (list, word) = match dir {
                Direction::Up => ("UpFrom", "upgrade"),
                Direction::Down => ("DownTo", "downgrade"),
            };
            let instrs = match appup::find_instructions(&term, &diff.old_vsn, dir) {
                Ok(Some(i)) => i,
                Ok(None) => {
                    problems.push(format!(
                        "{}: {path}: no {list} entry matches {} ({word} fails with no_relup)",
                        diff.name, diff.old_vsn
                    ));
                    continue;
                }
                Err(e) => {
                    problems.push(format!("{}: {path}: {list}: {e}", diff.name));
                    continue;
                }
            };
            let mut names: BTreeSet<String> = BTreeSet::new();
            let mut all = false;
            for i in &instrs {
                match covered(i, &diff.name) {
                    Some(ms) => names.extend(ms),
                    None => all = true,
                }
            }
            if all {
                continue;
            }
            for (m, change) in &diff.modules {
                if !names.contains(m) {
                    let what = match change {
                        Change::Added => "added",
                        Change::Removed => "removed",
                        Change::Changed { .. } => "changed",
                    };
                    problems.push(format!(
                        "{}: module {m} ({what}) is not covered by the {word} from {} in {path}",
                        diff.name, diff.old_vsn
                    ));
                }
            }
        }
    }
    Ok(problems)
}

/// Runs `erlrel appup check`: exit 0 when every application whose version
/// changed has a complete appup, 1 with a report otherwise, 2 on errors.
pub fn run_check(args: &CheckArgs) -> ExitCode {
    match check(args) {
        Ok(problems) if problems.is_empty() => {
            println!("appups complete");
            ExitCode::SUCCESS
        }
        Ok(problems) => {
            for p in &problems {
                println!("{p}");
            }
            println!("{} problem(s)", problems.len());
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

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
            from: fixtures().join("r1"),
            to,
            libs: vec![],
        }
    }

    #[test]
    fn generated_appups_equal_the_committed_ones() {
        let args = GenerateArgs {
            from: fixtures().join("r1"),
            to: fixtures().join("r2"),
            apps: vec![],
            out: None,
            libs: vec![],
        };
        let out = generate(&args).unwrap();
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
    fn choices_follow_behaviours_md5_and_imports() {
        let old = Side::open(&fixtures().join("r1"), &[]).unwrap();
        let new = Side::open(&fixtures().join("r2"), &[]).unwrap();
        let diffs = diff_releases(&old, &new, &["fx".into()]).unwrap();
        let fx = &diffs[0];
        let get = |m: &str| {
            fx.modules
                .iter()
                .find(|(n, _)| n == m)
                .map(|(_, c)| c.clone())
        };
        assert_eq!(get("fx_new"), Some(Change::Added));
        assert_eq!(get("fx_old"), Some(Change::Removed));
        // Recompiled but the same code: not listed. gen_event handler unchanged.
        assert_eq!(get("fx_stable"), None);
        assert_eq!(get("fx_handler"), None);
        assert_eq!(get("fx_app"), None);
        let Some(Change::Changed { kind, deps, .. }) = get("fx_server") else {
            panic!("fx_server not changed")
        };
        assert_eq!(kind, UpdateKind::Advanced);
        // fx_new is imported too, but it is added, not changed.
        assert_eq!(deps, ["fx_lib"]);
        let Some(Change::Changed { kind, .. }) = get("fx_fsm") else {
            panic!("fx_fsm not changed")
        };
        assert_eq!(kind, UpdateKind::Advanced, "-behavior spelling");
        let Some(Change::Changed { kind, deps, .. }) = get("fx_sup") else {
            panic!("fx_sup not changed")
        };
        assert_eq!((kind, deps.len()), (UpdateKind::Supervisor, 0));
        let Some(Change::Changed { kind, .. }) = get("fx_lib") else {
            panic!("fx_lib not changed")
        };
        assert_eq!(kind, UpdateKind::LoadModule);
    }

    #[test]
    fn check_passes_on_the_fixture_releases() {
        assert_eq!(
            check(&check_args(fixtures().join("r2"))).unwrap(),
            Vec::<String>::new()
        );
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
        assert!(erlterm::parse_str(&cut).is_ok(), "{cut}");
        let problems = check(&check_args(r2.clone())).unwrap();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("fx: module fx_lib (changed) is not covered by the upgrade")
        );
        // A missing appup and a missing entry are reported too.
        std::fs::write(
            &appup,
            "{\"1.1.0\", [{\"0.9\", []}], [{\"1.0.0\", [restart_emulator]}]}.",
        )
        .unwrap();
        std::fs::remove_file(r2.join("lib/fy-1.0.1/ebin/fy.appup")).unwrap();
        let problems = check(&check_args(r2.clone())).unwrap();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].starts_with("fx: ")
                && problems[0].contains("no UpFrom entry matches 1.0.0")
        );
        assert!(problems[1].starts_with("fy: 1.0.0 -> 1.0.1: no usable appup"));
        std::fs::remove_dir_all(&r2).unwrap();
    }

    #[test]
    fn coverage_of_instructions() {
        let t = |s: &str| erlterm::parse_str(&format!("{s}.")).unwrap().remove(0);
        assert_eq!(
            covered(&t("{update,m,{advanced,[]},[a]}"), "x"),
            Some(vec!["m".into()])
        );
        assert_eq!(
            covered(&t("{load,{m,brutal_purge,brutal_purge}}"), "x"),
            Some(vec!["m".into()])
        );
        assert_eq!(
            covered(&t("{purge,[a,b]}"), "x"),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(covered(&t("{restart_application,x}"), "x"), None);
        assert_eq!(covered(&t("{restart_application,y}"), "x"), Some(vec![]));
        assert_eq!(covered(&t("{apply,{m,f,[]}}"), "x"), Some(vec![]));
        assert_eq!(covered(&t("restart_new_emulator"), "x"), None);
    }
}
