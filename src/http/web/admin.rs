//! The instance administrators' page: the powers the configuration grants
//! them (`--admin-powers`), each used through a form that asks for a reason;
//! every use lands in the space's governance log.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::chrome::{Chrome, Visit};
use super::edit::check_csrf;
use super::errors::{OrPage, Refusal, WebError};
use super::html_response;
use crate::config::AdminPower;
use crate::model::ErrorCode;
use crate::service::{App, ServiceError};

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage<'a> {
    chrome: &'a Chrome,
    /// (name, in words) of each power granted.
    powers: Vec<(String, String)>,
    takedown: bool,
    restore: bool,
    message: Option<String>,
    problem: Option<String>,
}

fn render(
    app: &App,
    visit: &Visit,
    message: Option<String>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let Some(actor) = visit.actor() else {
        return Ok(Redirect::to(&visit.chrome("").login_url()).into_response());
    };
    let granted = app.admin_powers(actor).or_page(visit)?;
    let powers = granted
        .iter()
        .map(|power| {
            let name = power.name().to_owned();
            let words = visit.locale.t(&format!("admin-power-{name}"));
            (name, words)
        })
        .collect();
    let chrome = visit.chrome(visit.locale.t("admin-title"));
    let page = AdminPage {
        chrome: &chrome,
        powers,
        takedown: granted.contains(&AdminPower::Takedown),
        restore: granted.contains(&AdminPower::RestoreStewardship),
        message,
        problem,
    };
    Ok(html_response(visit.locale, status, page.render()))
}

/// `/admin`: the powers granted, and their forms.
pub async fn page(State(app): State<App>, visit: Visit) -> Result<Response, WebError> {
    render(&app, &visit, None, None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct PowerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    power: String,
    #[serde(default)]
    space: String,
    #[serde(default)]
    revision: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    reason: String,
}

/// `POST /admin`: uses one power, with its reason.
pub async fn use_power(
    State(app): State<App>,
    visit: Visit,
    form: Result<Form<PowerForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let actor = check_csrf(&visit, &form.csrf)?;
    let locale = visit.locale;
    let space = form.space.trim();
    let outcome = match form.power.as_str() {
        "takedown" => match form.revision.trim().parse() {
            Ok(revision) => app
                .take_down(actor, space, revision, &form.reason)
                .await
                .map(|revisions| locale.t_count("admin-taken-down", revisions.len() as i64)),
            Err(_) => Err(ServiceError::InvalidInput(
                "revision is a number".to_owned(),
            )),
        },
        "restore-stewardship" => app
            .restore_steward(actor, space, form.user.trim(), &form.reason)
            .await
            .map(|member| {
                locale.t_with(
                    "admin-restored",
                    &[("user", crate::i18n::Arg::Text(&member.user))],
                )
            }),
        _ => Err(ServiceError::InvalidInput(
            "power is takedown or restore-stewardship".to_owned(),
        )),
    };
    match outcome {
        Ok(message) => render(&app, &visit, Some(message), None, StatusCode::OK),
        Err(error) => {
            let (problem, status) = Refusal::shown(&visit, error)?;
            render(&app, &visit, None, Some(problem), status)
        }
    }
}
