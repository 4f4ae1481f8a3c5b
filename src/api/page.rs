//! One page of a paginated list response.
//!
//! Contract: `items` in server order; `next_cursor` / `prev_cursor` are `Some` only when the
//! server announced that the page exists (see `link`); `hits` / `max_hits` mirror the optional
//! `X-Hits` / `X-Max-Hits` headers. Pass a cursor back through the list call's params to fetch
//! the neighbouring page. Servers without a `Link` header (Prism) simply give no cursors.

/// A page of `T`.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    pub prev_cursor: Option<String>,
    /// Total matches (`X-Hits`), possibly capped by the server.
    pub hits: Option<u64>,
    /// Cap applied to `hits` (`X-Max-Hits`).
    pub max_hits: Option<u64>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self { items: Vec::new(), next_cursor: None, prev_cursor: None, hits: None, max_hits: None }
    }
}

impl<T> Page<T> {
    pub fn has_next(&self) -> bool {
        self.next_cursor.is_some()
    }

    pub fn has_prev(&self) -> bool {
        self.prev_cursor.is_some()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Converts the items, keeping the cursors.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
            prev_cursor: self.prev_cursor,
            hits: self.hits,
            max_hits: self.max_hits,
        }
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}
