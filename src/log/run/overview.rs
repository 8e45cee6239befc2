//! A run's overview: each of its metric series reduced to [`OVERVIEW_POINTS`] points, for the
//! views that draw hundreds of runs small (the project page's compare view draws the best 300).
//! It is computed from the run's points when they leave memory (the spill, the incremental
//! cache) and kept beside them, so that such a view reads a few kilobytes a run instead of every
//! run's points: on a rebuild after one run of 1,000 grew, reading back 300 runs' points was a
//! tenth of the build. An overview is exactly `downsample(points, OVERVIEW_POINTS)` of the
//! points it was made from, so a view drawn from it is the view drawn from the points. A run
//! whose series all fit in [`OVERVIEW_POINTS`] keeps none (it would repeat every point): its
//! points are read instead.

use std::collections::BTreeMap;

use super::Run;
use super::detail::{decode_points, encode_points, take_u64};
use super::downsample::downsample;
use super::{Point, Series};

/// Points per series of an overview (the compare view's curves).
pub const OVERVIEW_POINTS: usize = 120;

/// Per metric series of a run, in name order, its points reduced to [`OVERVIEW_POINTS`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Overview {
    pub series: Vec<Vec<Point>>,
}

impl Overview {
    /// The overview of `run`, whose points are in memory.
    pub fn of(run: &Run) -> Overview {
        Overview {
            series: run.series.values().map(overview_points).collect(),
        }
    }

    /// The overview of `run` when it is worth keeping apart from the run's points: `None` when
    /// every series already fits in [`OVERVIEW_POINTS`] (the overview would repeat the points;
    /// a view reads them instead).
    pub fn worth_keeping(run: &Run) -> Option<Overview> {
        run.series
            .values()
            .any(|s| s.points.len() > OVERVIEW_POINTS)
            .then(|| Overview::of(run))
    }

    /// A count (u64, little-endian) then each series as [`super::detail::Details::encode`]
    /// writes one.
    pub fn encode(&self) -> Vec<u8> {
        let points: usize = self.series.iter().map(Vec::len).sum();
        let mut out = Vec::with_capacity(8 + 8 * self.series.len() + 16 * points);
        out.extend_from_slice(&(self.series.len() as u64).to_le_bytes());
        for points in &self.series {
            encode_points(&mut out, Some(points));
        }
        out
    }

    /// [`Overview::encode`] read back, when it is the overview of a run with `series` metric
    /// series; `None` for bytes that are not (the caller draws from the run's points instead).
    pub fn decode(bytes: &[u8], series: usize) -> Option<Overview> {
        let mut rest = bytes;
        let count = usize::try_from(take_u64(&mut rest)?).ok()?;
        if count != series {
            return None;
        }
        let mut lists = Vec::with_capacity(count.min(1 << 16));
        for _ in 0..count {
            lists.push(decode_points(&mut rest)??);
        }
        rest.is_empty().then_some(Overview { series: lists })
    }

    /// The overview's points by series name, of `run` (the run it was made from).
    pub fn by_name<'a>(&'a self, run: &'a Run) -> BTreeMap<&'a str, &'a [Point]> {
        run.series
            .keys()
            .map(String::as_str)
            .zip(self.series.iter().map(Vec::as_slice))
            .collect()
    }
}

/// A series' points reduced to [`OVERVIEW_POINTS`].
fn overview_points(series: &Series) -> Vec<Point> {
    downsample(&series.points, OVERVIEW_POINTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overview_is_the_downsampled_points_and_decodes_exactly() {
        let mut log = String::from("{\"type\":\"header\",\"run\":\"a\"}\n");
        for i in 0..1000 {
            let loss = if i == 500 {
                "NaN".to_owned()
            } else {
                format!("{}", (f64::from(i)).sin())
            };
            let acc = if i == 0 { ",\"acc\":0.5" } else { "" };
            log.push_str(&format!(
                "{{\"type\":\"metrics\",\"step\":{i},\"metrics\":{{\"loss\":{loss}{acc}}}}}\n"
            ));
        }
        let file = crate::log::LogFile {
            path: "/logs/p/a.jsonl".into(),
            relative: "p/a.jsonl".to_owned(),
            folder: Some("p".to_owned()),
            gzip: false,
            suffix: ".jsonl",
        };
        let run = crate::log::read_log(log.as_bytes(), &file, 1000)
            .runs
            .remove(0);
        let points = run.series["loss"].points.clone();
        assert_eq!(points.len(), 1000);
        let overview = Overview::of(&run);
        assert_eq!(overview.series.len(), 2);
        let by_name = overview.by_name(&run);
        let loss = by_name["loss"];
        let expected = downsample(&points, OVERVIEW_POINTS);
        assert!(loss.len() <= OVERVIEW_POINTS && loss.len() > 100);
        assert!(
            loss.iter()
                .zip(&expected)
                .all(|(a, b)| a.step == b.step && a.value.to_bits() == b.value.to_bits())
        );
        assert_eq!(by_name["acc"].len(), 1);
        assert_eq!(by_name.get("lr"), None);
        let bytes = overview.encode();
        let back = Overview::decode(&bytes, 2).unwrap();
        assert_eq!(back.encode(), bytes);
        assert_eq!(Overview::decode(&bytes, 3), None, "another run's shape");
        assert_eq!(Overview::decode(&bytes[..bytes.len() - 1], 2), None);
        assert!(Overview::worth_keeping(&run).is_some());
        let mut short = run.clone();
        short
            .series
            .get_mut("loss")
            .unwrap()
            .points
            .truncate(OVERVIEW_POINTS);
        assert_eq!(
            Overview::worth_keeping(&short),
            None,
            "it would repeat the points"
        );
    }
}
