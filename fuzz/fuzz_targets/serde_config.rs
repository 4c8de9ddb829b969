//! erlterm serde: deserializing into a nested config type from text, from
//! bytes and from a term never panics; what deserializes re-serializes;
//! what the single-pass reader reads, the exact path reads alike.
#![no_main]
use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, Serialize, PartialEq)]
enum Mode {
    Embedded,
    Interactive,
    Custom { name: String, level: Option<u8> },
    Pair(i64, f64),
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Endpoint {
    host: String,
    port: u16,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Config {
    name: String,
    vsn: Option<String>,
    mode: Mode,
    #[serde(default)]
    endpoints: Vec<Endpoint>,
    #[serde(default)]
    env: BTreeMap<String, Vec<(String, i32)>>,
    #[serde(default)]
    tree: Option<Box<Tree>>,
    #[serde(default)]
    blob: Vec<u8>,
    #[serde(default)]
    raw: Option<erlterm::Term>,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
enum Tree {
    Leaf(i64),
    Node(Vec<Tree>),
}

fuzz_target!(|data: &[u8]| {
    let _ = erlterm::from_slice::<Config>(data);
    let _ = erlterm::from_slice::<Vec<Tree>>(data);
    let _ = erlterm::from_slice::<erlterm::Term>(data);
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    same_as_exact::<Config>(src);
    same_as_exact::<Vec<Tree>>(src);
    same_as_exact::<erlterm::Term>(src);
    if let Ok(c) = erlterm::from_str::<Config>(src) {
        if let Ok(text) = erlterm::to_string(&c) {
            let _ = erlterm::from_str::<Config>(&format!("{text}."));
        }
        let _ = erlterm::to_string_pretty(&c);
    }
    if let Ok(terms) = erlterm::parse_str(src) {
        for t in &terms {
            let _ = erlterm::from_term::<Config>(t);
            let _ = erlterm::from_term::<Tree>(t);
            let _ = erlterm::from_term::<serde_value::Dummy>(t);
        }
    }
});

/// A value the single-pass reader accepts is the exact path's value (it
/// gives up, never answers differently).
fn same_as_exact<T: serde::de::DeserializeOwned + std::fmt::Debug>(src: &str) {
    if let Some(fast) = erlterm::serde::from_str_single_pass::<T>(src) {
        match erlterm::serde::from_str_exact::<T>(src) {
            Ok(exact) => assert_eq!(format!("{fast:?}"), format!("{exact:?}"), "{src:?}"),
            Err(e) => panic!("single pass read {fast:?}, exact path: {e} ({src:?})"),
        }
    }
    if let Some(fast) = erlterm::serde::from_str_all_single_pass::<Vec<T>>(src) {
        match erlterm::serde::from_str_all_exact::<Vec<T>>(src) {
            Ok(exact) => assert_eq!(format!("{fast:?}"), format!("{exact:?}"), "{src:?}"),
            Err(e) => panic!("single pass read {fast:?}, exact path: {e} ({src:?})"),
        }
    }
}

mod serde_value {
    /// Anything, ignored: walks every shape through `deserialize_any`.
    #[derive(Debug)]
    pub struct Dummy;
    impl<'de> serde::Deserialize<'de> for Dummy {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            serde::de::IgnoredAny::deserialize(d).map(|_| Dummy)
        }
    }
}
