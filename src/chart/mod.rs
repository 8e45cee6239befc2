//! Charts as SVG strings: pure functions from series to markup, byte-identical for the same
//! input, no I/O. Axes, ticks and labels are laid out by plotters (with its font-free text
//! backend, so the binary needs no fontconfig); series, markers and legends are written here with
//! classes and `data-` attributes that the theme's script uses for hover, legend clicks,
//! smoothing and highlighting. Every chart is complete without the script.

pub mod clock;
pub mod frame;
pub mod line;
mod line_chart;
mod line_data;
pub mod numbers;
pub mod palette;
pub mod parallel;
pub mod scale;
pub mod scatter;
pub mod sparkline;
pub mod x_axis;
pub mod y_axis;

pub use numbers::{json_number, push_json_number, push_px};
pub use palette::run_color;

/// Width and height of full-size charts, in pixels (fixed, so figures look the same everywhere).
pub const WIDTH: u32 = 720;
pub const HEIGHT: u32 = 400;

/// A rendered chart: the SVG and the data the theme's script needs (JSON), if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub svg: String,
    pub data: Option<String>,
}

/// Escapes text for SVG/XML content and attribute values.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0 at all.
            c if (c.is_control() && c != '\n' && c != '\t') || is_non_xml(c) => {
                out.push('\u{FFFD}')
            }
            c => out.push(c),
        }
    }
    out
}

/// Cuts a label to `max` characters with an ellipsis (legends have fixed room).
pub fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let mut cut: String = label.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Shortens a label in the middle ("lr0.0003-…0.25-seed1"): run names of a sweep share their
/// start, and what tells them apart (the seed, the last setting) is often at the end.
pub fn shorten_middle(label: &str, max: usize) -> String {
    let count = label.chars().count();
    if count <= max || max < 3 {
        return shorten(label, max);
    }
    let head = (max - 1) / 2;
    let tail = max - 1 - head;
    let mut out: String = label.chars().take(head).collect();
    out.push('…');
    out.extend(label.chars().skip(count - tail));
    out
}

/// Shortens the labels of one legend together, keeping what tells them apart: the start and
/// end that every label shares (`mnist-sweep-lr0.001-…-seed1`) are what gets cut, cut back to a
/// separator so that a setting is never split, and a label that fits keeps its whole name.
pub fn shorten_distinct(labels: &[&str], max: usize) -> Vec<String> {
    let chars: Vec<Vec<char>> = labels.iter().map(|l| l.chars().collect()).collect();
    if chars.len() < 2 || max < 3 {
        return labels.iter().map(|l| shorten_middle(l, max)).collect();
    }
    let is_separator = |c: char| matches!(c, '-' | '_' | '/' | ' ' | ',' | '=' | ':');
    let shortest = chars.iter().map(Vec::len).min().unwrap_or(0);
    let mut prefix = (0..shortest)
        .take_while(|&i| chars.iter().all(|c| c[i] == chars[0][i]))
        .count();
    // Back to just after a separator: `lr0.00` of `lr0.001`/`lr0.003` is not shared meaning.
    while prefix > 0 && !is_separator(chars[0][prefix - 1]) {
        prefix -= 1;
    }
    let mut suffix = (0..shortest - prefix)
        .take_while(|&i| {
            let of = |c: &Vec<char>| c[c.len() - 1 - i];
            chars.iter().all(|c| of(c) == of(&chars[0]))
        })
        .count();
    while suffix > 0 && !is_separator(chars[0][chars[0].len() - suffix]) {
        suffix -= 1;
    }
    chars
        .iter()
        .map(|label| {
            if label.len() <= max {
                return label.iter().collect();
            }
            let core: String = label[prefix..label.len() - suffix].iter().collect();
            let marks = usize::from(prefix > 0) + usize::from(suffix > 0);
            let core_len = label.len() - prefix - suffix;
            if core_len + marks > max {
                // Even the differing part has no room: cut it in its middle, and still mark
                // where the shared start and end were left out.
                let mut out = String::from(if prefix > 0 { "…" } else { "" });
                out.push_str(&shorten_middle(&core, max - marks));
                if suffix > 0 {
                    out.push('…');
                }
                return out;
            }
            // Room left goes to the shared start, which says what the sweep is.
            let head = (max - marks - core_len).min(prefix);
            let mut out: String = label[..head].iter().collect();
            if prefix > head {
                out.push('…');
            }
            out.push_str(&core);
            if suffix > 0 {
                out.push('…');
            }
            out
        })
        .collect()
}

/// Inserts `extra` markup just before the closing `</svg>` of a plotters drawing and adds
/// attributes to its root element. The SVG is put together in one new string: inserting into
/// plotters' moved the whole drawing twice.
pub fn finish_svg(svg: String, root_attributes: &str, extra: &str) -> String {
    let end = svg.rfind("</svg>").unwrap_or(svg.len());
    let open = svg[..end].find("<svg ").map(|at| at + 5);
    let mut out = String::with_capacity(svg.len() + root_attributes.len() + extra.len());
    match open {
        Some(open) => {
            out.push_str(&svg[..open]);
            out.push_str(root_attributes);
            out.push_str(&svg[open..end]);
        }
        None => out.push_str(&svg[..end]),
    }
    out.push_str(extra);
    out.push_str(&svg[end..]);
    // plotters starts with an XML-less `<svg`; standalone files and inline use both work.
    xml_characters_only(out)
}

/// True for characters XML 1.0 forbids anywhere (even escaped): C0 controls other than tab,
/// line feed and carriage return, and the noncharacters U+FFFE and U+FFFF.
fn is_non_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// Replaces characters that XML forbids with U+FFFD. Plotters writes titles and axis labels
/// (metric names from logs) as they are, and one NUL made the whole SVG invalid: `figures` and
/// `build --figures` stopped with "SVG data parsing failed".
pub fn xml_characters_only(svg: String) -> String {
    // By bytes: every forbidden character is a C0 control (one byte) or starts with 0xEF in
    // UTF-8, and a scan by `char` was a tenth of drawing a chart. Each chunk is tested whole,
    // without stopping at the first hit, which compiles to vector compares.
    let suspect = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0xEF);
    let any_suspect = svg
        .as_bytes()
        .chunks(64)
        .any(|chunk| chunk.iter().fold(false, |found, &b| found | suspect(b)));
    if !any_suspect || !svg.contains(is_non_xml) {
        return svg;
    }
    svg.chars()
        .map(|c| if is_non_xml(c) { '\u{FFFD}' } else { c })
        .collect()
}

#[cfg(test)]
mod tests;
