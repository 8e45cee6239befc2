//! Open handles of the folders a rebuild carries files between (the published site's and the
//! staging folder's), each opened once, so that checking and hard-linking a carried file are
//! calls on its name in a folder rather than walks of its whole path: a rebuild of a 1,000-run
//! project carries 1,000 pages, and the kernel resolved every component of both paths for each
//! `stat` and each `link`.
//!
//! Only an acceleration: where a folder cannot be opened, or off Unix, callers take the path.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[cfg(unix)]
type Handle = std::os::fd::OwnedFd;
#[cfg(not(unix))]
type Handle = ();

/// The folders under one root, opened as they are first asked for.
#[derive(Debug)]
pub(super) struct FolderHandles {
    root: PathBuf,
    open: Mutex<HashMap<String, Option<Arc<Handle>>>>,
}

/// A file as a folder handle and a name in it.
pub(super) struct InFolder<'a> {
    pub folder: Arc<Handle>,
    pub name: &'a str,
}

impl FolderHandles {
    pub fn new(root: &Path) -> Self {
        FolderHandles {
            root: root.to_path_buf(),
            open: Mutex::new(HashMap::new()),
        }
    }

    /// The file `relative` (a `/`-separated path under the root) as its folder's handle and its
    /// name; `None` when the folder cannot be opened (the caller uses the path instead).
    pub fn locate<'a>(&self, relative: &'a str) -> Option<InFolder<'a>> {
        let (folder, name) = relative.rsplit_once('/').unwrap_or(("", relative));
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let handle = match open.get(folder) {
            Some(handle) => handle.clone(),
            None => {
                let handle = open_folder(&self.root.join(folder)).map(Arc::new);
                open.insert(folder.to_owned(), handle.clone());
                handle
            }
        }?;
        Some(InFolder {
            folder: handle,
            name,
        })
    }
}

#[cfg(unix)]
fn open_folder(path: &Path) -> Option<Handle> {
    use rustix::fs::{Mode, OFlags};
    rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .ok()
}

#[cfg(not(unix))]
fn open_folder(_path: &Path) -> Option<Handle> {
    None
}
