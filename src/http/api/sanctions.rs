//! Reports and graduated sanctions, and appeals of them.

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
use crate::service::{App, Listing, ProposalView, ReportView, SanctionView};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    /// Username of the member reported.
    pub user: Option<String>,
    /// The revision reported.
    pub revision: Option<RevisionId>,
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SanctionBody {
    /// Username of the member sanctioned.
    pub user: String,
    pub reason: String,
    /// A ladder entry (`"probation:7d"`); default the ladder's next for
    /// this member. A lighter one may be chosen, never a heavier one.
    pub step: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealBody {
    pub rationale: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SanctionsParams {
    /// Only this member's sanctions (username).
    pub user: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/reports", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug")),
    request_body = ReportBody,
    extensions(("x-errors" = json!([ErrorCode::NotMember, ErrorCode::Suspended, ErrorCode::Banned]))),
    responses(
        (status = 201, description = "Reported; the space's reviewers see it", body = ReportView),
    ))]
pub async fn report(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath(space): ApiPath<String>,
    ApiJson(body): ApiJson<ReportBody>,
) -> Result<(StatusCode, Json<ReportView>), ApiError> {
    let report = app
        .report(
            &auth.actor,
            &space,
            body.user.as_deref(),
            body.revision,
            &body.reason,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(report)))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/reports", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ListParams),
    extensions(("x-errors" = json!([ErrorCode::Forbidden]))),
    responses(
        (status = 200, description = "Reports, newest first (reviewers and stewards)", body = Listing<ReportView>),
    ))]
pub async fn reports(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(list): ApiQuery<ListParams>,
) -> Result<Json<Listing<ReportView>>, ApiError> {
    Ok(Json(app.reports(&auth.actor, &space, list.request()?)?))
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/sanctions", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug")),
    request_body = SanctionBody,
    extensions(("x-errors" = json!([ErrorCode::StepTooHeavy, ErrorCode::Forbidden]))),
    responses(
        (status = 201, description = "Issued (a ban ends the membership); in force here and in child spaces", body = SanctionView),
    ))]
pub async fn issue(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath(space): ApiPath<String>,
    ApiJson(body): ApiJson<SanctionBody>,
) -> Result<(StatusCode, Json<SanctionView>), ApiError> {
    let sanction = app
        .issue_sanction(
            &auth.actor,
            &space,
            &body.user,
            &body.reason,
            body.step.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(sanction)))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/sanctions", tag = "governance",
    params(("space" = String, Path, description = "Space slug"), SanctionsParams, ListParams),
    responses(
        (status = 200, description = "The sanctions issued here, newest first: why, by whom, until when", body = Listing<SanctionView>),
    ))]
pub async fn list(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(params): ApiQuery<SanctionsParams>,
    ApiQuery(list): ApiQuery<ListParams>,
) -> Result<Json<Listing<SanctionView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let user = params.user.as_deref();
    Ok(Json(app.list_sanctions(
        viewer,
        &space,
        user,
        list.request()?,
    )?))
}

#[utoipa::path(post, path = "/api/v1/spaces/{space}/sanctions/{id}/appeal", tag = "governance",
    security(("bearer" = []), ("cookie" = [])),
    params(("space" = String, Path, description = "Space slug"), ("id" = u64, Path, description = "Sanction id")),
    request_body = AppealBody,
    extensions(("x-errors" = json!([ErrorCode::Forbidden, ErrorCode::AlreadyAppealed, ErrorCode::NotInForce, ErrorCode::NoEligibleVoters]))),
    responses(
        (status = 201, description = "The appeal proposal (voters: the charter's for appeals, never the appellant)", body = ProposalView),
    ))]
pub async fn appeal(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath((space, id)): ApiPath<(String, u64)>,
    ApiJson(body): ApiJson<AppealBody>,
) -> Result<(StatusCode, Json<ProposalView>), ApiError> {
    let proposal = app.appeal(&auth.actor, &space, id, &body.rationale).await?;
    Ok((StatusCode::CREATED, Json(proposal)))
}
