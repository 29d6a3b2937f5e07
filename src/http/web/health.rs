//! Transparency in the browser: a space's governance log (filtered by
//! action and member, each entry linked to what it concerns) and its health
//! dashboard: the last 30 days in figures and twelve weeks as bar charts
//! drawn on the server as SVG, each with a text alternative and its numbers
//! in a table.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::chrome::{Chrome, Visit, encode_query, page_url};
use super::errors::{OrPage, WebError};
use super::html_response;
use super::spaces::member_url;
use crate::i18n::{Arg, Locale};
use crate::service::{App, HealthWeekView, LogEntryView, LogFilter};

/// Weeks the dashboard draws.
const WEEKS: u32 = 12;
/// The charts' drawing box: one 20-unit slot per week, 100 units high.
const SLOT: u32 = 20;
const HEIGHT: u32 = 100;

/// One bar of a chart, placed in the SVG's box.
pub struct ChartBar {
    pub x: u32,
    pub y: u32,
    pub height: u32,
    /// The week, as a date.
    pub week: String,
    /// The value, in words ("3", "25 %", "2 / 3").
    pub value: String,
}

pub struct Chart {
    pub id: &'static str,
    pub title: String,
    /// The text alternative: what the chart shows, in one sentence.
    pub summary: String,
    pub width: u32,
    pub bars: Vec<ChartBar>,
}

/// A chart of `values` (one per week, `None` where there is nothing to
/// measure), scaled to the largest.
fn chart(
    locale: Locale,
    id: &'static str,
    weeks: &[HealthWeekView],
    values: &[(Option<f64>, String)],
) -> Chart {
    let largest = values
        .iter()
        .filter_map(|(v, _)| *v)
        .fold(0.0_f64, f64::max);
    let bars: Vec<ChartBar> = weeks
        .iter()
        .zip(values)
        .enumerate()
        .map(|(index, (week, (value, text)))| {
            let share = match (value, largest > 0.0) {
                (Some(v), true) => v / largest,
                _ => 0.0,
            };
            let height = (share * f64::from(HEIGHT - 10)).round() as u32;
            ChartBar {
                x: index as u32 * SLOT + 3,
                y: HEIGHT - height,
                height,
                week: locale.date(week.starts_at),
                value: text.clone(),
            }
        })
        .collect();
    let latest = values.last().map(|(_, text)| text.as_str()).unwrap_or("—");
    let highest = values
        .iter()
        .zip(weeks)
        .filter(|((v, _), _)| v.is_some() && *v == Some(largest) && largest > 0.0)
        .map(|((_, text), week)| (text.clone(), locale.date(week.starts_at)))
        .next();
    let summary = match highest {
        Some((text, week)) => locale.t_with(
            "health-chart-summary",
            &[
                ("latest", Arg::Text(latest)),
                ("highest", Arg::Text(&text)),
                ("week", Arg::Text(&week)),
            ],
        ),
        None => locale.t("health-chart-empty"),
    };
    Chart {
        id,
        title: locale.t(&format!("health-{id}")),
        summary,
        width: SLOT * weeks.len().max(1) as u32,
        bars,
    }
}

fn percent(locale: Locale, share: Option<f64>) -> String {
    share.map_or_else(
        || "—".to_owned(),
        |s| super::charter_words::percent(locale, s),
    )
}

/// "3 h", "45 min", "2 j": a review time.
fn duration(locale: Locale, seconds: Option<f64>) -> String {
    let Some(seconds) = seconds else {
        return "—".to_owned();
    };
    let seconds = seconds.round() as u64;
    let (count, unit) = if seconds >= 2 * 86_400 {
        (seconds / 86_400, "d")
    } else if seconds >= 3600 {
        (seconds / 3600, "h")
    } else {
        ((seconds / 60).max(1), "m")
    };
    locale.t_count(&format!("span-{unit}"), count as i64)
}

#[derive(Template)]
#[template(path = "health.html")]
struct HealthPage<'a> {
    chrome: &'a Chrome,
    slug: String,
    figures: Vec<(String, String)>,
    charts: Vec<Chart>,
}

/// `/spaces/{space}/health`: the dashboard.
pub async fn dashboard(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
) -> Result<Response, WebError> {
    let locale = visit.locale;
    let health = app
        .space_health(visit.actor(), &space, Some(WEEKS))
        .or_page(&visit)?;
    let weeks = health.weeks.clone().unwrap_or_default();
    let count = |n: u64| (Some(n as f64), locale.number(n));
    let reviewed: Vec<_> = weeks.iter().map(|w| count(w.reviewed)).collect();
    let contributors: Vec<_> = weeks.iter().map(|w| count(w.active_contributors)).collect();
    let reverts: Vec<_> = weeks
        .iter()
        .map(|w| (w.revert_rate, percent(locale, w.revert_rate)))
        .collect();
    let retention: Vec<_> = weeks
        .iter()
        .map(|w| {
            let share = (w.newcomers > 0).then(|| w.newcomers_retained as f64 / w.newcomers as f64);
            let text = if w.newcomers > 0 {
                format!("{} / {}", w.newcomers_retained, w.newcomers)
            } else {
                "—".to_owned()
            };
            (share, text)
        })
        .collect();
    let review_times: Vec<_> = weeks
        .iter()
        .map(|w| {
            let hours = w.median_review_seconds.map(|s| s / 3600.0);
            (hours, duration(locale, w.median_review_seconds))
        })
        .collect();
    let charts = vec![
        chart(locale, "chart-reviewed", &weeks, &reviewed),
        chart(locale, "chart-review-time", &weeks, &review_times),
        chart(locale, "chart-contributors", &weeks, &contributors),
        chart(locale, "chart-reverts", &weeks, &reverts),
        chart(locale, "chart-retention", &weeks, &retention),
    ];
    let figures = vec![
        (locale.t("health-pending"), locale.number(health.pending)),
        (
            locale.t("health-median-review"),
            duration(locale, health.median_review_seconds),
        ),
        (
            locale.t("health-active"),
            locale.number(health.active_contributors_30d),
        ),
        (
            locale.t("health-revert-rate"),
            percent(locale, health.revert_rate),
        ),
        (
            locale.t("health-retention"),
            percent(locale, health.newcomer_retention_30d),
        ),
    ];
    let title = app.get_space(visit.actor(), &space).or_page(&visit)?.title;
    let chrome = visit.chrome(locale.t_with("health-title", &[("space", Arg::Text(&title))]));
    let page = HealthPage {
        chrome: &chrome,
        slug: space,
        figures,
        charts,
    };
    Ok(html_response(locale, StatusCode::OK, page.render()))
}

/// A log entry with its action in words and a link to what it concerns.
pub struct LogRow {
    pub entry: LogEntryView,
    pub action: String,
    pub link: Option<String>,
    /// What the entry concerns, in words ("amina", "revision 3").
    pub target: String,
}

#[derive(Template)]
#[template(path = "log.html")]
struct LogPage<'a> {
    chrome: &'a Chrome,
    slug: String,
    rows: Vec<LogRow>,
    action: String,
    user: String,
    actions: Vec<(String, String)>,
    next: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct LogParams {
    action: Option<String>,
    user: Option<String>,
    cursor: Option<String>,
}

/// The governance actions the log names, for the filter.
const ACTIONS: [&str; 23] = [
    "space_create",
    "join",
    "join_accept",
    "leave",
    "standing_change",
    "promotion",
    "review_approve",
    "review_reject",
    "publish",
    "rollback",
    "mass_rollback",
    "proposal_open",
    "vote",
    "proposal_close",
    "charter_change",
    "protection_change",
    "report",
    "sanction",
    "sanction_lift",
    "appeal",
    "dispute_open",
    "dispute_resolve",
    "admin_power",
];

/// Where a governance target lives: a page, a member, a proposal, a
/// revision waiting in the review queue.
pub fn target_link(space: &str, target: &str) -> Option<String> {
    let (kind, name) = target.split_once(':')?;
    match kind {
        "page" => Some(page_url(space, name)),
        "user" => Some(member_url(space, name)),
        "proposal" => name
            .parse()
            .ok()
            .map(|id| super::proposals::proposal_url(space, id)),
        "space" => Some(format!("/spaces/{name}")),
        "revision" => Some(format!("/spaces/{space}/reviews#revision-{name}")),
        "dispute" => Some(format!("/spaces/{space}/disputes/{name}")),
        _ => None,
    }
}

/// A governance target in words: a page's title, a member's name,
/// "revision 3", "proposal 1".
fn target_label(locale: Locale, target: &str) -> String {
    match target.split_once(':') {
        Some(("page", slug)) => slug.replace('_', " "),
        Some(("user" | "space", name)) => name.to_owned(),
        Some((kind @ ("revision" | "proposal" | "dispute" | "sanction"), id)) => {
            locale.t_with(&format!("log-target-{kind}"), &[("id", Arg::Text(id))])
        }
        _ => target.to_owned(),
    }
}

/// `/spaces/{space}/log?action=&user=`: the governance log, newest first.
pub async fn log(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
    Query(params): Query<LogParams>,
) -> Result<Response, WebError> {
    let locale = visit.locale;
    let filled = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    let (action, user) = (filled(params.action), filled(params.user));
    let filter = LogFilter {
        action: action.clone(),
        user: user.clone(),
    };
    let listing = app
        .governance_log(
            visit.actor(),
            &space,
            params.cursor.as_deref(),
            Some(50),
            &filter,
        )
        .or_page(&visit)?;
    let rows = listing
        .items
        .into_iter()
        .map(|entry| LogRow {
            action: locale.t(&format!("log-action-{}", entry.action.replace('_', "-"))),
            link: target_link(&space, &entry.target),
            target: target_label(locale, &entry.target),
            entry,
        })
        .collect();
    let (action, user) = (action.unwrap_or_default(), user.unwrap_or_default());
    let next = listing.next_cursor.map(|cursor| {
        format!(
            "/spaces/{space}/log?action={}&user={}&cursor={}",
            encode_query(&action),
            encode_query(&user),
            encode_query(&cursor)
        )
    });
    let actions = ACTIONS
        .iter()
        .map(|a| {
            let id = format!("log-action-{}", a.replace('_', "-"));
            ((*a).to_owned(), locale.t(&id))
        })
        .collect();
    let title = app.get_space(visit.actor(), &space).or_page(&visit)?.title;
    let chrome = visit.chrome(locale.t_with("log-title", &[("space", Arg::Text(&title))]));
    let page = LogPage {
        chrome: &chrome,
        slug: space,
        rows,
        action,
        user,
        actions,
        next,
    };
    Ok(html_response(locale, StatusCode::OK, page.render()))
}
