//! Builds every page's view from the model, renders it and hands it to the writer. Run pages are
//! rendered in parallel; each file's content depends only on the model, never on thread order.

use std::path::Path;

use rayon::prelude::*;

use super::output::SiteWriter;
use super::{ProjectPaths, SiteOptions, SitePlan};
use crate::diag::{Warning, quote};
use crate::error::Result;
use crate::model::project::Project;
use crate::model::{MediaKind, MediaSource, Status};
use crate::render::Renderer;
use crate::render::figures;
use crate::render::format;
use crate::render::markdown::sanitize_html;
use crate::render::views::*;

/// Rows of the results table rendered into the HTML (the script shows every run).
const STATIC_ROWS: usize = 200;

/// Every run of a project as CSV (the `ahnb summary --format csv` columns, unrounded).
fn runs_csv(projects: &[Project], project: &Project) -> String {
    let options = crate::report::SummaryOptions {
        project: Some(project.name.clone()),
        ..Default::default()
    };
    crate::report::summarize(projects, None, &options)
        .map(|summary| crate::report::csv::render_csv(&summary))
        .unwrap_or_default()
}

/// Static files of the theme, written under `assets/`.
const ASSET_DIR: &str = "assets";

/// Renders and writes the whole site; returns warnings about media that could not be copied.
pub fn write_pages(
    projects: &[Project],
    plan: &SitePlan,
    options: &SiteOptions,
    renderer: &Renderer,
    theme_files: &[(&'static str, String)],
    writer: &SiteWriter,
) -> Result<Vec<Warning>> {
    for (path, content) in theme_files {
        if let Some(name) = path.strip_prefix("static/") {
            writer.write(&format!("{ASSET_DIR}/{name}"), content.as_bytes())?;
        }
    }
    writer.write(".nojekyll", b"")?;
    let not_found = renderer.render(
        "404.html",
        &PlainView {
            page: page("Page not found", "", "404.html", options),
        },
    )?;
    writer.write("404.html", not_found.as_bytes())?;
    let index = renderer.render("index.html", &index_view(projects, plan, options))?;
    writer.write("index.html", index.as_bytes())?;

    let mut warnings = Vec::new();
    for (project, paths) in projects.iter().zip(&plan.projects) {
        if project.metrics.len() > figures::MAX_CHARTS {
            let at = project.folder.as_ref().unwrap_or(&project.runs[0].source);
            let message = format!(
                "project {} has {} metrics; its page charts {} of them (all are in the results table)",
                quote(&project.name),
                project.metrics.len(),
                figures::MAX_CHARTS
            );
            warnings.push(Warning::at_file(at, message));
        }
        let mut view = project_view(project, paths, options);
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
            runs_csv(projects, project).as_bytes(),
        )?;

        let results: Vec<Result<Vec<Warning>>> = (0..project.runs.len())
            .into_par_iter()
            .map(|i| write_run_page(project, paths, i, options, renderer, writer))
            .collect();
        for result in results {
            warnings.extend(result?);
        }
    }
    Ok(warnings)
}

fn page(title: &str, root: &str, path: &str, options: &SiteOptions) -> Page {
    Page {
        title: title.to_owned(),
        root: root.to_owned(),
        base_url: options.base_url.clone(),
        path: path.to_owned(),
        generator: format!("ahnb {}", env!("CARGO_PKG_VERSION")),
    }
}

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

fn index_view(projects: &[Project], plan: &SitePlan, options: &SiteOptions) -> IndexView {
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
        page: page("Projects", "", "index.html", options),
        total_runs: projects.iter().map(|p| p.runs.len()).sum(),
        projects: cards,
        warnings: options.warnings,
    }
}

fn project_view(project: &Project, paths: &ProjectPaths, options: &SiteOptions) -> ProjectView {
    let metric_order = ordered_metrics(project);
    let varied: std::collections::BTreeSet<&String> = project.varied_params.iter().collect();
    let mut param_keys: Vec<&String> = project.varied_params.iter().collect();
    param_keys.extend(project.params.iter().filter(|k| !varied.contains(k)));
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
            duration: run
                .duration()
                .map(|d| Cell {
                    text: format::duration(d),
                    raw: format::number_full(d),
                    is_best: false,
                })
                .unwrap_or_else(Cell::empty),
            steps: run
                .last_step()
                .map(|s| Cell::number(s as f64))
                .unwrap_or_else(Cell::empty),
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
            key: g.key.clone(),
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
        data_json: crate::render::project_data::project_data_json(project, &hrefs),
        figures: figures::project_figures(project),
        scatters: figures::scatter_figures(project),
        parallel: figures::parallel_figure(project),
        overlay_note: (shown < project.runs.len()).then(|| {
            let by = project.primary_metric.as_deref().unwrap_or("rank");
            format!(
                "Charts show the best {shown} of {} runs by {by}.",
                project.runs.len()
            )
        }),
        page: page(
            &project.name,
            "../",
            &format!("{}/index.html", paths.dir),
            options,
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

/// "0.9741 ± 0.0012 (n = 3)": mean ± sample standard deviation.
pub fn mean_and_spread(values: impl Iterator<Item = f64>) -> Option<String> {
    let values: Vec<f64> = values.filter(|v| v.is_finite()).collect();
    if values.is_empty() {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return Some(format!("{} (n = 1)", format::number(mean)));
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some(format!(
        "{} ± {} (n = {})",
        format::number(mean),
        format::number(var.sqrt()),
        values.len()
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

fn write_run_page(
    project: &Project,
    paths: &ProjectPaths,
    index: usize,
    options: &SiteOptions,
    renderer: &Renderer,
    writer: &SiteWriter,
) -> Result<Vec<Warning>> {
    let run = &project.runs[index];
    let summary = &project.summaries[index];
    let mut warnings = Vec::new();
    let slug = &paths.run_slugs[index];

    let raw_log = if options.copy_raw_logs {
        let file_name = run.source.rsplit('/').next().unwrap_or("log.jsonl");
        let extension = crate::log::walk::LOG_SUFFIXES
            .iter()
            .find(|s| file_name.ends_with(*s))
            .copied()
            .unwrap_or(".jsonl");
        let relative = format!("{}/logs/{slug}{extension}", paths.dir);
        match writer.copy(&relative, &run.path_on_disk) {
            Ok(_) => Some(format!("../logs/{slug}{extension}")),
            Err(e) => {
                warnings.push(Warning::at_file(
                    &run.source,
                    format!("cannot copy the raw log: {e}"),
                ));
                None
            }
        }
    } else {
        None
    };

    let mut media_groups: Vec<MediaGroup> = Vec::new();
    for (n, media) in run.media.iter().enumerate() {
        let item = match media_item(run, media, n, &paths.dir, slug, writer) {
            Ok(item) => item,
            Err(message) => {
                warnings.push(Warning::at_file(&run.source, message));
                continue;
            }
        };
        match media_groups.iter_mut().find(|g| g.name == media.name) {
            Some(group) => group.items.push(item),
            None => media_groups.push(MediaGroup {
                name: media.name.clone(),
                items: vec![item],
            }),
        }
    }

    let metrics = run
        .metric_order
        .iter()
        .map(|name| {
            let s = &run.series[name].summary;
            let direction = project.direction_of(name);
            let best = direction.and_then(|d| s.best(d));
            MetricRow {
                name: name.clone(),
                direction: direction_name(direction),
                last: s.last.map(|p| format::number(p.value)).unwrap_or_default(),
                last_step: s.last.map(|p| p.step.to_string()).unwrap_or_default(),
                best: best.map(|p| format::number(p.value)).unwrap_or_default(),
                best_step: best.map(|p| p.step.to_string()).unwrap_or_default(),
                min: s.min.map(|p| format::number(p.value)).unwrap_or_default(),
                max: s.max.map(|p| format::number(p.value)).unwrap_or_default(),
                points: format::count(s.count),
                nonfinite: s.nonfinite,
                first_nonfinite_step: s.first_nonfinite.map(|p| p.step.to_string()),
            }
        })
        .collect();

    let headline = headline_metrics(project, index);
    let families = figures::metric_families(&run.metric_order).len();
    if families > figures::MAX_CHARTS {
        let message = format!(
            "{families} metric families; the run page charts the first {} (all are in its metrics table)",
            figures::MAX_CHARTS
        );
        warnings.push(Warning::at_file(&run.source, message));
    }
    let mut run_figures = figures::run_figures(project, index);
    for figure in &mut run_figures {
        write_figure(writer, &format!("{}/figures/{slug}", paths.dir), figure)?;
        figure.file = format!("../figures/{slug}/{}", figure.file);
    }
    let link_to = |i: usize| Link {
        label: project.runs[i].name.clone(),
        href: paths.runs[i].clone(),
    };
    let view = RunView {
        page: page(
            &format!("{} · {}", run.name, project.name),
            "../../",
            &paths.run_page(index),
            options,
        ),
        project: Link {
            label: project.name.clone(),
            href: "../index.html".to_owned(),
        },
        name: run.name.clone(),
        source: run.source.clone(),
        status: summary.status.as_str(),
        start: run.start_time().map(format::timestamp),
        start_iso: run.start_time().map(format::timestamp_rfc3339),
        duration: run.duration().map(format::duration),
        previous: index.checked_sub(1).map(link_to),
        next: (index + 1 < project.runs.len()).then(|| link_to(index + 1)),
        raw_log,
        summary: describe_run(project, index),
        error: run
            .end
            .as_ref()
            .and_then(|e| e.error.clone())
            .filter(|_| summary.status == Status::Failed),
        headline,
        params: run
            .header
            .params
            .iter()
            .map(|(k, v)| Pair {
                key: k.clone(),
                value: v.to_text(),
            })
            .collect(),
        tags: run.header.tags.clone(),
        seed: run.header.seed.map(|s| s.to_string()),
        group: summary.group.clone(),
        model: run.header.model.as_ref().map(|m| {
            let total = m.total_params.or_else(|| {
                let sum: u64 = m.layers.iter().filter_map(|l| l.params).sum();
                (!m.layers.is_empty()).then_some(sum)
            });
            ModelView {
                name: m.name.clone(),
                layers: m
                    .layers
                    .iter()
                    .map(|l| LayerView {
                        name: l.name.clone(),
                        kind: l.kind.clone(),
                        shape: l.output_shape.clone(),
                        params: l.params.map(format::count).unwrap_or_default(),
                        trainable: l.trainable,
                    })
                    .collect(),
                total: total.map(format::count),
                trainable: m.trainable_params.map(format::count),
                non_trainable: m.non_trainable_params.map(format::count),
            }
        }),
        env: run
            .header
            .env
            .iter()
            .map(|(k, v)| Pair {
                key: k.clone(),
                value: v.clone(),
            })
            .collect(),
        metrics,
        final_metrics: run
            .end
            .as_ref()
            .map(|e| {
                e.metrics
                    .iter()
                    .map(|(k, v)| Pair {
                        key: k.clone(),
                        value: format::number(*v),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        notes_html: render_notes(run.header.notes.as_deref()),
        step_notes: run
            .notes
            .iter()
            .map(|n| StepNote {
                step: n.step.map(|s| s.to_string()),
                html: crate::render::markdown::markdown_to_html(&n.text),
            })
            .collect(),
        media: media_groups,
        figures: run_figures,
        lines: format::count(run.lines),
        warnings: run.warnings,
    };
    let html = renderer.render("run.html", &view)?;
    writer.write(&paths.run_page(index), html.as_bytes())?;
    Ok(warnings)
}

/// Writes a figure's standalone SVG (the step version) into `folder`.
fn write_figure(writer: &SiteWriter, folder: &str, figure: &Figure) -> Result<()> {
    let mut file = String::with_capacity(figure.svg.len() + 64);
    file.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    file.push_str(&figure.svg);
    file.push('\n');
    writer.write(&format!("{folder}/{}", figure.file), file.as_bytes())
}

/// The primary metric first, then the other metrics with a known direction (validation ones
/// first), at most six cards.
fn headline_metrics(project: &Project, index: usize) -> Vec<Headline> {
    let run = &project.runs[index];
    let mut names: Vec<&String> = Vec::new();
    if let Some(primary) = project
        .primary_metric
        .as_ref()
        .filter(|m| run.series.contains_key(*m))
    {
        names.push(primary);
    }
    let mut others: Vec<&String> = run
        .metric_order
        .iter()
        .filter(|m| project.direction_of(m).is_some() && !names.contains(m))
        .collect();
    others.sort_by_key(|m| !crate::model::direction::is_validation_metric(m));
    names.extend(others);
    names.truncate(6);
    names
        .into_iter()
        .map(|name| {
            let s = &run.series[name].summary;
            let direction = project
                .direction_of(name)
                .unwrap_or(crate::model::Direction::Down);
            let best = s.best(direction);
            Headline {
                name: name.clone(),
                best: best
                    .map(|p| format::number(p.value))
                    .unwrap_or_else(|| "–".to_owned()),
                best_at: best.map(|p| step_label(run, p.step)).unwrap_or_default(),
                last: s.last.map(|p| format::number(p.value)).unwrap_or_default(),
                is_primary: project.primary_metric.as_ref() == Some(name),
            }
        })
        .collect()
}

/// Copies a media file into the site (or sanitizes inline content) and describes it.
fn media_item(
    run: &crate::model::Run,
    media: &crate::model::Media,
    n: usize,
    project_dir: &str,
    run_slug: &str,
    writer: &SiteWriter,
) -> std::result::Result<MediaItem, String> {
    let mut item = MediaItem {
        step: media.step.map(|s| s.to_string()),
        kind: match media.kind {
            MediaKind::Image => "image",
            MediaKind::Gif => "gif",
            MediaKind::Svg => "svg",
            MediaKind::Html => "html",
            MediaKind::Text => "text",
        },
        title: media.title.clone().unwrap_or_else(|| media.name.clone()),
        description: media.description.clone(),
        src: None,
        html: None,
        text: None,
    };
    match (&media.source, media.kind) {
        (MediaSource::File(path), MediaKind::Svg) => {
            check_inside_log_folder(run, path)?;
            let svg = std::fs::read(path).map_err(|e| {
                format!(
                    "media {} cannot be read: {e}",
                    quote(&path.to_string_lossy())
                )
            })?;
            item.src = Some(svg_data_url(&svg));
        }
        (MediaSource::File(path), MediaKind::Image | MediaKind::Gif) => {
            check_inside_log_folder(run, path)?;
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            check_image_extension(&file_name)?;
            let safe_name = super::slug::slugify(&file_name, "media");
            let relative = format!("{project_dir}/media/{run_slug}/{n:03}-{safe_name}");
            writer
                .copy(&relative, path)
                .map_err(|e| format!("media {} cannot be copied: {e}", quote(&file_name)))?;
            item.src = Some(format!("../media/{run_slug}/{n:03}-{safe_name}"));
        }
        (MediaSource::File(path), MediaKind::Html | MediaKind::Text) => {
            check_inside_log_folder(run, path)?;
            let text = std::fs::read_to_string(path).map_err(|e| {
                format!(
                    "media {} cannot be read: {e}",
                    quote(&path.to_string_lossy())
                )
            })?;
            fill_inline(&mut item, media.kind, text);
        }
        (MediaSource::Inline(text), kind) => {
            fill_inline(&mut item, kind, text.clone());
        }
    }
    Ok(item)
}

fn fill_inline(item: &mut MediaItem, kind: MediaKind, text: String) {
    match kind {
        MediaKind::Html => item.html = Some(sanitize_html(&text)),
        MediaKind::Svg => item.src = Some(svg_data_url(text.as_bytes())),
        _ => item.text = Some(text),
    }
}

/// SVG from a log, as a `data:` URL for an `<img>`. An image never runs the SVG's scripts, and,
/// unlike a `.svg` file in the site, a `data:` URL cannot be opened as a page of the site's
/// origin (browsers refuse to navigate to it), so a link in a note cannot make it run either.
fn svg_data_url(svg: &[u8]) -> String {
    let mut url = String::with_capacity(svg.len() + svg.len() / 4 + 24);
    url.push_str("data:image/svg+xml,");
    for &byte in svg {
        if byte.is_ascii_alphanumeric() || b"-._~!$()*+,;=:@/?".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// Image media is copied into the site under its own extension, which decides how a browser
/// opens the copy: only image extensions may pass, so that a "png" named `x.html` cannot become a
/// page of the site.
fn check_image_extension(file_name: &str) -> std::result::Result<(), String> {
    const IMAGE_EXTENSIONS: [&str; 7] = ["png", "jpg", "jpeg", "gif", "webp", "avif", "bmp"];
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    if IMAGE_EXTENSIONS.contains(&extension.as_str()) {
        Ok(())
    } else {
        Err(format!(
            "media file {} is not a PNG, JPEG, GIF, WebP, AVIF or BMP file by its name; skipped",
            quote(file_name)
        ))
    }
}

/// Refuses media reached through a symbolic link that leads outside the log's folder, and media
/// that is not a regular file.
fn check_inside_log_folder(
    run: &crate::model::Run,
    path: &Path,
) -> std::result::Result<(), String> {
    let folder = run.path_on_disk.parent().unwrap_or(Path::new("."));
    let (Ok(folder), Ok(target)) = (folder.canonicalize(), path.canonicalize()) else {
        return Err(format!(
            "media file {} not found",
            quote(&path.to_string_lossy())
        ));
    };
    if !target.starts_with(&folder) {
        return Err(format!(
            "media file {} leads outside the log's folder; skipped",
            quote(&path.to_string_lossy())
        ));
    }
    // Opening a FIFO (or a device) would block the build forever, and a folder cannot be copied.
    if std::fs::metadata(&target).is_ok_and(|m| m.is_file()) {
        Ok(())
    } else {
        Err(format!(
            "media file {} is not a regular file; skipped",
            quote(&path.to_string_lossy())
        ))
    }
}
