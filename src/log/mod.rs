//! Finding and reading logs: walk LOGS, then parse every file in parallel, tolerantly, one line at
//! a time. A bad line becomes a warning and the rest of the file is kept. The output order never
//! depends on the number of threads.

pub mod boundary;
pub mod bytes;
pub mod cache;
pub mod cache_finished;
pub mod cache_store;
pub mod config;
pub mod file_identity;
pub mod formats;
pub mod json;
pub mod json_fast;
pub mod lines;
pub mod load;
pub mod media;
mod positioned;
pub mod project_config;
pub mod readme;
pub mod record;
pub mod run;
pub mod spill;
pub mod walk;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::diag::Warning;
use crate::log::run::series::SeriesBuilder;
use crate::log::run::{Format, Run};
use lines::{Line, LineReader};
use record::RunBuilder;
pub use walk::{LogFile, find_files};

/// Project name for logs directly in LOGS whose header names none.
pub const DEFAULT_PROJECT: &str = "default";

/// What reading one source (a log file, or a run folder of another format) gave: its runs (none
/// when it had nothing in it; several when one file holds runs appended one after another) and
/// its warnings.
#[derive(Default)]
pub struct FileResult {
    pub runs: Vec<Run>,
    pub warnings: Vec<Warning>,
    /// Steps went back further than streaming resolves: read the source again with exact
    /// series (see [`record::RunBuilder::needs_exact_reading`]).
    pub needs_exact: bool,
}

impl FileResult {
    /// Nothing read, and why.
    pub fn failed(warning: Warning) -> Self {
        FileResult {
            runs: Vec::new(),
            warnings: vec![warning],
            needs_exact: false,
        }
    }
}

/// Where a run came from, for [`finish_run`].
pub struct RunPlace<'a> {
    /// Path relative to LOGS (file or folder), `/` separators; becomes `Run::source`.
    pub relative: &'a str,
    pub path: &'a Path,
    pub folder: Option<&'a str>,
    pub format: Format,
    /// The run's name when its header names none.
    pub default_name: &'a str,
}

/// Reads one log file into a run. A log whose steps went back further than streaming resolves
/// (a run resumed from an old checkpoint) is read a second time, exactly.
pub fn read_log_file(file: &LogFile, bound: usize) -> FileResult {
    let reading =
        read_file_from_start(file, bound, false, false).and_then(|r| match r.needs_exact {
            false => Ok(r),
            true => read_file_from_start(file, bound, true, false),
        });
    match reading {
        Ok(reading) => reading.result,
        Err(warning) => FileResult::failed(warning),
    }
}

/// Opens a log through the read boundary and reads it from the start, with exact series when
/// `exact`. The error is the warning saying why the file was not read.
pub fn read_file_from_start(
    file: &LogFile,
    bound: usize,
    exact: bool,
    want_checkpoint: bool,
) -> Result<Reading, Warning> {
    let (opened, mut warnings) = open_log(file)?;
    const BUFFER: usize = 256 * 1024;
    let limit = boundary::Kind::Log.limit();
    let start = if exact { Start::Exact } else { Start::Fresh };
    let mut reading = if file.gzip {
        // The decompressed stream has the limit too: a small gzip bomb must not take hours.
        let decoder = flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUFFER, opened));
        read_log_from(
            BufReader::with_capacity(BUFFER, std::io::Read::take(decoder, limit)),
            file,
            bound,
            start,
            want_checkpoint,
        )
    } else {
        read_log_from(
            BufReader::with_capacity(BUFFER, opened),
            file,
            bound,
            start,
            want_checkpoint,
        )
    };
    reading.result.warnings.append(&mut warnings);
    Ok(reading)
}

/// Opens a log through the read boundary: the stream stops at the size limit for logs, with a
/// warning when the log is longer.
pub fn open_log(file: &LogFile) -> Result<(std::io::Take<File>, Vec<Warning>), Warning> {
    let boundary = boundary::Boundary::of_file(&file.path, &file.relative);
    let input = boundary
        .open(&file.path, boundary::Kind::Log)
        .map_err(|refusal| Warning::at_file(&file.relative, refusal.to_string()))?;
    let mut warnings = Vec::new();
    if input.over_limit() {
        warnings.push(Warning::at_file(
            &file.relative,
            format!(
                "log is {} bytes, over the limit of {}; read up to the limit",
                input.len,
                input.limit()
            ),
        ));
    }
    Ok((input.into_reader(), warnings))
}

/// Reads a log from any stream, in one pass with exact series (a stream cannot be read twice,
/// so every point is held until the end). Separated from the file so tests can feed bytes.
pub fn read_log<R: BufRead>(stream: R, file: &LogFile, bound: usize) -> FileResult {
    read_log_from(stream, file, bound, Start::Exact, false).result
}

/// Where a reading starts.
pub enum Start {
    /// From the first line, streaming (bounded memory per series).
    Fresh,
    /// From the first line, with exact series (see [`RunBuilder::exact`]).
    Exact,
    /// From a checkpoint; the stream starts at its offset.
    Resume(Box<Checkpoint>),
}

/// The state of a log's reading after its last complete line: what the incremental cache keeps,
/// so that a log that grew is read on from `offset` instead of from the start.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct Checkpoint {
    pub builder: RunBuilder,
    /// Lines read (the next line is `lines + 1`).
    pub lines: u64,
    /// Bytes read up to the end of the last complete line.
    pub offset: u64,
    /// Lines that were not blank.
    pub content_lines: u64,
    /// The last line was cut (only for checkpoints taken at the very end, as for gzip logs).
    pub truncated: bool,
}

/// A finished reading: the result and, when asked for, the checkpoint to cache.
pub struct Reading {
    pub result: FileResult,
    /// `None` when not asked for, or when the stream failed (nothing trustworthy to resume).
    pub checkpoint: Option<Checkpoint>,
    /// Steps went back further than streaming resolves: the result may count overwritten
    /// values, and the log must be read again from the start with [`Start::Exact`].
    pub needs_exact: bool,
}

/// Reads a log from where `start` says (for a checkpoint, the stream must start at its
/// offset). With `checkpoint_at_end`, the checkpoint is taken after everything,
/// cut line included (for gzip logs, which cannot be resumed mid-stream); otherwise before a cut
/// last line, so that the line is read again once the writer completes it.
pub fn read_log_from<R: BufRead>(
    stream: R,
    file: &LogFile,
    bound: usize,
    start: Start,
    want_checkpoint: bool,
) -> Reading {
    let folder = file.path.parent().unwrap_or(Path::new("."));
    let (mut builder, mut reader, mut lines_with_content) = match start {
        Start::Resume(c) => (
            c.builder,
            LineReader::resume(stream, c.lines, c.offset),
            c.content_lines,
        ),
        Start::Fresh => (
            RunBuilder::new(&file.relative, folder, bound),
            LineReader::new(stream),
            0,
        ),
        Start::Exact => (
            RunBuilder::new(&file.relative, folder, bound).exact(),
            LineReader::new(stream),
            0,
        ),
    };
    let checkpoint_at_end = file.gzip;
    let mut checkpoint = None;
    let mut truncated = false;
    let mut read_error = None;
    // One per log: it reads each line along the previous line's layout when they match.
    let mut parser = json_fast::LineParser::default();
    loop {
        // A metrics line laid out like the one before is read straight from the stream's
        // buffer, its end found by reading it (see `LineParser::read_buffered_line`); it has
        // no CR, no mark and content, and a `\n` ends it, so nothing below applies to it.
        let number = reader.line_number() + 1;
        if let Some(length) = parser.read_buffered_line(reader.buffered(), number, &mut builder) {
            reader.take_line(length);
            lines_with_content += 1;
            continue;
        }
        let line_start = reader.bytes_read();
        let (number, line) = match reader.next_line() {
            Ok(Some(next)) => next,
            Ok(None) => break,
            Err(e) => {
                read_error = Some(e);
                break;
            }
        };
        let (bytes, terminated) = match line {
            Line::Text { bytes, terminated } => (bytes, terminated),
            Line::TooLong { length } => {
                let limit = lines::MAX_LINE_BYTES;
                let message =
                    format!("line of {length} bytes is longer than the limit of {limit}; skipped");
                builder.warn("too-long", number, message);
                lines_with_content += 1;
                continue;
            }
        };
        if !terminated && want_checkpoint && !checkpoint_at_end {
            checkpoint = Some(Checkpoint {
                builder: builder.clone(),
                lines: number - 1,
                offset: line_start,
                content_lines: lines_with_content,
                truncated: false,
            });
        }
        // A lone CR (one not before a LF) ends a line too: some writers end lines with CR only,
        // and the whole file read as one unterminated line was "cut off".
        for (piece, piece_terminated) in split_at_lone_cr(bytes, terminated) {
            if piece.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            lines_with_content += 1;
            match parser.read_into(piece, number, &mut builder) {
                Ok(()) => {}
                Err(json_fast::LineError::Utf8(e)) => {
                    truncated |= !piece_terminated;
                    let at = e.valid_up_to();
                    let message = format!("line is not valid UTF-8 (at byte {at}); skipped");
                    builder.warn("utf8", number, message);
                }
                Err(json_fast::LineError::Json(_)) if !piece_terminated => {
                    truncated = true;
                    builder.warn(
                        "cut-line",
                        number,
                        "last line is cut off (the run may still be writing, or it crashed); ignored",
                    );
                }
                Err(json_fast::LineError::Json(e)) => builder.warn(
                    "malformed",
                    number,
                    format!("malformed JSON: {}", describe_json_error(&e)),
                ),
            }
        }
    }
    if let Some(e) = read_error {
        let line = reader.line_number();
        let message = if file.gzip {
            format!("cannot decompress past line {line}: {e}; the lines before are kept")
        } else {
            format!("read failed after line {line}: {e}; the lines before are kept")
        };
        builder.warn("read-error", line.max(1), message);
        checkpoint = None;
    } else if want_checkpoint && (checkpoint.is_none() || checkpoint_at_end) {
        checkpoint = Some(Checkpoint {
            builder: builder.clone(),
            lines: reader.line_number(),
            offset: reader.bytes_read(),
            content_lines: lines_with_content,
            truncated,
        });
    }
    let needs_exact = builder.needs_exact_reading();
    let result = finish_reading(
        builder,
        file,
        lines_with_content,
        reader.line_number(),
        reader.bytes_read(),
        truncated,
    );
    Reading {
        result,
        checkpoint,
        needs_exact,
    }
}

/// The parts of a line between lone CRs (a CR not followed by a LF; trailing CRs are already
/// stripped), each with whether a line end closed it. Nearly every line has no CR: one part.
fn split_at_lone_cr(bytes: &[u8], terminated: bool) -> impl Iterator<Item = (&[u8], bool)> {
    // An iterator, not a vector: one allocation per line was a measurable part of reading.
    let mut rest = Some(bytes);
    std::iter::from_fn(move || {
        let piece = rest?;
        match memchr::memchr(b'\r', piece) {
            Some(at) => {
                rest = Some(&piece[at + 1..]);
                Some((&piece[..at], true))
            }
            None => {
                rest = None;
                Some((piece, terminated))
            }
        }
    })
}

/// Turns a checkpoint taken at the very end (gzip logs) back into its result, without reading.
pub fn finish_checkpoint(checkpoint: Checkpoint, file: &LogFile) -> FileResult {
    let Checkpoint {
        builder,
        lines,
        offset,
        content_lines,
        truncated,
    } = checkpoint;
    finish_reading(builder, file, content_lines, lines, offset, truncated)
}

fn finish_reading(
    mut builder: RunBuilder,
    file: &LogFile,
    lines_with_content: u64,
    lines: u64,
    bytes: u64,
    truncated: bool,
) -> FileResult {
    if lines_with_content == 0 {
        let mut warnings = builder.take_warnings(0);
        if warnings.is_empty() {
            warnings.push(Warning::at_file(&file.relative, "empty file; no run"));
        }
        return FileResult {
            runs: Vec::new(),
            warnings,
            needs_exact: false,
        };
    }
    let file_name = file.relative.rsplit('/').next().unwrap_or(&file.relative);
    let place = RunPlace {
        relative: &file.relative,
        path: &file.path,
        folder: file.folder.as_deref(),
        format: Format::Native,
        default_name: walk::stem_of(file_name),
    };
    let (run, warnings) = finish_run(builder, &place, lines, bytes, truncated);
    FileResult {
        runs: vec![run],
        warnings,
        // The native reader asks for its exact reading itself (see `read_log_file`).
        needs_exact: false,
    }
}

fn describe_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json ends its messages with " at line 1 column N"; the line is ours already.
    match text.rfind(" at line 1 column ") {
        Some(at) => format!(
            "{} (column {})",
            &text[..at],
            &text[at + " at line 1 column ".len()..]
        ),
        None => text,
    }
}

/// Closes a builder into its run and warnings: the one way every format makes a `Run`.
/// `lines` and `bytes` are what was read (lines or records, and bytes on disk).
pub fn finish_run(
    mut builder: RunBuilder,
    place: &RunPlace<'_>,
    lines: u64,
    bytes: u64,
    truncated: bool,
) -> (Run, Vec<Warning>) {
    let mut repeats = 0;
    let series = std::mem::take(&mut builder.series)
        .into_iter()
        .zip(builder.metric_order.iter())
        .map(|(series, name)| {
            let (series, repeated) = series.finish();
            repeats += repeated;
            (name.clone(), series)
        })
        .collect();
    let finish_optional = |b: SeriesBuilder| {
        let (series, _) = b.finish();
        (series.summary.count > 0).then_some(series)
    };
    let wall_time = finish_optional(std::mem::replace(
        &mut builder.wall_time,
        SeriesBuilder::new(1),
    ));
    let epoch = finish_optional(std::mem::replace(&mut builder.epoch, SeriesBuilder::new(1)));
    let warnings = builder.take_warnings(repeats);
    let header = builder.header.take().unwrap_or_default();
    let name = header
        .run
        .clone()
        .unwrap_or_else(|| place.default_name.to_owned());
    let project = header
        .project
        .clone()
        .or_else(|| place.folder.map(str::to_owned))
        .unwrap_or_else(|| DEFAULT_PROJECT.to_owned());
    let mut run = Run {
        source: place.relative.to_owned(),
        path_on_disk: place.path.to_path_buf(),
        folder: place.folder.map(str::to_owned),
        format: place.format,
        project,
        name,
        header,
        series,
        metric_order: std::mem::take(&mut builder.metric_order),
        wall_time,
        epoch,
        media: std::mem::take(&mut builder.media),
        media_content: Vec::new(),
        notes: std::mem::take(&mut builder.notes),
        end: builder.end.take(),
        lines,
        bytes,
        warnings: warnings.len() as u64,
        truncated,
        points_digest: 0,
        residence: crate::log::run::detail::Residence::Memory,
    };
    run.points_digest = run.points_digest();
    (run, warnings)
}

#[cfg(test)]
mod tests;
