//! Fixtures written by the real tools (scripts/gen_format_fixtures.py: mlflow, keras, dvclive
//! from PyPI), read into runs: names, params typed as logged, values, statuses, seed groups.

mod common;

use ahnb::model::{Format, ParamValue, Run, Status};
use common::*;

fn load(format: &str) -> ahnb::Loaded {
    ahnb::load(
        &fixture("formats").join(format),
        &ahnb::LoadOptions::default(),
    )
    .expect("loads")
}

fn runs(loaded: &ahnb::Loaded) -> Vec<(&Run, Status)> {
    loaded
        .projects
        .iter()
        .flat_map(|p| p.runs.iter().zip(p.summaries.iter().map(|s| s.status)))
        .collect()
}

fn find<'a>(loaded: &'a ahnb::Loaded, name: &str) -> (&'a Run, Status) {
    runs(loaded)
        .into_iter()
        .find(|(r, _)| r.name == name)
        .unwrap_or_else(|| panic!("run {name}"))
}

fn values(run: &Run, metric: &str) -> Vec<(i64, f64)> {
    run.series[metric]
        .points
        .iter()
        .map(|p| (p.step, p.value))
        .collect()
}

#[test]
fn mlflow_runs_keep_their_names_params_statuses_and_model_summary() {
    let loaded = load("mlflow");
    assert_eq!(loaded.formats, [(Format::Mlflow, 5)]);
    assert_eq!(loaded.projects.len(), 1);
    assert_eq!(loaded.projects[0].name, "sweep");
    // The deleted run is skipped and said so; the deleted experiment is in .trash, never read.
    let skipped: Vec<_> = loaded.skipped.iter().map(|s| s.reason).collect();
    assert_eq!(skipped, [ahnb::log::formats::SkipReason::MlflowDeletedRun]);

    let (best, status) = find(&loaded, "lr-0.1-seed-1");
    assert_eq!(status, Status::Finished);
    assert_eq!(best.header.params["lr"], ParamValue::Number(0.1));
    assert_eq!(best.header.params["batch_norm"], ParamValue::Bool(true));
    assert_eq!(
        best.header.params["optimizer"],
        ParamValue::Text("adam".into())
    );
    assert_eq!(best.header.seed, Some(1));
    assert!(best.header.tags.contains(&"purpose=fixture".to_owned()));
    let loss = values(best, "loss");
    assert_eq!(loss.len(), 5);
    assert_eq!(loss[0], (0, 1.001));
    assert_eq!(loss[4], (4, 1.0 / 5.0 + 0.001));
    let summary = best.header.model.as_ref().unwrap().text.as_deref().unwrap();
    assert!(summary.contains("Total params: 49"), "{summary}");

    assert_eq!(find(&loaded, "lr-1.0-diverged").1, Status::Diverged);
    let (failed, status) = find(&loaded, "lr-0.01-failed");
    assert_eq!(status, Status::Failed);
    assert_eq!(failed.series["loss"].summary.count, 3);
    assert_eq!(find(&loaded, "lr-0.01-killed").1, Status::Killed);

    // Runs differing only in their seed param form seed groups.
    let groups = &loaded.projects[0].groups;
    assert_eq!(groups.len(), 2, "{groups:?}");
}

#[test]
fn keras_csv_logger_files_written_by_keras_are_runs() {
    let loaded = load("keras_csv");
    // appended.csv: a 4-epoch run, then a 3-epoch run appended (append=True).
    assert_eq!(loaded.formats, [(Format::KerasCsv, 5)]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let (first, status) = find(&loaded, "appended");
    assert_eq!(status, Status::Finished);
    assert_eq!(
        values(first, "loss"),
        [
            (0, 10.28919506072998),
            (1, 8.474199295043945),
            (2, 6.7825541496276855),
            (3, 5.2801032066345215)
        ]
    );
    let (second, _) = find(&loaded, "appended #2");
    assert_eq!(second.source, "sweep/appended.csv#2");
    assert_eq!(values(second, "val_mae")[2], (2, 2.0407304763793945));

    // A learning rate of 10: loss 3.3e20, then NaN from epoch 1; val_loss inf at once.
    let (diverged, status) = find(&loaded, "diverged");
    assert_eq!(status, Status::Diverged);
    let loss = &diverged.series["loss"].summary;
    assert_eq!((loss.count, loss.nonfinite), (6, 5));
    assert_eq!(loss.nonfinite_since.unwrap().step, 1);
    assert_eq!(
        diverged.series["val_loss"].summary.first.unwrap().value,
        f64::INFINITY
    );

    let (run, _) = find(&loaded, "lr-0.01");
    assert_eq!(run.project, "sweep");
    assert_eq!(run.series["val_loss"].summary.count, 6);
}

#[test]
fn dvclive_folders_written_by_dvclive_are_runs() {
    let loaded = load("dvclive");
    assert_eq!(loaded.formats, [(Format::DvcLive, 2)]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let (run, status) = find(&loaded, "run-lr-0.1");
    assert_eq!(status, Status::Finished);
    assert_eq!(run.project, "sweep");
    assert_eq!(run.header.params["lr"], ParamValue::Number(0.1));
    assert_eq!(run.header.params["model.layers"], ParamValue::Number(2.0));
    assert_eq!(run.header.seed, Some(7));
    assert_eq!(
        values(run, "train/loss"),
        [(0, 1.0), (1, 0.5), (2, 1.0 / 3.0), (3, 0.25), (4, 0.2)]
    );
    assert_eq!(values(run, "eval/accuracy")[4], (4, 0.7));
    let end = run.end.as_ref().unwrap();
    assert!(end.metrics.contains(&("eval/accuracy".into(), 0.7)));

    // NaN from step 2 on, in the TSV and as "nan" in metrics.json: diverged.
    let (diverged, status) = find(&loaded, "run-diverged");
    assert_eq!(status, Status::Diverged);
    let loss = &diverged.series["train/loss"].summary;
    assert_eq!((loss.count, loss.nonfinite), (5, 3));
    assert_eq!(loss.nonfinite_since.unwrap().step, 2);
}

/// DVCLive saves `log_image` files as `.jpg`, `.jpeg`, `.gif` or `.png` under `plots/images/`:
/// each is a media item of its run, and a GIF stays a GIF (it was passed over before).
#[test]
fn dvclive_images_are_media_and_a_gif_stays_a_gif() {
    const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("sweep/run-a");
    std::fs::create_dir_all(run.join("plots/metrics/train")).unwrap();
    std::fs::create_dir_all(run.join("plots/images")).unwrap();
    std::fs::write(run.join("dvc.yaml"), "metrics:\n- metrics.json\n").unwrap();
    std::fs::write(
        run.join("metrics.json"),
        r#"{"step": 1, "train": {"loss": 0.5}}"#,
    )
    .unwrap();
    std::fs::write(
        run.join("plots/metrics/train/loss.tsv"),
        "step\tloss\n0\t1.0\n1\t0.5\n",
    )
    .unwrap();
    std::fs::write(run.join("plots/images/samples.GIF"), GIF).unwrap();
    std::fs::write(run.join("plots/images/notes.txt"), "not an image").unwrap();
    let loaded = ahnb::load(dir.path(), &ahnb::LoadOptions::default()).unwrap();
    let (run, _) = find(&loaded, "run-a");
    let media: Vec<(&str, ahnb::model::MediaKind)> = run
        .media
        .iter()
        .map(|m| (m.name.as_str(), m.kind))
        .collect();
    assert_eq!(media, [("samples.GIF", ahnb::model::MediaKind::Gif)]);
    // The site copies it under its content's name, as a .gif the run page shows.
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    ahnb::build(dir.path(), &site, &ahnb::BuildOptions::default()).unwrap();
    let gifs: Vec<_> = walkdir::WalkDir::new(&site)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "gif"))
        .collect();
    assert_eq!(gifs.len(), 1, "{gifs:?}");
    assert_eq!(std::fs::read(&gifs[0]).unwrap(), GIF);
    let gif_name = gifs[0].file_name().unwrap().to_str().unwrap();
    let page = common::read_page(site.join("sweep/runs/run-a.html"));
    assert!(page.contains(gif_name), "the run page shows the GIF");
}

#[test]
fn a_run_or_experiment_folder_given_as_logs_itself_is_read() {
    let options = ahnb::LoadOptions::default();
    let dvc = ahnb::load(&fixture("formats/dvclive/sweep/run-lr-0.1"), &options).unwrap();
    let (run, _) = find(&dvc, "run-lr-0.1");
    assert_eq!(values(run, "train/loss").len(), 5);
    assert_eq!(run.header.params["lr"], ParamValue::Number(0.1));

    let mlruns = fixture("formats/mlflow/mlruns");
    let experiment = std::fs::read_dir(&mlruns)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir() && std::fs::read_dir(p).unwrap().count() > 2)
        .unwrap();
    let loaded = ahnb::load(&experiment, &options).unwrap();
    assert_eq!(loaded.formats, [(Format::Mlflow, 5)]);
    assert_eq!(loaded.skipped.len(), 1, "the deleted run");
    assert_eq!(find(&loaded, "lr-0.01-killed").1, Status::Killed);
}

/// Issue 12, class 5, for every format: a run resumed from an old checkpoint rewrites steps it
/// had logged long before (further back than streaming resolves). The later value of each step
/// must win in every summary, as it does for native logs; before, the overwritten best stayed.
#[test]
fn a_long_rewind_in_a_lightning_log_leaves_no_overwritten_value_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("resumed/version_0");
    std::fs::create_dir_all(&run).unwrap();
    let mut csv = String::from("epoch,loss,step\n");
    // The first attempt reached a loss of 0.1, then the run was resumed from step 0.
    for step in 0..10_000 {
        csv.push_str(&format!("0,0.1,{step}\n"));
    }
    for step in 0..10_000 {
        csv.push_str(&format!("1,{},{step}\n", 1.0 + step as f64 / 1000.0));
    }
    std::fs::write(run.join("metrics.csv"), csv).unwrap();
    std::fs::write(run.join("hparams.yaml"), "lr: 0.01\n").unwrap();
    let loaded = ahnb::load(dir.path(), &ahnb::LoadOptions::default()).expect("loads");
    assert_eq!(loaded.formats, [(Format::LightningCsv, 1)]);
    let run = &loaded.projects[0].runs[0];
    let loss = &run.series["loss"].summary;
    assert_eq!(loss.count, 10_000);
    assert_eq!(loss.min.map(|p| (p.step, p.value)), Some((0, 1.0)));
    assert_eq!(loss.max.map(|p| (p.step, p.value)), Some((9_999, 10.999)));
    assert_eq!(loss.last.map(|p| (p.step, p.value)), Some((9_999, 10.999)));
}
