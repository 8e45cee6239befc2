//! A run as the loader reads it, whatever its format: a header, metric series (built while
//! reading, in bounded memory), media, notes and an end record. Every reader produces these; the
//! model stage groups them into projects and summarizes them.

pub mod detail;
pub mod downsample;
pub mod format;
pub mod overview;
pub mod params;
pub mod series;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use format::Format;
pub use params::ParamValue;

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Lower is better (loss, error, perplexity).
    #[serde(alias = "min", alias = "lower")]
    Down,
    /// Higher is better (accuracy, AUC, F1).
    #[serde(alias = "max", alias = "higher")]
    Up,
}

/// One value of a series at one step.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Point {
    pub step: i64,
    pub value: f64,
}

/// Statistics over every point of a series, computed while reading (exact, whatever the
/// downsampling kept).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SeriesSummary {
    /// Points read, after repeated steps were resolved.
    pub count: u64,
    /// Points whose value was `NaN`, `Infinity` or `-Infinity`.
    pub nonfinite: u64,
    /// The point with the smallest step.
    pub first: Option<Point>,
    /// The point with the largest step (the later line wins a tie).
    pub last: Option<Point>,
    /// The last finite point.
    pub last_finite: Option<Point>,
    /// Smallest finite value (first step reaching it).
    pub min: Option<Point>,
    /// Largest finite value (first step reaching it).
    pub max: Option<Point>,
    /// The first non-finite point.
    pub first_nonfinite: Option<Point>,
    /// Where the series became non-finite for good: the start of a trailing non-finite streak.
    pub nonfinite_since: Option<Point>,
}

impl SeriesSummary {
    /// Takes one point into account. Points arrive sorted within a chunk; a point with a smaller
    /// step than `last` (a late chunk) does not move `last`.
    pub fn observe(&mut self, p: Point) {
        self.count += 1;
        if self.first.is_none_or(|f| p.step < f.step) {
            self.first = Some(p);
        }
        let is_latest = self.last.is_none_or(|l| p.step >= l.step);
        if is_latest {
            self.last = Some(p);
        }
        if p.value.is_finite() {
            if self.min.is_none_or(|m| p.value < m.value) {
                self.min = Some(p);
            }
            if self.max.is_none_or(|m| p.value > m.value) {
                self.max = Some(p);
            }
            if is_latest {
                self.last_finite = Some(p);
                self.nonfinite_since = None;
            }
        } else {
            self.nonfinite += 1;
            self.first_nonfinite.get_or_insert(p);
            if is_latest && self.nonfinite_since.is_none() {
                self.nonfinite_since = Some(p);
            }
        }
    }

    /// [`SeriesSummary::observe`] of each of `points`, in order, for points whose steps
    /// strictly increase from at least the last step seen (a chunk of a log that only goes
    /// forward, nearly every one): every point is then the latest, so the first and last points
    /// are known up front and the rest is one pass over plain locals, where `observe` stores
    /// the last point and tests each `Option` per point.
    pub fn observe_forward(&mut self, points: &[Point]) {
        let (Some(&head), Some(&tail)) = (points.first(), points.last()) else {
            return;
        };
        debug_assert!(self.last.is_none_or(|l| head.step >= l.step));
        debug_assert!(points.is_sorted_by(|a, b| a.step < b.step));
        self.count += points.len() as u64;
        self.first.get_or_insert(head);
        self.last = Some(tail);
        const NONE: usize = usize::MAX;
        // Every finite value is below +Infinity and above -Infinity: with no extreme yet, the
        // first finite one sets both, as `observe` does.
        let mut min_value = self.min.map_or(f64::INFINITY, |m| m.value);
        let mut max_value = self.max.map_or(f64::NEG_INFINITY, |m| m.value);
        let (mut min, mut max, mut last_finite) = (NONE, NONE, NONE);
        // The first non-finite point, and the first after the last finite one.
        let (mut first_nonfinite, mut since) = (NONE, NONE);
        let mut nonfinite = 0;
        for (i, p) in points.iter().enumerate() {
            let v = p.value;
            if v.is_finite() {
                if v < min_value {
                    (min, min_value) = (i, v);
                }
                if v > max_value {
                    (max, max_value) = (i, v);
                }
                last_finite = i;
                since = NONE;
            } else {
                nonfinite += 1;
                if first_nonfinite == NONE {
                    first_nonfinite = i;
                }
                if since == NONE {
                    since = i;
                }
            }
        }
        let at = |i: usize| points.get(i).copied();
        self.nonfinite += nonfinite;
        if let Some(p) = at(min) {
            self.min = Some(p);
        }
        if let Some(p) = at(max) {
            self.max = Some(p);
        }
        if let Some(p) = at(first_nonfinite) {
            self.first_nonfinite.get_or_insert(p);
        }
        match at(last_finite) {
            Some(p) => {
                self.last_finite = Some(p);
                self.nonfinite_since = at(since);
            }
            // All non-finite: a streak that began before these, or with the first of them.
            None => {
                if self.nonfinite_since.is_none() {
                    self.nonfinite_since = Some(head);
                }
            }
        }
    }

    /// The best point for a direction: the min when lower is better, the max when higher is.
    pub fn best(&self, direction: Direction) -> Option<Point> {
        match direction {
            Direction::Down => self.min,
            Direction::Up => self.max,
        }
    }
}

/// A finished series: the points kept for charts (at most the chart bound), the summary of all,
/// and a small trend of them for tables.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    /// Empty while the run's details are out of memory (see [`detail`]). Not serialized: the
    /// pages' digests cover them through [`Run::points_digest`], taken when the run was read.
    #[serde(skip)]
    pub points: Vec<Point>,
    pub summary: SeriesSummary,
    /// [`detail::trend`] of the points' values, kept whatever becomes of the points (derived
    /// from them, so not serialized either).
    #[serde(skip)]
    pub trend: Vec<f64>,
}

/// One layer of a model summary.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Layer {
    pub name: String,
    pub kind: String,
    pub output_shape: String,
    pub params: Option<u64>,
    pub trainable: Option<bool>,
}

/// The model summary from a run header.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ModelSummary {
    pub name: Option<String>,
    pub layers: Vec<Layer>,
    pub total_params: Option<u64>,
    pub trainable_params: Option<u64>,
    pub non_trainable_params: Option<u64>,
    /// The summary as the tool printed it (MLflow's `model_summary.txt` artifact, Keras'
    /// `model.summary()`), shown as preformatted text.
    #[serde(default)]
    pub text: Option<String>,
}

/// A point in time, kept as Unix seconds (UTC) so that output never depends on a time zone.
pub type Timestamp = f64;

/// What a run's header says about it; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunHeader {
    pub format_version: Option<u64>,
    pub project: Option<String>,
    pub run: Option<String>,
    pub start: Option<Timestamp>,
    /// Hyperparameters flattened to dotted keys, sorted.
    pub params: BTreeMap<String, ParamValue>,
    pub model: Option<ModelSummary>,
    /// Environment flattened to dotted keys, in the order written.
    pub env: Vec<(String, String)>,
    pub tags: Vec<String>,
    pub seed: Option<i64>,
    pub group: Option<String>,
    pub notes: Option<String>,
    pub primary_metric: Option<String>,
    /// The planned length from the header's `planned` (`{"epochs": 30}`), for progress.
    #[serde(default)]
    pub planned_epochs: Option<u64>,
    #[serde(default)]
    pub planned_steps: Option<u64>,
}

/// The kinds of media a run can log.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum MediaKind {
    Image,
    Gif,
    Svg,
    Html,
    Text,
}

impl MediaKind {
    /// The kind of an image file written by another tool (an MLflow artifact, a DVCLive plot),
    /// by its name: the loader's media stage then checks the bytes really are that. `None` for
    /// any other file, which is no media item.
    pub fn of_image_file(name: &str) -> Option<MediaKind> {
        let lower = name.to_ascii_lowercase();
        let (_, extension) = lower.rsplit_once('.')?;
        match extension {
            "png" | "jpg" | "jpeg" | "webp" | "bmp" => Some(MediaKind::Image),
            "gif" => Some(MediaKind::Gif),
            "svg" => Some(MediaKind::Svg),
            _ => None,
        }
    }
}

/// Where a media item's content lives.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum MediaSource {
    /// A file, as an absolute path that the loader checked stays inside the log's folder.
    File(std::path::PathBuf),
    /// Inline text (HTML, SVG or plain text), not yet sanitized.
    Inline(String),
    /// Bytes inside a log file (an image in a TensorBoard event record): `length` bytes from
    /// `offset` of the log at `path`, read again when the site is written so that no image is
    /// held in memory while the logs are read.
    Embedded {
        path: std::path::PathBuf,
        offset: u64,
        length: u64,
    },
}

/// What the loader made of a media item after reading and checking it (see `log::media`): the
/// site shows this and never opens the media file itself, except to copy an image it names.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum MediaContent {
    /// SVG, shown through a `data:` URL.
    Svg(Vec<u8>),
    /// HTML (sanitized when shown) or plain text.
    Text(String),
    /// An image copied into the project's `media/` folder as `name` (`<xxh3-128>.<ext>`, by
    /// content): the whole file `from`, or `length` bytes at `offset` of the log `from`.
    Image {
        name: String,
        from: std::path::PathBuf,
        offset: u64,
        length: Option<u64>,
    },
}

/// One logged media item.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Media {
    pub step: Option<i64>,
    pub name: String,
    pub kind: MediaKind,
    pub source: MediaSource,
    pub title: Option<String>,
    pub description: Option<String>,
}

/// A Markdown note logged at a step.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Note {
    pub step: Option<i64>,
    pub text: String,
}

/// The end record of a run.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EndRecord {
    /// As written: `finished`, `failed`, `killed` (others are kept and warned about).
    pub status: Option<String>,
    pub time: Option<Timestamp>,
    /// Final or test metrics, in the order written.
    pub metrics: Vec<(String, f64)>,
    pub error: Option<String>,
}

/// One training run, as read from one log file (or one run folder of another tool's format).
/// Serializable so that a page's digest covers every field (site/digest.rs); deserializable so
/// that the incremental cache can keep a finished run (without its points, see `log::cache`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Run {
    /// The log's path relative to LOGS, with `/` separators: a file, or a run's folder (MLflow,
    /// DVCLive, W&B, ...); a file holding several runs appends `#2`, `#3`, ... after the first.
    pub source: String,
    /// Where the log (file or folder) is on disk (never shown: output must not depend on where
    /// LOGS is).
    pub path_on_disk: std::path::PathBuf,
    /// The project folder (first folder under LOGS), if the log is in one.
    pub folder: Option<String>,
    /// The format the run was read from.
    pub format: Format,
    pub project: String,
    pub name: String,
    pub header: RunHeader,
    /// Metric series by name.
    pub series: BTreeMap<String, Series>,
    /// Metric names in the order they first appeared.
    pub metric_order: Vec<String>,
    /// Wall time (Unix seconds) and epoch by step, where the log records them.
    pub wall_time: Option<Series>,
    pub epoch: Option<Series>,
    pub media: Vec<Media>,
    /// Per media item, in the same order: what the loader found it to be, or `None` when it was
    /// skipped with a warning. Empty until the loader checks media (`LoadOptions::read_media`).
    pub media_content: Vec<Option<MediaContent>>,
    pub notes: Vec<Note>,
    pub end: Option<EndRecord>,
    /// Lines read, including bad ones.
    pub lines: u64,
    /// Bytes read (after decompression).
    pub bytes: u64,
    /// Number of warnings about this log.
    pub warnings: u64,
    /// The last line was cut in the middle.
    pub truncated: bool,
    /// [`Run::points_digest`] as read, before the details could leave memory.
    pub points_digest: u128,
    /// Where the chart points are (never shown, nor digested: a run's pages are the same
    /// wherever its points waited).
    #[serde(skip)]
    pub residence: detail::Residence,
}

impl Run {
    /// The largest step seen in any series.
    pub fn last_step(&self) -> Option<i64> {
        self.series
            .values()
            .filter_map(|s| s.summary.last.map(|p| p.step))
            .max()
    }

    /// When the run started: the header's start, else the first wall time.
    pub fn start_time(&self) -> Option<Timestamp> {
        self.header.start.or_else(|| {
            self.wall_time
                .as_ref()
                .and_then(|t| t.summary.min.map(|p| p.value))
        })
    }

    /// The latest time the log mentions: end record, last wall time, or start.
    pub fn last_activity(&self) -> Option<Timestamp> {
        let end = self.end.as_ref().and_then(|e| e.time);
        let last_wall = self
            .wall_time
            .as_ref()
            .and_then(|t| t.summary.max.map(|p| p.value));
        [end, last_wall, self.start_time()]
            .into_iter()
            .flatten()
            .reduce(f64::max)
    }

    /// Seconds from start to the end record (or the last wall time); `None` when the log has
    /// no time after its start (a duration of "0 s" would be a guess, not a measurement).
    pub fn duration(&self) -> Option<f64> {
        let start = self.start_time()?;
        let end = self.end.as_ref().and_then(|e| e.time);
        let last_wall = self
            .wall_time
            .as_ref()
            .and_then(|t| t.summary.max.map(|p| p.value));
        let end = [end, last_wall].into_iter().flatten().reduce(f64::max)?;
        (end > start).then_some(end - start)
    }
}
