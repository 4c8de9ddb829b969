//! Typed `.appup` files and OTP's version matching.
#![forbid(unsafe_code)]

use erlterm::Term;

/// Which list of an appup to search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `UpFromVsn` entries: upgrading from an older version.
    Up,
    /// `DownToVsn` entries: downgrading to an older version.
    Down,
}

/// An appup version pattern that cannot be evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid version pattern: {0}")]
pub struct PatternError(pub String);

/// Whether `pattern` (a string, or a binary holding a regular expression)
/// selects version `vsn`, as `systools_relup` decides it.
pub fn version_matches(pattern: &Term, vsn: &str) -> Result<bool, PatternError> {
    if let Some(s) = pattern.as_string() {
        return Ok(s == vsn);
    }
    match pattern {
        Term::Bitstring(b) => {
            let re = b
                .as_utf8()
                .ok_or_else(|| PatternError("not UTF-8".into()))?;
            let re = regex::Regex::new(re).map_err(|e| PatternError(e.to_string()))?;
            Ok(re
                .find(vsn)
                .is_some_and(|m| m.start() == 0 && m.end() == vsn.len()))
        }
        _ => Err(PatternError(format!("not a string or binary: {pattern}"))),
    }
}

/// The instruction list of the first entry of `appup` (the whole
/// `{Vsn, Up, Down}` term) whose version pattern selects `vsn`.
pub fn find_instructions(
    appup: &Term,
    vsn: &str,
    direction: Direction,
) -> Result<Option<Vec<Term>>, PatternError> {
    let Some([_, up, down]) = appup.as_tuple() else {
        return Err(PatternError("an appup is {Vsn, Up, Down}".into()));
    };
    let list = match direction {
        Direction::Up => up,
        Direction::Down => down,
    };
    for entry in list.to_list().unwrap_or_default() {
        if let Some([pattern, instrs]) = entry.as_tuple() {
            if version_matches(pattern, vsn)? {
                return Ok(instrs.to_list());
            }
        }
    }
    Ok(None)
}
