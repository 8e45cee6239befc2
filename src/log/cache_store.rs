//! Where the incremental cache lives on disk: a data file of blobs (each log's checkpoint and
//! finished run) that builds only ever append to, and a small index file naming every entry's
//! blobs, replaced atomically by each build.
//!
//! An unchanged log's blobs stay where they are: a rebuild writes only the entries of the logs
//! it read, then the new index. Every index ever committed stays valid, since no byte it names is
//! written again: a build that stops half-way leaves the old index, and bytes past its end that
//! the next build cuts off. When more than half of the data file is no longer named (logs that
//! grew, or went), the live blobs are copied into a fresh data file under the other of two
//! names, the index switched to it, and the old one removed (a reader holding it open, such as
//! this build's pages reading back runs' points, keeps reading it).
//!
//! Index file: [`MAGIC`], the index (postcard), then a fixed-size footer: the index's position,
//! length and xxh3-64, then [`MAGIC`]. Data file: [`MAGIC`], then blobs, each checked against the
//! xxh3-64 its index entry records before it is trusted.

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::positioned::read_at;

/// Bumped whenever the cached state's layout or meaning changes.
pub const CACHE_FORMAT: u32 = 7;
const BUFFER: usize = 256 * 1024;
/// The first 8 bytes of both files, and the last 8 of an index file.
const MAGIC: [u8; 8] = *b"ahnbcach";
/// The index file's footer: the index's position, length and xxh3-64, then [`MAGIC`].
const FOOTER: u64 = 32;

/// What identifies the content a checkpoint was taken from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Length of the file when cached.
    pub len: u64,
    /// xxh3-128 of the bytes before the checkpoint's offset (of the whole file, for gzip logs).
    pub hash: u128,
}

/// A blob of the data file: `length` bytes at `at`, of xxh3-64 `hash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    pub at: u64,
    pub length: u64,
    pub hash: u64,
}

impl Stored {
    /// The blob's bytes, when they still hash to what was stored.
    pub fn read(&self, data: &File) -> Option<Vec<u8>> {
        let bytes = read_at(data, self.at, self.length).ok()?;
        (xxhash_rust::xxh3::xxh3_64(&bytes) == self.hash).then_some(bytes)
    }
}

/// The index: what the cache is of, which data file holds its blobs and how far.
#[derive(Serialize, Deserialize)]
pub struct Index {
    pub format: u32,
    pub tool: String,
    pub logs: PathBuf,
    pub chart_points: usize,
    /// Which of the two data files ([`data_path`]).
    pub data: u8,
    /// Bytes of the data file this index covers; anything after is a stopped build's.
    pub data_len: u64,
    /// Sorted by key.
    pub entries: Vec<Indexed>,
}

/// One log's entry: what its checkpoint was taken from, where the checkpoint is, and, for logs
/// whose hash covers every byte, where the run their reading finished into is and its chart
/// points.
#[derive(Clone, Serialize, Deserialize)]
pub struct Indexed {
    pub key: String,
    pub fingerprint: Fingerprint,
    /// The file's identity when it was read, when it had settled (`log::file_identity`).
    pub identity: Option<super::file_identity::FileIdentity>,
    /// Where the checkpoint's reading stopped, in bytes.
    pub offset: u64,
    pub checkpoint: Stored,
    pub finished: Option<Finished>,
}

/// A log's finished reading: the result without its run's chart points, the points
/// (`log::run::detail::Details`' encoding) and their overview (`log::run::overview`), both `None`
/// without a run. `B` is where each blob is: [`Stored`] in the index, or new bytes or stored
/// ones in an entry being kept (`log::cache`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Finished<B = Stored> {
    pub result: B,
    pub details: Option<B>,
    pub overview: Option<B>,
}

impl<B> Finished<B> {
    /// Each blob turned by `f`.
    pub fn map<C>(self, mut f: impl FnMut(B) -> C) -> Finished<C> {
        Finished {
            result: f(self.result),
            details: self.details.map(&mut f),
            overview: self.overview.map(&mut f),
        }
    }

    /// Each blob turned by `f`, stopping at its first error.
    pub fn try_map<C, E>(self, mut f: impl FnMut(B) -> Result<C, E>) -> Result<Finished<C>, E> {
        Ok(Finished {
            result: f(self.result)?,
            details: self.details.map(&mut f).transpose()?,
            overview: self.overview.map(&mut f).transpose()?,
        })
    }
}

impl Indexed {
    /// Its blobs.
    pub fn blobs(&self) -> impl Iterator<Item = Stored> {
        let finished = self.finished.iter();
        std::iter::once(self.checkpoint)
            .chain(finished.clone().map(|f| f.result))
            .chain(finished.clone().filter_map(|f| f.details))
            .chain(finished.filter_map(|f| f.overview))
    }
}

/// The data file `which` (0 or 1) of the cache whose index is `index`.
pub fn data_path(index: &Path, which: u8) -> PathBuf {
    index.with_extension(format!("ahnb-cache-{which}"))
}

/// The index of an index file, when its footer, its hash and its encoding check out.
pub fn read_index(path: &Path) -> Option<Index> {
    let file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len < MAGIC.len() as u64 + FOOTER {
        return None;
    }
    let footer = read_at(&file, len - FOOTER, FOOTER).ok()?;
    let word =
        |i: usize| u64::from_le_bytes(footer[i * 8..i * 8 + 8].try_into().unwrap_or_default());
    let (at, length, hash) = (word(0), word(1), word(2));
    if footer[24..] != MAGIC || at.checked_add(length)? != len - FOOTER {
        return None;
    }
    let head = read_at(&file, 0, MAGIC.len() as u64).ok()?;
    let index = read_at(&file, at, length).ok()?;
    if head != MAGIC || xxhash_rust::xxh3::xxh3_64(&index) != hash {
        return None;
    }
    let index: Index = postcard::from_bytes(&index).ok()?;
    let inside =
        |s: &Stored| s.at >= MAGIC.len() as u64 && s.at.saturating_add(s.length) <= index.data_len;
    let all_inside = index.entries.iter().all(|e| e.blobs().all(|s| inside(&s)));
    (index.data <= 1 && all_inside).then_some(index)
}

/// The data file a build appends to.
pub struct Data {
    /// For reading blobs (positioned reads: any thread, no cursor).
    pub file: File,
    which: u8,
    writer: BufWriter<File>,
    end: u64,
}

impl Data {
    /// The data file `index` names, open for appending after the bytes it covers (a stopped
    /// build's bytes past them are cut off); `None` when it is missing or shorter.
    pub fn open(path: &Path, index: &Index) -> Option<Data> {
        let data = data_path(path, index.data);
        let file = File::options().read(true).write(true).open(data).ok()?;
        let len = file.metadata().ok()?.len();
        if len < index.data_len || read_at(&file, 0, MAGIC.len() as u64).ok()? != MAGIC {
            return None;
        }
        if len > index.data_len {
            file.set_len(index.data_len).ok()?;
        }
        Data::appending(file, index.data, index.data_len)
    }

    /// A new, empty data file named `which`: written beside it and renamed over it, so that
    /// whoever still reads the old file under that name reads it whole.
    pub fn create(path: &Path, which: u8) -> std::io::Result<Data> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let temporary = path.with_extension("tmp-data");
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temporary)?;
        file.write_all(&MAGIC)?;
        std::fs::rename(&temporary, data_path(path, which))?;
        Data::appending(file, which, MAGIC.len() as u64)
            .ok_or_else(|| std::io::Error::other("cannot append to the cache's data file"))
    }

    fn appending(file: File, which: u8, end: u64) -> Option<Data> {
        let mut writer = file.try_clone().ok()?;
        writer.seek(SeekFrom::Start(end)).ok()?;
        Some(Data {
            file,
            which,
            writer: BufWriter::with_capacity(BUFFER, writer),
            end,
        })
    }

    /// Appends a blob.
    pub fn append(&mut self, bytes: &[u8]) -> std::io::Result<Stored> {
        self.writer.write_all(bytes)?;
        let stored = Stored {
            at: self.end,
            length: bytes.len() as u64,
            hash: xxhash_rust::xxh3::xxh3_64(bytes),
        };
        self.end += stored.length;
        Ok(stored)
    }

    /// Completes this build's cache: its data written out (into a fresh data file when more than
    /// half of this one is no longer named), then the index of `entries` put in place of the old
    /// one, atomically.
    pub fn commit(
        mut self,
        path: &Path,
        mut index: Index,
        entries: Vec<Indexed>,
    ) -> std::io::Result<()> {
        self.writer.flush()?;
        let live: u64 = entries
            .iter()
            .flat_map(|e| e.blobs())
            .map(|s| s.length)
            .sum();
        let dead = self.end.saturating_sub(MAGIC.len() as u64 + live);
        let old = self.which;
        let (data, entries) = if dead > live {
            self.compacted(path, entries)?
        } else {
            (self, entries)
        };
        index.data = data.which;
        index.data_len = data.end;
        index.entries = entries;
        write_index(path, &index)?;
        if data.which != old {
            // No index names it any more (an open handle still reads it).
            let _ = std::fs::remove_file(data_path(path, old));
        }
        Ok(())
    }

    /// The live blobs of `entries` copied into a fresh data file under the other name (the old
    /// one is removed once the index names the new one).
    fn compacted(
        self,
        path: &Path,
        mut entries: Vec<Indexed>,
    ) -> std::io::Result<(Data, Vec<Indexed>)> {
        let mut fresh = Data::create(path, 1 - self.which)?;
        for entry in &mut entries {
            entry.checkpoint = copy(&self.file, entry.checkpoint, &mut fresh)?;
            if let Some(finished) = &mut entry.finished {
                finished.result = copy(&self.file, finished.result, &mut fresh)?;
                if let Some(details) = &mut finished.details {
                    *details = copy(&self.file, *details, &mut fresh)?;
                }
            }
        }
        fresh.writer.flush()?;
        Ok((fresh, entries))
    }
}

/// A blob of `from` appended to `to` as it is (its hash checked again on reading).
fn copy(from: &File, stored: Stored, to: &mut Data) -> std::io::Result<Stored> {
    let bytes = read_at(from, stored.at, stored.length)?;
    let mut copied = to.append(&bytes)?;
    copied.hash = stored.hash;
    Ok(copied)
}

/// Writes the index file beside `path` and renames it over it.
fn write_index(path: &Path, index: &Index) -> std::io::Result<()> {
    let encoded = postcard::to_stdvec(index).map_err(std::io::Error::other)?;
    let temporary = path.with_extension("tmp");
    let mut file = BufWriter::new(File::create(&temporary)?);
    file.write_all(&MAGIC)?;
    file.write_all(&encoded)?;
    file.write_all(&(MAGIC.len() as u64).to_le_bytes())?;
    file.write_all(&(encoded.len() as u64).to_le_bytes())?;
    file.write_all(&xxhash_rust::xxh3::xxh3_64(&encoded).to_le_bytes())?;
    file.write_all(&MAGIC)?;
    drop(file.into_inner().map_err(|e| e.into_error())?);
    std::fs::rename(temporary, path)
}
