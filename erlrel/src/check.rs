//! `erlrel check FILE...`: parse errors, model errors and lints, for every
//! kind of release file. Each kind has its own module that returns findings.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use erlterm::diagnostic::{render, Severity};
use erlterm::Span;

/// Arguments of `erlrel check`.
#[derive(clap::Args)]
pub struct Args {
    /// Files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The kind of file, instead of guessing it from the name.
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// The kinds of file `erlrel check` knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A `.appup` file.
    Appup,
    /// An `.appup.src` file (template or script-like).
    AppupSrc,
    /// `rebar.config`.
    RebarConfig,
    /// An `.app` file.
    App,
    /// An `.app.src` file.
    AppSrc,
    /// `sys.config`.
    SysConfig,
    /// `sys.config.src`.
    SysConfigSrc,
    /// `vm.args`.
    VmArgs,
    /// `vm.args.src`.
    VmArgsSrc,
    /// A `.rel` file.
    Rel,
    /// A relup file.
    Relup,
    /// Any other term file: only parsed.
    Terms,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// rustc-style diagnostics.
    Human,
    /// One JSON object per finding, in an array.
    Json,
}

/// One problem found in a file.
#[derive(Clone, Debug)]
pub struct Finding {
    /// How serious.
    pub severity: Severity,
    /// A stable code such as `E0001` or `appup::unescaped-dot`.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// Where, if known.
    pub span: Option<Span>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Finding {
    /// A finding for a parse error.
    pub fn from_parse_error(e: &erlterm::Error) -> Finding {
        Finding {
            severity: Severity::Error,
            code: "parse".into(),
            message: e.kind.to_string(),
            span: Some(e.span),
            help: e.help.clone(),
        }
    }
}

/// Guesses the kind of a file from its name.
pub fn detect_kind(path: &Path) -> Kind {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let checks: [(&str, Kind); 11] = [
        (".appup.src", Kind::AppupSrc),
        (".appup", Kind::Appup),
        ("rebar.config", Kind::RebarConfig),
        (".app.src", Kind::AppSrc),
        (".app", Kind::App),
        ("sys.config.src", Kind::SysConfigSrc),
        ("vm.args.src", Kind::VmArgsSrc),
        ("vm.args", Kind::VmArgs),
        (".rel", Kind::Rel),
        ("relup", Kind::Relup),
        (".config", Kind::SysConfig),
    ];
    checks
        .iter()
        .find(|(suffix, _)| name.ends_with(suffix))
        .map(|(_, k)| *k)
        .unwrap_or(Kind::Terms)
}

fn check_file(kind: Kind, path: &Path, text: &str) -> Vec<Finding> {
    match kind {
        Kind::Appup | Kind::AppupSrc => crate::check_appup::check(kind, path, text),
        Kind::RebarConfig
        | Kind::App
        | Kind::AppSrc
        | Kind::SysConfig
        | Kind::SysConfigSrc
        | Kind::VmArgs
        | Kind::VmArgsSrc => crate::check_config::check(kind, path, text),
        Kind::Rel | Kind::Relup | Kind::Terms => match erlterm::parse_str(text) {
            Ok(_) => Vec::new(),
            Err(e) => vec![Finding::from_parse_error(&e)],
        },
    }
}

fn json_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Note => "note",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

pub fn run(args: &Args) -> ExitCode {
    let mut errors = 0usize;
    let mut json = Vec::new();
    for file in &args.files {
        let kind = args.kind.unwrap_or_else(|| detect_kind(file));
        let origin = file.display().to_string();
        let text = match std::fs::read(file) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                eprintln!("error: {origin}: {e}");
                errors += 1;
                continue;
            }
        };
        for f in check_file(kind, file, &text) {
            if f.severity == Severity::Error {
                errors += 1;
            }
            match args.format {
                Format::Human => {
                    let text = match f.span {
                        Some(span) => render(
                            &text,
                            &origin,
                            span,
                            f.severity,
                            Some(&f.code),
                            &f.message,
                            f.help.as_deref(),
                        ),
                        None => format!(
                            "{}[{}]: {origin}: {}",
                            severity_name(f.severity),
                            f.code,
                            f.message
                        ),
                    };
                    eprintln!("{text}");
                }
                Format::Json => {
                    let (line, column) = f.span.map_or((0, 0), |s| (s.line, s.column));
                    json.push(format!(
                        "{{\"file\":{},\"severity\":\"{}\",\"code\":{},\"message\":{},\"line\":{line},\"column\":{column},\"help\":{}}}",
                        json_escape(&origin),
                        severity_name(f.severity),
                        json_escape(&f.code),
                        json_escape(&f.message),
                        f.help.as_deref().map_or("null".to_string(), json_escape),
                    ));
                }
            }
        }
    }
    if args.format == Format::Json {
        println!("[{}]", json.join(","));
    }
    if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
