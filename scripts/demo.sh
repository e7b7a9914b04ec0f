#!/usr/bin/env bash
# Starts the desktop app on the demo data directory, creating the demo supervisor on first run.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${ZKDESK_DATA_DIR:-$PWD/demo-data}
zkctl=target/debug/zkctl
app=target/debug/zkdesk

if [ "$($zkctl --data-dir "$data" --json status | sed -n 's/.*"staff":\([0-9]*\).*/\1/p')" = 0 ]; then
  ZKDESK_NEW_PASSWORD=zkdesk-demo $zkctl --data-dir "$data" staff add --id A001 --name 演示主管 --role supervisor
fi
echo "zkdesk: data in $data; log in as 工号 A001, 密码 zkdesk-demo"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "zkdesk: no display found; starting on a virtual X display (xvfb-run)"
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$app" --data-dir "$data"
fi
exec "$app" --data-dir "$data"
