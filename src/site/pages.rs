//! Builds every page's view from the model, renders it and hands it to the writer. Run pages are
//! rendered in parallel; each file's content depends only on the model, never on thread order.

use rayon::prelude::*;

use super::SiteOptions;
use super::output::SiteWriter;
use super::run_page::write_run_page;
use super::write_figure;
use crate::diag::{Warning, quote};
use crate::error::Result;
use crate::model::project::Project;
use crate::model::summary::ProjectSummary;
use crate::paths::{ProjectPaths, SitePaths};
use crate::render::Renderer;
use crate::render::figures;
use crate::render::project_page::COMPARE_CURVES_FILE;
use crate::render::views::*;

/// Static files of the theme, written under `assets/`.
const ASSET_DIR: &str = "assets";

/// Renders and writes the whole site; returns warnings about media that could not be copied.
pub fn write_pages(
    projects: &[Project],
    summaries: &[ProjectSummary],
    plan: &SitePaths,
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
            page: Page::new(
                "Page not found",
                "",
                "404.html",
                options.base_url.as_deref(),
            ),
        },
    )?;
    writer.write("404.html", not_found.as_bytes())?;
    let index = renderer.render(
        "index.html",
        &IndexView::new(
            projects,
            summaries,
            plan,
            options.warnings,
            options.base_url.as_deref(),
        ),
    )?;
    writer.write("index.html", index.as_bytes())?;

    // Projects in parallel as well as their runs: a project page (its overlays, scatters and
    // data) is one thread's work, which left the other cores idle between projects.
    let per_project: Vec<Result<Vec<Warning>>> = projects
        .par_iter()
        .zip(summaries)
        .zip(&plan.projects)
        .map(|((project, summary), paths)| {
            write_project(project, summary, paths, options, renderer, writer)
        })
        .collect();
    let mut warnings = Vec::new();
    for result in per_project {
        warnings.extend(result?);
    }
    Ok(warnings)
}

/// Writes one project's page, data, runs.csv and figures, and its runs' pages; returns the
/// warnings in a fixed order (the project's, then its runs' in run order).
fn write_project(
    project: &Project,
    summary: &ProjectSummary,
    paths: &ProjectPaths,
    options: &SiteOptions,
    renderer: &Renderer,
    writer: &SiteWriter,
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
    let mut view = ProjectView::new(
        project,
        summary,
        paths,
        &columns,
        options.base_url.as_deref(),
    );
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
        crate::report::csv::runs_csv(summary, &columns.metrics, &columns.params).as_bytes(),
    )?;
    writer.write(
        &format!("{}/{COMPARE_CURVES_FILE}", paths.dir),
        crate::render::project_data::compare_curves_js(project, &columns).as_bytes(),
    )?;

    let results: Vec<Result<Vec<Warning>>> = (0..project.runs.len())
        .into_par_iter()
        .map(|i| write_run_page(project, paths, i, options, renderer, writer))
        .collect();
    for result in results {
        warnings.extend(result?);
    }
    Ok(warnings)
}
