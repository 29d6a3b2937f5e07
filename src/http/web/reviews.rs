//! The review queue in the browser: each pending revision with its diff
//! inline, its author's standing, the approvals it has and needs, and a form
//! to approve or reject it with a comment (keys with JavaScript: `j`/`k`
//! move between revisions, `a` approves, `r` goes to the comment to reject).
//! Members who may not review report a revision from there. Refusals
//! (self-approval, conflict of interest) are said in words.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::charter_words::standing_name;
use super::chrome::{Chrome, Visit, page_url};
use super::edit::check_csrf;
use super::errors::{OrPage, Refusal, WebError};
use super::html_response;
use crate::diff::ReadableHunk;
use crate::governance::SpaceAction;
use crate::model::{ErrorCode, RevisionState};
use crate::service::{App, DecisionKind, ListRequest, ReviewDecision, ReviewItemView};

/// One pending revision as the queue shows it.
pub struct QueueItem {
    pub item: ReviewItemView,
    pub url: String,
    /// The author's standing here, in words (empty if no longer a member).
    pub standing: String,
    pub hunks: Vec<ReadableHunk>,
    /// Written by the visitor: shown, but theirs to wait on.
    pub own: bool,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct QueuePage<'a> {
    chrome: &'a Chrome,
    slug: String,
    items: Vec<QueueItem>,
    /// The visitor may approve and reject others' revisions here.
    may_review: bool,
    /// The standing reviewing takes, in words.
    review_min: String,
    inline: bool,
    message: Option<String>,
    problem: Option<String>,
}

/// `/spaces/{space}/reviews`: what waits for review, oldest first.
pub async fn queue(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
) -> Result<Response, WebError> {
    render_queue(&app, &visit, &space, None, None, StatusCode::OK).await
}

async fn render_queue(
    app: &App,
    visit: &Visit,
    space: &str,
    message: Option<String>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let viewer = visit.actor();
    let list = ListRequest::new(None, Some(50)).or_page(visit)?;
    let queue = app.review_queue(viewer, space, list).await.or_page(visit)?;
    let mut items = Vec::with_capacity(queue.items.len());
    for item in queue.items {
        let diff = app
            .page_diff(viewer, space, &item.slug, None, Some(item.revision))
            .await
            .or_page(visit)?;
        let hunks = app.readable_diff(diff.hunks).await.or_page(visit)?;
        let standing = app
            .member_detail(viewer, space, &item.author)
            .map(|member| standing_name(visit.locale, member.standing))
            .unwrap_or_default();
        items.push(QueueItem {
            url: page_url(space, &item.slug),
            own: viewer.is_some_and(|actor| actor.username.eq_ignore_ascii_case(&item.author)),
            standing,
            hunks,
            item,
        });
    }
    let detail = app.get_space(viewer, space).or_page(visit)?;
    let may_review = detail
        .actions
        .get(&SpaceAction::Review)
        .is_some_and(|view| view.decision != DecisionKind::Deny);
    let review_min = detail.charter["edit"]["review_min"]
        .as_str()
        .map(|standing| visit.locale.t(&format!("standing-{standing}")))
        .unwrap_or_default();
    let chrome = visit.chrome(visit.locale.t_with(
        "reviews-title",
        &[("space", crate::i18n::Arg::Text(&detail.title))],
    ));
    let page = QueuePage {
        chrome: &chrome,
        slug: space.to_owned(),
        items,
        may_review,
        review_min,
        inline: true,
        message,
        problem,
    };
    Ok(html_response(visit.locale, status, page.render()))
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    revision: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    comment: String,
}

/// `POST /spaces/{space}/reviews`: approve or reject one revision.
pub async fn review(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
    form: Result<Form<ReviewForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let actor = check_csrf(&visit, &form.csrf)?;
    let revision: u64 =
        form.revision.trim().parse().map_err(|_| {
            WebError::coded(&visit, ErrorCode::InvalidInput, "revision is a number")
        })?;
    let locale = visit.locale;
    if form.decision == "report" {
        let reported = app
            .report(actor, &space, None, Some(revision), form.comment.trim())
            .await;
        return match reported {
            Ok(_) => {
                let message = Some(locale.t("member-reported"));
                render_queue(&app, &visit, &space, message, None, StatusCode::OK).await
            }
            Err(error) => {
                let (problem, status) = Refusal::shown(&visit, error)?;
                render_queue(&app, &visit, &space, None, Some(problem), status).await
            }
        };
    }
    let decision = match form.decision.as_str() {
        "approve" => ReviewDecision::Approve,
        "reject" => ReviewDecision::Reject,
        _ => {
            return Err(WebError::coded(
                &visit,
                ErrorCode::InvalidInput,
                "decision is approve, reject or report",
            ));
        }
    };
    let comment = Some(form.comment).filter(|c| !c.trim().is_empty());
    match app.review(actor, &space, revision, decision, comment).await {
        Ok(outcome) => {
            let message = match outcome.state {
                RevisionState::Published => locale.t("reviews-published"),
                RevisionState::Rejected => locale.t("reviews-rejected"),
                _ => locale.t_with(
                    "reviews-approved",
                    &[
                        ("n", crate::i18n::Arg::Count(i64::from(outcome.approvals))),
                        (
                            "required",
                            crate::i18n::Arg::Count(i64::from(outcome.approvals_required)),
                        ),
                    ],
                ),
            };
            render_queue(&app, &visit, &space, Some(message), None, StatusCode::OK).await
        }
        Err(error) => {
            let (problem, status) = Refusal::shown(&visit, error)?;
            render_queue(&app, &visit, &space, None, Some(problem), status).await
        }
    }
}
