//! Editing: the edit form (with preview and "show changes" that work
//! without JavaScript), saving, and the conflict screen. An edit is never
//! lost: a stale base is merged by the service, and an overlapping change
//! shows the visitor's text again beside the current one.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::chrome::{Chrome, Visit, page_url};
use super::errors::{OrPage, Refusal, WebError};
use super::html_response;
use super::read::edit_label;
use crate::diff::ReadableHunk;
use crate::governance::{PageAction, SpaceAction};
use crate::http::extract::ClientIp;
use crate::model::{ErrorCode, RevisionId};
use crate::render::Html;
use crate::service::{ActionView, App, DecisionKind, EditRequest, ServiceError, WriteStatus};

/// What the edit form holds, kept across previews and failed saves.
struct Draft {
    markdown: String,
    summary: String,
    base: Option<RevisionId>,
}

#[derive(Template)]
#[template(path = "edit.html")]
struct EditPage<'a> {
    chrome: &'a Chrome,
    url: String,
    title: String,
    draft: Draft,
    /// Set when the edit will wait for review, with the reason.
    queued: Option<String>,
    /// The refusal of a save, in the visitor's language.
    problem: Option<Refusal>,
    preview: Option<Html>,
    changes: Option<Vec<ReadableHunk>>,
    creating: bool,
}

/// `?action=edit`: the form, with the page's current text (or empty, for
/// a page to create).
pub async fn form(app: &App, visit: &Visit, space: &str, slug: &str) -> Result<Response, WebError> {
    let Some(actor) = visit.actor() else {
        return Ok(Redirect::to(&visit.chrome("").login_url()).into_response());
    };
    let (draft, title, action, creating) = match app.read_page(Some(actor), space, slug).await {
        Ok(page) => (
            Draft {
                markdown: page.markdown,
                summary: String::new(),
                base: Some(page.revision.id),
            },
            page.title,
            page.actions.get(&PageAction::Edit).cloned(),
            false,
        ),
        Err(ServiceError::NotFound(_)) => {
            let detail = app.get_space(Some(actor), space).or_page(visit)?;
            (
                Draft {
                    markdown: String::new(),
                    summary: String::new(),
                    base: None,
                },
                slug.replace('_', " "),
                detail.actions.get(&SpaceAction::CreatePage).cloned(),
                true,
            )
        }
        Err(ServiceError::Deleted { revision }) => (
            Draft {
                markdown: String::new(),
                summary: String::new(),
                base: Some(revision),
            },
            slug.replace('_', " "),
            None,
            true,
        ),
        Err(error) => return Err(WebError::new(visit, error)),
    };
    let queued = refuse_or_queue(visit, action.as_ref())?;
    let chrome = visit.chrome(title.clone());
    let page = EditPage {
        chrome: &chrome,
        url: page_url(space, slug),
        title,
        draft,
        queued,
        problem: None,
        preview: None,
        changes: None,
        creating,
    };
    Ok(html_response(visit.locale, StatusCode::OK, page.render()))
}

/// A denied edit is an error page with the rule; a queued one is said on
/// the form. (No answer means the engine was not asked: a deleted page,
/// which anyone who may edit may recreate; saving decides.)
fn refuse_or_queue(visit: &Visit, action: Option<&ActionView>) -> Result<Option<String>, WebError> {
    match action {
        Some(view) if view.decision == DecisionKind::Deny => Err(WebError::coded(
            visit,
            view.code.unwrap_or(ErrorCode::Forbidden),
            view.rule.clone().unwrap_or_default(),
        )),
        Some(view) if edit_label(Some(view)) == Some("tab-propose") => {
            Ok(Some(view.rule.clone().unwrap_or_default()))
        }
        _ => Ok(None),
    }
}

/// Every form posted to a page: `action=edit` (with `do=save|preview|diff`).
#[derive(Deserialize)]
pub struct PageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default, rename = "do")]
    step: String,
    #[serde(default)]
    markdown: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    base: String,
    /// `move`: the new title.
    #[serde(default)]
    to: String,
    /// `revert`: the revision to restore.
    #[serde(default)]
    revision: String,
}

pub async fn submit(
    State(app): State<App>,
    visit: Visit,
    ClientIp(client): ClientIp,
    Path((space, slug)): Path<(String, String)>,
    form: Result<Form<PageForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) = form.map_err(|rejection| {
        WebError::coded(&visit, ErrorCode::InvalidInput, rejection.body_text())
    })?;
    check_csrf(&visit, &form.csrf)?;
    match form.action.as_str() {
        "edit" | "" => edit(&app, &visit, client, &space, &slug, form).await,
        "watch" | "unwatch" => {
            let actor = signed_in(&visit)?;
            app.watch(actor, &space, &slug, form.action == "watch")
                .await
                .or_page(&visit)?;
            Ok(Redirect::to(&page_url(&space, &slug)).into_response())
        }
        "delete" | "move" | "revert" => change(&app, &visit, &space, &slug, form).await,
        "dispute" => {
            let actor = signed_in(&visit)?;
            app.open_dispute(actor, &space, &slug, form.summary.trim())
                .await
                .or_page(&visit)?;
            Ok(Redirect::to(&page_url(&space, &slug)).into_response())
        }
        _ => Err(WebError::coded(
            &visit,
            ErrorCode::InvalidInput,
            "action is edit, watch, unwatch, delete, move, revert or dispute",
        )),
    }
}

fn signed_in(visit: &Visit) -> Result<&crate::service::Actor, WebError> {
    visit
        .actor()
        .ok_or_else(|| WebError::new(visit, ServiceError::Unauthenticated))
}

fn revision_field(visit: &Visit, name: &str, text: &str) -> Result<Option<RevisionId>, WebError> {
    match text.trim() {
        "" => Ok(None),
        text => text.parse::<RevisionId>().map(Some).map_err(|_| {
            WebError::coded(
                visit,
                ErrorCode::InvalidInput,
                format!("{name} is a revision number"),
            )
        }),
    }
}

/// Deleting, moving and reverting a page: the same service calls as the
/// API's; the outcome is the page (or where it went), or the queue notice.
async fn change(
    app: &App,
    visit: &Visit,
    space: &str,
    slug: &str,
    form: PageForm,
) -> Result<Response, WebError> {
    let actor = signed_in(visit)?;
    let summary = Some(form.summary).filter(|s| !s.trim().is_empty());
    let outcome = match form.action.as_str() {
        "delete" => {
            let base = revision_field(visit, "base", &form.base)?;
            app.delete_page(actor, space, slug, base, summary).await
        }
        "move" => app.move_page(actor, space, slug, &form.to, summary).await,
        _ => {
            let to = revision_field(visit, "revision", &form.revision)?.ok_or_else(|| {
                WebError::coded(visit, ErrorCode::InvalidInput, "revision is required")
            })?;
            app.revert_page(actor, space, slug, to, summary).await
        }
    };
    match outcome.or_page(visit)? {
        (WriteStatus::Queued, view) => queued(visit, &view.space, &view.slug),
        (_, view) => Ok(Redirect::to(&page_url(&view.space, &view.slug)).into_response()),
    }
}

/// A form that changes something must come from a logged-in visitor's own
/// page: it carries the session's CSRF token. Returns who sent it.
pub fn check_csrf<'v>(visit: &'v Visit, sent: &str) -> Result<&'v crate::service::Actor, WebError> {
    let Some(auth) = &visit.auth else {
        return Err(WebError::new(visit, ServiceError::Unauthenticated));
    };
    match auth.csrf_token.as_deref() {
        Some(expected) if !sent.is_empty() && crate::auth::token::same_secret(expected, sent) => {
            Ok(&auth.actor)
        }
        _ => Err(WebError::coded(
            visit,
            ErrorCode::Forbidden,
            "the form is out of date or was not sent from this site: reload the page and try again",
        )),
    }
}

async fn edit(
    app: &App,
    visit: &Visit,
    client: std::net::IpAddr,
    space: &str,
    slug: &str,
    form: PageForm,
) -> Result<Response, WebError> {
    let actor = signed_in(visit)?;
    let base = revision_field(visit, "base", &form.base)?;
    // Browsers send CRLF line ends from a textarea; pages keep LF.
    let draft = Draft {
        markdown: form.markdown.replace("\r\n", "\n"),
        summary: form.summary,
        base,
    };
    let chrome = visit.chrome(slug.replace('_', " "));
    let mut page = EditPage {
        chrome: &chrome,
        url: page_url(space, slug),
        title: slug.replace('_', " "),
        queued: None,
        problem: None,
        preview: None,
        changes: None,
        creating: base.is_none(),
        draft,
    };
    let status = match form.step.as_str() {
        "preview" => {
            match app
                .preview(
                    Some(actor),
                    client,
                    page.draft.markdown.clone(),
                    Some(space),
                )
                .await
            {
                Ok(preview) => page.preview = Some(preview.html),
                Err(error) => page.problem = Some(Refusal::of(visit.locale, &error)),
            }
            StatusCode::OK
        }
        "diff" => {
            let old = match base {
                Some(id) => {
                    app.page_revision(Some(actor), space, slug, id)
                        .or_page(visit)?
                        .markdown
                }
                None => String::new(),
            };
            let hunks = app
                .diff_texts(old, page.draft.markdown.clone())
                .await
                .or_page(visit)?;
            page.changes = Some(app.readable_diff(hunks).await.or_page(visit)?);
            StatusCode::OK
        }
        _ => {
            let request = EditRequest {
                base,
                markdown: page.draft.markdown.clone(),
                summary: Some(page.draft.summary.clone()).filter(|s| !s.is_empty()),
            };
            match app.save_page(actor, space, slug, request).await {
                Ok((WriteStatus::Queued, view)) => {
                    return queued(visit, &view.space, &view.slug);
                }
                Ok((_, view)) => {
                    return Ok(Redirect::to(&page_url(&view.space, &view.slug)).into_response());
                }
                Err(ServiceError::EditConflict { head_revision, .. }) => {
                    return conflict_screen(app, visit, space, slug, page.draft, head_revision)
                        .await;
                }
                Err(error @ ServiceError::Internal(_)) => return Err(WebError::new(visit, error)),
                Err(error) => {
                    let refusal = Refusal::of(visit.locale, &error);
                    let status = refusal.status;
                    page.problem = Some(refusal);
                    status
                }
            }
        }
    };
    Ok(html_response(visit.locale, status, page.render()))
}

#[derive(Template)]
#[template(path = "conflict.html")]
struct Conflict<'a> {
    chrome: &'a Chrome,
    url: String,
    draft: Draft,
    current: String,
    changes: Vec<ReadableHunk>,
}

/// 409: someone changed the same lines meanwhile. The visitor's text is
/// kept in the form (now based on the current revision), with the current
/// text and the changes from it to theirs, to resolve and save again.
async fn conflict_screen(
    app: &App,
    visit: &Visit,
    space: &str,
    slug: &str,
    mut draft: Draft,
    head: RevisionId,
) -> Result<Response, WebError> {
    let current = app
        .page_revision(visit.actor(), space, slug, head)
        .or_page(visit)?
        .markdown;
    let hunks = app
        .diff_texts(current.clone(), draft.markdown.clone())
        .await
        .or_page(visit)?;
    let changes = app.readable_diff(hunks).await.or_page(visit)?;
    draft.base = Some(head);
    let chrome = visit.chrome(visit.locale.t("conflict-title"));
    let page = Conflict {
        chrome: &chrome,
        url: page_url(space, slug),
        draft,
        current,
        changes,
    };
    Ok(html_response(
        visit.locale,
        StatusCode::CONFLICT,
        page.render(),
    ))
}

#[derive(Template)]
#[template(path = "queued.html")]
struct Queued<'a> {
    chrome: &'a Chrome,
    url: String,
}

/// The edit waits for review: say so, and where it waits.
fn queued(visit: &Visit, space: &str, slug: &str) -> Result<Response, WebError> {
    let chrome = visit.chrome(visit.locale.t("queued-title"));
    let page = Queued {
        chrome: &chrome,
        url: page_url(space, slug),
    };
    Ok(html_response(
        visit.locale,
        StatusCode::ACCEPTED,
        page.render(),
    ))
}
