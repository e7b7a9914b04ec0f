#!/usr/bin/env bash
# Makes sure pcscd runs with the vsmartcard-vpcd driver (readers "Virtual PCD 00 00/01" on
# TCP 35963/35964). There is no systemd here: start the daemon ourselves; idempotent.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
# Look at the listening sockets instead of connecting: a connection would be a card to vpcd.
listening() { grep -qi ':8C7B 00000000:0000 0A' /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
wait_listening() {
  for _ in $(seq 50); do listening && return 0; sleep 0.1; done
  return 1
}

listening && exit 0
# A pcscd that is starting (or stopping) gets a moment; one that never listens is replaced.
if pgrep -x pcscd >/dev/null && wait_listening; then exit 0; fi
as_root pkill -x pcscd 2>/dev/null || true
for _ in $(seq 50); do pgrep -x pcscd >/dev/null || break; sleep 0.1; done
as_root mkdir -p /run/pcscd
as_root pcscd
if wait_listening; then
  echo "pcscd: running, vpcd listening on 35963/35964"
else
  echo "pcscd: started but vpcd is not listening on 35963" >&2
  exit 1
fi
