"""What the framework adapters (Keras, Lightning, Hugging Face) have in common.

``RunOwner`` is a mixin that owns the adapter's current :class:`~ahnb.Run`:
it starts a run when training starts, stages metrics per step (see
:mod:`ahnb.steps`), and decides how the run ends:

* training ended normally: the end record ``finished`` is written at once
  (``finish_on_train_end=True``, the default). With
  ``finish_on_train_end=False`` the run stays open; metrics the framework
  reports afterwards (``trainer.test()``, ``trainer.evaluate()``) become the
  end record's final metrics, written by ``finish()`` or at interpreter exit;
* training raised: ``failed`` with the exception's message, ``killed`` for
  KeyboardInterrupt. Frameworks without an exception hook are covered by the
  adapter's context manager (``with callback: model.fit(...)``) and, as a
  fallback, by :mod:`ahnb.lifecycle` (interpreter exit, notebook cell errors).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any, Dict, Iterable, Literal, Mapping, Optional

from . import lifecycle
from .naming import default_run_name, slugify
from .run import PathLike, Run, end_for_exception
from .steps import StepMerger

EXITED_DURING_TRAINING = "the process exited while training was still running"


class RunOwner:
    """Mixin: call ``_init_owner`` from ``__init__``; see the module docstring."""

    def _init_owner(
        self,
        logdir: PathLike,
        project: str,
        name: Optional[str],
        params: Optional[Mapping[str, Any]],
        tags: Optional[Iterable[str]],
        notes: Optional[str],
        group: Optional[str],
        seed: Optional[int],
        primary_metric: Optional[str],
        record_host: bool,
        finish_on_train_end: bool,
    ) -> None:
        self.logdir = Path(logdir)
        self.project = str(project)
        self.run_name = name
        self.user_params: Dict[str, Any] = dict(params or {})
        self.tags = list(tags) if tags is not None else None
        self.notes = notes
        self.group = group
        self.seed = seed
        self.primary_metric = primary_metric
        self.record_host = record_host
        self.finish_on_train_end = finish_on_train_end
        #: The run being written (None before training starts).
        self.run: Optional[Run] = None
        self._merger = StepMerger()
        self._training = False
        self._warned_late = False

    # ---------------------------------------------------------------- start

    def _start_run(
        self,
        params: Mapping[str, Any],
        model: Optional[Mapping[str, Any]] = None,
        seed: Optional[int] = None,
        env: Optional[Mapping[str, Any]] = None,
        planned: Optional[Mapping[str, Any]] = None,
    ) -> Run:
        """Open a new run. A previous run of this adapter still open is finished first.

        ``params`` are what the framework knows; the user's ``params`` are
        merged over them (the user said it explicitly) and come first, so the
        default run name is built from them.
        """
        if self.run is not None and not self.run.finished:
            self.finish()
        merged = dict(self.user_params)
        for key, value in params.items():
            merged.setdefault(key, value)
        seed = self.seed if self.seed is not None else seed
        name = self.run_name
        if name is None:
            name = default_run_name(self.logdir / slugify(self.project, "project"), self.user_params, seed)
        run = Run(
            self.logdir,
            self.project,
            name=name,
            params=merged,
            tags=self.tags,
            notes=self.notes,
            group=self.group,
            seed=seed,
            model=model,
            primary_metric=self.primary_metric,
            record_host=self.record_host,
            env=env,
            planned=planned,
        )
        # The adapter knows better than the plain Run whether training was cut short.
        lifecycle.unregister(id(run))
        lifecycle.register(id(self), self._on_exit)
        self.run = run
        self._merger = StepMerger()
        self._training = True
        self._warned_late = False
        return run

    # -------------------------------------------------------------- metrics

    def _stage(self, step: int, metrics: Mapping[str, Any], epoch: Optional[float] = None) -> None:
        if self.run is None or self.run.finished:
            return
        self._merger.add(self.run, step, metrics, epoch)

    def _flush(self) -> None:
        if self.run is not None and not self.run.finished:
            self._merger.flush(self.run)

    def _after_training(self, metrics: Mapping[str, Any]) -> None:
        """Metrics reported once training is over (test/evaluate): final metrics of the run."""
        run = self.run
        if run is not None and not run.finished:
            run.summary.update(metrics)
            return
        if not self._warned_late and metrics:
            self._warned_late = True
            warnings.warn(
                "ahnb: metrics reported after the run ended were not recorded "
                f"({', '.join(sorted(map(str, metrics))[:5])}); pass finish_on_train_end=False "
                "to keep the run open and record them as its final metrics",
                stacklevel=3,
            )

    # ------------------------------------------------------------------ end

    def _train_ended(self) -> None:
        self._flush()
        self._training = False
        if self.finish_on_train_end:
            self.finish()

    def finish(
        self, status: str = "finished", metrics: Optional[Mapping[str, Any]] = None, error: Optional[str] = None
    ) -> None:
        """Write the end record of the current run (idempotent), e.g. with test metrics."""
        self._training = False
        lifecycle.unregister(id(self))
        if self.run is None or self.run.finished:
            return
        self._flush()
        self.run.finish(status, metrics=metrics, error=error)

    def fail(self, exc: BaseException) -> None:
        """Record that training stopped because of ``exc`` (``killed`` for KeyboardInterrupt)."""
        if self.run is None or self.run.finished:
            return
        status, error = end_for_exception(exc)
        if status == "finished" and self._training:
            # sys.exit(0) in the middle of training is still an interrupted run.
            status, error = "killed", "SystemExit during training"
        self.finish(status, error=error)

    def _on_exit(self, exc: Optional[BaseException], at_exit: bool) -> None:
        if self.run is None or self.run.finished:
            return
        if not self._training:
            # Training completed; the run was only kept open for final metrics.
            if at_exit:
                self.finish()
            return
        if exc is not None:
            self.fail(exc)
        elif at_exit:
            self.finish("failed", error=EXITED_DURING_TRAINING)

    def __enter__(self) -> "RunOwner":
        return self

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> "Literal[False]":
        """``with callback: model.fit(...)`` marks the run failed if fit raises."""
        if exc is not None:
            self.fail(exc)
        return False
