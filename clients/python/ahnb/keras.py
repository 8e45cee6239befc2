"""Keras adapter: ``AhnbCallback`` for ``model.fit`` (Keras 3 with any backend; tf.keras).

One line in the training script::

    model.fit(x, y, epochs=10, validation_split=0.1,
              callbacks=[ahnb.keras.AhnbCallback("logs", "digits", params={"units": 64})])

What is written:

* on train begin, the header: the given params plus what Keras knows
  (``epochs``, ``batch_size`` when known, ``steps_per_epoch``,
  ``optimizer`` = ``{"class": ..., **optimizer.get_config()}``,
  ``learning_rate``, ``loss``) and the model summary (each layer's name,
  class, output shape, parameter count; total/trainable/non-trainable);
* on each epoch end, the epoch's logs (training and ``val_`` metrics) plus
  ``learning_rate``. **Step**: the epoch index (0-based, as Keras numbers
  epochs) by default; with ``log_every_n_batches=N`` every record, batch or
  epoch, uses the global batch count instead (number of batches trained so
  far), so the x axis of one run never mixes units. ``epoch`` is always
  Keras' 0-based epoch index;
* on train end, the end record ``finished``.

Failures: Keras calls no callback when ``fit`` raises, so the callback cannot
see the exception itself. Three layers cover it, most precise first:
``ahnb.keras.fit(model, ..., callback=cb)`` (or ``with cb: model.fit(...)``)
catches the exception and writes ``failed`` with its message (``killed`` for
Ctrl-C) before re-raising; without them, the run is ended at interpreter exit
with the uncaught exception that killed the program, or after a notebook cell
that raised (see :mod:`ahnb.lifecycle`).
"""

from __future__ import annotations

import math
import struct
import warnings
from typing import Any, Dict, Iterable, List, Mapping, Optional

from .adapter import RunOwner
from .records import coerce_metrics, json_safe
from .run import PathLike

try:
    import keras as _keras
except ImportError:  # pragma: no cover - TensorFlow without the standalone keras package
    try:
        from tensorflow import keras as _keras  # type: ignore[no-redef]
    except ImportError:
        raise ImportError("ahnb.keras needs Keras: pip install keras (or tensorflow)") from None

_Callback: Any = _keras.callbacks.Callback


# --------------------------------------------------------------------- helpers


def to_float(value: Any) -> Optional[float]:
    """A float from a Python/numpy/backend scalar or variable; None when impossible."""
    if value is None:
        return None
    try:
        return float(value)  # Python/numpy scalars, Keras 3 variables, jax/torch scalars
    except Exception:  # noqa: BLE001 - other backend types: try the slower routes
        pass
    try:
        return float(_keras.ops.convert_to_numpy(value))
    except Exception:  # noqa: BLE001 - Keras 2 has no keras.ops
        pass
    try:
        return float(value.numpy())
    except Exception:  # noqa: BLE001
        return None


def tidy_float32(value: Any) -> Any:
    """The shortest decimal that is still the same float32: 0.0010000000474974513 -> 0.001.

    Keras computes in float32, so its metrics and learning rates arrive as
    doubles carrying float32 noise. Only values exactly representable in
    float32 are touched, and the result converts back to the same float32,
    so no information Keras had is lost.
    """
    if not isinstance(value, float) or not math.isfinite(value):
        return value
    try:
        if struct.unpack("f", struct.pack("f", value))[0] != value:
            return value  # a genuine double (e.g. jax with x64 enabled): keep it
        for digits in range(1, 10):
            candidate = float(f"{value:.{digits}g}")
            if struct.unpack("f", struct.pack("f", candidate))[0] == value:
                return candidate
    except (OverflowError, struct.error):
        pass
    return value


def _tidy_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _tidy_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy_tree(v) for v in value]
    return tidy_float32(value)


def learning_rate(optimizer: Any) -> Optional[float]:
    """The optimizer's current learning rate, schedules evaluated at the current iteration."""
    if optimizer is None:
        return None
    lr = getattr(optimizer, "learning_rate", None)
    if lr is None:
        lr = getattr(optimizer, "lr", None)  # Keras 2 spelling
    # Keras 3 already evaluates a schedule in the property; Keras 2 returns the schedule.
    if callable(lr) and not hasattr(lr, "shape") and hasattr(optimizer, "iterations"):
        try:
            lr = lr(optimizer.iterations)
        except Exception:  # noqa: BLE001
            return None
    return tidy_float32(to_float(lr))


def _n_params(weights: Iterable[Any]) -> int:
    return sum(math.prod(int(d) for d in w.shape) for w in weights)


def _output_shape(layer: Any) -> Any:
    """Output shape as JSON (list with nulls), or None when Keras cannot tell (subclassed models)."""
    try:
        shape = layer.output_shape  # Keras 2
    except Exception:  # noqa: BLE001
        shape = None
    if shape is None:
        try:
            shape = layer.output.shape  # Keras 3: layers in a Sequential/functional graph
        except Exception:  # noqa: BLE001
            return None
    try:
        return json_safe(tuple(shape) if not isinstance(shape, list) else shape)
    except Exception:  # noqa: BLE001
        return str(shape)


def model_summary(model: Any) -> Dict[str, Any]:
    """The header's ``model`` object for a Keras model (the numbers of ``model.summary()``)."""
    layers: List[Dict[str, Any]] = []
    for layer in getattr(model, "layers", []):
        entry: Dict[str, Any] = {"name": layer.name, "type": type(layer).__name__}
        shape = _output_shape(layer)
        if shape is not None:
            entry["output_shape"] = shape
        entry["params"] = _n_params(layer.weights)
        entry["trainable"] = bool(layer.trainable)
        layers.append(entry)
    trainable = _n_params(model.trainable_weights)
    non_trainable = _n_params(model.non_trainable_weights)
    return {
        "name": model.name,
        "layers": layers,
        "total_params": trainable + non_trainable,
        "trainable_params": trainable,
        "non_trainable_params": non_trainable,
    }


def _loss_name(loss: Any) -> Any:
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, Mapping):
        return {str(k): _loss_name(v) for k, v in loss.items()}
    if isinstance(loss, (list, tuple)):
        return [_loss_name(v) for v in loss]
    # Loss instances have .name; plain functions have __name__.
    return getattr(loss, "name", None) or getattr(loss, "__name__", None) or type(loss).__name__


def optimizer_config(optimizer: Any) -> Dict[str, Any]:
    """``{"class": "Adam", **get_config()}`` without the None entries (clip/EMA options left unset)."""
    config: Dict[str, Any] = {"class": type(optimizer).__name__}
    try:
        with warnings.catch_warnings():
            # Keras 3 + numpy 2 warn inside get_config() (a Variable's __array__);
            # the user did not call it, so do not show them that noise.
            warnings.simplefilter("ignore", DeprecationWarning)
            raw = json_safe(optimizer.get_config())
    except Exception:  # noqa: BLE001
        raw = {}
    if isinstance(raw, dict):
        config.update({k: _tidy_tree(v) for k, v in raw.items() if v is not None})
    return config


def fit_params(model: Any, keras_params: Mapping[str, Any], batch_size: Optional[int] = None) -> Dict[str, Any]:
    """What Keras knows about the training configuration, as header params."""
    params: Dict[str, Any] = {}
    if keras_params.get("epochs") is not None:
        params["epochs"] = keras_params["epochs"]
    batch_size = keras_params.get("batch_size") or batch_size  # Keras 3 does not pass it to callbacks
    if batch_size:
        params["batch_size"] = batch_size
    if keras_params.get("steps"):
        params["steps_per_epoch"] = keras_params["steps"]
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        params["optimizer"] = optimizer_config(optimizer)
        lr = learning_rate(optimizer)
        if lr is not None:
            params["learning_rate"] = lr
    loss = _loss_name(getattr(model, "loss", None))
    if loss is not None:
        params["loss"] = loss
    return params


# -------------------------------------------------------------------- callback


class AhnbCallback(RunOwner, _Callback):  # type: ignore[misc, valid-type]
    """Log a Keras ``fit`` to an ahnb run (see the module docstring for what and when).

    Each ``fit`` call starts a new run (a run ends with ``fit``); reusing the
    callback for a second ``fit`` gives a second file (``-2`` suffix when the
    name is fixed). ``finish_on_train_end=False`` keeps the run open after
    ``fit`` so that ``cb.finish(metrics=model.evaluate(..., return_dict=True))``
    can record test metrics in the end record.
    """

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
        log_every_n_batches: Optional[int] = None,
        primary_metric: Optional[str] = None,
        record_host: bool = False,
        finish_on_train_end: bool = True,
    ) -> None:
        _Callback.__init__(self)
        self._init_owner(
            logdir, project, name, params, tags, notes, group, seed, primary_metric, record_host, finish_on_train_end
        )
        if log_every_n_batches is not None and int(log_every_n_batches) < 1:
            raise ValueError("log_every_n_batches must be a positive integer or None")
        self.log_every_n_batches = int(log_every_n_batches) if log_every_n_batches else None
        #: Set by ahnb.keras.fit from its batch_size argument (Keras 3 does not tell callbacks).
        self.fit_batch_size: Optional[int] = None
        if self.log_every_n_batches is None:
            # Keras 3 dispatches batch callbacks asynchronously only if no
            # callback overrides on_train_batch_end; keep that speed-up when
            # batch logging is off by exposing the base class's no-op.
            self.on_train_batch_end = _Callback.on_train_batch_end.__get__(self)  # type: ignore[method-assign]
        self._epoch = 0
        self._batches_before_epoch = 0
        self._global_batches = 0
        self._last_logged_batch = 0

    def on_train_begin(self, logs: Optional[Mapping[str, Any]] = None) -> None:
        model = self.model
        try:
            summary: Optional[Dict[str, Any]] = model_summary(model)
        except Exception:  # noqa: BLE001 - an unbuilt or exotic model: log without a summary
            summary = None
        params = fit_params(model, getattr(self, "params", None) or {}, self.fit_batch_size)
        # fit's `epochs` is the plan: a run stopped at epoch 2 shows "epoch 2 of 30".
        planned = {"epochs": (getattr(self, "params", None) or {}).get("epochs")}
        self._start_run(params, model=summary, planned=planned)
        self._epoch = 0
        self._batches_before_epoch = self._global_batches = self._last_logged_batch = 0

    def on_epoch_begin(self, epoch: int, logs: Optional[Mapping[str, Any]] = None) -> None:
        self._epoch = int(epoch)
        self._batches_before_epoch = self._global_batches

    def on_train_batch_end(self, batch: int, logs: Optional[Mapping[str, Any]] = None) -> None:
        n = self.log_every_n_batches
        if n is None:
            return
        # batch is the index within the epoch (the last one of a group with steps_per_execution > 1).
        self._global_batches = self._batches_before_epoch + int(batch) + 1
        if self._global_batches // n > self._last_logged_batch // n:
            self._last_logged_batch = self._global_batches
            self._stage(self._global_batches, self._with_lr(logs), epoch=self._epoch)

    def on_epoch_end(self, epoch: int, logs: Optional[Mapping[str, Any]] = None) -> None:
        step = self._global_batches if self.log_every_n_batches else int(epoch)
        self._stage(step, self._with_lr(logs), epoch=int(epoch))
        self._flush()

    def on_train_end(self, logs: Optional[Mapping[str, Any]] = None) -> None:
        self._train_ended()

    def _with_lr(self, logs: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
        metrics: Dict[str, Any] = {k: tidy_float32(v) for k, v in coerce_metrics(logs or {}, strict=False).items()}
        # LR schedulers (ReduceLROnPlateau, LearningRateScheduler) already put it in the logs.
        if "learning_rate" not in metrics and "lr" not in metrics:
            lr = learning_rate(getattr(self.model, "optimizer", None))
            if lr is not None:
                metrics["learning_rate"] = lr
        return metrics


def fit(model: Any, *args: Any, callback: AhnbCallback, **kwargs: Any) -> Any:
    """``model.fit(*args, **kwargs)`` with ``callback`` added, recording a raised exception.

    If ``fit`` raises, the run is ended as ``failed`` with the exception's
    message (``killed`` for KeyboardInterrupt) and the exception is re-raised.
    Also records ``batch_size`` in the header, which Keras 3 does not pass to
    callbacks (when omitted for array inputs, Keras' default of 32 is recorded).
    """
    callbacks = list(kwargs.pop("callbacks", None) or [])
    if callback not in callbacks:
        callbacks.append(callback)
    batch_size = kwargs.get("batch_size")
    x = args[0] if args else kwargs.get("x")
    if batch_size is None and hasattr(x, "shape") and hasattr(x, "__len__"):
        batch_size = 32  # Keras' documented default for array-like inputs
    callback.fit_batch_size = batch_size
    with callback:
        return model.fit(*args, callbacks=callbacks, **kwargs)


__all__ = ["AhnbCallback", "fit", "model_summary", "fit_params", "learning_rate"]
