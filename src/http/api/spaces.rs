//! Spaces and their members: create, read, join, accept, appoint, explain.

use crate::model::ErrorCode;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::ListParams;
use crate::http::error::ApiError;
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Auth, MaybeAuth};
use crate::model::Standing;
use crate::service::{
    App, JoinView, Listing, MemberDetailView, MemberView, ServiceError, SpaceDetailView, SpaceView,
};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSpaceBody {
    /// The space's slug: lower-case letters, digits and `-`.
    pub slug: String,
    pub title: String,
    /// The enclosing space, for a child space.
    pub parent: Option<String>,
    /// A charter, full or partial: a JSON merge patch over the parent's
    /// resolved charter (see `schema/charter.schema.json`).
    #[schema(value_type = Option<Object>)]
    pub charter: Option<serde_json::Value>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StandingBody {
    /// `newcomer`, `contributor` or `reviewer` (`steward` takes a proposal).
    pub standing: Standing,
    /// Why, for the governance log.
    pub reason: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/spaces", tag = "spaces",
    params(ListParams),
    responses(
        (status = 200, description = "The spaces the caller may see, by slug", body = Listing<SpaceView>),
    ))]
pub async fn list_spaces(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiQuery(list): ApiQuery<ListParams>,
) -> Result<Json<Listing<SpaceView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    Ok(Json(app.list_spaces(viewer, list.request()?)?))
}

#[utoipa::path(post, path = "/api/v1/spaces", tag = "spaces",
    security(("bearer" = []), ("cookie" = [])),
    request_body = NewSpaceBody,
    extensions(("x-errors" = json!([ErrorCode::LockedField, ErrorCode::NeedsProposal, ErrorCode::Forbidden, ErrorCode::NotFound, ErrorCode::SpaceExists]))),
    responses(
        (status = 201, description = "Created; the caller is its steward", body = SpaceDetailView),
    ))]
pub async fn create_space(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiJson(body): ApiJson<NewSpaceBody>,
) -> Result<(StatusCode, Json<SpaceDetailView>), ApiError> {
    let space = app
        .create_space(
            &auth.actor,
            &body.slug,
            &body.title,
            body.parent.as_deref(),
            body.charter,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(space)))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}", tag = "spaces",
    params(("space" = String, Path, description = "Space slug")),
    responses(
        (status = 200, description = "The space, with its charter resolved through its ancestors", body = SpaceDetailView),
    ))]
pub async fn get_space(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath(space): ApiPath<String>,
) -> Result<Json<SpaceDetailView>, ApiError> {
    Ok(Json(
        app.get_space(auth.as_ref().map(|a| &a.actor), &space)?,
    ))
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/members", tag = "spaces",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug")),
    extensions(("x-errors" = json!([ErrorCode::NotMember, ErrorCode::Banned]))),
    responses(
        (status = 201, description = "Joined (open space) or already a member", body = JoinView),
        (status = 202, description = "Request recorded; a reviewer or steward accepts it", body = JoinView),
    ))]
pub async fn join(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath(space): ApiPath<String>,
) -> Result<(StatusCode, Json<JoinView>), ApiError> {
    let joined = app.join_space(&auth.actor, &space).await?;
    let status = if joined.requested {
        StatusCode::ACCEPTED
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(joined)))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/members", tag = "spaces",
    params(("space" = String, Path, description = "Space slug"), ListParams),
    responses(
        (status = 200, description = "The members recorded in this space", body = Listing<MemberView>),
    ))]
pub async fn list_members(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(list): ApiQuery<ListParams>,
) -> Result<Json<Listing<MemberView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    Ok(Json(app.list_members(viewer, &space, list.request()?)?))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/members/{user}", tag = "spaces",
    params(("space" = String, Path, description = "Space slug"), ("user" = String, Path, description = "Username")),
    responses(
        (status = 200, description = "The member's standing, the rule behind it and what is missing for the next", body = MemberDetailView),
    ))]
pub async fn member(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath((space, user)): ApiPath<(String, String)>,
) -> Result<Json<MemberDetailView>, ApiError> {
    Ok(Json(app.member_detail(
        auth.as_ref().map(|a| &a.actor),
        &space,
        &user,
    )?))
}

#[utoipa::path(put, path = "/api/v1/spaces/{space}/members/{user}", tag = "spaces",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ("user" = String, Path, description = "Username")),
    request_body = StandingBody,
    extensions(("x-errors" = json!([ErrorCode::Forbidden, ErrorCode::NeedsProposal]))),
    responses(
        (status = 200, description = "Appointed (logged)", body = MemberView),
    ))]
pub async fn appoint(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, user)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<StandingBody>,
) -> Result<Json<MemberView>, ApiError> {
    let member = app
        .appoint(&auth.actor, &space, &user, body.standing, body.reason)
        .await?;
    Ok(Json(member))
}

#[utoipa::path(delete, path = "/api/v1/spaces/{space}/members/{user}", tag = "spaces",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ("user" = String, Path, description = "Username: the caller's own")),
    extensions(("x-errors" = json!([ErrorCode::Forbidden, ErrorCode::NotMember, ErrorCode::LastSteward]))),
    responses(
        (status = 204, description = "Left the space (logged); joining again starts as a newcomer"),
    ))]
pub async fn leave(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, user)): ApiPath<(String, String)>,
) -> Result<StatusCode, ApiError> {
    if !user.eq_ignore_ascii_case(&auth.actor.username) {
        return Err(ServiceError::Refused(
            ErrorCode::Forbidden,
            "members leave by themselves: the user must be you".to_owned(),
        )
        .into());
    }
    app.leave_space(&auth.actor, &space).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/members/{user}/accept", tag = "spaces",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ("user" = String, Path, description = "Username")),
    extensions(("x-errors" = json!([ErrorCode::Forbidden]))),
    responses(
        (status = 200, description = "Accepted as a newcomer", body = MemberView),
    ))]
pub async fn accept(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, user)): ApiPath<(String, String)>,
) -> Result<Json<MemberView>, ApiError> {
    Ok(Json(app.accept_member(&auth.actor, &space, &user).await?))
}
