//! `erlrel vsn show|set`: application versions (`.app.src`) and release
//! versions (`rebar.config` relx releases, in profiles too, and
//! `relx.config`), read and bumped without touching anything else in the
//! files: comments, layout and literal spellings stay as written.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path as FsPath, PathBuf};
use std::process::ExitCode;

use erlterm::document::{Document, Path, Tokens};
use erlterm::{Node, NodeKind, Term};

/// The `vsn` subcommands.
#[derive(clap::Subcommand)]
pub enum Command {
    /// List application and release versions found under the paths.
    Show(ShowArgs),
    /// Write a version into every application and release, changing nothing else.
    Set(SetArgs),
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
    /// Files or directories (default `.`); `_build`, `.git` and `deps` are skipped.
    paths: Vec<PathBuf>,
    /// Exit with status 1 unless all versions agree.
    #[arg(long)]
    check: bool,
}

/// Arguments of `erlrel vsn set`.
#[derive(clap::Args)]
pub struct SetArgs {
    /// The new version (omit with `--git`).
    #[arg(required_unless_present = "git")]
    version: Option<String>,
    /// Files or directories (default `.`).
    paths: Vec<PathBuf>,
    /// Derive the version from `git describe` as rebar3's `{vsn, git}` does.
    #[arg(long, conflicts_with = "version")]
    git: bool,
    /// Also overwrite non-string versions (`git`, `semver`, `{cmd, ...}`...).
    #[arg(long)]
    force: bool,
    /// Print what would change without writing.
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
        Command::Verify(a) => verify(a),
        Command::Roundtrip(a) => Ok(roundtrip(a)),
    };
    result.unwrap_or_else(|msg| {
        eprintln!("error: {msg}");
        ExitCode::FAILURE
    })
}

/// Which kind of file holds versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileKind {
    AppSrc,
    RebarConfig,
    RelxConfig,
}

fn file_kind(path: &FsPath) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if name.ends_with(".app.src") {
        Some(FileKind::AppSrc)
    } else if name.ends_with("rebar.config") {
        Some(FileKind::RebarConfig)
    } else if name.ends_with("relx.config") {
        Some(FileKind::RelxConfig)
    } else {
        None
    }
}

/// A version written in a file.
#[derive(Clone, Debug)]
struct Site {
    path: Path,
    what: &'static str,
    name: String,
    line: u32,
    value: Vsn,
}

/// A literal version string, or a form computed at build time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Vsn {
    Literal(String),
    Dynamic(String),
}

impl Vsn {
    fn shown(&self) -> String {
        match self {
            Vsn::Literal(s) => s.clone(),
            Vsn::Dynamic(raw) => format!("{raw} (computed at build time)"),
        }
    }
}

/// Strings that rebar3 and relx read as a version source, not a version.
const DYNAMIC_STRINGS: &[&str] = &["git", "semver", "hg", "pkg", "git_subdir"];

fn classify(node: &Node, raw: &str) -> Vsn {
    match node.as_string() {
        Some(s) if !DYNAMIC_STRINGS.contains(&s.as_str()) => Vsn::Literal(s),
        _ => Vsn::Dynamic(raw.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

/// The version sites of a parsed file.
fn sites(doc: &Document, kind: FileKind) -> Vec<Site> {
    let mut out = Vec::new();
    for (i, node) in doc.nodes().iter().enumerate() {
        let top = Path::term(i);
        match kind {
            FileKind::AppSrc => app_site(doc, node, top, &mut out),
            FileKind::RelxConfig => release_site(doc, node, top, &mut out),
            FileKind::RebarConfig => rebar_sites(doc, node, top, &mut out),
        }
    }
    out
}

fn push_site(doc: &Document, out: &mut Vec<Site>, path: Path, what: &'static str, name: &Node) {
    if let (Some(node), Some(raw)) = (doc.get(&path), doc.raw(&path)) {
        out.push(Site {
            value: classify(node, raw),
            line: node.span.line,
            name: name.to_term().to_string(),
            what,
            path,
        });
    }
}

/// `{application, Name, [{vsn, V} | _]}`.
fn app_site(doc: &Document, node: &Node, top: Path, out: &mut Vec<Site>) {
    if let Some([tag, name, _]) = node.as_tuple() {
        if tag.as_atom() == Some("application") {
            push_site(doc, out, top.index(2).key("vsn"), "app", name);
        }
    }
}

/// `{release, {Name, Vsn, ...}, ...}`.
fn release_site(doc: &Document, node: &Node, at: Path, out: &mut Vec<Site>) {
    let Some([tag, id, _, ..]) = node.as_tuple() else {
        return;
    };
    if tag.as_atom() != Some("release") {
        return;
    }
    if let Some([name, _, ..]) = id.as_tuple() {
        push_site(doc, out, at.index(1).index(1), "release", name);
    }
}

/// The releases of a relx list.
fn relx_sites(doc: &Document, relx: &Node, at: &Path, out: &mut Vec<Site>) {
    if let NodeKind::List(items, _) = &relx.kind {
        for (k, item) in items.iter().enumerate() {
            release_site(doc, item, at.clone().index(k), out);
        }
    }
}

/// `{relx, [...]}` and `{profiles, [{P, [{relx, [...]}]}]}`.
fn rebar_sites(doc: &Document, node: &Node, top: Path, out: &mut Vec<Site>) {
    let Some([key, value]) = node.as_tuple() else {
        return;
    };
    match key.as_atom() {
        Some("relx") => relx_sites(doc, value, &top.index(1), out),
        Some("profiles") => {
            let NodeKind::List(profiles, _) = &value.kind else {
                return;
            };
            for (p, profile) in profiles.iter().enumerate() {
                for (e, entry) in entries_of(profile).iter().enumerate() {
                    if let Some([k, relx]) = entry.as_tuple() {
                        if k.as_atom() == Some("relx") {
                            let at = top.clone().index(1).index(p).index(1).index(e).index(1);
                            relx_sites(doc, relx, &at, out);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// The entries of a profile `{Name, [Entries]}`.
fn entries_of(profile: &Node) -> &[Node] {
    match profile.as_tuple() {
        Some([_, entries]) => match &entries.kind {
            NodeKind::List(items, _) => items,
            _ => &[],
        },
        _ => &[],
    }
}

/// A file with versions, parsed.
struct VsnFile {
    path: PathBuf,
    doc: Document,
    sites: Vec<Site>,
}

/// Loads every version file under `paths`; errors name the file.
fn load_all(paths: &[PathBuf]) -> Result<Vec<VsnFile>, String> {
    let mut files = BTreeSet::new();
    let roots = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    for root in &roots {
        collect(root, true, &mut files).map_err(|e| format!("{}: {e}", root.display()))?;
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let Some(kind) = file_kind(&path) else {
            continue;
        };
        let loaded = erlterm::read_file(&path).and_then(|b| Document::parse_bytes(&b));
        match loaded {
            Ok(doc) => {
                let sites = sites(&doc, kind);
                out.push(VsnFile { path, doc, sites });
            }
            Err(e) => errors.push(format!("{}:{}: {e}", path.display(), e.line())),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.join("\n"))
    }
}

/// Directories skipped while walking: build output, VCS data, fetched deps.
const SKIPPED_DIRS: &[&str] = &["_build", ".git", "deps"];

/// Collects version files under `path` (symlinked directories not followed,
/// so a link loop cannot make the walk endless).
fn collect(path: &FsPath, explicit: bool, out: &mut BTreeSet<PathBuf>) -> std::io::Result<()> {
    let meta = if explicit {
        fs::metadata(path)?
    } else {
        fs::symlink_metadata(path)?
    };
    if meta.is_file() {
        if explicit || file_kind(path).is_some() {
            out.insert(path.to_path_buf());
        }
        return Ok(());
    }
    if !meta.is_dir() {
        return Ok(());
    }
    for entry in fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name();
        if SKIPPED_DIRS.iter().any(|d| name == *d) {
            continue;
        }
        collect(&entry.path(), false, out)?;
    }
    Ok(())
}

fn show(args: &ShowArgs) -> Result<ExitCode, String> {
    let files = load_all(&args.paths)?;
    let mut seen = BTreeSet::new();
    let mut out = String::new();
    for f in &files {
        for s in &f.sites {
            out.push_str(&format!(
                "{}:{}\t{}\t{}\t{}\n",
                f.path.display(),
                s.line,
                s.what,
                s.name,
                s.value.shown()
            ));
            seen.insert(s.value.clone());
        }
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if args.check && seen.len() > 1 {
        eprintln!("versions disagree: {} different values", seen.len());
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn set(args: &SetArgs) -> Result<ExitCode, String> {
    let version = match (&args.version, args.git) {
        (_, true) => git_vsn(args.paths.first().map_or(FsPath::new("."), |p| p.as_path())),
        (Some(v), false) => v.clone(),
        (None, false) => return Err("a VERSION or --git is needed".into()),
    };
    let files = load_all(&args.paths)?;
    let mut changed = Vec::new();
    for mut f in files {
        if apply(&mut f, &version, args.force)? {
            changed.push(f);
        }
    }
    for f in &changed {
        if !args.dry_run {
            write_atomically(&f.path, &f.doc.to_bytes())
                .map_err(|e| format!("{}: {e}", f.path.display()))?;
        }
        println!("{}: set to {version}", f.path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Sets `version` at every literal site (every site with `force`);
/// returns whether the document changed.
fn apply(f: &mut VsnFile, version: &str, force: bool) -> Result<bool, String> {
    let mut changed = false;
    for s in &f.sites {
        let current = match &s.value {
            Vsn::Literal(v) => Some(v.as_str()),
            Vsn::Dynamic(raw) if !force => {
                eprintln!(
                    "{}:{}: {} {} has version {raw}, left alone (use --force to overwrite)",
                    f.path.display(),
                    s.line,
                    s.what,
                    s.name
                );
                continue;
            }
            Vsn::Dynamic(_) => None,
        };
        if current == Some(version) {
            continue;
        }
        f.doc
            .set_string(&s.path, version)
            .map_err(|e| format!("{}:{}: {e}", f.path.display(), s.line))?;
        changed = true;
    }
    Ok(changed)
}

/// Replaces `path` with `bytes` so that a reader sees the old or the new
/// file, never a part: a temporary file in the same directory, synced,
/// then renamed over it (and the directory synced so the rename lasts).
fn write_atomically(path: &FsPath, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => FsPath::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.erlrel-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        if let Ok(meta) = fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Runs git in `dir`; the trimmed output, or `None` on any failure.
fn git(dir: &FsPath, args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// rebar3's `{vsn, git}` (`rebar_git_resource:make_vsn`, spec §1.4): the
/// tag of HEAD (leading `v` removed); else the latest tag plus
/// `+build.N.refHASH` with N the number of commits reachable from HEAD;
/// `0.0.0` when there is no repository or commit.
fn git_vsn(path: &FsPath) -> String {
    let dir = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(FsPath::new("."))
    };
    let dir = if dir.as_os_str().is_empty() {
        FsPath::new(".")
    } else {
        dir
    };
    let Some(hash) = git(dir, &["log", "-n", "1", "--pretty=format:%h"]) else {
        eprintln!("warning: getting the git log failed; using version 0.0.0");
        return "0.0.0".into();
    };
    if let Some(tag) = head_tag(dir) {
        return tag;
    }
    let latest = git(dir, &["describe", "--tags", "--abbrev=0"])
        .map(|t| strip_v(&t).to_owned())
        .unwrap_or_else(|| "0.0.0".into());
    let count = git(dir, &["rev-list", "HEAD"]).map_or(0, |s| s.lines().count());
    format!("{latest}+build.{count}.ref{hash}")
}

/// The version of a tag on HEAD, as rebar3 finds it in
/// `git log --oneline --no-walk --tags --decorate` (`(HEAD -> b, tag: v1.0)`).
fn head_tag(dir: &FsPath) -> Option<String> {
    let log = git(
        dir,
        &[
            "-c",
            "color.ui=false",
            "log",
            "--oneline",
            "--no-walk",
            "--tags",
            "--decorate",
        ],
    )?;
    log.lines().find_map(|line| {
        let deco = line.split_once('(')?.1;
        let deco = deco.split_once(')').map_or(deco, |d| d.0);
        let mut parts = deco.split(", ");
        let head = parts.next()?;
        if !head.starts_with("HEAD") {
            return None;
        }
        let tag = parts.next()?.strip_prefix("tag: ")?;
        Some(strip_v(tag).to_owned())
    })
}

fn strip_v(tag: &str) -> &str {
    tag.strip_prefix('v').unwrap_or(tag)
}

/// The terms `orig` should read as after `vsn set VERSION`, computed on
/// plain terms (independently of the document editor).
fn expected_terms(kind: FileKind, terms: &[Term], version: &str) -> Vec<Term> {
    terms
        .iter()
        .map(|t| match kind {
            FileKind::AppSrc => set_app_term(t, version),
            FileKind::RelxConfig => set_release_term(t, version),
            FileKind::RebarConfig => set_rebar_term(t, version),
        })
        .collect()
}

fn is_literal(t: &Term) -> bool {
    t.as_string()
        .is_some_and(|s| !DYNAMIC_STRINGS.contains(&s.as_str()))
}

fn set_app_term(t: &Term, version: &str) -> Term {
    let Some((tag, name, (props, tail))) = t.as_tuple().and_then(|els| match els {
        [tag, name, list] => Some((tag, name, list.list_parts()?)),
        _ => None,
    }) else {
        return t.clone();
    };
    if tag.as_atom() != Some("application") {
        return t.clone();
    }
    let mut props = props.to_vec();
    let first_vsn = props.iter_mut().find_map(|p| match p {
        Term::Tuple(kv) if kv.len() == 2 && kv[0].as_atom() == Some("vsn") => Some(&mut kv[1]),
        _ => None,
    });
    if let Some(v) = first_vsn.filter(|v| is_literal(v)) {
        *v = Term::string(version);
    }
    Term::tuple(vec![tag.clone(), name.clone(), with_tail(props, tail)])
}

fn set_release_term(t: &Term, version: &str) -> Term {
    let mut t = t.clone();
    if let Term::Tuple(els) = &mut t {
        if els.len() >= 3 && els[0].as_atom() == Some("release") {
            if let Term::Tuple(id) = &mut els[1] {
                if id.len() >= 2 && is_literal(&id[1]) {
                    id[1] = Term::string(version);
                }
            }
        }
    }
    t
}

fn map_list(t: &Term, f: impl Fn(&Term) -> Term) -> Term {
    match t {
        Term::List(_) | Term::ImproperList(_) => {
            let (items, tail) = t.list_parts().unwrap_or_default();
            with_tail(items.iter().map(f).collect(), tail)
        }
        other => other.clone(),
    }
}

/// A list of `items` ending in `tail` (`None`: a proper list).
fn with_tail(items: Vec<Term>, tail: Option<&Term>) -> Term {
    match tail {
        None => Term::List(items),
        Some(t) => Term::improper_list(items, t.clone()),
    }
}

fn set_rebar_term(t: &Term, version: &str) -> Term {
    let relx = |v: &Term| map_list(v, |r| set_release_term(r, version));
    match t.as_tuple() {
        Some([k, v]) if k.as_atom() == Some("relx") => Term::tuple(vec![k.clone(), relx(v)]),
        Some([k, v]) if k.as_atom() == Some("profiles") => {
            let profiles = map_list(v, |p| match p.as_tuple() {
                Some([name, entries @ (Term::List(_) | Term::ImproperList(_))]) => {
                    let entries = map_list(entries, |e| match e.as_tuple() {
                        Some([rk, rv]) if rk.as_atom() == Some("relx") => {
                            Term::tuple(vec![rk.clone(), relx(rv)])
                        }
                        _ => e.clone(),
                    });
                    Term::tuple(vec![name.clone(), entries])
                }
                _ => p.clone(),
            });
            Term::tuple(vec![k.clone(), profiles])
        }
        _ => t.clone(),
    }
}

/// `vsn verify ORIG NEW VERSION`: NEW parses, reads as ORIG with the
/// versions set, and differs from ORIG only on lines holding VERSION.
fn verify(args: &VerifyArgs) -> Result<ExitCode, String> {
    let kind =
        file_kind(&args.orig).ok_or("ORIG is not an .app.src, rebar.config or relx.config")?;
    let read = |p: &PathBuf| erlterm::read_file(p).map_err(|e| format!("{}: {e}", p.display()));
    let (orig, new) = (read(&args.orig)?, read(&args.new)?);
    let orig_terms = erlterm::parse_bytes(&orig).map_err(|e| format!("ORIG: {e}"))?;
    let new_terms = erlterm::parse_bytes(&new).map_err(|e| format!("NEW: {e}"))?;
    let want = expected_terms(kind, &orig_terms, &args.version);
    if new_terms != want {
        return Err("NEW does not read as ORIG with the versions set".into());
    }
    let (o, n) = (
        erlterm::encoding::decode_for_display(&orig),
        erlterm::encoding::decode_for_display(&new),
    );
    let (ol, nl): (Vec<&str>, Vec<&str>) = (o.split('\n').collect(), n.split('\n').collect());
    if ol.len() != nl.len() {
        return Err("NEW has a different number of lines".into());
    }
    for (i, (a, b)) in ol.iter().zip(&nl).enumerate() {
        if a != b && !b.contains(args.version.as_str()) {
            return Err(format!("line {} changed beyond the version", i + 1));
        }
    }
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
        out.push_str(&format!("{status}\t{}\n", path.display()));
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// A project tree in a fresh temporary directory.
    fn project(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("erlrel-vsn-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let files: &[(&str, &str)] = &[
            (
                "apps/a/src/a.app.src",
                "%% app a\n{application, a,\n [{vsn, \"0.1.0\"}, % bump\n  {applications, [kernel]}]}.\n",
            ),
            ("apps/b/src/b.app.src", "{application, b, [{vsn, git}]}.\n"),
            ("_build/default/lib/c/src/c.app.src", "{application, c, [{vsn, \"9\"}]}.\n"),
            (
                "rebar.config",
                "{relx, [{release, {r, \"0.1.0\"}, % main\n         [a, b]}]}.\n{profiles, [{prod, [{relx, [{release, {r, \"0.1.0\"}, [a]}]}]}]}.\n",
            ),
        ];
        for (path, text) in files {
            let p = root.join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        root
    }

    fn show_lines(root: &FsPath) -> Vec<(String, Vsn)> {
        let files = load_all(&[root.to_path_buf()]).unwrap();
        files
            .iter()
            .flat_map(|f| {
                f.sites
                    .iter()
                    .map(|s| (format!("{} {}", s.what, s.name), s.value.clone()))
            })
            .collect()
    }

    #[test]
    fn show_finds_apps_and_releases_skipping_build() {
        let root = project("show");
        let lit = |s: &str| Vsn::Literal(s.into());
        assert_eq!(
            show_lines(&root),
            vec![
                ("app a".into(), lit("0.1.0")),
                ("app b".into(), Vsn::Dynamic("git".into())),
                ("release r".into(), lit("0.1.0")),
                ("release r".into(), lit("0.1.0")),
            ]
        );
        let check = ShowArgs {
            paths: vec![root.clone()],
            check: true,
        };
        assert_eq!(show(&check).unwrap(), ExitCode::FAILURE);
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn set_changes_only_literal_versions() {
        let root = project("set");
        let before_b = fs::read_to_string(root.join("apps/b/src/b.app.src")).unwrap();
        let args = SetArgs {
            version: Some("1.2.3".into()),
            paths: vec![root.clone()],
            git: false,
            force: false,
            dry_run: false,
        };
        assert_eq!(set(&args).unwrap(), ExitCode::SUCCESS);
        let a = fs::read_to_string(root.join("apps/a/src/a.app.src")).unwrap();
        assert_eq!(
            a,
            "%% app a\n{application, a,\n [{vsn, \"1.2.3\"}, % bump\n  {applications, [kernel]}]}.\n"
        );
        let rebar = fs::read_to_string(root.join("rebar.config")).unwrap();
        assert_eq!(rebar.matches("\"1.2.3\"").count(), 2);
        assert!(rebar.contains("% main\n"));
        assert_eq!(
            fs::read_to_string(root.join("apps/b/src/b.app.src")).unwrap(),
            before_b
        );
        let built = fs::read_to_string(root.join("_build/default/lib/c/src/c.app.src")).unwrap();
        assert!(built.contains("\"9\""));
        // No temporary file is left behind.
        let leftovers = fs::read_dir(root.join("apps/a/src")).unwrap().count();
        assert_eq!(leftovers, 1);

        let force = SetArgs {
            force: true,
            ..args
        };
        set(&force).unwrap();
        let b = fs::read_to_string(root.join("apps/b/src/b.app.src")).unwrap();
        assert_eq!(b, "{application, b, [{vsn, \"1.2.3\"}]}.\n");
        let check = ShowArgs {
            paths: vec![root.clone()],
            check: true,
        };
        assert_eq!(show(&check).unwrap(), ExitCode::SUCCESS);
        fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn expected_terms_match_the_editor() {
        let src = "{relx, [{release, {r, \"1\"}, [a]}, {release, {s, semver}, [a]}]}.";
        let mut doc = Document::parse(src).unwrap();
        for s in sites(&doc, FileKind::RebarConfig) {
            if matches!(s.value, Vsn::Literal(_)) {
                doc.set_string(&s.path, "2").unwrap();
            }
        }
        let want = expected_terms(
            FileKind::RebarConfig,
            &erlterm::parse_str(src).unwrap(),
            "2",
        );
        assert_eq!(doc.terms(), want);
    }

    #[test]
    fn git_vsn_follows_rebar3() {
        let root = std::env::temp_dir().join(format!("erlrel-vsn-git-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        assert_eq!(git_vsn(&root), "0.0.0");
        let run = |args: &[&str]| {
            let ok = std::process::Command::new("git")
                .arg("-C")
                .arg(&root)
                .args(["-c", "user.name=t", "-c", "user.email=t@t"])
                .args(args)
                .output()
                .is_ok_and(|o| o.status.success());
            assert!(ok, "git {args:?}");
        };
        if git(&root, &["--version"]).is_none() {
            return;
        }
        run(&["init", "-q"]);
        run(&["commit", "-q", "--allow-empty", "-m", "one"]);
        run(&["tag", "v1.4.0"]);
        assert_eq!(git_vsn(&root), "1.4.0");
        run(&["commit", "-q", "--allow-empty", "-m", "two"]);
        let hash = git(&root, &["log", "-n", "1", "--pretty=format:%h"]).unwrap();
        assert_eq!(git_vsn(&root), format!("1.4.0+build.2.ref{hash}"));
        fs::remove_dir_all(root).unwrap();
    }
}
