//! Second-generation ID cards. Invariant: every reader ends in the same [`text::parse`] and
//! yields [`reader::ReaderEvent`]s on one channel; codec and parser are pure and never panic.

pub mod detect;
pub mod gb11643;
pub mod identity;
pub mod reader;
pub mod samv;
pub mod text;
pub mod wlt;

pub use identity::{IdType, IdentityCard};

use base64::Engine;

/// Why bytes could not be turned into an identity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("{0}")]
    Frame(#[from] samv::FrameError),
    #[error("no complete SAM_V frame in the input")]
    NoFrame,
    #[error("the reader answered {status:?} instead of a card")]
    Status { status: samv::Status },
    #[error("input is neither a SAM_V frame nor a 256-byte text block ({0} bytes)")]
    Unrecognised(usize),
}

impl DecodeError {
    pub fn message(&self) -> String {
        match self {
            DecodeError::Frame(f) => f.message().into(),
            DecodeError::NoFrame => "读卡数据不完整，请重新放卡".into(),
            DecodeError::Status { status } => status.message(),
            DecodeError::Unrecognised(_) => "无法识别的读卡数据".into(),
        }
    }
}

/// Builds the identity from a `30 01` reply's data (text + WLT photo).
pub fn identity_from_read(data: &[u8]) -> Result<IdentityCard, DecodeError> {
    let rd = samv::split_read(data)?;
    Ok(with_photo(text::parse(&rd.text), &rd.photo))
}

/// Attaches the raw WLT photo (it can only be decoded by a vendor library).
pub fn with_photo(mut card: IdentityCard, wlt: &[u8]) -> IdentityCard {
    if !wlt.is_empty() && wlt.iter().any(|&b| b != 0) {
        card.photo_wlt_base64 = Some(base64::engine::general_purpose::STANDARD.encode(wlt));
    }
    card
}

/// Hex text (spaces, newlines and `0x` allowed) → bytes, if the input is hex text.
fn hex_text(input: &[u8]) -> Option<Vec<u8>> {
    let s = std::str::from_utf8(input).ok()?;
    let cleaned: String = s.replace("0x", "").replace("0X", "").chars().filter(|c| !c.is_whitespace() && *c != ',').collect();
    if cleaned.is_empty() || cleaned.len() % 2 != 0 {
        return None;
    }
    hex::decode(cleaned).ok()
}

/// Largest capture `zkctl card decode` reads (a read reply is ~2.3 KB; hex text about three times that).
pub const MAX_CAPTURE_BYTES: u64 = 1024 * 1024;

/// What `zkctl card decode` accepts: a SAM_V read reply (binary or hex text), or a raw
/// 256-byte text block (binary or hex text).
pub fn decode_any(input: &[u8]) -> Result<IdentityCard, DecodeError> {
    let bytes = hex_text(input).unwrap_or_else(|| input.to_vec());
    if bytes.windows(samv::PREAMBLE.len()).any(|w| w == samv::PREAMBLE) {
        let mut dec = samv::StreamDecoder::new();
        dec.push(&bytes);
        let mut last_err = None;
        while let Some(d) = dec.next_frame() {
            match d {
                samv::Decoded::Frame(body) => {
                    let reply = samv::parse_reply(&body)?;
                    if reply.status != samv::Status::Ok {
                        return Err(DecodeError::Status { status: reply.status });
                    }
                    return identity_from_read(&reply.data);
                }
                samv::Decoded::Bad(e) => last_err = Some(e),
            }
        }
        return Err(last_err.map(DecodeError::Frame).unwrap_or(DecodeError::NoFrame));
    }
    if bytes.len() == text::TEXT_LEN {
        let mut block = [0u8; text::TEXT_LEN];
        block.copy_from_slice(&bytes);
        return Ok(text::parse(&block));
    }
    Err(DecodeError::Unrecognised(bytes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_any_takes_frames_blocks_and_hex() {
        let card = text::tests::resident();
        let block = text::encode(&card);
        let frame = samv::Reply::new(samv::Status::Ok, samv::join_read(&block, &[0x11; samv::PHOTO_LEN])).encode();

        let from_frame = decode_any(&frame).unwrap();
        assert_eq!(from_frame.name, "张三");
        assert!(from_frame.photo_wlt_base64.is_some());
        assert_eq!(decode_any(hex::encode(&frame).as_bytes()).unwrap(), from_frame);
        assert_eq!(decode_any(&block).unwrap(), card);
        let spaced: String = block.iter().map(|b| format!("{b:02x} ")).collect();
        assert_eq!(decode_any(spaced.as_bytes()).unwrap(), card);
    }

    #[test]
    fn a_fingerprint_reply_decodes_to_the_same_identity() {
        let card = text::tests::resident();
        let data = samv::join_read_with_fingerprint(&text::encode(&card), &[0x11; samv::PHOTO_LEN], &[0x22; 1024]);
        let frame = samv::Reply::new(samv::Status::Ok, data).encode();
        let got = decode_any(&frame).unwrap();
        assert_eq!(got.name, card.name);
        assert_eq!(got.id_number, card.id_number);
        assert!(got.id_number_valid);
        let photo = base64::engine::general_purpose::STANDARD.decode(got.photo_wlt_base64.unwrap()).unwrap();
        assert_eq!(photo, vec![0x11; samv::PHOTO_LEN]);
    }

    #[test]
    fn decode_any_reports_failures() {
        let not_found = samv::Reply::new(samv::Status::FindFailed, vec![]).encode();
        assert_eq!(decode_any(&not_found), Err(DecodeError::Status { status: samv::Status::FindFailed }));
        let mut bad = samv::Reply::new(samv::Status::Ok, vec![1, 2, 3]).encode();
        *bad.last_mut().unwrap() ^= 1;
        assert!(matches!(decode_any(&bad), Err(DecodeError::Frame(samv::FrameError::Checksum { .. }))));
        assert_eq!(decode_any(b"hello"), Err(DecodeError::Unrecognised(5)));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::samv::{Decoded, Reply, Status, StreamDecoder};
    use super::text;

    proptest! {
        /// Arbitrary bytes never panic the stream decoder, and the buffer never grows without bound.
        #[test]
        fn decoder_survives_garbage(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..20)) {
            let mut d = StreamDecoder::new();
            for c in &chunks {
                d.push(c);
                while d.next_frame().is_some() {}
            }
            prop_assert!(d.pending() <= super::samv::MAX_LEN + 7);
        }

        /// A frame split anywhere, after any garbage without a preamble, decodes to the same body.
        #[test]
        fn frames_survive_any_split(data in proptest::collection::vec(any::<u8>(), 0..600),
                                    junk in proptest::collection::vec(0u8..0x90, 0..40),
                                    cut in proptest::collection::vec(1usize..50, 1..40)) {
            let frame = Reply::new(Status::Ok, data.clone()).encode();
            let mut bytes = junk.clone();
            bytes.extend_from_slice(&frame);
            let mut d = StreamDecoder::new();
            let mut got = None;
            let mut pos = 0;
            let mut i = 0;
            while pos < bytes.len() {
                let n = cut[i % cut.len()].min(bytes.len() - pos);
                d.push(&bytes[pos..pos + n]);
                pos += n;
                i += 1;
                while let Some(x) = d.next_frame() {
                    if let Decoded::Frame(body) = x { got = Some(body); }
                }
            }
            let mut want = vec![0, 0, 0x90];
            want.extend_from_slice(&data);
            prop_assert_eq!(got, Some(want));
        }

        /// Any 256 bytes parse without a panic.
        #[test]
        fn parser_never_panics(block in proptest::collection::vec(any::<u8>(), 256)) {
            let mut b = [0u8; text::TEXT_LEN];
            b.copy_from_slice(&block);
            let card = text::parse(&b);
            let _ = serde_json::to_string(&card).unwrap();
        }
    }
}
