"""OpenCV's own face pipeline (YuNet via cv2.FaceDetectorYN, SFace via cv2.FaceRecognizerSF),
the oracle for tests/tests/faces.rs. opencv-python-headless 4.x (scripts/testdata.sh --oracle).

usage: opencv_faces.py YUNET SFACE (DETECT_PNG ORIGINAL SCALE)...
Detects on DETECT_PNG (the very copy our detector sees), scales the landmarks back by SCALE to
ORIGINAL, aligns and embeds there, as our pipeline does. Prints JSON: for each image, the faces
in DETECT_PNG's coordinates [x, y, w, h, 10 landmark coordinates, score] and the first face's
128-d feature (L2-normalised).
"""
import json
import sys

import cv2
import numpy as np

yunet, sface, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
rec = cv2.FaceRecognizerSF.create(sface, "")
out = []
for i in range(0, len(rest), 3):
    det_path, orig_path, scale = rest[i], rest[i + 1], float(rest[i + 2])
    small = cv2.imread(det_path)
    h, w = small.shape[:2]
    det = cv2.FaceDetectorYN.create(yunet, "", (w, h), 0.6, 0.3, 5000)
    _, faces = det.detect(small)
    faces = [] if faces is None else faces
    entry = {"faces": [[float(v) for v in f] for f in faces], "feature": None}
    if len(faces):
        f = np.array(faces[0], dtype=np.float32).copy()
        f[:14] /= scale
        al = rec.alignCrop(cv2.imread(orig_path), f)
        feat = rec.feature(al).flatten()
        entry["feature"] = [float(v) for v in feat / np.linalg.norm(feat)]
    out.append(entry)
print(json.dumps({"opencv": cv2.__version__, "images": out}))
