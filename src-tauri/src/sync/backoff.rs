//! Retry timing: exponential backoff with full jitter, capped, with `Retry-After` as a floor.
//! Pure: the random fraction is passed in.

use std::time::Duration;

pub const BASE: Duration = Duration::from_secs(2);
pub const CAP: Duration = Duration::from_secs(300);

/// The wait before attempt `failures + 1`. `jitter` in [0, 1).
pub fn delay(failures: u32, retry_after: Option<Duration>, jitter: f64) -> Duration {
    let exp = BASE.saturating_mul(1u32 << failures.min(16)).min(CAP);
    // Half fixed, half random: never hammer in lockstep, never wait less than half the step.
    let d = exp.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0));
    match retry_after {
        Some(r) if r > d => r.min(Duration::from_secs(3600)),
        _ => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_and_caps() {
        assert_eq!(delay(0, None, 0.0), Duration::from_secs(1));
        assert_eq!(delay(0, None, 1.0), Duration::from_secs(2));
        assert_eq!(delay(3, None, 1.0), Duration::from_secs(16));
        assert_eq!(delay(30, None, 1.0), CAP);
    }

    #[test]
    fn retry_after_is_a_floor() {
        assert_eq!(delay(0, Some(Duration::from_secs(30)), 0.5), Duration::from_secs(30));
        assert_eq!(delay(6, Some(Duration::from_secs(1)), 1.0), Duration::from_secs(128));
    }
}
