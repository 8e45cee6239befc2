//! The read boundary: the one way ahnb opens a file from LOGS (logs, media, READMEs, configs,
//! anything a reader adds). It takes a path and the kind of input, and returns the opened file
//! with its length and identity, or the reason it was refused.
//!
//! LOGS may hold anything anyone committed: a link to `~/.ssh/id_rsa` or `/proc/self/environ`,
//! a FIFO that blocks whoever opens it, `/dev/zero` that never ends, a 60 MB README. So a file is
//! opened only when it resolves (links followed) to a regular file inside LOGS, the open never
//! waits (`O_NONBLOCK`; the type is checked before and after opening), pseudo-files of `/proc` and
//! `/sys` are refused even when mounted inside LOGS, and every kind of input has a size limit.
//! Files are identified by device and inode, so that a log reachable by several paths (links,
//! hard links, bind mounts) is read once.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// What a file is read as; each kind has its own size limit (see [`Kind::limit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A log, streamed: read up to the limit, the rest ignored with a warning.
    Log,
    /// The first bytes of a file, to recognize its format.
    Sniff,
    /// An image copied into the site: refused over the limit.
    Media,
    /// SVG, HTML or text media embedded in a page: refused over the limit.
    InlineMedia,
    /// A project's `README.md`: shown up to the limit, with a warning.
    Readme,
    /// `ahnb.toml`: refused over the limit (a cut config would not mean what it says).
    Config,
}

const MIB: u64 = 1024 * 1024;

impl Kind {
    /// The most bytes read of one input of this kind.
    pub const fn limit(self) -> u64 {
        match self {
            // Streamed in constant memory; the limit bounds time (about 20 s a GiB on one core).
            Kind::Log => 8 * 1024 * MIB,
            Kind::Sniff => 64 * 1024,
            Kind::Media => 64 * MIB,
            // Embedded in a page, so every reader downloads it.
            Kind::InlineMedia => 4 * MIB,
            // Rendered to HTML and sanitized; ammonia's tree costs tens of bytes per input byte.
            Kind::Readme => MIB,
            Kind::Config => MIB,
        }
    }
}

/// The identity of a file: the same for every path that leads to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identity {
    pub device: u64,
    pub inode: u64,
}

/// Why a file was not opened. Displayed as the end of a warning about its path.
#[derive(Debug)]
pub enum Refusal {
    /// Missing, unreadable, a dangling link.
    Unreadable(std::io::Error),
    /// Resolves outside LOGS.
    Outside,
    /// A folder, FIFO, socket or device.
    NotRegular,
    /// A pseudo-file of `/proc` or `/sys` (regular by type, but endless or secret).
    Pseudo,
    /// Larger than the kind's limit, for kinds that are refused rather than cut.
    TooLarge { len: u64, limit: u64 },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Unreadable(e) => write!(f, "cannot be read: {e}"),
            Refusal::Outside => f.write_str("leads outside the log folder; not read"),
            Refusal::NotRegular => {
                f.write_str("not a regular file (a folder, FIFO, socket or device); not read")
            }
            Refusal::Pseudo => f.write_str("is a file of /proc or /sys; not read"),
            Refusal::TooLarge { len, limit } => {
                write!(f, "is {len} bytes, over the limit of {limit}; not read")
            }
        }
    }
}

/// A file opened inside the boundary.
#[derive(Debug)]
pub struct Input {
    pub file: File,
    /// Length when opened.
    pub len: u64,
    pub identity: Identity,
    /// The resolved path (no links), inside LOGS.
    pub resolved: PathBuf,
    limit: u64,
}

impl Input {
    /// True when the file is longer than its kind's limit: what is read of it stops there.
    pub fn over_limit(&self) -> bool {
        self.len > self.limit
    }

    /// The limit this input was opened with.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// A reader that stops at the limit.
    pub fn into_reader(self) -> std::io::Take<File> {
        let limit = self.limit;
        self.file.take(limit)
    }

    /// Everything up to the limit, and whether the file went on past it.
    pub fn read_to_end(self) -> std::io::Result<(Vec<u8>, bool)> {
        let limit = self.limit;
        let mut bytes = Vec::with_capacity(self.len.min(limit) as usize);
        // One byte more than the limit tells a file cut by the limit from one that fits exactly.
        self.file.take(limit + 1).read_to_end(&mut bytes)?;
        let cut = bytes.len() as u64 > limit;
        bytes.truncate(limit as usize);
        Ok((bytes, cut))
    }
}

/// LOGS, resolved once, through which every input is opened.
#[derive(Debug, Clone)]
pub struct Boundary {
    root: PathBuf,
}

impl Boundary {
    /// The boundary of the folder `logs` (resolved through links).
    pub fn new(logs: &Path) -> Boundary {
        Boundary {
            root: logs.canonicalize().unwrap_or_else(|_| logs.to_path_buf()),
        }
    }

    /// The boundary of the LOGS a file was found in, from its path on disk and its path relative
    /// to LOGS (as a run keeps them): for stages that get runs, not LOGS.
    pub fn of_file(path_on_disk: &Path, relative: &str) -> Boundary {
        let depth = relative.split('/').count();
        let logs = path_on_disk
            .ancestors()
            .nth(depth)
            .unwrap_or(Path::new("."));
        Boundary::new(logs)
    }

    /// LOGS, resolved.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// True when `path` resolves (links followed) to a place inside LOGS.
    pub fn contains(&self, path: &Path) -> bool {
        path.canonicalize()
            .is_ok_and(|resolved| resolved.starts_with(&self.root))
    }

    /// Opens `path` as an input of `kind`, if it is a regular file inside LOGS.
    pub fn open(&self, path: &Path, kind: Kind) -> Result<Input, Refusal> {
        self.open_limited(path, kind, kind.limit())
    }

    /// [`Boundary::open`] with another limit (tests use small ones).
    pub fn open_limited(&self, path: &Path, kind: Kind, limit: u64) -> Result<Input, Refusal> {
        let resolved = path.canonicalize().map_err(Refusal::Unreadable)?;
        if !resolved.starts_with(&self.root) {
            return Err(Refusal::Outside);
        }
        // Checked before opening: opening a device can act on it (a tape rewinds), and opening
        // a FIFO without O_NONBLOCK waits for a writer.
        let before = std::fs::metadata(&resolved).map_err(Refusal::Unreadable)?;
        if !before.is_file() {
            return Err(Refusal::NotRegular);
        }
        let file = open_nonblocking(&resolved).map_err(|e| {
            if is_symlink_error(&e) {
                // The last part became a link since it was resolved: a race, refused.
                Refusal::Outside
            } else {
                Refusal::Unreadable(e)
            }
        })?;
        // Checked again on what was opened, in case the path changed in between.
        let metadata = file.metadata().map_err(Refusal::Unreadable)?;
        if !metadata.is_file() {
            return Err(Refusal::NotRegular);
        }
        if is_pseudo_file(&file) {
            return Err(Refusal::Pseudo);
        }
        let identity = identity_of_metadata(&metadata);
        let len = metadata.len();
        if len > limit && matches!(kind, Kind::Media | Kind::InlineMedia | Kind::Config) {
            return Err(Refusal::TooLarge { len, limit });
        }
        Ok(Input {
            file,
            len,
            identity,
            resolved,
            limit,
        })
    }
}

/// The identity of the file `path` leads to (links followed), without opening it.
pub fn identity_of(path: &Path) -> std::io::Result<Identity> {
    std::fs::metadata(path).map(|m| identity_of_metadata(&m))
}

#[cfg(unix)]
fn identity_of_metadata(metadata: &std::fs::Metadata) -> Identity {
    use std::os::unix::fs::MetadataExt;
    Identity {
        device: metadata.dev(),
        inode: metadata.ino(),
    }
}

#[cfg(not(unix))]
fn identity_of_metadata(_metadata: &std::fs::Metadata) -> Identity {
    // Without inodes every file is its own identity: nothing is merged, nothing is lost.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    Identity {
        device: 0,
        inode: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    }
}

#[cfg(target_os = "linux")]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use rustix::fs::OFlags;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags((OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::NOCTTY).bits() as i32)
        .open(path)
}

#[cfg(not(target_os = "linux"))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(target_os = "linux")]
fn is_symlink_error(error: &std::io::Error) -> bool {
    error.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
}

#[cfg(not(target_os = "linux"))]
fn is_symlink_error(_error: &std::io::Error) -> bool {
    false
}

/// True for files of procfs and sysfs: regular files of length 0 that hold secrets
/// (`/proc/self/environ`) or never end, wherever they are mounted.
#[cfg(target_os = "linux")]
// `f_type`'s width differs between architectures; the casts are no-ops only on some.
#[allow(clippy::unnecessary_cast)]
fn is_pseudo_file(file: &File) -> bool {
    const SYSFS_MAGIC: i64 = 0x6265_6572;
    rustix::fs::fstatfs(file).is_ok_and(|fs| {
        let kind = fs.f_type as i64;
        kind == rustix::fs::PROC_SUPER_MAGIC as i64 || kind == SYSFS_MAGIC
    })
}

#[cfg(not(target_os = "linux"))]
fn is_pseudo_file(_file: &File) -> bool {
    false
}

/// Keeps one path per file: of the paths that lead to the same file (links, hard links, bind
/// mounts), the one without a link in it, else the first in the given (sorted) order. Returns
/// the kept items in their order and a warning for each path left out. `path_of` gives an item's
/// path on disk, its path relative to LOGS, and whether it was reached without a link (the walk
/// knows: such a path resolves to LOGS joined with the relative path, and is not resolved again,
/// which took a dozen system calls a file).
pub fn one_path_per_file<T>(
    boundary: &Boundary,
    items: Vec<T>,
    path_of: impl Fn(&T) -> (&Path, &str, bool),
) -> (Vec<T>, Vec<crate::diag::Warning>) {
    use std::collections::BTreeMap;
    let mut chosen: BTreeMap<Identity, (usize, bool)> = BTreeMap::new();
    let mut identities = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let (path, relative, without_links) = path_of(item);
        let resolved = match without_links {
            true => Ok(path.to_path_buf()),
            false => path.canonicalize(),
        };
        let Ok(resolved) = resolved else {
            identities.push(None);
            continue;
        };
        let Ok(identity) = identity_of(&resolved) else {
            identities.push(None);
            continue;
        };
        let direct = without_links || resolved == boundary.root.join(relative);
        identities.push(Some(identity));
        chosen
            .entry(identity)
            .and_modify(|(kept, kept_direct)| {
                if direct && !*kept_direct {
                    *kept = index;
                    *kept_direct = true;
                }
            })
            .or_insert((index, direct));
    }
    let relatives: Vec<String> = items.iter().map(|i| path_of(i).1.to_owned()).collect();
    let mut kept = Vec::with_capacity(items.len());
    let mut warnings = Vec::new();
    for (index, (item, identity)) in items.into_iter().zip(identities).enumerate() {
        match identity.map(|identity| chosen[&identity].0) {
            Some(keeper) if keeper != index => warnings.push(crate::diag::Warning::at_file(
                &relatives[index],
                format!(
                    "the same file as {} (a link, hard link or mount); read once, as that",
                    crate::diag::quote(&relatives[keeper])
                ),
            )),
            _ => kept.push(item),
        }
    }
    (kept, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf, Boundary) {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("logs");
        std::fs::create_dir_all(logs.join("p")).unwrap();
        std::fs::write(logs.join("p/run.jsonl"), "{\"loss\": 1}\n").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        let boundary = Boundary::new(&logs);
        (dir, logs, boundary)
    }

    #[test]
    fn opens_a_regular_file_inside_logs() {
        let (_dir, logs, boundary) = setup();
        let input = boundary.open(&logs.join("p/run.jsonl"), Kind::Log).unwrap();
        assert_eq!(input.len, 12);
        assert!(!input.over_limit());
        let (bytes, cut) = input.read_to_end().unwrap();
        assert_eq!((bytes.as_slice(), cut), (&b"{\"loss\": 1}\n"[..], false));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_links_out_folders_fifos_devices_and_proc() {
        use std::os::unix::fs::symlink;
        let (dir, logs, boundary) = setup();
        symlink(dir.path().join("secret.txt"), logs.join("p/out.jsonl")).unwrap();
        symlink("/proc/self/environ", logs.join("p/environ.jsonl")).unwrap();
        symlink("/dev/zero", logs.join("p/zero.png")).unwrap();
        symlink("run.jsonl", logs.join("p/alias.jsonl")).unwrap();
        let fifo = logs.join("p/fifo.jsonl");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let refusal = |path: &str| {
            boundary
                .open(&logs.join(path), Kind::Log)
                .map(|_| ())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            refusal("p/out.jsonl"),
            "leads outside the log folder; not read"
        );
        assert_eq!(
            refusal("p/environ.jsonl"),
            "leads outside the log folder; not read"
        );
        assert_eq!(
            refusal("p/zero.png"),
            "leads outside the log folder; not read"
        );
        // Never waits for a writer: this returns at once.
        assert_eq!(
            refusal("p/fifo.jsonl"),
            "not a regular file (a folder, FIFO, socket or device); not read"
        );
        assert_eq!(
            refusal("p"),
            "not a regular file (a folder, FIFO, socket or device); not read"
        );
        assert!(refusal("p/missing.jsonl").starts_with("cannot be read: No such file"));
        let alias = boundary
            .open(&logs.join("p/alias.jsonl"), Kind::Log)
            .unwrap();
        let real = boundary.open(&logs.join("p/run.jsonl"), Kind::Log).unwrap();
        assert_eq!(alias.identity, real.identity);
        assert_eq!(alias.resolved, real.resolved);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn refuses_proc_files_even_when_logs_holds_them() {
        // LOGS = /proc/self: its files resolve inside LOGS and are regular, yet hold the
        // environment; only the file-system type gives them away.
        let boundary = Boundary::new(Path::new("/proc/self"));
        let refusal = boundary
            .open(Path::new("/proc/self/environ"), Kind::Log)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(refusal.to_string(), "is a file of /proc or /sys; not read");
    }

    #[test]
    fn limits_cut_streams_and_refuse_whole_inputs() {
        let (_dir, logs, boundary) = setup();
        let path = logs.join("p/run.jsonl");
        let log = boundary.open_limited(&path, Kind::Log, 5).unwrap();
        assert!(log.over_limit());
        assert_eq!(log.read_to_end().unwrap(), (b"{\"los".to_vec(), true));
        let exact = boundary.open_limited(&path, Kind::Readme, 12).unwrap();
        assert!(!exact.read_to_end().unwrap().1);
        let refusal = boundary
            .open_limited(&path, Kind::Config, 5)
            .map(|_| ())
            .unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "is 12 bytes, over the limit of 5; not read"
        );
    }

    #[cfg(unix)]
    #[test]
    fn hard_links_share_an_identity() {
        let (_dir, logs, _boundary) = setup();
        std::fs::hard_link(logs.join("p/run.jsonl"), logs.join("p/hard.jsonl")).unwrap();
        assert_eq!(
            identity_of(&logs.join("p/run.jsonl")).unwrap(),
            identity_of(&logs.join("p/hard.jsonl")).unwrap()
        );
    }

    #[test]
    fn the_boundary_of_a_file_is_its_logs() {
        let (_dir, logs, boundary) = setup();
        let of_file = Boundary::of_file(&logs.join("p/run.jsonl"), "p/run.jsonl");
        assert_eq!(of_file.root(), boundary.root());
    }
}
