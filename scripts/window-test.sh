#!/usr/bin/env bash
# The real Tauri window under Xvfb, driven through WebDriver (tauri-driver → WebKitWebDriver).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
data=$(mktemp -d /tmp/zkdesk-window-XXXXXX)
ZKDESK_NEW_PASSWORD=window-test-pw target/debug/zkctl --data-dir "$data" staff add --id A001 --name 窗口主管 --role supervisor >/dev/null
export ZKDESK_APP="$PWD/target/debug/zkdesk" ZKDESK_DATA_DIR="$data" ZKDESK_ARTIFACTS="$PWD/artifacts"
# xvfb-run gives the driver, WebKit and the app one private X display.
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  tauri-driver --port 4444 >"$ZKDESK_ARTIFACTS/tauri-driver.log" 2>&1 &
  driver=$!
  trap "kill $driver 2>/dev/null" EXIT
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/4444) 2>/dev/null && break; sleep 0.1; done
  cd ui && node --test --test-reporter=spec e2e-window/
'
