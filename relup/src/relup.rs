//! The relup file: `{TopVsn, [{UpFromVsn, Descr, Instrs}], [{DownToVsn, Descr, Instrs}]}`.

use erlterm::Term;

/// One `{Vsn, Descr, Instructions}` entry of a relup.
#[derive(Debug, Clone, PartialEq)]
pub struct RelupEntry {
    /// The base release version (upgraded from, or downgraded to).
    pub vsn: String,
    /// The description (any term; `[]` unless given).
    pub description: Term,
    /// Low-level instructions.
    pub instructions: Vec<Term>,
}

/// A relup file.
#[derive(Debug, Clone, PartialEq)]
pub struct Relup {
    /// The version of the release this relup belongs to.
    pub top_vsn: String,
    /// How to upgrade from each base release.
    pub up: Vec<RelupEntry>,
    /// How to downgrade to each base release.
    pub down: Vec<RelupEntry>,
}

impl RelupEntry {
    fn to_term(&self) -> Term {
        Term::tuple(vec![
            Term::string(&self.vsn),
            self.description.clone(),
            Term::list(self.instructions.clone()),
        ])
    }

    fn from_term(t: &Term) -> Option<RelupEntry> {
        let [vsn, description, instrs] = t.as_tuple()? else {
            return None;
        };
        Some(RelupEntry {
            vsn: vsn.as_string()?,
            description: description.clone(),
            instructions: instrs.to_list()?,
        })
    }
}

impl Relup {
    /// The relup as the term systools writes.
    pub fn to_term(&self) -> Term {
        let entries = |v: &[RelupEntry]| Term::list(v.iter().map(RelupEntry::to_term).collect());
        Term::tuple(vec![
            Term::string(&self.top_vsn),
            entries(&self.up),
            entries(&self.down),
        ])
    }

    /// Reads a relup term back; `None` if it does not have the relup shape.
    pub fn from_term(t: &Term) -> Option<Relup> {
        let [vsn, up, down] = t.as_tuple()? else {
            return None;
        };
        let entries = |l: &Term| -> Option<Vec<RelupEntry>> {
            l.to_list()?.iter().map(RelupEntry::from_term).collect()
        };
        Some(Relup {
            top_vsn: vsn.as_string()?,
            up: entries(up)?,
            down: entries(down)?,
        })
    }

    /// The relup file text, as systools writes it (`%% coding: utf-8`, the
    /// term pretty-printed like `~tp`, a full stop).
    pub fn to_file_text(&self) -> String {
        format!(
            "%% coding: utf-8\n{}.\n",
            crate::output::pretty(&self.to_term())
        )
    }
}
