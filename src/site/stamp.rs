//! The "up to date" check: a small stamp beside the site records a digest of everything a build
//! reads (the logs' content fingerprints, configs, READMEs, media, theme, options, ahnb's version)
//! and of the site it wrote. When both still match, the site is exactly what a new build would
//! write, so the build stops there: a second build over unchanged logs costs a walk and a few
//! hashes instead of a parse and a render.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diag::Warning;
use crate::log::LogFile;
use crate::log::boundary::{Input, Kind};
use crate::log::cache::{Fnv64, content_hash, hash_bytes};
use crate::log::file_identity::FileIdentity;
use crate::log::walk::SITE_MARKER;

const STAMP_FORMAT: u32 = 4;

/// What the last build read and reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stamp {
    format: u32,
    inputs: u64,
    /// Every log's path, length and content hash, with its identity when it had settled
    /// (`log::file_identity`). Lengths are checked first: a log of another length means out of
    /// date without hashing anything (a grown log would otherwise be read once here and once
    /// more by the build). A log whose identity is unchanged is not read at all.
    logs: Vec<StampedLog>,
    marker: u64,
    /// Media files the pages copied, with their length and content hash.
    media: Vec<(PathBuf, u64, u64)>,
    pub report: StampedReport,
}

/// A log as the stamp keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StampedLog {
    relative: String,
    len: u64,
    identity: Option<FileIdentity>,
    hash: u128,
}

/// A log as a build found it before reading anything: its length and identity now, and the
/// identity to record for it (when it had settled).
#[derive(Debug, Clone)]
pub struct LogStat {
    relative: String,
    len: u64,
    now: Option<FileIdentity>,
    settled: Option<FileIdentity>,
}

/// The digest of a build's inputs, and each log's length and hash in it (in walk order).
#[derive(Debug, Clone)]
pub struct InputsDigest {
    pub digest: u64,
    logs: Vec<Option<(u64, u128)>>,
}

/// The numbers of the build report, replayed when the site is up to date.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StampedReport {
    pub projects: usize,
    pub runs: usize,
    pub files: usize,
    pub lines: u64,
    pub bytes: u64,
    pub pages_written: usize,
    pub warnings: Vec<Warning>,
    pub formats: Vec<(crate::model::Format, usize)>,
    pub skipped: Vec<crate::log::formats::Skipped>,
}

/// The stamp's path for a cache file.
pub fn stamp_path(cache: &Path) -> PathBuf {
    cache.with_extension("ahnb-stamp")
}

/// A digest of every input of a build except media (checked separately, once their paths are
/// known): the files found under LOGS with their content fingerprints, the configs and READMEs
/// next to them, the theme's files and the options.
/// `known` holds content hashes already computed (by the cache, while reading), by relative
/// path; the other files are hashed here.
pub fn inputs_digest(
    logs: &Path,
    files: &[LogFile],
    walk_warnings: &[Warning],
    theme: &[(&str, String)],
    options: &str,
    known: &std::collections::BTreeMap<String, (u64, u128)>,
) -> InputsDigest {
    // Whole contents: a same-length edit in the middle must make the site out of date.
    let fingerprints: Vec<Option<(u64, u128)>> = files
        .par_iter()
        .map(|file| match known.get(&file.relative) {
            Some(&hash) => Some(hash),
            None => content_hash(file),
        })
        .collect();
    let mut hasher = Fnv64::default();
    hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.write(options.as_bytes());
    for (path, content) in theme {
        hasher.write(path.as_bytes());
        hasher.write_u64(hash_bytes(content.as_bytes()));
    }
    for (file, fingerprint) in files.iter().zip(&fingerprints) {
        hasher.write(file.relative.as_bytes());
        let (len, hash) = fingerprint.unwrap_or_default();
        hasher.write_u64(len);
        hasher.write_u128(hash);
    }
    for warning in walk_warnings {
        hasher.write(warning.to_string().as_bytes());
    }
    // Configs and READMEs: at the top of LOGS and in every first-level folder.
    let mut folders = vec![logs.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(logs) {
        let mut subfolders: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        subfolders.sort();
        folders.extend(subfolders);
    }
    let boundary = crate::log::boundary::Boundary::new(logs);
    for folder in folders {
        for (name, kind) in [
            (crate::log::project_config::CONFIG_FILE, Kind::Config),
            (crate::log::readme::README_FILE, Kind::Readme),
        ] {
            // Through the boundary, as the build reads them: a FIFO named README.md must not
            // block the up-to-date check.
            let read = boundary
                .open(&folder.join(name), kind)
                .map(Input::read_to_end);
            if let Ok(Ok((bytes, _))) = read {
                hasher.write(name.as_bytes());
                hasher.write_u64(hash_bytes(&bytes));
            }
        }
    }
    InputsDigest {
        digest: hasher.finish(),
        logs: fingerprints,
    }
}

/// Hash of the site's marker (the list of files the build wrote), to notice a deleted site.
pub fn marker_hash(site: &Path) -> Option<u64> {
    std::fs::read(site.join(SITE_MARKER))
        .ok()
        .map(|bytes| hash_bytes(&bytes))
}

/// True when every file the marker lists is still in the site (a page deleted by hand means a
/// rebuild).
fn every_listed_file_exists(site: &Path) -> bool {
    let Ok(listing) = std::fs::read_to_string(site.join(SITE_MARKER)) else {
        return false;
    };
    let files: Vec<&str> = listing.lines().skip(1).collect();
    files
        .par_iter()
        .all(|relative| site.join(relative).is_file())
}

/// Length and hash of a media file, streamed. Only regular files: the pages skip anything else,
/// and opening a FIFO would block the build (a link to `/dev/zero` would never end).
fn media_fingerprint(path: &Path) -> Option<(u64, u64)> {
    use std::io::Read;
    if !std::fs::metadata(path).ok()?.is_file() {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = Fnv64::default();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut len = 0u64;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                hasher.write(&buffer[..n]);
                len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    Some((len, hasher.finish()))
}

/// The logs as they are on disk now (a `stat` each), before the build reads them.
pub fn stat_logs(files: &[LogFile]) -> Vec<LogStat> {
    let now = SystemTime::now();
    files
        .par_iter()
        .map(|f| {
            let metadata = std::fs::metadata(&f.path).ok();
            LogStat {
                relative: f.relative.clone(),
                len: metadata.as_ref().map_or(u64::MAX, |m| m.len()),
                now: metadata.as_ref().and_then(FileIdentity::of),
                settled: metadata.and_then(|m| FileIdentity::settled(&m, now)),
            }
        })
        .collect()
}

/// The logs as the stamp keeps them: their state before the build read them (`stats`) and
/// their hashes in the inputs' digest. A log whose hash is of another length than it had
/// before changed while the build ran, and gets no identity.
pub fn stamped_logs(stats: Vec<LogStat>, inputs: &InputsDigest) -> Vec<StampedLog> {
    stats
        .into_iter()
        .zip(&inputs.logs)
        .map(|(stat, fingerprint)| {
            let (len, hash) = fingerprint.unwrap_or_default();
            StampedLog {
                identity: stat
                    .settled
                    .filter(|_| fingerprint.is_some() && len == stat.len),
                relative: stat.relative,
                len: stat.len,
                hash,
            }
        })
        .collect()
}

/// `None` when the stamp cannot match: missing, of another format, or another set of logs or
/// lengths. Costs a `stat` per log, where [`inputs_digest`] reads every byte. Otherwise, the
/// hashes of the logs whose identity is the one the stamp recorded, which need not be read.
pub fn may_be_up_to_date(
    stamp_file: &Path,
    stats: &[LogStat],
) -> Option<std::collections::BTreeMap<String, (u64, u128)>> {
    let stamp = std::fs::read(stamp_file)
        .ok()
        .and_then(|bytes| postcard::from_bytes::<Stamp>(&bytes).ok())?;
    let same = stamp.format == STAMP_FORMAT
        && stamp.logs.len() == stats.len()
        && stamp
            .logs
            .iter()
            .zip(stats)
            .all(|(logged, stat)| logged.relative == stat.relative && logged.len == stat.len);
    same.then(|| {
        stamp
            .logs
            .into_iter()
            .zip(stats)
            .filter(|(logged, stat)| logged.identity.is_some() && logged.identity == stat.now)
            .map(|(logged, _)| (logged.relative, (logged.len, logged.hash)))
            .collect()
    })
}

/// The stamped report when the site at `site` is exactly what a build of these inputs writes.
pub fn up_to_date(stamp_file: &Path, inputs: u64, site: &Path) -> Option<StampedReport> {
    let bytes = std::fs::read(stamp_file).ok()?;
    let stamp: Stamp = postcard::from_bytes(&bytes).ok()?;
    let fresh = stamp.format == STAMP_FORMAT
        && stamp.inputs == inputs
        && marker_hash(site) == Some(stamp.marker)
        && every_listed_file_exists(site)
        && stamp
            .media
            .par_iter()
            .all(|(path, len, hash)| media_fingerprint(path) == Some((*len, *hash)));
    fresh.then_some(stamp.report)
}

/// Records a finished build. A stamp that cannot be written only costs the next build its
/// shortcut.
pub fn save(
    stamp_file: &Path,
    inputs: u64,
    logs: Vec<StampedLog>,
    site: &Path,
    media: Vec<PathBuf>,
    report: StampedReport,
) {
    let Some(marker) = marker_hash(site) else {
        return;
    };
    let media = media
        .into_par_iter()
        .filter_map(|path| media_fingerprint(&path).map(|(len, hash)| (path, len, hash)))
        .collect();
    let stamp = Stamp {
        format: STAMP_FORMAT,
        inputs,
        logs,
        marker,
        media,
        report,
    };
    if let Ok(bytes) = postcard::to_stdvec(&stamp) {
        let temporary = stamp_file.with_extension("tmp-stamp");
        if std::fs::write(&temporary, bytes).is_ok() {
            let _ = std::fs::rename(&temporary, stamp_file);
        }
    }
}
