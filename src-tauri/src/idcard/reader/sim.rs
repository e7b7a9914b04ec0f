//! `sim:FILE`: cards from a JSON file (`{"cards": [IdentityCard, …]}`), placed on the reader on
//! command — for the demo ("swipe" a sample card from the UI) and for tests.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use serde::Deserialize;

use super::{Link, ReaderEvent};
use crate::idcard::text;
use crate::idcard::IdentityCard;

#[derive(Debug, Clone, Deserialize)]
pub struct SimFile {
    pub cards: Vec<IdentityCard>,
    /// Place this card as soon as the reader starts (for `zkctl card read`).
    #[serde(default)]
    pub autoplay: Option<usize>,
}

/// Largest card file read (a card with its photo is ~2 KB of JSON).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

impl SimFile {
    pub fn load(path: &Path) -> Result<Self, String> {
        let bytes = crate::files::read_bounded(path, MAX_FILE_BYTES)?;
        let text = String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8 text", path.display()))?;
        let f: SimFile = serde_json::from_str(&text).map_err(|e| format!("{} is not a card file: {e}", path.display()))?;
        if f.cards.is_empty() {
            return Err(format!("{} holds no cards", path.display()));
        }
        Ok(f)
    }
}

pub enum SimCommand {
    Swipe(usize),
    Remove,
}

pub fn run(file: SimFile, commands: Receiver<SimCommand>, link: Link) {
    let mut present = false;
    let place = |i: usize, present: &mut bool| -> bool {
        let Some(card) = file.cards.get(i) else {
            return link.error("模拟读卡器中没有这张卡", format!("sim card index {i} out of range"));
        };
        if *present && !link.send(ReaderEvent::CardRemoved) {
            return false;
        }
        // Through the real encoder and parser, so the demo exercises the same path as a chip.
        let mut parsed = text::parse(&text::encode(card));
        parsed.photo_wlt_base64 = card.photo_wlt_base64.clone();
        parsed.card_uid = card.card_uid.clone();
        *present = true;
        link.send(ReaderEvent::CardPlaced) && link.send(ReaderEvent::CardRead { card: Box::new(parsed) })
    };
    if let Some(i) = file.autoplay {
        if !place(i, &mut present) {
            return;
        }
    }
    loop {
        if link.stopped() {
            return;
        }
        match commands.recv_timeout(Duration::from_millis(50)) {
            Ok(SimCommand::Swipe(i)) => {
                if !place(i, &mut present) {
                    return;
                }
            }
            Ok(SimCommand::Remove) => {
                if present {
                    present = false;
                    if !link.send(ReaderEvent::CardRemoved) {
                        return;
                    }
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}
