#!/usr/bin/env python3
"""Regenerates tests/fixtures/formats/<format>/ with the real tools, so that the readers are tested
against what those tools write, not against what we think they write.

One function per tool. Run it in a virtual environment with the tools from PyPI:

    python3 -m venv /work/tgt/formats-venv
    /work/tgt/formats-venv/bin/pip install mlflow-skinny dvclive "keras>=3.0" "jax[cpu]"
    KERAS_BACKEND=jax JAX_PLATFORMS=cpu /work/tgt/formats-venv/bin/python scripts/gen_format_fixtures.py

(`mlflow`, `dvclive`, `keras`: pass names to regenerate only those.) Each fixture is small: a few
runs of a few steps, including a NaN divergence and, where the format can record one, a failed
and a killed run. Run ids, timestamps and host details differ between regenerations; the tests
check values, names and statuses, never those.
"""

import math
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")  # read by Keras at import; jax is the light CPU one
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
# MLflow 3 keeps the file store (mlruns/, what the corpus holds) behind this switch.
os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")

ROOT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "formats"


def fresh(name):
    folder = ROOT / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def mlflow_fixtures():
    """An MLflow file store: a sweep of two finished runs with a seed each, a diverged run (loss
    NaN from step 3), a failed and a killed run, a run with a model_summary.txt artifact, a
    deleted run and a deleted experiment."""
    import mlflow
    from mlflow.tracking import MlflowClient

    store = fresh("mlflow") / "mlruns"
    mlflow.set_tracking_uri(store.as_uri())
    mlflow.set_experiment("sweep")

    def train(name, lr, seed, steps=5, nan_from=None, status="FINISHED", summary=None):
        with mlflow.start_run(run_name=name) as run:
            mlflow.log_params({"lr": lr, "optimizer": "adam", "batch_norm": True, "seed": seed})
            mlflow.set_tag("purpose", "fixture")
            for step in range(steps):
                loss = 1.0 / (1 + step * lr * 10) + seed * 0.001
                if nan_from is not None and step >= nan_from:
                    loss = math.nan
                mlflow.log_metric("loss", loss, step=step)
                mlflow.log_metric("val_accuracy", 0.5 + 0.1 * step * lr * 10, step=step)
            if summary:
                mlflow.log_text(summary, "model_summary.txt")
            if status != "FINISHED":
                mlflow.end_run(status=status)
            return run.info.run_id

    train("lr-0.1-seed-1", 0.1, 1, summary=MODEL_SUMMARY)
    train("lr-0.1-seed-2", 0.1, 2)
    train("lr-1.0-diverged", 1.0, 1, nan_from=3)
    train("lr-0.01-failed", 0.01, 1, steps=3, status="FAILED")
    train("lr-0.01-killed", 0.01, 2, steps=2, status="KILLED")
    deleted = train("deleted-run", 0.5, 1)
    client = MlflowClient()
    client.delete_run(deleted)

    gone = mlflow.set_experiment("abandoned")
    train("in-deleted-experiment", 0.5, 1)
    client.delete_experiment(gone.experiment_id)


MODEL_SUMMARY = """Model: "sequential"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ dense (Dense)                   │ (None, 8)              │            40 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 1)              │             9 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 49 (196.00 B)
 Trainable params: 49 (196.00 B)
 Non-trainable params: 0 (0.00 B)
"""


def keras_fixtures():
    """Keras CSVLogger files: two runs of a small sweep, a run whose loss diverges to NaN (a huge
    learning rate), and a file appended to by a second run (append=True, epoch restarting at 0).
    CSVLogger records no status, so there is no failed or killed run to write."""
    import keras
    import numpy as np

    folder = fresh("keras_csv") / "sweep"
    folder.mkdir()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 3.0], dtype="float32"))[:, None]

    def fit(path, lr, epochs, append=False, seed=1):
        keras.utils.set_random_seed(seed)
        model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse", metrics=["mae"])
        logger = keras.callbacks.CSVLogger(str(path), append=append)
        model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.25, verbose=0, callbacks=[logger])

    fit(folder / "lr-0.01.csv", 0.01, 6)
    fit(folder / "lr-0.05.csv", 0.05, 6)
    fit(folder / "diverged.csv", 10.0, 6)
    fit(folder / "appended.csv", 0.01, 4)
    fit(folder / "appended.csv", 0.02, 3, append=True, seed=2)


def dvclive_fixtures():
    """DVCLive folders: a run with params, a train and an eval metric over steps and a summary,
    and a run whose loss diverges to NaN. DVCLive records no status (no failed or killed run)."""
    from dvclive import Live

    root = fresh("dvclive") / "sweep"

    def train(name, lr, nan_from=None, steps=5):
        # dvc.yaml inside the run folder: by default DVCLive edits the repository root's.
        folder = root / name
        with Live(str(folder), save_dvc_exp=False, report=None, dvcyaml=str(folder / "dvc.yaml")) as live:
            live.log_params({"lr": lr, "model": {"layers": 2, "activation": "relu"}, "seed": 7})
            for step in range(steps):
                loss = 1.0 / (1 + step * lr * 10)
                if nan_from is not None and step >= nan_from:
                    loss = math.nan
                live.log_metric("train/loss", loss)
                live.log_metric("eval/accuracy", 0.5 + 0.05 * step)
                live.next_step()

    train("run-lr-0.1", 0.1)
    train("run-diverged", 5.0, nan_from=2)


TOOLS = {"mlflow": mlflow_fixtures, "keras": keras_fixtures, "dvclive": dvclive_fixtures}

if __name__ == "__main__":
    names = sys.argv[1:] or list(TOOLS)
    for name in names:
        TOOLS[name]()
        print(f"wrote the {name} fixtures under {ROOT}")
