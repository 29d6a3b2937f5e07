//! Writing pages: create or edit (merging stale edits three-way), delete,
//! revert, move.
//!
//! Writes are optimistic: read the head, plan the new revision (merging if
//! the author's base is stale), render it (links and title), then ask the
//! store to append *if the head is still the one planned against*. If another
//! write won the race the store says `HeadMoved` and we plan again against
//! the new head, so no edit is ever lost or silently overwritten.

use std::sync::Arc;

use super::{Actor, App, ServiceError, ServiceResult, WriteView};
use crate::diff::{Merge, MergeLabels, merge3};
use crate::model::{PageSlug, RevisionId, RevisionKind, RevisionState, SpaceSlug};
use crate::render::Rendered;
use crate::store::{
    Expected, Link, NewRevision, Page, PageEntry, PageMove, PreparedText, Revision, StoreError,
    is_live,
};

/// Rounds of plan-and-append before giving up on a page under a write
/// storm. Each round some concurrent writer succeeds, so fewer concurrent
/// writers of one page than this never see it.
const MAX_WRITE_ATTEMPTS: usize = 256;
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

/// A revision planned against the page as it was read.
struct Planned {
    slug: PageSlug,
    expected: Expected,
    kind: RevisionKind,
    markdown: String,
    deleted: bool,
    reverted_to: Option<RevisionId>,
    base: Option<RevisionId>,
    /// Whether links to the page were blue before this revision.
    was_live: bool,
}

impl Planned {
    fn against(page: &Page, kind: RevisionKind, markdown: String) -> ServiceResult<Self> {
        Ok(Planned {
            slug: PageSlug::parse(&page.slug)?,
            expected: Expected::Head(page.head),
            kind,
            markdown,
            deleted: false,
            reverted_to: None,
            base: None,
            was_live: is_live(&PageEntry::Page(page.clone())),
        })
    }
}

/// Who writes, where, and why: the same for every attempt of a write.
struct Authorship<'a> {
    actor: &'a Actor,
    space: &'a SpaceSlug,
    summary: String,
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

fn links_of(rendered: &Rendered) -> Vec<Link> {
    rendered
        .links
        .iter()
        .map(|target| Link {
            space: target.space.to_string(),
            slug: target.slug.to_string(),
        })
        .collect()
}

impl App {
    pub(super) fn check_size(&self, text: &str) -> ServiceResult<()> {
        let limit = self.config().limits.max_page_bytes;
        if text.len() > limit {
            return Err(ServiceError::TooLarge {
                size: text.len(),
                limit,
            });
        }
        Ok(())
    }

    fn write_view(&self, page: &Page, revision: &Revision) -> ServiceResult<WriteView> {
        Ok(WriteView {
            space: page.space.clone(),
            slug: page.slug.clone(),
            revision: self.revision_view(revision)?,
            merged: revision.base.is_some(),
        })
    }

    /// Plans a revision against the page as it is, renders it, and appends it
    /// if the page has not moved on meanwhile; otherwise plans again.
    async fn append_planned(
        &self,
        who: &Authorship<'_>,
        plan: impl Fn() -> ServiceResult<Planned>,
    ) -> ServiceResult<(WriteStatus, WriteView)> {
        for _ in 0..MAX_WRITE_ATTEMPTS {
            let planned = plan()?;
            let markdown: Arc<str> = Arc::from(planned.markdown.as_str());
            let (rendered, epoch) = self.render_fresh(who.space, markdown.clone()).await?;
            let new = NewRevision {
                space: who.space.clone(),
                title: rendered
                    .front_matter
                    .title
                    .clone()
                    .unwrap_or_else(|| planned.slug.title()),
                links: if planned.deleted {
                    Vec::new()
                } else {
                    links_of(&rendered)
                },
                slug: planned.slug.clone(),
                expected: planned.expected,
                author: who.actor.id,
                summary: who.summary.clone(),
                kind: planned.kind,
                state: RevisionState::Published,
                text: PreparedText::new(&markdown),
                deleted: planned.deleted,
                reverted_to: planned.reverted_to,
                base: planned.base,
            };
            match self.store().append_revision(new).await {
                Ok((page, revision)) => {
                    if !revision.deleted {
                        self.cache_rendering(revision.id, rendered, epoch);
                    }
                    if planned.was_live == revision.deleted {
                        self.existence_changed(who.space, &planned.slug)?;
                    }
                    return Ok((status_of(&revision), self.write_view(&page, &revision)?));
                }
                Err(StoreError::HeadMoved) => continue,
                Err(error) => return Err(error.into()),
            }
        }
        Err(ServiceError::Busy)
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
        let who = Authorship {
            actor,
            space: &space,
            summary: clean_summary(edit.summary)?,
        };
        self.append_planned(&who, || {
            self.plan_edit(&space, &slug, &edit.markdown, edit.base)
        })
        .await
    }

    /// Works out the revision an edit makes against the page as it is now.
    fn plan_edit(
        &self,
        space: &SpaceSlug,
        slug: &PageSlug,
        markdown: &str,
        base: Option<RevisionId>,
    ) -> ServiceResult<Planned> {
        let entry = self.store().page_entry(space, slug)?;
        let existing = match &entry {
            Some(PageEntry::Page(page)) => Some(page.clone()),
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
            return Ok(Planned {
                slug: slug.clone(),
                expected: Expected::Absent,
                kind: RevisionKind::Create,
                markdown: markdown.to_owned(),
                deleted: false,
                reverted_to: None,
                base: None,
                was_live: entry.as_ref().is_some_and(is_live),
            });
        };
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
            return Planned::against(&page, RevisionKind::Edit, markdown.to_owned());
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
                let mut planned = Planned::against(&page, RevisionKind::Edit, merged)?;
                planned.base = Some(base);
                Ok(planned)
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
        let (space, slug) = self.page_address(space, slug)?;
        let who = Authorship {
            actor,
            space: &space,
            summary: clean_summary(summary)?,
        };
        self.append_planned(&who, || {
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
            let mut planned = Planned::against(&page, RevisionKind::Delete, String::new())?;
            planned.deleted = true;
            Ok(planned)
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
        let (space, slug) = self.page_address(space, slug)?;
        let summary = clean_summary(summary)?;
        let who = Authorship {
            actor,
            space: &space,
            summary: if summary.is_empty() {
                format!("revert to revision {to_revision}")
            } else {
                summary
            },
        };
        self.append_planned(&who, || {
            let page = self.require_page(&space, &slug)?.page;
            let target = self.revision_of(&page, to_revision)?;
            let text = self.store().text(&target)?;
            let mut planned = Planned::against(&page, RevisionKind::Revert, text)?;
            planned.deleted = target.deleted;
            planned.reverted_to = Some(to_revision);
            Ok(planned)
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
        let (space, slug) = self.page_address(space, slug)?;
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
            let shown = self.load_revision(page.published.unwrap_or(page.head))?;
            let rendered = self
                .rendering_of(&space, &shown, &self.store().text(&shown)?)
                .await?;
            let request = PageMove {
                space: space.clone(),
                from: PageSlug::parse(&page.slug)?,
                to: to.clone(),
                expected_head: page.head,
                actor: actor.id,
                summary: if summary.is_empty() {
                    format!("moved from {} to {}", page.slug, to)
                } else {
                    summary.clone()
                },
                title: rendered
                    .front_matter
                    .title
                    .clone()
                    .unwrap_or_else(|| to.title()),
            };
            match self.store().move_page(request).await {
                Ok((page, revision)) => {
                    self.existence_changed(&space, &to)?;
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
}
