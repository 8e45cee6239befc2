//! TensorBoard event files written by tensorboardX (tests/fixtures/formats/tensorboard, made by
//! scripts/gen_format_fixtures.py): what a user sees of them in the loaded model and the site.

mod common;

use common::*;

fn fixtures() -> std::path::PathBuf {
    fixture("formats/tensorboard")
}

fn load() -> ahnb::Loaded {
    ahnb::load(&fixtures(), &ahnb::LoadOptions::default()).expect("loads")
}

fn run<'a>(
    loaded: &'a ahnb::Loaded,
    project: &str,
    name: &str,
) -> (&'a ahnb::model::Run, ahnb::model::Status) {
    let project = (loaded.projects.iter())
        .find(|p| p.name == project)
        .unwrap_or_else(|| panic!("project {project}"));
    let index = (project.runs.iter())
        .position(|r| r.name == name)
        .unwrap_or_else(|| panic!("run {name} in {}", project.name));
    (&project.runs[index], project.summaries[index].status)
}

fn values(run: &ahnb::model::Run, metric: &str) -> Vec<(i64, f64)> {
    let series =
        (run.series.get(metric)).unwrap_or_else(|| panic!("{metric} in {:?}", run.metric_order));
    series.points.iter().map(|p| (p.step, p.value)).collect()
}

fn warnings_about(loaded: &ahnb::Loaded, folder: &str) -> Vec<String> {
    (loaded.warnings.iter())
        .filter(|w| w.path.starts_with(folder))
        .map(|w| w.to_string())
        .collect()
}

#[test]
fn a_sweep_reads_params_seeds_and_curves_from_the_hparams_plugin() {
    let loaded = load();
    let project = loaded
        .projects
        .iter()
        .find(|p| p.name == "sweep")
        .expect("sweep");
    let names: Vec<&str> = project.runs.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "lr_0.01_seed_1",
            "lr_0.01_seed_2",
            "lr_0.1_seed_1",
            "lr_0.1_seed_2"
        ]
    );
    let (best, status) = run(&loaded, "sweep", "lr_0.1_seed_2");
    // Float32 values shown as logged: 0.25 and 0.35, not 0.3499999940395355.
    assert_eq!(values(best, "Loss/val"), [(4, 1.3222222), (9, 0.35)]);
    assert_eq!(best.series["Loss/train"].summary.last.unwrap().value, 0.25);
    assert_eq!(best.series["Accuracy/train"].summary.count, 10);
    let params = &best.header.params;
    assert_eq!(params["lr"], ahnb::model::ParamValue::Number(0.1));
    assert_eq!(
        params["optimizer"],
        ahnb::model::ParamValue::Text("adam".into())
    );
    assert_eq!(params["amsgrad"], ahnb::model::ParamValue::Bool(false));
    assert_eq!(best.header.seed, Some(2));
    // The session end written with its time says finished.
    assert_eq!(status, ahnb::model::Status::Finished);
    // Two configurations, each run with two seeds.
    assert_eq!(project.groups.len(), 2);
    assert!(project.groups.iter().all(|g| g.members.len() == 2));
    assert_eq!(project.varied_params, ["lr", "seed"]);
    // The event times are the steps' wall times.
    assert!(
        best.wall_time
            .as_ref()
            .is_some_and(|t| t.summary.count == 10)
    );
}

#[test]
fn keras_train_and_validation_folders_are_one_run_named_as_keras_names_them() {
    let loaded = load();
    let (fit, _) = run(&loaded, "keras", "fit");
    assert_eq!(
        fit.metric_order,
        ["loss", "accuracy", "val_loss", "val_accuracy"]
    );
    assert_eq!(fit.series["loss"].summary.last.unwrap().value, 0.2);
    assert_eq!(fit.series["val_loss"].summary.last.unwrap().value, 0.3);
    // epoch_accuracy is packed in tensor_content; the plugin is named with the first value only.
    assert_eq!(
        values(fit, "accuracy"),
        [(0, 0.5), (1, 0.6), (2, 0.7), (3, 0.8), (4, 0.9)]
    );
    assert_eq!(fit.series["val_accuracy"].summary.first.unwrap().value, 0.4);
    assert_eq!(fit.source, "keras/fit");
}

#[test]
fn nan_divergence_and_a_failed_session_are_the_runs_status() {
    let loaded = load();
    let (diverged, status) = run(&loaded, "cases", "diverged");
    let loss = &diverged.series["loss"].summary;
    assert_eq!((loss.count, loss.nonfinite), (10, 4));
    assert_eq!(loss.nonfinite_since.unwrap().step, 6);
    assert_eq!(status, ahnb::model::Status::Diverged);
    let (failed, status) = run(&loaded, "cases", "failed");
    assert_eq!(status, ahnb::model::Status::Failed);
    assert_eq!(
        failed.end.as_ref().and_then(|e| e.time),
        Some(1_700_003_600.0)
    );
}

#[test]
fn a_restart_into_the_same_folder_merges_by_step_and_the_later_file_wins() {
    let loaded = load();
    let (restart, _) = run(&loaded, "cases", "restart");
    assert_eq!(
        values(restart, "loss"),
        [
            (0, 10.0),
            (1, 11.0),
            (2, 12.0),
            (3, 23.0),
            (4, 24.0),
            (5, 25.0),
            (6, 26.0),
            (7, 27.0)
        ]
    );
    let warnings = warnings_about(&loaded, "cases/restart");
    assert_eq!(
        warnings,
        ["cases/restart: 3 repeated steps; the later value of each is kept"]
    );
}

#[test]
fn damaged_records_are_warnings_naming_file_and_record_and_the_rest_is_kept() {
    let loaded = load();
    let (bad, _) = run(&loaded, "cases", "bad_crc");
    let steps: Vec<i64> = values(bad, "loss").iter().map(|(s, _)| *s).collect();
    assert_eq!(
        steps,
        [0, 1, 3, 4, 5],
        "record 4 (step 2) is skipped, the rest kept"
    );
    assert_eq!(
        warnings_about(&loaded, "cases/bad_crc"),
        [
            "cases/bad_crc/events.out.tfevents.1700001300.fixture.1.13:4: record 4 has data whose checksum does not match; skipped"
        ]
    );
    let (cut, _) = run(&loaded, "cases", "truncated");
    assert_eq!(values(cut, "loss").last(), Some(&(4, 0.6)));
    assert_eq!(
        warnings_about(&loaded, "cases/truncated"),
        [
            "cases/truncated/events.out.tfevents.1700001400.fixture.1.14:7: record 7 is cut off (35 of 42 bytes); ignored (the run may still be writing, or it crashed)"
        ]
    );
    // A folder whose only file holds its file version is no run, and says so.
    assert!(
        !loaded
            .projects
            .iter()
            .flat_map(|p| &p.runs)
            .any(|r| r.name == "empty"),
        "no run for an empty event file"
    );
    assert_eq!(
        warnings_about(&loaded, "cases/empty"),
        [
            "cases/empty: TensorBoard event files with no scalars, text, images or hyperparameters (they hold nothing but their file version); no run"
        ]
    );
}

#[test]
fn text_becomes_a_note_and_only_real_images_are_published() {
    let loaded = load();
    let (media, _) = run(&loaded, "cases", "media");
    assert_eq!(media.notes.len(), 1);
    assert_eq!(media.notes[0].step, Some(0));
    assert!(
        media.notes[0]
            .text
            .starts_with("**notes\\/text\\_summary**\n\n**warm-up** done")
    );
    let names: Vec<&str> = media.media.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        ["samples/input", "samples/tf2", "samples/not_an_image"]
    );

    let (_dir, site) = build_site(&fixtures(), &["--no-cache"]);
    let tree = read_tree(&site);
    let images: Vec<&String> = tree.keys().filter(|p| p.contains("/media/")).collect();
    assert_eq!(images.len(), 2, "{images:?}");
    for path in &images {
        assert!(path.ends_with(".png"), "{path}");
        assert!(tree[*path].starts_with(b"\x89PNG\r\n\x1a\n"), "{path}");
    }
    let html = all_html(&site);
    assert!(html.contains("warm-up"));
    assert!(
        !html.contains("<script>alert(1)"),
        "text from a log is escaped"
    );
}

#[test]
fn check_counts_tensorboard_runs_and_warns_about_the_damage() {
    let output = ahnb().arg("check").arg(fixtures()).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let all = format!("{stdout}{stderr}");
    assert!(all.contains("11 TensorBoard runs"), "{all}");
    assert!(
        all.contains("record 4 has data whose checksum does not match"),
        "{all}"
    );
}
