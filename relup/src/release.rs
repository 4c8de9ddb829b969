//! The `.rel` release file: `{release, {Name, Vsn}, {erts, ErtsVsn}, [App]}`,
//! checked as `systools_make:check_rel/1` does, with the span of the
//! offending term when read from text ([`Release::parse_spanned`],
//! [`Release::read`]).

use erlterm::{Node, NodeKind, Span, Term};

use crate::error::ReleaseError;

/// An application's start type in a `.rel` file: the toolkit's one start
/// type, defined in [`appup::StartType`] (re-exported here and as
/// `relup::StartType` so these paths keep working).
pub use appup::StartType;

/// One application entry of a `.rel` file.
#[derive(Debug, Clone, PartialEq)]
pub struct RelApp {
    /// Application name.
    pub name: String,
    /// Application version.
    pub vsn: String,
    /// Start type.
    pub start_type: StartType,
    /// Included applications overriding the `.app` file's, if written.
    pub incls: Option<Vec<String>>,
}

/// A `.rel` file.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// Release name.
    pub name: String,
    /// Release version.
    pub vsn: String,
    /// Erts version.
    pub erts_vsn: String,
    /// Applications in `.rel` order.
    pub apps: Vec<RelApp>,
}

/// A problem of a `.rel` file and where the offending term was written
/// (`None` when the release was checked from a [`Term`], which has no
/// positions, or when the problem is the file as a whole).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{error}")]
pub struct SpannedReleaseError {
    /// What systools says.
    pub error: ReleaseError,
    /// The offending term.
    pub span: Option<Span>,
}

impl SpannedReleaseError {
    fn at(error: ReleaseError, node: &Node) -> SpannedReleaseError {
        SpannedReleaseError {
            error,
            span: Some(node.span).filter(|s| *s != Span::default()),
        }
    }
}

impl Release {
    /// Parses the text of a `.rel` file (its first term).
    ///
    /// ```
    /// let rel = relup::Release::parse(r#"{release, {"shop", "1.0"}, {erts, "13.1"},
    ///     [{kernel, "9.0"}, {stdlib, "5.0"}, {sasl, "5.0", load}]}."#).unwrap();
    /// assert_eq!(rel.vsn, "1.0");
    /// assert_eq!(rel.apps[2].start_type, relup::StartType::Load);
    /// ```
    pub fn parse(text: &str) -> Result<Release, ReleaseError> {
        Release::parse_spanned(text).map_err(|e| e.error)
    }

    /// [`Release::parse`] keeping the span of the offending term.
    ///
    /// Reads what `systools_make:read_release/2` reads: the first term
    /// only (text after its full stop is ignored), then `check_rel/1`.
    ///
    /// ```
    /// let src = "{release, {\"demo\", \"1\"}, {erts, 13}, []}.";
    /// let e = relup::Release::parse_spanned(src).unwrap_err();
    /// let span = e.span.unwrap();
    /// assert_eq!(&src[span.range()], "13");
    /// assert_eq!(e.error.otp_tag(), "exception"); // systools crashes: badarg
    /// ```
    pub fn parse_spanned(text: &str) -> Result<Release, SpannedReleaseError> {
        let end = erlterm::first_term_end(text).unwrap_or(text.len());
        let head = text.get(..end).unwrap_or(text);
        let nodes = erlterm::parse_nodes(head).map_err(|e| SpannedReleaseError {
            span: Some(e.span),
            error: read_error(&e),
        })?;
        match nodes.first() {
            Some(node) => Release::from_node(node),
            None => Err(SpannedReleaseError {
                error: ReleaseError::Read("the file holds no term".into()),
                span: None,
            }),
        }
    }

    /// Reads the bytes of a `.rel` file as systools does: `coding:`
    /// comment (latin-1 or UTF-8), the first term only. Invalid UTF-8
    /// before the first term's full stop is a [`ReleaseError::Read`];
    /// after it, it is ignored, as systools ignores it.
    ///
    /// Spans index [`erlterm::encoding::decode_for_display`]`(bytes)`.
    ///
    /// ```
    /// let e = relup::Release::read(b"{release, {\"d\xE9m\", \"1\"}, {erts, \"13\"}, []}.").unwrap_err();
    /// assert_eq!(e.error.otp_tag(), "read");
    /// ```
    pub fn read(bytes: &[u8]) -> Result<Release, SpannedReleaseError> {
        if erlterm::encoding::detect(bytes) == erlterm::encoding::Encoding::Latin1 {
            let text: String = bytes.iter().map(|&b| char::from(b)).collect();
            return Release::parse_spanned(&text);
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Release::parse_spanned(text),
            Err(e) => {
                let valid = std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or_default())
                    .unwrap_or_default();
                match erlterm::first_term_end(valid) {
                    Some(end) => Release::parse_spanned(valid.get(..end).unwrap_or(valid)),
                    None => Err(SpannedReleaseError {
                        error: ReleaseError::Read(format!(
                            "invalid UTF-8 at byte {} (add `%% coding: latin-1` on the first line if the file is latin-1)",
                            e.valid_up_to()
                        )),
                        span: Some(span_at(valid, valid.len())),
                    }),
                }
            }
        }
    }

    /// Checks a `.rel` term.
    pub fn from_term(term: &Term) -> Result<Release, ReleaseError> {
        Release::from_node(&node_of(term)).map_err(|e| e.error)
    }

    /// Checks a `.rel` term read with spans, as `systools_make:check_rel/1`
    /// does, in its order: the shape, the name, the version, the erts
    /// version, the application entries, then kernel and stdlib.
    pub fn from_node(node: &Node) -> Result<Release, SpannedReleaseError> {
        let bad = |at: &Node| SpannedReleaseError::at(ReleaseError::BadlyFormattedRelease, at);
        let Some([tag, name_vsn, erts, apps]) = node.as_tuple() else {
            return Err(bad(node));
        };
        if tag.as_atom() != Some("release") {
            return Err(bad(tag));
        }
        let Some([name, vsn]) = name_vsn.as_tuple() else {
            return Err(bad(name_vsn));
        };
        let Some([erts_tag, erts_vsn]) = erts.as_tuple() else {
            return Err(bad(erts));
        };
        if erts_tag.as_atom() != Some("erts") {
            return Err(bad(erts_tag));
        }
        if !is_list(apps) {
            return Err(bad(apps));
        }
        let name = string_field(name, "the release name", ReleaseError::IllegalName)?;
        let vsn = string_field(vsn, "the release version", ReleaseError::IllegalVsn)?;
        let erts_vsn = string_field(erts_vsn, "the erts version", ReleaseError::IllegalErtsVsn)?;
        let entries = match &apps.kind {
            NodeKind::List(items, None) => items.iter().collect::<Vec<_>>(),
            NodeKind::List(_, Some(tail)) => {
                return Err(SpannedReleaseError::at(
                    ReleaseError::Crash {
                        what: "the application list's tail",
                        value: tail.to_term(),
                    },
                    tail,
                ))
            }
            _ => Vec::new(),
        };
        if let NodeKind::String(s) = &apps.kind {
            // A string is a list of integers: every element is illegal.
            let ints = s.chars().map(|c| Term::int(i64::from(u32::from(c))));
            return Err(SpannedReleaseError::at(
                ReleaseError::IllegalApplications(ints.collect()),
                apps,
            ));
        }
        let mut parsed = Vec::with_capacity(entries.len());
        let mut illegal: Vec<&Node> = Vec::new();
        let mut crash = None;
        for entry in entries {
            match rel_app(entry) {
                Ok(app) => parsed.push((app, entry)),
                Err(None) => illegal.push(entry),
                Err(Some(at)) => {
                    crash.get_or_insert(at);
                }
            }
        }
        if let Some(at) = crash {
            return Err(SpannedReleaseError::at(
                ReleaseError::Crash {
                    what: "the application version",
                    value: at.to_term(),
                },
                at,
            ));
        }
        if let Some(first) = illegal.first() {
            return Err(SpannedReleaseError::at(
                ReleaseError::IllegalApplications(illegal.iter().map(|n| n.to_term()).collect()),
                first,
            ));
        }
        check_mandatory(&parsed, apps)?;
        Ok(Release {
            name,
            vsn,
            erts_vsn,
            apps: parsed.into_iter().map(|(a, _)| a).collect(),
        })
    }

    /// The entry of application `name`, if the release contains it.
    pub fn app(&self, name: &str) -> Option<&RelApp> {
        self.apps.iter().find(|a| a.name == name)
    }

    /// Whether the release lacks `sasl`, which systools warns about
    /// (`{warning, missing_sasl}`): without it, the release cannot be
    /// upgraded.
    pub fn missing_sasl(&self) -> bool {
        self.app("sasl").is_none()
    }
}

/// `read` for scan errors and undecodable text, `parse` for the rest.
fn read_error(e: &erlterm::Error) -> ReleaseError {
    use erlterm::ErrorKind as K;
    match e.kind {
        K::Syntax { .. } | K::BadTerm(_) | K::HeadMismatch | K::Limit(_) => {
            ReleaseError::Parse(e.kind.to_string())
        }
        _ => ReleaseError::Read(e.kind.to_string()),
    }
}

/// A one-byte span at byte `offset` of `text`.
fn span_at(text: &str, offset: usize) -> Span {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let u32_of = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Span {
        start: u32_of(offset),
        end: u32_of(offset + 1).min(u32_of(text.len())),
        line: u32_of(before.matches('\n').count() + 1),
        column: u32_of(before.get(line_start..).unwrap_or("").chars().count() + 1),
    }
}

/// A node without positions, to check a [`Term`] with the node checks.
fn node_of(term: &Term) -> Node {
    let kind = match term {
        Term::Atom(a) => NodeKind::Atom(a.clone()),
        Term::Integer(i) => NodeKind::Integer(i.clone()),
        Term::Float(f) => NodeKind::Float(*f),
        Term::String(s) => NodeKind::String(s.clone()),
        Term::List(items) => NodeKind::List(items.iter().map(node_of).collect(), None),
        Term::ImproperList(l) => NodeKind::List(
            l.items().iter().map(node_of).collect(),
            Some(Box::new(node_of(l.tail()))),
        ),
        Term::Tuple(items) => NodeKind::Tuple(items.iter().map(node_of).collect()),
        Term::Bitstring(b) => NodeKind::Bitstring(b.clone()),
        Term::Fun(f) => NodeKind::Fun(f.clone()),
        // Maps are never part of a legal `.rel`; the entries' order does not matter.
        Term::Map(entries) => NodeKind::Map(
            entries
                .iter()
                .map(|(k, v)| (node_of(k), node_of(v)))
                .collect(),
        ),
    };
    Node {
        span: Span::default(),
        kind,
    }
}

/// Erlang's `is_list/1`.
fn is_list(n: &Node) -> bool {
    matches!(n.kind, NodeKind::List(..) | NodeKind::String(_))
}

/// systools' `string_p/1`: `unicode:characters_to_list(S) =:= S`.
/// `Ok(true)` for a flat list of code points, `Ok(false)` for other
/// lists and binaries, `Err(())` where `characters_to_list` raises
/// badarg (atoms, numbers, tuples, lists holding them).
fn string_p(n: &Node) -> Result<bool, ()> {
    match &n.kind {
        NodeKind::String(_) => Ok(true),
        NodeKind::Bitstring(b) if b.is_binary() => Ok(false),
        NodeKind::List(..) => {
            let t = n.to_term();
            chardata_ok(&t, 0)?;
            Ok(t.as_string().is_some())
        }
        _ => Err(()),
    }
}

/// Whether `characters_to_list` accepts the shape of `t` (it may still
/// find invalid code points, which is not a crash).
fn chardata_ok(t: &Term, depth: usize) -> Result<(), ()> {
    if depth > 500 {
        return Err(());
    }
    let element = |x: &Term| match x {
        Term::Integer(_) => Ok(()),
        Term::Bitstring(b) if b.is_binary() => Ok(()),
        Term::List(_) | Term::String(_) | Term::ImproperList(_) => chardata_ok(x, depth + 1),
        _ => Err(()),
    };
    match t {
        Term::String(_) => Ok(()),
        Term::List(items) => items.iter().try_for_each(element),
        Term::ImproperList(l) => {
            l.items().iter().try_for_each(element)?;
            match l.tail() {
                Term::Bitstring(b) if b.is_binary() => Ok(()),
                _ => Err(()),
            }
        }
        _ => Err(()),
    }
}

fn string_field(
    n: &Node,
    what: &'static str,
    illegal: fn(Term) -> ReleaseError,
) -> Result<String, SpannedReleaseError> {
    match string_p(n) {
        Ok(true) => Ok(n.as_string().unwrap_or_default()),
        Ok(false) => Err(SpannedReleaseError::at(illegal(n.to_term()), n)),
        Err(()) => Err(SpannedReleaseError::at(
            ReleaseError::Crash {
                what,
                value: n.to_term(),
            },
            n,
        )),
    }
}

/// systools' `a_list_p/1`: a proper list of atoms.
fn atom_list(n: &Node) -> Option<Vec<String>> {
    match &n.kind {
        NodeKind::List(items, None) => items
            .iter()
            .map(|x| x.as_atom().map(str::to_owned))
            .collect(),
        NodeKind::String(s) if s.is_empty() => Some(Vec::new()),
        _ => None,
    }
}

/// One `{App, Vsn}`, `{App, Vsn, Type}`, `{App, Vsn, Incls}` or
/// `{App, Vsn, Type, Incls}`, with the clauses and guards of
/// `check_appl/1`: `Err(None)` if illegal, `Err(Some(vsn))` where
/// `string_p(Vsn)` crashes.
fn rel_app(entry: &Node) -> Result<RelApp, Option<&Node>> {
    let items = entry.as_tuple().ok_or(None)?;
    let name = items
        .first()
        .and_then(Node::as_atom)
        .ok_or(None)?
        .to_owned();
    let (vsn, start_type, incls) = match items {
        [_, v] => (v, Some(StartType::Permanent), None),
        [_, v, i] if is_list(i) => (v, Some(StartType::Permanent), Some(atom_list(i))),
        [_, v, t] if t.as_atom().is_some() => (v, t.as_atom().and_then(StartType::from_name), None),
        [_, v, t, i] if t.as_atom().is_some() && is_list(i) => (
            v,
            t.as_atom().and_then(StartType::from_name),
            Some(atom_list(i)),
        ),
        _ => return Err(None),
    };
    let is_string = string_p(vsn).map_err(|()| Some(vsn))?;
    let (true, Some(start_type)) = (is_string, start_type) else {
        return Err(None);
    };
    let incls = match incls {
        Some(Some(list)) => Some(list),
        Some(None) => return Err(None),
        None => None,
    };
    Ok(RelApp {
        name,
        vsn: vsn.as_string().unwrap_or_default(),
        start_type,
        incls,
    })
}

/// kernel and stdlib must be present and permanent (first entry of each counts).
fn check_mandatory(apps: &[(RelApp, &Node)], list: &Node) -> Result<(), SpannedReleaseError> {
    for name in ["kernel", "stdlib"] {
        match apps.iter().find(|(a, _)| a.name == name) {
            None => {
                return Err(SpannedReleaseError::at(
                    ReleaseError::MissingMandatoryApp(name.into()),
                    list,
                ))
            }
            Some((a, at)) if a.start_type != StartType::Permanent => {
                return Err(SpannedReleaseError::at(
                    ReleaseError::MandatoryApp {
                        app: name.into(),
                        start_type: a.start_type.name().into(),
                    },
                    at,
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}
