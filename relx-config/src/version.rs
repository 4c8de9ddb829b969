//! Versions as they appear in releases: semver (`1.2.3-rc.1`) and OTP-style
//! dotted numbers (`25.2.3.1`, `4.2`), with one total order.
//!
//! Ordering, documented because OTP itself never orders versions:
//! 1. a version made of numbers (semver or dotted) sorts after any other
//!    string; other strings compare by their text;
//! 2. numeric versions compare component by component, missing components
//!    counting as `0` (`4.2` < `4.2.1` < `4.10`);
//! 3. when that is a tie and both are semver, semver precedence decides
//!    (`1.0.0-rc.1` < `1.0.0`, build metadata last per the `semver` crate);
//!    a pre-release semver sorts before a dotted version with the same
//!    numbers;
//! 4. otherwise fewer written components first (`4.2` < `4.2.0`), then the
//!    text, so that the order agrees with equality of the written form.

use std::cmp::Ordering;
use std::fmt;

/// A parsed version string.
///
/// ```
/// use relx_config::version::Version;
/// let mut v: Vec<Version> = ["25.2.3.1", "4.2", "1.0.0-rc.1", "1.0.0", "25.2"]
///     .iter().map(|s| Version::parse(s)).collect();
/// v.sort();
/// let s: Vec<String> = v.iter().map(|v| v.to_string()).collect();
/// assert_eq!(s, ["1.0.0-rc.1", "1.0.0", "4.2", "25.2", "25.2.3.1"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Version {
    /// A valid semantic version (exactly three numbers, optional
    /// pre-release and build parts).
    Semver(semver::Version),
    /// Dot-separated decimal numbers that are not semver (`4.2`,
    /// `25.2.3.1`, `1.02`); keeps the text for printing.
    Dotted(Vec<u64>, String),
    /// Anything else (`"git"`, `"1.0-beta"`), compared as text.
    Other(String),
}

impl Version {
    /// Classifies `text`; never fails.
    pub fn parse(text: &str) -> Version {
        if let Ok(v) = semver::Version::parse(text) {
            return Version::Semver(v);
        }
        match dotted(text) {
            Some(parts) => Version::Dotted(parts, text.to_string()),
            None => Version::Other(text.to_string()),
        }
    }

    /// The numeric components (empty for [`Version::Other`]).
    pub fn numbers(&self) -> Vec<u64> {
        match self {
            Version::Semver(v) => vec![v.major, v.minor, v.patch],
            Version::Dotted(parts, _) => parts.clone(),
            Version::Other(_) => Vec::new(),
        }
    }

    fn text(&self) -> String {
        self.to_string()
    }
}

/// `Some(numbers)` if `text` is `N(.N)*` with decimal digits only.
fn dotted(text: &str) -> Option<Vec<u64>> {
    text.split('.')
        .map(|p| {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                p.parse::<u64>().ok()
            }
        })
        .collect()
}

fn cmp_padded(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            a.get(i)
                .copied()
                .unwrap_or(0)
                .cmp(&b.get(i).copied().unwrap_or(0))
        })
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        use Version::*;
        match (self, other) {
            (Other(a), Other(b)) => a.cmp(b),
            (Other(_), _) => Ordering::Less,
            (_, Other(_)) => Ordering::Greater,
            (Semver(a), Semver(b)) => {
                cmp_padded(&self.numbers(), &other.numbers()).then_with(|| a.cmp(b))
            }
            _ => cmp_padded(&self.numbers(), &other.numbers())
                .then_with(|| pre_rank(self).cmp(&pre_rank(other)))
                .then_with(|| self.numbers().len().cmp(&other.numbers().len()))
                .then_with(|| self.text().cmp(&other.text())),
        }
    }
}

/// 0 for a semver pre-release, 1 otherwise: pre-releases come first.
fn pre_rank(v: &Version) -> u8 {
    match v {
        Version::Semver(s) if !s.pre.is_empty() => 0,
        _ => 1,
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Semver(v) => write!(f, "{v}"),
            Version::Dotted(_, s) | Version::Other(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s)
    }

    #[test]
    fn classifies() {
        assert!(matches!(v("1.2.3"), Version::Semver(_)));
        assert!(matches!(v("1.2.3-rc.1+build.5"), Version::Semver(_)));
        assert_eq!(v("25.2.3.1").numbers(), vec![25, 2, 3, 1]);
        assert!(matches!(v("4.2"), Version::Dotted(..)));
        assert!(matches!(v("1.0-beta"), Version::Other(_)));
        assert!(matches!(v(""), Version::Other(_)));
        assert!(matches!(v("1..2"), Version::Other(_)));
    }

    #[test]
    fn orders_numerically() {
        assert!(v("4.2") < v("4.10"));
        assert!(v("4.2") < v("4.2.1"));
        assert!(v("25.2.3") < v("25.2.3.1"));
        assert!(v("25.2.3.1") < v("25.3"));
        assert!(v("1.0.0-rc.1") < v("1.0.0"));
        assert!(v("1.0.0-rc.1") < v("1.0"));
        assert!(v("1.0") < v("1.0.0"));
        assert!(v("git") < v("0.0.1"));
        assert_eq!(v("4.2").cmp(&v("4.2")), Ordering::Equal);
    }

    #[test]
    fn order_is_consistent_with_eq() {
        let all = ["1.0", "1.00", "1.0.0", "01.0", "1.0.0+b", "1.0.0-a", "x"];
        for a in all {
            for b in all {
                assert_eq!(v(a) == v(b), v(a).cmp(&v(b)) == Ordering::Equal, "{a} {b}");
                assert_eq!(v(a).cmp(&v(b)), v(b).cmp(&v(a)).reverse());
            }
        }
    }
}
