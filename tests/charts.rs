//! Charts in built sites: every SVG is well-formed XML and small, and a million-step run keeps
//! its spike.

mod common;

use std::io::Write;

use common::*;

#[test]
fn every_svg_of_the_example_site_is_xml_and_under_100_kb() {
    let (_dir, site) = build_site(&example_logs(), &[]);
    let (mut files, mut inline) = (0, 0);
    for (path, bytes) in read_tree(&site) {
        if !path.ends_with(".svg") && !path.ends_with(".html") {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{path} is not UTF-8"));
        let charts: Vec<&str> = if path.ends_with(".svg") {
            files += 1;
            vec![text.as_str()]
        } else if path.ends_with(".html") {
            // Charts drawn into pages (every run's charts are only there).
            text.match_indices(r#"<svg class="chart""#)
                .map(|(start, _)| {
                    let end = start + text[start..].find("</svg>").unwrap() + 6;
                    inline += 1;
                    &text[start..end]
                })
                .collect()
        } else {
            continue;
        };
        for chart in charts {
            roxmltree::Document::parse(chart).unwrap_or_else(|e| panic!("{path}: {e}"));
            assert!(chart.len() < 100_000, "{path}: {} bytes", chart.len());
        }
    }
    assert!(files > 40, "only {files} figure files");
    assert!(inline > 100, "only {inline} inline charts");
}

#[test]
fn a_million_step_run_builds_with_small_charts_and_its_spike() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs/long");
    std::fs::create_dir_all(&logs).unwrap();
    let mut file = std::io::BufWriter::new(std::fs::File::create(logs.join("run.jsonl")).unwrap());
    writeln!(file, r#"{{"type":"header","run":"long"}}"#).unwrap();
    for step in 0..1_000_000u32 {
        let loss = if step == 612_345 {
            777.0
        } else {
            1.0 + f64::from(step % 1000) / 1000.0
        };
        writeln!(file, r#"{{"step":{step},"loss":{loss}}}"#).unwrap();
    }
    drop(file);
    let site = dir.path().join("site");
    ahnb()
        .arg("build")
        .arg(dir.path().join("logs"))
        .arg("-o")
        .arg(&site)
        .arg("--no-raw-logs")
        .assert()
        .success();
    let page = common::read_page(site.join("long/runs/long.html"));
    // A run's charts are inline (no files of their own).
    let start = page.find(r#"<svg class="chart""#).expect("an inline chart");
    let figure = &page[start..start + page[start..].find("</svg>").unwrap() + 6];
    roxmltree::Document::parse(figure).unwrap();
    assert!(figure.len() < 100_000, "{} bytes", figure.len());
    assert!(
        figure.contains("points shown"),
        "the figure says it was reduced"
    );
    assert!(
        page.contains(",777,") || page.contains(",777]"),
        "the spike is among the drawn points"
    );
    assert!(
        page.contains("1\u{202F}000\u{202F}000"),
        "the metric table counts every point"
    );
}
