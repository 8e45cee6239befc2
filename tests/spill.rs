//! Runs' chart points that wait in the spill file (`log::spill`) draw the same pages as points
//! kept in memory, byte for byte; the spill is used when the budget says so, leaves no file
//! behind, and a temporary folder that cannot be used keeps the points in memory with a warning.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ahnb::log::spill::SpillOptions;
use ahnb::{BuildOptions, BuildReport, LoadOptions};
use common::*;

/// Builds `logs` into `site` (and its figures into `figures`, when given) with a spill budget.
fn build(
    logs: &Path,
    site: &Path,
    budget: usize,
    dir: Option<PathBuf>,
    figures: Option<PathBuf>,
) -> BuildReport {
    let options = BuildOptions {
        load: LoadOptions {
            spill: SpillOptions { budget, dir },
            ..Default::default()
        },
        figures,
        ..Default::default()
    };
    ahnb::build(logs, site, &options).expect("build")
}

fn assert_same_tree(a: &Path, b: &Path, what: &str) {
    assert_same_tree_but(a, b, what, &[]);
}

fn assert_same_tree_but(a: &Path, b: &Path, what: &str, except: &[&str]) {
    let mut a = read_tree(a);
    let mut b = read_tree(b);
    for path in except {
        a.remove(*path);
        b.remove(*path);
    }
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: different files"
    );
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{what}: {path} differs");
    }
}

/// A sweep that exercises every consumer of points: seed groups (the group chart), more runs than
/// the overlays draw, wall times (the time axis), epochs (whole and fractional, the "epoch" axis
/// and the "best at epoch" labels), series longer than the chart bound, and non-finite values.
fn write_sweep(logs: &Path, runs: usize, steps: usize) {
    let project = logs.join("sweep");
    std::fs::create_dir_all(&project).unwrap();
    for r in 0..runs {
        let lr = [0.1, 0.01, 0.001][r % 3];
        let mut log = format!(
            r#"{{"type":"header","run":"r{r:03}","group":"lr{lr}","seed":{seed},"params":{{"lr":{lr},"epochs":10}},"primary_metric":"val_loss","start":1700000000}}"#,
            seed = r / 3,
        );
        log.push('\n');
        for step in 0..steps {
            let t = step as f64 / steps as f64;
            let loss = (1.0 - t) * (1.0 + r as f64 / 100.0) + (step % 7) as f64 / 50.0;
            let val = if r == 5 && step > steps / 2 {
                "NaN".to_owned()
            } else {
                format!("{}", loss * 1.1)
            };
            // Run 7 counts epochs in fractions, the others in whole epochs from 0.
            let epoch = if r == 7 {
                format!("{}", step as f64 / 100.0)
            } else {
                format!("{}", step / (steps / 10))
            };
            let _ = writeln!(
                log,
                r#"{{"type":"metrics","step":{step},"time":{time},"epoch":{epoch},"metrics":{{"loss":{loss},"val_loss":{val},"acc":{acc}}}}}"#,
                time = 1700000000.0 + step as f64 * 0.5 + r as f64,
                acc = t * 0.9,
            );
        }
        if r % 4 != 3 {
            log.push_str(r#"{"type":"end","status":"finished","time":1700009000}"#);
            log.push('\n');
        }
        std::fs::write(project.join(format!("r{r:03}.jsonl")), log).unwrap();
    }
}

#[test]
fn spilled_points_draw_the_same_site_and_figures_as_points_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    write_sweep(&logs, 60, 2500);
    // Every run spilled, none, and a budget that spills some: three byte-identical sites.
    let all = build(
        &logs,
        &dir.path().join("all"),
        0,
        None,
        Some(dir.path().join("fig-all")),
    );
    let none = build(
        &logs,
        &dir.path().join("none"),
        usize::MAX,
        None,
        Some(dir.path().join("fig-none")),
    );
    let some = build(&logs, &dir.path().join("some"), 2 << 20, None, None);
    assert_eq!(all.runs, 60);
    assert_eq!(all.spilled, 60, "a budget of 0 spills every run");
    assert_eq!(none.spilled, 0);
    assert!(
        some.spilled > 0 && some.spilled < 60,
        "a 2 MiB budget keeps some runs of ~100 KB each: {} spilled",
        some.spilled
    );
    assert_same_tree(&dir.path().join("all"), &dir.path().join("none"), "site");
    assert_same_tree(&dir.path().join("some"), &dir.path().join("none"), "site");
    assert_same_tree(
        &dir.path().join("fig-all"),
        &dir.path().join("fig-none"),
        "figures",
    );
    // The figures are the pages' charts: the run charts and the project's overlays are there.
    let figures = read_tree(&dir.path().join("fig-all"));
    assert!(
        figures.contains_key("sweep/r000/loss.svg"),
        "{:?}",
        figures.keys()
    );
    assert!(figures.contains_key("sweep/groups.svg"));
    assert!(figures.keys().any(|k| k.starts_with("sweep/metric-")));
    assert_eq!(all.figures.unwrap().charts, none.figures.unwrap().charts);
}

#[test]
fn example_and_other_formats_are_identical_spilled_or_not() {
    for (name, logs) in [
        ("example-logs", example_logs()),
        ("formats", fixture("formats")),
        ("basic", fixture("basic")),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let spilled = build(&logs, &dir.path().join("a"), 0, None, None);
        let kept = build(&logs, &dir.path().join("b"), usize::MAX, None, None);
        assert_eq!(spilled.spilled, spilled.runs, "{name}: every run spilled");
        assert_eq!(kept.spilled, 0);
        assert_same_tree(&dir.path().join("a"), &dir.path().join("b"), name);
    }
}

#[test]
fn the_spill_file_is_never_visible_and_a_bad_folder_keeps_points_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    write_sweep(&logs, 6, 300);
    let spill_dir = dir.path().join("spill");
    std::fs::create_dir(&spill_dir).unwrap();
    let report = build(
        &logs,
        &dir.path().join("site"),
        0,
        Some(spill_dir.clone()),
        None,
    );
    assert_eq!(report.spilled, 6);
    // Unnamed: the file never had a name in the folder, so nothing is left there.
    assert_eq!(std::fs::read_dir(&spill_dir).unwrap().count(), 0);

    let missing = dir.path().join("no-such-folder");
    let report = build(&logs, &dir.path().join("kept"), 0, Some(missing), None);
    assert_eq!(report.spilled, 0, "nothing could be spilled");
    let warning = report
        .warnings
        .iter()
        .find(|w| w.message.contains("temporary file"))
        .expect("a warning about the spill");
    assert!(
        warning.path.ends_with("no-such-folder") && warning.message.contains("stay in memory"),
        "{warning}"
    );
    assert_eq!(
        report
            .warnings
            .iter()
            .filter(|w| w.message.contains("temporary file"))
            .count(),
        1,
        "one warning, not one per run"
    );
    // The index counts the build's warnings, one more here; every other page is the same.
    assert_same_tree_but(
        &dir.path().join("site"),
        &dir.path().join("kept"),
        "site",
        &["index.html"],
    );
}

#[test]
fn a_rebuild_through_the_cache_with_spilled_runs_equals_a_clean_build() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    write_sweep(&logs, 9, 400);
    let site = dir.path().join("site");
    let cached = |site: &Path| BuildOptions {
        load: LoadOptions {
            cache: Some(ahnb::default_cache_path(site)),
            spill: SpillOptions {
                budget: 0,
                dir: None,
            },
            ..Default::default()
        },
        ..Default::default()
    };
    ahnb::build(&logs, &site, &cached(&site)).unwrap();
    // One run grows; the others come from the cache unchanged.
    let grown = logs.join("sweep/r004.jsonl");
    let mut text = std::fs::read_to_string(&grown).unwrap();
    text.push_str(
        r#"{"type":"metrics","step":400,"time":1700000300,"epoch":10,"metrics":{"loss":0.01,"val_loss":0.02,"acc":0.95}}"#,
    );
    text.push('\n');
    std::fs::write(&grown, text).unwrap();
    let report = ahnb::build(&logs, &site, &cached(&site)).unwrap();
    // The grown run is spilled; the unchanged ones' points never left the cache.
    assert_eq!(report.spilled, 1);
    assert_eq!(report.unchanged, 8);
    let clean = dir.path().join("clean");
    build(&logs, &clean, usize::MAX, None, None);
    assert_same_tree(&site, &clean, "rebuild and clean build");
}
