//! `pcsc[:NAME]`: PC/SC readers, event-driven with `SCardGetStatusChange` (cards and hot-plug).
//! A reader with a built-in SAM (zero-based ATR bytes 13–14 = `90 00`, or, when the ATR does
//! not say, a 260-byte answer to `FF B0 00 00 00`) gives the decoded data in blocks read with
//! `FF B0 P1 00 00`; a plain reader gives only the card UID (`00 36 00 00 08`).

use std::collections::BTreeSet;
use std::ffi::{CStr, CString};
use std::sync::Mutex;
use std::time::Duration;

use pcsc::{Context, Protocols, ReaderState, Scope, ShareMode, State};

use super::{Link, ReaderEvent};
use crate::idcard::samv::PHOTO_LEN;
use crate::idcard::text::{self, TEXT_LEN};
use crate::idcard::with_photo;

/// APDU for the card UID on plain readers.
pub const GET_UID: [u8; 5] = [0x00, 0x36, 0x00, 0x00, 0x08];
/// How many `FF B0` blocks hold text and photo.
pub const BLOCKS: u8 = 6;
const POLL: Duration = Duration::from_millis(300);

/// The built-in-SAM readers mark themselves with `90 00` at zero-based ATR offsets 13 and 14
/// (hex characters 26..30), exactly as the public implementation that drives them checks.
pub fn is_builtin_sam_atr(atr: &[u8]) -> bool {
    atr.len() > 14 && atr[13] == 0x90 && atr[14] == 0x00
}

/// Readers seen with a built-in SAM in this process, so that detection can report one whose
/// card has been taken away (without a card there is nothing to ask).
static KNOWN_SAM: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn remember_builtin_sam(reader: &CStr) {
    if let Ok(mut known) = KNOWN_SAM.lock() {
        known.insert(reader.to_string_lossy().into_owned());
    }
}

fn known_builtin_sam(reader: &CStr) -> bool {
    KNOWN_SAM.lock().is_ok_and(|known| known.contains(reader.to_string_lossy().as_ref()))
}

/// Readers differ and not all mark their ATR: one `FF B0 00 00 00` tells. A built-in SAM answers
/// block 0, a 4-byte header and the 256-byte text; a plain reader refuses or answers otherwise.
fn probe_block0(card: &pcsc::Card) -> Option<Vec<u8>> {
    transmit(card, &PcscBlocks::read_apdu(0)).ok().filter(|d| d.len() == 4 + TEXT_LEN)
}

/// How the reader of a card was found to have a built-in SAM, or not.
enum Sam {
    Plain,
    ByAtr,
    /// The probe already read block 0: it is not read twice.
    ByProbe(Vec<u8>),
}

fn builtin_sam(card: &pcsc::Card, reader: &CStr, atr: &[u8]) -> Sam {
    let sam = if is_builtin_sam_atr(atr) { Sam::ByAtr } else { probe_block0(card).map_or(Sam::Plain, Sam::ByProbe) };
    if !matches!(sam, Sam::Plain) {
        remember_builtin_sam(reader);
    }
    sam
}

/// The `FF B0 P1 00 00` block layout: block 0 = 4-byte header + text; the photo is bytes
/// 4..256 of block 1, all of blocks 2–4 and the first 4 bytes of block 5.
pub struct PcscBlocks;

impl PcscBlocks {
    pub fn read_apdu(block: u8) -> [u8; 5] {
        [0xFF, 0xB0, block, 0x00, 0x00]
    }

    /// What a reader answers to each block (data without the status word).
    pub fn split(text: &[u8; TEXT_LEN], photo: &[u8]) -> Vec<Vec<u8>> {
        let mut photo = photo.to_vec();
        photo.resize(PHOTO_LEN, 0);
        let mut b0 = Vec::with_capacity(4 + TEXT_LEN);
        b0.extend_from_slice(&(TEXT_LEN as u16).to_be_bytes());
        b0.extend_from_slice(&(PHOTO_LEN as u16).to_be_bytes());
        b0.extend_from_slice(text);
        let mut b1 = vec![0u8; 4];
        b1.extend_from_slice(&photo[..252]);
        let mut b5 = photo[1020..].to_vec();
        b5.resize(256, 0);
        vec![b0, b1, photo[252..508].to_vec(), photo[508..764].to_vec(), photo[764..1020].to_vec(), b5]
    }

    /// The inverse: text and photo from the six blocks' data, or what is wrong with them.
    pub fn join(blocks: &[Vec<u8>]) -> Result<([u8; TEXT_LEN], Vec<u8>), String> {
        if blocks.len() != BLOCKS as usize {
            return Err(format!("{} blocks, expected {BLOCKS}", blocks.len()));
        }
        let need = [4 + TEXT_LEN, 256, 256, 256, 256, 4];
        for (i, (b, n)) in blocks.iter().zip(need).enumerate() {
            if b.len() < n {
                return Err(format!("block {i} has {} bytes, need {n}", b.len()));
            }
        }
        let mut text = [0u8; TEXT_LEN];
        text.copy_from_slice(&blocks[0][4..4 + TEXT_LEN]);
        let mut photo = Vec::with_capacity(PHOTO_LEN);
        photo.extend_from_slice(&blocks[1][4..256]);
        for b in &blocks[2..5] {
            photo.extend_from_slice(&b[..256]);
        }
        photo.extend_from_slice(&blocks[5][..4]);
        Ok((text, photo))
    }
}

/// Sends an APDU and splits off the status word; anything but `90 00` is an error.
fn transmit(card: &pcsc::Card, apdu: &[u8]) -> Result<Vec<u8>, String> {
    let mut buf = vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED];
    let r = card.transmit(apdu, &mut buf).map_err(|e| format!("transmit {}: {e}", hex::encode(apdu)))?;
    if r.len() < 2 {
        return Err(format!("answer to {} has no status word", hex::encode(apdu)));
    }
    let (data, sw) = r.split_at(r.len() - 2);
    if sw != [0x90, 0x00] {
        return Err(format!("{} answered SW {}", hex::encode(apdu), hex::encode(sw)));
    }
    Ok(data.to_vec())
}

/// Reads the card now on `reader` and reports it.
fn read_card(ctx: &Context, reader: &CStr, atr: &[u8], link: &Link) -> bool {
    let card = match ctx.connect(reader, ShareMode::Shared, Protocols::ANY) {
        Ok(c) => c,
        Err(e) => return link.error("读卡失败，请重新放卡", format!("connect to {reader:?}: {e}")),
    };
    let uid = transmit(&card, &GET_UID).ok().map(hex::encode);
    let block0 = match builtin_sam(&card, reader, atr) {
        Sam::ByAtr => None,
        Sam::ByProbe(b) => Some(b),
        Sam::Plain => return uid_only(uid, atr, link),
    };
    let blocks = match read_blocks(&card, block0) {
        Ok(b) => b,
        Err(e) => return link.error("读卡失败，请重新放卡", e),
    };
    match PcscBlocks::join(&blocks) {
        Ok((text_block, photo)) => {
            let mut identity = with_photo(text::parse(&text_block), &photo);
            identity.card_uid = uid;
            link.send(ReaderEvent::CardRead { card: Box::new(identity) })
        }
        Err(e) => link.error("读卡数据不完整，请重新放卡", format!("built-in SAM blocks: {e}")),
    }
}

fn uid_only(uid: Option<String>, atr: &[u8], link: &Link) -> bool {
    match uid {
        Some(uid) => link.send(ReaderEvent::CardUidOnly {
            uid,
            message: "此读卡器只能读取卡号，不能读取身份证信息，请使用带安全模块的身份证读卡器".into(),
        }),
        None => link.error("无法识别的卡片，请放置身份证", format!("plain reader: no UID from card with ATR {}", hex::encode(atr))),
    }
}

/// All six blocks; block 0 is reused when the probe already read it.
fn read_blocks(card: &pcsc::Card, block0: Option<Vec<u8>>) -> Result<Vec<Vec<u8>>, String> {
    let mut blocks = Vec::with_capacity(BLOCKS as usize);
    let first = u8::from(block0.is_some());
    blocks.extend(block0);
    for b in first..BLOCKS {
        blocks.push(transmit(card, &PcscBlocks::read_apdu(b)).map_err(|e| format!("built-in SAM block {b}: {e}"))?);
    }
    Ok(blocks)
}

/// One PC/SC reader as detection sees it.
pub(crate) struct Surveyed {
    pub name: String,
    pub builtin_sam: bool,
}

/// Every PC/SC reader, and whether each has a built-in SAM: by the ATR or the probe when a card
/// is present, by what this process saw before otherwise. No pcscd or no reader: an empty list.
pub(crate) fn survey() -> Vec<Surveyed> {
    let ctx = match Context::establish(Scope::User) {
        Ok(c) => c,
        Err(e) => {
            tracing::info!("device detection: no PC/SC service: {e}");
            return Vec::new();
        }
    };
    let names = ctx.list_readers_owned().unwrap_or_default();
    names.iter().map(|n| Surveyed { name: n.to_string_lossy().into_owned(), builtin_sam: reader_has_sam(&ctx, n) }).collect()
}

fn reader_has_sam(ctx: &Context, reader: &CStr) -> bool {
    if known_builtin_sam(reader) {
        return true;
    }
    // UNAWARE with no wait: the current state at once.
    let mut states = [ReaderState::new(reader.to_owned(), State::UNAWARE)];
    if ctx.get_status_change(Duration::ZERO, &mut states).is_err() {
        return false;
    }
    let ev = states[0].event_state();
    if !ev.contains(State::PRESENT) || ev.contains(State::MUTE) {
        return false;
    }
    match ctx.connect(reader, ShareMode::Shared, Protocols::ANY) {
        Ok(card) => !matches!(builtin_sam(&card, reader, states[0].atr()), Sam::Plain),
        Err(e) => {
            tracing::info!("device detection: cannot connect to the card on {reader:?}: {e}");
            false
        }
    }
}

fn matches(name: &CStr, filter: Option<&str>) -> bool {
    filter.is_none_or(|f| name.to_string_lossy().contains(f))
}

pub fn run(filter: Option<&str>, link: Link) {
    let mut lost = false;
    while !link.stopped() {
        let ctx = match Context::establish(Scope::User) {
            Ok(c) => c,
            Err(e) => {
                if !lost {
                    lost = true;
                    if !link.send(ReaderEvent::ReaderLost {
                        message: "智能卡服务（pcscd）未运行".into(),
                        detail: format!("SCardEstablishContext: {e}"),
                    }) {
                        return;
                    }
                }
                if !link.pause(Duration::from_secs(1)) {
                    return;
                }
                continue;
            }
        };
        if !monitor(&ctx, filter, &link, &mut lost) {
            return;
        }
        if !link.pause(Duration::from_millis(500)) {
            return;
        }
    }
}

/// Watches readers and cards until the context fails (true: try again) or we must stop (false).
fn monitor(ctx: &Context, filter: Option<&str>, link: &Link, lost: &mut bool) -> bool {
    let mut states = vec![ReaderState::new(pcsc::PNP_NOTIFICATION(), State::UNAWARE)];
    let mut tracked: Option<CString> = None;
    let mut card_present = false;
    loop {
        if link.stopped() {
            return false;
        }
        if tracked.is_none() {
            let names = ctx.list_readers_owned().unwrap_or_default();
            match names.into_iter().find(|n| matches(n, filter)) {
                Some(name) => {
                    states.truncate(1);
                    states.push(ReaderState::new(name.clone(), State::UNAWARE));
                    tracked = Some(name);
                    card_present = false;
                    if *lost {
                        *lost = false;
                        if !link.send(ReaderEvent::ReaderBack) {
                            return false;
                        }
                    }
                }
                None => {
                    if !*lost {
                        *lost = true;
                        let wanted = filter.map(|f| format!("“{f}”")).unwrap_or_default();
                        if !link.send(ReaderEvent::ReaderLost {
                            message: format!("未找到读卡器{wanted}，请检查连接"),
                            detail: format!("no PC/SC reader matches {filter:?}"),
                        }) {
                            return false;
                        }
                    }
                }
            }
        }
        match ctx.get_status_change(POLL, &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => continue,
            Err(e @ (pcsc::Error::NoService | pcsc::Error::ServiceStopped | pcsc::Error::InvalidHandle)) => {
                *lost = true;
                return link.send(ReaderEvent::ReaderLost {
                    message: "智能卡服务（pcscd）已停止".into(),
                    detail: format!("SCardGetStatusChange: {e}"),
                });
            }
            Err(pcsc::Error::UnknownReader) => {
                // The tracked reader vanished between list and wait.
                tracked = None;
                states.truncate(1);
                continue;
            }
            Err(e) => {
                if !link.error("读卡器状态异常", format!("SCardGetStatusChange: {e}")) {
                    return false;
                }
                if !link.pause(POLL) {
                    return false;
                }
                continue;
            }
        }
        for s in states.iter_mut() {
            s.sync_current_state();
        }
        let Some(reader_state) = states.get(1) else {
            continue;
        };
        let ev = reader_state.event_state();
        if ev.intersects(State::UNKNOWN | State::IGNORE | State::UNAVAILABLE) {
            tracked = None;
            states.truncate(1);
            *lost = true;
            if card_present && !link.send(ReaderEvent::CardRemoved) {
                return false;
            }
            if !link.send(ReaderEvent::ReaderLost { message: "读卡器已断开".into(), detail: "PC/SC reader removed".into() }) {
                return false;
            }
            continue;
        }
        let present = ev.contains(State::PRESENT) && !ev.contains(State::MUTE);
        if present && !card_present {
            card_present = true;
            let name = tracked.clone().unwrap_or_default();
            let atr = reader_state.atr().to_vec();
            if !link.send(ReaderEvent::CardPlaced) || !read_card(ctx, &name, &atr, link) {
                return false;
            }
        } else if !present && card_present {
            card_present = false;
            if !link.send(ReaderEvent::CardRemoved) {
                return false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip() {
        let text = [0x41u8; TEXT_LEN];
        let photo: Vec<u8> = (0..PHOTO_LEN).map(|i| (i % 251) as u8).collect();
        let blocks = PcscBlocks::split(&text, &photo);
        assert_eq!(blocks[0].len(), 260);
        assert!(blocks[1..].iter().all(|b| b.len() == 256));
        let (t, p) = PcscBlocks::join(&blocks).unwrap();
        assert_eq!(t, text);
        assert_eq!(p, photo);
        assert!(PcscBlocks::join(&blocks[..5]).is_err());
    }

    #[test]
    fn sam_atr_marker_is_at_zero_based_13_and_14() {
        let mut atr = vec![0x3B, 0x8C, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x90, 0x00, 0, 0];
        assert!(is_builtin_sam_atr(&atr));
        assert_eq!(&hex::encode_upper(&atr)[26..30], "9000");
        atr[14] = 0x01;
        assert!(!is_builtin_sam_atr(&atr));
        // The one-based reading (bytes 12 and 13) is not the marker.
        let shifted = vec![0x3B, 0x8C, 0x80, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0x90, 0x00, 0, 0, 0];
        assert!(!is_builtin_sam_atr(&shifted));
        assert!(!is_builtin_sam_atr(&atr[..14]));
        assert!(!is_builtin_sam_atr(&[0x3B, 0x00]));
    }
}
