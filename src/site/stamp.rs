//! The "up to date" check: a small stamp beside the site records a digest of everything a build
//! reads (the logs' content fingerprints, configs, READMEs, media, theme, options, ahnb's version)
//! and of the site it wrote. When both still match, the site is exactly what a new build would
//! write, so the build stops there: a second build over unchanged logs costs a walk and a few
//! hashes instead of a parse and a render.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::diag::Warning;
use crate::log::LogFile;
use crate::log::boundary::{Input, Kind};
use crate::log::cache::{Fnv64, content_hash, hash_bytes};
use crate::log::walk::SITE_MARKER;

const STAMP_FORMAT: u32 = 3;

/// What the last build read and reported.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Stamp {
    format: u32,
    inputs: u64,
    /// Every log's path and length, checked first: a log of another length means out of date
    /// without hashing anything (a grown log would otherwise be read once here and once more
    /// by the build).
    lengths: Vec<(String, u64)>,
    marker: u64,
    /// Media files the pages copied, with their length and content hash.
    media: Vec<(PathBuf, u64, u64)>,
    pub report: StampedReport,
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
) -> u64 {
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
    hasher.finish()
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

/// The logs' paths and lengths on disk now.
pub fn lengths(files: &[LogFile]) -> Vec<(String, u64)> {
    files
        .par_iter()
        .map(|f| {
            let len = std::fs::metadata(&f.path).map_or(u64::MAX, |m| m.len());
            (f.relative.clone(), len)
        })
        .collect()
}

/// False when the stamp cannot match: missing, of another format, or another set of logs or
/// lengths. Costs a `stat` per log, where [`inputs_digest`] reads every byte.
pub fn may_be_up_to_date(stamp_file: &Path, files: &[LogFile]) -> bool {
    let Some(stamp) = std::fs::read(stamp_file)
        .ok()
        .and_then(|bytes| postcard::from_bytes::<Stamp>(&bytes).ok())
    else {
        return false;
    };
    stamp.format == STAMP_FORMAT && stamp.lengths == lengths(files)
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
    lengths: Vec<(String, u64)>,
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
        lengths,
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
