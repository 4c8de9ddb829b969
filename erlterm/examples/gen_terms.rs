//! Writes random term files for differential testing against OTP.
//!
//! `cargo run --example gen_terms -- SEED COUNT DIR` writes `DIR/t_N.txt`
//! (N = 0..COUNT), each holding a few terms written in varied syntax
//! (whitespace, comments, based integers, escapes, binaries, parentheses,
//! unary signs). About one file in eight is mutated (a byte deleted,
//! duplicated or replaced) to exercise error paths. One term in four is an
//! Erlang expression instead (calls, operators, funs, `case`, `try`,
//! comprehensions, records, clause heads that may or may not be patterns),
//! half of them with a token deleted, doubled or replaced: those are not
//! terms, and what is compared is where and how OTP's parser rejects them.

use std::fmt::Write;

/// xorshift64*: deterministic per seed, no dependencies.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

fn ws(r: &mut Rng, out: &mut String) {
    match r.below(12) {
        0 => out.push_str("\n  "),
        1 => out.push_str(" % comment ,.{\n"),
        2 => out.push('\t'),
        3 => out.push('\u{A0}'),
        4 => out.push(' '),
        _ => {}
    }
}

fn atom(r: &mut Rng, out: &mut String) {
    let xs = [
        "a",
        "ok",
        "'B c'",
        "'if'",
        "maybe",
        "else",
        "été",
        "ß",
        "'\\x{1F600}'",
        "'\\n\\t'",
        "a_B1@x",
        "''",
        "'\\''",
        "'hello world'",
        "true",
        "'\\^A'",
        "'é\\x{9f}'",
        "nil",
        "'a\\\\b'",
        "z9",
    ];
    out.push_str(r.pick(&xs));
}

fn number(r: &mut Rng, out: &mut String) {
    let sign = r.pick(&["", "", "-", "+", "- "]);
    out.push_str(sign);
    match r.below(9) {
        0 => write!(out, "{}", r.below(1000)).ok(),
        1 => write!(out, "{}{}", r.next(), r.next()).ok(),
        2 => write!(out, "16#{:x}", r.next()).ok(),
        3 => write!(
            out,
            "{}#{}",
            2 + r.below(35),
            r.pick(&["1", "10", "z", "Zz", "1_0"])
        )
        .ok(),
        4 => write!(
            out,
            "{}.{}e{}{}",
            r.below(100),
            r.below(1000),
            r.pick(&["", "-", "+"]),
            r.below(330)
        )
        .ok(),
        5 => write!(out, "{}.{}", r.below(100_000), r.below(100_000)).ok(),
        6 => write!(
            out,
            "${}",
            r.pick(&["a", "\\n", "\\s", " ", "\\x{41}", "\\101", "é", "\\^a", "%", "\\z"])
        )
        .ok(),
        7 => write!(out, "1_000_{:03}", r.below(1000)).ok(),
        _ => write!(out, "({})", r.below(50)).ok(),
    };
}

fn string(r: &mut Rng, out: &mut String) {
    let parts = [
        "\"abc\"",
        "\"\"",
        "\"a\\nb\"",
        "\"\\x{1F600}\"",
        "\"é\"",
        "\"\\101\\7\"",
        "\"tab\\t\"",
        "\"q\\\"\"",
        "\"\\^z\"",
        "\"a\" \"b\"",
        "\"multi\nline\"",
    ];
    out.push_str(r.pick(&parts));
}

fn binary(r: &mut Rng, out: &mut String) {
    let segs = [
        "1",
        "255",
        "256",
        "-1",
        "1:4",
        "7:3",
        "\"ab\"",
        "\"é\"/utf8",
        "$a/utf16",
        "1:16/little",
        "1.5/float",
        "1.5:32/float",
        "2:16/big-signed",
        "<<1,2>>/binary",
        "16#abc:12/little",
        "\"ab\":16",
        "0:0",
        "<<1:4>>/bits",
        "1/unit:8",
        "x",
        "1:(8)",
        "$\\x{1F600}/utf32-little",
    ];
    out.push_str("<<");
    let n = r.below(4);
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        out.push_str(r.pick(&segs));
    }
    out.push_str(">>");
}

fn term(r: &mut Rng, out: &mut String, depth: u32) {
    ws(r, out);
    let k = if depth == 0 { r.below(5) } else { r.below(11) };
    match k {
        0 => atom(r, out),
        1 | 2 => number(r, out),
        3 => string(r, out),
        4 => binary(r, out),
        5 | 6 => seq(r, out, depth, "[", "]"),
        7 | 8 => seq(r, out, depth, "{", "}"),
        9 => {
            out.push_str("#{");
            let n = r.below(4);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                term(r, out, depth - 1);
                out.push_str(" => ");
                term(r, out, depth - 1);
            }
            out.push('}');
        }
        _ => {
            let xs = [
                "fun m:f/1",
                "fun 'a b':'c d'/0",
                "fun erlang:'if'/16#2",
                "(x)",
                "((\"s\"))",
            ];
            out.push_str(r.pick(&xs));
        }
    }
    ws(r, out);
}

/// Tokens of a random Erlang expression, joined with spaces or newlines.
struct Expr<'r> {
    r: &'r mut Rng,
    toks: Vec<String>,
}

const OPS: &[&str] = &[
    "=", "!", "orelse", "andalso", "==", "/=", "=<", "<", ">=", ">", "=:=", "=/=", "++", "--", "+",
    "-", "bor", "bxor", "bsl", "bsr", "or", "xor", "*", "/", "div", "rem", "band", "and",
];
const PAT_OPS: &[&str] = &[
    "=", "==", "<", "++", "--", "+", "-", "*", "band", "!", "andalso",
];
const NOISE: &[&str] = &[
    ",", ";", "->", "(", ")", "[", "]", "{", "}", "<<", ">>", "|", "||", "#", ".", ":", "::", "=",
    "<-", "<=", "=>", ":=", "end", "of", "when", "fun", "catch", "after", "X", "a", "1",
];

impl Expr<'_> {
    fn push(&mut self, t: &str) {
        self.toks.push(t.to_string());
    }

    /// `n` items written by `item`, with `sep` between them.
    fn separated(&mut self, n: u64, sep: &str, mut item: impl FnMut(&mut Self)) {
        for i in 0..n {
            if i > 0 {
                self.push(sep);
            }
            item(self);
        }
    }

    fn leaf(&mut self) {
        let mut s = String::new();
        match self.r.below(6) {
            0 => atom(self.r, &mut s),
            1 => number(self.r, &mut s),
            2 => string(self.r, &mut s),
            _ => s.push_str(self.r.pick(&["X", "_", "Foo", "_Y", "M", "F"])),
        }
        self.toks.push(s);
    }

    fn expr(&mut self, d: u32) {
        if d == 0 {
            return self.leaf();
        }
        match self.r.below(22) {
            0..=2 => self.leaf(),
            3 => {
                self.expr(d - 1);
                let op = self.r.pick(OPS);
                self.push(op);
                self.expr(d - 1);
            }
            4 => {
                let op = self.r.pick(&["-", "+", "not", "bnot", "catch"]);
                self.push(op);
                self.expr(d - 1);
            }
            5 => {
                match self.r.below(3) {
                    0 => self.push("f"),
                    1 => self.toks.extend(["m", ":", "f"].map(String::from)),
                    _ => self.push("X"),
                }
                self.args(d - 1, false);
            }
            6 => {
                self.push("fun");
                let named = self.r.below(3) == 0;
                self.clauses(d - 1, |e, d| {
                    if named {
                        e.push("F");
                    }
                    e.args(d, true);
                });
                self.push("end");
            }
            7 => match self.r.below(2) {
                0 => self.toks.extend(["fun", "f", "/", "1"].map(String::from)),
                _ => self
                    .toks
                    .extend(["fun", "m", ":", "f", "/", "2"].map(String::from)),
            },
            8 => {
                self.push("case");
                self.expr(d - 1);
                self.push("of");
                self.clauses(d - 1, |e, d| e.pat(d));
                self.push("end");
            }
            9 => {
                self.push("if");
                self.clauses(d - 1, |e, d| e.exprs(d));
                self.push("end");
            }
            10 => {
                self.push("receive");
                self.clauses(d - 1, |e, d| e.pat(d));
                if self.r.below(2) == 0 {
                    self.push("after");
                    self.expr(d - 1);
                    self.push("->");
                    self.exprs(d - 1);
                }
                self.push("end");
            }
            11 => self.try_expr(d - 1),
            12 => {
                self.push("begin");
                self.exprs(d - 1);
                self.push("end");
            }
            13 | 14 => {
                let (open, close) = if self.r.below(2) == 0 {
                    ("[", "]")
                } else {
                    ("<<", ">>")
                };
                self.push(open);
                self.expr(d - 1);
                self.push("||");
                self.quals(d - 1);
                self.push(close);
            }
            15 => match self.r.below(4) {
                0 => self.record(d - 1),
                1 => {
                    self.expr(d - 1);
                    self.toks.extend(["#", "r", ".", "a"].map(String::from));
                }
                2 => self.toks.extend(["#", "r", ".", "a"].map(String::from)),
                _ => {
                    self.expr(d - 1);
                    self.record(d - 1);
                }
            },
            16 => {
                if self.r.below(2) == 0 {
                    self.expr(d - 1);
                }
                self.map(d - 1, false);
            }
            17 => self.seq(d - 1, "[", "]", false),
            18 => self.seq(d - 1, "{", "}", false),
            19 => self.bin(d - 1, false),
            _ => {
                self.push("(");
                self.expr(d - 1);
                self.push(")");
            }
        }
    }

    /// A clause head: a pattern, or now and then any expression.
    fn pat(&mut self, d: u32) {
        if d == 0 || self.r.below(10) == 0 {
            return self.expr(d);
        }
        match self.r.below(10) {
            0..=3 => self.leaf(),
            4 => {
                self.pat(d - 1);
                let op = self.r.pick(PAT_OPS);
                self.push(op);
                self.pat(d - 1);
            }
            5 => self.seq(d - 1, "[", "]", true),
            6 => self.seq(d - 1, "{", "}", true),
            7 => self.map(d - 1, true),
            8 => self.record(d - 1),
            _ => self.bin(d - 1, true),
        }
    }

    fn part(&mut self, d: u32, pattern: bool) {
        if pattern {
            self.pat(d)
        } else {
            self.expr(d)
        }
    }

    fn exprs(&mut self, d: u32) {
        let n = 1 + self.r.below(2);
        self.separated(n, ",", |e| {
            e.expr(d);
        });
    }

    fn args(&mut self, d: u32, pattern: bool) {
        self.push("(");
        let n = self.r.below(3);
        self.separated(n, ",", |e| {
            e.part(d, pattern);
        });
        self.push(")");
    }

    /// `Head [when Guard] -> Body; ...`
    fn clauses(&mut self, d: u32, head: impl Fn(&mut Self, u32)) {
        let n = 1 + self.r.below(3);
        self.separated(n, ";", |e| {
            head(e, d);
            if e.r.below(3) == 0 {
                e.push("when");
                e.exprs(d);
            }
            e.push("->");
            e.exprs(d);
        });
    }

    fn try_expr(&mut self, d: u32) {
        self.push("try");
        self.exprs(d);
        if self.r.below(3) == 0 {
            self.push("of");
            self.clauses(d, |e, d| e.pat(d));
        }
        let catch = self.r.below(4) != 0;
        if catch {
            self.push("catch");
            self.clauses(d, |e, d| {
                if e.r.below(2) == 0 {
                    let class = e.r.pick(&["error", "throw", "C", "_"]);
                    e.push(class);
                    e.push(":");
                }
                e.pat(d);
                if e.r.below(4) == 0 {
                    e.push(":");
                    let st = e.r.pick(&["S", "_", "s"]);
                    e.push(st);
                }
            });
        }
        if !catch || self.r.below(3) == 0 {
            self.push("after");
            self.exprs(d);
        }
        self.push("end");
    }

    fn quals(&mut self, d: u32) {
        let n = 1 + self.r.below(2);
        self.separated(n, ",", |e| match e.r.below(3) {
            0 => {
                e.pat(d);
                e.push("<-");
                e.expr(d);
            }
            1 => {
                e.bin(d, true);
                e.push("<=");
                e.expr(d);
            }
            _ => e.expr(d),
        });
    }

    fn record(&mut self, d: u32) {
        self.toks.extend(["#", "r", "{"].map(String::from));
        let n = self.r.below(3);
        self.separated(n, ",", |e| {
            let f = e.r.pick(&["a", "b", "_"]);
            e.push(f);
            e.push("=");
            e.expr(d);
        });
        self.push("}");
    }

    fn map(&mut self, d: u32, pattern: bool) {
        self.toks.extend(["#", "{"].map(String::from));
        let n = self.r.below(3);
        self.separated(n, ",", |e| {
            e.expr(d);
            let op = if pattern || e.r.below(3) == 0 {
                ":="
            } else {
                "=>"
            };
            e.push(op);
            e.part(d, pattern);
        });
        self.push("}");
    }

    fn seq(&mut self, d: u32, open: &str, close: &str, pattern: bool) {
        self.push(open);
        let n = self.r.below(3);
        self.separated(n, ",", |e| {
            e.part(d, pattern);
        });
        if open == "[" && n > 0 && self.r.below(3) == 0 {
            self.push("|");
            self.part(d, pattern);
        }
        self.push(close);
    }

    fn bin(&mut self, d: u32, pattern: bool) {
        self.push("<<");
        let n = self.r.below(3);
        self.separated(n, ",", |e| {
            e.part(d.min(1), pattern);
            if e.r.below(2) == 0 {
                e.push(":");
                let size = e.r.pick(&["8", "N", "(4)"]);
                e.push(size);
            }
            if e.r.below(3) == 0 {
                e.push("/");
                let ty = e.r.pick(&["binary", "little-integer", "utf8", "unit:8"]);
                e.push(ty);
            }
        });
        self.push(">>");
    }

    /// Deletes, doubles or replaces one token.
    fn mutate(&mut self) {
        if self.toks.is_empty() {
            return;
        }
        let i = self.r.below(self.toks.len() as u64) as usize;
        match self.r.below(3) {
            0 => {
                self.toks.remove(i);
            }
            1 => self.toks.insert(i, self.toks[i].clone()),
            _ => self.toks[i] = self.r.pick(NOISE).to_string(),
        }
    }

    fn write(self, out: &mut String) {
        for t in &self.toks {
            out.push_str(t);
            out.push(if self.r.below(8) == 0 { '\n' } else { ' ' });
        }
    }
}

fn expression(r: &mut Rng, out: &mut String) {
    let mut e = Expr {
        r,
        toks: Vec::new(),
    };
    e.expr(4);
    if e.r.below(2) == 0 {
        e.mutate();
    }
    e.write(out);
}

fn seq(r: &mut Rng, out: &mut String, depth: u32, open: &str, close: &str) {
    out.push_str(open);
    let n = r.below(5);
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        term(r, out, depth - 1);
    }
    if open == "[" && n > 0 && r.below(4) == 0 {
        out.push('|');
        term(r, out, depth - 1);
    }
    out.push_str(close);
}

fn mutate(r: &mut Rng, s: String) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return s;
    }
    let i = r.below(chars.len() as u64) as usize;
    match r.below(3) {
        0 => {
            chars.remove(i);
        }
        1 => chars.insert(i, chars[i]),
        _ => {
            chars[i] = r
                .pick(&[",", "X", "|", "'", "\"", "(", "}", " ", "."])
                .chars()
                .next()
                .unwrap_or(' ')
        }
    }
    chars.into_iter().collect()
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let seed: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let count: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100);
    let dir = args.get(3).cloned().unwrap_or_else(|| "gen".into());
    std::fs::create_dir_all(&dir)?;
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    for n in 0..count {
        let mut out = String::new();
        for _ in 0..1 + r.below(3) {
            if r.below(4) == 0 {
                expression(&mut r, &mut out);
            } else {
                term(&mut r, &mut out, 4);
            }
            out.push_str(".\n");
        }
        if r.below(8) == 0 {
            out = mutate(&mut r, out);
        }
        std::fs::write(format!("{dir}/t_{n}.txt"), out)?;
    }
    Ok(())
}
