//! Ad photos: uploads decoded and re-encoded (EXIF gone, orientation applied), whatever their
//! name or declared type; card and detail sizes made later by a job.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Largest upload.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most pixels an upload may have (a decompression bomb has many).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Photos per ad.
pub const MAX_PER_AD: usize = 10;
/// Longest side of the stored original.
const ORIGINAL_SIDE: u32 = 2560;
/// Card size (4:3, cropped to fill).
const CARD: (u32, u32) = (480, 360);
/// Longest side of the detail size.
const DETAIL_SIDE: u32 = 1280;

/// Why an upload was refused (a message key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    /// Not a JPEG, PNG or WebP, or unreadable.
    NotImage,
    /// Over 10 MB.
    TooBig,
    /// Over 40 megapixels.
    TooManyPixels,
}

impl PhotoError {
    /// The message key.
    pub fn key(self) -> &'static str {
        match self {
            Self::NotImage => "photo.not_image",
            Self::TooBig => "photo.too_big",
            Self::TooManyPixels => "photo.too_many_pixels",
        }
    }
}

/// A re-encoded photo.
pub struct Processed {
    /// JPEG bytes.
    pub jpeg: Vec<u8>,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
}

fn encode(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img.to_rgb8())
        .map_err(|_| PhotoError::NotImage)?;
    Ok(out)
}

/// Whether a JPEG stops before its end marker (decoders would quietly fill the rest with grey).
pub fn is_truncated(bytes: &[u8], format: ImageFormat) -> bool {
    match format {
        ImageFormat::Jpeg => {
            let tail = &bytes[bytes.len().saturating_sub(4096)..];
            !tail.windows(2).any(|w| w == [0xFF, 0xD9])
        }
        _ => false,
    }
}

/// Decodes an upload (JPEG, PNG or WebP by its bytes), applies its orientation and re-encodes it.
pub fn process_upload(bytes: &[u8]) -> Result<Processed, PhotoError> {
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooBig);
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::NotImage)?;
    match reader.format() {
        Some(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP))
            if !is_truncated(bytes, f) => {}
        _ => return Err(PhotoError::NotImage),
    }
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::NotImage)?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(512 * 1024 * 1024);
    decoder.set_limits(limits).map_err(|_| PhotoError::TooManyPixels)?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::NotImage)?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    if img.width().max(img.height()) > ORIGINAL_SIDE {
        img = img.resize(ORIGINAL_SIDE, ORIGINAL_SIDE, image::imageops::FilterType::Triangle);
    }
    Ok(Processed { jpeg: encode(&img, 85)?, width: img.width(), height: img.height() })
}

/// A fresh random file name under `photos/`.
pub fn new_name() -> String {
    format!("photos/{}.jpg", crate::domain::secrets::new_token().replace(['-', '_'], "x"))
}

/// Writes the card and detail sizes next to `original` (relative to `uploads`); returns their
/// relative paths.
pub fn make_variants(uploads: &Path, original: &str) -> std::io::Result<(String, String)> {
    let img = image::open(uploads.join(original)).map_err(std::io::Error::other)?;
    let stem = original.trim_end_matches(".jpg");
    let card_path = format!("{stem}-card.jpg");
    let detail_path = format!("{stem}-detail.jpg");
    let card = img.resize_to_fill(CARD.0, CARD.1, image::imageops::FilterType::Triangle);
    std::fs::write(
        uploads.join(&card_path),
        encode(&card, 80).map_err(|_| std::io::Error::other("encode"))?,
    )?;
    let detail = if img.width().max(img.height()) > DETAIL_SIDE {
        img.resize(DETAIL_SIDE, DETAIL_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    std::fs::write(
        uploads.join(&detail_path),
        encode(&detail, 82).map_err(|_| std::io::Error::other("encode"))?,
    )?;
    Ok((card_path, detail_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 255) as u8, (y % 255) as u8, 100])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn uploads_are_reencoded_and_bad_ones_refused() {
        let p = process_upload(&png(300, 200)).expect("png");
        assert_eq!((p.width, p.height), (300, 200));
        assert_eq!(&p.jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(process_upload(b"<svg/>").err(), Some(PhotoError::NotImage));
        let full = png(64, 64);
        assert_eq!(
            process_upload(&full[..full.len() / 2]).err(),
            Some(PhotoError::NotImage),
            "truncated"
        );
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
            .encode_image(&image::RgbImage::from_pixel(200, 200, image::Rgb([9, 9, 9])))
            .expect("jpeg");
        assert!(process_upload(&jpeg).is_ok());
        assert_eq!(
            process_upload(&jpeg[..jpeg.len() - 40]).err(),
            Some(PhotoError::NotImage),
            "JPEG cut short"
        );
        assert_eq!(process_upload(&vec![0u8; MAX_BYTES + 1]).err(), Some(PhotoError::TooBig));
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // a valid PNG header claiming 10,000 x 10,000 pixels (100 MP), tiny on disk
        let mut bomb = Vec::new();
        let encoder = image::codecs::png::PngEncoder::new(&mut bomb);
        let row = vec![0u8; 10_000];
        // write a real 10000x10000 grey PNG: highly compressible, ~100 KB
        let data: Vec<u8> = row.iter().copied().cycle().take(10_000 * 10_000).collect();
        image::ImageEncoder::write_image(
            encoder,
            &data,
            10_000,
            10_000,
            image::ExtendedColorType::L8,
        )
        .expect("bomb");
        assert!(bomb.len() < MAX_BYTES);
        assert_eq!(process_upload(&bomb).err(), Some(PhotoError::TooManyPixels));
    }
}
