//! Whether a release can be hot-upgraded from older ones, and why not:
//! the whole upgrade compared before deploying it.
//!
//! [`check_upgrade`] compares each old release with the new one — every
//! application's version and compiled code, its appup, the relup, the
//! runtime version and the files `release_handler` needs — and returns one
//! [`Finding`] per problem, each with a [`Code`], the application and
//! module it is about, and a hint. [`check_appups`] is the appup part
//! alone.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use appup::Direction;
use erlterm::Term;

use crate::diff::{diff_releases, AppDiff, ModuleChange, ReleaseDiff};
use crate::error::Error;
use crate::generate::{make_relup, BaseRelease, Options};
use crate::input::tree::join;
use crate::input::ReleaseFiles;
use crate::relup::{Relup, RelupEntry};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// The upgrade will fail or silently not do what the release says.
    Error,
    /// The upgrade works, but maybe not as intended.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($variant:ident $name:literal $severity:ident $explain:literal;)*) => {
        /// What a finding is about. Each code has one severity.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $(#[doc = $explain] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the documentation.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code's name, as printed (`unbumped-version`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// Its severity.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One sentence saying what the code means.
            pub fn explain(self) -> &'static str {
                match self { $(Code::$variant => $explain,)* }
            }
        }
    };
}

codes! {
    UnbumpedVersion "unbumped-version" Error
        "An application's code (a .beam) differs but its version is the same: release_handler loads nothing for it.";
    MissingAppup "missing-appup" Error
        "An application whose version changed has no usable .appup in the new release.";
    NoMatchingEntry "no-matching-entry" Error
        "The appup has no up (or down) entry matching the old version, by OTP's matching rules.";
    ModuleNotCovered "module-not-covered" Error
        "A module added, removed or changed is not named by the matching appup entry (or relup script).";
    UnknownModule "unknown-module" Error
        "An instruction names a module that neither version of the application has.";
    InvalidAppup "invalid-appup" Error
        "systools:make_relup refuses the appup entry (an instruction it cannot translate).";
    UnchangedModule "unchanged-module" Warning
        "An instruction loads a module whose code did not change.";
    ProcessWithoutCodeChange "process-without-code-change" Warning
        "A changed gen_server/gen_statem/gen_event/gen_fsm/supervisor_bridge module is loaded with load_module: code_change never runs.";
    SupervisorChanged "supervisor-changed" Warning
        "A changed supervisor is updated with {update, Sup, supervisor}, which neither starts new children nor stops removed ones.";
    StaleAppupVersion "stale-appup-version" Warning
        "The appup's own version differs from the application's version.";
    MissingRelup "missing-relup" Error
        "The new release has no releases/VSN/relup, or it lacks an up or down entry for an old release.";
    StaleRelup "stale-relup" Error
        "The relup differs from what systools:make_relup generates from these releases and appups.";
    EmulatorRestart "emulator-restart" Warning
        "The ERTS version changes or the relup restarts the emulator: the upgrade is not hot.";
    ReleaseLayout "release-layout" Error
        "The new release lacks a file or folder release_handler:unpack_release or install_release needs.";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem of an upgrade.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What it is.
    pub code: Code,
    /// The old release version it concerns, if one.
    pub from: Option<String>,
    /// The application, if one.
    pub app: Option<String>,
    /// The module, if one.
    pub module: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

impl Finding {
    fn new(code: Code, message: impl Into<String>) -> Finding {
        Finding {
            code,
            from: None,
            app: None,
            module: None,
            message: message.into(),
            hint: None,
        }
    }

    fn from(mut self, vsn: &str) -> Finding {
        self.from = Some(vsn.to_owned());
        self
    }

    fn app(mut self, app: &str) -> Finding {
        self.app = Some(app.to_owned());
        self
    }

    fn module(mut self, module: &str) -> Finding {
        self.module = Some(module.to_owned());
        self
    }

    fn hint(mut self, hint: impl Into<String>) -> Finding {
        self.hint = Some(hint.into());
        self
    }

    /// The finding's severity (its code's).
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

impl fmt::Display for Finding {
    /// `error[CODE]: APP: MODULE: message`, as the CLI prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: ", self.severity().as_str(), self.code)?;
        if let Some(app) = &self.app {
            write!(f, "{app}: ")?;
        }
        if let Some(m) = &self.module {
            write!(f, "{m}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// The outcome of a check: findings, and notes on what was not checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// Problems, in the order found (per old release, per application).
    pub findings: Vec<Finding>,
    /// What was skipped and why.
    pub notes: Vec<String>,
}

impl Report {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity() == Severity::Error)
    }

    /// Whether any finding is a warning.
    pub fn has_warnings(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity() == Severity::Warning)
    }
}

/// Checks the upgrade from each of `olds` to `new` (and the downgrade
/// back): versions against code, appups, the relup, the runtime version
/// and the release layout.
///
/// Errors are returned only when a release cannot be read (a `.beam` that
/// is not one, for example); everything wrong with the upgrade itself is a
/// finding.
///
/// ```
/// let fx = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures");
/// let lib = relup::Library::new();
/// let old = relup::ReleaseFiles::open(&fx.join("r1"), &lib).unwrap();
/// let new = relup::ReleaseFiles::open(&fx.join("r2"), &lib).unwrap();
/// let report = relup::upgrade::check_upgrade(&[old], &new).unwrap();
/// // The fixture has appups but no relup:
/// assert!(report.findings.iter().any(|f| f.code == relup::upgrade::Code::MissingRelup));
/// ```
pub fn check_upgrade(olds: &[ReleaseFiles], new: &ReleaseFiles) -> Result<Report, Error> {
    let mut report = Report::default();
    check_layout(new, olds, &mut report);
    let relup = read_relup(new, &mut report);
    for old in olds {
        if old.vsn() == new.vsn() {
            report.findings.push(
                Finding::new(
                    Code::UnbumpedVersion,
                    format!("the old and the new release are both version {}", new.vsn()),
                )
                .from(old.vsn())
                .hint("give the new release a new version (erlrel vsn bump patch)"),
            );
            continue;
        }
        let diff = diff_releases(old, new)?;
        for app in &diff.apps {
            if !app.code_compared {
                report.notes.push(format!(
                    "{}: no .beam files in either release: code not compared",
                    app.name
                ));
            }
        }
        let uncovered = check_appups_of(old, new, &diff, &mut report);
        check_relup_entry(old, new, &diff, relup.as_ref(), &uncovered, &mut report);
    }
    Ok(report)
}

/// The appup part of [`check_upgrade`] for one old release: every
/// application whose version or code changed has an appup whose entries
/// for the old version cover every changed, added and removed module.
///
/// ```
/// let fx = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures");
/// let lib = relup::Library::new();
/// let old = relup::ReleaseFiles::open(&fx.join("r1"), &lib).unwrap();
/// let new = relup::ReleaseFiles::open(&fx.join("r2"), &lib).unwrap();
/// let report = relup::upgrade::check_appups(&old, &new).unwrap();
/// for finding in &report.findings {
///     println!("{finding}");
/// }
/// ```
pub fn check_appups(old: &ReleaseFiles, new: &ReleaseFiles) -> Result<Report, Error> {
    let mut report = Report::default();
    let diff = diff_releases(old, new)?;
    let left = check_appups_of(old, new, &diff, &mut report);
    for app in left {
        report.findings.push(missing_appup(&diff, &app, new));
    }
    Ok(report)
}

/// Applications of a tarball whose appup is absent: checked against the
/// relup instead (systools:make_tar leaves appups out).
type ViaRelup = Vec<String>;

fn check_appups_of(
    old: &ReleaseFiles,
    new: &ReleaseFiles,
    diff: &ReleaseDiff,
    report: &mut Report,
) -> ViaRelup {
    let mut via_relup = Vec::new();
    for d in &diff.apps {
        if !d.version_changed() {
            let changed: Vec<&str> = d.modules.iter().map(|(m, _)| m.as_str()).collect();
            report.findings.push(
                Finding::new(
                    Code::UnbumpedVersion,
                    format!(
                        "code differs from release {} but the version is still {}: {} {}",
                        old.vsn(),
                        d.new_vsn,
                        if changed.len() == 1 {
                            "module"
                        } else {
                            "modules"
                        },
                        changed.join(", ")
                    ),
                )
                .from(old.vsn())
                .app(&d.name)
                .hint(format!(
                    "bump {}'s vsn in its .app.src and write an appup entry for {}",
                    d.name, d.old_vsn
                )),
            );
            continue;
        }
        let Some(app) = new.app(&d.name) else {
            continue;
        };
        if !new.has_appup(app) {
            if new.is_tarball() {
                via_relup.push(d.name.clone());
            } else {
                report.findings.push(missing_appup(diff, &d.name, new));
            }
            continue;
        }
        let term = match new.loaded.appup(app) {
            Ok(t) => t,
            Err(e) => {
                report.findings.push(
                    Finding::new(Code::MissingAppup, format!("no usable appup: {e}"))
                        .from(old.vsn())
                        .app(&d.name)
                        .hint("fix the appup file, or regenerate it: erlrel appup generate"),
                );
                continue;
            }
        };
        let modules = ModuleSets::of(old, new, d);
        check_one_appup(
            d,
            &term,
            &modules,
            &new.loaded.appup_path(app),
            old.vsn(),
            report,
        );
    }
    via_relup
}

fn missing_appup(diff: &ReleaseDiff, app: &str, new: &ReleaseFiles) -> Finding {
    let (old_vsn, new_vsn) = diff
        .app(app)
        .map(|d| (d.old_vsn.as_str(), d.new_vsn.as_str()))
        .unwrap_or_default();
    let path = new
        .app(app)
        .map(|a| new.loaded.appup_path(a))
        .unwrap_or_default();
    Finding::new(
        Code::MissingAppup,
        format!("version changed ({old_vsn} -> {new_vsn}) but there is no {path}"),
    )
    .from(&diff.from_vsn)
    .app(app)
    .hint(format!(
        "write one, or generate it: erlrel appup generate --from OLD --to NEW --app {app}"
    ))
}

/// The modules of both versions of an application.
struct ModuleSets {
    known: BTreeSet<String>,
}

impl ModuleSets {
    fn of(old: &ReleaseFiles, new: &ReleaseFiles, d: &AppDiff) -> ModuleSets {
        let mut known = BTreeSet::new();
        for (rel, name) in [(old, &d.name), (new, &d.name)] {
            if let Some(app) = rel.app(name) {
                known.extend(app.modules.iter().cloned());
                known.extend(rel.beam_modules(app));
            }
        }
        ModuleSets { known }
    }
}

/// How an instruction treats a module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Use {
    /// `load_module`, or low-level `load` without `code_change`.
    LoadModule,
    /// `update` with `supervisor` as its change.
    UpdateSupervisor,
    /// Any other `update`.
    Update,
    /// `add_module`/`delete_module`, `remove`, `purge`.
    AddOrRemove,
    /// Low-level `load` (after `load_object_code`).
    Load,
    /// Named as a dependency (`DepMods`): ordering only, loads nothing.
    Dep,
    /// Named by suspend/resume/stop/start/code_change: loads nothing.
    Other,
}

impl Use {
    /// Whether this use loads or removes the module's code.
    fn covers(self) -> bool {
        !matches!(self, Use::Dep | Use::Other)
    }
}

/// What one entry's instructions do.
#[derive(Default)]
struct Coverage {
    /// Modules named, with how.
    named: BTreeMap<String, Vec<Use>>,
    /// The whole application (or emulator) is restarted: all covered.
    restarts_all: bool,
    /// `{apply, {supervisor, _, _}}`: children started or stopped by hand.
    supervisor_apply: bool,
    /// Modules whose `code_change` runs (relup scripts).
    code_change: BTreeSet<String>,
}

impl Coverage {
    fn name(&mut self, module: Option<&Term>, how: Use) {
        if let Some(m) = module.and_then(Term::as_atom) {
            self.named.entry(m.to_owned()).or_default().push(how);
        }
    }

    fn names(&mut self, list: Option<&Term>, how: Use) {
        for t in list.and_then(Term::to_list).unwrap_or_default() {
            // `{Mod, Extra}` (code_change) and `{Mod, Timeout}` (suspend)
            let m = t.as_tuple().and_then(|t| t.first()).unwrap_or(&t);
            self.name(Some(m), how);
        }
    }

    /// Reads an instruction of an appup or a relup script for `app`.
    fn add(&mut self, instr: &Term, app: &str) {
        if let Some(a) = instr.as_atom() {
            if matches!(a, "restart_new_emulator" | "restart_emulator") {
                self.restarts_all = true;
            }
            return;
        }
        let Some(items) = instr.as_tuple() else {
            return;
        };
        let tag = items.first().and_then(Term::as_atom).unwrap_or("");
        let at = |i: usize| items.get(i);
        match tag {
            "load_module" => {
                self.name(at(1), Use::LoadModule);
                self.names(items.last().filter(|_| items.len() > 2), Use::Dep);
            }
            "update" => {
                let how = if items.len() == 3 && at(2).and_then(Term::as_atom) == Some("supervisor")
                {
                    Use::UpdateSupervisor
                } else {
                    Use::Update
                };
                self.name(at(1), how);
                if items.len() > 3 {
                    self.names(items.last(), Use::Dep);
                }
            }
            "add_module" | "delete_module" => {
                self.name(at(1), Use::AddOrRemove);
                if items.len() > 2 {
                    self.names(items.last(), Use::Dep);
                }
            }
            "restart_application" | "remove_application" | "add_application"
                if at(1).and_then(Term::as_atom) == Some(app) =>
            {
                self.restarts_all = true;
            }
            "load_object_code" => {
                let spec = at(1).and_then(Term::as_tuple).unwrap_or_default();
                if spec.first().and_then(Term::as_atom) == Some(app) {
                    self.names(spec.get(2), Use::LoadModule);
                }
            }
            "load" | "remove" => {
                let m = at(1).and_then(Term::as_tuple).and_then(|t| t.first());
                let how = if tag == "load" {
                    Use::Load
                } else {
                    Use::AddOrRemove
                };
                self.name(m, how);
            }
            "purge" => self.names(at(1), Use::AddOrRemove),
            "suspend" | "resume" | "stop" | "start" => self.names(at(1), Use::Other),
            "code_change" => {
                let list = items.last();
                for t in list.and_then(Term::to_list).unwrap_or_default() {
                    let m = t.as_tuple().and_then(|t| t.first()).and_then(Term::as_atom);
                    if let Some(m) = m {
                        self.code_change.insert(m.to_owned());
                    }
                }
                self.names(list, Use::Other);
            }
            "apply" => {
                let mfa = at(1).and_then(Term::as_tuple).unwrap_or_default();
                let m = mfa.first().and_then(Term::as_atom);
                if m == Some("supervisor") {
                    self.supervisor_apply = true;
                }
                // a relup's restart_application: application:stop(App) ... start
                let args = mfa.get(2).and_then(Term::to_list).unwrap_or_default();
                if m == Some("application")
                    && args.first().and_then(Term::as_atom) == Some(app)
                    && mfa.get(1).and_then(Term::as_atom) == Some("stop")
                {
                    self.restarts_all = true;
                }
            }
            _ => {}
        }
    }

    fn uses(&self, module: &str) -> &[Use] {
        self.named.get(module).map_or(&[], Vec::as_slice)
    }
}

fn check_one_appup(
    d: &AppDiff,
    term: &Term,
    modules: &ModuleSets,
    path: &str,
    from: &str,
    report: &mut Report,
) {
    let f = |code: Code, msg: String| Finding::new(code, msg).from(from).app(&d.name);
    if let Some(vsn) = term
        .as_tuple()
        .and_then(|t| t.first())
        .and_then(Term::as_string)
    {
        if vsn != d.new_vsn {
            report.findings.push(
                f(
                    Code::StaleAppupVersion,
                    format!(
                        "{path} is for version {vsn}, the application is {}",
                        d.new_vsn
                    ),
                )
                .hint(format!(
                    "set the appup's first element to \"{}\"",
                    d.new_vsn
                )),
            );
        }
    }
    let mut warned: BTreeSet<(Code, String)> = BTreeSet::new();
    for dir in [Direction::Up, Direction::Down] {
        let (list, word) = match dir {
            Direction::Up => ("UpFrom", "upgrade"),
            Direction::Down => ("DownTo", "downgrade"),
        };
        let instrs = match appup::find_instructions(term, &d.old_vsn, dir) {
            Ok(Some(i)) => i,
            Ok(None) => {
                report.findings.push(
                    f(
                        Code::NoMatchingEntry,
                        format!(
                            "no {list} entry of {path} matches {} (the {word} fails: no_relup)",
                            d.old_vsn
                        ),
                    )
                    .hint(format!(
                        "add an entry {{\"{}\", [...]}} to the {list} list",
                        d.old_vsn
                    )),
                );
                continue;
            }
            Err(e) => {
                report
                    .findings
                    .push(f(Code::NoMatchingEntry, format!("{path}: {list}: {e}")));
                continue;
            }
        };
        let mut cov = Coverage::default();
        for i in &instrs {
            cov.add(i, &d.name);
        }
        check_coverage(d, &cov, modules, word, &mut warned, from, report);
    }
}

/// The module findings of one direction's instructions.
fn check_coverage(
    d: &AppDiff,
    cov: &Coverage,
    modules: &ModuleSets,
    word: &str,
    warned: &mut BTreeSet<(Code, String)>,
    from: &str,
    report: &mut Report,
) {
    let f = |code: Code, m: &str, msg: String| {
        Finding::new(code, msg).from(from).app(&d.name).module(m)
    };
    for m in cov.named.keys() {
        if !modules.known.contains(m) && warned.insert((Code::UnknownModule, m.clone())) {
            report.findings.push(
                f(
                    Code::UnknownModule,
                    m,
                    format!(
                        "the {word} from {} names module {m}, which neither {} {} nor {} has",
                        d.old_vsn, d.name, d.old_vsn, d.new_vsn
                    ),
                )
                .hint("fix the module name (systools:make_relup fails on it)"),
            );
        }
    }
    if !cov.restarts_all {
        for (m, change) in &d.modules {
            if !cov.uses(m).iter().any(|u| u.covers()) {
                report.findings.push(
                    f(
                        Code::ModuleNotCovered,
                        m,
                        format!(
                            "{} module is not in the {word} from {}",
                            change.word(),
                            d.old_vsn
                        ),
                    )
                    .hint(match change {
                        ModuleChange::Added if word == "upgrade" => {
                            format!("add {{add_module, {m}}}")
                        }
                        ModuleChange::Added => format!("add {{delete_module, {m}}}"),
                        ModuleChange::Removed if word == "upgrade" => {
                            format!("add {{delete_module, {m}}}")
                        }
                        ModuleChange::Removed => format!("add {{add_module, {m}}}"),
                        _ => format!("add {{load_module, {m}}} or {{update, {m}, ...}}"),
                    }),
                );
            }
        }
    }
    let loads = |m: &str| {
        cov.uses(m).iter().any(|u| {
            matches!(
                u,
                Use::LoadModule | Use::Update | Use::UpdateSupervisor | Use::Load
            )
        })
    };
    if d.code_compared {
        for m in &d.unchanged {
            if loads(m) && warned.insert((Code::UnchangedModule, m.clone())) {
                report.findings.push(
                    f(
                        Code::UnchangedModule,
                        m,
                        format!(
                            "the {word} from {} loads it, but its code is the same in both versions",
                            d.old_vsn
                        ),
                    )
                    .hint("drop the instruction (or check that the change was compiled)"),
                );
            }
        }
    }
    for (m, change) in &d.modules {
        let ModuleChange::Changed(c) = change else {
            continue;
        };
        let uses = cov.uses(m);
        let by_load = uses.contains(&Use::LoadModule)
            && !uses
                .iter()
                .any(|u| matches!(u, Use::Update | Use::UpdateSupervisor))
            && !cov.code_change.contains(m);
        if c.is_process() && by_load && warned.insert((Code::ProcessWithoutCodeChange, m.clone())) {
            let b = c.behaviours.join(", ");
            report.findings.push(
                f(
                    Code::ProcessWithoutCodeChange,
                    m,
                    format!(
                        "a {b} is loaded with load_module in the {word} from {}: its processes are not suspended and code_change never runs",
                        d.old_vsn
                    ),
                )
                .hint(format!("use {{update, {m}, {{advanced, []}}}}")),
            );
        }
        if c.is_supervisor()
            && uses.contains(&Use::UpdateSupervisor)
            && !cov.supervisor_apply
            && word == "upgrade"
            && warned.insert((Code::SupervisorChanged, m.clone()))
        {
            report.findings.push(
                f(
                    Code::SupervisorChanged,
                    m,
                    format!(
                        "{{update, {m}, supervisor}} in the {word} from {} changes child specs but neither starts new children nor stops removed ones",
                        d.old_vsn
                    ),
                )
                .hint(format!(
                    "after the update, add {{apply, {{supervisor, restart_child, [{m}, ChildId]}}}} for new children (terminate_child/delete_child for removed ones)"
                )),
            );
        }
    }
}

/// NEW's relup, or a finding saying why there is none.
fn read_relup(new: &ReleaseFiles, report: &mut Report) -> Option<Relup> {
    let path = new
        .release_file_path("relup")
        .map(|p| new.tree().display(&p))
        .unwrap_or_else(|| format!("releases/{}/relup", new.vsn()));
    match new.relup() {
        None => {
            report.findings.push(
                Finding::new(
                    Code::MissingRelup,
                    format!(
                        "there is no {path}: release_handler cannot upgrade to {}",
                        new.vsn()
                    ),
                )
                .hint(
                    "generate it: erlrel relup --to NEW --from OLD -o RELEASE/releases/VSN/relup",
                ),
            );
            None
        }
        Some(Err(e)) => {
            report.findings.push(Finding::new(
                Code::MissingRelup,
                format!("unreadable relup: {e}"),
            ));
            None
        }
        Some(Ok(term)) => match Relup::from_term(&term) {
            Some(r) => Some(r),
            None => {
                report.findings.push(Finding::new(
                    Code::MissingRelup,
                    format!("{path} is not {{Vsn, [{{UpFrom, Descr, Instrs}}], [{{DownTo, Descr, Instrs}}]}}"),
                ));
                None
            }
        },
    }
}

fn check_relup_entry(
    old: &ReleaseFiles,
    new: &ReleaseFiles,
    diff: &ReleaseDiff,
    relup: Option<&Relup>,
    via_relup: &[String],
    report: &mut Report,
) {
    let from = old.vsn();
    if old.erts_vsn() != new.erts_vsn() {
        report.findings.push(
            Finding::new(
                Code::EmulatorRestart,
                format!(
                    "ERTS changes from {} to {}: the upgrade restarts the emulator",
                    old.erts_vsn(),
                    new.erts_vsn()
                ),
            )
            .from(from)
            .hint("expected when moving to a new OTP; processes restart from scratch"),
        );
    }
    let Some(relup) = relup else {
        if !via_relup.is_empty() {
            for app in via_relup {
                report.findings.push(missing_appup(diff, app, new));
            }
        }
        return;
    };
    let find = |entries: &[RelupEntry]| entries.iter().find(|e| e.vsn == from).cloned();
    let up = find(&relup.up);
    let down = find(&relup.down);
    for (entry, word) in [(&up, "up"), (&down, "down")] {
        if entry.is_none() {
            report.findings.push(
                Finding::new(
                    Code::MissingRelup,
                    format!(
                        "the relup has no {word} entry for {from}: release_handler answers no_matching_relup"
                    ),
                )
                .from(from)
                .hint(format!("regenerate the relup with --from for {from}")),
            );
        }
    }
    if let Some(e) = &up {
        let restarts = e.instructions.iter().any(|i| {
            matches!(
                i.as_atom(),
                Some("restart_new_emulator" | "restart_emulator")
            )
        });
        if restarts && old.erts_vsn() == new.erts_vsn() {
            report.findings.push(
                Finding::new(
                    Code::EmulatorRestart,
                    format!("the relup's upgrade from {from} restarts the emulator"),
                )
                .from(from)
                .hint("expected when kernel, stdlib, sasl or erts change; otherwise check --restart-emulator"),
            );
        }
    }
    // Coverage from the relup's own instructions for what has no appup.
    for app in via_relup {
        let Some(d) = diff.app(app) else { continue };
        let modules = ModuleSets::of(old, new, d);
        let mut warned = BTreeSet::new();
        for (entry, word) in [(&up, "upgrade"), (&down, "downgrade")] {
            let Some(e) = entry else { continue };
            let mut cov = Coverage::default();
            for i in &e.instructions {
                cov.add(i, app);
            }
            check_coverage(d, &cov, &modules, word, &mut warned, from, report);
        }
    }
    if !via_relup.is_empty() {
        report.notes.push(format!(
            "stale-relup not checked for {from}: the new release is a tarball without appups for {} (systools:make_tar leaves them out); coverage was checked against the relup's own instructions",
            via_relup.join(", ")
        ));
        return;
    }
    stale_relup(old, new, up.as_ref(), down.as_ref(), report);
}

/// Compares the relup's entries for `old` with what make_relup generates.
fn stale_relup(
    old: &ReleaseFiles,
    new: &ReleaseFiles,
    up: Option<&RelupEntry>,
    down: Option<&RelupEntry>,
    report: &mut Report,
) {
    let from = old.vsn();
    if report.findings.iter().any(|f| {
        f.from.as_deref() == Some(from) && f.severity() == Severity::Error && f.app.is_some()
    }) {
        report.notes.push(format!(
            "stale-relup not checked for {from}: fix the appup errors first"
        ));
        return;
    }
    let base = [BaseRelease::new(Arc::new(old.loaded.clone()))];
    let generated = match make_relup(&new.loaded, &base, &base, Options::default()) {
        Ok(g) => g,
        Err(e) => {
            report.findings.push(
                Finding::new(
                    Code::InvalidAppup,
                    format!("systools:make_relup would fail: {e}"),
                )
                .from(from)
                .hint("fix the appup named above; erlrel relup shows the same error"),
            );
            return;
        }
    };
    let pairs = [
        (up, generated.relup.up.first(), "upgrade"),
        (down, generated.relup.down.first(), "downgrade"),
    ];
    for (have, want, word) in pairs {
        let (Some(have), Some(want)) = (have, want) else {
            continue;
        };
        if let Some(msg) = first_difference(&have.instructions, &want.instructions) {
            report.findings.push(
                Finding::new(
                    Code::StaleRelup,
                    format!("the relup's {word} from {from} differs from what make_relup generates: {msg}"),
                )
                .from(from)
                .hint("regenerate it: erlrel relup --to NEW --from OLD (after changing appups)"),
            );
        }
    }
}

/// Where two instruction lists first differ, in words.
fn first_difference(have: &[Term], want: &[Term]) -> Option<String> {
    for (i, (h, w)) in have.iter().zip(want).enumerate() {
        if h != w {
            return Some(format!(
                "instruction {} is {} where {} is expected",
                i + 1,
                h,
                w
            ));
        }
    }
    match have.len().cmp(&want.len()) {
        std::cmp::Ordering::Less => Some(format!(
            "instruction {} ({}) is missing",
            have.len() + 1,
            want.get(have.len())
                .map(|t| t.to_string())
                .unwrap_or_default()
        )),
        std::cmp::Ordering::Greater => Some(format!(
            "instruction {} ({}) is extra",
            want.len() + 1,
            have.get(want.len())
                .map(|t| t.to_string())
                .unwrap_or_default()
        )),
        std::cmp::Ordering::Equal => None,
    }
}

/// The files `release_handler` needs: `releases/VSN/NAME.rel`,
/// `releases/VSN/start.boot` (install_release), `lib/APP-VSN/ebin` for
/// every application, and in a tarball `releases/NAME.rel`
/// (unpack_release extracts it first).
fn check_layout(new: &ReleaseFiles, olds: &[ReleaseFiles], report: &mut Report) {
    let Some(root) = new.root() else {
        report.notes.push(format!(
            "release-layout not checked: {} is not in a release root (releases/VSN/NAME.rel)",
            new.display()
        ));
        return;
    };
    let tree = new.tree();
    let layout = |msg: String, hint: &str| Finding::new(Code::ReleaseLayout, msg).hint(hint);
    let releases = join(&root, "releases");
    let vsn_dir = join(&releases, new.vsn());
    if !tree.is_dir(&vsn_dir) || !tree.list_dir(&vsn_dir).iter().any(|f| f.ends_with(".rel")) {
        report.findings.push(layout(
            format!(
                "no {}",
                tree.display(&join(&vsn_dir, &format!("{}.rel", new.name())))
            ),
            "release_handler keeps each release's .rel in releases/VSN/",
        ));
    }
    let boot = join(&vsn_dir, "start.boot");
    if !tree.is_file(&boot) {
        report.findings.push(layout(
            format!(
                "no {}: release_handler:install_release refuses the release",
                tree.display(&boot)
            ),
            "build the release with rebar3 release / systools:make_script",
        ));
    }
    if new.is_tarball() {
        let top = join(&releases, &format!("{}.rel", new.name()));
        if !tree.is_file(&top) {
            report.findings.push(layout(
                format!(
                    "no {}: release_handler:unpack_release extracts it first",
                    tree.display(&top)
                ),
                "make the tarball with rebar3 tar or systools:make_tar",
            ));
        }
    }
    let lib = join(&root, "lib");
    for app in &new.loaded.apps {
        let dir = format!("{}-{}", app.name, app.vsn);
        let ebin = join(&join(&lib, &dir), "ebin");
        if tree.is_dir(&ebin) {
            continue;
        }
        // Already installed on the target (the same version in an old release).
        let installed = olds
            .iter()
            .any(|o| o.app(&app.name).is_some_and(|a| a.vsn == app.vsn));
        if new.is_tarball() && installed {
            continue;
        }
        report.findings.push(
            layout(
                format!("no {}: release_handler:install_release checks lib/APP-VSN/ebin of every application", tree.display(&ebin)),
                "include every application in the release (rebar3 release)",
            )
            .app(&app.name),
        );
    }
}
