//! The only code that touches the output folder.
//!
//! A build writes into a fresh folder beside SITE, then swaps it in with one atomic rename
//! (`renameat2(RENAME_EXCHANGE)` on Linux), so a failed or killed build leaves the previous site
//! as it was. A marker file at the top of every site lists the files ahnb wrote; ahnb refuses to
//! replace a non-empty folder without it, and carries over everything it did not write (files,
//! symbolic links, empty folders). When a file it did not write stands where the new site needs
//! to write, or cannot be carried over, the build stops before the swap: nothing is lost.
//!
//! A rebuild also carries over ahnb's own files whose inputs did not change ([`SiteWriter::carry`],
//! hard links from the published site), so that it renders only what changed; the published
//! site's files are never written through, so a failed rebuild leaves them as they were. Its
//! staging folder is the site before the published one where one was kept (`site::spare`), so
//! that an unchanged page that is already there costs nothing.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::carry::{carry_over_foreign_files, link_or_copy, owned_files};
use super::folder_handles::FolderHandles;
use super::manifest::{FileIdentity, FileRecord, identity};
use super::staging::{STAGING_TAG, remove_stale_staging, swap_in};
use crate::error::{Error, Result};
use crate::log::walk::SITE_MARKER;

/// Writes the files of one build into a staging folder, then publishes them.
pub struct SiteWriter {
    site: PathBuf,
    staging: PathBuf,
    written: Mutex<BTreeSet<String>>,
    /// The files of `written` carried over from the published site rather than written.
    carried: Mutex<BTreeSet<String>>,
    /// Folders already created in the staging folder: a site of thousands of pages would
    /// otherwise ask the file system for each file's folder again.
    folders: Mutex<std::collections::HashSet<PathBuf>>,
    /// The published site's folders and the staging folder's, for carrying files by name.
    published_folders: FolderHandles,
    staging_folders: FolderHandles,
    /// Files of an adopted spare (the site before the published one, `site::spare`) that this
    /// build has not yet kept or written: what is left of them is removed before the swap.
    reused: Mutex<BTreeSet<String>>,
    /// Where the previous site is kept for the next build (`site::spare`).
    spare: PathBuf,
    /// Set once the staging folder, holding the previous site after the swap, is handed to a
    /// [`PreviousSite`] to remove: the writer's `Drop` then leaves it alone.
    handed_off: bool,
}

/// Refuses output folders that would damage the logs or a folder ahnb does not own.
pub fn check_output_folder(site: &Path, logs: &Path) -> Result<()> {
    let site_abs = absolute(site);
    let logs_abs = absolute(logs);
    let refuse = |reason: &str| {
        Err(Error::UnsafeOutput {
            site: site.to_path_buf(),
            reason: reason.to_owned(),
        })
    };
    if site_abs.parent().is_none() {
        return refuse("it is the root folder");
    }
    if std::env::var_os("HOME").is_some_and(|home| absolute(Path::new(&home)) == site_abs) {
        return refuse("it is the home folder");
    }
    if site_abs == logs_abs {
        return refuse("it is the log folder");
    }
    if logs_abs.starts_with(&site_abs) {
        return refuse("it contains the log folder");
    }
    if site_abs.is_dir() && !site_abs.join(SITE_MARKER).is_file() {
        let empty = fs::read_dir(&site_abs)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(Error::ForeignOutput(site.to_path_buf()));
        }
    } else if site_abs.exists() && !site_abs.is_dir() {
        return refuse("it is a file");
    }
    Ok(())
}

/// An absolute, normalized form of a path that may not exist yet: the longest existing ancestor
/// is canonicalized (resolving links), the rest appended.
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut existing = joined.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            let mut out = canonical;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return normalize(&out);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_owned());
                existing = parent;
            }
            _ => return normalize(&joined),
        }
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl SiteWriter {
    /// Prepares a staging folder beside `site`. Call [`check_output_folder`] first.
    pub fn create(site: &Path) -> Result<Self> {
        let site = absolute(site);
        let parent = site
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name = site
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        fs::create_dir_all(&parent).map_err(|e| Error::write(&parent, e))?;
        let staging = parent.join(format!(".{name}{STAGING_TAG}{}", std::process::id()));
        remove_stale_staging(&parent, &name, &site);
        let spare = super::spare::spare_path(&parent, &name);
        let reused = super::spare::adopt(&spare, &staging);
        let adopted = reused.is_some();
        if !adopted {
            fs::create_dir(&staging).map_err(|e| Error::write(&staging, e))?;
        }
        let writer = SiteWriter {
            site: site.clone(),
            staging: staging.clone(),
            written: Mutex::new(BTreeSet::new()),
            carried: Mutex::new(BTreeSet::new()),
            folders: Mutex::new(std::collections::HashSet::new()),
            published_folders: FolderHandles::new(&site),
            staging_folders: FolderHandles::new(&staging),
            reused: Mutex::new(reused.unwrap_or_default()),
            spare,
            handed_off: false,
        };
        // The marker goes first, so that a staging folder left by a killed build is recognizable
        // (an adopted spare has its own).
        if !adopted {
            writer.write_raw(SITE_MARKER, b"")?;
        }
        Ok(writer)
    }

    /// Writes one file, `relative` to the site root with `/` separators. Safe to call from
    /// several threads.
    pub fn write(&self, relative: &str, content: &[u8]) -> Result<()> {
        self.write_raw(relative, content)?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(relative.to_owned());
        Ok(())
    }

    /// Writes a file unless this build wrote it already (content-addressed files, which every
    /// writer would write with the same bytes). Returns whether it wrote.
    pub fn write_once(&self, relative: &str, content: &[u8]) -> Result<bool> {
        let first = self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(relative.to_owned());
        if first {
            self.write_raw(relative, content)?;
        }
        Ok(first)
    }

    /// Copies an input opened through the read boundary into the site; `source` names it in
    /// errors. Copies no more than the input's limit.
    pub fn copy(
        &self,
        relative: &str,
        source: &Path,
        input: crate::log::boundary::Input,
    ) -> Result<u64> {
        let target = self.target(relative)?;
        self.claim(relative);
        let mut file = create_new(&target)?;
        let bytes = std::io::copy(&mut input.into_reader(), &mut file)
            .map_err(|e| Error::read(source, e))?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(relative.to_owned());
        Ok(bytes)
    }

    fn target(&self, relative: &str) -> Result<PathBuf> {
        // Relative paths come from slugs, never from raw names; this guards the invariant.
        let safe = !relative.is_empty()
            && relative.split('/').all(|part| {
                !part.is_empty() && part != ".." && part != "." && !part.contains('\\')
            });
        if !safe {
            return Err(Error::write(
                &self.staging,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("unsafe output path {relative:?}"),
                ),
            ));
        }
        let target = self.staging.join(relative);
        if let Some(parent) = target.parent() {
            let known = self
                .folders
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(parent);
            if !known {
                fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
                self.folders
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(parent.to_path_buf());
            }
        }
        Ok(target)
    }

    fn write_raw(&self, relative: &str, content: &[u8]) -> Result<()> {
        let target = self.target(relative)?;
        self.claim(relative);
        // A new file, never written through one an adopted spare held (which the published
        // site may share).
        let mut file = create_new(&target)?;
        file.write_all(content)
            .map_err(|e| Error::write(&target, e))
    }

    /// A handle that writes like this writer and records which files one unit of output wrote.
    pub fn unit(&self) -> UnitWriter<'_> {
        UnitWriter {
            writer: self,
            files: Mutex::new(Vec::new()),
        }
    }

    /// Carries the files of an unchanged unit over from the published site, when every one of
    /// them is still the file the previous build recorded; returns false (carrying nothing)
    /// when one is not, and the unit must be rendered. A file another unit already wrote (media,
    /// named by content) is left as it is.
    pub fn carry(&self, files: &[FileRecord]) -> Result<Carried> {
        let unchanged = files
            .iter()
            .all(|file| self.published_identity(&file.path) == Some(file.identity));
        if !unchanged {
            return Ok(Carried::No);
        }
        let mut all_linked = true;
        for file in files {
            let first = self
                .written
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(file.path.clone());
            if !first {
                all_linked = false;
                continue;
            }
            let target = self.target(&file.path)?;
            if self.claim(&file.path) {
                if self.staging_identity(&file.path) == Some(file.identity) {
                    // The adopted spare holds the published file itself: nothing to do.
                    self.carried
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(file.path.clone());
                    continue;
                }
                fs::remove_file(&target).map_err(|e| Error::write(&target, e))?;
            }
            all_linked &= self.link_by_name(&file.path)
                || link_or_copy(&self.site.join(&file.path), &target)?;
            self.carried
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(file.path.clone());
        }
        Ok(match all_linked {
            true => Carried::Linked,
            false => Carried::Copied,
        })
    }

    /// Takes `relative` out of the files an adopted spare holds that this build has not dealt
    /// with; true when it was one of them.
    fn claim(&self, relative: &str) -> bool {
        self.reused
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(relative)
    }

    /// The identity of the staging folder's file `relative` (one an adopted spare held).
    fn staging_identity(&self, relative: &str) -> Option<FileIdentity> {
        #[cfg(unix)]
        if let Some(file) = self.staging_folders.locate(relative) {
            return super::manifest::identity_in(&file.folder, file.name);
        }
        identity(&self.staging.join(relative))
    }

    /// The identity of the published file `relative`, by name in its open folder where it can.
    fn published_identity(&self, relative: &str) -> Option<FileIdentity> {
        #[cfg(unix)]
        if let Some(file) = self.published_folders.locate(relative) {
            return super::manifest::identity_in(&file.folder, file.name);
        }
        identity(&self.site.join(relative))
    }

    /// Hard-links the published file `relative` into the staging folder (whose folder for it
    /// exists) by names in open folders; false when that cannot be done (the caller takes the
    /// paths).
    fn link_by_name(&self, relative: &str) -> bool {
        #[cfg(unix)]
        if let (Some(from), Some(to)) = (
            self.published_folders.locate(relative),
            self.staging_folders.locate(relative),
        ) {
            use rustix::fs::{AtFlags, linkat};
            return linkat(
                &from.folder,
                from.name,
                &to.folder,
                to.name,
                AtFlags::empty(),
            )
            .is_ok();
        }
        let _ = relative;
        false
    }

    /// Finishes the marker, carries over files of the old site that ahnb did not write, and swaps
    /// the new site in. Returns the number of files written. (Builds use
    /// [`SiteWriter::publish_leaving_previous`]; the writer's own tests use this.)
    #[cfg(test)]
    pub fn publish(self) -> Result<usize> {
        self.publish_leaving_previous(false)
            .map(|(published, _removed_on_drop)| published.files)
    }

    /// [`SiteWriter::publish`], telling which files changed. With `compare`, a file this build
    /// wrote counts as changed only when the previous site had no such file of ahnb's or had
    /// other bytes (a rebuild); without, every written file counts (a full render).
    ///
    /// The previous site (moved aside by the swap) is handed back for the caller to remove
    /// while it does other work: removing 1,000 pages is a serial stretch of every rebuild
    /// otherwise.
    pub fn publish_leaving_previous(mut self, compare: bool) -> Result<(Published, PreviousSite)> {
        let written = std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()));
        let carried = std::mem::take(&mut *self.carried.lock().unwrap_or_else(|e| e.into_inner()));
        let unused = std::mem::take(&mut *self.reused.lock().unwrap_or_else(|e| e.into_inner()));
        super::spare::remove_unused(&self.staging, &unused);
        let mut listing = String::from("ahnb site: files written by ahnb, one per line\n");
        for path in &written {
            listing.push_str(path);
            listing.push('\n');
        }
        let marker = self.staging.join(SITE_MARKER);
        fs::write(&marker, listing).map_err(|e| Error::write(&marker, e))?;

        let previous = if self.site.is_dir() {
            owned_files(&self.site)
        } else {
            BTreeSet::new()
        };
        let changed = || {
            use rayon::prelude::*;
            let rendered: Vec<&String> = written.difference(&carried).collect();
            let mut changed: Vec<String> = rendered
                .into_par_iter()
                .filter(|path| {
                    !compare
                        || !previous.contains(*path)
                        || !same_bytes(&self.site.join(path), &self.staging.join(path))
                })
                .cloned()
                .collect();
            changed.sort();
            changed
        };
        // The walk of the old site for the user's files, beside the comparison of the rendered
        // ones: each is a serial stretch of a rebuild otherwise.
        let foreign = || match self.site.is_dir() {
            true => carry_over_foreign_files(&self.site, &self.staging, &written),
            false => Ok(()),
        };
        let (changed, foreign) = rayon::join(changed, foreign);
        foreign?;
        let removed = previous
            .iter()
            .filter(|path| !written.contains(*path))
            .cloned()
            .collect();
        swap_in(&self.staging, &self.site)?;
        self.handed_off = true;
        let published = Published {
            files: written.len(),
            carried: carried.len(),
            changed,
            removed,
        };
        // Kept for the next build when it is mostly the files the new site links (this build
        // carried most of its pages over); else it would hold a second copy of the site.
        let keep = (published.carried * 2 >= published.files).then(|| self.spare.clone());
        let previous = PreviousSite {
            folder: Some(self.staging.clone()),
            keep_as: keep,
        };
        Ok((published, previous))
    }
}

/// The previous site, moved into the staging folder's place when the new one was swapped in
/// (after a first build there is none: the staging folder became the site). Kept as the next
/// build's spare or removed by [`PreviousSite::retire`], or when dropped.
#[must_use = "the previous site is retired when this is dropped"]
pub struct PreviousSite {
    folder: Option<PathBuf>,
    /// Where to keep it (`site::spare`), when it is worth keeping.
    keep_as: Option<PathBuf>,
}

impl PreviousSite {
    /// Keeps the previous site as the next build's spare, or removes it (a staging folder of
    /// ours, marked; anything else is left).
    pub fn retire(mut self) {
        self.retire_now();
    }

    fn retire_now(&mut self) {
        let Some(folder) = self.folder.take() else {
            return;
        };
        let kept = self.keep_as.take().is_some_and(|spare| {
            folder.join(SITE_MARKER).is_file()
                && !spare.exists()
                && fs::rename(&folder, &spare).is_ok()
        });
        if !kept {
            remove_marked_staging(&folder);
        }
    }
}

impl Drop for PreviousSite {
    fn drop(&mut self) {
        self.retire_now();
    }
}

/// Removes `folder` when it is a staging folder of ahnb's (marked).
fn remove_marked_staging(folder: &Path) {
    if folder.join(SITE_MARKER).is_file() {
        let _ = fs::remove_dir_all(folder);
    }
}

/// Whether a unit's files were carried over from the published site ([`SiteWriter::carry`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carried {
    /// A file is not the one the manifest describes: the unit is rendered.
    No,
    /// Every file hard-linked: the published files will be the very inodes checked, so their
    /// manifest records stand as they are.
    Linked,
    /// Carried, but some file copied (or put there by another unit): look its identity up again.
    Copied,
}

/// What publishing a site did.
#[derive(Debug, Clone, Default)]
pub struct Published {
    /// Files of ahnb's in the site (written or carried over).
    pub files: usize,
    /// Files carried over unchanged from the previous site.
    pub carried: usize,
    /// Files new or with other bytes than in the previous site, sorted.
    pub changed: Vec<String>,
    /// Files of ahnb's in the previous site that the new one does not have, sorted.
    pub removed: Vec<String>,
}

/// Writes the files of one unit of output through a [`SiteWriter`] and remembers their paths.
pub struct UnitWriter<'a> {
    writer: &'a SiteWriter,
    files: Mutex<Vec<String>>,
}

impl UnitWriter<'_> {
    fn record(&self, relative: &str) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(relative.to_owned());
    }

    /// See [`SiteWriter::write`].
    pub fn write(&self, relative: &str, content: &[u8]) -> Result<()> {
        self.writer.write(relative, content)?;
        self.record(relative);
        Ok(())
    }

    /// See [`SiteWriter::write_once`]; the file is the unit's whichever unit wrote it.
    pub fn write_once(&self, relative: &str, content: &[u8]) -> Result<bool> {
        let wrote = self.writer.write_once(relative, content)?;
        self.record(relative);
        Ok(wrote)
    }

    /// See [`SiteWriter::copy`].
    pub fn copy(
        &self,
        relative: &str,
        source: &Path,
        input: crate::log::boundary::Input,
    ) -> Result<u64> {
        let bytes = self.writer.copy(relative, source, input)?;
        self.record(relative);
        Ok(bytes)
    }

    /// The files the unit wrote, each once, in the order first written.
    pub fn finish(self) -> Vec<String> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut seen = std::collections::HashSet::new();
        files.retain(|f| seen.insert(f.clone()));
        files
    }
}

/// Creates a file that did not exist. A file already there (carried over from the published site
/// as a hard link) is unlinked first: writing through it would change the published site.
fn create_new(target: &Path) -> Result<fs::File> {
    let open = || {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(target)
    };
    match open() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            fs::remove_file(target).map_err(|e| Error::write(target, e))?;
            open().map_err(|e| Error::write(target, e))
        }
        other => other.map_err(|e| Error::write(target, e)),
    }
}

/// Whether two files hold the same bytes (false when either cannot be read). Compared a piece at
/// a time: reading both whole allocated (and page-faulted in) two buffers the size of a project
/// page for every page a rebuild rendered.
fn same_bytes(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    const PIECE: usize = 64 * 1024;
    let (Ok(mut fa), Ok(mut fb)) = (fs::File::open(a), fs::File::open(b)) else {
        return false;
    };
    let (Ok(ma), Ok(mb)) = (fa.metadata(), fb.metadata()) else {
        return false;
    };
    if ma.len() != mb.len() {
        return false;
    }
    let mut left = usize::try_from(ma.len()).unwrap_or(usize::MAX);
    let (mut x, mut y) = (vec![0u8; PIECE.min(left)], vec![0u8; PIECE.min(left)]);
    while left > 0 {
        let n = PIECE.min(left);
        let same = fa.read_exact(&mut x[..n]).is_ok()
            && fb.read_exact(&mut y[..n]).is_ok()
            && x[..n] == y[..n];
        if !same {
            return false;
        }
        left -= n;
    }
    // Neither grew meanwhile.
    matches!((fa.read(&mut [0]), fb.read(&mut [0])), (Ok(0), Ok(0)))
}

impl Drop for SiteWriter {
    fn drop(&mut self) {
        // After a failed build, the staging folder (ours, marked) goes; after `publish` it holds
        // the previous site, which goes too.
        if !self.handed_off {
            remove_marked_staging(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_compares_every_piece() {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name);
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(path("a"), &big).unwrap();
        fs::write(path("b"), &big).unwrap();
        assert!(same_bytes(&path("a"), &path("b")));
        let mut last = big.clone();
        *last.last_mut().unwrap() ^= 1;
        fs::write(path("c"), &last).unwrap();
        assert!(
            !same_bytes(&path("a"), &path("c")),
            "the last piece differs"
        );
        fs::write(path("d"), &big[..big.len() - 1]).unwrap();
        assert!(!same_bytes(&path("a"), &path("d")), "another length");
        fs::write(path("e"), b"").unwrap();
        fs::write(path("f"), b"").unwrap();
        assert!(same_bytes(&path("e"), &path("f")));
        assert!(!same_bytes(&path("a"), &path("missing")));
    }

    #[test]
    fn refuses_dangerous_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        fs::create_dir_all(logs.join("p")).unwrap();
        assert!(check_output_folder(&logs, &logs).is_err());
        assert!(check_output_folder(dir.path(), &logs).is_err());
        assert!(check_output_folder(Path::new("/"), &logs).is_err());
        assert!(check_output_folder(&dir.path().join("site"), &logs).is_ok());
        let foreign = dir.path().join("foreign");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("mine.txt"), "x").unwrap();
        assert!(matches!(
            check_output_folder(&foreign, &logs),
            Err(Error::ForeignOutput(_))
        ));
    }

    #[test]
    fn publishes_swaps_and_keeps_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let w = SiteWriter::create(&site).unwrap();
        w.write("index.html", b"one").unwrap();
        w.write("p/old.html", b"old").unwrap();
        w.publish().unwrap();
        fs::write(site.join("CNAME"), "example.org").unwrap();

        let w = SiteWriter::create(&site).unwrap();
        w.write("index.html", b"two").unwrap();
        w.publish().unwrap();
        assert_eq!(fs::read_to_string(site.join("index.html")).unwrap(), "two");
        assert_eq!(
            fs::read_to_string(site.join("CNAME")).unwrap(),
            "example.org"
        );
        assert!(
            !site.join("p/old.html").exists(),
            "stale pages of ours are removed"
        );
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    }

    #[test]
    fn a_failed_build_leaves_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let w = SiteWriter::create(&site).unwrap();
        w.write("index.html", b"one").unwrap();
        w.publish().unwrap();
        {
            let w = SiteWriter::create(&site).unwrap();
            w.write("index.html", b"half").unwrap();
            // dropped without publish
        }
        assert_eq!(fs::read_to_string(site.join("index.html")).unwrap(), "one");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn carries_over_links_and_empty_folders_and_refuses_to_overwrite_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let w = SiteWriter::create(&site).unwrap();
        w.write("index.html", b"one").unwrap();
        w.publish().unwrap();
        std::os::unix::fs::symlink("index.html", site.join("home.html")).unwrap();
        fs::create_dir_all(site.join("uploads/empty")).unwrap();
        let w = SiteWriter::create(&site).unwrap();
        w.write("index.html", b"two").unwrap();
        w.publish().unwrap();
        assert_eq!(
            fs::read_link(site.join("home.html")).unwrap(),
            Path::new("index.html")
        );
        assert!(site.join("uploads/empty").is_dir());

        // A hand-made page where the new site writes one: the build stops, the site stays.
        fs::create_dir_all(site.join("p")).unwrap();
        fs::write(site.join("p/index.html"), "mine").unwrap();
        let w = SiteWriter::create(&site).unwrap();
        w.write("index.html", b"three").unwrap();
        w.write("p/index.html", b"generated").unwrap();
        let error = w.publish().unwrap_err().to_string();
        assert!(error.contains("p/index.html"), "{error}");
        assert_eq!(
            fs::read_to_string(site.join("p/index.html")).unwrap(),
            "mine"
        );
        assert_eq!(fs::read_to_string(site.join("index.html")).unwrap(), "two");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no staging left"
        );
    }

    #[test]
    fn a_parked_site_is_put_back_and_live_staging_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        // What a build killed between the two renames of the fallback swap leaves.
        let parked = dir.path().join(".site.ahnb-tmp-999999999.ahnb-old");
        fs::create_dir_all(&parked).unwrap();
        fs::write(parked.join(SITE_MARKER), "").unwrap();
        fs::write(parked.join("CNAME"), "example.org").unwrap();
        // A staging folder of a build that is still running (this test process).
        let live = dir.path().join(".site.ahnb-tmp-1");
        fs::create_dir_all(&live).unwrap();
        fs::write(live.join(SITE_MARKER), "").unwrap();
        let w = SiteWriter::create(&site).unwrap();
        w.write("index.html", b"new").unwrap();
        w.publish().unwrap();
        assert_eq!(
            fs::read_to_string(site.join("CNAME")).unwrap(),
            "example.org"
        );
        assert!(live.is_dir() == Path::new("/proc/1").exists());
    }
}
