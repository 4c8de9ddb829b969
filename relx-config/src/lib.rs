//! Typed models of the configuration files around an Erlang release:
//! `rebar.config` (with its `relx` section), `.app`/`.app.src`,
//! `sys.config` (as the VM reads it), `vm.args` (as `erl -args_file`
//! reads it) and the `.src` templates relx renders at start.
//!
//! Every model is built from [`erlterm::Node`]s, so its errors carry the
//! span of the offending term. Semantics follow OTP 25, rebar3 3.19 and
//! relx 4 (see `spec/config-files.md`).
#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod app_resource;
pub mod error;
pub mod rebar_config;
pub mod relx;
pub mod substitute;
pub mod sys_config;
mod terms;
pub mod version;
pub mod vm_args;
pub mod vsn_edit;
pub mod vsn_project;

pub use error::{Error, ErrorKind, Result};
