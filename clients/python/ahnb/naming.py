"""File and run naming: filesystem-safe slugs, default run names, unique log paths.

Layout written by the client::

    <logdir>/<project-slug>/<run-slug>.jsonl
    <logdir>/<project-slug>/media/<run-slug>/<media files>

ahnb takes the first folder under LOGS as the project when a header has none,
so the layout also reads correctly without headers.

Default run names are readable and free of timestamps (the start time is in
the header anyway): up to three scalar hyperparameters and the seed
(``lr0.01-batch_size64-seed1``), or ``run<N>`` with N one more than the number
of logs already in the project folder, followed by a 4-character random id so
that repeats and concurrent runs never collide (``run3-k7qx``).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import secrets
from pathlib import Path
from typing import IO, Any, Mapping, Optional, Tuple

_UNSAFE = re.compile(r"[^a-z0-9._-]+")
_DASHES = re.compile(r"-{2,}")
# Windows refuses these as file names whatever the extension.
_RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}
_MAX_SLUG = 80
# No 0/o, 1/l/i: the id is meant to be read and typed by people.
_ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def slugify(text: str, fallback: str = "run") -> str:
    """A lowercase, filesystem-safe version of ``text`` (``[a-z0-9._-]``, no leading dot).

    Accents are folded to ASCII (``Ünïcode`` -> ``unicode``). Text with no
    ASCII letters or digits at all (e.g. a Chinese project name) becomes
    ``<fallback>-<hash>``, so that different names still get different files.
    """
    text = str(text).strip()
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE.sub("-", ascii_text.lower())
    slug = _DASHES.sub("-", slug).strip("-.")[:_MAX_SLUG].strip("-.")
    if not slug:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
        slug = f"{fallback}-{digest}" if text.strip("-./\\ ") else fallback
    if slug.split(".")[0] in _RESERVED:
        slug += "_"
    return slug


def short_id(length: int = 4) -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(length))


def _format_value(value: Any) -> Optional[str]:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str) and 0 < len(value) <= 20:
        return value
    return None  # nested or long values make poor names


def default_run_name(
    project_dir: Optional[Path],
    params: Optional[Mapping[str, Any]] = None,
    seed: Any = None,
    max_params: int = 3,
) -> str:
    """A readable, timestamp-free, practically unique run name (see the module docstring)."""
    parts = []
    for key, value in (params or {}).items():
        text = _format_value(value)
        if text is not None:
            parts.append(f"{key}{text}")
        if len(parts) == max_params:
            break
    if seed is not None:
        parts.append(f"seed{seed}")
    if not parts:
        existing = 0
        if project_dir is not None and project_dir.is_dir():
            existing = sum(1 for p in project_dir.iterdir() if p.suffix == ".jsonl")
        parts.append(f"run{existing + 1}")
    return "-".join(parts + [short_id()])


def create_unique_log(project_dir: Path, run_name: str) -> Tuple[Path, str, IO[str]]:
    """Create ``<project_dir>/<slug>.jsonl`` exclusively, adding ``-2``, ``-3``... when taken.

    Returns the path, the run name to record (suffixed the same way, so two
    runs given the same name stay distinguishable in the dashboard) and the
    open text stream. Exclusive creation makes this safe against two
    processes starting the same run at once.
    """
    os.makedirs(project_dir, exist_ok=True)
    slug = slugify(run_name)
    n = 1
    while True:
        suffix = "" if n == 1 else f"-{n}"
        path = project_dir / f"{slug}{suffix}.jsonl"
        try:
            # O_EXCL: never reuse a file; O_APPEND: every line lands at the end
            # even if something else appends to the log too.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        except FileExistsError:
            n += 1
            continue
        stream = os.fdopen(fd, "a", encoding="utf-8", newline="\n")
        return path, f"{run_name}{suffix}", stream
