//! Staff accounts: add, list, disable — supervisor work.

use serde_json::json;

use super::{auth::hash_password, rfc3339, Actor, Desk, Now};
use crate::api::{NewStaffArgs, StaffInfo};
use crate::domain::staff::{validate_new_password, validate_staff_id, validate_staff_name};
use crate::domain::{DeskError, ErrorCode};
use crate::store::{audit, staff};

impl Desk {
    pub fn staff_add(&self, actor: &Actor, new: &NewStaffArgs, now: &Now) -> Result<StaffInfo, DeskError> {
        self.authorize_admin(actor, "staff add")?;
        validate_staff_id(&new.staff_id)?;
        validate_new_password(&new.password)?;
        let name = validate_staff_name(&new.name)?;
        let hash = hash_password(&new.password)?;
        let at = rfc3339(now);
        self.store.write(|tx| {
        if staff::get(tx, &new.staff_id)?.is_some() {
            return Err(DeskError::new(
                ErrorCode::Conflict,
                format!("工号 {} 已存在", new.staff_id),
                format!("staff {} exists", new.staff_id),
            ));
        }
        let row = staff::StaffRow {
            staff_id: new.staff_id.clone(),
            name: name.to_string(),
            role: new.role,
            password_hash: hash,
            disabled: false,
            created_at: at.clone(),
        };
        staff::insert(tx, &row)?;
        audit::record(tx, &at, actor.audit_name(), "staff_added", &json!({ "staff_id": row.staff_id, "role": row.role.as_str() }))?;
        Ok(info(&row))
        })
    }

    pub fn staff_list(&self, actor: &Actor) -> Result<Vec<StaffInfo>, DeskError> {
        self.authorize_admin(actor, "staff list")?;
        Ok(staff::list(self.store.conn())?.iter().map(info).collect())
    }

    pub fn staff_disable(&self, actor: &Actor, staff_id: &str, now: &Now) -> Result<(), DeskError> {
        self.authorize_admin(actor, "staff disable")?;
        validate_staff_id(staff_id)?;
        if let Actor::Staff(s) = actor {
            if s.staff_id == staff_id {
                return Err(DeskError::invalid("不能停用自己的账号", "a supervisor may not disable their own account"));
            }
        }
        self.store.write(|tx| {
            if !staff::set_disabled(tx, staff_id, true)? {
                return Err(DeskError::new(ErrorCode::NotFound, format!("工号 {staff_id} 不存在"), format!("no staff {staff_id}")));
            }
            audit::record(tx, &rfc3339(now), actor.audit_name(), "staff_disabled", &json!({ "staff_id": staff_id }))?;
            Ok(())
        })
    }
}

fn info(r: &staff::StaffRow) -> StaffInfo {
    StaffInfo { staff_id: r.staff_id.clone(), name: r.name.clone(), role: r.role, disabled: r.disabled, created_at: r.created_at.clone() }
}
