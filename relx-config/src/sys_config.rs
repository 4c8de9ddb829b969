//! `sys.config` as the VM reads it (`application_controller`, OTP 25).
//!
//! Two views:
//! - [`SysConfig::parse`]: the typed model of one file (entries with
//!   spans), for reporting problems where they were written;
//! - [`load`]: what the VM does at boot with `-config DIR/NAME`: reads one
//!   list term, expands includes (one level, only for a file named
//!   `sys.config`), merges key by key, then validates; errors carry the
//!   VM's own message.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use erlterm::{Node, NodeKind, Span, Term};

use crate::error::{Error, Result};
use crate::terms::{into_list, into_tuple};

/// A parameter of an application: `{Name, Value}`.
#[derive(Clone, Debug)]
pub struct Param {
    /// The parameter name.
    pub name: String,
    /// Where the name was written.
    pub name_span: Span,
    /// The value, any term.
    pub value: Node,
}

/// `{App, [{Par, Val}]}`.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// The application name.
    pub app: String,
    /// Where the whole entry was written.
    pub span: Span,
    /// Its parameters in order.
    pub params: Vec<Param>,
}

/// One element of the list.
#[derive(Clone, Debug)]
pub enum Entry {
    /// Configuration of one application.
    App(AppConfig),
    /// A string: another config file to merge in (§4.2).
    Include {
        /// The name as written.
        path: String,
        /// Where it was written.
        span: Span,
    },
}

/// A `sys.config` file: one list of entries.
///
/// ```
/// use relx_config::sys_config::{SysConfig, Entry};
/// let c = SysConfig::parse("[{kernel, [{logger_level, info}]}, \"extra\"].\n").unwrap();
/// assert!(matches!(&c.entries[0], Entry::App(a) if a.app == "kernel"));
/// assert!(matches!(&c.entries[1], Entry::Include { path, .. } if path == "extra"));
/// let err = SysConfig::parse("[{kernel, [{a, 1}, {a, 2}]}].").unwrap_err();
/// assert_eq!(err.to_string(), "application: kernel; duplicate parameter: a");
/// ```
#[derive(Clone, Debug)]
pub struct SysConfig {
    /// The entries in file order.
    pub entries: Vec<Entry>,
}

impl SysConfig {
    /// Parses and validates one file with the VM's rules, but without
    /// reading includes (a duplicate application is allowed: the VM merges
    /// duplicates in a file named `sys.config`).
    ///
    /// ```
    /// let c = relx_config::sys_config::SysConfig::parse("[{shop, [{port, 80}]}, {shop, [{port, 81}]}].").unwrap();
    /// let env = c.app_env("shop");
    /// assert_eq!((env[0].0, env[0].1.to_term().to_string()), ("port", "81".to_string()));
    /// ```
    pub fn parse(text: &str) -> Result<SysConfig> {
        let node = first_list(text)?;
        check_entries(&node)?;
        // Checked: the model is built by moving the values out of the
        // tree, not by copying them.
        let entries = into_list(node, "")
            .unwrap_or_default()
            .into_iter()
            .filter_map(build_entry)
            .collect();
        Ok(SysConfig { entries })
    }

    /// Checks one file as [`SysConfig::parse`] does, with the same error,
    /// without building the model: memory is the span tree alone.
    ///
    /// ```
    /// use relx_config::sys_config::SysConfig;
    /// assert!(SysConfig::validate("[{kernel, [{logger_level, info}]}].").is_ok());
    /// let e = SysConfig::validate("[{kernel, [{a, 1}, {a, 2}]}].").unwrap_err();
    /// assert_eq!(e, SysConfig::parse("[{kernel, [{a, 1}, {a, 2}]}].").unwrap_err());
    /// ```
    pub fn validate(text: &str) -> Result<()> {
        check_entries(&first_list(text)?)
    }

    /// The parameters of `app` merged over all its entries (later wins),
    /// ignoring includes.
    pub fn app_env(&self, app: &str) -> Vec<(&str, &Node)> {
        let mut out: Vec<(&str, &Node)> = Vec::new();
        for e in &self.entries {
            let Entry::App(a) = e else { continue };
            if a.app != app {
                continue;
            }
            for p in &a.params {
                match out.iter_mut().find(|(k, _)| *k == p.name) {
                    Some(slot) => slot.1 = &p.value,
                    None => out.push((&p.name, &p.value)),
                }
            }
        }
        out
    }
}

/// The one list term of a file, by the VM's scanning rules.
fn first_list(text: &str) -> Result<Node> {
    let Some(end) = erlterm::first_term_end(text) else {
        return Err(Error::rejected("no ending <dot> found", None));
    };
    let nodes = erlterm::parse_nodes(&format!("{} ", &text[..end]))?;
    let only_ws_after = only_ws(&text[end..]);
    match nodes.into_iter().next() {
        Some(n) if n.as_list().is_some() || matches!(n.kind, NodeKind::String(_)) => {
            if only_ws_after {
                Ok(n)
            } else {
                Err(Error::rejected(ONE_LIST, Some(rest_span(text, end))))
            }
        }
        Some(n) => Err(Error::rejected(ONE_LIST, Some(n.span))),
        None => Err(Error::rejected("no ending <dot> found", None)),
    }
}

const ONE_LIST: &str = "configuration file must contain ONE list ended by <dot>";

fn rest_span(text: &str, end: usize) -> Span {
    let line = text[..end].matches('\n').count() as u32 + 1;
    Span {
        start: end as u32,
        end: text.len() as u32,
        line,
        column: 1,
    }
}

/// Every check of [`SysConfig::parse`] on the list, in the VM's order:
/// the first entry that is wrong gives the error.
fn check_entries(node: &Node) -> Result<()> {
    node.as_list().unwrap_or(&[]).iter().try_for_each(entry)
}

/// The entry of a node [`entry`] accepted, moved out of it.
fn build_entry(node: Node) -> Option<Entry> {
    let span = node.span;
    if let NodeKind::String(s) = &node.kind {
        return Some(Entry::Include {
            path: s.to_string(),
            span,
        });
    }
    let [app, params] = into_tuple::<2>(node).ok()?;
    let params = into_list(params, "").ok()?.into_iter().filter_map(|p| {
        let [k, value] = into_tuple::<2>(p).ok()?;
        Some(Param {
            name: k.as_atom()?.to_owned(),
            name_span: k.span,
            value,
        })
    });
    Some(Entry::App(AppConfig {
        app: app.as_atom()?.to_owned(),
        span,
        params: params.collect(),
    }))
}

/// Checks one entry: an include, or `{App, [{Par, Val}]}` with an atom
/// name, parameters with atom names and no duplicate.
fn entry(node: &Node) -> Result<()> {
    if let NodeKind::String(_) = &node.kind {
        return Ok(());
    }
    let Some([app, params]) = node.as_tuple() else {
        return Err(Error::rejected(
            format!("invalid application config: {}", p_format(&node.to_term())),
            Some(node.span),
        ));
    };
    let Some(params_list) = params.as_list() else {
        if matches!(params.kind, NodeKind::String(_)) {
            return Err(Error::rejected(
                format!(
                    "application: {}; invalid parameter: {}",
                    p_format(&app.to_term()),
                    p_format(
                        &params
                            .to_term()
                            .to_list()
                            .and_then(|l| l.first().cloned())
                            .unwrap_or(Term::nil())
                    )
                ),
                Some(params.span),
            ));
        }
        return Err(Error::rejected(
            format!(
                "application: {}; parameters must be a list",
                p_format(&app.to_term())
            ),
            Some(params.span),
        ));
    };
    let Some(name) = app.as_atom() else {
        return Err(Error::rejected(
            format!(
                "application: {}; application name must be an atom",
                p_format(&app.to_term())
            ),
            Some(app.span),
        ));
    };
    let app_txt = p_format(&Term::atom(name));
    // The first malformed parameter; the parameters before it are well
    // formed.
    let mut malformed = None;
    let mut valid = 0usize;
    for p in params_list {
        if let Err(e) = param(&app_txt, p) {
            malformed = Some(e);
            break;
        }
        valid += 1;
    }
    // The VM stops at the first parameter whose name came before: the
    // smallest index that repeats an earlier name. Found by sorting the
    // indices (4 bytes each) by (name, index), not by comparing every pair.
    let key = |i: u32| {
        params_list
            .get(i as usize)
            .and_then(Node::as_tuple)
            .and_then(<[Node]>::first)
    };
    let name_of = |i: u32| key(i).and_then(Node::as_atom).unwrap_or("");
    let mut order: Vec<u32> = (0..u32::try_from(valid).unwrap_or(u32::MAX)).collect();
    order.sort_unstable_by(|&a, &b| name_of(a).cmp(name_of(b)).then(a.cmp(&b)));
    let duplicate = order
        .windows(2)
        .filter_map(|w| match w {
            [a, b] if name_of(*a) == name_of(*b) => Some(*b),
            _ => None,
        })
        .min();
    drop(order);
    if let Some(k) = duplicate.and_then(key) {
        return Err(Error::rejected(
            format!(
                "application: {app_txt}; duplicate parameter: {}",
                k.as_atom().unwrap_or_default()
            ),
            Some(k.span),
        ));
    }
    if let Some(e) = malformed {
        return Err(e);
    }
    if name == "kernel" {
        if let Some(d) = params_list
            .iter()
            .filter_map(|p| match p.as_tuple() {
                Some([k, v]) if k.as_atom() == Some("distributed") => Some(v),
                _ => None,
            })
            .next()
        {
            if !distributed_node_ok(d) {
                return Err(Error::rejected(
                    "application: kernel; erroneous parameter: distributed",
                    Some(d.span),
                ));
            }
        }
    }
    Ok(())
}

/// Checks one parameter: `{Name, Value}` with an atom name.
fn param(app_txt: &str, p: &Node) -> Result<()> {
    let Some([k, _]) = p.as_tuple() else {
        return Err(Error::rejected(
            format!(
                "application: {app_txt}; invalid parameter: {}",
                p_format(&p.to_term())
            ),
            Some(p.span),
        ));
    };
    if k.as_atom().is_none() {
        return Err(Error::rejected(
            format!(
                "application: {app_txt}; invalid parameter name: {}",
                p_format(&k.to_term())
            ),
            Some(k.span),
        ));
    }
    Ok(())
}

/// [`distributed_ok`] on the node, without converting a proper list.
fn distributed_node_ok(n: &Node) -> bool {
    let NodeKind::List(items, None) = &n.kind else {
        return distributed_ok(&n.to_term());
    };
    let is_list = |l: &Node| match &l.kind {
        NodeKind::List(_, None) | NodeKind::String(_) => true,
        NodeKind::List(_, Some(_)) => l.to_term().to_list().is_some(),
        _ => false,
    };
    items.iter().all(|i| match i.as_tuple() {
        Some([a, l]) => a.as_atom().is_some() && is_list(l),
        Some([a, time, l]) => {
            a.as_atom().is_some()
                && (time.as_atom() == Some("infinity") || matches!(time.kind, NodeKind::Integer(_)))
                && is_list(l)
        }
        _ => false,
    })
}

/// kernel's `distributed`: `[{App, [Node]} | {App, Timeout, [Node]}]`.
fn distributed_ok(t: &Term) -> bool {
    let Some(items) = t.to_list() else {
        return false;
    };
    items.iter().all(|i| match i.as_tuple() {
        Some([a, l]) => a.as_atom().is_some() && l.to_list().is_some(),
        Some([a, time, l]) => {
            a.as_atom().is_some()
                && (time.as_atom() == Some("infinity") || matches!(time, Term::Integer(_)))
                && l.to_list().is_some()
        }
        _ => false,
    })
}

// ---------------------------------------------------------------------
// Scanning like `erl_scan:tokens/3` up to the first dot.

/// What `application_controller:only_ws/1` accepts after the term.
fn only_ws(rest: &str) -> bool {
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        if c == '%' {
            for d in chars.by_ref() {
                if d == '\n' {
                    break;
                }
            }
        } else if c > ' ' {
            return false;
        }
    }
    true
}

// ---------------------------------------------------------------------
// Encoding (epp's `coding:` comment detection, term-syntax.md §2.1).

/// Decodes a config file's bytes as the VM does (default UTF-8, latin-1
/// when a `coding: latin-1` comment is in the first two lines); `None`
/// is the VM's "bad encoding".
pub fn decode(bytes: &[u8]) -> Option<String> {
    match erlterm::encoding::detect(bytes) {
        erlterm::encoding::Encoding::Latin1 => Some(bytes.iter().map(|&b| b as char).collect()),
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

// ---------------------------------------------------------------------
// `~tp`-like printing for the VM's messages.

/// Formats a term like `io_lib:format("~tp")` does for short terms
/// (strings of printable latin-1 characters as `"..."`); longer terms
/// are not wrapped over lines as `~p` would.
pub fn p_format(t: &Term) -> String {
    let mut out = String::new();
    write_p(&mut out, t);
    out
}

fn printable_latin1(items: &[Term]) -> Option<String> {
    let mut s = String::new();
    for i in items {
        let c = char::from_u32(u32::try_from(i.as_i64()?).ok()?)?;
        let ok = matches!(c, ' '..='~' | '\u{a0}'..='\u{ff}' | '\n' | '\r' | '\t' | '\x0b' | '\x08' | '\x0c' | '\x1b');
        if !ok {
            return None;
        }
        s.push(c);
    }
    Some(s)
}

fn write_p(out: &mut String, t: &Term) {
    match t {
        Term::String(s) if s.is_empty() => out.push_str("[]"),
        Term::String(_) | Term::List(_) | Term::ImproperList(_) => write_p_list(out, t),
        Term::Tuple(items) => {
            out.push('{');
            write_p_items(out, items);
            out.push('}');
        }
        _ => {
            let _ = write!(out, "{t}");
        }
    }
}

fn write_p_items(out: &mut String, items: &[Term]) {
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_p(out, x);
    }
}

fn write_p_list(out: &mut String, t: &Term) {
    if let Some(items) = t.to_list() {
        if items.is_empty() {
            out.push_str("[]");
            return;
        }
        if let Some(s) = printable_latin1(&items) {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    '\x0b' => out.push_str("\\v"),
                    '\x08' => out.push_str("\\b"),
                    '\x0c' => out.push_str("\\f"),
                    '\x1b' => out.push_str("\\e"),
                    c => out.push(c),
                }
            }
            out.push('"');
            return;
        }
        out.push('[');
        write_p_items(out, &items);
        out.push(']');
        return;
    }
    if let Term::ImproperList(l) = t {
        out.push('[');
        write_p_items(out, l.items());
        out.push('|');
        write_p(out, l.tail());
        out.push(']');
    }
}

// ---------------------------------------------------------------------
// The VM's loading algorithm.

/// An application's environment as the VM keeps it: `(App, [(Par, Val)])`.
pub type Env = Vec<Term>;

/// Why the VM refuses to boot with a configuration; `Display` is the VM's
/// message (what follows `could not start kernel pid
/// (application_controller)`).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VmError {
    /// A file could not be read or scanned.
    #[error("error in config file \"{file}\" ({}): {message}", line.map_or("none".to_string(), |l| l.to_string()))]
    File {
        /// The file name as the VM prints it.
        file: String,
        /// The line of a syntax error; `None` prints as `none`.
        line: Option<u32>,
        /// The reason.
        message: String,
    },
    /// The merged configuration failed validation.
    #[error("invalid config data: {0}")]
    Data(String),
    /// The VM crashes on this input (a `function_clause`/`badarg` inside
    /// `application_controller`); the text says where.
    #[error("application_controller crashes: {0}")]
    Crash(String),
}

/// How the VM loads `-config <path>` with the current directory `cwd`
/// (used for the legacy cwd-relative include lookup), returning the
/// environment after includes and merging, in the VM's internal order.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("sys-config-load-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("sys.config"), "[{shop, [{port, 80}]}, \"extra\"].").unwrap();
/// std::fs::write(dir.join("extra.config"), "[{shop, [{port, 81}, {tls, true}]}].").unwrap();
/// let env = relx_config::sys_config::load(&dir.join("sys.config"), &dir).unwrap();
/// assert!(!env.is_empty()); // the merged environment, in the VM's order
/// std::fs::write(dir.join("sys.config"), "[{shop, [{port, 80}]}").unwrap();
/// let err = relx_config::sys_config::load(&dir.join("sys.config"), &dir).unwrap_err();
/// println!("{err}"); // the VM's own message
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn load(path: &Path, cwd: &Path) -> std::result::Result<Env, VmError> {
    let base = base_name(path);
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let fname = dir.join(format!("{base}.config"));
    let env = load_file(&fname, &path_text(&fname))?;
    let env = if base == "sys" {
        expand_includes(env, &dir, cwd)?
    } else {
        env
    };
    check_conf_data(&env)?;
    Ok(env)
}

/// `filename:basename(F, ".config")`.
fn base_name(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.strip_suffix(".config")
        .map(str::to_string)
        .unwrap_or(name)
}

fn path_text(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Reads one config file: one list, as [`first_list`] scans it.
fn load_file(path: &Path, shown: &str) -> std::result::Result<Env, VmError> {
    let file_err = |line: Option<u32>, message: String| VmError::File {
        file: shown.to_string(),
        line,
        message,
    };
    let bytes =
        std::fs::read(path).map_err(|_| file_err(None, "configuration file not found".into()))?;
    let text = decode(&bytes).ok_or_else(|| file_err(None, "bad encoding".into()))?;
    match first_list(&text) {
        Ok(n) => Ok(n.to_term().to_list().unwrap_or_default()),
        Err(e) => {
            let line = match e.kind {
                crate::ErrorKind::Parse(_) => e.span.map(|s| s.line),
                _ => None,
            };
            Err(file_err(line, e.kind.to_string()))
        }
    }
}

/// `check_conf_sys/4`: includes and tuples merged in order; the first
/// include error is reported after all entries were processed.
fn expand_includes(env: Env, dir: &Path, cwd: &Path) -> std::result::Result<Env, VmError> {
    let mut acc: Env = Vec::new();
    let mut first_error: Option<VmError> = None;
    for item in env {
        let is_list = matches!(
            item,
            Term::String(_) | Term::List(_) | Term::ImproperList(_)
        );
        if !is_list {
            acc = merge_env(acc, vec![item])?;
            continue;
        }
        let Some(name) = item.as_string() else {
            return Err(VmError::Crash(format!(
                "include name is not a string: {item}"
            )));
        };
        let (shown, real) = include_path(&name, dir, cwd);
        match load_file(&real, &shown) {
            Ok(new) => acc = merge_env(acc, new)?,
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(acc),
    }
}

/// The name the VM uses for an include (for messages) and where it reads
/// it from: next to sys.config if that exists, else relative to `cwd`.
fn include_path(name: &str, dir: &Path, cwd: &Path) -> (String, PathBuf) {
    let p = Path::new(name);
    let base = base_name(p);
    let parent = p.parent().map(path_text).unwrap_or_default();
    let parent = if parent.is_empty() {
        ".".to_string()
    } else {
        parent
    };
    let fname = if parent == "/" {
        format!("/{base}.config")
    } else {
        format!("{parent}/{base}.config")
    };
    if Path::new(&fname).is_absolute() {
        return (fname.clone(), PathBuf::from(fname));
    }
    let next_to = normalize(&dir.join(&fname));
    if next_to.exists() {
        (path_text(&next_to), next_to)
    } else {
        (fname.clone(), cwd.join(&fname))
    }
}

/// Drops `.` components like `filename:join/2` does.
fn normalize(p: &Path) -> PathBuf {
    p.components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect()
}

/// `{Key, Value}` pair of a 2-tuple.
fn pair(t: &Term) -> Option<(&Term, &Term)> {
    match t.as_tuple() {
        Some([k, v]) => Some((k, v)),
        _ => None,
    }
}

/// `get_env_key/2`: the value of the first `{Key, _}` in `env` and the
/// rest (in the VM's scrambled order); `Err(env)` unchanged when absent
/// (the VM then goes on with the original list).
fn get_env_key(key: &Term, env: Vec<Term>) -> std::result::Result<(Term, Vec<Term>), Vec<Term>> {
    let mut before: Vec<Term> = Vec::new();
    let mut iter = env.into_iter();
    while let Some(h) = iter.next() {
        if let Some((k, v)) = pair(&h) {
            if k == key {
                let v = v.clone();
                let mut rest: Vec<Term> = iter.collect();
                before.reverse();
                rest.extend(before);
                return Ok((v, rest));
            }
        }
        before.push(h);
    }
    Err(before)
}

/// `merge_env/2`: `env2` overrides `env1`, per application.
fn merge_env(env1: Vec<Term>, mut env2: Vec<Term>) -> std::result::Result<Vec<Term>, VmError> {
    let mut res: Vec<Term> = Vec::new();
    for item in env1 {
        let Some((app, app_env1)) = pair(&item) else {
            return Err(VmError::Crash(format!(
                "merge_env: not an {{App, Env}} tuple: {item}"
            )));
        };
        match get_env_key(app, std::mem::take(&mut env2)) {
            Ok((app_env2, rest)) => {
                env2 = rest;
                let merged = merge_app_env(app_env1, app_env2)?;
                res.push(Term::tuple(vec![app.clone(), merged]));
            }
            Err(unchanged) => {
                env2 = unchanged;
                res.push(item.clone());
            }
        }
    }
    res.reverse();
    env2.extend(res);
    Ok(env2)
}

/// `merge_app_env/2`: `env2` overrides `env1`, per key.
fn merge_app_env(env1: &Term, env2: Term) -> std::result::Result<Term, VmError> {
    let crash = || {
        VmError::Crash(format!(
            "merge_app_env: {env1} is not a list of {{Key, Value}}"
        ))
    };
    let items1 = env1.to_list().ok_or_else(crash)?;
    let mut env2 = env2.to_list().ok_or_else(crash)?;
    let mut res: Vec<Term> = Vec::new();
    for item in items1 {
        let Some((key, val)) = pair(&item) else {
            return Err(crash());
        };
        match get_env_key(key, std::mem::take(&mut env2)) {
            Ok((new_val, rest)) => {
                env2 = rest;
                res.push(Term::tuple(vec![key.clone(), new_val]));
            }
            Err(unchanged) => {
                env2 = unchanged;
                res.push(Term::tuple(vec![key.clone(), val.clone()]));
            }
        }
    }
    res.reverse();
    env2.extend(res);
    Ok(Term::list(env2))
}

/// `check_conf_data/1` on the merged environment.
fn check_conf_data(env: &[Term]) -> std::result::Result<(), VmError> {
    for (i, app) in env.iter().enumerate() {
        let rest = env.get(i + 1..).unwrap_or_default();
        let Some((name, list)) = pair(app) else {
            return Err(VmError::Data(format!(
                "invalid application config: {}",
                p_format(app)
            )));
        };
        let is_list = matches!(
            list,
            Term::String(_) | Term::List(_) | Term::ImproperList(_)
        );
        match (name.as_atom(), is_list) {
            (Some(a), true) => {
                if rest.iter().any(|r| pair(r).is_some_and(|(k, _)| k == name)) {
                    return Err(VmError::Data(format!("duplicate application config: {a}")));
                }
                check_para(list, a)?;
            }
            (None, true) => {
                return Err(VmError::Data(format!(
                    "application: {}; application name must be an atom",
                    p_format(name)
                )))
            }
            _ => {
                return Err(VmError::Data(format!(
                    "application: {}; parameters must be a list",
                    p_format(name)
                )))
            }
        }
    }
    Ok(())
}

fn check_para(list: &Term, app: &str) -> std::result::Result<(), VmError> {
    let Some(items) = list.to_list() else {
        return Err(VmError::Crash(format!(
            "check_para: improper parameter list of {app}"
        )));
    };
    let app_txt = p_format(&Term::atom(app));
    for (i, p) in items.iter().enumerate() {
        let Some((k, v)) = pair(p) else {
            return Err(VmError::Data(format!(
                "application: {app_txt}; invalid parameter: {}",
                p_format(p)
            )));
        };
        let Some(name) = k.as_atom() else {
            return Err(VmError::Data(format!(
                "application: {app_txt}; invalid parameter name: {}",
                p_format(k)
            )));
        };
        if items
            .iter()
            .skip(i + 1)
            .any(|r| pair(r).is_some_and(|(rk, _)| rk == k))
        {
            return Err(VmError::Data(format!(
                "application: {app_txt}; duplicate parameter: {name}"
            )));
        }
        if app == "kernel" && name == "distributed" && !distributed_ok(v) {
            return Err(VmError::Data(
                "application: kernel; erroneous parameter: distributed".into(),
            ));
        }
    }
    Ok(())
}

/// Conformance-test helper, only with the `oracle` cargo feature (which
/// the crate's own tests and `examples/config_oracle.rs` enable).
///
/// What `oracle/sys_config.sh DIR` prints for `DIR/sys.config`, with the
/// VM's current directory at DIR's parent: the [`oracle_lines`], a single
/// empty line for an empty configuration, or `error <message>` with DIR
/// replaced by `<DIR>`; a VM crash prints as `error <crash>` (the oracle
/// prints the crash term, which callers normalise the same way).
#[cfg(feature = "oracle")]
pub fn oracle_report(dir: &Path) -> Vec<String> {
    let dir = match dir.canonicalize() {
        Ok(d) => d,
        Err(e) => return vec![format!("error {e}")],
    };
    let cwd = dir.parent().map(Path::to_path_buf).unwrap_or_default();
    match load(&dir.join("sys"), &cwd) {
        Ok(env) => {
            let lines = oracle_lines(&env);
            if lines.is_empty() {
                vec![String::new()]
            } else {
                lines
            }
        }
        Err(VmError::Crash(_)) => vec!["error <crash>".to_string()],
        Err(e) => vec![format!(
            "error {}",
            e.to_string().replace(&*dir.to_string_lossy(), "<DIR>")
        )],
    }
}

/// Conformance-test helper, only with the `oracle` cargo feature (which
/// the crate's own tests and `examples/config_oracle.rs` enable).
///
/// The environment printed as the conformance oracle does: one
/// `{App,SortedEnv}` line per application, sorted (canonical `~w` form).
#[cfg(feature = "oracle")]
pub fn oracle_lines(env: &Env) -> Vec<String> {
    let mut apps: Vec<Term> = env
        .iter()
        .filter_map(|a| {
            let (name, list) = pair(a)?;
            let mut params = list.to_list()?;
            params.sort();
            Some(Term::tuple(vec![name.clone(), Term::list(params)]))
        })
        .collect();
    apps.sort();
    apps.iter().map(|t| t.to_string()).collect()
}
