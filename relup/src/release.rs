//! The `.rel` release file: `{release, {Name, Vsn}, {erts, ErtsVsn}, [App]}`,
//! checked as `systools_make:check_rel/1` does.

use erlterm::Term;

use crate::error::ReleaseError;

/// An application's start type in a `.rel` file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StartType {
    /// `permanent` (the default).
    Permanent,
    /// `transient`.
    Transient,
    /// `temporary`.
    Temporary,
    /// `load`: loaded, not started.
    Load,
    /// `none`: neither loaded nor started.
    None,
}

impl StartType {
    /// Parses the atom name.
    pub fn from_name(name: &str) -> Option<StartType> {
        Some(match name {
            "permanent" => StartType::Permanent,
            "transient" => StartType::Transient,
            "temporary" => StartType::Temporary,
            "load" => StartType::Load,
            "none" => StartType::None,
            _ => return None,
        })
    }

    /// The atom name.
    pub fn name(self) -> &'static str {
        match self {
            StartType::Permanent => "permanent",
            StartType::Transient => "transient",
            StartType::Temporary => "temporary",
            StartType::Load => "load",
            StartType::None => "none",
        }
    }
}

/// One application entry of a `.rel` file.
#[derive(Debug, Clone, PartialEq)]
pub struct RelApp {
    /// Application name.
    pub name: String,
    /// Application version.
    pub vsn: String,
    /// Start type.
    pub start_type: StartType,
    /// Included applications overriding the `.app` file's, if written.
    pub incls: Option<Vec<String>>,
}

/// A `.rel` file.
#[derive(Debug, Clone, PartialEq)]
pub struct Release {
    /// Release name.
    pub name: String,
    /// Release version.
    pub vsn: String,
    /// Erts version.
    pub erts_vsn: String,
    /// Applications in `.rel` order.
    pub apps: Vec<RelApp>,
}

impl Release {
    /// Parses the text of a `.rel` file (its first term).
    ///
    /// ```
    /// let rel = relup::Release::parse(r#"{release, {"shop", "1.0"}, {erts, "13.1"},
    ///     [{kernel, "9.0"}, {stdlib, "5.0"}, {sasl, "5.0", load}]}."#).unwrap();
    /// assert_eq!(rel.vsn, "1.0");
    /// assert_eq!(rel.apps[2].start_type, relup::StartType::Load);
    /// ```
    pub fn parse(text: &str) -> Result<Release, ReleaseError> {
        let term = crate::input::first_term(text).map_err(ReleaseError::Parse)?;
        Release::from_term(&term)
    }

    /// Checks a `.rel` term.
    pub fn from_term(term: &Term) -> Result<Release, ReleaseError> {
        let Some([tag, name_vsn, erts, apps]) = term.as_tuple() else {
            return Err(ReleaseError::BadlyFormattedRelease);
        };
        let (Some("release"), Some([name, vsn]), Some([erts_tag, erts_vsn]), Some(apps)) = (
            tag.as_atom(),
            name_vsn.as_tuple(),
            erts.as_tuple(),
            apps.to_list(),
        ) else {
            return Err(ReleaseError::BadlyFormattedRelease);
        };
        if erts_tag.as_atom() != Some("erts") {
            return Err(ReleaseError::BadlyFormattedRelease);
        }
        let name = name
            .as_string()
            .ok_or_else(|| ReleaseError::IllegalName(name.clone()))?;
        let vsn = vsn
            .as_string()
            .ok_or_else(|| ReleaseError::IllegalVsn(vsn.clone()))?;
        let erts_vsn = erts_vsn
            .as_string()
            .ok_or_else(|| ReleaseError::IllegalErtsVsn(erts_vsn.clone()))?;
        let mut parsed = Vec::with_capacity(apps.len());
        let mut illegal = Vec::new();
        for entry in &apps {
            match rel_app(entry) {
                Some(app) => parsed.push(app),
                None => illegal.push(entry.clone()),
            }
        }
        if !illegal.is_empty() {
            return Err(ReleaseError::IllegalApplications(illegal));
        }
        check_mandatory(&parsed)?;
        Ok(Release {
            name,
            vsn,
            erts_vsn,
            apps: parsed,
        })
    }

    /// The entry of application `name`, if the release contains it.
    pub fn app(&self, name: &str) -> Option<&RelApp> {
        self.apps.iter().find(|a| a.name == name)
    }
}

fn atom_list(t: &Term) -> Option<Vec<String>> {
    t.to_list()?
        .iter()
        .map(|x| x.as_atom().map(str::to_owned))
        .collect()
}

/// One `{App, Vsn}`, `{App, Vsn, Type}`, `{App, Vsn, Incls}` or
/// `{App, Vsn, Type, Incls}`; `None` if illegal.
fn rel_app(entry: &Term) -> Option<RelApp> {
    let items = entry.as_tuple()?;
    let name = items.first()?.as_atom()?.to_owned();
    let vsn = items.get(1)?.as_string()?;
    let (start_type, incls) = match items {
        [_, _] => (StartType::Permanent, None),
        [_, _, x] if x.as_atom().is_some() => (StartType::from_name(x.as_atom()?)?, None),
        [_, _, x] => (StartType::Permanent, Some(atom_list(x)?)),
        [_, _, t, i] => (StartType::from_name(t.as_atom()?)?, Some(atom_list(i)?)),
        _ => return None,
    };
    Some(RelApp {
        name,
        vsn,
        start_type,
        incls,
    })
}

/// kernel and stdlib must be present and permanent (first entry of each counts).
fn check_mandatory(apps: &[RelApp]) -> Result<(), ReleaseError> {
    for name in ["kernel", "stdlib"] {
        match apps.iter().find(|a| a.name == name) {
            None => return Err(ReleaseError::MissingMandatoryApp(name.into())),
            Some(a) if a.start_type != StartType::Permanent => {
                return Err(ReleaseError::MandatoryApp {
                    app: name.into(),
                    start_type: a.start_type.name().into(),
                })
            }
            Some(_) => {}
        }
    }
    Ok(())
}
