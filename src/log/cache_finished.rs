//! What reading a whole log finished into, kept in the incremental cache (see `log::cache`): the
//! result without its run's chart points, decoded for an unchanged log instead of its checkpoint,
//! and the points themselves, read back only for a page that draws the run ([`details_of`]).

use std::fs::File;

use serde::{Deserialize, Serialize};

use super::FileResult;
use super::LogFile;
use super::cache_store::{self, Stored};
use crate::diag::Warning;
use crate::error::{Error, Result};
use crate::log::run::detail::{Extent, Residence, epoch_changes};
use crate::log::run::overview::Overview;
use crate::log::run::{Point, Run, Series};

/// What reading a whole log finished into, without the runs' chart points: decoding it is all
/// an unchanged log costs. Written from borrowed runs ([`FinishedOut`], the same encoding).
#[derive(Deserialize)]
pub struct Finished {
    runs: Vec<FinishedRun>,
    warnings: Vec<Warning>,
}

/// A run without its points (`Series` does not serialize them), with what it keeps whatever
/// becomes of them: per series (in name order, then wall time and epoch) its trend and the
/// points that stay in memory (the epoch's change points; see `model::detail`).
#[derive(Deserialize)]
struct FinishedRun {
    run: Run,
    kept: Vec<(Vec<f64>, Vec<Point>)>,
}

/// [`Finished`], borrowed for writing.
#[derive(Serialize)]
struct FinishedOut<'a> {
    runs: Vec<FinishedRunOut<'a>>,
    warnings: &'a [Warning],
}

#[derive(Serialize)]
struct FinishedRunOut<'a> {
    run: &'a Run,
    kept: Vec<(&'a [f64], Vec<Point>)>,
}

impl Finished {
    fn encode(result: &FileResult) -> Option<Vec<u8>> {
        let runs = result
            .runs
            .iter()
            .map(|run| FinishedRunOut {
                run,
                kept: all_series(run)
                    .map(|(series, epoch)| {
                        let points = if epoch {
                            epoch_changes(&series.points)
                        } else {
                            Vec::new()
                        };
                        (series.trend.as_slice(), points)
                    })
                    .collect(),
            })
            .collect();
        let finished = FinishedOut {
            runs,
            warnings: &result.warnings,
        };
        postcard::to_stdvec(&finished).ok()
    }

    /// The result, its run's details encoded ([`Run::encode_details`]) and their overview;
    /// `None` for a reading of more than one run (not a native log's).
    pub fn encode_all(result: &FileResult) -> Option<cache_store::Finished<Vec<u8>>> {
        if result.runs.len() > 1 {
            return None;
        }
        let run = result.runs.first();
        Some(cache_store::Finished {
            result: Finished::encode(result)?,
            details: run.map(Run::encode_details),
            overview: run
                .and_then(Overview::worth_keeping)
                .map(|overview| overview.encode()),
        })
    }

    /// The result, its run's details and overview left in the data file where `stored` says.
    pub fn decode(bytes: &[u8], stored: cache_store::Finished) -> Option<FileResult> {
        let finished: Finished = postcard::from_bytes(bytes).ok()?;
        let details = stored.details;
        if finished.runs.len() != usize::from(details.is_some()) {
            return None;
        }
        let mut runs = Vec::with_capacity(finished.runs.len());
        for FinishedRun { mut run, kept } in finished.runs {
            let series = run.series.len() + usize::from(run.wall_time.is_some());
            if kept.len() != series + usize::from(run.epoch.is_some()) {
                return None;
            }
            let mut kept = kept.into_iter();
            let all = run
                .series
                .values_mut()
                .chain(run.wall_time.as_mut())
                .chain(run.epoch.as_mut());
            for (series, (trend, points)) in all.zip(&mut kept) {
                series.trend = trend;
                series.points = points;
            }
            let details = details?;
            run.residence = Residence::Cached {
                at: details.at,
                length: details.length,
                hash: details.hash,
                overview: stored.overview.map(|o| Extent {
                    at: o.at,
                    length: o.length,
                    hash: o.hash,
                }),
            };
            runs.push(run);
        }
        Some(FileResult {
            runs,
            warnings: finished.warnings,
            needs_exact: false,
        })
    }
}

/// A run's series in [`FinishedRun::kept`]'s order, each with whether it is the epoch.
fn all_series(run: &Run) -> impl Iterator<Item = (&Series, bool)> {
    run.series
        .values()
        .map(|s| (s, false))
        .chain(run.wall_time.iter().map(|s| (s, false)))
        .chain(run.epoch.iter().map(|s| (s, true)))
}

/// `run` with its details, which stayed in the cache's data file (`data`) at `stored`. Details
/// that do not check out are read again from the log, whose points must then be the ones the
/// run was read with ([`Run::points_digest`]), or the log changed while the site was being
/// built.
pub fn details_of(data: &File, stored: Stored, run: &Run, chart_points: usize) -> Result<Run> {
    let cached = stored
        .read(data)
        .and_then(|bytes| crate::log::run::detail::Details::decode(&bytes))
        .and_then(|details| run.with_details(details));
    if let Some(run) = cached {
        return Ok(run);
    }
    let suffix = super::walk::LOG_SUFFIXES
        .iter()
        .find(|s| run.source.ends_with(*s))
        .copied()
        .unwrap_or("");
    let file = LogFile {
        path: run.path_on_disk.clone(),
        relative: run.source.clone(),
        folder: run.folder.clone(),
        gzip: suffix.ends_with(".gz"),
        suffix,
    };
    super::read_log_file(&file, chart_points)
        .runs
        .into_iter()
        .next()
        .filter(|read| read.points_digest == run.points_digest)
        .and_then(|mut read| run.with_details(read.take_details()))
        .ok_or_else(|| {
            Error::read(
                run.path_on_disk.clone(),
                std::io::Error::other("the log changed while the site was being built"),
            )
        })
}
