//! What the use cases return: the shapes of the API's responses (serde +
//! OpenAPI schemas). Field names here are the contract of `api.md`.

use serde::Serialize;
use utoipa::ToSchema;

use crate::diff::Hunk;
use crate::model::{
    EventKind, EventSeq, RevisionId, RevisionKind, RevisionState, Standing, Timestamp, UserId,
};
use crate::render::{FrontMatter, Html, TocEntry};

/// A page of a list, with the cursor of the next page (`null` at the end).
#[derive(Debug, Serialize, ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

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
    pub user: AccountView,
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
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceView {
    pub slug: String,
    pub title: String,
    pub parent: Option<String>,
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

/// An open dispute on a page (governance); `null` while there is none.
#[derive(Debug, Serialize, ToSchema)]
pub struct DisputeView {
    pub id: u64,
    pub reason: String,
    pub opened_at: Timestamp,
    pub lock_to: Standing,
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
    pub dispute: Option<DisputeView>,
    /// The slug asked for, when it redirected here after a move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirected_from: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
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
}
