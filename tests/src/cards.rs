//! Sample identities of all four card types, with valid numbers, for the reader tests.

use zkdesk::idcard::gb11643::check_char;
use zkdesk::idcard::{IdType, IdentityCard};

/// Appends the GB 11643 check character to 17 digits.
pub fn with_check(first17: &str) -> String {
    format!("{first17}{}", check_char(first17.as_bytes()).expect("17 digits"))
}

fn base(id_type: IdType, name: &str, id_number: String) -> IdentityCard {
    IdentityCard {
        id_type,
        name: name.into(),
        english_name: None,
        gender: "1".into(),
        nation: None,
        nationality: None,
        birth_date: None,
        address: None,
        id_number,
        authority: None,
        valid_from: Some("2016-05-10".into()),
        valid_to: Some("2036-05-10".into()),
        pass_number: None,
        issue_count: None,
        card_uid: None,
        photo_wlt_base64: None,
        id_number_valid: true,
    }
}

pub fn resident() -> IdentityCard {
    IdentityCard {
        nation: Some("01".into()),
        birth_date: Some("1990-03-07".into()),
        address: Some("湖北省武汉市江岸区沿江大道188号".into()),
        authority: Some("武汉市公安局江岸分局".into()),
        valid_to: Some("long_term".into()),
        ..base(IdType::Resident, "张三", with_check("42010219900307123"))
    }
}

pub fn hmt_permit() -> IdentityCard {
    IdentityCard {
        gender: "2".into(),
        birth_date: Some("1994-08-23".into()),
        address: Some("湖北省武汉市江汉区解放大道688号".into()),
        authority: Some("武汉市公安局".into()),
        pass_number: Some("H60110428".into()),
        issue_count: Some(2),
        ..base(IdType::HmtPermit, "陈嘉欣", with_check("81000019940823004"))
    }
}

pub fn foreign_2017() -> IdentityCard {
    IdentityCard {
        english_name: Some("SMITH, ANNA MARIE".into()),
        gender: "2".into(),
        nationality: Some("CAN".into()),
        birth_date: Some("1985-06-01".into()),
        authority: Some("1100".into()),
        issue_count: Some(1),
        ..base(IdType::ForeignPermanent2017, "安娜", "CAN420085060112".into())
    }
}

pub fn foreign_2023() -> IdentityCard {
    IdentityCard {
        english_name: Some("MUELLER, JOHANNES".into()),
        nationality: Some("DEU".into()),
        birth_date: Some("1979-11-30".into()),
        issue_count: Some(0),
        ..base(IdType::ForeignPermanent2023, "穆勒", with_check("93420019791130001"))
    }
}

pub fn all() -> Vec<IdentityCard> {
    vec![resident(), hmt_permit(), foreign_2017(), foreign_2023()]
}

/// A recognisable 1024-byte WLT stand-in (real WLT needs a vendor decoder).
pub fn photo() -> Vec<u8> {
    (0..1024u32).map(|i| (i * 7 % 256) as u8).collect()
}
