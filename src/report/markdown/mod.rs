//! GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments: per project
//! the top runs with the hyperparameters that vary, their statuses and best metrics, changes
//! against a baseline, and seed groups with mean ± std and a noise test.
//!
//! Constraints from GitHub: a comment holds at most 65,536 characters, so the tables are cut
//! (with an "N more runs" line linking the site) until the whole text fits; `data:` images are
//! stripped, so trends are Unicode sparklines; text from logs is escaped (`|` would split a table
//! cell, `@name` would notify someone).

mod escape;
mod groups;

use std::fmt::Write;

use super::table::{Align, Markdown, Markup, Table};
pub use escape::{code, escape_text, link_url};
use groups::write_groups_table;

use super::sparkline::sparkline;
use super::{
    ProjectSummary, RunReport, Summary, SummaryOptions, format_like, format_spread, format_value,
};
use crate::model::project::is_seed_key;
use crate::model::summary::baseline::{Change, Delta, GroupDelta};
use crate::model::summary::stats::{ALPHA, Spread};
use crate::model::{Direction, Status};

/// The most characters GitHub accepts in a comment; the output never exceeds it (in bytes, so
/// in characters too).
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// First line of every summary, so a workflow can find its previous comment and update it.
pub const MARKER: &str = "<!-- ahnb-summary -->";

/// Hyperparameter columns per table; more varying ones are named in a note.
const MAX_PARAM_COLUMNS: usize = 4;

/// Runs named in a list (attention, new, gone) before "and N more".
const MAX_NAMED: usize = 10;

/// Longest run name, label or message shown, in characters.
const MAX_TEXT: usize = 60;

/// Renders the summary, cutting tables as needed to stay within [`GITHUB_COMMENT_LIMIT`].
pub fn render_markdown(summary: &Summary, options: &SummaryOptions) -> String {
    render_within(summary, options, GITHUB_COMMENT_LIMIT)
}

/// Renders with at most `options.top` rows per table, fewer if the text would pass `limit`.
pub fn render_within(summary: &Summary, options: &SummaryOptions, limit: usize) -> String {
    let full = render_with_rows(summary, options, options.top);
    if full.len() <= limit {
        return full;
    }
    // The largest row count that fits: the length grows with it, so bisect.
    let (mut lo, mut hi) = (0usize, options.top);
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        if render_with_rows(summary, options, mid).len() <= limit {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let text = render_with_rows(summary, options, lo);
    if text.len() <= limit {
        return text;
    }
    cut_at_line(&text, limit, summary.site_url.as_deref())
}

/// Last resort when even headings alone are too long (thousands of projects): keep whole lines.
fn cut_at_line(text: &str, limit: usize, site: Option<&str>) -> String {
    let note = match site {
        Some(url) => format!(
            "\n\n… cut to fit a GitHub comment; [see everything]({})\n",
            link_url(url)
        ),
        None => "\n\n… cut to fit a GitHub comment\n".to_owned(),
    };
    let mut end = limit.saturating_sub(note.len()).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').unwrap_or(0);
    format!("{}{note}", &text[..end])
}

fn render_with_rows(summary: &Summary, options: &SummaryOptions, rows: usize) -> String {
    let mut out = String::new();
    out.push_str(MARKER);
    out.push('\n');
    if summary.baseline {
        out.push_str("## Training runs compared with the baseline\n");
    } else {
        out.push_str("## Training runs\n");
    }
    if summary.projects.is_empty() {
        out.push_str("\nNo runs found.\n");
    }
    for project in &summary.projects {
        write_project(&mut out, project, options, rows);
    }
    write_footnote(&mut out, summary);
    out
}

fn write_project(
    out: &mut String,
    project: &ProjectSummary,
    options: &SummaryOptions,
    rows: usize,
) {
    let _ = write!(out, "\n### {}\n\n", escape_text(&project.name));
    let counts: Vec<String> = project
        .status_counts
        .iter()
        .map(|(status, n)| format!("{n} {} {}", status_icon(*status), status.as_str()))
        .collect();
    let _ = write!(
        out,
        "**{} {}**: {}",
        project.runs.len(),
        plural(project.runs.len(), "run", "runs"),
        counts.join(" · ")
    );
    if let Some(metric) = &project.ranking_metric {
        let _ = write!(
            out,
            " — ranked by {} {} ({} is better)",
            value_kind(project, metric),
            code(metric),
            match project.ranking_direction {
                Direction::Up => "higher",
                Direction::Down => "lower",
            }
        );
    }
    if let Some(url) = &project.url {
        let _ = write!(out, " · [dashboard]({})", link_url(url));
    }
    out.push('\n');
    write_baseline_headline(out, project, options);
    write_runs_table(out, project, options, rows);
    write_attention(out, project);
    write_groups_table(out, project, options, rows);
}

/// "best" for metrics with a direction, else "last".
fn value_kind(project: &ProjectSummary, metric: &str) -> &'static str {
    match project
        .metrics
        .iter()
        .find(|m| m.name == metric)
        .and_then(|m| m.direction)
    {
        Some(_) => "best",
        None => "last",
    }
}

fn write_baseline_headline(out: &mut String, project: &ProjectSummary, options: &SummaryOptions) {
    let Some(comparison) = &project.baseline else {
        return;
    };
    out.push('\n');
    if !comparison.found {
        let _ = writeln!(
            out,
            "🆕 The baseline has no project {}: every run is new.",
            code(&project.name)
        );
        return;
    }
    let mut sentences = Vec::new();
    if let (Some(best), Some(metric)) = (&comparison.best, &project.ranking_metric) {
        let value = format_value(best.value.0, options.precision);
        sentences.push(format!(
            "Best {}: **{value}** against {} on the baseline ({}).",
            code(metric),
            format_value(best.baseline.0, options.precision),
            delta_text(best, &value, options.precision)
        ));
    }
    if !comparison.new_runs.is_empty() {
        sentences.push(format!(
            "{} new {}: {}.",
            comparison.new_runs.len(),
            plural(comparison.new_runs.len(), "run", "runs"),
            name_list(&comparison.new_runs)
        ));
    }
    if !comparison.missing_runs.is_empty() {
        sentences.push(format!(
            "{} baseline {} not here: {}.",
            comparison.missing_runs.len(),
            plural(comparison.missing_runs.len(), "run", "runs"),
            name_list(&comparison.missing_runs)
        ));
    }
    if let Some(verdicts) = group_verdicts(project) {
        sentences.push(verdicts);
    }
    if sentences.is_empty() {
        sentences.push("Same runs as the baseline.".to_owned());
    }
    let _ = writeln!(out, "{}", sentences.join(" "));
}

/// "Seed groups on `val_accuracy`: 1 🟢 better and 0 🔴 worse beyond noise, 4 within noise,
/// 1 not tested."
fn group_verdicts(project: &ProjectSummary) -> Option<String> {
    let metric = project.ranking_metric.as_ref()?;
    let deltas: Vec<&GroupDelta> = project
        .groups
        .iter()
        .filter_map(|g| g.baseline.as_ref()?.metrics.get(metric))
        .collect();
    if deltas.is_empty() {
        return None;
    }
    let count = |f: &dyn Fn(&GroupDelta) -> bool| deltas.iter().filter(|d| f(d)).count();
    let better = count(&|d| d.beyond_noise == Some(true) && d.change == Change::Better);
    let worse = count(&|d| d.beyond_noise == Some(true) && d.change == Change::Worse);
    let untested = count(&|d| d.beyond_noise.is_none());
    let within = deltas.len() - better - worse - untested;
    let mut text = format!(
        "Seed groups on {}: {better} 🟢 better and {worse} 🔴 worse beyond run-to-run noise, {within} within noise",
        code(metric)
    );
    if untested > 0 {
        let _ = write!(text, ", {untested} not tested (fewer than two runs a side)");
    }
    text.push('.');
    Some(text)
}

fn name_list(names: &[String]) -> String {
    let mut shown: Vec<String> = names
        .iter()
        .take(MAX_NAMED)
        .map(|n| code(&shorten(n)))
        .collect();
    if names.len() > MAX_NAMED {
        shown.push(format!("and {} more", names.len() - MAX_NAMED));
    }
    shown.join(", ")
}

/// The hyperparameters shown as columns: those that vary among the rows shown (seeds left out:
/// run names and groups say them), at most [`MAX_PARAM_COLUMNS`]; and how many more vary.
fn param_columns(project: &ProjectSummary, rows: usize) -> (Vec<&String>, usize) {
    let shown = &project.runs[..rows.min(project.runs.len())];
    let keys: Vec<&String> = project
        .varied_params
        .iter()
        .filter(|k| !is_seed_key(k))
        .filter(|k| {
            let mut values = shown.iter().map(|r| r.params.get(*k));
            let first = values.next().flatten();
            values.any(|v| v != first)
        })
        .collect();
    let hidden = keys.len().saturating_sub(MAX_PARAM_COLUMNS);
    (keys.into_iter().take(MAX_PARAM_COLUMNS).collect(), hidden)
}

fn write_runs_table(
    out: &mut String,
    project: &ProjectSummary,
    options: &SummaryOptions,
    rows: usize,
) {
    if project.runs.is_empty() {
        return;
    }
    if rows == 0 {
        write_more_runs(out, project, project.runs.len());
        return;
    }
    let (params, hidden_params) = param_columns(project, rows);
    let with_trend = project.runs.iter().any(|r| r.trend.len() >= 2);
    let mut table = Table::new();
    table
        .column("#", Align::Right)
        .column("run", Align::Left)
        .column("status", Align::Left);
    for key in &params {
        table.column(escape_text(key), Align::Right);
    }
    for metric in &project.columns {
        table.column(metric_heading(project, metric), Align::Right);
    }
    if with_trend {
        table.column("trend", Align::Left);
    }
    let best: Vec<Option<f64>> = project
        .columns
        .iter()
        .map(|metric| project.column_best(metric))
        .collect();
    for run in project.runs.iter().take(rows) {
        table.row(run_row(project, run, &params, &best, with_trend, options));
    }
    out.push('\n');
    Markdown.write_table(out, &table);
    write_more_runs(out, project, project.runs.len().saturating_sub(rows));
    if hidden_params > 0 {
        let _ = writeln!(
            out,
            "\n{hidden_params} more varying {} not shown.",
            plural(hidden_params, "hyperparameter", "hyperparameters")
        );
    }
}

/// One run's cells in the runs table.
fn run_row(
    project: &ProjectSummary,
    run: &RunReport,
    params: &[&String],
    best: &[Option<f64>],
    with_trend: bool,
    options: &SummaryOptions,
) -> Vec<String> {
    let name = code(&shorten(&run.name));
    let name = match &run.url {
        Some(url) => format!("[{name}]({})", link_url(url)),
        None => name,
    };
    let new = if project.baseline.as_ref().is_some_and(|b| b.found) && run.baseline.is_none() {
        " 🆕"
    } else {
        ""
    };
    let mut cells = vec![
        run.rank.to_string(),
        format!("{name}{new}"),
        format!("{} {}", status_icon(run.status), run.status.as_str()),
    ];
    for key in params {
        let value = run
            .params
            .get(*key)
            .map(|p| p.0.to_text())
            .unwrap_or_default();
        cells.push(escape_text(&shorten(&value)));
    }
    for (metric, best) in project.columns.iter().zip(best) {
        cells.push(match run.metrics.get(metric).and_then(|m| m.shown()) {
            None => "—".to_owned(),
            Some(value) => {
                let text = format_value(value, options.precision);
                let delta = run.baseline.as_ref().and_then(|b| b.metrics.get(metric));
                let shown = if *best == Some(value) {
                    format!("**{text}**")
                } else {
                    text.clone()
                };
                match delta {
                    Some(d) if d.change != Change::Same => {
                        format!("{shown} ({})", delta_text(d, &text, options.precision))
                    }
                    _ => shown,
                }
            }
        });
    }
    if with_trend {
        cells.push(sparkline(&run.trend));
    }
    cells
}

fn write_more_runs(out: &mut String, project: &ProjectSummary, more: usize) {
    if more == 0 {
        return;
    }
    let _ = write!(out, "\n… {more} more {}", plural(more, "run", "runs"));
    match &project.url {
        Some(url) => {
            let _ = writeln!(out, ": [see them all on the dashboard]({})", link_url(url));
        }
        None => {
            let _ = writeln!(
                out,
                " (raise `--top`, or pass `--site-url` to link the dashboard)"
            );
        }
    }
}

/// "+0.0006 ↑ 🟢": the signed change in the value's own decimals, which way the value moved,
/// and whether that is better or worse for this metric.
pub fn delta_text(delta: &Delta, value_text: &str, precision: usize) -> String {
    if !delta.delta.0.is_finite() {
        return match delta.change {
            Change::Worse => "was finite 🔴".to_owned(),
            Change::Better => "was non-finite 🟢".to_owned(),
            _ => "unchanged".to_owned(),
        };
    }
    if delta.change == Change::Same {
        return "±0".to_owned();
    }
    let magnitude = format_like(delta.delta.0.abs(), value_text, precision);
    let (sign, arrow) = if delta.delta.0 > 0.0 {
        ("+", "↑")
    } else {
        ("-", "↓")
    };
    format!("{sign}{magnitude} {arrow}{}", change_mark(delta.change))
}

fn change_mark(change: Change) -> &'static str {
    match change {
        Change::Better => " 🟢",
        Change::Worse => " 🔴",
        Change::Same | Change::Changed => "",
    }
}

fn metric_heading(project: &ProjectSummary, metric: &str) -> String {
    let arrow = match project
        .metrics
        .iter()
        .find(|m| m.name == metric)
        .and_then(|m| m.direction)
    {
        Some(Direction::Up) => " ↑",
        Some(Direction::Down) => " ↓",
        None => "",
    };
    format!("{}{arrow}", code(metric))
}

/// Every run that did not finish (failed, diverged, killed, incomplete) by name, wherever it ranks.
fn write_attention(out: &mut String, project: &ProjectSummary) {
    let troubled: Vec<&RunReport> = project
        .runs
        .iter()
        .filter(|r| r.status != Status::Finished)
        .collect();
    if troubled.is_empty() {
        return;
    }
    let mut items: Vec<String> = troubled
        .iter()
        .take(MAX_NAMED)
        .map(|run| {
            let mut item = format!(
                "{} {} {}",
                code(&shorten(&run.name)),
                status_icon(run.status),
                run.status.as_str()
            );
            if let Some(d) = &run.divergence {
                let _ = write!(
                    item,
                    " at {} ({} became non-finite)",
                    crate::format::position(d.step, d.epoch.map(|e| e.0)),
                    code(&d.metric)
                );
            }
            // A run that stopped early says how far it got against its plan.
            if matches!(run.status, Status::Incomplete | Status::Killed) {
                if let (Some(done), Some(planned)) = (run.last_epoch, run.planned_epochs) {
                    let _ = write!(
                        item,
                        " at epoch {} of {planned}",
                        crate::format::number(done.0)
                    );
                }
            }
            if let Some(error) = &run.error {
                let _ = write!(item, ": {}", code(&shorten(error)));
            }
            item
        })
        .collect();
    if troubled.len() > MAX_NAMED {
        items.push(format!("and {} more", troubled.len() - MAX_NAMED));
    }
    let _ = writeln!(out, "\n⚠️ **Needs attention:** {}", items.join(" · "));
}

fn write_footnote(out: &mut String, summary: &Summary) {
    let mut note = String::from(
        "\n<sub>Values: the best over training (max for ↑ metrics, min for ↓), the last value for metrics without a direction, else the end record's.",
    );
    if summary.baseline {
        let _ = write!(
            note,
            " Δ = this − baseline, runs matched by log path or name, seed groups by configuration; ↑/↓ the value rose/fell; 🟢 better, 🔴 worse for that metric. Seed groups: mean ± sample standard deviation over seeds; a change is called beyond run-to-run noise when Welch's t-test gives p < {ALPHA} (two-sided), and is only tested with at least two runs on each side."
        );
    } else if summary.projects.iter().any(|p| !p.groups.is_empty()) {
        note.push_str(" Seed groups: mean ± sample standard deviation over seeds.");
    }
    if summary
        .projects
        .iter()
        .any(|p| p.runs.iter().any(|r| r.trend.len() >= 2))
    {
        note.push_str(" Trend: the ranking metric over training.");
    }
    note.push_str(" Made by ahnb.</sub>\n");
    out.push_str(&note);
}

fn status_icon(status: Status) -> &'static str {
    match status {
        Status::Finished => "✅",
        Status::Diverged => "💥",
        Status::Failed => "❌",
        Status::Killed => "⏹️",
        Status::Incomplete => "⏳",
    }
}

fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// Cuts long names and messages to [`MAX_TEXT`] characters with an ellipsis.
fn shorten(text: &str) -> String {
    crate::chart::shorten(text, MAX_TEXT)
}
