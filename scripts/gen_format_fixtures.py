#!/usr/bin/env python3
"""Regenerates tests/fixtures/formats/<format>/ with the real tools, so that the readers are tested
against what those tools write, not against what we think they write.

One function per tool. Run it in a virtual environment with the tools from PyPI:

    python3 -m venv /work/tgt/formats-venv
    /work/tgt/formats-venv/bin/pip install mlflow-skinny dvclive "keras>=3.0" "jax[cpu]" \
        tensorboardX==2.6.5 numpy pillow
    KERAS_BACKEND=jax JAX_PLATFORMS=cpu /work/tgt/formats-venv/bin/python scripts/gen_format_fixtures.py

(`mlflow`, `dvclive`, `keras`, `tensorboard`: pass names to regenerate only those.) Each fixture is small: a few
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


def tensorboard_fixtures():
    """TensorBoard event files written by tensorboardX (what PyTorch's SummaryWriter grew from):
    a sweep of 2 configurations x 2 seeds with the hparams plugin, a NaN divergence, a failed
    session, text and images, Keras' train/ + validation/ layout with TF2 tensor scalars, a
    restart into the same folder, a file with nothing but its version, and two damaged files (a
    flipped byte, a cut last record) made by editing the bytes. Files are renamed to fixed names
    (events.out.tfevents.<time>.fixture.1.<n>) so tests can name them in warnings."""
    import io
    import struct

    import numpy as np
    from PIL import Image
    from tensorboardX import SummaryWriter
    from tensorboardX.proto.plugin_hparams_pb2 import HParamsPluginData, SessionEndInfo
    from tensorboardX.proto.summary_pb2 import Summary, SummaryMetadata
    from tensorboardX.proto.tensor_pb2 import TensorProto
    from tensorboardX.proto.tensor_shape_pb2 import TensorShapeProto
    from tensorboardX.summary import hparams

    root = fresh("tensorboard")
    opened = [1700000000]

    def write(folder, fill):
        """Writes one event file with tensorboardX into folder, renamed to a fixed name."""
        folder = root / folder
        folder.mkdir(parents=True, exist_ok=True)
        with SummaryWriter(logdir=str(folder), flush_secs=3600) as writer:
            fill(writer)
        (written,) = [p for p in folder.iterdir() if p.name.startswith("events.out.tfevents.") and ".fixture." not in p.name]
        opened[0] += 100
        target = folder / f"events.out.tfevents.{opened[0]}.fixture.1.{opened[0] // 100 % 100}"
        written.rename(target)
        return target

    def png(width, height, seed):
        rng = np.random.default_rng(seed)
        pixels = rng.integers(0, 255, size=(height, width, 3), dtype=np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="PNG")
        return buffer.getvalue()

    def add(writer, value, step):
        writer._get_file_writer().add_summary(Summary(value=[value]), step)

    def session_end(writer, status, step):
        # What TensorFlow's hp.KerasCallback writes at the end of fit(): a status with an end time
        # (tensorboardX's hparams() writes STATUS_SUCCESS at the start, with no end time).
        content = HParamsPluginData(version=0, session_end_info=SessionEndInfo(status=status, end_time_secs=1700003600.0))
        meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="hparams", content=content.SerializeToString()))
        add(writer, Summary.Value(tag="_hparams_/session_end_info", metadata=meta), step)

    def sweep_run(lr, seed, final_loss):
        def fill(w):
            exp, ssi, _ = hparams({"lr": lr, "seed": seed, "optimizer": "adam", "amsgrad": False}, {"Loss/val": 0})
            w._get_file_writer().add_summary(exp)
            w._get_file_writer().add_summary(ssi)
            for step in range(10):
                w.add_scalar("Loss/train", 2.0 - step * (2.0 - final_loss) / 9, step)
                w.add_scalar("Accuracy/train", 0.5 + step * 0.05, step)
            for step in (4, 9):
                w.add_scalar("Loss/val", 2.1 - step * (2.0 - final_loss) / 9, step)
            session_end(w, 1, 9)
        write(f"sweep/lr_{lr}_seed_{seed}", fill)

    # A sweep of 4 runs, 2 configurations x 2 seeds (hparams plugin: params and seed groups).
    sweep_run(0.1, 1, 0.30)
    sweep_run(0.1, 2, 0.25)
    sweep_run(0.01, 1, 0.60)
    sweep_run(0.01, 2, 0.65)

    # A run that diverges: loss NaN from step 6 on, accuracy stays finite.
    def diverged(w):
        for step in range(10):
            w.add_scalar("loss", float("nan") if step >= 6 else 1.0 / (step + 1), step)
            w.add_scalar("accuracy", 0.1 * step, step)
    write("cases/diverged", diverged)

    # A run whose session ended in failure (as hp.KerasCallback records an exception in fit()).
    def failed(w):
        for step in range(3):
            w.add_scalar("loss", 1.0 - 0.25 * step, step)
        session_end(w, 2, 2)
    write("cases/failed", failed)

    # Text (Markdown, with HTML that must be shown escaped) and images: a PNG from add_image, the
    # TF2 tensor form (width, height, PNG) and a "PNG" whose bytes are HTML, which must not be published.
    def media(w):
        w.add_scalar("loss", 0.5, 0)
        w.add_text("notes", "**warm-up** done <script>alert(1)</script>", 0)
        w.add_image("samples/input", np.asarray(Image.open(io.BytesIO(png(8, 6, 1)))), 1, dataformats="HWC")
        tensor = TensorProto(dtype=7, tensor_shape=TensorShapeProto(dim=[TensorShapeProto.Dim(size=3)]),
                             string_val=[b"4", b"4", png(4, 4, 2)])
        meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="images"))
        add(w, Summary.Value(tag="samples/tf2", metadata=meta, tensor=tensor), 2)
        fake = Summary.Image(height=1, width=1, colorspace=3, encoded_image_string=b"<html><script>alert(1)</script></html>")
        add(w, Summary.Value(tag="samples/not_an_image", image=fake), 2)
        w.add_scalar("loss", 0.25, 2)
    write("cases/media", media)

    # Keras' layout: one fit() as train/ and validation/ folders with TensorFlow 2's tensor scalars,
    # written as tf.summary.scalar writes them: a DT_FLOAT tensor of shape [], the plugin named
    # with the first value of each tag only. epoch_loss in float_val, epoch_accuracy packed in
    # tensor_content (both occur).
    def keras(offset):
        def fill(w):
            for epoch in range(5):
                for tag, value, packed in (("epoch_loss", 1.0 / (epoch + 1) + offset, False),
                                           ("epoch_accuracy", 0.5 + 0.1 * epoch - offset, True)):
                    tensor = TensorProto(dtype=1, tensor_shape=TensorShapeProto())
                    if packed:
                        tensor.tensor_content = struct.pack("<f", value)
                    else:
                        tensor.float_val.append(value)
                    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name="scalars")) if epoch == 0 else None
                    add(w, Summary.Value(tag=tag, metadata=meta, tensor=tensor), epoch)
        return fill
    write("keras/fit/train", keras(0.0))
    write("keras/fit/validation", keras(0.1))

    # A restart: the first file reaches step 5, the second (opened later) starts again at step 3;
    # the later file's values win from step 3 on.
    def first(w):
        for step in range(6):
            w.add_scalar("loss", 10.0 + step, step)
    def second(w):
        for step in range(3, 8):
            w.add_scalar("loss", 20.0 + step, step)
    write("cases/restart", first)
    write("cases/restart", second)

    # A file with only its file_version record (what add_hparams leaves in its parent folder).
    write("cases/empty", lambda w: w._get_file_writer())

    # Damaged files: record 4's data has a flipped byte (bad CRC), and a copy whose last record is
    # cut off in the middle.
    def scalars(w):
        for step in range(6):
            w.add_scalar("loss", 1.0 - 0.1 * step, step)
    damaged = write("cases/bad_crc", scalars)
    data = bytearray(damaged.read_bytes())
    offset = 0
    for _ in range(3):
        (length,) = struct.unpack_from("<Q", data, offset)
        offset += 16 + length
    data[offset + 12 + 3] ^= 0x01
    damaged.write_bytes(bytes(data))
    cut = write("cases/truncated", scalars)
    cut.write_bytes(cut.read_bytes()[:-7])


TOOLS = {
    "mlflow": mlflow_fixtures,
    "keras": keras_fixtures,
    "dvclive": dvclive_fixtures,
    "tensorboard": tensorboard_fixtures,
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(TOOLS)
    for name in names:
        TOOLS[name]()
        print(f"wrote the {name} fixtures under {ROOT}")
