//! Renders and writes the plan, unit by unit: the site's own files, the index, then every
//! project and its runs in parallel (each file's content depends only on the model, never on
//! thread order). Views are built by the plan's functions; this module only renders pages
//! through the theme and hands bytes and copies to the writer.

use rayon::prelude::*;

use super::SiteOptions;
use super::media::{copy_image, copy_raw_log};
use super::output::SiteWriter;
use crate::diag::Warning;
use crate::error::Result;
use crate::model::project::Project;
use crate::model::summary::ProjectSummary;
use crate::paths::{ProjectPaths, SitePaths};
use crate::plan::{self, Content, PlannedFile};
use crate::render::Renderer;

/// Renders and writes the whole site; returns warnings about pages that leave things out and
/// files that could not be copied.
pub fn write_pages(
    projects: &[Project],
    summaries: &[ProjectSummary],
    plan: &SitePaths,
    options: &SiteOptions,
    renderer: &Renderer,
    theme_files: &[(&'static str, String)],
    writer: &SiteWriter,
) -> Result<Vec<Warning>> {
    let base_url = options.base_url.as_deref();
    let mut warnings = write_files(plan::site_files(theme_files, base_url), renderer, writer)?;
    let index = plan::index_file(projects, summaries, plan, options.warnings, base_url);
    warnings.extend(write_files(vec![index], renderer, writer)?);

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
    for result in per_project {
        warnings.extend(result?);
    }
    Ok(warnings)
}

/// Writes one project's files and its runs'; returns the warnings in a fixed order (the
/// project's, then its runs' in run order).
fn write_project(
    project: &Project,
    summary: &ProjectSummary,
    paths: &ProjectPaths,
    options: &SiteOptions,
    renderer: &Renderer,
    writer: &SiteWriter,
) -> Result<Vec<Warning>> {
    let base_url = options.base_url.as_deref();
    let (files, mut warnings) = plan::project_files(project, summary, paths, base_url);
    warnings.extend(write_files(files, renderer, writer)?);
    let results: Vec<Result<Vec<Warning>>> = (0..project.runs.len())
        .into_par_iter()
        .map(|i| {
            let (files, mut warnings) =
                plan::run_files(project, i, paths, options.copy_raw_logs, base_url);
            warnings.extend(write_files(files, renderer, writer)?);
            Ok(warnings)
        })
        .collect();
    for result in results {
        warnings.extend(result?);
    }
    Ok(warnings)
}

/// Renders and writes planned files in order; a copy that fails is a warning, anything else
/// an error.
pub(super) fn write_files(
    files: Vec<PlannedFile>,
    renderer: &Renderer,
    writer: &SiteWriter,
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
