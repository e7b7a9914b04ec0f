//! Photo: a 1280×720 frame → checked spec JPEG (goal ≤ 300 ms on 2 cores), and the preview
//! pipeline's cost per 640×480 frame (goal: 15 fps with a core to spare, i.e. ≤ 33 ms).

use criterion::{criterion_group, criterion_main, Criterion};
use zkdesk::camera::pattern::Pattern;
use zkdesk::camera::preview::preview_jpeg;
use zkdesk::photo::{self, face::FaceDetector, Spec};
use zkdesk_tests::photos::{on_blue, pasted, scaled, BLUE};

fn bench(c: &mut Criterion) {
    let portrait = scaled(&on_blue(), 1.3);
    let frame = image::DynamicImage::ImageRgb8(pasted(1280, 720, BLUE, &portrait, 307, 27));
    let mut det = FaceDetector::new();
    let mut g = c.benchmark_group("photo");
    g.sample_size(20);
    g.bench_function("frame_1280x720_to_spec_jpeg", |b| {
        b.iter(|| {
            let p = photo::make(std::hint::black_box(&frame), &Spec::default(), &mut det).unwrap();
            assert_eq!(p.face_count, 1);
            p
        })
    });
    g.finish();
    let mut g = c.benchmark_group("preview");
    let mut n = 0;
    g.bench_function("pattern_frame_640x480_to_jpeg", |b| {
        b.iter(|| {
            n += 1;
            preview_jpeg(&Pattern::render(640, 480, n))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
