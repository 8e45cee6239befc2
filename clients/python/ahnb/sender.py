"""Sending a run's lines to ``ahnb serve --ingest`` over HTTP, from a background thread.

Every line goes first to a local spool file (one flushed write, microseconds), which is the
sender's queue: a background thread reads the lines not yet acknowledged from it, sends them in
batches to ``POST /api/v1/runs/{project}/{run}?offset=N`` and retries with backoff while the
server is down, so a training step never waits for the network. The offset makes a retried batch
land exactly once: a ``409`` whose offset is exactly one batch further means the lost answer's
batch was stored. Lines spooled while the server was down are sent when it is back. The spool is
itself a valid log, so nothing is lost if the server never comes back: build it with
``ahnb build``, or copy it into the server's LOGS.

Standard library only (``urllib``), as the rest of the core.
"""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from pathlib import Path
from typing import IO, Any, Mapping, Optional, Tuple

from .records import dumps

#: Most bytes per request: well under the server's default body limit (8 MiB).
MAX_BATCH_BYTES = 1 << 20
#: How long the thread gathers lines before sending (a step writes a few lines at once).
GATHER_SECONDS = 0.05
#: Backoff while the server cannot be reached: from the first to the longest wait.
FIRST_BACKOFF = 0.1
LONGEST_BACKOFF = 5.0
#: Seconds per request before it counts as lost (and is sent again with the same offset).
REQUEST_TIMEOUT = 10.0
#: How long ``close`` waits for the spool to be sent before leaving the rest in it.
CLOSE_TIMEOUT = 30.0


class RefusedError(Exception):
    """A 4xx answer other than 409: sending the same bytes again cannot help."""

    def __init__(self, status: int, answer: Mapping[str, Any]) -> None:
        super().__init__(f"{status}: {answer.get('error', answer)}")
        self.status = status
        self.answer = answer


class Api:
    """The ingest API of one run."""

    def __init__(self, url: str, token: Optional[str], project: str, run: str) -> None:
        base = url.rstrip("/")
        if not base.endswith("/api/v1"):
            base += "/api/v1"
        quote = lambda name: urllib.parse.quote(name, safe="")  # noqa: E731
        self.endpoint = f"{base}/runs/{quote(project)}/{quote(run)}"
        self.headers = {"Content-Type": "application/x-ndjson"}
        if token:
            self.headers["Authorization"] = f"Bearer {token}"

    def _call(self, method: str, url: str, body: Optional[bytes]) -> Tuple[int, Mapping[str, Any]]:
        request = urllib.request.Request(url, data=body, method=method, headers=self.headers)
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            try:
                payload = json.load(error)
            except ValueError:
                payload = {"error": str(error)}
            return error.code, payload

    def offset(self) -> int:
        """The log's length on the server (0 when it has none)."""
        status, answer = self._call("GET", self.endpoint, None)
        if status != 200:
            raise RefusedError(status, answer)
        return int(answer["offset"])

    def append(self, body: bytes, offset: int) -> Tuple[int, Mapping[str, Any]]:
        return self._call("POST", f"{self.endpoint}?offset={offset}", body)


class HttpWriter:
    """A ``LineWriter`` that spools each record and sends it from a background thread."""

    def __init__(self, spool: IO[str], spool_path: Path, api: Api) -> None:
        self._spool = spool
        self.spool_path = spool_path
        self._api = api
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._written = 0  # bytes written to the spool
        self._acked = 0  # spool bytes the server has acknowledged
        self._closing = False
        self._stopped = False
        self.last_error: Optional[str] = None
        self._warned = False
        self._thread = threading.Thread(target=self._run, name=f"ahnb-sender-{spool_path.stem}", daemon=True)
        self._thread.start()

    # ------------------------------------------------ the training loop's side

    def write(self, record: Mapping[str, Any]) -> None:
        line = (dumps(record) + "\n").encode("utf-8")
        with self._lock:
            self._spool.write(line.decode("utf-8"))
            self._spool.flush()
            self._written += len(line)
            self._wake.notify()

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Sends what is left (waiting at most ``timeout`` seconds), then closes the spool."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            self._wake.notify()
        self._thread.join(timeout)
        with self._lock:
            self._stopped = True
            self._wake.notify()
            left = self._written - self._acked
            if not self._spool.closed:
                self._spool.close()
        if left:
            warnings.warn(
                f"ahnb: {left} bytes of run log were not acknowledged by the server "
                f"({self.last_error or 'timed out'}); they are kept in {self.spool_path}",
                stacklevel=3,
            )

    @property
    def closed(self) -> bool:
        return self._spool.closed

    @property
    def pending(self) -> int:
        """Bytes spooled but not yet acknowledged."""
        with self._lock:
            return self._written - self._acked

    # -------------------------------------------------------- the thread's side

    def _next_batch(self) -> bytes:
        with open(self.spool_path, "rb") as spool:
            spool.seek(self._acked)
            data = spool.read(min(self._written - self._acked, MAX_BATCH_BYTES))
        # Only whole lines; a single line longer than a batch is sent alone.
        end = data.rfind(b"\n") + 1
        if end == 0:
            with open(self.spool_path, "rb") as spool:
                spool.seek(self._acked)
                line = spool.readline()
            return line if line.endswith(b"\n") else b""
        return data[:end]

    def _note_error(self, message: str) -> None:
        self.last_error = message

    def _run(self) -> None:
        backoff = FIRST_BACKOFF
        server_offset: Optional[int] = None
        while True:
            with self._lock:
                while self._written == self._acked and not self._closing and not self._stopped:
                    self._wake.wait()
                if self._stopped or (self._closing and self._written == self._acked):
                    return
                closing = self._closing
            if not closing:
                time.sleep(GATHER_SECONDS)  # let the step's other lines join the batch
            try:
                if server_offset is None:
                    server_offset = self._api.offset()
                batch = self._next_batch()
                if not batch:
                    continue
                status, answer = self._api.append(batch, server_offset)
                if status == 200:
                    server_offset = int(answer["offset"])
                elif status == 409:
                    current = int(answer["offset"])
                    if current != server_offset + len(batch):
                        # Someone else appended to this run: continue after their lines.
                        self._note_error(f"the server's log of this run changed under it ({answer.get('error')})")
                        server_offset = current
                        continue
                    server_offset = current  # the batch of a lost answer was stored
                else:
                    raise RefusedError(status, answer)
                with self._lock:
                    self._acked += len(batch)
                backoff = FIRST_BACKOFF
                self.last_error = None
            except RefusedError as error:
                self._note_error(str(error))
                if error.status in (401, 403, 404):
                    if not self._warned:
                        self._warned = True
                        warnings.warn(f"ahnb: the server refused this run's lines ({error}); they stay in {self.spool_path}")
                    # Nothing will change that: wait for close, keep the spool.
                    with self._lock:
                        while not self._closing and not self._stopped:
                            self._wake.wait()
                    return
                if not self._warned:
                    self._warned = True
                    warnings.warn(f"ahnb: the server refused a batch ({error}); retrying, and the lines stay in {self.spool_path}")
                if self._wait(backoff):
                    return
                backoff = min(backoff * 2, LONGEST_BACKOFF)
            except (OSError, ValueError, KeyError) as error:
                # Unreachable, reset, timed out, or a garbled answer: send again, same offset.
                self._note_error(f"cannot reach the server: {error}")
                if self._wait(backoff):
                    return
                backoff = min(backoff * 2, LONGEST_BACKOFF)

    def _wait(self, seconds: float) -> bool:
        """Sleeps ``seconds`` unless stopped; True when the thread should end."""
        with self._lock:
            if self._stopped:
                return True
            self._wake.wait(seconds)
            return self._stopped


def server_settings(url: Optional[str], token: Optional[str]) -> Tuple[Optional[str], Optional[str]]:
    """``url``/``token`` given, else from AHNB_URL / AHNB_TOKEN."""
    url = url or os.environ.get("AHNB_URL") or None
    token = token or os.environ.get("AHNB_TOKEN") or None
    return url, token
