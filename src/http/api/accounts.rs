//! Accounts, sessions, personal API tokens and "who am I".

use crate::model::ErrorCode;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::ToSchema;

use super::ListParams;
use crate::auth::Password;
use crate::http::error::{ApiError, Problem};
use crate::http::extract::{ApiJson, ApiPath, ApiQuery, Auth, ClientIp, session_cookie_header};
use crate::service::{
    AccountView, ApiTokenView, App, Listing, MeView, Registrant, Registration, SessionView,
    TokenView,
};

#[derive(Deserialize, ToSchema)]
pub struct RegisterBody {
    /// 1 to 64 letters, digits, `_`, `-` or `.`; unique case-insensitively.
    pub username: String,
    /// 8 to 1024 characters.
    pub password: String,
    pub email: Option<String>,
    /// The one-time code the server prints at start while an instance
    /// listening beyond loopback has no administrator: with it, this
    /// account becomes the administrator (and steward of `main`).
    pub setup_code: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginBody {
    pub username: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
pub struct TokenBody {
    /// 1 to 64 characters, unique among your tokens.
    pub name: String,
    /// When the token stops working (RFC 3339, to come); without it, when
    /// revoked.
    pub expires_at: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct PasswordBody {
    pub current_password: String,
    /// 8 to 1024 characters.
    pub new_password: String,
}

#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts",
    request_body = RegisterBody,
    extensions(("x-errors" = json!([ErrorCode::UsernameTaken]))),
    responses(
        (status = 201, description = "Account created. The first account of an instance is its administrator and the steward of `main` (beyond loopback, only with the setup code the server printed).", body = AccountView),
        (status = 429, description = "`rate_limited`: too many accounts from this client", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn register(
    State(app): State<App>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<(StatusCode, Json<AccountView>), ApiError> {
    let registration = Registration {
        username: body.username,
        password: Password::new(body.password),
        email: body.email,
        setup_code: body.setup_code,
    };
    let account = app
        .register(registration, Registrant::Client(client))
        .await?;
    Ok((StatusCode::CREATED, Json(account)))
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "accounts",
    request_body = LoginBody,
    extensions(("x-errors" = json!([ErrorCode::Unauthenticated]))),
    responses(
        (status = 201, description = "Logged in. The body carries a bearer token; a session cookie (HttpOnly, SameSite=Lax) is set too.", body = SessionView,
            headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 429, description = "`rate_limited`: too many failures for this name from this client, or from this client", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn log_in(
    State(app): State<App>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<impl IntoResponse, ApiError> {
    let password = Password::new(body.password);
    let session = app.log_in(&body.username, &password, client).await?;
    Ok((
        StatusCode::CREATED,
        session_headers(&app, Some(&session)),
        Json(session),
    ))
}

/// The cookie a new session sets (or, with `None`, the one an ended
/// session clears), and no caching of the answer.
pub(crate) fn session_headers(app: &App, session: Option<&SessionView>) -> HeaderMap {
    let cookie = session_cookie_header(
        session.map(|s| s.token.as_str()),
        session.map_or(0, |_| app.session_ttl().as_secs()),
        app.config().secure_cookies(),
    );
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers
}

#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    request_body = PasswordBody,
    responses(
        (status = 200, description = "Changed. Every session of the account ends; this answer is a new session in place of the one used (and sets its cookie). API tokens stay.", body = SessionView),
        (status = 429, description = "`rate_limited`: too many wrong passwords", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn change_password(
    State(app): State<App>,
    Auth(auth): Auth,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<impl IntoResponse, ApiError> {
    let (current, new) = (
        Password::new(body.current_password),
        Password::new(body.new_password),
    );
    let session = app.change_password(&auth, &current, &new, client).await?;
    Ok((session_headers(&app, Some(&session)), Json(session)))
}

#[utoipa::path(delete, path = "/api/v1/sessions", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Logged out everywhere: every session of the account ends (API tokens stay), and the cookie is cleared"),
    ))]
pub async fn log_out_everywhere(
    State(app): State<App>,
    Auth(auth): Auth,
) -> Result<impl IntoResponse, ApiError> {
    app.log_out_everywhere(&auth).await?;
    Ok((StatusCode::NO_CONTENT, session_headers(&app, None)))
}

#[utoipa::path(delete, path = "/api/v1/sessions/current", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Logged out: the token or session used is revoked and the cookie cleared"),
    ))]
pub async fn log_out(
    State(app): State<App>,
    Auth(auth): Auth,
) -> Result<impl IntoResponse, ApiError> {
    app.log_out(&auth).await?;
    Ok((StatusCode::NO_CONTENT, session_headers(&app, None)))
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The authenticated user and their memberships", body = MeView),
    ))]
pub async fn me(State(app): State<App>, Auth(auth): Auth) -> Result<Json<MeView>, ApiError> {
    Ok(Json(app.me(&auth)?))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    request_body = TokenBody,
    extensions(("x-errors" = json!([ErrorCode::NameTaken]))),
    responses(
        (status = 201, description = "A personal API token, shown once", body = TokenView),
    ))]
pub async fn create_token(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiJson(body): ApiJson<TokenBody>,
) -> Result<(StatusCode, Json<TokenView>), ApiError> {
    let token = app
        .create_api_token(&auth.actor, &body.name, body.expires_at.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(token)))
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    params(ListParams),
    responses(
        (status = 200, description = "Your API tokens by name: names and dates, never the tokens", body = Listing<ApiTokenView>),
    ))]
pub async fn list_tokens(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiQuery(list): ApiQuery<ListParams>,
) -> Result<Json<Listing<ApiTokenView>>, ApiError> {
    Ok(Json(app.api_tokens(&auth.actor, list.request()?)?))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{name}", tag = "accounts",
    security(("bearer" = []), ("cookie" = [])),
    params(("name" = String, Path, description = "The token's name")),
    responses(
        (status = 204, description = "The token is revoked"),
    ))]
pub async fn revoke_token(
    State(app): State<App>,
    Auth(auth): Auth,
    ApiPath(name): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    app.revoke_api_token(&auth.actor, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
