"""Merge metrics that a framework reports in several calls for the same step.

Lightning calls ``log_metrics`` once for training metrics and again for
validation metrics at the same global step; Hugging Face's Trainer reports the
training loss and the evaluation results separately at one step; Keras gives
batch logs and epoch logs that can land on the same global batch count. One
metrics record per step is what the format wants (a repeated step is read as
"keep the last value" and warned about), so adapters stage metrics here and a
record is written when a different step arrives or the adapter flushes (at
epoch/train end, on save, before the end record). The price is that a crash
can lose the one step still staged.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional

from .records import coerce_metrics
from .run import Run


class StepMerger:
    def __init__(self) -> None:
        self.step: Optional[int] = None
        self.epoch: Optional[float] = None
        self.metrics: Dict[str, Any] = {}

    @property
    def pending(self) -> bool:
        return self.step is not None

    def add(self, run: Run, step: int, metrics: Mapping[str, Any], epoch: Optional[float] = None) -> None:
        """Stage ``metrics`` for ``step``, writing what was staged for another step first."""
        if self.step is not None and step != self.step:
            self.flush(run)
        self.step = step
        if epoch is not None:
            self.epoch = epoch
        # Later values for a name win: e.g. Keras' epoch-end value over the
        # running average of the epoch's last logged batch.
        self.metrics.update(coerce_metrics(metrics, strict=False))

    def flush(self, run: Run) -> None:
        if self.step is None:
            return
        step, epoch, metrics = self.step, self.epoch, self.metrics
        self.step, self.epoch, self.metrics = None, None, {}
        if metrics and not run.finished:
            run.log_dict(metrics, step=step, epoch=epoch)
