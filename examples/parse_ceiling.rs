//! The parse-only ceiling for `ahnb build`: read every log file under a folder and parse every line
//! with serde_json into a small struct, on all cores, and nothing else. No summaries, no charts,
//! no pages. `bench/run.sh` compares `ahnb build` against this.
//!
//! Each line becomes a [`Line`]: its type, step and time, and its metrics folded into a count and
//! a sum as they are parsed, so no line allocates. A line serde_json rejects because it holds the
//! bare `NaN` that Python writes is parsed again with `null` in its place (so a diverged run costs
//! what it costs ahnb, which rewrites such lines too); other rejected lines (a line cut mid-write)
//! are counted.
//!
//! ```sh
//! cargo run --release --example parse_ceiling -- /tmp/w [-j N]
//! ```

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

/// One log line, as little as a dashboard needs from it.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<&'a str>,
    step: Option<i64>,
    time: Option<IgnoredAny>,
    metrics: Option<Metrics>,
}

/// The metrics of a line, folded while parsed.
#[derive(Default)]
struct Metrics {
    count: u64,
    sum: f64,
}

impl<'de> Deserialize<'de> for Metrics {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MetricsVisitor;
        impl<'de> Visitor<'de> for MetricsVisitor {
            type Value = Metrics;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of numbers")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Metrics, A::Error> {
                let mut metrics = Metrics::default();
                while let Some((_, value)) = map.next_entry::<&str, Option<f64>>()? {
                    metrics.count += 1;
                    metrics.sum += value.unwrap_or(0.0);
                }
                Ok(metrics)
            }
        }
        deserializer.deserialize_map(MetricsVisitor)
    }
}

/// What parsing one file gave.
#[derive(Default)]
struct Tally {
    files: u64,
    bytes: u64,
    lines: u64,
    rejected: u64,
    values: u64,
    checksum: f64,
}

impl Tally {
    fn merge(mut self, other: Tally) -> Tally {
        self.files += other.files;
        self.bytes += other.bytes;
        self.lines += other.lines;
        self.rejected += other.rejected;
        self.values += other.values;
        self.checksum += other.checksum;
        self
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut logs = None;
    let mut jobs = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-j" | "--jobs" => jobs = args.next().and_then(|n| n.parse::<usize>().ok()),
            _ => logs = Some(PathBuf::from(arg)),
        }
    }
    let Some(logs) = logs else {
        eprintln!("usage: parse_ceiling LOGS [-j N]");
        std::process::exit(2);
    };
    if let Some(jobs) = jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.max(1))
            .build_global()
            .expect("a thread pool");
    }
    let started = Instant::now();
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&logs)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_log(e.path()))
        .map(|e| e.into_path())
        .collect();
    let tally = files
        .par_iter()
        .map(|path| parse_file(path))
        .reduce(Tally::default, Tally::merge);
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "parsed {} files, {} lines ({} rejected), {} values, {:.1} MB in {:.3} s: {:.0} MB/s (checksum {:.3e})",
        tally.files,
        tally.lines,
        tally.rejected,
        tally.values,
        tally.bytes as f64 / 1e6,
        seconds,
        tally.bytes as f64 / 1e6 / seconds,
        tally.checksum,
    );
}

fn is_log(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".jsonl.gz")
}

fn parse_file(path: &Path) -> Tally {
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|mut f| {
        if path.extension().is_some_and(|e| e == "gz") {
            flate2::read::MultiGzDecoder::new(f).read_to_end(&mut bytes)
        } else {
            f.read_to_end(&mut bytes)
        }
    });
    let mut tally = Tally {
        files: 1,
        ..Tally::default()
    };
    if read.is_err() {
        return tally;
    }
    tally.bytes = bytes.len() as u64;
    for line in bytes.split(|&b| b == b'\n') {
        if line.is_empty() {
            continue;
        }
        tally.lines += 1;
        let mut patched = Vec::new();
        let mut parsed = serde_json::from_slice::<Line>(line);
        if parsed.is_err() && line.windows(3).any(|w| w == b"NaN") {
            patched = replace_nan(line);
            parsed = serde_json::from_slice::<Line>(&patched);
        }
        match parsed {
            Ok(parsed) => {
                let metrics = parsed.metrics.unwrap_or_default();
                tally.values += metrics.count;
                tally.checksum += metrics.sum
                    + parsed.step.unwrap_or(0) as f64 * 1e-9
                    + parsed.kind.map_or(0.0, |k| k.len() as f64)
                    + parsed.time.map_or(0.0, |_| 1.0);
            }
            Err(_) => tally.rejected += 1,
        }
        drop(patched);
    }
    tally
}

/// The line with every `NaN` written as `null` (good enough here: no string in the workload
/// holds `NaN`).
fn replace_nan(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < line.len() {
        if line[i..].starts_with(b"NaN") {
            out.extend_from_slice(b"null");
            i += 3;
        } else {
            out.push(line[i]);
            i += 1;
        }
    }
    out
}
