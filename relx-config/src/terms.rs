//! Small readers over [`Node`]s shared by the models.

use erlterm::{Node, NodeKind};

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
