//! Types and rules. Invariant: pure — no IO, no clock, no randomness; callers pass time and ids in.

pub mod confirmation;
pub mod eligibility;
pub mod number_block;
pub mod error;
pub mod face_match;
pub mod office_day;
pub mod registration;
pub mod staff;

pub use error::{DeskError, ErrorCode};
pub use staff::{Role, StaffId};
