//! Faces: YuNet detection and landmarks, SFace embeddings and the match score, on the portraits
//! of the face_recognition==1.3.0 sdist (three of one person, one of another).

use zkdesk::face::{Embedding, Engine, Face};
use zkdesk_tests::photos::*;

fn one_face(name: &str) -> (image::RgbImage, Face) {
    let img = face_photo(name);
    let faces = Engine::shared().detect(&img);
    assert_eq!(faces.len(), 1, "{name}: {faces:?}");
    (img, faces[0])
}

fn embedding(name: &str) -> Embedding {
    let (img, f) = one_face(name);
    Engine::shared().embed(&img, &f)
}

#[test]
fn the_same_person_scores_in_the_pass_band_and_others_below_review() {
    let e: Vec<(&str, Embedding)> = SAME_PERSON.iter().map(|n| (*n, embedding(n))).collect();
    let other = embedding(OTHER_PERSON);
    for i in 0..e.len() {
        for j in i + 1..e.len() {
            let s = e[i].1.cosine(&e[j].1);
            eprintln!("{} vs {}: {s:.4}", e[i].0, e[j].0);
            assert!(s >= 0.45, "{} vs {}: {s}", e[i].0, e[j].0);
        }
        let s = e[i].1.cosine(&other);
        eprintln!("{} vs {OTHER_PERSON}: {s:.4}", e[i].0);
        assert!(s < 0.30, "{} vs {OTHER_PERSON}: {s}", e[i].0);
    }
}
