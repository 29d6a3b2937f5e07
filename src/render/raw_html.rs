//! Raw HTML written in a page, made well-formed and shallow before it
//! reaches the sanitiser.
//!
//! The sanitiser builds a tree with an HTML parser whose work grows with
//! the depth of that tree at every tag, and raw HTML can make the tree as
//! deep as the page is long (50,000 `<div>` took 12 s). So raw HTML never
//! reaches it as written: html5ever's tokenizer (linear) reads each
//! fragment, and the tags come out again balanced, with HTML's usual
//! implied end tags made explicit (`<li>` ends the previous `<li>`, a block
//! ends a paragraph), elements opened inside a Markdown block closed at its
//! end, stray end tags dropped, and no deeper than the room the nesting
//! budget leaves. Comments and doctypes are dropped (the sanitiser would
//! drop them too). What this writes is a safe *shape*, not safe *content*:
//! the sanitiser still decides what stays.

use std::cell::RefCell;
use std::fmt::Write;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Start tags of block elements, which end an open paragraph.
const ENDS_PARAGRAPH: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
];

/// Where HTML's search for a paragraph to end stops ("button scope").
const PARAGRAPH_SCOPE: &[&str] = &[
    "applet", "button", "caption", "html", "marquee", "object", "table", "td", "template", "th",
];

/// For a start tag, the open elements it ends (HTML's implied end tags) and
/// the elements where the search for them stops.
fn implied_ends(name: &str) -> Option<(&'static [&'static str], &'static [&'static str])> {
    Some(match name {
        "li" => (&["li"], &["ul", "ol", "menu", "table"]),
        "dt" | "dd" => (&["dt", "dd"], &["dl", "table"]),
        "td" | "th" => (&["td", "th"], &["tr", "table"]),
        "tr" => (&["tr", "td", "th"], &["table", "thead", "tbody", "tfoot"]),
        "thead" | "tbody" | "tfoot" => (&["thead", "tbody", "tfoot", "tr", "td", "th"], &["table"]),
        "option" => (&["option"], &["select", "datalist"]),
        "optgroup" => (&["option", "optgroup"], &["select"]),
        "rb" | "rt" | "rtc" | "rp" => (&["rb", "rt", "rtc", "rp"], &["ruby"]),
        name if ENDS_PARAGRAPH.contains(&name) => (&["p"], PARAGRAPH_SCOPE),
        _ => return None,
    })
}

/// Elements whose content the tokenizer must read as text, not tags.
fn raw_kind(name: &str) -> Option<TokenSinkResult<()>> {
    Some(match name {
        "script" => TokenSinkResult::RawData(RawKind::ScriptData),
        "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
            TokenSinkResult::RawData(RawKind::Rawtext)
        }
        "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
        "plaintext" => TokenSinkResult::Plaintext,
        _ => return None,
    })
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn is_attribute_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

fn escape_attribute(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}

/// The raw elements open across a whole page, and where each Markdown
/// block's own begin (its scope).
#[derive(Debug, Default)]
pub(super) struct RawHtml {
    open: Vec<String>,
    scopes: Vec<usize>,
    /// Raw start tags dropped because they would have nested too deep.
    pub too_deep: bool,
    /// Start tags written since the caller last took the count.
    pub tags: usize,
}

impl RawHtml {
    /// Raw elements open now.
    pub(super) fn depth(&self) -> usize {
        self.open.len()
    }

    /// A Markdown element begins: raw elements opened inside it end with it.
    pub(super) fn enter_block(&mut self) {
        self.scopes.push(self.open.len());
    }

    /// A Markdown element ends: the end tags of the raw elements opened
    /// inside it and still open.
    pub(super) fn leave_block(&mut self) -> String {
        let start = self.scopes.pop().unwrap_or(0);
        self.close_down_to(start)
    }

    /// The end tags of every raw element still open (at the end of the page).
    pub(super) fn finish(&mut self) -> String {
        self.scopes.clear();
        self.close_down_to(0)
    }

    fn scope_start(&self) -> usize {
        self.scopes.last().copied().unwrap_or(0)
    }

    fn close_down_to(&mut self, start: usize) -> String {
        let mut out = String::new();
        while self.open.len() > start {
            if let Some(name) = self.open.pop() {
                let _ = write!(out, "</{name}>");
            }
        }
        out
    }

    /// Rewrites one fragment of raw HTML (an HTML block or an inline tag).
    /// `room` is how many elements may be open at once, the Markdown ones
    /// around this fragment included.
    pub(super) fn fragment(&mut self, html: &str, room: usize) -> String {
        let sink = Sink {
            state: RefCell::new(Rewrite {
                raw: std::mem::take(self),
                out: String::with_capacity(html.len() + 16),
                room,
            }),
        };
        let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
        let input = BufferQueue::default();
        input.push_back(StrTendril::from(html));
        let _ = tokenizer.feed(&input);
        tokenizer.end();
        let Rewrite { raw, out, .. } = tokenizer.sink.state.into_inner();
        *self = raw;
        out
    }
}

struct Rewrite {
    raw: RawHtml,
    out: String,
    room: usize,
}

impl Rewrite {
    fn start_tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        if !is_name(name) {
            return TokenSinkResult::Continue;
        }
        let void = VOID.contains(&name);
        if !void {
            self.end_implied_by(name);
            if self.raw.open.len() >= self.room {
                self.raw.too_deep = true;
                return TokenSinkResult::Continue;
            }
        }
        self.raw.tags += 1;
        self.out.push('<');
        self.out.push_str(name);
        for attribute in &tag.attrs {
            let attribute_name: &str = &attribute.name.local;
            if !is_attribute_name(attribute_name) {
                continue;
            }
            self.out.push(' ');
            self.out.push_str(attribute_name);
            self.out.push_str("=\"");
            escape_attribute(&mut self.out, &attribute.value);
            self.out.push('"');
        }
        self.out.push('>');
        if void {
            return TokenSinkResult::Continue;
        }
        self.raw.open.push(name.to_owned());
        raw_kind(name).unwrap_or(TokenSinkResult::Continue)
    }

    /// Closes what the start tag `name` implicitly ends.
    fn end_implied_by(&mut self, name: &str) {
        let Some((ends, stops)) = implied_ends(name) else {
            return;
        };
        let start = self.raw.scope_start();
        let mut deepest = None;
        for index in (start..self.raw.open.len()).rev() {
            let open = self.raw.open[index].as_str();
            if ends.contains(&open) {
                deepest = Some(index);
            } else if stops.contains(&open) {
                break;
            }
        }
        if let Some(index) = deepest {
            let closed = self.raw.close_down_to(index);
            self.out.push_str(&closed);
        }
    }

    fn end_tag(&mut self, tag: &Tag) {
        let name: &str = &tag.name;
        let start = self.raw.scope_start();
        if let Some(index) = self.raw.open[start..].iter().rposition(|open| open == name) {
            let closed = self.raw.close_down_to(start + index);
            self.out.push_str(&closed);
        }
    }
}

struct Sink {
    state: RefCell<Rewrite>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.state.borrow_mut();
        match token {
            Token::TagToken(tag) => match tag.kind {
                TagKind::StartTag => return state.start_tag(&tag),
                TagKind::EndTag => state.end_tag(&tag),
            },
            Token::CharacterTokens(text) => escape_text(&mut state.out, &text),
            Token::CommentToken(_)
            | Token::DoctypeToken(_)
            | Token::NullCharacterToken
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(fragments: &[&str], room: usize) -> (String, bool) {
        let mut raw = RawHtml::default();
        let mut out: String = fragments.iter().map(|f| raw.fragment(f, room)).collect();
        out.push_str(&raw.finish());
        (out, raw.too_deep)
    }

    #[test]
    fn balances_and_makes_implied_ends_explicit() {
        let cases = [
            ("<div><b>x", "<div><b>x</b></div>"),
            ("<ul><li>a<li>b</ul>", "<ul><li>a</li><li>b</li></ul>"),
            (
                "<table><tr><td>a<td>b<tr><td>c</table>",
                "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>",
            ),
            ("<p>a<div>b</div>", "<p>a</p><div>b</div>"),
            ("</b>text</i>", "text"),
            (
                "<br/><img src=x alt='a\"b'>",
                "<br><img src=\"x\" alt=\"a&quot;b\">",
            ),
            (
                "a &amp; b < c <!-- no --> <!DOCTYPE html>",
                "a &amp; b &lt; c  ",
            ),
            (
                "<a href=\"/x\" \"bad=1 onclick=y>l</a>",
                "<a href=\"/x\" onclick=\"y\">l</a>",
            ),
            (
                "<script>if (a<b) x()</script>",
                "<script>if (a&lt;b) x()</script>",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                rewrite(&[input], 64),
                (expected.to_owned(), false),
                "{input}"
            );
        }
    }

    #[test]
    fn blocks_are_scopes() {
        let mut raw = RawHtml::default();
        let mut out = raw.fragment("<details>", 64);
        raw.enter_block();
        out += &raw.fragment("<b>", 64);
        out += "text";
        out += &raw.leave_block();
        out += &raw.fragment("</b></details>", 64);
        assert_eq!(out, "<details><b>text</b></details>");
    }

    #[test]
    fn never_deeper_than_the_room() {
        let (out, too_deep) = rewrite(&[&"<div>".repeat(10)], 3);
        assert!(too_deep);
        assert_eq!(out, "<div><div><div></div></div></div>");
        let (_, too_deep) = rewrite(&[&"<div></div>".repeat(100)], 3);
        assert!(!too_deep, "siblings are not nesting");
    }
}
