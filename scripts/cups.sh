#!/usr/bin/env bash
# Makes sure CUPS runs with two test printers (no systemd here: start cupsd ourselves; idempotent):
#   ZKDESK-PDF  a real CUPS queue printing to PDF files (cups-pdf), for the printing tests;
#   ZKDESK-OFF  the same, disabled, for the "printer offline" path.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
up() { lpstat -r 2>/dev/null | grep -q "is running"; }

if ! up; then
  as_root mkdir -p /run/cups
  as_root cupsd
  for _ in $(seq 50); do up && break; sleep 0.1; done
fi
up || { echo "cups: cupsd did not start" >&2; exit 1; }
ppd=$(ls /usr/share/ppd/cups-pdf/*.ppd 2>/dev/null | head -1)
for p in ZKDESK-PDF ZKDESK-OFF; do
  lpstat -p "$p" >/dev/null 2>&1 || as_root lpadmin -p "$p" -v cups-pdf:/ -E ${ppd:+-P "$ppd"}
done
as_root cupsdisable ZKDESK-OFF
as_root cupsenable ZKDESK-PDF
echo "cups: running, printers ZKDESK-PDF (enabled) and ZKDESK-OFF (disabled)"
