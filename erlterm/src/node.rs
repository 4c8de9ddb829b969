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
    ///
    /// ```
    /// let n = &erlterm::parse_nodes("#{b => 1, a => 2, b => 3}.").unwrap()[0];
    /// assert_eq!(n.to_term().to_string(), "#{a => 2,b => 3}");
    /// ```
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
    ///
    /// ```
    /// let n = &erlterm::parse_nodes("'Elixir.Foo'.").unwrap()[0];
    /// assert_eq!(n.as_atom(), Some("Elixir.Foo"));
    /// ```
    pub fn as_atom(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Atom(a) => Some(a.as_str()),
            _ => None,
        }
    }

    /// The elements, if this is a tuple.
    ///
    /// ```
    /// let n = &erlterm::parse_nodes("{a, 1}.").unwrap()[0];
    /// assert_eq!(n.as_tuple().map(<[_]>::len), Some(2));
    /// assert!(n.as_tuple().unwrap()[0].as_tuple().is_none());
    /// ```
    pub fn as_tuple(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// The elements of a proper list written with brackets (`[]` and `""`
    /// included). A non-empty string literal is not returned here: use
    /// [`Node::as_string`].
    ///
    /// ```
    /// let n = &erlterm::parse_nodes("[a, b].").unwrap()[0];
    /// assert_eq!(n.as_list().map(<[_]>::len), Some(2));
    /// assert_eq!(erlterm::parse_nodes("\"\".").unwrap()[0].as_list().map(<[_]>::len), Some(0));
    /// ```
    pub fn as_list(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::List(items, None) => Some(items),
            NodeKind::String(s) if s.is_empty() => Some(&[]),
            _ => None,
        }
    }

    /// The text, if this is a string literal or a proper list of code points.
    ///
    /// ```
    /// let n = erlterm::parse_nodes("\"1.\" \"0\". [104, 105].").unwrap();
    /// assert_eq!(n[0].as_string().as_deref(), Some("1.0"));
    /// assert_eq!(n[1].as_string().as_deref(), Some("hi"));
    /// ```
    pub fn as_string(&self) -> Option<String> {
        match &self.kind {
            NodeKind::String(s) => Some(s.to_string()),
            NodeKind::List(..) => self.to_term().as_string(),
            _ => None,
        }
    }

    /// The value as `i64`, if this is an integer that fits.
    ///
    /// ```
    /// let n = erlterm::parse_nodes("16#ff. 99999999999999999999.").unwrap();
    /// assert_eq!(n[0].as_i64(), Some(255));
    /// assert_eq!(n[1].as_i64(), None);
    /// ```
    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            NodeKind::Integer(i) => i.to_i64(),
            _ => None,
        }
    }

    /// Looks up `key` in a proplist `[{key, Value}, ...]`; first match wins.
    ///
    /// ```
    /// let n = &erlterm::parse_nodes("[{port, 80}, {port, 81}].").unwrap()[0];
    /// assert_eq!(n.proplist_get("port").and_then(|v| v.as_i64()), Some(80));
    /// assert!(n.proplist_get("host").is_none());
    /// ```
    pub fn proplist_get(&self, key: &str) -> Option<&Node> {
        self.as_list()?.iter().find_map(|it| match it.as_tuple() {
            Some([k, v]) if k.as_atom() == Some(key) => Some(v),
            _ => None,
        })
    }

    /// A short description of the kind of value, for error messages
    /// ("atom", "integer", "tuple of 3", ...).
    ///
    /// ```
    /// let n = erlterm::parse_nodes("{a, b, c}. ok. <<1:4>>.").unwrap();
    /// assert_eq!(n[0].describe(), "tuple of 3");
    /// assert_eq!(n[1].describe(), "atom ok");
    /// assert_eq!(n[2].describe(), "bitstring");
    /// ```
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
