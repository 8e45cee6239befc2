//! Weights & Biases run folders, offline or synced (`wandb/run-<date>-<id>/files/`, or the
//! `wandb/` folder of old versions): `wandb-history.jsonl` (one line per `wandb.log` call, with
//! `_step`, `_timestamp`, `_runtime`), `wandb-summary.json` (each metric's last value),
//! `config.yaml` (every key wrapped as `{desc, value}`) and `wandb-metadata.json` (host, Python,
//! GPU, the run's name and project). Together they are one run.

use std::io::BufReader;

use serde_json::Value;

use super::common::{number_of, open, parse_json, parse_yaml, read_document, seed_from_params};
use super::detector::{Detector, file_name, join, parent_of};
use super::{Format, Source, finish};
use crate::log::FileResult;
use crate::log::LogFile;
use crate::log::lines::{Line, LineReader};
use crate::log::record::{RunBuilder, parse_timestamp};
use crate::log::run::EndRecord;
use crate::log::run::params::{flatten_env, flatten_params};

/// The files of a run folder, by name.
const FILES: [&str; 4] = [
    "wandb-history.jsonl",
    "wandb-summary.json",
    "wandb-metadata.json",
    "config.yaml",
];

/// A folder with `wandb-summary.json`, `wandb-history.jsonl` or `wandb-metadata.json` is a run
/// (with `config.yaml` beside them). Synced and offline runs keep them in `files/`: the run is
/// the folder above (`run-20230329_014841-u1c25l6f`, `latest-run`).
pub fn detect(d: &mut Detector<'_>) {
    let marks = d.unclaimed_named(|name| FILES[..3].contains(&name));
    let mut folders: Vec<String> = marks
        .iter()
        .map(|&i| parent_of(&d.file(i).relative).to_owned())
        .collect();
    folders.dedup();
    for folder in folders {
        let inputs: Vec<usize> = FILES
            .iter()
            .filter_map(|name| d.find(&join(&folder, name)))
            .filter(|&i| !d.is_claimed(i))
            .collect();
        if inputs.is_empty() {
            continue;
        }
        let run = if file_name(&folder) == "files" && folder.contains('/') {
            parent_of(&folder).to_owned()
        } else {
            folder.clone()
        };
        if run.is_empty() {
            // LOGS is the files folder itself.
            d.add_source(Format::Wandb, "", &inputs);
        } else {
            d.add_source(Format::Wandb, &run, &inputs);
        }
    }
}

fn input<'a>(source: &'a Source, name: &str) -> Option<&'a LogFile> {
    source
        .inputs
        .iter()
        .find(|f| file_name(&f.relative) == name)
}

/// Reads one run folder.
pub fn read_run(source: &Source, bound: usize) -> FileResult {
    // Warnings about history lines name the history file.
    let mut builder = match input(source, "wandb-history.jsonl") {
        Some(history) => source.builder_naming(&history.relative, bound),
        None => source.builder(bound),
    };
    let mut lines = 0;

    if let Some(file) = input(source, "config.yaml") {
        match read_document(file).and_then(|t| parse_yaml(&t)) {
            Ok(Value::Object(map)) => {
                let unwrapped: serde_json::Map<String, Value> = map
                    .into_iter()
                    .filter(|(key, _)| key != "_wandb" && key != "wandb_version")
                    .map(|(key, value)| (key, unwrap_value(value)))
                    .collect();
                let params = flatten_params(&Value::Object(unwrapped));
                builder.header_mut().params = params;
            }
            _ => builder.warn_in(
                "wandb-config",
                &file.relative,
                None,
                "expected W&B's config.yaml (a YAML mapping of {desc, value}); ignored",
            ),
        }
    }
    let mut state = None;
    if let Some(file) = input(source, "wandb-metadata.json") {
        match read_document(file).and_then(|t| parse_json(&t)) {
            Ok(Value::Object(mut map)) => {
                let header = builder.header_mut();
                let text = |v: Option<Value>| v.and_then(|v| v.as_str().map(str::to_owned));
                header.run = text(map.remove("name")).filter(|n| !n.is_empty());
                header.project = text(map.remove("project")).filter(|n| !n.is_empty());
                header.start = text(map.remove("startedAt")).and_then(|t| parse_timestamp(&t));
                state = text(map.remove("state"));
                header.env = flatten_env(&Value::Object(map));
            }
            _ => builder.warn_in(
                "wandb-metadata",
                &file.relative,
                None,
                "expected W&B's wandb-metadata.json (a JSON object); ignored",
            ),
        }
    }
    let seed = seed_from_params(&builder.header_mut().params);
    builder.header_mut().seed = seed;

    if let Some(file) = input(source, "wandb-history.jsonl") {
        lines = read_history(&mut builder, file);
    }

    let mut summary_metrics = Vec::new();
    let mut end_time = None;
    if let Some(file) = input(source, "wandb-summary.json") {
        match read_document(file).and_then(|t| parse_json(&t)) {
            Ok(Value::Object(map)) => {
                end_time = map.get("_timestamp").and_then(number_of);
                for (key, value) in &map {
                    // `_step`, `_runtime`, `_wandb`: W&B's own; objects are media and histograms.
                    if key.starts_with('_') {
                        continue;
                    }
                    if let Some(v) = number_of(value) {
                        summary_metrics.push((key.clone(), v));
                    }
                }
            }
            _ => builder.warn_in(
                "wandb-summary",
                &file.relative,
                None,
                "expected W&B's wandb-summary.json (a JSON object); ignored",
            ),
        }
    }
    // Old versions write the state; newer ones only a summary at the end (a run that crashed at
    // once has a summary without metrics).
    let status = match state.as_deref() {
        Some("finished") => Some("finished"),
        Some("failed" | "crashed") => Some("failed"),
        Some("killed") => Some("killed"),
        Some(_) => None,
        None if !summary_metrics.is_empty() => Some("finished"),
        None => None,
    };
    // A run still "running" keeps no end record (incomplete); its history has its values.
    if let Some(status) = status {
        builder.set_end(EndRecord {
            status: Some(status.to_owned()),
            time: end_time,
            metrics: summary_metrics,
            error: None,
        });
    }
    finish(builder, source, lines)
}

/// `{desc: ..., value: X}` → X (W&B's config wrapper); anything else as it is.
fn unwrap_value(value: Value) -> Value {
    match value {
        Value::Object(mut map) if map.contains_key("value") && map.len() <= 2 => {
            map.remove("value").unwrap_or(Value::Null)
        }
        other => other,
    }
}

/// Reads the history lines: bare metric lines whose `_step` is the step and `_timestamp` the wall
/// time; W&B's other `_` keys are left out. Returns lines read.
fn read_history(builder: &mut RunBuilder, file: &LogFile) -> u64 {
    let input = match open(file, crate::log::boundary::Kind::Log) {
        Ok(input) => input,
        Err(e) => {
            builder.warn_in("wandb-history", &file.relative, None, e);
            return 0;
        }
    };
    let mut reader = LineReader::new(BufReader::new(input.into_reader()));
    let mut parser = crate::log::json_fast::LineParser::default();
    let mut lines = 0;
    while let Ok(Some((number, line))) = reader.next_line() {
        lines = number;
        let Line::Text { bytes, terminated } = line else {
            builder.warn_in(
                "too-long",
                &file.relative,
                Some(number),
                "line is longer than the limit; skipped",
            );
            continue;
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            builder.warn_in(
                "utf8",
                &file.relative,
                Some(number),
                "line is not valid UTF-8; skipped",
            );
            continue;
        };
        if text.trim().is_empty() {
            continue;
        }
        match parser.parse(text) {
            Ok(mut record) => {
                record
                    .fields
                    .retain(|(k, _)| !k.starts_with('_') || k == "_step" || k == "_timestamp");
                // W&B lines have no record type: a metric named `type` is no reason to drop one.
                record.kind = None;
                builder.add(number, record);
            }
            Err(_) if !terminated => builder.warn_in(
                "cut-line",
                &file.relative,
                Some(number),
                "last line is cut off (the run may still be writing, or it crashed); ignored",
            ),
            Err(e) => builder.warn_in(
                "malformed",
                &file.relative,
                Some(number),
                format!("expected a W&B history line (a JSON object): {e}"),
            ),
        }
    }
    lines
}
