//! Builds every page's view from the model, renders it and hands it to the writer. Run pages are
//! rendered in parallel; each file's content depends only on the model, never on thread order.

use rayon::prelude::*;

use super::SiteOptions;
use super::digest::{self, Digest};
use super::incremental::Units;
use super::output::{SiteWriter, UnitWriter};
use super::run_page::write_run_page;
use super::write_figure;
use crate::diag::{Warning, quote};
use crate::error::Result;
use crate::format;
use crate::model::project::Project;
use crate::paths::{ProjectPaths, SitePaths};
use crate::render::Renderer;
use crate::render::columns::PageColumns;
use crate::render::figures;
use crate::render::views::*;

/// Rows of the results table rendered into the HTML (the script shows every run).
const STATIC_ROWS: usize = 200;

/// Every run of a project as CSV (the `ahnb summary --format csv` columns, unrounded), with the
/// page's metrics and hyperparameters only (`ahnb summary` exports them all).
fn runs_csv(projects: &[Project], project: &Project, columns: &PageColumns) -> String {
    let options = crate::report::SummaryOptions {
        project: Some(project.name.clone()),
        ..Default::default()
    };
    let metrics: std::collections::BTreeSet<&String> = columns.metrics.iter().collect();
    let params: std::collections::BTreeSet<&String> = columns.params.iter().collect();
    crate::report::summarize(projects, None, &options)
        .map(|mut summary| {
            for p in &mut summary.projects {
                p.metrics.retain(|m| metrics.contains(&m.name));
                for run in &mut p.runs {
                    run.metrics.retain(|m, _| metrics.contains(m));
                    run.params.retain(|k, _| params.contains(k));
                }
            }
            crate::report::csv::render_csv(&summary)
        })
        .unwrap_or_default()
}

/// Static files of the theme, written under `assets/`.
const ASSET_DIR: &str = "assets";

/// Renders and writes the whole site; returns warnings about media that could not be copied.
/// Each unit (the theme's assets, the index, a project page with its files, a run page with its
/// media) is rendered only when its digest differs from the previous build's (see `units`).
pub fn write_pages(
    projects: &[Project],
    plan: &SitePaths,
    options: &SiteOptions,
    renderer: &Renderer,
    theme_files: &[(&'static str, String)],
    writer: &SiteWriter,
    units: &Units,
) -> Result<Vec<Warning>> {
    // Digests first, from the model alone: nothing is drawn for a unit that is carried over.
    let run_digests: Vec<Vec<Digest>> = projects
        .par_iter()
        .zip(&plan.projects)
        .map(|(project, paths)| {
            (0..project.runs.len())
                .into_par_iter()
                .map(|i| digest::run_digest(project, i, paths, options.copy_raw_logs))
                .collect()
        })
        .collect();
    let project_digests: Vec<Digest> = projects
        .iter()
        .zip(&plan.projects)
        .zip(&run_digests)
        .map(|((project, paths), runs)| digest::project_digest(project, runs, paths))
        .collect();
    let dirs: Vec<&str> = plan.projects.iter().map(|p| p.dir.as_str()).collect();

    // The theme's files and the 404 page depend on the context only (theme, settings, version).
    units.unit(writer, "assets/".to_owned(), 0, |out| {
        for (path, content) in theme_files {
            if let Some(name) = path.strip_prefix("static/") {
                out.write(&format!("{ASSET_DIR}/{name}"), content.as_bytes())?;
            }
        }
        out.write(".nojekyll", b"")?;
        let not_found = renderer.render(
            "404.html",
            &PlainView {
                page: Page::new(
                    "Page not found",
                    "",
                    "404.html",
                    options.base_url.as_deref(),
                ),
            },
        )?;
        out.write("404.html", not_found.as_bytes())?;
        Ok(Vec::new())
    })?;
    let index_digest = digest::index_digest(&project_digests, &dirs, options.warnings);
    units.unit(writer, "index.html".to_owned(), index_digest, |out| {
        let index = renderer.render("index.html", &index_view(projects, plan, options))?;
        out.write("index.html", index.as_bytes())?;
        Ok(Vec::new())
    })?;

    // Projects in parallel as well as their runs: a project page (its overlays, scatters and
    // data) is one thread's work, which left the other cores idle between projects.
    let per_project: Vec<Result<Vec<Warning>>> = projects
        .par_iter()
        .zip(&plan.projects)
        .zip(run_digests.par_iter().zip(&project_digests))
        .map(|((project, paths), (runs, &digest))| {
            let context = Context {
                projects,
                options,
                renderer,
                writer,
                units,
            };
            write_project(&context, project, paths, digest, runs)
        })
        .collect();
    let mut warnings = Vec::new();
    for result in per_project {
        warnings.extend(result?);
    }
    Ok(warnings)
}

/// What every project's units are written with.
struct Context<'a> {
    projects: &'a [Project],
    options: &'a SiteOptions,
    renderer: &'a Renderer,
    writer: &'a SiteWriter,
    units: &'a Units,
}

/// Writes one project's page, data, runs.csv and figures, and its runs' pages; returns the
/// warnings in a fixed order (the project's, then its runs' in run order).
fn write_project(
    context: &Context,
    project: &Project,
    paths: &ProjectPaths,
    digest: Digest,
    run_digests: &[Digest],
) -> Result<Vec<Warning>> {
    let Context {
        projects,
        options,
        renderer,
        writer,
        units,
    } = *context;
    let key = format!("{}/index.html", paths.dir);
    let mut warnings = units.unit(writer, key, digest, |out| {
        write_project_page(projects, project, paths, options, renderer, out)
    })?;
    let results: Vec<Result<Vec<Warning>>> = (0..project.runs.len())
        .into_par_iter()
        .map(|i| {
            units.unit(writer, paths.run_page(i), run_digests[i], |out| {
                write_run_page(project, paths, i, options, renderer, out)
            })
        })
        .collect();
    for result in results {
        warnings.extend(result?);
    }
    Ok(warnings)
}

/// Writes a project's page, its figures, runs.csv and compare curves.
fn write_project_page(
    projects: &[Project],
    project: &Project,
    paths: &ProjectPaths,
    options: &SiteOptions,
    renderer: &Renderer,
    writer: &UnitWriter,
) -> Result<Vec<Warning>> {
    let mut warnings = Vec::new();
    let columns = crate::render::columns::page_columns(project);
    let charted = columns.metrics.len().min(figures::MAX_CHARTS);
    if project.metrics.len() > charted {
        let at = project.folder.as_ref().unwrap_or(&project.runs[0].source);
        let message = format!(
            "project {} has {} metrics; its page shows {} of them (those most runs logged) and charts {charted}; `ahnb summary --format csv` or `json` exports all",
            quote(&project.name),
            project.metrics.len(),
            columns.metrics.len(),
        );
        warnings.push(Warning::at_file(at, message));
    }
    let mut view = project_view(project, paths, options, &columns);
    for figure in view
        .figures
        .iter_mut()
        .chain(view.scatters.iter_mut())
        .chain(view.parallel.iter_mut())
    {
        write_figure(writer, &format!("{}/figures", paths.dir), figure)?;
        figure.file = format!("figures/{}", figure.file);
    }
    let html = renderer.render("project.html", &view)?;
    writer.write(&format!("{}/index.html", paths.dir), html.as_bytes())?;
    writer.write(
        &format!("{}/runs.csv", paths.dir),
        runs_csv(projects, project, &columns).as_bytes(),
    )?;
    writer.write(
        &format!("{}/{COMPARE_CURVES_FILE}", paths.dir),
        crate::render::project_data::compare_curves_js(project, &columns).as_bytes(),
    )?;
    Ok(warnings)
}

/// The compare view's curves beside each project page (see `compare_curves_js`).
const COMPARE_CURVES_FILE: &str = "compare-curves.js";

fn best_of(project: &Project) -> (Option<Link>, Option<String>, Option<usize>) {
    let Some(&best) = project.ranking.first() else {
        return (None, None, None);
    };
    match project.primary_best(best) {
        Some(point) => (
            Some(Link {
                label: project.runs[best].name.clone(),
                href: String::new(),
            }),
            Some(format::number(point.value)),
            Some(best),
        ),
        None => (None, None, None),
    }
}

fn index_view(projects: &[Project], plan: &SitePaths, options: &SiteOptions) -> IndexView {
    let mut cards: Vec<ProjectCard> = projects
        .iter()
        .zip(&plan.projects)
        .map(|(project, paths)| {
            let (mut best_run, best_value, best_index) = best_of(project);
            if let (Some(link), Some(i)) = (best_run.as_mut(), best_index) {
                link.href = paths.run_page(i);
            }
            let last = project
                .runs
                .iter()
                .filter_map(|r| r.last_activity())
                .reduce(f64::max);
            ProjectCard {
                name: project.name.clone(),
                href: format!("{}/index.html", paths.dir),
                runs: project.runs.len(),
                statuses: status_views(project),
                primary_metric: project.primary_metric.clone(),
                best_value,
                best_run,
                last_activity: last.map(format::timestamp),
                sparkline: figures::project_sparkline(project),
                last_activity_raw: last.unwrap_or(f64::NEG_INFINITY),
            }
        })
        .collect();
    // Most recent activity first; projects with no times last, by name (already sorted).
    cards.sort_by(|a, b| b.last_activity_raw.total_cmp(&a.last_activity_raw));
    IndexView {
        page: Page::new("Projects", "", "index.html", options.base_url.as_deref()),
        total_runs: projects.iter().map(|p| p.runs.len()).sum(),
        projects: cards,
        warnings: options.warnings,
    }
}

fn project_view(
    project: &Project,
    paths: &ProjectPaths,
    options: &SiteOptions,
    columns: &PageColumns,
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
    let ranks: std::collections::BTreeMap<usize, usize> = project
        .ranking
        .iter()
        .enumerate()
        .filter(|&(_, &run)| project.primary_best(run).is_some())
        .map(|(rank, &run)| (run, rank + 1))
        .collect();

    let mut rows: Vec<RunRow> = project
        .runs
        .iter()
        .enumerate()
        .map(|(i, run)| RunRow {
            index: i,
            color: crate::chart::run_color(i),
            name: run.name.clone(),
            href: format!("runs/{}", paths.runs[i]),
            rank: ranks.get(&i).copied(),
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
                .map(|m| match run.series.get(m) {
                    Some(series) => {
                        let dir = project
                            .direction_of(m)
                            .unwrap_or(crate::model::Direction::Down);
                        MetricCells {
                            best: series
                                .summary
                                .best(dir)
                                .map(|p| Cell::number(p.value))
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
        })
        .collect();
    mark_best_cells(project, &metric_order, &mut rows);
    let order: Vec<usize> = project.ranking.clone();
    let mut by_rank: Vec<Option<RunRow>> = rows.into_iter().map(Some).collect();
    // Without JavaScript the table shows the best runs only: a 10,000-run project must not
    // become 10,000 DOM rows. The script renders every run from the page's data, and runs.csv
    // has them all.
    let rows: Vec<RunRow> = order
        .iter()
        .take(STATIC_ROWS)
        .filter_map(|&i| by_rank[i].take())
        .collect();

    let (mut best_run, best_value, best_index) = best_of(project);
    if let (Some(link), Some(i)) = (best_run.as_mut(), best_index) {
        link.href = format!("runs/{}", paths.runs[i]);
    }
    let groups = project
        .groups
        .iter()
        .map(|g| GroupView {
            label: crate::model::project::group_label(project, g),
            key: g.key.clone(),
            primary_last: mean_and_spread(g.members.iter().filter_map(|&i| {
                let metric = project.primary_metric.as_ref()?;
                let last = project.runs[i].series.get(metric)?.summary.last_finite?;
                Some(last.value)
            })),
            primary_ci: confidence_interval(
                g.members
                    .iter()
                    .filter_map(|&i| project.primary_best(i).map(|p| p.value)),
            ),
            runs: g
                .members
                .iter()
                .map(|&i| Link {
                    label: project.runs[i].name.clone(),
                    href: format!("runs/{}", paths.runs[i]),
                })
                .collect(),
            primary: mean_and_spread(
                g.members
                    .iter()
                    .filter_map(|&i| project.primary_best(i).map(|p| p.value)),
            ),
        })
        .collect();

    let shown = figures::overlay_runs(project).len();
    let hrefs: Vec<String> = paths.runs.iter().map(|r| format!("runs/{r}")).collect();
    ProjectView {
        data_json: crate::render::project_data::project_data_json(project, &hrefs, columns),
        more_metrics: columns.more_metrics.clone(),
        more_params: columns.more_params.clone(),
        curves_file: COMPARE_CURVES_FILE,
        figures: figures::project_figures_of(project, &columns.metrics),
        scatters: figures::scatter_figures(project),
        parallel: figures::parallel_figure(project),
        overlay_note: (shown < project.runs.len()).then(|| {
            let by = project.primary_metric.as_deref().unwrap_or("rank");
            format!(
                "Charts show the best {shown} of {} runs by {by}.",
                project.runs.len()
            )
        }),
        // A `<title>` takes no markup: names are isolated in plain text (see `invisible`).
        page: Page::new(
            &crate::invisible::isolate(&project.name),
            "../",
            &format!("{}/index.html", paths.dir),
            options.base_url.as_deref(),
        ),
        name: project.name.clone(),
        readme_html: render_notes(project.readme.as_deref()),
        run_count: project.runs.len(),
        static_rows: STATIC_ROWS.min(project.runs.len()),
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

/// "0.9741 ± 0.0012 (n = 3)": mean ± sample standard deviation, with the ± rule of every
/// output (`format::plus_minus`).
pub fn mean_and_spread(values: impl Iterator<Item = f64>) -> Option<String> {
    let values: Vec<f64> = values.collect();
    let spread = crate::report::stats::spread(&values)?;
    if spread.n < 2 {
        return Some(format!("{} (n = 1)", format::number(spread.mean)));
    }
    Some(format!(
        "{} (n = {})",
        format::plus_minus(spread.mean, spread.std, format::SIGNIFICANT),
        spread.n
    ))
}

/// "[0.9712, 0.9801]": the 95 % confidence interval of the mean (Student's t), in the mean's
/// decimals; `None` for fewer than two finite values.
pub fn confidence_interval(values: impl Iterator<Item = f64>) -> Option<String> {
    let values: Vec<f64> = values.collect();
    let spread = crate::report::stats::spread(&values)?;
    let half = crate::report::stats::confidence_95(&spread)?;
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

/// Highlights the best value of each metric's "best" column.
fn mark_best_cells(project: &Project, metric_order: &[String], rows: &mut [RunRow]) {
    for (column, metric) in metric_order.iter().enumerate() {
        let Some(direction) = project.direction_of(metric) else {
            continue;
        };
        let values = rows
            .iter()
            .filter_map(|r| r.metrics[column].best.raw.parse::<f64>().ok());
        let best = match direction {
            crate::model::Direction::Down => values.reduce(f64::min),
            crate::model::Direction::Up => values.reduce(f64::max),
        };
        if let Some(best) = best {
            for row in rows.iter_mut() {
                let cell = &mut row.metrics[column].best;
                cell.is_best = cell.raw.parse::<f64>().ok() == Some(best);
            }
        }
    }
}
