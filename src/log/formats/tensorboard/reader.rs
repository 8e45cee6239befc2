//! Reads one event file into a run's builder: record by record through a buffered stream (memory
//! flat in the number of steps), each event's values mapped to points, notes, images and
//! hyperparameters. Damage is a warning naming the file and the record; what came before is kept.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{BufReader, Read};

use bytes::Bytes;

use super::event::{EventDecoder, Item, text_of};
use super::layout::{self, Role};
use super::tfrecord::{FrameError, RecordReader};
use crate::log::LogFile;
use crate::log::record::RunBuilder;
use crate::model::{Media, MediaKind, MediaSource, Note};

/// What a run's files say about the run as a whole, gathered across its files.
#[derive(Default)]
pub struct RunFacts {
    /// The hparams plugin's session start (the latest one wins, as for values).
    pub params: Option<BTreeMap<String, serde_json::Value>>,
    pub group: Option<String>,
    pub start_time: Option<f64>,
    /// The session end, when written with its time (see `event::Item::SessionEnd`).
    pub end: Option<(Option<&'static str>, f64)>,
    /// Values ahnb does not show, by kind ("histograms", "pr_curves", ...), for the report of a
    /// run that holds nothing else.
    pub skipped: BTreeMap<String, u64>,
    /// Records read, over all files.
    pub records: u64,
}

/// Buffer for reading an event file: records are small, and a large buffer only helps the
/// rare multi-megabyte graph record.
const BUFFER: usize = 256 * 1024;

/// Reads the event file `file` (in `role` in its run) into `builder` and `facts`.
pub fn read_event_file(
    file: &LogFile,
    stream: impl Read,
    role: Role,
    builder: &mut RunBuilder,
    facts: &mut RunFacts,
) {
    let mut reader = RecordReader::new(BufReader::with_capacity(BUFFER, stream));
    let mut decoder = EventDecoder::default();
    let mut data = Vec::new();
    let mut last_timed_step = None;
    let mut spare_items = Vec::new();
    loop {
        let record_start = reader.bytes_read();
        match reader.next_record(&mut data) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let number = reader.record_number();
                let (kind, consequence) = match &e {
                    FrameError::DataChecksum => ("bad-checksum", "skipped"),
                    FrameError::Truncated { .. } => (
                        "cut-record",
                        "ignored (the run may still be writing, or it crashed)",
                    ),
                    FrameError::Io(_) => ("read-error", "the records before are kept"),
                    _ => (
                        "bad-frame",
                        "the rest of the file cannot be read; the records before are kept",
                    ),
                };
                let message = format!("record {number} {e}; {consequence}");
                builder.warn_in(kind, &file.relative, Some(number), message);
                if e.is_recoverable() {
                    continue;
                }
                break;
            }
        }
        facts.records += 1;
        let number = reader.record_number();
        let record = Bytes::from(std::mem::take(&mut data));
        let decoded = decoder.decode_into(record.clone(), std::mem::take(&mut spare_items));
        // The decoded event is gone: take the buffer back for the next record.
        if let Ok(buffer) = record.try_into_mut() {
            data = buffer.into();
        }
        let mut decoded = match decoded {
            Ok(decoded) => decoded,
            Err(e) => {
                let message = format!("record {number} is not a valid event ({e}); skipped");
                builder.warn_in("bad-event", &file.relative, Some(number), message);
                continue;
            }
        };
        let step = decoded.step;
        let mut shown = false;
        for item in decoded.items.drain(..) {
            match item {
                Item::Scalar { tag, value } => {
                    shown = true;
                    let tag = match std::str::from_utf8(&tag) {
                        Ok(tag) => Cow::Borrowed(tag),
                        Err(_) => Cow::Owned(text_of(&tag)),
                    };
                    let name = layout::metric_name(&tag, role);
                    // Lightning logs the epoch as a scalar named `epoch`: the run's epoch axis,
                    // as for a bare JSON line's `epoch`.
                    if name == "epoch" {
                        builder.push_epoch(step, value);
                    } else {
                        builder.push_point(number, &name, step, value);
                    }
                }
                Item::Text { tag, text } => {
                    shown = true;
                    builder.add_note(Note {
                        step: Some(step),
                        text: format!("**{}**\n\n{text}", escape_markdown(&tag)),
                    });
                }
                Item::Image {
                    tag,
                    offset,
                    length,
                } => {
                    shown = true;
                    // The record's data starts after its 12-byte length and checksum.
                    let offset = record_start + 12 + offset;
                    builder.add_media(Media {
                        step: Some(step),
                        name: layout::metric_name(&tag, role).into_owned(),
                        kind: MediaKind::Image,
                        source: MediaSource::Embedded {
                            path: file.path.clone(),
                            offset,
                            length,
                        },
                        title: None,
                        description: None,
                    });
                }
                Item::Hparams {
                    params,
                    group,
                    start_time,
                } => {
                    facts.params = Some(params);
                    facts.group = group.or(facts.group.take());
                    facts.start_time = start_time.or(facts.start_time);
                }
                Item::SessionEnd { status, time } => {
                    if let Some(time) = time {
                        facts.end = Some((status, time));
                    }
                }
                Item::Skipped(kind) => *facts.skipped.entry(kind).or_default() += 1,
                Item::FileVersion(_) | Item::SessionStart => {}
            }
        }
        // Every value is its own event in most writers: one wall time per step is enough, the
        // first one a file gives the step.
        if shown && last_timed_step.is_none_or(|last| step > last) {
            builder.push_wall_time(step, decoded.wall_time);
            last_timed_step = Some(step);
        }
        spare_items = decoded.items;
    }
}

/// A tag shown in bold at the head of a note: Markdown's punctuation escaped so that a tag
/// cannot open a link or end the bold early (the note is sanitized after rendering anyway).
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        if ch.is_ascii_punctuation() {
            out.push('\\');
        }
        if !ch.is_control() {
            out.push(ch);
        }
    }
    out
}
