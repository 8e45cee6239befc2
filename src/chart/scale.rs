//! Axis ranges and the mapping from data to pixels, shared by every chart and mirrored by the
//! theme's script (which reads the same numbers from `data-` attributes).

/// How values map to one axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
    pub log: bool,
    /// Pixel positions of `min` and `max` (for y, `min` is at the bottom).
    pub from_px: f64,
    pub to_px: f64,
}

impl Scale {
    /// Pixel position of a value; `None` for values the scale cannot show (non-finite, or not
    /// positive on a log scale).
    pub fn px(&self, value: f64) -> Option<f64> {
        self.mapper().px(value)
    }

    /// The scale with its ends' logarithms taken once, for placing many values.
    pub fn mapper(&self) -> Mapper {
        let (lo, hi) = if self.log {
            (self.min.log10(), self.max.log10())
        } else {
            (self.min, self.max)
        };
        Mapper {
            log: self.log,
            lo,
            hi,
            from_px: self.from_px,
            to_px: self.to_px,
        }
    }
}

/// [`Scale::px`] for many values: a log chart's 1,000 points took three logarithms each.
#[derive(Debug, Clone, Copy)]
pub struct Mapper {
    log: bool,
    lo: f64,
    hi: f64,
    from_px: f64,
    to_px: f64,
}

impl Mapper {
    /// See [`Scale::px`].
    pub fn px(&self, value: f64) -> Option<f64> {
        if !value.is_finite() || (self.log && value <= 0.0) {
            return None;
        }
        let v = if self.log { value.log10() } else { value };
        let (lo, hi) = (self.lo, self.hi);
        let t = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
        Some(self.from_px + t * (self.to_px - self.from_px))
    }
}

/// The smallest and largest finite values of a sequence, and of its positive values, and
/// whether it holds a finite value at or below zero: what [`wants_log`] and [`value_range`]
/// both need, found in one pass (each fold sees the values in the same order as theirs).
#[derive(Debug, Clone, Copy)]
pub struct Extent {
    finite: (f64, f64),
    positive: (f64, f64),
    not_positive: bool,
}

impl Extent {
    pub fn of(values: impl Iterator<Item = f64>) -> Extent {
        let mut extent = Extent {
            finite: (f64::INFINITY, f64::NEG_INFINITY),
            positive: (f64::INFINITY, f64::NEG_INFINITY),
            not_positive: false,
        };
        for v in values.filter(|v| v.is_finite()) {
            extent.finite = (extent.finite.0.min(v), extent.finite.1.max(v));
            if v > 0.0 {
                extent.positive = (extent.positive.0.min(v), extent.positive.1.max(v));
            } else {
                extent.not_positive = true;
            }
        }
        extent
    }

    /// [`wants_log`] of the same values.
    pub fn wants_log(&self) -> bool {
        let (lo, hi) = self.finite;
        !self.not_positive && lo.is_finite() && hi / lo > 100.0
    }

    /// [`value_range`] of the same values.
    pub fn range(&self, log: bool) -> (f64, f64) {
        let (lo, hi) = if log { self.positive } else { self.finite };
        padded_range(lo, hi, log)
    }
}

/// A padded range covering `values` (finite ones only); log when asked and possible.
pub fn value_range(values: impl Iterator<Item = f64>, log: bool) -> (f64, f64) {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.filter(|v| v.is_finite() && (!log || *v > 0.0)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    padded_range(lo, hi, log)
}

/// The padded range around values from `lo` to `hi` (infinite when there were none).
fn padded_range(lo: f64, hi: f64, log: bool) -> (f64, f64) {
    if !lo.is_finite() {
        return if log { (0.1, 10.0) } else { (0.0, 1.0) };
    }
    if log {
        let (l, h) = (lo.log10(), hi.log10());
        let pad = ((h - l) * 0.05).max(0.05);
        return (10f64.powf(l - pad), 10f64.powf(h + pad));
    }
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        return (lo - pad, hi + pad);
    }
    let pad = (hi - lo) * 0.05;
    (lo - pad, hi + pad)
}

/// How far beyond the typical series a series must reach to be left off the default axis: ten
/// times the span between the median series' lowest and highest values.
const OUTLIER_SPANS: f64 = 10.0;

/// The range of values the default y axis covers, leaving out series that reach far beyond the
/// rest (a diverged run at 1e21 among losses near 1, as TensorBoard's "ignore outliers" does);
/// `None` when no series does (or there are fewer than three series to judge by). Each item is
/// one series' finite (min, max).
pub fn healthy_range(extents: &[(f64, f64)]) -> Option<(f64, f64)> {
    if extents.len() < 3 {
        return None;
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let low = median(extents.iter().map(|e| e.0).collect());
    let high = median(extents.iter().map(|e| e.1).collect());
    let span = (high - low)
        .max(high.abs().max(low.abs()) * 1e-3)
        .max(f64::MIN_POSITIVE);
    let (floor, ceiling) = (low - OUTLIER_SPANS * span, high + OUTLIER_SPANS * span);
    let inside: Vec<&(f64, f64)> = extents
        .iter()
        .filter(|e| e.0 >= floor && e.1 <= ceiling)
        .collect();
    if inside.len() == extents.len() || inside.is_empty() {
        return None;
    }
    let lo = inside.iter().map(|e| e.0).fold(f64::INFINITY, f64::min);
    let hi = inside.iter().map(|e| e.1).fold(f64::NEG_INFINITY, f64::max);
    Some((lo, hi))
}

/// True when positive values span more than two decades: a log axis shows them better.
pub fn wants_log(values: impl Iterator<Item = f64>) -> bool {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.filter(|v| v.is_finite()) {
        if v <= 0.0 {
            return false;
        }
        lo = lo.min(v);
        hi = hi.max(v);
    }
    lo.is_finite() && hi / lo > 100.0
}

/// An exact range for steps (no padding), widened when it is a single point.
pub fn step_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if lo == hi {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_pass_extent_agrees_with_the_two_passes() {
        let cases: [&[f64]; 9] = [
            &[],
            &[f64::NAN, f64::INFINITY],
            &[0.5, 2.0, 300.0],
            &[0.001, 0.002, f64::NAN, 7.0],
            &[-1.0, 3.0, 1e6],
            &[0.0, 1e-9, 5.0],
            &[-0.0, 0.0, -0.0],
            &[2.0, 2.0],
            &[1e-300, f64::NEG_INFINITY, 1e300, -5.0],
        ];
        for values in cases {
            let extent = Extent::of(values.iter().copied());
            assert_eq!(
                extent.wants_log(),
                wants_log(values.iter().copied()),
                "{values:?}"
            );
            for log in [false, true] {
                let (a, b) = extent.range(log);
                let (c, d) = value_range(values.iter().copied(), log);
                assert_eq!(
                    (a.to_bits(), b.to_bits()),
                    (c.to_bits(), d.to_bits()),
                    "{values:?}"
                );
            }
        }
    }

    #[test]
    fn a_diverged_series_is_left_off_the_default_range() {
        let mut extents = vec![(0.02, 2.3); 19];
        extents.push((0.05, 1e21));
        assert_eq!(healthy_range(&extents), Some((0.02, 2.3)));
        // Healthy series that differ (one starts at 5) stay in.
        let spread = [(0.02, 2.3), (0.03, 5.0), (0.01, 2.0), (0.02, 2.5)];
        assert_eq!(healthy_range(&spread), None);
        assert_eq!(
            healthy_range(&[(0.0, 1.0), (0.0, 1e21)]),
            None,
            "two cannot outvote"
        );
    }
}
