//! Pages: read, write, delete, move, revert, history, revisions, diffs, lists.

use crate::model::ErrorCode;
use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::ListParams;
use crate::http::error::ApiError;
use crate::http::extract::{
    ApiJson, ApiPath, ApiQuery, Auth, MaybeAuth, OptionalJson, not_modified,
};
use crate::model::RevisionId;
use crate::service::{
    App, DiffView, EditRequest, Listing, PageSummaryView, PageView, RevisionTextView, RevisionView,
    ServiceError, WriteStatus, WriteView,
};

#[derive(Deserialize, ToSchema)]
pub struct EditBody {
    pub markdown: String,
    pub summary: Option<String>,
    /// The revision you edited. Required for an existing page (or send `If-Match`).
    pub base_revision: Option<RevisionId>,
}

#[derive(Deserialize, ToSchema)]
pub struct DeleteBody {
    /// The revision you saw. Required (or send `If-Match`).
    pub base_revision: Option<RevisionId>,
    pub summary: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct MoveBody {
    /// The new title or slug.
    pub to: String,
    pub summary: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct RevertBody {
    pub to_revision: RevisionId,
    pub summary: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    /// Older revision; default: the parent of `to`.
    pub from: Option<u64>,
    /// Newer revision; default: the head.
    pub to: Option<u64>,
}

type PagePath = ApiPath<(String, String)>;

/// What must be escaped in a path segment (RFC 3986 `pchar` complement).
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn etag(revision: RevisionId) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{revision}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// The revision an `If-Match` header names, if any: a write's ETag
/// (`"42"`) or a read's (`"42.<digest>"`), whose revision comes first.
fn if_match(headers: &HeaderMap) -> Result<Option<RevisionId>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    let text = text.strip_prefix("W/").unwrap_or(text);
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    let revision = inner
        .split_once('.')
        .map_or(inner, |(revision, _)| revision);
    revision.parse::<RevisionId>().map(Some).map_err(|_| {
        ApiError::invalid_input("If-Match must be the page's ETag, such as \"42\" or \"42.1f3a…\"")
    })
}

fn base_revision(
    body: Option<RevisionId>,
    headers: &HeaderMap,
) -> Result<Option<RevisionId>, ApiError> {
    match (body, if_match(headers)?) {
        (Some(a), Some(b)) if a != b => Err(ApiError::invalid_input(
            "base_revision and If-Match name different revisions",
        )),
        (a, b) => Ok(a.or(b)),
    }
}

fn write_response((status, view): (WriteStatus, WriteView)) -> Response {
    let mut headers = HeaderMap::new();
    let code = match status {
        WriteStatus::Created => StatusCode::CREATED,
        WriteStatus::Published => StatusCode::OK,
        WriteStatus::Queued => StatusCode::ACCEPTED,
    };
    if status != WriteStatus::Queued {
        headers.insert(header::ETAG, etag(view.revision.id));
    }
    if status == WriteStatus::Created {
        let slug = percent_encoding::utf8_percent_encode(&view.slug, PATH_SEGMENT);
        let location = format!("/api/v1/spaces/{}/pages/{slug}", view.space);
        if let Ok(value) = HeaderValue::from_str(&location) {
            headers.insert(header::LOCATION, value);
        }
    }
    (code, headers, Json(view)).into_response()
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/pages", tag = "pages",
    params(("space" = String, Path, description = "Space slug"), ListParams),
    responses(
        (status = 200, description = "The space's pages in slug order (deleted pages and redirects left out)", body = Listing<PageSummaryView>),
    ))]
pub async fn list_pages(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Listing<PageSummaryView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let listing = app.list_pages(viewer, &space, params.cursor.as_deref(), params.limit)?;
    Ok(Json(listing))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/pages/{slug}", tag = "pages",
    params(("space" = String, Path, description = "Space slug"),
           ("slug" = String, Path, description = "Page slug or title (NFC-normalised, spaces as `_`)"),
           ("If-None-Match" = Option<String>, Header, description = "An ETag seen before: 304 if unchanged")),
    extensions(("x-errors" = json!([ErrorCode::Deleted]))),
    responses(
        (status = 200, description = "The page as readers see it. After a move, the old slug answers with `redirected_from`.", body = PageView,
            headers(("ETag" = String, description = "`\"<revision id>.<digest>\"`: changes whenever the answer's bytes do (a new revision, a link turning blue, a dispute); `If-Match` takes it (or `\"<revision id>\"`)"))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
    ))]
pub async fn get_page(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath((space, slug)): PagePath,
    request_headers: HeaderMap,
) -> Result<Response, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let encode = |page: &PageView| {
        serde_json::to_vec(page).map_err(|error| ServiceError::Internal(error.to_string()))
    };
    let answer = app
        .page_answer(viewer, &space, &slug, "json", encode)
        .await?;
    let mut headers = HeaderMap::new();
    if let Ok(tag) = HeaderValue::from_str(&answer.etag) {
        headers.insert(header::ETAG, tag);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let unchanged = not_modified(&request_headers, &answer.etag);
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = Body::from(Bytes::from_owner(Arc::clone(&answer.body)));
    Ok((headers, body).into_response())
}

#[utoipa::path(put, path = "/api/v1/spaces/{space}/pages/{slug}", tag = "pages",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"),
           ("slug" = String, Path, description = "Page slug or title"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the revision you edited (instead of `base_revision`)")),
    request_body = EditBody,
    extensions(("x-errors" = json!([ErrorCode::UnknownRevision, ErrorCode::EditConflict, ErrorCode::MissingBase]))),
    responses(
        (status = 201, description = "Page created", body = WriteView),
        (status = 200, description = "Edit published (merged three-way if the base was stale)", body = WriteView),
        (status = 202, description = "Edit queued for review", body = WriteView),
    ))]
pub async fn put_page(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, slug)): PagePath,
    headers: HeaderMap,
    ApiJson(body): ApiJson<EditBody>,
) -> Result<Response, ApiError> {
    let edit = EditRequest {
        base: base_revision(body.base_revision, &headers)?,
        markdown: body.markdown,
        summary: body.summary,
    };
    let outcome = app.save_page(&auth.actor, &space, &slug, edit).await?;
    Ok(write_response(outcome))
}

#[utoipa::path(delete, path = "/api/v1/spaces/{space}/pages/{slug}", tag = "pages",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"),
           ("slug" = String, Path, description = "Page slug or title"),
           ("If-Match" = Option<String>, Header, description = "The ETag of the revision you saw (instead of `base_revision`)")),
    request_body(content = DeleteBody, description = "May be empty when `If-Match` is sent"),
    extensions(("x-errors" = json!([ErrorCode::UnknownRevision, ErrorCode::EditConflict, ErrorCode::Deleted, ErrorCode::MissingBase]))),
    responses(
        (status = 200, description = "Deleted: a revision that revert restores", body = WriteView),
        (status = 202, description = "Deletion queued for review", body = WriteView),
    ))]
pub async fn delete_page(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, slug)): PagePath,
    headers: HeaderMap,
    OptionalJson(body): OptionalJson<DeleteBody>,
) -> Result<Response, ApiError> {
    let (body_base, summary) = body.map_or((None, None), |b| (b.base_revision, b.summary));
    let base = base_revision(body_base, &headers)?;
    let outcome = app
        .delete_page(&auth.actor, &space, &slug, base, summary)
        .await?;
    Ok(write_response(outcome))
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/pages/{slug}/move", tag = "pages",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"),
           ("slug" = String, Path, description = "Page slug or title")),
    request_body = MoveBody,
    extensions(("x-errors" = json!([ErrorCode::PageExists, ErrorCode::Deleted]))),
    responses(
        (status = 200, description = "Moved; the old slug now redirects", body = WriteView),
    ))]
pub async fn move_page(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, slug)): PagePath,
    ApiJson(body): ApiJson<MoveBody>,
) -> Result<Response, ApiError> {
    let outcome = app
        .move_page(&auth.actor, &space, &slug, &body.to, body.summary)
        .await?;
    Ok(write_response(outcome))
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/pages/{slug}/revert", tag = "pages",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"),
           ("slug" = String, Path, description = "Page slug or title")),
    request_body = RevertBody,
    extensions(("x-errors" = json!([ErrorCode::UnknownRevision]))),
    responses(
        (status = 200, description = "Reverted: a new revision with the old text", body = WriteView),
        (status = 202, description = "Revert queued for review", body = WriteView),
    ))]
pub async fn revert_page(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, slug)): PagePath,
    ApiJson(body): ApiJson<RevertBody>,
) -> Result<Response, ApiError> {
    let outcome = app
        .revert_page(&auth.actor, &space, &slug, body.to_revision, body.summary)
        .await?;
    Ok(write_response(outcome))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/pages/{slug}/revisions", tag = "pages",
    params(("space" = String, Path, description = "Space slug"),
           ("slug" = String, Path, description = "Page slug or title"), ListParams),
    responses(
        (status = 200, description = "The page's revisions, newest first", body = Listing<RevisionView>),
    ))]
pub async fn history(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath((space, slug)): PagePath,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Listing<RevisionView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let listing = app.page_history(
        viewer,
        &space,
        &slug,
        params.cursor.as_deref(),
        params.limit,
    )?;
    Ok(Json(listing))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/pages/{slug}/revisions/{id}", tag = "pages",
    params(("space" = String, Path, description = "Space slug"),
           ("slug" = String, Path, description = "Page slug or title"),
           ("id" = u64, Path, description = "Revision id")),
    responses(
        (status = 200, description = "One revision with its text", body = RevisionTextView),
    ))]
pub async fn revision(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath((space, slug, id)): ApiPath<(String, String, RevisionId)>,
) -> Result<Response, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let revision = app.page_revision(viewer, &space, &slug, id)?;
    // The text never changes, but the state does (pending → published).
    let headers = [(header::CACHE_CONTROL, "no-cache")];
    Ok((headers, Json(revision)).into_response())
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/pages/{slug}/diff", tag = "pages",
    params(("space" = String, Path, description = "Space slug"),
           ("slug" = String, Path, description = "Page slug or title"), DiffParams),
    extensions(("x-errors" = json!([ErrorCode::UnknownRevision]))),
    responses(
        (status = 200, description = "Unified diff and structured hunks", body = DiffView),
    ))]
pub async fn diff(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath((space, slug)): PagePath,
    ApiQuery(params): ApiQuery<DiffParams>,
) -> Result<Json<DiffView>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    Ok(Json(
        app.page_diff(viewer, &space, &slug, params.from, params.to)
            .await?,
    ))
}
