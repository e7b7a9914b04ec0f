#!/usr/bin/env bash
# Runs every test suite against what `./run test` built; each runner prints its own summary.
# Every suite runs even when an earlier one fails; the exit code is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts
failed=()

suite() {
  local name=$1; shift
  echo
  echo "==== $name ===="
  if "$@"; then echo "==== $name: ok"; else echo "==== $name: FAILED"; failed+=("$name"); fi
}

rust_tests() {
  if command -v cargo-nextest >/dev/null; then
    cargo nextest run --workspace --locked --no-fail-fast
  else
    cargo test --workspace --locked --no-fail-fast
  fi
}

# The PC/SC tests talk to a real pcscd with the vpcd driver.
scripts/pcscd.sh || failed+=("pcscd")
# The printing tests print to a real CUPS queue.
scripts/cups.sh || failed+=("cups")
suite "rust (cargo nextest)" rust_tests
# The core builds and passes its own tests without the desktop shell (no tauri at all).
suite "core without the GUI (--no-default-features)" cargo nextest run -p zkdesk --no-default-features --lib --locked
suite "ui logic (vitest)" bash -c "cd ui && npx vitest run"
suite "ui in chromium (playwright, IPC mocked)" bash -c "cd ui && npx playwright test"
suite "real window (tauri-driver + WebKitWebDriver under Xvfb)" scripts/window-test.sh

echo
if [ ${#failed[@]} -eq 0 ]; then
  echo "ALL SUITES PASSED"
else
  echo "FAILED SUITES: ${failed[*]}"
  exit 1
fi
