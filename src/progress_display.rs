//! Shows a build's progress: an indicatif bar when stderr is a terminal, a plain line every few
//! seconds when it is not (CI logs), nothing for builds that finish within a second.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ahnb::progress::Progress;

/// A running display; dropping it stops and clears it.
pub struct ProgressDisplay {
    /// Dropped to stop the display: its thread waits on the other end between updates, so it
    /// wakes at once instead of finishing a sleep (which kept every short build waiting up to
    /// 0.1 s for nothing).
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ProgressDisplay {
    pub fn start(progress: Arc<Progress>) -> Self {
        let (stop, stopped) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            // Updates every 0.1 s until the sender is dropped (or, never, sends).
            let tick = || match stopped.recv_timeout(Duration::from_millis(100)) {
                Err(RecvTimeoutError::Timeout) => true,
                Ok(()) | Err(RecvTimeoutError::Disconnected) => false,
            };
            show(&progress, tick)
        });
        ProgressDisplay {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for ProgressDisplay {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Shows `progress` after each `tick` (which waits for the next update and is false once the
/// build is done).
fn show(progress: &Progress, mut tick: impl FnMut() -> bool) {
    const QUIET_START: Duration = Duration::from_secs(1);
    const PLAIN_EVERY: Duration = Duration::from_secs(5);
    let started = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let mut last_line = Instant::now();
    while tick() {
        if started.elapsed() < QUIET_START {
            continue;
        }
        let (bytes, total) = progress.bytes();
        let stage = progress.stage();
        if terminal {
            let bar = bar.get_or_insert_with(|| {
                let bar = indicatif::ProgressBar::new(total.max(1));
                let style = indicatif::ProgressStyle::with_template(
                    "{prefix:>7} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {elapsed}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> ");
                bar.set_style(style);
                bar
            });
            bar.set_length(total.max(1));
            bar.set_position(bytes);
            bar.set_prefix(stage);
        } else if last_line.elapsed() >= PLAIN_EVERY {
            last_line = Instant::now();
            let percent = (bytes * 100).checked_div(total).unwrap_or(0);
            eprintln!(
                "ahnb: {stage}: {percent}% of the logs read ({bytes} of {total} bytes), {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
}
