//! Reading pages: a page as readers see it, its history, one revision, a
//! diff, the page list; and the lookups the writes in `edits` share.

use std::sync::Arc;

use super::answers::PageVersion;
use super::facts::Place;
use super::{
    Actor, App, DiffView, ListRequest, Listing, PageSummaryView, PageView, RevisionTextView,
    RevisionView, ServiceError, ServiceResult,
};
use crate::diff::{Hunk, ReadableHunk, line_diff, readable};
use crate::model::{PageSlug, RevisionId, RevisionState, SpaceSlug};
use crate::store::{Page, PageEntry, Revision};

/// A move may follow a chain of redirects this long.
const MAX_REDIRECTS: usize = 8;
/// A page found at a slug, possibly through redirects.
pub(super) struct Found {
    pub page: Page,
    pub redirected_from: Option<String>,
}

pub(super) fn page_not_found(slug: &str) -> ServiceError {
    ServiceError::NotFound(format!("no page {slug:?}"))
}

impl App {
    /// The space and page a request names, as `viewer` may see them; 404
    /// when either cannot exist or the space is hidden from `viewer`.
    pub(super) fn page_address(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        slug: &str,
    ) -> ServiceResult<(Arc<Place>, PageSlug)> {
        let place = self.place(viewer, space)?;
        let slug = PageSlug::parse(slug).map_err(|_| page_not_found(slug))?;
        Ok((place, slug))
    }

    /// Whether `viewer` is a member of the place (and so sees pending and
    /// rejected revisions).
    pub(super) fn is_member(&self, viewer: Option<&Actor>, place: &Place) -> ServiceResult<bool> {
        Ok(match viewer {
            Some(actor) => self.membership(actor.id, place)?.is_some(),
            None => false,
        })
    }

    /// The page at `slug`, following redirects left by moves.
    pub(super) fn find_page(
        &self,
        space: &SpaceSlug,
        slug: &PageSlug,
    ) -> ServiceResult<Option<Found>> {
        let mut current = slug.clone();
        for _ in 0..=MAX_REDIRECTS {
            match self.store().page_entry(space, &current)? {
                None => return Ok(None),
                Some(PageEntry::Page(page)) => {
                    let redirected_from = (current != *slug).then(|| slug.to_string());
                    return Ok(Some(Found {
                        page,
                        redirected_from,
                    }));
                }
                Some(PageEntry::Redirect { to, .. }) => current = PageSlug::parse(&to)?,
            }
        }
        Ok(None)
    }

    pub(super) fn require_page(&self, space: &SpaceSlug, slug: &PageSlug) -> ServiceResult<Found> {
        self.find_page(space, slug)?
            .ok_or_else(|| page_not_found(slug.as_str()))
    }

    pub(super) fn load_revision(&self, id: RevisionId) -> ServiceResult<Revision> {
        self.store()
            .revision(id)?
            .ok_or_else(|| ServiceError::Internal(format!("revision {id} is missing")))
    }

    /// `id` if it is a revision of `page` the viewer may read (published,
    /// or any as a member); else 400 `unknown_revision`, the same answer
    /// as for an id that does not exist.
    pub(super) fn readable_revision(
        &self,
        page: &Page,
        id: RevisionId,
        member: bool,
    ) -> ServiceResult<Revision> {
        match self.store().revision(id)? {
            Some(revision)
                if revision.page == page.id
                    && (member || revision.state == RevisionState::Published) =>
            {
                Ok(revision)
            }
            _ => Err(ServiceError::UnknownRevision(format!(
                "revision {id} is not a revision of {:?}",
                page.slug
            ))),
        }
    }

    /// The page at `slug` as `viewer` may know it, and whether they are a
    /// member (and so see pending and rejected revisions). To anyone else,
    /// a page with no published revision is missing: every route answers
    /// for it exactly as for a page that does not exist.
    pub(super) fn visible_page(
        &self,
        viewer: Option<&Actor>,
        place: &Place,
        slug: &PageSlug,
    ) -> ServiceResult<(Found, bool)> {
        let member = self.is_member(viewer, place)?;
        let found = self.require_page(&place.slug, slug)?;
        if !member && found.page.published.is_none() {
            return Err(page_not_found(slug.as_str()));
        }
        Ok((found, member))
    }

    pub(super) fn revision_view(&self, revision: &Revision) -> ServiceResult<RevisionView> {
        Ok(RevisionView {
            id: revision.id,
            parent: revision.parent,
            author: self.username(revision.author)?,
            created_at: revision.created_at,
            summary: revision.summary.clone(),
            state: revision.state,
            kind: revision.kind,
            bytes: revision.bytes,
            reverted_to: revision.reverted_to,
            base: revision.base,
        })
    }

    /// The version of what the page's answer shows an anonymous reader
    /// (see `answers`), if its rendering is at hand; made without reading
    /// its text. A page that does not answer 200 has none.
    pub(super) fn page_version(
        &self,
        space: &str,
        slug: &str,
    ) -> ServiceResult<Option<PageVersion>> {
        let (place, slug) = self.page_address(None, space, slug)?;
        let Some(found) = self.find_page(&place.slug, &slug)? else {
            return Ok(None);
        };
        let page = &found.page;
        let Some(revision) = page.published.filter(|_| !page.deleted) else {
            return Ok(None);
        };
        let Some(rendering) = self.rendering_epoch(revision) else {
            return Ok(None);
        };
        Ok(Some(PageVersion {
            page: page.id,
            revision,
            rendering,
            dispute: self.store().open_dispute_of(page.id)?.map(|d| d.id),
            redirected_from: found.redirected_from,
        }))
    }

    /// The page as readers see it: its newest published revision, rendered.
    pub async fn read_page(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        slug: &str,
    ) -> ServiceResult<PageView> {
        let (place, slug) = self.page_address(viewer, space, slug)?;
        let found = self.require_page(&place.slug, &slug)?;
        let page = &found.page;
        let Some(published) = page.published else {
            return Err(page_not_found(slug.as_str()));
        };
        if page.deleted {
            return Err(ServiceError::Deleted {
                revision: published,
            });
        }
        let revision = self.load_revision(published)?;
        self.page_view(viewer, &place, &found, revision).await
    }

    /// The page as it was at one of its revisions (a permalink), rendered:
    /// published ones for everyone, any for members.
    pub async fn read_page_at(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        slug: &str,
        id: RevisionId,
    ) -> ServiceResult<PageView> {
        let (place, slug) = self.page_address(viewer, space, slug)?;
        let (found, member) = self.visible_page(viewer, &place, &slug)?;
        let revision = self
            .readable_revision(&found.page, id, member)
            .map_err(|_| {
                ServiceError::NotFound(format!("{:?} has no revision {id}", found.page.slug))
            })?;
        self.page_view(viewer, &place, &found, revision).await
    }

    async fn page_view(
        &self,
        viewer: Option<&Actor>,
        place: &Place,
        found: &Found,
        revision: Revision,
    ) -> ServiceResult<PageView> {
        let page = &found.page;
        let markdown = self.store().text(&revision)?;
        let rendered = self.rendering_of(&place.slug, &revision, &markdown).await?;
        let dispute = self.store().open_dispute_of(page.id)?;
        Ok(PageView {
            space: page.space.clone(),
            slug: page.slug.clone(),
            title: page.title.clone(),
            markdown,
            html: rendered.html.clone(),
            toc: rendered.toc.clone(),
            tags: rendered.front_matter.tags.clone(),
            lang: rendered.front_matter.lang.clone(),
            summary: rendered.front_matter.summary.clone(),
            revision: self.revision_view(&revision)?,
            dispute: dispute.as_ref().map(|d| self.dispute_view(d)).transpose()?,
            talk: PageSlug::parse(&page.slug)
                .ok()
                .and_then(|s| s.talk())
                .map(|t| t.to_string()),
            redirected_from: found.redirected_from.clone(),
            created_at: page.created_at,
            updated_at: page.updated_at,
            actions: self.page_actions(viewer, place, page, dispute.as_ref())?,
        })
    }

    /// A page's revisions, newest first.
    pub fn page_history(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        slug: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> ServiceResult<Listing<RevisionView>> {
        let (place, slug) = self.page_address(viewer, space, slug)?;
        let list = ListRequest::new(cursor, limit)?;
        let (found, member) = self.visible_page(viewer, &place, &slug)?;
        // Readers see published revisions; members see pending and rejected
        // ones too, marked with their state.
        let revisions = self.store().page_history(
            found.page.id,
            list.numeric_cursor()?,
            list.limit + 1,
            |revision| member || revision.state == RevisionState::Published,
        )?;
        Listing::from_lookahead(revisions, list.limit, |r| r.id.to_string())
            .try_map(|revision| self.revision_view(&revision))
    }

    /// One revision of a page, with its text.
    pub fn page_revision(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        slug: &str,
        id: RevisionId,
    ) -> ServiceResult<RevisionTextView> {
        let (place, slug) = self.page_address(viewer, space, slug)?;
        let (found, member) = self.visible_page(viewer, &place, &slug)?;
        let page = found.page;
        let revision = self
            .readable_revision(&page, id, member)
            .map_err(|_| ServiceError::NotFound(format!("{:?} has no revision {id}", page.slug)))?;
        Ok(RevisionTextView {
            markdown: self.store().text(&revision)?,
            revision: self.revision_view(&revision)?,
        })
    }

    /// The diff between two revisions of a page. `to` defaults to the head,
    /// `from` to the parent of `to`. Computed on the CPU pool.
    pub async fn page_diff(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        slug: &str,
        from: Option<RevisionId>,
        to: Option<RevisionId>,
    ) -> ServiceResult<DiffView> {
        let (place, slug) = self.page_address(viewer, space, slug)?;
        let (found, member) = self.visible_page(viewer, &place, &slug)?;
        let page = found.page;
        // Readers diff published revisions only.
        let visible = |id: RevisionId| self.readable_revision(&page, id, member);
        let default_to = if member {
            Some(page.head)
        } else {
            page.published
        };
        let to = to
            .or(default_to)
            .ok_or_else(|| page_not_found(slug.as_str()))?;
        let to = visible(to)?;
        let from = match from.or(to.parent) {
            Some(id) => Some(visible(id)?),
            None => None,
        };
        let old_text = match &from {
            Some(revision) => self.store().text(revision)?,
            None => String::new(),
        };
        let new_text = self.store().text(&to)?;
        let from_id = from.as_ref().map_or(0, |r| r.id);
        let labels = (
            format!("{}@{}", page.slug, from_id),
            format!("{}@{}", page.slug, to.id),
        );
        let diff = self
            .inner
            .cpu
            .run(move || line_diff(&old_text, &new_text, &labels.0, &labels.1))
            .await?;
        Ok(DiffView {
            from: from_id,
            to: to.id,
            unified: diff.unified,
            hunks: diff.hunks,
        })
    }

    /// A diff laid out for people (changed lines paired, words marked), on
    /// the CPU pool: the work grows with the lines changed.
    pub async fn readable_diff(&self, hunks: Vec<Hunk>) -> ServiceResult<Vec<ReadableHunk>> {
        self.inner.cpu.run(move || readable(&hunks)).await
    }

    /// The changes from `old` to `new` (an edit not saved yet, against the
    /// revision it started from), on the CPU pool.
    pub async fn diff_texts(&self, old: String, new: String) -> ServiceResult<Vec<Hunk>> {
        self.inner
            .cpu
            .run(move || line_diff(&old, &new, "base", "edit").hunks)
            .await
    }

    /// The pages of a space readers can see, in slug order.
    pub fn list_pages(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> ServiceResult<Listing<PageSummaryView>> {
        let space = self.place(viewer, space)?.slug.clone();
        let list = ListRequest::new(cursor, limit)?;
        let pages = self
            .store()
            .pages(&space, list.cursor, list.limit + 1, |page| {
                page.published.is_some() && !page.deleted
            })?;
        let listing = Listing::from_lookahead(pages, list.limit, |p| p.slug.clone());
        Ok(listing.map(|page| PageSummaryView {
            revision: page.published.unwrap_or(page.head),
            slug: page.slug,
            title: page.title,
            updated_at: page.updated_at,
        }))
    }
}
