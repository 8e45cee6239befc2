//! Builds the chart inputs for each page from the model: metric families of a run ([`run`]),
//! overlays of a project's runs and seed-group bands ([`project`]), scatter plots and parallel
//! coordinates ([`points`]). The charts themselves are drawn by [`crate::chart`]; these modules
//! only decide what goes in them. Charts that draw runs' points take those runs with their
//! details ([`Featured`]): [`featured_runs`] says which runs of a project its page draws.

mod points;
mod project;
mod run;

use serde::Serialize;

use crate::format;
use crate::model::project::Project;

pub use points::{parallel_figure, scatter_figures};
pub use project::{project_figures_of, project_sparkline};
pub use run::run_figures;

/// Runs overlaid on one project chart; the best ones by the primary metric are kept.
pub const MAX_OVERLAY_RUNS: usize = 40;

/// Runs drawn on the scatter plots and parallel coordinates; the best by the primary metric are
/// kept. A point or line per run of a 10,000-run sweep made the project page 11 MB heavier; the
/// results table, runs.csv and the any-two scatter (drawn by the script from the page's data)
/// still hold every run.
pub const MAX_POINT_RUNS: usize = 500;

/// Seed groups drawn on the group chart; the groups of the best runs are kept. Every group has a
/// band as well as a line, and a sweep of 10,000 runs in threes made a 76 MB chart without it.
pub const MAX_CHART_GROUPS: usize = 40;

/// Charts drawn on one page (metric families of a run, metrics of a project). A run logging
/// thousands of metrics, or a log written to hurt, would otherwise make hundreds of megabytes of
/// SVG; every metric is still listed in the page's tables. The build warns when it applies.
pub const MAX_CHARTS: usize = 200;

/// A chart ready for a page and for its own `.svg` file. Deserializable so that a rebuild can
/// keep a project's charts from the last build (`site::figure_store`).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Figure {
    /// Unique within the page.
    pub id: String,
    pub title: String,
    /// File name of the standalone SVG (set by the site planner), or the name to download the
    /// chart as when it has no file of its own.
    pub file: String,
    /// The chart's own file name, before a page's planner placed it (`metric-loss.svg`): its
    /// name in a figures export (`export::figures`). Pages do not show it.
    #[serde(skip)]
    pub name: String,
    /// The chart is also written as its own `.svg` file at `file`; otherwise the page's script
    /// saves the drawn chart when asked.
    pub standalone: bool,
    pub svg: String,
    /// JSON for the script (hover, smoothing, the wall-time view); `None` for charts without it.
    pub data: Option<String>,
    /// The script can draw the chart against wall time (its data holds the runs' clocks).
    pub has_time: bool,
    /// Line charts get the smoothing slider.
    pub smoothable: bool,
    pub caption: Option<String>,
}

impl Figure {
    fn new(id: String, title: String, chart: crate::chart::Chart, smoothable: bool) -> Self {
        Figure {
            file: format!("{id}.svg"),
            name: String::new(),
            standalone: true,
            id,
            title,
            svg: chart.svg,
            data: chart.data,
            has_time: false,
            smoothable,
            caption: None,
        }
    }
}

/// Strips the prefixes and suffixes that mark a split (`val_`, `eval/`, `_test`) to find the
/// family a metric belongs to: `loss`, `val_loss` and `eval/loss` are one family.
pub fn metric_family(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    const PREFIXES: [&str; 16] = [
        "val_",
        "val/",
        "valid_",
        "valid/",
        "validation_",
        "validation/",
        "eval_",
        "eval/",
        "test_",
        "test/",
        "train_",
        "train/",
        "training_",
        "training/",
        "dev_",
        "dev/",
    ];
    const SUFFIXES: [&str; 6] = ["_val", "/val", "_test", "/test", "_train", "/train"];
    for prefix in PREFIXES {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if !rest.is_empty() {
                return rest.to_owned();
            }
        }
    }
    for suffix in SUFFIXES {
        if let Some(rest) = lower.strip_suffix(suffix) {
            if !rest.is_empty() {
                return rest.to_owned();
            }
        }
    }
    lower
}

/// Groups a run's metrics into families, in the order their first member appeared.
pub fn metric_families(order: &[String]) -> Vec<(String, Vec<String>)> {
    let mut families: Vec<(String, Vec<String>)> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for name in order {
        let family = metric_family(name);
        match index.get(&family) {
            Some(&at) => families[at].1.push(name.clone()),
            None => {
                index.insert(family.clone(), families.len());
                families.push((family, vec![name.clone()]));
            }
        }
    }
    families
}

/// Run indices shown on overlays: the best by the primary metric first, at most
/// [`MAX_OVERLAY_RUNS`], in run order.
pub fn overlay_runs(project: &Project) -> Vec<usize> {
    best_runs(project, MAX_OVERLAY_RUNS)
}

/// The indices of the best `n` runs by the primary metric (runs without it last), in run order.
pub(crate) fn best_runs(project: &Project, n: usize) -> Vec<usize> {
    let mut chosen: Vec<usize> = project.ranking.iter().copied().take(n).collect();
    chosen.sort_unstable();
    chosen
}

/// The footnote of a chart that draws `drawn` of the project's runs, if not all.
pub(crate) fn best_of_note(project: &Project, drawn: usize) -> Option<String> {
    (drawn < project.runs.len()).then(|| {
        format!(
            "best {} of {} runs shown",
            format::count(drawn as u64),
            format::count(project.runs.len() as u64)
        )
    })
}

/// The runs a project's page draws with their points, in run order: the overlays' runs, the
/// members of the charted seed groups and the index card's best run. Only these are read back
/// from the spill for the project's page; the compare view draws the runs' overviews instead
/// ([`super::project_data::compare_runs`]).
pub fn featured_runs(project: &Project) -> Vec<usize> {
    let mut runs = best_runs(project, MAX_OVERLAY_RUNS);
    if project.primary_metric.is_some() {
        for g in project::chart_groups(project) {
            runs.extend(&project.groups[g].members);
        }
    }
    runs.sort_unstable();
    runs.dedup();
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_join_splits() {
        let order: Vec<String> = [
            "loss",
            "accuracy",
            "val_loss",
            "val_accuracy",
            "eval/loss",
            "lr",
            "test_acc",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let families = metric_families(&order);
        let names: Vec<_> = families
            .iter()
            .map(|(f, m)| (f.as_str(), m.len()))
            .collect();
        assert_eq!(names, [("loss", 3), ("accuracy", 2), ("lr", 1), ("acc", 1)]);
    }
}
