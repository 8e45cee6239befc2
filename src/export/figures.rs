//! Every chart the site draws, as standalone files for papers: `NAME.svg` (the site's own SVG)
//! and `NAME.pdf` (vector, with its labels and legend, text in the embedded font). The folder
//! mirrors the site's figure folders: `<project>/<chart>` for project charts and
//! `<project>/<run>/<chart>` for each run's charts, with the site's slugs as names.

use std::fs;
use std::path::Path;

use rayon::prelude::*;

use super::pdf::svg_to_pdf;
use crate::error::{Error, Result};
use crate::model::Project;
use crate::paths::SitePaths;
use crate::render::figures::{parallel_figure, project_figures, run_figures, scatter_figures};

/// What [`write_figures`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FiguresReport {
    /// Charts written, each as one SVG and one PDF.
    pub charts: usize,
}

/// One chart: its path relative to the figures folder (ending in `.svg`) and its SVG.
#[derive(Debug, Clone)]
pub struct ChartFile {
    pub path: String,
    pub svg: String,
}

/// Every chart of every project and run, in site order. The charts come from
/// [`crate::render::figures`], the same functions that draw the site's.
pub fn collect_charts(projects: &[Project], plan: &SitePaths) -> Vec<ChartFile> {
    let mut charts = Vec::new();
    for (project, paths) in projects.iter().zip(&plan.projects) {
        let project_charts = project_figures(project)
            .into_iter()
            .chain(scatter_figures(project))
            .chain(parallel_figure(project));
        charts.extend(project_charts.map(|f| ChartFile {
            path: format!("{}/{}", paths.dir, f.file),
            svg: f.svg,
        }));
        let run_charts: Vec<Vec<ChartFile>> = (0..project.runs.len())
            .into_par_iter()
            .map(|i| {
                run_figures(project, i)
                    .into_iter()
                    .map(|f| ChartFile {
                        path: format!("{}/{}/{}", paths.dir, paths.run_slugs[i], f.file),
                        svg: f.svg,
                    })
                    .collect()
            })
            .collect();
        charts.extend(run_charts.into_iter().flatten());
    }
    charts
}

/// Writes every chart as SVG and PDF under `dir` (created if needed; other files are left
/// alone). PDFs are converted in parallel; files are written in a fixed order.
pub fn write_figures(projects: &[Project], plan: &SitePaths, dir: &Path) -> Result<FiguresReport> {
    check_figures_folder(dir)?;
    fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    let marker = dir.join(FIGURES_MARKER);
    fs::write(
        &marker,
        b"ahnb figures: written by ahnb, rewritten by every export\n",
    )
    .map_err(|e| Error::write(&marker, e))?;
    let charts = collect_charts(projects, plan);
    let pdfs: Vec<Result<Vec<u8>>> = charts
        .par_iter()
        .map(|chart| {
            svg_to_pdf(&chart.svg).map_err(|message| Error::Figure {
                file: chart.path.clone(),
                message,
            })
        })
        .collect();
    for (chart, pdf) in charts.iter().zip(pdfs) {
        let pdf = pdf?;
        let svg_path = dir.join(&chart.path);
        if let Some(parent) = svg_path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
        }
        let mut svg = String::with_capacity(chart.svg.len() + 64);
        svg.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        svg.push_str(&chart.svg);
        svg.push('\n');
        fs::write(&svg_path, svg).map_err(|e| Error::write(&svg_path, e))?;
        let pdf_path = svg_path.with_extension("pdf");
        fs::write(&pdf_path, pdf).map_err(|e| Error::write(&pdf_path, e))?;
    }
    Ok(FiguresReport {
        charts: charts.len(),
    })
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
