//! ahnb turns folders of machine-learning training logs into static dashboards.
//!
//! The pipeline, one module per stage:
//! `log` (walk LOGS, parse every file in parallel, tolerantly) → `model` (runs, projects, series,
//! summaries; pure functions) → `chart` (SVG strings) → `render` (Tera views, Markdown) → `site`
//! (the plan of output files and the only code that writes them, atomically).
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

pub mod chart;
pub mod diag;
pub mod error;
pub mod export;
pub mod invisible;
pub mod log;
pub mod model;
pub mod progress;
pub mod render;
pub mod report;
pub mod site;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use diag::Warning;
pub use error::{Error, Result};
use log::formats::{Format, Skipped, Source};
use model::project::ProjectInput;
use model::{Project, ProjectConfig, Run};

/// Points kept per series for charts unless configured otherwise.
pub const DEFAULT_CHART_POINTS: usize = 1000;

/// How to read logs.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Points kept per series for charts (the summaries always see every point).
    pub chart_points: usize,
    /// Where the incremental cache lives; `None` reads every log from the start.
    pub cache: Option<PathBuf>,
    /// Counters for a progress display, if anyone shows one.
    pub progress: Option<std::sync::Arc<progress::Progress>>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            chart_points: DEFAULT_CHART_POINTS,
            cache: None,
            progress: None,
        }
    }
}

/// Everything read from LOGS.
#[derive(Debug)]
pub struct Loaded {
    pub projects: Vec<Project>,
    pub warnings: Vec<Warning>,
    pub files: usize,
    pub lines: u64,
    pub bytes: u64,
    pub timings: Vec<(&'static str, Duration)>,
    /// Logs reused from the cache unchanged, and logs of which only the new bytes were read.
    pub unchanged: usize,
    pub appended: usize,
    /// Runs read per format, in the order of [`Format::ALL`]; formats without runs left out.
    pub formats: Vec<(Format, usize)>,
    /// Files that could have been logs and were not read, with why, sorted.
    pub skipped: Vec<Skipped>,
}

/// Runs per format, in the order of [`Format::ALL`], formats without runs left out.
pub fn count_formats<'a>(runs: impl Iterator<Item = &'a Run>) -> Vec<(Format, usize)> {
    let mut counts: BTreeMap<Format, usize> = BTreeMap::new();
    for run in runs {
        *counts.entry(run.format).or_default() += 1;
    }
    Format::ALL
        .iter()
        .filter_map(|f| counts.get(f).map(|&n| (*f, n)))
        .collect()
}

/// Reads and summarizes every log under `logs`; a folder in which no run is found is an error
/// ([`Error::NoRuns`]) naming the formats ahnb reads and what the folder held.
pub fn load(logs: &Path, options: &LoadOptions) -> Result<Loaded> {
    load_checked(logs, options, true)
}

/// Like [`load`], but a folder without runs gives no projects instead of an error: for a
/// baseline, which may rightly hold nothing yet.
pub fn load_allowing_no_runs(logs: &Path, options: &LoadOptions) -> Result<Loaded> {
    load_checked(logs, options, false)
}

fn load_checked(logs: &Path, options: &LoadOptions, require_runs: bool) -> Result<Loaded> {
    if !logs.is_dir() {
        return Err(Error::LogsNotFound(logs.to_path_buf()));
    }
    let mut timings = Vec::new();
    let started = Instant::now();
    let (files, mut warnings) = log::find_files(logs);
    let detection = log::formats::detect::detect(&files);
    let sources = detection.sources;
    timings.push(("walk", started.elapsed()));

    let started = Instant::now();
    if let Some(progress) = &options.progress {
        progress.set_stage("parse");
        progress.set_total_bytes(sources.iter().map(Source::bytes).sum());
    }
    let (results, unchanged, appended) = match &options.cache {
        None => (
            log::read_sources(&sources, options.chart_points, options.progress.as_deref()),
            0,
            0,
        ),
        Some(path) => read_with_cache(
            path,
            logs,
            &sources,
            options.chart_points,
            options.progress.as_deref(),
        ),
    };
    timings.push(("parse", started.elapsed()));

    let started = Instant::now();
    let mut runs = Vec::with_capacity(results.len());
    for result in results {
        warnings.extend(result.warnings);
        runs.extend(result.runs);
    }
    warnings.sort();
    if runs.is_empty() && require_runs {
        let read: Vec<&str> = sources.iter().map(|s| s.relative.as_str()).collect();
        return Err(Error::NoRuns {
            logs: logs.to_path_buf(),
            formats: log::formats::formats_read(),
            seen: log::formats::describe_seen(
                files.len(),
                &read,
                &detection.skipped,
                &detection.others,
            ),
            warnings,
        });
    }
    let lines = runs.iter().map(|r| r.lines).sum();
    let bytes = runs.iter().map(|r| r.bytes).sum();
    let formats = count_formats(runs.iter());
    let (inputs, project_warnings) = group_into_projects(logs, runs)?;
    warnings.extend(project_warnings);
    let projects = model::build_projects(inputs);
    timings.push(("summarize", started.elapsed()));
    Ok(Loaded {
        projects,
        warnings,
        files: sources.iter().map(|s| s.inputs.len()).sum(),
        lines,
        bytes,
        timings,
        unchanged,
        appended,
        formats,
        skipped: detection.skipped,
    })
}

/// Reads every log through the incremental cache, then replaces the cache with this build's
/// entries (a cache that cannot be written only costs the next build its speed).
/// Only JSON-lines logs are cached (they are the ones that grow while training); other formats'
/// runs are read again.
fn read_with_cache(
    path: &Path,
    logs: &Path,
    sources: &[Source],
    chart_points: usize,
    progress: Option<&progress::Progress>,
) -> (Vec<log::FileResult>, usize, usize) {
    use rayon::prelude::*;
    let cache = log::cache::Cache::open(path, logs, chart_points);
    let read: Vec<_> = sources
        .par_iter()
        .map(|source| {
            let read = match (source.format, source.inputs.first()) {
                (Format::Native, Some(file)) => cache.read(file),
                _ => (
                    log::formats::read_source(source, chart_points),
                    log::cache::Reuse::Parsed,
                    None,
                ),
            };
            if let Some(progress) = progress {
                progress.add_done_bytes(source.bytes());
            }
            read
        })
        .collect();
    let unchanged = read
        .iter()
        .filter(|r| r.1 == log::cache::Reuse::Unchanged)
        .count();
    let appended = read
        .iter()
        .filter(|r| r.1 == log::cache::Reuse::Appended)
        .count();
    let mut results = Vec::with_capacity(read.len());
    let mut entries = Vec::with_capacity(read.len());
    for (result, _, entry) in read {
        results.push(result);
        entries.extend(entry);
    }
    let _ = cache.save(entries);
    (results, unchanged, appended)
}

/// Runs named after their file (no `run` in a header) that share a name within a project, such
/// as detectron2's many `output/metrics.json`, are named by their path instead:
/// `exp1/output/metrics`.
fn name_runs_apart(runs: &mut [Run]) {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for run in runs.iter() {
        *counts.entry(run.name.clone()).or_default() += 1;
    }
    for run in runs.iter_mut() {
        if counts[&run.name] > 1 && run.header.run.is_none() {
            let within = match &run.folder {
                Some(folder) => run
                    .source
                    .strip_prefix(folder.as_str())
                    .map(|p| p.trim_start_matches('/')),
                None => None,
            };
            let path = within.unwrap_or(&run.source);
            let file_name = path.rsplit('/').next().unwrap_or(path);
            let stem = log::walk::stem_of(file_name);
            run.name = format!("{}{stem}", &path[..path.len() - file_name.len()]);
        }
    }
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

/// Gathers runs by project name, with each project's config and README (read through the read
/// boundary; what could not be read is a warning).
fn group_into_projects(logs: &Path, runs: Vec<Run>) -> Result<(Vec<ProjectInput>, Vec<Warning>)> {
    let boundary = log::boundary::Boundary::new(logs);
    let mut warnings = Vec::new();
    let (root_config, warning) = ProjectConfig::read_from(&boundary, logs, "")?;
    warnings.extend(warning);
    let mut by_project: BTreeMap<String, Vec<Run>> = BTreeMap::new();
    for run in runs {
        by_project.entry(run.project.clone()).or_default().push(run);
    }
    warnings.extend(diag::lookalike_warnings(
        "project",
        by_project.iter().map(|(name, runs)| {
            let first = runs.iter().map(|r| r.source.as_str()).min();
            (name.as_str(), first.unwrap_or_default())
        }),
    ));
    let mut projects = Vec::with_capacity(by_project.len());
    for (name, mut runs) in by_project {
        name_runs_apart(&mut runs);
        warnings.extend(diag::lookalike_warnings(
            "run",
            runs.iter().map(|r| (r.name.as_str(), r.source.as_str())),
        ));
        let first_folder = runs[0].folder.clone();
        let folder = first_folder.filter(|f| runs.iter().all(|r| r.folder.as_ref() == Some(f)));
        let (config, readme) = match &folder {
            Some(folder) => {
                let dir = logs.join(folder);
                let (own, warning) = ProjectConfig::read_from(&boundary, &dir, folder)?;
                warnings.extend(warning);
                let (readme, readme_warnings) = log::readme::read_readme(&boundary, &dir, folder);
                warnings.extend(readme_warnings);
                (root_config.overridden_by(&own), readme)
            }
            None => (root_config.clone(), None),
        };
        projects.push(ProjectInput {
            name,
            folder,
            config,
            readme,
            runs,
        });
    }
    Ok((projects, warnings))
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
    /// Site paths (relative, `/` separators, sorted) whose bytes this build changed or created:
    /// on a rebuild, exactly the pages that show what changed; on a full render, every file.
    pub changed: Vec<String>,
    /// ahnb's files of the previous site that this build no longer writes, sorted.
    pub removed: Vec<String>,
    /// Files carried over from the previous site without rendering them.
    pub carried: usize,
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

    // Everything every page depends on besides the logs: a change of it renders every page.
    let settings = format!(
        "points={} base={:?} raw={}",
        options.load.chart_points, options.base_url, options.copy_raw_logs
    );
    let context = site::digest::context_digest(&theme_files, &settings);

    // With a cache, a build over unchanged inputs stops as soon as that is certain.
    let stamp = match &options.load.cache {
        Some(cache) if options.figures.is_none() && options.archive.is_none() => {
            let started = Instant::now();
            let (files, walk_warnings) = log::find_files(logs);
            let inputs =
                site::stamp::inputs_digest(logs, &files, &walk_warnings, &theme_files, &settings);
            let stamp_file = site::stamp::stamp_path(cache);
            if let Some(report) = site::stamp::up_to_date(&stamp_file, inputs, site_dir) {
                return Ok(BuildReport::up_to_date(report, started.elapsed()));
            }
            Some((stamp_file, inputs))
        }
        _ => None,
    };

    let loaded = load(logs, &options.load)?;
    let mut timings = loaded.timings;
    let started = Instant::now();
    let plan = site::plan_site(&loaded.projects);
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
    // The previous build's manifest lives beside the cache: without a cache, render everything.
    let manifest = options
        .load
        .cache
        .as_deref()
        .map(site::manifest::manifest_path);
    let previous = manifest
        .as_deref()
        .and_then(|path| site::manifest::load(path, context));
    let units = site::incremental::Units::new(previous);
    let mut warnings = loaded.warnings;
    let page_warnings = site::pages::write_pages(
        &loaded.projects,
        &plan,
        &site_options,
        &renderer,
        &theme_files,
        &writer,
        &units,
    )?;
    timings.push(("render", started.elapsed()));
    let started = Instant::now();
    if let Some(progress) = &options.load.progress {
        progress.set_stage("write");
    }
    let published = writer.publish_report(units.is_rebuild())?;
    let pages_written = published.files;
    if let Some(path) = &manifest {
        site::manifest::save(path, context, site_dir, units.into_done());
    }
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
        changed: published.changed,
        removed: published.removed,
        carried: published.carried,
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
            changed: Vec::new(),
            removed: Vec::new(),
            carried: stamped.pages_written,
        }
    }
}
