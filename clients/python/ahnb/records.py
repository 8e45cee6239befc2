"""Building and writing the records of the ahnb log format (version 1).

This module knows the wire format and nothing about training: it turns Python
values into JSON-safe ones, builds the five record kinds (header, metrics,
media, note, end) and appends them, one flushed line each, to a log file.

The format is JSON Lines. Non-finite floats are written the way Python's
``json`` module writes them by default (bare ``NaN``, ``Infinity``,
``-Infinity``): ahnb reads those tokens, and a diverging run must keep its NaN
epochs rather than lose them.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
import json
import math
import os
import threading
import time as _time
from pathlib import PurePath
from typing import IO, Any, Dict, Iterable, Mapping, Optional, Union

FORMAT_VERSION = 1

Number = Union[int, float]
JSONValue = Any  # what json.dumps accepts (with allow_nan=True)

# Nested params deeper than this are cut off (shown as a string) so that a
# self-referencing object cannot recurse forever.
_MAX_DEPTH = 32


# --------------------------------------------------------------------------- time


def rfc3339(ts: Optional[float] = None) -> str:
    """Format Unix seconds as an RFC 3339 UTC timestamp with whole seconds."""
    if ts is None:
        ts = _time.time()
    moment = _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------- coercion


def coerce_metric(value: Any) -> Optional[float]:
    """Turn a metric value into a float (or None), the way ``float()`` does.

    numpy/jax/torch scalars and one-element arrays all support ``float()``;
    their own types are not JSON-serializable (numpy float32 is the classic
    case), so everything is converted. ``None`` stays ``None`` (the format
    shows it as a gap). Strings are refused even though ``float("0.5")``
    would work: a string in a metrics dict is almost always a mistake.
    """
    if value is None:
        return None
    if isinstance(value, (str, bytes, bytearray)):
        raise TypeError(f"metric value {value!r} is a string, not a number")
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        # numpy >= 2.x refuses float() of a one-element 1-d array; .item() still works.
        item = getattr(value, "item", None)
        if item is not None and getattr(value, "size", None) == 1:
            return float(item())
        raise TypeError(
            f"metric value {value!r} of type {type(value).__name__} cannot be converted with float()"
        ) from exc


def coerce_metrics(metrics: Mapping[Any, Any], strict: bool = True) -> Dict[str, Optional[float]]:
    """Coerce a flat mapping of metrics; with ``strict=False`` drop values that are not numbers.

    Adapters use ``strict=False`` because framework log dicts sometimes carry
    non-numeric entries, and a logging client must never crash training.
    """
    out: Dict[str, Optional[float]] = {}
    for key, value in metrics.items():
        try:
            out[str(key)] = coerce_metric(value)
        except TypeError:
            if strict:
                raise
    return out


def coerce_int(value: Any, what: str) -> int:
    """An integer from int-like values (numpy ints, integral floats); refuse fractions."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, got a bool")
    try:
        as_int = int(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be an integer, got {value!r}") from exc
    try:
        exact = float(value) == float(as_int)
    except (TypeError, ValueError, OverflowError):
        exact = True
    if not exact:
        raise ValueError(f"{what} must be an integer, got {value!r}")
    return as_int


def json_safe(value: Any, _depth: int = 0) -> JSONValue:
    """Convert params and other free-form values into something ``json.dumps`` accepts.

    Handles what training scripts typically put into hyperparameters: numpy
    scalars and arrays (and anything else with ``.item()``/``.tolist()``),
    tuples and sets, paths, enums, dataclasses, datetimes, argparse
    Namespaces, classes and functions (by qualified name). Anything else is
    written as ``str(value)`` rather than failing.
    """
    if _depth > _MAX_DEPTH:
        return str(value)
    nxt = _depth + 1
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return int(value)  # also normalises int subclasses such as IntEnum members
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v, nxt) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v, nxt) for v in value]
    if isinstance(value, (set, frozenset)):
        items = [json_safe(v, nxt) for v in value]
        try:
            return sorted(items)  # sets have no order; sort for a stable file
        except TypeError:
            return items
    if isinstance(value, enum.Enum):
        return json_safe(value.value, nxt)
    if isinstance(value, (PurePath, os.PathLike)):
        return os.fspath(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", errors="replace")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json_safe(dataclasses.asdict(value), nxt)
    if isinstance(value, type) or callable(value) and hasattr(value, "__qualname__"):
        module = getattr(value, "__module__", None)
        qual = getattr(value, "__qualname__", repr(value))
        return f"{module}.{qual}" if module and module != "builtins" else qual
    # numpy / jax / torch: 0-d values have .item(), arrays have .tolist().
    shape = getattr(value, "shape", None)
    if shape == () and hasattr(value, "item"):
        try:
            return json_safe(value.item(), nxt)
        except Exception:  # noqa: BLE001 - fall through to the generic cases
            pass
    if hasattr(value, "tolist"):
        try:
            return json_safe(value.tolist(), nxt)
        except Exception:  # noqa: BLE001
            pass
    if hasattr(value, "item"):
        try:
            return json_safe(value.item(), nxt)
        except Exception:  # noqa: BLE001
            pass
    if hasattr(value, "__dict__") and type(value).__name__ == "Namespace":
        return json_safe(vars(value), nxt)  # argparse.Namespace
    return str(value)


def dumps(record: Mapping[str, Any]) -> str:
    """One record as one line of JSON (no trailing newline).

    ``allow_nan=True`` writes NaN/Infinity as bare tokens (Python's default,
    which ahnb accepts). ``ensure_ascii=False`` keeps names readable; the file
    is UTF-8.
    """
    return json.dumps(record, allow_nan=True, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------------- records


def _drop_none(record: Dict[str, Any], keep: Iterable[str] = ()) -> Dict[str, Any]:
    """Optional fields are left out rather than written as null (smaller, clearer lines)."""
    keep = set(keep)
    return {k: v for k, v in record.items() if v is not None or k in keep}


def header_record(
    project: Optional[str],
    run: Optional[str],
    start: Optional[str] = None,
    params: Optional[Mapping[str, Any]] = None,
    model: Optional[Mapping[str, Any]] = None,
    env: Optional[Mapping[str, Any]] = None,
    tags: Optional[Iterable[str]] = None,
    seed: Any = None,
    group: Optional[str] = None,
    notes: Optional[str] = None,
    primary_metric: Optional[str] = None,
    planned: Optional[Mapping[str, Any]] = None,
) -> Dict[str, Any]:
    # The planned length ({"epochs": 30} and/or {"steps": 12000}): positive whole numbers only.
    plan = {k: int(v) for k, v in (planned or {}).items() if k in ("epochs", "steps") and _positive_whole(v)}
    return _drop_none(
        {
            "type": "header",
            "format_version": FORMAT_VERSION,
            "project": project,
            "run": run,
            "start": start if start is not None else rfc3339(),
            "params": json_safe(dict(params)) if params is not None else None,
            "model": json_safe(dict(model)) if model is not None else None,
            "env": json_safe(dict(env)) if env is not None else None,
            "tags": [str(t) for t in tags] if tags is not None else None,
            "seed": coerce_int(seed, "seed") if seed is not None else None,
            "group": str(group) if group is not None else None,
            "notes": str(notes) if notes is not None else None,
            "primary_metric": str(primary_metric) if primary_metric is not None else None,
            "planned": plan or None,
        }
    )


def _positive_whole(value: Any) -> bool:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, bool) and math.isfinite(number) and number >= 1 and number == int(number)


def metrics_record(
    step: int,
    metrics: Mapping[str, Optional[float]],
    epoch: Optional[Number] = None,
    time: Optional[float] = None,
) -> Dict[str, Any]:
    if epoch is not None:
        epoch = coerce_metric(epoch)
        # Whole epochs are written as integers: "epoch":3 rather than 3.0.
        if epoch is not None and math.isfinite(epoch) and epoch == int(epoch):
            epoch = int(epoch)
    return _drop_none(
        {
            "type": "metrics",
            "step": step,
            "epoch": epoch,
            "time": time if time is not None else _time.time(),
            "metrics": dict(metrics),
        }
    )


def media_record(
    step: int,
    name: str,
    kind: str,
    path: Optional[str] = None,
    content: Optional[str] = None,
    title: Optional[str] = None,
    description: Optional[str] = None,
) -> Dict[str, Any]:
    return _drop_none(
        {
            "type": "media",
            "step": step,
            "name": name,
            "kind": kind,
            "path": path,
            "content": content,
            "title": title,
            "description": description,
        }
    )


def note_record(step: int, text: str) -> Dict[str, Any]:
    return {"type": "note", "step": step, "text": str(text)}


END_STATUSES = ("finished", "failed", "killed")


def end_record(
    status: str,
    metrics: Optional[Mapping[str, Optional[float]]] = None,
    error: Optional[str] = None,
    time: Optional[str] = None,
) -> Dict[str, Any]:
    if status not in END_STATUSES:
        raise ValueError(f"status must be one of {END_STATUSES}, got {status!r}")
    return _drop_none(
        {
            "type": "end",
            "status": status,
            "time": time if time is not None else rfc3339(),
            "metrics": dict(metrics) if metrics else None,
            # error is written as null for a finished run, as in the format's example.
            "error": error,
        },
        keep=("error",),
    )


# ----------------------------------------------------------------------- writer


class LineWriter:
    """Append records to a log file, one line each, flushed as soon as written.

    Each record is written with a single ``write`` call followed by
    ``flush()``, so a crash loses at most the line being written. The file is
    flushed to the OS, not fsync'ed: that protects against the process dying,
    which is the common failure, without a disk sync per metric line.
    A lock makes concurrent writers (e.g. Keras' async callback dispatch)
    produce whole lines.
    """

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def write(self, record: Mapping[str, Any]) -> None:
        line = dumps(record) + "\n"
        with self._lock:
            self._stream.write(line)
            self._stream.flush()

    def close(self) -> None:
        with self._lock:
            if not self._stream.closed:
                self._stream.close()

    @property
    def closed(self) -> bool:
        return self._stream.closed
