//! CSV: one row per run of every selected project, unrounded (the shortest text that reads back
//! as the same number), blank where a run lacks a value. Columns: `project`, `run`, `rank`,
//! `status`, `group`, `seed`, `last_step`, `logged_steps`, `duration_s`, `source`, then `param.<key>` for every
//! hyperparameter and `metric.<name>` for every metric; with a baseline, `baseline.<name>` holds
//! the matched baseline run's value of each metric. Quoting follows RFC 4180.
//!
//! Text from logs is made safe to open in a spreadsheet: a text cell that begins with `=`, `+`,
//! `-`, `@`, a tab or a carriage return would be read as a formula (CSV injection), so it gets a
//! leading `'`, as OWASP recommends. Numbers are written as numbers.

use std::collections::BTreeSet;

use super::table::{Align, Csv, Markup, Table};
use super::{ProjectSummary, Summary};
use crate::format::number_full;
use crate::model::params::ParamValue;

/// A project page's runs.csv: the project's rows with the page's metrics and hyperparameters
/// only (`ahnb summary` exports them all), from the same summary.
pub fn runs_csv(project: &ProjectSummary, metrics: &[String], params: &[String]) -> String {
    let metrics: BTreeSet<&str> = metrics.iter().map(String::as_str).collect();
    let params: BTreeSet<&str> = params.iter().map(String::as_str).collect();
    // Filtered as it is written: cloning the summary to trim it was most of runs.csv's cost.
    csv_of(
        std::slice::from_ref(project),
        false,
        |m| metrics.contains(m),
        |k| params.contains(k),
    )
}

/// Renders the summary as CSV with CRLF-free `\n` line ends.
pub fn render_csv(summary: &Summary) -> String {
    csv_of(&summary.projects, summary.baseline, |_| true, |_| true)
}

/// The CSV of `projects`' runs, with the metrics and parameters the filters keep.
fn csv_of(
    projects: &[ProjectSummary],
    baseline: bool,
    keep_metric: impl Fn(&str) -> bool,
    keep_param: impl Fn(&str) -> bool,
) -> String {
    // By insertion: collecting every run's keys and sorting them was most of runs.csv's cost.
    let mut params: BTreeSet<&String> = BTreeSet::new();
    for run in projects.iter().flat_map(|p| p.runs.iter()) {
        params.extend(run.params.keys().filter(|k| keep_param(k)));
    }
    let mut metrics: Vec<&String> = Vec::new();
    for project in projects {
        for metric in &project.metrics {
            if keep_metric(&metric.name) && !metrics.contains(&&metric.name) {
                metrics.push(&metric.name);
            }
        }
    }
    let mut header: Vec<String> = [
        "project",
        "run",
        "rank",
        "status",
        "group",
        "seed",
        "last_step",
        "logged_steps",
        "duration_s",
        "source",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(params.iter().map(|k| text_cell(&format!("param.{k}"))));
    header.extend(metrics.iter().map(|m| text_cell(&format!("metric.{m}"))));
    if baseline {
        header.extend(metrics.iter().map(|m| format!("baseline.{m}")));
    }
    let mut table = Table::new();
    for heading in header {
        table.column(heading, Align::Left);
    }
    // Each row is its own: built on all cores (runs.csv is rewritten on every rebuild of its
    // project), then added in order.
    use rayon::prelude::*;
    for project in projects {
        let records: Vec<Vec<String>> = project
            .runs
            .par_iter()
            .map(|run| {
                let mut record: Vec<String> = vec![
                    text_cell(&project.name),
                    text_cell(&run.name),
                    run.rank.to_string(),
                    run.status.as_str().to_owned(),
                    text_cell(run.group.as_deref().unwrap_or_default()),
                    run.seed.map(|s| s.to_string()).unwrap_or_default(),
                    run.last_step.map(|s| s.to_string()).unwrap_or_default(),
                    run.logged_steps.to_string(),
                    run.duration_seconds
                        .map(|d| number_full(d.0))
                        .unwrap_or_default(),
                    text_cell(&run.source),
                ];
                record.extend(params.iter().map(|k| {
                    run.params
                        .get(*k)
                        .map(|v| match &v.0 {
                            ParamValue::Text(text) | ParamValue::List(text) => text_cell(text),
                            other => other.to_text(),
                        })
                        .unwrap_or_default()
                }));
                record.extend(metrics.iter().map(|m| {
                    run.metrics
                        .get(*m)
                        .and_then(|v| v.shown())
                        .map(number_full)
                        .unwrap_or_default()
                }));
                if baseline {
                    record.extend(metrics.iter().map(|m| {
                        run.baseline
                            .as_ref()
                            .and_then(|b| b.metrics.get(*m))
                            .map(|d| number_full(d.baseline.0))
                            .unwrap_or_default()
                    }));
                }
                record
            })
            .collect();
        for record in records {
            table.row(record);
        }
    }
    let mut out = String::new();
    Csv.write_table(&mut out, &table);
    out
}

/// A text cell from a log, neutralized against CSV injection (see the module comment).
pub fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 12, class 8): a run named `=HYPERLINK(...)` was a live formula in
    /// runs.csv and `summary --format csv`.
    #[test]
    fn text_cells_that_a_spreadsheet_would_run_are_neutralized() {
        for (text, safe) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("plain", "plain"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(text_cell(text), safe);
        }
    }

    #[test]
    fn quotes_fields_that_need_it() {
        let mut table = Table::new();
        for heading in ["a", "b,c", "say \"hi\"", ""] {
            table.column(heading, Align::Left);
        }
        let mut out = String::new();
        Csv.write_table(&mut out, &table);
        assert_eq!(out, "a,\"b,c\",\"say \"\"hi\"\"\",\n");
    }
}
