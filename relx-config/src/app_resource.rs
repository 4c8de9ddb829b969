//! `.app` and `.app.src` files: `{application, Name, Properties}.`
//! (spec `config-files.md` §1).

use erlterm::{Node, NodeKind, Span};

use crate::error::{Error, Result};
use crate::terms::{atom, atoms, key_value, list, string};

/// Which kind of application resource file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppFileKind {
    /// `ebin/<app>.app`, read by OTP and systools.
    App,
    /// `src/<app>.app.src`, read by rebar3.
    AppSrc,
}

/// The `vsn` value; `.app.src` files accept more forms (§1.4).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AppVsn {
    /// A version string, used as is.
    String(String),
    /// A binary (kept by rebar3; systools rejects it for releases).
    Binary(String),
    /// `git`/`"git"`: derived from git tags.
    Git,
    /// `semver`/`"semver"`: same as `git`.
    Semver,
    /// `{git, short}`: `git rev-parse --short HEAD`.
    GitShort,
    /// `{git, long}`: `git rev-parse HEAD`.
    GitLong,
    /// `{cmd, Cmd}`: a shell command's output, trailing newlines trimmed.
    Cmd(String),
    /// `{file, Path}`: a file's contents, trimmed.
    File(String),
    /// `hg`/`"hg"`: the mercurial resource's version.
    Hg,
}

/// `maxT`/`maxP`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// `infinity`, the default.
    Infinity,
    /// A positive integer.
    Value(u64),
}

/// A parsed application resource file. Every key is optional here;
/// [`AppResource::release_problems`] lists what a release would need.
///
/// ```
/// use relx_config::app_resource::{AppResource, AppFileKind, AppVsn};
/// let a = AppResource::parse(
///     "{application, my_app, [{vsn, git}, {applications, [kernel, stdlib]}, {mod, {my_app, []}}, {licenses, [\"MIT\"]}]}.",
///     AppFileKind::AppSrc, None).unwrap();
/// assert_eq!(a.name, "my_app");
/// assert_eq!(a.vsn, Some(AppVsn::Git));
/// assert_eq!(a.extra[0].0, "licenses");
/// assert!(AppResource::parse("{application, a, [{vsn, weird}]}.", AppFileKind::AppSrc, None).is_err());
/// ```
#[derive(Clone, Debug)]
pub struct AppResource {
    /// The application name.
    pub name: String,
    /// Where the whole term was written.
    pub span: Span,
    /// `description`.
    pub description: Option<String>,
    /// `id`.
    pub id: Option<String>,
    /// `vsn`.
    pub vsn: Option<AppVsn>,
    /// `modules`.
    pub modules: Option<Vec<String>>,
    /// `registered`.
    pub registered: Option<Vec<String>>,
    /// `applications`.
    pub applications: Option<Vec<String>>,
    /// `included_applications`.
    pub included_applications: Vec<String>,
    /// `optional_applications` (OTP 24+).
    pub optional_applications: Vec<String>,
    /// `mod`: callback module and start argument.
    pub mod_: Option<(String, Node)>,
    /// `start_phases`.
    pub start_phases: Option<Vec<(String, Node)>>,
    /// `env`.
    pub env: Vec<(String, Node)>,
    /// `maxT`.
    pub max_t: Limit,
    /// `maxP`.
    pub max_p: Limit,
    /// `runtime_dependencies`.
    pub runtime_dependencies: Vec<String>,
    /// Other keys in order (Hex metadata such as `licenses`, `links`).
    pub extra: Vec<(String, Node)>,
    /// Spans of the values of the keys that were present, by key.
    pub spans: Vec<(String, Span)>,
    /// Non-fatal problems (rebar3's lint warnings).
    pub warnings: Vec<Error>,
}

impl AppResource {
    /// Parses the text of an `.app`/`.app.src` file. `file_stem` (the
    /// file name without `.app`), when given for an `.app`, must equal the
    /// application name, as rebar3 checks.
    pub fn parse(text: &str, kind: AppFileKind, file_stem: Option<&str>) -> Result<AppResource> {
        let nodes = erlterm::parse_nodes(text)?;
        let term = match nodes.as_slice() {
            [one] => one,
            [] => return Err(Error::rejected("empty application resource file", None)),
            [_, second, ..] => {
                return Err(Error::rejected(
                    "an application resource file holds exactly one term",
                    Some(second.span),
                ))
            }
        };
        let Some([tag, name, props]) = term.as_tuple() else {
            return Err(Error::shape(
                "application resource",
                "{application, Name, Properties}",
                term,
            ));
        };
        if tag.as_atom() != Some("application") {
            return Err(Error::shape("first element", "the atom application", tag));
        }
        let name_str = atom(name, "application name")?;
        if let (AppFileKind::App, Some(stem)) = (kind, file_stem) {
            if stem != name_str {
                return Err(Error::rejected(
                    format!("application name {name_str} does not match the file name {stem}.app"),
                    Some(name.span),
                ));
            }
        }
        let mut app = AppResource::empty(name_str, term.span);
        for prop in list(props, "application properties")? {
            app.property(prop, kind)?;
        }
        app.lint(kind, props.span);
        Ok(app)
    }

    fn empty(name: String, span: Span) -> AppResource {
        AppResource {
            name,
            span,
            description: None,
            id: None,
            vsn: None,
            modules: None,
            registered: None,
            applications: None,
            included_applications: Vec::new(),
            optional_applications: Vec::new(),
            mod_: None,
            start_phases: None,
            env: Vec::new(),
            max_t: Limit::Infinity,
            max_p: Limit::Infinity,
            runtime_dependencies: Vec::new(),
            extra: Vec::new(),
            spans: Vec::new(),
            warnings: Vec::new(),
        }
    }

    fn property(&mut self, prop: &Node, kind: AppFileKind) -> Result<()> {
        let Some((key, v)) = key_value(prop) else {
            return Err(Error::shape(
                "application property",
                "{Key, Value} with an atom key",
                prop,
            ));
        };
        self.spans.push((key.to_string(), v.span));
        match key {
            "description" => self.description = Some(string(v, "description")?),
            "id" => self.id = Some(string(v, "id")?),
            "vsn" => self.vsn = Some(vsn(v, kind)?),
            "modules" => match atoms(v, "modules") {
                Ok(m) => self.modules = Some(m),
                // rebar3 replaces `modules` of an .app.src with the compiled ones.
                Err(e) if kind == AppFileKind::AppSrc => self.warnings.push(e),
                Err(e) => return Err(e),
            },
            "registered" => self.registered = Some(atoms(v, "registered")?),
            "applications" => self.applications = Some(atoms(v, "applications")?),
            "included_applications" => {
                self.included_applications = atoms(v, "included_applications")?
            }
            "optional_applications" => {
                self.optional_applications = atoms(v, "optional_applications")?
            }
            "mod" => self.mod_ = module(v)?,
            "start_phases" => self.start_phases = start_phases(v)?,
            "env" => self.env = pairs(v, "env")?,
            "maxT" => self.max_t = limit(v, "maxT")?,
            "maxP" => self.max_p = limit(v, "maxP")?,
            "runtime_dependencies" => {
                self.runtime_dependencies = list(v, "runtime_dependencies")?
                    .iter()
                    .map(|d| string(d, "runtime dependency"))
                    .collect::<Result<_>>()?
            }
            _ => self.extra.push((key.to_string(), v.clone())),
        }
        Ok(())
    }

    /// The span of the value of `key`, if present.
    pub fn span_of(&self, key: &str) -> Option<Span> {
        self.spans
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, s)| *s)
    }

    fn lint(&mut self, kind: AppFileKind, props: Span) {
        let optional_missing: Vec<&String> = self
            .optional_applications
            .iter()
            .filter(|o| !self.applications.iter().flatten().any(|a| a == *o))
            .collect();
        if let Some(o) = optional_missing.first() {
            let msg = format!("optional application {o} is not listed in applications (application:load/1 refuses this)");
            self.warnings
                .push(Error::rejected(msg, self.span_of("optional_applications")));
        }
        if kind == AppFileKind::App {
            return;
        }
        if self.description.as_deref().unwrap_or("").is_empty() {
            self.warnings.push(Error::rejected(
                format!("{} is missing description entry", self.name),
                Some(props),
            ));
        }
        match &self.applications {
            None => self.warnings.push(Error::rejected(
                format!("{} is missing applications entry", self.name),
                Some(props),
            )),
            Some(apps)
                if !(apps.iter().any(|a| a == "kernel") && apps.iter().any(|a| a == "stdlib")) =>
            {
                let msg = format!(
                    "{} is missing kernel or stdlib from applications list",
                    self.name
                );
                self.warnings
                    .push(Error::rejected(msg, self.span_of("applications")));
            }
            _ => {}
        }
    }

    /// What `systools:make_script` would reject when this `.app` is part of
    /// a release: missing required keys and a `vsn` that is not a string.
    pub fn release_problems(&self) -> Vec<Error> {
        let mut out = Vec::new();
        let missing = [
            ("description", self.description.is_none()),
            ("vsn", self.vsn.is_none()),
            ("modules", self.modules.is_none()),
            ("registered", self.registered.is_none()),
            ("applications", self.applications.is_none()),
        ];
        for (key, absent) in missing {
            if absent {
                out.push(Error::rejected(
                    format!("{{missing_param,{key}}}"),
                    Some(self.span),
                ));
            }
        }
        if matches!(self.vsn, Some(ref v) if !matches!(v, AppVsn::String(_))) {
            out.push(Error::rejected(
                "{bad_param,vsn}: a release needs a string vsn",
                self.span_of("vsn"),
            ));
        }
        out
    }
}

fn vsn(v: &Node, kind: AppFileKind) -> Result<AppVsn> {
    if kind == AppFileKind::App {
        return string(v, "vsn").map(AppVsn::String);
    }
    let unknown = || {
        Error::rejected(
            format!("vcs_vsn: Unknown vsn format: {}", v.to_term()),
            Some(v.span),
        )
        .with_help("use a string, git, semver, {git, short|long}, {cmd, Cmd} or {file, Path}")
    };
    let named = |name: &str| match name {
        "git" => Some(AppVsn::Git),
        "semver" => Some(AppVsn::Semver),
        "hg" => Some(AppVsn::Hg),
        _ => None,
    };
    match &v.kind {
        NodeKind::Atom(a) => named(a.as_str()).ok_or_else(unknown),
        NodeKind::Bitstring(b) => b
            .as_utf8()
            .map(|s| AppVsn::Binary(s.to_string()))
            .ok_or_else(unknown),
        NodeKind::Tuple(items) => match items.as_slice() {
            [t, w] if t.as_atom() == Some("git") && w.as_atom() == Some("short") => {
                Ok(AppVsn::GitShort)
            }
            [t, w] if t.as_atom() == Some("git") && w.as_atom() == Some("long") => {
                Ok(AppVsn::GitLong)
            }
            [t, c] if t.as_atom() == Some("cmd") => {
                c.as_string().map(AppVsn::Cmd).ok_or_else(unknown)
            }
            [t, f] if t.as_atom() == Some("file") => {
                f.as_string().map(AppVsn::File).ok_or_else(unknown)
            }
            _ => Err(unknown()),
        },
        _ => {
            let s = v.as_string().ok_or_else(unknown)?;
            Ok(named(&s).unwrap_or(AppVsn::String(s)))
        }
    }
}

fn module(v: &Node) -> Result<Option<(String, Node)>> {
    if v.as_list().is_some_and(<[Node]>::is_empty) {
        return Ok(None);
    }
    match v.as_tuple() {
        Some([m, args]) => Ok(Some((atom(m, "callback module")?, args.clone()))),
        _ => Err(Error::shape("mod", "{Module, StartArgs} or []", v)),
    }
}

fn start_phases(v: &Node) -> Result<Option<Vec<(String, Node)>>> {
    if v.as_atom() == Some("undefined") {
        return Ok(None);
    }
    pairs(v, "start_phases").map(Some)
}

fn pairs(v: &Node, what: &str) -> Result<Vec<(String, Node)>> {
    list(v, what)?
        .iter()
        .map(|p| match p.as_tuple() {
            Some([k, val]) => Ok((atom(k, &format!("{what} key"))?, val.clone())),
            _ => Err(Error::shape(
                &format!("{what} entry"),
                "{atom(), term()}",
                p,
            )),
        })
        .collect()
}

fn limit(v: &Node, what: &str) -> Result<Limit> {
    if v.as_atom() == Some("infinity") {
        return Ok(Limit::Infinity);
    }
    match v.as_i64() {
        Some(n) if n > 0 => Ok(Limit::Value(n as u64)),
        _ => Err(Error::shape(what, "a positive integer or infinity", v)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn src(t: &str) -> Result<AppResource> {
        AppResource::parse(t, AppFileKind::AppSrc, None)
    }

    #[test]
    fn vsn_forms() {
        let v = |s: &str| src(&format!("{{application,a,[{{vsn,{s}}}]}}.")).map(|a| a.vsn);
        assert_eq!(v("\"1.0\"").unwrap(), Some(AppVsn::String("1.0".into())));
        assert_eq!(v("\"git\"").unwrap(), Some(AppVsn::Git));
        assert_eq!(v("semver").unwrap(), Some(AppVsn::Semver));
        assert_eq!(v("{git, short}").unwrap(), Some(AppVsn::GitShort));
        assert_eq!(
            v("{cmd, \"echo 1\"}").unwrap(),
            Some(AppVsn::Cmd("echo 1".into()))
        );
        assert_eq!(
            v("{file, \"VERSION\"}").unwrap(),
            Some(AppVsn::File("VERSION".into()))
        );
        assert_eq!(
            v("<<\"1.2\">>").unwrap(),
            Some(AppVsn::Binary("1.2".into()))
        );
        let e = v("weird").unwrap_err();
        assert_eq!(e.to_string(), "vcs_vsn: Unknown vsn format: weird");
        assert!(v("{git, medium}").is_err());
        assert!(
            AppResource::parse("{application,a,[{vsn,git}]}.", AppFileKind::App, None).is_err()
        );
    }

    #[test]
    fn shape_errors_have_spans() {
        let e = src("{application, a,\n [{applications, [kernel, \"stdlib\"]}]}.").unwrap_err();
        assert_eq!(e.span.map(|s| s.line), Some(2));
        assert!(src("{app, a, []}.").is_err());
        assert!(src("{application, \"a\", []}.").is_err());
        assert!(src("{application, a, [{maxT, 0}]}.").is_err());
        assert!(src("{application, a, [bare]}.").is_err());
        assert!(src("{application, a, []}.\n{x}.").is_err());
    }

    #[test]
    fn app_name_must_match_file() {
        let t = "{application, a, [{vsn, \"1\"}]}.";
        assert!(AppResource::parse(t, AppFileKind::App, Some("a")).is_ok());
        assert!(AppResource::parse(t, AppFileKind::App, Some("b")).is_err());
    }

    #[test]
    fn lints_and_release_needs() {
        let a = src("{application, a, [{vsn, git}, {applications, [kernel]}]}.").unwrap();
        assert_eq!(a.warnings.len(), 2, "{:?}", a.warnings);
        let probs = a.release_problems();
        assert!(probs
            .iter()
            .any(|p| p.to_string() == "{missing_param,description}"));
        assert!(probs
            .iter()
            .any(|p| p.to_string().starts_with("{bad_param,vsn}")));
        let full = "{application,a,[{description,\"d\"},{vsn,\"1\"},{modules,[m]},{registered,[]},{applications,[kernel,stdlib]},{optional_applications,[x]}]}.";
        let b = src(full).unwrap();
        assert!(b.release_problems().is_empty());
        assert_eq!(b.warnings.len(), 1);
    }
}
