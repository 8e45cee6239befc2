//! Detection: which of the walk's files are logs, of which format, and which files make up one
//! run. Decided by content and layout (a folder's shape, a file's first line), never by a file
//! name's extension alone. Folder formats claim their files first, so that a run folder's
//! documents are not read again as loose logs; what no format claims is reported as skipped
//! (files that could have been logs) or counted as other files.

pub use super::detector::Detection;
use super::detector::{Detector, file_name};
use super::{Format, SkipReason};
use crate::log::walk::{self, LogFile};

/// Turns the walk's files into sources to read.
pub fn detect(files: &[LogFile]) -> Detection {
    let mut d = Detector::new(files);
    // Folder formats first: their files must not be read again as loose logs.
    super::mlflow::detect(&mut d);
    super::wandb::detect(&mut d);
    super::dvclive::detect(&mut d);
    super::lightning::detect(&mut d);

    // TensorBoard: `events.out.tfevents*` files grouped into run folders, before the loose-file
    // formats.
    super::tensorboard::detect::detect(&mut d);

    super::huggingface::detect(&mut d);
    native(&mut d);
    super::csv_log::detect(&mut d);
    leftovers(d)
}

/// ahnb's own JSON lines and bare metric JSON lines: `.jsonl`/`.ndjson` (maybe gzipped), and
/// `.json` files whose first line is a complete training record (detectron2's metrics.json,
/// MMEngine's scalars.json).
fn native(d: &mut Detector<'_>) {
    for i in d.all() {
        if d.is_claimed(i) {
            continue;
        }
        let file = d.file(i);
        let name = file_name(&file.relative);
        if !file.suffix.is_empty() {
            d.add_source(Format::Native, &file.relative.clone(), &[i]);
        } else if name.ends_with(".json") && walk::looks_like_json_lines(file) {
            let relative = file.relative.clone();
            d.add_source(Format::Native, &relative, &[i]);
            if let Some(source) = d.sources.last_mut() {
                source.inputs[0].suffix = ".json";
            }
        }
    }
}

/// What nothing claimed: documents that could have been logs are skipped with a reason, the rest
/// counted as other files.
fn leftovers(mut d: Detector<'_>) -> Detection {
    let mut others = Vec::new();
    for i in d.all() {
        if d.is_claimed(i) {
            continue;
        }
        let name = file_name(&d.file(i).relative);
        if name.ends_with(".json") {
            d.skip(i, SkipReason::JsonDocument);
        } else {
            others.push(d.file(i).relative.clone());
        }
    }
    let mut sources = d.sources;
    sources.sort_by(|a, b| a.relative.cmp(&b.relative));
    let mut skipped = d.skipped;
    skipped.sort();
    Detection {
        sources,
        skipped,
        others,
    }
}
