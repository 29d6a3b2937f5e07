//! The link graph: which page links to which, kept for each page's published
//! revision in the same transaction as the revision. Read for backlinks,
//! orphans, wanted pages and to know whose rendering a page's creation or
//! deletion turns red or blue.

use std::collections::BTreeMap;

use super::records::{Link, Page, PageEntry, PageLocation};
use super::tx::{self, Abort, TreeId, Tx, joined_key};
use super::{Store, StoreError};
use crate::model::{PageId, PageSlug, SpaceSlug};

/// `space ++ 0 ++ slug ++ 0`: the prefix of the links to one page.
fn target_prefix(space: &str, slug: &str) -> Vec<u8> {
    let mut key = joined_key(space, slug.as_bytes());
    key.push(0);
    key
}

fn incoming_key(link: &Link, source: PageId) -> Vec<u8> {
    let mut key = target_prefix(&link.space, &link.slug);
    key.extend_from_slice(&source.to_be_bytes());
    key
}

/// Records where `page` lives (on creation and after a move).
pub(super) fn locate(tx: &Tx<'_>, page: &Page) -> Result<(), Abort> {
    let location = PageLocation {
        space: page.space.clone(),
        slug: page.slug.clone(),
    };
    tx.put(TreeId::PageIds, &page.id.to_be_bytes(), &location)
}

/// Makes `links` the outgoing links of `page`, replacing the previous ones.
pub(super) fn replace_outgoing(tx: &Tx<'_>, page: &Page, links: &[Link]) -> Result<(), Abort> {
    let key = page.id.to_be_bytes();
    let previous: Vec<Link> = tx.get(TreeId::LinksOut, &key)?.unwrap_or_default();
    if previous == links {
        return Ok(());
    }
    for link in &previous {
        tx.remove(TreeId::LinksIn, &incoming_key(link, page.id))?;
    }
    for link in links {
        tx.put_raw(TreeId::LinksIn, &incoming_key(link, page.id), &[])?;
    }
    tx.put(TreeId::LinksOut, &key, &links)
}

/// Whether a link to `entry` shows blue: a live page, or a redirect to one.
pub fn is_live(entry: &PageEntry) -> bool {
    match entry {
        PageEntry::Page(page) => page.published.is_some() && !page.deleted,
        PageEntry::Redirect { .. } => true,
    }
}

impl Store {
    /// The page with this id, wherever it lives now.
    pub fn page_by_id(&self, id: PageId) -> Result<Option<Page>, StoreError> {
        let Some(location) = self.get::<PageLocation>(TreeId::PageIds, &id.to_be_bytes())? else {
            return Ok(None);
        };
        let key = joined_key(&location.space, location.slug.as_bytes());
        Ok(match self.get::<PageEntry>(TreeId::Pages, &key)? {
            Some(PageEntry::Page(page)) if page.id == id => Some(page),
            _ => None,
        })
    }

    /// The ids of the pages whose published revision links to (space, slug),
    /// in id order, after `after`, up to `limit`.
    pub fn backlinks(
        &self,
        space: &SpaceSlug,
        slug: &PageSlug,
        after: Option<PageId>,
        limit: usize,
    ) -> Result<Vec<PageId>, StoreError> {
        let prefix = target_prefix(space.as_str(), slug.as_str());
        let mut start = prefix.clone();
        if let Some(after) = after {
            start.extend_from_slice(&after.saturating_add(1).to_be_bytes());
        }
        let mut sources = Vec::new();
        for item in self.trees().tree(TreeId::LinksIn).range(start..) {
            let (key, _) = item?;
            if !key.starts_with(&prefix) || sources.len() == limit {
                break;
            }
            sources.push(tx::seq_from_key(&key[prefix.len()..]));
        }
        Ok(sources)
    }

    /// The live pages of `space` that no other page `counts` links to, in
    /// slug order (`counts` says whose links a reader may see).
    pub fn orphans(
        &self,
        space: &SpaceSlug,
        counts: &mut dyn FnMut(PageId) -> bool,
    ) -> Result<Vec<Page>, StoreError> {
        let live = self.pages(space, None, usize::MAX, |p| {
            p.published.is_some() && !p.deleted
        })?;
        let mut orphans = Vec::new();
        for page in live {
            let prefix = target_prefix(&page.space, &page.slug);
            let mut linked = false;
            for key in self
                .trees()
                .tree(TreeId::LinksIn)
                .scan_prefix(&prefix)
                .keys()
            {
                let source = tx::seq_from_key(&key?[prefix.len()..]);
                if source != page.id && counts(source) {
                    linked = true;
                    break;
                }
            }
            if !linked {
                orphans.push(page);
            }
        }
        Ok(orphans)
    }

    /// Titles of `space` that pages link to but that do not exist, with how
    /// many pages `counts` link to each, most linked first (then by slug).
    pub fn wanted(
        &self,
        space: &SpaceSlug,
        counts: &mut dyn FnMut(PageId) -> bool,
    ) -> Result<Vec<(String, usize)>, StoreError> {
        let prefix = joined_key(space.as_str(), b"");
        let mut wanted: BTreeMap<String, usize> = BTreeMap::new();
        for key in self
            .trees()
            .tree(TreeId::LinksIn)
            .scan_prefix(&prefix)
            .keys()
        {
            let key = key?;
            let rest = &key[prefix.len()..];
            let Some(end) = rest.iter().position(|b| *b == 0) else {
                continue;
            };
            if !counts(tx::seq_from_key(&rest[end + 1..])) {
                continue;
            }
            let slug = String::from_utf8_lossy(&rest[..end]).into_owned();
            *wanted.entry(slug).or_default() += 1;
        }
        let mut missing = Vec::new();
        for (slug, links) in wanted {
            let entry: Option<PageEntry> =
                self.get(TreeId::Pages, &joined_key(space.as_str(), slug.as_bytes()))?;
            if !entry.as_ref().is_some_and(is_live) {
                missing.push((slug, links));
            }
        }
        missing.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(missing)
    }
}
