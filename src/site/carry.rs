//! Carrying files of the previous site into the new one: ahnb's own files whose unit did not
//! change (hard-linked, so that a rebuild of a 10,000-page site copies nothing), and everything
//! ahnb did not write (a CNAME, a hand-made page, a link, an empty folder), so that replacing the
//! site never deletes a user's file.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use crate::error::{Error, Result};
use crate::log::walk::SITE_MARKER;

/// Puts the file at `from` (in the published site) at `to` (in the staging folder): a hard link
/// where the file system allows, else a copy. Never writes through `from`'s inode. True when
/// linked.
pub(super) fn link_or_copy(from: &Path, to: &Path) -> Result<bool> {
    if fs::hard_link(from, to).is_ok() {
        return Ok(true);
    }
    fs::copy(from, to)
        .map(|_| false)
        .map_err(|e| Error::write(to, e))
}

/// Reads the list of files a previous build wrote.
pub(super) fn owned_files(site: &Path) -> BTreeSet<String> {
    fs::read_to_string(site.join(SITE_MARKER))
        .map(|text| text.lines().skip(1).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// Copies everything of the old site that ahnb did not write (a CNAME, a hand-made page, a link,
/// an empty folder) into the new one, so that replacing the site never deletes a user's file.
/// Fails, before anything is replaced, when such a file cannot be carried over or stands where
/// the new site writes (also when the two names differ only in case, on a case-insensitive disk).
pub(super) fn carry_over_foreign_files(
    site: &Path,
    staging: &Path,
    written: &BTreeSet<String>,
) -> Result<()> {
    let owned = owned_files(site);
    let refuse = |path: &Path, reason: &str| Error::Unowned {
        site: site.to_path_buf(),
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    for entry in walkdir::WalkDir::new(site).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(site).to_path_buf();
            let source = e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("walk failed"));
            Error::read(path, source)
        })?;
        let relative = crate::log::walk::relative_path(site, entry.path());
        let file_type = entry.file_type();
        let target = staging.join(&relative);
        if file_type.is_dir() {
            // ahnb never writes an empty folder, so an empty one is the user's.
            let empty = fs::read_dir(entry.path())
                .map_err(|e| Error::read(entry.path(), e))?
                .next()
                .is_none();
            if empty {
                fs::create_dir_all(&target).map_err(|e| Error::write(&target, e))?;
            }
            continue;
        }
        if file_type.is_file() && (relative == SITE_MARKER || owned.contains(&relative)) {
            continue;
        }
        if written.contains(&relative) || target.symlink_metadata().is_ok() {
            return Err(refuse(
                entry.path(),
                "the new site writes a file of that name",
            ));
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::write(parent, e))?;
        }
        if file_type.is_file() {
            fs::copy(entry.path(), &target).map_err(|e| Error::write(&target, e))?;
        } else if file_type.is_symlink() {
            copy_link(entry.path(), &target)?;
        } else {
            return Err(refuse(
                entry.path(),
                "it is a special file (a FIFO, socket or device)",
            ));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn copy_link(link: &Path, target: &Path) -> Result<()> {
    let points_to = fs::read_link(link).map_err(|e| Error::read(link, e))?;
    std::os::unix::fs::symlink(points_to, target).map_err(|e| Error::write(target, e))
}

#[cfg(not(unix))]
fn copy_link(link: &Path, _target: &Path) -> Result<()> {
    Err(Error::read(
        link,
        std::io::Error::other("symbolic links are not carried over here"),
    ))
}
