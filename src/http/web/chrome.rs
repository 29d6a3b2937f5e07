//! Who is visiting and in which language, and what every page around its
//! content shows (the header, the search box, the language switch).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};

use super::assets;
use crate::http::extract::{cookie, session_of_cookie};
use crate::i18n::{Arg, Locale};
use crate::model::Timestamp;
use crate::service::{Actor, App, Authenticated, Preferences};

/// The cookie the language switch sets.
pub const LANGUAGE_COOKIE: &str = "lang";

/// One request of a browser: the session (from its cookie, if any) and
/// the interface language, chosen by `?uselang=`, then the account's
/// choice, then the `lang` cookie the switch sets, then `Accept-Language`,
/// then French.
pub struct Visit {
    pub auth: Option<Authenticated>,
    pub locale: Locale,
    /// What the logged-in visitor chose and what waits for them (read once
    /// per request; empty when anonymous).
    pub preferences: Preferences,
    /// The path asked for, with its query: where "log in" and the language
    /// switch come back to.
    pub here: String,
}

impl Visit {
    pub fn actor(&self) -> Option<&Actor> {
        self.auth.as_ref().map(|a| &a.actor)
    }

    /// The page frame for a page titled `title`.
    pub fn chrome(&self, title: impl Into<String>) -> Chrome {
        Chrome {
            locale: self.locale,
            title: title.into(),
            user: self.actor().map(|a| a.username.clone()),
            csrf: self
                .auth
                .as_ref()
                .and_then(|a| a.csrf_token.clone())
                .unwrap_or_default(),
            here: self.here.clone(),
            query: String::new(),
            unread: self.preferences.unread,
        }
    }
}

impl FromRequestParts<App> for Visit {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let auth = session_of_cookie(&parts.headers, app);
        let preferences = auth
            .as_ref()
            .and_then(|a| app.preferences(&a.actor).ok())
            .unwrap_or_default();
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
        let chosen = preferences.language.as_deref().and_then(Locale::parse);
        Ok(Visit {
            locale: choose_locale(parts.uri.query(), chosen, &parts.headers),
            auth,
            here,
            preferences,
        })
    }
}

/// `?uselang=`, the account's choice, the `lang` cookie, `Accept-Language`,
/// French.
pub fn choose_locale(query: Option<&str>, chosen: Option<Locale>, headers: &HeaderMap) -> Locale {
    let asked = query.and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(key, _)| key == "uselang")
            .and_then(|(_, value)| Locale::parse(&value))
    });
    asked
        .or(chosen)
        .or_else(|| cookie(headers, LANGUAGE_COOKIE).and_then(|v| Locale::parse(&v)))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Locale::from_accept_language)
        })
        .unwrap_or(Locale::Fr)
}

/// What every page shows around its content. Templates reach messages and
/// formats through it, in the visit's language.
pub struct Chrome {
    pub locale: Locale,
    /// The page's title (the `<title>` adds the site's name).
    pub title: String,
    /// The visitor's username when logged in.
    pub user: Option<String>,
    /// The session's CSRF token, for forms (empty when anonymous).
    pub csrf: String,
    pub here: String,
    /// The search box's text.
    pub query: String,
    /// Unread notifications, shown in the header.
    pub unread: usize,
}

impl Chrome {
    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }

    pub fn t(&self, id: &str) -> String {
        self.locale.t(id)
    }

    /// A message with one text argument.
    pub fn t1(&self, id: &str, name: &str, value: &str) -> String {
        self.locale.t_with(id, &[(name, Arg::Text(value))])
    }

    /// A message with a count (`$count`), plurals per language.
    pub fn tn(&self, id: &str, count: impl Count) -> String {
        self.locale.t_count(id, count.count())
    }

    pub fn datetime(&self, at: &Timestamp) -> String {
        self.locale.datetime(*at)
    }

    pub fn date(&self, at: &Timestamp) -> String {
        self.locale.date(*at)
    }

    /// A slug as a title: `Économie_sociale` → `Économie sociale`.
    pub fn title_of(&self, slug: &str) -> String {
        slug.replace('_', " ")
    }

    /// An ISO timestamp for `<time datetime>`.
    pub fn iso(&self, at: &Timestamp) -> String {
        at.to_rfc3339()
    }

    pub fn css(&self) -> &'static str {
        assets::url("ostrom.css")
    }

    pub fn js(&self) -> &'static str {
        assets::url("ostrom.js")
    }

    /// The other interface languages, for the switch.
    pub fn other_locales(&self) -> Vec<Locale> {
        Locale::ALL
            .into_iter()
            .filter(|l| *l != self.locale)
            .collect()
    }

    /// The unread count as the header shows it: `99+` past the count.
    pub fn unread_label(&self) -> String {
        if self.unread >= crate::service::UNREAD_COUNTED {
            format!("{}+", crate::service::UNREAD_COUNTED - 1)
        } else {
            self.unread.to_string()
        }
    }

    /// `/login?return=<here>`: logging in comes back here.
    pub fn login_url(&self) -> String {
        format!("/login?return={}", encode_query(&self.here))
    }
}

/// What a message may count (templates pass numbers by reference).
pub trait Count {
    fn count(self) -> i64;
}

impl Count for u64 {
    fn count(self) -> i64 {
        i64::try_from(self).unwrap_or(i64::MAX)
    }
}

impl Count for u32 {
    fn count(self) -> i64 {
        i64::from(self)
    }
}

impl Count for usize {
    fn count(self) -> i64 {
        i64::try_from(self).unwrap_or(i64::MAX)
    }
}

impl<T: Count + Copy> Count for &T {
    fn count(self) -> i64 {
        (*self).count()
    }
}

/// `text` as a query value.
pub fn encode_query(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// `text` as a path segment (page slugs: accents, `:` and all).
pub fn encode_segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':');

/// The address of a page: `/wiki/{space}/{slug}`.
pub fn page_url(space: &str, slug: &str) -> String {
    format!("/wiki/{space}/{}", encode_segment(slug))
}

/// A return path taken from a form or query: only a local path, so that
/// no link can send a visitor to another site after logging in.
pub fn local_path(candidate: Option<&str>) -> String {
    match candidate {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_language_is_asked_then_chosen_then_accepted_then_french() {
        let mut headers = HeaderMap::new();
        assert_eq!(choose_locale(None, None, &headers), Locale::Fr);
        headers.insert(
            header::ACCEPT_LANGUAGE,
            HeaderValue::from_static("en-US,en;q=0.9"),
        );
        assert_eq!(choose_locale(None, None, &headers), Locale::En);
        headers.insert(header::COOKIE, HeaderValue::from_static("a=b; lang=fr"));
        assert_eq!(choose_locale(None, None, &headers), Locale::Fr);
        assert_eq!(
            choose_locale(Some("q=x&uselang=en"), Some(Locale::Fr), &headers),
            Locale::En
        );
        assert_eq!(
            choose_locale(Some("uselang=de"), None, &headers),
            Locale::Fr
        );
    }

    #[test]
    fn return_paths_stay_on_the_site() {
        assert_eq!(local_path(Some("/wiki/main/A?x=1")), "/wiki/main/A?x=1");
        for bad in ["//evil.example/", "https://evil.example/", "/\\evil", ""] {
            assert_eq!(local_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn page_urls_keep_accents_readable_by_browsers() {
        assert_eq!(page_url("main", "Économie"), "/wiki/main/%C3%89conomie");
        assert_eq!(page_url("main", "Talk:A_b"), "/wiki/main/Talk:A_b");
    }
}
