//! Looking things up: registrations by id number, search by the last six digits or the name,
//! today's confirmations; plus in-person password resets and the blacklist.

use serde_json::json;

use super::{rfc3339, Actor, Desk, Now, Session};
use crate::api::{ConfirmationRow, LookupItem, ResetSlip};
use crate::domain::confirmation::{CardSource, LocalStatus};
use crate::domain::registration::Registration;
use crate::domain::{DeskError, ErrorCode, Role};
use crate::idcard::gb11643;
use crate::store::outbox::{self, Kind};
use crate::store::registrations::DemoPick;
use crate::store::{audit, blacklist, confirmations, registrations, station};

/// At most this many search hits are shown.
const SEARCH_LIMIT: i64 = 50;

impl Desk {
    fn local_status(&self, registration_id: &str) -> Result<LocalStatus, DeskError> {
        Ok(confirmations::latest_state(self.store.conn(), registration_id)?.into())
    }

    /// Registrations for an id number (15 or 18 digits), with what this station did.
    pub fn lookup(&self, session: &Session, id_number: &str) -> Result<Vec<LookupItem>, DeskError> {
        self.authorize(session, Role::Counter, "lookup")?;
        let id = gb11643::normalise(id_number)?;
        registrations::by_id_number(self.store.conn(), &id)?
            .into_iter()
            .map(|r| Ok(LookupItem { local_status: self.local_status(&r.registration_id)?.into(), registration: (&r).into() }))
            .collect()
    }

    /// Search for a card that will not read: by 报名号, by the last 4–6 characters of the id
    /// number, or by a name prefix (one character is enough; rare characters included).
    pub fn search(&self, session: &Session, query: &str, now: &Now) -> Result<Vec<Registration>, DeskError> {
        self.authorize(session, Role::Counter, "search")?;
        let q = query.trim();
        if q.is_empty() || q.chars().count() > 30 {
            return Err(DeskError::invalid("请输入报名号、身份证号后 4–6 位或考生姓名", "search query empty or too long"));
        }
        let c = self.store.conn();
        let digits = |s: &str| s.chars().enumerate().all(|(i, ch)| ch.is_ascii_digit() || (i + 1 == s.len() && matches!(ch, 'X' | 'x')));
        let (by, rows) = if q.starts_with(['R', 'r']) && q.len() > 6 && q[1..].chars().all(|ch| ch.is_ascii_digit()) {
            ("registration_id", registrations::get(c, &q.to_ascii_uppercase())?.into_iter().collect())
        } else if (4..=6).contains(&q.len()) && digits(q) {
            ("id_suffix", registrations::by_id_suffix(c, q, SEARCH_LIMIT)?)
        } else if q.chars().all(|ch| ch.is_ascii_digit()) {
            return Err(DeskError::invalid("按身份证号查找请输入最后 4 到 6 位", format!("{} digits", q.len())));
        } else {
            ("name_prefix", registrations::by_name_prefix(c, q, SEARCH_LIMIT)?)
        };
        let detail = json!({"by": by, "hits": rows.len()});
        self.store.write(|tx| audit::record(tx, &rfc3339(now), &session.staff_id, "search", &detail))?;
        Ok(rows)
    }

    /// The receipt of a registration's live confirmation here, whichever day it was made (可重打回执).
    pub fn receipt_for_registration(&self, session: &Session, registration_id: &str) -> Result<crate::api::Receipt, DeskError> {
        self.authorize(session, Role::Counter, "receipt by registration")?;
        let id = confirmations::live_for_registration(self.store.conn(), registration_id)?.ok_or_else(|| {
            DeskError::new(ErrorCode::NotFound, "本站没有该考生的有效确认记录", format!("no live confirmation of {registration_id}"))
        })?;
        self.receipt(&id)
    }

    /// Confirmations made on `day` (YYYY-MM-DD, the station's local date).
    /// Confirmations made on `day` (the office day, +08:00), newest first: the counter's 今日确认.
    pub fn confirmations_on(&self, session: &Session, day: chrono::NaiveDate) -> Result<Vec<ConfirmationRow>, DeskError> {
        self.authorize(session, Role::Counter, "confirmations of the day")?;
        Ok(self
            .day_records(day)?
            .into_iter()
            .map(|(rec, reg)| ConfirmationRow {
                name: reg.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
                id_number_masked: reg.as_ref().map(|r| gb11643::mask(&r.id_number)).unwrap_or_default(),
                confirmation_id: rec.confirmation_id,
                registration_id: rec.registration_id,
                admission_number: rec.admission_number,
                confirmed_at: rec.confirmed_at,
                staff_id: rec.staff_id,
                flags: crate::api::flags(&rec.flags),
                state: rec.state.into(),
                reject_reason: rec.reject_reason,
            })
            .collect())
    }

    /// The barred id numbers, newest first (supervisors only).
    pub fn blacklist_list(&self, actor: &Actor) -> Result<Vec<crate::api::BlacklistEntry>, DeskError> {
        self.authorize_admin(actor, "blacklist list")?;
        Ok(blacklist::list(self.store.conn())?
            .into_iter()
            .map(|b| crate::api::BlacklistEntry {
                key: self.entry_key(&b.id_number),
                id_number_masked: gb11643::mask(&b.id_number),
                reason: b.reason,
                added_by: b.added_by,
                added_at: b.added_at,
            })
            .collect())
    }

    /// An in-person password reset for the candidate whose card was read (any registration state).
    pub fn password_reset(
        &self,
        session: &Session,
        id_number: &str,
        verified_by: CardSource,
        request_id: &str,
        now: &Now,
    ) -> Result<ResetSlip, DeskError> {
        let staff = self.authorize(session, Role::Counter, "password reset")?;
        let regs = registrations::by_id_number(self.store.conn(), id_number)?;
        let reg = regs.first().ok_or_else(|| {
            DeskError::new(ErrorCode::Refused, "未找到该考生的报名信息", format!("no registration for {}", gb11643::mask(id_number)))
        })?;
        let st = station::get(self.store.conn())?
            .ok_or_else(|| DeskError::new(ErrorCode::NotEnrolled, "本工作站尚未登记到省平台", "station not enrolled"))?;
        let at = rfc3339(now);
        let item = json!({
            "request_id": request_id, "registration_id": reg.registration_id, "id_number": reg.id_number, "name": reg.name,
            "verified_by": verified_by, "staff_id": staff.staff_id, "requested_at": at,
        });
        let detail = json!({"request_id": request_id, "registration_id": reg.registration_id});
        self.store.write(|tx| {
            outbox::push(tx, Kind::PasswordReset, request_id, &item, &at)?;
            audit::record(tx, &at, &staff.staff_id, "password_reset", &detail)
        })?;
        Ok(ResetSlip {
            request_id: request_id.into(),
            name: reg.name.clone(),
            id_number_masked: gb11643::mask(&reg.id_number),
            registration_id: reg.registration_id.clone(),
            requested_at: at,
            staff: format!("{}（{}）", staff.name, staff.staff_id),
            office_name: st.office_name,
        })
    }

    /// Bars an id number from confirmation (supervisors only).
    pub fn blacklist_add(&self, actor: &Actor, id_number: &str, reason: &str, now: &Now) -> Result<(), DeskError> {
        self.authorize_admin(actor, "blacklist add")?;
        let id = gb11643::normalise(id_number)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(DeskError::invalid("请填写列入禁止名单的原因", "empty blacklist reason"));
        }
        let at = rfc3339(now);
        let detail = json!({"id_number": gb11643::mask(&id), "reason": reason});
        self.store.write(|tx| {
            blacklist::put(tx, &id, reason, actor.audit_name(), &at)?;
            audit::record(tx, &at, actor.audit_name(), "blacklist_added", &detail)
        })?;
        Ok(())
    }

    /// Lifts the bar; the number is normalised as on add (lower-case x, spaces, 15 digits).
    pub fn blacklist_remove(&self, actor: &Actor, id_number: &str, now: &Now) -> Result<bool, DeskError> {
        self.authorize_admin(actor, "blacklist remove")?;
        let id = gb11643::normalise(id_number)?;
        let at = rfc3339(now);
        let detail = json!({"id_number": gb11643::mask(&id)});
        self.store.write(|tx| {
            let removed = blacklist::remove(tx, &id)?;
            audit::record(tx, &at, actor.audit_name(), "blacklist_removed", &detail)?;
            Ok::<_, DeskError>(removed)
        })
    }
}

impl Desk {
    /// A blacklist entry's key: the list shows masked numbers, so the UI removes by this. A keyed
    /// SHA-256 (the secret lives only in this process), so a key cannot be turned back into the
    /// number by trying the few billion plausible ones; stable for as long as the process runs.
    fn entry_key(&self, id_number: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::new().chain_update(self.entry_key_secret).chain_update(id_number.as_bytes()).finalize();
        hex::encode(&digest[..12])
    }

    /// Lifts the bar of the entry the list named `key` (the UI's remove button); `false` when no
    /// entry has that key (removed meanwhile, or listed by another run of the app).
    pub fn blacklist_remove_entry(&self, actor: &Actor, key: &str, now: &Now) -> Result<bool, DeskError> {
        self.authorize_admin(actor, "blacklist remove")?;
        let at = rfc3339(now);
        self.store.write(|tx| {
            let Some(row) = blacklist::list(tx)?.into_iter().find(|b| self.entry_key(&b.id_number) == key) else {
                return Ok::<_, DeskError>(false);
            };
            let removed = blacklist::remove(tx, &row.id_number)?;
            audit::record(tx, &at, actor.audit_name(), "blacklist_removed", &json!({"id_number": gb11643::mask(&row.id_number)}))?;
            Ok(removed)
        })
    }
}

impl Desk {
    /// Cards for the simulated reader of the demo: candidates who can be confirmed here, then one
    /// of each common refusal (another county, already confirmed, 专升本 pending).
    pub fn demo_cards(&self, session: &Session, confirmable: usize) -> Result<Vec<crate::idcard::IdentityCard>, DeskError> {
        self.authorize(session, Role::Counter, "demo cards")?;
        let c = self.store.conn();
        let county = station::get(c)?.map(|s| s.county_code).unwrap_or_default();
        let mut regs = registrations::demo_picks(c, DemoPick::Confirmable, &county, confirmable as i64)?;
        for pick in [DemoPick::OtherCounty, DemoPick::Confirmed, DemoPick::PriorEducationPending] {
            regs.extend(registrations::demo_picks(c, pick, &county, 1)?);
        }
        Ok(regs.iter().map(demo_card).collect())
    }
}

/// The card a registered candidate would carry (for the simulated reader; the address and
/// authority are Wuhan's, the validity 长期).
pub fn demo_card(r: &Registration) -> crate::idcard::IdentityCard {
    crate::idcard::IdentityCard {
        id_type: crate::idcard::IdType::Resident,
        name: r.name.clone(),
        english_name: None,
        gender: r.gender.clone(),
        nation: Some("01".into()),
        nationality: None,
        birth_date: Some(r.birth_date.clone()),
        address: Some("湖北省武汉市江岸区沿江大道188号".into()),
        id_number: r.id_number.clone(),
        authority: Some("武汉市公安局江岸分局".into()),
        valid_from: Some("2020-01-01".into()),
        valid_to: Some("long_term".into()),
        pass_number: None,
        issue_count: None,
        card_uid: None,
        photo_wlt_base64: None,
        id_number_valid: true,
    }
}
