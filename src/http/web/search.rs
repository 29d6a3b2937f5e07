//! Searching: the results page (snippets with the matched words marked,
//! total, pages of results, filters), a jump to a page whose title is the
//! query, and suggestions while typing (JSON for the search box's script).

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::chrome::{Chrome, Visit, encode_query, page_url};
use super::errors::{OrPage, WebError};
use super::html_response;
use crate::service::{App, SearchHitView, SearchQuery};

/// Results per page: ten, as most search engines show, each with its snippet.
const PER_PAGE: usize = 10;

#[derive(Deserialize, Default)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
    space: Option<String>,
    lang: Option<String>,
    tag: Option<String>,
    /// 1-based.
    page: Option<usize>,
    /// Set by "search for pages containing…": never jump to a title.
    fulltext: Option<String>,
}

/// A piece of a snippet: text, marked when it matched the query.
pub struct Piece {
    pub text: String,
    pub marked: bool,
}

pub struct Result_ {
    pub hit: SearchHitView,
    pub url: String,
    pub snippet: Vec<Piece>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    chrome: &'a Chrome,
    q: String,
    total: usize,
    results: Vec<Result_>,
    /// "Did you mean": the corrected query and its link.
    did_you_mean: Option<(String, String)>,
    previous: Option<String>,
    next: Option<String>,
    space: String,
    lang: String,
    tag: String,
}

pub async fn search(
    State(app): State<App>,
    visit: Visit,
    Query(params): Query<SearchParams>,
) -> Result<Response, WebError> {
    let q = params.q.trim().to_owned();
    let mut chrome = visit.chrome(visit.locale.t("search-title"));
    chrome.query = q.clone();
    let page_number = params.page.unwrap_or(1).clamp(1, 500);
    let blank = |s: &Option<String>| s.clone().filter(|v| !v.trim().is_empty());
    let (results, total, did_you_mean) = if q.is_empty() {
        (Vec::new(), 0, None)
    } else {
        let found = app
            .search(
                visit.actor(),
                SearchQuery {
                    q: q.clone(),
                    space: blank(&params.space),
                    tag: blank(&params.tag),
                    author: None,
                    lang: blank(&params.lang),
                    limit: Some(PER_PAGE),
                    offset: Some((page_number - 1) * PER_PAGE),
                },
            )
            .await
            .or_page(&visit)?;
        if page_number == 1
            && params.fulltext.is_none()
            && let Some(first) = found.hits.first()
            && same_title(&first.title, &q)
        {
            return Ok(Redirect::to(&page_url(&first.space, &first.slug)).into_response());
        }
        let results = found
            .hits
            .into_iter()
            .map(|hit| Result_ {
                url: page_url(&hit.space, &hit.slug),
                snippet: pieces(&hit.snippet),
                hit,
            })
            .collect();
        let did_you_mean = found.did_you_mean.map(|better| {
            let url = format!("/search?q={}", encode_query(&better));
            (better, url)
        });
        (results, found.total, did_you_mean)
    };
    let link = |number: usize| {
        let mut url = format!("/search?q={}&fulltext=1", encode_query(&q));
        for (name, value) in [
            ("space", &params.space),
            ("lang", &params.lang),
            ("tag", &params.tag),
        ] {
            if let Some(value) = blank(value) {
                url.push_str(&format!("&{name}={}", encode_query(&value)));
            }
        }
        format!("{url}&page={number}")
    };
    let page = SearchPage {
        chrome: &chrome,
        previous: (page_number > 1).then(|| link(page_number - 1)),
        next: (page_number * PER_PAGE < total).then(|| link(page_number + 1)),
        q,
        total,
        results,
        did_you_mean,
        space: params.space.unwrap_or_default(),
        lang: params.lang.unwrap_or_default(),
        tag: params.tag.unwrap_or_default(),
    };
    Ok(html_response(visit.locale, StatusCode::OK, page.render()))
}

/// A query names a page when it is its title but for case, accents and
/// the spaces-or-underscores of slugs.
fn same_title(title: &str, query: &str) -> bool {
    let fold = |text: &str| -> String {
        use unicode_normalization::UnicodeNormalization;
        text.nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .map(|c| if c == '_' { ' ' } else { c })
            .collect::<String>()
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    fold(title) == fold(query)
}

/// The search service answers snippets as escaped HTML with `<mark>`
/// around matches; pages write text only through the templates' escaping,
/// so the snippet is read back into plain pieces, marked or not.
fn pieces(snippet: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut marked = false;
    let mut rest = snippet;
    while !rest.is_empty() {
        let tag = if marked { "</mark>" } else { "<mark>" };
        let (text, after) = match rest.find(tag) {
            Some(at) => (&rest[..at], &rest[at + tag.len()..]),
            None => (rest, ""),
        };
        if !text.is_empty() {
            pieces.push(Piece {
                text: unescape(text),
                marked,
            });
        }
        rest = after;
        marked = !marked;
    }
    pieces
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

#[derive(Deserialize)]
pub struct SuggestParams {
    #[serde(default)]
    q: String,
}

#[derive(Serialize)]
pub struct SuggestionItem {
    title: String,
    url: String,
}

/// Titles starting like what is typed, for the search box's list.
pub async fn suggest(
    State(app): State<App>,
    visit: Visit,
    Query(params): Query<SuggestParams>,
) -> Result<Response, WebError> {
    if params.q.trim().is_empty() {
        return Ok(Json(Vec::<SuggestionItem>::new()).into_response());
    }
    let listing = app
        .suggest(visit.actor(), &params.q, None, Some(8))
        .await
        .or_page(&visit)?;
    let items: Vec<SuggestionItem> = listing
        .items
        .into_iter()
        .map(|page| SuggestionItem {
            url: page_url(&page.space, &page.slug),
            title: page.title,
        })
        .collect();
    Ok(Json(items).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_come_back_as_plain_pieces() {
        let pieces = pieces("l&#39;<mark>économie</mark> &lt;b&gt; &amp; <mark>sociale</mark>");
        let shown: Vec<(&str, bool)> = pieces.iter().map(|p| (p.text.as_str(), p.marked)).collect();
        assert_eq!(
            shown,
            [
                ("l'", false),
                ("économie", true),
                (" <b> & ", false),
                ("sociale", true)
            ]
        );
    }

    #[test]
    fn a_title_matches_without_case_or_accents() {
        assert!(same_title("Économie sociale", "economie  SOCIALE"));
        assert!(same_title("Économie sociale", "Économie_sociale"));
        assert!(!same_title("Économie sociale", "économie"));
    }
}
