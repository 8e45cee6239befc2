//! The one summary of a project, computed once in the model stage: every run's value for every
//! metric (best, last, final, as numbers), the ranking, seed groups with the mean and spread of
//! their values, and the comparison with a baseline. The site's tables, the page data, runs.csv
//! and every `ahnb summary` format present it; none computes a rank or a spread itself.
//!
//! A run's value for a metric is its best over training (the minimum when lower is better, the
//! maximum when higher is), its last value when the metric has no direction (`lr`), or the
//! value of the end record for metrics only logged there (`test_accuracy`).

pub mod baseline;
pub mod metric;
pub mod stats;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Serialize, Serializer};

use crate::error::{Error, Result};
use crate::model::direction::is_validation_metric;
use crate::model::project::site_paths;
use crate::model::{Direction, ParamValue, Project, Status, progress};
use baseline::{GroupComparison, RunComparison};
pub use metric::{MetricReport, Number, metric_report, rank_by, ranking_value};
use stats::Spread;

/// The `schema` field of the JSON output; bumped on any incompatible change.
pub const SCHEMA: &str = "ahnb.summary/1";

/// Runs (or seed groups) shown per project in Markdown and LaTeX unless `--top` says otherwise.
pub const DEFAULT_TOP: usize = 10;

/// Significant digits of values in Markdown and LaTeX unless `--precision` says otherwise.
pub const DEFAULT_PRECISION: usize = 4;

/// Metric columns chosen automatically when `--metric` is not given.
const AUTO_COLUMNS: usize = 4;

/// What to summarize and how much of it to show.
#[derive(Debug, Clone)]
pub struct SummaryOptions {
    /// Only this project (its name or its folder slug in the site).
    pub project: Option<String>,
    /// Metric columns; the first ranks the runs. Empty: the primary metric and a few others.
    pub metrics: Vec<String>,
    /// Runs or seed groups per table in Markdown and LaTeX (CSV and JSON list every run).
    pub top: usize,
    /// Where the site built from the same logs is served, for links to project and run pages.
    pub site_url: Option<String>,
    /// Significant digits in Markdown and LaTeX (CSV and JSON are never rounded).
    pub precision: usize,
}

impl Default for SummaryOptions {
    fn default() -> Self {
        SummaryOptions {
            project: None,
            metrics: Vec::new(),
            top: DEFAULT_TOP,
            site_url: None,
            precision: DEFAULT_PRECISION,
        }
    }
}

/// Everything `ahnb summary` reports, for every format.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub schema: &'static str,
    pub site_url: Option<String>,
    /// True when the summary compares against a baseline.
    pub baseline: bool,
    pub projects: Vec<ProjectSummary>,
}

/// A metric of a project and which way it improves.
#[derive(Debug, Clone, Serialize)]
pub struct MetricInfo {
    pub name: String,
    pub direction: Option<Direction>,
}

/// One project: its runs ranked, its seed groups and how it compares with the baseline.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectSummary {
    pub name: String,
    pub url: Option<String>,
    pub primary_metric: Option<String>,
    pub primary_direction: Direction,
    /// The metric that ranks runs and groups here (the first `--metric`, else the primary).
    pub ranking_metric: Option<String>,
    pub ranking_direction: Direction,
    /// The metrics shown as columns in Markdown and LaTeX.
    pub columns: Vec<String>,
    /// Every metric, series first (in the order first seen), then those only in end records.
    pub metrics: Vec<MetricInfo>,
    /// Hyperparameter keys whose value differs between runs.
    pub varied_params: Vec<String>,
    pub status_counts: BTreeMap<Status, usize>,
    /// Every run, best first.
    pub runs: Vec<RunReport>,
    /// Groups of runs repeating one configuration with different seeds, best mean first.
    pub groups: Vec<GroupReport>,
    /// How the run list differs from the baseline's, when there is one.
    pub baseline: Option<baseline::ProjectComparison>,
}

impl ProjectSummary {
    /// The run at `index` in the project's run order (`runs` is in rank order).
    pub fn run(&self, index: usize) -> Option<&RunReport> {
        self.runs.iter().find(|r| r.index == index)
    }

    /// A run's value of the ranking metric, when it has a finite one.
    pub fn ranked_value(&self, run: &RunReport) -> Option<f64> {
        let metric = self.ranking_metric.as_ref()?;
        run.metrics.get(metric)?.ranked()
    }

    /// The best finite value of a metric over all runs, for metrics with a direction: the cell
    /// every table highlights.
    pub fn column_best(&self, metric: &str) -> Option<f64> {
        let direction = self.metrics.iter().find(|m| m.name == metric)?.direction?;
        let values = self
            .runs
            .iter()
            .filter_map(|r| r.metrics.get(metric)?.ranked());
        match direction {
            Direction::Up => values.reduce(f64::max),
            Direction::Down => values.reduce(f64::min),
        }
    }

    /// The seed group with this key.
    pub fn group(&self, key: &str) -> Option<&GroupReport> {
        self.groups.iter().find(|g| g.key == key)
    }
}

/// One run and its value for every metric.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The run's index in its project (the model's run order).
    #[serde(skip)]
    pub index: usize,
    /// 1 for the best run by the ranking metric.
    pub rank: usize,
    pub name: String,
    /// The log's path relative to LOGS.
    pub source: String,
    pub url: Option<String>,
    pub status: Status,
    pub divergence: Option<DivergenceReport>,
    /// The first line of the end record's error, for failed runs.
    pub error: Option<String>,
    /// The seed group's key, when the run is in one.
    pub group: Option<String>,
    pub seed: Option<i64>,
    pub tags: Vec<String>,
    /// The largest step logged (an index, not a count: see `logged_steps`). Kept for readers of
    /// schema version 1; the same as `last_step`.
    pub steps: Option<i64>,
    pub last_step: Option<i64>,
    /// How many steps were logged (the most points of any metric).
    pub logged_steps: u64,
    /// The last epoch reached, counted as the pages count it (a zero-based counter plus one).
    pub last_epoch: Option<Number>,
    /// The planned length from the header (or the `epochs` hyperparameter).
    pub planned_epochs: Option<u64>,
    pub planned_steps: Option<u64>,
    /// Done over planned, 0 to 1, in epochs when both are known, else in steps.
    pub progress: Option<Number>,
    pub duration_seconds: Option<Number>,
    pub params: BTreeMap<String, ParamJson>,
    pub metrics: BTreeMap<String, MetricReport>,
    /// The ranking metric over training, for sparklines (not serialized).
    #[serde(skip)]
    pub trend: Vec<f64>,
    pub baseline: Option<RunComparison>,
}

/// Where a run diverged.
#[derive(Debug, Clone, Serialize)]
pub struct DivergenceReport {
    pub metric: String,
    pub step: i64,
    /// The epoch at that step, counted as the pages count it.
    pub epoch: Option<Number>,
}

/// A hyperparameter value as JSON: number, string, boolean, null, or a list's JSON text.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamJson(pub ParamValue);

impl Serialize for ParamJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match &self.0 {
            // A whole number stays one (`"batch_size": 32`, not `32.0`).
            ParamValue::Number(v) if v.fract() == 0.0 && v.abs() < 9e15 => {
                serializer.serialize_i64(*v as i64)
            }
            ParamValue::Number(v) => Number(*v).serialize(serializer),
            ParamValue::Bool(b) => serializer.serialize_bool(*b),
            ParamValue::Text(s) | ParamValue::List(s) => serializer.serialize_str(s),
            ParamValue::Null => serializer.serialize_none(),
        }
    }
}

/// A seed group: its runs and the spread of their values.
#[derive(Debug, Clone, Serialize)]
pub struct GroupReport {
    /// 1 for the best group by the mean of the ranking metric.
    pub rank: usize,
    pub key: String,
    /// A short label: the `group` name, or the varying hyperparameters other than the seed.
    pub label: String,
    /// Member run names, in run order.
    pub runs: Vec<String>,
    pub status_counts: BTreeMap<Status, usize>,
    /// Mean, sample standard deviation, min, max and 95 % confidence half-width of the members'
    /// shown values (the best over training for metrics with a direction).
    pub metrics: BTreeMap<String, Spread>,
    /// The same of the members' last values (the final value of training).
    pub last_metrics: BTreeMap<String, Spread>,
    pub baseline: Option<GroupComparison>,
}

/// Every project's summary as the site shows it: ranked by the primary metric, without links
/// or baseline. Computed once per build (in parallel) and handed to every page.
pub fn project_summaries(projects: &[Project]) -> Vec<ProjectSummary> {
    use rayon::prelude::*;
    projects
        .par_iter()
        .map(|p| summarize_project(p, None, &[]))
        .collect()
}

/// Builds the summary of `projects`, compared with `baseline` when given.
pub fn summarize(
    projects: &[Project],
    baseline: Option<&[Project]>,
    options: &SummaryOptions,
) -> Result<Summary> {
    let site_url = options
        .site_url
        .as_ref()
        .map(|u| u.trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty());
    let plan = site_paths(projects);
    let selected: Vec<usize> = match &options.project {
        None => (0..projects.len()).collect(),
        Some(wanted) => {
            let found: Vec<usize> = (0..projects.len())
                .filter(|&i| projects[i].name == *wanted || plan.projects[i].dir == *wanted)
                .collect();
            if found.is_empty() {
                return Err(Error::ProjectNotFound {
                    name: wanted.clone(),
                    available: list_or_none(projects.iter().map(|p| p.name.clone())),
                });
            }
            found
        }
    };
    for metric in &options.metrics {
        let logged = selected
            .iter()
            .any(|&i| all_metrics(&projects[i]).iter().any(|m| m.name == *metric));
        if !logged {
            let available: BTreeSet<String> = selected
                .iter()
                .flat_map(|&i| all_metrics(&projects[i]).into_iter().map(|m| m.name))
                .collect();
            return Err(Error::MetricNotFound {
                name: metric.clone(),
                available: list_or_none(available.into_iter()),
            });
        }
    }
    let mut reports: Vec<ProjectSummary> = selected
        .iter()
        .map(|&i| {
            let paths = &plan.projects[i];
            let urls = site_url.as_ref().map(|site| {
                let project = format!("{site}/{}/", paths.dir);
                let runs = (0..projects[i].runs.len())
                    .map(|r| format!("{site}/{}", paths.run_page(r)))
                    .collect::<Vec<_>>();
                (project, runs)
            });
            summarize_project(&projects[i], urls, &options.metrics)
        })
        .collect();
    if let Some(baseline_projects) = baseline {
        for report in &mut reports {
            let base = baseline_projects.iter().find(|p| p.name == report.name);
            let base_report = base.map(|p| summarize_project(p, None, &options.metrics));
            baseline::compare(report, base, base_report.as_ref());
        }
    }
    Ok(Summary {
        schema: SCHEMA,
        site_url,
        baseline: baseline.is_some(),
        projects: reports,
    })
}

fn list_or_none(names: impl Iterator<Item = String>) -> String {
    let names: Vec<String> = names.map(|n| format!("'{n}'")).collect();
    if names.is_empty() {
        "(none)".to_owned()
    } else {
        names.join(", ")
    }
}

/// Every metric of a project: series metrics in the order first seen, then metrics found only
/// in end records, in the order first seen.
pub fn all_metrics(project: &Project) -> Vec<MetricInfo> {
    let mut names: Vec<String> = project.metrics.clone();
    let mut seen: BTreeSet<String> = names.iter().cloned().collect();
    for run in &project.runs {
        for (name, _) in run.end.iter().flat_map(|e| e.metrics.iter()) {
            if seen.insert(name.clone()) {
                names.push(name.clone());
            }
        }
    }
    names
        .into_iter()
        .map(|name| MetricInfo {
            direction: project.direction_of(&name),
            name,
        })
        .collect()
}

/// Summarizes one project; `urls` are the project page and each run page, when linked.
fn summarize_project(
    project: &Project,
    urls: Option<(String, Vec<String>)>,
    wanted: &[String],
) -> ProjectSummary {
    let metrics = all_metrics(project);
    let direction_of = |name: &str| {
        metrics
            .iter()
            .find(|m| m.name == name)
            .and_then(|m| m.direction)
    };
    let has = |name: &String| metrics.iter().any(|m| m.name == *name);
    let ranking_metric = wanted
        .iter()
        .find(|m| has(m))
        .cloned()
        .or_else(|| project.primary_metric.clone());
    let ranking_direction = ranking_metric
        .as_deref()
        .and_then(direction_of)
        .unwrap_or(project.primary_direction);
    let columns = choose_columns(&metrics, ranking_metric.as_deref(), wanted);
    let (project_url, run_urls) = match urls {
        Some((project, runs)) => (Some(project), Some(runs)),
        None => (None, None),
    };

    // Each run's report is its own: on all cores, since a project of 1,000 runs made this a
    // serial stretch of every rebuild, however little changed.
    use rayon::prelude::*;
    let mut runs: Vec<RunReport> = project
        .runs
        .par_iter()
        .enumerate()
        .map(|(i, run)| {
            let summary = &project.summaries[i];
            let planned = progress::planned(run);
            let metric_reports = metrics
                .iter()
                .filter_map(|m| Some((m.name.clone(), metric_report(run, &m.name, m.direction)?)))
                .collect();
            let trend = ranking_metric
                .as_ref()
                .and_then(|m| run.series.get(m))
                .map(|s| s.trend.clone())
                .unwrap_or_default();
            RunReport {
                index: i,
                rank: 0,
                name: run.name.clone(),
                source: run.source.clone(),
                url: run_urls.as_ref().map(|u| u[i].clone()),
                status: summary.status,
                divergence: summary.divergence.as_ref().map(|d| DivergenceReport {
                    metric: d.metric.clone(),
                    step: d.at.step,
                    epoch: progress::shown_epoch(run, d.at.step).map(Number),
                }),
                error: run
                    .end
                    .as_ref()
                    .and_then(|e| e.error.as_deref())
                    .and_then(|e| e.lines().find(|l| !l.trim().is_empty()))
                    .map(|l| l.trim().to_owned()),
                group: summary.group.clone(),
                seed: run.header.seed,
                tags: run.header.tags.clone(),
                steps: run.last_step(),
                last_step: run.last_step(),
                logged_steps: progress::logged_steps(run),
                last_epoch: progress::last_shown_epoch(run).map(Number),
                planned_epochs: planned.0,
                planned_steps: planned.1,
                progress: progress::progress(run).map(|p| Number(p.fraction())),
                duration_seconds: run.duration().map(Number),
                params: run
                    .header
                    .params
                    .iter()
                    .map(|(k, v)| (k.clone(), ParamJson(v.clone())))
                    .collect(),
                metrics: metric_reports,
                trend,
                baseline: None,
            }
        })
        .collect();

    let value_of = |run: &RunReport| {
        ranking_metric
            .as_ref()
            .and_then(|m| run.metrics.get(m))
            .and_then(MetricReport::ranked)
    };
    let order = rank_by(runs.len(), |i| value_of(&runs[i]), ranking_direction);
    for (rank, &i) in order.iter().enumerate() {
        runs[i].rank = rank + 1;
    }

    let mut groups: Vec<GroupReport> = project
        .groups
        .par_iter()
        .map(|group| {
            let members: Vec<&RunReport> = group.members.iter().map(|&i| &runs[i]).collect();
            GroupReport {
                rank: 0,
                key: group.key.clone(),
                label: crate::model::project::group_label(project, group),
                runs: members.iter().map(|r| r.name.clone()).collect(),
                status_counts: count_statuses(members.iter().map(|r| r.status)),
                metrics: group_spreads(&members, &metrics),
                last_metrics: last_spreads(&members, &metrics),
                baseline: None,
            }
        })
        .collect();
    let group_order = rank_by(
        groups.len(),
        |i| {
            ranking_metric
                .as_ref()
                .and_then(|m| groups[i].metrics.get(m))
                .map(|s| s.mean)
        },
        ranking_direction,
    );
    for (rank, &i) in group_order.iter().enumerate() {
        groups[i].rank = rank + 1;
    }
    runs.sort_by_key(|r| r.rank);
    groups.sort_by_key(|g| g.rank);

    ProjectSummary {
        name: project.name.clone(),
        url: project_url,
        primary_metric: project.primary_metric.clone(),
        primary_direction: project.primary_direction,
        ranking_metric,
        ranking_direction,
        columns,
        metrics,
        varied_params: project.varied_params.clone(),
        status_counts: count_statuses(project.summaries.iter().map(|s| s.status)),
        runs,
        groups,
        baseline: None,
    }
}

pub(crate) fn count_statuses(statuses: impl Iterator<Item = Status>) -> BTreeMap<Status, usize> {
    let mut counts = BTreeMap::new();
    for status in statuses {
        *counts.entry(status).or_insert(0) += 1;
    }
    counts
}

/// The spread of every metric over some runs' shown values.
pub(crate) fn group_spreads(
    members: &[&RunReport],
    metrics: &[MetricInfo],
) -> BTreeMap<String, Spread> {
    metrics
        .iter()
        .filter_map(|m| {
            let values: Vec<f64> = members
                .iter()
                .filter_map(|r| r.metrics.get(&m.name)?.shown())
                .collect();
            Some((m.name.clone(), stats::spread(&values)?))
        })
        .collect()
}

/// The spread of every metric over some runs' last values.
fn last_spreads(members: &[&RunReport], metrics: &[MetricInfo]) -> BTreeMap<String, Spread> {
    metrics
        .iter()
        .filter_map(|m| {
            let values: Vec<f64> = members
                .iter()
                .filter_map(|r| r.metrics.get(&m.name)?.last.map(|n| n.0))
                .collect();
            Some((m.name.clone(), stats::spread(&values)?))
        })
        .collect()
}

/// The wanted metrics that exist, else the ranking metric followed by other metrics with a
/// direction (validation and test ones first), at most [`AUTO_COLUMNS`].
fn choose_columns(metrics: &[MetricInfo], ranking: Option<&str>, wanted: &[String]) -> Vec<String> {
    if !wanted.is_empty() {
        return wanted
            .iter()
            .filter(|w| metrics.iter().any(|m| m.name == **w))
            .cloned()
            .collect();
    }
    let mut columns: Vec<String> = ranking.map(str::to_owned).into_iter().collect();
    let mut others: Vec<&MetricInfo> = metrics
        .iter()
        .filter(|m| m.direction.is_some() && Some(m.name.as_str()) != ranking)
        .collect();
    // Stable: keeps first-seen order within each kind.
    others.sort_by_key(|m| !is_validation_metric(&m.name));
    columns.extend(others.into_iter().map(|m| m.name.clone()));
    columns.truncate(AUTO_COLUMNS);
    columns
}

#[cfg(test)]
mod tests;
