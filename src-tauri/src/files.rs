//! Files a person names on the command line or in the UI (photos, card captures, card files,
//! scanned reports). Invariant: never read past a bound — `/dev/zero` or a 40 GB file is refused
//! after `max + 1` bytes, never read into memory whole.

use std::io::Read;
use std::path::Path;

/// Reads at most `max` bytes; `Err` (English, for the log) when the file is larger or unreadable.
pub fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > max {
        return Err(format!("{} is larger than {max} bytes", path.display()));
    }
    Ok(bytes)
}

/// Sets a file's or directory's mode: the data directory (0700) and its files (0600) hold
/// every candidate's identity and photo, so they are the account's alone.
#[cfg(unix)]
pub fn restrict(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
pub fn restrict(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_file_is_refused_at_the_bound() {
        let e = read_bounded(Path::new("/dev/zero"), 4096).unwrap_err();
        assert!(e.contains("larger than 4096"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, [1u8; 10]).unwrap();
        assert_eq!(read_bounded(&p, 10).unwrap().len(), 10);
        assert!(read_bounded(&p, 9).is_err());
        assert!(read_bounded(&dir.path().join("none"), 9).is_err());
    }
}
