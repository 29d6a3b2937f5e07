//! What the interface says, in French and in English: the Fluent message
//! files of `frontend/locales`, compiled into the binary, and the
//! formatting of numbers and dates per language. Only the web pages speak;
//! the API answers stable codes and English details.
//!
//! Messages are looked up by id; an id missing from a language shows as
//! `⟦id⟧` (and is logged), which the tests look for on every page. Bidi
//! isolation marks are off: names that users chose are wrapped in `<bdi>`
//! by the templates instead.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::model::Timestamp;

/// A language of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    Fr,
    En,
}

impl Locale {
    /// Every language of the interface, French (the default) first.
    pub const ALL: [Locale; 2] = [Locale::Fr, Locale::En];

    /// The BCP 47 tag: `fr`, `en`.
    pub const fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    /// The language's name in itself, for the language switch.
    pub const fn autonym(self) -> &'static str {
        match self {
            Locale::Fr => "Français",
            Locale::En => "English",
        }
    }

    /// `fr`, `fr-CA`, `EN-gb`… → the interface language it asks for.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The first language of an `Accept-Language` header the interface
    /// speaks, weights respected (`en;q=0.5, fr` is French).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut ranked: Vec<(f32, usize, Locale)> = header
            .split(',')
            .enumerate()
            .filter_map(|(position, item)| {
                let mut parts = item.split(';');
                let locale = Self::parse(parts.next()?)?;
                let weight = parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (weight > 0.0).then_some((weight, position, locale))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|(_, _, locale)| *locale)
    }

    fn source(self) -> &'static str {
        match self {
            Locale::Fr => include_str!("../../frontend/locales/fr/main.ftl"),
            Locale::En => include_str!("../../frontend/locales/en/main.ftl"),
        }
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        static BUNDLES: LazyLock<[FluentBundle<FluentResource>; 2]> =
            LazyLock::new(|| Locale::ALL.map(build_bundle));
        &BUNDLES[self as usize]
    }

    /// The message `id`, or `⟦id⟧` when this language lacks it.
    pub fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with arguments (numbers are given as `i64`).
    pub fn t_with(self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(text) => fluent.set(*name, FluentValue::from(*text)),
                Arg::Count(n) => fluent.set(*name, FluentValue::from(*n)),
            }
        }
        self.format(id, Some(&fluent))
    }

    /// A message about a count: `$count` picks the plural form, `$n` is
    /// the count as this language writes it (`12 345`, `12,345`).
    pub fn t_count(self, id: &str, count: i64) -> String {
        let n = self.number(count.unsigned_abs());
        self.t_with(id, &[("count", Arg::Count(count)), ("n", Arg::Text(&n))])
    }

    fn format(self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = self.bundle();
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            tracing::warn!(id, locale = self.code(), "missing interface message");
            return format!("⟦{id}⟧");
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(
                id,
                locale = self.code(),
                ?errors,
                "interface message failed"
            );
        }
        text.into_owned()
    }

    /// Every message id of this language (for the tests).
    pub fn message_ids(self) -> Vec<String> {
        let resource = FluentResource::try_new(self.source().to_owned())
            .unwrap_or_else(|(resource, _)| resource);
        resource
            .entries()
            .filter_map(|entry| match entry {
                fluent_syntax::ast::Entry::Message(message) => Some(message.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    /// `12345` as this language writes it: `12 345` (narrow no-break
    /// space) in French, `12,345` in English.
    pub fn number(self, n: u64) -> String {
        let digits = n.to_string();
        let separator = match self {
            Locale::Fr => '\u{202F}',
            Locale::En => ',',
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(separator);
            }
            out.push(digit);
        }
        out
    }

    /// A date and time (UTC) as this language writes it:
    /// `3 décembre 2026 à 14:07`, `3 December 2026, 14:07`.
    pub fn datetime(self, at: Timestamp) -> String {
        let Some(moment) = at.to_utc() else {
            return String::new();
        };
        let month = self.month_name(moment.month() as usize);
        let (day, year) = (moment.day(), moment.year());
        let (hour, minute) = (moment.hour(), moment.minute());
        match self {
            Locale::Fr => format!("{day} {month} {year} à {hour:02}:{minute:02}"),
            Locale::En => format!("{day} {month} {year}, {hour:02}:{minute:02}"),
        }
    }

    /// A date alone: `3 décembre 2026`, `3 December 2026`.
    pub fn date(self, at: Timestamp) -> String {
        let Some(moment) = at.to_utc() else {
            return String::new();
        };
        let month = self.month_name(moment.month() as usize);
        format!("{} {month} {}", moment.day(), moment.year())
    }

    fn month_name(self, month: usize) -> &'static str {
        const FR: [&str; 12] = [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let names = match self {
            Locale::Fr => &FR,
            Locale::En => &EN,
        };
        names[month.clamp(1, 12) - 1]
    }
}

/// An argument of a message.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    Count(i64),
}

fn build_bundle(locale: Locale) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = locale
        .code()
        .parse()
        .unwrap_or_else(|_| LanguageIdentifier::default());
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    // The files are ours and compiled in; a syntax error is caught by the
    // tests (every id of one language exists in the other and formats).
    let resource =
        FluentResource::try_new(locale.source().to_owned()).unwrap_or_else(|(resource, errors)| {
            tracing::error!(locale = locale.code(), ?errors, "message file has errors");
            resource
        });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(
            locale = locale.code(),
            ?errors,
            "message file has duplicate ids"
        );
    }
    bundle
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_respects_weights_and_falls_through() {
        assert_eq!(
            Locale::from_accept_language("de-DE, en;q=0.5, fr;q=0.8"),
            Some(Locale::Fr)
        );
        assert_eq!(
            Locale::from_accept_language("en-GB,en;q=0.9"),
            Some(Locale::En)
        );
        assert_eq!(Locale::from_accept_language("de, it"), None);
        assert_eq!(Locale::from_accept_language("fr;q=0, en"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language(""), None);
    }

    #[test]
    fn numbers_group_by_language() {
        assert_eq!(Locale::Fr.number(1234567), "1\u{202F}234\u{202F}567");
        assert_eq!(Locale::En.number(1234567), "1,234,567");
        assert_eq!(Locale::En.number(999), "999");
        assert_eq!(Locale::Fr.number(0), "0");
    }

    #[test]
    fn dates_read_naturally() {
        let at = Timestamp::parse_rfc3339("2026-12-03T14:07:00Z").unwrap();
        assert_eq!(Locale::Fr.datetime(at), "3 décembre 2026 à 14:07");
        assert_eq!(Locale::En.datetime(at), "3 December 2026, 14:07");
        assert_eq!(Locale::Fr.date(at), "3 décembre 2026");
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let mut fr = Locale::Fr.message_ids();
        let mut en = Locale::En.message_ids();
        fr.sort();
        en.sort();
        let only_fr: Vec<_> = fr.iter().filter(|id| !en.contains(id)).collect();
        let only_en: Vec<_> = en.iter().filter(|id| !fr.contains(id)).collect();
        assert!(only_fr.is_empty(), "missing in English: {only_fr:?}");
        assert!(only_en.is_empty(), "missing in French: {only_en:?}");
        assert!(fr.len() > 20);
    }

    #[test]
    fn plurals_follow_each_language() {
        let n = |locale: Locale, count| locale.t_count("revisions-count", count);
        // In French, 0 and 1 are singular.
        assert_eq!(n(Locale::Fr, 0), "0 révision");
        assert_eq!(n(Locale::Fr, 1), "1 révision");
        assert_eq!(n(Locale::Fr, 2), "2 révisions");
        assert_eq!(n(Locale::En, 0), "0 revisions");
        assert_eq!(n(Locale::En, 1), "1 revision");
        assert_eq!(n(Locale::Fr, 1500), "1\u{202F}500 révisions");
        assert_eq!(n(Locale::En, 1500), "1,500 revisions");
    }

    #[test]
    fn every_message_formats_without_errors() {
        for locale in Locale::ALL {
            let bundle = locale.bundle();
            for id in locale.message_ids() {
                let Some(pattern) = bundle.get_message(&id).and_then(|m| m.value()) else {
                    continue;
                };
                let mut args = FluentArgs::new();
                for name in [
                    "count",
                    "n",
                    "name",
                    "user",
                    "title",
                    "when",
                    "space",
                    "rule",
                    "seconds",
                    "query",
                    "revision",
                    "size",
                    "from",
                    "to",
                    "lang",
                    "code",
                    "parent",
                    "standing",
                    "span",
                    "page",
                    "kind",
                    "quorum",
                    "threshold",
                    "steps",
                    "required",
                    "summary",
                    "choice",
                    "latest",
                    "highest",
                    "week",
                    "id",
                    "date",
                    "by",
                    "reason",
                ] {
                    args.set(name, FluentValue::from(1));
                }
                let mut errors = Vec::new();
                bundle.format_pattern(pattern, Some(&args), &mut errors);
                assert!(errors.is_empty(), "{}: {id}: {errors:?}", locale.code());
            }
        }
    }

    #[test]
    fn a_missing_message_shows_its_id() {
        assert_eq!(Locale::En.t("no-such-message"), "⟦no-such-message⟧");
    }
}
