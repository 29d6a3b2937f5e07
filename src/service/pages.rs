//! Pages: read, edit (with three-way merge of stale edits), delete, revert,
//! move, history, single revisions, diffs and the page list.
//!
//! Writes are optimistic: read the head, compute the new text (merging if the
//! author's base is stale), then ask the store to append *if the head is still
//! the one read*. If another write won the race the store says `HeadMoved`
//! and we compute again against the new head, so no edit is ever lost or
//! silently overwritten.

use super::{
    Actor, App, DiffView, Listing, PageSummaryView, PageView, RevisionTextView, RevisionView,
    ServiceError, ServiceResult, WriteView, numeric_cursor, page_size,
};
use crate::diff::{Merge, MergeLabels, line_diff, merge3};
use crate::model::{PageSlug, RevisionId, RevisionKind, RevisionState, SpaceSlug};
use crate::store::{
    Expected, NewRevision, Page, PageEntry, PageMove, PreparedText, Revision, StoreError,
};

/// Rounds of merge-and-retry before giving up on a page under a write storm.
/// Each round, some concurrent writer succeeds, so this is never reached by
/// fewer concurrent writers of one page.
const MAX_WRITE_ATTEMPTS: usize = 256;
/// A move may follow a chain of redirects this long.
const MAX_REDIRECTS: usize = 8;
const MAX_SUMMARY_CHARS: usize = 500;

pub struct EditRequest {
    pub markdown: String,
    pub summary: Option<String>,
    /// The revision the author edited (`base_revision` or `If-Match`).
    pub base: Option<RevisionId>,
}

/// How a write went, for the status code: 201, 200 or 202.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStatus {
    Created,
    Published,
    Queued,
}

/// A page found at a slug, possibly through redirects.
struct Found {
    page: Page,
    redirected_from: Option<String>,
}

fn status_of(revision: &Revision) -> WriteStatus {
    match (revision.state, revision.kind) {
        (RevisionState::Published, RevisionKind::Create) => WriteStatus::Created,
        (RevisionState::Published, _) => WriteStatus::Published,
        _ => WriteStatus::Queued,
    }
}

fn clean_summary(summary: Option<String>) -> ServiceResult<String> {
    let summary = summary.unwrap_or_default().trim().to_owned();
    if summary.chars().count() > MAX_SUMMARY_CHARS {
        return Err(ServiceError::InvalidInput(format!(
            "summary is at most {MAX_SUMMARY_CHARS} characters"
        )));
    }
    if summary.chars().any(|c| c.is_control()) {
        return Err(ServiceError::InvalidInput(
            "summary may not contain control characters".to_owned(),
        ));
    }
    Ok(summary)
}

fn page_not_found(slug: &str) -> ServiceError {
    ServiceError::NotFound(format!("no page {slug:?}"))
}

impl App {
    fn check_size(&self, text: &str) -> ServiceResult<()> {
        let limit = self.config().limits.max_page_bytes;
        if text.len() > limit {
            return Err(ServiceError::TooLarge {
                size: text.len(),
                limit,
            });
        }
        Ok(())
    }

    /// The page at `slug`, following redirects left by moves.
    fn find_page(&self, space: &SpaceSlug, slug: &PageSlug) -> ServiceResult<Option<Found>> {
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

    fn require_page(&self, space: &SpaceSlug, slug: &PageSlug) -> ServiceResult<Found> {
        self.find_page(space, slug)?
            .ok_or_else(|| page_not_found(slug.as_str()))
    }

    fn load_revision(&self, id: RevisionId) -> ServiceResult<Revision> {
        self.store()
            .revision(id)?
            .ok_or_else(|| ServiceError::Internal(format!("revision {id} is missing")))
    }

    /// `id` if it is a revision of `page`, else 400 `unknown_revision`.
    fn revision_of(&self, page: &Page, id: RevisionId) -> ServiceResult<Revision> {
        match self.store().revision(id)? {
            Some(revision) if revision.page == page.id => Ok(revision),
            _ => Err(ServiceError::UnknownRevision(format!(
                "revision {id} is not a revision of {:?}",
                page.slug
            ))),
        }
    }

    fn revision_view(&self, revision: &Revision) -> ServiceResult<RevisionView> {
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

    fn write_view(&self, page: &Page, revision: &Revision) -> ServiceResult<WriteView> {
        Ok(WriteView {
            space: page.space.clone(),
            slug: page.slug.clone(),
            revision: self.revision_view(revision)?,
            merged: revision.base.is_some(),
        })
    }

    /// The page as readers see it: its newest published revision.
    pub fn read_page(
        &self,
        _viewer: Option<&Actor>,
        space: &str,
        slug: &str,
    ) -> ServiceResult<PageView> {
        let (space, _) = self.space(space)?;
        let slug = PageSlug::parse(slug).map_err(|_| page_not_found(slug))?;
        let found = self.require_page(&space, &slug)?;
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
        Ok(PageView {
            space: page.space.clone(),
            slug: page.slug.clone(),
            title: page.title.clone(),
            markdown: self.store().text(&revision)?,
            revision: self.revision_view(&revision)?,
            dispute: None,
            redirected_from: found.redirected_from,
            created_at: page.created_at,
            updated_at: page.updated_at,
        })
    }

    /// Creates or edits a page. An existing page needs the base revision the
    /// author edited; a stale base is merged three-way with the head.
    pub async fn save_page(
        &self,
        actor: &Actor,
        space: &str,
        slug: &str,
        edit: EditRequest,
    ) -> ServiceResult<(WriteStatus, WriteView)> {
        let (space, _) = self.space(space)?;
        let slug = PageSlug::parse(slug)?;
        self.check_size(&edit.markdown)?;
        let summary = clean_summary(edit.summary)?;
        self.append_planned(|| {
            self.plan_edit(actor, &space, &slug, &edit.markdown, edit.base, &summary)
        })
        .await
    }

    /// Plans a revision against the page as it is, and appends it if the page
    /// has not moved on meanwhile; otherwise plans again.
    async fn append_planned(
        &self,
        plan: impl Fn() -> ServiceResult<NewRevision>,
    ) -> ServiceResult<(WriteStatus, WriteView)> {
        for _ in 0..MAX_WRITE_ATTEMPTS {
            match self.store().append_revision(plan()?).await {
                Ok((page, revision)) => {
                    return Ok((status_of(&revision), self.write_view(&page, &revision)?));
                }
                Err(StoreError::HeadMoved) => continue,
                Err(error) => return Err(error.into()),
            }
        }
        Err(ServiceError::Busy)
    }

    /// Works out the revision an edit makes against the page as it is now.
    fn plan_edit(
        &self,
        actor: &Actor,
        space: &SpaceSlug,
        slug: &PageSlug,
        markdown: &str,
        base: Option<RevisionId>,
        summary: &str,
    ) -> ServiceResult<NewRevision> {
        let new_revision =
            |target: &PageSlug, expected, kind, text: &str, merged_from| NewRevision {
                space: space.clone(),
                slug: target.clone(),
                expected,
                author: actor.id,
                summary: summary.to_owned(),
                kind,
                state: RevisionState::Published,
                text: PreparedText::new(text),
                deleted: false,
                reverted_to: None,
                base: merged_from,
            };
        let existing = match self.store().page_entry(space, slug)? {
            Some(PageEntry::Page(page)) => Some(page),
            // A redirect's slug is free for a new page; an edit naming a base
            // revision is meant for the page the redirect leads to.
            Some(PageEntry::Redirect { .. }) if base.is_some() => {
                self.find_page(space, slug)?.map(|found| found.page)
            }
            Some(PageEntry::Redirect { .. }) | None => None,
        };
        let Some(page) = existing else {
            if let Some(base) = base {
                return Err(ServiceError::UnknownRevision(format!(
                    "revision {base} is not a revision of {:?}, which does not exist",
                    slug.as_str()
                )));
            }
            return Ok(new_revision(
                slug,
                Expected::Absent,
                RevisionKind::Create,
                markdown,
                None,
            ));
        };
        let target = PageSlug::parse(&page.slug)?;
        let expected = Expected::Head(page.head);
        // A deleted page has no text to lose: it can be written without a base.
        let base = match base {
            Some(base) => base,
            None if page.deleted && page.published == Some(page.head) => page.head,
            None => {
                return Err(ServiceError::MissingBase {
                    head_revision: page.head,
                });
            }
        };
        if base == page.head {
            return Ok(new_revision(
                &target,
                expected,
                RevisionKind::Edit,
                markdown,
                None,
            ));
        }
        let base_revision = self.revision_of(&page, base)?;
        let head_revision = self.load_revision(page.head)?;
        let base_text = self.store().text(&base_revision)?;
        let head_text = self.store().text(&head_revision)?;
        let labels = MergeLabels {
            base: &format!("revision {base} (your base)"),
            head: &format!("revision {} (current)", page.head),
            mine: "your edit",
        };
        match merge3(&base_text, &head_text, markdown, &labels) {
            Merge::Clean(merged) => {
                self.check_size(&merged)?;
                Ok(new_revision(
                    &target,
                    expected,
                    RevisionKind::Edit,
                    &merged,
                    Some(base),
                ))
            }
            Merge::Conflict(with_markers) => Err(ServiceError::EditConflict {
                base,
                head_revision: page.head,
                merged: Some(with_markers),
            }),
        }
    }

    /// Deletes a page: a revision that reads as deleted, which revert undoes.
    pub async fn delete_page(
        &self,
        actor: &Actor,
        space: &str,
        slug: &str,
        base: Option<RevisionId>,
        summary: Option<String>,
    ) -> ServiceResult<(WriteStatus, WriteView)> {
        let (space, _) = self.space(space)?;
        let slug = PageSlug::parse(slug).map_err(|_| page_not_found(slug))?;
        let summary = clean_summary(summary)?;
        self.append_planned(|| {
            let page = self.require_page(&space, &slug)?.page;
            if page.deleted {
                return Err(ServiceError::Deleted {
                    revision: page.published.unwrap_or(page.head),
                });
            }
            let base = base.ok_or(ServiceError::MissingBase {
                head_revision: page.head,
            })?;
            self.revision_of(&page, base)?;
            if base != page.head {
                // Nothing to merge a deletion with: the deleter must see the edits first.
                return Err(ServiceError::EditConflict {
                    base,
                    head_revision: page.head,
                    merged: None,
                });
            }
            Ok(NewRevision {
                space: space.clone(),
                slug: PageSlug::parse(&page.slug)?,
                expected: Expected::Head(page.head),
                author: actor.id,
                summary: summary.clone(),
                kind: RevisionKind::Delete,
                state: RevisionState::Published,
                text: PreparedText::new(""),
                deleted: true,
                reverted_to: None,
                base: None,
            })
        })
        .await
    }

    /// Makes a new revision with the text of an earlier one. History is
    /// never rewritten, so a revert can itself be reverted.
    pub async fn revert_page(
        &self,
        actor: &Actor,
        space: &str,
        slug: &str,
        to_revision: RevisionId,
        summary: Option<String>,
    ) -> ServiceResult<(WriteStatus, WriteView)> {
        let (space, _) = self.space(space)?;
        let slug = PageSlug::parse(slug).map_err(|_| page_not_found(slug))?;
        let summary = clean_summary(summary)?;
        let summary = if summary.is_empty() {
            format!("revert to revision {to_revision}")
        } else {
            summary
        };
        self.append_planned(|| {
            let page = self.require_page(&space, &slug)?.page;
            let target = self.revision_of(&page, to_revision)?;
            Ok(NewRevision {
                space: space.clone(),
                slug: PageSlug::parse(&page.slug)?,
                expected: Expected::Head(page.head),
                author: actor.id,
                summary: summary.clone(),
                kind: RevisionKind::Revert,
                state: RevisionState::Published,
                text: PreparedText::new(&self.store().text(&target)?),
                deleted: target.deleted,
                reverted_to: Some(to_revision),
                base: None,
            })
        })
        .await
    }

    /// Gives a page a new title; the old slug redirects to it.
    pub async fn move_page(
        &self,
        actor: &Actor,
        space: &str,
        slug: &str,
        to: &str,
        summary: Option<String>,
    ) -> ServiceResult<(WriteStatus, WriteView)> {
        let (space, _) = self.space(space)?;
        let slug = PageSlug::parse(slug).map_err(|_| page_not_found(slug))?;
        let to = PageSlug::parse(to)?;
        let summary = clean_summary(summary)?;
        for _ in 0..MAX_WRITE_ATTEMPTS {
            let page = self.require_page(&space, &slug)?.page;
            if page.deleted {
                return Err(ServiceError::Deleted {
                    revision: page.published.unwrap_or(page.head),
                });
            }
            if page.slug == to.as_str() {
                return Err(ServiceError::InvalidInput(format!(
                    "the page is already called {:?}",
                    page.slug
                )));
            }
            let summary = if summary.is_empty() {
                format!("moved from {} to {}", page.slug, to)
            } else {
                summary.clone()
            };
            let request = PageMove {
                space: space.clone(),
                from: PageSlug::parse(&page.slug)?,
                to: to.clone(),
                expected_head: page.head,
                actor: actor.id,
                summary,
            };
            match self.store().move_page(request).await {
                Ok((page, revision)) => {
                    return Ok((WriteStatus::Published, self.write_view(&page, &revision)?));
                }
                Err(StoreError::HeadMoved) => continue,
                Err(StoreError::PageExists) => {
                    return Err(ServiceError::PageExists(to.to_string()));
                }
                Err(error) => return Err(error.into()),
            }
        }
        Err(ServiceError::Busy)
    }

    /// A page's revisions, newest first.
    pub fn page_history(
        &self,
        _viewer: Option<&Actor>,
        space: &str,
        slug: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> ServiceResult<Listing<RevisionView>> {
        let (space, _) = self.space(space)?;
        let slug = PageSlug::parse(slug).map_err(|_| page_not_found(slug))?;
        let limit = page_size(limit)?;
        let page = self.require_page(&space, &slug)?.page;
        let before = numeric_cursor(cursor)?;
        let revisions = self.store().page_history(page.id, before, limit)?;
        let next_cursor = (revisions.len() == limit)
            .then(|| revisions.last().map(|r| r.id.to_string()))
            .flatten();
        let items = revisions
            .iter()
            .map(|revision| self.revision_view(revision))
            .collect::<ServiceResult<_>>()?;
        Ok(Listing { items, next_cursor })
    }

    /// One revision of a page, with its text.
    pub fn page_revision(
        &self,
        _viewer: Option<&Actor>,
        space: &str,
        slug: &str,
        id: RevisionId,
    ) -> ServiceResult<RevisionTextView> {
        let (space, _) = self.space(space)?;
        let slug = PageSlug::parse(slug).map_err(|_| page_not_found(slug))?;
        let page = self.require_page(&space, &slug)?.page;
        let revision = match self.store().revision(id)? {
            Some(revision) if revision.page == page.id => revision,
            _ => {
                return Err(ServiceError::NotFound(format!(
                    "{:?} has no revision {id}",
                    page.slug
                )));
            }
        };
        Ok(RevisionTextView {
            markdown: self.store().text(&revision)?,
            revision: self.revision_view(&revision)?,
        })
    }

    /// The diff between two revisions of a page. `to` defaults to the head,
    /// `from` to the parent of `to`.
    pub fn page_diff(
        &self,
        _viewer: Option<&Actor>,
        space: &str,
        slug: &str,
        from: Option<RevisionId>,
        to: Option<RevisionId>,
    ) -> ServiceResult<DiffView> {
        let (space, _) = self.space(space)?;
        let slug = PageSlug::parse(slug).map_err(|_| page_not_found(slug))?;
        let page = self.require_page(&space, &slug)?.page;
        let to = self.revision_of(&page, to.unwrap_or(page.head))?;
        let from = match from.or(to.parent) {
            Some(id) => Some(self.revision_of(&page, id)?),
            None => None,
        };
        let old_text = match &from {
            Some(revision) => self.store().text(revision)?,
            None => String::new(),
        };
        let new_text = self.store().text(&to)?;
        let from_id = from.as_ref().map_or(0, |r| r.id);
        let diff = line_diff(
            &old_text,
            &new_text,
            &format!("{}@{}", page.slug, from_id),
            &format!("{}@{}", page.slug, to.id),
        );
        Ok(DiffView {
            from: from_id,
            to: to.id,
            unified: diff.unified,
            hunks: diff.hunks,
        })
    }

    /// The pages of a space readers can see, in slug order.
    pub fn list_pages(
        &self,
        _viewer: Option<&Actor>,
        space: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> ServiceResult<Listing<PageSummaryView>> {
        let (space, _) = self.space(space)?;
        let limit = page_size(limit)?;
        let pages = self.store().pages(&space, cursor, limit, |page| {
            page.published.is_some() && !page.deleted
        })?;
        let next_cursor = (pages.len() == limit)
            .then(|| pages.last().map(|p| p.slug.clone()))
            .flatten();
        let items = pages
            .into_iter()
            .map(|page| PageSummaryView {
                revision: page.published.unwrap_or(page.head),
                slug: page.slug,
                title: page.title,
                updated_at: page.updated_at,
            })
            .collect();
        Ok(Listing { items, next_cursor })
    }
}
