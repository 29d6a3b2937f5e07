//! A charter in sentences, in the visitor's language: every rule of the
//! resolved charter, grouped as members think of them (who reads and joins,
//! how edits publish, how standing grows, how the community decides, how
//! it sanctions), each marked with where it comes from (set by the space,
//! inherited, locked by an enclosing space).

use crate::governance::charter::VoteRule;
use crate::governance::charter::{Span, Step, touches};
use crate::governance::{Charter, Missing};
use crate::i18n::{Arg, Locale};
use crate::model::Standing;

/// One group of rules under its heading.
pub struct Section {
    pub title: String,
    pub rules: Vec<Rule>,
}

/// One rule in words, and where it comes from.
pub struct Rule {
    pub text: String,
    /// The charter field it says (`edit.approvals_required`).
    pub path: String,
    /// Set by the space's own charter (otherwise inherited).
    pub set_here: bool,
    /// Locked by an enclosing space: a change must happen there.
    pub locked: bool,
}

/// A standing's name in `locale`, as the standing pages and badges say it.
pub fn standing_name(locale: Locale, standing: Standing) -> String {
    locale.t(&format!("standing-{}", standing.as_str()))
}

/// "3 jours", "1 hour": a duration as the charter wrote it.
pub fn span_words(locale: Locale, span: Span) -> String {
    let (count, unit) = span.parts();
    locale.t_count(&format!("span-{unit}"), count as i64)
}

/// Who may edit `page` under `charter`, in words: its own protection, or
/// the space's default.
pub fn page_protection_words(locale: Locale, charter: &Charter, page: &str) -> String {
    match charter.protection.pages.get(page) {
        Some(own) => locale.t_with(
            "rule-protection-page",
            &[
                ("page", Arg::Text(&page.replace('_', " "))),
                ("standing", Arg::Text(&standing_name(locale, *own))),
            ],
        ),
        None => locale.t_with(
            "rule-protection-default",
            &[(
                "standing",
                Arg::Text(&standing_name(locale, charter.protection.default)),
            )],
        ),
    }
}

/// What a member lacks for the next standing, in words.
pub fn missing_words(locale: Locale, missing: &Missing) -> String {
    match missing {
        Missing::AcceptedEdits { more } => locale.t_count("missing-edits", *more as i64),
        Missing::Time { seconds } => {
            let days = seconds.div_ceil(86_400);
            locale.t_count("missing-days", days as i64)
        }
        Missing::NoSanction => locale.t("missing-no-sanction"),
        Missing::Appointment => locale.t("missing-appointment"),
        Missing::Proposal => locale.t("missing-proposal"),
    }
}

/// "20 %", "20%".
pub fn percent(locale: Locale, share: f64) -> String {
    let value = (share * 100.0).round() as u64;
    locale.t_with("percent", &[("n", Arg::Text(&value.to_string()))])
}

/// "1 Mio", "512 KiB".
fn size_words(locale: Locale, bytes: u64) -> String {
    let (value, unit) = if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        (bytes >> 20, "size-mib")
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        (bytes >> 10, "size-kib")
    } else {
        (bytes, "size-bytes")
    };
    locale.t_count(unit, value as i64)
}

/// A ladder step in words: "probation (7 days: edits go to review)".
pub fn step_words(locale: Locale, step: &Step) -> String {
    match step {
        Step::Warning => locale.t("step-warning"),
        Step::Probation(span) => locale.t_with(
            "step-probation",
            &[("span", Arg::Text(&span_words(locale, *span)))],
        ),
        Step::Suspension(span) => locale.t_with(
            "step-suspension",
            &[("span", Arg::Text(&span_words(locale, *span)))],
        ),
        Step::Ban => locale.t("step-ban"),
    }
}

/// The words of one rule: `id` with a standing, a count and a duration
/// as its arguments may need.
struct Words<'a> {
    locale: Locale,
    charter: &'a Charter,
}

impl Words<'_> {
    fn say(&self, id: &str, args: &[(&str, String)]) -> String {
        let args: Vec<(&str, Arg<'_>)> = args
            .iter()
            .map(|(name, value)| (*name, Arg::Text(value)))
            .collect();
        self.locale.t_with(id, &args)
    }

    /// A message whose `$count` picks the plural; `$n` writes it.
    fn say_count(&self, id: &str, count: u64, args: &[(&str, String)]) -> String {
        let n = self.locale.number(count);
        let mut all: Vec<(&str, Arg<'_>)> = vec![("count", Arg::Count(count as i64))];
        all.push(("n", Arg::Text(&n)));
        all.extend(args.iter().map(|(name, value)| (*name, Arg::Text(value))));
        self.locale.t_with(id, &all)
    }

    fn standing(&self, standing: Standing) -> String {
        standing_name(self.locale, standing)
    }

    fn span(&self, span: Span) -> String {
        span_words(self.locale, span)
    }

    fn access(&self) -> Vec<(String, String)> {
        let c = self.charter;
        let visibility = serde_plain(&c.visibility);
        let join = serde_plain(&c.join);
        vec![
            (
                "visibility".into(),
                self.say(&format!("rule-visibility-{visibility}"), &[]),
            ),
            ("join".into(), self.say(&format!("rule-join-{join}"), &[])),
        ]
    }

    fn editing(&self) -> Vec<(String, String)> {
        let edit = &self.charter.edit;
        let mut rules = vec![
            (
                "edit.publish_directly_min".into(),
                self.say(
                    "rule-publish",
                    &[("standing", self.standing(edit.publish_directly_min))],
                ),
            ),
            (
                "edit.approvals_required".into(),
                self.say_count(
                    "rule-approvals",
                    u64::from(edit.approvals_required),
                    &[("standing", self.standing(edit.review_min))],
                ),
            ),
            (
                "edit.self_approval".into(),
                self.say(
                    if edit.self_approval {
                        "rule-self-approval-yes"
                    } else {
                        "rule-self-approval-no"
                    },
                    &[],
                ),
            ),
            (
                "review.lazy_consensus_after".into(),
                match self.charter.review.lazy_consensus_after {
                    Some(span) => self.say("rule-lazy", &[("span", self.span(span))]),
                    None => self.say("rule-lazy-none", &[]),
                },
            ),
            (
                "edit.max_page_bytes".into(),
                self.say(
                    "rule-max-page",
                    &[("size", size_words(self.locale, edit.max_page_bytes))],
                ),
            ),
            (
                "protection.default".into(),
                self.say(
                    "rule-protection-default",
                    &[("standing", self.standing(self.charter.protection.default))],
                ),
            ),
        ];
        for (page, standing) in &self.charter.protection.pages {
            rules.push((
                format!("protection.pages.{page}"),
                self.say(
                    "rule-protection-page",
                    &[
                        ("page", page.replace('_', " ")),
                        ("standing", self.standing(*standing)),
                    ],
                ),
            ));
        }
        for (standing, rate) in &self.charter.rate_limits {
            let unit = match rate.per.as_secs() {
                1 => "s",
                60 => "m",
                3600 => "h",
                _ => "d",
            };
            rules.push((
                format!("rate_limits.{}", standing.as_str()),
                self.say_count(
                    &format!("rule-rate-{unit}"),
                    u64::from(rate.count),
                    &[("standing", self.standing(*standing))],
                ),
            ));
        }
        rules.push((
            "edit_war".into(),
            self.say_count(
                "rule-edit-war",
                u64::from(self.charter.edit_war.reverts),
                &[
                    ("span", self.span(self.charter.edit_war.window)),
                    ("standing", self.standing(self.charter.edit_war.lock_to)),
                ],
            ),
        ));
        rules
    }

    fn standing_rules(&self) -> Vec<(String, String)> {
        let promotion = &self.charter.promotion;
        vec![
            (
                "promotion".into(),
                self.say_count(
                    "rule-promotion",
                    u64::from(promotion.accepted_edits),
                    &[("span", self.span(promotion.min_age))],
                ),
            ),
            ("roles".into(), self.say("rule-appointments", &[])),
        ]
    }

    fn vote(&self, kind: &str, rule: &VoteRule) -> (String, String) {
        (
            format!("votes.{kind}"),
            self.say(
                "rule-vote",
                &[
                    ("kind", self.locale.t(&format!("proposal-kind-{kind}"))),
                    ("standing", self.standing(rule.eligible_min)),
                    ("span", self.span(rule.duration)),
                    ("quorum", percent(self.locale, rule.quorum)),
                    ("threshold", percent(self.locale, rule.threshold)),
                ],
            ),
        )
    }

    fn decisions(&self) -> Vec<(String, String)> {
        let votes = &self.charter.votes;
        let subspaces = serde_plain(&self.charter.subspaces);
        vec![
            self.vote("charter_change", &votes.charter_change),
            self.vote("role_change", &votes.role_change),
            self.vote("appeal", &votes.appeal),
            self.vote("dispute", &votes.dispute),
            self.vote("create_space", &votes.create_space),
            (
                "subspaces".into(),
                self.say(&format!("rule-subspaces-{subspaces}"), &[]),
            ),
        ]
    }

    fn sanctions(&self) -> Vec<(String, String)> {
        let sanctions = &self.charter.sanctions;
        let steps: Vec<String> = sanctions
            .ladder
            .iter()
            .map(|step| step_words(self.locale, step))
            .collect();
        vec![
            (
                "sanctions.ladder".into(),
                self.say("rule-ladder", &[("steps", steps.join(" → "))]),
            ),
            (
                "sanctions.decay".into(),
                self.say("rule-decay", &[("span", self.span(sanctions.decay))]),
            ),
        ]
    }
}

/// The name serde gives a unit variant: `public`, `approval`, `stewards`.
pub fn serde_plain<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Every rule of `charter` in words, grouped; `set_here` and `locked`
/// are the dotted paths the space sets itself and those locked above it.
pub fn sections(
    locale: Locale,
    charter: &Charter,
    set_here: &[String],
    locked: &[String],
) -> Vec<Section> {
    let words = Words { locale, charter };
    let groups = [
        ("charter-section-access", words.access()),
        ("charter-section-editing", words.editing()),
        ("charter-section-standing", words.standing_rules()),
        ("charter-section-decisions", words.decisions()),
        ("charter-section-sanctions", words.sanctions()),
    ];
    groups
        .into_iter()
        .map(|(title, rules)| Section {
            title: locale.t(title),
            rules: rules
                .into_iter()
                .map(|(path, text)| Rule {
                    set_here: set_here.iter().any(|set| touches(set, &path)),
                    locked: locked.iter().any(|lock| touches(&path, lock)),
                    path,
                    text,
                })
                .collect(),
        })
        .collect()
}
