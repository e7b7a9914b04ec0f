//! The 256-byte text parser on arbitrary blocks: no panic, and the JSON always serializes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zkdesk::idcard::text::{parse, TEXT_LEN};

fuzz_target!(|data: &[u8]| {
    let mut block = [0x20u8; TEXT_LEN];
    let n = data.len().min(TEXT_LEN);
    block[..n].copy_from_slice(&data[..n]);
    let card = parse(&block);
    serde_json::to_string(&card).expect("identity serializes");
});
