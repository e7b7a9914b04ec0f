#!/usr/bin/env bash
# Starts the demo: the province simulator on loopback (seeded, state kept in the data dir), the
# station enrolled and synced on first run, a demo supervisor, then the desktop app.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${ZKDESK_DATA_DIR:-$PWD/demo-data}
port=${ZKDESK_SIM_PORT:-18080}
zkctl=target/debug/zkctl
app=target/debug/zkdesk
mkdir -p "$data"

target/debug/province-sim --port "$port" --db "$data/province-sim.sqlite3" --seed-registrations 2000 --county 420102 >"$data/province-sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null || true' EXIT
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
kill -0 $sim 2>/dev/null || { echo "province-sim did not start; see $data/province-sim.log" >&2; exit 1; }

# The store is encrypted: the first `staff add` on an empty directory creates it (and prints the
# recovery key once); every later command logs in as the demo supervisor.
export ZKDESK_SUPERVISOR_PASSWORD=zkdesk-demo
if [ ! -f "$data/keyring.json" ] && [ ! -f "$data/zkdesk.sqlite3" ]; then
  ZKDESK_NEW_PASSWORD=zkdesk-demo $zkctl --data-dir "$data" staff add --id A001 --name 演示主管 --role supervisor
fi
if ! $zkctl --data-dir "$data" station show --supervisor A001 >/dev/null 2>&1; then
  code=$(sed -n 's/.*enrollment code for [0-9]*: //p' "$data/province-sim.log" | head -1)
  ZKDESK_SUPERVISOR_PASSWORD=zkdesk-demo $zkctl --data-dir "$data" station enroll --supervisor A001 --server "http://127.0.0.1:$port/api/county/v1" --code "$code" --device-name 演示工作站
fi
$zkctl --data-dir "$data" sync --supervisor A001 || echo "zkdesk: first sync did not finish; the app retries in the background"
# Simulated devices: sample cards from the cache for the reader, a real portrait for the camera.
[ -f "$data/cards.json" ] || ZKDESK_SUPERVISOR_PASSWORD=zkdesk-demo $zkctl --data-dir "$data" card samples --supervisor A001 -o "$data/cards.json" >/dev/null
camera=pattern
[ -f .cache/testdata/astronaut.png ] && camera="file:$PWD/.cache/testdata/astronaut.png"
export ZKDESK_READER=${ZKDESK_READER:-sim:$data/cards.json} ZKDESK_CAMERA=${ZKDESK_CAMERA:-$camera}

echo "zkdesk: data in $data; province simulator on 127.0.0.1:$port"
echo "zkdesk: log in as 工号 A001, 密码 zkdesk-demo"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "zkdesk: no display found; starting on a virtual X display (xvfb-run)"
  xvfb-run -a -s "-screen 0 1280x800x24" "$app" --data-dir "$data"
else
  "$app" --data-dir "$data"
fi
