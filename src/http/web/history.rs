//! History and diffs: a page's revisions newest first, two radio columns
//! to compare any two, and the diff between them inline or side by side
//! with the changed words marked.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::chrome::{Chrome, Visit, encode_query, page_url};
use super::errors::{OrPage, WebError};
use super::html_response;
use crate::diff::ReadableHunk;
use crate::model::RevisionState;
use crate::service::{App, RevisionView};

/// One line of the history: a revision and how much it changed the size.
pub struct HistoryRow {
    pub revision: RevisionView,
    /// Bytes added (positive) or removed since the revision before it.
    pub delta: i64,
    pub pending: bool,
    pub rejected: bool,
}

#[derive(Template)]
#[template(path = "history.html")]
struct History<'a> {
    chrome: &'a Chrome,
    tools: super::read::Tools,
    rows: Vec<HistoryRow>,
    next: Option<String>,
    url: String,
}

pub async fn history(
    app: &App,
    visit: &Visit,
    space: &str,
    slug: &str,
    cursor: Option<String>,
) -> Result<Response, WebError> {
    let page = app.read_page(visit.actor(), space, slug).await;
    let listing = app
        .page_history(visit.actor(), space, slug, cursor.as_deref(), Some(50))
        .or_page(visit)?;
    // The size change needs the revision before each: the next one down
    // (the last of a page of history is compared with nothing known).
    let sizes: Vec<u64> = listing.items.iter().map(|r| r.bytes).collect();
    let rows = listing
        .items
        .into_iter()
        .enumerate()
        .map(|(i, revision)| {
            let before = sizes.get(i + 1).copied().unwrap_or(0);
            HistoryRow {
                delta: revision.bytes as i64 - before as i64,
                pending: revision.state == RevisionState::Pending,
                rejected: revision.state == RevisionState::Rejected,
                revision,
            }
        })
        .collect();
    let url = page_url(space, slug);
    let tools = match &page {
        Ok(page) => super::read::Tools::for_visit(app, visit, page),
        Err(_) => super::read::Tools::bare(space, slug),
    };
    let title = match &page {
        Ok(page) => page.title.clone(),
        Err(_) => slug.replace('_', " "),
    };
    let chrome = visit.chrome(visit.locale.t_with(
        "history-title",
        &[("title", crate::i18n::Arg::Text(&title))],
    ));
    let next = listing
        .next_cursor
        .map(|cursor| format!("{url}?action=history&cursor={}", encode_query(&cursor)));
    let template = History {
        chrome: &chrome,
        tools,
        rows,
        next,
        url,
    };
    Ok(html_response(
        visit.locale,
        StatusCode::OK,
        template.render(),
    ))
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: Option<u64>,
    to: Option<u64>,
    view: Option<String>,
}

#[derive(Template)]
#[template(path = "diff.html")]
struct DiffPage<'a> {
    chrome: &'a Chrome,
    tools: super::read::Tools,
    from: u64,
    to: u64,
    hunks: Vec<ReadableHunk>,
    inline: bool,
    inline_url: String,
    side_url: String,
}

/// `/wiki/{space}/{slug}/diff?from=&to=&view=inline|side`.
pub async fn diff(
    State(app): State<App>,
    visit: Visit,
    Path((space, slug)): Path<(String, String)>,
    Query(query): Query<DiffQuery>,
) -> Result<Response, WebError> {
    let view = app
        .page_diff(visit.actor(), &space, &slug, query.from, query.to)
        .await
        .or_page(&visit)?;
    let hunks = app.readable_diff(view.hunks).await.or_page(&visit)?;
    let tools = match app.read_page(visit.actor(), &space, &slug).await {
        Ok(page) => super::read::Tools::for_visit(&app, &visit, &page),
        Err(_) => super::read::Tools::bare(&space, &slug),
    };
    let url = page_url(&space, &slug);
    let base = format!("{url}/diff?from={}&to={}", view.from, view.to);
    let chrome = visit.chrome(visit.locale.t_with(
        "diff-title",
        &[("title", crate::i18n::Arg::Text(&slug.replace('_', " ")))],
    ));
    let page = DiffPage {
        chrome: &chrome,
        tools,
        from: view.from,
        to: view.to,
        hunks,
        inline: query.view.as_deref() == Some("inline"),
        inline_url: format!("{base}&view=inline"),
        side_url: format!("{base}&view=side"),
    };
    Ok(html_response(visit.locale, StatusCode::OK, page.render()))
}
