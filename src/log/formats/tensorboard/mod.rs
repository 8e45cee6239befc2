//! TensorBoard event files (`events.out.tfevents.*`), from TensorFlow/Keras, PyTorch's
//! `SummaryWriter`, tensorboardX, Lightning, Hugging Face, Stable-Baselines3, detectron2, YOLOv5
//! and CatBoost: [`read_run`] reads one run's event files into the same `Run` as a native log.
//!
//! `tfrecord` frames records, `proto` declares the protobuf messages, `fast` reads the common
//! scalar event in place and `event` decodes any record (the exact fallback), `widen` turns a
//! float32 into the decimal that was logged, `reader` maps one file's events into the run,
//! `layout` says which files make a run and how tags are named. The mapping is documented in
//! docs/formats.md.

pub mod detect;
pub mod event;
pub mod fast;
pub mod layout;
pub mod proto;
pub mod reader;
pub mod tfrecord;
pub mod widen;

use super::{Source, finish};
use crate::diag::Warning;
use crate::log::run::EndRecord;
use crate::log::run::params::flatten_params;
use crate::log::run::params::is_seed_key;
use crate::log::{FileResult, open_log};
use reader::RunFacts;

/// Reads one run: every event file of its folder (with Keras' `train/` and `validation/`), in
/// the order the files were opened, so that on a repeated step the later file's value wins.
pub fn read_run(source: &Source, bound: usize) -> FileResult {
    let mut builder = source.builder(bound);
    let mut files: Vec<_> = source.inputs.iter().collect();
    files.sort_by(|a, b| {
        layout::file_order_key(&a.relative).cmp(&layout::file_order_key(&b.relative))
    });
    let mut facts = RunFacts::default();
    for file in files {
        let (_, role) = layout::run_folder_of(&file.relative);
        // Through the read boundary, which also bounds how much of a file is read.
        match open_log(file) {
            Ok((stream, warnings)) => {
                for warning in warnings {
                    builder.warn_in("too-large", &warning.path, None, warning.message);
                }
                reader::read_event_file(file, stream, role, &mut builder, &mut facts)
            }
            Err(warning) => builder.warn_in("read-error", &warning.path, None, warning.message),
        }
    }
    let nothing_shown = builder.metric_order.is_empty()
        && builder.notes.is_empty()
        && builder.media.is_empty()
        && facts.params.as_ref().is_none_or(|p| p.is_empty());
    if nothing_shown {
        let held = if facts.skipped.is_empty() {
            "nothing but their file version".to_owned()
        } else {
            let kinds: Vec<String> = (facts.skipped.iter())
                .map(|(kind, n)| format!("{kind} ({n})"))
                .collect();
            format!("only {}", kinds.join(", "))
        };
        let mut warnings = builder.take_warnings(0);
        warnings.push(Warning::at_file(
            &source.relative,
            format!(
                "TensorBoard event files with no scalars, text, images or hyperparameters \
                 (they hold {held}); no run"
            ),
        ));
        return FileResult {
            runs: Vec::new(),
            warnings,
            needs_exact: false,
        };
    }
    let RunFacts {
        params,
        group,
        start_time,
        end,
        records,
        ..
    } = facts;
    let header = builder.header_mut();
    header.run = Some(run_name(source));
    if let Some(params) = params {
        header.params = flatten_params(&serde_json::Value::Object(params.into_iter().collect()));
        header.seed = (header.params.iter())
            .find(|(key, _)| is_seed_key(key))
            .and_then(|(_, value)| value.as_number())
            .filter(|seed| seed.fract() == 0.0 && seed.abs() < 9e15)
            .map(|seed| seed as i64);
    }
    header.group = group;
    header.start = start_time;
    if let Some((status, time)) = end {
        builder.set_end(EndRecord {
            status: status.map(str::to_owned),
            time: Some(time),
            ..EndRecord::default()
        });
    }
    finish(builder, source, records)
}

/// The run's name: its folder relative to the project folder, as TensorBoard names runs when
/// pointed at the project (`lightning_logs/version_0`, `runs/exp2`), so that the many
/// `version_0` folders of a project stay apart.
fn run_name(source: &Source) -> String {
    let within = match &source.folder {
        Some(project) => source
            .relative
            .strip_prefix(project.as_str())
            .and_then(|rest| rest.strip_prefix('/')),
        None => Some(source.relative.as_str()),
    };
    match within {
        Some(name) if !name.is_empty() => name.to_owned(),
        _ => source.default_name().to_owned(),
    }
}
