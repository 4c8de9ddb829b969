//! `TermReader` against `parse_bytes` on the whole input (itself checked
//! against OTP): the same terms and the same error (kind, line, column,
//! span), for every file of the shared corpus and every conformance case,
//! read in chunks of 1, 7 and 64 KiB bytes; what OTP said of each file
//! (the corpus manifest, the recorded `file:consult` output); handmade and
//! generated inputs around term ends, encodings and invalid UTF-8; bounded
//! read-ahead and the per-term limit.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Read;
use std::path::{Path, PathBuf};

use erlterm::{Error, ErrorKind, ParseOptions, Term, TermReader};

const CHUNKS: [usize; 3] = [1, 7, 64 * 1024];

/// The terms a `TermReader` yields, and the error that ends them.
fn stream(bytes: &[u8], chunk: usize) -> (Vec<Term>, Option<Error>) {
    stream_with(bytes, chunk, ParseOptions::default())
}

fn stream_with(bytes: &[u8], chunk: usize, opts: ParseOptions) -> (Vec<Term>, Option<Error>) {
    let (terms, error) = stream_rendered(bytes, chunk, opts);
    (terms, error.map(|(e, _)| e))
}

/// [`stream_with`], with the error's diagnostic as the reader renders it.
fn stream_rendered(
    bytes: &[u8],
    chunk: usize,
    opts: ParseOptions,
) -> (Vec<Term>, Option<(Error, String)>) {
    let mut terms = Vec::new();
    let mut reader = TermReader::with_options(bytes, opts).chunk_size(chunk);
    for item in reader.by_ref() {
        match item {
            Ok(t) => terms.push(t),
            Err(e) => {
                assert!(reader.next().is_none(), "items after an error");
                let shown = reader.render_error(&e, "f.config");
                return (terms, Some((e, shown)));
            }
        }
    }
    assert!(reader.next().is_none());
    (terms, None)
}

/// `Err(description)` when the reader disagrees with `parse_bytes`.
fn compare(bytes: &[u8], chunk: usize) -> Result<(), String> {
    let (terms, error) = stream_rendered(bytes, chunk, ParseOptions::default());
    // The diagnostic too, where the text is decodable (`render_error` has
    // only the valid text before invalid UTF-8, `decode_for_display` more
    // after it, replaced).
    if let (Err(want), Some((_, shown))) = (erlterm::parse_bytes(bytes), &error) {
        let text = erlterm::encoding::decode_for_display(bytes);
        let poisoned = erlterm::encoding::detect(bytes) == erlterm::encoding::Encoding::Utf8
            && std::str::from_utf8(bytes).is_err();
        if !poisoned && *shown != want.render(&text, "f.config") {
            return Err(format!("chunk {chunk}: diagnostic {shown}"));
        }
    }
    let error = error.map(|(e, _)| e);
    match (erlterm::parse_bytes(bytes), error) {
        (Ok(want), None) if want == terms => Ok(()),
        (Ok(want), None) => Err(format!(
            "chunk {chunk}: {} terms, parse_bytes {}",
            terms.len(),
            want.len()
        )),
        (Err(want), Some(got)) if want == got => Ok(()),
        (want, got) => Err(format!(
            "chunk {chunk}: parse_bytes {:?}, reader {got:?} after {} terms",
            want.map(|t| t.len()),
            terms.len()
        )),
    }
}

fn assert_same(bytes: &[u8]) {
    for chunk in CHUNKS {
        if let Err(e) = compare(bytes, chunk) {
            panic!("{e}\ninput: {:?}", String::from_utf8_lossy(bytes));
        }
    }
}

/// What OTP's `file:consult` oracle prints: the terms, or `error R`.
fn oracle_format(bytes: &[u8], chunk: usize) -> String {
    match stream(bytes, chunk) {
        (terms, None) => terms.iter().map(|t| format!("{t}\n")).collect(),
        (_, Some(e)) => format!("error {}\n", e.otp_reason()),
    }
}

fn shared() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    dir.join("corpus/MANIFEST.tsv").is_file().then_some(dir)
}

#[test]
fn corpus_files_read_as_parse_bytes_and_otp_read_them() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared is not checked out");
        return;
    };
    let manifest = std::fs::read_to_string(shared.join("corpus/MANIFEST.tsv")).unwrap();
    let mut failures = Vec::new();
    let (mut files, mut errors) = (0, 0);
    for row in manifest.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        let (file, otp) = (cols[0], cols[6]);
        let bytes = std::fs::read(shared.join("corpus").join(file)).unwrap();
        files += 1;
        for chunk in CHUNKS {
            if let Err(e) = compare(&bytes, chunk) {
                failures.push(format!("{file}: {e}"));
            }
        }
        // What OTP 25 said: the number of terms, or the error's line and module.
        let (terms, error) = stream(&bytes, 64 * 1024);
        if let Some(n) = otp.strip_prefix("ok:") {
            if error.is_some() || terms.len().to_string() != n {
                failures.push(format!("{file}: OTP read {n} terms, reader {error:?}"));
            }
        } else if let Some(reason) = otp.strip_prefix("error:{") {
            errors += 1;
            let mut parts = reason.splitn(3, ',');
            let (line, module) = (parts.next().unwrap(), parts.next().unwrap());
            let got = error.as_ref().map(|e| {
                let Term::Tuple(r) = e.otp_reason() else {
                    panic!()
                };
                (r[0].to_string(), r[1].to_string())
            });
            if got != Some((line.to_owned(), module.to_owned())) {
                failures.push(format!("{file}: OTP {otp}, reader {got:?}"));
            }
        }
    }
    assert!(
        files > 1500 && errors > 300,
        "{files} files, {errors} errors"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every recorded conformance case: the reader prints exactly what
/// `file:consult` printed, and agrees with `parse_bytes` on the error.
#[test]
fn conformance_cases_match_otp() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/consult");
    let mut dirs = vec![here];
    if let Some(shared) = shared() {
        dirs.push(shared.join("conformance/consult"));
    }
    let mut n = 0;
    let mut failures = Vec::new();
    for dir in dirs {
        for entry in std::fs::read_dir(dir.join("cases")).unwrap() {
            let case = entry.unwrap().path();
            let name = case.file_stem().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&case).unwrap();
            let expected = dir.join("expected").join(format!("{name}.out"));
            let Ok(expected) = std::fs::read_to_string(expected) else {
                continue;
            };
            n += 1;
            for chunk in CHUNKS {
                let got = oracle_format(&bytes, chunk);
                if got != expected {
                    failures.push(format!(
                        "{name} (chunk {chunk}): OTP {expected}  reader {got}"
                    ));
                }
                if let Err(e) = compare(&bytes, chunk) {
                    failures.push(format!("{name}: {e}"));
                }
            }
        }
    }
    assert!(n >= 300, "only {n} cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn term_ends_inside_literals_and_comments() {
    for src in [
        "a. b.",
        "a.b.",
        "{\"x. y\", 'p. q', $., $\", $', $%, $\\\\, $\\\", $\\^., $\\^\"}. next.",
        "\"\\^\"\". b.",
        "'\\^''. b.",
        "[$\\x{2E}, $\\056, $\\^%]. % c.\nb.",
        "a.% comment. here\nb.%\n",
        "a.\u{a0}b.\u{85}c.\u{a1}d.",
        "a.. b.",
        "a... b.",
        "a.... b.",
        "1.5. 1.e. 2.0e3.",
        "{a,\n b}.\n\n\n{c d}.",
        "a. {b\n,\n c d}.",
        "x. \"open",
        "x. 'open",
        "x. $",
        "x. $\\",
        "x. \"\\",
        "x. a",
        "x. .",
        "x.\n\n  ",
        "x. %% trailing comment",
        "x. {a, \u{FFFF}}.",
        "x. % \u{FFFE}\n",
        "x. é. 'é'. \"é😀\". $😀. $\\^é.",
        "x. <<\"a. b\">>. #{a => \". \"}.",
        "x. [1 | 2]. -1. +2. 16#ff. 2#101. $\\s.",
        "x. 1_000. 1.0e-3. \"\\x{1F600}\". '\\101'.",
        "",
        " ",
        ".",
        "a",
    ] {
        assert_same(src.as_bytes());
    }
}

#[test]
fn encodings_and_invalid_utf8() {
    let cases: &[&[u8]] = &[
        b"%% coding: latin-1\n\"\xE9\". '\xE9'. \xE9x.",
        b"\n%% -*- coding: latin-1 -*-\n[$\xE9, $\xA0].\xA0a.",
        b"\n\n%% coding: latin-1\n\"\xE9\".",
        b"a.\n\"\xE9\".",
        b"a.\nb.\xE9",
        b"a.\xE9",
        b"a. \xE9",
        b"\xE9",
        b"a.\n%% \xFF comment\nb.",
        b"{a,\n\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"}.",
        b"{a,\n\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\"}.",
        b"{a,\n\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98",
        b"{a}.\n\xED\xA0\x80.",
        b"{a}.\n\xC3",
    ];
    for bytes in cases {
        assert_same(bytes);
    }
    // The invalid byte's line, as OTP reports it.
    let (terms, e) = stream(b"a.\nb.\n\"\xE9\".", 1);
    assert_eq!(terms.len(), 2);
    assert_eq!(
        e.unwrap().otp_reason().to_string(),
        "{3,file_io_server,invalid_unicode}"
    );
    // A latin-1 declaration after the 512 first bytes is not seen.
    let mut late = vec![b'\n'];
    late.extend(std::iter::repeat_n(b' ', 600));
    late.extend_from_slice(b"%% coding: latin-1\n\"\xE9\".");
    assert_same(&late);
    let mut header = b"%% coding: latin-1".to_vec();
    header.extend(std::iter::repeat_n(b' ', 600));
    header.extend_from_slice(b"\n\"\xE9\".");
    assert_same(&header);
}

/// A xorshift generator: fixed seeds, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Random sequences of the pieces that decide where a term ends.
#[test]
fn generated_inputs_agree_with_parse_bytes() {
    const PIECES: &[&[u8]] = &[
        b"a",
        b"B",
        b"1",
        b"1.5",
        b"2e3",
        b".",
        b". ",
        b".\n",
        b"..",
        b"...",
        b" ",
        b"\n",
        b"\t",
        b"%",
        b"% c. \n",
        b"$",
        b"$.",
        b"$\\",
        b"$\\^",
        b"\\",
        b"^",
        b"\"",
        b"'",
        b"\\\"",
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b"|",
        b"x{",
        b"2E}",
        b"\xC2\xA0",
        b"\xC2\xA1",
        b"\xC3\xA9",
        b"\xEF\xBF\xBF",
        b"\xF0\x9F\x98\x80",
        b"#{",
        b"=>",
        b"<<",
        b">>",
        b"16#",
        b"-",
        b"{a, \"b. c\"}. ",
        b"[x, 'y. z', $.].\n",
        b"<<1:4>>.",
        b"\xE9",
        b"\xF0\x9F",
        b"\\^\"",
        b"\\^'",
        b"\"\\^\"\". ",
        b"'\\^''. ",
    ];
    let mut rng = Rng(0x5EED_2023);
    let mut failures = Vec::new();
    for _ in 0..4000 {
        let mut input = Vec::new();
        if rng.below(10) == 0 {
            input.extend_from_slice(b"%% coding: latin-1\n");
        }
        for _ in 0..rng.below(24) {
            input.extend_from_slice(PIECES[rng.below(PIECES.len())]);
        }
        for chunk in [1, 3, 64 * 1024] {
            if let Err(e) = compare(&input, chunk) {
                failures.push(format!("{:?}: {e}", String::from_utf8_lossy(&input)));
                break;
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn errors_keep_their_line_and_column_far_into_the_input() {
    let mut src = String::new();
    for i in 0..20_000 {
        src.push_str(&format!("{{term, {i}, \"text\"}}. "));
        if i % 3 == 0 {
            src.push('\n');
        }
    }
    src.push_str("{a, b c}.\n");
    let want = erlterm::parse_bytes(src.as_bytes()).unwrap_err();
    assert!(want.line() > 6000 && want.span.column > 1, "{want:?}");
    for chunk in CHUNKS {
        let (terms, got) = stream(src.as_bytes(), chunk);
        assert_eq!(terms.len(), 20_000);
        assert_eq!(got.as_ref(), Some(&want));
    }
    // The diagnostic is the one `Error::render` writes over the whole text.
    let mut reader = TermReader::new(src.as_bytes());
    let e = reader.find_map(Result::err).unwrap();
    assert_eq!(
        reader.render_error(&e, "big.config"),
        want.render(&src, "big.config")
    );
}

#[test]
fn term_lines() {
    let src = "%% head\n{a,\n b}. c.\n\n  %% x\n d.";
    let mut reader = TermReader::new(src.as_bytes()).chunk_size(3);
    let mut lines = Vec::new();
    while let Some(t) = reader.next() {
        t.unwrap();
        lines.push(reader.term_line().unwrap());
    }
    assert_eq!(lines, [2, 3, 6]);
}

/// A reader over generated terms that counts the bytes handed out.
struct Counting {
    term: Vec<u8>,
    total: usize,
    given: usize,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.total - self.given);
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = self.term[(self.given + i) % self.term.len()];
        }
        self.given += n;
        Ok(n)
    }
}

#[test]
fn reads_ahead_by_at_most_one_chunk() {
    let term = b"{sasl, [{sasl_error_logger, false}, {errlog_type, error}]}.\n".to_vec();
    let len = term.len();
    let count = 200_000; // 12 MB
    let chunk = 64 * 1024;
    let input = Counting {
        term,
        total: len * count,
        given: 0,
    };
    let mut reader = TermReader::new(input);
    let first = reader.next().unwrap().unwrap();
    assert_eq!(
        first.to_string(),
        "{sasl,[{sasl_error_logger,false},{errlog_type,error}]}"
    );
    assert_eq!(
        reader.get_ref().given,
        chunk,
        "read ahead for the first term"
    );
    let mut n = 1;
    while let Some(t) = reader.next() {
        assert_eq!(t.unwrap(), first);
        n += 1;
        assert!(reader.get_ref().given <= n * len + chunk + 8, "term {n}");
    }
    assert_eq!(n, count);
}

#[test]
fn a_term_longer_than_the_limit_is_refused_after_reading_it_only() {
    let max = 100_001;
    let opts = ParseOptions {
        max_input_bytes: max,
        ..ParseOptions::default()
    };
    // At the limit: the text from the previous dot through this one.
    let at_limit = format!("ok.\n[{}0].", "0,".repeat((max - 5) / 2));
    let body = &at_limit[3..];
    assert_eq!(body.len(), max);
    let (terms, e) = stream_with(at_limit.as_bytes(), 7, opts.clone());
    assert_eq!((terms.len(), e), (2, None));
    let past = format!("ok.\n [{}0].", "0,".repeat((max - 5) / 2));
    let (terms, e) = stream_with(past.as_bytes(), 7, opts.clone());
    assert_eq!(terms.len(), 1);
    let e = e.unwrap();
    assert!(matches!(e.kind, ErrorKind::Limit(_)), "{e:?}");
    assert_eq!((e.line(), e.span.column), (2, 2));
    // An endless term: refused once the limit is read, not at the end.
    let input = Counting {
        term: b"[0,0,0,0,".to_vec(),
        total: 50 * max,
        given: 0,
    };
    let mut reader = TermReader::with_options(input, opts);
    let e = reader.next().unwrap().unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Limit(_)), "{e:?}");
    assert!(reader.get_ref().given <= max + 64 * 1024 + 8);
    assert!(reader.next().is_none());
}

#[test]
fn a_limit_of_zero_bytes_reads_an_empty_input() {
    let opts = |max| ParseOptions {
        max_input_bytes: max,
        ..ParseOptions::default()
    };
    // Nothing to read is no term and no error, whatever the limit.
    assert_eq!(stream_with(b"", 1, opts(0)), (vec![], None));
    // Two bytes are a term at a limit of 2, too long at 1.
    assert_eq!(stream_with(b"a.", 1, opts(2)).0, vec![Term::atom("a")]);
    let (terms, e) = stream_with(b"a.", 1, opts(1));
    assert!(terms.is_empty());
    assert!(matches!(e.map(|e| e.kind), Some(ErrorKind::Limit(_))));
}

#[test]
fn read_failures_are_io_errors_after_the_terms_before() {
    struct FailsLater(usize);
    impl Read for FailsLater {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0 == 0 {
                return Err(std::io::Error::from_raw_os_error(5));
            }
            self.0 -= 1;
            buf[..3].copy_from_slice(b"a.\n");
            Ok(3)
        }
    }
    let mut reader = TermReader::new(FailsLater(400)).name("f.config");
    let mut n = 0;
    let e = loop {
        match reader.next().unwrap() {
            Ok(_) => n += 1,
            Err(e) => break e,
        }
    };
    // Terms of the first 512 bytes (the encoding is detected on them), at least.
    assert!(n >= 170, "{n}");
    assert!(matches!(e.kind, ErrorKind::Io { ref posix, .. } if posix == "eio"));
    assert_eq!(e.to_string(), "f.config: input/output error");
    assert!(reader.next().is_none());
}
