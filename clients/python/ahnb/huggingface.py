"""Hugging Face adapter: ``AhnbCallback``, a ``transformers.TrainerCallback``.

::

    trainer = Trainer(model=model, args=args, ...,
                      callbacks=[ahnb.huggingface.AhnbCallback("logs", "glue-mrpc")])

Uses the documented events (only on the main process,
``state.is_world_process_zero``):

* ``on_train_begin``: the header, with the given params plus the main
  ``TrainingArguments`` (see ``TRAINING_ARGS``; the full set has ~100
  entries, mostly defaults), the seed from ``args.seed``, and the model
  summary (top-level modules and parameter counts) when the model is a torch
  module.
* ``on_log`` / ``on_evaluate``: metrics at step ``state.global_step`` with
  ``epoch`` = ``state.epoch`` (fractional). The training loss and the
  evaluation results of one step arrive in separate calls and are merged into
  one record (:mod:`ahnb.steps`). The totals the Trainer logs once at the end
  (``train_runtime``, ``train_loss``, ``total_flos``, ...) go to the end
  record's metrics instead of the curves.
* ``on_train_end``: the end record ``finished`` (or, with
  ``finish_on_train_end=False``, the run stays open so that a later
  ``trainer.evaluate()`` is recorded as the end record's metrics).

The Trainer calls no callback when training raises; use
``with callback: trainer.train()`` to record the failure with its message,
otherwise it is recorded at interpreter exit (see :mod:`ahnb.lifecycle`).
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional

from .adapter import RunOwner
from .run import PathLike
from .torchmodel import model_summary

try:
    from transformers import TrainerCallback as _TrainerCallback
except ImportError:  # pragma: no cover
    raise ImportError("ahnb.huggingface needs transformers: pip install transformers") from None

# TrainingArguments worth seeing next to each run; the rest are rarely changed.
TRAINING_ARGS = (
    "learning_rate",
    "num_train_epochs",
    "max_steps",
    "per_device_train_batch_size",
    "per_device_eval_batch_size",
    "gradient_accumulation_steps",
    "weight_decay",
    "adam_beta1",
    "adam_beta2",
    "adam_epsilon",
    "max_grad_norm",
    "lr_scheduler_type",
    "warmup_ratio",
    "warmup_steps",
    "optim",
    "label_smoothing_factor",
    "fp16",
    "bf16",
    "seed",
)

# Logged once by Trainer.train() at the end: totals, not curves.
SUMMARY_KEYS = frozenset(
    {
        "train_runtime",
        "train_samples_per_second",
        "train_steps_per_second",
        "train_tokens_per_second",
        "total_flos",
        "train_loss",
    }
)


def training_params(args: Any) -> Dict[str, Any]:
    """The main TrainingArguments as header params (enums as their values)."""
    params: Dict[str, Any] = {}
    for key in TRAINING_ARGS:
        if hasattr(args, key):
            value = getattr(args, key)
            value = getattr(value, "value", value)  # e.g. SchedulerType.LINEAR -> "linear"
            if value is not None:
                params[key] = value
    return params


def _model_summary(model: Any) -> Optional[Dict[str, Any]]:
    if model is None or not hasattr(model, "named_children"):
        return None
    try:
        config = getattr(model, "config", None)
        name = getattr(config, "_name_or_path", None) or None
        return model_summary(model, name=name)
    except Exception:  # noqa: BLE001 - a summary is a nicety, never a reason to fail
        return None


class AhnbCallback(RunOwner, _TrainerCallback):  # type: ignore[misc, valid-type]
    """Log a Hugging Face ``Trainer`` to an ahnb run (see the module docstring)."""

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
        self._init_owner(
            logdir, project, name, params, tags, notes, group, seed, primary_metric, record_host, finish_on_train_end
        )

    def on_train_begin(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        if not getattr(state, "is_world_process_zero", True):
            return
        seed = getattr(args, "seed", None)
        # The Trainer has worked out its total steps (state.max_steps) before this call.
        planned = {"steps": getattr(state, "max_steps", None), "epochs": getattr(args, "num_train_epochs", None)}
        self._start_run(training_params(args), model=_model_summary(model), seed=seed, planned=planned)

    def on_log(
        self, args: Any, state: Any, control: Any, logs: Optional[Mapping[str, Any]] = None, **kwargs: Any
    ) -> None:
        if not getattr(state, "is_world_process_zero", True):
            return
        self._record(state, logs or {})

    def on_evaluate(
        self, args: Any, state: Any, control: Any, metrics: Optional[Mapping[str, Any]] = None, **kwargs: Any
    ) -> None:
        if not getattr(state, "is_world_process_zero", True):
            return
        # The Trainer already passed these to on_log; merging makes it harmless.
        self._record(state, metrics or {})

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not getattr(state, "is_world_process_zero", True):
            return
        self._train_ended()

    def _record(self, state: Any, logs: Mapping[str, Any]) -> None:
        values = dict(logs)
        epoch = values.pop("epoch", None)
        if epoch is None:
            epoch = getattr(state, "epoch", None)
        summary = {k: values.pop(k) for k in list(values) if k in SUMMARY_KEYS}
        if self.run is None:
            return  # evaluate() without train(): no run to attach to
        if not self._training:
            self._after_training({**values, **summary})
            return
        if summary:
            self.run.summary.update(summary)
        if values:
            self._stage(int(getattr(state, "global_step", 0) or 0), values, epoch=epoch)
