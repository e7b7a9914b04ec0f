//! Four counters on one data directory at once. One station (simulator on loopback, enrolled,
//! number block leased by `zkctl sync`), 100 confirmable candidates, and four workers that each
//! run 25 `zkctl confirm` processes one after another against their own candidates, in 25
//! rounds of four processes started together: 100 confirmations, each process confirming one card.
//!
//! The store must serialize them: every run exits 0 and prints its confirmation, the table holds
//! 100 rows, no admission number is handed out twice, the audit chain verifies and its `seq`
//! runs 1, 2, 3, … without a gap or a repeat. "database is locked" or a UNIQUE failure on
//! `audit_event.seq` is a write that raced another process and lost.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use zkdesk::domain::registration::Registration;
use zkdesk_tests::fixtures::{card_file, card_for, confirmable, good_photo_file};
use zkdesk_tests::sim::Sim;
use zkdesk_tests::zkctl;

const WORKERS: usize = 4;
const PER_WORKER: usize = 25;
const TOTAL: usize = WORKERS * PER_WORKER;

const STAFF_ENV: [(&str, &str); 1] = [("ZKDESK_PASSWORD", "shouli-2026")];

/// A station set up through the CLI: supervisor, counter staff, enrolled, synced (feeds pulled,
/// a number block leased).
fn station(sim: &Sim) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ok = |what: &str, o: std::process::Output| {
        assert!(o.status.success(), "setup: `zkctl {what}` failed ({:?}): {}", o.status.code(), String::from_utf8_lossy(&o.stderr))
    };
    ok(
        "staff add A001",
        zkctl(d, &["staff", "add", "--id", "A001", "--name", "王主管", "--role", "supervisor"], &[("ZKDESK_NEW_PASSWORD", "zhuguan-2026")]),
    );
    ok(
        "staff add S001",
        zkctl(
            d,
            &["staff", "add", "--id", "S001", "--name", "李受理", "--role", "counter", "--supervisor", "A001"],
            &[("ZKDESK_NEW_PASSWORD", "shouli-2026"), ("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")],
        ),
    );
    ok(
        "station enroll",
        zkctl(
            d,
            &["station", "enroll", "--supervisor", "A001", "--server", &sim.base_url(), "--code", &sim.codes[0]],
            &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")],
        ),
    );
    ok("sync", zkctl(d, &["sync", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]));
    dir
}

/// The store file, opened read-only for the assertions.
fn db(d: &Path) -> rusqlite::Connection {
    zkdesk_tests::fixtures::raw_conn(d, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
}

fn scalar(c: &rusqlite::Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// One `zkctl confirm` run.
struct Run<'a> {
    worker: usize,
    n: usize,
    reg: &'a Registration,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run<'_> {
    fn label(&self) -> String {
        format!("worker {} run {} ({})", self.worker, self.n, self.reg.registration_id)
    }

    /// What went wrong, in a few words, for the tally.
    fn failure_kind(&self) -> String {
        let all = format!("{}\n{}", self.stderr, self.stdout);
        for known in
            ["database is locked", "database table is locked", "UNIQUE constraint failed: audit_event.seq", "UNIQUE constraint failed"]
        {
            if all.contains(known) {
                return known.to_string();
            }
        }
        if self.stdout.contains("NOT_AUTHORIZED") && self.stdout.contains("本地数据库出错") {
            return "a storage error at login, reported as NOT_AUTHORIZED (cause not shown)".into();
        }
        let line = self.stderr.lines().next().unwrap_or("(no stderr)");
        format!("exit {:?}: {}", self.code, line.chars().take(100).collect::<String>())
    }
}

#[test]
fn four_counters_confirm_at_once_without_losing_or_doubling_anything() {
    let sim = Sim::start("420102", 240, 61);
    let dir = station(&sim);
    let d = dir.path();
    let (regs, photo) = {
        let desk = zkdesk_tests::fixtures::open(d);
        (confirmable(&desk, TOTAL), good_photo_file(d))
    };
    assert_eq!(regs.len(), TOTAL, "setup: the simulator's seed gives fewer than {TOTAL} confirmable candidates");
    let new = regs.iter().filter(|r| r.kind == "new").count() as i64;
    let leased = scalar(&db(d), "SELECT COALESCE(SUM(last_seq - first_seq + 1), 0) FROM number_block");
    assert!(leased >= new, "setup: `zkctl sync` leased {leased} numbers, fewer than the {new} new candidates need");
    let photo = photo.to_str().unwrap().to_string();

    // Each worker has its own 25 candidates; each run reads a card file holding only its card.
    let jobs: Vec<Vec<(&Registration, String)>> =
        regs.chunks(PER_WORKER).map(|chunk| chunk.iter().map(|r| (r, card_file(d, &[card_for(r)]))).collect()).collect();
    assert_eq!(jobs.len(), WORKERS);

    // Rounds: the four processes of a round start together, so their writes meet.
    let round = std::sync::Barrier::new(WORKERS);
    let runs: Vec<Run> = std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .iter()
            .enumerate()
            .map(|(worker, jobs)| {
                let (photo, round) = (&photo, &round);
                s.spawn(move || {
                    jobs.iter()
                        .enumerate()
                        .map(|(n, (reg, reader))| {
                            round.wait();
                            let out = zkctl(d, &["--json", "confirm", "--reader", reader, "--photo", photo, "--staff", "S001"], &STAFF_ENV);
                            Run {
                                worker,
                                n,
                                reg,
                                code: out.status.code(),
                                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("worker thread")).collect()
    });
    assert_eq!(runs.len(), TOTAL);

    // Every problem is collected, so one failing run shows the whole picture.
    let mut problems: Vec<String> = vec![];

    // 1. Every run exits 0 and prints its confirmation.
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    let mut examples: Vec<String> = vec![];
    let mut printed_numbers: Vec<String> = vec![];
    let mut confirmed_ids: HashSet<String> = HashSet::new();
    for run in &runs {
        let answer: Option<serde_json::Value> = serde_json::from_str(run.stdout.trim()).ok();
        let good = run.code == Some(0)
            && answer.as_ref().is_some_and(|v| {
                v["registration_id"] == run.reg.registration_id.as_str() && v["confirmation_id"].as_str().is_some_and(|s| !s.is_empty())
            });
        if !good {
            *tally.entry(run.failure_kind()).or_default() += 1;
            if examples.len() < 5 {
                examples.push(format!(
                    "    {}: exit {:?}, stdout {:?}, stderr {:?}",
                    run.label(),
                    run.code,
                    run.stdout.trim(),
                    run.stderr.trim()
                ));
            }
            continue;
        }
        let v = answer.unwrap();
        confirmed_ids.insert(v["confirmation_id"].as_str().unwrap().to_string());
        match v["admission_number"].as_str() {
            Some(number) => printed_numbers.push(number.to_string()),
            None if run.reg.kind == "new" => {
                problems.push(format!("{}: a new candidate got no number although the leased block has numbers left: {v}", run.label()))
            }
            None => problems.push(format!("{}: an enrolled candidate's own number was not printed: {v}", run.label())),
        }
    }
    let failed: usize = tally.values().sum();
    if failed > 0 {
        let kinds = tally.iter().map(|(k, n)| format!("    {n} × {k}")).collect::<Vec<_>>().join("\n");
        problems.push(format!(
            "{failed} of {TOTAL} concurrent `zkctl confirm` runs did not confirm ({WORKERS} at a time):\n{kinds}\n  first failures:\n{}",
            examples.join("\n")
        ));
    }
    let mut seen = HashSet::new();
    let printed_twice: Vec<&String> = printed_numbers.iter().filter(|n| !seen.insert(*n)).collect();
    if !printed_twice.is_empty() {
        problems.push(format!("admission numbers printed on two receipts: {printed_twice:?}"));
    }

    // 2. The audit chain verifies.
    let verify = zkctl(d, &["--json", "audit", "verify", "--supervisor", "A001"], &[("ZKDESK_SUPERVISOR_PASSWORD", "zhuguan-2026")]);
    if !verify.status.success() {
        problems.push(format!(
            "`zkctl audit verify` exited {:?}: {} {}",
            verify.status.code(),
            String::from_utf8_lossy(&verify.stdout).trim(),
            String::from_utf8_lossy(&verify.stderr).trim()
        ));
    }

    // 3. The store: 100 whole confirmations, unique numbers, a gap-free audit sequence.
    let c = db(d);
    let rows = scalar(&c, "SELECT COUNT(*) FROM confirmation");
    if rows != TOTAL as i64 {
        problems.push(format!("the confirmation table holds {rows} rows, expected {TOTAL}"));
    }
    let ids: HashSet<String> =
        c.prepare("SELECT confirmation_id FROM confirmation").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    if ids != confirmed_ids {
        let missing = confirmed_ids.difference(&ids).count();
        let unreported = ids.difference(&confirmed_ids).count();
        problems.push(format!("{missing} printed confirmations are not in the store; {unreported} stored ones were never printed"));
    }
    for (what, sql) in [
        ("photo rows", "SELECT COUNT(*) FROM photo"),
        ("confirmation outbox rows", "SELECT COUNT(*) FROM outbox WHERE kind = 'confirmation'"),
        ("'confirmed' audit events", "SELECT COUNT(*) FROM audit_event WHERE kind = 'confirmed'"),
    ] {
        let n = scalar(&c, sql);
        if n != rows {
            problems.push(format!("{n} {what} for {rows} confirmations"));
        }
    }
    let doubled: Vec<(String, i64)> = c
        .prepare(
            "SELECT admission_number, COUNT(*) FROM confirmation WHERE admission_number IS NOT NULL
             GROUP BY admission_number HAVING COUNT(*) > 1 ORDER BY admission_number",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    if !doubled.is_empty() {
        problems.push(format!("admission numbers stored on more than one confirmation: {doubled:?}"));
    }
    let registrations_twice = scalar(&c, "SELECT COUNT(*) - COUNT(DISTINCT registration_id) FROM confirmation");
    if registrations_twice != 0 {
        problems.push(format!("{registrations_twice} registrations confirmed more than once"));
    }
    let seqs: Vec<i64> =
        c.prepare("SELECT seq FROM audit_event ORDER BY seq").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    if let Some((i, s)) = seqs.iter().enumerate().find(|(i, s)| **s != *i as i64 + 1) {
        problems.push(format!(
            "audit_event.seq is not 1..={}: position {} holds seq {s} (around it: {:?})",
            seqs.len(),
            i + 1,
            &seqs[i.saturating_sub(2)..(i + 3).min(seqs.len())]
        ));
    }

    assert!(
        problems.is_empty(),
        "{} problem(s) after {TOTAL} confirmations by {WORKERS} concurrent processes:\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
