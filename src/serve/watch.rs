//! Watches LOGS and rebuilds the site when a log changes: file events from `notify` (inotify,
//! FSEvents: nothing is polled, so an idle server costs no CPU), gathered until the folder has
//! been quiet for a moment, then one rebuild, then one update to every open page naming the
//! output files that changed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};

use super::live::Live;

/// How long LOGS must be quiet before a rebuild: a training step writes a few lines at once.
const QUIET: Duration = Duration::from_millis(50);
/// Longest wait for quiet: a log written without pause still reaches the page this often.
const MOST_WAITED: Duration = Duration::from_millis(300);

/// What a rebuild reports.
#[derive(Debug, Default)]
pub struct Rebuilt {
    /// One line for the terminal ("built 3 projects, 12 runs in 0.21 s").
    pub summary: String,
    /// Site paths (relative, `/`-separated) that were written or removed, when the build knows;
    /// `None` makes serve compare the site's files itself.
    pub changed: Option<Vec<String>>,
}

/// Rebuilds the site into the folder served; the error is printed and the old site kept.
pub type Rebuild = Box<dyn FnMut() -> Result<Rebuilt, String> + Send>;

/// The content digest of every file of a site, by relative path.
pub type SiteDigest = BTreeMap<String, u64>;

/// Digests every file under `site`.
pub fn digest_site(site: &Path) -> SiteDigest {
    walkdir::WalkDir::new(site)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(site).ok()?;
            let key = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let bytes = std::fs::read(e.path()).ok()?;
            Some((key, xxhash_rust::xxh3::xxh3_64(&bytes)))
        })
        .collect()
}

/// Paths that differ between two digests (added, changed or removed), sorted.
pub fn changed_paths(before: &SiteDigest, after: &SiteDigest) -> Vec<String> {
    let mut changed: Vec<String> = after
        .iter()
        .filter(|(path, digest)| before.get(*path) != Some(digest))
        .map(|(path, _)| path.clone())
        .collect();
    changed.extend(
        before
            .keys()
            .filter(|path| !after.contains_key(*path))
            .cloned(),
    );
    changed.sort();
    changed
}

/// Whether a file event can change what the site shows (reads, including the rebuild's own,
/// cannot).
fn matters(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Whether `path` lies in a hidden folder (or is a hidden file) below `root`: ahnb reads none of
/// those (a client's `.ahnb-spool`, `.git`), so a change there needs no rebuild.
fn hidden_within(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root).is_ok_and(|within| {
        within
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
    })
}

/// Starts watching `logs`; every change ends in a rebuild and an update sent through `live`.
/// The returned watcher must be kept: dropping it stops the watching.
pub fn start(
    logs: &Path,
    site: PathBuf,
    mut rebuild: Rebuild,
    live: Arc<Live>,
    quiet_output: bool,
) -> Result<notify::RecommendedWatcher, String> {
    let (sender, events) = mpsc::channel::<()>();
    // Watched by its canonical path, so that the paths of events start with it.
    let root = logs.canonicalize().unwrap_or_else(|_| logs.to_path_buf());
    let watched = root.clone();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let relevant = match &event {
            // An error from the watcher (an overflowed queue) may hide a change: rebuild to be sure.
            Err(_) => true,
            Ok(event) => {
                matters(&event.kind)
                    && (event.paths.is_empty()
                        || event.paths.iter().any(|p| !hidden_within(&root, p)))
            }
        };
        if relevant {
            let _ = sender.send(());
        }
    })
    .map_err(|e| format!("cannot watch '{}': {e}", logs.display()))?;
    watcher
        .watch(&watched, RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch '{}': {e}", logs.display()))?;
    // The site's digest while it is known; a build that lists its changes makes it stale.
    let mut digest = Some(digest_site(&site));
    std::thread::Builder::new()
        .name("ahnb-watch".into())
        .spawn(move || {
            // Blocks without a timeout while nothing happens.
            while events.recv().is_ok() {
                let first = Instant::now();
                loop {
                    let left = MOST_WAITED.saturating_sub(first.elapsed());
                    if left.is_zero() {
                        break;
                    }
                    match events.recv_timeout(QUIET.min(left)) {
                        Ok(()) => continue,
                        Err(mpsc::RecvTimeoutError::Timeout) => break,
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
                let started = Instant::now();
                match rebuild() {
                    Ok(rebuilt) => {
                        let changed = match rebuilt.changed {
                            Some(changed) => {
                                if !changed.is_empty() {
                                    digest = None;
                                }
                                changed
                            }
                            None => {
                                let after = digest_site(&site);
                                let changed = match &digest {
                                    Some(before) => changed_paths(before, &after),
                                    None => after.keys().cloned().collect(),
                                };
                                digest = Some(after);
                                changed
                            }
                        };
                        if !quiet_output {
                            eprintln!(
                                "rebuilt in {:.2} s: {} ({} {} changed)",
                                started.elapsed().as_secs_f64(),
                                rebuilt.summary,
                                changed.len(),
                                if changed.len() == 1 { "file" } else { "files" }
                            );
                        }
                        if !changed.is_empty() {
                            live.publish(changed);
                        }
                    }
                    Err(message) => {
                        eprintln!("error: rebuild failed, still serving the last site: {message}")
                    }
                }
            }
        })
        .map_err(|e| format!("cannot start the watcher thread: {e}"))?;
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_paths_lists_added_changed_and_removed_files() {
        let before: SiteDigest = [("a".into(), 1), ("b".into(), 2), ("c".into(), 3)].into();
        let after: SiteDigest = [("a".into(), 1), ("b".into(), 9), ("d".into(), 4)].into();
        assert_eq!(changed_paths(&before, &after), ["b", "c", "d"]);
        assert!(changed_paths(&after, &after).is_empty());
    }

    #[test]
    fn hidden_folders_of_logs_are_not_watched() {
        let root = Path::new("/logs");
        assert!(hidden_within(
            root,
            Path::new("/logs/.ahnb-spool/p/r.jsonl")
        ));
        assert!(hidden_within(root, Path::new("/logs/p/.r.jsonl.swp")));
        assert!(!hidden_within(root, Path::new("/logs/p/r.jsonl")));
        assert!(!hidden_within(root, Path::new("/elsewhere/.x")));
    }

    #[test]
    fn reads_do_not_trigger_rebuilds() {
        assert!(!matters(&EventKind::Access(AccessKind::Read)));
        assert!(!matters(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!matters(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(matters(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(matters(&EventKind::Modify(notify::event::ModifyKind::Any)));
        assert!(matters(&EventKind::Create(notify::event::CreateKind::File)));
    }
}
