fn main() {
    // Only the desktop shell needs Tauri's build step (capabilities, context, icons).
    #[cfg(feature = "gui")]
    tauri_build::build();
}
