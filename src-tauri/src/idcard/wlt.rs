//! The chip photo is 1024 bytes of WLT, decodable only by a vendor library. When one is
//! configured — `ZKDESK_WLT_LIB` (path of the shared library) and `ZKDESK_WLT_SYMBOL` (its
//! decoder, default `unpack`) — it is loaded at run time; without one the chip photo is simply
//! absent and the identity carries the raw bytes (`photo_wlt_base64`) for the province.
//!
//! The symbol follows the common vendor convention:
//! `int unpack(const unsigned char *wlt, unsigned char *bmp, int save)` writes a complete
//! 102×126 24-bit BMP file (38,862 bytes) into `bmp` and returns 1 on success.

// Calling into a vendor's C library is the one place this crate needs `unsafe`.
#![allow(unsafe_code)]

use image::RgbImage;

pub const WLT_LEN: usize = 1024;
/// 54-byte header + 126 rows of 102 BGR pixels padded to 308 bytes.
pub const BMP_LEN: usize = 38_862;

type UnpackFn = unsafe extern "C" fn(*const u8, *mut u8, i32) -> i32;

pub struct WltDecoder {
    // Keeps the library mapped while `unpack` may be called.
    _lib: libloading::Library,
    unpack: UnpackFn,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WltError {
    #[error("cannot load the WLT decoder library: {0}")]
    Load(String),
    #[error("the WLT decoder failed (returned {0})")]
    Failed(i32),
    #[error("the WLT decoder wrote an unreadable bitmap: {0}")]
    Bitmap(String),
    #[error("WLT data must be {WLT_LEN} bytes, got {0}")]
    Length(usize),
}

impl WltDecoder {
    /// Loads `symbol` from the library at `path`.
    pub fn load(path: &str, symbol: &str) -> Result<Self, WltError> {
        // SAFETY: loading runs the library's initialisers; the path is configured by the
        // office's administrator to name the reader vendor's decoder.
        let lib = unsafe { libloading::Library::new(path) }.map_err(|e| WltError::Load(e.to_string()))?;
        // SAFETY: the symbol is declared with the vendor convention documented above.
        let unpack: UnpackFn = unsafe { lib.get::<UnpackFn>(symbol.as_bytes()) }.map(|s| *s).map_err(|e| WltError::Load(e.to_string()))?;
        Ok(WltDecoder { _lib: lib, unpack })
    }

    /// The decoder named by `ZKDESK_WLT_LIB` / `ZKDESK_WLT_SYMBOL`, if configured and loadable.
    pub fn from_env() -> Option<Self> {
        let path = std::env::var("ZKDESK_WLT_LIB").ok().filter(|p| !p.is_empty())?;
        let symbol = std::env::var("ZKDESK_WLT_SYMBOL").unwrap_or_else(|_| "unpack".into());
        match Self::load(&path, &symbol) {
            Ok(d) => Some(d),
            Err(e) => {
                tracing::warn!("chip photos disabled: {e}");
                None
            }
        }
    }

    /// Decodes the 1024 WLT bytes of a card into its photo.
    pub fn decode(&self, wlt: &[u8]) -> Result<RgbImage, WltError> {
        if wlt.len() != WLT_LEN {
            return Err(WltError::Length(wlt.len()));
        }
        let mut bmp = vec![0u8; BMP_LEN];
        // SAFETY: `wlt` holds WLT_LEN bytes and `bmp` BMP_LEN bytes, the sizes the convention fixes.
        let rc = unsafe { (self.unpack)(wlt.as_ptr(), bmp.as_mut_ptr(), 0) };
        if rc != 1 {
            return Err(WltError::Failed(rc));
        }
        image::load_from_memory_with_format(&bmp, image::ImageFormat::Bmp).map(|i| i.to_rgb8()).map_err(|e| WltError::Bitmap(e.to_string()))
    }
}
