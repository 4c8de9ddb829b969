//! Profiling loop: `typed_loop SHAPE FILE N` reads FILE N times with the
//! typed single pass (and says if it gives up).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use erlrel_benches::shapes::{AppupFile, ConfigFile, DeepFile, NumbersFile, StringsFile};
use erlterm::serde::from_str_single_pass;
use erlterm::Term;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&a[2]).unwrap();
    let n: usize = a[3].parse().unwrap();
    let t = std::time::Instant::now();
    let mut ok = 0;
    for _ in 0..n {
        let r = match a[1].as_str() {
            "config" => from_str_single_pass::<ConfigFile<Term>>(&text).map(|v| v.len()),
            "appup" => from_str_single_pass::<AppupFile>(&text).map(|v| v.1.len()),
            "numbers" => from_str_single_pass::<NumbersFile>(&text).map(|v| v.len()),
            "strings" => from_str_single_pass::<StringsFile>(&text).map(|v| v.len()),
            "deep" => from_str_single_pass::<DeepFile>(&text).map(|v| v.len()),
            _ => panic!("shape"),
        };
        ok += usize::from(r.is_some());
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{} ok of {n}; {:.0} MB/s",
        ok,
        (text.len() * n) as f64 / s / 1e6
    );
}
