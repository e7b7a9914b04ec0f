//! Quality checks on the finished photo, each pass / warn / fail with a reason for staff.

use image::RgbImage;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::crop::Plan;
use super::face::FaceBox;
use super::Spec;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Check {
    /// face_count | face_size | position | pose | looking | eyes | background | background_evenness | exposure | sharpness
    pub name: String,
    pub result: Outcome,
    /// In Chinese, for staff.
    pub message: String,
}

fn check(name: &str, result: Outcome, message: &str) -> Check {
    Check { name: name.into(), result, message: message.into() }
}

pub fn face_count(n: usize) -> Check {
    match n {
        0 => check("face_count", Outcome::Fail, "未检测到人脸，请正对摄像头"),
        1 => check("face_count", Outcome::Pass, "检测到一张人脸"),
        _ => check("face_count", Outcome::Fail, "检测到多张人脸，画面中只能有考生一人"),
    }
}

pub fn face_size(f: &FaceBox, spec: &Spec) -> Check {
    if f.h < spec.min_face_px as f32 {
        check("face_size", Outcome::Fail, "人脸过小（距离太远或分辨率不足），请靠近摄像头")
    } else {
        check("face_size", Outcome::Pass, "头部大小合适")
    }
}

pub fn position(p: &Plan) -> Check {
    match p.eye_line {
        Some(e) if !(0.30..=0.50).contains(&e) => {
            check("position", Outcome::Fail, "眼睛位置不符合要求（应在照片高度的 30%–50%），请调整位置")
        }
        Some(_) if p.shift > 0.05 => check("position", Outcome::Warn, "人脸偏离中心，请让考生坐到画面中间"),
        _ => check("position", Outcome::Pass, "位置居中"),
    }
}

/// Frontal pose from the landmarks: both eyes found inside the face, far enough apart for a
/// frontal face (a profile brings them together), and the head not tilted.
pub fn pose(f: &FaceBox) -> Check {
    let inside = |p: [f32; 2]| p[0] >= f.x && p[0] <= f.x + f.w && p[1] >= f.y && p[1] <= f.y + f.h;
    let eyes_apart = f.eye_distance() / f.w.max(1.0);
    let roll = f.roll_degrees().abs();
    if !inside(f.left_eye()) || !inside(f.right_eye()) || f.right_eye()[0] <= f.left_eye()[0] || eyes_apart < 0.25 {
        check("pose", Outcome::Fail, "未检测到双眼（侧脸或遮挡），请正对摄像头")
    } else if roll > 20.0 {
        check("pose", Outcome::Fail, "头部歪斜，请端正头部")
    } else if roll > 10.0 || eyes_apart < 0.32 {
        check("pose", Outcome::Warn, "头部略有歪斜或侧转")
    } else {
        check("pose", Outcome::Pass, "正面免冠，双眼可见")
    }
}

/// Looking away, from where the nose sits between the eyes and the mouth (five landmarks
/// cannot tell open eyes from closed ones; staff see the photo).
pub fn looking(f: &FaceBox) -> Check {
    let (yaw, pitch) = (f.yaw().abs(), f.pitch());
    if yaw > 0.30 {
        check("looking", Outcome::Fail, "考生未正视镜头（头部侧转），请正视摄像头")
    } else if !(0.15..=0.80).contains(&pitch) {
        check("looking", Outcome::Fail, "考生低头或仰头，请平视摄像头")
    } else if yaw > 0.18 || !(0.25..=0.70).contains(&pitch) {
        check("looking", Outcome::Warn, "考生视线略有偏离，请平视摄像头")
    } else {
        check("looking", Outcome::Pass, "正视镜头")
    }
}

/// The spread of brightness in the patch around each eye landmark (the 95th minus the 5th
/// percentile of luma, half a patch wide each side of 0.2 × the eye distance): an open eye shows
/// a dark iris and pupil against the white of the eye and the lids; a patch of even skin (eyes
/// painted or retouched over), a hand or a uniform cover does not. Both values, left then right.
pub fn eye_contrast(img: &RgbImage, f: &FaceBox) -> [f32; 2] {
    let (w, h) = img.dimensions();
    let (rx, ry) = (0.20 * f.eye_distance(), 0.11 * f.eye_distance());
    [f.left_eye(), f.right_eye()].map(|[cx, cy]| {
        let x0 = (cx - rx).max(0.0) as u32;
        let y0 = (cy - ry).max(0.0) as u32;
        let x1 = ((cx + rx) as u32).min(w);
        let y1 = ((cy + ry) as u32).min(h);
        let mut l: Vec<f32> = (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).map(|(x, y)| luma(img.get_pixel(x, y))).collect();
        if l.len() < 16 {
            return 0.0;
        }
        l.sort_by(f32::total_cmp);
        let at = |q: f32| l[((l.len() - 1) as f32 * q) as usize];
        at(0.95) - at(0.05)
    })
}

/// Closed or covered eyes, as far as the image shows it: a warning only (staff look at the photo),
/// raised when either eye's patch is almost even (`eye_contrast`). YuNet's five points say where
/// the eyes are, not whether they are open; a real closed eye keeps its lashes and lid crease, so
/// this catches eyes painted over, covered or lost in shadow, and only some closed ones.
pub fn eyes(img: &RgbImage, f: &FaceBox) -> Check {
    let [l, r] = eye_contrast(img, f);
    if l.min(r) < EYE_CONTRAST_WARN {
        check("eyes", Outcome::Warn, "未看清考生双眼（闭眼或遮挡），请考生睁眼正视镜头后重拍")
    } else {
        check("eyes", Outcome::Pass, "双眼睁开可见")
    }
}

/// Below this spread of luma (0–255) an eye patch counts as even skin (see `eyes`). Measured on
/// the test portraits (tests/tests/photo.rs): open eyes 74–182, eyes painted over 0–37.
pub const EYE_CONTRAST_WARN: f32 = 50.0;

/// Luma of one pixel (BT.601).
fn luma(p: &image::Rgb<u8>) -> f32 {
    0.299 * p[0] as f32 + 0.587 * p[1] as f32 + 0.114 * p[2] as f32
}

/// Pixels of the background: the top band and the two sides above the shoulders, outside the face.
fn background_pixels<'a>(img: &'a RgbImage, face: Option<&FaceBox>) -> Vec<&'a image::Rgb<u8>> {
    let (w, h) = img.dimensions();
    let band = 36;
    let shoulder = h * 2 / 5;
    let mut px = Vec::new();
    for y in 0..shoulder {
        for x in (0..w).step_by(2) {
            let in_band = y < band || x < band || x >= w - band;
            let in_face = face.is_some_and(|f| {
                let m = f.w * 0.35; // hair and ears around the box
                (x as f32) >= f.x - m && (x as f32) <= f.x + f.w + m && (y as f32) >= f.y - f.h * 0.6
            });
            if in_band && !in_face {
                px.push(img.get_pixel(x, y));
            }
        }
    }
    px
}

/// Hue (degrees), saturation and value of a mean colour.
fn hsv(r: f32, g: f32, b: f32) -> (f32, f32, f32) {
    let (r, g, b) = (r / 255.0, g / 255.0, b / 255.0);
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    let d = max - min;
    let hue = if d == 0.0 {
        0.0
    } else if max == r {
        60.0 * (((g - b) / d).rem_euclid(6.0))
    } else if max == g {
        60.0 * ((b - r) / d + 2.0)
    } else {
        60.0 * ((r - g) / d + 4.0)
    };
    (hue, if max == 0.0 { 0.0 } else { d / max }, max)
}

/// Colour name and the two background checks (colour, evenness).
pub fn background(img: &RgbImage, face: Option<&FaceBox>) -> (String, Vec<Check>) {
    let px = background_pixels(img, face);
    if px.is_empty() {
        return ("other".into(), vec![check("background", Outcome::Warn, "无法判断背景颜色")]);
    }
    let n = px.len() as f32;
    let (mut r, mut g, mut b) = (0f32, 0f32, 0f32);
    for p in &px {
        r += p[0] as f32;
        g += p[1] as f32;
        b += p[2] as f32;
    }
    let (r, g, b) = (r / n, g / n, b / n);
    let (hue, sat, val) = hsv(r, g, b);
    let colour = if sat < 0.18 && val > 0.75 {
        "white"
    } else if (185.0..=255.0).contains(&hue) && sat > 0.30 {
        "blue"
    } else if !(20.0..=335.0).contains(&hue) && sat > 0.35 {
        "red"
    } else {
        "other"
    };
    let colour_check = match colour {
        "blue" => check("background", Outcome::Pass, "蓝色背景"),
        "white" => check("background", Outcome::Warn, "背景为白色，规定为蓝色背景"),
        "red" => check("background", Outcome::Fail, "背景为红色，规定为蓝色背景"),
        _ => check("background", Outcome::Fail, "背景不是蓝色，请在蓝色背景前拍摄"),
    };
    // Evenness: how much the brightness of the background varies.
    let mean_l = px.iter().map(|p| luma(p)).sum::<f32>() / n;
    let sd = (px.iter().map(|p| (luma(p) - mean_l).powi(2)).sum::<f32>() / n).sqrt();
    let even = if sd > 40.0 {
        check("background_evenness", Outcome::Fail, "背景杂乱，请在纯色背景前拍摄")
    } else if sd > 22.0 {
        check("background_evenness", Outcome::Warn, "背景明暗不均匀")
    } else {
        check("background_evenness", Outcome::Pass, "背景均匀")
    };
    (colour.into(), vec![colour_check, even])
}

/// The face region (or the centre when there is no face), clipped to the image.
fn region(img: &RgbImage, face: Option<&FaceBox>) -> (u32, u32, u32, u32) {
    let (w, h) = img.dimensions();
    let (x, y, fw, fh) = match face {
        Some(f) => (f.x, f.y, f.w, f.h),
        None => (w as f32 * 0.3, h as f32 * 0.3, w as f32 * 0.4, h as f32 * 0.3),
    };
    let x0 = (x.max(0.0) as u32).min(w - 1);
    let y0 = (y.max(0.0) as u32).min(h - 1);
    let x1 = ((x + fw) as u32).clamp(x0 + 1, w);
    let y1 = ((y + fh) as u32).clamp(y0 + 1, h);
    (x0, y0, x1, y1)
}

pub fn exposure(img: &RgbImage, face: Option<&FaceBox>) -> Check {
    let (x0, y0, x1, y1) = region(img, face);
    let mut sum = 0f32;
    let mut n = 0f32;
    for y in y0..y1 {
        for x in x0..x1 {
            sum += luma(img.get_pixel(x, y));
            n += 1.0;
        }
    }
    let mean = sum / n.max(1.0);
    if mean < 45.0 {
        check("exposure", Outcome::Fail, "照片过暗，请打开补光灯")
    } else if mean < 75.0 {
        check("exposure", Outcome::Warn, "照片偏暗")
    } else if mean > 235.0 {
        check("exposure", Outcome::Fail, "照片过亮（曝光过度）")
    } else if mean > 215.0 {
        check("exposure", Outcome::Warn, "照片偏亮")
    } else {
        check("exposure", Outcome::Pass, "曝光正常")
    }
}

/// Variance of the Laplacian over the face: low means blurred.
pub fn sharpness_score(img: &RgbImage, face: Option<&FaceBox>) -> f32 {
    let (x0, y0, x1, y1) = region(img, face);
    let l = |x: u32, y: u32| luma(img.get_pixel(x, y));
    let mut vals = Vec::new();
    for y in (y0 + 1)..y1.saturating_sub(1) {
        for x in (x0 + 1)..x1.saturating_sub(1) {
            vals.push(l(x - 1, y) + l(x + 1, y) + l(x, y - 1) + l(x, y + 1) - 4.0 * l(x, y));
        }
    }
    if vals.is_empty() {
        return 0.0;
    }
    let n = vals.len() as f32;
    let mean = vals.iter().sum::<f32>() / n;
    vals.iter().map(|v| (v - mean).powi(2)).sum::<f32>() / n
}

pub fn sharpness(img: &RgbImage, face: Option<&FaceBox>) -> Check {
    let s = sharpness_score(img, face);
    if s < 8.0 {
        check("sharpness", Outcome::Fail, "照片模糊，请对焦后重拍")
    } else if s < 20.0 {
        check("sharpness", Outcome::Warn, "照片清晰度偏低")
    } else {
        check("sharpness", Outcome::Pass, "清晰")
    }
}
