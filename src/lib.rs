//! ahnb turns folders of machine-learning training logs into static dashboards.
//!
//! The pipeline, one module per stage (CONTRIBUTING.md has the map of the types between them):
//! `log` (walk LOGS once, read every log, config and README, tolerantly) → `model` (runs,
//! projects, series, the one [`model::summary::ProjectSummary`]; pure functions) → `chart` (SVG
//! strings) → `render` (pure view constructors, Tera, Markdown) → `site` (the only code that
//! writes, atomically) → `export` (figures, archive).
//!
//! Glossary:
//! - **project**: a set of runs compared together (a hyperparameter sweep); from the run header,
//!   else the first folder under LOGS.
//! - **run**: one training run, one log file.
//! - **step**: the x value of a record (a batch, an iteration or an epoch counter).
//! - **metric**: a named number logged at steps (`loss`, `val_accuracy`).
//! - **series**: the values of one metric of one run, by step.
//! - **summary**: statistics of a series (last, min, max, best, non-finite count), computed while
//!   reading so that memory does not grow with the number of steps.

pub(crate) mod chart;
pub mod diag;
pub mod error;
pub(crate) mod export;
pub(crate) mod format;
pub mod invisible;
pub mod log;
pub mod model;
pub(crate) mod paths;
pub mod progress;
pub(crate) mod render;
pub mod report;
pub mod serve;
pub mod site;
pub(crate) mod slug;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use diag::Warning;
pub use error::{Error, Result};
pub use export::FiguresReport;
use log::formats::{Format, Skipped};
pub use render::theme::export_default_theme;

pub use log::load::{DEFAULT_CHART_POINTS, LoadOptions, Loaded, count_formats};

/// Reads and summarizes every log under `logs`; a folder in which no run is found is an error
/// ([`Error::NoRuns`]) naming the formats ahnb reads and what the folder held.
pub fn load(logs: &Path, options: &LoadOptions) -> Result<Loaded> {
    log::load::load(logs, log::load::walk(logs)?, options, true)
}

/// Like [`load`], but a folder without runs gives no projects instead of an error: for a
/// baseline, which may rightly hold nothing yet.
pub fn load_allowing_no_runs(logs: &Path, options: &LoadOptions) -> Result<Loaded> {
    log::load::load(logs, log::load::walk(logs)?, options, false)
}

/// The default cache of a site: a file beside it, `.SITE.ahnb-cache`, never inside the published
/// folder.
pub fn default_cache_path(site: &Path) -> PathBuf {
    let absolute = site::output::absolute(site);
    let name = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    absolute
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.ahnb-cache"))
}

/// Reads `logs` and writes its charts under `dir`: `ahnb figures LOGS -o DIR`.
pub fn figures(
    logs: &Path,
    dir: &Path,
    options: &LoadOptions,
) -> Result<(export::FiguresReport, Vec<Warning>)> {
    export::check_export_path(dir, logs)?;
    export::figures::check_figures_folder(dir)?;
    if let Some(cache) = &options.cache {
        export::check_export_path(cache, logs)?;
    }
    let loaded = load(logs, options)?;
    let paths = model::project::site_paths(&loaded.projects);
    let report = export::write_figures(&loaded.projects, &paths, dir)?;
    Ok((report, loaded.warnings))
}

/// How to build a site.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub load: LoadOptions,
    pub base_url: Option<String>,
    pub theme: Option<PathBuf>,
    /// Copy raw logs into the site and link them from run pages.
    pub copy_raw_logs: bool,
    /// Paper kit: also write every chart as SVG and PDF into this folder (see [`export`]).
    pub figures: Option<PathBuf>,
    /// Paper kit: also zip the published site into this file (see [`export::archive`]).
    pub archive: Option<PathBuf>,
}

/// What a build did, for the report.
#[derive(Debug)]
pub struct BuildReport {
    pub projects: usize,
    pub runs: usize,
    pub files: usize,
    pub lines: u64,
    pub bytes: u64,
    pub warnings: Vec<Warning>,
    pub pages_written: usize,
    /// Charts written by `figures`, when asked for.
    pub figures: Option<export::FiguresReport>,
    /// Files zipped into `archive`, when asked for.
    pub archived: Option<usize>,
    pub timings: Vec<(&'static str, Duration)>,
    /// Logs reused unchanged from the cache, and logs read on from where they grew.
    pub unchanged: usize,
    pub appended: usize,
    /// The site already matched the inputs; nothing was read or written.
    pub up_to_date: bool,
    /// Runs read per format, and files passed over with why (see [`Loaded`]).
    pub formats: Vec<(Format, usize)>,
    pub skipped: Vec<Skipped>,
}

/// Reads `logs` and writes the site to `site`, atomically.
pub fn build(logs: &Path, site_dir: &Path, options: &BuildOptions) -> Result<BuildReport> {
    site::output::check_output_folder(site_dir, logs)?;
    if let Some(dir) = &options.figures {
        export::check_export_path(dir, logs)?;
        export::figures::check_figures_folder(dir)?;
    }
    // Nothing ahnb writes may land in LOGS: it would be read as input by the next build (and a
    // zip of the site inside LOGS would be published by it).
    if let Some(archive) = &options.archive {
        export::check_export_path(archive, logs)?;
    }
    if let Some(cache) = &options.load.cache {
        export::check_export_path(cache, logs)?;
    }
    let theme = render::theme::Theme::new(options.theme.as_deref())?;
    let theme_files = theme.files()?;
    let renderer = render::Renderer::new(&theme)?;

    let walked = log::load::walk(logs)?;
    // With a cache, a build over unchanged inputs stops as soon as that is certain.
    let stamp = match &options.load.cache {
        Some(cache) if options.figures.is_none() && options.archive.is_none() => {
            let started = Instant::now();
            let settings = format!(
                "points={} base={:?} raw={}",
                options.load.chart_points, options.base_url, options.copy_raw_logs
            );
            let inputs = site::stamp::inputs_digest(
                logs,
                &walked.files,
                &walked.warnings,
                &theme_files,
                &settings,
            );
            let stamp_file = site::stamp::stamp_path(cache);
            if let Some(report) = site::stamp::up_to_date(&stamp_file, inputs, site_dir) {
                return Ok(BuildReport::up_to_date(
                    report,
                    walked.elapsed + started.elapsed(),
                ));
            }
            Some((stamp_file, inputs))
        }
        _ => None,
    };

    let loaded = log::load::load(logs, walked, &options.load, true)?;
    let mut timings = loaded.timings;
    let started = Instant::now();
    let plan = model::project::site_paths(&loaded.projects);
    let summaries = model::summary::project_summaries(&loaded.projects);
    let site_options = site::SiteOptions {
        base_url: options.base_url.clone(),
        theme: options.theme.clone(),
        copy_raw_logs: options.copy_raw_logs,
        warnings: loaded.warnings.len(),
    };
    if let Some(progress) = &options.load.progress {
        progress.set_stage("render");
    }
    let writer = site::output::SiteWriter::create(site_dir)?;
    let mut warnings = loaded.warnings;
    let page_warnings = site::pages::write_pages(
        &loaded.projects,
        &summaries,
        &plan,
        &site_options,
        &renderer,
        &theme_files,
        &writer,
    )?;
    timings.push(("render", started.elapsed()));
    let started = Instant::now();
    if let Some(progress) = &options.load.progress {
        progress.set_stage("write");
    }
    let pages_written = writer.publish()?;
    timings.push(("write", started.elapsed()));
    let started = Instant::now();
    let figures = match &options.figures {
        Some(dir) => Some(export::write_figures(&loaded.projects, &plan, dir)?),
        None => None,
    };
    let archived = match &options.archive {
        Some(path) => Some(export::write_archive(site_dir, path)?),
        None => None,
    };
    if figures.is_some() || archived.is_some() {
        timings.push(("export", started.elapsed()));
    }
    warnings.extend(page_warnings);
    warnings.sort();
    if let Some((stamp_file, inputs)) = stamp {
        let media = loaded
            .projects
            .iter()
            .flat_map(|p| &p.runs)
            .flat_map(|r| &r.media)
            .filter_map(|m| match &m.source {
                model::MediaSource::File(path) => Some(path.clone()),
                model::MediaSource::Inline(_) | model::MediaSource::Embedded { .. } => None,
            })
            .collect();
        let report = site::stamp::StampedReport {
            projects: loaded.projects.len(),
            runs: loaded.projects.iter().map(|p| p.runs.len()).sum(),
            files: loaded.files,
            lines: loaded.lines,
            bytes: loaded.bytes,
            pages_written,
            warnings: warnings.clone(),
            formats: loaded.formats.clone(),
            skipped: loaded.skipped.clone(),
        };
        site::stamp::save(&stamp_file, inputs, site_dir, media, report);
    }
    Ok(BuildReport {
        projects: loaded.projects.len(),
        runs: loaded.projects.iter().map(|p| p.runs.len()).sum(),
        files: loaded.files,
        lines: loaded.lines,
        bytes: loaded.bytes,
        warnings,
        pages_written,
        figures,
        archived,
        timings,
        unchanged: loaded.unchanged,
        appended: loaded.appended,
        up_to_date: false,
        formats: loaded.formats,
        skipped: loaded.skipped,
    })
}

impl BuildReport {
    /// The report of a build that found the site already up to date.
    fn up_to_date(stamped: site::stamp::StampedReport, elapsed: Duration) -> Self {
        BuildReport {
            projects: stamped.projects,
            runs: stamped.runs,
            files: stamped.files,
            lines: stamped.lines,
            bytes: stamped.bytes,
            warnings: stamped.warnings,
            pages_written: stamped.pages_written,
            figures: None,
            archived: None,
            timings: vec![("check", elapsed)],
            unchanged: stamped.files,
            appended: 0,
            up_to_date: true,
            formats: stamped.formats,
            skipped: stamped.skipped,
        }
    }
}
