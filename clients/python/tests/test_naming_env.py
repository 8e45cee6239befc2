"""File naming and environment capture (no framework needed)."""

from __future__ import annotations

import re
import sys
import types

import pytest

from ahnb import env as env_mod
from ahnb.naming import create_unique_log, default_run_name, slugify


@pytest.mark.parametrize(
    "text, slug",
    [
        ("MNIST Sweep", "mnist-sweep"),
        ("lr=0.01/seed 1", "lr-0.01-seed-1"),
        ("../../etc/passwd", "etc-passwd"),
        (".hidden", "hidden"),
        ("Ünïcode ✓", "unicode"),
        ("实验", "run-0b769b83"),
        ("", "run"),
        ("///", "run"),
        ("CON", "con_"),
        ("a" * 200, "a" * 80),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug
    assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", slugify(text))


def test_default_name_from_params_and_seed(tmp_path):
    name = default_run_name(tmp_path, {"lr": 0.01, "batch_size": 64, "opt": "adam", "extra": 1}, seed=1)
    assert re.fullmatch(r"lr0\.01-batch_size64-optadam-seed1-[a-z2-9]{4}", name), name


def test_default_name_skips_nested_params(tmp_path):
    name = default_run_name(tmp_path, {"optimizer": {"name": "adam"}, "layers": [1, 2], "dropout": 0.5})
    assert re.fullmatch(r"dropout0\.5-[a-z2-9]{4}", name), name


def test_default_name_counter_without_params(tmp_path):
    assert re.fullmatch(r"run1-[a-z2-9]{4}", default_run_name(tmp_path))
    (tmp_path / "a.jsonl").write_text("")
    (tmp_path / "b.jsonl").write_text("")
    assert re.fullmatch(r"run3-[a-z2-9]{4}", default_run_name(tmp_path))
    assert re.fullmatch(r"run1-[a-z2-9]{4}", default_run_name(tmp_path / "missing"))


def test_default_names_are_unique(tmp_path):
    names = {default_run_name(tmp_path, {"lr": 0.1}) for _ in range(50)}
    assert len(names) > 45  # 4 random characters from 31: collisions are rare


def test_unique_log_adds_suffix(tmp_path):
    paths = []
    for _ in range(3):
        path, name, stream = create_unique_log(tmp_path / "proj", "Base Line")
        stream.close()
        paths.append((path.name, name))
    assert paths == [
        ("base-line.jsonl", "Base Line"), ("base-line-2.jsonl", "Base Line-2"), ("base-line-3.jsonl", "Base Line-3"),
    ]


# ------------------------------------------------------------------------- env


def test_capture_env_basics():
    env = env_mod.capture_env()
    assert env["language"].startswith("Python 3.")
    assert env["os"]
    assert isinstance(env["cpu_count"], int)
    assert "host" not in env  # private unless asked


def test_capture_env_host_only_when_asked():
    assert env_mod.capture_env(record_host=True).get("host")


def test_capture_env_never_imports_frameworks():
    heavy = ["torch", "tensorflow", "jax", "keras", "lightning", "transformers"]
    before = {name for name in heavy if name in sys.modules}
    env_mod.capture_env()
    after = {name for name in heavy if name in sys.modules}
    assert after == before


def test_framework_versions_and_backend_from_sys_modules(monkeypatch):
    fake_keras = types.ModuleType("keras")
    fake_keras.__version__ = "3.99.0"
    fake_keras.config = types.SimpleNamespace(backend=lambda: "jax")
    fake_torch = types.ModuleType("torch")
    fake_torch.__version__ = "9.9.9"
    fake_torch.cuda = types.SimpleNamespace(
        is_available=lambda: True, device_count=lambda: 2, get_device_name=lambda i: f"Fake GPU {i}"
    )
    monkeypatch.setitem(sys.modules, "keras", fake_keras)
    monkeypatch.setitem(sys.modules, "torch", fake_torch)
    env = env_mod.capture_env()
    assert env["frameworks"]["keras"] == "3.99.0"
    assert env["frameworks"]["torch"] == "9.9.9"
    assert env["backend"] == "jax"
    assert env["gpus"] == ["Fake GPU 0", "Fake GPU 1"]


def test_broken_framework_does_not_break_capture(monkeypatch):
    broken = types.ModuleType("torch")
    broken.__version__ = "1.0"

    class Cuda:
        def is_available(self):
            raise RuntimeError("driver exploded")

    broken.cuda = Cuda()
    monkeypatch.setitem(sys.modules, "torch", broken)
    env = env_mod.capture_env()
    assert "gpus" not in env or env["gpus"]
    assert env["frameworks"]["torch"] == "1.0"


def test_importing_ahnb_imports_no_framework(tmp_path):
    """The core is standard library only; frameworks are imported only by their adapter modules."""
    from conftest import run_python

    script = (
        "import sys, ahnb\n"
        "heavy = ('numpy', 'keras', 'jax', 'torch', 'tensorflow', 'transformers', 'lightning')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    result = run_python(script, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
