"""``ahnb.huggingface.AhnbCallback`` driven the way ``transformers.Trainer`` drives callbacks.

With transformers installed (CI installs it; it imports without torch) the
events go through the real ``CallbackHandler`` with real ``TrainingArguments``,
``TrainerState`` and ``TrainerControl``; only the training loop itself (which
needs torch) is replaced by ``drive_train``, which makes the calls in the
order ``Trainer.train``/``Trainer.evaluate`` make them. Without transformers,
a fake module with the documented ``TrainerCallback`` interface stands in.
"""

from __future__ import annotations

import importlib
import sys
import types
import warnings
from typing import Any, Optional

import pytest

from conftest import read_records
from fakes import Module, TinyNet

EVENTS = (
    "on_init_end", "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_step_begin",
    "on_substep_end", "on_step_end", "on_evaluate", "on_predict", "on_save", "on_log", "on_prediction_step",
)


class Kit:
    """Real transformers objects where available, documented-interface fakes otherwise."""

    def __init__(self, real: bool, module: types.ModuleType, tmp_path) -> None:
        self.real, self.module, self.tmp_path = real, module, tmp_path

    def args(self, **overrides: Any) -> Any:
        values = dict(learning_rate=5e-5, num_train_epochs=2, per_device_train_batch_size=8, seed=42, logging_steps=2)
        values.update(overrides)
        if self.real:
            from transformers import TrainingArguments

            return TrainingArguments(output_dir=str(self.tmp_path / "hf-out"), report_to="none", **values)
        scheduler = types.SimpleNamespace(value="linear")  # an Enum in transformers
        return types.SimpleNamespace(lr_scheduler_type=scheduler, weight_decay=0.0, max_steps=-1, **values)

    def state(self) -> Any:
        if self.real:
            from transformers import TrainerState

            return TrainerState()
        return types.SimpleNamespace(global_step=0, epoch=0.0, is_world_process_zero=True, max_steps=0)

    def control(self) -> Any:
        if self.real:
            from transformers import TrainerControl

            return TrainerControl()
        return types.SimpleNamespace()

    def handler(self, callback: Any, model: Any) -> Any:
        if self.real:
            from transformers.trainer_callback import CallbackHandler, DefaultFlowCallback

            # As the Trainer builds it: (callbacks, model, processing_class/tokenizer, optimizer, lr_scheduler).
            return CallbackHandler([DefaultFlowCallback(), callback], model, None, None, None)
        return FakeHandler(callback, model)


class FakeHandler:
    """transformers' CallbackHandler.call_event: every event with the same keyword arguments."""

    def __init__(self, callback: Any, model: Any) -> None:
        self.callback, self.model = callback, model

    def __getattr__(self, event: str):
        def call(args, state, control, **kwargs):
            getattr(self.callback, event)(
                args, state, control, model=self.model, processing_class=None, optimizer=None,
                lr_scheduler=None, train_dataloader=None, eval_dataloader=None, **kwargs,
            )
            return control

        return call


@pytest.fixture
def kit(monkeypatch, tmp_path):
    try:
        import transformers  # noqa: F401

        real = True
    except ImportError:
        real = False
        fake = types.ModuleType("transformers")
        fake.__version__ = "0.0-fake"

        class TrainerCallback:
            pass

        for event in EVENTS:
            setattr(TrainerCallback, event, lambda self, args, state, control, **kwargs: None)
        fake.TrainerCallback = TrainerCallback
        monkeypatch.setitem(sys.modules, "transformers", fake)
        monkeypatch.delitem(sys.modules, "ahnb.huggingface", raising=False)
    module = importlib.import_module("ahnb.huggingface")
    return Kit(real, module, tmp_path)


def drive_train(
    kit: Kit, callback: Any, model: Any = None, steps: int = 8, steps_per_epoch: int = 4,
    logging_steps: int = 2, fail_at: Optional[int] = None, args: Any = None,
):
    """The callback calls of Trainer.train (with evaluation each epoch), then of Trainer.evaluate."""
    args = args or kit.args(logging_steps=logging_steps)
    state, control = kit.state(), kit.control()
    handler = kit.handler(callback, model if model is not None else TinyNet())
    state.max_steps = steps
    handler.on_train_begin(args, state, control)
    for step in range(1, steps + 1):
        if step == fail_at:
            raise RuntimeError("CUDA out of memory (pretend)")
        state.global_step, state.epoch = step, step / steps_per_epoch
        if step % logging_steps == 0:
            lr = 5e-5 * (1 - step / steps)
            logs = {"loss": 2.0 / step, "grad_norm": 1.5, "learning_rate": lr, "epoch": state.epoch}
            handler.on_log(args, state, control, logs=logs)
        if step % steps_per_epoch == 0:
            metrics = {
                "eval_loss": 1.0 / step, "eval_accuracy": 0.5 + step / 100, "eval_runtime": 0.1, "epoch": state.epoch,
            }
            handler.on_log(args, state, control, logs=dict(metrics))  # Trainer.log(), then on_evaluate
            handler.on_evaluate(args, state, control, metrics=dict(metrics))
    summary = {"train_runtime": 12.5, "train_samples_per_second": 80.0, "train_steps_per_second": 10.0,
               "total_flos": 1e12, "train_loss": 0.7, "epoch": state.epoch}
    handler.on_log(args, state, control, logs=summary)
    handler.on_train_end(args, state, control)
    return args, state, control, handler


def drive_evaluate(handler: Any, args: Any, state: Any, control: Any) -> None:
    metrics = {"eval_loss": 0.11, "eval_accuracy": 0.97, "epoch": state.epoch}
    handler.on_log(args, state, control, logs=dict(metrics))
    handler.on_evaluate(args, state, control, metrics=dict(metrics))


def test_is_a_trainer_callback(kit, tmp_path):
    import transformers

    callback = kit.module.AhnbCallback(tmp_path, "glue")
    assert isinstance(callback, transformers.TrainerCallback)
    for event in EVENTS:
        assert callable(getattr(callback, event))


def test_train_writes_header_steps_and_end(kit, tmp_path):
    callback = kit.module.AhnbCallback(tmp_path, "glue", name="mrpc", params={"model": "tiny"})
    drive_train(kit, callback)
    records = read_records(callback.run.path)
    header = records[0]
    assert header["planned"] == {"steps": 8, "epochs": 2}, "the Trainer's max_steps and num_train_epochs"
    params = header["params"]
    assert params["model"] == "tiny" and params["learning_rate"] == 5e-5 and params["num_train_epochs"] == 2
    assert params["per_device_train_batch_size"] == 8 and params["lr_scheduler_type"] == "linear"
    assert header["seed"] == 42  # from TrainingArguments.seed
    assert header["model"]["total_params"] == 2410 and header["model"]["layers"][0]["name"] == "encoder"
    metrics = [r for r in records if r["type"] == "metrics"]
    assert [m["step"] for m in metrics] == [2, 4, 6, 8]
    assert [m["epoch"] for m in metrics] == [0.5, 1, 1.5, 2]
    assert set(metrics[1]["metrics"]) == {
        "loss", "grad_norm", "learning_rate", "eval_loss", "eval_accuracy", "eval_runtime",
    }
    end = records[-1]
    assert end["status"] == "finished"
    assert end["metrics"] == {"train_runtime": 12.5, "train_samples_per_second": 80.0, "train_steps_per_second": 10.0,
                              "total_flos": 1e12, "train_loss": 0.7}


def test_evaluate_after_train_becomes_final_metrics(kit, tmp_path):
    callback = kit.module.AhnbCallback(tmp_path, "glue", name="keep", finish_on_train_end=False)
    args, state, control, handler = drive_train(kit, callback)
    assert not callback.run.finished
    drive_evaluate(handler, args, state, control)
    callback.finish()
    end = read_records(callback.run.path)[-1]
    assert end["metrics"]["eval_accuracy"] == 0.97 and end["metrics"]["train_loss"] == 0.7

    closed = kit.module.AhnbCallback(tmp_path, "glue", name="closed")
    args, state, control, handler = drive_train(kit, closed)
    with pytest.warns(UserWarning, match="finish_on_train_end=False"):
        drive_evaluate(handler, args, state, control)


def test_failure_in_with_block(kit, tmp_path):
    callback = kit.module.AhnbCallback(tmp_path, "glue", name="oom")
    with pytest.raises(RuntimeError):
        with callback:
            drive_train(kit, callback, fail_at=5)
    records = read_records(callback.run.path)
    # Step 4 (train loss + evaluation) was still staged when training raised: flushed before the end record.
    assert [r["step"] for r in records if r["type"] == "metrics"] == [2, 4]
    assert records[-1]["status"] == "failed" and "CUDA out of memory" in records[-1]["error"]


def test_only_main_process_writes(kit, tmp_path):
    callback = kit.module.AhnbCallback(tmp_path, "glue", name="rank1")
    args = kit.args()
    state, control = kit.state(), kit.control()
    state.is_world_process_zero = False
    handler = kit.handler(callback, Module())
    handler.on_train_begin(args, state, control)
    handler.on_log(args, state, control, logs={"loss": 1.0})
    handler.on_train_end(args, state, control)
    assert not list(tmp_path.rglob("*.jsonl"))


def test_huggingface_log_passes_strict_check(kit, tmp_path, cli):
    logs = tmp_path / "logs"
    drive_train(kit, kit.module.AhnbCallback(logs, "glue", name="ok"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        callback = kit.module.AhnbCallback(logs, "glue", name="bad")
        with pytest.raises(RuntimeError), callback:
            drive_train(kit, callback, fail_at=7)
    cli.check_strict(logs)
