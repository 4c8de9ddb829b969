#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

use std::borrow::Cow;

use erlterm::Term;

pub mod instruction;
pub mod lint;
#[cfg(test)]
mod lint_naive;
mod model;
pub mod pattern;
pub mod read;
pub mod show;
pub mod start_type;
pub mod template;

pub use model::{Appup, AppupError, Entry, Skipped, VsnSpec};
pub use pattern::{PatternError, VsnRegex};
pub use start_type::{StartType, UnknownStartType};

/// Which list of an appup to search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `UpFromVsn` entries: upgrading from an older version.
    Up,
    /// `DownToVsn` entries: downgrading to an older version.
    Down,
}

/// Whether `pattern` (a string, or a binary holding a regular expression)
/// selects version `vsn`, as `systools_relup` decides it. Any other term
/// selects nothing (systools skips it).
///
/// ```
/// use erlterm::Term;
/// assert!(appup::version_matches(&Term::binary(*b"1\\.0\\.[0-9]+"), "1.0.10").unwrap());
/// assert!(!appup::version_matches(&Term::binary(*b"1\\.0\\.[0-9]"), "1.0.10").unwrap());
/// assert!(!appup::version_matches(&Term::string("1.0"), "1.0.0").unwrap());
/// ```
pub fn version_matches(pattern: &Term, vsn: &str) -> Result<bool, PatternError> {
    match pattern {
        Term::String(_) | Term::List(_) | Term::ImproperList(_) => {
            Ok(pattern.as_string().is_some_and(|s| s == vsn))
        }
        Term::Bitstring(b) if b.is_binary() => {
            VsnRegex::compile_cached(b.bytes())?.whole_match(vsn)
        }
        _ => Ok(false),
    }
}

/// The index of the first entry of `entries` (an `UpFrom`/`DownTo` term)
/// that selects `vsn`, walking the list exactly as
/// `appup_search_for_version/2`: elements that are not 2-tuples are
/// skipped; an improper list or a non-list is an error where OTP crashes.
///
/// ```
/// let up = &erlterm::parse_str(r#"[{"0.9", []}, {<<"1\\..*">>, []}]."#).unwrap()[0];
/// assert_eq!(appup::search(up, "1.4").unwrap(), Some(1));
/// assert_eq!(appup::search(up, "2.0").unwrap(), None);
/// ```
pub fn search(entries: &Term, vsn: &str) -> Result<Option<usize>, PatternError> {
    let mut cur = entries;
    let mut index = 0;
    loop {
        let (items, tail) = match cur {
            // Integers are never 2-tuples: a string walks to its end.
            Term::String(_) => return Ok(None),
            other => other.list_parts().ok_or_else(|| {
                PatternError::Malformed(format!("entry list ends in {other}, not []"))
            })?,
        };
        for item in items {
            if let Some([spec, _]) = item.as_tuple() {
                if version_matches(spec, vsn)? {
                    return Ok(Some(index));
                }
            }
            index += 1;
        }
        match tail {
            None => return Ok(None),
            Some(t) => cur = t,
        }
    }
}

/// The instruction list of the first entry of `appup` (the whole
/// `{Vsn, Up, Down}` term) whose version pattern selects `vsn`.
/// `Ok(None)`: no entry matches (systools' `no_relup`).
///
/// ```
/// use appup::{find_instructions, Direction};
/// let appup = &erlterm::parse_str(
///     r#"{"1.1", [{"1.0", [{load_module, m}]}], [{<<"1\\.0.*">>, []}]}."#).unwrap()[0];
/// let up = find_instructions(appup, "1.0", Direction::Up).unwrap().unwrap();
/// assert_eq!(up[0].to_string(), "{load_module,m}");
/// assert_eq!(find_instructions(appup, "1.0.3", Direction::Down).unwrap(), Some(vec![]));
/// assert_eq!(find_instructions(appup, "0.9", Direction::Down).unwrap(), None);
/// ```
pub fn find_instructions(
    appup: &Term,
    vsn: &str,
    direction: Direction,
) -> Result<Option<Vec<Term>>, PatternError> {
    find_instructions_ref(appup, vsn, direction).map(|found| found.map(Cow::into_owned))
}

/// Like [`find_instructions`], but borrows the instruction list from
/// `appup` when it is stored as one `[...]` (the common case).
///
/// ```
/// use appup::{find_instructions_ref, Direction};
/// let appup = &erlterm::parse_str(r#"{"1.1", [{"1.0", [{load_module, m}]}], []}."#).unwrap()[0];
/// let up = find_instructions_ref(appup, "1.0", Direction::Up).unwrap().unwrap();
/// assert_eq!(up[0].to_string(), "{load_module,m}");
/// ```
pub fn find_instructions_ref<'a>(
    appup: &'a Term,
    vsn: &str,
    direction: Direction,
) -> Result<Option<Cow<'a, [Term]>>, PatternError> {
    let Some([_, up, down]) = appup.as_tuple() else {
        return Err(PatternError::Malformed(
            "an appup is {Vsn, UpFrom, DownTo}".into(),
        ));
    };
    let list = match direction {
        Direction::Up => up,
        Direction::Down => down,
    };
    let Some(index) = search(list, vsn)? else {
        return Ok(None);
    };
    let Some(Term::Tuple(pair)) = nth_item(list, index) else {
        return Err(PatternError::Malformed("entry vanished".into()));
    };
    let Some(instrs) = pair.get(1) else {
        return Err(PatternError::Malformed(
            "the selected entry has no instructions".into(),
        ));
    };
    match instrs.list_items() {
        Some(instrs) => Ok(Some(instrs)),
        None => Err(PatternError::Malformed(format!(
            "the instructions of the selected entry are {instrs}, not a list"
        ))),
    }
}

/// The `n`th element of a possibly improper list.
fn nth_item(list: &Term, n: usize) -> Option<&Term> {
    let mut cur = list;
    let mut n = n;
    loop {
        let (items, tail) = cur.list_parts()?;
        if let Some(item) = items.get(n) {
            return Some(item);
        }
        n -= items.len();
        cur = tail?;
    }
}
