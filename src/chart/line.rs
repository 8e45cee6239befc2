//! Line charts: metrics over steps (or wall time), one or many series, with the best point of
//! each series marked, non-finite values drawn as marked gaps and counted, optional min–max
//! bands for seed groups, and a legend the script can click.

use std::cell::RefCell;
use std::fmt::Write;

use plotters::prelude::IntoLogRange;

pub use super::clock::WallClock;
use super::frame::{Frame, draw_frame};
pub use super::line_chart::{LineChart, LineSeries};
pub use super::line_data::json_string;
use super::line_data::script_data;
use super::scale::{Extent, Scale, healthy_range, step_range, value_range, wants_log};
use super::x_axis::write_x_axis;
use super::y_axis::write_y_axis;
use super::{Chart, HEIGHT, WIDTH, escape_xml, finish_svg, push_px};
use crate::format;
use crate::model::Point;
use crate::model::downsample::downsample;

/// Most points drawn in one chart, all series together: keeps every SVG well under 100 KB.
pub const POINTS_PER_CHART: usize = 6000;
/// Legend entries drawn inside the SVG; the rest are summarized as "+N more".
const LEGEND_ENTRIES: usize = 16;
const LEGEND_WIDTH: u32 = 176;

/// Draws a line chart.
pub fn render_line_chart(chart: &LineChart) -> Chart {
    let per_series = (POINTS_PER_CHART / chart.series.len().max(1)).clamp(60, 2000);
    // Series within their share of the budget are drawn as they are, not copied.
    let reduced: Vec<Option<LineSeries>> =
        chart.series.iter().map(|s| reduce(s, per_series)).collect();
    let series: Vec<&LineSeries> = chart
        .series
        .iter()
        .zip(&reduced)
        .map(|(s, r)| r.as_ref().unwrap_or(s))
        .collect();

    let all_y = || {
        series.iter().flat_map(|s| {
            s.points
                .iter()
                .map(|p| p.1)
                .chain(s.band.iter().flat_map(|b| [b.1, b.2]))
        })
    };
    // Everything, for the script's "show all"; the default axis leaves far outliers off it.
    let extent = Extent::of(all_y());
    let log_all = chart.log_y.unwrap_or_else(|| extent.wants_log());
    let all = extent.range(log_all);
    let healthy = robust_range(&series_extents(&series));
    let on_axis = |v: &f64| healthy.is_none_or(|(lo, hi)| *v >= lo && *v <= hi);
    // With every value on the axis (always so for fewer than three series: a run's charts),
    // the axis is the "show all" one; the passes over the values are not made again.
    let (log, (y0, y1)) = match healthy {
        None => (log_all, all),
        Some(_) => {
            let log = chart
                .log_y
                .unwrap_or_else(|| wants_log(all_y().filter(on_axis)));
            (log, value_range(all_y().filter(on_axis), log))
        }
    };
    let (x0, x1) = step_range(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
    let show_all = healthy.map(|_| (all, log_all));

    let mut svg = String::new();
    let frame = Frame {
        title: &chart.title,
        x_label: &chart.x_label,
        y_label: &chart.y_label,
        right_margin: LEGEND_WIDTH,
        own_x_axis: true,
        own_y_axis: true,
    };
    let pixels = if log {
        draw_frame(&mut svg, &frame, x0..x1, (y0..y1).log_scale())
    } else {
        draw_frame(&mut svg, &frame, x0..x1, y0..y1)
    };
    let Some((px_x, px_y)) = pixels else {
        return Chart {
            svg: empty_svg(&chart.title),
            data: None,
        };
    };
    let x = Scale {
        min: x0,
        max: x1,
        log: false,
        from_px: px_x.start as f64,
        to_px: px_x.end as f64,
    };
    let y = Scale {
        min: y0,
        max: y1,
        log,
        from_px: px_y.end as f64,
        to_px: px_y.start as f64,
    };

    // Room for every point's coordinates (about 12 bytes each) and the rest, so that the
    // markup is not copied again each time it outgrows its buffer.
    let points: usize = series
        .iter()
        .map(|s| s.points.len() + s.band.len() * 2)
        .sum();
    let mut extra = String::with_capacity(points * 14 + 4096);
    let (left, top, right, bottom) = (px_x.start, px_y.start, px_x.end, px_y.end);
    let _ = write!(
        extra,
        r#"<defs><clipPath id="clip-{id}"><rect x="{left}" y="{top}" width="{w}" height="{h}"/></clipPath></defs>"#,
        id = escape_xml(&chart.id),
        w = right - left,
        h = bottom - top
    );
    write_x_axis(&mut extra, &x, top as f64, bottom as f64, &chart.x_label);
    write_y_axis(&mut extra, &y, left as f64, right as f64);
    let _ = write!(
        extra,
        r#"<g class="plot" clip-path="url(#clip-{})">"#,
        escape_xml(&chart.id)
    );
    for (i, s) in series.iter().enumerate() {
        write_band(&mut extra, i, s, &x, &y);
    }
    for (i, s) in series.iter().enumerate() {
        write_series_path(&mut extra, i, s, &x, &y);
    }
    for (i, s) in series.iter().enumerate() {
        write_best_marker(&mut extra, i, s, &x, &y);
    }
    extra.push_str("</g>");
    let nonfinite = write_gap_markers(&mut extra, &series, &x, top as f64, bottom as f64);
    let off_scale = write_off_scale_markers(&mut extra, &series, &x, &y, top as f64, bottom as f64);
    write_legend(&mut extra, &series, right as f64 + 14.0, top as f64);
    write_footnote(&mut extra, chart, &series, nonfinite, off_scale);

    let root = format!(
        r#"class="chart" data-chart="{id}" data-x0="{x0}" data-x1="{x1}" data-y0="{y0}" data-y1="{y1}" data-log-y="{log}" data-px="{left} {top} {right} {bottom}" role="img" aria-label="{title}" "#,
        id = escape_xml(&chart.id),
        x0 = format::number_full(x0),
        x1 = format::number_full(x1),
        y0 = format::number_full(y0),
        y1 = format::number_full(y1),
        title = escape_xml(&chart.title),
    );
    let svg = finish_svg(svg, &root, &extra);
    let data = script_data(
        chart,
        &series,
        (x0, x1),
        (y0, y1),
        log,
        (left, top, right, bottom),
        show_all,
    );
    Chart {
        svg,
        data: Some(data),
    }
}

/// Reduces one series to at most `bound` points, keeping extremes and gaps; `None` when it has
/// no more than that.
fn reduce(series: &LineSeries, bound: usize) -> Option<LineSeries> {
    if series.points.len() <= bound {
        return None;
    }
    let indexed: Vec<Point> = series
        .points
        .iter()
        .enumerate()
        .map(|(i, p)| Point {
            step: i as i64,
            value: p.1,
        })
        .collect();
    let kept = downsample(&indexed, bound);
    Some(LineSeries {
        label: series.label.clone(),
        color: series.color.clone(),
        dash: series.dash,
        points: kept
            .iter()
            .map(|p| series.points[p.step as usize])
            .collect(),
        total_points: series.total_points,
        best: series.best,
        run: series.run,
        band: series.band.clone(),
        clock: series.clock,
    })
}

fn write_series_path(out: &mut String, index: usize, s: &LineSeries, x: &Scale, y: &Scale) {
    let mut d = String::with_capacity(s.points.len() * 12);
    let mut pen_down = false;
    let mut single_points = Vec::new();
    // Each point's y pixel is needed twice (for it, and to tell whether the point before it
    // stands alone), computed once.
    let y = y.mapper();
    let mut next_y = s.points.first().and_then(|p| y.px(p.1));
    X_PIXELS.with_borrow_mut(|pixels| {
        pixels.update(x, &s.points);
        for (i, &(px, _)) in s.points.iter().enumerate() {
            let this_y = next_y;
            next_y = s.points.get(i + 1).and_then(|n| y.px(n.1));
            match (pixels.get(i), this_y) {
                (Some((cx, length)), Some(cy)) => {
                    d.push(if pen_down { 'L' } else { 'M' });
                    // Eight bytes copied whole, then cut to the coordinate (see `XPixels`).
                    let end = d.len() + length;
                    d.push_str(cx);
                    d.truncate(end);
                    d.push(' ');
                    push_px(&mut d, cy);
                    // A finite point between two gaps would be invisible as a path: mark it.
                    if !pen_down && next_y.is_none() {
                        single_points.push((x.px(px).unwrap_or_default(), cy));
                    }
                    pen_down = true;
                }
                _ => pen_down = false,
            }
        }
    });
    let run = s.run_attribute();
    let dash = s.dash_attribute();
    let _ = write!(
        out,
        r#"<path class="series" data-series="{index}"{run} d="{d}" fill="none" stroke="{color}" stroke-width="1.8" stroke-linejoin="round"{dash}/>"#,
        color = escape_xml(&s.color)
    );
    for (cx, cy) in single_points {
        let _ = write!(
            out,
            r#"<circle class="series-dot" data-series="{index}"{run} cx="{cx}" cy="{cy}" r="2.5" fill="{}"/>"#,
            escape_xml(&s.color),
            cx = format::fixed(cx, 1),
            cy = format::fixed(cy, 1),
        );
    }
}

thread_local! {
    /// The x pixels of the series this thread drew last, written out: the series of a run share
    /// their steps and, on one page, their x axis, so each chart of a run page draws the same
    /// x coordinates again.
    static X_PIXELS: RefCell<XPixels> = RefCell::new(XPixels::default());
}

/// Bytes copied per x coordinate: more than any coordinate on a chart ("719.9").
const PX_COPY: usize = 8;

/// The written x pixels of some points on some scale.
#[derive(Default)]
struct XPixels {
    scale: Option<Scale>,
    steps: Vec<f64>,
    text: String,
    /// Each point's coordinate in `text`, or `None` where the scale cannot place it.
    spans: Vec<Option<(usize, usize)>>,
}

impl XPixels {
    /// Makes these the pixels of `points` on `x`, writing them only when they are not already.
    fn update(&mut self, x: &Scale, points: &[(f64, f64)]) {
        let same = self.scale.as_ref() == Some(x)
            && self.steps.len() == points.len()
            && self
                .steps
                .iter()
                .zip(points)
                .all(|(step, point)| step.to_bits() == point.0.to_bits());
        if same {
            return;
        }
        self.scale = Some(*x);
        self.steps.clear();
        self.steps.extend(points.iter().map(|p| p.0));
        self.text.clear();
        self.spans.clear();
        let mapper = x.mapper();
        for &step in &self.steps {
            let span = mapper.px(step).map(|cx| {
                let start = self.text.len();
                push_px(&mut self.text, cx);
                (start, self.text.len())
            });
            self.spans.push(span);
        }
        // So that eight bytes from any coordinate's start lie in the text.
        self.text.push_str(&" ".repeat(PX_COPY));
    }

    /// The `i`th point's coordinate: [`PX_COPY`] bytes of `text` from its start, and its
    /// length. A copy of a fixed length is one move, where one of the coordinate's own length
    /// is a call to `memcpy`; the text holds only ASCII, so any byte is a character's start.
    fn get(&self, i: usize) -> Option<(&str, usize)> {
        let (start, end) = self.spans[i]?;
        // A coordinate longer than the copy (far off the chart) is copied as it is.
        let copied = if end - start <= PX_COPY {
            start + PX_COPY
        } else {
            end
        };
        Some((self.text.get(start..copied)?, end - start))
    }
}

fn write_band(out: &mut String, index: usize, s: &LineSeries, x: &Scale, y: &Scale) {
    let points: Vec<(f64, f64, f64)> = s
        .band
        .iter()
        .filter_map(|&(bx, lo, hi)| Some((x.px(bx)?, y.px(lo)?, y.px(hi)?)))
        .collect();
    if points.len() < 2 {
        return;
    }
    let mut d = String::new();
    for (i, (px, _, hi)) in points.iter().enumerate() {
        d.push(if i == 0 { 'M' } else { 'L' });
        push_px(&mut d, *px);
        d.push(' ');
        push_px(&mut d, *hi);
    }
    for (px, lo, _) in points.iter().rev() {
        d.push('L');
        push_px(&mut d, *px);
        d.push(' ');
        push_px(&mut d, *lo);
    }
    d.push('Z');
    let run = s.run_attribute();
    let _ = write!(
        out,
        r#"<path class="band" data-series="{index}"{run} d="{d}" fill="{}" fill-opacity="0.18" stroke="none"/>"#,
        escape_xml(&s.color)
    );
}

fn write_best_marker(out: &mut String, index: usize, s: &LineSeries, x: &Scale, y: &Scale) {
    let Some((bx, by)) = s.best else { return };
    let (Some(cx), Some(cy)) = (x.px(bx), y.px(by)) else {
        return;
    };
    let _ = write!(
        out,
        r#"<circle class="best" data-series="{index}" cx="{cx}" cy="{cy}" r="4.5" fill="none" stroke="{color}" stroke-width="2"><title>best {label}: {value} at {step}</title></circle>"#,
        cx = format::fixed(cx, 1),
        cy = format::fixed(cy, 1),
        color = escape_xml(&s.color),
        label = escape_xml(&crate::invisible::isolate(&s.label)),
        value = format::number(by),
        step = format::number_full(bx),
    );
}

/// Marks every non-finite value with a small cross at the top edge (NaN, +Infinity) or the
/// bottom edge (-Infinity) in its series' colour; returns how many there are.
fn write_gap_markers(
    out: &mut String,
    series: &[&LineSeries],
    x: &Scale,
    top: f64,
    bottom: f64,
) -> u64 {
    let mut count = 0;
    for (index, s) in series.iter().enumerate() {
        let mut d = String::new();
        for &(px, py) in &s.points {
            if py.is_finite() {
                continue;
            }
            count += 1;
            let Some(cx) = x.px(px) else { continue };
            let cy = if py == f64::NEG_INFINITY {
                bottom - 5.0
            } else {
                top + 5.0
            };
            d.push('M');
            push_px(&mut d, cx - 3.0);
            d.push(' ');
            push_px(&mut d, cy - 3.0);
            d.push_str("l6 6m0 -6l-6 6");
        }
        if !d.is_empty() {
            let _ = write!(
                out,
                r#"<path class="gap" data-series="{index}" d="{d}" stroke="{}" stroke-width="1.6" fill="none"/>"#,
                escape_xml(&s.color)
            );
        }
    }
    // The reduced points keep every gap's first point per bucket; the footnote counts them all.
    series
        .iter()
        .map(|s| s.points.iter().filter(|p| !p.1.is_finite()).count() as u64)
        .sum::<u64>()
        .max(count)
}

fn write_legend(out: &mut String, series: &[&LineSeries], left: f64, top: f64) {
    out.push_str(r#"<g class="legend">"#);
    let shown: Vec<&str> = series
        .iter()
        .take(LEGEND_ENTRIES)
        .map(|s| s.label.as_str())
        .collect();
    let labels = super::shorten_distinct(&shown, 20);
    for (i, (s, label)) in series.iter().zip(&labels).enumerate() {
        let y = top + 8.0 + i as f64 * 21.0;
        let run = s.run_attribute();
        let dash = s.dash_attribute();
        let _ = write!(
            out,
            r##"<g class="legend-item" data-series="{i}"{run}><title>{full}</title><line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{color}" stroke-width="3"{dash}/><text x="{tx}" y="{y}" dy="0.35em" font-family="sans-serif" font-size="13" fill="#1b1f24">{label}</text></g>"##,
            // SVG has no `<bdi>`: a name with direction controls or right-to-left letters is
            // isolated with FSI … PDI so that it cannot reorder its neighbours.
            full = escape_xml(&crate::invisible::isolate(&s.label)),
            // Legend and marker positions through `format::fixed`: `{:.1}` is exact float
            // formatting, slower than the rest of a legend entry together.
            x1 = format::fixed(left, 1),
            x2 = format::fixed(left + 18.0, 1),
            tx = format::fixed(left + 24.0, 1),
            y = format::fixed(y, 1),
            color = escape_xml(&s.color),
            label = escape_xml(&crate::invisible::isolate(label)),
        );
    }
    if series.len() > LEGEND_ENTRIES {
        let y = top + 8.0 + LEGEND_ENTRIES as f64 * 21.0;
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" dy="0.35em" font-family="sans-serif" font-size="13" fill="#5b6470">+{} more</text>"##,
            format::fixed(left, 1),
            format::fixed(y, 1),
            series.len() - LEGEND_ENTRIES
        );
    }
    out.push_str("</g>");
}

/// [`healthy_range`] judged on a log scale when every value is positive (learning rates a
/// decade apart are not outliers; a loss at 1e21 among losses near 1 is).
fn robust_range(extents: &[(f64, f64)]) -> Option<(f64, f64)> {
    if extents.iter().all(|e| e.0 > 0.0) {
        let logs: Vec<(f64, f64)> = extents.iter().map(|e| (e.0.log10(), e.1.log10())).collect();
        let (lo, hi) = healthy_range(&logs)?;
        // The bounds are values of the series: back through the same logarithm, exactly.
        let pick = |target: f64, of: fn(&(f64, f64)) -> f64| {
            extents.iter().map(of).min_by(|a, b| {
                (a.log10() - target)
                    .abs()
                    .total_cmp(&(b.log10() - target).abs())
            })
        };
        return Some((pick(lo, |e| e.0)?, pick(hi, |e| e.1)?));
    }
    healthy_range(extents)
}

/// Each series' smallest and largest finite value (series with none are left out).
fn series_extents(series: &[&LineSeries]) -> Vec<(f64, f64)> {
    series
        .iter()
        .filter_map(|s| {
            let finite = s.points.iter().map(|p| p.1).filter(|v| v.is_finite());
            let (lo, hi) = finite.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
            (lo <= hi).then_some((lo, hi))
        })
        .collect()
}

/// Marks finite values beyond the axis with a small triangle at the edge they lie past, in their
/// series' colour; returns how many values are off the axis.
fn write_off_scale_markers(
    out: &mut String,
    series: &[&LineSeries],
    x: &Scale,
    y: &Scale,
    top: f64,
    bottom: f64,
) -> u64 {
    let mut count = 0;
    for (index, s) in series.iter().enumerate() {
        let mut d = String::new();
        let mut previous_edge = None;
        for &(px, py) in &s.points {
            let edge = if !py.is_finite() {
                None
            } else if py > y.max {
                Some(top)
            } else if py < y.min || (y.log && py <= 0.0) {
                Some(bottom)
            } else {
                None
            };
            if edge.is_some() {
                count += 1;
            }
            // One mark where a stretch of values leaves the axis, not one per point.
            if let (Some(edge), true) = (edge, edge != previous_edge) {
                if let Some(cx) = x.px(px) {
                    let (tip, base) = if edge == top {
                        (edge, edge + 7.0)
                    } else {
                        (edge, edge - 7.0)
                    };
                    d.push('M');
                    push_px(&mut d, cx - 4.0);
                    d.push(' ');
                    push_px(&mut d, base);
                    d.push('L');
                    push_px(&mut d, cx);
                    d.push(' ');
                    push_px(&mut d, tip);
                    d.push('L');
                    push_px(&mut d, cx + 4.0);
                    d.push(' ');
                    push_px(&mut d, base);
                    d.push('Z');
                }
            }
            previous_edge = edge;
        }
        if !d.is_empty() {
            let _ = write!(
                out,
                r#"<path class="off-scale" data-series="{index}" d="{d}" fill="{}"/>"#,
                escape_xml(&s.color)
            );
        }
    }
    count
}

fn write_footnote(
    out: &mut String,
    chart: &LineChart,
    series: &[&LineSeries],
    nonfinite: u64,
    off_scale: u64,
) {
    let mut parts = Vec::new();
    let shown: usize = series.iter().map(|s| s.points.len()).sum();
    let total: u64 = series.iter().map(|s| s.total_points).sum();
    if total > shown as u64 {
        parts.push(format!(
            "{} of {} points shown (min and max of each bucket kept)",
            format::count(shown as u64),
            format::count(total)
        ));
    }
    if nonfinite > 0 {
        parts.push(format!(
            "{nonfinite} non-finite values (NaN/Infinity) marked × at the edge"
        ));
    }
    if off_scale > 0 {
        parts.push(format!(
            "{off_scale} outlying values beyond the axis, marked ▲ at the edge"
        ));
    }
    if let Some(note) = &chart.note {
        parts.push(note.clone());
    }
    if parts.is_empty() {
        return;
    }
    let _ = write!(
        out,
        r##"<text class="footnote" x="10" y="{}" font-family="sans-serif" font-size="13" fill="#5b6470">{}</text>"##,
        HEIGHT - 7,
        escape_xml(&parts.join(" · "))
    );
}

fn empty_svg(title: &str) -> String {
    format!(
        r#"<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" class="chart"><text x="20" y="40" font-family="sans-serif">{}: nothing to draw</text></svg>"#,
        escape_xml(title)
    )
}
