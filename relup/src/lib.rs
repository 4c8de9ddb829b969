#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod app;
pub mod appup_gen;
pub mod diff;
pub mod error;
mod fxhash;
pub mod generate;
pub mod input;
pub mod output;
#[cfg(feature = "tarball")]
pub mod pack;
pub mod release;
pub mod relup;
mod start_order;
mod translate;
pub mod upgrade;

pub use crate::app::Application;
pub use crate::error::{AppError, Error, ReleaseError, TranslateError, Warning};
pub use crate::generate::{make_relup, make_relup_lazy, BaseRelease, Generated, Options};
pub use crate::input::{make_relup_from_paths, Library, LoadedRelease, ReleaseFiles, ReleaseInput};
pub use crate::release::{RelApp, Release, StartType};
pub use crate::relup::{Relup, RelupEntry};
