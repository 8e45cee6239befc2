//! The only code that touches the output folder.
//!
//! A build writes into a fresh folder beside SITE, then swaps it in with one atomic rename
//! (`renameat2(RENAME_EXCHANGE)` on Linux), so a failed or killed build leaves the previous site
//! as it was. A marker file at the top of every site lists the files ahnb wrote; ahnb refuses to
//! replace a non-empty folder without it, and carries over files it did not write.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::log::walk::SITE_MARKER;

/// Writes the files of one build into a staging folder, then publishes them.
pub struct SiteWriter {
    site: PathBuf,
    staging: PathBuf,
    written: Mutex<BTreeSet<String>>,
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
        let staging = parent.join(format!(".{name}.ahnb-tmp-{}", std::process::id()));
        remove_stale_staging(&parent, &name);
        fs::create_dir(&staging).map_err(|e| Error::write(&staging, e))?;
        let writer = SiteWriter {
            site,
            staging,
            written: Mutex::new(BTreeSet::new()),
        };
        // The marker goes first, so that a staging folder left by a killed build is recognizable.
        writer.write_raw(SITE_MARKER, b"")?;
        Ok(writer)
    }

    /// Where the site is published.
    pub fn site(&self) -> &Path {
        &self.site
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

    /// Copies a file into the site.
    pub fn copy(&self, relative: &str, source: &Path) -> Result<u64> {
        let target = self.target(relative)?;
        let bytes = fs::copy(source, &target).map_err(|e| Error::read(source, e))?;
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
            fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
        }
        Ok(target)
    }

    fn write_raw(&self, relative: &str, content: &[u8]) -> Result<()> {
        let target = self.target(relative)?;
        let mut file = fs::File::create(&target).map_err(|e| Error::write(&target, e))?;
        file.write_all(content)
            .map_err(|e| Error::write(&target, e))
    }

    /// Finishes the marker, carries over files of the old site that ahnb did not write, and swaps
    /// the new site in. Returns the number of files written.
    pub fn publish(self) -> Result<usize> {
        let written = std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()));
        let mut listing = String::from("ahnb site: files written by ahnb, one per line\n");
        for path in &written {
            listing.push_str(path);
            listing.push('\n');
        }
        let marker = self.staging.join(SITE_MARKER);
        fs::write(&marker, listing).map_err(|e| Error::write(&marker, e))?;

        if self.site.is_dir() {
            carry_over_foreign_files(&self.site, &self.staging, &written)?;
        }
        swap_in(&self.staging, &self.site)?;
        Ok(written.len())
    }
}

impl Drop for SiteWriter {
    fn drop(&mut self) {
        // After a failed build, the staging folder (ours, marked) goes; after `publish` it holds
        // the previous site, which goes too.
        if self.staging.join(SITE_MARKER).is_file() {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Removes staging folders of earlier, killed builds of this site (recognized by name + marker).
fn remove_stale_staging(parent: &Path, name: &str) {
    let prefix = format!(".{name}.ahnb-tmp-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        if file_name.starts_with(&prefix) && entry.path().join(SITE_MARKER).is_file() {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Reads the list of files a previous build wrote.
fn owned_files(site: &Path) -> BTreeSet<String> {
    fs::read_to_string(site.join(SITE_MARKER))
        .map(|text| text.lines().skip(1).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Copies every file of the old site that ahnb did not write (a CNAME, a hand-made page) into
/// the new one, so that replacing the site never deletes a user's file.
fn carry_over_foreign_files(site: &Path, staging: &Path, written: &BTreeSet<String>) -> Result<()> {
    let owned = owned_files(site);
    for entry in walkdir::WalkDir::new(site)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = crate::log::walk::relative_path(site, entry.path());
        if relative == SITE_MARKER || owned.contains(&relative) || written.contains(&relative) {
            continue;
        }
        let target = staging.join(&relative);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
        }
        fs::copy(entry.path(), &target).map_err(|e| Error::write(&target, e))?;
    }
    Ok(())
}

/// Puts `staging` at `site`. With an existing site, the two are exchanged atomically where the
/// system allows (the old one is then in `staging`, removed when the writer drops).
fn swap_in(staging: &Path, site: &Path) -> Result<()> {
    if !site.exists() {
        return fs::rename(staging, site).map_err(|e| Error::write(site, e));
    }
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, site, RenameFlags::EXCHANGE).is_ok() {
            return Ok(());
        }
    }
    // Fallback: two renames. A kill between them leaves the old site at `.<name>.ahnb-old`.
    let old = staging.with_extension("ahnb-old");
    fs::rename(site, &old).map_err(|e| Error::write(site, e))?;
    fs::rename(staging, site).map_err(|e| Error::write(site, e))?;
    fs::rename(&old, staging).map_err(|e| Error::write(staging, e))
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
