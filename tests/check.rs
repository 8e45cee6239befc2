//! `ahnb check LOGS [--strict]`: every warning with path:line, a count, exit 0 (3 under --strict
//! with warnings, 1 on a fatal error, 2 on a usage error), and nothing built.

mod common;

use std::path::Path;

use common::*;
use predicates::prelude::*;

fn broken_warnings(logs: &Path) -> String {
    let logs = logs.display();
    format!(
        "warning: {logs}/proj/cut.jsonl:3: malformed JSON: trailing comma (column 50)\n\
         warning: {logs}/proj/cut.jsonl:4: metric 'loss' is a string, not a number; skipped\n\
         warning: {logs}/proj/cut.jsonl:6: last line is cut off (the run may still be writing, or it crashed); ignored\n"
    )
}

#[test]
fn check_prints_every_warning_in_order_and_a_count() {
    let logs = fixture("broken");
    ahnb()
        .arg("check")
        .arg(&logs)
        .assert()
        .code(0)
        .stdout("")
        .stderr(format!(
            "{}checked 2 files (2 runs, 8 lines): 3 warnings\n  read 2 JSON-lines runs\n",
            broken_warnings(&logs)
        ));
}

#[test]
fn strict_exits_3_with_warnings_and_0_without() {
    let logs = fixture("broken");
    ahnb()
        .args(["check", "--strict"])
        .arg(&logs)
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with(broken_warnings(&logs)));
    ahnb()
        .args(["check", "--strict"])
        .arg(fixture("basic"))
        .assert()
        .code(0)
        .stderr("checked 2 files (2 runs, 9 lines): 0 warnings\n  read 2 JSON-lines runs\n");
}

#[test]
fn quiet_prints_nothing_unless_strict() {
    let logs = fixture("broken");
    ahnb()
        .args(["check", "-q"])
        .arg(&logs)
        .assert()
        .code(0)
        .stderr("");
    // Under --strict the warnings are the reason for the exit code, so they are printed.
    ahnb()
        .args(["check", "-q", "--strict"])
        .arg(&logs)
        .assert()
        .code(3)
        .stderr(broken_warnings(&logs));
}

#[test]
fn check_lists_all_warnings_where_build_stops_at_twenty() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("p")).unwrap();
    // One bad line in each of 25 logs (the loader folds repeats within one file).
    for run in 0..25 {
        let text = format!(
            "{{\"type\": \"header\", \"run\": \"r{run:02}\"}}\n\
             {{\"type\": \"metrics\", \"step\": 1, \"metrics\": {{\"loss\": \"bad\"}}}}\n"
        );
        std::fs::write(logs.join(format!("p/r{run:02}.jsonl")), text).unwrap();
    }
    let check = ahnb().arg("check").arg(&logs).assert().code(0);
    let stderr = String::from_utf8(check.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.matches("warning: ").count(), 25, "{stderr}");
    assert!(stderr.contains(&format!(
        "warning: {}/p/r24.jsonl:2: metric 'loss' is a string, not a number; skipped",
        logs.display()
    )));
    assert!(stderr.ends_with("25 warnings\n  read 25 JSON-lines runs\n"));

    let build = ahnb()
        .arg("build")
        .arg(&logs)
        .arg("-o")
        .arg(dir.path().join("site"))
        .assert()
        .success();
    let stderr = String::from_utf8(build.get_output().stderr.clone()).unwrap();
    assert!(stderr.contains(&format!(
        "warning: and 5 more (run `ahnb check {}` to list them all)",
        logs.display()
    )));
}

#[test]
fn check_builds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    ahnb()
        .current_dir(dir.path())
        .arg("check")
        .arg(example_logs())
        .assert()
        .code(0);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn missing_folder_is_a_fatal_error_and_no_folder_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    ahnb()
        .arg("check")
        .arg(&missing)
        .assert()
        .code(1)
        .stderr(format!(
            "error: log folder '{}' does not exist or is not a folder\n",
            missing.display()
        ));
    ahnb()
        .arg("check")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<LOGS>"));
}

#[test]
fn check_of_the_example_logs_reports_their_planted_problems() {
    let logs = example_logs();
    ahnb()
        .args(["check", "--strict"])
        .arg(&logs)
        .assert()
        .code(3)
        .stderr(predicate::str::contains(format!(
            "warning: {}/text-transformer/small-lr1e-3-seed1.jsonl:153: malformed JSON: trailing comma (column 229)",
            logs.display()
        )))
        .stderr(predicate::str::contains("checked 28 files (28 runs"));
}
