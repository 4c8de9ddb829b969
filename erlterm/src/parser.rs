//! Placeholder parser (replaced by the real lexer and parser).
use crate::{Error, ErrorKind, Node, Span};

pub(crate) fn parse_nodes(_src: &str) -> Result<Vec<Node>, Error> {
    Err(Error {
        kind: ErrorKind::Limit("parser not built yet".into()),
        span: Span::default(),
        expected: None,
        help: None,
    })
}
