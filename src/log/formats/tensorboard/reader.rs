//! Reads one event file into a run's builder: record by record through a buffered stream (memory
//! flat in the number of steps), each event's values mapped to points, notes, images and
//! hyperparameters. Damage is a warning naming the file and the record; what came before is kept.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Read;

use bytes::Bytes;

use super::event::{Decoded, EventDecoder, Item, WidenCache, text_of};
use super::fast::{self, Scalars};
use super::layout::{self, Role};
use super::tfrecord::{FrameError, RecordReader};
use crate::log::LogFile;
use crate::log::record::RunBuilder;
use crate::log::run::{Media, MediaKind, MediaSource, Note};

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

/// Reads the event file `file` (in `role` in its run) into `builder` and `facts`.
pub fn read_event_file(
    file: &LogFile,
    stream: impl Read,
    role: Role,
    builder: &mut RunBuilder,
    facts: &mut RunFacts,
) {
    let mut reader = RecordReader::new(stream);
    let mut decoder = EventDecoder::default();
    let mut last_timed_step = None;
    let mut spare_items = Vec::new();
    let mut scalars = Scalars::default();
    let mut widen = WidenCache::default();
    let mut names = TagNames::default();
    loop {
        let record = match reader.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => break,
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
        };
        facts.records += 1;
        let number = record.number;
        let (step, wall_time, shown) = if fast::decode_scalars(record.data, &mut scalars).is_some()
        {
            let step = scalars.step;
            for (tag, value) in &scalars.values {
                let tag = &record.data[tag.clone()];
                let value = widen.widen(*value);
                push_scalar(builder, &mut names, (number, role), tag, step, value);
            }
            (step, scalars.wall_time, !scalars.values.is_empty())
        } else {
            let data = Bytes::copy_from_slice(record.data);
            match decoder.decode_into(data, std::mem::take(&mut spare_items)) {
                Ok(mut decoded) => {
                    let at = (number, record.offset);
                    let into = (&mut *builder, &mut names, &mut *facts);
                    let shown = take_items(file, role, at, &mut decoded, into);
                    spare_items = decoded.items;
                    (decoded.step, decoded.wall_time, shown)
                }
                Err(e) => {
                    let message = format!("record {number} is not a valid event ({e}); skipped");
                    builder.warn_in("bad-event", &file.relative, Some(number), message);
                    continue;
                }
            }
        };
        // Every value is its own event in most writers: one wall time per step is enough, the
        // first one a file gives the step.
        if shown && last_timed_step.is_none_or(|last| step > last) {
            builder.push_wall_time(step, wall_time);
            last_timed_step = Some(step);
        }
    }
}

/// Slots of the series hint (see `RunBuilder::push_point_at`) and of [`TagNames`].
const TAG_SLOTS: usize = 64;

/// The metric names of one file's tags, by slot: a file repeats a handful of tags, and the name
/// of one (its UTF-8 check, Keras' prefixes, `val_` for a validation file) is then made once
/// instead of once per value. Direct-mapped, so it never grows; a slot is checked against the
/// tag's bytes, so two tags sharing one only cost the name again.
pub struct TagNames {
    /// `(tag bytes, metric name)`.
    slots: Vec<Option<(Box<[u8]>, String)>>,
}

impl Default for TagNames {
    fn default() -> Self {
        TagNames {
            slots: vec![None; TAG_SLOTS],
        }
    }
}

impl TagNames {
    /// The metric named by `tag` (a slice of the record) in `role`, kept in `slot`. A tag that
    /// is not UTF-8 is shown with its bytes escaped (see `text_of`).
    fn name(&mut self, slot: usize, tag: &[u8], role: Role) -> &str {
        let entry = &mut self.slots[slot];
        if entry.as_ref().is_none_or(|(known, _)| **known != *tag) {
            let text = match std::str::from_utf8(tag) {
                Ok(text) => Cow::Borrowed(text),
                Err(_) => Cow::Owned(text_of(tag)),
            };
            let name = layout::metric_name(&text, role).into_owned();
            *entry = Some((tag.into(), name));
        }
        entry.as_ref().map_or("", |(_, name)| name)
    }
}

/// A slot from the tag's length and last bytes: writers log a handful of tags in turn, and
/// distinct tags rarely share a slot (when they do, the checks against the name catch it).
fn tag_slot(tag: &[u8]) -> usize {
    match tag {
        [.., a, b] => (tag.len() * 7 + usize::from(*a) * 3 + usize::from(*b)) % TAG_SLOTS,
        _ => tag.len() % TAG_SLOTS,
    }
}

/// One scalar into its series. The tag is a slice of the record.
fn push_scalar(
    builder: &mut RunBuilder,
    names: &mut TagNames,
    at: (u64, Role),
    tag: &[u8],
    step: i64,
    value: f64,
) {
    let (number, role) = at;
    let slot = tag_slot(tag);
    let name = names.name(slot, tag, role);
    // Lightning logs the epoch as a scalar named `epoch`: the run's epoch axis, as for a bare
    // JSON line's `epoch`.
    if name == "epoch" {
        builder.push_epoch(step, value);
    } else {
        builder.push_point_at(number, name, step, value, slot);
    }
}

/// The items of a record the full decoder read (`at`: its number and the offset of its data in
/// the file); true when one of them is shown (a scalar, a text, an image).
fn take_items(
    file: &LogFile,
    role: Role,
    at: (u64, u64),
    decoded: &mut Decoded,
    (builder, names, facts): (&mut RunBuilder, &mut TagNames, &mut RunFacts),
) -> bool {
    let (number, data_offset) = at;
    let step = decoded.step;
    let mut shown = false;
    for item in decoded.items.drain(..) {
        match item {
            Item::Scalar { tag, value } => {
                shown = true;
                push_scalar(builder, names, (number, role), &tag, step, value);
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
                builder.add_media(Media {
                    step: Some(step),
                    name: layout::metric_name(&tag, role).into_owned(),
                    kind: MediaKind::Image,
                    source: MediaSource::Embedded {
                        path: file.path.clone(),
                        offset: data_offset + offset,
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
    shown
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names_are_made_once_per_tag_and_never_mixed_up() {
        // Two tags in one slot: each is named for itself, in turn, however often they alternate.
        let (a, b) = (b"epoch_loss".as_slice(), b"epoch_mloss".as_slice());
        let other = (2..8)
            .flat_map(|len| {
                (b'a'..=b'z').flat_map(move |x| (b'a'..=b'z').map(move |y| (len, x, y)))
            })
            .map(|(len, x, y)| [vec![b'v'; len - 2], vec![x, y]].concat())
            .find(|tag| tag_slot(tag) == tag_slot(a));
        let other = other.expect("a tag in the slot of epoch_loss");
        let mut names = TagNames::default();
        for _ in 0..3 {
            let slot = tag_slot(a);
            assert_eq!(names.name(slot, a, Role::Validation), "val_loss");
            assert_eq!(
                names.name(slot, &other, Role::Validation),
                format!("val_{}", String::from_utf8_lossy(&other))
            );
            assert_eq!(names.name(tag_slot(b), b, Role::Train), "mloss");
        }
        // The same bytes in another role of another file's names: Keras' prefix dropped only.
        assert_eq!(
            TagNames::default().name(tag_slot(a), a, Role::Run),
            "epoch_loss"
        );
        // A tag that is not UTF-8 is shown with its bytes replaced, as the full decode shows it.
        let bad = b"lo\xffss";
        assert_eq!(
            TagNames::default().name(tag_slot(bad), bad, Role::Run),
            "lo\u{fffd}ss"
        );
    }
}
