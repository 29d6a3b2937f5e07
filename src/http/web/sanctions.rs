//! The public record of a space's sanctions: who, which step in words,
//! why, by whom, from when until when, whether in force, lifted or
//! appealed; newest first, a page at a time.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::charter_words::step_words;
use super::chrome::{Chrome, Visit, encode_query};
use super::errors::{OrPage, WebError};
use super::html_response;
use crate::governance::charter::Step;
use crate::i18n::{Arg, Locale};
use crate::service::{App, ListRequest, SanctionView};

/// Sanctions shown per page.
const PER_PAGE: usize = 50;

/// One sanction, with its step in words.
pub struct Row {
    pub sanction: SanctionView,
    pub step: String,
}

fn row(locale: Locale, sanction: SanctionView) -> Row {
    let step = Step::parse(&sanction.step)
        .map_or_else(|| sanction.step.clone(), |step| step_words(locale, &step));
    Row { sanction, step }
}

#[derive(Template)]
#[template(path = "sanctions.html")]
struct RecordPage<'a> {
    chrome: &'a Chrome,
    slug: String,
    rows: Vec<Row>,
    /// The next, older page.
    older: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct RecordParams {
    cursor: Option<String>,
}

/// `/spaces/{space}/sanctions`: the record, newest first.
pub async fn record(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
    Query(params): Query<RecordParams>,
) -> Result<Response, WebError> {
    let list = ListRequest::new(params.cursor.as_deref(), Some(PER_PAGE)).or_page(&visit)?;
    let listing = app
        .list_sanctions(visit.actor(), &space, None, list)
        .or_page(&visit)?;
    let older = listing
        .next_cursor
        .map(|cursor| format!("/spaces/{space}/sanctions?cursor={}", encode_query(&cursor)));
    let rows = listing
        .items
        .into_iter()
        .map(|sanction| row(visit.locale, sanction))
        .collect();
    let title = app.get_space(visit.actor(), &space).or_page(&visit)?.title;
    let chrome = visit.chrome(
        visit
            .locale
            .t_with("sanctions-title", &[("space", Arg::Text(&title))]),
    );
    let page = RecordPage {
        chrome: &chrome,
        slug: space,
        rows,
        older,
    };
    Ok(html_response(visit.locale, StatusCode::OK, page.render()))
}
