//! Collective choice in the browser: a space's proposals (open, passed,
//! rejected), a proposal's page (what it changes in words, who may vote,
//! quorum and threshold, a tally bar, the time left, the visitor's vote and
//! a form to change it until the close, the result), and the form that
//! proposes a change of the charter, building the merge patch from the
//! fields changed (locked fields cannot be edited).

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::charter_words::{self, Rule, serde_plain, span_words, standing_name};
use super::chrome::{Chrome, Visit};
use super::edit::check_csrf;
use super::errors::{OrPage, Refusal, WebError};
use super::html_response;
use crate::governance::charter::touches;
use crate::governance::{Charter, Span};
use crate::i18n::{Arg, Locale};
use crate::model::{Choice, ErrorCode, ProposalKind, ProposalState};
use crate::service::{App, ListRequest, ProposalRequest, ProposalView};

/// `/spaces/{space}/proposals/{id}`.
pub(super) fn proposal_url(space: &str, id: u64) -> String {
    format!("/spaces/{space}/proposals/{id}")
}

pub struct ProposalRow {
    pub proposal: ProposalView,
    pub url: String,
    pub kind: String,
    pub state: String,
}

fn row(locale: Locale, space: &str, proposal: ProposalView) -> ProposalRow {
    ProposalRow {
        url: proposal_url(space, proposal.id),
        kind: locale.t(&format!("proposal-kind-{}", serde_plain(&proposal.kind))),
        state: locale.t(&format!("proposal-state-{}", serde_plain(&proposal.state))),
        proposal,
    }
}

#[derive(Template)]
#[template(path = "proposals.html")]
struct ListPage<'a> {
    chrome: &'a Chrome,
    slug: String,
    state: String,
    rows: Vec<ProposalRow>,
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    state: Option<String>,
}

/// `/spaces/{space}/proposals?state=`: newest first.
pub async fn list(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<Response, WebError> {
    let state_name = params.state.unwrap_or_default();
    let state = match state_name.as_str() {
        "" => None,
        "open" => Some(ProposalState::Open),
        "passed" => Some(ProposalState::Passed),
        "rejected" => Some(ProposalState::Rejected),
        _ => {
            return Err(WebError::coded(
                &visit,
                ErrorCode::InvalidInput,
                "state is open, passed or rejected",
            ));
        }
    };
    let list = ListRequest::new(None, Some(100)).or_page(&visit)?;
    let rows = app
        .list_proposals(visit.actor(), &space, state, list)
        .or_page(&visit)?
        .items
        .into_iter()
        .map(|proposal| row(visit.locale, &space, proposal))
        .collect();
    let title = app.get_space(visit.actor(), &space).or_page(&visit)?.title;
    let chrome = visit.chrome(
        visit
            .locale
            .t_with("proposals-title", &[("space", Arg::Text(&title))]),
    );
    let page = ListPage {
        chrome: &chrome,
        slug: space,
        state: state_name,
        rows,
    };
    Ok(html_response(visit.locale, StatusCode::OK, page.render()))
}

/// One rule a charter change alters: now, and as proposed.
pub struct RuleChange {
    pub now: Option<String>,
    pub proposed: String,
}

/// The tally as widths of a bar, in percent of the eligible voters.
pub struct Bar {
    pub yes: u32,
    pub no: u32,
    pub abstain: u32,
    /// Where the quorum falls.
    pub quorum: u32,
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage<'a> {
    chrome: &'a Chrome,
    slug: String,
    row: ProposalRow,
    changes: Vec<RuleChange>,
    /// For a dispute settled by rolling back: from the page now to the
    /// revision it would go back to.
    hunks: Vec<crate::diff::ReadableHunk>,
    inline: bool,
    /// What a proposal other than a charter change does, in words.
    effect: Option<String>,
    rules: String,
    bar: Bar,
    voted: usize,
    mine: Option<String>,
    /// (value, label, the visitor's vote) for each choice.
    choices: Vec<(String, String, bool)>,
    /// Until the close, in words.
    left: Option<String>,
    may_vote: bool,
    open: bool,
    problem: Option<String>,
}

/// `/spaces/{space}/proposals/{id}`.
pub async fn show(
    State(app): State<App>,
    visit: Visit,
    Path((space, id)): Path<(String, u64)>,
) -> Result<Response, WebError> {
    render_proposal(&app, &visit, &space, id, None, StatusCode::OK).await
}

/// The rules a charter change alters, now and as proposed, in words.
fn charter_changes(
    app: &App,
    visit: &Visit,
    space: &str,
    proposal: &ProposalView,
) -> Vec<RuleChange> {
    let Some(patch) = proposal.payload.get("patch") else {
        return Vec::new();
    };
    let touched = crate::governance::charter::paths_set(patch);
    let now = app.charter_overview(visit.actor(), space).ok();
    let proposed = match app.charter_with(visit.actor(), space, patch) {
        Ok(charter) => charter,
        // Passed and applied (or no longer valid): what the patch sets,
        // read over the charter as it is.
        Err(_) => match &now {
            Some(overview) => (*overview.charter).clone(),
            None => return Vec::new(),
        },
    };
    let words = |charter: &Charter| -> Vec<Rule> {
        charter_words::sections(visit.locale, charter, &[], &[])
            .into_iter()
            .flat_map(|section| section.rules)
            .collect()
    };
    let before: BTreeMap<String, String> = now
        .as_ref()
        .map(|overview| words(&overview.charter))
        .unwrap_or_default()
        .into_iter()
        .map(|rule| (rule.path, rule.text))
        .collect();
    let open = proposal.state == ProposalState::Open;
    words(&proposed)
        .into_iter()
        .filter(|rule| touched.iter().any(|path| touches(path, &rule.path)))
        .map(|rule| RuleChange {
            now: before
                .get(&rule.path)
                .filter(|text| open && **text != rule.text)
                .cloned(),
            proposed: rule.text,
        })
        .collect()
}

/// What a role change, dispute or child space proposal does, in words.
fn effect_of(locale: Locale, proposal: &ProposalView) -> Option<String> {
    let text = |key: &str| proposal.payload.get(key).and_then(Value::as_str);
    let number = |key: &str| proposal.payload.get(key).and_then(Value::as_u64);
    match proposal.kind {
        ProposalKind::RoleChange => {
            let standing = text("standing")
                .map(|s| locale.t(&format!("standing-{s}")))
                .unwrap_or_default();
            Some(locale.t_with(
                "proposal-effect-role",
                &[
                    ("user", Arg::Text(text("user").unwrap_or_default())),
                    ("standing", Arg::Text(&standing)),
                ],
            ))
        }
        ProposalKind::CreateSpace => Some(locale.t_with(
            "proposal-effect-space",
            &[("space", Arg::Text(text("slug").unwrap_or_default()))],
        )),
        ProposalKind::Dispute => Some(match (text("outcome"), number("revision")) {
            (Some("rollback"), Some(revision)) => locale.t_with(
                "proposal-effect-rollback",
                &[("revision", Arg::Text(&revision.to_string()))],
            ),
            _ => locale.t("proposal-effect-keep"),
        }),
        ProposalKind::Appeal => Some(locale.t("proposal-effect-appeal")),
        ProposalKind::CharterChange => None,
    }
}

async fn render_proposal(
    app: &App,
    visit: &Visit,
    space: &str,
    id: u64,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let locale = visit.locale;
    let proposal = app.get_proposal(visit.actor(), space, id).or_page(visit)?;
    let changes = charter_changes(app, visit, space, &proposal);
    let effect = effect_of(locale, &proposal);
    let hunks = rollback_diff(app, visit, space, &proposal).await;
    let tally = &proposal.tally;
    let eligible = tally.eligible.max(1);
    let share = |n: u32| n * 100 / eligible;
    let bar = Bar {
        yes: share(tally.yes),
        no: share(tally.no),
        abstain: share(tally.abstain),
        quorum: (proposal.quorum * 100.0).round().clamp(0.0, 100.0) as u32,
    };
    let voted = (tally.yes + tally.no + tally.abstain) as usize;
    let percent = |share: f64| format!("{}", (share * 100.0).round() as u64);
    let rules = locale.t_with(
        "proposal-rules",
        &[
            ("count", Arg::Count(i64::from(proposal.eligible))),
            ("n", Arg::Text(&locale.number(u64::from(proposal.eligible)))),
            ("quorum", Arg::Text(&percent(proposal.quorum))),
            ("threshold", Arg::Text(&percent(proposal.threshold))),
        ],
    );
    let mine = visit.actor().and_then(|actor| {
        proposal
            .votes
            .iter()
            .find(|(user, _)| user.eq_ignore_ascii_case(&actor.username))
            .map(|(_, choice)| serde_plain(choice))
    });
    let choices = ["yes", "no", "abstain"]
        .into_iter()
        .map(|choice| {
            let checked = mine.as_deref() == Some(choice);
            (
                choice.to_owned(),
                locale.t(&format!("vote-{choice}")),
                checked,
            )
        })
        .collect();
    let mine = mine.map(|choice| locale.t(&format!("vote-{choice}")));
    let open = proposal.state == ProposalState::Open;
    let left = open.then(|| {
        let millis = (proposal.closes_at.millis() - app.now().millis()).max(0);
        time_left(locale, millis as u64 / 1000)
    });
    let chrome = visit.chrome(proposal.title.clone());
    let page = ProposalPage {
        chrome: &chrome,
        slug: space.to_owned(),
        may_vote: visit.actor().is_some() && open,
        open,
        row: row(locale, space, proposal),
        hunks,
        inline: true,
        changes,
        effect,
        rules,
        bar,
        voted,
        mine,
        choices,
        left,
        problem,
    };
    Ok(html_response(locale, status, page.render()))
}

#[derive(Deserialize)]
pub struct VoteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    choice: String,
}

/// `POST /spaces/{space}/proposals/{id}`: vote, or change one's vote.
pub async fn vote(
    State(app): State<App>,
    visit: Visit,
    Path((space, id)): Path<(String, u64)>,
    form: Result<Form<VoteForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let actor = check_csrf(&visit, &form.csrf)?;
    let choice = match form.choice.as_str() {
        "yes" => Choice::Yes,
        "no" => Choice::No,
        "abstain" => Choice::Abstain,
        _ => {
            return Err(WebError::coded(
                &visit,
                ErrorCode::InvalidInput,
                "choice is yes, no or abstain",
            ));
        }
    };
    match app.vote(actor, &space, id, choice).await {
        Ok(_) => Ok(Redirect::to(&proposal_url(&space, id)).into_response()),
        Err(error) => {
            let (problem, status) = Refusal::shown(&visit, error)?;
            render_proposal(&app, &visit, &space, id, Some(problem), status).await
        }
    }
}

/// "3 jours", for the time left before a close.
fn time_left(locale: Locale, seconds: u64) -> String {
    // To the nearest day or hour: 71 h 59 min left reads "3 days".
    let span = if seconds >= 86_400 {
        format!("{}d", (seconds + 43_200) / 86_400)
    } else if seconds >= 3600 {
        format!("{}h", (seconds + 1800) / 3600)
    } else {
        format!("{}m", (seconds / 60).max(1))
    };
    Span::parse(&span).map_or_else(String::new, |span| span_words(locale, span))
}

/// The disputed page's open dispute `id`, as the viewer may see it.
/// For a dispute proposal rolling a page back: the changes it would make.
async fn rollback_diff(
    app: &App,
    visit: &Visit,
    space: &str,
    proposal: &ProposalView,
) -> Vec<crate::diff::ReadableHunk> {
    let payload = &proposal.payload;
    let (Some(dispute), Some(target)) = (
        payload.get("dispute").and_then(Value::as_u64),
        payload.get("revision").and_then(Value::as_u64),
    ) else {
        return Vec::new();
    };
    let Ok(dispute) = app.get_dispute(visit.actor(), space, dispute) else {
        return Vec::new();
    };
    let Ok(page) = app.read_page(visit.actor(), space, &dispute.slug).await else {
        return Vec::new();
    };
    let diff = app
        .page_diff(
            visit.actor(),
            space,
            &dispute.slug,
            Some(page.revision.id),
            Some(target),
        )
        .await;
    match diff {
        Ok(diff) => app.readable_diff(diff.hunks).await.unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

#[derive(Template)]
#[template(path = "dispute.html")]
struct DisputePage<'a> {
    chrome: &'a Chrome,
    slug: String,
    dispute: crate::service::DisputeView,
    page_url: String,
    lock: String,
    /// Published revisions to roll back to: (id, when, author, summary).
    revisions: Vec<crate::service::RevisionView>,
    problem: Option<String>,
}

/// `/spaces/{space}/disputes/{id}`: the dispute, and the form proposing
/// how to settle it (keep the page, or roll it back to a revision).
pub async fn dispute(
    State(app): State<App>,
    visit: Visit,
    Path((space, id)): Path<(String, u64)>,
) -> Result<Response, WebError> {
    render_dispute(&app, &visit, &space, id, None, StatusCode::OK)
}

fn render_dispute(
    app: &App,
    visit: &Visit,
    space: &str,
    id: u64,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let dispute = app.get_dispute(visit.actor(), space, id).or_page(visit)?;
    let revisions = app
        .page_history(visit.actor(), space, &dispute.slug, None, Some(50))
        .or_page(visit)?
        .items
        .into_iter()
        .filter(|r| r.state == crate::model::RevisionState::Published)
        .collect();
    let chrome = visit.chrome(visit.locale.t_with(
        "dispute-title",
        &[("title", Arg::Text(&dispute.slug.replace('_', " ")))],
    ));
    let page = DisputePage {
        chrome: &chrome,
        slug: space.to_owned(),
        page_url: super::chrome::page_url(space, &dispute.slug),
        lock: standing_name(visit.locale, dispute.lock_to),
        dispute,
        revisions,
        problem,
    };
    Ok(html_response(visit.locale, status, page.render()))
}

#[derive(Deserialize)]
pub struct SettleForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    rationale: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    revision: String,
}

/// `POST /spaces/{space}/disputes/{id}`: opens a `dispute` proposal.
pub async fn settle(
    State(app): State<App>,
    visit: Visit,
    Path((space, id)): Path<(String, u64)>,
    form: Result<Form<SettleForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let actor = check_csrf(&visit, &form.csrf)?;
    let payload = match form.outcome.as_str() {
        "rollback" => {
            let revision: u64 = form.revision.trim().parse().map_err(|_| {
                WebError::coded(
                    &visit,
                    ErrorCode::InvalidInput,
                    "choose the revision to go back to",
                )
            })?;
            json!({"dispute": id, "outcome": "rollback", "revision": revision})
        }
        _ => json!({"dispute": id, "outcome": "keep"}),
    };
    let request = ProposalRequest {
        kind: ProposalKind::Dispute,
        title: form.title,
        rationale: Some(form.rationale).filter(|r| !r.trim().is_empty()),
        payload,
    };
    match app.open_proposal(actor, &space, request).await {
        Ok(proposal) => Ok(Redirect::to(&proposal_url(&space, proposal.id)).into_response()),
        Err(error) => {
            let (problem, status) = Refusal::shown(&visit, error)?;
            render_dispute(&app, &visit, &space, id, Some(problem), status)
        }
    }
}
