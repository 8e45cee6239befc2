//! Where a run stands along its training, with one convention for every page, chart, table and
//! summary: steps are shown as logged; epochs are counted as people count them, so a counter that
//! starts at 0 (Keras writes epoch 0 first) is shown one higher; a fractional epoch (0.25 of the
//! way through the first) is an amount of training and is shown as written. Progress is measured
//! against the planned length in the header (or a hyperparameter such as `epochs`), never against
//! the last step logged.

use super::{ParamValue, Run, Status};

/// Hyperparameters read as the planned number of epochs when the header does not give one, in
/// order of preference (what Keras, Lightning and Hugging Face users usually call it).
pub const PLANNED_EPOCH_PARAMS: [&str; 4] =
    ["epochs", "max_epochs", "num_epochs", "num_train_epochs"];

/// Hyperparameters read as the planned number of steps when the header does not give one: the
/// last part of a dotted key (`schedule.max_steps`), in order of preference.
pub const PLANNED_STEP_PARAMS: [&str; 4] = [
    "max_steps",
    "total_steps",
    "num_training_steps",
    "train_steps",
];

/// The unit a run's progress is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Epoch,
    Step,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Epoch => "epoch",
            Unit::Step => "step",
        }
    }
}

/// How far a run got against its plan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub unit: Unit,
    /// Epochs (one-based, as in [`shown_epoch`]) or steps reached.
    pub done: f64,
    pub planned: f64,
}

impl Progress {
    /// Done over planned, at most 1.
    pub fn fraction(&self) -> f64 {
        (self.done / self.planned).clamp(0.0, 1.0)
    }
}

/// 1 when the run's epoch counter is a zero-based index (whole numbers starting at 0), else 0.
pub fn epoch_offset(run: &Run) -> f64 {
    let Some(series) = &run.epoch else {
        return 0.0;
    };
    let starts_at_zero = series.summary.min.is_some_and(|m| m.value == 0.0);
    let whole = series.points.iter().all(|p| p.value.fract() == 0.0);
    if starts_at_zero && whole { 1.0 } else { 0.0 }
}

/// The epoch, as shown, that the run was in at `step`: the last epoch recorded at or before it.
pub fn shown_epoch(run: &Run, step: i64) -> Option<f64> {
    let series = run.epoch.as_ref()?;
    let at = series.points.partition_point(|p| p.step <= step);
    let point = series.points.get(at.checked_sub(1)?)?;
    Some(point.value + epoch_offset(run))
}

/// The last epoch reached, as shown.
pub fn last_shown_epoch(run: &Run) -> Option<f64> {
    let series = run.epoch.as_ref()?;
    Some(series.summary.max?.value + epoch_offset(run))
}

/// The planned number of epochs and of steps: the header's `planned`, else the first of
/// [`PLANNED_EPOCH_PARAMS`] (top-level keys) and [`PLANNED_STEP_PARAMS`] (the last part of a
/// dotted key) that is a positive whole number.
pub fn planned(run: &Run) -> (Option<u64>, Option<u64>) {
    let count = |value: Option<&ParamValue>| match value {
        Some(ParamValue::Number(v)) if *v >= 1.0 && v.fract() == 0.0 && *v < 1e15 => {
            Some(*v as u64)
        }
        _ => None,
    };
    let epochs = run.header.planned_epochs.or_else(|| {
        PLANNED_EPOCH_PARAMS
            .iter()
            .find_map(|key| count(run.header.params.get(*key)))
    });
    let steps = run.header.planned_steps.or_else(|| {
        PLANNED_STEP_PARAMS.iter().find_map(|name| {
            run.header
                .params
                .iter()
                .filter(|(key, _)| key.rsplit('.').next() == Some(*name))
                .find_map(|(_, value)| count(Some(value)))
        })
    });
    (epochs, steps)
}

/// The run's progress against its plan: in epochs when both the plan and the log have them,
/// else in steps when the plan has steps; `None` without a plan.
pub fn progress(run: &Run) -> Option<Progress> {
    let (epochs, steps) = planned(run);
    if let (Some(planned), Some(done)) = (epochs, last_shown_epoch(run)) {
        return Some(Progress {
            unit: Unit::Epoch,
            done,
            planned: planned as f64,
        });
    }
    let planned = steps?;
    // Steps count the optimizer steps done (step 0 is before training, as `global_step` is),
    // unlike a zero-based epoch index.
    let done = run.last_step()? as f64;
    Some(Progress {
        unit: Unit::Step,
        done,
        planned: planned as f64,
    })
}

/// Seconds left for a run still writing (no end record), at the pace it kept so far; `None`
/// for runs that ended, runs without a plan or a clock, and runs already at their plan.
pub fn time_left(run: &Run, status: Status, progress: Option<&Progress>) -> Option<f64> {
    if status != Status::Incomplete {
        return None;
    }
    let progress = progress?;
    let fraction = progress.done / progress.planned;
    let elapsed = run.duration()?;
    (fraction > 0.0 && fraction < 1.0 && elapsed > 0.0)
        .then(|| elapsed * (1.0 - fraction) / fraction)
}

/// The number of steps logged: the most points any metric has (after repeated steps were
/// resolved), which is what "steps" counts for a reader, unlike the last step's index.
pub fn logged_steps(run: &Run) -> u64 {
    run.series
        .values()
        .map(|s| s.summary.count)
        .max()
        .unwrap_or(0)
}

impl Progress {
    /// "epoch 2 of 30", "step 1200 of 12000": how far a run got against its plan.
    pub fn text(&self) -> String {
        format!(
            "{} {} of {}",
            self.unit.as_str(),
            crate::format::number(self.done),
            crate::format::number(self.planned)
        )
    }
}
