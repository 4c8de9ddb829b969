//! The relup file text: the term laid out as `io_lib:format("~tp", [T])`
//! does (a port of `io_lib_pretty`'s layout for lists, tuples and leaves,
//! line length 80, printable range latin-1).

use erlterm::Term;

/// Line length of `~p`.
const LINE: i64 = 80;
/// Deeper terms are written on one line (keeps recursion bounded).
const MAX_DEPTH: usize = 200;

/// The intermediate form of `io_lib_pretty`: each node knows its flat length.
struct Item {
    node: Node,
    len: i64,
}

enum Node {
    /// Already rendered (atoms, numbers, strings, binaries...).
    Leaf(String),
    /// A list; the tail of an improper list.
    List(Vec<Item>, Option<Box<Item>>),
    /// A tuple; `true` when its first element is an atom (a "tagged" tuple).
    Tuple(bool, Vec<Item>),
}

/// Pretty-prints `term` as `~tp` at the start of a line.
///
/// ```
/// use erlterm::Term;
/// let t = Term::tuple(vec![Term::string("1.0"), Term::nil(), Term::list(vec![Term::atom("point_of_no_return")])]);
/// assert_eq!(relup::output::pretty(&t), r#"{"1.0",[],[point_of_no_return]}"#);
/// ```
pub fn pretty(term: &Term) -> String {
    let item = build(term, 0);
    let m = item.len;
    if item.len < LINE - 1 || !matches!(item.node, Node::List(..) | Node::Tuple(..)) {
        return write(&item);
    }
    let tind = [-1, 4]
        .into_iter()
        .find(|&i| cind(&item, 1, m, i, 0, 0).is_ok())
        .unwrap_or(1);
    let mut out = String::new();
    pp(&mut out, &item, &Ctx { m, tind }, 1, 0, 0, 0);
    out
}

fn leaf(s: String) -> Item {
    let len = s.chars().count() as i64;
    Item {
        node: Node::Leaf(s),
        len,
    }
}

fn printable_latin1(c: i64) -> bool {
    matches!(c, 32..=126 | 160..=255 | 8..=13 | 27)
}

fn string_leaf(chars: &[i64]) -> String {
    let mut s = String::with_capacity(chars.len() + 2);
    s.push('"');
    for &c in chars {
        match c {
            0x22 => s.push_str("\\\""),
            0x5c => s.push_str("\\\\"),
            10 => s.push_str("\\n"),
            13 => s.push_str("\\r"),
            9 => s.push_str("\\t"),
            11 => s.push_str("\\v"),
            8 => s.push_str("\\b"),
            12 => s.push_str("\\f"),
            27 => s.push_str("\\e"),
            _ => s.push(char::from_u32(c as u32).unwrap_or('?')),
        }
    }
    s.push('"');
    s
}

/// `print_length/6`: the intermediate form.
fn build(term: &Term, depth: usize) -> Item {
    if depth > MAX_DEPTH {
        return leaf(term.to_string());
    }
    match term {
        Term::List(_) | Term::ImproperList(_) | Term::String(_) if term.is_nil() => {
            leaf("[]".into())
        }
        Term::List(_) | Term::ImproperList(_) | Term::String(_) => {
            if let Some(items) = term.to_list() {
                let codes: Option<Vec<i64>> = items.iter().map(Term::as_i64).collect();
                if let Some(codes) = codes.filter(|c| c.iter().all(|&x| printable_latin1(x))) {
                    return leaf(string_leaf(&codes));
                }
            }
            let (items, tail) = match term.list_parts() {
                Some((items, tail)) => (items.to_vec(), tail),
                None => (term.to_list().unwrap_or_default(), None),
            };
            let children: Vec<Item> = items.iter().map(|t| build(t, depth + 1)).collect();
            let tail = tail.map(|t| Box::new(build(t, depth + 1)));
            let mut len =
                2 + children.iter().map(|c| c.len).sum::<i64>() + children.len() as i64 - 1;
            if let Some(t) = &tail {
                len += 1 + t.len;
            }
            Item {
                node: Node::List(children, tail),
                len,
            }
        }
        Term::Tuple(items) if items.is_empty() => leaf("{}".into()),
        Term::Tuple(items) => {
            let children: Vec<Item> = items.iter().map(|t| build(t, depth + 1)).collect();
            let len = 2 + children.iter().map(|c| c.len).sum::<i64>() + children.len() as i64 - 1;
            let tagged = items.len() > 1 && items.first().is_some_and(|t| t.as_atom().is_some());
            Item {
                node: Node::Tuple(tagged, children),
                len,
            }
        }
        Term::Bitstring(b)
            if b.is_binary()
                && !b.bytes().is_empty()
                && b.bytes().iter().all(|&c| printable_latin1(i64::from(c))) =>
        {
            let codes: Vec<i64> = b.bytes().iter().map(|&c| i64::from(c)).collect();
            leaf(format!("<<{}>>", string_leaf(&codes)))
        }
        other => leaf(other.to_string()),
    }
}

fn write(item: &Item) -> String {
    let mut s = String::new();
    write_into(&mut s, item);
    s
}

fn write_into(out: &mut String, item: &Item) {
    match &item.node {
        Node::Leaf(s) => out.push_str(s),
        Node::List(items, tail) => {
            out.push('[');
            for (i, c) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_into(out, c);
            }
            if let Some(t) = tail {
                out.push('|');
                write_into(out, t);
            }
            out.push(']');
        }
        Node::Tuple(_, items) => {
            out.push('{');
            for (i, c) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_into(out, c);
            }
            out.push('}');
        }
    }
}

fn is_leaf(item: &Item) -> bool {
    matches!(item.node, Node::Leaf(_))
}

struct Ctx {
    m: i64,
    tind: i64,
}

fn newline(out: &mut String, ind: i64) {
    out.push('\n');
    for _ in 0..ind.max(0) {
        out.push(' ');
    }
}

/// `pp/8`. `ind` is the indentation (in spaces) of continuation lines.
fn pp(out: &mut String, e: &Item, cx: &Ctx, col: i64, ind: i64, ld: i64, w: i64) {
    if e.len < LINE - col - ld && e.len + w + ld <= cx.m {
        write_into(out, e);
        return;
    }
    match &e.node {
        Node::List(items, tail) => {
            out.push('[');
            pp_list(
                out,
                items,
                tail.as_deref(),
                cx,
                col + 1,
                ind + 1,
                ld,
                '|',
                w + 1,
            );
            out.push(']');
        }
        Node::Tuple(true, items) => {
            out.push('{');
            pp_tag_tuple(out, items, cx, col, ind, ld, w + 1);
            out.push('}');
        }
        Node::Tuple(false, items) => {
            out.push('{');
            pp_list(out, items, None, cx, col + 1, ind + 1, ld, ',', w + 1);
            out.push('}');
        }
        Node::Leaf(s) => out.push_str(s),
    }
}

fn pp_tag_tuple(out: &mut String, items: &[Item], cx: &Ctx, col: i64, ind: i64, ld: i64, w: i64) {
    let (tag, rest) = items.split_first().expect_or_leaf();
    let tag_ind = tag.len + 2;
    let tcol = col + tag_ind;
    write_into(out, tag);
    if cx.tind > 0 && tag_ind > cx.tind {
        pp_tail(
            out,
            rest,
            None,
            cx,
            col + cx.tind,
            tcol,
            ind + cx.tind,
            ld,
            ',',
            w + tag.len,
        );
    } else {
        out.push(',');
        pp_list(
            out,
            rest,
            None,
            cx,
            tcol,
            ind + tag_ind,
            ld,
            ',',
            w + tag.len + 1,
        );
    }
}

/// `split_first` on a tagged tuple, which always has two or more elements.
trait SplitFirst<'a> {
    fn expect_or_leaf(self) -> (&'a Item, &'a [Item]);
}

impl<'a> SplitFirst<'a> for Option<(&'a Item, &'a [Item])> {
    fn expect_or_leaf(self) -> (&'a Item, &'a [Item]) {
        const EMPTY: &Item = &Item {
            node: Node::Leaf(String::new()),
            len: 0,
        };
        self.unwrap_or((EMPTY, &[]))
    }
}

fn last_depth(more: bool, ld: i64) -> i64 {
    if more {
        0
    } else {
        ld + 1
    }
}

#[allow(clippy::too_many_arguments)]
fn pp_list(
    out: &mut String,
    items: &[Item],
    tail: Option<&Item>,
    cx: &Ctx,
    col0: i64,
    ind: i64,
    ld: i64,
    sep: char,
    w: i64,
) {
    let Some((first, rest)) = items.split_first() else {
        return;
    };
    let we = pp_element(
        out,
        first,
        cx,
        col0,
        ind,
        last_depth(!rest.is_empty(), ld),
        w,
    );
    pp_tail(out, rest, tail, cx, col0, col0 + we, ind, ld, sep, w + we);
}

#[allow(clippy::too_many_arguments)]
fn pp_tail(
    out: &mut String,
    items: &[Item],
    tail: Option<&Item>,
    cx: &Ctx,
    col0: i64,
    mut col: i64,
    ind: i64,
    ld: i64,
    sep: char,
    mut w: i64,
) {
    for (i, e) in items.iter().enumerate() {
        let ld1 = last_depth(i + 1 < items.len(), ld);
        let elen = 1 + e.len;
        let fits = is_leaf(e)
            && if ld1 == 0 {
                elen + 1 < LINE - col && w + elen < cx.m
            } else {
                elen < LINE - col - ld1 && w + elen + ld1 <= cx.m
            };
        out.push(',');
        if fits {
            write_into(out, e);
            col += elen;
            w += elen;
        } else {
            newline(out, ind);
            let we = pp_element(out, e, cx, col0, ind, ld1, 0);
            col = col0 + we;
            w = we;
        }
    }
    if let Some(e) = tail {
        out.push(sep);
        if is_leaf(e) && e.len + 1 < LINE - col - (ld + 1) && e.len + 1 + w + (ld + 1) <= cx.m {
            write_into(out, e);
        } else {
            newline(out, ind);
            pp(out, e, cx, col0, ind, ld + 1, 0);
        }
    }
}

fn pp_element(out: &mut String, e: &Item, cx: &Ctx, col: i64, ind: i64, ld: i64, w: i64) -> i64 {
    if is_leaf(e) && e.len < LINE - col - ld && e.len + w + ld <= cx.m {
        write_into(out, e);
        e.len
    } else {
        pp(out, e, cx, col, ind, ld, w);
        LINE
    }
}

/// `cind/7`: whether tag indentation `ind` keeps every line within bounds.
struct NoGood;

fn cind(e: &Item, col: i64, m: i64, ind: i64, ld: i64, w: i64) -> Result<(), NoGood> {
    if e.len < LINE - col - ld && e.len + w + ld <= m {
        return Ok(());
    }
    match &e.node {
        Node::List(items, tail) => cind_list(items, tail.as_deref(), col + 1, m, ind, ld, w + 1),
        Node::Tuple(true, items) => {
            let (tag, rest) = items.split_first().expect_or_leaf();
            let tag_ind = tag.len + 2;
            let tcol = col + tag_ind;
            let w = w + 1;
            if ind > 0 && tag_ind > ind {
                let col1 = col + ind;
                if m + col1 <= LINE || col1 <= LINE / 2 {
                    cind_tail(rest, None, col1, tcol, m, ind, ld, w + tag.len)
                } else {
                    Err(NoGood)
                }
            } else if m + tcol < LINE || tcol < LINE / 2 {
                cind_list(rest, None, tcol, m, ind, ld, w + tag.len + 1)
            } else {
                Err(NoGood)
            }
        }
        Node::Tuple(false, items) => cind_list(items, None, col + 1, m, ind, ld, w + 1),
        Node::Leaf(_) => Ok(()),
    }
}

fn cind_list(
    items: &[Item],
    tail: Option<&Item>,
    col0: i64,
    m: i64,
    ind: i64,
    ld: i64,
    w: i64,
) -> Result<(), NoGood> {
    let Some((first, rest)) = items.split_first() else {
        return Ok(());
    };
    let we = cind_element(first, col0, m, ind, last_depth(!rest.is_empty(), ld), w)?;
    cind_tail(rest, tail, col0, col0 + we, m, ind, ld, w + we)
}

#[allow(clippy::too_many_arguments)]
fn cind_tail(
    items: &[Item],
    tail: Option<&Item>,
    col0: i64,
    mut col: i64,
    m: i64,
    ind: i64,
    ld: i64,
    mut w: i64,
) -> Result<(), NoGood> {
    for (i, e) in items.iter().enumerate() {
        let ld1 = last_depth(i + 1 < items.len(), ld);
        let elen = 1 + e.len;
        let fits = is_leaf(e)
            && if ld1 == 0 {
                elen + 1 < LINE - col && w + elen < m
            } else {
                elen < LINE - col - ld1 && w + elen + ld1 <= m
            };
        if fits {
            col += elen;
            w += elen;
        } else {
            let we = cind_element(e, col0, m, ind, ld1, 0)?;
            col = col0 + we;
            w = we;
        }
    }
    match tail {
        Some(e)
            if !(is_leaf(e)
                && e.len + 1 < LINE - col - (ld + 1)
                && e.len + 1 + w + (ld + 1) <= m) =>
        {
            cind(e, col, m, ind, ld + 1, 0)
        }
        _ => Ok(()),
    }
}

fn cind_element(e: &Item, col: i64, m: i64, ind: i64, ld: i64, w: i64) -> Result<i64, NoGood> {
    if is_leaf(e) && e.len < LINE - col - ld && e.len + w + ld <= m {
        return Ok(e.len);
    }
    cind(e, col, m, ind, ld, w)?;
    Ok(LINE)
}
