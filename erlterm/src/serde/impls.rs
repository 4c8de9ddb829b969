//! `Serialize`/`Deserialize` for [`Term`] and [`Atom`].
//!
//! With erlterm's own (de)serializer both are exact: a `Term` field
//! captures whatever term is there, an `Atom` field wants an atom. Other
//! formats see a `Term` as its Erlang text (a string such as
//! `"{a,[1,2]}"`) and an `Atom` as its name.

use std::fmt;

use ::serde::de::{self, Deserialize, Deserializer, Visitor};
use ::serde::ser::{self, Serialize, Serializer};

use super::{MAGIC_ATOM, MAGIC_TERM};
use crate::term::{Atom, Integer, Term};

impl Serialize for Term {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = super::write::compact(self)
            .ok_or_else(|| <S::Error as ser::Error>::custom("term nested too deeply"))?;
        serializer.serialize_newtype_struct(MAGIC_TERM, &text)
    }
}

impl<'de> Deserialize<'de> for Term {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(MAGIC_TERM, TermVisitor)
    }
}

struct TermVisitor;

impl<'de> Visitor<'de> for TermVisitor {
    type Value = Term;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an Erlang term")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Term, D::Error> {
        d.deserialize_any(TermVisitor)
    }

    /// A string is the text of a term (this is how erlterm's own
    /// deserializer hands a term over).
    fn visit_str<E: de::Error>(self, text: &str) -> Result<Term, E> {
        if text == super::STASHED_TERM {
            if let Some(term) = super::TERM_STASH.with(|s| s.borrow_mut().take()) {
                return Ok(term);
            }
        }
        super::ser::parse_one(text).map_err(|e| E::custom(format!("invalid term text: {e}")))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Term, E> {
        Ok(Term::atom(if v { "true" } else { "false" }))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Term, E> {
        Ok(Term::int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Term, E> {
        Ok(Term::Integer(Integer::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Term, E> {
        Ok(Term::Integer(Integer::from(v)))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Term, E> {
        Ok(Term::Integer(Integer::from(num_bigint::BigInt::from(v))))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Term, E> {
        if v.is_finite() {
            Ok(Term::Float(v))
        } else {
            Err(E::custom("Erlang has no NaN or infinite floats"))
        }
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<Term, E> {
        Ok(Term::int(i64::from(u32::from(v))))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Term, E> {
        Ok(Term::binary(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Term, E> {
        Ok(Term::atom("undefined"))
    }

    fn visit_none<E: de::Error>(self) -> Result<Term, E> {
        Ok(Term::atom("undefined"))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Term, D::Error> {
        Term::deserialize(d)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Term, A::Error> {
        let mut items = Vec::new();
        while let Some(t) = seq.next_element::<Term>()? {
            items.push(t);
        }
        Ok(Term::list(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Term, A::Error> {
        let mut entries = Vec::new();
        while let Some(kv) = map.next_entry::<Term, Term>()? {
            entries.push(kv);
        }
        Ok(Term::map(entries))
    }
}

impl Serialize for Atom {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(MAGIC_ATOM, self.as_str())
    }
}

impl<'de> Deserialize<'de> for Atom {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(MAGIC_ATOM, AtomVisitor)
    }
}

struct AtomVisitor;

impl<'de> Visitor<'de> for AtomVisitor {
    type Value = Atom;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("atom")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Atom, D::Error> {
        d.deserialize_str(AtomVisitor)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Atom, E> {
        if v.chars().count() > 255 {
            return Err(E::invalid_length(
                v.chars().count(),
                &"atom of at most 255 characters",
            ));
        }
        Ok(Atom::new(v))
    }
}
