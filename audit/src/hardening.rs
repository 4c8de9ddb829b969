//! Hardening verdicts, by the rules of Debian's `hardening-check`
//! (devscripts), plus the non-executable stack check it leaves out.
//!
//! Each verdict keeps the exact wording `hardening-check` prints after the
//! check's name, so the two tools can be compared line by line.

use crate::elf_file::{ElfFacts, ElfType};

/// The libc functions that have a `__NAME_chk` fortified variant, as listed
/// in `hardening-check` (its `%libc` table).
pub const FORTIFIABLE_FUNCTIONS: &[&str] = &[
    "asprintf",
    "confstr",
    "dprintf",
    "fdelt",
    "fgets",
    "fgets_unlocked",
    "fgetws",
    "fgetws_unlocked",
    "fprintf",
    "fread",
    "fread_unlocked",
    "fwprintf",
    "getcwd",
    "getdomainname",
    "getgroups",
    "gethostname",
    "getlogin_r",
    "gets",
    "getwd",
    "longjmp",
    "mbsnrtowcs",
    "mbsrtowcs",
    "mbstowcs",
    "memcpy",
    "memmove",
    "mempcpy",
    "memset",
    "obstack_printf",
    "obstack_vprintf",
    "poll",
    "ppoll",
    "pread64",
    "pread",
    "printf",
    "ptsname_r",
    "read",
    "readlink",
    "readlinkat",
    "realpath",
    "recv",
    "recvfrom",
    "snprintf",
    "sprintf",
    "stpcpy",
    "stpncpy",
    "strcat",
    "strcpy",
    "strncat",
    "strncpy",
    "swprintf",
    "syslog",
    "ttyname_r",
    "vasprintf",
    "vdprintf",
    "vfprintf",
    "vfwprintf",
    "vprintf",
    "vsnprintf",
    "vsprintf",
    "vswprintf",
    "vsyslog",
    "vwprintf",
    "wcpcpy",
    "wcpncpy",
    "wcrtomb",
    "wcscat",
    "wcscpy",
    "wcsncat",
    "wcsncpy",
    "wcsnrtombs",
    "wcsrtombs",
    "wcstombs",
    "wctomb",
    "wmemcpy",
    "wmemmove",
    "wmempcpy",
    "wmemset",
    "wprintf",
];

/// One hardening check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Check {
    /// Position independent executable.
    Pie,
    /// Stack protector (`__stack_chk_fail` is used).
    StackProtector,
    /// Fortify source (`__*_chk` functions are used).
    Fortify,
    /// Read-only relocations (`PT_GNU_RELRO`).
    Relro,
    /// Immediate binding (`BIND_NOW`).
    BindNow,
    /// Non-executable stack (`PT_GNU_STACK` without `PF_X`); not a check of
    /// `hardening-check`.
    NxStack,
    /// Control flow integrity (x86 IBT and SHSTK properties).
    CfProtection,
}

impl Check {
    /// Every check, in report order.
    pub const ALL: [Check; 7] = [
        Check::Pie,
        Check::StackProtector,
        Check::Fortify,
        Check::Relro,
        Check::BindNow,
        Check::NxStack,
        Check::CfProtection,
    ];

    /// The check's name as `hardening-check` prints it (the non-executable
    /// stack check, which it does not have, gets a name in the same style).
    pub fn label(self) -> &'static str {
        match self {
            Check::Pie => "Position Independent Executable",
            Check::StackProtector => "Stack protected",
            Check::Fortify => "Fortify Source functions",
            Check::Relro => "Read-only relocations",
            Check::BindNow => "Immediate binding",
            Check::NxStack => "Non-executable stack",
            Check::CfProtection => "Control flow integrity",
        }
    }

    /// A short name for options and JSON (`pie`, `stack-protector`, ...).
    pub fn key(self) -> &'static str {
        match self {
            Check::Pie => "pie",
            Check::StackProtector => "stack-protector",
            Check::Fortify => "fortify",
            Check::Relro => "relro",
            Check::BindNow => "bind-now",
            Check::NxStack => "nx-stack",
            Check::CfProtection => "cf-protection",
        }
    }

    /// Whether `hardening-check` performs this check.
    pub fn in_hardening_check(self) -> bool {
        self != Check::NxStack
    }
}

/// The outcome class of a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The protection is there.
    Pass,
    /// The protection is missing (`hardening-check` reports it as bad).
    Fail,
    /// Cannot be told from the file.
    Unknown,
    /// Does not apply to this kind of file; `hardening-check` reports it as
    /// good with "(ignored)" or "non-ELF (ignored)".
    NotApplicable,
}

/// The verdict of one check on one file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    /// The check.
    pub check: Check,
    /// The check's name as `hardening-check` prints it.
    pub label: &'static str,
    /// Its outcome.
    pub outcome: Outcome,
    /// The text `hardening-check` prints after "NAME: ".
    pub message: String,
}

fn verdict(check: Check, outcome: Outcome, message: &str) -> Verdict {
    Verdict {
        check,
        label: check.label(),
        outcome,
        message: message.to_owned(),
    }
}

/// The verdicts of every check on one file, in [`Check::ALL`] order.
pub fn assess(facts: &ElfFacts) -> Vec<Verdict> {
    // hardening-check's "$elf": the type is DYN or EXEC.
    let is_elf = matches!(facts.elf_type, ElfType::Dyn | ElfType::Exec);
    let has = |name: &str| facts.undefined_functions.contains(name);
    let mut out = Vec::with_capacity(Check::ALL.len());

    out.push(match facts.elf_type {
        ElfType::Dyn if facts.has_phdr => verdict(Check::Pie, Outcome::Pass, "yes"),
        ElfType::Dyn => verdict(
            Check::Pie,
            Outcome::NotApplicable,
            "no, regular shared library (ignored)",
        ),
        ElfType::Exec => verdict(Check::Pie, Outcome::Fail, "no, normal executable!"),
        // readelf names no type: hardening-check prints an empty one.
        ElfType::Other => verdict(Check::Pie, Outcome::Fail, "not a known ELF type!? ()"),
    });

    out.push(
        if has("__stack_chk_fail") || (!is_elf && has("__stack_chk_fail_local")) {
            verdict(Check::StackProtector, Outcome::Pass, "yes")
        } else if !facts.has_undefined_functions {
            verdict(
                Check::StackProtector,
                Outcome::Unknown,
                "unknown, no symbols found",
            )
        } else {
            verdict(Check::StackProtector, Outcome::Fail, "no, not found!")
        },
    );

    let mut protected = false;
    let mut unprotected = false;
    for name in FORTIFIABLE_FUNCTIONS {
        unprotected |= has(name);
        protected |= has(&format!("__{name}_chk"));
    }
    out.push(match (protected, unprotected) {
        (true, false) => verdict(Check::Fortify, Outcome::Pass, "yes"),
        (true, true) => verdict(
            Check::Fortify,
            Outcome::Pass,
            "yes (some protected functions found)",
        ),
        (false, false) => verdict(
            Check::Fortify,
            Outcome::Unknown,
            "unknown, no protectable libc functions used",
        ),
        (false, true) => verdict(
            Check::Fortify,
            Outcome::Fail,
            "no, only unprotected functions found!",
        ),
    });

    out.push(if facts.has_relro {
        verdict(Check::Relro, Outcome::Pass, "yes")
    } else if is_elf {
        verdict(Check::Relro, Outcome::Fail, "no, not found!")
    } else {
        verdict(
            Check::Relro,
            Outcome::NotApplicable,
            "no, non-ELF (ignored)",
        )
    });

    out.push(if facts.bind_now {
        verdict(Check::BindNow, Outcome::Pass, "yes")
    } else if is_elf {
        verdict(Check::BindNow, Outcome::Fail, "no, not found!")
    } else {
        verdict(
            Check::BindNow,
            Outcome::NotApplicable,
            "no, non-ELF (ignored)",
        )
    });

    out.push(match facts.gnu_stack_flags {
        Some(flags) if flags & object::elf::PF_X == 0 => {
            verdict(Check::NxStack, Outcome::Pass, "yes")
        }
        Some(_) => verdict(Check::NxStack, Outcome::Fail, "no, executable stack!"),
        None if is_elf => verdict(Check::NxStack, Outcome::Fail, "no, not found!"),
        None => verdict(
            Check::NxStack,
            Outcome::NotApplicable,
            "no, non-ELF (ignored)",
        ),
    });

    out.push(if facts.cf_protection {
        verdict(Check::CfProtection, Outcome::Pass, "yes")
    } else {
        verdict(Check::CfProtection, Outcome::Fail, "no, not found!")
    });
    out
}
