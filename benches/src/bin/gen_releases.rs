//! `gen_releases DIR N [MODS]`: writes the release pair of the relup
//! benchmark (N applications of MODS modules, default 20) for timing
//! systools:make_relup on the same input.

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "target/bench-releases".into());
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(10);
    let mods: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(20);
    let (old, new) = erlrel_benches::write_release_pair(std::path::Path::new(&dir), n, mods)?;
    println!("{}\n{}", old.display(), new.display());
    Ok(())
}
