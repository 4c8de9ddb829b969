//! Paths into a document: which term, then proplist keys, positions and
//! map keys, the way people name a setting ("the `vsn` of the app").

use std::fmt;

use crate::node::{Node, NodeKind};
use crate::term::Term;

/// One step from a value to one of its children.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Element `n` (0-based) of a tuple, or item `n` of a list.
    Index(usize),
    /// In a proplist, the value `V` of the first `{Key, V}` pair.
    Key(Term),
    /// In a list, the first item that is `Key` or a tuple starting with
    /// `Key` (any size): the whole entry, e.g. `{release, {N, V}, Apps}`.
    Entry(Term),
    /// In a map, the value of `Key` (the last one if written twice, as
    /// Erlang keeps the last).
    MapKey(Term),
}

/// Where a value sits in a document: a top-level term index, then steps.
///
/// ```
/// use erlterm::document::Path;
/// // The `vsn` of `{application, App, [{vsn, V}, ...]}`.
/// let p = Path::term(0).index(2).key("vsn");
/// assert_eq!(p.to_string(), "#0/2/vsn");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// Index of the top-level term (0-based).
    pub term: usize,
    /// The steps below that term.
    pub steps: Vec<Step>,
}

impl Path {
    /// The top-level term number `term` (0-based).
    ///
    /// ```
    /// assert_eq!(erlterm::document::Path::term(1).to_string(), "#1");
    /// ```
    pub fn term(term: usize) -> Path {
        Path {
            term,
            steps: Vec::new(),
        }
    }

    /// Adds a step.
    ///
    /// ```
    /// use erlterm::document::{Path, Step};
    /// assert_eq!(Path::term(0).step(Step::Index(2)), Path::term(0).index(2));
    /// ```
    pub fn step(mut self, step: Step) -> Path {
        self.steps.push(step);
        self
    }

    /// Adds [`Step::Index`].
    ///
    /// ```
    /// use erlterm::{term, document::{Document, Path}};
    /// let doc = Document::parse("{a, [x, y]}.").unwrap();
    /// assert_eq!(doc.get_term(&Path::term(0).index(1).index(1)), Some(term!(y)));
    /// ```
    pub fn index(self, n: usize) -> Path {
        self.step(Step::Index(n))
    }

    /// Adds [`Step::Key`] with an atom key.
    ///
    /// ```
    /// use erlterm::{term, document::{Document, Path}};
    /// let doc = Document::parse("[{kernel, [{logger_level, info}]}].").unwrap();
    /// assert_eq!(doc.get_term(&Path::term(0).key("kernel").key("logger_level")), Some(term!(info)));
    /// ```
    pub fn key(self, atom: &str) -> Path {
        self.step(Step::Key(Term::atom(atom)))
    }

    /// Adds [`Step::Entry`] with an atom key.
    ///
    /// ```
    /// use erlterm::{term, document::{Document, Path}};
    /// let doc = Document::parse("[{release, {shop, \"1.0\"}, [shop]}, debug].").unwrap();
    /// assert_eq!(doc.get_term(&Path::term(0).entry("release").index(2)), Some(term!([shop])));
    /// assert_eq!(doc.get_term(&Path::term(0).entry("debug")), Some(term!(debug)));
    /// ```
    pub fn entry(self, atom: &str) -> Path {
        self.step(Step::Entry(Term::atom(atom)))
    }

    /// Adds [`Step::MapKey`].
    ///
    /// ```
    /// use erlterm::{term, document::{Document, Path}};
    /// let doc = Document::parse("#{port => 80, \"k\" => v}.").unwrap();
    /// assert_eq!(doc.get_term(&Path::term(0).map_key(term!(port))), Some(term!(80)));
    /// assert_eq!(doc.get_term(&Path::term(0).map_key(term!("k"))), Some(term!(v)));
    /// ```
    pub fn map_key(self, key: Term) -> Path {
        self.step(Step::MapKey(key))
    }

    /// The path without its last step (`None` for a bare term path).
    ///
    /// ```
    /// use erlterm::document::Path;
    /// assert_eq!(Path::term(0).key("a").parent(), Some(Path::term(0)));
    /// assert_eq!(Path::term(0).parent(), None);
    /// ```
    pub fn parent(&self) -> Option<Path> {
        let mut p = self.clone();
        p.steps.pop()?;
        Some(p)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.term)?;
        for s in &self.steps {
            match s {
                Step::Index(n) => write!(f, "/{n}")?,
                Step::Key(k) => write!(f, "/{k}")?,
                Step::Entry(k) => write!(f, "/{k}*")?,
                Step::MapKey(k) => write!(f, "/#{k}")?,
            }
        }
        Ok(())
    }
}

/// Whether a list item is the entry for `key`: `key` itself or a tuple
/// whose first element is `key`.
pub(crate) fn is_entry(item: &Node, key: &Term) -> bool {
    match &item.kind {
        NodeKind::Tuple(els) => els.first().is_some_and(|k| k.to_term() == *key),
        NodeKind::Atom(_) => item.to_term() == *key,
        _ => false,
    }
}

/// The items of a bracketed list (not a string literal, not the tail).
pub(crate) fn list_items(node: &Node) -> Option<&[Node]> {
    match &node.kind {
        NodeKind::List(items, _) => Some(items),
        _ => None,
    }
}

/// Follows one step; `None` when the child does not exist.
pub(crate) fn child<'n>(node: &'n Node, step: &Step) -> Option<&'n Node> {
    match step {
        Step::Index(n) => match &node.kind {
            NodeKind::Tuple(els) => els.get(*n),
            NodeKind::List(items, _) => items.get(*n),
            _ => None,
        },
        Step::Key(key) => list_items(node)?.iter().find_map(|it| match it.as_tuple() {
            Some([k, v]) if k.to_term() == *key => Some(v),
            _ => None,
        }),
        Step::Entry(key) => list_items(node)?.iter().find(|it| is_entry(it, key)),
        Step::MapKey(key) => match &node.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .rev()
                .find(|(k, _)| k.to_term() == *key)
                .map(|(_, v)| v),
            _ => None,
        },
    }
}
