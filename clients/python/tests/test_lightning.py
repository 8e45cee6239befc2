"""``ahnb.lightning.AhnbLogger`` against a fake ``lightning`` package (see fakes.py).

torch (which lightning needs) is not installed in CI: PyPI's Linux torch wheels
pull in the CUDA libraries (gigabytes). The fake follows lightning 2.x's
documented Logger interface, and ``drive_lightning_fit`` calls the logger in
the order the real Trainer does.
"""

from __future__ import annotations

import argparse
import importlib
import types
import warnings

import pytest

from conftest import read_records
from fakes import TinyNet, drive_lightning_fit, drive_lightning_test, install_fake_lightning


@pytest.fixture
def lightning(monkeypatch):
    fake = install_fake_lightning(monkeypatch)
    module = importlib.import_module("ahnb.lightning")
    yield fake, module
    fake.pytorch.utilities.rank_zero_only.rank = 0


def test_is_a_lightning_logger(lightning, tmp_path):
    fake, ahnb_lightning = lightning
    logger = ahnb_lightning.AhnbLogger(tmp_path, "mnist", name="run-a")
    assert isinstance(logger, fake.pytorch.loggers.Logger)
    assert logger.name == "mnist" and logger.version == "run-a"
    assert logger.save_dir is None  # checkpoints stay out of the log folder


def test_fit_writes_header_metrics_and_end(lightning, tmp_path):
    _, ahnb_lightning = lightning
    logger = ahnb_lightning.AhnbLogger(tmp_path, "mnist", name="fit", params={"source": "test"}, seed=3)
    drive_lightning_fit(logger, TinyNet(), hparams={"lr": 0.01, "hidden": 32})
    records = read_records(logger.run.path)
    header = records[0]
    assert header["params"] == {"source": "test", "lr": 0.01, "hidden": 32}
    assert header["seed"] == 3
    assert "planned" not in header, "a module with no trainer attached has no plan"
    model = header["model"]
    assert model["name"] == "TinyNet"
    assert [(x["name"], x["type"], x["params"], x["trainable"]) for x in model["layers"]] == [
        ("encoder", "Linear", 64 * 32 + 32, False), ("act", "ReLU", 0, True), ("head", "Linear", 330, True),
    ]
    assert (model["total_params"], model["trainable_params"], model["non_trainable_params"]) == (2410, 330, 2080)
    assert header["env"]["frameworks"]["lightning"] == "2.99.0-fake"
    metrics = [r for r in records if r["type"] == "metrics"]
    steps = [m["step"] for m in metrics]
    assert steps == sorted(set(steps)) == [2, 4, 6, 8, 10, 12]  # one record per step
    epoch_end = metrics[1]  # step 4: train loss, validation and epoch-end metrics merged
    assert epoch_end["epoch"] == 0
    assert set(epoch_end["metrics"]) == {"train_loss", "val_loss", "val_acc", "train_loss_epoch"}
    assert records[-1]["type"] == "end" and records[-1]["status"] == "finished"


def test_experiment_access_alone_writes_nothing(lightning, tmp_path):
    _, ahnb_lightning = lightning
    logger = ahnb_lightning.AhnbLogger(tmp_path, "mnist", name="lazy")
    _ = logger.experiment
    assert not list(tmp_path.rglob("*.jsonl"))
    logger.experiment.note("hello from the LightningModule")
    logger.finish()
    records = read_records(logger.run.path)
    assert [r["type"] for r in records] == ["header", "note", "end"]


def test_namespace_and_late_hyperparams(lightning, tmp_path):
    _, ahnb_lightning = lightning
    logger = ahnb_lightning.AhnbLogger(tmp_path, "mnist", name="ns")
    logger.log_hyperparams(argparse.Namespace(lr=0.1, layers=(1, 2)))
    logger.save()
    logger.log_hyperparams({"late": True})
    logger.finalize("success")
    records = read_records(logger.run.path)
    assert records[0]["params"] == {"lr": 0.1, "layers": [1, 2]}
    note = [r for r in records if r["type"] == "note"][0]
    assert '"late": true' in note["text"]


def test_exception_in_fit_is_failed_with_message(lightning, tmp_path):
    _, ahnb_lightning = lightning
    logger = ahnb_lightning.AhnbLogger(tmp_path, "mnist", name="fails")
    with pytest.raises(RuntimeError):
        drive_lightning_fit(logger, TinyNet(), fail_at_step=7)
    records = read_records(logger.run.path)
    assert [r["step"] for r in records if r["type"] == "metrics"] == [2, 4, 6]
    assert records[-1]["status"] == "failed" and records[-1]["error"] == "RuntimeError: loss exploded"


def test_ctrl_c_is_killed(lightning, tmp_path):
    _, ahnb_lightning = lightning
    logger = ahnb_lightning.AhnbLogger(tmp_path, "mnist", name="ctrl-c")
    with pytest.raises(SystemExit):
        drive_lightning_fit(logger, TinyNet(), fail_at_step=3, exc=KeyboardInterrupt())
    end = read_records(logger.run.path)[-1]
    assert end["status"] == "killed" and end["error"] == "KeyboardInterrupt"


def test_test_metrics_after_fit(lightning, tmp_path):
    _, ahnb_lightning = lightning
    closed = ahnb_lightning.AhnbLogger(tmp_path, "mnist", name="closed")
    drive_lightning_fit(closed, TinyNet())
    with pytest.warns(UserWarning, match="finish_on_train_end=False"):
        drive_lightning_test(closed, step=12)
    assert read_records(closed.run.path)[-1]["status"] == "finished"

    kept = ahnb_lightning.AhnbLogger(tmp_path, "mnist", name="kept", finish_on_train_end=False)
    drive_lightning_fit(kept, TinyNet())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        drive_lightning_test(kept, step=12)
    assert not kept.run.finished
    kept.finish()
    end = read_records(kept.run.path)[-1]
    assert end["status"] == "finished" and end["metrics"] == {"test_loss": 0.2, "test_acc": 0.93}


def test_non_zero_rank_writes_nothing(lightning, tmp_path):
    fake, ahnb_lightning = lightning
    fake.pytorch.utilities.rank_zero_only.rank = 1
    logger = ahnb_lightning.AhnbLogger(tmp_path, "mnist", name="rank1")
    drive_lightning_fit(logger, TinyNet())
    assert not list(tmp_path.rglob("*.jsonl"))


def test_lightning_log_passes_strict_check(lightning, tmp_path, cli):
    _, ahnb_lightning = lightning
    logs = tmp_path / "logs"
    drive_lightning_fit(ahnb_lightning.AhnbLogger(logs, "mnist", name="ok"), TinyNet(), hparams={"lr": 0.01})
    with pytest.raises(RuntimeError):
        drive_lightning_fit(ahnb_lightning.AhnbLogger(logs, "mnist", name="bad"), TinyNet(), fail_at_step=5)
    cli.check_strict(logs)


def test_planned_length_from_the_trainer(lightning, tmp_path):
    _, ahnb_lightning = lightning
    logger = ahnb_lightning.AhnbLogger(tmp_path, "mnist", name="planned")
    model = TinyNet()
    # LightningModule.trainer, as Trainer.fit attaches it (max_steps -1: not set).
    model.trainer = types.SimpleNamespace(max_epochs=30, max_steps=-1)
    drive_lightning_fit(logger, model, hparams={"lr": 0.01})
    assert read_records(logger.run.path)[0]["planned"] == {"epochs": 30}
