//! Where to cut: a 3:4 window around the face with the eye line and head size of the spec.
//! Pure geometry, then one resize.

use image::{imageops, RgbImage};

use super::face::FaceBox;
use super::{Spec, HEIGHT, WIDTH};

/// How far past the image edge the window may reach, as a fraction of its size.
const EDGE_ALLOWANCE: f32 = 0.15;

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The source window (may extend past the image: the outside is filled with the edge colour).
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    /// How far the window had to move from the ideal to stay inside the image, as a fraction of its size.
    pub shift: f32,
    /// The face box in output coordinates.
    pub face_in_output: Option<FaceBox>,
    /// The eye line in the output, as a fraction of the height.
    pub eye_line: Option<f32>,
}

pub fn plan(img_w: u32, img_h: u32, face: Option<FaceBox>, spec: &Spec) -> Plan {
    let (iw, ih) = (img_w as f32, img_h as f32);
    let Some(f) = face else {
        // No face: the largest centred 3:4 window.
        let h = ih.min(iw * 4.0 / 3.0);
        let w = h * 3.0 / 4.0;
        return Plan { x: (iw - w) / 2.0, y: (ih - h) / 2.0, w, h, shift: 0.0, face_in_output: None, eye_line: None };
    };
    let h = f.h / spec.face_height;
    let w = h * 3.0 / 4.0;
    // The eye line and the centre come from YuNet's eye landmarks, not from the box.
    let eye_y = f.eye_y();
    let centre_x = (f.left_eye()[0] + f.right_eye()[0]) / 2.0;
    let ideal_x = centre_x - w / 2.0;
    let ideal_y = eye_y - spec.eye_line * h;
    // The window may reach past the image by a little (filled with the edge's colour, usually the
    // backdrop) to keep the eye line exact; beyond that it moves, and the move is reported.
    let (mx, my) = (w * EDGE_ALLOWANCE, h * EDGE_ALLOWANCE);
    let x = if w <= iw + 2.0 * mx { ideal_x.clamp(-mx, iw - w + mx) } else { ideal_x };
    let y = if h <= ih + 2.0 * my { ideal_y.clamp(-my, ih - h + my) } else { ideal_y };
    let shift = ((x - ideal_x).abs() / w).max((y - ideal_y).abs() / h);
    let s = HEIGHT as f32 / h;
    let mut landmarks = f.landmarks;
    for p in landmarks.iter_mut() {
        *p = [(p[0] - x) * s, (p[1] - y) * s];
    }
    let face_out = FaceBox { x: (f.x - x) * s, y: (f.y - y) * s, w: f.w * s, h: f.h * s, landmarks, score: f.score };
    let eye_line = (eye_y - y) / h;
    Plan { x, y, w, h, shift, face_in_output: Some(face_out), eye_line: Some(eye_line) }
}

/// Cuts the window and scales it to 480×640 with a good filter.
pub fn apply(img: &RgbImage, p: &Plan) -> RgbImage {
    let (iw, ih) = img.dimensions();
    let x0 = p.x.round() as i64;
    let y0 = p.y.round() as i64;
    let (cw, ch) = (p.w.round().max(1.0) as u32, p.h.round().max(1.0) as u32);
    let inside = x0 >= 0 && y0 >= 0 && x0 + cw as i64 <= iw as i64 && y0 + ch as i64 <= ih as i64;
    let window = if inside {
        imageops::crop_imm(img, x0 as u32, y0 as u32, cw, ch).to_image()
    } else {
        // Past the edge: repeat the nearest edge pixel rather than invent a colour.
        RgbImage::from_fn(cw, ch, |x, y| {
            let sx = (x0 + x as i64).clamp(0, iw as i64 - 1) as u32;
            let sy = (y0 + y as i64).clamp(0, ih as i64 - 1) as u32;
            *img.get_pixel(sx, sy)
        })
    };
    imageops::resize(&window, WIDTH, HEIGHT, imageops::FilterType::CatmullRom)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frontal face in a box at (x, y), 200 wide and 250 tall, eyes 40% down the box.
    fn face(x: f32, y: f32) -> FaceBox {
        let l = |dx: f32, dy: f32| [x + dx, y + dy];
        FaceBox {
            x,
            y,
            w: 200.0,
            h: 250.0,
            landmarks: [l(60.0, 100.0), l(140.0, 100.0), l(100.0, 145.0), l(68.0, 190.0), l(132.0, 190.0)],
            score: 0.9,
        }
    }

    #[test]
    fn a_centred_face_gets_the_spec_geometry() {
        let spec = Spec::default();
        let p = plan(1280, 1000, Some(face(500.0, 300.0)), &spec);
        assert!((p.h - 250.0 / spec.face_height).abs() < 0.01 && (p.w - p.h * 0.75).abs() < 0.01);
        assert!((p.eye_line.unwrap() - spec.eye_line).abs() < 0.001);
        assert_eq!(p.shift, 0.0);
        let f = p.face_in_output.unwrap();
        assert!((f.h / HEIGHT as f32 - spec.face_height).abs() < 0.001);
        assert!((f.eye_y() / HEIGHT as f32 - spec.eye_line).abs() < 0.001, "the landmarks move with the window");
    }

    #[test]
    fn a_face_at_the_edge_shifts_the_window() {
        let face = face(0.0, 200.0);
        let p = plan(1280, 1000, Some(face), &Spec::default());
        assert!((p.x + p.w * EDGE_ALLOWANCE).abs() < 0.01, "reaches past the edge by the allowance, then moves");
        assert!(p.shift > 0.1);
    }

    #[test]
    fn no_face_takes_the_centre() {
        let p = plan(1280, 720, None, &Spec::default());
        assert_eq!((p.h, p.w), (720.0, 540.0));
    }
}
