//! Capture → spec JPEG with its checks and a match score, in release:
//! `cargo bench -p zkdesk --no-default-features --bench faces`.
//! Prints the model load time and the median / 90th percentile of each step (no assertions:
//! timings are reported, not tested).

use std::path::Path;
use std::time::{Duration, Instant};

use zkdesk::face::Engine;
use zkdesk::photo::{self, face::FaceDetector, Spec};

fn image(name: &str) -> image::DynamicImage {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cache/testdata").join(name);
    image::open(&p).unwrap_or_else(|e| panic!("{} ({e}); run scripts/testdata.sh", p.display()))
}

fn report(name: &str, mut d: Vec<Duration>) {
    d.sort();
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    println!("{name:<44} median {:7.1} ms   p90 {:7.1} ms   (n = {})", ms(d[d.len() / 2]), ms(d[d.len() * 9 / 10]), d.len());
}

fn time<T>(n: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed()
        })
        .collect()
}

fn main() {
    let t = Instant::now();
    let engine = Engine::shared();
    println!("{:<44} {:7.1} ms", "load and optimise YuNet + SFace", t.elapsed().as_secs_f64() * 1000.0);

    // The chip photo (102×126, as a WLT decoder gives it) is embedded when the card is read.
    let chip = image("faces/obama2.jpg").resize_exact(102, 126, image::imageops::FilterType::Triangle).to_rgb8();
    let chip_embedding = {
        let f = engine.detect(&chip)[0];
        engine.embed(&chip, &f)
    };
    report(
        "card read: chip photo detect + embed",
        time(10, || {
            let f = engine.detect(&chip)[0];
            engine.embed(&chip, &f)
        }),
    );

    // A camera frame: 640×480 around the portrait.
    let frame = image("faces/obama.jpg").resize(640, 480, image::imageops::FilterType::Triangle);
    let frame = {
        let mut c = image::RgbImage::from_pixel(640, 480, image::Rgb([67, 142, 219]));
        image::imageops::overlay(&mut c, &frame.to_rgb8(), ((640 - frame.width()) / 2) as i64, 0);
        image::DynamicImage::ImageRgb8(c)
    };
    let rgb = frame.to_rgb8();
    report("YuNet detect, 640×480 frame", time(20, || engine.detect(&rgb)));
    let f = engine.detect(&rgb)[0];
    report("SFace align + embed, one face", time(20, || engine.embed(&rgb, &f)));
    let mut det = FaceDetector::new();
    report(
        "capture → spec JPEG + checks + match score",
        time(20, || {
            let p = photo::make(&frame, &Spec::default(), &mut det).unwrap();
            p.embedding.as_ref().map(|e| e.cosine(&chip_embedding))
        }),
    );
    let big = image("faces/obama3.jpg");
    report(
        "same, from a 1434×2333 photo file",
        time(10, || {
            let p = photo::make(&big, &Spec::default(), &mut det).unwrap();
            p.embedding.as_ref().map(|e| e.cosine(&chip_embedding))
        }),
    );
}
