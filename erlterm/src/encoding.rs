//! Bytes to text: `epp`'s `coding:` comment detection (spec §2).

use std::borrow::Cow;

/// The character encoding a term file is read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Every byte is one character (`%% coding: latin-1`).
    Latin1,
    /// UTF-8, the default.
    Utf8,
}

/// Finds the encoding as `epp:set_encoding/1` does: a `coding` comment on
/// line 1 or 2 (raw bytes, not tokens), default UTF-8.
///
/// ```
/// use erlterm::encoding::{detect, Encoding};
/// assert_eq!(detect(b"%% -*- coding: latin-1 -*-\n"), Encoding::Latin1);
/// assert_eq!(detect(b"%% coding: latin1\n"), Encoding::Utf8);
/// assert_eq!(detect(b"a.\n"), Encoding::Utf8);
/// ```
pub fn detect(bytes: &[u8]) -> Encoding {
    let head = bytes.get(..512).unwrap_or(bytes);
    for line in head.split(|&b| b == b'\n').take(2) {
        match line_coding(line) {
            Some(Some(enc)) => return enc,
            Some(None) => return Encoding::Utf8,
            None => {}
        }
    }
    Encoding::Utf8
}

/// `None`: no `coding` declaration on this line; `Some(None)`: a
/// declaration with an unknown value (stops the search).
fn line_coding(line: &[u8]) -> Option<Option<Encoding>> {
    let pct = line.iter().position(|&b| b == b'%')?;
    let mut rest = line.get(pct + 1..)?;
    while let Some(at) = find(rest, b"coding") {
        // `find` matched six bytes at `at`, so this is always `Some`.
        let after_kw = rest.get(at + 6..)?;
        if let Some((&b':' | &b'=', value)) = skip_spaces(after_kw).split_first() {
            return Some(coding_value(skip_spaces(value)));
        }
        rest = after_kw;
    }
    None
}

fn skip_spaces(mut s: &[u8]) -> &[u8] {
    while let Some((&b' ', r)) = s.split_first() {
        s = r;
    }
    s
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn coding_value(value: &[u8]) -> Option<Encoding> {
    let name = value
        .split(|&b| !(b.is_ascii_alphanumeric() || b == b'-'))
        .next()
        .unwrap_or(value);
    let text = String::from_utf8_lossy(name).to_ascii_lowercase();
    let parts: Vec<&str> = text.split('-').collect();
    match parts.as_slice() {
        ["latin", "1", ..] => Some(Encoding::Latin1),
        ["utf", "8", ..] => Some(Encoding::Utf8),
        _ => None,
    }
}

/// Decoded text, and whether it stops early at invalid UTF-8 (reaching its
/// end is then an `invalid_unicode` error).
pub(crate) fn decode(bytes: &[u8]) -> (Cow<'_, str>, bool) {
    match detect(bytes) {
        Encoding::Latin1 => {
            if bytes.is_ascii() {
                (
                    Cow::Borrowed(std::str::from_utf8(bytes).unwrap_or_default()),
                    false,
                )
            } else {
                (
                    Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
                    false,
                )
            }
        }
        Encoding::Utf8 => match std::str::from_utf8(bytes) {
            Ok(s) => (Cow::Borrowed(s), false),
            Err(e) => {
                let valid = bytes.get(..e.valid_up_to()).unwrap_or_default();
                (
                    Cow::Borrowed(std::str::from_utf8(valid).unwrap_or_default()),
                    true,
                )
            }
        },
    }
}

/// `text` as bytes in `encoding`. For latin-1 every character must be at
/// most U+00FF (true of decoded latin-1 files and of the documents' edits,
/// which escape anything above).
pub(crate) fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
    match encoding {
        Encoding::Utf8 => text.as_bytes().to_vec(),
        Encoding::Latin1 => text.chars().map(|c| c as u8).collect(),
    }
}

/// The text that spans of [`crate::parse_bytes_nodes`] and errors of
/// [`crate::parse_bytes`] refer to, for rendering diagnostics: the file
/// decoded with its detected encoding (invalid UTF-8 replaced after the
/// first error position, which no span passes).
pub fn decode_for_display(bytes: &[u8]) -> Cow<'_, str> {
    match decode(bytes) {
        (text, false) => text,
        (_, true) => String::from_utf8_lossy(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_table() {
        let cases: &[(&[u8], Encoding)] = &[
            (b"%% coding: latin-1\n", Encoding::Latin1),
            (b"%% vim: set fileencoding=latin-1 :\n", Encoding::Latin1),
            (b"\n%% coding: latin-1\n", Encoding::Latin1),
            (b"\n\n%% coding: latin-1\n", Encoding::Utf8),
            (b"%% coding: iso-8859-1\n", Encoding::Utf8),
            (b"%% coding: LATIN-1\n", Encoding::Latin1),
            (b"%% Coding: latin-1\n", Encoding::Utf8),
            (b"%% coding=latin-1\n", Encoding::Latin1),
            (b"a. %% coding: latin-1\n", Encoding::Latin1),
            (b"%% coding: utf-8\n%% coding: latin-1\n", Encoding::Utf8),
            (b"%% coding: utf-9\n%% coding: latin-1\n", Encoding::Utf8),
            (b"%% coding: latin-1-foo\n", Encoding::Latin1),
            (b"%% codingx coding: latin-1\n", Encoding::Latin1),
        ];
        for (input, want) in cases {
            assert_eq!(detect(input), *want, "{}", String::from_utf8_lossy(input));
        }
    }
}
