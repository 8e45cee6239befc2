//! The `ahnb` command end to end: exit codes, exact warning text, the pages a build writes.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn build_writes_index_project_and_run_pages() {
    let (_dir, site) = build_site(&fixture("basic"), &["--raw-logs"]);
    for page in [
        "index.html",
        "404.html",
        ".nojekyll",
        "assets/style.css",
        "assets/ahnb.js",
        "mnist/index.html",
        "mnist/runs/lr0.01.html",
        "mnist/runs/lr0.1.html",
        "mnist/logs/lr0.01.jsonl",
    ] {
        assert!(site.join(page).is_file(), "missing {page}");
    }
    let run = common::read_page(site.join("mnist/runs/lr0.01.html"));
    assert!(
        run.contains(r#"href="../logs/lr0.01.jsonl""#),
        "the raw log is linked"
    );
    assert!(run.contains("dense_1"), "layer table");
    assert!(run.contains("4\u{202F}810"), "total parameters");
    assert!(
        run.contains("<strong>Adam</strong>"),
        "notes rendered from Markdown"
    );
    let diverged = common::read_page(site.join("mnist/runs/lr0.1.html"));
    assert!(diverged.contains("status-diverged"));
    assert!(
        diverged.contains("Diverged at epoch 2 (step 1): loss became NaN."),
        "{diverged}"
    );
}

#[test]
fn warnings_name_file_and_line_and_strict_fails() {
    let dir = tempfile::tempdir().unwrap();
    let logs = fixture("broken");
    let expected = [
        format!(
            "warning: {}/proj/cut.jsonl:3: malformed JSON: trailing comma (column 50)",
            logs.display()
        ),
        format!(
            "warning: {}/proj/cut.jsonl:4: metric 'loss' is a string, not a number; skipped",
            logs.display()
        ),
        format!(
            "warning: {}/proj/cut.jsonl:6: last line is cut off (the run may still be writing, or it crashed); ignored",
            logs.display()
        ),
    ];
    let mut assert = ahnb()
        .arg("build")
        .arg(&logs)
        .arg("-o")
        .arg(dir.path().join("s"))
        .assert()
        .success();
    for line in &expected {
        assert = assert.stderr(predicate::str::contains(line.as_str()));
    }
    assert.stderr(predicate::str::contains("3 warnings"));
    ahnb()
        .arg("build")
        .arg(&logs)
        .arg("-o")
        .arg(dir.path().join("s"))
        .arg("--strict")
        .assert()
        .code(3);
    ahnb()
        .arg("check")
        .arg(&logs)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(expected[0].as_str()));
    ahnb()
        .arg("check")
        .arg(&logs)
        .arg("--strict")
        .assert()
        .code(3);
    ahnb()
        .arg("check")
        .arg(fixture("basic"))
        .arg("--strict")
        .assert()
        .code(0);
}

#[test]
fn cut_run_keeps_complete_lines_and_shows_incomplete() {
    let (_dir, site) = build_site(&fixture("broken"), &[]);
    let page = common::read_page(site.join("proj/runs/cut.html"));
    assert!(page.contains("status-incomplete"));
    assert!(page.contains("last line is cut off") || page.contains("cut off"));
    assert!(page.contains(">0.2500<"), "the last complete value is kept");
    let open = common::read_page(site.join("proj/runs/still-training.html"));
    assert!(open.contains("No end record"));
}

#[test]
fn names_from_logs_are_text_never_markup() {
    let (_dir, site) = build_site(&fixture("hostile-names"), &[]);
    let html = all_html(&site);
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "run name as text"
    );
    // Escaped text such as "&lt;img onerror=…&gt;" is harmless; raw tags and live attributes are not.
    for payload in [
        "<script>alert",
        "<script>window",
        "<img src=x",
        "onclick=\"",
        "onmouseover=",
        "<iframe",
        "href=\"javascript:",
        "<svg onload",
    ] {
        assert!(!html.contains(payload), "{payload} leaked");
    }
}

#[test]
fn bare_lines_take_project_from_folder_and_run_from_file_name() {
    let (_dir, site) = build_site(&fixture("bare"), &[]);
    let page = common::read_page(site.join("detectron/runs/metrics.html"));
    assert!(page.contains("loss_cls"));
    assert!(page.contains("bbox/AP50"));
}

#[test]
fn refuses_dangerous_output_folders() {
    let logs = fixture("basic");
    ahnb()
        .arg("build")
        .arg(&logs)
        .arg("-o")
        .arg(&logs)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("it is the log folder"));
    ahnb()
        .arg("build")
        .arg(&logs)
        .arg("-o")
        .arg(fixture(""))
        .assert()
        .code(1);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("precious.txt"), "mine").unwrap();
    ahnb()
        .arg("build")
        .arg(&logs)
        .arg("-o")
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not created by ahnb"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("precious.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn usage_errors_exit_2_and_missing_logs_exit_1() {
    ahnb().arg("build").arg("--no-such-flag").assert().code(2);
    ahnb()
        .arg("build")
        .arg("/no/such/folder")
        .arg("-o")
        .arg("/tmp/ahnb-never")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "log folder '/no/such/folder' does not exist",
        ));
}

#[test]
fn rebuild_replaces_the_site_and_keeps_foreign_files() {
    let (_dir, site) = build_site(&fixture("basic"), &[]);
    std::fs::write(site.join("CNAME"), "example.org").unwrap();
    ahnb()
        .arg("build")
        .arg(fixture("broken"))
        .arg("-o")
        .arg(&site)
        .assert()
        .success();
    assert!(site.join("proj/index.html").is_file());
    assert!(
        !site.join("mnist/index.html").exists(),
        "pages of the old build are gone"
    );
    assert_eq!(
        std::fs::read_to_string(site.join("CNAME")).unwrap(),
        "example.org"
    );
}

#[test]
fn theme_export_and_override() {
    let dir = tempfile::tempdir().unwrap();
    let theme = dir.path().join("theme");
    ahnb()
        .args(["theme", "export"])
        .arg(&theme)
        .assert()
        .success();
    assert!(theme.join("templates/run.html").is_file());
    ahnb()
        .args(["theme", "export"])
        .arg(&theme)
        .assert()
        .code(1);
    let custom = dir.path().join("custom");
    std::fs::create_dir_all(custom.join("templates")).unwrap();
    std::fs::write(
        custom.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}CUSTOM 404{% endblock content %}",
    )
    .unwrap();
    let site = dir.path().join("site");
    ahnb()
        .arg("build")
        .arg(fixture("basic"))
        .arg("-o")
        .arg(&site)
        .arg("--theme")
        .arg(&custom)
        .assert()
        .success();
    assert!(common::read_page(site.join("404.html")).contains("CUSTOM 404"));
    assert!(
        common::read_page(site.join("index.html")).contains("Projects"),
        "other files fall back"
    );
}

#[test]
fn example_site_builds_with_its_deliberate_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let output = ahnb()
        .arg("build")
        .arg(example_logs())
        .arg("-o")
        .arg(dir.path().join("site"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("last line is cut off"), "{stderr}");
    assert!(stderr.contains("malformed JSON"), "{stderr}");
    let html = all_html(&dir.path().join("site"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;"),
        "script-named run appears as text"
    );
    assert!(html.contains("status-diverged"));
}

#[test]
fn example_logs_are_exactly_what_the_generator_writes() {
    let Ok(python) = which_python() else {
        skip_for_missing(
            "example_logs_are_exactly_what_the_generator_writes",
            "python3 not found",
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("example-logs");
    let status = std::process::Command::new(python)
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen_example_logs.py"))
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let generated = read_tree(&out);
    let committed = read_tree(&example_logs());
    assert_eq!(
        generated.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &generated {
        assert!(
            bytes == &committed[path],
            "{path} differs: rerun scripts/gen_example_logs.py"
        );
    }
}

fn which_python() -> Result<&'static str, ()> {
    std::process::Command::new("python3")
        .arg("--version")
        .output()
        .map(|_| "python3")
        .map_err(|_| ())
}

#[test]
fn big_projects_render_the_best_rows_and_list_every_run_in_csv() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs/sweep");
    std::fs::create_dir_all(&logs).unwrap();
    for i in 0..250 {
        let text = format!(
            "{{\"type\":\"header\",\"run\":\"r{i:03}\",\"params\":{{\"lr\":{}}}}}\n{{\"step\":0,\"val_accuracy\":{}}}\n",
            0.001 * f64::from(i + 1),
            f64::from(i) / 1000.0
        );
        std::fs::write(logs.join(format!("r{i:03}.jsonl")), text).unwrap();
    }
    let (_dir2, site) = build_site(&dir.path().join("logs"), &[]);
    let page = common::read_page(site.join("sweep/index.html"));
    let table = page
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .split("</tbody>")
        .next()
        .unwrap();
    assert_eq!(
        table.matches("<tr ").count(),
        50,
        "only the best rows are in the HTML"
    );
    assert!(table.contains("r249"), "the best run is among them");
    assert!(!table.contains(">r000<"), "the worst is not");
    assert!(page.contains("the best 50 of 250 runs"));
    let csv = std::fs::read_to_string(site.join("sweep/runs.csv")).unwrap();
    assert_eq!(csv.lines().count(), 251, "a header and every run");
}

/// Raw logs are copied only with `--raw-logs`; the old `--no-raw-logs` is still accepted.
#[test]
fn raw_logs_are_copied_only_when_asked() {
    let (_dir, site) = build_site(&fixture("basic"), &[]);
    assert!(!site.join("mnist/logs").exists());
    let run = common::read_page(site.join("mnist/runs/lr0.01.html"));
    assert!(
        !run.contains("(<a href=\"../logs/"),
        "no link to a log that is not there"
    );
    let (_dir, site) = build_site(&fixture("basic"), &["--no-raw-logs"]);
    assert!(site.join("mnist/index.html").is_file() && !site.join("mnist/logs").exists());
}
