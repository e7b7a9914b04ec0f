//! The office day: the calendar day in China Standard Time (+08:00), whatever the machine's zone.

use chrono::{DateTime, FixedOffset, NaiveDate};

/// China Standard Time.
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// The office day an instant falls on.
pub fn of(t: &DateTime<FixedOffset>) -> NaiveDate {
    t.with_timezone(&cst()).date_naive()
}

/// The office day of an RFC 3339 text, `None` when it is not one.
pub fn of_text(t: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(t).ok().map(|t| of(&t))
}

/// `YYYY-MM-DD` → date, `None` when it is not a real date.
pub fn parse(day: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_utc_is_the_next_office_day() {
        assert_eq!(of_text("2026-12-01T17:30:00+00:00"), parse("2026-12-02"));
        assert_eq!(of_text("2026-12-01T15:59:59+00:00"), parse("2026-12-01"));
        assert_eq!(of_text("2026-12-01T23:59:59+08:00"), parse("2026-12-01"));
        assert_eq!(of_text("yesterday"), None);
        assert_eq!(parse("2026-02-30"), None);
    }
}
