//! Translation of high-level appup instructions into the low-level
//! instructions of a relup, as `systools_rc:translate_scripts/4` does.

mod depend;
mod rows;
mod syntax;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use appup::Direction;
use erlterm::Term;

use crate::app::Application;
use crate::error::TranslateError;
use crate::fxhash::FxHashMap;
use syntax::{atom, elems, tag};

type Res<T> = Result<T, TranslateError>;

/// Translates the scripts of one base release into one relup instruction
/// list. `appls` is the release moved to, `pre_appls` the release moved from.
pub(crate) fn translate(
    mode: Direction,
    scripts: Vec<Cow<[Term]>>,
    appls: &[Application],
    pre_appls: &[Application],
) -> Res<Vec<Term>> {
    let (before, after, facts) = merge_scripts(&scripts)?;
    let after = if check_script(facts)? {
        application_instrs(after, appls, pre_appls)?
    } else {
        after
    };
    let (new_loc, after) = depend::translate_dependent(mode, after, appls)?;
    let before = merge_load_object_code(before, &new_loc)?;
    Ok(sort_emulator_restart(mode, before, after))
}

fn is_instr(t: &Term, name: &str) -> bool {
    matches!(t.as_tuple(), Some([tg, _]) if tg.as_atom() == Some(name))
}

fn is_ponr(t: &Term) -> bool {
    t.as_atom() == Some("point_of_no_return")
}

/// Splits every script at its `point_of_no_return` and concatenates the
/// parts. Each instruction is checked (`check_op`), normalized and noted
/// for `check_script` as it is moved, while it is still in cache; a
/// `check_op` failure is reported after every script is split, the first
/// one of `before` first, as OTP checks the merged script.
fn merge_scripts(scripts: &[Cow<[Term]>]) -> Res<(Vec<Term>, Vec<Term>, Facts)> {
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut facts = Facts::default();
    let (mut bad_before, mut bad_after) = (None, None);
    for script in scripts {
        let (b, a) = split_script(syntax::expand_script(script))?;
        for i in b {
            if bad_before.is_none() {
                bad_before = syntax::check_op(&i).err();
            }
            let i = normalize(i);
            facts.note_before(&i);
            before.push(i);
        }
        for i in a {
            if bad_after.is_none() {
                bad_after = syntax::check_op(&i).err();
            }
            let i = add_module_to_load(normalize(i));
            facts.note_after(&i);
            after.push(i);
        }
    }
    match bad_before.or(bad_after) {
        Some(bad) => Err(bad),
        None => Ok((before, after, facts)),
    }
}

fn split_script(script: Vec<Term>) -> Res<(Vec<Term>, Vec<Term>)> {
    let ponrs: Vec<usize> = script
        .iter()
        .enumerate()
        .filter(|(_, i)| is_ponr(i))
        .map(|(n, _)| n)
        .collect();
    let (mut before, after) = match ponrs.as_slice() {
        [] => (Vec::new(), script),
        [p] => {
            let mut before = script;
            let after = before.split_off(*p + 1);
            before.pop();
            (before, after)
        }
        _ => return Err(TranslateError::TooManyPointOfNoReturn),
    };
    if let Some(bad) = before
        .iter()
        .find(|i| !is_instr(i, "load_object_code") && !is_instr(i, "apply"))
    {
        return Err(TranslateError::BadOpBeforePointOfNoReturn(bad.clone()));
    }
    let (loc, rest): (Vec<Term>, Vec<Term>) = after
        .into_iter()
        .partition(|i| is_instr(i, "load_object_code"));
    before.extend(loc);
    Ok((before, rest))
}

/// `update`/6,7 → /8, `add_module`/2 → /3, `delete_module`/2 → /3.
fn normalize(i: Term) -> Term {
    let Term::Tuple(mut items) = i else { return i };
    match (items.first().and_then(Term::as_atom), items.len()) {
        (Some("update"), 6) => {
            items.splice(2..2, [atom("dynamic"), atom("default")]);
        }
        (Some("update"), 7) => items.insert(2, atom("dynamic")),
        (Some("add_module" | "delete_module"), 2) => items.push(Term::nil()),
        _ => {}
    }
    Term::Tuple(items)
}

fn atoms_of(t: &Term) -> Cow<'_, [Term]> {
    elems(t).unwrap_or_default()
}

/// Sets compared as lists, ignoring order and multiplicity.
fn difference(a: &[Term], b: &[Term]) -> Vec<Term> {
    let b: BTreeSet<&Term> = b.iter().collect();
    a.iter().filter(|x| !b.contains(x)).cloned().collect()
}

/// What `check_script` looks at in the merged script.
#[derive(Default)]
struct Facts {
    /// The modules of every `load_object_code` before the point of no return.
    objects: BTreeSet<Term>,
    /// The modules of the `load` instructions after it, in order.
    loaded: Vec<Term>,
    suspended: Vec<Term>,
    resumed: Vec<Term>,
    started: Vec<Term>,
    stopped: Vec<Term>,
    /// Whether there is an `add_application`, `remove_application` or
    /// `restart_application`.
    has_app_instrs: bool,
}

impl Facts {
    fn note_before(&mut self, i: &Term) {
        if let Some([_, spec]) = i.as_tuple().filter(|_| is_instr(i, "load_object_code")) {
            if let Some([_, _, mods]) = spec.as_tuple() {
                self.objects.extend(atoms_of(mods).iter().cloned());
            }
        }
    }

    fn note_after(&mut self, i: &Term) {
        let Some([tg, arg]) = i.as_tuple() else {
            self.has_app_instrs |= is_app_instr(i);
            return;
        };
        let list = match tg.as_atom() {
            Some("load") => {
                if let Some([m, _, _]) = arg.as_tuple() {
                    self.loaded.push(m.clone());
                }
                return;
            }
            Some("suspend") => &mut self.suspended,
            Some("resume") => &mut self.resumed,
            Some("start") => &mut self.started,
            Some("stop") => &mut self.stopped,
            _ => {
                self.has_app_instrs |= is_app_instr(i);
                return;
            }
        };
        list.extend(elems(arg).into_iter().flat_map(Cow::into_owned));
    }
}

/// Consistency of low-level instructions written in appups; also tells
/// whether there are application instructions to translate.
fn check_script(facts: Facts) -> Res<bool> {
    if let Some(m) = facts.loaded.iter().find(|m| !facts.objects.contains(m)) {
        return Err(TranslateError::NoObjectCode(m.clone()));
    }
    let suspended: Vec<Term> = facts
        .suspended
        .into_iter()
        .map(|x| match x.as_tuple() {
            Some([m, _]) => m.clone(),
            _ => x,
        })
        .collect();
    let d = difference(&suspended, &facts.resumed);
    if !d.is_empty() {
        return Err(TranslateError::SuspendedNotResumed(d));
    }
    let d = difference(&facts.resumed, &suspended);
    if !d.is_empty() {
        return Err(TranslateError::ResumedNotSuspended(d));
    }
    let d = difference(&facts.started, &facts.stopped);
    if !d.is_empty() {
        return Err(TranslateError::StartNotStop(d));
    }
    let d = difference(&facts.stopped, &facts.started);
    if !d.is_empty() {
        return Err(TranslateError::StopNotStart(d));
    }
    Ok(facts.has_app_instrs)
}

fn is_app_instr(i: &Term) -> bool {
    matches!(
        tag(i),
        Some("add_application" | "remove_application" | "restart_application")
    )
}

fn apply(m: &str, f: &str, args: Vec<Term>) -> Term {
    Term::tuple(vec![
        atom("apply"),
        Term::tuple(vec![atom(m), atom(f), Term::list(args)]),
    ])
}

fn start_instr(app: &Term, ty: &Term) -> Vec<Term> {
    match ty.as_atom() {
        Some("none") => vec![],
        Some("load") => vec![apply("application", "load", vec![app.clone()])],
        _ => vec![apply("application", "start", vec![app.clone(), ty.clone()])],
    }
}

fn mod_atoms(app: &Application) -> Vec<Term> {
    app.modules.iter().map(|m| atom(m)).collect()
}

fn brutal(op: &str, m: Term) -> Term {
    Term::tuple(vec![
        atom(op),
        Term::tuple(vec![m, atom("brutal_purge"), atom("brutal_purge")]),
    ])
}

fn stop_and_remove(app: &Term, mods: Vec<Term>) -> Vec<Term> {
    let mut out = vec![apply("application", "stop", vec![app.clone()])];
    out.extend(mods.iter().map(|m| brutal("remove", m.clone())));
    out.push(Term::tuple(vec![atom("purge"), Term::list(mods)]));
    out
}

/// `{add_module, Mod, []}` for each module, as the `load_module` it becomes.
fn add_modules(mods: Vec<Term>) -> impl Iterator<Item = Term> {
    mods.into_iter()
        .map(|m| add_module_to_load(Term::tuple(vec![atom("add_module"), m, Term::nil()])))
}

/// Applications by name; the first of each name, as a search from the
/// front finds it.
fn index_apps(set: &[Application]) -> FxHashMap<&str, &Application> {
    let mut m = FxHashMap::with_capacity_and_hasher(set.len(), Default::default());
    for a in set.iter().rev() {
        m.insert(a.name.as_str(), a);
    }
    m
}

/// `add_application`, `remove_application`, `restart_application`.
fn application_instrs(
    after: Vec<Term>,
    appls: &[Application],
    pre_appls: &[Application],
) -> Res<Vec<Term>> {
    let (post_index, pre_index) = (index_apps(appls), index_apps(pre_appls));
    let mut out = Vec::with_capacity(after.len());
    for i in after {
        let items = i.as_tuple().unwrap_or(&[]);
        let name = items.get(1).and_then(Term::as_atom).unwrap_or("");
        match (tag(&i), items) {
            (Some("add_application"), [_, app_name, ty]) => {
                let app = post_index
                    .get(name)
                    .ok_or_else(|| TranslateError::NoSuchApplication(name.into()))?;
                out.extend(add_modules(mod_atoms(app)));
                out.extend(start_instr(app_name, ty));
            }
            (Some("remove_application"), [_, app_name]) => {
                if post_index.contains_key(name) {
                    return Err(TranslateError::RemovedApplicationPresent(name.into()));
                }
                let pre = pre_index
                    .get(name)
                    .ok_or_else(|| TranslateError::NoSuchApplication(name.into()))?;
                out.extend(stop_and_remove(app_name, mod_atoms(pre)));
                out.push(apply("application", "unload", vec![app_name.clone()]));
            }
            (Some("restart_application"), [_, app_name]) => {
                let no_such = || TranslateError::NoSuchApplication(name.into());
                let pre = pre_index.get(name).ok_or_else(no_such)?;
                let post = post_index.get(name).ok_or_else(no_such)?;
                out.extend(stop_and_remove(app_name, mod_atoms(pre)));
                out.extend(add_modules(mod_atoms(post)));
                out.extend(start_instr(app_name, &atom(post.start_type.name())));
            }
            _ => out.push(i),
        }
    }
    Ok(out)
}

/// `{add_module, Mod, DepMods}` → `{load_module, Mod, brutal_purge, brutal_purge, DepMods}`.
fn add_module_to_load(i: Term) -> Term {
    match i {
        Term::Tuple(mut items)
            if items.len() == 3 && items.first().and_then(Term::as_atom) == Some("add_module") =>
        {
            items.splice(0..1, [atom("load_module")]);
            items.splice(2..2, [atom("brutal_purge"), atom("brutal_purge")]);
            Term::Tuple(items)
        }
        other => other,
    }
}

/// A module a dependency instruction loads: `{load_object_code, {App,
/// Vsn, [Module]}}` before the merge, kept as references to the release
/// (the merge builds one term per application).
pub(crate) struct LoadRef<'l> {
    app: &'l str,
    vsn: &'l str,
    module: Term,
}

/// One `load_object_code` spec: written in an appup, or needed by a
/// dependency instruction.
enum Spec<'a> {
    Written {
        app: &'a Term,
        vsn: &'a Term,
        mods: Cow<'a, [Term]>,
    },
    Needed(&'a LoadRef<'a>),
}

/// An application: an atom (as `check_op` requires) or, should one get
/// through, any other term, found by order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum AppKey<'a> {
    Atom(&'a str),
    Other(&'a Term),
}

/// A version: a term written in an appup or an application's own.
#[derive(Clone, Copy)]
enum Vsn<'a> {
    Written(&'a Term),
    Release(&'a str),
}

impl<'a> Spec<'a> {
    fn written(i: &'a Term) -> Option<Spec<'a>> {
        match i.as_tuple()?.get(1)?.as_tuple()? {
            [app, vsn, mods, ..] => Some(Spec::Written {
                app,
                vsn,
                mods: atoms_of(mods),
            }),
            _ => None,
        }
    }

    fn app(&self) -> AppKey<'a> {
        match self {
            Spec::Written { app, .. } => match app.as_atom() {
                Some(a) => AppKey::Atom(a),
                None => AppKey::Other(app),
            },
            Spec::Needed(r) => AppKey::Atom(r.app),
        }
    }

    fn vsn(&self) -> Vsn<'a> {
        match self {
            Spec::Written { vsn, .. } => Vsn::Written(vsn),
            Spec::Needed(r) => Vsn::Release(r.vsn),
        }
    }

    fn mods(&self) -> &[Term] {
        match self {
            Spec::Written { mods, .. } => mods,
            Spec::Needed(r) => std::slice::from_ref(&r.module),
        }
    }
}

impl AppKey<'_> {
    fn to_term(self) -> Term {
        match self {
            AppKey::Atom(a) => atom(a),
            AppKey::Other(t) => t.clone(),
        }
    }
}

impl Vsn<'_> {
    fn to_term(self) -> Term {
        match self {
            Vsn::Written(t) => t.clone(),
            Vsn::Release(s) => Term::string(s),
        }
    }

    /// `=:=`
    fn same(self, other: Vsn) -> bool {
        match (self, other) {
            (Vsn::Written(a), Vsn::Written(b)) => same_term(a, b),
            (Vsn::Release(a), Vsn::Release(b)) => a == b,
            (Vsn::Written(t), Vsn::Release(s)) | (Vsn::Release(s), Vsn::Written(t)) => {
                *t == Term::string(s)
            }
        }
    }
}

/// One `load_object_code` per application, at its first occurrence; a
/// module named several times keeps its last position. The specs are the
/// ones written in `before`, then `needed`.
fn merge_load_object_code(before: Vec<Term>, needed: &[LoadRef]) -> Res<Vec<Term>> {
    let (locs, rest): (Vec<Term>, Vec<Term>) = before
        .into_iter()
        .partition(|i| is_instr(i, "load_object_code"));
    let specs: Vec<Spec> = locs
        .iter()
        .filter_map(Spec::written)
        .chain(needed.iter().map(Spec::Needed))
        .collect();
    let (group_of, firsts) = group_by_app(&specs);
    let members = rows::Rows::from_pairs(firsts.len(), group_of.into_iter().zip(0..));
    let mut out = Vec::with_capacity(firsts.len() + rest.len());
    for (g, &first) in firsts.iter().enumerate() {
        let group: Vec<&Spec> = members
            .row(g)
            .iter()
            .filter_map(|&s| specs.get(s))
            .collect();
        let Some(first) = specs.get(first) else {
            continue;
        };
        let vsn = first.vsn();
        if let Some(other) = group.iter().rev().find(|s| !s.vsn().same(vsn)) {
            return Err(TranslateError::ConflictingVersions {
                app: match first.app() {
                    AppKey::Atom(a) => a.to_owned(),
                    AppKey::Other(_) => String::new(),
                },
                vsn1: vsn.to_term(),
                vsn2: other.vsn().to_term(),
            });
        }
        let spec = Term::tuple(vec![
            first.app().to_term(),
            vsn.to_term(),
            Term::list(union_of(&group)),
        ]);
        out.push(Term::tuple(vec![atom("load_object_code"), spec]));
    }
    out.extend(rest);
    Ok(out)
}

/// The group (application) of each spec, numbered by first occurrence, and
/// each group's first spec.
fn group_by_app(specs: &[Spec]) -> (Vec<usize>, Vec<usize>) {
    let mut by_atom: FxHashMap<&str, usize> = FxHashMap::default();
    let mut by_term: BTreeMap<&Term, usize> = BTreeMap::new();
    let mut firsts = Vec::new();
    let mut group_of = Vec::with_capacity(specs.len());
    // a group's modules mostly come one after the other: no lookup for those
    let mut last: Option<(AppKey, usize)> = None;
    for (n, spec) in specs.iter().enumerate() {
        let app = spec.app();
        let next = firsts.len();
        let g = match (last, app) {
            (Some((k, g)), _) if k == app => g,
            (_, AppKey::Atom(a)) => *by_atom.entry(a).or_insert(next),
            (_, AppKey::Other(t)) => *by_term.entry(t).or_insert(next),
        };
        if g == next {
            firsts.push(n);
        }
        group_of.push(g);
        last = Some((app, g));
    }
    (group_of, firsts)
}

/// The modules of an application's specs: `union(A, B) = [a in A, a not in
/// B] ++ B` folded from the right.
fn union_of(group: &[&Spec]) -> Vec<Term> {
    // the modules of dependency instructions are distinct (`muldef_module`)
    if group.iter().all(|s| matches!(s, Spec::Needed(_))) {
        return group.iter().flat_map(|s| s.mods()).cloned().collect();
    }
    // collected back to front, then reversed
    let mut merged_rev: Vec<&Term> = Vec::new();
    let mut seen: BTreeSet<&Term> = BTreeSet::new();
    for spec in group.iter().rev() {
        let fresh_from = merged_rev.len();
        merged_rev.extend(spec.mods().iter().rev().filter(|m| !seen.contains(*m)));
        if let Some(fresh) = merged_rev.get(fresh_from..) {
            seen.extend(fresh.iter().copied());
        }
    }
    merged_rev.into_iter().rev().cloned().collect()
}

/// `a =:= b`, quickly for the usual atoms and string literals.
fn same_term(a: &Term, b: &Term) -> bool {
    match (a, b) {
        (Term::String(x), Term::String(y)) => x == y,
        (Term::Atom(x), Term::Atom(y)) => x == y,
        _ => a == b,
    }
}

/// `restart_new_emulator` first (up) or a `restart_emulator` last (down);
/// one `restart_emulator` at the very end.
fn sort_emulator_restart(mode: Direction, mut before: Vec<Term>, after: Vec<Term>) -> Vec<Term> {
    let is = |t: &Term, a: &str| t.as_atom() == Some(a);
    let had_new = after.iter().any(|i| is(i, "restart_new_emulator"));
    let mut after: Vec<Term> = after
        .into_iter()
        .filter(|i| !is(i, "restart_new_emulator"))
        .collect();
    if had_new {
        match mode {
            Direction::Up => before.insert(0, atom("restart_new_emulator")),
            Direction::Down => after.push(atom("restart_emulator")),
        }
    }
    if after.iter().any(|i| is(i, "restart_emulator")) {
        after.retain(|i| !is(i, "restart_emulator"));
        after.push(atom("restart_emulator"));
    }
    before.push(atom("point_of_no_return"));
    before.extend(after);
    before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(text: &str) -> Cow<'static, [Term]> {
        let term = erlterm::parse_str(text).unwrap_or_default().remove(0);
        Cow::Owned(term.to_list().unwrap_or_default())
    }

    /// OTP checks the merged script: every script's part before its
    /// `point_of_no_return`, then every part after.
    #[test]
    fn a_bad_instruction_before_is_reported_before_one_after() {
        let scripts = vec![
            script("[point_of_no_return, {load_module, m, bad, brutal_purge, []}]."),
            script("[{apply, {m, f, not_a_list}}, point_of_no_return]."),
        ];
        let err = translate(Direction::Up, scripts, &[], &[]).err();
        let want = TranslateError::Syntax {
            field: "bad_args_list",
            value: Term::atom("not_a_list"),
        };
        assert_eq!(err, Some(want));
    }
}
