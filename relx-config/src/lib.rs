//! Typed models of the configuration files around an Erlang release.
#![forbid(unsafe_code)]
