//! Test photographs: the scikit-image sample portraits (fetched by scripts/testdata.sh) and
//! composites of them that the tests build (backgrounds keyed, faces doubled, darkened, blurred).

use image::{imageops, Rgb, RgbImage};

pub fn testdata(name: &str) -> RgbImage {
    let dir = std::env::var_os("ZKDESK_TESTDATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cache/testdata"));
    let path = dir.join(name);
    image::open(&path).unwrap_or_else(|e| panic!("{} missing ({e}); run scripts/testdata.sh", path.display())).to_rgb8()
}

pub fn astronaut() -> RgbImage {
    testdata("astronaut.png")
}

fn sat_val(p: &Rgb<u8>) -> (f32, f32) {
    let max = p.0.iter().copied().max().unwrap() as f32;
    let min = p.0.iter().copied().min().unwrap() as f32;
    (if max == 0.0 { 0.0 } else { (max - min) / max }, max / 255.0)
}

/// Replaces the astronaut's pale studio background (low saturation, bright) with `paint(x, y)`.
pub fn rekey(img: &RgbImage, paint: impl Fn(u32, u32) -> Rgb<u8>) -> RgbImage {
    let mut out = img.clone();
    let h = img.height();
    for (x, y, p) in out.enumerate_pixels_mut() {
        let (s, v) = sat_val(p);
        // Only above the shoulders: the suit below is pale too.
        if y < h * 3 / 5 && s < 0.14 && v > 0.62 {
            *p = paint(x, y);
        }
    }
    out
}

pub const BLUE: Rgb<u8> = Rgb([67, 142, 219]);
pub const RED: Rgb<u8> = Rgb([200, 30, 40]);

pub fn on_blue() -> RgbImage {
    rekey(&astronaut(), |_, _| BLUE)
}

/// A canvas of `w`×`h` in `bg` with `img` pasted at (x, y).
pub fn pasted(w: u32, h: u32, bg: Rgb<u8>, img: &RgbImage, x: i64, y: i64) -> RgbImage {
    let mut c = RgbImage::from_pixel(w, h, bg);
    imageops::overlay(&mut c, img, x, y);
    c
}

pub fn scaled(img: &RgbImage, f: f32) -> RgbImage {
    imageops::resize(img, (img.width() as f32 * f) as u32, (img.height() as f32 * f) as u32, imageops::FilterType::Triangle)
}

pub fn darkened(img: &RgbImage, f: f32) -> RgbImage {
    let mut out = img.clone();
    for p in out.pixels_mut() {
        for c in p.0.iter_mut() {
            *c = (*c as f32 * f) as u8;
        }
    }
    out
}

/// Deterministic heavy noise.
pub fn noisy(img: &RgbImage) -> RgbImage {
    let mut out = img.clone();
    let mut s: u32 = 12345;
    for p in out.pixels_mut() {
        for c in p.0.iter_mut() {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let n = ((s >> 16) % 120) as i32 - 60;
            *c = (*c as i32 + n).clamp(0, 255) as u8;
        }
    }
    out
}

pub fn png_bytes(img: &RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// The portraits of the face_recognition==1.3.0 sdist's tests (fetched by scripts/testdata.sh):
/// obama.jpg, obama2.jpg, obama3.jpg (one person) and biden.jpg (another).
pub fn face_photo(name: &str) -> RgbImage {
    testdata(&format!("faces/{name}"))
}

pub const SAME_PERSON: [&str; 3] = ["obama.jpg", "obama2.jpg", "obama3.jpg"];
pub const OTHER_PERSON: &str = "biden.jpg";
