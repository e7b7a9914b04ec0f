//! Sync benchmarks on loopback (a bench command, not a test): the first sync of N registrations,
//! then N confirmations with 30 KB photos pushed. Prints the wall time of each.
//! `cargo run -p zkdesk-tests --bin sync-bench [--release] -- [REGISTRATIONS] [CONFIRMATIONS]`

use std::time::Instant;

use zkdesk_tests::fixtures::{confirmable, enrolled, now, record};
use zkdesk_tests::sim::Sim;

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let regs = args.first().copied().unwrap_or(100_000);
    let confs = args.get(1).copied().unwrap_or(1_000);
    // The other counties of the region add a tenth each; seed so the region holds about `regs`.
    let sim = Sim::start("420102", regs * 10 / 22, 99);
    let in_region = sim.state.scalar("SELECT COUNT(*) FROM registration");
    let (_d, desk) = enrolled(&sim, 0);

    let t = Instant::now();
    let r = desk.sync_now(&now, true, &mut |_| {}).unwrap();
    let first = t.elapsed();
    assert!(r.error.is_none(), "{r:?}");
    println!("first sync: {} registrations in {:.2} s ({:.0}/s)", in_region, first.as_secs_f64(), in_region as f64 / first.as_secs_f64());

    let picked = confirmable(&desk, confs);
    for reg in &picked {
        record(&desk, reg, None);
    }
    let t = Instant::now();
    let r = desk.sync_now(&now, true, &mut |_| {}).unwrap();
    let push = t.elapsed();
    assert!(r.error.is_none(), "{r:?}");
    println!(
        "push: {} confirmations (30 KB photos) accepted in {:.2} s ({:.0}/s)",
        r.accepted,
        push.as_secs_f64(),
        r.accepted as f64 / push.as_secs_f64()
    );
}
