//! The Atom feed of published changes (RFC 4287), for feed readers.

use crate::model::ErrorCode;
use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::http::error::ApiError;
use crate::http::extract::{ApiQuery, MaybeAuth};
use crate::model::Timestamp;
use crate::service::{App, ChangeView};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Only this space.
    pub space: Option<String>,
}

#[utoipa::path(get, path = "/feeds/changes.atom", tag = "changes",
    params(FeedParams),
    extensions(("x-errors" = json!([ErrorCode::NotFound]))),
    responses(
        (status = 200, description = "The 50 newest published changes, as an Atom feed", body = String, content_type = "application/atom+xml"),
    ))]
pub async fn changes_atom(
    State(app): State<App>,
    MaybeAuth(auth): MaybeAuth,
    ApiQuery(params): ApiQuery<FeedParams>,
) -> Result<impl IntoResponse, ApiError> {
    let viewer = auth.as_ref().map(|a| &a.actor);
    let changes = app.published_changes(viewer, params.space.as_deref())?;
    // From the configuration, never the request's `Host`: a feed's links
    // must not point wherever a client says.
    let base = app.config().base_url();
    let feed = feed(&base, params.space.as_deref(), &changes, app.now());
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed.to_string(),
    ))
}

fn time(at: Timestamp) -> FixedDateTime {
    FixedDateTime::parse_from_rfc3339(&at.to_rfc3339()).unwrap_or_default()
}

fn link(href: String, rel: &str) -> Link {
    Link {
        href,
        rel: rel.to_owned(),
        ..Link::default()
    }
}

fn feed(base: &str, space: Option<&str>, changes: &[ChangeView], now: Timestamp) -> Feed {
    let query = space.map(|s| format!("?space={s}")).unwrap_or_default();
    let entries = changes.iter().map(|change| entry(base, change)).collect();
    let updated = changes.first().map_or_else(|| time(now), |c| time(c.at));
    Feed {
        title: Text::plain(match space {
            Some(space) => format!("Ostrom: changes in {space}"),
            None => "Ostrom: recent changes".to_owned(),
        }),
        id: format!("{base}/feeds/changes.atom{query}"),
        updated,
        links: vec![link(format!("{base}/feeds/changes.atom{query}"), "self")],
        generator: Some(atom_syndication::Generator {
            value: "Ostrom".to_owned(),
            ..Default::default()
        }),
        entries,
        ..Feed::default()
    }
}

fn entry(base: &str, change: &ChangeView) -> Entry {
    let page = format!(
        "{base}/api/v1/spaces/{}/pages/{}",
        change.space,
        percent_encoding::utf8_percent_encode(
            change.moved_to.as_deref().unwrap_or(&change.slug),
            percent_encoding::NON_ALPHANUMERIC
        )
    );
    let kind = format!("{:?}", change.kind).to_lowercase();
    let summary = if change.summary.is_empty() {
        kind.clone()
    } else {
        format!("{kind}: {}", change.summary)
    };
    Entry {
        title: Text::plain(format!("{} ({})", change.slug.replace('_', " "), kind)),
        id: format!("{base}/api/v1/changes#{}", change.seq),
        updated: time(change.at),
        authors: vec![Person {
            name: change.actor.clone().unwrap_or_else(|| "Ostrom".to_owned()),
            ..Person::default()
        }],
        links: vec![link(page, "alternate")],
        summary: Some(Text::plain(summary)),
        ..Entry::default()
    }
}
