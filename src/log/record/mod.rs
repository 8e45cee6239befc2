//! Interprets parsed lines as records of the native format (header, metrics, media, note, end)
//! or as bare metric lines, and feeds them into a [`RunBuilder`]. The builder and the metric lines
//! live here; the header, media and note/end records in their own files.

mod end;
mod header;
mod media;

pub use media::resolve_inside;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

use super::bytes::same_bytes;
use super::json::{RawJson, RawRecord, Scalar, raw_json, raw_json_checked, raw_scalar};
use crate::diag::{Warning, quote};
use crate::log::run::params::{flatten_env, flatten_params_checked};
use crate::log::run::series::SeriesBuilder;
use crate::log::run::{
    EndRecord, Layer, Media, MediaKind, MediaSource, ModelSummary, Note, RunHeader, Timestamp,
};

/// Most distinct metric names kept per run; later names are dropped with a warning.
pub const MAX_METRICS_PER_RUN: usize = 10_000;

/// Most warnings of one kind listed per file; the rest are counted in one closing warning.
const WARNINGS_PER_KIND: usize = 5;

/// Names that give the x value of a bare metric line, in order of preference (`_step` is what
/// Weights & Biases writes in its history JSON lines).
pub const STEP_KEYS: [&str; 5] = ["step", "global_step", "iteration", "_step", "epoch"];

/// A field's value as [`RunBuilder::add_metrics_parts`] takes it: read only for the fields a
/// metrics record uses (step, epoch, time), so an unknown field's JSON is never read.
pub(crate) trait FieldValue {
    fn scalar(&self) -> Scalar;
}

impl FieldValue for RawJson<'_> {
    fn scalar(&self) -> Scalar {
        raw_scalar(self)
    }
}

/// A number the fast path already read (what `raw_scalar` gives for its text).
impl FieldValue for f64 {
    fn scalar(&self) -> Scalar {
        Scalar::Number(*self)
    }
}

/// Which series the metric at each place of the lines of one layout goes to. A reader that
/// knows two lines have the same keys in the same order (`json_fast`'s shape) names the layout
/// by a number no other layout gets; the metrics of its lines then go to their series without
/// the name being compared or looked up. The series of a name never changes once made, so the
/// index found for the first line holds for every line of the layout.
#[derive(Clone, Default)]
struct LayoutSeries {
    /// The layout these are for; 0 for none (layouts are numbered from 1).
    layout: u64,
    /// The series of the metric at each place, `None` until a line put a value there.
    series: Vec<Option<usize>>,
}

/// Reads records of one log into series, media and notes. Serializable, so that the
/// incremental cache can resume it where the log was appended to.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct RunBuilder {
    path: String,
    folder: PathBuf,
    bound: usize,
    pub header: Option<RunHeader>,
    /// One builder per metric, in the order of `metric_order` (first appearance).
    pub series: Vec<SeriesBuilder>,
    pub metric_order: Vec<String>,
    /// Index of each metric name in `series`; rebuilt after a resume from the cache.
    #[serde(skip)]
    series_index: HashMap<String, usize>,
    /// The series that the metric at each position of the previous line went to. Writers put
    /// the same metrics in the same order on every line, so looking here first (and checking
    /// the name) saves a map lookup per value.
    #[serde(skip)]
    series_at_position: Vec<usize>,
    /// The series of each metric of the lines of one layout (see
    /// [`RunBuilder::add_metrics_parts`]).
    #[serde(skip)]
    layout_series: LayoutSeries,
    pub wall_time: SeriesBuilder,
    pub epoch: SeriesBuilder,
    pub media: Vec<Media>,
    pub notes: Vec<Note>,
    pub end: Option<EndRecord>,
    next_step: i64,
    max_step: Option<i64>,
    first_backward_step: Option<(u64, i64, i64)>,
    warnings: Vec<Warning>,
    warning_counts: BTreeMap<String, usize>,
    unknown_types: BTreeMap<String, u64>,
    unknown_fields: BTreeMap<String, u64>,
    dropped_metrics: u64,
    /// Series resolve repeated steps exactly however far apart (a second reading of a log that
    /// rewound past what streaming resolves).
    exact: bool,
}

impl RunBuilder {
    /// `path` is the log's path relative to LOGS (for warnings); `folder` its folder on disk (for
    /// media); `bound` the number of points kept per series for charts.
    pub fn new(path: &str, folder: &Path, bound: usize) -> Self {
        RunBuilder {
            path: path.to_owned(),
            folder: folder.to_owned(),
            bound,
            header: None,
            series: Vec::new(),
            metric_order: Vec::new(),
            series_index: HashMap::new(),
            series_at_position: Vec::new(),
            layout_series: LayoutSeries::default(),
            wall_time: SeriesBuilder::new(bound),
            epoch: SeriesBuilder::new(bound),
            media: Vec::new(),
            notes: Vec::new(),
            end: None,
            next_step: 0,
            max_step: None,
            first_backward_step: None,
            warnings: Vec::new(),
            warning_counts: BTreeMap::new(),
            unknown_types: BTreeMap::new(),
            unknown_fields: BTreeMap::new(),
            dropped_metrics: 0,
            exact: false,
        }
    }

    /// This builder with exact series (see [`SeriesBuilder::new_exact`]): for reading a log
    /// again after [`RunBuilder::needs_exact_reading`].
    pub fn exact(mut self) -> Self {
        self.exact = true;
        self.wall_time = SeriesBuilder::new_exact(self.bound);
        self.epoch = SeriesBuilder::new_exact(self.bound);
        self
    }

    /// True when steps went back so far that a series may have summarized values a later line
    /// overwrote: the log must be read again with [`RunBuilder::exact`].
    pub fn needs_exact_reading(&self) -> bool {
        !self.exact
            && (self.series.iter().any(SeriesBuilder::overlapped)
                || self.wall_time.overlapped()
                || self.epoch.overlapped())
    }

    /// Records a warning of a kind; after [`WARNINGS_PER_KIND`] of one kind they are only counted.
    pub fn warn(&mut self, kind: &'static str, line: u64, message: impl Into<String>) {
        let count = self.warning_counts.entry(kind.to_owned()).or_default();
        *count += 1;
        if *count <= WARNINGS_PER_KIND {
            self.warnings
                .push(Warning::at_line(&self.path, line, message));
        }
    }

    // The programmatic API: readers of other formats (MLflow, CSV, TensorBoard, ...) feed the
    // same builder as the JSON-lines reader, so every format ends in the same `Run` (summaries,
    // repeated steps, metric limits and warnings behave alike).

    /// Sets the run's header (name, project, params, ...), replacing any earlier one.
    pub fn set_header(&mut self, header: RunHeader) {
        self.header = Some(header);
    }

    /// The header, created empty on first use, for readers that fill it piece by piece.
    pub fn header_mut(&mut self) -> &mut RunHeader {
        self.header.get_or_insert_with(RunHeader::default)
    }

    /// Adds one value of `metric` at `step`; `line` is the line or record number it came from
    /// (for warnings). A repeated step keeps the later value, as for JSON lines.
    pub fn push_point(&mut self, line: u64, metric: &str, step: i64, value: f64) {
        // usize::MAX: no position hint, the series is looked up by name.
        self.push_metric(
            line,
            step,
            usize::MAX,
            Cow::Borrowed(metric),
            Scalar::Number(value),
        );
    }

    /// [`RunBuilder::push_point`] with a hint: `position` is a small number the reader derives
    /// from the metric (its place in the line, or a slot from its tag), under which the series
    /// is remembered, so that the next value of the metric skips the map lookup. A wrong hint
    /// only costs that lookup (the name is checked).
    pub fn push_point_at(
        &mut self,
        line: u64,
        metric: &str,
        step: i64,
        value: f64,
        position: usize,
    ) {
        let value = Scalar::Number(value);
        self.push_metric(line, step, position, Cow::Borrowed(metric), value);
    }

    /// Records the wall time (Unix seconds) of a step; non-finite times are ignored.
    pub fn push_wall_time(&mut self, step: i64, unix_seconds: f64) {
        if unix_seconds.is_finite() {
            self.wall_time.push(step, unix_seconds);
        }
    }

    /// Records the epoch of a step; non-finite epochs are ignored.
    pub fn push_epoch(&mut self, step: i64, epoch: f64) {
        if epoch.is_finite() {
            self.epoch.push(step, epoch);
        }
    }

    pub fn add_note(&mut self, note: Note) {
        self.notes.push(note);
    }

    pub fn add_media(&mut self, media: Media) {
        self.media.push(media);
    }

    /// Sets how the run ended (status, time, final metrics, error).
    pub fn set_end(&mut self, end: EndRecord) {
        self.end = Some(end);
    }

    /// A warning about another file than the builder's own (a run folder's metric file, say),
    /// counted against the same per-kind limit. `line` is `None` for the whole file.
    pub fn warn_in(
        &mut self,
        kind: &'static str,
        file: &str,
        line: Option<u64>,
        message: impl Into<String>,
    ) {
        let count = self.warning_counts.entry(kind.to_owned()).or_default();
        *count += 1;
        if *count <= WARNINGS_PER_KIND {
            self.warnings.push(match line {
                Some(line) => Warning::at_line(file, line, message),
                None => Warning::at_file(file, message),
            });
        }
    }

    /// Takes one parsed line.
    pub fn add(&mut self, line: u64, record: RawRecord<'_>) {
        match record.kind.as_deref() {
            None => self.add_bare_metrics(line, record),
            Some("metrics") => self.add_metrics(line, record),
            Some("header") => self.add_header(line, record),
            Some("media") => self.add_media_record(line, record),
            Some("note") => self.add_note_record(line, record),
            Some("end") => self.add_end(line, record),
            Some(other) => {
                *self.unknown_types.entry(other.to_owned()).or_default() += 1;
            }
        }
    }

    fn note_unknown_field(&mut self, record_kind: &str, key: &str) {
        *self
            .unknown_fields
            .entry(format!("{record_kind}.{key}"))
            .or_default() += 1;
    }

    /// The step of a record: the given one, else the previous step + 1.
    fn take_step(&mut self, line: u64, given: Option<Scalar>) -> i64 {
        let step = match given {
            None | Some(Scalar::Null) => self.next_step,
            Some(Scalar::Number(v))
                if v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64 =>
            {
                v as i64
            }
            Some(other) => {
                let (shown, problem) = match &other {
                    // Steps are 64-bit integers; a double this large has lost its last digits.
                    Scalar::Number(v) if v.fract() == 0.0 => {
                        (v.to_string(), "is beyond the range of steps (±9.2e18)")
                    }
                    Scalar::Number(v) => (v.to_string(), "is not an integer"),
                    Scalar::Text(t) => (quote(t), "is not an integer"),
                    _ => (other.kind().to_owned(), "is not an integer"),
                };
                self.warn(
                    "bad-step",
                    line,
                    format!("step {shown} {problem}; using {}", self.next_step),
                );
                self.next_step
            }
        };
        if let Some(max) = self.max_step {
            if step <= max && self.first_backward_step.is_none() {
                self.first_backward_step = Some((line, step, max));
            }
        }
        self.max_step = Some(self.max_step.map_or(step, |m| m.max(step)));
        self.next_step = step.saturating_add(1);
        step
    }

    /// Adds one value; `position` is the metric's place in its line (see `series_at_position`).
    /// Returns the series of its name, `None` when it has none (the value was not a number, or
    /// the run has too many metrics).
    fn push_metric(
        &mut self,
        line: u64,
        step: i64,
        position: usize,
        name: Cow<'_, str>,
        value: Scalar,
    ) -> Option<usize> {
        let value = match value {
            Scalar::Number(v) => v,
            // null: no value at this step (an evaluation that did not run), never a gap.
            Scalar::Null => return None,
            // Writers whose encoder refuses NaN can spell the non-finite values as strings.
            Scalar::Text(text) if nonfinite_word(&text).is_some() => {
                nonfinite_word(&text).unwrap_or(f64::NAN)
            }
            other => {
                let message = format!(
                    "metric {} is {}, not a number; skipped",
                    quote(&name),
                    other.kind()
                );
                self.warn("non-numeric", line, message);
                return None;
            }
        };
        if let Some(index) = self.find_series(position, &name) {
            self.series[index].push(step, value);
            return Some(index);
        }
        if self.series.len() >= MAX_METRICS_PER_RUN {
            self.dropped_metrics += 1;
            return None;
        }
        let name = name.into_owned();
        let index = self.series.len();
        let mut series = if self.exact {
            SeriesBuilder::new_exact(self.bound)
        } else {
            SeriesBuilder::new(self.bound)
        };
        series.push(step, value);
        self.series.push(series);
        self.series_index.insert(name.clone(), index);
        self.metric_order.push(name);
        self.remember_position(position, index);
        Some(index)
    }

    /// The series of metric `name`, found at the index its position had on the previous line
    /// when the name matches there, else by name.
    fn find_series(&mut self, position: usize, name: &str) -> Option<usize> {
        if let Some(&guess) = self.series_at_position.get(position) {
            let known = self.metric_order.get(guess);
            if known.is_some_and(|n| same_bytes(n.as_bytes(), name.as_bytes())) {
                return Some(guess);
            }
        }
        if self.series_index.len() < self.series.len() {
            // Resumed from the cache, which does not keep the index.
            self.series_index = (self.metric_order.iter().cloned()).zip(0..).collect();
        }
        let index = *self.series_index.get(name)?;
        self.remember_position(position, index);
        Some(index)
    }

    fn remember_position(&mut self, position: usize, index: usize) {
        if position >= MAX_METRICS_PER_RUN {
            return;
        }
        if position >= self.series_at_position.len() {
            self.series_at_position.resize(position + 1, usize::MAX);
        }
        self.series_at_position[position] = index;
    }

    fn push_time(&mut self, line: u64, step: i64, value: Scalar) {
        match value {
            Scalar::Number(v) if v.is_finite() => self.wall_time.push(step, v),
            Scalar::Text(text) => match parse_timestamp(&text) {
                Some(t) => self.wall_time.push(step, t),
                None => self.warn(
                    "bad-time",
                    line,
                    format!("time {} is not an RFC 3339 timestamp", quote(&text)),
                ),
            },
            Scalar::Null => {}
            Scalar::Number(v) => self.warn(
                "bad-time",
                line,
                format!("time {v} is not a finite number of seconds"),
            ),
            other => self.warn(
                "bad-time",
                line,
                format!("time is {}, not a timestamp", other.kind()),
            ),
        }
    }

    fn push_epoch_scalar(&mut self, line: u64, step: i64, value: Scalar) {
        match value {
            Scalar::Number(v) if v.is_finite() => self.epoch.push(step, v),
            Scalar::Null => {}
            Scalar::Number(v) => self.warn(
                "bad-epoch",
                line,
                format!("epoch {v} is not a finite number; ignored"),
            ),
            other => self.warn(
                "bad-epoch",
                line,
                format!("epoch is {}, not a number", other.kind()),
            ),
        }
    }

    fn add_metrics(&mut self, line: u64, record: RawRecord<'_>) {
        let RawRecord {
            fields, metrics, ..
        } = record;
        let fields = fields.iter().map(|(key, value)| (key.as_ref(), *value));
        self.add_metrics_parts(line, fields, metrics.map(Vec::into_iter), None);
    }

    /// A metrics record given as its fields (other than `type` and `metrics`) and its
    /// `metrics` object, in the order written: what [`RunBuilder::add`] does with one, for the
    /// reader that has the parts without building the record (`json_fast::LineParser`).
    ///
    /// `layout`, when given, says the line has the keys of the other lines given with the same
    /// number in the same order (see [`LayoutSeries`]).
    pub(crate) fn add_metrics_parts<'r, V: FieldValue>(
        &mut self,
        line: u64,
        fields: impl Iterator<Item = (&'r str, V)>,
        metrics: Option<impl Iterator<Item = (Cow<'r, str>, Scalar)>>,
        layout: Option<u64>,
    ) {
        let mut step = None;
        let mut epoch = None;
        let mut time = None;
        for (key, value) in fields {
            match key {
                "step" => step = Some(value.scalar()),
                "epoch" => epoch = Some(value.scalar()),
                "time" => time = Some(value.scalar()),
                other => self.note_unknown_field("metrics", other),
            }
        }
        let step = self.take_step(line, step);
        if let Some(epoch) = epoch {
            self.push_epoch_scalar(line, step, epoch);
        }
        if let Some(time) = time {
            self.push_time(line, step, time);
        }
        match (metrics, layout) {
            (Some(metrics), Some(layout)) => {
                if self.layout_series.layout != layout {
                    self.layout_series.layout = layout;
                    self.layout_series.series.clear();
                }
                for (position, (name, value)) in metrics.enumerate() {
                    let known = self.layout_series.series.get(position).copied().flatten();
                    match (known, value) {
                        (Some(index), Scalar::Number(value)) => {
                            self.series[index].push(step, value)
                        }
                        (_, value) => {
                            let index = self.push_metric(line, step, position, name, value);
                            self.remember_layout_series(position, index);
                        }
                    }
                }
            }
            (Some(metrics), None) => {
                for (position, (name, value)) in metrics.enumerate() {
                    self.push_metric(line, step, position, name, value);
                }
            }
            (None, _) => self.warn("no-metrics", line, "metrics record has no 'metrics' object"),
        }
    }

    fn remember_layout_series(&mut self, position: usize, index: Option<usize>) {
        if index.is_none() || position >= MAX_METRICS_PER_RUN {
            return;
        }
        let series = &mut self.layout_series.series;
        if position >= series.len() {
            series.resize(position + 1, None);
        }
        series[position] = index;
    }

    fn add_bare_metrics(&mut self, line: u64, record: RawRecord<'_>) {
        let mut values: Vec<(Cow<'_, str>, Scalar)> = record
            .fields
            .iter()
            .map(|(k, v)| (k.clone(), raw_scalar(v)))
            .collect();
        if let Some(metrics) = record.metrics {
            // A bare line with a nested "metrics" object: flatten it (MMEngine-like writers).
            values.extend(metrics);
        }
        if let Some(value) = record.metrics_value {
            values.push((Cow::Borrowed("metrics"), value));
        }
        let x_key = STEP_KEYS.iter().find(|key| {
            values
                .iter()
                .any(|(k, v)| k == *key && matches!(v, Scalar::Number(n) if n.fract() == 0.0))
        });
        let step_value = x_key.and_then(|key| {
            values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        });
        let step = self.take_step(line, step_value);
        for (position, (key, value)) in values.into_iter().enumerate() {
            let name = key.as_ref();
            if Some(&name) == x_key {
                // `{"epoch": 3, "loss": 0.2}`: the epoch is the step and also the epoch.
                if name == "epoch" {
                    self.push_epoch_scalar(line, step, value);
                }
                continue;
            }
            match name {
                "epoch" => self.push_epoch_scalar(line, step, value),
                "timestamp" | "wall_time" | "walltime" | "_timestamp" => {
                    self.push_time(line, step, value)
                }
                "time"
                    if matches!(value, Scalar::Number(v) if v >= 1e9)
                        || matches!(value, Scalar::Text(_)) =>
                {
                    self.push_time(line, step, value)
                }
                _ => {
                    self.push_metric(line, step, position, key, value);
                }
            }
        }
    }

    /// Closes the log: adds the summary warnings (repeated steps, unknown fields, counts beyond
    /// the per-kind limit) and returns all warnings, sorted by line.
    pub fn take_warnings(&mut self, total_repeats: u64) -> Vec<Warning> {
        let path = self.path.clone();
        if total_repeats > 0 {
            let where_ = match self.first_backward_step {
                Some((line, step, max)) => {
                    format!(" (first at line {line}: step {step} after step {max})")
                }
                None => String::new(),
            };
            self.warnings.push(Warning::at_file(
                &path,
                format!("{total_repeats} repeated steps{where_}; the later value of each is kept"),
            ));
        }
        if !self.unknown_types.is_empty() {
            let list: Vec<String> = self
                .unknown_types
                .iter()
                .map(|(k, n)| format!("{} ({n})", quote(k)))
                .collect();
            self.warnings.push(Warning::at_file(
                &path,
                format!("unknown record types ignored: {}", list.join(", ")),
            ));
        }
        if !self.unknown_fields.is_empty() {
            let list: Vec<String> = self
                .unknown_fields
                .keys()
                .take(10)
                .map(|k| quote(k))
                .collect();
            let more = self.unknown_fields.len().saturating_sub(10);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            self.warnings.push(Warning::at_file(
                &path,
                format!("unknown fields ignored: {}{more}", list.join(", ")),
            ));
        }
        if self.dropped_metrics > 0 {
            self.warnings.push(Warning::at_file(
                &path,
                format!(
                    "more than {MAX_METRICS_PER_RUN} distinct metric names; {} values of further metrics dropped",
                    self.dropped_metrics
                ),
            ));
        }
        for (kind, count) in &self.warning_counts {
            if *count > WARNINGS_PER_KIND {
                self.warnings.push(Warning::at_file(
                    &path,
                    format!(
                        "{} more warnings like the above ({kind})",
                        count - WARNINGS_PER_KIND
                    ),
                ));
            }
        }
        std::mem::take(&mut self.warnings)
    }
}

/// Reads "NaN", "Infinity", "-Infinity" (and the short forms "inf", "-inf", any case).
fn nonfinite_word(text: &str) -> Option<f64> {
    match text.trim().to_ascii_lowercase().as_str() {
        "nan" => Some(f64::NAN),
        "infinity" | "inf" | "+infinity" | "+inf" => Some(f64::INFINITY),
        "-infinity" | "-inf" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let ok = value.is_some();
    *slot = value;
    ok
}

fn nonempty_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Parses an RFC 3339 timestamp (or a plain `YYYY-MM-DD HH:MM:SS`, read as UTC) to Unix seconds.
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(ts.as_millisecond() as f64 / 1000.0);
    }
    let civil = text.parse::<jiff::civil::DateTime>().ok()?;
    let ts = civil.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(ts.as_millisecond() as f64 / 1000.0)
}

fn timestamp_of(value: &Value) -> Option<Timestamp> {
    match value {
        Value::Number(n) => n.as_f64().filter(|v| v.is_finite()),
        Value::String(s) => parse_timestamp(s),
        _ => None,
    }
}
