//! The SAM_V stream decoder on arbitrary bytes in arbitrary chunks: no panic, bounded buffer,
//! and every frame it yields passes the reply parser and the read splitter without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkdesk::idcard::samv::{parse_reply, split_read, Decoded, StreamDecoder, MAX_LEN};

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else { return };
    let chunk = (cut as usize % 64) + 1;
    let mut d = StreamDecoder::new();
    for piece in rest.chunks(chunk) {
        d.push(piece);
        while let Some(x) = d.next_frame() {
            if let Decoded::Frame(body) = x {
                if let Ok(r) = parse_reply(&body) {
                    let _ = split_read(&r.data);
                }
            }
        }
        assert!(d.pending() <= MAX_LEN + 7);
    }
    let _ = zkdesk::idcard::decode_any(rest);
});
