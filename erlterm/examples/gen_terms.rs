//! Writes random term files for differential testing against OTP.
//!
//! `cargo run --example gen_terms -- SEED COUNT DIR` writes `DIR/t_N.txt`
//! (N = 0..COUNT), each holding a few terms written in varied syntax
//! (whitespace, comments, based integers, escapes, binaries, parentheses,
//! unary signs). About one file in eight is mutated (a byte deleted,
//! duplicated or replaced) to exercise error paths.

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
            term(&mut r, &mut out, 4);
            out.push_str(".\n");
        }
        if r.below(8) == 0 {
            out = mutate(&mut r, out);
        }
        std::fs::write(format!("{dir}/t_{n}.txt"), out)?;
    }
    Ok(())
}
