//! What devices this workstation has: SAM_V readers on serial ports (found by asking each port
//! for SAM status), PC/SC readers (with or without a built-in SAM) and cameras, for 设置 to
//! choose from. Invariant: detection only asks and never fails; a device that does not answer
//! is simply not listed. No tauri: the GUI and `zkctl devices` both call [`detect`].

use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::reader::{pcsc, serial};
use crate::camera::{self, CameraInfo};

/// How a detected reader reads cards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ReaderKind {
    /// A SAM_V reader on a serial port (RS-232, USB-CDC, USB-serial adapter).
    Samv,
    /// A PC/SC reader with a built-in SAM: reads the identity.
    PcscSam,
    /// A plain PC/SC reader, or one not yet known to have a SAM: the card UID only.
    PcscUid,
}

/// One reader, with the spec that opens it (`serial:PATH@BAUD` carries the rate that answered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DetectedReader {
    pub spec: String,
    pub kind: ReaderKind,
    /// The SAM id of a serial reader (vendor form, see [`super::samv::format_sam_id`]).
    pub sam_id: Option<String>,
}

/// Everything found: `{"readers": [...], "cameras": [{"spec", "name"}]}`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DeviceList {
    pub readers: Vec<DetectedReader>,
    pub cameras: Vec<CameraInfo>,
}

/// What to look for.
#[derive(Debug, Clone)]
pub struct DetectOptions {
    /// Probe the USB-CDC and USB-serial ports the system lists.
    pub scan_serial: bool,
    /// More serial paths to probe: a motherboard COM port, a TCP serial server's tty, a test's
    /// pseudo-terminal.
    pub extra_serial: Vec<String>,
    /// How long a serial probe waits for each answer, at each rate.
    pub serial_timeout: Duration,
    pub pcsc: bool,
    pub cameras: bool,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions { scan_serial: true, extra_serial: Vec::new(), serial_timeout: Duration::from_millis(300), pcsc: true, cameras: true }
    }
}

/// Looks for every kind of device the options ask for.
pub fn detect(opts: &DetectOptions) -> DeviceList {
    let mut paths = if opts.scan_serial { usb_serial_ports() } else { Vec::new() };
    paths.extend(opts.extra_serial.iter().cloned());
    let mut readers = detect_serial(&paths, opts.serial_timeout);
    if opts.pcsc {
        readers.extend(detect_pcsc());
    }
    let cameras = if opts.cameras { camera::list() } else { Vec::new() };
    DeviceList { readers, cameras }
}

/// USB-CDC (`ttyACM*`) and USB-serial (`ttyUSB*`) ports. On-board UARTs are left out: a PC
/// lists many that have nothing behind them, and each would cost a probe's timeout.
pub fn usb_serial_ports() -> Vec<String> {
    match serialport::available_ports() {
        Ok(ports) => {
            ports.into_iter().filter(|p| matches!(p.port_type, serialport::SerialPortType::UsbPort(_))).map(|p| p.port_name).collect()
        }
        Err(e) => {
            tracing::info!("device detection: cannot list serial ports: {e}");
            Vec::new()
        }
    }
}

/// The paths that answer SAM_V status, in the order given (each once); probed side by side so
/// that silent ports cost one timeout in all, not one each.
pub fn detect_serial(paths: &[String], timeout: Duration) -> Vec<DetectedReader> {
    let mut unique: Vec<&String> = Vec::new();
    for p in paths {
        if !unique.contains(&p) {
            unique.push(p);
        }
    }
    std::thread::scope(|s| {
        let probes: Vec<_> = unique.iter().map(|p| (p, s.spawn(move || serial::probe(p, timeout)))).collect();
        probes
            .into_iter()
            .filter_map(|(path, h)| {
                let found = h.join().ok().flatten()?;
                Some(DetectedReader { spec: format!("serial:{path}@{}", found.baud), kind: ReaderKind::Samv, sam_id: found.sam_id })
            })
            .collect()
    })
}

/// Every PC/SC reader pcscd knows, as `pcsc:NAME`.
pub fn detect_pcsc() -> Vec<DetectedReader> {
    pcsc::survey()
        .into_iter()
        .map(|r| DetectedReader {
            spec: format!("pcsc:{}", r.name),
            kind: if r.builtin_sam { ReaderKind::PcscSam } else { ReaderKind::PcscUid },
            sam_id: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_serializes_in_the_agreed_shape() {
        let list = DeviceList {
            readers: vec![
                DetectedReader { spec: "serial:/dev/ttyACM0@115200".into(), kind: ReaderKind::Samv, sam_id: Some("05.01-1".into()) },
                DetectedReader { spec: "pcsc:R".into(), kind: ReaderKind::PcscUid, sam_id: None },
            ],
            cameras: vec![CameraInfo { spec: "pattern".into(), name: "测试图案".into() }],
        };
        let v = serde_json::to_value(&list).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "readers": [
                    {"spec": "serial:/dev/ttyACM0@115200", "kind": "samv", "sam_id": "05.01-1"},
                    {"spec": "pcsc:R", "kind": "pcsc_uid", "sam_id": null}
                ],
                "cameras": [{"spec": "pattern", "name": "测试图案"}]
            })
        );
        assert_eq!(serde_json::to_value(ReaderKind::PcscSam).unwrap(), "pcsc_sam");
    }

    #[test]
    fn a_path_that_is_no_port_is_not_listed() {
        let paths = vec!["/dev/zkdesk-no-such-port".to_string()];
        assert!(detect_serial(&paths, Duration::from_millis(50)).is_empty());
    }
}
