//! `read_file`: only regular files are read, within a size limit, and every
//! refusal is an `ErrorKind::Io` with OTP's POSIX name and a message naming
//! the path once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use erlterm::{Error, ErrorKind};

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("erlterm-read-file-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `read_file` in a thread: a reader that blocks fails the test
/// instead of hanging it.
fn read_within_seconds(path: &Path, max: u64) -> Result<Vec<u8>, Error> {
    let (tx, rx) = mpsc::channel();
    let p = path.to_owned();
    std::thread::spawn(move || {
        let _ = tx.send(erlterm::read_file_with_limit(&p, max));
    });
    rx.recv_timeout(Duration::from_secs(10))
        .unwrap_or_else(|_| panic!("reading {} blocked", path.display()))
}

fn posix(e: &Error) -> &str {
    match &e.kind {
        ErrorKind::Io { posix, .. } => posix,
        other => panic!("not an I/O error: {other:?}"),
    }
}

/// The message names the path exactly once, has no position and says `what`.
fn assert_message(e: &Error, path: &Path, what: &str) {
    let text = e.to_string();
    let shown = path.display().to_string();
    assert_eq!(text.matches(&shown).count(), 1, "{text}");
    assert!(text.starts_with(&format!("{shown}: ")), "{text}");
    assert!(text.contains(what), "{text} lacks {what}");
    assert!(!text.contains("0:0"), "{text}");
    let rendered = e.render("", &shown);
    assert_eq!(rendered, format!("error: {text}\n"));
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn regular_file_and_link_to_it_are_read() {
    let dir = scratch("regular");
    let file = dir.join("sys.config");
    std::fs::write(&file, "[{kernel, []}].\n").unwrap();
    assert_eq!(erlterm::read_file(&file).unwrap(), b"[{kernel, []}].\n");
    let link = dir.join("link.config");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    assert_eq!(erlterm::read_file(&link).unwrap(), b"[{kernel, []}].\n");
    assert_eq!(
        erlterm::consult(&link).unwrap()[0].to_string(),
        "[{kernel,[]}]"
    );
    let empty = dir.join("empty");
    std::fs::write(&empty, "").unwrap();
    assert_eq!(erlterm::read_file(&empty).unwrap(), b"");
}

#[test]
fn missing_file_is_enoent() {
    let dir = scratch("missing");
    let path = dir.join("nope.config");
    let e = erlterm::read_file(&path).unwrap_err();
    assert_eq!(posix(&e), "enoent");
    assert_message(&e, &path, "no such file or directory");
    assert_eq!(e.otp_reason().to_string(), "enoent");
    // A missing folder on the way is also enoent; a file used as a folder is enotdir.
    let e = erlterm::read_file(&dir.join("no/such.config")).unwrap_err();
    assert_eq!(posix(&e), "enoent");
    let file = dir.join("file");
    std::fs::write(&file, "a.").unwrap();
    let e = erlterm::read_file(&file.join("x.config")).unwrap_err();
    assert_eq!(posix(&e), "enotdir");
}

#[test]
fn directory_is_eisdir() {
    let dir = scratch("dir");
    let e = erlterm::read_file(&dir).unwrap_err();
    assert_eq!(posix(&e), "eisdir");
    assert_message(&e, &dir, "is a directory, not a regular file");
}

#[test]
fn fifo_is_refused_without_blocking() {
    let dir = scratch("fifo");
    let fifo = dir.join("fifo");
    mkfifo(&fifo);
    let e = read_within_seconds(&fifo, erlterm::DEFAULT_MAX_FILE_BYTES).unwrap_err();
    assert_eq!(posix(&e), "eftype");
    assert_message(&e, &fifo, "is a FIFO (named pipe), not a regular file");
    // Through a symbolic link too: the link is followed, the FIFO refused.
    let link = dir.join("link");
    std::os::unix::fs::symlink(&fifo, &link).unwrap();
    let e = read_within_seconds(&link, erlterm::DEFAULT_MAX_FILE_BYTES).unwrap_err();
    assert_eq!(posix(&e), "eftype");
    assert_message(&e, &link, "FIFO");
}

#[test]
fn character_device_is_refused() {
    for dev in ["/dev/zero", "/dev/null", "/dev/urandom"] {
        let path = Path::new(dev);
        if !path.exists() {
            continue;
        }
        let e = read_within_seconds(path, erlterm::DEFAULT_MAX_FILE_BYTES).unwrap_err();
        assert_eq!(posix(&e), "eftype", "{dev}");
        assert_message(&e, path, "is a character device, not a regular file");
    }
}

#[test]
fn socket_is_refused() {
    let dir = scratch("socket");
    let path = dir.join("sock");
    let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let e = read_within_seconds(&path, erlterm::DEFAULT_MAX_FILE_BYTES).unwrap_err();
    assert_eq!(posix(&e), "eftype");
    assert_message(&e, &path, "is a socket, not a regular file");
}

#[test]
fn symlink_loop_is_eloop_not_enoent() {
    let dir = scratch("loop");
    let a = dir.join("a");
    let b = dir.join("b");
    std::os::unix::fs::symlink(&b, &a).unwrap();
    std::os::unix::fs::symlink(&a, &b).unwrap();
    let e = erlterm::read_file(&a).unwrap_err();
    assert_eq!(posix(&e), "eloop");
    assert_message(&e, &a, "too many levels of symbolic links");
    // A dangling link is a missing file.
    let dangling = dir.join("dangling");
    std::os::unix::fs::symlink(dir.join("gone"), &dangling).unwrap();
    assert_eq!(posix(&erlterm::read_file(&dangling).unwrap_err()), "enoent");
}

/// Permissions are not enforced for root, so this only runs as another user.
#[test]
fn unreadable_file_is_eacces() {
    if is_root() {
        eprintln!("skipped: running as root, which may read any file");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("unreadable");
    let path = dir.join("secret.config");
    std::fs::write(&path, "a.").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o200)).unwrap();
    let e = erlterm::read_file(&path).unwrap_err();
    assert_eq!(posix(&e), "eacces");
    assert_message(&e, &path, "permission denied");
}

/// The limit is checked before reading: a file of exactly the limit is
/// read, one byte more is `efbig`.
#[test]
fn size_limit_boundary() {
    let dir = scratch("limit");
    let path = dir.join("big.config");
    std::fs::write(&path, vec![b' '; 1000]).unwrap();
    assert_eq!(
        erlterm::read_file_with_limit(&path, 1000).unwrap().len(),
        1000
    );
    let e = erlterm::read_file_with_limit(&path, 999).unwrap_err();
    assert_eq!(posix(&e), "efbig");
    assert_message(
        &e,
        &path,
        "is 1000 bytes, larger than the limit of 999 bytes",
    );
    let e = erlterm::read_file_with_limit(&path, 0).unwrap_err();
    assert_eq!(posix(&e), "efbig");
    assert_eq!(erlterm::DEFAULT_MAX_FILE_BYTES, 1 << 31);
    assert_eq!(
        erlterm::DEFAULT_MAX_FILE_BYTES,
        erlterm::ParseOptions::default().max_input_bytes as u64
    );
}

/// A sparse file larger than the default limit is refused from its size,
/// without reading (or allocating) anything.
#[test]
fn oversized_sparse_file_is_refused_before_reading() {
    let dir = scratch("sparse");
    let path = dir.join("huge.config");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(erlterm::DEFAULT_MAX_FILE_BYTES + 1).unwrap();
    let start = std::time::Instant::now();
    let e = erlterm::read_file(&path).unwrap_err();
    assert_eq!(posix(&e), "efbig");
    assert!(start.elapsed() < Duration::from_secs(2));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn control_characters_in_the_path_are_escaped() {
    let dir = scratch("ctrl");
    let path = dir.join("evil\u{1b}[31m\nname.config");
    let e = erlterm::read_file(&path).unwrap_err();
    let text = e.to_string();
    assert!(!text.contains('\u{1b}') && !text.contains('\n'), "{text:?}");
    assert!(
        text.contains("evil\\e[31m\\nname.config: no such file"),
        "{text}"
    );
}

#[test]
fn parse_errors_keep_their_position() {
    let dir = scratch("syntax");
    let path = dir.join("bad.config");
    std::fs::write(&path, "{a,\n b c}.\n").unwrap();
    let e = erlterm::consult(&path).unwrap_err();
    assert_eq!(e.to_string(), "2:4: syntax error before: c");
}

/// `parse_bytes_each` gives the terms and errors of `parse_bytes_with`, on
/// every recorded consult case (OTP's answers are checked against these by
/// `conformance.rs`), and on each case split after its terms.
#[test]
fn parse_bytes_each_agrees_with_parse_bytes() {
    use std::ops::ControlFlow;
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/consult/cases");
    let opts = erlterm::ParseOptions::default();
    let mut cases = 0;
    let mut with_terms = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for input in [
            bytes.clone(),
            [bytes.as_slice(), b"\n{x, \"a. b\", $., 'c. '}. ".as_slice()].concat(),
        ] {
            let whole = erlterm::parse_bytes_with(&input, &opts);
            let mut seen = Vec::new();
            let each = erlterm::parse_bytes_each(&input, &opts, |t| {
                seen.push(t);
                ControlFlow::Continue(())
            });
            match whole {
                Ok(terms) => {
                    assert_eq!(each, Ok(terms.len()), "{}", path.display());
                    assert_eq!(seen, terms, "{}", path.display());
                    with_terms += usize::from(!terms.is_empty());
                }
                Err(e) => {
                    assert_eq!(each, Err(e), "{}", path.display());
                    assert!(seen.is_empty(), "{}", path.display());
                }
            }
            cases += 1;
        }
    }
    assert!(
        cases > 500 && with_terms > 100,
        "{cases} cases, {with_terms} with terms"
    );
    // Stopping early.
    let n = erlterm::parse_bytes_each(b"a. b. c.", &opts, |t| {
        if t == erlterm::Term::atom("b") {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    assert_eq!(n, Ok(2));
    // A `.` that ends no term although a space follows (`$\^.` is the
    // character 14): the text is parsed whole, as OTP reads it.
    let mut seen = Vec::new();
    let n = erlterm::parse_bytes_each(b"[$\\^. ].\nb.\n", &opts, |t| {
        seen.push(t.to_string());
        ControlFlow::Continue(())
    });
    assert_eq!(n, Ok(2));
    assert_eq!(seen, ["[14]", "b"]);
}
