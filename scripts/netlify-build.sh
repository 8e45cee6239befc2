#!/usr/bin/env bash
# Netlify build command (see netlify.toml): install Rust with rustup, build ahnb, build the
# example site into _site with the deploy's own URL as base URL. Netlify sets CONTEXT
# (production, deploy-preview, branch-deploy), URL (the site's main URL) and DEPLOY_PRIME_URL
# (this deploy's URL: https://deploy-preview-42--SITE.netlify.app for pull request 42).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  if [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
      | sh -s -- -y --profile minimal --default-toolchain stable --no-modify-path
  fi
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

cargo build --release --locked

if [ "${CONTEXT:-}" = production ]; then
  base_url="${URL:-}"
else
  base_url="${DEPLOY_PRIME_URL:-${URL:-}}"
fi
args=(build example-logs -o _site)
if [ -n "$base_url" ]; then
  args+=(--base-url "$base_url")
fi
./target/release/ahnb "${args[@]}"
