//! Pages written in ASCII: every character beyond it as a character reference, or as a JSON
//! escape inside the page's JSON data. Chromium keeps a chunk of an all-ASCII page as 8-bit
//! text; one `±` in a chunk makes the whole chunk 16-bit, and decoding and tokenizing it take
//! several times longer. On a 10,000-run project page (6.8 MB, 6,800 characters beyond ASCII,
//! nearly all the seed-group table's `±`) that was 150–190 ms of the time to interactive
//! (docs/BENCHMARKS.md, "Big projects in the browser"). What a reader sees is unchanged: the
//! parser turns each reference back into its character, in text, attributes, SVG and noscript.

use std::fmt::Write as _;

/// `html` with every character beyond ASCII escaped: `&#xHEX;` in markup, `\uXXXX` (UTF-16
/// units) between `<script…>` and `</script>`, whose text the parser does not decode. The
/// pages' only inline scripts are JSON data (the pages' policy allows no inline code), where a
/// character beyond ASCII can only be inside a string, and a `\u` escape means it there.
pub fn ascii_html(html: String) -> String {
    if html.is_ascii() {
        return html;
    }
    let mut out = String::with_capacity(html.len() + html.len() / 32);
    let mut rest = html.as_str();
    // memmem's SIMD search: every page passes through here, most with only a few `·` and `±`,
    // and `str::find`'s searcher made this pass a tenth of a first build's CPU.
    let opens = memchr::memmem::Finder::new(b"<script");
    let closes = memchr::memmem::Finder::new(b"</script");
    while !rest.is_empty() {
        // Markup up to the next script's text. A log's text cannot open one: it reaches the page
        // escaped (`<` as `&lt;`), or through the Markdown sanitizer, which drops scripts.
        let Some(open) = opens.find(rest.as_bytes()) else {
            escape_markup(rest, &mut out);
            break;
        };
        let text_start =
            memchr::memchr(b'>', &rest.as_bytes()[open..]).map_or(rest.len(), |end| open + end + 1);
        escape_markup(&rest[..text_start], &mut out);
        rest = &rest[text_start..];
        let text_end = closes.find(rest.as_bytes()).unwrap_or(rest.len());
        escape_script(&rest[..text_end], &mut out);
        rest = &rest[text_end..];
    }
    out
}

fn escape_markup(text: &str, out: &mut String) {
    escape_with(text, out, |ch, out| {
        let _ = write!(out, "&#x{:X};", u32::from(ch));
    });
}

fn escape_script(text: &str, out: &mut String) {
    escape_with(text, out, |ch, out| {
        let mut units = [0u16; 2];
        for unit in ch.encode_utf16(&mut units) {
            let _ = write!(out, "\\u{unit:04x}");
        }
    });
}

/// Copies `text` to `out` in runs of ASCII, each other character through `escape`.
fn escape_with(text: &str, out: &mut String, escape: impl Fn(char, &mut String)) {
    let mut rest = text;
    while let Some(at) = first_beyond_ascii(rest.as_bytes()) {
        out.push_str(&rest[..at]);
        let ch = rest[at..].chars().next().expect("a character starts here");
        escape(ch, out);
        rest = &rest[at + ch.len_utf8()..];
    }
    out.push_str(rest);
}

/// Where the first byte beyond ASCII is: whole blocks are passed over with `is_ascii`, which
/// reads a word at a time, where a search byte by byte reads the page one byte at a time.
fn first_beyond_ascii(bytes: &[u8]) -> Option<usize> {
    const BLOCK: usize = 256;
    let mut start = 0;
    while start < bytes.len() {
        let block = &bytes[start..(start + BLOCK).min(bytes.len())];
        if !block.is_ascii() {
            return block
                .iter()
                .position(|b| !b.is_ascii())
                .map(|at| start + at);
        }
        start += block.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::ascii_html;

    #[test]
    fn an_ascii_page_is_returned_as_it_is() {
        let page = "<p>0.93 +/- 0.01</p><script type=\"application/json\">{\"a\":1}</script>";
        assert_eq!(ascii_html(page.to_owned()), page);
    }

    #[test]
    fn markup_gets_references_and_script_text_gets_json_escapes() {
        let page = concat!(
            "<title>r\u{e9}sum\u{e9} \u{b7} ahnb</title>",
            "<td title=\"\u{3b1}\">0.94 \u{b1} 0.02</td>",
            "<script type=\"application/json\" id=\"d\">{\"name\":\"\u{e9}\u{1f600}\"}</script>",
            "<p>\u{2026}</p>"
        );
        assert_eq!(
            ascii_html(page.to_owned()),
            concat!(
                "<title>r&#xE9;sum&#xE9; &#xB7; ahnb</title>",
                "<td title=\"&#x3B1;\">0.94 &#xB1; 0.02</td>",
                "<script type=\"application/json\" id=\"d\">{\"name\":\"\\u00e9\\ud83d\\ude00\"}</script>",
                "<p>&#x2026;</p>"
            )
        );
    }

    #[test]
    fn the_json_escapes_read_back_as_the_same_text() {
        let name = "\u{e9}t\u{e9} \u{1f600} \u{202e}x \\\u{e9}";
        let json = serde_json::to_string(&serde_json::json!({ "name": name })).unwrap();
        let page = format!("<script type=\"application/json\">{json}</script>");
        let out = ascii_html(page);
        assert!(out.is_ascii());
        let inner = out
            .strip_prefix("<script type=\"application/json\">")
            .and_then(|s| s.strip_suffix("</script>"))
            .unwrap();
        let back: serde_json::Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["name"], name);
    }

    #[test]
    fn characters_at_and_across_block_edges_are_found() {
        for at in [0, 1, 255, 256, 257, 511, 600] {
            let mut page = "a".repeat(at);
            page.push('\u{b1}');
            page.push_str(&"b".repeat(300));
            let out = ascii_html(page);
            assert_eq!(out.find("&#xB1;"), Some(at), "at {at}");
            assert!(out.is_ascii());
        }
    }

    #[test]
    fn an_unclosed_script_is_escaped_to_the_end() {
        assert_eq!(
            ascii_html("<p>\u{b1}</p><script>\"\u{b1}\"".to_owned()),
            "<p>&#xB1;</p><script>\"\\u00b1\""
        );
    }
}
