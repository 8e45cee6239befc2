"""``ahnb.Run``: one training run, written as one JSON-lines log file.

A Run writes its header when it is created, then metrics/media/note records
as the program calls ``log``/``media``/``note``, and an end record when it is
finished (explicitly, by leaving a ``with`` block, or at interpreter exit).
Every record is one flushed line, so a crash loses at most the line being
written and a half-written run is still readable (shown as incomplete).
"""

from __future__ import annotations

import io
import os
import shutil
import threading
import warnings
from pathlib import Path
from typing import Any, Dict, Iterable, Literal, Mapping, Optional, Tuple, Union

from . import lifecycle
from .env import capture_env
from .naming import create_unique_log, default_run_name, slugify
from .sender import Api, HttpWriter, server_settings
from .records import (
    END_STATUSES,
    LineWriter,
    coerce_int,
    coerce_metric,
    coerce_metrics,
    end_record,
    header_record,
    media_record,
    metrics_record,
    note_record,
)

PathLike = Union[str, "os.PathLike[str]"]

#: Where a run sent to a server keeps its spool, inside logdir (hidden: ahnb does not read it).
SPOOL_FOLDER = ".ahnb-spool"

MEDIA_KINDS = ("image", "gif", "svg", "html", "text")

_KIND_BY_SUFFIX = {
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
    ".webp": "image",
    ".gif": "gif",
    ".svg": "svg",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".md": "text",
    ".log": "text",
    ".csv": "text",
}
_SUFFIX_BY_KIND = {"image": ".png", "gif": ".gif", "svg": ".svg", "html": ".html", "text": ".txt"}


def describe_exception(exc: BaseException) -> str:
    """``"ValueError: bad shape"``; just the type name when the message is empty."""
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def end_for_exception(exc: Optional[BaseException]) -> Tuple[str, Optional[str]]:
    """The (status, error) an end record gets for the exception that stopped a run."""
    if exc is None:
        return "finished", None
    if isinstance(exc, KeyboardInterrupt):
        return "killed", describe_exception(exc)
    if isinstance(exc, SystemExit) and exc.code in (None, 0):
        return "finished", None
    return "failed", describe_exception(exc)


def _sniff(data: bytes) -> Tuple[Optional[str], Optional[str]]:
    """(kind, suffix) recognised from the first bytes of a media file."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image", ".jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image", ".webp"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif", ".gif"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "svg", ".svg"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html", ".html"
    return None, None


def _render(obj: Any) -> Optional[bytes]:
    """PNG bytes from a matplotlib figure or a PIL image (duck-typed: neither is imported)."""
    buf = io.BytesIO()
    if hasattr(obj, "savefig"):
        obj.savefig(buf, format="png")
        return buf.getvalue()
    if hasattr(obj, "save") and hasattr(obj, "mode") and hasattr(obj, "size"):
        obj.save(buf, format="PNG")
        return buf.getvalue()
    return None


class Run:
    """One training run logged to ``<logdir>/<project-slug>/<run-slug>.jsonl``.

    Use it as a context manager, or call :meth:`finish` yourself::

        with ahnb.Run("logs", "mnist", params={"lr": 0.01}, seed=1) as run:
            for epoch in range(10):
                run.log(step=epoch, loss=..., val_accuracy=...)

    Leaving the block normally writes ``status: finished``; an exception writes
    ``failed`` with its message (``killed`` for KeyboardInterrupt) and is
    re-raised. A run never finished by the program is ended at interpreter
    exit (``failed`` if the program died of an exception, else ``finished``).

    ``name`` defaults to a readable unique name (see :mod:`ahnb.naming`); if the
    file for ``name`` exists, ``-2``, ``-3``... is appended to both the file
    and the recorded run name. ``model`` is the header's model summary
    (``{"name", "layers": [...], "total_params", ...}``), ``env`` extra keys
    merged into the captured environment, ``record_host`` records the host
    name (off by default for privacy).

    ``url`` (or the AHNB_URL environment variable) sends the run to ``ahnb serve --ingest``
    instead of writing the log here, with ``token`` (or AHNB_TOKEN): each record is spooled to
    ``<logdir>/.ahnb-spool/<project>/<run>.jsonl`` and sent by a background thread that batches,
    retries, resumes from the server's offset and catches up after the server was down, so a
    step never waits for the network (see :mod:`ahnb.sender`). :meth:`finish` waits up to 30 s
    for the rest to be sent; what the server never acknowledged stays in the spool, a valid log.
    Media files stay in the local media folder (they are not sent).
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
        model: Optional[Mapping[str, Any]] = None,
        primary_metric: Optional[str] = None,
        record_host: bool = False,
        env: Optional[Mapping[str, Any]] = None,
        planned: Optional[Mapping[str, Any]] = None,
        url: Optional[str] = None,
        token: Optional[str] = None,
    ) -> None:
        self.project = str(project)
        project_slug = slugify(self.project, fallback="project")
        self.dir = Path(logdir) / project_slug
        if name is None:
            name = default_run_name(self.dir, params, seed)
        #: The ahnb server the run is sent to (``url=`` or AHNB_URL), or None for a local log.
        self.url, token = server_settings(url, token)
        self._writer: Union[LineWriter, HttpWriter]
        if self.url is None:
            self.path, self.name, stream = create_unique_log(self.dir, str(name))
            self._writer = LineWriter(stream)
        else:
            # The spool is a hidden folder of logdir, so a server reading the same logdir never
            # shows a run twice; the log itself is written by the server.
            spool_dir = Path(logdir) / SPOOL_FOLDER / project_slug
            self.path, self.name, stream = create_unique_log(spool_dir, str(name))
            api = Api(self.url, token, project_slug, self.path.stem)
            self._writer = HttpWriter(stream, self.path, api)
        self._lock = threading.RLock()
        self._last_step: Optional[int] = None
        self._warned_repeat = False
        self.status: Optional[str] = None  # set once the end record is written
        #: Final metrics for the end record; finish(metrics=...) adds to it.
        self.summary: Dict[str, Any] = {}

        captured = capture_env(record_host=record_host)
        if env:
            captured.update(env)
        self._writer.write(
            header_record(
                project=self.project,
                run=self.name,
                params=params,
                model=model,
                env=captured,
                tags=tags,
                seed=seed,
                group=group,
                notes=notes,
                primary_metric=primary_metric,
                planned=planned,
            )
        )
        lifecycle.register(id(self), self._on_exit)

    # ------------------------------------------------------------------ state

    @property
    def finished(self) -> bool:
        return self.status is not None

    @property
    def pending(self) -> int:
        """Bytes not yet acknowledged by the server (0 for a local log)."""
        return self._writer.pending if isinstance(self._writer, HttpWriter) else 0

    @property
    def step(self) -> Optional[int]:
        """The last step written (None before the first metrics record)."""
        return self._last_step

    @property
    def media_dir(self) -> Path:
        """Where media files of this run are stored (created on first use)."""
        return self.dir / "media" / self.path.stem

    def _check_open(self) -> None:
        if self.finished:
            raise RuntimeError(f"ahnb run {self.name!r} is already finished ({self.status})")

    def _current_step(self, step: Any) -> int:
        """Media and notes belong to the given step, else the last metrics step (0 before any)."""
        if step is not None:
            return coerce_int(step, "step")
        return self._last_step if self._last_step is not None else 0

    # ---------------------------------------------------------------- records

    def log(self, step: Optional[int] = None, epoch: Optional[float] = None, **metrics: Any) -> int:
        """Write one metrics record and return its step.

        ``step`` defaults to the previous step + 1 (0 first). Values go through
        ``float()``; NaN and infinities are written as bare tokens, None as
        null. Names that are not Python identifiers work through unpacking:
        ``run.log(step=3, **{"eval/accuracy": 0.91})`` (or use :meth:`log_dict`).
        Log all metrics of one step in one call: a repeated step is read back
        as "keep the last value" with a warning.
        """
        return self.log_dict(metrics, step=step, epoch=epoch)

    def log_dict(
        self,
        metrics: Mapping[str, Any],
        step: Optional[int] = None,
        epoch: Optional[float] = None,
        *,
        strict: bool = True,
    ) -> int:
        """:meth:`log` with the metrics as a mapping; ``strict=False`` drops non-numeric values."""
        values = coerce_metrics(metrics, strict=strict)
        with self._lock:
            self._check_open()
            if step is None:
                step = 0 if self._last_step is None else self._last_step + 1
            else:
                step = coerce_int(step, "step")
            if step == self._last_step and not self._warned_repeat:
                self._warned_repeat = True
                warnings.warn(
                    f"ahnb: step {step} logged twice in run {self.name!r}; log all metrics "
                    "of a step in one call (the reader keeps the last value and warns)",
                    stacklevel=3,
                )
            self._writer.write(metrics_record(step, values, epoch=epoch))
            self._last_step = step
            return step

    def note(self, markdown: str, step: Optional[int] = None) -> None:
        """A Markdown note pinned to a step (default: the last logged step)."""
        with self._lock:
            self._check_open()
            self._writer.write(note_record(self._current_step(step), markdown))

    def media(
        self,
        name: str,
        path_or_bytes: Any,
        kind: Optional[str] = None,
        title: Optional[str] = None,
        description: Optional[str] = None,
        step: Optional[int] = None,
    ) -> str:
        """Attach an image, GIF, SVG, HTML or text file to a step; returns the path written.

        ``path_or_bytes`` is the file's content (bytes), a path, or a
        matplotlib figure / PIL image (saved as PNG). Bytes are stored in the
        run's media folder beside the log (``media/<run>/<name>-<step>.<ext>``);
        a path inside the log's folder is referenced where it is, any other
        path is copied into the media folder, because the format only allows
        paths relative to the log's folder (the site must be movable).
        ``kind`` ("image", "gif", "svg", "html", "text") is guessed from the
        file name or the bytes when omitted.
        """
        with self._lock:
            self._check_open()
            at = self._current_step(step)
            log_folder = self.path.parent.resolve()

            data: Optional[bytes] = None
            source: Optional[Path] = None
            if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
                data = bytes(path_or_bytes)
            elif isinstance(path_or_bytes, (str, os.PathLike)):
                source = Path(path_or_bytes)
                if not source.is_file():
                    raise FileNotFoundError(f"media file not found: {source}")
            else:
                data = _render(path_or_bytes)
                if data is None:
                    raise TypeError(
                        "media() takes bytes, a path, a matplotlib figure or a PIL image, "
                        f"not {type(path_or_bytes).__name__}"
                    )

            suffix: Optional[str]
            if source is not None:
                suffix = source.suffix.lower()
                guessed = _KIND_BY_SUFFIX.get(suffix)
            else:
                guessed, suffix = _sniff(data or b"")
            kind = kind or guessed
            if kind is None:
                raise ValueError(f"could not guess the media kind of {name!r}; pass kind= (one of {MEDIA_KINDS})")
            if kind not in MEDIA_KINDS:
                raise ValueError(f"unknown media kind {kind!r}; expected one of {MEDIA_KINDS}")
            suffix = suffix or _SUFFIX_BY_KIND[kind]

            if source is not None:
                resolved = source.resolve()
                try:
                    rel = resolved.relative_to(log_folder)
                except ValueError:
                    rel = None  # outside the log's folder: copy it in
                if rel is not None:
                    rel_path = rel.as_posix()
                else:
                    rel_path = self._store_media(name, at, suffix, source=resolved)
            else:
                rel_path = self._store_media(name, at, suffix, data=data)

            self._writer.write(
                media_record(at, str(name), kind, path=rel_path, title=title, description=description)
            )
            return rel_path

    def _store_media(
        self, name: str, step: int, suffix: str, data: Optional[bytes] = None, source: Optional[Path] = None
    ) -> str:
        os.makedirs(self.media_dir, exist_ok=True)
        base = f"{slugify(name, fallback='media')}-{step:06d}"
        n = 1
        while True:
            target = self.media_dir / f"{base}{'' if n == 1 else f'-{n}'}{suffix}"
            try:
                with open(target, "xb") as out:  # exclusive: never overwrite earlier media
                    if source is not None:
                        with open(source, "rb") as src:
                            shutil.copyfileobj(src, out)
                    else:
                        out.write(data or b"")
                break
            except FileExistsError:
                n += 1
        return target.relative_to(self.path.parent).as_posix()

    # -------------------------------------------------------------------- end

    def finish(
        self,
        status: str = "finished",
        metrics: Optional[Mapping[str, Any]] = None,
        error: Optional[str] = None,
    ) -> None:
        """Write the end record and close the file. Idempotent: later calls do nothing.

        ``metrics`` are final/test metrics (merged over :attr:`summary`);
        ``error`` is the message of a failed run.
        """
        if status not in END_STATUSES:
            raise ValueError(f"status must be one of {END_STATUSES}, got {status!r}")
        with self._lock:
            if self.finished:
                return
            if metrics:
                self.summary.update(metrics)
            final = coerce_metrics(self.summary, strict=False)
            self._writer.write(end_record(status, metrics=final, error=error))
            self._writer.close()
            self.status = status
        lifecycle.unregister(id(self))

    def fail(self, exc: BaseException) -> None:
        """Finish as failed (or killed, for KeyboardInterrupt) because of ``exc``."""
        status, error = end_for_exception(exc)
        self.finish(status, error=error)

    def _on_exit(self, exc: Optional[BaseException], at_exit: bool) -> None:
        # A plain Run may span many notebook cells, so a failing cell does not
        # end it; only the end of the interpreter does.
        if at_exit and not self.finished:
            status, error = end_for_exception(exc)
            self.finish(status, error=error)

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], tb: Any) -> "Literal[False]":
        status, error = end_for_exception(exc)
        self.finish(status, error=error)
        return False  # never swallow the exception

    def __repr__(self) -> str:
        return f"Run(project={self.project!r}, name={self.name!r}, path={str(self.path)!r}, status={self.status!r})"


__all__ = ["Run", "end_for_exception", "describe_exception", "coerce_metric", "MEDIA_KINDS"]
