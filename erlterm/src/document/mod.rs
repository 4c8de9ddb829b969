//! Format-preserving editing of term files, in the manner of `toml_edit`.
//!
//! A [`Document`] keeps every byte of its input — comments, whitespace,
//! the spelling of literals (`16#ff`, `$a`, `'quoted'`, `"adjacent" "strings"`)
//! — next to the spanned value tree of the real parser. Printing an
//! unedited document gives the input back byte for byte; edits splice new
//! text into the exact span of a value, so everything around it stays.
//! Each edit is re-read by the OTP-exact parser before it is kept: a
//! document is always a file that `file:consult/1` accepts.
//!
//! ```
//! use erlterm::document::{Document, Path};
//! let src = "%% my app\n{application, my_app,\n [{vsn, \"1.0.0\"}, % bump me\n  {applications, [kernel]}]}.\n";
//! let mut doc = Document::parse(src).unwrap();
//! assert_eq!(doc.to_string(), src);
//!
//! let vsn = Path::term(0).index(2).key("vsn");
//! assert_eq!(doc.get_str(&vsn).as_deref(), Some("1.0.0"));
//! doc.set_string(&vsn, "1.1.0").unwrap();
//! assert_eq!(doc.to_string(), src.replace("1.0.0", "1.1.0"));
//!
//! // Plain values for reading, equal to what `parse_str` returns.
//! assert_eq!(doc.terms(), erlterm::parse_str(&doc.to_string()).unwrap());
//! ```
//!
//! Top-level terms are found by their key, added and removed too; this adds
//! a dependency to a `rebar.config`, every comment kept:
//!
//! ```
//! use erlterm::{term, document::Document};
//! let src = "%% rebar.config\n{erl_opts, [debug_info]}.\n\n{deps, [\n    %% web server\n    {cowboy, \"2.10.0\"} % pinned\n]}.\n";
//! let mut doc = Document::parse(src).unwrap();
//! let deps = doc.find("deps").unwrap();
//! doc.push(&deps, &term!({mydep, "1.0"})).unwrap();
//! assert_eq!(
//!     doc.to_string(),
//!     "%% rebar.config\n{erl_opts, [debug_info]}.\n\n{deps, [\n    %% web server\n    {cowboy, \"2.10.0\"}, % pinned\n    {mydep, \"1.0\"}\n]}.\n"
//! );
//! assert_eq!(
//!     doc.terms(),
//!     erlterm::parse_str("{erl_opts, [debug_info]}. {deps, [{cowboy, \"2.10.0\"}, {mydep, \"1.0\"}]}.").unwrap()
//! );
//! ```
//!
//! Files that only *scan* (`.appup.src` and `*.config.script` files with
//! variables and calls, templates, syntax errors) are read losslessly, read
//! only, by [`Tokens`]: every token with its text, span and the comments
//! and whitespace before it. [`Document::tokens`] gives a document's tokens.

mod cursor;
mod error;
mod layout;
mod path;
mod tokens;
mod write;

use std::fmt;
use std::ops::Range;

use crate::encoding::{self, Encoding};
use crate::error::{Error, ErrorKind};
use crate::node::{Node, NodeKind};
use crate::options::ParseOptions;
use crate::span::Span;
use crate::term::Term;

pub use cursor::{decode, replace_values, Cursor, Shape, Value};
pub use error::EditError;
pub use path::{Path, Step};
pub use tokens::{Comment, Token, TokenKind, Tokens};

/// A term file kept byte for byte, with its parsed values, for editing.
///
/// See the [module documentation](self) for an example.
#[derive(Clone, Debug)]
pub struct Document {
    text: String,
    encoding: Encoding,
    nodes: Vec<Node>,
    opts: ParseOptions,
}

impl Document {
    /// Parses a UTF-8 text; accepts exactly what [`crate::parse_str`] accepts.
    ///
    /// ```
    /// let doc = erlterm::document::Document::parse("%% c\n{a, 1}.\n").unwrap();
    /// assert_eq!(doc.len(), 1);
    /// assert!(erlterm::document::Document::parse("{a 1}.").is_err());
    /// ```
    pub fn parse(src: &str) -> Result<Document, Error> {
        Document::parse_with(src, &ParseOptions::default())
    }

    /// [`Document::parse`] with explicit limits (and bindings, though a
    /// bound variable is kept as written).
    ///
    /// ```
    /// let opts = erlterm::ParseOptions { max_depth: 3, ..Default::default() };
    /// assert!(erlterm::document::Document::parse_with("[1].", &opts).is_ok());
    /// assert!(erlterm::document::Document::parse_with("[[[[[1]]]]].", &opts).is_err());
    /// ```
    pub fn parse_with(src: &str, opts: &ParseOptions) -> Result<Document, Error> {
        let nodes = crate::parse_nodes_with(src, opts)?;
        Ok(Document {
            text: src.to_owned(),
            encoding: Encoding::Utf8,
            nodes,
            opts: opts.clone(),
        })
    }

    /// Parses the raw bytes of a file, with `%% coding: latin-1` detection
    /// as [`crate::parse_bytes`]; [`Document::to_bytes`] writes the same
    /// encoding back.
    ///
    /// ```
    /// let bytes = b"%% coding: latin-1\n{name, \"Jos\xE9\"}.\n";
    /// let doc = erlterm::document::Document::parse_bytes(bytes).unwrap();
    /// assert_eq!(doc.to_bytes(), bytes);
    /// ```
    pub fn parse_bytes(bytes: &[u8]) -> Result<Document, Error> {
        let (text, poisoned) = encoding::decode(bytes);
        if poisoned {
            // The parser reports where; a text that stops early never parses.
            return Err(crate::parse_bytes(bytes).err().unwrap_or_else(|| Error {
                kind: ErrorKind::InvalidUnicode,
                span: Span::default(),
                expected: None,
                help: None,
            }));
        }
        let mut doc = Document::parse(&text)?;
        doc.encoding = encoding::detect(bytes);
        Ok(doc)
    }

    /// The text (decoded: for a latin-1 file each byte is one character).
    ///
    /// ```
    /// let doc = erlterm::document::Document::parse("a. % c\n").unwrap();
    /// assert_eq!(doc.as_str(), "a. % c\n");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The number of top-level terms.
    ///
    /// ```
    /// let doc = erlterm::document::Document::parse("%% none yet\n").unwrap();
    /// assert_eq!((doc.len(), doc.is_empty()), (0, true));
    /// ```
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether there is no term (only comments and whitespace, or nothing).
    ///
    /// ```
    /// assert!(!erlterm::document::Document::parse("a.").unwrap().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The document's current text as a lossless token stream (with the
    /// document's encoding, so [`Tokens::to_bytes`] equals
    /// [`Document::to_bytes`]). A document always scans; the `Result` is
    /// the scanner's.
    ///
    /// ```
    /// use erlterm::document::{Document, TokenKind};
    /// let doc = Document::parse("{vsn, \"1.0\"}. % v\n").unwrap();
    /// let toks = doc.tokens().unwrap();
    /// assert_eq!(toks.to_string(), doc.to_string());
    /// assert_eq!(toks.iter().filter(|t| t.kind == TokenKind::String).count(), 1);
    /// assert_eq!(toks.comments().next().unwrap().text, "% v");
    /// ```
    pub fn tokens(&self) -> Result<Tokens, Error> {
        Tokens::from_document(&self.text, &self.opts, self.encoding)
    }

    /// The file's bytes, in its encoding.
    ///
    /// ```
    /// let doc = erlterm::document::Document::parse("{a, \"\u{e9}\"}.").unwrap();
    /// assert_eq!(doc.to_bytes(), "{a, \"\u{e9}\"}.".as_bytes());
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        encoding::encode(&self.text, self.encoding)
    }

    /// The encoding the file is written in.
    ///
    /// ```
    /// use erlterm::{document::Document, encoding::Encoding};
    /// let doc = Document::parse_bytes(b"%% coding: latin-1\na.").unwrap();
    /// assert_eq!(doc.encoding(), Encoding::Latin1);
    /// ```
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The top-level values with their spans.
    ///
    /// ```
    /// let doc = erlterm::document::Document::parse("a.\n{b}.").unwrap();
    /// assert_eq!(doc.nodes()[1].span.line, 2);
    /// ```
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// The top-level values, equal to [`crate::parse_str`] of the text.
    ///
    /// ```
    /// let doc = erlterm::document::Document::parse("{a, 16#ff}. % hex\n").unwrap();
    /// assert_eq!(doc.terms(), [erlterm::term!({a, 255})]);
    /// ```
    pub fn terms(&self) -> Vec<Term> {
        self.nodes.iter().map(Node::to_term).collect()
    }

    /// The value at `path` as a plain [`Term`].
    ///
    /// ```
    /// use erlterm::{term, document::{Document, Path}};
    /// let doc = Document::parse("[{kernel, [{logger_level, info}]}].").unwrap();
    /// let level = Path::term(0).key("kernel").key("logger_level");
    /// assert_eq!(doc.get_term(&level), Some(term!(info)));
    /// assert_eq!(doc.get_term(&Path::term(0).key("stdlib")), None);
    /// ```
    pub fn get_term(&self, path: &Path) -> Option<Term> {
        self.get(path).map(Node::to_term)
    }

    /// The position of the first top-level term that is `{key, ...}` (a
    /// tuple whose first element is the atom `key`) or the atom `key`.
    ///
    /// ```
    /// let doc = erlterm::document::Document::parse("{erl_opts, []}.\n{deps, []}.\n").unwrap();
    /// assert_eq!(doc.position("deps"), Some(1));
    /// assert_eq!(doc.position("relx"), None);
    /// ```
    pub fn position(&self, key: &str) -> Option<usize> {
        let key = Term::atom(key);
        self.nodes.iter().position(|n| path::is_entry(n, &key))
    }

    /// The path of the value of the first top-level `{key, Value}` term: a
    /// setting of a `rebar.config` (`deps`, `erl_opts`, `relx`...). For a
    /// file whose one term is a proplist (`sys.config`), name the key with
    /// [`Path::key`] instead.
    ///
    /// ```
    /// use erlterm::{term, document::Document};
    /// let mut doc = Document::parse("{deps, [cowboy]}. % deps\n").unwrap();
    /// let deps = doc.find("deps").unwrap();
    /// assert_eq!(deps.to_string(), "#0/1");
    /// doc.push(&deps, &term!(jsx)).unwrap();
    /// assert_eq!(doc.to_string(), "{deps, [cowboy, jsx]}. % deps\n");
    /// assert!(doc.find("relx").is_none());
    /// ```
    pub fn find(&self, key: &str) -> Option<Path> {
        let key = Term::atom(key);
        let i = self.nodes.iter().position(|n| match n.as_tuple() {
            Some([k, _]) => k.to_term() == key,
            _ => false,
        })?;
        Some(Path::term(i).index(1))
    }

    /// The value at `path`.
    ///
    /// ```
    /// use erlterm::document::{Document, Path};
    /// let doc = Document::parse("{relx, [{release, {app, \"0.1.0\"}, [app]}]}.").unwrap();
    /// let rel = Path::term(0).index(1).entry("release").index(1).index(1);
    /// assert_eq!(doc.raw(&rel), Some("\"0.1.0\""));
    /// ```
    pub fn get(&self, path: &Path) -> Option<&Node> {
        self.walk(path).ok()
    }

    /// The source text of the value at `path`, exactly as written.
    ///
    /// ```
    /// use erlterm::document::{Document, Path};
    /// let doc = Document::parse("{mask, 8#755}.").unwrap();
    /// assert_eq!(doc.raw(&Path::term(0).index(1)), Some("8#755"));
    /// ```
    pub fn raw(&self, path: &Path) -> Option<&str> {
        self.get(path).map(|n| &self.text[n.span.range()])
    }

    /// The value at `path` as text, if it is a string.
    ///
    /// ```
    /// use erlterm::document::{Document, Path};
    /// let doc = Document::parse("{vsn, \"1.\" \"0\"}.").unwrap();
    /// assert_eq!(doc.get_str(&Path::term(0).index(1)).as_deref(), Some("1.0"));
    /// assert_eq!(doc.get_str(&Path::term(0).index(0)), None);
    /// ```
    pub fn get_str(&self, path: &Path) -> Option<String> {
        self.get(path)?.as_string()
    }

    /// Follows `path`; on failure the error names the deepest value found.
    fn walk(&self, path: &Path) -> Result<&Node, EditError> {
        let not_found = |span| EditError::NotFound {
            path: path.to_string(),
            span,
        };
        let mut node = self.nodes.get(path.term).ok_or_else(|| not_found(None))?;
        for step in &path.steps {
            node = path::child(node, step).ok_or_else(|| not_found(Some(node.span)))?;
        }
        Ok(node)
    }

    /// Replaces the value at `path` with the string literal `value`,
    /// keeping everything around it.
    ///
    /// ```
    /// use erlterm::document::{Document, Path};
    /// let mut doc = Document::parse("{vsn, \"1.0\"}. % release\n").unwrap();
    /// doc.set_string(&Path::term(0).index(1), "1.1").unwrap();
    /// assert_eq!(doc.to_string(), "{vsn, \"1.1\"}. % release\n");
    /// ```
    pub fn set_string(&mut self, path: &Path, value: &str) -> Result<(), EditError> {
        self.replace_with_term(path, &Term::string(value))
    }

    /// Replaces the value at `path` with `term`, written readably (strings
    /// as `"..."`), keeping everything around it.
    ///
    /// ```
    /// use erlterm::{Term, document::{Document, Path}};
    /// let mut doc = Document::parse("[{debug, false} % for prod\n]. ").unwrap();
    /// doc.replace_with_term(&Path::term(0).key("debug"), &Term::atom("true")).unwrap();
    /// assert_eq!(doc.to_string(), "[{debug, true} % for prod\n]. ");
    /// ```
    pub fn replace_with_term(&mut self, path: &Path, term: &Term) -> Result<(), EditError> {
        let text = self.term_text(term)?;
        self.replace_raw(path, &text)?;
        self.expect_at(path, term)
    }

    /// Replaces the value at `path` with source text, used as is (it must
    /// read as one value in that place).
    ///
    /// ```
    /// use erlterm::document::{Document, Path};
    /// let mut doc = Document::parse("{mask, 493}.").unwrap();
    /// doc.replace_raw(&Path::term(0).index(1), "8#755").unwrap();
    /// assert_eq!(doc.to_string(), "{mask, 8#755}.");
    /// assert!(doc.replace_raw(&Path::term(0).index(1), "1 2").is_err());
    /// ```
    pub fn replace_raw(&mut self, path: &Path, text: &str) -> Result<(), EditError> {
        let span = self.walk(path)?.span;
        self.splice(span.range(), text)
    }

    /// Sets `key` in the proplist at `list`: replaces the value of an
    /// existing `{key, V}` pair, or appends `{key, value}`.
    ///
    /// ```
    /// use erlterm::{Term, document::{Document, Path}};
    /// let mut doc = Document::parse("[\n  {a, 1},\n  {b, 2}\n].\n").unwrap();
    /// doc.set_key(&Path::term(0), "c", &Term::int(3)).unwrap();
    /// doc.set_key(&Path::term(0), "a", &Term::int(9)).unwrap();
    /// assert_eq!(doc.to_string(), "[\n  {a, 9},\n  {b, 2},\n  {c, 3}\n].\n");
    /// ```
    pub fn set_key(&mut self, list: &Path, key: &str, value: &Term) -> Result<(), EditError> {
        let at = list.clone().key(key);
        if self.get(&at).is_some() {
            return self.replace_with_term(&at, value);
        }
        let entry = Term::tuple(vec![Term::atom(key), value.clone()]);
        self.push(list, &entry)
    }

    /// Appends `item` to the list at `list`, laid out like its siblings.
    ///
    /// ```
    /// use erlterm::{term, document::{Document, Path}};
    /// let mut doc = Document::parse("[\n  kernel, % always\n  stdlib\n].").unwrap();
    /// doc.push(&Path::term(0), &term!(sasl)).unwrap();
    /// assert_eq!(doc.to_string(), "[\n  kernel, % always\n  stdlib,\n  sasl\n].");
    /// ```
    pub fn push(&mut self, list: &Path, item: &Term) -> Result<(), EditError> {
        let len = self.list_items(list)?.1.len();
        self.insert(list, len, item)
    }

    /// Inserts `item` at position `index` of the list at `list`, laid out
    /// like its siblings (one per line with their indentation, or inline).
    ///
    /// ```
    /// use erlterm::{Term, document::{Document, Path}};
    /// let mut doc = Document::parse("{deps, [cowboy, jsx]}.").unwrap();
    /// doc.insert(&Path::term(0).index(1), 1, &Term::atom("hackney")).unwrap();
    /// assert_eq!(doc.to_string(), "{deps, [cowboy, hackney, jsx]}.");
    /// ```
    pub fn insert(&mut self, list: &Path, index: usize, item: &Term) -> Result<(), EditError> {
        let text = self.term_text(item)?;
        self.insert_raw(list, index, &text)?;
        self.expect_at(&list.clone().index(index), item)
    }

    /// [`Document::insert`] with source text for the item.
    ///
    /// ```
    /// use erlterm::document::{Document, Path};
    /// let mut doc = Document::parse("[1, 3].").unwrap();
    /// doc.insert_raw(&Path::term(0), 1, "16#2").unwrap();
    /// assert_eq!(doc.to_string(), "[1, 16#2, 3].");
    /// ```
    pub fn insert_raw(&mut self, list: &Path, index: usize, text: &str) -> Result<(), EditError> {
        let (list_span, items) = self.list_items(list)?;
        if index > items.len() {
            return Err(EditError::OutOfRange {
                path: list.to_string(),
                index,
                len: items.len(),
                span: list_span,
            });
        }
        let (range, new) = self.insertion(list_span, &items, index, text);
        self.splice(range, &new)
    }

    /// Removes the list item or map entry at `path` (for [`Step::Key`],
    /// the whole `{Key, V}` pair), with its separator and, when it sits on
    /// lines of its own, those lines and its trailing comment.
    ///
    /// ```
    /// use erlterm::document::{Document, Path};
    /// let mut doc = Document::parse("[\n  {a, 1}, % one\n  {b, 2}, % two\n  {c, 3}\n].").unwrap();
    /// doc.remove(&Path::term(0).entry("b")).unwrap();
    /// assert_eq!(doc.to_string(), "[\n  {a, 1}, % one\n  {c, 3}\n].");
    /// ```
    pub fn remove(&mut self, path: &Path) -> Result<(), EditError> {
        let (container, items, index) = self.locate_item(path)?;
        let (range, new) =
            self.removal(container, &items, index)
                .ok_or_else(|| EditError::NotRemovable {
                    path: path.to_string(),
                    span: container,
                })?;
        self.splice(range, &new)
    }

    /// Removes the `{key, V}` pair from the proplist at `list` (the first
    /// one, as [`Path::key`] finds it), with its separator and, when it
    /// sits on lines of its own, those lines and its trailing comment.
    ///
    /// ```
    /// use erlterm::document::{Document, Path};
    /// let mut doc = Document::parse("[{a, 1}, {b, 2}, {c, 3}]. % abc").unwrap();
    /// doc.remove_key(&Path::term(0), "b").unwrap();
    /// assert_eq!(doc.to_string(), "[{a, 1}, {c, 3}]. % abc");
    /// assert!(doc.remove_key(&Path::term(0), "b").is_err());
    /// ```
    pub fn remove_key(&mut self, list: &Path, key: &str) -> Result<(), EditError> {
        self.remove(&list.clone().key(key))
    }

    /// Inserts `term` as top-level term number `index` (`index` may be
    /// [`Document::len`]), written readably and followed by `.`. It goes on
    /// a line of its own above the term now at `index` and the comment
    /// lines directly above that term (which stay with it); when that term
    /// shares its line with another, just before it.
    ///
    /// ```
    /// use erlterm::{term, document::Document};
    /// let src = "%% build\n{erl_opts, [debug_info]}.\n\n%% dependencies\n{deps, []}.\n";
    /// let mut doc = Document::parse(src).unwrap();
    /// doc.insert_term(1, &term!({minimum_otp_vsn, "25"})).unwrap();
    /// assert_eq!(
    ///     doc.to_string(),
    ///     "%% build\n{erl_opts, [debug_info]}.\n\n{minimum_otp_vsn, \"25\"}.\n%% dependencies\n{deps, []}.\n"
    /// );
    /// assert!(doc.insert_term(9, &term!(x)).is_err());
    /// ```
    pub fn insert_term(&mut self, index: usize, term: &Term) -> Result<(), EditError> {
        let len = self.nodes.len();
        if index > len {
            return Err(EditError::OutOfRange {
                path: "the document".into(),
                index,
                len,
                span: Span::default(),
            });
        }
        let Some(at) = self.nodes.get(index).map(|n| n.span.start as usize) else {
            return self.push_term(term);
        };
        let text = self.term_text(term)?;
        let t = self.text.as_str();
        let prev_end = index
            .checked_sub(1)
            .and_then(|i| self.nodes.get(i))
            .map_or(0, |n| n.span.end as usize);
        let (pos, new) = if layout::starts_line(t, at) {
            let pos = layout::comment_block_start(t, layout::line_start(t, at), prev_end);
            (pos, format!("{text}.\n"))
        } else {
            (at, format!("{text}. "))
        };
        let mut want = self.terms();
        want.insert(index, term.clone());
        self.splice_terms(pos..pos, &new, &want)
    }

    /// Appends `term` as the last top-level term, on a line of its own,
    /// followed by `.`.
    ///
    /// ```
    /// use erlterm::{term, document::Document};
    /// let mut doc = Document::parse("{deps, []}. % none").unwrap();
    /// doc.push_term(&term!({shell, [{apps, [my_app]}]})).unwrap();
    /// assert_eq!(doc.to_string(), "{deps, []}. % none\n{shell, [{apps, [my_app]}]}.\n");
    /// ```
    pub fn push_term(&mut self, term: &Term) -> Result<(), EditError> {
        let text = self.term_text(term)?;
        let end = self.text.len();
        let new = if self.text.is_empty() || self.text.ends_with('\n') {
            format!("{text}.\n")
        } else {
            format!("\n{text}.\n")
        };
        let mut want = self.terms();
        want.push(term.clone());
        self.splice_terms(end..end, &new, &want)
    }

    /// Removes top-level term number `index` with its `.`; when it sits on
    /// lines of its own, those lines go too, with a comment that follows
    /// it on its last line. Comment lines above it stay.
    ///
    /// ```
    /// use erlterm::document::Document;
    /// let src = "%% opts\n{erl_opts, []}.\n{cover_enabled, true}. % slow\n{deps, []}.\n";
    /// let mut doc = Document::parse(src).unwrap();
    /// doc.remove_term(1).unwrap();
    /// assert_eq!(doc.to_string(), "%% opts\n{erl_opts, []}.\n{deps, []}.\n");
    /// assert!(doc.remove_term(2).is_err());
    /// ```
    pub fn remove_term(&mut self, index: usize) -> Result<(), EditError> {
        let span = self
            .nodes
            .get(index)
            .map(|n| n.span)
            .ok_or_else(|| EditError::NotFound {
                path: Path::term(index).to_string(),
                span: None,
            })?;
        let t = self.text.as_str();
        let (start, end) = (span.start as usize, span.end as usize);
        let dot = layout::find_dot(t, end).ok_or_else(|| EditError::NotRemovable {
            path: Path::term(index).to_string(),
            span,
        })?;
        let range = match layout::trivia_to_eol(t, dot + 1) {
            Some(eol) if layout::starts_line(t, start) => {
                layout::line_start(t, start)..(eol + 1).min(t.len())
            }
            _ => {
                let rest = t.get(dot + 1..).unwrap_or("");
                let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                start..dot + 1 + blanks
            }
        };
        let mut want = self.terms();
        want.remove(index);
        self.splice_terms(range, "", &want)
    }

    /// Replaces `range` with `new` if the result reads as exactly `want`;
    /// otherwise leaves the document unchanged.
    fn splice_terms(
        &mut self,
        range: Range<usize>,
        new: &str,
        want: &[Term],
    ) -> Result<(), EditError> {
        let mut text = String::with_capacity(self.text.len() + new.len());
        text.push_str(&self.text[..range.start]);
        text.push_str(new);
        text.push_str(&self.text[range.end..]);
        let nodes = crate::parse_nodes_with(&text, &self.opts).map_err(EditError::Reparse)?;
        let found: Vec<Term> = nodes.iter().map(Node::to_term).collect();
        if found != want {
            return Err(EditError::Mismatch {
                path: "the document".into(),
                found: found
                    .iter()
                    .map(|t| format!("{t}."))
                    .collect::<Vec<_>>()
                    .join(" "),
            });
        }
        self.text = text;
        self.nodes = nodes;
        Ok(())
    }

    fn term_text(&self, term: &Term) -> Result<String, EditError> {
        write::term_text(term, self.encoding).ok_or(EditError::TooDeep(write::MAX_WRITE_DEPTH))
    }

    /// Checks that the value at `path` reads back as `want`.
    fn expect_at(&mut self, path: &Path, want: &Term) -> Result<(), EditError> {
        let found = self.walk(path)?.to_term();
        if found == *want {
            return Ok(());
        }
        Err(EditError::Mismatch {
            path: path.to_string(),
            found: found.to_string(),
        })
    }

    /// The span and item spans of the proper list at `path`.
    fn list_items(&self, path: &Path) -> Result<(Span, Vec<Span>), EditError> {
        let node = self.walk(path)?;
        match &node.kind {
            NodeKind::List(items, None) => Ok((node.span, items.iter().map(|n| n.span).collect())),
            _ => Err(EditError::NotAList {
                path: path.to_string(),
                found: node.describe(),
                span: node.span,
            }),
        }
    }

    /// The container span, its item spans and the index of the item that
    /// `path` names.
    fn locate_item(&self, path: &Path) -> Result<(Span, Vec<Span>, usize), EditError> {
        let target = self.walk(path)?;
        let not_removable = || EditError::NotRemovable {
            path: path.to_string(),
            span: target.span,
        };
        let (Some(parent_path), Some(last)) = (path.parent(), path.steps.last()) else {
            return Err(not_removable());
        };
        let parent = self.walk(&parent_path)?;
        match &parent.kind {
            NodeKind::List(items, None) => {
                let index = match last {
                    Step::Index(n) => Some(*n).filter(|&n| n < items.len()),
                    Step::Key(k) => items
                        .iter()
                        .position(|it| matches!(it.as_tuple(), Some([a, _]) if a.to_term() == *k)),
                    Step::Entry(k) => items.iter().position(|it| path::is_entry(it, k)),
                    Step::MapKey(_) => None,
                }
                .ok_or_else(not_removable)?;
                Ok((parent.span, items.iter().map(|n| n.span).collect(), index))
            }
            NodeKind::Map(entries) => {
                let index = entries
                    .iter()
                    .rposition(|(_, v)| v.span == target.span)
                    .ok_or_else(not_removable)?;
                let spans = entries.iter().map(|(k, v)| k.span.to(v.span)).collect();
                Ok((parent.span, spans, index))
            }
            _ => Err(not_removable()),
        }
    }

    /// Where and what to splice to insert `item` at `index`.
    fn insertion(
        &self,
        list: Span,
        items: &[Span],
        index: usize,
        item: &str,
    ) -> (Range<usize>, String) {
        let t = self.text.as_str();
        let Some(last) = items.last() else {
            // `[]`: fill the inside, keeping any comment in it.
            let inside = list.start as usize + 1..(list.end as usize).saturating_sub(1);
            if layout::is_blank(&t[inside.clone()]) {
                return (inside, item.to_owned());
            }
            return (inside.start..inside.start, item.to_owned());
        };
        let multiline = is_multiline(t, items);
        let sep = separator(t, items);
        // Indent like the item now at `index`, or like the last one.
        let model = items.get(index).unwrap_or(last).start as usize;
        let indent = layout::indent_before(t, model).unwrap_or("").to_owned();
        if let Some(at) = items.get(index) {
            let at = at.start as usize;
            let new = if multiline {
                format!("{item},\n{indent}")
            } else {
                format!("{item}{sep}")
            };
            return (at..at, new);
        }
        let end = last.end as usize;
        if !multiline {
            return (end..end, format!("{sep}{item}"));
        }
        // After the last item's trailing comment, so the comment stays with it.
        match layout::trivia_to_eol(t, end).filter(|&eol| eol < list.end as usize) {
            Some(eol) => (end..eol, format!(",{}\n{indent}{item}", &t[end..eol])),
            None => (end..end, format!(",\n{indent}{item}")),
        }
    }

    /// Where and what to splice to remove item `index`.
    /// `None` if `index` is not an item of `items` (not reached: `locate_item`
    /// only returns indices of existing items).
    fn removal(
        &self,
        container: Span,
        items: &[Span],
        index: usize,
    ) -> Option<(Range<usize>, String)> {
        let t = self.text.as_str();
        let item = *items.get(index)?;
        let (start, end) = (item.start as usize, item.end as usize);
        if items.len() == 1 {
            let open = t[container.range()].find(['[', '{']).map_or(0, |i| i + 1);
            let inside =
                container.start as usize + open..(container.end as usize).saturating_sub(1);
            let rest = format!("{}{}", &t[inside.start..start], &t[end..inside.end]);
            if layout::is_blank(&rest) {
                return Some((inside, String::new()));
            }
            return Some((start..end, String::new()));
        }
        let own_line = layout::starts_line(t, start);
        if let Some(next) = items.get(index + 1) {
            let next_start = next.start as usize;
            if let Some(comma) = layout::find_comma(t, end, next_start) {
                let eol = layout::trivia_to_eol(t, comma + 1);
                if let Some(eol) = eol.filter(|&e| own_line && e < next_start) {
                    return Some((layout::line_start(t, start)..eol + 1, String::new()));
                }
            }
            return Some((start..next_start, String::new()));
        }
        let prev = *items.get(index.checked_sub(1)?)?;
        let comma = layout::find_comma(t, prev.end as usize, start).unwrap_or(prev.end as usize);
        let eol = layout::trivia_to_eol(t, end).filter(|&e| e < container.end as usize);
        if let (true, Some(eol)) = (own_line, eol) {
            // Drop the comma and the item's lines; keep what sits between.
            let ls = layout::line_start(t, start);
            return Some((comma..eol + 1, t[comma + 1..ls].to_owned()));
        }
        Some((comma..end, String::new()))
    }

    /// Replaces `range` with `new` if the result still parses to as many
    /// terms; otherwise leaves the document unchanged.
    fn splice(&mut self, range: Range<usize>, new: &str) -> Result<(), EditError> {
        let mut text = String::with_capacity(self.text.len() + new.len());
        text.push_str(&self.text[..range.start]);
        text.push_str(new);
        text.push_str(&self.text[range.end..]);
        let nodes = crate::parse_nodes_with(&text, &self.opts).map_err(EditError::Reparse)?;
        if nodes.len() != self.nodes.len() {
            return Err(EditError::Mismatch {
                path: "the document".into(),
                found: format!("{} terms instead of {}", nodes.len(), self.nodes.len()),
            });
        }
        self.text = text;
        self.nodes = nodes;
        Ok(())
    }
}

/// Items one per line: some item after the first starts its own line (or
/// the only item does).
fn is_multiline(t: &str, items: &[Span]) -> bool {
    match items {
        [only] => layout::starts_line(t, only.start as usize),
        [_, rest @ ..] => rest
            .iter()
            .any(|s| layout::starts_line(t, s.start as usize)),
        [] => false,
    }
}

/// The inline separator the siblings use: `,` or `, `.
fn separator(t: &str, items: &[Span]) -> &'static str {
    match items {
        [a, b, ..] if &t[a.end as usize..b.start as usize] == "," => ",",
        _ => ", ",
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Document {
    type Err = Error;

    fn from_str(s: &str) -> Result<Document, Error> {
        Document::parse(s)
    }
}
