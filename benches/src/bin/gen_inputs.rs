//! Writes the generated benchmark inputs to a folder, for the paired,
//! peak-memory and OTP measurements.
//!
//! `gen_inputs DIR` writes config_16MB.config/.json and
//! appup_16MB.appup/.json (and the 1 MB versions) of the older benchmarks.
//!
//! `gen_inputs --shapes DIR [SHAPE...]` writes every shape of
//! `erlrel_benches::SHAPES` (or the ones named) at 1 MB and 16 MB:
//! `DIR/SHAPE_SIZE.erl` (the Erlang term file), `DIR/SHAPE_SIZE.json` (its
//! JSON twin) and `DIR/SHAPE_SIZE.typed.json` (the typed JSON twin). The
//! single-construct files of `erlrel_benches::CONSTRUCTS` are written when
//! named (`gen_inputs --constructs` lists them). `SIZES="1MB"` in the
//! environment writes only those sizes.

use erlrel_benches::{
    appup_like, config_like, shape_input, to_erlang_file, to_json, CONSTRUCTS, SHAPES,
};

const SIZES: [(&str, usize); 2] = [("1MB", 1), ("16MB", 16)];

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--constructs") {
        println!("{}", CONSTRUCTS.join(" "));
        return Ok(());
    }
    if args.first().map(String::as_str) == Some("--shapes") {
        let dir = args
            .get(1)
            .cloned()
            .unwrap_or_else(|| "target/bench-inputs/shapes".into());
        let named: Vec<&str> = args.iter().skip(2).map(String::as_str).collect();
        std::fs::create_dir_all(&dir)?;
        let sizes = std::env::var("SIZES").unwrap_or_default();
        for shape in SHAPES.iter().chain(CONSTRUCTS) {
            let wanted = if named.is_empty() {
                SHAPES.contains(shape)
            } else {
                named.contains(shape)
            };
            if !wanted {
                continue;
            }
            for (label, mb) in SIZES {
                if !sizes.is_empty() && !sizes.split_whitespace().any(|s| s == label) {
                    continue;
                }
                let Some(input) = shape_input(shape, mb << 20) else {
                    continue;
                };
                let base = format!("{dir}/{shape}_{label}");
                std::fs::write(format!("{base}.erl"), &input.erl)?;
                std::fs::write(format!("{base}.json"), &input.json)?;
                std::fs::write(format!("{base}.typed.json"), &input.typed_json)?;
            }
        }
        return Ok(());
    }
    let dir = args
        .first()
        .cloned()
        .unwrap_or_else(|| "target/bench-inputs".into());
    std::fs::create_dir_all(&dir)?;
    for (label, mb) in SIZES {
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
