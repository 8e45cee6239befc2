//! Hugging Face `Trainer`'s `trainer_state.json` (saved in every checkpoint folder and at the end
//! of training): `log_history` holds one entry per logging call — training entries (`loss`,
//! `learning_rate`, `grad_norm`), evaluation entries (`eval_*`), predictions (`predict_*`) and a
//! final entry with `train_runtime` and the training summary — each with its `step` and `epoch`.
//! The state's own fields give the best checkpoint and the run's schedule.

use serde_json::Value;

use super::common::{number_of, parse_json, read_document, value_text};
use super::detector::{Detector, file_name, parent_of};
use super::{Format, Source, finish};
use crate::log::FileResult;
use crate::log::run::{EndRecord, Note, ParamValue};

/// Fields of the state that describe the run's schedule: shown as its params.
const SCHEDULE: [&str; 7] = [
    "max_steps",
    "num_train_epochs",
    "train_batch_size",
    "logging_steps",
    "eval_steps",
    "save_steps",
    "is_hyper_param_search",
];

/// Every `trainer_state.json` with a `log_history` is a run, named after its folder (the
/// checkpoint, `checkpoint-1000`), unless the folder is the project folder.
pub fn detect(d: &mut Detector<'_>) {
    for i in d.unclaimed_named(|name| name == "trainer_state.json") {
        let file = d.file(i);
        let Some(head) = super::common::sniff(file) else {
            continue;
        };
        if !head.windows(13).any(|w| w == b"\"log_history\"") {
            continue;
        }
        let relative = file.relative.clone();
        let folder = parent_of(&relative);
        if folder.contains('/') {
            let name = file_name(folder).to_owned();
            d.add_named_source(Format::HuggingFace, &relative, &[i], &name);
        } else {
            d.add_source(Format::HuggingFace, &relative, &[i]);
        }
    }
}

/// Reads one `trainer_state.json`.
pub fn read_run(source: &Source, bound: usize) -> FileResult {
    let mut builder = source.builder(bound);
    let Some(file) = source.inputs.first() else {
        return FileResult::default();
    };
    let state = match read_document(file).and_then(|text| parse_json(&text)) {
        Ok(state @ Value::Object(_)) => state,
        Ok(_) => {
            return FileResult::failed(crate::diag::Warning::at_file(
                &file.relative,
                "expected Hugging Face's trainer_state.json (a JSON object); no run",
            ));
        }
        Err(e) => {
            return FileResult::failed(crate::diag::Warning::at_file(
                &file.relative,
                format!("expected Hugging Face's trainer_state.json, but it is not JSON: {e}"),
            ));
        }
    };
    let Some(history) = state.get("log_history").and_then(Value::as_array) else {
        return FileResult::failed(crate::diag::Warning::at_file(
            &file.relative,
            "expected Hugging Face's trainer_state.json with a 'log_history' list; no run",
        ));
    };

    let header = builder.header_mut();
    for key in SCHEDULE {
        match state.get(key) {
            Some(Value::Number(n)) => {
                if let Some(v) = n.as_f64() {
                    header.params.insert(key.to_owned(), ParamValue::Number(v));
                }
            }
            Some(Value::Bool(b)) => {
                header.params.insert(key.to_owned(), ParamValue::Bool(*b));
            }
            _ => {}
        }
    }
    if let Some(Value::Object(trial)) = state.get("trial_params") {
        for (key, value) in trial {
            header
                .params
                .extend(crate::log::run::params::flatten_params(
                    &serde_json::json!({ key: value }),
                ));
        }
    }
    for key in [
        "best_model_checkpoint",
        "best_metric",
        "best_global_step",
        "trial_name",
    ] {
        if let Some(value) = state.get(key).filter(|v| !v.is_null()) {
            header.env.push((key.to_owned(), value_text(value)));
        }
    }
    header.seed = super::common::seed_from_params(&header.params);

    let mut end_metrics = Vec::new();
    let mut last_step = 0;
    for (n, entry) in history.iter().enumerate() {
        let entry_no = n as u64 + 1;
        let Some(fields) = entry.as_object() else {
            builder.warn_in(
                "hf-entry",
                &file.relative,
                None,
                format!("log_history entry {entry_no} is not an object; skipped"),
            );
            continue;
        };
        let step = fields
            .get("step")
            .and_then(Value::as_i64)
            .unwrap_or(last_step);
        last_step = step;
        if let Some(epoch) = fields.get("epoch").and_then(number_of) {
            builder.push_epoch(step, epoch);
        }
        // The final entry summarizes training (runtime, throughput, mean loss): final metrics.
        let summary = fields.contains_key("train_runtime");
        for (key, value) in fields {
            if key == "step" || key == "epoch" {
                continue;
            }
            let Some(v) = number_of(value) else {
                continue;
            };
            if summary {
                end_metrics.push((key.clone(), v));
            } else {
                builder.push_point(entry_no, key, step, v);
            }
        }
    }

    // A state saved at the last step is a finished run; a checkpoint's before it is not (yet).
    let global = state.get("global_step").and_then(Value::as_i64);
    let max = state.get("max_steps").and_then(Value::as_i64);
    if global.is_some() && global >= max || !end_metrics.is_empty() {
        builder.set_end(EndRecord {
            status: Some("finished".to_owned()),
            metrics: end_metrics,
            ..EndRecord::default()
        });
    }
    if let Some(best) = state.get("best_model_checkpoint").and_then(Value::as_str) {
        let metric = state
            .get("best_metric")
            .and_then(number_of)
            .map(|m| format!(" (best metric {m})"))
            .unwrap_or_default();
        builder.add_note(Note {
            step: state.get("best_global_step").and_then(Value::as_i64),
            text: format!("Best checkpoint: `{best}`{metric}"),
        });
    }
    finish(builder, source, history.len() as u64)
}
