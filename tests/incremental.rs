//! Incremental rendering: a rebuild renders only the units whose inputs changed and carries the
//! others over, and its site is byte-identical to a clean build of the same logs, whatever the
//! edits (a property test over random edits to a small log folder).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use ahnb::{BuildOptions, BuildReport, LoadOptions};
use common::read_tree;
use proptest::prelude::*;

/// A PNG of one pixel.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A log folder the test edits: projects are first-level folders, runs `.jsonl` files in them.
struct Logs {
    root: PathBuf,
    /// Next step and time of every run, by path relative to the root.
    next: BTreeMap<String, (i64, f64)>,
    /// Media files written so far, relative to the root.
    media: Vec<String>,
    counter: u64,
}

impl Logs {
    fn new(root: &Path) -> Self {
        let mut logs = Logs {
            root: root.to_path_buf(),
            next: BTreeMap::new(),
            media: Vec::new(),
            counter: 0,
        };
        for (project, runs) in [("alpha", 3), ("beta", 2)] {
            for run in 0..runs {
                logs.add_run(project, &format!("r{run}"), 0.001 * (run + 1) as f64, 4);
            }
        }
        fs::write(root.join("alpha/README.md"), "# Alpha\n\nA sweep.\n").unwrap();
        logs
    }

    fn runs(&self) -> Vec<String> {
        self.next.keys().cloned().collect()
    }

    fn projects(&self) -> Vec<String> {
        let mut projects: Vec<String> = fs::read_dir(&self.root)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        projects.sort();
        projects
    }

    fn header(run: &str, lr: f64) -> String {
        format!(
            "{{\"type\": \"header\", \"format_version\": 1, \"run\": \"{run}\", \"start\": 1700000000.0, \"params\": {{\"lr\": {lr}, \"batch\": 32}}}}\n"
        )
    }

    fn metrics_line(step: i64, time: f64) -> String {
        let loss = 2.0 / (1.0 + step as f64) + 0.01 * (step % 3) as f64;
        let accuracy = 1.0 - loss / 3.0;
        format!(
            "{{\"type\": \"metrics\", \"step\": {step}, \"time\": {time}, \"metrics\": {{\"loss\": {loss:.4}, \"val_accuracy\": {accuracy:.4}}}}}\n"
        )
    }

    fn add_run(&mut self, project: &str, name: &str, lr: f64, steps: i64) {
        let relative = format!("{project}/{name}.jsonl");
        let path = self.root.join(&relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut text = Self::header(name, lr);
        let start = 1_700_000_000.0;
        for step in 0..steps {
            text.push_str(&Self::metrics_line(step, start + 10.0 * step as f64));
        }
        fs::write(&path, text).unwrap();
        self.next
            .insert(relative, (steps, start + 10.0 * steps as f64));
    }

    fn append(&mut self, run: &str, lines: i64) {
        let (step, time) = self.next[run];
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(self.root.join(run))
            .unwrap();
        for i in 0..lines {
            let line = Self::metrics_line(step + i, time + 10.0 * i as f64);
            file.write_all(line.as_bytes()).unwrap();
        }
        self.next
            .insert(run.to_owned(), (step + lines, time + 10.0 * lines as f64));
    }

    fn change_param(&mut self, run: &str, lr: f64) {
        let path = self.root.join(run);
        let text = fs::read_to_string(&path).unwrap();
        let (_, rest) = text.split_once('\n').unwrap();
        let name = Path::new(run).file_stem().unwrap().to_string_lossy();
        fs::write(&path, format!("{}{rest}", Self::header(&name, lr))).unwrap();
    }

    fn remove_run(&mut self, run: &str) {
        fs::remove_file(self.root.join(run)).unwrap();
        self.next.remove(run);
    }

    fn add_media(&mut self, run: &str, svg: bool) {
        self.counter += 1;
        let project = run.split('/').next().unwrap();
        let (name, content): (String, Vec<u8>) = if svg {
            let n = self.counter;
            (
                format!("m{n}.svg"),
                format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{n}\" height=\"4\"/>")
                    .into_bytes(),
            )
        } else {
            (format!("m{}.png", self.counter), PNG.to_vec())
        };
        fs::create_dir_all(self.root.join(project).join("media")).unwrap();
        fs::write(self.root.join(project).join("media").join(&name), content).unwrap();
        self.media.push(format!("{project}/media/{name}"));
        let (step, _) = self.next[run];
        let kind = if svg { "svg" } else { "image" };
        let line = format!(
            "{{\"type\": \"media\", \"step\": {step}, \"name\": \"sample\", \"kind\": \"{kind}\", \"path\": \"media/{name}\"}}\n"
        );
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(self.root.join(run))
            .unwrap();
        file.write_all(line.as_bytes()).unwrap();
    }

    /// Writes other bytes into a media file a log already refers to (same name, same length).
    fn replace_media(&mut self, n: usize) {
        let Some(file) = self.media.get(n % self.media.len().max(1)) else {
            return;
        };
        let path = self.root.join(file);
        let Ok(mut bytes) = fs::read(&path) else {
            return; // its project was renamed
        };
        if file.ends_with(".svg") {
            let text = String::from_utf8(bytes).unwrap();
            bytes = if text.contains("height=\"4\"") {
                text.replace("height=\"4\"", "height=\"5\"")
            } else {
                text.replace("height=\"5\"", "height=\"4\"")
            }
            .into_bytes();
        } else {
            // The last byte of the IEND chunk's CRC: still a PNG by its signature.
            *bytes.last_mut().unwrap() ^= 1;
        }
        fs::write(path, bytes).unwrap();
    }

    fn rename_project(&mut self, project: &str, to: &str) {
        if self.root.join(to).exists() {
            return;
        }
        fs::rename(self.root.join(project), self.root.join(to)).unwrap();
        let prefix = format!("{project}/");
        for media in &mut self.media {
            if let Some(rest) = media.strip_prefix(&prefix) {
                *media = format!("{to}/{rest}");
            }
        }
        self.next = std::mem::take(&mut self.next)
            .into_iter()
            .map(|(run, next)| match run.strip_prefix(&prefix) {
                Some(rest) => (format!("{to}/{rest}"), next),
                None => (run, next),
            })
            .collect();
    }
}

/// One edit of the log folder; indices pick a run or project modulo how many there are.
#[derive(Debug, Clone)]
enum Edit {
    Append { run: usize, lines: i64 },
    ChangeParam { run: usize, lr: u8 },
    AddRun { project: usize, lr: u8 },
    RemoveRun { run: usize },
    AddMedia { run: usize, svg: bool },
    ReplaceMedia { n: usize },
    Readme { project: usize, text: u8 },
    Config { project: usize, primary: bool },
    RenameProject { project: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (0..8usize, 1..4i64).prop_map(|(run, lines)| Edit::Append { run, lines }),
        1 => (0..8usize, 0..4u8).prop_map(|(run, lr)| Edit::ChangeParam { run, lr }),
        1 => (0..4usize, 0..4u8).prop_map(|(project, lr)| Edit::AddRun { project, lr }),
        1 => (0..8usize).prop_map(|run| Edit::RemoveRun { run }),
        1 => (0..8usize, any::<bool>()).prop_map(|(run, svg)| Edit::AddMedia { run, svg }),
        1 => (0..4usize).prop_map(|n| Edit::ReplaceMedia { n }),
        1 => (0..4usize, 0..3u8).prop_map(|(project, text)| Edit::Readme { project, text }),
        1 => (0..4usize, any::<bool>()).prop_map(|(project, primary)| Edit::Config { project, primary }),
        1 => (0..4usize).prop_map(|project| Edit::RenameProject { project }),
    ]
}

fn apply(logs: &mut Logs, edit: &Edit) {
    let runs = logs.runs();
    let projects = logs.projects();
    let run = |i: usize| runs[i % runs.len()].clone();
    let project = |i: usize| projects[i % projects.len()].clone();
    match *edit {
        Edit::Append { run: i, lines } => logs.append(&run(i), lines),
        Edit::ChangeParam { run: i, lr } => logs.change_param(&run(i), 0.01 * f64::from(lr + 1)),
        Edit::AddRun { project: i, lr } => {
            logs.counter += 1;
            let name = format!("n{}", logs.counter);
            logs.add_run(&project(i), &name, 0.02 * f64::from(lr + 1), 3);
        }
        // The last run stays: a folder without runs is an error, for both builds alike.
        Edit::RemoveRun { run: i } if runs.len() > 1 => logs.remove_run(&run(i)),
        Edit::RemoveRun { .. } => {}
        Edit::AddMedia { run: i, svg } => logs.add_media(&run(i), svg),
        Edit::ReplaceMedia { n } => logs.replace_media(n),
        Edit::Readme { project: i, text } => {
            let readme = logs.root.join(project(i)).join("README.md");
            match text {
                0 => {
                    let _ = fs::remove_file(readme);
                }
                n => fs::write(readme, format!("# Notes {n}\n\nEdited.\n")).unwrap(),
            }
        }
        Edit::Config {
            project: i,
            primary,
        } => {
            let metric = if primary { "loss" } else { "val_accuracy" };
            fs::write(
                logs.root.join(project(i)).join("ahnb.toml"),
                format!("primary_metric = \"{metric}\"\n"),
            )
            .unwrap();
        }
        Edit::RenameProject { project: i } => {
            let from = project(i);
            logs.counter += 1;
            let to = format!("{from}-{}", logs.counter);
            logs.rename_project(&from, &to);
        }
    }
}

/// A build with the cache (and so the manifest) beside the site, as `ahnb build` does by default.
fn build_incremental(logs: &Path, site: &Path) -> BuildReport {
    let options = BuildOptions {
        load: LoadOptions {
            cache: Some(ahnb::default_cache_path(site)),
            ..Default::default()
        },
        ..Default::default()
    };
    ahnb::build(logs, site, &options).expect("incremental build")
}

/// A build from nothing: no cache, no manifest, a new site folder.
fn build_clean(logs: &Path, site: &Path) -> BuildReport {
    assert!(!site.exists());
    ahnb::build(logs, site, &BuildOptions::default()).expect("clean build")
}

fn assert_same_site(incremental: &Path, clean: &Path, after: &[Edit]) {
    let a = read_tree(incremental);
    let b = read_tree(clean);
    let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "after {after:?}: files only in the rebuild {only_a:?}, only in the clean build {only_b:?}"
    );
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "after {after:?}: {path} differs");
    }
}

/// Builds `root` cleanly into `clean` and asserts `site` is byte for byte that build.
fn assert_equals_a_clean_build(root: &Path, site: &Path, clean: &Path) {
    build_clean(root, clean);
    assert_same_site(site, clean, &[]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn a_rebuild_is_byte_identical_to_a_clean_build(
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("logs");
        let mut logs = Logs::new(&root);
        let site = dir.path().join("site");
        build_incremental(&root, &site);
        for (n, edit) in edits.iter().enumerate() {
            apply(&mut logs, edit);
            let report = build_incremental(&root, &site);
            let clean_site = dir.path().join(format!("clean-{n}"));
            let clean = build_clean(&root, &clean_site);
            assert_same_site(&site, &clean_site, &edits[..=n]);
            prop_assert_eq!(&report.warnings, &clean.warnings, "warnings after {:?}", &edits[..=n]);
            prop_assert_eq!(report.pages_written, clean.pages_written);
            fs::remove_dir_all(&clean_site).unwrap();
        }
    }
}

fn inodes(site: &Path) -> BTreeMap<String, u64> {
    read_tree(site)
        .into_keys()
        .map(|path| {
            let inode = fs::metadata(site.join(&path)).unwrap().ino();
            (path, inode)
        })
        .collect()
}

/// Regression for issue 14: one appended line rendered every page again (0.78 of a first build).
#[test]
fn one_appended_line_rewrites_only_the_pages_that_show_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("logs");
    let mut logs = Logs::new(&root);
    let site = dir.path().join("site");
    let first = build_incremental(&root, &site);
    assert_eq!(first.carried, 0, "a first build carries nothing over");
    let before_bytes = read_tree(&site);
    let before = inodes(&site);

    logs.append("alpha/r1.jsonl", 1);
    let report = build_incremental(&root, &site);
    let after_bytes = read_tree(&site);
    let after = inodes(&site);

    // What the build says changed is exactly what changed on disk.
    let differing: Vec<String> = after_bytes
        .iter()
        .filter(|(path, bytes)| before_bytes.get(*path) != Some(*bytes))
        .map(|(path, _)| path.clone())
        .collect();
    assert_eq!(report.changed, differing);
    assert!(report.removed.is_empty(), "{:?}", report.removed);
    for page in ["alpha/runs/r1.html", "alpha/index.html", "index.html"] {
        assert!(
            report.changed.iter().any(|p| p == page),
            "{page} shows the new line: {:?}",
            report.changed
        );
    }
    // Only the run's page, its project's files and the index were written again; every other
    // file is the previous site's, carried over (the same inode).
    let rewritten: BTreeSet<&String> = after
        .iter()
        .filter(|(path, inode)| before.get(*path) != Some(*inode))
        .map(|(path, _)| path)
        .collect();
    for path in rewritten.iter().filter(|p| **p != ".ahnb-site") {
        let projects_own = path.starts_with("alpha/")
            && !path.starts_with("alpha/runs/")
            && !path.starts_with("alpha/media/");
        assert!(
            *path == "alpha/runs/r1.html" || *path == "index.html" || projects_own,
            "{path} was written again though nothing it shows changed"
        );
    }
    for untouched in [
        "alpha/runs/r0.html",
        "alpha/runs/r2.html",
        "beta/index.html",
        "beta/runs/r0.html",
        "404.html",
    ] {
        assert!(!rewritten.contains(&untouched.to_owned()), "{untouched}");
    }
    // The marker (`.ahnb-site`) is written by every build.
    assert_eq!(report.carried, after.len() - rewritten.len());

    // And the rebuilt site is the one a clean build writes.
    assert_equals_a_clean_build(&root, &site, &dir.path().join("clean"));
}

/// The compare view's curves are a unit of their own: a change that leaves the best runs' points
/// as they were (a hyperparameter edited) carries them over; a point added to one of them
/// renders them again.
#[test]
fn the_compare_curves_are_rendered_only_when_the_best_runs_points_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("logs");
    let mut logs = Logs::new(&root);
    let site = dir.path().join("site");
    build_incremental(&root, &site);
    let curves = "alpha/compare-curves.js";
    let before = inodes(&site);

    logs.change_param("alpha/r1.jsonl", 0.5);
    let report = build_incremental(&root, &site);
    assert!(
        report.changed.contains(&"alpha/index.html".to_owned()),
        "{:?}",
        report.changed
    );
    assert!(
        !report.changed.contains(&curves.to_owned()),
        "{:?}",
        report.changed
    );
    assert_eq!(
        inodes(&site)[curves],
        before[curves],
        "carried over, not written"
    );

    logs.append("alpha/r1.jsonl", 1);
    let report = build_incremental(&root, &site);
    assert!(
        report.changed.contains(&curves.to_owned()),
        "{:?}",
        report.changed
    );
    assert_equals_a_clean_build(&root, &site, &dir.path().join("clean"));
}

/// A project page's charts of runs' points are kept between builds: a change that leaves the
/// charted runs (the best 40) as they were takes them from the store without reading any of those
/// runs back, a change to a charted run draws them again, and every rebuild equals a clean build.
#[test]
fn charts_whose_runs_did_not_change_are_kept_and_any_change_to_them_redraws() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("logs");
    fs::create_dir_all(root.join("sweep")).unwrap();
    // Run k ends at loss k + 1: run 0 is the best, runs 40 to 44 are not charted.
    let write = |k: usize, steps: usize| {
        let mut text = format!(
            "{{\"type\": \"header\", \"run\": \"r{k:02}\", \"params\": {{\"lr\": {}}}}}\n",
            0.001 * (k + 1) as f64
        );
        for step in 0..steps {
            let loss = (k + 1) as f64 + 10.0 / (1.0 + step as f64);
            text.push_str(&format!(
                "{{\"type\": \"metrics\", \"step\": {step}, \"metrics\": {{\"loss\": {loss}}}}}\n"
            ));
        }
        fs::write(root.join(format!("sweep/r{k:02}.jsonl")), text).unwrap();
    };
    // More points than an overview holds (120), so that the compare view reads overviews.
    for k in 0..45 {
        write(k, 130);
    }
    let site = dir.path().join("site");
    let first = build_incremental(&root, &site);
    assert!(first.read_from_cache == 0);
    let check_clean = |n: usize| {
        assert_equals_a_clean_build(&root, &site, &dir.path().join(format!("clean-{n}")))
    };

    // A run outside the best 40 grows: the charts are the last build's, none of the 40 charted
    // runs is read back (only the index card's best run is).
    write(44, 140);
    let report = build_incremental(&root, &site);
    assert!(report.changed.contains(&"sweep/index.html".to_owned()));
    assert_eq!(
        report.read_from_cache, 1,
        "only the index card's best run is read back"
    );
    check_clean(0);

    // A charted run grows: the charts are drawn again from the runs' points.
    write(3, 140);
    let report = build_incremental(&root, &site);
    assert!(report.read_from_cache >= 39, "{}", report.read_from_cache);
    check_clean(1);

    // A charted run's hyperparameter changes (its legend is its name, but its digest moved):
    // drawn again, and still the clean build's bytes.
    fs::write(
        root.join("sweep/r05.jsonl"),
        fs::read_to_string(root.join("sweep/r05.jsonl"))
            .unwrap()
            .replace("\"lr\": 0.006", "\"lr\": 0.5"),
    )
    .unwrap();
    let report = build_incremental(&root, &site);
    assert!(report.read_from_cache >= 39, "{}", report.read_from_cache);
    check_clean(2);
}

/// Changes the first byte of a site file, as a hand edit would (same length, a later
/// modification time); returns what the file held.
fn edit_by_hand(file: &Path) -> Vec<u8> {
    let original = fs::read(file).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let mut edited = original.clone();
    edited[0] = b'X';
    fs::write(file, &edited).unwrap();
    original
}

/// A manifest that is missing, corrupt or of another theme/setting means a full render, and a
/// site file changed by hand since the last build is never carried over as it is.
#[test]
fn a_damaged_manifest_or_site_means_rendering_again() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("logs");
    let mut logs = Logs::new(&root);
    let site = dir.path().join("site");
    let manifest = ahnb::default_cache_path(&site).with_extension("ahnb-manifest");
    build_incremental(&root, &site);
    assert!(manifest.is_file(), "the manifest lives beside the cache");
    assert!(!site.join(".ahnb-manifest").exists());

    fs::write(&manifest, b"not a manifest").unwrap();
    logs.append("beta/r0.jsonl", 1);
    let report = build_incremental(&root, &site);
    assert_eq!(report.carried, 0, "a corrupt manifest renders everything");

    // A page edited in place keeps its length but not its modification time.
    let page = site.join("beta/runs/r1.html");
    let original = edit_by_hand(&page);
    logs.append("alpha/r0.jsonl", 1);
    let report = build_incremental(&root, &site);
    assert!(report.carried > 0);
    assert_eq!(
        fs::read(&page).unwrap(),
        original,
        "the hand edit is rendered over"
    );
    assert!(report.changed.contains(&"beta/runs/r1.html".to_owned()));

    // A page the last build carried over (so its manifest record was kept, not looked up in
    // the site again) and edited since is rendered over as well.
    let carried = site.join("beta/runs/r0.html");
    assert!(!report.changed.contains(&"beta/runs/r0.html".to_owned()));
    let original = edit_by_hand(&carried);
    logs.append("alpha/r1.jsonl", 1);
    let report = build_incremental(&root, &site);
    assert!(report.carried > 0);
    assert_eq!(
        fs::read(&carried).unwrap(),
        original,
        "the edit is rendered over"
    );
    assert!(report.changed.contains(&"beta/runs/r0.html".to_owned()));

    // Another setting: everything again.
    logs.append("alpha/r0.jsonl", 1);
    let options = BuildOptions {
        load: LoadOptions {
            cache: Some(ahnb::default_cache_path(&site)),
            ..Default::default()
        },
        base_url: Some("https://example.org/runs".into()),
        ..Default::default()
    };
    let report = ahnb::build(&root, &site, &options).unwrap();
    assert_eq!(report.carried, 0, "a new base URL is on every page");
}

/// A media file rewritten in place (same name) is an input of its run's page.
#[test]
fn a_replaced_media_file_renders_its_run_page_again() {
    for svg in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("logs");
        let mut logs = Logs::new(&root);
        logs.add_media("beta/r1.jsonl", svg);
        let site = dir.path().join("site");
        build_incremental(&root, &site);
        logs.replace_media(0);
        let report = build_incremental(&root, &site);
        assert!(
            report.changed.contains(&"beta/runs/r1.html".to_owned()),
            "{:?}",
            report.changed
        );
        let clean = dir.path().join("clean");
        build_clean(&root, &clean);
        assert_same_site(&site, &clean, &[Edit::ReplaceMedia { n: 0 }]);
    }
}

/// After a rebuild whose stamp was taken from the cache's hashes (a log had grown, so nothing
/// was hashed before the build), an unchanged build is up to date, and an edit of the same
/// length in the middle of a log still is not.
#[test]
fn the_stamp_after_a_rebuild_is_exact() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("logs");
    let mut logs = Logs::new(&root);
    let site = dir.path().join("site");
    build_incremental(&root, &site);
    logs.append("alpha/r2.jsonl", 2);
    assert!(!build_incremental(&root, &site).up_to_date);
    assert!(build_incremental(&root, &site).up_to_date);
    let path = root.join("alpha/r2.jsonl");
    let text = fs::read_to_string(&path).unwrap();
    let edited = text.replacen("\"batch\": 32", "\"batch\": 64", 1);
    assert_eq!(edited.len(), text.len());
    fs::write(&path, edited).unwrap();
    let report = build_incremental(&root, &site);
    assert!(!report.up_to_date);
    assert!(
        report.changed.contains(&"alpha/runs/r2.html".to_owned()),
        "{:?}",
        report.changed
    );
}

/// A rebuild starts from the site before the published one, kept beside it
/// (`.SITE.ahnb-spare`), and so touches only what changed; what the spare holds is used only
/// when it is the published file itself, and nothing else in it reaches the site.
#[cfg(unix)]
#[test]
fn a_rebuild_from_the_spare_is_a_clean_build_whatever_the_spare_holds() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("logs");
    let mut logs = Logs::new(&root);
    let site = dir.path().join("site");
    let spare = dir.path().join(".site.ahnb-spare");
    build_incremental(&root, &site);
    assert!(!spare.exists(), "a first build has no previous site");
    logs.append("alpha/r0.jsonl", 1);
    build_incremental(&root, &site);
    assert!(
        spare.join(".ahnb-site").is_file(),
        "the previous site is kept"
    );
    let before = inodes(&site);

    // The spare tampered with: a page replaced by another file, a stray file, a file its marker
    // lists that the new site does not have.
    let replaced = spare.join("beta/runs/r0.html");
    let temporary = spare.join("beta/runs/r0.html.new");
    fs::write(&temporary, "<p>not this page</p>").unwrap();
    fs::rename(&temporary, &replaced).unwrap();
    fs::write(spare.join("stray.html"), "stray").unwrap();
    fs::write(spare.join("alpha/runs/ghost.html"), "ghost").unwrap();
    let mut marker = fs::read_to_string(spare.join(".ahnb-site")).unwrap();
    marker.push_str("alpha/runs/ghost.html\n");
    fs::write(spare.join(".ahnb-site"), marker).unwrap();

    logs.append("alpha/r1.jsonl", 1);
    let report = build_incremental(&root, &site);
    assert!(report.carried > 0);
    assert!(!site.join("stray.html").exists());
    assert!(!site.join("alpha/runs/ghost.html").exists());
    let after = inodes(&site);
    for page in ["beta/runs/r1.html", "alpha/runs/r2.html"] {
        assert_eq!(
            before[page], after[page],
            "{page} is carried over as the same file"
        );
    }
    assert_equals_a_clean_build(&root, &site, &dir.path().join("clean-1"));

    // A spare with a link in it is not used (writing below it would write where it leads).
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::remove_dir_all(spare.join("beta")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, spare.join("beta")).unwrap();
    logs.append("beta/r0.jsonl", 1);
    build_incremental(&root, &site);
    assert_eq!(
        fs::read_dir(&elsewhere).unwrap().count(),
        0,
        "nothing written through the link"
    );
    assert_equals_a_clean_build(&root, &site, &dir.path().join("clean-2"));
}
