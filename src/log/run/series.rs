//! Builds one metric series while its log is read, in memory bounded by the chart budget.
//!
//! Points arrive one at a time. They are gathered into a chunk; a full chunk is sorted by step,
//! repeated steps are resolved (the later line wins), the summary statistics are updated exactly,
//! and the chunk is folded into the kept points, which are downsampled whenever they grow past
//! twice the bound. So memory per series is one chunk plus the kept points, whatever the number
//! of steps, while the summary sees every point.
//!
//! A resumed run rewinds: its steps go back, and the later value of each step must win. Within a
//! chunk that is exact. A rewind past the chunk would leave the overwritten values in the
//! summary, so a builder notes when a chunk reaches back into steps already folded
//! ([`SeriesBuilder::overlapped`]); the log is then read again with exact builders
//! ([`SeriesBuilder::new_exact`]), which hold every point until the end (memory in proportion to
//! the log, only for logs that rewind that far).

use super::downsample::downsample;
use super::{Point, Series, SeriesSummary};

/// Points gathered before a chunk is folded. Repeated steps are resolved exactly within this
/// window, which covers every realistic restart (see docs/robustness.md).
const CHUNK: usize = 4096;

/// Accumulates one series. Call [`SeriesBuilder::push`] per point and [`SeriesBuilder::finish`]
/// at the end of the log.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SeriesBuilder {
    chunk: Vec<Point>,
    kept: Vec<Point>,
    bound: usize,
    summary: SeriesSummary,
    /// True once a folded chunk overlapped earlier steps, so kept points need sorting.
    kept_unsorted: bool,
    repeated_steps: u64,
    /// Holds every point until the end, so that a rewind of any length resolves exactly.
    exact: bool,
    /// The largest step folded so far.
    max_folded: Option<i64>,
    /// A chunk reached back to a step at or before one already folded: a value there may have
    /// been overwritten after it was summarized.
    overlapped: bool,
}

impl SeriesBuilder {
    pub fn new(bound: usize) -> Self {
        SeriesBuilder {
            chunk: Vec::new(),
            kept: Vec::new(),
            bound,
            summary: SeriesSummary::default(),
            kept_unsorted: false,
            repeated_steps: 0,
            exact: false,
            max_folded: None,
            overlapped: false,
        }
    }

    /// A builder that resolves repeated steps exactly however far apart they are, holding every
    /// point (16 bytes each) until [`SeriesBuilder::finish`].
    pub fn new_exact(bound: usize) -> Self {
        SeriesBuilder {
            exact: true,
            ..SeriesBuilder::new(bound)
        }
    }

    pub fn push(&mut self, step: i64, value: f64) {
        self.chunk.push(Point { step, value });
        if self.chunk.len() >= CHUNK && !self.exact {
            self.fold_chunk();
        }
    }

    /// True when steps went back past what was resolved exactly, so that the summary may hold
    /// values a later line overwrote: the series must be built again with
    /// [`SeriesBuilder::new_exact`].
    pub fn overlapped(&self) -> bool {
        self.overlapped
    }

    fn fold_chunk(&mut self) {
        if self.chunk.is_empty() {
            return;
        }
        let mut chunk = std::mem::take(&mut self.chunk);
        // Steps nearly always only go forward: then there is nothing to sort or resolve (and
        // the sort would allocate its scratch buffer for every chunk).
        let forward = chunk.is_sorted_by(|earlier, later| earlier.step < later.step);
        if !forward {
            // Stable sort: among equal steps the later line stays last, and wins below.
            chunk.sort_by_key(|p| p.step);
            let before = chunk.len();
            chunk.dedup_by(|later, earlier| {
                if later.step == earlier.step {
                    *earlier = *later;
                    true
                } else {
                    false
                }
            });
            self.repeated_steps += (before - chunk.len()) as u64;
        }

        if let (Some(last_kept), Some(first_new)) = (self.kept.last(), chunk.first()) {
            if first_new.step <= last_kept.step {
                self.kept_unsorted = true;
            }
        }
        if let (Some(max), Some(first), Some(last)) = (self.max_folded, chunk.first(), chunk.last())
        {
            self.overlapped |= first.step <= max;
            self.max_folded = Some(max.max(last.step));
        } else {
            self.max_folded = chunk.last().map(|p| p.step);
        }
        let after_last = (self.summary.last)
            .is_none_or(|last| chunk.first().is_some_and(|p| p.step >= last.step));
        if forward && after_last {
            self.summary.observe_forward(&chunk);
        } else {
            for point in &chunk {
                self.summary.observe(*point);
            }
        }
        self.kept.extend_from_slice(&chunk);
        if self.kept.len() > 2 * self.bound {
            self.sort_kept();
            self.kept = downsample(&self.kept, self.bound);
        }
        // Reuse the allocation for the next chunk; `finish` drops it with the builder.
        chunk.clear();
        self.chunk = chunk;
    }

    fn sort_kept(&mut self) {
        if self.kept_unsorted {
            self.kept.sort_by_key(|p| p.step);
            self.kept_unsorted = false;
        }
    }

    /// Folds what is left and returns the finished series and how many points repeated an
    /// earlier step (the earlier value was dropped).
    pub fn finish(mut self) -> (Series, u64) {
        self.fold_chunk();
        self.sort_kept();
        let points = downsample(&self.kept, self.bound);
        let values: Vec<f64> = points.iter().map(|p| p.value).collect();
        let series = Series {
            trend: super::detail::trend(&values),
            points,
            summary: self.summary,
        };
        (series, self.repeated_steps)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_out_of_order_steps_and_keeps_the_last_repeat() {
        let mut b = SeriesBuilder::new(1000);
        for (step, value) in [(2, 2.0), (0, 0.0), (1, 1.0), (1, 10.0)] {
            b.push(step, value);
        }
        let (s, repeated) = b.finish();
        assert_eq!(repeated, 1);
        let steps: Vec<_> = s.points.iter().map(|p| (p.step, p.value)).collect();
        assert_eq!(steps, [(0, 0.0), (1, 10.0), (2, 2.0)]);
        assert_eq!(s.summary.count, 3);
        assert_eq!(s.summary.max.unwrap().value, 10.0);
    }

    /// Regression (issue 12, class 5): a run resumed 5,000 steps back kept the old best, since
    /// the overwritten values had been summarized in an earlier chunk.
    #[test]
    fn a_long_rewind_is_noticed_and_resolved_exactly() {
        let push_all = |builder: &mut SeriesBuilder| {
            // The first attempt reaches 0.01 at step 9,999; resumed from step 5,000, the second
            // attempt never gets below 0.5.
            for step in 0..10_000i64 {
                let value = if step < 5_000 { 1.0 } else { 0.01 };
                builder.push(step, value);
            }
            for step in 5_000..10_000i64 {
                builder.push(step, 0.5);
            }
        };
        let mut streaming = SeriesBuilder::new(100);
        push_all(&mut streaming);
        assert!(streaming.overlapped(), "the rewind past a chunk is noticed");
        let mut exact = SeriesBuilder::new_exact(100);
        push_all(&mut exact);
        assert!(!exact.overlapped());
        let (series, repeated) = exact.finish();
        assert_eq!(repeated, 5_000);
        assert_eq!(series.summary.count, 10_000);
        assert_eq!(series.summary.min.unwrap().value, 0.5);
        assert_eq!(series.summary.last.unwrap().value, 0.5);
        assert!(series.points.iter().all(|p| p.value != 0.01));
        // Steps that only go forward are never flagged.
        let mut forward = SeriesBuilder::new(100);
        for step in 0..20_000i64 {
            forward.push(step, 1.0);
        }
        assert!(!forward.overlapped());
    }

    #[test]
    fn summary_sees_every_point_of_a_long_series() {
        let mut b = SeriesBuilder::new(100);
        for step in 0..100_000i64 {
            let value = if step == 54_321 {
                -5.0
            } else {
                (step % 10) as f64
            };
            b.push(step, value);
        }
        let (s, _) = b.finish();
        assert!(s.points.len() <= 100);
        assert_eq!(s.summary.count, 100_000);
        assert_eq!(s.summary.min.unwrap().step, 54_321);
        assert!(s.points.iter().any(|p| p.step == 54_321));
        assert_eq!(s.summary.last.unwrap().step, 99_999);
    }

    #[test]
    fn counts_nonfinite_points_and_the_trailing_streak() {
        let mut b = SeriesBuilder::new(100);
        for (step, value) in [
            (0, 1.0),
            (1, f64::NAN),
            (2, 0.5),
            (3, f64::INFINITY),
            (4, f64::NAN),
        ] {
            b.push(step, value);
        }
        let (s, _) = b.finish();
        assert_eq!(s.summary.nonfinite, 3);
        assert_eq!(s.summary.first_nonfinite.unwrap().step, 1);
        assert_eq!(s.summary.nonfinite_since.unwrap().step, 3);
        assert_eq!(s.summary.last_finite.unwrap().step, 2);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::log::run::Point;
    use proptest::prelude::*;

    /// Values as series hold them: ordinary ones, repeats, and every non-finite kind.
    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            6 => -1e3f64..1e3,
            2 => (0i32..4).prop_map(f64::from),
            1 => Just(-0.0),
            2 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
            1 => Just(f64::NEG_INFINITY),
        ]
    }

    proptest! {
        /// Summaries are exact whatever the chunking: best lies between min and max, counts add up.
        #[test]
        fn summary_matches_a_direct_computation(values in proptest::collection::vec(prop_oneof![9 => -1e3f64..1e3, 1 => Just(f64::NAN)], 1..10_000)) {
            let mut builder = SeriesBuilder::new(50);
            for (i, v) in values.iter().enumerate() {
                builder.push(i as i64, *v);
            }
            let (series, repeated) = builder.finish();
            let s = series.summary;
            prop_assert_eq!(repeated, 0);
            prop_assert_eq!(s.count, values.len() as u64);
            prop_assert_eq!(s.nonfinite, values.iter().filter(|v| !v.is_finite()).count() as u64);
            let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
            if let (Some(min), Some(max)) = (s.min, s.max) {
                prop_assert_eq!(min.value, finite.iter().copied().fold(f64::INFINITY, f64::min));
                prop_assert_eq!(max.value, finite.iter().copied().fold(f64::NEG_INFINITY, f64::max));
                for d in [super::super::Direction::Up, super::super::Direction::Down] {
                    let best = s.best(d).unwrap().value;
                    prop_assert!(min.value <= best && best <= max.value);
                }
            } else {
                prop_assert!(finite.is_empty());
            }
            prop_assert!(series.points.len() <= 50);
            prop_assert_eq!(s.last.unwrap().step, values.len() as i64 - 1);
        }

        /// A chunk that goes forward from the last step seen is summarized in one pass exactly
        /// as point by point, whatever came before (gaps, extremes, streaks of NaN).
        #[test]
        fn observe_forward_is_observe_of_each_point(
            before in proptest::collection::vec((-50i64..50, value()), 0..40),
            gaps in proptest::collection::vec((1i64..4, value()), 1..200),
            from_last in 0i64..3,
        ) {
            let mut summary = SeriesSummary::default();
            for &(step, value) in &before {
                summary.observe(Point { step, value });
            }
            let mut step = summary.last.map_or(-10, |l| l.step + from_last);
            let mut chunk = Vec::new();
            for (i, &(gap, value)) in gaps.iter().enumerate() {
                if i > 0 {
                    step += gap;
                }
                chunk.push(Point { step, value });
            }
            let mut expected = summary.clone();
            for &p in &chunk {
                expected.observe(p);
            }
            summary.observe_forward(&chunk);
            // Debug prints NaN as NaN, where `==` would call two NaN points different.
            prop_assert_eq!(format!("{summary:?}"), format!("{expected:?}"));
        }

        /// A resumed run writes steps out of order and again: the later value of a step wins,
        /// kept and repeated points add up to what was written, the summary is that of the
        /// winning values, and every downsampling keeps the global extremes.
        #[test]
        fn restarts_keep_the_later_value_and_counts_add_up(
            pushes in proptest::collection::vec(
                (-60i64..60, prop_oneof![
                    6 => -1e300f64..1e300,
                    1 => Just(f64::NAN),
                    1 => Just(f64::INFINITY),
                    1 => Just(f64::NEG_INFINITY),
                    1 => Just(-0.0),
                    1 => Just(f64::MAX),
                    1 => Just(f64::MIN_POSITIVE / 4.0),
                ]),
                1..3000,
            ),
            bound in 4usize..64,
        ) {
            let mut builder = SeriesBuilder::new(bound);
            let mut winning = std::collections::BTreeMap::new();
            for &(step, value) in &pushes {
                builder.push(step, value);
                winning.insert(step, value);
            }
            let (series, repeated) = builder.finish();
            let s = &series.summary;
            prop_assert_eq!(s.count, winning.len() as u64);
            prop_assert_eq!(s.count + repeated, pushes.len() as u64);
            prop_assert_eq!(s.nonfinite, winning.values().filter(|v| !v.is_finite()).count() as u64);
            let (&last_step, &last_value) = winning.iter().next_back().unwrap();
            prop_assert_eq!(s.last.unwrap().step, last_step);
            prop_assert_eq!(s.last.unwrap().value.to_bits(), last_value.to_bits());
            let finite: Vec<f64> = winning.values().copied().filter(|v| v.is_finite()).collect();
            let min = finite.iter().copied().reduce(f64::min);
            let max = finite.iter().copied().reduce(f64::max);
            prop_assert_eq!(s.min.map(|p| p.value), min);
            prop_assert_eq!(s.max.map(|p| p.value), max);
            if let (Some(min), Some(max)) = (min, max) {
                for d in [super::super::Direction::Up, super::super::Direction::Down] {
                    let best = s.best(d).unwrap();
                    prop_assert!(min <= best.value && best.value <= max);
                    prop_assert_eq!(winning[&best.step].to_bits(), best.value.to_bits());
                }
                prop_assert!(series.points.iter().any(|p| p.value == min), "global min kept");
                prop_assert!(series.points.iter().any(|p| p.value == max), "global max kept");
            }
            prop_assert!(series.points.len() <= bound.max(super::super::downsample::MIN_BOUND));
            prop_assert!(series.points.windows(2).all(|w| w[0].step < w[1].step));
            for point in &series.points {
                prop_assert_eq!(winning[&point.step].to_bits(), point.value.to_bits());
            }
            prop_assert_eq!(series.points.first().map(|p| p.step), winning.keys().next().copied());
            prop_assert_eq!(series.points.last().map(|p| p.step), Some(last_step));
        }
    }
}
