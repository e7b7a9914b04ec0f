//! The desktop app: the Tauri shell over the zkdesk core.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;

#[derive(Parser)]
#[command(name = "zkdesk", about = "自考现场确认工作站")]
struct Args {
    /// Data directory holding zkdesk.sqlite3 (default: the app's data directory).
    #[arg(long, env = "ZKDESK_DATA_DIR")]
    data_dir: Option<std::path::PathBuf>,
    /// Card reader: serial:PATH[@BAUD] | pcsc[:NAME] | sim:FILE (default: the stored choice, or pcsc).
    #[arg(long, env = "ZKDESK_READER")]
    reader: Option<String>,
    /// Camera: webcam[:INDEX] | file:PATH | pattern (default: the stored choice, or webcam:0).
    #[arg(long, env = "ZKDESK_CAMERA")]
    camera: Option<String>,
}

fn main() {
    // WebKit's compositing renders through software GL on PCs without a usable GPU driver (and
    // under Xvfb): with it off the preview costs a third of the CPU and the web process ~90 MiB
    // less (scripts/app-bench.sh). Set before any thread starts; an explicit value wins.
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    let args = Args::parse();
    zkdesk::gui::run(
        tauri::generate_context!(),
        zkdesk::gui::Options { data_dir: args.data_dir, reader: args.reader, camera: args.camera },
    );
}
