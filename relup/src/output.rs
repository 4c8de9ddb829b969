//! The relup file text: the term laid out as `io_lib:format("~tp", [T])`
//! does. With OTP's default printable range (latin-1) that is the layout
//! of `~p`, which erlterm's alternate `Display` (`{:#}`) writes: one port of
//! `io_lib_pretty` for the workspace.

use erlterm::Term;

/// Pretty-prints `term` as `~tp` at the start of a line.
///
/// ```
/// use erlterm::Term;
/// let t = Term::tuple(vec![Term::string("1.0"), Term::nil(), Term::list(vec![Term::atom("point_of_no_return")])]);
/// assert_eq!(relup::output::pretty(&t), r#"{"1.0",[],[point_of_no_return]}"#);
/// ```
pub fn pretty(term: &Term) -> String {
    format!("{term:#}")
}
