//! Reduces a sorted series to at most `bound` points without hiding what matters.
//!
//! The method is min/max per bucket: the series is cut into equal runs of points, and each bucket
//! keeps its smallest and largest finite value (so a one-step spike always survives) and its first
//! non-finite point (so a `NaN` gap is always drawn). The first and last points are always kept.
//! Deterministic: no randomness, no dependence on threads.

use super::Point;

/// The smallest bound honoured: the first and last points, the global minimum and maximum and a
/// gap must all fit.
pub const MIN_BOUND: usize = 5;

/// Reduces `points` (sorted by step) to at most `bound` points (at least [`MIN_BOUND`]), keeping
/// order, the first and last points, the global extremes and every gap. Returns the input
/// unchanged when it already fits.
pub fn downsample(points: &[Point], bound: usize) -> Vec<Point> {
    let bound = bound.max(MIN_BOUND);
    if points.len() <= bound {
        return points.to_vec();
    }
    // Each bucket emits up to three points; start with two per bucket and shrink until it fits.
    let mut buckets = (bound - 2) / 2;
    // Nearly every series is finite throughout: then no bucket has a gap, and each is scanned
    // for its extremes alone (a test of every value for finiteness, the gap's slot and the sort
    // of three picks were a third of the reduction). One pass over the values, in chunks a
    // vector compare can take, decides.
    let finite = points[1..points.len() - 1]
        .chunks(8)
        .all(|chunk| chunk.iter().fold(true, |all, p| all & p.value.is_finite()));
    if finite {
        // Two points per bucket always fit the bound.
        return reduce_finite(points, buckets);
    }
    loop {
        let reduced = reduce_with_buckets(points, buckets);
        if reduced.len() <= bound || buckets <= 1 {
            return reduced;
        }
        buckets = (buckets * 9 / 10).max(1);
    }
}

/// `inner` cut into `count` buckets, bucket `b` being `inner[b * len / count..(b + 1) * len /
/// count]`; its bounds are stepped by quotient and remainder, as two divisions per bucket cost
/// more than its few points.
fn buckets_of(inner: &[Point], count: usize) -> impl Iterator<Item = &[Point]> {
    let (step, remainder) = (inner.len() / count, inner.len() % count);
    let (mut start, mut carried) = (0, 0);
    (0..count).map(move |_| {
        let mut end = start + step;
        carried += remainder;
        if carried >= count {
            carried -= count;
            end += 1;
        }
        let bucket = &inner[start..end];
        start = end;
        bucket
    })
}

/// [`reduce_with_buckets`] for points whose inner values are all finite: the same points.
fn reduce_finite(points: &[Point], buckets: usize) -> Vec<Point> {
    let n = points.len();
    let mut out = Vec::with_capacity(buckets * 2 + 2);
    out.push(points[0]);
    let inner = &points[1..n - 1];
    for bucket in buckets_of(inner, buckets) {
        let Some(first) = bucket.first() else {
            continue;
        };
        // The first smallest and the first largest, as `reduce_with_buckets` picks them.
        let (mut min, mut max) = (0, 0);
        let (mut min_value, mut max_value) = (first.value, first.value);
        for (i, p) in bucket.iter().enumerate().skip(1) {
            let v = p.value;
            if v < min_value {
                (min, min_value) = (i, v);
            }
            if v > max_value {
                (max, max_value) = (i, v);
            }
        }
        let (low, high) = if min <= max { (min, max) } else { (max, min) };
        out.push(bucket[low]);
        if high != low {
            out.push(bucket[high]);
        }
    }
    out.push(points[n - 1]);
    out
}

fn reduce_with_buckets(points: &[Point], buckets: usize) -> Vec<Point> {
    let n = points.len();
    let mut out = Vec::with_capacity(buckets * 2 + 2);
    out.push(points[0]);
    let inner = &points[1..n - 1];
    for bucket in buckets_of(inner, buckets) {
        if bucket.is_empty() {
            continue;
        }
        // The first smallest and first largest finite value and the first non-finite one, as
        // indices (`NONE` for none), compared as plain locals.
        const NONE: usize = usize::MAX;
        let (mut min, mut max, mut gap) = (NONE, NONE, NONE);
        let (mut min_value, mut max_value) = (f64::INFINITY, f64::NEG_INFINITY);
        for (i, p) in bucket.iter().enumerate() {
            let v = p.value;
            if !v.is_finite() {
                if gap == NONE {
                    gap = i;
                }
                continue;
            }
            // Every finite value is below +Infinity and above -Infinity: the first one found
            // sets both, as an empty slot would.
            if v < min_value {
                (min, min_value) = (i, v);
            }
            if v > max_value {
                (max, max_value) = (i, v);
            }
        }
        // At most three indices, pushed in step order once each (`NONE` sorts last).
        let mut picked = [min, max, gap];
        if picked[0] > picked[1] {
            picked.swap(0, 1);
        }
        if picked[1] > picked[2] {
            picked.swap(1, 2);
        }
        if picked[0] > picked[1] {
            picked.swap(0, 1);
        }
        let mut last = NONE;
        for i in picked {
            if i != NONE && i != last {
                out.push(bucket[i]);
                last = i;
            }
        }
    }
    out.push(points[n - 1]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(values: &[f64]) -> Vec<Point> {
        values
            .iter()
            .enumerate()
            .map(|(i, &value)| Point {
                step: i as i64,
                value,
            })
            .collect()
    }

    /// Regression (found by proptest): a bound of 4 cannot hold the first and last points, a
    /// minimum, a maximum and a gap; the property claimed it did, and failed when drawn.
    #[test]
    fn a_bound_below_five_keeps_first_last_extremes_and_a_gap() {
        let values = [0.5, 9.0, f64::NAN, -9.0, 0.5, 0.25];
        let kept = downsample(&series(&values), 4);
        assert!(kept.len() <= MIN_BOUND, "{kept:?}");
        let values: Vec<f64> = kept.iter().map(|p| p.value).collect();
        assert!(
            values.contains(&9.0) && values.contains(&-9.0) && values.iter().any(|v| v.is_nan())
        );
        assert_eq!((kept[0].step, kept[kept.len() - 1].step), (0, 5));
    }

    #[test]
    fn short_series_are_unchanged() {
        let s = series(&[1.0, 2.0, 3.0]);
        assert_eq!(downsample(&s, 10), s);
    }

    #[test]
    fn keeps_a_single_spike_and_a_single_gap() {
        let mut values = vec![1.0; 100_000];
        values[31_337] = 1e9;
        values[77_777] = f64::NAN;
        let s = series(&values);
        let d = downsample(&s, 1000);
        assert!(d.len() <= 1000);
        assert!(d.iter().any(|p| p.step == 31_337 && p.value == 1e9));
        assert!(d.iter().any(|p| p.step == 77_777 && p.value.is_nan()));
        assert_eq!(d.first().unwrap().step, 0);
        assert_eq!(d.last().unwrap().step, 99_999);
        assert!(d.windows(2).all(|w| w[0].step < w[1].step));
    }

    #[test]
    fn stays_within_bound_when_every_bucket_has_a_gap() {
        let values: Vec<f64> = (0..10_000)
            .map(|i| {
                if i % 7 == 0 {
                    f64::NAN
                } else {
                    (i as f64).sin()
                }
            })
            .collect();
        let d = downsample(&series(&values), 300);
        assert!(d.len() <= 300, "{}", d.len());
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = f64> {
        prop_oneof![
            8 => -1e6f64..1e6,
            1 => Just(f64::NAN),
            1 => Just(f64::INFINITY),
        ]
    }

    /// The reduction as first written (two divisions per bucket, optional slots): the faster
    /// one must pick the very same points.
    fn reference(points: &[Point], bound: usize) -> Vec<Point> {
        let bound = bound.max(MIN_BOUND);
        if points.len() <= bound {
            return points.to_vec();
        }
        let reduce = |buckets: usize| {
            let n = points.len();
            let mut out = vec![points[0]];
            let inner = &points[1..n - 1];
            let len = inner.len();
            for b in 0..buckets {
                let bucket = &inner[b * len / buckets..(b + 1) * len / buckets];
                let (mut min, mut max, mut gap): (Option<usize>, Option<usize>, Option<usize>) =
                    (None, None, None);
                for (i, p) in bucket.iter().enumerate() {
                    if !p.value.is_finite() {
                        gap.get_or_insert(i);
                        continue;
                    }
                    if min.is_none_or(|m| p.value < bucket[m].value) {
                        min = Some(i);
                    }
                    if max.is_none_or(|m| p.value > bucket[m].value) {
                        max = Some(i);
                    }
                }
                let mut picked = [min, max, gap];
                picked.sort_unstable();
                let mut last = None;
                for i in picked.into_iter().flatten() {
                    if last != Some(i) {
                        out.push(bucket[i]);
                        last = Some(i);
                    }
                }
            }
            out.push(points[n - 1]);
            out
        };
        let mut buckets = (bound - 2) / 2;
        loop {
            let reduced = reduce(buckets);
            if reduced.len() <= bound || buckets <= 1 {
                return reduced;
            }
            buckets = (buckets * 9 / 10).max(1);
        }
    }

    proptest! {
        #[test]
        fn picks_the_same_points_as_the_first_version(
            values in proptest::collection::vec(prop_oneof![
                4 => -10f64..10.0,
                2 => (-3i32..3).prop_map(f64::from),
                1 => Just(-0.0),
                1 => Just(f64::NAN),
                1 => Just(f64::INFINITY),
                1 => Just(f64::NEG_INFINITY),
                1 => any::<f64>(),
            ], 0..5000),
            bound in 0usize..1200,
        ) {
            let points: Vec<Point> = (0..).zip(&values).map(|(step, &value)| Point { step, value }).collect();
            let bits = |p: &[Point]| p.iter().map(|p| (p.step, p.value.to_bits())).collect::<Vec<_>>();
            prop_assert_eq!(bits(&downsample(&points, bound)), bits(&reference(&points, bound)));
        }

        /// Finite values (where the faster scan is taken), with non-finite first and last points
        /// allowed (they are kept as they are, never scanned): the same points as the first
        /// version.
        #[test]
        fn picks_the_same_points_for_finite_series(
            values in proptest::collection::vec(prop_oneof![
                4 => -10f64..10.0,
                2 => (-3i32..3).prop_map(f64::from),
                1 => Just(-0.0),
                1 => Just(0.0),
                1 => Just(f64::MAX),
                1 => Just(f64::MIN),
            ], 0..5000),
            ends in (prop_oneof![Just(1.0), Just(f64::NAN), Just(f64::INFINITY)], prop_oneof![Just(2.0), Just(f64::NAN)]),
            bound in 0usize..1200,
        ) {
            let mut points: Vec<Point> = (0..).zip(&values).map(|(step, &value)| Point { step, value }).collect();
            if points.len() >= 2 {
                points[0].value = ends.0;
                let last = points.len() - 1;
                points[last].value = ends.1;
            }
            let bits = |p: &[Point]| p.iter().map(|p| (p.step, p.value.to_bits())).collect::<Vec<_>>();
            prop_assert_eq!(bits(&downsample(&points, bound)), bits(&reference(&points, bound)));
        }

        #[test]
        fn keeps_bound_order_extremes_and_gaps(values in proptest::collection::vec(value(), 0..3000), bound in 4usize..400) {
            let points: Vec<Point> = values.iter().enumerate().map(|(i, &value)| Point { step: i as i64 * 3, value }).collect();
            let kept = downsample(&points, bound);
            prop_assert!(kept.len() <= bound.max(MIN_BOUND) || kept.len() == points.len());
            prop_assert!(kept.windows(2).all(|w| w[0].step < w[1].step), "order kept");
            let finite = || points.iter().filter(|p| p.value.is_finite());
            if let Some(min) = finite().map(|p| p.value).reduce(f64::min) {
                prop_assert!(kept.iter().any(|p| p.value == min), "global min kept");
            }
            if let Some(max) = finite().map(|p| p.value).reduce(f64::max) {
                prop_assert!(kept.iter().any(|p| p.value == max), "global max kept");
            }
            if points.iter().any(|p| !p.value.is_finite()) {
                prop_assert!(kept.iter().any(|p| !p.value.is_finite()), "a gap stays a gap");
            }
            if let (Some(first), Some(last)) = (points.first(), points.last()) {
                prop_assert_eq!(kept.first().map(|p| p.step), Some(first.step));
                prop_assert_eq!(kept.last().map(|p| p.step), Some(last.step));
            }
        }

        /// Any double at all (subnormals, -0, ±MAX, NaN, ±Infinity) and steps spread over the
        /// whole i64 range: the kept points are input points, in order, with the global extremes.
        #[test]
        fn keeps_extremes_of_any_doubles_over_any_steps(
            values in proptest::collection::vec(any::<f64>(), 0..2000),
            gaps in proptest::collection::vec(1u64..u64::MAX / 4096, 2000),
            bound in 4usize..300,
        ) {
            let mut step = i64::MIN;
            let mut points = Vec::with_capacity(values.len());
            for (&value, &gap) in values.iter().zip(&gaps) {
                points.push(Point { step, value });
                match step.checked_add_unsigned(gap) {
                    Some(next) => step = next,
                    None => break,
                }
            }
            let kept = downsample(&points, bound);
            prop_assert!(kept.len() <= bound.max(MIN_BOUND) || kept.len() == points.len());
            prop_assert!(kept.windows(2).all(|w| w[0].step < w[1].step));
            for k in &kept {
                prop_assert!(points.iter().any(|p| p.step == k.step && p.value.to_bits() == k.value.to_bits()));
            }
            let finite = || points.iter().map(|p| p.value).filter(|v| v.is_finite());
            if let Some(min) = finite().reduce(f64::min) {
                prop_assert!(kept.iter().any(|p| p.value == min), "global min kept");
            }
            if let Some(max) = finite().reduce(f64::max) {
                prop_assert!(kept.iter().any(|p| p.value == max), "global max kept");
            }
        }
    }
}
