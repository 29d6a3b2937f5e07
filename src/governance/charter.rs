//! The charter: a space's own rules (Ostrom's principle 2), as a typed
//! document with the instance defaults of `governance.md`.
//!
//! A space stores a JSON merge patch (RFC 7396) over its parent's resolved
//! charter (over the default charter for a top-level space). Resolving
//! applies the patches root first, refuses any patch that sets a field an
//! ancestor locked, and validates the result: unknown fields, wrong types
//! and out-of-range values are refused with the dotted path of the field.
//! `schema/charter.schema.json` is generated from these types.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::model::Standing;

/// Why a charter (or a patch to one) is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CharterError {
    /// A value fails validation; `field` is its dotted path.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The patch sets a field an ancestor locked.
    #[error("{field} is locked by an enclosing space's charter")]
    Locked { field: String },
}

impl CharterError {
    fn invalid(field: &str, message: impl Into<String>) -> Self {
        CharterError::Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn field(&self) -> &str {
        match self {
            CharterError::Invalid { field, .. } | CharterError::Locked { field } => field,
        }
    }
}

/// A duration written `<n>s`, `<n>m`, `<n>h` or `<n>d` ("90s", "72h", "3d").
/// It keeps the unit it was written in, so a charter reads back as written.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    seconds: u64,
    unit: char,
}

impl PartialEq for Span {
    fn eq(&self, other: &Self) -> bool {
        self.seconds == other.seconds
    }
}

impl Eq for Span {}

impl PartialOrd for Span {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Span {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.seconds.cmp(&other.seconds)
    }
}

fn unit_seconds(unit: char) -> Option<u64> {
    match unit {
        's' => Some(1),
        'm' => Some(60),
        'h' => Some(3600),
        'd' => Some(86_400),
        _ => None,
    }
}

impl Span {
    pub fn parse(text: &str) -> Option<Span> {
        let text = text.trim();
        let unit = text.chars().last()?;
        let count: u64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
        let seconds = count.checked_mul(unit_seconds(unit)?)?;
        Some(Span { seconds, unit })
    }

    pub fn seconds(self) -> u64 {
        self.seconds
    }

    pub fn duration(self) -> Duration {
        Duration::from_secs(self.seconds)
    }

    /// The count and the unit it was written in: `(3, 'd')` for "3d".
    pub fn parts(self) -> (u64, char) {
        let per = unit_seconds(self.unit).unwrap_or(1);
        (self.seconds / per, self.unit)
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (count, unit) = self.parts();
        write!(f, "{count}{unit}")
    }
}

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Span::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not a duration like \"90s\", \"72h\" or \"3d\""
            ))
        })
    }
}

impl JsonSchema for Span {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]+[smhd]$",
            "description": "A duration: a number then s, m, h or d (\"90s\", \"72h\", \"3d\").",
        })
    }
}

/// A rate written `<n>/<unit>`: "10/h", "120/h", "5/m", "100/d".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub per: Duration,
}

impl Rate {
    pub fn parse(text: &str) -> Option<Rate> {
        let (count, unit) = text.trim().split_once('/')?;
        let per = match unit.trim() {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86_400,
            _ => return None,
        };
        Some(Rate {
            count: count.trim().parse().ok()?,
            per: Duration::from_secs(per),
        })
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.per.as_secs() {
            1 => "s",
            60 => "m",
            3600 => "h",
            _ => "d",
        };
        write!(f, "{}/{unit}", self.count)
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Rate::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not a rate like \"10/h\" (s, m, h or d)"
            ))
        })
    }
}

impl JsonSchema for Rate {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rate".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]+/[smhd]$",
            "description": "At most this many edits per second, minute, hour or day (\"10/h\").",
        })
    }
}

/// One step of the sanction ladder: "warning", "probation:7d",
/// "suspension:1d", "ban".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Warning,
    Probation(Span),
    Suspension(Span),
    Ban,
}

impl Step {
    pub fn parse(text: &str) -> Option<Step> {
        match text.trim().split_once(':') {
            None if text.trim() == "warning" => Some(Step::Warning),
            None if text.trim() == "ban" => Some(Step::Ban),
            Some(("probation", span)) => Span::parse(span).map(Step::Probation),
            Some(("suspension", span)) => Span::parse(span).map(Step::Suspension),
            _ => None,
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Warning => write!(f, "warning"),
            Step::Probation(span) => write!(f, "probation:{span}"),
            Step::Suspension(span) => write!(f, "suspension:{span}"),
            Step::Ban => write!(f, "ban"),
        }
    }
}

impl Serialize for Step {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Step::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not a step (warning, probation:<duration>, suspension:<duration>, ban)"
            ))
        })
    }
}

impl JsonSchema for Step {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LadderStep".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^(warning|ban|probation:[0-9]+[smhd]|suspension:[0-9]+[smhd])$",
            "description": "warning (recorded only), probation:<duration> (edits go to review), suspension:<duration> (no edits, votes or reports), ban (membership removed).",
        })
    }
}

/// Who may read the space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Anyone, signed in or not.
    Public,
    /// Members only; to everyone else the space does not exist.
    Members,
}

/// How people become members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JoinPolicy {
    /// Anyone signed in joins at will; a first contribution joins too.
    Open,
    /// A reviewer or steward accepts each request.
    Approval,
    /// Only by invitation.
    Invite,
}

/// How child spaces are created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subspaces {
    /// A steward of this space creates them directly.
    Stewards,
    /// Through a `create_space` proposal.
    Vote,
}

/// Who publishes, who reviews, and how big a page may be.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditRules {
    /// The lowest standing whose edits publish at once; below it, they wait
    /// for review.
    pub publish_directly_min: Standing,
    /// Approvals that publish a pending revision (1 to 100).
    #[schemars(range(min = 1, max = 100))]
    pub approvals_required: u32,
    /// The lowest standing that may approve or reject pending revisions.
    pub review_min: Standing,
    /// Whether an author may approve their own revision.
    pub self_approval: bool,
    /// The largest page text, in bytes of UTF-8 (at most 16 MiB).
    #[schemars(range(min = 1, max = 16_777_216))]
    pub max_page_bytes: u64,
}

/// Which standing may edit which page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Protection {
    /// The lowest standing that may edit a page not listed below.
    pub default: Standing,
    /// Page slug → the lowest standing that may edit it.
    pub pages: BTreeMap<String, Standing>,
}

/// One page's protection (or the default's, when `page` is `None`) as a
/// charter change alters it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectionChange {
    pub page: Option<String>,
    pub from: Standing,
    pub to: Standing,
}

impl Protection {
    /// What changes from `self` to `after`: the default, then each page
    /// whose required standing differs, in slug order.
    pub fn changes_to(&self, after: &Protection) -> Vec<ProtectionChange> {
        let mut changes = Vec::new();
        if self.default != after.default {
            changes.push(ProtectionChange {
                page: None,
                from: self.default,
                to: after.default,
            });
        }
        let slugs: std::collections::BTreeSet<&String> =
            self.pages.keys().chain(after.pages.keys()).collect();
        for slug in slugs {
            let from = self.pages.get(slug).copied().unwrap_or(self.default);
            let to = after.pages.get(slug).copied().unwrap_or(after.default);
            if from != to {
                changes.push(ProtectionChange {
                    page: Some(slug.clone()),
                    from,
                    to,
                });
            }
        }
        changes
    }
}

/// When a newcomer becomes a contributor, by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Promotion {
    /// Published edits needed in the space.
    pub accepted_edits: u32,
    /// Time since joining needed.
    pub min_age: Span,
}

/// How the review queue resolves by itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRules {
    /// When set, a pending revision nobody rejected within this time is
    /// published (lazy consensus); `null` disables it.
    pub lazy_consensus_after: Option<Span>,
}

/// Who votes on a kind of proposal, and what passes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRule {
    /// The lowest standing that may vote.
    pub eligible_min: Standing,
    /// Share of eligible voters who must vote (yes, no or abstain), 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub quorum: f64,
    /// Share of yes among yes and no needed to pass, 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub threshold: f64,
    /// How long the vote stays open.
    pub duration: Span,
}

/// The rule of each kind of proposal (collective choice).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Votes {
    /// Changing the charter (a JSON merge patch).
    pub charter_change: VoteRule,
    /// Granting a standing (steward comes only this way).
    pub role_change: VoteRule,
    /// Appealing a sanction.
    pub appeal: VoteRule,
    /// Resolving a dispute over a page.
    pub dispute: VoteRule,
    /// Creating a child space.
    pub create_space: VoteRule,
}

/// Graduated sanctions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sanctions {
    /// The graduated steps, lightest first.
    pub ladder: Vec<Step>,
    /// Sanctions older than this no longer count toward the next step.
    pub decay: Span,
}

/// When repeated reverts open a dispute by themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditWar {
    /// Reverts of one page within `window`, by two users or more, that open
    /// a dispute and lock the page (at least 2).
    #[schemars(range(min = 2))]
    pub reverts: u32,
    /// The time within which the reverts count.
    pub window: Span,
    /// The lowest standing that may edit a disputed page.
    pub lock_to: Standing,
}

/// A space's rules. Every field has the instance default; a space's stored
/// charter is a merge patch over its parent's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Ostrom space charter")]
pub struct Charter {
    /// Who may read the space.
    pub visibility: Visibility,
    /// How people become members.
    pub join: JoinPolicy,
    /// Publishing and review.
    pub edit: EditRules,
    /// Which standing may edit which page.
    pub protection: Protection,
    /// Standing → the most edits it may make in the space; standings not
    /// listed (and administrators) have no limit.
    pub rate_limits: BTreeMap<Standing, Rate>,
    /// Automatic promotion from newcomer to contributor.
    pub promotion: Promotion,
    /// Lazy consensus.
    pub review: ReviewRules,
    /// Proposals and their votes.
    pub votes: Votes,
    /// The sanction ladder.
    pub sanctions: Sanctions,
    /// Edit-war detection.
    pub edit_war: EditWar,
    /// How child spaces are created.
    pub subspaces: Subspaces,
    /// Dotted paths (`visibility`, `edit.approvals_required`) no descendant
    /// space may set.
    pub locked_fields: Vec<String>,
}

/// The instance's default charter, as in `governance.md`.
pub fn default_charter_json() -> Value {
    let vote = |eligible: &str, quorum: f64, threshold: f64, duration: &str| serde_json::json!({"eligible_min": eligible, "quorum": quorum, "threshold": threshold, "duration": duration});
    serde_json::json!({
        "visibility": "public",
        "join": "open",
        "edit": {
            "publish_directly_min": "contributor",
            "approvals_required": 1,
            "review_min": "reviewer",
            "self_approval": false,
            "max_page_bytes": 1_048_576
        },
        "protection": { "default": "newcomer", "pages": {} },
        "rate_limits": { "newcomer": "10/h", "contributor": "120/h" },
        "promotion": { "accepted_edits": 5, "min_age": "3d" },
        "review": { "lazy_consensus_after": null },
        "votes": {
            "charter_change": vote("contributor", 0.2, 0.66, "72h"),
            "role_change": vote("contributor", 0.1, 0.5, "48h"),
            "appeal": vote("reviewer", 0.3, 0.5, "48h"),
            "dispute": vote("reviewer", 0.3, 0.5, "48h"),
            "create_space": vote("contributor", 0.1, 0.5, "48h")
        },
        "sanctions": {
            "ladder": ["warning", "probation:7d", "suspension:1d", "suspension:7d", "suspension:30d", "ban"],
            "decay": "180d"
        },
        "edit_war": { "reverts": 3, "window": "24h", "lock_to": "reviewer" },
        "subspaces": "stewards",
        "locked_fields": []
    })
}

impl Default for Charter {
    fn default() -> Self {
        // The default is valid by construction; a test keeps it so.
        serde_json::from_value(default_charter_json())
            .unwrap_or_else(|error| unreachable!("the default charter is invalid: {error}"))
    }
}

/// The dotted paths a merge patch sets (its leaves, and its nulls).
pub fn paths_set(patch: &Value) -> Vec<String> {
    fn walk(value: &Value, prefix: &str, out: &mut Vec<String>) {
        match value {
            Value::Object(fields) if !fields.is_empty() => {
                for (key, inner) in fields {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(inner, &path, out);
                }
            }
            _ if !prefix.is_empty() => out.push(prefix.to_owned()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(patch, "", &mut out);
    out
}

/// Whether setting `path` touches the locked path `locked` (the same
/// field, a field inside it, or a field containing it).
pub fn touches(path: &str, locked: &str) -> bool {
    let within =
        |inner: &str, outer: &str| inner == outer || inner.starts_with(&format!("{outer}."));
    within(path, locked) || within(locked, path)
}

/// Applies `patch` over `parent` (a resolved charter): refuses fields the
/// parent's `locked_fields` name, then validates the result.
pub fn apply_patch(parent: &Charter, patch: &Value) -> Result<Charter, CharterError> {
    patch_over(parent, parent, patch)
}

/// `patch` applied over `base`, with the locks of `parent` (the locks that
/// bind the space whose charter this is).
fn patch_over(parent: &Charter, base: &Charter, patch: &Value) -> Result<Charter, CharterError> {
    if !patch.is_object() && !patch.is_null() {
        return Err(CharterError::invalid(
            "(charter)",
            "a charter is a JSON object",
        ));
    }
    for path in paths_set(patch) {
        if let Some(locked) = parent
            .locked_fields
            .iter()
            .find(|locked| touches(&path, locked))
        {
            return Err(CharterError::Locked {
                field: if path.len() >= locked.len() {
                    path
                } else {
                    locked.clone()
                },
            });
        }
    }
    let mut merged = serde_json::to_value(base)
        .map_err(|e| CharterError::invalid("(charter)", e.to_string()))?;
    json_patch::merge(&mut merged, patch);
    let mut charter = parse(&merged)?;
    // What an ancestor locked stays locked below, whatever the patch says.
    for locked in &parent.locked_fields {
        if !charter.locked_fields.contains(locked) {
            charter.locked_fields.push(locked.clone());
        }
    }
    Ok(charter)
}

/// A `charter_change`: `patch` applied over the space's `current` resolved
/// charter (only its ancestors' locks, those of `parent`, bind it). Returns
/// the new charter and the merge patch over `parent` to store for it.
pub fn change(
    parent: &Charter,
    current: &Charter,
    patch: &Value,
) -> Result<(Charter, Value), CharterError> {
    let changed = patch_over(parent, current, patch)?;
    let as_json = |charter: &Charter| {
        serde_json::to_value(charter).map_err(|e| CharterError::invalid("(charter)", e.to_string()))
    };
    let stored = merge_diff(&as_json(parent)?, &as_json(&changed)?);
    // The stored patch must give back exactly the changed charter.
    if as_json(&apply_patch(parent, &stored)?)? != as_json(&changed)? {
        return Err(CharterError::invalid(
            "(charter)",
            "this change cannot be stored as a patch over the parent's charter",
        ));
    }
    Ok((changed, stored))
}

/// The JSON merge patch (RFC 7396) that turns `from` into `to`.
pub fn merge_diff(from: &Value, to: &Value) -> Value {
    match (from, to) {
        (Value::Object(from), Value::Object(to)) => {
            let mut patch = serde_json::Map::new();
            for (key, new) in to {
                match from.get(key) {
                    Some(old) if old == new => {}
                    Some(old) => {
                        patch.insert(key.clone(), merge_diff(old, new));
                    }
                    None => {
                        patch.insert(key.clone(), new.clone());
                    }
                }
            }
            for key in from.keys().filter(|key| !to.contains_key(*key)) {
                patch.insert(key.clone(), Value::Null);
            }
            Value::Object(patch)
        }
        _ => to.clone(),
    }
}

/// Resolves a space's charter from the patches of its ancestors and its
/// own, outermost first, over the instance default.
pub fn resolve(patches: &[&Value]) -> Result<Charter, CharterError> {
    patches
        .iter()
        .try_fold(Charter::default(), |parent, patch| {
            apply_patch(&parent, patch)
        })
}

/// A full charter from JSON: typed, then checked for ranges and sense.
pub fn parse(value: &Value) -> Result<Charter, CharterError> {
    let charter: Charter = serde_path_to_error::deserialize(value).map_err(|error| {
        let path = name_unnamed_key(value, &error.path().to_string());
        let field = if path == "." {
            "(charter)".to_owned()
        } else {
            path
        };
        CharterError::invalid(&field, error.into_inner().to_string())
    })?;
    validate(&charter)?;
    Ok(charter)
}

/// serde cannot name the entry of a map keyed by an enum (`rate_limits`)
/// that failed: its path says `rate_limits.?`. Find the entry that fails
/// on its own and name it.
fn name_unnamed_key(value: &Value, path: &str) -> String {
    let Some((prefix, rest)) = path.split_once(".?") else {
        return path.to_owned();
    };
    let pointer = format!("/{}", prefix.replace('.', "/"));
    let Some(Value::Object(entries)) = value.pointer(&pointer) else {
        return path.to_owned();
    };
    for key in entries.keys() {
        let mut alone = value.clone();
        if let Some(Value::Object(map)) = alone.pointer_mut(&pointer) {
            map.retain(|k, _| k == key);
        }
        let failing_here = serde_path_to_error::deserialize::<_, Charter>(&alone)
            .err()
            .is_some_and(|e| e.path().to_string().starts_with(&format!("{prefix}.?")));
        if failing_here {
            return format!("{prefix}.{key}{rest}");
        }
    }
    path.to_owned()
}

fn validate(charter: &Charter) -> Result<(), CharterError> {
    let edit = &charter.edit;
    if !(1..=100).contains(&edit.approvals_required) {
        return Err(CharterError::invalid(
            "edit.approvals_required",
            "must be between 1 and 100",
        ));
    }
    if edit.max_page_bytes == 0 || edit.max_page_bytes > 16 * 1024 * 1024 {
        return Err(CharterError::invalid(
            "edit.max_page_bytes",
            "must be between 1 and 16 MiB",
        ));
    }
    for (kind, rule) in [
        ("charter_change", &charter.votes.charter_change),
        ("role_change", &charter.votes.role_change),
        ("appeal", &charter.votes.appeal),
        ("dispute", &charter.votes.dispute),
        ("create_space", &charter.votes.create_space),
    ] {
        for (name, value) in [("quorum", rule.quorum), ("threshold", rule.threshold)] {
            if !(0.0..=1.0).contains(&value) {
                return Err(CharterError::invalid(
                    &format!("votes.{kind}.{name}"),
                    "must be between 0 and 1",
                ));
            }
        }
        if rule.duration.seconds() == 0 {
            return Err(CharterError::invalid(
                &format!("votes.{kind}.duration"),
                "must be longer than 0s",
            ));
        }
    }
    if charter.sanctions.ladder.is_empty() {
        return Err(CharterError::invalid(
            "sanctions.ladder",
            "must have at least one step",
        ));
    }
    if charter.edit_war.reverts < 2 {
        return Err(CharterError::invalid(
            "edit_war.reverts",
            "must be at least 2",
        ));
    }
    validate_rate_limits(charter)?;
    for slug in charter.protection.pages.keys() {
        if crate::model::PageSlug::parse(slug)
            .map(|s| s.as_str() != slug)
            .unwrap_or(true)
        {
            return Err(CharterError::invalid(
                &format!("protection.pages.{slug}"),
                "is not a page slug",
            ));
        }
    }
    let known = paths_set(&default_charter_json());
    for locked in &charter.locked_fields {
        let real = known.iter().any(|path| touches(path, locked))
            || locked.starts_with("protection.pages");
        if !real {
            return Err(CharterError::invalid(
                "locked_fields",
                format!("{locked:?} is not a charter field"),
            ));
        }
    }
    Ok(())
}

/// Rate limits loosen as standing rises: the standings listed are the
/// lowest ones (unlisted standings above them have no limit), and each
/// allows at least as many edits, over no longer a window, as the one below.
/// So a promotion never takes an edit away.
fn validate_rate_limits(charter: &Charter) -> Result<(), CharterError> {
    let order = [
        Standing::Newcomer,
        Standing::Contributor,
        Standing::Reviewer,
        Standing::Steward,
    ];
    let mut below: Option<(Standing, Rate)> = None;
    for (position, standing) in order.iter().enumerate() {
        let Some(rate) = charter.rate_limits.get(standing) else {
            if let Some(listed) = order[position..]
                .iter()
                .find(|s| charter.rate_limits.contains_key(s))
            {
                return Err(CharterError::invalid(
                    &format!("rate_limits.{}", listed),
                    format!("limits a higher standing than {}, which has none", standing),
                ));
            }
            break;
        };
        let field = format!("rate_limits.{}", standing);
        if rate.count == 0 {
            return Err(CharterError::invalid(
                &field,
                "must allow at least one edit",
            ));
        }
        if let Some((lower, lower_rate)) = below
            && (rate.count < lower_rate.count || rate.per > lower_rate.per)
        {
            return Err(CharterError::invalid(
                &field,
                format!("must allow at least what {} may ({lower_rate})", lower),
            ));
        }
        below = Some((*standing, *rate));
    }
    Ok(())
}

/// The JSON Schema of a full charter (`schema/charter.schema.json`).
pub fn json_schema() -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Charter)).unwrap_or_default();
    if let Some(fields) = schema.as_object_mut() {
        fields.insert(
            "description".to_owned(),
            Value::String(
                "A space's charter: its own rules. A space stores a JSON merge patch (RFC 7396) \
                 over its parent's charter (or the instance default), so any subset of these \
                 fields may be given; the resolved charter has them all."
                    .to_owned(),
            ),
        );
        fields.insert("default".to_owned(), default_charter_json());
    }
    schema
}

/// The schema as committed in `schema/charter.schema.json`.
pub fn json_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&json_schema()).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_default_charter_is_valid_and_round_trips() {
        let charter = Charter::default();
        assert_eq!(charter.edit.approvals_required, 1);
        assert_eq!(charter.promotion.min_age, Span::parse("3d").unwrap());
        assert_eq!(
            charter.rate_limits[&Standing::Newcomer],
            Rate::parse("10/h").unwrap()
        );
        assert_eq!(
            serde_json::to_value(&charter).unwrap(),
            default_charter_json()
        );
    }

    #[test]
    fn durations_rates_and_steps() {
        assert_eq!(Span::parse("90s").unwrap().seconds(), 90);
        assert_eq!(Span::parse("72h").unwrap().seconds(), 259_200);
        assert_eq!(Span::parse("3d").unwrap().to_string(), "3d");
        for bad in ["", "3", "d", "3w", "-1s", "1.5h"] {
            assert!(Span::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Rate::parse("10/h").unwrap().per.as_secs(), 3600);
        assert!(Rate::parse("10/week").is_none());
        assert_eq!(
            Step::parse("probation:7d"),
            Some(Step::Probation(Span::parse("7d").unwrap()))
        );
        assert_eq!(Step::parse("ban"), Some(Step::Ban));
        assert!(Step::parse("exile").is_none());
    }

    fn refused(patch: Value) -> CharterError {
        apply_patch(&Charter::default(), &patch).unwrap_err()
    }

    #[test]
    fn invalid_charters_name_the_field() {
        let cases = [
            (
                json!({"edit": {"approvals_required": 0}}),
                "edit.approvals_required",
            ),
            (
                json!({"edit": {"approvals_required": "two"}}),
                "edit.approvals_required",
            ),
            (
                json!({"votes": {"appeal": {"quorum": 1.5}}}),
                "votes.appeal.quorum",
            ),
            (json!({"visibility": "secret"}), "visibility"),
            (
                json!({"promotion": {"min_age": "3 days"}}),
                "promotion.min_age",
            ),
            (
                json!({"rate_limits": {"newcomer": "0/h"}}),
                "rate_limits.newcomer",
            ),
            (
                json!({"rate_limits": {"contributor": "5/h"}}),
                "rate_limits.contributor",
            ),
            (
                json!({"rate_limits": {"newcomer": null, "contributor": "5/h"}}),
                "rate_limits.contributor",
            ),
            (
                json!({"rate_limits": {"steward": "500/h"}}),
                "rate_limits.steward",
            ),
            (
                json!({"rate_limits": {"guest": "1/h"}}),
                "rate_limits.guest",
            ),
            (
                json!({"rate_limits": {"newcomer": "lots"}}),
                "rate_limits.newcomer",
            ),
            (json!({"colour": "blue"}), "colour"),
            (
                json!({"protection": {"pages": {"a/b": "steward"}}}),
                "protection.pages.a/b",
            ),
            (json!({"locked_fields": ["nope"]}), "locked_fields"),
            (json!({"sanctions": {"ladder": []}}), "sanctions.ladder"),
        ];
        for (patch, field) in cases {
            let error = refused(patch.clone());
            assert!(error.field().starts_with(field), "{patch}: {error}");
            assert!(!error.field().contains('?'), "{patch}: {error}");
        }
        assert!(apply_patch(&Charter::default(), &json!([1])).is_err());
    }

    #[test]
    fn a_charter_change_is_stored_as_the_patch_over_the_parent() {
        let parent = apply_patch(
            &Charter::default(),
            &json!({"locked_fields": ["visibility"], "edit": {"approvals_required": 2}}),
        )
        .unwrap();
        let current = apply_patch(&parent, &json!({"join": "approval"})).unwrap();
        // Dropping the newcomers' rate limit: a null in the patch removes it.
        let (changed, stored) = change(
            &parent,
            &current,
            &json!({"rate_limits": {"newcomer": null, "contributor": null}, "edit": {"approvals_required": 3}}),
        )
        .unwrap();
        assert!(changed.rate_limits.is_empty());
        assert_eq!(changed.edit.approvals_required, 3);
        assert_eq!(
            changed.join,
            JoinPolicy::Approval,
            "what the space had stays"
        );
        assert_eq!(apply_patch(&parent, &stored).unwrap(), changed);
        assert!(
            stored.get("visibility").is_none(),
            "unchanged fields stay inherited"
        );
        let locked = change(&parent, &current, &json!({"visibility": "members"})).unwrap_err();
        assert!(matches!(locked, CharterError::Locked { .. }), "{locked}");
        let invalid = change(
            &parent,
            &current,
            &json!({"edit": {"approvals_required": 0}}),
        )
        .unwrap_err();
        assert_eq!(invalid.field(), "edit.approvals_required");
    }

    #[test]
    fn children_patch_their_parent_leaf_by_leaf() {
        let parent = apply_patch(
            &Charter::default(),
            &json!({"edit": {"approvals_required": 2}}),
        )
        .unwrap();
        let child = apply_patch(&parent, &json!({"edit": {"self_approval": true}})).unwrap();
        assert_eq!(child.edit.approvals_required, 2);
        assert!(child.edit.self_approval);
        let resolved = resolve(&[
            &json!({"join": "approval"}),
            &json!({"visibility": "members"}),
        ])
        .unwrap();
        assert_eq!(resolved.join, JoinPolicy::Approval);
        assert_eq!(resolved.visibility, Visibility::Members);
    }

    #[test]
    fn locked_fields_hold_in_every_descendant() {
        let parent = apply_patch(
            &Charter::default(),
            &json!({"locked_fields": ["visibility", "edit.approvals_required"]}),
        )
        .unwrap();
        for patch in [
            json!({"visibility": "members"}),
            json!({"edit": {"approvals_required": 1}}),
            json!({"edit": null}),
            json!({"edit": {"approvals_required": null}}),
        ] {
            assert!(
                matches!(
                    apply_patch(&parent, &patch),
                    Err(CharterError::Locked { .. })
                ),
                "{patch}"
            );
        }
        // Other fields stay free, and the lock is inherited even if unlisted.
        let child = apply_patch(
            &parent,
            &json!({"edit": {"self_approval": true}, "locked_fields": []}),
        )
        .unwrap();
        assert!(child.locked_fields.contains(&"visibility".to_owned()));
        let grandchild = apply_patch(&child, &json!({"visibility": "members"}));
        assert!(matches!(grandchild, Err(CharterError::Locked { .. })));
    }

    #[test]
    fn paths_of_a_patch() {
        let mut paths = paths_set(&json!({"a": 1, "b": {"c": null, "d": {"e": true}}, "f": {}}));
        paths.sort();
        assert_eq!(paths, ["a", "b.c", "b.d.e", "f"]);
    }

    #[test]
    fn protection_changes_name_the_default_and_each_page() {
        let before = resolve(&[
            &json!({"protection": {"pages": {"Charte": "reviewer", "Agenda": "contributor"}}}),
        ])
        .unwrap();
        let after = resolve(&[&json!({"protection": {"default": "contributor", "pages": {"Charte": "steward", "Agenda": "contributor", "Accueil": "newcomer"}}})]).unwrap();
        let changes = before.protection.changes_to(&after.protection);
        let named: Vec<(Option<&str>, Standing, Standing)> = changes
            .iter()
            .map(|c| (c.page.as_deref(), c.from, c.to))
            .collect();
        assert_eq!(
            named,
            vec![
                (None, Standing::Newcomer, Standing::Contributor),
                (Some("Charte"), Standing::Reviewer, Standing::Steward),
            ],
            "Agenda is unchanged; Accueil stays newcomer-editable: {changes:?}"
        );
        assert!(after.protection.changes_to(&after.protection).is_empty());
    }
}
