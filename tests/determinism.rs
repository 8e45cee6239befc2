//! The same logs give a byte-identical site, whatever the thread count, the files' modification
//! times or the folder the logs sit in.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use common::*;

/// Builds `logs` into `site` with extra arguments; a fresh output folder each time, so that the
/// incremental cache and the up-to-date check never stand in for a real build.
fn build_into(logs: &Path, site: &Path, extra: &[&str]) {
    ahnb()
        .arg("build")
        .arg(logs)
        .arg("-o")
        .arg(site)
        .arg("-q")
        .args(extra)
        .assert()
        .success();
}

fn assert_same_tree(a: &Path, b: &Path, what: &str) {
    let a = read_tree(a);
    let b = read_tree(b);
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "{what}: different files"
    );
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{what}: {path} differs");
    }
    assert!(a.len() > 30, "{what}: only {} files", a.len());
}

/// Copies a folder of logs (files and folders only).
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn two_builds_one_single_threaded_are_identical() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let many = dir.path().join("many");
    ahnb()
        .env("RAYON_NUM_THREADS", "1")
        .arg("build")
        .arg(example_logs())
        .arg("-o")
        .arg(&one)
        .assert()
        .success();
    ahnb()
        .env("RAYON_NUM_THREADS", "4")
        .arg("build")
        .arg(example_logs())
        .arg("-o")
        .arg(&many)
        .assert()
        .success();
    assert_same_tree(&one, &many, "RAYON_NUM_THREADS 1 and 4");
}

#[test]
fn one_or_two_threads_give_the_same_site_from_hostile_logs_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hostile");
    generate_hostile_logs(&out, "all");
    let logs = out.join("logs");
    build_into(&logs, &dir.path().join("one"), &["-j", "1"]);
    build_into(&logs, &dir.path().join("two"), &["-j", "2"]);
    assert_same_tree(
        &dir.path().join("one"),
        &dir.path().join("two"),
        "-j 1 and -j 2",
    );
}

#[test]
fn touching_every_log_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    copy_tree(&example_logs(), &logs);
    build_into(&logs, &dir.path().join("before"), &[]);
    // Every file and folder a year into the future, in reverse path order.
    let later = SystemTime::now() + Duration::from_secs(365 * 24 * 3600);
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(&logs)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .collect();
    paths.reverse();
    for (i, path) in paths.iter().enumerate() {
        let file = std::fs::File::open(path).unwrap();
        file.set_modified(later + Duration::from_secs(i as u64))
            .unwrap();
    }
    build_into(&logs, &dir.path().join("after"), &[]);
    assert_same_tree(
        &dir.path().join("before"),
        &dir.path().join("after"),
        "after touching every log",
    );
}

#[test]
fn logs_copied_to_another_path_give_the_same_site() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path().join("logs");
    let there = dir.path().join("elsewhere/deeper/other name");
    copy_tree(&example_logs(), &here);
    copy_tree(&example_logs(), &there);
    build_into(&here, &dir.path().join("a"), &[]);
    build_into(&there, &dir.path().join("b"), &[]);
    assert_same_tree(
        &dir.path().join("a"),
        &dir.path().join("b"),
        "logs at two paths",
    );
}
