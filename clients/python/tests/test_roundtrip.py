"""Round trip: every record this package can write is read by the Rust loader without a warning.

Needs the ahnb binary (see conftest.py): `ahnb check --strict` must exit 0,
and `ahnb build` must succeed on the same logs. Each line is also checked
against the JSON Schema in docs/log-format.schema.json (needs jsonschema).
"""

from __future__ import annotations

from pathlib import Path

import ahnb
from conftest import read_records

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def write_every_kind_of_record(logs: Path) -> None:
    outside = logs.parent / "outside.gif"
    outside.write_bytes(b"GIF89a" + b"\x00" * 8)
    with ahnb.Run(
        logs, "Round Trip", name="everything", params={"lr": 0.01, "optimizer": {"name": "adam", "beta_1": 0.9},
        "shape": (28, 28), "path": Path("/data"), "flag": True, "none": None},
        tags=["a", "b"], notes="Some *Markdown*.", group="lr0.01", seed=1, primary_metric="val_accuracy",
        record_host=True,
        model={"name": "mlp", "layers": [{"name": "dense", "type": "Dense", "output_shape": [None, 64], "params": 4160,
               "trainable": True}], "total_params": 4160, "trainable_params": 4160, "non_trainable_params": 0},
    ) as run:
        run.log(loss=1.0, accuracy=0.5)
        run.log(epoch=1, loss=0.5, val_loss=None, **{"eval/accuracy": 0.75})
        run.log(step=5, epoch=1.5, loss=float("nan"), grad=float("inf"), neg=float("-inf"))
        run.note("A note with *Markdown*.")
        run.note("Pinned to step 1.", step=1)
        run.media("samples", PNG, title="Samples", description="Generated")
        run.media("anim", outside, step=1)
        run.media("svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", step=1)
        run.media("page", b"<!DOCTYPE html><p>report</p>", step=1)
        run.media("text", b"some text", kind="text", step=1)
        inside = run.path.parent / "figures" / "cm.png"
        inside.parent.mkdir(exist_ok=True)
        inside.write_bytes(PNG)
        run.media("confusion", inside, step=5)
        run.finish(metrics={"test_accuracy": 0.98})
    # The other end states and a run without any metrics.
    for status, error in (("failed", "RuntimeError: boom"), ("killed", "KeyboardInterrupt")):
        other = ahnb.Run(logs, "Round Trip", name=status)
        other.log(loss=2.0)
        other.finish(status=status, error=error)
    ahnb.Run(logs, "Round Trip").finish()


def test_every_record_kind_passes_strict_check(tmp_path, cli):
    logs = tmp_path / "logs"
    write_every_kind_of_record(logs)
    kinds = {r["type"] for log in logs.rglob("*.jsonl") for r in read_records(log)}
    assert kinds == {"header", "metrics", "note", "media", "end"}
    cli.check_strict(logs)
    cli.build(logs, tmp_path / "site")


def test_incomplete_run_passes_strict_check(tmp_path, cli):
    logs = tmp_path / "logs"
    run = ahnb.Run(logs, "p", name="still-training")
    run.log(loss=1.0)
    cli.check_strict(logs)  # a run without end record is "incomplete", not malformed
    run.finish()


def test_check_flags_a_broken_line(tmp_path, cli):
    """Guards the guard: --strict must fail, with `path:line: message`, on a line the client never writes."""
    logs = tmp_path / "logs"
    run = ahnb.Run(logs, "p", name="r")
    run.log(loss=1.0)
    with open(run.path, "a", encoding="utf-8") as f:
        f.write("{this is not json}\n")
    run.log(loss=0.5)
    run.finish()
    result = cli("check", logs, "--strict")
    assert result.returncode == 3, f"exit {result.returncode}\nstderr:\n{result.stderr}"
    assert "r.jsonl:3:" in result.stderr, result.stderr


def test_every_record_matches_the_json_schema(tmp_path, schema_check):
    """docs/log-format.schema.json describes one line; every line the client writes must match it."""
    logs = tmp_path / "logs"
    write_every_kind_of_record(logs)
    assert sum(schema_check(log) for log in sorted(logs.rglob("*.jsonl"))) > 10
