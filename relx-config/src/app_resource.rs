//! `.app` and `.app.src` files: `{application, Name, Properties}.`
//! (spec `config-files.md` §1).
//!
//! This is the toolkit's one model of application resource files. It is
//! read two ways:
//!
//! * [`AppResource::parse`]: as rebar3 reads an `.app.src` (or checks an
//!   `.app`), every key optional, rebar3's lint warnings kept;
//! * [`AppResource::parse_for_release`]: as `systools_make` reads the
//!   `.app` of an application that a `.rel` file names
//!   (`read_application/4`, `parse_application/4`, `check_item/2`), with
//!   OTP's keys, types, defaults and errors ([`SystoolsAppError`]);
//!   [`AppResource::release_includes`] is its `override_include/3`. relup
//!   builds its `Application` from this.

use erlterm::{Atom, Node, NodeKind, Span, Term};

use crate::error::{Error, Result};
use crate::terms::{atom, into_atom, into_atoms, into_key_value, into_list, into_tuple, string};

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
    pub modules: Option<Vec<Atom>>,
    /// `registered`.
    pub registered: Option<Vec<Atom>>,
    /// `applications`.
    pub applications: Option<Vec<Atom>>,
    /// `included_applications`.
    pub included_applications: Vec<Atom>,
    /// `optional_applications` (OTP 24+).
    pub optional_applications: Vec<Atom>,
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
    ///
    /// ```
    /// use relx_config::app_resource::{AppFileKind, AppResource};
    /// let a = AppResource::parse("{application, web, [{vsn, \"1.0\"}]}.", AppFileKind::App, Some("web")).unwrap();
    /// assert_eq!(a.vsn_string(), Some("1.0"));
    /// // An .app must be named after its application, as rebar3 checks.
    /// assert!(AppResource::parse("{application, web, []}.", AppFileKind::App, Some("other")).is_err());
    /// ```
    pub fn parse(text: &str, kind: AppFileKind, file_stem: Option<&str>) -> Result<AppResource> {
        // The model is built by moving what it keeps out of the span tree
        // (names as inline atoms, long lists converted in place): memory
        // stays about one tree, whatever the file holds.
        let mut nodes = erlterm::parse_nodes(text)?.into_iter();
        let term = match (nodes.next(), nodes.next()) {
            (Some(one), None) => one,
            (None, _) => return Err(Error::rejected("empty application resource file", None)),
            (Some(_), Some(second)) => {
                return Err(Error::rejected(
                    "an application resource file holds exactly one term",
                    Some(second.span),
                ))
            }
        };
        drop(nodes);
        let span = term.span;
        let [tag, name, props] = into_tuple::<3>(term).map_err(|term| {
            Error::shape(
                "application resource",
                "{application, Name, Properties}",
                &term,
            )
        })?;
        if tag.as_atom() != Some("application") {
            return Err(Error::shape("first element", "the atom application", &tag));
        }
        let name_span = name.span;
        let name_str = atom(&name, "application name")?;
        if let (AppFileKind::App, Some(stem)) = (kind, file_stem) {
            if stem != name_str {
                return Err(Error::rejected(
                    format!("application name {name_str} does not match the file name {stem}.app"),
                    Some(name_span),
                ));
            }
        }
        let mut app = AppResource::empty(name_str, span);
        let props_span = props.span;
        for prop in into_list(props, "application properties")? {
            app.property(prop, kind)?;
        }
        app.lint(kind, props_span);
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

    fn property(&mut self, prop: Node, kind: AppFileKind) -> Result<()> {
        let (key, v) = into_key_value(prop).map_err(|prop| {
            Error::shape(
                "application property",
                "{Key, Value} with an atom key",
                &prop,
            )
        })?;
        let key = key.as_str();
        self.spans.push((key.to_string(), v.span));
        match key {
            "description" => self.description = Some(string(&v, "description")?),
            "id" => self.id = Some(string(&v, "id")?),
            "vsn" => self.vsn = Some(vsn(&v, kind)?),
            "modules" => match into_atoms(v, "modules") {
                Ok(m) => self.modules = Some(m),
                // rebar3 replaces `modules` of an .app.src with the compiled ones.
                Err(e) if kind == AppFileKind::AppSrc => self.warnings.push(e),
                Err(e) => return Err(e),
            },
            "registered" => self.registered = Some(into_atoms(v, "registered")?),
            "applications" => self.applications = Some(into_atoms(v, "applications")?),
            "included_applications" => {
                self.included_applications = into_atoms(v, "included_applications")?
            }
            "optional_applications" => {
                self.optional_applications = into_atoms(v, "optional_applications")?
            }
            "mod" => self.mod_ = module(v)?,
            "start_phases" => self.start_phases = start_phases(v)?,
            "env" => self.env = pairs(v, "env")?,
            "maxT" => self.max_t = limit(&v, "maxT")?,
            "maxP" => self.max_p = limit(&v, "maxP")?,
            "runtime_dependencies" => {
                let deps = into_list(v, "runtime_dependencies")?;
                let mut out = Vec::with_capacity(deps.len());
                for d in deps {
                    out.push(string(&d, "runtime dependency")?);
                }
                self.runtime_dependencies = out;
            }
            _ => self.extra.push((key.to_string(), v)),
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
        let optional_missing: Vec<&Atom> = self
            .optional_applications
            .iter()
            .filter(|o| !self.applications.iter().flatten().any(|a| a == *o))
            .collect();
        if let Some(o) = optional_missing.first() {
            let msg = format!(
                "optional application {} is not listed in applications (application:load/1 refuses this)",
                o.as_str()
            );
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
                if !(apps.iter().any(|a| a.as_str() == "kernel")
                    && apps.iter().any(|a| a.as_str() == "stdlib")) =>
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

/// Why `systools_make` refuses the `.app` file of an application that a
/// `.rel` file names: the reasons of `read_application/4` and
/// `parse_application/4` (`make_script`, `make_relup` and `make_tar` all
/// read applications this way).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SystoolsAppError {
    /// The text holds no term that can be read (systools' `parse_error`;
    /// it goes on searching the path for another `.app`).
    #[error("{0}")]
    Parse(String),
    /// Not `{application, Name, Dict}` with an atom `Name` and a list
    /// `Dict` (`badly_formatted_application`).
    #[error("badly formatted application: {0}")]
    BadlyFormatted(Term),
    /// A mandatory key is missing, or written in a form `check_item/2`
    /// has no clause for (`{missing_param, Key}`; e.g. a 3-tuple
    /// `{vsn, "1", x}`, or `{mod, {"m", []}}`).
    #[error("missing key {0}")]
    MissingParam(String),
    /// A key has a value of the wrong type (`{bad_param, Key}`).
    #[error("bad value for key {0}")]
    BadParam(String),
    /// systools crashes on the file (`{'EXIT', {badarg, ...}}`, caught and
    /// returned as the reason): `Dict` is an improper list, or a string
    /// key (`vsn`, `id`, `description`) holds something
    /// `unicode:characters_to_list/1` refuses, such as an atom. `key` is
    /// the key being read, `value` the term it crashes on.
    #[error("systools crashes reading {key}: {value} is not a list")]
    Crash {
        /// The key being read (`vsn`...), or `Dict` for the whole list.
        key: String,
        /// The offending term.
        value: Term,
    },
}

impl SystoolsAppError {
    /// The tag of the reason systools returns: `parse_error`,
    /// `badly_formatted_application`, `missing_param`, `bad_param` or
    /// `EXIT`.
    pub fn otp_tag(&self) -> &'static str {
        match self {
            SystoolsAppError::Parse(_) => "parse_error",
            SystoolsAppError::BadlyFormatted(_) => "badly_formatted_application",
            SystoolsAppError::MissingParam(_) => "missing_param",
            SystoolsAppError::BadParam(_) => "bad_param",
            SystoolsAppError::Crash { .. } => "EXIT",
        }
    }
}

/// A [`SystoolsAppError`] and the term it is about, when the file was read
/// from text (the value of the key, the whole term, or the syntax error).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct SpannedAppError {
    /// What systools says.
    pub error: SystoolsAppError,
    /// Where.
    pub span: Option<Span>,
}

/// The keys `parse_application/4` reads, in its order.
const SYSTOOLS_KEYS: [&str; 13] = [
    "vsn",
    "id",
    "description",
    "modules",
    "registered",
    "applications",
    "optional_applications",
    "included_applications",
    "mod",
    "start_phases",
    "env",
    "maxT",
    "maxP",
];

impl AppResource {
    /// Reads the text of an `.app` file as `systools_make` does for a
    /// release: the first term only (text after its full stop is
    /// ignored), `{application, Name, Dict}` with an atom name and a list,
    /// then each key of OTP's list in OTP's order (`vsn`, `id`,
    /// `description`, `modules`, `registered`, `applications`,
    /// `optional_applications`, `included_applications`, `mod`,
    /// `start_phases`, `env`, `maxT`, `maxP`), the first tuple with that
    /// key winning (`lists:keysearch/3`), checked by `check_item/2`:
    ///
    /// * `vsn`, `description`, `modules`, `registered`, `applications`
    ///   are mandatory (`missing_param`), the others take OTP's defaults;
    /// * strings for `vsn`, `id`, `description`; lists of atoms for the
    ///   application and module lists; `[{atom(), term()}]` for `env` and
    ///   `start_phases` (or `undefined`); `{atom(), term()}` or `[]` for
    ///   `mod`; a positive integer or `infinity` for `maxT`/`maxP`
    ///   (`bad_param`).
    ///
    /// Other keys (`runtime_dependencies`, Hex metadata...) are not checked
    /// and land in [`AppResource::extra`]; elements of `Dict` that are not
    /// `{Key, Value}` tuples are ignored, as systools ignores them. The
    /// result has no warnings. Whether the version is the one the `.rel`
    /// file wants, and the `.rel`'s included applications
    /// ([`AppResource::release_includes`]), are the caller's to check.
    ///
    /// ```
    /// use relx_config::app_resource::{AppResource, AppVsn, SystoolsAppError};
    /// let app = AppResource::parse_for_release(r#"{application, web,
    ///     [{description, "web"}, {vsn, "1.0"}, {modules, [web_app]},
    ///      {registered, []}, {applications, [kernel, stdlib]}, bare_atom]}.
    ///     text after the term is ignored"#).unwrap();
    /// assert_eq!(app.vsn, Some(AppVsn::String("1.0".into())));
    /// assert_eq!(app.modules.as_deref(), Some(&[erlterm::Atom::new("web_app")][..]));
    ///
    /// let e = AppResource::parse_for_release(
    ///     r#"{application, web, [{vsn, "1.0"}, {description, <<"web">>}]}."#).unwrap_err();
    /// assert_eq!(e.error, SystoolsAppError::BadParam("description".into()));
    /// assert_eq!(e.error.otp_tag(), "bad_param");
    /// ```
    pub fn parse_for_release(text: &str) -> std::result::Result<AppResource, SpannedAppError> {
        let end = erlterm::first_term_end(text).unwrap_or(text.len());
        let head = text.get(..end).unwrap_or(text);
        let nodes = erlterm::parse_nodes(head).map_err(|e| SpannedAppError {
            error: SystoolsAppError::Parse(e.to_string()),
            span: Some(e.span),
        })?;
        let Some(term) = nodes.first() else {
            return Err(SpannedAppError {
                error: SystoolsAppError::Parse("no term in file".into()),
                span: None,
            });
        };
        AppResource::from_node_for_release(term)
    }

    /// [`AppResource::parse_for_release`] on a term already read.
    pub fn from_node_for_release(term: &Node) -> std::result::Result<AppResource, SpannedAppError> {
        let badly_formatted = || SpannedAppError {
            error: SystoolsAppError::BadlyFormatted(term.to_term()),
            span: Some(term.span),
        };
        let Some([tag, name, dict]) = term.as_tuple() else {
            return Err(badly_formatted());
        };
        let (Some("application"), Some(name), true) = (
            tag.as_atom(),
            name.as_atom(),
            matches!(dict.kind, NodeKind::List(..) | NodeKind::String(_)),
        ) else {
            return Err(badly_formatted());
        };
        let items: &[Node] = match &dict.kind {
            NodeKind::List(items, None) => items,
            // `keysearch/3` crashes on an improper list.
            NodeKind::List(_, Some(_)) => {
                return Err(SpannedAppError {
                    error: SystoolsAppError::Crash {
                        key: "Dict".into(),
                        value: dict.to_term(),
                    },
                    span: Some(dict.span),
                })
            }
            // A string is a list of integers: no key is found.
            _ => &[],
        };
        let mut app = AppResource::empty(name.to_owned(), term.span);
        for key in SYSTOOLS_KEYS {
            app.check_item(items, key, dict.span)?;
        }
        for item in items {
            let Some([k, v]) = item.as_tuple() else {
                continue;
            };
            let Some(key) = k.as_atom() else { continue };
            if SYSTOOLS_KEYS.contains(&key) || app.spans.iter().any(|(k, _)| k == key) {
                continue;
            }
            app.spans.push((key.to_owned(), v.span));
            match (key, runtime_dependencies(v)) {
                ("runtime_dependencies", Some(deps)) => app.runtime_dependencies = deps,
                _ => app.extra.push((key.to_owned(), v.clone())),
            }
        }
        Ok(app)
    }

    /// `check_item(keysearch(Key, 1, Dict), Key)`: stores the value of
    /// `key` or fails as systools does.
    fn check_item(
        &mut self,
        items: &[Node],
        key: &'static str,
        dict: Span,
    ) -> std::result::Result<(), SpannedAppError> {
        let found = items
            .iter()
            .find(|t| matches!(t.as_tuple(), Some([k, ..]) if k.as_atom() == Some(key)));
        let value = match found.map(|t| (t, t.as_tuple())) {
            Some((_, Some([_, v]))) => v,
            None if !matches!(
                key,
                "vsn" | "description" | "modules" | "registered" | "applications"
            ) =>
            {
                return Ok(()); // optional: `AppResource::empty` holds OTP's default
            }
            // A missing key, or a tuple of another size: no clause of check_item matches.
            other => {
                return Err(SpannedAppError {
                    error: SystoolsAppError::MissingParam(key.into()),
                    span: Some(other.map_or(dict, |(t, _)| t.span)),
                })
            }
        };
        let bad = || SpannedAppError {
            error: SystoolsAppError::BadParam(key.into()),
            span: Some(value.span),
        };
        let string = || match string_p(value) {
            Some(true) => Ok(value.as_string().unwrap_or_default()),
            Some(false) => Err(bad()),
            None => Err(SpannedAppError {
                error: SystoolsAppError::Crash {
                    key: key.into(),
                    value: value.to_term(),
                },
                span: Some(value.span),
            }),
        };
        self.spans.push((key.to_owned(), value.span));
        match key {
            "vsn" => self.vsn = Some(AppVsn::String(string()?)),
            "id" => self.id = Some(string()?),
            "description" => self.description = Some(string()?),
            "modules" => self.modules = Some(atom_list(value).ok_or_else(bad)?),
            "registered" => self.registered = Some(atom_list(value).ok_or_else(bad)?),
            "applications" => self.applications = Some(atom_list(value).ok_or_else(bad)?),
            "optional_applications" => {
                self.optional_applications = atom_list(value).ok_or_else(bad)?
            }
            "included_applications" => {
                self.included_applications = atom_list(value).ok_or_else(bad)?
            }
            "mod" => {
                self.mod_ = match value.as_tuple() {
                    Some([m, args]) if m.as_atom().is_some() => {
                        Some((m.as_atom().unwrap_or_default().to_owned(), args.clone()))
                    }
                    _ if value.as_list().is_some_and(<[Node]>::is_empty) => None,
                    // `{mod, Other}` matches no clause of check_item.
                    _ => {
                        return Err(SpannedAppError {
                            error: SystoolsAppError::MissingParam(key.into()),
                            span: Some(value.span),
                        })
                    }
                }
            }
            "start_phases" if value.as_atom() == Some("undefined") => self.start_phases = None,
            "start_phases" => self.start_phases = Some(tuple_list(value).ok_or_else(bad)?),
            "env" => self.env = tuple_list(value).ok_or_else(bad)?,
            "maxT" => self.max_t = positive_or_infinity(value).ok_or_else(bad)?,
            "maxP" => self.max_p = positive_or_infinity(value).ok_or_else(bad)?,
            _ => {}
        }
        Ok(())
    }

    /// The included applications of this application in a release
    /// (`systools_make:override_include/3`): the `.app`'s own list, or
    /// the `.rel` entry's `Incls` when it gives one, which may only name
    /// applications the `.app` includes; `Err` lists the others
    /// (systools' `{override_include, Apps}`).
    ///
    /// ```
    /// use relx_config::app_resource::AppResource;
    /// let app = AppResource::parse_for_release(r#"{application, a, [{description, ""},
    ///     {vsn, "1"}, {modules, []}, {registered, []}, {applications, []},
    ///     {included_applications, [b, c]}]}."#).unwrap();
    /// assert_eq!(app.release_includes(None), Ok(vec!["b".to_string(), "c".to_string()]));
    /// assert_eq!(app.release_includes(Some(&["c".to_string()])), Ok(vec!["c".to_string()]));
    /// assert_eq!(app.release_includes(Some(&["d".to_string()])), Err(vec!["d".to_string()]));
    /// ```
    pub fn release_includes(
        &self,
        rel_incls: Option<&[String]>,
    ) -> std::result::Result<Vec<String>, Vec<String>> {
        let own = &self.included_applications;
        match rel_incls {
            None => Ok(own.iter().map(|a| a.as_str().to_owned()).collect()),
            Some(over) => {
                let extra: Vec<String> = over
                    .iter()
                    .filter(|a| !own.iter().any(|o| o.as_str() == a.as_str()))
                    .cloned()
                    .collect();
                if extra.is_empty() {
                    Ok(over.to_vec())
                } else {
                    Err(extra)
                }
            }
        }
    }

    /// The version string, when `vsn` is one (always, after
    /// [`AppResource::parse_for_release`]).
    pub fn vsn_string(&self) -> Option<&str> {
        match &self.vsn {
            Some(AppVsn::String(s)) => Some(s),
            _ => None,
        }
    }
}

/// systools' `string_p/1` (`unicode:characters_to_list(S) =:= S`):
/// `Some(true)` for a flat list of code points, `Some(false)` for other
/// character data (binaries, nested lists, invalid code points), `None`
/// where `characters_to_list` raises `badarg` (atoms, numbers, tuples,
/// lists holding them).
fn string_p(n: &Node) -> Option<bool> {
    fn chardata(t: &Term, depth: usize) -> bool {
        let element = |x: &Term| match x {
            Term::Integer(_) => true,
            Term::Bitstring(b) => b.is_binary(),
            Term::List(_) | Term::String(_) | Term::ImproperList(_) => {
                depth < 500 && chardata(x, depth + 1)
            }
            _ => false,
        };
        match t {
            Term::String(_) => true,
            Term::List(items) => items.iter().all(element),
            Term::ImproperList(l) => {
                l.items().iter().all(element)
                    && matches!(l.tail(), Term::Bitstring(b) if b.is_binary())
            }
            _ => false,
        }
    }
    match &n.kind {
        NodeKind::String(_) => Some(true),
        NodeKind::Bitstring(b) if b.is_binary() => Some(false),
        NodeKind::List(..) => {
            let t = n.to_term();
            chardata(&t, 0).then(|| t.as_string().is_some())
        }
        _ => None,
    }
}

/// systools' `a_list_p/1`: a proper list of atoms.
fn atom_list(n: &Node) -> Option<Vec<Atom>> {
    n.as_list()?
        .iter()
        .map(|x| x.as_atom().map(Atom::new))
        .collect()
}

/// systools' `t_list_p/1`: a proper list of `{atom(), term()}`.
fn tuple_list(n: &Node) -> Option<Vec<(String, Node)>> {
    n.as_list()?
        .iter()
        .map(|x| match x.as_tuple() {
            Some([k, v]) => Some((k.as_atom()?.to_owned(), v.clone())),
            _ => None,
        })
        .collect()
}

/// `maxT`/`maxP` as `check_item/2` accepts them: `infinity` or any
/// positive integer (one beyond `u64` is kept as `u64::MAX`).
fn positive_or_infinity(n: &Node) -> Option<Limit> {
    if n.as_atom() == Some("infinity") {
        return Some(Limit::Infinity);
    }
    match &n.kind {
        NodeKind::Integer(i) => match i.to_i64() {
            Some(v) => u64::try_from(v).ok().filter(|&v| v > 0).map(Limit::Value),
            None => (!i.is_negative()).then_some(Limit::Value(u64::MAX)),
        },
        _ => None,
    }
}

/// `runtime_dependencies` when it is a list of strings.
fn runtime_dependencies(n: &Node) -> Option<Vec<String>> {
    n.as_list()?.iter().map(Node::as_string).collect()
}

fn vsn(v: &Node, kind: AppFileKind) -> Result<AppVsn> {
    if kind == AppFileKind::App {
        return string(v, "vsn").map(AppVsn::String);
    }
    let unknown = || {
        Error::rejected(
            format!(
                "vcs_vsn: Unknown vsn format: {}",
                appup::show::show(&v.to_term())
            ),
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

fn module(v: Node) -> Result<Option<(String, Node)>> {
    if v.as_list().is_some_and(<[Node]>::is_empty) {
        return Ok(None);
    }
    match into_tuple::<2>(v) {
        Ok([m, args]) => Ok(Some((atom(&m, "callback module")?, args))),
        Err(v) => Err(Error::shape("mod", "{Module, StartArgs} or []", &v)),
    }
}

fn start_phases(v: Node) -> Result<Option<Vec<(String, Node)>>> {
    if v.as_atom() == Some("undefined") {
        return Ok(None);
    }
    pairs(v, "start_phases").map(Some)
}

fn pairs(v: Node, what: &str) -> Result<Vec<(String, Node)>> {
    let items = into_list(v, what)?;
    let key = format!("{what} key");
    let mut out = Vec::with_capacity(items.len());
    for p in items {
        match into_tuple::<2>(p) {
            Ok([k, val]) => out.push((into_atom(k, &key)?.as_str().to_owned(), val)),
            Err(p) => {
                return Err(Error::shape(
                    &format!("{what} entry"),
                    "{atom(), term()}",
                    &p,
                ))
            }
        }
    }
    Ok(out)
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
