//! The incremental cache: what reading each log gave, kept between builds so that an unchanged
//! log is not parsed again and a log that grew is read on from where the last build stopped.
//!
//! An entry is keyed by the log's path relative to LOGS and trusted only when the file's content
//! still matches it: a hash (xxh3-128) of every byte up to the cached offset (the whole file, for
//! gzip logs). Hashing runs at memory speed, many times faster than parsing, so a build never
//! trusts lengths, modification times or samples of a file: an edit of one byte in the middle,
//! of the same length, is read by the next build. The hash is computed on the bytes the reader
//! reads, from the same open file, so that what is cached is exactly what was parsed. A resumed
//! reading continues the exact parser state, so output never differs from a clean build.

use std::collections::BTreeMap;
use std::fs::File;
use std::hash::Hasher;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Take, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::{Checkpoint, FileResult, LogFile, Reading, Start, finish_checkpoint, read_log_from};

/// Bumped whenever the cached state's layout or meaning changes.
const CACHE_FORMAT: u32 = 3;
const BUFFER: usize = 256 * 1024;

/// What identifies the content a checkpoint was taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Length of the file when cached.
    pub len: u64,
    /// xxh3-128 of the bytes before the checkpoint's offset (of the whole file, for gzip logs).
    pub hash: u128,
}

/// One log's cached reading.
#[derive(Clone, Serialize)]
pub struct Entry {
    fingerprint: Fingerprint,
    /// Where the checkpoint's reading stopped, in bytes: kept outside the encoded checkpoint so
    /// that an entry is checked against its file before anything is decoded.
    offset: u64,
    /// The checkpoint, encoded (postcard) as soon as it is taken. Decoded, it holds each
    /// series' window at 16 bytes a point, and every log's checkpoint stayed in memory until the
    /// cache was saved: the default build's peak memory grew 1.6x from 1,000 to 100,000 steps.
    /// Written as one byte string, and read as a slice of the cache file's bytes (no copy): a
    /// 1,000-run cache is 70 MB, and handling it byte by byte was a fifth of a rebuild.
    #[serde(serialize_with = "as_bytes")]
    checkpoint: bytes::Bytes,
}

fn as_bytes<S: serde::Serializer>(bytes: &bytes::Bytes, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_bytes(bytes)
}

/// [`Entry`] as decoded, borrowing its checkpoint from the cache file's bytes.
#[derive(Deserialize)]
struct EntryRef<'a> {
    fingerprint: Fingerprint,
    offset: u64,
    #[serde(borrow)]
    checkpoint: &'a [u8],
}

impl Entry {
    /// The length and xxh3-128 of the whole file this entry was read from, when its hash covers
    /// every byte (a gzip log's always does; a plain log's when no cut last line followed the
    /// checkpoint): the same as [`content_hash`], so the up-to-date stamp need not read the
    /// file a second time.
    pub fn whole_file(&self, gzip: bool) -> Option<(u64, u128)> {
        (gzip || self.offset == self.fingerprint.len)
            .then_some((self.fingerprint.len, self.fingerprint.hash))
    }
}

/// A reader that hashes every byte it passes on.
struct Hashing<R> {
    inner: R,
    hasher: Xxh3,
    bytes: u64,
}

impl<R: Read> Hashing<R> {
    fn new(inner: R) -> Self {
        Hashing {
            inner,
            hasher: Xxh3::new(),
            bytes: 0,
        }
    }

    /// Hashes the next `len` bytes without passing them on; false if the stream ends first.
    fn skip(&mut self, len: u64) -> std::io::Result<bool> {
        let copied = std::io::copy(&mut (&mut *self).take(len), &mut std::io::sink())?;
        Ok(copied == len)
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buffer)?;
        self.hasher.update(&buffer[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Everything cached for one LOGS folder.
#[derive(Serialize)]
struct CacheFile {
    format: u32,
    tool: String,
    logs: PathBuf,
    chart_points: usize,
    entries: BTreeMap<String, Entry>,
}

/// [`CacheFile`] as decoded (the same encoding), its checkpoints borrowed.
#[derive(Deserialize)]
struct CacheFileRef<'a> {
    format: u32,
    tool: String,
    logs: PathBuf,
    chart_points: usize,
    #[serde(borrow)]
    entries: BTreeMap<String, EntryRef<'a>>,
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
        let bytes = bytes::Bytes::from(std::fs::read(path).unwrap_or_default());
        let old = postcard::from_bytes::<CacheFileRef>(&bytes)
            .ok()
            .filter(|c| {
                c.format == CACHE_FORMAT
                    && c.tool == env!("CARGO_PKG_VERSION")
                    && c.logs == logs
                    && c.chart_points == chart_points
            })
            .map(|c| {
                c.entries
                    .into_iter()
                    .map(|(key, entry)| {
                        let entry = Entry {
                            fingerprint: entry.fingerprint,
                            offset: entry.offset,
                            checkpoint: bytes.slice_ref(entry.checkpoint),
                        };
                        (key, entry)
                    })
                    .collect()
            })
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
        let resumed = self
            .old
            .get(&file.relative)
            .and_then(|entry| self.try_resume(file, entry));
        let read = match resumed {
            Some(read) => Ok(read),
            None => self
                .read_from_start(file, false)
                .and_then(|read| match read.0.needs_exact {
                    false => Ok(read),
                    // Steps went back past what streaming resolves: read again, exactly.
                    true => self.read_from_start(file, true),
                }),
        };
        match read {
            Ok((reading, reuse, fingerprint)) => {
                let old = self.old.get(&file.relative);
                let entry = match (reading.checkpoint, fingerprint) {
                    // Nothing new was read: the checkpoint is the one the old entry encodes (a
                    // checkpoint is a function of the bytes before its offset, which the hash
                    // checked), so its bytes are kept rather than encoded again.
                    (Some(checkpoint), Some(fingerprint))
                        if reuse == Reuse::Unchanged
                            && old.is_some_and(|old| {
                                old.offset == checkpoint.offset && old.fingerprint == fingerprint
                            }) =>
                    {
                        old.map(|old| (file.relative.clone(), old.clone()))
                    }
                    (Some(checkpoint), Some(fingerprint)) => {
                        postcard::to_stdvec(&checkpoint).ok().map(|encoded| {
                            let entry = Entry {
                                fingerprint,
                                offset: checkpoint.offset,
                                checkpoint: encoded.into(),
                            };
                            (file.relative.clone(), entry)
                        })
                    }
                    _ => None,
                };
                (reading.result, reuse, entry)
            }
            Err(warning) => (FileResult::failed(warning), Reuse::Parsed, None),
        }
    }

    /// Reads a log from its first byte, hashing what is read for the entry.
    fn read_from_start(
        &self,
        file: &LogFile,
        exact: bool,
    ) -> Result<(Reading, Reuse, Option<Fingerprint>), super::Warning> {
        let (opened, mut limit_warnings) = super::open_log(file)?;
        let len = opened.get_ref().metadata().map_or(0, |m| m.len());
        let start = if exact { Start::Exact } else { Start::Fresh };
        let mut raw = Hashing::new(opened);
        let mut reading = if file.gzip {
            let limit = super::boundary::Kind::Log.limit();
            let decoder =
                flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUFFER, &mut raw));
            let mut reading = read_log_from(
                BufReader::with_capacity(BUFFER, decoder.take(limit)),
                file,
                self.chart_points,
                start,
                true,
            );
            // A gzip log is reused only whole: hash what the decoder left unread.
            if raw.skip(u64::MAX).is_err() {
                reading.checkpoint = None;
            }
            reading
        } else {
            let lines = BufReader::with_capacity(BUFFER, &mut raw);
            read_log_from(lines, file, self.chart_points, start, true)
        };
        reading.result.warnings.append(&mut limit_warnings);
        let fingerprint = match &reading.checkpoint {
            Some(checkpoint) if !file.gzip => prefix_hash(raw, checkpoint.offset),
            Some(_) => Some(raw.hasher.digest128()),
            None => None,
        }
        .map(|hash| Fingerprint { len, hash });
        Ok((reading, Reuse::Parsed, fingerprint))
    }

    /// Resumes a log from its cached checkpoint when the bytes before the checkpoint are the
    /// ones it was taken from; `None` reads the log from the start.
    fn try_resume(
        &self,
        file: &LogFile,
        entry: &Entry,
    ) -> Option<(Reading, Reuse, Option<Fingerprint>)> {
        let (opened, limit_warnings) = super::open_log(file).ok()?;
        let len = opened.get_ref().metadata().ok()?.len();
        let mut raw = Hashing::new(opened);
        if file.gzip {
            // A compressed log cannot be resumed mid-stream: only an identical file is reused.
            raw.skip(u64::MAX).ok()?;
            let now = Fingerprint {
                len,
                hash: raw.hasher.digest128(),
            };
            if now != entry.fingerprint {
                return None;
            }
            let checkpoint = decode(entry)?;
            let mut result = finish_checkpoint(checkpoint.clone(), file);
            result.warnings.extend(limit_warnings);
            let reading = Reading {
                result,
                checkpoint: Some(checkpoint),
                needs_exact: false,
            };
            return Some((reading, Reuse::Unchanged, Some(now)));
        }
        if !raw.skip(entry.offset).ok()? || raw.hasher.digest128() != entry.fingerprint.hash {
            return None;
        }
        let reuse = if len == entry.fingerprint.len {
            Reuse::Unchanged
        } else {
            Reuse::Appended
        };
        // Read on from the same open file, still hashing, so that the next entry covers
        // exactly the bytes parsed.
        let mut reading = read_log_from(
            BufReader::with_capacity(BUFFER, &mut raw),
            file,
            self.chart_points,
            Start::Resume(Box::new(decode(entry)?)),
            true,
        );
        if reading.needs_exact {
            return None;
        }
        reading.result.warnings.extend(limit_warnings);
        let fingerprint = reading
            .checkpoint
            .as_ref()
            .and_then(|checkpoint| prefix_hash(raw, checkpoint.offset))
            .map(|hash| Fingerprint { len, hash });
        Some((reading, reuse, fingerprint))
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

/// The hash of the first `offset` bytes of what `raw` read. When the reading stopped exactly
/// there (a log ending in a line break), that is the running hash; otherwise (a cut last line
/// was read past the offset) the same open file is hashed again up to the offset.
fn prefix_hash(mut raw: Hashing<Take<File>>, offset: u64) -> Option<u128> {
    if raw.bytes == offset {
        return Some(raw.hasher.digest128());
    }
    let file = raw.inner.get_mut();
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut again = Hashing::new(Read::take(file, offset));
    again.skip(offset).ok()?.then(|| again.hasher.digest128())
}

/// Length and xxh3-128 of a whole file, opened through the read boundary (for the up-to-date
/// stamp, which must notice any edit).
pub fn content_hash(file: &LogFile) -> Option<(u64, u128)> {
    let (opened, _) = super::open_log(file).ok()?;
    let mut raw = Hashing::new(opened);
    raw.skip(u64::MAX).ok()?;
    Some((raw.bytes, raw.hasher.digest128()))
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
