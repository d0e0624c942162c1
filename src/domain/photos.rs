//! Uploaded photos (ads and avatars): read strictly, decoded within a byte bound, scaled down
//! and re-encoded (EXIF gone, orientation applied), whatever their name or declared type; card
//! and detail sizes made later by a job, with a perceptual hash that finds near copies.

use std::io::Cursor;
use std::path::Path;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

/// Largest upload.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most pixels an upload may have (a decompression bomb has many).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Most bytes an upload may take once decoded: 40 MP of 8-bit RGBA. Pixels alone do not bound
/// memory: a 16-bit RGBA image takes 8 bytes a pixel, so 39.7 MP of it would take 318 MB.
pub const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 4;
/// Photos per ad.
pub const MAX_PER_AD: usize = 10;
/// Longest side of the stored original.
const ORIGINAL_SIDE: u32 = 2560;
/// Card size (4:3, cropped to fill).
const CARD: (u32, u32) = (480, 360);
/// Longest side of the detail size.
const DETAIL_SIDE: u32 = 1280;
/// Memory a decode needs beyond the decoded pixels: the scaled copy (at most 2560² RGBA), its
/// RGB form and the encoder's output.
const WORKING_BYTES: u64 = 48 * 1024 * 1024;

/// Why an upload was refused (a message key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoError {
    /// Not a JPEG, PNG or WebP, or unreadable, truncated or corrupt.
    NotImage,
    /// Over 10 MB.
    TooBig,
    /// Over 40 megapixels.
    TooManyPixels,
    /// Would take too much memory to decode (deep colour or alpha at many pixels).
    TooHeavy,
}

impl PhotoError {
    /// The message key.
    pub fn key(self) -> &'static str {
        match self {
            Self::NotImage => "photo.not_image",
            Self::TooBig => "photo.too_big",
            Self::TooManyPixels => "photo.too_many_pixels",
            Self::TooHeavy => "photo.too_heavy",
        }
    }
}

/// What an upload's header says, read before anything is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inspected {
    format: ImageFormat,
    /// Pixels.
    pub width: u32,
    /// Pixels.
    pub height: u32,
    /// Bytes the decoded pixels take (channels and bit depth counted).
    pub decoded_bytes: u64,
}

impl Inspected {
    /// Memory the whole decode needs at its peak, in MiB: what a decode budget is charged.
    pub fn cost_mib(&self) -> u32 {
        let mib = (self.decoded_bytes + WORKING_BYTES).div_ceil(1024 * 1024);
        u32::try_from(mib).unwrap_or(u32::MAX)
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

/// Strict JPEG decoding: a scan that ends early, a marker inside it or any other corruption is
/// an error, not a picture padded with grey (an end marker appended to a cut file included).
fn jpeg_options() -> zune_core::options::DecoderOptions {
    zune_core::options::DecoderOptions::default()
        .set_strict_mode(true)
        .set_max_width(65_535)
        .set_max_height(65_535)
        .jpeg_set_out_colorspace(zune_core::colorspace::ColorSpace::RGB)
}

fn check_size(width: u32, height: u32, decoded_bytes: u64) -> Result<(), PhotoError> {
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    if decoded_bytes > MAX_DECODED_BYTES {
        return Err(PhotoError::TooHeavy);
    }
    Ok(())
}

/// A fingerprint of decoded pixels.
fn fingerprint(pixels: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::with_seed(0x75_7a_6d_61_74).hash_one(pixels)
}

/// The fingerprint of a JPEG decoded with filler bytes put before its end marker. Even the
/// strict decoder takes an end marker inside a scan as the end and pads the rest with zero
/// bits, so a cut file with `FF D9` appended decodes "fine". A whole scan ends before the
/// filler and decodes the same as without it; a cut one reads the filler instead of the zero
/// padding, and its pixels differ. The decode takes twice the time, not twice the memory.
fn decode_jpeg_filled(bytes: &[u8]) -> Result<u64, PhotoError> {
    let end = if bytes.ends_with(&[0xFF, 0xD9]) { bytes.len() - 2 } else { bytes.len() };
    let mut filled = Vec::with_capacity(bytes.len() + 66);
    filled.extend_from_slice(&bytes[..end]);
    // no 0xFF: the filler cannot read as a marker
    filled.extend_from_slice(&[0x5A; 64]);
    filled.extend_from_slice(&bytes[end..]);
    let mut d = zune_jpeg::JpegDecoder::new_with_options(
        zune_core::bytestream::ZCursor::new(&filled[..]),
        jpeg_options(),
    );
    let pixels = d.decode().map_err(|_| PhotoError::NotImage)?;
    Ok(fingerprint(&pixels))
}

/// Reads an upload's header (JPEG, PNG or WebP by its bytes): its size in pixels and in decoded
/// bytes. Refuses other formats and images over the pixel or byte bound, before any decoding.
pub fn inspect(bytes: &[u8]) -> Result<Inspected, PhotoError> {
    if bytes.len() > MAX_BYTES {
        return Err(PhotoError::TooBig);
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::NotImage)?;
    let (format, width, height, decoded_bytes) = match reader.format() {
        Some(ImageFormat::Jpeg) => {
            let mut d = zune_jpeg::JpegDecoder::new_with_options(
                zune_core::bytestream::ZCursor::new(bytes),
                jpeg_options(),
            );
            d.decode_headers().map_err(|_| PhotoError::NotImage)?;
            let (w, h) = d.dimensions().ok_or(PhotoError::NotImage)?;
            let (w, h) = (w as u32, h as u32);
            // decoded as 8-bit RGB whatever the file holds
            (ImageFormat::Jpeg, w, h, u64::from(w) * u64::from(h) * 3)
        }
        Some(f @ (ImageFormat::Png | ImageFormat::WebP)) => {
            let d = reader.into_decoder().map_err(|_| PhotoError::NotImage)?;
            let (w, h) = d.dimensions();
            (f, w, h, d.total_bytes())
        }
        _ => return Err(PhotoError::NotImage),
    };
    check_size(width, height, decoded_bytes)?;
    Ok(Inspected { format, width, height, decoded_bytes })
}

/// Decodes an inspected upload, scales it to fit `side` × `side` and applies its orientation.
/// Peak memory is the decoded pixels plus the scaled copy: the scaling reads the pixels as
/// they are (no float copy of the full image), and the orientation turns only the small copy.
pub fn decode(bytes: &[u8], info: &Inspected, side: u32) -> Result<DynamicImage, PhotoError> {
    check_size(info.width, info.height, info.decoded_bytes)?;
    let (img, orientation) = match info.format {
        ImageFormat::Jpeg => {
            let filled = decode_jpeg_filled(bytes)?;
            let mut d = zune_jpeg::JpegDecoder::new_with_options(
                zune_core::bytestream::ZCursor::new(bytes),
                jpeg_options(),
            );
            let pixels = d.decode().map_err(|_| PhotoError::NotImage)?;
            if fingerprint(&pixels) != filled {
                return Err(PhotoError::NotImage);
            }
            let (w, h) = d.dimensions().ok_or(PhotoError::NotImage)?;
            let orientation = d.exif().and_then(|e| Orientation::from_exif_chunk(e));
            let rgb = image::RgbImage::from_raw(w as u32, h as u32, pixels)
                .ok_or(PhotoError::NotImage)?;
            (DynamicImage::ImageRgb8(rgb), orientation)
        }
        _ => {
            let reader = ImageReader::new(Cursor::new(bytes))
                .with_guessed_format()
                .map_err(|_| PhotoError::NotImage)?;
            let mut decoder = reader.into_decoder().map_err(|_| PhotoError::NotImage)?;
            let mut limits = Limits::default();
            limits.max_alloc = Some(MAX_DECODED_BYTES);
            decoder.set_limits(limits).map_err(|_| PhotoError::TooHeavy)?;
            let orientation = decoder.orientation().ok();
            let img = DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::NotImage)?;
            (img, orientation)
        }
    };
    let mut img =
        if img.width().max(img.height()) > side { img.thumbnail(side, side) } else { img };
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    Ok(img)
}

/// Decodes an upload, applies its orientation and re-encodes it at most 2560 px a side.
pub fn process_upload(bytes: &[u8], info: &Inspected) -> Result<Processed, PhotoError> {
    let img = decode(bytes, info, ORIGINAL_SIDE)?;
    Ok(Processed { jpeg: encode(&img, 85)?, width: img.width(), height: img.height() })
}

/// Decodes a chat image, applies its orientation and re-encodes it at most 1600 px a side
/// (what a chat shows; nothing of the sender's file but its pixels is kept).
pub fn process_chat_image(bytes: &[u8], info: &Inspected) -> Result<Processed, PhotoError> {
    let img = decode(bytes, info, 1600)?;
    Ok(Processed { jpeg: encode(&img, 82)?, width: img.width(), height: img.height() })
}

/// Decodes an upload and re-encodes it as a square JPEG of `side` px, cropped to fill.
pub fn process_square(bytes: &[u8], info: &Inspected, side: u32) -> Result<Vec<u8>, PhotoError> {
    // scaled down first (cheaply), then cropped and filtered at a small size
    let img = decode(bytes, info, side * 4)?;
    let square = img.resize_to_fill(side, side, image::imageops::FilterType::Triangle);
    encode(&square, 85)
}

/// A fresh random file name under `photos/`.
pub fn new_name() -> String {
    format!("photos/{}.jpg", crate::domain::secrets::new_token().replace(['-', '_'], "x"))
}

/// Scales `img` to cover `w` × `h` and crops the middle. Shrinking goes through area
/// averaging, which allocates only its output (a filtered resize of a 2560 px photo would hold
/// a float copy of tens of MB while the upload decodes run beside it).
fn cover(img: &DynamicImage, w: u32, h: u32) -> DynamicImage {
    let scale =
        f64::max(f64::from(w) / f64::from(img.width()), f64::from(h) / f64::from(img.height()));
    if scale >= 1.0 {
        return img.resize_to_fill(w, h, image::imageops::FilterType::Triangle);
    }
    let sw = ((f64::from(img.width()) * scale).ceil() as u32).max(w);
    let sh = ((f64::from(img.height()) * scale).ceil() as u32).max(h);
    let scaled = img.thumbnail_exact(sw, sh);
    scaled.crop_imm((sw - w) / 2, (sh - h) / 2, w, h)
}

/// What the photo job makes of a stored original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variants {
    /// The card size, relative to the uploads folder.
    pub card: String,
    /// The detail size, relative to the uploads folder.
    pub detail: String,
    /// The original's [`dhash`].
    pub hash: u64,
}

/// Writes the card and detail sizes next to `original` (relative to `uploads`) and hashes it.
pub fn make_variants(uploads: &Path, original: &str) -> std::io::Result<Variants> {
    let img = image::open(uploads.join(original)).map_err(std::io::Error::other)?;
    let hash = dhash(&img);
    let stem = original.trim_end_matches(".jpg");
    let card_path = format!("{stem}-card.jpg");
    let detail_path = format!("{stem}-detail.jpg");
    let card = cover(&img, CARD.0, CARD.1);
    std::fs::write(
        uploads.join(&card_path),
        encode(&card, 80).map_err(|_| std::io::Error::other("encode"))?,
    )?;
    let detail = if img.width().max(img.height()) > DETAIL_SIDE {
        img.thumbnail(DETAIL_SIDE, DETAIL_SIDE)
    } else {
        img
    };
    std::fs::write(
        uploads.join(&detail_path),
        encode(&detail, 82).map_err(|_| std::io::Error::other("encode"))?,
    )?;
    Ok(Variants { card: card_path, detail: detail_path, hash })
}

/// Hashes at most this many bits apart are the same picture: re-encoded, resized or lightly
/// retouched copies measure 0 to 4 in the tests below, unrelated photos around 32.
pub const SIMILAR_BITS: u32 = 6;

/// A 64-bit difference hash (dHash): the picture shrunk to 9 × 8 grey pixels by area averaging,
/// one bit per pair of horizontal neighbours, set where the right one is brighter. It ignores
/// size, aspect, JPEG quality and overall brightness; another picture differs in about half
/// the bits. Hand-written (15 lines on `image`, which we have): the `image_hasher` crate adds
/// a DCT library, base64 and serde for hashes we do not use.
pub fn dhash(img: &DynamicImage) -> u64 {
    let small = img.thumbnail_exact(9, 8).to_luma8();
    let mut hash = 0u64;
    for y in 0..8 {
        for x in 0..8 {
            let (left, right) = (small.get_pixel(x, y).0[0], small.get_pixel(x + 1, y).0[0]);
            hash = (hash << 1) | u64::from(right > left);
        }
    }
    hash
}

/// Bits two hashes differ in.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Whether a hash says enough to be compared: a plain picture (one colour, a smooth gradient)
/// has nearly all its bits alike, and every other plain picture would be "similar" to it.
pub fn is_distinctive(hash: u64) -> bool {
    (8..=56).contains(&hash.count_ones())
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

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x * 7 % 255) as u8, (y * 3 % 255) as u8, ((x ^ y) % 255) as u8])
        });
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out).encode_image(&img).expect("jpeg");
        out
    }

    fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
        process_upload(bytes, &inspect(bytes)?)
    }

    #[test]
    fn uploads_are_reencoded_and_bad_ones_refused() {
        let p = process(&png(300, 200)).expect("png");
        assert_eq!((p.width, p.height), (300, 200));
        assert_eq!(&p.jpeg[..2], &[0xFF, 0xD8]);
        assert_eq!(process(b"<svg/>").err(), Some(PhotoError::NotImage));
        let full = png(64, 64);
        assert_eq!(process(&full[..full.len() / 2]).err(), Some(PhotoError::NotImage), "cut PNG");
        let j = jpeg(200, 200);
        assert!(process(&j).is_ok());
        assert_eq!(process(&j[..j.len() - 40]).err(), Some(PhotoError::NotImage), "JPEG cut short");
        assert_eq!(process(&vec![0u8; MAX_BYTES + 1]).err(), Some(PhotoError::TooBig));
    }

    #[test]
    fn a_cut_jpeg_with_an_end_marker_appended_is_refused() {
        // the scan stops at 60 % of the file; the end marker makes the file look whole
        let j = jpeg(640, 480);
        let mut cut = j[..j.len() * 6 / 10].to_vec();
        cut.extend_from_slice(&[0xFF, 0xD9]);
        assert!(inspect(&cut).is_ok(), "the header is intact");
        assert_eq!(process(&cut).err(), Some(PhotoError::NotImage));
        // a whole file with the same ending passes
        assert_eq!(&j[j.len() - 2..], &[0xFF, 0xD9]);
        assert!(process(&j).is_ok());
    }

    #[test]
    fn large_photos_are_scaled_down_without_distortion() {
        let p = process(&jpeg(3000, 1500)).expect("large jpeg");
        assert_eq!((p.width, p.height), (2560, 1280));
        let square = process_square(&png(400, 300), &inspect(&png(400, 300)).expect("png"), 256)
            .expect("square");
        assert_eq!(image::load_from_memory(&square).expect("decodes").width(), 256);
    }

    #[test]
    fn cards_cover_their_box_whatever_the_shape() {
        for (w, h) in [(2560, 1440), (1000, 2000), (480, 360), (300, 100)] {
            let img = DynamicImage::ImageRgb8(image::RgbImage::new(w, h));
            let c = cover(&img, 480, 360);
            assert_eq!((c.width(), c.height()), (480, 360), "{w}x{h}");
        }
    }

    #[test]
    fn deep_colour_and_alpha_count_against_the_byte_bound() {
        // a 16-bit RGBA PNG of 4,000 x 5,500 (22 MP, under the pixel cap) takes 176 MB decoded
        let (w, h) = (4_000u32, 5_500u32);
        let mut bytes = Vec::new();
        let encoder = image::codecs::png::PngEncoder::new(&mut bytes);
        let data = vec![0u8; (w * h * 8) as usize];
        image::ImageEncoder::write_image(encoder, &data, w, h, image::ExtendedColorType::Rgba16)
            .expect("png");
        drop(data);
        assert!(bytes.len() < MAX_BYTES, "small on disk: {} bytes", bytes.len());
        assert_eq!(inspect(&bytes).err(), Some(PhotoError::TooHeavy));
        // the same pixels in 8-bit RGB pass, and their cost is what a budget is charged
        let small = inspect(&png(2_000, 1_000)).expect("8-bit");
        assert_eq!(small.decoded_bytes, 2_000 * 1_000 * 3);
        assert_eq!(small.cost_mib(), 54);
    }

    /// A photo-like picture: smooth shapes and some texture, different for each `seed`.
    fn scene(w: u32, h: u32, seed: u32) -> DynamicImage {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
            let s = seed as f32;
            let v = ((fx * (3.0 + s) + s).sin() * (fy * (2.0 + s * 0.7) - s).cos() + 1.0) * 100.0;
            let sky = if fy < 0.4 + 0.1 * (fx * 6.0 + s).sin() { 40.0 } else { 0.0 };
            let g = (v + sky).min(255.0) as u8;
            image::Rgb([g, g.saturating_add(((x + y) % 7) as u8), 255 - g / 2])
        });
        DynamicImage::ImageRgb8(img)
    }

    fn reencoded(img: &DynamicImage, quality: u8) -> DynamicImage {
        image::load_from_memory(&encode(img, quality).expect("encode")).expect("decode")
    }

    #[test]
    fn near_copies_hash_close_and_other_photos_far() {
        let original = scene(1200, 900, 1);
        let h = dhash(&original);
        assert!(is_distinctive(h), "{h:064b}");
        let jpeg = dhash(&reencoded(&original, 60));
        let smaller = dhash(&reencoded(&original.thumbnail(400, 400), 85));
        let stretched =
            dhash(&original.resize_exact(1000, 900, image::imageops::FilterType::Triangle));
        let brighter = dhash(&DynamicImage::ImageRgb8(image::imageops::colorops::brighten(
            &original.to_rgb8(),
            20,
        )));
        for (what, other) in [
            ("re-encoded", jpeg),
            ("smaller", smaller),
            ("stretched", stretched),
            ("brighter", brighter),
        ] {
            assert!(distance(h, other) <= 4, "{what}: {} bits", distance(h, other));
        }
        assert_eq!(distance(h, dhash(&original)), 0, "the same picture");
        for seed in 2..6 {
            let d = distance(h, dhash(&scene(1200, 900, seed)));
            assert!(d > 3 * SIMILAR_BITS, "another photo (seed {seed}) is {d} bits away");
        }
        let flat = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            64,
            64,
            image::Rgb([200, 200, 200]),
        ));
        assert!(!is_distinctive(dhash(&flat)), "a plain picture says nothing");
    }

    #[test]
    fn a_decompression_bomb_is_refused_before_decoding() {
        // a valid PNG header claiming 10,000 x 10,000 pixels (100 MP), tiny on disk
        let mut bomb = Vec::new();
        let encoder = image::codecs::png::PngEncoder::new(&mut bomb);
        let data = vec![0u8; 10_000 * 10_000];
        image::ImageEncoder::write_image(
            encoder,
            &data,
            10_000,
            10_000,
            image::ExtendedColorType::L8,
        )
        .expect("bomb");
        assert!(bomb.len() < MAX_BYTES);
        assert_eq!(inspect(&bomb).err(), Some(PhotoError::TooManyPixels));
    }
}
