#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod beam;
pub mod error;
pub mod etf;

pub use crate::beam::{Beam, Chunk, CodeInfo, FunRef, MD5_CHUNKS};
pub use crate::error::{BeamError, EtfError};
