//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A fixture folder under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The example logs shipped with the repository.
pub fn example_logs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("example-logs")
}

/// The `ahnb` binary under test.
pub fn ahnb() -> Command {
    Command::cargo_bin("ahnb").expect("binary built")
}

/// Every file of a tree, by relative path, with its bytes.
pub fn read_tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Builds `logs` into a fresh temporary site; returns the temp dir guard and the site path.
pub fn build_site(logs: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    ahnb()
        .arg("build")
        .arg(logs)
        .arg("-o")
        .arg(&site)
        .args(extra)
        .assert()
        .success();
    (dir, site)
}

/// All HTML of a site concatenated, for "does it appear anywhere" checks.
pub fn all_html(site: &Path) -> String {
    read_tree(site)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(_, b)| page_text(&String::from_utf8(b).unwrap()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes the hostile logs (`OUT/logs`, `OUT/outside`) with `scripts/gen_hostile_logs.py`;
/// `set` is `all`, `stress` or `payloads`.
pub fn generate_hostile_logs(out: &Path, set: &str) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/gen_hostile_logs.py");
    let status = std::process::Command::new("python3")
        .arg(&script)
        .arg(out)
        .args(["--set", set])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("python3 runs scripts/gen_hostile_logs.py (install Python 3)");
    assert!(status.success(), "the hostile log generator failed");
}

/// Skips the calling test because a component it needs (a tool, the real-log corpus) is missing.
/// With `CI` set (`.ci/run` sets it) that is a failure, never a pass; elsewhere the skip is
/// printed and recorded in `target/tmp/ahnb-skipped-tests.txt`, which `scripts/test.sh` prints
/// in its summary, so that a skip is never counted as a silent pass.
pub fn skip_for_missing(test: &str, reason: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{test} cannot run: {reason} (CI is set, so this fails instead of skipping)");
    }
    eprintln!("SKIPPED {test}: {reason}");
    let record = Path::new(env!("CARGO_TARGET_TMPDIR")).join(SKIPPED_TESTS);
    if let Ok(mut file) = std::fs::File::options()
        .create(true)
        .append(true)
        .open(record)
    {
        use std::io::Write;
        let _ = writeln!(file, "{test}: {reason}");
    }
}

/// Where skipped tests are recorded, in Cargo's temp folder.
pub const SKIPPED_TESTS: &str = "ahnb-skipped-tests.txt";

/// A page's text as written before `ascii_html` (src/render/ascii.rs) wrote every character
/// beyond ASCII as `&#xHEX;`: those references read back as their characters, so a test can
/// look for `±`. Only references beyond ASCII are read back, never `&#x3C;` as `<`: a check that
/// markup from a log did not get in is not fooled.
pub fn page_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("&#x") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let decoded = after.find(';').and_then(|end| {
            let ch = u32::from_str_radix(&after[..end], 16)
                .ok()
                .filter(|&c| c >= 0x80)
                .and_then(char::from_u32)?;
            Some((ch, end))
        });
        match decoded {
            Some((ch, end)) => {
                out.push(ch);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str("&#x");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A built page, its references beyond ASCII read back ([`page_text`]).
pub fn read_page(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    page_text(&std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}
