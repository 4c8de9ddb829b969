//! Peak memory of one parse: `peakmem MODE FILE [SHAPE]` prints the growth
//! of the process's peak resident set (VmHWM) caused by parsing FILE, which
//! is read before the first measurement. Run each mode in its own process
//! (`benches/run-shapes.sh` does).
//!
//! Modes: `term` (`erlterm::parse_str`), `nodes` (`erlterm::parse_nodes`),
//! `validate` (`erlterm::validate`, 20 times), `typed` (`erlterm::from_str`
//! into SHAPE's typed model), on the Erlang text; `value`
//! (`serde_json::Value`), `ignored` (`IgnoredAny`), `typed_json`
//! (`serde_json::from_str` into SHAPE's typed model, on the typed JSON
//! twin), on JSON. The older names `erlterm`, `erlterm_validate` and
//! `serde_json` are `term`, `validate` and `value`.
//!
//! Before the first measurement each mode parses a small document of the
//! same shape (4 KiB, from `shape_input`) once, so that what is measured is
//! the memory of the parse, not the pages of code and the allocator's
//! arenas that any first parse touches (about 0.4 MiB for erlterm, less for
//! serde_json: at 1 MB that fixed cost alone was a tenth of the result).
//!
//! Output: `MODE<TAB>BYTES<TAB>N KiB`.

use std::process::ExitCode;

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

const USAGE: &str =
    "usage: peakmem term|nodes|validate|typed|value|ignored|typed_json FILE [SHAPE]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let shape = args.get(3).map(String::as_str).unwrap_or("");
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("cannot read {path}");
        return ExitCode::from(2);
    };
    let Some(warm) =
        erlrel_benches::shape_input(if shape.is_empty() { "config" } else { shape }, 4096)
    else {
        eprintln!("unknown shape {shape}");
        return ExitCode::from(2);
    };
    let warm_text = match mode.as_str() {
        "value" | "serde_json" | "ignored" => &warm.json,
        "typed_json" => &warm.typed_json,
        _ => &warm.erl,
    };
    if parse(mode, shape, warm_text).is_none() {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let before = vm_hwm_kib();
    let Some(ok) = parse(mode, shape, &text) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let after = vm_hwm_kib();
    println!(
        "{mode}\t{}\t{} KiB",
        text.len(),
        after.saturating_sub(before)
    );
    if ok {
        ExitCode::SUCCESS
    } else {
        eprintln!("{mode}: {path} rejected");
        ExitCode::FAILURE
    }
}

/// Parses `text` as `mode` does: whether it was accepted, `None` for an
/// unknown mode.
fn parse(mode: &str, shape: &str, text: &str) -> Option<bool> {
    Some(match mode {
        "term" | "erlterm" => erlterm::parse_str(text).map(|t| t.len()).is_ok(),
        "nodes" => erlterm::parse_nodes(text).map(|t| t.len()).is_ok(),
        "validate" | "erlterm_validate" => (0..20).all(|_| erlterm::validate(text).is_ok()),
        "typed" => erlrel_benches::typed_erlterm(shape, text).is_ok(),
        "value" | "serde_json" => serde_json::from_str::<serde_json::Value>(text).is_ok(),
        "ignored" => serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok(),
        "typed_json" => erlrel_benches::typed_json(shape, text).is_ok(),
        _ => return None,
    })
}
