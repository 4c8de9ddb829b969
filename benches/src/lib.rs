//! Input generators shared by the benchmarks: the same random document
//! written as an Erlang term file and as JSON, so both parsers read the same
//! structure.

pub mod shapes;
pub use shapes::{
    shape_doc, shape_input, typed_erlterm, typed_json, ShapeInput, CONSTRUCTS, SHAPES,
};

/// A generic document node that prints as Erlang or as JSON.
#[derive(Clone, Debug)]
pub enum Doc {
    /// An atom (JSON: a string).
    Atom(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string (Erlang: a string literal).
    Str(String),
    /// A binary string `<<"...">>` (JSON: a string).
    Bin(String),
    /// A list (JSON: an array).
    List(Vec<Doc>),
    /// A tuple (JSON: an array).
    Tuple(Vec<Doc>),
    /// A map with atom keys (JSON: an object).
    Map(Vec<(String, Doc)>),
    /// A map with any keys whose JSON twin is a string (JSON: an object).
    MapOf(Vec<(Doc, Doc)>),
    /// Literal text in each language: a based integer, a char literal, an
    /// escaped string, a binary with segments...
    Raw {
        /// The Erlang text.
        erl: String,
        /// The JSON text of the same data.
        json: String,
    },
    /// A proplist `[{key, V}]` with atom keys (JSON: an array of pairs;
    /// typed JSON: an object).
    Props(Vec<(String, Doc)>),
    /// A tagged tuple `{tag, A, B}`, or the bare atom `tag` without
    /// arguments (JSON: an array, or a string; typed JSON: serde's
    /// externally tagged enum, `{"tag": A}`, `{"tag": [A, B]}`, `"tag"`).
    Tagged(String, Vec<Doc>),
    /// A term with a comment line before it and a trailing comment after
    /// it (JSON: the term alone).
    Commented {
        /// The text of a `%% ...` line before the term.
        before: Option<String>,
        /// The text of a `% ...` comment after the term.
        after: Option<String>,
        /// The term.
        doc: Box<Doc>,
    },
}

/// A small deterministic generator (xorshift), so inputs are reproducible.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
}

const WORDS: &[&str] = &[
    "kernel",
    "stdlib",
    "sasl",
    "logger",
    "level",
    "info",
    "port",
    "host",
    "pool",
    "size",
    "timeout",
    "enabled",
    "handlers",
    "formatter",
    "db",
    "cache",
    "http",
    "listener",
    "acceptors",
    "max_connections",
    "ssl",
    "certfile",
    "keyfile",
    "node",
    "cookie",
    "cluster",
    "peers",
];

fn word(r: &mut Rng) -> String {
    WORDS[r.below(WORDS.len() as u64) as usize].to_string()
}

fn leaf(r: &mut Rng) -> Doc {
    match r.below(7) {
        0 | 1 => Doc::Atom(word(r)),
        2 => Doc::Int(r.below(100_000) as i64),
        3 => Doc::Float((r.below(10_000) as f64) / 100.0),
        4 => Doc::Str(format!("/var/lib/{}/{}.conf", word(r), r.below(1000))),
        5 => Doc::Bin(format!("{}-{}", word(r), r.below(1000))),
        _ => Doc::Atom("true".into()),
    }
}

fn value(r: &mut Rng, depth: u32) -> Doc {
    if depth == 0 || r.below(3) == 0 {
        return leaf(r);
    }
    match r.below(4) {
        0 => Doc::List((0..1 + r.below(5)).map(|_| value(r, depth - 1)).collect()),
        1 => Doc::Tuple(vec![Doc::Atom(word(r)), value(r, depth - 1)]),
        2 => Doc::Map(
            (0..1 + r.below(4))
                .map(|i| (format!("{}{}", word(r), i), value(r, depth - 1)))
                .collect(),
        ),
        _ => proplist(r, depth - 1),
    }
}

fn proplist(r: &mut Rng, depth: u32) -> Doc {
    Doc::List(
        (0..2 + r.below(6))
            .map(|_| Doc::Tuple(vec![Doc::Atom(word(r)), value(r, depth)]))
            .collect(),
    )
}

/// A sys.config-like document of about `bytes` bytes (as Erlang text):
/// one list of `{App, [{Key, Value}]}` entries with nested values.
pub fn config_like(bytes: usize, seed: u64) -> Doc {
    let mut r = Rng::new(seed);
    let mut apps = Vec::new();
    let mut size = 0;
    while size < bytes {
        let app = Doc::Tuple(vec![
            Doc::Atom(format!("app_{}", apps.len())),
            proplist(&mut r, 4),
        ]);
        size += to_erlang(&app).len() + 2;
        apps.push(app);
    }
    Doc::List(apps)
}

/// An appup-like document of about `bytes` bytes: `{Vsn, Up, Down}` with
/// many instructions.
pub fn appup_like(bytes: usize, seed: u64) -> Doc {
    let mut r = Rng::new(seed);
    let mut instrs = Vec::new();
    let mut size = 0;
    while size < bytes / 2 {
        let m = Doc::Atom(format!("mod_{}_{}", word(&mut r), instrs.len()));
        let i = match r.below(4) {
            0 => Doc::Tuple(vec![Doc::Atom("load_module".into()), m]),
            1 => Doc::Tuple(vec![
                Doc::Atom("update".into()),
                m,
                Doc::Tuple(vec![Doc::Atom("advanced".into()), Doc::List(vec![])]),
            ]),
            2 => Doc::Tuple(vec![Doc::Atom("add_module".into()), m]),
            _ => Doc::Tuple(vec![
                Doc::Atom("update".into()),
                m,
                Doc::Atom("supervisor".into()),
            ]),
        };
        size += to_erlang(&i).len() + 2;
        instrs.push(i);
    }
    let entry = |v: &str, instrs: Vec<Doc>| Doc::Tuple(vec![Doc::Bin(v.into()), Doc::List(instrs)]);
    Doc::Tuple(vec![
        Doc::Str("2.0.0".into()),
        Doc::List(vec![entry("1\\.[0-9]+\\.[0-9]+", instrs.clone())]),
        Doc::List(vec![entry("1\\.[0-9]+\\.[0-9]+", instrs)]),
    ])
}

fn write_erlang(d: &Doc, out: &mut String) {
    match d {
        Doc::Atom(a) => out.push_str(a),
        Doc::Int(i) => out.push_str(&i.to_string()),
        Doc::Float(f) => out.push_str(&format!("{f:?}")),
        Doc::Str(s) => {
            out.push('"');
            out.push_str(s);
            out.push('"');
        }
        Doc::Bin(s) => {
            out.push_str("<<\"");
            out.push_str(s);
            out.push_str("\">>");
        }
        Doc::List(items) => seq(items, "[", "]", out, write_erlang),
        Doc::Tuple(items) => seq(items, "{", "}", out, write_erlang),
        Doc::Map(entries) => {
            out.push_str("#{");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(" => ");
                write_erlang(v, out);
            }
            out.push('}');
        }
        Doc::MapOf(entries) => {
            out.push_str("#{");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n  ");
                }
                write_erlang(k, out);
                out.push_str(" => ");
                write_erlang(v, out);
            }
            out.push('}');
        }
        Doc::Raw { erl, .. } => out.push_str(erl),
        Doc::Props(entries) => {
            out.push('[');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n ");
                }
                // a commented value: the comments go around the entry
                let (before, after, v) = match v {
                    Doc::Commented { before, after, doc } => (before, after, &**doc),
                    v => (&None, &None, v),
                };
                if let Some(c) = before {
                    out.push_str("%% ");
                    out.push_str(c);
                    out.push_str("\n ");
                }
                out.push('{');
                out.push_str(k);
                out.push_str(", ");
                write_erlang(v, out);
                out.push('}');
                if let Some(c) = after {
                    out.push_str(" % ");
                    out.push_str(c);
                    out.push('\n');
                }
            }
            out.push(']');
        }
        Doc::Tagged(tag, args) => {
            if args.is_empty() {
                out.push_str(tag);
            } else {
                out.push('{');
                out.push_str(tag);
                for a in args {
                    out.push_str(", ");
                    write_erlang(a, out);
                }
                out.push('}');
            }
        }
        Doc::Commented { before, after, doc } => {
            if let Some(c) = before {
                out.push_str("%% ");
                out.push_str(c);
                out.push_str("\n ");
            }
            write_erlang(doc, out);
            if let Some(c) = after {
                out.push_str(" % ");
                out.push_str(c);
                out.push('\n');
            }
        }
    }
}

fn seq(items: &[Doc], open: &str, close: &str, out: &mut String, f: fn(&Doc, &mut String)) {
    out.push_str(open);
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n ");
        }
        f(it, out);
    }
    out.push_str(close);
}

fn write_json(d: &Doc, out: &mut String) {
    write_json_as(d, out, false);
}

fn write_typed_json(d: &Doc, out: &mut String) {
    write_json_as(d, out, true);
}

fn write_json_as(d: &Doc, out: &mut String, typed: bool) {
    let f: fn(&Doc, &mut String) = if typed { write_typed_json } else { write_json };
    match d {
        // serde reads a bool from the atoms `true` and `false`, and from
        // JSON's own booleans
        Doc::Atom(s) if typed && (s == "true" || s == "false") => out.push_str(s),
        Doc::Atom(s) | Doc::Str(s) | Doc::Bin(s) => {
            out.push_str(&serde_json::Value::String(s.clone()).to_string())
        }
        Doc::Int(i) => out.push_str(&i.to_string()),
        Doc::Float(x) => out.push_str(&format!("{x:?}")),
        Doc::List(items) | Doc::Tuple(items) => seq(items, "[", "]", out, f),
        Doc::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&format!("\"{k}\": "));
                f(v, out);
            }
            out.push('}');
        }
        Doc::MapOf(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n ");
                }
                f(k, out);
                out.push_str(": ");
                f(v, out);
            }
            out.push('}');
        }
        Doc::Raw { json, .. } => out.push_str(json),
        Doc::Props(entries) => {
            out.push_str(if typed { "{" } else { "[" });
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n ");
                }
                let key = serde_json::Value::String(k.clone()).to_string();
                if typed {
                    out.push_str(&key);
                    out.push_str(": ");
                    f(v, out);
                } else {
                    out.push('[');
                    out.push_str(&key);
                    out.push_str(", ");
                    f(v, out);
                    out.push(']');
                }
            }
            out.push_str(if typed { "}" } else { "]" });
        }
        Doc::Tagged(tag, args) => {
            let tag = serde_json::Value::String(tag.clone()).to_string();
            match (typed, args.as_slice()) {
                (_, []) => out.push_str(&tag),
                (true, [one]) => {
                    out.push('{');
                    out.push_str(&tag);
                    out.push_str(": ");
                    f(one, out);
                    out.push('}');
                }
                (true, _) => {
                    out.push('{');
                    out.push_str(&tag);
                    out.push_str(": ");
                    seq(args, "[", "]", out, f);
                    out.push('}');
                }
                (false, _) => {
                    out.push('[');
                    out.push_str(&tag);
                    for a in args {
                        out.push_str(", ");
                        f(a, out);
                    }
                    out.push(']');
                }
            }
        }
        Doc::Commented { doc, .. } => f(doc, out),
    }
}

/// The document as an Erlang term file (one term and its dot).
pub fn to_erlang(d: &Doc) -> String {
    let mut out = String::new();
    write_erlang(d, &mut out);
    out
}

/// The document as an Erlang term file, with the final `.`.
pub fn to_erlang_file(d: &Doc) -> String {
    let mut out = to_erlang(d);
    out.push_str(".\n");
    out
}

/// The document as JSON.
pub fn to_json(d: &Doc) -> String {
    let mut out = String::new();
    write_json(d, &mut out);
    out
}

/// The document as typed JSON: as [`to_json`], but proplists as objects
/// and tagged tuples in serde's externally tagged form (see
/// [`shapes`]).
pub fn to_typed_json(d: &Doc) -> String {
    let mut out = String::new();
    write_typed_json(d, &mut out);
    out
}

/// Reads every corpus file that OTP consulted successfully (`ok:N` in
/// `MANIFEST.tsv`) from `shared/corpus`, concatenated as one text per file.
pub fn corpus_files(shared: &std::path::Path) -> Vec<String> {
    let corpus = shared.join("corpus");
    let Ok(manifest) = std::fs::read_to_string(corpus.join("MANIFEST.tsv")) else {
        return Vec::new();
    };
    manifest
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let ok = cols.get(6)?.starts_with("ok:");
            let text = std::fs::read_to_string(corpus.join(cols.first()?)).ok()?;
            ok.then_some(text)
        })
        .collect()
}

/// Writes two releases of `n_apps` applications of `n_mods` modules each,
/// laid out as `dir/releases/{1.0.0,2.0.0}/big.rel` and `dir/lib/APP-VSN/ebin`
/// (kernel, stdlib and sasl included as small applications). In release
/// 2.0.0 every other application is upgraded: its appup loads each module,
/// with a DepMods chain between consecutive modules, and uses a regex entry
/// for half of them. Returns the paths of the two `.rel` files.
pub fn write_release_pair(
    dir: &std::path::Path,
    n_apps: usize,
    n_mods: usize,
) -> std::io::Result<(std::path::PathBuf, std::path::PathBuf)> {
    use std::fs;
    let lib = dir.join("lib");
    let app_file = |name: &str, vsn: &str, mods: &[String], uses: &[&str]| {
        format!(
            "{{application, {name}, [{{description, \"{name}\"}}, {{vsn, \"{vsn}\"}},\n  \
             {{modules, [{}]}},\n  {{registered, []}}, {{applications, [{}]}}]}}.\n",
            mods.join(", "),
            uses.join(", ")
        )
    };
    let write_app =
        |name: &str, vsn: &str, mods: &[String], uses: &[&str], appup: Option<String>| {
            let ebin = lib.join(format!("{name}-{vsn}")).join("ebin");
            fs::create_dir_all(&ebin)?;
            fs::write(
                ebin.join(format!("{name}.app")),
                app_file(name, vsn, mods, uses),
            )?;
            if let Some(appup) = appup {
                fs::write(ebin.join(format!("{name}.appup")), appup)?;
            }
            Ok::<(), std::io::Error>(())
        };
    for core in ["kernel", "stdlib", "sasl"] {
        let uses: &[&str] = if core == "kernel" { &[] } else { &["kernel"] };
        write_app(core, "1.0", &[format!("{core}_m")], uses, None)?;
    }
    let mut rel1 = Vec::new();
    let mut rel2 = Vec::new();
    for i in 0..n_apps {
        let name = format!("app{i}");
        let mods: Vec<String> = (0..n_mods).map(|m| format!("{name}_m{m}")).collect();
        write_app(&name, "1.0.0", &mods, &["kernel", "stdlib"], None)?;
        rel1.push(format!("{{{name}, \"1.0.0\"}}"));
        if i % 2 == 0 {
            let instrs: Vec<String> = mods
                .iter()
                .enumerate()
                .map(|(m, module)| match m {
                    0 => format!("{{load_module, {module}}}"),
                    _ => format!("{{load_module, {module}, [{}]}}", mods[m - 1]),
                })
                .collect();
            let from = if i % 4 == 0 {
                "<<\"1\\\\.0\\\\..*\">>"
            } else {
                "\"1.0.0\""
            };
            let appup = format!(
                "{{\"1.1.0\",\n [{{{from}, [{}]}}],\n [{{{from}, [{}]}}]}}.\n",
                instrs.join(",\n   "),
                instrs.join(",\n   ")
            );
            write_app(&name, "1.1.0", &mods, &["kernel", "stdlib"], Some(appup))?;
            rel2.push(format!("{{{name}, \"1.1.0\"}}"));
        } else {
            rel2.push(format!("{{{name}, \"1.0.0\"}}"));
        }
    }
    let rel = |vsn: &str, apps: &[String]| {
        format!(
            "{{release, {{\"big\", \"{vsn}\"}}, {{erts, \"13.1.5\"}},\n [{{kernel, \"1.0\"}}, \
             {{stdlib, \"1.0\"}}, {{sasl, \"1.0\"}},\n  {}]}}.\n",
            apps.join(",\n  ")
        )
    };
    let mut paths = Vec::new();
    for (vsn, apps) in [("1.0.0", &rel1), ("2.0.0", &rel2)] {
        let d = dir.join("releases").join(vsn);
        fs::create_dir_all(&d)?;
        let p = d.join("big.rel");
        fs::write(&p, rel(vsn, apps))?;
        paths.push(p);
    }
    Ok((paths[0].clone(), paths[1].clone()))
}
