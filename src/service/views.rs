//! What the use cases return: the shapes of the API's responses (serde +
//! OpenAPI schemas). Field names here are the contract of `api.md`.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::diff::Hunk;
use crate::governance::{PageAction, SpaceAction};
use crate::model::{
    ErrorCode, EventKind, EventSeq, RevisionId, RevisionKind, RevisionState, Standing, Timestamp,
    UserId,
};
use crate::render::{FrontMatter, Html, TocEntry};

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: UserId,
    pub username: String,
    pub is_admin: bool,
    pub created_at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    /// The bearer token. Shown once; the server keeps only its hash.
    pub token: String,
    pub expires_at: Timestamp,
    /// The username (the whole account is at `GET /me`).
    pub user: String,
    /// Send it as `X-CSRF-Token` on unsafe requests authenticated by the cookie.
    pub csrf_token: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembershipView {
    pub space: String,
    pub standing: Standing,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub id: UserId,
    pub username: String,
    pub is_admin: bool,
    pub memberships: Vec<MembershipView>,
    /// Present when authenticated by a session.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    /// The API token. Shown once; the server keeps only its hash.
    pub token: String,
    pub name: String,
    /// When it stops working (`null`: when revoked).
    pub expires_at: Option<Timestamp>,
}

/// One of the caller's API tokens, as listed (never the token itself).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTokenView {
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceView {
    pub slug: String,
    pub title: String,
    pub parent: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceDetailView {
    pub slug: String,
    pub title: String,
    pub parent: Option<String>,
    /// The charter resolved through the ancestors (see
    /// `schema/charter.schema.json`).
    #[schema(value_type = Object)]
    pub charter: serde_json::Value,
    pub created_at: Timestamp,
    /// What the viewer may do in this space, and why not when they may not.
    pub actions: BTreeMap<SpaceAction, ActionView>,
}

/// A space in the directory of spaces (the web interface's `/spaces`).
#[derive(Debug)]
pub struct SpaceSummary {
    pub space: SpaceView,
    /// How deep in the tree: 0 for a top-level space.
    pub depth: usize,
    /// Members recorded in the space itself.
    pub members: usize,
    /// When a page of it last changed.
    pub last_change: Option<Timestamp>,
}

/// A charter with where each rule comes from.
#[derive(Debug)]
pub struct CharterOverview {
    pub space: SpaceView,
    /// The charter resolved through the ancestors.
    pub charter: std::sync::Arc<crate::governance::Charter>,
    /// The dotted paths the space's own patch sets; the rest is inherited.
    pub set_here: Vec<String>,
    /// The paths an enclosing space locked.
    pub locked_above: Vec<String>,
    /// The space's own merge patch, as stored.
    pub own_patch: serde_json::Value,
    pub actions: BTreeMap<SpaceAction, ActionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct JoinView {
    /// The standing now held (`null` while a request waits).
    pub standing: Option<Standing>,
    /// True when the space admits on approval and the request waits.
    pub requested: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    /// Username.
    pub user: String,
    pub standing: Standing,
    pub since: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NextStandingView {
    pub standing: Standing,
    /// What is missing, as data.
    pub missing: Vec<crate::governance::Missing>,
    /// What is missing, in words ("2 more accepted edits", "1 day more").
    pub explanation: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberDetailView {
    pub user: String,
    pub standing: Standing,
    pub since: Timestamp,
    pub accepted_edits: u64,
    /// The rule that gives this standing, in words.
    pub rule: String,
    /// When the standing is inherited: the enclosing space it is recorded in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inherited_from: Option<String>,
    /// The next standing and what is missing for it (`null` for stewards).
    pub next: Option<NextStandingView>,
    /// The sanctions in force on the member here (issued here or in an
    /// enclosing space): why, by whom, and until when.
    pub sanctions: Vec<SanctionView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionView {
    pub id: RevisionId,
    pub parent: Option<RevisionId>,
    /// Username of the author.
    pub author: String,
    pub created_at: Timestamp,
    pub summary: String,
    pub state: RevisionState,
    pub kind: RevisionKind,
    /// UTF-8 length of the text.
    pub bytes: u64,
    /// For a revert: the revision whose text was restored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reverted_to: Option<RevisionId>,
    /// For a merged edit: the revision the author had edited.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base: Option<RevisionId>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionTextView {
    #[serde(flatten)]
    pub revision: RevisionView,
    pub markdown: String,
}

/// A dispute over a page. While open, the page is locked to `lock_to`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeView {
    pub id: u64,
    pub slug: String,
    pub reason: String,
    /// `open` or `resolved`.
    pub state: crate::model::DisputeState,
    /// Username of who opened it (`null`: edit-war detection did).
    pub opened_by: Option<String>,
    pub opened_at: Timestamp,
    pub lock_to: Standing,
    pub resolved_at: Option<Timestamp>,
    /// How a `dispute` proposal resolved it.
    pub resolution: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PageView {
    pub space: String,
    pub slug: String,
    /// The front matter's `title`, or the slug with spaces.
    pub title: String,
    pub markdown: String,
    /// The rendered, sanitised page.
    pub html: Html,
    /// The page's headings, for a table of contents.
    pub toc: Vec<TocEntry>,
    /// From the front matter.
    pub tags: Vec<String>,
    /// From the front matter.
    pub lang: Option<String>,
    /// From the front matter.
    pub summary: Option<String>,
    pub revision: RevisionView,
    /// The page's open dispute, `null` when there is none.
    pub dispute: Option<DisputeView>,
    /// The slug of the page's talk page (`Talk:<slug>`); for a talk page,
    /// `null`.
    pub talk: Option<String>,
    /// The slug asked for, when it redirected here after a move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirected_from: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// What the reader may do on this page, and why not when they may not.
    pub actions: BTreeMap<PageAction, ActionView>,
}

/// What the engine says of one action for this viewer, here and now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionView {
    /// `allow`: it happens; `queue`: it waits for review; `deny`: it is refused.
    pub decision: DecisionKind,
    /// Why it is refused (`deny` only): the code the action would answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    /// The rule behind a `queue` or a `deny`, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Allow,
    Queue,
    Deny,
}

/// The answer to every write of a page.
#[derive(Debug, Serialize, ToSchema)]
pub struct WriteView {
    pub space: String,
    pub slug: String,
    pub revision: RevisionView,
    /// True when the edit was based on an older revision and merged three-way.
    pub merged: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PageSummaryView {
    pub slug: String,
    pub title: String,
    pub updated_at: Timestamp,
    /// The id of the revision readers see.
    pub revision: RevisionId,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DiffView {
    pub from: RevisionId,
    pub to: RevisionId,
    /// Unified diff text.
    pub unified: String,
    pub hunks: Vec<Hunk>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    pub seq: EventSeq,
    pub kind: EventKind,
    pub space: String,
    pub slug: String,
    pub revision: Option<RevisionId>,
    /// Username of whoever made the change.
    pub actor: Option<String>,
    pub at: Timestamp,
    pub summary: String,
    /// The revision's state now.
    pub state: Option<RevisionState>,
    /// For a move: the new slug.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<String>,
}

/// A page, named.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageRefView {
    pub space: String,
    pub slug: String,
    pub title: String,
}

/// A title pages link to that does not exist yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct WantedView {
    pub slug: String,
    pub title: String,
    /// How many pages link to it.
    pub links: usize,
}

/// A rendering of Markdown that was not stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewView {
    pub html: Html,
    pub toc: Vec<TocEntry>,
    pub front_matter: FrontMatter,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchHitView {
    pub space: String,
    pub slug: String,
    pub title: String,
    /// HTML-escaped text with `<mark>` around the matched words.
    pub snippet: String,
    pub score: f32,
    pub updated_at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchView {
    /// How many pages match (that the reader may see).
    pub total: usize,
    pub hits: Vec<SearchHitView>,
    /// When no page matched the words as typed but some matched with typos
    /// forgiven: the query with the unknown words corrected ("did you mean").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
}

/// A pending revision waiting for review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItemView {
    /// The pending revision's id.
    pub revision: RevisionId,
    pub slug: String,
    /// Username of the author.
    pub author: String,
    pub created_at: Timestamp,
    pub summary: String,
    pub kind: RevisionKind,
    pub approvals: u32,
    pub approvals_required: u32,
    /// True when the page moved on since and the revision no longer merges
    /// cleanly: approving it answers 409 `edit_conflict`.
    pub conflicting: bool,
    /// Members' reports naming this revision.
    pub reports: u32,
}

/// The outcome of a review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewOutcomeView {
    /// `pending` (more approvals needed), `published` or `rejected`.
    pub state: RevisionState,
    pub approvals: u32,
    pub approvals_required: u32,
    /// The revision now on the page: the reviewed one, or the merge of it
    /// onto a page that moved on meanwhile.
    pub published_revision: Option<RevisionId>,
}

/// One page of a mass rollback.
#[derive(Debug, Serialize, ToSchema)]
pub struct RollbackPageView {
    pub slug: String,
    /// The page's published revision before the rollback.
    pub from_revision: RevisionId,
    /// The revision the page holds after it: the new revision once applied;
    /// in a dry run, the revision restored (`null` when later edits by
    /// others are kept, so the text is new).
    pub to_revision: Option<RevisionId>,
    /// The earlier revision whose text comes back, when nobody else edited
    /// the page after the member.
    pub restores: Option<RevisionId>,
    /// True when the rollback leaves the page deleted (the member created it).
    pub deleted: bool,
    /// Later edits by others kept by three-way merge.
    pub kept_edits: usize,
    /// Unified diff from the current text to the rolled-back one.
    pub diff: String,
}

/// A page a mass rollback leaves alone, and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct RollbackConflictView {
    pub slug: String,
    /// The later edit that does not apply without the rolled-back ones.
    pub revision: RevisionId,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RollbackView {
    pub pages: Vec<RollbackPageView>,
    /// False for a dry run.
    pub applied: bool,
    /// Pages left as they are: a later edit by someone else does not merge.
    pub conflicts: Vec<RollbackConflictView>,
    /// The member's pending revisions rejected (in a dry run: that would be).
    pub pending_rejected: usize,
}

/// A watched page.
#[derive(Debug, Serialize, ToSchema)]
pub struct WatchView {
    pub space: String,
    pub slug: String,
}

/// An event that concerns the caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationView {
    pub seq: EventSeq,
    pub at: Timestamp,
    pub kind: EventKind,
    pub space: Option<String>,
    pub slug: Option<String>,
    pub revision: Option<RevisionId>,
    /// Username of whoever acted (`null` for the system: lazy consensus,
    /// promotions).
    pub actor: Option<String>,
    pub summary: String,
    /// What a governance action acted on (`user:<name>`, `revision:<id>`…).
    pub target: Option<String>,
}

/// An entry of a space's governance log.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogEntryView {
    pub seq: EventSeq,
    pub at: Timestamp,
    /// Username of whoever acted (`null` for the system).
    pub actor: Option<String>,
    /// `space_create`, `join`, `join_accept`, `standing_change`,
    /// `promotion`, `review_approve`, `review_reject`, `publish`,
    /// `rollback`, `mass_rollback`…
    pub action: String,
    /// `page:<slug>`, `user:<name>`, `revision:<id>` or `space:<slug>`.
    pub target: String,
    pub reason: String,
}

/// A space's health figures (`null` where nothing is known yet).
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthView {
    /// Revisions waiting for review.
    pub pending: u64,
    /// Median time from a revision's submission to its review (published
    /// or rejected) over the last 30 days.
    pub median_review_seconds: Option<f64>,
    /// Members who changed a page in the last 30 days.
    pub active_contributors_30d: u64,
    /// Reverts among the page changes of the last 30 days.
    pub revert_rate: Option<f64>,
    /// Of the members who joined 30 to 60 days ago, the share who changed
    /// a page in the last 30 days.
    pub newcomer_retention_30d: Option<f64>,
    /// With `?weeks=N`: the same figures week by week, oldest first (seven
    /// days each, the last ending now).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weeks: Option<Vec<HealthWeekView>>,
}

/// One week of a space's health.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HealthWeekView {
    pub starts_at: Timestamp,
    /// Pending revisions settled (published or rejected) that week.
    pub reviewed: u64,
    /// Median time from submission to that settlement.
    pub median_review_seconds: Option<f64>,
    /// Members who changed a page that week.
    pub active_contributors: u64,
    /// Page changes (creations, edits, reverts, deletions, moves).
    pub changes: u64,
    pub reverts: u64,
    /// Reverts among the changes.
    pub revert_rate: Option<f64>,
    /// Members who joined that week.
    pub newcomers: u64,
    /// Of them, those who changed a page after joining (so far).
    pub newcomers_retained: u64,
}

/// A proposal, its tally and its votes (votes are public).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposalView {
    pub id: u64,
    pub kind: crate::model::ProposalKind,
    pub title: String,
    pub rationale: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Username of who opened it.
    pub proposer: String,
    /// `open`, `passed` or `rejected`.
    pub state: crate::model::ProposalState,
    pub tally: crate::governance::Tally,
    /// How many members may vote (fixed when it opened).
    pub eligible: u32,
    pub quorum: f64,
    pub threshold: f64,
    pub opened_at: Timestamp,
    pub closes_at: Timestamp,
    pub closed_at: Option<Timestamp>,
    /// Why it closed as it did.
    pub outcome: String,
    /// Username → choice.
    pub votes: std::collections::BTreeMap<String, crate::model::Choice>,
}

/// A proposal after a vote.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoteView {
    pub state: crate::model::ProposalState,
    pub tally: crate::governance::Tally,
}

/// A sanction: what, why, by whom, until when.
#[derive(Debug, Serialize, ToSchema)]
pub struct SanctionView {
    pub id: u64,
    /// Username of the sanctioned member.
    pub user: String,
    /// `warning`, `probation`, `suspension` or `ban`.
    pub kind: String,
    /// The ladder step (`"probation:7d"`).
    pub step: String,
    pub reason: String,
    /// Username of the issuer.
    pub issued_by: String,
    pub starts_at: Timestamp,
    /// `null` for a warning and a ban.
    pub ends_at: Option<Timestamp>,
    /// In force now (a warning records only, so never).
    pub active: bool,
    pub lifted_at: Option<Timestamp>,
    pub lift_reason: Option<String>,
    /// The appeal proposal, if appealed.
    pub appeal: Option<u64>,
}

/// A report of a revision or a member.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    pub id: u64,
    /// Username of the reporter.
    pub reporter: String,
    pub user: Option<String>,
    pub revision: Option<RevisionId>,
    pub reason: String,
    pub at: Timestamp,
}
