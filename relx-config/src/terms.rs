//! Small readers over [`Node`]s shared by the models.

use erlterm::{Atom, Node, NodeKind};

use crate::error::{Error, Result};

/// The elements of a proper list (a string literal counts as a list of
/// integers, so it is rejected where `what` wants a list of terms).
pub(crate) fn list<'a>(node: &'a Node, what: &str) -> Result<&'a [Node]> {
    node.as_list()
        .ok_or_else(|| Error::shape(what, "a list", node))
}

/// The text of a string (`"abc"`, or a list of code points).
pub(crate) fn string(node: &Node, what: &str) -> Result<String> {
    node.as_string()
        .ok_or_else(|| Error::shape(what, "a string", node))
}

/// The text of an atom.
pub(crate) fn atom(node: &Node, what: &str) -> Result<String> {
    node.as_atom()
        .map(str::to_string)
        .ok_or_else(|| Error::shape(what, "an atom", node))
}

/// An atom or a binary holding UTF-8 (rebar3 accepts both for names).
pub(crate) fn atom_or_binary(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Atom(a) => Some(a.as_str().to_string()),
        NodeKind::Bitstring(b) => b.as_utf8().map(str::to_string),
        _ => None,
    }
}

/// A string or a binary holding UTF-8.
pub(crate) fn string_or_binary(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Bitstring(b) => b.as_utf8().map(str::to_string),
        _ => node.as_string(),
    }
}

/// A proper list of atoms.
pub(crate) fn atoms(node: &Node, what: &str) -> Result<Vec<String>> {
    list(node, what)?
        .iter()
        .map(|n| atom(n, &format!("element of {what}")))
        .collect()
}

/// `true`/`false`.
pub(crate) fn boolean(node: &Node) -> Option<bool> {
    match node.as_atom() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    }
}

/// A `{Key, Value}` pair with an atom key.
pub(crate) fn key_value(node: &Node) -> Option<(&str, &Node)> {
    match node.as_tuple() {
        Some([k, v]) => Some((k.as_atom()?, v)),
        _ => None,
    }
}

// Readers that take the node by value: the models are built by moving the
// parts they keep out of the span tree, so a large list is converted in
// place (a `Vec<Node>` becomes a `Vec<Atom>` in the same allocation) and
// the tree is freed as the model is built, rather than held beside a copy.

/// The elements of a proper list, taken out of the node ([`list`]).
pub(crate) fn into_list(node: Node, what: &str) -> Result<Vec<Node>> {
    match node {
        Node {
            kind: NodeKind::List(items, None),
            ..
        } => Ok(items),
        Node {
            kind: NodeKind::String(s),
            ..
        } if s.is_empty() => Ok(Vec::new()),
        other => Err(Error::shape(what, "a list", &other)),
    }
}

/// The atom, taken out of the node ([`atom`]).
pub(crate) fn into_atom(node: Node, what: &str) -> Result<Atom> {
    match node {
        Node {
            kind: NodeKind::Atom(a),
            ..
        } => Ok(a),
        other => Err(Error::shape(what, "an atom", &other)),
    }
}

/// A proper list of atoms ([`atoms`]), converted in the list's own
/// allocation: no second copy of a long list is made.
pub(crate) fn into_atoms(node: Node, what: &str) -> Result<Vec<Atom>> {
    let items = into_list(node, what)?;
    let element = format!("element of {what}");
    items.into_iter().map(|n| into_atom(n, &element)).collect()
}

/// The elements of a tuple of exactly `N`, taken out of the node; the
/// node back when it is something else.
pub(crate) fn into_tuple<const N: usize>(node: Node) -> std::result::Result<[Node; N], Node> {
    if node.as_tuple().map(<[Node]>::len) != Some(N) {
        return Err(node);
    }
    let span = node.span;
    match node.kind {
        NodeKind::Tuple(items) => <[Node; N]>::try_from(items).map_err(|items| Node {
            span,
            kind: NodeKind::Tuple(items),
        }),
        kind => Err(Node { span, kind }),
    }
}

/// A `{Key, Value}` pair with an atom key, taken out of the node
/// ([`key_value`]); the node back when it is something else.
pub(crate) fn into_key_value(node: Node) -> std::result::Result<(Atom, Node), Node> {
    if key_value(&node).is_none() {
        return Err(node);
    }
    let span = node.span;
    match into_tuple::<2>(node)? {
        [Node {
            kind: NodeKind::Atom(k),
            ..
        }, v] => Ok((k, v)),
        [k, v] => Err(Node {
            span,
            kind: NodeKind::Tuple(vec![k, v]),
        }),
    }
}
