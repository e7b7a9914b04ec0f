#!/usr/bin/env bash
# Real photographs for the photo tests: the public-domain sample images that ship inside the
# scikit-image wheel on PyPI (astronaut.png is NASA's portrait of Eileen Collins). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/testdata
want=(astronaut.png camera.png chelsea.png coffee.png rocket.jpg)
missing=0
for f in "${want[@]}"; do [ -f "$dest/$f" ] || missing=1; done
[ $missing = 0 ] && exit 0
mkdir -p "$dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
