//! Mass rollback for stewards, in the browser: pick a member and a moment,
//! see the dry run (each page with its diff, the conflicts left alone, the
//! pending edits that would be rejected), then confirm.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::chrome::{Chrome, Visit};
use super::edit::check_csrf;
use super::errors::{OrPage, Refusal, WebError};
use super::html_response;
use crate::model::ErrorCode;
use crate::service::{App, RollbackRequest, RollbackView};

#[derive(Deserialize, Default)]
pub struct RollbackForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user: String,
    /// `YYYY-MM-DDTHH:MM` (a `datetime-local` field), in UTC.
    #[serde(default)]
    since: String,
    #[serde(default)]
    reason: String,
    /// `preview` (the dry run) or `apply`.
    #[serde(default)]
    step: String,
}

#[derive(Template)]
#[template(path = "rollback.html")]
struct RollbackPage<'a> {
    chrome: &'a Chrome,
    slug: String,
    form: RollbackForm,
    result: Option<RollbackView>,
    applied: bool,
    problem: Option<String>,
}

fn render(
    visit: &Visit,
    space: &str,
    form: RollbackForm,
    result: Option<RollbackView>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let chrome = visit.chrome(visit.locale.t("rollback-title"));
    let page = RollbackPage {
        chrome: &chrome,
        slug: space.to_owned(),
        applied: result.as_ref().is_some_and(|r| r.applied),
        form,
        result,
        problem,
    };
    Ok(html_response(visit.locale, status, page.render()))
}

/// `/spaces/{space}/rollback`: the form.
pub async fn form(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
) -> Result<Response, WebError> {
    if visit.auth.is_none() {
        return Ok(Redirect::to(&visit.chrome("").login_url()).into_response());
    }
    // A space the visitor may not see answers as missing, as everywhere.
    app.get_space(visit.actor(), &space).or_page(&visit)?;
    render(
        &visit,
        &space,
        RollbackForm::default(),
        None,
        None,
        StatusCode::OK,
    )
}

/// `POST /spaces/{space}/rollback`: the dry run, then the rollback.
pub async fn submit(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
    form: Result<Form<RollbackForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let actor = check_csrf(&visit, &form.csrf)?;
    let since = form.since.trim();
    // A browser's datetime-local has no zone nor seconds: read it as UTC.
    let since = match since.len() {
        16 => format!("{since}:00Z"),
        19 => format!("{since}Z"),
        _ => since.to_owned(),
    };
    let request = RollbackRequest {
        user: form.user.trim().to_owned(),
        since,
        dry_run: form.step != "apply",
        reason: Some(form.reason.trim().to_owned()).filter(|r| !r.is_empty()),
    };
    match app.mass_rollback(actor, &space, request).await {
        Ok(result) => render(&visit, &space, form, Some(result), None, StatusCode::OK),
        Err(error) => {
            let (problem, status) = Refusal::shown(&visit, error)?;
            render(&visit, &space, form, None, Some(problem), status)
        }
    }
}
