//! JPEG with 300 dpi in the JFIF header and a quality chosen to land in 20–40 KB.

use image::codecs::jpeg::{JpegEncoder, PixelDensity};
use image::RgbImage;

use super::{PhotoError, DPI, MAX_BYTES, MIN_BYTES};

/// The size we aim for: the middle of the range, so small changes never fall outside it.
const TARGET: usize = 30_000;

pub fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::with_capacity(48 * 1024);
    let mut enc = JpegEncoder::new_with_quality(&mut out, quality);
    enc.set_pixel_density(PixelDensity::dpi(DPI));
    enc.encode_image(img).expect("encoding an RGB image into memory cannot fail");
    out
}

/// Searches the quality for a file in range. A very flat picture stays below 20 KB even at the
/// highest quality: it is then padded with a JPEG comment segment (ignored by every decoder).
pub fn jpeg_in_range(img: &RgbImage) -> Result<Vec<u8>, PhotoError> {
    let (mut lo, mut hi) = (5u8, 98u8);
    let mut best: Option<Vec<u8>> = None;
    // Binary search on quality: size grows with quality.
    for _ in 0..7 {
        let q = (lo + hi) / 2;
        let data = jpeg(img, q);
        let n = data.len();
        if (MIN_BYTES..=MAX_BYTES).contains(&n) && best.as_ref().is_none_or(|b| n.abs_diff(TARGET) < b.len().abs_diff(TARGET)) {
            best = Some(data);
        }
        if n > TARGET {
            hi = q.saturating_sub(1).max(lo);
        } else {
            lo = (q + 1).min(hi);
        }
        if lo >= hi {
            break;
        }
    }
    if let Some(b) = best {
        return Ok(b);
    }
    let top = jpeg(img, 98);
    if top.len() < MIN_BYTES {
        return Ok(pad(top, MIN_BYTES + 1024));
    }
    let bottom = jpeg(img, 5);
    if bottom.len() > MAX_BYTES {
        return Err(PhotoError::Size(format!("{} bytes even at quality 5", bottom.len())));
    }
    // Sizes jumped over the range between two neighbouring qualities: walk them.
    (5..=98)
        .map(|q| jpeg(img, q))
        .find(|d| (MIN_BYTES..=MAX_BYTES).contains(&d.len()))
        .ok_or_else(|| PhotoError::Size("no quality lands in range".into()))
}

/// Inserts a COM segment after SOI so that the file reaches `total` bytes.
fn pad(jpeg: Vec<u8>, total: usize) -> Vec<u8> {
    let need = total.saturating_sub(jpeg.len());
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&jpeg[..2]);
    let mut left = need;
    while left > 4 {
        let seg = (left - 4).min(65_533);
        out.extend_from_slice(&[0xFF, 0xFE]);
        out.extend_from_slice(&((seg + 2) as u16).to_be_bytes());
        out.extend(std::iter::repeat_n(b' ', seg));
        left = left.saturating_sub(seg + 4);
    }
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Reads the JFIF density (units, x, y) from a JPEG, for checks and tests.
pub fn jfif_density(jpeg: &[u8]) -> Option<(u8, u16, u16)> {
    let i = jpeg.windows(5).position(|w| w == b"JFIF\0")?;
    let d = jpeg.get(i + 7..i + 12)?;
    Some((d[0], u16::from_be_bytes([d[1], d[2]]), u16::from_be_bytes([d[3], d[4]])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_image_is_padded_into_range_and_still_decodes() {
        let flat = RgbImage::from_pixel(480, 640, image::Rgb([30, 90, 200]));
        let j = jpeg_in_range(&flat).unwrap();
        assert!((MIN_BYTES..=MAX_BYTES).contains(&j.len()), "{}", j.len());
        assert_eq!(jfif_density(&j), Some((1, 300, 300)));
        let back = image::load_from_memory(&j).unwrap();
        assert_eq!((back.width(), back.height()), (480, 640));
    }
}
