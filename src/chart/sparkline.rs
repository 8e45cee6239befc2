//! Sparklines: a word-sized line with no axes, for the index cards.

use std::fmt::Write;

use super::scale::{step_range, value_range};
use super::{escape_xml, push_px};

pub const SPARK_WIDTH: u32 = 160;
pub const SPARK_HEIGHT: u32 = 36;

/// Draws `points` (x, y) as a sparkline with its last finite value dotted.
pub fn render_sparkline(points: &[(f64, f64)], color: &str, label: &str) -> String {
    let finite: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    let (w, h) = (SPARK_WIDTH as f64, SPARK_HEIGHT as f64);
    let mut out = format!(
        r#"<svg class="sparkline" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}">"#,
        escape_xml(label)
    );
    if finite.len() >= 2 {
        let (x0, x1) = step_range(finite.iter().map(|p| p.0));
        let (y0, y1) = value_range(finite.iter().map(|p| p.1), false);
        let px = |x: f64| 2.0 + (x - x0) / (x1 - x0) * (w - 6.0);
        let py = |y: f64| h - 3.0 - (y - y0) / (y1 - y0) * (h - 6.0);
        let mut d = String::new();
        for (i, &(x, y)) in finite.iter().enumerate() {
            d.push(if i == 0 { 'M' } else { 'L' });
            push_px(&mut d, px(x));
            d.push(' ');
            push_px(&mut d, py(y));
        }
        let (lx, ly) = finite[finite.len() - 1];
        let _ = write!(
            out,
            r#"<path d="{d}" fill="none" stroke="{c}" stroke-width="1.5"/><circle cx="{:.1}" cy="{:.1}" r="2.2" fill="{c}"/>"#,
            px(lx),
            py(ly),
            c = escape_xml(color)
        );
    }
    out.push_str("</svg>");
    out
}
