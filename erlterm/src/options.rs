//! Parse options: resource limits and variable bindings.

use std::collections::HashMap;

use crate::term::Term;

/// Limits and variable bindings for [`crate::parse_with`].
///
/// | limit | default | error when exceeded |
/// |---|---|---|
/// | `max_depth` (nesting of lists, tuples, maps, binaries, parentheses, operators) | 500 | [`ErrorKind::Limit`](crate::ErrorKind::Limit) |
/// | `max_integer_digits` (digits of one integer literal) | 100 000 | `Limit` |
/// | `max_binary_bits` (bits of one binary/bitstring, and of one segment) | 2^27 (16 MiB) | `Limit` |
/// | `max_input_bytes` (size of the whole input) | 2^31 | `Limit` |
/// | atom / variable length | 255 characters (OTP's rule, not configurable) | `IllegalAtom` / `IllegalVar` |
///
/// The default depth keeps parsing, printing (`Display`) and dropping a
/// term of maximal depth well inside a 2 MiB thread stack, even in debug
/// builds. OTP itself has no such limits (it would allocate the 512 MiB of
/// `<<0:4294967295>>`); inputs within them parse exactly as OTP does.
///
/// ```
/// use erlterm::{ParseOptions, Term};
/// let opts = ParseOptions::default().bind("VSN", Term::string("1.2"));
/// let t = erlterm::parse_with("{VSN, [{\"1.1\", []}]}.", &opts).unwrap();
/// assert_eq!(t[0].to_string(), "{[49,46,50],[{[49,46,49],[]}]}");
/// ```
#[derive(Clone, Debug)]
pub struct ParseOptions {
    /// Maximum nesting depth of a term.
    pub max_depth: usize,
    /// Maximum number of digits in one integer literal.
    pub max_integer_digits: usize,
    /// Maximum size in bits of one binary or bitstring.
    pub max_binary_bits: u64,
    /// Maximum input size in bytes.
    pub max_input_bytes: usize,
    /// Values for variables: a bound variable stands for its value (as with
    /// `file:script/2` bindings); an unbound one makes the term a "bad term".
    pub bindings: HashMap<String, Term>,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_depth: 500,
            max_integer_digits: 100_000,
            max_binary_bits: 1 << 27,
            max_input_bytes: 1 << 31,
            bindings: HashMap::new(),
        }
    }
}

impl ParseOptions {
    /// Binds variable `name` to `value`.
    pub fn bind(mut self, name: &str, value: Term) -> Self {
        self.bindings.insert(name.to_owned(), value);
        self
    }
}
