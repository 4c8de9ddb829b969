//! The one-line summary `tests/beam_info.escript` prints with `beam_lib`,
//! made with this crate (shared by the tests and `examples/beam_info.rs`).
#![allow(dead_code)]

use beamfile::{Beam, BeamError, FunRef};
use erlterm::Term;

/// `SHOWN MODULE MD5 BEHAVIOURS EXPORTS IMPORTS ATTRIBUTES COMPILE_INFO` of `file`.
pub fn info_line(file: &str, shown: &str) -> Result<String, BeamError> {
    let beam = Beam::read(file)?;
    let md5 = beam.md5_hex()?;
    let behaviours = Term::list(beam.behaviours()?.iter().map(|b| Term::atom(b)).collect());
    let funs = |mut fs: Vec<FunRef>, with_module: bool| {
        fs.sort();
        if !with_module {
            fs.sort_by(|a, b| (&a.function, a.arity).cmp(&(&b.function, b.arity)));
        }
        Term::list(
            fs.into_iter()
                .map(|f| {
                    let mut t = vec![Term::atom(&f.function), Term::int(i64::from(f.arity))];
                    if with_module {
                        t.insert(0, Term::atom(&f.module));
                    }
                    Term::tuple(t)
                })
                .collect(),
        )
    };
    let exports = funs(beam.exports()?, false);
    let imports = funs(beam.imports()?, true);
    let attrs = beam.attributes()?.unwrap_or_else(|| Term::atom("none"));
    let cinf = beam.compile_info()?.unwrap_or_else(|| Term::atom("none"));
    Ok(format!(
        "{shown}\t{}\t{md5}\t{behaviours}\t{exports}\t{imports}\t{attrs}\t{cinf}",
        Term::atom(beam.module())
    ))
}
