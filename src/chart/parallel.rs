//! Parallel coordinates: one vertical axis per hyperparameter that varies (numeric or
//! categorical), the last axis the primary metric, one line per run coloured by that metric.
//! plotters has no such chart, so this one is drawn by hand in the same style.

use std::fmt::Write;

use super::line::json_string;
use super::palette::sequential;
use super::scale::{Scale, value_range, wants_log};
use super::x_axis::nice_ticks;
use super::y_axis::y_ticks;
use super::{Chart, HEIGHT, WIDTH, escape_xml, push_px, shorten};
use crate::format;

/// One axis: its name and each run's value (numeric, or a category label).
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub name: String,
    pub values: Vec<AxisValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AxisValue {
    Number(f64),
    Category(String),
    Missing,
}

/// A parallel-coordinates chart; the last axis colours the lines.
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelChart {
    pub id: String,
    pub title: String,
    pub axes: Vec<Axis>,
    /// Each line's run: its index in the project (for highlighting) and name (for tooltips).
    /// Axis values are in the same order.
    pub runs: Vec<(usize, String)>,
    /// Whether higher is better on the last axis (the colour bar says so).
    pub higher_is_better: bool,
    /// An extra footnote, e.g. that only the best runs are drawn.
    pub note: Option<String>,
}

enum AxisScale {
    Numeric(Scale),
    Categorical(Vec<String>),
}

/// Draws the chart.
pub fn render_parallel(chart: &ParallelChart) -> Chart {
    let (left, right, top, bottom) = (60.0, WIDTH as f64 - 60.0, 56.0, HEIGHT as f64 - 48.0);
    let n = chart.axes.len().max(2);
    let x_of = |i: usize| left + (right - left) * i as f64 / (n - 1) as f64;
    let scales: Vec<AxisScale> = chart
        .axes
        .iter()
        .map(|axis| axis_scale(axis, bottom, top))
        .collect();

    let mut out = format!(
        r##"<svg width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" xmlns="http://www.w3.org/2000/svg" class="chart parallel" data-chart="{id}" role="img" aria-label="{title}"><rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/><text x="{cx}" y="24" text-anchor="middle" font-family="sans-serif" font-size="14.5" fill="#1b1f24">{title}</text>"##,
        id = escape_xml(&chart.id),
        title = escape_xml(&shorten(&chart.title, 80)),
        cx = WIDTH / 2,
    );

    // Colour by the last axis (the metric), normalized so the best runs are brightest.
    let metric = chart.axes.last();
    let metric_values: Vec<f64> = metric
        .map(|a| {
            a.values
                .iter()
                .map(|v| {
                    if let AxisValue::Number(x) = v {
                        *x
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let (m0, m1) = value_range(metric_values.iter().copied(), false);
    // The part of viridis that reads on white: dark purple (worst) to green (best); its
    // yellow end is left out.
    let shade = |t: f64| sequential(0.75 * t);
    out.push_str(r#"<g class="lines">"#);
    for (run, (index, name)) in chart.runs.iter().enumerate() {
        let mut d = String::new();
        let mut pen = false;
        for (i, (axis, scale)) in chart.axes.iter().zip(&scales).enumerate() {
            match position(
                scale,
                axis.values.get(run).unwrap_or(&AxisValue::Missing),
                top,
                bottom,
            ) {
                Some(py) => {
                    d.push(if pen { 'L' } else { 'M' });
                    push_px(&mut d, x_of(i));
                    d.push(' ');
                    push_px(&mut d, py);
                    pen = true;
                }
                None => pen = false,
            }
        }
        let value = metric_values.get(run).copied().unwrap_or(f64::NAN);
        let t = if value.is_finite() {
            (value - m0) / (m1 - m0)
        } else {
            0.0
        };
        let t = if chart.higher_is_better { t } else { 1.0 - t };
        let color = if value.is_finite() {
            shade(t)
        } else {
            "#9aa4b1".to_owned()
        };
        let _ = write!(
            out,
            r#"<path class="pc-line" data-run="{index}" d="{d}" fill="none" stroke="{color}" stroke-width="1.6" stroke-opacity="0.8"><title>{}: {}</title></path>"#,
            escape_xml(&crate::invisible::isolate(name)),
            escape_xml(&format::number(value)),
        );
    }
    out.push_str("</g>");

    for (i, (axis, scale)) in chart.axes.iter().zip(&scales).enumerate() {
        let x = x_of(i);
        let _ = write!(
            out,
            r##"<g class="pc-axis"><line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{bottom}" stroke="#6e7681" stroke-width="1.2"/><text x="{x:.1}" y="{ty}" text-anchor="middle" font-family="sans-serif" font-size="13" fill="#1b1f24">{name}</text>"##,
            ty = top - 12.0,
            name = escape_xml(&shorten(&axis.name, 18)),
        );
        for (label, py) in tick_labels(scale, top, bottom) {
            let _ = write!(
                out,
                r##"<text x="{tx:.1}" y="{py:.1}" dy="0.35em" text-anchor="end" font-family="sans-serif" font-size="11" fill="#5b6470">{}</text><line x1="{x0:.1}" y1="{py:.1}" x2="{x:.1}" y2="{py:.1}" stroke="#6e7681"/>"##,
                escape_xml(&shorten(&label, 12)),
                tx = x - 6.0,
                x0 = x - 4.0,
            );
        }
        out.push_str("</g>");
    }
    let direction = if chart.higher_is_better {
        "green is better (higher), purple worse"
    } else {
        "green is better (lower), purple worse"
    };
    let _ = write!(
        out,
        r##"<text class="footnote" x="10" y="{}" font-family="sans-serif" font-size="12" fill="#5b6470">One line per run, coloured by {}: {direction}. Grey: no value. Drag along an axis to select.{}</text></svg>"##,
        HEIGHT - 10,
        escape_xml(&metric.map(|a| a.name.clone()).unwrap_or_default()),
        escape_xml(
            &chart
                .note
                .as_ref()
                .map(|n| format!(" {n}."))
                .unwrap_or_default()
        ),
    );
    let data = script_data(chart, &scales, &x_of, top, bottom);
    Chart {
        svg: out,
        data: Some(data),
    }
}

/// What the theme's script needs to brush the chart: each axis' place and scale, and each
/// line's run and values (numbers, or category positions).
fn script_data(
    chart: &ParallelChart,
    scales: &[AxisScale],
    x_of: &dyn Fn(usize) -> f64,
    top: f64,
    bottom: f64,
) -> String {
    let mut out = format!(r#"{{"kind":"parallel","top":{top},"bottom":{bottom},"axes":["#);
    for (i, (axis, scale)) in chart.axes.iter().zip(scales).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"name":{},"x":{},"#,
            json_string(&axis.name),
            super::json_number(x_of(i))
        );
        match scale {
            AxisScale::Numeric(s) => {
                let _ = write!(
                    out,
                    r#""min":{},"max":{},"log":{}}}"#,
                    super::json_number(s.min),
                    super::json_number(s.max),
                    s.log
                );
            }
            AxisScale::Categorical(categories) => {
                out.push_str(r#""categories":["#);
                for (k, c) in categories.iter().enumerate() {
                    if k > 0 {
                        out.push(',');
                    }
                    out.push_str(&json_string(c));
                }
                out.push_str("]}");
            }
        }
    }
    out.push_str(r#"],"runs":["#);
    for (line, (index, _)) in chart.runs.iter().enumerate() {
        if line > 0 {
            out.push(',');
        }
        let _ = write!(out, "[{index}");
        for (axis, scale) in chart.axes.iter().zip(scales) {
            out.push(',');
            match (scale, axis.values.get(line).unwrap_or(&AxisValue::Missing)) {
                (AxisScale::Numeric(_), AxisValue::Number(x)) => {
                    super::push_json_number(&mut out, *x)
                }
                (AxisScale::Categorical(categories), value) => {
                    let key = match value {
                        AxisValue::Number(x) => Some(format::number_full(*x)),
                        AxisValue::Category(c) => Some(c.clone()),
                        AxisValue::Missing => None,
                    };
                    match key.and_then(|k| categories.iter().position(|c| *c == k)) {
                        Some(i) => out.push_str(&json_string(&categories[i])),
                        None => out.push_str("null"),
                    }
                }
                _ => out.push_str("null"),
            }
        }
        out.push(']');
    }
    out.push_str("]}");
    out
}

fn axis_scale(axis: &Axis, bottom: f64, top: f64) -> AxisScale {
    let numbers: Vec<f64> = axis
        .values
        .iter()
        .filter_map(|v| {
            if let AxisValue::Number(x) = v {
                Some(*x)
            } else {
                None
            }
        })
        .collect();
    let has_categories = axis
        .values
        .iter()
        .any(|v| matches!(v, AxisValue::Category(_)));
    if has_categories || numbers.is_empty() {
        let mut categories: Vec<String> = axis
            .values
            .iter()
            .map(|v| match v {
                AxisValue::Number(x) => format::number_full(*x),
                AxisValue::Category(c) => c.clone(),
                AxisValue::Missing => String::new(),
            })
            .filter(|c| !c.is_empty())
            .collect();
        categories.sort();
        categories.dedup();
        return AxisScale::Categorical(categories);
    }
    let log = wants_log(numbers.iter().copied());
    // The axis spans the data exactly: its ticks are round values inside it (no batch size of
    // -70.4, no accuracy of 1.04).
    let lo = numbers.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = numbers.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (min, max) = if lo < hi {
        (lo, hi)
    } else {
        value_range(numbers.iter().copied(), log)
    };
    AxisScale::Numeric(Scale {
        min,
        max,
        log,
        from_px: bottom,
        to_px: top,
    })
}

fn position(scale: &AxisScale, value: &AxisValue, top: f64, bottom: f64) -> Option<f64> {
    match (scale, value) {
        (AxisScale::Numeric(s), AxisValue::Number(x)) => s.px(*x),
        (AxisScale::Categorical(categories), value) => {
            let key = match value {
                AxisValue::Number(x) => format::number_full(*x),
                AxisValue::Category(c) => c.clone(),
                AxisValue::Missing => return None,
            };
            let i = categories.iter().position(|c| *c == key)?;
            Some(category_px(i, categories.len(), top, bottom))
        }
        _ => None,
    }
}

fn category_px(i: usize, n: usize, top: f64, bottom: f64) -> f64 {
    if n <= 1 {
        (top + bottom) / 2.0
    } else {
        bottom - (bottom - top) * i as f64 / (n - 1) as f64
    }
}

fn tick_labels(scale: &AxisScale, top: f64, bottom: f64) -> Vec<(String, f64)> {
    match scale {
        AxisScale::Categorical(categories) => {
            let step = categories.len().div_ceil(8).max(1);
            categories
                .iter()
                .enumerate()
                .step_by(step)
                .map(|(i, c)| (c.clone(), category_px(i, categories.len(), top, bottom)))
                .collect()
        }
        AxisScale::Numeric(s) => {
            let mut ticks = if s.log {
                y_ticks(s)
            } else {
                nice_ticks(s.min, s.max, 5, false)
            };
            // Two values a decade apart on a log axis may hold no power of ten or 2 or 5
            // between them: label the ends, which are data.
            if ticks.is_empty() {
                ticks = vec![s.min, s.max];
            }
            ticks
                .into_iter()
                .filter_map(|value| Some((format::tick(value), s.px(value)?)))
                .collect()
        }
    }
}
