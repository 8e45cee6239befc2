//! Invisible and bidirectional characters in names from logs: which they are, a name's visible
//! form (to notice two names a reader cannot tell apart), and the plain-text isolation used where
//! HTML's `<bdi>` cannot go (a page's `<title>`, an SVG label).

/// Bidirectional controls: embeddings, overrides, isolates and marks. One of them in a name can
/// reorder the rest of the line it is shown on (`\u{202e}exe.txt` reads as `txt.exe`).
pub fn is_bidi_control(ch: char) -> bool {
    matches!(
        ch,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Characters that draw nothing (zero-width spaces and joiners, the soft hyphen, word joiners,
/// invisible operators, the byte-order mark, variation selectors, tag characters) or that only
/// steer direction: two names that differ only by them look the same.
pub fn is_invisible(ch: char) -> bool {
    is_bidi_control(ch)
        || matches!(
            ch,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206A}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{E0000}'..='\u{E007F}'
                | '\u{E0100}'..='\u{E01EF}'
        )
}

/// `name` as a reader sees it: without its invisible characters.
pub fn visible_form(name: &str) -> String {
    name.chars().filter(|&c| !is_invisible(c)).collect()
}

/// `name` without bidirectional controls, so that it cannot reorder the text around it (for
/// Markdown, where no isolation markup exists).
pub fn without_bidi(name: &str) -> String {
    name.chars().filter(|&c| !is_bidi_control(c)).collect()
}

/// `name` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: the plain-text `<bdi>`, for
/// places that take no markup. Its own unbalanced controls end at the isolate's end.
pub fn isolate(name: &str) -> String {
    if name.chars().any(|c| is_bidi_control(c) || is_strong_rtl(c)) {
        format!("\u{2068}{name}\u{2069}")
    } else {
        name.to_owned()
    }
}

/// Letters of right-to-left scripts (Hebrew, Arabic and their neighbours): a name holding them
/// also needs isolating, or it pulls adjacent numbers and punctuation into its direction.
fn is_strong_rtl(ch: char) -> bool {
    matches!(ch, '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}' | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_differ_only_invisibly_have_one_visible_form() {
        for twin in [
            "tw\u{200b}in",
            "\u{feff}twin",
            "twi\u{00ad}n",
            "\u{202e}twin\u{202c}",
            "t\u{2066}win\u{2069}",
            "twin\u{200f}",
        ] {
            assert_eq!(visible_form(twin), "twin", "{twin:?}");
        }
        assert_ne!(visible_form("twin"), visible_form("twins"));
    }

    #[test]
    fn bidi_controls_are_removed_or_isolated() {
        assert_eq!(without_bidi("\u{202e}evil\u{202c}.exe"), "evil.exe");
        assert_eq!(without_bidi("zero\u{200b}width"), "zero\u{200b}width");
        assert_eq!(isolate("\u{202e}x"), "\u{2068}\u{202e}x\u{2069}");
        assert_eq!(isolate("שלום"), "\u{2068}שלום\u{2069}");
        assert_eq!(isolate("plain"), "plain");
    }
}
