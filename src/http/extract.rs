//! Extractors that turn every malformed request into a problem response:
//! JSON bodies (UTF-8, syntax, types, size), path and query parameters, the
//! caller's credentials and address.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::error::ApiError;
use crate::service::{App, Authenticated};
use crate::store::CredentialKind;

/// The name of the session cookie; `__Host-` is added on https instances.
pub const SESSION_COOKIE: &str = "ostrom_session";
/// The header cookie-authenticated unsafe requests must carry.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A JSON request body: not UTF-8 or not JSON is 400 `malformed_json`, JSON of
/// the wrong shape is 400 `invalid_input` naming the field, too big is 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = read_body(request, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// Like [`ApiJson`], but an empty body is `None` (e.g. a DELETE using `If-Match`).
pub struct OptionalJson<T>(pub Option<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = read_body(request, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(None));
        }
        parse_json(&bytes).map(|value| OptionalJson(Some(value)))
    }
}

async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "the request body is larger than this endpoint accepts",
                )
            } else {
                ApiError::invalid_input(rejection.body_text())
            }
        })
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let text = std::str::from_utf8(bytes).map_err(|error| {
        ApiError::malformed_json(format!(
            "the body is not UTF-8 (invalid byte at offset {})",
            error.valid_up_to()
        ))
    })?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            Category::Data if path == "." => ApiError::invalid_input(inner.to_string()),
            Category::Data => ApiError::invalid_input(format!("{path}: {inner}")),
            _ => ApiError::malformed_json(format!("the body is not valid JSON: {inner}")),
        }
    })?;
    deserializer.end().map_err(|error| {
        ApiError::malformed_json(format!("the body is not valid JSON: {error}"))
    })?;
    Ok(value)
}

/// Path parameters; undecodable ones (bad percent-encoding, not UTF-8) are 400.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| ApiPath(value))
            .map_err(|rejection| ApiError::invalid_input(rejection.body_text()))
    }
}

/// Query parameters; a wrong one is 400 `invalid_input`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| ApiQuery(value))
            .map_err(|rejection| ApiError::invalid_input(rejection.body_text()))
    }
}

/// The caller, who must be authenticated (else 401).
pub struct Auth(pub Authenticated);

/// The caller, if authenticated. A bad bearer token is still 401; a stale
/// session cookie reads as anonymous, so a reader is never locked out of
/// public pages by an old cookie.
pub struct MaybeAuth(pub Option<Authenticated>);

impl FromRequestParts<App> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        match authenticate(parts, app)? {
            Some(auth) => Ok(Auth(auth)),
            None => Err(crate::service::ServiceError::Unauthenticated.into()),
        }
    }
}

impl FromRequestParts<App> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        authenticate(parts, app).map(MaybeAuth)
    }
}

fn authenticate(parts: &Parts, app: &App) -> Result<Option<Authenticated>, ApiError> {
    if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| ApiError::from(crate::service::ServiceError::Unauthenticated))?;
        return match app.authenticate(token)? {
            Some(auth) => Ok(Some(auth)),
            None => Err(crate::service::ServiceError::Unauthenticated.into()),
        };
    }
    let Some(token) = session_cookie(&parts.headers) else {
        return Ok(None);
    };
    let Some(auth) = app.authenticate(&token)? else {
        return Ok(None);
    };
    // A cookie rides along on cross-site requests; a header does not.
    if !parts.method.is_safe() && auth.kind == CredentialKind::Session {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if sent.is_none() || sent != auth.csrf_token.as_deref() {
            return Err(ApiError::forbidden(
                "requests authenticated by the session cookie must send the X-CSRF-Token header given at login",
            ));
        }
    }
    Ok(Some(auth))
}

/// The session token from the `Cookie` header, under either cookie name.
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| {
            *name == SESSION_COOKIE || name.strip_prefix("__Host-") == Some(SESSION_COOKIE)
        })
        .map(|(_, value)| value.trim().to_owned())
}

/// The `Set-Cookie` value for a session token (or, with `None`, its removal).
pub fn session_cookie_header(token: Option<&str>, max_age_secs: u64, secure: bool) -> String {
    let (name, secure_attr) = if secure {
        (format!("__Host-{SESSION_COOKIE}"), "; Secure")
    } else {
        (SESSION_COOKIE.to_owned(), "")
    };
    match token {
        Some(token) => format!(
            "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure_attr}"
        ),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure_attr}"),
    }
}

/// The client's address, for throttling. Requests served without connection
/// info (in-process tests) count as one local client.
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let address = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip());
        Ok(ClientIp(address))
    }
}
