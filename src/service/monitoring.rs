//! Monitoring (Ostrom's principle 4): watchlists and notifications, each
//! space's governance log, its health figures, and the feed of published
//! changes.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::facts::{Place, Sight};
use super::{
    Actor, App, ChangeView, ChangesQuery, HealthView, HealthWeekView, ListRequest, Listing,
    LogEntryView, NotificationView, Order, ServiceError, ServiceResult, WatchView,
};
use crate::model::{EventKind, EventSeq, RevisionState, Standing, Timestamp, UserId};
use crate::store::Event;

const DAY_MS: i64 = 86_400_000;
/// Events looked at per request at most (see `changes`).
const SCAN_BUDGET: usize = 10_000;
/// Events a health computation reads at most: a busy space's figures come
/// from its most recent activity.
const HEALTH_BUDGET: usize = 200_000;
/// The most weeks `GET .../health?weeks=` answers.
pub const MAX_HEALTH_WEEKS: u32 = 52;
/// Unread notifications are counted up to this many ("99+" past it).
pub const UNREAD_COUNTED: usize = 100;

/// Which entries of a governance log to keep.
#[derive(Debug, Default, Clone)]
pub struct LogFilter {
    /// A governance action (`standing_change`, `sanction`…).
    pub action: Option<String>,
    /// A username: entries by this member or about them.
    pub user: Option<String>,
}

impl LogFilter {
    fn keeps(&self, entry: &LogEntryView) -> bool {
        let action = self.action.as_deref().is_none_or(|a| a == entry.action);
        let user = self.user.as_deref().is_none_or(|user| {
            entry
                .actor
                .as_deref()
                .is_some_and(|actor| actor.eq_ignore_ascii_case(user))
                || entry
                    .target
                    .strip_prefix("user:")
                    .is_some_and(|target| target.eq_ignore_ascii_case(user))
        });
        action && user
    }
}

/// What a logged-in visitor chose, and what waits for them.
#[derive(Debug, Clone, Default)]
pub struct Preferences {
    pub language: Option<String>,
    pub unread: usize,
    /// Notifications up to this event were seen.
    pub notifications_seen: EventSeq,
}

/// Entries of the Atom feed.
const FEED_ENTRIES: usize = 50;

impl App {
    /// Starts or stops watching a page of a space the actor may see. The
    /// page need not exist yet.
    pub async fn watch(
        &self,
        actor: &Actor,
        space: &str,
        slug: &str,
        on: bool,
    ) -> ServiceResult<()> {
        let (place, slug) = self.page_address(Some(actor), space, slug)?;
        self.store()
            .watch(actor.id, place.slug.clone(), slug, on)
            .await?;
        Ok(())
    }

    /// Whether the actor watches a page (of a space they may see).
    pub fn watches(&self, actor: &Actor, space: &str, slug: &str) -> ServiceResult<bool> {
        let (place, slug) = self.page_address(Some(actor), space, slug)?;
        Ok(self
            .store()
            .watches(actor.id, place.slug.as_str(), slug.as_str())?)
    }

    /// What the pages a logged-in visitor sees say about them: the
    /// interface language they chose and how many notifications they have
    /// not seen (counted up to [`UNREAD_COUNTED`]).
    pub fn preferences(&self, actor: &Actor) -> ServiceResult<Preferences> {
        let Some(user) = self.store().user(actor.id)? else {
            return Err(ServiceError::Unauthenticated);
        };
        let recent = self.notifications(actor, None, Some(UNREAD_COUNTED))?;
        let unread = recent
            .items
            .iter()
            .filter(|n| n.seq > user.notifications_seen)
            .count();
        Ok(Preferences {
            language: user.language,
            unread,
            notifications_seen: user.notifications_seen,
        })
    }

    /// Remembers the interface language the actor chose (`None`: the
    /// browser's).
    pub async fn set_language(&self, actor: &Actor, language: Option<&str>) -> ServiceResult<()> {
        let language = match language {
            Some(code @ ("fr" | "en")) => Some(code.to_owned()),
            Some(_) => {
                return Err(ServiceError::InvalidInput(
                    "language is fr or en".to_owned(),
                ));
            }
            None => None,
        };
        self.store()
            .set_preferences(actor.id, Some(language), None)
            .await?;
        Ok(())
    }

    /// Marks the actor's notifications up to `seq` as seen.
    pub async fn mark_notifications_seen(&self, actor: &Actor, seq: EventSeq) -> ServiceResult<()> {
        self.store()
            .set_preferences(actor.id, None, Some(seq))
            .await?;
        Ok(())
    }

    /// The pages the actor watches, by space then slug.
    pub fn watchlist(
        &self,
        actor: &Actor,
        list: ListRequest<'_>,
    ) -> ServiceResult<Listing<WatchView>> {
        let sight = Sight::new(self, Some(actor));
        let watched: Vec<WatchView> = self
            .store()
            .watchlist(actor.id)?
            .into_iter()
            .filter(|(space, _)| sight.of(space).is_some())
            .map(|(space, slug)| WatchView { space, slug })
            .collect();
        // A space slug never holds a space, so this sorts as the store does.
        let key = |w: &WatchView| format!("{} {}", w.space, w.slug);
        Ok(Listing::paged(watched, list, Order::Ascending, key))
    }

    /// The events that concern the actor, newest first: changes to watched
    /// pages, outcomes of reviews of their work, governance actions about
    /// them.
    pub fn notifications(
        &self,
        actor: &Actor,
        cursor: Option<&str>,
        limit: Option<usize>,
    ) -> ServiceResult<Listing<NotificationView>> {
        let page = ListRequest::new(cursor, limit)?;
        let (limit, before) = (page.limit, page.numeric_cursor()?);
        let sight = Sight::new(self, Some(actor));
        let mut items = Vec::new();
        let mut next_cursor = None;
        for event in self.store().notifications(actor.id, before) {
            let event = event?;
            if items.len() == limit {
                next_cursor = items.last().map(|n: &NotificationView| n.seq.to_string());
                break;
            }
            // As in recent changes: a hidden space is absent, and only its
            // members hear of revisions not (yet) published. What is done
            // to the actor themself (a ban) they always hear of.
            let state = match event.revision {
                Some(id) => self.store().revision(id)?.map(|r| r.state),
                None => None,
            };
            if let Some(space) = event.space.as_deref()
                && event.subject != Some(actor.id)
                && !sight.sees(space, state)
            {
                continue;
            }
            items.push(NotificationView {
                seq: event.seq,
                at: event.at,
                kind: event.kind,
                space: event.space.clone(),
                slug: event.slug.clone(),
                revision: event.revision,
                actor: event.actor.map(|id| self.username(id)).transpose()?,
                summary: event.summary.clone(),
                target: event.target.clone(),
            });
        }
        Ok(Listing { items, next_cursor })
    }

    /// A space's governance log, newest first: every governance action with
    /// its actor, time, target and reason; only one action (`standing_change`)
    /// and one member (who acted, or whom it is about) when asked.
    pub fn governance_log(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        cursor: Option<&str>,
        limit: Option<usize>,
        filter: &LogFilter,
    ) -> ServiceResult<Listing<LogEntryView>> {
        let place = self.place(viewer, space)?;
        let page = ListRequest::new(cursor, limit)?;
        let (limit, before) = (page.limit, page.numeric_cursor()?);
        let mut items = Vec::new();
        let mut next_cursor = None;
        let mut last_seen = None;
        for (scanned, event) in self.store().space_events(&place.slug, before).enumerate() {
            let event = event?;
            if scanned == SCAN_BUDGET || items.len() == limit {
                next_cursor = last_seen.map(|seq: u64| seq.to_string());
                break;
            }
            last_seen = Some(event.seq);
            if let Some(entry) = self.log_entry(&event)?
                && filter.keeps(&entry)
            {
                items.push(entry);
            }
        }
        Ok(Listing { items, next_cursor })
    }

    fn log_entry(&self, event: &Event) -> ServiceResult<Option<LogEntryView>> {
        let Some(action) = event.kind.governance_action() else {
            return Ok(None);
        };
        Ok(Some(LogEntryView {
            seq: event.seq,
            at: event.at,
            actor: event.actor.map(|id| self.username(id)).transpose()?,
            action: action.to_owned(),
            target: event.target.clone().unwrap_or_default(),
            reason: event.summary.clone(),
        }))
    }

    /// A space's health: its review backlog and speed, how many contribute,
    /// how often edits are reverted, and whether newcomers stay.
    pub fn space_health(
        &self,
        viewer: Option<&Actor>,
        space: &str,
        weeks: Option<u32>,
    ) -> ServiceResult<HealthView> {
        let place = self.place(viewer, space)?;
        let weeks = match weeks {
            None => None,
            Some(n @ 1..=MAX_HEALTH_WEEKS) => Some(self.health_weeks(&place, n)?),
            Some(_) => {
                return Err(ServiceError::InvalidInput(format!(
                    "weeks is 1 to {MAX_HEALTH_WEEKS}"
                )));
            }
        };
        let now = self.now().millis();
        let month_ago = now - 30 * DAY_MS;
        let mut review_seconds = Vec::new();
        let mut contributors = HashSet::new();
        let mut changes = 0u64;
        let mut reverts = 0u64;
        for event in self
            .store()
            .space_events(&place.slug, None)
            .take(HEALTH_BUDGET)
        {
            let event = event?;
            if event.at.millis() < month_ago {
                break;
            }
            match event.kind {
                EventKind::Publish | EventKind::ReviewReject => {
                    let pending = match event.kind {
                        EventKind::Publish => event.detail.get("pending").and_then(|p| p.as_u64()),
                        _ => event.revision,
                    };
                    if let Some(revision) = pending
                        .map(|id| self.store().revision(id))
                        .transpose()?
                        .flatten()
                    {
                        review_seconds.push(
                            (event.at.millis() - revision.created_at.millis()).max(0) as f64
                                / 1000.0,
                        );
                    }
                }
                EventKind::Create | EventKind::Edit | EventKind::Delete | EventKind::Move => {
                    changes += 1;
                    contributors.extend(event.actor);
                }
                EventKind::Revert => {
                    changes += 1;
                    reverts += 1;
                    contributors.extend(event.actor);
                }
                _ => {}
            }
        }
        let newcomers: BTreeSet<u64> = self
            .store()
            .members(&place.slug)?
            .into_iter()
            .filter(|(_, m)| {
                let joined = m.since.millis();
                (now - 60 * DAY_MS..month_ago).contains(&joined) && m.standing != Standing::Steward
            })
            .map(|(user, _)| user)
            .collect();
        Ok(HealthView {
            pending: self.store().pending(&place.slug)?.len() as u64,
            median_review_seconds: median(&mut review_seconds),
            active_contributors_30d: contributors.len() as u64,
            revert_rate: (changes > 0).then(|| reverts as f64 / changes as f64),
            newcomer_retention_30d: (!newcomers.is_empty()).then(|| {
                newcomers
                    .iter()
                    .filter(|u| contributors.contains(u))
                    .count() as f64
                    / newcomers.len() as f64
            }),
            weeks,
        })
    }

    /// The health figures of the last `weeks` weeks, oldest first, from
    /// the space's events (read newest first, within the scan budget).
    fn health_weeks(&self, place: &Place, weeks: u32) -> ServiceResult<Vec<HealthWeekView>> {
        const WEEK_MS: i64 = 7 * DAY_MS;
        let now = self.now().millis();
        let count = weeks as usize;
        let mut series: Vec<HealthWeekView> = (0..count)
            .map(|back| HealthWeekView {
                starts_at: Timestamp::from_millis(now - (back as i64 + 1) * WEEK_MS),
                reviewed: 0,
                median_review_seconds: None,
                active_contributors: 0,
                changes: 0,
                reverts: 0,
                revert_rate: None,
                newcomers: 0,
                newcomers_retained: 0,
            })
            .collect();
        let mut review_seconds: Vec<Vec<f64>> = vec![Vec::new(); count];
        let mut contributors: Vec<HashSet<UserId>> = vec![HashSet::new(); count];
        // Each user's latest page change: a newcomer stayed if it came
        // after they joined.
        let mut latest_change: HashMap<UserId, i64> = HashMap::new();
        for event in self
            .store()
            .space_events(&place.slug, None)
            .take(HEALTH_BUDGET)
        {
            let event = event?;
            let at = event.at.millis();
            let back = ((now - at).max(0) / WEEK_MS) as usize;
            if back >= count {
                break;
            }
            let week = &mut series[back];
            match event.kind {
                EventKind::Publish | EventKind::ReviewReject => {
                    let pending = match event.kind {
                        EventKind::Publish => event.detail.get("pending").and_then(|p| p.as_u64()),
                        _ => event.revision,
                    };
                    if let Some(revision) = pending
                        .map(|id| self.store().revision(id))
                        .transpose()?
                        .flatten()
                    {
                        week.reviewed += 1;
                        review_seconds[back]
                            .push((at - revision.created_at.millis()).max(0) as f64 / 1000.0);
                    }
                }
                kind if kind.is_page_change() => {
                    week.changes += 1;
                    if kind == EventKind::Revert {
                        week.reverts += 1;
                    }
                    if let Some(actor) = event.actor {
                        contributors[back].insert(actor);
                        latest_change.entry(actor).or_insert(at);
                    }
                }
                EventKind::Join | EventKind::JoinAccept => {
                    if let Some(user) = event.subject.or(event.actor) {
                        week.newcomers += 1;
                        if latest_change
                            .get(&user)
                            .is_some_and(|&changed| changed >= at)
                        {
                            week.newcomers_retained += 1;
                        }
                    }
                }
                _ => {}
            }
        }
        for (back, week) in series.iter_mut().enumerate() {
            week.median_review_seconds = median(&mut review_seconds[back]);
            week.active_contributors = contributors[back].len() as u64;
            week.revert_rate =
                (week.changes > 0).then(|| week.reverts as f64 / week.changes as f64);
        }
        series.reverse();
        Ok(series)
    }

    /// The newest published page changes the viewer may see (for the Atom
    /// feed): creations, edits, reverts, deletions and moves whose revision
    /// is published.
    pub fn published_changes(
        &self,
        viewer: Option<&Actor>,
        space: Option<&str>,
    ) -> ServiceResult<Vec<ChangeView>> {
        let query = ChangesQuery {
            space: space.map(str::to_owned),
            state: Some(RevisionState::Published),
            limit: Some(FEED_ENTRIES),
            ..ChangesQuery::default()
        };
        let mut listing = self.recent_changes(viewer, &query)?;
        // A reviewed edit appears once, as the edit (its publication is the
        // same change).
        listing
            .items
            .retain(|change| change.kind != EventKind::Publish);
        Ok(listing.items)
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    })
}
