//! The project page's view, built from the project, its [`ProjectSummary`] and its paths: pure,
//! no I/O (its charts are SVG strings drawn here), so it can be tested without Tera.

use super::columns::PageColumns;
use super::figures;
use super::views::*;
use crate::format;
use crate::model::Project;
use crate::model::summary::stats::Spread;
use crate::model::summary::{ProjectSummary, RunReport};
use crate::paths::ProjectPaths;

/// Rows of the results table rendered into the HTML (the script shows every run): a page of
/// the script's table (results.js `PAGE`), so that a big project's first layout is no bigger
/// than it needs to be. Chromium lays a row of 27 cells out in about 2.5 ms on a slow machine,
/// and the table is laid out twice while a big page loads (the HTML's, then the script's): 50
/// rows, not 100, were 0.2 s of a 10,000-run page's time to interactive (docs/BENCHMARKS.md).
pub const STATIC_ROWS: usize = 50;

/// Projects with more runs than this keep the charts below the results table as text until
/// they come near the viewport (deferred.js): on a 10,000-run page they are 1.7 MB of SVG.
pub const DEFER_CHARTS_OVER_RUNS: usize = 100;

/// The compare view's curves beside each project page (see `compare_curves_js`).
pub const COMPARE_CURVES_FILE: &str = "compare-curves.js";

impl ProjectView {
    /// The project page's view: its tables present `summary` (ranks, best cells, seed-group
    /// spreads); `figures` are its charts of the runs' points
    /// ([`figures::project_figures_of`], drawn by the caller or kept from the last build); the
    /// scatter plots and parallel coordinates, which need no points, are drawn here.
    pub fn new(
        project: &Project,
        figures: Vec<Figure>,
        summary: &ProjectSummary,
        paths: &ProjectPaths,
        columns: &PageColumns,
        base_url: Option<&str>,
    ) -> ProjectView {
        let metric_order: Vec<String> = ordered_metrics(project)
            .into_iter()
            .filter(|m| columns.metrics.contains(m))
            .collect();
        let varied: std::collections::BTreeSet<&String> = columns.varied.iter().collect();
        let mut param_keys: Vec<&String> = columns.varied.iter().collect();
        param_keys.extend(columns.params.iter().filter(|k| !varied.contains(k)));
        let param_columns = param_keys
            .iter()
            .map(|k| ParamColumn {
                key: (*k).clone(),
                varied: varied.contains(k),
            })
            .collect();
        let metric_columns: Vec<MetricColumn> = metric_order
            .iter()
            .map(|m| MetricColumn {
                name: m.clone(),
                direction: direction_name(project.direction_of(m)),
                is_primary: project.primary_metric.as_ref() == Some(m),
            })
            .collect();
        let mut by_index: Vec<Option<&RunReport>> = vec![None; project.runs.len()];
        for run in &summary.runs {
            by_index[run.index] = Some(run);
        }
        let rank_of = |i: usize| {
            by_index[i]
                .filter(|r| summary.ranked_value(r).is_some())
                .map(|r| r.rank)
        };
        let column_best: Vec<Option<f64>> = metric_order
            .iter()
            .map(|m| summary.column_best(m))
            .collect();
        let best_cell = |value: f64, column: usize| {
            let mut cell = Cell::number(value);
            cell.is_best = column_best[column] == Some(value);
            cell
        };

        let row_of = |i: usize, run: &crate::model::Run| RunRow {
            index: i,
            color: crate::chart::run_color(i),
            name: run.name.clone(),
            href: format!("runs/{}", paths.runs[i]),
            rank: rank_of(i),
            status: project.summaries[i].status.as_str(),
            // Unknown is "—", never "0 s"; its empty sort key sorts it last.
            duration: run
                .duration()
                .map(|d| Cell {
                    text: format::duration(d),
                    raw: format::number_full(d),
                    is_best: false,
                })
                .unwrap_or_else(|| Cell {
                    text: "—".to_owned(),
                    ..Cell::empty()
                }),
            steps: Cell::number(crate::model::progress::logged_steps(run) as f64),
            progress: progress_view(run, project.summaries[i].status),
            group: project.summaries[i].group.clone(),
            seed: run.header.seed.map(|s| s.to_string()),
            params: param_keys
                .iter()
                .map(|k| match run.header.params.get(*k) {
                    // Hyperparameters are shown as written (0.001, not 0.001000).
                    Some(crate::model::ParamValue::Number(v)) => Cell {
                        text: format::number_full(*v),
                        raw: format::number_full(*v),
                        is_best: false,
                    },
                    Some(v) => Cell::text(v.to_text()),
                    None => Cell::empty(),
                })
                .collect(),
            metrics: metric_order
                .iter()
                .enumerate()
                .map(|(column, m)| match run.series.get(m) {
                    Some(series) => {
                        let dir = project
                            .direction_of(m)
                            .unwrap_or(crate::model::Direction::Down);
                        MetricCells {
                            best: series
                                .summary
                                .best(dir)
                                .map(|p| best_cell(p.value, column))
                                .unwrap_or_else(Cell::empty),
                            last: series
                                .summary
                                .last
                                .map(|p| Cell::number(p.value))
                                .unwrap_or_else(Cell::empty),
                        }
                    }
                    None => MetricCells {
                        best: Cell::empty(),
                        last: Cell::empty(),
                    },
                })
                .collect(),
        };
        // Without JavaScript the table shows the best runs only: a 10,000-run project must not
        // become 10,000 DOM rows. The script renders every run from the page's data, and runs.csv
        // has them all. Only those rows are formatted (formatting every run's cells to keep 100
        // was a twentieth of a rebuild after one run grew).
        let mut shown = vec![false; project.runs.len()];
        let rows: Vec<RunRow> = project
            .ranking
            .iter()
            .take(STATIC_ROWS)
            .filter(|&&i| !std::mem::replace(&mut shown[i], true))
            .map(|&i| row_of(i, &project.runs[i]))
            .collect();

        let (best_run, best_value) =
            best_of(project, summary, |i| format!("runs/{}", paths.runs[i]));
        let primary = project.primary_metric.as_ref();
        use rayon::prelude::*;
        let groups = project
            .groups
            .par_iter()
            .map(|g| {
                let spreads = summary.group(&g.key);
                let best = spreads.zip(primary).and_then(|(s, m)| s.metrics.get(m));
                let last = spreads
                    .zip(primary)
                    .and_then(|(s, m)| s.last_metrics.get(m));
                GroupView {
                    label: crate::model::project::group_label(project, g),
                    key: g.key.clone(),
                    primary_last: last.map(mean_and_spread),
                    primary_ci: best.and_then(confidence_interval),
                    runs: g
                        .members
                        .iter()
                        .map(|&i| Link {
                            label: project.runs[i].name.clone(),
                            href: format!("runs/{}", paths.runs[i]),
                        })
                        .collect(),
                    primary: best.map(mean_and_spread),
                }
            })
            .collect();

        let shown = figures::overlay_runs(project).len();
        let hrefs: Vec<String> = paths.runs.iter().map(|r| format!("runs/{r}")).collect();
        // The page's data and its charts are independent, and the biggest parts of the page.
        let (data_json, (scatters, parallel)) = rayon::join(
            || crate::render::project_data::project_data_json(project, &hrefs, columns),
            || {
                rayon::join(
                    || figures::scatter_figures(project),
                    || figures::parallel_figure(project),
                )
            },
        );
        ProjectView {
            data_json,
            more_metrics: columns.more_metrics.clone(),
            more_params: columns.more_params.clone(),
            curves_file: COMPARE_CURVES_FILE,
            figures,
            scatters,
            parallel,
            overlay_note: (shown < project.runs.len()).then(|| OverlayNote {
                shown,
                runs: project.runs.len(),
                by: project
                    .primary_metric
                    .as_deref()
                    .unwrap_or("rank")
                    .to_owned(),
            }),
            // A `<title>` takes no markup: names are isolated in plain text (see `invisible`).
            page: Page::new(
                &crate::invisible::isolate(&project.name),
                "../",
                &format!("{}/index.html", paths.dir),
                base_url,
            ),
            name: project.name.clone(),
            readme_html: render_notes(project.readme.as_deref()),
            run_count: project.runs.len(),
            static_rows: STATIC_ROWS.min(project.runs.len()),
            defer_charts: project.runs.len() > DEFER_CHARTS_OVER_RUNS,
            statuses: status_views(project),
            primary_metric: project.primary_metric.clone(),
            primary_direction: direction_name(Some(project.primary_direction)),
            best_run,
            best_value,
            param_columns,
            metric_columns,
            rows,
            groups,
        }
    }
}

/// "0.9741 ± 0.0012 (n = 3)": mean ± sample standard deviation, with the ± rule of every
/// output (`format::plus_minus`).
fn mean_and_spread(spread: &Spread) -> String {
    if spread.n < 2 {
        return format!("{} (n = 1)", format::number(spread.mean));
    }
    format!(
        "{} (n = {})",
        format::plus_minus(spread.mean, spread.std, format::SIGNIFICANT),
        spread.n
    )
}

/// "[0.9712, 0.9801]": the 95 % confidence interval of the mean (Student's t), in the mean's
/// decimals; `None` for fewer than two finite values.
fn confidence_interval(spread: &Spread) -> Option<String> {
    let half = spread.ci95?;
    let mean = format::number(spread.mean);
    Some(format!(
        "[{}, {}]",
        format::spread_like(spread.mean - half, &mean, format::SIGNIFICANT),
        format::spread_like(spread.mean + half, &mean, format::SIGNIFICANT)
    ))
}

/// The project's metrics with the primary one first, then the others as first seen.
fn ordered_metrics(project: &Project) -> Vec<String> {
    let primary = project.primary_metric.as_ref();
    let mut order: Vec<String> = primary
        .filter(|m| project.metrics.contains(m))
        .cloned()
        .into_iter()
        .collect();
    order.extend(
        project
            .metrics
            .iter()
            .filter(|m| Some(*m) != primary)
            .cloned(),
    );
    order
}

/// The best run by the ranking metric, linked through `href`, and its value.
pub(crate) fn best_of(
    project: &Project,
    summary: &ProjectSummary,
    href: impl Fn(usize) -> String,
) -> (Option<Link>, Option<String>) {
    let Some(best) = summary.runs.first() else {
        return (None, None);
    };
    match summary.ranked_value(best) {
        Some(value) => (
            Some(Link {
                label: project.runs[best.index].name.clone(),
                href: href(best.index),
            }),
            Some(format::number(value)),
        ),
        None => (None, None),
    }
}
