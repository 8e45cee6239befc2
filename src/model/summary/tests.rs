//! Unit tests of the summary's helpers; the formats are tested end to end in tests/summary.rs.

use super::*;

#[test]
fn ranking_puts_missing_values_last_and_breaks_ties_by_index() {
    let values = [Some(0.5), None, Some(0.9), Some(0.5)];
    assert_eq!(rank_by(4, |i| values[i], Direction::Up), [2, 0, 3, 1]);
    assert_eq!(rank_by(4, |i| values[i], Direction::Down), [0, 3, 2, 1]);
}

#[test]
fn automatic_columns_prefer_validation_metrics() {
    let info = |name: &str, direction| MetricInfo {
        name: name.to_owned(),
        direction,
    };
    let metrics = [
        info("loss", Some(Direction::Down)),
        info("lr", None),
        info("accuracy", Some(Direction::Up)),
        info("val_loss", Some(Direction::Down)),
        info("val_accuracy", Some(Direction::Up)),
        info("test_accuracy", Some(Direction::Up)),
    ];
    assert_eq!(
        choose_columns(&metrics, Some("val_accuracy"), &[]),
        ["val_accuracy", "val_loss", "test_accuracy", "loss"]
    );
    let wanted = ["lr".to_owned(), "nope".to_owned()];
    assert_eq!(choose_columns(&metrics, Some("lr"), &wanted), ["lr"]);
}

#[test]
fn numbers_serialize_non_finite_values_as_strings() {
    let text =
        serde_json::to_string(&[Number(0.5), Number(f64::NAN), Number(f64::NEG_INFINITY)]).unwrap();
    assert_eq!(text, r#"[0.5,"NaN","-Infinity"]"#);
}
