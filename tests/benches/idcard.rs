//! Card frame in → identity out: SAM_V stream decode + text parse + GB 11643 validation.
//! Goal: at least 100,000 frames per second.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use zkdesk::idcard::samv::{join_read, parse_reply, Decoded, Reply, Status, StreamDecoder};
use zkdesk::idcard::{identity_from_read, text};
use zkdesk_tests::cards;

fn bench(c: &mut Criterion) {
    let frame = Reply::new(Status::Ok, join_read(&text::encode(&cards::resident()), &cards::photo())).encode();
    let mut g = c.benchmark_group("idcard");
    g.throughput(Throughput::Elements(1));
    g.bench_function("decode_parse_validate", |b| {
        let mut dec = StreamDecoder::new();
        b.iter(|| {
            dec.push(std::hint::black_box(&frame));
            let Some(Decoded::Frame(body)) = dec.next_frame() else { panic!("frame") };
            let reply = parse_reply(&body).unwrap();
            let card = identity_from_read(&reply.data).unwrap();
            assert!(card.id_number_valid);
            card
        })
    });
    // A stream full of bad checksums (a noisy line): the decoder must stay linear in the bytes.
    let mut bad = frame.clone();
    *bad.last_mut().unwrap() ^= 0x01;
    let noise: Vec<u8> = bad.iter().copied().cycle().take(1024 * 1024).collect();
    g.throughput(Throughput::Bytes(noise.len() as u64));
    g.bench_function("bad_checksums_1mb", |b| {
        b.iter(|| {
            let mut dec = StreamDecoder::new();
            dec.push(std::hint::black_box(&noise));
            let mut bad = 0usize;
            while let Some(d) = dec.next_frame() {
                bad += matches!(d, Decoded::Bad(_)) as usize;
            }
            bad
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
