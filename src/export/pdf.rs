//! SVG to vector PDF with svg2pdf. Text is set in DejaVu Sans, compiled into the binary
//! (assets/fonts/, Bitstream Vera licence), and the font database holds nothing else: the PDF
//! never depends on the fonts of the machine that made it. svg2pdf writes no dates or random
//! IDs and names font subsets by a hash, so the same SVG always gives the same bytes.

use std::sync::{Arc, OnceLock};

use svg2pdf::usvg::{self, fontdb};

/// DejaVu Sans 2.37 from Debian's fonts-dejavu-core; see assets/fonts/README.md.
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// The family every `sans-serif` (and any unknown family) resolves to.
pub const FONT_FAMILY: &str = "DejaVu Sans";

fn font_database() -> Arc<fontdb::Database> {
    static DATABASE: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DATABASE
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_font_data(FONT.to_vec());
            db.set_sans_serif_family(FONT_FAMILY);
            db.set_serif_family(FONT_FAMILY);
            db.set_monospace_family(FONT_FAMILY);
            Arc::new(db)
        })
        .clone()
}

/// Converts one SVG document into a one-page PDF of the same size (1 px = 1 pt).
pub fn svg_to_pdf(svg: &str) -> Result<Vec<u8>, String> {
    let options = usvg::Options {
        font_family: FONT_FAMILY.to_owned(),
        fontdb: font_database(),
        // Charts reference nothing outside themselves; never read files named by an SVG.
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| e.to_string())?;
    let pdf = svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions::default(),
    )
    .map_err(|e| e.to_string())?;
    Ok(sort_resource_entries(pdf))
}

/// Resource dictionaries whose entries svg2pdf writes in hash-map order.
const RESOURCE_KINDS: [&[u8]; 6] = [
    b"/ExtGState <<\n",
    b"/XObject <<\n",
    b"/Pattern <<\n",
    b"/Shading <<\n",
    b"/Font <<\n",
    b"/ColorSpace <<\n",
];

/// svg2pdf 0.13 lists the entries of a resource dictionary (`/gs4 11 0 R`, one per line) in the
/// order of a `HashMap`, which changes from process to process. Sorting those lines in place
/// makes the file reproducible; it moves no byte in or out of any object, so the
/// cross-reference table stays right. Stream contents are skipped.
pub fn sort_resource_entries(mut pdf: Vec<u8>) -> Vec<u8> {
    let mut at = 0;
    while at < pdf.len() {
        if pdf[at..].starts_with(b"stream\n") {
            match find(&pdf[at..], b"\nendstream") {
                Some(end) => {
                    at += end + b"\nendstream".len();
                    continue;
                }
                None => break,
            }
        }
        if let Some(kind) = RESOURCE_KINDS.iter().find(|k| pdf[at..].starts_with(k)) {
            let start = at + kind.len();
            sort_entry_lines(&mut pdf, start);
            at = start;
            continue;
        }
        at += 1;
    }
    pdf
}

/// Sorts the lines from `start` up to the line closing the dictionary, when every one of them
/// is a simple `/Name value` entry.
fn sort_entry_lines(pdf: &mut [u8], start: usize) {
    let Some(close) = find(&pdf[start..], b">>") else {
        return;
    };
    // Back up to the start of the closing line: the entries end with its newline before it.
    let body_end = match pdf[start..start + close].iter().rposition(|&b| b == b'\n') {
        Some(newline) => start + newline + 1,
        None => return,
    };
    let body = &pdf[start..body_end];
    let lines: Vec<&[u8]> = body.split_inclusive(|&b| b == b'\n').collect();
    let simple = lines.iter().all(|line| {
        let trimmed = line.trim_ascii_start();
        trimmed.starts_with(b"/") && !line.contains(&b'<') && line.ends_with(b"\n")
    });
    if !simple || lines.len() < 2 {
        return;
    }
    let mut sorted: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
    sorted.sort();
    let joined = sorted.concat();
    pdf[start..body_end].copy_from_slice(&joined);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100"><rect width="200" height="100" fill="#fff"/><path d="M10 90 L190 10" stroke="#1f77b4" stroke-width="2"/><text x="20" y="30" font-family="sans-serif" font-size="13">val_loss ↓ 0.25</text></svg>"##;

    #[test]
    fn converts_with_the_embedded_font_and_is_reproducible() {
        let a = svg_to_pdf(SVG).unwrap();
        let b = svg_to_pdf(SVG).unwrap();
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, b);
        let text = String::from_utf8_lossy(&a);
        assert!(text.contains("DejaVuSans"), "the font is embedded");
        assert!(!text.contains("CreationDate"));
    }

    #[test]
    fn resource_entries_are_sorted_in_place() {
        let pdf = b"4 0 obj\n<<\n  /Resources <<\n    /ExtGState <<\n      /gs2 9 0 R\n      /gs0 7 0 R\n      /gs1 8 0 R\n    >>\n  >>\n>>\nendobj\n5 0 obj\nstream\n/Font <<\n/b\n/a\n>>\nendstream\n".to_vec();
        let sorted = sort_resource_entries(pdf.clone());
        assert_eq!(sorted.len(), pdf.len());
        let text = String::from_utf8(sorted.clone()).unwrap();
        assert!(text.contains("      /gs0 7 0 R\n      /gs1 8 0 R\n      /gs2 9 0 R\n    >>"));
        assert!(
            text.contains("stream\n/Font <<\n/b\n/a\n>>"),
            "streams are left alone"
        );
        assert_eq!(sort_resource_entries(sorted.clone()), sorted);
    }
}
