//! Disputes over pages (conflict resolution).

use crate::model::ErrorCode;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::ListParams;
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Auth, MaybeAuth};
use crate::model::DisputeState;
use crate::service::{App, DisputeView, Listing};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeBody {
    pub reason: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DisputesParams {
    /// `open` or `resolved`.
    pub state: Option<DisputeState>,
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/pages/{slug}/disputes", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ("slug" = String, Path, description = "Page slug or title")),
    request_body = DisputeBody,
    extensions(("x-errors" = json!([ErrorCode::Forbidden, ErrorCode::NotMember, ErrorCode::Suspended, ErrorCode::Banned, ErrorCode::AlreadyDisputed]))),
    responses(
        (status = 201, description = "Open: the page is locked to `lock_to` until a `dispute` proposal resolves it", body = DisputeView),
    ))]
pub async fn open(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, slug)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<DisputeBody>,
) -> Result<(StatusCode, Json<DisputeView>), ApiError> {
    let dispute = app
        .open_dispute(&auth.actor, &space, &slug, &body.reason)
        .await?;
    Ok((StatusCode::CREATED, Json(dispute)))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/disputes", tag = "governance",
    params(("space" = String, Path, description = "Space slug"), DisputesParams, ListParams),
    responses(
        (status = 200, description = "Disputes, newest first", body = Listing<DisputeView>),
    ))]
pub async fn list(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(params): ApiQuery<DisputesParams>,
    ApiQuery(list): ApiQuery<ListParams>,
) -> Result<Json<Listing<DisputeView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let listing = app.list_disputes(viewer, &space, params.state, list.request()?)?;
    Ok(Json(listing))
}
