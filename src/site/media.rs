//! Writes the plan's copies: a run's raw log, and the images its page shows (once per content,
//! as `<project>/media/<content name>`). Both are read again through the read boundary; an
//! image whose content changed since the loader checked it is refused, so that its name stays
//! its content. What fails is a warning at the run's log.

use super::output::UnitWriter;
use crate::diag::{Warning, quote};
use crate::log::media::{LogRef, read_image};
use crate::model::MediaContent;
use crate::plan::CopyFrom;

/// Copies a raw log to `path`; `Some(warning)` when it cannot be.
pub(super) fn copy_raw_log(writer: &UnitWriter, path: &str, from: &CopyFrom) -> Option<Warning> {
    let boundary = crate::log::boundary::Boundary::of_file(&from.path_on_disk, &from.source);
    let copied = boundary
        .open(&from.path_on_disk, crate::log::boundary::Kind::Log)
        .map_err(|refusal| refusal.to_string())
        .and_then(|input| {
            writer
                .copy(path, &from.path_on_disk, input)
                .map_err(|e| e.to_string())
        });
    copied
        .err()
        .map(|e| Warning::at_file(&from.source, format!("cannot copy the raw log: {e}")))
}

/// Copies an image to `path` unless an earlier run's copy of the same content is there.
pub(super) fn copy_image(
    writer: &UnitWriter,
    path: &str,
    from: &CopyFrom,
    content: &MediaContent,
    shown: &str,
    embedded: bool,
) -> Option<Warning> {
    let log = LogRef {
        path_on_disk: &from.path_on_disk,
        source: &from.source,
    };
    let written = read_image(log, content)
        .map_err(|e| format!("media {} cannot be copied: {e}", quote(shown)))
        .and_then(|bytes| {
            writer.write_once(path, &bytes).map_err(|e| {
                if embedded {
                    format!("image {} cannot be written: {e}", quote(shown))
                } else {
                    format!("media {} cannot be copied: {e}", quote(shown))
                }
            })
        });
    written
        .err()
        .map(|message| Warning::at_file(&from.source, message))
}
