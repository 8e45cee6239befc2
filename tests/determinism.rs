//! The same logs give a byte-identical site, whatever the thread count.

mod common;

use common::*;

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
    let a = read_tree(&one);
    let b = read_tree(&many);
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between builds");
    }
    assert!(a.len() > 30, "the example site has many files");
}
