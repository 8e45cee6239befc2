//! The x axis of line charts, drawn by ahnb rather than plotters: its ticks, grid lines, labels
//! and title sit in one `<g class="x-axis">` that the theme's script redraws when a chart is
//! switched from steps to wall time. The script (`niceTicks` in `format.js`) picks ticks with the
//! same rule as [`nice_ticks`], so both views of a chart look alike.

use std::fmt::Write;

use super::frame::FOOT_HEIGHT;
use super::scale::Scale;
use super::{HEIGHT, escape_xml, push_px, shorten};
use crate::format;

/// Most ticks on the x axis.
pub const MAX_TICKS: usize = 8;

/// Round tick positions within `lo..=hi`: multiples of 1, 2 or 5 × 10ⁿ, the finest such step
/// that gives at most `max` ticks. With `integer`, steps below 1 are not used (steps of
/// training are whole numbers).
pub fn nice_ticks(lo: f64, hi: f64, max: usize, integer: bool) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || max == 0 {
        return Vec::new();
    }
    if hi <= lo {
        return vec![lo];
    }
    let mut unit = 10f64.powf(((hi - lo) / max as f64).log10().floor());
    if integer {
        unit = unit.max(1.0);
    }
    for _ in 0..4 {
        for multiple in [1.0, 2.0, 5.0] {
            let step = unit * multiple;
            // The slack keeps an end tick that rounding puts a hair outside (0.7 / 0.1 < 7).
            let first = (lo / step - 1e-9).ceil();
            let last = (hi / step + 1e-9).floor();
            if last - first + 1.0 <= max as f64 {
                return (first as i64..=last as i64)
                    .map(|i| i as f64 * step)
                    .collect();
            }
        }
        unit *= 10.0;
    }
    vec![lo, hi]
}

/// Writes the axis for `x` (a linear scale) below a plot whose top and bottom edges are given
/// in pixels.
pub fn write_x_axis(out: &mut String, x: &Scale, top: f64, bottom: f64, label: &str) {
    let ticks = nice_ticks(
        x.min,
        x.max,
        MAX_TICKS,
        x.min.fract() == 0.0 && x.max.fract() == 0.0,
    );
    out.push_str(r#"<g class="x-axis">"#);
    let mut grid = String::new();
    let mut marks = String::new();
    let mut texts = String::new();
    for tick in ticks {
        let Some(px) = x.px(tick) else { continue };
        for (path, from, to) in [(&mut grid, top, bottom), (&mut marks, bottom, bottom + 5.0)] {
            path.push('M');
            push_px(path, px);
            path.push(' ');
            push_px(path, from);
            path.push('V');
            push_px(path, to);
        }
        texts.push_str(r#"<text x=""#);
        push_px(&mut texts, px);
        let _ = write!(
            texts,
            r#"" y="{}" dy="0.76em">{}</text>"#,
            bottom + 10.0,
            escape_xml(&format::tick(tick))
        );
    }
    let _ = write!(
        out,
        r##"<path class="x-grid" d="{grid}" stroke="#E1E4E8" stroke-width="1"/><path class="x-ticks" d="{marks}" stroke="#6E7681" stroke-width="1"/><g class="x-tick-labels" text-anchor="middle" font-family="sans-serif" font-size="12.9" fill="#000000">{texts}</g><text class="x-title" x="{center}" y="{title_y}" dy="-0.5ex" text-anchor="middle" font-family="sans-serif" font-size="13.7" fill="#000000">{title}</text>"##,
        center = ((x.from_px + x.to_px) / 2.0).round(),
        title_y = HEIGHT - FOOT_HEIGHT,
        title = escape_xml(&shorten(label, 60)),
    );
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_within_the_range() {
        assert_eq!(
            nice_ticks(0.0, 4999.0, 8, true),
            [0.0, 1000.0, 2000.0, 3000.0, 4000.0]
        );
        assert_eq!(nice_ticks(0.0, 20.0, 8, true), [0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(nice_ticks(1.0, 3.0, 8, true), [1.0, 2.0, 3.0]);
        let fine = nice_ticks(0.0, 0.7, 8, false);
        assert_eq!(fine.len(), 8);
        assert!((fine[7] - 0.7).abs() < 1e-9);
        assert_eq!(nice_ticks(5.0, 5.0, 8, true), [5.0]);
        assert!(nice_ticks(f64::NAN, 1.0, 8, false).is_empty());
    }

    #[test]
    fn never_more_than_asked() {
        for (lo, hi) in [
            (0.0, 1.0),
            (-3.5, 1e9),
            (123.0, 124.0),
            (0.0, 1e-9),
            (-1e300, 1e300),
        ] {
            let ticks = nice_ticks(lo, hi, MAX_TICKS, false);
            assert!(
                !ticks.is_empty() && ticks.len() <= MAX_TICKS,
                "{lo}..{hi}: {ticks:?}"
            );
            assert!(
                ticks
                    .iter()
                    .all(|t| *t >= lo - 1e-9 * hi.abs().max(1.0) && *t <= hi * 1.000001 + 1e-12),
                "{ticks:?}"
            );
        }
    }
}
