//! Every chart the site draws, as standalone files for papers: `NAME.svg` (the site's own SVG)
//! and `NAME.pdf` (vector, with its labels and legend, text in the embedded font). The folder
//! mirrors the site's figure folders: `<project>/<chart>` for project charts and
//! `<project>/<run>/<chart>` for each run's charts, with the site's slugs as names.
//!
//! The charts are the plan's: the figures of each project's and run's page view
//! (`plan::project_files`, `plan::run_files`), so an export holds exactly the charts the site
//! shows. A build with `--figures` hands them over as it draws its pages; `ahnb figures` plans the
//! pages itself. Either way each chart is written as soon as it is drawn: an export of 10,000
//! runs holds a few runs' charts at a time.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::pdf::svg_to_pdf;
use crate::error::{Error, Result};
use crate::log::spill::Spill;
use crate::model::Project;
use crate::model::summary::ProjectSummary;
use crate::paths::SitePaths;
use crate::plan::{self, FigureSink};
use crate::render::columns::page_columns;
use crate::render::figures::featured_runs;

/// What [`write_figures`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FiguresReport {
    /// Charts written, each as one SVG and one PDF.
    pub charts: usize,
}

/// A figures folder being written: each chart as SVG and PDF as soon as it is drawn, from any
/// thread. Each file's bytes depend only on the model.
pub struct FigureWriter {
    dir: PathBuf,
    charts: AtomicUsize,
}

impl FigureWriter {
    /// Checks that `dir` is empty or ahnb's, creates it and marks it as ahnb's.
    pub fn create(dir: &Path) -> Result<FigureWriter> {
        check_figures_folder(dir)?;
        fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
        let marker = dir.join(FIGURES_MARKER);
        fs::write(
            &marker,
            b"ahnb figures: written by ahnb, rewritten by every export\n",
        )
        .map_err(|e| Error::write(&marker, e))?;
        Ok(FigureWriter {
            dir: dir.to_path_buf(),
            charts: AtomicUsize::new(0),
        })
    }

    pub fn report(&self) -> FiguresReport {
        FiguresReport {
            charts: self.charts.load(Ordering::Relaxed),
        }
    }
}

impl FigureSink for FigureWriter {
    fn figure(&self, path: &str, svg: &str) -> Result<()> {
        write_chart(&self.dir, path, svg)?;
        self.charts.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// `ahnb figures`: writes every chart of the site's pages as SVG and PDF under `dir`, planning
/// each page as a build would without rendering it (a build with `--figures` hands the charts of
/// the pages it draws to a [`FigureWriter`] instead).
pub fn write_figures(
    projects: &[Project],
    summaries: &[ProjectSummary],
    paths: &SitePaths,
    spill: &Spill,
    dir: &Path,
) -> Result<FiguresReport> {
    let writer = FigureWriter::create(dir)?;
    for ((project, summary), paths) in projects.iter().zip(summaries).zip(&paths.projects) {
        let featured = spill.featured(&project.runs, featured_runs(project))?;
        let columns = page_columns(project);
        let drawn = plan::project_figures(project, &columns, &featured);
        let (files, _) = plan::project_files(project, &columns, drawn, summary, paths, None);
        plan::export_figures(&writer, &files, paths, None)?;
        (0..project.runs.len())
            .into_par_iter()
            .map(|i| {
                let run = spill.details(&project.runs[i])?;
                let context = project.run_context(i);
                let (files, _) = plan::run_files(&context, &run, paths, false, None);
                plan::export_figures(&writer, &files, paths, Some(i))
            })
            .collect::<Result<Vec<()>>>()?;
    }
    Ok(writer.report())
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
