//! CSV training logs: Keras' `CSVLogger` (first column `epoch`, one row per epoch, `NA` for a
//! metric missing from an epoch) and any CSV whose first column is step-like (`step`,
//! `iteration`, ..., or pandas' unnamed index) followed by numeric columns. One run per file;
//! a file that a later run appended to (`CSVLogger(append=True)`: the epoch goes back to 0 with
//! no second header) is read as one run per restart, `name`, `name #2`, ..., so nothing logged is
//! lost. Other CSVs are skipped with the reason.

use std::io::Read;

use super::common::{open, sniff};
use super::detector::{Detector, file_name};
use super::{Format, SkipReason, Source, finish_part};
use crate::diag::quote;
use crate::log::FileResult;
use crate::log::record::{RunBuilder, parse_timestamp};
use crate::log::run::EndRecord;

/// First-column names that make a CSV a training log (besides Keras' `epoch`).
const STEP_COLUMNS: [&str; 7] = [
    "step",
    "steps",
    "global_step",
    "iteration",
    "iter",
    "_step",
    "epochs",
];

/// Columns read as the wall time rather than as a metric.
pub const TIME_COLUMNS: [&str; 5] = ["timestamp", "wall_time", "walltime", "created_at", "time"];

/// What a CSV's first bytes say it is.
#[derive(Debug, PartialEq)]
pub enum Kind {
    /// A log whose first column is the step: Keras (`epoch`) or generic.
    Log(Format),
    /// Not a log, and why.
    Skip(SkipReason),
    /// Not a CSV at all (a `.log` text file): not mentioned.
    NotCsv,
}

/// A CSV reader for the crate's defaults that every CSV here shares: ragged rows allowed (a
/// cut last row), `#` lines are comments (Stable-Baselines' monitor.csv header), any line ending.
fn reader<R: Read>(stream: R) -> ::csv::Reader<R> {
    ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(stream)
}

/// The header's cells, without a byte-order mark.
pub fn header_of(record: &::csv::StringRecord) -> Vec<String> {
    record
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            let cell = if i == 0 {
                cell.trim_start_matches('\u{feff}')
            } else {
                cell
            };
            cell.trim().to_owned()
        })
        .collect()
}

/// Reads the first records of `head` (a file's first bytes): the header and the first data row.
pub fn head_records(head: &[u8]) -> Option<(Vec<String>, Option<Vec<String>>)> {
    let mut records = reader(head).into_records();
    let header = header_of(&records.next()?.ok()?);
    let first = records
        .filter_map(Result::ok)
        .find(|r| r.iter().any(|c| !c.trim().is_empty()))
        .map(|r| r.iter().map(str::to_owned).collect());
    Some((header, first))
}

/// Classifies a CSV by its header and first row.
pub fn classify(head: &[u8], whole_file_seen: bool) -> Kind {
    let Some((header, first)) = head_records(head) else {
        return Kind::NotCsv;
    };
    if header.len() < 2 || std::str::from_utf8(head).is_err() && head.len() < 1024 {
        return Kind::NotCsv;
    }
    let step = header[0].to_ascii_lowercase();
    let format = if step == "epoch" {
        Format::KerasCsv
    } else if step.is_empty() || STEP_COLUMNS.contains(&step.as_str()) {
        Format::GenericCsv
    } else {
        return Kind::Skip(SkipReason::CsvNoStepColumn);
    };
    let Some(first) = first else {
        return if whole_file_seen {
            Kind::Skip(SkipReason::CsvNoRows)
        } else {
            Kind::Log(format)
        };
    };
    let numeric = first
        .iter()
        .skip(1)
        .any(|cell| matches!(cell_value(cell), Cell::Number(_) | Cell::Missing));
    if !numeric {
        return Kind::Skip(SkipReason::CsvNoNumbers);
    }
    Kind::Log(format)
}

/// One cell of a metric column.
#[derive(Debug, PartialEq)]
pub enum Cell {
    Number(f64),
    /// Empty, or Keras' `NA` for a metric absent from an epoch's logs.
    Missing,
    Text,
}

pub fn cell_value(cell: &str) -> Cell {
    let cell = cell.trim();
    if cell.is_empty() || cell == "NA" || cell == "None" || cell == "null" {
        return Cell::Missing;
    }
    match cell.parse::<f64>() {
        Ok(v) => Cell::Number(v),
        Err(_) => Cell::Text,
    }
}

/// A step cell: an integer, or a float with no fraction (`3.0`, as pandas writes).
pub fn step_value(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    cell.parse::<i64>().ok().or_else(|| {
        let v: f64 = cell.parse().ok()?;
        (v.fract() == 0.0 && v.abs() < 9.0e15).then_some(v as i64)
    })
}

/// Makes a source of every unclaimed `.csv` (and `.log`, which old Keras used) whose content
/// is a step-first CSV; other `.csv` files are skipped with the reason.
pub fn detect(d: &mut Detector<'_>) {
    for i in d.unclaimed_named(|name| {
        let lower = name.to_ascii_lowercase();
        lower.ends_with(".csv") || lower.ends_with(".log")
    }) {
        let file = d.file(i);
        let is_csv = file_name(&file.relative)
            .to_ascii_lowercase()
            .ends_with(".csv");
        let Some(head) = sniff(file) else {
            continue;
        };
        let whole = std::fs::metadata(&file.path).is_ok_and(|m| m.len() <= head.len() as u64);
        match classify(&head, whole) {
            Kind::Log(format) => {
                let relative = file.relative.clone();
                d.add_source(format, &relative, &[i]);
            }
            Kind::Skip(reason) if is_csv => d.skip(i, reason),
            // A `.log` that is not a step-first CSV is a text log (not mentioned).
            _ => {}
        }
    }
}

/// The runs of one CSV file: one, or one per restart of the step column.
pub fn read_file(source: &Source, bound: usize) -> FileResult {
    let Some(file) = source.inputs.first() else {
        return FileResult::default();
    };
    let input = match open(file, crate::log::boundary::Kind::Log) {
        Ok(input) => input,
        Err(e) => return FileResult::failed(crate::diag::Warning::at_file(&file.relative, e)),
    };
    let mut records = reader(input.into_reader()).into_records();
    let header = match records.next() {
        Some(Ok(record)) => header_of(&record),
        _ => {
            return FileResult::failed(crate::diag::Warning::at_file(
                &file.relative,
                "expected a CSV header (epoch or step first); no run",
            ));
        }
    };
    let restarts_on_equal = source.format == Format::KerasCsv;
    let mut result = FileResult::default();
    let mut part = Part::new(source, bound, 1);
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                part.builder.warn(
                    "csv",
                    line,
                    format!("expected a CSV row: {e}; the rest of the file is not read"),
                );
                break;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(step) = record.get(0).and_then(step_value) else {
            part.builder.warn(
                "bad-step",
                line,
                format!(
                    "{} {} is not an integer; row skipped",
                    quote(&header[0]),
                    quote(record.get(0).unwrap_or_default())
                ),
            );
            continue;
        };
        let restarted = part
            .last_step
            .is_some_and(|last| step < last || (restarts_on_equal && step == last));
        if restarted {
            let next = Part::new(source, bound, part.number + 1);
            part.close(source, &mut result);
            part = next;
        }
        part.last_step = Some(step);
        part.rows += 1;
        push_row(
            &mut part.builder,
            &file.relative,
            &header,
            &record,
            step,
            line,
            1,
        );
    }
    part.close(source, &mut result);
    result
}

/// One run of a CSV file being read.
struct Part {
    builder: RunBuilder,
    number: usize,
    rows: u64,
    last_step: Option<i64>,
}

impl Part {
    fn new(source: &Source, bound: usize, number: usize) -> Self {
        Part {
            builder: source.builder(bound),
            number,
            rows: 0,
            last_step: None,
        }
    }

    fn close(mut self, source: &Source, result: &mut FileResult) {
        if self.rows == 0 {
            let mut warnings = self.builder.take_warnings(0);
            if warnings.is_empty() && self.number == 1 {
                warnings.push(crate::diag::Warning::at_file(
                    &source.relative,
                    "a CSV header and no rows; no run",
                ));
            }
            result.warnings.extend(warnings);
            return;
        }
        // CSV loggers write no status: a file read after training is taken as finished (a loss
        // that went NaN for good still makes it diverged).
        self.builder.set_end(EndRecord {
            status: Some("finished".to_owned()),
            ..EndRecord::default()
        });
        let (run, warnings, needs_exact) =
            finish_part(self.builder, source, self.rows, self.number);
        result.needs_exact |= needs_exact;
        result.runs.push(run);
        result.warnings.extend(warnings);
    }
}

/// Pushes the metric cells of one row of `file` (every column from `first_metric` on; columns
/// with an empty name in `header` are not metrics).
pub fn push_row(
    builder: &mut RunBuilder,
    file: &str,
    header: &[String],
    record: &::csv::StringRecord,
    step: i64,
    line: u64,
    first_metric: usize,
) {
    for (column, cell) in record.iter().enumerate().skip(first_metric) {
        let Some(name) = header.get(column) else {
            builder.warn_in(
                "csv-extra",
                file,
                Some(line),
                "row has more cells than the header; the extra ones are ignored",
            );
            break;
        };
        if name.is_empty() {
            continue;
        }
        if TIME_COLUMNS.contains(&name.to_ascii_lowercase().as_str()) {
            let time = cell
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|t| *t >= 1e9)
                .or_else(|| parse_timestamp(cell));
            if let Some(time) = time {
                builder.push_wall_time(step, time);
                continue;
            }
        }
        match cell_value(cell) {
            Cell::Number(value) => builder.push_point(line, name, step, value),
            Cell::Missing => {}
            Cell::Text => builder.warn_in(
                "non-numeric",
                file,
                Some(line),
                format!(
                    "column {} is {}, not a number; skipped",
                    quote(name),
                    quote(cell)
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_first_csvs_are_logs_and_others_say_why_not() {
        let keras = b"epoch,loss,val_loss\n0,1.5,NA\n";
        assert_eq!(classify(keras, true), Kind::Log(Format::KerasCsv));
        assert_eq!(
            classify(b",train_loss,lr\n0,0.99,0.0001\n", true),
            Kind::Log(Format::GenericCsv)
        );
        assert_eq!(
            classify(b"step,loss\n10,0.5\n", true),
            Kind::Log(Format::GenericCsv)
        );
        assert_eq!(
            classify(b"accuracy,loss\n0.5,0.7\n", true),
            Kind::Skip(SkipReason::CsvNoStepColumn)
        );
        assert_eq!(
            classify(b"#{\"t_start\": 1}\nr,l,t\n1.0,10,0.5\n", true),
            Kind::Skip(SkipReason::CsvNoStepColumn)
        );
        assert_eq!(
            classify(b"epoch,train_loss\n", true),
            Kind::Skip(SkipReason::CsvNoRows)
        );
        assert_eq!(
            classify(b"epoch,name\n0,alice\n", true),
            Kind::Skip(SkipReason::CsvNoNumbers)
        );
        assert_eq!(classify(b"INFO starting\n", true), Kind::NotCsv);
    }

    #[test]
    fn cells_read_keras_placeholders_and_python_nonfinite_values() {
        assert_eq!(cell_value("NA"), Cell::Missing);
        assert_eq!(cell_value(""), Cell::Missing);
        assert!(matches!(cell_value("nan"), Cell::Number(v) if v.is_nan()));
        assert_eq!(cell_value("-inf"), Cell::Number(f64::NEG_INFINITY));
        assert_eq!(cell_value("1e-05"), Cell::Number(1e-5));
        assert_eq!(cell_value("adam"), Cell::Text);
        assert_eq!(step_value("3.0"), Some(3));
        assert_eq!(step_value("3.5"), None);
    }
}
