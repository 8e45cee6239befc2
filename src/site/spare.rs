//! The previous site, kept beside SITE after a rebuild (`.SITE.ahnb-spare`) to be the next
//! rebuild's staging folder. A rebuild hard-links every unchanged page into a fresh staging folder
//! and then deletes the previous site: two changes to a folder per page, 2,000 for a 1,000-run
//! project whose one run grew, most of the rebuild on ext4. The previous site already holds
//! those pages, as the very files the published site links (the last build carried them over):
//! starting from it, a rebuild touches only what changed.
//!
//! Nothing in a spare is trusted: a page it holds is kept only when it is the same file (inode,
//! length, modification time) as the published page the manifest vouches for; everything else is
//! written afresh (a new file, never through a file the published site shares) or removed before
//! the swap. A spare that holds anything ahnb did not write there (a link, a file its marker does
//! not list) loses it when adopted, and a spare with a link in it is not adopted at all.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::carry::owned_files;
use crate::log::walk::{SITE_MARKER, relative_path};

/// Suffix of the spare, after `.SITE`.
const SPARE_TAG: &str = ".ahnb-spare";

/// Where the spare of the site `name` in `parent` lives.
pub(super) fn spare_path(parent: &Path, name: &str) -> PathBuf {
    parent.join(format!(".{name}{SPARE_TAG}"))
}

/// Moves the spare to `staging` (one rename: of two builds at once, one gets it) and returns the
/// files of ahnb's it holds, having removed anything else; `None` when there is no spare, when it
/// is not ahnb's, or when it holds a link (then it is removed, and `staging` does not exist).
pub(super) fn adopt(spare: &Path, staging: &Path) -> Option<BTreeSet<String>> {
    if !spare.join(SITE_MARKER).is_file() || fs::rename(spare, staging).is_err() {
        return None;
    }
    let listed = owned_files(staging);
    let mut kept = BTreeSet::new();
    // Contents first, so that a folder emptied by the removals is itself removed: ahnb never
    // writes an empty folder, and the next build would take one for the user's.
    for entry in walkdir::WalkDir::new(staging)
        .min_depth(1)
        .contents_first(true)
    {
        let Ok(entry) = entry else {
            return discard(staging);
        };
        if entry.path_is_symlink() {
            // Writing below a linked folder would write wherever it leads.
            return discard(staging);
        }
        let relative = relative_path(staging, entry.path());
        if entry.file_type().is_dir() {
            let _ = fs::remove_dir(entry.path());
        } else if relative == SITE_MARKER {
            continue;
        } else if entry.file_type().is_file() && listed.contains(&relative) {
            kept.insert(relative);
        } else if fs::remove_file(entry.path()).is_err() {
            return discard(staging);
        }
    }
    Some(kept)
}

fn discard(staging: &Path) -> Option<BTreeSet<String>> {
    let _ = fs::remove_dir_all(staging);
    None
}

/// Removes the files of an adopted spare that this build neither kept nor wrote, and the folders
/// that leaves empty, from the staging folder.
pub(super) fn remove_unused(staging: &Path, unused: &BTreeSet<String>) {
    let mut folders = BTreeSet::new();
    for relative in unused {
        let _ = fs::remove_file(staging.join(relative));
        let mut parent = Path::new(relative.as_str()).parent();
        while let Some(folder) = parent.filter(|p| !p.as_os_str().is_empty()) {
            folders.insert(folder.to_path_buf());
            parent = folder.parent();
        }
    }
    // Deepest first; a folder that still holds something stays (`remove_dir` only removes empty
    // ones).
    for folder in folders.iter().rev() {
        let _ = fs::remove_dir(staging.join(folder));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(dir: &Path, files: &[&str]) {
        let mut listing = String::from("ahnb site: files written by ahnb, one per line\n");
        for file in files {
            let path = dir.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, file).unwrap();
            listing.push_str(file);
            listing.push('\n');
        }
        fs::write(dir.join(SITE_MARKER), listing).unwrap();
    }

    #[test]
    fn an_adopted_spare_keeps_only_its_listed_files() {
        let dir = tempfile::tempdir().unwrap();
        let spare = spare_path(dir.path(), "site");
        let staging = dir.path().join("staging");
        marked(&spare, &["index.html", "p/runs/a.html"]);
        fs::write(spare.join("CNAME"), "example.org").unwrap();
        fs::create_dir_all(spare.join("empty/deeper")).unwrap();
        let kept = adopt(&spare, &staging).expect("a spare of ahnb's is adopted");
        assert_eq!(
            kept.iter().map(String::as_str).collect::<Vec<_>>(),
            ["index.html", "p/runs/a.html"]
        );
        assert!(!spare.exists());
        assert!(
            !staging.join("CNAME").exists(),
            "the user's file is not ahnb's to keep"
        );
        assert!(!staging.join("empty").exists(), "nor is an empty folder");
        assert!(
            staging.join(SITE_MARKER).is_file(),
            "still marked as ahnb's"
        );

        remove_unused(&staging, &BTreeSet::from(["p/runs/a.html".to_owned()]));
        assert!(!staging.join("p").exists(), "a folder emptied goes too");
        assert!(staging.join("index.html").is_file());
    }

    #[cfg(unix)]
    #[test]
    fn a_spare_with_a_link_or_without_a_marker_is_not_adopted() {
        let dir = tempfile::tempdir().unwrap();
        let spare = spare_path(dir.path(), "site");
        let staging = dir.path().join("staging");
        marked(&spare, &["index.html"]);
        fs::create_dir(dir.path().join("elsewhere")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), spare.join("p")).unwrap();
        assert_eq!(adopt(&spare, &staging), None);
        assert!(!staging.exists() && !spare.exists(), "discarded");
        assert!(
            dir.path().join("elsewhere").is_dir(),
            "what the link led to is left"
        );

        fs::create_dir(&spare).unwrap();
        fs::write(spare.join("index.html"), "not ahnb's").unwrap();
        assert_eq!(adopt(&spare, &staging), None);
        assert!(
            spare.join("index.html").is_file(),
            "an unmarked folder is not touched"
        );
    }
}
