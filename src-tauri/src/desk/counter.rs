//! The counter: one session per candidate — card → match → photo → confirm → receipt — driven by
//! reader events and staff actions, shared by the GUI and `zkctl confirm`. Time and ids come in.
//! Invariant: every question the UI or `zkctl` asks about the session ("may a photo be taken?",
//! "may we confirm?", "what stands in the way and what lifts it?") is answered by [`CounterSession::view`].

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{rfc3339, Desk, Now, Session};
use crate::api::Receipt;
use crate::domain::confirmation::*;
use crate::domain::eligibility::{self, Assessment, Facts, Lift, LocalConfirmation, Refusal, RefusalCode};
use crate::domain::face_match::{self, Bands};
use crate::face::Embedding;
use crate::domain::registration::{Registration, RegistrationKind};
use crate::domain::{DeskError, ErrorCode, Role};
use crate::idcard::{gb11643, IdType, IdentityCard};
use crate::photo::{self, SpecPhoto};
use crate::store::confirmations::{self, NumberSource, PhotoRow};
use crate::store::settings::{self, ClockOffsetMs, FacePassBand, FaceReviewBand, FaceSameFaceCheck, Reference};
use crate::store::{audit, blacklist, blocks, faces, registrations, station};

pub use crate::domain::confirmation::CardSource;

/// Where the counter is with the candidate in front of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Idle,
    /// A refusal stands (some may be lifted; see the view's refusals).
    Refused,
    Matched,
    PhotoTaken,
    Confirmed,
}

/// One candidate at the counter.
#[derive(Debug, Clone, Default)]
pub struct CounterSession {
    card: Option<IdentityCard>,
    source: Option<CardSource>,
    assessment: Option<Assessment>,
    flags: Vec<Flag>,
    supervisor: Option<String>,
    photo: Option<SpecPhoto>,
    attachment: Option<Attachment>,
    receipt: Option<Receipt>,
    notice: Option<String>,
    /// The chip photo as JPEG, when a vendor WLT decoder is configured.
    chip_photo: Option<Vec<u8>>,
    /// The chip photo's face embedding, when a face was found in it.
    chip_embedding: Option<Embedding>,
    /// The office day the card was read on (the 替考 check looks at that day's confirmations).
    day: Option<chrono::NaiveDate>,
    /// The live photo against the chip photo and today's faces.
    face: Option<FaceMatch>,
    /// Refusals of this photo a supervisor lifted at the counter (face fail band, 替考).
    lifted: Vec<RefusalCode>,
}

/// What the face match found for the current photo.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceMatch {
    /// Cosine against the chip photo; `None` without a chip photo (or without a face in it).
    pub score: Option<f64>,
    pub bands: Bands,
    /// 替考: the same face confirmed today under another id number.
    pub same_face: Option<SameFace>,
}

/// The earlier confirmation a 替考 alert points at, with its photo for the side-by-side view.
#[derive(Debug, Clone, PartialEq)]
pub struct SameFace {
    pub confirmation_id: String,
    pub id_number_masked: String,
    pub name: String,
    pub confirmed_at: String,
    pub score: f64,
    pub photo_jpeg: Vec<u8>,
}

/// The session as the counter screen and `zkctl confirm` see it.
#[derive(Debug, Clone)]
pub struct CounterView {
    pub stage: Stage,
    pub card: Option<IdentityCard>,
    pub card_source: Option<CardSource>,
    pub registration: Option<Registration>,
    /// What still stands in the way (refusals not yet lifted), each with what lifts it.
    pub refusals: Vec<Refusal>,
    pub flags: Vec<Flag>,
    pub photo: Option<SpecPhoto>,
    pub receipt: Option<Receipt>,
    pub notice: Option<String>,
    pub chip_photo_jpeg: Option<Vec<u8>>,
    /// The live face against the chip photo (cosine, −1..1), when both have a face.
    pub face_match_score: Option<f64>,
    /// The score in Chinese with its band, for the screen.
    pub face_match_text: Option<String>,
    /// 替考: the earlier confirmation with the same face (both photos are shown side by side).
    pub same_face: Option<SameFace>,
    /// A photo may be taken now: a registration matched and every open refusal can be lifted.
    pub can_capture: bool,
    pub can_confirm: bool,
}

impl CounterView {
    /// Whether `flag` lifts one of the open refusals.
    pub fn lifts(&self, flag: Flag) -> bool {
        self.refusals.iter().any(|r| r.override_flag() == Some(flag))
    }
}

/// The refusal for a photo whose checks failed (a supervisor may accept it).
fn photo_refusal(p: &SpecPhoto) -> Option<Refusal> {
    let failed: Vec<&str> = p.checks.iter().filter(|c| c.result == photo::Outcome::Fail).map(|c| c.message.as_str()).collect();
    (!failed.is_empty()).then(|| Refusal {
        code: RefusalCode::PhotoRejected,
        message: format!("照片不合格：{}", failed.join("；")),
        lift: Some(Lift::Supervisor(Flag::SupervisorOverride)),
    })
}

impl CounterSession {
    pub fn new() -> Self {
        Self::default()
    }

    /// Refusals still standing, including a failed photo, a face that does not match the chip
    /// photo and a 替考 alert.
    fn open_refusals(&self) -> Vec<Refusal> {
        let mut v: Vec<Refusal> =
            self.assessment.as_ref().map(|a| a.open_refusals(&self.flags).into_iter().cloned().collect()).unwrap_or_default();
        if let Some(r) = self.photo.as_ref().and_then(photo_refusal) {
            if !self.flags.contains(&Flag::SupervisorOverride) {
                v.push(r);
            }
        }
        v.extend(self.face_refusals().into_iter().filter(|r| !self.lifted.contains(&r.code)));
        v
    }

    /// The face match's refusals, lifted or not.
    fn face_refusals(&self) -> Vec<Refusal> {
        let Some(m) = &self.face else { return Vec::new() };
        let mut v = Vec::new();
        if let Some(same) = &m.same_face {
            v.push(face_match::same_face_refusal(same.score, &same.id_number_masked, &same.confirmed_at));
        }
        v.extend(m.score.and_then(|score| face_match::refusal(score, &m.bands)));
        v
    }

    /// The session's flags with the one the face score sets by itself (review band).
    fn all_flags(&self) -> Vec<Flag> {
        let mut f = self.flags.clone();
        if let Some(flag) = self.face.as_ref().and_then(|m| m.score.and_then(|s| face_match::flag(s, &m.bands))) {
            if !f.contains(&flag) {
                f.push(flag);
            }
        }
        f
    }

    fn registration(&self) -> Option<&Registration> {
        self.assessment.as_ref().and_then(|a| a.registration.as_ref())
    }

    pub fn view(&self) -> CounterView {
        let refusals = self.open_refusals();
        let liftable = refusals.iter().all(|r| r.lift.is_some());
        let matched = self.receipt.is_none() && self.registration().is_some();
        let stage = if self.receipt.is_some() {
            Stage::Confirmed
        } else if self.card.is_none() {
            Stage::Idle
        } else if !matched || !liftable {
            Stage::Refused
        } else if self.photo.is_some() {
            Stage::PhotoTaken
        } else if refusals.is_empty() {
            Stage::Matched
        } else {
            Stage::Refused
        };
        CounterView {
            stage,
            card: self.card.clone(),
            card_source: self.source,
            registration: self.registration().cloned(),
            can_capture: matched && liftable,
            can_confirm: matched && self.photo.is_some() && refusals.is_empty(),
            refusals,
            flags: self.all_flags(),
            photo: self.photo.clone(),
            receipt: self.receipt.clone(),
            notice: self.notice.clone(),
            chip_photo_jpeg: self.chip_photo.clone(),
            face_match_score: self.face.as_ref().and_then(|m| m.score),
            face_match_text: self.face.as_ref().and_then(|m| m.score.map(|s| face_match::describe(s, &m.bands))),
            same_face: self.face.as_ref().and_then(|m| m.same_face.clone()),
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

    /// A passing note for staff (shown once on the next view).
    pub fn set_notice(&mut self, notice: String) {
        self.notice = Some(notice);
    }

    fn add_flag(&mut self, f: Flag) {
        if !self.flags.contains(&f) {
            self.flags.push(f);
        }
    }
}

fn refused(r: &Refusal) -> DeskError {
    DeskError::refused(r.code, r.message.clone())
}

/// The candidate's chip identity as the province's `card` block.
fn card_block(card: &IdentityCard, source: CardSource) -> CardBlock {
    CardBlock {
        source,
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
            let reference = settings::get::<Reference>(self.store.conn()).ok().flatten();
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
        let Some((registration_id, confirmed_at)) = confirmations::live_for_id_number(c, id_number)? else {
            return Ok(None);
        };
        let station = station::get(c)?.map(|s| s.office_name).unwrap_or_else(|| "本站".into());
        Ok(Some(LocalConfirmation { registration_id, confirmed_at, station }))
    }

    /// Runs the eligibility rules for a card against the cache (≤ 50 ms at a million rows: one indexed lookup).
    pub fn assess_card(&self, card: &IdentityCard, today: chrono::NaiveDate) -> Result<Assessment, DeskError> {
        let c = self.store.conn();
        let regs = registrations::by_id_number(c, &card.id_number)?;
        let county = station::get(c)?.map(|s| s.county_code).unwrap_or_default();
        let black = blacklist::reason(c, &card.id_number)?;
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

    /// A card arrived from the reader (or manual entry, already authorised), at `staff`'s counter.
    /// With a vendor WLT decoder configured, the chip photo is decoded for the screen.
    pub fn counter_card(
        &self,
        s: &mut CounterSession,
        staff: &Session,
        card: IdentityCard,
        source: CardSource,
        now: &Now,
    ) -> Result<(), DeskError> {
        // A card placed while the screen is locked must not replace the candidate behind the lock.
        staff.require_unlocked()?;
        if s.receipt.is_none() && s.card.as_ref().is_some_and(|c| c.id_number == card.id_number) && source == CardSource::Chip {
            s.notice = Some("同一考生重复刷卡，已保留当前进度".into());
            return Ok(());
        }
        let assessment = self.assess_card(&card, now.date_naive())?;
        let refusal_codes: Vec<&str> = assessment.refusals.iter().map(|r| r.code.as_str()).collect();
        let detail = json!({"id_number": gb11643::mask(&card.id_number), "registration_id": assessment.registration.as_ref().map(|r| &r.registration_id), "refusals": refusal_codes});
        let kind = if assessment.refusals.is_empty() { "card_matched" } else { "card_refused" };
        self.store.write(|tx| audit::record(tx, &rfc3339(now), &staff.staff_id, kind, &detail))?;
        let chip = self.chip_photo(&card);
        let chip_embedding = chip.as_ref().and_then(|img| {
            let engine = crate::face::Engine::shared();
            let face = engine.detect(img).into_iter().next();
            if face.is_none() {
                tracing::warn!("chip photo: no face found; no face match for this card");
            }
            face.map(|f| engine.embed(img, &f))
        });
        let chip_photo = chip.as_ref().map(crate::camera::preview::jpeg_of);
        *s = CounterSession {
            card: Some(card),
            source: Some(source),
            assessment: Some(assessment),
            chip_photo,
            chip_embedding,
            day: Some(crate::domain::office_day::of(now)),
            ..Default::default()
        };
        if source == CardSource::Manual {
            s.add_flag(Flag::ManualEntry);
        }
        Ok(())
    }

    /// The chip photo, when a decoder is configured and the card carries one.
    fn chip_photo(&self, card: &IdentityCard) -> Option<image::RgbImage> {
        let (decoder, b64) = (self.wlt.as_ref()?, card.photo_wlt_base64.as_ref()?);
        let wlt = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
        match decoder.decode(&wlt) {
            Ok(img) => Some(img),
            Err(e) => {
                tracing::warn!("chip photo: {e}");
                None
            }
        }
    }

    /// Staff typed an id number (card unreadable, temporary card) or picked a search result;
    /// a supervisor authorises with their own credentials.
    pub fn counter_manual(
        &self,
        s: &mut CounterSession,
        staff: &Session,
        id_number: &str,
        supervisor_id: &str,
        supervisor_password: &str,
        now: &Now,
    ) -> Result<(), DeskError> {
        staff.require_unlocked()?;
        let id = gb11643::normalise(id_number)?;
        let sup = self.verify_credentials(supervisor_id, supervisor_password, Role::Supervisor, "manual entry", now)?;
        let regs = registrations::by_id_number(self.store.conn(), &id)?;
        let card = manual_card(&id, regs.first());
        let detail = json!({"id_number": gb11643::mask(&id)});
        self.store.write(|tx| audit::record(tx, &rfc3339(now), &sup.staff_id, "manual_entry_authorised", &detail))?;
        self.counter_card(s, staff, card, CardSource::Manual, now)?;
        s.supervisor = Some(sup.staff_id);
        Ok(())
    }

    /// Manual entry of a search hit, by its registration id.
    pub fn counter_manual_registration(
        &self,
        s: &mut CounterSession,
        staff: &Session,
        registration_id: &str,
        supervisor_id: &str,
        supervisor_password: &str,
        now: &Now,
    ) -> Result<(), DeskError> {
        let reg = registrations::get(self.store.conn(), registration_id)?
            .ok_or_else(|| DeskError::new(ErrorCode::NotFound, "未找到该报名信息", format!("no registration {registration_id}")))?;
        self.counter_manual(s, staff, &reg.id_number, supervisor_id, supervisor_password, now)
    }

    /// A captured frame (the GUI) or a photo file (`zkctl confirm`) through the photo pipeline.
    /// A photo whose checks fail is kept and shown; it stands as a refusal a supervisor may lift.
    pub fn counter_capture(&self, s: &mut CounterSession, image: &image::DynamicImage) -> Result<(), DeskError> {
        if !s.view().can_capture {
            return Err(DeskError::invalid("没有可确认的报名信息，不能拍照", "capture while the session cannot take a photo"));
        }
        // The detector is not Send (rustface), so each capture loads its own (~30 ms, embedded model).
        let made = photo::make(image, &photo::Spec::default(), &mut photo::face::FaceDetector::new())?;
        self.counter_photo(s, made)
    }

    /// A photo already through the pipeline (a failed check stands as a refusal).
    pub fn counter_photo(&self, s: &mut CounterSession, made: SpecPhoto) -> Result<(), DeskError> {
        s.require_card()?;
        if !s.view().can_capture {
            return Err(DeskError::invalid("没有可确认的报名信息，不能拍照", "photo while the session cannot take one"));
        }
        s.face = Some(self.face_match(s, &made)?);
        s.lifted.clear();
        s.photo = Some(made);
        s.notice = None;
        Ok(())
    }

    /// The supervisor's face bands, each defaulting (0.45 pass, 0.30 review).
    pub fn face_bands(&self) -> Result<Bands, DeskError> {
        let c = self.store.conn();
        Ok(Bands::from_settings(settings::get::<FacePassBand>(c)?, settings::get::<FaceReviewBand>(c)?))
    }

    /// The live photo against the chip photo, and against the faces confirmed on the session's
    /// day under other id numbers (替考).
    fn face_match(&self, s: &CounterSession, made: &SpecPhoto) -> Result<FaceMatch, DeskError> {
        let bands = self.face_bands()?;
        let Some(live) = made.embedding.as_ref() else { return Ok(FaceMatch { score: None, bands, same_face: None }) };
        let score = s.chip_embedding.as_ref().map(|chip| live.cosine(chip) as f64);
        let mut same_face = None;
        let check = settings::get::<FaceSameFaceCheck>(self.store.conn())?.unwrap_or(true);
        if let (true, Some(day), Some(card)) = (check, s.day, s.card.as_ref()) {
            let c = self.store.conn();
            let (from, to) = ((day - chrono::Days::new(1)).to_string(), (day + chrono::Days::new(1)).to_string());
            let stored: Vec<faces::StoredFace> = faces::live_between_days(c, crate::face::MATCH_MODEL, &from, &to)?
                .into_iter()
                .filter(|f| crate::domain::office_day::of_text(&f.confirmed_at) == Some(day))
                .collect();
            let earlier: Vec<face_match::EarlierFace> = stored
                .iter()
                .map(|f| face_match::EarlierFace {
                    confirmation_id: &f.confirmation_id,
                    id_number: &f.id_number,
                    score: live.cosine(&Embedding(f.vector.clone())) as f64,
                })
                .collect();
            if let Some(hit) = face_match::same_face_other_id(&card.id_number, &earlier, &bands) {
                let (rec, jpeg) = confirmations::get_with_photo(c, hit.confirmation_id)?
                    .ok_or_else(|| DeskError::storage(format!("confirmation {} missing", hit.confirmation_id)))?;
                let other = registrations::get(c, &rec.registration_id)?;
                same_face = Some(SameFace {
                    confirmation_id: hit.confirmation_id.into(),
                    id_number_masked: gb11643::mask(hit.id_number),
                    name: other.map(|r| r.name).unwrap_or_default(),
                    confirmed_at: rec.confirmed_at,
                    score: hit.score,
                    photo_jpeg: jpeg,
                });
            }
        }
        Ok(FaceMatch { score, bands, same_face })
    }

    /// [`Desk::counter_capture`] from encoded bytes (JPEG, PNG, BMP).
    pub fn counter_capture_bytes(&self, s: &mut CounterSession, bytes: &[u8]) -> Result<(), DeskError> {
        let image = photo::decode(bytes)?;
        self.counter_capture(s, &image)
    }

    /// A supervisor lifts a refusal that allows it (card expired, name mismatch, failed photo).
    pub fn counter_override(
        &self,
        s: &mut CounterSession,
        flag: Flag,
        supervisor_id: &str,
        password: &str,
        now: &Now,
    ) -> Result<(), DeskError> {
        s.require_card()?;
        let open = s.open_refusals();
        // Every open refusal this authorisation lifts (the supervisor sees them all at once).
        let lifted: Vec<&Refusal> = open.iter().filter(|r| r.lift == Some(Lift::Supervisor(flag))).collect();
        let Some(r) = lifted.first() else {
            return Err(DeskError::invalid("当前没有可由主管授权解除的限制", format!("no open refusal lifted by {}", flag.as_str())));
        };
        let sup = self.verify_credentials(supervisor_id, password, Role::Supervisor, "counter override", now)?;
        let mut detail = json!({"flag": flag, "refusal": r.code, "refusals": lifted.iter().map(|r| r.code).collect::<Vec<_>>()});
        if let Some(m) = &s.face {
            detail["face_match_score"] = json!(m.score);
            detail["same_face_confirmation"] = json!(m.same_face.as_ref().map(|x| &x.confirmation_id));
        }
        self.store.write(|tx| audit::record(tx, &rfc3339(now), &sup.staff_id, "override_granted", &detail))?;
        for r in &lifted {
            if matches!(r.code, RefusalCode::FaceMismatch | RefusalCode::SameFaceOtherId) {
                s.lifted.push(r.code);
            }
        }
        s.add_flag(flag);
        s.add_flag(Flag::SupervisorOverride);
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
        s.add_flag(Flag::PaperPriorEducation);
        Ok(())
    }

    /// Writes the confirmation, photo, audit event and outbox row in one transaction; a `new`
    /// candidate takes the next number of a leased block in that same transaction.
    pub fn counter_confirm(
        &self,
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
        let offset = settings::get::<ClockOffsetMs>(self.store.conn())?.unwrap_or(0);
        let at = rfc3339(now);
        let sha = hex::encode(Sha256::digest(&photo.jpeg));
        let checks_json = serde_json::to_string(&photo.checks).expect("checks serialize");
        let flags = s.all_flags();
        let score = s.face.as_ref().and_then(|m| m.score);
        let live_embedding = photo.embedding.as_ref().map(|e| e.0.clone());
        self.store.write(|tx| {
            let (number, source) = if reg.kind == RegistrationKind::Enrolled {
                (reg.admission_number.clone(), NumberSource::Enrolled)
            } else {
                match blocks::take_number(tx, now)? {
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
                checks: Checks {
                    face_count: photo.face_count,
                    background: photo.background.clone(),
                    face_match_score: score,
                    face_match_model: score.map(|_| crate::face::MATCH_MODEL.to_string()),
                },
                admission_number: number.clone(),
                flags: flags.clone(),
                attachments: s.attachment.clone().into_iter().collect(),
            };
            let photo_row = PhotoRow {
                jpeg: &photo.jpeg,
                sha256: &sha,
                width: photo.width,
                height: photo.height,
                dpi: photo.dpi as u32,
                checks_json: &checks_json,
            };
            confirmations::record(tx, &item, &photo_row, source)?;
            faces::record(tx, confirmation_id, &card.id_number, &at, crate::face::MATCH_MODEL, score, live_embedding.as_deref())?;
            let detail = json!({"confirmation_id": confirmation_id, "registration_id": reg.registration_id, "admission_number": number, "flags": flags, "supervisor": s.supervisor, "face_match_score": score});
            audit::record(tx, &at, &staff.staff_id, "confirmed", &detail)
        })?;
        let receipt = self.receipt(confirmation_id)?;
        s.receipt = Some(receipt.clone());
        Ok(receipt)
    }
}

/// One candidate from start to end without a screen (`zkctl confirm`).
pub struct ConfirmRequest {
    pub card: IdentityCard,
    /// The photo file's bytes (JPEG, PNG or BMP).
    pub photo: Vec<u8>,
    /// Refusals the caller asks to lift; each is applied only if it lifts an open refusal.
    pub overrides: Vec<Flag>,
    /// The supervisor's id and password, for overrides that need one.
    pub supervisor: Option<(String, String)>,
    /// The scanned 学历认证报告: media type and bytes.
    pub attachment: Option<(String, Vec<u8>)>,
}

impl Desk {
    /// Runs the counter session for one candidate: card, photo, the overrides asked for, confirm.
    /// A refusal that still stands comes back as a `Refused` error naming its code.
    pub fn confirm_one(&self, staff: &Session, req: ConfirmRequest, confirmation_id: &str, now: &Now) -> Result<Receipt, DeskError> {
        let mut s = CounterSession::new();
        self.counter_card(&mut s, staff, req.card, CardSource::Chip, now)?;
        if s.view().can_capture {
            self.counter_capture_bytes(&mut s, &req.photo)?;
        }
        if let Some((media_type, bytes)) = &req.attachment {
            if req.overrides.contains(&Flag::PaperPriorEducation) {
                self.counter_attach_report(&mut s, media_type, bytes)?;
            }
        }
        for flag in req.overrides.iter().copied().filter(|f| *f != Flag::PaperPriorEducation) {
            // Asking to lift a refusal that is not there is harmless.
            if s.view().lifts(flag) {
                let (id, password) = req.supervisor.as_ref().ok_or_else(|| {
                    DeskError::new(ErrorCode::NotAuthorized, "此授权需要主管工号和密码", "override without supervisor credentials")
                })?;
                self.counter_override(&mut s, flag, id, password, now)?;
            }
        }
        if let Some(r) = s.view().refusals.first() {
            return Err(refused(r));
        }
        self.counter_confirm(&mut s, staff, confirmation_id, now)
    }
}

/// The identity of a typed id number: what the registration says, the rest left empty.
fn manual_card(id: &str, reg: Option<&Registration>) -> IdentityCard {
    IdentityCard {
        id_type: IdType::Resident,
        name: reg.map(|r| r.name.clone()).unwrap_or_default(),
        english_name: None,
        gender: reg.map(|r| r.gender.clone()).unwrap_or_else(|| "0".into()),
        nation: None,
        nationality: None,
        birth_date: gb11643::birth_date(id).map(|d| d.format("%Y-%m-%d").to_string()),
        address: None,
        id_number: id.to_string(),
        authority: None,
        valid_from: None,
        valid_to: None,
        pass_number: None,
        issue_count: None,
        card_uid: None,
        photo_wlt_base64: None,
        id_number_valid: true,
    }
}

pub const NUMBER_PENDING: &str = "待分配，以短信为准";

impl Desk {
    /// The receipt of a stored confirmation (for printing now and reprinting later).
    pub fn receipt(&self, confirmation_id: &str) -> Result<Receipt, DeskError> {
        let c = self.store.conn();
        let Some((rec, jpeg)) = confirmations::get_with_photo(c, confirmation_id)? else {
            return Err(DeskError::new(ErrorCode::NotFound, "未找到该确认记录", format!("no confirmation {confirmation_id}")));
        };
        let reg = registrations::get(c, &rec.registration_id)?
            .ok_or_else(|| DeskError::storage(format!("registration {} missing for {confirmation_id}", rec.registration_id)))?;
        let st = station::get(c)?;
        Ok(Receipt {
            confirmation_id: confirmation_id.into(),
            registration_id: rec.registration_id,
            name: reg.name.clone(),
            id_number_masked: gb11643::mask(&reg.id_number),
            major: format!("{}（{}）", reg.major.name, reg.major.code),
            level: reg.major.level.clone(),
            kind: reg.kind.label().into(),
            admission_number: rec.admission_number.unwrap_or_else(|| NUMBER_PENDING.into()),
            confirmed_at: rec.confirmed_at,
            station_id: st.as_ref().map(|s| s.station_id.clone()).unwrap_or_default(),
            office_name: st.map(|s| s.office_name).unwrap_or_default(),
            staff: format!("{}（{}）", rec.staff_name, rec.staff_id),
            photo_jpeg_base64: base64::engine::general_purpose::STANDARD.encode(jpeg),
            flags: crate::api::flags(&rec.flags),
            state: rec.state.into(),
        })
    }
}
