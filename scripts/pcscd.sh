#!/usr/bin/env bash
# Makes sure pcscd runs with the vsmartcard-vpcd driver (readers "Virtual PCD 00 00/01" on
# TCP 35963/35964). There is no systemd here: start the daemon ourselves; idempotent.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if pgrep -x pcscd >/dev/null; then
  exit 0
fi
as_root mkdir -p /run/pcscd
as_root pcscd
for _ in $(seq 50); do
  (exec 3<>/dev/tcp/127.0.0.1/35963) 2>/dev/null && { echo "pcscd: running, vpcd listening"; exit 0; }
  sleep 0.1
done
echo "pcscd: started but vpcd is not listening on 35963" >&2
exit 1
