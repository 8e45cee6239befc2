//! MLflow's file store (`mlruns/`): an experiment folder holds `meta.yaml` (its name, which
//! becomes the project) and one folder per run with `meta.yaml` (name, times, status),
//! `metrics/<name>` (lines of `timestamp value step`), `params/<name>` and `tags/<name>` (one
//! text value each) and `artifacts/`. Deleted runs and experiments, and MLflow 3's logged models
//! (`models/m-<id>/`, shaped like runs), are skipped.

use std::collections::BTreeMap;

use serde_json::Value;

use super::common::{parse_yaml, read_document, seed_from_params, typed_param};
use super::detector::{Detector, file_name, join, parent_of, within};
use super::{Format, SkipReason, Source, finish};
use crate::log::FileResult;
use crate::log::LogFile;
use crate::log::run::{EndRecord, Media, MediaKind, MediaSource, ModelSummary, Note};

/// Finds experiment folders (a `meta.yaml` with an `experiment_id`, or beside run folders) and
/// makes each live run in them a source.
pub fn detect(d: &mut Detector<'_>) {
    for meta in d.unclaimed_named(|name| name == "meta.yaml") {
        if d.is_claimed(meta) {
            continue;
        }
        let experiment = parent_of(&d.file(meta).relative).to_owned();
        let runs = run_folders(d, &experiment);
        let parsed = read_yaml(d.file(meta)).ok();
        let is_experiment = parsed
            .as_ref()
            .is_some_and(|v| v.get("experiment_id").is_some() && v.get("run_id").is_none());
        let shaped_like_one = runs.iter().any(|(_, has_records)| *has_records);
        if !(is_experiment || shaped_like_one) {
            continue;
        }
        let deleted = parsed
            .as_ref()
            .is_some_and(|v| text_of(v, "lifecycle_stage") == Some("deleted"));
        for (run, _) in runs {
            let run_meta = d.find(&join(&run, "meta.yaml"));
            let mut inputs = d.under(&run);
            if run_is_model(&run) {
                if let Some(first) = run_meta {
                    d.skip_as(first, &run, SkipReason::MlflowLoggedModel);
                }
                d.claim(&inputs);
                continue;
            }
            let run_deleted = run_meta
                .and_then(|i| read_yaml(d.file(i)).ok())
                .is_some_and(|v| text_of(&v, "lifecycle_stage") == Some("deleted"));
            if deleted || run_deleted {
                let reason = if deleted {
                    SkipReason::MlflowDeletedExperiment
                } else {
                    SkipReason::MlflowDeletedRun
                };
                if let Some(first) = run_meta {
                    d.skip_as(first, &run, reason);
                }
                d.claim(&inputs);
                continue;
            }
            // A run's inputs/ and outputs/ link datasets and logged models: MLflow's
            // bookkeeping, claimed below but not read.
            inputs.retain(|&i| {
                let inside = within(&d.file(i).relative, &run).unwrap_or_default();
                !inside.starts_with("inputs/") && !inside.starts_with("outputs/")
            });
            inputs.push(meta);
            d.add_source(Format::Mlflow, &run, &inputs);
        }
        // The experiment's other files (datasets, traces, logged models' files) are MLflow's
        // own bookkeeping, not logs.
        let rest = d.under(&experiment);
        d.claim(&rest);
        d.claim(&[meta]);
    }
}

/// Run folders of an experiment folder: subfolders with a `meta.yaml`, with whether they hold
/// metrics, params or tags (the shape of a run).
fn run_folders(d: &Detector<'_>, experiment: &str) -> Vec<(String, bool)> {
    let mut runs: BTreeMap<String, bool> = BTreeMap::new();
    for i in d.under(experiment) {
        let Some(inside) = within(&d.file(i).relative, experiment) else {
            continue;
        };
        let parts: Vec<&str> = inside.split('/').collect();
        match parts.as_slice() {
            [run, "meta.yaml"] => {
                runs.entry(join(experiment, run)).or_default();
            }
            ["models", model, "meta.yaml"] => {
                runs.entry(join(experiment, &format!("models/{model}")))
                    .or_default();
            }
            [run, "metrics" | "params" | "tags", ..] => {
                let folder = join(experiment, run);
                if let Some(has) = runs.get_mut(&folder) {
                    *has = true;
                } else if d.find(&join(&folder, "meta.yaml")).is_some() {
                    runs.insert(folder, true);
                }
            }
            _ => {}
        }
    }
    runs.into_iter().collect()
}

/// MLflow 3 keeps logged models in `<experiment>/models/m-<id>/`, with metrics and params like a
/// run's.
fn run_is_model(run: &str) -> bool {
    let name = file_name(run);
    parent_of(run).ends_with("/models") && name.starts_with("m-")
}

fn read_yaml(file: &LogFile) -> Result<Value, String> {
    let text = read_document(file)?;
    parse_yaml(&text)
}

fn text_of<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    value.get(key).and_then(Value::as_str)
}

/// Milliseconds since the epoch (as MLflow writes times) to seconds.
fn millis(value: Option<&Value>) -> Option<f64> {
    let v = value?;
    let ms = v
        .as_f64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))?;
    (ms.is_finite() && ms > 0.0).then_some(ms / 1000.0)
}

/// How MLflow's statuses end a run: FINISHED, FAILED, KILLED end it; RUNNING and SCHEDULED
/// leave it incomplete. The file store writes the number of the `RunStatus` enum.
fn end_status(status: Option<&Value>) -> Option<&'static str> {
    let status = status?;
    let name = match status {
        Value::Number(n) => match n.as_u64()? {
            1 => "RUNNING",
            2 => "SCHEDULED",
            3 => "FINISHED",
            4 => "FAILED",
            5 => "KILLED",
            _ => return None,
        },
        Value::String(s) => s.as_str(),
        _ => return None,
    };
    match name.to_ascii_uppercase().as_str() {
        "FINISHED" => Some("finished"),
        "FAILED" => Some("failed"),
        "KILLED" => Some("killed"),
        _ => None,
    }
}

/// Reads one run folder.
pub fn read_run(source: &Source, bound: usize) -> FileResult {
    let mut builder = source.builder(bound);
    let run_folder = &source.relative;
    let experiment_meta = join(parent_of(run_folder), "meta.yaml");
    let mut lines = 0u64;

    let mut meta = Value::Null;
    let mut experiment = Value::Null;
    for file in &source.inputs {
        let is_run_meta = file.relative == join(run_folder, "meta.yaml");
        if !is_run_meta && file.relative != experiment_meta {
            continue;
        }
        match read_yaml(file) {
            Ok(value @ Value::Object(_)) => {
                if is_run_meta {
                    meta = value;
                } else {
                    experiment = value;
                }
            }
            Ok(_) => builder.warn_in(
                "mlflow-meta",
                &file.relative,
                None,
                "expected MLflow's meta.yaml (a YAML mapping); ignored",
            ),
            Err(e) => builder.warn_in(
                "mlflow-meta",
                &file.relative,
                None,
                format!("expected MLflow's meta.yaml, but it cannot be read as YAML: {e}"),
            ),
        }
    }

    let header = builder.header_mut();
    header.project = text_of(&experiment, "name")
        .filter(|n| !n.trim().is_empty())
        .map(str::to_owned);
    header.run = text_of(&meta, "run_name")
        .filter(|n| !n.trim().is_empty())
        .map(str::to_owned);
    header.start = millis(meta.get("start_time"));

    let mut tags: Vec<(String, String)> = Vec::new();
    let mut wall_times: BTreeMap<i64, f64> = BTreeMap::new();
    let mut model_text = None;
    for file in &source.inputs {
        let Some(inside) = within(&file.relative, run_folder) else {
            continue;
        };
        let (kind, name) = inside.split_once('/').unwrap_or((inside, ""));
        match kind {
            "params" => match read_document(file) {
                Ok(text) => {
                    let value = typed_param(&text);
                    builder.header_mut().params.insert(name.to_owned(), value);
                }
                Err(e) => builder.warn_in("mlflow-param", &file.relative, None, e),
            },
            "tags" => match read_document(file) {
                Ok(text) => tags.push((name.to_owned(), text)),
                Err(e) => builder.warn_in("mlflow-tag", &file.relative, None, e),
            },
            "metrics" => {
                lines += read_metric(&mut builder, file, name, &mut wall_times);
            }
            "artifacts" if name == "model_summary.txt" => match read_document(file) {
                Ok(text) => model_text = Some(text),
                Err(e) => builder.warn_in("mlflow-artifact", &file.relative, None, e),
            },
            "artifacts" => {
                if let Some(kind) = MediaKind::of_image_file(name) {
                    builder.add_media(Media {
                        step: None,
                        name: name.to_owned(),
                        kind,
                        source: MediaSource::File(file.path.clone()),
                        title: None,
                        description: None,
                    });
                }
            }
            _ => {}
        }
    }
    for (step, time) in wall_times {
        builder.push_wall_time(step, time);
    }

    let header = builder.header_mut();
    for (key, value) in tags {
        match key.as_str() {
            "mlflow.runName" if !value.trim().is_empty() => header.run = Some(value),
            "mlflow.note.content" => header.notes = Some(value),
            // A JSON history of logged models: long, and shown by MLflow's own UI.
            "mlflow.log-model.history" => {}
            key if key.starts_with("mlflow.") => header.env.push((key.to_owned(), value)),
            key if value.is_empty() => header.tags.push(key.to_owned()),
            key => header.tags.push(format!("{key}={value}")),
        }
    }
    header.env.sort();
    if let Some(user) = text_of(&meta, "user_id").filter(|u| !u.is_empty()) {
        if !header.env.iter().any(|(k, _)| k == "mlflow.user") {
            header.env.push(("mlflow.user".to_owned(), user.to_owned()));
        }
    }
    header.seed = seed_from_params(&header.params);
    if let Some(text) = model_text {
        header.model = Some(ModelSummary {
            text: Some(text),
            ..ModelSummary::default()
        });
    }
    if let Some(status) = end_status(meta.get("status")) {
        builder.set_end(EndRecord {
            status: Some(status.to_owned()),
            time: millis(meta.get("end_time")),
            metrics: Vec::new(),
            error: None,
        });
    }
    if let Some(note) = text_of(&meta, "status_message").filter(|m| !m.is_empty()) {
        builder.add_note(Note {
            step: None,
            text: note.to_owned(),
        });
    }
    finish(builder, source, lines)
}

/// Reads one metric's history (`timestamp value step` per line; very old stores omit the step).
/// Points are pushed in step order; a line repeated verbatim is one point. Returns lines read.
fn read_metric(
    builder: &mut crate::log::record::RunBuilder,
    file: &LogFile,
    name: &str,
    wall_times: &mut BTreeMap<i64, f64>,
) -> u64 {
    let text = match read_document(file) {
        Ok(text) => text,
        Err(e) => {
            builder.warn_in("mlflow-metric", &file.relative, None, e);
            return 0;
        }
    };
    let mut points: Vec<(i64, f64, f64, u64)> = Vec::new();
    let mut lines = 0;
    for (n, line) in text.lines().enumerate() {
        let number = n as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        let fields: Vec<&str> = line.split_whitespace().collect();
        let parsed = match fields.as_slice() {
            [time, value, step, ..] => (time.parse::<f64>(), value.parse::<f64>(), step.parse()),
            [time, value] => (time.parse::<f64>(), value.parse::<f64>(), Ok(0)),
            _ => {
                builder.warn_in(
                    "mlflow-metric",
                    &file.relative,
                    Some(number),
                    "expected '<timestamp> <value> <step>'; skipped",
                );
                continue;
            }
        };
        match parsed {
            (Ok(time), Ok(value), Ok(step)) => points.push((step, time, value, number)),
            _ => builder.warn_in(
                "mlflow-metric",
                &file.relative,
                Some(number),
                format!(
                    "expected '<timestamp> <value> <step>' with numbers, got {}; skipped",
                    crate::diag::quote(line)
                ),
            ),
        }
    }
    // Stable: lines of one step keep their order, so the later line wins as MLflow's UI shows.
    points.sort_by_key(|p| p.0);
    points.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1 && a.2.to_bits() == b.2.to_bits());
    for (step, time, value, number) in points {
        builder.push_point(number, name, step, value);
        let seconds = time / 1000.0;
        wall_times
            .entry(step)
            .and_modify(|t| *t = t.min(seconds))
            .or_insert(seconds);
    }
    lines
}
