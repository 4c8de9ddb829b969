//! `systools:make_relup/4`: the up and down scripts between a top release
//! and its base releases.

use std::borrow::Cow;
use std::sync::Arc;

use appup::Direction;
use erlterm::Term;

use crate::app::Application;
use crate::error::{Error, Warning};
use crate::fxhash::{FxHashMap, FxHashSet};
use crate::input::LoadedRelease;
use crate::release::Release;
use crate::relup::{Relup, RelupEntry};
use crate::translate::translate;

/// Options of `make_relup` that change its result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Add a `restart_emulator` at the end of every script.
    pub restart_emulator: bool,
    /// Fail when there is any warning.
    pub warnings_as_errors: bool,
}

/// A base release (one of `UpFrom`/`DownTo`) and its description.
#[derive(Debug, Clone)]
pub struct BaseRelease {
    /// The release.
    pub release: Arc<LoadedRelease>,
    /// The description written into the relup entry (`[]` by default).
    pub description: Term,
}

impl BaseRelease {
    /// A base release with the default description `[]`.
    pub fn new(release: Arc<LoadedRelease>) -> BaseRelease {
        BaseRelease {
            release,
            description: Term::nil(),
        }
    }
}

/// A generated relup and the warnings systools would give (newest first).
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// The relup.
    pub relup: Relup,
    /// Warnings, newest first (as systools returns them).
    pub warnings: Vec<Warning>,
}

/// Generates the relup of `top` from and to the given base releases.
///
/// ```
/// use std::sync::Arc;
/// use relup::{Application, BaseRelease, LoadedRelease, Options, Release, StartType};
/// let app = |name: &str, vsn: &str, mods: &[&str]| Application {
///     name: name.into(), vsn: vsn.into(), start_type: StartType::Permanent,
///     modules: mods.iter().map(|s| s.to_string()).collect(), uses: vec![],
///     optional: vec![], includes: vec![], registered: vec![], dir: String::new() };
/// let rel = |vsn: &str, web: &str| Release::parse(&format!(
///     r#"{{release, {{"shop", "{vsn}"}}, {{erts, "13"}}, [{{kernel, "9"}}, {{stdlib, "5"}},
///        {{sasl, "5"}}, {{web, "{web}"}}]}}."#)).unwrap();
/// let core = || vec![app("kernel", "9", &[]), app("stdlib", "5", &[]), app("sasl", "5", &[])];
/// let mut v1 = core(); v1.push(app("web", "1.0", &["web_h"]));
/// let mut v2 = core(); v2.push(app("web", "1.1", &["web_h"]));
/// let appup = r#"{"1.1", [{"1.0", [{load_module, web_h}]}], [{"1.0", []}]}."#;
/// let old = LoadedRelease::in_memory("1.rel", rel("1", "1.0"), v1, Default::default()).unwrap();
/// let new = LoadedRelease::in_memory("2.rel", rel("2", "1.1"), v2,
///     [("web".to_string(), appup.to_string())].into()).unwrap();
/// let base = [BaseRelease::new(Arc::new(old))];
/// let out = relup::make_relup(&new, &base, &base, Options::default()).unwrap();
/// assert_eq!(out.relup.to_term().to_string(),
///     "{[50],[{[49],[],[{load_object_code,{web,[49,46,49],[web_h]}},point_of_no_return,\
///      {load,{web_h,brutal_purge,brutal_purge}}]}],[{[49],[],[point_of_no_return]}]}");
/// ```
pub fn make_relup(
    top: &LoadedRelease,
    up: &[BaseRelease],
    down: &[BaseRelease],
    opts: Options,
) -> Result<Generated, Error> {
    make_relup_lazy(top, up, down, |b| Ok(b.clone()), opts)
}

/// Like [`make_relup`], but loads each base release only when systools
/// would, so that the first error reported is the one systools reports.
pub fn make_relup_lazy<B>(
    top: &LoadedRelease,
    up: &[B],
    down: &[B],
    mut load: impl FnMut(&B) -> Result<BaseRelease, Error>,
    opts: Options,
) -> Result<Generated, Error> {
    check_sasl(top)?;
    let mut warnings = Vec::new();
    let mut up_entries = Vec::with_capacity(up.len());
    for b in up {
        let base = load(b)?;
        up_entries.push(one_entry(Direction::Up, top, &base, opts, &mut warnings)?);
    }
    let mut down_entries = Vec::with_capacity(down.len());
    for b in down {
        let base = load(b)?;
        down_entries.push(one_entry(Direction::Down, top, &base, opts, &mut warnings)?);
    }
    // systools accumulates entries and warnings by prepending
    up_entries.reverse();
    down_entries.reverse();
    warnings.reverse();
    if opts.warnings_as_errors && !warnings.is_empty() {
        return Err(Error::WarningsTreatedAsErrors(warnings));
    }
    let relup = Relup {
        top_vsn: top.release.vsn.clone(),
        up: up_entries,
        down: down_entries,
    };
    Ok(Generated { relup, warnings })
}

fn check_sasl(rel: &LoadedRelease) -> Result<(), Error> {
    if rel.release.app("sasl").is_some() {
        return Ok(());
    }
    Err(Error::MissingSasl {
        file: rel.file.clone(),
        name: rel.release.name.clone(),
        vsn: rel.release.vsn.clone(),
    })
}

fn dir_name(dir: Direction) -> &'static str {
    match dir {
        Direction::Up => "up",
        Direction::Down => "down",
    }
}

/// One `{Vsn, Descr, Instructions}`; warnings are pushed oldest first.
fn one_entry<'a>(
    dir: Direction,
    top: &'a LoadedRelease,
    base: &'a BaseRelease,
    opts: Options,
    warnings: &mut Vec<Warning>,
) -> Result<RelupEntry, Error> {
    let b = &base.release;
    check_sasl(b)?;
    let base_vsns: FxHashMap<&str, &str> = b
        .release
        .apps
        .iter()
        .rev()
        .map(|a| (a.name.as_str(), a.vsn.as_str()))
        .collect();
    let mut scripts: Vec<Cow<[Term]>> = Vec::new();
    for (i, app) in top.apps.iter().enumerate() {
        match base_vsns.get(app.name.as_str()) {
            Some(&bv) if bv != app.vsn => scripts.push(appup_script(dir, top, i, bv, warnings)?),
            _ => {}
        }
    }
    let (from, to) = match dir {
        Direction::Up => (&b.release, &top.release),
        Direction::Down => (&top.release, &b.release),
    };
    let names = |rel: &'a Release| -> FxHashSet<&'a str> {
        rel.apps.iter().map(|a| a.name.as_str()).collect()
    };
    let (from_names, to_names) = (names(from), names(to));
    let added = to
        .apps
        .iter()
        .filter(|a| !from_names.contains(a.name.as_str()))
        .map(|a| {
            Cow::Owned(vec![Term::tuple(vec![
                Term::atom("add_application"),
                Term::atom(&a.name),
                Term::atom(a.start_type.name()),
            ])])
        });
    let removed = from
        .apps
        .iter()
        .filter(|a| !to_names.contains(a.name.as_str()))
        .map(|a| {
            Cow::Owned(vec![Term::tuple(vec![
                Term::atom("remove_application"),
                Term::atom(&a.name),
            ])])
        });
    let mut all: Vec<Cow<[Term]>> = added.collect();
    all.append(&mut scripts);
    all.extend(removed);
    if top.release.erts_vsn != b.release.erts_vsn {
        all.insert(0, Cow::Owned(vec![Term::atom("restart_new_emulator")]));
        warnings.push(Warning::ErtsVsnChanged {
            top: (top.release.name.clone(), top.release.erts_vsn.clone()),
            base: (b.release.name.clone(), b.release.erts_vsn.clone()),
        });
    }
    if opts.restart_emulator {
        all.push(Cow::Owned(vec![Term::atom("restart_emulator")]));
    }
    let (appls, pre_appls): (&[Application], &[Application]) = match dir {
        Direction::Up => (&top.apps, &b.apps),
        Direction::Down => (&b.apps, &top.apps),
    };
    let mut instrs = translate(dir, all, appls, pre_appls).map_err(|source| Error::Translate {
        direction: dir_name(dir),
        base_vsn: b.release.vsn.clone(),
        source: Box::new(source),
    })?;
    if dir == Direction::Up {
        fix_r15_sasl_upgrade(&mut instrs, b, warnings);
    }
    Ok(RelupEntry {
        vsn: b.release.vsn.clone(),
        description: base.description.clone(),
        instructions: instrs,
    })
}

/// The appup script of `top.apps[i]` for its base version `base_vsn`,
/// borrowed from the appup.
fn appup_script<'t>(
    dir: Direction,
    top: &'t LoadedRelease,
    i: usize,
    base_vsn: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Cow<'t, [Term]>, Error> {
    let appup = top.appup_at(i)?;
    let Some(app) = top.apps.get(i) else {
        return Ok(Cow::Borrowed(&[]));
    };
    let path = || top.appup_path(app);
    let items = appup.as_tuple().unwrap_or(&[]);
    if let Some(vsn) = items.first() {
        if !is_string(vsn, &app.vsn) {
            warnings.push(Warning::BadVsn {
                appup_vsn: vsn.clone(),
                app_vsn: app.vsn.clone(),
            });
        }
    }
    let list = items.get(if dir == Direction::Up { 1 } else { 2 });
    if !list.is_some_and(Term::is_proper_list) {
        return Err(Error::AppupCrash {
            path: path(),
            message: format!("the {} list is not a list", dir_name(dir)),
        });
    }
    let crash = |e: appup::PatternError| Error::AppupCrash {
        path: path(),
        message: e.to_string(),
    };
    match appup::find_instructions_ref(appup, base_vsn, dir).map_err(crash)? {
        Some(instrs) => Ok(instrs),
        None => Err(Error::NoRelup {
            path: path(),
            app: app.name.clone(),
            top_vsn: app.vsn.clone(),
            base_vsn: base_vsn.to_owned(),
            direction: dir_name(dir),
        }),
    }
}

/// Whether `t` is the string `s` (without building a string for the usual
/// string literal).
fn is_string(t: &Term, s: &str) -> bool {
    match t {
        Term::String(text) => text == s,
        other => other.as_string().as_deref() == Some(s),
    }
}

/// Before R15 (sasl < "2.2" as a string) the new emulator is started last.
fn fix_r15_sasl_upgrade(instrs: &mut Vec<Term>, base: &LoadedRelease, warnings: &mut Vec<Warning>) {
    if instrs.first().and_then(Term::as_atom) != Some("restart_new_emulator") {
        return;
    }
    let Some(sasl) = base.release.app("sasl") else {
        return;
    };
    if Term::string(&sasl.vsn) >= Term::string("2.2") {
        return;
    }
    instrs.remove(0);
    if let Some(p) = instrs
        .iter()
        .position(|i| i.as_atom() == Some("restart_emulator"))
    {
        instrs.remove(p);
    }
    instrs.push(Term::atom("restart_new_emulator"));
    warnings.push(Warning::PreR15EmulatorUpgrade);
}
