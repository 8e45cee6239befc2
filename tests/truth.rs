//! The pages, the summary and the JSON tell one truth: epochs counted alike for zero- and
//! one-based logs, progress against the planned length (never against the last step), counts
//! that are counts, unknown durations shown as unknown, seed groups labelled by what varies,
//! integer hyperparameters kept integers, one ± rule, and canonical links joined correctly.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::*;
use serde_json::Value;

/// A native log: a header, then one metrics record per (step, epoch, val_accuracy).
fn write_log(dir: &Path, name: &str, header: &str, steps: &[(i64, i64, f64)], end: Option<&str>) {
    let mut text = format!(
        r#"{{"type": "header", "format_version": 1, "project": "truth", "run": "{name}"{header}}}"#
    );
    text.push('\n');
    for (step, epoch, value) in steps {
        writeln!(
            text,
            r#"{{"type": "metrics", "step": {step}, "epoch": {epoch}, "metrics": {{"val_accuracy": {value}, "loss": {}}}}}"#,
            1.0 - value
        )
        .unwrap();
    }
    if let Some(status) = end {
        writeln!(text, r#"{{"type": "end", "status": "{status}"}}"#).unwrap();
    }
    std::fs::write(dir.join(format!("{name}.jsonl")), text).unwrap();
}

/// Keras writes epoch 0 first (step = epoch = 0, 1, ...); a hand-written loop counts from 1.
/// Both peak at their third epoch. The Keras run was killed after 5 of 10 planned epochs.
fn epoch_logs() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("truth");
    std::fs::create_dir_all(&logs).unwrap();
    let curve = [0.90, 0.95, 0.97, 0.96, 0.965];
    let zero: Vec<(i64, i64, f64)> = (0..5).map(|i| (i, i, curve[i as usize])).collect();
    let one: Vec<(i64, i64, f64)> = (1..6).map(|i| (i, i, curve[i as usize - 1])).collect();
    write_log(
        &logs,
        "keras-zero",
        r#", "planned": {"epochs": 10}, "params": {"batch_size": 32, "lr": 0.001}"#,
        &zero,
        Some("killed"),
    );
    write_log(
        &logs,
        "loop-one",
        r#", "params": {"epochs": 5, "batch_size": 64, "lr": 0.001}"#,
        &one,
        Some("finished"),
    );
    dir
}

fn summary_json(logs: &Path) -> Value {
    let out = ahnb()
        .args(["summary", "--format", "json"])
        .arg(logs)
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

fn run_json<'a>(summary: &'a Value, name: &str) -> &'a Value {
    summary["projects"][0]["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()
}

#[test]
fn zero_and_one_based_epochs_are_named_alike_in_pages_and_summary() {
    let logs = epoch_logs();
    let (_guard, site) = build_site(logs.path(), &["-q"]);
    let zero = common::read_page(site.join("truth/runs/keras-zero.html"));
    let one = common::read_page(site.join("truth/runs/loop-one.html"));
    // The card, the sentence and the chart agree: the third epoch, at step 2 in Keras' log.
    assert!(zero.contains("best at epoch 3 (step 2)"), "{zero}");
    assert!(zero.contains("Best val_accuracy 0.9700 at epoch 3 (step 2)."));
    assert!(one.contains("best at epoch 3 ·"), "{one}");
    assert!(
        !one.contains("(step 3)"),
        "the step is named only when it differs"
    );
    // A chart whose steps are not the epochs as counted says "step", so its ring at step 2
    // matches "(step 2)"; the one-based log's chart can say "epoch".
    assert!(zero.contains(r#""xLabel":"step""#), "zero-based chart axis");
    assert!(one.contains(r#""xLabel":"epoch""#), "one-based chart axis");
    // Progress against the plan, never against the last step: killed at 5 of 10.
    assert!(zero.contains("Reached epoch 5 of 10 (50 %)."), "{zero}");
    assert!(
        !zero.contains("of 5"),
        "never 'of N' with N the last epoch logged"
    );
    assert!(
        !one.contains("Reached"),
        "a run that finished its plan needs no progress line"
    );

    let summary = summary_json(logs.path());
    let z = run_json(&summary, "keras-zero");
    let o = run_json(&summary, "loop-one");
    assert_eq!(z["metrics"]["val_accuracy"]["best_step"], 2);
    assert_eq!(z["metrics"]["val_accuracy"]["best_epoch"], 3.0);
    assert_eq!(o["metrics"]["val_accuracy"]["best_step"], 3);
    assert_eq!(o["metrics"]["val_accuracy"]["best_epoch"], 3.0);
    assert_eq!(
        (z["last_epoch"].clone(), z["planned_epochs"].clone()),
        (5.0.into(), 10.into())
    );
    assert_eq!(z["progress"], 0.5);
    assert_eq!(o["planned_epochs"], 5, "from the `epochs` hyperparameter");
    assert_eq!(o["progress"], 1.0);
    // Counts are counts: five steps logged; the last step is an index.
    assert_eq!(
        (z["logged_steps"].clone(), z["last_step"].clone()),
        (5.into(), 4.into())
    );
    assert_eq!(
        (o["logged_steps"].clone(), o["last_step"].clone()),
        (5.into(), 5.into())
    );
    // Integer hyperparameters stay integers.
    assert_eq!(z["params"]["batch_size"].to_string(), "32");
    assert_eq!(z["params"]["lr"].to_string(), "0.001");
    // No time in the logs: the duration is unknown, not zero.
    assert_eq!(z["duration_seconds"], Value::Null);

    let md = ahnb().arg("summary").arg(logs.path()).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    let attention = md.lines().find(|l| l.contains("Needs attention")).unwrap();
    assert!(attention.contains("killed at epoch 5 of 10"), "{attention}");

    let csv = ahnb()
        .args(["summary", "--format", "csv"])
        .arg(logs.path())
        .output()
        .unwrap();
    let csv = String::from_utf8(csv.stdout).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.contains("keras-zero"))
        .unwrap()
        .split(',')
        .collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(
        (
            col("last_step"),
            col("logged_steps"),
            col("param.batch_size")
        ),
        ("4", "5", "32")
    );

    let project = common::read_page(site.join("truth/index.html"));
    assert!(
        project.contains("epoch 5 of 10"),
        "progress in the results table"
    );
    assert!(project.contains(r#"<progress max="100" value="50">"#));
    let data = page_data(&project);
    let columns: Vec<&str> = data["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let runs = data["rows"].as_array().unwrap();
    let zero_row = runs.iter().find(|r| r[0] == "keras-zero").unwrap();
    let at = |name: &str| &zero_row[columns.iter().position(|c| *c == name).unwrap()];
    assert_eq!(at("steps"), 5, "steps logged, not the last step");
    assert_eq!(at("progressText"), "epoch 5 of 10");
    assert_eq!(at("duration"), &Value::Null);
    // The static table: unknown duration is "—" with an empty sort key (sorted last).
    assert!(project.contains(r#"<td class="num" data-sort="">—</td>"#));
}

fn page_data(html: &str) -> Value {
    let start = html.find(r#"id="project-data""#).unwrap();
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

/// A run still writing, with times: its time left is extrapolated from its pace.
#[test]
fn a_run_still_writing_shows_its_time_left() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("eta");
    std::fs::create_dir_all(&logs).unwrap();
    let mut text =
        String::from(r#"{"type": "header", "run": "r", "start": 1000, "planned": {"epochs": 4}}"#);
    text.push('\n');
    // One epoch every 60 s; after the first epoch 3 remain: 180 s.
    text.push_str(
        r#"{"type": "metrics", "step": 0, "epoch": 0, "time": 1060, "metrics": {"loss": 1}}"#,
    );
    text.push('\n');
    std::fs::write(logs.join("r.jsonl"), text).unwrap();
    let (_guard, site) = build_site(dir.path(), &["-q"]);
    let run = common::read_page(site.join("eta/runs/r.html"));
    assert!(
        run.contains("Reached epoch 1 of 4 (25 %); about 3 min 00 s left at the pace of its log."),
        "{run}"
    );
    let project = common::read_page(site.join("eta/index.html"));
    assert!(project.contains("about 3 min 00 s left"));
}

/// Seeds repeat a configuration; the label names what varies in the project, not every key.
#[test]
fn seed_groups_are_labelled_by_what_varies_with_final_values_and_a_confidence_interval() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("seeds");
    std::fs::create_dir_all(&logs).unwrap();
    let runs = [
        ("a1", 0.1, 1, [0.90, 0.92, 0.91]),
        ("a2", 0.1, 2, [0.92, 0.94, 0.93]),
        ("a3", 0.1, 3, [0.91, 0.96, 0.95]),
        ("b1", 0.2, 1, [0.80, 0.85, 0.84]),
    ];
    for (name, lr, seed, values) in runs {
        let mut text = format!(
            r#"{{"type": "header", "run": "{name}", "seed": {seed}, "params": {{"lr": {lr}, "batch_size": 32, "weight_decay": 0.01, "seed": {seed}}}}}"#
        );
        text.push('\n');
        for (step, v) in values.iter().enumerate() {
            writeln!(text, r#"{{"step": {step}, "val_accuracy": {v}}}"#).unwrap();
        }
        text.push_str(r#"{"type": "end", "status": "finished"}"#);
        std::fs::write(logs.join(format!("{name}.jsonl")), text).unwrap();
    }
    let (_guard, site) = build_site(dir.path(), &["-q"]);
    let page = common::read_page(site.join("seeds/index.html"));
    let groups = &page[page.find(r#"<table class="groups">"#).unwrap()..];
    let row = &groups[groups.find("<tbody>").unwrap()..groups.find("</tbody>").unwrap()];
    assert!(row.contains("><bdi>lr=0.1</bdi></td>"), "{row}");
    // best of each seed: 0.92, 0.94, 0.96 → 0.9400 ± 0.0200; final: 0.91, 0.93, 0.95.
    assert!(row.contains("0.9400 ± 0.0200 (n = 3)"), "{row}");
    assert!(row.contains("0.9300 ± 0.0200 (n = 3)"), "{row}");
    // t(0.975, 2) = 4.3027: 0.94 ± 4.3027 × 0.02 / √3 = [0.8903, 0.9897].
    assert!(row.contains("[0.8903, 0.9897]"), "{row}");

    // The results table's fold rows name the group the same way.
    let data = page_data(&page);
    let columns: Vec<&str> = data["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    // A row names its group by its index in the data's `groups`.
    let group = columns.iter().position(|c| *c == "group").unwrap();
    let labels: Vec<&Value> = data["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r[group].as_u64())
        .map(|k| &data["groups"][k as usize])
        .collect();
    assert_eq!(
        labels.iter().filter(|l| **l == "lr=0.1").count(),
        3,
        "{labels:?}"
    );

    // The JSON says the same: the best's spread and CI, and the final values' spread.
    let summary = summary_json(dir.path());
    let group = &summary["projects"][0]["groups"][0];
    assert_eq!(group["label"], "lr=0.1");
    let best = &group["metrics"]["val_accuracy"];
    assert!((best["mean"].as_f64().unwrap() - 0.94).abs() < 1e-12);
    assert!((best["ci95"].as_f64().unwrap() - 4.302_652_73 * 0.02 / 3f64.sqrt()).abs() < 1e-6);
    let last = &group["last_metrics"]["val_accuracy"];
    assert!(
        (last["mean"].as_f64().unwrap() - 0.93).abs() < 1e-12,
        "{last}"
    );

    // The same ± in the Markdown summary.
    let md = ahnb().arg("summary").arg(dir.path()).output().unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains("0.9400 ± 0.0200"), "{md}");
}

#[test]
fn base_url_without_a_trailing_slash_is_joined_with_one() {
    let (_guard, site) = build_site(
        &fixture("basic"),
        &["-q", "--base-url", "https://user.github.io/repo"],
    );
    let index = common::read_page(site.join("index.html"));
    assert!(
        index.contains(r#"<link rel="canonical" href="https://user.github.io/repo/index.html">"#),
        "{index}"
    );
    let project = common::read_page(site.join("mnist/index.html"));
    assert!(project.contains(r#"href="https://user.github.io/repo/mnist/index.html""#));
    let (_guard, site) = build_site(
        &fixture("basic"),
        &["-q", "--base-url", "https://user.github.io/repo/"],
    );
    let index = common::read_page(site.join("index.html"));
    assert!(index.contains(r#"href="https://user.github.io/repo/index.html""#));
}

/// A plan in steps from a `max_steps`-like hyperparameter; steps count optimizer steps done.
#[test]
fn planned_steps_come_from_a_max_steps_hyperparameter() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("steps");
    std::fs::create_dir_all(&logs).unwrap();
    let mut text = String::from(
        r#"{"type": "header", "run": "r", "params": {"schedule": {"max_steps": 200}}}"#,
    );
    text.push('\n');
    for step in (0..=50).step_by(10) {
        writeln!(text, r#"{{"step": {step}, "loss": 1.0}}"#).unwrap();
    }
    std::fs::write(logs.join("r.jsonl"), text).unwrap();
    let (_guard, site) = build_site(dir.path(), &["-q"]);
    let run = common::read_page(site.join("steps/runs/r.html"));
    assert!(run.contains("Reached step 50 of 200 (25 %)."), "{run}");
    let summary = summary_json(dir.path());
    let r = run_json(&summary, "r");
    assert_eq!(
        (r["planned_steps"].clone(), r["progress"].clone()),
        (200.into(), 0.25.into())
    );
}
