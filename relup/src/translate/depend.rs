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
use compact_str::CompactString;
use erlterm::Term;

use super::rows::Rows;
use super::syntax::{atom, elems, tag};
use super::{LoadRef, Res};
use crate::app::Application;
use crate::error::TranslateError;

const DEP_INSTRS: [&str; 3] = ["update", "load_module", "delete_module"];

/// The dependency instructions of an `After` list (numbered in list order)
/// and their `DepMods` edges.
struct Graph<'a> {
    /// Position in the `After` list of each instruction (ascending).
    pos: Vec<usize>,
    instrs: Vec<&'a Term>,
    /// The instructions each one depends on.
    edges: Rows,
    /// Module name → instruction. The names are copied (inline up to 24
    /// bytes): comparing a key does not read its instruction again, which
    /// at 10^5 instructions is a cache miss per lookup.
    index: FxHashMap<CompactString, usize>,
}

/// The lowered groups, in the order of their first instructions.
struct Lowered<'l> {
    /// The `load_object_code` each group needs, group after group.
    loc: Vec<LoadRef<'l>>,
    /// The low-level instructions of every group, one after the other.
    low: Vec<Term>,
    /// Each group's first position in `After` and its number of instructions.
    groups: Vec<(usize, usize)>,
    /// Positions of all dependency instructions (ascending).
    dep_pos: Vec<usize>,
}

/// Replaces the dependency instructions of `after` by their lowered groups;
/// returns the `load_object_code` instructions they need and the new list.
pub(super) fn translate_dependent(
    mode: Direction,
    after: Vec<Term>,
    appls: &[Application],
) -> Res<(Vec<LoadRef<'_>>, Vec<Term>)> {
    let lowered = {
        let graph = dependency_graph(&after)?;
        if graph.pos.is_empty() {
            return Ok((Vec::new(), after));
        }
        lower_groups(mode, graph, appls)?
    };
    let loc = lowered.loc;
    Ok((
        loc,
        splice(after, lowered.low, &lowered.groups, &lowered.dep_pos),
    ))
}

/// Each group is lowered where its first instruction was; its other
/// instructions are dropped.
fn splice(
    after: Vec<Term>,
    low: Vec<Term>,
    groups: &[(usize, usize)],
    dep_pos: &[usize],
) -> Vec<Term> {
    let mut out = Vec::with_capacity(after.len() - dep_pos.len() + low.len());
    let mut low = low.into_iter();
    let mut deps = dep_pos.iter().peekable();
    let mut groups = groups.iter().peekable();
    for (pos, instr) in after.into_iter().enumerate() {
        if deps.next_if(|&&p| p == pos).is_none() {
            out.push(instr);
        } else if let Some(&(_, len)) = groups.next_if(|(first, _)| *first == pos) {
            out.extend(low.by_ref().take(len));
        }
    }
    out
}

/// Every group lowered in dependency order. Groups are numbered by their
/// first instruction, so group order is `After` order.
fn lower_groups<'a, 'l>(
    mode: Direction,
    graph: Graph<'a>,
    appls: &'l [Application],
) -> Res<Lowered<'l>> {
    let (group_of, firsts) = weak_components(&graph);
    let orders = group_orders(&graph, &group_of, firsts.len());
    let owners = module_owners(&graph, appls);
    let mut lowered = Lowered {
        loc: Vec::with_capacity(graph.pos.len()),
        low: Vec::with_capacity(graph.pos.len() + 2 * firsts.len()),
        groups: Vec::with_capacity(firsts.len()),
        dep_pos: Vec::new(),
    };
    for (g, &first) in firsts.iter().enumerate() {
        let before = lowered.low.len();
        lower(mode, orders.row(g), &graph, &owners, &mut lowered)?;
        let first_pos = graph.pos.get(first).copied().unwrap_or_default();
        lowered.groups.push((first_pos, lowered.low.len() - before));
    }
    lowered.dep_pos = graph.pos;
    Ok(lowered)
}

fn is_dep(i: &Term) -> bool {
    tag(i).is_some_and(|t| DEP_INSTRS.contains(&t))
}

fn module_name(t: &Term) -> &str {
    t.as_atom().unwrap_or_default()
}

/// The graph in one pass over `after`: an edge to a module whose
/// instruction comes later is filled in at the end (OTP reports
/// `muldef_module` before `undef_module`, and the first of each in order).
fn dependency_graph(after: &[Term]) -> Res<Graph<'_>> {
    // sized for a script of dependency instructions only: no rehashing
    let mut graph = Graph {
        pos: Vec::with_capacity(after.len()),
        instrs: Vec::with_capacity(after.len()),
        edges: Rows::with_capacity(after.len(), after.len()),
        index: FxHashMap::with_capacity_and_hasher(after.len(), Default::default()),
    };
    // (edge slot, module) of each edge to a module not seen yet
    let mut forward: Vec<(usize, String)> = Vec::new();
    for (pos, i) in after.iter().enumerate().filter(|(_, i)| is_dep(i)) {
        let items = i.as_tuple().unwrap_or(&[]);
        let m = items.get(1).map(module_name).unwrap_or_default();
        if graph.index.insert(m.into(), graph.pos.len()).is_some() {
            return Err(TranslateError::MuldefModule(m.to_owned()));
        }
        graph.pos.push(pos);
        graph.instrs.push(i);
        for target in items.last().and_then(elems).unwrap_or_default().iter() {
            let name = module_name(target);
            let to = match graph.index.get(name) {
                Some(&to) => to,
                None => {
                    forward.push((graph.edges.items_len(), name.to_owned()));
                    usize::MAX
                }
            };
            graph.edges.push_item(to);
        }
        graph.edges.end_row();
    }
    for (slot, name) in forward {
        let &to = graph
            .index
            .get(name.as_str())
            .ok_or(TranslateError::UndefModule(name))?;
        graph.edges.set_item(slot, to);
    }
    Ok(graph)
}

/// Union-find over the edges: the group (weak component) of each
/// instruction, numbered in order of first member, and each group's first
/// member.
// `parent` has one slot per instruction and holds instruction indices;
// edges are instruction indices (`dependency_graph` takes them from its
// name → index map); `number` has one slot per instruction too.
#[allow(clippy::indexing_slicing)]
fn weak_components(graph: &Graph) -> (Vec<usize>, Vec<usize>) {
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let n = graph.pos.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for v in 0..n {
        for &e in graph.edges.row(v) {
            let (a, b) = (root(&mut parent, v), root(&mut parent, e));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
    }
    let mut number = vec![usize::MAX; n];
    let mut firsts = Vec::new();
    let group_of = (0..n)
        .map(|v| {
            let r = root(&mut parent, v);
            if number[r] == usize::MAX {
                number[r] = firsts.len();
                firsts.push(v);
            }
            number[r]
        })
        .collect();
    (group_of, firsts)
}

/// Strong components (iterative Tarjan); returns the component of each node.
// Nodes are `0..n` and edges are instruction indices, so every index is
// below `n`, the length of all the per-node vectors.
#[allow(clippy::indexing_slicing)]
fn strong_components(graph: &Graph) -> Vec<usize> {
    let n = graph.pos.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![usize::MAX; n];
    let mut next_index = 0;
    let mut next_comp = 0;
    let mut call: Vec<(usize, usize)> = Vec::new();
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        call.push((start, 0));
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (v, ref mut ei)) = call.last_mut() {
            if let Some(&w) = graph.edges.row(v).get(*ei) {
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
// at least one member, groups are `0..ngroups`, and edges are instruction
// indices: every index is in bounds of the vector it indexes.
#[allow(clippy::indexing_slicing)]
fn group_orders(graph: &Graph, group_of: &[usize], ngroups: usize) -> Rows {
    let comp = strong_components(graph);
    let ncomp = comp.iter().map(|c| c + 1).max().unwrap_or(0);
    // ascending, so a component's first member is its minimum
    let members = Rows::from_pairs(ncomp, comp.iter().copied().zip(0..));
    let comp = comp.as_slice();
    let cross = (0..comp.len()).flat_map(|v| {
        let from = comp[v];
        graph
            .edges
            .row(v)
            .iter()
            .map(move |&e| (from, comp[e]))
            .filter(|(from, to)| from != to)
    });
    let mut indegree = vec![0usize; ncomp];
    for (_, to) in cross.clone() {
        indegree[to] += 1;
    }
    let out_edges = Rows::from_pairs(ncomp, cross);
    let first = |c: usize| members.row(c)[0];
    let sources = (0..ncomp)
        .filter(|&c| indegree[c] == 0)
        .map(|c| (group_of[first(c)], c));
    let ready_at_start = Rows::from_pairs(ngroups, sources);
    let mut orders = Rows::with_capacity(ngroups, comp.len());
    let mut heap: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
    for g in 0..ngroups {
        heap.extend(
            ready_at_start
                .row(g)
                .iter()
                .map(|&c| Reverse((first(c), c))),
        );
        while let Some(Reverse((_, c))) = heap.pop() {
            for &v in members.row(c) {
                orders.push_item(v);
            }
            for &t in out_edges.row(c) {
                indegree[t] -= 1;
                if indegree[t] == 0 {
                    heap.push(Reverse((first(t), t)));
                }
            }
        }
        orders.end_row();
    }
    orders
}

/// The (application, version) of the release moved to that lists each
/// instruction's module, if any (first wins). Probes the graph's index
/// with every module instead of indexing every module.
fn module_owners<'l>(graph: &Graph, appls: &'l [Application]) -> Vec<Option<(&'l str, &'l str)>> {
    let mut owners = vec![None; graph.pos.len()];
    for a in appls {
        for m in &a.modules {
            let Some(&n) = graph.index.get(m.as_str()) else {
                continue;
            };
            if let Some(owner @ None) = owners.get_mut(n) {
                *owner = Some((a.name.as_str(), a.vsn.as_str()));
            }
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

/// `translate_dep_to_low/3` for one group in dependency order: the
/// modules to load go to `out.loc`, the instructions to `out.low`.
fn lower<'l>(
    mode: Direction,
    group: &[usize],
    graph: &Graph,
    owners: &[Option<(&'l str, &'l str)>],
    out: &mut Lowered<'l>,
) -> Res<()> {
    let ops: Vec<(usize, DepOp)> = group
        .iter()
        .filter_map(|&n| Some((n, *graph.instrs.get(n)?)))
        .map(|(n, i)| Ok((n, DepOp::of(i)?)))
        .collect::<Res<_>>()?;
    for (n, op) in &ops {
        let m = match op {
            DepOp::Update(u, _, _) => u.module,
            DepOp::Load(m, _, _) => m,
            DepOp::Delete(_) => continue,
        };
        let &(app, vsn) = owners
            .get(*n)
            .and_then(Option::as_ref)
            .ok_or_else(|| TranslateError::NoSuchModule(module_name(m).to_owned()))?;
        out.loc.push(LoadRef {
            app,
            vsn,
            module: m.clone(),
        });
    }
    let updates: Vec<&Update> = ops
        .iter()
        .filter_map(|(_, op)| match op {
            DepOp::Update(u, _, _) => Some(u),
            _ => None,
        })
        .collect();
    let low = &mut out.low;
    if !updates.is_empty() {
        let suspend = updates
            .iter()
            .map(|u| match u.timeout.as_atom() {
                Some("default") => u.module.clone(),
                _ => Term::tuple(vec![u.module.clone(), u.timeout.clone()]),
            })
            .collect();
        low.push(Term::tuple(vec![atom("suspend"), Term::list(suspend)]));
    }
    match mode {
        Direction::Up => {
            for (_, op) in ops.iter().rev() {
                load_remove(op, low);
            }
            low.extend(code_change(&updates, "up", |_| true));
        }
        Direction::Down => {
            low.extend(code_change(&updates, "down", |t| {
                t.as_atom() == Some("dynamic")
            }));
            for (_, op) in &ops {
                load_remove(op, low);
            }
            low.extend(code_change(&updates, "down", |t| {
                t.as_atom() == Some("static")
            }));
        }
    }
    if !updates.is_empty() {
        let resumed = updates.iter().rev().map(|u| u.module.clone()).collect();
        low.push(Term::tuple(vec![atom("resume"), Term::list(resumed)]));
    }
    Ok(())
}

/// The `load` of an update or a load, the `remove` and `purge` of a delete.
fn load_remove(op: &DepOp, low: &mut Vec<Term>) {
    match op {
        DepOp::Update(u, pre, post) => low.push(purge_triple("load", u.module, pre, post)),
        DepOp::Load(m, pre, post) => low.push(purge_triple("load", m, pre, post)),
        DepOp::Delete(m) => {
            let bp = atom("brutal_purge");
            low.push(purge_triple("remove", m, &bp, &bp));
            low.push(Term::tuple(vec![
                atom("purge"),
                Term::list(vec![(*m).clone()]),
            ]));
        }
    }
}

/// `{code_change, Dir, [{Mod, Extra}]}` for the advanced updates whose
/// module type `pick` selects; nothing if there are none.
fn code_change(updates: &[&Update], dir: &str, pick: impl Fn(&Term) -> bool) -> Option<Term> {
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
    (!mods.is_empty()).then(|| Term::tuple(vec![atom("code_change"), atom(dir), Term::list(mods)]))
}
