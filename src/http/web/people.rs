//! People: recent changes (with filters; a user's contributions are the
//! changes filtered by them) and `/me`, the visitor's own page: interface
//! language, notifications, watchlist, API tokens, password.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::chrome::{Chrome, Visit, encode_query, page_url};
use super::edit::check_csrf;
use super::errors::{OrPage, Refusal, WebError};
use super::html_response;
use crate::auth::Password;
use crate::http::api::accounts::session_headers;
use crate::http::extract::ClientIp;
use crate::model::{ErrorCode, EventKind, RevisionState};
use crate::service::{
    ApiTokenView, App, ChangeView, ChangesQuery, ListRequest, NotificationView, ServiceError,
    WatchView,
};

/// The message id of an event's kind: `event-edit`, `event-review-approve`.
pub fn event_message(kind: EventKind) -> String {
    let name = serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    format!("event-{}", name.replace('_', "-"))
}

pub struct ChangeRow {
    pub change: ChangeView,
    pub url: String,
    pub kind: String,
    pub pending: bool,
}

#[derive(Template)]
#[template(path = "changes.html")]
struct ChangesPage<'a> {
    chrome: &'a Chrome,
    rows: Vec<ChangeRow>,
    space: String,
    user: String,
    state: String,
    next: Option<String>,
    feed: String,
}

#[derive(Deserialize, Default)]
pub struct ChangesParams {
    space: Option<String>,
    user: Option<String>,
    state: Option<String>,
    cursor: Option<String>,
}

/// `/changes?space=&user=&state=`: what changed, newest first.
pub async fn changes(
    State(app): State<App>,
    visit: Visit,
    Query(params): Query<ChangesParams>,
) -> Result<Response, WebError> {
    let filled = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let state = match filled(&params.state).as_deref() {
        None => None,
        Some("published") => Some(RevisionState::Published),
        Some("pending") => Some(RevisionState::Pending),
        Some("rejected") => Some(RevisionState::Rejected),
        Some(_) => {
            return Err(WebError::coded(
                &visit,
                ErrorCode::InvalidInput,
                "state is published, pending or rejected",
            ));
        }
    };
    let listing = app
        .recent_changes(
            visit.actor(),
            &ChangesQuery {
                space: filled(&params.space),
                user: filled(&params.user),
                state,
                since: None,
                cursor: params.cursor.clone(),
                limit: Some(50),
            },
        )
        .or_page(&visit)?;
    let rows = listing
        .items
        .into_iter()
        .map(|change| ChangeRow {
            url: page_url(&change.space, &change.slug),
            kind: visit.locale.t(&event_message(change.kind)),
            pending: change.state == Some(RevisionState::Pending),
            change,
        })
        .collect();
    let (space, user, state) = (
        params.space.unwrap_or_default(),
        params.user.unwrap_or_default(),
        params.state.unwrap_or_default(),
    );
    let next = listing.next_cursor.map(|cursor| {
        format!(
            "/changes?space={}&user={}&state={}&cursor={}",
            encode_query(&space),
            encode_query(&user),
            encode_query(&state),
            encode_query(&cursor)
        )
    });
    let feed = if space.is_empty() {
        "/feeds/changes.atom".to_owned()
    } else {
        format!("/feeds/changes.atom?space={}", encode_query(&space))
    };
    let title = if user.is_empty() {
        visit.locale.t("changes-title")
    } else {
        visit.locale.t_with(
            "contributions-title",
            &[("user", crate::i18n::Arg::Text(&user))],
        )
    };
    let chrome = visit.chrome(title);
    let page = ChangesPage {
        chrome: &chrome,
        rows,
        space,
        user,
        state,
        next,
        feed,
    };
    Ok(html_response(visit.locale, StatusCode::OK, page.render()))
}

/// Where a notification's reader can act: the proposal to vote on, the
/// sanction to appeal (their standing page), the revision to review, else
/// the page it concerns.
fn action_url(notification: &NotificationView, me: &str) -> Option<String> {
    let space = notification.space.as_deref()?;
    let target = notification.target.as_deref().unwrap_or_default();
    if target.starts_with("sanction:") {
        return Some(super::spaces::member_url(space, me));
    }
    let to_page = matches!(
        notification.kind,
        EventKind::ReviewApprove | EventKind::ReviewReject | EventKind::Publish
    ) || target.starts_with("dispute:");
    match (&notification.slug, to_page) {
        (Some(slug), true) => Some(page_url(space, slug)),
        _ => super::health::target_link(space, target)
            .or_else(|| notification.slug.as_ref().map(|slug| page_url(space, slug))),
    }
}

/// The words of a notification's link: the page's title, else what waits
/// there (the vote, the review, the member's standing).
fn action_label(locale: crate::i18n::Locale, notification: &NotificationView) -> String {
    if let Some(slug) = &notification.slug {
        return slug.replace('_', " ");
    }
    let space = notification.space.as_deref().unwrap_or_default();
    let target = notification.target.as_deref().unwrap_or_default();
    let id = match target.split_once(':').map(|(kind, _)| kind) {
        Some("proposal") => "me-go-proposal",
        Some("revision") => "me-go-review",
        _ => "me-go-standing",
    };
    locale.t_with(id, &[("space", crate::i18n::Arg::Text(space))])
}

pub struct NotificationRow {
    pub notification: NotificationView,
    pub url: Option<String>,
    /// What the link leads to, in words.
    pub label: String,
    pub kind: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "me.html")]
struct MePage<'a> {
    chrome: &'a Chrome,
    memberships: Vec<(String, String)>,
    /// An administrator: a link to the powers granted.
    admin: bool,
    language: String,
    notifications: Vec<NotificationRow>,
    watchlist: Vec<(WatchView, String)>,
    tokens: Vec<ApiTokenView>,
    /// A token just created: shown once.
    new_token: Option<String>,
    message: Option<String>,
    problem: Option<String>,
}

/// `/me`: the visitor's own page. Seeing it marks the notifications shown
/// as seen.
pub async fn me(State(app): State<App>, visit: Visit) -> Result<Response, WebError> {
    render_me(&app, &visit, None, None, None, StatusCode::OK).await
}

async fn render_me(
    app: &App,
    visit: &Visit,
    new_token: Option<String>,
    message: Option<String>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let Some(auth) = &visit.auth else {
        return Ok(Redirect::to(&visit.chrome("").login_url()).into_response());
    };
    let actor = &auth.actor;
    let me = app.me(auth).or_page(visit)?;
    let preferences = &visit.preferences;
    let seen_before = preferences.notifications_seen;
    let notifications: Vec<NotificationRow> = app
        .notifications(actor, None, Some(50))
        .or_page(visit)?
        .items
        .into_iter()
        .map(|notification| NotificationRow {
            url: action_url(&notification, &actor.username),
            label: action_label(visit.locale, &notification),
            kind: visit.locale.t(&event_message(notification.kind)),
            unread: notification.seq > seen_before,
            notification,
        })
        .collect();
    if let Some(newest) = notifications.first() {
        app.mark_notifications_seen(actor, newest.notification.seq)
            .await
            .or_page(visit)?;
    }
    let watchlist = app
        .watchlist(actor, ListRequest::new(None, Some(500)).or_page(visit)?)
        .or_page(visit)?
        .items
        .into_iter()
        .map(|watch| {
            let url = page_url(&watch.space, &watch.slug);
            (watch, url)
        })
        .collect();
    let tokens = app
        .api_tokens(actor, ListRequest::new(None, Some(500)).or_page(visit)?)
        .or_page(visit)?
        .items;
    let memberships = me
        .memberships
        .iter()
        .map(|m| {
            let standing = serde_json::to_value(m.standing)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            (
                m.space.clone(),
                visit.locale.t(&format!("standing-{standing}")),
            )
        })
        .collect();
    // The header counts what was unread before this page showed it.
    let mut frame = visit.chrome(visit.locale.t("me-title"));
    frame.unread = 0;
    let page = MePage {
        chrome: &frame,
        memberships,
        admin: actor.is_admin,
        language: preferences.language.clone().unwrap_or_default(),
        notifications,
        watchlist,
        tokens,
        new_token,
        message,
        problem,
    };
    Ok(html_response(visit.locale, status, page.render()))
}

#[derive(Deserialize)]
pub struct MeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    expires_at: String,
}

/// The forms of `/me`.
pub async fn me_submit(
    State(app): State<App>,
    visit: Visit,
    ClientIp(client): ClientIp,
    form: Result<Form<MeForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    check_csrf(&visit, &form.csrf)?;
    let Some(auth) = &visit.auth else {
        return Err(WebError::new(&visit, ServiceError::Unauthenticated));
    };
    let actor = &auth.actor;
    let outcome = match form.action.as_str() {
        "language" => {
            let language = Some(form.language.as_str()).filter(|l| !l.is_empty());
            match app.set_language(actor, language).await {
                Ok(()) => return Ok(Redirect::to("/me").into_response()),
                Err(error) => Err(error),
            }
        }
        "password" => {
            let (current, new) = (
                Password::new(form.current_password),
                Password::new(form.new_password),
            );
            match app.change_password(auth, &current, &new, client).await {
                Ok(session) => {
                    // The other sessions ended; this browser gets the new one.
                    let headers = session_headers(&app, Some(&session));
                    return Ok((headers, Redirect::to("/me")).into_response());
                }
                Err(error) => Err(error),
            }
        }
        "token" => {
            let expires = Some(form.expires_at.as_str()).filter(|e| !e.trim().is_empty());
            match app.create_api_token(actor, &form.name, expires).await {
                Ok(token) => {
                    return render_me(
                        &app,
                        &visit,
                        Some(token.token),
                        None,
                        None,
                        StatusCode::CREATED,
                    )
                    .await;
                }
                Err(error) => Err(error),
            }
        }
        "revoke" => app.revoke_api_token(actor, &form.name).await.map(|()| {
            visit.locale.t_with(
                "me-token-revoked",
                &[("name", crate::i18n::Arg::Text(&form.name))],
            )
        }),
        "everywhere" => {
            app.log_out_everywhere(auth).await.or_page(&visit)?;
            // This session ended with the others.
            let headers = session_headers(&app, None);
            return Ok((headers, Redirect::to("/")).into_response());
        }
        _ => Err(ServiceError::InvalidInput(
            "action is language, password, token, revoke or everywhere".to_owned(),
        )),
    };
    match outcome {
        Ok(message) => render_me(&app, &visit, None, Some(message), None, StatusCode::OK).await,
        Err(error @ ServiceError::Internal(_)) => Err(WebError::new(&visit, error)),
        Err(error) => {
            let refusal = Refusal::of(visit.locale, &error);
            let problem = Some(refusal.sentence());
            render_me(&app, &visit, None, None, problem, refusal.status).await
        }
    }
}
