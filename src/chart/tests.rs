//! Chart tests: snapshots of small charts, well-formed XML, the size bound, honest downsampling.

use super::line::{LineChart, LineSeries, render_line_chart};
use super::parallel::{Axis, AxisValue, ParallelChart, render_parallel};
use super::scatter::{ScatterChart, ScatterPoint, render_scatter};
use super::sparkline::render_sparkline;

fn series(label: &str, points: Vec<(f64, f64)>) -> LineSeries {
    LineSeries {
        label: label.into(),
        color: "#4477AA".into(),
        dash: None,
        total_points: points.len() as u64,
        best: None,
        run: None,
        band: Vec::new(),
        clock: None,
        points,
    }
}

fn line_chart(series: Vec<LineSeries>) -> LineChart {
    LineChart {
        id: "c1".into(),
        title: "loss".into(),
        x_label: "step".into(),
        y_label: "loss".into(),
        series,
        log_y: None,
        note: None,
        clocks: Vec::new(),
        time_label: String::new(),
    }
}

/// Parses an SVG as XML and returns it, failing the test on malformed markup.
fn parse_xml(svg: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("malformed SVG: {e}\n{svg}"))
}

#[test]
fn small_line_chart_snapshot() {
    let mut train = series(
        "loss",
        vec![(0.0, 2.3), (1.0, 1.1), (2.0, f64::NAN), (3.0, 0.6)],
    );
    train.best = Some((3.0, 0.6));
    let mut val = series("val_loss", vec![(0.0, 2.4), (1.0, 1.3), (3.0, 0.9)]);
    val.dash = Some("6 4");
    val.color = "#EE6677".into();
    let chart = render_line_chart(&line_chart(vec![train, val]));
    parse_xml(&chart.svg);
    insta::assert_snapshot!("line_chart_small", chart.svg);
    insta::assert_snapshot!("line_chart_small_data", chart.data.unwrap());
}

#[test]
fn identical_input_gives_identical_svg() {
    let make = || {
        render_line_chart(&line_chart(vec![series(
            "a",
            (0..500).map(|i| (i as f64, (i as f64).sin())).collect(),
        )]))
    };
    assert_eq!(make(), make());
}

#[test]
fn a_million_points_stay_under_100_kb_and_keep_the_spike() {
    let mut points: Vec<(f64, f64)> = (0..1_000_000)
        .map(|i| (i as f64, 1.0 + (i as f64 * 0.001).sin() * 0.1))
        .collect();
    points[765_432].1 = 50.0;
    points[123_456].1 = f64::NAN;
    let mut s = series("loss", points);
    s.total_points = 1_000_000;
    let chart = render_line_chart(&line_chart(vec![s]));
    assert!(chart.svg.len() < 100_000, "{} bytes", chart.svg.len());
    let doc = parse_xml(&chart.svg);
    assert!(chart.svg.contains("points shown"), "says it was reduced");
    assert!(chart.svg.contains("1 non-finite values"), "counts the gap");
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("path") && n.attribute("class") == Some("gap"))
    );
    // The spike is the maximum, so the y axis reaches 50 and some path vertex sits at the top.
    let data = chart.data.unwrap();
    assert!(
        data.contains(",50,") || data.contains(",50]"),
        "spike kept in the data"
    );
}

#[test]
fn many_series_share_the_size_budget() {
    let series: Vec<LineSeries> = (0..40)
        .map(|r| {
            series(
                &format!("run {r}"),
                (0..5000)
                    .map(|i| (i as f64, (i * r) as f64 % 7.0))
                    .collect(),
            )
        })
        .collect();
    let chart = render_line_chart(&line_chart(series));
    assert!(chart.svg.len() < 100_000, "{} bytes", chart.svg.len());
    parse_xml(&chart.svg);
    assert!(chart.svg.contains("+24 more"));
}

#[test]
fn log_scale_when_values_span_decades() {
    let s = series(
        "loss",
        (1..100)
            .map(|i| (i as f64, 1000.0 / (i * i) as f64))
            .collect(),
    );
    let chart = render_line_chart(&line_chart(vec![s]));
    assert!(chart.svg.contains(r#"data-log-y="true""#));
}

/// Regression: on a log axis plotters drew one label of its own under the chart's tick labels
/// (a smudged, doubled "1e-5" at the bottom of every learning-rate chart).
#[test]
fn a_log_axis_shows_each_tick_label_once() {
    let s = series(
        "lr",
        (1..100)
            .map(|i| (i as f64, 1e-3 / (i * i) as f64))
            .collect(),
    );
    let chart = render_line_chart(&line_chart(vec![s]));
    assert!(chart.svg.contains(r#"data-log-y="true""#));
    let doc = parse_xml(&chart.svg);
    let mut labels: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty() && t.parse::<f64>().is_ok())
        .collect();
    let all = labels.len();
    labels.sort();
    labels.dedup();
    assert!(labels.contains(&"1e-5".to_owned()), "{labels:?}");
    assert_eq!(all, labels.len(), "a tick label drawn twice: {labels:?}");
}

#[test]
fn labels_are_escaped() {
    let s = series("<script>alert(1)</script>", vec![(0.0, 1.0), (1.0, 2.0)]);
    let mut c = line_chart(vec![s]);
    c.title = "a & <b>".into();
    let chart = render_line_chart(&c);
    parse_xml(&chart.svg);
    assert!(!chart.svg.contains("<script>"));
    assert!(!chart.data.unwrap().contains("</script>"));
}

/// The scan for characters XML forbids goes by bytes; both kinds (a C0 control, one byte, and
/// U+FFFE/U+FFFF, three bytes led by 0xEF) are still found, alone too, and an ordinary character
/// led by 0xEF (U+FF01) is left as it is.
#[test]
fn non_xml_characters_in_a_title_are_replaced() {
    for (title, shown) in [
        ("a\u{FFFE}b\u{FF01}", "a\u{FFFD}b\u{FF01}"),
        ("a\u{1}b\u{FFFF}", "a\u{FFFD}b\u{FFFD}"),
    ] {
        let mut c = line_chart(vec![series("loss", vec![(0.0, 1.0), (1.0, 2.0)])]);
        c.title = title.into();
        let chart = render_line_chart(&c);
        parse_xml(&chart.svg);
        assert!(chart.svg.contains(shown), "{}", chart.svg);
    }
}

#[test]
fn scatter_parallel_and_sparkline_are_well_formed() {
    let points = (0..10)
        .map(|i| ScatterPoint {
            x: 10f64.powi(-i),
            y: 0.9 + i as f64 / 100.0,
            color: "#228833".into(),
            run: i as usize,
            label: format!("run {i} <x>"),
        })
        .collect();
    let scatter = render_scatter(&ScatterChart {
        id: "s".into(),
        title: "acc vs lr".into(),
        x_label: "lr".into(),
        y_label: "acc".into(),
        points,
        note: None,
    });
    parse_xml(&scatter.svg);
    assert_eq!(scatter.svg.matches("class=\"point\"").count(), 10);

    let parallel = render_parallel(&ParallelChart {
        id: "p".into(),
        title: "hyperparameters".into(),
        axes: vec![
            Axis {
                name: "lr".into(),
                values: vec![
                    AxisValue::Number(0.1),
                    AxisValue::Number(0.001),
                    AxisValue::Missing,
                ],
            },
            Axis {
                name: "opt".into(),
                values: vec![
                    AxisValue::Category("adam".into()),
                    AxisValue::Category("sgd".into()),
                    AxisValue::Category("adam".into()),
                ],
            },
            Axis {
                name: "acc".into(),
                values: vec![
                    AxisValue::Number(0.9),
                    AxisValue::Number(0.95),
                    AxisValue::Number(f64::NAN),
                ],
            },
        ],
        runs: vec![(0, "a".into()), (1, "b".into()), (2, "c".into())],
        higher_is_better: true,
        note: None,
    });
    parse_xml(&parallel.svg);
    assert_eq!(parallel.svg.matches("class=\"pc-line\"").count(), 3);
    insta::assert_snapshot!("parallel_small", parallel.svg);

    let spark = render_sparkline(&[(0.0, 1.0), (1.0, 0.5), (2.0, 0.7)], "#4477AA", "loss");
    parse_xml(&spark);
}

/// A run's clock keeps the corners of its wall time (a pause) and drops what interpolation
/// restores to within the tolerance.
#[test]
fn wall_clock_keeps_pauses_and_drops_straight_stretches() {
    use crate::chart::line::WallClock;
    // One second per step for 1,000 steps, a 10-minute pause, then 2 seconds per step.
    let mut points: Vec<(i64, f64)> = (0..1000).map(|s| (s, s as f64)).collect();
    points.extend((1000..2000).map(|s| (s, 999.0 + 600.0 + (s - 999) as f64 * 2.0)));
    let clock = WallClock::simplified(&points, 1.0);
    assert!(clock.points.len() <= 6, "{:?}", clock.points);
    assert!(clock.points.contains(&(999, 999.0)) && clock.points.contains(&(1000, 1601.0)));
    assert_eq!(clock.points.first(), Some(&(0, 0.0)));
    assert_eq!(clock.points.last(), points.last());
    // Every dropped point is within the tolerance of the line through its kept neighbours.
    for &(s, t) in &points {
        let i = clock.points.partition_point(|p| p.0 <= s);
        let (a, b) = (
            clock.points[i.saturating_sub(1)],
            clock.points[i.min(clock.points.len() - 1)],
        );
        let expected = if b.0 == a.0 {
            a.1
        } else {
            a.1 + (b.1 - a.1) * (s - a.0) as f64 / (b.0 - a.0) as f64
        };
        assert!((expected - t).abs() <= 1.0, "step {s}: {expected} vs {t}");
    }
    assert_eq!(WallClock::simplified(&points[..2], 1.0).points, points[..2]);
}

/// One diverged run at 1e21 among nineteen healthy losses: the default axis covers the healthy
/// runs (linear, as they are), the diverged values are marked at the top edge and counted, and
/// the script gets the whole range for "show all".
#[test]
fn a_diverged_run_does_not_squash_the_healthy_ones() {
    let mut runs: Vec<LineSeries> = (0..19)
        .map(|i| {
            let start = 2.0 + i as f64 * 0.02;
            series(
                &format!("r{i}"),
                (0..10)
                    .map(|s| (s as f64, start / (s as f64 + 1.0)))
                    .collect(),
            )
        })
        .collect();
    runs.push(series(
        "diverged",
        (0..10).map(|s| (s as f64, 10f64.powi(s * 3))).collect(),
    ));
    let chart = render_line_chart(&line_chart(runs));
    let data: serde_json::Value = serde_json::from_str(chart.data.as_ref().unwrap()).unwrap();
    assert_eq!(data["logY"], false, "the healthy runs want no log axis");
    let (y0, y1) = (
        data["y"][0].as_f64().unwrap(),
        data["y"][1].as_f64().unwrap(),
    );
    assert!(y0 < 0.2 && y1 > 2.36 && y1 < 3.0, "{y0}..{y1}");
    assert!(
        data["yAll"][1].as_f64().unwrap() >= 1e27,
        "show all reaches the outlier"
    );
    assert_eq!(data["logAll"], true);
    let doc = parse_xml(&chart.svg);
    let marks = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("off-scale"))
        .count();
    assert_eq!(marks, 1, "one mark where the diverged run leaves the axis");
    let footnote = chart
        .svg
        .split("class=\"footnote\"")
        .nth(1)
        .unwrap_or_default();
    assert!(
        footnote.contains("9 outlying values beyond the axis"),
        "{footnote}"
    );
}

#[test]
fn legend_labels_keep_what_differs_and_cut_what_all_share() {
    use super::shorten_distinct;
    let labels = [
        "mnist-sweep-lr0.001-dropout0.1-seed1",
        "mnist-sweep-lr0.001-dropout0.25-seed1",
        "mnist-sweep-lr0.003-dropout0.1-seed1",
    ];
    let short = shorten_distinct(&labels, 20);
    assert_eq!(
        short,
        [
            "…lr0.001-dropout0.1…",
            "…lr0.001-…opout0.25…",
            "…lr0.003-dropout0.1…",
        ]
    );
    // Every shortened label is still told apart from the others, and none is over the room.
    assert!(short.iter().all(|s| s.chars().count() <= 20));
    // Labels that fit keep their whole name; a lone long label is cut in the middle.
    assert_eq!(shorten_distinct(&["a-1", "a-2"], 20), ["a-1", "a-2"]);
    assert_eq!(
        shorten_distinct(&["abcdefghijklmnopqrstuvwxyz"], 10),
        ["abcd…vwxyz"]
    );
    // A differing part longer than the room is itself cut in the middle.
    let long = shorten_distinct(
        &[
            "x-aaaaaaaaaaaaaaaaaaaaaaaaa1-y",
            "x-bbbbbbbbbbbbbbbbbbbbbbbbb2-y",
        ],
        12,
    );
    assert_eq!(long, ["…aaaa…aaaa1…", "…bbbb…bbbb2…"]);
}
