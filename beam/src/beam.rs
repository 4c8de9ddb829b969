//! The BEAM container (`FOR1 <size> BEAM` followed by 4-byte aligned
//! chunks) and the chunks a release tool reads.

use std::io::Read;
use std::path::Path;

use erlterm::Term;

use crate::error::BeamError;
use crate::etf;

/// Largest `.beam` file read (gzip-compressed files inflate to at most this).
pub const MAX_BEAM_SIZE: usize = 256 << 20;

/// Chunks hashed by `beam_lib:md5/1`, in hashing order (OTP 25's
/// `md5_chunks/0`).
pub const MD5_CHUNKS: [&str; 9] = [
    "Atom", "AtU8", "Code", "StrT", "ImpT", "ExpT", "FunT", "LitT", "Meta",
];

/// Chunks `beam_lib:md5/1` requires (`mandatory_chunks/0`).
const MANDATORY_CHUNKS: [&str; 4] = ["Code", "ExpT", "ImpT", "StrT"];

/// One chunk of a BEAM file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// The four-character id, e.g. `"Code"` (bytes shown as Latin-1).
    pub id: String,
    /// Offset of the chunk's data in the (uncompressed) file.
    pub offset: usize,
    /// The data, without the alignment padding.
    pub data: Vec<u8>,
}

/// A function reference of the `ExpT` or `ImpT` chunk.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FunRef {
    /// The module (the module itself for exports).
    pub module: String,
    /// The function name.
    pub function: String,
    /// The arity.
    pub arity: u32,
}

/// The header of the `Code` chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeInfo {
    /// Size of the header that follows the size field (16 in OTP 25).
    pub header_size: u32,
    /// Instruction set version (0).
    pub instruction_set: u32,
    /// Highest opcode used.
    pub max_opcode: u32,
    /// Number of labels.
    pub labels: u32,
    /// Number of functions.
    pub functions: u32,
    /// Size of the byte code after the header.
    pub code_size: usize,
}

/// A parsed BEAM file: its chunks in file order, and its atom table.
///
/// ```
/// let beam = beamfile::Beam::read("tests/fixtures/r2/lib/fx-1.1.0/ebin/fx_server.beam").unwrap();
/// assert_eq!(beam.module(), "fx_server");
/// assert_eq!(beam.behaviours().unwrap(), ["gen_server"]);
/// assert_eq!(beam.md5_hex().unwrap().len(), 32);
/// ```
#[derive(Clone, Debug)]
pub struct Beam {
    chunks: Vec<Chunk>,
    atoms: Vec<String>,
}

impl Beam {
    /// Reads and parses a `.beam` file (plain or gzip-compressed).
    ///
    /// ```
    /// let beam = beamfile::Beam::read("tests/fixtures/r1/lib/fx-1.0.0/ebin/fx_lib.beam").unwrap();
    /// assert_eq!(beam.module(), "fx_lib");
    /// assert!(beamfile::Beam::read("no/such.beam").is_err());
    /// ```
    pub fn read(path: impl AsRef<Path>) -> Result<Beam, BeamError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| BeamError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Beam::parse(&bytes)
    }

    /// Parses the bytes of a `.beam` file (plain or gzip-compressed, as
    /// `beam_lib` accepts both).
    ///
    /// ```
    /// let bytes = std::fs::read("tests/fixtures/r2/lib/fx-1.1.0/ebin/fx_sup.beam").unwrap();
    /// let beam = beamfile::Beam::parse(&bytes).unwrap();
    /// assert_eq!(beam.module(), "fx_sup");
    /// assert!(beam.exports().unwrap().iter().any(|f| f.function == "init" && f.arity == 1));
    /// assert!(matches!(beamfile::Beam::parse(b"not a beam"), Err(beamfile::BeamError::NotABeamFile)));
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Beam, BeamError> {
        if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(bytes)
                .take(MAX_BEAM_SIZE as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| BeamError::Gzip(e.to_string()))?;
            if out.len() > MAX_BEAM_SIZE {
                return Err(BeamError::Gzip(format!(
                    "inflates to more than {MAX_BEAM_SIZE} bytes"
                )));
            }
            return Beam::parse_plain(&out);
        }
        Beam::parse_plain(bytes)
    }

    fn parse_plain(bytes: &[u8]) -> Result<Beam, BeamError> {
        if bytes.get(0..4) != Some(b"FOR1".as_slice())
            || bytes.get(8..12) != Some(b"BEAM".as_slice())
        {
            return Err(BeamError::NotABeamFile);
        }
        // As beam_lib does, the FOR1 size is not trusted: chunks run to the
        // end of the file.
        let mut pos = 12;
        let mut chunks = Vec::new();
        while pos < bytes.len() {
            let (Some(id), Some(size)) = (bytes.get(pos..pos + 4), read_u32(bytes, pos + 4)) else {
                return Err(BeamError::BadChunkHeader { offset: pos });
            };
            let id: String = id.iter().map(|&c| c as char).collect();
            let size = size as usize;
            let start = pos + 8;
            let rest = bytes.get(start..).unwrap_or_default();
            let Some(data) = rest.get(..size) else {
                return Err(BeamError::ChunkTooBig {
                    id,
                    offset: start,
                    size,
                    available: rest.len(),
                });
            };
            chunks.push(Chunk {
                id,
                offset: start,
                data: data.to_vec(),
            });
            // Chunks are padded to a multiple of 4 bytes.
            pos = start + size.div_ceil(4) * 4;
        }
        let atoms = match last_chunk(&chunks, "AtU8") {
            Some(c) => parse_atoms(c, true)?,
            None => match last_chunk(&chunks, "Atom") {
                Some(c) => parse_atoms(c, false)?,
                None => return Err(BeamError::MissingChunk("Atom".into())),
            },
        };
        if atoms.is_empty() {
            return Err(BeamError::InvalidChunk {
                id: "AtU8".into(),
                reason: "no atoms (the first atom is the module name)".into(),
            });
        }
        Ok(Beam { chunks, atoms })
    }

    /// The module name (the first atom).
    pub fn module(&self) -> &str {
        self.atoms.first().map_or("", String::as_str)
    }

    /// The atom table; index 0 here is atom number 1 of the code.
    pub fn atoms(&self) -> &[String] {
        &self.atoms
    }

    /// All chunks in file order.
    pub fn chunks(&self) -> &[Chunk] {
        &self.chunks
    }

    /// The data of the first chunk with this id.
    pub fn chunk(&self, id: &str) -> Option<&[u8]> {
        self.chunks
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.data.as_slice())
    }

    fn atom(&self, id: &str, index: u32) -> Result<&str, BeamError> {
        (index as usize)
            .checked_sub(1)
            .and_then(|i| self.atoms.get(i))
            .map(String::as_str)
            .ok_or_else(|| BeamError::InvalidChunk {
                id: id.into(),
                reason: format!("atom index {index} out of range"),
            })
    }

    fn triples(&self, id: &str) -> Result<Vec<[u32; 3]>, BeamError> {
        let data = self
            .chunk(id)
            .ok_or_else(|| BeamError::MissingChunk(id.into()))?;
        let bad = |reason: String| BeamError::InvalidChunk {
            id: id.into(),
            reason,
        };
        let count = read_u32(data, 0).ok_or_else(|| bad("no count".into()))? as usize;
        // `read_u32` found four bytes, so this is always `Some`.
        let body = data.get(4..).unwrap_or_default();
        if count > body.len() / 12 {
            return Err(bad(format!("{count} entries do not fit")));
        }
        Ok((0..count)
            .map(|i| {
                let w = |k: usize| read_u32(body, i * 12 + k * 4).unwrap_or(0);
                [w(0), w(1), w(2)]
            })
            .collect())
    }

    /// The exported functions (`ExpT`), in chunk order.
    pub fn exports(&self) -> Result<Vec<FunRef>, BeamError> {
        self.triples("ExpT")?
            .into_iter()
            .map(|[f, arity, _label]| {
                Ok(FunRef {
                    module: self.module().to_owned(),
                    function: self.atom("ExpT", f)?.to_owned(),
                    arity,
                })
            })
            .collect()
    }

    /// The imported functions (`ImpT`), in chunk order (BIFs included, as
    /// `beam_lib:chunks(F, [imports])` lists them).
    pub fn imports(&self) -> Result<Vec<FunRef>, BeamError> {
        self.triples("ImpT")?
            .into_iter()
            .map(|[m, f, arity]| {
                Ok(FunRef {
                    module: self.atom("ImpT", m)?.to_owned(),
                    function: self.atom("ImpT", f)?.to_owned(),
                    arity,
                })
            })
            .collect()
    }

    /// The modules this module calls (`ImpT`), sorted, without duplicates.
    pub fn imported_modules(&self) -> Result<Vec<String>, BeamError> {
        let mut mods: Vec<String> = self.imports()?.into_iter().map(|f| f.module).collect();
        mods.sort();
        mods.dedup();
        Ok(mods)
    }

    /// The `Attr` chunk as `beam_lib:chunks(F, [attributes])` returns it:
    /// `[{Key, Values}]`, keys sorted (stable), values of repeated keys
    /// appended. `None` when the chunk is absent.
    pub fn attributes(&self) -> Result<Option<Term>, BeamError> {
        let Some(data) = self.chunk("Attr") else {
            return Ok(None);
        };
        let term = etf::decode(data).map_err(|source| BeamError::Term {
            id: "Attr".into(),
            source,
        })?;
        let bad = || BeamError::InvalidChunk {
            id: "Attr".into(),
            reason: "not a list of {Key, Values}".into(),
        };
        let items = term.to_list().ok_or_else(bad)?;
        let mut pairs: Vec<(Term, Vec<Term>)> = Vec::with_capacity(items.len());
        for item in items {
            let Some([k, v]) = item.as_tuple() else {
                return Err(bad());
            };
            pairs.push((k.clone(), v.to_list().ok_or_else(bad)?));
        }
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut merged: Vec<(Term, Vec<Term>)> = Vec::new();
        for (k, v) in pairs {
            match merged.last_mut() {
                Some((last, values)) if *last == k => values.extend(v),
                _ => merged.push((k, v)),
            }
        }
        Ok(Some(Term::list(
            merged
                .into_iter()
                .map(|(k, v)| Term::tuple(vec![k, Term::list(v)]))
                .collect(),
        )))
    }

    /// The values of attribute `key` (all occurrences appended).
    pub fn attribute(&self, key: &str) -> Result<Vec<Term>, BeamError> {
        let Some(attrs) = self.attributes()? else {
            return Ok(Vec::new());
        };
        Ok(attrs
            .to_list()
            .unwrap_or_default()
            .iter()
            .find_map(|a| match a.as_tuple() {
                Some([k, v]) if k.as_atom() == Some(key) => v.to_list(),
                _ => None,
            })
            .unwrap_or_default())
    }

    /// The behaviours the module declares: the `behaviour` attribute's
    /// values, then the `behavior` attribute's, as atoms' names (other
    /// terms shown in their canonical form).
    pub fn behaviours(&self) -> Result<Vec<String>, BeamError> {
        let mut out = Vec::new();
        for key in ["behaviour", "behavior"] {
            for v in self.attribute(key)? {
                out.push(match v.as_atom() {
                    Some(a) => a.to_owned(),
                    None => v.to_string(),
                });
            }
        }
        Ok(out)
    }

    /// The `CInf` chunk (`beam_lib:chunks(F, [compile_info])`), if present.
    pub fn compile_info(&self) -> Result<Option<Term>, BeamError> {
        self.chunk("CInf")
            .map(|data| {
                etf::decode(data).map_err(|source| BeamError::Term {
                    id: "CInf".into(),
                    source,
                })
            })
            .transpose()
    }

    /// The header of the `Code` chunk.
    pub fn code_info(&self) -> Result<CodeInfo, BeamError> {
        let data = self
            .chunk("Code")
            .ok_or_else(|| BeamError::MissingChunk("Code".into()))?;
        let bad = |reason: &str| BeamError::InvalidChunk {
            id: "Code".into(),
            reason: reason.into(),
        };
        let w = |i: usize| read_u32(data, i * 4).ok_or_else(|| bad("header cut short"));
        let header_size = w(0)?;
        let code_start = (header_size as usize)
            .checked_add(4)
            .filter(|&s| s <= data.len() && header_size >= 16)
            .ok_or_else(|| bad("bad header size"))?;
        Ok(CodeInfo {
            header_size,
            instruction_set: w(1)?,
            max_opcode: w(2)?,
            labels: w(3)?,
            functions: w(4)?,
            code_size: data.len() - code_start,
        })
    }

    /// `beam_lib:md5/1`: MD5 over the chunks of [`MD5_CHUNKS`] present, in
    /// that order, with the `OldUniq` field of each `FunT` entry zeroed.
    /// Compile-time details (`CInf`, `Attr`, debug info, line tables) do not
    /// take part, so this identifies a module's code.
    ///
    /// ```
    /// let old = beamfile::Beam::read("tests/fixtures/r1/lib/fx-1.0.0/ebin/fx_stable.beam").unwrap();
    /// let new = beamfile::Beam::read("tests/fixtures/r2/lib/fx-1.1.0/ebin/fx_stable.beam").unwrap();
    /// assert_eq!(old.md5().unwrap(), new.md5().unwrap()); // same code in both releases
    /// ```
    pub fn md5(&self) -> Result<[u8; 16], BeamError> {
        use md5::{Digest, Md5};
        let mut hasher = Md5::new();
        for id in MD5_CHUNKS {
            // beam_lib keeps the last atom chunk and the first of any other.
            let chunk = if id == "Atom" || id == "AtU8" {
                last_chunk(&self.chunks, id)
            } else {
                self.chunk(id)
            };
            match chunk {
                Some(data) if id == "FunT" && data.len() >= 4 => {
                    // Cannot panic: the guard checked `data.len() >= 4`.
                    let (count, entries) = data.split_at(4);
                    hasher.update(count);
                    // Each 24-byte entry is hashed with its last 4 bytes zeroed.
                    let mut entries = entries.chunks_exact(24);
                    for entry in &mut entries {
                        // Cannot panic: `chunks_exact` gives 24 bytes.
                        hasher.update(entry.split_at(20).0);
                        hasher.update([0u8; 4]);
                    }
                    hasher.update(entries.remainder());
                }
                Some(data) => hasher.update(data),
                None if MANDATORY_CHUNKS.contains(&id) => {
                    return Err(BeamError::MissingChunk(id.into()))
                }
                None => {}
            }
        }
        Ok(hasher.finalize().into())
    }

    /// [`Beam::md5`] as 32 lowercase hex digits.
    pub fn md5_hex(&self) -> Result<String, BeamError> {
        Ok(self.md5()?.iter().map(|b| format!("{b:02x}")).collect())
    }
}

fn last_chunk<'a>(chunks: &'a [Chunk], id: &str) -> Option<&'a [u8]> {
    chunks
        .iter()
        .rev()
        .find(|c| c.id == id)
        .map(|c| c.data.as_slice())
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(b.try_into().ok()?))
}

/// The atom table: `Count:32` then `Len:8, Name` per atom (OTP 25 and
/// earlier); a negative count announces the OTP 26+ form whose lengths are
/// compact-term encoded.
fn parse_atoms(data: &[u8], utf8: bool) -> Result<Vec<String>, BeamError> {
    let id = if utf8 { "AtU8" } else { "Atom" };
    let bad = |reason: &str| BeamError::InvalidChunk {
        id: id.into(),
        reason: reason.into(),
    };
    let raw = read_u32(data, 0).ok_or_else(|| bad("no count"))? as i32;
    let long_form = raw < 0;
    let count = raw.unsigned_abs() as usize;
    if count > data.len() - 4 {
        return Err(bad("atom count exceeds chunk size"));
    }
    let mut atoms = Vec::with_capacity(count);
    let mut pos = 4;
    for _ in 0..count {
        let len = if long_form {
            let rest = data.get(pos..).ok_or_else(|| bad("atom table cut short"))?;
            let (len, used) = compact_len(rest).ok_or_else(|| bad("bad atom length"))?;
            pos += used;
            len
        } else {
            let len = *data.get(pos).ok_or_else(|| bad("atom table cut short"))?;
            pos += 1;
            usize::from(len)
        };
        let bytes = data
            .get(pos..pos + len)
            .ok_or_else(|| bad("atom table cut short"))?;
        pos += len;
        let name = if utf8 {
            std::str::from_utf8(bytes)
                .map_err(|_| bad("atom is not valid UTF-8"))?
                .to_owned()
        } else {
            bytes.iter().map(|&c| c as char).collect()
        };
        if name.chars().count() > 255 {
            return Err(bad("atom longer than 255 characters"));
        }
        atoms.push(name);
    }
    Ok(atoms)
}

/// A compact-term encoded unsigned length (`tag_u`): small values in one
/// byte, larger ones in two, up to 2047.
fn compact_len(data: &[u8]) -> Option<(usize, usize)> {
    let b = *data.first()?;
    if b & 0x08 == 0 {
        Some((usize::from(b >> 4), 1))
    } else if b & 0x10 == 0 {
        let lo = *data.get(1)?;
        Some(((usize::from(b & 0xe0) << 3) | usize::from(lo), 2))
    } else {
        None
    }
}
