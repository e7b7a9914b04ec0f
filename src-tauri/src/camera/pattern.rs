//! A moving test pattern: colour bars, a sweeping bar and a frame counter in binary squares,
//! so a viewer can tell frames apart and see that they move.

use image::{Rgb, RgbImage};

use super::{CameraError, Source};

pub struct Pattern {
    w: u32,
    h: u32,
    n: u32,
}

const BARS: [[u8; 3]; 7] = [[192, 192, 192], [192, 192, 0], [0, 192, 192], [0, 192, 0], [192, 0, 192], [192, 0, 0], [0, 0, 192]];

impl Pattern {
    pub fn new(w: u32, h: u32) -> Self {
        Pattern { w, h, n: 0 }
    }

    /// Frame `n` of the pattern (pure, so tests can predict it).
    pub fn render(w: u32, h: u32, n: u32) -> RgbImage {
        let sweep = (n * 8) % w.max(1);
        RgbImage::from_fn(w, h, |x, y| {
            if x.abs_diff(sweep) < 6 {
                return Rgb([255, 255, 255]);
            }
            // 16 squares across the bottom: the frame number in binary.
            if y >= h - 24 {
                let bit = x / (w / 16).max(1);
                return if bit < 16 && (n >> bit) & 1 == 1 { Rgb([255, 255, 255]) } else { Rgb([0, 0, 0]) };
            }
            Rgb(BARS[((x * 7) / w.max(1)) as usize % 7])
        })
    }

    /// Reads the frame number back from a (possibly JPEG-compressed) pattern frame.
    pub fn frame_number(img: &RgbImage) -> u32 {
        let (w, h) = img.dimensions();
        (0..16).fold(0, |acc, bit| {
            let x = bit * (w / 16) + w / 32;
            let p = img.get_pixel(x.min(w - 1), h - 12);
            if p[0] > 128 {
                acc | (1 << bit)
            } else {
                acc
            }
        })
    }
}

impl Source for Pattern {
    fn frame(&mut self) -> Result<RgbImage, CameraError> {
        self.n = self.n.wrapping_add(1);
        Ok(Self::render(self.w, self.h, self.n))
    }
}
