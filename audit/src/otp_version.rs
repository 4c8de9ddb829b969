//! The OTP and ERTS versions of a release, from its files.
//!
//! Sources, as a release lays them out:
//! - `erts-VSN/` folder names (the bundled runtime);
//! - `releases/start_erl.data` and `releases/VSN/start_erl.data`: `ERTS_VSN REL_VSN`;
//! - `releases/RELEASES`: `[{release, Name, Vsn, ErtsVsn, Libs, Status}, ...].`;
//! - `releases/VSN/NAME.rel`: `{release, {Name, Vsn}, {erts, ErtsVsn}, Apps}.`;
//! - `OTP_VERSION` and `releases/MAJOR/OTP_VERSION` (a full OTP install).
//!
//! The term files (`.rel`, `RELEASES`) are read with `erlterm`, as
//! `file:consult/1` reads them: a commented-out `%% {erts, "11.0"}` is a
//! comment, not a version.

use erlterm::Term;

/// Where a version was read from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VersionEvidence {
    /// The file or folder, relative to the release root.
    pub source: String,
    /// The version read from it.
    pub version: String,
}

/// The versions of a release.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReleaseVersions {
    /// The ERTS version: of the bundled `erts-*` folder if there is one,
    /// else from `start_erl.data`, `RELEASES` or a `.rel` file.
    pub erts: Option<String>,
    /// The OTP version from an `OTP_VERSION` file, if there is one.
    pub otp: Option<String>,
    /// The OTP major release: from `OTP_VERSION`, else derived from the ERTS
    /// version.
    pub otp_major: Option<u32>,
    /// Every ERTS version found, with where it was found.
    pub erts_evidence: Vec<VersionEvidence>,
    /// Every OTP version found, with where it was found.
    pub otp_evidence: Vec<VersionEvidence>,
    /// Whether the ERTS versions found disagree.
    pub erts_mismatch: bool,
    /// Release files whose version could not be read (`PATH: why`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// The OTP major release that shipped an ERTS version (by its major and
/// minor numbers), from the OTP release notes.
pub fn otp_major_for_erts(erts: &str) -> Option<u32> {
    let mut parts = erts.split('.').map(|p| p.parse::<u32>().ok());
    let major = parts.next()??;
    let minor = parts.next().flatten().unwrap_or(0);
    let otp = match (major, minor) {
        (6, _) => 17,
        (7, _) => 18,
        (8, _) => 19,
        (9, _) => 20,
        (10, 0..=3) => 21,
        (10, _) => 22,
        (11, _) => 23,
        (12, _) => 24,
        (13, _) => 25,
        (14, _) => 26,
        (15, _) => 27,
        (16, _) => 28,
        (17, _) => 29,
        _ => return None,
    };
    Some(otp)
}

/// The ERTS version of a `.rel` file:
/// `{release, {Name, Vsn}, {erts, ErtsVsn}, Apps}.`, read with relup's
/// model of `.rel` files, as systools reads it ([`relup::Release`]).
fn rel_erts(text: &str) -> Result<String, String> {
    match relup::Release::parse_spanned(text) {
        Ok(rel) => Ok(rel.erts_vsn),
        Err(e) => Err(match (&e.error, e.span) {
            (relup::ReleaseError::Parse(m) | relup::ReleaseError::Read(m), Some(at)) => {
                format!("{}:{}: {m}", at.line, at.column)
            }
            (other, _) => other.to_string(),
        }),
    }
}

/// The ERTS versions of a `RELEASES` file:
/// `[{release, Name, Vsn, ErtsVsn, Libs, Status}, ...].`
fn releases_erts(text: &str) -> Result<Vec<String>, String> {
    let terms = erlterm::parse_str(text).map_err(|e| e.to_string())?;
    let list = terms
        .first()
        .and_then(Term::as_list)
        .ok_or_else(|| "not a list of releases".to_owned())?;
    Ok(list
        .iter()
        .filter_map(Term::as_tuple)
        .filter(|t| t.len() == 6 && t.first().and_then(Term::as_atom) == Some("release"))
        .filter_map(|t| t.get(3).and_then(Term::as_string))
        .collect())
}

fn plausible_version(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'+'))
}

/// Collects versions from release files as they are found.
#[derive(Debug, Default)]
pub struct VersionCollector {
    bundled_erts: Vec<VersionEvidence>,
    other_erts: Vec<VersionEvidence>,
    otp: Vec<VersionEvidence>,
    problems: Vec<String>,
}

impl VersionCollector {
    /// An `erts-VSN` folder of the release root.
    pub fn erts_folder(&mut self, folder: &str) {
        if let Some(vsn) = folder.strip_prefix("erts-") {
            if plausible_version(vsn) && !self.bundled_erts.iter().any(|e| e.source == folder) {
                self.bundled_erts.push(VersionEvidence {
                    source: folder.to_owned(),
                    version: vsn.to_owned(),
                });
            }
        }
    }

    /// A metadata file (see [`is_version_file`]) with its relative path.
    pub fn file(&mut self, path: &str, text: &str) {
        let name = path.rsplit('/').next().unwrap_or(path);
        if name == "OTP_VERSION" {
            let vsn = text.trim();
            if plausible_version(vsn) {
                self.otp.push(evidence(path, vsn));
            }
        } else if name == "start_erl.data" {
            if let Some(vsn) = text.split_whitespace().next() {
                if plausible_version(vsn) {
                    self.other_erts.push(evidence(path, vsn));
                }
            }
        } else if name == "RELEASES" {
            match releases_erts(text) {
                Ok(versions) => {
                    for vsn in versions.iter().filter(|v| plausible_version(v)) {
                        self.other_erts.push(evidence(path, vsn));
                    }
                }
                Err(e) => self.problem(path, &e),
            }
        } else if name.ends_with(".rel") {
            match rel_erts(text) {
                Ok(vsn) if plausible_version(&vsn) => self.other_erts.push(evidence(path, &vsn)),
                Ok(vsn) => self.problem(path, &format!("implausible ERTS version {vsn:?}")),
                Err(e) => self.problem(path, &e),
            }
        }
    }

    fn problem(&mut self, path: &str, what: &str) {
        let what = erlterm::diagnostic::escape_control(what);
        self.problems.push(format!("{path}: {what}"));
    }

    /// The versions found.
    pub fn finish(mut self) -> ReleaseVersions {
        self.bundled_erts.sort_by(|a, b| a.source.cmp(&b.source));
        self.other_erts.sort_by(|a, b| a.source.cmp(&b.source));
        self.otp.sort_by(|a, b| a.source.cmp(&b.source));
        let erts = self
            .bundled_erts
            .last()
            .or_else(|| self.other_erts.first())
            .map(|e| e.version.clone());
        let mut erts_evidence = self.bundled_erts;
        erts_evidence.extend(self.other_erts);
        let erts_mismatch = erts_evidence
            .windows(2)
            .any(|pair| matches!(pair, [a, b] if a.version != b.version));
        let otp = self.otp.last().map(|e| e.version.clone());
        let otp_major = otp
            .as_deref()
            .and_then(|v| v.split('.').next())
            .and_then(|m| m.parse().ok())
            .or_else(|| erts.as_deref().and_then(otp_major_for_erts));
        ReleaseVersions {
            erts,
            otp,
            otp_major,
            erts_evidence,
            otp_evidence: self.otp,
            erts_mismatch,
            problems: self.problems,
        }
    }
}

fn evidence(path: &str, vsn: &str) -> VersionEvidence {
    VersionEvidence {
        source: path.to_owned(),
        version: vsn.to_owned(),
    }
}

/// Whether a path relative to the release root (components) is a file the
/// version collector reads.
pub fn is_version_file(components: &[&str]) -> bool {
    match components {
        ["OTP_VERSION"] => true,
        ["releases", "RELEASES" | "start_erl.data"] => true,
        ["releases", _, name] => {
            *name == "start_erl.data" || *name == "OTP_VERSION" || name.ends_with(".rel")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erts_to_otp_major() {
        assert_eq!(otp_major_for_erts("13.1.5"), Some(25));
        assert_eq!(otp_major_for_erts("10.3.5.2"), Some(21));
        assert_eq!(otp_major_for_erts("10.4"), Some(22));
        assert_eq!(otp_major_for_erts("15.2.1"), Some(27));
        assert_eq!(otp_major_for_erts("5.10.4"), None);
        assert_eq!(otp_major_for_erts("junk"), None);
    }

    #[test]
    fn collects_from_release_files() {
        let mut c = VersionCollector::default();
        c.erts_folder("erts-14.2.1");
        c.file("releases/0.1.0/start_erl.data", "14.2.1 0.1.0\n");
        c.file(
            "releases/RELEASES",
            "[{release,\"my\",\"0.1.0\",\"14.2.1\",[{kernel,\"9.2\",\"/x\"}],permanent}].",
        );
        c.file(
            "releases/0.1.0/my.rel",
            "{release,{\"my\",\"0.1.0\"},{erts,\"14.2.0\"},[{kernel,\"9.2\"},{stdlib,\"5.2\"}]}.",
        );
        let v = c.finish();
        assert_eq!(v.erts.as_deref(), Some("14.2.1"));
        assert_eq!(v.otp_major, Some(26));
        assert_eq!(v.erts_evidence.len(), 4);
        assert!(v.erts_mismatch);
        assert_eq!(v.otp, None);
    }

    #[test]
    fn commented_out_versions_are_comments() {
        let mut c = VersionCollector::default();
        c.file(
            "releases/1.0/my.rel",
            "%% {release, {\"my\", \"0.9\"}, {erts, \"11.0\"}, []}.\n\
             {release, {\"my\", \"1.0\"},\n %% {erts, \"11.0\"},\n {erts, \"13.1.5\"},\n [{kernel, \"8.5\"}, {stdlib, \"4.2\"}]}.\n",
        );
        c.file(
            "releases/RELEASES",
            "%% [{release,\"my\",\"0.9\",\"11.0\",[],old}].\n[{release,\"my\",\"1.0\",\"13.1.5\",[],permanent}].",
        );
        let v = c.finish();
        assert_eq!(v.erts.as_deref(), Some("13.1.5"));
        assert_eq!(v.otp_major, Some(25));
        assert!(!v.erts_mismatch, "{v:?}");
        assert!(v.problems.is_empty());
    }

    #[test]
    fn unreadable_release_files_are_problems() {
        let mut c = VersionCollector::default();
        c.file(
            "releases/1.0/my.rel",
            "{release, {\"my\", \"1.0\"} {erts, \"13.1\"}, []}.",
        );
        c.file(
            "releases/1.0/other.rel",
            "{release, {\"my\", \"1.0\"}, {erts, '13.1'}, []}.",
        );
        c.file(
            "releases/1.0/nostd.rel",
            "{release, {\"my\", \"1.0\"}, {erts, \"13.1\"}, [{kernel, \"8.5\"}]}.",
        );
        c.file("releases/RELEASES", "{release}.");
        let v = c.finish();
        assert_eq!(v.erts, None);
        assert_eq!(
            v.problems,
            [
                "releases/1.0/my.rel: 1:25: syntax error before: '{'",
                "releases/1.0/other.rel: the erts version '13.1' is not a string or a list (systools crashes with badarg)",
                "releases/1.0/nostd.rel: mandatory application stdlib is missing",
                "releases/RELEASES: not a list of releases",
            ]
        );
    }

    #[test]
    fn otp_version_file_wins() {
        let mut c = VersionCollector::default();
        c.file("releases/25/OTP_VERSION", "25.2.3\n");
        c.file("releases/start_erl.data", "13.1.5 25");
        let v = c.finish();
        assert_eq!(v.otp.as_deref(), Some("25.2.3"));
        assert_eq!(v.otp_major, Some(25));
        assert_eq!(v.erts.as_deref(), Some("13.1.5"));
        assert!(!v.erts_mismatch);
    }
}
