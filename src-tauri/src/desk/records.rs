//! Looking things up: registrations by id number, search by the last six digits or the name,
//! today's confirmations; plus in-person password resets and the blacklist.

use rusqlite::params;
use serde_json::json;

use super::{rfc3339, Actor, Desk, Now, Session};
use crate::api::{ConfirmationRow, LookupItem, ResetSlip};
use crate::domain::registration::Registration;
use crate::domain::{DeskError, ErrorCode, Role};
use crate::idcard::gb11643;
use crate::store::outbox::{self, Kind};
use crate::store::{audit, registrations, station};

impl Desk {
    fn local_status(&self, registration_id: &str) -> Result<String, DeskError> {
        use rusqlite::OptionalExtension;
        let s: Option<String> = self
            .store
            .conn()
            .query_row(
                "SELECT state FROM confirmation WHERE registration_id = ?1 ORDER BY confirmed_at DESC LIMIT 1",
                [registration_id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(s.unwrap_or_else(|| "none".into()))
    }

    /// Registrations for an id number (15 or 18 digits), with what this station did.
    pub fn lookup(&self, id_number: &str) -> Result<Vec<LookupItem>, DeskError> {
        let id = gb11643::normalise(id_number).map_err(|e| DeskError::invalid(e.message(), e.to_string()))?;
        registrations::by_id_number(self.store.conn(), &id)?
            .into_iter()
            .map(|r| Ok(LookupItem { local_status: self.local_status(&r.registration_id)?, registration: r }))
            .collect()
    }

    /// Search by the last 6 characters of the id number, or by name (for a card that will not read).
    pub fn search(&self, session: &Session, query: &str, now: &Now) -> Result<Vec<Registration>, DeskError> {
        self.authorize(session, Role::Counter, "search")?;
        let q = query.trim();
        if q.chars().count() < 2 {
            return Err(DeskError::invalid("请输入身份证号后 6 位或考生姓名", "search query too short"));
        }
        let c = self.store.conn();
        let by_tail = q.len() == 6 && q.chars().all(|ch| ch.is_ascii_digit() || ch == 'X' || ch == 'x');
        let mut stmt = if by_tail {
            c.prepare("SELECT body FROM registration WHERE substr(id_number, 13) = upper(?1) LIMIT 50")?
        } else {
            c.prepare("SELECT body FROM registration WHERE name = ?1 LIMIT 50")?
        };
        let rows: Vec<Registration> =
            stmt.query_map([q], |r| r.get::<_, String>(0))?.filter_map(|b| b.ok().and_then(|b| serde_json::from_str(&b).ok())).collect();
        audit::record(
            c,
            &rfc3339(now),
            &session.staff_id,
            "search",
            &json!({"by": if by_tail { "id_tail" } else { "name" }, "hits": rows.len()}),
        )?;
        Ok(rows)
    }

    /// Confirmations made on `day` (YYYY-MM-DD, the station's local date).
    pub fn confirmations_on(&self, day: &str) -> Result<Vec<ConfirmationRow>, DeskError> {
        let c = self.store.conn();
        let mut stmt = c.prepare(
            "SELECT c.confirmation_id, c.registration_id, r.name, r.id_number, c.admission_number, c.confirmed_at, c.staff_id, c.flags, c.state, c.reject_reason
             FROM confirmation c JOIN registration r ON r.registration_id = c.registration_id WHERE substr(c.confirmed_at, 1, 10) = ?1 ORDER BY c.confirmed_at DESC",
        )?;
        let rows = stmt.query_map([day], |r| {
            Ok(ConfirmationRow {
                confirmation_id: r.get(0)?,
                registration_id: r.get(1)?,
                name: r.get(2)?,
                id_number_masked: gb11643::mask(&r.get::<_, String>(3)?),
                admission_number: r.get(4)?,
                confirmed_at: r.get(5)?,
                staff_id: r.get(6)?,
                flags: serde_json::from_str(&r.get::<_, String>(7)?).unwrap_or_default(),
                state: r.get(8)?,
                reject_reason: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// An in-person password reset for the candidate whose card was read (any registration state).
    pub fn password_reset(
        &mut self,
        session: &Session,
        id_number: &str,
        verified_by_chip: bool,
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
            "verified_by": if verified_by_chip { "chip" } else { "manual" }, "staff_id": staff.staff_id, "requested_at": at,
        });
        let tx = self.store.conn_mut().transaction()?;
        outbox::push(&tx, Kind::PasswordReset, request_id, &item, &at)?;
        audit::record(
            &tx,
            &at,
            &staff.staff_id,
            "password_reset",
            &json!({"request_id": request_id, "registration_id": reg.registration_id}),
        )?;
        tx.commit()?;
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
    pub fn blacklist_add(&mut self, actor: &Actor, id_number: &str, reason: &str, now: &Now) -> Result<(), DeskError> {
        self.authorize_admin(actor, "blacklist add")?;
        let id = gb11643::normalise(id_number).map_err(|e| DeskError::invalid(e.message(), e.to_string()))?;
        if reason.trim().is_empty() {
            return Err(DeskError::invalid("请填写列入禁止名单的原因", "empty blacklist reason"));
        }
        let at = rfc3339(now);
        let tx = self.store.conn_mut().transaction()?;
        tx.execute(
            "INSERT INTO blacklist (id_number, reason, added_by, added_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (id_number) DO UPDATE SET reason = excluded.reason",
            params![id, reason.trim(), actor.audit_name(), at],
        )?;
        audit::record(&tx, &at, actor.audit_name(), "blacklist_added", &json!({"id_number": gb11643::mask(&id), "reason": reason}))?;
        tx.commit()?;
        Ok(())
    }

    pub fn blacklist_remove(&mut self, actor: &Actor, id_number: &str, now: &Now) -> Result<bool, DeskError> {
        self.authorize_admin(actor, "blacklist remove")?;
        let at = rfc3339(now);
        let tx = self.store.conn_mut().transaction()?;
        let n = tx.execute("DELETE FROM blacklist WHERE id_number = ?1", [id_number])?;
        audit::record(&tx, &at, actor.audit_name(), "blacklist_removed", &json!({"id_number": gb11643::mask(id_number)}))?;
        tx.commit()?;
        Ok(n == 1)
    }
}

impl Desk {
    /// Cards for the simulated reader of the demo: candidates who can be confirmed here, then one
    /// of each common refusal (another county, already confirmed, 专升本 pending).
    pub fn demo_cards(&self, confirmable: usize) -> Result<Vec<crate::idcard::IdentityCard>, DeskError> {
        let c = self.store.conn();
        let county = station::get(c)?.map(|s| s.county_code).unwrap_or_default();
        let pick = |sql: &str, n: usize| -> Result<Vec<Registration>, DeskError> {
            let mut stmt = c.prepare(sql)?;
            let rows: Vec<Registration> = stmt
                .query_map(params![county, n as i64], |r| r.get::<_, String>(0))?
                .filter_map(|b| b.ok().and_then(|b| serde_json::from_str(&b).ok()))
                .collect();
            Ok(rows)
        };
        let mut regs = pick(
            "SELECT body FROM registration WHERE county_code = ?1 AND status = 'pre_registered'
             AND (json_extract(body, '$.upgrade') = 0 OR json_extract(body, '$.prior_education.status') IN ('verified', 'approved'))
             AND registration_id NOT IN (SELECT registration_id FROM confirmation) ORDER BY registration_id LIMIT ?2",
            confirmable,
        )?;
        regs.extend(pick(
            "SELECT body FROM registration WHERE county_code <> ?1 AND status = 'pre_registered' ORDER BY registration_id LIMIT ?2",
            1,
        )?);
        regs.extend(pick(
            "SELECT body FROM registration WHERE county_code = ?1 AND status = 'confirmed' ORDER BY registration_id LIMIT ?2",
            1,
        )?);
        regs.extend(pick(
            "SELECT body FROM registration WHERE county_code = ?1 AND status = 'pre_registered' AND json_extract(body, '$.upgrade') = 1
             AND json_extract(body, '$.prior_education.status') IN ('pending', 'report_uploaded') ORDER BY registration_id LIMIT ?2",
            1,
        )?);
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
