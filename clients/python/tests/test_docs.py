"""The "no client at all" examples in docs/logging.md write logs that ahnb accepts without warning.

The shell example runs with sh; the C++ example is compiled when a C++
compiler is available. Both outputs go through `ahnb check --strict`.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from conftest import REPO_ROOT, read_records, skip_or_fail

DOC = REPO_ROOT / "docs" / "logging.md"


def code_blocks(language: str):
    if not DOC.is_file():
        skip_or_fail(f"{DOC} not found")
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_shell_example(tmp_path, cli):
    blocks = [b for b in code_blocks("sh") if "printf" in b]
    assert len(blocks) == 1, "expected one shell example with printf in docs/logging.md"
    script = tmp_path / "example.sh"
    script.write_text(blocks[0], encoding="utf-8")
    subprocess.run(["sh", str(script)], cwd=tmp_path, check=True, timeout=60)
    records = read_records(tmp_path / "logs" / "shell-demo" / "run-1.jsonl")
    assert [r["type"] for r in records] == ["header"] + ["metrics"] * 5 + ["end"]
    cli.check_strict(tmp_path / "logs")


def test_cpp_example(tmp_path, cli):
    compiler = shutil.which("g++") or shutil.which("clang++")
    if compiler is None:
        skip_or_fail("no C++ compiler (g++ or clang++) to build the C++ example")
    blocks = code_blocks("cpp")
    assert len(blocks) == 1, "expected one C++ example in docs/logging.md"
    source = tmp_path / "example.cpp"
    source.write_text(blocks[0], encoding="utf-8")
    subprocess.run([compiler, "-std=c++17", "-o", str(tmp_path / "example"), str(source)], check=True, timeout=300)
    subprocess.run([str(tmp_path / "example")], cwd=tmp_path, check=True, timeout=60)
    records = read_records(tmp_path / "logs" / "cpp-demo" / "run-1.jsonl")
    assert [r["type"] for r in records] == ["header"] + ["metrics"] * 5 + ["end"]
    assert records[2]["metrics"]["loss"] == 0.5
    cli.check_strict(tmp_path / "logs")
