//! Documents as PDFs (receipts, reset slips, day sheets, reports), saved under a per-date folder
//! of the documents directory and printed through CUPS. Rendering is `report`'s; where files go
//! and who may ask is decided here.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::{rfc3339, Desk, Now, Session};
use crate::api::{PrintOutcome, ResetSlip};
use crate::domain::{office_day, DeskError, ErrorCode, Role};
use crate::printing;
use crate::report::{self, pdf::PdfError};
use crate::store::settings::{self, DocumentsDir, Printer, ReceiptOfficeName};
use crate::store::{audit, station};

/// What the 报表 page exports (a one-day PDF is the 日结单, a one-day CSV the day's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Xlsx,
    Csv,
    Pdf,
}

impl From<PdfError> for DeskError {
    fn from(e: PdfError) -> Self {
        DeskError::new(ErrorCode::Storage, e.message(), e.to_string())
    }
}

/// `$XDG_DOCUMENTS_DIR`, else `~/Documents`, then `zkdesk` (never the working directory).
fn default_documents_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DOCUMENTS_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Documents")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("zkdesk")
}

impl Desk {
    fn office_name(&self) -> Result<String, DeskError> {
        let c = self.store.conn();
        Ok(match settings::get::<ReceiptOfficeName>(c)? {
            Some(n) if !n.is_empty() => n,
            _ => station::get(c)?.map(|s| s.office_name).unwrap_or_default(),
        })
    }

    /// The receipt of any confirmation as printed (any logged-in staff: reprints happen at the counter).
    pub fn receipt_pdf(&self, session: &Session, confirmation_id: &str) -> Result<Vec<u8>, DeskError> {
        self.authorize(session, Role::Counter, "receipt pdf")?;
        let r = self.receipt(confirmation_id)?;
        Ok(report::receipt_pdf(&r, Some(&self.office_name()?))?)
    }

    pub fn reset_slip_pdf(&self, session: &Session, slip: &ResetSlip) -> Result<Vec<u8>, DeskError> {
        self.authorize(session, Role::Counter, "reset slip pdf")?;
        Ok(report::reset_slip_pdf(slip)?)
    }

    /// 日结单 for one day; the reconciliation is included when the province can be reached.
    pub fn day_sheet_pdf(&self, session: &Session, date: &str, now: &Now) -> Result<Vec<u8>, DeskError> {
        let r = self.report_range(session, date, date, now)?;
        let reconcile = match self.reconcile(session, date, now) {
            Ok(c) => Some(c),
            Err(e) => {
                tracing::info!("day sheet without reconciliation: {}", e.detail);
                None
            }
        };
        Ok(report::day_sheet_pdf(&self.office_name()?, &r, reconcile.as_ref())?)
    }

    pub fn range_pdf(&self, session: &Session, from: &str, to: &str, now: &Now) -> Result<Vec<u8>, DeskError> {
        let r = self.report_range(session, from, to, now)?;
        Ok(report::range_report_pdf(&self.office_name()?, &r)?)
    }

    /// The folder for documents made on `now`'s office day (created when missing).
    pub fn documents_folder(&self, now: &Now) -> Result<PathBuf, DeskError> {
        let base = settings::get::<DocumentsDir>(self.store.conn())?.map(PathBuf::from).unwrap_or_else(default_documents_dir);
        let dir = base.join(office_day::of(now).to_string());
        std::fs::create_dir_all(&dir)
            .map_err(|e| DeskError::new(ErrorCode::Storage, "无法创建文件保存目录，请检查设置中的保存位置", format!("{}: {e}", dir.display())))?;
        Ok(dir)
    }

    /// Saves `pdf` as `name` in today's folder and sends it to the chosen printer. A failed print
    /// keeps the file and says why.
    pub fn save_and_print(&self, session: &Session, name: &str, pdf: &[u8], what: &str, now: &Now) -> Result<PrintOutcome, DeskError> {
        self.authorize(session, Role::Counter, "print")?;
        let path = self.documents_folder(now)?.join(name);
        write_pdf(&path, pdf)?;
        let printer = settings::get::<Printer>(self.store.conn())?;
        let outcome = match printing::print_pdf(printer.as_deref(), &path) {
            Ok(job) => PrintOutcome { path: path.display().to_string(), printed: true, message: format!("已发送到打印机（{job}）") },
            Err(e) => {
                tracing::warn!("print {}: {e}", path.display());
                PrintOutcome { path: path.display().to_string(), printed: false, message: format!("{}；文件已保存：{}", e.message(), path.display()) }
            }
        };
        let detail = json!({"document": what, "file": outcome.path, "printed": outcome.printed});
        self.store.write(|tx| audit::record(tx, &rfc3339(now), &session.staff_id, "document_printed", &detail))?;
        Ok(outcome)
    }

    /// Saves a report of `from`..`to` in today's folder; returns the path.
    pub fn export_report(&self, session: &Session, from: &str, to: &str, format: ExportFormat, now: &Now) -> Result<PathBuf, DeskError> {
        let r = self.report_range(session, from, to, now)?;
        let one_day = r.from == r.to;
        let (bytes, ext) = match format {
            ExportFormat::Xlsx => (report::report_xlsx(&r).map_err(|e| DeskError::storage(format!("xlsx: {e}")))?, "xlsx"),
            ExportFormat::Csv if one_day => (report::day_list_csv(&r), "csv"),
            ExportFormat::Csv => (report::range_csv(&r), "csv"),
            ExportFormat::Pdf if one_day => (self.day_sheet_pdf(session, from, now)?, "pdf"),
            ExportFormat::Pdf => (self.range_pdf(session, from, to, now)?, "pdf"),
        };
        let name = if one_day { format!("现场确认-{}.{ext}", r.from) } else { format!("现场确认统计-{}至{}.{ext}", r.from, r.to) };
        let path = self.documents_folder(now)?.join(name);
        write_pdf(&path, &bytes)?;
        let detail = json!({"document": "report", "file": path.display().to_string(), "from": r.from, "to": r.to});
        self.store.write(|tx| audit::record(tx, &rfc3339(now), &session.staff_id, "report_exported", &detail))?;
        Ok(path)
    }

    /// Prints (or reprints) a confirmation's receipt.
    pub fn print_receipt(&self, session: &Session, confirmation_id: &str, now: &Now) -> Result<PrintOutcome, DeskError> {
        let pdf = self.receipt_pdf(session, confirmation_id)?;
        let detail = format!("receipt {confirmation_id}");
        self.save_and_print(session, &format!("回执-{confirmation_id}.pdf"), &pdf, &detail, now)
    }
}

/// Writes through a temporary file and a rename, so a full disk never leaves half a document.
fn write_pdf(path: &Path, pdf: &[u8]) -> Result<(), DeskError> {
    let tmp = path.with_extension("part");
    let result = std::fs::write(&tmp, pdf).and_then(|()| std::fs::rename(&tmp, path));
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        let full = e.raw_os_error() == Some(28);
        DeskError::new(
            ErrorCode::Storage,
            if full { "磁盘空间已满，文件未能保存，请清理磁盘后重试" } else { "文件未能保存，请检查保存位置" },
            format!("{}: {e}", path.display()),
        )
    })
}
