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
    svg2pdf::to_pdf(
        &tree,
        svg2pdf::ConversionOptions::default(),
        svg2pdf::PageOptions::default(),
    )
    .map_err(|e| e.to_string())
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
}
