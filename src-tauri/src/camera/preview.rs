//! The preview loop: grabs frames on its own thread at the target rate and keeps the latest
//! full frame for capture; the UI's small JPEG is made from it on request. Unplug → an error
//! state and retries.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use image::{imageops, RgbImage};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{open, CameraSpec};

pub const PREVIEW_W: u32 = 640;
pub const PREVIEW_H: u32 = 480;
pub const FPS: u32 = 15;

#[derive(Debug, Clone, Serialize, Deserialize, TS, PartialEq)]
pub struct CameraState {
    pub ok: bool,
    /// For the status bar, in Chinese.
    pub message: String,
    pub frames: u64,
}

/// The newest frame, and its preview JPEG once someone asked for it. Encoding only on request
/// keeps the camera thread cheap while no page shows the preview.
#[derive(Default)]
struct Latest {
    full: Option<Arc<RgbImage>>,
    seq: u64,
    jpeg: Option<(u64, Arc<Vec<u8>>)>,
}

pub struct Preview {
    latest: Arc<Mutex<Latest>>,
    state: Arc<Mutex<CameraState>>,
    frames: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// A JPEG of any image at preview quality.
pub fn jpeg_of(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 * 1024);
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(img);
    out
}

/// The small JPEG the UI draws (a binary body, never base64 in JSON).
///
/// Cost matters: this runs up to 15 times a second while the counter is shown. A frame that
/// already has the preview size is encoded as it is (no copy); a larger one is cut to its middle
/// 4:3 as a view (no copy) and scaled with `thumbnail`'s integer area average, which is several
/// times cheaper than a filtered resize and looks the same at preview size.
pub fn preview_jpeg(frame: &RgbImage) -> Vec<u8> {
    let mut out = Vec::with_capacity(48 * 1024);
    let encode = |img: &RgbImage, out: &mut Vec<u8>| {
        let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(out, 70).encode_image(img);
    };
    if frame.dimensions() == (PREVIEW_W, PREVIEW_H) {
        encode(frame, &mut out);
        return out;
    }
    // Keep the proportions: the middle 4:3 of the frame, then scaled.
    let (w, h) = frame.dimensions();
    let (cw, ch) = if w * 3 > h * 4 { (h * 4 / 3, h) } else { (w, w * 3 / 4) };
    let window = imageops::crop_imm(frame, (w - cw) / 2, (h - ch) / 2, cw.max(1), ch.max(1));
    let small = if cw >= PREVIEW_W && ch >= PREVIEW_H {
        imageops::thumbnail(&*window, PREVIEW_W, PREVIEW_H)
    } else {
        // Smaller than the preview (a still photo in the demo): a cheap nearest-neighbour blow-up.
        imageops::resize(&*window, PREVIEW_W, PREVIEW_H, imageops::FilterType::Nearest)
    };
    encode(&small, &mut out);
    out
}

impl Preview {
    pub fn start(spec: CameraSpec) -> Self {
        let latest = Arc::new(Mutex::new(Latest::default()));
        let state = Arc::new(Mutex::new(CameraState { ok: false, message: "摄像头启动中".into(), frames: 0 }));
        let frames = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (l, s, f, st) = (latest.clone(), state.clone(), frames.clone(), stop.clone());
        let thread = std::thread::Builder::new().name("camera".into()).spawn(move || run(spec, l, s, f, st)).expect("spawn camera thread");
        Preview { latest, state, frames, stop, thread: Some(thread) }
    }

    /// The latest preview JPEG, if any frame has arrived (encoded once per frame, on first request).
    pub fn jpeg(&self) -> Option<Arc<Vec<u8>>> {
        let (frame, seq) = {
            let l = self.latest.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((s, j)) = &l.jpeg {
                if *s == l.seq {
                    return Some(j.clone());
                }
            }
            (l.full.clone()?, l.seq)
        };
        let jpeg = Arc::new(preview_jpeg(&frame));
        let mut l = self.latest.lock().unwrap_or_else(|p| p.into_inner());
        if l.jpeg.as_ref().is_none_or(|(s, _)| *s < seq) {
            l.jpeg = Some((seq, jpeg.clone()));
        }
        Some(jpeg)
    }

    /// The latest full frame (what "capture" freezes).
    pub fn capture(&self) -> Option<Arc<RgbImage>> {
        self.latest.lock().unwrap_or_else(|p| p.into_inner()).full.clone()
    }

    pub fn state(&self) -> CameraState {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner()).clone();
        s.frames = self.frames.load(Ordering::Relaxed);
        s
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn set_state(state: &Mutex<CameraState>, ok: bool, message: &str) {
    let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
    if s.ok != ok || s.message != message {
        tracing::info!(ok, message, "camera state");
    }
    s.ok = ok;
    s.message = message.into();
}

fn run(spec: CameraSpec, latest: Arc<Mutex<Latest>>, state: Arc<Mutex<CameraState>>, frames: Arc<AtomicU64>, stop: Arc<AtomicBool>) {
    let period = Duration::from_secs(1) / FPS;
    while !stop.load(Ordering::Relaxed) {
        let mut source = match open(&spec) {
            Ok(s) => s,
            Err(e) => {
                set_state(&state, false, e.message());
                tracing::warn!("camera: {e}");
                std::thread::sleep(Duration::from_secs(1));
                continue;
            }
        };
        set_state(&state, true, "摄像头正常");
        let mut next = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            match source.frame() {
                Ok(frame) => {
                    let mut l = latest.lock().unwrap_or_else(|p| p.into_inner());
                    l.full = Some(Arc::new(frame));
                    l.seq += 1;
                    drop(l);
                    frames.fetch_add(1, Ordering::Relaxed);
                }
                Err(e) => {
                    // Unplugged or failing: report, drop the device, and open it again.
                    set_state(&state, false, e.message());
                    tracing::warn!("camera: {e}");
                    break;
                }
            }
            next += period;
            let now = Instant::now();
            if next > now {
                std::thread::sleep(next - now);
            } else {
                next = now;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_serves_fresh_jpegs_from_the_pattern() {
        let p = Preview::start(CameraSpec::Pattern);
        let deadline = Instant::now() + Duration::from_secs(5);
        while p.state().frames < 3 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let a = p.jpeg().expect("a frame arrived");
        assert_eq!(&a[..2], &[0xFF, 0xD8]);
        let decoded = image::load_from_memory(&a).unwrap().to_rgb8();
        assert_eq!(decoded.dimensions(), (PREVIEW_W, PREVIEW_H));
        // The same frame is not encoded twice; a newer frame gives a new JPEG.
        let first = super::super::pattern::Pattern::frame_number(&decoded);
        std::thread::sleep(Duration::from_millis(200));
        let b = image::load_from_memory(&p.jpeg().unwrap()).unwrap().to_rgb8();
        assert!(super::super::pattern::Pattern::frame_number(&b) > first);
        assert!(p.state().ok);
        assert!(p.capture().is_some());
    }
}
