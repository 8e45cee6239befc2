//! View structs: exactly what templates see, built from the model with every number already
//! formatted. Links are relative (`root` leads back to the site root), so the site works from
//! `file://` and under any base path.

use serde::Serialize;

pub use super::figures::Figure;
use super::format;
use super::markdown::markdown_to_html;
use crate::model::project::Project;
use crate::model::{Direction, Run, Status};

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
    pub name: String,
    pub readme_html: Option<String>,
    pub run_count: usize,
    /// Rows rendered into the HTML table (the best runs; the script shows them all).
    pub static_rows: usize,
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
    pub overlay_note: Option<String>,
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
    pub steps: Cell,
    pub group: Option<String>,
    pub seed: Option<String>,
    pub params: Vec<Cell>,
    /// Per metric column: best then last.
    pub metrics: Vec<MetricCells>,
}

#[derive(Debug, Serialize)]
pub struct MetricCells {
    pub best: Cell,
    pub last: Cell,
}

#[derive(Debug, Serialize)]
pub struct GroupView {
    pub key: String,
    pub runs: Vec<Link>,
    /// Mean ± standard deviation of the primary metric's best value over the group.
    pub primary: Option<String>,
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
    pub summary: Vec<String>,
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

/// The sentences at the top of a run page, written from the data.
pub fn describe_run(project: &Project, index: usize) -> Vec<String> {
    let run = &project.runs[index];
    let summary = &project.summaries[index];
    let mut sentences = Vec::new();
    let epochs = run
        .epoch
        .as_ref()
        .and_then(|e| e.summary.max)
        .map(|p| p.value);
    let at = |step: i64| step_phrase(run, step, epochs);

    if let Some(metric) = &project.primary_metric {
        if let Some(series) = run.series.get(metric) {
            if let Some(best) = series.summary.best(project.primary_direction) {
                sentences.push(format!(
                    "Best {metric} {} {}.",
                    format::number(best.value),
                    at(best.step)
                ));
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
                let verb = if last.value < first.value {
                    "fell"
                } else {
                    "rose"
                };
                sentences.push(format!(
                    "{loss} {verb} from {} to {}.",
                    format::number(first.value),
                    format::number(last.value)
                ));
            }
        }
    }
    if let Some(d) = &summary.divergence {
        sentences.push(format!(
            "Diverged {} ({} became {}).",
            at(d.at.step),
            d.metric,
            format::number(d.at.value)
        ));
    }
    match summary.status {
        Status::Failed => {
            let error = run.end.as_ref().and_then(|e| e.error.clone());
            sentences.push(match error {
                Some(e) => format!("Failed: {}", first_line(&e)),
                None => "Failed (no error message was logged).".to_owned(),
            });
        }
        Status::Killed => sentences.push("Killed before it finished.".to_owned()),
        Status::Incomplete if run.truncated => sentences.push(
            "No end record and the last line is cut off: the run crashed or is still writing."
                .to_owned(),
        ),
        Status::Incomplete => {
            sentences.push("No end record: still training, or it died without a word.".to_owned())
        }
        _ => {}
    }
    sentences
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}

/// "at epoch 18 of 20" when the log records epochs, else "at step 412". Zero-based epoch
/// counters (Keras writes epoch 0 first) are shown one-based, as people count them.
/// "epoch 13" when the log records the epoch at that step (one-based, as in [`step_phrase`]),
/// else "step 412": for labels such as the headline cards' "best at …".
pub fn step_label(run: &Run, step: i64) -> String {
    let last = run
        .epoch
        .as_ref()
        .and_then(|e| e.summary.max)
        .map(|p| p.value);
    step_phrase(run, step, last)
        .trim_start_matches("at ")
        .split(" of ")
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn step_phrase(run: &Run, step: i64, last_epoch: Option<f64>) -> String {
    if let (Some(last), Some(series)) = (last_epoch, run.epoch.as_ref()) {
        if let Some(p) = series.points.iter().find(|p| p.step == step) {
            let offset = if series.summary.min.is_some_and(|m| m.value == 0.0) {
                1.0
            } else {
                0.0
            };
            return format!(
                "at epoch {} of {}",
                format::number(p.value + offset),
                format::number(last + offset)
            );
        }
    }
    format!("at step {step}")
}
