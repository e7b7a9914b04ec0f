#!/usr/bin/env bash
# The real Tauri window under Xvfb, driven through WebDriver (tauri-driver → WebKitWebDriver),
# with the province simulator on loopback and the simulated reader and camera.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
data=$(mktemp -d /tmp/zkdesk-window-XXXXXX)
port=18181
# Binaries from wherever cargo put them (CARGO_TARGET_DIR, else target/).
bin=$(realpath "${CARGO_TARGET_DIR:-target}")/debug
zkctl=$bin/zkctl
for b in zkctl zkdesk province-sim; do [ -x "$bin/$b" ] || { echo "window-test: $bin/$b is missing; build first" >&2; exit 1; }; done
"$bin/province-sim" --port $port --seed-registrations 300 --county 420102 >"$data/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
code=$(sed -n 's/.*enrollment code for [0-9]*: //p' "$data/sim.log" | head -1)
ZKDESK_NEW_PASSWORD=window-test-pw $zkctl --data-dir "$data" staff add --id A001 --name 窗口主管 --role supervisor >/dev/null
ZKDESK_SUPERVISOR_PASSWORD=window-test-pw $zkctl --data-dir "$data" station enroll --supervisor A001 --server "http://127.0.0.1:$port/api/county/v1" --code "$code" >/dev/null
ZKDESK_SUPERVISOR_PASSWORD=window-test-pw $zkctl --data-dir "$data" sync --supervisor A001 >/dev/null
ZKDESK_SUPERVISOR_PASSWORD=window-test-pw $zkctl --data-dir "$data" card samples --supervisor A001 -o "$data/cards.json" >/dev/null
# ZKDESK_WINDOW_TESTS: which test files to run (default: all of ui/e2e-window/).
export ZKDESK_WINDOW_TESTS="${ZKDESK_WINDOW_TESTS:-}"
export ZKDESK_APP="$bin/zkdesk" ZKDESK_DATA_DIR="$data" ZKDESK_ARTIFACTS="$PWD/artifacts"
mkdir -p "$ZKDESK_ARTIFACTS"
export ZKDESK_READER="sim:$data/cards.json" ZKDESK_CAMERA="file:$PWD/.cache/testdata/astronaut.png"
# xvfb-run gives the driver, WebKit and the app one private X display.
xvfb-run -a -s "-screen 0 1366x768x24" bash -c '
  tauri-driver --port 4444 >"$ZKDESK_ARTIFACTS/tauri-driver.log" 2>&1 &
  driver=$!
  trap "kill $driver 2>/dev/null" EXIT
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
  cd ui && node --test --test-reporter=spec --test-concurrency=1 ${ZKDESK_WINDOW_TESTS:-e2e-window/}
'
