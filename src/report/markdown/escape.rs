//! Escaping text from logs for GitHub-flavoured Markdown: code spans, plain text and link URLs
//! that can neither break a table nor notify anyone.

/// Text from a log as an inline code span, safe in a table cell: code spans show Markdown,
/// HTML and `@mentions` literally; pipes are escaped for the table; newlines become spaces;
/// bidirectional controls are dropped (they would reorder the line).
pub fn code(text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|&c| !crate::invisible::is_bidi_control(c))
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let longest_ticks = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_ticks + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') || longest_ticks > 0 {
        " "
    } else {
        ""
    };
    let body = text.replace('|', "\\|");
    if body.trim().is_empty() {
        return "` `".to_owned();
    }
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// Text from a log as plain Markdown: every character Markdown or HTML would interpret is
/// backslash-escaped, `@` cannot start a mention, newlines become spaces, and bidirectional
/// controls are dropped.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(ch);
            }
            // A word joiner keeps `@team` from notifying anyone.
            '@' => out.push_str("@\u{2060}"),
            c if c.is_control() => out.push(' '),
            // Markdown has no `<bdi>`: a direction control would reorder the rest of the line.
            c if crate::invisible::is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A URL safe inside `[text](url)` and a table: spaces, parentheses, pipes and angle brackets
/// percent-encoded.
pub fn link_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for ch in url.chars() {
        match ch {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '|' => out.push_str("%7C"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_escape_pipes_and_backticks() {
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("x`y"), "`` x`y ``");
        assert_eq!(code("@team <b>"), "`@team <b>`");
        assert_eq!(code("two\nlines"), "`two lines`");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text("a|b*c"), "a\\|b\\*c");
        assert_eq!(escape_text("@org"), "@\u{2060}org");
        assert_eq!(link_url("https://x.io/a b(1)"), "https://x.io/a%20b%281%29");
    }
}
