//! Source positions.

/// Where a piece of syntax sits in its source: a byte range, and the
/// 1-based line and column (in characters) of its first character.
///
/// Lines are counted as OTP counts them: only `\n` starts a new line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
    /// 1-based line of `start`.
    pub line: u32,
    /// 1-based column of `start`, counted in characters.
    pub column: u32,
}

impl Span {
    /// A span covering `self` through `other`.
    ///
    /// ```
    /// let n = &erlterm::parse_nodes("{a, bc}.").unwrap()[0];
    /// let items = n.as_tuple().unwrap();
    /// let both = items[0].span.to(items[1].span);
    /// assert_eq!(&"{a, bc}."[both.range()], "a, bc");
    /// ```
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start,
            end: other.end.max(self.end),
            line: self.line,
            column: self.column,
        }
    }

    /// The byte range, for slicing the source.
    ///
    /// ```
    /// let src = "[{port, 8080}].";
    /// let n = &erlterm::parse_nodes(src).unwrap()[0];
    /// let port = n.proplist_get("port").unwrap();
    /// assert_eq!(&src[port.span.range()], "8080");
    /// ```
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}
