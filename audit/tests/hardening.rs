//! The hardening verdicts on fixture binaries compiled by `cc` equal the
//! ones hardening-check gave for the same fixtures (golden files recorded
//! by `scripts/live-audit.sh --record`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use release_audit::elf_file::{read_elf, ElfType};
use release_audit::release_files::Location;
use release_audit::{audit_elf, Check, Outcome};

#[test]
fn verdicts_match_recorded_hardening_check() {
    let fixtures = common::fixtures();
    let golden = common::golden_hardening_check();
    let mut compared = 0;
    for fixture in fixtures {
        let expected = golden
            .get(&fixture.name)
            .unwrap_or_else(|| panic!("no recorded verdicts for {}", fixture.name));
        let audit = audit_elf(&fixture.name, Location::Runtime, &fixture.bytes);
        assert_eq!(audit.error, None, "{}", fixture.name);
        for (label, message) in expected {
            if label == "Stack clash protection" {
                continue; // not checked by release-audit
            }
            let ours = audit
                .verdicts
                .iter()
                .find(|v| v.label == label)
                .unwrap_or_else(|| panic!("no verdict for {label}"));
            assert_eq!(&ours.message, message, "{}: {label}", fixture.name);
            compared += 1;
        }
    }
    assert_eq!(compared, fixtures.len() * 6);
}

#[test]
fn nx_stack_matches_recorded_readelf() {
    let fixtures = common::fixtures();
    let golden = common::golden_gnu_stack();
    for fixture in fixtures {
        let flags = golden.get(&fixture.name).unwrap();
        let audit = audit_elf(&fixture.name, Location::Priv, &fixture.bytes);
        let nx = audit.verdict(Check::NxStack).unwrap();
        let expected = if flags != "none" && !flags.contains('E') {
            Outcome::Pass
        } else {
            Outcome::Fail
        };
        assert_eq!(nx.outcome, expected, "{}: GNU_STACK {flags}", fixture.name);
    }
}

#[test]
fn shared_objects_and_libraries() {
    let fixtures = common::fixtures();
    for fixture in fixtures {
        let facts = read_elf(&fixture.bytes).unwrap();
        if fixture.shared {
            assert_eq!(facts.elf_type, ElfType::Dyn, "{}", fixture.name);
            assert!(!facts.has_phdr, "{}", fixture.name);
        }
        if fixture.name == "static-stripped" {
            assert!(facts.libraries.is_empty());
            continue;
        }
        let libc = facts
            .libraries
            .iter()
            .find(|l| l.library == "libc.so.6")
            .unwrap_or_else(|| panic!("{} needs libc.so.6", fixture.name));
        assert!(libc.needed);
        assert!(libc.versions.iter().any(|v| v.starts_with("GLIBC_2.")));
        let audit = audit_elf(&fixture.name, Location::Priv, &fixture.bytes);
        let newest = audit.newest_glibc.unwrap();
        // The newest is at least every version listed.
        let newest = release_audit::symbol_versions::SymbolVersion::parse(&newest).unwrap();
        for v in &libc.versions {
            if let Some(parsed) = release_audit::symbol_versions::SymbolVersion::parse(v) {
                assert_ne!(
                    parsed.cmp_numbers(&newest.numbers),
                    std::cmp::Ordering::Greater,
                    "{v} is newer than the reported newest"
                );
            }
        }
    }
}

#[test]
fn mangled_elf_files_give_errors_not_panics() {
    let fixtures = common::fixtures();
    let original = &fixtures[0].bytes;
    // Truncations at many lengths.
    for len in (0..original.len()).step_by(97) {
        let _ = audit_elf("t", Location::Runtime, &original[..len]);
    }
    // Deterministic byte corruption of the headers and tables.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut errors = 0;
    for _ in 0..3000 {
        let mut bytes = original.clone();
        for _ in 0..4 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let at = (state as usize) % bytes.len().min(8192);
            bytes[at] = (state >> 32) as u8;
        }
        if audit_elf("m", Location::Runtime, &bytes).error.is_some() {
            errors += 1;
        }
    }
    assert!(errors > 0, "some corruptions are reported as errors");
    let garbage = audit_elf("g", Location::Priv, b"\x7fELF\x02\x01\x01garbage");
    assert!(garbage.error.unwrap().contains("malformed ELF"));
}
