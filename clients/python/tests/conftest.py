"""Shared test helpers: reading logs back, finding and running the ahnb binary.

The binary is taken from $AHNB_BIN, else <repo>/target/debug/ahnb (the repo
root is clients/python/../..). When it is missing, the tests that need it
fail if $CI is set (CI must never silently skip them) and skip otherwise.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest

# Keras reads the backend at import time; the tests use jax (light, CPU-only).
os.environ.setdefault("KERAS_BACKEND", "jax")

CLIENT_ROOT = Path(__file__).resolve().parents[1]
REPO_ROOT = CLIENT_ROOT.parents[1]


def read_records(path: Path) -> List[Dict[str, Any]]:
    """Parse a log as ahnb would; json.loads accepts the bare NaN/Infinity tokens."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def only_log(folder: Path) -> Path:
    logs = sorted(folder.rglob("*.jsonl"))
    assert len(logs) == 1, f"expected one log under {folder}, found {logs}"
    return logs[0]


def run_python(script: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a script in a fresh interpreter (for behaviour at interpreter exit)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(CLIENT_ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [sys.executable, "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


# ------------------------------------------------------------------ the binary


def _binary_path() -> Path:
    configured = os.environ.get("AHNB_BIN")
    if configured:
        return Path(configured)
    return REPO_ROOT / "target" / "debug" / ("ahnb.exe" if os.name == "nt" else "ahnb")


def skip_or_fail(message: str, module_level: bool = False) -> None:
    """Skips a test whose component is missing, or fails it when $CI is set: CI must never
    count a test that did not run as passed."""
    if os.environ.get("CI"):
        pytest.fail(message + " [CI is set, so this is an error, not a skip]", pytrace=False)
    pytest.skip(message, allow_module_level=module_level)


def require_module(name: str, module_level: bool = False):
    """``pytest.importorskip`` that fails instead of skipping when $CI is set."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError as error:
        skip_or_fail(f"{name} cannot be imported ({error})", module_level)


@pytest.fixture(scope="session")
def ahnb_bin() -> Path:
    path = _binary_path()
    if path.is_file() and os.access(path, os.X_OK):
        return path
    message = f"ahnb binary not found at {path}: build it (cargo build) or set AHNB_BIN"
    skip_or_fail(message)


class Cli:
    def __init__(self, binary: Path) -> None:
        self.binary = binary

    def __call__(self, *args: Any, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.binary), *map(str, args)], capture_output=True, text=True, timeout=timeout
        )

    def check_strict(self, logs: Path) -> subprocess.CompletedProcess:
        """`ahnb check LOGS --strict`: exit 0 means no warnings at all."""
        result = self("check", logs, "--strict")
        assert result.returncode == 0, (
            f"ahnb check --strict {logs} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n{dump_logs(logs)}"
        )
        return result

    def build(self, logs: Path, site: Path) -> str:
        """`ahnb build LOGS -o SITE`; returns the text of all HTML pages of the site."""
        result = self("build", logs, "-o", site)
        assert result.returncode == 0, (
            f"ahnb build exited {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
        pages = sorted(site.rglob("*.html"))
        assert pages, f"ahnb build wrote no .html file under {site}"
        return "\n".join(page_text(p.read_text(encoding="utf-8", errors="replace")) for p in pages)


def page_text(html: str) -> str:
    """A page's text as written before ahnb wrote every character beyond ASCII as `&#xHEX;`
    (src/render/ascii.rs): those references read back as their characters. Only references
    beyond ASCII: `&#x3C;` never becomes `<`, so a check that markup did not get in holds."""

    def decode(match: "re.Match[str]") -> str:
        code = int(match.group(1), 16)
        return chr(code) if 0x80 <= code <= 0x10FFFF else match.group(0)

    return re.sub(r"&#x([0-9A-Fa-f]+);", decode, html)


@pytest.fixture(scope="session")
def cli(ahnb_bin: Path) -> Cli:
    return Cli(ahnb_bin)


def dump_logs(folder: Path, limit: int = 4000) -> str:
    """The logs under a folder, for assertion messages."""
    parts = []
    for log in sorted(Path(folder).rglob("*.jsonl")):
        parts.append(f"--- {log}\n{log.read_text(encoding='utf-8')[:limit]}")
    return "\n".join(parts)


# ------------------------------------------------------------ the JSON Schema


@pytest.fixture(scope="session")
def schema_check():
    """``schema_check(log)`` asserts every line of ``log`` matches docs/log-format.schema.json."""
    jsonschema = require_module("jsonschema")
    schema_path = REPO_ROOT / "docs" / "log-format.schema.json"
    if not schema_path.is_file():
        skip_or_fail(f"{schema_path} not found")
    validator = jsonschema.Draft202012Validator(json.loads(schema_path.read_text(encoding="utf-8")))

    def check(log: Path) -> int:
        records = read_records(log)
        for number, record in enumerate(records, start=1):
            errors = [e.message for e in validator.iter_errors(record)]
            assert not errors, f"{log}:{number}: {record}\n{errors}"
        return len(records)

    return check


# ------------------------------------------------------- flexible number match


def float_forms(value: float) -> List[str]:
    """Ways a site may print a float: raw, 3-6 significant digits, percent."""
    forms = {repr(value), str(value)}
    for digits in (3, 4, 5, 6):
        forms.add(f"{value:.{digits}g}")
        forms.add(f"{value:#.{digits}g}".rstrip("."))  # keeps trailing zeros: 0.950
    if 0 <= value <= 1:
        for decimals in (1, 2):
            forms.add(f"{value * 100:.{decimals}f}%")
            forms.add(f"{value * 100:.{decimals}f} %")
    return sorted(forms, key=len, reverse=True)


def contains_float(text: str, value: float) -> Optional[str]:
    """The first form of ``value`` found in ``text`` as a whole number token, else None."""
    for form in float_forms(value):
        if re.search(r"(?<![\d.])" + re.escape(form) + r"(?![\d])", text):
            return form
    return None


def contains_int(text: str, value: int) -> Optional[str]:
    """Find an integer printed plainly, with thousands separators, or abbreviated (4.81k)."""
    digits = str(value)
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    separated = r"[,\s\u00a0\u202f\u2009']?".join(map(re.escape, groups))
    patterns = [separated, r"&#8239;".join(groups), r"&nbsp;".join(groups), r"&thinsp;".join(groups)]
    if value >= 1000:
        for digits in (2, 3):
            short = f"{value / 1000:.{digits}g}"
            patterns.append(re.escape(short) + r"\s?[kK]")
    for pattern in patterns:
        match = re.search(r"(?<![\d.,])" + pattern + r"(?![\d])", text)
        if match:
            return match.group(0)
    return None
