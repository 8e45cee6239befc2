//! Shows a build's progress: an indicatif bar when stderr is a terminal, a plain line every few
//! seconds when it is not (CI logs), nothing for builds that finish within a second.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ahnb::progress::Progress;

/// A running display; dropping it stops and clears it.
pub struct ProgressDisplay {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ProgressDisplay {
    pub fn start(progress: Arc<Progress>) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let thread = std::thread::spawn(move || show(&progress, &flag));
        ProgressDisplay {
            done,
            thread: Some(thread),
        }
    }
}

impl Drop for ProgressDisplay {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn show(progress: &Progress, done: &AtomicBool) {
    const QUIET_START: Duration = Duration::from_secs(1);
    const PLAIN_EVERY: Duration = Duration::from_secs(5);
    let started = Instant::now();
    let terminal = std::io::stderr().is_terminal();
    let mut bar: Option<indicatif::ProgressBar> = None;
    let mut last_line = Instant::now();
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
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
