//! Pages as HTML: rendering through the store's view of which pages exist,
//! a cache of each published revision's rendering, the red/blue
//! invalidation that keeps it true, previews, and the link graph's views
//! (backlinks, orphans, wanted pages).
//!
//! A revision's rendering depends on its text and on which pages it links to
//! exist. The cache is keyed by revision; when a page starts or stops
//! existing (create, delete, restore, move), the renderings of the pages
//! linking to it are dropped. An epoch counter closes the race with a
//! rendering already under way: one that started before an existence change
//! is returned but not cached.

use std::collections::HashSet;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::listing::numeric_key;
use super::{
    Actor, App, ListRequest, Listing, Order, PageRefView, PreviewView, ServiceError, ServiceResult,
    WantedView,
};
use crate::model::{PageId, PageSlug, RevisionId, SpaceSlug};
use crate::render::{LinkResolver, RemoteImages, Rendered, render};
use crate::store::{Revision, Store, is_live};

/// Roughly what the cache may hold, in bytes of HTML.
const CACHE_BYTES: u64 = 128 * 1024 * 1024;

#[derive(Clone)]
struct HtmlWeight;

impl quick_cache::Weighter<RevisionId, Cached> for HtmlWeight {
    fn weight(&self, _: &RevisionId, cached: &Cached) -> u64 {
        cached.rendered.html.len() as u64 + 512
    }
}

/// A rendering kept, with the epoch it was made at: two renderings of one
/// revision made at the same epoch are the same (nothing they show changed
/// between them), so the epoch tells answers built on them apart.
#[derive(Clone)]
struct Cached {
    rendered: Arc<Rendered>,
    epoch: u64,
}

pub(super) struct RenderCache {
    entries: quick_cache::sync::Cache<RevisionId, Cached, HtmlWeight>,
    /// Bumped on every change of a page's existence.
    epoch: AtomicU64,
    renders: AtomicU64,
    previews: DefaultKeyedRateLimiter<String>,
}

impl RenderCache {
    pub(super) fn new(previews_per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(previews_per_minute).unwrap_or(NonZeroU32::MIN);
        Self {
            entries: quick_cache::sync::Cache::with_weighter(16_384, CACHE_BYTES, HtmlWeight),
            epoch: AtomicU64::new(0),
            renders: AtomicU64::new(0),
            previews: RateLimiter::keyed(Quota::per_minute(per_minute)),
        }
    }

    /// How many renderings were made since start-up (cache misses, writes
    /// and previews).
    pub(super) fn renders(&self) -> u64 {
        self.renders.load(Ordering::Relaxed)
    }

    /// Forgets rate-limit state of idle clients.
    pub(super) fn shrink(&self) {
        self.previews.retain_recent();
    }
}

/// The wiki as the renderer sees it: which spaces and pages exist. A
/// rendering is shared by all its readers, so members-only spaces other
/// than the page's own do not exist for it: a link into one would tell
/// outsiders which of its pages exist.
struct StoreResolver<'a> {
    store: &'a Store,
    from: &'a SpaceSlug,
    members_only: &'a HashSet<String>,
    remote_images: RemoteImages,
}

impl StoreResolver<'_> {
    fn hidden(&self, space: &SpaceSlug) -> bool {
        space != self.from && self.members_only.contains(space.as_str())
    }
}

impl LinkResolver for StoreResolver<'_> {
    fn space_exists(&self, space: &SpaceSlug) -> bool {
        !self.hidden(space) && matches!(self.store.space(space), Ok(Some(_)))
    }

    fn page_exists(&self, space: &SpaceSlug, slug: &PageSlug) -> bool {
        !self.hidden(space)
            && matches!(self.store.page_entry(space, slug), Ok(Some(entry)) if is_live(&entry))
    }

    fn remote_images(&self) -> RemoteImages {
        self.remote_images
    }
}

/// A rendering over budget is refused to whoever writes it (a save, a
/// preview), naming what is at fault; stored pages still render, cut.
pub(super) fn within_budget(rendered: &Rendered) -> ServiceResult<()> {
    match &rendered.refusal {
        None => Ok(()),
        Some(refusal) => Err(ServiceError::InvalidField {
            field: refusal.field(),
            detail: refusal.to_string(),
        }),
    }
}

impl App {
    fn render_cache(&self) -> &RenderCache {
        &self.inner.renders
    }

    /// Renders `markdown`, a page of `space`, on the CPU pool (a large page
    /// takes up to a few hundred milliseconds). Returns the rendering and
    /// the epoch it saw.
    pub(super) async fn render_fresh(
        &self,
        space: &SpaceSlug,
        markdown: Arc<str>,
    ) -> ServiceResult<(Arc<Rendered>, u64)> {
        let cache = self.render_cache();
        let epoch = cache.epoch.load(Ordering::Acquire);
        cache.renders.fetch_add(1, Ordering::Relaxed);
        let members_only = self.members_only_spaces()?;
        let (store, space) = (self.store().clone(), space.clone());
        let remote_images = self.config().remote_images;
        let rendered = self
            .inner
            .cpu
            .run(move || {
                let resolver = StoreResolver {
                    store: &store,
                    from: &space,
                    members_only: &members_only,
                    remote_images,
                };
                render(&markdown, &space, &resolver)
            })
            .await?;
        Ok((Arc::new(rendered), epoch))
    }

    /// Keeps `rendered` as the rendering of `revision`, unless a page's
    /// existence changed since it was made.
    pub(super) fn cache_rendering(
        &self,
        revision: RevisionId,
        rendered: Arc<Rendered>,
        epoch: u64,
    ) {
        let cache = self.render_cache();
        if cache.epoch.load(Ordering::Acquire) == epoch {
            cache.entries.insert(revision, Cached { rendered, epoch });
        }
    }

    /// The epoch at which the cached rendering of `revision` was made, if
    /// there is one.
    pub(super) fn rendering_epoch(&self, revision: RevisionId) -> Option<u64> {
        self.render_cache().entries.get(&revision).map(|c| c.epoch)
    }

    /// The rendering of a published revision, from the cache when it can.
    pub(super) async fn rendering_of(
        &self,
        space: &SpaceSlug,
        revision: &Revision,
        markdown: &str,
    ) -> ServiceResult<Arc<Rendered>> {
        if let Some(cached) = self.render_cache().entries.get(&revision.id) {
            return Ok(cached.rendered);
        }
        let (rendered, epoch) = self.render_fresh(space, Arc::from(markdown)).await?;
        self.cache_rendering(revision.id, rendered.clone(), epoch);
        Ok(rendered)
    }

    /// (space, slug) started or stopped existing: the links to it change
    /// colour, so the renderings of the pages linking to it are dropped.
    /// Drops the cached renderings of `revisions` (their text changed).
    pub(super) fn forget_renderings(&self, revisions: &[RevisionId]) {
        let cache = self.render_cache();
        cache.epoch.fetch_add(1, Ordering::AcqRel);
        for revision in revisions {
            cache.entries.remove(revision);
        }
    }

    pub(super) fn existence_changed(
        &self,
        space: &SpaceSlug,
        slug: &PageSlug,
    ) -> ServiceResult<()> {
        let cache = self.render_cache();
        cache.epoch.fetch_add(1, Ordering::AcqRel);
        let mut after = None;
        loop {
            let sources = self.store().backlinks(space, slug, after, 1024)?;
            for source in &sources {
                if let Some(published) = self.store().page_by_id(*source)?.and_then(|p| p.published)
                {
                    cache.entries.remove(&published);
                }
            }
            match sources.last() {
                Some(last) if sources.len() == 1024 => after = Some(*last),
                _ => return Ok(()),
            }
        }
    }

    /// Renders Markdown without storing anything (the editor's preview).
    /// Rate-limited per account, or per address when anonymous;
    /// administrators are exempt. Refused, like a save, when the page goes
    /// over its rendering budget.
    pub async fn preview(
        &self,
        viewer: Option<&Actor>,
        client: IpAddr,
        markdown: String,
        space: Option<&str>,
    ) -> ServiceResult<PreviewView> {
        let key = match viewer {
            Some(actor) if actor.is_admin => None,
            Some(actor) => Some(format!("user:{}", actor.id)),
            None => Some(format!("ip:{client}")),
        };
        if let Some(key) = key
            && let Err(not_until) = self.render_cache().previews.check_key(&key)
        {
            let retry_after = not_until.wait_time_from(DefaultClock::default().now());
            return Err(ServiceError::RateLimited { retry_after });
        }
        self.check_size(&markdown)?;
        let space = match space {
            Some(slug) => self.place(viewer, slug)?.slug.clone(),
            None => SpaceSlug::main(),
        };
        let (rendered, _) = self.render_fresh(&space, Arc::from(markdown)).await?;
        within_budget(&rendered)?;
        Ok(PreviewView {
            html: rendered.html.clone(),
            toc: rendered.toc.clone(),
            front_matter: rendered.front_matter.clone(),
        })
    }

    /// The pages linking to a page, in the order they were created.
    pub fn backlinks(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        slug: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> ServiceResult<Listing<PageRefView>> {
        let (place, slug) = self.page_address(viewer, space, slug)?;
        let list = ListRequest::new(cursor, limit)?;
        let page = self.visible_page(viewer, &place, &slug)?.0.page;
        let target = PageSlug::parse(&page.slug)?;
        let sources =
            self.store()
                .backlinks(&place.slug, &target, list.numeric_cursor()?, list.limit + 1)?;
        let sources = Listing::from_lookahead(sources, list.limit, u64::to_string);
        // Pages the viewer may not read are left out (the cursor still
        // moves past them).
        let sight = super::facts::Sight::new(self, viewer);
        let mut items = Vec::with_capacity(sources.items.len());
        for source in sources.items {
            if let Some(page) = self.store().page_by_id(source)?
                && sight.of(&page.space).is_some()
            {
                items.push(PageRefView {
                    space: page.space,
                    slug: page.slug,
                    title: page.title,
                });
            }
        }
        Ok(Listing {
            items,
            next_cursor: sources.next_cursor,
        })
    }

    /// Whether `viewer` may read the page a link comes from: only links
    /// from pages they may read count in the link graph they are shown
    /// (a members-only page's links are its own business).
    fn readable_sources<'a>(
        &'a self,
        viewer: Option<&'a Actor>,
    ) -> impl FnMut(PageId) -> bool + 'a {
        let sight = super::facts::Sight::new(self, viewer);
        let mut known: std::collections::HashMap<PageId, bool> = Default::default();
        move |source| {
            *known.entry(source).or_insert_with(|| {
                matches!(self.store().page_by_id(source), Ok(Some(page)) if sight.of(&page.space).is_some())
            })
        }
    }

    /// Pages of a space that no other page (that the viewer may read)
    /// links to, in slug order.
    pub fn orphans(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> ServiceResult<Listing<PageRefView>> {
        let space = self.place(viewer, space)?.slug.clone();
        let list = ListRequest::new(cursor, limit)?;
        let orphans = self
            .store()
            .orphans(&space, &mut self.readable_sources(viewer))?;
        let listing = Listing::paged(orphans, list, Order::Ascending, |p| p.slug.clone());
        Ok(listing.map(|page| PageRefView {
            space: page.space,
            slug: page.slug,
            title: page.title,
        }))
    }

    /// Titles pages (that the viewer may read) link to that do not exist
    /// yet, most linked first.
    pub fn wanted(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> ServiceResult<Listing<WantedView>> {
        let space = self.place(viewer, space)?.slug.clone();
        let list = ListRequest::new(cursor, limit)?;
        let wanted = self
            .store()
            .wanted(&space, &mut self.readable_sources(viewer))?;
        // Most linked first, then by slug: the key sorts the same way.
        let key = |(slug, links): &(String, usize)| {
            format!("{}/{slug}", numeric_key(u64::MAX - *links as u64))
        };
        let listing = Listing::paged(wanted, list, Order::Ascending, key);
        Ok(listing.map(|(slug, links)| WantedView {
            title: slug.replace('_', " "),
            slug,
            links,
        }))
    }
}
