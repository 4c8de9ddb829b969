//! Peak memory of one parse: `peakmem erlterm|erlterm_validate|serde_json FILE` prints the
//! growth of the process's peak resident set (VmHWM) caused by parsing FILE.
//! Run each mode in its own process.

use std::process::ExitCode;

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(mode), Some(path)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: peakmem erlterm|erlterm_validate|serde_json FILE");
        return ExitCode::from(2);
    };
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("cannot read {path}");
        return ExitCode::from(2);
    };
    let before = vm_hwm_kib();
    let ok = match mode.as_str() {
        "erlterm" => erlterm::parse_str(&text).map(|t| t.len()).is_ok(),
        "erlterm_validate" => (0..20).all(|_| erlterm::validate(&text).is_ok()),
        "serde_json" => serde_json::from_str::<serde_json::Value>(&text).is_ok(),
        _ => false,
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
        ExitCode::FAILURE
    }
}
