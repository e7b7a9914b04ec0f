//! Whether a number block the province offers may be used (design "Trust", province-api.md
//! `POST /number-blocks`): prefix = the station's county digits + a two-digit year + a sitting,
//! sequences inside 00001–99999, no overlap with a block held, `valid_until` in the future.
//! Pure: the held blocks and the time are passed in.

use chrono::{DateTime, Datelike, FixedOffset};

/// A block as the province offered it.
#[derive(Debug, Clone, Copy)]
pub struct Offer<'a> {
    pub block_id: &'a str,
    pub prefix: &'a str,
    pub first_seq: i64,
    pub last_seq: i64,
    pub valid_until: &'a str,
}

/// A block already held by this station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub block_id: String,
    pub prefix: String,
    pub first_seq: i64,
    pub last_seq: i64,
}

pub const MAX_SEQ: i64 = 99_999;
/// Longest block id we keep (it is stored and shown).
pub const MAX_BLOCK_ID_LEN: usize = 64;

/// `Err` says, in English, why the block is refused.
pub fn check(offer: &Offer<'_>, county_code: &str, held: &[Held], now: &DateTime<FixedOffset>) -> Result<(), String> {
    let id = offer.block_id;
    if id.is_empty() || id.len() > MAX_BLOCK_ID_LEN || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!("block id {:?} is empty, too long or not printable", id.chars().take(MAX_BLOCK_ID_LEN).collect::<String>()));
    }
    let p = offer.prefix.as_bytes();
    if p.len() != 7 || !p.iter().all(u8::is_ascii_digit) {
        return Err(format!("block {id}: prefix {:?} is not seven digits", offer.prefix.chars().take(16).collect::<String>()));
    }
    let county = county_code.get(2..6).filter(|_| county_code.len() == 6).unwrap_or("");
    if &offer.prefix[..4] != county {
        return Err(format!("block {id}: prefix {} is not for county {county_code}", offer.prefix));
    }
    let year = 2000 + offer.prefix[4..6].parse::<i32>().unwrap_or(-1);
    if !(now.year() - 1..=now.year() + 2).contains(&year) {
        return Err(format!("block {id}: prefix {} names the year {year}", offer.prefix));
    }
    if !matches!(p[6], b'1' | b'2') {
        return Err(format!("block {id}: prefix {} names no sitting (1 April, 2 October)", offer.prefix));
    }
    if !(1 <= offer.first_seq && offer.first_seq <= offer.last_seq && offer.last_seq <= MAX_SEQ) {
        return Err(format!("block {id}: sequences {}–{} are not inside 1–{MAX_SEQ}", offer.first_seq, offer.last_seq));
    }
    match DateTime::parse_from_rfc3339(offer.valid_until) {
        Ok(until) if until > *now => {}
        Ok(_) => return Err(format!("block {id}: valid until {} has passed", offer.valid_until)),
        Err(_) => {
            return Err(format!("block {id}: valid_until {:?} is not a time", offer.valid_until.chars().take(40).collect::<String>()))
        }
    }
    for h in held {
        if h.block_id == id {
            return Err(format!("block {id} is already held (the province answered a new request with it again)"));
        }
        if h.prefix == offer.prefix && offer.first_seq <= h.last_seq && h.first_seq <= offer.last_seq {
            return Err(format!(
                "block {id} ({}–{}) overlaps block {} ({}–{}) already held",
                offer.first_seq, offer.last_seq, h.block_id, h.first_seq, h.last_seq
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2026-08-31T09:00:00+08:00").unwrap()
    }

    fn offer<'a>(prefix: &'a str, first: i64, last: i64, until: &'a str) -> Offer<'a> {
        Offer { block_id: "B1", prefix, first_seq: first, last_seq: last, valid_until: until }
    }

    const UNTIL: &str = "2027-04-30T23:59:59+08:00";

    #[test]
    fn a_good_block_passes() {
        assert_eq!(check(&offer("0102272", 1201, 1400, UNTIL), "420102", &[], &now()), Ok(()));
    }

    #[test]
    fn bad_prefixes_are_refused() {
        for p in ["010227", "01022720", "0102a72", "0103272", "0102993", "0102273", "0102270", "<b>0102"] {
            assert!(check(&offer(p, 1, 100, UNTIL), "420102", &[], &now()).is_err(), "{p}");
        }
    }

    #[test]
    fn sequences_and_validity_are_checked() {
        for (f, l) in [(0, 10), (10, 9), (99_990, 100_000), (-5, 3)] {
            assert!(check(&offer("0102272", f, l, UNTIL), "420102", &[], &now()).is_err(), "{f}-{l}");
        }
        assert!(check(&offer("0102272", 1, 99_999, UNTIL), "420102", &[], &now()).is_ok());
        assert!(check(&offer("0102272", 1, 10, "2026-08-31T08:00:00+08:00"), "420102", &[], &now()).is_err());
        assert!(check(&offer("0102272", 1, 10, "tomorrow"), "420102", &[], &now()).is_err());
    }

    #[test]
    fn overlaps_and_a_repeated_block_id_are_refused() {
        let held = [Held { block_id: "B0".into(), prefix: "0102272".into(), first_seq: 100, last_seq: 199 }];
        assert!(check(&offer("0102272", 150, 250, UNTIL), "420102", &held, &now()).unwrap_err().contains("overlaps"));
        assert!(check(&offer("0102272", 1, 100, UNTIL), "420102", &held, &now()).is_err());
        assert!(check(&offer("0102272", 200, 299, UNTIL), "420102", &held, &now()).is_ok());
        assert!(check(&offer("0102271", 100, 199, UNTIL), "420102", &held, &now()).is_ok(), "another sitting");
        let again = Offer { block_id: "B0", ..offer("0102272", 500, 599, UNTIL) };
        assert!(check(&again, "420102", &held, &now()).unwrap_err().contains("already held"));
    }
}
