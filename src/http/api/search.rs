//! Search and title suggestions.

use crate::model::ErrorCode;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, MaybeAuth};
use crate::service::{App, Listing, PageRefView, SearchQuery, SearchView};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Words, "quoted phrases" and -excluded words. Accents are optional,
    /// French and English are both understood, typos are forgiven when exact
    /// matches are few.
    pub q: String,
    /// Only this space.
    pub space: Option<String>,
    /// Only pages with this front-matter tag.
    pub tag: Option<String>,
    /// Only pages this username wrote a revision of.
    pub author: Option<String>,
    /// Only pages in this language (`fr` or `en`).
    pub lang: Option<String>,
    /// 1 to 100, default 20.
    pub limit: Option<usize>,
    /// Hits to skip, default 0.
    pub offset: Option<usize>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// The start of a title (the last word may be partial).
    pub q: String,
    /// Only this space.
    pub space: Option<String>,
    /// How many: 1 to 500 like any list, of which 10 at most (the default).
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(SearchParams),
    extensions(("x-errors" = json!([ErrorCode::NotFound]))),
    responses(
        (status = 200, description = "Matching pages the reader may see, best first, with `total`", body = SearchView),
    ))]
pub async fn search(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiQuery(params): ApiQuery<SearchParams>,
) -> Result<Json<SearchView>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let query = SearchQuery {
        q: params.q,
        space: params.space,
        tag: params.tag,
        author: params.author,
        lang: params.lang,
        limit: params.limit,
        offset: params.offset,
    };
    Ok(Json(app.search(viewer, query).await?))
}

#[utoipa::path(get, path = "/api/v1/suggest", tag = "search",
    params(SuggestParams),
    extensions(("x-errors" = json!([ErrorCode::NotFound]))),
    responses(
        (status = 200, description = "Up to 10 titles completing `q`, typo-tolerant (one page: `next_cursor` is always null)", body = Listing<PageRefView>),
    ))]
pub async fn suggest(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiQuery(params): ApiQuery<SuggestParams>,
) -> Result<Json<Listing<PageRefView>>, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    Ok(Json(
        app.suggest(viewer, &params.q, params.space.as_deref(), params.limit)
            .await?,
    ))
}
