//! Hostile logs, generated at test time by `scripts/gen_hostile_logs.py` (never committed: one
//! line alone is 50 MB). Each case must end in a specific warning, never in a panic, a hang or
//! unbounded memory; every healthy run must come through intact; nothing outside LOGS may be read,
//! nothing outside SITE written, and no markup from a log may reach a page as markup. The cases
//! and limits are described in docs/robustness.md.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::*;

/// Longest any single command may take on the hostile logs before it counts as a hang. A debug
/// build reads and builds all of them in a few seconds on two cores.
const HANG: Duration = Duration::from_secs(120);

/// Most memory a build of the hostile logs may use (it needs about 80 MiB).
const MEMORY_MIB: f64 = 400.0;

/// The generated folder (OUT/logs and OUT/outside), once per test run, in Cargo's temp folder.
fn hostile() -> &'static Path {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile");
        generate_hostile_logs(&out, "all");
        out
    })
}

fn logs() -> PathBuf {
    hostile().join("logs")
}

fn is_root() -> bool {
    let out = Process::new("id").arg("-u").output().expect("id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

/// What one build of all hostile logs gave.
struct Built {
    site: PathBuf,
    stderr: String,
    logs_before: BTreeMap<String, (u64, std::time::SystemTime)>,
}

/// Names, sizes and modification times of everything under LOGS, links not followed.
fn logs_listing() -> BTreeMap<String, (u64, std::time::SystemTime)> {
    walkdir::WalkDir::new(logs())
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let meta = e.path().symlink_metadata().unwrap();
            (
                e.path().to_string_lossy().into_owned(),
                (meta.len(), meta.modified().unwrap()),
            )
        })
        .collect()
}

fn built() -> &'static Built {
    static BUILT: OnceLock<Built> = OnceLock::new();
    BUILT.get_or_init(|| {
        let parent = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-build");
        let _ = std::fs::remove_dir_all(&parent);
        std::fs::create_dir_all(&parent).unwrap();
        let site = parent.join("site");
        let logs_before = logs_listing();
        let out = ahnb()
            .arg("build")
            .arg(logs())
            .arg("-o")
            .arg(&site)
            .arg("--timings")
            // What a README linked to /proc/self/environ would publish.
            .env("AHNB_CANARY", "SECRET-ENV")
            .timeout(HANG)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "the build failed:\n{stderr}");
        Built {
            site,
            stderr,
            logs_before,
        }
    })
}

/// `ahnb check` of all hostile logs: every warning, with paths relative to LOGS.
fn check_output() -> &'static (Option<i32>, String) {
    static CHECK: OnceLock<(Option<i32>, String)> = OnceLock::new();
    CHECK.get_or_init(|| {
        let out = ahnb()
            .arg("check")
            .arg(logs())
            .env("AHNB_CANARY", "SECRET-ENV")
            .timeout(HANG)
            .output()
            .unwrap();
        let prefix = format!("{}/", logs().display());
        let text = String::from_utf8_lossy(&out.stderr).replace(&prefix, "");
        (out.status.code(), text)
    })
}

#[test]
fn every_hostile_case_gets_a_specific_warning_and_nothing_panics() {
    let (code, warnings) = check_output();
    assert_eq!(*code, Some(0), "{warnings}");
    assert!(!warnings.contains("panicked"), "{warnings}");
    let locked = if is_root() {
        // root reads any file; the unreadable case is run as another user below.
        None
    } else {
        Some("links/locked.jsonl: cannot be read: Permission denied (os error 13)")
    };
    let expected = [
        // Bytes.
        "bytes/invalid-utf8.jsonl:2: line is not valid UTF-8 (at byte 41); skipped",
        "bytes/nul-bytes.jsonl:2: malformed JSON: key must be a string (column 19)",
        "bytes/nul-bytes.jsonl:3: malformed JSON: control character (\\u0000-\\u001F) found while parsing a string (column 24)",
        "bytes/long-line.jsonl:2: line of 52428834 bytes is longer than the limit of 16777216; skipped",
        "bytes/deep.jsonl:2: metric 'x' is an array, not a number; skipped",
        "bytes/deep.jsonl:3: header field 'params' is nested deeper than 128 levels; ignored",
        "bytes/deep.jsonl:5: malformed JSON: EOF while parsing a list (column 100012)",
        // Sizes.
        "metrics/many-metrics.jsonl: more than 10000 distinct metric names; 90000 values of further metrics dropped",
        // Numbers: 1e400 is read as Infinity (no warning); steps must be 64-bit integers.
        "numbers/numbers.jsonl:5: step inf is not an integer; using 4",
        "numbers/steps.jsonl:5: step 9223372036854776000 is beyond the range of steps (±9.2e18); using 1",
        "numbers/steps.jsonl:6: step 18446744073709552000 is beyond the range of steps (±9.2e18); using 2",
        "numbers/steps.jsonl:7: step 1.5 is not an integer; using 3",
        "numbers/times.jsonl:4: time 'not a time' is not an RFC 3339 timestamp",
        "numbers/times.jsonl:5: time inf is not a finite number of seconds",
        // Types.
        "types/types.jsonl:1: header field 'run' has an unexpected value; ignored",
        "types/types.jsonl:1: header field 'params' has an unexpected value; ignored",
        "types/types.jsonl:2: metric 'str' is a string, not a number; skipped",
        "types/types.jsonl:2: metric 'arr' is an array, not a number; skipped",
        "types/types.jsonl:2: metric 'obj' is an object, not a number; skipped",
        "types/types.jsonl:2: metric 'bool' is a boolean, not a number; skipped",
        "types/types.jsonl:3: step 'two' is not an integer; using 2",
        "types/types.jsonl:4: metrics record has no 'metrics' object",
        "types/types.jsonl:6: malformed JSON: field 'type' is a number, not a string (column 10)",
        "types/types.jsonl:7: malformed JSON: invalid type: sequence, expected a JSON object (column 0)",
        "types/types.jsonl:9: malformed JSON: invalid type: null, expected a JSON object (column 4)",
        "types/types.jsonl:10: media kind '' is not one of image, gif, svg, html, text; skipped",
        "types/types.jsonl:11: note record has no 'text' string; skipped",
        "types/types.jsonl:12: end status is not a string; the run counts as finished",
        // Shapes.
        "shapes/empty.jsonl: empty file; no run",
        "shapes/blank.jsonl: empty file; no run",
        "shapes/cut.jsonl:5: last line is cut off (the run may still be writing, or it crashed); ignored",
        // Names: an empty run name falls back to the file name.
        "names/run-14.jsonl:1: header field 'run' has an unexpected value; ignored",
        // Lookalike names (class 7): both named, the invisible characters shown escaped.
        "lookalike/run-1.jsonl: run name 'tw\\u{200b}in' looks the same as run 'twin' (lookalike/run-0.jsonl): they differ only by invisible or bidirectional characters",
        "lookalike/run-2.jsonl: run name '\\u{202e}twin\\u{202c}' looks the same as run 'twin' (lookalike/run-0.jsonl): they differ only by invisible or bidirectional characters",
        "lookalike/other.jsonl: project name 'look\\u{feff}alike' looks the same as project 'lookalike' (lookalike/run-0.jsonl): they differ only by invisible or bidirectional characters",
        // File names: printed escaped, on one line.
        "files/new\\nline.jsonl: file name 'new\\nline.jsonl' has a line break",
        // Links and special files.
        "links/loop: symbolic link loop; not followed",
        "links/up-loop: symbolic link loop; not followed",
        "links/outside.jsonl: symbolic link leads outside the log folder; not followed",
        "links/outside-dir: symbolic link leads outside the log folder; not followed",
        "links/dangling.jsonl: cannot be read: No such file or directory (os error 2)",
        "links/fifo.jsonl: not a regular file (a FIFO, socket or device); not read",
        "links/alias.jsonl: the same file as 'links/real.jsonl' (a link, hard link or mount); read once, as that",
        // Messages say what is wrong (class 10).
        "messages/surrogate.jsonl:1: header field 'params' is not valid JSON (a lone UTF-16 surrogate escape, which is not text); ignored",
        "messages/epoch.jsonl:1: epoch inf is not a finite number; ignored",
        "messages/nan-key.jsonl:1: malformed JSON: key must be a string (column 39)",
        "messages/dotted.jsonl:1: param 'a.b' is given twice (a dotted key and a nested one); the first in key order is kept",
        "messages/README.md: README is not valid UTF-8 (at byte 11); shown with replacement characters",
        // Resumed runs (class 5): the line where steps went back.
        "resumed/rewind-10.jsonl: 10 repeated steps (first at line 5012: step 5000 after step 5009); the later value of each is kept",
        "resumed/rewind-5000.jsonl: 5000 repeated steps (first at line 10002: step 5000 after step 9999); the later value of each is kept",
        // The read boundary (issue 12, class 2): every file, not only logs; never waited on.
        "boundary/README.md: leads outside the log folder; not read; the page shows no README",
        "boundary/fifo.json: not a regular file (a FIFO, socket or device); not read",
        "boundary/ahnb.toml: not a regular file (a folder, FIFO, socket or device); not read; ignored",
        "readme-out/README.md: leads outside the log folder; not read; the page shows no README",
        "readme-fifo/README.md: not a regular file (a folder, FIFO, socket or device); not read; the page shows no README",
        // One file, many paths (class 3): read once.
        "boundary/run.jsonl: the same file as 'boundary/hard.jsonl' (a link, hard link or mount); read once, as that",
        "boundary/linked: link to the folder 'boundary-linked', which is read under its own path; not followed",
        "chain/d00/a: link to the folder 'chain/d01', which is read under its own path; not followed",
        "chain/d16/b: link to the folder 'chain/d17', which is read under its own path; not followed",
        // Compression.
        "gz/corrupt.jsonl.gz:1: cannot decompress past line 0: corrupt deflate stream; the lines before are kept",
        "gz/not-gzip.jsonl.gz:1: cannot decompress past line 0: invalid gzip header; the lines before are kept",
        "gz/truncated.jsonl.gz:897: cannot decompress past line 897: incomplete deflate stream; the lines before are kept",
        // Media paths (checked again, with links and special files, when the site is built).
        "media/media-paths.jsonl:3: media path '../../outside/secret.png' leaves the log's folder; skipped",
        "media/media-paths.jsonl:4: media path '/etc/passwd' leaves the log's folder; skipped",
        "media/media-paths.jsonl:5: media path 'C:\\Windows\\win.ini' leaves the log's folder; skipped",
        "media/media-paths.jsonl:6: media path 'media/../../x.png' leaves the log's folder; skipped",
        "media/media-paths.jsonl:7: media path '..' leaves the log's folder; skipped",
    ];
    let lines: Vec<&str> = warnings
        .lines()
        .filter_map(|l| l.strip_prefix("warning: "))
        .collect();
    for warning in expected.iter().chain(locked.iter()) {
        assert!(
            lines.contains(warning),
            "missing warning: {warning}\n--- got:\n{warnings}"
        );
    }
    // Every warning is one line that names its file: nothing from a log breaks the format.
    for line in warnings.lines() {
        assert!(
            line.starts_with("warning: ")
                || line.starts_with("checked ")
                || line.starts_with("  read ")
                || line.starts_with("  skipped "),
            "stray output line {line:?}"
        );
    }
    // Nothing of the folder beside LOGS was read, so nothing of it is mentioned.
    assert!(!warnings.contains("SECRET"));
}

#[test]
fn strict_check_fails_on_hostile_logs() {
    ahnb()
        .args(["check", "-q", "--strict"])
        .arg(logs())
        .timeout(HANG)
        .assert()
        .code(3);
}

#[test]
fn the_build_is_bounded_in_time_and_memory() {
    let built = built();
    let peak = built
        .stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("peak memory "))
        .and_then(|v| v.trim_end_matches(" MiB").parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no peak memory in\n{}", built.stderr));
    assert!(peak < MEMORY_MIB, "peak memory {peak} MiB");
    assert!(!built.stderr.contains("panicked"));
    // The caps on charts apply and say so.
    let site_size: u64 = read_tree(&built.site)
        .values()
        .map(|b| b.len() as u64)
        .sum();
    assert!(
        !built.site.join("bytes/logs").exists(),
        "raw logs are copied only when asked"
    );
    assert!(site_size < 120 << 20, "the site is {site_size} bytes");
}

/// `ahnb summary --format json` of a LOGS folder: run source -> run.
fn summary_runs(logs: &Path) -> BTreeMap<String, serde_json::Value> {
    let out = ahnb()
        .args(["summary", "--format", "json", "-q"])
        .arg(logs)
        .timeout(HANG)
        .output()
        .unwrap();
    assert!(out.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut runs = BTreeMap::new();
    for project in summary["projects"].as_array().unwrap() {
        for run in project["runs"].as_array().unwrap() {
            let mut run = run.clone();
            run["project"] = project["name"].clone();
            runs.insert(run["source"].as_str().unwrap().to_owned(), run);
        }
    }
    runs
}

fn count(run: &serde_json::Value, metric: &str) -> u64 {
    run["metrics"][metric]["count"].as_u64().unwrap_or(0)
}

#[test]
fn every_healthy_line_and_run_survives_its_neighbours() {
    let runs = summary_runs(&logs());
    let run = |source: &str| {
        runs.get(source)
            .unwrap_or_else(|| panic!("no run from {source}; runs: {:?}", runs.keys()))
    };
    // Good lines around bad ones are kept.
    assert_eq!(count(run("bytes/invalid-utf8.jsonl"), "loss"), 2);
    assert_eq!(count(run("bytes/nul-bytes.jsonl"), "loss"), 2);
    assert_eq!(count(run("bytes/nul-bytes.jsonl"), "nul\u{0}name"), 1);
    assert_eq!(count(run("bytes/long-line.jsonl"), "loss"), 2);
    assert_eq!(count(run("bytes/deep.jsonl"), "loss"), 3);
    for source in ["bytes/invalid-utf8.jsonl", "bytes/long-line.jsonl"] {
        assert_eq!(run(source)["status"], "finished", "{source}");
    }
    // Numbers past a double are infinite, -0 and huge integers are numbers.
    let numbers = &run("numbers/numbers.jsonl")["metrics"];
    assert_eq!(numbers["overflow"]["count"], 4);
    assert_eq!(numbers["overflow"]["nonfinite"], 2);
    assert_eq!(numbers["neg_overflow"]["last"], "-Infinity");
    assert_eq!(numbers["underflow"]["last"], 0.0);
    assert_eq!(numbers["big_int"]["last"], 18446744073709551616.0);
    assert_eq!(numbers["final"]["final"], "Infinity");
    let steps = &run("numbers/steps.jsonl")["metrics"]["loss"];
    assert_eq!(steps["count"], 7);
    // Steps travel as doubles: i64::MAX reads as 2^63, out of range; the largest kept is 4.
    assert_eq!(run("numbers/steps.jsonl")["steps"], 4);
    // The many-metrics run keeps the first 10,000 names, each with its one value.
    let many = run("metrics/many-metrics.jsonl");
    assert_eq!(many["metrics"].as_object().unwrap().len(), 10_000);
    assert_eq!(count(many, "m009_999"), 1);
    // Files without a header, with only a header, or cut, are runs; empty files are not.
    assert_eq!(count(run("shapes/headerless.jsonl"), "loss"), 5);
    assert!(runs.contains_key("shapes/header-only.jsonl"));
    assert_eq!(run("shapes/cut.jsonl")["status"], "incomplete");
    assert!(!runs.contains_key("shapes/empty.jsonl"));
    // The same run name twice in one project: two runs.
    let same = runs.values().filter(|r| r["project"] == "dup").count();
    assert_eq!(same, 2);
    // Odd file names are runs named after them.
    for name in [
        "with space",
        "new\nline",
        "tab\there",
        "-dash",
        "ünïcødé",
        "latin1-\u{fffd}",
    ] {
        assert!(
            runs.values().any(|r| r["name"] == name),
            "no run named {name:?}"
        );
    }
    // Compressed logs: a good one whole, a truncated one up to where it breaks.
    assert_eq!(count(run("gz/good.jsonl.gz"), "loss"), 4);
    let truncated = count(run("gz/truncated.jsonl.gz"), "loss");
    assert!((800..2000).contains(&truncated), "{truncated}");
    // Links inside LOGS are read, once; the file behind a link out of LOGS never is.
    assert!(runs.contains_key("links/real.jsonl") && !runs.contains_key("links/alias.jsonl"));
    // A CR-only file is read, a BOM mid-file costs no line, and `{NaN: 1}` is no metric.
    assert_eq!(count(run("messages/cr-only.jsonl"), "loss"), 2);
    assert_eq!(count(run("messages/bom-mid.jsonl"), "loss"), 2);
    let nan = run("messages/nan-key.jsonl")["metrics"]
        .as_object()
        .unwrap();
    assert!(nan.keys().all(|k| !k.contains("ahnb:")), "{nan:?}");
    // Resumed runs: for any rewind, the later value of each step wins and the overwritten ones
    // leave every summary (a 5,000-step rewind kept the old best, 0.01).
    for (source, steps) in [
        ("resumed/rewind-10.jsonl", 5010),
        ("resumed/rewind-5000.jsonl", 10000),
    ] {
        let loss = &run(source)["metrics"]["loss"];
        assert_eq!(loss["count"], steps, "{source}");
        assert_eq!(loss["best"], 0.5, "{source}");
        assert_eq!(loss["last"], 0.5, "{source}");
    }
    // One file by hard link, a folder by a link, a log behind 2^17 - 1 paths: one run each.
    let in_project = |project: &str| runs.values().filter(|r| r["project"] == project).count();
    assert_eq!(in_project("boundary"), 1);
    assert_eq!(in_project("boundary-linked"), 1);
    assert_eq!(in_project("chain"), 1);
    assert!(runs.contains_key("chain/d17/leaf.jsonl"));
    assert!(runs.values().all(|r| r["name"] != "SECRET-RUN"));
    // Sixteen hostile run names, sixteen runs; every good run is there.
    assert_eq!(
        runs.values().filter(|r| r["project"] == "names").count(),
        16
    );
    for i in 1..=3 {
        assert_eq!(count(run(&format!("good/good-{i}.jsonl")), "loss"), 5);
    }
}

#[test]
fn healthy_projects_render_exactly_as_they_would_alone() {
    let built = built();
    let dir = tempfile::tempdir().unwrap();
    let alone = dir.path().join("logs");
    std::fs::create_dir_all(alone.join("good")).unwrap();
    for i in 1..=3 {
        let name = format!("good-{i}.jsonl");
        std::fs::copy(
            logs().join("good").join(&name),
            alone.join("good").join(&name),
        )
        .unwrap();
    }
    let (_site_dir, site) = build_site(&alone, &["-q"]);
    let expected = read_tree(&site.join("good"));
    let actual = read_tree(&built.site.join("good"));
    assert_eq!(
        expected.keys().collect::<Vec<_>>(),
        actual.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &expected {
        assert!(
            bytes == &actual[path],
            "good/{path} differs when built beside hostile logs"
        );
    }
}

#[test]
fn output_names_are_safe_unique_and_stay_inside_the_site() {
    let built = built();
    let tree = read_tree(&built.site);
    for path in tree.keys() {
        for part in path.split('/') {
            let safe = !part.is_empty()
                && part != ".."
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
            assert!(safe, "unsafe output path {path:?}");
            assert!(
                !part.starts_with('.') || path == ".ahnb-site" || path == ".nojekyll",
                "hidden output file {path:?}"
            );
        }
    }
    // Names that collide, also only by case, get deterministic suffixes; none is lost.
    let names_runs = tree
        .keys()
        .filter(|p| p.starts_with("names/runs/") && p.ends_with(".html"))
        .count();
    assert_eq!(names_runs, 16);
    for page in [
        "names/runs/casetwin.html",
        "names/runs/casetwin-2.html",
        "names/runs/etc-passwd.html",
        "names/runs/index-1.html",
        "names/runs/assets-1.html",
        "case/index.html",
        "case-2/index.html",
        "case-3/index.html",
        "escape/index.html",
        "etc/index.html",
        "index-1/index.html",
        "assets-1/index.html",
        "404-1/index.html",
        // Issue 12, class 7: once a folder where the 404 page goes, failing the whole build.
        "index-1.html/index.html",
        "404-1.html/index.html",
        "con-1/index.html",
        "nul-1.txt/index.html",
        "com1-1.log/index.html",
        "lpt9-1/index.html",
        "dup/runs/same.html",
        "dup/runs/same-2.html",
    ] {
        assert!(tree.contains_key(page), "no {page}");
    }
    let long: Vec<_> = tree
        .keys()
        .filter(|p| p.starts_with("names/runs/llll"))
        .collect();
    assert_eq!(long.len(), 2, "{long:?}");
    // Nothing was written beside the site but ahnb's own dot files, and nothing into LOGS.
    for entry in std::fs::read_dir(built.site.parent().unwrap()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name == "site" || name.starts_with(".site."),
            "{name} beside SITE"
        );
    }
    assert!(
        logs_listing() == built.logs_before,
        "the build changed something under LOGS"
    );
}

#[test]
fn nothing_outside_logs_reaches_the_site() {
    let built = built();
    for (path, bytes) in read_tree(&built.site) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("SECRET"),
            "{path} holds data from outside LOGS"
        );
    }
    assert!(!built.stderr.contains("SECRET"));
}

/// Regression (issue 12, classes 1 and 3): a long media name was slugged and cut so that `.png`
/// fell off and `.html` remained, publishing a page that runs the log's script; media referenced
/// twice was copied twice, and the same SVG embedded three times was inlined three times.
#[test]
fn published_media_is_inert_and_copied_once() {
    let built = built();
    let tree = read_tree(&built.site);
    const IMAGE: [&str; 7] = [".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".bmp"];
    let media: Vec<&String> = tree.keys().filter(|p| p.contains("/media/")).collect();
    for path in &media {
        assert!(
            IMAGE.iter().any(|e| path.ends_with(e)),
            "published media {path:?} does not end in an image extension"
        );
    }
    // Every other published file is one ahnb makes: pages, charts, data, assets.
    for path in tree.keys() {
        let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
        assert!(
            [
                "html",
                "svg",
                "js",
                "css",
                "json",
                "csv",
                "txt",
                "png",
                "jpg",
                "jpeg",
                "gif",
                "webp",
                "avif",
                "bmp",
                "ico",
                "woff2",
                "xml",
                "ahnb-site",
                "nojekyll"
            ]
            .contains(&extension),
            "unexpected published file {path:?}"
        );
    }
    let cut: Vec<_> = tree
        .iter()
        .filter(|(p, bytes)| p.contains("/media/") && bytes.starts_with(b"<script>"))
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        cut.len(),
        1,
        "the twice-referenced image is copied once: {cut:?}"
    );
    let page = tree
        .iter()
        .find(|(p, b)| p.ends_with(".html") && String::from_utf8_lossy(b).contains("svg-repeated"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .expect("the payload run page");
    let svg_head = "data:image/svg+xml,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22%20onload";
    // svg-inline, svg-file (evil.svg holds the same bytes) and svg-repeated three times: one
    // data URL on the page, four pointers to it.
    assert_eq!(
        page.matches(svg_head).count(),
        1,
        "the same SVG is inlined once"
    );
    assert_eq!(page.matches("the same content as ").count(), 4);
}

/// Media: paths and links that leave the log's folder, special files, non-image extensions.
#[test]
fn media_never_reads_outside_its_log_folder_nor_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let out = ahnb()
        .arg("build")
        .arg(logs().join("media"))
        .arg("-o")
        .arg(&site)
        .timeout(HANG)
        .output()
        .unwrap();
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(&logs().display().to_string(), "LOGS");
    assert!(out.status.success(), "{stderr}");
    // Media paths are quoted as the log wrote them, whatever the folder the logs sit in.
    for warning in [
        "media-paths.jsonl: media file 'link-out.png' leads outside the log's folder; skipped",
        "media-paths.jsonl: media file 'link-out.txt' leads outside the log's folder; skipped",
        "media-paths.jsonl: media file 'fifo.png' is not a regular file; skipped",
        "media-paths.jsonl: media file 'a-folder.png' is not a regular file; skipped",
        "media-paths.jsonl: media file 'missing.png' not found",
    ] {
        assert!(stderr.contains(warning), "missing {warning}\n{stderr}");
    }
    let tree = read_tree(&site);
    assert!(
        tree.keys().all(|p| !p.contains("/media/")),
        "{:?}",
        tree.keys()
    );
    let page = all_html(&site);
    assert!(!page.contains("SECRET"));
    assert!(
        page.contains("svg+xml,%3Csvg"),
        "the SVG file is shown through a data URL"
    );
}

/// A minimal HTML tokenizer: every start tag with its attributes, skipping comments, end tags
/// and the raw text of `<script>` and `<style>`. Enough to find live markup in our own output.
fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(offset) = html[i..].find('<') {
        i += offset + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(bytes.len(), |end| i + end + 3);
            continue;
        }
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_end = html[i..]
            .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            .map_or(bytes.len(), |e| i + e);
        let name = html[i..name_end].to_ascii_lowercase();
        i = name_end;
        let mut attributes = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i])
            {
                i += 1;
            }
            let key = html[start..i].to_ascii_lowercase();
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                if let Some(&quote) = bytes.get(i).filter(|q| **q == b'"' || **q == b'\'') {
                    let end = html[i + 1..]
                        .find(quote as char)
                        .map_or(bytes.len(), |e| i + 1 + e);
                    value = html[i + 1..end].to_owned();
                    i = end + 1;
                } else {
                    let start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = html[start..i].to_owned();
                }
            }
            attributes.push((key, value));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            i = html[i..].find(&close).map_or(bytes.len(), |e| i + e);
        }
        tags.push((name, attributes));
    }
    tags
}

/// What a URL attribute's value means to a browser, roughly: entities of `:` and spaces undone.
fn url_scheme(value: &str) -> String {
    value
        .replace("&#x3a;", ":")
        .replace("&#58;", ":")
        .replace("&colon;", ":")
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Where, in the text of a page, a bidirectional embedding, override or isolate opens outside any
/// `<bdi>` and any FSI…PDI isolate: such a name would reorder the rest of its line. Tags (their
/// attributes are tooltips, not lines) and `<script>` islands are not page text.
fn unisolated_bidi(html: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let (mut bdi, mut isolates) = (0usize, 0usize);
    let mut rest = html;
    let mut at = 0;
    while let Some(ch) = rest.chars().next() {
        let len = if ch == '<' {
            let lower = rest.get(..8).unwrap_or(rest).to_ascii_lowercase();
            if lower.starts_with("<bdi>") {
                bdi += 1;
            } else if lower.starts_with("</bdi>") {
                bdi = bdi.saturating_sub(1);
            }
            let end = if lower.starts_with("<script") {
                rest.find("</script>").map(|e| e + 9)
            } else {
                rest.find('>').map(|e| e + 1)
            };
            end.unwrap_or(rest.len())
        } else {
            match ch {
                // An isolate opening is what protects a name in plain text; an unclosed one
                // from a log still ends at the `<bdi>` around it.
                '\u{2066}'..='\u{2068}' => isolates += 1,
                '\u{202A}'..='\u{202E}' if bdi == 0 && isolates == 0 => found.push(at),
                '\u{2069}' => isolates = isolates.saturating_sub(1),
                _ => {}
            }
            ch.len_utf8()
        };
        at += len;
        rest = &rest[len..];
    }
    found
}

/// Issue 12, class 7: names with direction controls are isolated wherever a page shows them
/// (`<bdi>` in the page, FSI…PDI in the `<title>` and in charts' SVG labels).
#[test]
fn bidi_names_are_isolated_in_every_page() {
    let site = &built().site;
    let project = common::read_page(site.join("lookalike/index.html"));
    assert!(
        project.contains("<h1><bdi>lookalike</bdi></h1>"),
        "{project}"
    );
    assert!(
        project.contains("\"><bdi>\u{202e}twin\u{202c}</bdi></a>"),
        "the results table does not isolate the run name"
    );
    let run_page = read_tree(&site.join("lookalike/runs"))
        .into_values()
        .map(|b| common::page_text(&String::from_utf8(b).unwrap()))
        .find(|page| page.contains("<h1><bdi>\u{202e}twin\u{202c}</bdi>"))
        .expect("a run page titled with the isolated name");
    assert!(
        run_page.contains("<title>\u{2068}\u{202e}twin\u{202c}\u{2069} · lookalike · ahnb</title>"),
        "{run_page}"
    );
    assert!(run_page.contains("› <span><bdi>\u{202e}twin\u{202c}</bdi></span>"));
    let mut pages = 0;
    for (path, bytes) in read_tree(site) {
        if !path.ends_with(".html") && !path.ends_with(".svg") {
            continue;
        }
        // Pages are ASCII (src/render/ascii.rs: `&#x202E;`), and read back so that a control
        // would be found.
        assert!(
            !path.ends_with(".html") || bytes.is_ascii(),
            "{path} is not ASCII"
        );
        let text = common::page_text(&String::from_utf8_lossy(&bytes));
        let found = unisolated_bidi(&text);
        let context: Vec<_> = found
            .iter()
            .map(|&at| text[at.saturating_sub(80)..(at + 40).min(text.len())].to_owned())
            .collect();
        assert!(found.is_empty(), "{path}: not isolated: {context:#?}");
        pages += 1;
    }
    assert!(pages > 50, "{pages}");
    assert_eq!(unisolated_bidi("<p>\u{202e}x</p>"), vec![3]);
    assert!(
        unisolated_bidi("<p title=\"\u{202e}\"><bdi>\u{202e}x</bdi>\u{2068}\u{202e}\u{2069}</p>")
            .is_empty()
    );
}

#[test]
fn no_markup_from_a_log_is_live_in_any_page() {
    let built = built();
    let mut pages = 0;
    for (path, bytes) in read_tree(&built.site) {
        let text = String::from_utf8(bytes).unwrap_or_default();
        if path.ends_with(".html") {
            pages += 1;
        } else if !path.ends_with(".svg") {
            continue;
        }
        // Only ahnb's charts are SVG files; their labels must be text, like every name in pages.
        for (tag, attributes) in start_tags(&text) {
            assert!(
                !matches!(
                    tag.as_str(),
                    "iframe"
                        | "object"
                        | "embed"
                        | "base"
                        | "form"
                        | "frame"
                        | "frameset"
                        | "applet"
                ),
                "<{tag}> in {path}"
            );
            if tag == "script" {
                assert!(path.ends_with(".html"), "<script> in {path}");
                // The theme's scripts, and nothing else: assets/<name>.js with a plain name.
                let theme_file = attributes.iter().any(|(k, v)| {
                    k == "src"
                        && v.rsplit_once("assets/").is_some_and(|(_, name)| {
                            name.strip_suffix(".js").is_some_and(|stem| {
                                !stem.is_empty()
                                    && stem.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                            })
                        })
                });
                let data = attributes
                    .iter()
                    .any(|(k, v)| k == "type" && v == "application/json");
                assert!(theme_file || data, "<script {attributes:?}> in {path}");
            }
            if tag == "meta" {
                assert!(
                    !attributes
                        .iter()
                        .any(|(k, v)| k == "http-equiv" && v.eq_ignore_ascii_case("refresh")),
                    "meta refresh in {path}"
                );
            }
            for (key, value) in &attributes {
                assert!(!key.starts_with("on"), "<{tag} {key}=…> in {path}");
                if matches!(
                    key.as_str(),
                    "href" | "src" | "action" | "formaction" | "xlink:href" | "data" | "srcdoc"
                ) {
                    let url = url_scheme(value);
                    let scripted = url.starts_with("javascript:") || url.starts_with("vbscript:");
                    let data_page = url.starts_with("data:") && !url.starts_with("data:image/");
                    let harmless = !scripted && !data_page;
                    assert!(harmless, "<{tag} {key}={value:?}> in {path}");
                }
            }
        }
        // The JSON islands for the scripts cannot be closed by a name from a log.
        for island in text.split("<script type=\"application/json\"").skip(1) {
            let body = &island[..island.find("</script>").unwrap()];
            assert!(!body.contains('<'), "raw '<' in a JSON island of {path}");
        }
    }
    assert!(pages > 60, "only {pages} pages");
}

#[test]
fn the_tokenizer_finds_live_markup() {
    let tags = start_tags(
        r#"<p title="a onclick=x &lt;script&gt;">t</p><!-- <img onerror=1> --><img src=x onerror='y'><script>if (a<b) {}</script><a href="javascript:z">"#,
    );
    let names: Vec<_> = tags.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["p", "img", "script", "a"]);
    assert_eq!(
        tags[0].1,
        [("title".into(), "a onclick=x &lt;script&gt;".into())]
    );
    assert!(tags[1].1.iter().any(|(k, _)| k == "onerror"));
    assert_eq!(url_scheme(&tags[3].1[0].1), "javascript:z");
}

/// A log that a training job keeps appending to while the build reads it: the build succeeds,
/// reads a consistent prefix of whole lines, and at most calls the last one cut.
#[test]
fn a_log_appended_to_during_the_build_is_read_consistently() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("live")).unwrap();
    let path = logs.join("live/growing.jsonl");
    std::fs::copy(hostile().join("logs/live/growing.jsonl"), &path).unwrap();
    // Enough lines that reading them overlaps with the writer.
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    let mut text = String::new();
    for step in 1..=60_000 {
        text.push_str(&format!(
            "{{\"type\":\"metrics\",\"step\":{step},\"metrics\":{{\"loss\":{}}}}}\n",
            1.0 / step as f64
        ));
    }
    file.write_all(text.as_bytes()).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut step = 60_001u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // Half a record, a pause, the other half: the reader may see either.
                let record = format!(
                    "{{\"type\":\"metrics\",\"step\":{step},\"metrics\":{{\"loss\":0.5}}}}\n"
                );
                let (a, b) = record.split_at(record.len() / 2);
                file.write_all(a.as_bytes()).unwrap();
                file.flush().unwrap();
                std::thread::sleep(Duration::from_micros(200));
                file.write_all(b.as_bytes()).unwrap();
                step += 1;
            }
            step
        })
    };
    let started = Instant::now();
    for round in 0..3 {
        let site = dir.path().join(format!("site-{round}"));
        let out = ahnb()
            .arg("build")
            .arg(&logs)
            .arg("-o")
            .arg(&site)
            .timeout(HANG)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        for line in stderr.lines().filter(|l| l.starts_with("warning:")) {
            assert!(line.contains("last line is cut off"), "unexpected {line}");
        }
        let page = common::read_page(site.join("live/runs/growing.html"));
        assert!(page.contains("growing"));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let last = writer.join().unwrap();
    assert!(last > 60_001, "the writer appended while the builds ran");
    assert!(started.elapsed() < HANG);
    // Once the writer stopped, every line it wrote is read.
    let runs = summary_runs(&logs);
    assert_eq!(count(&runs["live/growing.jsonl"], "loss"), last);
}

/// A log that cannot be read (permissions) is one warning; the other runs are read. Root reads
/// everything, so as root the check runs as `nobody` through setpriv.
#[test]
fn an_unreadable_log_is_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).unwrap();
    let logs = root.join("logs");
    std::fs::create_dir_all(logs.join("p")).unwrap();
    let run = "{\"type\":\"metrics\",\"step\":1,\"metrics\":{\"loss\":1}}\n";
    std::fs::write(logs.join("p/ok.jsonl"), run).unwrap();
    std::fs::write(logs.join("p/locked.jsonl"), run).unwrap();
    std::fs::set_permissions(
        logs.join("p/locked.jsonl"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let mut check = if is_root() {
        if Process::new("setpriv").arg("--version").output().is_err() {
            skip_for_missing(
                "an_unreadable_log_is_a_warning",
                "running as root without setpriv (util-linux) to read as another user",
            );
            return;
        }
        // A copy of the binary that `nobody` can run, wherever the build folder is.
        let binary = root.join("ahnb");
        std::fs::copy(assert_cmd::cargo::cargo_bin("ahnb"), &binary).unwrap();
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut command = Process::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary);
        command
    } else {
        Process::new(assert_cmd::cargo::cargo_bin("ahnb"))
    };
    let out = check.arg("check").arg(&logs).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("p/locked.jsonl: cannot be read: Permission denied (os error 13)"),
        "{stderr}"
    );
    assert!(stderr.contains("checked 2 files (1 run,"), "{stderr}");
}

/// Most bytes the wide project's page may take: 20 runs × 10,000 metric names once made a 29 MB
/// page; with at most 100 metrics and 100 hyperparameters it is about 2.5 MB (100 charts of 20
/// runs, and the names left off).
const WIDE_PAGE_BYTES: usize = 3_000_000;

/// Issue 12, class 4: a project page, its data and runs.csv carry at most 100 metrics and 100
/// hyperparameters, the most informative ones; the page names the rest and says where they are;
/// `ahnb summary` still exports all of them.
#[test]
fn a_project_of_many_metric_names_has_a_small_page_and_full_exports() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile-wide");
    generate_hostile_logs(&out, "wide");
    let logs = out.join("logs");
    let (_dir, site) = build_site(&logs, &["-q", "--no-cache"]);
    let page = common::read_page(site.join("wide/index.html"));
    assert!(page.len() <= WIDE_PAGE_BYTES, "{} bytes", page.len());
    assert!(
        page.contains("This page shows 100 of 10000 metrics and 100 of 1000 hyperparameters (those most runs logged, and those that vary); <code>ahnb summary --format csv</code> or <code>--format json</code> exports them all."),
        "no note on the page"
    );
    // The left-off names are on the page, each once.
    assert!(page.contains("<bdi>train/block099/layer99/grad_norm</bdi>"));
    assert!(page.contains("<bdi>p00999</bdi>"));
    let start = page.find(r#"id="project-data""#).unwrap();
    let start = start + page[start..].find('>').unwrap() + 1;
    let end = start + page[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    assert_eq!(data["metrics"].as_array().unwrap().len(), 100);
    assert_eq!(data["params"].as_array().unwrap().len(), 100);
    // Every run logs every metric, so the first 100 in the project's order are kept; the
    // parameters that vary come before those that do not (all of these vary).
    assert_eq!(
        data["metrics"][0]["name"],
        "train/block000/layer00/grad_norm"
    );
    let header = |csv: &str| csv.lines().next().unwrap().to_owned();
    let columns =
        |header: &str, prefix: &str| header.split(',').filter(|c| c.starts_with(prefix)).count();
    let runs_csv = header(&std::fs::read_to_string(site.join("wide/runs.csv")).unwrap());
    assert_eq!(columns(&runs_csv, "metric."), 100);
    assert_eq!(columns(&runs_csv, "param."), 100);
    let exported = ahnb()
        .args(["summary", "--format", "csv", "-q", "--project", "wide"])
        .arg(&logs)
        .output()
        .unwrap();
    assert!(exported.status.success());
    let exported = header(&String::from_utf8(exported.stdout).unwrap());
    assert_eq!(columns(&exported, "metric."), 10_000);
    assert_eq!(columns(&exported, "param."), 1_000);
}
