//! Fatal errors: the few things that stop a build. Each message names the path involved and what the
//! user can do about it. Bad log content is never fatal; it becomes a [`crate::diag::Warning`].

use std::path::PathBuf;

/// Everything that can stop `ahnb` from producing output.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("log folder '{0}' does not exist or is not a folder")]
    LogsNotFound(PathBuf),

    #[error(
        "refusing to write the site to '{site}': {reason}; choose an output folder outside the logs, \
         such as 'site/'"
    )]
    UnsafeOutput { site: PathBuf, reason: String },

    #[error(
        "refusing to write the site to '{0}': the folder is not empty and was not created by ahnb; \
         choose an empty or new folder"
    )]
    ForeignOutput(PathBuf),

    #[error(
        "refusing to replace the site '{site}': '{path}' in it was not written by ahnb and {reason}; \
         move it out of the site and build again (the previous site is unchanged)"
    )]
    Unowned {
        site: PathBuf,
        path: PathBuf,
        reason: String,
    },

    #[error(
        "no run found in '{}': ahnb reads {formats}; it saw {seen}",
        logs.display()
    )]
    NoRuns {
        logs: PathBuf,
        /// The formats ahnb reads, listed.
        formats: String,
        /// What the folder held: the files skipped with why, and the other files.
        seen: String,
        /// The warnings of the logs that gave no run, for the caller to print first.
        warnings: Vec<crate::diag::Warning>,
    },

    #[error("cannot read config '{path}': {message}")]
    Config { path: PathBuf, message: String },

    #[error("theme template '{name}' is invalid: {message}")]
    Template { name: String, message: String },

    #[error("cannot read theme folder '{0}': it does not exist or is not a folder")]
    ThemeNotFound(PathBuf),

    #[error("no project named '{name}' in the logs; the projects are: {available}")]
    ProjectNotFound { name: String, available: String },

    #[error("no run logs the metric '{name}'; the metrics are: {available}")]
    MetricNotFound { name: String, available: String },

    #[error("refusing to write '{path}': {reason}; choose a path outside the logs and the site")]
    UnsafeExport { path: PathBuf, reason: String },

    #[error("cannot convert figure '{file}' to PDF: {message}; please report this as a bug")]
    Figure { file: String, message: String },

    #[error("cannot write '{path}': {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot read '{path}': {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Short alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error that happened while writing `path`.
    pub fn write(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Write {
            path: path.into(),
            source,
        }
    }

    /// Wraps an I/O error that happened while reading `path`.
    pub fn read(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Read {
            path: path.into(),
            source,
        }
    }
}
