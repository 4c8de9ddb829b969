//! Read compiled Erlang modules (`.beam` files) and Erlang's external term
//! format without an Erlang VM.
//!
//! * [`Beam`]: the IFF container (`FOR1 <size> BEAM` and 4-byte aligned
//!   chunks, plain or gzip-compressed as `beam_lib` accepts), the atom
//!   table (`AtU8`/`Atom`), exports (`ExpT`), imports (`ImpT`), attributes
//!   (`Attr`, merged as `beam_lib:chunks(F, [attributes])` does), compile
//!   information (`CInf`), the `Code` header, declared behaviours, and the
//!   module's identity [`Beam::md5`], equal to `beam_lib:md5/1` of OTP 25
//!   (MD5 over the atom, code, string, import, export, fun, literal and
//!   meta chunks in that order, fun-table `OldUniq` zeroed).
//! * [`etf`]: a bounded decoder of the external term format into
//!   [`erlterm::Term`].
//!
//! ```
//! let beam = beamfile::Beam::read("tests/fixtures/r2/lib/fx-1.1.0/ebin/fx_sup.beam").unwrap();
//! assert_eq!(beam.module(), "fx_sup");
//! assert_eq!(beam.behaviours().unwrap(), ["supervisor"]);
//! assert!(beam.imported_modules().unwrap().contains(&"supervisor".to_string()));
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod beam;
pub mod error;
pub mod etf;

pub use crate::beam::{Beam, Chunk, CodeInfo, FunRef, MD5_CHUNKS};
pub use crate::error::{BeamError, EtfError};
