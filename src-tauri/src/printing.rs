//! Printing through CUPS with `lp`: no dialog, the printer named once in the settings. Invariant:
//! a failure says why in Chinese (no printer, out of paper, offline, CUPS not running) and the
//! caller keeps the file.

use std::path::Path;
use std::process::Command;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PrintError {
    #[error("no printer chosen and no CUPS default")]
    NoPrinter,
    #[error("printer {0:?} does not exist")]
    UnknownPrinter(String),
    #[error("printer {0:?} is stopped or offline")]
    Offline(String),
    #[error("printer {0:?} is out of paper")]
    NoPaper(String),
    #[error("CUPS is not running or lp is missing: {0}")]
    NoCups(String),
    #[error("lp failed: {0}")]
    Failed(String),
}

impl PrintError {
    pub fn message(&self) -> &'static str {
        match self {
            PrintError::NoPrinter => "尚未选择打印机，请在设置中选择回执打印机",
            PrintError::UnknownPrinter(_) => "设置中的打印机不存在，请重新选择",
            PrintError::Offline(_) => "打印机已暂停或脱机，请检查打印机电源和连接",
            PrintError::NoPaper(_) => "打印机缺纸，请放入纸张",
            PrintError::NoCups(_) => "打印服务未运行，请联系技术支持",
            PrintError::Failed(_) => "打印失败，请重试",
        }
    }
}

/// What `lpstat -p PRINTER` says about a printer's state, when it says anything.
fn printer_state(printer: &str) -> Option<String> {
    let out = Command::new("lpstat").args(["-p", printer]).output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).to_lowercase() + &String::from_utf8_lossy(&out.stderr).to_lowercase())
}

/// Reads lp's (English) complaint into a reason.
fn classify(printer: Option<&str>, stderr: &str) -> PrintError {
    let s = stderr.to_lowercase();
    let name = printer.unwrap_or("").to_string();
    if s.contains("no default destination") {
        PrintError::NoPrinter
    } else if s.contains("does not exist") || s.contains("not found") && printer.is_some() {
        PrintError::UnknownPrinter(name)
    } else if s.contains("scheduler not responding") || s.contains("connection refused") || s.contains("no such file") {
        PrintError::NoCups(stderr.trim().to_string())
    } else if s.contains("paper") {
        PrintError::NoPaper(name)
    } else if s.contains("not accepting") || s.contains("stopped") || s.contains("disabled") {
        PrintError::Offline(name)
    } else {
        PrintError::Failed(stderr.trim().to_string())
    }
}

/// The printers CUPS knows (empty when CUPS is not there).
pub fn printers() -> Vec<String> {
    Command::new("lpstat")
        .arg("-e")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect())
        .unwrap_or_default()
}

/// Sends the PDF to `printer` (or CUPS's default). Returns the job id lp reports.
pub fn print_pdf(printer: Option<&str>, path: &Path) -> Result<String, PrintError> {
    let printer = printer.map(str::trim).filter(|p| !p.is_empty());
    if let Some(p) = printer {
        if let Some(state) = printer_state(p) {
            if state.contains("paper") {
                return Err(PrintError::NoPaper(p.to_string()));
            }
            if state.contains("disabled") || state.contains("stopped") {
                return Err(PrintError::Offline(p.to_string()));
            }
        }
    }
    let mut cmd = Command::new("lp");
    if let Some(p) = printer {
        cmd.args(["-d", p]);
    }
    let out = cmd.arg("--").arg(path).output().map_err(|e| PrintError::NoCups(e.to_string()))?;
    if out.status.success() {
        let said = String::from_utf8_lossy(&out.stdout);
        // "request id is PDF-12 (1 file(s))"
        Ok(said.split_whitespace().nth(3).unwrap_or("?").to_string())
    } else {
        Err(classify(printer, &String::from_utf8_lossy(&out.stderr)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lp_complaints_become_reasons() {
        assert_eq!(classify(None, "lp: Error - No default destination."), PrintError::NoPrinter);
        assert_eq!(classify(Some("HP"), "lp: The printer or class does not exist."), PrintError::UnknownPrinter("HP".into()));
        assert!(matches!(classify(Some("HP"), "lp: Error - Scheduler Not Responding."), PrintError::NoCups(_)));
        assert_eq!(classify(Some("HP"), "lp: Destination \"HP\" is not accepting jobs."), PrintError::Offline("HP".into()));
        assert!(matches!(classify(Some("HP"), "something else"), PrintError::Failed(_)));
    }
}
