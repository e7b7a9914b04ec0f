//! The chip photo is 1024 bytes of WLT, decodable only by a vendor library. When one is
//! configured (`ZKDESK_WLT_LIB` = path, `ZKDESK_WLT_SYMBOL` = its `unpack`-style function),
//! it is loaded at run time; without one the chip photo is simply absent.
//!
//! Status: the loader is not built yet — `decoder_from_env` always answers `None`, and the
//! identity carries the raw WLT bytes (`photo_wlt_base64`) for the province.

/// A decoded chip photo (BMP bytes as the vendor library writes them).
pub struct ChipPhoto {
    pub bmp: Vec<u8>,
}

/// Turns 1024 WLT bytes into a photo.
pub type WltDecoder = fn(&[u8]) -> Option<ChipPhoto>;

/// The configured vendor decoder, if any. Not built yet: see the module comment.
pub fn decoder_from_env() -> Option<WltDecoder> {
    None
}
