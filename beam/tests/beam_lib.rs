//! The reader against answers recorded from OTP 25's `beam_lib`
//! (`tests/beam_info.escript`): every fixture beam (hermetic), and a sample
//! of 52 modules of the installed OTP (`tests/otp_sample.tsv`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use beamfile::{Beam, BeamError};

fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Compares each recorded line with ours; returns the number compared.
fn compare(recorded: &Path, root: &Path) -> usize {
    let text = std::fs::read_to_string(recorded).unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for expected in text.lines() {
        let file = expected.split('\t').next().unwrap();
        let ours = common::info_line(root.join(file).to_str().unwrap(), file)
            .unwrap_or_else(|e| format!("{file}\terror ({e})"));
        if ours != expected {
            failures.push(format!("OTP:  {expected}\nours: {ours}"));
        }
        n += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    n
}

#[test]
fn fixture_beams_agree_with_beam_lib() {
    let n = compare(
        &here().join("fixtures/beam_info.tsv"),
        &here().join("fixtures"),
    );
    assert_eq!(n, 21);
}

#[test]
fn otp_sample_agrees_with_beam_lib() {
    // The sample names OTP 25.2's own beams (Debian's erlang-base layout);
    // OTP_LIB_DIR overrides where they are.
    let root = std::env::var_os("OTP_LIB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/erlang/lib"));
    assert!(
        root.is_dir(),
        "{} not found: Erlang/OTP 25 is needed (set OTP_LIB_DIR)",
        root.display()
    );
    assert_eq!(compare(&here().join("otp_sample.tsv"), &root), 52);
}

#[test]
fn md5_ignores_compile_details_but_not_code() {
    let dir = here().join("fixtures");
    let r1 = |m: &str| Beam::read(dir.join(format!("r1/lib/fx-1.0.0/ebin/{m}.beam"))).unwrap();
    let r2 = |m: &str| Beam::read(dir.join(format!("r2/lib/fx-1.1.0/ebin/{m}.beam"))).unwrap();
    assert_eq!(
        r1("fx_stable").md5().unwrap(),
        r2("fx_stable").md5().unwrap()
    );
    assert_ne!(r1("fx_lib").md5().unwrap(), r2("fx_lib").md5().unwrap());
    // Dropping the CInf and Attr chunks does not change the identity.
    let bytes = std::fs::read(dir.join("r1/lib/fx-1.0.0/ebin/fx_server.beam")).unwrap();
    let full = Beam::parse(&bytes).unwrap();
    let stripped = strip(&bytes, &["CInf", "Attr", "Dbgi", "Line"]);
    let stripped = Beam::parse(&stripped).unwrap();
    assert!(stripped.chunk("CInf").is_none());
    assert_eq!(full.md5().unwrap(), stripped.md5().unwrap());
    assert_eq!(stripped.behaviours().unwrap(), Vec::<String>::new());
}

/// Rebuilds a BEAM file without the named chunks.
fn strip(bytes: &[u8], drop: &[&str]) -> Vec<u8> {
    let beam = Beam::parse(bytes).unwrap();
    let mut body = b"BEAM".to_vec();
    for c in beam
        .chunks()
        .iter()
        .filter(|c| !drop.contains(&c.id.as_str()))
    {
        body.extend(c.id.as_bytes());
        body.extend((c.data.len() as u32).to_be_bytes());
        body.extend(&c.data);
        body.resize(body.len().div_ceil(4) * 4, 0);
    }
    let mut out = b"FOR1".to_vec();
    out.extend((body.len() as u32).to_be_bytes());
    out.extend(body);
    out
}

#[test]
fn gzip_compressed_beam_reads_the_same() {
    use std::io::Write;
    let path = here().join("fixtures/r2/lib/fx-1.1.0/ebin/fx_sup.beam");
    let bytes = std::fs::read(&path).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&bytes).unwrap();
    let zipped = Beam::parse(&gz.finish().unwrap()).unwrap();
    let plain = Beam::parse(&bytes).unwrap();
    assert_eq!(zipped.md5().unwrap(), plain.md5().unwrap());
    assert_eq!(zipped.exports().unwrap(), plain.exports().unwrap());
}

#[test]
fn hostile_files_give_typed_errors() {
    let path = here().join("fixtures/r2/lib/fx-1.1.0/ebin/fx_server.beam");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(Beam::parse(b"FOR1").unwrap_err(), BeamError::NotABeamFile);
    // Every truncation and every single-byte corruption of the header
    // region: an error or a parse, never a panic.
    for cut in 0..bytes.len() {
        let _ = Beam::parse(&bytes[..cut]).and_then(|b| {
            b.md5()?;
            b.attributes()?;
            b.compile_info()?;
            b.imports()?;
            b.exports()?;
            b.code_info()
        });
    }
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0xff;
        if let Ok(beam) = Beam::parse(&b) {
            let _ = beam.attributes();
            let _ = beam.compile_info();
            let _ = beam.imports();
            let _ = beam.exports();
            let _ = beam.code_info();
        }
    }
    // A chunk that claims more than the file holds.
    let mut b = bytes.clone();
    b[16..20].copy_from_slice(&u32::MAX.to_be_bytes());
    assert!(matches!(
        Beam::parse(&b),
        Err(BeamError::ChunkTooBig { .. })
    ));
}

#[test]
fn code_header_and_atoms() {
    let beam = Beam::read(here().join("fixtures/r2/lib/fx-1.1.0/ebin/fx_server.beam")).unwrap();
    let code = beam.code_info().unwrap();
    assert_eq!(code.header_size, 16);
    assert_eq!(code.instruction_set, 0);
    assert!(code.functions >= 7);
    assert_eq!(beam.atoms()[0], "fx_server");
    let mods = beam.imported_modules().unwrap();
    assert!(mods.contains(&"fx_lib".to_string()) && mods.contains(&"fx_new".to_string()));
}
