use std::path::PathBuf;

fn main() {
    embed_face_model();
    // Only the desktop shell needs Tauri's build step (capabilities, context, icons).
    #[cfg(feature = "gui")]
    {
        tauri_build::build();
        // The built UI is embedded (custom-protocol): a new ui/dist must rebuild the app. `./run`
        // rebuilds ui/dist only when the UI's sources changed, so an unchanged UI costs nothing.
        println!("cargo:rerun-if-changed=../ui/dist");
    }
}

/// The SeetaFace frontal model ships inside the `rustface` crate (BSD-2). Copy it from the
/// crate's source in the cargo registry so it is embedded: no run-time downloads.
fn embed_face_model() {
    const FILE: &str = "seeta_fd_frontal_v1.0.bin";
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cargo"));
    let mut candidates: Vec<PathBuf> = Vec::new();
    for dir in ["registry/src", "git/checkouts"] {
        let Ok(indexes) = std::fs::read_dir(home.join(dir)) else { continue };
        for index in indexes.flatten() {
            let Ok(crates) = std::fs::read_dir(index.path()) else { continue };
            for c in crates.flatten() {
                if c.file_name().to_string_lossy().starts_with("rustface-0.1.") {
                    candidates.push(c.path().join("model").join(FILE));
                }
            }
        }
    }
    candidates.sort();
    let Some(model) = candidates.into_iter().rev().find(|p| p.is_file()) else {
        panic!("the rustface crate's model {FILE} was not found under {}; run `cargo fetch`", home.display());
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap()).join(FILE);
    std::fs::copy(&model, &out).expect("copy face model");
    println!("cargo:rerun-if-changed={}", model.display());
}
