//! Whether a metric is better when lower (loss, error) or higher (accuracy, F1), inferred from its
//! name. Projects can override any metric in `ahnb.toml`.

pub use crate::log::run::Direction;

use crate::log::project_config::ProjectConfig;

/// The direction of a metric in a project: as its `ahnb.toml` configures it, else inferred from
/// its name.
pub fn direction_of(config: &ProjectConfig, metric: &str) -> Option<Direction> {
    config
        .directions
        .get(metric)
        .copied()
        .or_else(|| infer_direction(metric))
}

const DOWN_WORDS: &[&str] = &[
    "loss",
    "error",
    "err",
    "mse",
    "mae",
    "rmse",
    "mape",
    "perplexity",
    "ppl",
    "wer",
    "cer",
    "nll",
    "fid",
    "lpips",
    "kl",
    "regret",
    "distance",
    "dist",
];

const UP_WORDS: &[&str] = &[
    "acc",
    "accuracy",
    "auc",
    "auroc",
    "f1",
    "fscore",
    "precision",
    "recall",
    "iou",
    "miou",
    "map",
    "ap",
    "ar",
    "bleu",
    "rouge",
    "rougel",
    "chrf",
    "meteor",
    "r2",
    "dice",
    "top",
    "psnr",
    "ssim",
    "reward",
    "return",
    "pck",
    "ndcg",
    "mrr",
    "hits",
    "kappa",
    "mcc",
    "correct",
];

/// Infers the direction from a metric name such as `val_loss`, `eval/accuracy` or `bbox/AP50`;
/// `None` when the name says nothing (`lr`, `time`). A "down" word wins over an "up" word, so
/// `top1_error` goes down.
pub fn infer_direction(name: &str) -> Option<Direction> {
    let lower = name.to_ascii_lowercase();
    let mut up = false;
    for token in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
        // "top1" and "ap50" name the same thing as "top" and "ap"; "f1" and "r2" keep their digit.
        let word = token.trim_end_matches(|c: char| c.is_ascii_digit());
        let is = |words: &[&str]| words.contains(&token) || words.contains(&word);
        if is(DOWN_WORDS) {
            return Some(Direction::Down);
        }
        up |= is(UP_WORDS);
    }
    up.then_some(Direction::Up)
}

/// True for names of metrics measured on held-out data: `val_loss`, `eval/accuracy`,
/// `validation_f1`, `valid/auc`, `dev_bleu`, `test_acc`, and the COCO/VOC evaluation families
/// that detectron2 and MMEngine write (`bbox/AP`, `segm/AP50`, `coco/AP`).
pub fn is_validation_metric(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|token| {
            matches!(
                token,
                "val"
                    | "valid"
                    | "validation"
                    | "eval"
                    | "evaluation"
                    | "dev"
                    | "test"
                    | "bbox"
                    | "segm"
                    | "coco"
                    | "voc"
                    | "keypoints"
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_direction_wins_over_the_name() {
        let config: ProjectConfig =
            toml::from_str("[directions]\nbleu = \"max\"\nlr = \"down\"\nval_loss = \"up\"")
                .unwrap();
        assert_eq!(direction_of(&config, "bleu"), Some(Direction::Up));
        assert_eq!(direction_of(&config, "lr"), Some(Direction::Down));
        assert_eq!(direction_of(&config, "val_loss"), Some(Direction::Up));
        assert_eq!(direction_of(&config, "train_loss"), Some(Direction::Down));
    }

    #[test]
    fn infers_common_names() {
        for name in [
            "loss",
            "val_loss",
            "eval/loss",
            "train/perplexity",
            "top1_error",
            "loss_cls",
            "mae",
        ] {
            assert_eq!(infer_direction(name), Some(Direction::Down), "{name}");
        }
        for name in [
            "accuracy",
            "val_acc",
            "eval/accuracy",
            "bbox/AP50",
            "f1",
            "val_auc",
            "top5",
        ] {
            assert_eq!(infer_direction(name), Some(Direction::Up), "{name}");
        }
        for name in ["lr", "learning_rate", "time", "epoch", "data_time"] {
            assert_eq!(infer_direction(name), None, "{name}");
        }
    }

    #[test]
    fn recognizes_validation_names() {
        assert!(is_validation_metric("val_accuracy"));
        assert!(is_validation_metric("eval/loss"));
        assert!(is_validation_metric("test_acc"));
        assert!(is_validation_metric("bbox/AP"));
        assert!(is_validation_metric("coco/AP (M)"));
        assert!(!is_validation_metric("accuracy"));
        assert!(!is_validation_metric("interval_loss"));
    }
}
