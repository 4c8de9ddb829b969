//! Binary version patterns: PCRE (as OTP's `re` runs them) translated to the
//! `regex` crate.
//!
//! OTP calls `re:run(Vsn, Pattern, [unicode, {capture, first, list}])`: the
//! pattern is UTF-8, no `ucp` (so `\d`, `\w`, `\s` and POSIX classes use
//! Erlang's Latin-1 tables), and case-insensitive matching (`(?i)`) folds
//! with Unicode simple case folding. Rather than hand the pattern to `regex`
//! as is (whose classes are Unicode-aware and whose `$` differs), the pattern
//! is parsed here and every character, class and assertion is re-emitted
//! with explicit code point sets. Constructs that `regex` cannot express
//! give [`PatternError::Unsupported`]; patterns PCRE itself rejects (OTP
//! crashes with `badarg`) give [`PatternError::Invalid`].

use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Limits the size of a compiled pattern (bytes of regex program).
const SIZE_LIMIT: usize = 1 << 21;
/// PCRE's largest repetition count.
const MAX_REPEAT: u32 = 65535;
/// Patterns remembered by [`VsnRegex::compile_cached`] before it starts over.
const CACHE_CAPACITY: usize = 4096;

/// Deepest group nesting accepted (PCRE's own limit is 250).
const MAX_DEPTH: usize = 200;

/// Why a version pattern cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatternError {
    /// The binary is not UTF-8: OTP's `re:run` raises `badarg`.
    #[error("pattern is not valid UTF-8 (byte {offset}); OTP crashes with badarg")]
    InvalidUtf8 {
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// PCRE rejects the pattern: OTP's `re:run` raises `badarg`.
    #[error("invalid regular expression at byte {offset}: {reason}; OTP crashes with badarg")]
    Invalid {
        /// Byte offset in the pattern.
        offset: usize,
        /// What PCRE objects to.
        reason: String,
    },
    /// PCRE accepts the pattern but this implementation cannot reproduce it.
    #[error("unsupported regular expression construct at byte {offset}: {construct}")]
    Unsupported {
        /// Byte offset in the pattern.
        offset: usize,
        /// The construct, named.
        construct: String,
    },
    /// The pattern is supported, but not for this particular version string.
    #[error("cannot match version {vsn:?} exactly as OTP would: {construct}")]
    UnsupportedForVersion {
        /// The version string.
        vsn: String,
        /// Why.
        construct: String,
    },
    /// The pattern compiles to more than the size limit.
    #[error("regular expression too large to compile")]
    TooLarge,
    /// The appup term itself is malformed where OTP would crash
    /// (`function_clause`), e.g. an entry list that is not a proper list.
    #[error("malformed appup: {0}")]
    Malformed(String),
}

/// A compiled binary version pattern.
///
/// ```
/// use appup::pattern::VsnRegex;
/// let re = VsnRegex::compile(br"1\.0\.[0-9]").unwrap();
/// assert!(re.whole_match("1.0.7").unwrap());
/// // The first match is "1.0.1", not the whole version: OTP says no.
/// assert!(!re.whole_match("1.0.10").unwrap());
/// ```
#[derive(Debug, Clone)]
pub struct VsnRegex {
    regex: regex::Regex,
    /// `$`, `\Z` or a multiline anchor: behaves differently around `\n`.
    newline_sensitive: bool,
    /// `\b`/`\B`: emitted as ASCII boundaries, exact only for versions
    /// without Latin-1 letters.
    word_boundary: bool,
    /// Literals one of which starts every match (`None`: not known, any
    /// string may match). Lets the lints skip version strings that cannot
    /// match without running the pattern on them.
    prefixes: Option<Vec<Vec<u8>>>,
}

impl VsnRegex {
    /// Compiles the bytes of a binary version pattern.
    pub fn compile(bytes: &[u8]) -> Result<VsnRegex, PatternError> {
        let text = std::str::from_utf8(bytes).map_err(|e| PatternError::InvalidUtf8 {
            offset: e.valid_up_to(),
        })?;
        let t = Translator::new(text).run()?;
        let regex = regex::RegexBuilder::new(&t.out)
            .size_limit(SIZE_LIMIT)
            .build()
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => PatternError::TooLarge,
                other => PatternError::Unsupported {
                    offset: 0,
                    construct: format!("translated pattern rejected: {other}"),
                },
            })?;
        if let Some(at) = empty_iteration_first(&t.out) {
            let offset = t
                .quantifiers
                .iter()
                .find(|&&(out, _)| out == at)
                .map_or(0, |&(_, src)| src);
            return Err(PatternError::Unsupported {
                offset,
                construct: "a repetition whose body can match the empty string before it \
                            matches something (PCRE ends the loop on an empty iteration)"
                    .into(),
            });
        }
        Ok(VsnRegex {
            regex,
            newline_sensitive: t.newline_sensitive,
            word_boundary: t.word_boundary,
            prefixes: match_prefixes(&t.out),
        })
    }

    /// Literals one of which starts every match of the pattern, if they
    /// are known: a version that starts with none of them is never
    /// selected. An empty literal means any version may be.
    pub(crate) fn prefixes(&self) -> Option<&[Vec<u8>]> {
        self.prefixes.as_deref()
    }

    /// Whether some version strings make [`VsnRegex::whole_match`] fail:
    /// those with a newline, and those with a non-ASCII Latin-1 letter.
    pub(crate) fn version_sensitive(&self) -> (bool, bool) {
        (self.newline_sensitive, self.word_boundary)
    }

    /// The error [`VsnRegex::whole_match`] gives for `vsn` (whatever the
    /// pattern would match), if any.
    pub(crate) fn unsupported_for(&self, vsn: &str) -> Option<PatternError> {
        if self.newline_sensitive && vsn.contains('\n') {
            return Some(PatternError::UnsupportedForVersion {
                vsn: vsn.into(),
                construct: "`$`, `\\Z` or a multiline anchor with a newline in the version".into(),
            });
        }
        if self.word_boundary && vsn.chars().any(|c| !c.is_ascii() && latin1_word(c)) {
            return Some(PatternError::UnsupportedForVersion {
                vsn: vsn.into(),
                construct: "`\\b`/`\\B` next to a non-ASCII Latin-1 letter".into(),
            });
        }
        None
    }

    /// Like [`VsnRegex::compile`], but remembers the result by the pattern
    /// bytes (in a small process-wide cache), so that looking up versions
    /// in many appups with the same patterns compiles each pattern once.
    ///
    /// ```
    /// use appup::pattern::VsnRegex;
    /// let a = VsnRegex::compile_cached(br"1\.0\.[0-9]").unwrap();
    /// let b = VsnRegex::compile_cached(br"1\.0\.[0-9]").unwrap();
    /// assert!(std::sync::Arc::ptr_eq(&a, &b));
    /// assert!(a.whole_match("1.0.7").unwrap());
    /// ```
    pub fn compile_cached(bytes: &[u8]) -> Result<Arc<VsnRegex>, PatternError> {
        type Cache = HashMap<Vec<u8>, Result<Arc<VsnRegex>, PatternError>>;
        static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let lock = || cache.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = lock().get(bytes) {
            return found.clone();
        }
        let compiled = VsnRegex::compile(bytes).map(Arc::new);
        let mut map = lock();
        if map.len() >= CACHE_CAPACITY {
            map.clear();
        }
        map.insert(bytes.to_vec(), compiled.clone());
        compiled
    }

    /// The translated pattern given to the `regex` crate.
    pub fn translated(&self) -> &str {
        self.regex.as_str()
    }

    /// The byte range of the first (leftmost-first) match, if any.
    pub fn first_match(&self, vsn: &str) -> Option<(usize, usize)> {
        self.regex.find(vsn).map(|m| (m.start(), m.end()))
    }

    /// OTP's rule: the first match must be the whole version.
    pub fn whole_match(&self, vsn: &str) -> Result<bool, PatternError> {
        if let Some(err) = self.unsupported_for(vsn) {
            return Err(err);
        }
        Ok(self
            .regex
            .find(vsn)
            .is_some_and(|m| m.start() == 0 && m.end() == vsn.len()))
    }
}

/// Prefix literals of the translated pattern (`regex_syntax`'s extractor):
/// when the set is finite, every match starts with one of them.
fn match_prefixes(translated: &str) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    let hir = regex_syntax::Parser::new().parse(translated).ok()?;
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix);
    let seq = extractor.extract(&hir);
    let lits = seq.literals()?;
    Some(lits.iter().map(|l| l.as_bytes().to_vec()).collect())
}

/// The offset, in the translated pattern, of the first unbounded greedy
/// repetition whose body can take an empty iteration before a non-empty
/// one.
///
/// PCRE and the `regex` crate differ only there. When an iteration of
/// `(X)*` matches the empty string, PCRE stops looping and goes on with
/// what follows, at that point of its backtracking order. The `regex`
/// crate drops that thread instead, and goes on only after every other way
/// of matching `X`. `(\d?|\D+a)*` on `11aa7` is an example: PCRE's first
/// match is `11`, the `regex` crate's is `11aa`. Both agree when every
/// empty way of matching `X` comes after all of its non-empty ones, which
/// [`Shape`] tracks (conservatively) on the syntax tree, before any
/// simplification.
fn empty_iteration_first(translated: &str) -> Option<usize> {
    // The regex crate accepted the pattern, so it parses.
    let ast = regex_syntax::ast::parse::Parser::new()
        .parse(translated)
        .ok()?;
    let mut found = None;
    Shape::of(&ast, &mut found);
    found
}

/// The ways a sub-pattern can match, in PCRE's backtracking order.
#[derive(Clone, Copy)]
struct Shape {
    /// Some way matches the empty string.
    empty: bool,
    /// Some way matches a non-empty string.
    nonempty: bool,
    /// No non-empty way comes after an empty one.
    empty_last: bool,
    /// At most one way matches the empty string.
    one_empty: bool,
}

impl Shape {
    /// No way at all (an alternation of nothing yet).
    const NONE: Shape = Shape {
        empty: false,
        nonempty: false,
        empty_last: true,
        one_empty: true,
    };
    /// Exactly one way, matching the empty string.
    const EMPTY: Shape = Shape {
        empty: true,
        one_empty: true,
        ..Shape::NONE
    };
    /// One character.
    const CHAR: Shape = Shape {
        nonempty: true,
        ..Shape::NONE
    };

    /// The shape of `ast`; records in `found` the offset of the first
    /// repetition that [`empty_iteration_first`] looks for.
    fn of(ast: &regex_syntax::ast::Ast, found: &mut Option<usize>) -> Shape {
        use regex_syntax::ast::{Ast, RepetitionKind, RepetitionRange};
        match ast {
            Ast::Empty(_) | Ast::Flags(_) | Ast::Assertion(_) => Shape::EMPTY,
            Ast::Literal(_)
            | Ast::Dot(_)
            | Ast::ClassUnicode(_)
            | Ast::ClassPerl(_)
            | Ast::ClassBracketed(_) => Shape::CHAR,
            Ast::Group(g) => Shape::of(&g.ast, found),
            Ast::Concat(c) => c
                .asts
                .iter()
                .fold(Shape::EMPTY, |acc, part| acc.then(Shape::of(part, found))),
            Ast::Alternation(a) => a
                .asts
                .iter()
                .fold(Shape::NONE, |acc, alt| acc.or(Shape::of(alt, found))),
            Ast::Repetition(r) => {
                let x = Shape::of(&r.ast, found);
                let (min, max) = match &r.op.kind {
                    RepetitionKind::ZeroOrOne => (0, Some(1)),
                    RepetitionKind::ZeroOrMore => (0, None),
                    RepetitionKind::OneOrMore => (1, None),
                    RepetitionKind::Range(RepetitionRange::Exactly(n)) => (*n, Some(*n)),
                    RepetitionKind::Range(RepetitionRange::AtLeast(n)) => (*n, None),
                    RepetitionKind::Range(RepetitionRange::Bounded(m, n)) => (*m, Some(*n)),
                };
                if max.is_none() && r.greedy && x.empty && x.nonempty && !x.empty_last {
                    found.get_or_insert(r.op.span.start.offset);
                }
                x.repeated(min, max, r.greedy)
            }
        }
    }

    /// `self` followed by `next`: ways in lexicographic order.
    fn then(self, next: Shape) -> Shape {
        let empty = self.empty && next.empty;
        let nonempty = (self.nonempty && (next.empty || next.nonempty))
            || (next.nonempty && (self.empty || self.nonempty));
        Shape {
            empty,
            nonempty,
            empty_last: !empty
                || (self.empty_last && next.empty_last && (self.one_empty || !next.nonempty)),
            one_empty: !empty || (self.one_empty && next.one_empty),
        }
    }

    /// `self | next`: all of `self`'s ways, then all of `next`'s.
    fn or(self, next: Shape) -> Shape {
        Shape {
            empty: self.empty || next.empty,
            nonempty: self.nonempty || next.nonempty,
            empty_last: self.empty_last && next.empty_last && !(self.empty && next.nonempty),
            one_empty: self.one_empty && next.one_empty && !(self.empty && next.empty),
        }
    }

    /// `self{min,max}`. A greedy repetition tries more iterations first,
    /// a lazy one fewer (the empty way) first.
    fn repeated(self, min: u32, max: Option<u32>, greedy: bool) -> Shape {
        let empty = min == 0 || self.empty;
        let nonempty = self.nonempty && max != Some(0);
        let looping = max.is_none_or(|m| m > 1);
        Shape {
            empty,
            nonempty,
            empty_last: !(empty && nonempty)
                || (greedy && self.empty_last && (!self.empty || !looping || self.one_empty)),
            one_empty: !self.empty,
        }
    }
}

fn latin1_word(c: char) -> bool {
    set_contains(&word_set(), c)
}

fn set_contains(set: &ClassUnicode, c: char) -> bool {
    set.ranges().iter().any(|r| r.start() <= c && c <= r.end())
}

/// Builds a set from inclusive code point ranges.
fn set(ranges: &[(u32, u32)]) -> ClassUnicode {
    ClassUnicode::new(ranges.iter().filter_map(|&(a, b)| {
        Some(ClassUnicodeRange::new(
            char::from_u32(a)?,
            char::from_u32(b)?,
        ))
    }))
}

// Erlang's PCRE tables (measured with OTP 25, see tests/).
fn digit_set() -> ClassUnicode {
    set(&[(48, 57)])
}
fn alpha_ranges() -> Vec<(u32, u32)> {
    vec![
        (65, 90),
        (97, 122),
        (170, 170),
        (181, 181),
        (186, 186),
        (192, 214),
        (216, 246),
        (248, 255),
    ]
}
fn word_set() -> ClassUnicode {
    let mut r = alpha_ranges();
    r.extend([(48, 57), (95, 95)]);
    set(&r)
}
fn space_set() -> ClassUnicode {
    set(&[(9, 13), (32, 32)])
}
fn hspace_set() -> ClassUnicode {
    set(&[
        (9, 9),
        (32, 32),
        (0xA0, 0xA0),
        (0x1680, 0x1680),
        (0x180E, 0x180E),
        (0x2000, 0x200A),
        (0x202F, 0x202F),
        (0x205F, 0x205F),
        (0x3000, 0x3000),
    ])
}
fn vspace_set() -> ClassUnicode {
    set(&[(10, 13), (0x85, 0x85), (0x2028, 0x2029)])
}

/// A POSIX class by name, as Erlang's tables define it.
fn posix_set(name: &str, caseless: bool) -> Option<ClassUnicode> {
    let alpha = alpha_ranges();
    let mut alnum = alpha.clone();
    alnum.push((48, 57));
    let ranges: Vec<(u32, u32)> = match name {
        // PCRE turns [:upper:] and [:lower:] into [:alpha:] when caseless.
        "upper" | "lower" if caseless => alpha,
        "alpha" => alpha,
        "digit" => vec![(48, 57)],
        "alnum" => alnum,
        "space" => vec![(9, 13), (32, 32)],
        "upper" => vec![(65, 90), (192, 214), (216, 222)],
        "lower" => vec![
            (97, 122),
            (170, 170),
            (181, 181),
            (186, 186),
            (223, 246),
            (248, 255),
        ],
        "punct" => vec![
            (33, 47),
            (58, 64),
            (91, 96),
            (123, 126),
            (160, 169),
            (171, 180),
            (182, 185),
            (187, 191),
            (215, 215),
            (247, 247),
        ],
        "xdigit" => vec![(48, 57), (65, 70), (97, 102)],
        "word" => {
            alnum.push((95, 95));
            alnum
        }
        "blank" => vec![(9, 9), (32, 32)],
        "cntrl" => vec![(0, 31), (127, 159)],
        "graph" => vec![(33, 126), (160, 255)],
        "print" => vec![(32, 126), (160, 255)],
        // Erlang's table quirk: [:ascii:] is 0..255.
        "ascii" => vec![(0, 255)],
        _ => return None,
    };
    Some(set(&ranges))
}

fn negated(mut s: ClassUnicode) -> ClassUnicode {
    s.negate();
    s
}

/// Renders a set as a `regex` class of explicit ranges.
fn emit_set(s: &ClassUnicode) -> String {
    let mut out = String::from("[");
    if s.ranges().is_empty() {
        out.push_str(r"^\x{0}-\x{10FFFF}");
    }
    for r in s.ranges() {
        out.push_str(&format!("\\x{{{:X}}}", u32::from(r.start())));
        if r.end() != r.start() {
            out.push_str(&format!("-\\x{{{:X}}}", u32::from(r.end())));
        }
    }
    out.push(']');
    out
}

/// Inline options in force.
#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    caseless: bool,
    multiline: bool,
    dotall: bool,
    ungreedy: bool,
    dupnames: bool,
}

/// What precedes the current position, for quantifier validity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prev {
    /// Start of pattern, after `(` or `|`: a quantifier has nothing to repeat.
    Nothing,
    /// A repeatable atom.
    Atom,
    /// A zero-width assertion.
    Assertion,
    /// An inline option setting or a comment.
    Option,
    /// A quantifier.
    Quantifier,
}

/// One element of a class or an escape: a single character or a set.
enum Item {
    Char(char),
    Set(ClassUnicode),
}

/// What an escape outside a class turns into.
enum Escape {
    Item(Item),
    /// Already-rendered zero-width assertion.
    Assertion(&'static str),
    /// `\E`, or the end of `\Q...\E`.
    Nothing,
    /// `\Q`: literal text follows.
    Quote,
}

struct Translator<'a> {
    chars: Vec<(usize, char)>,
    len: usize,
    pos: usize,
    out: String,
    flags: Flags,
    stack: Vec<Flags>,
    prev: Prev,
    newline_sensitive: bool,
    word_boundary: bool,
    /// Output offset and negation of a `\w`/`\W` just emitted.
    word_type: Option<(usize, bool)>,
    names: Vec<String>,
    /// Where each quantifier went in `out`, and where it was in the pattern.
    quantifiers: Vec<(usize, usize)>,
    /// Capturing groups opened so far (PCRE's `bracount`, which decides
    /// whether `\12` is a back-reference or an octal escape).
    captures: u32,
    _src: &'a str,
}

impl<'a> Translator<'a> {
    fn new(src: &'a str) -> Self {
        Translator {
            chars: src.char_indices().collect(),
            len: src.len(),
            pos: 0,
            out: String::new(),
            flags: Flags::default(),
            stack: Vec::new(),
            prev: Prev::Nothing,
            newline_sensitive: false,
            word_boundary: false,
            word_type: None,
            names: Vec::new(),
            quantifiers: Vec::new(),
            captures: 0,
            _src: src,
        }
    }

    fn offset(&self) -> usize {
        self.chars.get(self.pos).map_or(self.len, |&(o, _)| o)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).map(|&(_, c)| c)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        Some(c)
    }

    fn invalid<T>(&self, offset: usize, reason: &str) -> Result<T, PatternError> {
        Err(PatternError::Invalid {
            offset,
            reason: reason.into(),
        })
    }

    fn unsupported<T>(&self, offset: usize, construct: &str) -> Result<T, PatternError> {
        Err(PatternError::Unsupported {
            offset,
            construct: construct.into(),
        })
    }

    fn run(mut self) -> Result<Self, PatternError> {
        // No regex flags: sets are explicit, `.` excludes only `\n` like
        // PCRE's default LF newline convention.
        while let Some(c) = self.peek() {
            let at = self.offset();
            self.pos += 1;
            let word_type = self.word_type.take();
            match c {
                '\\' => self.escape(at, word_type)?,
                '[' => {
                    let s = self.class(at)?;
                    self.atom(&emit_set(&s));
                }
                '(' => self.group(at)?,
                ')' => {
                    let Some(f) = self.stack.pop() else {
                        return self.invalid(at, "unmatched closing parenthesis");
                    };
                    self.flags = f;
                    self.out.push(')');
                    self.prev = Prev::Atom;
                }
                '|' => {
                    self.out.push('|');
                    self.prev = Prev::Nothing;
                }
                '*' | '+' | '?' => self.quantifier(at, c, word_type)?,
                '{' => {
                    if !self.counted_quantifier(at, word_type)? {
                        self.literal('{');
                    }
                }
                '.' => {
                    let dot = if self.flags.dotall {
                        "(?s:.)"
                    } else {
                        r"[^\n]"
                    };
                    self.atom(dot);
                }
                '^' => {
                    if self.flags.multiline {
                        self.newline_sensitive = true;
                    }
                    self.assertion(r"\A");
                }
                '$' => {
                    self.newline_sensitive = true;
                    self.assertion(r"\z");
                }
                c => self.literal(c),
            }
        }
        if !self.stack.is_empty() {
            return self.invalid(self.len, "missing closing parenthesis");
        }
        Ok(self)
    }

    fn atom(&mut self, text: &str) {
        self.out.push_str(text);
        self.prev = Prev::Atom;
    }

    fn assertion(&mut self, text: &str) {
        self.out.push_str(text);
        self.prev = Prev::Assertion;
    }

    /// A literal character, case-folded when `(?i)` is on.
    fn literal(&mut self, c: char) {
        let mut s = ClassUnicode::new([ClassUnicodeRange::new(c, c)]);
        if self.flags.caseless {
            s.case_fold_simple();
        }
        let text = match s.ranges() {
            [r] if r.start() == r.end() => format!("\\x{{{:X}}}", u32::from(c)),
            _ => emit_set(&s),
        };
        self.atom(&text);
    }

    fn check_repeatable(&self, at: usize) -> Result<(), PatternError> {
        match self.prev {
            Prev::Atom => Ok(()),
            // PCRE refuses to repeat assertions and option settings too.
            Prev::Nothing | Prev::Quantifier | Prev::Assertion | Prev::Option => {
                self.invalid(at, "nothing to repeat")
            }
        }
    }

    /// Emits the laziness suffix and rejects possessive quantifiers.
    fn quantifier_suffix(&mut self) -> Result<(), PatternError> {
        let mut lazy = self.flags.ungreedy;
        match self.peek() {
            Some('?') => {
                self.pos += 1;
                lazy = !lazy;
            }
            Some('+') => {
                return self.unsupported(self.offset(), "possessive quantifier (`*+`, `++`, ...)")
            }
            _ => {}
        }
        if lazy {
            self.out.push('?');
        }
        self.prev = Prev::Quantifier;
        Ok(())
    }

    fn quantifier(
        &mut self,
        at: usize,
        c: char,
        word_type: Option<(usize, bool)>,
    ) -> Result<(), PatternError> {
        self.check_repeatable(at)?;
        if let Some((start, neg)) = word_type {
            let (min, max) = match c {
                '*' => (0, None),
                '+' => (1, None),
                _ => (0, Some(1)),
            };
            if self.word_repeat(start, neg, min, max)? {
                return Ok(());
            }
        }
        self.quantifiers.push((self.out.len(), at));
        self.out.push(c);
        self.quantifier_suffix()
    }

    /// PCRE quirk (UTF mode, no UCP): the first `min` iterations of a
    /// repeated `\w`/`\W` (compiled as a counted or `+` repeat) test
    /// ASCII word characters only, further iterations use the Latin-1
    /// table; `\w{1,m}`, `*` and `?` use the Latin-1 table throughout.
    /// Rewrites the just-emitted set; returns false when nothing differs.
    fn word_repeat(
        &mut self,
        start: usize,
        neg: bool,
        min: u32,
        max: Option<u32>,
    ) -> Result<bool, PatternError> {
        let single_kept = min == 0 || (min == 1 && max.is_some());
        if single_kept {
            return Ok(false);
        }
        let ascii = set(&[(48, 57), (65, 90), (95, 95), (97, 122)]);
        let ascii = if neg { negated(ascii) } else { ascii };
        let latin = if neg { negated(word_set()) } else { word_set() };
        self.out.truncate(start);
        self.out.push_str("(?:");
        self.out.push_str(&emit_set(&ascii));
        self.out.push_str(&format!("{{{min}}}"));
        match max {
            Some(m) if m == min => {}
            Some(m) => {
                self.out.push_str(&emit_set(&latin));
                self.out.push_str(&format!("{{0,{}}}", m - min));
            }
            None => {
                self.out.push_str(&emit_set(&latin));
                self.out.push('*');
            }
        }
        self.quantifier_suffix()?;
        self.out.push(')');
        Ok(true)
    }

    /// `{n}`, `{n,}`, `{n,m}`; anything else is a literal `{` (PCRE rule).
    fn counted_quantifier(
        &mut self,
        at: usize,
        word_type: Option<(usize, bool)>,
    ) -> Result<bool, PatternError> {
        let Some((min, max)) = self.counted_repeat() else {
            return Ok(false);
        };
        if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT) {
            return self.invalid(at, "number too big in {} quantifier");
        }
        if max.is_some_and(|m| m < min) {
            return self.invalid(at, "numbers out of order in {} quantifier");
        }
        self.check_repeatable(at)?;
        if let Some((start, neg)) = word_type {
            if self.word_repeat(start, neg, min, max)? {
                return Ok(true);
            }
        }
        self.quantifiers.push((self.out.len(), at));
        match max {
            Some(m) if m == min => self.out.push_str(&format!("{{{min}}}")),
            Some(m) => self.out.push_str(&format!("{{{min},{m}}}")),
            None => self.out.push_str(&format!("{{{min},}}")),
        }
        self.quantifier_suffix()?;
        Ok(true)
    }

    /// After a `{`: `n}`, `n,}` or `n,m}` (PCRE's `is_counted_repeat`),
    /// read through the `}`, as `(min, max)`. Anything else reads nothing.
    fn counted_repeat(&mut self) -> Option<(u32, Option<u32>)> {
        let start = self.pos;
        let repeat = self.number().and_then(|min| match self.bump()? {
            '}' => Some((min, Some(min))),
            ',' if self.peek() == Some('}') => {
                self.pos += 1;
                Some((min, None))
            }
            ',' => {
                let max = self.number()?;
                (self.bump()? == '}').then_some((min, Some(max)))
            }
            _ => None,
        });
        if repeat.is_none() {
            self.pos = start;
        }
        repeat
    }

    /// Decimal digits (saturating), or `None` if there are none.
    fn number(&mut self) -> Option<u32> {
        let mut n: Option<u32> = None;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            self.pos += 1;
            n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d));
        }
        n
    }

    fn group(&mut self, at: usize) -> Result<(), PatternError> {
        if self.peek() == Some('*') {
            return self.unsupported(at, "backtracking control verb `(*...)`");
        }
        if self.peek() != Some('?') {
            self.captures += 1;
            return self.open_group(at);
        }
        self.pos += 1;
        match self.peek() {
            Some(':') | Some('|') => {
                self.pos += 1;
                self.open_group(at)
            }
            Some('>') => self.unsupported(at, "atomic group `(?>...)`"),
            Some('=') => self.unsupported(at, "lookahead `(?=...)`"),
            Some('!') => self.unsupported(at, "negative lookahead `(?!...)`"),
            Some('<') if matches!(self.peek_at(1), Some('=') | Some('!')) => {
                self.unsupported(at, "lookbehind `(?<=...)`/`(?<!...)`")
            }
            Some('<') => {
                self.pos += 1;
                self.group_name(at, '>')
            }
            Some('\'') => {
                self.pos += 1;
                self.group_name(at, '\'')
            }
            Some('P') => match self.peek_at(1) {
                Some('<') => {
                    self.pos += 2;
                    self.group_name(at, '>')
                }
                Some('=') => self.unsupported(at, "back-reference `(?P=name)`"),
                Some('>') => self.unsupported(at, "recursion `(?P>name)`"),
                _ => self.invalid(at, "unrecognized character after (?P"),
            },
            Some('#') => {
                while let Some(c) = self.bump() {
                    if c == ')' {
                        // A comment is transparent: `a(?#c)*` repeats `a`.
                        return Ok(());
                    }
                }
                self.invalid(at, "missing ) after comment")
            }
            Some('(') => self.unsupported(at, "conditional group `(?(...)...)`"),
            Some('C') => self.unsupported(at, "callout `(?C...)`"),
            Some('R') | Some('&') | Some('+') | Some('0'..='9') => {
                self.unsupported(at, "recursion or subroutine call")
            }
            Some('-') if self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => {
                self.unsupported(at, "recursion or subroutine call")
            }
            _ => self.options(at),
        }
    }

    fn open_group(&mut self, at: usize) -> Result<(), PatternError> {
        if self.stack.len() >= MAX_DEPTH {
            return self.unsupported(at, "groups nested too deeply");
        }
        self.stack.push(self.flags);
        self.out.push_str("(?:");
        self.prev = Prev::Nothing;
        Ok(())
    }

    fn group_name(&mut self, at: usize, end: char) -> Result<(), PatternError> {
        let mut n = 0usize;
        let mut name = String::new();
        while let Some(c) = self.bump() {
            if c == end {
                if n == 0 {
                    return self.invalid(at, "group name expected");
                }
                if self.names.contains(&name) && !self.flags.dupnames {
                    return self.invalid(at, "two named subpatterns have the same name");
                }
                self.names.push(name);
                self.captures += 1;
                return self.open_group(at);
            }
            name.push(c);
            let ok = c == '_' || c.is_ascii_alphabetic() || (n > 0 && c.is_ascii_digit());
            if !ok || n >= 32 {
                return self.invalid(at, "invalid group name");
            }
            n += 1;
        }
        self.invalid(at, "unterminated group name")
    }

    /// `(?imsU-imsU)` or `(?imsU-imsU:...)`.
    fn options(&mut self, at: usize) -> Result<(), PatternError> {
        let mut flags = self.flags;
        let mut on = true;
        loop {
            let Some(c) = self.bump() else {
                return self.invalid(at, "missing ) after option setting");
            };
            match c {
                '-' if on => on = false,
                'i' => flags.caseless = on,
                'm' => flags.multiline = on,
                's' => flags.dotall = on,
                'U' => flags.ungreedy = on,
                'J' => flags.dupnames = on,
                'x' => return self.unsupported(at, "extended mode `(?x)`"),
                'X' => return self.unsupported(at, "extra mode `(?X)`"),
                ')' => {
                    // Applies to the rest of the enclosing group.
                    self.flags = flags;
                    self.prev = Prev::Option;
                    return Ok(());
                }
                ':' => {
                    self.open_group(at)?;
                    self.flags = flags;
                    return Ok(());
                }
                _ => return self.invalid(at, "unrecognized character after (? or (?-"),
            }
        }
    }

    fn escape(&mut self, at: usize, word_type: Option<(usize, bool)>) -> Result<(), PatternError> {
        let letter = self.peek();
        let start = self.out.len();
        match self.escape_value(at, false)? {
            Escape::Item(Item::Char(c)) => self.literal(c),
            Escape::Item(Item::Set(s)) => {
                self.atom(&emit_set(&s));
                if let Some(l @ ('w' | 'W')) = letter {
                    self.word_type = Some((start, l == 'W'));
                }
            }
            // `\E` is transparent: `\w\E+` still repeats `\w`.
            Escape::Nothing => self.word_type = word_type,
            Escape::Assertion(a) => self.assertion(a),
            Escape::Quote => {
                while let Some(c) = self.bump() {
                    if c == '\\' && self.peek() == Some('E') {
                        self.pos += 1;
                        return Ok(());
                    }
                    self.literal(c);
                }
            }
        }
        Ok(())
    }

    /// Parses the escape after a `\` (inside a class if `in_class`).
    fn escape_value(&mut self, at: usize, in_class: bool) -> Result<Escape, PatternError> {
        let Some(c) = self.bump() else {
            return self.invalid(at, "\\ at end of pattern");
        };
        let ch = |c: u32| Ok(Escape::Item(Item::Char(char::from_u32(c).unwrap_or('\0'))));
        let st = |s: ClassUnicode| Ok(Escape::Item(Item::Set(s)));
        match c {
            'd' => st(digit_set()),
            'D' => st(negated(digit_set())),
            'w' => st(word_set()),
            'W' => st(negated(word_set())),
            's' => st(space_set()),
            'S' => st(negated(space_set())),
            'h' => st(hspace_set()),
            'H' => st(negated(hspace_set())),
            'v' => st(vspace_set()),
            'V' => st(negated(vspace_set())),
            'a' => ch(7),
            'e' => ch(27),
            'f' => ch(12),
            'n' => ch(10),
            'r' => ch(13),
            't' => ch(9),
            'x' => self.hex_escape(at).map(|c| Escape::Item(Item::Char(c))),
            'o' => self.braced_octal(at).map(|c| Escape::Item(Item::Char(c))),
            'c' => match self.bump() {
                Some(x) if x.is_ascii() && !x.is_ascii_control() => {
                    ch(u32::from(x.to_ascii_uppercase()) ^ 0x40)
                }
                _ => self.invalid(at, "\\c must be followed by a printable ASCII character"),
            },
            '0' => self.octal(1, 2),
            '1'..='7' if in_class => self.octal(c as u32 - '0' as u32, 2),
            '1'..='9' if !in_class => self.digits_escape(at, c),
            'L' | 'l' | 'U' | 'u' => self.invalid(at, "PCRE does not support \\L, \\l, \\U, \\u"),
            'p' | 'P' => self.unsupported(at, "Unicode property `\\p{...}`/`\\P{...}`"),
            'E' => Ok(Escape::Nothing),
            'Q' if in_class => self.unsupported(at, "`\\Q...\\E` inside a character class"),
            'Q' => Ok(Escape::Quote),
            'N' if in_class => self.invalid(at, "\\N is not allowed in a class"),
            _ if in_class => match c {
                'b' => ch(8),
                _ => ch(u32::from(c)),
            },
            // `\N{2}` repeats `\N`; `\N{name}` is Perl's, not PCRE's.
            'N' if self.peek() == Some('{') && !self.counted_repeat_follows() => {
                self.invalid(at, "PCRE does not support \\N{name}")
            }
            'N' => st(negated(set(&[(10, 10)]))),
            'b' | 'B' => {
                self.word_boundary = true;
                Ok(Escape::Assertion(if c == 'b' {
                    r"(?-u:\b)"
                } else {
                    r"(?-u:\B)"
                }))
            }
            'A' => Ok(Escape::Assertion(r"\A")),
            'z' => Ok(Escape::Assertion(r"\z")),
            'Z' => {
                self.newline_sensitive = true;
                Ok(Escape::Assertion(r"\z"))
            }
            'G' => self.unsupported(at, "`\\G`"),
            'K' => self.unsupported(at, "`\\K` (reset match start)"),
            'R' => self.unsupported(at, "`\\R` (newline sequence)"),
            'X' => self.unsupported(at, "`\\X` (extended grapheme cluster)"),
            'C' => self.unsupported(at, "`\\C` (single code unit)"),
            'g' | 'k' => self.unsupported(at, "back-reference (`\\g`, `\\k`)"),
            _ => ch(u32::from(c)),
        }
    }

    /// `\` and a digit from 1 to 9 outside a class, as PCRE 8 reads it: the
    /// whole decimal number is a back-reference if it is below 8 or no
    /// larger than the number of capturing groups opened so far; otherwise
    /// `\8` and `\9` are those digits, and `\1` to `\7` start an octal
    /// escape of up to three digits (`\101` is `A`).
    fn digits_escape(&mut self, at: usize, first: char) -> Result<Escape, PatternError> {
        let after_first = self.pos;
        let mut n = first.to_digit(10).unwrap_or(0);
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            // PCRE's own overflow test, for a C `int`.
            if n > i32::MAX as u32 / 10 - 1 {
                return self.invalid(at, "number is too big");
            }
            self.pos += 1;
            n = n * 10 + d;
        }
        if n < 8 || n <= self.captures {
            return self.unsupported(at, "back-reference (`\\1`...)");
        }
        self.pos = after_first;
        match first.to_digit(8) {
            Some(d) => self.octal(d, 2),
            None => Ok(Escape::Item(Item::Char(first))),
        }
    }

    /// Whether a counted repeat (`{2}`, `{2,}`, `{2,3}`) starts after the
    /// current `{`.
    fn counted_repeat_follows(&mut self) -> bool {
        let start = self.pos;
        self.pos += 1;
        let follows = self.counted_repeat().is_some();
        self.pos = start;
        follows
    }

    fn code_point(&self, at: usize, v: u32) -> Result<char, PatternError> {
        match char::from_u32(v) {
            Some(c) => Ok(c),
            None => self.invalid(at, "character code point value is too large or a surrogate"),
        }
    }

    /// `\xhh` (0 to 2 hex digits) or `\x{h...}`.
    fn hex_escape(&mut self, at: usize) -> Result<char, PatternError> {
        if self.peek() == Some('{') {
            let save = self.pos;
            self.pos += 1;
            let mut v: u32 = 0;
            let mut n = 0;
            while let Some(d) = self.peek().and_then(|c| c.to_digit(16)) {
                self.pos += 1;
                v = v.saturating_mul(16).saturating_add(d);
                n += 1;
            }
            if n > 0 && self.peek() == Some('}') {
                self.pos += 1;
                return self.code_point(at, v);
            }
            // PCRE: `\x{` not followed by hex digits and `}` is `\x` then `{`.
            self.pos = save;
            return Ok('\0');
        }
        let mut v = 0;
        for _ in 0..2 {
            match self.peek().and_then(|c| c.to_digit(16)) {
                Some(d) => {
                    self.pos += 1;
                    v = v * 16 + d;
                }
                None => break,
            }
        }
        self.code_point(at, v)
    }

    fn braced_octal(&mut self, at: usize) -> Result<char, PatternError> {
        if self.bump() != Some('{') {
            return self.invalid(at, "\\o must be followed by {");
        }
        let mut v: u32 = 0;
        let mut n = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(8)) {
            self.pos += 1;
            v = v.saturating_mul(8).saturating_add(d);
            n += 1;
        }
        if n == 0 || self.bump() != Some('}') {
            return self.invalid(at, "malformed \\o{...}");
        }
        self.code_point(at, v)
    }

    /// Up to `more` further octal digits after the first digit `first`.
    fn octal(&mut self, first: u32, more: usize) -> Result<Escape, PatternError> {
        let mut v = first;
        for _ in 0..more {
            match self.peek().and_then(|c| c.to_digit(8)) {
                Some(d) => {
                    self.pos += 1;
                    v = v * 8 + d;
                }
                None => break,
            }
        }
        Ok(Escape::Item(Item::Char(
            char::from_u32(v).unwrap_or(char::REPLACEMENT_CHARACTER),
        )))
    }

    /// A bracket class, after its `[`; returns the set it matches.
    fn class(&mut self, at: usize) -> Result<ClassUnicode, PatternError> {
        let negate = self.peek() == Some('^');
        if negate {
            self.pos += 1;
        }
        // Literal ranges fold under (?i); escapes such as \w do not.
        let mut folded = ClassUnicode::empty();
        let mut plain = ClassUnicode::empty();
        let mut first = true;
        loop {
            let Some(c) = self.bump() else {
                return self.invalid(at, "missing terminating ] for character class");
            };
            if c == ']' && !first {
                break;
            }
            let was_first = first;
            first = false;
            let item_at = self.offset();
            let item = match c {
                '[' => match self.posix(at)? {
                    Some(s) => Item::Set(s),
                    None => Item::Char('['),
                },
                '\\' => match self.escape_value(at, true)? {
                    Escape::Item(i) => i,
                    Escape::Nothing => {
                        // PCRE ignores `\E`, so a following `]` may still be first.
                        first = was_first;
                        continue;
                    }
                    Escape::Assertion(_) | Escape::Quote => {
                        return self.unsupported(item_at, "escape inside a class")
                    }
                },
                c => Item::Char(c),
            };
            match item {
                Item::Set(s) => plain.union(&s),
                Item::Char(lo) => {
                    let hi = self.range_end(at)?.unwrap_or(lo);
                    if hi < lo {
                        return self.invalid(at, "range out of order in character class");
                    }
                    folded.push(ClassUnicodeRange::new(lo, hi));
                }
            }
        }
        if self.flags.caseless {
            folded.case_fold_simple();
        }
        folded.union(&plain);
        if negate {
            folded.negate();
        }
        Ok(folded)
    }

    /// After a class character: `-x` makes a range; returns its end.
    fn range_end(&mut self, at: usize) -> Result<Option<char>, PatternError> {
        if self.peek() != Some('-') || matches!(self.peek_at(1), Some(']') | None) {
            return Ok(None);
        }
        self.pos += 1;
        let Some(c) = self.bump() else {
            return self.invalid(at, "missing terminating ] for character class");
        };
        match c {
            '\\' => match self.escape_value(at, true)? {
                Escape::Item(Item::Char(c)) => Ok(Some(c)),
                _ => self.invalid(at, "invalid range in character class"),
            },
            '[' if matches!(self.peek(), Some(':' | '.' | '=')) && self.posix_terminated() => {
                self.invalid(at, "invalid range in character class")
            }
            c => Ok(Some(c)),
        }
    }

    /// Whether `[` + `:`/`.`/`=` at the cursor is closed by the same
    /// character and `]` before the class ends (PCRE's check_posix_syntax).
    fn posix_terminated(&self) -> bool {
        let Some(term) = self.peek() else {
            return false;
        };
        let mut i = self.pos + 1;
        while let Some(&(_, c)) = self.chars.get(i) {
            if c == ']' {
                return false;
            }
            if c == term && self.chars.get(i + 1).map(|&(_, c)| c) == Some(']') {
                return true;
            }
            if c == '\\' {
                i += 1;
            }
            i += 1;
        }
        false
    }

    /// `[:name:]` after a `[` inside a class, or `None` for a plain `[`.
    fn posix(&mut self, at: usize) -> Result<Option<ClassUnicode>, PatternError> {
        if !matches!(self.peek(), Some(':' | '.' | '=')) || !self.posix_terminated() {
            return Ok(None);
        }
        let kind = self.bump();
        if kind != Some(':') {
            return self.invalid(at, "POSIX collating elements are not supported");
        }
        let negate = self.peek() == Some('^');
        if negate {
            self.pos += 1;
        }
        let mut name = String::new();
        while let Some(c) = self.bump() {
            if c == ':' && self.peek() == Some(']') {
                self.pos += 1;
                break;
            }
            name.push(c);
        }
        let Some(s) = posix_set(&name, self.flags.caseless) else {
            return self.invalid(at, "unknown POSIX class name");
        };
        Ok(Some(if negate { negated(s) } else { s }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, v: &str) -> Result<bool, PatternError> {
        VsnRegex::compile(p.as_bytes())?.whole_match(v)
    }

    #[test]
    fn spec_table() {
        assert_eq!(m(r"2\.1\.[0-9]+", "2.1.10"), Ok(true));
        assert_eq!(m(r"1\.0\.[0-9]", "1.0.10"), Ok(false));
        assert_eq!(m(r"1\.0", "1.0.1"), Ok(false));
        assert_eq!(m(r"2\.3", "1.2.3"), Ok(false));
        assert_eq!(m(r"1|1\.0", "1.0"), Ok(false));
        assert_eq!(m(r"1\.0|1", "1.0"), Ok(true));
        assert_eq!(m(r"1.*?", "1.0"), Ok(false));
        assert_eq!(m("", "1.0"), Ok(false));
        assert_eq!(m(r"^1\.0$", "1.0"), Ok(true));
        assert_eq!(m(r"(?i)A", "a"), Ok(true));
        assert_eq!(m(r"1\.0-\x{e9}", "1.0-é"), Ok(true));
        assert_eq!(m("1\\.0-é", "1.0-é"), Ok(true));
    }

    /// The first alternative that matches wins even when a later one would
    /// match more: regex-syntax 0.8.11 got both of these wrong.
    #[test]
    fn first_alternative_wins() {
        assert_eq!(m(r"(\d.{0,}\d.|\d.*)?", "7x13x0"), Ok(false));
        assert_eq!(m(r"(\d.{0,}\d.|\d.*)?", "7x13x"), Ok(true));
        assert_eq!(m(r".*ab|.*.*", "abc"), Ok(false));
        assert_eq!(m(r".*ab|.*.*", "ab"), Ok(true));
    }

    /// PCRE 8's reading of `\` and digits, and of `\N{`, as OTP answered.
    #[test]
    fn digit_escapes_and_n_braces() {
        assert_eq!(m(r"\101", "A"), Ok(true));
        assert_eq!(m(r"\8", "8"), Ok(true));
        assert_eq!(m(r"\18", "\u{1}8"), Ok(true));
        assert_eq!(m(r"(a)\10", "a\u{8}"), Ok(true));
        assert_eq!(m(r"\N{2}", "ab"), Ok(true));
        assert!(matches!(
            VsnRegex::compile(br"(a)\1"),
            Err(PatternError::Unsupported { .. })
        ));
        assert!(matches!(
            VsnRegex::compile(br"(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\10"),
            Err(PatternError::Unsupported { .. })
        ));
        for crash in [&br"\N{x}"[..], br"\9999999999"] {
            assert!(matches!(
                VsnRegex::compile(crash),
                Err(PatternError::Invalid { .. })
            ));
        }
    }

    /// Loops whose body can match empty before it matches something are
    /// refused; those where the empty way comes last agree with PCRE.
    #[test]
    fn empty_iterations() {
        let refused = |p: &str| {
            matches!(
                VsnRegex::compile(p.as_bytes()),
                Err(PatternError::Unsupported { .. })
            )
        };
        for p in [
            r"(\d?|10[a-cA]*[a-cA]|\D+a)*",
            r"(?<n>-{0,}|0)+00",
            r"(|a)*",
            r"(a??)*",
            r"(a?|b)+",
            r"(?:(?:|x)y?)*",
        ] {
            assert!(refused(p), "{p} should be refused");
        }
        for p in [
            r"(a|)*",
            r"(a*)*",
            r"(a?b?)*",
            r"(\.[0-9]+)*",
            r"(a|b?)*?",
            r"(|a)?",
        ] {
            assert!(!refused(p), "{p} should be accepted");
        }
        assert_eq!(m(r"(a|)*", "aa"), Ok(true));
        assert_eq!(m(r"(a?b?)*", "abba"), Ok(true));
        // The error points at the loop's quantifier in the pattern.
        let offset = |p: &str| match VsnRegex::compile(p.as_bytes()) {
            Err(PatternError::Unsupported { offset, .. }) => Some(offset),
            _ => None,
        };
        assert_eq!(offset(r"1\.(\d?|\D+a)*"), Some(13));
        assert_eq!(offset(r"x(?:(?:|x)y?){2,}z"), Some(13));
        assert_eq!(offset(r"\w+(|a)+"), Some(7));
    }

    #[test]
    fn latin1_classes() {
        assert_eq!(m(r"\w", "é"), Ok(true));
        assert_eq!(m(r"\w", "ā"), Ok(false));
        assert_eq!(m(r"\d", "٣"), Ok(false));
        assert_eq!(m(r"\s", "\u{a0}"), Ok(false));
        assert_eq!(m(r"[[:ascii:]]", "é"), Ok(true));
        assert_eq!(m(r"(?i)\x{c9}", "é"), Ok(true));
        assert_eq!(m(r"(?i)k", "\u{212a}"), Ok(true));
        assert_eq!(m(r"(?i)[[:upper:]]", "a"), Ok(true));
    }

    #[test]
    fn errors() {
        assert!(matches!(
            VsnRegex::compile(b"("),
            Err(PatternError::Invalid { .. })
        ));
        assert!(matches!(
            VsnRegex::compile(b"1\\.0-\xe9"),
            Err(PatternError::InvalidUtf8 { offset: 5 })
        ));
        for p in [r"(a)\1", r"(?=a)", r"a*+", r"\p{L}", r"(?>a)", r"(?x)a"] {
            assert!(
                matches!(
                    VsnRegex::compile(p.as_bytes()),
                    Err(PatternError::Unsupported { .. })
                ),
                "{p}"
            );
        }
        assert!(matches!(
            m(r"1\.0$", "1.0\n"),
            Err(PatternError::UnsupportedForVersion { .. })
        ));
        assert_eq!(
            VsnRegex::compile(b"a{99999}").err(),
            Some(PatternError::Invalid {
                offset: 1,
                reason: "number too big in {} quantifier".into()
            })
        );
    }

    #[test]
    fn literal_braces_and_quotes() {
        assert_eq!(m("a{,3}", "a{,3}"), Ok(true));
        assert_eq!(m("a{1", "a{1"), Ok(true));
        assert_eq!(m(r"\Qa.b\E", "a.b"), Ok(true));
        assert_eq!(m(r"\Qa.b\E", "axb"), Ok(false));
        assert_eq!(m(r"[]a]", "]"), Ok(true));
        assert_eq!(m(r"[\d-z]", "-"), Ok(true));
    }
}
