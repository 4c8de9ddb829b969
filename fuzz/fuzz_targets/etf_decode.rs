//! beamfile: the external term format decoder (plain and compressed).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = beamfile::etf::decode(data);
    if let Ok(t) = beamfile::etf::decode_exact(data) {
        let _ = t.to_string();
    }
    if let Ok((_, used)) = beamfile::etf::decode_prefix(data) {
        assert!(used <= data.len());
    }
    // Without the version byte, as terms appear inside chunks.
    let mut with_version = Vec::with_capacity(data.len() + 1);
    with_version.push(131);
    with_version.extend_from_slice(data);
    let _ = beamfile::etf::decode(&with_version);
});
