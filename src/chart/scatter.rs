//! Scatter plots: one point per run, e.g. the best validation accuracy against the learning rate.
//! Each point carries the run's colour, its index (for highlighting) and a native tooltip.

use std::fmt::Write;

use plotters::prelude::IntoLogRange;

use super::frame::{Frame, draw_frame};
use super::scale::{Scale, value_range, wants_log};
use super::{Chart, escape_xml, finish_svg};

/// One run's point.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterPoint {
    pub x: f64,
    pub y: f64,
    pub color: String,
    pub run: usize,
    /// Tooltip text (run name and values).
    pub label: String,
}

/// A scatter plot to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct ScatterChart {
    pub id: String,
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub points: Vec<ScatterPoint>,
    /// An extra footnote, e.g. that only the best runs are drawn.
    pub note: Option<String>,
}

/// The exact range of the values, or a padded one around a single value.
fn data_range(values: impl Iterator<Item = f64> + Clone, log: bool) -> (f64, f64) {
    let usable = values
        .clone()
        .filter(|v| v.is_finite() && (!log || *v > 0.0));
    let lo = usable.clone().fold(f64::INFINITY, f64::min);
    let hi = usable.fold(f64::NEG_INFINITY, f64::max);
    if lo < hi {
        (lo, hi)
    } else {
        value_range(values, log)
    }
}

/// Draws a scatter plot; axes go logarithmic when positive values span more than two decades
/// (learning rates usually do).
pub fn render_scatter(chart: &ScatterChart) -> Chart {
    let finite: Vec<&ScatterPoint> = chart
        .points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite())
        .collect();
    let log_x = wants_log(finite.iter().map(|p| p.x));
    let log_y = wants_log(finite.iter().map(|p| p.y));
    // The axes span the data (an accuracy axis ends at its best run, never past 1); the plot
    // is inset so that points at the ends are drawn whole.
    let (x0, x1) = data_range(finite.iter().map(|p| p.x), log_x);
    let (y0, y1) = data_range(finite.iter().map(|p| p.y), log_y);
    let frame = Frame {
        title: &chart.title,
        x_label: &chart.x_label,
        y_label: &chart.y_label,
        own_x_axis: false,
        own_y_axis: false,
        right_margin: 24,
    };
    let mut svg = String::new();
    let pixels = match (log_x, log_y) {
        (false, false) => draw_frame(&mut svg, &frame, x0..x1, y0..y1),
        (true, false) => draw_frame(&mut svg, &frame, (x0..x1).log_scale(), y0..y1),
        (false, true) => draw_frame(&mut svg, &frame, x0..x1, (y0..y1).log_scale()),
        (true, true) => draw_frame(&mut svg, &frame, (x0..x1).log_scale(), (y0..y1).log_scale()),
    };
    let Some((px_x, px_y)) = pixels else {
        return Chart { svg, data: None };
    };
    let x = Scale {
        min: x0,
        max: x1,
        log: log_x,
        from_px: px_x.start as f64,
        to_px: px_x.end as f64,
    };
    let y = Scale {
        min: y0,
        max: y1,
        log: log_y,
        from_px: px_y.end as f64,
        to_px: px_y.start as f64,
    };
    let mut extra = String::from(r#"<g class="points">"#);
    for p in &finite {
        let (Some(cx), Some(cy)) = (x.px(p.x), y.px(p.y)) else {
            continue;
        };
        let _ = write!(
            extra,
            r##"<circle class="point" data-run="{run}" cx="{cx:.1}" cy="{cy:.1}" r="5" fill="{color}" fill-opacity="0.85" stroke="#ffffff" stroke-width="1"><title>{label}</title></circle>"##,
            run = p.run,
            color = escape_xml(&p.color),
            label = escape_xml(&crate::invisible::isolate(&p.label)),
        );
    }
    extra.push_str("</g>");
    let missing = chart.points.len() - finite.len();
    let mut notes: Vec<String> = chart.note.iter().cloned().collect();
    if missing > 0 {
        notes.push(format!(
            "{missing} runs without a finite value are not shown"
        ));
    }
    if !notes.is_empty() {
        let _ = write!(
            extra,
            r##"<text class="footnote" x="10" y="{}" font-family="sans-serif" font-size="12" fill="#5b6470">{}</text>"##,
            super::HEIGHT - 7,
            escape_xml(&notes.join(" · "))
        );
    }
    let root = format!(
        r#"class="chart scatter" data-chart="{}" role="img" aria-label="{}" "#,
        escape_xml(&chart.id),
        escape_xml(&chart.title)
    );
    Chart {
        svg: finish_svg(svg, &root, &extra),
        data: None,
    }
}
