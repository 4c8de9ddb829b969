//! Appup instructions: short-form expansion, the `systools_rc` syntax
//! check, and typed values.
//!
//! Validation follows `systools_rc` step by step (spec/appup.md §4): short
//! forms are expanded (table 4.1; nested lists are flattened one level
//! without expansion), the script is split at `point_of_no_return` (§4.4),
//! then every instruction is checked field by field in tuple order (§4.3).
//! Errors quote the expanded instruction, as OTP does, and carry the span
//! of the culprit.

use std::borrow::Cow;
use std::fmt;

use crate::show::show;
use erlterm::{Atom, Integer, Node, NodeKind, Span, Term};

/// `PrePurge` / `PostPurge`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purge {
    /// `soft_purge`.
    Soft,
    /// `brutal_purge` (the default).
    Brutal,
}

/// `ModType` of `update`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModType {
    /// `static`.
    Static,
    /// `dynamic` (the default).
    Dynamic,
}

/// A suspend time-out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Timeout {
    /// `default`.
    Default,
    /// `infinity`.
    Infinity,
    /// A positive number of milliseconds.
    Millis(Integer),
}

/// `Change` of `update`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// `soft`: no state change.
    Soft,
    /// `{advanced, Extra}`: `code_change` is called with `Extra`.
    Advanced(Term),
}

/// Start type of `add_application`: the one start type of the toolkit
/// (defined in [`crate::start_type`]).
pub use crate::start_type::StartType;

/// `Mode` of a low-level `code_change`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `up`.
    Up,
    /// `down`.
    Down,
}

/// `{M, F, A}` of `apply` and `sync_nodes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mfa {
    /// Module.
    pub module: Atom,
    /// Function.
    pub function: Atom,
    /// Argument list (any list term).
    pub args: Term,
}

/// The nodes of `sync_nodes`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncNodes {
    /// An explicit node list.
    Nodes(Vec<Atom>),
    /// Nodes returned by `apply(M, F, A)`.
    Call(Mfa),
}

/// One instruction, in its full (normalised) form.
#[derive(Clone, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // field names are the ones of spec/appup.md §4.2
#[non_exhaustive]
pub enum Instruction {
    /// `{update, Mod, ModType, Timeout, Change, PrePurge, PostPurge, DepMods}`.
    Update {
        module: Atom,
        mod_type: ModType,
        timeout: Timeout,
        change: Change,
        pre_purge: Purge,
        post_purge: Purge,
        dep_mods: Vec<Atom>,
    },
    /// `{load_module, Mod, PrePurge, PostPurge, DepMods}`.
    LoadModule {
        module: Atom,
        pre_purge: Purge,
        post_purge: Purge,
        dep_mods: Vec<Atom>,
    },
    /// `{add_module, Mod, DepMods}`.
    AddModule { module: Atom, dep_mods: Vec<Atom> },
    /// `{delete_module, Mod, DepMods}`.
    DeleteModule { module: Atom, dep_mods: Vec<Atom> },
    /// `{add_application, App, Type}`.
    AddApplication { app: Atom, start_type: StartType },
    /// `{remove_application, App}`.
    RemoveApplication { app: Atom },
    /// `{restart_application, App}`.
    RestartApplication { app: Atom },
    /// `{load_object_code, {App, AppVsn, [Mod]}}` (`AppVsn` any list).
    LoadObjectCode {
        app: Atom,
        app_vsn: Term,
        modules: Vec<Atom>,
    },
    /// `point_of_no_return`.
    PointOfNoReturn,
    /// `{load, {Mod, PrePurge, PostPurge}}`.
    Load {
        module: Atom,
        pre_purge: Purge,
        post_purge: Purge,
    },
    /// `{remove, {Mod, PrePurge, PostPurge}}`.
    Remove {
        module: Atom,
        pre_purge: Purge,
        post_purge: Purge,
    },
    /// `{purge, [Mod]}`.
    Purge { modules: Vec<Atom> },
    /// `{suspend, [Mod | {Mod, Timeout}]}`.
    Suspend {
        modules: Vec<(Atom, Option<Timeout>)>,
    },
    /// `{resume, [Mod]}`.
    Resume { modules: Vec<Atom> },
    /// `{code_change, [{Mod, Extra}]}` (mode `None`) or
    /// `{code_change, Mode, [{Mod, Extra}]}`.
    CodeChange {
        mode: Option<Mode>,
        changes: Vec<(Atom, Term)>,
    },
    /// `{stop, [Mod]}`.
    Stop { modules: Vec<Atom> },
    /// `{start, [Mod]}`.
    Start { modules: Vec<Atom> },
    /// `{sync_nodes, Id, [Node] | {M, F, A}}`.
    SyncNodes { id: Term, nodes: SyncNodes },
    /// `{apply, {M, F, A}}`.
    Apply(Mfa),
    /// `restart_new_emulator`.
    RestartNewEmulator,
    /// `restart_emulator`.
    RestartEmulator,
    /// The legacy atom `restart` (accepted by systools, refused at run time).
    Restart,
    /// The legacy atom `reboot` (accepted by systools, refused at run time).
    Reboot,
}

impl Instruction {
    /// Whether this is one of the high-level instructions systools translates.
    pub fn is_high_level(&self) -> bool {
        matches!(
            self,
            Instruction::Update { .. }
                | Instruction::LoadModule { .. }
                | Instruction::AddModule { .. }
                | Instruction::DeleteModule { .. }
                | Instruction::AddApplication { .. }
                | Instruction::RemoveApplication { .. }
                | Instruction::RestartApplication { .. }
        )
    }

    /// Modules this instruction is about (its subject and dependencies).
    pub fn modules(&self) -> Vec<&Atom> {
        use Instruction::*;
        match self {
            Update {
                module, dep_mods, ..
            }
            | LoadModule {
                module, dep_mods, ..
            }
            | AddModule { module, dep_mods }
            | DeleteModule { module, dep_mods } => {
                std::iter::once(module).chain(dep_mods.iter()).collect()
            }
            Load { module, .. } | Remove { module, .. } => vec![module],
            LoadObjectCode { modules, .. }
            | Purge { modules }
            | Resume { modules }
            | Stop { modules }
            | Start { modules } => modules.iter().collect(),
            Suspend { modules } => modules.iter().map(|(m, _)| m).collect(),
            CodeChange { changes, .. } => changes.iter().map(|(m, _)| m).collect(),
            _ => Vec::new(),
        }
    }

    /// The full form as a term (after systools' normalisation, §4.1 step 4).
    pub fn to_term(&self) -> Term {
        use Instruction::*;
        let a = Term::atom;
        let mods = |ms: &[Atom]| Term::list(ms.iter().cloned().map(Term::Atom).collect());
        match self {
            Update {
                module,
                mod_type,
                timeout,
                change,
                pre_purge,
                post_purge,
                dep_mods,
            } => Term::tuple(vec![
                a("update"),
                Term::Atom(module.clone()),
                a(match mod_type {
                    ModType::Static => "static",
                    ModType::Dynamic => "dynamic",
                }),
                timeout_term(timeout),
                match change {
                    Change::Soft => a("soft"),
                    Change::Advanced(x) => Term::tuple(vec![a("advanced"), x.clone()]),
                },
                purge_term(*pre_purge),
                purge_term(*post_purge),
                mods(dep_mods),
            ]),
            LoadModule {
                module,
                pre_purge,
                post_purge,
                dep_mods,
            } => Term::tuple(vec![
                a("load_module"),
                Term::Atom(module.clone()),
                purge_term(*pre_purge),
                purge_term(*post_purge),
                mods(dep_mods),
            ]),
            AddModule { module, dep_mods } => Term::tuple(vec![
                a("add_module"),
                Term::Atom(module.clone()),
                mods(dep_mods),
            ]),
            DeleteModule { module, dep_mods } => Term::tuple(vec![
                a("delete_module"),
                Term::Atom(module.clone()),
                mods(dep_mods),
            ]),
            AddApplication { app, start_type } => Term::tuple(vec![
                a("add_application"),
                Term::Atom(app.clone()),
                a(start_type.name()),
            ]),
            RemoveApplication { app } => {
                Term::tuple(vec![a("remove_application"), Term::Atom(app.clone())])
            }
            RestartApplication { app } => {
                Term::tuple(vec![a("restart_application"), Term::Atom(app.clone())])
            }
            LoadObjectCode {
                app,
                app_vsn,
                modules,
            } => Term::tuple(vec![
                a("load_object_code"),
                Term::tuple(vec![
                    Term::Atom(app.clone()),
                    app_vsn.clone(),
                    mods(modules),
                ]),
            ]),
            PointOfNoReturn => a("point_of_no_return"),
            Load {
                module,
                pre_purge,
                post_purge,
            } => low3("load", module, *pre_purge, *post_purge),
            Remove {
                module,
                pre_purge,
                post_purge,
            } => low3("remove", module, *pre_purge, *post_purge),
            Purge { modules } => Term::tuple(vec![a("purge"), mods(modules)]),
            Suspend { modules } => Term::tuple(vec![
                a("suspend"),
                Term::list(
                    modules
                        .iter()
                        .map(|(m, t)| match t {
                            None => Term::Atom(m.clone()),
                            Some(t) => Term::tuple(vec![Term::Atom(m.clone()), timeout_term(t)]),
                        })
                        .collect(),
                ),
            ]),
            Resume { modules } => Term::tuple(vec![a("resume"), mods(modules)]),
            CodeChange { mode, changes } => {
                let list = Term::list(
                    changes
                        .iter()
                        .map(|(m, x)| Term::tuple(vec![Term::Atom(m.clone()), x.clone()]))
                        .collect(),
                );
                match mode {
                    None => Term::tuple(vec![a("code_change"), list]),
                    Some(m) => Term::tuple(vec![
                        a("code_change"),
                        a(if *m == Mode::Up { "up" } else { "down" }),
                        list,
                    ]),
                }
            }
            Stop { modules } => Term::tuple(vec![a("stop"), mods(modules)]),
            Start { modules } => Term::tuple(vec![a("start"), mods(modules)]),
            SyncNodes { id, nodes } => Term::tuple(vec![
                a("sync_nodes"),
                id.clone(),
                match nodes {
                    self::SyncNodes::Nodes(n) => mods(n),
                    self::SyncNodes::Call(mfa) => mfa_term(mfa),
                },
            ]),
            Apply(mfa) => Term::tuple(vec![a("apply"), mfa_term(mfa)]),
            RestartNewEmulator => a("restart_new_emulator"),
            RestartEmulator => a("restart_emulator"),
            Restart => a("restart"),
            Reboot => a("reboot"),
        }
    }
}

fn purge_term(p: Purge) -> Term {
    Term::atom(match p {
        Purge::Soft => "soft_purge",
        Purge::Brutal => "brutal_purge",
    })
}

fn timeout_term(t: &Timeout) -> Term {
    match t {
        Timeout::Default => Term::atom("default"),
        Timeout::Infinity => Term::atom("infinity"),
        Timeout::Millis(i) => Term::Integer(i.clone()),
    }
}

fn low3(op: &str, m: &Atom, pre: Purge, post: Purge) -> Term {
    Term::tuple(vec![
        Term::atom(op),
        Term::tuple(vec![
            Term::Atom(m.clone()),
            purge_term(pre),
            purge_term(post),
        ]),
    ])
}

fn mfa_term(mfa: &Mfa) -> Term {
    Term::tuple(vec![
        Term::Atom(mfa.module.clone()),
        Term::Atom(mfa.function.clone()),
        mfa.args.clone(),
    ])
}

/// An instruction as written, with its typed full form.
#[derive(Clone, Debug)]
pub struct Instr {
    /// The full form.
    pub op: Instruction,
    /// The term as written (short forms stay short).
    pub written: Term,
    /// Where it was written.
    pub span: Span,
}

impl fmt::Display for Instr {
    /// Prints the instruction as the user wrote it (canonical term syntax).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.written)
    }
}

/// The reason `systools_rc` gives for refusing an instruction
/// (`{error, systools_rc, Reason}`), spec/appup.md §4.3–§4.4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)] // each variant is the OTP atom of the same name
#[non_exhaustive]
pub enum Reason {
    BadInstruction,
    BadModule,
    BadList,
    BadModType,
    BadTimeout,
    BadChange,
    BadPurgeMethod,
    BadApplication,
    BadStartType,
    BadLib,
    BadLibVsn,
    BadCodeChange,
    BadMode,
    BadFunc,
    BadArgsList,
    BadNode,
    /// `{not_yet_implemented, mnesia_backup}`.
    NotYetImplemented,
    /// `too_many_point_of_no_return` (no culprit term).
    TooManyPointOfNoReturn,
    BadOpBeforePointOfNoReturn,
    /// Not an OTP reason: an improper list where OTP crashes
    /// (`function_clause`/`badarg`) instead of returning an error.
    ImproperList,
}

impl Reason {
    /// The OTP atom.
    pub fn atom(self) -> &'static str {
        use Reason::*;
        match self {
            BadInstruction => "bad_instruction",
            BadModule => "bad_module",
            BadList => "bad_list",
            BadModType => "bad_mod_type",
            BadTimeout => "bad_timeout",
            BadChange => "bad_change",
            BadPurgeMethod => "bad_purge_method",
            BadApplication => "bad_application",
            BadStartType => "bad_start_type",
            BadLib => "bad_lib",
            BadLibVsn => "bad_lib_vsn",
            BadCodeChange => "bad_code_change",
            BadMode => "bad_mode",
            BadFunc => "bad_func",
            BadArgsList => "bad_args_list",
            BadNode => "bad_node",
            NotYetImplemented => "not_yet_implemented",
            TooManyPointOfNoReturn => "too_many_point_of_no_return",
            BadOpBeforePointOfNoReturn => "bad_op_before_point_of_no_return",
            ImproperList => "improper_list",
        }
    }
}

/// An instruction `systools` refuses.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct InstructionError {
    /// OTP's reason.
    pub reason: Reason,
    /// The offending term as OTP quotes it (`X` in `{Reason, X}`).
    pub culprit: Term,
    /// The whole instruction after short-form expansion.
    pub instruction: Term,
    /// Where the culprit was written.
    pub span: Span,
}

impl InstructionError {
    /// OTP's `Reason` term, e.g. `{bad_module,"m"}`.
    pub fn otp_reason(&self) -> Term {
        match self.reason {
            Reason::TooManyPointOfNoReturn => Term::atom(self.reason.atom()),
            r => Term::tuple(vec![Term::atom(r.atom()), self.culprit.clone()]),
        }
    }

    fn describe(&self) -> String {
        match self.reason {
            Reason::TooManyPointOfNoReturn => {
                "more than one point_of_no_return (systools: too_many_point_of_no_return)".into()
            }
            Reason::ImproperList => format!(
                "improper list {} in instruction {} (systools crashes)",
                show(&self.culprit),
                show(&self.instruction)
            ),
            r if self.culprit == self.instruction => {
                format!(
                    "invalid instruction {} (systools: {})",
                    show(&self.culprit),
                    r.atom()
                )
            }
            _ => format!(
                "{} in instruction {} (systools: {})",
                show(&self.culprit),
                show(&self.instruction),
                show(&self.otp_reason())
            ),
        }
    }
}

fn synth(kind: NodeKind, span: Span) -> Node {
    Node { span, kind }
}

fn atom_node(name: &str, span: Span) -> Node {
    synth(NodeKind::Atom(Atom::new(name)), span)
}

fn nil_node(span: Span) -> Node {
    synth(NodeKind::List(Vec::new(), None), span)
}

fn is_list_node(n: &Node) -> bool {
    matches!(n.kind, NodeKind::List(..) | NodeKind::String(_))
}

fn is_tuple_node(n: &Node) -> bool {
    matches!(n.kind, NodeKind::Tuple(_))
}

/// Short-form expansion (`systools_rc:expand_script/1`, table 4.1). Returns
/// the expanded node; defaults take the span of the whole instruction.
pub fn expand(n: &Node) -> Node {
    let Some(items) = n.as_tuple() else {
        return n.clone();
    };
    let sp = n.span;
    let brutal = || atom_node("brutal_purge", sp);
    let tuple = |v: Vec<Node>| synth(NodeKind::Tuple(v), sp);
    let op = items.first().and_then(Node::as_atom);
    let soft_or_tuple = |c: &Node| is_tuple_node(c) || c.as_atom() == Some("soft");
    match (op, items) {
        (Some("load_module"), [o, m]) => {
            tuple(vec![o.clone(), m.clone(), brutal(), brutal(), nil_node(sp)])
        }
        (Some("load_module"), [o, m, d]) if is_list_node(d) => {
            tuple(vec![o.clone(), m.clone(), brutal(), brutal(), d.clone()])
        }
        (Some("update"), [o, m]) => tuple(vec![
            o.clone(),
            m.clone(),
            atom_node("soft", sp),
            brutal(),
            brutal(),
            nil_node(sp),
        ]),
        (Some("update"), [o, m, s]) if s.as_atom() == Some("supervisor") => tuple(vec![
            o.clone(),
            m.clone(),
            atom_node("static", sp),
            atom_node("default", sp),
            tuple(vec![atom_node("advanced", sp), nil_node(sp)]),
            brutal(),
            brutal(),
            nil_node(sp),
        ]),
        (Some("update"), [o, m, c]) if soft_or_tuple(c) => tuple(vec![
            o.clone(),
            m.clone(),
            c.clone(),
            brutal(),
            brutal(),
            nil_node(sp),
        ]),
        (Some("update"), [o, m, d]) if is_list_node(d) => tuple(vec![
            o.clone(),
            m.clone(),
            atom_node("soft", sp),
            brutal(),
            brutal(),
            d.clone(),
        ]),
        (Some("update"), [o, m, c, d]) if soft_or_tuple(c) && is_list_node(d) => tuple(vec![
            o.clone(),
            m.clone(),
            c.clone(),
            brutal(),
            brutal(),
            d.clone(),
        ]),
        (Some("add_application"), [o, a]) => {
            tuple(vec![o.clone(), a.clone(), atom_node("permanent", sp)])
        }
        _ => n.clone(),
    }
}

/// Expands a whole script: each instruction, and nested lists flattened
/// one level *without* expansion.
pub fn expand_script(items: &[Node]) -> Result<Vec<Node>, InstructionError> {
    let mut out = Vec::new();
    for it in items {
        match &it.kind {
            NodeKind::List(..) | NodeKind::String(_) => {
                out.extend(proper_items(it, it)?);
            }
            _ => out.push(expand(it)),
        }
    }
    Ok(out)
}

/// The items of a proper list node (strings as integer nodes).
fn proper_items(list: &Node, instr: &Node) -> Result<Vec<Node>, InstructionError> {
    match &list.kind {
        NodeKind::List(items, None) => Ok(items.clone()),
        NodeKind::String(s) => Ok(s
            .chars()
            .map(|c| synth(NodeKind::Integer(Integer::from(u32::from(c))), list.span))
            .collect()),
        NodeKind::List(items, Some(tail)) => {
            let mut v = items.clone();
            match proper_items(tail, instr) {
                Ok(more) => {
                    v.extend(more);
                    Ok(v)
                }
                Err(_) => Err(err(Reason::ImproperList, list, instr)),
            }
        }
        _ => Err(err(Reason::BadList, list, instr)),
    }
}

fn err(reason: Reason, culprit: &Node, instr: &Node) -> InstructionError {
    InstructionError {
        reason,
        culprit: culprit.to_term(),
        instruction: instr.to_term(),
        span: culprit.span,
    }
}

/// Checks that run on one instruction, holding its node for error quoting.
struct Check<'a> {
    instr: &'a Node,
}

type R<T> = Result<T, InstructionError>;

impl<'a> Check<'a> {
    fn fail<T>(&self, reason: Reason, culprit: &Node) -> R<T> {
        Err(err(reason, culprit, self.instr))
    }

    fn atom(&self, n: &Node, reason: Reason) -> R<Atom> {
        match &n.kind {
            NodeKind::Atom(a) => Ok(a.clone()),
            _ => self.fail(reason, n),
        }
    }

    fn module(&self, n: &Node) -> R<Atom> {
        self.atom(n, Reason::BadModule)
    }

    fn list(&self, n: &Node) -> R<Vec<Node>> {
        if !is_list_node(n) {
            return self.fail(Reason::BadList, n);
        }
        proper_items(n, self.instr)
    }

    fn modules(&self, n: &Node) -> R<Vec<Atom>> {
        self.list(n)?.iter().map(|m| self.module(m)).collect()
    }

    fn purge(&self, n: &Node) -> R<Purge> {
        match n.as_atom() {
            Some("soft_purge") => Ok(Purge::Soft),
            Some("brutal_purge") => Ok(Purge::Brutal),
            _ => self.fail(Reason::BadPurgeMethod, n),
        }
    }

    fn timeout(&self, n: &Node) -> R<Timeout> {
        match &n.kind {
            NodeKind::Atom(a) if a.as_str() == "default" => Ok(Timeout::Default),
            NodeKind::Atom(a) if a.as_str() == "infinity" => Ok(Timeout::Infinity),
            NodeKind::Integer(i) if !i.is_negative() && i.to_i64() != Some(0) => {
                Ok(Timeout::Millis(i.clone()))
            }
            _ => self.fail(Reason::BadTimeout, n),
        }
    }

    fn change(&self, n: &Node) -> R<Change> {
        if n.as_atom() == Some("soft") {
            return Ok(Change::Soft);
        }
        match n.as_tuple() {
            Some([a, x]) if a.as_atom() == Some("advanced") => Ok(Change::Advanced(x.to_term())),
            _ => self.fail(Reason::BadChange, n),
        }
    }

    fn mod_type(&self, n: &Node) -> R<ModType> {
        match n.as_atom() {
            Some("static") => Ok(ModType::Static),
            Some("dynamic") => Ok(ModType::Dynamic),
            _ => self.fail(Reason::BadModType, n),
        }
    }

    fn start_type(&self, n: &Node) -> R<StartType> {
        match n.as_atom().and_then(StartType::from_name) {
            Some(t) => Ok(t),
            None => self.fail(Reason::BadStartType, n),
        }
    }

    fn mfa(&self, m: &Node, f: &Node, a: &Node) -> R<Mfa> {
        let module = self.module(m)?;
        let function = self.atom(f, Reason::BadFunc)?;
        if !is_list_node(a) {
            return self.fail(Reason::BadArgsList, a);
        }
        Ok(Mfa {
            module,
            function,
            args: a.to_term(),
        })
    }

    fn code_changes(&self, items: &[Node]) -> R<Vec<(Atom, Term)>> {
        items
            .iter()
            .map(|it| match it.as_tuple() {
                Some([m, x]) => Ok((self.module(m)?, x.to_term())),
                _ => self.fail(Reason::BadCodeChange, it),
            })
            .collect()
    }

    fn update(&self, m: &Node, rest: &[&Node]) -> R<Instruction> {
        // rest: [ModType?, Timeout?, Change, Pre, Post, Deps] by arity.
        let module = self.module(m)?;
        let (mod_type, timeout, tail) = match rest {
            [mt, t, tail @ ..] if rest.len() == 6 => (self.mod_type(mt)?, self.timeout(t)?, tail),
            [t, tail @ ..] if rest.len() == 5 => (ModType::Dynamic, self.timeout(t)?, tail),
            tail => (ModType::Dynamic, Timeout::Default, tail),
        };
        let [c, pre, post, deps] = tail else {
            return self.fail(Reason::BadInstruction, self.instr);
        };
        Ok(Instruction::Update {
            module,
            mod_type,
            timeout,
            change: self.change(c)?,
            pre_purge: self.purge(pre)?,
            post_purge: self.purge(post)?,
            dep_mods: self.modules(deps)?,
        })
    }

    /// `systools_rc:check_op/1` on an expanded instruction.
    fn op(&self) -> R<Instruction> {
        use Instruction as I;
        let n = self.instr;
        if let Some(a) = n.as_atom() {
            return match a {
                "point_of_no_return" => Ok(I::PointOfNoReturn),
                "restart_new_emulator" => Ok(I::RestartNewEmulator),
                "restart_emulator" => Ok(I::RestartEmulator),
                "restart" => Ok(I::Restart),
                "reboot" => Ok(I::Reboot),
                "mnesia_backup" => self.fail(Reason::NotYetImplemented, n),
                _ => self.fail(Reason::BadInstruction, n),
            };
        }
        let Some(items) = n.as_tuple() else {
            return self.fail(Reason::BadInstruction, n);
        };
        let Some((op, args)) = items.split_first() else {
            return self.fail(Reason::BadInstruction, n);
        };
        let Some(op) = op.as_atom() else {
            return self.fail(Reason::BadInstruction, n);
        };
        let args: Vec<&Node> = args.iter().collect();
        match (op, args.as_slice()) {
            ("update", [m, rest @ ..]) if (4..=6).contains(&rest.len()) => self.update(m, rest),
            ("load_module", [m, pre, post, deps]) => Ok(I::LoadModule {
                module: self.module(m)?,
                pre_purge: self.purge(pre)?,
                post_purge: self.purge(post)?,
                dep_mods: self.modules(deps)?,
            }),
            ("add_module", [m]) => Ok(I::AddModule {
                module: self.module(m)?,
                dep_mods: Vec::new(),
            }),
            ("add_module", [m, deps]) => Ok(I::AddModule {
                module: self.module(m)?,
                dep_mods: self.modules(deps)?,
            }),
            ("delete_module", [m]) => Ok(I::DeleteModule {
                module: self.module(m)?,
                dep_mods: Vec::new(),
            }),
            ("delete_module", [m, deps]) => Ok(I::DeleteModule {
                module: self.module(m)?,
                dep_mods: self.modules(deps)?,
            }),
            ("remove_application", [a]) => Ok(I::RemoveApplication {
                app: self.atom(a, Reason::BadApplication)?,
            }),
            ("add_application", [a, t]) => Ok(I::AddApplication {
                app: self.atom(a, Reason::BadApplication)?,
                start_type: self.start_type(t)?,
            }),
            ("restart_application", [a]) => Ok(I::RestartApplication {
                app: self.atom(a, Reason::BadApplication)?,
            }),
            ("load_object_code", [spec]) => match spec.as_tuple() {
                Some([lib, vsn, mods]) => {
                    let app = self.atom(lib, Reason::BadLib)?;
                    if !is_list_node(vsn) {
                        return self.fail(Reason::BadLibVsn, vsn);
                    }
                    Ok(I::LoadObjectCode {
                        app,
                        app_vsn: vsn.to_term(),
                        modules: self.modules(mods)?,
                    })
                }
                _ => self.fail(Reason::BadInstruction, n),
            },
            ("load" | "remove", [spec]) => match spec.as_tuple() {
                Some([m, pre, post]) => {
                    let (module, pre_purge, post_purge) =
                        (self.module(m)?, self.purge(pre)?, self.purge(post)?);
                    Ok(if op == "load" {
                        I::Load {
                            module,
                            pre_purge,
                            post_purge,
                        }
                    } else {
                        I::Remove {
                            module,
                            pre_purge,
                            post_purge,
                        }
                    })
                }
                _ => self.fail(Reason::BadInstruction, n),
            },
            ("purge", [l]) => Ok(I::Purge {
                modules: self.modules(l)?,
            }),
            ("resume", [l]) => Ok(I::Resume {
                modules: self.modules(l)?,
            }),
            ("stop", [l]) => Ok(I::Stop {
                modules: self.modules(l)?,
            }),
            ("start", [l]) => Ok(I::Start {
                modules: self.modules(l)?,
            }),
            ("suspend", [l]) => {
                let items = self.list(l)?;
                let modules = items
                    .iter()
                    .map(|it| match it.as_tuple() {
                        Some([m, t]) => Ok((self.module(m)?, Some(self.timeout(t)?))),
                        _ => Ok((self.module(it)?, None)),
                    })
                    .collect::<R<Vec<_>>>()?;
                Ok(I::Suspend { modules })
            }
            ("code_change", [l]) => {
                let items = self.list(l)?;
                Ok(I::CodeChange {
                    mode: None,
                    changes: self.code_changes(&items)?,
                })
            }
            ("code_change", [mode, l]) => {
                // OTP checks the list before the mode.
                let items = self.list(l)?;
                let mode = match mode.as_atom() {
                    Some("up") => Mode::Up,
                    Some("down") => Mode::Down,
                    _ => return self.fail(Reason::BadMode, mode),
                };
                Ok(I::CodeChange {
                    mode: Some(mode),
                    changes: self.code_changes(&items)?,
                })
            }
            ("sync_nodes", [id, nodes]) => {
                let nodes = match nodes.as_tuple() {
                    Some([m, f, a]) => SyncNodes::Call(self.mfa(m, f, a)?),
                    _ => SyncNodes::Nodes(
                        self.list(nodes)?
                            .iter()
                            .map(|x| self.atom(x, Reason::BadNode))
                            .collect::<R<_>>()?,
                    ),
                };
                Ok(I::SyncNodes {
                    id: id.to_term(),
                    nodes,
                })
            }
            ("apply", [spec]) => match spec.as_tuple() {
                Some([m, f, a]) => Ok(I::Apply(self.mfa(m, f, a)?)),
                _ => self.fail(Reason::BadInstruction, n),
            },
            _ => self.fail(Reason::BadInstruction, n),
        }
    }
}

/// Checks one expanded instruction (`systools_rc:check_op/1`).
pub fn check_op(expanded: &Node) -> Result<Instruction, InstructionError> {
    Check { instr: expanded }.op()
}

/// Validates an instruction list the way `systools_rc` does for one
/// application's script: expansion, the `point_of_no_return` split
/// (§4.4), then the syntax check in merged order (instructions before the
/// point of no return, `load_object_code`s moved from after it, the rest).
///
/// ```
/// let n = &erlterm::parse_nodes("[{load_module, m}, {update, s, {advanced, x}}].").unwrap()[0];
/// let script = appup::instruction::parse_script(n.as_list().unwrap()).unwrap();
/// assert_eq!(script[0].op.to_term().to_string(),
///            "{load_module,m,brutal_purge,brutal_purge,[]}");
/// assert_eq!(script[1].to_string(), "{update,s,{advanced,x}}");
/// ```
pub fn parse_script(items: &[Node]) -> Result<Vec<Instr>, InstructionError> {
    // The checks of `expand_script`, `written_script` and the split, one
    // expanded instruction at a time: the expanded script is never held
    // whole (it is several times the size of the written one). Each pass
    // below visits the instructions in the order the whole-script version
    // did, so the first error is the same.
    for it in items {
        if matches!(it.kind, NodeKind::List(..) | NodeKind::String(_)) {
            check_proper(it)?;
        }
    }
    let is_ponr = |n: &Node| n.as_atom() == Some("point_of_no_return");
    let mut ponrs = each_expanded(items)
        .enumerate()
        .filter(|(_, n)| is_ponr(n))
        .map(|(i, _)| i);
    let (first, second) = (ponrs.next(), ponrs.next());
    if let Some(p) = first {
        if let Some(n) = second.and_then(|q| each_expanded(items).nth(q)) {
            return Err(InstructionError {
                reason: Reason::TooManyPointOfNoReturn,
                culprit: n.to_term(),
                instruction: n.to_term(),
                span: n.span,
            });
        }
        for n in each_expanded(items).take(p) {
            if !is_tagged2(&n, &["load_object_code", "apply"]) {
                return Err(err(Reason::BadOpBeforePointOfNoReturn, &n, &n));
            }
        }
        // Before the point of no return and it, the `load_object_code`s
        // after it, then the rest.
        for n in each_expanded(items).take(p + 1) {
            check_op(&n)?;
        }
        let moved = |n: &Node| is_tagged2(n, &["load_object_code"]);
        for n in each_expanded(items).skip(p + 1).filter(|n| moved(n)) {
            check_op(&n)?;
        }
        for n in each_expanded(items).skip(p + 1).filter(|n| !moved(n)) {
            check_op(&n)?;
        }
    } else {
        for n in each_expanded(items) {
            check_op(&n)?;
        }
    }
    let len = each_expanded(items)
        .count()
        .min(each_written(items).count());
    let mut out = Vec::with_capacity(len);
    for (e, (w, span)) in each_expanded(items).zip(each_written(items)) {
        out.push(Instr {
            op: check_op(&e)?,
            written: w,
            span,
        });
    }
    Ok(out)
}

/// The error [`proper_items`] gives for a list in a script, without
/// copying its items.
fn check_proper(list: &Node) -> Result<(), InstructionError> {
    fn proper(n: &Node) -> bool {
        match &n.kind {
            NodeKind::List(_, None) | NodeKind::String(_) => true,
            NodeKind::List(_, Some(tail)) => proper(tail),
            _ => false,
        }
    }
    match &list.kind {
        NodeKind::List(_, Some(tail)) if !proper(tail) => {
            Err(err(Reason::ImproperList, list, list))
        }
        NodeKind::List(..) | NodeKind::String(_) => Ok(()),
        _ => Err(err(Reason::BadList, list, list)),
    }
}

/// The instructions of [`expand_script`], one at a time (the script's
/// lists must have passed [`check_proper`]).
fn each_expanded(items: &[Node]) -> impl Iterator<Item = Cow<'_, Node>> + '_ {
    items.iter().flat_map(|it| match &it.kind {
        NodeKind::List(..) | NodeKind::String(_) => list_elements(it),
        _ => Box::new(std::iter::once(Cow::Owned(expand(it)))),
    })
}

/// The elements of a proper list node as [`proper_items`] gives them.
fn list_elements(list: &Node) -> Box<dyn Iterator<Item = Cow<'_, Node>> + '_> {
    match &list.kind {
        NodeKind::List(items, tail) => {
            let head = items.iter().map(Cow::Borrowed);
            match tail {
                None => Box::new(head),
                Some(t) => Box::new(head.chain(list_elements(t))),
            }
        }
        NodeKind::String(s) => Box::new(s.chars().map(move |c| {
            Cow::Owned(synth(
                NodeKind::Integer(Integer::from(u32::from(c))),
                list.span,
            ))
        })),
        _ => Box::new(std::iter::empty()),
    }
}

/// The written form of each expanded instruction (nested list items are
/// their own written form), one at a time.
fn each_written(items: &[Node]) -> impl Iterator<Item = (Term, Span)> + '_ {
    items
        .iter()
        .flat_map(|it| -> Box<dyn Iterator<Item = (Term, Span)> + '_> {
            match &it.kind {
                NodeKind::List(xs, _) => Box::new(xs.iter().map(|x| (x.to_term(), x.span))),
                NodeKind::String(s) => Box::new(
                    s.chars()
                        .map(|c| (Term::int(i64::from(u32::from(c))), it.span)),
                ),
                _ => Box::new(std::iter::once((it.to_term(), it.span))),
            }
        })
}

/// `{Tag, _}` for one of the tags: the 2-tuple shape OTP's split accepts.
fn is_tagged2(n: &Node, tags: &[&str]) -> bool {
    matches!(n.as_tuple(), Some([t, _]) if t.as_atom().is_some_and(|a| tags.contains(&a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(src: &str) -> Result<Vec<Instr>, InstructionError> {
        let nodes = erlterm::parse_nodes(src).map_err(|e| InstructionError {
            reason: Reason::BadInstruction,
            culprit: Term::nil(),
            instruction: Term::atom(&e.to_string()),
            span: e.span,
        })?;
        let items = nodes[0].as_list().map(<[Node]>::to_vec).unwrap_or_default();
        parse_script(&items)
    }

    fn reason(src: &str) -> String {
        match script(src) {
            Ok(_) => "ok".into(),
            Err(e) => e.otp_reason().to_string(),
        }
    }

    fn node(t: Term) -> Node {
        fn go(t: &Term) -> NodeKind {
            let sp = Span::default();
            match t {
                Term::Atom(a) => NodeKind::Atom(a.clone()),
                Term::Integer(i) => NodeKind::Integer(i.clone()),
                Term::Tuple(xs) => NodeKind::Tuple(
                    xs.iter()
                        .map(|x| Node {
                            span: sp,
                            kind: go(x),
                        })
                        .collect(),
                ),
                Term::List(xs) => NodeKind::List(
                    xs.iter()
                        .map(|x| Node {
                            span: sp,
                            kind: go(x),
                        })
                        .collect(),
                    None,
                ),
                Term::String(s) => NodeKind::String(s.clone()),
                other => NodeKind::Atom(Atom::new(&other.to_string())),
            }
        }
        Node {
            span: Span::default(),
            kind: go(&t),
        }
    }

    #[test]
    fn expansion_table_without_parser() {
        let a = Term::atom;
        let up = node(Term::tuple(vec![a("update"), a("m"), a("supervisor")]));
        assert_eq!(
            expand(&up).to_term().to_string(),
            "{update,m,static,default,{advanced,[]},brutal_purge,brutal_purge,[]}"
        );
        let lm = node(Term::tuple(vec![
            a("load_module"),
            a("m"),
            a("x"),
            Term::nil(),
        ]));
        assert_eq!(expand(&lm).to_term(), lm.to_term());
        assert_eq!(
            check_op(&expand(&lm)).unwrap_err().otp_reason().to_string(),
            "{bad_instruction,{load_module,m,x,[]}}"
        );
        let bad = node(Term::tuple(vec![a("update"), a("m"), a("foo")]));
        assert_eq!(
            check_op(&expand(&bad))
                .unwrap_err()
                .otp_reason()
                .to_string(),
            "{bad_instruction,{update,m,foo}}"
        );
        let t0 = node(Term::tuple(vec![
            a("update"),
            a("m"),
            Term::int(0),
            a("foo"),
            a("brutal_purge"),
            a("brutal_purge"),
            Term::nil(),
        ]));
        assert_eq!(
            check_op(&t0).unwrap_err().otp_reason().to_string(),
            "{bad_timeout,0}"
        );
    }

    #[test]
    fn spec_examples() {
        assert_eq!(reason("[{update, m, {foo}}]."), "{bad_change,{foo}}");
        assert_eq!(
            reason("[{update, m, supervisor, []}]."),
            "{bad_instruction,{update,m,supervisor,[]}}"
        );
        assert_eq!(
            reason("[[{load_module, m}]]."),
            "{bad_instruction,{load_module,m}}"
        );
        assert_eq!(
            reason("[{load_module, a}, point_of_no_return]."),
            "{bad_op_before_point_of_no_return,{load_module,a,brutal_purge,brutal_purge,[]}}"
        );
        assert_eq!(
            reason("[point_of_no_return, point_of_no_return]."),
            "too_many_point_of_no_return"
        );
        assert_eq!(reason("[{code_change, up, [{m, x}]}]."), "ok");
        assert_eq!(reason("[{code_change, foo, x}]."), "{bad_list,x}");
        assert_eq!(reason("[{purge, \"ab\"}]."), "{bad_module,97}");
        assert_eq!(
            reason("[mnesia_backup]."),
            "{not_yet_implemented,mnesia_backup}"
        );
        assert_eq!(reason("[{add_application, a}]."), "ok");
    }
}
