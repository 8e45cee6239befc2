//! Whether a metric is better when lower (loss, error) or higher (accuracy, F1), inferred from its
//! name. Projects can override any metric in `ahnb.toml`.

use serde::{Deserialize, Serialize};

/// Which way a metric improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Lower is better (loss, error, perplexity).
    #[serde(alias = "min", alias = "lower")]
    Down,
    /// Higher is better (accuracy, AUC, F1).
    #[serde(alias = "max", alias = "higher")]
    Up,
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
