//! Writes the generated benchmark inputs to a folder, for the peak-memory and
//! OTP measurements: `gen_inputs DIR` writes config_16MB.config/.json and
//! appup_16MB.appup/.json (and the 1 MB versions).

use erlrel_benches::{appup_like, config_like, to_erlang_file, to_json};

fn main() -> std::io::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "target/bench-inputs".into());
    std::fs::create_dir_all(&dir)?;
    for (label, mb) in [("1MB", 1usize), ("16MB", 16)] {
        let config = config_like(mb << 20, 7);
        std::fs::write(
            format!("{dir}/config_{label}.config"),
            to_erlang_file(&config),
        )?;
        std::fs::write(format!("{dir}/config_{label}.json"), to_json(&config))?;
        let appup = appup_like(mb << 20, 11);
        std::fs::write(format!("{dir}/appup_{label}.appup"), to_erlang_file(&appup))?;
        std::fs::write(format!("{dir}/appup_{label}.json"), to_json(&appup))?;
    }
    Ok(())
}
