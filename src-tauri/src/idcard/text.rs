//! The 256-byte text block (UCS-2LE, space-padded) in its four layouts → [`IdentityCard`].
//! Never panics: odd characters and unknown codes are kept as read. The encoder is the
//! inverse, used by the simulated and emulated readers.

use super::gb11643;
use super::identity::{IdType, IdentityCard, LONG_TERM};

pub const TEXT_LEN: usize = 256;

/// The type marker at bytes 248–249.
fn id_type_of(block: &[u8; TEXT_LEN]) -> IdType {
    match u16::from_le_bytes([block[248], block[249]]) {
        0x4A => IdType::HmtPermit,            // 'J'
        0x49 => IdType::ForeignPermanent2017, // 'I'
        0x59 => IdType::ForeignPermanent2023, // 'Y'
        _ => IdType::Resident,                // ' ' (and anything unknown: the resident layout)
    }
}

/// Decodes a UCS-2LE field, trimming the space (and NUL) padding. Lone surrogates become U+FFFD;
/// private-use characters (used for rare 生僻字) are kept as they are.
fn field(block: &[u8], off: usize, len: usize) -> String {
    let units = block[off..off + len].chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]]));
    let s: String = char::decode_utf16(units).map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER)).collect();
    s.trim_end_matches([' ', '\0']).trim_start_matches(' ').to_string()
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// `YYYYMMDD` → `YYYY-MM-DD` when it is a real date, else the text as read.
fn date(raw: String) -> Option<String> {
    if raw.is_empty() {
        return None;
    }
    match chrono::NaiveDate::parse_from_str(&raw, "%Y%m%d") {
        Ok(d) if raw.len() == 8 => Some(d.format("%Y-%m-%d").to_string()),
        _ => Some(raw),
    }
}

fn valid_to(raw: String) -> Option<String> {
    if raw.starts_with("长期") {
        Some(LONG_TERM.to_string())
    } else {
        date(raw)
    }
}

pub fn parse(block: &[u8; TEXT_LEN]) -> IdentityCard {
    let id_type = id_type_of(block);
    let f = |off, len| field(block, off, len);
    let mut card = match id_type {
        IdType::Resident | IdType::HmtPermit => IdentityCard {
            id_type,
            name: f(0, 30),
            english_name: None,
            gender: f(30, 2),
            nation: if id_type == IdType::Resident { opt(f(32, 4)) } else { None },
            nationality: None,
            birth_date: date(f(36, 16)),
            address: opt(f(52, 70)),
            id_number: f(122, 36),
            authority: opt(f(158, 30)),
            valid_from: date(f(188, 16)),
            valid_to: valid_to(f(204, 16)),
            pass_number: if id_type == IdType::HmtPermit { opt(f(220, 18)) } else { None },
            issue_count: if id_type == IdType::HmtPermit { f(238, 4).parse().ok() } else { None },
            card_uid: None,
            photo_wlt_base64: None,
            id_number_valid: false,
        },
        IdType::ForeignPermanent2017 => IdentityCard {
            id_type,
            name: f(158, 30),
            english_name: opt(f(0, 120)),
            gender: f(120, 2),
            nation: None,
            nationality: opt(f(152, 6)),
            birth_date: date(f(220, 16)),
            address: None,
            id_number: f(122, 30),
            authority: opt(f(240, 8)),
            valid_from: date(f(188, 16)),
            valid_to: valid_to(f(204, 16)),
            pass_number: None,
            issue_count: f(236, 4).parse().ok(),
            card_uid: None,
            photo_wlt_base64: None,
            id_number_valid: false,
        },
        IdType::ForeignPermanent2023 => {
            let english = format!("{}{}", f(52, 70), f(220, 22));
            IdentityCard {
                id_type,
                name: f(0, 30),
                english_name: opt(english.trim().to_string()),
                gender: f(30, 2),
                nation: None,
                nationality: opt(f(242, 6)),
                birth_date: date(f(36, 16)),
                address: None,
                id_number: f(122, 36),
                authority: None,
                valid_from: date(f(188, 16)),
                valid_to: valid_to(f(204, 16)),
                pass_number: None,
                issue_count: f(32, 4).parse().ok(),
                card_uid: None,
                photo_wlt_base64: None,
                id_number_valid: false,
            }
        }
    };
    card.id_number_valid = id_number_valid(card.id_type, &card.id_number);
    card
}

/// Residents, HMT residents and 2023 foreigners carry GB 11643 numbers; the 2017 foreigners'
/// permit is three letters (nationality) and twelve digits.
pub fn id_number_valid(id_type: IdType, number: &str) -> bool {
    match id_type {
        IdType::ForeignPermanent2017 => {
            number.len() == 15 && number[..3].bytes().all(|b| b.is_ascii_uppercase()) && number[3..].bytes().all(|b| b.is_ascii_digit())
        }
        _ => gb11643::validate(number).is_ok_and(|n| n == number),
    }
}

/// Writes `s` as UCS-2LE into `block[off..off+len]`, space-padded; characters outside the BMP
/// are written as surrogate pairs and cut at the field's end.
fn put(block: &mut [u8; TEXT_LEN], off: usize, len: usize, s: &str) {
    let mut units: Vec<u16> = s.encode_utf16().take(len / 2).collect();
    units.resize(len / 2, 0x20);
    for (i, u) in units.iter().enumerate() {
        block[off + 2 * i..off + 2 * i + 2].copy_from_slice(&u.to_le_bytes());
    }
}

fn raw_date(d: Option<&str>) -> String {
    match d {
        Some(LONG_TERM) => "长期".to_string(),
        Some(d) => d.replace('-', ""),
        None => String::new(),
    }
}

/// The inverse of [`parse`]: what a card of this identity holds.
pub fn encode(card: &IdentityCard) -> [u8; TEXT_LEN] {
    let mut b = [0u8; TEXT_LEN];
    put(&mut b, 0, TEXT_LEN, "");
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    let count = |n: Option<u32>| n.map(|n| format!("{n:02}")).unwrap_or_default();
    match card.id_type {
        IdType::Resident | IdType::HmtPermit => {
            put(&mut b, 0, 30, &card.name);
            put(&mut b, 30, 2, &card.gender);
            put(&mut b, 32, 4, &o(&card.nation));
            put(&mut b, 36, 16, &raw_date(card.birth_date.as_deref()));
            put(&mut b, 52, 70, &o(&card.address));
            put(&mut b, 122, 36, &card.id_number);
            put(&mut b, 158, 30, &o(&card.authority));
            put(&mut b, 188, 16, &raw_date(card.valid_from.as_deref()));
            put(&mut b, 204, 16, &raw_date(card.valid_to.as_deref()));
            if card.id_type == IdType::HmtPermit {
                put(&mut b, 220, 18, &o(&card.pass_number));
                put(&mut b, 238, 4, &count(card.issue_count));
                put(&mut b, 248, 2, "J");
            }
        }
        IdType::ForeignPermanent2017 => {
            put(&mut b, 0, 120, &o(&card.english_name));
            put(&mut b, 120, 2, &card.gender);
            put(&mut b, 122, 30, &card.id_number);
            put(&mut b, 152, 6, &o(&card.nationality));
            put(&mut b, 158, 30, &card.name);
            put(&mut b, 188, 16, &raw_date(card.valid_from.as_deref()));
            put(&mut b, 204, 16, &raw_date(card.valid_to.as_deref()));
            put(&mut b, 220, 16, &raw_date(card.birth_date.as_deref()));
            put(&mut b, 236, 4, &count(card.issue_count));
            put(&mut b, 240, 8, &o(&card.authority));
            put(&mut b, 248, 2, "I");
        }
        IdType::ForeignPermanent2023 => {
            let english = o(&card.english_name);
            let split = english.char_indices().nth(35).map_or(english.len(), |(i, _)| i);
            put(&mut b, 0, 30, &card.name);
            put(&mut b, 30, 2, &card.gender);
            put(&mut b, 32, 4, &count(card.issue_count));
            put(&mut b, 36, 16, &raw_date(card.birth_date.as_deref()));
            put(&mut b, 52, 70, &english[..split]);
            put(&mut b, 122, 36, &card.id_number);
            put(&mut b, 188, 16, &raw_date(card.valid_from.as_deref()));
            put(&mut b, 204, 16, &raw_date(card.valid_to.as_deref()));
            put(&mut b, 220, 22, &english[split..]);
            put(&mut b, 242, 6, &o(&card.nationality));
            put(&mut b, 248, 2, "Y");
        }
    }
    b
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn resident() -> IdentityCard {
        IdentityCard {
            id_type: IdType::Resident,
            name: "张三".into(),
            english_name: None,
            gender: "1".into(),
            nation: Some("01".into()),
            nationality: None,
            birth_date: Some("1949-12-31".into()),
            address: Some("北京市朝阳区某某路1号".into()),
            id_number: "11010519491231002X".into(),
            authority: Some("北京市公安局朝阳分局".into()),
            valid_from: Some("2015-01-01".into()),
            valid_to: Some("2035-01-01".into()),
            pass_number: None,
            issue_count: None,
            card_uid: None,
            photo_wlt_base64: None,
            id_number_valid: true,
        }
    }

    #[test]
    fn resident_round_trip() {
        let c = resident();
        assert_eq!(parse(&encode(&c)), c);
    }

    #[test]
    fn resident_fields_sit_where_the_standard_says() {
        let b = encode(&resident());
        assert_eq!(&b[0..4], &[0x20, 0x5F, 0x09, 0x4E]); // 张 U+5F20, 三 U+4E09, little-endian
        assert_eq!(&b[30..32], &[b'1', 0]);
        assert_eq!(&b[122..124], &[b'1', 0]);
        assert_eq!(&b[248..250], &[0x20, 0]);
        assert_eq!(field(&b, 36, 16), "19491231");
    }

    #[test]
    fn long_term_validity() {
        let mut c = resident();
        c.valid_to = Some(LONG_TERM.into());
        let b = encode(&c);
        assert_eq!(field(&b, 204, 16), "长期");
        let parsed = parse(&b);
        assert_eq!(parsed.valid_to.as_deref(), Some("long_term"));
        assert!(!parsed.expired_on(chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap()));
    }

    #[test]
    fn expiry_is_judged_by_day() {
        let c = resident();
        assert!(!c.expired_on(chrono::NaiveDate::from_ymd_opt(2035, 1, 1).unwrap()));
        assert!(c.expired_on(chrono::NaiveDate::from_ymd_opt(2035, 1, 2).unwrap()));
    }

    #[test]
    fn hmt_permit() {
        let c = IdentityCard {
            id_type: IdType::HmtPermit,
            name: "陈大文".into(),
            nation: None,
            id_number: "810000199408230021".into(),
            pass_number: Some("H60110428".into()),
            issue_count: Some(1),
            id_number_valid: gb11643::validate("810000199408230021").is_ok(),
            ..resident()
        };
        let parsed = parse(&encode(&c));
        assert_eq!(parsed, c);
        assert_eq!(parsed.id_type.api_name(), "hmt_permit");
    }

    #[test]
    fn old_foreign_permit() {
        let c = IdentityCard {
            id_type: IdType::ForeignPermanent2017,
            name: "安娜".into(),
            english_name: Some("SMITH, ANNA MARIE".into()),
            gender: "2".into(),
            nation: None,
            nationality: Some("CAN".into()),
            birth_date: Some("1985-06-01".into()),
            address: None,
            id_number: "CAN110085060112".into(),
            authority: Some("1100".into()),
            issue_count: Some(1),
            id_number_valid: true,
            ..resident()
        };
        let parsed = parse(&encode(&c));
        assert_eq!(parsed, c);
        assert_eq!(parsed.id_type.api_name(), "foreign_permanent");
    }

    #[test]
    fn new_foreign_permit_joins_the_english_name() {
        let long = "WILLIAMSON-FITZGERALD, ALEXANDRA CATHERINE";
        let first17 = "93310019850601002";
        let id = format!("{first17}{}", gb11643::check_char(first17.as_bytes()).unwrap());
        let c = IdentityCard {
            id_type: IdType::ForeignPermanent2023,
            name: "亚历山德拉".into(),
            english_name: Some(long.into()),
            gender: "2".into(),
            nation: None,
            nationality: Some("IRL".into()),
            birth_date: Some("1985-06-01".into()),
            address: None,
            id_number: id,
            authority: None,
            issue_count: Some(0),
            id_number_valid: true,
            ..resident()
        };
        assert_eq!(parse(&encode(&c)), c);
    }

    #[test]
    fn empty_fields_are_omitted() {
        let mut b = [0u8; TEXT_LEN];
        put(&mut b, 0, TEXT_LEN, "");
        let c = parse(&b);
        assert_eq!(c.id_type, IdType::Resident);
        assert_eq!(c.name, "");
        assert!(c.address.is_none() && c.birth_date.is_none() && c.valid_to.is_none());
        assert!(!c.id_number_valid);
        let json = serde_json::to_value(&c).unwrap();
        assert!(json.get("address").is_none());
    }

    #[test]
    fn private_use_and_unknown_codes_are_kept() {
        let mut c = resident();
        c.name = "王\u{E0A1}明".into(); // a rare character mapped into the private-use area
        c.nation = Some("98".into()); // not in GB/T 3304
        let parsed = parse(&encode(&c));
        assert_eq!(parsed.name, "王\u{E0A1}明");
        assert_eq!(parsed.nation.as_deref(), Some("98"));
    }

    #[test]
    fn garbage_never_panics() {
        let mut b = [0xFFu8; TEXT_LEN];
        b[0] = 0x00;
        b[1] = 0xD8; // a lone high surrogate
        let c = parse(&b);
        assert!(c.name.starts_with('\u{FFFD}'));
        assert!(!c.id_number_valid);
    }

    #[test]
    fn an_invalid_number_is_reported() {
        let mut c = resident();
        c.id_number = "110105194912310021".into();
        c.id_number_valid = false;
        assert_eq!(parse(&encode(&c)), c);
    }
}
