//! Which metrics and hyperparameters a project page, its page data and runs.csv carry: at most
//! [`MAX_PAGE_METRICS`] and [`MAX_PAGE_PARAMS`], the most informative first, so that a page's size
//! grows with its runs, not with runs × distinct names (20 runs logging 10,000 metric names made a
//! 29 MB page). The rest are named on the page and stay in `ahnb summary --format csv/json`.

use std::collections::BTreeSet;

use crate::model::Project;

/// Metric columns a project page carries (best and last of each).
pub const MAX_PAGE_METRICS: usize = 100;
/// Hyperparameter columns a project page carries.
pub const MAX_PAGE_PARAMS: usize = 100;

/// The columns of one project's page, in the page's order, and the names left off.
#[derive(Debug, Clone, PartialEq)]
pub struct PageColumns {
    /// In the project's order (the results table puts the primary metric first).
    pub metrics: Vec<String>,
    /// In the project's order.
    pub params: Vec<String>,
    /// The shown hyperparameters that vary.
    pub varied: Vec<String>,
    /// Left off the page, in the project's order.
    pub more_metrics: Vec<String>,
    pub more_params: Vec<String>,
}

/// Chooses the page's columns: the primary metric, then the metrics most runs logged; the
/// hyperparameters that vary, then those most runs set. Ties keep the project's order.
pub fn page_columns(project: &Project) -> PageColumns {
    let primary = project
        .primary_metric
        .as_ref()
        .filter(|m| project.metrics.contains(m));
    let (metrics, more_metrics) =
        keep_most_informative(project.metrics.clone(), MAX_PAGE_METRICS, |m| {
            (
                Some(m) == primary,
                project
                    .runs
                    .iter()
                    .filter(|r| r.series.contains_key(m))
                    .count(),
            )
        });
    let varied: BTreeSet<&String> = project.varied_params.iter().collect();
    let (params, more_params) =
        keep_most_informative(project.params.clone(), MAX_PAGE_PARAMS, |k| {
            (
                varied.contains(k),
                project
                    .runs
                    .iter()
                    .filter(|r| r.header.params.contains_key(k))
                    .count(),
            )
        });
    let shown: BTreeSet<&String> = params.iter().collect();
    let varied = project
        .varied_params
        .iter()
        .filter(|k| shown.contains(k))
        .cloned()
        .collect();
    PageColumns {
        metrics,
        params,
        varied,
        more_metrics,
        more_params,
    }
}

/// Splits `names` into the `max` with the highest score (in their given order) and the rest.
fn keep_most_informative(
    names: Vec<String>,
    max: usize,
    score: impl Fn(&String) -> (bool, usize),
) -> (Vec<String>, Vec<String>) {
    if names.len() <= max {
        return (names, Vec::new());
    }
    let mut ranked: Vec<(usize, (bool, usize))> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (i, score(n)))
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let kept: BTreeSet<usize> = ranked.iter().take(max).map(|&(i, _)| i).collect();
    let (mut shown, mut rest) = (Vec::with_capacity(max), Vec::new());
    for (i, name) in names.into_iter().enumerate() {
        if kept.contains(&i) {
            shown.push(name);
        } else {
            rest.push(name);
        }
    }
    (shown, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_informative_names_are_kept_in_their_order() {
        let names: Vec<String> = ["a", "b", "c", "d", "e"].map(String::from).to_vec();
        let runs = |n: &String| match n.as_str() {
            "a" => (false, 1),
            "b" => (false, 5),
            "c" => (true, 0),
            "d" => (false, 5),
            _ => (false, 2),
        };
        let (shown, rest) = keep_most_informative(names.clone(), 3, runs);
        assert_eq!(shown, ["b", "c", "d"]);
        assert_eq!(rest, ["a", "e"]);
        let (shown, rest) = keep_most_informative(names.clone(), 5, runs);
        assert_eq!(shown, names);
        assert!(rest.is_empty());
    }
}
