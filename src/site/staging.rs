//! The staging folder's life around a build (see [`super::output`]): the folders of earlier,
//! killed builds are cleaned up before a build starts, and the finished one is swapped in for the
//! published site in one rename.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::log::walk::SITE_MARKER;

/// Suffix of the staging folder, after `.SITE`; the process id follows.
pub(super) const STAGING_TAG: &str = ".ahnb-tmp-";

/// Removes staging folders of earlier, killed builds of this site (recognized by name + marker),
/// leaving those of builds still running. A previous site parked by a killed two-rename swap
/// (see [`swap_in`]) is put back first when SITE is missing.
pub(super) fn remove_stale_staging(parent: &Path, name: &str, site: &Path) {
    let prefix = format!(".{name}{STAGING_TAG}");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut stale: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let Some(tag) = file_name.strip_prefix(&prefix) else {
                return false;
            };
            let pid = tag.split('.').next().unwrap_or_default();
            if process_is_alive(pid) {
                return false;
            }
            // A build killed between creating its staging folder and writing the marker (the
            // first thing it writes) leaves the folder empty: removed with `remove_dir`, which
            // never removes anything else.
            if !entry.path().join(SITE_MARKER).is_file() {
                let _ = fs::remove_dir(entry.path());
                return false;
            }
            true
        })
        .map(|entry| entry.path())
        .collect();
    stale.sort();
    if !site.exists() {
        if let Some(parked) = stale
            .iter()
            .find(|p| p.extension().is_some_and(|e| e == "ahnb-old"))
        {
            if fs::rename(parked, site).is_ok() {
                stale.retain(|p| p != site && p.exists());
            }
        }
    }
    for path in stale {
        let _ = fs::remove_dir_all(path);
    }
}

/// Whether the build that owns a staging folder may still be running. Unknown means alive, so
/// that a concurrent build's staging folder is never removed under it.
fn process_is_alive(pid: &str) -> bool {
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    if pid == std::process::id() {
        return false;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        proc.join(pid.to_string()).exists()
    } else {
        true
    }
}

/// Puts `staging` at `site`. With an existing site, the two are exchanged atomically where the
/// system allows (the old one is then in `staging`, removed when the writer drops).
pub(super) fn swap_in(staging: &Path, site: &Path) -> Result<()> {
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
    // Fallback: two renames. A kill between them leaves the old site parked at
    // `.<name>.ahnb-tmp-<pid>.ahnb-old`, which the next build puts back (remove_stale_staging).
    let old = staging.with_extension("ahnb-old");
    fs::rename(site, &old).map_err(|e| Error::write(site, e))?;
    if let Err(e) = fs::rename(staging, site) {
        let _ = fs::rename(&old, site);
        return Err(Error::write(site, e));
    }
    fs::rename(&old, staging).map_err(|e| Error::write(staging, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression (issue 12, class 9): a build killed after creating its staging folder and
    /// before writing the marker left the folder for good.
    #[test]
    fn an_empty_staging_folder_of_a_dead_build_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let dead = dir.path().join(".site.ahnb-tmp-999999998");
        let foreign = dir.path().join(".site.ahnb-tmp-999999997");
        fs::create_dir(&dead).unwrap();
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("notes.txt"), "not ahnb's").unwrap();
        remove_stale_staging(dir.path(), "site", &site);
        assert!(
            !dead.exists(),
            "the empty staging folder of a dead build stays"
        );
        assert!(
            foreign.join("notes.txt").is_file(),
            "a folder with files and no marker is kept"
        );
    }
}
