//! The incremental cache never changes output: after appends, replacements, deletions, touches
//! and completed cut lines, a cached build equals a clean one byte for byte.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;

fn metrics_line(step: u32) -> String {
    format!(
        "{{\"type\":\"metrics\",\"step\":{step},\"metrics\":{{\"loss\":{},\"val_accuracy\":{}}}}}\n",
        1.0 / f64::from(step + 1),
        0.5 + f64::from(step % 50) / 100.0
    )
}

fn write_run(path: &Path, name: &str, steps: std::ops::Range<u32>) {
    let mut text =
        format!("{{\"type\":\"header\",\"run\":\"{name}\",\"params\":{{\"lr\":0.01}}}}\n");
    for step in steps {
        text.push_str(&metrics_line(step));
    }
    std::fs::write(path, text).unwrap();
}

/// Builds with the cache into `site`, and cleanly into a fresh folder; asserts identical trees.
fn assert_cached_equals_clean(logs: &Path, site: &Path, expect_in_report: &str) {
    let output = ahnb()
        .arg("build")
        .arg(logs)
        .arg("-o")
        .arg(site)
        .output()
        .unwrap();
    assert!(output.status.success());
    let report = String::from_utf8(output.stderr).unwrap();
    assert!(
        report.contains(expect_in_report),
        "expected {expect_in_report:?} in:\n{report}"
    );
    let clean = tempfile::tempdir().unwrap();
    let clean_site = clean.path().join("site");
    ahnb()
        .arg("build")
        .arg(logs)
        .arg("-o")
        .arg(&clean_site)
        .arg("--no-cache")
        .assert()
        .success();
    let (a, b) = (read_tree(site), read_tree(&clean_site));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(
            bytes == &b[path],
            "{path} differs between the cached and the clean build"
        );
    }
}

#[test]
fn cached_builds_equal_clean_builds() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs/p");
    std::fs::create_dir_all(&logs).unwrap();
    // Long enough to span several internal chunks, so resuming mid-chunk is exercised.
    write_run(&logs.join("a.jsonl"), "a", 0..9000);
    write_run(&logs.join("b.jsonl"), "b", 0..300);
    write_run(&logs.join("c.jsonl"), "c", 0..300);
    let site = dir.path().join("site");
    ahnb()
        .arg("build")
        .arg(dir.path().join("logs"))
        .arg("-o")
        .arg(&site)
        .assert()
        .success();
    let logs_root = dir.path().join("logs");

    // Unchanged, then only touched: nothing is parsed again.
    assert_cached_equals_clean(
        &logs_root,
        &site,
        "3 logs unchanged, 0 read from where they grew, 0 parsed",
    );
    let file = std::fs::File::options()
        .append(true)
        .open(logs.join("b.jsonl"))
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        .unwrap();
    drop(file);
    assert_cached_equals_clean(&logs_root, &site, "3 logs unchanged");

    // Appended, with a repeated step that must override an earlier one.
    let mut file = std::fs::File::options()
        .append(true)
        .open(logs.join("a.jsonl"))
        .unwrap();
    for step in 8990..12000 {
        file.write_all(metrics_line(step).as_bytes()).unwrap();
    }
    drop(file);
    assert_cached_equals_clean(
        &logs_root,
        &site,
        "2 logs unchanged, 1 read from where they grew, 0 parsed",
    );

    // A cut last line, then completed by the writer.
    let mut file = std::fs::File::options()
        .append(true)
        .open(logs.join("c.jsonl"))
        .unwrap();
    file.write_all(b"{\"type\":\"metrics\",\"step\":300,\"metr")
        .unwrap();
    drop(file);
    assert_cached_equals_clean(&logs_root, &site, "1 read from where they grew");
    let mut file = std::fs::File::options()
        .append(true)
        .open(logs.join("c.jsonl"))
        .unwrap();
    file.write_all(b"ics\":{\"loss\":0.1}}\n{\"type\":\"end\",\"status\":\"finished\"}\n")
        .unwrap();
    drop(file);
    assert_cached_equals_clean(&logs_root, &site, "1 read from where they grew");

    // Replaced with other content of the same length: caught by the content hash.
    let original = std::fs::read(logs.join("b.jsonl")).unwrap();
    let replaced: Vec<u8> = original
        .iter()
        .map(|&b| if b == b'3' { b'4' } else { b })
        .collect();
    assert_eq!(original.len(), replaced.len());
    std::fs::write(logs.join("b.jsonl"), replaced).unwrap();
    assert_cached_equals_clean(&logs_root, &site, "1 parsed");

    // Deleted.
    std::fs::remove_file(logs.join("c.jsonl")).unwrap();
    assert_cached_equals_clean(&logs_root, &site, "2 logs unchanged");
}

#[test]
fn compressed_logs_are_reused_only_when_identical() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs/p");
    std::fs::create_dir_all(&logs).unwrap();
    let write_gz = |steps: u32| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        for step in 0..steps {
            encoder.write_all(metrics_line(step).as_bytes()).unwrap();
        }
        std::fs::write(logs.join("z.jsonl.gz"), encoder.finish().unwrap()).unwrap();
    };
    write_gz(500);
    let site = dir.path().join("site");
    let logs_root = dir.path().join("logs");
    ahnb()
        .arg("build")
        .arg(&logs_root)
        .arg("-o")
        .arg(&site)
        .assert()
        .success();
    assert_cached_equals_clean(&logs_root, &site, "1 logs unchanged");
    write_gz(700);
    assert_cached_equals_clean(&logs_root, &site, "1 parsed");
}

#[test]
fn an_unchanged_site_is_reported_up_to_date_and_any_change_rebuilds() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs/p");
    std::fs::create_dir_all(&logs).unwrap();
    write_run(&logs.join("a.jsonl"), "a", 0..100);
    let logs_root = dir.path().join("logs");
    let site = dir.path().join("site");
    let build = || {
        let output = ahnb()
            .arg("build")
            .arg(&logs_root)
            .arg("-o")
            .arg(&site)
            .output()
            .unwrap();
        assert!(output.status.success());
        String::from_utf8(output.stderr).unwrap()
    };
    assert!(!build().contains("up to date"));
    assert!(build().contains("is up to date"));
    // A README next to the logs is an input too.
    std::fs::write(logs.join("README.md"), "# Sweep").unwrap();
    assert!(!build().contains("up to date"));
    assert!(
        std::fs::read_to_string(site.join("p/index.html"))
            .unwrap()
            .contains("Sweep")
    );
    assert!(build().contains("is up to date"));
    // A page deleted by hand, or the whole site, means a rebuild.
    std::fs::remove_file(site.join("p/index.html")).unwrap();
    assert!(!build().contains("up to date"));
    assert!(site.join("p/index.html").is_file());
    std::fs::remove_dir_all(&site).unwrap();
    assert!(!build().contains("up to date"));
    assert!(site.join("p/index.html").is_file());
    // Options count: another chart budget rebuilds.
    let output = ahnb()
        .arg("build")
        .arg(&logs_root)
        .arg("-o")
        .arg(&site)
        .arg("--chart-points")
        .arg("50")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8(output.stderr)
            .unwrap()
            .contains("up to date")
    );
}
