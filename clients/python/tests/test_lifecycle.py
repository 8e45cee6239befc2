"""Runs left open: the adapters' end rules and the IPython/Jupyter cell hook (no framework needed)."""

from __future__ import annotations

import sys
import types

from ahnb import lifecycle
from ahnb.adapter import EXITED_DURING_TRAINING, RunOwner
from conftest import read_records


class Adapter(RunOwner):
    """The smallest adapter: what Keras/Lightning/Hugging Face adapters build on."""

    def __init__(self, logdir, finish_on_train_end: bool = True) -> None:
        self._init_owner(logdir, "p", "r", None, None, None, None, None, None, False, finish_on_train_end)


def test_cell_error_during_training_fails_the_run(tmp_path):
    adapter = Adapter(tmp_path)
    run = adapter._start_run({"lr": 0.1})
    adapter._stage(3, {"loss": 1.0})
    adapter._on_exit(ValueError("shape mismatch"), False)  # what the post_run_cell hook passes
    records = read_records(run.path)
    assert [r["type"] for r in records] == ["header", "metrics", "end"]  # the staged step is kept
    assert records[-1]["status"] == "failed" and records[-1]["error"] == "ValueError: shape mismatch"


def test_cell_error_after_training_leaves_the_run_alone(tmp_path):
    adapter = Adapter(tmp_path, finish_on_train_end=False)
    run = adapter._start_run({})
    adapter._train_ended()
    adapter._on_exit(ValueError("unrelated"), False)
    assert not run.finished
    adapter._on_exit(None, True)  # interpreter exit: training had completed
    assert read_records(run.path)[-1]["status"] == "finished"


def test_exit_while_training_without_exception(tmp_path):
    adapter = Adapter(tmp_path)
    run = adapter._start_run({})
    adapter._on_exit(None, True)
    end = read_records(run.path)[-1]
    assert end["status"] == "failed" and end["error"] == EXITED_DURING_TRAINING


def test_sys_exit_zero_during_training_is_killed(tmp_path):
    adapter = Adapter(tmp_path)
    run = adapter._start_run({})
    adapter.fail(SystemExit(0))
    assert read_records(run.path)[-1]["status"] == "killed"


def test_ipython_post_run_cell_hook(monkeypatch):
    registered = []
    events = types.SimpleNamespace(register=lambda event, fn: registered.append((event, fn)))
    shell = types.SimpleNamespace(events=events)
    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: shell
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    monkeypatch.setattr(lifecycle, "_ipython_installed", False)

    seen = []
    lifecycle.register(-1, lambda exc, at_exit: seen.append((exc, at_exit)))
    try:
        assert [event for event, _ in registered] == ["post_run_cell"]
        hook = registered[0][1]
        hook(types.SimpleNamespace(error_in_exec=None))  # a cell that ran fine
        error = RuntimeError("cell failed")
        hook(types.SimpleNamespace(error_in_exec=error))
        assert (error, False) in seen and all(exc is not None for exc, _ in seen)
        lifecycle.register(-2, lambda exc, at_exit: None)
        assert len(registered) == 1  # hooked once
    finally:
        lifecycle.unregister(-1)
        lifecycle.unregister(-2)
