//! Instance administrators' powers over spaces (those the configuration
//! lists), each logged in the space's governance log.

use crate::model::ErrorCode;
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, Auth};
use crate::model::RevisionId;
use crate::service::{App, MemberView};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TakedownBody {
    pub space: String,
    pub revision: RevisionId,
    /// Why (the legal request), for the governance log and the notice.
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct TakedownView {
    /// Every revision of the page that had that text; each now reads as
    /// the notice.
    pub revisions: Vec<RevisionId>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StewardBody {
    pub space: String,
    /// Username of the new steward.
    pub user: String,
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/admin/takedowns", tag = "operations",
    security(("bearer" = []), ("cookie" = [])),
    request_body = TakedownBody,
    extensions(("x-errors" = json!([ErrorCode::Forbidden, ErrorCode::NotFound]))),
    responses(
        (status = 200, description = "Taken down and logged in the space's governance log", body = TakedownView),
    ))]
pub async fn take_down(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiJson(body): ApiJson<TakedownBody>,
) -> Result<Json<TakedownView>, ApiError> {
    let revisions = app
        .take_down(&auth.actor, &body.space, body.revision, &body.reason)
        .await?;
    Ok(Json(TakedownView { revisions }))
}

#[utoipa::path(post, path = "/api/v1/admin/stewards", tag = "operations",
    security(("bearer" = []), ("cookie" = [])),
    request_body = StewardBody,
    extensions(("x-errors" = json!([ErrorCode::Forbidden, ErrorCode::NotFound, ErrorCode::HasStewards]))),
    responses(
        (status = 200, description = "The space, which had no steward left, has one; logged", body = MemberView),
    ))]
pub async fn restore_steward(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiJson(body): ApiJson<StewardBody>,
) -> Result<Json<MemberView>, ApiError> {
    Ok(Json(
        app.restore_steward(&auth.actor, &body.space, &body.user, &body.reason)
            .await?,
    ))
}
