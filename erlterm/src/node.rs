//! A term tree with a [`Span`] on every node, for tools that report
//! positions (validation of typed models, serde errors, lints).

use crate::span::Span;
use crate::term::{Atom, Bitstring, ExternalFun, Integer, Term, Text};

/// A parsed term with the span of the text it came from.
///
/// ```
/// let nodes = erlterm::parse_nodes("{a,\n  [b]}.").unwrap();
/// let tuple = nodes[0].as_tuple().unwrap();
/// assert_eq!(tuple[1].span.line, 2);
/// assert_eq!(tuple[1].span.column, 3);
/// assert_eq!(nodes[0].to_term().to_string(), "{a,[b]}");
/// ```
#[derive(Clone, Debug)]
pub struct Node {
    /// Where the term was written (for a parenthesised term, the inside).
    pub span: Span,
    /// The value.
    pub kind: NodeKind,
}

/// The value of a [`Node`]; mirrors [`Term`] with spanned children.
#[derive(Clone, Debug)]
pub enum NodeKind {
    /// An atom.
    Atom(Atom),
    /// An integer (a char literal `$a` included).
    Integer(Integer),
    /// A float.
    Float(f64),
    /// One or more adjacent string literals.
    String(Text),
    /// A list `[A, B | Tail]`; `[]` has no items and no tail.
    List(Vec<Node>, Option<Box<Node>>),
    /// A tuple.
    Tuple(Vec<Node>),
    /// A map, entries in the order written (duplicates kept).
    Map(Vec<(Node, Node)>),
    /// A binary or bitstring (already evaluated).
    Bitstring(Bitstring),
    /// An external fun.
    Fun(Box<ExternalFun>),
}

impl Node {
    /// Converts to a plain [`Term`] (maps sorted, last duplicate key wins,
    /// list tails spliced).
    pub fn to_term(&self) -> Term {
        match &self.kind {
            NodeKind::Atom(a) => Term::Atom(a.clone()),
            NodeKind::Integer(i) => Term::Integer(i.clone()),
            NodeKind::Float(f) => Term::Float(*f),
            NodeKind::String(s) => Term::String(s.clone()),
            NodeKind::List(items, None) => Term::List(items.iter().map(Node::to_term).collect()),
            NodeKind::List(items, Some(tail)) => {
                Term::improper_list(items.iter().map(Node::to_term).collect(), tail.to_term())
            }
            NodeKind::Tuple(items) => Term::Tuple(items.iter().map(Node::to_term).collect()),
            NodeKind::Map(entries) => Term::map(
                entries
                    .iter()
                    .map(|(k, v)| (k.to_term(), v.to_term()))
                    .collect(),
            ),
            NodeKind::Bitstring(b) => Term::Bitstring(b.clone()),
            NodeKind::Fun(f) => Term::Fun(f.clone()),
        }
    }

    /// The atom's name, if this is an atom.
    pub fn as_atom(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Atom(a) => Some(a.as_str()),
            _ => None,
        }
    }

    /// The elements, if this is a tuple.
    pub fn as_tuple(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The elements of a proper list written with brackets (`[]` and `""`
    /// included). A non-empty string literal is not returned here: use
    /// [`Node::as_string`].
    pub fn as_list(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::List(items, None) => Some(items),
            NodeKind::String(s) if s.is_empty() => Some(&[]),
            _ => None,
        }
    }

    /// The text, if this is a string literal or a proper list of code points.
    pub fn as_string(&self) -> Option<String> {
        match &self.kind {
            NodeKind::String(s) => Some(s.to_string()),
            NodeKind::List(..) => self.to_term().as_string(),
            _ => None,
        }
    }

    /// The value as `i64`, if this is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            NodeKind::Integer(i) => i.to_i64(),
            _ => None,
        }
    }

    /// Looks up `key` in a proplist `[{key, Value}, ...]`; first match wins.
    pub fn proplist_get(&self, key: &str) -> Option<&Node> {
        self.as_list()?.iter().find_map(|it| match it.as_tuple() {
            Some([k, v]) if k.as_atom() == Some(key) => Some(v),
            _ => None,
        })
    }

    /// A short description of the kind of value, for error messages
    /// ("atom", "integer", "tuple of 3", ...).
    pub fn describe(&self) -> String {
        match &self.kind {
            NodeKind::Atom(a) => format!("atom {a}"),
            NodeKind::Integer(i) => format!("integer {i}"),
            NodeKind::Float(_) => "float".into(),
            NodeKind::String(_) => "string".into(),
            NodeKind::List(items, _) if items.is_empty() => "empty list".into(),
            NodeKind::List(..) => "list".into(),
            NodeKind::Tuple(items) => format!("tuple of {}", items.len()),
            NodeKind::Map(_) => "map".into(),
            NodeKind::Bitstring(b) if b.is_binary() => "binary".into(),
            NodeKind::Bitstring(_) => "bitstring".into(),
            NodeKind::Fun(_) => "fun".into(),
        }
    }
}
