//! The spill: where the loader moves runs' chart points ([`Details`]) once resident points pass a
//! budget, so that a project of 10,000 runs is read in bounded memory. A run's details are
//! written at once, one run after another, to an unnamed temporary file (unlinked as it is
//! created: nothing is left behind, whatever happens to the build; never inside LOGS or the
//! site), and read back per run when a page draws it.
//!
//! Which runs are spilled depends on the order in which threads finish them; what a page shows
//! does not: a run read back is the run as it was read, to the bit ([`Run::with_details`]).
//! A spill that cannot be created or written keeps the runs in memory with one warning: the
//! build is then as it was without a spill, only bigger.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs::File;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::positioned::{read_at, write_all_at};
use crate::diag::Warning;
use crate::error::{Error, Result};
use crate::log::run::Run;
use crate::log::run::detail::{Details, Extent, Featured, Residence};
use crate::log::run::overview::Overview;

/// Chart points kept in memory before runs are spilled: about 600 runs of 6 metrics at the
/// default 1,000 points. Builds of a few hundred runs never touch the disk.
pub const DEFAULT_BUDGET: usize = 64 << 20;

/// How the loader keeps runs' details.
#[derive(Debug, Clone)]
pub struct SpillOptions {
    /// Bytes of chart points kept in memory; runs read after that are spilled. `0` spills every
    /// run (for tests), `usize::MAX` none.
    pub budget: usize,
    /// Folder of the temporary file; `None` is the system's (`TMPDIR`).
    pub dir: Option<PathBuf>,
}

impl Default for SpillOptions {
    fn default() -> Self {
        SpillOptions {
            budget: DEFAULT_BUDGET,
            dir: None,
        }
    }
}

/// The file, once the first run is spilled.
enum State {
    Unopened,
    Open {
        file: File,
        end: u64,
    },
    /// Creating or writing the file failed: every run stays in memory from then on.
    Failed,
}

/// The spill of one load, shared by the reading threads.
pub struct Spill {
    options: SpillOptions,
    resident: AtomicUsize,
    spilled: AtomicUsize,
    state: Mutex<State>,
    /// The file for reading back (positioned reads need no lock); set with `State::Open`.
    reader: std::sync::OnceLock<File>,
    warning: Mutex<Option<Warning>>,
    /// The incremental cache's data file, for runs whose details stayed in it
    /// ([`Residence::Cached`]), with the chart bound their checkpoints finish at.
    cached: std::sync::OnceLock<(File, usize)>,
    /// Runs whose details were read back from the cache (for the build report: an unchanged
    /// run that no rendered page draws is never decoded).
    read_from_cache: AtomicUsize,
}

impl std::fmt::Debug for Spill {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spill")
            .field("budget", &self.options.budget)
            .field("spilled", &self.spilled_runs())
            .finish()
    }
}

impl Spill {
    pub fn new(options: SpillOptions) -> Spill {
        Spill {
            options,
            resident: AtomicUsize::new(0),
            spilled: AtomicUsize::new(0),
            state: Mutex::new(State::Unopened),
            reader: std::sync::OnceLock::new(),
            warning: Mutex::new(None),
            cached: std::sync::OnceLock::new(),
            read_from_cache: AtomicUsize::new(0),
        }
    }

    /// Where runs of [`Residence::Cached`] find their details: the cache's data file (a handle
    /// of its own, so the file stays readable whatever the cache does with its name), read at
    /// `chart_points`.
    pub fn set_cache_file(&self, file: File, chart_points: usize) {
        let _ = self.cached.set((file, chart_points));
    }

    /// Runs whose details were read back from the incremental cache.
    pub fn read_from_cache(&self) -> usize {
        self.read_from_cache.load(Ordering::Relaxed)
    }

    /// A spill that never spills (every run stays in memory).
    pub fn none() -> Spill {
        Spill::new(SpillOptions {
            budget: usize::MAX,
            dir: None,
        })
    }

    /// Runs whose details were moved to the file.
    pub fn spilled_runs(&self) -> usize {
        self.spilled.load(Ordering::Relaxed)
    }

    /// The warning of a spill that could not be used, once.
    pub fn take_warning(&self) -> Option<Warning> {
        self.warning.lock().ok()?.take()
    }

    /// Takes in a run just read: it keeps its details while they fit the budget, else they are
    /// written to the file and the run keeps only its summaries and trends.
    pub fn admit(&self, run: &mut Run) {
        if run.is_spilled() {
            // Its details are already out of memory (left in the cache).
            return;
        }
        let size = details_bytes(run);
        if size == 0 {
            return;
        }
        let before = self.resident.fetch_add(size, Ordering::Relaxed);
        if before.saturating_add(size) <= self.options.budget {
            return;
        }
        self.resident.fetch_sub(size, Ordering::Relaxed);
        let overview = Overview::worth_keeping(run).map(|overview| overview.encode());
        let details = run.take_details();
        let bytes = details.encode();
        match self.append(&bytes) {
            Some(offset) => {
                let overview = overview.and_then(|overview| {
                    self.append(&overview).map(|at| Extent {
                        at,
                        length: overview.len() as u64,
                        hash: 0,
                    })
                });
                run.residence = Residence::Spilled {
                    offset,
                    length: bytes.len() as u64,
                    overview,
                };
                self.spilled.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                // Kept in memory after all: the points go back as they were.
                run.put_details(details);
            }
        }
    }

    /// Writes `bytes` at the end of the file (created on first use); `None` when the spill
    /// cannot be used, with its warning noted.
    fn append(&self, bytes: &[u8]) -> Option<u64> {
        let mut state = self.state.lock().ok()?;
        if matches!(*state, State::Unopened) {
            *state = match self.create() {
                Ok(file) => match file.try_clone() {
                    Ok(reader) => {
                        let _ = self.reader.set(reader);
                        State::Open { file, end: 0 }
                    }
                    Err(e) => self.fail(e),
                },
                Err(e) => self.fail(e),
            };
        }
        let State::Open { file, end } = &mut *state else {
            return None;
        };
        let offset = *end;
        match write_all_at(file, bytes, offset) {
            Ok(()) => {
                *end += bytes.len() as u64;
                Some(offset)
            }
            Err(e) => {
                *state = self.fail(e);
                None
            }
        }
    }

    fn create(&self) -> std::io::Result<File> {
        match &self.options.dir {
            Some(dir) => tempfile::tempfile_in(dir),
            None => tempfile::tempfile(),
        }
    }

    fn fail(&self, error: std::io::Error) -> State {
        let dir = self.options.dir.clone().unwrap_or_else(std::env::temp_dir);
        let message = format!(
            "cannot use a temporary file here for runs' chart points ({error}); they stay in memory"
        );
        if let Ok(mut warning) = self.warning.lock() {
            warning.get_or_insert(Warning::at_file(&dir.display().to_string(), message));
        }
        State::Failed
    }

    /// `runs` (a project's) for a view that draws the runs `indices`: those out of memory are
    /// read back with their details.
    pub fn featured<'a>(
        &self,
        runs: &'a [Run],
        indices: impl IntoIterator<Item = usize>,
    ) -> Result<Featured<'a>> {
        // In parallel: a project page's featured runs are read back while the other thread
        // has nothing else to do on a rebuild.
        let spilled: Vec<usize> = indices
            .into_iter()
            .filter(|&i| runs[i].is_spilled())
            .collect();
        let read_back = spilled
            .into_par_iter()
            .map(|i| Ok((i, self.details(&runs[i])?)))
            .collect::<Result<BTreeMap<_, _>>>()?;
        Ok(Featured::new(runs, read_back))
    }

    /// The overviews of the runs `indices` of `runs` (a project's), by index: read from where
    /// each run's points went, or made from its points when they are in memory or the stored
    /// overview does not check out.
    pub fn overviews(
        &self,
        runs: &[Run],
        indices: impl IntoIterator<Item = usize>,
    ) -> Result<BTreeMap<usize, Overview>> {
        let indices: Vec<usize> = indices.into_iter().collect();
        indices
            .into_par_iter()
            .map(|i| Ok((i, self.overview(&runs[i])?)))
            .collect()
    }

    fn overview(&self, run: &Run) -> Result<Overview> {
        let stored = match run.residence {
            Residence::Memory => return Ok(Overview::of(run)),
            Residence::Spilled {
                overview: Some(extent),
                ..
            } => self
                .reader
                .get()
                .and_then(|file| read_at(file, extent.at, extent.length).ok()),
            Residence::Cached {
                overview: Some(extent),
                ..
            } => self.cached.get().and_then(|(file, _)| {
                let stored = super::cache_store::Stored {
                    at: extent.at,
                    length: extent.length,
                    hash: extent.hash,
                };
                stored.read(file)
            }),
            Residence::Spilled { overview: None, .. }
            | Residence::Cached { overview: None, .. } => None,
        };
        match stored.and_then(|bytes| Overview::decode(&bytes, run.series.len())) {
            Some(overview) => Ok(overview),
            None => Ok(Overview::of(self.details(run)?.as_ref())),
        }
    }

    /// The run with its details: itself when they are in memory, else a copy with them read
    /// back from the file.
    pub fn details<'a>(&self, run: &'a Run) -> Result<Cow<'a, Run>> {
        let (offset, length) = match run.residence {
            Residence::Memory => return Ok(Cow::Borrowed(run)),
            Residence::Spilled { offset, length, .. } => (offset, length),
            Residence::Cached {
                at, length, hash, ..
            } => {
                self.read_from_cache.fetch_add(1, Ordering::Relaxed);
                let (file, chart_points) = self.cached.get().ok_or_else(|| {
                    Error::read(
                        run.path_on_disk.clone(),
                        std::io::Error::other("the incremental cache's data file is not open"),
                    )
                })?;
                let at = super::cache_store::Stored { at, length, hash };
                return super::cache_finished::details_of(file, at, run, *chart_points)
                    .map(Cow::Owned);
            }
        };
        let broken = |message: String| {
            Error::read(
                self.options.dir.clone().unwrap_or_else(std::env::temp_dir),
                std::io::Error::other(format!(
                    "the chart points of run '{}' ({message})",
                    run.source
                )),
            )
        };
        let file = self
            .reader
            .get()
            .ok_or_else(|| broken("spill file missing".to_owned()))?;
        let bytes = read_at(file, offset, length).map_err(|e| broken(e.to_string()))?;
        Details::decode(&bytes)
            .and_then(|details| run.with_details(details))
            .map(Cow::Owned)
            .ok_or_else(|| broken("spill file damaged".to_owned()))
    }
}

/// Bytes of a run's chart points in memory.
fn details_bytes(run: &Run) -> usize {
    let points = run.series.values().map(|s| s.points.len()).sum::<usize>()
        + run.wall_time.as_ref().map_or(0, |s| s.points.len())
        + run.epoch.as_ref().map_or(0, |s| s.points.len());
    points * std::mem::size_of::<crate::log::run::Point>()
}
