//! The y axis of line charts, drawn by ahnb rather than plotters (as [`super::x_axis`] is): ticks,
//! grid lines and labels in one `<g class="y-axis">` that the theme's script redraws when a
//! chart is zoomed, panned or shown whole. The script (`yTicks` in `format.js`) picks ticks with
//! the same rule as [`y_ticks`].

use std::fmt::Write;

use super::scale::Scale;
use super::x_axis::nice_ticks;
use super::{escape_xml, push_px};
use crate::format;

/// Most ticks on the y axis.
pub const MAX_TICKS: usize = 6;

/// Round ticks within the scale: 1, 2 or 5 × 10ⁿ on a linear scale; on a log scale the powers
/// of ten (every second or third one over many decades), with 2 and 5 between them when the
/// range spans less than two decades.
pub fn y_ticks(y: &Scale) -> Vec<f64> {
    if !y.log {
        return nice_ticks(y.min, y.max, MAX_TICKS, false);
    }
    if !(y.min > 0.0 && y.max > y.min) {
        return Vec::new();
    }
    let (lo, hi) = (y.min.log10(), y.max.log10());
    let first = (lo - 1e-9).ceil() as i64;
    let last = (hi + 1e-9).floor() as i64;
    let decades = last - first + 1;
    if decades < 2 {
        let mut ticks = Vec::new();
        for exponent in (lo.floor() as i64)..=(hi.ceil() as i64) {
            for multiple in [1.0, 2.0, 5.0] {
                let v = multiple * 10f64.powi(exponent as i32);
                if v >= y.min * (1.0 - 1e-9) && v <= y.max * (1.0 + 1e-9) {
                    ticks.push(v);
                }
            }
        }
        return ticks;
    }
    let every = (decades as usize).div_ceil(MAX_TICKS).max(1) as i64;
    (first..=last)
        .filter(|e| (e - first) % every == 0)
        .map(|e| 10f64.powi(e as i32))
        .collect()
}

/// Writes the axis for `y` left of a plot whose left and right edges are given in pixels.
pub fn write_y_axis(out: &mut String, y: &Scale, left: f64, right: f64) {
    out.push_str(r#"<g class="y-axis">"#);
    let mut grid = String::new();
    let mut marks = String::new();
    let mut texts = String::new();
    for tick in y_ticks(y) {
        let Some(py) = y.px(tick) else { continue };
        for (path, from, to) in [(&mut grid, left, right), (&mut marks, left - 5.0, left)] {
            path.push('M');
            push_px(path, from);
            path.push(' ');
            push_px(path, py);
            path.push('H');
            push_px(path, to);
        }
        texts.push_str(r#"<text x=""#);
        push_px(&mut texts, left - 8.0);
        texts.push_str(r#"" y=""#);
        push_px(&mut texts, py);
        let _ = write!(
            texts,
            r#"" dy="0.35em">{}</text>"#,
            escape_xml(&format::tick(tick))
        );
    }
    let _ = write!(
        out,
        r##"<path class="y-grid" d="{grid}" stroke="#E1E4E8" stroke-width="1"/><path class="y-ticks" d="{marks}" stroke="#6E7681" stroke-width="1"/><g class="y-tick-labels" text-anchor="end" font-family="sans-serif" font-size="12.9" fill="#000000">{texts}</g>"##
    );
    out.push_str("</g>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(min: f64, max: f64, log: bool) -> Scale {
        Scale {
            min,
            max,
            log,
            from_px: 300.0,
            to_px: 20.0,
        }
    }

    #[test]
    fn linear_ticks_are_round_and_inside() {
        assert_eq!(
            y_ticks(&scale(-0.05, 1.05, false)),
            [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]
        );
    }

    #[test]
    fn log_ticks_are_powers_of_ten_or_their_multiples() {
        assert_eq!(y_ticks(&scale(0.005, 20.0, true)), [0.01, 0.1, 1.0, 10.0]);
        assert_eq!(y_ticks(&scale(0.15, 0.9, true)), [0.2, 0.5]);
        let wide = y_ticks(&scale(1e-3, 1e21, true));
        assert!(wide.len() <= MAX_TICKS && wide.len() >= 4, "{wide:?}");
        assert_eq!(wide[0], 1e-3);
    }
}
