//! The start type of an application, one set for every file that names it.
//!
//! OTP fixes five start types and uses them in three places: the
//! applications of a `.rel` file (`{App, Vsn, Type}`, checked by
//! `systools_make:check_rel/1`), the `add_application` instruction of an
//! appup (`systools_rc`), and the release goals of relx (`rlx_release`).
//! This is the one type for all three: `relup::StartType` and
//! `relx_config::relx::StartType` are re-exports of it.
//!
//! It lives here, in the lowest crate whose model needs it (appup depends
//! only on erlterm; relx-config and relup depend on appup), rather than in
//! erlterm, which knows terms but not what they mean.

use std::fmt;
use std::str::FromStr;

/// An application's start type (`application:start_type()`; `load` and
/// `none` are the release-only additions of systools).
///
/// The set is closed (OTP fixes it), so the enum is exhaustive.
///
/// ```
/// use appup::StartType;
/// assert_eq!(StartType::from_name("load"), Some(StartType::Load));
/// assert_eq!(StartType::from_name("Load"), None);
/// assert_eq!(StartType::default(), StartType::Permanent);
/// assert_eq!("transient".parse::<StartType>().unwrap().to_string(), "transient");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StartType {
    /// `permanent` (the default).
    #[default]
    Permanent,
    /// `transient`.
    Transient,
    /// `temporary`.
    Temporary,
    /// `load`: loaded, not started.
    Load,
    /// `none`: neither loaded nor started.
    None,
}

impl StartType {
    /// Every start type, in OTP's documentation order.
    pub const ALL: [StartType; 5] = [
        StartType::Permanent,
        StartType::Transient,
        StartType::Temporary,
        StartType::Load,
        StartType::None,
    ];

    /// Parses the atom name (exactly, as OTP's pattern matches do).
    pub fn from_name(name: &str) -> Option<StartType> {
        StartType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The atom name.
    pub fn name(self) -> &'static str {
        match self {
            StartType::Permanent => "permanent",
            StartType::Transient => "transient",
            StartType::Temporary => "temporary",
            StartType::Load => "load",
            StartType::None => "none",
        }
    }
}

impl fmt::Display for StartType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name is not one of the five start types.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a start type (permanent, transient, temporary, load or none)")]
pub struct UnknownStartType(pub String);

impl FromStr for StartType {
    type Err = UnknownStartType;

    fn from_str(s: &str) -> Result<StartType, UnknownStartType> {
        StartType::from_name(s).ok_or_else(|| UnknownStartType(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_otps() {
        let names: Vec<&str> = StartType::ALL.iter().map(|t| t.name()).collect();
        // sasl/src/systools_make.erl check_appl/1 and systools_rc's start types
        assert_eq!(
            names,
            ["permanent", "transient", "temporary", "load", "none"]
        );
        for t in StartType::ALL {
            assert_eq!(StartType::from_name(t.name()), Some(t));
            assert_eq!(t.to_string().parse::<StartType>(), Ok(t));
        }
        assert_eq!(StartType::from_name("'load'"), None);
        assert_eq!(StartType::from_name(""), None);
        assert!("perm".parse::<StartType>().is_err());
    }
}
