//! Groups runs into projects and computes what a project page needs: the primary metric, the
//! ranking, the hyperparameters that vary, repeated-seed groups and each run's status.
//! Pure functions over owned data; runs are summarized in parallel with rayon.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;

use super::direction::{direction_of, is_validation_metric};
use super::status::{Divergence, decide_status, find_divergence};
use super::summary::metric::{rank_by, ranking_value};
use super::{Direction, ParamValue, ProjectConfig, Run, Status};
pub use crate::log::load::ProjectInput;
pub use crate::log::run::params::is_seed_key;

/// What the model stage derives for one run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub status: Status,
    pub divergence: Option<Divergence>,
    /// Key of the repeated-seed group this run belongs to, if any.
    pub group: Option<String>,
}

/// Runs that repeat one configuration with different seeds.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedGroup {
    pub key: String,
    /// Indices into `Project::runs`, in run order.
    pub members: Vec<usize>,
}

/// A project and everything derived from its runs.
#[derive(Debug, Clone)]
pub struct Project {
    pub name: String,
    /// The folder under LOGS holding all of this project's logs, if they share one.
    pub folder: Option<String>,
    pub config: ProjectConfig,
    /// The project folder's README.md, raw Markdown.
    pub readme: Option<String>,
    /// Runs sorted by name, then source path.
    pub runs: Vec<Run>,
    /// Per run, in the same order.
    pub summaries: Vec<RunSummary>,
    /// Every metric name, in the order first seen across the runs.
    pub metrics: Vec<String>,
    pub primary_metric: Option<String>,
    pub primary_direction: Direction,
    /// Run indices, best primary result first; runs without it last, by name.
    pub ranking: Vec<usize>,
    /// Every hyperparameter key, sorted.
    pub params: Vec<String>,
    /// Keys whose value differs between runs (or is missing in some).
    pub varied_params: Vec<String>,
    /// Groups of two or more runs repeating one configuration.
    pub groups: Vec<SeedGroup>,
}

/// What one run's page shows of its project besides the run itself ([`Project::run_context`]):
/// a run page is planned from its run, this and the site's paths, never from the other runs.
#[derive(Debug, Clone, Copy)]
pub struct RunContext<'a> {
    /// The run's index in the project.
    pub index: usize,
    pub project: &'a str,
    pub config: &'a ProjectConfig,
    pub primary_metric: Option<&'a String>,
    pub primary_direction: Direction,
    pub summary: &'a RunSummary,
    /// The names of the runs before and after it, for links.
    pub previous: Option<&'a str>,
    pub next: Option<&'a str>,
}

impl RunContext<'_> {
    /// Direction of a metric in the run's project.
    pub fn direction_of(&self, metric: &str) -> Option<Direction> {
        direction_of(self.config, metric)
    }
}

impl Project {
    /// What run `index`'s page shows of the project.
    pub fn run_context(&self, index: usize) -> RunContext<'_> {
        RunContext {
            index,
            project: &self.name,
            config: &self.config,
            primary_metric: self.primary_metric.as_ref(),
            primary_direction: self.primary_direction,
            summary: &self.summaries[index],
            previous: index.checked_sub(1).map(|i| self.runs[i].name.as_str()),
            next: self.runs.get(index + 1).map(|r| r.name.as_str()),
        }
    }

    /// Direction of a metric in this project.
    pub fn direction_of(&self, metric: &str) -> Option<Direction> {
        direction_of(&self.config, metric)
    }

    /// A run's best value of the primary metric.
    pub fn primary_best(&self, run: usize) -> Option<super::Point> {
        let metric = self.primary_metric.as_ref()?;
        self.runs[run]
            .series
            .get(metric)?
            .summary
            .best(self.primary_direction)
    }

    /// How many runs have each status, in `Status::ALL` order, leaving out zeros.
    pub fn status_counts(&self) -> Vec<(Status, usize)> {
        Status::ALL
            .iter()
            .map(|&s| (s, self.summaries.iter().filter(|r| r.status == s).count()))
            .filter(|&(_, n)| n > 0)
            .collect()
    }
}

/// Summarizes every project (in parallel) and returns them sorted by name.
pub fn build_projects(inputs: Vec<ProjectInput>) -> Vec<Project> {
    let mut projects: Vec<Project> = inputs.into_par_iter().map(summarize_project).collect();
    projects.sort_by(|a, b| a.name.cmp(&b.name));
    projects
}

fn summarize_project(input: ProjectInput) -> Project {
    let ProjectInput {
        name,
        folder,
        config,
        readme,
        mut runs,
    } = input;
    runs.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.source.cmp(&b.source)));

    let metrics = union_in_order(runs.iter().flat_map(|r| r.metric_order.iter()));
    let primary_metric = choose_primary_metric(&config, &runs, &metrics);
    let primary_direction = primary_metric
        .as_deref()
        .and_then(|m| direction_of(&config, m))
        .unwrap_or(Direction::Down);

    // Keys gathered by insertion, each cloned once: collecting every run's keys and sorting
    // them (6,000 strings for 1,000 runs) was a single-threaded stretch of every rebuild.
    let mut keys: BTreeSet<&str> = BTreeSet::new();
    for run in &runs {
        keys.extend(run.header.params.keys().map(String::as_str));
    }
    let params: Vec<String> = keys.into_iter().map(str::to_owned).collect();
    let varied_params = params
        .iter()
        .filter(|key| {
            let mut values = runs.iter().map(|r| r.header.params.get(*key));
            let first = values.next().flatten();
            values.any(|v| !same_text(v, first))
        })
        .cloned()
        .collect();

    let mut summaries: Vec<RunSummary> = runs
        .par_iter()
        .map(|run| {
            let divergence = find_divergence(run, |m| direction_of(&config, m));
            RunSummary {
                status: decide_status(run, divergence.as_ref()),
                divergence,
                group: None,
            }
        })
        .collect();
    let groups = find_seed_groups(&runs);
    for group in &groups {
        for &member in &group.members {
            summaries[member].group = Some(group.key.clone());
        }
    }

    let mut project = Project {
        name,
        folder,
        config,
        readme,
        runs,
        summaries,
        metrics,
        primary_metric,
        primary_direction,
        ranking: Vec::new(),
        params,
        varied_params,
        groups,
    };
    project.ranking = rank_runs(&project);
    project
}

/// Whether two values of a hyperparameter read the same ([`ParamValue::to_text`]), without
/// formatting them when they are the same value (numbers by their bits: 0 and -0 differ).
fn same_text(a: Option<&ParamValue>, b: Option<&ParamValue>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(ParamValue::Number(x)), Some(ParamValue::Number(y)))
            if x.to_bits() == y.to_bits() =>
        {
            true
        }
        (Some(x), Some(y)) if !matches!(x, ParamValue::Number(_)) && x == y => true,
        (Some(x), Some(y)) => x.to_text() == y.to_text(),
        _ => false,
    }
}

fn union_in_order<'a>(names: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    names.filter(|n| seen.insert(n.as_str())).cloned().collect()
}

/// Config, else the headers' hint, else the most common validation accuracy-like metric, else
/// validation loss, else the first metric.
fn choose_primary_metric(
    config: &ProjectConfig,
    runs: &[Run],
    metrics: &[String],
) -> Option<String> {
    if let Some(m) = &config.primary_metric {
        return Some(m.clone());
    }
    let hint = most_common(runs.iter().filter_map(|r| r.header.primary_metric.clone()));
    if hint.is_some() {
        return hint;
    }
    let runs_with = |m: &String| runs.iter().filter(|r| r.series.contains_key(m)).count();
    let pick = |pred: &dyn Fn(&String) -> bool| {
        // Most runs first; among equals, first seen.
        metrics
            .iter()
            .filter(|m| pred(m))
            .enumerate()
            .max_by_key(|(i, m)| (runs_with(m), std::cmp::Reverse(*i)))
            .map(|(_, m)| m.clone())
    };
    pick(&|m| is_validation_metric(m) && direction_of(config, m) == Some(Direction::Up))
        .or_else(|| pick(&|m| is_validation_metric(m) && m.to_ascii_lowercase().contains("loss")))
        .or_else(|| pick(&|m| direction_of(config, m) == Some(Direction::Up)))
        .or_else(|| pick(&|m| m.to_ascii_lowercase().contains("loss")))
        .or_else(|| metrics.first().cloned())
}

fn most_common(items: impl Iterator<Item = String>) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    // max_by_key keeps the last of equals; iterate reversed so the alphabetically first wins.
    counts
        .into_iter()
        .rev()
        .max_by_key(|(_, n)| *n)
        .map(|(k, _)| k)
}

/// Runs best first by the primary metric, with the summary's definitions of a run's value and of
/// the order ([`ranking_value`], [`rank_by`]).
fn rank_runs(project: &Project) -> Vec<usize> {
    let Some(metric) = project.primary_metric.as_deref() else {
        return (0..project.runs.len()).collect();
    };
    let direction = project.direction_of(metric);
    rank_by(
        project.runs.len(),
        |i| ranking_value(&project.runs[i], metric, direction),
        project.primary_direction,
    )
}

/// A seed group's short label: its `group` name, or the hyperparameters that vary in the
/// project (other than seeds) as its first member has them ("lr=0.001, dropout=0.25"), not all
/// fifteen that make up its key.
pub fn group_label(project: &Project, group: &SeedGroup) -> String {
    let run = &project.runs[group.members[0]];
    if run.header.group.as_deref() == Some(group.key.as_str()) {
        return group.key.clone();
    }
    let parts: Vec<String> = project
        .varied_params
        .iter()
        .filter(|k| !is_seed_key(k))
        .filter_map(|k| Some(format!("{k}={}", run.header.params.get(k)?.to_text())))
        .collect();
    if parts.is_empty() {
        group.key.clone()
    } else {
        parts.join(", ")
    }
}

/// Groups runs by their `group` key, or — for runs with a seed and no group — by their
/// hyperparameters other than the seed. Only groups of two or more are kept.
fn find_seed_groups(runs: &[Run]) -> Vec<SeedGroup> {
    let mut by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, run) in runs.iter().enumerate() {
        if let Some(key) = seed_group_key(run) {
            by_key.entry(key).or_default().push(i);
        }
    }
    by_key
        .into_iter()
        .filter(|(_, members)| members.len() >= 2)
        .map(|(key, members)| SeedGroup { key, members })
        .collect()
}

/// The key of the seed group a run would belong to: its `group`, else (when it has a seed) its
/// hyperparameters other than the seed; `None` for a run with neither. Also used to match seed
/// groups against a baseline, where a configuration may have a single run.
pub fn seed_group_key(run: &Run) -> Option<String> {
    match (&run.header.group, run.header.seed) {
        (Some(group), _) => Some(group.clone()),
        (None, Some(_)) => Some(config_key(run)),
        (None, None) => None,
    }
}

fn config_key(run: &Run) -> String {
    let parts: Vec<String> = run
        .header
        .params
        .iter()
        .filter(|(k, _)| !is_seed_key(k))
        .map(|(k, v)| format!("{k}={}", v.to_text()))
        .collect();
    if parts.is_empty() {
        "(no parameters)".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Every project's and run's page path, from their names in model order.
pub fn site_paths(projects: &[Project]) -> crate::paths::SitePaths {
    crate::paths::SitePaths::assign(
        projects
            .iter()
            .map(|p| (p.name.as_str(), p.runs.iter().map(|r| r.name.as_str()))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A hyperparameter varies when two runs show it differently, exactly as `to_text` writes
    /// it: the shortcut for equal values must not merge 0 and -0, nor split NaN from NaN or a
    /// number from the same text.
    #[test]
    fn values_are_the_same_when_they_read_the_same() {
        let n = |x: f64| Some(ParamValue::Number(x));
        let text = |t: &str| Some(ParamValue::Text(t.to_owned()));
        assert!(same_text(n(0.001).as_ref(), n(0.001).as_ref()));
        assert!(!same_text(n(0.001).as_ref(), n(0.01).as_ref()));
        assert_eq!(
            same_text(n(0.0).as_ref(), n(-0.0).as_ref()),
            ParamValue::Number(0.0).to_text() == ParamValue::Number(-0.0).to_text()
        );
        assert!(same_text(n(f64::NAN).as_ref(), n(f64::NAN).as_ref()));
        assert!(same_text(n(1.0).as_ref(), text("1").as_ref()));
        assert!(same_text(text("adam").as_ref(), text("adam").as_ref()));
        assert!(!same_text(text("adam").as_ref(), text("sgd").as_ref()));
        assert!(!same_text(text("adam").as_ref(), None));
        assert!(same_text(None, None));
    }
}
