//! Unified diffs of two texts, line by line (Myers' algorithm), in the
//! format of `diff -u` / `git diff`: three lines of context, `@@ -a,b +c,d @@`
//! headers (`,1` omitted), and `\ No newline at end of file`.

/// One line of an edit script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Keep,
    Delete,
    Insert,
}

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// Beyond this many differing lines the diff is written as one hunk
/// deleting every old line and inserting every new one. The search keeps
/// O(D²) of trace (8 MB at this bound) and one O(N+M) row.
const MAX_EDIT_DISTANCE: usize = 1_000;

/// Bound of the search's work, D·(N+M) steps: long texts get a smaller
/// edit distance before falling back to one hunk.
const MAX_WORK: usize = 64_000_000;

/// The unified diff turning `old` into `new`, with `---`/`+++` headers
/// naming `old_name` and `new_name`; empty when the texts are equal.
///
/// ```
/// let d = filetx::diff::unified("a\nb\nc\n", "a\nB\nc\n", "a/f", "b/f");
/// assert_eq!(d, "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
/// ```
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    if old == new {
        return String::new();
    }
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let ops = edit_script(&a, &b);
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    for hunk in hunks(&ops) {
        write_hunk(&mut out, &ops, hunk, &a, &b);
    }
    out
}

/// The edit script turning `a` into `b`: common prefix and suffix kept,
/// Myers' shortest script in between.
fn edit_script(a: &[&str], b: &[&str]) -> Vec<Op> {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let a_rest = a.get(prefix..).unwrap_or_default();
    let b_rest = b.get(prefix..).unwrap_or_default();
    let suffix = a_rest
        .iter()
        .rev()
        .zip(b_rest.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let a_mid = a_rest.get(..a_rest.len() - suffix).unwrap_or_default();
    let b_mid = b_rest.get(..b_rest.len() - suffix).unwrap_or_default();
    let mut ops = vec![Op::Keep; prefix];
    ops.extend(myers(a_mid, b_mid));
    ops.extend(std::iter::repeat_n(Op::Keep, suffix));
    ops
}

/// Myers' O((N+M)·D) shortest edit script; deletions before insertions.
fn myers(a: &[&str], b: &[&str]) -> Vec<Op> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = (n + m) as usize;
    let offset = max as isize + 1;
    let size = 2 * max + 3;
    let mut v = vec![0isize; size];
    // trace[d]: the row before step d, diagonals -d-1..=d+1 only (the
    // ones step d reads).
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let at = |v: &[isize], k: isize| v.get((k + offset) as usize).copied().unwrap_or(0);
    let at_step =
        |row: &[isize], d: isize, k: isize| row.get((k + d + 1) as usize).copied().unwrap_or(0);
    let limit = max
        .min(MAX_EDIT_DISTANCE)
        .min(MAX_WORK / max.saturating_add(1));
    let mut found = None;
    'outer: for d in 0..=limit as isize {
        let lo = (offset - d - 1).max(0) as usize;
        let hi = ((offset + d + 1) as usize).min(size - 1);
        trace.push(v.get(lo..=hi).unwrap_or_default().to_vec());
        let mut k = -d;
        while k <= d {
            let mut x = if k == -d || (k != d && at(&v, k - 1) < at(&v, k + 1)) {
                at(&v, k + 1)
            } else {
                at(&v, k - 1) + 1
            };
            let mut y = x - k;
            while x < n && y < m && a.get(x as usize) == b.get(y as usize) {
                x += 1;
                y += 1;
            }
            if let Some(slot) = v.get_mut((k + offset) as usize) {
                *slot = x;
            }
            if x >= n && y >= m {
                found = Some(d);
                break 'outer;
            }
            k += 2;
        }
    }
    let Some(d_end) = found else {
        let mut ops = vec![Op::Delete; a.len()];
        ops.extend(std::iter::repeat_n(Op::Insert, b.len()));
        return ops;
    };
    // Walk the trace back from (n, m).
    let mut rev = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=d_end).rev() {
        let Some(row) = trace.get(d as usize) else {
            break;
        };
        let k = x - y;
        let prev_k = if k == -d || (k != d && at_step(row, d, k - 1) < at_step(row, d, k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = at_step(row, d, prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            rev.push(Op::Keep);
            x -= 1;
            y -= 1;
        }
        if d > 0 {
            rev.push(if x == prev_x { Op::Insert } else { Op::Delete });
        }
        x = prev_x;
        y = prev_y;
    }
    rev.reverse();
    // Within each run of changes, put deletions first (as diff -u does).
    let mut ops = Vec::with_capacity(rev.len());
    let mut i = 0;
    while i < rev.len() {
        if rev.get(i) == Some(&Op::Keep) {
            ops.push(Op::Keep);
            i += 1;
            continue;
        }
        let start = i;
        while i < rev.len() && rev.get(i) != Some(&Op::Keep) {
            i += 1;
        }
        let run = rev.get(start..i).unwrap_or_default();
        let dels = run.iter().filter(|o| **o == Op::Delete).count();
        ops.extend(std::iter::repeat_n(Op::Delete, dels));
        ops.extend(std::iter::repeat_n(Op::Insert, run.len() - dels));
    }
    ops
}

/// Hunks as ranges of `ops`, changes closer than 2·CONTEXT merged.
fn hunks(ops: &[Op]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < ops.len() {
        if ops.get(i) == Some(&Op::Keep) {
            i += 1;
            continue;
        }
        let start = i;
        while i < ops.len() && ops.get(i) != Some(&Op::Keep) {
            i += 1;
        }
        let lo = start.saturating_sub(CONTEXT);
        let hi = (i + CONTEXT).min(ops.len());
        match out.last_mut() {
            Some(last) if lo <= last.1 => last.1 = hi,
            _ => out.push((lo, hi)),
        }
    }
    out
}

fn range(start: usize, len: usize) -> String {
    match len {
        0 => format!("{start},0"),
        1 => format!("{}", start + 1),
        _ => format!("{},{len}", start + 1),
    }
}

fn write_hunk(out: &mut String, ops: &[Op], (lo, hi): (usize, usize), a: &[&str], b: &[&str]) {
    // Line positions in a and b at the start of the hunk.
    let before = ops.get(..lo).unwrap_or_default();
    let mut ai = before.iter().filter(|o| **o != Op::Insert).count();
    let mut bi = before.iter().filter(|o| **o != Op::Delete).count();
    let span = ops.get(lo..hi).unwrap_or_default();
    let a_len = span.iter().filter(|o| **o != Op::Insert).count();
    let b_len = span.iter().filter(|o| **o != Op::Delete).count();
    out.push_str(&format!(
        "@@ -{} +{} @@\n",
        range(ai, a_len),
        range(bi, b_len)
    ));
    for op in span {
        let (mark, line) = match op {
            Op::Keep => {
                let l = a.get(ai).copied().unwrap_or_default();
                ai += 1;
                bi += 1;
                (' ', l)
            }
            Op::Delete => {
                let l = a.get(ai).copied().unwrap_or_default();
                ai += 1;
                ('-', l)
            }
            Op::Insert => {
                let l = b.get(bi).copied().unwrap_or_default();
                bi += 1;
                ('+', l)
            }
        };
        out.push(mark);
        out.push_str(line);
        if !line.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies a unified diff made by `unified` to `old` (to check it).
    fn patch(old: &str, diff: &str) -> String {
        let a: Vec<&str> = old.split_inclusive('\n').collect();
        let mut out = String::new();
        let mut ai = 0;
        let mut lines = diff.split_inclusive('\n').skip(2).peekable();
        while let Some(line) = lines.next() {
            if let Some(h) = line.strip_prefix("@@ -") {
                let start: usize = h
                    .split([',', ' '])
                    .next()
                    .unwrap()
                    .parse::<usize>()
                    .unwrap();
                let len_zero = h.split(' ').next().unwrap().ends_with(",0");
                let to = if len_zero { start } else { start - 1 };
                while ai < to {
                    out.push_str(a[ai]);
                    ai += 1;
                }
                continue;
            }
            let body = &line[1..];
            let no_nl = lines.peek().is_some_and(|l| l.starts_with('\\'));
            let text = if no_nl {
                lines.next();
                body.strip_suffix('\n').unwrap()
            } else {
                body
            };
            match line.as_bytes()[0] {
                b' ' => {
                    out.push_str(text);
                    ai += 1;
                }
                b'-' => ai += 1,
                b'+' => out.push_str(text),
                _ => unreachable!(),
            }
        }
        while ai < a.len() {
            out.push_str(a[ai]);
            ai += 1;
        }
        out
    }

    #[test]
    fn equal_texts_give_nothing() {
        assert_eq!(unified("a\n", "a\n", "x", "y"), "");
    }

    #[test]
    fn like_diff_u() {
        // Recorded from GNU diff -u (headers replaced).
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n";
        let new = "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n";
        assert_eq!(
            unified(old, new, "a", "b"),
            "--- a\n+++ b\n@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n"
        );
        assert_eq!(
            unified("", "x\n", "a", "b"),
            "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n"
        );
        assert_eq!(
            unified("x", "y", "a", "b"),
            "--- a\n+++ b\n@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn patches_back() {
        let texts = [
            "",
            "a\n",
            "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n",
            "a\nx\nc\nd\ne\nf\ng\nh\ny\nj\nk",
            "b\nc\na\n",
            "q\nq\nq\na\nq\nq\nq\nq\nq\nq\nq\nb",
        ];
        for old in texts {
            for new in texts {
                let d = unified(old, new, "a", "b");
                assert_eq!(patch(old, &d), new, "{old:?} -> {new:?}\n{d}");
            }
        }
    }

    /// The trace keeps only the diagonals each step reads: diffs with
    /// hundreds of edits, and the fallback past the bound, still patch
    /// back.
    #[test]
    fn patches_back_near_and_past_the_bound() {
        for (lines, every) in [(3000usize, 7usize), (3000, 3), (5000, 2)] {
            let old: String = (0..lines).map(|i| format!("l{i}\n")).collect();
            let new: String = (0..lines)
                .map(|i| {
                    if i % every == 0 {
                        format!("x{i}\n")
                    } else {
                        format!("l{i}\n")
                    }
                })
                .collect();
            let d = unified(&old, &new, "a", "b");
            assert_eq!(patch(&old, &d), new, "{lines} lines, every {every}");
            let deleted = d
                .lines()
                .filter(|l| l.starts_with('-') && !l.starts_with("---"))
                .count();
            let changed = lines.div_ceil(every);
            if changed * 2 <= MAX_EDIT_DISTANCE {
                assert_eq!(deleted, changed, "a shortest script");
            } else {
                assert!(deleted > changed, "past the bound: every line replaced");
            }
        }
    }
}
