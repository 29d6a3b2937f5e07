//! Spaces in the browser: the directory of spaces (and creating one), a
//! space's home (its pages, members, recent changes; joining and leaving),
//! its charter in words, and a member's standing explained (with the
//! steward's appointment form). What a visitor may do comes from the
//! service's `actions`.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::charter_words::{self, Section, standing_name};
use super::chrome::{Chrome, Visit, encode_segment, page_url};
use super::edit::check_csrf;
use super::errors::{OrPage, Refusal, WebError};
use super::html_response;
use crate::governance::SpaceAction;
use crate::i18n::Arg;
use crate::model::{ErrorCode, ProposalKind, Standing};
use crate::service::{
    ActionView, App, ChangeView, ChangesQuery, DecisionKind, ListRequest, MemberView,
    ProposalRequest, ServiceError, SpaceSummary,
};

/// `/spaces/{space}`.
pub fn space_url(space: &str) -> String {
    format!("/spaces/{}", encode_segment(space))
}

/// `/spaces/{space}/members/{user}`.
pub fn member_url(space: &str, user: &str) -> String {
    format!("{}/members/{}", space_url(space), encode_segment(user))
}

/// Every standing, lowest first.
pub(super) const STANDINGS: [Standing; 4] = [
    Standing::Newcomer,
    Standing::Contributor,
    Standing::Reviewer,
    Standing::Steward,
];

/// Whether the engine lets the visitor do `action` here (at once or queued).
fn may(actions: &BTreeMap<SpaceAction, ActionView>, action: SpaceAction) -> bool {
    actions
        .get(&action)
        .is_some_and(|view| view.decision != DecisionKind::Deny)
}

#[derive(Template)]
#[template(path = "spaces.html")]
struct DirectoryPage<'a> {
    chrome: &'a Chrome,
    spaces: Vec<SpaceSummary>,
    may_create: bool,
    problem: Option<String>,
    form: NewSpaceForm,
}

#[derive(Deserialize, Default)]
pub struct NewSpaceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    parent: String,
    /// First rules, empty to inherit: visibility, join, approvals.
    #[serde(default)]
    visibility: String,
    #[serde(default)]
    join: String,
    #[serde(default)]
    approvals: String,
    #[serde(default)]
    promotion: String,
}

impl NewSpaceForm {
    /// The charter patch of the first rules chosen; `None` inherits all.
    fn charter(&self) -> Option<serde_json::Value> {
        let mut patch = serde_json::Map::new();
        for (key, value) in [("visibility", &self.visibility), ("join", &self.join)] {
            if !value.trim().is_empty() {
                patch.insert(key.to_owned(), serde_json::json!(value.trim()));
            }
        }
        // A number, or the text as typed for the engine to refuse in words.
        let number = |text: &str| {
            text.parse::<u64>()
                .map_or_else(|_| serde_json::json!(text), |n| serde_json::json!(n))
        };
        for (section, key, value) in [
            ("edit", "approvals_required", self.approvals.trim()),
            ("promotion", "accepted_edits", self.promotion.trim()),
        ] {
            if !value.is_empty() {
                patch.insert(
                    section.to_owned(),
                    serde_json::json!({ key: number(value) }),
                );
            }
        }
        (!patch.is_empty()).then_some(serde_json::Value::Object(patch))
    }
}

/// `/spaces`: every space the visitor may see, as a tree.
pub async fn directory(State(app): State<App>, visit: Visit) -> Result<Response, WebError> {
    render_directory(&app, &visit, NewSpaceForm::default(), None, StatusCode::OK)
}

fn render_directory(
    app: &App,
    visit: &Visit,
    form: NewSpaceForm,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let spaces = app.space_directory(visit.actor()).or_page(visit)?;
    let chrome = visit.chrome(visit.locale.t("spaces-title"));
    let page = DirectoryPage {
        chrome: &chrome,
        spaces,
        may_create: visit.auth.is_some(),
        problem,
        form,
    };
    Ok(html_response(visit.locale, status, page.render()))
}

/// `POST /spaces`: creates a space (a child one when `parent` is given);
/// its creator becomes its steward.
pub async fn create(
    State(app): State<App>,
    visit: Visit,
    form: Result<Form<NewSpaceForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let actor = check_csrf(&visit, &form.csrf)?;
    let parent = Some(form.parent.trim()).filter(|p| !p.is_empty());
    let created = app
        .create_space(actor, form.slug.trim(), &form.title, parent, form.charter())
        .await;
    let created = match (created, parent) {
        // The parent's charter creates spaces inside by a vote: propose it.
        (Err(error), Some(parent)) if error.code() == ErrorCode::NeedsProposal => {
            let request = ProposalRequest {
                kind: ProposalKind::CreateSpace,
                title: visit.locale.t_with(
                    "space-proposal-title",
                    &[("title", Arg::Text(form.title.trim()))],
                ),
                rationale: None,
                payload: serde_json::json!({
                    "slug": form.slug.trim(),
                    "title": form.title.trim(),
                    "charter": form.charter(),
                }),
            };
            let proposal = app.open_proposal(actor, parent, request).await;
            return match proposal {
                Ok(proposal) => Ok(Redirect::to(&super::proposals::proposal_url(
                    parent,
                    proposal.id,
                ))
                .into_response()),
                Err(error) => {
                    let (problem, status) = Refusal::shown(&visit, error)?;
                    render_directory(&app, &visit, form, Some(problem), status)
                }
            };
        }
        (created, _) => created,
    };
    match created {
        Ok(space) => Ok(Redirect::to(&space_url(&space.slug)).into_response()),
        Err(error) => {
            let (problem, status) = Refusal::shown(&visit, error)?;
            render_directory(&app, &visit, form, Some(problem), status)
        }
    }
}

#[derive(Template)]
#[template(path = "space.html")]
struct SpacePage<'a> {
    chrome: &'a Chrome,
    slug: String,
    parent: Option<String>,
    home_url: String,
    /// What the space is about: its home page's summary or first paragraph.
    description: Option<String>,
    children: Vec<SpaceSummary>,
    members: Vec<(MemberView, String)>,
    pages: Vec<(String, String)>,
    changes: Vec<(ChangeView, String)>,
    /// The visitor's standing here, when a member.
    standing: Option<String>,
    may_join: bool,
    /// Joining waits for a reviewer or steward.
    join_by_request: bool,
    /// The review queue is open to the visitor.
    may_review: bool,
    /// The visitor may roll back a member's edits (a steward).
    may_roll_back: bool,
    may_create_child: bool,
    /// Spaces inside are created by a vote here: the form opens one.
    child_by_vote: bool,
    problem: Option<String>,
    message: Option<String>,
}

/// The most a description says before it stops at a word.
const DESCRIPTION_CHARS: usize = 400;

/// A space's description, from its home page: the front matter's
/// `summary`, else the first paragraph, cut at a word past 400 characters.
fn description_of(home: &crate::service::PageView) -> Option<String> {
    let text = match &home.summary {
        Some(summary) => summary.trim().to_owned(),
        None => {
            let plain = crate::render::plain_text(&home.markdown);
            plain
                .body
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        }
    };
    if text.is_empty() {
        return None;
    }
    if text.chars().count() <= DESCRIPTION_CHARS {
        return Some(text);
    }
    let cut: String = text.chars().take(DESCRIPTION_CHARS).collect();
    let at_word = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    Some(format!("{at_word}…"))
}

/// `/spaces/{space}`: a space's home.
pub async fn home(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
) -> Result<Response, WebError> {
    render_home(&app, &visit, &space, None, None, StatusCode::OK).await
}

async fn render_home(
    app: &App,
    visit: &Visit,
    space: &str,
    problem: Option<String>,
    message: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let viewer = visit.actor();
    let detail = app.get_space(viewer, space).or_page(visit)?;
    let slug = detail.slug.clone();
    let children = app
        .space_directory(viewer)
        .or_page(visit)?
        .into_iter()
        .filter(|s| s.space.parent.as_deref() == Some(slug.as_str()))
        .collect();
    let list = ListRequest::new(None, Some(200)).or_page(visit)?;
    let members: Vec<(MemberView, String)> = app
        .list_members(viewer, &slug, list)
        .or_page(visit)?
        .items
        .into_iter()
        .map(|member| {
            let standing = standing_name(visit.locale, member.standing);
            (member, standing)
        })
        .collect();
    let pages: Vec<(String, String)> = app
        .list_pages(viewer, &slug, None, Some(200))
        .or_page(visit)?
        .items
        .into_iter()
        .map(|page| (page_url(&slug, &page.slug), page.title))
        .collect();
    // The space's home page: the one it has, else the visitor's language's.
    let home_slug = super::read::HOME_PAGES
        .into_iter()
        .find(|home| pages.iter().any(|(url, _)| *url == page_url(&slug, home)))
        .map_or_else(|| visit.locale.t("home-page-slug"), str::to_owned);
    let home_url = page_url(&slug, &home_slug);
    let has_home = pages.iter().any(|(url, _)| *url == home_url);
    let description = if has_home {
        app.read_page(viewer, &slug, &home_slug)
            .await
            .ok()
            .and_then(|home| description_of(&home))
    } else {
        None
    };
    let query = ChangesQuery {
        space: Some(slug.clone()),
        limit: Some(10),
        ..ChangesQuery::default()
    };
    let changes = app
        .recent_changes(viewer, &query)
        .or_page(visit)?
        .items
        .into_iter()
        .map(|change| {
            let what = visit.locale.t(&super::people::event_message(change.kind));
            (change, what)
        })
        .collect();
    let standing = viewer.and_then(|actor| {
        members
            .iter()
            .find(|(m, _)| m.user.eq_ignore_ascii_case(&actor.username))
            .map(|(_, standing)| standing.clone())
    });
    let charter = &detail.charter;
    let join_by_request = charter["join"].as_str() == Some("approval");
    let chrome = visit.chrome(detail.title.clone());
    let page = SpacePage {
        chrome: &chrome,
        parent: detail.parent.clone(),
        home_url,
        description,
        children,
        members,
        pages,
        changes,
        may_join: standing.is_none() && may(&detail.actions, SpaceAction::Join),
        standing,
        join_by_request,
        may_review: may(&detail.actions, SpaceAction::SeeQueue),
        may_roll_back: may(&detail.actions, SpaceAction::MassRollback),
        child_by_vote: detail
            .actions
            .get(&SpaceAction::CreateChildSpace)
            .is_some_and(|view| view.code == Some(ErrorCode::NeedsProposal)),
        may_create_child: may(&detail.actions, SpaceAction::CreateChildSpace),
        problem,
        message,
        slug,
    };
    Ok(html_response(visit.locale, status, page.render()))
}

#[derive(Deserialize)]
pub struct SpaceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
}

/// `POST /spaces/{space}`: join (or ask to) and leave.
pub async fn submit(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
    form: Result<Form<SpaceForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let actor = check_csrf(&visit, &form.csrf)?;
    let outcome = match form.action.as_str() {
        "join" => app.join_space(actor, &space).await.map(|joined| {
            if joined.requested {
                Some(visit.locale.t("space-join-requested"))
            } else {
                None
            }
        }),
        "leave" => app
            .leave_space(actor, &space)
            .await
            .map(|()| Some(visit.locale.t("space-left"))),
        _ => Err(ServiceError::InvalidInput(
            "action is join or leave".to_owned(),
        )),
    };
    match outcome {
        Ok(None) => Ok(Redirect::to(&space_url(&space)).into_response()),
        Ok(Some(message)) => {
            render_home(&app, &visit, &space, None, Some(message), StatusCode::OK).await
        }
        Err(error) => {
            let (problem, status) = Refusal::shown(&visit, error)?;
            render_home(&app, &visit, &space, Some(problem), None, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "charter.html")]
struct CharterPage<'a> {
    chrome: &'a Chrome,
    slug: String,
    parent: Option<String>,
    sections: Vec<Section>,
    locked_here: Vec<String>,
    own_patch: String,
    resolved: String,
}

/// `/spaces/{space}/charter`: the rules that bind the space, in words.
pub async fn charter(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
) -> Result<Response, WebError> {
    let overview = app
        .charter_overview(visit.actor(), &space)
        .or_page(&visit)?;
    let sections = charter_words::sections(
        visit.locale,
        &overview.charter,
        &overview.set_here,
        &overview.locked_above,
    );
    let pretty =
        |value: &serde_json::Value| serde_json::to_string_pretty(value).unwrap_or_default();
    let resolved = serde_json::to_value(&*overview.charter).unwrap_or_default();
    let locked_here = overview
        .charter
        .locked_fields
        .iter()
        .filter(|field| !overview.locked_above.contains(field))
        .cloned()
        .collect();
    let chrome = visit.chrome(visit.locale.t_with(
        "charter-title",
        &[("space", Arg::Text(&overview.space.title))],
    ));
    let page = CharterPage {
        chrome: &chrome,
        slug: overview.space.slug.clone(),
        parent: overview.space.parent.clone(),
        sections,
        locked_here,
        own_patch: pretty(&overview.own_patch),
        resolved: pretty(&resolved),
    };
    Ok(html_response(visit.locale, StatusCode::OK, page.render()))
}

/// What a member lacks for the next standing, and how far along they are.
pub struct Progress {
    pub label: String,
    pub value: u64,
    pub max: u64,
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage<'a> {
    chrome: &'a Chrome,
    slug: String,
    user: String,
    standing: String,
    since: crate::model::Timestamp,
    accepted_edits: u64,
    rule: String,
    inherited_from: Option<String>,
    next: Option<String>,
    missing: Vec<String>,
    progress: Vec<Progress>,
    /// Each sanction in force with its step in words.
    sanctions: Vec<(crate::service::SanctionView, String)>,
    /// The visitor is this member (and may appeal their sanctions).
    own: bool,
    /// The standings a role change proposal may grant (empty: no form).
    proposable: Vec<(String, String)>,
    /// The visitor may report this member.
    may_report: bool,
    /// The ladder as the issuer sees it: (step, in words, allowed, the
    /// charter's next); empty when the visitor may not sanction.
    ladder: Vec<(String, String, bool, bool)>,
    message: Option<String>,
    /// The standings a steward may appoint here (empty: no form).
    appointable: Vec<(String, String, bool)>,
    problem: Option<String>,
}

/// `/spaces/{space}/members/{user}`: a member's standing, explained.
pub async fn member(
    State(app): State<App>,
    visit: Visit,
    Path((space, user)): Path<(String, String)>,
) -> Result<Response, WebError> {
    render_member(&app, &visit, &space, &user, (None, None), StatusCode::OK)
}

/// How the member came by their standing here, from the governance log:
/// appointed by whom (and why), granted by a vote, promoted by the
/// charter's rule, or founder. `None` when the log says nothing of it (a
/// standing inherited, or older than the entries scanned): the page then
/// says the rule behind the standing.
fn standing_story(
    app: &App,
    visit: &Visit,
    space: &str,
    user: &str,
    standing: Standing,
) -> Option<String> {
    let filter = crate::service::LogFilter {
        action: None,
        user: Some(user.to_owned()),
    };
    let entries = app
        .governance_log(visit.actor(), space, None, Some(100), &filter)
        .ok()?
        .items;
    let target = format!("user:{}", user.to_lowercase());
    let entry = entries.into_iter().find(|entry| {
        let about_them = entry.target.to_lowercase() == target;
        match entry.action.as_str() {
            "standing_change" | "promotion" => about_them,
            "space_create" => entry
                .actor
                .as_deref()
                .is_some_and(|actor| actor.eq_ignore_ascii_case(user)),
            _ => false,
        }
    })?;
    let locale = visit.locale;
    let date = locale.date(entry.at);
    let name = standing_name(locale, standing);
    let story = match (entry.action.as_str(), entry.actor.as_deref()) {
        ("space_create", _) => locale.t_with("member-why-founded", &[("date", Arg::Text(&date))]),
        ("promotion", _) => locale.t_with("member-why-promoted", &[("date", Arg::Text(&date))]),
        ("standing_change", Some(by)) => locale.t_with(
            "member-why-appointed",
            &[
                ("standing", Arg::Text(&name)),
                ("by", Arg::Text(by)),
                ("date", Arg::Text(&date)),
            ],
        ),
        _ => locale.t_with(
            "member-why-voted",
            &[("standing", Arg::Text(&name)), ("date", Arg::Text(&date))],
        ),
    };
    let reason = entry.reason.trim();
    if entry.action == "standing_change" && entry.actor.is_some() && !reason.is_empty() {
        let said = locale.t_with("member-why-reason", &[("reason", Arg::Text(reason))]);
        return Some(format!("{story} {said}"));
    }
    Some(story)
}

fn render_member(
    app: &App,
    visit: &Visit,
    space: &str,
    user: &str,
    (message, problem): (Option<String>, Option<String>),
    status: StatusCode,
) -> Result<Response, WebError> {
    let locale = visit.locale;
    let viewer = visit.actor();
    let detail = app.member_detail(viewer, space, user).or_page(visit)?;
    let overview = app.charter_overview(viewer, space).or_page(visit)?;
    let promotion = &overview.charter.promotion;
    let missing = detail
        .next
        .iter()
        .flat_map(|next| next.missing.iter())
        .map(|missing| charter_words::missing_words(locale, missing))
        .collect();
    let mut progress = Vec::new();
    if detail.standing == Standing::Newcomer {
        let required = u64::from(promotion.accepted_edits);
        progress.push(Progress {
            label: locale.t("member-progress-edits"),
            value: detail.accepted_edits.min(required),
            max: required.max(1),
        });
        let days = |seconds: u64| seconds.div_ceil(86_400);
        let member_for = (app.now().millis() - detail.since.millis()).max(0) as u64 / 1000;
        let required = days(promotion.min_age.seconds());
        progress.push(Progress {
            label: locale.t("member-progress-days"),
            value: (member_for / 86_400).min(required),
            max: required.max(1),
        });
    }
    let own = viewer.is_some_and(|actor| actor.username.eq_ignore_ascii_case(&detail.user));
    let ladder = if !own && may(&overview.actions, SpaceAction::Sanction) {
        let (steps, next) = app
            .next_sanction(viewer, space, &detail.user)
            .or_page(visit)?;
        steps
            .iter()
            .enumerate()
            .map(|(rung, step)| {
                (
                    step.to_string(),
                    charter_words::step_words(locale, step),
                    rung <= next,
                    rung == next,
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let proposable = if viewer.is_some() && may(&overview.actions, SpaceAction::ProposeRoleChange) {
        STANDINGS
            .into_iter()
            .filter(|s| *s != detail.standing)
            .map(|s| (s.as_str().to_owned(), standing_name(locale, s)))
            .collect()
    } else {
        Vec::new()
    };
    let appointable = if may(&overview.actions, SpaceAction::Appoint) {
        [
            Standing::Newcomer,
            Standing::Contributor,
            Standing::Reviewer,
        ]
        .into_iter()
        .map(|s| {
            (
                s.as_str().to_owned(),
                standing_name(locale, s),
                s == detail.standing,
            )
        })
        .collect()
    } else {
        Vec::new()
    };
    let chrome = visit.chrome(locale.t_with(
        "member-title",
        &[
            ("user", Arg::Text(&detail.user)),
            ("space", Arg::Text(&overview.space.title)),
        ],
    ));
    let page = MemberPage {
        chrome: &chrome,
        slug: overview.space.slug.clone(),
        standing: standing_name(locale, detail.standing),
        rule: standing_story(app, visit, space, &detail.user, detail.standing)
            .unwrap_or_else(|| locale.t(&format!("standing-rule-{}", detail.standing.as_str()))),
        next: detail
            .next
            .as_ref()
            .map(|n| standing_name(locale, n.standing)),
        missing,
        progress,
        since: detail.since,
        accepted_edits: detail.accepted_edits,
        inherited_from: detail.inherited_from,
        sanctions: detail
            .sanctions
            .into_iter()
            .map(|sanction| {
                let words = crate::governance::charter::Step::parse(&sanction.step).map_or_else(
                    || sanction.step.clone(),
                    |step| charter_words::step_words(locale, &step),
                );
                (sanction, words)
            })
            .collect(),
        appointable,
        problem,
        own,
        proposable,
        may_report: !own && viewer.is_some() && may(&overview.actions, SpaceAction::Report),
        ladder,
        message,
        user: detail.user,
    };
    Ok(html_response(locale, status, page.render()))
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    standing: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    sanction: String,
    /// The ladder step a sanction issues (empty: the charter's next).
    #[serde(default)]
    step: String,
}

/// `POST /spaces/{space}/members/{user}`: a steward appoints; the member
/// appeals a sanction (which opens an `appeal` proposal).
pub async fn member_submit(
    State(app): State<App>,
    visit: Visit,
    Path((space, user)): Path<(String, String)>,
    form: Result<Form<MemberForm>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(form) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let actor = check_csrf(&visit, &form.csrf)?;
    let reason = form.reason.trim();
    let done = match form.action.as_str() {
        "report" => Some(
            app.report(actor, &space, Some(&user), None, reason)
                .await
                .map(|_| visit.locale.t("member-reported")),
        ),
        "sanction" => {
            let step = Some(form.step.trim()).filter(|s| !s.is_empty());
            Some(
                app.issue_sanction(actor, &space, &user, reason, step)
                    .await
                    .map(|_| visit.locale.t("member-sanctioned")),
            )
        }
        _ => None,
    };
    if let Some(done) = done {
        let shown = match done {
            Ok(message) => (Some(message), None),
            Err(error) => {
                let (problem, status) = Refusal::shown(&visit, error)?;
                return render_member(&app, &visit, &space, &user, (None, Some(problem)), status);
            }
        };
        return render_member(&app, &visit, &space, &user, shown, StatusCode::OK);
    }
    if form.action == "propose_role" {
        let request = ProposalRequest {
            kind: ProposalKind::RoleChange,
            title: visit.locale.t_with(
                "member-role-proposal-title",
                &[
                    ("user", Arg::Text(&user)),
                    ("standing", Arg::Text(&form.standing)),
                ],
            ),
            rationale: Some(form.reason.trim().to_owned()).filter(|r| !r.is_empty()),
            payload: serde_json::json!({"user": user, "standing": form.standing}),
        };
        return match app.open_proposal(actor, &space, request).await {
            Ok(proposal) => Ok(
                Redirect::to(&super::proposals::proposal_url(&space, proposal.id)).into_response(),
            ),
            Err(error) => {
                let (problem, status) = Refusal::shown(&visit, error)?;
                render_member(&app, &visit, &space, &user, (None, Some(problem)), status)
            }
        };
    }
    if form.action == "appeal" {
        let id: u64 = form.sanction.trim().parse().map_err(|_| {
            WebError::coded(&visit, ErrorCode::InvalidInput, "sanction is a number")
        })?;
        return match app.appeal(actor, &space, id, form.reason.trim()).await {
            Ok(proposal) => Ok(
                Redirect::to(&super::proposals::proposal_url(&space, proposal.id)).into_response(),
            ),
            Err(error) => {
                let (problem, status) = Refusal::shown(&visit, error)?;
                render_member(&app, &visit, &space, &user, (None, Some(problem)), status)
            }
        };
    }
    let standing = serde_json::from_value::<Standing>(serde_json::Value::String(form.standing))
        .map_err(|_| {
            WebError::coded(
                &visit,
                ErrorCode::InvalidInput,
                "standing is newcomer, contributor, reviewer or steward",
            )
        })?;
    let reason = Some(form.reason.trim().to_owned()).filter(|r| !r.is_empty());
    match app.appoint(actor, &space, &user, standing, reason).await {
        Ok(_) => {
            let said = visit.locale.t_with(
                "member-appointed",
                &[(
                    "standing",
                    Arg::Text(&standing_name(visit.locale, standing)),
                )],
            );
            render_member(
                &app,
                &visit,
                &space,
                &user,
                (Some(said), None),
                StatusCode::OK,
            )
        }
        Err(error) => {
            let (problem, status) = Refusal::shown(&visit, error)?;
            render_member(&app, &visit, &space, &user, (None, Some(problem)), status)
        }
    }
}
