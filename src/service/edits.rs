//! Writing pages: create or edit (merging stale edits three-way), delete,
//! revert, move; each through the governance engine, which publishes it,
//! queues it for review, or refuses it.
//!
//! Writes are optimistic: read the published line, plan the new revision,
//! ask the engine (before anything costly: a refused edit is never merged
//! or rendered), merge if the author's base is stale, render the text
//! (links and title; over the rendering budget is refused), then ask the
//! store to append *if the line is still the one planned against*. If another write won the race the store says
//! `HeadMoved` and we plan again, so no edit is ever lost or silently
//! overwritten. A queued revision waits beside the line; it is merged onto
//! the page as it has become when it is approved.

use std::sync::Arc;

use super::facts::Place;
use super::rendering::within_budget;
use super::retry::optimistically;
use super::{Actor, App, ServiceError, ServiceResult, WriteView};
use crate::diff::{Merge, MergeLabels, merge3};
use crate::governance::{Action, Decision, PageFacts};
use crate::model::{PageSlug, RevisionId, RevisionKind, RevisionState};
use crate::render::Rendered;
use crate::store::{
    Dispute, Expected, Link, NewRevision, Page, PageEntry, PageMove, PreparedText, Revision,
    SanctionsSeen, StoreError, is_live,
};

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
    text: PlannedText,
    deleted: bool,
    reverted_to: Option<RevisionId>,
    /// Whether links to the page were blue before this revision.
    was_live: bool,
}

/// The text a planned revision gets: as written, or an edit of an older
/// revision, merged onto the published line only once the engine allowed
/// the edit (a merge is the costly part of a write).
enum PlannedText {
    Ready(String),
    Merge(StaleEdit),
}

/// An edit made from `base` while the page's published line moved on to `line`.
struct StaleEdit {
    base: RevisionId,
    line: RevisionId,
    base_text: String,
    line_text: String,
    mine: String,
}

impl PlannedText {
    /// The size the author sent, for the engine's first look.
    fn written_bytes(&self) -> u64 {
        match self {
            PlannedText::Ready(text) => text.len() as u64,
            PlannedText::Merge(stale) => stale.mine.len() as u64,
        }
    }
}

impl Planned {
    /// A revision extending the published line of `page`.
    fn against(page: &Page, kind: RevisionKind, markdown: String) -> ServiceResult<Self> {
        Ok(Planned {
            slug: PageSlug::parse(&page.slug)?,
            expected: Expected::at(page.published),
            kind,
            text: PlannedText::Ready(markdown),
            deleted: false,
            reverted_to: None,
            was_live: is_live(&PageEntry::Page(page.clone())),
        })
    }
}

/// Who writes, where, and why: the same for every attempt of a write.
struct Authorship<'a> {
    actor: &'a Actor,
    place: &'a Place,
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

pub(super) fn links_of(rendered: &Rendered) -> Vec<Link> {
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
    /// What the engine needs to know of the page at `slug` (whether it is
    /// the talk page of an existing page, and the standing an open dispute
    /// locks it to), and that dispute's id, which the write checks again in
    /// its transaction.
    pub(super) fn page_facts(
        &self,
        place: &Place,
        slug: &PageSlug,
    ) -> ServiceResult<(PageFacts, Option<u64>)> {
        let dispute = match self.store().page_entry(&place.slug, slug)? {
            Some(PageEntry::Page(page)) => self.store().open_dispute_of(page.id)?,
            _ => None,
        };
        let facts = self.facts_of_page(place, slug, dispute.as_ref())?;
        Ok((facts, dispute.map(|d| d.id)))
    }

    /// The engine's facts of the page at `slug`, whose open dispute (if
    /// any) the caller has read already.
    pub(super) fn facts_of_page(
        &self,
        place: &Place,
        slug: &PageSlug,
        dispute: Option<&Dispute>,
    ) -> ServiceResult<PageFacts> {
        // `Talk:X` is a talk page only while X exists: otherwise it is a
        // page like any other (no review bypass for a made-up subject).
        let talk = match slug.subject() {
            Some(subject) => self
                .store()
                .page_entry(&place.slug, &subject)?
                .is_some_and(|entry| is_live(&entry)),
            None => false,
        };
        Ok(PageFacts {
            slug: slug.to_string(),
            locked_to: dispute.map(|d| d.lock_to),
            talk,
        })
    }

    /// The actor's newest sanction, to check again where their action is
    /// written.
    pub(super) fn sanctions_seen(&self, actor: &Actor) -> ServiceResult<SanctionsSeen> {
        Ok(SanctionsSeen::Newest(
            self.store().newest_sanction(actor.id)?,
        ))
    }

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

    /// Plans a revision against the page as it is, asks the engine, renders
    /// it, and appends it if the page has not moved on meanwhile; otherwise
    /// plans again.
    async fn append_planned(
        &self,
        who: &Authorship<'_>,
        plan: impl Fn() -> ServiceResult<Planned>,
    ) -> ServiceResult<(WriteStatus, WriteView)> {
        let place = who.place;
        optimistically! {
            let planned = plan()?;
            // Before the facts: a sanction issued after this is seen by
            // the write, which then sends us back here.
            let sanctions_seen = self.sanctions_seen(who.actor)?;
            let facts = self.actor_facts(who.actor, place)?;
            let (page, open_dispute) = self.page_facts(place, &planned.slug)?;
            // Decided before anything costly (merging, rendering): a
            // refusal, a rate limit, costs nothing to give.
            let written = planned.text.written_bytes();
            let first_look = Action::Edit {
                page: &page,
                bytes: written,
            };
            if let Decision::Deny(denial) = self.decide(&facts, place, &first_look) {
                return Err(ServiceError::Denied(denial));
            }
            let (markdown, base) = self.settle_text(planned.text).await?;
            let bytes = markdown.len() as u64;
            let state = match self.decide(&facts, place, &Action::Edit { page: &page, bytes }) {
                Decision::Deny(denial) => return Err(ServiceError::Denied(denial)),
                Decision::Queue(_) => RevisionState::Pending,
                Decision::Allow => RevisionState::Published,
            };
            let markdown: Arc<str> = Arc::from(markdown);
            let (rendered, epoch) = self.render_fresh(&place.slug, markdown.clone()).await?;
            within_budget(&rendered)?;
            let new = NewRevision {
                space: place.slug.clone(),
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
                state,
                text: PreparedText::new(&markdown),
                deleted: planned.deleted,
                reverted_to: planned.reverted_to,
                base,
                // The engine let a non-member write: the space is open, and
                // contributing joins it.
                join_author: facts.standing.is_none(),
                open_dispute,
                sanctions_seen,
            };
            match self.store().append_revision(new).await {
                Ok((page, revision)) => {
                    self.inner
                        .governance
                        .note_edit(place.slug.as_str(), who.actor.id, self.now());
                    if revision.state == RevisionState::Published {
                        self.after_publication(
                            place,
                            &planned.slug,
                            planned.was_live,
                            &revision,
                            rendered,
                            epoch,
                        )
                        .await?;
                    }
                    return Ok((status_of(&revision), self.write_view(&page, &revision)?));
                }
                Err(StoreError::HeadMoved | StoreError::SanctionedMeanwhile) => continue,
                Err(error) => return Err(error.into()),
            }
        }
    }

    /// The text a planned revision gets, and the base it was merged from:
    /// a stale edit is merged three-way onto the line, or refused as a
    /// conflict with the text and its markers.
    async fn settle_text(&self, text: PlannedText) -> ServiceResult<(String, Option<RevisionId>)> {
        let stale = match text {
            PlannedText::Ready(text) => return Ok((text, None)),
            PlannedText::Merge(stale) => stale,
        };
        let (base, line) = (stale.base, stale.line);
        let labels = [
            format!("revision {base} (your base)"),
            format!("revision {line} (current)"),
            "your edit".to_owned(),
        ];
        let merged = self
            .merge_onto(
                (base, stale.base_text),
                (line, stale.line_text),
                stale.mine,
                labels,
            )
            .await?;
        self.check_size(&merged)?;
        Ok((merged, Some(base)))
    }

    /// Merges `mine`, an edit of `base`, onto `head`, on the CPU pool: the
    /// merged text, or 409 `edit_conflict` with the text and its markers.
    /// `labels` name base, head and mine in the markers.
    pub(super) async fn merge_onto(
        &self,
        base: (RevisionId, String),
        head: (RevisionId, String),
        mine: String,
        labels: [String; 3],
    ) -> ServiceResult<String> {
        let ((base_id, base_text), (head_id, head_text)) = (base, head);
        let merge = self
            .inner
            .cpu
            .run(move || {
                let [base, head, mine_label] = &labels;
                let labels = MergeLabels {
                    base,
                    head,
                    mine: mine_label,
                };
                merge3(&base_text, &head_text, &mine, &labels)
            })
            .await?;
        match merge {
            Merge::Clean(merged) => Ok(merged),
            Merge::Conflict(with_markers) => Err(ServiceError::EditConflict {
                base: base_id,
                head_revision: head_id,
                merged: Some(with_markers),
            }),
        }
    }

    /// What follows a revision's publication: its rendering joins the cache,
    /// pages linking to a page that appeared or vanished are rendered again,
    /// and the author is promoted if that was their last step.
    pub(super) async fn after_publication(
        &self,
        place: &Place,
        slug: &PageSlug,
        was_live: bool,
        revision: &Revision,
        rendered: Arc<Rendered>,
        epoch: u64,
    ) -> ServiceResult<()> {
        if !revision.deleted {
            self.cache_rendering(revision.id, rendered, epoch);
        }
        if was_live == revision.deleted {
            self.existence_changed(&place.slug, slug)?;
        }
        self.promote_if_due(place, revision.author).await?;
        // Only a revision that brings back a known text can be a revert.
        if revision.kind == RevisionKind::Revert
            || (revision.known_text && revision.kind == RevisionKind::Edit)
        {
            self.detect_edit_war(place, revision.page).await?;
        }
        Ok(())
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
        let place = self.place(Some(actor), space)?;
        let slug = PageSlug::parse(slug)?;
        self.check_size(&edit.markdown)?;
        let who = Authorship {
            actor,
            place: &place,
            summary: clean_summary(edit.summary)?,
        };
        let member = self.is_member(Some(actor), &place)?;
        self.append_planned(&who, || {
            self.plan_edit(&place, &slug, &edit.markdown, edit.base, member)
        })
        .await
    }

    /// Works out the revision an edit makes against the page as it is now.
    /// The base must be a revision the author may read (`member`: they see
    /// pending and rejected ones too).
    fn plan_edit(
        &self,
        place: &Place,
        slug: &PageSlug,
        markdown: &str,
        base: Option<RevisionId>,
        member: bool,
    ) -> ServiceResult<Planned> {
        let space = &place.slug;
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
        // A page with no published revision yet (pending ones only) is
        // written like a new one: its pending revisions wait beside.
        let Some((page, line)) = existing
            .as_ref()
            .and_then(|p| p.published.map(|line| (p, line)))
        else {
            if let Some(base) = base {
                // To outsiders, a page with pending revisions only is missing.
                match existing.as_ref().filter(|_| member) {
                    Some(page) => {
                        self.readable_revision(page, base, member)?;
                    }
                    None => {
                        return Err(ServiceError::UnknownRevision(format!(
                            "revision {base} is not a revision of {:?}, which does not exist",
                            slug.as_str()
                        )));
                    }
                }
            }
            return Ok(Planned {
                slug: existing
                    .as_ref()
                    .map_or(Ok(slug.clone()), |p| PageSlug::parse(&p.slug))?,
                expected: Expected::Absent,
                kind: RevisionKind::Create,
                text: PlannedText::Ready(markdown.to_owned()),
                deleted: false,
                reverted_to: None,
                was_live: entry.as_ref().is_some_and(is_live),
            });
        };
        // A deleted page has no text to lose: it can be written without a base.
        let base = match base {
            Some(base) => base,
            None if page.deleted => line,
            None => {
                return Err(ServiceError::MissingBase {
                    head_revision: line,
                });
            }
        };
        if base == line {
            return Planned::against(page, RevisionKind::Edit, markdown.to_owned());
        }
        let stale = StaleEdit {
            base,
            line,
            base_text: self
                .store()
                .text(&self.readable_revision(page, base, member)?)?,
            line_text: self.store().text(&self.load_revision(line)?)?,
            mine: markdown.to_owned(),
        };
        let mut planned = Planned::against(page, RevisionKind::Edit, String::new())?;
        planned.text = PlannedText::Merge(stale);
        Ok(planned)
    }

    /// The page at `slug` with its published line; 404 without one.
    fn live_line(&self, place: &Place, slug: &PageSlug) -> ServiceResult<(Page, RevisionId)> {
        let page = self.require_page(&place.slug, slug)?.page;
        match page.published {
            Some(line) => Ok((page, line)),
            None => Err(super::pages::page_not_found(slug.as_str())),
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
        let (place, slug) = self.page_address(Some(actor), space, slug)?;
        let who = Authorship {
            actor,
            place: &place,
            summary: clean_summary(summary)?,
        };
        self.append_planned(&who, || {
            let (page, line) = self.live_line(&place, &slug)?;
            if page.deleted {
                return Err(ServiceError::Deleted { revision: line });
            }
            let base = base.ok_or(ServiceError::MissingBase {
                head_revision: line,
            })?;
            self.readable_revision(&page, base, self.is_member(Some(actor), &place)?)?;
            if base != line {
                // Nothing to merge a deletion with: the deleter must see the edits first.
                return Err(ServiceError::EditConflict {
                    base,
                    head_revision: line,
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
    /// never rewritten, so a revert can itself be reverted. A revert is an
    /// edit: the engine judges it like any other.
    pub async fn revert_page(
        &self,
        actor: &Actor,
        space: &str,
        slug: &str,
        to_revision: RevisionId,
        summary: Option<String>,
    ) -> ServiceResult<(WriteStatus, WriteView)> {
        let (place, slug) = self.page_address(Some(actor), space, slug)?;
        let summary = clean_summary(summary)?;
        let who = Authorship {
            actor,
            place: &place,
            summary: if summary.is_empty() {
                format!("revert to revision {to_revision}")
            } else {
                summary
            },
        };
        self.append_planned(&who, || {
            let (found, member) = self.visible_page(Some(actor), &place, &slug)?;
            let page = found.page;
            let target = self.readable_revision(&page, to_revision, member)?;
            let text = self.store().text(&target)?;
            let mut planned = Planned::against(&page, RevisionKind::Revert, text)?;
            planned.deleted = target.deleted;
            planned.reverted_to = Some(to_revision);
            Ok(planned)
        })
        .await
    }

    /// Gives a page a new title; the old slug redirects to it. A move takes
    /// the standing that publishes directly: it cannot wait for review.
    pub async fn move_page(
        &self,
        actor: &Actor,
        space: &str,
        slug: &str,
        to: &str,
        summary: Option<String>,
    ) -> ServiceResult<(WriteStatus, WriteView)> {
        let (place, slug) = self.page_address(Some(actor), space, slug)?;
        let to = PageSlug::parse(to)?;
        let summary = clean_summary(summary)?;
        optimistically! {
            let (page, line) = self.live_line(&place, &slug)?;
            if page.deleted {
                return Err(ServiceError::Deleted { revision: line });
            }
            if page.slug == to.as_str() {
                return Err(ServiceError::InvalidInput(format!(
                    "the page is already called {:?}",
                    page.slug
                )));
            }
            let sanctions_seen = self.sanctions_seen(actor)?;
            let facts = self.actor_facts(actor, &place)?;
            let mut open_dispute = None;
            for affected in [&page.slug, to.as_str()] {
                let (facts_page, dispute) = self.page_facts(&place, &PageSlug::parse(affected)?)?;
                if *affected == page.slug {
                    open_dispute = dispute;
                }
                let action = Action::Move { page: &facts_page };
                if let Decision::Deny(denial) = self.decide(&facts, &place, &action) {
                    return Err(ServiceError::Denied(denial));
                }
            }
            let shown = self.load_revision(line)?;
            let rendered = self
                .rendering_of(&place.slug, &shown, &self.store().text(&shown)?)
                .await?;
            let request = PageMove {
                space: place.slug.clone(),
                from: PageSlug::parse(&page.slug)?,
                to: to.clone(),
                expected_head: line,
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
                open_dispute,
                sanctions_seen,
            };
            match self.store().move_page(request).await {
                Ok((page, revision)) => {
                    self.inner
                        .governance
                        .note_edit(place.slug.as_str(), actor.id, self.now());
                    self.existence_changed(&place.slug, &to)?;
                    return Ok((WriteStatus::Published, self.write_view(&page, &revision)?));
                }
                Err(StoreError::HeadMoved | StoreError::SanctionedMeanwhile) => continue,
                Err(StoreError::PageExists) => {
                    return Err(ServiceError::PageExists(to.to_string()));
                }
                Err(error) => return Err(error.into()),
            }
        }
    }
}
