//! The standard photo (Hubei): JPEG, 480×640, 300 dpi in the JFIF header, 20–40 KB, blue
//! background, one frontal face, eyes 30–50% of the height from the top (placed by YuNet's eye
//! landmarks).
//! Invariant: every photo [`make`] returns meets size, dpi and byte range exactly; face and
//! background problems are reported as checks (pass / warn / fail), never silently passed.

pub mod checks;
pub mod crop;
pub mod encode;
pub mod face;

use image::{DynamicImage, RgbImage};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use checks::{Check, Outcome};

pub const WIDTH: u32 = 480;
pub const HEIGHT: u32 = 640;
pub const DPI: u16 = 300;
pub const MIN_BYTES: usize = 20_000;
pub const MAX_BYTES: usize = 40_000;

/// Thresholds that a province may tune.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Spec {
    /// Eye line, as a fraction of the height from the top (the spec says 0.30–0.50).
    pub eye_line: f32,
    pub eye_line_min: f32,
    pub eye_line_max: f32,
    /// YuNet face box height (forehead to chin) as a fraction of the photo height.
    pub face_height: f32,
    /// A face smaller than this (pixels, in the source) is too small to crop from.
    pub min_face_px: u32,
}

impl Default for Spec {
    fn default() -> Self {
        Spec { eye_line: 0.40, eye_line_min: 0.30, eye_line_max: 0.50, face_height: 0.36, min_face_px: 80 }
    }
}

/// A finished spec photo and what the checks found.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SpecPhoto {
    #[serde(skip)]
    #[ts(skip)]
    pub jpeg: Vec<u8>,
    pub bytes: usize,
    pub width: u32,
    pub height: u32,
    pub dpi: u16,
    pub face_count: u32,
    /// blue | white | red | other
    pub background: String,
    pub checks: Vec<Check>,
    /// The face the checks and the match are about, in the spec photo's coordinates.
    #[serde(skip)]
    #[ts(skip)]
    pub face: Option<face::FaceBox>,
    /// The face's landmarks in the spec photo (eye on the image's left, eye on its right, nose,
    /// mouth corners), for the screen and `zkctl photo make`.
    #[ts(type = "Array<[number, number]> | null")]
    pub landmarks: Option<Vec<[f32; 2]>>,
    /// The SFace embedding of the face, taken from the source image (for the match score).
    #[serde(skip)]
    #[ts(skip)]
    pub embedding: Option<crate::face::Embedding>,
}

impl SpecPhoto {
    /// No check failed (warnings a supervisor may accept).
    pub fn acceptable(&self) -> bool {
        self.checks.iter().all(|c| c.result != Outcome::Fail)
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PhotoError {
    #[error("cannot decode the image: {0}")]
    Decode(String),
    #[error("cannot encode a JPEG within {MIN_BYTES}–{MAX_BYTES} bytes: {0}")]
    Size(String),
}

impl PhotoError {
    pub fn message(&self) -> &'static str {
        match self {
            PhotoError::Decode(_) => "无法读取照片文件（格式不支持或文件已损坏）",
            PhotoError::Size(_) => "无法生成符合大小要求（20–40 KB）的照片，请重新拍摄",
        }
    }
}

/// Decodes any common image file.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, PhotoError> {
    image::load_from_memory(bytes).map_err(|e| PhotoError::Decode(e.to_string()))
}

/// Any photograph → the spec JPEG plus its checks, and the face's embedding for the match
/// (computed on a second thread while the crop is cut and encoded).
pub fn make(input: &DynamicImage, spec: &Spec, detector: &mut face::FaceDetector) -> Result<SpecPhoto, PhotoError> {
    let rgb: RgbImage = input.to_rgb8();
    let faces = detector.detect(&rgb);
    let plan = crop::plan(rgb.width(), rgb.height(), faces.first().copied(), spec);
    let engine = detector.engine();
    let (out, jpeg, embedding) = std::thread::scope(|scope| {
        let embedding = faces.first().map(|f| scope.spawn(|| engine.embed(&rgb, f)));
        let out = crop::apply(&rgb, &plan);
        let jpeg = encode::jpeg_in_range(&out);
        (out, jpeg, embedding.map(|h| h.join().expect("the embedding thread does not panic")))
    });
    let jpeg = jpeg?;
    let mut list = Vec::new();
    list.push(checks::face_count(faces.len()));
    if let Some(f) = faces.first() {
        list.push(checks::face_size(f, spec));
        list.push(checks::position(&plan));
        list.push(checks::pose(f));
        list.push(checks::looking(f));
    }
    let (background, bg_checks) = checks::background(&out, plan.face_in_output.as_ref());
    list.extend(bg_checks);
    list.push(checks::exposure(&out, plan.face_in_output.as_ref()));
    list.push(checks::sharpness(&out, plan.face_in_output.as_ref()));
    Ok(SpecPhoto {
        bytes: jpeg.len(),
        jpeg,
        width: WIDTH,
        height: HEIGHT,
        dpi: DPI,
        face_count: faces.len() as u32,
        background,
        checks: list,
        landmarks: plan.face_in_output.map(|f| f.landmarks.to_vec()),
        face: plan.face_in_output,
        embedding,
    })
}

/// The face match score (cosine) of a spec photo's face against the best face of `other`;
/// `None` when either has no face.
pub fn compare(made: &SpecPhoto, other: &DynamicImage) -> Option<f64> {
    let live = made.embedding.as_ref()?;
    let engine = crate::face::Engine::shared();
    let rgb = other.to_rgb8();
    let f = engine.detect(&rgb).into_iter().next()?;
    Some(live.cosine(&engine.embed(&rgb, &f)) as f64)
}
