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
/// Each unit (the theme's assets, the index, a project page with its files, a run page with its
/// media) is rendered only when its digest differs from the previous build's (see `units`).
#[allow(clippy::too_many_arguments)]
pub fn write_pages(
    projects: &[Project],
    summaries: &[ProjectSummary],
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
        .par_iter()
        .zip(summaries)
        .zip(&plan.projects)
        .zip(&run_digests)
        .map(|(((project, summary), paths), runs)| {
            digest::project_digest(project, summary, runs, paths)
        })
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
        out.write("index.html", index.as_bytes())?;
        Ok(Vec::new())
    })?;

    // Projects in parallel as well as their runs: a project page (its overlays, scatters and
    // data) is one thread's work, which left the other cores idle between projects.
    let per_project: Vec<Result<Vec<Warning>>> = projects
        .par_iter()
        .zip(summaries)
        .zip(&plan.projects)
        .zip(run_digests.par_iter().zip(&project_digests))
        .map(|(((project, summary), paths), (runs, &digest))| {
            let context = Context {
                options,
                renderer,
                writer,
                units,
            };
            write_project(&context, project, summary, paths, digest, runs)
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
    summary: &ProjectSummary,
    paths: &ProjectPaths,
    digest: Digest,
    run_digests: &[Digest],
) -> Result<Vec<Warning>> {
    let Context {
        options,
        renderer,
        writer,
        units,
    } = *context;
    let key = format!("{}/index.html", paths.dir);
    let mut warnings = units.unit(writer, key, digest, |out| {
        write_project_page(project, summary, paths, options, renderer, out)
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
    project: &Project,
    summary: &ProjectSummary,
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

    Ok(warnings)
}
