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
//!
//! The file is written as the logs are read, one checkpoint after another, then an index of them
//! and a fixed-size footer (see [`Index`]): no build holds every checkpoint in memory (70 KB a
//! log at the default chart bound, 700 MB for 10,000 logs). Reading it, the index is decoded
//! and checked (its hash, ahnb's version, the LOGS folder, the chart bound), and a checkpoint is
//! read, checked against its own hash and decoded only when its log is read. The new file
//! replaces the old one atomically once complete; a missing, damaged or outdated file is an
//! empty cache.

use std::collections::BTreeMap;
use std::fs::File;
use std::hash::Hasher;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Take, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::positioned::read_at;
use super::{Checkpoint, FileResult, LogFile, Reading, Start, finish_checkpoint, read_log_from};

/// Bumped whenever the cached state's layout or meaning changes.
const CACHE_FORMAT: u32 = 4;
const BUFFER: usize = 256 * 1024;
/// The first and the last 8 bytes of a cache file.
const MAGIC: [u8; 8] = *b"ahnbcach";
/// The footer: the index's position, length and xxh3-64, then [`MAGIC`].
const FOOTER: u64 = 32;

/// What identifies the content a checkpoint was taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Length of the file when cached.
    pub len: u64,
    /// xxh3-128 of the bytes before the checkpoint's offset (of the whole file, for gzip logs).
    pub hash: u128,
}

/// One log's cached reading.
#[derive(Clone)]
pub struct Entry {
    fingerprint: Fingerprint,
    /// Where the checkpoint's reading stopped, in bytes: kept outside the encoded checkpoint so
    /// that an entry is checked against its file before anything is decoded.
    offset: u64,
    /// The checkpoint, encoded (postcard) as soon as it is taken: decoded, it holds each
    /// series' window at 16 bytes a point. Written to the new cache file as soon as its log is
    /// read, and dropped.
    checkpoint: Vec<u8>,
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

/// The index at the end of a cache file: what the cache is of, and where each checkpoint is.
#[derive(Serialize, Deserialize)]
struct Index {
    format: u32,
    tool: String,
    logs: PathBuf,
    chart_points: usize,
    /// Sorted by key.
    entries: Vec<Indexed>,
}

/// An [`Entry`] in the index: its checkpoint is `length` bytes at `at` of the file, of xxh3-64
/// `hash`.
#[derive(Clone, Serialize, Deserialize)]
struct Indexed {
    key: String,
    fingerprint: Fingerprint,
    offset: u64,
    at: u64,
    length: u64,
    hash: u64,
}

/// The cache of one build: the previous build's index (its checkpoints read on demand), and
/// the file this build's entries are written to as its logs are read.
pub struct Cache {
    path: PathBuf,
    old: BTreeMap<String, Indexed>,
    /// The previous cache file, open for reading checkpoints.
    old_file: Option<File>,
    logs: PathBuf,
    chart_points: usize,
    new: Mutex<NewFile>,
}

/// The cache file being written (beside the cache, renamed over it when complete).
enum NewFile {
    Unopened,
    Open {
        file: BufWriter<File>,
        at: u64,
        entries: Vec<Indexed>,
    },
    /// It could not be created or written: the old cache is left as it is.
    Failed,
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
    /// Opens the cache at `path` for logs under `logs`; a missing, unreadable, damaged or
    /// outdated cache is simply empty.
    pub fn open(path: &Path, logs: &Path, chart_points: usize) -> Cache {
        let logs = logs.canonicalize().unwrap_or_else(|_| logs.to_path_buf());
        let old_file = File::open(path).ok();
        let old = old_file
            .as_ref()
            .and_then(read_index)
            .filter(|index| {
                index.format == CACHE_FORMAT
                    && index.tool == env!("CARGO_PKG_VERSION")
                    && index.logs == logs
                    && index.chart_points == chart_points
            })
            .map(|index| {
                index
                    .entries
                    .into_iter()
                    .map(|entry| (entry.key.clone(), entry))
                    .collect()
            })
            .unwrap_or_default();
        Cache {
            path: path.to_path_buf(),
            old,
            old_file,
            logs,
            chart_points,
            new: Mutex::new(NewFile::Unopened),
        }
    }

    /// The old entry of a log with its checkpoint's bytes, checked against their hash.
    fn old_entry(&self, key: &str) -> Option<Entry> {
        let indexed = self.old.get(key)?;
        let checkpoint = read_at(self.old_file.as_ref()?, indexed.at, indexed.length).ok()?;
        (xxhash_rust::xxh3::xxh3_64(&checkpoint) == indexed.hash).then(|| Entry {
            fingerprint: indexed.fingerprint.clone(),
            offset: indexed.offset,
            checkpoint,
        })
    }

    /// Reads one log, reusing its cached state where the content allows. Returns the result,
    /// how it was obtained, and the entry to keep for the next build (if any).
    pub fn read(&self, file: &LogFile) -> (FileResult, Reuse, Option<(String, Entry)>) {
        let old = self.old_entry(&file.relative);
        let resumed = old.as_ref().and_then(|entry| self.try_resume(file, entry));
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
                let entry = match (reading.checkpoint, fingerprint) {
                    // Nothing new was read: the checkpoint is the one the old entry encodes (a
                    // checkpoint is a function of the bytes before its offset, which the hash
                    // checked), so its bytes are kept rather than encoded again.
                    (Some(checkpoint), Some(fingerprint))
                        if reuse == Reuse::Unchanged
                            && old.as_ref().is_some_and(|old| {
                                old.offset == checkpoint.offset && old.fingerprint == fingerprint
                            }) =>
                    {
                        old.map(|old| (file.relative.clone(), old))
                    }
                    (Some(checkpoint), Some(fingerprint)) => {
                        postcard::to_stdvec(&checkpoint).ok().map(|encoded| {
                            let entry = Entry {
                                fingerprint,
                                offset: checkpoint.offset,
                                checkpoint: encoded,
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

    /// Writes one entry of this build to the new cache file (created on first use, beside
    /// the cache); a file that cannot be written only costs the next build its speed.
    pub fn keep(&self, key: String, entry: Entry) {
        let Ok(mut new) = self.new.lock() else {
            return;
        };
        if matches!(*new, NewFile::Unopened) {
            *new = create(&self.path).unwrap_or(NewFile::Failed);
        }
        let NewFile::Open { file, at, entries } = &mut *new else {
            return;
        };
        if file.write_all(&entry.checkpoint).is_err() {
            *new = NewFile::Failed;
            return;
        }
        let length = entry.checkpoint.len() as u64;
        entries.push(Indexed {
            key,
            fingerprint: entry.fingerprint,
            offset: entry.offset,
            at: *at,
            length,
            hash: xxhash_rust::xxh3::xxh3_64(&entry.checkpoint),
        });
        *at += length;
    }

    /// Completes the new cache file (its index and footer) and puts it in place of the old
    /// one, atomically. A build that kept no entry leaves an empty cache.
    pub fn save(self) -> std::io::Result<()> {
        let Cache {
            path,
            old_file,
            logs,
            chart_points,
            new,
            ..
        } = self;
        // Closed first: a file that is open cannot be replaced everywhere.
        drop(old_file);
        let mut new = new
            .into_inner()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        if matches!(new, NewFile::Unopened) {
            new = create(&path)?;
        }
        let NewFile::Open {
            mut file,
            at,
            mut entries,
        } = new
        else {
            return Err(std::io::Error::other("the cache file could not be written"));
        };
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        let index = Index {
            format: CACHE_FORMAT,
            tool: env!("CARGO_PKG_VERSION").to_owned(),
            logs,
            chart_points,
            entries,
        };
        let index = postcard::to_stdvec(&index).map_err(std::io::Error::other)?;
        file.write_all(&index)?;
        file.write_all(&at.to_le_bytes())?;
        file.write_all(&(index.len() as u64).to_le_bytes())?;
        file.write_all(&xxhash_rust::xxh3::xxh3_64(&index).to_le_bytes())?;
        file.write_all(&MAGIC)?;
        let file = file.into_inner().map_err(|e| e.into_error())?;
        drop(file);
        std::fs::rename(path.with_extension("tmp"), &path)
    }
}

/// Starts the new cache file of the cache at `path`: `path.tmp`, renamed over it when complete.
fn create(path: &Path) -> std::io::Result<NewFile> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = BufWriter::with_capacity(BUFFER, File::create(path.with_extension("tmp"))?);
    file.write_all(&MAGIC)?;
    Ok(NewFile::Open {
        file,
        at: MAGIC.len() as u64,
        entries: Vec::new(),
    })
}

/// The index of a cache file, when its footer, its hash and its encoding check out.
fn read_index(file: &File) -> Option<Index> {
    let len = file.metadata().ok()?.len();
    if len < MAGIC.len() as u64 + FOOTER {
        return None;
    }
    let footer = read_at(file, len - FOOTER, FOOTER).ok()?;
    let word =
        |i: usize| u64::from_le_bytes(footer[i * 8..i * 8 + 8].try_into().unwrap_or_default());
    let (at, length, hash) = (word(0), word(1), word(2));
    if footer[24..] != MAGIC || at.checked_add(length)? != len - FOOTER {
        return None;
    }
    let head = read_at(file, 0, MAGIC.len() as u64).ok()?;
    let index = read_at(file, at, length).ok()?;
    if head != MAGIC || xxhash_rust::xxh3::xxh3_64(&index) != hash {
        return None;
    }
    let index: Index = postcard::from_bytes(&index).ok()?;
    let inside = |e: &Indexed| e.at >= MAGIC.len() as u64 && e.at.saturating_add(e.length) <= at;
    index.entries.iter().all(inside).then_some(index)
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
