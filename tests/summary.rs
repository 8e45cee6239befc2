//! `ahnb summary`: snapshots of every format on the example logs, baseline matching and the noise
//! test on constructed logs with known answers, GitHub's size limit on 5,000 runs, the CLI, and
//! (where pdflatex is installed) that the LaTeX compiles.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use ahnb::report::{Format, Summary, SummaryOptions, markdown, render, summarize};
use ahnb::{LoadOptions, load};
use common::*;
use predicates::prelude::*;
use serde_json::Value;

const SITE: &str = "https://example.org/ahnb/";

fn summary_of(logs: &Path, baseline: Option<&Path>, options: &SummaryOptions) -> Summary {
    let projects = load(logs, &LoadOptions::default()).unwrap().projects;
    let baseline = baseline.map(|b| {
        ahnb::load_allowing_no_runs(b, &LoadOptions::default())
            .unwrap()
            .projects
    });
    summarize(&projects, baseline.as_deref(), options).unwrap()
}

fn with_site() -> SummaryOptions {
    SummaryOptions {
        site_url: Some(SITE.to_owned()),
        ..SummaryOptions::default()
    }
}

/// Writes one native log: a header, one metrics record per step, an optional end record.
struct LogBuilder {
    text: String,
}

impl LogBuilder {
    fn new(project: &str, run: &str, header_extra: &str) -> Self {
        let mut text = String::new();
        writeln!(
            text,
            r#"{{"type": "header", "format_version": 1, "project": "{project}", "run": "{run}"{header_extra}}}"#
        )
        .unwrap();
        LogBuilder { text }
    }

    fn step(mut self, step: i64, metrics: &str) -> Self {
        writeln!(
            self.text,
            r#"{{"type": "metrics", "step": {step}, "metrics": {{{metrics}}}}}"#
        )
        .unwrap();
        self
    }

    fn end(mut self, status: &str) -> Self {
        writeln!(self.text, r#"{{"type": "end", "status": "{status}"}}"#).unwrap();
        self
    }

    fn write(self, dir: &Path, file: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join(file), self.text).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------
// Snapshots of every format on the example logs.

#[test]
fn markdown_of_the_example_logs() {
    let summary = summary_of(&example_logs(), None, &with_site());
    let text = render(&summary, Format::Markdown, &with_site());
    assert!(text.starts_with(markdown::MARKER));
    assert!(!text.contains("data:"), "GitHub strips data: images");
    insta::assert_snapshot!("summary_md", text);
}

/// A baseline made from the example logs: one run fewer, and the `lr0.001-do0.5` seeds 0.01
/// worse on validation accuracy wherever it passed 0.99.
fn write_example_baseline(root: &Path) -> std::path::PathBuf {
    let baseline = root.join("baseline");
    let source = example_logs().join("mnist-cnn");
    std::fs::create_dir_all(baseline.join("mnist-cnn")).unwrap();
    for entry in std::fs::read_dir(&source).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".jsonl") || name.starts_with("lr0.1-") {
            continue;
        }
        let mut text = std::fs::read_to_string(&path).unwrap();
        if name.starts_with("lr0.001-do0.5-") {
            text = text.replace("\"val_accuracy\": 0.99", "\"val_accuracy\": 0.98");
        }
        std::fs::write(baseline.join("mnist-cnn").join(name), text).unwrap();
    }
    baseline
}

#[test]
fn markdown_against_a_baseline_of_the_example_logs() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = write_example_baseline(dir.path());
    let options = SummaryOptions {
        project: Some("mnist-cnn".to_owned()),
        top: 5,
        ..with_site()
    };
    let summary = summary_of(&example_logs(), Some(&baseline), &options);
    let text = render(&summary, Format::Markdown, &options);
    assert!(text.contains("1 new run: `lr0.1-do0.25-seed1`."), "{text}");
    insta::assert_snapshot!("summary_md_baseline", text);
}

/// Every link of the Markdown points at a page that `ahnb build` writes.
#[test]
fn site_links_match_the_built_site() {
    let (_dir, site) = build_site(&example_logs(), &[]);
    let options = SummaryOptions {
        top: 100,
        ..with_site()
    };
    let text = render(
        &summary_of(&example_logs(), None, &options),
        Format::Markdown,
        &options,
    );
    let mut checked = 0;
    for piece in text.split(&format!("]({SITE}")).skip(1) {
        let relative = &piece[..piece.find(')').unwrap()];
        let file = if relative.ends_with('/') || relative.is_empty() {
            format!("{relative}index.html")
        } else {
            relative.to_owned()
        };
        assert!(site.join(&file).is_file(), "{file} is not in the site");
        checked += 1;
    }
    assert!(
        checked >= 28 + 3,
        "every run and project is linked ({checked})"
    );
}

#[test]
fn latex_of_the_example_logs() {
    let options = SummaryOptions::default();
    let text = render(
        &summary_of(&example_logs(), None, &options),
        Format::Latex,
        &options,
    );
    for rule in ["\\toprule", "\\midrule", "\\bottomrule"] {
        assert_eq!(text.matches(rule).count(), 3, "{rule} once per project");
    }
    assert!(!text.contains('|'), "no vertical rules (and no raw pipes)");
    assert!(text.contains("\\mathbf{"), "best values bold");
    insta::assert_snapshot!("summary_latex", text);
}

#[test]
fn latex_precision_is_applied() {
    let options = SummaryOptions {
        precision: 2,
        project: Some("mnist-cnn".to_owned()),
        ..SummaryOptions::default()
    };
    let text = render(
        &summary_of(&example_logs(), None, &options),
        Format::Latex,
        &options,
    );
    assert!(text.contains("$\\mathbf{0.99 \\pm 0.00}$"), "{text}");
}

#[test]
fn csv_of_the_example_logs() {
    let options = SummaryOptions::default();
    let text = render(
        &summary_of(&example_logs(), None, &options),
        Format::Csv,
        &options,
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1 + 2 + 20 + 6, "a header and one row per run");
    // Unrounded: the logged value itself, not 4 significant digits.
    assert!(text.contains(",0.025432,"), "unrounded value");
    insta::assert_snapshot!("summary_csv", text);
}

#[test]
fn json_of_the_example_logs() {
    let options = with_site();
    let text = render(
        &summary_of(&example_logs(), None, &options),
        Format::Json,
        &options,
    );
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["schema"], "ahnb.summary/1");
    let runs: usize = value["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["runs"].as_array().unwrap().len())
        .sum();
    assert_eq!(runs, 28, "every run, not only the top");
    insta::assert_snapshot!("summary_json", text);
}

/// Every field name in the JSON output is documented in docs/summary-json.md.
#[test]
fn json_fields_are_documented() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/summary-json.md"))
            .unwrap();
    assert!(doc.contains("ahnb.summary/1"));
    let dir = tempfile::tempdir().unwrap();
    let (current, baseline) = write_constructed_logs(dir.path());
    let options = SummaryOptions::default();
    let mut values = vec![
        serde_json::from_str::<Value>(&render(
            &summary_of(&example_logs(), None, &options),
            Format::Json,
            &options,
        ))
        .unwrap(),
    ];
    values.push(
        serde_json::from_str(&render(
            &summary_of(&current, Some(&baseline), &options),
            Format::Json,
            &options,
        ))
        .unwrap(),
    );
    // Objects whose keys are names from the logs rather than schema fields.
    const MAPS: [&str; 4] = ["metrics", "last_metrics", "params", "status_counts"];
    fn walk(value: &Value, parent: &str, doc: &str, missing: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, inner) in map {
                    if MAPS.contains(&parent) {
                        walk(inner, "", doc, missing);
                        continue;
                    }
                    if !doc.contains(&format!("`{key}`")) {
                        missing.push(key.clone());
                    }
                    walk(inner, key, doc, missing);
                }
            }
            Value::Array(items) => {
                for item in items {
                    walk(item, "", doc, missing);
                }
            }
            _ => {}
        }
    }
    let mut missing = Vec::new();
    for value in &values {
        walk(value, "", &doc, &mut missing);
    }
    missing.sort();
    missing.dedup();
    assert!(missing.is_empty(), "undocumented fields: {missing:?}");
}

// ---------------------------------------------------------------------------------------------
// Baseline matching and the significance rule, on constructed logs with known answers.

/// Current and baseline logs of one project, "sweep":
/// - group A (3 runs a side): val_accuracy 0.9912, 0.9905, 0.9921 against 0.9850, 0.9861, 0.9843;
/// - group B (4 runs against 3): 0.1, 0.2, 0.3, 0.4 against 0.25, 0.35, 0.45;
/// - group C (2 runs against 1): not testable;
/// - `new-run` only in the current logs, `old-run` only in the baseline.
fn write_constructed_logs(root: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let current = root.join("current");
    let baseline = root.join("baseline");
    let groups: [(&str, &[f64], &[f64]); 3] = [
        ("A", &[0.9912, 0.9905, 0.9921], &[0.9850, 0.9861, 0.9843]),
        ("B", &[0.1, 0.2, 0.3, 0.4], &[0.25, 0.35, 0.45]),
        ("C", &[0.7, 0.72], &[0.71]),
    ];
    for (group, here, base) in groups {
        for (folder, values) in [(&current, here), (&baseline, base)] {
            for (i, value) in values.iter().enumerate() {
                let seed = i + 1;
                let name = format!("{}-s{seed}", group.to_lowercase());
                let extra = format!(
                    r#", "group": "{group}", "seed": {seed}, "params": {{"arch": "{group}", "seed": {seed}}}"#
                );
                LogBuilder::new("sweep", &name, &extra)
                    // The best value is the one that counts; an earlier worse one must not.
                    .step(
                        1,
                        &format!(r#""val_accuracy": {}, "val_loss": 1.0"#, value - 0.05),
                    )
                    .step(2, &format!(r#""val_accuracy": {value}, "val_loss": 0.5"#))
                    .end("finished")
                    .write(&folder.join("sweep"), &format!("{name}.jsonl"));
            }
        }
    }
    LogBuilder::new("sweep", "new-run", r#", "params": {"arch": "N"}"#)
        .step(1, r#""val_accuracy": 0.5, "val_loss": 0.9"#)
        .end("failed")
        .write(&current.join("sweep"), "new-run.jsonl");
    LogBuilder::new("sweep", "old-run", r#", "params": {"arch": "O"}"#)
        .step(1, r#""val_accuracy": 0.6, "val_loss": 0.8"#)
        .end("finished")
        .write(&baseline.join("sweep"), "old-run.jsonl");
    (current, baseline)
}

fn close(actual: &Value, expected: f64, tolerance: f64) {
    let actual = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{actual} is not a number"));
    assert!(
        (actual - expected).abs() <= tolerance,
        "{actual} is not within {tolerance} of {expected}"
    );
}

#[test]
fn baseline_matches_runs_and_groups_and_tests_noise() {
    let dir = tempfile::tempdir().unwrap();
    let (current, baseline) = write_constructed_logs(dir.path());
    let options = SummaryOptions::default();
    let summary = summary_of(&current, Some(&baseline), &options);
    let json: Value = serde_json::from_str(&render(&summary, Format::Json, &options)).unwrap();
    let project = &json["projects"][0];
    assert_eq!(project["ranking_metric"], "val_accuracy");
    assert_eq!(project["baseline"]["found"], true);
    // In rank order: runs of groups that have fewer runs in the baseline are new too.
    assert_eq!(
        project["baseline"]["new_runs"],
        serde_json::json!(["c-s2", "new-run", "b-s4"])
    );
    assert_eq!(
        project["baseline"]["missing_runs"],
        serde_json::json!(["old-run"])
    );

    let group = |key: &str| {
        project["groups"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == key)
            .unwrap_or_else(|| panic!("group {key}"))
            .clone()
    };
    // scipy.stats.ttest_ind([0.9912, 0.9905, 0.9921], [0.9850, 0.9861, 0.9843],
    // equal_var=False), computed offline: t = 8.771855821059528, p = 0.0009962519286472271,
    // df = 3.9406460542652546.
    let a = group("A");
    let a_delta = &a["baseline"]["metrics"]["val_accuracy"];
    close(&a_delta["welch"]["t"], 8.771_855_821_059_528, 1e-6);
    close(&a_delta["welch"]["p"], 0.000_996_251_928_647_227_1, 1e-8);
    close(&a_delta["welch"]["df"], 3.940_646_054_265_254_6, 1e-6);
    close(&a_delta["delta"], 0.9912_6667 - 0.9851_3333, 1e-6);
    assert_eq!(a_delta["change"], "better");
    assert_eq!(a_delta["beyond_noise"], true);
    assert_eq!(a["baseline"]["runs"].as_array().unwrap().len(), 3);
    // val_loss is the same on both sides: no spread and no change, p = 1.
    assert_eq!(a["baseline"]["metrics"]["val_loss"]["welch"]["p"], 1.0);
    assert_eq!(a["baseline"]["metrics"]["val_loss"]["beyond_noise"], false);

    // scipy.stats.ttest_ind([0.1, 0.2, 0.3, 0.4], [0.25, 0.35, 0.45], equal_var=False):
    // t = -1.1547005383792517, p = 0.3008027072551761, df = 4.959183673469389 (the same as for
    // [1, 2, 3, 4] against [2.5, 3.5, 4.5]: the test is scale-free). By hand: se² = 0.0075,
    // t = -0.1 / sqrt(0.0075).
    let b_delta = &group("B")["baseline"]["metrics"]["val_accuracy"];
    close(&b_delta["welch"]["t"], -1.154_700_538_379_251_7, 1e-8);
    close(&b_delta["welch"]["p"], 0.300_802_707_255_176_1, 1e-8);
    close(&b_delta["welch"]["df"], 4.959_183_673_469_389, 1e-6);
    assert_eq!(b_delta["change"], "worse");
    assert_eq!(b_delta["beyond_noise"], false);

    // One baseline run: a change, but no claim about noise.
    let c_delta = &group("C")["baseline"]["metrics"]["val_accuracy"];
    assert_eq!(c_delta["welch"], Value::Null);
    assert_eq!(c_delta["beyond_noise"], Value::Null);
    assert_eq!(c_delta["baseline"]["n"], 1);

    // Runs are matched by name: a-s1 is 0.9912 against 0.9850.
    let run = project["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "a-s1")
        .unwrap();
    assert_eq!(run["baseline"]["run"], "a-s1");
    close(
        &run["baseline"]["metrics"]["val_accuracy"]["delta"],
        0.0062,
        1e-12,
    );
    assert_eq!(
        run["baseline"]["metrics"]["val_accuracy"]["change"],
        "better"
    );
    let new_run = project["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "new-run")
        .unwrap();
    assert_eq!(new_run["baseline"], Value::Null);
    assert_eq!(new_run["status"], "failed");

    let md = render(&summary, Format::Markdown, &options);
    for expected in [
        "## Training runs compared with the baseline",
        "Best `val_accuracy`: **0.9921** against 0.9861 on the baseline (+0.0060 ↑ 🟢).",
        "3 new runs: `c-s2`, `new-run`, `b-s4`.",
        "1 baseline run not here: `old-run`.",
        "Seed groups on `val_accuracy`: 1 🟢 better and 0 🔴 worse beyond run-to-run noise, 1 within noise, 1 not tested (fewer than two runs a side).",
        "| 1 | `A` | 3 | 0.9913 ± 0.0008 | 0.9851 ± 0.0009 (n = 3) | +0.0061 ↑ 🟢 | < 0.001 | 🟢 better, beyond noise |",
        "| 0.2500 ± 0.1291 | 0.3500 ± 0.1000 (n = 3) | -0.1000 ↓ 🔴 | 0.301 | within noise |",
        "| 0.7100 (n = 1) | ±0 | — | not tested (n < 2 on a side) |",
        "0.9912 (+0.0062 ↑ 🟢)",
        "`new-run` 🆕 | ❌ failed |",
        "⚠️ **Needs attention:** `new-run` ❌ failed",
        "Welch's t-test gives p < 0.05 (two-sided), and is only tested with at least two runs on each side",
    ] {
        assert!(md.contains(expected), "missing {expected:?} in\n{md}");
    }
}

#[test]
fn lower_is_better_flips_the_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let (current, baseline) = write_constructed_logs(dir.path());
    let options = SummaryOptions {
        metrics: vec!["val_loss".to_owned()],
        ..SummaryOptions::default()
    };
    let summary = summary_of(&current, Some(&baseline), &options);
    let project = &summary.projects[0];
    assert_eq!(project.ranking_metric.as_deref(), Some("val_loss"));
    assert_eq!(project.ranking_direction, ahnb::model::Direction::Down);
    let md = render(&summary, Format::Markdown, &options);
    assert!(md.contains("`val_loss` ↓"), "{md}");
    assert!(md.contains("(lower is better)"));
}

#[test]
fn baseline_without_the_project_says_every_run_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let (current, _) = write_constructed_logs(dir.path());
    let empty = dir.path().join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let options = SummaryOptions::default();
    let md = render(
        &summary_of(&current, Some(&empty), &options),
        Format::Markdown,
        &options,
    );
    assert!(
        md.contains("🆕 The baseline has no project `sweep`: every run is new."),
        "{md}"
    );
}

// ---------------------------------------------------------------------------------------------
// GitHub's comment limit.

/// 5,000 runs in one project, with long names and many varying hyperparameters.
fn write_huge_project(root: &Path) {
    let dir = root.join("huge");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..5000 {
        let name = format!("sweep-{i:05}-with|pipes-and-a-rather-long-descriptive-name");
        let lr = 1e-4 * (1 + i % 50) as f64;
        let extra = format!(
            r#", "seed": {}, "params": {{"lr": {lr}, "width": {}, "depth": {}, "dropout": {}, "wd": {}, "seed": {}}}"#,
            i % 3,
            64 * (1 + i % 7),
            2 + i % 5,
            0.1 * (i % 4) as f64,
            1e-5 * (i % 6) as f64,
            i % 3
        );
        let value = 0.5 + 0.4 * ((i * 7919) % 5000) as f64 / 5000.0;
        let mut log = LogBuilder::new("huge", &name, &extra);
        for step in 1..=4 {
            log = log.step(
                step,
                &format!(
                    r#""val_accuracy": {}, "val_loss": {}"#,
                    value * step as f64 / 4.0,
                    1.0 - value * step as f64 / 4.0
                ),
            );
        }
        let status = if i % 97 == 0 { "failed" } else { "finished" };
        log.end(status).write(&dir, &format!("run-{i:05}.jsonl"));
    }
}

#[test]
fn markdown_stays_under_githubs_limit_with_5000_runs() {
    let dir = tempfile::tempdir().unwrap();
    write_huge_project(dir.path());
    let logs = dir.path();
    let projects = load(logs, &LoadOptions::default()).unwrap().projects;
    assert_eq!(projects[0].runs.len(), 5000);

    // Everything asked for: the tables are cut to fit, with a line linking the rest.
    let options = SummaryOptions {
        top: 5000,
        site_url: Some(SITE.to_owned()),
        ..SummaryOptions::default()
    };
    let summary = summarize(&projects, None, &options).unwrap();
    let text = render(&summary, Format::Markdown, &options);
    eprintln!(
        "markdown for 5,000 runs with --top 5000: {} bytes, {} characters",
        text.len(),
        text.chars().count()
    );
    assert!(text.len() <= markdown::GITHUB_COMMENT_LIMIT);
    assert!(
        text.len() > markdown::GITHUB_COMMENT_LIMIT - 2000,
        "fills the room it has"
    );
    let cut = regex_like_more_runs(&text);
    assert!(cut > 4000, "most runs are behind the link ({cut})");
    assert!(text.contains(&format!(
        "… {cut} more runs: [see them all on the dashboard]({SITE}huge/)"
    )));
    assert!(text.contains("with\\|pipes"), "pipes escaped in cells");
    assert!(!text.contains("with|pipes"));
    assert!(
        text.trim_end().ends_with("</sub>"),
        "the footnote survives the cut"
    );

    // The default: ten runs and a short comment.
    let options = SummaryOptions::default();
    let text = render(
        &summarize(&projects, None, &options).unwrap(),
        Format::Markdown,
        &options,
    );
    eprintln!("markdown for 5,000 runs by default: {} bytes", text.len());
    assert!(text.len() < 10_000);
    assert!(text.contains("… 4990 more runs (raise `--top`"));

    // With a baseline too (the same logs: every change is zero).
    let options = SummaryOptions {
        top: 5000,
        ..SummaryOptions::default()
    };
    let summary = summarize(&projects, Some(&projects), &options).unwrap();
    let text = render(&summary, Format::Markdown, &options);
    eprintln!(
        "markdown for 5,000 runs against a baseline: {} bytes",
        text.len()
    );
    assert!(text.len() <= markdown::GITHUB_COMMENT_LIMIT);
}

/// The N of the first "… N more runs" line.
fn regex_like_more_runs(text: &str) -> usize {
    let start = text.find("… ").expect("a cut line") + "… ".len();
    let rest = &text[start..];
    rest[..rest.find(' ').unwrap()].parse().unwrap()
}

#[test]
fn many_projects_are_cut_at_a_line() {
    let options = SummaryOptions {
        site_url: Some(SITE.to_owned()),
        ..SummaryOptions::default()
    };
    let summary = summary_of(&example_logs(), None, &options);
    let text = markdown::render_within(&summary, &options, 700);
    assert!(text.len() <= 700, "{}", text.len());
    assert!(
        text.ends_with(
            "… cut to fit a GitHub comment; [see everything](https://example.org/ahnb)\n"
        )
    );
}

// ---------------------------------------------------------------------------------------------
// The command line.

#[test]
fn cli_writes_each_format_to_stdout_or_a_file() {
    for (format, start) in [
        ("md", "<!-- ahnb-summary -->"),
        ("markdown", "<!-- ahnb-summary -->"),
        ("latex", "% Generated by `ahnb summary --format latex`"),
        ("csv", "project,run,rank,status"),
        ("json", "{\n  \"schema\": \"ahnb.summary/1\""),
    ] {
        ahnb()
            .args(["summary", "--format", format, "-q"])
            .arg(example_logs())
            .assert()
            .success()
            .stdout(predicate::str::starts_with(start));
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results.tex");
    ahnb()
        .args([
            "summary",
            "--format",
            "latex",
            "--project",
            "mnist-cnn",
            "-q",
            "-o",
        ])
        .arg(&file)
        .arg(example_logs())
        .assert()
        .success()
        .stdout("");
    let tex = std::fs::read_to_string(&file).unwrap();
    assert_eq!(tex.matches("\\begin{table}").count(), 1);
}

#[test]
fn cli_compares_with_a_baseline_and_links_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let (current, baseline) = write_constructed_logs(dir.path());
    ahnb()
        .arg("summary")
        .arg(&current)
        .arg("--baseline")
        .arg(&baseline)
        .args(["--site-url", "https://ci.example/pr-7", "--top", "3", "--precision", "3"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "[`a-s3`](https://ci.example/pr-7/sweep/runs/a-s3.html) | ✅ finished | **0.992** (+0.008 ↑ 🟢)",
        ))
        .stdout(predicate::str::contains(
            "… 7 more runs: [see them all on the dashboard](https://ci.example/pr-7/sweep/)",
        ));
}

#[test]
fn cli_names_unknown_projects_and_metrics() {
    ahnb()
        .args(["summary", "--project", "nope"])
        .arg(example_logs())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: no project named 'nope' in the logs; the projects are: 'detectron-style', 'mnist-cnn', 'text-transformer'",
        ));
    ahnb()
        .args(["summary", "--project", "mnist-cnn", "--metric", "bleu"])
        .arg(example_logs())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: no run logs the metric 'bleu'; the metrics are: 'accuracy'",
        ));
    ahnb()
        .args(["summary", "--format", "docx"])
        .arg(example_logs())
        .assert()
        .code(2);
}

#[test]
fn cli_strict_fails_on_warnings_after_printing_the_summary() {
    ahnb()
        .args(["summary", "--strict", "--format", "csv"])
        .arg(example_logs())
        .assert()
        .code(3)
        .stdout(predicate::str::starts_with("project,run"))
        .stderr(predicate::str::contains("warning: "));
    ahnb()
        .args(["summary", "--strict"])
        .arg(fixture("basic"))
        .assert()
        .success();
}

// ---------------------------------------------------------------------------------------------
// pdflatex, where installed (CI installs it; elsewhere the test says it skipped).

#[test]
fn latex_compiles_with_pdflatex() {
    let available = std::process::Command::new("pdflatex")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        skip_for_missing(
            "latex_compiles_with_pdflatex",
            "pdflatex is not installed (.ci/run installs texlive-latex-base and texlive-latex-recommended)",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let options = SummaryOptions {
        top: 100,
        ..SummaryOptions::default()
    };
    let mut tex = render(
        &summary_of(&example_logs(), None, &options),
        Format::Latex,
        &options,
    );
    // Names with every character LaTeX treats specially must still compile.
    let hostile = dir.path().join("hostile");
    LogBuilder::new(
        "odd & project_%1",
        r#"a_b%c$d#e{f}g~h^i\\j<k>l|m\"n é 🙂"#,
        r#", "params": {"x": 1}"#,
    )
    .step(1, r#""val_loss": 1e-7, "val_accuracy": NaN"#)
    .write(&hostile, "odd.jsonl");
    tex.push_str(&render(
        &summary_of(&hostile, None, &options),
        Format::Latex,
        &options,
    ));
    std::fs::write(dir.path().join("results.tex"), tex).unwrap();
    std::fs::write(
        dir.path().join("paper.tex"),
        "\\documentclass{article}\n\\usepackage{booktabs}\n\\begin{document}\n\\input{results.tex}\n\\end{document}\n",
    )
    .unwrap();
    let output = std::process::Command::new("pdflatex")
        .args(["-interaction=nonstopmode", "-halt-on-error", "paper.tex"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "pdflatex failed:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    assert!(dir.path().join("paper.pdf").is_file());
}

/// Regression (issue 12, class 8): text cells of `summary --format csv` and runs.csv that begin
/// with `=`, `+`, `-`, `@`, a tab or a carriage return ran as formulas in a spreadsheet; numbers
/// must stay numbers.
#[test]
fn csv_exports_neutralize_formulas_and_keep_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("p")).unwrap();
    std::fs::write(
        logs.join("p/r.jsonl"),
        concat!(
            r#"{"type":"header","run":"=HYPERLINK(\"http://evil\",\"x\")","params":{"at":"@SUM(A1)","cmd":"+cmd|' /C calc'!A0","tab":"\tx","lr":-0.5}}"#,
            "\n",
            r#"{"type":"metrics","step":1,"metrics":{"loss":-1.25,"-odd":2}}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = ahnb()
        .args(["summary", "--format", "csv", "-q"])
        .arg(&logs)
        .output()
        .unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    let (site_dir, site) = build_site(&logs, &["-q"]);
    let runs_csv = std::fs::read_to_string(site.join("p/runs.csv")).unwrap();
    drop(site_dir);
    for text in [&csv, &runs_csv] {
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        let row = lines.next().unwrap();
        assert!(header.contains("metric.-odd"), "{header}");
        for safe in [
            "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"",
            "'@SUM(A1)",
            "'+cmd|' /C calc'!A0",
            "'\tx",
        ] {
            assert!(row.contains(safe), "{safe:?} not in {row:?}");
        }
        // Numbers, negative ones too, are numbers.
        assert!(
            row.contains(",-0.5,") && row.ends_with(",-1.25,2") || row.contains(",-1.25"),
            "{row}"
        );
        assert!(!row.contains("'-0.5") && !row.contains("'-1.25"), "{row}");
    }
}

/// Issue 12, class 7: Markdown has no `<bdi>`, so a right-to-left override in a project, run,
/// metric or parameter name would reorder the rest of its table row or heading; every
/// bidirectional control is dropped from the Markdown summary.
#[test]
fn markdown_summary_keeps_no_bidi_control() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("p")).unwrap();
    for (file, run, loss) in [
        ("a", "\u{202e}evil\u{202c}.exe", 0.5),
        ("b", "\u{2067}plain", 0.7),
    ] {
        let lines = [
            serde_json::json!({"type": "header", "project": "proj\u{2066}ect", "run": run,
                "params": {"l\u{202d}r": format!("\u{200f}{file}"), "seed": loss * 10.0}}),
            serde_json::json!({"type": "metrics", "step": 1,
                "metrics": {"lo\u{202e}ss": loss, "acc": 0.1}}),
            serde_json::json!({"type": "end", "status": "failed", "error": "boom \u{202e} here"}),
        ];
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(logs.join(format!("p/{file}.jsonl")), text).unwrap();
    }
    let out = ahnb().args(["summary", "-q"]).arg(&logs).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(md.contains("evil.exe"), "{md}");
    assert!(md.contains("project"), "{md}");
    let controls: Vec<char> = md
        .chars()
        .filter(|&c| ahnb::invisible::is_bidi_control(c))
        .collect();
    assert!(controls.is_empty(), "{controls:?} in\n{md}");
}
