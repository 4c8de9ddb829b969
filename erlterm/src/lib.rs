//! Erlang terms as `file:consult/1` reads them.
#![forbid(unsafe_code)]

pub mod diagnostic;
pub mod error;
pub mod node;
mod parser;
pub mod print;
pub mod span;
pub mod term;

pub use error::{Error, ErrorKind};
pub use node::{Node, NodeKind};
pub use span::Span;
pub use term::{Atom, Bitstring, ExternalFun, Integer, Term};

/// Parses every term of a UTF-8 text, exactly as `file:consult/1` would.
pub fn parse_str(src: &str) -> Result<Vec<Term>, Error> {
    parse_nodes(src).map(|nodes| nodes.iter().map(Node::to_term).collect())
}

/// Parses every term of a text, keeping spans.
pub fn parse_nodes(src: &str) -> Result<Vec<Node>, Error> {
    parser::parse_nodes(src)
}
