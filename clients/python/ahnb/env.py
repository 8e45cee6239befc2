"""Capture the environment of a run for its header: cheap, local, and private by default.

Rules that shape this module:

* Never import a framework. Versions are read only for modules already in
  ``sys.modules``: importing TensorFlow or torch just to report a version
  would cost seconds and memory, and could change the program's behaviour.
* Never touch the network, and never start a subprocess.
* Ask an already-imported framework for GPU names only where that does not
  initialise anything new (jax: only once its backends exist).
* The host name is personal/infrastructure information: recorded only when
  the caller asks (``record_host=True``).
Every probe is wrapped so that a broken or unusual install can never stop a
training run from starting.
"""

from __future__ import annotations

import os
import platform
import sys
from typing import Any, Dict, List, Optional

# Import name -> key written in env.frameworks. Checked in this order.
FRAMEWORKS = {
    "keras": "keras",
    "tensorflow": "tensorflow",
    "torch": "torch",
    "jax": "jax",
    "lightning": "lightning",
    "pytorch_lightning": "pytorch_lightning",
    "transformers": "transformers",
    "numpy": "numpy",
}


def _python() -> str:
    impl = platform.python_implementation()
    name = "Python" if impl == "CPython" else f"Python ({impl})"
    return f"{name} {platform.python_version()}"


def _os() -> str:
    system, release = platform.system(), platform.release()
    if system == "Darwin":
        mac = platform.mac_ver()[0]
        return f"macOS {mac}" if mac else f"Darwin {release}"
    return f"{system} {release}".strip()


def _cpu_model() -> Optional[str]:
    """The CPU's marketing name: /proc/cpuinfo on Linux, platform.processor() elsewhere."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                # "model name" on x86, "Model" on some ARM boards.
                if key.strip() in ("model name", "Model") and value.strip():
                    return value.strip()
    except OSError:
        pass
    name = platform.processor()
    return name or None


def framework_versions() -> Dict[str, str]:
    versions: Dict[str, str] = {}
    for module_name, key in FRAMEWORKS.items():
        module = sys.modules.get(module_name)
        if module is None:
            continue
        version = getattr(module, "__version__", None)
        if version is not None:
            versions[key] = str(version)
    return versions


def keras_backend() -> Optional[str]:
    keras = sys.modules.get("keras")
    if keras is None:
        return None
    for getter in ("config.backend", "backend.backend"):
        obj: Any = keras
        try:
            for part in getter.split("."):
                obj = getattr(obj, part)
            return str(obj())
        except Exception:  # noqa: BLE001 - older/newer Keras layouts
            continue
    return None


def _torch_gpus() -> List[str]:
    torch = sys.modules.get("torch")
    if torch is None:
        return []
    try:
        if not torch.cuda.is_available():
            return []
        return [str(torch.cuda.get_device_name(i)) for i in range(torch.cuda.device_count())]
    except Exception:  # noqa: BLE001
        return []


def _jax_gpus() -> List[str]:
    jax = sys.modules.get("jax")
    if jax is None:
        return []
    try:
        # jax.devices() would initialise the XLA backends (and claim GPU memory)
        # if the program has not done so yet; only ask when they already exist.
        bridge = sys.modules.get("jax._src.xla_bridge")
        if bridge is None or not getattr(bridge, "_backends", None):
            return []
        return [
            str(getattr(d, "device_kind", d))
            for d in jax.devices()
            if getattr(d, "platform", "") in ("gpu", "cuda", "rocm")
        ]
    except Exception:  # noqa: BLE001
        return []


def _tensorflow_gpus() -> List[str]:
    tf = sys.modules.get("tensorflow")
    if tf is None:
        return []
    try:
        names = []
        for device in tf.config.list_physical_devices("GPU"):
            details = tf.config.experimental.get_device_details(device)
            names.append(str(details.get("device_name", device.name)))
        return names
    except Exception:  # noqa: BLE001
        return []


def gpu_names() -> List[str]:
    """GPU names from the first already-imported framework that lists any."""
    for probe in (_torch_gpus, _jax_gpus, _tensorflow_gpus):
        names = probe()
        if names:
            return names
    return []


def capture_env(record_host: bool = False) -> Dict[str, Any]:
    """The header's ``env`` object.

    Keys as in the format: host (only with ``record_host``), os, language,
    frameworks, backend, cpu, cpu_count, gpus.
    """
    env: Dict[str, Any] = {}
    if record_host:
        env["host"] = platform.node() or None
    env["os"] = _os()
    env["language"] = _python()
    frameworks = framework_versions()
    if frameworks:
        env["frameworks"] = frameworks
    backend = keras_backend()
    if backend:
        env["backend"] = backend
    cpu = _cpu_model()
    if cpu:
        env["cpu"] = cpu
    env["cpu_count"] = os.cpu_count()
    gpus = gpu_names()
    if gpus:
        env["gpus"] = gpus
    return {k: v for k, v in env.items() if v is not None}
