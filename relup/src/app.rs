//! An application of a release: its `.app` file, read with the toolkit's
//! one model of application resource files
//! ([`relx_config::app_resource::AppResource::parse_for_release`], the
//! checks of `systools_make:parse_application/4`), joined with its `.rel`
//! entry (start type, included applications) and the folder it was found in.

use erlterm::Term;
use relx_config::app_resource::{AppResource, SystoolsAppError};

use crate::error::AppError;
use crate::release::StartType;

/// An application of a release: its `.app` file plus its `.rel` entry
/// (systools' `#application{}` record, the fields relup generation reads).
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    /// Application name.
    pub name: String,
    /// Version (equal in the `.app` and the `.rel` file).
    pub vsn: String,
    /// Start type from the `.rel` file.
    pub start_type: StartType,
    /// Modules, in `.app` order.
    pub modules: Vec<String>,
    /// `applications` (after start-order adjustments, see `start_order`).
    pub uses: Vec<String>,
    /// `optional_applications`.
    pub optional: Vec<String>,
    /// `included_applications`, or the `.rel` override.
    pub includes: Vec<String>,
    /// `registered`.
    pub registered: Vec<String>,
    /// Where the `.app` file was found; the appup is read from here.
    pub dir: String,
}

impl Application {
    /// Reads the text of an `.app` file for the `.rel` entry (`vsn`, `incls`).
    /// `Ok(None)` means the file is for another version (OTP keeps searching).
    ///
    /// ```
    /// use relup::{Application, StartType};
    /// let text = r#"{application, web, [{description, "web"}, {vsn, "1.0"},
    ///     {modules, [web_app, web_sup]}, {registered, []},
    ///     {applications, [kernel, stdlib]}]}."#;
    /// let app = Application::parse(text, "lib/web-1.0/ebin", "web", "1.0",
    ///                               StartType::Permanent, None).unwrap().unwrap();
    /// assert_eq!(app.modules, ["web_app", "web_sup"]);
    /// ```
    pub fn parse(
        text: &str,
        dir: &str,
        name: &str,
        vsn: &str,
        start_type: StartType,
        incls: Option<&[String]>,
    ) -> Result<Option<Application>, AppError> {
        let resource = AppResource::parse_for_release(text).map_err(|e| match e.error {
            SystoolsAppError::Parse(message) => AppError::Parse {
                file: format!("{dir}/{name}.app"),
                message,
            },
            SystoolsAppError::BadlyFormatted(term) => AppError::BadlyFormatted(term),
            SystoolsAppError::MissingParam(key) => AppError::MissingParam(key),
            SystoolsAppError::BadParam(key) => AppError::BadParam(key),
            // systools crashes: `{error, {{'EXIT', _}, {application, ...}}}`
            SystoolsAppError::Crash { key, value } if key == "Dict" => {
                AppError::BadlyFormatted(value)
            }
            SystoolsAppError::Crash { key, .. } => AppError::BadParam(key),
            other => AppError::BadParam(other.to_string()),
        })?;
        Application::from_resource(resource, dir, name, vsn, start_type, incls)
    }

    /// The application of a release from its `.app` file read with
    /// [`AppResource::parse_for_release`] and its `.rel` entry: `Ok(None)`
    /// when the file is for another version than `vsn`; the file's name
    /// must be `name`, and the `.rel`'s `incls` may only name applications
    /// the `.app` includes.
    pub fn from_resource(
        resource: AppResource,
        dir: &str,
        name: &str,
        vsn: &str,
        start_type: StartType,
        incls: Option<&[String]>,
    ) -> Result<Option<Application>, AppError> {
        if resource.vsn_string() != Some(vsn) {
            return Ok(None);
        }
        if resource.name != name {
            return Err(AppError::BadApplicationName(format!(
                "{} {vsn}",
                resource.name
            )));
        }
        let includes = resource
            .release_includes(incls)
            .map_err(AppError::OverrideInclude)?;
        Ok(Some(Application {
            name: name.to_owned(),
            vsn: vsn.to_owned(),
            start_type,
            modules: names(resource.modules.unwrap_or_default()),
            uses: names(resource.applications.unwrap_or_default()),
            optional: names(resource.optional_applications),
            includes,
            registered: names(resource.registered.unwrap_or_default()),
            dir: dir.to_owned(),
        }))
    }

    /// The application's version from the text of its `.app` file, if
    /// systools can read the file ([`AppResource::parse_for_release`]).
    pub fn vsn_of(text: &str) -> Option<Term> {
        let resource = AppResource::parse_for_release(text).ok()?;
        resource.vsn_string().map(Term::string)
    }
}

/// The atoms of an `.app` list as the names relup works with.
fn names(atoms: Vec<erlterm::Atom>) -> Vec<String> {
    atoms.into_iter().map(|a| a.as_str().to_owned()).collect()
}
