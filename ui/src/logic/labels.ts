// The one dictionary: every flag, state, status and code the core sends is shown to staff in
// Chinese from here. Typed as Record<Union, string> over the generated bindings, so a new value
// on the Rust side fails the type check (and tests/labels.test.ts, which reads bindings.ts).
import type { CardSourceName, CheckResult, ConfirmationStateName, DecisionName, DecisionState, EntryStatus, EntrySync, FaceBandName, FlagName, RefusalCodeName, RevocationState, LocalStatusName, Role, StageName, SyncPhase, Health } from "../bindings";

export const FLAG_LABEL: Record<FlagName, string> = {
  manual_entry: "手工录入",
  name_mismatch: "姓名不一致（主管核实）",
  card_expired: "证件过期（主管授权）",
  paper_prior_education: "纸质学历认证报告",
  supervisor_override: "主管授权放行",
  face_mismatch: "人证比对存疑",
};

export const CONFIRMATION_STATE_LABEL: Record<ConfirmationStateName, string> = {
  pending: "待上传",
  accepted: "已上传",
  rejected: "被退回",
  revoked: "已撤销",
};

export const LOCAL_STATUS_LABEL: Record<LocalStatusName, string> = {
  none: "本站未确认",
  pending: "已确认，待上传",
  accepted: "已确认，已上传",
  rejected: "已确认，被省平台退回",
  revoked: "已撤销",
};

export const CHECK_RESULT_LABEL: Record<CheckResult, string> = { pass: "合格", warn: "注意", fail: "不合格" };

export const ROLE_LABEL: Record<Role, string> = { counter: "受理员", supervisor: "主管" };

export const HEALTH_LABEL: Record<Health, string> = { ok: "正常", warn: "注意", down: "故障", off: "未启动" };

export const SYNC_PHASE_LABEL: Record<SyncPhase, string> = {
  reference: "下载基础数据",
  registrations: "下载报名数据",
  review_tasks: "下载审核任务",
  number_blocks: "申请准考证号段",
  outbox: "上传确认数据",
};

export const STAGE_LABEL: Record<StageName, string> = {
  idle: "请考生将身份证放在读卡器上",
  refused: "不能确认",
  matched: "信息已核对，请拍照（空格键）",
  photo_taken: "请核对照片，按回车确认",
  confirmed: "确认完成，请打印回执",
};

/** Refusal codes (the core's message is shown as the detail; this is the short title). */
export const REFUSAL_LABEL: Record<RefusalCodeName, string> = {
  ID_NUMBER_INVALID: "身份证号码无效",
  CARD_EXPIRED: "身份证已过期",
  NOT_FOUND: "未找到报名信息",
  ALREADY_CONFIRMED: "已完成现场确认",
  NOT_ELIGIBLE: "报名状态不能确认",
  WRONG_COUNTY: "不属于本考区",
  PRIOR_EDUCATION_PENDING: "前置学历未认证",
  NAME_MISMATCH: "姓名不一致",
  BLACKLISTED: "禁止名单",
  PHOTO_REJECTED: "照片不合格",
  NOT_AUTHORIZED: "权限不足",
  LOCKED: "账号已锁定",
  FACE_MISMATCH: "人证比对不一致",
  SAME_FACE_OTHER_ID: "疑似替考",
};

/** The registration's status on the province's side (unknown values are shown as received). */
export const REGISTRATION_STATUS_LABEL: Record<string, string> = {
  pre_registered: "已网上报名",
  confirmed: "已现场确认",
  cancelled: "已取消",
  moved: "已转出",
};

export const KIND_LABEL: Record<string, string> = { new: "新生", enrolled: "在籍" };

export const PRIOR_STATUS_LABEL: Record<string, string> = {
  verified: "已认证",
  approved: "已审核通过",
  pending: "待认证",
  report_uploaded: "已上传认证报告，待审核",
  rejected: "认证未通过",
  not_required: "不需要",
};

/** Kinds of outbox items the province can send back (ParkedItem.kind; an unknown one is marked by `label`). */
export const OUTBOX_KIND_LABEL: Record<string, string> = {
  confirmation: "现场确认",
  revocation: "撤销确认",
  review_decision: "审核决定",
  password_reset: "密码重置",
};

export const GENDER_LABEL: Record<string, string> = { "1": "男", "2": "女", "9": "未说明", "0": "未知" };

/** Names of the photo checks. */
export const CHECK_NAME_LABEL: Record<string, string> = {
  face_count: "人脸",
  face_size: "头部大小",
  pose: "正面姿态",
  looking: "视线朝向",
  eyes: "双眼",
  position: "位置",
  background: "背景颜色",
  background_evenness: "背景均匀",
  exposure: "曝光",
  sharpness: "清晰度",
  size: "尺寸",
  dpi: "分辨率",
  bytes: "文件大小",
};

/** Any value through a dictionary; an unknown one is marked, never shown as a bare English code. */
export function label(dict: Record<string, string>, value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  return dict[value] ?? `未知（${value}）`;
}

export const flagLabel = (f: FlagName | string) => label(FLAG_LABEL, f);
export const flagsText = (fs: readonly (FlagName | string)[]) => (fs.length ? fs.map(flagLabel).join("，") : "无");

export const ENTRY_STATUS_LABEL: Record<EntryStatus, string> = { confirmed: "已确认", revoked: "已撤销" };

export const ENTRY_SYNC_LABEL: Record<EntrySync, string> = { pending: "待上传", accepted: "已上传", rejected: "被退回" };

/** A revocation's progress with the province (DayEntry.revocation). */
export const REVOCATION_LABEL: Record<RevocationState, string> = { pending: "撤销待上传", accepted: "已撤销（省平台已接受）", rejected: "撤销被省平台退回" };

/** The band a chip-vs-live score falls in under the station's configured bands (DayEntry.face_match_band). */
export const FACE_BAND_LABEL: Record<FaceBandName, string> = { pass: "通过", review: "存疑", fail: "不通过" };

/** The colour of a band: Element Plus tag types. */
export const FACE_BAND_TYPE: Record<FaceBandName, "success" | "warning" | "danger"> = { pass: "success", review: "warning", fail: "danger" };

/** A score as staff read it: 0.72 → "72 分". */
export const faceScoreText = (score: number | null | undefined) => (score === null || score === undefined ? "—" : `${Math.round(score * 100)} 分`);

export const CARD_SOURCE_LABEL: Record<CardSourceName, string> = { chip: "读卡（芯片）", manual: "手工录入" };

/** Review task kinds (TaskItem.kind: the province may add kinds, so the type is open). */
export const TASK_KIND_LABEL: Record<string, string> = { photo: "照片人工审核", prior_education: "学历认证报告初审" };

export const TASK_STATUS_LABEL: Record<string, string> = { open: "待审核", closed: "已关闭" };

/** TaskDecisionInfo.state. */
export const DECISION_STATE_LABEL: Record<DecisionState, string> = {
  pending: "已决定，待上传",
  accepted: "省平台已接受",
  stale: "任务已更新，请重新审核",
  superseded: "已由其他考点审核",
  rejected: "省平台退回",
};

export const DECISION_LABEL: Record<DecisionName, string> = { approve: "通过", reject: "不通过" };

/** Review-task reject reasons (the core also sends its own label with each). */
export const TASK_REASON_LABEL: Record<string, string> = {
  background: "背景不符",
  blurred: "模糊",
  not_frontal: "非正面",
  head_covered: "头部遮挡",
  glare: "反光",
  edited: "经过修图",
  not_the_candidate: "非本人",
  other: "其他",
};

/** Names of the range report's sync buckets. */
export const SYNC_BUCKET_LABEL: Record<string, string> = ENTRY_SYNC_LABEL;

export const AUDIT_ACTION_LABEL: Record<string, string> = {
  confirmed: "现场确认",
  signed_off: "主管复核签字",
  revoked: "撤销确认",
  override_granted: "主管授权放行",
  manual_entry_authorised: "主管授权手工录入",
  document_printed: "打印文件",
  task_decided: "审核决定",
  reconciled: "日结对账",
  report_exported: "导出报表",
};
