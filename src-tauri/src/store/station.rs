//! The enrolled station (one row).

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
pub struct StationRow {
    pub station_id: String,
    pub server_url: String,
    #[serde(skip)]
    pub token: String,
    pub region_code: String,
    pub region_name: String,
    pub county_code: String,
    pub county_name: String,
    pub office_name: String,
    pub device_name: String,
    pub enrolled_at: String,
    /// A 401 revoked the token: no sync until enrolled again.
    pub token_revoked: bool,
}

pub fn get(conn: &Connection) -> rusqlite::Result<Option<StationRow>> {
    conn.query_row(
        "SELECT station_id, server_url, token, region_code, region_name, county_code, county_name, office_name, device_name, enrolled_at, token_revoked FROM station WHERE id = 1",
        [],
        |r| {
            Ok(StationRow {
                station_id: r.get(0)?,
                server_url: r.get(1)?,
                token: r.get(2)?,
                region_code: r.get(3)?,
                region_name: r.get(4)?,
                county_code: r.get(5)?,
                county_name: r.get(6)?,
                office_name: r.get(7)?,
                device_name: r.get(8)?,
                enrolled_at: r.get(9)?,
                token_revoked: r.get::<_, i64>(10)? != 0,
            })
        },
    )
    .optional()
}

/// Enrolling again replaces the station (a new token after a 401, or a new server).
pub fn put(conn: &Connection, s: &StationRow) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO station (id, station_id, server_url, token, region_code, region_name, county_code, county_name, office_name, device_name, enrolled_at, token_revoked)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0)
         ON CONFLICT (id) DO UPDATE SET station_id = excluded.station_id, server_url = excluded.server_url, token = excluded.token,
           region_code = excluded.region_code, region_name = excluded.region_name, county_code = excluded.county_code,
           county_name = excluded.county_name, office_name = excluded.office_name, device_name = excluded.device_name,
           enrolled_at = excluded.enrolled_at, token_revoked = 0",
        params![s.station_id, s.server_url, s.token, s.region_code, s.region_name, s.county_code, s.county_name, s.office_name, s.device_name, s.enrolled_at],
    )?;
    Ok(())
}

pub fn revoke_token(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("UPDATE station SET token_revoked = 1 WHERE id = 1", [])?;
    Ok(())
}
