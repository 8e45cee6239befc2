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
    fn removes_scripts_handlers_and_javascript_links() {
        let html = markdown_to_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) <a href=\"javascript:alert(2)\">y</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }
}
