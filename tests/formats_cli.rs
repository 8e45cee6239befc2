//! The build and check reports of what was read: runs per format, files skipped with why, and
//! the error (exit 1) for a folder in which no run is found.

mod common;

use common::*;

fn stderr_of(assert: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

#[test]
fn a_folder_without_runs_is_an_error_naming_the_formats_and_what_it_held() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("p")).unwrap();
    let check = ahnb().arg("check").arg(&logs).assert().code(1);
    assert_eq!(
        stderr_of(&check),
        format!(
            "error: no run found in '{}': ahnb reads {}; it saw no files at all\n",
            logs.display(),
            ahnb::log::formats::formats_read()
        )
    );

    std::fs::write(logs.join("p/config.json"), "{\n  \"lr\": 0.1\n}\n").unwrap();
    std::fs::write(logs.join("p/notes.txt"), "hello\n").unwrap();
    std::fs::write(logs.join("p/empty.jsonl"), "").unwrap();
    let build = ahnb()
        .arg("build")
        .arg(&logs)
        .arg("-o")
        .arg(dir.path().join("site"))
        .assert()
        .code(1);
    let stderr = stderr_of(&build);
    assert_eq!(
        stderr,
        format!(
            "warning: {logs}/p/empty.jsonl: empty file; no run\n\
             error: no run found in '{logs}': ahnb reads {formats}; it saw 3 files: \
             1 log with no run in it, see the warnings (p/empty.jsonl); \
             1 JSON document that is not a log (not JSON lines nor a format ahnb reads) \
             (p/config.json); 1 other file (p/notes.txt)\n",
            logs = logs.display(),
            formats = ahnb::log::formats::formats_read()
        )
    );
    assert!(!dir.path().join("site").exists(), "nothing is built");
}

#[test]
fn check_and_build_say_how_many_runs_of_each_format_they_read() {
    let logs = fixture("basic");
    let check = ahnb().arg("check").arg(&logs).assert().code(0);
    assert!(
        stderr_of(&check).ends_with("0 warnings\n  read 2 JSON-lines runs\n"),
        "{}",
        stderr_of(&check)
    );
    let dir = tempfile::tempdir().unwrap();
    let build = ahnb()
        .arg("build")
        .arg(&logs)
        .arg("-o")
        .arg(dir.path().join("site"))
        .assert()
        .success();
    assert!(
        stderr_of(&build).contains("\n  read 2 JSON-lines runs\n"),
        "{}",
        stderr_of(&build)
    );
}

#[test]
fn the_report_counts_runs_per_format_and_lists_skipped_files_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("p")).unwrap();
    std::fs::write(logs.join("p/a.csv"), "epoch,loss\n0,1.5\n1,1.2\n0,2.0\n").unwrap();
    std::fs::write(logs.join("p/b.jsonl"), "{\"step\": 1, \"loss\": 3}\n").unwrap();
    for name in ["x", "y", "z", "w"] {
        std::fs::write(
            logs.join(format!("p/{name}.csv")),
            "accuracy,loss\n0.5,0.7\n",
        )
        .unwrap();
    }
    std::fs::write(logs.join("p/empty.csv"), "epoch,loss\n").unwrap();
    let check = ahnb().arg("check").arg(&logs).assert().code(0);
    assert_eq!(
        stderr_of(&check),
        "checked 2 files (3 runs, 4 lines): 0 warnings\n  \
         read 1 JSON-lines run, 2 Keras CSV runs\n  \
         skipped 4 CSV files with no step column (epoch, step or iteration) first: \
         p/w.csv, p/x.csv, p/y.csv and 1 more\n  \
         skipped 1 CSV file with a header and no rows: p/empty.csv\n"
    );
}

#[test]
fn raw_logs_are_copied_for_file_formats_and_not_asked_of_run_folders() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("keras")).unwrap();
    std::fs::copy(
        fixture("formats/keras_csv/sweep/lr-0.01.csv"),
        logs.join("keras/lr-0.01.csv"),
    )
    .unwrap();
    let mlflow = fixture("formats/mlflow/mlruns");
    for entry in walkdir::WalkDir::new(&mlflow) {
        let entry = entry.unwrap();
        let target = logs
            .join("mlruns")
            .join(entry.path().strip_prefix(&mlflow).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    let site = dir.path().join("site");
    let build = ahnb()
        .args(["build", "--raw-logs", "--strict"])
        .arg(&logs)
        .arg("-o")
        .arg(&site)
        .assert()
        .code(0);
    assert!(stderr_of(&build).contains("read 5 MLflow runs, 1 Keras CSV run"));
    assert_eq!(
        std::fs::read(site.join("keras/logs/lr-0.01.csv")).unwrap(),
        std::fs::read(logs.join("keras/lr-0.01.csv")).unwrap()
    );
}
