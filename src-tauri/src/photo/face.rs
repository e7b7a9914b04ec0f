//! The photo pipeline's view of faces: YuNet boxes with five landmarks (see [`crate::face`]).

use image::RgbImage;

pub use crate::face::Face as FaceBox;

/// The model version stored with results that depend on it.
pub const MODEL_VERSION: &str = crate::face::DETECT_MODEL;

/// A handle on the process's face engine (the models load once, on first use).
#[derive(Clone, Copy)]
pub struct FaceDetector {
    engine: &'static crate::face::Engine,
}

impl FaceDetector {
    pub fn new() -> Self {
        FaceDetector { engine: crate::face::Engine::shared() }
    }

    pub fn engine(&self) -> &'static crate::face::Engine {
        self.engine
    }

    /// Faces in the image, best first, in the image's own coordinates.
    pub fn detect(&mut self, rgb: &RgbImage) -> Vec<FaceBox> {
        self.engine.detect(rgb)
    }
}

impl Default for FaceDetector {
    fn default() -> Self {
        Self::new()
    }
}
