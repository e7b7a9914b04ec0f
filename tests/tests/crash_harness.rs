//! The crash and fault harness ("nothing lost", design.md): real `zkctl` processes against one
//! real data directory, SIGKILLed at random points inside `confirm`, `revoke`, `sync`,
//! `staff reset-password` and `staff add`, while the province simulator drops connections,
//! answers 5xx, drips bodies and loses answers after it committed.
//!
//! Each operation's typical duration is measured first; kill delays are drawn from 0..1.2× that,
//! half uniformly and half around the point where the operation's write was seen to commit (the
//! boundary between "killed, nothing written" and "killed, written"), so kills land inside the
//! transactions and not only before them. A third of the kills instead follow the store: the
//! run is killed right after its nth write reaches the WAL file (n drawn at random), which is
//! what lands between two transactions of one operation — a gap of one fsync that no clock
//! draw hits reliably. After every kill: the store opens, `zkctl audit
//! verify` passes, every fact is whole (a confirmation with its photo, outbox item and audit
//! event; a revocation with its outbox item and event; an account with its event), and a reset
//! or new password is either fully in force or not at all. At the end, faults off, sync until the
//! outbox is empty: the province holds every local confirmation exactly once (by client id), no
//! admission number twice (local and province), every revocation exactly once.
//!
//! Scenarios are one table (`SCENARIOS`): a new kind of operation (e.g. the plaintext → encrypted
//! migration) is one more entry with its `next` and `settle`.
//!
//! Environment: `ZKDESK_CRASH_SEED` (the RNG seed; printed), `ZKDESK_CRASH_KILLS` (default 210).

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use zkdesk::domain::registration::Registration;
use zkdesk_tests::fixtures::{card_file, card_for, confirmable, good_photo_file, record};
use zkdesk_tests::sim::{Faults, Sim};
use zkdesk_tests::station::{ok, supervised_station};
use zkdesk_tests::workspace_bin;

const DEFAULT_KILLS: usize = 210;
const SUPERVISOR: (&str, &str) = ("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026");
const COUNTER: (&str, &str) = ("ZKDESK_PASSWORD", "shouli-2026");
/// Accounts whose passwords the reset scenario changes (S001 keeps confirming meanwhile).
const RESET_ACCOUNTS: [&str; 3] = ["R001", "R002", "R003"];

/// The network while kills happen: every fault the brief names, at shares that still let most
/// cycles make progress.
fn network_faults() -> Faults {
    Faults { error_5xx: 0.12, drop_after_commit: 0.2, truncate_json: 0.05, slow_ms: 5, drip_body_ms: 1, ..Faults::none() }
}

/// One `zkctl` run of a scenario and what it is about.
struct Run {
    args: Vec<String>,
    env: Vec<(String, String)>,
    target: Target,
}

enum Target {
    Registration(String),
    Confirmation(String),
    Reset { staff_id: String, old: String, new: String },
    NewAccount { staff_id: String, password: String },
    Nothing,
}

/// When a run is killed.
#[derive(Clone, Copy, Debug)]
enum KillAt {
    /// After this delay.
    After(Duration),
    /// Right after the run's nth write reached the WAL file (at the latest after `cap`).
    Write { nth: usize, cap: Duration },
}

/// Where the kill landed.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Landed {
    /// Before the process could have started its work (delay under the bare exec time).
    BeforeStart,
    /// While it ran, before its write committed.
    MidNotCommitted,
    /// While it ran, after its write committed (the tail: output, exit).
    MidCommitted,
    /// While it ran (an operation with no single write to observe: sync).
    Mid,
    /// The process had finished already: no SIGKILL was delivered.
    Finished,
}

struct Scenario {
    name: &'static str,
    /// Share of the kills (of `ZKDESK_CRASH_KILLS`, 210 by default).
    weight: usize,
    /// The next run, or `None` when there is nothing to do this round.
    next: fn(&mut Harness) -> Option<Run>,
    /// After the run (killed or not; `exited_ok` when it finished by itself): whether its write
    /// committed (`None` when there is no single write to observe), or what is broken.
    settle: fn(&mut Harness, &Run, Option<bool>) -> Result<Option<bool>, String>,
}

const SCENARIOS: &[Scenario] = &[
    Scenario { name: "confirm", weight: 5, next: confirm_next, settle: confirm_settle },
    Scenario { name: "revoke", weight: 10, next: revoke_next, settle: revoke_settle },
    Scenario { name: "sync", weight: 10, next: sync_next, settle: sync_settle },
    Scenario { name: "staff reset-password", weight: 8, next: reset_next, settle: reset_settle },
    Scenario { name: "staff add", weight: 8, next: add_next, settle: add_settle },
];

/// Per scenario: the measured duration, what the kills hit, the commit boundary seen so far.
#[derive(Default)]
struct Stats {
    typical: Duration,
    /// Recent delays at which the run had already finished: each bounds the duration from above
    /// (the measurement is taken once, on a machine whose load changes).
    finished_at: VecDeque<Duration>,
    kills: usize,
    /// Of the kills, those sent right after a write.
    write_kills: usize,
    /// Most WAL writes seen in one whole run (measured): the range n is drawn from.
    writes: usize,
    /// Wall time of its kill rounds (run, kill, checks).
    spent: Duration,
    landed: BTreeMap<Landed, usize>,
    /// Recent delays that killed before the write committed, and recent ones that came after
    /// it (killed after the commit, or the run had finished): the commit lies between.
    before_commit: VecDeque<Duration>,
    after_commit: VecDeque<Duration>,
}

impl Stats {
    fn remember(list: &mut VecDeque<Duration>, d: Duration) {
        list.push_back(d);
        if list.len() > 6 {
            list.pop_front();
        }
    }

    /// The duration kills are spread over: as measured, or less once runs finished sooner.
    fn duration(&self) -> Duration {
        let seen = (self.finished_at.len() >= 3).then(|| self.finished_at.iter().min().copied()).flatten();
        seen.map_or(self.typical, |f| f.min(self.typical))
    }

    /// (latest time seen before the commit, earliest seen after it), over recent runs.
    fn boundary(&self) -> Option<(Duration, Duration)> {
        Some((*self.before_commit.iter().max()?, *self.after_commit.iter().min()?))
    }
}

struct Harness {
    dir: tempfile::TempDir,
    sim: Sim,
    rng: StdRng,
    photo: String,
    candidates: VecDeque<Registration>,
    /// Any id number, for the login probe (`zkctl lookup`).
    probe_id: String,
    passwords: BTreeMap<String, String>,
    added: usize,
    /// Confirmations written by the fixture (no counter, so no 'confirmed' audit event).
    recorded: i64,
    startup: Duration,
}

impl Harness {
    fn d(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, run: &Run) -> Command {
        let mut cmd = Command::new(workspace_bin("zkctl"));
        cmd.arg("--data-dir").arg(self.d()).args(&run.args).stdin(Stdio::null());
        cmd.env_remove("ZKDESK_PASSWORD").env_remove("ZKDESK_NEW_PASSWORD").env_remove("ZKDESK_SUPERVISOR_PASSWORD");
        cmd.envs(run.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        cmd
    }

    /// Starts the run and SIGKILLs it when `when` says, unless it finished first. Returns when
    /// the kill was sent (or the run was seen finished) and, if it finished by itself, whether it
    /// succeeded.
    fn run_killed(&self, run: &Run, when: KillAt) -> (Duration, Option<bool>, usize) {
        let wal = self.d().join("zkdesk.sqlite3-wal");
        let stamp = || std::fs::metadata(&wal).ok().map(|m| (m.len(), m.modified().ok()));
        let start = Instant::now();
        let mut child = self.command(run).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("zkctl runs");
        let mut seen = 0;
        match when {
            KillAt::After(delay) => std::thread::sleep(delay),
            KillAt::Write { nth, cap } => {
                // Poll the WAL: each change is one more write reaching the file (a commit, or a
                // transaction spilling pages); kill right after the nth, between two transactions.
                let mut last = stamp();
                while start.elapsed() < cap && seen < nth {
                    if child.try_wait().expect("try_wait").is_some() {
                        break;
                    }
                    let now = stamp();
                    if now != last {
                        seen += 1;
                        last = now;
                    }
                    std::thread::sleep(Duration::from_micros(50));
                }
            }
        }
        let at = start.elapsed();
        if let Some(status) = child.try_wait().expect("try_wait") {
            return (at, Some(status.success()), seen);
        }
        let _ = child.kill(); // SIGKILL
        let status = child.wait().expect("wait");
        // It may have exited between try_wait and kill.
        (at, status.code().map(|c| c == 0), seen)
    }

    fn zkctl(&self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        zkdesk_tests::zkctl(self.d(), args, env)
    }

    /// Whether `staff_id` logs in with `password` (through `zkctl`, as staff would).
    fn logs_in(&self, staff_id: &str, password: &str) -> Result<bool, String> {
        let out = self.zkctl(&["--json", "lookup", &self.probe_id, "--staff", staff_id], &[("ZKDESK_PASSWORD", password)]);
        // A reset password lets the account in only to change it: the password was taken.
        if out.status.success() || String::from_utf8_lossy(&out.stdout).contains("PASSWORD_CHANGE_REQUIRED") {
            return Ok(true);
        }
        // zkctl answers a refused login as the contract's NOT_AUTHORIZED, with the login's message.
        let text = String::from_utf8_lossy(&out.stdout);
        if text.contains("BAD_CREDENTIALS") || text.contains("工号或密码错误") {
            return Ok(false);
        }
        Err(format!("login probe for {staff_id} failed oddly (exit {:?}): {text} {}", out.status.code(), String::from_utf8_lossy(&out.stderr)))
    }

    /// A read-only look at the store for the wholeness checks (the only direct read).
    fn db(&self) -> rusqlite::Connection {
        let c = zkdesk_tests::fixtures::raw_conn(self.d(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY);
        c.busy_timeout(Duration::from_secs(5)).unwrap();
        c
    }

    /// After every kill: the store opens, the audit chain verifies, every fact is whole.
    fn check_store(&self) -> Result<(), String> {
        let status = self.zkctl(&["--json", "status", "--supervisor", "A001"], &[SUPERVISOR]);
        if !status.status.success() {
            return Err(format!("the store does not open: {}", String::from_utf8_lossy(&status.stderr)));
        }
        let verify = self.zkctl(&["--json", "audit", "verify", "--supervisor", "A001"], &[SUPERVISOR]);
        if !verify.status.success() {
            return Err(format!("`zkctl audit verify` failed: {} {}", String::from_utf8_lossy(&verify.stdout), String::from_utf8_lossy(&verify.stderr)));
        }
        let c = self.db();
        let n = |sql: &str| scalar(&c, sql);
        let mut broken = vec![];
        let confirmations = n("SELECT COUNT(*) FROM confirmation");
        for (what, v) in [
            ("photos", n("SELECT COUNT(*) FROM photo")),
            ("confirmation outbox items", n("SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'")),
            ("'confirmed' audit events (+ fixture-recorded)", n("SELECT COUNT(*) FROM audit_event WHERE kind = 'confirmed'") + self.recorded),
        ] {
            if v != confirmations {
                broken.push(format!("{v} {what} for {confirmations} confirmations"));
            }
        }
        let revocations = n("SELECT COUNT(*) FROM revocation");
        for (what, v) in [
            ("revocation outbox items", n("SELECT COUNT(*) FROM outbox WHERE kind = 'revocation'")),
            ("'revoked' audit events", n("SELECT COUNT(*) FROM audit_event WHERE kind = 'revoked'")),
        ] {
            if v != revocations {
                broken.push(format!("{v} {what} for {revocations} revocations"));
            }
        }
        let staff = n("SELECT COUNT(*) FROM staff");
        let added = n("SELECT COUNT(*) FROM audit_event WHERE kind = 'staff_added'");
        if staff != added {
            broken.push(format!("{staff} accounts but {added} 'staff_added' audit events"));
        }
        let doubled = n("SELECT COUNT(*) - COUNT(DISTINCT admission_number) FROM confirmation WHERE admission_number IS NOT NULL");
        if doubled != 0 {
            broken.push(format!("{doubled} admission numbers held by two confirmations"));
        }
        if broken.is_empty() {
            Ok(())
        } else {
            Err(broken.join("; "))
        }
    }

    /// Confirmations nobody revoked (sent or not yet): what `revoke` can work on.
    fn revocable(&self) -> Vec<String> {
        let c = self.db();
        let mut st = c
            .prepare(
                "SELECT confirmation_id FROM confirmation WHERE state IN ('pending', 'accepted')
                 AND confirmation_id NOT IN (SELECT confirmation_id FROM revocation) ORDER BY confirmation_id",
            )
            .unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    }
}

fn scalar(c: &rusqlite::Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn env(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter().map(|(k, x)| (k.to_string(), x.to_string())).collect()
}

// ---- confirm: a new candidate each run ----

fn confirm_next(h: &mut Harness) -> Option<Run> {
    let reg = h.candidates.pop_front()?;
    let reader = card_file(h.d(), &[card_for(&reg)]);
    Some(Run {
        args: strings(&["--json", "confirm", "--reader", &reader, "--photo", &h.photo, "--staff", "S001"]),
        env: env(&[COUNTER]),
        target: Target::Registration(reg.registration_id),
    })
}

fn confirm_settle(h: &mut Harness, run: &Run, exited_ok: Option<bool>) -> Result<Option<bool>, String> {
    let Target::Registration(reg) = &run.target else { unreachable!() };
    let n: i64 = h.db().query_row("SELECT COUNT(*) FROM confirmation WHERE registration_id = ?1", [reg], |r| r.get(0)).unwrap();
    match (n, exited_ok) {
        (n, _) if n > 1 => Err(format!("{reg} confirmed {n} times")),
        (0, Some(true)) => Err(format!("zkctl confirm said it confirmed {reg}, but the store has no confirmation")),
        (1, Some(false)) => Err(format!("zkctl confirm failed for {reg}, but the store has its confirmation")),
        (n, _) => Ok(Some(n == 1)),
    }
}

// ---- revoke: any live confirmation (its revocation is queued behind it: the outbox pushes
// confirmations before revocations and a network failure ends the cycle) ----

fn revoke_next(h: &mut Harness) -> Option<Run> {
    let mut targets = h.revocable();
    if targets.is_empty() {
        // More to revoke, recorded as the counter records them (one transaction with the outbox
        // item and a block number; tests/src/fixtures.rs), without the photo pipeline's seconds.
        let desk = zkdesk_tests::fixtures::open(h.d());
        for _ in 0..3 {
            let reg = h.candidates.pop_back()?;
            record(&desk, &reg, None);
            h.recorded += 1;
        }
        drop(desk);
        targets = h.revocable();
    }
    let cid = targets.get(h.rng.gen_range(0..targets.len().max(1)))?.clone();
    Some(Run {
        args: strings(&["--json", "revoke", &cid, "--supervisor", "A001", "--reason", "现场核验有误（崩溃测试）"]),
        env: env(&[SUPERVISOR]),
        target: Target::Confirmation(cid),
    })
}

fn revoke_settle(h: &mut Harness, run: &Run, exited_ok: Option<bool>) -> Result<Option<bool>, String> {
    let Target::Confirmation(cid) = &run.target else { unreachable!() };
    let n: i64 = h.db().query_row("SELECT COUNT(*) FROM revocation WHERE confirmation_id = ?1", [cid], |r| r.get(0)).unwrap();
    match (n, exited_ok) {
        (n, _) if n > 1 => Err(format!("{cid} revoked {n} times")),
        (0, Some(true)) => Err(format!("zkctl revoke said it revoked {cid}, but the store has no revocation")),
        (n, _) => Ok(Some(n == 1)),
    }
}

// ---- sync: whatever is pending, against a faulty network ----

fn sync_next(_: &mut Harness) -> Option<Run> {
    Some(Run { args: strings(&["--json", "sync", "--supervisor", "A001"]), env: env(&[SUPERVISOR]), target: Target::Nothing })
}

fn sync_settle(_: &mut Harness, _: &Run, _: Option<bool>) -> Result<Option<bool>, String> {
    Ok(None)
}

// ---- staff reset-password: the new password is in force, or the old one still is ----

fn reset_next(h: &mut Harness) -> Option<Run> {
    let staff_id = RESET_ACCOUNTS[h.rng.gen_range(0..RESET_ACCOUNTS.len())].to_string();
    let old = h.passwords[&staff_id].clone();
    let new = format!("reset-{:08x}", h.rng.gen::<u32>());
    Some(Run {
        args: strings(&["--json", "staff", "reset-password", &staff_id, "--supervisor", "A001"]),
        env: env(&[SUPERVISOR, ("ZKDESK_NEW_PASSWORD", &new)]),
        target: Target::Reset { staff_id, old, new },
    })
}

fn reset_settle(h: &mut Harness, run: &Run, exited_ok: Option<bool>) -> Result<Option<bool>, String> {
    let Target::Reset { staff_id, old, new } = &run.target else { unreachable!() };
    if h.logs_in(staff_id, new)? {
        h.passwords.insert(staff_id.clone(), new.clone());
        return Ok(Some(true));
    }
    if exited_ok == Some(true) {
        return Err(format!("zkctl reset {staff_id}'s password, but the new one does not log in"));
    }
    if h.logs_in(staff_id, old)? {
        return Ok(Some(false));
    }
    Err(format!("neither the old nor the new password opens {staff_id}"))
}

// ---- staff add: the account exists with its password, or not at all ----

fn add_next(h: &mut Harness) -> Option<Run> {
    h.added += 1;
    let staff_id = format!("N{:03}", h.added);
    let password = format!("new-{:08x}", h.rng.gen::<u32>());
    Some(Run {
        args: strings(&["--json", "staff", "add", "--id", &staff_id, "--name", "新受理员", "--role", "counter", "--supervisor", "A001"]),
        env: env(&[SUPERVISOR, ("ZKDESK_NEW_PASSWORD", &password)]),
        target: Target::NewAccount { staff_id, password },
    })
}

fn add_settle(h: &mut Harness, run: &Run, exited_ok: Option<bool>) -> Result<Option<bool>, String> {
    let Target::NewAccount { staff_id, password } = &run.target else { unreachable!() };
    let n: i64 = h.db().query_row("SELECT COUNT(*) FROM staff WHERE staff_id = ?1", [staff_id], |r| r.get(0)).unwrap();
    match (n, exited_ok) {
        (0, Some(true)) => Err(format!("zkctl added {staff_id}, but the account is not there")),
        (0, _) => Ok(Some(false)),
        _ if h.logs_in(staff_id, password)? => Ok(Some(true)),
        _ => Err(format!("{staff_id} exists but does not log in with its password")),
    }
}

// ---- the harness ----

fn seed() -> u64 {
    std::env::var("ZKDESK_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 % 1_000_000_007
    })
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A delay in 0..1.2×typical: uniform, or (half the kills, once runs were seen on both sides of
/// the commit) around the commit boundary.
fn draw_delay(rng: &mut StdRng, s: &Stats) -> Duration {
    let top = s.duration().mul_f64(1.2).max(Duration::from_millis(1));
    let boundary = s.boundary().filter(|_| rng.gen_bool(0.5));
    let d = match boundary {
        Some((a, b)) => {
            let centre = (a + b) / 2;
            let half = (a.abs_diff(b) / 2).max(s.duration().mul_f64(0.02)).max(Duration::from_millis(2));
            let lo = centre.saturating_sub(half);
            rng.gen_range(lo..centre + half)
        }
        None => rng.gen_range(Duration::ZERO..top),
    };
    d.min(top)
}

#[test]
fn sigkills_under_network_faults_lose_and_double_nothing() {
    let seed = seed();
    let kills_wanted: usize = std::env::var("ZKDESK_CRASH_KILLS").ok().and_then(|s| s.parse().ok()).unwrap_or(DEFAULT_KILLS);
    println!("crash harness: seed {seed} (ZKDESK_CRASH_SEED={seed} to replay the draws), {kills_wanted} kills");
    let started = Instant::now();

    // A station as an office sets it up: supervisor, counter staff, enrolled, synced.
    let sim = Sim::start("420102", 900, seed);
    let dir = supervised_station(&sim);
    let d = dir.path().to_path_buf();
    let mut h = {
        let desk = zkdesk_tests::fixtures::open(&d);
        let candidates: VecDeque<Registration> = confirmable(&desk, 400).into();
        drop(desk);
        let photo = good_photo_file(&d).to_str().unwrap().to_string();
        let probe_id = candidates[0].id_number.clone();
        Harness {
            dir,
            sim,
            rng: StdRng::seed_from_u64(seed),
            photo,
            candidates,
            probe_id,
            passwords: BTreeMap::new(),
            added: 0,
            recorded: 0,
            startup: Duration::ZERO,
        }
    };
    for id in RESET_ACCOUNTS {
        let pw = format!("{}-start", id.to_lowercase());
        ok(
            "reset account",
            h.zkctl(&["staff", "add", "--id", id, "--name", "重置测试", "--role", "counter", "--supervisor", "A001"], &[SUPERVISOR, ("ZKDESK_NEW_PASSWORD", &pw)]),
        );
        h.passwords.insert(id.to_string(), pw);
    }

    // Measure: the bare exec, then each operation run whole (these runs are real work too:
    // the first confirmations give revoke its targets once a clean sync has taken them up).
    h.startup = median((0..5).map(|_| {
        let t = Instant::now();
        Command::new(workspace_bin("zkctl")).arg("--version").stdout(Stdio::null()).status().unwrap();
        t.elapsed()
    }).collect());
    let mut stats: Vec<Stats> = SCENARIOS.iter().map(|_| Stats::default()).collect();
    let measure = |h: &mut Harness, i: usize, times: usize| -> (Duration, usize) {
        let sc = &SCENARIOS[i];
        let mut took = vec![];
        let mut writes = 0;
        for n in 0..times {
            let run = (sc.next)(h).unwrap_or_else(|| panic!("setup: nothing to {}", sc.name));
            // Run whole, counting its writes to the WAL.
            let (t, exited, seen) = h.run_killed(&run, KillAt::Write { nth: usize::MAX, cap: Duration::from_secs(120) });
            let success = exited == Some(true);
            assert!(sc.name == "sync" || success, "setup: `zkctl {}` did not succeed", run.args.join(" "));
            writes = writes.max(seen);
            (sc.settle)(h, &run, Some(success)).unwrap_or_else(|e| panic!("setup {}: {e}", sc.name));
            // The first run reads the binary (and the face models) from disk: not typical.
            if n > 0 {
                took.push(t);
            }
        }
        (median(took), writes)
    };
    let index = |name: &str| SCENARIOS.iter().position(|s| s.name == name).unwrap();
    let set = |st: &mut Stats, (typical, writes): (Duration, usize)| {
        st.typical = typical;
        st.writes = writes;
    };
    set(&mut stats[index("confirm")], measure(&mut h, index("confirm"), 5));
    ok("clean sync", h.zkctl(&["--json", "sync", "--supervisor", "A001"], &[SUPERVISOR]));
    for name in ["revoke", "staff reset-password", "staff add"] {
        set(&mut stats[index(name)], measure(&mut h, index(name), 4));
    }
    h.sim.state.set_faults(network_faults());
    set(&mut stats[index("sync")], measure(&mut h, index("sync"), 4));
    println!(
        "measured (set-up took {:.0?}): exec {:?}; {}",
        started.elapsed(),
        h.startup,
        SCENARIOS.iter().zip(&stats).map(|(s, st)| format!("{} {:?} ({} writes)", s.name, st.typical, st.writes)).collect::<Vec<_>>().join(", ")
    );

    // Kill: scenarios interleaved at random by weight until each has its share of SIGKILLs.
    let total_weight: usize = SCENARIOS.iter().map(|s| s.weight).sum();
    let quota: Vec<usize> = SCENARIOS.iter().map(|s| (kills_wanted * s.weight).div_ceil(total_weight)).collect();
    let mut rounds = 0usize;
    while let Some(i) = {
        let open: Vec<usize> = (0..SCENARIOS.len()).filter(|&i| stats[i].kills < quota[i]).collect();
        (!open.is_empty()).then(|| open[h.rng.gen_range(0..open.len())])
    } {
        rounds += 1;
        assert!(rounds < kills_wanted * 4, "too many rounds without a kill: {:?}", stats.iter().map(|s| s.kills).collect::<Vec<_>>());
        let sc = &SCENARIOS[i];
        let Some(run) = (sc.next)(&mut h) else {
            assert!(sc.name != "confirm", "ran out of candidates to confirm");
            continue;
        };
        let round_start = Instant::now();
        // A third of the kills follow the store's writes instead of the clock: right after the
        // nth write of the run (what a time draw almost never hits: the gap between two commits).
        let when = if h.rng.gen_bool(1.0 / 3.0) {
            let writes = stats[i].writes.max(1);
            KillAt::Write { nth: h.rng.gen_range(1..=writes), cap: stats[i].duration().mul_f64(1.2) }
        } else {
            KillAt::After(draw_delay(&mut h.rng, &stats[i]))
        };
        let (delay, exited, _) = h.run_killed(&run, when);
        let committed = (sc.settle)(&mut h, &run, exited)
            .unwrap_or_else(|e| panic!("seed {seed}: after `zkctl {}` killed at {delay:?}: {e}", run.args.join(" ")));
        h.check_store().unwrap_or_else(|e| panic!("seed {seed}: after `zkctl {}` killed at {delay:?}: {e}", run.args.join(" ")));
        let st = &mut stats[i];
        st.spent += round_start.elapsed();
        let landed = match (exited, committed) {
            (Some(_), _) => Landed::Finished,
            (None, _) if delay < h.startup => Landed::BeforeStart,
            (None, None) => Landed::Mid,
            (None, Some(false)) => Landed::MidNotCommitted,
            (None, Some(true)) => Landed::MidCommitted,
        };
        *st.landed.entry(landed).or_default() += 1;
        match exited {
            None if matches!(when, KillAt::Write { .. }) => {
                st.kills += 1;
                st.write_kills += 1;
            }
            None => st.kills += 1,
            Some(_) => Stats::remember(&mut st.finished_at, delay),
        }
        match (exited, committed) {
            (None, Some(false)) => Stats::remember(&mut st.before_commit, delay),
            (Some(_), Some(_)) | (None, Some(true)) => Stats::remember(&mut st.after_commit, delay),
            _ => {}
        }
    }

    // Faults off; sync until nothing is left to send.
    h.sim.state.set_faults(Faults::none());
    let mut settled = false;
    for _ in 0..12 {
        let _ = h.zkctl(&["--json", "sync", "--supervisor", "A001"], &[SUPERVISOR]);
        let status = ok("status", h.zkctl(&["--json", "status", "--supervisor", "A001"], &[SUPERVISOR]));
        if status["outbox_pending"] == 0 && status["outbox_parked"] == 0 {
            settled = true;
            break;
        }
    }
    let c = h.db();
    let mut problems: Vec<String> = vec![];
    if !settled {
        let parked: Vec<(String, String, Option<String>)> = c
            .prepare("SELECT kind, client_id, parked_reason FROM outbox WHERE state != 'done' LIMIT 10")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        problems.push(format!("the outbox does not empty with the network back: {parked:?}"));
    }

    // Every local confirmation at the province exactly once, by client id, with its number.
    let local: BTreeMap<String, (Option<String>, String)> = c
        .prepare("SELECT confirmation_id, admission_number, state FROM confirmation")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let (province, numbers_twice, revoked_there, revocations_there, outcomes): (BTreeMap<String, String>, i64, HashSet<String>, HashSet<String>, i64) = {
        let db = h.sim.state.db();
        let province = db
            .prepare("SELECT confirmation_id, admission_number FROM confirmation")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let twice: i64 = db.query_row("SELECT COUNT(*) - COUNT(DISTINCT admission_number) FROM confirmation", [], |r| r.get(0)).unwrap();
        let revoked = db.prepare("SELECT confirmation_id FROM confirmation WHERE revoked = 1").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        let revs = db
            .prepare("SELECT client_id FROM outcome WHERE kind = 'revocation' AND result LIKE '%\"accepted\"%'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let outcomes: i64 = db.query_row("SELECT COUNT(*) FROM outcome WHERE kind = 'confirmation' AND result LIKE '%\"accepted\"%'", [], |r| r.get(0)).unwrap();
        (province, twice, revoked, revs, outcomes)
    };
    let local_ids: HashSet<&String> = local.keys().collect();
    let province_ids: HashSet<&String> = province.keys().collect();
    let missing: Vec<_> = local_ids.difference(&province_ids).collect();
    let unknown: Vec<_> = province_ids.difference(&local_ids).collect();
    if !missing.is_empty() {
        problems.push(format!("{} local confirmations never reached the province: {:?}", missing.len(), missing.iter().take(5).collect::<Vec<_>>()));
    }
    if !unknown.is_empty() {
        problems.push(format!("{} confirmations at the province are unknown locally: {:?}", unknown.len(), unknown.iter().take(5).collect::<Vec<_>>()));
    }
    if outcomes != local.len() as i64 {
        problems.push(format!("the province accepted {outcomes} confirmation client ids for {} local confirmations", local.len()));
    }
    let not_accepted: Vec<_> = local.iter().filter(|(_, (_, s))| s != "accepted" && s != "revoked").map(|(k, (_, s))| format!("{k}: {s}")).collect();
    if !not_accepted.is_empty() {
        problems.push(format!("local confirmations not accepted: {not_accepted:?}"));
    }
    // No admission number twice, locally or at the province, and both agree.
    let local_numbers: Vec<&String> = local.values().filter_map(|(n, _)| n.as_ref()).collect();
    if local_numbers.len() != local_numbers.iter().collect::<HashSet<_>>().len() {
        problems.push("an admission number is held twice locally".into());
    }
    if numbers_twice != 0 {
        problems.push(format!("{numbers_twice} admission numbers given twice at the province"));
    }
    let disagree: Vec<_> =
        local.iter().filter(|(id, (n, _))| province.get(*id).is_some_and(|p| n.as_ref() != Some(p))).map(|(id, _)| id).take(5).collect();
    if !disagree.is_empty() {
        problems.push(format!("local and province numbers differ for {disagree:?}"));
    }
    // Every revocation exactly once.
    let local_revocations: BTreeMap<String, (String, String)> = c
        .prepare("SELECT revocation_id, confirmation_id, state FROM revocation")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let local_rev_ids: HashSet<String> = local_revocations.keys().cloned().collect();
    if local_rev_ids != revocations_there {
        problems.push(format!(
            "revocations: {} local, {} accepted at the province, {} local ones missing there",
            local_rev_ids.len(),
            revocations_there.len(),
            local_rev_ids.difference(&revocations_there).count()
        ));
    }
    let revoked_here: HashSet<String> = local_revocations.values().map(|(c, _)| c.clone()).collect();
    if revoked_here.len() != local_revocations.len() {
        problems.push("a confirmation was revoked twice locally".into());
    }
    if revoked_here != revoked_there {
        problems.push(format!("revoked here {} vs at the province {}", revoked_here.len(), revoked_there.len()));
    }
    if let Err(e) = h.check_store() {
        problems.push(format!("at the end: {e}"));
    }

    // The counts.
    println!("{:<22} {:>6} {:>9} {:>8} {:>10} {:>10} {:>6} {:>9} {:>7}   (commit lies between)", "scenario", "kills", "at write", "before", "mid:clean", "mid:wrote", "mid", "finished", "time");
    for (s, st) in SCENARIOS.iter().zip(&stats) {
        let n = |l: Landed| st.landed.get(&l).copied().unwrap_or(0);
        println!(
            "{:<22} {:>6} {:>9} {:>8} {:>10} {:>10} {:>6} {:>9} {:>6.0?}   {:?} .. {:?}",
            s.name,
            st.kills,
            st.write_kills,
            n(Landed::BeforeStart),
            n(Landed::MidNotCommitted),
            n(Landed::MidCommitted),
            n(Landed::Mid),
            n(Landed::Finished),
            st.spent,
            st.boundary().map(|b| b.0),
            st.boundary().map(|b| b.1)
        );
    }
    let kills: usize = stats.iter().map(|s| s.kills).sum();
    println!(
        "SIGKILLs {kills}; confirmations {} (province {}), revocations {} (province {}); resends answered as duplicate: confirmations {}, revocations {}; {:.0?} in all",
        local.len(),
        province.len(),
        local_revocations.len(),
        revocations_there.len(),
        h.sim.state.resends("confirmation"),
        h.sim.state.resends("revocation"),
        started.elapsed()
    );
    assert!(kills >= kills_wanted.min(200), "only {kills} SIGKILLs landed");
    for (s, st) in SCENARIOS.iter().zip(&stats) {
        let inside = st.landed.get(&Landed::Mid).copied().unwrap_or(0)
            + st.landed.get(&Landed::MidCommitted).copied().unwrap_or(0)
            + st.landed.get(&Landed::MidNotCommitted).copied().unwrap_or(0);
        if inside == 0 {
            problems.push(format!("no kill of {} landed while it ran", s.name));
        }
    }
    assert!(problems.is_empty(), "seed {seed}: {} problem(s):\n  {}", problems.len(), problems.join("\n  "));
}
