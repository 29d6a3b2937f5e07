//! Extractors that turn every malformed request into a problem response:
//! JSON bodies (UTF-8, syntax, types, size), path and query parameters, the
//! caller's credentials (a bearer token, or a session cookie with its CSRF
//! header) and address (through trusted proxies only).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use ipnet::IpNet;

use super::error::ApiError;
use crate::model::ErrorCode;
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
                    ErrorCode::TooLarge,
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
    let cookie_name = session_cookie_name(app.config().secure_cookies());
    let Some(token) = cookie(&parts.headers, &cookie_name) else {
        return Ok(None);
    };
    let Some(auth) = app.authenticate(&token)? else {
        return Ok(None);
    };
    // A cookie carries a session, whose CSRF token guards it; an API token
    // has none, so it is refused there (it belongs in `Authorization`).
    if auth.kind != CredentialKind::Session {
        return Err(crate::service::ServiceError::Unauthenticated.into());
    }
    // A cookie rides along on cross-site requests; a header does not.
    if !parts.method.is_safe() {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if sent.is_none() || sent != auth.csrf_token.as_deref() {
            return Err(ApiError::forbidden(
                "requests authenticated by the session cookie must send the X-CSRF-Token header given at login",
            ));
        }
    }
    Ok(Some(auth))
}

/// The session a browser's cookie carries, if it is a live one. Unlike
/// [`MaybeAuth`] this checks no CSRF header: web forms carry their token
/// in a field, which their handlers check (see `http::web`).
pub fn session_of_cookie(headers: &HeaderMap, app: &App) -> Option<Authenticated> {
    let name = session_cookie_name(app.config().secure_cookies());
    let token = cookie(headers, &name)?;
    let auth = app.authenticate(&token).ok().flatten()?;
    (auth.kind == CredentialKind::Session).then_some(auth)
}

/// The session cookie's name: `__Host-ostrom_session` on https instances
/// (the browser then guarantees it was set by this host, over https, for
/// the whole site), else `ostrom_session`. Only that one is read.
pub fn session_cookie_name(secure: bool) -> String {
    if secure {
        format!("__Host-{SESSION_COOKIE}")
    } else {
        SESSION_COOKIE.to_owned()
    }
}

/// Whether a request carries credentials (it is answered privately).
pub fn carries_credentials(headers: &HeaderMap) -> bool {
    headers.contains_key(header::AUTHORIZATION)
        || headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .any(|value| value.contains(SESSION_COOKIE))
}

/// Whether the request's `If-None-Match` names `etag` (or `*`): the
/// client's copy is current, and a 304 answers it.
pub fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == "*" || t.trim() == etag))
}

/// The value of the cookie `name` the request carries.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(cookie, _)| *cookie == name)
        .map(|(_, value)| value.trim().to_owned())
}

/// The `Set-Cookie` value for a session token (or, with `None`, its removal).
pub fn session_cookie_header(token: Option<&str>, max_age_secs: u64, secure: bool) -> String {
    let name = session_cookie_name(secure);
    let secure_attr = if secure { "; Secure" } else { "" };
    match token {
        Some(token) => format!(
            "{name}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure_attr}"
        ),
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure_attr}"),
    }
}

/// The client's address, for throttling: the peer's, or, when the peer is
/// a trusted proxy, the nearest address the proxies name that is not one
/// of them (`Forwarded: for=`, else `X-Forwarded-For`, read right to left:
/// the left end is whatever the client claimed). Requests served without
/// connection info (in-process tests) count as one local client.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<App> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |info| info.0.ip());
        Ok(ClientIp(client_address(
            peer,
            &parts.headers,
            &app.config().trusted_proxies,
        )))
    }
}

fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(address));
    if !is_trusted(&peer) {
        return peer;
    }
    let chain = forwarded_for(headers);
    chain
        .iter()
        .rev()
        .find(|address| !is_trusted(address))
        .or(chain.first())
        .copied()
        .unwrap_or(peer)
}

/// The addresses the proxies recorded, client first: from `Forwarded`
/// (RFC 7239) if present, else `X-Forwarded-For`. Unparsable entries (an
/// obfuscated `for=_hidden`, `unknown`) are skipped.
fn forwarded_for(headers: &HeaderMap) -> Vec<IpAddr> {
    let values = |name| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>()
    };
    let forwarded = values(header::FORWARDED);
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (key, value) = pair.trim().split_once('=')?;
                    key.eq_ignore_ascii_case("for").then(|| parse_node(value))?
                })
            })
            .collect();
    }
    values(header::HeaderName::from_static("x-forwarded-for"))
        .iter()
        .filter_map(|value| parse_node(value))
        .collect()
}

/// `192.0.2.1`, `"[2001:db8::1]:4711"`, `192.0.2.1:80`.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(address) = text.parse() {
        return Some(address);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    text.rsplit_once(':')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn the_client_comes_from_trusted_proxies_only() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        let forwarded = headers(&[("x-forwarded-for", "198.51.100.1, 192.0.2.7, 10.0.0.3")]);
        // From a trusted proxy: the nearest untrusted hop, not the claim.
        assert_eq!(
            client_address(proxy, &forwarded, &trusted),
            "192.0.2.7".parse::<IpAddr>().unwrap()
        );
        // From anyone else, the header is ignored.
        assert_eq!(client_address(stranger, &forwarded, &trusted), stranger);
        assert_eq!(client_address(proxy, &forwarded, &[]), proxy);
        let rfc = headers(&[(
            "forwarded",
            "for=192.0.2.60;proto=http, for=\"[2001:db8::17]:4711\"",
        )]);
        assert_eq!(
            client_address(proxy, &rfc, &trusted),
            "2001:db8::17".parse::<IpAddr>().unwrap()
        );
        // Nothing usable: the proxy itself.
        let junk = headers(&[("x-forwarded-for", "unknown")]);
        assert_eq!(client_address(proxy, &junk, &trusted), proxy);
    }
}
