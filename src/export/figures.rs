//! Every chart the site draws, as standalone files for papers: `NAME.svg` (the site's own SVG)
//! and `NAME.pdf` (vector, with its labels and legend, text in the embedded font). The folder
//! mirrors the site's figure folders: `<project>/<chart>` for project charts and
//! `<project>/<run>/<chart>` for each run's charts, with the site's slugs as names.
//!
//! The charts are the plan's: each project's and run's page is planned (`plan::project_files`,
//! `plan::run_files`) and the figures of its view are written, so an export holds exactly the
//! charts the site shows. Runs are planned in parallel, each read back from the spill, drawn,
//! written and dropped: an export of 10,000 runs holds a few runs' charts at a time.

use std::fs;
use std::path::Path;

use rayon::prelude::*;

use super::pdf::svg_to_pdf;
use crate::error::{Error, Result};
use crate::log::spill::Spill;
use crate::model::Project;
use crate::model::detail::Featured;
use crate::model::summary::ProjectSummary;
use crate::paths::SitePaths;
use crate::plan::{self, Content, PageView, PlannedFile};
use crate::render::figures::{Figure, featured_runs};

/// What [`write_figures`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FiguresReport {
    /// Charts written, each as one SVG and one PDF.
    pub charts: usize,
}

/// The figures of the page views among planned files.
fn view_figures(files: Vec<PlannedFile>) -> Vec<Figure> {
    let mut figures = Vec::new();
    for file in files {
        match file.content {
            Content::Page {
                view: PageView::Project(view),
                ..
            } => {
                let view = *view;
                figures.extend(view.figures);
                figures.extend(view.scatters);
                figures.extend(view.parallel);
            }
            Content::Page {
                view: PageView::Run(view),
                ..
            } => figures.extend(view.figures),
            _ => {}
        }
    }
    figures
}

/// Writes every chart of the site's pages as SVG and PDF under `dir` (created if needed; other
/// files are left alone). Each file's bytes depend only on the model.
pub fn write_figures(
    projects: &[Project],
    summaries: &[ProjectSummary],
    paths: &SitePaths,
    spill: &Spill,
    dir: &Path,
) -> Result<FiguresReport> {
    check_figures_folder(dir)?;
    fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    let marker = dir.join(FIGURES_MARKER);
    fs::write(
        &marker,
        b"ahnb figures: written by ahnb, rewritten by every export\n",
    )
    .map_err(|e| Error::write(&marker, e))?;
    let mut charts = 0;
    for ((project, summary), paths) in projects.iter().zip(summaries).zip(&paths.projects) {
        let mut read_back = std::collections::BTreeMap::new();
        for i in featured_runs(project) {
            if project.runs[i].is_spilled() {
                read_back.insert(i, spill.details(&project.runs[i])?);
            }
        }
        let featured = Featured::new(&project.runs, read_back);
        let (files, _) = plan::project_files(project, &featured, summary, paths, None);
        let figures = view_figures(files);
        figures
            .par_iter()
            .map(|f| write_chart(dir, &format!("{}/{}", paths.dir, f.name), &f.svg))
            .collect::<Result<Vec<()>>>()?;
        charts += figures.len();
        let per_run: Vec<Result<usize>> = (0..project.runs.len())
            .into_par_iter()
            .map(|i| {
                let run = spill.details(&project.runs[i])?;
                let (files, _) = plan::run_files(project, i, &run, paths, false, None);
                let figures = view_figures(files);
                for f in &figures {
                    let path = format!("{}/{}/{}", paths.dir, paths.run_slugs[i], f.name);
                    write_chart(dir, &path, &f.svg)?;
                }
                Ok(figures.len())
            })
            .collect();
        for n in per_run {
            charts += n?;
        }
    }
    Ok(FiguresReport { charts })
}

/// Writes one chart at `path` (relative to `dir`, ending in `.svg`) as SVG and as PDF.
fn write_chart(dir: &Path, path: &str, svg: &str) -> Result<()> {
    let pdf = svg_to_pdf(svg).map_err(|message| Error::Figure {
        file: path.to_owned(),
        message,
    })?;
    let svg_path = dir.join(path);
    if let Some(parent) = svg_path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
    }
    let mut file = String::with_capacity(svg.len() + 64);
    file.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    file.push_str(svg);
    file.push('\n');
    fs::write(&svg_path, file).map_err(|e| Error::write(&svg_path, e))?;
    let pdf_path = svg_path.with_extension("pdf");
    fs::write(&pdf_path, pdf).map_err(|e| Error::write(&pdf_path, e))
}

/// The file ahnb writes into a figures folder, so that a later export knows the folder is its own.
pub const FIGURES_MARKER: &str = ".ahnb-figures";

/// Refuses a figures folder that holds files ahnb did not write: exporting into `~/paper` must
/// not mix charts into (or overwrite files of) someone's folder.
pub fn check_figures_folder(dir: &Path) -> Result<()> {
    let Ok(mut entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    if entries.next().is_none() || dir.join(FIGURES_MARKER).is_file() {
        return Ok(());
    }
    Err(Error::UnsafeExport {
        path: dir.to_path_buf(),
        reason: "it is a folder that is not empty and was not written by ahnb".to_owned(),
    })
}
