//! The form that proposes a change of a space's charter: every rule of the
//! typed `Charter` as a field, grouped as the charter page groups them
//! (reading and joining, publishing, rate limits, promotion, each kind of
//! vote, sanctions, edit wars, page protection, locks for spaces inside).
//! The merge patch is built from the fields changed only; fields an
//! enclosing space locked are disabled and ignored if sent anyway; a value
//! the engine refuses is explained next to its field.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::charter_words::{serde_plain, standing_name};
use super::chrome::{Chrome, Visit};
use super::edit::check_csrf;
use super::errors::{OrPage, Refusal, WebError};
use super::html_response;
use super::proposals::proposal_url;
use super::spaces::STANDINGS;
use crate::governance::charter::{VoteRule, touches};
use crate::governance::{Charter, CharterError, Span};
use crate::i18n::Locale;
use crate::model::{ErrorCode, ProposalKind};
use crate::service::{App, ProposalRequest, ServiceError};

/// What a field's text stands for in the merge patch.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string as typed (a choice, a duration like "3d").
    Text,
    /// A whole number.
    Count,
    /// A share typed as a percentage ("66" → 0.66).
    Percent,
    /// Empty removes the rule (`null`): no rate limit, no lazy consensus,
    /// the default protection.
    Optional,
    /// A comma-separated list ("warning, suspension:1d").
    List,
    /// "true" or "false".
    Flag,
}

/// One field of the charter form.
pub struct Field {
    /// The input's id, unique in the form.
    pub id: String,
    /// The charter path (`edit.approvals_required`), also the input's name.
    pub path: String,
    pub label: String,
    pub value: String,
    /// For a select: (value, label) choices; empty for a text input.
    pub choices: Vec<(String, String)>,
    pub kind: Kind,
    pub locked: bool,
    /// Why the value sent was refused, in place.
    pub error: Option<String>,
}

impl Field {
    pub fn numeric(&self) -> bool {
        matches!(self.kind, Kind::Count | Kind::Percent)
    }
}

/// A fieldset of the form.
pub struct Group {
    pub legend: String,
    pub help: Option<String>,
    pub fields: Vec<Field>,
}

/// Builds the fields of one charter, knowing the paths locked above.
struct Builder<'a> {
    locale: Locale,
    locked: &'a [String],
    standings: Vec<(String, String)>,
}

impl Builder<'_> {
    fn field(&self, path: &str, label: String, value: String, kind: Kind) -> Field {
        Field {
            id: String::new(),
            locked: self.locked.iter().any(|lock| touches(path, lock)),
            path: path.to_owned(),
            label,
            value,
            choices: Vec::new(),
            kind,
            error: None,
        }
    }

    /// A field whose label is `charter-field-<path>`.
    fn named(&self, path: &str, value: String, kind: Kind) -> Field {
        let label = self
            .locale
            .t(&format!("charter-field-{}", path.replace(['.', '_'], "-")));
        self.field(path, label, value, kind)
    }

    fn choice(&self, path: &str, value: String, values: &[&str]) -> Field {
        let mut field = self.named(path, value, Kind::Text);
        field.choices = values
            .iter()
            .map(|v| {
                (
                    (*v).to_owned(),
                    self.locale.t(&format!("charter-choice-{v}")),
                )
            })
            .collect();
        if path == "edit.self_approval" {
            field.kind = Kind::Flag;
        }
        field
    }

    fn standing(&self, path: &str, label: String, value: String) -> Field {
        let mut field = self.field(path, label, value, Kind::Text);
        field.choices = self.standings.clone();
        field
    }

    fn named_standing(&self, path: &str, value: String) -> Field {
        let mut field = self.named(path, value, Kind::Text);
        field.choices = self.standings.clone();
        field
    }

    fn group(&self, legend: &str, fields: Vec<Field>) -> Group {
        Group {
            legend: self.locale.t(legend),
            help: None,
            fields,
        }
    }

    fn vote_group(&self, kind: &str, rule: &VoteRule) -> Group {
        let path = |leaf: &str| format!("votes.{kind}.{leaf}");
        let label = |leaf: &str| self.locale.t(&format!("charter-field-vote-{leaf}"));
        self.group(
            &format!("charter-group-vote-{}", kind.replace('_', "-")),
            vec![
                self.standing(
                    &path("eligible_min"),
                    label("eligible-min"),
                    rule.eligible_min.as_str().to_owned(),
                ),
                self.field(
                    &path("quorum"),
                    label("quorum"),
                    percent_text(rule.quorum),
                    Kind::Percent,
                ),
                self.field(
                    &path("threshold"),
                    label("threshold"),
                    percent_text(rule.threshold),
                    Kind::Percent,
                ),
                self.field(
                    &path("duration"),
                    label("duration"),
                    rule.duration.to_string(),
                    Kind::Text,
                ),
            ],
        )
    }
}

/// The form's fields with the charter's current values; `protect` adds a
/// protection rule for that page (from the page's tools).
pub fn groups(
    locale: Locale,
    charter: &Charter,
    locked: &[String],
    protect: Option<&str>,
) -> Vec<Group> {
    let b = Builder {
        locale,
        locked,
        standings: STANDINGS
            .iter()
            .map(|s| (s.as_str().to_owned(), standing_name(locale, *s)))
            .collect(),
    };
    let span = |span: Option<Span>| span.map(|s| s.to_string()).unwrap_or_default();
    let edit = &charter.edit;
    let mut rates = b.group(
        "charter-group-rates",
        STANDINGS
            .iter()
            .map(|standing| {
                let rate = charter.rate_limits.get(standing);
                b.field(
                    &format!("rate_limits.{}", standing.as_str()),
                    standing_name(locale, *standing),
                    rate.map(ToString::to_string).unwrap_or_default(),
                    Kind::Optional,
                )
            })
            .collect(),
    );
    rates.help = Some(locale.t("charter-group-rates-help"));
    let mut protection = b.group(
        "charter-group-protection",
        vec![b.named_standing(
            "protection.default",
            charter.protection.default.as_str().to_owned(),
        )],
    );
    protection.help = Some(locale.t("charter-group-protection-help"));
    let pages = charter
        .protection
        .pages
        .keys()
        .map(String::as_str)
        .chain(protect.filter(|page| !charter.protection.pages.contains_key(*page)));
    for page in pages {
        let mut field = b.standing(
            &format!("protection.pages.{page}"),
            page.to_owned(),
            charter
                .protection
                .pages
                .get(page)
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
        );
        field.kind = Kind::Optional;
        field.choices.insert(
            0,
            (String::new(), locale.t("charter-choice-protection-none")),
        );
        protection.fields.push(field);
    }
    let mut groups = vec![
        b.group(
            "charter-group-membership",
            vec![
                b.choice(
                    "visibility",
                    serde_plain(&charter.visibility),
                    &["public", "members"],
                ),
                b.choice(
                    "join",
                    serde_plain(&charter.join),
                    &["open", "approval", "invite"],
                ),
                b.choice(
                    "subspaces",
                    serde_plain(&charter.subspaces),
                    &["stewards", "vote"],
                ),
            ],
        ),
        b.group(
            "charter-group-publishing",
            vec![
                b.named_standing(
                    "edit.publish_directly_min",
                    edit.publish_directly_min.as_str().to_owned(),
                ),
                b.named(
                    "edit.approvals_required",
                    edit.approvals_required.to_string(),
                    Kind::Count,
                ),
                b.named_standing("edit.review_min", edit.review_min.as_str().to_owned()),
                b.choice(
                    "edit.self_approval",
                    edit.self_approval.to_string(),
                    &["false", "true"],
                ),
                b.named(
                    "review.lazy_consensus_after",
                    span(charter.review.lazy_consensus_after),
                    Kind::Optional,
                ),
                b.named(
                    "edit.max_page_bytes",
                    edit.max_page_bytes.to_string(),
                    Kind::Count,
                ),
            ],
        ),
        protection,
        rates,
        b.group(
            "charter-group-promotion",
            vec![
                b.named(
                    "promotion.accepted_edits",
                    charter.promotion.accepted_edits.to_string(),
                    Kind::Count,
                ),
                b.named(
                    "promotion.min_age",
                    span(Some(charter.promotion.min_age)),
                    Kind::Text,
                ),
            ],
        ),
    ];
    let votes = &charter.votes;
    for (kind, rule) in [
        ("charter_change", &votes.charter_change),
        ("role_change", &votes.role_change),
        ("appeal", &votes.appeal),
        ("dispute", &votes.dispute),
        ("create_space", &votes.create_space),
    ] {
        groups.push(b.vote_group(kind, rule));
    }
    let ladder = charter
        .sanctions
        .ladder
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    groups.push(b.group(
        "charter-group-sanctions",
        vec![
            b.named("sanctions.ladder", ladder, Kind::List),
            b.named(
                "sanctions.decay",
                charter.sanctions.decay.to_string(),
                Kind::Text,
            ),
        ],
    ));
    let war = &charter.edit_war;
    groups.push(b.group(
        "charter-group-edit-war",
        vec![
            b.named("edit_war.reverts", war.reverts.to_string(), Kind::Count),
            b.named("edit_war.window", war.window.to_string(), Kind::Text),
            b.named_standing("edit_war.lock_to", war.lock_to.as_str().to_owned()),
        ],
    ));
    groups.push(b.group(
        "charter-group-children",
        vec![b.named(
            "locked_fields",
            charter.locked_fields.join(", "),
            Kind::List,
        )],
    ));
    let mut number = 0;
    for field in groups.iter_mut().flat_map(|g| g.fields.iter_mut()) {
        number += 1;
        field.id = format!("field-{number}");
    }
    groups
}

/// What the value of the field at `path` must look like, in words, when
/// the engine refused it (its own message, in English, stays in the
/// summary above the form).
fn expected(locale: Locale, path: &str, error: &CharterError) -> String {
    if matches!(error, CharterError::Locked { .. }) {
        return locale.t("charter-field-locked");
    }
    let leaf = path.rsplit('.').next().unwrap_or(path);
    let id = match (path.split('.').next().unwrap_or(path), leaf) {
        ("protection", _) if path.starts_with("protection.pages.") => "charter-expect-page",
        ("rate_limits", _) => "charter-expect-rate",
        ("locked_fields", _) => "charter-expect-locked-fields",
        (_, "approvals_required") => "charter-expect-approvals",
        (_, "max_page_bytes") => "charter-expect-page-bytes",
        (_, "quorum" | "threshold") => "charter-expect-percent",
        (_, "duration" | "min_age" | "decay" | "window" | "lazy_consensus_after") => {
            "charter-expect-span"
        }
        (_, "ladder") => "charter-expect-ladder",
        (_, "reverts") => "charter-expect-reverts",
        (_, "accepted_edits") => "charter-expect-count",
        _ => "charter-expect-choice",
    };
    locale.t(id)
}

/// "66" for 0.66, "12.5" for 0.125.
fn percent_text(share: f64) -> String {
    let value = (share * 1000.0).round() / 10.0;
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

/// The items of a comma-separated list, trimmed.
fn list_items(text: &str) -> Vec<&str> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect()
}

/// The text sent, in the form the field shows, to tell a change apart.
fn normalized(kind: Kind, text: &str) -> String {
    match kind {
        Kind::List => list_items(text).join(", "),
        _ => text.trim().to_owned(),
    }
}

/// The JSON value a field's text stands for at its path; a text that is not
/// a number where one is expected goes as typed, for the engine to refuse
/// in words.
fn field_value(kind: Kind, sent: &str) -> Value {
    let sent = sent.trim();
    match kind {
        Kind::Count => sent
            .parse::<u64>()
            .map_or_else(|_| json!(sent), |n| json!(n)),
        Kind::Percent => sent
            .trim_end_matches('%')
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map_or_else(|| json!(sent), |n| json!((n * 10.0).round() / 1000.0)),
        Kind::Optional if sent.is_empty() => Value::Null,
        Kind::List => json!(list_items(sent)),
        Kind::Flag => json!(sent == "true"),
        Kind::Text | Kind::Optional => json!(sent),
    }
}

/// Sets `value` at the dotted `path` of `patch`. A page's name may hold
/// dots: below `protection.pages` the rest of the path is one key.
fn set_path(patch: &mut Map<String, Value>, path: &str, value: Value) {
    let keys: Vec<&str> = match path.strip_prefix("protection.pages.") {
        Some(page) => vec!["protection", "pages", page],
        None => path.split('.').collect(),
    };
    let Some((last, parents)) = keys.split_last() else {
        return;
    };
    let mut map = patch;
    for key in parents {
        map = object_at(map, key);
    }
    map.insert((*last).to_owned(), value);
}

/// The object at `key` of `map`, made when missing.
fn object_at<'m>(map: &'m mut Map<String, Value>, key: &str) -> &'m mut Map<String, Value> {
    let entry = map
        .entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry
        .as_object_mut()
        .unwrap_or_else(|| unreachable!("made an object just above"))
}

#[derive(Template)]
#[template(path = "charter_form.html")]
struct CharterForm<'a> {
    chrome: &'a Chrome,
    slug: String,
    groups: Vec<Group>,
    title: String,
    rationale: String,
    problem: Option<String>,
}

#[derive(Deserialize)]
pub struct FormParams {
    /// A page to protect: its rule is added to the form.
    #[serde(default)]
    protect: Option<String>,
}

/// `/spaces/{space}/proposals/new`: propose a change of the charter.
pub async fn charter_form(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
    Query(params): Query<FormParams>,
) -> Result<Response, WebError> {
    if visit.auth.is_none() {
        let login = visit.chrome("").login_url();
        return Ok(Redirect::to(&login).into_response());
    }
    let overview = app
        .charter_overview(visit.actor(), &space)
        .or_page(&visit)?;
    let protect = params
        .protect
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let groups = groups(
        visit.locale,
        &overview.charter,
        &overview.locked_above,
        protect,
    );
    let title = protect.map_or_else(String::new, |page| {
        visit.locale.t_with(
            "charter-protect-title",
            &[("page", crate::i18n::Arg::Text(page))],
        )
    });
    render(
        &visit,
        &space,
        groups,
        title,
        String::new(),
        None,
        StatusCode::OK,
    )
}

fn render(
    visit: &Visit,
    space: &str,
    groups: Vec<Group>,
    title: String,
    rationale: String,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let chrome = visit.chrome(visit.locale.t("charter-propose"));
    let page = CharterForm {
        chrome: &chrome,
        slug: space.to_owned(),
        groups,
        title,
        rationale,
        problem,
    };
    Ok(html_response(visit.locale, status, page.render()))
}

/// `POST /spaces/{space}/proposals/new`: opens a `charter_change` with the
/// merge patch of the fields changed.
pub async fn propose_charter_change(
    State(app): State<App>,
    visit: Visit,
    Path(space): Path<String>,
    form: Result<Form<BTreeMap<String, String>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(sent) =
        form.map_err(|r| WebError::coded(&visit, ErrorCode::InvalidInput, r.body_text()))?;
    let actor = check_csrf(&visit, sent.get("csrf").map_or("", String::as_str))?;
    let overview = app.charter_overview(Some(actor), &space).or_page(&visit)?;
    // A page being protected comes back as a field of its own.
    let protect = sent
        .keys()
        .find_map(|key| key.strip_prefix("protection.pages."));
    let mut groups = groups(
        visit.locale,
        &overview.charter,
        &overview.locked_above,
        protect,
    );
    let mut patch = Map::new();
    for field in groups.iter_mut().flat_map(|g| g.fields.iter_mut()) {
        let Some(value) = sent.get(&field.path) else {
            continue;
        };
        let value = normalized(field.kind, value);
        // A locked field sent changed anyway (a stale form, a hand-made
        // request) goes to the engine, which refuses it in words.
        if value == field.value {
            continue;
        }
        set_path(&mut patch, &field.path, field_value(field.kind, &value));
        field.value = value;
    }
    let title = sent.get("title").cloned().unwrap_or_default();
    let rationale = sent.get("rationale").cloned().unwrap_or_default();
    let outcome = if patch.is_empty() {
        Err(ServiceError::InvalidInput(
            visit.locale.t("charter-propose-nothing"),
        ))
    } else {
        let request = ProposalRequest {
            kind: ProposalKind::CharterChange,
            title: title.clone(),
            rationale: Some(rationale.clone()).filter(|r| !r.trim().is_empty()),
            payload: json!({ "patch": Value::Object(patch) }),
        };
        app.open_proposal(actor, &space, request).await
    };
    match outcome {
        Ok(proposal) => Ok(Redirect::to(&proposal_url(&space, proposal.id)).into_response()),
        Err(error) => {
            if let ServiceError::Charter(charter_error) = &error {
                // "sanctions.ladder[1]" is the ladder's field.
                let wrong = charter_error.field().split('[').next().unwrap_or_default();
                for field in groups.iter_mut().flat_map(|g| g.fields.iter_mut()) {
                    if touches(wrong, &field.path) {
                        field.error = Some(expected(visit.locale, &field.path, charter_error));
                    }
                }
            }
            let (problem, status) = Refusal::shown(&visit, error)?;
            render(
                &visit,
                &space,
                groups,
                title,
                rationale,
                Some(problem),
                status,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_become_a_merge_patch() {
        let mut patch = Map::new();
        set_path(&mut patch, "edit.approvals_required", json!(2));
        set_path(
            &mut patch,
            "votes.dispute.quorum",
            field_value(Kind::Percent, "33,5 %"),
        );
        set_path(
            &mut patch,
            "rate_limits.newcomer",
            field_value(Kind::Optional, " "),
        );
        set_path(&mut patch, "protection.pages.Guide v1.2", json!("reviewer"));
        set_path(
            &mut patch,
            "sanctions.ladder",
            field_value(Kind::List, "warning,\n suspension:1d , ban"),
        );
        assert_eq!(
            Value::Object(patch),
            json!({
                "edit": {"approvals_required": 2},
                "votes": {"dispute": {"quorum": 0.335}},
                "rate_limits": {"newcomer": null},
                "protection": {"pages": {"Guide v1.2": "reviewer"}},
                "sanctions": {"ladder": ["warning", "suspension:1d", "ban"]},
            })
        );
    }

    #[test]
    fn percentages_read_back_as_typed() {
        assert_eq!(percent_text(0.66), "66");
        assert_eq!(percent_text(0.125), "12.5");
        assert_eq!(field_value(Kind::Percent, "66"), json!(0.66));
        assert_eq!(field_value(Kind::Percent, "beaucoup"), json!("beaucoup"));
    }

    #[test]
    fn every_rule_of_the_default_charter_has_a_field() {
        let charter = Charter::default();
        let groups = groups(Locale::En, &charter, &[], Some("Accueil"));
        let paths: Vec<&str> = groups
            .iter()
            .flat_map(|g| g.fields.iter().map(|f| f.path.as_str()))
            .collect();
        let every = crate::governance::charter::paths_set(
            &serde_json::to_value(&charter).expect("a charter serialises"),
        );
        for path in every {
            let covered = paths.iter().any(|field| touches(field, &path));
            assert!(covered, "{path} has no field");
        }
        assert!(paths.contains(&"protection.pages.Accueil"));
    }
}
