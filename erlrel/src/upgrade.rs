//! `erlrel upgrade check`: whether a release can be hot-upgraded from older
//! ones. The logic is `relup::upgrade`; this module parses arguments and
//! prints findings.

mod output;

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
    /// The new release and the old ones, read. A `--lib` folder that
    /// cannot be read stops the command (exit 2), as in `erlrel relup`.
    fn open(&self) -> Result<(ReleaseFiles, Vec<ReleaseFiles>), relup::Error> {
        let libs = relup::input::checked_library_from_dirs(&self.libs)?;
        let new = ReleaseFiles::open_version(&self.to, self.vsn.as_deref(), &libs)?;
        // An OLD named twice is read and checked once.
        let mut named = std::collections::HashSet::new();
        let olds = self
            .from
            .iter()
            .filter(|f| named.insert(f.as_str()))
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

/// The exit status of a command that stopped on an error: 1 when the
/// input was read and is rejected, 2 when it could not run (the
/// classification is the error type's: [`relup::Error::is_rejected_input`],
/// [`release_audit::AuditError::is_rejected_input`]). `erlrel relup`,
/// `upgrade check`, `upgrade pack` and `audit` all end through here.
pub(crate) fn failure_status(rejected: bool) -> ExitCode {
    ExitCode::from(if rejected { 1 } else { 2 })
}

/// An error as `--format json` prints it on stdout:
/// `{"ok": false, "error": {"kind", "message", "path"}}`, `kind` being
/// `rejected` (exit 1) or `could-not-run` (exit 2).
pub(crate) fn print_error_json(rejected: bool, message: &str, path: Option<&str>) {
    let doc = serde_json::json!({
        "ok": false,
        "error": {
            "kind": if rejected { "rejected" } else { "could-not-run" },
            "message": message,
            "path": path,
        }
    });
    match serde_json::to_string_pretty(&doc) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("error: {e}"),
    }
}

/// Text for a terminal: control characters escaped (`\u{1b}`).
pub(crate) fn escape(text: &str) -> String {
    erlterm::diagnostic::escape_control(text).into_owned()
}

/// Reports an error of `upgrade check` / `upgrade pack` (and its JSON
/// document with `json`), and gives the exit status.
fn fail(e: &relup::Error, json: bool) -> ExitCode {
    let message = escape(&e.to_string());
    eprintln!("error: {message}");
    if json {
        print_error_json(e.is_rejected_input(), &message, e.path());
    }
    failure_status(e.is_rejected_input())
}

fn run_check(args: &CheckArgs) -> ExitCode {
    let json = args.format == Format::Json;
    let report = match check(args) {
        Ok(r) => r,
        Err(e) => return fail(&e, json),
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

fn check(args: &CheckArgs) -> Result<Report, relup::Error> {
    let (new, olds) = args.releases.open()?;
    check_upgrade(&olds, &new)
}

/// Refuses an output inside the folders of the release folder `to` that
/// go into the tarball (`bin/`, `erts-*/`, `lib/`, `releases/VSN/`): the
/// tarball would hold its own temporary file (or an older copy of
/// itself). Beside the release (its root, as `rebar3 tar` writes
/// `NAME-VSN.tar.gz`, or `releases/`) is fine.
fn output_inside_release(output: &Path, to: &Path) -> Option<String> {
    let root = std::fs::canonicalize(to).ok().filter(|r| r.is_dir())?;
    let real = std::fs::canonicalize(output)
        .ok()
        .or_else(|| filetx::dangling_end(output).ok().flatten())
        .unwrap_or_else(|| output.to_path_buf());
    let folder = match real.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let folder = std::fs::canonicalize(&folder).ok()?;
    let inside = folder.strip_prefix(&root).ok()?;
    if inside.as_os_str().is_empty() || inside == Path::new("releases") {
        return None;
    }
    Some(format!(
        "{}: is inside the release it packs ({}): the tarball would hold itself; write it beside the release",
        erlterm::diagnostic::escape_path(output),
        erlterm::diagnostic::escape_path(&root.join(inside))
    ))
}

fn run_pack(args: &PackArgs) -> ExitCode {
    let (new, olds) = match args.releases.open() {
        Ok(x) => x,
        Err(e) => return fail(&e, false),
    };
    if let Some(e) = output_inside_release(&args.output, &args.releases.to) {
        eprintln!("error: {e}");
        return failure_status(false);
    }
    // The target is checked (and its folder locked) before anything is
    // made; the tarball is streamed to a temporary file beside it.
    let mut out = match output::Output::prepare(&args.output, args.force, args.dry_run) {
        Ok(o) => o,
        Err(output::OutputError(e)) => {
            eprintln!("error: {}", escape(&e));
            return failure_status(false);
        }
    };
    let opts = relup::pack::PackOptions {
        generate_appups: args.generate_appups,
    };
    let packed = match relup::pack::pack_into(&olds, &new, &args.releases.to, opts, &mut out) {
        Ok(p) => p,
        Err(e) => {
            if let Some(output::OutputError(w)) = out.write_failure() {
                eprintln!("error: {}", escape(&w));
                return failure_status(false);
            }
            return fail(&e, false);
        }
    };
    for a in &packed.appups {
        eprintln!(
            "{} {} (from {})",
            a.how,
            escape(&a.path),
            escape(&a.from.join(", "))
        );
    }
    let rel = format!("releases/{}/relup", new.vsn());
    let froms: Vec<&str> = packed.relup.up.iter().map(|e| e.vsn.as_str()).collect();
    eprintln!(
        "generated {} (from {})",
        escape(&rel),
        escape(&froms.join(", "))
    );
    print_human(&packed.report);
    let refused =
        packed.report.has_errors() || (args.deny_warnings && packed.report.has_warnings());
    if refused {
        eprintln!(
            "error: {} not written: the packed upgrade has the findings above",
            erlterm::diagnostic::escape_path(&args.output)
        );
        return ExitCode::from(1);
    }
    let bytes = packed.bytes;
    let dry = args.dry_run;
    match out.commit() {
        Ok(()) => {
            output::report_written(&args.output, dry, bytes);
            ExitCode::SUCCESS
        }
        Err(output::OutputError(e)) => {
            eprintln!("error: {}", escape(&e));
            failure_status(false)
        }
    }
}

/// An old release: a path, or a version of the `--to` root
/// ([`relup::appup_gen::open_old`]); a release that names neither a path
/// nor a version of `to` could not be read ([`relup::Error::Unreadable`]).
pub fn open_old(
    from: &str,
    to: &Path,
    libs: &relup::Library,
) -> Result<ReleaseFiles, relup::Error> {
    use relup::appup_gen::AppupGenError;
    relup::appup_gen::open_old(from, to, libs).map_err(|e| match e {
        AppupGenError::Release(e) => e,
        other => relup::Error::Unreadable {
            path: escape(from),
            message: match other {
                AppupGenError::NoSuchRelease(_) => {
                    "no such file or folder, nor a release version of --to".to_owned()
                }
                other => other.to_string(),
            },
        },
    })
}

/// Prints each finding on its line, its hint below it.
pub fn print_findings(report: &Report) {
    for f in &report.findings {
        println!("{}", escape(&f.to_string()));
        if let Some(hint) = &f.hint {
            println!("  = hint: {}", escape(hint));
        }
    }
}

fn print_human(report: &Report) {
    print_findings(report);
    for n in &report.notes {
        println!("note: {}", escape(n));
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
