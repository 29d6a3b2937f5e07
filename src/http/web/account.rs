//! Accounts in the browser: log in, register, log out, and the language
//! switch (a form, so it works without JavaScript).

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::chrome::{Chrome, LANGUAGE_COOKIE, Visit, local_path};
use super::edit::check_csrf;
use super::errors::{OrPage, Refusal, WebError};
use super::html_response;
use crate::auth::Password;
use crate::http::api::accounts::session_headers;
use crate::http::extract::{ClientIp, session_cookie_header};
use crate::i18n::Locale;
use crate::model::ErrorCode;
use crate::service::{App, Registrant, Registration, ServiceError};

#[derive(Deserialize, Default)]
pub struct ReturnQuery {
    #[serde(rename = "return")]
    back: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    chrome: &'a Chrome,
    back: String,
    username: String,
    problem: Option<String>,
}

pub async fn login_form(visit: Visit, Query(query): Query<ReturnQuery>) -> Response {
    let chrome = visit.chrome(visit.locale.t("login-title"));
    let page = LoginPage {
        chrome: &chrome,
        back: local_path(query.back.as_deref()),
        username: String::new(),
        problem: None,
    };
    html_response(visit.locale, StatusCode::OK, page.render())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default, rename = "return")]
    back: String,
}

pub async fn log_in(
    State(app): State<App>,
    visit: Visit,
    ClientIp(client): ClientIp,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let back = local_path(Some(&form.back));
    let password = Password::new(form.password);
    match app.log_in(&form.username, &password, client).await {
        Ok(session) => {
            let mut headers = session_headers(&app, Some(&session));
            headers.insert(
                header::LOCATION,
                HeaderValue::from_str(&back).unwrap_or(HeaderValue::from_static("/")),
            );
            Ok((StatusCode::SEE_OTHER, headers).into_response())
        }
        Err(error @ (ServiceError::Unauthenticated | ServiceError::RateLimited { .. })) => {
            let status =
                StatusCode::from_u16(error.code().status()).unwrap_or(StatusCode::UNAUTHORIZED);
            let chrome = visit.chrome(visit.locale.t("login-title"));
            let problem = match error {
                ServiceError::RateLimited { retry_after } => {
                    chrome.tn("error-retry-after", retry_after.as_secs().max(1))
                }
                _ => chrome.t("login-failed"),
            };
            let page = LoginPage {
                chrome: &chrome,
                back,
                username: form.username,
                problem: Some(problem),
            };
            Ok(html_response(visit.locale, status, page.render()))
        }
        Err(error) => Err(WebError::new(&visit, error)),
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage<'a> {
    chrome: &'a Chrome,
    username: String,
    problem: Option<String>,
}

pub async fn register_form(visit: Visit) -> Response {
    let chrome = visit.chrome(visit.locale.t("register-title"));
    let page = RegisterPage {
        chrome: &chrome,
        username: String::new(),
        problem: None,
    };
    html_response(visit.locale, StatusCode::OK, page.render())
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    setup_code: String,
}

/// Creates the account and logs it in.
pub async fn register(
    State(app): State<App>,
    visit: Visit,
    ClientIp(client): ClientIp,
    form: Result<Form<RegisterForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let registration = Registration {
        username: form.username.clone(),
        password: Password::new(form.password.clone()),
        email: Some(form.email).filter(|e| !e.trim().is_empty()),
        setup_code: Some(form.setup_code).filter(|c| !c.trim().is_empty()),
    };
    match app.register(registration, Registrant::Client(client)).await {
        Ok(account) => {
            let password = Password::new(form.password);
            let session = app
                .log_in(&account.username, &password, client)
                .await
                .or_page(&visit)?;
            let mut headers = session_headers(&app, Some(&session));
            headers.insert(header::LOCATION, HeaderValue::from_static("/"));
            Ok((StatusCode::SEE_OTHER, headers).into_response())
        }
        Err(error @ ServiceError::Internal(_)) => Err(WebError::new(&visit, error)),
        Err(error) => {
            let refusal = Refusal::of(visit.locale, &error);
            let (status, problem) = (refusal.status, refusal.sentence());
            let chrome = visit.chrome(visit.locale.t("register-title"));
            let page = RegisterPage {
                chrome: &chrome,
                username: form.username,
                problem: Some(problem),
            };
            Ok(html_response(visit.locale, status, page.render()))
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn log_out(
    State(app): State<App>,
    visit: Visit,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    check_csrf(&visit, &form.csrf)?;
    if let Some(auth) = &visit.auth {
        app.log_out(auth).await.or_page(&visit)?;
    }
    let cookie = session_cookie_header(None, 0, app.config().secure_cookies());
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, value);
    }
    Ok((headers, Redirect::to("/")).into_response())
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
    #[serde(default, rename = "return")]
    back: String,
}

/// Remembers the interface language in a cookie and goes back.
pub async fn language(
    State(app): State<App>,
    visit: Visit,
    form: Result<Form<LanguageForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let locale = Locale::parse(&form.lang)
        .ok_or_else(|| WebError::coded(&visit, ErrorCode::InvalidInput, "lang is fr or en"))?;
    // A logged-in visitor's own form also remembers it in the account.
    if let Some(actor) = visit.actor()
        && check_csrf(&visit, &form.csrf).is_ok()
    {
        app.set_language(actor, Some(locale.code()))
            .await
            .or_page(&visit)?;
    }
    let cookie = format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.code()
    );
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, value);
    }
    // `?uselang=` in the return path would override the choice just made.
    let back = strip_uselang(&local_path(Some(&form.back)));
    Ok((headers, Redirect::to(&back)).into_response())
}

fn strip_uselang(path: &str) -> String {
    let Some((path, query)) = path.split_once('?') else {
        return path.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.starts_with("uselang="))
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::strip_uselang;

    #[test]
    fn the_switch_forgets_uselang() {
        assert_eq!(strip_uselang("/wiki/main/A?uselang=en"), "/wiki/main/A");
        assert_eq!(
            strip_uselang("/search?q=x&uselang=en&page=2"),
            "/search?q=x&page=2"
        );
        assert_eq!(strip_uselang("/"), "/");
    }
}
