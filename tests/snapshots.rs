//! Snapshots of rendered pages (review changes with `cargo insta review`).

mod common;

use common::*;

#[test]
fn run_page() {
    let (_dir, site) = build_site(&fixture("basic"), &[]);
    let page = common::read_page(site.join("mnist/runs/lr0.01.html"));
    insta::assert_snapshot!("run_page_basic", page);
}

#[test]
fn project_page() {
    let (_dir, site) = build_site(&fixture("basic"), &[]);
    let page = common::read_page(site.join("mnist/index.html"));
    insta::assert_snapshot!("project_page_basic", page);
}
