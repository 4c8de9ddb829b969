//! `rebar.config` (spec `config-files.md` §2): entries kept in order,
//! typed views of deps, plugins, erl_opts, profiles, overrides,
//! `minimum_otp_vsn` and the relx section, and rebar3's profile merge.

use erlterm::{Node, Span, Term};

use crate::error::{Error, Result};
use crate::relx::RelxConfig;
use crate::terms::{atom_or_binary, into_tuple, list, string_or_binary};

/// One `{Key, Value}` entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The key (usually an atom), printed canonically.
    pub key: String,
    /// The value.
    pub value: Node,
    /// Where the entry was written.
    pub span: Span,
}

/// A revision of a git/hg source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rev {
    /// No revision: the default branch.
    Default,
    /// `{branch, B}`.
    Branch(String),
    /// `{tag, T}`.
    Tag(String),
    /// `{ref, R}`.
    Ref(String),
    /// A bare string (legacy; rebar3 warns).
    Legacy(String),
}

/// Where a dependency comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// A Hex package; `version` is a requirement, `pkg` the package name
    /// when it differs from the app name.
    Pkg {
        /// Version requirement (`"1.0.0"`, `"~> 2.1"`).
        version: Option<String>,
        /// Package name.
        pkg: Option<String>,
    },
    /// `{git, Url, Rev}`.
    Git {
        /// Repository URL.
        url: String,
        /// Revision.
        rev: Rev,
    },
    /// `{git_subdir, Url, Rev, SubDir}`.
    GitSubdir {
        /// Repository URL.
        url: String,
        /// Revision.
        rev: Rev,
        /// Directory inside the repository.
        subdir: String,
    },
    /// `{hg, Url, Rev}`.
    Hg {
        /// Repository URL.
        url: String,
        /// Revision.
        rev: Rev,
    },
    /// A resource type provided by a plugin (`{Type, ...}`).
    Plugin {
        /// The resource type.
        kind: String,
    },
}

/// A dependency or plugin (`rebar_app_utils:parse_dep`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dep {
    /// The application name.
    pub name: String,
    /// Its source.
    pub source: Source,
    /// Where it was written.
    pub span: Span,
}

/// A parsed rebar.config.
///
/// ```
/// use relx_config::rebar_config::{RebarConfig, Source, Rev};
/// let c = RebarConfig::parse(r#"
/// {erl_opts, [debug_info]}.
/// {deps, [cowboy, {jsx, "~> 3.0"}, {lager, {git, "https://g/lager", {tag, "3.9.2"}}}]}.
/// {deps, [ignored]}.
/// {minimum_otp_vsn, "R16B03-1"}.
/// {relx, [{release, {r, "1"}, [myapp]}]}.
/// "#).unwrap();
/// assert_eq!(c.deps.len(), 3); // the first `deps` counts
/// assert_eq!(c.deps[2].source, Source::Git { url: "https://g/lager".into(), rev: Rev::Tag("3.9.2".into()) });
/// assert_eq!(c.minimum_otp_vsn, Some((16, 3, 1)));
/// assert_eq!(c.relx.unwrap().releases[0].name, "r");
/// ```
#[derive(Clone, Debug, Default)]
pub struct RebarConfig {
    /// All entries in file order (unknown keys included).
    pub entries: Vec<Entry>,
    /// `deps` (first occurrence).
    pub deps: Vec<Dep>,
    /// `plugins` (first occurrence).
    pub plugins: Vec<Dep>,
    /// `project_plugins` (first occurrence).
    pub project_plugins: Vec<Dep>,
    /// `profiles`: name and its own config.
    pub profiles: Vec<(String, RebarConfig)>,
    /// `minimum_otp_vsn` as `{Major, Minor, Patch}`.
    pub minimum_otp_vsn: Option<(u64, u64, u64)>,
    /// The `relx` section.
    pub relx: Option<RelxConfig>,
    /// Non-fatal problems.
    pub warnings: Vec<Error>,
}

/// Profile nesting allowed (profiles inside profiles are not used by
/// rebar3, but a file may contain them).
const MAX_PROFILE_DEPTH: usize = 8;

impl RebarConfig {
    /// Parses the text of a rebar.config.
    ///
    /// ```
    /// let c = relx_config::rebar_config::RebarConfig::parse("{deps, [jsx]}.\n{minimum_otp_vsn, \"25\"}.").unwrap();
    /// assert_eq!(c.deps[0].name, "jsx");
    /// assert_eq!(c.minimum_otp_vsn, Some((25, 0, 0)));
    /// assert!(relx_config::rebar_config::RebarConfig::parse("not_a_pair.").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<RebarConfig> {
        // The entries own the values moved out of the tree: no copy.
        let nodes = erlterm::parse_nodes(text)?;
        Self::from_entries(nodes, 0)
    }

    fn from_entries(nodes: Vec<Node>, depth: usize) -> Result<RebarConfig> {
        if depth > MAX_PROFILE_DEPTH {
            return Err(Error::new(
                crate::ErrorKind::Limit("profiles nested too deep".into()),
                None,
            ));
        }
        let mut c = RebarConfig {
            entries: Vec::with_capacity(nodes.len()),
            ..RebarConfig::default()
        };
        for n in nodes {
            let span = n.span;
            let [k, v] = into_tuple::<2>(n).map_err(|n| {
                Error::rejected(
                    format!(
                        "Unable to parse config. Term is not in {{Key, Value}} format: {}",
                        n.to_term()
                    ),
                    Some(n.span),
                )
            })?;
            c.entries.push(Entry {
                key: k.to_term().to_string(),
                value: v,
                span,
            });
        }
        c.deps = c.first("deps").map(deps).transpose()?.unwrap_or_default();
        c.plugins = c
            .first("plugins")
            .map(deps)
            .transpose()?
            .unwrap_or_default();
        c.project_plugins = c
            .first("project_plugins")
            .map(deps)
            .transpose()?
            .unwrap_or_default();
        if let Some(p) = c.get("profiles").map(|p| profiles(p, depth)) {
            c.profiles = p?;
        }
        if let Some(v) = c.get("minimum_otp_vsn").map(minimum_otp_vsn) {
            c.minimum_otp_vsn = Some(v?);
        }
        if let Some(r) = c.get("relx").map(RelxConfig::from_node) {
            let r = r?;
            c.warnings.extend(r.warnings.iter().cloned());
            c.relx = Some(r);
        }
        if let Some(v) = c.get("overrides") {
            overrides(v)?;
        }
        if let Some(v) = c.get("erl_opts") {
            list(v, "erl_opts")?;
        }
        Ok(c)
    }

    /// The value of the last entry with atom key `key` (rebar3 keeps a
    /// dict, so the last occurrence wins).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }

    /// The value of the first entry (`proplists:get_value`), as rebar3
    /// uses for deps and plugins.
    pub fn first(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.value)
    }

    /// The effective configuration with `profile` applied over the
    /// default one (`rebar_opts:merge_opt/3`), as `(key, value)` terms in
    /// key order.
    pub fn with_profile(&self, profile: &str) -> Vec<(Term, Term)> {
        let mut base: Vec<(Term, Term)> = Vec::new();
        for e in &self.entries {
            let k = Term::atom(&e.key);
            base.retain(|(bk, _)| *bk != k);
            base.push((k, e.value.to_term()));
        }
        let Some((_, p)) = self.profiles.iter().find(|(n, _)| n == profile) else {
            return base;
        };
        for e in &p.entries {
            let k = Term::atom(&e.key);
            let new = e.value.to_term();
            match base.iter_mut().find(|(bk, _)| *bk == k) {
                Some(slot) => slot.1 = merge_opt(&e.key, &slot.1, &new),
                None => base.push((k, new)),
            }
        }
        base
    }
}

fn deps(v: &Node) -> Result<Vec<Dep>> {
    list(v, "deps")?.iter().map(dep).collect()
}

fn bad_dep(d: &Node) -> Error {
    Error::rejected(
        format!("{{parse_dep,{}}}", appup::show::show(&d.to_term())),
        Some(d.span),
    )
        .with_help("see the dependency forms of rebar3: Name, {Name, Vsn}, {Name, {pkg, P}}, {Name, {git, Url, {tag, T}}}, ...")
}

/// `rebar_app_utils:parse_dep/5` forms.
fn dep(d: &Node) -> Result<Dep> {
    let mk = |name: String, source: Source| Dep {
        name,
        source,
        span: d.span,
    };
    if let Some(name) = atom_or_binary(d) {
        return Ok(mk(
            name,
            Source::Pkg {
                version: None,
                pkg: None,
            },
        ));
    }
    let items = d.as_tuple().ok_or_else(|| bad_dep(d))?;
    let (name, rest) = items.split_first().ok_or_else(|| bad_dep(d))?;
    let name = atom_or_binary(name).ok_or_else(|| bad_dep(d))?;
    let vsn = |n: &Node| string_or_binary(n);
    let source = match rest {
        // rebar3's guard is `is_list(Vsn) orelse is_binary(Vsn)`: any list
        // passes (emqx writes plugin options there).
        [v] if vsn(v).is_some() || v.as_list().is_some() => Source::Pkg {
            version: vsn(v),
            pkg: None,
        },
        [p] if pkg(p).is_some() => Source::Pkg {
            version: None,
            pkg: pkg(p),
        },
        [v, p] if vsn(v).is_some() && pkg(p).is_some() => Source::Pkg {
            version: vsn(v),
            pkg: pkg(p),
        },
        [s] => source(s).ok_or_else(|| bad_dep(d))?,
        // {Name, Vsn, Source}: Vsn ignored (legacy), whatever it is.
        [_, s] if s.as_tuple().is_some() && pkg(s).is_none() && source(s).is_some() => {
            source(s).ok_or_else(|| bad_dep(d))?
        }
        // Lock forms and {Name, Source, Opts}.
        [s, level] if level.as_i64().is_some() => lock_source(s).ok_or_else(|| bad_dep(d))?,
        [s, opts] if opts.as_list().is_some() => source(s).ok_or_else(|| bad_dep(d))?,
        [_, s, opts] if opts.as_list().is_some() => source(s).ok_or_else(|| bad_dep(d))?,
        _ => return Err(bad_dep(d)),
    };
    Ok(mk(name, source))
}

fn pkg(p: &Node) -> Option<String> {
    match p.as_tuple() {
        Some([t, name]) if t.as_atom() == Some("pkg") => atom_or_binary(name),
        _ => None,
    }
}

fn lock_source(s: &Node) -> Option<Source> {
    match s.as_tuple() {
        Some([t, name, v, ..]) if t.as_atom() == Some("pkg") => Some(Source::Pkg {
            version: string_or_binary(v),
            pkg: atom_or_binary(name),
        }),
        _ => source(s),
    }
}

fn rev(r: Option<&Node>) -> Option<Rev> {
    let Some(r) = r else {
        return Some(Rev::Default);
    };
    if let Some(s) = r.as_string() {
        return Some(Rev::Legacy(s));
    }
    match r.as_tuple() {
        Some([k, v]) => {
            // An atom works too (`{branch, master}`): rebar3 formats it into
            // the git command line.
            let v = string_or_binary(v).or_else(|| v.as_atom().map(str::to_string))?;
            match k.as_atom()? {
                "branch" => Some(Rev::Branch(v)),
                "tag" => Some(Rev::Tag(v)),
                "ref" => Some(Rev::Ref(v)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn source(s: &Node) -> Option<Source> {
    let items = s.as_tuple()?;
    let kind = items.first()?.as_atom()?;
    let url = || items.get(1).and_then(string_or_binary);
    match (kind, items.len()) {
        ("git", 2 | 3) => Some(Source::Git {
            url: url()?,
            rev: rev(items.get(2))?,
        }),
        ("git_subdir", 4) => Some(Source::GitSubdir {
            url: url()?,
            rev: rev(items.get(2))?,
            subdir: items.get(3)?.as_string()?,
        }),
        ("hg", 2 | 3) => Some(Source::Hg {
            url: url()?,
            rev: rev(items.get(2))?,
        }),
        ("git" | "hg" | "git_subdir" | "pkg", _) => None,
        _ => Some(Source::Plugin {
            kind: kind.to_string(),
        }),
    }
}

fn profiles(v: &Node, depth: usize) -> Result<Vec<(String, RebarConfig)>> {
    list(v, "profiles")?
        .iter()
        .map(|p| match p.as_tuple() {
            Some([name, entries]) => {
                let name = crate::terms::atom(name, "profile name")?;
                let entries = list(entries, "profile entries")?.to_vec();
                let c = RebarConfig::from_entries(entries, depth + 1)?;
                Ok((name, c))
            }
            _ => Err(Error::shape("profile", "{Name, [Entry]}", p)),
        })
        .collect()
}

fn overrides(v: &Node) -> Result<()> {
    for o in list(v, "overrides")? {
        let ok = match o.as_tuple() {
            Some([k, l]) => {
                matches!(k.as_atom(), Some("override" | "add" | "del")) && l.as_list().is_some()
            }
            Some([k, app, l]) => {
                matches!(k.as_atom(), Some("override" | "add" | "del"))
                    && app.as_atom().is_some()
                    && l.as_list().is_some()
            }
            _ => false,
        };
        if !ok {
            return Err(Error::shape(
                "override",
                "{override|add|del, [Entry]} or {override|add|del, App, [Entry]}",
                o,
            ));
        }
    }
    Ok(())
}

/// `R?(\d+)B?.?-?(\d+)?.?-?(\d+)?`, first match, missing parts 0.
fn minimum_otp_vsn(v: &Node) -> Result<(u64, u64, u64)> {
    let s = crate::terms::string(v, "minimum_otp_vsn")?;
    let unparsable = || Error::rejected("Minimum OTP release unable to be parsed", Some(v.span));
    let re = regex::Regex::new(r"R?(\d+)B?.?-?(\d+)?.?-?(\d+)?").map_err(|_| unparsable())?;
    let caps = re.captures(&s).ok_or_else(unparsable)?;
    let part = |i: usize| {
        caps.get(i).map_or(Ok(0), |m| {
            m.as_str().parse::<u64>().map_err(|_| unparsable())
        })
    };
    Ok((part(1)?, part(2)?, part(3)?))
}

/// The key of a list element for rebar3's merge: an atom itself, a
/// tuple's first element.
fn opt_key(t: &Term) -> &Term {
    match t {
        Term::Tuple(items) => items.first().unwrap_or(t),
        _ => t,
    }
}

fn stable_sort_by_key(v: &mut [Term]) {
    v.sort_by(|a, b| opt_key(a).cmp(opt_key(b)));
}

/// `rebar_opts:merge_opt/3`: how profile value `new` merges into `old`.
pub fn merge_opt(key: &str, old: &Term, new: &Term) -> Term {
    let (Some(o), Some(n)) = (old.to_list(), new.to_list()) else {
        return new.clone();
    };
    match key {
        "deps" => old.clone(),
        "plugins" => new.clone(),
        "erl_opts" | "eunit_compile_opts" | "ct_compile_opts" => {
            let mut out: Vec<Term> = o.into_iter().filter(|x| !n.contains(x)).collect();
            out.extend(n);
            Term::list(out)
        }
        "erl_first_files" | "mib_first_files" => Term::list(o.into_iter().chain(n).collect()),
        "relx" => {
            let is_overlay = |t: &Term| opt_key(t).as_atom() == Some("overlay");
            let mut out: Vec<Term> = n
                .iter()
                .chain(o.iter())
                .filter(|t| is_overlay(t))
                .cloned()
                .collect();
            let mut rest: Vec<Term> = o
                .iter()
                .chain(n.iter())
                .filter(|t| !is_overlay(t))
                .cloned()
                .collect();
            stable_sort_by_key(&mut rest);
            out.extend(rest);
            Term::list(out)
        }
        _ if new.as_string().is_some_and(|s| !s.is_empty()) => new.clone(),
        _ => {
            let mut out: Vec<Term> = n.into_iter().chain(o).collect();
            stable_sort_by_key(&mut out);
            Term::list(out)
        }
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Entry) -> bool {
        self.key == other.key && self.value.to_term() == other.value.to_term()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn t(s: &str) -> Term {
        erlterm::parse_str(&format!("{s}.")).unwrap().remove(0)
    }

    #[test]
    fn dep_forms() {
        let c = RebarConfig::parse(
            "{deps, [a, <<\"b\">>, {c, \"1.0\"}, {d, {pkg, dd}}, {e, \"1\", {pkg, ee}}, {f, {git, \"u\"}}, {g, \".*\", {git, \"u\", \"master\"}}, {h, \"\", {git, \"u\", {branch, \"x\"}}, [raw]}, {i, {git_subdir, \"u\", {ref, \"r\"}, \"sub\"}}, {j, {hg, \"u\", {tag, \"t\"}}}, {k, {custom, \"x\"}}, {<<\"l\">>, {pkg, <<\"l\">>, <<\"1.0\">>}, 0}]}.",
        )
        .unwrap();
        assert_eq!(c.deps.len(), 12);
        assert_eq!(c.deps[1].name, "b");
        assert_eq!(
            c.deps[4].source,
            Source::Pkg {
                version: Some("1".into()),
                pkg: Some("ee".into())
            }
        );
        assert_eq!(
            c.deps[5].source,
            Source::Git {
                url: "u".into(),
                rev: Rev::Default
            }
        );
        assert_eq!(
            c.deps[6].source,
            Source::Git {
                url: "u".into(),
                rev: Rev::Legacy("master".into())
            }
        );
        assert_eq!(
            c.deps[7].source,
            Source::Git {
                url: "u".into(),
                rev: Rev::Branch("x".into())
            }
        );
        assert_eq!(
            c.deps[10].source,
            Source::Plugin {
                kind: "custom".into()
            }
        );
        for bad in [
            "{a, 1}",
            "{a, {git}}",
            "\"str\"",
            "{a, {git, \"u\", {bogus, \"x\"}}}",
        ] {
            let e = RebarConfig::parse(&format!("{{deps, [{bad}]}}.")).unwrap_err();
            assert!(e.to_string().starts_with("{parse_dep,"), "{bad}: {e}");
        }
    }

    #[test]
    fn entries_must_be_pairs_and_last_wins() {
        let e = RebarConfig::parse("{a, 1}.\n{b, 2, 3}.").unwrap_err();
        assert_eq!(e.span.map(|s| s.line), Some(2));
        assert!(e
            .to_string()
            .starts_with("Unable to parse config. Term is not in {Key, Value} format: {b,2,3}"));
        let c = RebarConfig::parse(
            "{x, 1}. {x, 2}. {plugins, [p1]}. {plugins, [p2]}. {bogus_key, ok}.",
        )
        .unwrap();
        assert_eq!(c.get("x").and_then(Node::as_i64), Some(2));
        assert_eq!(c.plugins[0].name, "p1");
        assert!(c.get("bogus_key").is_some());
    }

    #[test]
    fn minimum_otp() {
        let m = |s: &str| {
            RebarConfig::parse(&format!("{{minimum_otp_vsn, \"{s}\"}}.")).map(|c| c.minimum_otp_vsn)
        };
        assert_eq!(m("25.2.3").unwrap(), Some((25, 2, 3)));
        assert_eq!(m("R16B03-1").unwrap(), Some((16, 3, 1)));
        assert_eq!(m("21").unwrap(), Some((21, 0, 0)));
        assert!(m("none").is_err());
    }

    #[test]
    fn profile_merge_rules() {
        assert_eq!(
            merge_opt(
                "erl_opts",
                &t("[debug_info,{d,a}]"),
                &t("[no_debug_info,{d,b}]")
            ),
            t("[debug_info,{d,a},no_debug_info,{d,b}]")
        );
        assert_eq!(
            merge_opt("other", &t("[{k,1},{j,2}]"), &t("[{k,9}]")),
            t("[{j,2},{k,9},{k,1}]")
        );
        assert_eq!(
            merge_opt(
                "relx",
                &t("[{release,r},{mode,dev},{include_erts,false},{overlay,o}]"),
                &t("[{mode,prod},{include_erts,true},{overlay,n}]")
            ),
            t("[{overlay,n},{overlay,o},{include_erts,false},{include_erts,true},{mode,dev},{mode,prod},{release,r}]")
        );
        assert_eq!(merge_opt("x", &t("\"old\""), &t("\"new\"")), t("\"new\""));
        assert_eq!(merge_opt("deps", &t("[a]"), &t("[b]")), t("[a]"));
        let c = RebarConfig::parse("{erl_opts, [debug_info]}. {profiles, [{prod, [{erl_opts, [no_debug_info]}, {extra, 1}]}]}.").unwrap();
        let merged = c.with_profile("prod");
        assert!(merged.contains(&(Term::atom("erl_opts"), t("[debug_info,no_debug_info]"))));
        assert!(merged.contains(&(Term::atom("extra"), Term::int(1))));
    }

    #[test]
    fn overrides_shape() {
        assert!(RebarConfig::parse(
            "{overrides, [{override, a, [{erl_opts, []}]}, {add, [{erl_opts, [x]}]}]}."
        )
        .is_ok());
        assert!(RebarConfig::parse("{overrides, [{replace, a, []}]}.").is_err());
    }
}
