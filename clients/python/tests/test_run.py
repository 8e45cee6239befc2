"""``ahnb.Run``: the file it writes, steps, media, notes, and how runs end (no framework needed)."""

from __future__ import annotations

import json
import math
import textwrap
import warnings
from pathlib import Path

import pytest

import ahnb
from conftest import read_records, run_python

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def test_header_and_layout(tmp_path):
    with ahnb.Run(
        tmp_path, "My Project", name="baseline", params={"lr": 0.01, "shape": (28, 28), "dir": Path("/d")},
        tags=["cnn"], notes="# Notes", group="lr0.01", seed=1, primary_metric="val_accuracy",
    ) as run:
        assert run.path == tmp_path / "my-project" / "baseline.jsonl"
    header = read_records(run.path)[0]
    assert header["type"] == "header" and header["format_version"] == 1
    assert header["project"] == "My Project" and header["run"] == "baseline"
    assert header["params"] == {"lr": 0.01, "shape": [28, 28], "dir": str(Path("/d"))}
    assert header["tags"] == ["cnn"] and header["notes"] == "# Notes" and header["group"] == "lr0.01"
    assert header["seed"] == 1 and header["primary_metric"] == "val_accuracy"
    assert header["start"].endswith("Z")
    assert header["env"]["language"].startswith("Python") and "host" not in header["env"]


def test_record_host_opt_in(tmp_path):
    with ahnb.Run(tmp_path, "p", name="r", record_host=True) as run:
        pass
    assert read_records(run.path)[0]["env"].get("host")


def test_same_name_twice_gets_suffix(tmp_path):
    with ahnb.Run(tmp_path, "p", name="same") as first:
        pass
    with ahnb.Run(tmp_path, "p", name="same") as second:
        pass
    assert first.path.name == "same.jsonl" and second.path.name == "same-2.jsonl"
    assert read_records(second.path)[0]["run"] == "same-2"


def test_default_name_is_readable_and_unique(tmp_path):
    runs = [ahnb.Run(tmp_path, "p", params={"lr": 0.1}, seed=2) for _ in range(3)]
    for run in runs:
        run.finish()
    assert len({run.path for run in runs}) == 3
    assert all(run.name.startswith("lr0.1-seed2-") for run in runs)


def test_log_steps_epochs_and_values(tmp_path):
    try:
        import numpy

        half = numpy.float32(0.5)  # not JSON-serializable as such
    except ImportError:
        half = 0.5
    with ahnb.Run(tmp_path, "p", name="r") as run:
        assert run.log(loss=1.0) == 0
        assert run.log(loss=half, epoch=1) == 1
        assert run.log(step=10, loss=float("nan"), acc=None, **{"eval/accuracy": 0.9}) == 10
        assert run.log(loss=float("inf")) == 11
        run.log_dict({"val/loss": 0.3, "skip": "text"}, step=12, strict=False)
    metrics = [r for r in read_records(run.path) if r["type"] == "metrics"]
    assert [m["step"] for m in metrics] == [0, 1, 10, 11, 12]
    assert metrics[1]["epoch"] == 1 and "epoch" not in metrics[0]
    assert metrics[1]["metrics"]["loss"] == 0.5
    assert math.isnan(metrics[2]["metrics"]["loss"]) and metrics[2]["metrics"]["acc"] is None
    assert metrics[2]["metrics"]["eval/accuracy"] == 0.9
    assert metrics[3]["metrics"]["loss"] == math.inf
    assert metrics[4]["metrics"] == {"val/loss": 0.3}
    assert all(isinstance(m["time"], float) for m in metrics)


def test_nan_written_as_bare_tokens(tmp_path):
    with ahnb.Run(tmp_path, "p", name="r") as run:
        run.log(loss=float("nan"), up=float("inf"), down=float("-inf"))
    text = run.path.read_text(encoding="utf-8")
    assert '"loss":NaN' in text and '"up":Infinity' in text and '"down":-Infinity' in text
    assert '"NaN"' not in text


def test_every_record_is_one_line(tmp_path):
    with ahnb.Run(tmp_path, "p", name="r", notes="line one\nline two") as run:
        run.note("multi\nline\nnote")
        run.log(loss=1)
    lines = run.path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    for line in lines:
        json.loads(line)


def test_lines_are_flushed_as_written(tmp_path):
    run = ahnb.Run(tmp_path, "p", name="r")
    # Read through a separate handle while the run is still open.
    assert len(run.path.read_text(encoding="utf-8").splitlines()) == 1
    run.log(loss=1.0)
    assert len(run.path.read_text(encoding="utf-8").splitlines()) == 2
    run.note("hello")
    assert read_records(run.path)[-1] == {"type": "note", "step": 0, "text": "hello"}
    run.finish()


def test_bad_metric_value_raises(tmp_path):
    with ahnb.Run(tmp_path, "p", name="r") as run:
        with pytest.raises(TypeError):
            run.log(loss="high")
        with pytest.raises(ValueError):
            run.log(step=1.5, loss=1)


def test_repeated_step_warns_once(tmp_path):
    with ahnb.Run(tmp_path, "p", name="r") as run:
        run.log(step=1, a=1)
        with pytest.warns(UserWarning, match="logged twice"):
            run.log(step=1, b=2)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            run.log(step=1, c=3)


# ----------------------------------------------------------------------- ends


def test_context_manager_finished(tmp_path):
    with ahnb.Run(tmp_path, "p", name="r") as run:
        run.log(loss=1)
    end = read_records(run.path)[-1]
    assert end["type"] == "end" and end["status"] == "finished" and end["error"] is None
    assert run.status == "finished" and run.finished


def test_context_manager_failed_reraises(tmp_path):
    with pytest.raises(ValueError, match="bad shape"):
        with ahnb.Run(tmp_path, "p", name="r") as run:
            run.log(loss=1)
            raise ValueError("bad shape")
    end = read_records(run.path)[-1]
    assert end["status"] == "failed" and end["error"] == "ValueError: bad shape"


def test_context_manager_keyboard_interrupt_is_killed(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with ahnb.Run(tmp_path, "p", name="r") as run:
            raise KeyboardInterrupt
    end = read_records(run.path)[-1]
    assert end["status"] == "killed" and end["error"] == "KeyboardInterrupt"


def test_context_manager_system_exit(tmp_path):
    with pytest.raises(SystemExit):
        with ahnb.Run(tmp_path, "p", name="ok") as ok:
            raise SystemExit(0)
    with pytest.raises(SystemExit):
        with ahnb.Run(tmp_path, "p", name="bad") as bad:
            raise SystemExit(2)
    assert read_records(ok.path)[-1]["status"] == "finished"
    assert read_records(bad.path)[-1]["status"] == "failed"


def test_finish_is_idempotent_and_final(tmp_path):
    run = ahnb.Run(tmp_path, "p", name="r")
    run.summary["best"] = 0.5
    run.finish(metrics={"test_accuracy": 0.98})
    run.finish(status="failed", error="ignored")
    records = read_records(run.path)
    assert [r["type"] for r in records] == ["header", "end"]
    assert records[-1]["metrics"] == {"best": 0.5, "test_accuracy": 0.98}
    with pytest.raises(RuntimeError, match="already finished"):
        run.log(loss=1)
    with pytest.raises(ValueError):
        ahnb.Run(tmp_path, "p", name="r2").finish(status="done")


def test_explicit_failed_and_killed(tmp_path):
    failed = ahnb.Run(tmp_path, "p", name="f")
    failed.finish(status="failed", error="out of memory")
    killed = ahnb.Run(tmp_path, "p", name="k")
    killed.finish(status="killed")
    assert read_records(failed.path)[-1]["error"] == "out of memory"
    assert read_records(killed.path)[-1]["status"] == "killed"


@pytest.mark.parametrize(
    "ending, status, error, returncode",
    [
        ("pass", "finished", None, 0),
        ("raise ValueError('diverged badly')", "failed", "ValueError: diverged badly", 1),
        ("raise KeyboardInterrupt", "killed", "KeyboardInterrupt", None),
    ],
)
def test_unfinished_run_is_ended_at_exit(tmp_path, ending, status, error, returncode):
    script = textwrap.dedent(
        f"""
        import ahnb
        run = ahnb.Run("logs", "p", name="r")
        run.log(loss=1.0)
        {ending}
        """
    )
    result = run_python(script, tmp_path)
    if returncode is not None:
        assert result.returncode == returncode, result.stderr
    end = read_records(tmp_path / "logs" / "p" / "r.jsonl")[-1]
    assert end["type"] == "end" and end["status"] == status and end["error"] == error


# ---------------------------------------------------------------------- media


def test_media_bytes_written_beside_the_log(tmp_path):
    with ahnb.Run(tmp_path, "p", name="r") as run:
        run.log(loss=1)
        rel = run.media("samples", PNG, title="Samples", description="Generated digits")
        rel2 = run.media("samples", PNG, step=0)  # same name and step: never overwritten
    assert rel == "media/r/samples-000000.png" and rel2 == "media/r/samples-000000-2.png"
    assert (run.path.parent / rel).read_bytes() == PNG
    record = [r for r in read_records(run.path) if r["type"] == "media"][0]
    assert record == {
        "type": "media", "step": 0, "name": "samples", "kind": "image", "path": rel,
        "title": "Samples", "description": "Generated digits",
    }


def test_media_kinds_guessed_or_given(tmp_path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    with ahnb.Run(tmp_path, "p", name="r") as run:
        run.media("a", b"GIF89a....", step=1)
        run.media("b", svg, step=1)
        run.media("c", b"<!DOCTYPE html><p>hi</p>", step=1)
        run.media("d", b"plain words", kind="text", step=1)
        run.media("e", b"\xff\xd8\xff\xe0jpeg", step=1)
        with pytest.raises(ValueError, match="kind"):
            run.media("f", b"???")
        with pytest.raises(ValueError, match="unknown media kind"):
            run.media("g", PNG, kind="video")
        with pytest.raises(TypeError):
            run.media("h", 12345)
    media = {r["name"]: r for r in read_records(run.path) if r["type"] == "media"}
    assert {n: (m["kind"], Path(m["path"]).suffix) for n, m in media.items()} == {
        "a": ("gif", ".gif"), "b": ("svg", ".svg"), "c": ("html", ".html"),
        "d": ("text", ".txt"), "e": ("image", ".jpg"),
    }


def test_media_path_outside_is_copied_inside_is_referenced(tmp_path):
    outside = tmp_path / "elsewhere" / "plot.png"
    outside.parent.mkdir()
    outside.write_bytes(PNG)
    with ahnb.Run(tmp_path / "logs", "p", name="r") as run:
        inside = run.path.parent / "figures" / "cm.svg"
        inside.parent.mkdir()
        inside.write_text("<svg/>", encoding="utf-8")
        copied = run.media("plot", outside, step=2)
        referenced = run.media("confusion", str(inside), step=2)
        with pytest.raises(FileNotFoundError):
            run.media("missing", tmp_path / "nope.png")
    assert copied == "media/r/plot-000002.png"
    assert (run.path.parent / copied).read_bytes() == PNG
    assert referenced == "figures/cm.svg"
    kinds = [r["kind"] for r in read_records(run.path) if r["type"] == "media"]
    assert kinds == ["image", "svg"]


def test_media_from_figure_like_object(tmp_path):
    class Figure:  # duck-typed matplotlib Figure
        def savefig(self, buf, format):
            assert format == "png"
            buf.write(PNG)

    with ahnb.Run(tmp_path, "p", name="r") as run:
        rel = run.media("fig", Figure(), step=4)
    assert (run.path.parent / rel).read_bytes() == PNG


def test_note_step_defaults_to_last_logged_step(tmp_path):
    with ahnb.Run(tmp_path, "p", name="r") as run:
        run.note("before anything")
        run.log(step=7, loss=1)
        run.note("Lowered the LR by hand *here*.")
        run.note("explicit", step=3)
    notes = [r for r in read_records(run.path) if r["type"] == "note"]
    assert [(n["step"], n["text"]) for n in notes] == [
        (0, "before anything"), (7, "Lowered the LR by hand *here*."), (3, "explicit"),
    ]
