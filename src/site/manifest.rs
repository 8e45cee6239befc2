//! The manifest of the last build, beside the cache (`.SITE.ahnb-manifest`, never in LOGS or in
//! the site): for every unit of output its digest, the files it wrote and the warnings it gave.
//! A rebuild carries a unit's files over from the published site when its digest is unchanged
//! and each file is still the one the manifest describes (same length, inode and modification
//! time: a file rewritten by another build or by hand is never taken for ours). A missing or
//! corrupt manifest, or one of another version, theme or settings, means a full render.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::digest::Digest;
use crate::diag::Warning;

const MANIFEST_FORMAT: u32 = 1;

/// What the last build wrote, unit by unit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    format: u32,
    context: Digest,
    pub units: BTreeMap<String, UnitRecord>,
}

/// One unit of the last build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRecord {
    pub digest: Digest,
    /// Files relative to the site root, in the order written.
    pub files: Vec<FileRecord>,
    /// Warnings rendering the unit gave, replayed when it is carried over.
    pub warnings: Vec<Warning>,
}

/// A file as found in the published site just after the build.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRecord {
    pub path: String,
    pub identity: FileIdentity,
}

/// What tells a file apart from another written at the same path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    len: u64,
    inode: u64,
    modified_ns: i128,
}

/// The identity of a regular file (not following links); `None` for anything else.
pub fn identity(path: &Path) -> Option<FileIdentity> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    if !metadata.is_file() {
        return None;
    }
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
    #[cfg(not(unix))]
    let inode = 0;
    let modified_ns = metadata
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    Some(FileIdentity {
        len: metadata.len(),
        inode,
        modified_ns,
    })
}

/// [`identity`] of the file `name` in an open folder: the same fields from one `statat`, without
/// resolving the folder's path again.
#[cfg(unix)]
pub fn identity_in(folder: &std::os::fd::OwnedFd, name: &str) -> Option<FileIdentity> {
    use rustix::fs::{AtFlags, FileType};
    let stat = rustix::fs::statat(folder, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
    if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
        return None;
    }
    // As `Metadata::modified` then `duration_since(UNIX_EPOCH)`: a time before 1970 counts as 0.
    #[allow(clippy::unnecessary_cast)]
    let (seconds, nanos) = (stat.st_mtime as i64, stat.st_mtime_nsec as i64);
    let modified_ns = match seconds >= 0 {
        true => i128::from(seconds) * 1_000_000_000 + i128::from(nanos),
        false => 0,
    };
    Some(FileIdentity {
        len: stat.st_size as u64,
        inode: stat.st_ino as u64,
        modified_ns,
    })
}

/// The manifest's path for a cache file.
pub fn manifest_path(cache: &Path) -> PathBuf {
    cache.with_extension("ahnb-manifest")
}

/// The previous build's units, when the manifest exists, decodes, and was written by this
/// version of ahnb with the same theme and settings.
pub fn load(path: &Path, context: Digest) -> Option<Manifest> {
    let bytes = std::fs::read(path).ok()?;
    let manifest: Manifest = postcard::from_bytes(&bytes).ok()?;
    (manifest.format == MANIFEST_FORMAT && manifest.context == context).then_some(manifest)
}

/// A unit as this build left it: its digest, the files it wrote or carried over, its warnings.
#[derive(Debug, Clone)]
pub struct UnitDone {
    pub digest: Digest,
    pub files: Vec<String>,
    /// The files' records when they were carried over as hard links of files checked against
    /// them: the published files are those inodes, so they are not looked up again (a `stat`
    /// a file, 1,000 of them in a rebuild of a 1,000-run project). A file changed since the
    /// check fails the next build's check, which renders its unit again.
    pub records: Option<Vec<FileRecord>>,
    pub warnings: Vec<Warning>,
}

/// Records the units of a published site. Each file is looked up in the site as published; a
/// unit with a file that is not there is left out (it renders again next time). A manifest
/// that cannot be written only costs the next build a full render; the old one is removed first
/// so that it can never describe the new site.
pub fn save(path: &Path, context: Digest, site: &Path, units: BTreeMap<String, UnitDone>) {
    let _ = std::fs::remove_file(path);
    use rayon::prelude::*;
    let units: BTreeMap<String, UnitRecord> = units
        .into_par_iter()
        .filter_map(|(key, unit)| {
            let files = match unit.records {
                Some(records) => records,
                None => unit
                    .files
                    .into_iter()
                    .map(|file| {
                        let identity = identity(&site.join(&file))?;
                        Some(FileRecord {
                            path: file,
                            identity,
                        })
                    })
                    .collect::<Option<Vec<_>>>()?,
            };
            let record = UnitRecord {
                digest: unit.digest,
                files,
                warnings: unit.warnings,
            };
            Some((key, record))
        })
        .collect();
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        context,
        units,
    };
    if let Ok(bytes) = postcard::to_stdvec(&manifest) {
        let temporary = path.with_extension("tmp-manifest");
        if std::fs::write(&temporary, bytes).is_ok() {
            let _ = std::fs::rename(&temporary, path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(files: &[&str]) -> UnitDone {
        UnitDone {
            digest: 7,
            files: files.iter().map(|f| (*f).to_owned()).collect(),
            records: None,
            warnings: vec![Warning::at_file("p/a.jsonl", "w")],
        }
    }

    #[test]
    fn round_trips_and_refuses_other_contexts_and_corrupt_files() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("p")).unwrap();
        std::fs::write(site.join("p/index.html"), "page").unwrap();
        let path = dir.path().join(".site.ahnb-manifest");
        let units = BTreeMap::from([
            ("p/index.html".to_owned(), unit(&["p/index.html"])),
            ("p/runs/gone.html".to_owned(), unit(&["p/runs/gone.html"])),
        ]);
        save(&path, 42, &site, units);
        let manifest = load(&path, 42).expect("a manifest just written loads");
        assert_eq!(
            manifest.units.keys().collect::<Vec<_>>(),
            ["p/index.html"],
            "a unit whose file is missing is left out"
        );
        let record = &manifest.units["p/index.html"];
        assert_eq!(record.digest, 7);
        assert_eq!(record.files[0].path, "p/index.html");
        assert_eq!(
            Some(record.files[0].identity),
            identity(&site.join("p/index.html"))
        );
        assert_eq!(record.warnings.len(), 1);
        assert!(load(&path, 43).is_none(), "another theme or settings");
        std::fs::write(&path, b"\x01\x02garbage").unwrap();
        assert!(load(&path, 42).is_none(), "a corrupt manifest");
        assert!(load(&dir.path().join("missing"), 42).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn the_identity_in_a_folder_is_the_identity_of_the_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("runs")).unwrap();
        let file = dir.path().join("runs/a.html");
        std::fs::write(&file, "page").unwrap();
        std::os::unix::fs::symlink("a.html", dir.path().join("runs/link.html")).unwrap();
        let folder: std::os::fd::OwnedFd =
            std::fs::File::open(dir.path().join("runs")).unwrap().into();
        assert_eq!(identity_in(&folder, "a.html"), identity(&file));
        assert!(identity_in(&folder, "a.html").is_some());
        assert_eq!(
            identity_in(&folder, "link.html"),
            None,
            "a link is not a file"
        );
        assert_eq!(identity_in(&folder, "missing.html"), None);
    }

    #[test]
    fn a_rewritten_file_has_another_identity() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.html");
        std::fs::write(&file, "one").unwrap();
        let before = identity(&file).unwrap();
        // Same length, written again through a new inode as every build writes.
        let fresh = dir.path().join("b.html");
        std::fs::write(&fresh, "two").unwrap();
        std::fs::rename(&fresh, &file).unwrap();
        assert_ne!(identity(&file), Some(before));
        assert!(identity(dir.path()).is_none(), "a folder is not a file");
    }
}
