//! Reading: the home of the instance, a page, a page's information
//! (backlinks, dates), and what readers see of a missing or deleted page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::chrome::{Chrome, Visit, page_url};
use super::errors::{OrPage, WebError};
use super::{edit, history, html_response};
use crate::governance::{PageAction, SpaceAction};
use crate::i18n::Locale;
use crate::model::{ErrorCode, RevisionState};
use crate::service::{
    ActionView, App, ChangeView, ChangesQuery, DecisionKind, ListRequest, PageRefView, PageView,
    ServiceError, SpaceView,
};

/// The `main` space's home page, by the name French or English speakers
/// would give it; without one, `/` is a welcome page.
pub(super) const HOME_PAGES: [&str; 2] = ["Accueil", "Home"];
const MAIN_SPACE: &str = "main";

#[derive(Template)]
#[template(path = "home.html")]
struct Home<'a> {
    chrome: &'a Chrome,
    spaces: Vec<SpaceView>,
    changes: Vec<ChangeView>,
}

pub async fn home(State(app): State<App>, visit: Visit) -> Result<Response, WebError> {
    for slug in HOME_PAGES {
        if app.read_page(visit.actor(), MAIN_SPACE, slug).await.is_ok() {
            return Ok(Redirect::temporary(&page_url(MAIN_SPACE, slug)).into_response());
        }
    }
    let viewer = visit.actor();
    let spaces = app
        .list_spaces(viewer, ListRequest::new(None, Some(100)).or_page(&visit)?)
        .or_page(&visit)?
        .items;
    let changes = app
        .recent_changes(
            viewer,
            &ChangesQuery {
                limit: Some(15),
                ..ChangesQuery::default()
            },
        )
        .or_page(&visit)?
        .items;
    let chrome = visit.chrome(visit.locale.t("home-title"));
    let page = Home {
        chrome: &chrome,
        spaces,
        changes,
    };
    Ok(html_response(visit.locale, StatusCode::OK, page.render()))
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    pub action: Option<String>,
    pub cursor: Option<String>,
    /// A permalink: the page as it was at this revision.
    pub revision: Option<u64>,
}

/// `/wiki/{space}/{slug}`: the page, or with `?action=`, its edit form,
/// history or information.
pub async fn page(
    State(app): State<App>,
    visit: Visit,
    Path((space, slug)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    match query.action.as_deref() {
        None | Some("view") => match query.revision {
            Some(revision) => permalink(&app, &visit, &space, &slug, revision).await,
            None => view(&app, &visit, &space, &slug, &headers).await,
        },
        Some("edit") => edit::form(&app, &visit, &space, &slug).await,
        Some("history") => history::history(&app, &visit, &space, &slug, query.cursor).await,
        Some("info") => info(&app, &visit, &space, &slug).await,
        Some(_) => Err(WebError::coded(
            &visit,
            ErrorCode::InvalidInput,
            "action is view, edit, history or info",
        )),
    }
}

#[derive(Template)]
#[template(path = "page.html")]
struct PageTemplate<'a> {
    chrome: &'a Chrome,
    page: &'a PageView,
    tools: Tools,
    article_lang: &'a str,
    /// The text opens with its own `# Title`: it is the page's heading,
    /// and the frame does not repeat it.
    titled_by_text: bool,
    /// Shown through a permalink: an old revision, said so.
    permalink: bool,
}

impl<'a> PageTemplate<'a> {
    fn new(chrome: &'a Chrome, page: &'a PageView, tools: Tools, default_lang: &'a str) -> Self {
        PageTemplate {
            chrome,
            page,
            tools,
            article_lang: page.lang.as_deref().unwrap_or(default_lang),
            titled_by_text: page
                .toc
                .first()
                .is_some_and(|entry| entry.level == 1 && entry.text == page.title),
            permalink: false,
        }
    }
}

/// What the page's tools offer this viewer, from the service's answer.
pub struct Tools {
    pub url: String,
    pub edit: Option<&'static str>,
    pub talk_url: Option<String>,
    pub pending: bool,
    pub feed: String,
    /// Whether the visitor watches the page (`None`: not logged in).
    pub watching: Option<bool>,
    pub can_move: bool,
    pub can_delete: bool,
    pub can_revert: bool,
    /// The visitor may open a dispute (none is open).
    pub can_dispute: bool,
    /// The revision shown (a delete is based on it).
    pub revision: u64,
}

impl Tools {
    pub fn of(page: &PageView) -> Self {
        let may = |action| edit_label(page.actions.get(&action)).is_some();
        Tools {
            url: page_url(&page.space, &page.slug),
            edit: edit_label(page.actions.get(&PageAction::Edit)),
            talk_url: page.talk.as_ref().map(|talk| page_url(&page.space, talk)),
            pending: page.revision.state == RevisionState::Pending,
            feed: format!("/feeds/changes.atom?space={}", page.space),
            watching: None,
            can_move: may(PageAction::Move),
            can_delete: may(PageAction::Delete),
            can_revert: may(PageAction::Revert),
            can_dispute: page.dispute.is_none() && may(PageAction::Dispute),
            revision: page.revision.id,
        }
    }
}

impl Tools {
    /// The tools of `page` for `visit`: with the watch button when logged in.
    pub fn for_visit(app: &App, visit: &Visit, page: &PageView) -> Self {
        let mut tools = Tools::of(page);
        tools.watching = visit
            .actor()
            .map(|actor| app.watches(actor, &page.space, &page.slug).unwrap_or(false));
        tools
    }

    /// The tools of a page not read (its history, a diff): no edit tab.
    pub fn bare(space: &str, slug: &str) -> Self {
        Tools {
            url: page_url(space, slug),
            edit: None,
            talk_url: crate::model::PageSlug::parse(slug)
                .ok()
                .and_then(|s| s.talk())
                .map(|talk| page_url(space, &talk.to_string())),
            pending: false,
            feed: format!("/feeds/changes.atom?space={space}"),
            watching: None,
            can_move: false,
            can_delete: false,
            can_revert: false,
            can_dispute: false,
            revision: 0,
        }
    }
}

/// The edit tab's message: "edit", "propose a change" (reviewed) or none.
pub fn edit_label(action: Option<&ActionView>) -> Option<&'static str> {
    match action.map(|a| a.decision) {
        Some(DecisionKind::Allow) => Some("tab-edit"),
        Some(DecisionKind::Queue) => Some("tab-propose"),
        _ => None,
    }
}

async fn view(
    app: &App,
    visit: &Visit,
    space: &str,
    slug: &str,
    headers: &HeaderMap,
) -> Result<Response, WebError> {
    let format = match visit.locale {
        Locale::Fr => "html:fr",
        Locale::En => "html:en",
    };
    // An anonymous answer is kept and served to every anonymous reader:
    // it is made for the page's address, not for this request's query.
    let frame = Visit {
        auth: visit.auth.clone(),
        locale: visit.locale,
        here: page_url(space, slug),
        preferences: visit.preferences.clone(),
    };
    let default_lang = app.config().default_lang.code();
    let encode = |page: &PageView| {
        let chrome = frame.chrome(page.title.clone());
        PageTemplate::new(
            &chrome,
            page,
            Tools::for_visit(app, &frame, page),
            default_lang,
        )
        .render()
        .map(String::into_bytes)
        .map_err(|error| ServiceError::Internal(error.to_string()))
    };
    let answer = match app
        .page_answer(visit.actor(), space, slug, format, encode)
        .await
    {
        Ok(answer) => answer,
        Err(ServiceError::NotFound(_)) => return missing(app, visit, space, slug),
        Err(ServiceError::Deleted { revision }) => return deleted(visit, space, slug, revision),
        Err(error) => return Err(WebError::new(visit, error)),
    };
    let mut response_headers = HeaderMap::new();
    if let Ok(tag) = HeaderValue::from_str(&answer.etag) {
        response_headers.insert(header::ETAG, tag);
    }
    // Caches in front may keep an anonymous page, asking each time
    // whether it changed; the edge makes a logged-in one private.
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    let unchanged = crate::http::extract::not_modified(headers, &answer.etag);
    let status = if unchanged {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let body = if unchanged {
        axum::body::Body::empty()
    } else {
        axum::body::Body::from(axum::body::Bytes::from_owner(std::sync::Arc::clone(
            &answer.body,
        )))
    };
    let mut response = super::html_bytes_response(visit.locale, status, body);
    response.headers_mut().extend(response_headers);
    Ok(response)
}

/// `?revision=N`: the page as it was, rendered, with a notice and a way
/// to the current version.
async fn permalink(
    app: &App,
    visit: &Visit,
    space: &str,
    slug: &str,
    revision: u64,
) -> Result<Response, WebError> {
    let page = app
        .read_page_at(visit.actor(), space, slug, revision)
        .await
        .or_page(visit)?;
    let chrome = visit.chrome(page.title.clone());
    let mut template = PageTemplate::new(
        &chrome,
        &page,
        Tools::for_visit(app, visit, &page),
        app.config().default_lang.code(),
    );
    template.permalink = true;
    Ok(html_response(
        visit.locale,
        StatusCode::OK,
        template.render(),
    ))
}

#[derive(Template)]
#[template(path = "missing.html")]
struct Missing<'a> {
    chrome: &'a Chrome,
    space: &'a str,
    title: String,
    create: Option<&'static str>,
    edit_url: String,
    search_url: String,
}

/// 404: the page does not exist (yet). Whoever may create it is offered to.
fn missing(app: &App, visit: &Visit, space: &str, slug: &str) -> Result<Response, WebError> {
    let detail = app.get_space(visit.actor(), space).or_page(visit)?;
    let create = match visit.actor() {
        None => Some("missing-log-in-to-create"),
        Some(_) => {
            edit_label(detail.actions.get(&SpaceAction::CreatePage)).map(|_| "missing-create")
        }
    };
    let title = slug.replace('_', " ");
    let chrome = visit.chrome(title.clone());
    let page = Missing {
        chrome: &chrome,
        space,
        edit_url: format!("{}?action=edit", page_url(space, slug)),
        search_url: format!("/search?q={}", super::chrome::encode_query(&title)),
        title,
        create,
    };
    Ok(html_response(
        visit.locale,
        StatusCode::NOT_FOUND,
        page.render(),
    ))
}

#[derive(Template)]
#[template(path = "deleted.html")]
struct Deleted<'a> {
    chrome: &'a Chrome,
    history_url: String,
    revision: u64,
}

/// 410: the page was deleted; its history remains.
fn deleted(visit: &Visit, space: &str, slug: &str, revision: u64) -> Result<Response, WebError> {
    let chrome = visit.chrome(slug.replace('_', " "));
    let page = Deleted {
        chrome: &chrome,
        history_url: format!("{}?action=history", page_url(space, slug)),
        revision,
    };
    Ok(html_response(visit.locale, StatusCode::GONE, page.render()))
}

#[derive(Template)]
#[template(path = "info.html")]
struct Info<'a> {
    chrome: &'a Chrome,
    page: &'a PageView,
    tools: Tools,
    backlinks: Vec<PageRefView>,
    /// Who may edit the page, in words, from the charter.
    protection: String,
    /// Where to propose protecting the page (logged-in visitors).
    protect_url: Option<String>,
}

/// `?action=info`: what links here, and the page's dates.
async fn info(app: &App, visit: &Visit, space: &str, slug: &str) -> Result<Response, WebError> {
    let page = app
        .read_page(visit.actor(), space, slug)
        .await
        .or_page(visit)?;
    let backlinks = app
        .backlinks(visit.actor(), space, &page.slug, None, Some(200))
        .or_page(visit)?
        .items;
    let charter = app
        .charter_overview(visit.actor(), space)
        .or_page(visit)?
        .charter;
    let protection =
        super::charter_words::page_protection_words(visit.locale, &charter, &page.slug);
    let chrome = visit.chrome(visit.locale.t_with(
        "info-title",
        &[("title", crate::i18n::Arg::Text(&page.title))],
    ));
    let template = Info {
        chrome: &chrome,
        tools: Tools::for_visit(app, visit, &page),
        protect_url: visit.auth.as_ref().map(|_| {
            format!(
                "/spaces/{space}/proposals/new?protect={}",
                super::chrome::encode_query(&page.slug)
            )
        }),
        protection,
        page: &page,
        backlinks,
    };
    Ok(html_response(
        visit.locale,
        StatusCode::OK,
        template.render(),
    ))
}
