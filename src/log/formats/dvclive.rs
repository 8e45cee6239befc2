//! DVCLive's folders: `dvclive/` (any name) with `metrics.json` (the last value of every
//! metric), `params.yaml`, `dvc.yaml` and one TSV per metric under `plots/metrics/` (`step` and
//! the value; nested names are folders: `train/loss.tsv`). DVCLive 0.x wrote `scalars/` instead
//! of `plots/metrics/`, with a leading `timestamp` column, and its summary as `<folder>.json`
//! beside the folder. A folder holding both generations (two runs) is read as two runs.

use std::collections::BTreeSet;

use serde_json::Value;

use super::common::{number_of, open, parse_json, parse_yaml, read_document, seed_from_params};
use super::detector::{Detector, file_name, join, parent_of};
use super::{Format, SkipReason, Source, finish};
use crate::diag::quote;
use crate::log::FileResult;
use crate::log::record::RunBuilder;
use crate::log::run::params::flatten_params;
use crate::log::run::{EndRecord, Media, MediaKind, MediaSource};

/// Where a generation keeps its metric TSVs, relative to the run folder.
const CURRENT: &str = "plots/metrics";
const LEGACY: &str = "scalars";

/// Finds DVCLive run folders: those with metric TSVs under `plots/metrics/` or `scalars/`, and
/// `dvclive*` folders with a `metrics.json` (a run logging summaries only). A `dvclive*` folder
/// with only `params.yaml` is skipped: there is nothing of a run in it.
pub fn detect(d: &mut Detector<'_>) {
    let mut current = BTreeSet::new();
    let mut legacy = BTreeSet::new();
    for i in d.unclaimed_named(|name| name.ends_with(".tsv")) {
        let relative = &d.file(i).relative;
        if let Some(at) = relative.find(&format!("/{CURRENT}/")) {
            current.insert(relative[..at].to_owned());
        } else if relative.starts_with(&format!("{CURRENT}/")) {
            current.insert(String::new());
        } else if let Some(at) = relative.find(&format!("/{LEGACY}/")) {
            legacy.insert(relative[..at].to_owned());
        }
    }
    for i in d.unclaimed_named(|name| name == "metrics.json" || name == "params.yaml") {
        let folder = parent_of(&d.file(i).relative);
        if file_name(folder).starts_with("dvclive") && !current.contains(folder) {
            let has_metrics = d.find(&join(folder, "metrics.json")).is_some();
            if has_metrics {
                current.insert(folder.to_owned());
            } else if !legacy.contains(folder) {
                d.skip_as(i, folder, SkipReason::DvcLiveNoMetrics);
            }
        }
    }
    // Deepest first, so that a folder's runs nested in it (k-fold: dvclive/fold_0/) keep their
    // own files.
    let mut runs: Vec<(String, bool)> = current
        .into_iter()
        .map(|f| (f, false))
        .chain(legacy.into_iter().map(|f| (f, true)))
        .collect();
    runs.sort_by_key(|(folder, _)| std::cmp::Reverse(folder.matches('/').count()));
    for (folder, is_legacy) in runs {
        let join = |rest: &str| join(&folder, rest);
        let mut inputs = Vec::new();
        if is_legacy {
            inputs.extend(d.under(&join(LEGACY)));
            let summary = format!(
                "{}{}.json",
                match parent_of(&folder) {
                    "" => String::new(),
                    parent => format!("{parent}/"),
                },
                file_name(&folder)
            );
            inputs.extend(d.find(&summary));
        } else {
            // plots/metrics/ and plots/images/ are read; the rest of plots/ (sklearn's
            // confusion-matrix data, custom plots) is claimed but not a metric.
            let plots = d.under(&join("plots"));
            let (read, rest): (Vec<usize>, Vec<usize>) = plots.into_iter().partition(|&i| {
                let relative = &d.file(i).relative;
                relative.starts_with(&join("plots/metrics/"))
                    || relative.starts_with(&join("plots/images/"))
            });
            inputs.extend(read);
            let rest: Vec<usize> = rest.into_iter().filter(|&i| !d.is_claimed(i)).collect();
            d.claim(&rest);
            for name in ["metrics.json", "params.yaml", "dvc.yaml"] {
                inputs.extend(d.find(&join(name)));
            }
        }
        inputs.retain(|&i| !d.is_claimed(i));
        if inputs.is_empty() {
            continue;
        }
        let name = file_name(&folder).to_owned();
        if is_legacy {
            let relative = join(LEGACY);
            let name = format!("{name} (0.x)");
            d.add_named_source(Format::DvcLive, &relative, &inputs, &name);
        } else if folder.is_empty() {
            // LOGS is the DVCLive folder itself: the run is named as the folder is.
            d.add_source(Format::DvcLive, "", &inputs);
        } else {
            d.add_source(Format::DvcLive, &folder, &inputs);
        }
    }
}

/// Reads one DVCLive run folder (or a 0.x `scalars/` folder).
pub fn read_run(source: &Source, bound: usize) -> FileResult {
    let mut builder = source.builder(bound);
    let legacy = file_name(&source.relative) == LEGACY;
    let run_folder = if legacy {
        parent_of(&source.relative).to_owned()
    } else {
        source.relative.clone()
    };
    let tsv_root = if legacy {
        join(&run_folder, &format!("{LEGACY}/"))
    } else {
        join(&run_folder, &format!("{CURRENT}/"))
    };
    let mut rows = 0;
    for file in &source.inputs {
        let relative = &file.relative;
        let name = file_name(relative);
        if let Some(metric) = relative
            .strip_prefix(&tsv_root)
            .and_then(|m| m.strip_suffix(".tsv"))
        {
            rows += read_tsv(&mut builder, file, metric);
        } else if name == "params.yaml" {
            match read_document(file).and_then(|t| parse_yaml(&t)) {
                Ok(value @ Value::Object(_)) => {
                    let params = flatten_params(&value);
                    builder.header_mut().params.extend(params);
                }
                Ok(Value::Null) => {}
                Ok(_) | Err(_) => builder.warn_in(
                    "dvclive-params",
                    relative,
                    None,
                    "expected DVCLive's params.yaml (a YAML mapping); ignored",
                ),
            }
        } else if name.ends_with(".json") && (name == "metrics.json" || legacy) {
            match read_document(file).and_then(|t| parse_json(&t)) {
                Ok(value @ Value::Object(_)) => {
                    let mut metrics = Vec::new();
                    flatten_numbers(&value, String::new(), &mut metrics);
                    metrics.retain(|(k, _)| k != "step" && k != "epoch");
                    builder.set_end(EndRecord {
                        status: Some("finished".to_owned()),
                        metrics,
                        ..EndRecord::default()
                    });
                }
                _ => builder.warn_in(
                    "dvclive-summary",
                    relative,
                    None,
                    "expected DVCLive's metrics summary (a JSON object); ignored",
                ),
            }
        } else if let Some(kind) = MediaKind::of_image_file(name) {
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
    let header = builder.header_mut();
    header.seed = seed_from_params(&header.params);
    // DVCLive writes no status: a folder read after training is taken as finished.
    if builder.end.is_none() {
        builder.set_end(EndRecord {
            status: Some("finished".to_owned()),
            ..EndRecord::default()
        });
    }
    finish(builder, source, rows)
}

/// Numbers of a nested summary, with dotted keys... joined by `/` as DVCLive names them.
fn flatten_numbers(value: &Value, prefix: String, out: &mut Vec<(String, f64)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let key = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}/{key}")
                };
                flatten_numbers(inner, key, out);
            }
        }
        other => {
            if let Some(v) = number_of(other) {
                out.push((prefix, v));
            }
        }
    }
}

/// Reads one metric's TSV: `step<TAB>value` (or `timestamp<TAB>step<TAB>value`, 0.x). Returns
/// rows read. The metric named `epoch` is the run's epoch by step.
fn read_tsv(builder: &mut RunBuilder, file: &crate::log::LogFile, metric: &str) -> u64 {
    let input = match open(file, crate::log::boundary::Kind::Log) {
        Ok(input) => input,
        Err(e) => {
            builder.warn_in("dvclive-tsv", &file.relative, None, e);
            return 0;
        }
    };
    let mut records = ::csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .has_headers(false)
        .flexible(true)
        .from_reader(input.into_reader())
        .into_records();
    let header = match records.next() {
        Some(Ok(h)) => super::csv_log::header_of(&h),
        _ => return 0,
    };
    let step_column = header.iter().position(|h| h == "step");
    let time_column = header.iter().position(|h| h == "timestamp");
    let value_column = (0..header.len())
        .rev()
        .find(|&i| Some(i) != step_column && Some(i) != time_column);
    let (Some(step_column), Some(value_column)) = (step_column, value_column) else {
        builder.warn_in(
            "dvclive-tsv",
            &file.relative,
            Some(1),
            format!(
                "expected DVCLive's 'step<TAB>value' columns, got {}; skipped (a metric named \
                 'step' hides DVCLive's own step column)",
                quote(&header.join("\t"))
            ),
        );
        return 0;
    };
    let mut rows = 0;
    for record in records {
        let Ok(record) = record else {
            builder.warn_in(
                "dvclive-tsv",
                &file.relative,
                None,
                "a row is not TSV; the rest of the file is not read",
            );
            break;
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |c: usize| record.get(c).unwrap_or("").trim();
        let (Some(step), Ok(value)) = (
            super::csv_log::step_value(cell(step_column)),
            cell(value_column).parse::<f64>(),
        ) else {
            if record.iter().any(|c| !c.trim().is_empty()) {
                builder.warn_in(
                    "dvclive-tsv",
                    &file.relative,
                    Some(line),
                    "expected an integer step and a number; row skipped",
                );
            }
            continue;
        };
        rows += 1;
        if metric == "epoch" {
            builder.push_epoch(step, value);
        } else {
            builder.push_point(line, metric, step, value);
        }
        if let Some(Ok(ms)) = time_column.map(|c| cell(c).parse::<f64>()) {
            builder.push_wall_time(step, ms / 1000.0);
        }
    }
    rows
}
