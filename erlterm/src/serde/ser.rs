//! Rust values to [`Term`]s.

use ::serde::ser::{self, Serialize};
use num_bigint::BigInt;

use super::error::{Error, ErrorKind};
use super::{SerOptions, StringStyle, StructStyle, MAGIC_ATOM, MAGIC_TERM};
use crate::term::{Integer, Term};

type Result<T> = std::result::Result<T, Error>;

/// What serializing one value produced: a term, or "nothing" (`None`),
/// which a struct field omits and any other place writes as `undefined`.
pub(crate) enum Out {
    Term(Term),
    None,
}

impl Out {
    pub(crate) fn into_term(self) -> Term {
        match self {
            Out::Term(t) => t,
            Out::None => Term::atom("undefined"),
        }
    }
}

const PLAIN: SerOptions = SerOptions::new();

/// An atom, refusing names OTP cannot read back.
pub(crate) fn atom(name: &str) -> Result<Term> {
    if name.chars().count() > 255 {
        return Err(Error::new(ErrorKind::Unrepresentable(format!(
            "atom of {} characters (at most 255)",
            name.chars().count()
        ))));
    }
    Ok(Term::atom(name))
}

/// Parses the text of one term (no final dot).
pub(crate) fn parse_one(text: &str) -> Result<Term> {
    let mut terms = crate::parse_str(&format!("{text}\n."))?;
    if terms.len() != 1 {
        return Err(Error::new(ErrorKind::TermCount(terms.len())));
    }
    Ok(terms.swap_remove(0))
}

/// Builds a [`Term`] from any `Serialize` value.
#[derive(Clone, Copy)]
pub(crate) struct ValueSer<'o> {
    pub(crate) opts: &'o SerOptions,
    pub(crate) depth: usize,
}

impl<'o> ValueSer<'o> {
    fn nested(self) -> Result<ValueSer<'o>> {
        let depth = self.depth + 1;
        if depth > self.opts.max_depth {
            return Err(Error::new(ErrorKind::Depth(self.opts.max_depth)));
        }
        Ok(ValueSer {
            opts: self.opts,
            depth,
        })
    }

    fn term<T: ?Sized + Serialize>(self, v: &T) -> Result<Term> {
        Ok(v.serialize(self)?.into_term())
    }
}

fn float(v: f64) -> Result<Out> {
    if v.is_finite() {
        Ok(Out::Term(Term::Float(v)))
    } else {
        Err(Error::new(ErrorKind::Unrepresentable(format!("float {v}"))))
    }
}

fn int(v: impl Into<Integer>) -> Result<Out> {
    Ok(Out::Term(Term::Integer(v.into())))
}

impl<'o> ser::Serializer for ValueSer<'o> {
    type Ok = Out;
    type Error = Error;
    type SerializeSeq = SeqSer<'o>;
    type SerializeTuple = SeqSer<'o>;
    type SerializeTupleStruct = SeqSer<'o>;
    type SerializeTupleVariant = SeqSer<'o>;
    type SerializeMap = MapSer<'o>;
    type SerializeStruct = StructSer<'o>;
    type SerializeStructVariant = StructSer<'o>;

    fn serialize_bool(self, v: bool) -> Result<Out> {
        Ok(Out::Term(Term::atom(if v { "true" } else { "false" })))
    }
    fn serialize_i8(self, v: i8) -> Result<Out> {
        int(i64::from(v))
    }
    fn serialize_i16(self, v: i16) -> Result<Out> {
        int(i64::from(v))
    }
    fn serialize_i32(self, v: i32) -> Result<Out> {
        int(i64::from(v))
    }
    fn serialize_i64(self, v: i64) -> Result<Out> {
        int(v)
    }
    fn serialize_i128(self, v: i128) -> Result<Out> {
        int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Out> {
        int(i64::from(v))
    }
    fn serialize_u16(self, v: u16) -> Result<Out> {
        int(i64::from(v))
    }
    fn serialize_u32(self, v: u32) -> Result<Out> {
        int(i64::from(v))
    }
    fn serialize_u64(self, v: u64) -> Result<Out> {
        int(v)
    }
    fn serialize_u128(self, v: u128) -> Result<Out> {
        int(BigInt::from(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Out> {
        float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<Out> {
        float(v)
    }
    fn serialize_char(self, v: char) -> Result<Out> {
        int(u32::from(v))
    }
    fn serialize_str(self, v: &str) -> Result<Out> {
        Ok(Out::Term(match self.opts.strings {
            StringStyle::List => Term::string(v),
            StringStyle::Binary => Term::binary(v.as_bytes()),
        }))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Out> {
        Ok(Out::Term(Term::binary(v)))
    }
    fn serialize_none(self) -> Result<Out> {
        Ok(Out::None)
    }
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<Out> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Out> {
        Ok(Out::Term(Term::tuple(Vec::new())))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Out> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Out> {
        Ok(Out::Term(atom(variant)?))
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Out> {
        if name == MAGIC_ATOM || name == MAGIC_TERM {
            let plain = ValueSer {
                opts: &PLAIN,
                depth: self.depth,
            };
            let Term::String(text) = plain.term(value)? else {
                return Err(Error::new(ErrorKind::Custom(format!(
                    "{name} must serialize as a string"
                ))));
            };
            return Ok(Out::Term(if name == MAGIC_ATOM {
                atom(&text)?
            } else {
                parse_one(&text)?
            }));
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Out> {
        let tag = atom(variant)?;
        let v = self.nested()?.term(value)?;
        Ok(Out::Term(Term::tuple(vec![tag, v])))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer<'o>> {
        Ok(SeqSer {
            ser: self.nested()?,
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            kind: SeqKind::List,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer<'o>> {
        Ok(SeqSer {
            ser: self.nested()?,
            items: Vec::with_capacity(len.min(4096)),
            kind: SeqKind::Tuple,
        })
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<SeqSer<'o>> {
        self.serialize_tuple(len)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<SeqSer<'o>> {
        let mut items = Vec::with_capacity(len.min(4096) + 1);
        items.push(atom(variant)?);
        Ok(SeqSer {
            ser: self.nested()?,
            items,
            kind: SeqKind::Tuple,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<MapSer<'o>> {
        Ok(MapSer {
            ser: self.nested()?,
            entries: Vec::with_capacity(len.unwrap_or(0).min(4096)),
            key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<StructSer<'o>> {
        Ok(StructSer {
            ser: self.nested()?,
            fields: Vec::with_capacity(len.min(4096)),
            tag: None,
        })
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<StructSer<'o>> {
        Ok(StructSer {
            ser: self.nested()?,
            fields: Vec::with_capacity(len.min(4096)),
            tag: Some(atom(variant)?),
        })
    }
}

#[derive(Clone, Copy)]
pub(crate) enum SeqKind {
    List,
    Tuple,
}

/// Collects the elements of a list or tuple.
pub(crate) struct SeqSer<'o> {
    ser: ValueSer<'o>,
    items: Vec<Term>,
    kind: SeqKind,
}

impl SeqSer<'_> {
    fn push<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.items.push(self.ser.term(value)?);
        Ok(())
    }
    fn finish(self) -> Result<Out> {
        Ok(Out::Term(match self.kind {
            SeqKind::List => Term::list(self.items),
            SeqKind::Tuple => Term::tuple(self.items),
        }))
    }
}

impl ser::SerializeSeq for SeqSer<'_> {
    type Ok = Out;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Out> {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqSer<'_> {
    type Ok = Out;
    type Error = Error;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Out> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqSer<'_> {
    type Ok = Out;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Out> {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for SeqSer<'_> {
    type Ok = Out;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<Out> {
        self.finish()
    }
}

/// Collects the entries of a map.
pub(crate) struct MapSer<'o> {
    ser: ValueSer<'o>,
    entries: Vec<(Term, Term)>,
    key: Option<Term>,
}

impl ser::SerializeMap for MapSer<'_> {
    type Ok = Out;
    type Error = Error;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<()> {
        self.key = Some(self.ser.term(key)?);
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<()> {
        let v = self.ser.term(value)?;
        let k = self
            .key
            .take()
            .ok_or_else(|| Error::new(ErrorKind::Custom("map value without a key".into())))?;
        self.entries.push((k, v));
        Ok(())
    }
    fn end(self) -> Result<Out> {
        Ok(Out::Term(Term::map(self.entries)))
    }
}

/// Collects the fields of a struct (or struct variant).
pub(crate) struct StructSer<'o> {
    ser: ValueSer<'o>,
    fields: Vec<(Term, Term)>,
    tag: Option<Term>,
}

impl StructSer<'_> {
    fn field<T: ?Sized + Serialize>(&mut self, key: &'static str, value: &T) -> Result<()> {
        // Fields sit inside `{key, V}` inside a list: one more level.
        let inner = self.ser.nested()?;
        match value.serialize(inner)? {
            Out::None if !self.ser.opts.none_as_undefined => {}
            out => self.fields.push((atom(key)?, out.into_term())),
        }
        Ok(())
    }
    fn finish(self) -> Result<Out> {
        let body = match self.ser.opts.structs {
            StructStyle::Proplist => Term::list(
                self.fields
                    .into_iter()
                    .map(|(k, v)| Term::tuple(vec![k, v]))
                    .collect(),
            ),
            StructStyle::Map => Term::map(self.fields),
        };
        Ok(Out::Term(match self.tag {
            Some(tag) => Term::tuple(vec![tag, body]),
            None => body,
        }))
    }
}

impl ser::SerializeStruct for StructSer<'_> {
    type Ok = Out;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<Out> {
        self.finish()
    }
}

impl ser::SerializeStructVariant for StructSer<'_> {
    type Ok = Out;
    type Error = Error;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }
    fn end(self) -> Result<Out> {
        self.finish()
    }
}
