#!/usr/bin/env bash
# Real photographs for the photo tests: the public-domain sample images that ship inside the
# scikit-image wheel on PyPI (astronaut.png is NASA's portrait of Eileen Collins), and the
# portraits of the face_recognition==1.3.0 sdist's tests (obama, obama2, obama3, biden) for the
# face tests. Idempotent. With --oracle, also OpenCV (opencv-python-headless 4.x, pinned) for
# the oracle test that checks our face pipeline against OpenCV's own.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/testdata
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

faces=(obama.jpg obama2.jpg obama3.jpg biden.jpg)
fr_sha256=5e5efdd1686aa566af0d3cc1313b131e4b197657a8ffd03669e6d3fad92705ec
missing=0
for f in "${faces[@]}"; do [ -f "$dest/faces/$f" ] || missing=1; done
if [ $missing = 1 ]; then
  mkdir -p "$dest/faces"
  python3 -m pip download --quiet --no-deps --no-binary :all: "face_recognition==1.3.0" -d "$tmp"
  echo "$fr_sha256  $(ls "$tmp"/face_recognition-1.3.0.tar.gz)" | sha256sum -c --quiet
  for f in "${faces[@]}"; do
    tar -xzf "$tmp"/face_recognition-1.3.0.tar.gz -O "face_recognition-1.3.0/tests/test_images/$f" > "$dest/faces/$f"
  done
  echo "testdata: ${faces[*]} in $dest/faces"
fi

if [ "${1:-}" = --oracle ]; then
  opencv=4.14.0.94
  if ! python3 -c "import cv2, sys; sys.exit(cv2.__version__ != '${opencv%.*}')" 2>/dev/null; then
    echo "testdata: pip install opencv-python-headless==$opencv (the oracle test)"
    python3 -m pip install --quiet "opencv-python-headless==$opencv"
  fi
fi

want=(astronaut.png camera.png chelsea.png coffee.png rocket.jpg)
missing=0
for f in "${want[@]}"; do [ -f "$dest/$f" ] || missing=1; done
[ $missing = 0 ] && exit 0
mkdir -p "$dest"
python3 -m pip download --quiet --no-deps --only-binary=:all: "scikit-image==0.24.0" -d "$tmp"
python3 - "$tmp" "$dest" "${want[@]}" <<'PY'
import glob, sys, zipfile
tmp, dest, names = sys.argv[1], sys.argv[2], sys.argv[3:]
z = zipfile.ZipFile(glob.glob(tmp + "/*.whl")[0])
for n in names:
    with open(f"{dest}/{n}", "wb") as out:
        out.write(z.read(f"skimage/data/{n}"))
PY
echo "testdata: ${want[*]} in $dest"
