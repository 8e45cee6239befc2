//! Property tests through the loader: any sequence of metrics records, written as text the way
//! writers spell values (`NaN`, `Infinity`, `1e400`, `null`, `"NaN"`), reads back as a direct
//! computation says: counts add up, the later value of a repeated step wins, and the summary's
//! last, min, max and best are those of the winning values.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ahnb::log::{LogFile, read_log};
use proptest::prelude::*;

#[derive(Debug, Clone, Copy)]
enum Written {
    Finite(f64),
    NanToken,
    InfinityToken,
    NegInfinityToken,
    Overflow,
    NegOverflow,
    NanString,
    Null,
}

impl Written {
    fn text(self) -> String {
        match self {
            Written::Finite(v) => format!("{v:?}"),
            Written::NanToken => "NaN".into(),
            Written::InfinityToken => "Infinity".into(),
            Written::NegInfinityToken => "-Infinity".into(),
            Written::Overflow => "1e400".into(),
            Written::NegOverflow => "-2E+999".into(),
            Written::NanString => "\"NaN\"".into(),
            Written::Null => "null".into(),
        }
    }

    /// The value ahnb reads, or `None` for "no value at this step".
    fn read(self) -> Option<f64> {
        match self {
            Written::Finite(v) => Some(v),
            Written::NanToken | Written::NanString => Some(f64::NAN),
            Written::InfinityToken | Written::Overflow => Some(f64::INFINITY),
            Written::NegInfinityToken | Written::NegOverflow => Some(f64::NEG_INFINITY),
            Written::Null => None,
        }
    }
}

fn written() -> impl Strategy<Value = Written> {
    prop_oneof![
        12 => (-1e6f64..1e6).prop_map(Written::Finite),
        1 => Just(Written::Finite(-0.0)),
        1 => Just(Written::NanToken),
        1 => Just(Written::InfinityToken),
        1 => Just(Written::NegInfinityToken),
        1 => Just(Written::Overflow),
        1 => Just(Written::NegOverflow),
        1 => Just(Written::NanString),
        1 => Just(Written::Null),
    ]
}

const METRICS: [&str; 3] = ["loss", "val/acc", "lr"];

/// The same double bit for bit, or both NaN: the loader parses with serde_json's
/// `float_roundtrip`, so a 17-digit number such as Python writes reads back exactly.
fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn same_option(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn what_is_written_is_what_is_read(
        records in proptest::collection::vec(
            (proptest::option::of(-5i64..40), proptest::collection::vec((0usize..3, written()), 0..4)),
            1..300,
        )
    ) {
        let mut text = String::from("{\"type\":\"header\",\"run\":\"r\"}\n");
        let mut expected: BTreeMap<&str, BTreeMap<i64, f64>> = BTreeMap::new();
        let mut writes: BTreeMap<&str, u64> = BTreeMap::new();
        let mut next_step = 0i64;
        for (step, metrics) in &records {
            let at = step.unwrap_or(next_step);
            next_step = at + 1;
            let fields: Vec<String> = metrics
                .iter()
                .map(|(m, v)| format!("\"{}\":{}", METRICS[*m], v.text()))
                .collect();
            let step_field = step.map(|s| format!("\"step\":{s},")).unwrap_or_default();
            text.push_str(&format!("{{\"type\":\"metrics\",{step_field}\"metrics\":{{{}}}}}\n", fields.join(",")));
            for (m, v) in metrics {
                if let Some(value) = v.read() {
                    expected.entry(METRICS[*m]).or_default().insert(at, value);
                    *writes.entry(METRICS[*m]).or_default() += 1;
                }
            }
        }
        let file = LogFile {
            path: PathBuf::from("/nonexistent/p/r.jsonl"),
            relative: "p/r.jsonl".into(),
            folder: Some("p".into()),
            gzip: false,
            suffix: ".jsonl",
        };
        let result = read_log(text.as_bytes(), &file, 32);
        let run = result.runs.into_iter().next().expect("a run");
        for warning in &result.warnings {
            // Only repeated steps (a later value replaced an earlier one) may be reported.
            prop_assert!(warning.message.contains("repeated steps"), "{}", warning);
        }
        let names: Vec<&str> = run.series.keys().map(String::as_str).collect();
        prop_assert_eq!(names, expected.keys().copied().collect::<Vec<_>>());
        for (name, winning) in &expected {
            let s = &run.series[*name].summary;
            prop_assert_eq!(s.count, winning.len() as u64, "{}", name);
            prop_assert!(s.count <= writes[name]);
            prop_assert_eq!(s.nonfinite, winning.values().filter(|v| !v.is_finite()).count() as u64);
            let (&last_step, &last) = winning.iter().next_back().unwrap();
            prop_assert_eq!(s.last.unwrap().step, last_step);
            prop_assert!(same(s.last.unwrap().value, last), "{} last {} read as {}", name, last, s.last.unwrap().value);
            let finite: Vec<f64> = winning.values().copied().filter(|v| v.is_finite()).collect();
            prop_assert!(same_option(s.min.map(|p| p.value), finite.iter().copied().reduce(f64::min)));
            prop_assert!(same_option(s.max.map(|p| p.value), finite.iter().copied().reduce(f64::max)));
            if let (Some(min), Some(max)) = (s.min, s.max) {
                for direction in [ahnb::model::Direction::Up, ahnb::model::Direction::Down] {
                    let best = s.best(direction).unwrap().value;
                    prop_assert!(min.value <= best && best <= max.value);
                }
            }
        }
        let repeats = writes.values().sum::<u64>() - expected.values().map(|w| w.len() as u64).sum::<u64>();
        let reported = result.warnings.iter().any(|w| w.message.contains("repeated steps"));
        prop_assert_eq!(reported, repeats > 0);
    }
}

/// Regression (proptest on CI): Python writes -241666.59378293206; serde_json's default parsing
/// read the neighbouring double, so the loader uses `float_roundtrip`: exact is the contract.
#[test]
fn seventeen_digit_floats_read_back_exactly() {
    let file = LogFile {
        path: PathBuf::from("/nonexistent/p/r.jsonl"),
        relative: "p/r.jsonl".into(),
        folder: Some("p".into()),
        gzip: false,
        suffix: ".jsonl",
    };
    for written in [
        -241666.59378293206f64,
        0.30000000000000004,
        1.7976931348623157e308,
    ] {
        let text =
            format!("{{\"type\":\"metrics\",\"step\":1,\"metrics\":{{\"x\":{written:?}}}}}\n");
        let run = read_log(text.as_bytes(), &file, 32)
            .runs
            .into_iter()
            .next()
            .unwrap();
        let read = run.series["x"].summary.last.unwrap().value;
        assert!(same(read, written), "{written:?} read as {read:?}");
    }
}
