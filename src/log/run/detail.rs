//! A run's details: the chart points of its metric series, its wall time and its epoch counter.
//! They are most of a run's memory (up to `chart_points` points of 16 bytes per series) and only
//! the pages that draw the run need them: its own page, and the project page's featured runs
//! (overlays, the seed-group chart, the compare curves). The loader may move them out of memory
//! (`log::spill`) once a run is read; everything else a build shows of every run is kept here
//! small: the series' summaries, a fixed-size [`trend`] per series, and the epoch counter's
//! change points, which answer every epoch lookup exactly.
//!
//! What is moved out and read back is exactly [`Details`], so a page drawn from a run read back
//! is the page drawn from the run as it was read.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{Point, Run};

/// Values in a series' trend: the width of the summary tables' Unicode sparklines.
pub const TREND_WIDTH: usize = 12;

/// A series' trend: its values cut into at most [`TREND_WIDTH`] equal buckets by position, each
/// the mean of its finite values (`NaN` for a bucket with none). A sparkline of at most that
/// width drawn from the trend is the one drawn from every value, so the summary tables need no
/// run's points.
pub fn trend(values: &[f64]) -> Vec<f64> {
    let width = values.len().min(TREND_WIDTH);
    (0..width)
        .map(|b| {
            let start = b * values.len() / width;
            let end = ((b + 1) * values.len() / width).max(start + 1);
            let finite: Vec<f64> = values[start..end]
                .iter()
                .copied()
                .filter(|v| v.is_finite())
                .collect();
            if finite.is_empty() {
                f64::NAN
            } else {
                finite.iter().sum::<f64>() / finite.len() as f64
            }
        })
        .collect()
}

/// Where a run's details are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Residence {
    /// In the run's series, as read.
    #[default]
    Memory,
    /// Moved out to `length` bytes at `offset` of the loader's spill file. The run's series then
    /// hold no points, and its epoch series only the points where the epoch changed. Its
    /// overview (`log::run::overview`) follows at `overview`, when it could be written.
    Spilled {
        offset: u64,
        length: u64,
        overview: Option<Extent>,
    },
    /// Left in the incremental cache's data file (`length` bytes at `at`, of xxh3-64 `hash`, in
    /// [`Details::encode`]'s encoding): an unchanged log's points are not read unless a page
    /// draws its run. Held like [`Residence::Spilled`]; its overview is at `overview`.
    Cached {
        at: u64,
        length: u64,
        hash: u64,
        overview: Option<Extent>,
    },
}

/// Bytes of a file: `length` at `at`, of xxh3-64 `hash` (in the cache's data file; the spill,
/// a file of this build's own, records 0 and is not checked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Extent {
    pub at: u64,
    pub length: u64,
    pub hash: u64,
}

/// A run's chart points, taken out of it: per series in name order, then wall time and epoch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Details {
    pub series: Vec<Vec<Point>>,
    pub wall_time: Option<Vec<Point>>,
    pub epoch: Option<Vec<Point>>,
}

impl Details {
    /// Bytes the points take in memory (and, give or take a few counts, in a spill file).
    pub fn bytes(&self) -> usize {
        let points = self.series.iter().map(Vec::len).sum::<usize>()
            + self.wall_time.as_ref().map_or(0, Vec::len)
            + self.epoch.as_ref().map_or(0, Vec::len);
        points * std::mem::size_of::<Point>()
    }

    /// The points as bytes: a count (u64, little-endian) then 16 bytes a point (step, then the
    /// value's bits), per list; an absent wall time or epoch is the count `u64::MAX`.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes() + 8 * (self.series.len() + 3));
        out.extend_from_slice(&(self.series.len() as u64).to_le_bytes());
        for points in &self.series {
            encode_points(&mut out, Some(points));
        }
        encode_points(&mut out, self.wall_time.as_deref());
        encode_points(&mut out, self.epoch.as_deref());
        out
    }

    /// [`Details::encode`] read back; `None` when the bytes are not such an encoding.
    pub fn decode(bytes: &[u8]) -> Option<Details> {
        let mut rest = bytes;
        let count = take_u64(&mut rest)?;
        let mut series = Vec::with_capacity(usize::try_from(count).ok()?.min(1 << 16));
        for _ in 0..count {
            series.push(decode_points(&mut rest)?.unwrap_or_default());
        }
        let wall_time = decode_points(&mut rest)?;
        let epoch = decode_points(&mut rest)?;
        rest.is_empty().then_some(Details {
            series,
            wall_time,
            epoch,
        })
    }
}

pub(super) fn encode_points(out: &mut Vec<u8>, points: Option<&[Point]>) {
    let Some(points) = points else {
        out.extend_from_slice(&u64::MAX.to_le_bytes());
        return;
    };
    out.extend_from_slice(&(points.len() as u64).to_le_bytes());
    for point in points {
        out.extend_from_slice(&point.step.to_le_bytes());
        out.extend_from_slice(&point.value.to_bits().to_le_bytes());
    }
}

pub(super) fn take_u64(rest: &mut &[u8]) -> Option<u64> {
    let (head, tail) = rest.split_first_chunk::<8>()?;
    *rest = tail;
    Some(u64::from_le_bytes(*head))
}

pub(super) fn decode_points(rest: &mut &[u8]) -> Option<Option<Vec<Point>>> {
    let count = take_u64(rest)?;
    if count == u64::MAX {
        return Some(None);
    }
    let count = usize::try_from(count).ok()?;
    if rest.len() / 16 < count {
        return None;
    }
    let (body, tail) = rest.split_at(count * 16);
    *rest = tail;
    // Whole 16-byte chunks: a page drawing 300 runs read back decodes 2 million points.
    let points = body
        .chunks_exact(16)
        .map(|chunk| {
            let (step, value) = chunk.split_at(8);
            Point {
                step: i64::from_le_bytes(step.try_into().unwrap_or_default()),
                value: f64::from_bits(u64::from_le_bytes(value.try_into().unwrap_or_default())),
            }
        })
        .collect();
    Some(Some(points))
}

/// The points where an epoch counter changes value (the first point of each stretch of equal
/// values). The last change at or before a step has the value of the last point at or before
/// it, and the same values occur, so every lookup of `model::progress` gives the same answer.
pub fn epoch_changes(points: &[Point]) -> Vec<Point> {
    let mut changes: Vec<Point> = Vec::new();
    for point in points {
        if changes
            .last()
            .is_none_or(|last| last.value.to_bits() != point.value.to_bits())
        {
            changes.push(*point);
        }
    }
    changes
}

impl Run {
    /// True when the run's details were moved out of memory: its series hold no points.
    pub fn is_spilled(&self) -> bool {
        !matches!(self.residence, Residence::Memory)
    }

    /// Takes the run's details out of it, leaving its series without points (and the epoch
    /// with its change points only, see [`epoch_changes`]).
    pub fn take_details(&mut self) -> Details {
        Details {
            series: self
                .series
                .values_mut()
                .map(|s| std::mem::take(&mut s.points))
                .collect(),
            wall_time: self
                .wall_time
                .as_mut()
                .map(|s| std::mem::take(&mut s.points)),
            epoch: self.epoch.as_mut().map(|s| {
                let changes = epoch_changes(&s.points);
                std::mem::replace(&mut s.points, changes)
            }),
        }
    }

    /// A copy of the run with `details` put back: the run as it was read. `None` when the
    /// details do not fit the run (another run's, or damaged).
    pub fn with_details(&self, details: Details) -> Option<Run> {
        let mut run = self.clone();
        run.put_details(details).then_some(run)
    }

    /// Puts `details` back into the run (undoing [`Run::take_details`]); false, leaving the run
    /// as it is, when they do not fit it.
    pub fn put_details(&mut self, details: Details) -> bool {
        let fits = details.series.len() == self.series.len()
            && details.wall_time.is_some() == self.wall_time.is_some()
            && details.epoch.is_some() == self.epoch.is_some();
        if !fits {
            return false;
        }
        for (series, points) in self.series.values_mut().zip(details.series) {
            series.points = points;
        }
        if let (Some(series), Some(points)) = (&mut self.wall_time, details.wall_time) {
            series.points = points;
        }
        if let (Some(series), Some(points)) = (&mut self.epoch, details.epoch) {
            series.points = points;
        }
        self.residence = Residence::Memory;
        true
    }

    /// The run's details encoded as [`Details::encode`] encodes them, from the run as read
    /// (without taking them out of it).
    pub fn encode_details(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&(self.series.len() as u64).to_le_bytes());
        for series in self.series.values() {
            encode_points(&mut out, Some(&series.points));
        }
        encode_points(
            &mut out,
            self.wall_time.as_ref().map(|s| s.points.as_slice()),
        );
        encode_points(&mut out, self.epoch.as_ref().map(|s| s.points.as_slice()));
        out
    }

    /// A digest (xxh3-128) of the run's chart points, for the pages' digests: taken when the
    /// run is read, so a run's digest is the same whether its points are in memory or not.
    pub fn points_digest(&self) -> u128 {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        let mut buffer = Vec::new();
        let all = self
            .series
            .values()
            .map(|s| Some(s.points.as_slice()))
            .chain([
                self.wall_time.as_ref().map(|s| s.points.as_slice()),
                self.epoch.as_ref().map(|s| s.points.as_slice()),
            ]);
        for points in all {
            buffer.clear();
            encode_points(&mut buffer, points);
            hasher.update(&buffer);
        }
        hasher.digest128()
    }
}

/// Some runs of a project with their details in memory, for a view that draws them (a project
/// page's featured runs, the index's best runs): the others are read from the project as they
/// are, and must not be drawn.
pub struct Featured<'a> {
    runs: &'a [Run],
    read_back: BTreeMap<usize, Cow<'a, Run>>,
}

impl<'a> Featured<'a> {
    /// The runs as they are (every run's details in memory).
    pub fn resident(runs: &'a [Run]) -> Self {
        Featured {
            runs,
            read_back: BTreeMap::new(),
        }
    }

    /// `runs`, with the runs of `read_back` (by index) replaced by their copies with details.
    pub fn new(runs: &'a [Run], read_back: BTreeMap<usize, Cow<'a, Run>>) -> Self {
        Featured { runs, read_back }
    }

    /// Run `index` with its details. A spilled run that was not read back would draw as empty:
    /// that is a bug of the caller's featured set, caught by the spill's byte-identity tests.
    pub fn run(&self, index: usize) -> &Run {
        let run = match self.read_back.get(&index) {
            Some(run) => run.as_ref(),
            None => &self.runs[index],
        };
        debug_assert!(!run.is_spilled(), "run {index} drawn without its details");
        run
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trend_draws_the_sparkline_of_every_value() {
        let values: Vec<f64> = (0..100)
            .map(|i| if i == 50 { f64::NAN } else { i as f64 })
            .collect();
        let trend = trend(&values);
        assert_eq!(trend.len(), TREND_WIDTH);
        // Bucket 0 holds values 0..8 (100 * 1 / 12 = 8): their mean.
        assert_eq!(trend[0], 3.5);
        let short = [1.0, f64::NAN, 3.0];
        let t = super::trend(&short);
        assert_eq!(t[0], 1.0);
        assert!(t[1].is_nan());
        assert_eq!(t[2], 3.0);
        assert!(super::trend(&[]).is_empty());
    }

    #[test]
    fn details_encode_and_decode_exactly() {
        let p = |step, value| Point { step, value };
        let details = Details {
            series: vec![vec![p(0, 1.5), p(-3, f64::NAN)], vec![]],
            wall_time: None,
            epoch: Some(vec![p(1, -0.0), p(2, f64::INFINITY)]),
        };
        let bytes = details.encode();
        let back = Details::decode(&bytes).unwrap();
        assert_eq!(back.encode(), bytes);
        assert_eq!(back.series[0][0], p(0, 1.5));
        assert!(back.series[0][1].value.is_nan());
        assert_eq!(
            back.epoch.as_ref().unwrap()[0].value.to_bits(),
            (-0.0f64).to_bits()
        );
        assert!(Details::decode(&bytes[..bytes.len() - 1]).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(Details::decode(&longer).is_none());
    }

    #[test]
    fn epoch_changes_keep_the_first_point_of_each_value() {
        let p = |step, value| Point { step, value };
        let points = [p(0, 0.0), p(1, 0.0), p(2, 1.0), p(3, 1.0), p(4, 0.0)];
        assert_eq!(epoch_changes(&points), [p(0, 0.0), p(2, 1.0), p(4, 0.0)]);
    }
}
