//! The desktop app: the Tauri shell over the zkdesk core.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;

#[derive(Parser)]
#[command(name = "zkdesk", about = "自考现场确认工作站")]
struct Args {
    /// Data directory holding zkdesk.sqlite3 (default: the app's data directory).
    #[arg(long, env = "ZKDESK_DATA_DIR")]
    data_dir: Option<std::path::PathBuf>,
}

fn main() {
    let args = Args::parse();
    zkdesk::gui::run(tauri::generate_context!(), zkdesk::gui::Options { data_dir: args.data_dir });
}
