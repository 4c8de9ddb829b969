//! Consistency checks of a release's applications and their start order,
//! as `systools_make:get_release/2` computes them (the order in which
//! appup scripts are merged).

use std::collections::{HashMap, HashSet, VecDeque};

use crate::app::Application;
use crate::error::ReleaseError;
use crate::release::Release;

/// Checks `apps` (in `.rel` order) and returns them in start order.
pub(crate) fn check_and_sort(
    release: &Release,
    apps: Vec<Application>,
) -> Result<Vec<Application>, ReleaseError> {
    undefined_apps(&apps)?;
    duplicate_registered(&apps)?;
    let includers = duplicate_includes(&apps)?;
    let mut apps = add_top_apps_to_uses(&includers, apps);
    sort_by_rel_position(release, &mut apps);
    duplicate_modules(&apps)?;
    sort_apps(apps)
}

fn undefined_apps(apps: &[Application]) -> Result<(), ReleaseError> {
    let defined: HashSet<&str> = apps.iter().map(|a| a.name.as_str()).collect();
    let mut missing: Vec<String> = Vec::new();
    for app in apps {
        let needed = app
            .uses
            .iter()
            .filter(|u| !app.optional.contains(u))
            .chain(&app.includes);
        for name in needed {
            if !defined.contains(name.as_str()) && !missing.contains(name) {
                missing.push(name.clone());
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ReleaseError::UndefinedApplications(missing))
    }
}

/// The first pair of entries sharing a key, by key order (OTP sorts by key).
fn first_duplicate<'a>(pairs: &[(&'a str, &'a str)]) -> Option<(&'a str, &'a str, &'a str)> {
    let mut seen: HashMap<&str, &str> = HashMap::new();
    let mut best: Option<(&str, &str, &str)> = None;
    for &(key, owner) in pairs {
        if let Some(first) = seen.get(key) {
            if best.is_none_or(|(k, _, _)| key < k) {
                best = Some((key, first, owner));
            }
        } else {
            seen.insert(key, owner);
        }
    }
    best
}

fn duplicate_registered(apps: &[Application]) -> Result<(), ReleaseError> {
    let regs: Vec<(&str, &str)> = apps
        .iter()
        .flat_map(|a| {
            a.registered
                .iter()
                .map(move |r| (r.as_str(), a.name.as_str()))
        })
        .collect();
    match first_duplicate(&regs) {
        None => Ok(()),
        Some((name, a1, a2)) => Err(ReleaseError::DuplicateRegister {
            name: name.into(),
            app1: a1.into(),
            app2: a2.into(),
        }),
    }
}

/// Checks that no application is included twice; returns included → includer.
fn duplicate_includes(apps: &[Application]) -> Result<HashMap<String, String>, ReleaseError> {
    let incs: Vec<(&str, &str)> = apps
        .iter()
        .flat_map(|a| {
            a.includes
                .iter()
                .map(move |i| (i.as_str(), a.name.as_str()))
        })
        .collect();
    if let Some((name, a1, a2)) = first_duplicate(&incs) {
        return Err(ReleaseError::DuplicateInclude {
            name: name.into(),
            app1: a1.into(),
            app2: a2.into(),
        });
    }
    Ok(incs
        .iter()
        .map(|(i, a)| ((*i).to_owned(), (*a).to_owned()))
        .collect())
}

/// The top-most application including `app` (itself if not included).
fn top_app<'a>(app: &'a str, includers: &'a HashMap<String, String>) -> &'a str {
    let mut cur = app;
    // bounded: an inclusion cycle is caught later as a circular dependency
    for _ in 0..=includers.len() {
        match includers.get(cur) {
            Some(parent) => cur = parent,
            None => break,
        }
    }
    cur
}

/// `add_top_apps_to_uses`: a used application that is included by another
/// one is replaced by its top including application.
fn add_top_apps_to_uses(
    includers: &HashMap<String, String>,
    mut apps: Vec<Application>,
) -> Vec<Application> {
    for app in &mut apps {
        let my_top = top_app(&app.name, includers).to_owned();
        let mut acc = app.uses.clone();
        for used in &app.uses {
            if *used == my_top {
                remove_first(&mut acc, &my_top);
            } else if let Some(depend_app) = includers.get(used) {
                let used_top = top_app(depend_app, includers);
                if acc.iter().any(|a| a == used_top) {
                    remove_first(&mut acc, used);
                } else if used_top != my_top {
                    remove_first(&mut acc, used);
                    acc.push(used_top.to_owned());
                }
            }
        }
        app.uses = acc;
    }
    apps
}

fn remove_first(list: &mut Vec<String>, item: &str) {
    if let Some(pos) = list.iter().position(|x| x == item) {
        list.remove(pos);
    }
}

/// Uses and includes lists are stably sorted by `.rel` position (unknown last).
fn sort_by_rel_position(release: &Release, apps: &mut [Application]) {
    let mut pos: HashMap<&str, usize> = HashMap::new();
    for (i, a) in release.apps.iter().enumerate() {
        pos.entry(a.name.as_str()).or_insert(i);
    }
    let key = |n: &String| pos.get(n.as_str()).copied().unwrap_or(usize::MAX);
    for app in apps.iter_mut() {
        if app.uses.len() > 1 {
            app.uses.sort_by_key(key);
        }
        if app.includes.len() > 1 {
            app.includes.sort_by_key(key);
        }
    }
}

fn duplicate_modules(apps: &[Application]) -> Result<(), ReleaseError> {
    let mods: Vec<(&str, &str)> = apps
        .iter()
        .flat_map(|a| a.modules.iter().map(move |m| (m.as_str(), a.name.as_str())))
        .collect();
    match first_duplicate(&mods) {
        None => Ok(()),
        Some((module, a1, a2)) => Err(ReleaseError::DuplicateModules {
            module: module.into(),
            app1: a1.into(),
            app2: a2.into(),
        }),
    }
}

/// `systools_make:sort_appls/1`: a work queue in `.rel` order; an application
/// whose dependencies are still queued is put back after them. Queue entries
/// carry a ticket so that moving an entry to the front is O(1).
// Every index used here is below `n = apps.len()`: the queue starts with
// `0..n`, `index` maps names to positions in `apps`, and only those indices
// are pushed; `ticket`, `queued`, `visited` and `slots` all have length `n`.
#[allow(clippy::indexing_slicing)]
fn sort_apps(apps: Vec<Application>) -> Result<Vec<Application>, ReleaseError> {
    let n = apps.len();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, a) in apps.iter().enumerate() {
        index.entry(a.name.as_str()).or_insert(i);
    }
    let mut ticket = vec![0u32; n];
    let mut queued = vec![true; n];
    let mut visited = vec![false; n];
    let mut queue: VecDeque<(usize, u32)> = (0..n).map(|i| (i, 0)).collect();
    let mut order = Vec::with_capacity(n);
    let mut missing: Vec<String> = Vec::new();
    let mut circular: Vec<String> = Vec::new();
    // a bound on iterations: each step either outputs an app or moves deps forward
    let mut budget = n.saturating_mul(n).saturating_add(16).min(50_000_000);
    while let Some((x, t)) = queue.pop_front() {
        if !queued[x] || ticket[x] != t {
            continue;
        }
        budget = budget.saturating_sub(1);
        if budget == 0 {
            circular.push(apps[x].name.clone());
            break;
        }
        queued[x] = false;
        let app = &apps[x];
        let mut found = Vec::new();
        for (list, is_uses) in [(&app.uses, true), (&app.includes, false)] {
            for name in list {
                match index.get(name.as_str()) {
                    Some(&j) if queued[j] && !apps[j].includes.contains(&app.name) => {
                        queued[j] = false;
                        found.push(j);
                    }
                    Some(&j) if visited[j] => {}
                    _ if is_uses && app.optional.contains(name) => {}
                    _ => missing.push(name.clone()),
                }
            }
        }
        if found.is_empty() {
            order.push(x);
            visited[x] = true;
            continue;
        }
        let (circ, deps): (Vec<usize>, Vec<usize>) = found.into_iter().partition(|&j| visited[j]);
        if !circ.is_empty() {
            circular.push(app.name.clone());
            circular.extend(circ.iter().map(|&j| apps[j].name.clone()));
        }
        visited[x] = true;
        for &j in deps.iter().chain(std::iter::once(&x)).rev() {
            ticket[j] = ticket[j].wrapping_add(1);
            queued[j] = true;
            queue.push_front((j, ticket[j]));
        }
    }
    if !circular.is_empty() {
        dedup(&mut circular);
        return Err(ReleaseError::CircularDependencies(circular));
    }
    if !missing.is_empty() {
        dedup(&mut missing);
        return Err(ReleaseError::UndefinedApplications(missing));
    }
    let mut slots: Vec<Option<Application>> = apps.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

fn dedup(v: &mut Vec<String>) {
    let mut seen = HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
}
