//! Recent changes, from the event log.

use crate::model::ErrorCode;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, MaybeAuth};
use crate::model::RevisionState;
use crate::service::{App, ChangeView, ChangesQuery, Listing};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesParams {
    /// Only this space.
    pub space: Option<String>,
    /// Only changes by this username.
    pub user: Option<String>,
    /// Only revisions now in this state.
    pub state: Option<RevisionState>,
    /// An event `seq` (changes after it) or an RFC 3339 time (changes at or after it).
    pub since: Option<String>,
    pub cursor: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/changes", tag = "changes",
    params(ChangesParams),
    extensions(("x-errors" = json!([ErrorCode::NotFound]))),
    responses(
        (status = 200, description = "Page changes, newest first", body = Listing<ChangeView>),
    ))]
pub async fn changes(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiQuery(params): ApiQuery<ChangesParams>,
) -> Result<Json<Listing<ChangeView>>, ApiError> {
    let query = ChangesQuery {
        space: params.space,
        user: params.user,
        state: params.state,
        since: params.since,
        cursor: params.cursor,
        limit: params.limit,
    };
    let viewer = auth.as_ref().map(|a| &a.actor);
    Ok(Json(app.recent_changes(viewer, &query)?))
}
