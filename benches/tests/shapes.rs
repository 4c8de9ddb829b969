//! The generated shapes are valid and their twins hold the same data: every
//! shape parses with erlterm (terms, validation, span tree, typed model);
//! the JSON twin and the typed JSON twin parse with serde_json; the terms
//! equal the JSON twin's values by the twin's rules; and, when `escript` is
//! on the PATH, OTP's `file:consult/1` reads each sample exactly as erlterm
//! does (the canonical print of both, through `shared/oracle/consult.escript`).

use erlrel_benches::{shape_input, typed_erlterm, typed_json, CONSTRUCTS, SHAPES};
use erlterm::Term;
use serde_json::Value;

const SAMPLE: usize = 24 << 10;

fn close(a: f64, b: f64) -> bool {
    a == b || ((a - b).abs() <= 1e-12 * a.abs().max(b.abs()))
}

/// Whether `t` is the data of `v` by the JSON twin's rules.
fn same(t: &Term, v: &Value) -> Result<(), String> {
    let ok = match (t, v) {
        (Term::Atom(a), Value::String(s)) => a.as_str() == s,
        (Term::String(text), Value::String(s)) => text.as_str() == s,
        (Term::Integer(i), Value::Number(n)) => match (i.to_i64(), n.as_i64()) {
            (Some(a), Some(b)) => a == b,
            _ => n.as_f64().is_some_and(|b| close(i.to_f64(), b)),
        },
        (Term::Float(f), Value::Number(n)) => n.as_f64().is_some_and(|b| close(*f, b)),
        (Term::List(items) | Term::Tuple(items), Value::Array(vs)) => {
            if items.len() != vs.len() {
                return Err(format!("length {} against {}: {t}", items.len(), vs.len()));
            }
            for (a, b) in items.iter().zip(vs) {
                same(a, b)?;
            }
            true
        }
        (Term::Map(entries), Value::Object(obj)) => {
            if entries.len() != obj.len() {
                return Err(format!(
                    "map size {} against {}: {t}",
                    entries.len(),
                    obj.len()
                ));
            }
            for (k, val) in entries {
                let key = match k {
                    Term::Atom(a) => a.as_str().to_string(),
                    Term::Bitstring(b) => b.as_utf8().unwrap_or_default().to_string(),
                    other => return Err(format!("map key {other}")),
                };
                let Some(jv) = obj.get(&key) else {
                    return Err(format!("key {key} missing in the JSON object"));
                };
                same(val, jv)?;
            }
            true
        }
        (Term::Bitstring(b), Value::String(s)) => b.as_utf8() == Some(s.as_str()),
        (Term::Bitstring(b), Value::Array(vs)) => {
            let bytes = b.bytes();
            let trailing = (b.bit_len() % 8) as u32;
            bytes.len() == vs.len()
                && bytes.iter().enumerate().all(|(i, &byte)| {
                    let want = if i + 1 == bytes.len() && trailing != 0 {
                        u64::from(byte >> (8 - trailing))
                    } else {
                        u64::from(byte)
                    };
                    vs[i].as_u64() == Some(want)
                })
        }
        (Term::Fun(_), Value::String(s)) => t.to_string() == *s,
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{t} is not {v}"))
    }
}

#[test]
fn every_shape_parses_on_both_sides_with_the_same_data() {
    for shape in SHAPES.iter().chain(CONSTRUCTS) {
        let input = shape_input(shape, SAMPLE).unwrap();
        let terms = erlterm::parse_str(&input.erl)
            .unwrap_or_else(|e| panic!("{shape}: erlterm::parse_str: {e}"));
        assert_eq!(terms.len(), 1, "{shape}");
        assert_eq!(erlterm::validate(&input.erl), Ok(1), "{shape}");
        let nodes = erlterm::parse_nodes(&input.erl).unwrap();
        assert_eq!(nodes[0].to_term(), terms[0], "{shape}: span tree");
        let value: Value = serde_json::from_str(&input.json)
            .unwrap_or_else(|e| panic!("{shape}: serde_json: {e}"));
        serde_json::from_str::<Value>(&input.typed_json)
            .unwrap_or_else(|e| panic!("{shape}: serde_json typed twin: {e}"));
        if let Err(e) = same(&terms[0], &value) {
            panic!("{shape}: the JSON twin differs: {e}");
        }
        let n = typed_erlterm(shape, &input.erl)
            .unwrap_or_else(|e| panic!("{shape}: erlterm::from_str typed: {e}"));
        let m = typed_json(shape, &input.typed_json)
            .unwrap_or_else(|e| panic!("{shape}: serde_json typed: {e}"));
        assert_eq!(n, m, "{shape}: typed element counts");
        assert!(n > 0, "{shape}");
    }
}

#[test]
fn the_config_shape_has_every_construct() {
    let erl = shape_input("config", 4 * SAMPLE).unwrap().erl;
    for construct in [
        "16#",
        "2#",
        "36#",
        "- ",
        "e-",
        "E",
        "$",
        "\\t",
        "\\x{",
        "\\101",
        "'Elixir.",
        "'with space'",
        "'a\\'b'",
        "<<\"",
        "/utf8>>",
        ":4>>",
        ":16/big>>",
        "#{",
        "=>",
        "%% ",
        " % ",
        "_000",
        "fun ",
        "\" \"",
        "é",
        "日本",
    ] {
        assert!(
            erl.contains(construct),
            "no {construct:?} in the config shape"
        );
    }
    fn longest(t: &Term) -> usize {
        match t {
            Term::String(s) => s.as_str().len(),
            Term::List(items) | Term::Tuple(items) => items.iter().map(longest).max().unwrap_or(0),
            _ => 0,
        }
    }
    let long = longest(&erlterm::parse_str(&erl).unwrap()[0]);
    assert!(long > 2000, "the longest string has {long} bytes");
}

#[test]
fn the_deep_shape_stays_within_the_default_depths() {
    let input = shape_input("deep", SAMPLE).unwrap();
    let depth = |text: &str, open: &[u8], close: &[u8]| {
        let (mut d, mut max) = (0i32, 0);
        for b in text.bytes() {
            if open.contains(&b) {
                d += 1;
                max = max.max(d);
            } else if close.contains(&b) {
                d -= 1;
            }
        }
        max
    };
    let max = depth(&input.erl, b"[{", b"]}");
    assert!((101..=125).contains(&max), "depth {max}");
    assert_eq!(depth(&input.json, b"[", b"]"), max);
}

/// OTP reads each sample as erlterm does. Skipped (with a note) when
/// `escript` or the oracle is missing.
#[test]
fn otp_consults_every_shape_as_erlterm_does() {
    let oracle = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/oracle/consult.escript");
    if !oracle.exists()
        || std::process::Command::new("escript")
            .arg("-h")
            .output()
            .is_err()
    {
        eprintln!("skipped: no escript or no {}", oracle.display());
        return;
    }
    let dir = std::env::temp_dir().join(format!("erlrel-bench-shapes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    let shapes: Vec<&str> = SHAPES.iter().chain(CONSTRUCTS).copied().collect();
    for shape in &shapes {
        let path = dir.join(format!("{shape}.config"));
        std::fs::write(&path, shape_input(shape, SAMPLE).unwrap().erl).unwrap();
        files.push(path);
    }
    let out = std::process::Command::new("escript")
        .arg(&oracle)
        .arg("--each")
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut sections = text.split("== ").skip(1);
    for (shape, path) in shapes.iter().zip(&files) {
        let section = sections.next().unwrap_or_default();
        let otp = section.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
        assert!(!otp.starts_with("error"), "{shape}: OTP: {otp}");
        let ours: String = erlterm::parse_str(&std::fs::read_to_string(path).unwrap())
            .unwrap()
            .iter()
            .map(|t| format!("{t}\n"))
            .collect();
        assert!(ours == otp, "{shape}: erlterm and OTP differ");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
