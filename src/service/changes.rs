//! Recent changes, read from the event log (newest first).

use super::facts::Sight;
use super::{Actor, App, ChangeView, ListRequest, Listing, ServiceError, ServiceResult};
use crate::model::{EventSeq, RevisionState, SpaceSlug, Timestamp, Username};
use crate::store::Event;

/// Events looked at per request at most, so a filter matching nothing
/// cannot make one request read the whole log: past this, the answer holds
/// what was found and a cursor to go on from.
const SCAN_BUDGET: usize = 10_000;

#[derive(Debug, Default, Clone)]
pub struct ChangesQuery {
    pub space: Option<String>,
    /// Username of the actor.
    pub user: Option<String>,
    pub state: Option<RevisionState>,
    /// An event sequence number (exclusive) or an RFC 3339 time (inclusive).
    pub since: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<usize>,
}

enum Since {
    Everything,
    AfterSeq(EventSeq),
    AtOrAfter(Timestamp),
}

impl Since {
    fn parse(text: Option<&str>) -> ServiceResult<Self> {
        let Some(text) = text else {
            return Ok(Since::Everything);
        };
        if let Ok(seq) = text.parse::<EventSeq>() {
            return Ok(Since::AfterSeq(seq));
        }
        Timestamp::parse_rfc3339(text)
            .map(Since::AtOrAfter)
            .ok_or_else(|| {
                ServiceError::InvalidInput(
                    "since is an event sequence number or an RFC 3339 time".to_owned(),
                )
            })
    }

    /// Whether `event` is still inside the range (the log is read newest first).
    fn admits(&self, event: &Event) -> bool {
        match self {
            Since::Everything => true,
            Since::AfterSeq(seq) => event.seq > *seq,
            Since::AtOrAfter(time) => event.at >= *time,
        }
    }
}

impl App {
    pub fn recent_changes(
        &self,
        viewer: Option<&Actor>,
        query: &ChangesQuery,
    ) -> ServiceResult<Listing<ChangeView>> {
        let page = ListRequest::new(query.cursor.as_deref(), query.limit)?;
        let limit = page.limit;
        let space = match &query.space {
            Some(slug) => Some(self.place(viewer, slug)?.slug.clone()),
            None => None,
        };
        let actor = match &query.user {
            Some(name) => match Username::parse(name)
                .ok()
                .and_then(|name| self.store().user_by_name(&name).transpose())
            {
                Some(user) => Some(user?.id),
                // Nobody by that name has changed anything.
                None => return Ok(Listing::empty()),
            },
            None => None,
        };
        let since = Since::parse(query.since.as_deref())?;
        let before = page.numeric_cursor()?;

        let mut items = Vec::new();
        let mut next_cursor = None;
        let mut last_seen = None;
        let sight = Sight::new(self, viewer);
        for (scanned, event) in self.store().events_before(before).enumerate() {
            let event = event?;
            if !since.admits(&event) {
                break;
            }
            if scanned == SCAN_BUDGET || items.len() == limit {
                // There is more: go on below the last event looked at.
                next_cursor = last_seen.map(|seq: EventSeq| seq.to_string());
                break;
            }
            last_seen = Some(event.seq);
            if let Some(change) = self.change_view(&event, space.as_ref(), actor, query.state)?
                && sight.sees(&change.space, change.state)
            {
                items.push(change);
            }
        }
        Ok(Listing { items, next_cursor })
    }

    /// The change `event` records, if it is a page change that passes the filters.
    fn change_view(
        &self,
        event: &Event,
        space: Option<&SpaceSlug>,
        actor: Option<u64>,
        state: Option<RevisionState>,
    ) -> ServiceResult<Option<ChangeView>> {
        if !event.kind.is_page_change()
            || space.is_some_and(|s| event.space.as_deref() != Some(s.as_str()))
            || actor.is_some_and(|a| event.actor != Some(a))
        {
            return Ok(None);
        }
        let revision_state = match event.revision {
            Some(id) => self.store().revision(id)?.map(|r| r.state),
            None => None,
        };
        if state.is_some() && revision_state != state {
            return Ok(None);
        }
        Ok(Some(ChangeView {
            seq: event.seq,
            kind: event.kind,
            space: event.space.clone().unwrap_or_default(),
            slug: event.slug.clone().unwrap_or_default(),
            revision: event.revision,
            actor: event.actor.map(|id| self.username(id)).transpose()?,
            at: event.at,
            summary: event.summary.clone(),
            state: revision_state,
            moved_to: event
                .detail
                .get("to")
                .and_then(|to| to.as_str())
                .map(str::to_owned),
        }))
    }
}
