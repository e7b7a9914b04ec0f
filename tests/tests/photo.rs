//! The photo pipeline on real photographs and composites of them. Every output is decoded
//! again and checked exactly: 480×640, 300 dpi in the JFIF header, 20 000–40 000 bytes.

use image::{imageops, Rgb, RgbImage};
use zkdesk::photo::encode::jfif_density;
use zkdesk::photo::face::FaceDetector;
use zkdesk::photo::{self, Outcome, Spec, SpecPhoto};
use zkdesk_tests::photos::*;

fn make(img: &RgbImage) -> SpecPhoto {
    let p = photo::make(&image::DynamicImage::ImageRgb8(img.clone()), &Spec::default(), &mut FaceDetector::new()).unwrap();
    assert_spec(&p.jpeg);
    p
}

fn assert_spec(jpeg: &[u8]) {
    assert!((20_000..=40_000).contains(&jpeg.len()), "{} bytes", jpeg.len());
    assert_eq!(jfif_density(jpeg), Some((1, 300, 300)), "300 dpi in the JFIF header");
    let back = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).expect("decodes as JPEG");
    assert_eq!((back.width(), back.height()), (480, 640));
}

fn result(p: &SpecPhoto, name: &str) -> Outcome {
    p.checks.iter().find(|c| c.name == name).unwrap_or_else(|| panic!("no {name} check in {:?}", p.checks)).result
}

#[test]
fn every_output_meets_the_spec_over_a_spread_of_inputs() {
    let a = astronaut();
    let inputs: Vec<(&str, RgbImage)> = vec![
        ("astronaut", a.clone()),
        ("camera", testdata("camera.png")),
        ("chelsea", testdata("chelsea.png")),
        ("coffee", testdata("coffee.png")),
        ("rocket", testdata("rocket.jpg")),
        ("small", scaled(&a, 0.2)),
        ("large", scaled(&a, 4.0)),
        ("noisy", noisy(&on_blue())),
        ("flat", RgbImage::from_pixel(800, 600, BLUE)),
        ("dark", darkened(&a, 0.12)),
        ("tiny", RgbImage::from_pixel(7, 5, Rgb([200, 200, 200]))),
    ];
    for (name, img) in inputs {
        let p = make(&img);
        assert_eq!((p.width, p.height, p.dpi, p.bytes), (480, 640, 300, p.jpeg.len()), "{name}");
    }
}

#[test]
fn a_portrait_on_blue_passes() {
    let p = make(&on_blue());
    assert_eq!(p.face_count, 1);
    assert_eq!(p.background, "blue");
    assert!(p.acceptable(), "{:?}", p.checks);
    assert_eq!(result(&p, "background"), Outcome::Pass);
    assert_eq!(result(&p, "exposure"), Outcome::Pass);
    assert_eq!(result(&p, "sharpness"), Outcome::Pass);
}

#[test]
fn a_white_background_is_a_warning() {
    let p = make(&rekey(&astronaut(), |_, _| Rgb([245, 245, 245])));
    assert_eq!(p.background, "white");
    assert_eq!(result(&p, "background"), Outcome::Warn);
}

#[test]
fn a_red_background_is_refused() {
    let p = make(&rekey(&astronaut(), |_, _| RED));
    assert_eq!(p.background, "red");
    assert_eq!(result(&p, "background"), Outcome::Fail);
    assert!(!p.acceptable());
}

#[test]
fn an_uneven_background_is_flagged() {
    // Blue with a hard light/dark split, as a half-lit backdrop gives.
    let p = make(&rekey(&astronaut(), |x, _| if x < 256 { Rgb([20, 60, 140]) } else { Rgb([120, 190, 255]) }));
    assert_ne!(result(&p, "background_evenness"), Outcome::Pass, "{:?}", p.checks);
}

#[test]
fn no_face_is_refused() {
    let p = make(&testdata("chelsea.png"));
    assert_eq!(p.face_count, 0);
    assert_eq!(result(&p, "face_count"), Outcome::Fail);
}

#[test]
fn two_faces_are_refused() {
    let one = on_blue();
    let mut two = RgbImage::from_pixel(1100, 560, BLUE);
    imageops::overlay(&mut two, &one, 20, 20);
    imageops::overlay(&mut two, &one, 560, 20);
    let p = make(&two);
    assert_eq!(p.face_count, 2, "{:?}", p.checks);
    assert_eq!(result(&p, "face_count"), Outcome::Fail);
}

#[test]
fn too_dark_is_refused() {
    let p = make(&darkened(&on_blue(), 0.2));
    assert_eq!(result(&p, "exposure"), Outcome::Fail, "{:?}", p.checks);
}

#[test]
fn blurred_is_refused() {
    let blurred = imageops::blur(&on_blue(), 6.0);
    let p = make(&blurred);
    assert_eq!(result(&p, "sharpness"), Outcome::Fail, "{:?}", p.checks);
}

#[test]
fn a_face_too_small_is_refused() {
    let small = scaled(&on_blue(), 0.6);
    let p = make(&pasted(1280, 720, BLUE, &small, 600, 300));
    assert_eq!(p.face_count, 1, "{:?}", p.checks);
    assert_eq!(result(&p, "face_size"), Outcome::Fail);
}

#[test]
fn an_off_centre_face_is_flagged() {
    // The portrait hard against the left edge of a wide frame: the window cannot centre the face.
    let img = on_blue();
    let cropped = imageops::crop_imm(&img, 120, 0, 392, 512).to_image();
    let p = make(&pasted(1280, 512, BLUE, &cropped, -40, 0));
    assert_eq!(p.face_count, 1, "{:?}", p.checks);
    assert_ne!(result(&p, "position"), Outcome::Pass, "{:?}", p.checks);
}

#[test]
fn zkctl_photo_make_answers_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.png");
    std::fs::write(&input, png_bytes(&on_blue())).unwrap();
    let out = dir.path().join("out.jpg");
    let o = zkdesk_tests::zkctl(dir.path(), &["--json", "photo", "make", input.to_str().unwrap(), "-o", out.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["written"].as_bool(), v["width"].as_u64(), v["height"].as_u64(), v["dpi"].as_u64()),
        (Some(true), Some(480), Some(640), Some(300))
    );
    assert!(v["checks"].as_array().unwrap().iter().all(|c| c["name"].is_string() && c["message"].is_string()));
    assert_spec(&std::fs::read(&out).unwrap());

    // A cat: written, but a check fails → exit 1.
    let cat = dir.path().join("cat.png");
    std::fs::write(&cat, png_bytes(&testdata("chelsea.png"))).unwrap();
    let o = zkdesk_tests::zkctl(dir.path(), &["--json", "photo", "make", cat.to_str().unwrap(), "-o", out.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1));
    // Not an image at all.
    std::fs::write(&cat, b"not a photo").unwrap();
    let o = zkdesk_tests::zkctl(dir.path(), &["--json", "photo", "make", cat.to_str().unwrap(), "-o", out.to_str().unwrap()], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("无法读取照片文件"));
}

/// `img` with both eyes painted over with the colour of the cheek below each (as a retouch or a
/// cover would leave them): the landmarks still say where the eyes are, the patches are even.
fn eyes_painted_over(img: &RgbImage) -> RgbImage {
    let f = zkdesk::face::Engine::shared().detect(img)[0];
    let d = f.eye_distance();
    let mut out = img.clone();
    for [cx, cy] in [f.left_eye(), f.right_eye()] {
        let (sx, sy) = (cx as i64, (cy + 0.45 * d) as i64);
        let r = (0.06 * d) as i64;
        let mut sum = [0f32; 3];
        let mut n = 0f32;
        for y in sy - r..=sy + r {
            for x in sx - r..=sx + r {
                let p = img.get_pixel(x as u32, y as u32);
                (0..3).for_each(|i| sum[i] += p[i] as f32);
                n += 1.0;
            }
        }
        let skin = Rgb(sum.map(|v| (v / n) as u8));
        let (rx, ry) = (0.34 * d, 0.22 * d);
        for y in (cy - ry) as u32..=(cy + ry) as u32 {
            for x in (cx - rx) as u32..=(cx + rx) as u32 {
                if ((x as f32 - cx) / rx).powi(2) + ((y as f32 - cy) / ry).powi(2) <= 1.0 {
                    out.put_pixel(x, y, skin);
                }
            }
        }
    }
    out
}

#[test]
fn open_eyes_pass_on_every_portrait_and_eyes_painted_over_warn() {
    let mut portraits: Vec<(String, RgbImage)> = vec![("astronaut".into(), astronaut()), ("on_blue".into(), on_blue())];
    portraits.extend(SAME_PERSON.iter().chain([&OTHER_PERSON]).map(|n| (n.to_string(), face_photo(n))));
    for (name, img) in &portraits {
        let p = make(img);
        let f = p.face.expect("a face");
        let c = zkdesk::photo::checks::eye_contrast(&image::load_from_memory(&p.jpeg).unwrap().to_rgb8(), &f);
        eprintln!("{name}: eye contrast {c:?}");
        assert_eq!(result(&p, "eyes"), Outcome::Pass, "{name}: open eyes pass ({c:?})");

        let painted = make(&eyes_painted_over(img));
        let f = painted.face.expect("the face is still found with its eyes painted over");
        let c = zkdesk::photo::checks::eye_contrast(&image::load_from_memory(&painted.jpeg).unwrap().to_rgb8(), &f);
        eprintln!("{name} painted: eye contrast {c:?}");
        assert_eq!(result(&painted, "eyes"), Outcome::Warn, "{name}: eyes painted over warn ({c:?})");
        assert!(painted.checks.iter().find(|c| c.name == "eyes").unwrap().message.contains("闭眼或遮挡"));
    }
}
