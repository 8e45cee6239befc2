//! The incremental cache: what reading each log gave, kept between builds so that an unchanged
//! log is not parsed again and a log that grew is read on from where the last build stopped.
//!
//! An entry is keyed by the log's path relative to LOGS and trusted only when the file's content
//! still matches it: same length (or longer, for appends), and the same hash of its first and of
//! its last 64 KiB before the cached offset. Modification times are never trusted, so touching a
//! file changes nothing and replacing one with different content of the same length is caught.
//! A resumed reading continues the exact parser state, so output never differs from a clean build.

use std::collections::BTreeMap;
use std::fs::File;
use std::hash::Hasher;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Checkpoint, FileResult, LogFile, finish_checkpoint, read_log_from};

/// Bumped whenever the cached state's layout or meaning changes.
const CACHE_FORMAT: u32 = 2;
/// Bytes hashed at the start of a log and before the cached offset.
const WINDOW: u64 = 64 * 1024;
const BUFFER: usize = 256 * 1024;

/// What identifies the content a checkpoint was taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Length of the file when cached.
    pub len: u64,
    /// Hash of the first `min(WINDOW, offset)` bytes.
    pub head: u64,
    /// Hash of the `WINDOW` bytes before `offset`.
    pub tail: u64,
}

/// One log's cached reading.
#[derive(Clone, Serialize, Deserialize)]
pub struct Entry {
    fingerprint: Fingerprint,
    /// Where the checkpoint's reading stopped, in bytes: kept outside the encoded checkpoint so
    /// that an entry is checked against its file before anything is decoded.
    offset: u64,
    /// The checkpoint, encoded (postcard) as soon as it is taken. Decoded, it holds each
    /// series' window at 16 bytes a point, and every log's checkpoint stayed in memory until the
    /// cache was saved: the default build's peak memory grew 1.6x from 1,000 to 100,000 steps.
    checkpoint: Vec<u8>,
}

/// Everything cached for one LOGS folder.
#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    tool: String,
    logs: PathBuf,
    chart_points: usize,
    entries: BTreeMap<String, Entry>,
}

/// The cache of one build: entries read at the start, entries written at the end.
pub struct Cache {
    path: PathBuf,
    old: BTreeMap<String, Entry>,
    logs: PathBuf,
    chart_points: usize,
}

/// How a log was read, for the build report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    /// Parsed from the start.
    Parsed,
    /// Unchanged: nothing parsed (a cut last line is read again).
    Unchanged,
    /// Grown: only the new bytes parsed.
    Appended,
}

impl Cache {
    /// Opens the cache at `path` for logs under `logs`; a missing, unreadable or outdated cache
    /// is simply empty.
    pub fn open(path: &Path, logs: &Path, chart_points: usize) -> Cache {
        let logs = logs.canonicalize().unwrap_or_else(|_| logs.to_path_buf());
        let old = std::fs::read(path)
            .ok()
            .and_then(|bytes| postcard::from_bytes::<CacheFile>(&bytes).ok())
            .filter(|c| {
                c.format == CACHE_FORMAT
                    && c.tool == env!("CARGO_PKG_VERSION")
                    && c.logs == logs
                    && c.chart_points == chart_points
            })
            .map(|c| c.entries)
            .unwrap_or_default();
        Cache {
            path: path.to_path_buf(),
            old,
            logs,
            chart_points,
        }
    }

    /// Reads one log, reusing its cached state where the content allows. Returns the result,
    /// how it was obtained, and the entry to keep for the next build (if any).
    pub fn read(&self, file: &LogFile) -> (FileResult, Reuse, Option<(String, Entry)>) {
        let cached = self.old.get(&file.relative);
        let reading = cached.and_then(|entry| self.try_resume(file, entry));
        let (result, reuse, checkpoint, fingerprint) = match reading {
            Some(found) => found,
            None => match super::open_log(file) {
                Ok((opened, mut limit_warnings)) => {
                    let limit = super::boundary::Kind::Log.limit();
                    let mut reading = if file.gzip {
                        let decoder = flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
                            BUFFER, opened,
                        ));
                        read_log_from(
                            BufReader::with_capacity(BUFFER, decoder.take(limit)),
                            file,
                            self.chart_points,
                            None,
                            true,
                        )
                    } else {
                        read_log_from(
                            BufReader::with_capacity(BUFFER, opened),
                            file,
                            self.chart_points,
                            None,
                            true,
                        )
                    };
                    reading.result.warnings.append(&mut limit_warnings);
                    (reading.result, Reuse::Parsed, reading.checkpoint, None)
                }
                Err(warning) => (FileResult::failed(warning), Reuse::Parsed, None, None),
            },
        };
        let entry = checkpoint.and_then(|checkpoint| {
            let offset = if file.gzip {
                None
            } else {
                Some(checkpoint.offset)
            };
            let fingerprint = fingerprint.or_else(|| fingerprint_of(&file.path, offset).ok())?;
            Some((
                file.relative.clone(),
                Entry {
                    fingerprint,
                    offset: checkpoint.offset,
                    checkpoint: postcard::to_stdvec(&checkpoint).ok()?,
                },
            ))
        });
        (result, reuse, entry)
    }

    #[allow(clippy::type_complexity)]
    fn try_resume(
        &self,
        file: &LogFile,
        entry: &Entry,
    ) -> Option<(FileResult, Reuse, Option<Checkpoint>, Option<Fingerprint>)> {
        let len = std::fs::metadata(&file.path).ok()?.len();
        if file.gzip {
            // A compressed log cannot be resumed mid-stream: only an identical file is reused.
            let now = fingerprint_of(&file.path, None).ok()?;
            if now != entry.fingerprint {
                return None;
            }
            let checkpoint = decode(entry)?;
            let result = finish_checkpoint(checkpoint.clone(), file);
            return Some((result, Reuse::Unchanged, Some(checkpoint), Some(now)));
        }
        let offset = entry.offset;
        if len < offset || len < entry.fingerprint.len.min(offset) {
            return None;
        }
        let now = fingerprint_of(&file.path, Some(offset)).ok()?;
        if now.head != entry.fingerprint.head || now.tail != entry.fingerprint.tail {
            return None;
        }
        let (mut opened, _) = super::open_log(file).ok()?;
        opened.get_mut().seek(SeekFrom::Start(offset)).ok()?;
        let reuse = if len == entry.fingerprint.len {
            Reuse::Unchanged
        } else {
            Reuse::Appended
        };
        let reading = read_log_from(
            BufReader::with_capacity(BUFFER, opened),
            file,
            self.chart_points,
            Some(decode(entry)?),
            true,
        );
        Some((reading.result, reuse, reading.checkpoint, None))
    }

    /// Writes the entries of this build (replacing the old cache) atomically.
    pub fn save(&self, entries: Vec<(String, Entry)>) -> std::io::Result<()> {
        let decoded: BTreeMap<String, Entry> = entries.into_iter().collect();
        let file = CacheFile {
            format: CACHE_FORMAT,
            tool: env!("CARGO_PKG_VERSION").to_owned(),
            logs: self.logs.clone(),
            chart_points: self.chart_points,
            entries: decoded,
        };
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let temporary = self.path.with_extension("tmp");
        // Streamed: the whole cache is never held a second time as one buffer.
        let writer = BufWriter::new(File::create(&temporary)?);
        let mut writer = postcard::to_io(&file, writer).map_err(std::io::Error::other)?;
        writer.flush()?;
        drop(writer);
        std::fs::rename(&temporary, &self.path)
    }
}

/// An entry's checkpoint; `None` (read the log from the start) if it does not decode.
fn decode(entry: &Entry) -> Option<Checkpoint> {
    postcard::from_bytes(&entry.checkpoint).ok()
}

/// Hashes the start of a file and the window before `offset` (the end, when `None`).
pub fn fingerprint_of(path: &Path, offset: Option<u64>) -> std::io::Result<Fingerprint> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    let end = offset.unwrap_or(len).min(len);
    let head = hash_range(&mut file, 0, end.min(WINDOW))?;
    let tail = hash_range(&mut file, end.saturating_sub(WINDOW), end)?;
    Ok(Fingerprint { len, head, tail })
}

fn hash_range(file: &mut File, start: u64, end: u64) -> std::io::Result<u64> {
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = vec![0; (end - start) as usize];
    file.read_exact(&mut bytes)?;
    // FNV-1a: stable across Rust versions, unlike the std hasher; 64 KiB is hashed in microseconds.
    let mut hasher = Fnv64::default();
    hasher.write(&bytes);
    hasher.write_u64(end - start);
    Ok(hasher.finish())
}

/// FNV-1a over a byte slice: a stable hash (the std hasher may change between Rust versions).
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = Fnv64::default();
    hasher.write(bytes);
    hasher.finish()
}

/// FNV-1a, 64 bits.
pub struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
