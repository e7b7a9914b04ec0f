#!/usr/bin/env bash
# Benchmarks of the real app under Xvfb at 1366×768 (numbers are reported, not asserted):
#   scripts/app-bench.sh preview   CPU of all the app's processes and preview frames per second
#   scripts/app-bench.sh memory    RSS/PSS of all the app's processes idle on the counter and
#                                  after BENCH_CONFIRMATIONS (default 50) confirmations
#   scripts/app-bench.sh floor     the same for a bare WebKitGTK window on about:blank
#                                  (ui/bench/webkit-floor.c): what the memory goal stands on
# Env: BENCH_PROFILE (debug or release, default debug: which build of zkdesk, zkctl and
# province-sim to run; release needs `cargo build --release -p zkdesk --bins` and
# `cargo build --release -p zkdesk-tests --bin province-sim`), ZKDESK_APP (default: zkdesk of that
# build), ZKDESK_CAMERA (default: pattern for preview, the
# astronaut portrait for memory), BENCH_SECONDS, WEBKIT_DISABLE_COMPOSITING_MODE, ZKDESK_DRIVER_PORT (tauri-driver, default 4444;
# WebKitWebDriver gets the next port). Results: artifacts/bench/.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
mode=${1:-preview}
if [ "$mode" = floor ]; then
  floor=$(mktemp -d /tmp/zkdesk-floor-XXXXXX)
  trap 'rm -rf "$floor"' EXIT
  # shellcheck disable=SC2046 # pkg-config prints several flags
  gcc -O1 -o "$floor/webkit-floor" ui/bench/webkit-floor.c $(pkg-config --cflags --libs webkit2gtk-4.1 gtk+-3.0)
  # The app sets this for itself (main.rs); the bare window gets the same.
  export WEBKIT_DISABLE_COMPOSITING_MODE=${WEBKIT_DISABLE_COMPOSITING_MODE:-1} ZKDESK_ARTIFACTS="$PWD/artifacts"
  (cd ui && xvfb-run -a -s "-screen 0 1366x768x24" node bench/webkit-floor.mjs "$floor/webkit-floor")
  exit
fi
bin=$(realpath "${CARGO_TARGET_DIR:-target}")/${BENCH_PROFILE:-debug}
data=$(mktemp -d /tmp/zkdesk-bench-XXXXXX)
port=${ZKDESK_SIM_PORT:-18182}
zkctl=$bin/zkctl
"$bin/province-sim" --port "$port" --seed-registrations 2000 --county 420102 >"$data/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
code=$(sed -n 's/.*enrollment code for [0-9]*: //p' "$data/sim.log" | head -1)
ZKDESK_NEW_PASSWORD=window-test-pw $zkctl --data-dir "$data" staff add --id A001 --name 测试主管 --role supervisor >/dev/null
ZKDESK_SUPERVISOR_PASSWORD=window-test-pw $zkctl --data-dir "$data" station enroll --supervisor A001 --server "http://127.0.0.1:$port/api/county/v1" --code "$code" >/dev/null
ZKDESK_SUPERVISOR_PASSWORD=window-test-pw $zkctl --data-dir "$data" sync --supervisor A001 >/dev/null
ZKDESK_SUPERVISOR_PASSWORD=window-test-pw $zkctl --data-dir "$data" card samples --supervisor A001 --count "${BENCH_CONFIRMATIONS:-50}" -o "$data/cards.json" >/dev/null
export ZKDESK_APP=${ZKDESK_APP:-$bin/zkdesk} ZKDESK_DATA_DIR="$data" ZKDESK_ARTIFACTS="$PWD/artifacts"
export ZKDESK_DRIVER_PORT=${ZKDESK_DRIVER_PORT:-4444}
mkdir -p artifacts
# The preview is measured on the moving pattern (a new picture every frame, like a webcam); the
# confirmations need a face, so the memory run uses the portrait.
camera=pattern
[ "$mode" = memory ] && camera="file:$PWD/.cache/testdata/astronaut.png"
export ZKDESK_READER="sim:$data/cards.json" ZKDESK_CAMERA=${ZKDESK_CAMERA:-$camera}
xvfb-run -a -s "-screen 0 1366x768x24" bash -c '
  tauri-driver --port $ZKDESK_DRIVER_PORT --native-port $((ZKDESK_DRIVER_PORT + 1)) >"$ZKDESK_ARTIFACTS/tauri-driver-bench.log" 2>&1 &
  driver=$!
  trap "kill $driver 2>/dev/null" EXIT
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$ZKDESK_DRIVER_PORT) 2>/dev/null && break; sleep 0.1; done
  cd ui && node bench/app-bench.mjs '"$mode"'
'
