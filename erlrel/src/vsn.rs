//! `erlrel vsn show|set|bump`: application versions (`.app.src`, `.app`),
//! release versions (`rebar.config` relx releases, in profiles too, and
//! `relx.config`) and appup top versions, read and changed without touching
//! anything else in the files. Finding, planning and checking is
//! `relx_config::vsn_edit` and `relx_config::vsn_project`; writing is `filetx` (all files or none, links,
//! owners, modes and hard links kept, a lock against concurrent runs).
//!
//! Exit status: 0 success; 1 the files were read and are rejected (a parse
//! error, versions that disagree under `show --check`, a version with no
//! number to bump, no version found); 2 could not run (bad usage, such as
//! a VERSION that is not a version; a missing or unreadable path; not a git
//! work tree for `--git`; a file that may not be written; an I/O failure).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use erlterm::diagnostic::{escape_control, escape_path};
use erlterm::document::{Document, Tokens};
use relx_config::vsn_edit::{Change, Part, Scan, VsnError, VsnPlan, VsnValue};
use relx_config::vsn_project::{self, ProjectError};

/// The `vsn` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// List application, release and appup versions found under the paths.
    Show(ShowArgs),
    /// Write a version into every application and release (and appup),
    /// changing nothing else.
    Set(SetArgs),
    /// Bump the major, minor or patch number of every application and
    /// release version (and appup).
    Bump(BumpArgs),
    /// Check that NEW is ORIG with only its versions set to VERSION (for tests).
    #[command(hide = true)]
    Verify(VerifyArgs),
    /// Check that each file reads back byte for byte as a document (for tests).
    #[command(hide = true)]
    Roundtrip(RoundtripArgs),
}

/// Arguments of `erlrel vsn roundtrip`.
#[derive(clap::Args)]
pub struct RoundtripArgs {
    /// The files.
    files: Vec<PathBuf>,
    /// Check the token stream instead (every file that scans): `ok`
    /// (round-trips byte for byte), `scan-error` (the parser reports the
    /// same error) or `FAIL`.
    #[arg(long)]
    tokens: bool,
}

/// Arguments of `erlrel vsn show`.
#[derive(clap::Args)]
pub struct ShowArgs {
    /// Files or folders (default `.`); `_build`, `.git` and `deps` are
    /// skipped; symbolic links are followed.
    paths: Vec<PathBuf>,
    /// Exit with status 1 unless all versions agree.
    #[arg(long)]
    check: bool,
}

/// Arguments of `erlrel vsn set`.
#[derive(clap::Args)]
pub struct SetArgs {
    /// The new version: semver (1.2.3, 1.2.3-rc.1) or dotted numbers
    /// (25.2.3.1). With --git, the first path.
    #[arg(required_unless_present = "git")]
    version: Option<String>,
    /// Files or folders (default `.`).
    paths: Vec<PathBuf>,
    /// Set each application to what rebar3 computes for `{vsn, git}` and
    /// each release to what relx computes for `{release, {Name, git}, _}`,
    /// asking git in REPO (default: in each file's folder, as rebar3 does).
    #[arg(long, value_name = "REPO", num_args = 0..=1)]
    git: Option<Option<PathBuf>>,
    /// Also overwrite versions computed at build time (`git`, `semver`,
    /// `{cmd, ...}`...), and write read-only files.
    #[arg(long)]
    force: bool,
    /// Print the diff that would be applied, write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Which number `vsn bump` increments.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum BumpPart {
    /// 1.2.3 → 2.0.0 (1.2 → 2.0).
    Major,
    /// 1.2.3 → 1.3.0 (1.2 → 1.3).
    Minor,
    /// 1.2.3 → 1.2.4 (1.2 → 1.2.1).
    Patch,
}

/// Arguments of `erlrel vsn bump`.
#[derive(clap::Args)]
pub struct BumpArgs {
    /// The number to increment. Semver follows `npm version` (a
    /// pre-release is released first: 1.3.0-rc.1 → minor 1.3.0; build
    /// metadata dropped); dotted numbers keep their count of parts and
    /// zero those after the bumped one (25.2.3.1 → minor 25.3.0.0).
    part: BumpPart,
    /// Files or folders (default `.`).
    paths: Vec<PathBuf>,
    /// Write read-only files too.
    #[arg(long)]
    force: bool,
    /// Print the diff that would be applied, write nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Arguments of `erlrel vsn verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// The original file.
    orig: PathBuf,
    /// The edited file.
    new: PathBuf,
    /// The version that was set.
    version: String,
}

/// Runs a `vsn` subcommand.
pub fn run(cmd: &Command) -> ExitCode {
    let result = match cmd {
        Command::Show(a) => show(a),
        Command::Set(a) => set(a),
        Command::Bump(a) => bump(a),
        Command::Verify(a) => verify(a).map_err(|msg| (msg, 1)),
        Command::Roundtrip(a) => Ok(roundtrip(a)),
    };
    result.unwrap_or_else(|(msg, code)| {
        // Several errors come one a line: each line escaped on its own.
        let lines: Vec<_> = msg.split('\n').map(escape_control).collect();
        eprintln!("error: {}", lines.join("\n"));
        ExitCode::from(code)
    })
}

/// An error message and the exit status it gives.
type Failure = (String, u8);

fn failure(e: &ProjectError) -> Failure {
    (e.to_string(), if e.is_rejection() { 1 } else { 2 })
}

/// Prints the scan's notes.
fn print_notes(scan: &Scan) {
    for note in &scan.notes {
        eprintln!("note: {note}");
    }
}

fn show(args: &ShowArgs) -> Result<ExitCode, Failure> {
    let scan = vsn_project::scan(&args.paths).map_err(|e| failure(&e))?;
    print_notes(&scan);
    let seen = vsn_project::distinct_versions(&scan);
    let mut out = String::new();
    for (f, s) in scan.sites() {
        out.push_str(&format!(
            "{}:{}\t{}\t{}\t{}\n",
            escape_path(&f.path),
            s.line,
            s.kind.as_str(),
            escape_control(&s.name),
            escape_control(&s.value.to_string())
        ));
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if seen.is_empty() {
        eprintln!("no application or release version found");
        return Ok(ExitCode::FAILURE);
    }
    if args.check && seen.len() > 1 {
        eprintln!("versions disagree: {} different values", seen.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn set(args: &SetArgs) -> Result<ExitCode, Failure> {
    let (change, paths) =
        vsn_project::set_request(args.version.as_deref(), args.git.clone(), &args.paths)
            .map_err(|e| (e.to_string(), 2))?;
    edit(&paths, &change, args.force, args.dry_run)
}

fn bump(args: &BumpArgs) -> Result<ExitCode, Failure> {
    let part = match args.part {
        BumpPart::Major => Part::Major,
        BumpPart::Minor => Part::Minor,
        BumpPart::Patch => Part::Patch,
    };
    // `force` writes read-only files; versions computed at build time are
    // never bumped.
    edit(&args.paths, &Change::Bump(part), args.force, args.dry_run)
}

/// How many times a run starts over when another run changed a file
/// between this run's reading and writing.
const ATTEMPTS: usize = 5;

/// Plans (`vsn_project::plan_change`) and applies `change`, starting over (up to [`ATTEMPTS`]
/// times) when another process changed a file meanwhile.
fn edit(
    paths: &[PathBuf],
    change: &Change,
    force: bool,
    dry_run: bool,
) -> Result<ExitCode, Failure> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let scan = vsn_project::scan(paths).map_err(|e| failure(&e))?;
        print_notes(&scan);
        let mut plan = match vsn_project::plan_change(&scan, paths, change, force) {
            Ok(plan) => plan,
            // Another process wrote a file between the scan and the plan.
            Err(ProjectError::Vsn(VsnError::Changed { .. })) if attempt < ATTEMPTS => continue,
            Err(e) => return Err(failure(&e)),
        };
        drop(scan);
        // The contents move into the transaction: one copy of each.
        let mut tx = filetx::Plan::new();
        for f in &mut plan.files {
            tx.edit_expecting(
                &f.path,
                std::mem::take(&mut f.old),
                std::mem::take(&mut f.new),
            );
        }
        let opts = filetx::Options {
            dry_run,
            force,
            ..filetx::Options::default()
        };
        match tx.apply(&opts) {
            Ok(report) => {
                drop(tx);
                print_outcome(&plan, &report, change);
                return Ok(ExitCode::SUCCESS);
            }
            Err(filetx::Error::Changed { .. }) if attempt < ATTEMPTS => continue,
            Err(e) => return Err((e.to_string(), 2)),
        }
    }
}

fn print_outcome(plan: &VsnPlan, report: &filetx::Report, change: &Change) {
    let why = match change {
        Change::Bump(_) => "computed at build time",
        _ => "use --force to overwrite",
    };
    for s in &plan.skipped {
        eprintln!("{s} ({why})");
    }
    if report.dry_run {
        // Written as it is formatted: the diff may be as large as the files.
        let _ = write!(std::io::stdout().lock(), "{report}");
        return;
    }
    let mut out = String::new();
    if plan.files.is_empty() {
        out.push_str("nothing to change\n");
    } else {
        for f in &plan.files {
            for e in &f.edits {
                let was = match &e.from {
                    VsnValue::Literal(v) => v.clone(),
                    VsnValue::Dynamic(raw) => raw.clone(),
                };
                out.push_str(&format!(
                    "{}:{}: set to {} ({} {}, was {})\n",
                    escape_path(&f.path),
                    e.line,
                    escape_control(&e.to),
                    e.kind.as_str(),
                    escape_control(&e.name),
                    escape_control(&was)
                ));
            }
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

/// `vsn verify ORIG NEW VERSION`: NEW parses, reads as ORIG with the
/// versions set, and differs from ORIG only on lines holding VERSION.
fn verify(args: &VerifyArgs) -> Result<ExitCode, String> {
    vsn_project::verify_kind(&args.orig).map_err(|e| e.to_string())?;
    // erlterm's I/O errors name the path already.
    let read = |p: &PathBuf| erlterm::read_file(p).map_err(|e| e.to_string());
    let (orig, new) = (read(&args.orig)?, read(&args.new)?);
    vsn_project::verify_set(&args.orig, &orig, &new, &args.version).map_err(|e| e.to_string())?;
    Ok(ExitCode::SUCCESS)
}

/// `vsn roundtrip FILE...`: one line per file, `ok`, `rejected` (the parser
/// rejects it too, with the same error) or `FAIL`; exit 1 on any failure.
fn roundtrip(args: &RoundtripArgs) -> ExitCode {
    let mut failed = false;
    let mut out = String::new();
    for path in &args.files {
        let status = match erlterm::read_file(path) {
            Ok(bytes) if args.tokens => tokens_status(&bytes),
            Ok(bytes) => roundtrip_status(&bytes),
            Err(e) => format!("FAIL {e}"),
        };
        failed |= status.starts_with("FAIL");
        out.push_str(&format!("{status}\t{}\n", escape_path(path)));
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `vsn roundtrip --tokens`: a file that scans must print back byte for
/// byte; a scan error must be the error `parse_bytes` reports (or come
/// after an error the parser meets first: `scan-error-after`).
fn tokens_status(bytes: &[u8]) -> String {
    match (Tokens::parse_bytes(bytes), erlterm::parse_bytes(bytes)) {
        (Ok(t), _) if t.to_bytes() == bytes => "ok".into(),
        (Ok(_), _) => "FAIL tokens differ".into(),
        (Err(a), Err(b)) if a == b => format!("scan-error {}", one_line(&a)),
        (Err(a), Err(b)) if b.span.start < a.span.start => {
            format!(
                "scan-error-after {} / parser: {}",
                one_line(&a),
                one_line(&b)
            )
        }
        (Err(a), Err(b)) => format!("FAIL other error: {} / {}", one_line(&a), one_line(&b)),
        (Err(e), Ok(_)) => format!(
            "FAIL tokens reject what the parser accepts: {}",
            one_line(&e)
        ),
    }
}

fn one_line(e: &erlterm::Error) -> String {
    format!("line {}: {e}", e.line()).replace(['\n', '\t'], " ")
}

fn roundtrip_status(bytes: &[u8]) -> String {
    match (Document::parse_bytes(bytes), erlterm::parse_bytes(bytes)) {
        (Ok(doc), Ok(terms)) if doc.to_bytes() == bytes && doc.terms() == terms => "ok".into(),
        (Ok(_), Ok(_)) => "FAIL differs".into(),
        (Err(a), Err(b)) if a == b => "rejected".into(),
        (Err(a), Err(b)) => format!("FAIL other error: {a} / {b}"),
        (Ok(_), Err(e)) => format!("FAIL document accepts what the parser rejects: {e}"),
        (Err(e), Ok(_)) => format!("FAIL document rejects: {e}"),
    }
}
