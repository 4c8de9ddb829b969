//! The version commands of a project, above [`crate::vsn_edit`]: which
//! paths are scanned ([`roots`]), what a request changes ([`set_request`]),
//! the plan of a change with the rules of `erlrel vsn` ([`plan_change`]:
//! no version found is an error, versions computed at build time are never
//! bumped), whether the versions agree ([`distinct_versions`]), and the
//! independent check of an edit used by the tests ([`verify_set`]).
//!
//! Nothing here writes: apply [`VsnPlan`]'s files with the `filetx` crate
//! (`Plan::edit_expecting`), which writes all of them or none.
//!
//! ```
//! use relx_config::vsn_edit::{Change, Part};
//! use relx_config::vsn_project::{plan_change, scan};
//! let dir = std::env::temp_dir().join(format!("vsn-project-doc-{}", std::process::id()));
//! std::fs::create_dir_all(dir.join("src")).unwrap();
//! std::fs::write(dir.join("src/a.app.src"), "{application, a, [{vsn, \"1.2.3\"}]}.\n").unwrap();
//! let found = scan(&[dir.clone()]).unwrap();
//! assert_eq!(found.sites().count(), 1);
//! let plan = plan_change(&found, &[dir.clone()], &Change::Bump(Part::Patch), false).unwrap();
//! assert_eq!(plan.files[0].new, b"{application, a, [{vsn, \"1.2.4\"}]}.\n");
//! let empty = dir.join("ebin");
//! std::fs::create_dir_all(&empty).unwrap();
//! let none = scan(&[empty.clone()]).unwrap();
//! assert!(plan_change(&none, &[empty], &Change::Bump(Part::Patch), false).unwrap_err().is_rejection());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use erlterm::Term;

use crate::vsn_edit::{self, Change, FileKind, Scan, VsnError, VsnPlan, VsnValue};

/// Why a version command cannot go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectError {
    /// Reading, validating or editing versions failed.
    #[error(transparent)]
    Vsn(#[from] VsnError),
    /// The paths hold no application or release version.
    #[error("no application or release version found under {}", shown(.0))]
    NoVersion(Vec<PathBuf>),
    /// `set` was given neither a version nor `--git`.
    #[error("a VERSION or --git is needed")]
    NoChange,
}

impl ProjectError {
    /// Whether the files were read and are rejected (exit status 1 in the
    /// CLI's scheme), rather than the command could not run (status 2).
    pub fn is_rejection(&self) -> bool {
        match self {
            ProjectError::Vsn(e) => e.is_rejection(),
            ProjectError::NoVersion(_) => true,
            ProjectError::NoChange => false,
        }
    }
}

fn shown(paths: &[PathBuf]) -> String {
    let all: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    all.join(" ")
}

/// The paths to scan: `paths`, or `.` when there are none.
pub fn roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    }
}

/// Scans [`roots`] of `paths` ([`vsn_edit::scan_paths`]).
pub fn scan(paths: &[PathBuf]) -> Result<Scan, ProjectError> {
    Ok(vsn_edit::scan_paths(&roots(paths))?)
}

/// The change and the paths of `vsn set`: `version` validated and set,
/// or, with `git` (`Some(repo)`), the versions git gives — `version` is
/// then the first path (a positional argument before the paths).
///
/// ```
/// use relx_config::vsn_edit::Change;
/// use relx_config::vsn_project::set_request;
/// let (change, paths) = set_request(Some("1.2.0"), None, &[]).unwrap();
/// assert_eq!(change, Change::Set("1.2.0".into()));
/// assert!(paths.is_empty());
/// let (change, paths) = set_request(Some("apps/a"), Some(None), &[]).unwrap();
/// assert_eq!((change, paths), (Change::Git(None), vec!["apps/a".into()]));
/// assert!(set_request(Some("minor"), None, &[]).is_err());
/// ```
pub fn set_request(
    version: Option<&str>,
    git: Option<Option<PathBuf>>,
    paths: &[PathBuf],
) -> Result<(Change, Vec<PathBuf>), ProjectError> {
    match (git, version) {
        (Some(repo), first) => {
            let mut all: Vec<PathBuf> = first.iter().map(PathBuf::from).collect();
            all.extend(paths.iter().cloned());
            Ok((Change::Git(repo), all))
        }
        (None, Some(v)) => {
            vsn_edit::validate(v)?;
            Ok((Change::Set(v.to_owned()), paths.to_vec()))
        }
        (None, None) => Err(ProjectError::NoChange),
    }
}

/// Plans `change` over `scan` (of [`roots`] of `paths`, named in the
/// error): [`ProjectError::NoVersion`] when there is no version at all;
/// `force` overwrites versions computed at build time for `Set` and
/// `Git`, never for `Bump` (which has no number to bump in them).
pub fn plan_change(
    scan: &Scan,
    paths: &[PathBuf],
    change: &Change,
    force: bool,
) -> Result<VsnPlan, ProjectError> {
    if scan.sites().next().is_none() {
        return Err(ProjectError::NoVersion(roots(paths)));
    }
    Ok(scan.plan(change, force && !matches!(change, Change::Bump(_)))?)
}

/// The distinct versions of a scan (a project whose versions agree has
/// one; none when it has no version).
pub fn distinct_versions(scan: &Scan) -> BTreeSet<&VsnValue> {
    scan.sites().map(|(_, s)| &s.value).collect()
}

/// Why [`verify_set`] rejects an edit.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// The original is not a kind of file this check knows.
    #[error("ORIG is not an .app.src, rebar.config or relx.config")]
    UnknownKind,
    /// A file does not parse.
    #[error("{which}: {message}")]
    Parse {
        /// `ORIG` or `NEW`.
        which: &'static str,
        /// The parser's message.
        message: String,
    },
    /// The terms are not the original's with the versions set.
    #[error("NEW does not read as ORIG with the versions set")]
    Terms,
    /// The line count changed.
    #[error("NEW has a different number of lines")]
    LineCount,
    /// A line changed that does not hold the version.
    #[error("line {0} changed beyond the version")]
    Line(usize),
}

/// Checks that `new` is `orig` (the contents of the file `path`) with
/// only its versions set to `version`, independently of the document
/// editor: `new` reads as `orig`'s terms with every literal application
/// and release version replaced (computed on plain terms), and only lines
/// holding `version` differ.
///
/// ```
/// use relx_config::vsn_project::verify_set;
/// let path = std::path::Path::new("a.app.src");
/// let orig = b"{application, a,\n [{vsn, \"1.0\"}]}.\n";
/// assert!(verify_set(path, orig, b"{application, a,\n [{vsn, \"2.0\"}]}.\n", "2.0").is_ok());
/// assert!(verify_set(path, orig, b"{application, b,\n [{vsn, \"2.0\"}]}.\n", "2.0").is_err());
/// ```
pub fn verify_set(path: &Path, orig: &[u8], new: &[u8], version: &str) -> Result<(), VerifyError> {
    let kind = verify_kind(path)?;
    let parse = |which: &'static str, bytes: &[u8]| {
        erlterm::parse_bytes(bytes).map_err(|e| VerifyError::Parse {
            which,
            message: e.to_string(),
        })
    };
    let (orig_terms, new_terms) = (parse("ORIG", orig)?, parse("NEW", new)?);
    if new_terms != expected_terms(kind, &orig_terms, version) {
        return Err(VerifyError::Terms);
    }
    let (o, n) = (
        erlterm::encoding::decode_for_display(orig),
        erlterm::encoding::decode_for_display(new),
    );
    let (ol, nl): (Vec<&str>, Vec<&str>) = (o.split('\n').collect(), n.split('\n').collect());
    if ol.len() != nl.len() {
        return Err(VerifyError::LineCount);
    }
    match ol
        .iter()
        .zip(&nl)
        .position(|(a, b)| a != b && !b.contains(version))
    {
        Some(i) => Err(VerifyError::Line(i + 1)),
        None => Ok(()),
    }
}

/// The kind of `path` for [`verify_set`]: an `.app.src`, `rebar.config`
/// or `relx.config` ([`VerifyError::UnknownKind`] otherwise).
pub fn verify_kind(path: &Path) -> Result<FileKind, VerifyError> {
    match FileKind::of(path) {
        Some(k @ (FileKind::AppSrc | FileKind::RebarConfig | FileKind::RelxConfig)) => Ok(k),
        _ => Err(VerifyError::UnknownKind),
    }
}

/// Strings that rebar3 and relx read as a version source, not a version.
const DYNAMIC_STRINGS: &[&str] = &["git", "semver", "hg", "pkg", "git_subdir"];

/// The terms `orig` should read as after `vsn set VERSION`.
fn expected_terms(kind: FileKind, terms: &[Term], version: &str) -> Vec<Term> {
    terms
        .iter()
        .map(|t| match kind {
            FileKind::RelxConfig => set_release_term(t, version),
            FileKind::RebarConfig => set_rebar_term(t, version),
            _ => set_app_term(t, version),
        })
        .collect()
}

fn is_literal(t: &Term) -> bool {
    t.as_string()
        .is_some_and(|s| !DYNAMIC_STRINGS.contains(&s.as_str()))
}

fn set_app_term(t: &Term, version: &str) -> Term {
    let Some((tag, name, (props, tail))) = t.as_tuple().and_then(|els| match els {
        [tag, name, list] => Some((tag, name, list.list_parts()?)),
        _ => None,
    }) else {
        return t.clone();
    };
    if tag.as_atom() != Some("application") {
        return t.clone();
    }
    let mut props = props.to_vec();
    let first_vsn = props.iter_mut().find_map(|p| match p {
        Term::Tuple(kv) => match kv.as_mut_slice() {
            [k, v] if k.as_atom() == Some("vsn") => Some(v),
            _ => None,
        },
        _ => None,
    });
    if let Some(v) = first_vsn.filter(|v| is_literal(v)) {
        *v = Term::string(version);
    }
    Term::tuple(vec![tag.clone(), name.clone(), with_tail(props, tail)])
}

fn set_release_term(t: &Term, version: &str) -> Term {
    let mut t = t.clone();
    if let Term::Tuple(els) = &mut t {
        if let [tag, Term::Tuple(id), _, ..] = els.as_mut_slice() {
            if tag.as_atom() == Some("release") {
                if let [_, vsn, ..] = id.as_mut_slice() {
                    if is_literal(vsn) {
                        *vsn = Term::string(version);
                    }
                }
            }
        }
    }
    t
}

fn map_list(t: &Term, f: impl Fn(&Term) -> Term) -> Term {
    match t {
        Term::List(_) | Term::ImproperList(_) => {
            let (items, tail) = t.list_parts().unwrap_or_default();
            with_tail(items.iter().map(f).collect(), tail)
        }
        other => other.clone(),
    }
}

/// A list of `items` ending in `tail` (`None`: a proper list).
fn with_tail(items: Vec<Term>, tail: Option<&Term>) -> Term {
    match tail {
        None => Term::List(items),
        Some(t) => Term::improper_list(items, t.clone()),
    }
}

fn set_rebar_term(t: &Term, version: &str) -> Term {
    let relx = |v: &Term| map_list(v, |r| set_release_term(r, version));
    match t.as_tuple() {
        Some([k, v]) if k.as_atom() == Some("relx") => Term::tuple(vec![k.clone(), relx(v)]),
        Some([k, v]) if k.as_atom() == Some("profiles") => {
            let profiles = map_list(v, |p| match p.as_tuple() {
                Some([name, entries @ (Term::List(_) | Term::ImproperList(_))]) => {
                    let entries = map_list(entries, |e| match e.as_tuple() {
                        Some([rk, rv]) if rk.as_atom() == Some("relx") => {
                            Term::tuple(vec![rk.clone(), relx(rv)])
                        }
                        _ => e.clone(),
                    });
                    Term::tuple(vec![name.clone(), entries])
                }
                _ => p.clone(),
            });
            Term::tuple(vec![k.clone(), profiles])
        }
        _ => t.clone(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::vsn_edit::Part;

    #[test]
    fn roots_default_to_the_current_folder() {
        assert_eq!(roots(&[]), [PathBuf::from(".")]);
        assert_eq!(roots(&["a".into()]), [PathBuf::from("a")]);
    }

    #[test]
    fn set_request_needs_a_valid_version_or_git() {
        assert!(matches!(
            set_request(None, None, &[]),
            Err(ProjectError::NoChange)
        ));
        let e = set_request(Some("git"), None, &[]).unwrap_err();
        assert!(!e.is_rejection(), "a bad VERSION is bad usage: {e}");
        let (c, p) = set_request(None, Some(Some("r".into())), &["x".into()]).unwrap();
        assert_eq!((c, p), (Change::Git(Some("r".into())), vec!["x".into()]));
    }

    #[test]
    fn plan_keeps_dynamic_versions_unless_forced_and_never_bumps_them() {
        let dir = std::env::temp_dir().join(format!("vsn-project-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(
            dir.join("src/a.app.src"),
            "{application, a, [{vsn, git}]}.\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("src/b.app.src"),
            "{application, b, [{vsn, \"1.0.0\"}]}.\n",
        )
        .unwrap();
        let set = Change::Set("2.0.0".into());
        let paths = [dir.clone()];
        let found = scan(&paths).unwrap();
        let plan = plan_change(&found, &paths, &set, false).unwrap();
        assert_eq!((plan.files.len(), plan.skipped.len()), (1, 1));
        let plan = plan_change(&found, &paths, &set, true).unwrap();
        assert_eq!((plan.files.len(), plan.skipped.len()), (2, 0));
        let plan = plan_change(&found, &paths, &Change::Bump(Part::Major), true).unwrap();
        assert_eq!((plan.files.len(), plan.skipped.len()), (1, 1));
        assert_eq!(distinct_versions(&found).len(), 2);
        let empty = dir.join("ebin");
        std::fs::create_dir_all(&empty).unwrap();
        let only = [empty.clone()];
        let e = plan_change(&scan(&only).unwrap(), &only, &set, false).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "no application or release version found under {}",
                empty.display()
            )
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn verify_catches_changes_beyond_the_version() {
        let p = Path::new("rebar.config");
        let orig = b"{relx, [{release, {r, \"1.0\"}, [a]}]}.\n%% c\n";
        let good = b"{relx, [{release, {r, \"2.0\"}, [a]}]}.\n%% c\n";
        assert_eq!(verify_set(p, orig, good, "2.0"), Ok(()));
        let comment = b"{relx, [{release, {r, \"2.0\"}, [a]}]}.\n%% d\n";
        assert_eq!(
            verify_set(p, orig, comment, "2.0"),
            Err(VerifyError::Line(2))
        );
        let joined = b"{relx, [{release, {r, \"2.0\"}, [a]}]}.\n";
        assert_eq!(
            verify_set(p, orig, joined, "2.0"),
            Err(VerifyError::LineCount)
        );
        assert_eq!(
            verify_set(Path::new("x.app"), orig, good, "2.0"),
            Err(VerifyError::UnknownKind)
        );
        let dynamic = b"{relx, [{release, {r, git}, [a]}]}.\n";
        assert_eq!(verify_set(p, dynamic, dynamic, "2.0"), Ok(()));
    }
}
