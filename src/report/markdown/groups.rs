//! The seed-group table: mean ± std of each column per group, the change against the baseline
//! group and whether it stands out of run-to-run noise (Welch's t-test).

use super::*;

pub(super) fn write_groups_table(
    out: &mut String,
    project: &ProjectSummary,
    options: &SummaryOptions,
    rows: usize,
) {
    if project.groups.is_empty() {
        return;
    }
    if rows == 0 {
        let n = project.groups.len();
        let _ = writeln!(out, "\n… {n} seed {}", plural(n, "group", "groups"));
        return;
    }
    let precision = options.precision;
    let compared = project.baseline.as_ref().is_some_and(|b| b.found);
    let _ = writeln!(
        out,
        "\n#### Seed groups ({} with repeated seeds; mean ± std)\n",
        project.groups.len()
    );
    let mut table = Table::new();
    table
        .column("#", Align::Right)
        .column("group", Align::Left)
        .column("runs", Align::Right);
    match (&project.ranking_metric, compared) {
        (Some(metric), true) => {
            table
                .column(metric_heading(project, metric), Align::Right)
                .column("baseline", Align::Right)
                .column("Δ", Align::Right)
                .column("Welch p", Align::Right)
                .column("verdict", Align::Left);
            for group in project.groups.iter().take(rows) {
                let here = group.metrics.get(metric);
                let delta = group.baseline.as_ref().and_then(|b| b.metrics.get(metric));
                let here_text = here.map_or("—".to_owned(), |s| spread_text(s, precision));
                let (base_text, delta_cell, p_cell, verdict) = match (here, delta) {
                    (Some(here), Some(d)) => group_delta_cells(here, d, precision),
                    _ if group.baseline.is_some() => (
                        "—".to_owned(),
                        "—".to_owned(),
                        "—".to_owned(),
                        "no value on a side".to_owned(),
                    ),
                    _ => (
                        "—".to_owned(),
                        "—".to_owned(),
                        "—".to_owned(),
                        "🆕 new".to_owned(),
                    ),
                };
                table.row(vec![
                    group.rank.to_string(),
                    code(&shorten(&group.label)),
                    group.runs.len().to_string(),
                    here_text,
                    base_text,
                    delta_cell,
                    p_cell,
                    verdict,
                ]);
            }
        }
        _ => {
            for metric in &project.columns {
                table.column(metric_heading(project, metric), Align::Right);
            }
            for group in project.groups.iter().take(rows) {
                let mut cells = vec![
                    group.rank.to_string(),
                    code(&shorten(&group.label)),
                    group.runs.len().to_string(),
                ];
                for metric in &project.columns {
                    cells.push(
                        group
                            .metrics
                            .get(metric)
                            .map_or("—".to_owned(), |s| spread_text(s, precision)),
                    );
                }
                table.row(cells);
            }
        }
    }
    Markdown.write_table(out, &table);
    let more = project.groups.len().saturating_sub(rows);
    if more > 0 {
        let _ = writeln!(
            out,
            "\n… {more} more seed {}",
            plural(more, "group", "groups")
        );
    }
}

fn group_delta_cells(
    here: &Spread,
    d: &GroupDelta,
    precision: usize,
) -> (String, String, String, String) {
    let base_text = format!(
        "{} (n = {})",
        spread_text(&d.baseline, precision),
        d.baseline.n
    );
    let value_text = format_value(here.mean, precision);
    let delta = Delta {
        value: crate::report::Number(here.mean),
        baseline: crate::report::Number(d.baseline.mean),
        delta: crate::report::Number(d.delta),
        change: d.change,
    };
    let delta_cell = delta_text(&delta, &value_text, precision);
    let p_cell = d.welch.map_or("—".to_owned(), |w| format_p(w.p));
    let verdict = match (d.beyond_noise, d.change) {
        (None, _) => "not tested (n < 2 on a side)".to_owned(),
        (Some(false), _) | (Some(true), Change::Same) => "within noise".to_owned(),
        (Some(true), Change::Better) => "🟢 better, beyond noise".to_owned(),
        (Some(true), Change::Worse) => "🔴 worse, beyond noise".to_owned(),
        (Some(true), Change::Changed) => "changed, beyond noise".to_owned(),
    };
    (base_text, delta_cell, p_cell, verdict)
}

/// A p-value: three significant digits, "< 0.001" below that.
fn format_p(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("{p:.3}")
    }
}

/// "0.9912 ± 0.0008", the std in the mean's decimals.
fn spread_text(spread: &Spread, precision: usize) -> String {
    let mean = format_value(spread.mean, precision);
    if spread.n < 2 {
        return mean;
    }
    let std = format_spread(spread.std, &mean, precision);
    format!("{mean} ± {std}")
}
