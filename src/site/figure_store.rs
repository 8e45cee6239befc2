//! A project page's charts of runs' points as the last build drew them, kept beside the manifest
//! (`.SITE.ahnb-figures/`, never in LOGS or the site), one file per project. A rebuild whose
//! change leaves the charted runs as they were (a run outside the best 40 grew, a parameter was
//! edited) takes the charts from here instead of reading those runs' points back and drawing them
//! again: on a rebuild after one run of 1,000 grew, that was a quarter of the build.
//!
//! An entry is used only when its digest ([`super::digest::project_figures_digest`]: every input
//! of the charts) and the build's context (ahnb's version, theme, settings) are the ones it was
//! drawn with; anything missing, damaged or stale is drawn again. A store that cannot be written
//! only costs the next build its speed.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::digest::Digest;
use crate::render::views::Figure;

const STORE_FORMAT: u32 = 1;

/// The folder of the store for a cache file.
pub fn store_path(cache: &Path) -> PathBuf {
    cache.with_extension("ahnb-figures")
}

/// One project's charts and what they were drawn from.
#[derive(Serialize, Deserialize)]
struct Entry {
    format: u32,
    context: Digest,
    digest: Digest,
    figures: Vec<Figure>,
}

/// The store of one build: `None` without a cache (nothing is kept between builds then).
#[derive(Debug, Default)]
pub struct FigureStore {
    dir: Option<PathBuf>,
    context: Digest,
}

impl FigureStore {
    pub fn new(dir: Option<PathBuf>, context: Digest) -> FigureStore {
        FigureStore { dir, context }
    }

    /// The file of a project (by its folder in the site), named by a hash so that no project
    /// name reaches a path.
    fn file(&self, project_dir: &str) -> Option<PathBuf> {
        let name = xxhash_rust::xxh3::xxh3_128(project_dir.as_bytes());
        Some(self.dir.as_ref()?.join(format!("{name:032x}.figures")))
    }

    /// The charts kept for the project at `project_dir`, when drawn from `digest`'s inputs in
    /// this build's context.
    pub fn load(&self, project_dir: &str, digest: Digest) -> Option<Vec<Figure>> {
        let bytes = std::fs::read(self.file(project_dir)?).ok()?;
        let entry: Entry = postcard::from_bytes(&bytes).ok()?;
        (entry.format == STORE_FORMAT && entry.context == self.context && entry.digest == digest)
            .then_some(entry.figures)
    }

    /// Keeps `figures` (drawn from `digest`'s inputs) for the next build, replacing the
    /// project's entry atomically.
    pub fn save(&self, project_dir: &str, digest: Digest, figures: &[Figure]) {
        let (Some(dir), Some(file)) = (self.dir.as_ref(), self.file(project_dir)) else {
            return;
        };
        let entry = Entry {
            format: STORE_FORMAT,
            context: self.context,
            digest,
            figures: figures.to_vec(),
        };
        let Ok(bytes) = postcard::to_stdvec(&entry) else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(mut temporary) = tempfile::NamedTempFile::new_in(dir) else {
            return;
        };
        if std::io::Write::write_all(&mut temporary, &bytes).is_ok() {
            let _ = temporary.persist(&file);
        }
    }
}
