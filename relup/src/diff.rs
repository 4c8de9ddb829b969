//! What changed between two releases, per application and module, and the
//! appup that follows from it.
//!
//! Modules are compared by their compiled code: `beam_lib:md5/1` over the
//! code chunks, so a recompile with other options, a new date or stripped
//! debug information is no change. Update kinds follow the module's
//! behaviours (`-behaviour` attributes; for BEAMs stripped of attributes,
//! the callbacks they export).

use std::collections::BTreeSet;
use std::sync::Arc;

use appup::Direction;
use beamfile::Beam;
use erlterm::Term;

use crate::app::Application;
use crate::error::Error;
use crate::input::ReleaseFiles;

/// Behaviours whose processes keep state across a code change: their
/// modules are updated with `{advanced, []}` (suspend, `code_change`, resume).
pub const PROCESS_BEHAVIOURS: [&str; 5] = [
    "gen_server",
    "gen_statem",
    "gen_fsm",
    "gen_event",
    "supervisor_bridge",
];

/// How one module differs between two versions of an application.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModuleChange {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// In both, with different code.
    Changed(CodeChange),
}

impl ModuleChange {
    /// `added`, `removed` or `changed`.
    pub fn word(&self) -> &'static str {
        match self {
            ModuleChange::Added => "added",
            ModuleChange::Removed => "removed",
            ModuleChange::Changed(_) => "changed",
        }
    }
}

/// What is known of a changed module's new code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeChange {
    /// Its behaviours (`-behaviour` attributes, or inferred from exports).
    pub behaviours: Vec<String>,
    /// Whether `behaviours` was inferred from exported callbacks because
    /// the BEAM holds no attributes (`beam_lib:strip`).
    pub inferred: bool,
    /// The instruction that upgrades it.
    pub update: UpdateKind,
    /// Other changed modules of the application that it calls (`DepMods`).
    pub deps: Vec<String>,
}

impl CodeChange {
    /// Whether processes run this module's code with state to convert
    /// (a process behaviour other than `supervisor`).
    pub fn is_process(&self) -> bool {
        self.behaviours
            .iter()
            .any(|b| PROCESS_BEHAVIOURS.contains(&b.as_str()))
    }

    /// Whether the module is a supervisor.
    pub fn is_supervisor(&self) -> bool {
        self.behaviours.iter().any(|b| b == "supervisor")
    }
}

/// The instruction an appup uses for a changed module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UpdateKind {
    /// `{update, M, supervisor}`.
    Supervisor,
    /// `{update, M, {advanced, []}, DepMods}`: suspend, `code_change`, resume.
    Advanced,
    /// `{load_module, M, DepMods}`.
    LoadModule,
}

/// The differences of one application between two releases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppDiff {
    /// Application name.
    pub name: String,
    /// Its version in the old release.
    pub old_vsn: String,
    /// Its version in the new release.
    pub new_vsn: String,
    /// Modules that differ, in instruction order (added, changed, removed).
    pub modules: Vec<(String, ModuleChange)>,
    /// Modules in both versions with the same code (instructions naming
    /// them load nothing new).
    pub unchanged: Vec<String>,
    /// Whether code was compared: `false` when neither version has any
    /// `.beam` file (a release of `.app` files only).
    pub code_compared: bool,
}

impl AppDiff {
    /// Whether the version differs.
    pub fn version_changed(&self) -> bool {
        self.old_vsn != self.new_vsn
    }

    /// The change of `module`, if it differs.
    pub fn change(&self, module: &str) -> Option<&ModuleChange> {
        self.modules
            .iter()
            .find(|(m, _)| m == module)
            .map(|(_, c)| c)
    }
}

/// The applications two releases have in common, compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseDiff {
    /// Old release version.
    pub from_vsn: String,
    /// New release version.
    pub to_vsn: String,
    /// Applications in both releases, in the new release's start order:
    /// those whose version or code differs.
    pub apps: Vec<AppDiff>,
    /// Applications only in the new release (the relup adds them).
    pub added_apps: Vec<String>,
    /// Applications only in the old release (the relup removes them).
    pub removed_apps: Vec<String>,
}

impl ReleaseDiff {
    /// The diff of application `name`, if it differs.
    pub fn app(&self, name: &str) -> Option<&AppDiff> {
        self.apps.iter().find(|a| a.name == name)
    }
}

/// Compares every application of `new` that `old` also has. Modules are
/// read from each release's own files (tarball or folder).
///
/// ```
/// let fx = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../beam/tests/fixtures");
/// let lib = relup::Library::new();
/// let old = relup::ReleaseFiles::open(&fx.join("r1"), &lib).unwrap();
/// let new = relup::ReleaseFiles::open(&fx.join("r2"), &lib).unwrap();
/// let diff = relup::diff::diff_releases(&old, &new).unwrap();
/// let fx_app = diff.app("fx").unwrap();
/// assert_eq!((fx_app.old_vsn.as_str(), fx_app.new_vsn.as_str()), ("1.0.0", "1.1.0"));
/// assert_eq!(fx_app.change("fx_new"), Some(&relup::diff::ModuleChange::Added));
/// assert_eq!(diff.added_apps, ["fz"]);
/// ```
pub fn diff_releases(old: &ReleaseFiles, new: &ReleaseFiles) -> Result<ReleaseDiff, Error> {
    let mut apps = Vec::new();
    let mut added_apps = Vec::new();
    for app in &new.loaded.apps {
        let Some(old_app) = old.app(&app.name) else {
            added_apps.push(app.name.clone());
            continue;
        };
        let diff = diff_app(old, old_app, new, app)?;
        if diff.version_changed() || !diff.modules.is_empty() {
            apps.push(diff);
        }
    }
    let removed_apps = old
        .loaded
        .apps
        .iter()
        .filter(|a| new.app(&a.name).is_none())
        .map(|a| a.name.clone())
        .collect();
    Ok(ReleaseDiff {
        from_vsn: old.vsn().to_owned(),
        to_vsn: new.vsn().to_owned(),
        apps,
        added_apps,
        removed_apps,
    })
}

/// Compares one application of two releases.
pub fn diff_app(
    old: &ReleaseFiles,
    old_app: &Application,
    new: &ReleaseFiles,
    app: &Application,
) -> Result<AppDiff, Error> {
    let old_beams: BTreeSet<String> = old.readable_beam_modules(old_app)?.into_iter().collect();
    let new_beams: BTreeSet<String> = new.readable_beam_modules(app)?.into_iter().collect();
    let code_compared = !(old_beams.is_empty() && new_beams.is_empty());
    // Modules as the .app files list them, plus any other .beam in ebin.
    let old_mods: BTreeSet<String> = old_app.modules.iter().cloned().chain(old_beams).collect();
    let new_mods: BTreeSet<String> = app.modules.iter().cloned().chain(new_beams).collect();
    // The very same folder (a shared --lib): nothing to compare.
    let same_files = match (old.loaded.app_tree(old_app), new.loaded.app_tree(app)) {
        (Some(a), Some(b)) => Arc::ptr_eq(a, b) && old_app.dir == app.dir,
        _ => false,
    };
    let mut changed: Vec<(String, Beam)> = Vec::new();
    let mut unchanged = Vec::new();
    if code_compared && !same_files {
        for m in new_mods.intersection(&old_mods) {
            let new_beam = new.beam(app, m)?;
            let old_beam = old.beam(old_app, m)?;
            let md5 = |b: &Beam, r: &ReleaseFiles, a: &Application| {
                b.md5().map_err(|e| Error::Input {
                    path: r.app_file_display(a, &format!("{m}.beam")),
                    message: e.to_string(),
                })
            };
            if md5(&new_beam, new, app)? != md5(&old_beam, old, old_app)? {
                changed.push((m.clone(), new_beam));
            } else {
                unchanged.push(m.clone());
            }
        }
    } else {
        unchanged.extend(new_mods.intersection(&old_mods).cloned());
    }
    // Changed modules in .app order, then any others.
    changed.sort_by_key(|(m, _)| {
        app.modules
            .iter()
            .position(|x| x == m)
            .unwrap_or(usize::MAX)
    });
    let changed_names: BTreeSet<&str> = changed.iter().map(|(m, _)| m.as_str()).collect();
    let mut modules = Vec::new();
    for m in app.modules.iter().filter(|m| !old_mods.contains(*m)) {
        modules.push((m.clone(), ModuleChange::Added));
    }
    for m in new_mods
        .iter()
        .filter(|m| !old_mods.contains(*m) && !app.modules.contains(m))
    {
        modules.push((m.clone(), ModuleChange::Added));
    }
    for (m, beam) in &changed {
        let shown = new.app_file_display(app, &format!("{m}.beam"));
        let bad = |e: beamfile::BeamError| Error::Input {
            path: shown.clone(),
            message: e.to_string(),
        };
        let (behaviours, inferred) = behaviours_of(beam).map_err(bad)?;
        let deps: Vec<String> = beam
            .imported_modules()
            .map_err(bad)?
            .into_iter()
            .filter(|d| d != m && changed_names.contains(d.as_str()))
            .collect();
        let update = if behaviours.iter().any(|b| b == "supervisor") {
            UpdateKind::Supervisor
        } else if behaviours
            .iter()
            .any(|b| PROCESS_BEHAVIOURS.contains(&b.as_str()))
        {
            UpdateKind::Advanced
        } else {
            UpdateKind::LoadModule
        };
        modules.push((
            m.clone(),
            ModuleChange::Changed(CodeChange {
                behaviours,
                inferred,
                update,
                deps,
            }),
        ));
    }
    for m in old_mods.iter().filter(|m| !new_mods.contains(*m)) {
        modules.push((m.clone(), ModuleChange::Removed));
    }
    Ok(AppDiff {
        name: app.name.clone(),
        old_vsn: old_app.vsn.clone(),
        new_vsn: app.vsn.clone(),
        modules,
        unchanged,
        code_compared,
    })
}

/// A module's behaviours: its `-behaviour` attributes, or, when the BEAM
/// has no attribute chunk (stripped), the behaviour whose callbacks it
/// exports (`true` in the second place then).
pub fn behaviours_of(beam: &Beam) -> Result<(Vec<String>, bool), beamfile::BeamError> {
    if beam.chunk("Attr").is_some() {
        return Ok((beam.behaviours()?, false));
    }
    let exports = beam.exports()?;
    let has = |name: &str, arity: u32| {
        exports
            .iter()
            .any(|f| f.function == name && f.arity == arity)
    };
    let imports = beam.imported_modules()?;
    let calls = |m: &str| imports.iter().any(|i| i == m);
    let inferred = if has("callback_mode", 0) && has("init", 1) {
        Some("gen_statem")
    } else if has("init", 1) && has("handle_call", 3) && has("handle_cast", 2) {
        Some("gen_server")
    } else if has("init", 1) && has("handle_event", 3) && has("handle_sync_event", 4) {
        Some("gen_fsm")
    } else if has("init", 1) && has("handle_event", 2) && has("handle_call", 2) {
        Some("gen_event")
    } else if has("init", 1) && calls("supervisor_bridge") {
        Some("supervisor_bridge")
    } else if has("init", 1) && calls("supervisor") {
        Some("supervisor")
    } else if has("start", 2) && has("stop", 1) {
        Some("application")
    } else {
        None
    };
    Ok((inferred.into_iter().map(String::from).collect(), true))
}

/// Quotes an atom as Erlang prints it.
fn atom(name: &str) -> String {
    Term::atom(name).to_string()
}

/// An Erlang string literal.
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

/// The appup instruction for `module` in direction `dir`, and a comment
/// saying why.
pub fn instruction(module: &str, change: &ModuleChange, dir: Direction) -> (String, String) {
    let m = atom(module);
    let up = dir == Direction::Up;
    match change {
        ModuleChange::Added | ModuleChange::Removed => {
            let adds = matches!(change, ModuleChange::Added) == up;
            let why = match (change, up) {
                (ModuleChange::Added, true) => "added",
                (ModuleChange::Added, false) => "added in the new version",
                (_, true) => "removed",
                (_, false) => "removed in the new version",
            };
            if adds {
                (
                    format!("{{add_module,{m}}}"),
                    format!("{module}: {why} -> add_module"),
                )
            } else {
                (
                    format!("{{delete_module,{m}}}"),
                    format!("{module}: {why} -> delete_module"),
                )
            }
        }
        ModuleChange::Changed(c) => {
            let deps = format!(
                "[{}]",
                c.deps.iter().map(|d| atom(d)).collect::<Vec<_>>().join(",")
            );
            let instr = match c.update {
                // `{update, M, supervisor, Deps}` is not a valid form: with
                // dependencies, the full form `supervisor` expands to.
                UpdateKind::Supervisor if c.deps.is_empty() => format!("{{update,{m},supervisor}}"),
                UpdateKind::Supervisor => format!(
                    "{{update,{m},static,default,{{advanced,[]}},brutal_purge,brutal_purge,{deps}}}"
                ),
                UpdateKind::Advanced => format!("{{update,{m},{{advanced,[]}},{deps}}}"),
                UpdateKind::LoadModule => format!("{{load_module,{m},{deps}}}"),
            };
            let why = why(c);
            let dep_note = if c.deps.is_empty() {
                String::new()
            } else {
                format!("; calls changed {}", c.deps.join(", "))
            };
            (instr, format!("{module}: {why}{dep_note}"))
        }
    }
}

fn why(c: &CodeChange) -> String {
    let inferred = if c.inferred {
        " (inferred from exports: no attributes in the BEAM)"
    } else {
        ""
    };
    match c.update {
        UpdateKind::Supervisor => format!("supervisor{inferred} -> update as supervisor"),
        UpdateKind::Advanced => {
            let b = c
                .behaviours
                .iter()
                .find(|b| PROCESS_BEHAVIOURS.contains(&b.as_str()))
                .map_or("", String::as_str);
            format!("{b}{inferred} -> update with advanced")
        }
        UpdateKind::LoadModule if c.behaviours.is_empty() => {
            "no process behaviour -> load_module".into()
        }
        UpdateKind::LoadModule => format!(
            "{}{inferred} -> load_module (no process state)",
            c.behaviours.join(", ")
        ),
    }
}

/// The instruction list of one appup entry, one instruction per line with
/// its comment above it.
fn instruction_list(diff: &AppDiff, dir: Direction, indent: &str) -> String {
    let mut ordered: Vec<&(String, ModuleChange)> = diff.modules.iter().collect();
    if dir == Direction::Down {
        // Removed modules come back first; added ones go last.
        ordered.sort_by_key(|(_, c)| match c {
            ModuleChange::Removed => 0,
            ModuleChange::Changed(_) => 1,
            ModuleChange::Added => 2,
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

/// The text of the appup that upgrades an application from each old
/// version of `diffs` (one up and one down entry each) to their common new
/// version. `None` when `diffs` is empty.
///
/// ```
/// use relup::diff::{AppDiff, ModuleChange, appup_text};
/// let d = AppDiff { name: "web".into(), old_vsn: "1.0".into(), new_vsn: "1.1".into(),
///     modules: vec![("web_new".into(), ModuleChange::Added)], unchanged: vec![],
///     code_compared: true };
/// let text = appup_text(&[&d]).unwrap();
/// let term = &erlterm::parse_str(&text).unwrap()[0];
/// assert_eq!(term.to_string(), r#"{[49,46,49],[{[49,46,48],[{add_module,web_new}]}],[{[49,46,48],[{delete_module,web_new}]}]}"#);
/// ```
pub fn appup_text(diffs: &[&AppDiff]) -> Option<String> {
    let first = diffs.first()?;
    let indent = "   ";
    let entries = |dir: Direction| {
        diffs
            .iter()
            .map(|d| {
                format!(
                    "{{{},\n   {}}}",
                    string_lit(&d.old_vsn),
                    instruction_list(d, dir, indent)
                )
            })
            .collect::<Vec<_>>()
            .join(",\n  ")
    };
    let froms: Vec<&str> = diffs.iter().map(|d| d.old_vsn.as_str()).collect();
    Some(format!(
        "%% {app}.appup: {from} -> {to}, written by erlrel appup generate.\n\
         %% Modules compared by beam_lib:md5/1; update kinds from -behaviour.\n\
         {{{new},\n [{up}],\n [{down}]}}.\n",
        app = first.name,
        from = froms.join(", "),
        to = first.new_vsn,
        new = string_lit(&first.new_vsn),
        up = entries(Direction::Up),
        down = entries(Direction::Down),
    ))
}

/// The diffs of `diffs` whose old version has no up or no down entry in
/// `appup` (by OTP's matching rules).
pub fn lacking_entries<'a>(appup: &Term, diffs: &[&'a AppDiff]) -> Vec<&'a AppDiff> {
    diffs
        .iter()
        .copied()
        .filter(|d| {
            [Direction::Up, Direction::Down].iter().any(|&dir| {
                !matches!(
                    appup::find_instructions(appup, &d.old_vsn, dir),
                    Ok(Some(_))
                )
            })
        })
        .collect()
}

/// The appup file `text` with generated up and down entries for `missing`
/// added after its own entries (which come first, so they win: OTP takes
/// the first match), every comment and layout kept. `None` if `text` is
/// not one `{Vsn, UpFrom, DownTo}` term with list entries.
///
/// ```
/// use relup::diff::{AppDiff, ModuleChange, merge_appup};
/// let d = AppDiff { name: "web".into(), old_vsn: "1.0".into(), new_vsn: "1.1".into(),
///     modules: vec![("web_new".into(), ModuleChange::Added)], unchanged: vec![],
///     code_compared: true };
/// let mine = "%% hand-written\n{\"1.1\",\n [{\"0.9\", [restart_new_emulator]}],\n [{\"0.9\", []}]}.\n";
/// let merged = merge_appup(mine, &[&d]).unwrap();
/// assert!(merged.starts_with("%% hand-written\n"));
/// let term = &erlterm::parse_str(&merged).unwrap()[0];
/// assert_eq!(term.as_tuple().unwrap()[1].to_list().unwrap().len(), 2);
/// ```
pub fn merge_appup(text: &str, missing: &[&AppDiff]) -> Option<String> {
    use erlterm::document::{Document, Path};
    let generated = appup_text(missing)?;
    let gen = erlterm::parse_str(&generated).ok()?.into_iter().next()?;
    let [_, gen_up, gen_down] = gen.as_tuple()? else {
        return None;
    };
    let mut doc = Document::parse(text).ok()?;
    if doc.nodes().len() != 1 {
        return None;
    }
    for (at, entries) in [(1, gen_up), (2, gen_down)] {
        for entry in entries.to_list()? {
            doc.push(&Path::term(0).index(at), &entry).ok()?;
        }
    }
    Some(doc.to_string())
}
