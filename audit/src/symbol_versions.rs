//! Symbol version names (`GLIBC_2.34`, `OPENSSL_3.0.0`, `GLIBCXX_3.4.29`):
//! parsing, ordering, and the newest one required from each library.

use std::cmp::Ordering;
use std::fmt;

use crate::elf_file::LibraryNeed;

/// Numeric version components are at most this long (in digits).
const MAX_COMPONENT_DIGITS: usize = 18;
/// A version has at most this many components.
const MAX_COMPONENTS: usize = 8;

/// A numbered symbol version: a family name and dotted numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SymbolVersion {
    /// The family, e.g. `GLIBC`, `OPENSSL`, `GLIBCXX`.
    pub family: String,
    /// The numbers, e.g. `[2, 34]`.
    pub numbers: Vec<u64>,
}

impl SymbolVersion {
    /// Parses a version name such as `GLIBC_2.2.5` or `OPENSSL_1_1_0`: the
    /// family is everything before the first `_` that is followed by a
    /// digit; the rest is numbers separated by `.` or `_`.
    ///
    /// `GLIBC_ABI_DT_RELR` is read as `GLIBC_2.36`, the glibc release that
    /// introduced it. Names without numbers (`GLIBC_PRIVATE`) give `None`.
    pub fn parse(name: &str) -> Option<SymbolVersion> {
        if name == "GLIBC_ABI_DT_RELR" {
            return Some(SymbolVersion {
                family: "GLIBC".to_owned(),
                numbers: vec![2, 36],
            });
        }
        let bytes = name.as_bytes();
        let split = bytes
            .windows(2)
            .position(|w| matches!(w, [b'_', d] if d.is_ascii_digit()))?;
        let (family, rest) = (&name[..split], &name[split + 1..]);
        if family.is_empty() {
            return None;
        }
        let mut numbers = Vec::new();
        for part in rest.split(['.', '_']) {
            if part.is_empty()
                || part.len() > MAX_COMPONENT_DIGITS
                || !part.bytes().all(|b| b.is_ascii_digit())
                || numbers.len() >= MAX_COMPONENTS
            {
                return None;
            }
            numbers.push(part.parse().ok()?);
        }
        Some(SymbolVersion {
            family: family.to_owned(),
            numbers,
        })
    }

    /// Compares the numbers (missing trailing components count as 0).
    pub fn cmp_numbers(&self, other: &[u64]) -> Ordering {
        let len = self.numbers.len().max(other.len());
        for i in 0..len {
            let a = self.numbers.get(i).copied().unwrap_or(0);
            let b = other.get(i).copied().unwrap_or(0);
            match a.cmp(&b) {
                Ordering::Equal => continue,
                unequal => return unequal,
            }
        }
        Ordering::Equal
    }
}

impl fmt::Display for SymbolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_", self.family)?;
        for (i, n) in self.numbers.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{n}")?;
        }
        Ok(())
    }
}

/// Parses a dotted version such as `2.31` (for `--target-glibc`).
pub fn parse_dotted(text: &str) -> Option<Vec<u64>> {
    let mut numbers = Vec::new();
    for part in text.trim().split('.') {
        if part.is_empty()
            || part.len() > MAX_COMPONENT_DIGITS
            || !part.bytes().all(|b| b.is_ascii_digit())
            || numbers.len() >= MAX_COMPONENTS
        {
            return None;
        }
        numbers.push(part.parse().ok()?);
    }
    Some(numbers)
}

/// The newest version required from one library, per family.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct NewestVersion {
    /// The library's soname.
    pub library: String,
    /// The version name as written in the file, e.g. `GLIBC_2.34`.
    pub version: String,
}

/// For each library and each version family, the newest version name
/// required, in library order; names without numbers are left out.
pub fn newest_versions(libraries: &[LibraryNeed]) -> Vec<NewestVersion> {
    let mut out: Vec<(NewestVersion, SymbolVersion)> = Vec::new();
    for library in libraries {
        let start = out.len();
        for name in &library.versions {
            let Some(parsed) = SymbolVersion::parse(name) else {
                continue;
            };
            let same_family = out
                .iter_mut()
                .skip(start)
                .find(|(_, seen)| seen.family == parsed.family);
            match same_family {
                Some((newest, seen)) => {
                    if parsed.cmp_numbers(&seen.numbers) == Ordering::Greater {
                        newest.version = name.clone();
                        *seen = parsed;
                    }
                }
                None => out.push((
                    NewestVersion {
                        library: library.library.clone(),
                        version: name.clone(),
                    },
                    parsed,
                )),
            }
        }
    }
    out.into_iter().map(|(newest, _)| newest).collect()
}

/// The newest `GLIBC_*` version required by the file, from any library.
pub fn newest_glibc(libraries: &[LibraryNeed]) -> Option<SymbolVersion> {
    let mut newest: Option<SymbolVersion> = None;
    for name in libraries.iter().flat_map(|l| l.versions.iter()) {
        let Some(parsed) = SymbolVersion::parse(name) else {
            continue;
        };
        if parsed.family != "GLIBC" {
            continue;
        }
        if newest
            .as_ref()
            .is_none_or(|n| parsed.cmp_numbers(&n.numbers) == Ordering::Greater)
        {
            newest = Some(parsed);
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_version_names() {
        let a = SymbolVersion::parse("GLIBC_2.2.5").unwrap_or_else(|| unreachable!());
        let b = SymbolVersion::parse("GLIBC_2.34").unwrap_or_else(|| unreachable!());
        assert_eq!(a.family, "GLIBC");
        assert_eq!(b.cmp_numbers(&a.numbers), Ordering::Greater);
        assert_eq!(
            SymbolVersion::parse("OPENSSL_1_1_0").map(|v| v.numbers),
            Some(vec![1, 1, 0])
        );
        assert_eq!(
            SymbolVersion::parse("NCURSES6_TINFO_5.0.19991023").map(|v| v.family),
            Some("NCURSES6_TINFO".to_owned())
        );
        assert_eq!(SymbolVersion::parse("GLIBC_PRIVATE"), None);
        assert_eq!(SymbolVersion::parse("GLIBC_2.x"), None);
        assert_eq!(
            SymbolVersion::parse("GLIBC_ABI_DT_RELR").map(|v| v.to_string()),
            Some("GLIBC_2.36".to_owned())
        );
        assert_eq!(parse_dotted("2.31"), Some(vec![2, 31]));
        assert_eq!(parse_dotted("2..31"), None);
    }

    #[test]
    fn newest_per_library_and_family() {
        let libs = vec![
            LibraryNeed {
                library: "libc.so.6".into(),
                needed: true,
                versions: vec![
                    "GLIBC_2.3.4".into(),
                    "GLIBC_2.14".into(),
                    "GLIBC_2.4".into(),
                ],
            },
            LibraryNeed {
                library: "libstdc++.so.6".into(),
                needed: true,
                versions: vec![
                    "CXXABI_1.3".into(),
                    "GLIBCXX_3.4.9".into(),
                    "GLIBCXX_3.4.29".into(),
                ],
            },
        ];
        let newest = newest_versions(&libs);
        let names: Vec<_> = newest.iter().map(|n| n.version.as_str()).collect();
        assert_eq!(names, ["GLIBC_2.14", "CXXABI_1.3", "GLIBCXX_3.4.29"]);
        assert_eq!(newest_glibc(&libs).map(|v| v.numbers), Some(vec![2, 14]));
    }
}
