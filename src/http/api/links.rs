//! Rendering and the link graph: previews, backlinks, orphans, wanted pages.

use crate::model::ErrorCode;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::ToSchema;

use super::ListParams;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, ClientIp, MaybeAuth};
use crate::service::{App, Listing, PageRefView, PreviewView, WantedView};

#[derive(Deserialize, ToSchema)]
pub struct RenderBody {
    pub markdown: String,
    /// The space the text would belong to (default `main`): wiki links
    /// resolve there.
    pub space: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/render", tag = "pages",
    request_body = RenderBody,
    extensions(("x-errors" = json!([ErrorCode::NotFound]))),
    responses(
        (status = 200, description = "The text rendered as a page would be; nothing is stored", body = PreviewView),
        (status = 429, description = "`rate_limited`: 600 previews a minute per account, or per address when anonymous", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn preview(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<RenderBody>,
) -> Result<Json<PreviewView>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let preview = app
        .preview(viewer, client, body.markdown, body.space.as_deref())
        .await?;
    Ok(Json(preview))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/pages/{slug}/backlinks", tag = "pages",
    params(("space" = String, Path, description = "Space slug"),
           ("slug" = String, Path, description = "Page slug or title"), ListParams),
    responses(
        (status = 200, description = "The pages whose published revision links to this page", body = Listing<PageRefView>),
    ))]
pub async fn backlinks(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath((space, slug)): ApiPath<(String, String)>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Listing<PageRefView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let listing = app.backlinks(
        viewer,
        &space,
        &slug,
        params.cursor.as_deref(),
        params.limit,
    )?;
    Ok(Json(listing))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/orphans", tag = "pages",
    params(("space" = String, Path, description = "Space slug"), ListParams),
    responses(
        (status = 200, description = "Pages no other page links to, in slug order", body = Listing<PageRefView>),
    ))]
pub async fn orphans(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Listing<PageRefView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    Ok(Json(app.orphans(
        viewer,
        &space,
        params.cursor.as_deref(),
        params.limit,
    )?))
}

#[utoipa::path(get, path = "/api/v1/spaces/{space}/wanted", tag = "pages",
    params(("space" = String, Path, description = "Space slug"), ListParams),
    responses(
        (status = 200, description = "Missing titles that pages link to, most linked first", body = Listing<WantedView>),
    ))]
pub async fn wanted(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiPath(space): ApiPath<String>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<Listing<WantedView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    Ok(Json(app.wanted(
        viewer,
        &space,
        params.cursor.as_deref(),
        params.limit,
    )?))
}
