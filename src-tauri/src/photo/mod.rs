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
    /// A JPEG whose data stops before its end marker, or whose structure is broken.
    #[error("the JPEG is truncated or corrupt: {0}")]
    Corrupt(String),
    #[error("cannot encode a JPEG within {MIN_BYTES}–{MAX_BYTES} bytes: {0}")]
    Size(String),
}

impl PhotoError {
    pub fn message(&self) -> &'static str {
        match self {
            PhotoError::Decode(_) => "无法读取照片文件（格式不支持或文件已损坏）",
            PhotoError::Corrupt(_) => "照片文件不完整或已损坏（可能未传输完），请重新拍摄或重新导出照片",
            PhotoError::Size(_) => "无法生成符合大小要求（20–40 KB）的照片，请重新拍摄",
        }
    }
}

/// Largest photo file we decode, and its largest side (a phone photo is ~5 MB, 4000 px).
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
pub const MAX_SIDE: u32 = 12_000;

/// Decodes any common image file, upright: a JPEG must be whole (its entropy data must reach
/// the end marker — decoders silently paint the missing part grey), and the EXIF orientation
/// a phone writes is applied.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, PhotoError> {
    use image::ImageDecoder;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(PhotoError::Decode(format!("{} bytes, more than {MAX_FILE_BYTES}", bytes.len())));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_structure(bytes).map_err(PhotoError::Corrupt)?;
    }
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| PhotoError::Decode(e.to_string()))?;
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| PhotoError::Decode(e.to_string()))?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| PhotoError::Decode(e.to_string()))?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// Walks a JPEG's markers from SOI: segments by their lengths, entropy-coded data up to the
/// next marker, until EOI. `Err` when the file ends first or a segment does not fit.
/// (Bytes after EOI — a phone's appended data — are allowed.)
pub fn jpeg_structure(b: &[u8]) -> Result<(), String> {
    let mut i = 2;
    let mut scans = 0;
    loop {
        // Markers may be preceded by fill bytes 0xFF.
        if i >= b.len() {
            return Err(format!("ends after {} of its bytes without an end marker (truncated)", b.len()));
        }
        if b[i] != 0xFF {
            return Err(format!("no marker at byte {i}"));
        }
        while i < b.len() && b[i] == 0xFF {
            i += 1;
        }
        let Some(&m) = b.get(i) else {
            return Err("ends inside a marker (truncated)".into());
        };
        i += 1;
        match m {
            0xD9 if scans > 0 => return Ok(()),
            0xD9 => return Err("end marker before any image data".into()),
            0x01 | 0xD0..=0xD7 => continue,
            0x00 => return Err(format!("stray 0xFF00 at byte {}", i - 2)),
            _ => {}
        }
        let Some(len) = b.get(i..i + 2).map(|l| u16::from_be_bytes([l[0], l[1]]) as usize) else {
            return Err("ends inside a segment header (truncated)".into());
        };
        if len < 2 || i + len > b.len() {
            return Err(format!("segment {m:02X} at byte {} runs past the end (truncated)", i - 2));
        }
        i += len;
        if m == 0xDA {
            scans += 1;
            // Entropy-coded data: runs to the next marker that is not stuffing (FF00) or a restart.
            loop {
                match b.get(i..i + 2) {
                    None => return Err(format!("image data ends after {} bytes without an end marker (truncated)", b.len())),
                    Some([0xFF, n]) if *n == 0x00 || (0xD0..=0xD7).contains(n) || *n == 0xFF => i += if *n == 0xFF { 1 } else { 2 },
                    Some([0xFF, _]) => break,
                    Some(_) => i += 1,
                }
            }
        }
    }
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
    if let Some(f) = plan.face_in_output.as_ref() {
        list.push(checks::eyes(&out, f));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg() -> Vec<u8> {
        let img = RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 128]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
        out
    }

    #[test]
    fn a_whole_jpeg_passes_the_structure_walk_and_every_cut_fails_it() {
        let j = jpeg();
        assert_eq!(jpeg_structure(&j), Ok(()));
        for keep in [3, 10, j.len() / 4, j.len() / 2, j.len() * 3 / 4, j.len() - 2, j.len() - 1] {
            assert!(jpeg_structure(&j[..keep]).is_err(), "cut at {keep}");
            assert!(matches!(decode(&j[..keep]), Err(PhotoError::Corrupt(_)) | Err(PhotoError::Decode(_))), "cut at {keep}");
        }
        let mut broken = j.clone();
        broken[2] = 0x00;
        assert!(jpeg_structure(&broken).is_err());
    }

    #[test]
    fn a_huge_file_is_refused_before_decoding() {
        let big = vec![0u8; MAX_FILE_BYTES + 1];
        assert!(matches!(decode(&big), Err(PhotoError::Decode(_))));
    }
}
