//! Erlang's external term format (the bytes of `term_to_binary/1`), decoded
//! into [`erlterm::Term`].
//!
//! Every tag that can occur in the `Attr` and `CInf` chunks of a compiled
//! module is decoded: integers (small, 32-bit, small and large bignums),
//! floats (new and old text form), atoms in all four encodings, strings,
//! lists (proper and improper), tuples, maps, binaries, bit binaries,
//! export funs (`fun M:F/A`), and the compressed form (tag 80). Pids,
//! ports, references, local funs and atom-cache references are refused
//! with [`EtfError::UnsupportedTag`].
//!
//! The decoder is bounded against hostile input: every length is checked
//! against the bytes that remain before anything is allocated, nesting is
//! limited to [`MAX_DEPTH`], atoms to 255 characters, bignums to
//! [`MAX_BIG_BYTES`] bytes and compressed terms to [`MAX_INFLATED`] bytes.
//!
//! ```
//! use beamfile::etf;
//! // term_to_binary({vsn, [1, <<"a">>]})
//! let bytes = [131, 104, 2, 119, 3, b'v', b's', b'n', 108, 0, 0, 0, 2,
//!              97, 1, 109, 0, 0, 0, 1, b'a', 106];
//! assert_eq!(etf::decode(&bytes).unwrap().to_string(), "{vsn,[1,<<97>>]}");
//! ```

use std::io::Read;

use erlterm::{Atom, Bitstring, ExternalFun, Integer, Term};
use num_bigint::{BigInt, Sign};

use crate::error::EtfError;

/// Deepest nesting of lists, tuples, maps and funs accepted.
pub const MAX_DEPTH: usize = 512;
/// Largest bignum accepted, in bytes of magnitude (8 Mbit).
pub const MAX_BIG_BYTES: usize = 1 << 20;
/// Largest uncompressed size accepted for a compressed term (64 MiB).
pub const MAX_INFLATED: usize = 64 << 20;

/// Decodes one term as `erlang:binary_to_term/1` does: version byte 131,
/// then a term (possibly compressed). Bytes after the term are ignored,
/// as OTP ignores them.
///
/// ```
/// // term_to_binary({ok, 1})
/// let t = beamfile::etf::decode(&[131, 104, 2, 100, 0, 2, 111, 107, 97, 1]).unwrap();
/// assert_eq!(t.to_string(), "{ok,1}");
/// ```
pub fn decode(bytes: &[u8]) -> Result<Term, EtfError> {
    decode_prefix(bytes).map(|(term, _)| term)
}

/// Decodes one term and fails with [`EtfError::TrailingBytes`] if anything
/// follows it.
///
/// ```
/// use beamfile::etf;
/// assert!(etf::decode_exact(&[131, 97, 1]).is_ok());
/// assert!(etf::decode_exact(&[131, 97, 1, 0]).is_err());
/// assert!(etf::decode(&[131, 97, 1, 0]).is_ok());
/// ```
pub fn decode_exact(bytes: &[u8]) -> Result<Term, EtfError> {
    let (term, used) = decode_prefix(bytes)?;
    if used < bytes.len() {
        return Err(EtfError::TrailingBytes {
            offset: used,
            count: bytes.len() - used,
        });
    }
    Ok(term)
}

/// Decodes one term and returns it with the number of input bytes used.
///
/// ```
/// let (t, used) = beamfile::etf::decode_prefix(&[131, 97, 7, 131, 97, 8]).unwrap();
/// assert_eq!((t.to_string().as_str(), used), ("7", 3));
/// ```
pub fn decode_prefix(bytes: &[u8]) -> Result<(Term, usize), EtfError> {
    let mut r = Reader { bytes, pos: 0 };
    let version = r.u8()?;
    if version != 131 {
        return Err(EtfError::BadVersion { found: version });
    }
    if r.peek() == Some(80) {
        r.pos += 1;
        let declared = r.u32()?;
        let rest = bytes.get(r.pos..).unwrap_or_default();
        let inflated = inflate(rest, declared)?;
        let mut inner = Reader {
            bytes: &inflated,
            pos: 0,
        };
        let term = inner.term(0)?;
        // The compressed stream's length is not recorded; report all input used.
        return Ok((term, bytes.len()));
    }
    let term = r.term(0)?;
    Ok((term, r.pos))
}

/// Inflates a zlib stream that must hold exactly `declared` bytes, never
/// producing more than `min(declared, MAX_INFLATED) + 1` bytes.
fn inflate(data: &[u8], declared: u32) -> Result<Vec<u8>, EtfError> {
    let size = declared as usize;
    if size > MAX_INFLATED {
        return Err(EtfError::CompressedTooLarge {
            declared: u64::from(declared),
            limit: MAX_INFLATED,
        });
    }
    let mut out = Vec::with_capacity(size.min(1 << 16));
    let limit = size as u64 + 1;
    flate2::read::ZlibDecoder::new(data)
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| EtfError::BadCompression {
            reason: e.to_string(),
        })?;
    if out.len() != size {
        return Err(EtfError::BadCompression {
            reason: format!("declared {size} bytes, inflates to {}", out.len()),
        });
    }
    Ok(out)
}

/// A container waiting for its elements.
struct Frame {
    kind: Kind,
    needed: usize,
    items: Vec<Term>,
    offset: usize,
}

#[derive(Clone, Copy)]
enum Kind {
    Tuple,
    /// Elements then the tail.
    List,
    /// Keys and values alternating.
    Map,
    /// Module, function, arity.
    Fun,
}

enum Step {
    Done(Term),
    Open(Frame),
}

impl Frame {
    fn finish(self) -> Result<Term, EtfError> {
        let offset = self.offset;
        let mut items = self.items;
        match self.kind {
            Kind::Tuple => Ok(Term::tuple(items)),
            Kind::List => {
                let Some(tail) = items.pop() else {
                    return Ok(Term::nil());
                };
                if items.is_empty() {
                    return Ok(tail);
                }
                Ok(Term::improper_list(items, tail))
            }
            Kind::Map => {
                let mut entries = Vec::with_capacity(items.len() / 2);
                let mut it = items.into_iter();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    entries.push((k, v));
                }
                let mut keys: Vec<&Term> = entries.iter().map(|(k, _)| k).collect();
                keys.sort_by(|a, b| a.cmp_map_key(b));
                if keys
                    .windows(2)
                    .any(|w| matches!(w, [a, b] if a.cmp_map_key(b) == std::cmp::Ordering::Equal))
                {
                    return Err(EtfError::DuplicateMapKey { offset });
                }
                Ok(Term::map(entries))
            }
            Kind::Fun => {
                let mut it = items.into_iter();
                match (it.next(), it.next(), it.next()) {
                    (
                        Some(Term::Atom(module)),
                        Some(Term::Atom(function)),
                        Some(Term::Integer(arity)),
                    ) => {
                        let arity = arity
                            .to_i64()
                            .and_then(|a| u32::try_from(a).ok())
                            .filter(|&a| a <= 255)
                            .ok_or(EtfError::BadFun { offset })?;
                        Ok(Term::Fun(Box::new(ExternalFun {
                            module,
                            function,
                            arity,
                        })))
                    }
                    _ => Err(EtfError::BadFun { offset }),
                }
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.bytes.len().saturating_sub(self.pos)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], EtfError> {
        let bytes: &'a [u8] = self.bytes;
        let Some(s) = bytes.get(self.pos..).and_then(|rest| rest.get(..n)) else {
            return Err(EtfError::Truncated {
                offset: self.pos,
                needed: n.saturating_sub(self.remaining()),
            });
        };
        self.pos += n;
        Ok(s)
    }

    /// The next `N` bytes.
    fn array<const N: usize>(&mut self) -> Result<[u8; N], EtfError> {
        let offset = self.pos;
        // `take` returns exactly `N` bytes, so the conversion cannot fail.
        self.take(N)?
            .try_into()
            .map_err(|_| EtfError::Truncated { offset, needed: N })
    }

    fn u8(&mut self) -> Result<u8, EtfError> {
        let [b] = self.array()?;
        Ok(b)
    }

    fn u16(&mut self) -> Result<usize, EtfError> {
        Ok(usize::from(u16::from_be_bytes(self.array()?)))
    }

    fn u32(&mut self) -> Result<u32, EtfError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    fn len32(&mut self) -> Result<usize, EtfError> {
        usize::try_from(self.u32()?).map_err(|_| EtfError::Truncated {
            offset: self.pos,
            needed: usize::MAX,
        })
    }

    /// Fails unless `count` items of at least `min_size` bytes each can fit.
    fn check_room(&self, count: usize, min_size: usize) -> Result<(), EtfError> {
        let needed = count.saturating_mul(min_size);
        if needed > self.remaining() {
            return Err(EtfError::Truncated {
                offset: self.pos,
                needed: needed - self.remaining(),
            });
        }
        Ok(())
    }

    /// Decodes one term without recursion: containers wait on `stack`
    /// until their elements are complete.
    fn term(&mut self, base_depth: usize) -> Result<Term, EtfError> {
        let mut stack: Vec<Frame> = Vec::new();
        loop {
            let depth = base_depth + stack.len();
            let offset = self.pos;
            if depth > MAX_DEPTH {
                return Err(EtfError::TooDeep {
                    limit: MAX_DEPTH,
                    offset,
                });
            }
            let mut done = match self.scalar_or_open(offset)? {
                Step::Done(t) => t,
                Step::Open(frame) => {
                    stack.push(frame);
                    continue;
                }
            };
            // Feed the finished term to the waiting containers.
            loop {
                let Some(top) = stack.last_mut() else {
                    return Ok(done);
                };
                top.items.push(done);
                if top.items.len() < top.needed {
                    break;
                }
                let Some(frame) = stack.pop() else {
                    return Err(EtfError::TooDeep {
                        limit: MAX_DEPTH,
                        offset,
                    });
                };
                done = frame.finish()?;
            }
        }
    }

    /// Reads a term that needs no elements, or the header of a container.
    fn scalar_or_open(&mut self, offset: usize) -> Result<Step, EtfError> {
        let tag = self.u8()?;
        let open = |kind: Kind, needed: usize| {
            if needed == 0 {
                Frame {
                    kind,
                    needed,
                    items: Vec::new(),
                    offset,
                }
                .finish()
                .map(Step::Done)
            } else {
                Ok(Step::Open(Frame {
                    kind,
                    needed,
                    items: Vec::with_capacity(needed.min(1024)),
                    offset,
                }))
            }
        };
        let t = match tag {
            97 => Term::int(i64::from(self.u8()?)),
            98 => {
                let v = self.u32()? as i32;
                Term::int(i64::from(v))
            }
            110 => {
                let n = usize::from(self.u8()?);
                self.big(n, offset)?
            }
            111 => {
                let n = self.len32()?;
                self.big(n, offset)?
            }
            70 => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                let f = f64::from_be_bytes(a);
                if !f.is_finite() {
                    return Err(EtfError::BadFloat { offset });
                }
                Term::Float(f)
            }
            99 => {
                let b = self.take(31)?;
                let text: String = b
                    .iter()
                    .take_while(|&&c| c != 0)
                    .map(|&c| c as char)
                    .collect();
                match text.trim().parse::<f64>() {
                    Ok(f) if f.is_finite() => Term::Float(f),
                    _ => return Err(EtfError::BadFloat { offset }),
                }
            }
            100 | 115 | 118 | 119 => Term::Atom(self.atom_body(tag, offset)?),
            104 => {
                let n = usize::from(self.u8()?);
                self.check_room(n, 1)?;
                return open(Kind::Tuple, n);
            }
            105 => {
                let n = self.len32()?;
                self.check_room(n, 1)?;
                return open(Kind::Tuple, n);
            }
            106 => Term::nil(),
            107 => {
                let n = self.u16()?;
                let b = self.take(n)?;
                if b.is_empty() {
                    Term::nil()
                } else {
                    Term::String(b.iter().map(|&c| c as char).collect())
                }
            }
            108 => {
                let n = self.len32()?;
                // Each element is at least one byte, and so is the tail.
                self.check_room(n, 1)?;
                return open(Kind::List, n.saturating_add(1));
            }
            109 => {
                let n = self.len32()?;
                Term::binary(self.take(n)?.to_vec())
            }
            77 => {
                let n = self.len32()?;
                let bits = self.u8()?;
                if bits > 8 || ((bits == 0) != (n == 0)) {
                    return Err(EtfError::BadBits { offset, bits });
                }
                let data = self.take(n)?.to_vec();
                let bit_len = if n == 0 {
                    0
                } else {
                    (n as u64 - 1) * 8 + u64::from(bits)
                };
                let b = Bitstring::from_bits(data, bit_len)
                    .ok_or(EtfError::BadBits { offset, bits })?;
                Term::Bitstring(b)
            }
            116 => {
                let n = self.len32()?;
                self.check_room(n, 2)?;
                return open(Kind::Map, n.saturating_mul(2));
            }
            113 => return open(Kind::Fun, 3),
            _ => return Err(EtfError::UnsupportedTag { tag, offset }),
        };
        Ok(Step::Done(t))
    }

    fn big(&mut self, n: usize, offset: usize) -> Result<Term, EtfError> {
        if n > MAX_BIG_BYTES {
            return Err(EtfError::BigTooLarge {
                bytes: n,
                limit: MAX_BIG_BYTES,
                offset,
            });
        }
        let sign = self.u8()?;
        let digits = self.take(n)?;
        let sign = if sign == 0 { Sign::Plus } else { Sign::Minus };
        let v = BigInt::from_bytes_le(sign, digits);
        Ok(Term::Integer(Integer::from(v)))
    }

    fn atom_body(&mut self, tag: u8, offset: usize) -> Result<Atom, EtfError> {
        let n = match tag {
            100 | 118 => self.u16()?,
            _ => usize::from(self.u8()?),
        };
        let b = self.take(n)?;
        let name: String = if tag == 100 || tag == 115 {
            b.iter().map(|&c| c as char).collect()
        } else {
            std::str::from_utf8(b)
                .map_err(|_| EtfError::BadAtom {
                    offset,
                    reason: "not valid UTF-8",
                })?
                .to_owned()
        };
        if name.chars().count() > 255 {
            return Err(EtfError::BadAtom {
                offset,
                reason: "longer than 255 characters",
            });
        }
        Ok(Atom::new(&name))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn rejects_huge_counts_without_allocating() {
        // A list claiming 4 billion elements in 10 bytes.
        let bytes = [131, 108, 0xff, 0xff, 0xff, 0xff, 106];
        assert!(matches!(decode(&bytes), Err(EtfError::Truncated { .. })));
        let bytes = [131, 116, 0xff, 0xff, 0xff, 0xff];
        assert!(matches!(decode(&bytes), Err(EtfError::Truncated { .. })));
        let bytes = [131, 111, 0xff, 0xff, 0xff, 0xff, 0];
        assert!(matches!(decode(&bytes), Err(EtfError::BigTooLarge { .. })));
    }

    #[test]
    fn rejects_deep_nesting() {
        let mut bytes = vec![131];
        for _ in 0..100_000 {
            bytes.extend([104, 1]);
        }
        bytes.push(106);
        assert!(matches!(decode(&bytes), Err(EtfError::TooDeep { .. })));
    }

    #[test]
    fn compressed_bomb_is_bounded() {
        use std::io::Write;
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&[0u8; 1 << 20]).unwrap();
        let z = enc.finish().unwrap();
        // Declares 10 bytes but inflates to 1 MiB: refused, and never inflated fully.
        let mut bytes = vec![131, 80, 0, 0, 0, 10];
        bytes.extend(&z);
        assert!(matches!(
            decode(&bytes),
            Err(EtfError::BadCompression { .. })
        ));
        let bytes = [131, 80, 0xff, 0xff, 0xff, 0xff, 0];
        assert!(matches!(
            decode(&bytes),
            Err(EtfError::CompressedTooLarge { .. })
        ));
    }

    #[test]
    fn rejects_pids_and_local_funs() {
        assert!(matches!(
            decode(&[131, 88]),
            Err(EtfError::UnsupportedTag { tag: 88, .. })
        ));
        assert!(matches!(
            decode(&[131, 112]),
            Err(EtfError::UnsupportedTag { tag: 112, .. })
        ));
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        // {a, [1, 2 | b], <<1:3>>, #{k => 1.5}, fun m:f/2, 123456789012345678901234567890}
        let full: Vec<u8> = vec![
            131, 104, 6, 119, 1, b'a', 108, 0, 0, 0, 2, 97, 1, 97, 2, 119, 1, b'b', 77, 0, 0, 0, 1,
            3, 32, 116, 0, 0, 0, 1, 119, 1, b'k', 70, 63, 248, 0, 0, 0, 0, 0, 0, 113, 119, 1, b'm',
            119, 1, b'f', 97, 2, 110, 13, 0, 210, 10, 63, 78, 238, 224, 115, 195, 246, 15, 233,
            142, 1,
        ];
        let t = decode_exact(&full).unwrap();
        assert_eq!(
            t.to_string(),
            "{a,[1,2|b],<<1:3>>,#{k => 1.5},fun m:f/2,123456789012345678901234567890}"
        );
        for cut in 0..full.len() {
            assert!(decode(&full[..cut]).is_err(), "cut at {cut}");
        }
    }
}
