//! PyTorch Lightning's `CSVLogger`: a version folder (`lightning_logs/version_N/`) with
//! `metrics.csv` (columns sorted by name, `epoch` and `step` among them, each row holding only
//! what was logged at that call: sparse) and `hparams.yaml`. The 2020 test-tube logger wrote
//! `meta_tags.csv` (key,value) instead, and no step column: the epoch is the step then.

use serde_json::Value;

use super::common::{open, parse_yaml, read_document, seed_from_params, sniff, typed_param};
use super::csv_log::{head_records, header_of, push_row, step_value};
use super::detector::{Detector, file_name, join, parent_of};
use super::{Format, Source, finish};
use crate::diag::quote;
use crate::log::FileResult;
use crate::log::run::EndRecord;
use crate::log::run::params::flatten_params;

/// A `metrics.csv` with an `epoch` or `step` column, beside `hparams.yaml` or `meta_tags.csv` or
/// in a `version_N` or `lightning_logs` folder, makes its folder a run.
pub fn detect(d: &mut Detector<'_>) {
    for i in d.unclaimed_named(|name| name == "metrics.csv") {
        let file = d.file(i);
        let folder = parent_of(&file.relative).to_owned();
        let beside = |name: &str| d.find(&join(&folder, name));
        let hparams = beside("hparams.yaml");
        let meta_tags = beside("meta_tags.csv");
        let folder_name = file_name(&folder);
        let laid_out = hparams.is_some()
            || meta_tags.is_some()
            || folder_name == "lightning_logs"
            || folder_name
                .strip_prefix("version_")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !laid_out {
            continue;
        }
        let Some(head) = sniff(file) else { continue };
        let Some((header, _)) = head_records(&head) else {
            continue;
        };
        if !header.iter().any(|h| h == "epoch" || h == "step") {
            continue;
        }
        let mut inputs = vec![i];
        inputs.extend(hparams);
        inputs.extend(meta_tags);
        d.add_source(Format::LightningCsv, &folder, &inputs);
    }
}

/// Reads one version folder.
pub fn read_run(source: &Source, bound: usize) -> FileResult {
    let mut builder = source.builder(bound);
    if let Some(file) = source.input("hparams.yaml") {
        match read_document(file).and_then(|text| parse_yaml(&text)) {
            Ok(value @ Value::Object(_)) => builder.header_mut().params = flatten_params(&value),
            Ok(Value::Null) => {}
            Ok(_) => builder.warn_in(
                "hparams",
                &file.relative,
                None,
                "expected Lightning's hparams.yaml (a mapping of hyperparameters); ignored",
            ),
            Err(e) => builder.warn_in(
                "hparams",
                &file.relative,
                None,
                format!("expected Lightning's hparams.yaml, but it cannot be read as YAML: {e}"),
            ),
        }
    }
    if let Some(file) = source.input("meta_tags.csv") {
        match read_document(file) {
            Ok(text) => {
                let mut rows = ::csv::ReaderBuilder::new()
                    .flexible(true)
                    .from_reader(text.as_bytes());
                for row in rows.records().flatten() {
                    if let (Some(key), Some(value)) = (row.get(0), row.get(1)) {
                        builder
                            .header_mut()
                            .params
                            .insert(key.to_owned(), typed_param(value));
                    }
                }
            }
            Err(e) => builder.warn_in("hparams", &file.relative, None, e),
        }
    }
    let seed = seed_from_params(&builder.header_mut().params);
    builder.header_mut().seed = seed;

    let mut rows = 0;
    if let Some(file) = source.input("metrics.csv") {
        rows = read_metrics(&mut builder, file);
    }
    // Lightning writes no status: a folder read after training is taken as finished.
    builder.set_end(EndRecord {
        status: Some("finished".to_owned()),
        ..EndRecord::default()
    });
    let mut result = finish(builder, source, rows);
    if rows == 0 {
        result.runs.clear();
        result.warnings.push(crate::diag::Warning::at_file(
            &source.relative,
            "metrics.csv has no rows; no run",
        ));
    }
    result
}

/// Reads the sparse rows of `metrics.csv`: each row's step (else its epoch) is its x; the epoch
/// column is the run's epoch by step.
fn read_metrics(builder: &mut crate::log::record::RunBuilder, file: &crate::log::LogFile) -> u64 {
    let input = match open(file, crate::log::boundary::Kind::Log) {
        Ok(input) => input,
        Err(e) => {
            builder.warn_in("csv", &file.relative, None, e);
            return 0;
        }
    };
    let mut records = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input.into_reader())
        .into_records();
    let Some(Ok(header)) = records.next() else {
        builder.warn_in(
            "csv",
            &file.relative,
            None,
            "expected a CSV header; no rows",
        );
        return 0;
    };
    let header = header_of(&header);
    let step_column = header.iter().position(|h| h == "step");
    let epoch_column = header.iter().position(|h| h == "epoch");
    let mut rows = 0;
    let mut last_step = 0;
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                builder.warn_in(
                    "csv",
                    &file.relative,
                    Some(line),
                    format!("expected a CSV row: {e}; the rest of the file is not read"),
                );
                break;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |column: Option<usize>| column.and_then(|c| record.get(c)).unwrap_or("");
        let epoch = step_value(cell(epoch_column));
        let step = match step_column {
            Some(_) => step_value(cell(step_column)),
            None => epoch,
        };
        let step = match step {
            Some(step) => step,
            None if cell(step_column).trim().is_empty() => last_step,
            None => {
                builder.warn_in(
                    "bad-step",
                    &file.relative,
                    Some(line),
                    format!(
                        "step {} is not an integer; row skipped",
                        quote(cell(step_column))
                    ),
                );
                continue;
            }
        };
        last_step = step;
        rows += 1;
        if let Some(epoch) = epoch {
            builder.push_epoch(step, epoch as f64);
        }
        // Every column but step and epoch is a metric.
        let metrics: Vec<String> = header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                if Some(i) == step_column || Some(i) == epoch_column {
                    String::new()
                } else {
                    h.clone()
                }
            })
            .collect();
        push_row(builder, &file.relative, &metrics, &record, step, line, 0);
    }
    rows
}
