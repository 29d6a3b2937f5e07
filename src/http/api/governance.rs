//! Governance: the review queue, mass rollbacks, the governance log, health
//! figures, watchlists and notifications.

use crate::model::ErrorCode;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::ListParams;
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Auth, MaybeAuth};
use crate::model::RevisionId;
use crate::service::{
    App, HealthView, Listing, LogEntryView, LogFilter, NotificationView, ReviewDecision,
    ReviewItemView, ReviewOutcomeView, RollbackRequest, RollbackView, WatchView,
};

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionBody {
    Approve,
    Reject,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    pub decision: DecisionBody,
    /// Why; shown in the governance log and to the author.
    pub comment: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackBody {
    /// Username whose edits are undone.
    pub user: String,
    /// RFC 3339 time; edits at or after it are undone.
    pub since: String,
    /// List the pages and diffs without changing anything.
    #[serde(default)]
    pub dry_run: bool,
    /// Why, for the governance log.
    pub reason: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/reviews", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ListParams),
    extensions(("x-errors" = json!([ErrorCode::NotMember]))),
    responses(
        (status = 200, description = "Pending revisions, oldest first", body = Listing<ReviewItemView>),
    ))]
pub async fn review_queue(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(list): ApiQuery<ListParams>,
) -> Result<Json<Listing<ReviewItemView>>, ApiError> {
    let queue = app.review_queue(Some(&auth.actor), &space, list.request()?);
    Ok(Json(queue.await?))
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/reviews/{revision}", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ("revision" = u64, Path, description = "The pending revision")),
    request_body = ReviewBody,
    extensions(("x-errors" = json!([ErrorCode::Forbidden, ErrorCode::SelfApproval, ErrorCode::ConflictOfInterest, ErrorCode::NotMember, ErrorCode::Suspended, ErrorCode::NotPending, ErrorCode::EditConflict]))),
    responses(
        (status = 200, description = "Recorded: still pending (more approvals needed), published or rejected", body = ReviewOutcomeView),
    ))]
pub async fn review(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, revision)): ApiPath<(String, RevisionId)>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Json<ReviewOutcomeView>, ApiError> {
    let decision = match body.decision {
        DecisionBody::Approve => ReviewDecision::Approve,
        DecisionBody::Reject => ReviewDecision::Reject,
    };
    let outcome = app
        .review(&auth.actor, &space, revision, decision, body.comment)
        .await?;
    Ok(Json(outcome))
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/rollbacks", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug")),
    request_body = RollbackBody,
    extensions(("x-errors" = json!([ErrorCode::Forbidden]))),
    responses(
        (status = 200, description = "The pages rolled back (or that would be, for a dry run), and those left alone", body = RollbackView),
    ))]
pub async fn mass_rollback(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath(space): ApiPath<String>,
    ApiJson(body): ApiJson<RollbackBody>,
) -> Result<Json<RollbackView>, ApiError> {
    let request = RollbackRequest {
        user: body.user,
        since: body.since,
        dry_run: body.dry_run,
        reason: body.reason,
    };
    Ok(Json(app.mass_rollback(&auth.actor, &space, request).await?))
}

/// `?action=&user=`: which log entries.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogParams {
    /// Items per page: 1 to 500, default 50.
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Only this governance action (`standing_change`, `sanction`…).
    pub action: Option<String>,
    /// Only entries by this member or about them (a username).
    pub user: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/log", tag = "governance",
    params(("space" = String, Path, description = "Space slug"), LogParams),
    responses(
        (status = 200, description = "The governance log, newest first", body = Listing<LogEntryView>),
    ))]
pub async fn governance_log(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(params): ApiQuery<LogParams>,
) -> Result<Json<Listing<LogEntryView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let filter = LogFilter {
        action: params.action,
        user: params.user,
    };
    Ok(Json(app.governance_log(
        viewer,
        &space,
        params.cursor.as_deref(),
        params.limit,
        &filter,
    )?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HealthParams {
    /// Also answer the figures week by week over this many weeks (1 to 52).
    pub weeks: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/health", tag = "governance",
    params(("space" = String, Path, description = "Space slug"), HealthParams),
    responses(
        (status = 200, description = "Health figures (the last 30 days; with `weeks`, also week by week)", body = HealthView),
    ))]
pub async fn health(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(params): ApiQuery<HealthParams>,
) -> Result<Json<HealthView>, ApiError> {
    Ok(Json(app.space_health(
        auth.as_ref().map(|a| &a.actor),
        &space,
        params.weeks,
    )?))
}

#[utoipa::path(put, path = "/api/v1/watchlist/{space}/{slug}", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ("slug" = String, Path, description = "Page slug or title")),
    responses(
        (status = 204, description = "Watched"),
    ))]
pub async fn watch(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, slug)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    app.watch(&auth.actor, &space, &slug, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/watchlist/{space}/{slug}", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ("slug" = String, Path, description = "Page slug or title")),
    responses(
        (status = 204, description = "No longer watched"),
    ))]
pub async fn unwatch(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, slug)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    app.watch(&auth.actor, &space, &slug, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/watchlist", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "The pages the caller watches, by space and slug", body = Listing<WatchView>),
    ))]
pub async fn watchlist(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiQuery(list): ApiQuery<ListParams>,
) -> Result<Json<Listing<WatchView>>, ApiError> {
    Ok(Json(app.watchlist(&auth.actor, list.request()?)?))
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "Changes to watched pages, review outcomes and governance actions concerning the caller, newest first", body = Listing<NotificationView>),
    ))]
pub async fn notifications(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Listing<NotificationView>>, ApiError> {
    Ok(Json(app.notifications(
        &auth.actor,
        params.cursor.as_deref(),
        params.limit,
    )?))
}
