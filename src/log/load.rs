//! The load stage: walks LOGS once, reads every log in parallel (through the incremental cache
//! when there is one), names runs apart, groups them into projects and reads each project's
//! `ahnb.toml` and README. What it returns, [`Loaded`], is everything later stages see of the
//! inputs: no stage after this one opens an input file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::config::read_config;
use super::formats::{Format, Skipped, Source};
use super::project_config::ProjectConfig;
use super::run::Run;
use super::spill::{Spill, SpillOptions};
use super::walk::LogFile;
use crate::diag::Warning;
use crate::error::{Error, Result};

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
    pub progress: Option<std::sync::Arc<crate::progress::Progress>>,
    /// When runs' chart points leave memory (see [`super::spill`]).
    pub spill: SpillOptions,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            chart_points: DEFAULT_CHART_POINTS,
            cache: None,
            progress: None,
            spill: SpillOptions::default(),
        }
    }
}

/// A project as read: its runs with its config and README, the input of the model stage
/// (`model::build_projects`).
#[derive(Debug)]
pub struct ProjectInput {
    pub name: String,
    pub folder: Option<String>,
    pub config: ProjectConfig,
    pub readme: Option<String>,
    pub runs: Vec<Run>,
}

/// Everything read from LOGS: the projects as read (`P` = [`ProjectInput`]), or, once the model
/// stage has built them, as `model::Project`s (the crate's `Loaded`); the rest is what reading
/// found, carried forward unchanged.
#[derive(Debug)]
pub struct Loaded<P = ProjectInput> {
    pub projects: Vec<P>,
    pub warnings: Vec<Warning>,
    pub files: usize,
    pub lines: u64,
    pub bytes: u64,
    pub timings: Vec<(&'static str, Duration)>,
    /// Logs reused from the cache unchanged, and logs of which only the new bytes were read.
    pub unchanged: usize,
    pub appended: usize,
    /// Of the unchanged logs, those known unchanged by their identity (`log::file_identity`):
    /// not a byte of them was read.
    pub vouched: usize,
    /// Runs read per format, in the order of [`Format::ALL`]; formats without runs left out.
    pub formats: Vec<(Format, usize)>,
    /// Files that could have been logs and were not read, with why, sorted.
    pub skipped: Vec<Skipped>,
    /// Length and xxh3-128 of logs the cache hashed whole while reading them, by path relative
    /// to LOGS (for the up-to-date stamp, which would otherwise read every log again).
    pub content_hashes: BTreeMap<String, (u64, u128)>,
    /// Where the chart points of runs that left memory are: read a run back with
    /// [`Spill::details`] before drawing it.
    pub spill: Spill,
}

impl<P> Loaded<P> {
    /// The same reading with its projects replaced by `f` of them (the model stage's step).
    pub fn map_projects<Q>(self, f: impl FnOnce(Vec<P>) -> Vec<Q>) -> Loaded<Q> {
        Loaded {
            projects: f(self.projects),
            warnings: self.warnings,
            files: self.files,
            lines: self.lines,
            bytes: self.bytes,
            timings: self.timings,
            unchanged: self.unchanged,
            appended: self.appended,
            vouched: self.vouched,
            formats: self.formats,
            skipped: self.skipped,
            content_hashes: self.content_hashes,
            spill: self.spill,
        }
    }
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

/// The files found under LOGS, walked once per build: the up-to-date check digests them and
/// [`load`] reads them.
#[derive(Debug)]
pub struct Walked {
    pub files: Vec<LogFile>,
    /// Warnings of the walk itself (links out of LOGS, unreadable folders).
    pub warnings: Vec<Warning>,
    pub elapsed: Duration,
}

/// Walks LOGS, sorted; a missing folder is [`Error::LogsNotFound`].
pub fn walk(logs: &Path) -> Result<Walked> {
    if !logs.is_dir() {
        return Err(Error::LogsNotFound(logs.to_path_buf()));
    }
    let started = Instant::now();
    let (files, warnings) = super::find_files(logs);
    Ok(Walked {
        files,
        warnings,
        elapsed: started.elapsed(),
    })
}

/// Reads and summarizes every walked log, with each project's config and README; when
/// `require_runs` a folder in which no run is found is an error ([`Error::NoRuns`]) naming the
/// formats ahnb reads and what the folder held.
pub fn load(
    logs: &Path,
    walked: Walked,
    options: &LoadOptions,
    require_runs: bool,
) -> Result<Loaded> {
    let mut timings = Vec::new();
    let started = Instant::now();
    let Walked {
        files,
        mut warnings,
        elapsed,
    } = walked;
    let detection = super::formats::detect::detect(&files);
    let sources = detection.sources;
    timings.push(("walk", elapsed + started.elapsed()));

    let started = Instant::now();
    if let Some(progress) = &options.progress {
        progress.set_stage("parse");
        progress.set_total_bytes(sources.iter().map(Source::bytes).sum());
    }
    let spill = Spill::new(options.spill.clone());
    let CachedReading {
        results,
        unchanged,
        vouched,
        appended,
        content_hashes,
    } = match &options.cache {
        None => CachedReading {
            results: read_sources(&sources, options, &spill),
            ..CachedReading::default()
        },
        Some(path) => read_with_cache(path, logs, &sources, options, &spill),
    };
    warnings.extend(spill.take_warning());
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
            formats: super::formats::formats_read(),
            seen: super::formats::describe_seen(
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
    let (projects, project_warnings) = group_into_projects(logs, runs)?;
    warnings.extend(project_warnings);
    timings.push(("group", started.elapsed()));
    Ok(Loaded {
        projects,
        warnings,
        files: sources.iter().map(|s| s.inputs.len()).sum(),
        lines,
        bytes,
        timings,
        unchanged,
        appended,
        vouched,
        formats,
        skipped: detection.skipped,
        content_hashes,
        spill,
    })
}

/// What reading through the cache gave.
#[derive(Default)]
struct CachedReading {
    results: Vec<super::FileResult>,
    /// Logs unchanged, of them those known by their identity alone, and logs read on.
    unchanged: usize,
    vouched: usize,
    appended: usize,
    /// The content hashes of the logs hashed whole (see [`Loaded::content_hashes`]).
    content_hashes: BTreeMap<String, (u64, u128)>,
}

/// Reads every log through the incremental cache, writing this build's entries to the new cache
/// as they come, which then replaces the old one (a cache that cannot be written only costs the
/// next build its speed).
/// Only JSON-lines logs are cached (they are the ones that grow while training); other formats'
/// runs are read again.
fn read_with_cache(
    path: &Path,
    logs: &Path,
    sources: &[Source],
    options: &LoadOptions,
    spill: &Spill,
) -> CachedReading {
    use rayon::prelude::*;
    let chart_points = options.chart_points;
    let cache = super::cache::Cache::open(path, logs, chart_points);
    // Each log's entry goes to the new cache file as soon as it is read: holding every
    // checkpoint until the end was 700 MB for 10,000 logs.
    let read: Vec<_> = sources
        .par_iter()
        .map(|source| {
            let (mut result, reuse, entry) = match (source.format, source.inputs.first()) {
                (Format::Native, Some(file)) => cache.read(file),
                _ => (
                    super::formats::read_source(source, chart_points),
                    super::cache::Reuse::Parsed,
                    None,
                ),
            };
            result.runs.iter_mut().for_each(|run| spill.admit(run));
            if let Some(progress) = &options.progress {
                progress.add_done_bytes(source.bytes());
            }
            let mut hash = None;
            if let (Some((key, entry)), Some(file)) = (entry, source.inputs.first()) {
                hash = entry.whole_file(file.gzip).map(|h| (key.clone(), h));
                cache.keep(key, entry);
            }
            (result, reuse, hash)
        })
        .collect();
    use super::cache::Reuse;
    let unchanged = read
        .iter()
        .filter(|r| matches!(r.1, Reuse::Unchanged | Reuse::Vouched))
        .count();
    let vouched = read.iter().filter(|r| r.1 == Reuse::Vouched).count();
    let appended = read.iter().filter(|r| r.1 == Reuse::Appended).count();
    let mut results = Vec::with_capacity(read.len());
    let mut hashes = BTreeMap::new();
    for (result, _, hash) in read {
        results.push(result);
        hashes.extend(hash);
    }
    // Runs of unchanged logs left their details in the cache's data file: pages read them back
    // through the spill, from a handle that outlives the cache's own.
    if let Some(data) = cache.data_file() {
        spill.set_cache_file(data, chart_points);
    }
    let _ = cache.save();
    CachedReading {
        results,
        unchanged,
        vouched,
        appended,
        content_hashes: hashes,
    }
}

/// Reads every source in parallel (results in the order of `sources`), each run handed to the
/// spill as soon as it is read.
fn read_sources(
    sources: &[Source],
    options: &LoadOptions,
    spill: &Spill,
) -> Vec<super::FileResult> {
    use rayon::prelude::*;
    sources
        .par_iter()
        .map(|source| {
            let mut result = super::formats::read_source(source, options.chart_points);
            result.runs.iter_mut().for_each(|run| spill.admit(run));
            if let Some(progress) = &options.progress {
                progress.add_done_bytes(source.bytes());
            }
            result
        })
        .collect()
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
            let stem = super::walk::stem_of(file_name);
            run.name = format!("{}{stem}", &path[..path.len() - file_name.len()]);
        }
    }
}

/// Gathers runs by project name, with each project's config and README (read through the read
/// boundary; what could not be read is a warning).
fn group_into_projects(logs: &Path, runs: Vec<Run>) -> Result<(Vec<ProjectInput>, Vec<Warning>)> {
    let boundary = super::boundary::Boundary::new(logs);
    let mut warnings = Vec::new();
    let (root_config, warning) = read_config(&boundary, logs, "")?;
    warnings.extend(warning);
    let mut by_project: BTreeMap<String, Vec<Run>> = BTreeMap::new();
    for run in runs {
        by_project.entry(run.project.clone()).or_default().push(run);
    }
    warnings.extend(crate::diag::lookalike_warnings(
        "project",
        by_project.iter().map(|(name, runs)| {
            let first = runs.iter().map(|r| r.source.as_str()).min();
            (name.as_str(), first.unwrap_or_default())
        }),
    ));
    let mut projects = Vec::with_capacity(by_project.len());
    for (name, mut runs) in by_project {
        name_runs_apart(&mut runs);
        warnings.extend(crate::diag::lookalike_warnings(
            "run",
            runs.iter().map(|r| (r.name.as_str(), r.source.as_str())),
        ));
        let first_folder = runs[0].folder.clone();
        let folder = first_folder.filter(|f| runs.iter().all(|r| r.folder.as_ref() == Some(f)));
        let (config, readme) = match &folder {
            Some(folder) => {
                let dir = logs.join(folder);
                let (own, warning) = read_config(&boundary, &dir, folder)?;
                warnings.extend(warning);
                let (readme, readme_warnings) = super::readme::read_readme(&boundary, &dir, folder);
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
