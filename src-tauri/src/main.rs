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

/// The face models' inference buffers (tens of MiB per capture) are allocated on whichever
/// command or worker thread runs a capture. glibc gives concurrently allocating threads their own
/// malloc arenas (up to 8 per core), and with its sliding mmap threshold large buffers soon come
/// from the arenas, where freed memory stays: the process held 622 MiB after 50 confirmations and
/// still grew. Two arenas and large blocks always mmapped (returned to the system when freed):
/// 242 MiB and flat (docs/benchmarks.md, scripts/app-bench.sh memory). Called first, while main
/// is the only thread.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets an allocator parameter; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn main() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    limit_malloc_arenas();
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
