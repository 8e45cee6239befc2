//! Progress of a long build, shared between the library (which counts) and the command line
//! (which shows a bar on a terminal, or a plain line now and then in CI logs). The library never
//! prints: it only updates these counters.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counters updated while a build runs.
#[derive(Debug, Default)]
pub struct Progress {
    total_bytes: AtomicU64,
    done_bytes: AtomicU64,
    stage: Mutex<&'static str>,
}

impl Progress {
    pub fn new() -> Self {
        Progress::default()
    }

    /// Names the stage now running ("parse", "render", "write").
    pub fn set_stage(&self, stage: &'static str) {
        *self.stage.lock().unwrap_or_else(|e| e.into_inner()) = stage;
    }

    pub fn stage(&self) -> &'static str {
        *self.stage.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_total_bytes(&self, bytes: u64) {
        self.total_bytes.store(bytes, Ordering::Relaxed);
    }

    pub fn add_done_bytes(&self, bytes: u64) {
        self.done_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Bytes of logs read so far and in all.
    pub fn bytes(&self) -> (u64, u64) {
        (
            self.done_bytes.load(Ordering::Relaxed),
            self.total_bytes.load(Ordering::Relaxed),
        )
    }
}
