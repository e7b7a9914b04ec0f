//! province-sim: the provincial platform simulator on loopback, seeded with demo data.

use clap::Parser;
use zkdesk_tests::sim::{self, seed, Faults, Sim, SimState};

#[derive(Parser)]
#[command(name = "province-sim", about = "Simulated provincial self-exam platform (province-api.md)")]
struct Args {
    #[arg(long, default_value_t = 18080)]
    port: u16,
    /// SQLite file for the simulator's state (default: in memory).
    #[arg(long)]
    db: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = 2000)]
    seed_registrations: usize,
    #[arg(long, default_value = "420102")]
    county: String,
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Faults as JSON (see sim/faults.rs), e.g. '{"error_5xx":0.2}'; changeable at run time via POST /_sim/faults.
    #[arg(long)]
    faults: Option<String>,
}

fn main() {
    let args = Args::parse();
    let mut conn = sim::open_db(args.db.as_deref()).expect("open simulator database");
    let fresh: i64 = conn.query_row("SELECT COUNT(*) FROM registration", [], |r| r.get(0)).unwrap();
    let codes = if fresh == 0 {
        seed::seed(&mut conn, &seed::SeedOptions { county: args.county.clone(), registrations: args.seed_registrations, seed: args.seed })
            .expect("seed")
    } else {
        let mut stmt = conn.prepare("SELECT code FROM enrollment_code WHERE used_by IS NULL").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let state = SimState::new(conn, args.seed);
    if let Some(f) = args.faults {
        state.set_faults(serde_json::from_str::<Faults>(&f).expect("faults JSON"));
    }
    let sim = Sim::serve(state, codes.clone(), args.port);
    println!("province-sim: listening on {}", sim.base_url());
    for c in &codes {
        println!("province-sim: enrollment code for {}: {c}", args.county);
    }
    sim.wait_forever();
}
