//! Proposals and votes (collective choice).

use crate::model::ErrorCode;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::ListParams;
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Auth, MaybeAuth};
use crate::model::{Choice, ProposalKind, ProposalState};
use crate::service::{App, Listing, ProposalRequest, ProposalView, VoteView};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProposalBody {
    pub kind: ProposalKind,
    pub title: String,
    pub rationale: Option<String>,
    /// `charter_change` `{patch}`; `role_change` `{user, standing}`;
    /// `create_space` `{slug, title, charter?}`. Appeals and disputes are
    /// opened from the sanction or dispute they concern.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteBody {
    pub choice: Choice,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalsParams {
    /// Only proposals in this state.
    pub state: Option<ProposalState>,
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/proposals", tag = "governance",
    params(("space" = String, Path, description = "Space slug"), ProposalsParams, ListParams),
    responses(
        (status = 200, description = "The space's proposals, newest first", body = Listing<ProposalView>),
    ))]
pub async fn list(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(params): ApiQuery<ProposalsParams>,
    ApiQuery(list): ApiQuery<ListParams>,
) -> Result<Json<Listing<ProposalView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let listing = app.list_proposals(viewer, &space, params.state, list.request()?)?;
    Ok(Json(listing))
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/proposals", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug")),
    request_body = ProposalBody,
    extensions(("x-errors" = json!([ErrorCode::LockedField, ErrorCode::Forbidden, ErrorCode::NotMember, ErrorCode::Suspended, ErrorCode::Banned, ErrorCode::SpaceExists, ErrorCode::NoEligibleVoters]))),
    responses(
        (status = 201, description = "Open; the eligible voters are fixed now", body = ProposalView),
    ))]
pub async fn open(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath(space): ApiPath<String>,
    ApiJson(body): ApiJson<ProposalBody>,
) -> Result<(StatusCode, Json<ProposalView>), ApiError> {
    let request = ProposalRequest {
        kind: body.kind,
        title: body.title,
        rationale: body.rationale,
        payload: body.payload,
    };
    let proposal = app.open_proposal(&auth.actor, &space, request).await?;
    Ok((StatusCode::CREATED, Json(proposal)))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/proposals/{id}", tag = "governance",
    params(("space" = String, Path, description = "Space slug"), ("id" = u64, Path, description = "Proposal id")),
    responses(
        (status = 200, description = "The proposal, its tally and its votes", body = ProposalView),
    ))]
pub async fn get(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath((space, id)): ApiPath<(String, u64)>,
) -> Result<Json<ProposalView>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    Ok(Json(app.get_proposal(viewer, &space, id)?))
}

#[utoipa::path(put, path = "/api/v1/spaces/{space}/proposals/{id}/vote", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ("id" = u64, Path, description = "Proposal id")),
    request_body = VoteBody,
    extensions(("x-errors" = json!([ErrorCode::NotEligible, ErrorCode::Suspended, ErrorCode::Banned, ErrorCode::ProposalClosed]))),
    responses(
        (status = 200, description = "Recorded (a later vote replaces it); the proposal closes at once when this settles it", body = VoteView),
    ))]
pub async fn vote(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, id)): ApiPath<(String, u64)>,
    ApiJson(body): ApiJson<VoteBody>,
) -> Result<Json<VoteView>, ApiError> {
    Ok(Json(app.vote(&auth.actor, &space, id, body.choice).await?))
}
