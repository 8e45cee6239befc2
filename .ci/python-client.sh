#!/usr/bin/env bash
# The Python logging client (clients/python): install it into a virtual environment with its test
# dependencies and run its tests, including real Keras training (jax CPU backend) whose logs are fed
# to the ahnb binary.
#
# Called by scripts/test.sh (from .ci/run) after `cargo build`, with AHNB_BIN pointing at the binary.
# Standalone: `bash .ci/python-client.sh` (uses target/debug/ahnb). With CI set, a missing binary
# fails the binary tests instead of skipping them.
#
# Only PyPI is needed. CPU-only wheels: jax[cpu] (light); no TensorFlow, no torch (PyPI's Linux torch
# wheels pull in the CUDA libraries), so the Lightning adapter is tested against a fake that follows
# Lightning's documented Logger interface. transformers imports without torch, so the Hugging Face
# callback goes through transformers' real CallbackHandler.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

venv="${AHNB_PY_VENV:-$repo/target/python-client-venv}"
python="${PYTHON:-python3}"
export KERAS_BACKEND=jax           # Keras reads it at import; jax is the light CPU backend
export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in the source tree
export JAX_PLATFORMS=cpu           # never probe for accelerators

start=$(date +%s)

# Reuse the venv between runs (much faster), but rebuild it if it is broken or its Python moved.
if ! "$venv/bin/python" -c "import sys" >/dev/null 2>&1; then
  echo "python-client: creating virtual environment in $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
fi

echo "python-client: installing the package and test dependencies"
# setuptools reuses build/ between builds; a module deleted from the source would linger there.
rm -rf "$repo/clients/python/build" "$repo/clients/python/ahnb.egg-info"
# A normal (non-editable) install, so the tests exercise the package as users get it.
"$venv/bin/python" -m pip install --quiet \
  "$repo/clients/python" \
  "keras>=3.0" \
  "jax[cpu]>=0.4.20" \
  "numpy>=1.23" \
  "scikit-learn>=1.2" \
  "transformers>=4.40" \
  "jsonschema>=4.18" \
  "pytest>=7"
installed=$(date +%s)
echo "python-client: install took $((installed - start)) s"

echo "python-client: pytest clients/python/tests (AHNB_BIN=${AHNB_BIN:-<unset, using target/debug/ahnb>})"
# pytest's summary line ("N passed ...") stays the last line of the output: CI reads it.
status=0
"$venv/bin/python" -m pytest -q -p no:cacheprovider -rs "$repo/clients/python/tests" || status=$?

if [ "$status" -eq 5 ]; then
  echo "python-client: pytest collected no tests: failing" >&2
  exit 1
fi
exit "$status"
