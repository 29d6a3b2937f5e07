//! Snapshot tests of rendered pages: a few real pages of the shared corpus
//! (tldr, react.dev, the French Rust book) and two hand-written wiki pages,
//! each recorded as its sanitised HTML, table of contents, wiki links and
//! front matter. A change in rendering shows up as a snapshot diff to review
//! (`cargo insta review`). Corpus pages are skipped when the shared data is
//! absent; the hand-written pages always run.

use std::collections::HashMap;
use std::fmt::Write;
use std::io::{BufRead, BufReader};
use std::sync::OnceLock;

use ostrom::model::{PageSlug, SpaceSlug};
use ostrom::render::{AllExist, LinkResolver, Rendered, render};
use serde::Deserialize;

use crate::render_safety::assert_safe;

/// The corpus pages snapshotted, by id.
const CORPUS_IDS: &[&str] = &[
    "tldr/fr/common/tar",
    "tldr/en/common/tar",
    "tldr/fr/common/grep",
    "tldr/en/common/grep",
    "react/fr/reference/react/components",
    "react/en/learn/setup",
    "rust-book/fr/ch03-04-comments",
];

#[derive(Deserialize)]
struct CorpusPage {
    id: String,
    markdown: String,
}

/// The Markdown of the pages in [`CORPUS_IDS`], read once per test run;
/// `None` (and a SKIPPED note, for each test that asks) when the shared data
/// is absent.
fn corpus() -> Option<&'static HashMap<String, String>> {
    static PAGES: OnceLock<HashMap<String, String>> = OnceLock::new();
    let path = crate::support::shared_data("pages/pages-shared.jsonl.gz")?;
    Some(PAGES.get_or_init(|| {
        let file = std::fs::File::open(path).unwrap();
        let reader = BufReader::new(flate2::read::GzDecoder::new(file));
        let mut pages = HashMap::new();
        for line in reader.lines() {
            let page: CorpusPage = serde_json::from_str(&line.unwrap()).unwrap();
            if CORPUS_IDS.contains(&page.id.as_str()) {
                pages.insert(page.id, page.markdown);
            }
        }
        pages
    }))
}

/// What a snapshot holds: the HTML, then the table of contents, the wiki
/// pages linked to and the front matter.
fn snapshot_text(rendered: &Rendered) -> String {
    let mut text = String::new();
    text.push_str("=== html\n");
    text.push_str(rendered.html.as_str());
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str("=== toc\n");
    for entry in &rendered.toc {
        writeln!(text, "h{} #{} {}", entry.level, entry.id, entry.text).unwrap();
    }
    text.push_str("=== links\n");
    for link in &rendered.links {
        writeln!(text, "{}:{}", link.space, link.slug).unwrap();
    }
    text.push_str("=== front matter\n");
    writeln!(text, "{:#?}", rendered.front_matter).unwrap();
    text
}

/// `tldr/fr/common/tar` → `tldr_fr_common_tar`.
fn snapshot_name(id: &str) -> String {
    id.replace(['/', '-'], "_")
}

/// Renders corpus page `id` (every linked page existing), compares it with
/// its snapshot and returns it; `None` when the shared data is absent.
fn check_corpus_page(id: &str) -> Option<Rendered> {
    let pages = corpus()?;
    let markdown = pages
        .get(id)
        .unwrap_or_else(|| panic!("{id} is not in the shared corpus"));
    let rendered = render(markdown, &SpaceSlug::main(), &AllExist);
    assert_safe(rendered.html.as_str(), id);
    insta::assert_snapshot!(snapshot_name(id), snapshot_text(&rendered));
    Some(rendered)
}

#[test]
fn tldr_french_tar() {
    check_corpus_page("tldr/fr/common/tar");
}

#[test]
fn tldr_english_tar() {
    check_corpus_page("tldr/en/common/tar");
}

#[test]
fn tldr_french_grep() {
    check_corpus_page("tldr/fr/common/grep");
}

#[test]
fn tldr_english_grep() {
    check_corpus_page("tldr/en/common/grep");
}

#[test]
fn react_french_page_with_front_matter_and_mdx_tags() {
    check_corpus_page("react/fr/reference/react/components");
}

#[test]
fn react_english_page_with_front_matter_and_mdx_tags() {
    check_corpus_page("react/en/learn/setup");
}

#[test]
fn rust_book_french_chapter_drops_the_english_comments() {
    let id = "rust-book/fr/ch03-04-comments";
    let Some(rendered) = check_corpus_page(id) else {
        return;
    };
    let html = rendered.html.as_str();
    assert!(!html.contains("All programmers strive"), "{html}");
    assert!(html.contains("Tous les développeurs"), "{html}");
}

/// A wiki with three spaces where only some pages exist, so that links come
/// out both blue and red.
struct SomePagesExist;

const EXISTING_SPACES: &[&str] = &["main", "autre", "other"];
const EXISTING_PAGES: &[(&str, &str)] = &[
    ("main", "Coopérative"),
    ("main", "Gouvernance"),
    ("main", "Charte_des_communs"),
    ("autre", "Histoire_des_communs"),
    ("main", "Cooperative"),
    ("main", "Governance"),
    ("main", "Commons_charter"),
    ("other", "History_of_the_commons"),
];

impl LinkResolver for SomePagesExist {
    fn space_exists(&self, space: &SpaceSlug) -> bool {
        EXISTING_SPACES.contains(&space.as_str())
    }

    fn page_exists(&self, space: &SpaceSlug, slug: &PageSlug) -> bool {
        EXISTING_PAGES.contains(&(space.as_str(), slug.as_str()))
    }
}

const FRENCH_PAGE: &str = r#"---
title: Les communs
tags: [commun, économie, "coopérative"]
lang: FR
summary: Une page d'essai qui touche à toute la syntaxe du wiki.
---

# Les communs

Les [[Coopérative]]s et les [[Gouvernance|règles de gouvernance]] sont
décrites ailleurs, comme l'[[autre:Histoire des communs]] et la section
[[Gouvernance#Règles de décision]]. La [[Page absente]] reste à écrire,
comme la [[Page absente#Détails|page absente, section détails]]. Un espace
inconnu reste un titre : [[inconnu:Titre]]. Retour en haut :
[[#Les communs]].

## Économie sociale

Lire [la charte](Charte_des_communs), puis [une autre page](Autre_page) qui
n'existe pas encore, ou le site de l'[économie sociale](https://www.economie.gouv.fr/ess)
et <https://fr.wikipedia.org/wiki/Communs>.

### Tableau des structures

| Structure   | Statut      | Membres |
|:------------|:-----------:|--------:|
| Coopérative | SCOP        |      42 |
| Association | *loi 1901*  |   1 200 |

### Tâches

- [x] Rédiger l'introduction
- [ ] Ajouter des « sources »
- [ ] ~~Tout réécrire~~

Une affirmation sourcée[^rapport].

[^rapport]: Selon le rapport annuel, p. 12.

## Exemple de code

```rust
fn main() {
    println!("Bonjour, « monde » & <cie> !");
}
```

## Économie sociale

Un second titre identique reçoit un autre identifiant.
"#;

const ENGLISH_PAGE: &str = r#"---
title: The commons
tags: commons, governance, commons
lang: en
summary: A test page that touches every part of the wiki syntax.
---

# The commons

[[Cooperative|Co-ops]] follow [[Governance]] rules, recorded in the
[[other:History of the commons]] and in [[Governance#Decision rules]].
The [[Missing page]] and [[Missing page|its label]] are red links.

## Café économie

Read [the charter](Commons_charter) and [a missing page](Missing_page), the
[external site](https://example.org/commons "Example"), or mail
<mailto:wiki@example.org>. Raw HTML: <kbd>Ctrl</kbd>+<kbd>C</kbd>,
<script>alert(1)</script><span onclick="alert(1)">a span</span>.
<!-- a comment that must not show -->

| Name | Role |
|------|------|
| Elinor | `economist` |
| Vincent | **political scientist** |

- [x] Write the page
- [ ] Review it

A claim[^1] with a second note[^note].

[^1]: The first note.
[^note]: The second one, with a [[Governance|link]].

```python
def commons(pool):
    return [x for x in pool if x.shared]
```
"#;

#[test]
fn french_wiki_page() {
    let rendered = render(FRENCH_PAGE, &SpaceSlug::main(), &SomePagesExist);
    assert_safe(rendered.html.as_str(), "French wiki page");
    let html = rendered.html.as_str();
    assert!(html.contains("id=\"économie-sociale\""), "{html}");
    assert!(html.contains("class=\"wikilink new\""), "{html}");
    assert!(html.contains("class=\"new\""), "{html}");
    insta::assert_snapshot!("wiki_page_fr", snapshot_text(&rendered));
}

#[test]
fn english_wiki_page() {
    let rendered = render(ENGLISH_PAGE, &SpaceSlug::main(), &SomePagesExist);
    assert_safe(rendered.html.as_str(), "English wiki page");
    let html = rendered.html.as_str();
    assert!(html.contains("id=\"café-économie\""), "{html}");
    assert!(html.contains("class=\"wikilink new\""), "{html}");
    assert!(!html.contains("alert(1)</script>"), "{html}");
    insta::assert_snapshot!("wiki_page_en", snapshot_text(&rendered));
}
