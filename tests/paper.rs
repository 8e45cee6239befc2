//! The paper kit: `ahnb figures` / `build --figures` write every chart as SVG and as a vector PDF
//! with an embedded font, and `build --archive` zips the site; both byte-identical across builds.

mod common;

use std::io::Read;
use std::path::Path;

use common::*;
use predicates::prelude::*;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn figures_are_svg_and_pdf_pairs_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let many = dir.path().join("many");
    for (out, threads) in [(&one, "1"), (&many, "4")] {
        ahnb()
            .env("RAYON_NUM_THREADS", threads)
            .args(["figures", "-q", "-o"])
            .arg(out)
            .arg(example_logs())
            .assert()
            .success();
    }
    let a = read_tree(&one);
    let b = read_tree(&many);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between runs");
    }
    let svgs: Vec<&String> = a.keys().filter(|p| p.ends_with(".svg")).collect();
    assert!(
        svgs.len() > 100,
        "every project and run chart ({})",
        svgs.len()
    );
    for svg in &svgs {
        let pdf = svg.replace(".svg", ".pdf");
        let bytes = a
            .get(&pdf)
            .unwrap_or_else(|| panic!("{svg} has no PDF twin"));
        assert!(bytes.starts_with(b"%PDF-"), "{pdf}");
        // Vector text in the embedded DejaVu Sans, never a machine font; no dates.
        assert!(contains(bytes, b"/FontFile2"), "{pdf} embeds its font");
        assert!(
            contains(bytes, b"DejaVuSans"),
            "{pdf} uses the shipped font"
        );
        assert!(!contains(bytes, b"/CreationDate") && !contains(bytes, b"/ModDate"));
    }
    // Project charts and run charts mirror the site's figure folders.
    for path in [
        "mnist-cnn/groups.svg",
        "mnist-cnn/parallel.pdf",
        "mnist-cnn/metric-val_accuracy.pdf",
        "mnist-cnn/lr0.001-do0.5-seed2/accuracy.pdf",
    ] {
        assert!(a.contains_key(path), "missing {path}");
    }
    let svg = String::from_utf8(a["mnist-cnn/groups.svg"].clone()).unwrap();
    assert!(svg.starts_with("<?xml"));
    roxmltree::Document::parse(&svg).expect("standalone SVG is well-formed XML");
    // The page is the chart's size: 720 × 400 px at 1 px = 1 pt.
    assert!(contains(
        &a["mnist-cnn/groups.pdf"],
        b"/MediaBox [0 0 720 400]"
    ));
}

#[test]
fn build_writes_figures_and_a_reproducible_archive() {
    let dir = tempfile::tempdir().unwrap();
    let mut zips = Vec::new();
    for (n, threads) in [(1, "1"), (2, "4")] {
        let site = dir.path().join(format!("site{n}"));
        let zip = dir.path().join(format!("out{n}/site.zip"));
        let figures = dir.path().join(format!("figures{n}"));
        ahnb()
            .env("RAYON_NUM_THREADS", threads)
            .arg("build")
            .arg(example_logs())
            .arg("-o")
            .arg(&site)
            .arg("--figures")
            .arg(&figures)
            .arg("--archive")
            .arg(&zip)
            .assert()
            .success()
            .stderr(predicate::str::contains("charts as SVG and PDF to"))
            .stderr(predicate::str::contains("files into"));
        assert!(figures.join("mnist-cnn/groups.pdf").is_file());
        zips.push((site, std::fs::read(&zip).unwrap()));
    }
    assert!(zips[0].1 == zips[1].1, "the archive is byte-identical");

    let (site, bytes) = &zips[0];
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let names: Vec<String> = archive.file_names().map(str::to_owned).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "entries are sorted");
    let tree = read_tree(site);
    let expected: Vec<&String> = tree.keys().filter(|p| *p != ".ahnb-site").collect();
    assert_eq!(
        names.iter().collect::<Vec<_>>(),
        expected,
        "every site file but ahnb's marker"
    );
    assert!(names.contains(&".nojekyll".to_owned()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let modified = file.last_modified().unwrap();
        assert_eq!(
            (modified.year(), modified.month(), modified.day()),
            (1980, 1, 1),
            "fixed timestamp"
        );
        assert_eq!(file.unix_mode(), Some(0o100644));
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        assert!(content == tree[file.name()], "{} round-trips", file.name());
    }
}

#[test]
fn exports_refuse_paths_that_would_damage_logs_or_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    copy_dir(&fixture("basic"), &logs);
    ahnb()
        .args(["figures", "-o"])
        .arg(logs.join("figures"))
        .arg(&logs)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "is inside the log folder; choose a path outside the logs and the site",
        ));
    let site = dir.path().join("site");
    ahnb()
        .arg("build")
        .arg(&logs)
        .arg("-o")
        .arg(&site)
        .arg("--archive")
        .arg(site.join("site.zip"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "it is inside the site, which would then contain itself",
        ));
}

fn copy_dir(from: &Path, to: &Path) {
    for (relative, bytes) in read_tree(from) {
        let target = to.join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
}

/// Regression (issue 12, class 8): a metric or run name holding NUL (valid JSON as `\u0000`)
/// reached an SVG through plotters' axis labels; the SVG was not XML, and `figures` stopped with
/// "SVG data parsing failed". Non-XML characters become U+FFFD in every chart.
#[test]
fn names_with_non_xml_characters_never_reach_an_svg() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    std::fs::create_dir_all(logs.join("p")).unwrap();
    std::fs::write(
        logs.join("p/r.jsonl"),
        concat!(
            r#"{"type":"header","run":"r\u0000x","params":{"a\u0000":"v\u0001"}}"#,
            "\n",
            r#"{"type":"metrics","step":1,"metrics":{"nul\u0000name":1,"bell\u0007":2,"non\uffff":3}}"#,
            "\n",
            r#"{"type":"metrics","step":2,"metrics":{"nul\u0000name":3,"bell\u0007":1,"non\uffff":2}}"#,
            "\n"
        ),
    )
    .unwrap();
    let figures = dir.path().join("figures");
    let site = dir.path().join("site");
    ahnb()
        .args(["figures", "-q", "-o"])
        .arg(&figures)
        .arg(&logs)
        .assert()
        .success();
    ahnb()
        .args(["build", "-q", "--figures"])
        .arg(dir.path().join("built-figures"))
        .arg(&logs)
        .arg("-o")
        .arg(&site)
        .assert()
        .success();
    let mut svgs = 0;
    for root in [&figures, &dir.path().join("built-figures"), &site] {
        for (path, bytes) in read_tree(root) {
            if !path.ends_with(".svg") {
                continue;
            }
            svgs += 1;
            let text = String::from_utf8(bytes).unwrap();
            roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        }
    }
    assert!(svgs >= 6, "{svgs} charts");
}

/// Regression (issue 12, class 9): `--cache` and `--archive` inside LOGS were accepted (the next
/// build read ahnb's own files as input, and published the zip), and `--figures` wrote charts
/// into any folder, mixing them into someone's files.
#[test]
fn operator_paths_inside_logs_or_foreign_folders_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let logs = dir.path().join("logs");
    copy_dir(&fixture("basic"), &logs);
    let site = dir.path().join("site");
    for (flag, path) in [
        ("--cache", logs.join("build.cache")),
        ("--archive", logs.join("p/site.zip")),
        ("--figures", logs.join("figures")),
    ] {
        ahnb()
            .arg("build")
            .arg(&logs)
            .arg("-o")
            .arg(&site)
            .arg(flag)
            .arg(&path)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("is inside the log folder"));
        assert!(!path.exists(), "{flag} wrote into LOGS");
    }
    // A folder of someone's files is refused; an empty one, or one ahnb wrote, is used.
    let paper = dir.path().join("paper");
    std::fs::create_dir_all(&paper).unwrap();
    std::fs::write(paper.join("draft.tex"), "\\documentclass{article}").unwrap();
    for command in [&["figures", "-o"][..], &["build", "--figures"][..]] {
        let mut cmd = ahnb();
        cmd.args(command).arg(&paper).arg(&logs);
        if command[0] == "build" {
            cmd.arg("-o").arg(&site);
        }
        cmd.assert().code(1).stderr(predicate::str::contains(
            "is a folder that is not empty and was not written by ahnb",
        ));
    }
    assert_eq!(std::fs::read_dir(&paper).unwrap().count(), 1);
    let own = dir.path().join("own");
    for _ in 0..2 {
        ahnb()
            .args(["figures", "-q", "-o"])
            .arg(&own)
            .arg(&logs)
            .assert()
            .success();
    }
    assert!(own.join(".ahnb-figures").is_file());
}

/// The charts of a figures export are the site's: `ahnb figures` (which plans the pages) and
/// `build --figures` (which takes them from the pages it draws) write the same files, also when
/// the build could carry every page over from the previous one, and the project charts are
/// the page's (its figure files) byte for byte.
#[test]
fn figures_and_build_figures_write_the_site_charts() {
    let dir = tempfile::tempdir().unwrap();
    let alone = dir.path().join("alone");
    ahnb()
        .args(["figures", "-q", "-o"])
        .arg(&alone)
        .arg(example_logs())
        .assert()
        .success();
    let site = dir.path().join("site");
    for n in 0..2 {
        // The second build finds every page unchanged; its figures are still all written.
        let built = dir.path().join(format!("built{n}"));
        ahnb()
            .args(["build", "-q", "-o"])
            .arg(&site)
            .arg("--figures")
            .arg(&built)
            .arg(example_logs())
            .assert()
            .success();
        let (a, b) = (read_tree(&alone), read_tree(&built));
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (path, bytes) in &a {
            assert!(bytes == &b[path], "{path} differs");
        }
    }
    let figures = read_tree(&alone);
    let pages = read_tree(&site);
    let mut project_charts = 0;
    for (path, bytes) in &pages {
        let Some((project, name)) = path.split_once("/figures/") else {
            continue;
        };
        let exported = &figures[&format!("{project}/{name}")];
        assert!(exported == bytes, "{path} is the exported chart");
        project_charts += 1;
    }
    assert!(project_charts >= 6, "{project_charts} project charts");
    assert!(
        figures
            .keys()
            .any(|k| k.matches('/').count() == 2 && k.ends_with(".pdf"))
    );
}
