//! GB 11643 citizen identity numbers: check digit, real birth date, region prefix, 15→18.
//! Pure functions.

use chrono::NaiveDate;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Why a number is not a valid 18-digit identity number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("id number must have 18 characters (or 15 digits), got {0}")]
    Length(usize),
    #[error("id number has a non-digit in its first 17 characters")]
    NotDigits,
    #[error("id number check character is {found}, expected {expected}")]
    CheckDigit { expected: char, found: char },
    #[error("id number birth date {0} is not a real date")]
    BirthDate(String),
    #[error("id number region prefix {0} is not a valid province code")]
    Region(String),
}

impl IdNumberError {
    /// For counter staff.
    pub fn message(&self) -> String {
        match self {
            IdNumberError::Length(_) => "身份证号码位数不对（应为 18 位）".into(),
            IdNumberError::NotDigits => "身份证号码含有非数字字符".into(),
            IdNumberError::CheckDigit { .. } => "身份证号码校验位错误，请核对证件".into(),
            IdNumberError::BirthDate(d) => format!("身份证号码中的出生日期 {d} 不存在"),
            IdNumberError::Region(r) => format!("身份证号码的地区码 {r} 无效"),
        }
    }
}

/// GB/T 2260 province codes, plus 83 (Taiwan residents' permits) and 9x (2023 foreigners' permits).
fn valid_province(code: &str) -> bool {
    matches!(code.parse::<u8>(), Ok(11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83 | 91..=99))
}

/// The check character for the first 17 digits.
pub fn check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    Some(CHECK_CHARS[(sum % 11) as usize] as char)
}

/// The birth date a valid number encodes.
pub fn birth_date(id: &str) -> Option<NaiveDate> {
    let b = id.get(6..14)?;
    NaiveDate::parse_from_str(b, "%Y%m%d").ok()
}

/// Validates an 18-character number (a trailing lowercase `x` is accepted as `X`).
/// Returns the normalised number.
pub fn validate(id: &str) -> Result<String, IdNumberError> {
    let id = id.trim().to_ascii_uppercase();
    let bytes = id.as_bytes();
    if bytes.len() != 18 {
        return Err(IdNumberError::Length(id.chars().count()));
    }
    if !bytes[..17].iter().all(u8::is_ascii_digit) {
        return Err(IdNumberError::NotDigits);
    }
    if !valid_province(&id[..2]) {
        return Err(IdNumberError::Region(id[..2].to_string()));
    }
    let expected = check_char(&bytes[..17]).ok_or(IdNumberError::NotDigits)?;
    let found = bytes[17] as char;
    // A wrong date is a clearer message than a wrong check digit, so test it first.
    let date = &id[6..14];
    let real = NaiveDate::parse_from_str(date, "%Y%m%d").ok().filter(|d| d.format("%Y").to_string().as_str() >= "1900");
    if real.is_none() {
        return Err(IdNumberError::BirthDate(date.to_string()));
    }
    if expected != found {
        return Err(IdNumberError::CheckDigit { expected, found });
    }
    Ok(id)
}

/// Converts a legacy 15-digit number: insert `19` after the region, append the check character.
pub fn upgrade_15(id15: &str) -> Result<String, IdNumberError> {
    let id15 = id15.trim();
    if id15.len() != 15 {
        return Err(IdNumberError::Length(id15.chars().count()));
    }
    if !id15.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdNumberError::NotDigits);
    }
    let first17 = format!("{}19{}", &id15[..6], &id15[6..]);
    let check = check_char(first17.as_bytes()).ok_or(IdNumberError::NotDigits)?;
    validate(&format!("{first17}{check}"))
}

/// Accepts either form, typed with spaces or a lower-case x, and returns the 18-character number.
pub fn normalise(id: &str) -> Result<String, IdNumberError> {
    let id: String = id.chars().filter(|c| !c.is_whitespace()).collect();
    if id.len() == 15 {
        upgrade_15(&id)
    } else {
        validate(&id)
    }
}

/// First 6 and last 4 characters, the rest masked (receipts and lists).
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (&chars[..6], &chars[chars.len() - 4..]);
    format!("{}{}{}", head.iter().collect::<String>(), "*".repeat(chars.len() - 10), tail.iter().collect::<String>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_example_is_valid() {
        assert_eq!(validate("11010519491231002X").unwrap(), "11010519491231002X");
        assert_eq!(validate("11010519491231002x").unwrap(), "11010519491231002X");
        assert_eq!(birth_date("11010519491231002X"), NaiveDate::from_ymd_opt(1949, 12, 31));
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        assert_eq!(validate("110105194912310021"), Err(IdNumberError::CheckDigit { expected: 'X', found: '1' }));
    }

    #[test]
    fn february_30th_is_refused() {
        // 19900230: the check digit is made right so only the date is wrong.
        let first17 = "42010219900230123";
        let id = format!("{first17}{}", check_char(first17.as_bytes()).unwrap());
        assert_eq!(validate(&id), Err(IdNumberError::BirthDate("19900230".into())));
        // A real leap day passes.
        let first17 = "42010220000229123";
        let id = format!("{first17}{}", check_char(first17.as_bytes()).unwrap());
        assert!(validate(&id).is_ok());
    }

    #[test]
    fn bad_shapes_are_refused() {
        assert_eq!(validate("1101051949123100"), Err(IdNumberError::Length(16)));
        assert_eq!(validate("11010519491231A02X"), Err(IdNumberError::NotDigits));
        assert!(matches!(validate("00010519491231002X"), Err(IdNumberError::Region(_))));
    }

    #[test]
    fn fifteen_digits_upgrade() {
        // 110105491231002 → 11010519491231002X
        assert_eq!(upgrade_15("110105491231002").unwrap(), "11010519491231002X");
        assert_eq!(normalise("110105491231002").unwrap(), "11010519491231002X");
    }

    #[test]
    fn masking_keeps_first_six_and_last_four() {
        assert_eq!(mask("11010519491231002X"), "110105********002X");
    }
}
