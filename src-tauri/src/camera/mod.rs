//! Cameras behind one trait: a real webcam through nokhwa (V4L2 on Linux; Media Foundation and
//! AVFoundation through nokhwa's native features elsewhere), a still file, or a moving test
//! pattern. Invariant: a source runs on its own thread ([`preview::Preview`]); callers only read
//! the latest frame and never wait for the device.

pub mod pattern;
pub mod preview;

use image::RgbImage;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A camera choice, as stored in 设置: `webcam[:INDEX][@WIDTHxHEIGHT]`, `file:PATH`, `pattern`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraSpec {
    /// Without a resolution, the camera's highest frame rate at its highest resolution.
    Webcam {
        index: u32,
        resolution: Option<(u32, u32)>,
    },
    File {
        path: String,
    },
    Pattern,
}

impl CameraSpec {
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s == "pattern" {
            return Ok(CameraSpec::Pattern);
        }
        if let Some(rest) = s.strip_prefix("webcam") {
            let (index, res) = match rest.split_once('@') {
                Some((i, r)) => (i, Some(r)),
                None => (rest, None),
            };
            let index = match index.strip_prefix(':') {
                Some(i) => i.parse().map_err(|_| format!("bad camera index {i:?}"))?,
                None if index.is_empty() => 0,
                None => return Err(format!("unknown camera {s:?}")),
            };
            let resolution = match res {
                None => None,
                Some(r) => {
                    let (w, h) = r.split_once('x').ok_or_else(|| format!("bad resolution {r:?}: use WIDTHxHEIGHT"))?;
                    Some((w.parse().map_err(|_| format!("bad width {w:?}"))?, h.parse().map_err(|_| format!("bad height {h:?}"))?))
                }
            };
            return Ok(CameraSpec::Webcam { index, resolution });
        }
        if let Some(p) = s.strip_prefix("file:") {
            return Ok(CameraSpec::File { path: p.to_string() });
        }
        Err(format!("unknown camera {s:?}: use webcam[:INDEX], file:PATH or pattern"))
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CameraError {
    #[error("no camera: {0}")]
    NotFound(String),
    #[error("camera failed: {0}")]
    Failed(String),
}

impl CameraError {
    pub fn message(&self) -> &'static str {
        match self {
            CameraError::NotFound(_) => "未找到摄像头，请检查连接",
            CameraError::Failed(_) => "摄像头工作异常，正在重试",
        }
    }
}

/// Something that gives frames. Not `Send`: webcams are opened and read on the camera thread.
pub trait Source {
    fn frame(&mut self) -> Result<RgbImage, CameraError>;
}

/// A still photo, repeated (for the demo and tests).
pub struct FileSource {
    img: RgbImage,
}

impl FileSource {
    pub fn open(path: &str) -> Result<Self, CameraError> {
        let img = image::open(path).map_err(|e| CameraError::NotFound(format!("{path}: {e}")))?.to_rgb8();
        Ok(FileSource { img })
    }
}

impl Source for FileSource {
    fn frame(&mut self) -> Result<RgbImage, CameraError> {
        Ok(self.img.clone())
    }
}

/// A webcam through nokhwa.
pub struct Webcam {
    cam: nokhwa::Camera,
}

impl Webcam {
    pub fn open(index: u32, resolution: Option<(u32, u32)>) -> Result<Self, CameraError> {
        use nokhwa::pixel_format::RgbFormat;
        use nokhwa::utils::{CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType, Resolution};
        let wanted = match resolution {
            // The closest MJPEG mode to the chosen size (MJPEG keeps USB bandwidth low at 15+ fps).
            Some((w, h)) => RequestedFormatType::Closest(CameraFormat::new(Resolution::new(w, h), FrameFormat::MJPEG, 30)),
            None => RequestedFormatType::AbsoluteHighestResolution,
        };
        let format = RequestedFormat::new::<RgbFormat>(wanted);
        let mut cam = nokhwa::Camera::new(CameraIndex::Index(index), format).map_err(|e| CameraError::NotFound(e.to_string()))?;
        cam.open_stream().map_err(|e| CameraError::Failed(e.to_string()))?;
        Ok(Webcam { cam })
    }
}

impl Source for Webcam {
    fn frame(&mut self) -> Result<RgbImage, CameraError> {
        use nokhwa::pixel_format::RgbFormat;
        let buf = self.cam.frame().map_err(|e| CameraError::Failed(e.to_string()))?;
        buf.decode_image::<RgbFormat>().map_err(|e| CameraError::Failed(e.to_string()))
    }
}

/// Cameras the system knows (empty when there is none).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CameraInfo {
    pub spec: String,
    pub name: String,
}

pub fn list() -> Vec<CameraInfo> {
    let mut out: Vec<CameraInfo> = nokhwa::query(nokhwa::utils::ApiBackend::Auto)
        .unwrap_or_default()
        .into_iter()
        .map(|c| CameraInfo { spec: format!("webcam:{}", c.index().as_index().unwrap_or(0)), name: c.human_name() })
        .collect();
    // Common counter resolutions for each webcam, so 设置 can choose one.
    let sized: Vec<CameraInfo> = out
        .iter()
        .flat_map(|c| {
            [(1280, 720), (640, 480)]
                .map(|(w, h)| CameraInfo { spec: format!("{}@{w}x{h}", c.spec), name: format!("{}（{w}×{h}）", c.name) })
        })
        .collect();
    out.extend(sized);
    out.push(CameraInfo { spec: "pattern".into(), name: "测试图案".into() });
    out
}

/// Opens the source a spec names.
pub fn open(spec: &CameraSpec) -> Result<Box<dyn Source>, CameraError> {
    Ok(match spec {
        CameraSpec::Webcam { index, resolution } => Box::new(Webcam::open(*index, *resolution)?),
        CameraSpec::File { path } => Box::new(FileSource::open(path)?),
        CameraSpec::Pattern => Box::new(pattern::Pattern::new(640, 480)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse() {
        assert_eq!(CameraSpec::parse("webcam").unwrap(), CameraSpec::Webcam { index: 0, resolution: None });
        assert_eq!(CameraSpec::parse("webcam:2").unwrap(), CameraSpec::Webcam { index: 2, resolution: None });
        assert_eq!(CameraSpec::parse("webcam:1@1280x720").unwrap(), CameraSpec::Webcam { index: 1, resolution: Some((1280, 720)) });
        assert_eq!(CameraSpec::parse("pattern").unwrap(), CameraSpec::Pattern);
        assert_eq!(CameraSpec::parse("file:/x.png").unwrap(), CameraSpec::File { path: "/x.png".into() });
        assert!(CameraSpec::parse("webcam:1@big").is_err());
        assert!(CameraSpec::parse("webcamz").is_err());
        assert!(CameraSpec::parse("usb").is_err());
    }

    #[test]
    fn no_webcam_is_a_clear_error() {
        // No camera on test machines: opening one fails with the staff message, never a panic.
        if let Err(e) = open(&CameraSpec::Webcam { index: 7, resolution: None }) {
            assert_eq!(e.message(), "未找到摄像头，请检查连接");
        }
    }
}
