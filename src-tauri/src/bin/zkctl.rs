//! zkctl — the headless CLI over the same core as the desktop app.
//! Exit codes: 0 success, 1 refused or failed (one-line reason on stderr), 2 bad usage.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;
use zkdesk::api::{Flag, NewStaffArgs, Role};
use zkdesk::desk::{Actor, Desk, Now, Session};
use zkdesk::domain::{DeskError, ErrorCode};

#[derive(Parser)]
#[command(name = "zkctl", version, about = "自考现场确认工作站 — command line")]
struct Cli {
    /// Data directory holding zkdesk.sqlite3 (default: the app's data directory).
    #[arg(long, global = true, env = "ZKDESK_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Staff accounts.
    Staff {
        #[command(subcommand)]
        cmd: StaffCmd,
    },
    /// Counts: registrations, outbox, last sync, clock offset.
    Status {
        #[command(flatten)]
        who: Who,
    },
    /// A supervisor who forgot the password: the recovery key (ZKDESK_RECOVERY_KEY or a prompt)
    /// sets a new one (ZKDESK_NEW_PASSWORD or a prompt).
    Recover {
        #[arg(long)]
        staff: String,
    },
    /// The provincial enrollment of this workstation.
    Station {
        #[command(subcommand)]
        cmd: StationCmd,
    },
    /// One full sync cycle: reference, feeds, number blocks, outbox.
    Sync {
        #[command(flatten)]
        who: Who,
    },
    /// ID cards: decode captured bytes, or read one card from a reader.
    Card {
        #[command(subcommand)]
        cmd: CardCmd,
    },
    /// One candidate: read a card, match, make the photo from FILE, confirm.
    Confirm {
        #[arg(long)]
        reader: String,
        #[arg(long)]
        photo: PathBuf,
        /// Counter staff (password from ZKDESK_PASSWORD or a prompt).
        #[arg(long)]
        staff: String,
        /// A supervisor authorising overrides (password from ZKDESK_SUPERVISOR_PASSWORD).
        #[arg(long)]
        supervisor: Option<String>,
        /// card_expired | name_mismatch | supervisor_override (photo) | paper_prior_education (with --attachment).
        #[arg(long = "override")]
        overrides: Vec<String>,
        /// The scanned 学历认证报告 (PDF, JPEG or PNG) for paper_prior_education.
        #[arg(long)]
        attachment: Option<PathBuf>,
        #[arg(long, default_value_t = 30.0)]
        timeout: f64,
    },
    /// Registrations for an id number.
    Lookup {
        id_number: String,
        #[command(flatten)]
        who: Who,
    },
    /// The supervisor-managed list of barred id numbers.
    Blacklist {
        #[command(subcommand)]
        cmd: BlacklistCmd,
    },
    /// Card readers (serial SAM_V, PC/SC with or without a built-in SAM) and cameras found now.
    Devices {
        /// Also probe these serial paths (on-board ports are not scanned by default).
        #[arg(long = "serial")]
        serial: Vec<String>,
    },
    /// Cameras: list them, or save preview frames from one.
    Camera {
        #[command(subcommand)]
        cmd: CameraCmd,
    },
    /// The standard photo.
    Photo {
        #[command(subcommand)]
        cmd: PhotoCmd,
    },
    /// The audit chain.
    Audit {
        #[command(subcommand)]
        cmd: AuditCmd,
    },
    /// The confirmations of one office day, with filters (supervisor).
    Today {
        #[arg(long)]
        supervisor: String,
        /// YYYY-MM-DD (the office day, +08:00); today when absent.
        #[arg(long)]
        date: Option<String>,
        #[arg(long = "staff-filter")]
        staff_filter: Option<String>,
        #[arg(long)]
        flag: Option<String>,
        #[arg(long, value_parser = ["confirmed", "revoked"])]
        status: Option<String>,
        #[arg(long, value_parser = ["pending", "accepted", "rejected"])]
        sync: Option<String>,
        /// A name prefix, id-number digits or a 报名号.
        #[arg(long)]
        search: Option<String>,
    },
    /// One confirmation with its audit trail (supervisor).
    Show {
        confirmation_id: String,
        #[arg(long)]
        supervisor: String,
        /// Write the spec photo here.
        #[arg(long)]
        photo: Option<PathBuf>,
    },
    /// Sign off a flagged (存疑) confirmation (supervisor).
    Signoff {
        confirmation_id: String,
        #[arg(long)]
        supervisor: String,
        #[arg(long)]
        note: Option<String>,
    },
    /// Withdraw a confirmation; the revocation is queued to the province (supervisor).
    Revoke {
        confirmation_id: String,
        #[arg(long)]
        supervisor: String,
        #[arg(long)]
        reason: String,
    },
    /// 日结: this station's records of a day against the province's (supervisor).
    Reconcile {
        #[arg(long)]
        supervisor: String,
        #[arg(long)]
        date: String,
    },
    /// Settings supervisors may change.
    Settings {
        #[command(subcommand)]
        cmd: SettingsCmd,
    },
    /// The receipt of any confirmation, as printed (--staff or --supervisor).
    Receipt {
        confirmation_id: String,
        #[arg(long)]
        pdf: PathBuf,
        #[arg(long, conflicts_with = "supervisor", required_unless_present = "supervisor")]
        staff: Option<String>,
        #[arg(long)]
        supervisor: Option<String>,
    },
    /// Statistics and lists for a day or a range, as JSON, CSV, XLSX or PDF (supervisor).
    Report {
        #[command(subcommand)]
        cmd: ReportCmd,
    },
    /// The province's review queues (审核任务) (supervisor).
    Tasks {
        #[command(subcommand)]
        cmd: TasksCmd,
    },
}

#[derive(Subcommand)]
enum ReportCmd {
    Daily {
        #[arg(long)]
        supervisor: String,
        #[arg(long)]
        date: String,
        #[arg(long, value_parser = ["json", "csv", "xlsx", "pdf"])]
        format: String,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
    Range {
        #[arg(long)]
        supervisor: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long, value_parser = ["json", "csv", "xlsx", "pdf"])]
        format: String,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum TasksCmd {
    List {
        #[arg(long)]
        supervisor: String,
        #[arg(long, value_parser = ["photo", "prior_education"])]
        kind: Option<String>,
        #[arg(long, value_parser = ["open", "closed"])]
        status: Option<String>,
    },
    /// The task; with --export, its photo or documents written to DIR.
    Show {
        task_id: String,
        #[arg(long)]
        supervisor: String,
        #[arg(long)]
        export: Option<PathBuf>,
    },
    Decide {
        task_id: String,
        #[arg(long)]
        supervisor: String,
        #[arg(long, conflicts_with = "reject", required_unless_present = "reject")]
        approve: bool,
        /// A reason code: background | blurred | not_frontal | head_covered | glare | edited | not_the_candidate | other.
        #[arg(long)]
        reject: Option<String>,
        #[arg(long)]
        comment: Option<String>,
    },
}

#[derive(Subcommand)]
enum SettingsCmd {
    Show {
        #[arg(long)]
        supervisor: String,
    },
    Set {
        key: String,
        value: String,
        #[arg(long)]
        supervisor: String,
    },
}

/// The person a store-reading command runs as: `--staff ID` (password from ZKDESK_PASSWORD) or
/// `--supervisor ID` (ZKDESK_SUPERVISOR_PASSWORD).
#[derive(clap::Args)]
#[group(required = true, multiple = false)]
struct Who {
    #[arg(long)]
    staff: Option<String>,
    #[arg(long)]
    supervisor: Option<String>,
}

#[derive(Subcommand)]
enum StaffCmd {
    /// Add an account; the password comes from ZKDESK_NEW_PASSWORD or a prompt.
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_parser = ["counter", "supervisor"])]
        role: String,
        /// A supervisor authorising the change (password from ZKDESK_SUPERVISOR_PASSWORD); not
        /// needed for the very first account, which creates the store and its key.
        #[arg(long)]
        supervisor: Option<String>,
    },
    List {
        #[arg(long)]
        supervisor: String,
    },
    Disable {
        id: String,
        #[arg(long)]
        supervisor: String,
    },
    Enable {
        id: String,
        #[arg(long)]
        supervisor: String,
    },
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_parser = ["counter", "supervisor"])]
        role: Option<String>,
        #[arg(long)]
        supervisor: String,
    },
    /// The new password comes from ZKDESK_NEW_PASSWORD; the account must change it at next login.
    ResetPassword {
        id: String,
        #[arg(long)]
        supervisor: String,
    },
    /// The account's own new password (after a reset): the old one from ZKDESK_PASSWORD, the new
    /// one from ZKDESK_NEW_PASSWORD (or prompts).
    ChangePassword {
        #[arg(long)]
        staff: String,
    },
}

#[derive(Subcommand)]
enum StationCmd {
    Enroll {
        #[arg(long)]
        server: String,
        #[arg(long)]
        code: String,
        #[arg(long, default_value = "zkdesk")]
        device_name: String,
        /// The supervisor enrolling the station (password from ZKDESK_SUPERVISOR_PASSWORD).
        #[arg(long)]
        supervisor: String,
    },
    Show {
        #[command(flatten)]
        who: Who,
    },
}

#[derive(Subcommand)]
enum CardCmd {
    /// A SAM_V read reply (binary or hex text) or a 256-byte text block → identity JSON.
    Decode { file: PathBuf },
    /// Write a `sim:` card file from the cache: confirmable candidates and one of each refusal (demo).
    Samples {
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        #[arg(long, default_value_t = 5)]
        count: usize,
        #[command(flatten)]
        who: Who,
    },
    /// Wait for one card: R = pcsc[:NAME] | serial:PATH[@BAUD] | sim:FILE.
    Read {
        #[arg(long)]
        reader: String,
        #[arg(long, default_value_t = 30.0)]
        timeout: f64,
    },
}

#[derive(Subcommand)]
enum BlacklistCmd {
    Add {
        id_number: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        supervisor: String,
    },
    Remove {
        id_number: String,
        #[arg(long)]
        supervisor: String,
    },
    List {
        #[arg(long)]
        supervisor: String,
    },
}

#[derive(Subcommand)]
enum CameraCmd {
    List,
    /// Save COUNT preview JPEGs (640×480, as the UI receives them) from CAMERA into DIR.
    Frames {
        #[arg(long, default_value = "pattern")]
        camera: String,
        #[arg(long, default_value_t = 10)]
        count: u32,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
    },
}

#[derive(Subcommand)]
enum PhotoCmd {
    /// Any photograph → the spec JPEG (480×640, 300 dpi, 20–40 KB) plus the checks and the
    /// face's landmarks; with --compare, the face match score against another photo.
    Make {
        input: PathBuf,
        #[arg(short = 'o', long = "output")]
        output: PathBuf,
        /// Another photo (e.g. the chip photo): print the cosine score of the two faces.
        #[arg(long, value_name = "FILE")]
        compare: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Walk the chain; exit 1 naming the first broken row.
    Verify {
        /// Also check the tip the province holds (v1.1): catches a chain rewritten with recomputed hashes.
        #[arg(long)]
        province: bool,
        #[command(flatten)]
        who: Who,
    },
}

/// A failure: exit code and the reason.
struct Failure {
    code: u8,
    error: DeskError,
    /// The JSON answer was already printed (e.g. a failed audit report).
    answered: bool,
}

impl From<DeskError> for Failure {
    fn from(error: DeskError) -> Self {
        Failure { code: 1, error, answered: false }
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt().with_env_filter(tracing_subscriber::EnvFilter::from_env("ZKDESK_LOG")).with_writer(std::io::stderr).init();
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if json && !f.answered {
                println!("{}", serde_json::json!({ "error": { "code": f.error.code, "message": f.error.message } }));
            }
            eprintln!("zkctl: {} ({})", f.error.detail, f.error.message);
            ExitCode::from(f.code)
        }
    }
}

fn now() -> Now {
    chrono::Local::now().fixed_offset()
}

fn secret(var: &str, prompt: &str) -> Result<String, Failure> {
    if let Ok(v) = std::env::var(var) {
        return Ok(v);
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return rpassword::prompt_password(prompt).map_err(|e| DeskError::invalid("无法读取密码", format!("reading password: {e}")).into());
    }
    Err(Failure {
        code: 2,
        error: DeskError::invalid(format!("请设置环境变量 {var}"), format!("no terminal to prompt on and {var} is not set")),
        answered: false,
    })
}

/// The person this run logged in as (`open_as`): zkctl runs one command per process.
static LOGGED_IN: std::sync::OnceLock<Session> = std::sync::OnceLock::new();

/// Who opens the store for a command.
enum Opener {
    Staff(String),
    Supervisor(String),
}

impl Opener {
    fn of(who: &Who) -> Self {
        match (&who.staff, &who.supervisor) {
            (Some(id), _) => Opener::Staff(id.clone()),
            (None, Some(id)) => Opener::Supervisor(id.clone()),
            (None, None) => unreachable!("clap requires --staff or --supervisor"),
        }
    }
}

/// Opens the store as a logged-in person: the password unwraps the store's key. A refused
/// login is a refusal (`{"refused": …}` with --json, exit 1).
fn open_as(dir: &std::path::Path, opener: Opener, json: bool) -> Result<Desk, Failure> {
    let (id, var, prompt, supervisor) = match &opener {
        Opener::Staff(id) => (id, "ZKDESK_PASSWORD", "密码: ", false),
        Opener::Supervisor(id) => (id, "ZKDESK_SUPERVISOR_PASSWORD", "主管密码: ", true),
    };
    let pw = secret(var, prompt)?;
    let unlocked = Desk::unlock(dir, id, &pw, &now()).map_err(|e| refused(json, e))?;
    let session = if supervisor {
        unlocked.desk.authorize(&unlocked.session, Role::Supervisor, "zkctl").map_err(|e| refused(json, e))?
    } else {
        unlocked.session
    };
    if let Some(key) = &unlocked.recovery_key {
        // A plaintext store was encrypted by this login: the recovery key, once, on stderr (stdout
        // keeps the command's own answer).
        eprintln!("{}", recovery_notice(key));
    }
    let _ = LOGGED_IN.set(session);
    Ok(unlocked.desk)
}

fn recovery_notice(key: &str) -> String {
    format!(
        "本地数据库已加密。恢复密钥（只显示这一次，请抄写在纸上由主管保管；忘记密码时用 zkctl recover 恢复）：\n\n    {key}\n"
    )
}

/// The logged-in person's session when it is `id`, else `id`'s credentials checked now (a second
/// person, e.g. a supervisor authorising at the counter).
fn session_of(desk: &Desk, id: &str, var: &str, need: Role, json: bool) -> Result<Session, Failure> {
    if let Some(s) = LOGGED_IN.get().filter(|s| s.staff_id == id) {
        return desk.authorize(s, need, "zkctl").map_err(|e| refused(json, e));
    }
    let pw = secret(var, "主管密码: ")?;
    desk.verify_credentials(id, &pw, need, "zkctl", &now()).map_err(|e| refused(json, e))
}

/// The supervisor a staff or blacklist command acts as.
fn actor(desk: &Desk, supervisor: &str) -> Result<Actor, Failure> {
    Ok(Actor::Staff(session_of(desk, supervisor, "ZKDESK_SUPERVISOR_PASSWORD", Role::Supervisor, false)?))
}

fn print<T: Serialize>(json: bool, value: &T, text: impl FnOnce(&T) -> String) {
    if json {
        println!("{}", serde_json::to_string(value).expect("transport types serialize"));
    } else {
        println!("{}", text(value));
    }
}

const TIMEOUT_USAGE: &str = "超时须为大于 0、不超过 3600 的秒数";
/// Read past this and the desk refuses it anyway (5 MiB); a little room for the check to speak.
const MAX_ATTACHMENT_BYTES: u64 = 6 * 1024 * 1024;

fn usage(message: &str, detail: String) -> Failure {
    Failure { code: 2, error: DeskError::invalid(message, detail), answered: false }
}

fn card(cmd: CardCmd) -> Result<(), Failure> {
    use zkdesk::idcard::{self, reader};
    let identity = match cmd {
        CardCmd::Decode { file } => {
            let bytes = zkdesk::files::read_bounded(&file, idcard::MAX_CAPTURE_BYTES).map_err(|d| usage("无法读取文件（文件不存在或过大）", d))?;
            idcard::decode_any(&bytes).map_err(|e| DeskError::invalid(e.message(), e.to_string()))?
        }
        CardCmd::Samples { .. } => unreachable!("handled with the store"),
        CardCmd::Read { reader: r, timeout } => {
            let spec = reader::ReaderSpec::parse(&r).map_err(|d| usage("读卡器设置无效", d))?;
            let timeout = reader::timeout_from_secs(timeout).map_err(|d| usage(TIMEOUT_USAGE, d))?;
            reader::read_one(&spec, timeout)
                .map_err(|e| DeskError::new(ErrorCode::NotFound, e.message, e.detail))?
        }
    };
    println!("{}", serde_json::to_string(&identity).expect("identity serializes"));
    Ok(())
}

/// `photo make`: exit 0 when the photo was written and no check failed.
fn photo(cmd: PhotoCmd, json: bool) -> Result<(), Failure> {
    use zkdesk::photo;
    let PhotoCmd::Make { input, output, compare } = cmd;
    let bytes = zkdesk::files::read_bounded(&input, photo::MAX_FILE_BYTES as u64).map_err(|d| usage("无法读取照片文件（文件不存在或过大）", d))?;
    let other = match &compare {
        Some(path) => {
            let b = zkdesk::files::read_bounded(path, photo::MAX_FILE_BYTES as u64).map_err(|d| usage("无法读取比对照片文件（文件不存在或过大）", d))?;
            Some(photo::decode(&b).map_err(|e| usage(e.message(), format!("{}: {e}", path.display())))?)
        }
        None => None,
    };
    let made = photo::decode(&bytes).and_then(|img| photo::make(&img, &photo::Spec::default(), &mut photo::face::FaceDetector::new()));
    let p = match made {
        Ok(p) => p,
        Err(e) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({"written": false, "bytes": 0, "width": 0, "height": 0, "dpi": 0, "checks": [], "error": e.message()})
                );
            }
            return Err(Failure { code: 1, error: DeskError::invalid(e.message(), e.to_string()), answered: json });
        }
    };
    std::fs::write(&output, &p.jpeg).map_err(|e| DeskError::storage(format!("cannot write {}: {e}", output.display())))?;
    let mut v = serde_json::to_value(&p).expect("photo serializes");
    v["written"] = true.into();
    let score = other.as_ref().map(|o| photo::compare(&p, o));
    if let Some(score) = score {
        v["face_match_score"] = score.into();
        v["face_match_model"] = zkdesk::face::MATCH_MODEL.into();
    }
    if json {
        println!("{v}");
    } else {
        println!("已生成 {}（{} 字节，{}×{}，{} dpi）", output.display(), p.bytes, p.width, p.height, p.dpi);
        if let Some(l) = &p.landmarks {
            let names = ["左侧眼", "右侧眼", "鼻尖", "左嘴角", "右嘴角"];
            let pts: Vec<String> = names.iter().zip(l).map(|(n, q)| format!("{n} ({:.0}, {:.0})", q[0], q[1])).collect();
            println!("  人脸关键点（成片坐标）：{}", pts.join("，"));
        }
        match score {
            Some(Some(s)) => println!("  {}", zkdesk::domain::face_match::describe(s, &Default::default())),
            Some(None) => println!("  无法比对：两张照片中须各有一张人脸"),
            None => {}
        }
        for c in &p.checks {
            let mark = match c.result {
                photo::Outcome::Pass => "通过",
                photo::Outcome::Warn => "注意",
                photo::Outcome::Fail => "不合格",
            };
            println!("  [{mark}] {}", c.message);
        }
    }
    if p.acceptable() {
        Ok(())
    } else {
        let failed: Vec<&str> = p.checks.iter().filter(|c| c.result == photo::Outcome::Fail).map(|c| c.name.as_str()).collect();
        Err(Failure {
            code: 1,
            error: DeskError::invalid("照片检查未通过", format!("photo checks failed: {}", failed.join(", "))),
            answered: json,
        })
    }
}

fn run(cli: Cli) -> Result<(), Failure> {
    let json = cli.json;
    let dir = cli.data_dir.unwrap_or_else(zkdesk::store::default_data_dir);
    use Opener::{Staff as St, Supervisor as Sup};
    // Card, photo and camera commands touch no store; every other command opens it as a
    // logged-in person (the store's key is unwrapped by that person's password).
    match cli.command {
        Command::Card { cmd: CardCmd::Samples { output, count, who } } => {
            let desk = open_as(&dir, Opener::of(&who), json)?;
            let session = logged_in(&desk, who, json)?;
            card_samples(&desk, &session, &output, count)
        }
        Command::Card { cmd } => card(cmd),
        Command::Photo { cmd } => photo(cmd, json),
        Command::Camera { cmd } => camera(cmd, json),
        Command::Devices { serial } => devices(serial),
        Command::Recover { staff } => recover(&dir, &staff, json),
        Command::Staff { cmd: StaffCmd::Add { id, name, role, supervisor: None } } => staff_first(&dir, id, name, role, json),
        Command::Staff { cmd } => {
            // Supervisor work, except an account changing its own password (opened as itself).
            let opener = match &cmd {
                StaffCmd::Add { supervisor, .. } => Sup(supervisor.clone().unwrap_or_default()),
                StaffCmd::List { supervisor }
                | StaffCmd::Disable { supervisor, .. }
                | StaffCmd::Enable { supervisor, .. }
                | StaffCmd::Edit { supervisor, .. }
                | StaffCmd::ResetPassword { supervisor, .. } => Sup(supervisor.clone()),
                StaffCmd::ChangePassword { staff } => St(staff.clone()),
            };
            staff(&open_as(&dir, opener, json)?, cmd, json)
        }
        Command::Status { who } => status(&open_as(&dir, Opener::of(&who), json)?, json),
        Command::Station { cmd: StationCmd::Show { who } } => station(&open_as(&dir, Opener::of(&who), json)?, StationCmd::Show { who }, json),
        Command::Station { cmd: cmd @ StationCmd::Enroll { .. } } => {
            let StationCmd::Enroll { supervisor, .. } = &cmd else { unreachable!() };
            station(&open_as(&dir, Sup(supervisor.clone()), json)?, cmd, json)
        }
        Command::Sync { who } => sync(&open_as(&dir, Opener::of(&who), json)?, json),
        Command::Confirm { reader, photo, staff, supervisor, overrides, attachment, timeout } => {
            // Usage errors are told before anyone's password is tried.
            zkdesk::idcard::reader::ReaderSpec::parse(&reader).map_err(|d| usage("读卡器设置无效", d))?;
            zkdesk::idcard::reader::timeout_from_secs(timeout).map_err(|d| usage(TIMEOUT_USAGE, d))?;
            let desk = open_as(&dir, St(staff.clone()), json)?;
            confirm(&desk, json, ConfirmArgs { reader, photo, staff, supervisor, overrides, attachment, timeout })
        }
        Command::Lookup { id_number, who } => {
            let desk = open_as(&dir, Opener::of(&who), json)?;
            let session = logged_in(&desk, who, json)?;
            lookup(&desk, &session, &id_number, json)
        }
        Command::Blacklist { cmd } => {
            let sup = match &cmd {
                BlacklistCmd::Add { supervisor, .. } | BlacklistCmd::Remove { supervisor, .. } | BlacklistCmd::List { supervisor } => supervisor.clone(),
            };
            blacklist(&open_as(&dir, Sup(sup), json)?, cmd, json)
        }
        Command::Audit { cmd: AuditCmd::Verify { province: false, who } } => audit_verify(&open_as(&dir, Opener::of(&who), json)?, json),
        Command::Audit { cmd: AuditCmd::Verify { province: true, who } } => audit_verify_province(&open_as(&dir, Opener::of(&who), json)?, json),
        Command::Today { supervisor, date, staff_filter, flag, status, sync, search } => {
            let filter = DayFilterArgs { date, staff_filter, flag, status, sync, search };
            today(&open_as(&dir, Sup(supervisor.clone()), json)?, &supervisor, filter, json)
        }
        Command::Show { confirmation_id, supervisor, photo } => {
            show(&open_as(&dir, Sup(supervisor.clone()), json)?, &supervisor, &confirmation_id, photo, json)
        }
        Command::Signoff { confirmation_id, supervisor, note } => {
            signoff(&open_as(&dir, Sup(supervisor.clone()), json)?, &supervisor, &confirmation_id, note, json)
        }
        Command::Revoke { confirmation_id, supervisor, reason } => {
            revoke(&open_as(&dir, Sup(supervisor.clone()), json)?, &supervisor, &confirmation_id, &reason, json)
        }
        Command::Reconcile { supervisor, date } => reconcile(&open_as(&dir, Sup(supervisor.clone()), json)?, &supervisor, &date, json),
        Command::Settings { cmd } => {
            let sup = match &cmd {
                SettingsCmd::Show { supervisor } | SettingsCmd::Set { supervisor, .. } => supervisor.clone(),
            };
            settings(&open_as(&dir, Sup(sup), json)?, cmd, json)
        }
        Command::Tasks { cmd } => {
            let sup = match &cmd {
                TasksCmd::List { supervisor, .. } | TasksCmd::Show { supervisor, .. } | TasksCmd::Decide { supervisor, .. } => supervisor.clone(),
            };
            tasks(&open_as(&dir, Sup(sup), json)?, cmd, json)
        }
        Command::Report { cmd } => {
            let sup = match &cmd {
                ReportCmd::Daily { supervisor, .. } | ReportCmd::Range { supervisor, .. } => supervisor.clone(),
            };
            report(&open_as(&dir, Sup(sup), json)?, cmd, json)
        }
        Command::Receipt { confirmation_id, pdf, staff, supervisor } => {
            let opener = match (&staff, &supervisor) {
                (Some(s), _) => St(s.clone()),
                (None, Some(s)) => Sup(s.clone()),
                (None, None) => unreachable!("clap requires --staff or --supervisor"),
            };
            receipt(&open_as(&dir, opener, json)?, &confirmation_id, &pdf, staff, supervisor, json)
        }
    }
}

/// The first `staff add` on an empty data directory creates the store, its key and the recovery
/// key (printed once, and in the JSON answer as `recovery_key`). Elsewhere it needs --supervisor.
fn staff_first(dir: &std::path::Path, id: String, name: String, role: String, json: bool) -> Result<(), Failure> {
    if zkdesk::desk::store_state(dir)? != zkdesk::desk::StoreState::Empty {
        return Err(DeskError::new(
            ErrorCode::NotAuthorized,
            "已有数据库，添加账号需要主管验证（--supervisor）",
            "staff add needs --supervisor once the store exists",
        )
        .into());
    }
    let role = Role::parse(&role)?;
    let password = secret("ZKDESK_NEW_PASSWORD", "新密码: ")?;
    let created = Desk::create(dir, &NewStaffArgs { staff_id: id, name, role, password }, &now())?;
    let key = created.recovery_key.unwrap_or_default();
    let info = created.desk.staff_list(&Actor::Staff(created.session))?.into_iter().next().expect("the first account");
    let mut v = serde_json::to_value(&info).expect("staff info serializes");
    v["recovery_key"] = key.clone().into();
    print(json, &v, |_| format!("已建立加密数据库并添加 {} {}（{}）\n{}", info.staff_id, info.name, info.role.label(), recovery_notice(&key)));
    Ok(())
}

/// `zkctl recover --staff ID`: the recovery key and a new password for a supervisor.
fn recover(dir: &std::path::Path, staff_id: &str, json: bool) -> Result<(), Failure> {
    let key = secret("ZKDESK_RECOVERY_KEY", "恢复密钥: ")?;
    let password = secret("ZKDESK_NEW_PASSWORD", "新密码: ")?;
    let u = Desk::recover(dir, staff_id, &key, &password, &now()).map_err(|e| refused(json, e))?;
    print(json, &serde_json::json!({ "recovered": u.session.staff_id }), |_| format!("已为 {staff_id} 设置新密码"));
    Ok(())
}

/// Always JSON: the list is for tools and the settings screen.
fn devices(serial: Vec<String>) -> Result<(), Failure> {
    use zkdesk::idcard::detect::{detect, DetectOptions};
    let list = detect(&DetectOptions { extra_serial: serial, ..DetectOptions::default() });
    println!("{}", serde_json::to_string(&list).expect("device list serializes"));
    Ok(())
}

fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| DeskError::storage(format!("cannot write {}: {e}", path.display())).into())
}

/// Logs in the person `who` names; a refused login is a refusal.
fn logged_in(desk: &Desk, who: Who, json: bool) -> Result<zkdesk::desk::Session, Failure> {
    match (who.staff, who.supervisor) {
        (Some(id), _) => session_of(desk, &id, "ZKDESK_PASSWORD", Role::Counter, json),
        (None, Some(id)) => supervisor_session(desk, &id, json),
        (None, None) => unreachable!("clap requires --staff or --supervisor"),
    }
}

fn card_samples(desk: &Desk, session: &zkdesk::desk::Session, output: &std::path::Path, count: usize) -> Result<(), Failure> {
    let cards = desk.demo_cards(session, count)?;
    write_file(output, serde_json::to_string_pretty(&serde_json::json!({ "cards": cards })).expect("cards serialize").as_bytes())?;
    println!("{}", cards.len());
    Ok(())
}

fn staff(desk: &Desk, cmd: StaffCmd, json: bool) -> Result<(), Failure> {
    match cmd {
        StaffCmd::Add { id, name, role, supervisor } => {
            let actor = actor(desk, &supervisor.unwrap_or_default())?;
            let password = secret("ZKDESK_NEW_PASSWORD", "新密码: ")?;
            let role = Role::parse(&role)?;
            let info = desk.staff_add(&actor, &NewStaffArgs { staff_id: id, name, role, password }, &now())?;
            print(json, &info, |i| format!("已添加 {} {}（{}）", i.staff_id, i.name, i.role.label()));
        }
        StaffCmd::List { supervisor } => {
            let list = desk.staff_list(&actor(desk, &supervisor)?)?;
            print(json, &list, |l| {
                l.iter()
                    .map(|s| format!("{}\t{}\t{}\t{}", s.staff_id, s.name, s.role.label(), if s.disabled { "已停用" } else { "正常" }))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        StaffCmd::Disable { id, supervisor } => {
            desk.staff_disable(&actor(desk, &supervisor)?, &id, &now())?;
            print(json, &serde_json::json!({ "disabled": id }), |_| format!("已停用 {id}"));
        }
        StaffCmd::Enable { id, supervisor } => {
            desk.staff_enable(&actor(desk, &supervisor)?, &id, &now())?;
            print(json, &serde_json::json!({ "enabled": id }), |_| format!("已启用 {id}"));
        }
        StaffCmd::Edit { id, name, role, supervisor } => {
            let role = role.as_deref().map(Role::parse).transpose()?;
            let info = desk.staff_edit(&actor(desk, &supervisor)?, &id, name.as_deref(), role, &now())?;
            print(json, &info, |i| format!("已修改 {} {}（{}）", i.staff_id, i.name, i.role.label()));
        }
        StaffCmd::ResetPassword { id, supervisor } => {
            let actor = actor(desk, &supervisor)?;
            let password = secret("ZKDESK_NEW_PASSWORD", "新密码: ")?;
            desk.staff_reset_password(&actor, &id, &password, &now())?;
            print(json, &serde_json::json!({ "reset": id }), |_| format!("已重置 {id} 的密码，下次登录须修改"));
        }
        StaffCmd::ChangePassword { staff } => {
            let old = secret("ZKDESK_PASSWORD", "原密码: ")?;
            let new = secret("ZKDESK_NEW_PASSWORD", "新密码: ")?;
            let session = desk.login(&staff, &old, &now()).map_err(|e| refused(json, e))?;
            let s = desk.change_password(&session, &old, &new, &now()).map_err(|e| refused(json, e))?;
            print(json, &serde_json::json!({ "changed": s.staff_id }), |_| format!("{} 的密码已修改", s.staff_id));
        }
    }
    Ok(())
}

fn status(desk: &Desk, json: bool) -> Result<(), Failure> {
    let s = desk.status()?;
    print(json, &s, |s| {
        format!(
            "工作站: {}\n缓存报名: {}\n待上传: {}\n被退回: {}\n上次同步: {}\n时钟偏差(ms): {}{}",
            s.station_id.as_deref().unwrap_or("未登记"),
            s.registrations,
            s.outbox_pending,
            s.outbox_parked,
            s.last_sync.as_deref().unwrap_or("从未"),
            s.clock_offset_ms.map(|v| v.to_string()).unwrap_or_else(|| "未知".into()),
            if s.clock_warning { "\n警告：本机时钟与省平台相差超过 5 分钟，请校准时间" } else { "" }
        )
    });
    Ok(())
}

fn station(desk: &Desk, cmd: StationCmd, json: bool) -> Result<(), Failure> {
    match cmd {
        StationCmd::Enroll { server, code, device_name, supervisor } => {
            let info = desk.enroll_station(&actor(desk, &supervisor)?, &server, &code, &device_name, &now())?;
            print(json, &info, |i| format!("已登记：{}（{}，{}）", i.station_id, i.office_name, i.server_url));
        }
        StationCmd::Show { .. } => {
            let i = desk
                .station_info()?
                .ok_or_else(|| DeskError::new(ErrorCode::NotEnrolled, "本工作站尚未登记", "station not enrolled"))?;
            print(json, &i, |i| {
                format!(
                    "工作站: {}\n办公室: {}\n省平台: {}\n登记时间: {}{}",
                    i.station_id,
                    i.office_name,
                    i.server_url,
                    i.enrolled_at,
                    if i.token_revoked { "\n凭证已被拒绝，请重新登记" } else { "" }
                )
            });
        }
    }
    Ok(())
}

fn sync(desk: &Desk, json: bool) -> Result<(), Failure> {
    let report = zkdesk::api::SyncReport::from(&desk.sync_now(&now, true, &mut |_| {})?);
    print(json, &report, |r| {
        format!(
            "报名更新 {}，审核任务 {}，新号段 {}，上传成功 {}，被退回 {}{}",
            r.registrations_applied,
            r.tasks_applied,
            r.blocks_leased,
            r.accepted,
            r.parked,
            r.error.as_deref().map(|e| format!("\n同步中断：{e}")).unwrap_or_default()
        )
    });
    match report.error {
        Some(e) => Err(Failure {
            code: 1,
            error: DeskError::new(ErrorCode::Network, e, report.error_detail.unwrap_or_default()),
            answered: json,
        }),
        None => Ok(()),
    }
}

fn lookup(desk: &Desk, session: &zkdesk::desk::Session, id_number: &str, json: bool) -> Result<(), Failure> {
    let items = desk.lookup(session, id_number)?;
    print(json, &serde_json::json!({ "items": items }), |_| {
        if items.is_empty() {
            return "未找到报名信息".to_string();
        }
        items
            .iter()
            .map(|i| {
                let r = &i.registration;
                format!("{}\t{}\t{}\t{}\t{}\t本站: {:?}", r.registration_id, r.name, r.status, r.major.name, r.county_code, i.local_status)
            })
            .collect::<Vec<_>>()
            .join("\n")
    });
    Ok(())
}

fn blacklist(desk: &Desk, cmd: BlacklistCmd, json: bool) -> Result<(), Failure> {
    match cmd {
        BlacklistCmd::Add { id_number, reason, supervisor } => {
            desk.blacklist_add(&actor(desk, &supervisor)?, &id_number, &reason, &now())?;
            print(json, &serde_json::json!({ "added": id_number }), |_| "已加入禁止名单".into());
        }
        BlacklistCmd::List { supervisor } => {
            let list = desk.blacklist_list(&actor(desk, &supervisor)?)?;
            print(json, &serde_json::json!({ "items": list }), |_| {
                list.iter().map(|b| format!("{}\t{}\t{}\t{}", b.id_number_masked, b.reason, b.added_by, b.added_at)).collect::<Vec<_>>().join("\n")
            });
        }
        BlacklistCmd::Remove { id_number, supervisor } => {
            let removed = desk.blacklist_remove(&actor(desk, &supervisor)?, &id_number, &now())?;
            let text = if removed { "已移出禁止名单" } else { "名单中没有该号码" };
            print(json, &serde_json::json!({ "removed": removed }), |_| text.into());
        }
    }
    Ok(())
}

fn audit_verify(desk: &Desk, json: bool) -> Result<(), Failure> {
    let r = desk.audit_verify()?;
    print(json, &r, |r| match &r.broken {
        None => format!("审计链完整，共 {} 条", r.rows),
        Some(b) => format!("审计链被破坏: {b}"),
    });
    match r.broken {
        Some(b) => Err(Failure { code: 1, error: DeskError::new(ErrorCode::AuditBroken, "审计记录被篡改", b), answered: true }),
        None => Ok(()),
    }
}

/// A supervisor's session for the supervisor desk; a refused login is a refusal.
fn supervisor_session(desk: &Desk, id: &str, json: bool) -> Result<zkdesk::desk::Session, Failure> {
    session_of(desk, id, "ZKDESK_SUPERVISOR_PASSWORD", Role::Supervisor, json)
}

/// Refusals of the supervisor desk: `{"refused": {"code", "message"}}` with --json, exit 1.
fn refused(json: bool, error: DeskError) -> Failure {
    let code = match error.refusal_code() {
        Some(c) => c.as_str().to_string(),
        None => zkdesk::api::ErrorInfo::from(&error).code,
    };
    if json {
        println!("{}", serde_json::json!({ "refused": { "code": code, "message": error.message } }));
    }
    Failure { code: 1, error, answered: json }
}

struct DayFilterArgs {
    date: Option<String>,
    staff_filter: Option<String>,
    flag: Option<String>,
    status: Option<String>,
    sync: Option<String>,
    search: Option<String>,
}

/// Parses a lower-case name into a transport enum (clap has checked the spelling).
fn named<T: serde::de::DeserializeOwned>(v: Option<String>, what: &str) -> Result<Option<T>, Failure> {
    v.map(|s| serde_json::from_value(serde_json::Value::String(s.clone())).map_err(|_| usage(&format!("未知的{what}"), format!("unknown {what} {s:?}"))))
        .transpose()
}

fn today(desk: &Desk, supervisor: &str, a: DayFilterArgs, json: bool) -> Result<(), Failure> {
    let session = supervisor_session(desk, supervisor, json)?;
    let filter = zkdesk::api::DayFilter {
        date: a.date,
        staff_id: a.staff_filter,
        flag: named(a.flag, "标记")?,
        status: named(a.status, "状态")?,
        sync: named(a.sync, "同步状态")?,
        search: a.search,
    };
    let r = desk.day_report(&session, &filter, &now()).map_err(|e| refused(json, e))?;
    print(json, &r, |r| {
        let t = &r.totals;
        let mut out = format!(
            "{}：确认 {}，撤销 {}，存疑 {}（已复核 {}），待上传 {}，已接收 {}，被退回 {}",
            r.date, t.confirmed, t.revoked, t.flagged, t.signed_off, t.sync_pending, t.sync_accepted, t.sync_rejected
        );
        for e in &r.items {
            out.push_str(&format!(
                "\n{}\t{}\t{}\t{}\t{}\t{}",
                e.confirmed_at,
                e.name,
                e.id_number_masked,
                e.admission_number.as_deref().unwrap_or("待分配"),
                e.flag_labels.join("、"),
                if e.needs_signoff { "待复核" } else { "" }
            ));
        }
        out
    });
    Ok(())
}

fn show(desk: &Desk, supervisor: &str, id: &str, photo: Option<PathBuf>, json: bool) -> Result<(), Failure> {
    let session = supervisor_session(desk, supervisor, json)?;
    let d = desk.confirmation_detail(&session, id).map_err(|e| refused(json, e))?;
    if let Some(path) = photo {
        use base64::Engine;
        let jpeg = base64::engine::general_purpose::STANDARD.decode(&d.photo_jpeg_base64).expect("stored photo is base64 we wrote");
        write_file(&path, &jpeg)?;
    }
    print(json, &d, |d| {
        let mut out = format!("{} {} {}（{}）", d.entry.confirmation_id, d.entry.name, d.entry.id_number_masked, d.entry.major);
        for a in &d.audit {
            out.push_str(&format!("\n  #{} {} {} {}", a.seq, a.at, a.actor, a.action));
        }
        out
    });
    Ok(())
}

fn signoff(desk: &Desk, supervisor: &str, id: &str, note: Option<String>, json: bool) -> Result<(), Failure> {
    let session = supervisor_session(desk, supervisor, json)?;
    desk.signoff(&session, id, note.as_deref(), &now()).map_err(|e| refused(json, e))?;
    print(json, &serde_json::json!({ "confirmation_id": id, "signed_off_by": session.staff_id }), |_| format!("已复核签字：{id}"));
    Ok(())
}

fn revoke(desk: &Desk, supervisor: &str, id: &str, reason: &str, json: bool) -> Result<(), Failure> {
    let session = supervisor_session(desk, supervisor, json)?;
    let r = desk.revoke(&session, id, reason, &uuid::Uuid::now_v7().to_string(), &now()).map_err(|e| refused(json, e))?;
    print(json, &r, |r| format!("已撤销 {}，撤销单号 {}（待上传省平台）", r.confirmation_id, r.revocation_id));
    Ok(())
}

fn reconcile(desk: &Desk, supervisor: &str, date: &str, json: bool) -> Result<(), Failure> {
    let session = supervisor_session(desk, supervisor, json)?;
    let r = desk.reconcile(&session, date, &now()).map_err(|e| refused(json, e))?;
    print(json, &r, |r| {
        format!(
            "{} 日结：本站 {}，省平台 {}，一致 {}，省平台缺少 {}，本站未知 {}，状态不一致 {}，未复核 {}{}",
            r.date,
            r.local,
            r.province,
            r.matched,
            r.missing_at_province.len(),
            r.unknown_locally.len(),
            r.status_differs.len(),
            r.unsigned.len(),
            if r.balanced { "\n对账平衡" } else { "\n对账不平衡，请核查" }
        )
    });
    if r.balanced {
        Ok(())
    } else {
        Err(Failure { code: 1, error: DeskError::new(ErrorCode::Conflict, "对账不平衡", format!("{} not balanced", r.date)), answered: json })
    }
}

fn settings(desk: &Desk, cmd: SettingsCmd, json: bool) -> Result<(), Failure> {
    match cmd {
        SettingsCmd::Show { supervisor } => {
            let session = supervisor_session(desk, &supervisor, json)?;
            let list = desk.settings_show(&session).map_err(|e| refused(json, e))?;
            print(json, &list, |l| l.iter().map(|s| format!("{}\t{}\t{}", s.key, s.value, s.label)).collect::<Vec<_>>().join("\n"));
        }
        SettingsCmd::Set { key, value, supervisor } => {
            let session = supervisor_session(desk, &supervisor, json)?;
            desk.settings_set(&session, &key, &value, &now()).map_err(|e| refused(json, e))?;
            print(json, &serde_json::json!({ "key": key, "value": value }), |_| format!("已设置 {key} = {value}"));
        }
    }
    Ok(())
}

fn report(desk: &Desk, cmd: ReportCmd, json: bool) -> Result<(), Failure> {
    let (supervisor, from, to, format, output, daily) = match cmd {
        ReportCmd::Daily { supervisor, date, format, output } => (supervisor, date.clone(), date, format, output, true),
        ReportCmd::Range { supervisor, from, to, format, output } => (supervisor, from, to, format, output, false),
    };
    let session = supervisor_session(desk, &supervisor, json)?;
    let r = desk.report_range(&session, &from, &to, &now()).map_err(|e| refused(json, e))?;
    let bytes = match (format.as_str(), daily) {
        ("pdf", true) => desk.day_sheet_pdf(&session, &from, &now())?,
        ("pdf", false) => desk.range_pdf(&session, &from, &to, &now())?,
        ("json", _) => serde_json::to_vec_pretty(&r).expect("report serializes"),
        ("csv", true) => zkdesk::report::day_list_csv(&r),
        ("csv", false) => zkdesk::report::range_csv(&r),
        _ => zkdesk::report::report_xlsx(&r).map_err(|e| DeskError::storage(format!("xlsx: {e}")))?,
    };
    write_file(&output, &bytes)?;
    print(json, &serde_json::json!({ "written": output, "bytes": bytes.len() }), |_| {
        format!("已导出 {}（{} 至 {}，确认 {}，撤销 {}）", output.display(), r.from, r.to, r.total.confirmed, r.total.revoked)
    });
    Ok(())
}

fn receipt(desk: &Desk, id: &str, out: &std::path::Path, staff: Option<String>, supervisor: Option<String>, json: bool) -> Result<(), Failure> {
    let session = match (staff, supervisor) {
        (Some(s), _) => session_of(desk, &s, "ZKDESK_PASSWORD", Role::Counter, json)?,
        (None, Some(s)) => supervisor_session(desk, &s, json)?,
        (None, None) => unreachable!("clap requires --staff or --supervisor"),
    };
    let pdf = desk.receipt_pdf(&session, id).map_err(|e| refused(json, e))?;
    write_file(out, &pdf)?;
    print(json, &serde_json::json!({ "written": out, "bytes": pdf.len() }), |_| format!("已生成回执 {}", out.display()));
    Ok(())
}

fn tasks(desk: &Desk, cmd: TasksCmd, json: bool) -> Result<(), Failure> {
    match cmd {
        TasksCmd::List { supervisor, kind, status } => {
            let session = supervisor_session(desk, &supervisor, json)?;
            let items = desk.tasks_list(&session, &zkdesk::api::TaskFilter { kind, status }).map_err(|e| refused(json, e))?;
            print(json, &serde_json::json!({ "items": items }), |_| {
                items
                    .iter()
                    .map(|t| format!("{}\t{}\t{}\t{}\t{}", t.task_id, t.kind_label, t.status.label(), t.name, t.created_at))
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        TasksCmd::Show { task_id, supervisor, export } => {
            let session = supervisor_session(desk, &supervisor, json)?;
            let t = desk.task_show(&session, &task_id, &now()).map_err(|e| refused(json, e))?;
            if let Some(dir) = export {
                export_task(&t, &dir)?;
            }
            print(json, &t, |t| {
                format!("{} {} {}（{}）\n自动检查：{}", t.item.task_id, t.item.kind_label, t.item.name, t.item.status.label(), t.auto_check_failures.join("、"))
            });
        }
        TasksCmd::Decide { task_id, supervisor, approve, reject, comment } => {
            let session = supervisor_session(desk, &supervisor, json)?;
            let id = uuid::Uuid::now_v7().to_string();
            let decision = zkdesk::desk::TaskDecision { task_id: &task_id, approve, reason_code: reject.as_deref(), comment: comment.as_deref() };
            let d = desk.task_decide(&session, &decision, &id, &now()).map_err(|e| refused(json, e))?;
            print(json, &d, |d| format!("已提交审核决定 {}（任务 {}），待上传省平台", d.decision_id, d.task_id));
        }
    }
    Ok(())
}

/// Writes a task's uploaded photo and documents into `dir`, under names that cannot escape it.
fn export_task(t: &zkdesk::api::TaskDetail, dir: &std::path::Path) -> Result<(), Failure> {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.decode(s).map_err(|e| DeskError::invalid("任务文件内容无效", e.to_string()));
    std::fs::create_dir_all(dir).map_err(|e| DeskError::storage(format!("{}: {e}", dir.display())))?;
    if let Some(p) = &t.photo_jpeg_base64 {
        write_file(&dir.join("photo.jpg"), &b64(p)?)?;
    }
    for (i, d) in t.documents.iter().enumerate() {
        let safe: String = d.name.chars().filter(|c| !matches!(c, '/' | '\\' | '\0')).collect();
        let name = if safe.is_empty() || safe.starts_with('.') { format!("document-{i}") } else { safe };
        write_file(&dir.join(name), &b64(&d.content_base64)?)?;
    }
    Ok(())
}

fn audit_verify_province(desk: &Desk, json: bool) -> Result<(), Failure> {
    let r = desk.audit_verify_province()?;
    print(json, &r, |r| match (&r.local.broken, &r.province_broken) {
        (Some(b), _) => format!("审计链被破坏: {b}"),
        (None, Some(b)) => format!("审计链与省平台保存的记录不符（本机记录被改写）: {b}"),
        (None, None) if r.province_seq == 0 => format!("审计链完整，共 {} 条；省平台尚未收到本站的审计记录", r.local.rows),
        (None, None) => format!("审计链完整，共 {} 条，与省平台保存的第 {} 条一致", r.local.rows, r.province_seq),
    });
    match (r.local.broken, r.province_broken) {
        (None, None) => Ok(()),
        (Some(b), _) => Err(Failure { code: 1, error: DeskError::new(ErrorCode::AuditBroken, "审计记录被篡改", b), answered: true }),
        (None, Some(b)) => {
            Err(Failure { code: 1, error: DeskError::new(ErrorCode::AuditBroken, "审计记录与省平台保存的不符，本机记录已被改写", b), answered: true })
        }
    }
}

struct ConfirmArgs {
    reader: String,
    photo: PathBuf,
    staff: String,
    supervisor: Option<String>,
    overrides: Vec<String>,
    attachment: Option<PathBuf>,
    timeout: f64,
}

/// A refusal: `{"refused": {"code", "message"}}` on stdout with --json, exit 1. Errors that are
/// not refusals (storage, enrollment) pass through as failures.
fn refusal(json: bool, error: DeskError) -> Failure {
    let Some(code) = error.refusal_code() else {
        return error.into();
    };
    if json {
        println!("{}", serde_json::json!({ "refused": { "code": code, "message": error.message } }));
    }
    Failure { code: 1, error, answered: json }
}

/// The media type of a scanned report, by its file name.
fn media_type(path: &std::path::Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        _ => "image/jpeg",
    }
}

fn confirm(desk: &Desk, json: bool, a: ConfirmArgs) -> Result<(), Failure> {
    use zkdesk::desk::counter::ConfirmRequest;
    use zkdesk::idcard::reader;
    let spec = reader::ReaderSpec::parse(&a.reader).map_err(|d| usage("读卡器设置无效", d))?;
    let timeout = reader::timeout_from_secs(a.timeout).map_err(|d| usage(TIMEOUT_USAGE, d))?;
    let overrides = a
        .overrides
        .iter()
        .map(|o| Flag::parse(o).ok_or_else(|| usage("未知的授权项", format!("unknown override {o:?}"))))
        .collect::<Result<Vec<_>, _>>()?;
    if overrides.contains(&Flag::PaperPriorEducation) && a.attachment.is_none() {
        return Err(usage("paper_prior_education 需要 --attachment 学历认证报告扫描件", "missing --attachment".into()));
    }
    let attachment = match &a.attachment {
        Some(path) => {
            let data = zkdesk::files::read_bounded(path, MAX_ATTACHMENT_BYTES).map_err(|d| usage("无法读取学历认证报告（文件不存在或过大）", d))?;
            Some((media_type(path).to_string(), data))
        }
        None => None,
    };
    let staff = session_of(desk, &a.staff, "ZKDESK_PASSWORD", Role::Counter, json)?;
    let photo = zkdesk::files::read_bounded(&a.photo, zkdesk::photo::MAX_FILE_BYTES as u64)
        .map_err(|d| usage("无法读取照片文件（文件不存在或过大）", d))?;
    let supervisor = match (&a.supervisor, overrides.iter().any(|f| *f != Flag::PaperPriorEducation)) {
        (Some(id), true) => Some((id.clone(), secret("ZKDESK_SUPERVISOR_PASSWORD", "主管密码: ")?)),
        (None, true) => return Err(usage("授权需要 --supervisor 主管工号", "overrides need --supervisor".into())),
        (_, false) => None,
    };
    let card = reader::read_one(&spec, timeout)
        .map_err(|e| DeskError::new(ErrorCode::NotFound, e.message, e.detail))?;
    let request = ConfirmRequest { card, photo, overrides, supervisor, attachment };
    let receipt = desk.confirm_one(&staff, request, &uuid::Uuid::now_v7().to_string(), &now()).map_err(|e| refusal(json, e))?;
    let number = (receipt.admission_number != zkdesk::desk::counter::NUMBER_PENDING).then(|| receipt.admission_number.clone());
    let out = serde_json::json!({
        "confirmation_id": receipt.confirmation_id, "registration_id": receipt.registration_id,
        "admission_number": number, "flags": receipt.flags,
    });
    print(json, &out, |_| format!("已确认：{} {}，准考证号 {}", receipt.name, receipt.id_number_masked, receipt.admission_number));
    Ok(())
}

fn camera(cmd: CameraCmd, json: bool) -> Result<(), Failure> {
    use zkdesk::camera::{self, preview::preview_jpeg};
    match cmd {
        CameraCmd::List => {
            let list = camera::list();
            print(json, &list, |l| l.iter().map(|c| format!("{}\t{}", c.spec, c.name)).collect::<Vec<_>>().join("\n"));
        }
        CameraCmd::Frames { camera: spec, count, output } => {
            let spec = camera::CameraSpec::parse(&spec).map_err(|d| usage("摄像头设置无效", d))?;
            let mut source = camera::open(&spec).map_err(|e| DeskError::new(ErrorCode::NotFound, e.message(), e.to_string()))?;
            std::fs::create_dir_all(&output).map_err(|e| DeskError::storage(format!("{}: {e}", output.display())))?;
            for i in 0..count {
                let frame = source.frame().map_err(|e| DeskError::new(ErrorCode::NotFound, e.message(), e.to_string()))?;
                let path = output.join(format!("frame-{i:03}.jpg"));
                std::fs::write(&path, preview_jpeg(&frame)).map_err(|e| DeskError::storage(format!("{}: {e}", path.display())))?;
            }
            print(json, &serde_json::json!({ "frames": count }), |_| format!("{count} frames in {}", output.display()));
        }
    }
    Ok(())
}
