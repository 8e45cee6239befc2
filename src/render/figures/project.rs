//! A project's charts: each metric with the featured runs overlaid, the seed groups' mean and
//! band, and the index card's sparkline. They draw runs' points, so they take the runs with
//! their details ([`Featured`]).

use crate::chart::line::{LineChart, LineSeries, POINTS_PER_CHART, WallClock, render_line_chart};
use crate::chart::palette::run_color;
use crate::chart::sparkline::render_sparkline;
use crate::model::Series;
use crate::model::detail::Featured;
use crate::model::project::Project;
use crate::slug::SlugSet;

use super::run::wall_clock;
use super::{Figure, MAX_CHART_GROUPS, MAX_CHARTS, overlay_runs};

/// One chart per metric of `metrics` (a project page charts only its columns, see
/// [`crate::render::columns`]) with the overlaid runs each in its own colour.
pub fn project_figures_of(
    project: &Project,
    featured: &Featured,
    metrics: &[String],
) -> Vec<Figure> {
    let shown = overlay_runs(project);
    let hidden = project.runs.len() - shown.len();
    // Each run's clock runs from its own start, so that runs compare on one time axis.
    let clocks: Vec<Option<WallClock>> =
        shown.iter().map(|&i| wall_clock(featured.run(i))).collect();
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
                    let run = featured.run(i);
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
    figures.extend(group_figure(project, featured));
    figures
}

/// Indices into `project.groups` of the groups to chart: at most [`MAX_CHART_GROUPS`], those of
/// the best-ranked runs first, returned in group order.
pub(super) fn chart_groups(project: &Project) -> Vec<usize> {
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
fn group_figure(project: &Project, featured: &Featured) -> Option<Figure> {
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
                .filter_map(|&i| featured.run(i).series.get(metric))
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

/// The index card's sparkline: the primary metric of the project's best run.
pub fn project_sparkline(project: &Project, featured: &Featured) -> Option<String> {
    let metric = project.primary_metric.as_ref()?;
    let best = *project.ranking.first()?;
    let series = featured.run(best).series.get(metric)?;
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
        let figure = group_figure(project, &Featured::resident(&project.runs)).unwrap();
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
}
