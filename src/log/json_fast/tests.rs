//! The fast path against serde_json: hand-picked lines, then generated ones (the common shape,
//! and every kind of oddity the module comment lists), each checked by [`same_as_serde`].

use proptest::prelude::*;

use super::*;
use crate::log::record::RunBuilder;
use crate::log::run::series::SeriesBuilder;

fn takes(line: &str) -> bool {
    match same_as_serde(line) {
        Ok(taken) => taken,
        Err(difference) => panic!("{line:?}: {difference}"),
    }
}

#[test]
fn common_lines_are_taken_with_serde_jsons_answer() {
    let lines = [
        r#"{"type":"metrics","step":0,"time":1772323200.009,"metrics":{"loss":2.224,"accuracy":0.1106,"val_accuracy":0,"lr":0.0000000002467}}"#,
        r#"{"type": "metrics", "step": 3, "metrics": {"loss": NaN, "b": Infinity, "c": -Infinity, "d": null, "e": "x", "f": true}}"#,
        r#"{"step":7,"loss":0.5,"epoch":1}"#,
        r#"{"type":"end","status":"finished","time":1772323555.000,"metrics":{"test_accuracy":0.891},"error":null}"#,
        r#"{"metrics":5}"#,
        r#"{}"#,
        r#" { "type" : "metrics" , "type":"note" } "#,
        r#"{"metrics":{"a":-0,"b":1e-400,"c":18446744073709551616,"d":-9223372036854775809,"e":123456789012345678901234567890}}"#,
        r#"{"metrics":{"ünï":1.5E+3,"x":2.5e-3}}"#,
    ];
    for line in lines {
        assert!(takes(line), "not taken: {line}");
    }
    let record = parse_fast(lines[0]).unwrap();
    assert_eq!(record.kind.as_deref(), Some("metrics"));
    let metrics = record.metrics.unwrap();
    assert_eq!(metrics[0].0, "loss");
    assert!(matches!(metrics[0].1, Scalar::Number(v) if v == 2.224));
    assert_eq!(record.fields[1].1.get(), "1772323200.009");
}

#[test]
fn unusual_lines_are_left_to_serde_json() {
    let lines = [
        r#"{"type":"metrics","metrics":{"a\"b":1}}"#,
        r#"{"type":"metrics","metrics":{"a":[1,2]}}"#,
        r#"{"type":"header","params":{"lr":0.1}}"#,
        r#"{"metrics":{"a":1},"metrics":{"b":2}}"#,
        r#"{"metrics":{"a":1e400}}"#,
        r#"{"metrics":{"a":01}}"#,
        r#"{"metrics":{"a":1.}}"#,
        r#"{"metrics":{"a":.5}}"#,
        r#"{"metrics":{"a":+1}}"#,
        r#"{"metrics":{"a":-NaN}}"#,
        r#"{"metrics":{"a":NaNa}}"#,
        r#"{"step":NaN,"metrics":{}}"#,
        r#"{"type":5}"#,
        r#"{"type":"metrics"} x"#,
        r#"{"type":"metrics",}"#,
        "{\"a\":\"tab\there\"}",
        r#"[1]"#,
        r#"{"metrics":{"a":1}"#,
    ];
    for line in lines {
        assert!(!takes(line), "taken: {line}");
    }
}

/// JSON number texts, valid and not: small and huge integers, every float bit pattern in
/// shortest form, long mantissas, exponents far out of range, and broken syntax.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|bits| {
            let v = f64::from_bits(bits);
            if v.is_finite() {
                format!("{v:e}")
            } else {
                "1".into()
            }
        }),
        any::<u32>().prop_map(|bits| {
            let v = f32::from_bits(bits);
            if v.is_finite() {
                ryu::Buffer::new().format_finite(v).to_owned()
            } else {
                "2".into()
            }
        }),
        (
            "-?",
            "(0|[1-9][0-9]{0,25})",
            "(\\.[0-9]{1,30})?",
            "([eE][+-]?[0-9]{1,3})?"
        )
            .prop_map(|(s, i, f, e)| format!("{s}{i}{f}{e}")),
        "[-+.eE0-9]{1,8}",
        Just("-0".to_owned()),
        Just("9007199254740993".to_owned()),
        Just("2.2250738585072011e-308".to_owned()),
    ]
}

/// Any JSON-ish value: numbers, Python's tokens, literals, strings with escapes and control
/// characters, nesting (deep, sometimes), and garbage.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => number(),
        1 => prop_oneof![
            Just("NaN"), Just("Infinity"), Just("-Infinity"), Just("-NaN"), Just("nan"),
            Just("null"), Just("true"), Just("false"), Just("nul"), Just("truex"),
            Just("NaX"), Just("Inf"), Just("-Infinit"), Just("Infinityy"), Just("NaN0"),
        ]
        .prop_map(str::to_owned),
        2 => "\"([a-z_/ü]|\\\\[nt\"\\\\u]|\\\\u00[0-9a-f]{2}|\t|\u{1}){0,8}\"",
        1 => (1usize..200, number()).prop_map(|(depth, n)| {
            format!("{}{n}{}", "[".repeat(depth), "]".repeat(depth))
        }),
        1 => number().prop_map(|n| format!("{{\"k\":{n}}}")),
        1 => "[\\[\\]{}:,\" a-z0-9]{0,6}",
    ]
}

fn space() -> impl Strategy<Value = &'static str> {
    prop_oneof![8 => Just(""), 1 => Just(" "), 1 => Just("\t\n\r "), 1 => Just("\u{b}")]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop_oneof![
            Just("type"), Just("step"), Just("time"), Just("epoch"), Just("metrics"),
            Just("loss"), Just("NaN"),
        ]
        .prop_map(|k| format!("\"{k}\"")),
        1 => "\"([a-z]|\\\\\"|\\\\u0041){0,4}\"",
        1 => Just("NaN".to_owned()),
    ]
}

fn object(entries: Vec<(String, String, &'static str)>) -> String {
    let body: Vec<String> = (entries.into_iter())
        .map(|(k, v, s)| format!("{s}{k}{s}:{s}{v}{s}"))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// A line: a metrics line in the common shape with some of its parts replaced by odd ones,
/// or odd throughout.
fn line() -> impl Strategy<Value = String> {
    let metrics = || proptest::collection::vec((key(), value(), space()), 0..6).prop_map(object);
    let kind = prop_oneof![
        Just("\"metrics\"".to_owned()),
        Just("\"end\"".to_owned()),
        value(),
    ];
    prop_oneof![
        (kind, number(), number(), metrics(), space()).prop_map(|(t, s, time, m, sp)| {
            format!("{{{sp}\"type\":{t},\"step\":{s},\"time\":{time},\"metrics\":{m}{sp}}}")
        }),
        proptest::collection::vec((key(), prop_oneof![value(), metrics()], space()), 0..6)
            .prop_map(object),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn the_fast_path_and_serde_json_agree_on_any_line(
        line in line(),
        cut in any::<prop::sample::Index>(),
        insert in any::<(prop::sample::Index, char)>(),
    ) {
        takes(&line);
        // Cut anywhere (at a character boundary), and with a character inserted anywhere.
        let at = |index: &prop::sample::Index| {
            let boundaries: Vec<usize> = (0..=line.len()).filter(|&i| line.is_char_boundary(i)).collect();
            boundaries[index.index(boundaries.len())]
        };
        takes(&line[..at(&cut)]);
        let mut changed = line.clone();
        changed.insert(at(&insert.0), insert.1);
        takes(&changed);
    }
}

fn agreement(lines: &[&str]) -> (u64, u64) {
    let bytes: Vec<&[u8]> = lines.iter().map(|line| line.as_bytes()).collect();
    let agreement =
        same_as_serde_lines(&bytes).unwrap_or_else(|difference| panic!("{lines:?}: {difference}"));
    (agreement.by_shape, agreement.without_record)
}

#[test]
fn lines_laid_out_like_the_one_before_are_read_along_its_shape() {
    let log = [
        r#"{"type":"metrics","step":0,"time":1772809200.000,"metrics":{"loss":2.497,"acc":0,"lr":3e-3}}"#,
        r#"{"type":"metrics","step":1,"time":1772809200.355,"metrics":{"loss":NaN,"acc":0.001248,"lr":null}}"#,
        r#"{"type":"metrics","step":"2","time":"2026-03-06T15:00:00Z","metrics":{"loss":"x","acc":true,"lr":-Infinity}}"#,
        // Same layout, other record type: still the same record serde_json gives.
        r#"{"type":"end","step":3,"time":1772809201.057,"metrics":{"loss":1.5,"acc":0.5,"lr":-0}}"#,
    ];
    // Line 2 holds a null, line 3 strings, line 4 is an end record: each is read along the
    // shape, as a record.
    assert_eq!(agreement(&log), (3, 0));
    let numbers = [log[0], log[0], log[3], log[0]];
    // Lines 2 and 4: metrics of numbers; line 3 an end record, read as one.
    assert_eq!(agreement(&numbers), (3, 2));
    // A field that is not a number (a step as a string, warned about) in a line of numbers.
    let step_text = [
        log[0],
        r#"{"type":"metrics","step":"4","time":1772809201.057,"metrics":{"loss":1.5,"acc":0.5,"lr":-0}}"#,
        r#"{"type":"metrics","step":5,"time":null,"metrics":{"loss":1.5,"acc":0.5,"lr":-0}}"#,
    ];
    assert_eq!(agreement(&step_text), (2, 0));
    // A value the shape's readers refuse, a key of the same length, moved whitespace, a nested
    // value, a line cut short, trailing bytes: each read afresh (or by serde_json), same answer.
    let odd = [
        log[0],
        r#"{"type":"metrics","step":1,"time":1772809200.355,"metrics":{"loss":{"a":1},"acc":0,"lr":1}}"#,
        r#"{"type":"metrics","step":1,"time":1772809200.355,"metrics":{"lost":2.497,"acc":0,"lr":1}}"#,
        r#"{"type":"metrics","step":1,"time":1772809200.355,"metrics":{"loss": 2.497,"acc":0,"lr":1}}"#,
        r#"{"type":"metrics","step":1,"time":1772809200.355,"metrics":{"loss":2.497,"acc":0,"lr":1}} x"#,
        r#"{"type":"metrics","step":1,"time":1772809200.355,"metrics":{"loss":2.497,"acc":0,"lr":1"#,
        r#"{"type":"metrics","step":1e400,"time":1772809200.355,"metrics":{"loss":2.497,"acc":0,"lr":1}}"#,
        r#"{"type":"metrics","step":01,"time":1772809200.355,"metrics":{"loss":2.497,"acc":0,"lr":1}}"#,
        r#"{"type":"metrics","step":1,"time":1772809200.355,"metrics":{"loss":nulls,"acc":0,"lr":1}}"#,
        r#"{"type":"metrics","step":1,"time":1772809200.355,"metrics":{"loss":"a\"b","acc":0,"lr":1}}"#,
        r#"{"type":5,"step":1,"time":1772809200.355,"metrics":{"loss":2.497,"acc":0,"lr":1}}"#,
    ];
    assert_eq!(agreement(&odd), (0, 0));
    // Bare metric lines, and a line with no values at all.
    assert_eq!(
        agreement(&[r#"{"step":1,"loss":0.5}"#, r#"{"step":2,"loss":0.25}"#]),
        (1, 0)
    );
    assert_eq!(agreement(&["{}", "{}", " {} "]), (1, 0));
    // Bytes that are not UTF-8 where a value stands, after a line that set the shape: the
    // same error as checking the line first.
    let numbers_line = log[0].as_bytes();
    let broken = |value: &[u8]| {
        let at = numbers_line.windows(5).position(|w| w == b"2.497").unwrap();
        [&numbers_line[..at], value, &numbers_line[at + 5..]].concat()
    };
    let (invalid, cut) = (broken(b"2.\xff97"), broken(b"\xc3"));
    let lines: [&[u8]; 4] = [numbers_line, &invalid, &cut, numbers_line];
    let agreed = same_as_serde_lines(&lines).unwrap();
    assert_eq!((agreed.by_shape, agreed.without_record), (1, 1));
    // Python's words where a number stood, and words that only look like them.
    let words = [
        "NaN",
        "Infinity",
        "-Infinity",
        "NaX",
        "Nan",
        "Inf",
        "-Infinit",
        "NaN0",
        "-NaN",
    ];
    let lines: Vec<Vec<u8>> = (words.iter())
        .flat_map(|word| [numbers_line.to_vec(), broken(word.as_bytes())])
        .collect();
    let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
    let agreed = same_as_serde_lines(&lines).unwrap();
    // A line the fast path refuses clears the shape: the numbers line after it sets it again.
    assert_eq!((agreed.by_shape, agreed.without_record), (6, 6));
}

/// The series a layout's metrics went to are kept for the lines of that layout only: a log
/// whose writer changed the order of its metrics, or renamed one, and changed back, gives each
/// value to the series of its own name.
#[test]
fn each_layout_gives_its_metrics_to_their_own_series() {
    let line = |step: u32, metrics: &str| {
        format!(r#"{{"type":"metrics","step":{step},"time":1772809200.5,"metrics":{{{metrics}}}}}"#)
    };
    let a = |step| line(step, r#""loss":0.5,"acc":0.25"#);
    let swapped = |step| line(step, r#""acc":0.75,"loss":1.5"#);
    let renamed = |step| line(step, r#""lost":2.5,"acc":0.125"#);
    let lines = [
        a(0),
        a(1),
        a(2),
        swapped(3),
        swapped(4),
        swapped(5),
        a(6),
        a(7),
        renamed(8),
        renamed(9),
        renamed(10),
        a(11),
        a(12),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    // Each layout's first line records it; the others are read along it, without a record.
    assert_eq!(agreement(&lines), (8, 8));
    let bytes: Vec<&[u8]> = lines.iter().map(|line| line.as_bytes()).collect();
    let mut parser = LineParser::default();
    let mut run = RunBuilder::new("p/run.jsonl", std::path::Path::new("p"), 100);
    for (number, line) in (1..).zip(&bytes) {
        parser.read_into(line, number, &mut run).unwrap();
    }
    assert_eq!(run.metric_order, ["loss", "acc", "lost"]);
    let values = |series: SeriesBuilder| -> Vec<(i64, f64)> {
        let (series, _) = series.finish();
        series.points.iter().map(|p| (p.step, p.value)).collect()
    };
    let [loss, acc, lost]: [SeriesBuilder; 3] = run.series.clone().try_into().unwrap();
    let loss_at = |steps: &[i64], value: f64| -> Vec<(i64, f64)> {
        steps.iter().map(|&s| (s, value)).collect()
    };
    let expected: Vec<(i64, f64)> = [
        loss_at(&[0, 1, 2], 0.5),
        loss_at(&[3, 4, 5], 1.5),
        loss_at(&[6, 7, 11, 12], 0.5),
    ]
    .concat();
    assert_eq!(values(loss), expected);
    let acc = values(acc);
    assert_eq!(acc.len(), 13);
    assert_eq!(acc[4], (4, 0.75));
    assert_eq!(acc[9], (9, 0.125));
    assert_eq!(acc[12], (12, 0.25));
    assert_eq!(values(lost), [(8, 2.5), (9, 2.5), (10, 2.5)]);
}

/// Keys a log would have, mostly; sometimes odd ones.
fn plain_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop_oneof![Just("step"), Just("time"), Just("epoch"), Just("loss"), Just("acc")]
            .prop_map(|k| format!("\"{k}\"")),
        1 => key(),
    ]
}

/// A log: lines that share a layout (keys, whitespace, where `metrics` stands) with values
/// drawn afresh for each line, some of them cut or with a character put in.
fn log() -> impl Strategy<Value = Vec<Vec<u8>>> {
    // Most logs open their lines with a type: `"type"` is put first in three layouts of four.
    let top = (
        proptest::collection::vec((plain_key(), space()), 0..4),
        0u8..4,
    )
        .prop_map(|(mut keys, typed)| {
            if typed > 0 {
                keys.insert(0, ("\"type\"".to_owned(), ""));
            }
            keys
        });
    let layout = (
        top,
        proptest::option::of(proptest::collection::vec((plain_key(), space()), 0..5)),
        space(),
    );
    let values = proptest::collection::vec(
        (
            proptest::collection::vec(
                prop_oneof![
                    6 => (-1e6f64..1e6).prop_map(|v| v.to_string()),
                    2 => any::<i32>().prop_map(|v| v.to_string()),
                    2 => number(),
                    1 => value(),
                ],
                9,
            ),
            prop_oneof![
                4 => Just("\"metrics\"".to_owned()),
                1 => Just("\"end\"".to_owned()),
                1 => value()
            ],
            0u8..10,
            any::<(prop::sample::Index, char)>(),
        ),
        1..6,
    );
    (layout, values).prop_map(|((top, metrics, sp), lines)| {
        (lines.into_iter())
            .map(|(values, kind, odd, (at, c))| {
                let mut values = values.into_iter();
                let mut entries: Vec<String> = (top.iter())
                    .map(|(k, s)| {
                        let v = if k == "\"type\"" {
                            kind.clone()
                        } else {
                            values.next().unwrap()
                        };
                        format!("{s}{k}{s}:{s}{v}{s}")
                    })
                    .collect();
                if let Some(metrics) = &metrics {
                    let body: Vec<String> = (metrics.iter())
                        .map(|(k, s)| {
                            format!("{s}{k}{s}:{s}{}{s}", values.next().unwrap_or_default())
                        })
                        .collect();
                    entries.push(format!("{sp}\"metrics\":{{{}}}", body.join(",")));
                }
                let mut line = format!("{sp}{{{}}}", entries.join(","));
                let broken = odd == 2;
                let boundaries: Vec<usize> = (0..=line.len())
                    .filter(|&i| line.is_char_boundary(i))
                    .collect();
                let at = boundaries[at.index(boundaries.len())];
                match odd {
                    0 => line.truncate(at),
                    1 => line.insert(at, c),
                    _ => {}
                }
                let mut line = line.into_bytes();
                if broken {
                    // A byte that is never UTF-8, or the first of a character cut short.
                    line.insert(at, if c.is_ascii() { 0xff } else { 0xc3 });
                }
                line
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_line_parser_and_serde_json_agree_on_any_log(lines in log()) {
        let lines: Vec<&[u8]> = lines.iter().map(Vec::as_slice).collect();
        if let Err(difference) = same_as_serde_lines(&lines) {
            panic!("{lines:?}: {difference}");
        }
    }
}

/// Generated logs joined with every kind of line end (CR LF, a lone CR, blank lines, a
/// trailing space, a byte-order mark mid-file, no end at all) and numbers-only metrics lines.
fn joined_log() -> impl Strategy<Value = Vec<u8>> {
    let ends = proptest::collection::vec(
        prop_oneof![
            12 => Just(&b"\n"[..]),
            1 => Just(&b"\r\n"[..]),
            1 => Just(&b"\r"[..]),
            1 => Just(&b"\n\n"[..]),
            1 => Just(&b" \n"[..]),
            1 => Just(&b"\n\xEF\xBB\xBF"[..]),
            1 => Just(&b""[..]),
        ],
        0..40,
    );
    let numbers = proptest::collection::vec((0i64..50, -1e3f64..1e3, 0u8..3), 0..30);
    (log(), numbers, ends).prop_map(|(lines, numbers, ends)| {
        let mut all: Vec<Vec<u8>> = lines;
        for (step, value, layout) in numbers {
            all.push(match layout {
                0 => format!(r#"{{"type":"metrics","step":{step},"metrics":{{"loss":{value},"acc":NaN}}}}"#),
                1 => format!(r#"{{"type":"metrics","step":{step},"time":1.5,"metrics":{{"loss":{value}}}}}"#),
                _ => format!(r#"{{"type":"metrics","step":{step},"metrics":{{"acc":{value},"loss":1}}}}"#),
            }.into_bytes());
        }
        // Numbers lines mostly after one another, as in a log; the generated ones spread in.
        all.sort_by_key(|line| line.first().copied());
        let mut bytes = Vec::new();
        for (i, line) in all.iter().enumerate() {
            bytes.extend_from_slice(line);
            bytes.extend_from_slice(ends.get(i).copied().unwrap_or(b"\n"));
        }
        bytes
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Lines read straight from the stream's buffer (`LineParser::read_buffered_line`) give the
    /// very reading that lines found first and parsed after give: a buffer of one byte never
    /// holds a whole line, one of 7 bytes cuts most, one of 64 KiB almost none.
    #[test]
    fn lines_read_from_the_buffer_read_as_lines_found_first(bytes in joined_log()) {
        if let Err(difference) = same_reading_from_the_buffer(&bytes) {
            panic!("{:?}: {difference}", String::from_utf8_lossy(&bytes));
        }
    }
}

#[test]
fn a_log_of_metrics_lines_is_read_from_the_buffer_as_line_by_line() {
    let mut log = String::from("{\"type\":\"header\",\"run\":\"a\"}\n");
    for step in 0..3000 {
        let line = format!(
            "{{\"type\":\"metrics\",\"step\":{step},\"time\":{}.5,\"metrics\":{{\"loss\":{},\"acc\":{}}}}}\n",
            1_700_000_000 + step,
            1.0 / f64::from(step + 1),
            f64::from(step % 7) * 0.125
        );
        log.push_str(&line);
        if step == 1500 {
            log.push_str("{\"type\":\"metrics\",\"step\":1500,\"metrics\":{\"loss\":NaN}}\r\n");
        }
    }
    log.push_str(
        "{\"type\":\"metrics\",\"step\":3000,\"time\":1.5,\"metrics\":{\"loss\":0.1,\"acc\"",
    );
    let reference = check::reading(log.as_bytes(), 1);
    assert!(reference.contains("cut off"), "{reference}");
    assert!(
        reference.contains(", 3002, "),
        "3,002 lines before the cut one: {reference}"
    );
    for capacity in [2, 64, 300, 4096, 256 * 1024] {
        assert_eq!(
            check::reading(log.as_bytes(), capacity),
            reference,
            "capacity {capacity}"
        );
    }
}
