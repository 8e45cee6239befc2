//! Builds every page's view from the model, renders it and hands it to the writer. Run pages are
//! rendered in parallel; each file's content depends only on the model, never on thread order.
//! A page that draws runs' points reads those runs back from the spill first (its own run for a
//! run page, the featured runs for a project page, each project's best run for the index) and
//! drops them once written: at most one run page's details per thread are in memory at a time.

use rayon::prelude::*;

use super::SiteOptions;
use super::digest::{self, Digest};
use super::incremental::Units;
use super::media::{copy_image, copy_raw_log};
use super::output::{SiteWriter, UnitWriter};
use crate::diag::Warning;
use crate::error::Result;
use crate::log::spill::Spill;
use crate::model::project::Project;
use crate::model::summary::ProjectSummary;
use crate::paths::{ProjectPaths, SitePaths};
use crate::plan::{self, Content, PlannedFile};
use crate::render::Renderer;

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
    spill: &Spill,
    figures: Option<&dyn plan::FigureSink>,
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
        .zip(&plan.projects)
        .zip(&run_digests)
        .map(|((project, paths), runs)| digest::project_digest(project, runs, paths))
        .collect();
    let dirs: Vec<&str> = plan.projects.iter().map(|p| p.dir.as_str()).collect();

    // The theme's files and the 404 page depend on the context only (theme, settings, version).
    let base_url = options.base_url.as_deref();
    units.unit(writer, "assets/".to_owned(), 0, |out| {
        write_files(plan::site_files(theme_files, base_url), renderer, out)
    })?;
    let index_digest = digest::index_digest(&project_digests, &dirs, options.warnings);
    units.unit(writer, "index.html".to_owned(), index_digest, |out| {
        let featured = projects
            .iter()
            .map(|p| spill.featured(&p.runs, p.ranking.first().copied()))
            .collect::<Result<Vec<_>>>()?;
        let index = plan::index_file(
            projects,
            &featured,
            summaries,
            plan,
            options.warnings,
            base_url,
        );
        write_files(vec![index], renderer, out)
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
                spill,
                figures,
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
    spill: &'a Spill,
    /// Where the pages' charts also go (`--figures`).
    figures: Option<&'a dyn plan::FigureSink>,
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
        spill,
        figures,
    } = *context;
    let key = format!("{}/index.html", paths.dir);
    // The columns the project page shows (its charts, table, runs.csv and compare curves).
    let columns = crate::render::columns::page_columns(project);
    // The project page and the run pages are written at the same time: the project page alone
    // is a fifth of a small project's rendering (its view, data and charts),
    // and written first it kept the other threads idle. The warnings keep their order.
    let project_page = || {
        units.unit(writer, key, digest, |out| {
            let base_url = options.base_url.as_deref();
            // The charts of runs' points as the last build drew them, when what they show is
            // unchanged: their runs' points are then not read back at all.
            let featured = crate::render::figures::featured_runs(project);
            let figures_digest =
                digest::project_figures_digest(project, &featured, run_digests, &columns.metrics);
            let drawn = match units.figures().load(&paths.dir, figures_digest) {
                Some(drawn) => drawn,
                None => {
                    let featured = spill.featured(&project.runs, featured)?;
                    let drawn = plan::project_figures(project, &columns, &featured);
                    units.figures().save(&paths.dir, figures_digest, &drawn);
                    drawn
                }
            };
            // The page is viewed and rendered while runs.csv is built: on a rebuild this unit
            // is often the one left, and Tera's render of a 1,000-run page is single-threaded.
            let (page, csv) = rayon::join(
                || {
                    let (files, mut warnings) =
                        plan::project_files(project, &columns, drawn, summary, paths, base_url);
                    if let Some(sink) = figures {
                        plan::export_figures(sink, &files, paths, None)?;
                    }
                    warnings.extend(write_files(files, renderer, out)?);
                    Ok::<_, crate::error::Error>(warnings)
                },
                || plan::runs_csv_file(summary, &columns, paths),
            );
            let mut warnings = page?;
            warnings.extend(write_files(vec![csv], renderer, out)?);
            Ok(warnings)
        })
    };
    let run_pages = || {
        (0..project.runs.len())
            .into_par_iter()
            .map(|i| {
                units.unit(writer, paths.run_page(i), run_digests[i], |out| {
                    let base_url = options.base_url.as_deref();
                    let run = spill.details(&project.runs[i])?;
                    let (files, mut warnings) = plan::run_files(
                        &project.run_context(i),
                        &run,
                        paths,
                        options.copy_raw_logs,
                        base_url,
                    );
                    if let Some(sink) = figures {
                        plan::export_figures(sink, &files, paths, Some(i))?;
                    }
                    warnings.extend(write_files(files, renderer, out)?);
                    Ok(warnings)
                })
            })
            .collect::<Vec<Result<Vec<Warning>>>>()
    };
    // The compare curves are a unit of their own: they change only when the best runs do.
    let compare_curves = || {
        let chosen = crate::render::project_data::compare_runs(project);
        let digest = digest::compare_digest(project, &chosen, &columns.metrics);
        units.unit(writer, plan::compare_path(paths), digest, |out| {
            let overviews = spill.overviews(&project.runs, chosen)?;
            write_files(
                vec![plan::compare_file(project, &columns, &overviews, paths)],
                renderer,
                out,
            )
        })
    };
    let ((project_page, compare_curves), results) =
        rayon::join(|| rayon::join(project_page, compare_curves), run_pages);
    let mut warnings = project_page?;
    warnings.extend(compare_curves?);
    for result in results {
        warnings.extend(result?);
    }
    Ok(warnings)
}

/// Writes planned files in order, rendering pages through the theme; a copy that fails is a
/// warning, anything else an error.
fn write_files(
    files: Vec<PlannedFile>,
    renderer: &Renderer,
    writer: &UnitWriter,
) -> Result<Vec<Warning>> {
    let mut warnings = Vec::new();
    for file in files {
        match file.content {
            Content::Page { template, view } => {
                let html = renderer.render(template, &view)?;
                writer.write(&file.path, html.as_bytes())?;
            }
            Content::Bytes(bytes) => writer.write(&file.path, &bytes)?,
            Content::RawLog(from) => warnings.extend(copy_raw_log(writer, &file.path, &from)),
            Content::Image {
                from,
                content,
                shown,
                embedded,
            } => warnings.extend(copy_image(
                writer, &file.path, &from, &content, &shown, embedded,
            )),
        }
    }
    Ok(warnings)
}
