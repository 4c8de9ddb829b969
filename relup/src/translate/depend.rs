//! Dependency instructions (`update`, `load_module`, `delete_module`):
//! grouping by `DepMods`, ordering, and lowering to low-level instructions
//! (`systools_rc:translate_dependent_instrs/4`).
//!
//! OTP is quadratic here; this is O(n log n): one pass for the graph, one
//! Tarjan pass for the strong components, one Kahn pass per group.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use appup::Direction;

use crate::fxhash::FxHashMap;
use erlterm::Term;

use super::syntax::{atom, elems, tag};
use super::Res;
use crate::app::Application;
use crate::error::TranslateError;

const DEP_INSTRS: [&str; 3] = ["update", "load_module", "delete_module"];

/// One dependency instruction.
struct Dep<'a> {
    /// Position in the `After` list.
    pos: usize,
    instr: &'a Term,
    /// Indices (into the dependency list) of the modules it depends on.
    edges: Vec<usize>,
}

/// Replaces the dependency instructions of `after` by their lowered groups;
/// returns the `load_object_code` instructions they need and the new list.
// `n` comes from `dep_at`, whose values are indices of `deps`; `done` and
// `group_of` have one item per dep; `group_of` values index `order` and
// `order`'s members are dep indices (see `group_orders`).
#[allow(clippy::indexing_slicing)]
pub(super) fn translate_dependent(
    mode: Direction,
    after: Vec<Term>,
    appls: &[Application],
) -> Res<(Vec<Term>, Vec<Term>)> {
    let deps = dependency_graph(&after)?;
    if deps.is_empty() {
        return Ok((Vec::new(), after));
    }
    let group_of = weak_components(&deps);
    let order = group_orders(&deps, &group_of);
    let libs = module_owners(appls);
    // Each group is lowered where its first instruction was.
    let mut lowered: FxHashMap<usize, Vec<Term>> = FxHashMap::default();
    let mut is_dep = vec![false; after.len()];
    let mut done = vec![false; deps.len()];
    let mut new_loc = Vec::new();
    for (n, d) in deps.iter().enumerate() {
        is_dep[d.pos] = true;
        if done[n] {
            continue;
        }
        let members = &order[group_of[n]];
        for &m in members {
            done[m] = true;
        }
        let group: Vec<&Term> = members.iter().map(|&m| deps[m].instr).collect();
        let (loc, low) = lower(mode, &group, &libs)?;
        new_loc.extend(loc);
        lowered.insert(d.pos, low);
    }
    drop(deps);
    let mut new_after = Vec::with_capacity(after.len());
    for (pos, instr) in after.into_iter().enumerate() {
        if let Some(low) = lowered.remove(&pos) {
            new_after.extend(low);
        } else if !is_dep[pos] {
            new_after.push(instr);
        }
    }
    Ok((new_loc, new_after))
}

fn is_dep(i: &Term) -> bool {
    tag(i).is_some_and(|t| DEP_INSTRS.contains(&t))
}

fn module_name(t: &Term) -> &str {
    t.as_atom().unwrap_or_default()
}

fn dependency_graph(after: &[Term]) -> Res<Vec<Dep<'_>>> {
    let mut index: FxHashMap<&str, usize> = FxHashMap::default();
    let mut deps = Vec::new();
    for (pos, i) in after.iter().enumerate().filter(|(_, i)| is_dep(i)) {
        let items = i.as_tuple().unwrap_or(&[]);
        let m = items.get(1).map(module_name).unwrap_or_default();
        if index.insert(m, deps.len()).is_some() {
            return Err(TranslateError::MuldefModule(m.to_owned()));
        }
        deps.push(Dep {
            pos,
            instr: i,
            edges: Vec::new(),
        });
    }
    for d in &mut deps {
        let items = d.instr.as_tuple().unwrap_or(&[]);
        for target in items.last().and_then(elems).unwrap_or_default().iter() {
            let name = module_name(target);
            let &to = index
                .get(name)
                .ok_or_else(|| TranslateError::UndefModule(name.to_owned()))?;
            d.edges.push(to);
        }
    }
    Ok(deps)
}

/// Union-find over the edges: the group (weak component) of each instruction,
/// numbered in order of first member.
// `parent` has one slot per dep and holds dep indices; edges are dep indices
// (`dependency_graph` takes them from its name → index map).
#[allow(clippy::indexing_slicing)]
fn weak_components(deps: &[Dep]) -> Vec<usize> {
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut parent: Vec<usize> = (0..deps.len()).collect();
    for (n, d) in deps.iter().enumerate() {
        for &e in &d.edges {
            let (a, b) = (root(&mut parent, n), root(&mut parent, e));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut number: FxHashMap<usize, usize> = FxHashMap::default();
    (0..deps.len())
        .map(|n| {
            let r = root(&mut parent, n);
            let next = number.len();
            *number.entry(r).or_insert(next)
        })
        .collect()
}

/// Strong components (iterative Tarjan); returns the component of each node.
// Nodes are `0..n` and edges are dep indices, so every index is below `n`,
// the length of all the per-node vectors.
#[allow(clippy::indexing_slicing)]
fn strong_components(deps: &[Dep]) -> Vec<usize> {
    let n = deps.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_comp = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(start, 0)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut ei)) = call.last_mut() {
            if let Some(&w) = deps[v].edges.get(*ei) {
                *ei += 1;
                if index[w] == usize::MAX {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            call.pop();
            if let Some(&(parent, _)) = call.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = next_comp;
                    if w == v {
                        break;
                    }
                }
                next_comp += 1;
            }
        }
    }
    comp
}

/// For each group, its instructions in dependency order: strong components
/// in a topological order (dependents first; among ready components the one
/// with the smallest instruction index, spec/relup.md §6.5), members by index.
// Components are `0..ncomp` (`ncomp` is one more than the largest), each has
// at least one member, groups are `0..ngroups` likewise, and edges are dep
// indices: every index is in bounds of the vector it indexes.
#[allow(clippy::indexing_slicing)]
fn group_orders(deps: &[Dep], group_of: &[usize]) -> Vec<Vec<usize>> {
    let comp = strong_components(deps);
    let ncomp = comp.iter().map(|c| c + 1).max().unwrap_or(0);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); ncomp];
    for (n, &c) in comp.iter().enumerate() {
        members[c].push(n); // ascending, so members[c][0] is the minimum
    }
    let mut indegree = vec![0usize; ncomp];
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); ncomp];
    for (n, d) in deps.iter().enumerate() {
        for &e in &d.edges {
            if comp[n] != comp[e] {
                out_edges[comp[n]].push(comp[e]);
                indegree[comp[e]] += 1;
            }
        }
    }
    let ngroups = group_of.iter().map(|g| g + 1).max().unwrap_or(0);
    let mut ready: Vec<BinaryHeap<Reverse<(usize, usize)>>> = vec![BinaryHeap::new(); ngroups];
    for c in 0..ncomp {
        if indegree[c] == 0 {
            let first = members[c][0];
            ready[group_of[first]].push(Reverse((first, c)));
        }
    }
    let mut orders: Vec<Vec<usize>> = vec![Vec::new(); ngroups];
    for (g, heap) in ready.iter_mut().enumerate() {
        while let Some(Reverse((_, c))) = heap.pop() {
            orders[g].extend(&members[c]);
            for &t in &out_edges[c] {
                indegree[t] -= 1;
                if indegree[t] == 0 {
                    heap.push(Reverse((members[t][0], t)));
                }
            }
        }
    }
    orders
}

/// Module → (application, version) of the release moved to (first wins).
fn module_owners(appls: &[Application]) -> FxHashMap<&str, (&str, &str)> {
    let n = appls.iter().map(|a| a.modules.len()).sum();
    let mut owners = FxHashMap::with_capacity_and_hasher(n, Default::default());
    for a in appls {
        for m in &a.modules {
            owners
                .entry(m.as_str())
                .or_insert((a.name.as_str(), a.vsn.as_str()));
        }
    }
    owners
}

fn purge_triple(op: &str, m: &Term, pre: &Term, post: &Term) -> Term {
    Term::tuple(vec![
        atom(op),
        Term::tuple(vec![m.clone(), pre.clone(), post.clone()]),
    ])
}

/// An `update` instruction as `check_op` leaves it:
/// `{update, Mod, ModType, Timeout, Change, PrePurge, PostPurge, DepMods}`.
struct Update<'a> {
    module: &'a Term,
    mod_type: &'a Term,
    timeout: &'a Term,
    change: &'a Term,
}

/// A dependency instruction, by kind.
enum DepOp<'a> {
    /// The update, then `PrePurge` and `PostPurge`.
    Update(Update<'a>, &'a Term, &'a Term),
    /// `{load_module, Mod, PrePurge, PostPurge, DepMods}`.
    Load(&'a Term, &'a Term, &'a Term),
    /// `{delete_module, Mod, DepMods}`.
    Delete(&'a Term),
}

impl<'a> DepOp<'a> {
    /// `check_op` has checked the shape; anything else is a syntax error.
    fn of(i: &'a Term) -> Res<DepOp<'a>> {
        let bad = || TranslateError::Syntax {
            field: "bad_instruction",
            value: i.clone(),
        };
        let items = i.as_tuple().ok_or_else(bad)?;
        let Some((tag, args)) = items.split_first() else {
            return Err(bad());
        };
        match (tag.as_atom(), args) {
            (Some("update"), [module, mod_type, timeout, change, pre, post, ..]) => {
                Ok(DepOp::Update(
                    Update {
                        module,
                        mod_type,
                        timeout,
                        change,
                    },
                    pre,
                    post,
                ))
            }
            (Some("update"), _) => Err(bad()),
            (Some("load_module"), [module, pre, post, ..]) => Ok(DepOp::Load(module, pre, post)),
            (Some("load_module"), _) => Err(bad()),
            (_, [module, ..]) => Ok(DepOp::Delete(module)),
            (_, []) => Err(bad()),
        }
    }
}

/// `translate_dep_to_low/3` for one group in dependency order.
fn lower(
    mode: Direction,
    group: &[&Term],
    libs: &FxHashMap<&str, (&str, &str)>,
) -> Res<(Vec<Term>, Vec<Term>)> {
    let ops: Vec<DepOp> = group.iter().map(|i| DepOp::of(i)).collect::<Res<_>>()?;
    let updates: Vec<&Update> = ops
        .iter()
        .filter_map(|op| match op {
            DepOp::Update(u, _, _) => Some(u),
            _ => None,
        })
        .collect();
    let suspend: Vec<Term> = updates
        .iter()
        .map(|u| match u.timeout.as_atom() {
            Some("default") => u.module.clone(),
            _ => Term::tuple(vec![u.module.clone(), u.timeout.clone()]),
        })
        .collect();
    let mut load_remove: Vec<Vec<Term>> = Vec::with_capacity(ops.len());
    let mut loaded: Vec<&Term> = Vec::new();
    for op in &ops {
        let bp = atom("brutal_purge");
        load_remove.push(match op {
            DepOp::Update(u, pre, post) => {
                loaded.push(u.module);
                vec![purge_triple("load", u.module, pre, post)]
            }
            DepOp::Load(m, pre, post) => {
                loaded.push(m);
                vec![purge_triple("load", m, pre, post)]
            }
            DepOp::Delete(m) => vec![
                purge_triple("remove", m, &bp, &bp),
                Term::tuple(vec![atom("purge"), Term::list(vec![(*m).clone()])]),
            ],
        });
    }
    let mut loc = Vec::new();
    for m in loaded {
        let name = m.as_atom().unwrap_or_default();
        let &(app, vsn) = libs
            .get(name)
            .ok_or_else(|| TranslateError::NoSuchModule(name.to_owned()))?;
        let spec = Term::tuple(vec![
            atom(app),
            Term::string(vsn),
            Term::list(vec![m.clone()]),
        ]);
        loc.push(Term::tuple(vec![atom("load_object_code"), spec]));
    }
    let code_change = |dir: &str, pick: &dyn Fn(&Term) -> bool| -> Vec<Term> {
        let mods: Vec<Term> = updates
            .iter()
            .filter(|u| pick(u.mod_type))
            .filter_map(|u| match u.change.as_tuple() {
                Some([a, extra]) if a.as_atom() == Some("advanced") => {
                    Some(Term::tuple(vec![u.module.clone(), extra.clone()]))
                }
                _ => None,
            })
            .collect();
        if mods.is_empty() {
            vec![]
        } else {
            vec![Term::tuple(vec![
                atom("code_change"),
                atom(dir),
                Term::list(mods),
            ])]
        }
    };
    let mut low = Vec::new();
    if !suspend.is_empty() {
        low.push(Term::tuple(vec![atom("suspend"), Term::list(suspend)]));
    }
    match mode {
        Direction::Up => {
            low.extend(load_remove.into_iter().rev().flatten());
            low.extend(code_change("up", &|_| true));
        }
        Direction::Down => {
            low.extend(code_change("down", &|t| t.as_atom() == Some("dynamic")));
            low.extend(load_remove.into_iter().flatten());
            low.extend(code_change("down", &|t| t.as_atom() == Some("static")));
        }
    }
    if !updates.is_empty() {
        let resumed = updates.iter().rev().map(|u| u.module.clone()).collect();
        low.push(Term::tuple(vec![atom("resume"), Term::list(resumed)]));
    }
    Ok((loc, low))
}
