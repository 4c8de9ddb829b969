//! The [`term!`](crate::term!) macro: Erlang terms written by hand in Rust
//! source, in Erlang's own syntax.
//!
//! | written | builds | Erlang |
//! |---|---|---|
//! | `ok`, `my_app`, `true` (a Rust identifier) | [`Term::atom`] | `ok` |
//! | `"1.0"` (a string literal) | [`Term::string`] (a list of code points) | `"1.0"` |
//! | `80`, `-1`, `5_000_000_000i64` (an integer literal) | [`Term::Integer`] | `80` |
//! | `1.5`, `-2.0e3` (a float literal) | [`Term::Float`] | `1.5` |
//! | `'a'` (a character literal) | its code point, an integer | `$a` |
//! | `{a, 1}` | [`Term::tuple`] | `{a, 1}` |
//! | `[a, b]`, `[a, b | c]` | [`Term::list`], [`Term::improper_list`] | `[a, b | c]` |
//! | `#{k => v}` | [`Term::map`] (sorted, last duplicate wins) | `#{k => v}` |
//! | `<<"text">>`, `<<1, 2, 3>>` | [`Term::binary`] of the UTF-8 bytes, or of the byte values | `<<"text"/utf8>>`, `<<1,2,3>>` |
//! | `(expr)` | `Term::from(expr)`: splices any Rust value that is `Into<Term>` | |
//!
//! Integer literals are `i32` unless they carry a suffix (`5_000_000_000i64`,
//! `u64`, `i128`), as in any Rust expression. Atoms that are not Rust
//! identifiers (`'Quoted'`, `node@host`) and variables splice in:
//! `(Atom::new("node@host"))`. A float value that may be NaN splices in
//! through [`Term::float`] (`(Term::float(x).unwrap_or(...))`): there is no
//! `From<f64>`. Long lists can hit the compiler's macro recursion limit
//! (128 by default; about 100 elements per list): raise it with
//! `#![recursion_limit = "256"]` or build the list with `(vec)`.
//!
//! ```
//! use erlterm::{term, Atom, Term};
//! let port = 8080;
//! let t = term!({app, [{vsn, "1.0"}, {env, #{port => (port), hosts => ["a", "b"]}}, {node, (Atom::new("n@h"))}]});
//! let same = erlterm::parse_str("{app, [{vsn, \"1.0\"}, {env, #{port => 8080, hosts => [\"a\", \"b\"]}}, {node, 'n@h'}]}.").unwrap();
//! assert_eq!(t, same[0]);
//! assert_eq!(term!([1, -2.5, 'a' | tail]).to_string(), "[1,-2.5,97|tail]");
//! assert_eq!(term!(<<"hé">>), Term::binary("hé".as_bytes()));
//! ```

use crate::term::Term;

/// Literals the [`term!`](crate::term!) macro accepts. Not for direct use.
#[doc(hidden)]
pub trait Lit {
    /// The term for the literal.
    fn into_term(self) -> Term;
}

/// A string literal: an Erlang string.
impl Lit for &str {
    fn into_term(self) -> Term {
        Term::string(self)
    }
}

/// A character literal: its code point.
impl Lit for char {
    fn into_term(self) -> Term {
        Term::int(i64::from(u32::from(self)))
    }
}

/// `true`/`false` (reached only through `(expr)`; bare they are atoms).
impl Lit for bool {
    fn into_term(self) -> Term {
        Term::from(self)
    }
}

/// A float literal (always finite: Rust refuses out-of-range literals).
impl Lit for f64 {
    fn into_term(self) -> Term {
        Term::float(self).unwrap_or_else(|| Term::atom("nan"))
    }
}

macro_rules! lit_int {
    ($($t:ty),*) => {$(
        impl Lit for $t {
            fn into_term(self) -> Term {
                Term::from(self)
            }
        }
    )*};
}
lit_int!(i8, u8, i16, u16, i32, u32, i64, u64, i128, usize);

impl Lit for isize {
    fn into_term(self) -> Term {
        Term::from(self as i64)
    }
}

/// The bytes of a `<<...>>` in [`term!`](crate::term!). Not for direct use.
#[doc(hidden)]
pub trait BinPart {
    /// Appends the segment's bytes.
    fn push_to(self, out: &mut Vec<u8>);
}

/// A string segment: its UTF-8 bytes (`<<"é"/utf8>>`).
impl BinPart for &str {
    fn push_to(self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.as_bytes());
    }
}

/// A byte value.
impl BinPart for u8 {
    fn push_to(self, out: &mut Vec<u8>) {
        out.push(self);
    }
}

/// Builds a binary from `<<...>>` segments. Not for direct use.
#[doc(hidden)]
pub fn binary(parts: impl FnOnce(&mut Vec<u8>)) -> Term {
    let mut out = Vec::new();
    parts(&mut out);
    Term::binary(out)
}

/// Builds a [`Term`](crate::Term) from Erlang syntax; see the
/// [`macros`](crate::macros) module for everything it accepts.
///
/// ```
/// use erlterm::term;
/// let dep = term!({mydep, "1.0"});
/// assert_eq!(dep, erlterm::parse_str("{mydep, \"1.0\"}.").unwrap()[0]);
/// let cfg = term!([{kernel, [{logger_level, info}]}, {my_app, #{port => 80, ratio => 0.5}}]);
/// assert_eq!(cfg.to_string(), "[{kernel,[{logger_level,info}]},{my_app,#{port => 80,ratio => 0.5}}]");
/// ```
#[macro_export]
macro_rules! term {
    ({ $($t:tt)* }) => {
        $crate::Term::tuple($crate::__term_seq!(@e [] [] $($t)*))
    };
    ([ $($t:tt)* ]) => {
        $crate::__term_list!(@e [] [] $($t)*)
    };
    (# { $($t:tt)* }) => {
        $crate::Term::map($crate::__term_map!(@k [] [] $($t)*))
    };
    (<< >>) => {
        $crate::Term::binary(::std::vec::Vec::<u8>::new())
    };
    (<< $($b:literal),+ >>) => {
        $crate::macros::binary(|out| { $($crate::macros::BinPart::push_to($b, out);)+ })
    };
    (( $e:expr )) => {
        $crate::Term::from($e)
    };
    ($i:ident) => {
        $crate::Term::atom(::core::stringify!($i))
    };
    (- $l:literal) => {
        $crate::macros::Lit::into_term(-$l)
    };
    ($l:literal) => {
        $crate::macros::Lit::into_term($l)
    };
}

/// Comma-separated terms as a `Vec<Term>`. Not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __term_seq {
    // A one-token element and its comma in one step.
    (@e [$($out:expr,)*] [] $t:tt , $($rest:tt)*) => {
        $crate::__term_seq!(@e [$($out,)* $crate::term!($t),] [] $($rest)*)
    };
    // A binary (its commas are not separators).
    (@e [$($out:expr,)*] [] << $($b:literal),* >> $($rest:tt)*) => {
        $crate::__term_seq!(@e [$($out,)*] [<< $($b),* >>] $($rest)*)
    };
    (@e [$($out:expr,)*] [$($cur:tt)+] , $($rest:tt)*) => {
        $crate::__term_seq!(@e [$($out,)* $crate::term!($($cur)+),] [] $($rest)*)
    };
    (@e [$($out:expr,)*] [$($cur:tt)*] $t:tt $($rest:tt)*) => {
        $crate::__term_seq!(@e [$($out,)*] [$($cur)* $t] $($rest)*)
    };
    (@e [$($out:expr,)*] []) => {
        ::std::vec![$($out),*]
    };
    (@e [$($out:expr,)*] [$($cur:tt)+]) => {
        ::std::vec![$($out,)* $crate::term!($($cur)+)]
    };
}

/// A list, proper or with a `| Tail`. Not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __term_list {
    (@e [$($out:expr,)*] [] $t:tt , $($rest:tt)*) => {
        $crate::__term_list!(@e [$($out,)* $crate::term!($t),] [] $($rest)*)
    };
    (@e [$($out:expr,)*] [] << $($b:literal),* >> $($rest:tt)*) => {
        $crate::__term_list!(@e [$($out,)*] [<< $($b),* >>] $($rest)*)
    };
    (@e [$($out:expr,)*] [$($cur:tt)+] , $($rest:tt)*) => {
        $crate::__term_list!(@e [$($out,)* $crate::term!($($cur)+),] [] $($rest)*)
    };
    (@e [$($out:expr,)*] [$($cur:tt)+] | $($tail:tt)+) => {
        $crate::Term::improper_list(
            ::std::vec![$($out,)* $crate::term!($($cur)+)],
            $crate::term!($($tail)+),
        )
    };
    (@e [$($out:expr,)*] [$($cur:tt)*] $t:tt $($rest:tt)*) => {
        $crate::__term_list!(@e [$($out,)*] [$($cur)* $t] $($rest)*)
    };
    (@e [$($out:expr,)*] []) => {
        $crate::Term::list(::std::vec![$($out),*])
    };
    (@e [$($out:expr,)*] [$($cur:tt)+]) => {
        $crate::Term::list(::std::vec![$($out,)* $crate::term!($($cur)+)])
    };
}

/// Map entries `K => V, ...` as a `Vec<(Term, Term)>`. Not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __term_map {
    // Collecting a key, up to `=>`.
    (@k [$($out:expr,)*] [$($k:tt)+] => $($rest:tt)*) => {
        $crate::__term_map!(@v [$($out,)*] [$($k)+] [] $($rest)*)
    };
    (@k [$($out:expr,)*] [] << $($b:literal),* >> $($rest:tt)*) => {
        $crate::__term_map!(@k [$($out,)*] [<< $($b),* >>] $($rest)*)
    };
    (@k [$($out:expr,)*] [$($k:tt)*] $t:tt $($rest:tt)*) => {
        $crate::__term_map!(@k [$($out,)*] [$($k)* $t] $($rest)*)
    };
    (@k [$($out:expr,)*] []) => {
        ::std::vec![$($out),*]
    };
    // Collecting a value, up to `,`.
    (@v [$($out:expr,)*] [$($k:tt)+] [] << $($b:literal),* >> $($rest:tt)*) => {
        $crate::__term_map!(@v [$($out,)*] [$($k)+] [<< $($b),* >>] $($rest)*)
    };
    (@v [$($out:expr,)*] [$($k:tt)+] [$($v:tt)+] , $($rest:tt)*) => {
        $crate::__term_map!(
            @k [$($out,)* ($crate::term!($($k)+), $crate::term!($($v)+)),] [] $($rest)*
        )
    };
    (@v [$($out:expr,)*] [$($k:tt)+] [$($v:tt)*] $t:tt $($rest:tt)*) => {
        $crate::__term_map!(@v [$($out,)*] [$($k)+] [$($v)* $t] $($rest)*)
    };
    (@v [$($out:expr,)*] [$($k:tt)+] [$($v:tt)+]) => {
        ::std::vec![$($out,)* ($crate::term!($($k)+), $crate::term!($($v)+))]
    };
}
