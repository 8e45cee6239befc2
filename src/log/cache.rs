//! The incremental cache: what reading each log gave, kept between builds so that an unchanged
//! log is not parsed again and a log that grew is read on from where the last build stopped.
//!
//! An entry is keyed by the log's path relative to LOGS and trusted only when the file's content
//! still matches it: a hash (xxh3-128) of every byte up to the cached offset (the whole file, for
//! gzip logs), or, for a log read whole that had settled before it was read, its unchanged
//! identity (device, inode, length, mtime and ctime: `log::file_identity`, git's shortcut with
//! git's guard against racy edits). Never lengths, modification times or samples alone: an edit
//! of one byte in the middle, of the same length, with the old mtime put back, sets the ctime and
//! is read by the next build. The hash is computed on the bytes the reader reads, from the same
//! open file, so that what is cached is exactly what was parsed. A resumed reading continues the
//! exact parser state, so output never differs from a clean build.
//!
//! Beside each checkpoint, an entry keeps what reading the whole log finished into: the run
//! without its chart points (header, summaries, trends, media, notes, end) and its warnings,
//! a few kilobytes, and the run's chart points in the spill's encoding. An unchanged log is then
//! hashed and that small blob decoded; its chart points stay on disk ([`Residence::Cached`]) and
//! are read only when a page that is rendered draws the run ([`details_of`]). A log whose hash
//! does not cover every byte (a cut last line after the checkpoint) is resumed from its
//! checkpoint instead.
//!
//! The entries are written as the logs are read (see `log::cache_store` for the files): no build
//! holds every checkpoint in memory (70 KB a log at the default chart bound, 700 MB for 10,000
//! logs), and an unchanged log's entry is not written again. Reading, the index is decoded and
//! checked (its hash, ahnb's version, the LOGS folder, the chart bound), and a blob is read and
//! checked against its own hash only when its log is read; a damaged blob is read again from
//! its log. The new index replaces the old one atomically; a missing, damaged or outdated index
//! is an empty cache.

use std::collections::BTreeMap;
use std::fs::File;
use std::hash::Hasher;
use std::io::{BufReader, Read, Seek, SeekFrom, Take};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use xxhash_rust::xxh3::Xxh3;

use super::cache_finished::Finished;
use super::cache_store::{CACHE_FORMAT, Data, Fingerprint, Index, Indexed, Stored};
use super::file_identity::FileIdentity;
use super::{Checkpoint, FileResult, LogFile, Reading, Start, finish_checkpoint, read_log_from};

const BUFFER: usize = 256 * 1024;

/// One log's cached reading, to keep for the next build.
pub struct Entry {
    fingerprint: Fingerprint,
    /// The file's identity when it was read, if it had settled ([`FileIdentity::settled`]): the
    /// next build trusts an unchanged identity instead of hashing the file again.
    identity: Option<FileIdentity>,
    /// Where the checkpoint's reading stopped, in bytes: kept outside the encoded checkpoint so
    /// that an entry is checked against its file before anything is decoded.
    offset: u64,
    /// The checkpoint: decoded, it holds each series' window at 16 bytes a point.
    checkpoint: Blob,
    /// The finished reading ([`Finished`]) and its run's details, when the fingerprint covers
    /// the whole file.
    finished: Option<super::cache_store::Finished<Blob>>,
}

/// A blob of an entry: new (encoded, to append to the data file), or one the data file holds.
enum Blob {
    New(Vec<u8>),
    Stored(Stored),
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
        // Through a large buffer kept per thread: `io::copy`'s 8 KiB one made hashing an
        // unchanged log 20 read calls instead of one.
        thread_local! {
            static SCRATCH: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; BUFFER]);
        }
        SCRATCH.with_borrow_mut(|buffer| {
            let mut left = len;
            while left > 0 {
                let want = buffer
                    .len()
                    .min(usize::try_from(left).unwrap_or(usize::MAX));
                match self.read(&mut buffer[..want]) {
                    Ok(0) => return Ok(false),
                    Ok(n) => left -= n as u64,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(true)
        })
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

/// The cache of one build: the previous build's index (its blobs read on demand from the data
/// file), and the data file this build appends its new entries to.
pub struct Cache {
    path: PathBuf,
    old: BTreeMap<String, Indexed>,
    /// The data file, for reading the old entries' blobs (positioned reads, no lock).
    reader: Option<File>,
    logs: PathBuf,
    chart_points: usize,
    new: Mutex<NewEntries>,
}

/// This build's entries, and the data file (`None` when it could not be opened or written: the
/// old cache is then left as it is).
struct NewEntries {
    data: Option<Data>,
    entries: Vec<Indexed>,
}

/// A reading with the fingerprint of the bytes before its checkpoint and the file's identity
/// before it was read (when settled).
type FingerprintedReading = (Reading, Reuse, Option<Fingerprint>, Option<FileIdentity>);

/// A log read through the cache: the result, how it was obtained, and the entry to keep.
pub type CachedRead = (FileResult, Reuse, Option<(String, Entry)>);

/// How a log was read, for the build report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    /// Parsed from the start.
    Parsed,
    /// Unchanged: nothing parsed (a cut last line is read again).
    Unchanged,
    /// Unchanged, known by the file's identity without reading a byte of it.
    Vouched,
    /// Grown: only the new bytes parsed.
    Appended,
}

impl Cache {
    /// Opens the cache at `path` for logs under `logs`; a missing, unreadable, damaged or
    /// outdated cache is simply empty.
    pub fn open(path: &Path, logs: &Path, chart_points: usize) -> Cache {
        let logs = logs.canonicalize().unwrap_or_else(|_| logs.to_path_buf());
        let index = super::cache_store::read_index(path).filter(|index| {
            index.format == CACHE_FORMAT
                && index.tool == env!("CARGO_PKG_VERSION")
                && index.logs == logs
                && index.chart_points == chart_points
        });
        let (data, old) = match index.and_then(|i| Data::open(path, &i).map(|d| (d, i))) {
            Some((data, index)) => {
                let old = index
                    .entries
                    .into_iter()
                    .map(|entry| (entry.key.clone(), entry))
                    .collect();
                (Some(data), old)
            }
            None => {
                // Nothing trusted: start a data file afresh (the other name's is stale).
                let _ = std::fs::remove_file(super::cache_store::data_path(path, 1));
                (Data::create(path, 0).ok(), BTreeMap::new())
            }
        };
        let reader = data.as_ref().and_then(|d| d.file.try_clone().ok());
        Cache {
            path: path.to_path_buf(),
            old,
            reader,
            logs,
            chart_points,
            new: Mutex::new(NewEntries {
                data,
                entries: Vec::new(),
            }),
        }
    }

    /// A handle of the data file, for reading runs' details back after the cache is saved.
    pub fn data_file(&self) -> Option<File> {
        self.reader.as_ref()?.try_clone().ok()
    }

    /// Reads a blob of the data file, checked against its hash.
    fn blob(&self, stored: &Stored) -> Option<Vec<u8>> {
        stored.read(self.reader.as_ref()?)
    }

    /// Reads one log, reusing its cached state where the content allows. Returns the result,
    /// how it was obtained, and the entry to keep for the next build (if any).
    pub fn read(&self, file: &LogFile) -> CachedRead {
        let indexed = self.old.get(&file.relative);
        if let Some(done) = indexed.and_then(|indexed| self.try_finished(file, indexed)) {
            return done;
        }
        let old = indexed.and_then(|indexed| {
            let checkpoint = self.blob(&indexed.checkpoint)?;
            Some((indexed, checkpoint))
        });
        let resumed = old
            .as_ref()
            .and_then(|(indexed, bytes)| self.try_resume(file, indexed, bytes));
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
            Ok((reading, reuse, fingerprint, identity)) => {
                let entry = match (reading.checkpoint, fingerprint) {
                    (Some(checkpoint), Some(fingerprint)) => {
                        let whole = file.gzip || checkpoint.offset == fingerprint.len;
                        let finished = whole
                            .then(|| Finished::encode_all(&reading.result))
                            .flatten()
                            .map(|blobs| blobs.map(Blob::New));
                        let unchanged = reuse == Reuse::Unchanged
                            && old.as_ref().is_some_and(|(old, _)| {
                                old.offset == checkpoint.offset && old.fingerprint == fingerprint
                            });
                        // Nothing new was read: the checkpoint is the one the old entry holds (a
                        // checkpoint is a function of the bytes before its offset, which the hash
                        // checked), so it is kept where it is rather than encoded again.
                        let encoded = match &old {
                            Some((old, _)) if unchanged => Some(Blob::Stored(old.checkpoint)),
                            _ => postcard::to_stdvec(&checkpoint).ok().map(Blob::New),
                        };
                        encoded.map(|checkpoint_blob| {
                            let entry = Entry {
                                fingerprint,
                                identity,
                                offset: checkpoint.offset,
                                checkpoint: checkpoint_blob,
                                finished,
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

    /// An unchanged log whose entry holds its finished reading: the file is hashed whole and
    /// the small finished blob decoded, its run's details left in the data file. `None` when
    /// the log changed or the blob does not check out (the checkpoint is tried next).
    fn try_finished(&self, file: &LogFile, indexed: &Indexed) -> Option<CachedRead> {
        let finished = indexed.finished?;
        if !file.gzip && indexed.offset != indexed.fingerprint.len {
            return None;
        }
        // A file whose identity is the one recorded when it was last read is that content (see
        // `log::file_identity`), so it is not even opened: one `stat`, where opening through the
        // boundary and reading the file's metadata was a dozen system calls. The walk refused
        // whatever leads outside LOGS, and the same inode with the same change time is the file
        // that was read inside it. Any other file is hashed whole.
        let vouched = indexed.identity.filter(|identity| {
            std::fs::metadata(&file.path).is_ok_and(|metadata| identity.still(&metadata))
        });
        let (identity, reuse) = match vouched {
            Some(identity) => (Some(identity), Reuse::Vouched),
            None => {
                let (opened, _) = super::open_log(file).ok()?;
                let now = SystemTime::now();
                let metadata = opened.get_ref().metadata().ok()?;
                let len = metadata.len();
                if len != indexed.fingerprint.len {
                    return None;
                }
                let mut raw = Hashing::new(opened);
                raw.skip(u64::MAX).ok()?;
                if raw.bytes != len || raw.hasher.digest128() != indexed.fingerprint.hash {
                    return None;
                }
                (FileIdentity::settled(&metadata, now), Reuse::Unchanged)
            }
        };
        // The finished result holds the warnings of opening too (the file is the same).
        let result = Finished::decode(&self.blob(&finished.result)?, finished)?;
        let entry = Entry {
            fingerprint: indexed.fingerprint.clone(),
            identity,
            offset: indexed.offset,
            checkpoint: Blob::Stored(indexed.checkpoint),
            finished: Some(finished.map(Blob::Stored)),
        };
        Some((result, reuse, Some((file.relative.clone(), entry))))
    }
    /// Reads a log from its first byte, hashing what is read for the entry.
    fn read_from_start(
        &self,
        file: &LogFile,
        exact: bool,
    ) -> Result<FingerprintedReading, super::Warning> {
        let (opened, mut limit_warnings) = super::open_log(file)?;
        let now = SystemTime::now();
        let metadata = opened.get_ref().metadata().ok();
        let len = metadata.as_ref().map_or(0, |m| m.len());
        let identity = metadata.and_then(|m| FileIdentity::settled(&m, now));
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
        Ok((reading, Reuse::Parsed, fingerprint, identity))
    }

    /// Resumes a log from its cached checkpoint when the bytes before the checkpoint are the
    /// ones it was taken from; `None` reads the log from the start.
    fn try_resume(
        &self,
        file: &LogFile,
        entry: &Indexed,
        checkpoint: &[u8],
    ) -> Option<FingerprintedReading> {
        let (opened, limit_warnings) = super::open_log(file).ok()?;
        let now = SystemTime::now();
        let metadata = opened.get_ref().metadata().ok()?;
        let len = metadata.len();
        let identity = FileIdentity::settled(&metadata, now);
        let mut raw = Hashing::new(opened);
        if file.gzip {
            // A compressed log cannot be resumed mid-stream: only an identical file is reused.
            raw.skip(u64::MAX).ok()?;
            let whole = Fingerprint {
                len,
                hash: raw.hasher.digest128(),
            };
            if whole != entry.fingerprint {
                return None;
            }
            let checkpoint = decode(checkpoint)?;
            let mut result = finish_checkpoint(checkpoint.clone(), file);
            result.warnings.extend(limit_warnings);
            let reading = Reading {
                result,
                checkpoint: Some(checkpoint),
                needs_exact: false,
            };
            return Some((reading, Reuse::Unchanged, Some(whole), identity));
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
            Start::Resume(Box::new(decode(checkpoint)?)),
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
        Some((reading, reuse, fingerprint, identity))
    }

    /// Writes one entry of this build: its new blobs are appended to the data file (an
    /// unchanged log's stay where they are); a file that cannot be written only costs the next
    /// build its speed.
    pub fn keep(&self, key: String, entry: Entry) {
        let Ok(mut new) = self.new.lock() else {
            return;
        };
        let NewEntries { data, entries } = &mut *new;
        let Some(writer) = data.as_mut() else {
            return;
        };
        let mut store = |blob: Blob| match blob {
            Blob::Stored(stored) => Ok(stored),
            Blob::New(bytes) => writer.append(&bytes),
        };
        let stored = store(entry.checkpoint).and_then(|checkpoint| {
            let finished = entry.finished.map(|f| f.try_map(&mut store)).transpose()?;
            Ok((checkpoint, finished))
        });
        match stored {
            Ok((checkpoint, finished)) => entries.push(Indexed {
                key,
                fingerprint: entry.fingerprint,
                identity: entry.identity,
                offset: entry.offset,
                checkpoint,
                finished,
            }),
            Err(_) => *data = None,
        }
    }

    /// Completes this build's cache and puts its index in place of the old one, atomically. A
    /// build that kept no entry leaves an empty cache.
    pub fn save(self) -> std::io::Result<()> {
        let Cache {
            path,
            reader,
            logs,
            chart_points,
            new,
            ..
        } = self;
        drop(reader);
        let NewEntries { data, mut entries } = new
            .into_inner()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        let data = data.ok_or_else(|| std::io::Error::other("the cache could not be written"))?;
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        let index = Index {
            format: CACHE_FORMAT,
            tool: env!("CARGO_PKG_VERSION").to_owned(),
            logs,
            chart_points,
            data: 0,
            data_len: 0,
            entries: Vec::new(),
        };
        data.commit(&path, index, entries)
    }
}

/// A checkpoint's bytes decoded; `None` (read the log from the start) if they do not decode.
fn decode(checkpoint: &[u8]) -> Option<Checkpoint> {
    postcard::from_bytes(checkpoint).ok()
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
