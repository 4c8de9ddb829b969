//! `vm.args`: argument files read by `erl -args_file` (erts `erlexec`).
//!
//! The file is one character stream (spec `config-files.md` §6.1):
//! whitespace outside quotes separates arguments; `#` outside quotes
//! comments out the rest of the line, even mid-word; outside quotes `\c`
//! stands for `c` (a trailing lone `\` is dropped); `"..."` and `'...'`
//! keep everything literally up to the same quote (no escapes; an
//! unterminated quote runs to the end of the file); touching pieces form
//! one argument (`a"b c"d` = `ab cd`, `""` = an empty argument). There is
//! no environment-variable expansion.

use std::path::{Path, PathBuf};

use erlterm::Span;

use crate::error::{Error, ErrorKind, Result};

/// How deep `-args_file` may nest before we give up (erlexec itself loops
/// forever on a file that includes itself).
pub const MAX_ARGS_FILE_DEPTH: usize = 16;
/// Largest total number of arguments after expanding `-args_file`.
pub const MAX_ARGS: usize = 1_000_000;
/// Most `-args_file` files read in one expansion (a file that includes
/// another several times would otherwise be read exponentially often).
pub const MAX_ARGS_FILES: usize = 1_000;

/// One argument with where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arg {
    /// The argument after quote and escape removal.
    pub text: String,
    /// From its first to its last character in the file.
    pub span: Span,
}

/// One element of a vm.args file, in file order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// An argument.
    Arg(Arg),
    /// A `#` comment; the text after `#`, without the line end.
    Comment {
        /// The comment text.
        text: String,
        /// Where it was written (starting at `#`).
        span: Span,
    },
}

/// `-name` or `-sname`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// `-name` (long names).
    Name,
    /// `-sname` (short names).
    Sname,
}

/// A tokenised vm.args file.
///
/// ```
/// use relx_config::vm_args::{VmArgs, NameKind};
/// let v = VmArgs::parse("## node\n-sname n1\n-setcookie 'a b' # secret\n+K true\n");
/// assert_eq!(v.args(), ["-sname", "n1", "-setcookie", "a b", "+K", "true"]);
/// assert_eq!(v.node_name(), Some((NameKind::Sname, "n1".to_string())));
/// assert_eq!(v.cookie().as_deref(), Some("a b"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VmArgs {
    /// Arguments and comments in order.
    pub items: Vec<Item>,
}

/// Tracks byte offset, line and column while walking the text.
struct Cursor<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    line: u32,
    column: u32,
    len: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            chars: text.char_indices().peekable(),
            line: 1,
            column: 1,
            len: text.len(),
        }
    }

    /// The span of a zero-width position at the next character.
    fn here(&mut self) -> Span {
        let start = self.chars.peek().map_or(self.len, |(i, _)| *i) as u32;
        Span {
            start,
            end: start,
            line: self.line,
            column: self.column,
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|(_, c)| *c)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn offset(&mut self) -> u32 {
        self.chars.peek().map_or(self.len, |(i, _)| *i) as u32
    }
}

/// The characters `erlexec` treats as separators (C `isspace`).
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

impl VmArgs {
    /// Tokenises a vm.args text; never fails (erlexec accepts any text).
    ///
    /// ```
    /// let args = relx_config::vm_args::VmArgs::parse("-sname shop # the node\n-setcookie 'a b'\n+K true\n");
    /// assert_eq!(args.args(), ["-sname", "shop", "-setcookie", "a b", "+K", "true"]);
    /// assert_eq!(args.cookie().as_deref(), Some("a b"));
    /// ```
    pub fn parse(text: &str) -> VmArgs {
        let mut cur = Cursor::new(text);
        let mut items = Vec::new();
        while let Some(c) = cur.peek() {
            if is_space(c) {
                cur.bump();
            } else if c == '#' {
                items.push(comment(&mut cur));
            } else {
                items.extend(word(&mut cur));
            }
        }
        VmArgs { items }
    }

    /// The arguments, without comments and without expanding `-args_file`.
    pub fn args(&self) -> Vec<&str> {
        self.arg_items().map(|a| a.text.as_str()).collect()
    }

    /// The arguments with their spans.
    pub fn arg_items(&self) -> impl Iterator<Item = &Arg> {
        self.items.iter().filter_map(|i| match i {
            Item::Arg(a) => Some(a),
            Item::Comment { .. } => None,
        })
    }

    /// The value of the first `-name`/`-sname` argument.
    pub fn node_name(&self) -> Option<(NameKind, String)> {
        let args: Vec<&Arg> = self.arg_items().collect();
        args.windows(2).find_map(|w| {
            let [flag, value] = w else {
                return None;
            };
            let kind = match flag.text.as_str() {
                "-name" => NameKind::Name,
                "-sname" => NameKind::Sname,
                _ => return None,
            };
            Some((kind, value.text.clone()))
        })
    }

    /// The value of the first `-setcookie` argument.
    pub fn cookie(&self) -> Option<String> {
        self.flag_value("-setcookie")
    }

    /// The argument following the first occurrence of `flag`.
    pub fn flag_value(&self, flag: &str) -> Option<String> {
        let args: Vec<&Arg> = self.arg_items().collect();
        args.windows(2).find_map(|w| match w {
            [f, value] if f.text == flag => Some(value.text.clone()),
            _ => None,
        })
    }

    /// The arguments with every `-args_file F` replaced by F's arguments,
    /// as erlexec does. `read` gets the file name as written (erlexec
    /// opens it relative to the current directory, not to the including
    /// file). Errors: a missing file name, an unreadable file, nesting
    /// deeper than [`MAX_ARGS_FILE_DEPTH`] (which is how a cycle shows).
    pub fn expand(&self, read: &dyn Fn(&str) -> std::io::Result<String>) -> Result<Vec<String>> {
        let mut out = Vec::new();
        let mut files = 0;
        expand_into(self, read, 0, &mut files, &mut out)?;
        Ok(out)
    }

    /// [`VmArgs::expand`] reading files from disk relative to `cwd`.
    pub fn expand_from_dir(&self, cwd: &Path) -> Result<Vec<String>> {
        let cwd: PathBuf = cwd.to_path_buf();
        self.expand(&move |name| std::fs::read_to_string(cwd.join(name)))
    }

    /// The checks relx's start script makes (§6.2) on the lines of this
    /// file (not following `-args_file`): exactly one line matching
    /// `^-s?name +`. Returns the problems found (empty when fine), with
    /// the script's messages.
    pub fn relx_checks(text: &str) -> Vec<Error> {
        let mut names: Vec<Span> = Vec::new();
        let mut offset = 0u32;
        for (i, line) in text.split('\n').enumerate() {
            if is_name_line(line) {
                names.push(Span {
                    start: offset,
                    end: offset + line.len() as u32,
                    line: i as u32 + 1,
                    column: 1,
                });
            }
            offset += line.len() as u32 + 1;
        }
        match names.as_slice() {
            [] => vec![Error::rejected(
                "need to have exactly one of either -name or -sname parameters but none found",
                None,
            )
            .with_help(
                "the relx start script looks for a line starting with `-name ` or `-sname `",
            )],
            [_] => Vec::new(),
            [first, rest @ ..] => rest
                .iter()
                .map(|s| {
                    let line = |sp: &Span| text[sp.range()].trim_end_matches('\r').to_string();
                    let msg = format!(
                        "\"{}\" parameter found in vm.args but already specified as \"{}\"",
                        line(s),
                        line(first)
                    );
                    Error::rejected(msg, Some(*s))
                        .with_help("the relx start script accepts exactly one name line")
                })
                .collect(),
        }
    }
}

/// `^-s?name +` as the start script greps it.
fn is_name_line(line: &str) -> bool {
    let rest = line
        .strip_prefix("-name")
        .or_else(|| line.strip_prefix("-sname"));
    matches!(rest, Some(r) if r.starts_with(' '))
}

fn expand_into(
    v: &VmArgs,
    read: &dyn Fn(&str) -> std::io::Result<String>,
    depth: usize,
    files: &mut usize,
    out: &mut Vec<String>,
) -> Result<()> {
    let mut args = v.arg_items();
    while let Some(arg) = args.next() {
        if arg.text != "-args_file" {
            if out.len() >= MAX_ARGS {
                return Err(Error::new(
                    ErrorKind::Limit("too many arguments".into()),
                    Some(arg.span),
                ));
            }
            out.push(arg.text.clone());
            continue;
        }
        let Some(file) = args.next() else {
            return Err(Error::rejected(
                "-args_file without a file name",
                Some(arg.span),
            ));
        };
        if depth >= MAX_ARGS_FILE_DEPTH {
            return Err(Error::new(
                ErrorKind::Limit(format!(
                    "-args_file nested more than {MAX_ARGS_FILE_DEPTH} deep (a cycle?)"
                )),
                Some(file.span),
            ));
        }
        if *files >= MAX_ARGS_FILES {
            return Err(Error::new(
                ErrorKind::Limit(format!("more than {MAX_ARGS_FILES} -args_file files read")),
                Some(file.span),
            ));
        }
        *files += 1;
        let text = read(&file.text).map_err(|e| {
            Error::new(
                ErrorKind::Io(format!(
                    "Failed to open arguments file \"{}\": {e}",
                    file.text
                )),
                Some(file.span),
            )
        })?;
        expand_into(&VmArgs::parse(&text), read, depth + 1, files, out)?;
    }
    Ok(())
}

fn comment(cur: &mut Cursor<'_>) -> Item {
    let mut span = cur.here();
    cur.bump();
    let mut text = String::new();
    while let Some(c) = cur.peek() {
        if c == '\n' {
            break;
        }
        text.push(c);
        cur.bump();
    }
    span.end = cur.offset();
    Item::Comment { text, span }
}

/// One argument (possibly followed by a comment that cut it short).
fn word(cur: &mut Cursor<'_>) -> Vec<Item> {
    let mut span = cur.here();
    let mut text = String::new();
    let mut end = span.start;
    while let Some(c) = cur.peek() {
        match c {
            c if is_space(c) => break,
            '#' => {
                span.end = end;
                return vec![Item::Arg(Arg { text, span }), comment(cur)];
            }
            '\\' => {
                cur.bump();
                if let Some(next) = cur.bump() {
                    text.push(next);
                }
            }
            '"' | '\'' => {
                cur.bump();
                while let Some(inner) = cur.bump() {
                    if inner == c {
                        break;
                    }
                    text.push(inner);
                }
            }
            _ => {
                text.push(c);
                cur.bump();
            }
        }
        end = cur.offset();
    }
    span.end = end;
    vec![Item::Arg(Arg { text, span })]
}

/// How `init:get_arguments/0` and `init:get_plain_arguments/0` would
/// report a list of arguments: the view the conformance oracle prints.
///
/// `-Flag V...` become `(Flag, [V...])`; arguments after `-extra` and
/// free-standing values are plain; `-s`, `-run`, `-eval` with their
/// values are start instructions and left out, as are what erlexec
/// consumes itself: `-env NAME VALUE` and `+X` emulator flags (with the
/// following argument when it does not start with `-` or `+`; an
/// approximation, erlexec knows each flag's arity).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InitView {
    /// `(flag without the dash, values)` in order.
    pub flags: Vec<(String, Vec<String>)>,
    /// Plain arguments.
    pub plain: Vec<String>,
}

impl InitView {
    /// Groups `args` like erlexec + `init` do.
    pub fn from_args(args: &[String]) -> InitView {
        let mut view = InitView::default();
        let mut i = 0;
        while let Some(a) = args.get(i) {
            let a = a.as_str();
            i += 1;
            match a {
                "-extra" => {
                    view.plain.extend(args.iter().skip(i).cloned());
                    break;
                }
                "-env" => i += 2,
                "--" => {}
                _ if a.starts_with('+') => {
                    if args.get(i).is_some_and(|n| !n.starts_with(['-', '+'])) {
                        i += 1;
                    }
                }
                _ if a.starts_with('-') => {
                    let values = take_values(args, &mut i);
                    if !matches!(a, "-s" | "-run" | "-eval") {
                        view.flags.push((a[1..].to_string(), values));
                    }
                }
                _ => view.plain.push(a.to_string()),
            }
        }
        view
    }
}

/// Conformance-test helper, only with the `oracle` cargo feature (which
/// the crate's own tests and `examples/config_oracle.rs` enable).
///
/// The lines `oracle/vm_args.sh` prints for these (expanded) arguments:
/// one `{Flag,[Value,...]}` per flag (`~w` form, strings as code lists),
/// then `plain [...]`. erlexec appends `"--"` after the arguments of an
/// args file that contains `-extra`; init reports it as a plain argument,
/// so it is added here too.
#[cfg(feature = "oracle")]
pub fn oracle_lines(args: &[String]) -> Vec<String> {
    use erlterm::Term;
    let codes = |s: &str| {
        Term::list(
            s.chars()
                .map(|c| Term::int(i64::from(u32::from(c))))
                .collect(),
        )
    };
    let view = InitView::from_args(args);
    let mut out: Vec<String> = view
        .flags
        .iter()
        .map(|(flag, values)| {
            Term::tuple(vec![
                Term::atom(flag),
                Term::list(values.iter().map(|v| codes(v)).collect()),
            ])
            .to_string()
        })
        .collect();
    let mut plain: Vec<Term> = view.plain.iter().map(|p| codes(p)).collect();
    if args.iter().any(|a| a == "-extra") {
        plain.push(codes("--"));
    }
    out.push(format!("plain {}", Term::list(plain)));
    out
}

fn take_values(args: &[String], i: &mut usize) -> Vec<String> {
    let mut values = Vec::new();
    while let Some(v) = args.get(*i) {
        if v.starts_with('-') {
            if v == "--" {
                *i += 1;
            }
            break;
        }
        values.push(v.clone());
        *i += 1;
    }
    values
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        VmArgs::parse(s)
            .args()
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn comments_cut_words() {
        assert_eq!(
            args("-setcookie abc#def\n-x a#b c\n-y end"),
            ["-setcookie", "abc", "-x", "a", "-y", "end"]
        );
    }

    #[test]
    fn escapes_and_quotes() {
        assert_eq!(args(r"-x a\ b c\\ d"), ["-x", "a b", "c\\", "d"]);
        assert_eq!(args(r#"-x "a\"b"#), ["-x", "a\\b"]);
        assert_eq!(
            args("-x a\"b c\"d \"a\"\"b\" 'x'y"),
            ["-x", "ab cd", "ab", "xy"]
        );
        assert_eq!(args("-x \"\" a\\"), ["-x", "", "a"]);
        assert_eq!(args("-x one\\\ntwo"), ["-x", "one\ntwo"]);
        assert_eq!(args("-x \"abc\n-y end\n"), ["-x", "abc\n-y end\n"]);
    }

    #[test]
    fn whitespace_kinds() {
        assert_eq!(
            args("-x\ta\r\n-y\x0bb\x0cc\n  -z  q  "),
            ["-x", "a", "-y", "b", "c", "-z", "q"]
        );
    }

    #[test]
    fn spans_point_at_arguments() {
        let v = VmArgs::parse("## c\n-sname  n1 # x\n");
        let a: Vec<&Arg> = v.arg_items().collect();
        assert_eq!((a[1].span.line, a[1].span.column), (2, 9));
        assert_eq!(&"## c\n-sname  n1 # x\n"[a[1].span.range()], "n1");
        assert!(matches!(&v.items[0], Item::Comment { text, .. } if text == "# c"));
    }

    #[test]
    fn expands_nested_args_files() {
        let read = |name: &str| match name {
            "a" => Ok("-y 2 -args_file b".to_string()),
            "b" => Ok("-z 3".to_string()),
            "loop" => Ok("-args_file loop".to_string()),
            _ => Err(std::io::Error::new(std::io::ErrorKind::NotFound, "missing")),
        };
        let v = VmArgs::parse("-x 1 -args_file a -w");
        assert_eq!(
            v.expand(&read).unwrap(),
            ["-x", "1", "-y", "2", "-z", "3", "-w"]
        );
        let e = VmArgs::parse("-args_file loop").expand(&read).unwrap_err();
        assert!(matches!(e.kind, ErrorKind::Limit(_)));
        assert!(VmArgs::parse("-args_file nope").expand(&read).is_err());
        assert!(VmArgs::parse("-args_file").expand(&read).is_err());
    }

    #[test]
    fn init_view_groups_flags() {
        let a = args("-env X 1 +K true -x 1 2 -x -s m f -extra p -q");
        let v = InitView::from_args(&a);
        assert_eq!(
            v.flags,
            [
                ("x".to_string(), vec!["1".to_string(), "2".to_string()]),
                ("x".to_string(), vec![])
            ]
        );
        assert_eq!(v.plain, ["p", "-q"]);
    }

    #[test]
    fn relx_name_line_checks() {
        assert!(VmArgs::relx_checks("-sname a\n-setcookie c\n").is_empty());
        assert_eq!(VmArgs::relx_checks("-setcookie c\n").len(), 1);
        assert_eq!(VmArgs::relx_checks(" -sname a\n").len(), 1);
        let two = VmArgs::relx_checks("-sname a\n-name b@h\n");
        assert_eq!(two.len(), 1);
        assert_eq!(two[0].span.map(|s| s.line), Some(2));
    }

    #[test]
    fn node_name_and_cookie() {
        let v = VmArgs::parse("-name n@h\n-setcookie c");
        assert_eq!(v.node_name(), Some((NameKind::Name, "n@h".into())));
        assert_eq!(v.cookie(), Some("c".into()));
        assert_eq!(VmArgs::parse("-sname").node_name(), None);
    }
}
