//! View structs: exactly what templates see, built from the model with every number already
//! formatted. Links are relative (`root` leads back to the site root), so the site works from
//! `file://` and under any base path.

use serde::Serialize;

pub use super::figures::Figure;
use super::markdown::markdown_to_html;
use crate::format;
use crate::model::project::{Project, RunContext};
use crate::model::{Direction, Run, Status, progress};

/// What every page needs.
#[derive(Debug, Serialize)]
pub struct Page {
    /// The `<title>`.
    pub title: String,
    /// Relative path back to the site root: "" or "../" or "../../".
    pub root: String,
    /// Absolute base URL of the site (for canonical links), if given.
    pub base_url: Option<String>,
    /// Canonical path of this page relative to the root.
    pub path: String,
    pub generator: String,
}

impl Page {
    /// The common fields of a page at `path` (relative to the site root, `root` leading back to
    /// it), under the site's `base_url` when one is given.
    pub fn new(title: &str, root: &str, path: &str, base_url: Option<&str>) -> Self {
        Page {
            title: title.to_owned(),
            root: root.to_owned(),
            // `actions/configure-pages` gives the URL without a trailing slash: the page's path
            // is joined after exactly one.
            base_url: base_url.map(|u| format!("{}/", u.trim_end_matches('/'))),
            path: path.to_owned(),
            generator: format!("ahnb {}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// A page with nothing but the common fields (the 404 page).
#[derive(Debug, Serialize)]
pub struct PlainView {
    pub page: Page,
}

/// A link with a label.
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub label: String,
    pub href: String,
}

/// A labelled value.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    pub key: String,
    pub value: String,
}

/// A formatted number with its raw value for sorting (`NaN` sorts as missing).
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub text: String,
    /// Full-precision value for `data-sort` (empty when missing).
    pub raw: String,
    pub is_best: bool,
}

impl Cell {
    pub fn empty() -> Self {
        Cell {
            text: String::new(),
            raw: String::new(),
            is_best: false,
        }
    }

    pub fn number(value: f64) -> Self {
        Cell {
            text: format::number(value),
            raw: if value.is_finite() {
                format::number_full(value)
            } else {
                String::new()
            },
            is_best: false,
        }
    }

    pub fn text(text: String) -> Self {
        Cell {
            raw: text.clone(),
            text,
            is_best: false,
        }
    }
}

/// The status of a run, for a badge.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub name: &'static str,
    pub count: usize,
}

/// "Charts show the best 10 of 40 runs by val_accuracy." as numbers, for the theme to word.
#[derive(Debug, Serialize)]
pub struct OverlayNote {
    pub shown: usize,
    pub runs: usize,
    /// The ranking metric, or "rank" when the project has none.
    pub by: String,
}

// ---------------------------------------------------------------- index

#[derive(Debug, Serialize)]
pub struct IndexView {
    pub page: Page,
    pub projects: Vec<ProjectCard>,
    pub total_runs: usize,
    pub warnings: usize,
}

#[derive(Debug, Serialize)]
pub struct ProjectCard {
    pub name: String,
    pub href: String,
    pub runs: usize,
    pub statuses: Vec<StatusView>,
    pub primary_metric: Option<String>,
    pub best_value: Option<String>,
    pub best_run: Option<Link>,
    pub last_activity: Option<String>,
    pub sparkline: Option<String>,
    /// Unix seconds of the last activity, for sorting.
    pub last_activity_raw: f64,
}

// ---------------------------------------------------------------- project

#[derive(Debug, Serialize)]
pub struct ProjectView {
    pub page: Page,
    /// Metrics and hyperparameters left off the page (see `columns`), named in a note.
    pub more_metrics: Vec<String>,
    pub more_params: Vec<String>,
    pub name: String,
    pub readme_html: Option<String>,
    pub run_count: usize,
    /// Rows rendered into the HTML table (the best runs; the script shows them all).
    pub static_rows: usize,
    /// The charts below the results table are kept as text until they come near the viewport
    /// (deferred.js): on pages of more than `DEFER_CHARTS_OVER_RUNS` runs.
    pub defer_charts: bool,
    pub statuses: Vec<StatusView>,
    pub primary_metric: Option<String>,
    pub primary_direction: &'static str,
    pub best_run: Option<Link>,
    pub best_value: Option<String>,
    /// Hyperparameter columns: varied ones first; `varied` says which.
    pub param_columns: Vec<ParamColumn>,
    pub metric_columns: Vec<MetricColumn>,
    pub rows: Vec<RunRow>,
    pub groups: Vec<GroupView>,
    pub figures: Vec<Figure>,
    pub scatters: Vec<Figure>,
    pub parallel: Option<Figure>,
    /// "best 40 of 2000 runs shown" when overlays are capped.
    /// When the charts leave runs out: how many they show, of how many, ranked by what.
    pub overlay_note: Option<OverlayNote>,
    /// Every run's parameters and best/last metrics as JSON, for the script (any-two scatter,
    /// compare, CSV download). Safe inside `<script type="application/json">`.
    pub data_json: String,
    /// The script beside the page with the compare view's curves (loaded when first wanted).
    pub curves_file: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ParamColumn {
    pub key: String,
    pub varied: bool,
}

#[derive(Debug, Serialize)]
pub struct MetricColumn {
    pub name: String,
    /// "up", "down" or "" when the name says nothing.
    pub direction: &'static str,
    pub is_primary: bool,
}

#[derive(Debug, Serialize)]
pub struct RunRow {
    /// Index of the run in the project (for highlighting across table and charts).
    pub index: usize,
    pub color: &'static str,
    pub name: String,
    pub href: String,
    pub rank: Option<usize>,
    pub status: &'static str,
    pub duration: Cell,
    /// Steps logged (a count, not the last step's index).
    pub steps: Cell,
    /// "epoch 2 of 30" and a bar, when the run has a plan.
    pub progress: Option<ProgressView>,
    pub group: Option<String>,
    pub seed: Option<String>,
    pub params: Vec<Cell>,
    /// Per metric column: best then last.
    pub metrics: Vec<MetricCells>,
}

#[derive(Debug, Serialize)]
pub struct ProgressView {
    pub text: String,
    /// Done over planned as a whole percentage, for the bar's width.
    pub percent: u32,
    /// Done over planned, full precision, for sorting.
    pub raw: String,
    /// "about 12 min left" for a run still writing.
    pub left: Option<String>,
}

/// A run's progress against its plan, for the results table.
pub fn progress_view(run: &Run, status: Status) -> Option<ProgressView> {
    let p = progress::progress(run)?;
    Some(ProgressView {
        text: p.text(),
        percent: (p.fraction() * 100.0).floor() as u32,
        raw: format::number_full(p.fraction()),
        left: progress::time_left(run, status, Some(&p))
            .map(|s| format!("about {} left", format::duration(s))),
    })
}

#[derive(Debug, Serialize)]
pub struct MetricCells {
    pub best: Cell,
    pub last: Cell,
}

#[derive(Debug, Serialize)]
pub struct GroupView {
    /// The hyperparameters that vary in the project, as this group has them.
    pub label: String,
    /// The full configuration key (every hyperparameter but the seed), for a tooltip.
    pub key: String,
    pub runs: Vec<Link>,
    /// Mean ± sample standard deviation of the primary metric's best value over the group.
    pub primary: Option<String>,
    /// The same of its last (final) value.
    pub primary_last: Option<String>,
    /// The 95 % confidence interval of the best value's mean, "[0.9712, 0.9801]".
    pub primary_ci: Option<String>,
}

// ---------------------------------------------------------------- run

#[derive(Debug, Serialize)]
pub struct RunView {
    pub page: Page,
    pub project: Link,
    pub name: String,
    pub source: String,
    pub status: &'static str,
    pub start: Option<String>,
    pub start_iso: Option<String>,
    pub duration: Option<String>,
    pub previous: Option<Link>,
    pub next: Option<Link>,
    pub raw_log: Option<String>,
    pub story: RunStory,
    pub error: Option<String>,
    pub headline: Vec<Headline>,
    pub params: Vec<Pair>,
    pub tags: Vec<String>,
    pub seed: Option<String>,
    pub group: Option<String>,
    pub model: Option<ModelView>,
    pub env: Vec<Pair>,
    pub metrics: Vec<MetricRow>,
    pub final_metrics: Vec<Pair>,
    pub notes_html: Option<String>,
    pub step_notes: Vec<StepNote>,
    pub media: Vec<MediaGroup>,
    pub figures: Vec<Figure>,
    pub lines: String,
    pub warnings: u64,
}

#[derive(Debug, Serialize)]
pub struct Headline {
    pub name: String,
    pub best: String,
    pub best_at: String,
    pub last: String,
    pub is_primary: bool,
}

#[derive(Debug, Serialize)]
pub struct ModelView {
    pub name: Option<String>,
    pub layers: Vec<LayerView>,
    pub total: Option<String>,
    pub trainable: Option<String>,
    pub non_trainable: Option<String>,
    /// The summary as printed by the tool, shown preformatted (escaped like everything else).
    pub text: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct LayerView {
    pub name: String,
    pub kind: String,
    pub shape: String,
    pub params: String,
    pub trainable: Option<bool>,
}

#[derive(Debug, Serialize)]
pub struct MetricRow {
    pub name: String,
    pub direction: &'static str,
    pub last: String,
    pub last_step: String,
    pub best: String,
    pub best_step: String,
    pub min: String,
    pub max: String,
    pub points: String,
    pub nonfinite: u64,
    pub first_nonfinite_step: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct StepNote {
    pub step: Option<String>,
    pub html: String,
}

#[derive(Debug, Serialize)]
pub struct MediaGroup {
    pub name: String,
    pub items: Vec<MediaItem>,
}

#[derive(Debug, Serialize)]
pub struct MediaItem {
    pub step: Option<String>,
    pub kind: &'static str,
    pub title: String,
    pub description: Option<String>,
    /// The description as inline Markdown (`code` in captions), sanitized.
    pub description_html: Option<String>,
    /// Site-relative path of a copied file (images, GIFs, SVGs).
    pub src: Option<String>,
    /// Sanitized HTML for HTML media.
    pub html: Option<String>,
    /// Plain text for text media.
    pub text: Option<String>,
}

pub fn direction_name(direction: Option<Direction>) -> &'static str {
    match direction {
        Some(Direction::Up) => "up",
        Some(Direction::Down) => "down",
        None => "",
    }
}

/// The readme and notes of a project, rendered and sanitized.
pub fn render_notes(markdown: Option<&str>) -> Option<String> {
    markdown
        .filter(|m| !m.trim().is_empty())
        .map(markdown_to_html)
}

/// Index of the project's status counts as badges.
pub fn status_views(project: &Project) -> Vec<StatusView> {
    project
        .status_counts()
        .into_iter()
        .map(|(status, count)| StatusView {
            name: status.as_str(),
            count,
        })
        .collect()
}

/// What the sentences at the top of a run page say, as facts: the theme's `run.html` words
/// them (so a theme can reword or translate them).
#[derive(Debug, Default, Serialize)]
pub struct RunStory {
    /// The best value of the primary metric and where it was reached.
    pub best: Option<StoryValue>,
    /// How the training loss moved from its first to its last finite value.
    pub loss: Option<LossTrend>,
    /// Where the run diverged: the metric and its first non-finite value.
    pub divergence: Option<StoryValue>,
    /// How the run ended, when that is worth a sentence: "failed" (with `error`),
    /// "failed-silently", "killed", "cut-off" or "no-end".
    pub ending: Option<&'static str>,
    /// The first line of a failed run's error.
    pub error: Option<String>,
    /// How far the run got against its plan, when it did not finish it.
    pub progress: Option<StoryProgress>,
}

/// A metric's value at a position in training ("0.9812", "epoch 15 (step 14)").
#[derive(Debug, Serialize)]
pub struct StoryValue {
    pub metric: String,
    pub value: String,
    pub at: String,
}

#[derive(Debug, Serialize)]
pub struct LossTrend {
    pub metric: String,
    pub fell: bool,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Serialize)]
pub struct StoryProgress {
    /// "epoch 2 of 30".
    pub reached: String,
    /// Whole percent done, rounded down.
    pub percent: String,
    /// Time left at the pace of the log, for a run still writing.
    pub left: Option<String>,
}

/// The facts at the top of a run page, from the data.
pub fn describe_run(context: &RunContext, run: &Run) -> RunStory {
    let summary = context.summary;
    let mut story = RunStory::default();

    if let Some(metric) = context.primary_metric {
        if let Some(series) = run.series.get(metric) {
            if let Some(best) = series.summary.best(context.primary_direction) {
                story.best = Some(StoryValue {
                    metric: metric.clone(),
                    value: format::number(best.value),
                    at: step_label(run, best.step),
                });
            }
        }
    }
    let loss = run
        .metric_order
        .iter()
        .find(|m| {
            !crate::model::direction::is_validation_metric(m)
                && m.to_ascii_lowercase().contains("loss")
        })
        .or_else(|| {
            run.metric_order
                .iter()
                .find(|m| m.to_ascii_lowercase().contains("loss"))
        });
    if let Some(loss) = loss {
        let s = &run.series[loss].summary;
        if let (Some(first), Some(last)) = (s.first, s.last_finite) {
            if first.step != last.step && first.value.is_finite() {
                story.loss = Some(LossTrend {
                    metric: loss.clone(),
                    fell: last.value < first.value,
                    from: format::number(first.value),
                    to: format::number(last.value),
                });
            }
        }
    }
    if let Some(d) = &summary.divergence {
        story.divergence = Some(StoryValue {
            metric: d.metric.clone(),
            value: format::number(d.at.value),
            at: step_label(run, d.at.step),
        });
    }
    story.ending = match summary.status {
        Status::Failed => {
            story.error = run
                .end
                .as_ref()
                .and_then(|e| e.error.as_deref())
                .map(|e| first_line(e).to_owned());
            Some(if story.error.is_some() {
                "failed"
            } else {
                "failed-silently"
            })
        }
        Status::Killed => Some("killed"),
        Status::Incomplete if run.truncated => Some("cut-off"),
        Status::Incomplete => Some("no-end"),
        _ => None,
    };
    story.progress = story_progress(run, summary.status);
    story
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// Where a step of a run is in training, in the one convention of `model::progress`
/// ("epoch 15 (step 14)" for a zero-based epoch counter): for the headline cards' "best at …",
/// the summary's sentences and `ahnb summary`.
pub fn step_label(run: &Run, step: i64) -> String {
    format::position(step, progress::shown_epoch(run, step))
}

/// "epoch 2 of 30 (7 %)" against the run's plan, with the time left for a run still writing.
fn story_progress(run: &Run, status: Status) -> Option<StoryProgress> {
    let p = progress::progress(run)?;
    // A run that finished its plan needs no sentence about it.
    if status == Status::Finished && p.fraction() >= 1.0 {
        return None;
    }
    Some(StoryProgress {
        reached: p.text(),
        percent: (p.fraction() * 100.0).floor().to_string(),
        left: progress::time_left(run, status, Some(&p)).map(format::duration),
    })
}
