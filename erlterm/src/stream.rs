//! Reading the terms of a byte stream one at a time, in bounded memory.
//!
//! [`TermReader`] yields the terms of any [`std::io::Read`] as
//! `file:consult/1` reads them, without holding the whole input: it reads
//! chunks, finds the end of the next term (its end-of-term dot, as OTP's
//! scanner sees it), parses exactly that term's text and forgets it. The
//! terms and the error are those of [`crate::parse_bytes_with`] on the
//! whole input, with the same line, column and byte span.

use std::collections::VecDeque;
use std::io::Read;
use std::iter::FusedIterator;

use crate::encoding::{self, Encoding};
use crate::error::{Error, ErrorKind};
use crate::options::ParseOptions;
use crate::span::Span;
use crate::term::Term;

/// How many bytes [`TermReader`] asks its reader for at a time, by default.
pub const DEFAULT_CHUNK_BYTES: usize = 64 * 1024;

/// Bytes `epp` looks at for a `coding:` comment (see [`encoding::detect`]).
const HEADER_BYTES: usize = 512;

/// Look-ahead the boundary scanner needs before it decides at a `$`, `\`
/// or `.`: `$\^` and a four-byte character, or a dot and two bytes.
const LOOKAHEAD: usize = 8;

/// Consumed text kept before it is dropped (amortises the move of the
/// unconsumed rest to the front of the buffer).
const COMPACT_AT: usize = 64 * 1024;

/// At most this much of the line the failed term starts on is kept before
/// it, for [`TermReader::render_error`].
const LINE_CONTEXT: usize = 4096;

/// An iterator over the terms of a byte stream, as `file:consult/1` reads
/// them, holding one term's text at a time.
///
/// Each item is a term, or the error that ends the input: after an error
/// the iterator returns `None`, as `file:consult/1` stops at the first
/// error. The terms and the error are exactly those of
/// [`parse_bytes_with`](crate::parse_bytes_with) on the whole input: the
/// same `coding: latin-1` detection (in the first two lines), the same
/// `invalid_unicode` error at the same line, the same [`Error`] (kind,
/// line, column, byte span into the decoded text). Only the terms before
/// the error have been yielded when it comes.
///
/// Memory is the largest term's text and one chunk (64 KiB by default,
/// [`TermReader::chunk_size`]), not the input: a term's text, counted from
/// the end of the previous term (whitespace and comments before it
/// included) through its dot, may be at most
/// [`ParseOptions::max_input_bytes`] long, which here bounds each term
/// instead of the whole input; a longer one is an
/// [`ErrorKind::Limit`] error on the line where it starts.
///
/// ```
/// let input: &[u8] = b"{app, \"1.0\"}.\n%% a comment. with a dot\n[1 | 2].\n{a b}.\nnever.";
/// let mut terms = erlterm::TermReader::new(input);
/// assert_eq!(terms.next().unwrap().unwrap().to_string(), "{app,[49,46,48]}");
/// assert_eq!(terms.term_line(), Some(1));
/// assert_eq!(terms.next().unwrap().unwrap().to_string(), "[1|2]");
/// assert_eq!(terms.term_line(), Some(3));
/// let e = terms.next().unwrap().unwrap_err();
/// assert_eq!((e.line(), e.span.column), (4, 4));
/// assert_eq!(e.otp_reason(), erlterm::parse_bytes(input).unwrap_err().otp_reason());
/// assert!(terms.next().is_none());
/// ```
pub struct TermReader<R> {
    reader: R,
    opts: ParseOptions,
    chunk: usize,
    name: String,
    /// Bytes read but not decoded yet: the header before the encoding is
    /// known, or an incomplete UTF-8 sequence at the end of a chunk.
    raw: Vec<u8>,
    encoding: Option<Encoding>,
    /// Decoded text; `text[0]` is at `base` in the whole decoded input.
    text: String,
    base: Pos,
    /// Start of the unconsumed text (just after the last term's dot).
    head: usize,
    head_pos: Pos,
    scan: Scan,
    /// The reader returned end of input.
    eof: bool,
    /// Invalid UTF-8 was met: `text` ends just before it, and reaching
    /// its end is an `invalid_unicode` error, as for `parse_bytes`.
    poisoned: bool,
    /// Terms parsed but not yet returned (a slice holds one term, but the
    /// last one may hold several if the input ends without whitespace).
    queue: VecDeque<(Term, u32)>,
    term_line: Option<u32>,
    done: bool,
}

/// A place in the decoded input.
#[derive(Clone, Copy, Debug)]
struct Pos {
    /// Byte offset in the decoded text.
    offset: u64,
    /// 1-based line.
    line: u32,
    /// Characters before it on its line.
    column: u32,
}

impl Pos {
    const START: Pos = Pos {
        offset: 0,
        line: 1,
        column: 0,
    };

    /// The place just after `text`, which starts here.
    fn after(self, text: &str) -> Pos {
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes()).count();
        let (line, column) = match memchr::memrchr(b'\n', text.as_bytes()) {
            Some(nl) => (
                self.line
                    .saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX)),
                chars(text.get(nl + 1..).unwrap_or_default()),
            ),
            None => (self.line, self.column.saturating_add(chars(text))),
        };
        Pos {
            offset: self.offset.saturating_add(text.len() as u64),
            line,
            column,
        }
    }
}

fn chars(text: &str) -> u32 {
    u32::try_from(text.chars().count()).unwrap_or(u32::MAX)
}

/// Where the boundary scanner is, and what it is inside of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Normal,
    Comment,
    Quoted(u8),
}

#[derive(Clone, Copy, Debug)]
struct Scan {
    pos: usize,
    mode: Mode,
}

impl<R: Read> TermReader<R> {
    /// A reader of the terms of `reader` with the default [`ParseOptions`].
    ///
    /// ```
    /// let terms: Result<Vec<_>, _> = erlterm::TermReader::new(&b"a. \"b\"."[..]).collect();
    /// assert_eq!(terms.unwrap(), erlterm::parse_bytes(b"a. \"b\".").unwrap());
    /// ```
    pub fn new(reader: R) -> Self {
        Self::with_options(reader, ParseOptions::default())
    }

    /// A reader with explicit limits and bindings;
    /// [`ParseOptions::max_input_bytes`] bounds each term's text.
    ///
    /// ```
    /// let opts = erlterm::ParseOptions { max_input_bytes: 8, ..Default::default() };
    /// let mut terms = erlterm::TermReader::with_options(&b"short.\n[1,2,3,4]."[..], opts);
    /// assert!(terms.next().unwrap().is_ok());
    /// let e = terms.next().unwrap().unwrap_err();
    /// assert!(matches!(e.kind, erlterm::ErrorKind::Limit(_)));
    /// assert_eq!(e.line(), 2);
    /// ```
    pub fn with_options(reader: R, opts: ParseOptions) -> Self {
        TermReader {
            reader,
            opts,
            chunk: DEFAULT_CHUNK_BYTES,
            name: "input".to_owned(),
            raw: Vec::new(),
            encoding: None,
            text: String::new(),
            base: Pos::START,
            head: 0,
            head_pos: Pos::START,
            scan: Scan {
                pos: 0,
                mode: Mode::Normal,
            },
            eof: false,
            poisoned: false,
            queue: VecDeque::new(),
            term_line: None,
            done: false,
        }
    }

    /// Sets how many bytes are asked of the reader at a time (at least 1;
    /// default [`DEFAULT_CHUNK_BYTES`]). Memory is the largest term and
    /// about one chunk; the terms do not depend on it.
    ///
    /// ```
    /// let src = "{a, \"é\"}.\n$. .\n";
    /// let whole = erlterm::parse_str(src).unwrap();
    /// let one_by_one: Vec<_> = erlterm::TermReader::new(src.as_bytes())
    ///     .chunk_size(1)
    ///     .collect::<Result<_, _>>()
    ///     .unwrap();
    /// assert_eq!(one_by_one, whole);
    /// ```
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        self.chunk = bytes.max(1);
        self
    }

    /// Names the input in the messages of read failures
    /// ([`ErrorKind::Io`]: `NAME: input/output error`); default `input`.
    /// Control characters are shown escaped.
    ///
    /// ```
    /// struct Broken;
    /// impl std::io::Read for Broken {
    ///     fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
    ///         Err(std::io::Error::from_raw_os_error(5))
    ///     }
    /// }
    /// let e = erlterm::TermReader::new(Broken).name("app.config").next().unwrap().unwrap_err();
    /// assert_eq!(e.to_string(), "app.config: input/output error");
    /// assert_eq!(e.otp_reason().to_string(), "eio");
    /// ```
    pub fn name(mut self, name: &str) -> Self {
        self.name = crate::diagnostic::escape_control(name).into_owned();
        self
    }

    /// The line on which the term last returned by `next` starts (its
    /// first token); `None` before the first term.
    ///
    /// ```
    /// let mut terms = erlterm::TermReader::new(&b"%% header\n\n{a,\n b}. c."[..]);
    /// terms.next();
    /// assert_eq!(terms.term_line(), Some(3));
    /// terms.next();
    /// assert_eq!(terms.term_line(), Some(4));
    /// ```
    pub fn term_line(&self) -> Option<u32> {
        self.term_line
    }

    /// The encoding the input is read with (`%% coding: latin-1` on one of
    /// the first two lines, else UTF-8); `None` until the first bytes are
    /// read.
    ///
    /// ```
    /// use erlterm::encoding::Encoding;
    /// let mut terms = erlterm::TermReader::new(&b"%% coding: latin-1\n\"\xE9\"."[..]);
    /// assert_eq!(terms.next().unwrap().unwrap().to_string(), "[233]");
    /// assert_eq!(terms.encoding(), Some(Encoding::Latin1));
    /// ```
    pub fn encoding(&self) -> Option<Encoding> {
        self.encoding
    }

    /// The reader underneath.
    ///
    /// ```
    /// let terms = erlterm::TermReader::new(std::io::Cursor::new(b"a.".to_vec()));
    /// assert_eq!(terms.get_ref().position(), 0);
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The reader underneath, giving up what was read but not yet parsed.
    ///
    /// ```
    /// let mut terms = erlterm::TermReader::new(std::io::Cursor::new(b"a. b.".to_vec()));
    /// terms.next();
    /// assert_eq!(terms.into_inner().position(), 5);
    /// ```
    pub fn into_inner(self) -> R {
        self.reader
    }

    #[cfg(feature = "diagnostics")]
    /// The rustc-style diagnostic of an error this reader returned, as
    /// [`Error::render`] writes it over the whole decoded input (the same
    /// line numbers, columns and snippet), from the text the reader still
    /// holds: the failed term and up to 4 KiB of its line before it.
    ///
    /// ```
    /// let src = b"{a, 1}.\n{b,\n c d}.\n";
    /// let mut terms = erlterm::TermReader::new(&src[..]);
    /// let e = terms.find_map(Result::err).unwrap();
    /// let text = std::str::from_utf8(src).unwrap();
    /// assert_eq!(terms.render_error(&e, "x.config"), e.render(text, "x.config"));
    /// assert!(terms.render_error(&e, "x.config").contains("x.config:3:4"));
    /// ```
    pub fn render_error(&self, error: &Error, origin: &str) -> String {
        if error.span.line == 0 || matches!(error.kind, ErrorKind::Io { .. }) {
            return error.render("", origin);
        }
        // Padding stands for what was dropped: the lines before (as empty
        // lines) and the start of the first kept line (as spaces, one per
        // character: the columns stay right).
        let lines_before = self.base.line.saturating_sub(1) as usize;
        let columns_before = self.base.column as usize;
        let pad = lines_before + columns_before;
        let mut source = String::with_capacity(pad + self.text.len());
        source.extend(std::iter::repeat_n('\n', lines_before));
        source.extend(std::iter::repeat_n(' ', columns_before));
        source.push_str(&self.text);
        let shift = |at: u32| -> u32 {
            let in_text = u64::from(at).saturating_sub(self.base.offset);
            u32::try_from(in_text.saturating_add(pad as u64)).unwrap_or(u32::MAX)
        };
        let mut shown = error.clone();
        shown.span.start = shift(error.span.start);
        shown.span.end = shift(error.span.end);
        shown.render(&source, origin)
    }

    /// Reads one chunk and decodes what can be decoded of it.
    fn fill(&mut self) -> Result<(), Error> {
        self.compact();
        let start = self.raw.len();
        self.raw.resize(start + self.chunk, 0);
        let read = loop {
            let buf = self.raw.get_mut(start..).unwrap_or_default();
            match self.reader.read(buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.raw.truncate(start);
                    return Err(crate::io_failure(&self.name, &e));
                }
            }
        };
        self.raw.truncate(start + read.min(self.chunk));
        if read == 0 {
            self.eof = true;
        }
        self.decode();
        Ok(())
    }

    /// Moves decoded bytes from `raw` to `text`.
    fn decode(&mut self) {
        let encoding = match self.encoding {
            Some(e) => e,
            // `epp` looks at the first two lines of the first 512 bytes.
            None if self.raw.len() >= HEADER_BYTES || self.eof => {
                let e = encoding::detect(&self.raw);
                self.encoding = Some(e);
                e
            }
            None => return,
        };
        match encoding {
            Encoding::Latin1 => {
                self.text.extend(self.raw.iter().map(|&b| char::from(b)));
                self.raw.clear();
            }
            Encoding::Utf8 => match std::str::from_utf8(&self.raw) {
                Ok(s) => {
                    self.text.push_str(s);
                    self.raw.clear();
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    let prefix = self.raw.get(..valid).unwrap_or_default();
                    self.text
                        .push_str(std::str::from_utf8(prefix).unwrap_or_default());
                    if e.error_len().is_some() || self.eof {
                        // The text ends here, as `encoding::decode` cuts it.
                        self.poisoned = true;
                        self.raw.clear();
                    } else {
                        // A character split by the chunk: wait for its end.
                        self.raw.drain(..valid);
                    }
                }
            },
        }
    }

    /// Drops consumed text, keeping up to [`LINE_CONTEXT`] bytes of the
    /// current line before `head` for [`TermReader::render_error`].
    fn compact(&mut self) {
        if self.head < COMPACT_AT {
            return;
        }
        let bytes = self.text.as_bytes();
        let window = self.head - LINE_CONTEXT.min(self.head);
        let mut cut = match bytes
            .get(window..self.head)
            .and_then(|w| memchr::memrchr(b'\n', w))
        {
            Some(nl) => window + nl + 1,
            None => window,
        };
        while !self.text.is_char_boundary(cut) {
            cut += 1;
        }
        let kept = self.text.get(cut..self.head).unwrap_or_default();
        self.base = Pos {
            offset: self.head_pos.offset - kept.len() as u64,
            line: self.head_pos.line,
            column: self.head_pos.column.saturating_sub(chars(kept)),
        };
        self.text.drain(..cut);
        self.head -= cut;
        self.scan.pos -= cut;
    }

    /// The place of byte `at` of `text`, on the line of `head` or after.
    fn pos_at(&self, at: usize) -> Pos {
        let between = self.text.get(self.head..at).unwrap_or_default();
        self.head_pos.after(between)
    }

    /// Parses `text[head..end]` (the last slice: `poisoned` as the input)
    /// and consumes it.
    fn take_slice(&mut self, end: usize, poisoned: bool) -> Result<(), Error> {
        let slice = self.text.get(self.head..end).unwrap_or_default();
        let first = first_token(slice.as_bytes());
        let start = self.pos_at(self.head + first);
        if slice.len() > self.opts.max_input_bytes {
            return Err(self.too_long(start));
        }
        let terms = crate::parse_text_with(slice, poisoned, &self.opts)
            .map_err(|e| relocate(e, self.head_pos))?;
        self.queue
            .extend(terms.into_iter().map(|t| (t, start.line)));
        self.head_pos = self.head_pos.after(slice);
        self.head = end;
        Ok(())
    }

    fn too_long(&self, start: Pos) -> Error {
        Error {
            kind: ErrorKind::Limit(format!(
                "term of more than {} bytes (ParseOptions::max_input_bytes)",
                self.opts.max_input_bytes
            )),
            span: Span {
                start: u32::try_from(start.offset).unwrap_or(u32::MAX),
                end: u32::try_from(start.offset.saturating_add(1)).unwrap_or(u32::MAX),
                line: start.line,
                column: start.column.saturating_add(1),
            },
            expected: None,
            help: Some(
                "raise ParseOptions::max_input_bytes (erlrel consult --max-bytes) to read it"
                    .into(),
            ),
        }
    }

    /// Reads and parses until a term is queued or the input ends.
    fn advance(&mut self) -> Result<(), Error> {
        while self.queue.is_empty() {
            let complete = self.eof || self.poisoned;
            let at_eof = self.eof && !self.poisoned;
            if let Some(end) = find_end(self.text.as_bytes(), &mut self.scan, complete, at_eof) {
                self.take_slice(end, false)?;
                continue;
            }
            if complete {
                self.done = true;
                if self.head < self.text.len() || self.poisoned {
                    self.take_slice(self.text.len(), self.poisoned)?;
                }
                return Ok(());
            }
            if self.scan.pos - self.head > self.opts.max_input_bytes {
                let first = first_token(self.text.as_bytes().get(self.head..).unwrap_or_default());
                return Err(self.too_long(self.pos_at(self.head + first)));
            }
            self.fill()?;
        }
        Ok(())
    }
}

impl<R: Read> Iterator for TermReader<R> {
    type Item = Result<Term, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.queue.is_empty() && !self.done {
            if let Err(e) = self.advance() {
                self.done = true;
                self.queue.clear();
                return Some(Err(e));
            }
        }
        let (term, line) = self.queue.pop_front()?;
        self.term_line = Some(line);
        Some(Ok(term))
    }
}

impl<R: Read> FusedIterator for TermReader<R> {}

impl<R> std::fmt::Debug for TermReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TermReader")
            .field("encoding", &self.encoding)
            .field("line", &self.head_pos.line)
            .field("offset", &self.head_pos.offset)
            .field("buffered", &(self.text.len() - self.head))
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// An error of a slice starting at `at`, moved to its place in the input.
fn relocate(mut e: Error, at: Pos) -> Error {
    if e.span.line == 0 || matches!(e.kind, ErrorKind::Io { .. }) {
        return e;
    }
    if e.span.line == 1 {
        e.span.column = e.span.column.saturating_add(at.column);
    }
    e.span.line = e.span.line.saturating_add(at.line - 1);
    let shift = |x: u32| u32::try_from(at.offset.saturating_add(u64::from(x))).unwrap_or(u32::MAX);
    e.span.start = shift(e.span.start);
    e.span.end = shift(e.span.end);
    e
}

/// Offset of the first byte of `slice` that is not whitespace or comment.
fn first_token(slice: &[u8]) -> usize {
    let mut i = 0;
    while let Some(&b) = slice.get(i) {
        if b <= b' ' {
            i += 1;
        } else if b == 0xC2 && slice.get(i + 1).is_some_and(|&c| c <= 0xA0) {
            i += 2;
        } else if b == b'%' {
            match memchr::memchr(b'\n', slice.get(i..).unwrap_or_default()) {
                Some(nl) => i += nl + 1,
                None => return slice.len(),
            }
        } else {
            break;
        }
    }
    i
}

/// Byte offset just past the next end-of-term dot of `b` at or after
/// `scan.pos`, as the scanner (`crate::lexer`) sees it: outside strings,
/// quoted atoms, comments and character literals (with their escapes:
/// `$\^.` and `"\^""` hold no end), a `.` followed by whitespace (bytes up
/// to the space, U+0080..U+00A0), `%`, or the end of the input (`at_eof`);
/// `..` and `...` are tokens. `None` when the text so far holds no end:
/// unless `complete`, the last [`LOOKAHEAD`] bytes are left for later, and
/// `scan` keeps where it stopped.
fn find_end(b: &[u8], scan: &mut Scan, complete: bool, at_eof: bool) -> Option<usize> {
    let stop = if complete {
        b.len()
    } else {
        b.len().saturating_sub(LOOKAHEAD)
    };
    let mut pos = scan.pos;
    let found = loop {
        if pos >= stop {
            break None;
        }
        match scan.mode {
            Mode::Comment => match b.get(pos..).and_then(|r| memchr::memchr(b'\n', r)) {
                Some(nl) => {
                    pos += nl + 1;
                    scan.mode = Mode::Normal;
                }
                None => pos = b.len(),
            },
            Mode::Quoted(q) => match b.get(pos..).and_then(|r| memchr::memchr2(q, b'\\', r)) {
                Some(i) if b.get(pos + i) == Some(&q) => {
                    pos += i + 1;
                    scan.mode = Mode::Normal;
                }
                Some(i) => {
                    let at = pos + i;
                    if at >= stop {
                        pos = at;
                        break None;
                    }
                    // `\^C` escapes the character after the caret; every
                    // other escape starts with one character that may be
                    // a quote and goes on with digits or braces.
                    let skip = if b.get(at + 1) == Some(&b'^') { 3 } else { 2 };
                    pos = (at + skip).min(b.len());
                }
                None => pos = b.len(),
            },
            Mode::Normal => {
                let Some(&c) = b.get(pos) else { break None };
                match c {
                    b'%' => {
                        scan.mode = Mode::Comment;
                        pos += 1;
                    }
                    b'"' | b'\'' => {
                        scan.mode = Mode::Quoted(c);
                        pos += 1;
                    }
                    b'$' => {
                        let skip = match (b.get(pos + 1), b.get(pos + 2)) {
                            (Some(b'\\'), Some(b'^')) => 4,
                            (Some(b'\\'), _) => 3,
                            _ => 2,
                        };
                        pos = (pos + skip).min(b.len());
                    }
                    b'.' => match b.get(pos + 1) {
                        None if at_eof => break Some(pos + 1),
                        None => pos += 1,
                        Some(&n) if n <= b' ' || n == b'%' => break Some(pos + 1),
                        Some(0xC2) if b.get(pos + 2).is_some_and(|&n| n <= 0xA0) => {
                            break Some(pos + 1)
                        }
                        Some(b'.') if b.get(pos + 2) == Some(&b'.') => pos += 3,
                        Some(b'.') => pos += 2,
                        Some(_) => pos += 1,
                    },
                    _ => pos += 1,
                }
            }
        }
    };
    scan.pos = found.unwrap_or(pos);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends(text: &str) -> Vec<usize> {
        let mut scan = Scan {
            pos: 0,
            mode: Mode::Normal,
        };
        let mut out = Vec::new();
        while let Some(e) = find_end(text.as_bytes(), &mut scan, true, true) {
            out.push(e);
        }
        out
    }

    #[test]
    fn boundaries() {
        assert_eq!(ends("a. b."), [2, 5]);
        assert_eq!(ends("$. . \"a. b\". 'c. '."), [4, 12, 19]);
        // `$\^.` is a character; `"\^"` is not a closed string.
        assert_eq!(ends("$\\^. . \"\\^\". \" ."), [6, 16]);
        assert_eq!(ends("a.. b... c.%\n"), [11]);
        assert_eq!(ends("a.\u{a0}b.\u{a1}c."), [2, 10]);
        assert_eq!(ends("1.5. % x. \n y."), [4, 14]);
        assert_eq!(ends("a.b"), Vec::<usize>::new());
    }
}
