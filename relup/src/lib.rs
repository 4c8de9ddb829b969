//! Relup generation equal to `systools:make_relup`.
#![forbid(unsafe_code)]
