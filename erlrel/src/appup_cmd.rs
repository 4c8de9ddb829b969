//! `erlrel appup ...`: version lookup in appup files, and the comparison
//! with OTP's answers used by `scripts/live-appup.sh`.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use appup::{Direction, PatternError, VsnRegex};
use erlterm::{Node, ParseOptions, Term};

/// Appup subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Print the instructions of the entry that matches a version.
    Match(MatchArgs),
    /// Write appups for the applications whose version changed between two releases.
    Generate(crate::appup_gen::GenerateArgs),
    /// Check that every changed application has a complete appup (exit 1 if not).
    Check(crate::appup_gen::CheckArgs),
    /// Compare with OTP's answers (TSV from scripts/appup/oracle.escript on stdin).
    #[command(hide = true)]
    OracleCompare,
}

/// Arguments of `erlrel appup match`.
#[derive(clap::Args)]
pub struct MatchArgs {
    /// The .appup (or .appup.src) file.
    file: PathBuf,
    /// The version to upgrade from (or downgrade to, with --down).
    vsn: String,
    /// Search the downgrade entries.
    #[arg(long)]
    down: bool,
    /// For `{VSN, ...}` and `{{vsn}}` files: the value of VSN.
    #[arg(long, value_name = "VSN")]
    app_vsn: Option<String>,
    /// Refuse files larger than this many bytes (default 2147483648, 2 GiB),
    /// before reading them.
    #[arg(long, value_name = "N", default_value_t = erlterm::DEFAULT_MAX_FILE_BYTES)]
    max_bytes: u64,
}

/// Runs an appup subcommand.
pub fn run(cmd: &Command) -> ExitCode {
    match cmd {
        Command::Match(args) => run_match(args),
        Command::Generate(args) => crate::appup_gen::run_generate(args),
        Command::Check(args) => crate::appup_gen::run_check(args),
        Command::OracleCompare => oracle_compare(),
    }
}

/// Reads the appup term as systools does (first term only), binding `VSN`
/// and rendering `{{vsn}}` when a value is given.
///
/// Read straight into a [`Term`], without a span tree: memory is the text
/// and the term.
fn read_appup_term(path: &Path, app_vsn: Option<&str>, bytes: Vec<u8>) -> Result<Term, String> {
    let (text, opts) = appup_text(path, app_vsn, bytes)?;
    let (term, _) = appup::read::first_value_with(&text, &opts).map_err(|e| located(path, &e))?;
    Ok(term)
}

/// `PATH: LINE:COLUMN: message`, or `PATH: message` for an error with no
/// position (line 0), the path escaped.
fn located(path: &Path, e: &appup::AppupError) -> String {
    let shown = erlterm::diagnostic::escape_path(path);
    match e {
        appup::AppupError::Parse(p)
            if p.span.line == 0 || matches!(p.kind, erlterm::ErrorKind::Io { .. }) =>
        {
            format!("{shown}: {}", p.kind)
        }
        e => format!("{shown}: {e}"),
    }
}

/// The text of an appup (rendered when `app_vsn` is given) and the
/// options it is read with.
fn read_appup_text(path: &Path, app_vsn: Option<&str>) -> Result<(String, ParseOptions), String> {
    let bytes = erlterm::read_file(path).map_err(|e| e.to_string())?;
    appup_text(path, app_vsn, bytes)
}

/// [`read_appup_text`] for bytes already read.
fn appup_text(
    path: &Path,
    app_vsn: Option<&str>,
    bytes: Vec<u8>,
) -> Result<(String, ParseOptions), String> {
    let shown = erlterm::diagnostic::escape_path(path);
    let text = String::from_utf8(bytes).map_err(|_| format!("{shown}: invalid UTF-8"))?;
    Ok(match app_vsn {
        Some(v) => (
            appup::template::render(&text, v).map_err(|e| e.to_string())?,
            ParseOptions::default().bind("VSN", Term::string(v)),
        ),
        None => (text, ParseOptions::default()),
    })
}

fn read_appup_node(path: &Path, app_vsn: Option<&str>) -> Result<Node, String> {
    let (text, opts) = read_appup_text(path, app_vsn)?;
    let (node, _) = appup::read::first_term_with(&text, &opts).map_err(|e| located(path, &e))?;
    Ok(node)
}

/// Whether an appup-shaped term is really a relup: its entries are
/// `{Vsn, Descr, Instructions}` (an appup's are `{Vsn, Instructions}`).
fn is_relup_term(term: &Term) -> bool {
    let Some([_, up, down]) = term.as_tuple() else {
        return false;
    };
    fn entries(l: &Term) -> std::slice::Iter<'_, Term> {
        l.as_list().unwrap_or_default().iter()
    }
    let mut all = entries(up).chain(entries(down)).peekable();
    all.peek().is_some()
        && all.all(|e| {
            matches!(e.as_tuple(), Some([v, _, instrs])
                if v.as_string().is_some() && instrs.as_list().is_some())
        })
}

fn run_match(args: &MatchArgs) -> ExitCode {
    let shown = erlterm::diagnostic::escape_path(&args.file);
    // Could not run: missing, unreadable, not a regular file or too large,
    // refused before reading (exit 2).
    let bytes = match erlterm::read_file_with_limit(&args.file, args.max_bytes) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {}", crate::check::escape_control(&e.to_string()));
            return ExitCode::from(2);
        }
    };
    // Read but rejected (exit 1).
    let term = match read_appup_term(&args.file, args.app_vsn.as_deref(), bytes) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {}", crate::check::escape_control(&e));
            return ExitCode::FAILURE;
        }
    };
    if is_relup_term(&term) {
        eprintln!(
            "error: {shown} is a relup, not an appup: its entries are {{Vsn, Descr, Instructions}}, an appup's {{Vsn, Instructions}}"
        );
        return ExitCode::FAILURE;
    }
    let dir = if args.down {
        Direction::Down
    } else {
        Direction::Up
    };
    match appup::find_instructions_ref(&term, &args.vsn, dir) {
        Ok(Some(instrs)) => {
            // Printed from the appup's own list, as `Term::list` prints:
            // no second copy of a long list.
            println!("{}", ListOf(&instrs));
            ExitCode::SUCCESS
        }
        Ok(None) => {
            let which = if args.down { "DownTo" } else { "UpFrom" };
            eprintln!(
                "no {which} entry of {shown} matches version {}",
                quoted(&args.vsn)
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!(
                "error: {shown}: {}",
                crate::check::escape_control(&e.to_string())
            );
            ExitCode::FAILURE
        }
    }
}

/// A version as messages show it: in double quotes, control characters
/// escaped (never as a list of integers).
pub(crate) fn quoted(vsn: &str) -> String {
    let inner = vsn.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{}\"", erlterm::diagnostic::escape_control(&inner))
}

/// A proper list printed in canonical form, as [`Term::list`] of the same
/// items would print, without building that term.
struct ListOf<'a>(&'a [Term]);

impl std::fmt::Display for ListOf<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[")?;
        for (i, t) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{t}")?;
        }
        f.write_str("]")
    }
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Tallies of the comparison.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    unsupported: usize,
}

/// Our answer for a single pattern, in the oracle's vocabulary.
fn pattern_answer(
    cache: &mut HashMap<Vec<u8>, Result<VsnRegex, PatternError>>,
    pat: &[u8],
    vsn: &str,
) -> Result<&'static str, String> {
    let re = cache
        .entry(pat.to_vec())
        .or_insert_with(|| VsnRegex::compile(pat));
    match re {
        Ok(re) => match re.whole_match(vsn) {
            Ok(true) => Ok("match"),
            Ok(false) => Ok("nomatch"),
            Err(e) => Err(e.to_string()),
        },
        Err(PatternError::Invalid { .. } | PatternError::InvalidUtf8 { .. }) => Ok("crash"),
        Err(e) => Err(e.to_string()),
    }
}

/// Our answer for a lookup in a file, in the oracle's vocabulary.
fn file_answer(term: &Result<Term, String>, dir: &str, vsn: &str) -> Result<String, String> {
    let Ok(term) = term else {
        return Ok("badfile".into());
    };
    let Some([_, up, down]) = term.as_tuple() else {
        return Ok("badfile".into());
    };
    let list = if dir == "up" { up } else { down };
    match appup::search(list, vsn) {
        Ok(Some(i)) => Ok(format!("match:{i}")),
        Ok(None) => Ok("nomatch".into()),
        Err(PatternError::Invalid { .. } | PatternError::InvalidUtf8 { .. }) => Ok("crash".into()),
        Err(PatternError::Malformed(_)) => Ok("crash".into()),
        Err(e) => Err(e.to_string()),
    }
}

fn read_for_oracle(path: &str) -> Result<Node, String> {
    read_appup_node(Path::new(path), None)
        .or_else(|_| read_appup_node(Path::new(path), Some("99.0.0")))
}

/// systools_rc's verdict on one entry's instructions, in the oracle's words.
fn entry_answer(node: &Result<Node, String>, dir: &str, index: usize) -> String {
    let entry = node.as_ref().ok().and_then(|n| {
        let list = n.as_tuple()?.get(if dir == "up" { 1 } else { 2 })?;
        list.as_list()?.get(index)?.as_tuple()?.get(1).cloned()
    });
    let Some(instrs) = entry else {
        return "missing".into();
    };
    let Some(items) = instrs.as_list() else {
        return "crash".into();
    };
    match appup::instruction::parse_script(items) {
        Ok(_) => "ok".into(),
        Err(e) if e.reason == appup::instruction::Reason::ImproperList => "crash".into(),
        Err(e) => e.otp_reason().to_string(),
    }
}

fn oracle_compare() -> ExitCode {
    let mut tally = Tally::default();
    let mut regexes = HashMap::new();
    let mut files: HashMap<String, Result<Node, String>> = HashMap::new();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let cols: Vec<&str> = line.split('\t').collect();
        let (ours, otp, what) = match cols.as_slice() {
            ["re", pat, vsn, otp] => {
                let (Some(pat), Some(vsn)) = (
                    unhex(pat),
                    unhex(vsn).and_then(|v| String::from_utf8(v).ok()),
                ) else {
                    eprintln!("bad line: {line}");
                    tally.failed += 1;
                    continue;
                };
                let what = format!("<<{:?}>> vs {vsn:?}", String::from_utf8_lossy(&pat));
                (
                    pattern_answer(&mut regexes, &pat, &vsn).map(String::from),
                    *otp,
                    what,
                )
            }
            ["file", path, dir, vsn, otp] => {
                let node = files
                    .entry(path.to_string())
                    .or_insert_with(|| read_for_oracle(path));
                let term = node.as_ref().map(Node::to_term).map_err(Clone::clone);
                let vsn = unhex(vsn)
                    .and_then(|v| String::from_utf8(v).ok())
                    .unwrap_or_default();
                let what = format!("{path} {dir} {vsn:?}");
                (file_answer(&term, dir, &vsn), *otp, what)
            }
            ["entry", path, dir, index, otp] => {
                let node = files
                    .entry(path.to_string())
                    .or_insert_with(|| read_for_oracle(path));
                let what = format!("{path} {dir} entry {index}");
                let index = index.parse().unwrap_or(usize::MAX);
                (Ok(entry_answer(node, dir, index)), *otp, what)
            }
            _ => {
                eprintln!("bad line: {line}");
                tally.failed += 1;
                continue;
            }
        };
        match ours {
            Ok(ours) if ours == otp => tally.passed += 1,
            Ok(ours) => {
                tally.failed += 1;
                eprintln!("DISAGREE {what}: OTP {otp}, erlrel {ours}");
            }
            Err(e) => {
                // An explicit refusal, never a silent difference.
                tally.unsupported += 1;
                eprintln!("unsupported {what} (OTP {otp}): {e}");
            }
        }
    }
    println!("{} unsupported (refused with an error)", tally.unsupported);
    println!("{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod list_of_tests {
    use super::*;

    #[test]
    fn list_of_prints_as_term_list() {
        for text in [
            "[].",
            "[a].",
            "[{load_module,m},\"ab\",[1|2],<<1>>,#{a=>[]},'A b'].",
        ] {
            let t = erlterm::parse_str(text).unwrap_or_default();
            let items = t.first().and_then(Term::as_list).unwrap_or_default();
            assert!(!text.contains('a') || !items.is_empty(), "{text}");
            assert_eq!(
                ListOf(items).to_string(),
                Term::list(items.to_vec()).to_string()
            );
        }
    }
}
