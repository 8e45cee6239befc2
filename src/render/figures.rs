//! Builds the chart inputs for each page from the model: metric families of a run, overlays of
//! a project's runs, seed-group bands, scatter plots and parallel coordinates. The charts
//! themselves are drawn by [`crate::chart`]; this module only decides what goes in them.

use serde::Serialize;

use crate::chart::line::{LineChart, LineSeries, POINTS_PER_CHART, WallClock, render_line_chart};
use crate::chart::palette::{run_color, series_color};
use crate::chart::parallel::{Axis, AxisValue, ParallelChart, render_parallel};
use crate::chart::scatter::{ScatterChart, ScatterPoint, render_scatter};
use crate::chart::sparkline::render_sparkline;
use crate::format;
use crate::model::direction::is_validation_metric;
use crate::model::project::Project;
use crate::model::{Direction, ParamValue, Run, Series};
use crate::slug::SlugSet;

/// Runs overlaid on one project chart; the best ones by the primary metric are kept.
pub const MAX_OVERLAY_RUNS: usize = 40;

/// Runs drawn on the scatter plots and parallel coordinates; the best by the primary metric are
/// kept. A point or line per run of a 10,000-run sweep made the project page 11 MB heavier; the
/// results table, runs.csv and the any-two scatter (drawn by the script from the page's data)
/// still hold every run.
pub const MAX_POINT_RUNS: usize = 500;

/// Seed groups drawn on the group chart; the groups of the best runs are kept. Every group has a
/// band as well as a line, and a sweep of 10,000 runs in threes made a 76 MB chart without it.
pub const MAX_CHART_GROUPS: usize = 40;

/// Charts drawn on one page (metric families of a run, metrics of a project). A run logging
/// thousands of metrics, or a log written to hurt, would otherwise make hundreds of megabytes of
/// SVG; every metric is still listed in the page's tables. The build warns when it applies.
pub const MAX_CHARTS: usize = 200;

/// A chart ready for a page and for its own `.svg` file.
#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Unique within the page.
    pub id: String,
    pub title: String,
    /// File name of the standalone SVG (set by the site planner), or the name to download the
    /// chart as when it has no file of its own.
    pub file: String,
    /// The chart is also written as its own `.svg` file at `file`; otherwise the page's script
    /// saves the drawn chart when asked.
    pub standalone: bool,
    pub svg: String,
    /// JSON for the script (hover, smoothing, the wall-time view); `None` for charts without it.
    pub data: Option<String>,
    /// The script can draw the chart against wall time (its data holds the runs' clocks).
    pub has_time: bool,
    /// Line charts get the smoothing slider.
    pub smoothable: bool,
    pub caption: Option<String>,
}

impl Figure {
    fn new(id: String, title: String, chart: crate::chart::Chart, smoothable: bool) -> Self {
        Figure {
            file: format!("{id}.svg"),
            standalone: true,
            id,
            title,
            svg: chart.svg,
            data: chart.data,
            has_time: false,
            smoothable,
            caption: None,
        }
    }
}

/// Strips the prefixes and suffixes that mark a split (`val_`, `eval/`, `_test`) to find the
/// family a metric belongs to: `loss`, `val_loss` and `eval/loss` are one family.
pub fn metric_family(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    const PREFIXES: [&str; 16] = [
        "val_",
        "val/",
        "valid_",
        "valid/",
        "validation_",
        "validation/",
        "eval_",
        "eval/",
        "test_",
        "test/",
        "train_",
        "train/",
        "training_",
        "training/",
        "dev_",
        "dev/",
    ];
    const SUFFIXES: [&str; 6] = ["_val", "/val", "_test", "/test", "_train", "/train"];
    for prefix in PREFIXES {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if !rest.is_empty() {
                return rest.to_owned();
            }
        }
    }
    for suffix in SUFFIXES {
        if let Some(rest) = lower.strip_suffix(suffix) {
            if !rest.is_empty() {
                return rest.to_owned();
            }
        }
    }
    lower
}

/// Groups a run's metrics into families, in the order their first member appeared.
pub fn metric_families(order: &[String]) -> Vec<(String, Vec<String>)> {
    let mut families: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for name in order {
        let family = metric_family(name);
        match index.get(&family) {
            Some(&at) => families[at].1.push(name.clone()),
            None => {
                index.insert(family.clone(), families.len());
                families.push((family, vec![name.clone()]));
            }
        }
    }
    families
}

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
fn wall_clock(run: &Run) -> Option<WallClock> {
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

/// One chart per metric family of a run: the metric with its validation/test twins.
pub fn run_figures(project: &Project, index: usize) -> Vec<Figure> {
    let run = &project.runs[index];
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

/// Run indices shown on overlays: the best by the primary metric first, at most
/// [`MAX_OVERLAY_RUNS`], in run order.
pub fn overlay_runs(project: &Project) -> Vec<usize> {
    best_runs(project, MAX_OVERLAY_RUNS)
}

/// The indices of the best `n` runs by the primary metric (runs without it last), in run order.
fn best_runs(project: &Project, n: usize) -> Vec<usize> {
    let mut chosen: Vec<usize> = project.ranking.iter().copied().take(n).collect();
    chosen.sort_unstable();
    chosen
}

/// The footnote of a chart that draws `drawn` of the project's runs, if not all.
fn best_of_note(project: &Project, drawn: usize) -> Option<String> {
    (drawn < project.runs.len()).then(|| {
        format!(
            "best {} of {} runs shown",
            format::count(drawn as u64),
            format::count(project.runs.len() as u64)
        )
    })
}

/// One chart per metric with every (shown) run overlaid in its own colour.
pub fn project_figures(project: &Project) -> Vec<Figure> {
    project_figures_of(project, &project.metrics)
}

/// [`project_figures`] of some of the project's metrics (a project page charts only its
/// columns, see [`super::columns`]).
pub fn project_figures_of(project: &Project, metrics: &[String]) -> Vec<Figure> {
    let shown = overlay_runs(project);
    let hidden = project.runs.len() - shown.len();
    // Each run's clock runs from its own start, so that runs compare on one time axis.
    let clocks: Vec<Option<WallClock>> = shown
        .iter()
        .map(|&i| wall_clock(&project.runs[i]))
        .collect();
    let primary = project.primary_metric.as_ref();
    let mut files = SlugSet::new();
    let mut figures: Vec<Figure> = metrics
        .iter()
        .enumerate()
        .filter(|&(n, metric)| n + 1 < MAX_CHARTS || Some(metric) == primary)
        .filter_map(|(n, metric)| {
            let direction = project.direction_of(metric);
            // The chart's clocks: those of the runs drawn, in the order of their series.
            let mut chart_clocks = Vec::new();
            let series: Vec<LineSeries> = shown
                .iter()
                .zip(&clocks)
                .filter_map(|(&i, clock)| {
                    let run = &project.runs[i];
                    let s = run.series.get(metric).filter(|s| !s.points.is_empty())?;
                    let clock = clock.as_ref().map(|c| {
                        chart_clocks.push(c.clone());
                        chart_clocks.len() - 1
                    });
                    Some(LineSeries {
                        label: run.name.clone(),
                        color: run_color(i).to_owned(),
                        dash: crate::chart::palette::run_dash(i),
                        points: s.points.iter().map(|p| (p.step as f64, p.value)).collect(),
                        total_points: s.summary.count,
                        best: direction
                            .and_then(|d| s.summary.best(d))
                            .map(|b| (b.step as f64, b.value)),
                        run: Some(i),
                        band: Vec::new(),
                        clock,
                    })
                })
                .collect();
            if series.is_empty() {
                return None;
            }
            let note = (hidden > 0)
                .then(|| format!("best {} of {} runs shown", shown.len(), project.runs.len()));
            let id = format!("metric-{n}");
            let has_time = !chart_clocks.is_empty();
            let chart = render_line_chart(&LineChart {
                id: id.clone(),
                title: metric.clone(),
                x_label: "step".to_owned(),
                y_label: metric.clone(),
                series,
                log_y: None,
                note,
                clocks: chart_clocks,
                time_label: "wall time since each run's start".to_owned(),
            });
            let mut figure = Figure::new(id, metric.clone(), chart, true);
            figure.has_time = has_time;
            figure.file = format!("metric-{}.svg", files.assign(metric, "metric"));
            Some(figure)
        })
        .collect();
    figures.extend(group_figure(project));
    figures
}

/// Indices into `project.groups` of the groups to chart: at most [`MAX_CHART_GROUPS`], those of
/// the best-ranked runs first, returned in group order.
fn chart_groups(project: &Project) -> Vec<usize> {
    if project.groups.len() <= MAX_CHART_GROUPS {
        return (0..project.groups.len()).collect();
    }
    let mut group_of = vec![None; project.runs.len()];
    for (g, group) in project.groups.iter().enumerate() {
        for &i in &group.members {
            group_of[i] = Some(g);
        }
    }
    let mut chosen = Vec::with_capacity(MAX_CHART_GROUPS);
    for &i in &project.ranking {
        if let Some(g) = group_of[i].filter(|g| !chosen.contains(g)) {
            chosen.push(g);
            if chosen.len() == MAX_CHART_GROUPS {
                break;
            }
        }
    }
    chosen.sort_unstable();
    chosen
}

/// Seed groups of the primary metric: the mean of the runs with a min–max band.
fn group_figure(project: &Project) -> Option<Figure> {
    let metric = project.primary_metric.as_ref()?;
    if project.groups.is_empty() {
        return None;
    }
    let shown = chart_groups(project);
    let series: Vec<LineSeries> = shown
        .iter()
        .map(|&g| &project.groups[g])
        .filter_map(|group| {
            let members: Vec<&Series> = group
                .members
                .iter()
                .filter_map(|&i| project.runs[i].series.get(metric))
                .collect();
            // A line and the two edges of its band per group, within one chart's point budget.
            let budget = (POINTS_PER_CHART / (3 * shown.len().max(1))).clamp(60, 500);
            let grid = common_steps(&members, budget);
            let mut points = Vec::new();
            let mut band = Vec::new();
            for step in grid {
                let values: Vec<f64> = members.iter().filter_map(|s| value_at(s, step)).collect();
                if values.len() < members.len() {
                    continue;
                }
                let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
                if finite.len() < values.len() {
                    points.push((step as f64, f64::NAN));
                    continue;
                }
                let mean = finite.iter().sum::<f64>() / finite.len() as f64;
                let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                points.push((step as f64, mean));
                band.push((step as f64, lo, hi));
            }
            if points.is_empty() {
                return None;
            }
            Some(LineSeries {
                label: format!("{} (n = {})", group.key, members.len()),
                color: run_color(group.members[0]).to_owned(),
                dash: None,
                total_points: points.len() as u64,
                points,
                best: None,
                run: None,
                band,
                clock: None,
            })
        })
        .collect();
    if series.is_empty() {
        return None;
    }
    let id = "groups".to_owned();
    let title = format!("{metric} by seed group");
    let chart = render_line_chart(&LineChart {
        id: id.clone(),
        title: title.clone(),
        x_label: "step".to_owned(),
        y_label: metric.clone(),
        series,
        log_y: None,
        clocks: Vec::new(),
        time_label: String::new(),
        note: Some(if shown.len() < project.groups.len() {
            format!(
                "line: mean over seeds; band: min–max over seeds; best {} of {} groups shown",
                shown.len(),
                project.groups.len()
            )
        } else {
            "line: mean over seeds; band: min–max over seeds".to_owned()
        }),
    });
    let mut figure = Figure::new(id, title, chart, true);
    figure.file = "groups.svg".to_owned();
    figure.caption = Some("Each line is the mean of the runs that repeat one configuration with different seeds; the shaded band spans their minimum to maximum at each step.".to_owned());
    Some(figure)
}

/// Steps at which to compare group members: every kept step when they fit in `budget`, else an
/// even grid of `budget` steps.
fn common_steps(members: &[&Series], budget: usize) -> Vec<i64> {
    let mut steps: Vec<i64> = members
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.step))
        .collect();
    steps.sort_unstable();
    steps.dedup();
    if steps.len() <= budget.max(2) {
        return steps;
    }
    let (lo, hi) = (steps[0], steps[steps.len() - 1]);
    let last = (budget - 1) as f64;
    let mut grid: Vec<i64> = (0..budget)
        .map(|i| lo + ((hi - lo) as f64 * i as f64 / last).round() as i64)
        .collect();
    grid.dedup();
    grid
}

/// A series' value at a step: exact, else linearly interpolated between kept neighbours.
fn value_at(series: &Series, step: i64) -> Option<f64> {
    let points = &series.points;
    let i = points.partition_point(|p| p.step < step);
    match (points.get(i.wrapping_sub(1)), points.get(i)) {
        (_, Some(p)) if p.step == step => Some(p.value),
        (Some(a), Some(b)) => {
            Some(a.value + (b.value - a.value) * (step - a.step) as f64 / (b.step - a.step) as f64)
        }
        _ => None,
    }
}

/// The primary metric's best value against each numeric hyperparameter that varies.
pub fn scatter_figures(project: &Project) -> Vec<Figure> {
    let Some(metric) = project.primary_metric.as_ref() else {
        return Vec::new();
    };
    let mut files = SlugSet::new();
    project
        .varied_params
        .iter()
        .filter(|key| {
            let numeric = project
                .runs
                .iter()
                .filter(|r| matches!(r.header.params.get(*key), Some(ParamValue::Number(_))))
                .count();
            numeric >= 2
                && project
                    .runs
                    .iter()
                    .all(|r| !matches!(r.header.params.get(*key), Some(ParamValue::Text(_))))
        })
        .take(8)
        .enumerate()
        .map(|(n, key)| {
            let drawn = best_runs(project, MAX_POINT_RUNS);
            let points = drawn
                .iter()
                .map(|&i| (i, &project.runs[i]))
                .filter_map(|(i, run)| {
                    let x = run.header.params.get(key)?.as_number()?;
                    let y = project.primary_best(i).map_or(f64::NAN, |p| p.value);
                    Some(ScatterPoint {
                        x,
                        y,
                        color: run_color(i).to_owned(),
                        run: i,
                        label: format!(
                            "{}: {key} = {}, best {metric} = {}",
                            run.name,
                            format::number_full(x),
                            format::number(y)
                        ),
                    })
                })
                .collect();
            let id = format!("scatter-{n}");
            let title = format!("best {metric} vs {key}");
            let chart = render_scatter(&ScatterChart {
                id: id.clone(),
                title: title.clone(),
                x_label: key.clone(),
                y_label: format!("best {metric}"),
                points,
                note: best_of_note(project, drawn.len()),
            });
            let mut figure = Figure::new(id, title, chart, false);
            figure.file = format!("scatter-{}.svg", files.assign(key, "param"));
            figure
        })
        .collect()
}

/// Parallel coordinates over the varying hyperparameters, ending at the primary metric.
pub fn parallel_figure(project: &Project) -> Option<Figure> {
    let metric = project.primary_metric.as_ref()?;
    if project.varied_params.is_empty() || project.runs.len() < 2 {
        return None;
    }
    let drawn = best_runs(project, MAX_POINT_RUNS);
    // A seed is not a hyperparameter: an axis of it would only scatter the lines.
    let mut axes: Vec<Axis> = project
        .varied_params
        .iter()
        .filter(|key| !crate::model::project::is_seed_key(key))
        .take(12)
        .map(|key| Axis {
            name: key.clone(),
            values: drawn
                .iter()
                .map(|&i| match project.runs[i].header.params.get(key) {
                    Some(ParamValue::Number(v)) => AxisValue::Number(*v),
                    Some(ParamValue::Null) | None => AxisValue::Missing,
                    Some(other) => AxisValue::Category(other.to_text()),
                })
                .collect(),
        })
        .collect();
    axes.push(Axis {
        name: format!("best {metric}"),
        values: drawn
            .iter()
            .map(|&i| {
                project
                    .primary_best(i)
                    .map_or(AxisValue::Missing, |p| AxisValue::Number(p.value))
            })
            .collect(),
    });
    let title = format!("hyperparameters and best {metric}");
    let chart = render_parallel(&ParallelChart {
        id: "parallel".to_owned(),
        title: title.clone(),
        axes,
        runs: drawn
            .iter()
            .map(|&i| (i, project.runs[i].name.clone()))
            .collect(),
        higher_is_better: project.primary_direction == Direction::Up,
        note: best_of_note(project, drawn.len()),
    });
    let mut figure = Figure::new("parallel".to_owned(), title, chart, false);
    figure.file = "parallel.svg".to_owned();
    Some(figure)
}

/// The index card's sparkline: the primary metric of the project's best run.
pub fn project_sparkline(project: &Project) -> Option<String> {
    let metric = project.primary_metric.as_ref()?;
    let best = *project.ranking.first()?;
    let series = project.runs[best].series.get(metric)?;
    let points: Vec<(f64, f64)> = series
        .points
        .iter()
        .map(|p| (p.step as f64, p.value))
        .collect();
    Some(render_sparkline(
        &points,
        run_color(best),
        &format!("{metric} of {}", project.runs[best].name),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_join_splits() {
        let order: Vec<String> = [
            "loss",
            "accuracy",
            "val_loss",
            "val_accuracy",
            "eval/loss",
            "lr",
            "test_acc",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let families = metric_families(&order);
        let names: Vec<_> = families
            .iter()
            .map(|(f, m)| (f.as_str(), m.len()))
            .collect();
        assert_eq!(names, [("loss", 3), ("accuracy", 2), ("lr", 1), ("acc", 1)]);
    }

    /// A sweep of 10,000 runs in threes made a 76 MB group chart: every group was drawn.
    #[test]
    fn group_chart_draws_at_most_max_chart_groups() {
        let logs = tempfile::tempdir().unwrap();
        let project = logs.path().join("sweep");
        std::fs::create_dir(&project).unwrap();
        let groups = MAX_CHART_GROUPS + 10;
        for g in 0..groups {
            for seed in 0..2 {
                let mut log = format!(
                    r#"{{"type":"header","run":"g{g}-s{seed}","group":"g{g}","seed":{seed},"primary_metric":"val_accuracy"}}"#
                );
                for step in 0..5 {
                    let value = (g * 10 + step) as f64 / 1000.0;
                    log.push_str(&format!(
                        "\n{{\"type\":\"metrics\",\"step\":{step},\"metrics\":{{\"val_accuracy\":{value}}}}}"
                    ));
                }
                std::fs::write(project.join(format!("g{g}-s{seed}.jsonl")), log + "\n").unwrap();
            }
        }
        let loaded = crate::load(logs.path(), &crate::LoadOptions::default()).unwrap();
        let project = &loaded.projects[0];
        assert_eq!(project.groups.len(), groups);
        let figure = group_figure(project).unwrap();
        let data: serde_json::Value =
            serde_json::from_str(figure.data.as_deref().unwrap()).unwrap();
        let labels: Vec<&str> = data["series"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["label"].as_str().unwrap())
            .collect();
        assert_eq!(labels.len(), MAX_CHART_GROUPS);
        // The best groups (highest val_accuracy) are the ones kept.
        assert!(labels.iter().all(|l| !l.starts_with("g0 ")), "{labels:?}");
        assert!(
            labels
                .iter()
                .any(|l| l.starts_with(&format!("g{} ", groups - 1)))
        );
        assert!(figure.svg.contains("best 40 of 50 groups shown"));
    }

    /// A 10,000-run sweep drew a point and a line per run (11 MB of one page): the scatter plots
    /// and parallel coordinates keep the best runs, say so, and highlight the right runs.
    #[test]
    fn scatter_and_parallel_draw_the_best_runs_only() {
        let logs = tempfile::tempdir().unwrap();
        let project = logs.path().join("sweep");
        std::fs::create_dir(&project).unwrap();
        let runs = MAX_POINT_RUNS + 20;
        for r in 0..runs {
            let log = format!(
                "{{\"type\":\"header\",\"run\":\"r{r}\",\"params\":{{\"lr\":{lr}}},\"primary_metric\":\"acc\"}}\n{{\"step\":0,\"acc\":{acc}}}\n",
                lr = (r + 1) as f64 / 1000.0,
                acc = r as f64 / runs as f64
            );
            std::fs::write(project.join(format!("r{r:04}.jsonl")), log).unwrap();
        }
        let loaded = crate::load(logs.path(), &crate::LoadOptions::default()).unwrap();
        let project = &loaded.projects[0];
        let scatter = &scatter_figures(project)[0];
        assert_eq!(
            scatter.svg.matches(r#"class="point""#).count(),
            MAX_POINT_RUNS
        );
        assert!(
            scatter.svg.contains("best 500 of 520 runs shown"),
            "{}",
            scatter.svg
        );
        let parallel = parallel_figure(project).unwrap();
        assert_eq!(
            parallel.svg.matches(r#"class="pc-line""#).count(),
            MAX_POINT_RUNS
        );
        assert!(parallel.svg.contains("best 500 of 520 runs shown"));
        // The worst runs (lowest acc) are the ones left out; lines name their project index.
        let worst = project.ranking.last().copied().unwrap();
        let best = project.ranking[0];
        assert!(!parallel.svg.contains(&format!(r#"data-run="{worst}""#)));
        assert!(parallel.svg.contains(&format!(r#"data-run="{best}""#)));
    }
}
