//! SAM_V frames (GA 467): `AA AA AA 96 69 | LEN(2, BE) | body | XOR`, where LEN counts the bytes
//! after it including the checksum and the XOR covers LEN through the last body byte.
//! Commands are `CMD PARA`; replies are `SW1 SW2 SW3 data`. Pure: bytes in, frames out.

use super::text::TEXT_LEN;

pub const PREAMBLE: [u8; 5] = [0xAA, 0xAA, 0xAA, 0x96, 0x69];
/// Longest reply we accept: text + photo + fingerprint (1024) and headers, with room to spare.
pub const MAX_LEN: usize = 4096;
pub const PHOTO_LEN: usize = 1024;

/// The commands a host sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Reset,
    SamStatus,
    SamId,
    Find,
    Select,
    Read,
    ReadWithFingerprint,
    /// Set the baud rate; the parameter byte is the reader's code for the rate.
    Baud(u8),
}

impl Command {
    pub fn code(self) -> [u8; 2] {
        match self {
            Command::Reset => [0x10, 0xFF],
            Command::SamStatus => [0x11, 0xFF],
            Command::SamId => [0x12, 0xFF],
            Command::Find => [0x20, 0x01],
            Command::Select => [0x20, 0x02],
            Command::Read => [0x30, 0x01],
            Command::ReadWithFingerprint => [0x30, 0x10],
            Command::Baud(p) => [0x60, p],
        }
    }

    pub fn from_code(code: [u8; 2]) -> Option<Self> {
        Some(match code {
            [0x10, 0xFF] => Command::Reset,
            [0x11, 0xFF] => Command::SamStatus,
            [0x12, 0xFF] => Command::SamId,
            [0x20, 0x01] => Command::Find,
            [0x20, 0x02] => Command::Select,
            [0x30, 0x01] => Command::Read,
            [0x30, 0x10] => Command::ReadWithFingerprint,
            [0x60, p] => Command::Baud(p),
            _ => return None,
        })
    }

    pub fn encode(self) -> Vec<u8> {
        frame(&self.code())
    }
}

/// Wraps a body in preamble, length and checksum.
pub fn frame(body: &[u8]) -> Vec<u8> {
    let len = (body.len() + 1) as u16;
    let mut out = Vec::with_capacity(PREAMBLE.len() + 2 + body.len() + 1);
    out.extend_from_slice(&PREAMBLE);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    let xor = out[PREAMBLE.len()..].iter().fold(0u8, |a, b| a ^ b);
    out.push(xor);
    out
}

/// SW3 of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    CardFound,
    FindFailed,
    SelectFailed,
    ReadFailed,
    ChecksumError,
    LengthError,
    BadCommand,
    AuthFailed(u8),
    UnknownCard,
    SamSelfTestFailed,
    Other(u8),
}

impl Status {
    pub fn from_sw3(b: u8) -> Self {
        match b {
            0x90 => Status::Ok,
            0x9F => Status::CardFound,
            0x80 => Status::FindFailed,
            0x81 => Status::SelectFailed,
            0x41 => Status::ReadFailed,
            0x10 => Status::ChecksumError,
            0x11 => Status::LengthError,
            0x21 => Status::BadCommand,
            0x31..=0x33 => Status::AuthFailed(b),
            0x40 => Status::UnknownCard,
            0x60 => Status::SamSelfTestFailed,
            other => Status::Other(other),
        }
    }

    pub fn sw3(self) -> u8 {
        match self {
            Status::Ok => 0x90,
            Status::CardFound => 0x9F,
            Status::FindFailed => 0x80,
            Status::SelectFailed => 0x81,
            Status::ReadFailed => 0x41,
            Status::ChecksumError => 0x10,
            Status::LengthError => 0x11,
            Status::BadCommand => 0x21,
            Status::AuthFailed(b) | Status::Other(b) => b,
            Status::UnknownCard => 0x40,
            Status::SamSelfTestFailed => 0x60,
        }
    }

    pub fn is_success(self) -> bool {
        matches!(self, Status::Ok | Status::CardFound)
    }

    /// For counter staff.
    pub fn message(self) -> String {
        match self {
            Status::Ok => "操作成功".into(),
            Status::CardFound => "已找到卡片".into(),
            Status::FindFailed => "未找到卡片".into(),
            Status::SelectFailed => "选卡失败".into(),
            Status::ReadFailed => "读卡失败，请重新放卡".into(),
            Status::ChecksumError => "校验错误".into(),
            Status::LengthError => "数据长度错误".into(),
            Status::BadCommand => "读卡器不支持该命令".into(),
            Status::AuthFailed(_) => "证卡认证失败，请确认是有效证件".into(),
            Status::UnknownCard => "无法识别的卡片，请放置身份证".into(),
            Status::SamSelfTestFailed => "安全模块自检失败".into(),
            Status::Other(b) => format!("读卡器返回未知状态（{b:02X}）"),
        }
    }
}

/// A decoded reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub sw1: u8,
    pub sw2: u8,
    pub status: Status,
    pub data: Vec<u8>,
}

impl Reply {
    pub fn new(status: Status, data: Vec<u8>) -> Self {
        Reply { sw1: 0, sw2: 0, status, data }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut body = vec![self.sw1, self.sw2, self.status.sw3()];
        body.extend_from_slice(&self.data);
        frame(&body)
    }
}

/// The data of a read reply: the text block, the WLT photo and, after `30 10`, the fingerprint
/// block (kept for a later use; nothing reads it today).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadData {
    pub text: [u8; TEXT_LEN],
    pub photo: Vec<u8>,
    /// `None` for a `30 01` reply; `Some` (possibly empty) for a `30 10` reply.
    pub fingerprint: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("SAM_V frame checksum mismatch (computed {computed:02X}, frame says {found:02X})")]
    Checksum { computed: u8, found: u8 },
    #[error("SAM_V frame length {0} is out of range")]
    Length(usize),
    #[error("SAM_V read reply malformed: {0}")]
    ReadData(String),
}

impl FrameError {
    pub fn message(&self) -> &'static str {
        match self {
            FrameError::Checksum { .. } => "读卡数据校验错误，请重新放卡",
            FrameError::Length(_) | FrameError::ReadData(_) => "读卡数据不完整，请重新放卡",
        }
    }
}

fn be16(data: &[u8], at: usize) -> usize {
    u16::from_be_bytes([data[at], data[at + 1]]) as usize
}

/// Splits the data of a read reply. A reply does not name its command, so the layout is told
/// by the data length, which must add up exactly (a shifted header would parse into a garbage
/// identity): `30 01` is `text_len(2) photo_len(2) text photo`, `30 10` is
/// `text_len(2) photo_len(2) fp_len(2) text photo fingerprint`.
pub fn split_read(data: &[u8]) -> Result<ReadData, FrameError> {
    if data.len() < 4 {
        return Err(FrameError::ReadData(format!("{} bytes, need at least 4", data.len())));
    }
    let (text_len, photo_len) = (be16(data, 0), be16(data, 2));
    if text_len != TEXT_LEN {
        return Err(FrameError::ReadData(format!("text length {text_len}, expected {TEXT_LEN}")));
    }
    let (header, fp_len) = if data.len() == 4 + text_len + photo_len {
        (4, None)
    } else if data.len() >= 6 && data.len() == 6 + text_len + photo_len + be16(data, 4) {
        (6, Some(be16(data, 4)))
    } else {
        return Err(FrameError::ReadData(format!(
            "{} bytes fit neither layout (text {text_len}, photo {photo_len}, fingerprint {:?})",
            data.len(),
            (data.len() >= 6).then(|| be16(data, 4))
        )));
    };
    let photo_at = header + TEXT_LEN;
    let fp_at = photo_at + photo_len;
    let mut text = [0u8; TEXT_LEN];
    text.copy_from_slice(&data[header..photo_at]);
    Ok(ReadData { text, photo: data[photo_at..fp_at].to_vec(), fingerprint: fp_len.map(|_| data[fp_at..].to_vec()) })
}

/// Builds the data of a `30 01` reply (used by emulators and tests).
pub fn join_read(text: &[u8; TEXT_LEN], photo: &[u8]) -> Vec<u8> {
    let mut d = Vec::with_capacity(4 + TEXT_LEN + photo.len());
    d.extend_from_slice(&(TEXT_LEN as u16).to_be_bytes());
    d.extend_from_slice(&(photo.len() as u16).to_be_bytes());
    d.extend_from_slice(text);
    d.extend_from_slice(photo);
    d
}

/// Builds the data of a `30 10` reply: text, photo and fingerprint (used by emulators and tests).
pub fn join_read_with_fingerprint(text: &[u8; TEXT_LEN], photo: &[u8], fingerprint: &[u8]) -> Vec<u8> {
    let mut d = Vec::with_capacity(6 + TEXT_LEN + photo.len() + fingerprint.len());
    d.extend_from_slice(&(TEXT_LEN as u16).to_be_bytes());
    d.extend_from_slice(&(photo.len() as u16).to_be_bytes());
    d.extend_from_slice(&(fingerprint.len() as u16).to_be_bytes());
    d.extend_from_slice(text);
    d.extend_from_slice(photo);
    d.extend_from_slice(fingerprint);
    d
}

/// The SAM id (`12 FF` answer, 16 bytes) as vendor tools print it: two little-endian 16-bit
/// numbers and three little-endian 32-bit numbers, `05.01-20101020-0013244527-2426503416`.
/// Anything but 16 bytes is shown as hex, so an odd reader still shows something to compare.
pub fn format_sam_id(data: &[u8]) -> String {
    let Ok(b) = <&[u8; 16]>::try_from(data) else {
        return hex::encode_upper(data);
    };
    let u16le = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32le = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    format!("{:02}.{:02}-{:08}-{:010}-{:010}", u16le(0), u16le(2), u32le(4), u32le(8), u32le(12))
}

/// What the stream decoder yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A well-formed frame's body (without preamble, length and checksum).
    Frame(Vec<u8>),
    /// A frame that failed its checks; the decoder has already resynchronised past it.
    Bad(FrameError),
}

/// Reassembles frames from bytes that arrive in arbitrary chunks; skips garbage by hunting
/// for the preamble again. Linear in the bytes pushed, whatever they are: consumed bytes are
/// skipped by an offset (compacted now and then), and the hunt never rescans what it passed.
#[derive(Debug, Default)]
pub struct StreamDecoder {
    buf: Vec<u8>,
    /// `xor[k]` is the XOR of `buf[..k]` (one more entry than `buf`), so any frame's checksum
    /// is two lookups, however many bad preambles overlap it.
    xor: Vec<u8>,
    /// Bytes of `buf` already consumed.
    start: usize,
}

impl StreamDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, bytes: &[u8]) {
        // Compact before growing once the consumed part is at least half the buffer: each byte
        // is moved at most once per halving, so the total work stays linear.
        if self.start > 0 && self.start * 2 >= self.buf.len() {
            self.buf.drain(..self.start);
            self.xor.drain(..self.start);
            self.start = 0;
        }
        if self.xor.is_empty() {
            self.xor.push(0);
        }
        let mut acc = *self.xor.last().expect("one entry at least");
        for &b in bytes {
            acc ^= b;
            self.xor.push(acc);
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes held that are not yet a whole frame.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.start
    }

    pub fn clear(&mut self) {
        self.buf.clear();
        self.xor.clear();
        self.start = 0;
    }

    /// The next complete frame, or `None` until more bytes arrive.
    pub fn next_frame(&mut self) -> Option<Decoded> {
        let rest = &self.buf[self.start..];
        // Skip everything before the first possible preamble start.
        match find_preamble(rest) {
            Some(i) => self.start += i,
            None => {
                // Keep a tail that could be the start of a preamble split across chunks.
                let keep = partial_preamble_suffix(rest);
                self.start = self.buf.len() - keep;
                return None;
            }
        }
        let rest = &self.buf[self.start..];
        if rest.len() < PREAMBLE.len() + 2 {
            return None;
        }
        let len = u16::from_be_bytes([rest[5], rest[6]]) as usize;
        if !(2..=MAX_LEN).contains(&len) {
            // Not a real frame: skip this preamble; the next call hunts again.
            self.start += 1;
            return Some(Decoded::Bad(FrameError::Length(len)));
        }
        let total = PREAMBLE.len() + 2 + len;
        if rest.len() < total {
            return None;
        }
        let at = self.start;
        let computed = self.xor[at + PREAMBLE.len()] ^ self.xor[at + total - 1];
        let found = rest[total - 1];
        if computed != found {
            // Skip only this preamble: a real frame may start inside the bad one.
            self.start += 1;
            return Some(Decoded::Bad(FrameError::Checksum { computed, found }));
        }
        let body = rest[PREAMBLE.len() + 2..total - 1].to_vec();
        self.start += total;
        if self.start == self.buf.len() {
            self.clear();
        }
        Some(Decoded::Frame(body))
    }
}

fn find_preamble(buf: &[u8]) -> Option<usize> {
    buf.windows(PREAMBLE.len()).position(|w| w == PREAMBLE)
}

/// Length of the longest suffix of `buf` that is a proper prefix of the preamble.
fn partial_preamble_suffix(buf: &[u8]) -> usize {
    (1..PREAMBLE.len()).rev().find(|&n| buf.len() >= n && buf[buf.len() - n..] == PREAMBLE[..n]).unwrap_or(0)
}

/// A reply body → [`Reply`].
pub fn parse_reply(body: &[u8]) -> Result<Reply, FrameError> {
    if body.len() < 3 {
        return Err(FrameError::Length(body.len()));
    }
    Ok(Reply { sw1: body[0], sw2: body[1], status: Status::from_sw3(body[2]), data: body[3..].to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        s.split_whitespace().map(|b| u8::from_str_radix(b, 16).unwrap()).collect()
    }

    #[test]
    fn every_command_frame_is_byte_exact() {
        // LEN = 00 03 (CMD, PARA, XOR); XOR = 00 ^ 03 ^ CMD ^ PARA.
        let cases = [
            (Command::Reset, "AA AA AA 96 69 00 03 10 FF EC"),
            (Command::SamStatus, "AA AA AA 96 69 00 03 11 FF ED"),
            (Command::SamId, "AA AA AA 96 69 00 03 12 FF EE"),
            (Command::Find, "AA AA AA 96 69 00 03 20 01 22"),
            (Command::Select, "AA AA AA 96 69 00 03 20 02 21"),
            (Command::Read, "AA AA AA 96 69 00 03 30 01 32"),
            (Command::ReadWithFingerprint, "AA AA AA 96 69 00 03 30 10 23"),
            (Command::Baud(0x02), "AA AA AA 96 69 00 03 60 02 61"),
        ];
        for (cmd, bytes) in cases {
            assert_eq!(cmd.encode(), hex(bytes), "{cmd:?}");
            assert_eq!(Command::from_code(cmd.code()), Some(cmd));
        }
    }

    #[test]
    fn every_status_maps_both_ways_with_a_chinese_message() {
        let cases = [
            (0x90, Status::Ok, "操作成功"),
            (0x9F, Status::CardFound, "已找到卡片"),
            (0x80, Status::FindFailed, "未找到卡片"),
            (0x81, Status::SelectFailed, "选卡失败"),
            (0x41, Status::ReadFailed, "读卡失败，请重新放卡"),
            (0x10, Status::ChecksumError, "校验错误"),
            (0x11, Status::LengthError, "数据长度错误"),
            (0x21, Status::BadCommand, "读卡器不支持该命令"),
            (0x31, Status::AuthFailed(0x31), "证卡认证失败，请确认是有效证件"),
            (0x32, Status::AuthFailed(0x32), "证卡认证失败，请确认是有效证件"),
            (0x33, Status::AuthFailed(0x33), "证卡认证失败，请确认是有效证件"),
            (0x40, Status::UnknownCard, "无法识别的卡片，请放置身份证"),
            (0x60, Status::SamSelfTestFailed, "安全模块自检失败"),
            (0x77, Status::Other(0x77), "读卡器返回未知状态（77）"),
        ];
        for (b, st, msg) in cases {
            assert_eq!(Status::from_sw3(b), st);
            assert_eq!(st.sw3(), b);
            assert_eq!(st.message(), msg);
        }
    }

    #[test]
    fn status_replies_are_byte_exact() {
        // find ok: AA AA AA 96 69 00 04 00 00 9F 9B
        assert_eq!(Reply::new(Status::CardFound, vec![]).encode(), hex("AA AA AA 96 69 00 04 00 00 9F 9B"));
        assert_eq!(Reply::new(Status::FindFailed, vec![]).encode(), hex("AA AA AA 96 69 00 04 00 00 80 84"));
        // select ok carries 8 bytes of zeros after 90.
        let sel = Reply::new(Status::Ok, vec![0; 8]).encode();
        assert_eq!(sel, hex("AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C"));
    }

    #[test]
    fn a_read_reply_round_trips() {
        let text = [0x20u8; TEXT_LEN];
        let photo = vec![0x57; PHOTO_LEN];
        let frame = Reply::new(Status::Ok, join_read(&text, &photo)).encode();
        // LEN = 3 + 4 + 256 + 1024 + 1 = 1288 = 0x0508
        assert_eq!(&frame[5..7], &[0x05, 0x08]);
        assert_eq!(frame.len(), 7 + 1288);
        let mut d = StreamDecoder::new();
        d.push(&frame);
        let Some(Decoded::Frame(body)) = d.next_frame() else { panic!("no frame") };
        let r = parse_reply(&body).unwrap();
        assert_eq!(r.status, Status::Ok);
        let rd = split_read(&r.data).unwrap();
        assert_eq!(rd.text, text);
        assert_eq!(rd.photo, photo);
    }

    #[test]
    fn bytes_in_one_byte_chunks_reassemble() {
        let frame = Reply::new(Status::CardFound, vec![]).encode();
        let mut d = StreamDecoder::new();
        for (i, b) in frame.iter().enumerate() {
            d.push(&[*b]);
            let out = d.next_frame();
            if i + 1 < frame.len() {
                assert!(out.is_none(), "frame too early at byte {i}");
            } else {
                assert_eq!(out, Some(Decoded::Frame(vec![0, 0, 0x9F])));
            }
        }
    }

    #[test]
    fn garbage_before_a_frame_is_skipped() {
        let mut bytes = vec![0x00, 0xAA, 0x13, 0xAA, 0xAA, 0x96];
        bytes.extend(Reply::new(Status::Ok, vec![1, 2]).encode());
        let mut d = StreamDecoder::new();
        d.push(&bytes);
        assert_eq!(d.next_frame(), Some(Decoded::Frame(vec![0, 0, 0x90, 1, 2])));
        assert_eq!(d.next_frame(), None);
        assert_eq!(d.pending(), 0);
    }

    #[test]
    fn a_corrupt_checksum_is_reported_and_the_next_frame_still_decodes() {
        let mut bad = Reply::new(Status::CardFound, vec![]).encode();
        *bad.last_mut().unwrap() ^= 0xFF;
        let good = Reply::new(Status::Ok, vec![7]).encode();
        let mut d = StreamDecoder::new();
        d.push(&bad);
        d.push(&good);
        assert!(matches!(d.next_frame(), Some(Decoded::Bad(FrameError::Checksum { .. }))));
        assert_eq!(d.next_frame(), Some(Decoded::Frame(vec![0, 0, 0x90, 7])));
    }

    /// Many bad frames back to back, pushed whole or in odd chunks: every one is reported, the
    /// good frame after them still decodes, and nothing is left over (see the `idcard` bench
    /// `bad_checksums_1mb` for the linear cost).
    #[test]
    fn a_stream_full_of_bad_checksums_decodes_to_the_good_frame() {
        let mut bad = Reply::new(Status::Ok, join_read(&[0x20; TEXT_LEN], &[0x57; PHOTO_LEN])).encode();
        *bad.last_mut().unwrap() ^= 0x01;
        let good = Reply::new(Status::Ok, vec![7, 8]).encode();
        let mut stream = Vec::new();
        for _ in 0..200 {
            stream.extend_from_slice(&bad);
        }
        stream.extend_from_slice(&good);
        for chunk in [stream.len(), 4096, 777, 1] {
            let mut d = StreamDecoder::new();
            let (mut bads, mut frames) = (0, Vec::new());
            for part in stream.chunks(chunk) {
                d.push(part);
                while let Some(x) = d.next_frame() {
                    match x {
                        Decoded::Bad(_) => bads += 1,
                        Decoded::Frame(f) => frames.push(f),
                    }
                }
            }
            assert_eq!(bads, 200, "chunk {chunk}");
            assert_eq!(frames, vec![vec![0, 0, 0x90, 7, 8]], "chunk {chunk}");
            assert_eq!(d.pending(), 0);
        }
    }

    #[test]
    fn an_absurd_length_resynchronises() {
        let mut bytes = vec![0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF];
        bytes.extend(Reply::new(Status::Ok, vec![]).encode());
        let mut d = StreamDecoder::new();
        d.push(&bytes);
        assert_eq!(d.next_frame(), Some(Decoded::Bad(FrameError::Length(0xFFFF))));
        assert_eq!(d.next_frame(), Some(Decoded::Frame(vec![0, 0, 0x90])));
    }

    #[test]
    fn short_read_data_is_an_error_not_a_panic() {
        assert!(split_read(&[1]).is_err());
        assert!(split_read(&[0x01, 0x00, 0x04, 0x00, 0, 0]).is_err());
        let mut d = join_read(&[0x20; TEXT_LEN], &[1; 10]);
        d.truncate(100);
        assert!(split_read(&d).is_err());
    }

    #[test]
    fn a_fingerprint_reply_is_told_apart_by_its_length() {
        let mut text = [0x20u8; TEXT_LEN];
        text[0] = 0x41;
        let photo = vec![0x57; PHOTO_LEN];
        // 0, one and two fingerprints: 1297, 1809 and 2321 bytes on the wire.
        for fp_len in [0usize, 512, 1024] {
            let fp: Vec<u8> = (0..fp_len).map(|i| (i % 7) as u8).collect();
            let data = join_read_with_fingerprint(&text, &photo, &fp);
            assert_eq!(Reply::new(Status::Ok, data.clone()).encode().len(), 1297 + fp_len);
            let rd = split_read(&data).unwrap();
            assert_eq!(rd.text, text, "text shifted with fp_len {fp_len}");
            assert_eq!(rd.photo, photo);
            assert_eq!(rd.fingerprint, Some(fp));
        }
        assert_eq!(split_read(&join_read(&text, &photo)).unwrap().fingerprint, None);
    }

    #[test]
    fn read_data_whose_lengths_do_not_add_up_is_refused() {
        let text = [0x20u8; TEXT_LEN];
        let photo = vec![0x57; PHOTO_LEN];
        // One byte too many or too few for either layout.
        let mut long = join_read(&text, &photo);
        long.push(0);
        assert!(split_read(&long).is_err());
        let mut fp = join_read_with_fingerprint(&text, &photo, &[1; 512]);
        fp.pop();
        assert!(split_read(&fp).is_err());
        fp.extend_from_slice(&[1, 1]);
        assert!(split_read(&fp).is_err());
    }

    #[test]
    fn sam_ids_print_as_vendor_tools_do() {
        let mut id = Vec::new();
        id.extend_from_slice(&5u16.to_le_bytes());
        id.extend_from_slice(&1u16.to_le_bytes());
        id.extend_from_slice(&20101020u32.to_le_bytes());
        id.extend_from_slice(&13244527u32.to_le_bytes());
        id.extend_from_slice(&2426503416u32.to_le_bytes());
        assert_eq!(format_sam_id(&id), "05.01-20101020-0013244527-2426503416");
        assert_eq!(format_sam_id(&[0xAB, 0x01]), "AB01");
    }
}
