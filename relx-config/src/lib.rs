#![doc = include_str!("../README.md")]
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
