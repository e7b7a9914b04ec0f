//! The province's review queues (审核任务): photo 人工审核 and 学历认证报告 first-level review.
//! Supervisor work. A task is locked to the supervisor working on it here, so one station never
//! sends two decisions; a decision goes through the outbox with its `decision_id` kept forever.

use serde_json::{json, Value};

use super::{rfc3339, Desk, Now, Session};
use crate::api::{
    DecisionName, DecisionState, EntrySync, TaskKind, TaskStatus, DeclaredEducation, PhotoCheck, ReasonOption, TaskDecided, TaskDecisionInfo, TaskDetail, TaskDocument, TaskFilter, TaskItem,
};
use crate::domain::{DeskError, ErrorCode, Role};
use crate::store::outbox::{self, Kind};
use crate::store::review_tasks::{self, NewDecision, TaskRecord};
use crate::store::{audit, confirmations, registrations};

/// The contract's photo rejection reasons (province-api.md), with what staff read.
const PHOTO_REASONS: &[(&str, &str)] = &[
    ("background", "背景不符"),
    ("blurred", "模糊"),
    ("not_frontal", "非正面"),
    ("head_covered", "头部遮挡"),
    ("glare", "反光"),
    ("edited", "经过修图"),
    ("not_the_candidate", "非本人"),
    ("other", "其他"),
];

/// A 学历认证报告 rejection says why in the comment; the code is `other`.
const DOCUMENT_REASONS: &[(&str, &str)] = &[("other", "其他（请在备注中说明）")];

/// The province's automatic photo checks, in Chinese.
fn auto_check_label(code: &str) -> String {
    match code {
        "background" => "背景不符".into(),
        "size" => "尺寸或大小不符".into(),
        "blurred" => "模糊".into(),
        "face" | "no_face" => "未检测到人脸".into(),
        "exposure" => "曝光不当".into(),
        other => format!("其他（{other}）"),
    }
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "photo" => "照片人工审核",
        "prior_education" => "学历认证报告初审",
        _ => "其他审核任务",
    }
}

fn reasons_for(kind: &str) -> &'static [(&'static str, &'static str)] {
    if kind == "photo" {
        PHOTO_REASONS
    } else {
        DOCUMENT_REASONS
    }
}

fn decision_info(t: &TaskRecord) -> Option<TaskDecisionInfo> {
    t.decision.as_ref().map(|d| TaskDecisionInfo {
        decision_id: d.decision_id.clone(),
        decision: DecisionName::parse(&d.decision),
        reason_code: d.reason_code.clone(),
        sync: match d.state.as_str() {
            "pending" => EntrySync::Pending,
            "accepted" => EntrySync::Accepted,
            _ => EntrySync::Rejected,
        },
        state: DecisionState::parse(&d.state),
        reason: d.result_reason.clone(),
    })
}

/// What a supervisor decided on a task.
#[derive(Debug, Clone, Copy)]
pub struct TaskDecision<'a> {
    pub task_id: &'a str,
    pub approve: bool,
    /// Required to reject: one of the task's reasons.
    pub reason_code: Option<&'a str>,
    pub comment: Option<&'a str>,
}

fn not_found(task_id: &str) -> DeskError {
    DeskError::new(ErrorCode::NotFound, "未找到该审核任务", format!("no task {task_id}"))
}

fn text(v: &Value) -> Option<String> {
    v.as_str().map(String::from)
}

impl Desk {
    fn task_item(&self, t: &TaskRecord) -> Result<TaskItem, DeskError> {
        let name = registrations::get(self.store.conn(), &t.registration_id)?.map(|r| r.name).unwrap_or_default();
        Ok(TaskItem {
            task_id: t.task_id.clone(),
            version: t.version,
            kind_label: kind_label(&t.kind).into(),
            kind: TaskKind::parse(&t.kind),
            status: TaskStatus::parse(&t.status),
            registration_id: t.registration_id.clone(),
            name,
            created_at: t.created_at.clone(),
            locked_by: t.locked_by.clone(),
            decision: decision_info(t),
        })
    }

    /// Tasks oldest first, by kind and status.
    pub fn tasks_list(&self, session: &Session, filter: &TaskFilter) -> Result<Vec<TaskItem>, DeskError> {
        self.authorize(session, Role::Supervisor, "tasks list")?;
        review_tasks::list(self.store.conn(), filter.kind.as_deref(), filter.status.as_deref())?.iter().map(|t| self.task_item(t)).collect()
    }

    /// One task with what it takes to decide it; opening an open task locks it to this supervisor.
    pub fn task_show(&self, session: &Session, task_id: &str, now: &Now) -> Result<TaskDetail, DeskError> {
        let sup = self.authorize(session, Role::Supervisor, "tasks show")?;
        let c = self.store.conn();
        let t = review_tasks::get(c, task_id)?.ok_or_else(|| not_found(task_id))?;
        if t.status == "open" {
            self.store.write(|tx| review_tasks::lock(tx, task_id, &sup.staff_id, &rfc3339(now)))?;
        }
        let t = review_tasks::get(c, task_id)?.ok_or_else(|| not_found(task_id))?;
        let b = &t.body;
        let photo = text(&b["photo"]["jpeg_base64"]);
        let our_checks = photo.as_deref().map(own_checks).unwrap_or_default();
        let counter_photo = confirmations::live_photo_for_registration(c, &t.registration_id)?;
        let documents = b["documents"]
            .as_array()
            .map(|d| {
                d.iter()
                    .map(|d| TaskDocument {
                        name: text(&d["name"]).unwrap_or_default(),
                        media_type: text(&d["media_type"]).unwrap_or_default(),
                        content_base64: text(&d["content_base64"]).unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let declared = b["declared"].is_object().then(|| DeclaredEducation {
            school: text(&b["declared"]["school"]),
            certificate_no: text(&b["declared"]["certificate_no"]),
            graduation_date: text(&b["declared"]["graduation_date"]),
        });
        use base64::Engine;
        Ok(TaskDetail {
            item: self.task_item(&t)?,
            registration: registrations::get(c, &t.registration_id)?.as_ref().map(Into::into),
            auto_check_failures: b["photo"]["auto_check_failures"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).map(auto_check_label).collect())
                .unwrap_or_default(),
            photo_jpeg_base64: photo,
            our_checks,
            counter_photo_jpeg_base64: counter_photo.map(|j| base64::engine::general_purpose::STANDARD.encode(j)),
            documents,
            declared,
            // A task closed by our own accepted decision was not decided elsewhere.
            decided_elsewhere: (b["decided"].is_object() && t.decision.as_ref().is_none_or(|d| d.state != "accepted"))
                .then(|| b["decided"].to_string()),
            reasons: reasons_for(&t.kind).iter().map(|(c, l)| ReasonOption { code: c.to_string(), label: l.to_string() }).collect(),
        })
    }

    /// Approves or rejects (with one of the contract's reasons); queued to the province.
    pub fn task_decide(&self, session: &Session, d: &TaskDecision<'_>, decision_id: &str, now: &Now) -> Result<TaskDecided, DeskError> {
        let sup = self.authorize(session, Role::Supervisor, "tasks decide")?;
        let TaskDecision { task_id, approve, reason_code, comment } = *d;
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > 500) {
            return Err(DeskError::invalid("备注不能超过 500 个字", "comment longer than 500 characters"));
        }
        let at = rfc3339(now);
        self.store.write(|tx| {
            let t = review_tasks::get(tx, task_id)?.ok_or_else(|| not_found(task_id))?;
            if t.status != "open" {
                return Err(DeskError::new(ErrorCode::TaskClosed, "该审核任务已关闭", format!("task {task_id} is closed")));
            }
            if t.decision.as_ref().is_some_and(|d| matches!(d.state.as_str(), "pending" | "accepted")) {
                return Err(DeskError::new(ErrorCode::Conflict, "本站已对该任务作出决定", format!("task {task_id} already decided here")));
            }
            if let Some(other) = t.locked_by.as_deref().filter(|o| *o != sup.staff_id) {
                return Err(DeskError::new(ErrorCode::Conflict, format!("该任务正由 {other} 审核"), format!("task {task_id} locked by {other}")));
            }
            let reason = match (approve, reason_code) {
                (true, _) => None,
                (false, Some(code)) if reasons_for(&t.kind).iter().any(|(c, _)| *c == code) => Some(code),
                (false, Some(code)) => {
                    return Err(DeskError::invalid("驳回原因不在可选范围内", format!("reason {code:?} not allowed for a {} task", t.kind)))
                }
                (false, None) => return Err(DeskError::invalid("驳回须选择原因", "reject without a reason code")),
            };
            if !approve && t.kind != "photo" && comment.is_none() {
                return Err(DeskError::invalid("驳回学历认证报告须在备注中说明原因", "prior-education rejection without a comment"));
            }
            let decision = if approve { "approve" } else { "reject" };
            let new = NewDecision {
                decision_id,
                task_id,
                task_version: t.version,
                decision,
                reason_code: reason,
                comment,
                reviewer_id: &sup.staff_id,
                decided_at: &at,
            };
            review_tasks::insert_decision(tx, &new)?;
            let item = json!({
                "decision_id": decision_id, "task_id": task_id, "task_version": t.version, "decision": decision,
                "reason_code": reason, "comment": comment, "reviewer_id": sup.staff_id, "decided_at": at,
            });
            outbox::push(tx, Kind::ReviewDecision, decision_id, &item, &at)?;
            review_tasks::unlock(tx, task_id)?;
            let detail = json!({"task_id": task_id, "decision_id": decision_id, "decision": decision, "reason_code": reason});
            audit::record(tx, &at, &sup.staff_id, "task_decided", &detail)?;
            Ok(TaskDecided { decision_id: decision_id.into(), task_id: task_id.into() })
        })
    }
}

/// Our own checks on an uploaded photo: the pipeline's, or why the photo could not be read.
fn own_checks(b64: &str) -> Vec<PhotoCheck> {
    use base64::Engine;
    let made = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| crate::photo::PhotoError::Decode(e.to_string()))
        .and_then(|bytes| crate::photo::decode(&bytes))
        .and_then(|img| crate::photo::make(&img, &crate::photo::Spec::default(), &mut crate::photo::face::FaceDetector::new()));
    match made {
        Ok(p) => crate::api::PhotoInfo::from(&p).checks,
        Err(e) => vec![PhotoCheck { name: "decode".into(), result: crate::api::CheckResult::Fail, message: e.message().into() }],
    }
}
