//! The output folder: a build killed with SIGKILL at any moment leaves the previous site whole;
//! outputs that would damage the logs or a folder ahnb does not own are refused; and a rebuild
//! never deletes a file ahnb did not write. See docs/robustness.md.

mod common;

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::Instant;

use common::*;
use predicates::prelude::*;

/// Writes a sweep big enough that a debug build takes a second or two: `runs` runs of `steps`
/// steps, four metrics each, plus a note, a text media item and an end record.
fn write_sweep(logs: &Path, project: &str, runs: usize, steps: usize) {
    let folder = logs.join(project);
    std::fs::create_dir_all(&folder).unwrap();
    for run in 0..runs {
        let mut text = format!(
            "{{\"type\":\"header\",\"run\":\"r{run:03}\",\"params\":{{\"lr\":{},\"width\":{}}},\"seed\":{}}}\n",
            0.1 / (1 + run % 7) as f64,
            32 * (1 + run % 4),
            run % 3
        );
        for step in 0..steps {
            let x = step as f64 / steps as f64;
            text.push_str(&format!(
                "{{\"type\":\"metrics\",\"step\":{step},\"metrics\":{{\"loss\":{:.6},\"val_loss\":{:.6},\"accuracy\":{:.6},\"lr\":{:.6}}}}}\n",
                1.0 / (1.0 + 10.0 * x) + (run % 5) as f64 * 0.01,
                1.1 / (1.0 + 9.0 * x) + (step % 13) as f64 * 0.001,
                0.5 + 0.45 * x,
                0.1 * (1.0 - x)
            ));
        }
        text.push_str("{\"type\":\"note\",\"step\":1,\"text\":\"**ok**\"}\n");
        text.push_str("{\"type\":\"media\",\"step\":2,\"name\":\"s\",\"kind\":\"text\",\"content\":\"sample\"}\n");
        text.push_str("{\"type\":\"end\",\"status\":\"finished\"}\n");
        std::fs::write(folder.join(format!("r{run:03}.jsonl")), text).unwrap();
    }
}

/// A digest of a whole tree (paths, link targets and contents), and its file count.
fn tree_digest(root: &Path) -> (u64, usize) {
    let mut hasher = DefaultHasher::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        entry.path().strip_prefix(root).unwrap().hash(&mut hasher);
        if entry.path_is_symlink() {
            std::fs::read_link(entry.path()).unwrap().hash(&mut hasher);
        } else if entry.file_type().is_file() {
            std::fs::read(entry.path()).unwrap().hash(&mut hasher);
            files += 1;
        }
    }
    (hasher.finish(), files)
}

/// A small deterministic generator for the kill moments (the seed is printed, so a failure
/// can be replayed with AHNB_KILL_SEED).
fn next_random(state: &mut u64) -> f64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    (*state >> 11) as f64 / (1u64 << 53) as f64
}

fn build_command(logs: &Path, site: &Path) -> Process {
    let mut command = Process::new(assert_cmd::cargo::cargo_bin("ahnb"));
    command
        .arg("build")
        .arg(logs)
        .arg("-o")
        .arg(site)
        .arg("-q")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_site_whole() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    let site = dir.path().join("site");
    write_sweep(&logs, "sweep", 120, 2500);
    assert!(build_command(&logs, &site).status().unwrap().success());
    // A file of the user's in the site, which every outcome must keep.
    std::fs::write(site.join("CNAME"), "example.org").unwrap();
    let old = tree_digest(&site);

    // New logs, so that the new site differs from the old one everywhere.
    write_sweep(&logs, "sweep", 121, 2600);
    let started = Instant::now();
    let scratch = dir.path().join("scratch");
    assert!(build_command(&logs, &scratch).status().unwrap().success());
    // The kill moments scale with this, so the test holds in a release build too.
    let duration = started.elapsed();

    let mut seed: u64 = std::env::var("AHNB_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("kill moments from AHNB_KILL_SEED={seed}, build time {duration:?}");
    let mut outcomes = Vec::new();
    for round in 0..8 {
        // Spread over the whole build, from the walk to past the swap.
        let fraction = (round as f64 + next_random(&mut seed)) / 8.0 * 1.1;
        let moment = duration.mul_f64(fraction);
        let mut child = build_command(&logs, &site).spawn().unwrap();
        std::thread::sleep(moment);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        outcomes.push((moment, status.success(), tree_digest(&site)));
        // Nothing but the site and ahnb's own dot files beside it.
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(
                ["logs", "site", "scratch"].contains(&name.as_str())
                    || name.starts_with(".site.")
                    || name.starts_with(".scratch."),
                "{name} left beside the site"
            );
        }
    }
    // An uninterrupted build gives the new site, and cleans what killed builds left.
    assert!(build_command(&logs, &site).status().unwrap().success());
    let new = tree_digest(&site);
    assert_ne!(old, new);
    for (moment, finished, digest) in &outcomes {
        assert!(
            *digest == old || *digest == new,
            "killed at {moment:?} (finished: {finished}): the site is neither the old nor the new one"
        );
        if !finished && *digest == new {
            eprintln!("killed at {moment:?}, after the swap");
        }
    }
    assert!(
        outcomes
            .iter()
            .any(|(_, finished, digest)| !finished && *digest == old),
        "no kill landed before the swap"
    );
    let staging: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("ahnb-tmp"))
        .collect();
    assert!(staging.is_empty(), "left behind: {staging:?}");
    assert_eq!(
        std::fs::read_to_string(site.join("CNAME")).unwrap(),
        "example.org"
    );
}

#[test]
fn outputs_that_would_damage_logs_or_home_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let logs = home.join("work/logs");
    std::fs::create_dir_all(logs.join("p")).unwrap();
    std::fs::write(
        logs.join("p/r.jsonl"),
        "{\"type\":\"metrics\",\"step\":1,\"metrics\":{\"loss\":1}}\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(&logs, dir.path().join("link-to-logs")).unwrap();
    let before = read_tree(dir.path());
    let cases: [(&Path, &str); 7] = [
        (&logs, "it is the log folder"),
        (&logs.join("p/.."), "it is the log folder"),
        (&dir.path().join("link-to-logs"), "it is the log folder"),
        (&home.join("work"), "it contains the log folder"),
        (&home, "it is the home folder"),
        (Path::new("/"), "it is the root folder"),
        (&logs.join("p/r.jsonl"), "it is a file"),
    ];
    for (output, reason) in cases {
        ahnb()
            .env("HOME", &home)
            .arg("build")
            .arg(&logs)
            .arg("-o")
            .arg(output)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(reason));
    }
    // The home folder itself, when it does not hold the logs.
    let other_logs = dir.path().join("other-logs");
    std::fs::create_dir_all(other_logs.join("p")).unwrap();
    std::fs::copy(logs.join("p/r.jsonl"), other_logs.join("p/r.jsonl")).unwrap();
    ahnb()
        .env("HOME", &home)
        .arg("build")
        .arg(&other_logs)
        .arg("-o")
        .arg(&home)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("it is the home folder"));
    std::fs::remove_dir_all(&other_logs).unwrap();
    assert!(
        read_tree(dir.path()) == before,
        "a refused build changed files"
    );
    let stray: Vec<_> = walkdir::WalkDir::new(dir.path())
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("ahnb"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");
}

#[test]
fn a_rebuild_never_deletes_what_ahnb_did_not_write() {
    let (_dir, site) = build_site(&fixture("basic"), &["-q"]);
    std::fs::write(site.join("CNAME"), "example.org").unwrap();
    std::fs::create_dir_all(site.join("docs/empty")).unwrap();
    std::fs::write(site.join("docs/paper.pdf"), "%PDF").unwrap();
    std::os::unix::fs::symlink("docs/paper.pdf", site.join("paper.pdf")).unwrap();
    std::fs::write(site.join("mnist/notes.txt"), "mine").unwrap();
    let mine = |site: &Path| -> BTreeMap<String, String> {
        ["CNAME", "docs/paper.pdf", "mnist/notes.txt"]
            .iter()
            .map(|p| {
                (
                    p.to_string(),
                    std::fs::read_to_string(site.join(p)).unwrap(),
                )
            })
            .collect()
    };
    let kept = mine(&site);
    // A build of other logs: mnist's pages go, the user's files stay.
    ahnb()
        .arg("build")
        .arg(fixture("broken"))
        .arg("-o")
        .arg(&site)
        .arg("-q")
        .assert()
        .success();
    assert!(!site.join("mnist/index.html").exists());
    assert_eq!(mine(&site), kept);
    assert!(site.join("docs/empty").is_dir());
    assert_eq!(
        std::fs::read_link(site.join("paper.pdf")).unwrap(),
        Path::new("docs/paper.pdf")
    );

    // A hand-made page where the new build writes one: refused, and nothing changes.
    std::fs::create_dir_all(site.join("mnist")).unwrap();
    std::fs::write(site.join("mnist/index.html"), "my page").unwrap();
    let before = read_tree(&site);
    ahnb()
        .arg("build")
        .arg(fixture("basic"))
        .arg("-o")
        .arg(&site)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("mnist/index.html")
                .and(predicate::str::contains("was not written by ahnb")),
        );
    assert!(
        read_tree(&site) == before,
        "the refused build changed the site"
    );
}
