//! The detector that the formats share: the walk's files, which of them a format has claimed as
//! a run's, and path helpers on LOGS-relative names. Each format's `detect` function claims its
//! files through it; [`super::detect`] runs them in order.

use std::collections::BTreeMap;

use super::{Format, SkipReason, Skipped, Source};
use crate::log::walk::LogFile;

/// What detection made of the walk's files.
#[derive(Debug, Default)]
pub struct Detection {
    /// The runs to read, sorted by path.
    pub sources: Vec<Source>,
    /// Files that could have been logs and are not read, with why; sorted.
    pub skipped: Vec<Skipped>,
    /// Every other file no format claimed, by path.
    pub others: Vec<String>,
}

/// The walk's files with the claims made on them so far.
pub struct Detector<'a> {
    files: &'a [LogFile],
    by_path: BTreeMap<&'a str, usize>,
    claimed: Vec<bool>,
    pub(super) sources: Vec<Source>,
    pub(super) skipped: Vec<Skipped>,
}

impl<'a> Detector<'a> {
    pub(super) fn new(files: &'a [LogFile]) -> Self {
        Detector {
            files,
            by_path: files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.relative.as_str(), i))
                .collect(),
            claimed: vec![false; files.len()],
            sources: Vec::new(),
            skipped: Vec::new(),
        }
    }

    pub fn file(&self, index: usize) -> &'a LogFile {
        &self.files[index]
    }

    /// Indices of every file, in walk order.
    pub fn all(&self) -> std::ops::Range<usize> {
        0..self.files.len()
    }

    /// The index of the file at `relative`.
    pub fn find(&self, relative: &str) -> Option<usize> {
        self.by_path.get(relative).copied()
    }

    /// Indices of the files under `folder` (at any depth), sorted by path; `""` is LOGS.
    pub fn under(&self, folder: &str) -> Vec<usize> {
        if folder.is_empty() {
            return self.by_path.values().copied().collect();
        }
        let prefix = format!("{folder}/");
        self.by_path
            .range(prefix.as_str()..)
            .take_while(|(path, _)| path.starts_with(&prefix))
            .map(|(_, &i)| i)
            .collect()
    }

    pub fn is_claimed(&self, index: usize) -> bool {
        self.claimed[index]
    }

    /// Unclaimed files whose name (last path part) satisfies `keep`, in walk order.
    pub fn unclaimed_named(&self, keep: impl Fn(&str) -> bool) -> Vec<usize> {
        self.all()
            .filter(|&i| !self.claimed[i] && keep(file_name(&self.files[i].relative)))
            .collect()
    }

    /// Marks files as belonging to something already decided (a run, or a run folder's files
    /// that are no log of their own, such as MLflow's artifacts).
    pub fn claim(&mut self, indices: &[usize]) {
        for &i in indices {
            self.claimed[i] = true;
        }
    }

    /// Adds a run read from `inputs` (claimed) at `relative` (a file or a folder under LOGS).
    pub fn add_source(&mut self, format: Format, relative: &str, inputs: &[usize]) {
        let Some(&first) = inputs.first() else {
            return;
        };
        self.claim(inputs);
        let mut files: Vec<LogFile> = inputs.iter().map(|&i| self.files[i].clone()).collect();
        files.sort_by(|a, b| a.relative.cmp(&b.relative));
        let first = &self.files[first];
        let path = disk_path(first, relative);
        let folder = if relative.contains('/') {
            relative.split('/').next().map(str::to_owned)
        } else {
            // A run folder directly in LOGS is its own project folder, as its files would be.
            first.folder.clone()
        };
        self.sources.push(Source {
            format,
            relative: relative.to_owned(),
            path,
            folder,
            inputs: files,
            exact: false,
            name: None,
        });
    }

    /// Like [`Detector::add_source`], with the run's default name given.
    pub fn add_named_source(
        &mut self,
        format: Format,
        relative: &str,
        inputs: &[usize],
        name: &str,
    ) {
        self.add_source(format, relative, inputs);
        if let Some(source) = self.sources.last_mut() {
            source.name = Some(name.to_owned());
        }
    }

    /// Reports a file (or a run folder, by its first file) as passed over, and claims it.
    pub fn skip(&mut self, index: usize, reason: SkipReason) {
        self.skip_as(index, &self.files[index].relative.clone(), reason);
    }

    /// Like [`Detector::skip`], shown as `relative` (a folder) and claiming `index`.
    pub fn skip_as(&mut self, index: usize, relative: &str, reason: SkipReason) {
        self.claimed[index] = true;
        self.skipped.push(Skipped {
            reason,
            relative: relative.to_owned(),
        });
    }
}

/// The last part of a `/` path.
pub fn file_name(relative: &str) -> &str {
    relative.rsplit('/').next().unwrap_or(relative)
}

/// `folder/name`, or `name` when the folder is LOGS itself (`""`).
pub fn join(folder: &str, name: &str) -> String {
    if folder.is_empty() {
        name.to_owned()
    } else {
        format!("{folder}/{name}")
    }
}

/// The part of `relative` inside `folder` (all of it when the folder is LOGS itself, `""`).
pub fn within<'a>(relative: &'a str, folder: &str) -> Option<&'a str> {
    if folder.is_empty() {
        Some(relative)
    } else {
        relative.strip_prefix(folder)?.strip_prefix('/')
    }
}

/// The folder part of a `/` path (`""` for a file directly in LOGS).
pub fn parent_of(relative: &str) -> &str {
    relative.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// `relative` (an ancestor of `file`, or the file itself) on disk.
fn disk_path(file: &LogFile, relative: &str) -> std::path::PathBuf {
    let mut path = file.path.clone();
    let mut at = file.relative.as_str();
    while at.len() > relative.len() {
        path.pop();
        at = parent_of(at);
    }
    path
}
