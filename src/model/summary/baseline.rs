//! Comparison with a baseline (the logs of the base branch, or of an earlier sweep).
//!
//! Matching: a run is matched to the baseline run with the same log path, else the same name;
//! a seed group to the baseline runs with the same group key (the `group` header field, or the
//! hyperparameters other than the seed), which may be a single run there. Every matched metric
//! gets a signed change and whether it is better or worse given the metric's direction. For seed
//! groups the change of the mean is tested against run-to-run noise with Welch's t-test at
//! [`stats::ALPHA`], and only with at least two runs on each side.

use std::collections::BTreeMap;

use serde::Serialize;

use super::stats::{self, Spread, Welch};
use super::{Number, ProjectSummary, RunReport, group_spreads};
use crate::model::project::seed_group_key;
use crate::model::{Direction, Project};

/// Which way a value moved, judged by the metric's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Better,
    Worse,
    Same,
    /// The value moved but the metric has no known direction.
    Changed,
}

/// How the project's run list compares with the baseline's.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectComparison {
    /// False when the baseline has no project of this name (every run is new).
    pub found: bool,
    /// Runs in the baseline's project.
    pub baseline_runs: usize,
    /// Runs here that the baseline does not have, in rank order.
    pub new_runs: Vec<String>,
    /// Baseline runs that are gone, in the baseline's rank order.
    pub missing_runs: Vec<String>,
    /// The best value of the ranking metric here against the baseline's best.
    pub best: Option<Delta>,
}

/// A value against its baseline value.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Delta {
    pub value: Number,
    pub baseline: Number,
    /// value − baseline (NaN when either is non-finite).
    pub delta: Number,
    pub change: Change,
}

/// A run against the baseline run it matched.
#[derive(Debug, Clone, Serialize)]
pub struct RunComparison {
    /// The matched baseline run's name.
    pub run: String,
    /// Per metric present on both sides.
    pub metrics: BTreeMap<String, Delta>,
}

/// A seed group against the baseline runs with the same key.
#[derive(Debug, Clone, Serialize)]
pub struct GroupComparison {
    /// The matched baseline runs, in the baseline's run order.
    pub runs: Vec<String>,
    pub metrics: BTreeMap<String, GroupDelta>,
}

/// One metric of a seed group against the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct GroupDelta {
    pub baseline: Spread,
    /// Difference of the means (here − baseline).
    pub delta: f64,
    pub change: Change,
    /// Welch's t-test of here against baseline; `None` with fewer than two runs on a side.
    pub welch: Option<Welch>,
    /// Whether the change is larger than run-to-run noise (p < 0.05); `None` when untested.
    pub beyond_noise: Option<bool>,
}

/// Compares one value with its baseline under a direction.
pub fn compare_values(value: f64, baseline: f64, direction: Option<Direction>) -> Delta {
    let delta = value - baseline;
    let change = match (value.is_finite(), baseline.is_finite()) {
        (true, true) if delta == 0.0 => Change::Same,
        (true, true) => match direction {
            Some(Direction::Up) if delta > 0.0 => Change::Better,
            Some(Direction::Down) if delta < 0.0 => Change::Better,
            Some(_) => Change::Worse,
            None => Change::Changed,
        },
        // A value that became non-finite is a regression whatever the direction, and the reverse.
        (false, true) => Change::Worse,
        (true, false) => Change::Better,
        (false, false) => Change::Same,
    };
    Delta {
        value: Number(value),
        baseline: Number(baseline),
        delta: Number(if delta.is_finite() { delta } else { f64::NAN }),
        change,
    }
}

/// Fills `report`'s baseline fields from the baseline project (`base`) and its report.
pub fn compare(
    report: &mut ProjectSummary,
    base: Option<&Project>,
    base_report: Option<&ProjectSummary>,
) {
    let (Some(base), Some(base_report)) = (base, base_report) else {
        report.baseline = Some(ProjectComparison {
            found: false,
            baseline_runs: 0,
            new_runs: report.runs.iter().map(|r| r.name.clone()).collect(),
            missing_runs: Vec::new(),
            best: None,
        });
        return;
    };
    let direction_of = |name: &str| {
        report
            .metrics
            .iter()
            .find(|m| m.name == name)
            .and_then(|m| m.direction)
    };

    // Indices of the baseline's runs by source and by name (the first of equal names).
    let mut by_source: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, run) in base_report.runs.iter().enumerate() {
        by_source.entry(&run.source).or_insert(i);
        by_name.entry(&run.name).or_insert(i);
    }
    let mut matched = vec![false; base_report.runs.len()];
    let mut new_runs = Vec::new();
    for run in &mut report.runs {
        let found = by_source
            .get(run.source.as_str())
            .or_else(|| by_name.get(run.name.as_str()))
            .copied();
        let Some(b) = found else {
            new_runs.push(run.name.clone());
            continue;
        };
        matched[b] = true;
        run.baseline = Some(compare_runs(run, &base_report.runs[b], &direction_of));
    }
    let missing_runs = base_report
        .runs
        .iter()
        .zip(&matched)
        .filter(|(_, m)| !**m)
        .map(|(r, _)| r.name.clone())
        .collect();

    // The baseline's runs by seed-group key, in the baseline's run order.
    let mut by_key: BTreeMap<String, Vec<&RunReport>> = BTreeMap::new();
    for run in &base.runs {
        if let Some(key) = seed_group_key(run) {
            if let Some(&i) = by_source.get(run.source.as_str()) {
                by_key.entry(key).or_default().push(&base_report.runs[i]);
            }
        }
    }
    for group in &mut report.groups {
        let members: &[&RunReport] = by_key.get(&group.key).map_or(&[], Vec::as_slice);
        if members.is_empty() {
            continue;
        }
        let base_spreads = group_spreads(members, &base_report.metrics);
        let metrics = group
            .metrics
            .iter()
            .filter_map(|(name, spread)| {
                let baseline = base_spreads.get(name)?;
                Some((
                    name.clone(),
                    compare_spreads(spread, baseline, direction_of(name)),
                ))
            })
            .collect();
        group.baseline = Some(GroupComparison {
            runs: members.iter().map(|r| r.name.clone()).collect(),
            metrics,
        });
    }

    let best_of = |r: &ProjectSummary| {
        let metric = report.ranking_metric.as_ref()?;
        r.runs
            .first()?
            .metrics
            .get(metric)?
            .shown()
            .filter(|v| v.is_finite())
    };
    let best = match (best_of(report), best_of(base_report)) {
        (Some(value), Some(baseline)) => Some(compare_values(
            value,
            baseline,
            Some(report.ranking_direction),
        )),
        _ => None,
    };
    report.baseline = Some(ProjectComparison {
        found: true,
        baseline_runs: base_report.runs.len(),
        new_runs,
        missing_runs,
        best,
    });
}

fn compare_runs(
    run: &RunReport,
    base: &RunReport,
    direction_of: &dyn Fn(&str) -> Option<Direction>,
) -> RunComparison {
    let metrics = run
        .metrics
        .iter()
        .filter_map(|(name, m)| {
            let value = m.shown()?;
            let baseline = base.metrics.get(name)?.shown()?;
            Some((
                name.clone(),
                compare_values(value, baseline, direction_of(name)),
            ))
        })
        .collect();
    RunComparison {
        run: base.name.clone(),
        metrics,
    }
}

/// Compares two groups' spreads: the change of the mean and Welch's test of it.
pub fn compare_spreads(
    here: &Spread,
    baseline: &Spread,
    direction: Option<Direction>,
) -> GroupDelta {
    let delta = compare_values(here.mean, baseline.mean, direction);
    let welch = stats::welch_t_test(here, baseline);
    GroupDelta {
        baseline: *baseline,
        delta: delta.delta.0,
        change: delta.change,
        beyond_noise: welch.map(|w| w.significant()),
        welch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_knows_the_direction() {
        let up = Some(Direction::Up);
        let down = Some(Direction::Down);
        assert_eq!(compare_values(0.9, 0.8, up).change, Change::Better);
        assert_eq!(compare_values(0.9, 0.8, down).change, Change::Worse);
        assert_eq!(compare_values(0.7, 0.8, down).change, Change::Better);
        assert_eq!(compare_values(0.7, 0.8, None).change, Change::Changed);
        assert_eq!(compare_values(0.8, 0.8, up).change, Change::Same);
        assert_eq!(compare_values(f64::NAN, 0.8, up).change, Change::Worse);
        let d = compare_values(0.25, 0.5, down);
        assert_eq!(d.delta.0, -0.25);
    }
}
