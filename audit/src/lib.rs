#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(not(test), warn(clippy::indexing_slicing))]

pub mod elf_file;
pub mod error;
pub mod hardening;
pub mod otp_version;
pub mod release_files;
pub mod report;
pub mod symbol_versions;

use std::collections::BTreeSet;
use std::path::Path;

pub use error::{AuditError, ElfError};
pub use hardening::{assess, Check, Outcome, Verdict};
pub use report::{AuditReport, FileAudit, Finding};

use elf_file::read_elf;
use otp_version::VersionCollector;
use release_files::{walk_release, Limits, Location, Visitor};
use symbol_versions::{newest_glibc, newest_versions};

/// What makes the audit fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Fail when a file needs a `GLIBC_*` version newer than this
    /// (e.g. `[2, 31]`).
    pub target_glibc: Option<Vec<u64>>,
    /// Fail when the release's OTP major release is below this, or unknown.
    pub min_otp: Option<u32>,
    /// The hardening checks whose failure fails the audit.
    pub enforced: BTreeSet<Check>,
    /// Bounds on what is read.
    pub limits: Limits,
}

impl Policy {
    /// The checks enforced by default: all but control flow integrity,
    /// which needs `-fcf-protection` and a toolchain whose start files have
    /// it (Debian's have not), so it is reported but advisory.
    pub fn default_enforced() -> BTreeSet<Check> {
        Check::ALL
            .into_iter()
            .filter(|c| *c != Check::CfProtection)
            .collect()
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            target_glibc: None,
            min_otp: None,
            enforced: Policy::default_enforced(),
            limits: Limits::default(),
        }
    }
}

/// Audits one ELF file's bytes.
///
/// ```
/// use release_audit::{audit_elf, release_files::Location};
/// let bytes = std::fs::read(std::env::current_exe().unwrap()).unwrap();
/// let file = audit_elf("erts-13.1.5/bin/beam.smp", Location::Runtime, &bytes);
/// assert!(file.error.is_none() && file.elf_type.is_some());
/// assert_eq!(file.verdicts.len(), release_audit::Check::ALL.len());
/// ```
pub fn audit_elf(path: &str, location: Location, data: &[u8]) -> FileAudit {
    match read_elf(data) {
        Ok(facts) => FileAudit {
            path: path.to_owned(),
            location,
            elf_type: Some(facts.elf_type),
            verdicts: assess(&facts),
            newest_versions: newest_versions(&facts.libraries),
            newest_glibc: newest_glibc(&facts.libraries).map(|v| v.to_string()),
            libraries: facts.libraries,
            error: None,
        },
        Err(e) => FileAudit::failed(path, location, e.to_string()),
    }
}

#[derive(Default)]
struct Collector {
    versions: VersionCollector,
    erts_folders: Vec<String>,
    files: Vec<FileAudit>,
    release_files: usize,
}

impl Visitor for Collector {
    fn erts_folder(&mut self, name: &str) {
        self.versions.erts_folder(name);
        self.erts_folders.push(name.to_owned());
    }

    fn native_file(&mut self, path: &str, location: Location, data: Result<Vec<u8>, AuditError>) {
        self.files.push(match data {
            Ok(bytes) => audit_elf(path, location, &bytes),
            Err(e) => FileAudit::failed(path, location, e.to_string()),
        });
    }

    fn version_file(&mut self, path: &str, text: &str) {
        if path.starts_with("releases/") {
            self.release_files += 1;
        }
        self.versions.file(path, text);
    }
}

/// Audits a release folder or `.tar.gz` tarball against a policy.
///
/// A folder or tarball without any of the files every release has
/// (`releases/VSN/NAME.rel`, `releases/RELEASES`,
/// `releases/start_erl.data`, an `erts-VSN` folder) is refused with
/// [`AuditError::MissingReleaseFiles`]; a path that is not a folder or a
/// regular file (a FIFO, a device) with [`AuditError::NotAFile`], before
/// anything is read from it.
///
/// ```
/// use release_audit::{audit_release, AuditError, Policy};
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::create_dir_all(dir.path().join("releases")).unwrap();
/// std::fs::write(dir.path().join("releases/start_erl.data"), "13.1.5 1.0.0\n").unwrap();
/// let report = audit_release(dir.path(), &Policy::default()).unwrap();
/// assert_eq!(report.versions.otp_major, Some(25));
/// assert!(!report.runtime_bundled); // no erts-*/bin/beam.smp: a note, not a failure
/// assert!(report.passed);
///
/// let empty = tempfile::tempdir().unwrap();
/// let err = audit_release(empty.path(), &Policy::default()).unwrap_err();
/// assert!(matches!(err, AuditError::MissingReleaseFiles { .. }));
/// ```
pub fn audit_release(path: &Path, policy: &Policy) -> Result<AuditReport, AuditError> {
    let mut collector = Collector::default();
    walk_release(path, &policy.limits, &mut collector)?;
    if collector.release_files == 0 && collector.erts_folders.is_empty() {
        return Err(AuditError::MissingReleaseFiles {
            path: path.to_owned(),
            missing: "found no releases/VSN/NAME.rel, releases/RELEASES, \
                      releases/start_erl.data or erts-VSN folder"
                .to_owned(),
        });
    }
    let runtime_bundled = collector.files.iter().any(|f| {
        f.location == Location::Runtime
            && (f.path.ends_with("/beam.smp") || f.path.ends_with("/beam"))
    });
    let mut report = AuditReport {
        release: path.display().to_string(),
        runtime_bundled,
        erts_folders: collector.erts_folders,
        versions: collector.versions.finish(),
        files: collector.files,
        findings: Vec::new(),
        notes: Vec::new(),
        passed: true,
    };
    report.evaluate(policy);
    Ok(report)
}
