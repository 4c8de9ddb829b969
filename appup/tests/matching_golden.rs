//! Version matching against answers recorded from OTP (tests/golden).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use appup::{PatternError, VsnRegex};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn generated_pairs_agree_with_otp() {
    check_pairs(include_str!("golden/generated_pairs.tsv"));
}

/// The seed on which the live check caught regex-syntax 0.8.11 choosing the
/// wrong alternative (`(\d.{0,}\d.|\d.*)?` on `7x13x0`).
#[test]
fn generated_pairs_of_seed_34678_agree_with_otp() {
    check_pairs(include_str!("golden/generated_pairs_seed34678.tsv"));
}

fn check_pairs(text: &str) {
    let (mut agreed, mut refused) = (0, 0);
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let [_, pat, vsn, otp] = cols.as_slice() else {
            panic!("bad line {line}")
        };
        let pat = unhex(pat);
        let vsn = String::from_utf8(unhex(vsn)).unwrap();
        let ours = VsnRegex::compile(&pat).and_then(|re| re.whole_match(&vsn));
        let answer = match &ours {
            Ok(true) => "match",
            Ok(false) => "nomatch",
            Err(PatternError::Invalid { .. } | PatternError::InvalidUtf8 { .. }) => "crash",
            Err(PatternError::UnsupportedForVersion { .. } | PatternError::Unsupported { .. }) => {
                refused += 1;
                continue;
            }
            Err(e) => panic!("unexpected {e}"),
        };
        assert_eq!(
            answer,
            *otp,
            "<<{:?}>> vs {vsn:?}",
            String::from_utf8_lossy(&pat)
        );
        agreed += 1;
    }
    assert!(agreed >= 2000, "only {agreed} pairs compared");
    // Refusals (a `$` with a newline in the version, `\b` next to Latin-1
    // letters) must stay rare: they are errors, never silent differences.
    assert!(refused * 20 < agreed, "{refused} refused");
}

#[test]
fn spec_table_3_2() {
    let cases: &[(&[u8], &str, Option<bool>)] = &[
        (br"2\.1\.[0-9]+", "2.1.10", Some(true)),
        (br"1\.0\.[0-9]", "1.0.10", Some(false)),
        (br"1\.0", "1.0.1", Some(false)),
        (br"2\.3", "1.2.3", Some(false)),
        (br"1|1\.0", "1.0", Some(false)),
        (br"1\.0|1", "1.0", Some(true)),
        (br"1.*?", "1.0", Some(false)),
        (b"", "1.0", Some(false)),
        (br"^1\.0$", "1.0", Some(true)),
        (br"(?i)A", "a", Some(true)),
        (br"1\.0-\x{e9}", "1.0-\u{e9}", Some(true)),
        ("1\\.0-\u{e9}".as_bytes(), "1.0-\u{e9}", Some(true)),
        (b"1\\.0-\xe9", "1.0-\u{e9}", None),
        (b"(", "1.0", None),
        // PCRE quirk: repeated \w tests ASCII in its first iterations.
        (br"\w+", "\u{e9}", Some(false)),
        (br"\w", "\u{e9}", Some(true)),
        (br"\w{1,2}", "\u{e9}\u{e9}", Some(true)),
    ];
    for (pat, vsn, want) in cases {
        let got = VsnRegex::compile(pat)
            .and_then(|re| re.whole_match(vsn))
            .ok();
        assert_eq!(got, *want, "{:?} vs {vsn:?}", String::from_utf8_lossy(pat));
    }
}
