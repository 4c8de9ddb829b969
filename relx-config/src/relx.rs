//! The relx section of rebar.config (or `relx.config`): releases and
//! options (spec `config-files.md` §3).

use erlterm::{Node, NodeKind, Span};

use crate::error::{Error, Result};
use crate::terms::{atom, atoms, boolean, list, string};

/// A release version as written (§3.4).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RelVsn {
    /// A literal version string.
    String(String),
    /// `git`, `"git"`, `semver`, `"semver"`, `{semver, _}`: from tags.
    Git,
    /// `{git, short}`.
    GitShort,
    /// `{git, long}`.
    GitLong,
    /// `{file, Path}`.
    File(String),
    /// `{cmd, Cmd}`: raw output, not trimmed.
    Cmd(String),
    /// Anything else: relx keeps it and fails later.
    Other(String),
}

/// An application start type: the toolkit's one start type, defined in
/// [`appup::StartType`] (re-exported here so this path keeps working).
pub use appup::StartType;

/// One entry of a release's application list (`rlx_release:parse_goal/1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppGoal {
    /// The application.
    pub app: String,
    /// A pinned version.
    pub vsn: Option<String>,
    /// The start type, if given.
    pub start_type: Option<StartType>,
    /// Included applications, if given.
    pub included: Option<Vec<String>>,
    /// Where it was written.
    pub span: Span,
}

/// `{release, {Name, Vsn}, Apps}` and its variants.
#[derive(Clone, Debug)]
pub struct Release {
    /// The release name.
    pub name: String,
    /// The version.
    pub vsn: RelVsn,
    /// `{erts, Vsn}`.
    pub erts: Option<String>,
    /// `{extend, Base}` / `{extend, {Base, BaseVsn}}`.
    pub extends: Option<(String, Option<String>)>,
    /// The applications.
    pub goals: Vec<AppGoal>,
    /// Per-release options.
    pub config: Vec<RelxOption>,
    /// Where the entry was written.
    pub span: Span,
}

/// One relx option `{Key, Value}` (or a bare atom) with its span.
#[derive(Clone, Debug)]
pub struct RelxOption {
    /// The key.
    pub key: String,
    /// The value (the atom `true` for a bare atom).
    pub value: Node,
    /// Where the entry was written.
    pub span: Span,
}

/// The relx configuration: releases and options in order (relx folds over
/// them in order, later entries win).
///
/// ```
/// use relx_config::relx::{RelxConfig, RelVsn};
/// let nodes = erlterm::parse_nodes(
///     "[{release, {myrel, \"1.0.0\"}, [myapp, {sasl, load}]}, {mode, prod}, {include_erts, false}].").unwrap();
/// let r = RelxConfig::from_node(&nodes[0]).unwrap();
/// assert_eq!(r.releases[0].vsn, RelVsn::String("1.0.0".into()));
/// assert_eq!(r.option("include_erts").and_then(|n| n.as_atom()), Some("false"));
/// let bad = erlterm::parse_nodes("[{release, {r, \"1\"}, [{myapp, transient, [other]}]}].").unwrap();
/// assert!(RelxConfig::from_node(&bad[0]).is_err()); // relx's bad_goal
/// ```
#[derive(Clone, Debug, Default)]
pub struct RelxConfig {
    /// The releases.
    pub releases: Vec<Release>,
    /// Every other entry, in order.
    pub options: Vec<RelxOption>,
    /// Non-fatal problems (unknown options).
    pub warnings: Vec<Error>,
}

const KNOWN: &[&str] = &[
    "mode",
    "dev_mode",
    "include_erts",
    "system_libs",
    "include_src",
    "debug_info",
    "exclude_apps",
    "exclude_modules",
    "overrides",
    "lib_dirs",
    "sys_config",
    "sys_config_src",
    "vm_args",
    "vm_args_src",
    "overlay",
    "overlay_vars",
    "overlay_vars_values",
    "extended_start_script",
    "extended_start_script_hooks",
    "extended_start_script_extensions",
    "generate_start_script",
    "include_start_scripts_for",
    "include_nodetool",
    "upfrom",
    "output_dir",
    "root_dir",
    "warnings_as_errors",
    "src_tests",
    "check_for_undefined_functions",
    "exref",
    "default_release",
    "default_libs",
    "paths",
    "providers",
    "add_providers",
    "exclude_system_libs",
];

impl RelxConfig {
    /// Reads the list value of the `relx` key (or `relx.config`'s terms
    /// wrapped in a list).
    pub fn from_node(node: &Node) -> Result<RelxConfig> {
        Self::from_entries(list(node, "relx")?)
    }

    /// Reads a sequence of relx entries.
    pub fn from_entries(entries: &[Node]) -> Result<RelxConfig> {
        let mut cfg = RelxConfig::default();
        for e in entries {
            let is_release = e
                .as_tuple()
                .is_some_and(|t| t.first().and_then(Node::as_atom) == Some("release"));
            if is_release {
                cfg.releases.push(release(e)?);
                continue;
            }
            let opt = option(e)?;
            if !KNOWN.contains(&opt.key.as_str()) {
                cfg.warnings.push(Error::rejected(
                    format!(
                        "Unknown term found in relx configuration: {}",
                        appup::show::show(&e.to_term())
                    ),
                    Some(e.span),
                ));
            }
            cfg.options.push(opt);
        }
        Ok(cfg)
    }

    /// The value of the last occurrence of option `key`.
    pub fn option(&self, key: &str) -> Option<&Node> {
        self.options
            .iter()
            .rev()
            .find(|o| o.key == key)
            .map(|o| &o.value)
    }
}

fn option(e: &Node) -> Result<RelxOption> {
    let (key, value) = match (&e.kind, e.as_tuple()) {
        (NodeKind::Atom(a), _) => (
            a.as_str().to_string(),
            Node {
                span: e.span,
                kind: NodeKind::Atom(erlterm::Atom::new("true")),
            },
        ),
        (_, Some([k, v, ..])) if k.as_atom().is_some() => (atom(k, "relx option")?, v.clone()),
        _ => return Err(Error::shape("relx entry", "{Key, Value}", e)),
    };
    check_option(&key, &value)?;
    Ok(RelxOption {
        key,
        value,
        span: e.span,
    })
}

/// Type checks of the options relx itself validates.
fn check_option(key: &str, v: &Node) -> Result<()> {
    let path_or = |v: &Node, atoms_ok: &[&str]| {
        v.as_string().is_some() || v.as_atom().is_some_and(|a| atoms_ok.contains(&a))
    };
    let ok = match key {
        "mode" => matches!(v.as_atom(), Some("dev" | "prod" | "minimal")),
        "dev_mode"
        | "include_src"
        | "extended_start_script"
        | "generate_start_script"
        | "include_nodetool"
        | "warnings_as_errors"
        | "src_tests"
        | "check_for_undefined_functions" => boolean(v).is_some(),
        "include_erts" | "system_libs" => path_or(v, &["true", "false"]),
        "debug_info" => matches!(v.as_atom(), Some("keep" | "strip")),
        "sys_config" | "sys_config_src" | "vm_args" | "vm_args_src" => {
            path_or(v, &["false", "undefined"])
        }
        "exclude_apps" => atoms(v, key).is_ok(),
        "overlay" => {
            for instr in list(v, "overlay")? {
                overlay(instr)?;
            }
            true
        }
        "overlay_vars" => v.as_string().is_some() || v.as_list().is_some(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(Error::rejected(
            format!(
                "bad relx option {{{key},{}}}",
                appup::show::show(&v.to_term())
            ),
            Some(v.span),
        ))
    }
}

/// `mkdir`, `copy`, `link`, `template`, `chmod` with their arities.
fn overlay(instr: &Node) -> Result<()> {
    let bad = || {
        Error::rejected(
            format!(
                "{{malformed_overlay,{}}}",
                appup::show::show(&instr.to_term())
            ),
            Some(instr.span),
        )
    };
    let items = instr.as_tuple().ok_or_else(bad)?;
    let ok = match items {
        [t, _] => t.as_atom() == Some("mkdir"),
        [t, _, _] => matches!(t.as_atom(), Some("copy" | "link" | "template" | "chmod")),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(bad())
    }
}

fn release(e: &Node) -> Result<Release> {
    let items = e.as_tuple().unwrap_or(&[]);
    let (head, rest) = match items {
        [_, head, rest @ ..] if (1..=3).contains(&rest.len()) => (head, rest),
        _ => {
            return Err(Error::shape(
                "release",
                "{release, {Name, Vsn}, Apps} (or with {erts, Vsn} / Config)",
                e,
            ))
        }
    };
    let (erts, apps, config) = match rest {
        [apps] => (None, apps, None),
        [erts, apps] if is_erts(erts) => (Some(erts), apps, None),
        [apps, config] => (None, apps, Some(config)),
        [erts, apps, config] if is_erts(erts) => (Some(erts), apps, Some(config)),
        _ => {
            return Err(Error::shape(
                "release",
                "{release, {Name, Vsn}, {erts, Vsn}, Apps, Config}",
                e,
            ))
        }
    };
    let (name, vsn, extends) = release_head(head)?;
    let erts = match erts.and_then(Node::as_tuple) {
        Some([_, v]) => Some(string(v, "erts version")?),
        _ => None,
    };
    let goals = list(apps, "release applications")?
        .iter()
        .map(goal)
        .collect::<Result<Vec<_>>>()?;
    let config = match config {
        Some(c) => RelxConfig::from_node(c)?.options,
        None => Vec::new(),
    };
    Ok(Release {
        name,
        vsn,
        erts,
        extends,
        goals,
        config,
        span: e.span,
    })
}

fn is_erts(n: &Node) -> bool {
    matches!(n.as_tuple(), Some([t, _]) if t.as_atom() == Some("erts"))
}

type Head = (String, RelVsn, Option<(String, Option<String>)>);

fn release_head(head: &Node) -> Result<Head> {
    let items = head.as_tuple().unwrap_or(&[]);
    let (name, vsn, ext) = match items {
        [n, v] => (n, v, None),
        [n, v, x] => (n, v, Some(x)),
        _ => return Err(Error::shape("release name", "{Name, Vsn}", head)),
    };
    let name = atom(name, "release name")?;
    let extends = match ext.map(|x| (x, x.as_tuple())) {
        None => None,
        Some((_, Some([t, base]))) if t.as_atom() == Some("extend") => match base.as_tuple() {
            Some([b, bv]) => Some((
                atom(b, "base release")?,
                Some(string(bv, "base release version")?),
            )),
            _ => Some((atom(base, "base release")?, None)),
        },
        Some((x, _)) => return Err(Error::shape("release", "{extend, Base}", x)),
    };
    Ok((name, rel_vsn(vsn), extends))
}

fn rel_vsn(v: &Node) -> RelVsn {
    let named = |s: &str| matches!(s, "git" | "semver");
    if let Some(a) = v.as_atom() {
        return if named(a) {
            RelVsn::Git
        } else {
            RelVsn::Other(a.to_string())
        };
    }
    if let Some([t, x]) = v.as_tuple() {
        return match (t.as_atom(), x.as_atom(), x.as_string()) {
            (Some("git"), Some("short"), _) => RelVsn::GitShort,
            (Some("git"), Some("long"), _) => RelVsn::GitLong,
            (Some("semver"), _, _) => RelVsn::Git,
            (Some("file"), _, Some(p)) => RelVsn::File(p),
            (Some("cmd"), _, Some(c)) => RelVsn::Cmd(c),
            _ => RelVsn::Other(v.to_term().to_string()),
        };
    }
    match v.as_string() {
        Some(s) if named(&s) => RelVsn::Git,
        Some(s) => RelVsn::String(s),
        None => RelVsn::Other(v.to_term().to_string()),
    }
}

/// `rlx_release:parse_goal/1`, including its rejection of
/// `{App, Type, IncApps}` and of binary versions.
fn goal(g: &Node) -> Result<AppGoal> {
    let bad = || {
        Error::rejected(
            format!(
                "{{rlx_release,{{bad_goal,{}}}}}",
                appup::show::show(&g.to_term())
            ),
            Some(g.span),
        )
    };
    let mut out = AppGoal {
        app: String::new(),
        vsn: None,
        start_type: None,
        included: None,
        span: g.span,
    };
    if let Some(a) = g.as_atom() {
        out.app = a.to_string();
        return Ok(out);
    }
    let items = g.as_tuple().ok_or_else(bad)?;
    let (app, rest) = items.split_first().ok_or_else(bad)?;
    out.app = app.as_atom().ok_or_else(bad)?.to_string();
    let ty = |n: &Node| n.as_atom().and_then(StartType::from_name);
    let inc = |n: &Node| -> Option<Vec<String>> {
        let l = n.as_list()?;
        l.iter().map(|x| x.as_atom().map(str::to_string)).collect()
    };
    let vsn = |n: &Node| match &n.kind {
        NodeKind::String(s) => Some(s.to_string()),
        _ => None,
    };
    match rest {
        [x] if ty(x).is_some() => out.start_type = ty(x),
        [x] if inc(x).is_some() => out.included = inc(x),
        [x] if vsn(x).is_some() => out.vsn = vsn(x),
        [v, x] if vsn(v).is_some() && ty(x).is_some() => {
            out.vsn = vsn(v);
            out.start_type = ty(x);
        }
        [v, x] if vsn(v).is_some() && inc(x).is_some() => {
            out.vsn = vsn(v);
            out.included = inc(x);
        }
        [v, t, i] if vsn(v).is_some() && ty(t).is_some() && inc(i).is_some() => {
            out.vsn = vsn(v);
            out.start_type = ty(t);
            out.included = inc(i);
        }
        _ => return Err(bad()),
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn cfg(t: &str) -> Result<RelxConfig> {
        RelxConfig::from_node(&erlterm::parse_nodes(t).unwrap()[0])
    }

    #[test]
    fn goal_forms() {
        let r = cfg("[{release, {r, \"1\"}, [a, {b, load}, {c, [d]}, {e, []}, {f, \"\"}, {g, \"2.0\"}, {h, \"1\", none}, {i, \"1\", [j]}, {k, \"1\", temporary, [l]}]}].").unwrap();
        let g = &r.releases[0].goals;
        assert_eq!(g.len(), 9);
        assert_eq!(g[1].start_type, Some(StartType::Load));
        assert_eq!(g[2].included, Some(vec!["d".to_string()]));
        assert_eq!(g[4].included, Some(vec![]));
        assert_eq!(g[5].vsn.as_deref(), Some("2.0"));
        for bad in [
            "{a, transient, [b]}",
            "{a, <<\"1\">>}",
            "{\"a\", load}",
            "{a, bogus}",
            "42",
        ] {
            let e = cfg(&format!("[{{release, {{r, \"1\"}}, [{bad}]}}].")).unwrap_err();
            assert!(e.to_string().contains("bad_goal"), "{bad}: {e}");
        }
    }

    #[test]
    fn release_shapes_and_vsns() {
        let r = cfg("[{release, {r, git}, {erts, \"13.1\"}, [a], [{mode, dev}]}, {release, {s, {git, short}, {extend, {r, \"1\"}}}, [a]}, {release, {t, {cmd, \"echo 1\"}}, [a]}].").unwrap();
        assert_eq!(r.releases[0].vsn, RelVsn::Git);
        assert_eq!(r.releases[0].erts.as_deref(), Some("13.1"));
        assert_eq!(r.releases[0].config[0].key, "mode");
        assert_eq!(r.releases[1].extends, Some(("r".into(), Some("1".into()))));
        assert_eq!(r.releases[2].vsn, RelVsn::Cmd("echo 1".into()));
        assert!(cfg("[{release, {\"r\", \"1\"}, [a]}].").is_err());
        assert!(cfg("[{release, {r, \"1\"}, a}].").is_err());
    }

    #[test]
    fn options_checked_and_unknown_warned() {
        assert!(cfg("[{mode, fast}].").is_err());
        assert!(cfg("[{overlay, [{copy, \"a\"}]}].").is_err());
        assert!(cfg(
            "[{overlay, [{mkdir, \"log\"}, {template, \"a\", \"b\"}]}, {sys_config, false}]."
        )
        .is_ok());
        let r = cfg("[{bogus_relx_option, 1}, dev_mode].").unwrap();
        assert_eq!(
            r.warnings[0].to_string(),
            "Unknown term found in relx configuration: {bogus_relx_option,1}"
        );
        assert_eq!(r.option("dev_mode").and_then(Node::as_atom), Some("true"));
    }
}
