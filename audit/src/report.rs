//! The audit report: per-file results, release versions, findings, and
//! their rendering as a table for people.

use std::cmp::Ordering;
use std::fmt::Write as _;

use crate::elf_file::{ElfType, LibraryNeed};
use crate::hardening::{Check, Outcome, Verdict};
use crate::otp_version::ReleaseVersions;
use crate::release_files::Location;
use crate::symbol_versions::{NewestVersion, SymbolVersion};
use crate::Policy;

/// The audit of one ELF file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileAudit {
    /// The path relative to the release root.
    pub path: String,
    /// Runtime or application native code.
    pub location: Location,
    /// The ELF type, when the file could be read.
    pub elf_type: Option<ElfType>,
    /// The hardening verdicts, in [`Check::ALL`] order.
    pub verdicts: Vec<Verdict>,
    /// The shared libraries needed, with the versions required from each.
    pub libraries: Vec<LibraryNeed>,
    /// The newest version required per library and version family.
    pub newest_versions: Vec<NewestVersion>,
    /// The newest `GLIBC_*` version required, if any.
    pub newest_glibc: Option<String>,
    /// Why the file could not be audited.
    pub error: Option<String>,
}

impl FileAudit {
    /// A file that could not be read or parsed.
    pub fn failed(path: &str, location: Location, error: String) -> FileAudit {
        FileAudit {
            path: path.to_owned(),
            location,
            elf_type: None,
            verdicts: Vec::new(),
            libraries: Vec::new(),
            newest_versions: Vec::new(),
            newest_glibc: None,
            error: Some(error),
        }
    }

    /// The verdict of one check.
    pub fn verdict(&self, check: Check) -> Option<&Verdict> {
        self.verdicts.iter().find(|v| v.check == check)
    }
}

/// A reason the audit fails.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The file concerned, if any.
    pub path: Option<String>,
    /// What was checked: a hardening check key, `glibc`, `otp` or `elf`.
    pub check: String,
    /// What is wrong.
    pub message: String,
}

/// The result of auditing a release.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditReport {
    /// The release path as given.
    pub release: String,
    /// Whether the release bundles a runtime (`erts-*/bin/beam.smp`).
    pub runtime_bundled: bool,
    /// The `erts-*` folders of the release.
    pub erts_folders: Vec<String>,
    /// The OTP and ERTS versions.
    pub versions: ReleaseVersions,
    /// Every ELF file audited.
    pub files: Vec<FileAudit>,
    /// Why the audit fails; empty when it passes.
    pub findings: Vec<Finding>,
    /// Things worth knowing that do not fail the audit.
    pub notes: Vec<String>,
    /// Whether the audit passes.
    pub passed: bool,
}

impl AuditReport {
    /// Fills `findings`, `notes` and `passed` from the policy.
    pub fn evaluate(&mut self, policy: &Policy) {
        let mut findings = Vec::new();
        let mut notes = Vec::new();
        for file in &self.files {
            if let Some(error) = &file.error {
                findings.push(Finding {
                    path: Some(file.path.clone()),
                    check: "elf".into(),
                    message: error.clone(),
                });
            }
            for v in &file.verdicts {
                if v.outcome == Outcome::Fail && policy.enforced.contains(&v.check) {
                    findings.push(Finding {
                        path: Some(file.path.clone()),
                        check: v.check.key().into(),
                        message: format!("{}: {}", v.check.label(), v.message),
                    });
                }
            }
            if let (Some(target), Some(newest)) = (&policy.target_glibc, &file.newest_glibc) {
                let needs = SymbolVersion::parse(newest);
                if needs.is_some_and(|n| n.cmp_numbers(target) == Ordering::Greater) {
                    findings.push(Finding {
                        path: Some(file.path.clone()),
                        check: "glibc".into(),
                        message: format!(
                            "needs {newest}, newer than the target glibc {}",
                            dotted(target)
                        ),
                    });
                }
            }
        }
        if let Some(min) = policy.min_otp {
            match self.versions.otp_major {
                Some(major) if major < min => findings.push(Finding {
                    path: None,
                    check: "otp".into(),
                    message: format!("OTP {major} is older than the minimum OTP {min}"),
                }),
                Some(_) => {}
                None => findings.push(Finding {
                    path: None,
                    check: "otp".into(),
                    message: format!("the OTP release could not be determined (minimum OTP {min})"),
                }),
            }
        }
        if !self.runtime_bundled {
            notes.push(
                "no runtime is bundled (no erts-*/bin/beam.smp): the target's installed \
                 Erlang/OTP runs the release and is not audited here"
                    .to_owned(),
            );
        }
        if self.versions.erts_mismatch {
            let list: Vec<String> = self
                .versions
                .erts_evidence
                .iter()
                .map(|e| format!("{} in {}", e.version, e.source))
                .collect();
            notes.push(format!(
                "the release files name different ERTS versions: {}",
                list.join(", ")
            ));
        }
        if self.files.is_empty() {
            notes.push("no ELF files found in erts-*/bin or lib/*/priv".to_owned());
        }
        for problem in &self.versions.problems {
            notes.push(format!("the version could not be read from {problem}"));
        }
        self.passed = findings.is_empty();
        self.findings = findings;
        self.notes = notes;
    }

    /// The report as pretty-printed JSON, for CI.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string_pretty(self)
    }

    /// The report as a table and lists, for people.
    pub fn render_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Release: {}", esc(&self.release));
        let v = &self.versions;
        let otp = match (&v.otp, v.otp_major) {
            (Some(full), _) => esc(full).into_owned(),
            (None, Some(major)) => format!("{major} (from the ERTS version)"),
            (None, None) => "unknown".to_owned(),
        };
        let _ = writeln!(out, "OTP:     {otp}");
        let _ = writeln!(
            out,
            "ERTS:    {}",
            esc(v.erts.as_deref().unwrap_or("unknown"))
        );
        let _ = writeln!(
            out,
            "Runtime: {}",
            if self.runtime_bundled {
                format!("bundled ({})", esc(&self.erts_folders.join(", ")))
            } else {
                "not bundled".to_owned()
            }
        );
        out.push('\n');

        let headers = [
            "FILE", "PIE", "SSP", "FORTIFY", "RELRO", "NOW", "NX", "CFI", "GLIBC",
        ];
        let mut rows: Vec<Vec<String>> = Vec::new();
        for file in &self.files {
            let mut row = vec![esc(&file.path).into_owned()];
            if let Some(error) = &file.error {
                row.push(format!("error: {}", esc(error)));
                rows.push(row);
                continue;
            }
            for check in Check::ALL {
                row.push(file.verdict(check).map_or("-".to_owned(), cell));
            }
            row.push(file.newest_glibc.as_deref().map_or("-".to_owned(), |g| {
                g.trim_start_matches("GLIBC_").to_owned()
            }));
            rows.push(row);
        }
        let mut widths: Vec<usize> = headers.iter().map(|h| h.len()).collect();
        for row in &rows {
            if row.len() == headers.len() {
                for (w, c) in widths.iter_mut().zip(row) {
                    *w = (*w).max(c.chars().count());
                }
            } else if let (Some(first), Some(w)) = (row.first(), widths.first_mut()) {
                *w = (*w).max(first.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    s.push_str(c);
                } else {
                    let w = widths.get(i).copied().unwrap_or(0);
                    let _ = write!(s, "{c:<w$}  ");
                }
            }
            s.trim_end().to_owned()
        };
        if rows.is_empty() {
            out.push_str("(no ELF files)\n");
        } else {
            let head: Vec<String> = headers.iter().map(|h| (*h).to_owned()).collect();
            let _ = writeln!(out, "{}", line(&head));
            for row in &rows {
                let _ = writeln!(out, "{}", line(row));
            }
        }

        let with_libs: Vec<&FileAudit> = self
            .files
            .iter()
            .filter(|f| !f.libraries.is_empty())
            .collect();
        if !with_libs.is_empty() {
            out.push_str("\nShared libraries (newest version required):\n");
            for file in with_libs {
                let libs: Vec<String> = file
                    .libraries
                    .iter()
                    .map(|l| {
                        let newest: Vec<&str> = file
                            .newest_versions
                            .iter()
                            .filter(|n| n.library == l.library)
                            .map(|n| n.version.as_str())
                            .collect();
                        if newest.is_empty() {
                            l.library.clone()
                        } else {
                            format!("{} ({})", l.library, newest.join(", "))
                        }
                    })
                    .collect();
                let _ = writeln!(out, "  {}: {}", esc(&file.path), esc(&libs.join(", ")));
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "\nnote: {}", esc(note));
        }
        out.push('\n');
        if self.passed {
            out.push_str("audit passed\n");
        } else {
            for f in &self.findings {
                match &f.path {
                    Some(p) => {
                        let _ = writeln!(out, "FAIL {}: {}", esc(p), esc(&f.message));
                    }
                    None => {
                        let _ = writeln!(out, "FAIL {}", esc(&f.message));
                    }
                }
            }
            let _ = writeln!(out, "audit failed: {} finding(s)", self.findings.len());
        }
        out
    }
}

/// Text from the release (paths, versions, messages quoting them) with
/// control characters escaped, so a file name cannot drive the terminal
/// or forge a line of the report. JSON escapes them itself.
fn esc(text: &str) -> std::borrow::Cow<'_, str> {
    erlterm::diagnostic::escape_control(text)
}

fn cell(v: &Verdict) -> String {
    match v.outcome {
        Outcome::Pass => "yes",
        Outcome::Fail => "NO",
        Outcome::Unknown => "unknown",
        Outcome::NotApplicable => "n/a",
    }
    .to_owned()
}

fn dotted(numbers: &[u64]) -> String {
    numbers
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}
