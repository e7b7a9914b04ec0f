//! The run-time WLT decoder loader, against a stand-in vendor library built here with gcc (a real
//! vendor decoder is a boundary no test machine can reach). The stand-in follows the vendor
//! convention: `int unpack(const unsigned char *wlt, unsigned char *bmp, int save)`.

use std::process::Command;

use zkdesk::idcard::wlt::{WltDecoder, WltError, BMP_LEN};

const FAKE_VENDOR: &str = r#"
#include <string.h>
static void le32(unsigned char *p, unsigned v) { p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24; }
/* Writes a 102x126 24-bit BMP whose colour comes from the first WLT byte; refuses 0xFF. */
int unpack(const unsigned char *wlt, unsigned char *bmp, int save) {
    (void)save;
    if (wlt[0] == 0xFF) return -2;
    memset(bmp, 0, 38862);
    bmp[0] = 'B'; bmp[1] = 'M'; le32(bmp + 2, 38862); le32(bmp + 10, 54);
    le32(bmp + 14, 40); le32(bmp + 18, 102); le32(bmp + 22, 126);
    bmp[26] = 1; bmp[28] = 24; le32(bmp + 34, 38808);
    for (int y = 0; y < 126; y++)
        for (int x = 0; x < 102; x++) {
            unsigned char *p = bmp + 54 + y * 308 + x * 3;
            p[0] = 200; p[1] = wlt[0]; p[2] = 10; /* B, G, R */
        }
    return 1;
}
"#;

fn build_fake(dir: &std::path::Path) -> String {
    let src = dir.join("fakewlt.c");
    let lib = dir.join("libfakewlt.so");
    std::fs::write(&src, FAKE_VENDOR).unwrap();
    let ok = Command::new("gcc").args(["-shared", "-fPIC", "-O1", "-o"]).arg(&lib).arg(&src).status().expect("gcc runs");
    assert!(ok.success());
    lib.to_string_lossy().into_owned()
}

#[test]
fn a_configured_decoder_turns_wlt_into_the_chip_photo() {
    let dir = tempfile::tempdir().unwrap();
    let lib = build_fake(dir.path());
    let d = WltDecoder::load(&lib, "unpack").unwrap();
    let mut wlt = vec![0u8; 1024];
    wlt[0] = 123;
    let img = d.decode(&wlt).unwrap();
    assert_eq!(img.dimensions(), (102, 126));
    assert_eq!(img.get_pixel(50, 60).0, [10, 123, 200]);
    assert_eq!(BMP_LEN, 54 + 126 * 308);
}

#[test]
fn decoder_failures_are_errors_not_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let lib = build_fake(dir.path());
    let d = WltDecoder::load(&lib, "unpack").unwrap();
    assert_eq!(d.decode(&[0xFF; 1024]).unwrap_err(), WltError::Failed(-2));
    assert_eq!(d.decode(&[0; 10]).unwrap_err(), WltError::Length(10));
    assert!(matches!(WltDecoder::load(&lib, "GetBmp"), Err(WltError::Load(_))));
    assert!(matches!(WltDecoder::load("/nonexistent/libwlt.so", "unpack"), Err(WltError::Load(_))));
}
