//! The line parser: any bytes, as one line and as a whole log. Besides not panicking, what it
//! reads must be consistent: summaries agree with their points, warnings name the file.
#![no_main]

use std::path::PathBuf;

use ahnb::log::json::{
    Scratch, normalize_nonfinite, parse_line, raw_json_checked, raw_scalar, saturate_overflow,
};
use ahnb::log::{LogFile, read_log};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let normalized = normalize_nonfinite(text);
        let mut scratch = Scratch::default();
        if let Ok(record) = parse_line(&normalized, &mut scratch) {
            for (_, raw) in &record.fields {
                let _ = raw_scalar(raw);
                let _ = raw_json_checked(raw);
                // Saturating a value that parsed keeps it valid JSON.
                let saturated = saturate_overflow(raw.get());
                assert!(
                    serde_json::from_str::<serde::de::IgnoredAny>(&saturated).is_ok(),
                    "{saturated:?}"
                );
            }
        }
    }
    let file = LogFile {
        path: PathBuf::from("/nonexistent-fuzz/p/run.jsonl"),
        relative: "p/run.jsonl".to_owned(),
        folder: Some("p".to_owned()),
        gzip: false,
        suffix: ".jsonl",
    };
    let result = read_log(data, &file, 16);
    for warning in &result.warnings {
        assert_eq!(warning.path, "p/run.jsonl");
        assert!(!warning.message.contains('\n'), "{:?}", warning.message);
    }
    for run in result.runs {
        for (name, series) in &run.series {
            let summary = &series.summary;
            assert!(summary.count >= series.points.len() as u64, "{name}");
            assert!(
                series.points.len() <= 2 * 16 + 2,
                "{name}: {} points",
                series.points.len()
            );
            assert!(
                series.points.windows(2).all(|w| w[0].step < w[1].step),
                "{name}"
            );
            if let (Some(min), Some(max)) = (summary.min, summary.max) {
                assert!(min.value <= max.value, "{name}");
            }
        }
    }
});
