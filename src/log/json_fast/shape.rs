//! The layout of the last line the fast path took: its text between values (braces, keys,
//! colons, commas, whitespace) and what kind of value stands in each gap. Writers put the same
//! keys in the same order on every line, so the next line is nearly always the same text with
//! other numbers: comparing each piece of text whole and reading only the values gives the
//! record without scanning keys byte by byte.
//!
//! Why this is the same record: the one-pass parser's path through a line depends only on the
//! bytes outside values and on which value-reading function it called in each gap. A line that
//! has the same bytes outside its values, each value read by the same function, is parsed along
//! the same path; the record is built here in the same order from the same pieces. The value
//! readers stop where their grammar ends (a number at its last digit, a string at its closing
//! quote, a word only before a delimiter), so a value cannot swallow a piece of the layout.

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{Parser, number};
use crate::log::bytes::same_bytes;
use crate::log::json::{RawRecord, Scalar};

/// Longest line whose layout is kept: real metric lines are a few hundred bytes, and a long
/// flat line is no reason to hold a copy of it.
const MAX_LAYOUT_BYTES: usize = 64 * 1024;

/// What the parser read in a gap, and so what the record does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Slot {
    /// The `type` field's string.
    Type,
    /// A `metrics` field that is not an object (a metric of a bare line).
    MetricsValue,
    /// Any other top-level field's value, kept as raw JSON.
    Field,
    /// A value inside the `metrics` object.
    Metric,
}

#[derive(Debug, Clone, Copy)]
struct Gap {
    /// Where the text before this value ends in `Shape::text`.
    text_end: usize,
    /// Where the value's key starts, counted from the start of the text before the value, and
    /// its length (the key lies inside that text).
    key_offset: usize,
    key_length: usize,
    /// Where the key is in `Shape::keys`.
    key: (usize, usize),
    slot: Slot,
}

/// The layout of one line (see the module comment); empty until a line is recorded.
#[derive(Default)]
pub(super) struct Shape {
    /// A line is being recorded (one short enough to keep).
    recording: bool,
    /// The text outside values, every piece after the other; the last piece follows the last
    /// value.
    text: Vec<u8>,
    gaps: Vec<Gap>,
    /// The keys of the recorded line, one after another (`Gap::key` gives each one's place).
    keys: String,
    /// End of the previous value in the line being recorded.
    last_end: usize,
    fields: usize,
    metrics: usize,
    has_metrics_object: bool,
    /// The recorded line has a `type` and no `metrics` that is not an object: a line laid out
    /// the same may be a native metrics record [`Shape::read_numbers`] can take.
    numbers_only: bool,
    /// A whole line was recorded (else the shape matches nothing).
    ready: bool,
    /// The number of this recording, which no other recording in the process has (see
    /// [`Shape::layout`]).
    layout: u64,
}

/// The last number given to a recorded layout.
static LAYOUTS: AtomicU64 = AtomicU64::new(0);

impl Shape {
    /// Starts recording `line` (whatever was recorded before is forgotten).
    pub(super) fn start(&mut self, line: &str) {
        self.ready = false;
        self.text.clear();
        self.gaps.clear();
        self.keys.clear();
        self.recording = line.len() <= MAX_LAYOUT_BYTES;
        self.last_end = 0;
        self.fields = 0;
        self.metrics = 0;
    }

    /// Notes a value of `line`, the line being recorded: it spans `value_start..value_end`, and
    /// its key (unused for `Slot::Type`) starts at `key_start`.
    pub(super) fn value(
        &mut self,
        line: &[u8],
        slot: Slot,
        key: &str,
        key_start: usize,
        value_start: usize,
        value_end: usize,
    ) {
        if !self.recording {
            return;
        }
        let text_start = self.last_end;
        self.text.extend_from_slice(&line[text_start..value_start]);
        let keys_start = self.keys.len();
        self.keys.push_str(key);
        self.gaps.push(Gap {
            text_end: self.text.len(),
            key_offset: key_start - text_start,
            key_length: key.len(),
            key: (keys_start, self.keys.len()),
            slot,
        });
        match slot {
            Slot::Field => self.fields += 1,
            Slot::Metric => self.metrics += 1,
            Slot::Type | Slot::MetricsValue => {}
        }
        self.last_end = value_end;
    }

    /// Ends `line`, which the parser took; `has_metrics_object` says whether it had a
    /// `metrics` object.
    pub(super) fn finish(&mut self, line: &[u8], has_metrics_object: bool) {
        if !self.recording {
            return;
        }
        self.text.extend_from_slice(&line[self.last_end..]);
        self.has_metrics_object = has_metrics_object;
        let slots = || self.gaps.iter().map(|gap| gap.slot);
        self.numbers_only = slots().any(|slot| slot == Slot::Type)
            && slots().all(|slot| slot != Slot::MetricsValue);
        self.ready = true;
        self.layout = LAYOUTS.fetch_add(1, Ordering::Relaxed) + 1;
    }

    /// A number for the recorded layout, the same for every line read along it and different
    /// from every other recording's: lines with the same number have the same keys in the same
    /// order (`RunBuilder::add_metrics_parts` keeps its metrics' series by it).
    pub(super) fn layout(&self) -> u64 {
        self.layout
    }

    /// Reads `line` into `values` when it is laid out as the recorded line, is a native metrics
    /// record (its last `type` is `"metrics"`) and every field and metric in it is a number:
    /// the line nearly every log is made of, handed to the run without building a record
    /// ([`Shape::fields_of`], [`Shape::metrics_of`]). `None` otherwise, and the line is read as
    /// a record.
    pub(super) fn read_numbers(&self, line: &[u8], values: &mut Vec<f64>) -> Option<()> {
        (self.read_numbers_from(line, values)? == line.len()).then_some(())
    }

    /// [`Shape::read_numbers`] of the line at the start of `bytes`, which may go on past it:
    /// the length of the text that matched the recorded line's, up to its last piece; the
    /// caller decides whether the line ends there. The pieces matched are the recorded line's
    /// bytes and the values read are numbers: none of them is a line end.
    pub(super) fn read_numbers_from(&self, line: &[u8], values: &mut Vec<f64>) -> Option<usize> {
        if !self.ready || !self.numbers_only {
            return None;
        }
        values.clear();
        let mut at = 0;
        let mut text_start = 0;
        let mut is_metrics = false;
        for gap in &self.gaps {
            let piece = &self.text[text_start..gap.text_end];
            if !same_bytes(line.get(at..at + piece.len())?, piece) {
                return None;
            }
            at += piece.len();
            text_start = gap.text_end;
            let number = match gap.slot {
                Slot::Type => {
                    // `Parser::string` of this would give "metrics"; any other string, or
                    // anything else, is read as a record.
                    is_metrics = line.get(at..at + 9) == Some(b"\"metrics\"");
                    if !is_metrics {
                        return None;
                    }
                    at += 9;
                    0.0
                }
                // `Parser::raw_value` of a number (its other values are not numbers).
                Slot::Field => {
                    let (number, end) = number::read(line, at)?;
                    at = end;
                    number
                }
                Slot::Metric => {
                    let (number, end) = metric_number(line, at)?;
                    at = end;
                    number
                }
                Slot::MetricsValue => return None,
            };
            values.push(number);
        }
        // The pieces matched the recorded line's, which was text, and every value read is ASCII:
        // so is this line text, with no check of its own.
        let last = &self.text[text_start..];
        let end = at + last.len();
        (is_metrics && same_bytes(line.get(at..end)?, last)).then_some(end)
    }

    /// The fields of a line [`Shape::read_numbers`] read, as `RunBuilder::add_metrics_parts`
    /// takes them: the same keys and numbers, in the same order, as its record holds (the
    /// record's texts are those numbers' JSON, which `raw_scalar` reads to the same value).
    pub(super) fn fields_of<'a>(
        &'a self,
        values: &'a [f64],
    ) -> impl Iterator<Item = (&'a str, f64)> {
        (self.gaps.iter().zip(values))
            .filter(|(gap, _)| gap.slot == Slot::Field)
            .map(move |(gap, &number)| (self.key(gap), number))
    }

    /// The `metrics` object of a line [`Shape::read_numbers`] read, `None` when it has none,
    /// as its record holds it.
    pub(super) fn metrics_of<'a>(
        &'a self,
        values: &'a [f64],
    ) -> Option<impl Iterator<Item = (Cow<'a, str>, Scalar)>> {
        let metrics = (self.gaps.iter().zip(values))
            .filter(|(gap, _)| gap.slot == Slot::Metric)
            .map(move |(gap, &number)| (Cow::Borrowed(self.key(gap)), Scalar::Number(number)));
        self.has_metrics_object.then_some(metrics)
    }

    /// A gap's key, as recorded (the same bytes as in any line that matched).
    fn key(&self, gap: &Gap) -> &str {
        self.keys.get(gap.key.0..gap.key.1).unwrap_or_default()
    }

    /// The record of `line` when it is laid out as the recorded line; `None` otherwise.
    pub(super) fn parse<'a>(&self, line: &'a str) -> Option<RawRecord<'a>> {
        if !self.ready {
            return None;
        }
        let mut p = Parser::new(line);
        let mut record = RawRecord {
            fields: Vec::with_capacity(self.fields),
            metrics: self
                .has_metrics_object
                .then(|| Vec::with_capacity(self.metrics)),
            ..RawRecord::default()
        };
        let mut text_start = 0;
        for gap in &self.gaps {
            let piece = &self.text[text_start..gap.text_end];
            if !same_bytes(p.bytes.get(p.at..p.at + piece.len())?, piece) {
                return None;
            }
            let key_start = p.at + gap.key_offset;
            p.at += piece.len();
            text_start = gap.text_end;
            match gap.slot {
                Slot::Type => {
                    if p.peek()? != b'"' {
                        return None;
                    }
                    record.kind = Some(Cow::Borrowed(p.string()?));
                }
                Slot::MetricsValue => record.metrics_value = Some(p.scalar()?),
                Slot::Field => {
                    let key = line.get(key_start..key_start + gap.key_length)?;
                    record.fields.push((Cow::Borrowed(key), p.raw_value()?));
                }
                Slot::Metric => {
                    let key = line.get(key_start..key_start + gap.key_length)?;
                    let value = p.scalar()?;
                    record.metrics.as_mut()?.push((Cow::Borrowed(key), value));
                }
            }
        }
        same_bytes(&p.bytes[p.at..], &self.text[text_start..]).then_some(record)
    }
}

/// A metric's value as `Parser::scalar` reads it when that is a number (Python's bare `NaN`,
/// `Infinity` and `-Infinity` included), and where it ends; `None` for anything else.
fn metric_number(line: &[u8], at: usize) -> Option<(f64, usize)> {
    let word = |word: &[u8], value: f64| {
        let end = at + word.len();
        let delimited = matches!(
            line.get(end),
            None | Some(b' ' | b'\n' | b'\t' | b'\r' | b',' | b'}')
        );
        (line.get(at..end)? == word && delimited).then_some((value, end))
    };
    match *line.get(at)? {
        b'N' => word(b"NaN", f64::NAN),
        b'I' => word(b"Infinity", f64::INFINITY),
        b'-' if line.get(at + 1) == Some(&b'I') => word(b"-Infinity", f64::NEG_INFINITY),
        _ => number::read(line, at),
    }
}
