//! How event files make runs, and how their tags become metric names.
//!
//! TensorBoard's own rule is "a folder of event files is a run". Keras' `TensorBoard` callback
//! writes one run as two such folders, `train/` and `validation/`, whose tags are the same
//! (`epoch_loss` in both); ahnb reads the pair as one run named after their parent and names the
//! curves as Keras' `History` does: `loss` and `val_loss`. Every other tag is kept as written
//! (`Loss/train` from PyTorch, `train/box_loss` from YOLOv5, `rollout/ep_rew_mean` from
//! Stable-Baselines3). See docs/formats.md.

use std::borrow::Cow;

/// What every TensorBoard event file name starts with (`events.out.tfevents.<time>.<host>...`).
pub const EVENT_FILE_PREFIX: &str = "events.out.tfevents";

/// Where an event file sits in its run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Directly in the run folder: tags as written.
    Run,
    /// In Keras' `train/` subfolder.
    Train,
    /// In Keras' `validation/` subfolder.
    Validation,
}

/// True for a file name TensorBoard would read (`*tfevents*` in TensorBoard, but every writer
/// starts the name with [`EVENT_FILE_PREFIX`]).
pub fn is_event_file_name(name: &str) -> bool {
    name.starts_with(EVENT_FILE_PREFIX)
}

/// The run folder of an event file (relative to LOGS, `/` separators, `""` for LOGS itself) and
/// its role there, from the file's path relative to LOGS.
pub fn run_folder_of(relative: &str) -> (&str, Role) {
    let folder = relative.rsplit_once('/').map_or("", |(folder, _)| folder);
    let (parent, last) = folder.rsplit_once('/').unwrap_or(("", folder));
    match last {
        "train" if !folder.is_empty() && !parent.is_empty() => (parent, Role::Train),
        "validation" if !parent.is_empty() => (parent, Role::Validation),
        _ => (folder, Role::Run),
    }
}

/// The metric a tag becomes: Keras' `epoch_` prefix is dropped and validation curves take the
/// `val_` prefix, as in Keras' `History` (`epoch_loss` → `loss` and `val_loss`).
pub fn metric_name(tag: &str, role: Role) -> Cow<'_, str> {
    match role {
        Role::Run => Cow::Borrowed(tag),
        Role::Train => Cow::Borrowed(tag.strip_prefix("epoch_").unwrap_or(tag)),
        Role::Validation => {
            Cow::Owned(format!("val_{}", tag.strip_prefix("epoch_").unwrap_or(tag)))
        }
    }
}

/// The order in which a run's files are read, so that a later file's value of a step wins: by the
/// time in the file name (`events.out.tfevents.<seconds>.`, when the writer opened it), then by
/// path. A name without a time sorts first.
pub fn file_order_key(relative: &str) -> (u64, &str) {
    let name = relative.rsplit('/').next().unwrap_or(relative);
    let time = name
        .strip_prefix(EVENT_FILE_PREFIX)
        .and_then(|rest| rest.strip_prefix('.'))
        .and_then(|rest| rest.split('.').next())
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or(0);
    (time, relative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keras_train_and_validation_folders_are_one_run() {
        assert_eq!(
            run_folder_of("p/logs/train/events.out.tfevents.1.h.1.0.v2"),
            ("p/logs", Role::Train)
        );
        assert_eq!(
            run_folder_of("p/logs/validation/events.out.tfevents.1.h.1.1.v2"),
            ("p/logs", Role::Validation)
        );
        assert_eq!(
            run_folder_of("p/runs/exp2/events.out.tfevents.1"),
            ("p/runs/exp2", Role::Run)
        );
        // YOLOv5's runs/train/exp2 is a run folder inside a folder named train, not Keras'.
        assert_eq!(
            run_folder_of("p/runs/train/exp2/events.out.tfevents.1"),
            ("p/runs/train/exp2", Role::Run)
        );
        // A `train` folder directly in LOGS has no parent run folder to merge into.
        assert_eq!(
            run_folder_of("train/events.out.tfevents.1"),
            ("train", Role::Run)
        );
        assert_eq!(run_folder_of("events.out.tfevents.1"), ("", Role::Run));
    }

    #[test]
    fn keras_tags_are_named_as_its_history_names_them() {
        assert_eq!(metric_name("epoch_loss", Role::Train), "loss");
        assert_eq!(metric_name("epoch_loss", Role::Validation), "val_loss");
        assert_eq!(
            metric_name("evaluation_loss_vs_iterations", Role::Validation),
            "val_evaluation_loss_vs_iterations"
        );
        assert_eq!(metric_name("epoch_loss", Role::Run), "epoch_loss");
        assert_eq!(metric_name("Loss/train", Role::Run), "Loss/train");
    }

    #[test]
    fn files_are_read_in_the_order_they_were_opened() {
        let mut files = [
            "r/events.out.tfevents.1771596596.h.7880.0",
            "r/events.out.tfevents.1771594466.h.21024.0",
            "r/events.out.tfevents",
            "r/events.out.tfevents.999.h.1.0",
        ];
        files.sort_by_key(|f| file_order_key(f));
        assert_eq!(
            files,
            [
                "r/events.out.tfevents",
                "r/events.out.tfevents.999.h.1.0",
                "r/events.out.tfevents.1771594466.h.21024.0",
                "r/events.out.tfevents.1771596596.h.7880.0",
            ]
        );
    }
}
