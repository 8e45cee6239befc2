//! Renders a unit of output only when its digest changed: otherwise its files are carried over
//! from the published site and the warnings it gave are replayed, so that a rebuild reports and
//! writes exactly what a clean build would.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::digest::Digest;
use super::figure_store::FigureStore;
use super::manifest::{Manifest, UnitDone, UnitRecord};
use super::output::{Carried, SiteWriter, UnitWriter};
use crate::diag::Warning;
use crate::error::Result;

/// The previous build's units, and this build's as they are done.
#[derive(Debug, Default)]
pub struct Units {
    previous: BTreeMap<String, UnitRecord>,
    /// Whether a previous manifest was found: the build is a rebuild, not a full render.
    rebuild: bool,
    done: Mutex<BTreeMap<String, UnitDone>>,
    /// Project pages' charts of the last build (`site::figure_store`).
    figures: FigureStore,
}

impl Units {
    /// Units of a build; `previous` is the manifest of the build that wrote the published site
    /// (`None`: render everything).
    pub fn new(previous: Option<Manifest>, figures: FigureStore) -> Self {
        Units {
            rebuild: previous.is_some(),
            previous: previous.map(|m| m.units).unwrap_or_default(),
            done: Mutex::new(BTreeMap::new()),
            figures,
        }
    }

    /// Where project pages' charts are kept between builds.
    pub fn figures(&self) -> &FigureStore {
        &self.figures
    }

    /// Whether a previous build's units are known.
    pub fn is_rebuild(&self) -> bool {
        self.rebuild
    }

    /// The unit `key` (its main file's path): carried over when the previous build rendered it
    /// from the same `digest` and its files are intact, else rendered by `render`.
    pub fn unit(
        &self,
        writer: &SiteWriter,
        key: String,
        digest: Digest,
        render: impl FnOnce(&UnitWriter) -> Result<Vec<Warning>>,
    ) -> Result<Vec<Warning>> {
        if let Some(previous) = self.previous.get(&key).filter(|p| p.digest == digest) {
            let carried = writer.carry(&previous.files)?;
            if carried != Carried::No {
                let done = UnitDone {
                    digest,
                    files: previous.files.iter().map(|f| f.path.clone()).collect(),
                    records: (carried == Carried::Linked).then(|| previous.files.clone()),
                    warnings: previous.warnings.clone(),
                };
                self.finish(key, done);
                return Ok(previous.warnings.clone());
            }
        }
        let unit = writer.unit();
        let warnings = render(&unit)?;
        let done = UnitDone {
            digest,
            files: unit.finish(),
            records: None,
            warnings: warnings.clone(),
        };
        self.finish(key, done);
        Ok(warnings)
    }

    fn finish(&self, key: String, done: UnitDone) {
        self.done
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, done);
    }

    /// This build's units, for the next build's manifest.
    pub fn into_done(self) -> BTreeMap<String, UnitDone> {
        self.done.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}
