//! The relup file: `{TopVsn, [{UpFromVsn, Descr, Instrs}], [{DownToVsn, Descr, Instrs}]}`.

use erlterm::{Node, NodeKind, Span, Term};

/// One `{Vsn, Descr, Instructions}` entry of a relup.
#[derive(Debug, Clone, PartialEq)]
pub struct RelupEntry {
    /// The base release version (upgraded from, or downgraded to).
    pub vsn: String,
    /// The description (any term; `[]` unless given).
    pub description: Term,
    /// Low-level instructions.
    pub instructions: Vec<Term>,
}

/// A relup file.
#[derive(Debug, Clone, PartialEq)]
pub struct Relup {
    /// The version of the release this relup belongs to.
    pub top_vsn: String,
    /// How to upgrade from each base release.
    pub up: Vec<RelupEntry>,
    /// How to downgrade to each base release.
    pub down: Vec<RelupEntry>,
}

impl RelupEntry {
    fn to_term(&self) -> Term {
        Term::tuple(vec![
            Term::string(&self.vsn),
            self.description.clone(),
            Term::list(self.instructions.clone()),
        ])
    }

    fn from_term(t: &Term) -> Option<RelupEntry> {
        let [vsn, description, instrs] = t.as_tuple()? else {
            return None;
        };
        Some(RelupEntry {
            vsn: vsn.as_string()?,
            description: description.clone(),
            instructions: instrs.to_list()?,
        })
    }
}

impl Relup {
    /// The relup as the term systools writes.
    pub fn to_term(&self) -> Term {
        let entries = |v: &[RelupEntry]| Term::list(v.iter().map(RelupEntry::to_term).collect());
        Term::tuple(vec![
            Term::string(&self.top_vsn),
            entries(&self.up),
            entries(&self.down),
        ])
    }

    /// Reads a relup term back; `None` if it does not have the relup shape.
    pub fn from_term(t: &Term) -> Option<Relup> {
        let [vsn, up, down] = t.as_tuple()? else {
            return None;
        };
        let entries = |l: &Term| -> Option<Vec<RelupEntry>> {
            l.to_list()?.iter().map(RelupEntry::from_term).collect()
        };
        Some(Relup {
            top_vsn: vsn.as_string()?,
            up: entries(up)?,
            down: entries(down)?,
        })
    }

    /// The relup file text, as systools writes it (`%% coding: utf-8`, the
    /// term pretty-printed like `~tp`, a full stop).
    pub fn to_file_text(&self) -> String {
        format!(
            "%% coding: utf-8\n{}.\n",
            crate::output::pretty(&self.to_term())
        )
    }
}

// ---------------------------------------------------------------------
// Checking a relup file as release_handler reads and runs it.

/// Why `release_handler` cannot use a relup file, or one of its scripts.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RelupProblem {
    /// `file:consult/1` fails on the file (`{bad_relup_file, File}`).
    #[error("{0}")]
    Unreadable(String),
    /// Not exactly one term (`{bad_relup_file, File}`).
    #[error("a relup holds exactly one term {{Vsn, UpFrom, DownTo}}, this file holds {0}")]
    TermCount(usize),
    /// Not `{Vsn, UpFrom, DownTo}` (`{bad_relup_file, File}`).
    #[error(
        "not {{Vsn, [{{UpFromVsn, Descr, Instructions}}], [{{DownToVsn, Descr, Instructions}}]}}"
    )]
    NotARelup,
    /// The release version is not a string: it never equals a release's
    /// version (`{bad_relup_file, File}`).
    #[error("the release version {} is not a string", crate::error::show(.0))]
    TopVsn(Term),
    /// The up or down part is not a proper list (`lists:keysearch/3` crashes).
    #[error("the {0} entries are not a list")]
    EntriesNotAList(&'static str),
    /// An entry that is not `{Vsn, Descr, Instructions}`.
    #[error("an entry is {{Vsn, Descr, Instructions}}, not {}", crate::error::show(.0))]
    BadEntry(Term),
    /// An entry whose version is not a string: it never matches.
    #[error("the entry version {} is not a string", crate::error::show(.0))]
    EntryVsn(Term),
    /// A second entry for one version: `lists:keysearch/3` only finds the first.
    #[error("a second {direction} entry for version \"{vsn}\" is never used")]
    DuplicateEntry {
        /// `up` or `down`.
        direction: &'static str,
        /// The version.
        vsn: String,
    },
    /// The instructions are not a proper list.
    #[error("the instructions are not a list")]
    ScriptNotAList,
    /// An instruction before `point_of_no_return` that
    /// `release_handler_1:eval/2` does not accept: `check_install_release`
    /// fails with `{'EXIT', ...}` (or the thrown atom for
    /// `restart_emulator`/`restart_new_emulator`).
    #[error("{} is not a valid instruction before point_of_no_return", crate::error::show(.0))]
    IllegalBefore(Term),
    /// An instruction after `point_of_no_return` (or in a script without
    /// one) that `syntax_check_script` refuses:
    /// `{illegal_instruction_after_point_of_no_return, Instr}`.
    #[error("{} is not allowed after point_of_no_return", crate::error::show(.0))]
    IllegalAfter(Term),
    /// An instruction `check_install_release` lets through but that crashes
    /// when `install_release` runs it (after the point of no return: the
    /// node is left half upgraded).
    #[error("{} crashes release_handler when the upgrade runs: {why}", crate::error::show(.instr))]
    CrashesAtInstall {
        /// The instruction.
        instr: Term,
        /// What is wrong with it.
        why: &'static str,
    },
    /// Instructions after `restart_emulator`, which are never run.
    #[error("instructions after restart_emulator are never run")]
    AfterRestartEmulator,
    /// `load` of a module no earlier `load_object_code` read.
    #[error("load of {} without an earlier load_object_code of it (release_handler crashes with badmatch)", crate::error::show(.0))]
    LoadWithoutObjectCode(Term),
}

impl RelupProblem {
    /// Whether `release_handler` fails on it (otherwise it is a warning:
    /// something that works but cannot be meant).
    pub fn is_error(&self) -> bool {
        !matches!(
            self,
            RelupProblem::DuplicateEntry { .. } | RelupProblem::AfterRestartEmulator
        )
    }

    /// A stable name for the problem (`relup::<name>` in `erlrel check`).
    pub fn code(&self) -> &'static str {
        match self {
            RelupProblem::Unreadable(_) => "unreadable",
            RelupProblem::TermCount(_) => "term-count",
            RelupProblem::NotARelup => "not-a-relup",
            RelupProblem::TopVsn(_) => "top-vsn",
            RelupProblem::EntriesNotAList(_) => "entries-not-a-list",
            RelupProblem::BadEntry(_) => "bad-entry",
            RelupProblem::EntryVsn(_) => "entry-vsn",
            RelupProblem::DuplicateEntry { .. } => "duplicate-entry",
            RelupProblem::ScriptNotAList => "script-not-a-list",
            RelupProblem::IllegalBefore(_) => "illegal-before-point-of-no-return",
            RelupProblem::IllegalAfter(_) => "illegal-after-point-of-no-return",
            RelupProblem::CrashesAtInstall { .. } => "crashes-at-install",
            RelupProblem::AfterRestartEmulator => "after-restart-emulator",
            RelupProblem::LoadWithoutObjectCode(_) => "load-without-object-code",
        }
    }

    /// What `release_handler_1:check_script/2` returns for a script with
    /// this problem (`ok` when it lets the script through):
    /// `{error, crash}` stands for `{error, {'EXIT', _}}`.
    pub fn check_script_answer(&self) -> Term {
        let error = |t: Term| Term::tuple(vec![Term::atom("error"), t]);
        match self {
            RelupProblem::IllegalBefore(t) => match t.as_atom() {
                Some(a @ ("restart_emulator" | "restart_new_emulator")) => error(Term::atom(a)),
                _ => error(Term::atom("crash")),
            },
            RelupProblem::IllegalAfter(t) => error(Term::tuple(vec![
                Term::atom("illegal_instruction_after_point_of_no_return"),
                t.clone(),
            ])),
            RelupProblem::LoadWithoutObjectCode(_) => error(Term::atom("crash")),
            _ => Term::atom("ok"),
        }
    }
}

/// A problem and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct SpannedRelupProblem {
    /// What is wrong.
    pub problem: RelupProblem,
    /// The offending term, if known.
    pub span: Option<Span>,
}

/// The result of [`Relup::check`]: the relup if its shape is right, and
/// every problem found.
#[derive(Debug, Clone, Default)]
pub struct RelupCheck {
    /// The relup, when the file has the relup shape.
    pub relup: Option<Relup>,
    /// Problems, in file order.
    pub problems: Vec<SpannedRelupProblem>,
}

struct Problems(Vec<SpannedRelupProblem>);

impl Problems {
    fn add(&mut self, problem: RelupProblem, at: &Node) {
        self.0.push(SpannedRelupProblem {
            problem,
            span: Some(at.span),
        });
    }
}

impl Relup {
    /// Checks the bytes of a relup file as `release_handler` reads
    /// (`file:consult/1`) and runs it: the file shape, each entry, and each
    /// instruction as `release_handler_1:check_script/2` (before
    /// `point_of_no_return`, where instructions are evaluated) and
    /// `syntax_check_script` and `eval/2` (after it) accept it.
    ///
    /// Spans index [`erlterm::encoding::decode_for_display`]`(bytes)`.
    ///
    /// ```
    /// let ok = relup::Relup::check(br#"{"2", [{"1", [], [{load_object_code, {a, "2", [m]}},
    ///     point_of_no_return, {load, {m, brutal_purge, brutal_purge}}]}], []}."#);
    /// assert!(ok.problems.is_empty());
    /// assert_eq!(ok.relup.unwrap().up[0].vsn, "1");
    ///
    /// let bad = relup::Relup::check(br#"{"2", [{"1", [], [point_of_no_return, nonsense]}], []}."#);
    /// assert_eq!(bad.problems[0].problem.code(), "illegal-after-point-of-no-return");
    /// assert!(relup::Relup::check(b"nonsense.").problems[0].problem.is_error());
    /// ```
    pub fn check(bytes: &[u8]) -> RelupCheck {
        let nodes = match erlterm::parse_bytes_nodes(bytes) {
            Ok(n) => n,
            Err(e) => {
                return RelupCheck {
                    relup: None,
                    problems: vec![SpannedRelupProblem {
                        problem: RelupProblem::Unreadable(e.kind.to_string()),
                        span: Some(e.span),
                    }],
                }
            }
        };
        let mut out = Problems(Vec::new());
        let relup = match nodes.as_slice() {
            [one] => check_top(one, &mut out),
            [] => {
                out.0.push(SpannedRelupProblem {
                    problem: RelupProblem::TermCount(0),
                    span: None,
                });
                None
            }
            [_, second, ..] => {
                out.add(RelupProblem::TermCount(nodes.len()), second);
                None
            }
        };
        RelupCheck {
            relup,
            problems: out.0,
        }
    }
}

fn check_top(node: &Node, out: &mut Problems) -> Option<Relup> {
    let Some([vsn, up, down]) = node.as_tuple() else {
        out.add(RelupProblem::NotARelup, node);
        return None;
    };
    let top = vsn.as_string();
    if top.is_none() {
        out.add(RelupProblem::TopVsn(vsn.to_term()), vsn);
    }
    let up = check_entries(up, "up", out);
    let down = check_entries(down, "down", out);
    Some(Relup {
        top_vsn: top?,
        up: up?,
        down: down?,
    })
}

fn check_entries(
    list: &Node,
    direction: &'static str,
    out: &mut Problems,
) -> Option<Vec<RelupEntry>> {
    let Some(items) = list.as_list() else {
        out.add(RelupProblem::EntriesNotAList(direction), list);
        return None;
    };
    let mut entries = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut all = true;
    for item in items {
        let Some([vsn, descr, script]) = item.as_tuple() else {
            out.add(RelupProblem::BadEntry(item.to_term()), item);
            all = false;
            continue;
        };
        let Some(v) = vsn.as_string() else {
            out.add(RelupProblem::EntryVsn(vsn.to_term()), vsn);
            all = false;
            continue;
        };
        if seen.contains(&v) {
            out.add(
                RelupProblem::DuplicateEntry {
                    direction,
                    vsn: v.clone(),
                },
                vsn,
            );
        }
        seen.push(v.clone());
        match script.as_list() {
            Some(instrs) => {
                check_script(instrs, out);
                entries.push(RelupEntry {
                    vsn: v,
                    description: descr.to_term(),
                    instructions: instrs.iter().map(Node::to_term).collect(),
                });
            }
            None => {
                out.add(RelupProblem::ScriptNotAList, script);
                all = false;
            }
        }
    }
    all.then_some(entries)
}

/// A proper list's elements (a string literal counts: its characters).
fn list_items(n: &Node) -> Option<Vec<Term>> {
    match &n.kind {
        NodeKind::String(_) => n.to_term().to_list(),
        NodeKind::List(items, None) => Some(items.iter().map(Node::to_term).collect()),
        _ => None,
    }
}

fn is_atom(t: &Term) -> bool {
    matches!(t, Term::Atom(_))
}

/// What `release_handler_1:eval/2` does with one instruction, statically:
/// `Err(why)` where it crashes.
fn eval_shape(n: &Node, object_code: &mut Vec<Term>) -> Result<(), &'static str> {
    let all = |l: Option<Vec<Term>>, ok: fn(&Term) -> bool, why| match l {
        Some(items) if items.iter().all(ok) => Ok(()),
        _ => Err(why),
    };
    let Some(items) = n.as_tuple() else {
        return match n.as_atom() {
            Some("point_of_no_return") => Ok(()),
            _ => Err("not an instruction"),
        };
    };
    let tag = items.first().and_then(Node::as_atom).unwrap_or("");
    match (tag, items) {
        ("load_object_code", [_, spec]) => match spec.as_tuple() {
            Some([_, _, mods]) => {
                let mods = list_items(mods).ok_or("the modules are not a list")?;
                object_code.extend(mods);
                Ok(())
            }
            _ => Err("not {load_object_code, {Lib, LibVsn, Modules}}"),
        },
        ("load", [_, spec]) => match spec.as_tuple() {
            Some([m, _, _]) => {
                let m = m.to_term();
                match object_code.iter().position(|x| *x == m) {
                    Some(i) => {
                        object_code.remove(i);
                        Ok(())
                    }
                    None => Err("load_without_object_code"),
                }
            }
            _ => Err("not {load, {Module, PrePurge, PostPurge}}"),
        },
        ("remove", [_, spec]) => match spec.as_tuple() {
            Some([m, _, _]) if m.as_atom().is_some() => Ok(()),
            Some([_, _, _]) => Err("the module is not an atom (code:purge/1 raises badarg)"),
            _ => Err("not {remove, {Module, PrePurge, PostPurge}}"),
        },
        ("purge", [_, mods]) => all(list_items(mods), is_atom, "not {purge, [Module]}"),
        ("suspend", [_, mods]) => all(
            list_items(mods),
            |m| is_atom(m) || matches!(m.as_tuple(), Some([a, _]) if is_atom(a)),
            "not {suspend, [Module | {Module, Timeout}]}",
        ),
        ("resume" | "stop" | "start", [_, mods]) => {
            all(list_items(mods), |_| true, "the modules are not a list")
        }
        ("code_change", [_, mods]) | ("code_change", [_, _, mods]) => all(
            list_items(mods),
            |m| matches!(m.as_tuple(), Some([_, _])),
            "not a list of {Module, Extra}",
        ),
        ("sync_nodes", [_, _, nodes]) => match nodes.as_tuple() {
            Some([_, _, a]) if list_items(a).is_some() => Ok(()),
            Some([_, _, _]) => Err("the arguments are not a list"),
            _ => all(
                list_items(nodes),
                |_| true,
                "not {sync_nodes, Id, [Node] | {M, F, A}}",
            ),
        },
        ("apply", [_, mfa]) => match mfa.as_tuple() {
            Some([m, f, a]) if m.as_atom().is_some() && f.as_atom().is_some() => {
                all(list_items(a), |_| true, "the arguments are not a list")
            }
            _ => Err("not {apply, {Module, Function, Args}}"),
        },
        _ => Err("not an instruction"),
    }
}

/// `syntax_check_script/1`'s clauses.
fn syntax_ok(n: &Node) -> bool {
    if let Some(a) = n.as_atom() {
        return matches!(a, "point_of_no_return" | "restart_emulator");
    }
    let Some(items) = n.as_tuple() else {
        return false;
    };
    let arity3 = |x: &Node| matches!(x.as_tuple(), Some([_, _, _]));
    match (items.first().and_then(Node::as_atom).unwrap_or(""), items) {
        ("load" | "remove" | "apply", [_, x]) => arity3(x),
        ("purge" | "suspend" | "resume" | "code_change" | "stop" | "start", [_, _]) => true,
        ("code_change" | "sync_nodes", [_, _, _]) => true,
        _ => false,
    }
}

/// One script, as `check_install_release` then `install_release` see it.
fn check_script(instrs: &[Node], out: &mut Problems) {
    let mut object_code = Vec::new();
    let mut after_ponr = false;
    let mut restarted = false;
    // Without a point of no return, the whole script is checked as what
    // comes after it.
    let has_ponr = instrs
        .iter()
        .any(|x| x.as_atom() == Some("point_of_no_return"));
    for (i, n) in instrs.iter().enumerate() {
        let atom = n.as_atom();
        if restarted {
            out.add(RelupProblem::AfterRestartEmulator, n);
            restarted = false;
        }
        match atom {
            // check_script/2 and install_release drop it when first.
            Some("restart_new_emulator") if i == 0 => continue,
            Some("point_of_no_return") => {
                after_ponr = true;
                continue;
            }
            _ => {}
        }
        if !after_ponr && has_ponr {
            if atom == Some("restart_emulator") {
                out.add(RelupProblem::IllegalBefore(n.to_term()), n);
                continue;
            }
            match eval_shape(n, &mut object_code) {
                Ok(()) => {}
                Err("load_without_object_code") => {
                    out.add(RelupProblem::LoadWithoutObjectCode(load_module(n)), n)
                }
                Err(_) => out.add(RelupProblem::IllegalBefore(n.to_term()), n),
            }
            continue;
        }
        if !syntax_ok(n) {
            out.add(RelupProblem::IllegalAfter(n.to_term()), n);
            continue;
        }
        if atom == Some("restart_emulator") {
            restarted = true;
            continue;
        }
        match eval_shape(n, &mut object_code) {
            Ok(()) => {}
            Err("load_without_object_code") => out.add(
                RelupProblem::CrashesAtInstall {
                    instr: n.to_term(),
                    why: "no earlier load_object_code read the module (badmatch)",
                },
                n,
            ),
            Err(why) => out.add(
                RelupProblem::CrashesAtInstall {
                    instr: n.to_term(),
                    why,
                },
                n,
            ),
        }
    }
}

fn load_module(n: &Node) -> Term {
    n.as_tuple()
        .and_then(|t| t.get(1))
        .and_then(Node::as_tuple)
        .and_then(|t| t.first())
        .map_or_else(|| n.to_term(), Node::to_term)
}
