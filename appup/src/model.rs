//! The typed `{Vsn, UpFrom, DownTo}` model, built from spanned nodes.

use erlterm::{Node, NodeKind, Span, Term};

use crate::instruction::{parse_script, Instr, InstructionError};
use crate::pattern::{PatternError, VsnRegex};

/// A version pattern (`VsnSpec`) of an entry.
#[derive(Clone, Debug, PartialEq)]
pub enum VsnSpec {
    /// A string: matches exactly that version.
    Exact(String),
    /// A binary: a PCRE regular expression (raw bytes, may be non-UTF-8).
    Regex(Vec<u8>),
}

impl VsnSpec {
    /// The spec as a term.
    pub fn to_term(&self) -> Term {
        match self {
            VsnSpec::Exact(s) => Term::string(s),
            VsnSpec::Regex(b) => Term::binary(b.clone()),
        }
    }

    /// Whether this spec selects `vsn` (OTP's rule, spec/appup.md §3).
    pub fn matches(&self, vsn: &str) -> Result<bool, PatternError> {
        match self {
            VsnSpec::Exact(s) => Ok(s == vsn),
            VsnSpec::Regex(b) => VsnRegex::compile(b)?.whole_match(vsn),
        }
    }
}

impl std::fmt::Display for VsnSpec {
    /// As written in Erlang: `"1.0"` or `<<"1\\.0">>` (backslashes doubled).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VsnSpec::Exact(s) => write!(f, "{s:?}"),
            VsnSpec::Regex(b) => write!(f, "<<{:?}>>", String::from_utf8_lossy(b)),
        }
    }
}

/// One `{VsnSpec, Instructions}` entry.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The version pattern.
    pub spec: VsnSpec,
    /// Where the pattern was written.
    pub spec_span: Span,
    /// The instructions, validated.
    pub instructions: Vec<Instr>,
    /// The instruction list as written.
    pub written: Term,
    /// The whole entry.
    pub span: Span,
}

/// An element of `UpFrom`/`DownTo` that systools silently skips: not a
/// 2-tuple, or a 2-tuple whose first element is neither a string nor a
/// binary.
#[derive(Clone, Debug)]
pub struct Skipped {
    /// The element as written.
    pub term: Term,
    /// Where.
    pub span: Span,
    /// Its position in the list (0-based), among all elements.
    pub index: usize,
}

/// A parsed appup.
///
/// ```
/// let text = r#"{"2.0", [{"1.0", [{load_module, m}]}], [{<<"1\\..*">>, []}]}."#;
/// let appup = appup::Appup::parse(text).unwrap();
/// assert_eq!(appup.vsn.as_deref(), Some("2.0"));
/// assert_eq!(appup.up_from[0].instructions[0].to_string(), "{load_module,m}");
/// assert_eq!(appup.to_term().to_string(), erlterm::parse_str(text).unwrap()[0].to_string());
/// ```
#[derive(Clone, Debug)]
pub struct Appup {
    /// The version, if it is a string (systools only warns otherwise).
    pub vsn: Option<String>,
    /// The version term as written.
    pub vsn_term: Term,
    /// Where the version was written.
    pub vsn_span: Span,
    /// Upgrade entries, in order (skipped elements not included).
    pub up_from: Vec<Entry>,
    /// Downgrade entries, in order.
    pub down_to: Vec<Entry>,
    /// Elements of `UpFrom` systools skips.
    pub up_skipped: Vec<Skipped>,
    /// Elements of `DownTo` systools skips.
    pub down_skipped: Vec<Skipped>,
    /// The span of the whole term.
    pub span: Span,
    /// Where the text after the first term starts, if it holds anything but
    /// whitespace and comments (systools ignores it; `file:consult` does not).
    pub trailing: Option<Span>,
}

/// Why an appup cannot be used.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AppupError {
    /// The text is not valid Erlang term syntax (`{parse, File, ...}`).
    #[error("{0}")]
    Parse(erlterm::Error),
    /// No term at all (`{read, File}`).
    #[error("the file holds no term")]
    Empty,
    /// The term is not a 3-tuple (`file_problem`).
    #[error("an appup is {{Vsn, UpFrom, DownTo}}, found {found}")]
    NotAnAppup {
        /// What was found.
        found: String,
        /// Where.
        span: Span,
    },
    /// `UpFrom`, `DownTo` or an entry's instructions is not a proper list
    /// (systools crashes with `function_clause`).
    #[error("{what} must be a list, found {found}")]
    NotAList {
        /// Which part.
        what: String,
        /// What was found.
        found: String,
        /// Where.
        span: Span,
    },
    /// An instruction systools refuses.
    #[error("{0}")]
    Instruction(#[from] InstructionError),
    /// A `.appup.src` template tag that cannot be rendered.
    #[error("{0}")]
    Template(crate::template::TemplateError),
}

impl AppupError {
    /// Where the problem is.
    pub fn span(&self) -> Span {
        match self {
            AppupError::Parse(e) => e.span,
            AppupError::Empty | AppupError::Template(_) => Span::default(),
            AppupError::NotAnAppup { span, .. } | AppupError::NotAList { span, .. } => *span,
            AppupError::Instruction(e) => e.span,
        }
    }
}

impl Appup {
    /// Parses appup text the way `systools_lib:read_term/1` reads it: only
    /// the first term counts.
    ///
    /// ```
    /// let appup = appup::Appup::parse(r#"{"1.1", [{"1.0", [{load_module, m}]}], []}. % rest ignored"#).unwrap();
    /// assert_eq!(appup.up_from[0].instructions[0].to_string(), "{load_module,m}");
    /// assert!(appup::Appup::parse(r#"{"1.1", [{"1.0", [{load_module, "m"}]}], []}."#).is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Appup, AppupError> {
        let (node, trailing) = crate::read::first_term(text)?;
        let mut appup = Appup::from_node(&node)?;
        appup.trailing = trailing;
        Ok(appup)
    }

    /// Parses with parse options, e.g. the variable `VSN` bound.
    ///
    /// ```
    /// let mut opts = erlterm::ParseOptions::default();
    /// opts.bindings.insert("V".into(), erlterm::Term::string("2.0"));
    /// let appup = appup::Appup::parse_with(r#"{V, [], []}."#, &opts).unwrap();
    /// assert_eq!(appup.vsn.as_deref(), Some("2.0"));
    /// ```
    pub fn parse_with(text: &str, opts: &erlterm::ParseOptions) -> Result<Appup, AppupError> {
        let (node, trailing) = crate::read::first_term_with(text, opts)?;
        let mut appup = Appup::from_node(&node)?;
        appup.trailing = trailing;
        Ok(appup)
    }

    /// Parses an `.appup.src`: `{{vsn}}` rendered as rebar3_appup_plugin
    /// does, and the variable `VSN` bound to `vsn` (a string).
    ///
    /// ```
    /// let src = r#"{VSN, [{"{{vsn}}-old", []}], [{"1.0", []}]}."#;
    /// let appup = appup::Appup::parse_src(src, "2.0").unwrap();
    /// assert_eq!(appup.vsn.as_deref(), Some("2.0"));
    /// assert_eq!(appup.up_from[0].spec, appup::VsnSpec::Exact("2.0-old".into()));
    /// ```
    pub fn parse_src(text: &str, vsn: &str) -> Result<Appup, AppupError> {
        let rendered = crate::template::render(text, vsn).map_err(AppupError::Template)?;
        let opts = erlterm::ParseOptions::default().bind("VSN", Term::string(vsn));
        Appup::parse_with(&rendered, &opts)
    }

    /// Builds the model from the appup term.
    ///
    /// ```
    /// let nodes = erlterm::parse_nodes(r#"{"2.0", [{"1.0", []}], [{"1.0", []}]}."#).unwrap();
    /// let appup = appup::Appup::from_node(&nodes[0]).unwrap();
    /// assert_eq!(appup.down_to.len(), 1);
    /// ```
    pub fn from_node(node: &Node) -> Result<Appup, AppupError> {
        let Some([vsn, up, down]) = node.as_tuple() else {
            return Err(AppupError::NotAnAppup {
                found: node.describe(),
                span: node.span,
            });
        };
        let (up_from, up_skipped) = entries(up, "UpFrom")?;
        let (down_to, down_skipped) = entries(down, "DownTo")?;
        Ok(Appup {
            vsn: match &vsn.kind {
                NodeKind::String(_) | NodeKind::List(..) => vsn.as_string(),
                _ => None,
            },
            vsn_term: vsn.to_term(),
            vsn_span: vsn.span,
            up_from,
            down_to,
            up_skipped,
            down_skipped,
            span: node.span,
            trailing: None,
        })
    }

    /// The entries of one direction.
    pub fn entries(&self, direction: crate::Direction) -> &[Entry] {
        match direction {
            crate::Direction::Up => &self.up_from,
            crate::Direction::Down => &self.down_to,
        }
    }

    /// The first entry selecting `vsn`, as `appup_search_for_version/2`.
    ///
    /// ```
    /// use appup::{Appup, Direction};
    /// let appup = Appup::parse(r#"{"2.0", [{<<"1\\..*">>, [{load_module, m}]}], []}."#).unwrap();
    /// let entry = appup.find("1.3", Direction::Up).unwrap().unwrap();
    /// assert_eq!(entry.instructions[0].to_string(), "{load_module,m}");
    /// assert!(appup.find("1.3", Direction::Down).unwrap().is_none());
    /// ```
    pub fn find(
        &self,
        vsn: &str,
        direction: crate::Direction,
    ) -> Result<Option<&Entry>, PatternError> {
        for e in self.entries(direction) {
            if e.spec.matches(vsn)? {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    /// The appup as a term, every instruction as written.
    pub fn to_term(&self) -> Term {
        Term::tuple(vec![
            self.vsn_term.clone(),
            list_term(&self.up_from, &self.up_skipped),
            list_term(&self.down_to, &self.down_skipped),
        ])
    }
}

fn list_term(entries: &[Entry], skipped: &[Skipped]) -> Term {
    let mut items: Vec<(usize, Term)> = skipped.iter().map(|s| (s.index, s.term.clone())).collect();
    let mut next = 0;
    for e in entries {
        while items.iter().any(|(i, _)| *i == next) {
            next += 1;
        }
        items.push((next, Term::tuple(vec![e.spec.to_term(), e.written.clone()])));
        next += 1;
    }
    items.sort_by_key(|(i, _)| *i);
    Term::list(items.into_iter().map(|(_, t)| t).collect())
}

fn not_a_list(what: &str, n: &Node) -> AppupError {
    AppupError::NotAList {
        what: what.into(),
        found: n.describe(),
        span: n.span,
    }
}

/// The items of a proper list node (a string gives its characters),
/// borrowed when the list is written as one `[...]` (the common case): a
/// long instruction list is not copied.
fn list_items(n: &Node) -> Option<std::borrow::Cow<'_, [Node]>> {
    use std::borrow::Cow;
    match &n.kind {
        NodeKind::List(items, None) => Some(Cow::Borrowed(items)),
        _ => list_items_owned(n).map(Cow::Owned),
    }
}

fn list_items_owned(n: &Node) -> Option<Vec<Node>> {
    match &n.kind {
        NodeKind::List(items, None) => Some(items.clone()),
        NodeKind::String(_) => n.to_term().to_list().map(|ts| {
            ts.into_iter()
                .map(|t| Node {
                    span: n.span,
                    kind: match t {
                        Term::Integer(i) => NodeKind::Integer(i),
                        _ => NodeKind::List(Vec::new(), None),
                    },
                })
                .collect()
        }),
        NodeKind::List(items, Some(tail)) => {
            let mut v = items.clone();
            v.extend(list_items_owned(tail)?);
            Some(v)
        }
        _ => None,
    }
}

fn entries(list: &Node, what: &str) -> Result<(Vec<Entry>, Vec<Skipped>), AppupError> {
    let items = list_items(list).ok_or_else(|| not_a_list(what, list))?;
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (index, it) in items.iter().enumerate() {
        let spec = match it.as_tuple() {
            Some([spec, _]) => match &spec.kind {
                NodeKind::String(_) | NodeKind::List(..) => spec.as_string().map(VsnSpec::Exact),
                NodeKind::Bitstring(b) if b.is_binary() => Some(VsnSpec::Regex(b.bytes().to_vec())),
                _ => None,
            },
            _ => None,
        };
        let (Some(spec), Some([spec_node, instrs])) = (spec, it.as_tuple()) else {
            skipped.push(Skipped {
                term: it.to_term(),
                span: it.span,
                index,
            });
            continue;
        };
        let what = format!(
            "the instructions of {what} entry {}",
            crate::show::show(&spec_node.to_term())
        );
        let written = list_items(instrs).ok_or_else(|| not_a_list(&what, instrs))?;
        out.push(Entry {
            spec,
            spec_span: spec_node.span,
            instructions: parse_script(&written)?,
            written: instrs.to_term(),
            span: it.span,
        });
    }
    Ok((out, skipped))
}
