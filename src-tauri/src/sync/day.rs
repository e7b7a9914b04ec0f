//! What the province holds for this station on one day (`GET /confirmations?date=`, v1.1), for
//! the end-of-day reconciliation (日结). Invariant: read-only — nothing local is changed.

use serde::Deserialize;

use super::client::{ApiError, Province};
use super::engine::{api_error, FEED_PAGE};
use crate::domain::{DeskError, ErrorCode};
use crate::store::{station, Store};

/// One confirmation as the province records it.
#[derive(Debug, Clone, Deserialize)]
pub struct ProvinceConfirmation {
    pub confirmation_id: String,
    pub registration_id: String,
    /// accepted | rejected | revoked
    pub status: String,
    pub admission_number: Option<String>,
    pub confirmed_at: String,
}

#[derive(Deserialize)]
struct Page {
    items: Vec<ProvinceConfirmation>,
    next_cursor: String,
    has_more: bool,
}

/// Every page for `date` (YYYY-MM-DD, +08:00). A cursor that does not advance is garbage.
pub fn province_day(store: &Store, date: &str) -> Result<Vec<ProvinceConfirmation>, DeskError> {
    let st = station::get(store.conn())?
        .ok_or_else(|| DeskError::new(ErrorCode::NotEnrolled, "本工作站尚未登记，不能与省平台对账", "station not enrolled"))?;
    let api = Province::new(&st.server_url, Some(st.token.clone())).map_err(api_error)?;
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page: Page = api.feed_with("/confirmations", &[("date", date)], cursor.as_deref(), FEED_PAGE).map_err(api_error)?.body;
        out.extend(page.items);
        if !page.has_more {
            return Ok(out);
        }
        if cursor.as_deref() == Some(page.next_cursor.as_str()) {
            return Err(api_error(ApiError::Garbage("GET /confirmations: the cursor did not advance".into())));
        }
        cursor = Some(page.next_cursor);
    }
}
