//! Markdown to safe HTML: the one place that sets pulldown-cmark's options and the one place that
//! sanitizes HTML from logs (ammonia). Notes, READMEs and HTML media all pass through here.

use pulldown_cmark::{Options, Parser, html};

/// Renders Markdown (GitHub-flavoured tables, strikethrough, task lists, footnotes) and
/// sanitizes the result: raw HTML is filtered, scripts, event handlers and `javascript:` links
/// are removed.
pub fn markdown_to_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    options.insert(Options::ENABLE_FOOTNOTES);
    let parser = Parser::new_ext(markdown, options);
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    sanitize_html(&unsafe_html)
}

/// One line of inline Markdown (a caption): `code`, *emphasis* and links, without the paragraph
/// around it; sanitized like everything else.
pub fn inline_markdown_to_html(text: &str) -> String {
    let html = markdown_to_html(text);
    let trimmed = html.trim();
    match trimmed
        .strip_prefix("<p>")
        .and_then(|t| t.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_owned(),
        _ => trimmed.to_owned(),
    }
}

/// Sanitizes HTML from a log with ammonia's safe defaults; links get `rel="noopener noreferrer"`.
pub fn sanitize_html(unsafe_html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        let html = markdown_to_html("# Title\n\n* a `b`\n\n| x | y |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("<code>b</code>"));
        assert!(html.contains("<table>"));
    }

    #[test]
    fn captions_render_inline_code_without_a_paragraph() {
        assert_eq!(
            inline_markdown_to_html("16 of `val` <b>x</b> <script>alert(1)</script>"),
            "16 of <code>val</code> <b>x</b> "
        );
    }

    #[test]
    fn removes_scripts_handlers_and_javascript_links() {
        let html = markdown_to_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) <a href=\"javascript:alert(2)\">y</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }
}
