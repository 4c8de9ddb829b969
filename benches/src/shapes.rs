//! Input shapes with every construct real Erlang term files have, each as an
//! Erlang term file, its JSON twin and the typed Rust model both parse into.
//!
//! | shape | what it is |
//! |---|---|
//! | `config` | `sys.config`-like proplists nested 3-5 deep, with based, negative and separated integers, floats with exponents, char literals, escapes in strings and quoted atoms, adjacent strings, binaries with segments, bitstrings, maps with atom and binary keys, funs, long strings, unicode and comments |
//! | `appup` | `{Vsn, [{UpFrom, Instrs}], [{DownTo, Instrs}]}`, regex version binaries, instructions as tagged tuples, comments |
//! | `numbers` | lists of mixed integers (small, beyond 2^64, based, negative, `1_000_000`) and floats |
//! | `strings` | lists of strings with and without escapes, unicode, adjacent literals, some binaries |
//! | `deep` | chains of `{atom, Int, [...]}` nested 101-125 containers deep |
//! | `plain` | [`crate::config_like`]: literal-only proplists (the shape of the older benchmarks) |
//!
//! Each document has three texts: the Erlang file; its JSON twin, the same
//! data with tuples and lists (proplists included) as arrays, atoms, strings
//! and text binaries as strings, maps as objects, based integers and chars
//! as numbers, binaries written with integer segments and bitstrings as
//! arrays of their bytes (a bitstring's last, partial, byte as a number);
//! and a *typed* JSON twin, which differs only where JSON has its own idiom
//! for what serde expects: a proplist that the typed model reads as a
//! struct is an object (`{"port": 8080}` for `[{port, 8080}]`), a tagged
//! tuple that it reads as an enum is serde's externally tagged form
//! (`{"update": ["m", "soft"]}` for `{update, m, soft}`). The typed model
//! (`ConfigFile`, `AppupFile`, ...) is one Rust type for both sides; the
//! parts with no typed counterpart (bitstrings, funs, the free-form values
//! of `plain`) are its `Raw` parameter: [`erlterm::Term`] on the Erlang side,
//! [`serde_json::Value`] on the JSON side.
//!
//! Nesting stays within every default bound on both sides: serde_json's
//! recursion limit (128) and erlterm's serde depth (128); the `deep` shape
//! is therefore 101-125 containers deep, not 300.

use crate::{config_like, Doc, Rng};
use serde::Deserialize;
use std::collections::HashMap;

/// The shapes, in the order the reports list them before sorting.
pub const SHAPES: &[&str] = &["config", "appup", "numbers", "strings", "deep", "plain"];

/// Files of one construct each, to show what each costs on its own (a
/// mixed shape averages a slow construct away): lists of 10 to 60 values
/// of that construct only. Typed, the numbers read as `f64` and the others
/// as `String`.
pub const CONSTRUCTS: &[&str] = &[
    "c_ints",
    "c_negative",
    "c_based",
    "c_separated",
    "c_bignums",
    "c_floats",
    "c_chars",
    "c_escapes",
    "c_quoted_atoms",
    "c_text_binaries",
];

/// The seed of each shape's generator (none of them is one of the older
/// benchmarks' seeds, 7 and 11).
pub fn seed(shape: &str) -> u64 {
    match shape {
        "config" => 0x5eed_c0f1,
        "appup" => 0x5eed_a99a,
        "numbers" => 0x5eed_0123,
        "strings" => 0x5eed_57a1,
        "deep" => 0x5eed_dee9,
        c if c.starts_with("c_") => 0x5eed_c0c0 ^ c.len() as u64,
        _ => 0x5eed_91a1,
    }
}

/// The three texts of one generated input.
pub struct ShapeInput {
    /// The Erlang term file (one term and its dot).
    pub erl: String,
    /// The JSON twin (proplists and tuples as arrays).
    pub json: String,
    /// The typed JSON twin (proplists read as structs as objects, tagged
    /// tuples read as enums in serde's externally tagged form).
    pub typed_json: String,
}

/// The document of `shape` of about `bytes` bytes of Erlang text, or `None`
/// for an unknown shape.
pub fn shape_doc(shape: &str, bytes: usize) -> Option<Doc> {
    let mut r = Rng::new(seed(shape));
    Some(match shape {
        "config" => config_shape(&mut r, bytes),
        "appup" => appup_shape(&mut r, bytes),
        "numbers" => numbers_shape(&mut r, bytes),
        "strings" => strings_shape(&mut r, bytes),
        "deep" => deep_shape(&mut r, bytes),
        "plain" => config_like(bytes, seed(shape)),
        _ => construct_shape(&mut r, shape, bytes)?,
    })
}

/// One value of the construct `name` (of [`CONSTRUCTS`]).
fn construct(r: &mut Rng, name: &str) -> Option<Doc> {
    Some(match name {
        "c_ints" => Doc::Int(r.below(1000) as i64),
        "c_negative" => negative_int(r),
        "c_based" => {
            let base = *pick(r, &[2u64, 8, 16, 16, 16, 36]);
            let bits = 8 + r.below(32);
            let v = r.below(1 << bits);
            based_int(r, v, base)
        }
        "c_separated" => separated_int(r),
        "c_bignums" => big_decimal(r),
        "c_floats" => match r.below(3) {
            0 => exp_float(r),
            1 => negative_float(r),
            _ => Doc::Float((r.below(1_000_000) as f64) / 1000.0),
        },
        "c_chars" => char_literal(r),
        "c_escapes" => {
            let words = 1 + r.below(6) as usize;
            escaped_string(r, words)
        }
        "c_quoted_atoms" => quoted_atom(pick::<&str>(r, QUOTED_ATOMS)),
        "c_text_binaries" => text_binary(r),
        _ => return None,
    })
}

/// A file of lists of one construct (see [`CONSTRUCTS`]).
fn construct_shape(r: &mut Rng, name: &str, bytes: usize) -> Option<Doc> {
    let mut lists = Vec::new();
    let mut size = 0;
    while size < bytes {
        let items = (0..10 + r.below(50))
            .map(|_| construct(r, name))
            .collect::<Option<Vec<_>>>()?;
        let list = Doc::List(items);
        size += crate::to_erlang(&list).len() + 3;
        lists.push(list);
    }
    Some(Doc::List(lists))
}

/// The three texts of `shape` at about `bytes` bytes of Erlang text.
pub fn shape_input(shape: &str, bytes: usize) -> Option<ShapeInput> {
    let doc = shape_doc(shape, bytes)?;
    Some(ShapeInput {
        erl: crate::to_erlang_file(&doc),
        json: crate::to_json(&doc),
        typed_json: crate::to_typed_json(&doc),
    })
}

// ---------------------------------------------------------------------
// Typed models
// ---------------------------------------------------------------------

/// The `config` shape: `[{AppName, Env}]`.
pub type ConfigFile<Raw> = Vec<(String, AppEnv<Raw>)>;

/// A logger level (an atom; a JSON string).
#[derive(Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Level {
    Debug,
    Info,
    Notice,
    Warning,
    Error,
    Critical,
}

/// One application's environment in the `config` shape.
#[derive(Deserialize, Debug)]
pub struct AppEnv<Raw> {
    /// A based integer (`16#1F90`).
    pub port: i64,
    /// A binary integer (`2#1010`).
    pub mask: i64,
    /// A base-36 integer (`36#zz`).
    pub id: i64,
    /// A negative integer, sometimes with a space (`- 5`).
    pub offset: i64,
    /// A separated integer (`1_000_000`).
    pub budget: i64,
    /// A negative float (`- 3.5`).
    pub delta: f64,
    /// A float with an exponent (`1.5e-3`).
    pub ratio: f64,
    /// A float with an upper-case exponent (`2.0E10`).
    pub limit: f64,
    /// A char literal (`$a`, `$\n`, `$\s`, `$\x{41}`).
    pub sep: u32,
    /// A string with escapes, sometimes adjacent literals.
    pub name: String,
    /// A quoted atom (`'Elixir.Foo'`, `'with space'`, `'a\'b'`).
    pub module: String,
    /// An atom read as an enum.
    pub level: Level,
    /// Unicode strings.
    pub hosts: Vec<String>,
    /// A binary written with integer segments (`<<1,2,3>>`,
    /// `<<16#ff:16/big>>`).
    pub key: Vec<u8>,
    /// A text binary (`<<"text">>`, `<<"é"/utf8>>`).
    pub label: String,
    /// A bitstring (`<<1:4>>`): no typed counterpart.
    pub flags: Raw,
    /// A map with atom keys.
    pub limits: HashMap<String, i64>,
    /// A map with binary keys.
    pub headers: HashMap<String, String>,
    /// Proplists nested further.
    pub handlers: Vec<Handler<Raw>>,
    /// A long string (a few KB), in some applications only.
    #[serde(default)]
    pub banner: Option<String>,
}

/// A logger handler of the `config` shape.
#[derive(Deserialize, Debug)]
pub struct Handler<Raw> {
    /// Handler id (an atom).
    pub id: String,
    /// Handler module (an atom, sometimes quoted).
    pub module: String,
    /// Level.
    pub level: Level,
    /// A nested proplist.
    pub config: HandlerConfig,
    /// `{Name, {fun M:F/2, Action}}`: the fun has no typed counterpart.
    pub filters: Vec<(String, (Raw, String))>,
    /// `{Module, #{...}}`: a struct read from a map.
    pub formatter: (String, FormatterOpts),
}

/// A handler's `config` proplist.
#[derive(Deserialize, Debug)]
pub struct HandlerConfig {
    /// `{type, standard_io}` or `{type, file}`.
    #[serde(rename = "type")]
    pub kind: String,
    /// An integer.
    pub sync_mode_qlen: i64,
    /// A path.
    pub file: String,
    /// A separated integer.
    pub max_no_bytes: i64,
    /// A float.
    pub burst_limit: f64,
}

/// A formatter's options: a struct written as a map with atom keys.
#[derive(Deserialize, Debug)]
pub struct FormatterOpts {
    /// A boolean atom.
    pub single_line: bool,
    /// Atoms and strings, as strings.
    pub template: Vec<String>,
    /// A based integer.
    pub max_size: i64,
}

/// The `appup` shape: `{Vsn, [{From, Instrs}], [{To, Instrs}]}`.
pub type AppupFile = (String, Vec<(String, Vec<Instr>)>, Vec<(String, Vec<Instr>)>);

/// An appup instruction: a tagged tuple.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Instr {
    LoadModule(String),
    AddModule(String),
    DeleteModule(String),
    Update(String, Change),
    Apply((String, String, Vec<String>)),
    RestartApplication(String),
}

/// The change of an `update` instruction.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Change {
    Soft,
    Supervisor,
    Advanced(Vec<String>),
}

/// The `numbers` shape: lists of numbers, every one read as `f64`
/// (integers beyond 2^64 included, on both sides).
pub type NumbersFile = Vec<Vec<f64>>;

/// The `strings` shape.
pub type StringsFile = Vec<String>;

/// One level of the `deep` shape: `{Atom, Int, [Level]}`.
#[derive(Deserialize, Debug)]
pub struct DeepLevel(pub String, pub i64, pub Vec<DeepLevel>);

/// The `deep` shape.
pub type DeepFile = Vec<DeepLevel>;

/// The `plain` shape: `[{App, [{Key, Value}]}]` with free-form values.
pub type PlainFile<Raw> = Vec<(String, Vec<(String, Raw)>)>;

/// Whether the construct file `shape` holds text (read typed as strings).
fn construct_is_text(shape: &str) -> bool {
    matches!(shape, "c_escapes" | "c_quoted_atoms" | "c_text_binaries")
}

/// Deserializes the Erlang text of `shape` into its typed model with
/// [`erlterm::from_str`]; returns the number of top-level elements.
pub fn typed_erlterm(shape: &str, text: &str) -> Result<usize, String> {
    use erlterm::Term;
    let n = match shape {
        "config" => erlterm::from_str::<ConfigFile<Term>>(text).map(|v| v.len()),
        "appup" => erlterm::from_str::<AppupFile>(text).map(|v| v.1.len()),
        "numbers" => erlterm::from_str::<NumbersFile>(text).map(|v| v.len()),
        "strings" => erlterm::from_str::<StringsFile>(text).map(|v| v.len()),
        "deep" => erlterm::from_str::<DeepFile>(text).map(|v| v.len()),
        "plain" => erlterm::from_str::<PlainFile<Term>>(text).map(|v| v.len()),
        c if construct_is_text(c) => erlterm::from_str::<Vec<Vec<String>>>(text).map(|v| v.len()),
        c if c.starts_with("c_") => erlterm::from_str::<NumbersFile>(text).map(|v| v.len()),
        _ => return Err(format!("unknown shape {shape}")),
    };
    n.map_err(|e| e.to_string())
}

/// Deserializes the typed JSON twin of `shape` into its typed model with
/// `serde_json::from_str`; returns the number of top-level elements.
pub fn typed_json(shape: &str, text: &str) -> Result<usize, String> {
    use serde_json::Value;
    let n = match shape {
        "config" => serde_json::from_str::<ConfigFile<Value>>(text).map(|v| v.len()),
        "appup" => serde_json::from_str::<AppupFile>(text).map(|v| v.1.len()),
        "numbers" => serde_json::from_str::<NumbersFile>(text).map(|v| v.len()),
        "strings" => serde_json::from_str::<StringsFile>(text).map(|v| v.len()),
        "deep" => serde_json::from_str::<DeepFile>(text).map(|v| v.len()),
        "plain" => serde_json::from_str::<PlainFile<Value>>(text).map(|v| v.len()),
        c if construct_is_text(c) => {
            serde_json::from_str::<Vec<Vec<String>>>(text).map(|v| v.len())
        }
        c if c.starts_with("c_") => serde_json::from_str::<NumbersFile>(text).map(|v| v.len()),
        _ => return Err(format!("unknown shape {shape}")),
    };
    n.map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------
// Pieces
// ---------------------------------------------------------------------

fn pick<'a, T>(r: &mut Rng, items: &'a [T]) -> &'a T {
    &items[r.below(items.len() as u64) as usize]
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn raw(erl: impl Into<String>, json: impl Into<String>) -> Doc {
    Doc::Raw {
        erl: erl.into(),
        json: json.into(),
    }
}

/// An atom written with quotes (escaping `'` and `\`).
pub fn quoted_atom(name: &str) -> Doc {
    let mut erl = String::from("'");
    for c in name.chars() {
        match c {
            '\'' => erl.push_str("\\'"),
            '\\' => erl.push_str("\\\\"),
            c => erl.push(c),
        }
    }
    erl.push('\'');
    raw(erl, json_str(name))
}

const QUOTED_ATOMS: &[&str] = &[
    "Elixir.Foo",
    "Elixir.Shop.Cart",
    "with space",
    "a'b",
    "hello-world",
    "Ünïcödé",
    "42",
    "back\\slash",
    "CamelCase",
];

const UNICODE: &[&str] = &[
    "héllo",
    "wörld",
    "naïve café",
    "日本語のテキスト",
    "Ελληνικά",
    "✓ ok",
    "Ünïcödé",
    "emoji 🚀",
    "Zürich",
    "Ωmega",
];

/// Escapes of string literals: (Erlang text, decoded).
const ESCAPES: &[(&str, &str)] = &[
    ("\\t", "\t"),
    ("\\n", "\n"),
    ("\\x{e9}", "é"),
    ("\\101", "A"),
    ("\\\"", "\""),
    ("\\\\", "\\"),
    ("\\s", " "),
    ("\\x{1F680}", "🚀"),
    ("\\e", "\u{1b}"),
    ("\\r", "\r"),
    ("\\^A", "\u{1}"),
    ("\\x41", "A"),
    ("\\'", "'"),
];

/// A string literal of `words` pieces: ASCII words, unicode words and,
/// with `escapes`, escapes; returns (Erlang text without quotes, decoded).
fn string_body(r: &mut Rng, words: usize, escapes: bool) -> (String, String) {
    let mut erl = String::new();
    let mut dec = String::new();
    for i in 0..words {
        if i > 0 {
            erl.push(' ');
            dec.push(' ');
        }
        match r.below(if escapes { 4 } else { 3 }) {
            0 | 1 => {
                let w = crate::WORDS[r.below(crate::WORDS.len() as u64) as usize];
                erl.push_str(w);
                dec.push_str(w);
            }
            2 => {
                let w = pick(r, UNICODE);
                erl.push_str(w);
                dec.push_str(w);
            }
            _ => {
                let (e, d) = pick(r, ESCAPES);
                erl.push_str(e);
                dec.push_str(d);
            }
        }
    }
    (erl, dec)
}

/// A string literal with escapes; sometimes two adjacent literals.
fn escaped_string(r: &mut Rng, words: usize) -> Doc {
    let (e1, d1) = string_body(r, words, true);
    if r.below(4) == 0 {
        let (e2, d2) = string_body(r, 1 + words / 2, true);
        raw(format!("\"{e1}\" \"{e2}\""), json_str(&(d1 + &d2)))
    } else {
        raw(format!("\"{e1}\""), json_str(&d1))
    }
}

fn plain_string(r: &mut Rng, words: usize) -> Doc {
    let (e, d) = string_body(r, words, false);
    raw(format!("\"{e}\""), json_str(&d))
}

/// A long string (a few KB), with escapes and raw newlines.
fn long_string(r: &mut Rng) -> Doc {
    let mut erl = String::from("\"");
    let mut dec = String::new();
    let target = 2000 + r.below(4000) as usize;
    while dec.len() < target {
        let (e, d) = string_body(r, 8, true);
        erl.push_str(&e);
        dec.push_str(&d);
        if r.below(3) == 0 {
            erl.push('\n');
            dec.push('\n');
        } else {
            erl.push(' ');
            dec.push(' ');
        }
    }
    erl.push('"');
    raw(erl, json_str(&dec))
}

fn digits_in(mut v: u64, base: u64, upper: bool) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    if v == 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while v > 0 {
        let d = DIGITS[(v % base) as usize];
        out.push(if upper { d.to_ascii_uppercase() } else { d });
        v /= base;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A based integer `B#digits` of `v` (sometimes negative).
fn based_int(r: &mut Rng, v: u64, base: u64) -> Doc {
    let neg = r.below(6) == 0;
    let text = format!(
        "{}{base}#{}",
        if neg { "-" } else { "" },
        digits_in(v, base, r.below(2) == 0)
    );
    let value = if neg { -(v as i128) } else { v as i128 };
    raw(text, value.to_string())
}

/// A decimal integer with `_` between groups of three digits.
fn separated(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(c);
    }
    out
}

fn negative_int(r: &mut Rng) -> Doc {
    let v = 1 + r.below(10_000);
    let space = if r.below(3) == 0 { " " } else { "" };
    raw(format!("-{space}{v}"), format!("-{v}"))
}

/// A float with an exponent (`1.5e-3`, `2.0E10`), the same text in JSON.
fn exp_float(r: &mut Rng) -> Doc {
    let e = if r.below(2) == 0 { 'e' } else { 'E' };
    let sign = match r.below(3) {
        0 => "-",
        1 => "+",
        _ => "",
    };
    let text = format!("{}.{}{e}{sign}{}", r.below(10), r.below(1000), r.below(30));
    raw(text.clone(), text)
}

fn negative_float(r: &mut Rng) -> Doc {
    let text = format!("{}.{}", r.below(1000), r.below(100));
    let space = if r.below(2) == 0 { " " } else { "" };
    raw(format!("-{space}{text}"), format!("-{text}"))
}

/// Char literals: (Erlang text, code point).
const CHARS: &[(&str, u32)] = &[
    ("$a", 97),
    ("$\\n", 10),
    ("$\\s", 32),
    ("$\\x{41}", 65),
    ("$é", 233),
    ("$\\\\", 92),
    ("$\\t", 9),
    ("$\\x{263A}", 0x263A),
    ("$Z", 90),
    ("$\\101", 65),
];

fn char_literal(r: &mut Rng) -> Doc {
    let (e, v) = pick(r, CHARS);
    raw(*e, v.to_string())
}

/// A binary written with integer segments, and its bytes.
fn byte_binary(r: &mut Rng) -> Doc {
    match r.below(4) {
        0 => {
            let bytes: Vec<u8> = (0..1 + r.below(8)).map(|_| r.below(256) as u8).collect();
            let items: Vec<String> = bytes.iter().map(u8::to_string).collect();
            raw(
                format!("<<{}>>", items.join(",")),
                format!("[{}]", items.join(",")),
            )
        }
        1 => {
            let v = r.below(65536);
            raw(
                format!("<<16#{}:16/big>>", digits_in(v, 16, false)),
                format!("[{},{}]", v >> 8, v & 255),
            )
        }
        2 => {
            let v = r.below(1 << 32);
            raw(
                format!("<<{v}:32/little, 0>>"),
                format!(
                    "[{},{},{},{},0]",
                    v & 255,
                    (v >> 8) & 255,
                    (v >> 16) & 255,
                    v >> 24
                ),
            )
        }
        _ => {
            let a = r.below(256);
            raw(format!("<<{a}, 2#1111:4, 0:4>>"), format!("[{a},240]"))
        }
    }
}

/// A text binary (`<<"text">>`, `<<"é"/utf8>>`), a string in JSON.
fn text_binary(r: &mut Rng) -> Doc {
    if r.below(2) == 0 {
        let w = format!("{}-{}", pick(r, crate::WORDS), r.below(1000));
        raw(format!("<<\"{w}\">>"), json_str(&w))
    } else {
        let w = pick(r, UNICODE);
        raw(format!("<<\"{w}\"/utf8>>"), json_str(w))
    }
}

/// A bitstring whose size is not a multiple of 8.
fn bitstring(r: &mut Rng) -> Doc {
    match r.below(3) {
        0 => {
            let v = r.below(16);
            raw(format!("<<{v}:4>>"), format!("[{v}]"))
        }
        1 => {
            let (a, b) = (r.below(256), r.below(8));
            raw(format!("<<{a}, {b}:3>>"), format!("[{a},{b}]"))
        }
        _ => {
            let (a, b) = (r.below(8), r.below(2));
            raw(format!("<<{a}:3, {b}:1>>"), format!("[{}]", a * 2 + b))
        }
    }
}

fn comment(r: &mut Rng) -> String {
    let (e, _) = {
        let v = 3 + r.below(6) as usize;
        string_body(r, v, false)
    };
    e
}

/// `doc` with a comment line before it (one time in `one_in`) and a
/// trailing comment after it (likewise).
fn maybe_commented(r: &mut Rng, doc: Doc, one_in: u64) -> Doc {
    let before = (r.below(one_in) == 0).then(|| comment(r));
    let after = (r.below(one_in) == 0).then(|| comment(r));
    if before.is_none() && after.is_none() {
        return doc;
    }
    Doc::Commented {
        before,
        after,
        doc: Box::new(doc),
    }
}

fn atom_or_quoted(r: &mut Rng) -> Doc {
    if r.below(3) == 0 {
        quoted_atom(pick::<&str>(r, QUOTED_ATOMS))
    } else {
        Doc::Atom(format!("{}_{}", pick(r, crate::WORDS), r.below(100)))
    }
}

fn props(r: &mut Rng, entries: Vec<(&str, Doc)>) -> Doc {
    Doc::Props(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), maybe_commented(r, v, 8)))
            .collect(),
    )
}

// ---------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------

const LEVELS: &[&str] = &["debug", "info", "notice", "warning", "error", "critical"];

fn handler(r: &mut Rng) -> Doc {
    let entries = vec![
        (
            "type",
            Doc::Atom(pick(r, &["standard_io", "file"]).to_string()),
        ),
        ("sync_mode_qlen", {
            let v = 10 + r.below(500);
            based_int(r, v, 16)
        }),
        ("file", {
            let v = 1 + r.below(3) as usize;
            plain_string(r, v)
        }),
        ("max_no_bytes", separated_int(r)),
        ("burst_limit", exp_float(r)),
    ];
    let config = props(r, entries);
    let filters = Doc::List(
        (0..r.below(3))
            .map(|i| {
                Doc::Tuple(vec![
                    Doc::Atom(format!("filter_{i}")),
                    Doc::Tuple(vec![
                        {
                            let f = format!(
                                "fun logger_filters:{}/2",
                                pick(r, &["domain", "remote_gl", "progress"])
                            );
                            raw(f.clone(), json_str(&f))
                        },
                        Doc::Atom(pick(r, &["stop", "log"]).to_string()),
                    ]),
                ])
            })
            .collect(),
    );
    let template = Doc::List(vec![
        Doc::Atom("time".into()),
        plain_string(r, 1),
        Doc::Atom("level".into()),
        raw("\": \"", json_str(": ")),
        Doc::Atom("msg".into()),
        raw("\"\\n\"", json_str("\n")),
    ]);
    let formatter = Doc::Tuple(vec![
        Doc::Atom("logger_formatter".into()),
        Doc::Map(vec![
            (
                "single_line".into(),
                Doc::Atom(pick(r, &["true", "false"]).to_string()),
            ),
            ("template".into(), template),
            ("max_size".into(), {
                let v = 1 + r.below(1 << 20);
                based_int_pos(r, v, 16)
            }),
        ]),
    ]);
    let entries = vec![
        ("id", Doc::Atom(format!("h_{}", r.below(1000)))),
        ("module", atom_or_quoted(r)),
        ("level", Doc::Atom(pick(r, LEVELS).to_string())),
        ("config", config),
        ("filters", filters),
        ("formatter", formatter),
    ];
    props(r, entries)
}

/// A based integer that is never negative.
fn based_int_pos(r: &mut Rng, v: u64, base: u64) -> Doc {
    let text = format!("{base}#{}", digits_in(v, base, r.below(2) == 0));
    raw(text, v.to_string())
}

fn separated_int(r: &mut Rng) -> Doc {
    let v = 1000 + r.below(1 << 40);
    raw(separated(v), v.to_string())
}

fn app_env(r: &mut Rng) -> Doc {
    let limits = Doc::MapOf(
        (0..1 + r.below(4))
            .map(|i| {
                let key = if r.below(3) == 0 {
                    let w = pick(r, crate::WORDS);
                    quoted_atom(&format!("{w} {i}"))
                } else {
                    Doc::Atom(format!("{}_{i}", pick(r, crate::WORDS)))
                };
                let value = match r.below(3) {
                    0 => {
                        let v = r.below(1 << 20);
                        based_int(r, v, 16)
                    }
                    1 => negative_int(r),
                    _ => Doc::Int(r.below(100_000) as i64),
                };
                (key, value)
            })
            .collect(),
    );
    let headers = Doc::MapOf(
        (0..1 + r.below(3))
            .map(|i| {
                let key = if r.below(2) == 0 {
                    let k = format!("x-{}-{i}", pick(r, crate::WORDS));
                    raw(format!("<<\"{k}\">>"), json_str(&k))
                } else {
                    raw(format!("<<\"ü-{i}\"/utf8>>"), json_str(&format!("ü-{i}")))
                };
                let value = if r.below(2) == 0 {
                    escaped_string(r, 2)
                } else {
                    text_binary(r)
                };
                (key, value)
            })
            .collect(),
    );
    let hosts = Doc::List(
        (0..1 + r.below(4))
            .map(|_| {
                if r.below(2) == 0 {
                    {
                        let v = 1 + r.below(3) as usize;
                        plain_string(r, v)
                    }
                } else {
                    {
                        let v = 1 + r.below(3) as usize;
                        escaped_string(r, v)
                    }
                }
            })
            .collect(),
    );
    let mut entries = vec![
        ("port", {
            let v = 1024 + r.below(60000);
            based_int_pos(r, v, 16)
        }),
        ("mask", {
            let v = r.below(256);
            based_int_pos(r, v, 2)
        }),
        ("id", {
            let v = r.below(1 << 30);
            based_int_pos(r, v, 36)
        }),
        ("offset", negative_int(r)),
        ("budget", separated_int(r)),
        ("delta", negative_float(r)),
        ("ratio", exp_float(r)),
        ("limit", exp_float(r)),
        ("sep", char_literal(r)),
        ("name", {
            let v = 2 + r.below(5) as usize;
            escaped_string(r, v)
        }),
        ("module", quoted_atom(pick::<&str>(r, QUOTED_ATOMS))),
        ("level", Doc::Atom(pick(r, LEVELS).to_string())),
        ("hosts", hosts),
        ("key", byte_binary(r)),
        ("label", text_binary(r)),
        ("flags", bitstring(r)),
        ("limits", limits),
        ("headers", headers),
        (
            "handlers",
            Doc::List((0..1 + r.below(3)).map(|_| handler(r)).collect()),
        ),
    ];
    if r.below(8) == 0 {
        entries.push(("banner", long_string(r)));
    }
    props(r, entries)
}

/// The `config` shape: `[{app_N, Env}]`.
fn config_shape(r: &mut Rng, bytes: usize) -> Doc {
    let mut apps = Vec::new();
    let mut size = 0;
    while size < bytes {
        let app = Doc::Tuple(vec![Doc::Atom(format!("app_{}", apps.len())), app_env(r)]);
        let app = maybe_commented(r, app, 3);
        size += crate::to_erlang(&app).len() + 3;
        apps.push(app);
    }
    Doc::Commented {
        before: Some("sys.config: generated, every construct".into()),
        after: None,
        doc: Box::new(Doc::List(apps)),
    }
}

fn module(r: &mut Rng, n: usize) -> Doc {
    if r.below(5) == 0 {
        quoted_atom(&format!(
            "Elixir.Shop.{}{n}",
            pick(r, &["Cart", "Price", "Order"])
        ))
    } else {
        Doc::Atom(format!("{}_{n}", pick(r, crate::WORDS)))
    }
}

fn instruction(r: &mut Rng, n: usize) -> Doc {
    let m = module(r, n);
    let tagged = |tag: &str, args: Vec<Doc>| Doc::Tagged(tag.to_string(), args);
    let i = match r.below(8) {
        0 | 1 => tagged("load_module", vec![m]),
        2 => tagged("add_module", vec![m]),
        3 => tagged("delete_module", vec![m]),
        4 => tagged(
            "update",
            vec![
                m,
                Doc::Tagged(pick(r, &["soft", "supervisor"]).to_string(), vec![]),
            ],
        ),
        5 => tagged(
            "update",
            vec![
                m,
                Doc::Tagged(
                    "advanced".into(),
                    vec![Doc::List(
                        (0..r.below(3))
                            .map(|i| Doc::Atom(format!("from_{i}")))
                            .collect(),
                    )],
                ),
            ],
        ),
        6 => tagged(
            "apply",
            vec![Doc::Tuple(vec![
                m,
                Doc::Atom(pick(r, &["migrate", "upgrade", "reload"]).to_string()),
                Doc::List(
                    (0..r.below(3))
                        .map(|_| Doc::Atom(pick(r, crate::WORDS).to_string()))
                        .collect(),
                ),
            ])],
        ),
        _ => tagged(
            "restart_application",
            vec![Doc::Atom(format!("app_{}", r.below(50)))],
        ),
    };
    maybe_commented(r, i, 10)
}

fn version_pattern(r: &mut Rng, major: u64, minor: u64) -> Doc {
    match r.below(3) {
        0 => raw(
            format!("\"{major}.{minor}.{}\"", r.below(10)),
            json_str(&format!("{major}.{minor}.0")),
        ),
        _ => {
            let re = format!("{major}\\.{minor}(\\.[0-9]+)*");
            // In the Erlang text the backslashes are escaped once more.
            raw(
                format!("<<\"{}\">>", re.replace('\\', "\\\\")),
                json_str(&re),
            )
        }
    }
}

/// The `appup` shape.
fn appup_shape(r: &mut Rng, bytes: usize) -> Doc {
    let mut up = Vec::new();
    let mut down = Vec::new();
    let mut size = 0;
    let mut n = 0;
    while size < bytes {
        let minor = up.len() as u64;
        let count = 20 + r.below(200) as usize;
        let instrs: Vec<Doc> = (0..count)
            .map(|_| {
                n += 1;
                instruction(r, n)
            })
            .collect();
        let entry = Doc::Tuple(vec![version_pattern(r, 1, minor), Doc::List(instrs)]);
        let entry = maybe_commented(r, entry, 2);
        size += crate::to_erlang(&entry).len() + 3;
        if up.len() <= down.len() {
            up.push(entry);
        } else {
            down.push(entry);
        }
    }
    Doc::Commented {
        before: Some("shop.appup: generated".into()),
        after: None,
        doc: Box::new(Doc::Tuple(vec![
            raw("\"2.0.0\"", json_str("2.0.0")),
            Doc::List(up),
            Doc::List(down),
        ])),
    }
}

fn number(r: &mut Rng) -> Doc {
    match r.below(12) {
        0..=2 => Doc::Int(r.below(1000) as i64),
        3 => Doc::Int((r.next_u64() >> 2) as i64),
        4 => negative_int(r),
        5 => {
            let base = *pick(r, &[2u64, 8, 16, 36]);
            let v = r.below(1 << 40);
            based_int(r, v, base)
        }
        6 => separated_int(r),
        7 => big_decimal(r),
        8 => exp_float(r),
        9 => negative_float(r),
        10 => Doc::Float((r.below(1_000_000) as f64) / 1000.0),
        _ => char_literal(r),
    }
}

/// An integer of 20 to 39 digits, beyond `u64` (sometimes negative).
fn big_decimal(r: &mut Rng) -> Doc {
    let digits = 20 + r.below(20) as usize;
    let mut s = String::new();
    s.push(char::from(b'1' + r.below(9) as u8));
    for _ in 1..digits {
        s.push(char::from(b'0' + r.below(10) as u8));
    }
    if r.below(4) == 0 {
        s.insert(0, '-');
    }
    raw(s.clone(), s)
}

/// The `numbers` shape: lists of 10-60 numbers.
fn numbers_shape(r: &mut Rng, bytes: usize) -> Doc {
    let mut lists = Vec::new();
    let mut size = 0;
    while size < bytes {
        let list = Doc::List((0..10 + r.below(50)).map(|_| number(r)).collect());
        size += crate::to_erlang(&list).len() + 3;
        lists.push(maybe_commented(r, list, 20));
    }
    Doc::List(lists)
}

/// The `strings` shape.
fn strings_shape(r: &mut Rng, bytes: usize) -> Doc {
    let mut items = Vec::new();
    let mut size = 0;
    while size < bytes {
        let s = match r.below(10) {
            0..=3 => {
                let v = 1 + r.below(6) as usize;
                plain_string(r, v)
            }
            4..=7 => {
                let v = 1 + r.below(6) as usize;
                escaped_string(r, v)
            }
            8 => text_binary(r),
            _ => {
                if r.below(10) == 0 {
                    long_string(r)
                } else {
                    {
                        let v = 20 + r.below(100) as usize;
                        plain_string(r, v)
                    }
                }
            }
        };
        size += crate::to_erlang(&s).len() + 3;
        items.push(maybe_commented(r, s, 50));
    }
    Doc::List(items)
}

fn deep_chain(r: &mut Rng, levels: u64) -> Doc {
    let mut d = Doc::Tuple(vec![
        Doc::Atom(pick(r, crate::WORDS).to_string()),
        Doc::Int(r.below(100) as i64),
        Doc::List(vec![]),
    ]);
    for _ in 1..levels {
        d = Doc::Tuple(vec![
            Doc::Atom(pick(r, crate::WORDS).to_string()),
            Doc::Int(r.below(100) as i64),
            Doc::List(vec![d]),
        ]);
    }
    d
}

/// The `deep` shape: chains of 50-62 levels `{atom, N, [...]}`, 101-125
/// containers deep with the outer list.
fn deep_shape(r: &mut Rng, bytes: usize) -> Doc {
    let mut items = Vec::new();
    let mut size = 0;
    while size < bytes {
        let levels = 50 + r.below(13);
        let d = deep_chain(r, levels);
        size += crate::to_erlang(&d).len() + 3;
        items.push(d);
    }
    Doc::List(items)
}
