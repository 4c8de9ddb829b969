//! Random release pairs for differential testing against `systools:make_relup`.
//!
//! ```text
//! cargo run --release -p relup --example gen_cases -- gen OUTDIR COUNT SEED
//! cargo run --release -p relup --example gen_cases -- run OUTDIR
//! ```
//! `gen` writes `OUTDIR/case-NNNN/` folders (`lib/APP-VSN/ebin/*.app{,up}`,
//! `rels/*.rel`, `case.txt` for the Erlang checker, `args.txt` for `run`).
//! `run` generates each relup with this crate and writes `rust.txt`
//! (`{ok, Relup, Warnings}.` or `{error, Tag}.`) and `rust.relup` (the file text).
//! `scripts/relup/check.escript OUTDIR` then compares with OTP.
//!
//! DepMods are generated as chains (and two-module cycles), so that OTP's
//! order is fully determined (spec/relup.md §6.5).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use erlterm::Term;

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

#[derive(Clone)]
struct App {
    name: String,
    vsn: String,
    modules: Vec<String>,
    uses: Vec<String>,
    registered: Vec<String>,
    appup: Option<String>,
}

impl App {
    fn text(&self) -> String {
        format!(
            "{{application, {},\n [{{description, \"generated\"}},\n  {{vsn, \"{}\"}},\n  {{modules, [{}]}},\n  {{registered, [{}]}},\n  {{applications, [{}]}}]}}.\n",
            self.name,
            self.vsn,
            self.modules.join(", "),
            self.registered.join(", "),
            self.uses.join(", ")
        )
    }
}

struct Rel {
    file: String,
    vsn: String,
    erts: String,
    entries: Vec<String>,
}

impl Rel {
    fn text(&self) -> String {
        format!(
            "{{release, {{\"gen\", \"{}\"}}, {{erts, \"{}\"}},\n [{}]}}.\n",
            self.vsn,
            self.erts,
            self.entries.join(",\n  ")
        )
    }
}

fn core(vsn_kernel: &str, sasl: &str) -> Vec<App> {
    let app = |n: &str, v: &str, mods: &[&str], uses: &[&str]| App {
        name: n.into(),
        vsn: v.into(),
        modules: mods.iter().map(|s| s.to_string()).collect(),
        uses: uses.iter().map(|s| s.to_string()).collect(),
        registered: vec![],
        appup: None,
    };
    vec![
        app(
            "kernel",
            vsn_kernel,
            &["application", "code", "kernel"],
            &[],
        ),
        app("stdlib", "5.0", &["lists", "gen_server"], &["kernel"]),
        app(
            "sasl",
            sasl,
            &["release_handler", "systools"],
            &["kernel", "stdlib"],
        ),
    ]
}

/// Dependency bookkeeping: DepMods form chains, so the order is unique.
#[derive(Default)]
struct Chains {
    has_dep: std::collections::HashSet<String>,
    depended: std::collections::HashSet<String>,
    subjects: Vec<String>,
}

impl Chains {
    fn deps_for(&mut self, rng: &mut Rng, m: &str) -> Vec<String> {
        let candidates: Vec<String> = self
            .subjects
            .iter()
            .filter(|s| !self.depended.contains(*s) && s.as_str() != m)
            .cloned()
            .collect();
        if candidates.is_empty() || !rng.chance(35) || self.has_dep.contains(m) {
            return vec![];
        }
        let target = rng.pick(&candidates).clone();
        // only chain heads may gain a dependency (keeps every component a path)
        if self.would_branch(m, &target) {
            return vec![];
        }
        self.has_dep.insert(m.to_owned());
        self.depended.insert(target.clone());
        vec![target]
    }
    fn would_branch(&self, m: &str, target: &str) -> bool {
        // a module that already depends on something cannot be a new dependency
        // target of another chain start unless it is the head of its chain
        self.depended.contains(m) && self.has_dep.contains(target)
    }
}

fn update_form(rng: &mut Rng, m: &str, deps: &[String]) -> String {
    let d = format!("[{}]", deps.join(", "));
    match rng.below(8) {
        0 if deps.is_empty() => format!("{{update, {m}}}"),
        1 if deps.is_empty() => format!("{{update, {m}, supervisor}}"),
        2 => format!("{{update, {m}, {{advanced, extra_{}}}, {d}}}", rng.below(9)),
        3 => format!("{{update, {m}, 5000, soft, soft_purge, brutal_purge, {d}}}"),
        4 => format!(
            "{{update, {m}, static, default, {{advanced, [x]}}, brutal_purge, brutal_purge, {d}}}"
        ),
        5 => format!(
            "{{update, {m}, dynamic, infinity, {{advanced, y}}, brutal_purge, soft_purge, {d}}}"
        ),
        _ => format!("{{update, {m}, {d}}}"),
    }
}

fn load_form(rng: &mut Rng, m: &str, deps: &[String]) -> String {
    let d = format!("[{}]", deps.join(", "));
    match rng.below(3) {
        0 if deps.is_empty() => format!("{{load_module, {m}}}"),
        1 => format!("{{load_module, {m}, soft_purge, soft_purge, {d}}}"),
        _ => format!("{{load_module, {m}, {d}}}"),
    }
}

/// Instructions to go from `from` modules to `to` modules.
fn script(
    rng: &mut Rng,
    chains: &mut Chains,
    from: &[String],
    to: &[String],
    add_kw: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for m in to {
        if !from.contains(m) {
            let deps = chains.deps_for(rng, m);
            chains.subjects.push(m.clone());
            out.push(format!(
                "{{{add_kw}, {m}{}}}",
                if deps.is_empty() {
                    String::new()
                } else {
                    format!(", [{}]", deps.join(", "))
                }
            ));
        } else if rng.chance(70) {
            let deps = chains.deps_for(rng, m);
            chains.subjects.push(m.clone());
            out.push(if rng.chance(50) {
                update_form(rng, m, &deps)
            } else {
                load_form(rng, m, &deps)
            });
        }
    }
    for m in from {
        if !to.contains(m) {
            chains.subjects.push(m.clone());
            out.push(format!("{{delete_module, {m}}}"));
        }
    }
    // dependents must come after their dependencies are declared? No: any order.
    let n = out.len();
    if n > 1 && rng.chance(30) {
        out.swap(0, n - 1);
    }
    if rng.chance(10) {
        out.insert(0, "{apply, {io, format, [\"upgrading~n\"]}}".into());
        out.insert(1, "point_of_no_return".into());
    }
    if rng.chance(5) {
        out.push("{apply, {application, set_env, [x, y, z]}}".into());
    }
    out
}

struct Case {
    apps: Vec<App>,
    rels: Vec<Rel>,
    up: Vec<usize>,
    down: Vec<usize>,
    opts: Vec<&'static str>,
}

fn modules_of(rng: &mut Rng, app: &str, n: usize) -> Vec<String> {
    let _ = rng;
    (1..=n).map(|i| format!("{app}_m{i}")).collect()
}

fn version_pattern(rng: &mut Rng, vsn: &str) -> String {
    match rng.below(4) {
        0 => "<<\"1\\\\.0\\\\.[0-9]+\">>".into(),
        1 => format!("<<\"{}\">>", vsn.replace('.', "\\\\.")),
        _ => format!("\"{vsn}\""),
    }
}

fn appup_text(
    rng: &mut Rng,
    vsn: &str,
    ups: &[(String, Vec<String>)],
    downs: &[(String, Vec<String>)],
) -> String {
    let entries = |rng: &mut Rng, list: &[(String, Vec<String>)]| -> String {
        let mut es = Vec::new();
        if rng.chance(25) {
            es.push("{\"0.9.9\", [{restart_application, nothing}]}".to_string());
        }
        if rng.chance(15) {
            es.push("{<<\"2\\\\..*\">>, []}".to_string());
        }
        for (v, instrs) in list {
            es.push(format!(
                "{{{}, [{}]}}",
                version_pattern(rng, v),
                instrs.join(",\n     ")
            ));
        }
        es.join(",\n  ")
    };
    let up = entries(rng, ups);
    let down = entries(rng, downs);
    format!("{{\"{vsn}\",\n [{up}],\n [{down}]}}.\n")
}

fn gen_case(rng: &mut Rng) -> Case {
    let n_apps = 1 + rng.below(5);
    let two_bases = rng.chance(30);
    let erts_change = rng.chance(15);
    let kernel_up = rng.chance(8);
    let old_sasl = if erts_change && rng.chance(20) {
        "2.1"
    } else {
        "5.0"
    };
    let mut apps: Vec<App> = core("9.0", "5.0");
    if old_sasl != "5.0" {
        apps.extend(
            core("9.0", old_sasl)
                .into_iter()
                .filter(|a| a.name == "sasl"),
        );
    }
    let mut top_entries = vec![
        "{kernel, \"9.0\"}".to_string(),
        "{stdlib, \"5.0\"}".into(),
        "{sasl, \"5.0\"}".into(),
    ];
    let mut base_entries = vec![top_entries.clone(), top_entries.clone()];
    if old_sasl != "5.0" {
        base_entries[0][2] = format!("{{sasl, \"{old_sasl}\"}}");
    }
    if kernel_up {
        let mut k = core("9.1", "5.0").remove(0);
        k.modules.push("kernel_new".into());
        k.appup = Some(
            "{\"9.1\",\n [{<<\"9\\\\..*\">>, [restart_new_emulator]}],\n [{<<\"9\\\\..*\">>, [restart_new_emulator]}]}.\n".into(),
        );
        apps.push(k);
        top_entries[0] = "{kernel, \"9.1\"}".into();
    }
    // One dependency space per direction, shared by both base releases: an
    // appup entry written for one base may be the first to match the other
    // (a regex version), and two spaces could then meet in one relup as a
    // fork, whose order OTP leaves to its atom table (seed 777, case 241).
    let mut chains_up = Chains::default();
    let mut chains_dn = Chains::default();
    // applications present in every release, safe to depend on
    let mut stable: Vec<String> = Vec::new();
    let types = ["permanent", "transient", "temporary", "load", "none"];
    for i in 0..n_apps {
        let name = format!(
            "{}{}",
            ["web", "db", "cache", "auth", "mq", "log"][i % 6],
            i
        );
        let n_mods = 1 + rng.below(4);
        let old_mods = modules_of(rng, &name, n_mods);
        let mut uses = vec!["kernel".to_string(), "stdlib".to_string()];
        let fate = rng.below(10);
        if !stable.is_empty() && rng.chance(40) {
            uses.push(rng.pick(&stable).clone());
        } // 0-1 added, 2 removed, 3 unchanged, 4 restart, else upgraded
        let base_vsns = ["1.0.0".to_string(), format!("1.0.{}", 1 + rng.below(3))];
        let mut base_apps = Vec::new();
        for (b, bv) in base_vsns
            .iter()
            .enumerate()
            .take(if two_bases { 2 } else { 1 })
        {
            if fate <= 1 {
                continue;
            }
            let vsn = if fate == 3 {
                "1.1.0".to_string()
            } else {
                bv.clone()
            };
            let mods = if b == 1 && rng.chance(50) {
                modules_of(rng, &name, n_mods + 1)
            } else {
                old_mods.clone()
            };
            let app = App {
                name: name.clone(),
                vsn: vsn.clone(),
                modules: mods,
                uses: uses.clone(),
                registered: vec![],
                appup: None,
            };
            let ty = if rng.chance(20) {
                format!(", {}", rng.pick(&types))
            } else {
                String::new()
            };
            base_entries[b].push(format!("{{{name}, \"{vsn}\"{ty}}}"));
            if !apps.iter().any(|a| a.name == app.name && a.vsn == app.vsn) {
                apps.push(app.clone());
            }
            base_apps.push(app);
        }
        if fate != 2 {
            let mut top_mods = old_mods.clone();
            if rng.chance(40) {
                top_mods.push(format!("{name}_new"));
            }
            if top_mods.len() > 1 && rng.chance(25) {
                top_mods.remove(0);
            }
            let mut top = App {
                name: name.clone(),
                vsn: "1.1.0".into(),
                modules: top_mods.clone(),
                uses: uses.clone(),
                registered: vec![],
                appup: None,
            };
            if fate == 3 {
                top.modules = old_mods.clone();
            } else if fate > 3 {
                let mut ups = Vec::new();
                let mut downs = Vec::new();
                for b in &base_apps {
                    if fate == 4 {
                        ups.push((
                            b.vsn.clone(),
                            vec![format!("{{restart_application, {name}}}")],
                        ));
                        downs.push((
                            b.vsn.clone(),
                            vec![format!("{{restart_application, {name}}}")],
                        ));
                    } else {
                        ups.push((
                            b.vsn.clone(),
                            script(rng, &mut chains_up, &b.modules, &top_mods, "add_module"),
                        ));
                        downs.push((
                            b.vsn.clone(),
                            script(rng, &mut chains_dn, &top_mods, &b.modules, "add_module"),
                        ));
                    }
                }
                top.appup = Some(appup_text(rng, "1.1.0", &ups, &downs));
            }
            let ty = if rng.chance(25) {
                format!(", {}", rng.pick(&types))
            } else {
                String::new()
            };
            top_entries.push(format!("{{{name}, \"1.1.0\"{ty}}}"));
            apps.push(top);
        }
        if fate >= 3 {
            stable.push(name);
        }
    }
    let mut rels = vec![Rel {
        file: "rels/top.rel".into(),
        vsn: "2.0".into(),
        erts: if erts_change {
            "13.2".into()
        } else {
            "13.1".into()
        },
        entries: top_entries,
    }];
    for (b, entries) in base_entries
        .into_iter()
        .enumerate()
        .take(if two_bases { 2 } else { 1 })
    {
        rels.push(Rel {
            file: format!("rels/base{b}.rel"),
            vsn: format!("1.{b}"),
            erts: "13.1".into(),
            entries,
        });
    }
    let bases: Vec<usize> = (1..rels.len()).collect();
    let mut down = bases.clone();
    if rng.chance(20) {
        down.reverse();
    }
    let mut opts = Vec::new();
    if rng.chance(20) {
        opts.push("restart_emulator");
    }
    if rng.chance(10) {
        opts.push("warnings_as_errors");
    }
    let mut case = Case {
        apps,
        rels,
        up: bases,
        down,
        opts,
    };
    if rng.chance(12) {
        inject_error(rng, &mut case);
    }
    case
}

/// Breaks a case in one of the ways systools reports.
fn inject_error(rng: &mut Rng, case: &mut Case) {
    let with_appup: Vec<usize> = (0..case.apps.len())
        .filter(|&i| case.apps[i].appup.is_some() && case.apps[i].name != "kernel")
        .collect();
    match rng.below(8) {
        0 if !with_appup.is_empty() => {
            let i = *rng.pick(&with_appup);
            case.apps[i].appup = None; // file_problem
        }
        1 if !with_appup.is_empty() => {
            let i = *rng.pick(&with_appup);
            case.apps[i].appup =
                Some("{\"1.1.0\", [{\"0.0.1\", []}], [{\"0.0.1\", []}]}.\n".into());
            // no_relup
        }
        2 if !with_appup.is_empty() => {
            let i = *rng.pick(&with_appup);
            case.apps[i].appup = Some("{\"1.1.0\", [{<<\".*\">>, [{load_module, ghost_mod, [nowhere]}]}], [{<<\".*\">>, []}]}.\n".into());
        }
        3 => {
            let last = case.rels.len() - 1;
            case.rels[last].entries.retain(|e| !e.starts_with("{sasl")); // missing_sasl
        }
        4 if !with_appup.is_empty() => {
            let i = *rng.pick(&with_appup);
            case.apps[i].appup = Some(
                "{\"1.0.9\", [{<<\".*\">>, [{update, x_mod, foo}]}], [{<<\".*\">>, []}]}.\n".into(),
            );
        }
        5 => {
            let name = case.apps.last().map(|a| a.name.clone()).unwrap_or_default();
            case.apps.retain(|a| a.name != name || a.vsn != "1.1.0"); // error_reading
        }
        6 => {
            // a module in two applications
            if let Some(a) = case.apps.iter_mut().find(|a| a.vsn == "1.1.0") {
                a.modules.push("lists".into());
            }
        }
        _ => {
            if let Some(a) = case.apps.iter_mut().find(|a| a.vsn == "1.1.0") {
                a.uses.push("no_such_app".into()); // undefined_applications
            }
        }
    }
}

fn write_case(dir: &Path, case: &Case) -> std::io::Result<()> {
    for app in &case.apps {
        let ebin = dir
            .join("lib")
            .join(format!("{}-{}", app.name, app.vsn))
            .join("ebin");
        std::fs::create_dir_all(&ebin)?;
        std::fs::write(ebin.join(format!("{}.app", app.name)), app.text())?;
        if let Some(a) = &app.appup {
            std::fs::write(ebin.join(format!("{}.appup", app.name)), a)?;
        }
    }
    std::fs::create_dir_all(dir.join("rels"))?;
    for r in &case.rels {
        std::fs::write(dir.join(&r.file), r.text())?;
    }
    let stem = |i: &usize| format!("\"{}\"", case.rels[*i].file.trim_end_matches(".rel"));
    let erl = format!(
        "{{{}, [{}], [{}], [{}]}}.\n",
        stem(&0),
        case.up.iter().map(stem).collect::<Vec<_>>().join(", "),
        case.down.iter().map(stem).collect::<Vec<_>>().join(", "),
        case.opts.join(", ")
    );
    std::fs::write(dir.join("case.txt"), erl)?;
    let mut args = format!("top {}\n", case.rels[0].file);
    for u in &case.up {
        let _ = writeln!(args, "up {}", case.rels[*u].file);
    }
    for d in &case.down {
        let _ = writeln!(args, "down {}", case.rels[*d].file);
    }
    for o in &case.opts {
        let _ = writeln!(args, "opt {o}");
    }
    std::fs::write(dir.join("args.txt"), args)
}

/// Runs this crate on one case folder; returns the `rust.txt` contents and the relup text.
fn run_case(dir: &Path) -> Result<(String, Option<String>), String> {
    let args = std::fs::read_to_string(dir.join("args.txt")).map_err(|e| e.to_string())?;
    let mut top = PathBuf::new();
    let (mut up, mut down) = (Vec::new(), Vec::new());
    let mut opts = relup::Options::default();
    for line in args.lines() {
        let (k, v) = line.split_once(' ').unwrap_or((line, ""));
        match k {
            "top" => top = dir.join(v),
            "up" => up.push((dir.join(v), Term::nil())),
            "down" => down.push((dir.join(v), Term::nil())),
            "opt" if v == "restart_emulator" => opts.restart_emulator = true,
            "opt" if v == "warnings_as_errors" => opts.warnings_as_errors = true,
            _ => {}
        }
    }
    Ok(
        match relup::make_relup_from_paths(&top, &up, &down, &[dir.join("lib")], opts) {
            Ok(g) => {
                let ws = Term::list(g.warnings.iter().map(|w| w.to_term()).collect());
                (
                    format!("{{ok, {}, {}}}.\n", g.relup.to_term(), ws),
                    Some(g.relup.to_file_text()),
                )
            }
            Err(e) => (
                format!(
                    "{{error, {}}}.\n%% {}\n",
                    Term::atom(e.otp_tag()),
                    e.to_string().replace('\n', " ")
                ),
                None,
            ),
        },
    )
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["gen", out, count, seed] => {
            let (Ok(count), Ok(seed)) = (count.parse::<usize>(), seed.parse::<u64>()) else {
                eprintln!("COUNT and SEED must be numbers");
                return std::process::ExitCode::from(2);
            };
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            for i in 0..count {
                let dir = Path::new(out).join(format!("case-{i:04}"));
                let _ = std::fs::remove_dir_all(&dir);
                if let Err(e) = write_case(&dir, &gen_case(&mut rng)) {
                    eprintln!("{}: {e}", dir.display());
                    return std::process::ExitCode::FAILURE;
                }
            }
            std::process::ExitCode::SUCCESS
        }
        ["run", out] => {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir(out)
                .map(|rd| {
                    rd.filter_map(|e| e.ok())
                        .map(|e| e.path())
                        .filter(|p| p.join("args.txt").exists())
                        .collect()
                })
                .unwrap_or_default();
            dirs.sort();
            for dir in dirs {
                match run_case(&dir) {
                    Ok((txt, relup)) => {
                        let _ = std::fs::write(dir.join("rust.txt"), txt);
                        let _ = std::fs::remove_file(dir.join("rust.relup"));
                        if let Some(r) = relup {
                            let _ = std::fs::write(dir.join("rust.relup"), r);
                        }
                    }
                    Err(e) => eprintln!("{}: {e}", dir.display()),
                }
            }
            std::process::ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: gen_cases gen OUTDIR COUNT SEED | gen_cases run OUTDIR");
            std::process::ExitCode::from(2)
        }
    }
}
