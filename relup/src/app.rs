//! The parts of an `.app` file that relup generation reads, checked as
//! `systools_make:parse_application/4` does.

use erlterm::Term;

use crate::error::AppError;
use crate::release::StartType;

/// An application of a release: its `.app` file plus its `.rel` entry.
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
        let term = crate::input::first_term(text).map_err(|message| AppError::Parse {
            file: format!("{dir}/{name}.app"),
            message,
        })?;
        let Some([tag, app_name, dict]) = term.as_tuple() else {
            return Err(AppError::BadlyFormatted(term.clone()));
        };
        let (Some("application"), Some(app_name), Some(_)) = (
            tag.as_atom(),
            app_name.as_atom(),
            dict.is_proper_list().then_some(()),
        ) else {
            return Err(AppError::BadlyFormatted(term.clone()));
        };
        let keys = Keys(dict);
        let file_vsn = keys.string("vsn")?;
        keys.optional_string("id")?;
        keys.string("description")?;
        let modules = keys.atoms("modules", false)?;
        let registered = keys.atoms("registered", false)?;
        let uses = keys.atoms("applications", false)?;
        let optional = keys.atoms("optional_applications", true)?;
        let file_incls = keys
            .atoms("included_applications", true)?
            .unwrap_or_default();
        keys.check_rest()?;
        if file_vsn.as_deref() != Some(vsn) {
            return Ok(None);
        }
        if app_name != name {
            return Err(AppError::BadApplicationName(format!("{app_name} {vsn}")));
        }
        let includes = match incls {
            None => file_incls,
            Some(over) => {
                let extra: Vec<String> = over
                    .iter()
                    .filter(|a| !file_incls.contains(a))
                    .cloned()
                    .collect();
                if !extra.is_empty() {
                    return Err(AppError::OverrideInclude(extra));
                }
                over.to_vec()
            }
        };
        Ok(Some(Application {
            name: name.to_owned(),
            vsn: vsn.to_owned(),
            start_type,
            modules: modules.unwrap_or_default(),
            uses: uses.unwrap_or_default(),
            optional: optional.unwrap_or_default(),
            includes,
            registered: registered.unwrap_or_default(),
            dir: dir.to_owned(),
        }))
    }

    /// The application's version from the text of its `.app` file, if readable.
    pub fn vsn_of(text: &str) -> Option<Term> {
        let term = crate::input::first_term(text).ok()?;
        term.as_tuple()?.get(2)?.proplist_get("vsn").cloned()
    }
}

/// Key lookup in an `.app` dictionary (first matching tuple wins, as `keysearch`).
struct Keys<'a>(&'a Term);

impl Keys<'_> {
    fn get(&self, key: &str) -> Option<Term> {
        self.0
            .list_items()?
            .iter()
            .find(|t| matches!(t.as_tuple(), Some([k, ..]) if k.as_atom() == Some(key)))
            .cloned()
    }

    fn value(&self, key: &str) -> Option<Term> {
        match self.get(key)?.as_tuple() {
            Some([_, v]) => Some(v.clone()),
            _ => None,
        }
    }

    fn present(&self, key: &str, optional: bool) -> Result<Option<Term>, AppError> {
        match (self.get(key), self.value(key)) {
            (Some(_), Some(v)) => Ok(Some(v)),
            // a key tuple of the wrong size fails `check_item` like a missing key
            _ if optional && self.get(key).is_none() => Ok(None),
            _ => Err(AppError::MissingParam(key.into())),
        }
    }

    fn string(&self, key: &str) -> Result<Option<String>, AppError> {
        match self.present(key, false)? {
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| AppError::BadParam(key.into())),
            None => Ok(None),
        }
    }

    fn optional_string(&self, key: &str) -> Result<Option<String>, AppError> {
        match self.present(key, true)? {
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| AppError::BadParam(key.into())),
            None => Ok(None),
        }
    }

    /// `mod`, `start_phases`, `env`, `maxT`, `maxP`: only validated.
    fn check_rest(&self) -> Result<(), AppError> {
        let tuple_list = |v: &Term| {
            v.list_items().is_some_and(|l| {
                l.iter()
                    .all(|x| matches!(x.as_tuple(), Some([k, _]) if k.as_atom().is_some()))
            })
        };
        let positive =
            |v: &Term| v.as_atom() == Some("infinity") || v.as_i64().is_some_and(|i| i > 0);
        if let Some(v) = self.present("mod", true)? {
            let ok = v.is_nil() || matches!(v.as_tuple(), Some([m, _]) if m.as_atom().is_some());
            if !ok {
                return Err(AppError::MissingParam("mod".into()));
            }
        }
        if let Some(v) = self.present("start_phases", true)? {
            if v.as_atom() != Some("undefined") && !tuple_list(&v) {
                return Err(AppError::BadParam("start_phases".into()));
            }
        }
        for (key, ok) in [
            ("env", &tuple_list as &dyn Fn(&Term) -> bool),
            ("maxT", &positive),
            ("maxP", &positive),
        ] {
            if let Some(v) = self.present(key, true)? {
                if !ok(&v) {
                    return Err(AppError::BadParam(key.into()));
                }
            }
        }
        Ok(())
    }

    fn atoms(&self, key: &str, optional: bool) -> Result<Option<Vec<String>>, AppError> {
        let Some(v) = self.present(key, optional)? else {
            return Ok(None);
        };
        let list = v.to_list().ok_or_else(|| AppError::BadParam(key.into()))?;
        list.iter()
            .map(|x| x.as_atom().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| AppError::BadParam(key.into()))
    }
}
