//! The face match rules: the band a chip-vs-live score falls in, what each band asks of the
//! counter, and the 替考 decision. Pure: scores and settings come in.

use super::confirmation::Flag;
use super::eligibility::{Lift, Refusal, RefusalCode};

/// The cosine thresholds, configurable by a supervisor (`face_pass_band`, `face_review_band`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bands {
    /// At or above: the same person.
    pub pass: f64,
    /// From this up to `pass`: 存疑 (flag `face_mismatch`, signed off later); below: a
    /// supervisor must authorise at the counter.
    pub review: f64,
}

impl Default for Bands {
    fn default() -> Self {
        Bands { pass: 0.45, review: 0.30 }
    }
}

impl Bands {
    /// The stored settings, each falling back to its default; a review band above the pass band
    /// is read as equal to it.
    pub fn from_settings(pass: Option<f64>, review: Option<f64>) -> Bands {
        let d = Bands::default();
        let pass = pass.unwrap_or(d.pass).clamp(-1.0, 1.0);
        let review = review.unwrap_or(d.review).clamp(-1.0, 1.0).min(pass);
        Bands { pass, review }
    }

    pub fn band(&self, score: f64) -> Band {
        if score >= self.pass {
            Band::Pass
        } else if score >= self.review {
            Band::Review
        } else {
            Band::Fail
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    Pass,
    Review,
    Fail,
}

/// Chinese for staff: the score as a percentage and its band.
pub fn describe(score: f64, bands: &Bands) -> String {
    let b = match bands.band(score) {
        Band::Pass => "通过",
        Band::Review => "存疑",
        Band::Fail => "不通过",
    };
    format!("人证比对 {:.0} 分（{b}）", score * 100.0)
}

/// The flag a score sets by itself (the review band).
pub fn flag(score: f64, bands: &Bands) -> Option<Flag> {
    (bands.band(score) == Band::Review).then_some(Flag::FaceMismatch)
}

/// The refusal of the fail band, lifted by a supervisor (flag `face_mismatch`).
pub fn refusal(score: f64, bands: &Bands) -> Option<Refusal> {
    (bands.band(score) == Band::Fail).then(|| Refusal {
        code: RefusalCode::FaceMismatch,
        message: format!(
            "现场照片与身份证芯片照片不一致（比对 {:.0} 分，低于 {:.0} 分），须主管到场核验并授权",
            score * 100.0,
            bands.review * 100.0
        ),
        lift: Some(Lift::Supervisor(Flag::FaceMismatch)),
    })
}

/// A face confirmed earlier today (the 替考 check looks through these).
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierFace<'a> {
    pub confirmation_id: &'a str,
    pub id_number: &'a str,
    pub score: f64,
}

/// 替考: the best-scoring earlier face of today under another id number, at or above the pass
/// band.
pub fn same_face_other_id<'a>(id_number: &str, earlier: &[EarlierFace<'a>], bands: &Bands) -> Option<EarlierFace<'a>> {
    earlier.iter().filter(|e| e.id_number != id_number && e.score >= bands.pass).max_by(|a, b| a.score.total_cmp(&b.score)).cloned()
}

/// The 替考 alert as a refusal: only a supervisor at the counter lifts it.
pub fn same_face_refusal(score: f64, other_id_masked: &str, confirmed_at: &str) -> Refusal {
    // The earlier confirmation is from today: staff read its time of day, not an RFC 3339 stamp.
    let confirmed_at = chrono::DateTime::parse_from_rfc3339(confirmed_at).map_or_else(|_| confirmed_at.to_string(), |t| t.format("%H:%M").to_string());
    Refusal {
        code: RefusalCode::SameFaceOtherId,
        message: format!(
            "【疑似替考】此人今天已在本站以另一身份证号（{other_id_masked}，{confirmed_at}）确认过（人脸相似度 {:.0} 分）。请核对两张照片，须主管到场处理",
            score * 100.0
        ),
        lift: Some(Lift::Supervisor(Flag::SupervisorOverride)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_split_the_scores() {
        let b = Bands::default();
        assert_eq!(
            (b.band(0.80), b.band(0.45), b.band(0.44), b.band(0.30), b.band(0.29)),
            (Band::Pass, Band::Pass, Band::Review, Band::Review, Band::Fail)
        );
        assert_eq!(flag(0.40, &b), Some(Flag::FaceMismatch));
        assert_eq!(flag(0.50, &b), None);
        assert!(refusal(0.31, &b).is_none());
        assert_eq!(refusal(0.10, &b).unwrap().lift, Some(Lift::Supervisor(Flag::FaceMismatch)));
        assert_eq!(Bands::from_settings(Some(0.5), Some(0.7)), Bands { pass: 0.5, review: 0.5 });
    }

    #[test]
    fn the_same_face_under_the_same_id_is_no_alert() {
        let b = Bands::default();
        let e = [
            EarlierFace { confirmation_id: "a", id_number: "1", score: 0.9 },
            EarlierFace { confirmation_id: "b", id_number: "2", score: 0.2 },
            EarlierFace { confirmation_id: "c", id_number: "3", score: 0.6 },
        ];
        assert_eq!(same_face_other_id("1", &e, &b).map(|x| x.confirmation_id), Some("c"));
        assert_eq!(same_face_other_id("3", &e, &b).map(|x| x.confirmation_id), Some("a"));
        assert_eq!(same_face_other_id("1", &e[..2], &b), None);
    }
}
