//! Rows of indices stored flat (compressed sparse rows): the graph's edges,
//! the members of each component and group. One allocation for all rows
//! instead of one per row keeps the passes over 10^5 instructions linear in
//! time and in cache misses.

/// Row `r` is `items[start[r]..start[r + 1]]`.
#[derive(Debug, Default)]
pub(super) struct Rows {
    start: Vec<usize>,
    items: Vec<usize>,
}

impl Rows {
    /// Rows filled from `(row, item)` pairs, each row's items in pair order
    /// (a counting sort). Pairs whose row is not below `nrows` are dropped.
    pub(super) fn from_pairs<I>(nrows: usize, pairs: I) -> Rows
    where
        I: Iterator<Item = (usize, usize)> + Clone,
    {
        let mut start = vec![0; nrows + 1];
        for (r, _) in pairs.clone() {
            if let Some(count) = start.get_mut(r + 1).filter(|_| r < nrows) {
                *count += 1;
            }
        }
        let mut total = 0;
        for s in &mut start {
            total += *s;
            *s = total;
        }
        let mut next = start.clone();
        let mut items = vec![0; total];
        for (r, x) in pairs {
            let Some(slot) = next.get_mut(r).filter(|_| r < nrows) else {
                continue;
            };
            if let Some(item) = items.get_mut(*slot) {
                *item = x;
            }
            *slot += 1;
        }
        Rows { start, items }
    }

    /// Rows pushed one after the other.
    pub(super) fn with_capacity(nrows: usize, nitems: usize) -> Rows {
        let mut start = Vec::with_capacity(nrows + 1);
        start.push(0);
        Rows {
            start,
            items: Vec::with_capacity(nitems),
        }
    }

    /// Adds an item to the row being pushed.
    pub(super) fn push_item(&mut self, item: usize) {
        self.items.push(item);
    }

    /// The number of items pushed so far: the slot of the next one.
    pub(super) fn items_len(&self) -> usize {
        self.items.len()
    }

    /// Replaces the item in `slot` (nothing if there is no such slot).
    pub(super) fn set_item(&mut self, slot: usize, item: usize) {
        if let Some(x) = self.items.get_mut(slot) {
            *x = item;
        }
    }

    /// Ends the row being pushed.
    pub(super) fn end_row(&mut self) {
        self.start.push(self.items.len());
    }

    /// The items of row `r` (empty if there is no such row).
    pub(super) fn row(&self, r: usize) -> &[usize] {
        match (self.start.get(r), self.start.get(r + 1)) {
            (Some(&a), Some(&b)) => self.items.get(a..b).unwrap_or(&[]),
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_grouped_by_row_in_order() {
        let rows = Rows::from_pairs(3, [(2, 7), (0, 1), (2, 5), (0, 3)].into_iter());
        assert_eq!(rows.row(0), [1, 3]);
        assert_eq!(rows.row(1), [] as [usize; 0]);
        assert_eq!(rows.row(2), [7, 5]);
        assert_eq!(rows.row(3), [] as [usize; 0]);
    }

    #[test]
    fn pushed_rows() {
        let mut rows = Rows::with_capacity(2, 3);
        rows.push_item(4);
        rows.end_row();
        rows.push_item(5);
        assert_eq!(rows.items_len(), 2);
        rows.push_item(0);
        rows.end_row();
        rows.set_item(2, 6);
        assert_eq!(rows.row(1), [5, 6]);
    }
}
