//! The counter: one session per candidate — card → match → photo → confirm → receipt — driven by
//! reader events and staff actions, shared by the GUI and `zkctl confirm`. Time and ids come in.

use base64::Engine;
use rusqlite::OptionalExtension;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{rfc3339, Desk, Now, Session};
use crate::api::{CounterView, Receipt};
use crate::domain::confirmation::*;
use crate::domain::eligibility::{self, Assessment, Facts, LocalConfirmation, Refusal};
use crate::domain::registration::Registration;
use crate::domain::{DeskError, ErrorCode, Role};
use crate::idcard::{gb11643, IdType, IdentityCard};
use crate::photo::SpecPhoto;
use crate::store::confirmations::{self, NumberSource, PhotoRow};
use crate::store::{audit, blocks, registrations, settings, station};

/// Where the identity came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardSource {
    Chip,
    /// Typed by staff (card unreadable, temporary card) or found by search; needs a supervisor.
    Manual,
}

/// One candidate at the counter.
#[derive(Debug, Clone, Default)]
pub struct CounterSession {
    card: Option<IdentityCard>,
    source: Option<CardSource>,
    assessment: Option<Assessment>,
    flags: Vec<String>,
    supervisor: Option<String>,
    photo: Option<SpecPhoto>,
    attachment: Option<Attachment>,
    receipt: Option<Receipt>,
    notice: Option<String>,
    /// The chip photo as JPEG, when a vendor WLT decoder is configured.
    chip_photo: Option<Vec<u8>>,
}

/// The refusal for a photo whose checks failed (a supervisor may accept it).
fn photo_refusal(p: &SpecPhoto) -> Option<Refusal> {
    let failed: Vec<&str> = p.checks.iter().filter(|c| c.result == crate::photo::Outcome::Fail).map(|c| c.message.as_str()).collect();
    (!failed.is_empty()).then(|| Refusal {
        code: "PHOTO_REJECTED".into(),
        message: format!("照片不合格：{}", failed.join("；")),
        override_flag: Some(FLAG_SUPERVISOR_OVERRIDE.into()),
        needs_supervisor: true,
    })
}

impl CounterSession {
    pub fn new() -> Self {
        Self::default()
    }

    /// Refusals still standing, including a failed photo.
    pub fn open_refusals(&self) -> Vec<Refusal> {
        let mut v: Vec<Refusal> =
            self.assessment.as_ref().map(|a| a.open_refusals(&self.flags).into_iter().cloned().collect()).unwrap_or_default();
        if let Some(r) = self.photo.as_ref().and_then(photo_refusal) {
            if !self.flags.iter().any(|f| f == FLAG_SUPERVISOR_OVERRIDE) {
                v.push(r);
            }
        }
        v
    }

    pub fn set_chip_photo(&mut self, jpeg: Vec<u8>) {
        self.chip_photo = Some(jpeg);
    }

    /// A passing note for staff (shown once on the next view).
    pub fn set_notice(&mut self, notice: String) {
        self.notice = Some(notice);
    }

    pub fn registration(&self) -> Option<&Registration> {
        self.assessment.as_ref().and_then(|a| a.registration.as_ref())
    }

    pub fn can_confirm(&self) -> bool {
        self.receipt.is_none() && self.registration().is_some() && self.photo.is_some() && self.open_refusals().is_empty()
    }

    pub fn view(&self) -> CounterView {
        let refusals = self.open_refusals();
        let stage = if self.receipt.is_some() {
            "confirmed"
        } else if self.card.is_none() {
            "idle"
        } else if self.registration().is_none() || refusals.iter().any(|r| r.override_flag.is_none()) {
            "refused"
        } else if self.photo.is_some() {
            "photo_taken"
        } else if refusals.is_empty() {
            "matched"
        } else {
            "refused"
        };
        CounterView {
            stage: stage.into(),
            card: self.card.clone(),
            card_source: self.source.map(|s| if s == CardSource::Chip { "chip".into() } else { "manual".into() }),
            registration: self.registration().cloned(),
            refusals,
            flags: self.flags.clone(),
            photo: self.photo.clone(),
            photo_jpeg_base64: self.photo.as_ref().map(|p| base64::engine::general_purpose::STANDARD.encode(&p.jpeg)),
            receipt: self.receipt.clone(),
            notice: self.notice.clone(),
            chip_photo_jpeg_base64: self.chip_photo.as_ref().map(|j| base64::engine::general_purpose::STANDARD.encode(j)),
            can_confirm: self.can_confirm(),
        }
    }

    fn require_card(&self) -> Result<(), DeskError> {
        if self.card.is_none() {
            return Err(DeskError::invalid("请先刷身份证", "no card in the counter session"));
        }
        if self.receipt.is_some() {
            return Err(DeskError::invalid("该考生已确认，请刷下一位考生的身份证", "session already confirmed"));
        }
        Ok(())
    }
}

fn refused(r: &Refusal) -> DeskError {
    DeskError::new(ErrorCode::Refused, r.message.clone(), format!("refused: {}", r.code))
}

/// The candidate's chip identity as the province's `card` block.
fn card_block(card: &IdentityCard, source: CardSource) -> CardBlock {
    CardBlock {
        source: if source == CardSource::Chip { "chip".into() } else { "manual".into() },
        id_type: card.id_type.api_name().into(),
        id_number: card.id_number.clone(),
        name: card.name.clone(),
        gender: card.gender.clone(),
        nation: card.nation.clone(),
        birth_date: card.birth_date.clone(),
        address: card.address.clone(),
        authority: card.authority.clone(),
        valid_from: card.valid_from.clone(),
        valid_to: card.valid_to.clone(),
        card_uid: card.card_uid.clone(),
    }
}

impl Desk {
    fn county_namer(&self) -> impl Fn(&str) -> String + '_ {
        move |code: &str| {
            // From the province's reference data when present.
            let reference: Option<serde_json::Value> =
                settings::get(self.store.conn(), "reference").ok().flatten().and_then(|r| serde_json::from_str(&r).ok());
            reference
                .and_then(|r| {
                    r["regions"]
                        .as_array()?
                        .iter()
                        .flat_map(|reg| reg["counties"].as_array().cloned().unwrap_or_default())
                        .find(|c| c["code"] == code)
                        .and_then(|c| c["name"].as_str().map(String::from))
                })
                .or_else(|| {
                    // Before the first sync: the Hubei table that ships with the app.
                    include_str!("../../reference/hubei-regions.tsv").lines().find_map(|l| {
                        let f: Vec<&str> = l.split('\t').collect();
                        (f.len() >= 4 && f[2] == code).then(|| format!("{}{}", f[1], f[3].trim()))
                    })
                })
                .unwrap_or_else(|| format!("{code} 县区"))
        }
    }

    fn local_confirmation(&self, id_number: &str) -> Result<Option<LocalConfirmation>, DeskError> {
        let c = self.store.conn();
        let row: Option<(String, String)> = c
            .query_row(
                "SELECT c.registration_id, c.confirmed_at FROM confirmation c JOIN registration r ON r.registration_id = c.registration_id
                 WHERE r.id_number = ?1 AND c.state IN ('pending', 'accepted') ORDER BY c.confirmed_at DESC LIMIT 1",
                [id_number],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let office = station::get(c)?.map(|s| s.office_name).unwrap_or_else(|| "本站".into());
        Ok(row.map(|(registration_id, confirmed_at)| LocalConfirmation { registration_id, confirmed_at, station: office.clone() }))
    }

    fn blacklist_reason(&self, id_number: &str) -> Result<Option<String>, DeskError> {
        Ok(self.store.conn().query_row("SELECT reason FROM blacklist WHERE id_number = ?1", [id_number], |r| r.get(0)).optional()?)
    }

    /// Runs the eligibility rules for a card against the cache (≤ 50 ms at a million rows: one indexed lookup).
    pub fn assess_card(&self, card: &IdentityCard, today: chrono::NaiveDate) -> Result<Assessment, DeskError> {
        let c = self.store.conn();
        let regs = registrations::by_id_number(c, &card.id_number)?;
        let county = station::get(c)?.map(|s| s.county_code).unwrap_or_default();
        let black = self.blacklist_reason(&card.id_number)?;
        let here = self.local_confirmation(&card.id_number)?;
        let namer = self.county_namer();
        Ok(eligibility::assess(&Facts {
            card,
            registrations: &regs,
            station_county: &county,
            county_name: &namer,
            today,
            blacklisted: black.as_deref(),
            confirmed_here: here.as_ref(),
        }))
    }

    /// A card arrived from the reader (or manual entry, already authorised).
    pub fn counter_card(&self, s: &mut CounterSession, card: IdentityCard, source: CardSource, now: &Now) -> Result<(), DeskError> {
        if s.receipt.is_none() && s.card.as_ref().is_some_and(|c| c.id_number == card.id_number) && source == CardSource::Chip {
            s.notice = Some("同一考生重复刷卡，已保留当前进度".into());
            return Ok(());
        }
        let assessment = self.assess_card(&card, now.date_naive())?;
        let refusal_codes: Vec<&str> = assessment.refusals.iter().map(|r| r.code.as_str()).collect();
        audit::record(
            self.store.conn(),
            &rfc3339(now),
            "counter",
            if assessment.refusals.is_empty() { "card_matched" } else { "card_refused" },
            &json!({"id_number": gb11643::mask(&card.id_number), "registration_id": assessment.registration.as_ref().map(|r| &r.registration_id), "refusals": refusal_codes}),
        )?;
        let manual = source == CardSource::Manual;
        *s = CounterSession { card: Some(card), source: Some(source), assessment: Some(assessment), ..Default::default() };
        if manual {
            s.flags.push(FLAG_MANUAL_ENTRY.into());
        }
        Ok(())
    }

    /// Staff typed an id number (card unreadable, temporary card) or picked a search result;
    /// a supervisor authorises with their own credentials.
    pub fn counter_manual(
        &mut self,
        s: &mut CounterSession,
        id_number: &str,
        supervisor_id: &str,
        supervisor_password: &str,
        now: &Now,
    ) -> Result<(), DeskError> {
        let id = gb11643::normalise(id_number).map_err(|e| DeskError::invalid(e.message(), e.to_string()))?;
        let sup = self.verify_credentials(supervisor_id, supervisor_password, Role::Supervisor, "manual entry", now)?;
        let regs = registrations::by_id_number(self.store.conn(), &id)?;
        let reg = regs.first();
        let card = IdentityCard {
            id_type: IdType::Resident,
            name: reg.map(|r| r.name.clone()).unwrap_or_default(),
            english_name: None,
            gender: reg.map(|r| r.gender.clone()).unwrap_or_else(|| "0".into()),
            nation: None,
            nationality: None,
            birth_date: gb11643::birth_date(&id).map(|d| d.format("%Y-%m-%d").to_string()),
            address: None,
            id_number: id.clone(),
            authority: None,
            valid_from: None,
            valid_to: None,
            pass_number: None,
            issue_count: None,
            card_uid: None,
            photo_wlt_base64: None,
            id_number_valid: true,
        };
        audit::record(
            self.store.conn(),
            &rfc3339(now),
            &sup.staff_id,
            "manual_entry_authorised",
            &json!({"id_number": gb11643::mask(&id)}),
        )?;
        self.counter_card(s, card, CardSource::Manual, now)?;
        s.supervisor = Some(sup.staff_id);
        Ok(())
    }

    /// A captured, checked photo.
    pub fn counter_photo(&self, s: &mut CounterSession, photo: SpecPhoto) -> Result<(), DeskError> {
        s.require_card()?;
        if s.registration().is_none() {
            return Err(DeskError::invalid("没有可确认的报名信息，不能拍照", "photo without a matched registration"));
        }
        s.photo = Some(photo);
        s.notice = None;
        Ok(())
    }

    /// A supervisor lifts a refusal that allows it (card expired, name mismatch, failed photo).
    pub fn counter_override(
        &mut self,
        s: &mut CounterSession,
        flag: &str,
        supervisor_id: &str,
        password: &str,
        now: &Now,
    ) -> Result<(), DeskError> {
        s.require_card()?;
        let open = s.open_refusals();
        let Some(r) = open.iter().find(|r| r.override_flag.as_deref() == Some(flag) && r.needs_supervisor) else {
            return Err(DeskError::invalid("当前没有可由主管授权解除的限制", format!("no open refusal lifted by {flag}")));
        };
        let sup = self.verify_credentials(supervisor_id, password, Role::Supervisor, "counter override", now)?;
        audit::record(self.store.conn(), &rfc3339(now), &sup.staff_id, "override_granted", &json!({"flag": flag, "refusal": r.code}))?;
        for f in [flag, FLAG_SUPERVISOR_OVERRIDE] {
            if !s.flags.iter().any(|x| x == f) {
                s.flags.push(f.into());
            }
        }
        s.supervisor = Some(sup.staff_id);
        Ok(())
    }

    /// The scanned paper 学历认证报告 for a 专升本 candidate whose prior education is not verified.
    pub fn counter_attach_report(&self, s: &mut CounterSession, media_type: &str, bytes: &[u8]) -> Result<(), DeskError> {
        s.require_card()?;
        if !matches!(media_type, "application/pdf" | "image/jpeg" | "image/png") || bytes.is_empty() || bytes.len() > 5 * 1024 * 1024 {
            return Err(DeskError::invalid(
                "学历认证报告须为 PDF、JPEG 或 PNG，且不超过 5 MB",
                format!("bad attachment {media_type}, {} bytes", bytes.len()),
            ));
        }
        s.attachment = Some(Attachment {
            kind: "prior_education_report".into(),
            media_type: media_type.into(),
            content_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
            sha256: hex::encode(Sha256::digest(bytes)),
        });
        if !s.flags.iter().any(|f| f == FLAG_PAPER_PRIOR_EDUCATION) {
            s.flags.push(FLAG_PAPER_PRIOR_EDUCATION.into());
        }
        Ok(())
    }

    /// Writes the confirmation, photo, audit event and outbox row in one transaction; a `new`
    /// candidate takes the next number of a leased block in that same transaction.
    pub fn counter_confirm(
        &mut self,
        s: &mut CounterSession,
        staff: &Session,
        confirmation_id: &str,
        now: &Now,
    ) -> Result<Receipt, DeskError> {
        s.require_card()?;
        let staff = self.authorize(staff, Role::Counter, "confirm")?;
        if let Some(r) = s.open_refusals().first() {
            return Err(refused(r));
        }
        let (Some(card), Some(reg), Some(photo)) = (s.card.clone(), s.registration().cloned(), s.photo.clone()) else {
            return Err(DeskError::invalid("请先拍摄考生照片", "confirm without photo"));
        };
        let st = station::get(self.store.conn())?
            .ok_or_else(|| DeskError::new(ErrorCode::NotEnrolled, "本工作站尚未登记到省平台，不能确认", "station not enrolled"))?;
        let offset: i64 = settings::get(self.store.conn(), "clock_offset_ms")?.and_then(|v| v.parse().ok()).unwrap_or(0);
        let at = rfc3339(now);
        let sha = hex::encode(Sha256::digest(&photo.jpeg));
        let checks_json = serde_json::to_string(&photo.checks).expect("checks serialize");
        let tx = self.store.conn_mut().transaction()?;
        let (number, source) = if reg.kind == "enrolled" {
            (reg.admission_number.clone(), NumberSource::Enrolled)
        } else {
            match blocks::take_number(&tx, now)? {
                Some(n) => (Some(n), NumberSource::Block),
                None => (None, NumberSource::Province),
            }
        };
        let item = ConfirmationItem {
            confirmation_id: confirmation_id.into(),
            registration_id: reg.registration_id.clone(),
            registration_version: reg.version,
            station_id: st.station_id.clone(),
            staff_id: staff.staff_id.clone(),
            supervisor_id: s.supervisor.clone(),
            confirmed_at: at.clone(),
            clock_offset_ms: offset,
            card: card_block(&card, s.source.unwrap_or(CardSource::Chip)),
            photo: PhotoBlock {
                jpeg_base64: base64::engine::general_purpose::STANDARD.encode(&photo.jpeg),
                sha256: sha.clone(),
                width: photo.width,
                height: photo.height,
                dpi: photo.dpi as u32,
            },
            checks: Checks { face_count: photo.face_count, background: photo.background.clone(), face_match_score: None },
            admission_number: number.clone(),
            flags: s.flags.clone(),
            attachments: s.attachment.clone().into_iter().collect(),
        };
        confirmations::record(
            &tx,
            &item,
            &PhotoRow {
                jpeg: &photo.jpeg,
                sha256: &sha,
                width: photo.width,
                height: photo.height,
                dpi: photo.dpi as u32,
                checks_json: &checks_json,
            },
            source,
        )?;
        audit::record(
            &tx,
            &at,
            &staff.staff_id,
            "confirmed",
            &json!({"confirmation_id": confirmation_id, "registration_id": reg.registration_id, "admission_number": number, "flags": s.flags, "supervisor": s.supervisor}),
        )?;
        tx.commit()?;
        let receipt = self.receipt(confirmation_id)?;
        s.receipt = Some(receipt.clone());
        Ok(receipt)
    }
}

/// 新生 / 在籍
pub fn kind_label(kind: &str) -> &'static str {
    if kind == "enrolled" {
        "在籍"
    } else {
        "新生"
    }
}

pub const NUMBER_PENDING: &str = "待分配，以短信为准";

impl Desk {
    /// The receipt of a stored confirmation (for printing now and reprinting later).
    pub fn receipt(&self, confirmation_id: &str) -> Result<Receipt, DeskError> {
        let c = self.store.conn();
        type Row = (String, String, String, Option<String>, String, String, String, Vec<u8>);
        let row: Option<Row> = c
            .query_row(
                "SELECT c.registration_id, c.confirmed_at, c.staff_id, c.admission_number, c.flags, c.state, COALESCE(s.name, c.staff_id), p.jpeg
                 FROM confirmation c JOIN photo p ON p.photo_id = c.photo_id LEFT JOIN staff s ON s.staff_id = c.staff_id WHERE c.confirmation_id = ?1",
                [confirmation_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
            )
            .optional()?;
        let Some((reg_id, at, staff_id, number, flags, state, staff_name, jpeg)) = row else {
            return Err(DeskError::new(ErrorCode::NotFound, "未找到该确认记录", format!("no confirmation {confirmation_id}")));
        };
        let reg = registrations::get(c, &reg_id)?
            .ok_or_else(|| DeskError::storage(format!("registration {reg_id} missing for {confirmation_id}")))?;
        let st = station::get(c)?;
        Ok(Receipt {
            confirmation_id: confirmation_id.into(),
            registration_id: reg_id,
            name: reg.name.clone(),
            id_number_masked: gb11643::mask(&reg.id_number),
            major: format!("{}（{}）", reg.major.name, reg.major.code),
            level: reg.major.level.clone(),
            kind: kind_label(&reg.kind).into(),
            admission_number: number.unwrap_or_else(|| NUMBER_PENDING.into()),
            confirmed_at: at,
            station_id: st.as_ref().map(|s| s.station_id.clone()).unwrap_or_default(),
            office_name: st.map(|s| s.office_name).unwrap_or_default(),
            staff: format!("{staff_name}（{staff_id}）"),
            photo_jpeg_base64: base64::engine::general_purpose::STANDARD.encode(jpeg),
            flags: serde_json::from_str(&flags).unwrap_or_default(),
            state,
        })
    }
}
