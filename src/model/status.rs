//! A run's status, decided from the log's content alone (never from file times or the clock), so
//! the same logs always give the same site.

use serde::Serialize;

use super::{Direction, Point, Run};

/// How a run ended, as far as its log tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The end record says it finished.
    Finished,
    /// A loss-like metric ended non-finite (NaN or infinite) and never recovered.
    Diverged,
    /// The end record says it failed (an exception).
    Failed,
    /// The end record says it was killed (interrupted).
    Killed,
    /// No end record: still training, or died without a word.
    Incomplete,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Finished => "finished",
            Status::Diverged => "diverged",
            Status::Failed => "failed",
            Status::Killed => "killed",
            Status::Incomplete => "incomplete",
        }
    }

    pub const ALL: [Status; 5] = [
        Status::Finished,
        Status::Diverged,
        Status::Failed,
        Status::Killed,
        Status::Incomplete,
    ];
}

/// Where a run diverged: the metric and the point where it became non-finite for good.
#[derive(Debug, Clone, PartialEq)]
pub struct Divergence {
    pub metric: String,
    pub at: Point,
}

/// Finds the earliest divergence among the metrics that should go down (losses, errors).
pub fn find_divergence(
    run: &Run,
    direction_of: impl Fn(&str) -> Option<Direction>,
) -> Option<Divergence> {
    run.metric_order
        .iter()
        .filter(|name| direction_of(name) == Some(Direction::Down))
        .filter_map(|name| {
            let since = run.series.get(name)?.summary.nonfinite_since?;
            Some(Divergence {
                metric: name.clone(),
                at: since,
            })
        })
        .min_by_key(|d| d.at.step)
}

/// The status of a run: failed and killed as the end record says; otherwise diverged when a
/// loss went non-finite for good; otherwise finished or incomplete.
pub fn decide_status(run: &Run, divergence: Option<&Divergence>) -> Status {
    let written = run
        .end
        .as_ref()
        .map(|e| e.status.as_deref().unwrap_or("finished"));
    match written {
        Some("failed") => Status::Failed,
        Some("killed") => Status::Killed,
        _ if divergence.is_some() => Status::Diverged,
        Some(_) => Status::Finished,
        None => Status::Incomplete,
    }
}
