//! Real logs written by other people's tools (../shared/corpus/real, or $AHNB_CORPUS): detectron2
//! and MMEngine JSON lines, a custom NMT trainer, Weights & Biases history. Read in place, never
//! copied into the repository. Skipped with a message when the corpus is absent, except in CI.

mod common;

use std::path::PathBuf;

use common::*;

fn corpus() -> Option<PathBuf> {
    let path = std::env::var_os("AHNB_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real"));
    if path.is_dir() {
        return Some(path);
    }
    skip_for_missing(
        "corpus",
        &format!("no real-log corpus at {} (set AHNB_CORPUS)", path.display()),
    );
    None
}

fn load(path: &std::path::Path) -> ahnb::Loaded {
    ahnb::load(path, &ahnb::LoadOptions::default()).expect("loads")
}

fn run<'a>(loaded: &'a ahnb::Loaded, project: &str, name: &str) -> &'a ahnb::model::Run {
    let project = loaded
        .projects
        .iter()
        .find(|p| p.name == project)
        .unwrap_or_else(|| panic!("project {project}"));
    project
        .runs
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("run {name} in {}", project.name))
}

#[test]
fn detectron2_and_mmengine_json_lines_are_read_with_their_quirks() {
    let Some(corpus) = corpus() else { return };
    let loaded = load(&corpus.join("jsonl_metrics"));
    assert_eq!(loaded.projects.len(), 8);
    assert_eq!(
        loaded.projects.iter().map(|p| p.runs.len()).sum::<usize>(),
        10
    );

    // Bare NaN literals: bbox/APs is NaN at all three evaluations, counted, never dropped.
    let ghailen = run(
        &loaded,
        "Ghailen-Ben-Achour__detectron2_detection",
        "metrics",
    );
    let aps = &ghailen.series["bbox/APs"].summary;
    assert_eq!((aps.count, aps.nonfinite), (3, 3));
    assert_eq!(
        ghailen.last_step(),
        Some(300),
        "the eval-only last line is kept"
    );

    // A file appended across restarts: iterations go 9, 9, 19, ... then back to 9.
    let gralach = loaded
        .warnings
        .iter()
        .find(|w| w.path.starts_with("Gralach__detectron_mine/"))
        .expect("a warning");
    assert!(gralach.message.contains("repeated steps"), "{gralach}");

    // Two MMEngine runs of one project named metrics alike are named apart by their path.
    let mmengine = loaded
        .projects
        .iter()
        .find(|p| p.name == "duanbo320__openmmlab_camp")
        .unwrap();
    let mut names: Vec<&str> = mmengine.runs.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        ["20230605_200941/vis_data/scalars", "vis_data/scalars"]
    );
    // Keys with spaces and parentheses are kept as written.
    let pose = run(
        &loaded,
        "duanbo320__openmmlab_camp",
        "20230605_200941/vis_data/scalars",
    );
    assert!(pose.series.contains_key("coco/AP (M)"));

    // A custom trainer's two row schemas interleaved: sparse per-epoch metrics.
    let nmt = run(&loaded, "netra-ai-lab__Netra-NMT", "train_log");
    assert_eq!(nmt.lines, 1992);
    assert_eq!(nmt.series["loss"].summary.last.unwrap().step, 99_400);
    assert_eq!(nmt.series["val_chrf"].summary.count, 3, "one per epoch");
    assert_eq!(nmt.epoch.as_ref().unwrap().summary.max.unwrap().value, 4.0);
}

#[test]
fn the_whole_corpus_builds_without_a_crash() {
    let Some(corpus) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let output = ahnb()
        .arg("build")
        .arg(&corpus)
        .arg("-o")
        .arg(&site)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    // Every format the corpus holds is counted in the report.
    for format in [
        "JSON-lines",
        "TensorBoard",
        "MLflow",
        "Keras CSV",
        "Lightning CSV",
        "CSV run",
        "DVCLive",
        "Hugging Face",
        "W&B",
    ] {
        assert!(stderr.contains(format), "{format} in {stderr}");
    }
    let html = all_html(&site);
    assert!(html.contains("Ghailen-Ben-Achour__detectron2_detection"));
    assert!(
        html.contains("checkpoint-2115"),
        "trainer_state.json is a run"
    );
    assert!(
        html.contains("apricot-fire-21"),
        "a W&B run folder is a run"
    );
}

/// Files of the corpus that give no run, and why: an exact path, or a folder ending in `/`.
/// Every other file must be read into a run. (TensorBoard event files that give no run are in
/// `TENSORBOARD_EVENT_FILES` below.)
const NOT_LOGS: &[(&str, &str)] = &[
    ("SOURCES.md", "the corpus' own description"),
    (
        "keras_csvlogger/ElectronicXX__drowsiness-detection-ai/training_log.csv",
        "pandas' history.to_csv(index=False): no epoch column, so no step (skipped, and said so)",
    ),
    (
        "other_csv/Graphical27__Time-Domain-Electromagnetics/training_history (1).csv",
        "hyperparameter columns before the epoch: no step column first (skipped, and said so)",
    ),
    (
        "other_csv/rishabhg97__robust-cartpole/logs/monitor.csv",
        "Stable-Baselines' monitor (reward, length, time per episode): no step column (skipped)",
    ),
    (
        "other_csv/Ads2511__Automated-Dermatology-Assistant/training_log.csv",
        "a header and no rows: the run died before its first epoch (skipped, and said so)",
    ),
    (
        "mlflow/264Gaurav__mlflow-experiment-tracking/mlruns/0/models/",
        "an MLflow 3 logged model: shaped like a run, but a model (skipped, and said so)",
    ),
    (
        "mlflow/264Gaurav__mlflow-experiment-tracking/mlruns/0/4f3a99566d764c67861d7168c3a6009d/outputs/",
        "the link from a run to its logged model: MLflow's bookkeeping",
    ),
    (
        "mlflow/1MaxOn1__Artic-project/mlruns/481099135687968271/5371314d38a8413386c9b7958cc7127c/outputs/",
        "the link from a run to its logged model: MLflow's bookkeeping",
    ),
    (
        "mlflow/CarlosSenra__mlflow-park/mlruns/712175433530039085/datasets/",
        "an experiment's dataset metadata: MLflow's bookkeeping",
    ),
    (
        "mlflow/CarlosSenra__mlflow-park/mlruns/712175433530039085/8241edceada144f98f58ed69571a5c7f/inputs/",
        "a run's dataset inputs: MLflow's bookkeeping",
    ),
    (
        "dvclive/AlexanderExp__PPE-Detection/dvclive/params.yaml",
        "a DVCLive folder with params and no metrics (skipped, and said so)",
    ),
    (
        "dvclive/Brycenvn__dvc-yolov8/dvclive/plots/sklearn/cf.json",
        "a confusion matrix's data, not a metric",
    ),
    // ---- TensorBoard folder: sidecar files of the event files' runs (tb adds rows here). ----
    (
        "tensorboard/Abdul-AA__Text-Generation-With-LSTM/lightning_logs/version_0/hparams.yaml",
        "Lightning's TensorBoardLogger copy of the hyperparameters its event file also holds",
    ),
    (
        "tensorboard/BFU-Graphics__NeRF-from-scratch/lightning_logs/version_0/hparams.yaml",
        "Lightning's TensorBoardLogger copy of the hyperparameters its event file also holds",
    ),
    (
        "tensorboard/Geethen__Burn_Area_Mapping/src/components/catboost_info/learn_error.tsv",
        "CatBoost's own table of the values its event file holds (iter, Logloss)",
    ),
];

fn listed_as_not_a_log(relative: &str) -> Option<&'static str> {
    NOT_LOGS.iter().find_map(|(path, why)| {
        let listed = if path.ends_with('/') {
            relative.starts_with(path)
        } else {
            relative == *path
        };
        listed.then_some(*why)
    })
}

#[test]
fn every_corpus_file_is_read_into_a_run_or_listed_with_why_not() {
    let Some(corpus) = corpus() else { return };
    let (files, _) = ahnb::log::find_files(&corpus);
    assert_eq!(
        files.len(),
        551,
        "the corpus holds 550 files and SOURCES.md"
    );
    let detection = ahnb::log::formats::detect::detect(&files);
    let mut read = std::collections::BTreeSet::new();
    for source in &detection.sources {
        if !ahnb::log::formats::read_source(source, 100).runs.is_empty() {
            read.extend(source.inputs.iter().map(|f| f.relative.clone()));
        }
    }
    let tensorboard_without_run: Vec<&str> = TENSORBOARD_EVENT_FILES
        .iter()
        .filter(|(_, read_as)| read_as.is_err())
        .map(|(path, _)| *path)
        .collect();
    let mut unaccounted = Vec::new();
    for file in &files {
        let relative = file.relative.as_str();
        let not_a_log = listed_as_not_a_log(relative).is_some()
            || relative
                .strip_prefix("tensorboard/")
                .is_some_and(|r| tensorboard_without_run.contains(&r));
        match (read.contains(relative), not_a_log) {
            (true, false) | (false, true) => {}
            (true, true) => unaccounted.push(format!("{relative}: read, but listed as no log")),
            (false, false) => unaccounted.push(format!("{relative}: neither read nor listed")),
        }
    }
    assert!(unaccounted.is_empty(), "{}", unaccounted.join("\n"));
    // No row of the table is stale.
    for (path, _) in NOT_LOGS {
        assert!(
            files.iter().any(|f| if path.ends_with('/') {
                f.relative.starts_with(path)
            } else {
                f.relative == *path
            }),
            "{path} is listed but not in the corpus"
        );
    }
}

#[test]
fn weights_and_biases_run_folders_are_one_run_each() {
    use ahnb::model::{Format, ParamValue, Status};
    let Some(corpus) = corpus() else { return };
    let loaded = load(&corpus.join("wandb"));
    assert_eq!(loaded.formats, [(Format::Wandb, 6)]);

    // wandb 0.8 (2020): history, summary, config and metadata in wandb/; the metadata names the
    // run and its W&B project, and says it never finished.
    let space = run(&loaded, "spaceinvaders-challenge", "apricot-fire-21");
    assert!(space.wall_time.is_some(), "_timestamp is the wall time");
    assert!(!space.series.keys().any(|k| k.starts_with('_')));
    let reward = &space.series["episodic_reward"].summary;
    assert_eq!(reward.count, 98);
    assert_eq!(reward.last.unwrap().step, 196);
    assert_eq!(reward.last.unwrap().value, 210.0);
    assert_eq!(param(space, "learning_rate"), ParamValue::Number(0.003));
    assert_eq!(param(space, "batch_size"), ParamValue::Number(32.0));
    assert!(!space.header.params.keys().any(|k| k.starts_with("_wandb")));
    assert!(
        space
            .header
            .env
            .contains(&("gpu".into(), "Tesla T4".into()))
    );
    assert_eq!(status(&loaded, space), Status::Incomplete);
    // The logged video is an object, not a metric: warned about (naming the history line).
    assert!(loaded.warnings.iter().any(|w| {
        w.path.ends_with("wandb/wandb-history.jsonl")
            && w.line == Some(3)
            && w.message.contains("'gameplays' is an object")
    }));

    // A synced run's files/ folder: the run is the folder above it; the summary's last values
    // are the final metrics, its 430 histograms are not.
    let callback = run(&loaded, "dalisson__callback_training_loop", "latest-run");
    let end = callback.end.as_ref().unwrap();
    assert_eq!(
        end.metrics,
        [
            ("eval_avg_loss".to_owned(), 5.047067381075584),
            ("train_avg_loss".to_owned(), 3.0203593757193246)
        ]
    );
    assert_eq!(end.time, Some(1634745068.0));
    assert_eq!(param(callback, "epochs"), ParamValue::Number(6.0));
    assert_eq!(status(&loaded, callback), Status::Finished);

    // A run that crashed at once: a summary with nothing but W&B's runtime.
    let crashed = run(
        &loaded,
        "aorvieto__VerySimpleTransformer",
        "run-20230329_014841-u1c25l6f",
    );
    assert!(crashed.end.is_none() && crashed.series.is_empty());
    assert_eq!(status(&loaded, crashed), Status::Incomplete);
}

fn param(run: &ahnb::model::Run, key: &str) -> ahnb::model::ParamValue {
    run.header
        .params
        .get(key)
        .unwrap_or_else(|| panic!("param {key} of {}", run.name))
        .clone()
}

fn status(loaded: &ahnb::Loaded, run: &ahnb::model::Run) -> ahnb::model::Status {
    let project = loaded
        .projects
        .iter()
        .find(|p| p.runs.iter().any(|r| r.source == run.source))
        .unwrap();
    let index = project
        .runs
        .iter()
        .position(|r| r.source == run.source)
        .unwrap();
    project.summaries[index].status
}

fn last(run: &ahnb::model::Run, metric: &str) -> (i64, f64) {
    let p = run.series[metric].summary.last.unwrap();
    (p.step, p.value)
}

#[test]
fn mlflow_file_stores_are_read_run_by_run() {
    use ahnb::model::{Format, ParamValue, Status};
    let Some(corpus) = corpus() else { return };
    let loaded = load(&corpus.join("mlflow"));
    let runs: Vec<&ahnb::model::Run> = loaded.projects.iter().flat_map(|p| &p.runs).collect();
    // 14 live runs; MLflow 3's logged model (models/m-...) is not one.
    assert_eq!(runs.len(), 14);
    assert!(runs.iter().all(|r| r.format == Format::Mlflow));
    assert_eq!(loaded.formats, [(Format::Mlflow, 14)]);
    assert_eq!(loaded.skipped.len(), 1);
    assert!(
        loaded.skipped[0]
            .relative
            .ends_with("/models/m-41b4d97cf6a74652bd2e1a7a9f21057d")
    );

    // Infinite metrics kept as such; params typed back from MLflow's text ("0.1", "True").
    let auk = run(&loaded, "Default", "persistent-auk-6");
    assert_eq!(auk.series["cv_mse"].summary.nonfinite, 1);
    assert_eq!(last(auk, "cv_mse"), (0, f64::INFINITY));
    assert_eq!(last(auk, "cv_r2"), (0, f64::NEG_INFINITY));
    assert_eq!(param(auk, "lr"), ParamValue::Number(0.1));
    assert_eq!(param(auk, "use_momentum"), ParamValue::Bool(true));
    assert_eq!(param(auk, "gd_type"), ParamValue::Text("stochastic".into()));
    // FINISHED in MLflow, but its error went infinite and stayed so: diverged, as for native logs.
    assert_eq!(status(&loaded, auk), Status::Diverged);
    assert_eq!(auk.header.start, Some(1757556700.469));

    // skorch run: 182 epochs from step 1, metric names with spaces, status 4 = FAILED in
    // MLflow's RunStatus (1 RUNNING, 2 SCHEDULED, 3 FINISHED, 4 FAILED, 5 KILLED).
    let squid = run(
        &loaded,
        "cbam_attention_resnet20_tuning_w/_reduction_16",
        "stately-squid-499",
    );
    let loss = &squid.series["valid_loss"].summary;
    assert_eq!(loss.count, 182);
    assert_eq!(loss.first.unwrap().step, 1);
    assert_eq!(loss.first.unwrap().value, 1.4901904947280884);
    assert_eq!(last(squid, "valid_loss"), (182, 0.4222441171705723));
    assert_eq!(loss.min.unwrap().value, 0.2979790914535522);
    assert!(squid.series.contains_key("final accuracy"));
    assert_eq!(param(squid, "lr"), ParamValue::Number(0.005));
    assert_eq!(param(squid, "max_epochs"), ParamValue::Number(182.0));
    assert_eq!(status(&loaded, squid), Status::Failed);
    assert!(
        squid.wall_time.is_some(),
        "metric timestamps give the wall time"
    );

    // A RUNNING run (status 1, no end time) is incomplete; a run without a runName tag takes
    // nothing but its folder's id.
    let taxi = run(
        &loaded,
        "test_experiment",
        "337531b3ddc34c38a1db55f814c1900d",
    );
    assert_eq!(last(taxi, "rmse"), (0, 4.5));
    assert_eq!(
        param(taxi, "model"),
        ParamValue::Text("Randomforest".into())
    );
    assert_eq!(status(&loaded, taxi), Status::Incomplete);

    // Qlib: dotted metric names, 57 boosting rounds, flattened params typed back.
    let qlib = loaded
        .projects
        .iter()
        .flat_map(|p| &p.runs)
        .find(|r| r.source.contains("b6f69675e0ef41e5905860ceea3ef4da"))
        .unwrap();
    assert_eq!(qlib.series["l2.valid"].summary.count, 57);
    assert_eq!(last(qlib, "l2.valid"), (56, 0.9981105000209389));
    assert_eq!(
        param(qlib, "model.kwargs.num_leaves"),
        ParamValue::Number(210.0)
    );

    // A NaN single point (MLflow 1.x, 'nan' as Python prints it).
    let ctc = loaded
        .projects
        .iter()
        .find(|p| p.name == "CNN _ RNN")
        .unwrap();
    assert_eq!(ctc.runs[0].series["CTC_LOSS"].summary.nonfinite, 1);
}

fn first(run: &ahnb::model::Run, metric: &str) -> (i64, f64) {
    let p = run.series[metric].summary.first.unwrap();
    (p.step, p.value)
}

#[test]
fn keras_csv_logger_files_are_runs_and_appended_files_one_run_per_restart() {
    use ahnb::log::formats::SkipReason;
    use ahnb::model::{Format, Status};
    let Some(corpus) = corpus() else { return };
    let loaded = load(&corpus.join("keras_csvlogger"));
    // 22 CSVLogger files; five were appended to by later runs (epoch back to 0, one header).
    assert_eq!(loaded.formats, [(Format::KerasCsv, 31)]);
    let skipped: Vec<_> = loaded
        .skipped
        .iter()
        .map(|s| (s.reason, s.relative.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [(
            SkipReason::CsvNoStepColumn,
            "ElectronicXX__drowsiness-detection-ai/training_log.csv"
        )],
        "pandas' history.to_csv(index=False) has no epoch column"
    );
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    // Two 50-epoch runs appended: the later run is `training_log #2`, both complete.
    let project = "AhmedZ41__cnn-sleep-apnea-xai";
    let one = run(&loaded, project, "training_log");
    let two = run(&loaded, project, "training_log #2");
    assert_eq!(one.series["val_loss"].summary.count, 50);
    assert_eq!(last(one, "val_loss"), (49, 0.4315567910671234));
    assert_eq!(first(two, "accuracy"), (0, 0.6443617939949036));
    assert_eq!(last(two, "val_loss"), (49, 0.4532333016395569));
    assert_eq!(
        first(one, "learning_rate"),
        (0, 0.0010000000474974513),
        "the LR column is a series like any other"
    );

    // Four runs of 5, 4, 10 and 5 epochs.
    let brain = "AkshatSharma5__Brain_Tumor_Image_Classification_using_CNN";
    let counts: Vec<u64> = [
        "training_log",
        "training_log #2",
        "training_log #3",
        "training_log #4",
    ]
    .iter()
    .map(|name| run(&loaded, brain, name).series["loss"].summary.count)
    .collect();
    assert_eq!(counts, [5, 4, 10, 5]);

    // Keras' `NA` placeholder: no value, never a metric of NaNs.
    let noise = run(
        &loaded,
        "Adnan-0786__GRU-based-Noise-suppressor",
        "training_history",
    );
    assert!(!noise.series.contains_key("val_loss"));
    assert_eq!(noise.series["loss"].summary.count, 30);
    assert_eq!(first(noise, "mae"), (0, 0.2806321978569031));

    // Loss 'nan' on every epoch: diverged; the huge first MAE is kept as written.
    let nan = run(&loaded, "AmineEchraibi__BrainCNN", "BrainCNN");
    assert_eq!(nan.series["loss"].summary.nonfinite, 354);
    assert_eq!(
        first(nan, "mean_absolute_error"),
        (0, 2.6154770585594536e34)
    );
    assert_eq!(status(&loaded, nan), Status::Diverged);

    // CRLF and \r\r\n line endings read like LF.
    let crlf = run(&loaded, "nosyarlin__YoPoCo", "model_history_log");
    let lf = run(&loaded, "Cawinchan__yogamirror", "model_history_log");
    assert_eq!(last(crlf, "val_loss"), (99, 0.16953247102972183));
    assert_eq!(crlf.series["val_loss"].points, lf.series["val_loss"].points);
    let double_cr = run(
        &loaded,
        "Deepakkonidala__Early-prediction-of-Alzheimer-s-Disease",
        "training_log",
    );
    assert_eq!(last(double_cr, "val_loss"), (0, 1.365063190460205));
    assert_eq!(status(&loaded, double_cr), Status::Finished);
}

#[test]
fn other_csv_logs_are_read_when_step_first_and_skipped_with_why_otherwise() {
    use ahnb::log::formats::SkipReason;
    use ahnb::model::Format;
    let Some(corpus) = corpus() else { return };
    let loaded = load(&corpus.join("other_csv"));
    assert_eq!(loaded.formats, [(Format::GenericCsv, 1)]);
    // pandas' to_csv with its unnamed index column: the index is the step.
    let unet = run(&loaded, "Friday-1202__U-net", "training_history");
    assert_eq!(first(unet, "train_loss"), (0, 0.994786839));
    assert_eq!(first(unet, "lr"), (0, 0.0001));
    let mut skipped: Vec<_> = loaded
        .skipped
        .iter()
        .map(|s| (s.reason, s.relative.as_str()))
        .collect();
    skipped.sort();
    assert_eq!(
        skipped,
        [
            (
                SkipReason::CsvNoStepColumn,
                "Graphical27__Time-Domain-Electromagnetics/training_history (1).csv"
            ),
            (
                SkipReason::CsvNoStepColumn,
                "rishabhg97__robust-cartpole/logs/monitor.csv"
            ),
            (
                SkipReason::CsvNoRows,
                "Ads2511__Automated-Dermatology-Assistant/training_log.csv"
            ),
        ]
    );
}

#[test]
fn lightning_csv_logger_folders_are_runs_with_sparse_rows_and_hparams() {
    use ahnb::model::{Format, ParamValue, Status};
    let Some(corpus) = corpus() else { return };
    let loaded = load(&corpus.join("lightning_csv"));
    assert_eq!(loaded.formats, [(Format::LightningCsv, 10)]);
    assert!(loaded.skipped.is_empty());
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    // Sparse: val_loss on 10 rows of 2834, train_loss_step every 50 steps.
    let slm = run(&loaded, "0Xero7__slm_training", "version_0");
    assert_eq!(slm.series["val_loss"].summary.count, 10);
    assert_eq!(first(slm, "val_loss"), (14073, 4.132571697235107));
    assert_eq!(last(slm, "val_loss"), (140739, 3.570486068725586));
    assert_eq!(slm.series["train_loss_step"].summary.count, 2814);
    assert_eq!(first(slm, "train_loss_step"), (49, 7.628580570220947));
    assert!(!slm.series.contains_key("epoch") && !slm.series.contains_key("step"));
    assert_eq!(param(slm, "lr"), ParamValue::Number(0.0002363235740126483));
    assert_eq!(param(slm, "d_model"), ParamValue::Number(768.0));

    // GAN gone NaN at its second step; empty hparams.yaml ({}).
    let gan = run(&loaded, "AIRI-Institute__genrisk", "version_0");
    let disc = &gan.series["train_disc_loss"].summary;
    assert_eq!((disc.count, disc.nonfinite), (320, 319));
    assert_eq!(first(gan, "train_disc_loss"), (0, 1.6226933508321501e24));
    assert_eq!(gan.epoch.as_ref().unwrap().summary.max.unwrap().value, 79.0);
    assert!(gan.header.params.is_empty());
    assert_eq!(status(&loaded, gan), Status::Diverged);

    // LearningRateMonitor rows with an empty epoch cell.
    let opal = run(&loaded, "Eve-ning__opal-v2", "version_0");
    assert_eq!(opal.series["lr-Adam"].summary.count, 108);
    assert_eq!(last(opal, "lr-Adam"), (5399, 0.0003071019988956377));
    assert_eq!(last(opal, "val/rmse_loss"), (5431, 0.01806013539950508));

    // test-tube (2020): no step column, the epoch is the step; created_at is the wall time;
    // meta_tags.csv holds the hyperparameters.
    let tube = run(
        &loaded,
        "Jhko725__Contact-Point-Detection",
        "lightning_logs",
    );
    assert_eq!(tube.series["train_loss"].summary.count, 31);
    assert_eq!(last(tube, "train_loss"), (30, 1.0135523080825806));
    assert!(tube.wall_time.is_some());
    assert!(!tube.series.contains_key("created_at"));
    assert_eq!(param(tube, "lr"), ParamValue::Number(0.02));
    assert_eq!(param(tube, "solver"), ParamValue::Text("rk4".into()));
}

#[test]
fn hugging_face_trainer_states_are_runs_with_train_eval_and_predict_metrics() {
    use ahnb::model::{Format, ParamValue, Status};
    let Some(corpus) = corpus() else { return };
    let loaded = load(&corpus.join("hf_trainer_state"));
    assert_eq!(loaded.formats, [(Format::HuggingFace, 13)]);
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);

    // Whisper, 100,000 steps: train entries every 50 steps, eval every 1,000; the best
    // checkpoint is kept, and the final summary entry gives the end metrics.
    let whisper = run(
        &loaded,
        "CoralReefFish__whisper-tiny-nbaiLab",
        "trainer_state",
    );
    assert_eq!(whisper.series["loss"].summary.count, 2000);
    assert_eq!(first(whisper, "loss"), (50, 2.936));
    let wer = &whisper.series["eval_wer"].summary;
    assert_eq!(wer.count, 100);
    assert_eq!(
        wer.min.unwrap().value,
        24.878197320341048,
        "the state's best_metric"
    );
    assert!(
        whisper
            .header
            .env
            .contains(&("best_model_checkpoint".into(), "./checkpoint-98000".into()))
    );
    assert_eq!(param(whisper, "max_steps"), ParamValue::Number(100000.0));
    let end = whisper.end.as_ref().unwrap();
    assert!(
        end.metrics
            .contains(&("train_loss".into(), 0.2913371723175049))
    );
    assert!(!whisper.series.contains_key("train_runtime"));
    assert_eq!(status(&loaded, whisper), Status::Finished);

    // A bare NaN (Python's json.dumps) in one grad_norm of 2,119 entries.
    let em = run(
        &loaded,
        "adhikarinarayan__EM_phase_transition",
        "checkpoint-2115",
    );
    let grad = &em.series["grad_norm"].summary;
    assert_eq!(grad.nonfinite, 1);
    assert_eq!(em.series["loss"].summary.count, 2115);
    assert_eq!(last(em, "loss"), (2115, 1.473));
    assert_eq!(status(&loaded, em), Status::Finished);

    // predict_* entries carry no step: they belong to the evaluation before them.
    let cpt = run(&loaded, "Jaong__Checkpoint-of-CPT", "trainer_state");
    assert_eq!(cpt.series["predict_loss"].summary.count, 10);
    assert_eq!(first(cpt, "predict_loss"), (549, 0.6476863622665405));
    assert_eq!(last(cpt, "eval_rouge-1"), (5490, 51.2775));

    // Two runs' checkpoints in one results/ folder stay two runs; a checkpoint saved before
    // max_steps is a run still training.
    let lora = "LaziestCactus__GPTLoRA";
    let early = run(&loaded, lora, "checkpoint-500");
    assert_eq!(last(early, "loss"), (500, 3.4398));
    assert_eq!(status(&loaded, early), Status::Incomplete);
    assert_eq!(
        last(run(&loaded, lora, "checkpoint-1000"), "loss"),
        (1000, 3.4348)
    );
}

#[test]
fn dvclive_folders_are_runs_of_both_generations() {
    use ahnb::log::formats::SkipReason;
    use ahnb::model::{Format, ParamValue, Status};
    let Some(corpus) = corpus() else { return };
    let loaded = load(&corpus.join("dvclive"));
    assert_eq!(loaded.formats, [(Format::DvcLive, 18)]);
    let skipped: Vec<_> = loaded
        .skipped
        .iter()
        .map(|s| (s.reason, s.relative.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [(
            SkipReason::DvcLiveNoMetrics,
            "AlexanderExp__PPE-Detection/dvclive"
        )]
    );
    // A metric literally named `step` overwrote DVCLive's step column: said, not guessed.
    assert_eq!(loaded.warnings.len(), 1);
    assert!(
        loaded.warnings[0]
            .path
            .ends_with("plots/metrics/train/step.tsv")
    );

    // Ultralytics: nested metric folders named by path, parentheses kept; the summary's last
    // values are the final metrics; params.yaml typed.
    let yolo = run(&loaded, "Brycenvn__dvc-yolov8", "dvclive");
    assert_eq!(
        yolo.series["train/box_loss"]
            .points
            .iter()
            .map(|p| (p.step, p.value))
            .collect::<Vec<_>>(),
        [
            (0, 0.97927),
            (1, 1.36268),
            (2, 1.29403),
            (3, 1.38785),
            (4, 1.03135)
        ]
    );
    assert!(yolo.series.contains_key("metrics/mAP50(B)"));
    let end = yolo.end.as_ref().unwrap();
    assert!(
        end.metrics
            .contains(&("metrics/mAP50(B)".into(), 0.8878885968658321))
    );
    assert_eq!(param(yolo, "model"), ParamValue::Text("yolov8n.pt".into()));

    // DVCLive 0.x: scalars/ with a timestamp column, the summary beside the folder with a bare
    // NaN; valid/loss is NaN from step 1 on: diverged. (Two such runs in the project are named
    // apart by their paths.)
    let old = run(
        &loaded,
        "LaurenzBeck__music-processing-challenge",
        "dvclive/scalars",
    );
    let valid = &old.series["valid/loss"].summary;
    assert_eq!((valid.count, valid.nonfinite), (42, 41));
    assert_eq!(first(old, "valid/loss"), (0, 1.7901236957961813e26));
    assert_eq!(last(old, "train/loss"), (41, 492534.0625));
    assert!(old.wall_time.is_some() && old.epoch.is_some());
    assert!(!old.series.contains_key("epoch"));
    assert_eq!(status(&loaded, old), Status::Diverged);

    // Two generations in one folder, from different runs: two runs.
    let nmt = "SoyGema__Neural-Machine-Translation";
    assert_eq!(
        run(&loaded, nmt, "dvclive").series["loss_train"]
            .summary
            .count,
        560
    );
    let legacy = run(&loaded, nmt, "dvclive (0.x)");
    assert_eq!(legacy.series["loss_train"].summary.count, 810);
    assert_eq!(last(legacy, "loss_train"), (809, 2.5178744792938232));

    // k-fold: one run per fold folder, beside the top-level run.
    let folds = loaded
        .projects
        .iter()
        .find(|p| p.name == "Emily-RoseSteyn__measuring-quality-of-life-gauteng")
        .unwrap();
    let mut names: Vec<&str> = folds.runs.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["dvclive", "fold_0", "fold_4"]);
    let fold = run(&loaded, &folds.name, "fold_0");
    assert_eq!(last(fold, "eval/r2_score"), (36, -71.3502426147461));

    // Top-level params.yaml keys with colons are kept as written.
    let dqn = run(&loaded, "CoffeeMugTwo__dvc_dqn_test", "dvclive");
    assert_eq!(
        param(dqn, "params.yaml:training.gamma"),
        ParamValue::Number(0.99)
    );
}

/// The run (project, run name) a file is read into, or why it gives none.
type ReadAs = Result<(&'static str, &'static str), &'static str>;

/// Every file of the corpus' tensorboard/ folder that names a TensorBoard event file: the run it
/// is read into (project, run name), or why it gives none. (The folder's other files, sidecars
/// of the same runs, are other formats' rows.)
const TENSORBOARD_EVENT_FILES: &[(&str, ReadAs)] = &[
    (
        "Abdul-AA__Text-Generation-With-LSTM/lightning_logs/version_0/events.out.tfevents.1716735746.99c8c45923de.3769.0",
        Ok((
            "Abdul-AA__Text-Generation-With-LSTM",
            "lightning_logs/version_0",
        )),
    ),
    (
        "AndreyPrado__Pronostico_Caudales_Extremos/logs/train/events.out.tfevents.1752818338.ANDREYPRADO.32972.0.v2",
        Ok(("AndreyPrado__Pronostico_Caudales_Extremos", "logs")),
    ),
    (
        "AndreyPrado__Pronostico_Caudales_Extremos/logs/validation/events.out.tfevents.1752818339.ANDREYPRADO.32972.1.v2",
        Ok(("AndreyPrado__Pronostico_Caudales_Extremos", "logs")),
    ),
    (
        "AnnaKompan__multimodal_action-emotion_detection/Logs/train/events.out.tfevents.1758200904.LAPTOP-K8UI079G.2476.0.v2",
        Ok(("AnnaKompan__multimodal_action-emotion_detection", "Logs")),
    ),
    (
        "AnnaKompan__multimodal_action-emotion_detection/Logs/train/events.out.tfevents.1758201105.LAPTOP-K8UI079G.2476.1.v2",
        Ok(("AnnaKompan__multimodal_action-emotion_detection", "Logs")),
    ),
    (
        "AnnaKompan__multimodal_action-emotion_detection/Logs/train/events.out.tfevents.1758207157.LAPTOP-K8UI079G.25124.0.v2",
        Ok(("AnnaKompan__multimodal_action-emotion_detection", "Logs")),
    ),
    (
        "AnnaKompan__multimodal_action-emotion_detection/Logs/train/events.out.tfevents.1763897962.LAPTOP-K8UI079G.28956.0.v2",
        Ok(("AnnaKompan__multimodal_action-emotion_detection", "Logs")),
    ),
    (
        "AnnaKompan__multimodal_action-emotion_detection/Logs/validation/events.out.tfevents.1763897964.LAPTOP-K8UI079G.28956.1.v2",
        Ok(("AnnaKompan__multimodal_action-emotion_detection", "Logs")),
    ),
    (
        "BFU-Graphics__NeRF-from-scratch/lightning_logs/version_0/events.out.tfevents.1679899924.PWRD-20211216RH.5676.0",
        Ok((
            "BFU-Graphics__NeRF-from-scratch",
            "lightning_logs/version_0",
        )),
    ),
    (
        "BesT1CooKie1__nn_oedometer/tensorboard_logs/pina_experiment/version_118/events.out.tfevents.1742392320.PR-W-3103-06.13728.1",
        Ok((
            "BesT1CooKie1__nn_oedometer",
            "tensorboard_logs/pina_experiment/version_118",
        )),
    ),
    (
        "BesT1CooKie1__nn_oedometer/tensorboard_logs/pina_experiment/version_99/events.out.tfevents.1742311406.PR-W-3103-06.13528.0",
        Ok((
            "BesT1CooKie1__nn_oedometer",
            "tensorboard_logs/pina_experiment/version_99",
        )),
    ),
    (
        "CooperBigFoot__CAMELS-CH/lightning_logs/version_119/events.out.tfevents.1740572383.Nicolass-MacBook-Pro.local.10873.0",
        Ok(("CooperBigFoot__CAMELS-CH", "lightning_logs/version_119")),
    ),
    (
        "CooperBigFoot__CAMELS-CH/lightning_logs/version_120/events.out.tfevents.1740572684.Nicolass-MacBook-Pro.local.10873.1",
        Ok(("CooperBigFoot__CAMELS-CH", "lightning_logs/version_120")),
    ),
    (
        "CoralReefFish__whisper-tiny-nbaiLab/runs/Dec30_05-50-47_ficino/events.out.tfevents.1672375864.ficino.2745717.0",
        Err("a Git LFS pointer, not an event file: skipped by detection"),
    ),
    (
        "Geethen__Burn_Area_Mapping/src/components/catboost_info/learn/events.out.tfevents",
        Ok((
            "Geethen__Burn_Area_Mapping",
            "src/components/catboost_info/learn",
        )),
    ),
    (
        "Ghailen-Ben-Achour__detectron2_detection/output/events.out.tfevents.1628430255.db4a6b63f2f6.1641.3",
        Ok(("Ghailen-Ben-Achour__detectron2_detection", "output")),
    ),
    (
        "Grafit-Kil__helmet-detection-yolov5/runs/train/exp2/events.out.tfevents.1671637532.gakko.30470.0",
        Ok(("Grafit-Kil__helmet-detection-yolov5", "runs/train/exp2")),
    ),
    (
        "Jhko725__Contact-Point-Detection/hall_of_fame/20200218/lightning_logs/tf/events.out.tfevents.1581707986.Joon-Development.6496.1",
        Ok((
            "Jhko725__Contact-Point-Detection",
            "hall_of_fame/20200218/lightning_logs/tf",
        )),
    ),
    // MrPio's 25 files are checked as a group below (one run, logs/PPO_0).
    (
        "ZeroToMax-ZYZ__study_tensorboard/runs/experiment_lr_0.001/events.out.tfevents.1771594954.zyzkings.14144.2",
        Ok((
            "ZeroToMax-ZYZ__study_tensorboard",
            "runs/experiment_lr_0.001",
        )),
    ),
    (
        "ZeroToMax-ZYZ__study_tensorboard/runs/experiment_lr_0.01/events.out.tfevents.1771594954.zyzkings.14144.1",
        Ok((
            "ZeroToMax-ZYZ__study_tensorboard",
            "runs/experiment_lr_0.01",
        )),
    ),
    (
        "ZeroToMax-ZYZ__study_tensorboard/runs/experiment_lr_0.1/events.out.tfevents.1771594954.zyzkings.14144.0",
        Ok(("ZeroToMax-ZYZ__study_tensorboard", "runs/experiment_lr_0.1")),
    ),
    (
        "ZeroToMax-ZYZ__study_tensorboard/runs/histogram_experiment/events.out.tfevents.1771596220.zyzkings.19040.0",
        Err("only a histogram: no run, with a warning"),
    ),
    (
        "ZeroToMax-ZYZ__study_tensorboard/runs/hparams_search_exp_1/1771595857.3236299/events.out.tfevents.1771595857.zyzkings.1216.1",
        Ok((
            "ZeroToMax-ZYZ__study_tensorboard",
            "runs/hparams_search_exp_1/1771595857.3236299",
        )),
    ),
    (
        "ZeroToMax-ZYZ__study_tensorboard/runs/hparams_search_exp_1/events.out.tfevents.1771595857.zyzkings.1216.0",
        Err("add_hparams' parent file, only its file version: no run, with a warning"),
    ),
    (
        "ZeroToMax-ZYZ__study_tensorboard/runs/my_first_experiment/events.out.tfevents.1771594466.zyzkings.21024.0",
        Ok((
            "ZeroToMax-ZYZ__study_tensorboard",
            "runs/my_first_experiment",
        )),
    ),
    (
        "ZeroToMax-ZYZ__study_tensorboard/runs/my_first_experiment/events.out.tfevents.1771596596.zyzkings.7880.0",
        Ok((
            "ZeroToMax-ZYZ__study_tensorboard",
            "runs/my_first_experiment",
        )),
    ),
    (
        "ZeroToMax-ZYZ__study_tensorboard/runs/pr_curve_experiment/events.out.tfevents.1771596445.zyzkings.30376.0",
        Err("only a PR curve: no run, with a warning"),
    ),
    (
        "aarugunj27__EnzymeKcatAnaylsis/logs/events.out.tfevents.1735066463.DESKTOP-FMNF4GC.6840.0",
        Ok(("aarugunj27__EnzymeKcatAnaylsis", "logs")),
    ),
    (
        "aarugunj27__EnzymeKcatAnaylsis/logs/events.out.tfevents.1735073598.DESKTOP-FMNF4GC.6840.1",
        Ok(("aarugunj27__EnzymeKcatAnaylsis", "logs")),
    ),
    (
        "rishabhg97__robust-cartpole/logs/ppo/PPO_1/events.out.tfevents.1699899683.Muktas-MacBook-Pro.local.21868.0",
        Ok(("rishabhg97__robust-cartpole", "logs/ppo/PPO_1")),
    ),
    (
        "rishabhg97__robust-cartpole/logs/ppo/PPO_6/events.out.tfevents.1701311151.Rishabhs-MacBook-Pro.local.12783.0",
        Ok(("rishabhg97__robust-cartpole", "logs/ppo/PPO_6")),
    ),
];

#[test]
fn every_tensorboard_event_file_is_read_or_listed_with_its_reason() {
    let Some(corpus) = corpus() else { return };
    let root = corpus.join("tensorboard");
    let loaded = load(&root);
    // The table covers every event file on disk (MrPio's 25 apart).
    let mut on_disk: Vec<String> = walkdir::WalkDir::new(&root)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("events.out.tfevents")
        })
        .map(|e| {
            e.path()
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .filter(|p| !p.starts_with("MrPio__2048_RL/"))
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = TENSORBOARD_EVENT_FILES.iter().map(|(f, _)| *f).collect();
    assert_eq!(on_disk, listed);
    let mut expected_runs: Vec<(&str, &str)> = TENSORBOARD_EVENT_FILES
        .iter()
        .filter_map(|(_, r)| r.ok())
        .chain([("MrPio__2048_RL", "logs/PPO_0")])
        .collect();
    expected_runs.dedup();
    // Sidecar files of the same runs (YOLOv5's results.csv, say) are other formats' runs.
    let mut runs: Vec<(&str, &str)> = (loaded.projects.iter())
        .flat_map(|p| {
            (p.runs.iter())
                .filter(|r| r.format == ahnb::model::Format::TensorBoard)
                .map(move |r| (p.name.as_str(), r.name.as_str()))
        })
        .collect();
    runs.sort();
    expected_runs.sort();
    assert_eq!(runs, expected_runs);
    for (file, expected) in TENSORBOARD_EVENT_FILES {
        if let Ok((project, name)) = expected {
            let run = run(&loaded, project, name);
            assert!(
                file.starts_with(&format!("{}/", run.source)),
                "{file} in {}",
                run.source
            );
            assert_eq!(run.format, ahnb::model::Format::TensorBoard);
        }
    }
    // The runs that are not: each said why.
    let said = |folder: &str, why: &str| {
        assert!(
            loaded
                .warnings
                .iter()
                .any(|w| w.path == folder && w.message.contains(why)),
            "{folder}: {:?}",
            loaded.warnings
        );
    };
    said(
        "ZeroToMax-ZYZ__study_tensorboard/runs/histogram_experiment",
        "only histograms (10)",
    );
    said(
        "ZeroToMax-ZYZ__study_tensorboard/runs/pr_curve_experiment",
        "only pr_curves (5)",
    );
    said(
        "ZeroToMax-ZYZ__study_tensorboard/runs/hparams_search_exp_1",
        "nothing but their file version",
    );
    assert_eq!(
        (loaded.skipped.iter())
            .filter(|s| s.relative.contains("events.out.tfevents"))
            .map(|s| (s.relative.as_str(), s.reason))
            .collect::<Vec<_>>(),
        [(
            "CoralReefFish__whisper-tiny-nbaiLab/runs/Dec30_05-50-47_ficino/events.out.tfevents.1672375864.ficino.2745717.0",
            ahnb::log::formats::SkipReason::TensorBoardNotEventFile
        )]
    );
}

/// Values looked up by hand with TensorBoard's own reader (tensorboard 2.21.0's EventFileLoader
/// and the hparams plugin's protos, in a venv): float32 values as numpy's float32 prints them.
#[test]
fn tensorboard_values_match_tensorboards_own_reader() {
    let Some(corpus) = corpus() else { return };
    let loaded = load(&corpus.join("tensorboard"));
    let point = |run: &ahnb::model::Run, metric: &str| {
        let s = &run.series[metric].summary;
        (
            s.count,
            s.first.map(|p| (p.step, p.value)),
            s.last.map(|p| (p.step, p.value)),
        )
    };

    // YOLOv5 (PyTorch SummaryWriter): 13 scalar tags x 150 epochs, a colon in a tag, graph and
    // run metadata skipped, 6 images (TF2 tensor form) at the last epoch.
    let yolo = run(
        &loaded,
        "Grafit-Kil__helmet-detection-yolov5",
        "runs/train/exp2",
    );
    assert_eq!(yolo.metric_order.len(), 13);
    assert_eq!(
        point(yolo, "metrics/mAP_0.5:0.95"),
        (150, Some((0, 0.00018938961)), Some((149, 0.49232447)))
    );
    assert_eq!(
        yolo.series["train/cls_loss"].summary.max.unwrap().value,
        0.0
    );
    assert_eq!(yolo.media.len(), 6);
    assert!(yolo.media.iter().all(|m| m.step == Some(149)));

    // Lightning: train_loss every 50 steps, `epoch` as the epoch axis, hparams as params.
    let lightning = run(
        &loaded,
        "Abdul-AA__Text-Generation-With-LSTM",
        "lightning_logs/version_0",
    );
    assert_eq!(
        point(lightning, "train_loss"),
        (7691, Some((49, 2.0573373)), Some((384549, 0.23888539)))
    );
    assert_eq!(
        point(lightning, "val_loss"),
        (29, Some((13261, 0.36063805)), Some((384597, 0.25555155)))
    );
    assert!(!lightning.series.contains_key("epoch"));
    assert_eq!(
        lightning.epoch.as_ref().unwrap().summary.max.unwrap().value,
        28.0
    );
    let params: Vec<(String, String)> = (lightning.header.params.iter())
        .map(|(k, v)| (k.clone(), v.to_text()))
        .collect();
    assert_eq!(
        params,
        [
            ("hidden_units", "512"),
            ("lr", "0.001"),
            ("num_chars", "29"),
            ("num_layers", "2"),
            ("seq_length", "100")
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    // Lightning's "success" written when training started says nothing: incomplete.
    assert!(lightning.end.is_none());

    // Keras (TF2 tensors) in train/ and validation/: one run, curves named as Keras names them.
    let keras = run(&loaded, "AndreyPrado__Pronostico_Caudales_Extremos", "logs");
    assert_eq!(
        point(keras, "val_loss"),
        (250, Some((0, 2.358593)), Some((249, 1.0452967)))
    );
    assert_eq!(
        keras.series["learning_rate"].summary.last.unwrap().value,
        6.25e-5
    );
    assert_eq!(
        point(keras, "val_evaluation_loss_vs_iterations").1,
        Some((492, 2.358593))
    );

    // PINA (Lightning): 19 of 22 losses NaN at all 407 odd steps; the run diverged.
    let pina = run(
        &loaded,
        "BesT1CooKie1__nn_oedometer",
        "tensorboard_logs/pina_experiment/version_99",
    );
    let nan = &pina.series["condition1_loss"].summary;
    assert_eq!((nan.count, nan.nonfinite), (407, 407));
    assert_eq!(
        point(pina, "condition0_loss"),
        (407, Some((1, 0.011333788)), Some((813, 0.0)))
    );

    // A re-run into the same folder: the later file's values win at every step.
    let rerun = run(
        &loaded,
        "ZeroToMax-ZYZ__study_tensorboard",
        "runs/my_first_experiment",
    );
    assert_eq!(point(rerun, "Metrics/Loss").2, Some((99, -0.03738591)));
    assert_eq!(point(rerun, "Metrics/Accuracy").2, Some((99, 100.46432)));

    // Hugging Face: text summaries become notes; trainer.evaluate()'s later file wins at 1281.
    let hf = run(&loaded, "aarugunj27__EnzymeKcatAnaylsis", "logs");
    assert_eq!(hf.notes.len(), 2);
    assert!(hf.notes[0].text.starts_with("**args\\/text\\_summary**"));
    assert_eq!(
        point(hf, "eval/runtime"),
        (3, Some((427, 12.8078)), Some((1281, 9.8647)))
    );
    assert_eq!(point(hf, "eval/loss").2, Some((1281, 19.254353)));

    // Stable-Baselines3: 25 files of one learn() loop are one run, steps continuing across files.
    let ppo = run(&loaded, "MrPio__2048_RL", "logs/PPO_0");
    assert_eq!(point(ppo, "rollout/ep_rew_mean").0, 125);
    assert_eq!(point(ppo, "rollout/ep_rew_mean").1, Some((2048, 1121.3478)));

    // CatBoost: a file named exactly events.out.tfevents, with no file_version record.
    let catboost = run(
        &loaded,
        "Geethen__Burn_Area_Mapping",
        "src/components/catboost_info/learn",
    );
    assert_eq!(
        point(catboost, "Logloss"),
        (1000, Some((0, 0.68851906)), Some((999, 0.3154511)))
    );
}
