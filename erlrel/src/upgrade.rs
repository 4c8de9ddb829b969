//! `erlrel upgrade check`: whether a release can be hot-upgraded from older
//! ones. The logic is `relup::upgrade`; this module parses arguments and
//! prints findings.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use relup::upgrade::{check_upgrade, Code, Finding, Report, Severity};
use relup::ReleaseFiles;

/// Upgrade subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Check before deploying that NEW can be hot-upgraded from each OLD.
    #[command(after_long_help = codes_help())]
    Check(CheckArgs),
    /// Make the installable upgrade: NEW as a tarball (rebar3 tar's layout)
    /// with the relup from every OLD and the appups it needs, written only
    /// if `upgrade check` finds no error in it.
    Pack(PackArgs),
}

/// The releases an upgrade command compares.
#[derive(clap::Args, Debug)]
pub struct Releases {
    /// An old release (repeatable): a release tarball, a release root
    /// folder, a `.rel` file, or a version of the --to root (`--from 1.0.0`).
    #[arg(long = "from", value_name = "OLD", required = true)]
    from: Vec<String>,
    /// The new release: a release root folder (rebar3's _build/prod/rel/NAME),
    /// a tarball or a `.rel` file. It is read, never changed.
    #[arg(long, value_name = "NEW")]
    to: PathBuf,
    /// The release of --to when its root holds several (default: the newest).
    #[arg(long, value_name = "VSN")]
    vsn: Option<String>,
    /// Extra library folders searched for applications (`DIR/*/ebin`).
    #[arg(long = "lib", value_name = "DIR")]
    libs: Vec<PathBuf>,
}

impl Releases {
    /// The new release and the old ones, read.
    fn open(&self) -> Result<(ReleaseFiles, Vec<ReleaseFiles>), String> {
        let libs = relup::input::library_from_dirs(&self.libs);
        let new = ReleaseFiles::open_version(&self.to, self.vsn.as_deref(), &libs)
            .map_err(|e| e.to_string())?;
        let olds = self
            .from
            .iter()
            .map(|f| open_old(f, &self.to, &libs))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((new, olds))
    }
}

/// Arguments of `erlrel upgrade pack`.
#[derive(clap::Args, Debug)]
pub struct PackArgs {
    #[command(flatten)]
    releases: Releases,
    /// The tarball to write (for relx's `bin/NAME upgrade VSN`, put it in the
    /// target's releases/ folder as NAME-VSN.tar.gz).
    #[arg(short = 'o', long = "output", value_name = "OUT.tar.gz")]
    output: PathBuf,
    /// Generate the appups that are missing or lack an entry for an OLD
    /// version (added after the hand-written entries, never replacing one).
    #[arg(long)]
    generate_appups: bool,
    /// Replace OUT if it exists.
    #[arg(long)]
    force: bool,
    /// Pack and check, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Refuse to write OUT on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

/// Arguments of `erlrel upgrade check`.
#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    releases: Releases,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One finding per line, with a hint below it.
    Human,
    /// A JSON object: `findings` (code, severity, from, app, module, message, hint) and `notes`.
    Json,
}

/// The `--help` text listing every finding code.
fn codes_help() -> String {
    let mut out = String::from(
        "Exit status: 0 no error finding (warnings allowed unless --deny-warnings); \
         1 error findings; 2 could not run (bad usage, unreadable input).\n\nFindings:\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "  {:<9} {:<28} {}\n",
            code.severity().as_str(),
            code.as_str(),
            code.explain()
        ));
    }
    out
}

/// Runs an upgrade subcommand.
pub fn run(cmd: &Command) -> ExitCode {
    match cmd {
        Command::Check(args) => run_check(args),
        Command::Pack(args) => run_pack(args),
    }
}

fn run_check(args: &CheckArgs) -> ExitCode {
    let report = match check(args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match args.format {
        Format::Human => print_human(&report),
        Format::Json => print_json(&report),
    }
    let fails = report.has_errors() || (args.deny_warnings && report.has_warnings());
    if fails {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn check(args: &CheckArgs) -> Result<Report, String> {
    let (new, olds) = args.releases.open()?;
    check_upgrade(&olds, &new).map_err(|e| e.to_string())
}

fn run_pack(args: &PackArgs) -> ExitCode {
    let opened = args.releases.open();
    let (new, olds) = match opened {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let opts = relup::pack::PackOptions {
        generate_appups: args.generate_appups,
    };
    let packed = match relup::pack::pack(&olds, &new, &args.releases.to, opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    for a in &packed.appups {
        eprintln!("{} {} (from {})", a.how, a.path, a.from.join(", "));
    }
    let rel = format!("releases/{}/relup", new.vsn());
    let froms: Vec<&str> = packed.relup.up.iter().map(|e| e.vsn.as_str()).collect();
    eprintln!("generated {rel} (from {})", froms.join(", "));
    print_human(&packed.report);
    let refused =
        packed.report.has_errors() || (args.deny_warnings && packed.report.has_warnings());
    if refused {
        eprintln!(
            "error: {} not written: the packed upgrade has the findings above",
            args.output.display()
        );
        return ExitCode::from(1);
    }
    let write = crate::write::WriteOptions {
        force: args.force,
        dry_run: args.dry_run,
        show_diff: false,
    };
    match crate::write::write_new_files(vec![(args.output.clone(), packed.tarball)], write) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// An old release: a path, or a version of the `--to` root
/// ([`relup::appup_gen::open_old`]).
pub fn open_old(from: &str, to: &Path, libs: &relup::Library) -> Result<ReleaseFiles, String> {
    relup::appup_gen::open_old(from, to, libs).map_err(|e| e.to_string())
}

/// Prints each finding on its line, its hint below it.
pub fn print_findings(report: &Report) {
    for f in &report.findings {
        println!("{f}");
        if let Some(hint) = &f.hint {
            println!("  = hint: {hint}");
        }
    }
}

fn print_human(report: &Report) {
    print_findings(report);
    for n in &report.notes {
        println!("note: {n}");
    }
    let count = |s: Severity| report.findings.iter().filter(|f| f.severity() == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    if errors == 0 && warnings == 0 {
        println!("upgrade check passed");
    } else {
        println!("{errors} error(s), {warnings} warning(s)");
    }
}

#[derive(serde::Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    severity: &'static str,
    from: Option<&'a str>,
    app: Option<&'a str>,
    module: Option<&'a str>,
    message: &'a str,
    hint: Option<&'a str>,
}

#[derive(serde::Serialize)]
struct JsonReport<'a> {
    findings: Vec<JsonFinding<'a>>,
    notes: &'a [String],
}

fn json_finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        code: f.code.as_str(),
        severity: f.severity().as_str(),
        from: f.from.as_deref(),
        app: f.app.as_deref(),
        module: f.module.as_deref(),
        message: &f.message,
        hint: f.hint.as_deref(),
    }
}

fn print_json(report: &Report) {
    let out = JsonReport {
        findings: report.findings.iter().map(json_finding).collect(),
        notes: &report.notes,
    };
    match serde_json::to_string_pretty(&out) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: {e}"),
    }
}
