//! The renderer never lets a script through: a corpus of hostile payloads in
//! several Markdown contexts, and every page of the shared corpus, come out
//! with no script, no event handler, no dangerous URL and no comment.

use std::io::{BufRead, BufReader, Write};
use std::time::Instant;

use ostrom::model::SpaceSlug;
use ostrom::render::{AllExist, render};
use scraper::{Html, Node};
use serde::Deserialize;

const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script", "iframe", "object", "embed", "form", "style", "svg", "math", "base", "meta", "link",
    "frame", "frameset", "applet", "template", "textarea", "button", "select",
];
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "background",
    "poster",
    "data",
    "codebase",
    "lowsrc",
    "dynsrc",
    "ping",
    "srcset",
    "longdesc",
    "usemap",
];
const FORBIDDEN_ATTRIBUTES: &[&str] = &["style", "srcdoc", "formaction", "action", "xlink:href"];

/// Why `html` is unsafe, if it is.
pub fn unsafe_reason(html: &str) -> Option<String> {
    if html.contains("<!--") {
        return Some("an HTML comment survived".to_owned());
    }
    let fragment = Html::parse_fragment(html);
    for node in fragment.root_element().descendants() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        let name = element.name().to_ascii_lowercase();
        if FORBIDDEN_ELEMENTS.contains(&name.as_str()) {
            return Some(format!("<{name}> survived"));
        }
        for (attribute, value) in element.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            if attribute.starts_with("on") || FORBIDDEN_ATTRIBUTES.contains(&attribute.as_str()) {
                return Some(format!("attribute {attribute} on <{name}> survived"));
            }
            if URL_ATTRIBUTES.contains(&attribute.as_str()) {
                // Browsers ignore ASCII whitespace and controls in a scheme.
                let squeezed: String = value
                    .chars()
                    .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                for scheme in ["javascript:", "vbscript:", "data:"] {
                    if squeezed.starts_with(scheme) {
                        return Some(format!("{attribute}=\"{value}\" on <{name}> survived"));
                    }
                }
            }
        }
    }
    None
}

pub fn assert_safe(html: &str, context: &str) {
    if let Some(reason) = unsafe_reason(html) {
        panic!("{context}: {reason}\n{html}");
    }
}

/// Raw HTML payloads: script, handlers, schemes, SVG/MathML, malformed.
const RAW_PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script/xss src=//evil.example/x.js></script>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "</script><script>alert(1)</script>",
    "<script\n>alert(1)</script\n>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=x OnErRoR=alert(1)>",
    "<img src=x onerror  =  alert(1)>",
    "<img src=x\nonerror=alert(1)>",
    "<img src=x onerror=\"alert(1)\"//",
    "<img src=\"x\" onerror=alert(1)",
    "<body onload=alert(1)>",
    "<div onmouseover=\"alert(1)\">survole</div>",
    "<a href=\"#\" onclick=\"alert(1)\">clic</a>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<p ONCLICK=alert(1)>p</p>",
    "<a href=\"javascript:alert(1)\">j</a>",
    "<a href=javascript:alert(1)>j</a>",
    "<a href=\" javascript:alert(1)\">j</a>",
    "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">e</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">e</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">tab</a>",
    "<a href=\"jav\tascript:alert(1)\">tab</a>",
    "<a href=\"java&#0000010script:alert(1)\">nl</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">case</a>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "<a href=\"VBScript:msgbox(1)\">vb</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">d</a>",
    "<a href=\"DATA:text/html,<script>alert(1)</script>\">d</a>",
    "<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "<a href=\"javascript&colon;alert(1)\">colon</a>",
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='alert(1)'/></svg>#x\"></use></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=\"javascript:alert(1)\">x</math>",
    "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(1)\">x</maction></math>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<form action=javascript:alert(1)><input type=submit></form>",
    "<button formaction=javascript:alert(1)>b</button>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<div style=\"background:url(javascript:alert(1))\">s</div>",
    "<p style=\"x:expression(alert(1))\">ie</p>",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<textarea><script>alert(1)</script></textarea>",
    "<title><script>alert(1)</script></title>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<template><script>alert(1)</script></template>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<a href=\"javascript:alert(1)\"<b>x</b>",
    "<<img src=x onerror=alert(1)//<",
    "<table><tr><td background=\"javascript:alert(1)\">t</td></tr></table>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<a href=\"java\0script:alert(1)\">nul</a>",
    "<img srcset=\"javascript:alert(1) 1x\">",
    "<blockquote cite=\"javascript:alert(1)\">q</blockquote>",
    "<select><option><script>alert(1)</script></option></select>",
    "<keygen autofocus onfocus=alert(1)>",
    "<isindex action=javascript:alert(1) type=image>",
];

/// Markdown payloads: schemes in links, images, autolinks, references,
/// wiki links carrying HTML, code info strings, front matter.
const MARKDOWN_PAYLOADS: &[&str] = &[
    "[x](javascript:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](JAVASCRIPT:alert(1))",
    "[x](javascript:alert(1) \"title\")",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](java%0ascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![<img src=x onerror=alert(1)>](x.png)",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x][r]\n\n[r]: <javascript:alert(1)> \"t\"",
    "![x][r]\n\n[r]: javascript:alert(1)",
    "[r]\n\n[r]: &#106;avascript:alert(1)",
    "[x](/ \"title\\\" onmouseover=\\\"alert(1)\")",
    "[[<script>alert(1)</script>]]",
    "[[Page|<img src=x onerror=alert(1)>]]",
    "[[javascript:alert(1)]]",
    "[[\"><script>alert(1)</script>]]",
    "[[Page#\"><img src=x onerror=alert(1)>]]",
    "[[Page|<a href=\"javascript:alert(1)\">x</a>]]",
    "[[x\" onmouseover=\"alert(1)]]",
    "[[main:<svg onload=alert(1)>]]",
    "```\"><script>alert(1)</script>\nx\n```",
    "```js onload=alert(1)\nx\n```",
    "---\ntitle: <script>alert(1)</script>\n---\n# t",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
    "Note[^1]\n\n[^1]: <script>alert(1)</script>",
    "- [x] <img src=x onerror=alert(1)>",
    "~~<script>alert(1)</script>~~",
    "# <img src=x onerror=alert(1)>",
    "> <iframe src=javascript:alert(1)>",
    "*<a href=\"javascript:alert(1)\">*x*</a>*",
    "www.example.com/<script>alert(1)</script>",
    "https://example.com/\"onmouseover=\"alert(1)",
];

fn contexts(payload: &str) -> Vec<String> {
    vec![
        payload.to_owned(),
        format!("avant {payload} après"),
        format!("- élément {payload}\n\n> {payload}\n\n| a |\n|---|\n| {payload} |"),
    ]
}

#[test]
fn no_hostile_payload_survives() {
    let space = SpaceSlug::main();
    let mut cases = 0;
    for payload in RAW_PAYLOADS.iter().chain(MARKDOWN_PAYLOADS) {
        for markdown in contexts(payload) {
            let rendered = render(&markdown, &space, &AllExist);
            assert_safe(rendered.html.as_str(), &format!("payload {markdown:?}"));
            cases += 1;
        }
    }
    assert!(RAW_PAYLOADS.len() + MARKDOWN_PAYLOADS.len() >= 100);
    assert!(cases >= 300);
}

#[test]
fn the_checker_catches_what_it_should() {
    for unsafe_html in [
        "<script>x</script>",
        "<a href=\"javascript:x\">a</a>",
        "<a href=\" JAVA\tSCRIPT:x\">a</a>",
        "<img src=\"data:image/png,x\">",
        "<p onclick=\"x\">p</p>",
        "<p style=\"color:red\">p</p>",
        "<!-- c -->",
        "<svg></svg>",
    ] {
        assert!(unsafe_reason(unsafe_html).is_some(), "{unsafe_html}");
    }
    assert!(unsafe_reason("<p><a href=\"https://x.org\">x</a></p>").is_none());
}

#[derive(Deserialize)]
struct CorpusPage {
    id: String,
    markdown: String,
}

#[test]
fn every_shared_page_renders_safely() {
    let Some(path) = crate::support::shared_data("pages/pages-shared.jsonl.gz") else {
        return;
    };
    let file = std::fs::File::open(path).unwrap();
    let reader = BufReader::new(flate2::read::GzDecoder::new(file));
    let space = SpaceSlug::main();
    let started = Instant::now();
    let mut pages = 0;
    let mut bytes = 0;
    for line in reader.lines() {
        let page: CorpusPage = serde_json::from_str(&line.unwrap()).unwrap();
        let rendered = render(&page.markdown, &space, &AllExist);
        assert_safe(rendered.html.as_str(), &page.id);
        // Real pages live well within the rendering budget.
        assert_eq!(rendered.refusal, None, "{}", page.id);
        pages += 1;
        bytes += page.markdown.len();
    }
    assert_eq!(pages, 7133);
    let _ = writeln!(
        std::io::stderr().lock(),
        "rendered {pages} shared pages ({bytes} bytes) safely in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
