//! The records the store keeps, as they are serialised in sled (JSON, so a
//! record written by an older build still reads: new fields carry
//! `#[serde(default)]`). They are the store's public vocabulary; the
//! service layer turns them into API views.

use serde::{Deserialize, Serialize};

use crate::model::{
    EventKind, EventSeq, PageId, RevisionId, RevisionKind, RevisionState, Standing, Timestamp,
    UserId,
};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    /// PHC string (argon2id); never leaves the server.
    pub password_hash: String,
    #[serde(default)]
    pub email: Option<String>,
    pub is_admin: bool,
    pub created_at: Timestamp,
    /// Sessions opened before this are no longer valid (a password change,
    /// "log out everywhere").
    #[serde(default)]
    pub sessions_since: Option<Timestamp>,
    /// The interface language chosen (`fr`, `en`); `None`: the browser's.
    #[serde(default)]
    pub language: Option<String>,
    /// Notifications up to this event were seen.
    #[serde(default)]
    pub notifications_seen: EventSeq,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// Made at login; carries a CSRF token for cookie use; expires.
    Session,
    /// A personal API token, named by its owner; used as a bearer token.
    ApiToken,
}

/// A session or API token. Stored under the SHA-256 of the token: the token
/// itself is never stored, so a copy of the data folder grants no access.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credential {
    pub user: UserId,
    pub kind: CredentialKind,
    #[serde(default)]
    pub name: Option<String>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    #[serde(default)]
    pub csrf_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Space {
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub parent: Option<String>,
    /// JSON merge patch over the parent's (or the instance's default) charter.
    #[serde(default)]
    pub charter: serde_json::Value,
    pub created_at: Timestamp,
    #[serde(default)]
    pub created_by: Option<UserId>,
    /// Child spaces created under it so far: a change of its charter
    /// checked against its children notices a child born meanwhile.
    #[serde(default)]
    pub children: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Member {
    pub standing: Standing,
    pub since: Timestamp,
    #[serde(default)]
    pub accepted_edits: u64,
}

/// What a (space, slug) key holds: a page, or the redirect a move left behind.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "entry", rename_all = "snake_case")]
pub enum PageEntry {
    Page(Page),
    Redirect { to: String, page: PageId },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Page {
    pub id: PageId,
    pub space: String,
    pub slug: String,
    pub title: String,
    /// The newest revision, whatever its state (pending ones included).
    pub head: RevisionId,
    /// The newest published revision: what readers see, and the line that
    /// edits build on.
    #[serde(default)]
    pub published: Option<RevisionId>,
    /// True when the published revision is a deletion.
    #[serde(default)]
    pub deleted: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The event that last changed this page: derived state (the search
    /// index) must not show the page as it is until that event is on disk.
    #[serde(default)]
    pub seq: EventSeq,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Revision {
    pub id: RevisionId,
    pub page: PageId,
    /// The page's head when this revision was written.
    #[serde(default)]
    pub parent: Option<RevisionId>,
    pub author: UserId,
    pub created_at: Timestamp,
    #[serde(default)]
    pub summary: String,
    pub state: RevisionState,
    pub kind: RevisionKind,
    /// UTF-8 length of the text.
    pub bytes: u64,
    /// Hex SHA-256 of the text: identical texts are stored once.
    pub text: String,
    /// True when this revision reads as a deleted page.
    #[serde(default)]
    pub deleted: bool,
    /// For a revert: the revision whose text it restored.
    #[serde(default)]
    pub reverted_to: Option<RevisionId>,
    /// The revision the author edited, when it was not the head (a merge).
    #[serde(default)]
    pub base: Option<RevisionId>,
    /// The page's slug when this revision was written.
    pub slug: String,
    /// Who approved it while it was pending.
    #[serde(default)]
    pub approvals: Vec<UserId>,
    /// For a pending revision published after the page moved on: the
    /// revision that published it, merged onto the page as it had become.
    #[serde(default)]
    pub published_as: Option<RevisionId>,
    /// Its text was stored already when it was written (a revert, a no-op,
    /// or a text seen elsewhere): worth checking for an edit war.
    #[serde(default)]
    pub known_text: bool,
}

/// One entry of the append-only event log, written in the same transaction
/// as the change it records.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Event {
    pub seq: EventSeq,
    pub at: Timestamp,
    pub kind: EventKind,
    #[serde(default)]
    pub space: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub page: Option<PageId>,
    #[serde(default)]
    pub revision: Option<RevisionId>,
    #[serde(default)]
    pub actor: Option<UserId>,
    #[serde(default)]
    pub summary: String,
    /// Kind-specific detail (e.g. a move's destination).
    #[serde(default)]
    pub detail: serde_json::Value,
    /// What a governance action acted on: `user:<name>`, `revision:<id>`,
    /// `page:<slug>`, `space:<slug>`…
    #[serde(default)]
    pub target: Option<String>,
    /// The member a governance action is about (notified of it).
    #[serde(default)]
    pub subject: Option<UserId>,
}

impl Event {
    /// An event of `kind` at `at`, about nothing yet: the builders below
    /// say what (its `seq` is given when it is appended).
    pub fn new(kind: EventKind, at: Timestamp) -> Self {
        Event {
            seq: 0,
            at,
            kind,
            space: None,
            slug: None,
            page: None,
            revision: None,
            actor: None,
            summary: String::new(),
            detail: serde_json::Value::Null,
            target: None,
            subject: None,
        }
    }

    pub fn in_space(mut self, space: impl Into<String>) -> Self {
        self.space = Some(space.into());
        self
    }

    pub fn at_slug(mut self, slug: impl Into<String>) -> Self {
        self.slug = Some(slug.into());
        self
    }

    pub fn of_page(mut self, page: PageId) -> Self {
        self.page = Some(page);
        self
    }

    pub fn of_revision(mut self, revision: impl Into<Option<RevisionId>>) -> Self {
        self.revision = revision.into();
        self
    }

    /// Who did it (`None`: the system, e.g. the governance clock).
    pub fn by(mut self, actor: Option<UserId>) -> Self {
        self.actor = actor;
        self
    }

    pub fn saying(mut self, summary: impl Into<String>) -> Self {
        self.summary = summary.into();
        self
    }

    pub fn with_detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }

    pub fn targeting(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// The member it is about (who is notified of it).
    pub fn about(mut self, subject: impl Into<Option<UserId>>) -> Self {
        self.subject = subject.into();
        self
    }
}

/// A governance event of `space`, for its log.
pub(super) fn entry(
    space: &str,
    kind: EventKind,
    actor: Option<UserId>,
    target: String,
    reason: &str,
    at: Timestamp,
) -> Event {
    Event::new(kind, at)
        .in_space(space.to_owned())
        .by(actor)
        .saying(reason.to_owned())
        .targeting(target)
}

/// A proposal (collective choice) and its votes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Proposal {
    pub id: u64,
    pub space: String,
    pub kind: crate::model::ProposalKind,
    pub title: String,
    #[serde(default)]
    pub rationale: String,
    pub payload: serde_json::Value,
    pub proposer: UserId,
    pub opened_at: Timestamp,
    pub closes_at: Timestamp,
    pub state: crate::model::ProposalState,
    /// Who may vote, fixed when it opened.
    pub eligible: Vec<UserId>,
    pub votes: std::collections::BTreeMap<UserId, crate::model::Choice>,
    /// The charter's rule when it opened.
    pub quorum: f64,
    pub threshold: f64,
    #[serde(default)]
    pub closed_at: Option<Timestamp>,
    /// Why it closed as it did.
    #[serde(default)]
    pub outcome: String,
}

/// A sanction issued to a member of a space (and so of its children).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Sanction {
    pub id: u64,
    pub space: String,
    pub user: UserId,
    /// The ladder step: "warning", "probation:7d", "suspension:1d", "ban".
    pub step: String,
    pub reason: String,
    pub issued_by: UserId,
    pub starts_at: Timestamp,
    /// `None` for a warning and a ban.
    pub ends_at: Option<Timestamp>,
    #[serde(default)]
    pub lifted_at: Option<Timestamp>,
    #[serde(default)]
    pub lift_reason: String,
    /// The appeal proposal, once appealed (once per sanction).
    #[serde(default)]
    pub appeal: Option<u64>,
    /// A ban's member's standing before it, restored if an appeal passes.
    #[serde(default)]
    pub previous_standing: Option<crate::model::Standing>,
    /// Lifted because an appeal passed: found wrong, so it does not count
    /// toward the ladder's next step.
    #[serde(default)]
    pub lifted_by_appeal: bool,
}

/// A dispute over a page: while open, the page is locked to `lock_to`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dispute {
    pub id: u64,
    pub space: String,
    pub page: PageId,
    /// The page's slug when the dispute opened.
    pub slug: String,
    pub reason: String,
    /// `None` when edit-war detection opened it.
    pub opened_by: Option<UserId>,
    pub opened_at: Timestamp,
    pub lock_to: crate::model::Standing,
    pub state: crate::model::DisputeState,
    #[serde(default)]
    pub resolved_at: Option<Timestamp>,
    #[serde(default)]
    pub resolution: String,
}

/// A member's report of a revision or a member.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub id: u64,
    pub space: String,
    pub reporter: UserId,
    pub user: Option<UserId>,
    pub revision: Option<RevisionId>,
    pub reason: String,
    pub at: Timestamp,
}

/// A request to join a space that admits members on approval.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinRequest {
    pub at: Timestamp,
}

/// Where a page lives now (its slug changes with moves, its id never).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageLocation {
    pub space: String,
    pub slug: String,
}

/// A link from one page to another page (which may not exist).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    pub space: String,
    pub slug: String,
}
