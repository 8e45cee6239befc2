//! What the file system says about a file without reading it (device, inode, length, modification
//! and change times), trusted to stand for the content hashed last time only when the file had
//! settled before it was read: git's and cargo's shortcut, with git's guard against racy edits.
//!
//! Why it is sound: every write to a file, every `utimes`, `truncate` or rename over it sets its
//! change time (ctime) to the current time, and no call sets ctime to anything else. An identity is
//! recorded from a `stat` taken *before* the file is read, and only when its ctime and mtime lie
//! [`SETTLED`] or more in the past. Any change after that `stat` would set a ctime at least as late
//! as the `stat` itself (less the clock's granularity, which [`SETTLED`] exceeds by far), so an
//! identity that still matches later proves the content is the one that was read. A file changed
//! within [`SETTLED`] of a build (a log being written by a training job) is hashed as before.

use std::fs::Metadata;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

/// How long ago a file must have last changed for its identity to vouch for its content: far
/// longer than any file system's timestamp granularity (FAT's 2 s mtime aside, which ctime and the
/// inode check back up), short enough that a log finished a moment ago is trusted on the next
/// build.
pub const SETTLED: Duration = Duration::from_secs(2);

/// A file's identity: equal identities at two `stat`s mean the file was not written in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    device: u64,
    inode: u64,
    len: u64,
    modified_ns: i128,
    changed_ns: i128,
}

impl FileIdentity {
    /// The identity of the file `metadata` describes, to compare with a recorded one (`None`
    /// where the platform has no inode and change time).
    pub fn of(metadata: &Metadata) -> Option<FileIdentity> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ns = |secs: i64, nanos: i64| i128::from(secs) * 1_000_000_000 + i128::from(nanos);
            Some(FileIdentity {
                device: metadata.dev(),
                inode: metadata.ino(),
                len: metadata.len(),
                modified_ns: ns(metadata.mtime(), metadata.mtime_nsec()),
                changed_ns: ns(metadata.ctime(), metadata.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            None
        }
    }

    /// The identity to record for a file about to be read, `metadata` taken just now (at `now`):
    /// `None` when the file changed within [`SETTLED`] of `now`, or claims a time in the future
    /// of it, since a write in the same clock tick could leave the identity as it is.
    pub fn settled(metadata: &Metadata, now: SystemTime) -> Option<FileIdentity> {
        let identity = FileIdentity::of(metadata)?;
        let now_ns = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .ok()?
            .as_nanos()
            .try_into()
            .ok()?;
        let latest = identity.modified_ns.max(identity.changed_ns);
        (latest.checked_add(SETTLED.as_nanos() as i128)? < now_ns).then_some(identity)
    }

    /// True when `metadata` (taken now) shows the file as it was when this identity was recorded.
    pub fn still(&self, metadata: &Metadata) -> bool {
        FileIdentity::of(metadata).as_ref() == Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_just_written_is_not_settled_and_an_old_one_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        std::fs::write(&path, b"{}\n").unwrap();
        let metadata = std::fs::metadata(&path).unwrap();
        assert_eq!(FileIdentity::settled(&metadata, SystemTime::now()), None);
        // The same file seen from three seconds on: settled, and still itself.
        let later = SystemTime::now() + Duration::from_secs(3);
        let identity = FileIdentity::settled(&metadata, later).unwrap();
        assert!(identity.still(&std::fs::metadata(&path).unwrap()));
    }

    #[test]
    fn a_same_length_rewrite_with_the_old_mtime_restored_is_another_identity() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.jsonl");
        std::fs::write(&path, b"{\"loss\":1}\n").unwrap();
        let before = std::fs::metadata(&path).unwrap();
        let identity = FileIdentity::of(&before).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, b"{\"loss\":2}\n").unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(before.modified().unwrap()).unwrap();
        let after = std::fs::metadata(&path).unwrap();
        assert_eq!(after.len(), before.len());
        assert_eq!(after.modified().unwrap(), before.modified().unwrap());
        // The change time moved on with the write and the `utimes`.
        assert!(!identity.still(&after));
    }
}
