//! Relup generation equal to `systools:make_relup/4`, without Erlang.
//!
//! Read releases with [`ReleaseInput::open`] and [`LoadedRelease::load`]
//! (a `.rel` file plus library folders, an unpacked release root, or a
//! release tarball read in memory), then call [`make_relup`]; or do both
//! at once with [`make_relup_from_paths`]. The result is a [`Relup`] whose
//! term equals the one OTP writes, and the warnings systools gives.
//!
//! The algorithm follows `shared/spec/relup.md`: appup lookup in start
//! order, application scripts, `systools_rc` translation with `DepMods`
//! ordering (canonical tie-break where OTP's order depends on its atom
//! table), `load_object_code` merging and emulator restarts.
//!
//! # Cargo features
//!
//! - `tarball` (default): read releases from tarballs
//!   ([`input::tarball`], [`ReleaseFiles::from_tarball`], tarball paths in
//!   [`ReleaseInput::open`]) and pack installable upgrades ([`pack`]).
//!   Without it the crate reads only `.rel` files and release folders and
//!   does not depend on `tar` and `flate2`; a path that is a file but not
//!   a `.rel` file is then refused with an error naming the feature.
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
