//! What the parser builds: plain terms, spanned nodes, or nothing at all.

use std::borrow::Cow;

use crate::node::{Node, NodeKind};
use crate::span::Span;
use crate::term::{Atom, Bitstring, ExternalFun, Integer, Term, Text};

/// Receives normalised values bottom-up. One implementation per output
/// shape lets the same grammar code serve [`Term`], [`Node`] and validation.
pub(crate) trait Build {
    /// The value built for one term.
    type V;
    fn atom(&mut self, name: &str, sp: Span) -> Self::V;
    fn int(&mut self, v: Integer, sp: Span) -> Self::V;
    fn float(&mut self, v: f64, sp: Span) -> Self::V;
    fn string(&mut self, s: Cow<'_, str>, sp: Span) -> Self::V;
    fn list(&mut self, items: Vec<Self::V>, tail: Option<Self::V>, sp: Span) -> Self::V;
    fn tuple(&mut self, items: Vec<Self::V>, sp: Span) -> Self::V;
    fn map(&mut self, entries: Vec<(Self::V, Self::V)>, sp: Span) -> Self::V;
    fn bits(&mut self, b: Bitstring, sp: Span) -> Self::V;
    fn fun(&mut self, f: ExternalFun, sp: Span) -> Self::V;
    /// The value of a bound variable.
    fn bound(&mut self, t: &Term, sp: Span) -> Self::V;
}

/// Builds [`Term`]s.
#[derive(Default)]
pub(crate) struct TermBuild;

impl Build for TermBuild {
    type V = Term;
    fn atom(&mut self, name: &str, _: Span) -> Term {
        Term::Atom(Atom::new(name))
    }
    fn int(&mut self, v: Integer, _: Span) -> Term {
        Term::Integer(v)
    }
    fn float(&mut self, v: f64, _: Span) -> Term {
        Term::Float(v)
    }
    fn string(&mut self, s: Cow<'_, str>, _: Span) -> Term {
        Term::String(Text::from(s))
    }
    fn list(&mut self, items: Vec<Term>, tail: Option<Term>, _: Span) -> Term {
        match tail {
            None => Term::List(items),
            Some(t) => Term::improper_list(items, t),
        }
    }
    fn tuple(&mut self, items: Vec<Term>, _: Span) -> Term {
        Term::Tuple(items)
    }
    fn map(&mut self, entries: Vec<(Term, Term)>, _: Span) -> Term {
        Term::map(entries)
    }
    fn bits(&mut self, b: Bitstring, _: Span) -> Term {
        Term::Bitstring(b)
    }
    fn fun(&mut self, f: ExternalFun, _: Span) -> Term {
        Term::Fun(Box::new(f))
    }
    fn bound(&mut self, t: &Term, _: Span) -> Term {
        t.clone()
    }
}

/// Builds [`Node`]s.
#[derive(Default)]
pub(crate) struct NodeBuild;

fn node(kind: NodeKind, span: Span) -> Node {
    Node { span, kind }
}

/// A node for a bound variable's value: every part gets the variable's span.
pub(crate) fn term_to_node(t: &Term, span: Span) -> Node {
    let kind = match t {
        Term::Atom(a) => NodeKind::Atom(a.clone()),
        Term::Integer(i) => NodeKind::Integer(i.clone()),
        Term::Float(f) => NodeKind::Float(*f),
        Term::String(s) => NodeKind::String(s.clone()),
        Term::List(items) => {
            NodeKind::List(items.iter().map(|i| term_to_node(i, span)).collect(), None)
        }
        Term::ImproperList(l) => NodeKind::List(
            l.items().iter().map(|i| term_to_node(i, span)).collect(),
            Some(Box::new(term_to_node(l.tail(), span))),
        ),
        Term::Tuple(items) => {
            NodeKind::Tuple(items.iter().map(|i| term_to_node(i, span)).collect())
        }
        Term::Map(entries) => NodeKind::Map(
            entries
                .iter()
                .map(|(k, v)| (term_to_node(k, span), term_to_node(v, span)))
                .collect(),
        ),
        Term::Bitstring(b) => NodeKind::Bitstring(b.clone()),
        Term::Fun(f) => NodeKind::Fun(f.clone()),
    };
    node(kind, span)
}

impl Build for NodeBuild {
    type V = Node;
    fn atom(&mut self, name: &str, sp: Span) -> Node {
        node(NodeKind::Atom(Atom::new(name)), sp)
    }
    fn int(&mut self, v: Integer, sp: Span) -> Node {
        node(NodeKind::Integer(v), sp)
    }
    fn float(&mut self, v: f64, sp: Span) -> Node {
        node(NodeKind::Float(v), sp)
    }
    fn string(&mut self, s: Cow<'_, str>, sp: Span) -> Node {
        node(NodeKind::String(Text::from(s)), sp)
    }
    fn list(&mut self, items: Vec<Node>, tail: Option<Node>, sp: Span) -> Node {
        node(NodeKind::List(items, tail.map(Box::new)), sp)
    }
    fn tuple(&mut self, items: Vec<Node>, sp: Span) -> Node {
        node(NodeKind::Tuple(items), sp)
    }
    fn map(&mut self, entries: Vec<(Node, Node)>, sp: Span) -> Node {
        node(NodeKind::Map(entries), sp)
    }
    fn bits(&mut self, b: Bitstring, sp: Span) -> Node {
        node(NodeKind::Bitstring(b), sp)
    }
    fn fun(&mut self, f: ExternalFun, sp: Span) -> Node {
        node(NodeKind::Fun(Box::new(f)), sp)
    }
    fn bound(&mut self, t: &Term, sp: Span) -> Node {
        term_to_node(t, sp)
    }
}

/// Builds nothing: for validation and counting.
#[derive(Default)]
pub(crate) struct NoBuild;

impl Build for NoBuild {
    type V = ();
    fn atom(&mut self, _: &str, _: Span) {}
    fn int(&mut self, _: Integer, _: Span) {}
    fn float(&mut self, _: f64, _: Span) {}
    fn string(&mut self, _: Cow<'_, str>, _: Span) {}
    fn list(&mut self, _: Vec<()>, _: Option<()>, _: Span) {}
    fn tuple(&mut self, _: Vec<()>, _: Span) {}
    fn map(&mut self, _: Vec<((), ())>, _: Span) {}
    fn bits(&mut self, _: Bitstring, _: Span) {}
    fn fun(&mut self, _: ExternalFun, _: Span) {}
    fn bound(&mut self, _: &Term, _: Span) {}
}
