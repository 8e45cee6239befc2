//! The fast path against serde_json, for the tests and the fuzz target: the same records, and
//! the same run once the records are read into one (series, steps and warnings byte for byte,
//! floats bit for bit).

use std::path::Path;

use super::{LineError, LineParser, parse_fast};
use crate::log::json::{self, RawRecord, Scalar, Scratch, raw_scalar};
use crate::log::record::RunBuilder;

/// Checks the fast path against serde_json on one line: `Ok(false)` when the fast path leaves
/// the line to serde_json, `Ok(true)` when it takes it and both give the same record, and the
/// same series and warnings once the record is read into a run; `Err` says how they differ.
pub fn same_as_serde(line: &str) -> Result<bool, String> {
    let Some(fast) = parse_fast(line) else {
        return Ok(false);
    };
    let mut scratch = Scratch::default();
    let exact = json::parse_line(line, &mut scratch)
        .map_err(|e| format!("taken, but serde_json refuses it: {e}"))?;
    same_record(&fast, &exact)?;
    let (fast_run, exact_run) = (read(vec![(1, fast)]), read(vec![(1, exact)]));
    if fast_run != exact_run {
        return Err(format!(
            "runs differ: {:?} vs {:?}",
            fast_run.1, exact_run.1
        ));
    }
    Ok(true)
}

/// Checks a [`LineParser`] against serde_json on the lines of one log as they come from the
/// file, read in order: every line must give the same record, or the same error (not UTF-8 at
/// the same byte, or serde_json's words), and the run read from them by
/// [`LineParser::read_into`] the same series and warnings as the run of serde_json's records.
pub fn same_as_serde_lines(lines: &[&[u8]]) -> Result<Agreement, String> {
    let mut parser = LineParser::default();
    let mut scratches: Vec<Scratch> = (0..lines.len()).map(|_| Scratch::default()).collect();
    let mut exact_records = Vec::new();
    let mut exact_errors = Vec::new();
    for ((number, line), scratch) in (1..).zip(lines).zip(&mut scratches) {
        let shown = String::from_utf8_lossy(line);
        let text = match std::str::from_utf8(line) {
            Ok(text) => text,
            Err(e) => {
                exact_errors.push(format!("not UTF-8 at byte {}", e.valid_up_to()));
                continue;
            }
        };
        let exact = json::parse_line(text, scratch);
        // Each record borrows the parser until the next line: the run is read again below.
        let fast = parser.parse(text);
        match (&fast, &exact) {
            (Ok(fast), Ok(exact)) => {
                same_record(fast, exact).map_err(|e| format!("line {number} {shown:?}: {e}"))?
            }
            (Err(a), Err(b)) if a.to_string() == b.to_string() => {}
            (a, b) => {
                return Err(format!(
                    "line {number} {shown:?}: {:?} vs {:?}",
                    a.as_ref().err().map(ToString::to_string),
                    b.as_ref().err().map(ToString::to_string)
                ));
            }
        }
        drop(fast);
        match exact {
            Ok(exact) => exact_records.push((number, exact)),
            Err(e) => exact_errors.push(e.to_string()),
        }
    }
    // The run as the log reader builds it: numbers-only metrics lines straight from the bytes.
    let mut again = LineParser::default();
    let mut run = RunBuilder::new("p/run.jsonl", Path::new("p"), 16);
    let mut errors = Vec::new();
    for (number, line) in (1..).zip(lines) {
        // An error leaves the run as it was, as for serde_json's.
        match again.read_into(line, number, &mut run) {
            Ok(()) => {}
            Err(LineError::Utf8(e)) => {
                errors.push(format!("not UTF-8 at byte {}", e.valid_up_to()))
            }
            Err(LineError::Json(e)) => errors.push(e.to_string()),
        }
    }
    if errors != exact_errors {
        return Err(format!("errors differ: {errors:?} vs {exact_errors:?}"));
    }
    let agreement = Agreement {
        by_shape: parser.lines_by_shape,
        without_record: again.lines_without_record,
    };
    let warnings = format!("{:?}", run.take_warnings(0));
    let fast_run = (postcard::to_allocvec(&run).ok(), warnings);
    let exact_run = read(exact_records);
    if fast_run != exact_run {
        return Err(format!(
            "runs differ: {:?} vs {:?}",
            fast_run.1, exact_run.1
        ));
    }
    Ok(agreement)
}

/// How a [`LineParser`] read the lines it agreed on with serde_json.
#[derive(Debug, PartialEq, Eq)]
pub struct Agreement {
    /// Lines read along the previous line's shape.
    pub by_shape: u64,
    /// Of those, the metrics lines of numbers that went to the run without a record.
    pub without_record: u64,
}

/// What a run makes of records: every series, step and warning, as bytes.
fn read(records: Vec<(u64, RawRecord<'_>)>) -> (Option<Vec<u8>>, String) {
    let mut builder = RunBuilder::new("p/run.jsonl", Path::new("p"), 16);
    for (number, record) in records {
        builder.add(number, record);
    }
    let warnings = format!("{:?}", builder.take_warnings(0));
    (postcard::to_allocvec(&builder).ok(), warnings)
}

fn same_scalar(a: &Scalar, b: &Scalar) -> bool {
    match (a, b) {
        (Scalar::Number(a), Scalar::Number(b)) => a.to_bits() == b.to_bits(),
        (a, b) => a == b,
    }
}

/// The same type, metrics (floats bit for bit) and fields (text, and the number read from it).
fn same_record(fast: &RawRecord<'_>, exact: &RawRecord<'_>) -> Result<(), String> {
    if fast.kind.as_deref() != exact.kind.as_deref() {
        return Err(format!("type {:?} vs {:?}", fast.kind, exact.kind));
    }
    let same_metrics = match (&fast.metrics, &exact.metrics) {
        (Some(a), Some(b)) => {
            a.len() == b.len()
                && (a.iter().zip(b)).all(|((ka, va), (kb, vb))| ka == kb && same_scalar(va, vb))
        }
        (a, b) => a.is_none() && b.is_none(),
    };
    if !same_metrics {
        return Err(format!("metrics {:?} vs {:?}", fast.metrics, exact.metrics));
    }
    let same_value = match (&fast.metrics_value, &exact.metrics_value) {
        (Some(a), Some(b)) => same_scalar(a, b),
        (a, b) => a.is_none() && b.is_none(),
    };
    if !same_value {
        return Err(format!(
            "metrics value {:?} vs {:?}",
            fast.metrics_value, exact.metrics_value
        ));
    }
    let fields = |r: &RawRecord<'_>| -> Vec<(String, String)> {
        (r.fields.iter())
            .map(|(k, v)| (k.to_string(), v.get().to_owned()))
            .collect()
    };
    if fields(fast) != fields(exact) {
        return Err(format!("fields {:?} vs {:?}", fields(fast), fields(exact)));
    }
    for ((key, a), (_, b)) in fast.fields.iter().zip(&exact.fields) {
        if !same_scalar(&raw_scalar(a), &raw_scalar(b)) {
            return Err(format!(
                "field {key}: {:?} vs {:?}",
                raw_scalar(a),
                raw_scalar(b)
            ));
        }
    }
    Ok(())
}

/// Checks a log read with lines taken straight from the stream's buffer
/// ([`LineParser::read_buffered_line`]) against the same log read line by line: a buffer of one
/// byte never holds a whole line, so every line is found first and parsed after; buffers of
/// 7 bytes and 64 KiB read most lines from the buffer. The runs and the checkpoint (as the
/// cache encodes them), the warnings and the counts must be the same.
pub fn same_reading_from_the_buffer(bytes: &[u8]) -> Result<(), String> {
    let reference = reading(bytes, 1);
    for capacity in [7, 64 * 1024] {
        let read = reading(bytes, capacity);
        if read != reference {
            return Err(format!(
                "a buffer of {capacity} bytes reads {read}\nline by line: {reference}"
            ));
        }
    }
    Ok(())
}

/// A log read with a buffer of `capacity` bytes, everything a reading gives written out: its
/// runs and checkpoint as encoded for the cache, its warnings, counts and offsets.
pub(super) fn reading(bytes: &[u8], capacity: usize) -> String {
    let file = crate::log::LogFile {
        path: std::path::PathBuf::from("/logs/p/run.jsonl"),
        relative: "p/run.jsonl".to_owned(),
        folder: Some("p".to_owned()),
        gzip: false,
        suffix: ".jsonl",
    };
    let stream = std::io::BufReader::with_capacity(capacity, bytes);
    let reading = crate::log::read_log_from(stream, &file, 16, crate::log::Start::Fresh, true);
    let runs = postcard::to_allocvec(&reading.result.runs).ok();
    let checkpoint = reading.checkpoint.as_ref().map(|c| {
        let builder = postcard::to_allocvec(&c.builder).ok();
        (builder, c.lines, c.offset, c.content_lines, c.truncated)
    });
    format!(
        "{runs:?}\n{:?}\n{checkpoint:?}\n{}",
        reading.result.warnings, reading.needs_exact
    )
}
