//! Faces: detection with five landmarks (YuNet, 2023mar) and a 128-d embedding (SFace, 2021dec),
//! both published ONNX models embedded at build time and run in-process with tract.
//! Invariant: nothing is downloaded or read from disk at run time; the same image always gives
//! the same faces and the same embedding. Pure computation: no IO, no clock.

pub mod onnx;

use std::sync::OnceLock;

use image::{imageops, RgbImage};
use tract_onnx::prelude::*;

static YUNET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/face_detection_yunet_2023mar_int8bq.onnx"));
static SFACE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/face_recognition_sface_2021dec_int8bq.onnx"));
/// SHA-256 of the embedded files, as published (checked by a test).
pub const YUNET_SHA256: &str = "49f000ec501fef24739071fc7e68267d32209045b6822c0c72dce1da25726f10";
pub const SFACE_SHA256: &str = "fb143eea07838aa532d1c95df5f69899974ea0140e1fba05e94204be13ed74ee";

/// Stored with every match score (the province's `checks.face_match_model`).
pub const MATCH_MODEL: &str = "sface-2021dec";
/// The detector's name, for results that depend on it.
pub const DETECT_MODEL: &str = "yunet-2023mar";

/// YuNet's fixed input: images are scaled to fit and padded with black.
const DETECT_SIZE: usize = 640;
const STRIDES: [usize; 3] = [8, 16, 32];
const SCORE_THRESHOLD: f32 = 0.6;
const NMS_IOU: f32 = 0.3;
/// SFace's aligned input and where the five landmarks go in it (the ArcFace template).
const ALIGN: usize = 112;
const TEMPLATE: [[f32; 2]; 5] = [[38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041]];

/// One face in image coordinates. Landmarks in YuNet's order, as seen on screen: the eye on the
/// image's left, the eye on its right, the nose tip, the left and right mouth corners.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Face {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub landmarks: [[f32; 2]; 5],
    pub score: f32,
}

impl Face {
    pub fn left_eye(&self) -> [f32; 2] {
        self.landmarks[0]
    }
    pub fn right_eye(&self) -> [f32; 2] {
        self.landmarks[1]
    }
    pub fn nose(&self) -> [f32; 2] {
        self.landmarks[2]
    }
    /// Mean height of the two eyes.
    pub fn eye_y(&self) -> f32 {
        (self.landmarks[0][1] + self.landmarks[1][1]) / 2.0
    }
    pub fn eye_distance(&self) -> f32 {
        let [a, b] = [self.left_eye(), self.right_eye()];
        ((b[0] - a[0]).powi(2) + (b[1] - a[1]).powi(2)).sqrt()
    }
    /// Head tilt in degrees from the eye line (positive: the right eye lower).
    pub fn roll_degrees(&self) -> f32 {
        let [a, b] = [self.left_eye(), self.right_eye()];
        (b[1] - a[1]).atan2(b[0] - a[0]).to_degrees()
    }
    /// Turn to the side: where the nose sits between the eyes' midpoint and an eye, along the
    /// eye line (0 frontal, ±0.5 the nose under an eye).
    pub fn yaw(&self) -> f32 {
        let [a, b, n] = [self.left_eye(), self.right_eye(), self.nose()];
        let d = self.eye_distance().max(1e-3);
        let (ux, uy) = ((b[0] - a[0]) / d, (b[1] - a[1]) / d);
        let (mx, my) = ((a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0);
        ((n[0] - mx) * ux + (n[1] - my) * uy) / d
    }
    /// Nod: where the nose sits between the eye line and the mouth line (about 0.45 frontal;
    /// smaller looking up, larger looking down).
    pub fn pitch(&self) -> f32 {
        let eye = self.eye_y();
        let mouth = (self.landmarks[3][1] + self.landmarks[4][1]) / 2.0;
        (self.nose()[1] - eye) / (mouth - eye).max(1e-3)
    }
    /// Moves and scales the face (from a resized copy back to its source).
    fn scaled(mut self, s: f32) -> Face {
        self.x /= s;
        self.y /= s;
        self.w /= s;
        self.h /= s;
        for p in self.landmarks.iter_mut() {
            p[0] /= s;
            p[1] /= s;
        }
        self
    }
}

/// An L2-normalised SFace embedding.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding(pub Vec<f32>);

impl Embedding {
    /// Cosine similarity, −1..1 (the vectors are normalised).
    pub fn cosine(&self, other: &Embedding) -> f32 {
        self.0.iter().zip(&other.0).map(|(a, b)| a * b).sum()
    }
}

/// The two models, loaded once per process (≈ 0.2 s) and shared between threads.
pub struct Engine {
    yunet: onnx::Plan,
    sface: onnx::Plan,
}

static ENGINE: OnceLock<Engine> = OnceLock::new();

impl Engine {
    fn load() -> TractResult<Engine> {
        Ok(Engine {
            yunet: onnx::load(YUNET, "input", &[1, 3, DETECT_SIZE, DETECT_SIZE])?,
            sface: onnx::load(SFACE, "data", &[1, 3, ALIGN, ALIGN])?,
        })
    }

    /// The process's engine. The models are embedded and checked by the tests, so failing to
    /// load them is a broken build.
    pub fn shared() -> &'static Engine {
        ENGINE.get_or_init(|| Engine::load().expect("the embedded face models load"))
    }

    /// Faces in the image, best first, in the image's own coordinates.
    pub fn detect(&self, img: &RgbImage) -> Vec<Face> {
        if img.width() < 16 || img.height() < 16 {
            return Vec::new();
        }
        let (copy, s) = detection_copy(img);
        let src = copy.as_ref().unwrap_or(img);
        detect_raw(&self.yunet, src).into_iter().map(|f| f.scaled(s)).collect()
    }

    /// The embedding of `face` in `img` (aligned onto the template by its landmarks).
    pub fn embed(&self, img: &RgbImage, face: &Face) -> Embedding {
        let aligned = align(img, face);
        let input = Tensor::from_shape(&[1, 3, ALIGN, ALIGN], &planar(&aligned, false)).expect("shape matches");
        let out = self.sface.run(tvec![input.into()]).expect("SFace runs on a 112×112 input");
        let v: Vec<f32> = out[0].try_as_plain_ram().and_then(|t| t.as_slice::<f32>().map(|s| s.to_vec())).expect("f32 output");
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        Embedding(v.into_iter().map(|x| x / n).collect())
    }
}

/// The copy YuNet sees: the image scaled down (never up) to fit 640×640, and the scale
/// (`None` when the image fits as it is).
pub fn detection_copy(img: &RgbImage) -> (Option<RgbImage>, f32) {
    let (w, h) = img.dimensions();
    let s = (DETECT_SIZE as f32 / w as f32).min(DETECT_SIZE as f32 / h as f32);
    if s >= 1.0 {
        return (None, 1.0);
    }
    let (sw, sh) = (((w as f32 * s).round() as u32).clamp(1, 640), ((h as f32 * s).round() as u32).clamp(1, 640));
    (Some(imageops::resize(img, sw, sh, imageops::FilterType::Triangle)), sw as f32 / w as f32)
}

/// NCHW floats 0..255, in BGR order (YuNet, as OpenCV feeds it) or RGB (SFace).
fn planar(img: &RgbImage, bgr: bool) -> Vec<f32> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut out = vec![0f32; 3 * w * h];
    for (i, p) in img.pixels().enumerate() {
        for c in 0..3 {
            let plane = if bgr { 2 - c } else { c };
            out[plane * w * h + i] = p[c] as f32;
        }
    }
    out
}

fn iou(a: &Face, b: &Face) -> f32 {
    let x0 = a.x.max(b.x);
    let y0 = a.y.max(b.y);
    let x1 = (a.x + a.w).min(b.x + b.w);
    let y1 = (a.y + a.h).min(b.y + b.h);
    let inter = (x1 - x0).max(0.0) * (y1 - y0).max(0.0);
    inter / (a.w * a.h + b.w * b.h - inter).max(1e-6)
}

/// YuNet on an image that fits into 640×640 (padded at the right and bottom with black).
fn detect_raw(net: &onnx::Plan, img: &RgbImage) -> Vec<Face> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut data = vec![0f32; 3 * DETECT_SIZE * DETECT_SIZE];
    let plane = DETECT_SIZE * DETECT_SIZE;
    for (x, y, p) in img.enumerate_pixels() {
        let i = y as usize * DETECT_SIZE + x as usize;
        data[i] = p[2] as f32;
        data[plane + i] = p[1] as f32;
        data[2 * plane + i] = p[0] as f32;
    }
    let input = Tensor::from_shape(&[1, 3, DETECT_SIZE, DETECT_SIZE], &data).expect("shape matches");
    let out = net.run(tvec![input.into()]).expect("YuNet runs on a 640×640 input");
    let mut faces = Vec::new();
    for (k, &stride) in STRIDES.iter().enumerate() {
        let get = |j: usize| out[j].try_as_plain_ram().and_then(|t| t.as_slice::<f32>()).expect("f32 output");
        let (cls, obj, bbox, kps) = (get(k), get(3 + k), get(6 + k), get(9 + k));
        let cols = DETECT_SIZE / stride;
        for (idx, (&c, &o)) in cls.iter().zip(obj).enumerate() {
            let score = (c.clamp(0.0, 1.0) * o.clamp(0.0, 1.0)).sqrt();
            if score < SCORE_THRESHOLD {
                continue;
            }
            let (r, col) = ((idx / cols) as f32, (idx % cols) as f32);
            let s = stride as f32;
            let b = &bbox[idx * 4..idx * 4 + 4];
            let (cx, cy) = ((col + b[0]) * s, (r + b[1]) * s);
            let (bw, bh) = (b[2].exp() * s, b[3].exp() * s);
            let mut landmarks = [[0f32; 2]; 5];
            for (n, l) in landmarks.iter_mut().enumerate() {
                *l = [(kps[idx * 10 + 2 * n] + col) * s, (kps[idx * 10 + 2 * n + 1] + r) * s];
            }
            let f = Face { x: cx - bw / 2.0, y: cy - bh / 2.0, w: bw, h: bh, landmarks, score };
            // A face centred in the black padding is not in the picture.
            if f.x + f.w / 2.0 < w as f32 && f.y + f.h / 2.0 < h as f32 {
                faces.push(f);
            }
        }
    }
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept: Vec<Face> = Vec::new();
    for f in faces {
        if kept.iter().all(|k| iou(k, &f) <= NMS_IOU) {
            kept.push(f);
        }
    }
    kept
}

/// The similarity transform (scale, rotation, shift) that best carries `src` onto the template,
/// by least squares: [a −b; b a]·p + t.
pub fn similarity(src: &[[f32; 2]; 5]) -> [f32; 6] {
    let n = 5.0;
    let (mut sx, mut sy, mut dx, mut dy) = (0.0, 0.0, 0.0, 0.0);
    for (p, q) in src.iter().zip(&TEMPLATE) {
        sx += p[0];
        sy += p[1];
        dx += q[0];
        dy += q[1];
    }
    let (sx, sy, dx, dy) = (sx / n, sy / n, dx / n, dy / n);
    let (mut num_a, mut num_b, mut den) = (0.0, 0.0, 0.0);
    for (p, q) in src.iter().zip(&TEMPLATE) {
        let (px, py, qx, qy) = (p[0] - sx, p[1] - sy, q[0] - dx, q[1] - dy);
        num_a += px * qx + py * qy;
        num_b += px * qy - py * qx;
        den += px * px + py * py;
    }
    let (a, b) = (num_a / den.max(1e-9), num_b / den.max(1e-9));
    [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)]
}

/// The face warped onto the 112×112 template (bilinear, black outside the image).
pub fn align(img: &RgbImage, face: &Face) -> RgbImage {
    let [a, nb, tx, b, _, ty] = similarity(&face.landmarks);
    // Inverse of [a −b; b a]: [a b; −b a] / (a² + b²).
    let det = (a * a + b * b).max(1e-12);
    let (w, h) = (img.width() as i64, img.height() as i64);
    let px = |x: i64, y: i64, c: usize| -> f32 {
        if x < 0 || y < 0 || x >= w || y >= h {
            0.0
        } else {
            img.get_pixel(x as u32, y as u32)[c] as f32
        }
    };
    RgbImage::from_fn(ALIGN as u32, ALIGN as u32, |u, v| {
        let (du, dv) = (u as f32 - tx, v as f32 - ty);
        let sx = (a * du - nb * dv) / det;
        let sy = (-b * du + a * dv) / det;
        let (x0, y0) = (sx.floor(), sy.floor());
        let (fx, fy) = (sx - x0, sy - y0);
        let (x0, y0) = (x0 as i64, y0 as i64);
        let mut out = [0u8; 3];
        for (c, o) in out.iter_mut().enumerate() {
            let top = px(x0, y0, c) * (1.0 - fx) + px(x0 + 1, y0, c) * fx;
            let bottom = px(x0, y0 + 1, c) * (1.0 - fx) + px(x0 + 1, y0 + 1, c) * fx;
            *o = (top * (1.0 - fy) + bottom * fy).round().clamp(0.0, 255.0) as u8;
        }
        image::Rgb(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn the_embedded_models_are_the_published_files() {
        assert_eq!(hex::encode(Sha256::digest(YUNET)), YUNET_SHA256);
        assert_eq!(hex::encode(Sha256::digest(SFACE)), SFACE_SHA256);
    }

    #[test]
    fn the_template_aligns_onto_itself() {
        let m = similarity(&TEMPLATE);
        for (v, e) in m.iter().zip([1.0, 0.0, 0.0, 0.0, 1.0, 0.0]) {
            assert!((v - e).abs() < 1e-3, "{m:?}");
        }
    }

    #[test]
    fn a_blank_image_has_no_face() {
        assert!(Engine::shared().detect(&RgbImage::from_pixel(320, 240, image::Rgb([90, 140, 200]))).is_empty());
    }
}
