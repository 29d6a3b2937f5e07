//! Lists answer one page at a time, all the same way: `{items,
//! next_cursor}`, `?limit=` (default 50, at most 500) and `?cursor=` (the
//! `next_cursor` of the previous page, opaque to clients). `next_cursor` is
//! `null` on the last page.
//!
//! A list read from the store in order asks it for one item more than the
//! page ([`Listing::from_lookahead`]); a list held whole in memory (spaces,
//! members, the review queue…) is cut by its sort key
//! ([`Listing::paged`]), which stays right when items come and go between
//! two pages.

use serde::Serialize;
use utoipa::ToSchema;

use super::{ServiceError, ServiceResult};

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    /// Pass it as `cursor` for the next page; `null` on the last one.
    pub next_cursor: Option<String>,
}

/// What a list request asks: how many items, after which cursor.
#[derive(Debug, Clone, Copy)]
pub struct ListRequest<'a> {
    pub cursor: Option<&'a str>,
    pub limit: usize,
}

/// Items per page when the request does not say.
pub const DEFAULT_LIMIT: usize = 50;
/// The most items one page may hold.
pub const MAX_LIMIT: usize = 500;

impl<'a> ListRequest<'a> {
    /// `?limit=` (1 to 500, default 50) and `?cursor=`.
    pub fn new(cursor: Option<&'a str>, limit: Option<usize>) -> ServiceResult<Self> {
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(n @ 1..=MAX_LIMIT) => n,
            Some(_) => {
                return Err(ServiceError::InvalidInput(format!(
                    "limit is between 1 and {MAX_LIMIT}"
                )));
            }
        };
        Ok(ListRequest { cursor, limit })
    }

    /// The cursor as the number it holds (lists keyed by ids and sequence
    /// numbers); a cursor that is not one is 400.
    pub fn numeric_cursor(&self) -> ServiceResult<Option<u64>> {
        self.cursor
            .map(|text| {
                text.parse::<u64>()
                    .map_err(|_| ServiceError::InvalidInput("cursor is not valid".to_owned()))
            })
            .transpose()
    }
}

/// Which way a list held in memory is sorted by its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Ascending,
    Descending,
}

/// A key of a list sorted by a number, as a cursor whose string order is
/// the number's order.
pub fn numeric_key(n: u64) -> String {
    format!("{n:020}")
}

impl<T> Listing<T> {
    pub fn empty() -> Self {
        Listing {
            items: Vec::new(),
            next_cursor: None,
        }
    }

    /// A page read from an ordered source that was asked for `limit + 1`
    /// items: the extra one, if it came, says there is more, and the next
    /// page starts after the `key` of the last item kept.
    pub fn from_lookahead(mut items: Vec<T>, limit: usize, key: impl Fn(&T) -> String) -> Self {
        let more = items.len() > limit;
        items.truncate(limit);
        let next_cursor = more.then(|| items.last().map(&key)).flatten();
        Listing { items, next_cursor }
    }

    /// The same page with each item made into a view.
    pub fn map<U>(self, view: impl FnMut(T) -> U) -> Listing<U> {
        Listing {
            items: self.items.into_iter().map(view).collect(),
            next_cursor: self.next_cursor,
        }
    }

    /// The same page with each item made into a view, which may fail.
    pub fn try_map<U>(self, view: impl FnMut(T) -> ServiceResult<U>) -> ServiceResult<Listing<U>> {
        Ok(Listing {
            items: self
                .items
                .into_iter()
                .map(view)
                .collect::<ServiceResult<_>>()?,
            next_cursor: self.next_cursor,
        })
    }

    /// The page of `sorted` (in `order` of `key`) that follows the cursor.
    pub fn paged(
        sorted: Vec<T>,
        page: ListRequest<'_>,
        order: Order,
        key: impl Fn(&T) -> String,
    ) -> Self {
        let after = |item: &T| match (page.cursor, order) {
            (None, _) => true,
            (Some(cursor), Order::Ascending) => key(item).as_str() > cursor,
            (Some(cursor), Order::Descending) => key(item).as_str() < cursor,
        };
        let items: Vec<T> = sorted
            .into_iter()
            .filter(after)
            .take(page.limit + 1)
            .collect();
        Self::from_lookahead(items, page.limit, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(sorted: &[u64], order: Order, limit: usize) -> Vec<Vec<u64>> {
        let mut pages = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = ListRequest::new(cursor.as_deref(), Some(limit)).unwrap();
            let listing = Listing::paged(sorted.to_vec(), page, order, |n| numeric_key(*n));
            pages.push(listing.items);
            match listing.next_cursor {
                Some(next) => cursor = Some(next),
                None => return pages,
            }
        }
    }

    #[test]
    fn pages_cover_the_list_once_and_end_with_no_cursor() {
        assert_eq!(
            walk(&[1, 2, 3, 10], Order::Ascending, 2),
            [vec![1, 2], vec![3, 10]]
        );
        assert_eq!(walk(&[1, 2, 3], Order::Ascending, 2), [vec![1, 2], vec![3]]);
        assert_eq!(
            walk(&[30, 20, 9], Order::Descending, 1),
            [vec![30], vec![20], vec![9]]
        );
        assert_eq!(walk(&[], Order::Ascending, 5), [Vec::<u64>::new()]);
    }

    #[test]
    fn a_cursor_survives_its_item_leaving() {
        let first = Listing::paged(
            vec![1u64, 2, 3, 4],
            ListRequest::new(None, Some(2)).unwrap(),
            Order::Ascending,
            |n| numeric_key(*n),
        );
        let cursor = first.next_cursor.unwrap();
        // Item 2 went away meanwhile; the next page still starts after it.
        let next = Listing::paged(
            vec![1u64, 3, 4],
            ListRequest::new(Some(&cursor), Some(2)).unwrap(),
            Order::Ascending,
            |n| numeric_key(*n),
        );
        assert_eq!(next.items, [3, 4]);
    }

    #[test]
    fn limits_are_checked() {
        assert!(ListRequest::new(None, Some(0)).is_err());
        assert!(ListRequest::new(None, Some(501)).is_err());
        assert_eq!(ListRequest::new(None, None).unwrap().limit, 50);
        assert!(
            ListRequest::new(Some("x"), None)
                .unwrap()
                .numeric_cursor()
                .is_err()
        );
    }
}
