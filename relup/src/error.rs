//! Typed errors and warnings, one variant per reason systools reports.

use erlterm::Term;

/// Why a `.rel` file, or an `.app` file it names, cannot be used
/// (the reasons `systools_make:get_release/2` returns).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReleaseError {
    /// The `.rel` file does not exist or cannot be read (`not_found`); the
    /// reason why (the path is named by [`Error::Release`]).
    #[error("cannot read the release file: {0}")]
    NotFound(String),
    /// The `.rel` file is not valid Erlang (`parse`).
    #[error("{}", syntax_error(.0))]
    Parse(String),
    /// Not `{release, {Name, Vsn}, {erts, Vsn}, [App]}`.
    #[error("not {{release, {{Name, Vsn}}, {{erts, ErtsVsn}}, [App]}}")]
    BadlyFormattedRelease,
    /// The release name is not a string.
    #[error("the release name {} is not a string", show(.0))]
    IllegalName(Term),
    /// The release version is not a string.
    #[error("the release version {} is not a string", show(.0))]
    IllegalVsn(Term),
    /// The erts version is not a string.
    #[error("the erts version {} is not a string", show(.0))]
    IllegalErtsVsn(Term),
    /// Application entries that are not `{App, Vsn[, Type][, Incls]}`.
    #[error("illegal application entries: {}", show_list(.0))]
    IllegalApplications(Vec<Term>),
    /// `kernel` or `stdlib` is missing.
    #[error("mandatory application {0} is missing")]
    MissingMandatoryApp(String),
    /// `kernel` or `stdlib` has a start type other than `permanent`.
    #[error("mandatory application {app} must be permanent, not {start_type}")]
    MandatoryApp {
        /// `kernel` or `stdlib`.
        app: String,
        /// The start type written in the `.rel` file.
        start_type: String,
    },
    /// Some `.app` files could not be read (in reverse `.rel` order, as OTP lists them).
    #[error("{}", .0.iter().map(|(a, e)| format!("application {a}: {e}")).collect::<Vec<_>>().join("; "))]
    Applications(Vec<(String, AppError)>),
    /// Applications used or included but not part of the release.
    #[error("undefined applications: {}", .0.join(", "))]
    UndefinedApplications(Vec<String>),
    /// A name registered by two applications.
    #[error("registered name {name} is registered by both {app1} and {app2}")]
    DuplicateRegister {
        /// The registered name.
        name: String,
        /// One application.
        app1: String,
        /// The other.
        app2: String,
    },
    /// An application included by two applications.
    #[error("application {name} is included by both {app1} and {app2}")]
    DuplicateInclude {
        /// The included application.
        name: String,
        /// One includer.
        app1: String,
        /// The other.
        app2: String,
    },
    /// A module listed by two applications.
    #[error("module {module} is in both {app1} and {app2}")]
    DuplicateModules {
        /// The module.
        module: String,
        /// One application.
        app1: String,
        /// The other.
        app2: String,
    },
    /// Applications that depend on each other.
    #[error("circular dependencies among applications: {}", .0.join(", "))]
    CircularDependencies(Vec<String>),
    // Added with the spanned `.rel` model (`Release::read`):
    /// The file holds no term, is not valid text in its encoding, or a token
    /// cannot be scanned (systools' `{read, File}`).
    #[error("cannot read a term: {0}")]
    Read(String),
    /// systools crashes on the file (`{'EXIT', {badarg, ...}}` from
    /// `string_p/1`, or `lists:filter/2` on an improper application list):
    /// `what` names the field, `value` the term it crashes on.
    #[error("{what} {} is not a string or a list (systools crashes with badarg)", show(.value))]
    Crash {
        /// The field, e.g. `the erts version`.
        what: &'static str,
        /// The offending term.
        value: Term,
    },
}

/// Why one application's `.app` file cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// No `App.app` in any library directory.
    #[error(
        "{0} not found in any library directory: neither in the release's own lib/ \
         nor in the extra libraries (a Library built with library_from_dirs, erlrel's --lib)"
    )]
    NotFound(String),
    /// Only `.app` files with another version exist.
    #[error("version {expected:?} wanted, but {file} has version {}", show(.found))]
    NoValidVersion {
        /// The version in the `.rel` file.
        expected: String,
        /// The first file found.
        file: String,
        /// Its version.
        found: Term,
    },
    /// The `.app` file is not valid Erlang.
    #[error("syntax error in {file}: {message}")]
    Parse {
        /// The file.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// Not `{application, Name, [Key]}`.
    #[error("badly formatted application: {0}")]
    BadlyFormatted(Term),
    /// A mandatory key is missing.
    #[error("missing key {0}")]
    MissingParam(String),
    /// A key has a value of the wrong type.
    #[error("bad value for key {0}")]
    BadParam(String),
    /// The `.rel` lists included applications the `.app` does not include.
    #[error("the .rel includes {} that the .app does not", .0.join(", "))]
    OverrideInclude(Vec<String>),
    /// The file's application name or version differs from the `.rel` entry.
    #[error("the .app file names {0}")]
    BadApplicationName(String),
}

/// Why a high-level script cannot be translated (`systools_rc` reasons).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TranslateError {
    /// More than one `point_of_no_return` in one appup script.
    #[error("too many point_of_no_return")]
    TooManyPointOfNoReturn,
    /// Only `load_object_code` and `apply` may precede `point_of_no_return`.
    #[error("bad instruction {0} before point_of_no_return")]
    BadOpBeforePointOfNoReturn(Term),
    /// An instruction whose shape is wrong; `field` names the check
    /// (`bad_instruction`, `bad_module`, `bad_list`, ...), `value` the culprit.
    #[error("{field}: {value}")]
    Syntax {
        /// The OTP reason tag, e.g. `bad_module`.
        field: &'static str,
        /// The offending term.
        value: Term,
    },
    /// `mnesia_backup` is not implemented by systools.
    #[error("mnesia_backup is not implemented")]
    MnesiaBackup,
    /// A `load` without a preceding `load_object_code`.
    #[error("no load_object_code for module {0}")]
    NoObjectCode(Term),
    /// Suspended but not resumed.
    #[error("suspended but not resumed: {}", list(.0))]
    SuspendedNotResumed(Vec<Term>),
    /// Resumed but not suspended.
    #[error("resumed but not suspended: {}", list(.0))]
    ResumedNotSuspended(Vec<Term>),
    /// Started but not stopped.
    #[error("started but not stopped: {}", list(.0))]
    StartNotStop(Vec<Term>),
    /// Stopped but not started.
    #[error("stopped but not started: {}", list(.0))]
    StopNotStart(Vec<Term>),
    /// An application instruction names an application not in the release.
    #[error("no such application: {0}")]
    NoSuchApplication(String),
    /// `remove_application` of an application that is still in the target release.
    #[error("removed application is present: {0}")]
    RemovedApplicationPresent(String),
    /// A module is the subject of two dependency instructions.
    #[error("module {0} is defined by more than one instruction")]
    MuldefModule(String),
    /// A `DepMods` entry that no instruction updates.
    #[error("module {0} is named in DepMods but not updated")]
    UndefModule(String),
    /// A loaded module that no application of the target release lists.
    #[error("no application lists module {0}")]
    NoSuchModule(String),
    /// Two `load_object_code` for one application with different versions.
    #[error("conflicting versions for {app}: {vsn1} and {vsn2}")]
    ConflictingVersions {
        /// The application.
        app: String,
        /// The first version.
        vsn1: Term,
        /// The other version.
        vsn2: Term,
    },
}

impl TranslateError {
    /// The reason tag OTP uses (`{error, systools_rc, {Tag, ...}}`).
    pub fn otp_tag(&self) -> &'static str {
        match self {
            TranslateError::TooManyPointOfNoReturn => "too_many_point_of_no_return",
            TranslateError::BadOpBeforePointOfNoReturn(_) => "bad_op_before_point_of_no_return",
            TranslateError::Syntax { field, .. } => field,
            TranslateError::MnesiaBackup => "not_yet_implemented",
            TranslateError::NoObjectCode(_) => "no_object_code",
            TranslateError::SuspendedNotResumed(_) => "suspended_not_resumed",
            TranslateError::ResumedNotSuspended(_) => "resumed_not_suspended",
            TranslateError::StartNotStop(_) => "start_not_stop",
            TranslateError::StopNotStart(_) => "stop_not_start",
            TranslateError::NoSuchApplication(_) => "no_such_application",
            TranslateError::RemovedApplicationPresent(_) => "removed_application_present",
            TranslateError::MuldefModule(_) => "muldef_module",
            TranslateError::UndefModule(_) => "undef_module",
            TranslateError::NoSuchModule(_) => "no_such_module",
            TranslateError::ConflictingVersions { .. } => "conflicting_versions",
        }
    }
}

impl ReleaseError {
    /// The reason tag OTP uses (`{error, systools_make, Reason}`).
    pub fn otp_tag(&self) -> &'static str {
        match self {
            ReleaseError::NotFound(_) => "not_found",
            ReleaseError::Parse(_) => "parse",
            ReleaseError::BadlyFormattedRelease => "badly_formatted_release",
            ReleaseError::IllegalName(_) => "illegal_name",
            ReleaseError::IllegalVsn(_) | ReleaseError::IllegalErtsVsn(_) => "illegal_form",
            ReleaseError::IllegalApplications(_) => "illegal_applications",
            ReleaseError::MissingMandatoryApp(_) => "missing_mandatory_app",
            ReleaseError::MandatoryApp { .. } => "mandatory_app",
            ReleaseError::Applications(_) => "error_reading",
            ReleaseError::UndefinedApplications(_) => "undefined_applications",
            ReleaseError::DuplicateRegister { .. } => "duplicate_register",
            ReleaseError::DuplicateInclude { .. } => "duplicate_include",
            ReleaseError::DuplicateModules { .. } => "duplicate_modules",
            ReleaseError::CircularDependencies(_) => "circular_dependencies",
            ReleaseError::Read(_) => "read",
            ReleaseError::Crash { .. } => "exception",
        }
    }

    /// The reason `systools_make:read_release/2` throws (inside
    /// `{error, systools_make, Reason}`) for the `.rel` checks, as a term:
    /// `badly_formatted_release`, `{illegal_name, Name}`,
    /// `{illegal_form, Vsn}`, `{illegal_form, {erts, Vsn}}`,
    /// `{illegal_applications, Entries}`, `{missing_mandatory_app, App}`,
    /// `{mandatory_app, App, Type}`; `parse`, `read` and `crash` stand for
    /// `{parse, File, _}`, `{read, File}` and `{'EXIT', _}`. Other reasons
    /// are given as their [`otp_tag`](Self::otp_tag).
    pub fn otp_reason(&self) -> Term {
        let pair = |tag: &str, t: Term| Term::tuple(vec![Term::atom(tag), t]);
        match self {
            ReleaseError::IllegalName(n) => pair("illegal_name", n.clone()),
            ReleaseError::IllegalVsn(v) => pair("illegal_form", v.clone()),
            ReleaseError::IllegalErtsVsn(v) => pair("illegal_form", pair("erts", v.clone())),
            ReleaseError::IllegalApplications(apps) => {
                pair("illegal_applications", Term::list(apps.clone()))
            }
            ReleaseError::MissingMandatoryApp(app) => {
                pair("missing_mandatory_app", Term::atom(app))
            }
            ReleaseError::MandatoryApp { app, start_type } => Term::tuple(vec![
                Term::atom("mandatory_app"),
                Term::atom(app),
                Term::atom(start_type),
            ]),
            ReleaseError::Crash { .. } => Term::atom("crash"),
            other => Term::atom(other.otp_tag()),
        }
    }
}

/// Any reason `make_relup` fails.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A `.rel` file or one of its `.app` files is unusable.
    #[error("release {file}: {source}")]
    Release {
        /// The `.rel` file.
        file: String,
        /// What is wrong.
        #[source]
        source: Box<ReleaseError>,
    },
    /// The release does not contain `sasl`.
    #[error("release {name} {vsn} ({file}) does not contain sasl, needed for upgrades")]
    MissingSasl {
        /// The `.rel` file.
        file: String,
        /// The release name.
        name: String,
        /// The release version.
        vsn: String,
    },
    /// The appup file is missing, unreadable or not `{Vsn, Up, Down}`.
    #[error("{path}: {problem}")]
    AppupFile {
        /// The appup path.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// The appup has no entry for the base version.
    #[error("{path}: no {direction} entry for {app} {top_vsn} from/to version {base_vsn}")]
    NoRelup {
        /// The appup path.
        path: String,
        /// The application.
        app: String,
        /// Its version in the top release.
        top_vsn: String,
        /// Its version in the base release.
        base_vsn: String,
        /// `up` or `down`.
        direction: &'static str,
    },
    /// An appup version pattern or field that makes systools crash.
    #[error("{path}: {message}")]
    AppupCrash {
        /// The appup path.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The instructions of one up/down script cannot be translated.
    #[error("{direction} script for {base_vsn}: {source}")]
    Translate {
        /// `up` or `down`.
        direction: &'static str,
        /// The base release version.
        base_vsn: String,
        /// What is wrong.
        #[source]
        source: Box<TranslateError>,
    },
    /// `warnings_as_errors` and there were warnings.
    #[error("warnings being treated as errors: {}", .0.iter().map(|w| w.to_string()).collect::<Vec<_>>().join("; "))]
    WarningsTreatedAsErrors(Vec<Warning>),
    /// An input (file, folder, tarball) was read and cannot be used: a
    /// corrupt or unsafe tarball, a release root without a `.rel` file, a
    /// file that is not a BEAM file.
    #[error("{path}: {message}")]
    Input {
        /// The input.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// An input (file, folder, tarball) could not be read at all: missing,
    /// unreadable, not a regular file or folder, larger than a limit, an
    /// I/O failure.
    #[error("{path}: {message}")]
    Unreadable {
        /// The input.
        path: String,
        /// Why it cannot be read.
        message: String,
    },
}

impl Error {
    /// The reason tag OTP would report, to compare error kinds with
    /// `systools:make_relup` (`exception` where OTP crashes, `input` for
    /// problems OTP cannot have).
    pub fn otp_tag(&self) -> &'static str {
        match self {
            Error::Release { source, .. } => source.otp_tag(),
            Error::MissingSasl { .. } => "missing_sasl",
            Error::AppupFile { .. } => "file_problem",
            Error::NoRelup { .. } => "no_relup",
            Error::AppupCrash { .. } => "exception",
            Error::Translate { source, .. } => source.otp_tag(),
            Error::WarningsTreatedAsErrors(_) => "warnings_treated_as_errors",
            Error::Input { .. } | Error::Unreadable { .. } => "input",
        }
    }

    /// Whether the input was read and is rejected (a bad `.rel`, `.app`,
    /// appup or `.beam` file, a corrupt or unsafe tarball, a missing
    /// application...), as opposed to an input that could not be read at
    /// all ([`Error::Unreadable`], a `.rel` file that cannot be read). This
    /// is the one classification of the command line's exit status: 1 for
    /// a rejected input, 2 for one that could not be read.
    ///
    /// ```
    /// let missing = relup::ReleaseInput::open(std::path::Path::new("/nonexistent.rel"));
    /// assert!(!missing.unwrap_err().is_rejected_input());
    /// let e = relup::Error::Input { path: "x.tar.gz".into(), message: "corrupt".into() };
    /// assert!(e.is_rejected_input());
    /// ```
    pub fn is_rejected_input(&self) -> bool {
        match self {
            Error::Unreadable { .. } => false,
            Error::Release { source, .. } => !matches!(**source, ReleaseError::NotFound(_)),
            _ => true,
        }
    }

    /// The file or folder the error is about, when it names one.
    pub fn path(&self) -> Option<&str> {
        match self {
            Error::Release { file, .. } | Error::MissingSasl { file, .. } => Some(file),
            Error::AppupFile { path, .. }
            | Error::NoRelup { path, .. }
            | Error::AppupCrash { path, .. }
            | Error::Input { path, .. }
            | Error::Unreadable { path, .. } => Some(path),
            Error::Translate { .. } | Error::WarningsTreatedAsErrors(_) => None,
        }
    }
}

/// A warning of `make_relup` (the `Warnings` list).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Warning {
    /// The erts version differs between the top and a base release.
    ErtsVsnChanged {
        /// Top release name and erts version.
        top: (String, String),
        /// Base release name and erts version.
        base: (String, String),
    },
    /// The appup's own version differs from the application's version.
    BadVsn {
        /// The version written in the appup.
        appup_vsn: Term,
        /// The `.app` version.
        app_vsn: String,
    },
    /// The base release's sasl is older than 2.2 (R15): the emulator restart moves to the end.
    PreR15EmulatorUpgrade,
}

impl Warning {
    /// The warning as the term systools puts in its `Warnings` list.
    pub fn to_term(&self) -> Term {
        let pair = |(a, b): &(String, String)| Term::tuple(vec![Term::string(a), Term::string(b)]);
        match self {
            Warning::ErtsVsnChanged { top, base } => Term::tuple(vec![
                Term::atom("erts_vsn_changed"),
                Term::tuple(vec![pair(top), pair(base)]),
            ]),
            Warning::BadVsn { appup_vsn, app_vsn } => Term::tuple(vec![
                Term::atom("bad_vsn"),
                Term::tuple(vec![appup_vsn.clone(), Term::string(app_vsn)]),
            ]),
            Warning::PreR15EmulatorUpgrade => Term::atom("pre_R15_emulator_upgrade"),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::ErtsVsnChanged { top, base } => write!(
                f,
                "The ERTS version changed between {{\"{}\",\"{}\"}} and {{\"{}\",\"{}\"}}",
                top.0, top.1, base.0, base.1
            ),
            Warning::BadVsn { appup_vsn, app_vsn } => write!(
                f,
                "{appup_vsn} does not match application version \"{app_vsn}\" in .appup file"
            ),
            Warning::PreR15EmulatorUpgrade => f.write_str(
                "Upgrade from an OTP version earlier than R15. New code should be compiled with the old emulator.",
            ),
        }
    }
}

/// A parse error's message, said to be a syntax error once: erlterm's
/// messages often start with "syntax error" already.
fn syntax_error(message: &str) -> String {
    // After a position ("2:24: "), if there is one.
    let text = message
        .split_once(": ")
        .filter(|(at, _)| at.split(':').all(|n| n.parse::<u32>().is_ok()))
        .map_or(message, |(_, rest)| rest);
    if text.starts_with("syntax error") {
        message.to_owned()
    } else {
        format!("syntax error: {message}")
    }
}

/// A term for a message: like `~tp` on one line, cut short after 200
/// characters (appup's [`appup::show::show`], shared by every crate so
/// messages quote terms alike).
///
/// ```
/// use erlterm::Term;
/// let t = Term::tuple(vec![Term::atom("erts"), Term::string("13.1\n")]);
/// assert_eq!(relup::error::show(&t), r#"{erts,"13.1\n"}"#);
/// ```
pub fn show(t: &Term) -> String {
    appup::show::show(t)
}

fn show_list(items: &[Term]) -> String {
    show(&Term::list(items.to_vec()))
}

fn list(items: &[Term]) -> String {
    items
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
