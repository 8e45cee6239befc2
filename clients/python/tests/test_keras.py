"""The Keras callback on real Keras 3 (jax backend, CPU) with scikit-learn's bundled digits data.

Trains a Dense 64 -> 10 classifier for a few epochs per scenario (finished,
failed midway, killed, diverged to NaN, batch logging), checks the log
written, and, when the ahnb binary is available, that `ahnb check --strict`
accepts it and that `ahnb build` shows the model and the final val_accuracy.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import pytest

from conftest import require_module  # noqa: E402

# Keras and scikit-learn are installed by .ci/python-client.sh; in CI their absence fails.
keras = require_module("keras", module_level=True)
sklearn_datasets = require_module("sklearn.datasets", module_level=True)

import ahnb.keras  # noqa: E402  (needs keras)
from conftest import contains_float, contains_int, read_records, run_python  # noqa: E402

EPOCHS = 5
HIDDEN, OUTPUT = "hidden_relu", "digit_probs"
TOTAL_PARAMS = 64 * 64 + 64 + 64 * 10 + 10  # 4810


@pytest.fixture(scope="module")
def digits():
    data = sklearn_datasets.load_digits()  # bundled with scikit-learn: no download
    return (data.data / 16.0).astype("float32"), data.target.astype("int32")


def build_model(learning_rate: float = 1e-3, diverging: bool = False):
    keras.utils.set_random_seed(0)
    if diverging:
        # Linear layers and logits: a large step sends the weights to inf and the loss to NaN
        # (a softmax output would be clipped by the loss and stay finite).
        model = keras.Sequential(
            [keras.Input((64,)), keras.layers.Dense(64, name=HIDDEN), keras.layers.Dense(10, name=OUTPUT)]
        )
        loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        optimizer = keras.optimizers.SGD(learning_rate)
    else:
        model = keras.Sequential(
            [
                keras.Input((64,)),
                keras.layers.Dense(64, activation="relu", name=HIDDEN),
                keras.layers.Dense(10, activation="softmax", name=OUTPUT),
            ]
        )
        loss = "sparse_categorical_crossentropy"
        optimizer = keras.optimizers.Adam(learning_rate)
    model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
    return model


class FailAtEpoch(keras.callbacks.Callback):
    def __init__(self, epoch: int, exc: BaseException) -> None:
        super().__init__()
        self.epoch, self.exc = epoch, exc

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise self.exc


def metrics_of(path: Path):
    return [r for r in read_records(path) if r["type"] == "metrics"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory, digits):
    """The one-line integration: callbacks=[AhnbCallback(...)] in a plain model.fit."""
    x, y = digits
    logs = tmp_path_factory.mktemp("keras") / "logs"
    model = build_model()
    callback = ahnb.keras.AhnbCallback(logs, "digits", params={"hidden_units": 64}, seed=0, tags=["test"])
    history = model.fit(x, y, epochs=EPOCHS, validation_split=0.2, callbacks=[callback], verbose=0)
    return logs, callback, history


# ------------------------------------------------------------------ finished run


def test_header_has_params_model_and_env(trained):
    logs, callback, _ = trained
    header = read_records(callback.run.path)[0]
    params = header["params"]
    assert params["hidden_units"] == 64
    assert params["epochs"] == EPOCHS and params["steps_per_epoch"] == 45
    assert header["planned"] == {"epochs": EPOCHS}, "fit's epochs is the planned length"
    assert params["optimizer"]["class"] == "Adam" and params["optimizer"]["name"] == "adam"
    assert params["optimizer"]["learning_rate"] == 0.001 and params["learning_rate"] == 0.001
    assert params["loss"] == "sparse_categorical_crossentropy"
    model = header["model"]
    layers = [(x["name"], x["type"], x["output_shape"], x["params"], x["trainable"]) for x in model["layers"]]
    assert layers == [
        (HIDDEN, "Dense", [None, 64], 4160, True),
        (OUTPUT, "Dense", [None, 10], 650, True),
    ]
    counts = (model["total_params"], model["trainable_params"], model["non_trainable_params"])
    assert counts == (TOTAL_PARAMS, TOTAL_PARAMS, 0)
    env = header["env"]
    assert env["backend"] == "jax"
    assert env["frameworks"]["keras"] == keras.__version__ and "jax" in env["frameworks"]
    assert header["seed"] == 0 and header["tags"] == ["test"]
    assert callback.run.name.startswith("hidden_units64-seed0-")


def test_one_record_per_epoch_with_epoch_index_as_step(trained):
    _, callback, history = trained
    records = metrics_of(callback.run.path)
    assert [r["step"] for r in records] == list(range(EPOCHS))
    assert [r["epoch"] for r in records] == list(range(EPOCHS))
    for record in records:
        assert set(record["metrics"]) == {"loss", "accuracy", "val_loss", "val_accuracy", "learning_rate"}
    final = records[-1]["metrics"]["val_accuracy"]
    assert final == pytest.approx(history.history["val_accuracy"][-1], rel=1e-6)
    assert final > 0.5  # it did learn something
    end = read_records(callback.run.path)[-1]
    assert end["type"] == "end" and end["status"] == "finished"


def test_keras_log_matches_the_json_schema(trained, schema_check):
    _, callback, _ = trained
    assert schema_check(callback.run.path) == 1 + EPOCHS + 1


def test_site_shows_layers_params_and_final_val_accuracy(trained, cli, tmp_path):
    logs, callback, _ = trained
    cli.check_strict(logs)
    html = cli.build(logs, tmp_path / "site")
    assert HIDDEN in html and OUTPUT in html
    assert contains_int(html, TOTAL_PARAMS), f"total params {TOTAL_PARAMS} not found in the site's HTML"
    final = metrics_of(callback.run.path)[-1]["metrics"]["val_accuracy"]
    assert contains_float(html, final), f"final val_accuracy {final} not found in the site's HTML"


# --------------------------------------------------------------- failures


def test_exception_midway_is_failed_with_completed_epochs(tmp_path, digits, cli):
    x, y = digits
    logs = tmp_path / "logs"
    callback = ahnb.keras.AhnbCallback(logs, "digits", name="fails-at-3")
    with pytest.raises(RuntimeError, match="boom at epoch 3"):
        ahnb.keras.fit(
            build_model(), x, y, epochs=6, batch_size=64, validation_split=0.2, verbose=0,
            callbacks=[FailAtEpoch(3, RuntimeError("boom at epoch 3"))], callback=callback,
        )
    records = read_records(callback.run.path)
    assert records[0]["params"]["batch_size"] == 64  # known to ahnb.keras.fit, not to Keras callbacks
    assert [r["step"] for r in records if r["type"] == "metrics"] == [0, 1, 2]
    assert records[-1]["type"] == "end" and records[-1]["status"] == "failed"
    assert records[-1]["error"] == "RuntimeError: boom at epoch 3"
    cli.check_strict(logs)


def test_keyboard_interrupt_in_with_block_is_killed(tmp_path, digits):
    x, y = digits
    callback = ahnb.keras.AhnbCallback(tmp_path, "digits", name="ctrl-c")
    model = build_model()
    with pytest.raises(KeyboardInterrupt):
        with callback:
            model.fit(x, y, epochs=4, verbose=0, callbacks=[callback, FailAtEpoch(1, KeyboardInterrupt())])
    records = read_records(callback.run.path)
    assert [r["step"] for r in records if r["type"] == "metrics"] == [0]
    assert records[-1]["status"] == "killed"


def test_uncaught_exception_without_helper_is_recorded_at_exit(tmp_path):
    """No helper, no with block: the atexit fallback sees the exception that ended the program."""
    script = textwrap.dedent(
        """
        import keras
        from sklearn.datasets import load_digits
        import ahnb.keras

        class Fail(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                if epoch == 2:
                    raise ValueError("loader died")

        data = load_digits()
        model = keras.Sequential([keras.Input((64,)), keras.layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        cb = ahnb.keras.AhnbCallback("logs", "digits", name="uncaught")
        model.fit(data.data / 16, data.target, epochs=4, verbose=0, callbacks=[cb, Fail()])
        """
    )
    result = run_python(script, tmp_path)
    assert result.returncode == 1, result.stderr
    records = read_records(tmp_path / "logs" / "digits" / "uncaught.jsonl")
    assert [r["step"] for r in records if r["type"] == "metrics"] == [0, 1]
    assert records[-1]["status"] == "failed" and records[-1]["error"] == "ValueError: loader died"


def test_diverging_run_writes_nan_epochs(tmp_path, digits, cli):
    x, y = digits
    logs = tmp_path / "logs"
    callback = ahnb.keras.AhnbCallback(logs, "digits", name="diverges", params={"lr": 1.0})
    ahnb.keras.fit(build_model(learning_rate=1.0, diverging=True), x * 16, y, epochs=3, validation_split=0.2,
                   verbose=0, callback=callback)
    lines = callback.run.path.read_text(encoding="utf-8").splitlines()
    metric_lines = [line for line in lines if '"type":"metrics"' in line]
    assert metric_lines and all('"loss":NaN' in line for line in metric_lines[-1:]), "\n".join(lines)
    assert math.isnan(metrics_of(callback.run.path)[-1]["metrics"]["loss"])
    assert read_records(callback.run.path)[-1]["status"] == "finished"
    cli.check_strict(logs)
    cli.build(logs, tmp_path / "site")


# ------------------------------------------------------------ other options


def test_batch_logging_uses_global_batch_count(tmp_path, digits, cli):
    x, y = digits
    logs = tmp_path / "logs"
    callback = ahnb.keras.AhnbCallback(logs, "digits", name="batches", log_every_n_batches=10)
    build_model().fit(x, y, epochs=2, validation_split=0.2, verbose=0, callbacks=[callback])
    records = metrics_of(callback.run.path)
    steps = [r["step"] for r in records]
    # 45 batches per epoch: every 10th batch, and each epoch end at its global batch count.
    assert steps == [10, 20, 30, 40, 45, 50, 60, 70, 80, 90], steps
    epoch_ends = [r for r in records if "val_accuracy" in r["metrics"]]
    assert [(r["step"], r["epoch"]) for r in epoch_ends] == [(45, 0), (90, 1)]
    assert records[5]["epoch"] == 1 and "learning_rate" in records[0]["metrics"]
    cli.check_strict(logs)


def test_each_fit_is_a_new_run(tmp_path, digits):
    x, y = digits
    callback = ahnb.keras.AhnbCallback(tmp_path, "digits", name="again")
    model = build_model()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[callback])
    first = callback.run.path
    model.fit(x, y, epochs=1, verbose=0, callbacks=[callback])
    assert first.name == "again.jsonl" and callback.run.path.name == "again-2.jsonl"
    assert read_records(first)[-1]["status"] == "finished"


def test_keep_run_open_for_test_metrics(tmp_path, digits, cli):
    x, y = digits
    logs = tmp_path / "logs"
    callback = ahnb.keras.AhnbCallback(logs, "digits", name="with-test", finish_on_train_end=False)
    model = build_model()
    model.fit(x[:1500], y[:1500], epochs=2, verbose=0, callbacks=[callback])
    assert not callback.run.finished
    scores = model.evaluate(x[1500:], y[1500:], verbose=0, return_dict=True)
    callback.finish(metrics={f"test_{k}": v for k, v in scores.items()})
    end = read_records(callback.run.path)[-1]
    assert end["status"] == "finished"
    assert end["metrics"]["test_accuracy"] == pytest.approx(float(scores["accuracy"]))
    cli.check_strict(logs)
