//! Finds the files under LOGS, in sorted order, without following a symbolic-link loop or a
//! link that leads out of LOGS, and without reading a site that ahnb wrote itself. Which of them
//! are logs, and of which format, is decided afterwards by `formats::detect`.
//!
//! LOGS is the boundary of what a build may read: a link committed next to the logs must not
//! pull `~/.ssh` or another project's logs into a published site (raw logs are copied into it).

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::boundary::{Boundary, Identity, Kind, one_path_per_file};
use crate::diag::{Warning, quote};

/// A file found under LOGS (a log, or a file of a run folder, or anything else).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogFile {
    /// Path on disk.
    pub path: PathBuf,
    /// Path relative to LOGS with `/` separators: stable across machines, used in output.
    pub relative: String,
    /// First folder under LOGS, if the file is inside one (the default project).
    pub folder: Option<String>,
    /// Gzip-compressed.
    pub gzip: bool,
    /// The ending that made it a JSON-lines log (".jsonl", ".jsonl.gz", ".json", ...); empty for
    /// files that are not.
    pub suffix: &'static str,
}

/// File name endings read as logs.
pub const LOG_SUFFIXES: [&str; 4] = [".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"];

/// A file ahnb writes at the top of every site; folders holding it are never read as logs.
pub const SITE_MARKER: &str = ".ahnb-site";

/// The run name a file gives when its header names none: the file name without its suffix.
pub fn stem_of(file_name: &str) -> &str {
    LOG_SUFFIXES
        .iter()
        .chain([".json", ".csv", ".log", ".tsv"].iter())
        .find_map(|suffix| file_name.strip_suffix(suffix))
        .unwrap_or(file_name)
}

/// True when a `.json` file's first line is a complete record of a training log: a header or
/// metrics record, or a bare line with a step-like key (`iteration`, `step`, ...) holding a number.
/// A pretty-printed document or a one-line config is not.
pub fn looks_like_json_lines(file: &LogFile) -> bool {
    // Through the read boundary: a file swapped for a FIFO since the walk must not block.
    let boundary = Boundary::of_file(&file.path, &file.relative);
    let Ok(Ok((head, _))) = boundary
        .open(&file.path, Kind::Sniff)
        .map(|input| input.read_to_end())
    else {
        return false;
    };
    let Some(first) = head
        .split(|&b| b == b'\n')
        .map(|line| line.trim_ascii())
        .find(|line| !line.is_empty())
    else {
        return false;
    };
    let Ok(text) = std::str::from_utf8(first) else {
        return false;
    };
    let normalized = super::json::normalize_nonfinite(text.trim_start_matches('\u{feff}'));
    let Ok(record) = super::json::parse_record(&normalized) else {
        return false;
    };
    match record.kind.as_deref() {
        Some(kind) => matches!(kind, "header" | "metrics"),
        None => record.fields.iter().any(|(key, value)| {
            super::record::STEP_KEYS.contains(&key.as_ref())
                && matches!(
                    super::json::raw_scalar(value),
                    super::json::Scalar::Number(_)
                )
        }),
    }
}

/// Names of files worth a warning when they cannot be read (a FIFO named like a log, a link
/// leaving LOGS): logs and the documents of other tools' run folders. Other files are passed
/// over silently.
fn worth_a_warning(name: &str) -> bool {
    LOG_SUFFIXES.iter().any(|s| name.ends_with(s))
        || [".json", ".csv", ".tsv", ".yaml"]
            .iter()
            .any(|s| name.ends_with(s))
        || name.starts_with("events.out.tfevents.")
}

/// Lists the regular files under `root`, sorted by path, with warnings for what could not be
/// walked.
pub fn find_files(root: &Path) -> (Vec<LogFile>, Vec<Warning>) {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let boundary = Boundary::new(root);
    let inside = boundary.root().to_path_buf();
    let mut leaving = Vec::new();
    // Folders already walked, by identity: a bind mount or a chain of links inside LOGS leads
    // to a folder again without a loop that walkdir would see, and could multiply the walk.
    let mut walked_folders: std::collections::BTreeSet<Identity> = Default::default();
    let mut folder_again = Vec::new();
    let mut linked_folders = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            if entry.depth() == 0 {
                walked_folders.extend(super::boundary::identity_of(entry.path()));
                return true;
            }
            if entry.path_is_symlink()
                && !entry
                    .path()
                    .canonicalize()
                    .is_ok_and(|target| target.starts_with(&inside))
            {
                // Only what would have been read is worth a warning: folders and logs.
                let name = entry.file_name().to_string_lossy();
                if entry.file_type().is_dir() || worth_a_warning(&name) {
                    leaving.push(relative_path(root, entry.path()));
                }
                return false;
            }
            if !entry.file_type().is_dir() {
                return true;
            }
            if entry.path_is_symlink()
                && let Ok(target) = entry.path().canonicalize()
                && walked_directly(&inside, &target)
            {
                // Read under its own path already: following the link would read it twice
                // (or, for links to links, 2^n times).
                linked_folders.push((
                    relative_path(root, entry.path()),
                    relative_path(&inside, &target),
                ));
                return false;
            }
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if hidden || entry.path().join(SITE_MARKER).exists() {
                return false;
            }
            match super::boundary::identity_of(entry.path()) {
                Ok(identity) if !walked_folders.insert(identity) => {
                    folder_again.push(relative_path(root, entry.path()));
                    false
                }
                _ => true,
            }
        });
    // Whether each folder on the way down to the current entry was reached through a link, by
    // depth (LOGS itself counts as resolved): a file reached without any is known to resolve to
    // LOGS joined with its relative path.
    let mut through_link: Vec<bool> = Vec::new();
    let mut direct = Vec::new();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error
                    .path()
                    .map(|p| relative_path(root, p))
                    .unwrap_or_default();
                let message = if error.loop_ancestor().is_some() {
                    "symbolic link loop; not followed".to_owned()
                } else {
                    format!(
                        "cannot be read: {}",
                        error
                            .io_error()
                            .map_or(error.to_string(), |e| e.to_string())
                    )
                };
                warnings.push(Warning::at_file(&path, message));
                continue;
            }
        };
        let linked = entry.depth() > 0
            && (entry.path_is_symlink() || through_link.get(entry.depth() - 1) == Some(&true));
        if entry.file_type().is_dir() {
            through_link.truncate(entry.depth());
            through_link.push(linked);
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let suffix = LOG_SUFFIXES
            .iter()
            .find(|s| name.ends_with(*s))
            .copied()
            .unwrap_or("");
        let relative = relative_path(root, entry.path());
        if !entry.file_type().is_file() {
            if !worth_a_warning(&name) {
                continue;
            }
            // Opening a FIFO would block the build until something writes to it.
            warnings.push(Warning::at_file(
                &relative,
                "not a regular file (a FIFO, socket or device); not read",
            ));
            continue;
        }
        let folder =
            (entry.depth() > 1).then(|| relative.split('/').next().unwrap_or_default().to_owned());
        if name.contains(['\n', '\r']) {
            warnings.push(Warning::at_file(
                &relative,
                format!("file name {} has a line break", quote(&name)),
            ));
        }
        direct.push(!linked);
        files.push(LogFile {
            path: entry.path().to_path_buf(),
            relative,
            folder,
            gzip: suffix.ends_with(".gz"),
            suffix,
        });
    }
    warnings.extend(leaving.into_iter().map(|path| {
        Warning::at_file(
            &path,
            "symbolic link leads outside the log folder; not followed",
        )
    }));
    warnings.extend(folder_again.into_iter().map(|path| {
        Warning::at_file(
            &path,
            "the same folder as one already read (a link or mount); not read again",
        )
    }));
    warnings.extend(linked_folders.into_iter().map(|(path, target)| {
        Warning::at_file(
            &path,
            format!(
                "link to the folder {}, which is read under its own path; not followed",
                quote(&target)
            ),
        )
    }));
    let files: Vec<(LogFile, bool)> = files.into_iter().zip(direct).collect();
    let (files, again) = one_path_per_file(&boundary, files, |(f, direct)| {
        (f.path.as_path(), f.relative.as_str(), *direct)
    });
    let files = files.into_iter().map(|(file, _)| file).collect();
    // Every file is listed once; only logs are worth a warning about their other paths.
    warnings.extend(
        again
            .into_iter()
            .filter(|w| worth_a_warning(w.path.rsplit('/').next().unwrap_or(&w.path))),
    );
    (files, warnings)
}

/// True when the walk reaches `target` (a resolved folder) without links: it is inside `inside`
/// (LOGS, resolved), and neither it nor a folder above it is hidden or a site.
fn walked_directly(inside: &Path, target: &Path) -> bool {
    let Ok(within) = target.strip_prefix(inside) else {
        return false;
    };
    let hidden = within
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    !hidden
        && !target
            .ancestors()
            .take_while(|a| a.starts_with(inside) && *a != inside)
            .any(|a| a.join(SITE_MARKER).exists())
}

/// `path` relative to `root`, with `/` separators; non-UTF-8 names are shown lossily.
pub fn relative_path(root: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_drop_log_suffixes() {
        assert_eq!(stem_of("run-1.jsonl"), "run-1");
        assert_eq!(stem_of("run.jsonl.gz"), "run");
        assert_eq!(stem_of("a.ndjson"), "a");
    }

    #[test]
    fn finds_files_sorted_and_skips_hidden_folders_and_sites() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in [
            "b/2.jsonl",
            "b/1.ndjson",
            "a/x/deep.jsonl.gz",
            "top.jsonl",
            ".git/h.jsonl",
            "s/notes.txt",
        ] {
            let full = root.join(path);
            std::fs::create_dir_all(full.parent().unwrap()).unwrap();
            std::fs::write(full, "").unwrap();
        }
        std::fs::create_dir_all(root.join("site")).unwrap();
        std::fs::write(root.join("site").join(SITE_MARKER), "").unwrap();
        std::fs::write(root.join("site/r.jsonl"), "").unwrap();
        std::fs::write(
            root.join("b/metrics.json"),
            "{\"iteration\": 19, \"loss\": 1.5}\n",
        )
        .unwrap();
        std::fs::write(root.join("b/summary.json"), "{\n  \"loss\": 1.5\n}\n").unwrap();
        let (files, warnings) = find_files(root);
        let found: Vec<_> = files
            .iter()
            .map(|f| (f.relative.as_str(), f.folder.as_deref(), f.suffix))
            .collect();
        assert_eq!(
            found,
            [
                ("a/x/deep.jsonl.gz", Some("a"), ".jsonl.gz"),
                ("b/1.ndjson", Some("b"), ".ndjson"),
                ("b/2.jsonl", Some("b"), ".jsonl"),
                ("b/metrics.json", Some("b"), ""),
                ("b/summary.json", Some("b"), ""),
                ("s/notes.txt", Some("s"), ""),
                ("top.jsonl", None, ".jsonl"),
            ]
        );
        assert!(warnings.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn follows_links_inside_logs_only_and_skips_special_files() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(logs.join("p")).unwrap();
        std::fs::write(logs.join("p/real.jsonl"), "").unwrap();
        std::fs::write(dir.path().join("secret.jsonl"), "").unwrap();
        symlink("real.jsonl", logs.join("p/alias.jsonl")).unwrap();
        symlink("../../secret.jsonl", logs.join("p/out.jsonl")).unwrap();
        symlink("../..", logs.join("p/up")).unwrap();
        symlink(".", logs.join("p/loop")).unwrap();
        let fifo = logs.join("p/fifo.jsonl");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let (files, warnings) = find_files(&logs);
        let found: Vec<_> = files.iter().map(|f| f.relative.as_str()).collect();
        // The alias leads to the same file: read once, under its own name.
        assert_eq!(found, ["p/real.jsonl"]);
        let mut shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        shown.sort();
        assert_eq!(
            shown,
            [
                "p/alias.jsonl: the same file as 'p/real.jsonl' (a link, hard link or mount); read once, as that",
                "p/fifo.jsonl: not a regular file (a FIFO, socket or device); not read",
                "p/loop: symbolic link loop; not followed",
                "p/out.jsonl: symbolic link leads outside the log folder; not followed",
                "p/up: symbolic link leads outside the log folder; not followed",
            ]
        );
    }

    /// The walk tells a path without links from one through a folder link without resolving
    /// either (a dozen system calls a file): of two paths to one file, the one without a link is
    /// kept, however deep under the link the other lies and whichever sorts first.
    #[cfg(unix)]
    #[test]
    fn of_two_paths_to_a_file_the_one_without_a_link_is_kept() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path();
        std::fs::create_dir_all(logs.join(".store/sub/deeper")).unwrap();
        std::fs::write(logs.join(".store/sub/deeper/run.jsonl"), "").unwrap();
        symlink(".store", logs.join("a-link")).unwrap();
        std::fs::create_dir_all(logs.join("b/c")).unwrap();
        std::fs::hard_link(
            logs.join(".store/sub/deeper/run.jsonl"),
            logs.join("b/c/run.jsonl"),
        )
        .unwrap();
        std::fs::write(logs.join("b/other.jsonl"), "").unwrap();
        let (files, warnings) = find_files(logs);
        let found: Vec<_> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(found, ["b/c/run.jsonl", "b/other.jsonl"]);
        let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "a-link/sub/deeper/run.jsonl: the same file as 'b/c/run.jsonl' (a link, hard link or mount); read once, as that"
            ]
        );
    }

    /// Regression (issue 12, class 3): folder links inside LOGS, each leading to the next, made
    /// 2^n paths to one log (131,071 runs from one file), and hard links read a log twice.
    #[cfg(unix)]
    #[test]
    fn a_file_reachable_by_many_paths_is_found_once() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path();
        let depth = 12;
        std::fs::create_dir_all(logs.join(format!("chain/d{depth:02}"))).unwrap();
        std::fs::write(logs.join(format!("chain/d{depth:02}/leaf.jsonl")), "").unwrap();
        for i in 0..depth {
            let folder = logs.join(format!("chain/d{i:02}"));
            std::fs::create_dir_all(&folder).unwrap();
            for branch in ["a", "b"] {
                symlink(format!("../d{:02}", i + 1), folder.join(branch)).unwrap();
            }
        }
        std::fs::create_dir_all(logs.join("p")).unwrap();
        std::fs::write(logs.join("p/run.jsonl"), "").unwrap();
        std::fs::hard_link(logs.join("p/run.jsonl"), logs.join("p/hard.jsonl")).unwrap();
        // A link into a hidden folder is the only way to its logs: followed.
        std::fs::create_dir_all(logs.join(".runs/x")).unwrap();
        std::fs::write(logs.join(".runs/x/h.jsonl"), "").unwrap();
        symlink(".runs/x", logs.join("x")).unwrap();
        let (files, warnings) = find_files(logs);
        let found: Vec<_> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(found, ["chain/d12/leaf.jsonl", "p/hard.jsonl", "x/h.jsonl"]);
        let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert!(shown.contains(
            &"p/run.jsonl: the same file as 'p/hard.jsonl' (a link, hard link or mount); read once, as that"
                .to_owned()
        ));
        assert!(shown.contains(
            &"chain/d00/a: link to the folder 'chain/d01', which is read under its own path; not followed"
                .to_owned()
        ));
        assert_eq!(shown.len(), 2 * depth + 1, "{shown:#?}");
    }
}
