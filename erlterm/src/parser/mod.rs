//! The parser: one Erlang expression per term, as `erl_parse:parse_term/1`
//! does it, then normalisation to a value (spec §4–§6).
//!
//! Inputs that are valid Erlang expressions but not terms (variables,
//! operators, calls, records, blocks...) parse to [`Ex::Bad`] and become a
//! "bad term" error only if the whole term parsed, exactly as in OTP where
//! syntax errors are found before normalisation.

mod binary;
pub(crate) mod build;

use std::borrow::Cow;

use num_bigint::BigInt;

use crate::error::{Error, ErrorKind};
use crate::lexer::{Lexer, TermEnd, Tok, Token};
use crate::options::ParseOptions;
use crate::span::Span;
use crate::term::{Atom, ExternalFun, Integer};
use build::Build;

/// A number literal kept raw so unary `-`/`+` can apply to it.
#[derive(Clone, Debug)]
pub(crate) enum Num {
    Int(i64),
    Big(BigInt),
    Float(f64),
}

impl Num {
    fn negate(self) -> Num {
        match self {
            Num::Int(v) => match v.checked_neg() {
                Some(n) => Num::Int(n),
                None => Num::Big(-BigInt::from(v)),
            },
            Num::Big(b) => Num::Big(-b),
            Num::Float(f) => Num::Float(-f),
        }
    }

    fn build<B: Build>(self, b: &mut B, sp: Span) -> B::V {
        match self {
            Num::Int(v) => b.int(Integer::from(v), sp),
            Num::Big(v) => b.int(Integer::from(v), sp),
            Num::Float(f) => b.float(f, sp),
        }
    }
}

/// A parsed expression: a value, a raw literal, or "not a term".
pub(crate) enum Ex<'a, V> {
    /// A normalised value.
    Val(V, Span),
    /// A number literal (integer, float or char), possibly parenthesised.
    Num(Num, Span),
    /// One or more adjacent string literals.
    Str(Cow<'a, str>, Span),
    /// Parses, but is not a term; the span and a description of the culprit.
    Bad(Span, &'static str),
}

impl<'a, V> Ex<'a, V> {
    fn span(&self) -> Span {
        match self {
            Ex::Val(_, s) | Ex::Num(_, s) | Ex::Str(_, s) | Ex::Bad(s, _) => *s,
        }
    }
}

/// Errors are boxed: this keeps the recursive parser's frames small.
type PResult<T> = Result<T, Box<Error>>;

/// Binary operators: (precedence, right associative, non-associative),
/// from erl_parse.yrl.
fn binop(t: &Tok<'_>) -> Option<(u16, bool, bool)> {
    Some(match t {
        Tok::Punct("=" | "!") => (100, true, false),
        Tok::Kw("orelse") => (150, true, false),
        Tok::Kw("andalso") => (160, true, false),
        Tok::Punct("==" | "/=" | "=<" | "<" | ">=" | ">" | "=:=" | "=/=") => (200, false, true),
        Tok::Punct("++" | "--") => (300, true, false),
        Tok::Punct("+" | "-") | Tok::Kw("bor" | "bxor" | "bsl" | "bsr" | "or" | "xor") => {
            (400, false, false)
        }
        Tok::Punct("/" | "*") | Tok::Kw("div" | "rem" | "band" | "and") => (500, false, false),
        _ => return None,
    })
}

/// The grammar over one term's tokens.
pub(crate) struct Parser<'t, 'a, 'o, B: Build> {
    toks: &'t [Token<'a>],
    pos: usize,
    b: B,
    depth: usize,
    opts: &'o ParseOptions,
}

/// Stands in for the end of an (impossible) empty run of tokens.
static END_TOKEN: Token<'static> = Token {
    tok: Tok::End,
    span: Span {
        start: 0,
        end: 0,
        line: 1,
        column: 1,
    },
};

impl<'t, 'a, 'o, B: Build> Parser<'t, 'a, 'o, B> {
    pub(crate) fn new(toks: &'t [Token<'a>], b: B, opts: &'o ParseOptions) -> Self {
        Parser {
            toks,
            pos: 0,
            b,
            depth: 0,
            opts,
        }
    }

    /// Token `i`, or past the end the last token (every run of tokens ends
    /// with `.` or `End`, which then repeats forever).
    fn tok(&self, i: usize) -> &'t Token<'a> {
        let toks: &'t [Token<'a>] = self.toks;
        toks.get(i).or(toks.last()).unwrap_or(&END_TOKEN)
    }

    pub(crate) fn peek(&self) -> &'t Tok<'a> {
        &self.tok(self.pos).tok
    }

    fn peek_at(&self, k: usize) -> &'t Tok<'a> {
        &self.tok(self.pos.saturating_add(k)).tok
    }

    fn span(&self) -> Span {
        self.tok(self.pos).span
    }

    fn prev_span(&self) -> Span {
        self.tok(self.pos.saturating_sub(1)).span
    }

    fn advance(&mut self) {
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
    }

    fn is(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn is_kw(&self, k: &str) -> bool {
        matches!(self.peek(), Tok::Kw(q) if *q == k)
    }

    /// A syntax error before the current token.
    fn unexpected(&self) -> Box<Error> {
        let tok = self.tok(self.pos);
        let mut span = tok.span;
        if tok.tok == Tok::End && self.pos > 0 {
            // OTP reports an error at the end of the text at the last
            // token's position: the span starts there too, so the column
            // and the caret of a diagnostic agree.
            let last = self.tok(self.pos - 1).span;
            span.start = last.start;
            span.end = last.start;
        }
        Box::new(Error {
            kind: ErrorKind::Syntax {
                before: crate::error::token_text(&tok.tok),
            },
            span,
            expected: None,
            help: None,
        })
    }

    fn expect(&mut self, p: &str) -> PResult<Span> {
        if self.is(p) {
            let s = self.span();
            self.advance();
            Ok(s)
        } else {
            Err(self.unexpected_expecting(p))
        }
    }

    fn unexpected_expecting(&self, p: &str) -> Box<Error> {
        let mut e = self.unexpected();
        e.expected = Some(format!("`{p}`"));
        e
    }

    /// Consumes the current token if `wanted` accepts it (a name or a
    /// number after a `:`, `.` or `/`); a syntax error before it otherwise.
    fn expect_token(&mut self, wanted: impl Fn(&Tok<'a>) -> bool) -> PResult<()> {
        if wanted(self.peek()) {
            self.advance();
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect_kw(&mut self, k: &str) -> PResult<()> {
        if self.is_kw(k) {
            self.advance();
            Ok(())
        } else {
            Err(self.unexpected_expecting(k))
        }
    }

    // ----- top level -------------------------------------------------------

    /// Parses the term's tokens (ending in `Dot` or `End`) into a value.
    pub(crate) fn term(&mut self) -> PResult<B::V> {
        let first = self.first_token_line(0);
        let e = self.expr()?;
        let mut second: Option<usize> = None;
        while self.is(",") {
            self.advance();
            if second.is_none() {
                second = Some(self.pos);
            }
            self.expr()?;
        }
        let mut head_mismatch: Option<Span> = None;
        while self.is(";") {
            self.advance();
            if let Some(sp) = self.function_clause()? {
                head_mismatch.get_or_insert(sp);
            }
        }
        match self.peek() {
            Tok::Dot => {}
            Tok::End => {
                let mut err = self.unexpected();
                err.help = Some(crate::error::MISSING_FINAL_DOT_HELP.into());
                return Err(err);
            }
            _ => return Err(self.unexpected()),
        }
        if let Some(sp) = head_mismatch {
            return Err(Box::new(Error {
                kind: ErrorKind::HeadMismatch,
                span: sp,
                expected: None,
                help: Some(
                    "a term is one expression ended by `.`; `;` separates function clauses".into(),
                ),
            }));
        }
        if let Some(idx) = second {
            let line_span = self.first_token_line(idx);
            return Err(Box::new(Error {
                kind: ErrorKind::BadTerm("several expressions separated by commas".into()),
                span: line_span,
                expected: None,
                help: Some("a term is one expression: wrap the items in `[...]` or `{...}`, or end each term with `.`".into()),
            }));
        }
        match e {
            Ex::Val(v, _) => Ok(v),
            Ex::Num(n, sp) => Ok(n.build(&mut self.b, sp)),
            Ex::Str(s, sp) => Ok(self.b.string(s, sp)),
            Ex::Bad(culprit, what) => {
                let help = bad_term_help(what);
                Err(Box::new(Error {
                    kind: ErrorKind::BadTerm(what.to_string()),
                    span: Span {
                        start: first.start,
                        end: culprit.end.max(first.end),
                        line: first.line,
                        column: first.column,
                    },
                    expected: None,
                    help,
                }))
            }
        }
    }

    /// The span of the first non-`(` token from index `i` (OTP's line for
    /// "bad term").
    fn first_token_line(&self, mut i: usize) -> Span {
        while i + 1 < self.toks.len() && matches!(self.tok(i).tok, Tok::Punct("(")) {
            i += 1;
        }
        self.tok(i).span
    }

    /// `name(Args) [when Guard] -> Body` after a `;` at top level.
    /// Returns the span of the clause if its head is not `f()`.
    fn function_clause(&mut self) -> PResult<Option<Span>> {
        let sp = self.span();
        let name_ok = match self.peek() {
            Tok::Atom(a) => a == "f",
            _ => return Err(self.unexpected()),
        };
        self.advance();
        let arity = self.pat_argument_list()?;
        self.clause_guard()?;
        self.expect("->")?;
        self.exprs()?;
        Ok((!name_ok || arity != 0).then_some(sp))
    }

    // ----- expressions -----------------------------------------------------

    /// `exprs -> expr (',' expr)*`; returns the count.
    fn exprs(&mut self) -> PResult<usize> {
        let mut n = 1;
        self.expr()?;
        while self.is(",") {
            self.advance();
            self.expr()?;
            n += 1;
        }
        Ok(n)
    }

    pub(crate) fn expr(&mut self) -> PResult<Ex<'a, B::V>> {
        self.expr_prec(0)
    }

    fn expr_prec(&mut self, min: u16) -> PResult<Ex<'a, B::V>> {
        let mut lhs = self.unary()?;
        let mut nonassoc_prec: Option<u16> = None;
        while let Some((prec, right, nonassoc)) = binop(self.peek()) {
            if prec < min {
                break;
            }
            if nonassoc_prec == Some(prec) {
                return Err(self.unexpected());
            }
            let op_span = self.span();
            self.advance();
            // Right operands recurse: count them against the depth limit.
            self.enter()?;
            let rhs = self.expr_prec(if right { prec } else { prec + 1 });
            self.depth -= 1;
            let rhs = rhs?;
            nonassoc_prec = nonassoc.then_some(prec);
            let sp = lhs.span().to(rhs.span());
            let _ = op_span;
            lhs = Ex::Bad(sp, "an operator expression");
        }
        Ok(lhs)
    }

    /// Enters one nesting level; the caller decrements `depth` afterwards.
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > self.opts.max_depth {
            return Err(Box::new(Error {
                kind: ErrorKind::Limit(format!(
                    "term nested deeper than {} levels (ParseOptions::max_depth)",
                    self.opts.max_depth
                )),
                span: self.span(),
                expected: None,
                help: Some("deeply nested input is refused to protect the stack; raise ParseOptions::max_depth if it is legitimate".into()),
            }));
        }
        Ok(())
    }

    fn unary(&mut self) -> PResult<Ex<'a, B::V>> {
        self.enter()?;
        let r = self.unary_inner();
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self) -> PResult<Ex<'a, B::V>> {
        let sp = self.span();
        match self.peek() {
            Tok::Kw("catch") => {
                self.advance();
                let e = self.expr()?;
                Ok(Ex::Bad(sp.to(e.span()), "a `catch` expression"))
            }
            Tok::Punct(op @ ("+" | "-")) => {
                let neg = *op == "-";
                self.advance();
                let e = self.unary()?;
                let whole = sp.to(e.span());
                Ok(match e {
                    Ex::Num(n, _) => {
                        let n = if neg { n.negate() } else { n };
                        Ex::Val(n.build(&mut self.b, whole), whole)
                    }
                    _ => Ex::Bad(
                        whole,
                        "a unary operator on something other than a number literal",
                    ),
                })
            }
            Tok::Kw("bnot" | "not") => {
                self.advance();
                let e = self.unary()?;
                Ok(Ex::Bad(sp.to(e.span()), "a `bnot`/`not` expression"))
            }
            _ => self.suffixed(),
        }
    }

    /// `expr_max` with remote, call, map-update and record suffixes.
    fn suffixed(&mut self) -> PResult<Ex<'a, B::V>> {
        #[derive(PartialEq, Clone, Copy)]
        enum St {
            Start,
            Max,
            Remote,
            Map,
            Rec,
        }
        let start = self.span();
        let mut st = St::Start;
        let mut cur: Option<Ex<'a, B::V>> = None;
        if !self.is("#") {
            cur = Some(self.max()?);
            st = St::Max;
        }
        loop {
            if self.is("#") && st != St::Remote {
                self.advance();
                match self.peek() {
                    Tok::Punct("{") if st != St::Rec => {
                        let m = self.map_tuple(start)?;
                        cur = Some(if st == St::Start {
                            m
                        } else {
                            Ex::Bad(start.to(self.prev_span()), "a map update")
                        });
                        st = St::Map;
                    }
                    Tok::Atom(_) if st != St::Map => {
                        self.record_after_hash()?;
                        cur = Some(Ex::Bad(start.to(self.prev_span()), "a record expression"));
                        st = St::Rec;
                    }
                    _ => return Err(self.unexpected()),
                }
            } else if self.is(":") && st == St::Max {
                self.advance();
                self.max()?;
                cur = Some(Ex::Bad(
                    start.to(self.prev_span()),
                    "a remote function reference",
                ));
                st = St::Remote;
            } else if self.is("(") && matches!(st, St::Max | St::Remote) {
                self.argument_list()?;
                return Ok(Ex::Bad(start.to(self.prev_span()), "a function call"));
            } else {
                break;
            }
        }
        match cur {
            Some(e) => Ok(e),
            None => Err(self.unexpected()),
        }
    }

    fn argument_list(&mut self) -> PResult<()> {
        self.expect("(")?;
        if !self.is(")") {
            self.exprs()?;
        }
        self.expect(")")?;
        Ok(())
    }

    // ----- patterns ----------------------------------------------------------
    //
    // Clause heads of funs, of `try ... catch` and of function clauses are
    // `pat_expr`s in erl_parse.yrl: operators but `!`, `andalso`, `orelse`
    // and `catch`; no calls, remote names, blocks or comprehensions; `#`
    // only to open a map or record pattern, with nothing after it. Lists,
    // tuples and binaries inside take full expressions again.

    /// `'(' [pat_expr (',' pat_expr)*] ')'`; returns the arity.
    fn pat_argument_list(&mut self) -> PResult<usize> {
        self.expect("(")?;
        let mut arity = 0;
        if !self.is(")") {
            loop {
                self.pat_expr(0)?;
                arity += 1;
                if !self.is(",") {
                    break;
                }
                self.advance();
            }
        }
        self.expect(")")?;
        Ok(arity)
    }

    fn pat_expr(&mut self, min: u16) -> PResult<()> {
        self.enter()?;
        let r = self.pat_expr_inner(min);
        self.depth -= 1;
        r
    }

    fn pat_expr_inner(&mut self, min: u16) -> PResult<()> {
        self.pat_unary()?;
        let mut nonassoc_prec: Option<u16> = None;
        while let Some((prec, right, nonassoc)) = binop(self.peek()) {
            let not_in_patterns =
                matches!(self.peek(), Tok::Punct("!") | Tok::Kw("andalso" | "orelse"));
            if prec < min || not_in_patterns {
                break;
            }
            if nonassoc_prec == Some(prec) {
                return Err(self.unexpected());
            }
            self.advance();
            self.pat_expr(if right { prec } else { prec + 1 })?;
            nonassoc_prec = nonassoc.then_some(prec);
        }
        Ok(())
    }

    fn pat_unary(&mut self) -> PResult<()> {
        match self.peek() {
            Tok::Punct("+" | "-") | Tok::Kw("bnot" | "not") => {
                self.advance();
                self.enter()?;
                let r = self.pat_unary();
                self.depth -= 1;
                r
            }
            Tok::Punct("#") => {
                let start = self.span();
                self.advance();
                match self.peek() {
                    Tok::Punct("{") => self.map_tuple(start).map(drop),
                    Tok::Atom(_) => self.record_after_hash(),
                    _ => Err(self.unexpected()),
                }
            }
            Tok::Punct("(") => {
                self.advance();
                self.pat_expr(0)?;
                self.expect(")").map(drop)
            }
            Tok::Punct("[") => self.list(false).map(drop),
            Tok::Punct("<<") => self.binary(false).map(drop),
            Tok::Atom(_)
            | Tok::Var(_)
            | Tok::Int(_)
            | Tok::Char(_)
            | Tok::BigInt(_)
            | Tok::Float(_)
            | Tok::Str(_)
            | Tok::Punct("{") => self.max().map(drop),
            _ => Err(self.unexpected()),
        }
    }

    /// `'{' [expr ('=>'|':=') expr (',' ...)*] '}'` (the `#` is consumed).
    fn map_tuple(&mut self, start: Span) -> PResult<Ex<'a, B::V>> {
        self.expect("{")?;
        let mut entries = Vec::new();
        let mut bad: Option<(Span, &'static str)> = None;
        if !self.is("}") {
            loop {
                let k = self.expr()?;
                let exact = if self.is("=>") {
                    false
                } else if self.is(":=") {
                    true
                } else {
                    let mut e = self.unexpected_expecting("=>");
                    if self.is("=") {
                        e.help = Some("map entries are written `Key => Value`".into());
                    }
                    return Err(e);
                };
                let op = self.span();
                self.advance();
                let v = self.expr()?;
                if exact {
                    bad.get_or_insert((op, "`:=` in a map literal"));
                }
                match (self.val(k), self.val(v)) {
                    (Ok(k), Ok(v)) => entries.push((k, v)),
                    (Err(b), _) | (_, Err(b)) => {
                        bad.get_or_insert(b);
                    }
                }
                if self.is(",") {
                    self.advance();
                } else {
                    break;
                }
            }
        }
        self.expect("}")?;
        let sp = start.to(self.prev_span());
        Ok(match bad {
            Some((s, w)) => Ex::Bad(s, w),
            None => Ex::Val(self.b.map(entries, sp), sp),
        })
    }

    /// `Name.Field` or `Name{...}` after a `#`, at the record name.
    fn record_after_hash(&mut self) -> PResult<()> {
        self.advance();
        if self.is(".") {
            self.advance();
            self.expect_token(|t| matches!(t, Tok::Atom(_)))
        } else {
            self.record_tuple()
        }
    }

    fn record_tuple(&mut self) -> PResult<()> {
        self.expect("{")?;
        if !self.is("}") {
            loop {
                self.expect_token(|t| matches!(t, Tok::Atom(_) | Tok::Var(_)))?;
                self.expect("=")?;
                self.expr()?;
                if self.is(",") {
                    self.advance();
                } else {
                    break;
                }
            }
        }
        self.expect("}")?;
        Ok(())
    }

    /// Converts a sub-expression to a value, or reports why it is not one.
    pub(crate) fn val(&mut self, e: Ex<'a, B::V>) -> Result<B::V, (Span, &'static str)> {
        match e {
            Ex::Val(v, _) => Ok(v),
            Ex::Num(n, sp) => Ok(n.build(&mut self.b, sp)),
            Ex::Str(s, sp) => Ok(self.b.string(s, sp)),
            Ex::Bad(sp, w) => Err((sp, w)),
        }
    }

    /// `expr_max`.
    fn max(&mut self) -> PResult<Ex<'a, B::V>> {
        let sp = self.span();
        let tok = self.peek();
        match tok {
            Tok::Atom(a) => {
                self.advance();
                Ok(Ex::Val(self.b.atom(a, sp), sp))
            }
            Tok::Var(name) => {
                self.advance();
                match self.opts.bindings.get(*name) {
                    Some(t) => Ok(Ex::Val(self.b.bound(t, sp), sp)),
                    None => Ok(Ex::Bad(sp, "a variable")),
                }
            }
            Tok::Int(v) => {
                self.advance();
                Ok(Ex::Num(Num::Int(*v), sp))
            }
            Tok::Char(c) => {
                self.advance();
                Ok(Ex::Num(Num::Int(i64::from(*c)), sp))
            }
            Tok::BigInt(b) => {
                self.advance();
                Ok(Ex::Num(Num::Big((**b).clone()), sp))
            }
            Tok::Float(f) => {
                self.advance();
                Ok(Ex::Num(Num::Float(*f), sp))
            }
            Tok::Str(s) => {
                self.advance();
                let mut acc: Cow<'a, str> = s.clone();
                let mut end = sp;
                while let Tok::Str(more) = self.peek() {
                    acc.to_mut().push_str(more);
                    end = self.span();
                    self.advance();
                }
                Ok(Ex::Str(acc, sp.to(end)))
            }
            Tok::Punct("[") => self.list(true),
            Tok::Punct("{") => self.tuple(),
            Tok::Punct("<<") => self.binary(true),
            Tok::Punct("(") => {
                self.advance();
                let e = self.expr()?;
                self.expect(")")?;
                Ok(e)
            }
            _ => self.keyword_expr(sp),
        }
    }

    /// Block expressions (`begin`, `if`, `case`, `receive`, `try`, `fun`):
    /// never terms, kept out of [`Parser::max`] to keep its frame small.
    #[inline(never)]
    fn keyword_expr(&mut self, sp: Span) -> PResult<Ex<'a, B::V>> {
        match self.peek() {
            Tok::Kw("begin") => {
                self.advance();
                self.exprs()?;
                self.expect_kw("end")?;
                Ok(Ex::Bad(sp.to(self.prev_span()), "a `begin ... end` block"))
            }
            Tok::Kw("if") => {
                self.advance();
                loop {
                    self.guard()?;
                    self.clause_body()?;
                    if !self.is(";") {
                        break;
                    }
                    self.advance();
                }
                self.expect_kw("end")?;
                Ok(Ex::Bad(sp.to(self.prev_span()), "an `if` expression"))
            }
            Tok::Kw("case") => {
                self.advance();
                self.expr()?;
                self.expect_kw("of")?;
                self.cr_clauses()?;
                self.expect_kw("end")?;
                Ok(Ex::Bad(sp.to(self.prev_span()), "a `case` expression"))
            }
            Tok::Kw("receive") => {
                self.advance();
                if !self.is_kw("after") {
                    self.cr_clauses()?;
                }
                if self.is_kw("after") {
                    self.advance();
                    self.expr()?;
                    self.clause_body()?;
                }
                self.expect_kw("end")?;
                Ok(Ex::Bad(sp.to(self.prev_span()), "a `receive` expression"))
            }
            Tok::Kw("try") => {
                self.advance();
                self.try_expr()?;
                Ok(Ex::Bad(sp.to(self.prev_span()), "a `try` expression"))
            }
            Tok::Kw("fun") => {
                self.advance();
                self.fun_expr(sp)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn clause_guard(&mut self) -> PResult<()> {
        if self.is_kw("when") {
            self.advance();
            self.guard()?;
        }
        Ok(())
    }

    fn guard(&mut self) -> PResult<()> {
        self.exprs()?;
        while self.is(";") {
            self.advance();
            self.exprs()?;
        }
        Ok(())
    }

    fn clause_body(&mut self) -> PResult<()> {
        self.expect("->")?;
        self.exprs()?;
        Ok(())
    }

    fn cr_clauses(&mut self) -> PResult<()> {
        loop {
            self.expr()?;
            self.clause_guard()?;
            self.clause_body()?;
            if !self.is(";") {
                return Ok(());
            }
            self.advance();
        }
    }

    fn try_expr(&mut self) -> PResult<()> {
        self.exprs()?;
        if self.is_kw("of") {
            self.advance();
            self.cr_clauses()?;
        }
        if self.is_kw("catch") {
            self.advance();
            loop {
                self.try_clause_head()?;
                self.clause_guard()?;
                self.clause_body()?;
                if !self.is(";") {
                    break;
                }
                self.advance();
            }
            if self.is_kw("after") {
                self.advance();
                self.exprs()?;
            }
        } else if self.is_kw("after") {
            self.advance();
            self.exprs()?;
        } else {
            return Err(self.unexpected());
        }
        self.expect_kw("end")
    }

    /// `Pattern`, `Class:Pattern` or `Class:Pattern:Stacktrace` after
    /// `catch`, where the class is an atom or a variable.
    fn try_clause_head(&mut self) -> PResult<()> {
        if matches!(
            (self.peek(), self.peek_at(1)),
            (Tok::Atom(_) | Tok::Var(_), Tok::Punct(":"))
        ) {
            self.advance();
            self.advance();
            self.pat_expr(0)?;
            if self.is(":") {
                self.advance();
                self.expect_token(|t| matches!(t, Tok::Var(_)))?;
            }
            Ok(())
        } else {
            self.pat_expr(0)
        }
    }

    /// `fun [Name](Patterns) [when Guard] -> Body; ... end` after `fun`.
    /// As erl_parse's `build_fun`, every clause must have the first one's
    /// name (or none) and arity: a "head mismatch" at the first that does
    /// not, once the whole fun has parsed.
    fn fun_clauses(&mut self, start: Span) -> PResult<Ex<'a, B::V>> {
        let mut head: Option<(Option<&'a str>, usize)> = None;
        let mut mismatch: Option<Span> = None;
        loop {
            let clause = self.span();
            let name = match self.peek() {
                Tok::Var(v) => {
                    self.advance();
                    Some(*v)
                }
                _ => None,
            };
            let arity = self.pat_argument_list()?;
            match head {
                None => head = Some((name, arity)),
                Some(first) if first != (name, arity) => {
                    mismatch.get_or_insert(clause);
                }
                Some(_) => {}
            }
            self.clause_guard()?;
            self.clause_body()?;
            if !self.is(";") {
                break;
            }
            self.advance();
        }
        self.expect_kw("end")?;
        if let Some(sp) = mismatch {
            return Err(Box::new(Error {
                kind: ErrorKind::HeadMismatch,
                span: sp,
                expected: None,
                help: Some(
                    "the clauses of a fun take the same number of arguments (and the same name)"
                        .into(),
                ),
            }));
        }
        Ok(Ex::Bad(start.to(self.prev_span()), "an anonymous fun"))
    }

    /// After `fun`: `fun M:F/A`, `fun F/A` or `fun (...) -> ... end`.
    fn fun_expr(&mut self, start: Span) -> PResult<Ex<'a, B::V>> {
        match (self.peek(), self.peek_at(1)) {
            (Tok::Atom(_), Tok::Punct("/")) => {
                self.advance();
                self.advance();
                self.expect_token(|t| matches!(t, Tok::Int(_) | Tok::BigInt(_)))?;
                Ok(Ex::Bad(start.to(self.prev_span()), "a local fun reference"))
            }
            (Tok::Atom(_) | Tok::Var(_), Tok::Punct(":")) => {
                let m = self.peek();
                self.advance();
                self.advance();
                let f = self.peek();
                if !matches!(f, Tok::Atom(_) | Tok::Var(_)) {
                    return Err(self.unexpected());
                }
                self.advance();
                self.expect("/")?;
                let a = self.peek();
                if !matches!(a, Tok::Int(_) | Tok::BigInt(_) | Tok::Var(_)) {
                    return Err(self.unexpected());
                }
                self.advance();
                let sp = start.to(self.prev_span());
                Ok(match (m, f, a) {
                    (Tok::Atom(m), Tok::Atom(f), Tok::Int(a)) if (0..=255).contains(a) => {
                        let fun = ExternalFun {
                            module: Atom::new(m),
                            function: Atom::new(f),
                            arity: *a as u32,
                        };
                        Ex::Val(self.b.fun(fun, sp), sp)
                    }
                    _ => Ex::Bad(sp, "a fun reference with variables or an invalid arity"),
                })
            }
            (Tok::Punct("("), _) | (Tok::Var(_), Tok::Punct("(")) => self.fun_clauses(start),
            (Tok::Atom(_) | Tok::Var(_), _) => {
                // The name was fine; what follows it is not.
                self.advance();
                Err(self.unexpected())
            }
            _ => Err(self.unexpected()),
        }
    }

    /// `[...]`, or with `comprehension` also `[Expr || ...]`.
    fn list(&mut self, comprehension: bool) -> PResult<Ex<'a, B::V>> {
        let start = self.span();
        self.advance();
        if self.is("]") {
            self.advance();
            let sp = start.to(self.prev_span());
            return Ok(Ex::Val(self.b.list(Vec::new(), None, sp), sp));
        }
        let first = self.expr()?;
        if comprehension && self.is("||") {
            self.advance();
            self.lc_exprs()?;
            self.expect("]")?;
            return Ok(Ex::Bad(start.to(self.prev_span()), "a list comprehension"));
        }
        let mut items = Vec::new();
        let mut bad = None;
        self.push_item(first, &mut items, &mut bad);
        let mut tail = None;
        loop {
            if self.is(",") {
                self.advance();
                let e = self.expr()?;
                self.push_item(e, &mut items, &mut bad);
            } else if self.is("|") {
                self.advance();
                let e = self.expr()?;
                match self.val(e) {
                    Ok(v) => tail = Some(v),
                    Err(b) => {
                        bad.get_or_insert(b);
                    }
                }
                self.expect("]")?;
                break;
            } else if self.is("]") {
                self.advance();
                break;
            } else {
                return Err(self.list_error());
            }
        }
        let sp = start.to(self.prev_span());
        Ok(match bad {
            Some((s, w)) => Ex::Bad(s, w),
            None => Ex::Val(self.b.list(items, tail, sp), sp),
        })
    }

    fn list_error(&self) -> Box<Error> {
        let mut e = self.unexpected();
        e.expected = Some("`,`, `|` or `]`".into());
        if !matches!(self.peek(), Tok::Dot | Tok::End) {
            e.help = Some("list elements are separated by commas".into());
        }
        e
    }

    fn push_item(
        &mut self,
        e: Ex<'a, B::V>,
        items: &mut Vec<B::V>,
        bad: &mut Option<(Span, &'static str)>,
    ) {
        if bad.is_some() {
            return;
        }
        match self.val(e) {
            Ok(v) => items.push(v),
            Err(b) => *bad = Some(b),
        }
    }

    fn lc_exprs(&mut self) -> PResult<()> {
        loop {
            let start = self.pos;
            self.expr()?;
            if self.is("<=") && !self.is_bare_binary(start) {
                return Err(self.unexpected());
            }
            if self.is("<-") || self.is("<=") {
                self.advance();
                self.expr()?;
            }
            if !self.is(",") {
                return Ok(());
            }
            self.advance();
        }
    }

    fn tuple(&mut self) -> PResult<Ex<'a, B::V>> {
        let start = self.span();
        self.advance();
        let mut items = Vec::new();
        let mut bad = None;
        if !self.is("}") {
            loop {
                let e = self.expr()?;
                self.push_item(e, &mut items, &mut bad);
                if self.is(",") {
                    self.advance();
                    if self.is("}") {
                        let mut err = self.unexpected();
                        err.help = Some("remove the trailing comma".into());
                        return Err(err);
                    }
                } else if self.is("}") {
                    break;
                } else {
                    let mut err = self.unexpected();
                    err.expected = Some("`,` or `}`".into());
                    if !matches!(self.peek(), Tok::Dot | Tok::End) {
                        err.help = Some("tuple elements are separated by commas".into());
                    }
                    return Err(err);
                }
            }
        }
        self.advance();
        let sp = start.to(self.prev_span());
        Ok(match bad {
            Some((s, w)) => Ex::Bad(s, w),
            None => Ex::Val(self.b.tuple(items, sp), sp),
        })
    }

    /// `<<...>>`: parsed and evaluated with a term builder (segment values
    /// are needed), then handed to this parser's builder.
    fn binary(&mut self, comprehension: bool) -> PResult<Ex<'a, B::V>> {
        let mut sub = self.term_parser_at(self.pos);
        let r = sub.binary_value(comprehension);
        self.pos = sub.pos;
        match r? {
            Ok((bits, sp)) => Ok(Ex::Val(self.b.bits(bits, sp), sp)),
            Err((sp, w)) => Ok(Ex::Bad(sp, w)),
        }
    }

    /// Whether the tokens from `start` to here are one `<<...>>` and nothing
    /// else: the only left side erl_parse takes for a `<=` generator.
    fn is_bare_binary(&self, start: usize) -> bool {
        if !matches!(self.tok(start).tok, Tok::Punct("<<")) {
            return false;
        }
        let mut sub = self.term_parser_at(start);
        sub.binary_value(false).is_ok() && sub.pos == self.pos
    }

    /// A parser over the same tokens, from `pos`, that builds plain terms
    /// (binary segments need their values).
    fn term_parser_at(&self, pos: usize) -> Parser<'t, 'a, 'o, build::TermBuild> {
        Parser {
            toks: self.toks,
            pos,
            b: build::TermBuild,
            depth: self.depth,
            opts: self.opts,
        }
    }
}

fn bad_term_help(what: &str) -> Option<String> {
    Some(
        match what {
            "a variable" => "a variable cannot appear in a term; quote it ('Name') if you meant an atom, or bind it with ParseOptions::bind",
            "`:=` in a map literal" => "use `=>` in a map literal; `:=` only updates an existing map",
            "a function call" => "terms cannot contain calls; write the value itself",
            "a list comprehension" => "terms cannot contain comprehensions; write the list out",
            _ => return None,
        }
        .to_string(),
    )
}

/// Nesting up to which a term is parsed on the caller's stack.
pub(crate) const INLINE_DEPTH: usize = 48;
/// Stack reserved per nesting level on a helper thread (generous enough
/// for unoptimised builds).
const STACK_PER_LEVEL: usize = 64 << 10;

/// An upper bound on the parser's recursion depth for these tokens:
/// bracket nesting plus every prefix or right-associative operator.
pub(crate) fn nesting_estimate(toks: &[Token<'_>]) -> usize {
    let (mut depth, mut max, mut ops) = (0usize, 0usize, 0usize);
    for t in toks {
        match &t.tok {
            Tok::Punct("(" | "[" | "{" | "<<") => {
                depth += 1;
                max = max.max(depth);
            }
            Tok::Punct(")" | "]" | "}" | ">>") => depth = depth.saturating_sub(1),
            Tok::Punct("-" | "+" | "=" | "!" | "++" | "--" | "#" | ":")
            | Tok::Kw(
                "bnot" | "not" | "catch" | "orelse" | "andalso" | "begin" | "case" | "if" | "try"
                | "receive" | "fun",
            ) => ops += 1,
            _ => {}
        }
    }
    max + ops
}

/// Parses one term's tokens; deeply nested ones on a helper thread with a
/// stack sized for `max_depth`, so no input can overflow the caller's stack.
pub(crate) fn parse_term_tokens<B: Build + Send>(
    toks: &[Token<'_>],
    b: B,
    opts: &ParseOptions,
) -> Result<B::V, Error>
where
    B::V: Send,
{
    let est = nesting_estimate(toks);
    if est <= INLINE_DEPTH {
        return Parser::new(toks, b, opts).term().map_err(|e| *e);
    }
    let levels = est.min(opts.max_depth.saturating_add(2));
    let stack = levels
        .saturating_mul(STACK_PER_LEVEL)
        .saturating_add(1 << 20);
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .stack_size(stack)
            .spawn_scoped(s, move || Parser::new(toks, b, opts).term());
        match handle {
            Ok(h) => match h.join() {
                Ok(r) => r.map_err(|e| *e),
                Err(p) => std::panic::resume_unwind(p),
            },
            Err(e) => Err(Error {
                kind: ErrorKind::Limit(format!(
                    "cannot start a parser thread for a deeply nested term: {e}"
                )),
                span: toks.first().map(|t| t.span).unwrap_or_default(),
                expected: None,
                help: None,
            }),
        }
    })
}

/// What a term-level parse produced.
pub(crate) enum Parsed {
    /// The term sequence ended normally.
    Done,
}

/// Runs the lexer and parser over `text`, handing each value to `sink`.
pub(crate) fn parse_text<B: Build + Send>(
    text: &str,
    poisoned: bool,
    opts: &ParseOptions,
    make: impl FnMut() -> B,
    sink: impl FnMut(B::V),
) -> Result<Parsed, Error>
where
    B::V: Send,
{
    let lexer = Lexer::new(text, poisoned, opts.max_integer_digits);
    parse_from(lexer, text, opts, make, sink)
}

/// Checks the terms of `text` from byte `start` (where a term starts),
/// passing over the ranges `skips` (text already checked: see
/// `fast::stop_point`). Errors are exactly those of [`parse_text`].
pub(crate) fn check_text_from(
    text: &str,
    start: usize,
    skips: Vec<(usize, usize)>,
    opts: &ParseOptions,
) -> Result<Parsed, Error> {
    let before = text.as_bytes().get(..start).unwrap_or_default();
    let line = 1 + memchr::memchr_iter(b'\n', before).count() as u32;
    let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
    let column = 1 + before
        .get(line_start..)
        .unwrap_or_default()
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count() as u32;
    let lexer = Lexer::at(text, start, line, column, opts.max_integer_digits).skipping(skips);
    parse_from(lexer, text, opts, || build::NoBuild, |()| ())
}

fn parse_from<B: Build + Send>(
    mut lexer: Lexer<'_>,
    text: &str,
    opts: &ParseOptions,
    mut make: impl FnMut() -> B,
    mut sink: impl FnMut(B::V),
) -> Result<Parsed, Error>
where
    B::V: Send,
{
    if text.len() > opts.max_input_bytes {
        return Err(Error {
            kind: ErrorKind::Limit(format!(
                "input of {} bytes exceeds {} bytes (ParseOptions::max_input_bytes)",
                text.len(),
                opts.max_input_bytes
            )),
            span: Span::default(),
            expected: None,
            help: None,
        });
    }
    let mut toks: Vec<Token<'_>> = Vec::new();
    while let Some(end) = lexer.next_term(&mut toks)? {
        let v = parse_term_tokens(&toks, make(), opts)?;
        sink(v);
        if end == TermEnd::Eof {
            break;
        }
    }
    Ok(Parsed::Done)
}
