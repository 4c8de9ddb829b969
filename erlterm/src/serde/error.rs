//! The error of [`from_str`](crate::serde::from_str),
//! [`to_string`](crate::serde::to_string) and friends.

use std::fmt;

use crate::span::Span;

/// What went wrong while converting between Rust values and Erlang terms.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The text is not valid Erlang term syntax.
    #[error("{0}")]
    Parse(crate::Error),
    /// The term has the wrong shape: `expected integer, found atom ten`.
    #[error("expected {expected}, found {found}")]
    InvalidType {
        /// What the Rust type wanted.
        expected: String,
        /// A short description of the term that was there.
        found: String,
    },
    /// The term has the right shape but a value the Rust type rejects.
    #[error("invalid value {found}, expected {expected}")]
    InvalidValue {
        /// What the Rust type wanted.
        expected: String,
        /// The value that was there.
        found: String,
    },
    /// A list or tuple with the wrong number of elements.
    #[error("expected {expected}, found {len} elements")]
    InvalidLength {
        /// How many elements there were.
        len: usize,
        /// What the Rust type wanted.
        expected: String,
    },
    /// An integer that does not fit the Rust integer type.
    #[error("integer {value} out of range for {target}")]
    OutOfRange {
        /// The integer, in decimal.
        value: String,
        /// The Rust type (`u8`, `i128`, ...).
        target: &'static str,
    },
    /// An atom (or tag) that names no variant of the enum.
    #[error("unknown variant {variant}, expected one of {expected}")]
    UnknownVariant {
        /// The atom, as written in Erlang.
        variant: String,
        /// The variants, as Erlang atoms, comma-separated.
        expected: String,
    },
    /// A key the struct does not have (only with `#[serde(deny_unknown_fields)]`).
    #[error("unknown field {field}, expected one of {expected}")]
    UnknownField {
        /// The key.
        field: String,
        /// The struct's fields, comma-separated.
        expected: String,
    },
    /// A key the struct requires is absent.
    #[error("missing field {0}")]
    MissingField(String),
    /// A key given twice where the Rust type forbids it.
    #[error("duplicate field {0}")]
    DuplicateField(String),
    /// [`from_str`](crate::serde::from_str) wants exactly one term.
    #[error("expected exactly one term, found {0}")]
    TermCount(usize),
    /// A Rust value that has no Erlang term form (NaN, an infinite float,
    /// an atom longer than 255 characters).
    #[error("cannot be written as an Erlang term: {0}")]
    Unrepresentable(String),
    /// Nesting deeper than the serde recursion limit.
    #[error("nested deeper than {0} levels")]
    Depth(usize),
    /// A message from a `Serialize`/`Deserialize` implementation.
    #[error("{0}")]
    Custom(String),
}

/// One step of the path from the root value to the culprit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A struct field or map key, as Erlang text (`pools`, `'Foo'`, `"key"`).
    Key(String),
    /// A list or tuple element, counted from 0.
    Index(usize),
    /// A map key that is not an atom, as Erlang text (`"key"`, `1`).
    Term(String),
}

/// An error with the path to the offending value and, when the value came
/// from text, its position.
///
/// `Display` prints `path: message at line:column`, e.g.
/// `my_app.pools[2].size: expected integer, found atom ten at 12:17`.
///
/// ```
/// #[derive(serde::Deserialize, Debug)]
/// struct Pool { size: u32 }
/// let e = erlterm::from_str::<Vec<Pool>>("[[{size, 1}],\n [{size, ten}]].").unwrap_err();
/// assert_eq!(e.to_string(), "[1].size: expected u32, found atom ten at 2:10");
/// assert_eq!(e.path(), "[1].size");
/// assert_eq!((e.line(), e.column()), (Some(2), Some(10)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone, Debug, PartialEq)]
struct Inner {
    kind: ErrorKind,
    path: Vec<PathSegment>,
    span: Option<Span>,
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.kind {
            ErrorKind::Parse(e) => Some(e),
            _ => None,
        }
    }
}

impl Error {
    /// An error of this kind, without path or position.
    ///
    /// ```
    /// let e = erlterm::serde::Error::new(erlterm::serde::ErrorKind::TermCount(2));
    /// assert_eq!(e.to_string(), "expected exactly one term, found 2");
    /// ```
    pub fn new(kind: ErrorKind) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                path: Vec::new(),
                span: None,
            }),
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// The steps from the root value to the culprit.
    pub fn path_segments(&self) -> &[PathSegment] {
        &self.inner.path
    }

    /// Where the culprit was written, when the input was text or a
    /// [`Node`](crate::Node).
    pub fn span(&self) -> Option<Span> {
        self.inner.span
    }

    /// The path as text: `my_app.pools[2].size` (empty for the root).
    ///
    /// ```
    /// let e = erlterm::from_str::<(u8, u8)>("{1, 300}.").unwrap_err();
    /// assert_eq!(e.path(), "[1]");
    /// ```
    pub fn path(&self) -> String {
        let mut s = String::new();
        for seg in &self.inner.path {
            match seg {
                PathSegment::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                PathSegment::Index(i) => {
                    s.push('[');
                    s.push_str(&i.to_string());
                    s.push(']');
                }
                PathSegment::Term(t) => {
                    s.push('[');
                    s.push_str(t);
                    s.push(']');
                }
            }
        }
        s
    }

    /// The 1-based line of the culprit, if known.
    pub fn line(&self) -> Option<u32> {
        self.inner.span.map(|s| s.line)
    }

    /// The 1-based column (in characters) of the culprit, if known.
    pub fn column(&self) -> Option<u32> {
        self.inner.span.map(|s| s.column)
    }

    /// Sets the position unless a more precise one is already known.
    pub(crate) fn at(mut self, span: Option<Span>) -> Self {
        if self.inner.span.is_none() {
            self.inner.span = span;
        }
        self
    }

    /// Puts a segment in front of the path.
    pub(crate) fn under(mut self, seg: PathSegment) -> Self {
        self.inner.path.insert(0, seg);
        self
    }
}

impl From<crate::Error> for Error {
    fn from(e: crate::Error) -> Self {
        let span = e.span;
        Error::new(ErrorKind::Parse(e)).at(Some(span))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let ErrorKind::Parse(e) = &self.inner.kind {
            // The parse error prints its own position.
            return write!(f, "{e}");
        }
        let path = self.path();
        if !path.is_empty() {
            write!(f, "{path}: ")?;
        }
        write!(f, "{}", self.inner.kind)?;
        if let Some(sp) = self.inner.span {
            write!(f, " at {}:{}", sp.line, sp.column)?;
        }
        Ok(())
    }
}

fn one_of(names: &'static [&'static str]) -> String {
    if names.is_empty() {
        return "nothing".into();
    }
    names
        .iter()
        .map(|n| crate::print::AtomText(n).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Describes serde's `Unexpected` in Erlang words.
fn unexpected(u: ::serde::de::Unexpected<'_>) -> String {
    use ::serde::de::Unexpected as U;
    match u {
        U::Bool(b) => format!("atom {b}"),
        U::Unsigned(v) => format!("integer {v}"),
        U::Signed(v) => format!("integer {v}"),
        U::Float(v) => format!("float {}", crate::print::format_float(v)),
        U::Char(c) => format!("character {c:?}"),
        U::Str(s) => format!("{s:?}"),
        U::Bytes(_) => "binary".into(),
        U::Unit => "{}".into(),
        U::Option => "option".into(),
        U::NewtypeStruct => "newtype struct".into(),
        U::Seq => "list".into(),
        U::Map => "map".into(),
        U::Enum => "tagged tuple".into(),
        U::UnitVariant => "atom".into(),
        U::NewtypeVariant | U::TupleVariant | U::StructVariant => "tagged tuple".into(),
        U::Other(o) => o.into(),
    }
}

impl ::serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(ErrorKind::Custom(msg.to_string()))
    }

    fn invalid_type(unexp: ::serde::de::Unexpected<'_>, exp: &dyn ::serde::de::Expected) -> Self {
        Error::new(ErrorKind::InvalidType {
            expected: exp.to_string(),
            found: unexpected(unexp),
        })
    }

    fn invalid_value(unexp: ::serde::de::Unexpected<'_>, exp: &dyn ::serde::de::Expected) -> Self {
        Error::new(ErrorKind::InvalidValue {
            expected: exp.to_string(),
            found: unexpected(unexp),
        })
    }

    fn invalid_length(len: usize, exp: &dyn ::serde::de::Expected) -> Self {
        Error::new(ErrorKind::InvalidLength {
            len,
            expected: exp.to_string(),
        })
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error::new(ErrorKind::UnknownVariant {
            variant: crate::print::AtomText(variant).to_string(),
            expected: one_of(expected),
        })
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error::new(ErrorKind::UnknownField {
            field: crate::print::AtomText(field).to_string(),
            expected: one_of(expected),
        })
    }

    fn missing_field(field: &'static str) -> Self {
        Error::new(ErrorKind::MissingField(
            crate::print::AtomText(field).to_string(),
        ))
    }

    fn duplicate_field(field: &'static str) -> Self {
        Error::new(ErrorKind::DuplicateField(
            crate::print::AtomText(field).to_string(),
        ))
    }
}

impl ::serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error::new(ErrorKind::Custom(msg.to_string()))
    }
}
