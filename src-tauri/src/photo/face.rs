//! Face boxes with SeetaFace (rustface); the model is embedded at build time from the crate.

use image::{imageops, GrayImage, RgbImage};

static MODEL: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/seeta_fd_frontal_v1.0.bin"));
/// Detection runs on a copy at most this wide: enough for a face at the counter, and fast.
const DETECT_WIDTH: u32 = 640;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceBox {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub score: f64,
}

pub struct FaceDetector {
    inner: Box<dyn rustface::Detector>,
}

/// The model version stored with results that depend on it.
pub const MODEL_VERSION: &str = "seeta_fd_frontal_v1.0";

impl FaceDetector {
    pub fn new() -> Self {
        let model = rustface::read_model(MODEL).expect("the embedded SeetaFace model is valid");
        let mut inner = rustface::create_detector_with_model(model);
        inner.set_min_face_size(24);
        inner.set_score_thresh(2.0);
        inner.set_pyramid_scale_factor(0.8);
        inner.set_slide_window_step(4, 4);
        FaceDetector { inner }
    }

    /// Faces in the image, largest first, in the image's own coordinates.
    pub fn detect(&mut self, rgb: &RgbImage) -> Vec<FaceBox> {
        let (w, h) = rgb.dimensions();
        if w < 24 || h < 24 {
            return Vec::new();
        }
        let scale = if w > DETECT_WIDTH { DETECT_WIDTH as f32 / w as f32 } else { 1.0 };
        let gray: GrayImage = imageops::grayscale(rgb);
        let gray = if scale < 1.0 {
            imageops::resize(&gray, DETECT_WIDTH, ((h as f32 * scale).round() as u32).max(1), imageops::FilterType::Triangle)
        } else {
            gray
        };
        let data = rustface::ImageData::new(gray.as_raw(), gray.width(), gray.height());
        let mut faces: Vec<FaceBox> = self
            .inner
            .detect(&data)
            .into_iter()
            .map(|f| {
                let b = f.bbox();
                FaceBox {
                    x: b.x() as f32 / scale,
                    y: b.y() as f32 / scale,
                    w: b.width() as f32 / scale,
                    h: b.height() as f32 / scale,
                    score: f.score(),
                }
            })
            .collect();
        faces.sort_by(|a, b| (b.w * b.h).total_cmp(&(a.w * a.h)));
        faces
    }
}

impl Default for FaceDetector {
    fn default() -> Self {
        Self::new()
    }
}
