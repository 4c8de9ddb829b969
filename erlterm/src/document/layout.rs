//! Reading the layout around values: lines, indentation, separators and
//! trailing comments, so that inserted and removed entries look like their
//! siblings.

/// Offset of the first byte of the line holding `pos`.
pub(crate) fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// The indentation before `pos` if only spaces and tabs precede it on its line.
pub(crate) fn indent_before(text: &str, pos: usize) -> Option<&str> {
    let ls = line_start(text, pos);
    let lead = &text[ls..pos];
    lead.bytes()
        .all(|b| b == b' ' || b == b'\t')
        .then_some(lead)
}

/// Whether `pos` is the first non-blank character of its line.
pub(crate) fn starts_line(text: &str, pos: usize) -> bool {
    indent_before(text, pos).is_some()
}

/// If the rest of the line from `pos` is only blanks and a comment, the
/// offset of its `\n` (or of the end of the text).
pub(crate) fn trivia_to_eol(text: &str, pos: usize) -> Option<usize> {
    let rest = &text[pos..];
    let eol = rest.find('\n').map_or(text.len(), |i| pos + i);
    let line = text[pos..eol].trim_start_matches([' ', '\t', '\r']);
    (line.is_empty() || line.starts_with('%')).then_some(eol)
}

/// The first `,` in `from..to` outside comments (the separator between two
/// siblings; only trivia and parentheses can sit there besides it).
pub(crate) fn find_comma(text: &str, from: usize, to: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while i < to {
        match bytes.get(i)? {
            b',' => return Some(i),
            b'%' => {
                while i < to && bytes.get(i).is_some_and(|&b| b != b'\n') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// Whether `text` holds only whitespace.
pub(crate) fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_whitespace())
}

/// Where the comment lines directly above `line` begin (no blank line
/// between them and `line`), not above `floor`: the comment block that
/// belongs to the term on `line`. `line` when there is none.
pub(crate) fn comment_block_start(text: &str, line: usize, floor: usize) -> usize {
    let mut start = line;
    while start > floor {
        let prev = line_start(text, start - 1);
        if prev < floor {
            break;
        }
        let content = text[prev..start].trim();
        if !content.starts_with('%') {
            break;
        }
        start = prev;
    }
    start
}

/// The first `.` at or after `from` outside comments: the dot that ends a
/// top-level term whose value ends at `from` (only trivia and closing
/// parentheses sit between).
pub(crate) fn find_dot(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'.' => return Some(i),
            b'%' => {
                while bytes.get(i).is_some_and(|&b| b != b'\n') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    None
}
