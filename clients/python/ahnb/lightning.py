"""PyTorch Lightning adapter: ``AhnbLogger``, a ``lightning.pytorch.loggers.Logger``.

::

    trainer = L.Trainer(max_epochs=5, logger=ahnb.lightning.AhnbLogger("logs", "mnist"))

Implements the documented Logger interface (``name``, ``version``,
``experiment``, ``log_hyperparams``, ``log_graph``, ``log_metrics``, ``save``,
``finalize``), on rank zero only. Falls back to the older
``pytorch_lightning`` package when ``lightning`` is not installed.

How Lightning's calls map to the log:

* The header is written as late as possible, so that it can contain both the
  hyperparameters (``log_hyperparams``, from ``save_hyperparameters()``) and
  the model summary (``log_graph``, called right after it): at the first
  ``save``, ``log_metrics`` or use of ``experiment``. Lightning touches
  ``logger.experiment`` during setup, so ``experiment`` is a proxy that only
  starts the run when one of its methods is called
  (``self.logger.experiment.media(...)`` / ``.note(...)`` in a LightningModule).
  Hyperparameters logged after the header are written as a note.
* Metrics: step = the step Lightning passes (its global step); ``epoch``,
  which Lightning adds to every dict, becomes the record's epoch. Training
  and validation metrics of one step arrive in separate calls and are merged
  into one record (:mod:`ahnb.steps`).
* ``finalize("success")`` ends the run as finished (keep it open for
  ``trainer.test()`` metrics with ``finish_on_train_end=False``; they become
  the end record's metrics). ``finalize("failed")``: Lightning calls it from
  inside its ``except`` block, so the exception is still in ``sys.exc_info()``
  and its message is recorded (KeyboardInterrupt: ``killed``).
* ``save_dir`` stays None so that Lightning does not put checkpoints in the
  log folder.
"""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Union

from .adapter import RunOwner
from .naming import default_run_name, slugify
from .records import json_safe
from .run import PathLike, Run
from .torchmodel import model_summary

try:
    import lightning.pytorch as _pl
except ImportError:  # pragma: no cover - exercised only where the old package is installed
    try:
        import pytorch_lightning as _pl  # type: ignore[no-redef]
    except ImportError:
        raise ImportError("ahnb.lightning needs PyTorch Lightning: pip install lightning") from None

_Logger: Any = _pl.loggers.Logger
rank_zero_only: Callable[..., Any] = _pl.utilities.rank_zero_only


def _trainer_plan(module: Any) -> Dict[str, Any]:
    """The planned length from the module's trainer: ``max_epochs`` and ``max_steps`` (-1 or
    None when not set); empty when the module is not attached to a trainer."""
    try:
        trainer = module.trainer  # LightningModule raises when no trainer is attached
    except Exception:  # noqa: BLE001
        return {}
    if trainer is None:
        return {}
    plan = {}
    for key, attr in (("epochs", "max_epochs"), ("steps", "max_steps")):
        value = getattr(trainer, attr, None)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            plan[key] = value
    return plan


def _identity(fn: Callable[..., Any]) -> Callable[..., Any]:
    return fn


try:
    from lightning.fabric.loggers.logger import rank_zero_experiment
except ImportError:  # pragma: no cover
    rank_zero_experiment = getattr(getattr(_pl.loggers, "logger", None), "rank_zero_experiment", _identity)


class _LazyRun:
    """What ``logger.experiment`` returns: the Run, started on first real use."""

    def __init__(self, owner: "AhnbLogger") -> None:
        self._owner = owner

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._owner._ensure_run(), attr)


class AhnbLogger(RunOwner, _Logger):  # type: ignore[misc, valid-type]
    """Log a Lightning ``Trainer`` to an ahnb run (see the module docstring)."""

    def __init__(
        self,
        logdir: PathLike,
        project: str,
        name: Optional[str] = None,
        params: Optional[Mapping[str, Any]] = None,
        tags: Optional[Iterable[str]] = None,
        notes: Optional[str] = None,
        group: Optional[str] = None,
        seed: Optional[int] = None,
        *,
        primary_metric: Optional[str] = None,
        record_host: bool = False,
        finish_on_train_end: bool = True,
    ) -> None:
        _Logger.__init__(self)
        self._init_owner(
            logdir, project, name, params, tags, notes, group, seed, primary_metric, record_host, finish_on_train_end
        )
        # Fixed now: Lightning shows the version (last 4 characters) in the progress bar before the run starts.
        if self.run_name is None:
            self.run_name = default_run_name(self.logdir / slugify(self.project, "project"), self.user_params, seed)
        self._staged_params: Dict[str, Any] = {}
        self._staged_model: Optional[Dict[str, Any]] = None
        self._staged_planned: Dict[str, Any] = {}

    # ------------------------------------------------------ Logger properties

    @property
    def name(self) -> str:
        return self.project

    @property
    def version(self) -> str:
        # The recorded name can gain a "-2" suffix if the file already existed.
        return self.run.name if self.run is not None else str(self.run_name)

    @property
    @rank_zero_experiment
    def experiment(self) -> Any:
        return _LazyRun(self)

    # -------------------------------------------------------------- the run

    def _ensure_run(self) -> Run:
        if self.run is None:
            self._start_run(self._staged_params, model=self._staged_model, planned=self._staged_planned)
        assert self.run is not None
        return self.run

    # --------------------------------------------------------- Logger methods

    @rank_zero_only
    def log_hyperparams(self, params: Union[Mapping[str, Any], Namespace], *args: Any, **kwargs: Any) -> None:
        values = vars(params) if isinstance(params, Namespace) else dict(params or {})
        values = json_safe(values)
        if self.run is None:
            self._staged_params.update(values)
        elif not self.run.finished and values:
            # The header is written; keep late hyperparameters visible rather than lose them.
            text = json.dumps(values, indent=2)
            self.run.note(f"Hyperparameters logged after the start:\n\n```json\n{text}\n```")

    @rank_zero_only
    def log_graph(self, model: Any, input_array: Any = None) -> None:
        if self.run is None:
            try:
                self._staged_model = model_summary(model)
            except Exception:  # noqa: BLE001 - a summary is a nicety, never a reason to fail
                self._staged_model = None
            self._staged_planned = _trainer_plan(model)

    @rank_zero_only
    def log_metrics(self, metrics: Mapping[str, Any], step: Optional[int] = None) -> None:
        values = dict(metrics)
        epoch = values.pop("epoch", None)
        if self.run is not None and not self._training:
            # After finalize("success"): trainer.test()/validate() results.
            self._after_training(values)
            return
        run = self._ensure_run()
        if step is None:
            # Lightning always passes a step; direct calls without one continue the run.
            if self._merger.step is not None:
                step = self._merger.step
            else:
                step = 0 if run.step is None else run.step + 1
        self._stage(int(step), values, epoch=epoch)

    @rank_zero_only
    def save(self) -> None:
        # Lightning calls save() after every log_metrics call (and after
        # log_graph at fit start). Write the header, but keep the staged step:
        # validation metrics for the same step may still come.
        self._ensure_run()

    @rank_zero_only
    def finalize(self, status: str) -> None:
        if self.run is None:
            if status != "success":
                return  # failed before anything was logged: no run to mark
            self._ensure_run()
        if status == "success":
            self._train_ended()
            return
        exc = sys.exc_info()[1]
        if exc is not None:
            self.fail(exc)
        else:
            self.finish("failed", error=f"Lightning finalized the run with status {status!r}")
