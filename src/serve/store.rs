//! The ingest side's only writer: appends checked batches to `LOGS/{project}/{run}.jsonl`, one
//! request at a time per file, and acknowledges nothing before it is on disk (written whole, then
//! `fsync`ed, with the folders that hold a new file). A batch that fails part-way is cut off
//! again, and a torn tail left by a crash (a kill during a write) is cut off the first time the
//! file is touched, so the log only ever holds whole lines.
//!
//! Offsets are byte lengths of the file. A client sends the offset it believes the file has; a
//! different one is a conflict carrying the real one, so a retried request is never stored twice.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use super::names::check_name;

/// What an append did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    pub lines: usize,
    /// The file's length after the append: the offset the next request should send.
    pub offset: u64,
}

/// Why an append stored nothing.
#[derive(Debug)]
pub enum AppendError {
    /// The client's offset was not the file's; `current` is.
    Conflict { current: u64 },
    /// The file system refused (full disk, permissions); nothing of the batch remains.
    Io(String),
}

/// Per file: whether its tail has been checked since this process started.
#[derive(Debug, Default)]
struct FileState {
    checked: bool,
}

/// The log folder as the ingest API sees it.
#[derive(Debug)]
pub struct LogStore {
    root: PathBuf,
    files: Mutex<HashMap<PathBuf, Arc<Mutex<FileState>>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding a file's lock leaves its state usable: the next request checks the
    // file's length again.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl LogStore {
    pub fn new(root: &Path) -> Self {
        LogStore {
            root: root.to_path_buf(),
            files: Mutex::new(HashMap::new()),
        }
    }

    /// The log of a run; the names must have passed [`super::names::check_name`].
    pub fn path_of(&self, project: &str, run: &str) -> PathBuf {
        self.root.join(project).join(format!("{run}.jsonl"))
    }

    fn state_of(&self, path: &Path) -> Arc<Mutex<FileState>> {
        Arc::clone(lock(&self.files).entry(path.to_path_buf()).or_default())
    }

    /// The offset a client should send next for a run (0 when it has no log yet). Cuts off a
    /// torn tail first, as an append would.
    pub fn offset(&self, project: &str, run: &str) -> Result<u64, String> {
        let path = self.path_of(project, run);
        let state = self.state_of(&path);
        let mut state = lock(&state);
        match OpenOptions::new().read(true).write(true).open(&path) {
            Ok(mut file) => current_length(&mut file, &path, &mut state),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(format!("cannot open '{}': {e}", path.display())),
        }
    }

    /// Every run the API could write to (`LOGS/{project}/{run}.jsonl` with valid names), sorted,
    /// with its file's length. A log another process is writing may end in an unfinished line;
    /// the offset of one run (`offset`) is the one to resume from.
    pub fn list(&self) -> Vec<(String, String, u64)> {
        let mut runs = Vec::new();
        let Ok(projects) = fs::read_dir(&self.root) else {
            return runs;
        };
        for project in projects.flatten() {
            let project_name = project.file_name().to_string_lossy().into_owned();
            if check_name("project", &project_name).is_err() {
                continue;
            }
            let Ok(files) = fs::read_dir(project.path()) else {
                continue;
            };
            for file in files.flatten() {
                let file_name = file.file_name().to_string_lossy().into_owned();
                let Some(run) = file_name.strip_suffix(".jsonl") else {
                    continue;
                };
                let Ok(metadata) = file.metadata() else {
                    continue;
                };
                if metadata.is_file() && check_name("run", run).is_ok() {
                    runs.push((project_name.clone(), run.to_owned(), metadata.len()));
                }
            }
        }
        runs.sort();
        runs
    }

    /// Appends `bytes` (whole lines, ending with a newline) when the file's length is
    /// `expected` (or whatever it is, when `None`), and returns once they are durable.
    pub fn append(
        &self,
        project: &str,
        run: &str,
        expected: Option<u64>,
        bytes: &[u8],
        lines: usize,
    ) -> Result<Appended, AppendError> {
        let path = self.path_of(project, run);
        let state = self.state_of(&path);
        // Held until the batch is durable: two requests to one run never interleave.
        let mut state = lock(&state);
        let (mut file, created) = open_for_append(&self.root, &path).map_err(AppendError::Io)?;
        let current = current_length(&mut file, &path, &mut state).map_err(AppendError::Io)?;
        let already = match expected {
            Some(offset) if offset != current => already_stored(&mut file, offset, current, bytes)
                .map_err(|e| AppendError::Io(format!("cannot read '{}': {e}", path.display())))?
                .ok_or(AppendError::Conflict { current })?,
            _ => 0,
        };
        let rest = &bytes[already..];
        if rest.is_empty() {
            return Ok(Appended {
                lines,
                offset: current,
            });
        }
        let written = file
            .seek(SeekFrom::Start(current))
            .and_then(|_| file.write_all(rest))
            .and_then(|()| file.sync_data());
        if let Err(e) = written {
            // Take back whatever part of the batch reached the file, so that it never holds
            // half a request.
            let _ = file.set_len(current).and_then(|()| file.sync_data());
            return Err(AppendError::Io(format!(
                "cannot write '{}': {e}",
                path.display()
            )));
        }
        if created {
            sync_folders(&self.root, &path).map_err(AppendError::Io)?;
        }
        Ok(Appended {
            lines,
            offset: current + rest.len() as u64,
        })
    }
}

/// How much of `bytes` the log already holds at `offset`, when a retry finds it there: all of
/// it (the answer to the first attempt was lost), or its first whole lines (the server was killed
/// while writing it, and the torn line was cut at restart). `None` when the log holds something
/// else there: a real conflict.
fn already_stored(
    file: &mut File,
    offset: u64,
    current: u64,
    bytes: &[u8],
) -> std::io::Result<Option<usize>> {
    if offset > current || current - offset > bytes.len() as u64 {
        return Ok(None);
    }
    let held = (current - offset) as usize;
    if held > 0 && bytes[held - 1] != b'\n' {
        return Ok(None);
    }
    let mut stored = vec![0u8; held];
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(&mut stored)?;
    Ok((stored == bytes[..held]).then_some(held))
}

/// Opens (creating when needed, with its project folder) the log for reading and writing.
fn open_for_append(root: &Path, path: &Path) -> Result<(File, bool), String> {
    let folder = path.parent().unwrap_or(root);
    if !folder.is_dir() {
        fs::create_dir_all(folder)
            .map_err(|e| format!("cannot create '{}': {e}", folder.display()))?;
    }
    let existed = path.exists();
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| format!("cannot open '{}': {e}", path.display()))?;
    Ok((file, !existed))
}

/// A new file is durable only once its name is: sync the project folder and LOGS.
fn sync_folders(root: &Path, path: &Path) -> Result<(), String> {
    for folder in [path.parent().unwrap_or(root), root] {
        if let Ok(handle) = File::open(folder) {
            handle
                .sync_all()
                .map_err(|e| format!("cannot sync '{}': {e}", folder.display()))?;
        }
    }
    Ok(())
}

/// The file's length once any torn tail is gone. The tail is looked at once per process: after
/// that, this process is the file's only writer and leaves whole lines.
fn current_length(file: &mut File, path: &Path, state: &mut FileState) -> Result<u64, String> {
    let length = file
        .metadata()
        .map_err(|e| format!("cannot read '{}': {e}", path.display()))?
        .len();
    if state.checked {
        return Ok(length);
    }
    let whole = whole_lines_length(file, length)
        .map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    if whole < length {
        file.set_len(whole)
            .and_then(|()| file.sync_data())
            .map_err(|e| format!("cannot cut the torn tail of '{}': {e}", path.display()))?;
        eprintln!(
            "ingest: cut {} bytes of an unfinished last line from '{}' (a write that was never acknowledged)",
            length - whole,
            path.display()
        );
    }
    state.checked = true;
    Ok(whole)
}

/// The length of the file up to and including its last newline (0 when it has none).
fn whole_lines_length(file: &mut File, length: u64) -> std::io::Result<u64> {
    const CHUNK: u64 = 64 * 1024;
    let mut end = length;
    let mut buffer = vec![0u8; CHUNK as usize];
    while end > 0 {
        let start = end.saturating_sub(CHUNK);
        let chunk = &mut buffer[..(end - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(chunk)?;
        if let Some(at) = chunk.iter().rposition(|&b| b == b'\n') {
            return Ok(start + at as u64 + 1);
        }
        end = start;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_with_offsets_and_refuses_a_stale_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = LogStore::new(dir.path());
        assert_eq!(store.offset("p", "r").unwrap(), 0);
        let first = store
            .append("p", "r", Some(0), b"{\"step\":1}\n", 1)
            .unwrap();
        assert_eq!(
            first,
            Appended {
                lines: 1,
                offset: 11
            }
        );
        // The same request again (a retry after a lost answer) is found stored, not copied.
        let again = store
            .append("p", "r", Some(0), b"{\"step\":1}\n", 1)
            .unwrap();
        assert_eq!(
            again,
            Appended {
                lines: 1,
                offset: 11
            }
        );
        // Other bytes at that offset are a conflict.
        match store.append("p", "r", Some(0), b"{\"step\":9}\n", 1) {
            Err(AppendError::Conflict { current }) => assert_eq!(current, 11),
            other => panic!("{other:?}"),
        }
        store.append("p", "r", None, b"{\"step\":2}\n", 1).unwrap();
        let text = fs::read_to_string(dir.path().join("p/r.jsonl")).unwrap();
        assert_eq!(text, "{\"step\":1}\n{\"step\":2}\n");
    }

    #[test]
    fn a_torn_tail_from_a_crash_is_cut_before_the_next_append() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("p")).unwrap();
        let path = dir.path().join("p/r.jsonl");
        fs::write(&path, "{\"step\":1}\n{\"step\":2,\"lo").unwrap();
        let store = LogStore::new(dir.path());
        assert_eq!(store.offset("p", "r").unwrap(), 11);
        let appended = store
            .append("p", "r", Some(11), b"{\"step\":2}\n", 1)
            .unwrap();
        assert_eq!(appended.offset, 22);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "{\"step\":1}\n{\"step\":2}\n"
        );
        // A file holding only a torn line is emptied.
        fs::write(dir.path().join("p/s.jsonl"), "{\"st").unwrap();
        assert_eq!(store.offset("p", "s").unwrap(), 0);
    }

    #[test]
    fn a_retry_of_a_batch_cut_by_a_crash_stores_only_its_missing_lines() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("p")).unwrap();
        let path = dir.path().join("p/r.jsonl");
        let batch = b"{\"step\":1}\n{\"step\":2}\n{\"step\":3}\n";
        // Killed after the first line and half of the second reached the file.
        fs::write(&path, &batch[..16]).unwrap();
        let store = LogStore::new(dir.path());
        let appended = store.append("p", "r", Some(0), batch, 3).unwrap();
        assert_eq!(
            appended,
            Appended {
                lines: 3,
                offset: batch.len() as u64
            }
        );
        assert_eq!(fs::read(&path).unwrap(), batch);
    }

    #[test]
    fn a_long_last_line_is_found_across_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let mut text = String::from("{}\n");
        text.push_str(&"x".repeat(200_000));
        fs::write(&path, &text).unwrap();
        let mut file = File::open(&path).unwrap();
        assert_eq!(whole_lines_length(&mut file, text.len() as u64).unwrap(), 3);
    }
}
