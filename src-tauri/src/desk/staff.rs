//! Staff accounts: add, list, edit, disable and enable, password reset — supervisor work.

use serde_json::json;

use super::{auth::hash_password, rfc3339, Actor, Desk, Now};
use crate::api::{NewStaffArgs, StaffInfo};
use crate::domain::staff::{validate_new_password, validate_staff_id, validate_staff_name};
use crate::domain::{DeskError, ErrorCode, Role};
use crate::store::{audit, staff};

impl Desk {
    /// Adds an account and wraps the data key for it (its password opens the store).
    pub fn staff_add(&self, actor: &Actor, new: &NewStaffArgs, now: &Now) -> Result<StaffInfo, DeskError> {
        self.with_new_wrap(&new.staff_id, &new.password, || self.insert_staff(actor, new, now))
    }

    pub(super) fn insert_staff(&self, actor: &Actor, new: &NewStaffArgs, now: &Now) -> Result<StaffInfo, DeskError> {
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
            let row = staff::get(tx, staff_id)?.ok_or_else(|| no_staff(staff_id))?;
            if row.role == Role::Supervisor && !row.disabled && staff::count_supervisors(tx)? <= 1 {
                return Err(DeskError::invalid("不能停用最后一个在用的主管账号", "the last active supervisor cannot be disabled"));
            }
            staff::set_disabled(tx, staff_id, true)?;
            audit::record(tx, &rfc3339(now), actor.audit_name(), "staff_disabled", &json!({ "staff_id": staff_id }))?;
            Ok(())
        })
    }

    pub fn staff_enable(&self, actor: &Actor, staff_id: &str, now: &Now) -> Result<(), DeskError> {
        self.authorize_admin(actor, "staff enable")?;
        self.store.write(|tx| {
            if !staff::set_disabled(tx, staff_id, false)? {
                return Err(no_staff(staff_id));
            }
            audit::record(tx, &rfc3339(now), actor.audit_name(), "staff_enabled", &json!({ "staff_id": staff_id }))?;
            Ok(())
        })
    }

    /// Changes the name and/or role; the last active supervisor keeps the role.
    pub fn staff_edit(&self, actor: &Actor, staff_id: &str, name: Option<&str>, role: Option<Role>, now: &Now) -> Result<StaffInfo, DeskError> {
        self.authorize_admin(actor, "staff edit")?;
        let name = name.map(str::trim);
        if name.is_some_and(|n| n.is_empty() || n.chars().count() > 30) {
            return Err(DeskError::invalid("姓名须为 1 到 30 个字", "staff name empty or too long"));
        }
        self.store.write(|tx| {
            let row = staff::get(tx, staff_id)?.ok_or_else(|| no_staff(staff_id))?;
            let demoting = row.role == Role::Supervisor && role == Some(Role::Counter) && !row.disabled;
            if demoting && staff::count_supervisors(tx)? <= 1 {
                return Err(DeskError::invalid("不能取消最后一个在用主管的主管权限", "the last active supervisor keeps the role"));
            }
            staff::edit(tx, staff_id, name, role)?;
            let detail = json!({ "staff_id": staff_id, "name": name, "role": role.map(Role::as_str) });
            audit::record(tx, &rfc3339(now), actor.audit_name(), "staff_edited", &detail)?;
            let row = staff::get(tx, staff_id)?.ok_or_else(|| no_staff(staff_id))?;
            Ok(info(&row))
        })
    }

    /// Sets a new password the account must change at its next login, and re-wraps the data key
    /// for it: the old password no longer opens the store.
    pub fn staff_reset_password(&self, actor: &Actor, staff_id: &str, new_password: &str, now: &Now) -> Result<(), DeskError> {
        self.authorize_admin(actor, "staff reset-password")?;
        validate_new_password(new_password)?;
        let hash = hash_password(new_password)?;
        self.with_new_wrap(staff_id, new_password, || {
            self.store.write(|tx| {
                if !staff::reset_password(tx, staff_id, &hash)? {
                    return Err(no_staff(staff_id));
                }
                audit::record(tx, &rfc3339(now), actor.audit_name(), "staff_password_reset", &json!({ "staff_id": staff_id }))?;
                Ok::<_, DeskError>(())
            })
        })
    }
}

fn no_staff(staff_id: &str) -> DeskError {
    DeskError::new(ErrorCode::NotFound, format!("工号 {staff_id} 不存在"), format!("no staff {staff_id}"))
}

fn info(r: &staff::StaffRow) -> StaffInfo {
    StaffInfo { staff_id: r.staff_id.clone(), name: r.name.clone(), role: r.role, disabled: r.disabled, created_at: r.created_at.clone() }
}
