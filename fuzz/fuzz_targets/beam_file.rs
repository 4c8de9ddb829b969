//! beamfile: the BEAM chunk reader and everything derived from it.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(beam) = beamfile::Beam::parse(data) else {
        return;
    };
    let _ = beam.module();
    let _ = beam.atoms();
    for c in beam.chunks() {
        let _ = beam.chunk(&c.id);
    }
    let _ = beam.exports();
    let _ = beam.imports();
    let _ = beam.imported_modules();
    let _ = beam.attributes();
    let _ = beam.attribute("vsn");
    let _ = beam.behaviours();
    let _ = beam.compile_info();
    let _ = beam.code_info();
    let _ = beam.md5();
    let _ = beam.md5_hex();
});
