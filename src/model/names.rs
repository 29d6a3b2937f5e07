//! Validated names: page slugs, space slugs and usernames. Each `parse`
//! normalises (Unicode NFC) before it validates, so the NFD and NFC spellings
//! of one title are one page, while `Économie` and `Economie` stay two.

use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Why a name was refused; the message is shown to the user as is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidName(pub String);

fn invalid(message: impl Into<String>) -> InvalidName {
    InvalidName(message.into())
}

/// Invisible characters that make one name look like another or reorder
/// what is shown around it: bidirectional controls (U+202A–U+202E,
/// U+2066–U+2069, the marks U+200E, U+200F, U+061C), zero-width spaces
/// (U+200B, U+2060, U+180E) and the byte order mark (U+FEFF). The
/// zero-width joiner and non-joiner stay: some scripts need them.
fn is_deceptive_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{061C}'
            | '\u{200B}'
            | '\u{2060}'
            | '\u{180E}'
            | '\u{FEFF}'
    )
}

fn refuse_deceptive_invisibles(text: &str, what: &str) -> Result<(), InvalidName> {
    match text.chars().find(|&c| is_deceptive_invisible(c)) {
        Some(c) => Err(invalid(format!(
            "{what} may not contain the invisible character U+{:04X}",
            u32::from(c)
        ))),
        None => Ok(()),
    }
}

/// A page slug: the title in NFC with runs of whitespace as one `_`,
/// no leading or trailing `_`, at most 255 bytes, no `/` and no control character.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PageSlug(String);

impl PageSlug {
    pub const MAX_BYTES: usize = 255;

    /// Accepts a title ("Économie sociale") or a slug ("Économie_sociale").
    pub fn parse(title_or_slug: &str) -> Result<Self, InvalidName> {
        let normalized: String = title_or_slug.nfc().collect();
        if let Some(c) = normalized.chars().find(|c| c.is_control()) {
            return Err(invalid(format!(
                "a page title may not contain the control character U+{:04X}",
                u32::from(c)
            )));
        }
        refuse_deceptive_invisibles(&normalized, "a page title")?;
        if normalized.contains('/') {
            return Err(invalid("a page title may not contain '/'"));
        }
        let slug = normalized
            .split(|c: char| c.is_whitespace() || c == '_')
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        if slug.is_empty() {
            return Err(invalid("a page title may not be empty"));
        }
        if slug == "." || slug == ".." {
            return Err(invalid("'.' and '..' are not page titles"));
        }
        if slug.len() > Self::MAX_BYTES {
            return Err(invalid(format!(
                "a page title is at most {} bytes of UTF-8 (this one has {})",
                Self::MAX_BYTES,
                slug.len()
            )));
        }
        Ok(Self(slug))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The human title: the slug with `_` shown as spaces.
    pub fn title(&self) -> String {
        self.0.replace('_', " ")
    }

    /// Talk pages are the pages `Talk:<slug>` of the same space.
    pub const TALK_PREFIX: &'static str = "Talk:";

    /// Whether this is a talk page.
    pub fn is_talk(&self) -> bool {
        self.0.starts_with(Self::TALK_PREFIX)
    }

    /// The talk page of this page (`None` for a talk page, or when the
    /// prefix would make the slug too long).
    pub fn talk(&self) -> Option<PageSlug> {
        if self.is_talk() {
            return None;
        }
        PageSlug::parse(&format!("{}{}", Self::TALK_PREFIX, self.0)).ok()
    }

    /// The page a talk page is about.
    pub fn subject(&self) -> Option<PageSlug> {
        let subject = self.0.strip_prefix(Self::TALK_PREFIX)?;
        PageSlug::parse(subject).ok()
    }
}

impl fmt::Display for PageSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A space slug: `[a-z0-9-]`, 1 to 64 characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SpaceSlug(String);

impl SpaceSlug {
    pub fn parse(text: &str) -> Result<Self, InvalidName> {
        let valid_chars = text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if text.is_empty() || text.len() > 64 || !valid_chars {
            return Err(invalid(
                "a space slug is 1 to 64 characters among a-z, 0-9 and '-'",
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The space every fresh instance has.
    pub fn main() -> Self {
        Self("main".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SpaceSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A username: 1 to 64 letters, digits, marks, `_`, `-` or `.` (and the
/// zero-width joiner and non-joiner some scripts need), in NFC. Unique
/// case-insensitively ([`Username::key`]) and by look
/// ([`Username::skeleton`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(text: &str) -> Result<Self, InvalidName> {
        let name: String = text.nfc().collect();
        let count = name.chars().count();
        if count == 0 || count > 64 {
            return Err(invalid("a username is 1 to 64 characters"));
        }
        refuse_deceptive_invisibles(&name, "a username")?;
        let allowed = |c: char| {
            c.is_alphanumeric()
                || c == '_'
                || c == '-'
                || c == '.'
                || c == '\u{200C}'
                || c == '\u{200D}'
                || unicode_normalization::char::is_combining_mark(c)
        };
        if !name.chars().all(allowed) {
            return Err(invalid(
                "a username holds only letters, digits, '_', '-' and '.'",
            ));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of the name: NFC, lower-cased, NFC again
    /// (lower-casing can produce decomposed sequences).
    pub fn key(&self) -> String {
        self.0.to_lowercase().nfc().collect()
    }

    /// What the name looks like: the Unicode confusable skeleton (UTS #39)
    /// of its key, so `pаul` (with a Cyrillic а), `paul` and `PAUL` share
    /// one, as do `rn` and `m`. Two accounts may not share a skeleton.
    pub fn skeleton(&self) -> String {
        unicode_security::skeleton(&self.key()).collect()
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Passwords are 8 to 1024 characters; nothing else is imposed (NIST SP 800-63B).
pub fn validate_password(password: &str) -> Result<(), InvalidName> {
    let count = password.chars().count();
    if !(8..=1024).contains(&count) {
        return Err(invalid("a password is 8 to 1024 characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(input: &str) -> Result<String, InvalidName> {
        PageSlug::parse(input).map(|s| s.as_str().to_owned())
    }

    #[test]
    fn page_slugs_normalise_titles() {
        let cases = [
            ("Économie sociale", "Économie_sociale"),
            ("Économie_sociale", "Économie_sociale"),
            ("E\u{301}conomie_sociale", "Économie_sociale"),
            ("  Économie   sociale  ", "Économie_sociale"),
            ("Qu’est-ce\u{a0}que_c’est ?", "Qu’est-ce_que_c’est_?"),
            ("Economie_sociale", "Economie_sociale"),
        ];
        for (input, expected) in cases {
            assert_eq!(slug(input).as_deref(), Ok(expected), "input {input:?}");
        }
        assert_ne!(slug("Économie sociale"), slug("Economie_sociale"));
    }

    #[test]
    fn page_slugs_refuse_what_cannot_be_a_title() {
        let long = "é".repeat(128);
        for input in [
            "",
            "   ",
            "a/b",
            "tab\there",
            "nul\0",
            "..",
            ".",
            long.as_str(),
        ] {
            assert!(slug(input).is_err(), "{input:?} should be refused");
        }
        assert!(slug(&"a".repeat(255)).is_ok());
        assert!(slug(&"a".repeat(256)).is_err());
    }

    #[test]
    fn space_slugs() {
        assert!(SpaceSlug::parse("main").is_ok());
        assert!(SpaceSlug::parse("open-data-2026").is_ok());
        for bad in ["", "Main", "a b", "é", "a/b", &"a".repeat(65)] {
            assert!(SpaceSlug::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn usernames_compare_case_insensitively_after_nfc() {
        let a = Username::parse("Éloïse").unwrap();
        let b = Username::parse("E\u{301}LOI\u{308}SE").unwrap();
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), Username::parse("Eloise").unwrap().key());
        for bad in ["", "a b", "x/y", "<script>", &"a".repeat(65)] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_refuse_deceptive_invisibles_but_keep_joiners() {
        for bad in [
            "ana\u{202E}nimda",
            "a\u{200B}b",
            "\u{FEFF}ana",
            "x\u{2066}y",
        ] {
            assert!(Username::parse(bad).is_err(), "{bad:?}");
            assert!(PageSlug::parse(bad).is_err(), "{bad:?}");
        }
        // Persian needs the zero-width non-joiner.
        assert!(Username::parse("می\u{200C}خواهم").is_ok());
        assert!(PageSlug::parse("می\u{200C}خواهم").is_ok());
    }

    #[test]
    fn lookalike_usernames_share_a_skeleton() {
        let skeleton = |name: &str| Username::parse(name).unwrap().skeleton();
        assert_eq!(skeleton("paul"), skeleton("p\u{0430}ul"), "Cyrillic а");
        assert_eq!(skeleton("paul"), skeleton("PAUL"));
        assert_eq!(skeleton("marie"), skeleton("rnarie"));
        assert_eq!(skeleton("ab"), skeleton("a\u{200D}b"));
        assert_ne!(skeleton("paul"), skeleton("paula"));
        assert_ne!(
            skeleton("élise"),
            skeleton("elise"),
            "accents are not look-alikes"
        );
    }

    #[test]
    fn passwords_are_8_to_1024_characters() {
        assert!(validate_password("short").is_err());
        assert!(validate_password("éééééééé").is_ok());
        assert!(validate_password(&"x".repeat(1024)).is_ok());
        assert!(validate_password(&"x".repeat(1025)).is_err());
    }
}
