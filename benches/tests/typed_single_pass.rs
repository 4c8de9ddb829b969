//! The typed models of the bench shapes are read by `erlterm::from_str`'s
//! single pass over the bytes (it does not give up on them, so the bench
//! measures it), with exactly the values of the exact path
//! (`from_str_exact`: the text validated, read token by token, the tree).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt::Debug;

use erlrel_benches::shape_input;
use erlrel_benches::shapes::{
    AppupFile, ConfigFile, DeepFile, NumbersFile, PlainFile, StringsFile,
};
use erlterm::serde::{from_str_exact, from_str_single_pass};
use erlterm::Term;
use serde::de::DeserializeOwned;

/// The pretty `Debug` lines of a value, sorted: the models hold
/// `HashMap`s, whose order changes from one map to the next.
fn lines<T: Debug>(v: &T) -> Vec<String> {
    let mut l: Vec<String> = format!("{v:#?}").lines().map(str::to_owned).collect();
    l.sort();
    l
}

fn check<T: DeserializeOwned + Debug>(shape: &str, text: &str) {
    let fast = from_str_single_pass::<T>(text)
        .unwrap_or_else(|| panic!("the single pass gave up on the {shape} shape"));
    let exact = from_str_exact::<T>(text).unwrap();
    assert_eq!(lines(&fast), lines(&exact), "{shape}");
    // The same term, element for element, as the exact path.
    let fast = from_str_single_pass::<Term>(text).unwrap();
    let exact = from_str_exact::<Term>(text).unwrap();
    assert_eq!(
        format!("{fast:?}"),
        format!("{exact:?}"),
        "{shape} as a Term"
    );
}

#[test]
fn every_shape_is_read_in_one_pass_with_the_exact_values() {
    for size in [4 << 10, 96 << 10] {
        let text = |shape: &str| shape_input(shape, size).unwrap().erl;
        check::<ConfigFile<Term>>("config", &text("config"));
        check::<AppupFile>("appup", &text("appup"));
        check::<NumbersFile>("numbers", &text("numbers"));
        check::<StringsFile>("strings", &text("strings"));
        check::<DeepFile>("deep", &text("deep"));
        check::<PlainFile<Term>>("plain", &text("plain"));
    }
}
