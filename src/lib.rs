//! ahnb turns folders of machine-learning training logs into static dashboards.
//!
//! The pipeline, one module per stage (CONTRIBUTING.md has the map of the types between them):
//! `log` (walk LOGS once, read every log, config and README, tolerantly, into runs and
//! series) → `model` (projects, statuses, seed groups, the one
//! [`model::summary::ProjectSummary`]; pure functions) → `chart` (SVG
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
pub(crate) mod plan;
pub mod progress;
pub(crate) mod render;
pub mod report;
pub mod serve;
pub(crate) mod site;
pub(crate) mod slug;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use diag::Warning;
pub use error::{Error, Result};
pub use export::FiguresReport;
use log::formats::{Format, Skipped};
pub use render::theme::export_default_theme;

pub use log::load::{DEFAULT_CHART_POINTS, LoadOptions, count_formats};

/// What the load and model stages give: the projects built from every log read, and what
/// reading found (warnings, counts, formats, skipped files).
pub type Loaded = log::load::Loaded<model::Project>;

/// The model stage: the projects as read become [`model::Project`]s (statuses, ranking, seed
/// groups), timed as "summarize".
fn model_stage(read: log::load::Loaded) -> Loaded {
    let started = Instant::now();
    let mut loaded = read.map_projects(model::build_projects);
    loaded.timings.push(("summarize", started.elapsed()));
    loaded
}

/// Reads and summarizes every log under `logs`; a folder in which no run is found is an error
/// ([`Error::NoRuns`]) naming the formats ahnb reads and what the folder held.
pub fn load(logs: &Path, options: &LoadOptions) -> Result<Loaded> {
    log::load::load(logs, log::load::walk(logs)?, options, true).map(model_stage)
}

/// Like [`load`], but a folder without runs gives no projects instead of an error: for a
/// baseline, which may rightly hold nothing yet.
pub fn load_allowing_no_runs(logs: &Path, options: &LoadOptions) -> Result<Loaded> {
    log::load::load(logs, log::load::walk(logs)?, options, false).map(model_stage)
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
    let summaries = model::summary::project_summaries(&loaded.projects);
    let report = export::write_figures(&loaded.projects, &summaries, &paths, &loaded.spill, dir)?;
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
    /// Of the unchanged logs, those known unchanged on disk without reading them.
    pub vouched: usize,
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
    /// Runs whose chart points waited in the spill file rather than in memory (see
    /// [`log::spill`]).
    pub spilled: usize,
    /// Runs of unchanged logs whose chart points, left in the incremental cache, were read back
    /// because a page this build rendered draws them (the others' points are never decoded).
    pub read_from_cache: usize,
}

/// Reads `logs` and writes the site to `site`, atomically: one line per stage, each timed.
pub fn build(logs: &Path, site_dir: &Path, options: &BuildOptions) -> Result<BuildReport> {
    // On a thread of the pool: every parallel step then splits work where it runs, instead of
    // handing it from the caller's thread to the pool and waking the caller when it is done
    // (dozens of steps in a rebuild, each a wake-up that waits for a core).
    rayon::scope(|_| build_in_pool(logs, site_dir, options))
}

fn build_in_pool(logs: &Path, site_dir: &Path, options: &BuildOptions) -> Result<BuildReport> {
    check_outputs(logs, site_dir, options)?;
    // The theme's templates are compiled while LOGS is walked: both come before anything else,
    // and each is a few milliseconds of a small build on one thread.
    let (theme, walked) = rayon::join(|| load_theme(options), || log::load::walk(logs));
    let (theme_files, renderer) = theme?;
    let settings = settings_of(options);
    // Everything every page depends on besides the logs: a change of it renders every page.
    let context = site::digest::context_digest(&theme_files, &settings);
    let walked = walked?;
    let stamp = match check_stamp(logs, site_dir, options, &walked, &theme_files, &settings) {
        Stamp::UpToDate(report) => return Ok(*report),
        Stamp::Stale(stamp) => stamp,
    };
    let mut read = log::load::load(logs, walked, &options.load, true)?;
    let mut timings = Timings(std::mem::take(&mut read.timings));
    let media_warnings = timings.time("media", || {
        log::media::check_projects_media(&mut read.projects)
    });
    let mut loaded = timings.time("summarize", || read.map_projects(model::build_projects));
    let paths = model::project::site_paths(&loaded.projects);
    let summaries = timings.time("summary", || {
        model::summary::project_summaries(&loaded.projects)
    });
    set_stage(options, "render");
    let writer = site::output::SiteWriter::create(site_dir)?;
    // A figures export takes the charts of the pages as they are drawn, so every page is drawn.
    let figure_writer = match &options.figures {
        Some(dir) => Some(export::FigureWriter::create(dir)?),
        None => None,
    };
    let (units, manifest) = previous_units(options, context, figure_writer.is_none());
    let site_options = site::SiteOptions {
        base_url: options.base_url.clone(),
        copy_raw_logs: options.copy_raw_logs,
        warnings: loaded.warnings.len(),
    };
    let page_warnings = timings.time("render", || {
        site::pages::write_pages(
            &loaded.projects,
            &summaries,
            &paths,
            &site_options,
            &renderer,
            &theme_files,
            &writer,
            &units,
            &loaded.spill,
            figure_writer.as_ref().map(|w| w as &dyn plan::FigureSink),
        )
    })?;
    set_stage(options, "write");
    let (published, previous) = timings.time("write", || {
        let (published, previous) = writer.publish_leaving_previous(units.is_rebuild())?;
        if let Some(path) = &manifest {
            site::manifest::save(path, context, site_dir, units.into_done());
        }
        Ok::<_, Error>((published, previous))
    })?;
    // What is left is recorded, and the build's data freed, while the previous site is kept as
    // the next rebuild's spare or removed (1,000 pages to unlink after a full render of a
    // 1,000-run project), which each step waited on.
    let record = move || {
        let figures = figure_writer.map(|w| w.report());
        let archived = timings.time_some("export", || match &options.archive {
            Some(path) => export::write_archive(site_dir, path).map(Some),
            None => Ok(None),
        })?;

        let mut warnings = std::mem::take(&mut loaded.warnings);
        warnings.extend(media_warnings);
        warnings.extend(page_warnings);
        warnings.sort();
        let report = BuildReport {
            projects: loaded.projects.len(),
            runs: loaded.projects.iter().map(|p| p.runs.len()).sum(),
            files: loaded.files,
            lines: loaded.lines,
            bytes: loaded.bytes,
            warnings,
            pages_written: published.files,
            figures,
            archived,
            timings: timings.0,
            unchanged: loaded.unchanged,
            vouched: loaded.vouched,
            appended: loaded.appended,
            up_to_date: false,
            formats: std::mem::take(&mut loaded.formats),
            skipped: std::mem::take(&mut loaded.skipped),
            changed: published.changed,
            removed: published.removed,
            carried: published.carried,
            spilled: loaded.spill.spilled_runs(),
            read_from_cache: loaded.spill.read_from_cache(),
        };
        if let Some(stamp) = stamp {
            save_stamp(
                stamp,
                logs,
                site_dir,
                &theme_files,
                &settings,
                &loaded,
                &report,
            );
        }
        // Freeing every run, the summaries and the spill (whose close gives its pages back) was
        // the last 10–20 ms of a big build, on one thread while the others had nothing left to
        // do: a thread of its own does it, and `ahnb build` exits without waiting for it.
        // (When no thread can be started, the values are dropped here, as before.)
        let freed = (loaded, summaries, paths);
        let _detached = std::thread::Builder::new().spawn(move || drop(freed));
        Ok(report)
    };
    let (report, ()) = rayon::join(record, || previous.retire());
    report
}

/// The time each stage of a build took, in order, for `--timings`.
#[derive(Default)]
struct Timings(Vec<(&'static str, Duration)>);

impl Timings {
    fn time<T>(&mut self, stage: &'static str, run: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let value = run();
        self.0.push((stage, started.elapsed()));
        value
    }

    /// Like [`Timings::time`], listing the stage only when it did something.
    fn time_some<A>(
        &mut self,
        stage: &'static str,
        run: impl FnOnce() -> Result<Option<A>>,
    ) -> Result<Option<A>> {
        let started = Instant::now();
        let value = run()?;
        if value.is_some() {
            self.0.push((stage, started.elapsed()));
        }
        Ok(value)
    }
}

fn set_stage(options: &BuildOptions, stage: &'static str) {
    if let Some(progress) = &options.load.progress {
        progress.set_stage(stage);
    }
}

/// Refuses outputs that could overwrite someone's files or land in LOGS: anything ahnb writes
/// in LOGS would be read as input by the next build (and a zip of the site inside LOGS would be
/// published by it).
fn check_outputs(logs: &Path, site_dir: &Path, options: &BuildOptions) -> Result<()> {
    site::output::check_output_folder(site_dir, logs)?;
    if let Some(dir) = &options.figures {
        export::check_export_path(dir, logs)?;
        export::figures::check_figures_folder(dir)?;
    }
    if let Some(archive) = &options.archive {
        export::check_export_path(archive, logs)?;
    }
    if let Some(cache) = &options.load.cache {
        export::check_export_path(cache, logs)?;
    }
    Ok(())
}

/// The theme's files (built in, overridden file by file by `--theme`) and its Tera.
fn load_theme(options: &BuildOptions) -> Result<(Vec<(&'static str, String)>, render::Renderer)> {
    let theme = render::theme::Theme::new(options.theme.as_deref())?;
    let files = theme.files()?;
    let renderer = render::Renderer::new(&theme)?;
    Ok((files, renderer))
}

/// The settings every page depends on, as the stamp and the manifest record them.
fn settings_of(options: &BuildOptions) -> String {
    format!(
        "points={} base={:?} raw={}",
        options.load.chart_points, options.base_url, options.copy_raw_logs
    )
}

/// The units of the previous build (from the manifest beside the cache; without a cache, or
/// unless `carry`, everything is rendered) and where this build's manifest goes.
fn previous_units(
    options: &BuildOptions,
    context: site::digest::Digest,
    carry: bool,
) -> (site::incremental::Units, Option<PathBuf>) {
    let cache = options.load.cache.as_deref();
    let manifest = cache.map(site::manifest::manifest_path);
    let previous = manifest
        .as_deref()
        .filter(|_| carry)
        .and_then(|path| site::manifest::load(path, context));
    let figures =
        site::figure_store::FigureStore::new(cache.map(site::figure_store::store_path), context);
    (site::incremental::Units::new(previous, figures), manifest)
}

/// Whether the site already matches its inputs (checked only with a cache, and without
/// exports, whose files the stamp does not cover).
enum Stamp {
    UpToDate(Box<BuildReport>),
    /// Out of date: what to save after the build, if a stamp is kept.
    Stale(Option<PendingStamp>),
}

/// A stamp to save after the build. When a log's length already differs, nothing is hashed
/// before the build: the digest is then taken after it, from the hashes the cache computed
/// while reading.
struct PendingStamp {
    file: PathBuf,
    inputs: Option<site::stamp::InputsDigest>,
    stats: Vec<site::stamp::LogStat>,
    files: Vec<log::LogFile>,
    walk_warnings: Vec<Warning>,
}

fn check_stamp(
    logs: &Path,
    site_dir: &Path,
    options: &BuildOptions,
    walked: &log::load::Walked,
    theme_files: &[(&'static str, String)],
    settings: &str,
) -> Stamp {
    let Some(cache) = &options.load.cache else {
        return Stamp::Stale(None);
    };
    if options.figures.is_some() || options.archive.is_some() {
        return Stamp::Stale(None);
    }
    let started = Instant::now();
    let file = site::stamp::stamp_path(cache);
    let stats = site::stamp::stat_logs(&walked.files);
    let mut inputs = None;
    if let Some(known) = site::stamp::may_be_up_to_date(&file, &stats) {
        let vouched = known.len();
        let digest = site::stamp::inputs_digest(
            logs,
            &walked.files,
            &walked.warnings,
            theme_files,
            settings,
            &known,
        );
        if let Some(report) = site::stamp::up_to_date(&file, digest.digest, site_dir) {
            return Stamp::UpToDate(Box::new(BuildReport::up_to_date(
                report,
                vouched,
                walked.elapsed + started.elapsed(),
            )));
        }
        inputs = Some(digest);
    }
    Stamp::Stale(Some(PendingStamp {
        file,
        inputs,
        stats,
        files: walked.files.clone(),
        walk_warnings: walked.warnings.clone(),
    }))
}

/// Saves what the next build compares its inputs with: their digest, the media files they
/// name and this build's report.
fn save_stamp(
    stamp: PendingStamp,
    logs: &Path,
    site_dir: &Path,
    theme_files: &[(&'static str, String)],
    settings: &str,
    loaded: &Loaded,
    report: &BuildReport,
) {
    let inputs = stamp.inputs.unwrap_or_else(|| {
        site::stamp::inputs_digest(
            logs,
            &stamp.files,
            &stamp.walk_warnings,
            theme_files,
            settings,
            &loaded.content_hashes,
        )
    });
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
    let stamped = site::stamp::StampedReport {
        projects: report.projects,
        runs: report.runs,
        files: report.files,
        lines: report.lines,
        bytes: report.bytes,
        pages_written: report.pages_written,
        warnings: report.warnings.clone(),
        formats: report.formats.clone(),
        skipped: report.skipped.clone(),
    };
    let stamped_logs = site::stamp::stamped_logs(stamp.stats, &inputs);
    site::stamp::save(
        &stamp.file,
        inputs.digest,
        stamped_logs,
        site_dir,
        media,
        stamped,
    );
}

impl BuildReport {
    /// The report of a build that found the site already up to date.
    fn up_to_date(stamped: site::stamp::StampedReport, vouched: usize, elapsed: Duration) -> Self {
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
            vouched,
            up_to_date: true,
            formats: stamped.formats,
            skipped: stamped.skipped,
            changed: Vec::new(),
            removed: Vec::new(),
            carried: stamped.pages_written,
            spilled: 0,
            read_from_cache: 0,
        }
    }
}
