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

/// Builds with the cache beside `site`; returns what the build reported on stderr.
fn build_reporting(logs: &Path, site: &Path) -> String {
    let output = ahnb()
        .arg("build")
        .arg(logs)
        .arg("-o")
        .arg(site)
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stderr).unwrap()
}

/// Builds with the cache into `site`, and cleanly into a fresh folder; asserts identical trees.
fn assert_cached_equals_clean(logs: &Path, site: &Path, expect_in_report: &str) {
    let report = build_reporting(logs, site);
    assert!(
        report.contains(expect_in_report),
        "expected {expect_in_report:?} in:\n{report}"
    );
    assert_tree_equals_clean(logs, site);
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

/// A blob of a log's cache entry.
#[derive(Clone, Copy)]
enum Blob {
    Checkpoint,
    /// The run its reading finished into, without chart points.
    Finished,
    /// The run's chart points.
    Details,
}

/// The data file's blob of the log `key`, from the cache's index: its file and its position.
fn blob_of(cache: &Path, key: &str, blob: Blob) -> (std::path::PathBuf, u64, u64) {
    use ahnb::log::cache_store::{data_path, read_index};
    let index = read_index(cache).expect("a valid index");
    let entry = index
        .entries
        .iter()
        .find(|e| e.key == key)
        .expect("an entry for the log");
    let stored = match blob {
        Blob::Checkpoint => entry.checkpoint,
        Blob::Finished => entry.finished.expect("a finished run").result,
        Blob::Details => entry
            .finished
            .and_then(|f| f.details)
            .expect("a run's points"),
    };
    (data_path(cache, index.data), stored.at, stored.length)
}

/// Flips one byte in the middle of the blob of `key`.
fn damage(cache: &Path, key: &str, blob: Blob) {
    let (data, at, length) = blob_of(cache, key, blob);
    let mut bytes = std::fs::read(&data).unwrap();
    bytes[(at + length / 2) as usize] ^= 0x55;
    std::fs::write(&data, &bytes).unwrap();
}

/// The cache is checked before it is trusted: a damaged checkpoint or finished run is read
/// again from its log (the others are still reused), a damaged index or a cut one is an empty
/// cache; each build after it equals a clean one.
#[test]
fn a_damaged_cache_file_costs_speed_never_correctness() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs/p");
    std::fs::create_dir_all(&logs).unwrap();
    for name in ["a", "b", "c"] {
        write_run(&logs.join(format!("{name}.jsonl")), name, 0..2000);
    }
    let logs_root = dir.path().join("logs");
    let site = dir.path().join("site");
    let cache = ahnb::default_cache_path(&site);
    let grow = |step: u32| {
        let mut file = std::fs::File::options()
            .append(true)
            .open(logs.join("a.jsonl"))
            .unwrap();
        file.write_all(metrics_line(step).as_bytes()).unwrap();
    };
    assert_cached_equals_clean(
        &logs_root,
        &site,
        "0 logs unchanged, 0 read from where they grew, 3 parsed",
    );

    // One byte of a grown log's checkpoint: it is parsed from the start.
    damage(&cache, "p/a.jsonl", Blob::Checkpoint);
    grow(2000);
    assert_cached_equals_clean(
        &logs_root,
        &site,
        "2 logs unchanged, 0 read from where they grew, 1 parsed",
    );
    // One byte of an unchanged log's finished run: it is resumed from its checkpoint instead.
    damage(&cache, "p/b.jsonl", Blob::Finished);
    assert_cached_equals_clean(
        &logs_root,
        &site,
        "3 logs unchanged, 0 read from where they grew, 0 parsed",
    );

    // The index's last byte, then a cut index: nothing in it is trusted.
    let mut bytes = std::fs::read(&cache).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    std::fs::write(&cache, &bytes).unwrap();
    grow(2001);
    assert_cached_equals_clean(
        &logs_root,
        &site,
        "0 logs unchanged, 0 read from where they grew, 3 parsed",
    );
    let bytes = std::fs::read(&cache).unwrap();
    std::fs::write(&cache, &bytes[..bytes.len() / 2]).unwrap();
    grow(2002);
    assert_cached_equals_clean(
        &logs_root,
        &site,
        "0 logs unchanged, 0 read from where they grew, 3 parsed",
    );
    // And the cache written after it is whole again.
    grow(2003);
    assert_cached_equals_clean(
        &logs_root,
        &site,
        "2 logs unchanged, 1 read from where they grew, 0 parsed",
    );
}

/// An unchanged log's chart points stay in the cache: a rebuild after one run of many grew
/// reads back only the runs a page it renders draws (the project page's featured runs), never
/// the rest; and when the checkpoint holding a drawn run's points is damaged, the run is read
/// again from its log, to the same bytes as a clean build.
#[test]
fn unchanged_runs_points_stay_in_the_cache_unless_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs/p");
    std::fs::create_dir_all(&logs).unwrap();
    // More runs than the compare view's curves (300): those runs are never drawn.
    let runs = 310;
    for i in 0..runs {
        write_run(
            &logs.join(format!("r{i:03}.jsonl")),
            &format!("r{i:03}"),
            0..(40 + i),
        );
    }
    let logs_root = dir.path().join("logs");
    let site = dir.path().join("site");
    let cache = ahnb::default_cache_path(&site);
    let options = ahnb::BuildOptions {
        load: ahnb::LoadOptions {
            cache: Some(cache.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let first = ahnb::build(&logs_root, &site, &options).unwrap();
    assert_eq!(first.read_from_cache, 0);

    let mut file = std::fs::File::options()
        .append(true)
        .open(logs.join("r000.jsonl"))
        .unwrap();
    // The worst run grows worse: no other run's rank, so no other run's page, changes.
    file.write_all(worse_line(5000).as_bytes()).unwrap();
    drop(file);
    let grown = ahnb::build(&logs_root, &site, &options).unwrap();
    assert_eq!((grown.unchanged, grown.appended), (runs as usize - 1, 1));
    // The project page draws its featured runs (the compare view's 300 best), the index card
    // the best run: those are read back; the 9 others, and every run page, are never decoded.
    assert!(
        grown.read_from_cache > 0 && grown.read_from_cache <= 301,
        "{} runs read back from the cache; changed: {:?}",
        grown.read_from_cache,
        grown.changed
    );
    assert_tree_equals_clean(&logs_root, &site);

    // Every unchanged run's points damaged: the featured ones are read from their logs.
    for i in 0..runs {
        if i != 0 {
            damage(&cache, &format!("p/r{i:03}.jsonl"), Blob::Details);
        }
    }
    let mut file = std::fs::File::options()
        .append(true)
        .open(logs.join("r000.jsonl"))
        .unwrap();
    file.write_all(worse_line(5001).as_bytes()).unwrap();
    drop(file);
    let again = ahnb::build(&logs_root, &site, &options).unwrap();
    assert_eq!(again.unchanged, runs as usize - 1);
    assert!(again.read_from_cache > 0);
    assert_tree_equals_clean(&logs_root, &site);
}

/// A metrics line worse than any of [`metrics_line`]'s.
fn worse_line(step: u32) -> String {
    format!(
        "{{\"type\":\"metrics\",\"step\":{step},\"metrics\":{{\"loss\":2.0,\"val_accuracy\":0.1}}}}\n"
    )
}

/// `site` equals a clean build of `logs`, file for file.
fn assert_tree_equals_clean(logs: &Path, site: &Path) {
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
        assert!(bytes == &b[path], "{path} differs from a clean build");
    }
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
    let build = || build_reporting(&logs_root, &site);
    assert!(!build().contains("up to date"));
    assert!(build().contains("is up to date"));
    // A README next to the logs is an input too.
    std::fs::write(logs.join("README.md"), "# Sweep").unwrap();
    assert!(!build().contains("up to date"));
    assert!(common::read_page(site.join("p/index.html")).contains("Sweep"));
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

/// Regression (issue 12, class 6): the cache and the up-to-date stamp trusted a file's length and
/// hashes of its first and last 64 KiB, so a same-length edit in the middle of a long log never
/// reached the next build.
#[test]
fn a_same_length_edit_in_the_middle_of_a_long_log_reaches_the_next_build() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs/p");
    std::fs::create_dir_all(&logs).unwrap();
    write_run(&logs.join("a.jsonl"), "a", 0..9000);
    let logs_root = dir.path().join("logs");
    let site = dir.path().join("site");
    ahnb()
        .arg("build")
        .arg(&logs_root)
        .arg("-o")
        .arg(&site)
        .assert()
        .success();
    let mut bytes = std::fs::read(logs.join("a.jsonl")).unwrap();
    assert!(bytes.len() > 400_000);
    // The loss at step 4500, 1/4501 = 0.00022217285047767163, becomes 0.00002217285...: a new
    // best, in the middle of the log, with the same length.
    let needle = b"\"loss\":0.00022217285047767163";
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("step 4500's loss");
    assert_eq!(bytes[at + 12], b'2');
    bytes[at + 12] = b'0';
    std::fs::write(logs.join("a.jsonl"), &bytes).unwrap();
    assert_cached_equals_clean(&logs_root, &site, "1 parsed");
    let summary = ahnb()
        .args(["summary", "--format", "json", "-q"])
        .arg(&logs_root)
        .output()
        .unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    let loss = &summary["projects"][0]["runs"][0]["metrics"]["loss"];
    assert_eq!(loss["best"], 0.00002217285047767163, "{loss}");
    assert_eq!(loss["best_step"], 4500, "{loss}");
}

/// A log that had settled before a build is known unchanged by its identity the next time,
/// without a byte of it being read (`log::file_identity`); a same-length edit with its old mtime
/// put back still reaches the next build, since the write sets the change time.
#[test]
fn settled_logs_are_known_by_their_identity_and_an_edit_hiding_its_mtime_still_reaches_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs/p");
    std::fs::create_dir_all(&logs).unwrap();
    write_run(&logs.join("a.jsonl"), "a", 0..200);
    write_run(&logs.join("b.jsonl"), "b", 0..200);
    // Older than `file_identity::SETTLED` (2 s) when first read: their identities are recorded.
    std::thread::sleep(std::time::Duration::from_millis(2300));
    let logs_root = dir.path().join("logs");
    let site = dir.path().join("site");
    let build = || build_reporting(&logs_root, &site);
    let first = build();
    assert!(
        first.contains("0 logs unchanged, 0 read from where they grew, 2 parsed\n"),
        "{first}"
    );
    let second = build();
    assert!(second.contains("is up to date"), "{second}");
    assert!(
        second.contains("(2 known unchanged on disk, not read)"),
        "{second}"
    );

    // Step 100's loss, 1/101 = 0.009900990099009901, becomes 0.000900990099009901: a new best,
    // same length, and the file's mtime is put back as it was.
    let path = logs.join("a.jsonl");
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    let needle = b"\"loss\":0.009900990099009901";
    let at = bytes
        .windows(needle.len())
        .position(|w| w == needle)
        .expect("step 100's loss");
    assert_eq!(bytes[at + 11], b'9');
    bytes[at + 11] = b'0';
    std::fs::write(&path, &bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified
    );
    // b is known by its identity; a is read again whole, and the site equals a clean build's.
    assert_cached_equals_clean(
        &logs_root,
        &site,
        "1 logs unchanged, 0 read from where they grew, 1 parsed (1 known unchanged on disk, not read)",
    );
    let page = common::read_page(site.join("p/index.html"));
    assert!(
        page.contains("9.01e-4 at 100"),
        "the edited best loss is on the project page"
    );
}

mod random_edits {
    use super::*;
    use proptest::prelude::*;

    /// One change to a log between two builds.
    #[derive(Debug, Clone)]
    enum Edit {
        /// Bytes overwritten in place (same length), at a fraction of the file.
        Overwrite(f64, Vec<u8>),
        /// Lines appended, possibly ending in a cut line.
        Append(u32, bool),
        /// Cut to a fraction of its length.
        Truncate(f64),
        /// Bytes inserted at a fraction of the file.
        Insert(f64, Vec<u8>),
        /// Replaced by another log.
        Replace(u32),
    }

    fn edit() -> impl Strategy<Value = Edit> {
        let bytes = proptest::collection::vec(
            prop_oneof![Just(b'0'), Just(b'9'), Just(b'\n'), Just(b','), any::<u8>()],
            1..8,
        );
        prop_oneof![
            (0.0..1.0f64, bytes.clone()).prop_map(|(at, b)| Edit::Overwrite(at, b)),
            (1..300u32, any::<bool>()).prop_map(|(n, cut)| Edit::Append(n, cut)),
            (0.0..1.0f64).prop_map(Edit::Truncate),
            (0.0..1.0f64, bytes).prop_map(|(at, b)| Edit::Insert(at, b)),
            (1..300u32).prop_map(Edit::Replace),
        ]
    }

    fn apply(path: &Path, edit: &Edit) {
        let mut bytes = std::fs::read(path).unwrap();
        let at = |fraction: f64, len: usize| ((len as f64 * fraction) as usize).min(len);
        match edit {
            Edit::Overwrite(fraction, new) => {
                let start = at(*fraction, bytes.len().saturating_sub(new.len()));
                for (i, b) in new.iter().enumerate() {
                    if let Some(slot) = bytes.get_mut(start + i) {
                        *slot = *b;
                    }
                }
            }
            Edit::Append(lines, cut) => {
                for step in 0..*lines {
                    bytes.extend_from_slice(metrics_line(step * 3 % 1000).as_bytes());
                }
                if *cut {
                    bytes.extend_from_slice(b"{\"type\":\"metrics\",\"step\":7,\"met");
                }
            }
            Edit::Truncate(fraction) => bytes.truncate(at(*fraction, bytes.len())),
            Edit::Insert(fraction, new) => {
                let start = at(*fraction, bytes.len());
                bytes.splice(start..start, new.iter().copied());
            }
            Edit::Replace(steps) => {
                let mut text = String::from("{\"type\":\"header\",\"run\":\"other\"}\n");
                for step in 0..*steps {
                    text.push_str(&metrics_line(step + 5));
                }
                bytes = text.into_bytes();
            }
        }
        std::fs::write(path, bytes).unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        /// An incremental build equals a clean build for any sequence of edits, appends,
        /// truncations and replacements, also of logs whose steps go back (resumed runs, read
        /// twice) and of compressed logs.
        #[test]
        fn an_incremental_build_equals_a_clean_build_after_any_edit(
            steps in 1..6000u32,
            rewind in 0..5000u32,
            edits in proptest::collection::vec(edit(), 1..4),
            gzip in proptest::bool::weighted(0.2),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let logs = dir.path().join("logs/p");
            std::fs::create_dir_all(&logs).unwrap();
            let plain = logs.join("a.jsonl");
            write_run(&plain, "a", 0..steps);
            // A resumed run: steps go back by `rewind` and are written again.
            let mut file = std::fs::File::options().append(true).open(&plain).unwrap();
            for step in steps.saturating_sub(rewind)..steps {
                file.write_all(metrics_line(step + 7).replace(&format!("\"step\":{}", step + 7), &format!("\"step\":{step}")).as_bytes()).unwrap();
            }
            drop(file);
            write_run(&logs.join("b.jsonl"), "b", 0..50);
            let site = dir.path().join("site");
            let logs_root = dir.path().join("logs");
            ahnb().arg("build").arg(&logs_root).arg("-o").arg(&site).assert().success();
            for edit in &edits {
                let target = if gzip {
                    // Compressed logs are reused only whole; the edit applies to the text.
                    let gz = logs.join("a.jsonl.gz");
                    let mut text = std::fs::read(&plain).unwrap_or_default();
                    if text.is_empty() {
                        text = std::fs::read(logs.join("a.txt")).unwrap_or_default();
                    }
                    std::fs::write(logs.join("a.txt"), &text).unwrap();
                    let _ = std::fs::remove_file(&plain);
                    apply(&logs.join("a.txt"), edit);
                    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                    encoder.write_all(&std::fs::read(logs.join("a.txt")).unwrap()).unwrap();
                    std::fs::write(&gz, encoder.finish().unwrap()).unwrap();
                    gz
                } else {
                    apply(&plain, edit);
                    plain.clone()
                };
                prop_assert!(target.exists());
                assert_cached_equals_clean(&logs_root, &site, "");
            }
        }
    }
}
