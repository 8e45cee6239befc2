//! A run's charts: one per metric family, the metric with its validation and test twins.

use crate::chart::line::{LineChart, LineSeries, WallClock, render_line_chart};
use crate::chart::palette::series_color;
use crate::model::Run;
use crate::model::direction::is_validation_metric;
use crate::model::project::Project;
use crate::slug::SlugSet;

use super::{Figure, MAX_CHARTS, metric_families};

/// True when a run's steps are its epochs as shown (one record per epoch, counted as in
/// `model::progress`): the x axis then says "epoch". A zero-based counter (Keras' epoch 0 at
/// step 0) keeps "step", so the ring of the best value sits at the step the cards name.
fn steps_are_epochs(run: &Run) -> bool {
    let offset = crate::model::progress::epoch_offset(run);
    run.epoch
        .as_ref()
        .is_some_and(|e| e.points.iter().all(|p| p.value + offset == p.step as f64))
}

/// How closely a chart's clock follows the recorded wall time: a thousandth of the run's
/// duration, less than a pixel on the widest chart.
const CLOCK_TOLERANCE: f64 = 1e-3;

/// A run's wall time since its start (the header's start, or its first recorded time) at the
/// steps where it was recorded, simplified for charts; `None` without two recorded times.
pub(super) fn wall_clock(run: &Run) -> Option<WallClock> {
    let times = run.wall_time.as_ref().filter(|t| t.points.len() >= 2)?;
    let first = times.points[0].value;
    let start = run.header.start.unwrap_or(first).min(first);
    // Milliseconds are plenty, and keep the script's numbers short.
    let points: Vec<(i64, f64)> = times
        .points
        .iter()
        .map(|p| (p.step, ((p.value - start) * 1000.0).round() / 1000.0))
        .collect();
    let span = points.iter().map(|p| p.1).fold(0.0, f64::max);
    Some(WallClock::simplified(&points, span * CLOCK_TOLERANCE))
}

/// One chart per metric family of a run (of `project`, with its details): the metric with its
/// validation/test twins.
pub fn run_figures(project: &Project, run: &Run) -> Vec<Figure> {
    let x_label = if steps_are_epochs(run) {
        "epoch"
    } else {
        "step"
    };
    let clock = wall_clock(run);
    let mut files = SlugSet::new();
    metric_families(&run.metric_order)
        .into_iter()
        .take(MAX_CHARTS)
        .enumerate()
        .map(|(n, (family, members))| {
            let series = members
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let s = &run.series[name];
                    let best = project.direction_of(name).and_then(|d| s.summary.best(d));
                    LineSeries {
                        label: name.clone(),
                        color: series_color(i).to_owned(),
                        dash: is_validation_metric(name)
                            .then_some(crate::chart::palette::VALIDATION_DASH),
                        points: s.points.iter().map(|p| (p.step as f64, p.value)).collect(),
                        total_points: s.summary.count,
                        best: best.map(|b| (b.step as f64, b.value)),
                        run: None,
                        band: Vec::new(),
                        clock: clock.as_ref().map(|_| 0),
                    }
                })
                .collect();
            let id = format!("metric-{n}");
            let chart = render_line_chart(&LineChart {
                id: id.clone(),
                title: family.clone(),
                x_label: x_label.to_owned(),
                y_label: family.clone(),
                series,
                log_y: None,
                note: None,
                clocks: clock.iter().cloned().collect(),
                time_label: "wall time".to_owned(),
            });
            let mut figure = Figure::new(id, family.clone(), chart, true);
            figure.has_time = clock.is_some();
            figure.file = format!("{}.svg", files.assign(&family, "metric"));
            figure
        })
        .collect()
}
