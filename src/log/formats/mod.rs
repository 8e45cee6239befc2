//! Other tools' logs, read straight from the files and folders those tools write: each format in
//! its own module, all producing the same `Run` as the native reader through the `RunBuilder`'s
//! programmatic API. `detect` turns the walk's files into [`Source`]s (one run each, or a file
//! of appended runs); [`read_source`] reads one.

pub mod common;
pub mod csv_log;
pub mod detect;
pub mod detector;
pub mod dvclive;
pub mod huggingface;
pub mod lightning;
pub mod mlflow;
pub mod tensorboard;
pub mod wandb;

use std::path::{Path, PathBuf};

use super::record::RunBuilder;
use super::{FileResult, LogFile, RunPlace, finish_run};
use crate::diag::Warning;
pub use crate::log::run::Format;

/// One run to read (or, for a CSV file appended to by several runs, one file of runs).
#[derive(Debug, Clone)]
pub struct Source {
    pub format: Format,
    /// Path relative to LOGS with `/` separators: a file, or the run's folder.
    pub relative: String,
    /// The same on disk.
    pub path: PathBuf,
    /// The project folder (first folder under LOGS), if the source is inside one.
    pub folder: Option<String>,
    /// The files the run consists of, sorted by path.
    pub inputs: Vec<LogFile>,
    /// Read with exact series: the second reading of a source whose steps went back further
    /// than streaming resolves (a run resumed from an old checkpoint).
    pub exact: bool,
    /// The run's name when its files name none; `None` for the last part of `relative`.
    pub name: Option<String>,
}

impl Source {
    /// The input at `within` (a path relative to the source's folder), if the source has it.
    pub fn input(&self, within: &str) -> Option<&LogFile> {
        let full = detector::join(&self.relative, within);
        self.inputs.iter().find(|f| f.relative == full)
    }

    /// The inputs under `within/` (a folder relative to the source's folder), sorted.
    pub fn inputs_under<'a>(&'a self, within: &str) -> impl Iterator<Item = &'a LogFile> + 'a {
        let prefix = detector::join(&self.relative, &format!("{within}/"));
        self.inputs
            .iter()
            .filter(move |f| f.relative.starts_with(&prefix))
    }

    /// The folder a run's relative media paths start from: the run folder, or a file's folder.
    pub fn media_folder(&self) -> &Path {
        if self.path.is_dir() {
            &self.path
        } else {
            self.path.parent().unwrap_or(Path::new("."))
        }
    }

    /// A builder for this source's run, with warnings naming the source.
    pub fn builder(&self, bound: usize) -> RunBuilder {
        self.builder_naming(&self.relative, bound)
    }

    /// A builder for this source's run whose warnings name `path` (one of its files).
    pub fn builder_naming(&self, path: &str, bound: usize) -> RunBuilder {
        let builder = RunBuilder::new(path, self.media_folder(), bound);
        if self.exact { builder.exact() } else { builder }
    }

    /// The run's name when nothing names it: the file name without its suffix, or the folder's.
    pub fn default_name(&self) -> &str {
        if let Some(name) = &self.name {
            return name;
        }
        if self.relative.is_empty() {
            // The run folder is LOGS itself: named as the folder is.
            return self
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("run");
        }
        let last = self.relative.rsplit('/').next().unwrap_or(&self.relative);
        super::walk::stem_of(last)
    }

    /// Bytes of all inputs on disk.
    pub fn bytes(&self) -> u64 {
        self.inputs
            .iter()
            .filter_map(|f| std::fs::metadata(&f.path).ok())
            .map(|m| m.len())
            .sum()
    }
}

/// Reads one source with its format's reader. A source whose steps went back further than
/// streaming resolves is read a second time with exact series, as native logs are, so that the
/// later value of every step wins in every summary whatever the format.
pub fn read_source(source: &Source, bound: usize) -> FileResult {
    let result = read_source_once(source, bound);
    if result.needs_exact && !source.exact {
        let again = Source {
            exact: true,
            ..source.clone()
        };
        return read_source_once(&again, bound);
    }
    result
}

fn read_source_once(source: &Source, bound: usize) -> FileResult {
    match source.format {
        Format::Native => match source.inputs.first() {
            Some(file) => super::read_log_file(file, bound),
            None => FileResult::failed(Warning::at_file(&source.relative, "no file to read")),
        },
        Format::TensorBoard => tensorboard::read_run(source, bound),
        Format::Mlflow => mlflow::read_run(source, bound),
        Format::KerasCsv | Format::GenericCsv => csv_log::read_file(source, bound),
        Format::LightningCsv => lightning::read_run(source, bound),
        Format::HuggingFace => huggingface::read_run(source, bound),
        Format::DvcLive => dvclive::read_run(source, bound),
        Format::Wandb => wandb::read_run(source, bound),
    }
}

/// Closes the builder of a source's only run.
pub fn finish(builder: RunBuilder, source: &Source, lines: u64) -> FileResult {
    let (run, warnings, needs_exact) = finish_part(builder, source, lines, 1);
    FileResult {
        runs: vec![run],
        warnings,
        needs_exact,
    }
}

/// Closes the builder of the `part`-th run of a source holding several (numbered from 1): the
/// second and later are `relative#2`, named `name #2`. The flag says the source must be read
/// again with exact series ([`RunBuilder::needs_exact_reading`]).
pub fn finish_part(
    builder: RunBuilder,
    source: &Source,
    lines: u64,
    part: usize,
) -> (crate::log::run::Run, Vec<Warning>, bool) {
    let (relative, name) = if part <= 1 {
        (source.relative.clone(), source.default_name().to_owned())
    } else {
        (
            format!("{}#{part}", source.relative),
            format!("{} #{part}", source.default_name()),
        )
    };
    let bytes = if part <= 1 { source.bytes() } else { 0 };
    let place = RunPlace {
        relative: &relative,
        path: &source.path,
        folder: source.folder.as_deref(),
        format: source.format,
        default_name: &name,
    };
    let needs_exact = builder.needs_exact_reading();
    let (run, warnings) = finish_run(builder, &place, lines, bytes, false);
    (run, warnings, needs_exact)
}

/// Why a file that could have been a log was not read.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum SkipReason {
    TensorBoardNotEventFile,
    CsvNoStepColumn,
    CsvNoRows,
    CsvNoNumbers,
    JsonDocument,
    MlflowDeletedRun,
    MlflowDeletedExperiment,
    MlflowLoggedModel,
    DvcLiveNoMetrics,
}

impl SkipReason {
    /// "12 CSV files with no step column ..." for a count.
    pub fn describe(self, count: usize) -> String {
        let (one, many) = match self {
            SkipReason::TensorBoardNotEventFile => (
                "file named like a TensorBoard event file that is not one (empty, or a Git LFS pointer?)",
                "files named like TensorBoard event files that are not (empty, or Git LFS pointers?)",
            ),
            SkipReason::CsvNoStepColumn => (
                "CSV file with no step column (epoch, step or iteration) first",
                "CSV files with no step column (epoch, step or iteration) first",
            ),
            SkipReason::CsvNoRows => (
                "CSV file with a header and no rows",
                "CSV files with a header and no rows",
            ),
            SkipReason::CsvNoNumbers => (
                "CSV file with no numeric column",
                "CSV files with no numeric column",
            ),
            SkipReason::JsonDocument => (
                "JSON document that is not a log (not JSON lines nor a format ahnb reads)",
                "JSON documents that are not logs (not JSON lines nor a format ahnb reads)",
            ),
            SkipReason::MlflowDeletedRun => ("deleted MLflow run", "deleted MLflow runs"),
            SkipReason::MlflowDeletedExperiment => (
                "MLflow run of a deleted experiment",
                "MLflow runs of deleted experiments",
            ),
            SkipReason::MlflowLoggedModel => (
                "MLflow logged model (a model, not a run)",
                "MLflow logged models (models, not runs)",
            ),
            SkipReason::DvcLiveNoMetrics => (
                "DVCLive folder with params and no metrics",
                "DVCLive folders with params and no metrics",
            ),
        };
        format!("{count} {}", if count == 1 { one } else { many })
    }
}

/// A file (or run folder) passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Skipped {
    pub reason: SkipReason,
    pub relative: String,
}

/// The formats ahnb reads, as the no-runs error lists them.
pub fn formats_read() -> String {
    // Detection produces sources for every format there is.
    let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
    names.join(", ")
}

/// Paths listed per group of skipped files before "and N more".
pub const SKIPPED_SHOWN: usize = 3;

/// Skipped files grouped by reason, in the order of [`SkipReason`], each group's paths sorted.
pub fn group_skipped(skipped: &[Skipped]) -> Vec<(SkipReason, Vec<&str>)> {
    let mut groups: std::collections::BTreeMap<SkipReason, Vec<&str>> = Default::default();
    for s in skipped {
        groups.entry(s.reason).or_default().push(&s.relative);
    }
    groups
        .into_iter()
        .map(|(reason, mut paths)| {
            paths.sort_unstable();
            (reason, paths)
        })
        .collect()
}

/// `a, b, c and 9 more` (paths quoted as they are, escaped for the terminal).
pub fn list_paths(paths: &[&str], shown: usize) -> String {
    let mut listed: Vec<String> = paths
        .iter()
        .take(shown)
        .map(|p| crate::diag::printable(p))
        .collect();
    if paths.len() > shown {
        listed.push(format!("and {} more", paths.len() - shown));
        let last = listed.pop().unwrap_or_default();
        return format!("{} {last}", listed.join(", "));
    }
    listed.join(", ")
}

/// What a folder in which no run was found held, for the no-runs error.
/// `empty_logs` are the sources read that gave no run (their warnings say why).
pub fn describe_seen(
    files: usize,
    empty_logs: &[&str],
    skipped: &[Skipped],
    others: &[String],
) -> String {
    if files == 0 {
        return "no files at all".to_owned();
    }
    let mut parts = Vec::new();
    if !empty_logs.is_empty() {
        let noun = if empty_logs.len() == 1 {
            "log with no run in it"
        } else {
            "logs with no run in them"
        };
        parts.push(format!(
            "{} {noun}, see the warnings ({})",
            empty_logs.len(),
            list_paths(empty_logs, SKIPPED_SHOWN)
        ));
    }
    parts.extend(group_skipped(skipped).into_iter().map(|(reason, paths)| {
        format!(
            "{} ({})",
            reason.describe(paths.len()),
            list_paths(&paths, SKIPPED_SHOWN)
        )
    }));
    if !others.is_empty() {
        let paths: Vec<&str> = others.iter().map(String::as_str).collect();
        let noun = if others.len() == 1 { "file" } else { "files" };
        parts.push(format!(
            "{} other {noun} ({})",
            others.len(),
            list_paths(&paths, SKIPPED_SHOWN)
        ));
    }
    let noun = if files == 1 { "file" } else { "files" };
    format!("{files} {noun}: {}", parts.join("; "))
}
