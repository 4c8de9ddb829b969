//! Release tarballs: relup's in-memory reader and release-audit's
//! streaming walker (with the ELF audit of what it hands over), both on
//! the raw bytes and on the bytes gzip-compressed.
#![no_main]
use std::io::Write;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use release_audit::release_files::{self, Limits, Location, Visitor};

struct Audit;

impl Visitor for Audit {
    fn erts_folder(&mut self, _name: &str) {}
    fn native_file(
        &mut self,
        path: &str,
        location: Location,
        data: Result<Vec<u8>, release_audit::AuditError>,
    ) {
        if let Ok(data) = data {
            let _ = release_audit::audit_elf(path, location, &data);
        }
    }
    fn version_file(&mut self, path: &str, text: &str) {
        let mut c = release_audit::otp_version::VersionCollector::default();
        c.file(path, text);
        let _ = c.finish();
    }
}

fn walk(bytes: &[u8]) {
    if let Ok(tree) = relup::input::tarball::read_tarball("fuzz.tar.gz", bytes) {
        for d in ["", "releases", "lib"] {
            let _ = tree.list_dir(d);
        }
    }
    let limits = Limits {
        max_unpacked_bytes: 64 << 20,
        ..Limits::default()
    };
    let _ =
        release_files::walk_tarball_reader(Path::new("fuzz.tar.gz"), bytes, &limits, &mut Audit);
}

fuzz_target!(|data: &[u8]| {
    walk(data);
    // Most fuzzed bytes are not gzip: also try them compressed.
    if !data.starts_with(&[0x1f, 0x8b]) {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        if gz.write_all(data).is_ok() {
            if let Ok(bytes) = gz.finish() {
                walk(&bytes);
            }
        }
    }
});
