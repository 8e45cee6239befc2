//! Loader tests: each record type and each kind of bad input, fed as bytes.

use std::path::PathBuf;

use super::*;
use crate::log::run::{MediaKind, MediaSource, Run};

fn file(relative: &str) -> LogFile {
    LogFile {
        path: PathBuf::from("/logs").join(relative),
        relative: relative.to_owned(),
        folder: relative.split_once('/').map(|(f, _)| f.to_owned()),
        gzip: false,
        suffix: ".jsonl",
    }
}

fn read(text: &str) -> (Run, Vec<String>) {
    let result = read_log(text.as_bytes(), &file("proj/run-a.jsonl"), 1000);
    let warnings = result.warnings.iter().map(ToString::to_string).collect();
    (result.runs.into_iter().next().expect("a run"), warnings)
}

fn values(run: &Run, metric: &str) -> Vec<(i64, f64)> {
    run.series[metric]
        .points
        .iter()
        .map(|p| (p.step, p.value))
        .collect()
}

#[test]
fn reads_a_complete_native_log() {
    let (run, warnings) = read(concat!(
        r#"{"type":"header","format_version":1,"project":"mnist","run":"r1","start":"2026-03-01T10:00:00Z","#,
        r#""params":{"lr":0.01,"opt":{"name":"adam"}},"model":{"name":"cnn","layers":[{"name":"d","type":"Dense","output_shape":[null,10],"params":650}],"total_params":650},"#,
        r#""env":{"os":"Linux","frameworks":{"keras":"3.3"}},"tags":["a"],"seed":3,"group":"g","notes":"*hi*"}"#,
        "\n",
        r#"{"type":"metrics","step":0,"epoch":0,"time":1772359200,"metrics":{"loss":2.3,"val_accuracy":0.5}}"#,
        "\n",
        r#"{"type":"metrics","step":1,"epoch":1,"time":1772359260,"metrics":{"loss":1.1,"val_accuracy":0.8}}"#,
        "\n",
        r#"{"type":"media","step":1,"name":"samples","kind":"image","path":"media/a.png","title":"A"}"#,
        "\n",
        r#"{"type":"note","step":1,"text":"halfway"}"#,
        "\n",
        r#"{"type":"end","status":"finished","time":"2026-03-01T10:05:00Z","metrics":{"test_accuracy":0.79}}"#,
        "\n",
    ));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!((run.project.as_str(), run.name.as_str()), ("mnist", "r1"));
    assert_eq!(
        run.header.params.keys().collect::<Vec<_>>(),
        ["lr", "opt.name"]
    );
    assert_eq!(
        run.header.model.as_ref().unwrap().layers[0].output_shape,
        "[null, 10]"
    );
    assert_eq!(
        run.header.env[0],
        ("frameworks.keras".to_owned(), "3.3".to_owned())
    );
    assert_eq!(run.header.seed, Some(3));
    assert_eq!(values(&run, "loss"), [(0, 2.3), (1, 1.1)]);
    assert_eq!(run.metric_order, ["loss", "val_accuracy"]);
    assert_eq!(run.media.len(), 1);
    assert_eq!(run.media[0].kind, MediaKind::Image);
    assert_eq!(
        run.media[0].source,
        MediaSource::File(PathBuf::from("/logs/proj/media/a.png"))
    );
    assert_eq!(run.notes[0].text, "halfway");
    let end = run.end.as_ref().unwrap();
    assert_eq!(end.metrics, [("test_accuracy".to_owned(), 0.79)]);
    assert_eq!(run.duration(), Some(300.0));
}

#[test]
fn infers_steps_and_reads_bare_lines() {
    let (run, warnings) = read(concat!(
        "{\"loss\": 1.0}\n",
        "{\"loss\": 0.5}\n",
        "{\"epoch\": 7, \"loss\": 0.25, \"accuracy\": 0.9}\n",
        "{\"iteration\": 19, \"loss_cls\": 0.4, \"time\": 0.31}\n",
    ));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(values(&run, "loss"), [(0, 1.0), (1, 0.5), (7, 0.25)]);
    assert_eq!(
        values(&run, "time"),
        [(19, 0.31)],
        "a small `time` is a duration metric"
    );
    assert_eq!(run.project, "proj", "project from the folder");
    assert_eq!(run.name, "run-a", "run from the file name");
}

#[test]
fn accepts_nonfinite_values_crlf_and_bom() {
    let (run, warnings) = read(
        "\u{feff}{\"type\":\"metrics\",\"step\":1,\"metrics\":{\"loss\":NaN,\"b\":-Infinity,\"c\":null}}\r\n{\"step\":2,\"loss\":Infinity}\r\n",
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    let loss = &run.series["loss"].summary;
    assert_eq!(loss.nonfinite, 2);
    assert_eq!(loss.count, 2);
    assert!(!run.series.contains_key("c"), "null is no value");
}

#[test]
fn nonfinite_values_spelled_as_strings_are_numbers() {
    let (run, warnings) = read("{\"step\":1,\"loss\":\"NaN\",\"acc\":\"-Infinity\"}\n");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(run.series["loss"].summary.nonfinite, 1);
    assert_eq!(run.series["acc"].points[0].value, f64::NEG_INFINITY);
}

#[test]
fn a_malformed_line_is_a_warning_and_the_rest_is_kept() {
    let (run, warnings) = read("{\"loss\":1}\n{\"loss\":2,}\nnot json\n{\"loss\":3}\n");
    assert_eq!(values(&run, "loss"), [(0, 1.0), (1, 3.0)]);
    assert_eq!(
        warnings,
        [
            "proj/run-a.jsonl:2: malformed JSON: trailing comma (column 11)",
            "proj/run-a.jsonl:3: malformed JSON: expected ident (column 2)",
        ]
    );
}

#[test]
fn a_cut_last_line_is_reported_once_and_marks_the_run() {
    let (run, warnings) = read(
        "{\"type\":\"metrics\",\"step\":1,\"metrics\":{\"loss\":1}}\n{\"type\":\"metrics\",\"st",
    );
    assert!(run.truncated);
    assert_eq!(values(&run, "loss"), [(1, 1.0)]);
    assert_eq!(
        warnings,
        [
            "proj/run-a.jsonl:2: last line is cut off (the run may still be writing, or it crashed); ignored"
        ]
    );
    assert!(run.end.is_none());
}

#[test]
fn sorts_steps_and_keeps_the_last_repeat_with_a_warning() {
    let (run, warnings) =
        read("{\"step\":5,\"loss\":5}\n{\"step\":1,\"loss\":1}\n{\"step\":5,\"loss\":50}\n");
    assert_eq!(values(&run, "loss"), [(1, 1.0), (5, 50.0)]);
    assert_eq!(
        warnings,
        [
            "proj/run-a.jsonl: 1 repeated steps (first at line 2: step 1 after step 5); the later value of each is kept"
        ]
    );
}

#[test]
fn non_numeric_metrics_and_unknown_records_warn() {
    let (run, warnings) = read(concat!(
        "{\"type\":\"metrics\",\"step\":0,\"metrics\":{\"loss\":\"high\",\"ok\":1},\"extra\":1}\n",
        "{\"type\":\"histogram\",\"step\":0}\n",
        "{\"type\":\"histogram\",\"step\":1}\n",
    ));
    assert_eq!(values(&run, "ok"), [(0, 1.0)]);
    assert_eq!(
        warnings,
        [
            "proj/run-a.jsonl:1: metric 'loss' is a string, not a number; skipped",
            "proj/run-a.jsonl: unknown record types ignored: 'histogram' (2)",
            "proj/run-a.jsonl: unknown fields ignored: 'metrics.extra'",
        ]
    );
}

#[test]
fn media_paths_cannot_leave_the_log_folder() {
    let (run, warnings) = read(concat!(
        "{\"type\":\"media\",\"kind\":\"image\",\"path\":\"../secret.png\"}\n",
        "{\"type\":\"media\",\"kind\":\"image\",\"path\":\"/etc/passwd\"}\n",
        "{\"type\":\"media\",\"kind\":\"html\",\"content\":\"<b>hi</b>\"}\n",
    ));
    assert_eq!(run.media.len(), 1);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].ends_with("media path '../secret.png' leaves the log's folder; skipped"));
}

#[test]
fn invalid_utf8_and_empty_files() {
    let result = read_log(
        &b"{\"loss\":1}\n\xff\xfe{}\n{\"loss\":2}\n"[..],
        &file("p/x.jsonl"),
        100,
    );
    let run = result.runs.into_iter().next().unwrap();
    assert_eq!(run.series["loss"].summary.count, 2);
    assert_eq!(
        result.warnings[0].to_string(),
        "p/x.jsonl:2: line is not valid UTF-8 (at byte 0); skipped"
    );

    let empty = read_log(&b""[..], &file("p/empty.jsonl"), 100);
    assert!(empty.runs.is_empty());
    assert_eq!(
        empty.warnings[0].to_string(),
        "p/empty.jsonl: empty file; no run"
    );
}

#[test]
fn many_warnings_of_one_kind_are_counted_not_listed() {
    let text: String = (0..20).map(|_| "oops\n").collect::<String>() + "{\"loss\":1}\n";
    let (_, warnings) = read(&text);
    assert_eq!(warnings.len(), 6);
    assert_eq!(
        warnings[5],
        "proj/run-a.jsonl: 15 more warnings like the above (malformed)"
    );
}

#[test]
fn header_only_file_is_a_run() {
    let (run, warnings) = read("{\"type\":\"header\",\"run\":\"h\"}\n");
    assert!(warnings.is_empty());
    assert_eq!(run.name, "h");
    assert!(run.series.is_empty());
}

#[test]
fn gzip_logs_are_read_and_corruption_keeps_earlier_lines() {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for step in 0..2000 {
        writeln!(
            encoder,
            "{{\"step\":{step},\"loss\":{}}}",
            1.0 / (step as f64 + 1.0)
        )
        .unwrap();
    }
    let bytes = encoder.finish().unwrap();
    let mut f = file("p/z.jsonl.gz");
    f.gzip = true;
    let decode = |b: &[u8]| {
        let decoder = flate2::read::MultiGzDecoder::new(b);
        read_log(std::io::BufReader::new(decoder), &f, 100)
    };
    let whole = decode(&bytes);
    assert_eq!(whole.runs[0].series["loss"].summary.count, 2000);
    let cut = decode(&bytes[..bytes.len() / 2]);
    assert!(
        cut.warnings
            .iter()
            .any(|w| w.message.starts_with("cannot decompress past line")),
        "{:?}",
        cut.warnings
    );
    assert!(cut.runs[0].series["loss"].summary.count > 0);
}

/// Series are looked up by the metric's position in the previous line first; lines that change
/// the order, drop metrics or add new ones must still send every value to its own series.
#[test]
fn values_reach_their_series_whatever_the_order_of_metrics() {
    let (run, warnings) = read(concat!(
        "{\"step\":0,\"a\":0.0,\"b\":10.0}\n",
        "{\"step\":1,\"b\":11.0,\"a\":1.0}\n",
        "{\"step\":2,\"c\":22.0,\"a\":2.0}\n",
        "{\"type\":\"metrics\",\"step\":3,\"metrics\":{\"a\":3.0,\"b\":13.0,\"c\":23.0}}\n",
        "{\"step\":4,\"a\":4.0}\n",
    ));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(run.metric_order, ["a", "b", "c"]);
    assert_eq!(
        values(&run, "a"),
        [(0, 0.0), (1, 1.0), (2, 2.0), (3, 3.0), (4, 4.0)]
    );
    assert_eq!(values(&run, "b"), [(0, 10.0), (1, 11.0), (3, 13.0)]);
    assert_eq!(values(&run, "c"), [(2, 22.0), (3, 23.0)]);
}

/// Python's tokens and numbers beyond a double are read on the slow path, alone or together.
#[test]
fn python_tokens_and_huge_numbers_together() {
    let (run, warnings) = read("{\"step\":0,\"a\":NaN,\"b\":1e400}\n{\"step\":1,\"a\":-1e400}\n");
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(values(&run, "a")[0].1.is_nan());
    assert_eq!(values(&run, "a")[1].1, f64::NEG_INFINITY);
    assert_eq!(values(&run, "b"), [(0, f64::INFINITY)]);
}
