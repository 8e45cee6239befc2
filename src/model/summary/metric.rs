//! One run's value for one metric (best, last, final) and the ranking built on it: the
//! definitions every ranking uses, the model's project ranking as well as the summary's.

use serde::{Serialize, Serializer};

use crate::model::{Direction, Run, progress};

/// A number that serializes non-finite values as the strings `"NaN"`, `"Infinity"` and
/// `"-Infinity"` (the log format's spelling) instead of JSON's lossy `null`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number(pub f64);

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            serializer.serialize_f64(self.0)
        } else {
            serializer.serialize_str(&crate::format::number_full(self.0))
        }
    }
}

/// One metric of one run.
#[derive(Debug, Clone, Serialize)]
pub struct MetricReport {
    /// The value reports show: `best`, else `last` for metrics without a direction, else `final`.
    pub value: Option<Number>,
    /// The best finite value over training and its step.
    pub best: Option<Number>,
    pub best_step: Option<i64>,
    /// The epoch at that step, counted as the pages count it.
    pub best_epoch: Option<Number>,
    /// The value at the largest step (may be non-finite).
    pub last: Option<Number>,
    pub last_step: Option<i64>,
    /// The value in the end record.
    #[serde(rename = "final")]
    pub final_value: Option<Number>,
    /// Points logged and how many of them were non-finite.
    pub count: u64,
    pub nonfinite: u64,
}

impl MetricReport {
    /// The shown value as a plain number.
    pub fn shown(&self) -> Option<f64> {
        self.value.map(|n| n.0)
    }

    /// The value runs are ranked by: the shown value when it is finite.
    pub fn ranked(&self) -> Option<f64> {
        self.shown().filter(|v| v.is_finite())
    }
}

/// A run's value for ranking by `metric`: what [`MetricReport::ranked`] gives, the one definition
/// behind every ranking (the model's project ranking, the pages', `ahnb summary`'s).
pub fn ranking_value(run: &Run, metric: &str, direction: Option<Direction>) -> Option<f64> {
    metric_report(run, metric, direction)?.ranked()
}

/// Indices ordered best first by `key` in `direction`; missing values last; ties by index.
pub fn rank_by(len: usize, key: impl Fn(usize) -> Option<f64>, direction: Direction) -> Vec<usize> {
    // Each key once, not once per comparison: a key is a run's metric report (map lookups), and
    // sorting 1,000 runs compared about 20,000 pairs.
    let keys: Vec<Option<f64>> = (0..len).map(key).collect();
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| match (keys[a], keys[b]) {
        (Some(x), Some(y)) => match direction {
            Direction::Down => x.total_cmp(&y),
            Direction::Up => y.total_cmp(&x),
        }
        .then(a.cmp(&b)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(&b),
    });
    order
}

/// One metric of one run; `None` when the run never logged it.
pub fn metric_report(run: &Run, name: &str, direction: Option<Direction>) -> Option<MetricReport> {
    let final_value = run
        .end
        .as_ref()
        .and_then(|e| e.metrics.iter().rev().find(|(n, _)| n == name))
        .map(|(_, v)| *v);
    let series = run.series.get(name);
    if series.is_none() && final_value.is_none() {
        return None;
    }
    let summary = series.map(|s| &s.summary);
    let best = summary.and_then(|s| direction.and_then(|d| s.best(d)));
    let last = summary.and_then(|s| s.last);
    let value = match (series, direction) {
        (Some(_), Some(_)) => best.map(|p| p.value),
        (Some(_), None) => last.map(|p| p.value),
        (None, _) => final_value,
    };
    Some(MetricReport {
        value: value.map(Number),
        best: best.map(|p| Number(p.value)),
        best_step: best.map(|p| p.step),
        best_epoch: best.and_then(|p| progress::shown_epoch(run, p.step).map(Number)),
        last: last.map(|p| Number(p.value)),
        last_step: last.map(|p| p.step),
        final_value: final_value.map(Number),
        count: summary.map_or(0, |s| s.count),
        nonfinite: summary.map_or(0, |s| s.nonfinite),
    })
}
