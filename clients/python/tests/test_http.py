"""``ahnb.Run(..., url=..., token=...)`` against the real ``ahnb serve --ingest`` on loopback:
lines arrive exactly once and in order, a step never waits for the network, lines spooled while
the server is down arrive once it is back, and 50 runs × 1,000 lines survive a SIGKILL of the
server in the middle. Every wait is bounded."""

from __future__ import annotations

import json
import queue
import sys
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import List, Optional

import pytest

import ahnb

TOKEN = "python-client-token-0123456789"
DEADLINE = 180.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``ahnb serve LOGS --ingest`` on 127.0.0.1:PORT, killed (SIGKILL) by ``kill``."""

    def __init__(self, binary: Path, logs: Path, port: int) -> None:
        self.process = subprocess.Popen(
            # The site beside LOGS: a server killed by SIGKILL leaves no folder of its own behind.
            [str(binary), "serve", str(logs), "-o", str(logs.parent / "site"), "--ingest", "-q", "--port", str(port)],
            env={"AHNB_TOKEN": TOKEN, "PATH": "/usr/bin:/bin"},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: "queue.Queue[str]" = queue.Queue()
        threading.Thread(target=lambda: [lines.put(l) for l in self.process.stderr], daemon=True).start()
        seen: List[str] = []
        deadline = time.monotonic() + 60
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.kill()
                raise AssertionError("ahnb serve printed no address:\n" + "".join(seen))
            seen.append(line)
            if "at http://" in line:
                self.url = "http://" + line.split("at http://")[1].split("/")[0]
                return

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """As Ctrl-C would (SIGTERM): the server removes the site folder it owns."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def start_server(ahnb_bin: Path):
    started: List[Server] = []

    def start(logs: Path, port: int) -> Server:
        server = Server(ahnb_bin, logs, port)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def wait_until(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_a_run_arrives_on_the_server_exactly_as_spooled(tmp_path: Path, start_server) -> None:
    logs = tmp_path / "logs"
    server = start_server(logs, 0)
    with ahnb.Run(tmp_path / "client", "HTTP demo", "lr=0.1", params={"lr": 0.1}, url=server.url, token=TOKEN) as run:
        for step in range(200):
            run.log(step, loss=1 / (step + 1), acc=float("nan") if step == 3 else step / 200)
    stored = logs / "http-demo" / f"{run.path.stem}.jsonl"
    assert stored.read_bytes() == run.path.read_bytes()
    records = [json.loads(line) for line in stored.read_text().splitlines()]
    assert records[0]["type"] == "header" and records[0]["run"] == "lr=0.1"
    assert [r["step"] for r in records[1:-1]] == list(range(200))
    assert records[-1]["status"] == "finished"
    assert run.pending == 0
    # The spool is hidden from the site: ahnb reads one run, the server's.
    assert ".ahnb-spool" in run.path.parts


def test_environment_variables_choose_the_server(tmp_path: Path, start_server, monkeypatch) -> None:
    logs = tmp_path / "logs"
    server = start_server(logs, 0)
    monkeypatch.setenv("AHNB_URL", server.url)
    monkeypatch.setenv("AHNB_TOKEN", TOKEN)
    with ahnb.Run(tmp_path / "client", "env", "r") as run:
        run.log(0, loss=1.0)
    assert run.url == server.url
    assert (logs / "env" / "r.jsonl").read_bytes() == run.path.read_bytes()


def test_a_step_never_waits_for_a_server_that_does_not_answer(tmp_path: Path) -> None:
    # A socket that listens and never answers: a sender waiting on it would hang for its timeout.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    url = "http://127.0.0.1:%d" % silent.getsockname()[1]
    try:
        run = ahnb.Run(tmp_path, "p", "r", url=url, token=TOKEN)
        slowest = 0.0
        for step in range(500):
            started = time.perf_counter()
            run.log(step, loss=0.5)
            slowest = max(slowest, time.perf_counter() - started)
        # Generous bound (the sender's request timeout is 10 s): a step that waited on the network
        # would take seconds.
        assert slowest < 0.5, slowest
        assert run.pending > 0
        with pytest.warns(UserWarning, match="were not acknowledged by the server"):
            run._writer.close(timeout=0.5)  # noqa: SLF001 - do not wait 30 s for a server that never answers
    finally:
        silent.close()


def test_lines_spooled_while_the_server_is_down_arrive_when_it_is_up(tmp_path: Path, start_server) -> None:
    logs = tmp_path / "logs"
    port = free_port()
    run = ahnb.Run(tmp_path / "client", "p", "late", url=f"http://127.0.0.1:{port}", token=TOKEN)
    for step in range(50):
        run.log(step, loss=0.1)
    time.sleep(0.3)
    assert run.pending == run.path.stat().st_size  # nothing could be sent
    start_server(logs, port)
    wait_until(lambda: run.pending == 0)
    run.finish()
    assert (logs / "p" / "late.jsonl").read_bytes() == run.path.read_bytes()


def test_fifty_runs_survive_a_kill_of_the_server_exactly_once(tmp_path: Path, start_server) -> None:
    logs = tmp_path / "logs"
    server = start_server(logs, 0)
    port = int(server.url.rsplit(":", 1)[1])
    runs = [ahnb.Run(tmp_path / "client", "load", f"w{i:02d}", url=server.url, token=TOKEN) for i in range(50)]
    errors: List[BaseException] = []
    progress = [0] * len(runs)

    def train(run: ahnb.Run, writer: int) -> None:
        try:
            for step in range(1000):
                run.log(step, loss=1 / (step + 1), writer=writer)
                progress[writer] = step + 1
                time.sleep(0.002)  # a training step takes time
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=train, args=(run, i)) for i, run in enumerate(runs)]
    for thread in threads:
        thread.start()
    # Kill the server once about a third of the steps are logged; the rest is logged while it
    # is down.
    wait_until(lambda: sum(progress) >= len(runs) * 1000 // 3)
    server.kill()
    acknowledged_before = sum(
        (logs / "load" / f"{r.path.stem}.jsonl").stat().st_size
        for r in runs
        if (logs / "load" / f"{r.path.stem}.jsonl").exists()
    )
    for thread in threads:
        thread.join(DEADLINE)
    assert not errors, errors
    assert acknowledged_before > 0
    # While the server is down the lines wait in the spools.
    assert sum(r.pending for r in runs) > 0
    start_server(logs, port)
    for run in runs:
        run.finish()
    for writer, run in enumerate(runs):
        stored = (logs / "load" / f"{run.path.stem}.jsonl").read_bytes()
        assert stored == run.path.read_bytes(), run.name
        records = [json.loads(line) for line in stored.decode().splitlines()]
        steps = [r["step"] for r in records if r.get("type") == "metrics"]
        assert steps == list(range(1000)), run.name
        assert (records[-1]["type"], records[-1]["status"]) == ("end", "finished")


def _api_doc_blocks(language: str) -> List[str]:
    import re

    from conftest import REPO_ROOT

    text = (REPO_ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_the_api_docs_examples_work(tmp_path: Path, start_server) -> None:
    import os
    import shutil

    logs = tmp_path / "logs"
    server = start_server(logs, 0)
    address = server.url.split("//")[1]
    env = dict(os.environ, AHNB_TOKEN=TOKEN)
    # The shell example needs curl; in CI a missing curl is a failure, not a silent pass.
    assert shutil.which("curl") or not os.environ.get("CI"), "curl is needed for the shell example of docs/api.md"
    if shutil.which("curl"):
        shell = [b for b in _api_doc_blocks("sh") if "curl" in b]
        assert len(shell) == 1
        script = shell[0].replace("127.0.0.1:8000", address).replace("export AHNB_TOKEN=...", "")
        subprocess.run(["sh", "-c", script], env=env, check=True, timeout=60, capture_output=True)
        records = [json.loads(l) for l in (logs / "shell-demo" / "run-1.jsonl").read_text().splitlines()]
        assert [r.get("step") for r in records] == [None, 1, 2, 3, None]
        assert records[-1] == {"type": "end", "status": "finished"}
    manual = [b for b in _api_doc_blocks("python") if "urllib" in b]
    assert len(manual) == 1
    script = manual[0].replace("127.0.0.1:8000", address)
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60, capture_output=True)
    records = [json.loads(l) for l in (logs / "mnist" / "lr-0.01.jsonl").read_text().splitlines()]
    assert records == [{"type": "header", "project": "mnist", "run": "lr-0.01"}, {"step": 1, "loss": 0.5}]
