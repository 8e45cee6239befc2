"""Coercion, JSON safety and the exact JSON of each record kind (no framework needed)."""

from __future__ import annotations

import argparse
import dataclasses
import enum
import io
import json
import math
from pathlib import Path, PurePosixPath

import pytest

from ahnb import records
from ahnb.records import LineWriter, coerce_int, coerce_metric, coerce_metrics, dumps, json_safe
from conftest import require_module


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Config:
    width: int
    path: Path


def test_coerce_metric_uses_float():
    assert coerce_metric(3) == 3.0 and isinstance(coerce_metric(3), float)
    assert coerce_metric(True) == 1.0
    assert coerce_metric(None) is None
    assert math.isnan(coerce_metric(float("nan")))
    assert coerce_metric(float("-inf")) == float("-inf")


def test_coerce_metric_refuses_strings_and_objects():
    with pytest.raises(TypeError):
        coerce_metric("0.5")
    with pytest.raises(TypeError):
        coerce_metric(object())


def test_coerce_metrics_non_strict_drops_non_numbers():
    assert coerce_metrics({"a": 1, "b": "x", "c": None}, strict=False) == {"a": 1.0, "c": None}
    with pytest.raises(TypeError):
        coerce_metrics({"b": "x"})


def test_coerce_int():
    assert coerce_int(3.0, "step") == 3
    with pytest.raises(ValueError):
        coerce_int(2.5, "step")
    with pytest.raises(TypeError):
        coerce_int("a", "step")
    with pytest.raises(TypeError):
        coerce_int(True, "step")


def test_json_safe_common_param_types():
    value = {
        "shape": (28, 28),
        "tags": {"b", "a"},
        "dir": Path("/data/x"),
        "pure": PurePosixPath("a/b"),
        "color": Color.RED,
        "cfg": Config(3, Path("p")),
        "act": math.sqrt,
        "cls": dict,
        "ns": argparse.Namespace(lr=0.1),
        "raw": b"bytes",
        "nested": {1: [None, 1.5]},
        "other": object(),
    }
    safe = json_safe(value)
    json.dumps(safe)  # must not raise
    assert safe["shape"] == [28, 28]
    assert safe["tags"] == ["a", "b"]
    assert safe["dir"] == str(Path("/data/x"))
    assert safe["color"] == "red"
    assert safe["cfg"] == {"width": 3, "path": "p"}
    assert safe["act"] == "math.sqrt"
    assert safe["cls"] == "dict"
    assert safe["ns"] == {"lr": 0.1}
    assert safe["raw"] == "bytes"
    assert safe["nested"] == {"1": [None, 1.5]}
    assert safe["other"].startswith("<object object")


def test_json_safe_numpy():
    np = require_module("numpy")
    safe = json_safe({"f": np.float32(0.5), "i": np.int64(7), "b": np.bool_(True), "a": np.arange(3), "m": np.eye(2)})
    assert safe == {"f": 0.5, "i": 7, "b": True, "a": [0, 1, 2], "m": [[1.0, 0.0], [0.0, 1.0]]}
    assert type(safe["i"]) is int and type(safe["f"]) is float
    json.dumps(safe)


def test_numpy_float32_metric_is_coerced():
    np = require_module("numpy")
    value = coerce_metric(np.float32(0.25))
    assert type(value) is float and value == 0.25
    assert coerce_metric(np.array([0.5])) == 0.5  # one-element arrays are scalars for float()


def test_nan_and_infinity_are_bare_tokens():
    values = {"a": float("nan"), "b": float("inf"), "c": float("-inf"), "d": None}
    line = dumps(records.metrics_record(1, values, time=1.0))
    assert '"a":NaN' in line and '"b":Infinity' in line and '"c":-Infinity' in line and '"d":null' in line
    assert "\n" not in line


def test_header_record_shape():
    header = records.header_record(
        "proj", "run-1", start="2026-03-01T10:00:00Z", params={"lr": 0.1}, tags=("a",), seed=3.0, group="g",
        notes="*hi*", primary_metric="val_accuracy", model={"name": "m", "total_params": 10}, env={"os": "X"},
    )
    assert header == {
        "type": "header", "format_version": 1, "project": "proj", "run": "run-1", "start": "2026-03-01T10:00:00Z",
        "params": {"lr": 0.1}, "model": {"name": "m", "total_params": 10}, "env": {"os": "X"}, "tags": ["a"],
        "seed": 3, "group": "g", "notes": "*hi*", "primary_metric": "val_accuracy",
    }
    assert records.header_record(None, None)["format_version"] == 1
    assert "params" not in records.header_record("p", "r")  # optional fields are omitted, not null


def test_metrics_record_epoch_as_int_when_whole():
    assert records.metrics_record(3, {}, epoch=2.0, time=5.0) == {
        "type": "metrics", "step": 3, "epoch": 2, "time": 5.0, "metrics": {},
    }
    assert records.metrics_record(3, {}, epoch=2.5, time=5.0)["epoch"] == 2.5


def test_end_record():
    end = records.end_record("failed", metrics={"x": 1.0}, error="boom", time="2026-03-01T10:20:00Z")
    assert end == {
        "type": "end", "status": "failed", "time": "2026-03-01T10:20:00Z", "metrics": {"x": 1.0}, "error": "boom",
    }
    assert records.end_record("finished")["error"] is None
    with pytest.raises(ValueError):
        records.end_record("done")


def test_rfc3339():
    assert records.rfc3339(0) == "1970-01-01T00:00:00Z"


def test_line_writer_flushes_each_line():
    class Spy(io.StringIO):
        flushes = 0

        def flush(self) -> None:
            Spy.flushes += 1
            super().flush()

    stream = Spy()
    writer = LineWriter(stream)
    writer.write({"type": "note", "step": 0, "text": "a"})
    assert Spy.flushes == 1 and stream.getvalue().endswith("\n")
    writer.write({"type": "note", "step": 1, "text": "b"})
    assert Spy.flushes == 2 and stream.getvalue().count("\n") == 2
